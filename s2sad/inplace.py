"""Accumulate in place: a gradient summed over a loop is added into one array, `W_bar += g`.

    # before                                   # after
    W_bar = np.zeros_like(W)                   W_bar = np.zeros_like(W, dtype=float)
    for t in reversed(range(t2)):              for t in reversed(range(t2)):
        ...                                        ...
        W_bar = W_bar + matmul_adjoint_b(...)      W_bar += matmul_adjoint_b(...)

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
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from .ir import Assign, Const, For, Function, If, Op, Return, Stmt, Var, While, name_counts, names_read, walk_stmts

_ALL = Const(Ellipsis)


def apply(fn: Function) -> Function:
    """`fn` with its qualifying loop accumulators added into in place."""
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
    v = s.value
    return (isinstance(s.target, str) and isinstance(v, Op) and v.prim == "add" and not v.kwargs
            and v.args[0] == Var(s.target) and s.target not in names_read(v.args[1]))


def _rewrite(s: Stmt, chosen: set[str], inits: dict[str, Assign]) -> Stmt:
    if isinstance(s, Assign) and isinstance(s.target, str) and s.target in chosen:
        if s is inits[s.target]:
            return replace(s, value=replace(s.value, kwargs=(("dtype", Const(float)),)))  # type: ignore[arg-type]
        if _is_sum(s):
            a, g = Var(s.target), s.value.args[1]  # type: ignore[union-attr]
            return replace(s, value=Op("setitem", (a, _ALL, Op("add", (Op("getitem", (a, _ALL)), g)))))
        return s
    if isinstance(s, If):
        return replace(s, body=[_rewrite(x, chosen, inits) for x in s.body], orelse=[_rewrite(x, chosen, inits) for x in s.orelse])
    if isinstance(s, (For, While)):
        return replace(s, body=[_rewrite(x, chosen, inits) for x in s.body])
    return s
