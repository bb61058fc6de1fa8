"""Primitives for program structure: in-place updates, lists, the save stack,
Python's builtins and the rest of the `math` module.

`y[i] = v` is modelled as `y = setitem(y, i, v)` and `xs.append(v)` as
`xs = append(xs, v)`; the printer writes them back as the user wrote them.
"""
# ruff: noqa: N801
from __future__ import annotations

import ast
import builtins
import copy
import math

import numpy as np

from ..primitives.registry import defrule, nondiff
from ..runtime import (
    Stack,
    appended,
    broadcast_like,
    not_a_view,
    placed,
    scatter_add,
    set_at,
    stored,
    unbroadcast,
    unshared,
    zero_at,
)
from .macros import unsupported


@defrule(set_at, name="setitem", call="set_at", shape="like_first", effects=True, in_place=True)  # y[i] = v keeps y's shape
class setitem:
    # `stored`/`placed` (rules/indexing.py): only the elements of v that a repeated index does not
    # overwrite count; they are `g[index]` and `scatter_add(...)` where the index cannot repeat.
    def vjp(g, ans, y, index, v):
        return zero_at(g, index), None, unbroadcast(stored(g, index), v)

    def jvp(ans, y, index, v, y_dot, index_dot, v_dot):
        return zero_at(y_dot, index), None, placed(v_dot, y, index)


@defrule(appended, name="append", call="appended", effects=True, in_place=True)
class append:
    def vjp(g, ans, xs, v):
        return g[:-1], g[-1]

    def jvp(ans, xs, v, xs_dot, v_dot):
        # Used one argument at a time; the forward generator writes `xs_dot.append(v_dot)` itself.
        return appended(xs_dot, np.zeros_like(v)), appended(np.zeros_like(xs), v_dot)


@defrule(zero_at, call="zero_at", fresh=True, new_array=True)
class zero_at_:
    def vjp(g, ans, y, index):
        return zero_at(g, index)

    def jvp(ans, y, index, y_dot):
        return zero_at(y_dot, index)


# -- builtins ------------------------------------------------------------------------------


@defrule(builtins.abs, name="builtin_abs", call="abs", elementwise=True)
class builtin_abs:
    def d(ans, x):
        return np.sign(x)


@defrule(builtins.min, name="builtin_min", call="min", shape="scalar")
class builtin_min:
    # Ties split the derivative evenly, as np.minimum does in autograd, JAX and PyTorch.
    def d(ans, x, y):
        return (x < y) + 0.5 * (x == y), (y < x) + 0.5 * (x == y)


@defrule(builtins.max, name="builtin_max", call="max", shape="scalar")
class builtin_max:
    def d(ans, x, y):
        return (x > y) + 0.5 * (x == y), (y > x) + 0.5 * (x == y)


@defrule(builtins.sum, name="builtin_sum", call="sum", linear=True)
class builtin_sum:
    def vjp(g, ans, xs):
        return broadcast_like(g, xs)


@defrule(builtins.float, name="builtin_float", call="float", shape="scalar")
class builtin_float:
    def d(ans, x):
        return 1


@defrule(math.pow, name="math_pow", shape="scalar")
class math_pow:
    def d(ans, x, y):
        return y * x ** (y - 1), ans * math.log(x)


@defrule(math.tan, name="math_tan", shape="scalar")
class math_tan:
    def d(ans, x):
        return 1 + ans ** 2


@defrule(math.atan, name="math_atan", shape="scalar")
class math_atan:
    def d(ans, x):
        return 1 / (1 + x ** 2)


@defrule(math.fabs, name="math_fabs", shape="scalar")
class math_fabs:
    def d(ans, x):
        return np.sign(x)


nondiff(builtins.int, "builtin_int", call="int")
nondiff(builtins.range, "range", call="range")
nondiff(builtins.bool, "builtin_bool", call="bool", boolean=True)
# (builtins.list and builtins.tuple pass derivatives through: rules/assembly.py.)
# `reversed(range(n))` has no derivative; `reversed(xs)` of differentiated values would be a silent zero, so
# it is refused (index the list with [::-1] instead).


@defrule(builtins.reversed, name="reversed", call="reversed")
class reversed_:
    def vjp(g, ans, seq):
        return unsupported("reversed() of differentiated values is not supported; write xs[::-1] instead")

    def jvp(ans, seq, seq_dot):
        return unsupported("reversed() of differentiated values is not supported; write xs[::-1] instead")


# `set(xs)` and `sorted(xs)` (what a set comprehension becomes, and how its items are read back in order): no
# derivative. Of indices and other constants they are plain calls; of differentiated values they are refused
# (a set has no order and merges equal values, so its items have no well-defined adjoint; sorting permutes them).
# (The messages are literals: a template's `unsupported` reads its message from the text.)


@defrule(builtins.set, name="builtin_set", call="set")
class builtin_set:
    def vjp(g, ans, seq):
        return unsupported("a set of differentiated values has no derivative: a set has no order and merges equal "
                           "values, so its items have no well-defined adjoint; build a list ([... for ...]) instead")

    def jvp(ans, seq, seq_dot):
        return unsupported("a set of differentiated values has no derivative: a set has no order and merges equal "
                           "values, so its items have no well-defined adjoint; build a list ([... for ...]) instead")


@defrule(builtins.sorted, name="builtin_sorted", call="sorted")
class builtin_sorted:
    def vjp(g, ans, seq, reverse=False):
        return unsupported("sorted() of differentiated values (a set's items, say) is not supported; keep them in a "
                           "list, or sort an array with np.sort")

    def jvp(ans, seq, reverse=False, seq_dot=None):
        return unsupported("sorted() of differentiated values (a set's items, say) is not supported; keep them in a "
                           "list, or sort an array with np.sort")


# `j in idx`, `j not in idx`: a truth value, no derivative (like `==`).
nondiff(None, "in_", compare=ast.In, boolean=True)
nondiff(None, "not_in", compare=ast.NotIn, boolean=True)


nondiff(Stack, "Stack", call="Stack", allocates=True)
nondiff(unshared, "unshared", call="unshared", effects=True)  # the guard before `v += e` on a name that may share an array
nondiff(not_a_view, "not_a_view", call="not_a_view", effects=True)  # the check of `row = A[i]` read after a store into A
nondiff(None, "push", call=".append", effects=True)  # on a `Stack()`: lowering reads `stack.append(v)` back as a push
nondiff(None, "pop", call=".pop", method="pop", effects=True)
nondiff(None, "and_", call=("boolop", ast.And), boolean=True)
nondiff(None, "or_", call=("boolop", ast.Or), boolean=True)
nondiff(None, "not_", unary=ast.Not, boolean=True)
nondiff(math.floor, "math_floor", call="math.floor")
nondiff(math.ceil, "math_ceil", call="math.ceil")


# `copy.copy` (the same rules): what the forward sweep takes of a list's item that a later store would
# change, since a float has no `.copy()`.
@defrule(copy.copy, name="copy_copy", call="copy.copy")
@defrule(None, name="copy_", call=".copy", method="copy", allocates=True)
class copy_:
    def vjp(g, ans, x):
        return g

    def jvp(ans, x, x_dot):
        return x_dot
