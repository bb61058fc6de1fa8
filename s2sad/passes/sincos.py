"""Sine and cosine of one array together: `t1, cos_x = sincos(x)`.

The gradient of `np.sin(x)` reads `np.cos(x)`, so a gradient through it
computes both. NumPy's float64 sine and cosine are its slowest ufuncs by far
(about 10 ns an element, where an exp takes 2), and the runtime's `sincos`
computes the two together from NumPy's fast operations in about 60% of their
time on a large array (s2sad/runtime/trig.py says how, and how exactly):

    # before                                 # after
    t1 = np.sin(x)                           t1, cos_x = sincos(x)
    ...                                      ...
    x_bar += t4 * np.cos(x)                  x_bar += t4 * cos_x

It pays on large float64 arrays only, so it is done only where the arguments'
dtypes are known -- in what `s2sad.grad` runs, the "grad" variant, which
returns the gradient alone (`value_and_grad`'s value stays NumPy's own sine);
`sincos` itself makes the two NumPy calls on other arguments, small arrays
and values beyond its range.

Input: the "grad" variant of an adjoint program (before `reuse.py`) and the
dtypes of its array parameters. Output: the same program where, for each
float64 array parameter `x` that nothing re-binds, if the function's top-level
straight-line statements compute both `np.sin(x)` and `np.cos(x)`, one
`s, c = sincos(x)` comes before the first of them and they read `s` and `c`
instead; a first statement that is `t1 = np.sin(x)` (or `np.cos`) becomes it, `t1` kept.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from .context import Context
from ..ir import Assign, Expr, Function, Op, Return, Stmt, Var, map_stmt, name_counts, stmt_exprs, walk_expr
from ..ir.naming import Namer, used_names

_PAIR = ("sin", "cos")


def apply(fn: Function, context: Context) -> Function:
    """`fn` with each float64 parameter's sine and cosine computed by one `sincos` call (see the module docstring);
    the parameters' dtypes come from the context."""
    dtypes: dict[str, Any] = dict(context.dtypes)
    binds, _ = name_counts(fn.body)
    namer = Namer(used_names(fn), "")
    body = list(fn.body)
    for p in fn.params:
        x = p.name
        if dtypes.get(x) != np.float64 or binds[x]:
            continue
        sites = [i for i, s in enumerate(body) if _straight(s) and _calls(s, x)]
        if {prim for i in sites for prim in _calls(body[i], x)} != set(_PAIR):
            continue
        first = sites[0]
        names = [namer.fresh(f"{prim}_{x}") for prim in _PAIR]
        s = body[first]
        whole = isinstance(s, Assign) and isinstance(s.target, str) and _trig(s.value) == x
        if whole:  # `t1 = np.sin(x)` keeps its name
            names[_PAIR.index(s.value.prim)] = s.target  # type: ignore[union-attr, index]
        pair = Assign(tuple(names), Op("sincos_", (Var(x),)), s.line)
        mapping = dict(zip(_PAIR, names))

        def swap(e: Expr, x: str = x, mapping: dict[str, str] = mapping) -> Expr:
            if _trig(e) == x:
                return Var(mapping[e.prim])  # type: ignore[union-attr]
            if isinstance(e, Op):
                return replace(e, args=tuple(swap(a) for a in e.args), kwargs=tuple((k, swap(v)) for k, v in e.kwargs))
            return e

        rest = [map_stmt(t, swap) if i in sites else t for i, t in enumerate(body)]
        body = rest[:first] + [pair] + rest[first + 1 if whole else first:]
    return fn if body == fn.body else replace(fn, body=body)


def _straight(s: Stmt) -> bool:
    """True for a statement with no block inside it."""
    return isinstance(s, (Assign, Return))


def _trig(e: Expr) -> str | None:
    """The name `e` takes the sine or cosine of, when `e` is `np.sin(x)` or `np.cos(x)`."""
    if isinstance(e, Op) and e.prim in _PAIR and len(e.args) == 1 and not e.kwargs and isinstance(e.args[0], Var):
        return e.args[0].name
    return None


def _calls(s: Stmt, x: str) -> set[str]:
    """Which of np.sin(x) and np.cos(x) statement `s` computes."""
    return {e.prim for ex in stmt_exprs(s) for e in walk_expr(ex) if _trig(e) == x}  # type: ignore[union-attr]
