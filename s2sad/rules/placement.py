"""Simple linear maps that place elements by position: np.positive (the identity), np.dstack, np.insert
and np.delete, and np.heaviside (a step in x1, a copy of x2 where x1 is 0).

Input: the registry (importing this module registers the rules). Output: one primitive per function, with
the runtime helpers `uninsert_arr`, `uninsert_values` and `undelete` (s2sad/runtime/extra.py) as primitives
of their own: each puts an element's adjoint back where the element came from.
"""
# ruff: noqa: N801, N803
from __future__ import annotations

import numpy as np

from ..primitives.registry import defrule
from ..runtime import unbroadcast, unconcatenate, undelete, uninsert_arr, uninsert_values


# -- simple ones -----------------------------------------------------------------------------------


@defrule(np.positive, elementwise=True)
class positive:
    def d(ans, x):
        return 1


@defrule(np.dstack, linear=True)
class dstack:
    # 1-D and 2-D arrays are made (1, N, 1) and (M, N, 1) first: unconcatenate reshapes each piece back.
    def vjp(g, ans, xs):
        return unconcatenate(g, xs, 2)


@defrule(np.heaviside, elementwise=True)
class heaviside:
    # A step in x1 (derivative 0 almost everywhere, like np.sign); x2 is the value where x1 == 0.
    def vjp(g, ans, x1, x2):
        return None, unbroadcast(g * (x1 == 0), x2)

    def jvp(ans, x1, x2, x1_dot, x2_dot):
        return None, x2_dot * (x1 == 0)


# -- insert and delete: linear maps; their adjoints put each element's adjoint back by position -------


@defrule(np.insert)
class insert:
    def vjp(g, ans, arr, obj, values, axis=None):
        return uninsert_arr(g, arr, obj, values, axis), None, uninsert_values(g, arr, obj, values, axis), None

    def jvp(ans, arr, obj, values, axis=None, arr_dot=None, obj_dot=None, values_dot=None, axis_dot=None):
        return (
            np.insert(arr_dot, obj, np.zeros(np.shape(values)), axis),
            None,
            # zeros in arr's dtype, the result's: float32 stays float32 (and an int arr truncates values, as NumPy does)
            np.insert(np.zeros_like(arr), obj, values_dot, axis),
            None,
        )


@defrule(uninsert_arr, call="uninsert_arr", linear=True)
class uninsert_arr_:
    def vjp(g, ans, y, arr, obj, values, axis=None):
        return np.insert(g, obj, np.zeros(np.shape(values)), axis), None, None, None, None


@defrule(uninsert_values, call="uninsert_values", linear=True)
class uninsert_values_:
    def vjp(g, ans, y, arr, obj, values, axis=None):
        return np.insert(np.zeros(np.shape(arr)), obj, g, axis), None, None, None, None


@defrule(np.delete, linear=True)
class delete:
    def vjp(g, ans, arr, obj, axis=None):
        return undelete(g, arr, obj, axis), None, None


@defrule(undelete, call="undelete", linear=True)
class undelete_:
    def vjp(g, ans, y, arr, obj, axis=None):
        return np.delete(g, obj, axis), None, None, None
