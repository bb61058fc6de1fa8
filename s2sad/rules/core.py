"""Core primitives: arithmetic operators, basic elementwise functions, sums,
matrix products, indexing, and the runtime helpers that rules themselves emit
(so that generated code can be differentiated again).

Each class is one primitive. `vjp(g, ans, *args)` returns one adjoint
contribution per argument; `jvp(ans, *args, *arg_dots)` returns one tangent
contribution per argument. The return expressions are the generated code.
"""
# ruff: noqa: N801
from __future__ import annotations

import ast
import math
import operator
from typing import Any

import numpy as np

from ..ir import Const
from ..primitives.registry import defrule, nondiff
from ..runtime import (
    broadcast_like,
    dot_adjoint_a,
    dot_adjoint_b,
    matmul_adjoint_a,
    matmul_adjoint_b,
    product,
    scatter_add,
    sincos,
    unbroadcast,
    unsum,
)

# -- arithmetic operators -------------------------------------------------------


@defrule([np.add, operator.add], binop=ast.Add, elementwise=True)
class add:
    def vjp(g, ans, x, y):
        return unbroadcast(g, x), unbroadcast(g, y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot, y_dot


@defrule([np.subtract, operator.sub], binop=ast.Sub, elementwise=True)
class subtract:
    def vjp(g, ans, x, y):
        return unbroadcast(g, x), unbroadcast(-g, y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot, -y_dot


@defrule([np.multiply, operator.mul], binop=ast.Mult, elementwise=True)
class multiply:
    def vjp(g, ans, x, y):
        return unbroadcast(g * y, x), unbroadcast(x * g, y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot * y, x * y_dot


@defrule([np.divide, np.true_divide, operator.truediv], binop=ast.Div, elementwise=True)
class divide:
    def vjp(g, ans, x, y):
        return unbroadcast(g / y, x), unbroadcast(-g * x / y ** 2, y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot / y, -y_dot * x / y ** 2


def power_exponent(y):
    """`y - 1`, except 1 where y == 0: the exponent in d/dx x^y = y x^(y-1) (times y = 0, x^1 stays finite at x = 0)."""
    return np.where(y, y - 1, 1.0)


def log_base(x):
    """`x`, except 1 where x == 0: log of it is the factor in d/dy x^y = x^y log x (x^y = 0 at x = 0, for y > 0)."""
    return np.where(x == 0, 1.0, x)


def _power_exponent_rewrite(args: tuple, kwargs: tuple) -> Any:
    from ..ad.simplify import is_number
    from .macros import parse

    (y,) = args
    if is_number(y):  # a constant exponent: `x ** 2` has `2 * x`, `x ** 0.0` has `0.0 * x`
        return Const(y.value - 1 if y.value != 0 else type(y.value)(1))
    return parse("np.where(y, y - 1, 1.0)", y=y)


def _log_base_rewrite(args: tuple, kwargs: tuple) -> Any:
    from ..ad.simplify import is_number
    from .macros import parse

    (x,) = args
    if is_number(x):  # a constant base: `2.0 ** y` has `ans * np.log(2.0)`
        return x if x.value != 0 else Const(type(x.value)(1))
    return parse("np.where(x == 0, 1.0, x)", x=x)


# Macros: always rewritten into the NumPy above when code is generated (so they need no rules of their own).
nondiff(power_exponent, "power_exponent", call="power_exponent", rewrite=_power_exponent_rewrite)
nondiff(log_base, "log_base", call="log_base", rewrite=_log_base_rewrite)


@defrule([np.power, operator.pow, pow], binop=ast.Pow, elementwise=True)
class power:
    # d/dx x^y = y x^(y-1) and d/dy x^y = x^y log x, written so that x = 0 gives the derivative that
    # exists there (as autograd does): for y = 0 the exponent y - 1 becomes 1 (0 * x, not 0 * 0^-1),
    # and log x becomes log 1 where x = 0 (x^y = 0 there for y > 0). A constant exponent or base
    # keeps the plain form: `t ** 2` has the adjoint `g * 2 * t` (see `power_exponent_rewrite`).
    def vjp(g, ans, x, y):
        return unbroadcast(g * y * x ** power_exponent(y), x), unbroadcast(g * ans * np.log(log_base(x)), y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot * y * x ** power_exponent(y), y_dot * ans * np.log(log_base(x))


@defrule([np.negative, operator.neg], unary=ast.USub, elementwise=True)
class negative:
    def vjp(g, ans, x):
        return -g

    def jvp(ans, x, x_dot):
        return -x_dot


@defrule([np.matmul, operator.matmul], binop=ast.MatMult)
class matmul:
    def vjp(g, ans, x, y):
        return matmul_adjoint_a(g, x, y), matmul_adjoint_b(g, x, y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot @ y, x @ y_dot


@defrule(np.dot, call="np.dot", method="dot")
class dot:
    # np.dot is `x @ y`, except that a matrix (or stack) times a stack contracts x's last axis with
    # y's second-to-last, np.tensordot(x, y, (-1, -2)), where `@` would broadcast: see `dot_adjoint_a`.
    def vjp(g, ans, x, y):
        return dot_adjoint_a(g, x, y), dot_adjoint_b(g, x, y)

    def jvp(ans, x, y, x_dot, y_dot):
        return np.dot(x_dot, y), np.dot(x, y_dot)


# -- elementwise functions ------------------------------------------------------


@defrule(np.exp, elementwise=True)
class exp:
    def vjp(g, ans, x):
        return g * ans

    def jvp(ans, x, x_dot):
        return x_dot * ans


@defrule(np.log, elementwise=True)
class log:
    def vjp(g, ans, x):
        return g / x

    def jvp(ans, x, x_dot):
        return x_dot / x


@defrule(np.sin, elementwise=True)
class sin:
    def vjp(g, ans, x):
        return g * np.cos(x)

    def jvp(ans, x, x_dot):
        return x_dot * np.cos(x)


@defrule(np.cos, elementwise=True)
class cos:
    def vjp(g, ans, x):
        return -g * np.sin(x)

    def jvp(ans, x, x_dot):
        return -x_dot * np.sin(x)


@defrule(sincos, call="sincos", outputs=2)
class sincos_:
    # (sin x, cos x) together: what the "grad" variant runs where it needs both (s2sad/passes/sincos.py).
    def vjp(g, ans, x):
        return g[0] * ans[1] - g[1] * ans[0]

    def jvp(ans, x, x_dot):
        return ((x_dot * ans[1], -x_dot * ans[0]),)


@defrule(np.tanh, elementwise=True)
class tanh:
    def vjp(g, ans, x):
        return g * (1 - ans ** 2)

    def jvp(ans, x, x_dot):
        return x_dot * (1 - ans ** 2)


@defrule(np.sqrt, elementwise=True)
class sqrt:
    def vjp(g, ans, x):
        return g / (2 * ans)

    def jvp(ans, x, x_dot):
        return x_dot / (2 * ans)


@defrule(np.reciprocal, elementwise=True)
class reciprocal:
    def vjp(g, ans, x):
        return -g * ans ** 2

    def jvp(ans, x, x_dot):
        return -x_dot * ans ** 2


# -- the math module: scalars only ------------------------------------------------


@defrule(math.exp, name="math_exp", shape="scalar")
class math_exp:
    def vjp(g, ans, x):
        return g * ans

    def jvp(ans, x, x_dot):
        return x_dot * ans


@defrule(math.log, name="math_log", shape="scalar")
class math_log:
    def vjp(g, ans, x):
        return g / x

    def jvp(ans, x, x_dot):
        return x_dot / x


@defrule(math.sin, name="math_sin", shape="scalar")
class math_sin:
    def vjp(g, ans, x):
        return g * math.cos(x)

    def jvp(ans, x, x_dot):
        return x_dot * math.cos(x)


@defrule(math.cos, name="math_cos", shape="scalar")
class math_cos:
    def vjp(g, ans, x):
        return -g * math.sin(x)

    def jvp(ans, x, x_dot):
        return -x_dot * math.sin(x)


@defrule(math.tanh, name="math_tanh", shape="scalar")
class math_tanh:
    def vjp(g, ans, x):
        return g * (1 - ans ** 2)

    def jvp(ans, x, x_dot):
        return x_dot * (1 - ans ** 2)


@defrule(math.sqrt, name="math_sqrt", shape="scalar")
class math_sqrt:
    def vjp(g, ans, x):
        return g / (2 * ans)

    def jvp(ans, x, x_dot):
        return x_dot / (2 * ans)


# -- reductions -----------------------------------------------------------------------


# `x.sum(axis=0)` is a primitive of its own with the same rules, so it keeps its spelling; `layouts.py`
# writes it for an adjoint it knows is an array: on small arrays the method costs about 1 µs where
# `np.sum` costs 2 (in a loop, at every step).
@defrule(None, name="sum_method", call=".sum", method="sum", shape="reduce")
@defrule(np.sum, shape="reduce")
class sum:  # noqa: A001
    def vjp(g, ans, x, axis=None, keepdims=False):
        return unsum(g, x, axis, keepdims)

    def jvp(ans, x, axis=None, keepdims=False, x_dot=None):
        return np.sum(x_dot, axis=axis, keepdims=keepdims)


@defrule(np.mean, method="mean", shape="reduce")
class mean:
    def vjp(g, ans, x, axis=None, keepdims=False):
        # The scale multiplies the (small) reduced adjoint before it is spread over x's shape.
        return unsum(g * (np.size(ans) / np.size(x)), x, axis, keepdims)

    def jvp(ans, x, axis=None, keepdims=False, x_dot=None):
        return np.mean(x_dot, axis=axis, keepdims=keepdims)


# -- indexing and transposition -----------------------------------------------------------


@defrule(operator.getitem, getitem=True)
class getitem:
    def vjp(g, ans, x, index):
        return scatter_add(g, x, index)

    def jvp(ans, x, index, x_dot):
        return x_dot[index]


@defrule(None, name="T", attr="T")
class T:  # noqa: N801
    # x.T reverses all axes (np.transpose(x) is in `shape`, with its axes argument).
    def vjp(g, ans, x):
        return g.T

    def jvp(ans, x, x_dot):
        return x_dot.T


# -- the runtime helpers, so that generated code can be differentiated again -------------


@defrule(unbroadcast, call="unbroadcast")
class unbroadcast_:
    def vjp(g, ans, y, x):
        return broadcast_like(g, y)

    def jvp(ans, y, x, y_dot):
        return unbroadcast(y_dot, x)


@defrule(broadcast_like, call="broadcast_like")
class broadcast_like_:
    def vjp(g, ans, y, x):
        return unbroadcast(g, y)

    def jvp(ans, y, x, y_dot):
        return broadcast_like(y_dot, x)


@defrule(unsum, call="unsum")
class unsum_:
    def vjp(g, ans, y, x, axis=None, keepdims=False):
        return np.sum(g, axis=axis, keepdims=keepdims)

    def jvp(ans, y, x, axis=None, keepdims=False, y_dot=None):
        return unsum(y_dot, x, axis, keepdims)


@defrule(matmul_adjoint_a, call="matmul_adjoint_a")
class matmul_adjoint_a_:
    def vjp(g, ans, y, a, b):
        return unbroadcast(product(g, b), y), None, matmul_adjoint_b(y, g, b)

    def jvp(ans, y, a, b, y_dot, a_dot, b_dot):
        return matmul_adjoint_a(y_dot, a, b), None, matmul_adjoint_a(y, a, b_dot)


@defrule(matmul_adjoint_b, call="matmul_adjoint_b")
class matmul_adjoint_b_:
    def vjp(g, ans, y, a, b):
        return unbroadcast(product(a, g), y), matmul_adjoint_a(y, a, g), None

    def jvp(ans, y, a, b, y_dot, a_dot, b_dot):
        return matmul_adjoint_b(y_dot, a, b), matmul_adjoint_b(y, a_dot, b), None


@defrule(dot_adjoint_a, call="dot_adjoint_a")
class dot_adjoint_a_:
    # Linear in y and b; a gives only its shape. Its transpose in y is the product itself.
    def vjp(g, ans, y, a, b):
        return np.dot(g, b), None, dot_adjoint_b(y, g, b)

    def jvp(ans, y, a, b, y_dot, a_dot, b_dot):
        return dot_adjoint_a(y_dot, a, b), None, dot_adjoint_a(y, a, b_dot)


@defrule(dot_adjoint_b, call="dot_adjoint_b")
class dot_adjoint_b_:
    def vjp(g, ans, y, a, b):
        return np.dot(a, g), dot_adjoint_a(y, a, g), None

    def jvp(ans, y, a, b, y_dot, a_dot, b_dot):
        return dot_adjoint_b(y_dot, a, b), dot_adjoint_b(y, a_dot, b), None


@defrule(product, call="product")
class product_:
    def vjp(g, ans, a, b):
        return matmul_adjoint_a(g, a, b), matmul_adjoint_b(g, a, b)

    def jvp(ans, a, b, a_dot, b_dot):
        return product(a_dot, b), product(a, b_dot)


@defrule(scatter_add, call="scatter_add")
class scatter_add_:
    def vjp(g, ans, y, x, index):
        return g[index]

    def jvp(ans, y, x, index, y_dot):
        return scatter_add(y_dot, x, index)


# -- non-differentiable primitives ---------------------------------------------------------

for _op, _np, _name in [
    (ast.Lt, np.less, "less"), (ast.LtE, np.less_equal, "less_equal"),
    (ast.Gt, np.greater, "greater"), (ast.GtE, np.greater_equal, "greater_equal"),
    (ast.Eq, np.equal, "equal"), (ast.NotEq, np.not_equal, "not_equal"),
]:
    nondiff(_np, _name, compare=_op, elementwise=True)
nondiff(None, "is_", compare=ast.Is)
nondiff(None, "is_not", compare=ast.IsNot)
nondiff(np.shape, "shape", call="np.shape", shape="scalar")
nondiff(None, "shape_attr", attr="shape", shape="scalar")
nondiff(None, "ndim_attr", attr="ndim", shape="scalar")
nondiff(None, "size_attr", attr="size", shape="scalar")
nondiff(np.size, "size", call="np.size", shape="scalar")
nondiff(np.ndim, "ndim", call="np.ndim", shape="scalar")
nondiff(np.zeros_like, "zeros_like")
nondiff(np.ones_like, "ones_like")
nondiff(np.zeros, "zeros")
nondiff(np.ones, "ones")
nondiff(len, "len", shape="scalar")
nondiff(np.floor, "floor", elementwise=True)
nondiff(np.ceil, "ceil", elementwise=True)
nondiff(np.sign, "sign", elementwise=True)
