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


@defrule([np.concatenate, np.concat] if hasattr(np, "concat") else np.concatenate, call="np.concatenate", name="concatenate", linear=True)
class concatenate:
    def vjp(g, ans, xs, axis=0):
        return unconcatenate(g, xs, axis), None


# np.row_stack is vstack under an older name (deprecated, still present in NumPy 2.4): generated code says np.vstack.
@defrule([np.vstack, np.row_stack] if hasattr(np, "row_stack") else np.vstack, call="np.vstack", name="vstack", linear=True)
class vstack:
    def vjp(g, ans, xs):
        return unconcatenate(g, xs, 0)


@defrule(np.hstack, linear=True)
class hstack:
    # Along axis 1, or axis 0 for 1-D arrays (unconcatenate clips the axis to the result's rank).
    def vjp(g, ans, xs):
        return unconcatenate(g, xs, 1)


@defrule(np.column_stack, linear=True)
class column_stack:
    def vjp(g, ans, xs):
        return unconcatenate(g, xs, 1)


@defrule(np.stack, linear=True)
class stack:
    def vjp(g, ans, xs, axis=0):
        return unstack(g, axis), None


@defrule(unstack, call="unstack", linear=True)
class unstack_:
    def vjp(g, ans, y, axis=0):
        return np.stack(g, axis), None


@defrule(unconcatenate, call="unconcatenate", linear=True)
class unconcatenate_:
    def vjp(g, ans, y, xs, axis=0):
        return join_like(g, y, axis), None, None


@defrule(join_like, call="join_like", linear=True)
class join_like_:
    def vjp(g, ans, pieces, y, axis=0):
        return unconcatenate(g, pieces, axis), None, None


@defrule(np.split, linear=True, view=True)
class split:
    # The adjoint of the list of pieces is joined back together.
    def vjp(g, ans, x, indices_or_sections, axis=0):
        return join_like(g, x, axis), None, None


@defrule(np.array_split, linear=True, view=True)
class array_split:
    def vjp(g, ans, x, indices_or_sections, axis=0):
        return join_like(g, x, axis), None, None


@defrule(np.vsplit, linear=True, view=True)
class vsplit:
    def vjp(g, ans, x, indices_or_sections):
        return join_like(g, x, 0), None


@defrule(np.hsplit, linear=True, view=True)
class hsplit:
    # Along axis 1, or axis 0 for a 1-D array (join_like clips the axis to the rank).
    def vjp(g, ans, x, indices_or_sections):
        return join_like(g, x, 1), None


@defrule(np.dsplit, linear=True, view=True)
class dsplit:
    def vjp(g, ans, x, indices_or_sections):
        return join_like(g, x, 2), None


@defrule(np.append, name="np_append")
class np_append:
    # Without an axis both arguments are flattened first; `unappend` cuts the adjoint back into the two parts.
    def vjp(g, ans, arr, values, axis=None):
        return unappend(g, arr, values, axis)[0], unappend(g, arr, values, axis)[1], None

    def jvp(ans, arr, values, axis=None, arr_dot=None, values_dot=None):
        return np.append(arr_dot, np.zeros_like(values), axis), np.append(np.zeros_like(arr), values_dot, axis), None


@defrule(unappend, call="unappend", linear=True)
class unappend_:
    def vjp(g, ans, y, arr, values, axis=None):
        return np.append(g[0], g[1], axis), None, None, None


@defrule(c_column, call="c_column", linear=True)
class c_column_:
    # How `np.c_[a, b]` shapes each item before joining along the last axis (rules/assembly.py).
    def vjp(g, ans, x):
        return np.reshape(g, np.shape(x))
