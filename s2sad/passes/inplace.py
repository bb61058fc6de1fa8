"""Accumulate in place: a gradient summed over a loop is added into one array, `W_bar += g`.

    # before                                   # after
    W_bar = np.zeros_like(W)                   W_bar = np.zeros_like(W, dtype=float)
    for t in reversed(range(t2)):              for t in reversed(range(t2)):
        ...                                        ...
        W_bar = W_bar + h.T @ t7_bar               W_bar += h.T @ t7_bar

Each `W_bar = W_bar + g` makes a new array of W's size every step; `+=` adds into
the one array, as a hand-written gradient does (about 5-9% of the RNN's gradient).

Input: the "grad" variant of an adjoint program (`ir.Function`), after the other
lean passes. Output: the same program where an accumulator qualifies: bound
once to `np.zeros_like(p)` at the top of the function and otherwise only by
`a = a + g` (g not reading `a`), and read nowhere but in those sums and the
return -- so no other name can hold its array when it is updated. Its zeros are
made float (`dtype=float`), so an int argument's gradient still accumulates
floats; a gradient's contribution never has more elements than its argument, so
`+=` never needs to grow the array. The sums print as `a += g`; in the IR they
are `a = setitem(a, ..., a[...] + g)`, an in-place store the rest of s2sad knows.

Straight-line code gets the same for a chain of sums (`x_bar = 1 - t6 ** 2`,
then `x_bar += t4 * np.cos(x)`): the chain's first value must be a fresh float
array -- an arithmetic result or a float ufunc's with a float operand -- every
contribution's shape must be one the accumulator already has (shapes.py), and
the name is read nowhere but in its sums and the return. Each sum then adds
into the accumulator's own dtype. Measured on the elementwise benchmark: within
the noise at 1e3 and 1e6 elements (0.96-1.0 of the time with new arrays; the
freed arrays' memory is reused anyway). It stays for the allocation it saves
and because `x_bar += g` is how the lectures write an accumulation.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ..analysis import shapes
from ..primitives import registry
from .context import Context
from ..ir import (
    Assign,
    Const,
    Expr,
    Function,
    Op,
    Return,
    Stmt,
    Var,
    map_blocks,
    name_counts,
    names_read,
    update_of,
    walk_stmts,
)

_ALL = Const(Ellipsis)


def apply(fn: Function, context: Context | None = None) -> Function:
    """`fn` with its qualifying accumulators (loop sums, straight-line chains) added into in place
    (`context.scalars`: the parameters known to be numbers)."""
    return _chains(_loops(fn), context.scalars if context is not None else frozenset())


def _loops(fn: Function) -> Function:
    """Loop accumulators: bound to zeros at the top, then only summed into."""
    inits: dict[str, Assign] = {}
    for s in fn.body:
        if isinstance(s, Assign) and isinstance(s.target, str) and isinstance(s.value, Op) \
                and s.value.prim == "zeros_like" and not s.value.kwargs and len(s.value.args) == 1:
            inits.setdefault(s.target, s)
    if not inits:
        return fn
    binds, reads = name_counts(fn.body)
    sums = Counter(s.target for s in walk_stmts(fn.body) if isinstance(s, Assign) and _is_sum(s))
    ret = fn.body[-1]
    returned = names_read(ret.value) if isinstance(ret, Return) else set()
    chosen = {a for a in inits if sums[a] and binds[a] == 1 + sums[a] and reads[a] == sums[a] + (a in returned)
              and a not in {p.name for p in fn.params}}
    if not chosen:
        return fn
    return replace(fn, body=[_rewrite(s, chosen, inits) for s in fn.body])


def _is_sum(s: Assign) -> bool:
    """`a = a + g` with g not reading a."""
    u = update_of(s)
    return u is not None and u[1] == 1


def _rewrite(s: Stmt, chosen: set[str], inits: dict[str, Assign]) -> Stmt:
    if isinstance(s, Assign) and isinstance(s.target, str) and s.target in chosen:
        if s is inits[s.target]:
            return replace(s, value=replace(s.value, kwargs=(("dtype", Const(float)),)))  # type: ignore[arg-type]
        return _in_place(s) if _is_sum(s) else s
    return map_blocks(s, lambda b: [_rewrite(x, chosen, inits) for x in b])


def _in_place(s: Assign) -> Assign:
    """`a = a ± g` as the in-place store `a = setitem(a, ..., a[...] ± g)`, which prints `a ±= g`."""
    a, v = Var(s.target), s.value  # type: ignore[arg-type]
    return replace(s, value=Op("setitem", (a, _ALL, Op(v.prim, (Op("getitem", (a, _ALL)), v.args[1])))))  # type: ignore[union-attr]


def contribution(s: Assign) -> Expr | None:
    """g of an in-place sum `a = setitem(a, ..., a[...] + g)` as `_in_place` writes it (it prints `a += g`)."""
    v, a = s.value, Var(s.target) if isinstance(s.target, str) else None
    if isinstance(v, Op) and v.prim == "setitem" and len(v.args) == 3 and v.args[0] == a and v.args[1] == _ALL \
            and isinstance(v.args[2], Op) and v.args[2].prim in ("add", "subtract") and len(v.args[2].args) == 2 \
            and v.args[2].args[0] == Op("getitem", (a, _ALL)):  # type: ignore[arg-type]
        return v.args[2].args[1]
    return None


def with_contribution(update: Op, g: Expr) -> Op:
    """The in-place sum `update` with `g` as its contribution."""
    target, where, total = update.args
    return Op(update.prim, (target, where, Op(total.prim, (total.args[0], g))))  # type: ignore[union-attr]


def _chains(fn: Function, scalars: frozenset[str]) -> Function:
    """Straight-line chains: a fresh float array, then only `a = a + g` / `a = a - g` at the top level."""
    binds, reads = name_counts(fn.body)
    top: dict[str, list[int]] = {}
    for i, s in enumerate(fn.body):
        if isinstance(s, Assign) and isinstance(s.target, str):
            top.setdefault(s.target, []).append(i)
    ret = fn.body[-1]
    returned = names_read(ret.value) if isinstance(ret, Return) else set()
    params = {p.name for p in fn.params}
    values = {s.target: s.value for s in fn.body if isinstance(s, Assign) and isinstance(s.target, str) and binds[s.target] == 1}
    env: dict[str, frozenset[str]] | None = None
    updates: set[int] = set()
    for a, sites in top.items():
        first, rest = sites[0], sites[1:]
        if not rest or a in params or binds[a] != len(sites) or reads[a] != len(rest) + (a in returned):
            continue
        if not all(update_of(fn.body[i]) for i in rest) or not _fresh_float(fn.body[first].value, values):  # type: ignore[union-attr]
            continue
        env = env if env is not None else shapes.infer(fn, set(scalars))
        if all(shapes.expr_shape(fn.body[i].value.args[1], env) <= env.get(a, shapes.unknown()) for i in rest):  # type: ignore[union-attr]
            updates.update(rest)
    if not updates:
        return fn
    body = list(fn.body)
    for i in updates:
        body[i] = _in_place(body[i])  # type: ignore[arg-type]
    return replace(fn, body=body)


def _fresh_float(e: Expr, values: dict[str, Expr], depth: int = 0) -> bool:
    """True when `e` always makes a new float array (or a float number): no other name can hold it."""
    return isinstance(e, Op) and not e.kwargs and (
        # (facts on the primitive: `float_result`, a new float array for any real operands; `arithmetic`, float
        # whenever an operand is)
        registry.declared(e.prim, "float_result")
        or registry.declared(e.prim, "arithmetic") and any(_float(x, values, depth) for x in e.args))


def _float(e: Expr, values: dict[str, Expr], depth: int) -> bool:
    """True when `e` is known to be float: a float literal, or a value made float by its operation."""
    if isinstance(e, Const):
        return type(e.value) is float
    if isinstance(e, Var):  # a name bound once: look at its value (parameters may be int arrays: no)
        return depth < 8 and e.name in values and _float(values[e.name], values, depth + 1)
    return depth < 8 and _fresh_float(e, values, depth + 1)
