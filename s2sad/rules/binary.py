"""Elementwise functions of two arrays, all correct under broadcasting.

Every VJP wraps its contribution in `unbroadcast(..., x)`, which sums the
adjoint back to the shape of an operand that was broadcast; the simplifier
drops it where the shapes are known to agree. `add`, `subtract`, `multiply`,
`divide` and `power` are in `core`.

Ties: where `maximum(x, y)` has `x == y`, each operand gets half of the
adjoint (as autograd, JAX and PyTorch do), so `maximum(x, x)` has derivative 1.
`where(c, x, y)` sends the adjoint only to the branch that was chosen.
"""
# ruff: noqa: N801
from __future__ import annotations

import ast

import numpy as np

from ..primitives.registry import defrule, nondiff
from ..runtime import safe_divide, unbroadcast
from .core import log_base, power_exponent


@defrule(np.float_power, elementwise=True, float_result=True)
class float_power:
    # As `power` (core.py): at x = 0 the derivatives that exist there, not NaN.
    def vjp(g, ans, x, y):
        return unbroadcast(g * y * np.float_power(x, power_exponent(y)), x), unbroadcast(g * ans * np.log(log_base(x)), y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot * y * np.float_power(x, power_exponent(y)), y_dot * ans * np.log(log_base(x))


@defrule([np.remainder, np.mod], binop=ast.Mod, elementwise=True, name="remainder")
class remainder:
    # x % y = x - floor(x / y) * y
    def vjp(g, ans, x, y):
        return unbroadcast(g, x), unbroadcast(-g * np.floor_divide(x, y), y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot, -y_dot * np.floor_divide(x, y)


@defrule(np.fmod, elementwise=True)
class fmod:
    # fmod(x, y) = x - trunc(x / y) * y
    def vjp(g, ans, x, y):
        return unbroadcast(g, x), unbroadcast(-g * np.trunc(x / y), y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot, -y_dot * np.trunc(x / y)


@defrule(np.maximum, elementwise=True)
class maximum:
    def vjp(g, ans, x, y):
        return unbroadcast(np.where(x == y, g / 2, g * (x == ans)), x), unbroadcast(np.where(x == y, g / 2, g * (y == ans)), y)

    def jvp(ans, x, y, x_dot, y_dot):
        return np.where(x == y, x_dot / 2, x_dot * (x == ans)), np.where(x == y, y_dot / 2, y_dot * (y == ans))


@defrule(np.minimum, elementwise=True, like=maximum)
class minimum:
    """The rules of maximum: `ans` tells which operand won."""


@defrule(np.fmax, elementwise=True, like=maximum)
class fmax:
    """Like maximum, except that a NaN operand loses: its adjoint is 0."""


@defrule(np.fmin, elementwise=True, like=maximum)
class fmin:
    """Like maximum (a NaN operand loses)."""


@defrule(np.logaddexp, elementwise=True, float_result=True)
class logaddexp:
    # d/dx log(e^x + e^y) = e^(x - ans): the softmax weight of x, never overflows.
    def vjp(g, ans, x, y):
        return unbroadcast(g * np.exp(x - ans), x), unbroadcast(g * np.exp(y - ans), y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot * np.exp(x - ans), y_dot * np.exp(y - ans)


@defrule(np.logaddexp2, elementwise=True, float_result=True)
class logaddexp2:
    def vjp(g, ans, x, y):
        return unbroadcast(g * np.exp2(x - ans), x), unbroadcast(g * np.exp2(y - ans), y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot * np.exp2(x - ans), y_dot * np.exp2(y - ans)


@defrule([np.arctan2, np.atan2], elementwise=True, call="np.arctan2", float_result=True)
class arctan2:
    def vjp(g, ans, y, x):
        return unbroadcast(g * x / (x ** 2 + y ** 2), y), unbroadcast(-g * y / (x ** 2 + y ** 2), x)

    def jvp(ans, y, x, y_dot, x_dot):
        return y_dot * x / (x ** 2 + y ** 2), -x_dot * y / (x ** 2 + y ** 2)


@defrule(np.hypot, elementwise=True, float_result=True)
class hypot:
    def vjp(g, ans, x, y):
        return unbroadcast(g * x / ans, x), unbroadcast(g * y / ans, y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot * x / ans, y_dot * y / ans


@defrule(np.copysign, elementwise=True)
class copysign:
    # |x| with the sign of y: the sign of y is piecewise constant, so y gets no adjoint.
    def vjp(g, ans, x, y):
        return unbroadcast(g * np.sign(x) * np.sign(ans), x), None

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot * np.sign(x) * np.sign(ans), None


@defrule(np.where, elementwise=True)
class where:
    # Only the chosen branch gets the adjoint. The other branch's *own* derivative is still
    # evaluated (times 0): if it is inf or NaN there, 0 * inf = NaN leaks in -- see the README.
    def vjp(g, ans, condition, x=None, y=None):
        return None, unbroadcast(np.where(condition, g, 0), x), unbroadcast(np.where(condition, 0, g), y)

    def jvp(ans, condition, x=None, y=None, condition_dot=None, x_dot=None, y_dot=None):
        return None, np.where(condition, x_dot, 0), np.where(condition, 0, y_dot)


@defrule(safe_divide, call="safe_divide", elementwise=True)
class safe_divide_:
    # a / b, with 0 where b == 0 (norms and standard deviations at 0): the same 0 in the derivatives.
    def vjp(g, ans, a, b):
        return unbroadcast(safe_divide(g, b), a), unbroadcast(-safe_divide(g * a, b ** 2), b)

    def jvp(ans, a, b, a_dot, b_dot):
        return safe_divide(a_dot, b), -safe_divide(a * b_dot, b ** 2)


# -- logical and bitwise operators: for masks, no derivative ---------------------------------

nondiff(np.bitwise_and, "bitwise_and", binop=ast.BitAnd, elementwise=True)
nondiff(np.bitwise_or, "bitwise_or", binop=ast.BitOr, elementwise=True)
nondiff(np.bitwise_xor, "bitwise_xor", binop=ast.BitXor, elementwise=True)
nondiff(np.invert, "invert", unary=ast.Invert, elementwise=True)
