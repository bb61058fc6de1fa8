"""Elementwise functions of one array: exponentials and logarithms, powers and
roots, trigonometric and hyperbolic functions and their inverses, and the
piecewise ones (abs, clip, nan_to_num). Rounding and sign are piecewise
constant, so they are declared non-differentiable.

Each rule is the textbook derivative `d(ans, x)`, which the incoming adjoint `g`
(or the tangent `x_dot`) multiplies; `ans` is the primitive's output, reused
where it is cheaper than recomputing (exp2, tan, cbrt). The basic ones (exp, log, sin, cos, tanh,
sqrt, reciprocal, negative) are in `core`.
"""
# ruff: noqa: N801
from __future__ import annotations

import ast
import math

import numpy as np

from ..primitives.registry import defrule, nondiff
from ..runtime import sinc_derivative, unbroadcast

# -- exponentials and logarithms ---------------------------------------------------------


@defrule(np.exp2, elementwise=True, float_result=True)
class exp2:
    def d(ans, x):
        return ans * math.log(2)


@defrule(np.expm1, elementwise=True, float_result=True)
class expm1:
    def d(ans, x):
        return ans + 1


@defrule(np.log2, elementwise=True, float_result=True)
class log2:
    def d(ans, x):
        return 1 / (x * math.log(2))


@defrule(np.log10, elementwise=True, float_result=True)
class log10:
    def d(ans, x):
        return 1 / (x * math.log(10))


@defrule(np.log1p, elementwise=True, float_result=True)
class log1p:
    def d(ans, x):
        return 1 / (1 + x)


# -- powers and roots -----------------------------------------------------------------------


@defrule(np.square, elementwise=True, arithmetic=True)
class square:
    def d(ans, x):
        return 2 * x


@defrule(np.cbrt, elementwise=True, float_result=True)
class cbrt:
    def d(ans, x):
        return 1 / (3 * ans ** 2)


@defrule([np.abs, np.absolute], elementwise=True, name="absolute", call="np.abs", arithmetic=True)
class absolute:
    # At 0 the derivative is the subgradient 0 (np.sign(0) == 0).
    def d(ans, x):
        return np.sign(x)


@defrule(np.fabs, elementwise=True)
class fabs:
    def d(ans, x):
        return np.sign(x)


# -- trigonometric ----------------------------------------------------------------------------


@defrule(np.tan, elementwise=True, float_result=True)
class tan:
    def d(ans, x):
        return 1 + ans ** 2


@defrule([np.arcsin, np.asin], elementwise=True, call="np.arcsin", float_result=True)
class arcsin:
    def d(ans, x):
        return 1 / np.sqrt(1 - x ** 2)


@defrule([np.arccos, np.acos], elementwise=True, call="np.arccos", float_result=True)
class arccos:
    def d(ans, x):
        return -1 / np.sqrt(1 - x ** 2)


@defrule([np.arctan, np.atan], elementwise=True, call="np.arctan", float_result=True)
class arctan:
    def d(ans, x):
        return 1 / (1 + x ** 2)


@defrule(np.sinc, elementwise=True)
class sinc:
    def d(ans, x):
        return sinc_derivative(x)


@defrule(sinc_derivative, call="sinc_derivative", elementwise=True)
class sinc_derivative_:
    # sinc'' = -pi^2 sinc - 2 sinc' / x (from x sinc(x) = sin(pi x) / pi), NaN only at exactly 0.
    def d(ans, x):
        return -np.pi ** 2 * np.sinc(x) - 2 * ans / x


@defrule([np.deg2rad, np.radians], elementwise=True, call="np.deg2rad", float_result=True)
class deg2rad:
    def vjp(g, ans, x):
        return g * (np.pi / 180)

    def jvp(ans, x, x_dot):
        return x_dot * (np.pi / 180)


@defrule([np.rad2deg, np.degrees], elementwise=True, call="np.rad2deg", float_result=True)
class rad2deg:
    def vjp(g, ans, x):
        return g * (180 / np.pi)

    def jvp(ans, x, x_dot):
        return x_dot * (180 / np.pi)


# -- hyperbolic ----------------------------------------------------------------------------------


@defrule(np.sinh, elementwise=True, float_result=True)
class sinh:
    def d(ans, x):
        return np.cosh(x)


@defrule(np.cosh, elementwise=True, float_result=True)
class cosh:
    def d(ans, x):
        return np.sinh(x)


@defrule([np.arcsinh, np.asinh], elementwise=True, call="np.arcsinh", float_result=True)
class arcsinh:
    def d(ans, x):
        return 1 / np.sqrt(x ** 2 + 1)


@defrule([np.arccosh, np.acosh], elementwise=True, call="np.arccosh", float_result=True)
class arccosh:
    def d(ans, x):
        return 1 / np.sqrt(x ** 2 - 1)


@defrule([np.arctanh, np.atanh], elementwise=True, call="np.arctanh", float_result=True)
class arctanh:
    def d(ans, x):
        return 1 / (1 - x ** 2)


# -- piecewise ------------------------------------------------------------------------------------


@defrule(np.clip, method="clip", elementwise=True)
class clip:
    # The adjoint goes to x where it is inside [a_min, a_max] (ans == x), else to the bound that won.
    def vjp(g, ans, x, a_min=None, a_max=None):
        return (
            unbroadcast(g * (ans == x), x),
            unbroadcast(g * (ans != x) * (ans == a_min), a_min),
            unbroadcast(g * (ans != x) * (ans != a_min), a_max),
        )

    def jvp(ans, x, a_min=None, a_max=None, x_dot=None, a_min_dot=None, a_max_dot=None):
        return x_dot * (ans == x), a_min_dot * (ans != x) * (ans == a_min), a_max_dot * (ans != x) * (ans != a_min)


@defrule(np.nan_to_num, elementwise=True)
class nan_to_num:
    # NaN and infinities become constants, so no derivative flows through them.
    def vjp(g, ans, x):
        return np.where(np.isfinite(x), g, 0)

    def jvp(ans, x, x_dot):
        return np.where(np.isfinite(x), x_dot, 0)


# -- complex parts of real arrays (complex inputs are refused with an InputError) ----------------------


@defrule([np.real, np.real_if_close], elementwise=True, call="np.real", view=True)
class real:
    def d(ans, x):
        return 1


@defrule([np.conjugate, np.conj], method=["conjugate", "conj"], elementwise=True, call="np.conjugate")
class conjugate:
    def d(ans, x):
        return 1


nondiff(np.imag, "imag", view=True)  # 0 for real x
nondiff(np.angle, "angle")  # 0 or pi for real x

# -- piecewise constant: no derivative ---------------------------------------------------------

nondiff([np.round, np.around], "round", method="round", call="np.round")
nondiff(np.trunc, "trunc", elementwise=True)
nondiff(np.fix, "fix")
nondiff(np.rint, "rint")
nondiff(np.signbit, "signbit", boolean=True)
nondiff(np.floor_divide, "floor_divide", binop=ast.FloorDiv, elementwise=True)
nondiff(np.isnan, "isnan", elementwise=True, boolean=True)
nondiff(np.isinf, "isinf", elementwise=True, boolean=True)
nondiff(np.isfinite, "isfinite", elementwise=True, boolean=True)
nondiff(np.logical_not, "logical_not", elementwise=True, boolean=True)
nondiff(np.logical_and, "logical_and", elementwise=True, boolean=True)
nondiff(np.logical_or, "logical_or", elementwise=True, boolean=True)
nondiff(np.logical_xor, "logical_xor", elementwise=True, boolean=True)
