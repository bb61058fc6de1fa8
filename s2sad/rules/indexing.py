"""Selecting elements: take, take_along_axis, diag, diagonal, tril, triu, sort.
(`x[index]` itself -- slices, `...`, `None`, integer arrays and boolean masks --
is `getitem` in `core`.)

Selection is linear, and its adjoint is a scatter-add: zeros shaped like `x`
with `g` added where the elements came from, so an element selected twice gets
both contributions (`untake`, `untake_along_axis`, `undiagonal`, `unsort`),
never a plain assignment that would keep only one. Each scatter's own adjoint
is the selection again.
"""
# ruff: noqa: N801
from __future__ import annotations

import numpy as np

from ..ir import Const, Expr, Op, Slice, Tup, Var
from ..primitives.registry import defrule
from ..runtime import placed, stored, undiag, undiagonal, unsort, untake, untake_along_axis


@defrule(np.take, method="take", linear=True)
class take:
    def vjp(g, ans, x, indices, axis=None):
        return untake(g, x, indices, axis), None, None


@defrule(untake, call="untake", linear=True)
class untake_:
    def vjp(g, ans, y, x, indices, axis=None):
        return np.take(g, indices, axis), None, None, None


@defrule(np.take_along_axis, linear=True)
class take_along_axis:
    def vjp(g, ans, x, indices, axis):
        return untake_along_axis(g, x, indices, axis), None, None


@defrule(untake_along_axis, call="untake_along_axis", linear=True)
class untake_along_axis_:
    def vjp(g, ans, y, x, indices, axis):
        return np.take_along_axis(g, indices, axis), None, None, None


@defrule(np.sort)
class sort:
    # Sorting permutes: the adjoint goes back to where each value came from.
    def vjp(g, ans, x, axis=-1):
        return unsort(g, x, axis), None

    def jvp(ans, x, axis=-1, x_dot=None):
        return np.take_along_axis(x_dot, np.argsort(x, axis=axis, kind="stable"), axis), None


@defrule(unsort, call="unsort", linear=True)
class unsort_:
    def vjp(g, ans, y, x, axis=-1):
        return np.take_along_axis(g, np.argsort(x, axis=axis, kind="stable"), axis), None, None


@defrule(np.diag, linear=True)
class diag:
    # A vector becomes a diagonal matrix; a matrix gives its diagonal. Each is the other's adjoint.
    def vjp(g, ans, x, k=0):
        return undiag(g, x, k), None


@defrule(undiag, call="undiag", linear=True)
class undiag_:
    def vjp(g, ans, y, x, k=0):
        return np.diag(g, k), None, None


@defrule(np.diagonal, method="diagonal", linear=True, view=True)
class diagonal:
    def vjp(g, ans, x, offset=0, axis1=0, axis2=1):
        return undiagonal(g, x, offset, axis1, axis2), None, None, None


@defrule(undiagonal, call="undiagonal", linear=True)
class undiagonal_:
    def vjp(g, ans, y, x, offset=0, axis1=0, axis2=1):
        return np.diagonal(g, offset, axis1, axis2), None, None, None, None


@defrule(np.tril, linear=True)
class tril:
    def vjp(g, ans, x, k=0):
        return np.tril(g, k), None


@defrule(np.triu, linear=True)
class triu:
    def vjp(g, ans, x, k=0):
        return np.triu(g, k), None


# -- stores: `y[index] = v` with an index that may repeat a position ------------------------------
#
# NumPy keeps the last write to a repeated position (`y[[0, 0]] = v` leaves `v[1]` in `y[0]`), so
# the elements of `v` that a later one overwrote have no derivative. The `setitem` rules read `v`'s
# adjoint through `stored(g, index)` and its tangent through `placed(v_dot, y, index)`. Where the
# index cannot repeat a position (ints and slices, or a number), they are the plain `g[index]` and
# `scatter_add(v_dot, y, index)`: `basic_stores` writes them so when the rule is instantiated (it
# knows which names are numbers), and the rewrites below when the index is written in the code.


def _basic(index: Expr, scalar=lambda e: False) -> bool:  # type: ignore[no-untyped-def]
    """True when `index` surely selects each position at most once: ints, slices, None, `...`."""
    if isinstance(index, Const):
        v = index.value
        return v is None or v is Ellipsis or isinstance(v, (int, np.integer, slice)) and not isinstance(v, bool)
    if isinstance(index, Slice):
        return True
    if isinstance(index, Tup):
        return index.kind == "tuple" and all(_basic(e, scalar) for e in index.elts)
    if isinstance(index, Var):
        return scalar(index)
    return False


def _stored_rewrite(args: tuple[Expr, ...], kwargs: tuple) -> Expr | None:
    g, index = args
    return Op("getitem", (g, index)) if _basic(index) else None


def _placed_rewrite(args: tuple[Expr, ...], kwargs: tuple) -> Expr | None:
    v, y, index = args
    return Op("scatter_add_", (v, y, index)) if _basic(index) else None


def basic_stores(e: Expr, shape) -> Expr:  # type: ignore[no-untyped-def]
    """`e` with each `stored`/`placed` whose index is basic (a name known to be a number counts)
    written as `g[index]`/`scatter_add(v, y, index)`, before the simplifier sees it."""
    if isinstance(e, Tup):
        return Tup(tuple(basic_stores(x, shape) for x in e.elts), e.kind)
    if not isinstance(e, Op):
        return e
    args = tuple(basic_stores(a, shape) for a in e.args)
    kwargs = tuple((k, basic_stores(v, shape)) for k, v in e.kwargs)
    if e.prim in ("stored_", "placed_") and _basic(args[-1], lambda v: not shape(v)):
        return Op("getitem", args) if e.prim == "stored_" else Op("scatter_add_", args)
    return Op(e.prim, args, kwargs)


@defrule(stored, call="stored", rewrite=_stored_rewrite, linear=True)
class stored_:
    def vjp(g, ans, y, index):
        return placed(g, y, index), None


@defrule(placed, call="placed", rewrite=_placed_rewrite, linear=True)
class placed_:
    def vjp(g, ans, v, y, index):
        return stored(g, index), None, None
