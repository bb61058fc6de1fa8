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

from ..registry import defrule
from ..runtime import undiag, undiagonal, unsort, untake, untake_along_axis


@defrule(np.take, method="take")
class take:
    def vjp(g, ans, x, indices, axis=None):
        return untake(g, x, indices, axis), None, None

    def jvp(ans, x, indices, axis=None, x_dot=None):
        return np.take(x_dot, indices, axis), None, None


@defrule(untake, call="untake")
class untake_:
    def vjp(g, ans, y, x, indices, axis=None):
        return np.take(g, indices, axis), None, None, None

    def jvp(ans, y, x, indices, axis=None, y_dot=None):
        return untake(y_dot, x, indices, axis), None, None, None


@defrule(np.take_along_axis)
class take_along_axis:
    def vjp(g, ans, x, indices, axis):
        return untake_along_axis(g, x, indices, axis), None, None

    def jvp(ans, x, indices, axis, x_dot, indices_dot, axis_dot):
        return np.take_along_axis(x_dot, indices, axis), None, None


@defrule(untake_along_axis, call="untake_along_axis")
class untake_along_axis_:
    def vjp(g, ans, y, x, indices, axis):
        return np.take_along_axis(g, indices, axis), None, None, None

    def jvp(ans, y, x, indices, axis, y_dot, x_dot, indices_dot, axis_dot):
        return untake_along_axis(y_dot, x, indices, axis), None, None, None


@defrule(np.sort)
class sort:
    # Sorting permutes: the adjoint goes back to where each value came from.
    def vjp(g, ans, x, axis=-1):
        return unsort(g, x, axis), None

    def jvp(ans, x, axis=-1, x_dot=None):
        return np.take_along_axis(x_dot, np.argsort(x, axis=axis, kind="stable"), axis), None


@defrule(unsort, call="unsort")
class unsort_:
    def vjp(g, ans, y, x, axis=-1):
        return np.take_along_axis(g, np.argsort(x, axis=axis, kind="stable"), axis), None, None

    def jvp(ans, y, x, axis=-1, y_dot=None):
        return unsort(y_dot, x, axis), None, None


@defrule(np.diag)
class diag:
    # A vector becomes a diagonal matrix; a matrix gives its diagonal. Each is the other's adjoint.
    def vjp(g, ans, x, k=0):
        return undiag(g, x, k), None

    def jvp(ans, x, k=0, x_dot=None):
        return np.diag(x_dot, k), None


@defrule(undiag, call="undiag")
class undiag_:
    def vjp(g, ans, y, x, k=0):
        return np.diag(g, k), None, None

    def jvp(ans, y, x, k=0, y_dot=None):
        return undiag(y_dot, x, k), None, None


@defrule(np.diagonal, method="diagonal")
class diagonal:
    def vjp(g, ans, x, offset=0, axis1=0, axis2=1):
        return undiagonal(g, x, offset, axis1, axis2), None, None, None

    def jvp(ans, x, offset=0, axis1=0, axis2=1, x_dot=None):
        return np.diagonal(x_dot, offset, axis1, axis2), None, None, None


@defrule(undiagonal, call="undiagonal")
class undiagonal_:
    def vjp(g, ans, y, x, offset=0, axis1=0, axis2=1):
        return np.diagonal(g, offset, axis1, axis2), None, None, None, None

    def jvp(ans, y, x, offset=0, axis1=0, axis2=1, y_dot=None):
        return undiagonal(y_dot, x, offset, axis1, axis2), None, None, None, None


@defrule(np.tril)
class tril:
    def vjp(g, ans, x, k=0):
        return np.tril(g, k), None

    def jvp(ans, x, k=0, x_dot=None):
        return np.tril(x_dot, k), None


@defrule(np.triu)
class triu:
    def vjp(g, ans, x, k=0):
        return np.triu(g, k), None

    def jvp(ans, x, k=0, x_dot=None):
        return np.triu(x_dot, k), None
