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


def _fold(fn):  # type: ignore[no-untyped-def]
    """A rewrite that evaluates `fn` when the code is generated, if its arguments are constants."""

    def rewrite(args: tuple[Expr, ...], kwargs: tuple) -> Expr | None:
        values = [_constant(a) for a in args]
        if kwargs or any(v is _NOT_CONSTANT for v in values):
            return None
        return Const(fn(*values))

    return rewrite


nondiff(inverse_permutation, "inverse_permutation", call="inverse_permutation", rewrite=_fold(inverse_permutation))
nondiff(negated, "negated", call="negated", rewrite=_fold(negated))

# -- same values, new shape -------------------------------------------------------------------


@defrule(np.reshape, method="reshape")
class reshape:
    def vjp(g, ans, x, shape):
        return np.reshape(g, np.shape(x)), None

    def jvp(ans, x, shape, x_dot, shape_dot):
        return np.reshape(x_dot, shape), None


@defrule(np.ravel, method=["ravel", "flatten"])
class ravel:
    def vjp(g, ans, x):
        return np.reshape(g, np.shape(x))

    def jvp(ans, x, x_dot):
        return np.ravel(x_dot)


@defrule(np.squeeze, method="squeeze")
class squeeze:
    def vjp(g, ans, x, axis=None):
        return np.reshape(g, np.shape(x)), None

    def jvp(ans, x, axis=None, x_dot=None):
        return np.squeeze(x_dot, axis), None


@defrule(np.expand_dims)
class expand_dims:
    def vjp(g, ans, x, axis):
        return np.reshape(g, np.shape(x)), None

    def jvp(ans, x, axis, x_dot, axis_dot):
        return np.expand_dims(x_dot, axis), None


@defrule(np.atleast_1d)
class atleast_1d:
    def vjp(g, ans, x):
        return np.reshape(g, np.shape(x))

    def jvp(ans, x, x_dot):
        return np.atleast_1d(x_dot)


@defrule(np.atleast_2d)
class atleast_2d:
    def vjp(g, ans, x):
        return np.reshape(g, np.shape(x))

    def jvp(ans, x, x_dot):
        return np.atleast_2d(x_dot)


@defrule(np.atleast_3d)
class atleast_3d:
    def vjp(g, ans, x):
        return np.reshape(g, np.shape(x))

    def jvp(ans, x, x_dot):
        return np.atleast_3d(x_dot)


# -- same values, axes permuted ------------------------------------------------------------------


@defrule([np.transpose, np.permute_dims] if hasattr(np, "permute_dims") else np.transpose, method="transpose", call="np.transpose")
class transpose:
    def vjp(g, ans, x, axes=None):
        return np.transpose(g, inverse_permutation(axes)), None

    def jvp(ans, x, axes=None, x_dot=None):
        return np.transpose(x_dot, axes), None


@defrule(np.swapaxes, method="swapaxes")
class swapaxes:
    def vjp(g, ans, x, axis1, axis2):
        return np.swapaxes(g, axis1, axis2), None, None

    def jvp(ans, x, axis1, axis2, x_dot, axis1_dot, axis2_dot):
        return np.swapaxes(x_dot, axis1, axis2), None, None


def rolled_axis(x: object, axis: object, start: object = 0) -> object:
    """Where `np.rollaxis(x, axis, start)` puts `axis` (to move it back)."""
    n = np.ndim(x)
    axis, start = int(axis) % n, int(start)  # type: ignore[call-overload]
    start = start + n if start < 0 else start
    return start - 1 if axis < start else start


nondiff(rolled_axis, "rolled_axis", call="rolled_axis")


@defrule(np.rollaxis)
class rollaxis:
    def vjp(g, ans, x, axis, start=0):
        return np.moveaxis(g, rolled_axis(x, axis, start), axis), None, None

    def jvp(ans, x, axis, start=0, x_dot=None):
        return np.rollaxis(x_dot, axis, start), None, None


