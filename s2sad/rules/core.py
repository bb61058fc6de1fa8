"""Core primitives: arithmetic operators, basic elementwise functions, sums,
matrix products, indexing, and the runtime helpers that rules themselves emit
(so that generated code can be differentiated again).

Each class is one primitive. `vjp(g, ans, *args)` returns one adjoint
contribution per argument; `jvp(ans, *args, *arg_dots)` returns one tangent
contribution per argument. The return expressions are the generated code.
An elementwise function declares only its derivative, `d(ans, x)`, and gets both:
the VJP `g * d` and the JVP `x_dot * d` (`s2sad/ir/template.py`).
"""
# ruff: noqa: N801
from __future__ import annotations

import ast
import math
import operator
from typing import Any

import numpy as np

from ..ir import Const, is_number
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
from .bilinear import bilinear_adjoints

# -- arithmetic operators -------------------------------------------------------


@defrule([np.add, operator.add], binop=ast.Add, elementwise=True, fresh=True, arithmetic=True, broadcasting=True)
class add:
    def vjp(g, ans, x, y):
        return unbroadcast(g, x), unbroadcast(g, y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot, y_dot


@defrule([np.subtract, operator.sub], binop=ast.Sub, elementwise=True, fresh=True, arithmetic=True, broadcasting=True)
class subtract:
    def vjp(g, ans, x, y):
        return unbroadcast(g, x), unbroadcast(-g, y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot, -y_dot


@defrule([np.multiply, operator.mul], binop=ast.Mult, elementwise=True, fresh=True, arithmetic=True, broadcasting=True)
class multiply:
    def vjp(g, ans, x, y):
        return unbroadcast(g * y, x), unbroadcast(x * g, y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot * y, x * y_dot


@defrule([np.divide, np.true_divide, operator.truediv], binop=ast.Div, elementwise=True, fresh=True, float_result=True,
         broadcasting=True)
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
    from .macros import parse

    (y,) = args
    if is_number(y):  # a constant exponent: `x ** 2` has `2 * x`, `x ** 0.0` has `0.0 * x`
        return Const(y.value - 1 if y.value != 0 else type(y.value)(1))
    return parse("np.where(y, y - 1, 1.0)", y=y)


def _log_base_rewrite(args: tuple, kwargs: tuple) -> Any:
    from .macros import parse

    (x,) = args
    if is_number(x):  # a constant base: `2.0 ** y` has `ans * np.log(2.0)`
        return x if x.value != 0 else Const(type(x.value)(1))
    return parse("np.where(x == 0, 1.0, x)", x=x)


# Macros: always rewritten into the NumPy above when code is generated (so they need no rules of their own).
nondiff(power_exponent, "power_exponent", call="power_exponent", rewrite=_power_exponent_rewrite)
nondiff(log_base, "log_base", call="log_base", rewrite=_log_base_rewrite)


@defrule([np.power, operator.pow, pow], binop=ast.Pow, elementwise=True, arithmetic=True)
class power:
    # d/dx x^y = y x^(y-1) and d/dy x^y = x^y log x, written so that x = 0 gives the derivative that
    # exists there (as autograd does): for y = 0 the exponent y - 1 becomes 1 (0 * x, not 0 * 0^-1),
    # and log x becomes log 1 where x = 0 (x^y = 0 there for y > 0). A constant exponent or base
    # keeps the plain form: `t ** 2` has the adjoint `g * 2 * t` (see `power_exponent_rewrite`).
    def vjp(g, ans, x, y):
        return unbroadcast(g * y * x ** power_exponent(y), x), unbroadcast(g * ans * np.log(log_base(x)), y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot * y * x ** power_exponent(y), y_dot * ans * np.log(log_base(x))


@defrule([np.negative, operator.neg], unary=ast.USub, elementwise=True, fresh=True, arithmetic=True)
class negative:
    def d(ans, x):
        return -1


@defrule([np.matmul, operator.matmul], binop=ast.MatMult, sampled=True, linear=True)
class matmul:
    def vjp(g, ans, x, y):
        return matmul_adjoint_a(g, x, y), matmul_adjoint_b(g, x, y)


@defrule(np.dot, call="np.dot", method="dot", sampled=True, linear=True)
class dot:
    # np.dot is `x @ y`, except that a matrix (or stack) times a stack contracts x's last axis with
    # y's second-to-last, np.tensordot(x, y, (-1, -2)), where `@` would broadcast: see `dot_adjoint_a`.
    def vjp(g, ans, x, y):
        return dot_adjoint_a(g, x, y), dot_adjoint_b(g, x, y)


# -- elementwise functions ------------------------------------------------------


@defrule(np.exp, elementwise=True, float_result=True)
class exp:
    def d(ans, x):
        return ans


@defrule(np.log, elementwise=True, float_result=True)
class log:
    def d(ans, x):
        return 1 / x


@defrule(np.sin, elementwise=True, float_result=True)
class sin:
    def d(ans, x):
        return np.cos(x)


@defrule(np.cos, elementwise=True, float_result=True)
class cos:
    def d(ans, x):
        return -np.sin(x)


@defrule(sincos, call="sincos", outputs=2, new_array=True)
class sincos_:
    # (sin x, cos x) together: what the "grad" variant runs where it needs both (s2sad/passes/sincos.py).
    def vjp(g, ans, x):
        return g[0] * ans[1] - g[1] * ans[0]

    def jvp(ans, x, x_dot):
        return ((x_dot * ans[1], -x_dot * ans[0]),)


@defrule(np.tanh, elementwise=True, float_result=True)
class tanh:
    def d(ans, x):
        return 1 - ans ** 2


@defrule(np.sqrt, elementwise=True, float_result=True)
class sqrt:
    def d(ans, x):
        return 1 / (2 * ans)


@defrule(np.reciprocal, elementwise=True)
class reciprocal:
    def d(ans, x):
        return -ans ** 2


# -- the math module: scalars only ------------------------------------------------


@defrule(math.exp, name="math_exp", shape="scalar")
class math_exp:
    def d(ans, x):
        return ans


@defrule(math.log, name="math_log", shape="scalar")
class math_log:
    def d(ans, x):
        return 1 / x


@defrule(math.sin, name="math_sin", shape="scalar")
class math_sin:
    def d(ans, x):
        return math.cos(x)


@defrule(math.cos, name="math_cos", shape="scalar")
class math_cos:
    def d(ans, x):
        return -math.sin(x)


@defrule(math.tanh, name="math_tanh", shape="scalar")
class math_tanh:
    def d(ans, x):
        return 1 - ans ** 2


@defrule(math.sqrt, name="math_sqrt", shape="scalar")
class math_sqrt:
    def d(ans, x):
        return 1 / (2 * ans)


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


@defrule(operator.getitem, getitem=True, sampled=True, cheap=True, view=True)
class getitem:
    def vjp(g, ans, x, index):
        return scatter_add(g, x, index)

    def jvp(ans, x, index, x_dot):
        return x_dot[index]


@defrule(None, name="T", attr="T", sampled=True, linear=True)
class T:  # noqa: N801
    # x.T reverses all axes (np.transpose(x) is in `shape`, with its axes argument).
    def vjp(g, ans, x):
        return g.T


# -- the runtime helpers, so that generated code can be differentiated again -------------


@defrule(unbroadcast, call="unbroadcast", sampled=True, shape_simplified=True, layout_refined=True)
class unbroadcast_:
    def vjp(g, ans, y, x):
        return broadcast_like(g, y)

    def jvp(ans, y, x, y_dot):
        return unbroadcast(y_dot, x)


@defrule(broadcast_like, call="broadcast_like", shape_simplified=True)
class broadcast_like_:
    def vjp(g, ans, y, x):
        return unbroadcast(g, y)

    def jvp(ans, y, x, y_dot):
        return broadcast_like(y_dot, x)


@defrule(unsum, call="unsum", sampled=True, shape_simplified=True)
class unsum_:
    def vjp(g, ans, y, x, axis=None, keepdims=False):
        return np.sum(g, axis=axis, keepdims=keepdims)

    def jvp(ans, y, x, axis=None, keepdims=False, y_dot=None):
        return unsum(y_dot, x, axis, keepdims)


# The adjoint helpers of `@` and np.dot: linear in the adjoint and in the other operand (see `bilinear_adjoints`).
matmul_adjoint_a_, matmul_adjoint_b_ = bilinear_adjoints(matmul_adjoint_a, matmul_adjoint_b, "unbroadcast(product({0}, {1}), y)", __name__,
                                                        layout_refined=True, new_array=True)
dot_adjoint_a_, dot_adjoint_b_ = bilinear_adjoints(dot_adjoint_a, dot_adjoint_b, "np.dot({0}, {1})", __name__, layout_refined=True)


@defrule(product, call="product", linear=True, new_array=True)
class product_:
    def vjp(g, ans, a, b):
        return matmul_adjoint_a(g, a, b), matmul_adjoint_b(g, a, b)


@defrule(scatter_add, call="scatter_add", fresh=True, new_array=True)
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
nondiff(np.shape, "shape", call="np.shape", shape="scalar", shape_only=True)
nondiff(None, "shape_attr", attr="shape", shape="scalar", shape_only=True, sampled=True)
nondiff(None, "ndim_attr", attr="ndim", shape="scalar", shape_only=True)
nondiff(None, "size_attr", attr="size", shape="scalar", shape_only=True)
nondiff(np.size, "size", call="np.size", shape="scalar", shape_only=True)
nondiff(np.ndim, "ndim", call="np.ndim", shape="scalar", shape_only=True)
nondiff(np.zeros_like, "zeros_like", allocates=True)
nondiff(np.ones_like, "ones_like", allocates=True)
nondiff(np.zeros, "zeros", allocates=True)
nondiff(np.ones, "ones", allocates=True)
nondiff(len, "len", shape="scalar")
nondiff(np.floor, "floor", elementwise=True)
nondiff(np.ceil, "ceil", elementwise=True)
nondiff(np.sign, "sign", elementwise=True)
