"""Shape operations: the values stay, only their arrangement changes.

So every adjoint is the inverse rearrangement of `g` -- reshape back, transpose
with the inverse permutation, flip again, roll back -- and every tangent is the
same rearrangement of `x_dot`. Where copies are made (repeat, tile, broadcast_to)
the adjoint sums the copies (`unrepeat`, `untile`, `unbroadcast`); where values
are added (pad) it cuts them off (`unpad`).
"""
# ruff: noqa: N801
from __future__ import annotations

import numpy as np

from ..ir import Const, Expr, Tup
from ..primitives.registry import defrule, nondiff
from ..runtime import unbroadcast, unpad, unrepeat, untile


def inverse_permutation(axes: object) -> object:
    """The axes that undo `np.transpose(x, axes)` (None undoes None)."""
    if axes is None:
        return None
    axes = [int(a) % len(axes) for a in axes]  # type: ignore[arg-type]
    return tuple(int(i) for i in np.argsort(axes))


def negated(shift: object) -> object:
    """`-shift` for an int or a tuple of ints (to roll back)."""
    return -shift if np.ndim(shift) == 0 else tuple(-int(s) for s in shift)  # type: ignore[operator, union-attr]


def _constant(e: Expr) -> object:
    """The value of a constant expression (a literal, or a tuple/list of them), else _NOT_CONSTANT."""
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Tup):
        values = tuple(_constant(x) for x in e.elts)
        return _NOT_CONSTANT if any(v is _NOT_CONSTANT for v in values) else values
    return _NOT_CONSTANT


_NOT_CONSTANT = object()


def constant_fold(fn):  # type: ignore[no-untyped-def]
    """A rewrite that evaluates `fn` when the code is generated, if its arguments are constants."""

    def rewrite(args: tuple[Expr, ...], kwargs: tuple) -> Expr | None:
        values = [_constant(a) for a in args]
        if kwargs or any(v is _NOT_CONSTANT for v in values):
            return None
        return Const(fn(*values))

    return rewrite


nondiff(inverse_permutation, "inverse_permutation", call="inverse_permutation", rewrite=constant_fold(inverse_permutation))
nondiff(negated, "negated", call="negated", rewrite=constant_fold(negated))

# -- same values, new shape -------------------------------------------------------------------


@defrule(np.reshape, method="reshape", linear=True, view=True)
class reshape:
    def vjp(g, ans, x, shape):
        return np.reshape(g, np.shape(x)), None


@defrule(np.ravel, method=["ravel", "flatten"], linear=True, view=True)
class ravel:
    def vjp(g, ans, x):
        return np.reshape(g, np.shape(x))


@defrule(np.squeeze, method="squeeze", linear=True, view=True)
class squeeze:
    def vjp(g, ans, x, axis=None):
        return np.reshape(g, np.shape(x)), None


@defrule(np.expand_dims, linear=True, view=True)
class expand_dims:
    def vjp(g, ans, x, axis):
        return np.reshape(g, np.shape(x)), None


@defrule(np.atleast_1d, linear=True, view=True)
class atleast_1d:
    def vjp(g, ans, x):
        return np.reshape(g, np.shape(x))


@defrule(np.atleast_2d, linear=True, view=True)
class atleast_2d:
    def vjp(g, ans, x):
        return np.reshape(g, np.shape(x))


@defrule(np.atleast_3d, linear=True, view=True)
class atleast_3d:
    def vjp(g, ans, x):
        return np.reshape(g, np.shape(x))


# -- same values, axes permuted ------------------------------------------------------------------


@defrule([np.transpose, np.permute_dims] if hasattr(np, "permute_dims") else np.transpose, method="transpose", call="np.transpose", linear=True, view=True)
class transpose:
    def vjp(g, ans, x, axes=None):
        return np.transpose(g, inverse_permutation(axes)), None


@defrule(np.swapaxes, method="swapaxes", linear=True, view=True)
class swapaxes:
    def vjp(g, ans, x, axis1, axis2):
        return np.swapaxes(g, axis1, axis2), None, None


def rolled_axis(x: object, axis: object, start: object = 0) -> object:
    """Where `np.rollaxis(x, axis, start)` puts `axis` (to move it back)."""
    n = np.ndim(x)
    axis, start = int(axis) % n, int(start)  # type: ignore[call-overload]
    start = start + n if start < 0 else start
    return start - 1 if axis < start else start


nondiff(rolled_axis, "rolled_axis", call="rolled_axis")


@defrule(np.rollaxis, linear=True)
class rollaxis:
    def vjp(g, ans, x, axis, start=0):
        return np.moveaxis(g, rolled_axis(x, axis, start), axis), None, None


@defrule(np.moveaxis, linear=True, view=True)
class moveaxis:
    def vjp(g, ans, x, source, destination):
        return np.moveaxis(g, destination, source), None, None


# -- same values, reordered -----------------------------------------------------------------------


@defrule(np.flip, linear=True, view=True)
class flip:
    def vjp(g, ans, x, axis=None):
        return np.flip(g, axis), None


@defrule(np.fliplr, linear=True, view=True)
class fliplr:
    def vjp(g, ans, x):
        return np.fliplr(g)


@defrule(np.flipud, linear=True, view=True)
class flipud:
    def vjp(g, ans, x):
        return np.flipud(g)


@defrule(np.rot90, linear=True, view=True)
class rot90:
    def vjp(g, ans, x, k=1, axes=(0, 1)):
        return np.rot90(g, -k, axes), None, None


@defrule(np.roll, linear=True)
class roll:
    def vjp(g, ans, x, shift, axis=None):
        return np.roll(g, negated(shift), axis), None, None


# -- copies: the adjoint sums them -----------------------------------------------------------------


@defrule(np.broadcast_to, linear=True, view=True)
class broadcast_to:
    def vjp(g, ans, x, shape):
        return unbroadcast(g, x), None


@defrule(np.repeat, method="repeat", linear=True)
class repeat:
    def vjp(g, ans, x, repeats, axis=None):
        return unrepeat(g, x, repeats, axis), None, None


@defrule(unrepeat, call="unrepeat", linear=True)
class unrepeat_:
    def vjp(g, ans, y, x, repeats, axis=None):
        return np.repeat(g, repeats, axis), None, None, None


@defrule(np.tile, linear=True)
class tile:
    def vjp(g, ans, x, reps):
        return untile(g, x, reps), None


@defrule(untile, call="untile", linear=True)
class untile_:
    def vjp(g, ans, y, x, reps):
        return np.tile(g, reps), None, None


@defrule(np.pad)
class pad:
    # Constant mode only: the padding is constant_values, which gets the adjoint of the border.
    def vjp(g, ans, x, pad_width, mode="constant", constant_values=0):
        return unpad(g, pad_width, mode), None, None, np.sum(g) - np.sum(unpad(g, pad_width, mode))

    def jvp(ans, x, pad_width, mode="constant", constant_values=0, x_dot=None, pad_width_dot=None, mode_dot=None,
            constant_values_dot=None):
        return np.pad(x_dot, pad_width), None, None, np.pad(np.zeros_like(x), pad_width, constant_values=constant_values_dot)


@defrule(unpad, call="unpad", linear=True)
class unpad_:
    def vjp(g, ans, y, pad_width, mode="constant"):
        return np.pad(g, pad_width), None, None


# (np.broadcast_arrays copies its inputs: rules/spread.py.)
nondiff(np.broadcast_shapes, "broadcast_shapes")