@defrule(np.moveaxis)
class moveaxis:
    def vjp(g, ans, x, source, destination):
        return np.moveaxis(g, destination, source), None, None

    def jvp(ans, x, source, destination, x_dot, source_dot, destination_dot):
        return np.moveaxis(x_dot, source, destination), None, None


# -- same values, reordered -----------------------------------------------------------------------


@defrule(np.flip)
class flip:
    def vjp(g, ans, x, axis=None):
        return np.flip(g, axis), None

    def jvp(ans, x, axis=None, x_dot=None):
        return np.flip(x_dot, axis), None


@defrule(np.fliplr)
class fliplr:
    def vjp(g, ans, x):
        return np.fliplr(g)

    def jvp(ans, x, x_dot):
        return np.fliplr(x_dot)


@defrule(np.flipud)
class flipud:
    def vjp(g, ans, x):
        return np.flipud(g)

    def jvp(ans, x, x_dot):
        return np.flipud(x_dot)


@defrule(np.rot90)
class rot90:
    def vjp(g, ans, x, k=1, axes=(0, 1)):
        return np.rot90(g, -k, axes), None, None

    def jvp(ans, x, k=1, axes=(0, 1), x_dot=None):
        return np.rot90(x_dot, k, axes), None, None


@defrule(np.roll)
class roll:
    def vjp(g, ans, x, shift, axis=None):
        return np.roll(g, negated(shift), axis), None, None

    def jvp(ans, x, shift, axis=None, x_dot=None, shift_dot=None):
        return np.roll(x_dot, shift, axis), None, None


# -- copies: the adjoint sums them -----------------------------------------------------------------


@defrule(np.broadcast_to)
class broadcast_to:
    def vjp(g, ans, x, shape):
        return unbroadcast(g, x), None

    def jvp(ans, x, shape, x_dot, shape_dot):
        return np.broadcast_to(x_dot, shape), None


@defrule(np.repeat, method="repeat")
class repeat:
    def vjp(g, ans, x, repeats, axis=None):
        return unrepeat(g, x, repeats, axis), None, None

    def jvp(ans, x, repeats, axis=None, x_dot=None):
        return np.repeat(x_dot, repeats, axis), None, None


@defrule(unrepeat, call="unrepeat")
class unrepeat_:
    def vjp(g, ans, y, x, repeats, axis=None):
        return np.repeat(g, repeats, axis), None, None, None

    def jvp(ans, y, x, repeats, axis=None, y_dot=None):
        return unrepeat(y_dot, x, repeats, axis), None, None, None


@defrule(np.tile)
class tile:
    def vjp(g, ans, x, reps):
        return untile(g, x, reps), None

    def jvp(ans, x, reps, x_dot, reps_dot):
        return np.tile(x_dot, reps), None


@defrule(untile, call="untile")
class untile_:
    def vjp(g, ans, y, x, reps):
        return np.tile(g, reps), None, None

    def jvp(ans, y, x, reps, y_dot, x_dot, reps_dot):
        return untile(y_dot, x, reps), None, None


@defrule(np.pad)
class pad:
    # Constant mode only: the padding is constant_values, which gets the adjoint of the border.
    def vjp(g, ans, x, pad_width, mode="constant", constant_values=0):
        return unpad(g, pad_width, mode), None, None, np.sum(g) - np.sum(unpad(g, pad_width, mode))

    def jvp(ans, x, pad_width, mode="constant", constant_values=0, x_dot=None, pad_width_dot=None, mode_dot=None,
            constant_values_dot=None):
        return np.pad(x_dot, pad_width), None, None, np.pad(np.zeros_like(x), pad_width, constant_values=constant_values_dot)


@defrule(unpad, call="unpad")
class unpad_:
    def vjp(g, ans, y, pad_width, mode="constant"):
        return np.pad(g, pad_width), None, None

    def jvp(ans, y, pad_width, mode="constant", y_dot=None):
        return unpad(y_dot, pad_width, mode), None, None


# (np.broadcast_arrays copies its inputs: rules/spread.py.)
nondiff(np.broadcast_shapes, "broadcast_shapes")
