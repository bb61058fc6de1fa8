"""Elementwise functions of one array: exponentials and logarithms, powers and
roots, trigonometric and hyperbolic functions and their inverses, and the
piecewise ones (abs, clip, nan_to_num). Rounding and sign are piecewise
constant, so they are declared non-differentiable.

Each rule is the textbook derivative times the incoming adjoint `g` (or the
tangent `x_dot`); `ans` is the primitive's output, reused where it is cheaper
than recomputing (exp, tanh, sqrt). The basic ones (exp, log, sin, cos, tanh,
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


@defrule(np.exp2, elementwise=True)
class exp2:
    def vjp(g, ans, x):
        return g * ans * math.log(2)

    def jvp(ans, x, x_dot):
        return x_dot * ans * math.log(2)


@defrule(np.expm1, elementwise=True)
class expm1:
    def vjp(g, ans, x):
        return g * (ans + 1)

    def jvp(ans, x, x_dot):
        return x_dot * (ans + 1)


@defrule(np.log2, elementwise=True)
class log2:
    def vjp(g, ans, x):
        return g / (x * math.log(2))

    def jvp(ans, x, x_dot):
        return x_dot / (x * math.log(2))


@defrule(np.log10, elementwise=True)
class log10:
    def vjp(g, ans, x):
        return g / (x * math.log(10))

    def jvp(ans, x, x_dot):
        return x_dot / (x * math.log(10))


@defrule(np.log1p, elementwise=True)
class log1p:
    def vjp(g, ans, x):
        return g / (1 + x)

    def jvp(ans, x, x_dot):
        return x_dot / (1 + x)


# -- powers and roots -----------------------------------------------------------------------


@defrule(np.square, elementwise=True)
class square:
    def vjp(g, ans, x):
        return g * 2 * x

    def jvp(ans, x, x_dot):
        return x_dot * 2 * x


@defrule(np.cbrt, elementwise=True)
class cbrt:
    def vjp(g, ans, x):
        return g / (3 * ans ** 2)

    def jvp(ans, x, x_dot):
        return x_dot / (3 * ans ** 2)


@defrule([np.abs, np.absolute], elementwise=True, name="absolute", call="np.abs")
class absolute:
    # At 0 the derivative is the subgradient 0 (np.sign(0) == 0).
    def vjp(g, ans, x):
        return g * np.sign(x)

    def jvp(ans, x, x_dot):
        return x_dot * np.sign(x)


@defrule(np.fabs, elementwise=True)
class fabs:
    def vjp(g, ans, x):
        return g * np.sign(x)

    def jvp(ans, x, x_dot):
        return x_dot * np.sign(x)


# -- trigonometric ----------------------------------------------------------------------------


@defrule(np.tan, elementwise=True)
class tan:
    def vjp(g, ans, x):
        return g * (1 + ans ** 2)

    def jvp(ans, x, x_dot):
        return x_dot * (1 + ans ** 2)


@defrule([np.arcsin, np.asin], elementwise=True, call="np.arcsin")
class arcsin:
    def vjp(g, ans, x):
        return g / np.sqrt(1 - x ** 2)

    def jvp(ans, x, x_dot):
        return x_dot / np.sqrt(1 - x ** 2)


@defrule([np.arccos, np.acos], elementwise=True, call="np.arccos")
class arccos:
    def vjp(g, ans, x):
        return -g / np.sqrt(1 - x ** 2)

    def jvp(ans, x, x_dot):
        return -x_dot / np.sqrt(1 - x ** 2)


@defrule([np.arctan, np.atan], elementwise=True, call="np.arctan")
class arctan:
    def vjp(g, ans, x):
        return g / (1 + x ** 2)

    def jvp(ans, x, x_dot):
        return x_dot / (1 + x ** 2)


@defrule(np.sinc, elementwise=True)
class sinc:
    def vjp(g, ans, x):
        return g * sinc_derivative(x)

    def jvp(ans, x, x_dot):
        return x_dot * sinc_derivative(x)


@defrule(sinc_derivative, call="sinc_derivative", elementwise=True)
class sinc_derivative_:
    # sinc'' = -pi^2 sinc - 2 sinc' / x (from x sinc(x) = sin(pi x) / pi), NaN only at exactly 0.
    def vjp(g, ans, x):
        return g * (-np.pi ** 2 * np.sinc(x) - 2 * ans / x)

    def jvp(ans, x, x_dot):
        return x_dot * (-np.pi ** 2 * np.sinc(x) - 2 * ans / x)


@defrule([np.deg2rad, np.radians], elementwise=True, call="np.deg2rad")
class deg2rad:
    def vjp(g, ans, x):
        return g * (np.pi / 180)

    def jvp(ans, x, x_dot):
        return x_dot * (np.pi / 180)


@defrule([np.rad2deg, np.degrees], elementwise=True, call="np.rad2deg")
class rad2deg:
    def vjp(g, ans, x):
        return g * (180 / np.pi)

    def jvp(ans, x, x_dot):
        return x_dot * (180 / np.pi)


# -- hyperbolic ----------------------------------------------------------------------------------


@defrule(np.sinh, elementwise=True)
class sinh:
    def vjp(g, ans, x):
        return g * np.cosh(x)

    def jvp(ans, x, x_dot):
        return x_dot * np.cosh(x)


@defrule(np.cosh, elementwise=True)
class cosh:
    def vjp(g, ans, x):
        return g * np.sinh(x)

    def jvp(ans, x, x_dot):
        return x_dot * np.sinh(x)


@defrule([np.arcsinh, np.asinh], elementwise=True, call="np.arcsinh")
class arcsinh:
    def vjp(g, ans, x):
        return g / np.sqrt(x ** 2 + 1)

    def jvp(ans, x, x_dot):
        return x_dot / np.sqrt(x ** 2 + 1)


@defrule([np.arccosh, np.acosh], elementwise=True, call="np.arccosh")
class arccosh:
    def vjp(g, ans, x):
        return g / np.sqrt(x ** 2 - 1)

    def jvp(ans, x, x_dot):
        return x_dot / np.sqrt(x ** 2 - 1)


@defrule([np.arctanh, np.atanh], elementwise=True, call="np.arctanh")
class arctanh:
    def vjp(g, ans, x):
        return g / (1 - x ** 2)

    def jvp(ans, x, x_dot):
        return x_dot / (1 - x ** 2)


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


@defrule([np.real, np.real_if_close], elementwise=True, call="np.real")
class real:
    def vjp(g, ans, x):
        return g

    def jvp(ans, x, x_dot):
        return x_dot


@defrule([np.conjugate, np.conj], method=["conjugate", "conj"], elementwise=True, call="np.conjugate")
class conjugate:
    def vjp(g, ans, x):
        return g

    def jvp(ans, x, x_dot):
        return x_dot


nondiff(np.imag, "imag")  # 0 for real x
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
