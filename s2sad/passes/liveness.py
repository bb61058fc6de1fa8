"""Adjoint liveness: drop what a gradient never reads (Tapenade's "adjoint liveness").

Input: an adjoint program (`ir.Function`) that returns only its gradients -- the
"grad" variant, which `s2sad.grad` runs when the function's output is known to be
a number. Output: the same program without the assignments whose values nothing
reads. In practice these are the forward sweep's last statements, which only form
the function's value (`t5 = a ** 2`, ..., `f = np.sum(t8)`); a gradient that does
not return the value need not compute it.

The same pass serves the "tangent" variant of forward mode, which returns only the
output's tangent (`hvp` and the diagonal Jacobian need nothing else), so the
primal statements that only formed the value go.

Kept whatever their targets: expression statements (`stack.append(x)`), pops (the
stack's order), `append`, the `unshared` and `not_a_view` guards, `break` and comments; an
in-place store `y[i] = v` is kept while `y` is live. The analysis is the textbook backward one over structured
code: a branch's live set is the union of its arms', a loop's is iterated to a
fixed point, and a `break` sees the set live after its loop.
"""
from __future__ import annotations

from dataclasses import replace

from ..primitives import registry
from .context import Context
from ..ir import (
    Assign,
    Break,
    Comment,
    Const,
    Expr,
    ExprStmt,
    For,
    Function,
    If,
    Op,
    Return,
    Stmt,
    Tup,
    Var,
    While,
    map_stmt,
    names_read,
    stmt_exprs,
    substitute,
    walk_expr,
    walk_stmts,
)

# What a primitive does beyond its value (`effects`: kept, never merged) and whether it reads only its
# argument's shape (`shape_only`: `np.size(t5)` in a mean's adjoint) are facts on the primitive (registry.py).


def apply(fn: Function, context: Context | None = None) -> Function:
    """`fn` without its dead assignments, and with its seed 1.0 folded in."""
    fn = _fold_seed(fn)
    body, _ = _block(_shape_reads(fn.body, {p.name for p in fn.params}), set(), set())
    return replace(fn, body=body)


def _fold_seed(fn: Function) -> Function:
    """A gradient's seed is always 1.0: a constant, not a parameter, so `t1_bar = f_bar * t4` reads `t1_bar = t4`.

    Names bound once, outside loops and branches, to a float constant (the seed, a copy of it,
    `t5_bar = 100.0` once folded) become that constant in every expression that reads them, and each
    of those expressions is simplified again; the bindings themselves then die.
    """
    from ..analysis.shapes import unknown
    from ..ad.simplify import simplify

    seed = fn.params[-1] if fn.params else None
    if seed is None or seed.default != Const(1.0):
        return fn
    defs: dict[str, int] = {}
    looped: set[str] = set()
    for s in walk_stmts(fn.body):
        if isinstance(s, (For, While)):
            looped.update(t for x in walk_stmts(s.body) if isinstance(x, Assign) for t in x.targets)
        if isinstance(s, Assign):
            for t in s.targets:
                defs[t] = defs.get(t, 0) + 1
    if seed.name in defs:
        return fn  # the output's adjoint is accumulated after all
    consts: dict[str, Expr] = {seed.name: Const(1.0)}
    shape = lambda e: unknown()  # noqa: E731 -- no shape facts here: only the constants fold

    def fold(e: Expr) -> Expr:
        return simplify(substitute(e, consts), shape) if names_read(e) & consts.keys() else e

    def stmt(s: Stmt) -> Stmt:
        if isinstance(s, (Assign, Return, ExprStmt)):
            return replace(s, value=fold(s.value))
        if isinstance(s, If):
            return replace(s, test=fold(s.test), body=[stmt(x) for x in s.body], orelse=[stmt(x) for x in s.orelse])
        if isinstance(s, While):
            return replace(s, test=fold(s.test), body=[stmt(x) for x in s.body])
        if isinstance(s, For):
            return replace(s, iter=fold(s.iter), body=[stmt(x) for x in s.body])
        return s

    body = []
    for s in fn.body:  # in order; only top-level bindings become constants (one in a branch is one path's)
        s = stmt(s)
        if isinstance(s, Assign) and isinstance(s.target, str) and defs.get(s.target) == 1 and s.target not in looped \
                and isinstance(s.value, Const) and isinstance(s.value.value, float):
            consts[s.target] = s.value
        body.append(s)
    return replace(fn, params=fn.params[:-1], body=body)


