"""Joining and splitting: concatenate, stack, vstack, hstack, column_stack, split,
array_split, vsplit, hsplit, dsplit.

A joining function takes a *sequence* argument (`np.stack([a, b])`): its VJP
returns the adjoint of the whole sequence, a tuple that the reverse generator
splits among the elements (`xs_bar = unstack(g); a_bar = xs_bar[0]`), and its
JVP receives the sequence of element tangents. Splitting is the adjoint of
joining, and the other way round, so the helpers come in pairs:
`unconcatenate`/`join_like` and `unstack`/`np.stack`.
"""
# ruff: noqa: N801
from __future__ import annotations

import numpy as np

from ..primitives.registry import defrule
from ..runtime import c_column, join_like, unappend, unconcatenate, unstack


@defrule([np.concatenate, np.concat] if hasattr(np, "concat") else np.concatenate, call="np.concatenate", name="concatenate")
class concatenate:
    def vjp(g, ans, xs, axis=0):
        return unconcatenate(g, xs, axis), None

    def jvp(ans, xs, axis=0, xs_dot=None):
        return np.concatenate(xs_dot, axis), None


# np.row_stack is vstack under an older name (deprecated, still present in NumPy 2.4): generated code says np.vstack.
@defrule([np.vstack, np.row_stack] if hasattr(np, "row_stack") else np.vstack, call="np.vstack", name="vstack")
class vstack:
    def vjp(g, ans, xs):
        return unconcatenate(g, xs, 0)

    def jvp(ans, xs, xs_dot):
        return np.vstack(xs_dot)


@defrule(np.hstack)
class hstack:
    # Along axis 1, or axis 0 for 1-D arrays (unconcatenate clips the axis to the result's rank).
    def vjp(g, ans, xs):
        return unconcatenate(g, xs, 1)

    def jvp(ans, xs, xs_dot):
        return np.hstack(xs_dot)


@defrule(np.column_stack)
class column_stack:
    def vjp(g, ans, xs):
        return unconcatenate(g, xs, 1)

    def jvp(ans, xs, xs_dot):
        return np.column_stack(xs_dot)


@defrule(np.stack)
class stack:
    def vjp(g, ans, xs, axis=0):
        return unstack(g, axis), None

    def jvp(ans, xs, axis=0, xs_dot=None):
        return np.stack(xs_dot, axis), None


@defrule(unstack, call="unstack")
class unstack_:
    def vjp(g, ans, y, axis=0):
        return np.stack(g, axis), None

    def jvp(ans, y, axis=0, y_dot=None):
        return unstack(y_dot, axis), None


@defrule(unconcatenate, call="unconcatenate")
class unconcatenate_:
    def vjp(g, ans, y, xs, axis=0):
        return join_like(g, y, axis), None, None

    def jvp(ans, y, xs, axis=0, y_dot=None):
        return unconcatenate(y_dot, xs, axis), None, None


@defrule(join_like, call="join_like")
class join_like_:
    def vjp(g, ans, pieces, y, axis=0):
        return unconcatenate(g, pieces, axis), None, None

    def jvp(ans, pieces, y, axis=0, pieces_dot=None):
        return join_like(pieces_dot, y, axis), None, None


@defrule(np.split)
class split:
    # The adjoint of the list of pieces is joined back together.
    def vjp(g, ans, x, indices_or_sections, axis=0):
        return join_like(g, x, axis), None, None

    def jvp(ans, x, indices_or_sections, axis=0, x_dot=None):
        return np.split(x_dot, indices_or_sections, axis), None, None


@defrule(np.array_split)
class array_split:
    def vjp(g, ans, x, indices_or_sections, axis=0):
        return join_like(g, x, axis), None, None

    def jvp(ans, x, indices_or_sections, axis=0, x_dot=None):
        return np.array_split(x_dot, indices_or_sections, axis), None, None


@defrule(np.vsplit)
class vsplit:
    def vjp(g, ans, x, indices_or_sections):
        return join_like(g, x, 0), None

    def jvp(ans, x, indices_or_sections, x_dot, indices_or_sections_dot):
        return np.vsplit(x_dot, indices_or_sections), None


@defrule(np.hsplit)
class hsplit:
    # Along axis 1, or axis 0 for a 1-D array (join_like clips the axis to the rank).
    def vjp(g, ans, x, indices_or_sections):
        return join_like(g, x, 1), None

    def jvp(ans, x, indices_or_sections, x_dot, indices_or_sections_dot):
        return np.hsplit(x_dot, indices_or_sections), None


@defrule(np.dsplit)
class dsplit:
    def vjp(g, ans, x, indices_or_sections):
        return join_like(g, x, 2), None

    def jvp(ans, x, indices_or_sections, x_dot, indices_or_sections_dot):
        return np.dsplit(x_dot, indices_or_sections), None


@defrule(np.append, name="np_append")
class np_append:
    # Without an axis both arguments are flattened first; `unappend` cuts the adjoint back into the two parts.
    def vjp(g, ans, arr, values, axis=None):
        return unappend(g, arr, values, axis)[0], unappend(g, arr, values, axis)[1], None

    def jvp(ans, arr, values, axis=None, arr_dot=None, values_dot=None):
        return np.append(arr_dot, np.zeros_like(values), axis), np.append(np.zeros_like(arr), values_dot, axis), None


@defrule(unappend, call="unappend")
class unappend_:
    def vjp(g, ans, y, arr, values, axis=None):
        return np.append(g[0], g[1], axis), None, None, None

    def jvp(ans, y, arr, values, axis=None, y_dot=None):
        return unappend(y_dot, arr, values, axis), None, None, None


@defrule(c_column, call="c_column")
class c_column_:
    # How `np.c_[a, b]` shapes each item before joining along the last axis (rules/assembly.py).
    def vjp(g, ans, x):
        return np.reshape(g, np.shape(x))

    def jvp(ans, x, x_dot):
        return c_column(x_dot)
