"""Ufunc methods: np.add.reduce is a sum, np.multiply.reduce a product, np.maximum/np.minimum.reduce an
extremum, np.logaddexp.reduce a logsumexp, np.add.accumulate a cumsum (axis defaults to 0).

Input: the registry (importing this module registers the rules). Output: one primitive per method
(`add_reduce`, ...), and the conversion-time hook `ufunc_method(ufunc, attr)` lent to `convert.py` (`HOOKS`):
`np.add.reduce(x)` is the primitive `add_reduce`.
"""
# ruff: noqa: N801, N803
from __future__ import annotations

from typing import Any

import numpy as np

from ..ir.convert import HOOKS
from ..primitives.registry import defrule
from ..runtime import prod_others, tie_weights, unsum


# -- ufunc methods: np.add.reduce is a sum, np.add.accumulate a cumsum, ... (axis defaults to 0) ------------


@defrule(None, name="add_reduce", call="np.add.reduce", shape="reduce")
class add_reduce:
    def vjp(g, ans, x, axis=0, dtype=None, out=None, keepdims=False):
        return unsum(g, x, axis, keepdims), None, None, None, None

    def jvp(ans, x, axis=0, dtype=None, out=None, keepdims=False, x_dot=None, axis_dot=None, dtype_dot=None, out_dot=None,
            keepdims_dot=None):
        return np.sum(x_dot, axis=axis, keepdims=keepdims), None, None, None, None


@defrule(None, name="multiply_reduce", call="np.multiply.reduce", shape="reduce")
class multiply_reduce:
    def vjp(g, ans, x, axis=0, dtype=None, out=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * prod_others(x, axis), None, None, None, None

    def jvp(ans, x, axis=0, dtype=None, out=None, keepdims=False, x_dot=None, axis_dot=None, dtype_dot=None, out_dot=None,
            keepdims_dot=None):
        return np.sum(x_dot * prod_others(x, axis), axis=axis, keepdims=keepdims), None, None, None, None


@defrule(None, name="maximum_reduce", call="np.maximum.reduce", shape="reduce")
class maximum_reduce:
    def vjp(g, ans, x, axis=0, dtype=None, out=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * tie_weights(x, ans, axis, keepdims), None, None, None, None

    def jvp(ans, x, axis=0, dtype=None, out=None, keepdims=False, x_dot=None, axis_dot=None, dtype_dot=None, out_dot=None,
            keepdims_dot=None):
        return np.sum(x_dot * tie_weights(x, ans, axis, keepdims), axis=axis, keepdims=keepdims), None, None, None, None


@defrule(None, name="minimum_reduce", call="np.minimum.reduce", shape="reduce")
class minimum_reduce:
    def vjp(g, ans, x, axis=0, dtype=None, out=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * tie_weights(x, ans, axis, keepdims), None, None, None, None

    def jvp(ans, x, axis=0, dtype=None, out=None, keepdims=False, x_dot=None, axis_dot=None, dtype_dot=None, out_dot=None,
            keepdims_dot=None):
        return np.sum(x_dot * tie_weights(x, ans, axis, keepdims), axis=axis, keepdims=keepdims), None, None, None, None


@defrule(None, name="logaddexp_reduce", call="np.logaddexp.reduce", shape="reduce")
class logaddexp_reduce:
    # log(sum(exp(x))): the softmax weights exp(x - ans).
    def vjp(g, ans, x, axis=0, dtype=None, out=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * np.exp(x - unsum(ans, x, axis, keepdims)), None, None, None, None

    def jvp(ans, x, axis=0, dtype=None, out=None, keepdims=False, x_dot=None, axis_dot=None, dtype_dot=None, out_dot=None,
            keepdims_dot=None):
        return np.sum(x_dot * np.exp(x - unsum(ans, x, axis, keepdims)), axis=axis, keepdims=keepdims), None, None, None, None


@defrule(None, name="add_accumulate", call="np.add.accumulate")
class add_accumulate:
    def vjp(g, ans, x, axis=0, dtype=None, out=None):
        return np.flip(np.cumsum(np.flip(g, axis), axis), axis), None, None, None

    def jvp(ans, x, axis=0, dtype=None, out=None, x_dot=None, axis_dot=None, dtype_dot=None, out_dot=None):
        return np.cumsum(x_dot, axis), None, None, None


_UFUNC_METHODS = {
    (np.add, "reduce"): "add_reduce",
    (np.multiply, "reduce"): "multiply_reduce",
    (np.maximum, "reduce"): "maximum_reduce",
    (np.minimum, "reduce"): "minimum_reduce",
    (np.logaddexp, "reduce"): "logaddexp_reduce",
    (np.add, "accumulate"): "add_accumulate",
}


def ufunc_method(ufunc: Any, attr: str) -> str | None:
    """The primitive name of `ufunc.attr` (`np.add.reduce` -> "add_reduce"), or None."""
    if not isinstance(ufunc, np.ufunc):
        return None
    return next((name for (u, a), name in _UFUNC_METHODS.items() if u is ufunc and a == attr), None)


HOOKS.ufunc_method = ufunc_method  # the converter (ir/convert.py) asks it about `np.add.reduce(x)` and its kin
