"""Reductions: an array in, fewer axes out (`axis` may be None, an int or a tuple;
`keepdims` keeps the reduced axes with length 1), plus the running ones
(cumsum, cumprod, diff). `sum` and `mean` are in `core`.

The pattern: `unsum(g, x, axis, keepdims)` spreads the adjoint of the result
back over the reduced axes, and is multiplied by the derivative of the result
with respect to each element -- `prod_others(x)` for prod (no division, so
zeros are fine), `tie_weights(x, ans)` for max and min (1/k at each of k tied
extrema, as autograd does), `median_weights(x)` for median. The JVP sums the
tangent against the same weights.

Parameter order: `(x, axis, keepdims, ...)`, with `ddof` and friends after;
pass them by keyword (`np.var(x, axis=0, ddof=1)`), as NumPy's own docs do.
"""
# ruff: noqa: N801, A001
from __future__ import annotations

import numpy as np

from ..primitives.registry import defrule, nondiff
from ..runtime import (
    cumprod_adjoint,
    cumprod_tangent,
    diff_adjoint,
    median_weights,
    prod_others,
    safe_divide,
    tie_weights,
    undiagonal,
    unsum,
    unweights_like,
    weights_like,
)

# -- products ---------------------------------------------------------------------------------


@defrule(np.prod, method="prod", shape="reduce")
class prod:
    def vjp(g, ans, x, axis=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * prod_others(x, axis)

    def jvp(ans, x, axis=None, keepdims=False, x_dot=None):
        return np.sum(x_dot * prod_others(x, axis), axis=axis, keepdims=keepdims)


@defrule(prod_others, call="prod_others")
class prod_others_:
    # d prod_others(x)[i] / dx[j] = prod_others(x)[i] / x[j] for j != i. Used only for second
    # derivatives of prod, which are therefore NaN at an exact zero.
    def vjp(g, ans, x, axis=None):
        return (np.sum(g * ans, axis=axis, keepdims=True) - g * ans) / x

    def jvp(ans, x, axis=None, x_dot=None):
        return ans * (np.sum(x_dot / x, axis=axis, keepdims=True) - x_dot / x)


# -- moments -------------------------------------------------------------------------------------


@defrule(np.var, method="var", shape="reduce")
class var:
    def vjp(g, ans, x, axis=None, keepdims=False, ddof=0):
        return unsum(g, x, axis, keepdims) * 2 * (x - np.mean(x, axis=axis, keepdims=True)) / (np.size(x) / np.size(ans) - ddof)

    def jvp(ans, x, axis=None, keepdims=False, ddof=0, x_dot=None):
        return 2 * np.sum(x_dot * (x - np.mean(x, axis=axis, keepdims=True)), axis=axis, keepdims=keepdims) / (np.size(x) / np.size(ans) - ddof)


@defrule(np.std, method="std", shape="reduce")
class std:
    # Where the standard deviation is 0 the derivative does not exist; 0 is a subgradient.
    def vjp(g, ans, x, axis=None, keepdims=False, ddof=0):
        return unsum(safe_divide(g, ans), x, axis, keepdims) * (x - np.mean(x, axis=axis, keepdims=True)) / (np.size(x) / np.size(ans) - ddof)

    def jvp(ans, x, axis=None, keepdims=False, ddof=0, x_dot=None):
        return safe_divide(np.sum(x_dot * (x - np.mean(x, axis=axis, keepdims=True)), axis=axis, keepdims=keepdims), ans) / (np.size(x) / np.size(ans) - ddof)


@defrule(np.average, shape="reduce")
class average:
    # sum(w x) / sum(w); `weights_like` spreads the weights (ones if None) to the shape of x.
    def vjp(g, ans, x, axis=None, weights=None):
        return (
            unsum(g / np.sum(weights_like(weights, x, axis), axis=axis), x, axis) * weights_like(weights, x, axis),
            None,
            unweights_like(unsum(g / np.sum(weights_like(weights, x, axis), axis=axis), x, axis) * (x - unsum(ans, x, axis)), weights, axis),
        )

    def jvp(ans, x, axis=None, weights=None, x_dot=None, axis_dot=None, weights_dot=None):
        return (
            np.average(x_dot, axis=axis, weights=weights),
            None,
            np.sum(weights_like(weights_dot, x, axis) * (x - unsum(ans, x, axis)), axis=axis) / np.sum(weights_like(weights, x, axis), axis=axis),
        )


@defrule(weights_like, call="weights_like", linear=True)
class weights_like_:
    def vjp(g, ans, weights, x, axis=None):
        return unweights_like(g, weights, axis), None, None


@defrule(unweights_like, call="unweights_like", linear=True)
class unweights_like_:
    def vjp(g, ans, y, weights, axis=None):
        return weights_like(g, y, axis), None, None


# -- extrema: ties split the adjoint evenly ---------------------------------------------------------


@defrule([np.max, np.amax], method="max", shape="reduce", call="np.max", name="max")
class max:
    def vjp(g, ans, x, axis=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * tie_weights(x, ans, axis, keepdims)

    def jvp(ans, x, axis=None, keepdims=False, x_dot=None):
        return np.sum(x_dot * tie_weights(x, ans, axis, keepdims), axis=axis, keepdims=keepdims)


@defrule([np.min, np.amin], method="min", shape="reduce", call="np.min", name="min")
class min:
    def vjp(g, ans, x, axis=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * tie_weights(x, ans, axis, keepdims)

    def jvp(ans, x, axis=None, keepdims=False, x_dot=None):
        return np.sum(x_dot * tie_weights(x, ans, axis, keepdims), axis=axis, keepdims=keepdims)


@defrule(np.ptp, shape="reduce")
class ptp:
    def vjp(g, ans, x, axis=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * (
            tie_weights(x, np.max(x, axis=axis, keepdims=keepdims), axis, keepdims)
            - tie_weights(x, np.min(x, axis=axis, keepdims=keepdims), axis, keepdims)
        )

    def jvp(ans, x, axis=None, keepdims=False, x_dot=None):
        return np.sum(
            x_dot * (
                tie_weights(x, np.max(x, axis=axis, keepdims=keepdims), axis, keepdims)
                - tie_weights(x, np.min(x, axis=axis, keepdims=keepdims), axis, keepdims)
            ),
            axis=axis,
            keepdims=keepdims,
        )


@defrule(np.median, shape="reduce")
class median:
    def vjp(g, ans, x, axis=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * median_weights(x, axis)

    def jvp(ans, x, axis=None, keepdims=False, x_dot=None):
        return np.sum(x_dot * median_weights(x, axis), axis=axis, keepdims=keepdims)


# -- NaN-ignoring: NaN entries get no adjoint -------------------------------------------------------


@defrule(np.nansum, shape="reduce")
class nansum:
    def vjp(g, ans, x, axis=None, keepdims=False):
        return np.where(np.isnan(x), 0, unsum(g, x, axis, keepdims))

    def jvp(ans, x, axis=None, keepdims=False, x_dot=None):
        return np.sum(np.where(np.isnan(x), 0, x_dot), axis=axis, keepdims=keepdims)


@defrule(np.nanmean, shape="reduce")
class nanmean:
    def vjp(g, ans, x, axis=None, keepdims=False):
        return np.where(np.isnan(x), 0, unsum(g / np.sum(np.logical_not(np.isnan(x)), axis=axis, keepdims=keepdims), x, axis, keepdims))

    def jvp(ans, x, axis=None, keepdims=False, x_dot=None):
        return np.nanmean(np.where(np.isnan(x), np.nan, x_dot), axis=axis, keepdims=keepdims)


# -- running sums and differences ---------------------------------------------------------------


@defrule(np.cumsum, method="cumsum")
class cumsum:
    # Each x[i] feeds every later partial sum: the adjoint is the reversed cumulative sum.
    def vjp(g, ans, x, axis=None):
        return np.reshape(np.flip(np.cumsum(np.flip(g, axis), axis), axis), np.shape(x))

    def jvp(ans, x, axis=None, x_dot=None):
        return np.cumsum(x_dot, axis)


@defrule(np.cumprod, method="cumprod")
class cumprod:
    def vjp(g, ans, x, axis=None):
        return cumprod_adjoint(g, x, axis)

    def jvp(ans, x, axis=None, x_dot=None):
        return cumprod_tangent(x, x_dot, axis)


# The two running products' own rules (second derivatives of cumprod) divide by x: NaN at an exact
# zero, as for prod. `_rsum` is the reversed running sum, the transpose of np.cumsum.
@defrule(cumprod_adjoint, call="cumprod_adjoint")
class cumprod_adjoint_:
    def vjp(g, ans, y, x, axis=None):
        return (
            cumprod_tangent(x, g, axis),
            cumprod_adjoint(y * np.cumsum(g / x, axis), x, axis) - g * ans / x,
        )

    def jvp(ans, y, x, axis=None, y_dot=None, x_dot=None):
        return (
            cumprod_adjoint(y_dot, x, axis),
            np.reshape(np.flip(np.cumsum(np.flip(y * cumprod_tangent(x, x_dot, axis), axis), axis), axis), np.shape(x)) / x - ans * x_dot / x,
        )


@defrule(cumprod_tangent, call="cumprod_tangent")
class cumprod_tangent_:
    def vjp(g, ans, x, t, axis=None):
        return (
            cumprod_adjoint(g * np.cumsum(t / x, axis), x, axis)
            - np.reshape(np.flip(np.cumsum(np.flip(g * np.cumprod(x, axis), axis), axis), axis), np.shape(x)) * t / x ** 2,
            cumprod_adjoint(g, x, axis),
        )

    def jvp(ans, x, t, axis=None, x_dot=None, t_dot=None):
        return (
            cumprod_tangent(x, x_dot, axis) * np.cumsum(t / x, axis) - np.cumprod(x, axis) * np.cumsum(t * x_dot / x ** 2, axis),
            cumprod_tangent(x, t_dot, axis),
        )


@defrule(np.diff)
class diff:
    def vjp(g, ans, x, n=1, axis=-1):
        return diff_adjoint(g, n, axis)

    def jvp(ans, x, n=1, axis=-1, x_dot=None):
        return np.diff(x_dot, n, axis)


@defrule(diff_adjoint, call="diff_adjoint")
class diff_adjoint_:
    def vjp(g, ans, y, n=1, axis=-1):
        return np.diff(g, n, axis)

    def jvp(ans, y, n=1, axis=-1, y_dot=None):
        return diff_adjoint(y_dot, n, axis)


@defrule(np.trace, method="trace")
class trace:
    def vjp(g, ans, x, offset=0, axis1=0, axis2=1):
        return undiagonal(unsum(g, np.diagonal(x, offset, axis1, axis2), -1), x, offset, axis1, axis2)

    def jvp(ans, x, offset=0, axis1=0, axis2=1, x_dot=None):
        return np.trace(x_dot, offset, axis1, axis2)


# Where the extremum or the median sits: piecewise constant.
nondiff(tie_weights, "tie_weights", call="tie_weights", shape="like_first")  # weights shaped like x
nondiff(median_weights, "median_weights", call="median_weights")

# -- positions, counts and comparisons of values: no derivative --------------------------------

for _fn, _name in [
    (np.argmax, "argmax"), (np.argmin, "argmin"), (np.argsort, "argsort"), (np.nonzero, "nonzero"),
    (np.argwhere, "argwhere"), (np.flatnonzero, "flatnonzero"), (np.count_nonzero, "count_nonzero"),
    (np.searchsorted, "searchsorted"), (np.any, "any"), (np.all, "all"), (np.isclose, "isclose"),
    (np.allclose, "allclose"), (np.array_equal, "array_equal"),
    (np.digitize, "digitize"),
]:
    nondiff(_fn, _name, method=_name if _name in ("argmax", "argmin", "argsort", "nonzero", "any", "all") else None,
            boolean=_name in ("any", "all", "isclose", "allclose", "array_equal"))
