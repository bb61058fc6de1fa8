"""Aliasing guards, specialised: drop `unshared` and `not_a_view` checks on values known to be scalars.

Input: a `Lowered` function whose Wengert list may contain guards
`t = unshared(v, "file:line")`, which lowering puts before `v += e` when `v`
may share its array with another name or with the caller (`+=` would update
that array in place, while s2sad binds a new value), and checks
`_ = not_a_view(row, ...)` where `row = A[i]` is read after a store into `A`.
Output: the same function without the guards whose value is a scalar under
the given scalar parameters (numbers are re-bound by `+=`, and are never
views), and, given the array parameters' layouts, without the view checks of
items indexed down to a number (`row = A[i]` of a vector); the remaining
guards raise at run time if it turns out to be an array.
"""
from __future__ import annotations

import dataclasses

from .context import Context
from ..ir import Assign, For, If, Op, Stmt, While
from ..analysis.layouts import Layout, numbers_from_items
from ..frontend.lower import Lowered
from ..analysis.shapes import SCALAR, expr_shape, infer


def _is_guard(s: Stmt) -> bool:
    return isinstance(s, Assign) and isinstance(s.value, Op) and s.value.prim in ("unshared", "not_a_view")


def _has_guard(body: list[Stmt]) -> bool:
    for s in body:
        if _is_guard(s):
            return True
        if isinstance(s, If) and (_has_guard(s.body) or _has_guard(s.orelse)):
            return True
        if isinstance(s, (For, While)) and _has_guard(s.body):
            return True
    return False


def apply(low: Lowered, context: Context) -> Lowered:
    """`specialize` as a pass: given the context's scalars and, in reverse mode, its layouts."""
    return specialize(low, context.scalars, dict(context.layouts) if context.mode == "reverse" else None)


def specialize(low: Lowered, scalars: frozenset[str] | set[str], layouts: dict[str, Layout] | None = None) -> Lowered:
    """`low` without the guards that check values known to be scalars (given `layouts`, items of arrays too)."""
    if not _has_guard(low.fn.body):
        return low
    env = infer(low.fn, set(scalars))
    # `row = A[i]` of a vector is a number, which the shape sets cannot tell from a row of a matrix; the
    # arguments' layouts can (reverse mode knows them: `layouts.py`).
    items = numbers_from_items(low.fn, {**layouts, **{n: () for n in scalars}}) if layouts else frozenset()

    def block(body: list[Stmt]) -> list[Stmt]:
        out: list[Stmt] = []
        for s in body:
            if _is_guard(s) and expr_shape(s.value.args[0], env) == SCALAR:  # type: ignore[union-attr]
                continue
            if _is_guard(s) and s.value.prim == "not_a_view" and getattr(s.value.args[0], "name", None) in items:  # type: ignore[union-attr]
                nonlocal relied
                relied = True
                continue
            if isinstance(s, If):
                s = dataclasses.replace(s, body=block(s.body), orelse=block(s.orelse))
            elif isinstance(s, (For, While)):
                s = dataclasses.replace(s, body=block(s.body))
            out.append(s)
        return out

    relied = False
    body = block(low.fn.body)
    # Dropping an item's check relied on the layouts: the adjoint's docstring says which (`reverse.py`).
    meta = {**low.fn.meta, "layout_checks": True} if relied else low.fn.meta
    return dataclasses.replace(low, fn=dataclasses.replace(low.fn, body=body, meta=meta))
