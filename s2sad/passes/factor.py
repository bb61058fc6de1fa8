"""Factor an adjoint out of its own update: `x_bar = x_bar * (t1 + x * math.cos(x))`.

When a variable is used twice in one product, as in the lecture's loop step
`x = math.sin(x) * x + 0.5`, each use scales the incoming adjoint by its own
partial, and the reverse generator writes one statement per rule:

    # before                                   # after
    t1_bar = x_bar * x                         x_bar = x_bar * (t1 + x * math.cos(x))
    x_bar = t1 * x_bar
    x_bar = x_bar + t1_bar * math.cos(x)

A person factors the adjoint out: one product fewer per step, and the chain
rule as it is written on the board (the sum of the partials, times the adjoint).
The two forms round differently, as any two orders of a sum do.

Input: a lean variant (`ir.Function`, after `collect`). Output: the same
program where, in any block, a product `a = c * P` (or `P * c`) with a name c
-- the adjoint itself, `x_bar = t1 * x_bar`, or another, `x_bar = t2_bar * t1`
-- or an update `a = a ± c * P`, absorbs the update `a = a ± t * S` that follows
it when `t = c * R` is bound before that update in the same block and read only
there: the product becomes `a = c * (P ± R * S)` (the update `a = a ± c * (P ± R * S)`)
and `t` and the second update go (and the next update may follow).
Nothing between `t` and the product re-binds c or what R reads, nothing
between the product and the update reads `a` or re-binds what S reads, and P
does not read `a`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from .context import Context
from ..ir import Assign, Expr, Function, Op, Stmt, Var, map_blocks, name_counts, names_read, touches, update_of


def apply(fn: Function, context: Context | None = None) -> Function:
    """`fn` with each adjoint factored out of the updates that follow its scaling."""
    binds, reads = name_counts(fn.body)
    body = _block(fn.body, binds, reads)
    return fn if body == fn.body else replace(fn, body=body)


def _block(body: list[Stmt], binds: Counter[str], reads: Counter[str]) -> list[Stmt]:
    out = [map_blocks(s, lambda b: _block(b, binds, reads)) for s in body]
    # Which names this block updates: only a product of one of those can absorb anything, and looking
    # for the update of every other name would make the pass quadratic in the block's length.
    updated = Counter(u[0] for u in map(update_of, out) if u is not None)
    i = 0
    while i < len(out):
        merged = _absorb(out, i, binds, reads) if updated[getattr(out[i], "target", None)] else None
        if merged is None:
            i += 1
        else:
            out, i = merged  # the scaling (now at index i) may absorb the next update too
            updated[out[i].target] -= 1  # type: ignore[union-attr]
    return out


def _product_with(e: Expr, a: str) -> Expr | None:
    """R for `a * R` or `R * a` (R not reading a), else None."""
    return next((r for t, r in _factors_of(e) if t == a and r is not None and a not in names_read(r)), None)


def _update(s: Stmt, a: str) -> tuple[int, Expr] | None:
    """(sign, g) for `a = a + g` or `a = a - g`, g not reading a."""
    u = update_of(s)
    return (u[1], u[2]) if u is not None and u[0] == a else None


def _absorb(body: list[Stmt], i: int, binds: Counter[str], reads: Counter[str]) -> tuple[list[Stmt], int] | None:
    """`body` with the product at `i` and the next update of its name merged, and the product's new index."""
    s = body[i]
    if not (isinstance(s, Assign) and isinstance(s.target, str)):
        return None
    a = s.target
    first = _update(s, a)  # `a = a ± c * P`, or else `a = c * P` itself
    v = first[1] if first else s.value
    if not (isinstance(v, Op) and v.prim == "multiply" and not v.kwargs and len(v.args) == 2):
        return None
    j = next((j for j in range(i + 1, len(body)) if touches(body[j], a)), None)
    second = _update(body[j], a) if j is not None else None
    if second is None:
        return None
    sign = first[0] * second[0] if first else second[0]  # of R * S against P, inside the parentheses
    for c, p in ((v.args[0], v.args[1]), (v.args[1], v.args[0])):
        if not isinstance(c, Var) or a in names_read(p) or first and c.name == a:
            continue  # the common factor c is a name: the adjoint itself (`a = P * a`) or another (`a = c * P`)
        for t, s_factor in _factors_of(second[1]):
            k = _binding(body, j, t) if binds[t] == 1 and reads[t] == 1 else None  # type: ignore[arg-type]
            if k is None or k == i:
                continue
            r = _product_with(body[k].value, c.name)  # type: ignore[union-attr]
            if r is None:
                continue
            between = body[k + 1:i] if k < i else body[i + 1:k]  # R moves from k to i: it and c keep their values
            if any(set(x.targets) & (names_read(r) | {c.name}) for x in between if isinstance(x, Assign)) or _control(between):
                continue
            moved_down = names_read(s_factor) if s_factor is not None else set()  # S keeps its value from i to j
            if any(set(x.targets) & moved_down for x in body[i + 1:j] if isinstance(x, Assign)) or _control(body[i + 1:j]):
                continue
            partial = r if s_factor is None else Op("multiply", (r, s_factor))
            product = Op("multiply", (c, Op("add" if sign > 0 else "subtract", (p, partial))))
            value = product if not first else Op("add" if first[0] > 0 else "subtract", (Var(a), product))
            out = list(body)
            out[i] = replace(s, value=value)
            for gone in sorted((j, k), reverse=True):  # type: ignore[type-var]
                del out[gone]
            reads[t] = 0
            return out, i - 1 if k < i else i
    return None


def _factors_of(q: Expr) -> list[tuple[str, Expr | None]]:
    """(t, S) for `q` = t * S or S * t, or (t, None) for `q` = t."""
    if isinstance(q, Var):
        return [(q.name, None)]
    if isinstance(q, Op) and q.prim == "multiply" and not q.kwargs and len(q.args) == 2:
        x, y = q.args
        return ([(x.name, y)] if isinstance(x, Var) else []) + ([(y.name, x)] if isinstance(y, Var) else [])
    return []


def _binding(body: list[Stmt], i: int, t: str) -> int | None:
    """The index of the binding of `t` (bound once in the function) before index `i` of this block, or None."""
    for k in range(i - 1, -1, -1):  # (it is usually a line or two up)
        if isinstance(body[k], Assign) and t in body[k].targets:  # type: ignore[union-attr]
            return k
    return None


def _control(stmts: list[Stmt]) -> bool:
    return any(not isinstance(x, Assign) for x in stmts)