def _shape_reads(body: list[Stmt], params: set[str]) -> list[Stmt]:
    """Shape-only reads of `v = op(u)` (elementwise, one array operand) read `u`, when u is needed anyway.

    `t5 = np.log(t4)` has t4's shape, so `np.size(t5)` becomes `np.size(t4)`, and t5, which only the
    value needed, can go.
    """
    defs: dict[str, list[Expr]] = {}
    looped: set[str] = set()  # bound in a loop: one name, many values

    def collect(stmts: list[Stmt], in_loop: bool) -> None:
        for s in stmts:
            if isinstance(s, Assign):
                for t in s.targets:
                    defs.setdefault(t, []).append(s.value)
                    if in_loop:
                        looped.add(t)
            elif isinstance(s, If):
                collect(s.body, in_loop)
                collect(s.orelse, in_loop)
            elif isinstance(s, (For, While)):
                if isinstance(s, For):
                    looped.update(s.targets)
                collect(s.body, True)

    collect(body, False)
    other_reads: set[str] = set()
    for s in walk_stmts(body):
        for e in stmt_exprs(s):
            other_reads |= _reads_outside_shapes(e)

    def source(v: str) -> str | None:
        values = defs.get(v, [])
        if len(values) != 1 or v in looped or not isinstance(values[0], Op) or values[0].kwargs:
            return None
        op = values[0]
        arrays = [a for a in op.args if not (isinstance(a, Const) and isinstance(a.value, (int, float)))]
        if registry.PRIMS[op.prim].shape != "elementwise" or len(arrays) != 1 or not isinstance(arrays[0], Var):
            return None
        u = arrays[0].name
        single = len(defs.get(u, [])) == (0 if u in params else 1) and u not in looped
        return u if single else None  # one value: bound once, or a parameter never re-bound

    mapping: dict[str, str] = {}
    for v in defs:
        u = source(v)
        while u is not None and u not in other_reads:
            u = source(u)
        if u is not None and u != v:
            mapping[v] = u
    if not mapping:
        return body
    return [map_stmt(s, lambda e: _map_expr(e, mapping)) for s in body]


def _reads_outside_shapes(e: Expr) -> set[str]:
    """Names `e` reads, except as the argument of a shape-only read."""
    if isinstance(e, Var):
        return {e.name}
    if isinstance(e, Op):
        if registry.declared(e.prim, "shape_only") and len(e.args) == 1 and isinstance(e.args[0], Var) and not e.kwargs:
            return set()
        out: set[str] = set()
        for a in (*e.args, *(v for _, v in e.kwargs)):
            out |= _reads_outside_shapes(a)
        return out
    return names_read(e)


def _map_expr(e: Expr, mapping: dict[str, str]) -> Expr:
    if isinstance(e, Op):
        if registry.declared(e.prim, "shape_only") and len(e.args) == 1 and isinstance(e.args[0], Var) and e.args[0].name in mapping \
                and not e.kwargs:
            return replace(e, args=(Var(mapping[e.args[0].name]),))
        return replace(e, args=tuple(_map_expr(a, mapping) for a in e.args),
                       kwargs=tuple((k, _map_expr(v, mapping)) for k, v in e.kwargs))
    if isinstance(e, Tup):
        return replace(e, elts=tuple(_map_expr(a, mapping) for a in e.elts))
    return e


def _dead_store(s: Assign) -> bool:
    """`y[i] = v` (`y = setitem(y, i, v)`), a store into an array only this function holds.

    Lowering refuses in-place stores into anything the caller can see and refuses reading a view of
    `y` after a store changed it, so once `y` itself is dead nothing can read what the store wrote.
    """
    v = s.value
    return isinstance(v, Op) and v.prim == "setitem" and bool(v.args) and v.args[0] == Var(s.target) \
        and not any(_effect(a) for a in v.args[1:])


def _effect(e: Expr | None) -> bool:
    return any(isinstance(x, Op) and registry.declared(x.prim, "effects") for x in walk_expr(e))


def _block(stmts: list[Stmt], live: set[str], exit_live: set[str]) -> tuple[list[Stmt], set[str]]:
    """The statements that matter for `live` after them, and the names live before them."""
    out: list[Stmt] = []
    live = set(live)
    for s in reversed(stmts):
        if isinstance(s, Assign):
            if not (set(s.targets) & live or _effect(s.value) and not _dead_store(s)):
                continue
            live.difference_update(s.targets)  # (in place: a new set per statement made the pass quadratic)
            live |= names_read(s.value)
        elif isinstance(s, (Return, ExprStmt)):
            live |= names_read(s.value)
        elif isinstance(s, Break):
            live |= exit_live  # control goes to the loop's end
        elif isinstance(s, If):
            body, live_body = _block(s.body, live, exit_live)
            orelse, live_else = _block(s.orelse, live, exit_live)
            if not _code(body) and not _code(orelse):
                continue
            live = live_body | live_else | names_read(s.test)
            s = replace(s, body=body, orelse=orelse)
        elif isinstance(s, (For, While)):
            s, live = _loop(s, live)
            if s is None:
                continue
        elif not isinstance(s, Comment):  # pragma: no cover
            raise TypeError(f"liveness: unexpected statement {type(s).__name__}")
        out.append(s)
    out.reverse()
    return out, live


def _loop(s: For | While, after: set[str]) -> tuple[For | While | None, set[str]]:
    """The loop with a dead-free body, and the names live before it."""
    targets = set(s.targets) if isinstance(s, For) else set()
    test = names_read(s.test) if isinstance(s, While) else set()
    head = after | test  # live where each iteration starts (and where the loop ends)
    while True:
        body, live_body = _block(s.body, head, after)
        grown = head | (live_body - targets)
        if grown == head:
            break
        head = grown
    if not _code(body):
        return None, after | test
    before = head | (names_read(s.iter) if isinstance(s, For) else set())
    return replace(s, body=body), before


def _code(stmts: list[Stmt]) -> bool:
    return any(not isinstance(s, Comment) for s in stmts)


__all__ = ["apply"]
