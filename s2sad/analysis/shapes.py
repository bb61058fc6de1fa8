"""Shape facts: which variables are known to share a shape, or to be scalars.

Input: an `ir.Function` and the kinds of its parameters ("scalar" for Python
numbers and 0-d arrays; anything else is unknown). Output: for each variable,
a *shape set* -- a frozenset of atoms whose broadcast is the variable's shape.
`frozenset()` means a scalar; `{"x"}` means "the shape of parameter x";
`{"x", "y"}` means "x and y broadcast together". Atoms starting with `?` are
shapes we know nothing about.

The simplifier uses these facts to drop `unbroadcast` where no broadcasting
can have happened, so scalar code reads like the lecture's.
"""
from __future__ import annotations

import itertools
from typing import Callable

from ..primitives import registry
from ..ir import Assign, Const, Expr, For, Function, Op, Tup, Var, While, names_read, walk_stmts

Shape = frozenset
SCALAR: frozenset[str] = frozenset()
_fresh = itertools.count()


def unknown(tag: str | None = None) -> frozenset[str]:
    """A shape we know nothing about."""
    return frozenset({f"?{tag if tag is not None else next(_fresh)}"})


def expr_shape(e: Expr | None, env: dict[str, frozenset[str]]) -> frozenset[str]:
    """The shape set of an expression, given the shape sets of variables."""
    if isinstance(e, Var):
        return env.get(e.name, frozenset({e.name}))
    if isinstance(e, Const):
        return SCALAR if isinstance(e.value, (int, float, bool)) else unknown()
    if isinstance(e, Op):
        prim = registry.PRIMS[e.prim]
        if prim.shape == "elementwise":
            out: frozenset[str] = SCALAR
            for a in e.args:
                out = out | expr_shape(a, env)
            return out
        if prim.shape == "scalar":
            return SCALAR
        if prim.shape == "like_first" and e.args:
            return expr_shape(e.args[0], env)
        if prim.name == "getitem" and not expr_shape(e.args[0], env):
            return SCALAR  # indexing a scalar-like value, such as a shape tuple
        if prim.shape == "reduce":
            kw = dict(e.kwargs)
            axis = e.args[1] if len(e.args) > 1 else kw.get("axis", Const(None))
            keep = e.args[2] if len(e.args) > 2 else kw.get("keepdims", Const(False))
            if axis == Const(None) and keep == Const(False):
                return SCALAR
    return unknown()


def infer(fn: Function, scalars: set[str]) -> dict[str, frozenset[str]]:
    """Shape sets for every variable of `fn`; `scalars` are the scalar parameters.

    Loops can carry a value around with a different shape each time, so the
    walk repeats until nothing changes; a name bound to two different shapes
    gets a shape of its own that nothing else shares.
    """
    params = {p.name: SCALAR if p.name in scalars else frozenset({p.name}) for p in fn.params}
    merged: dict[str, frozenset[str]] = {}
    # Without loops, one walk is the answer when every name has one shape and none is read before the
    # walk binds it: the walk after it would start from that answer and see the same shapes.
    loops = any(isinstance(s, (For, While)) for s in walk_stmts(fn.body))
    for _ in range(20):
        # A name bound to several shapes (a re-bound parameter included) reads as its own unknown shape
        # everywhere: the walk goes through both arms of an if, so the value it last saw proves nothing.
        env = {**params, **merged}
        first = not merged
        sites: dict[str, set[frozenset[str]]] = {}
        read_first: set[str] = set()  # (first walk, no loops) names read before the walk bound them
        for s in walk_stmts(fn.body):
            if isinstance(s, Assign):
                if first and not loops:
                    read_first.update(n for n in names_read(s.value) if n not in env)
                shape = expr_shape(s.value, env) if isinstance(s.target, str) else None
                new_shapes = [(t, _named(shape, t)) for t in s.targets]
            elif isinstance(s, For):
                is_range = isinstance(s.iter, Op) and s.iter.prim in ("range", "reversed")
                targets = s.target if isinstance(s.target, tuple) else (s.target,)
                new_shapes = [(t, SCALAR if is_range else unknown(t)) for t in targets]
            else:
                continue
            for t, new in new_shapes:
                sites.setdefault(t, set()).add(new)
                if merged.get(t) != unknown(t):
                    env[t] = new
        for p, shape in params.items():
            if p in sites:
                sites[p].add(shape)  # a re-bound parameter: its shape on entry is one of its shapes
        result = {t: next(iter(v)) if len(v) == 1 else unknown(t) for t, v in sites.items()}
        if result == merged:
            break
        merged = result
        if first and not loops and all(len(v) == 1 for v in sites.values()) and not read_first & sites.keys():
            break
    return {**params, **merged}


def _named(shape: frozenset[str] | None, target: str) -> frozenset[str]:
    """A shape we know nothing about is named after the variable that holds it, so it is stable."""
    if shape is None or any(a[1:].isdigit() for a in shape if a.startswith("?")):
        return unknown(target)
    return shape


def shape_fn(env: dict[str, frozenset[str]]) -> Callable[[Expr], frozenset[str]]:
    """A one-argument shape oracle for the simplifier."""
    return lambda e: expr_shape(e, env)


__all__ = ["SCALAR", "infer", "expr_shape", "shape_fn", "unknown", "Tup"]
