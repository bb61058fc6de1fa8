"""Counting by value: np.bincount (linear in its weights) and np.unique (refused: which values survive
changes with x).

Input: the registry (importing this module registers the rules). Output: the primitives `bincount` and
`unique`, and the runtime helper `unbincount` (s2sad/runtime/extra.py) as a primitive of its own.
"""
# ruff: noqa: N801, N803
from __future__ import annotations

import numpy as np

from ..primitives.registry import defrule
from ..runtime import unbincount
from .macros import unsupported


# -- bincount: linear in its weights; unique: refused ----------------------------------------------------


@defrule(np.bincount, linear=True)
class bincount:
    def vjp(g, ans, x, weights=None, minlength=0):
        return None, unbincount(g, x), None


@defrule(unbincount, call="unbincount", linear=True)
class unbincount_:
    def vjp(g, ans, y, x):
        return np.bincount(x, g, np.size(y)), None




@defrule(np.unique)
class unique:
    def vjp(g, ans, ar, return_index=False, return_inverse=False, return_counts=False, axis=None):
        return (unsupported("np.unique of a differentiated array is not differentiated: which values survive, and in "
                            "which order, changes with x; sort with np.sort instead"), None, None, None, None)

    def jvp(ans, ar, return_index=False, return_inverse=False, return_counts=False, axis=None, ar_dot=None,
            return_index_dot=None, return_inverse_dot=None, return_counts_dot=None, axis_dot=None):
        return (unsupported("np.unique of a differentiated array is not differentiated: which values survive, and in "
                            "which order, changes with x; sort with np.sort instead"), None, None, None, None)
