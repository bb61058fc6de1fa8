"""Reductions with every axis/keepdims variant, running sums and differences:
the cases the registry walk checks, plus zeros in prod and ties in max."""
from __future__ import annotations

import numpy as np
from test_numpy_cases import Case, Inputs

import s2sad
from s2sad import runtime

I = Inputs(7)
AXES = (0, 1, -1, (0, 2), (0, 1, 2))


def prod_(x): return np.prod(x)
def prod_axis(x, axis, keepdims): return np.prod(x, axis=axis, keepdims=keepdims)
def prod_method(x): return x.prod(axis=0)
def var_(x): return np.var(x)
def var_axis(x, axis, keepdims): return np.var(x, axis=axis, keepdims=keepdims)
def var_ddof(x): return np.var(x, axis=0, ddof=1)
def var_method(x): return x.var()
def std_(x): return np.std(x)
def std_axis(x, axis, keepdims): return np.std(x, axis=axis, keepdims=keepdims)
def std_ddof(x): return np.std(x, axis=1, ddof=1, keepdims=True)
def std_method(x): return x.std(axis=0)
def max_(x): return np.max(x)
def amax_(x): return np.amax(x)
def max_axis(x, axis, keepdims): return np.max(x, axis=axis, keepdims=keepdims)
def max_method(x): return x.max(axis=1)
def min_(x): return np.min(x)
def amin_(x): return np.amin(x)
def min_axis(x, axis, keepdims): return np.min(x, axis=axis, keepdims=keepdims)
def min_method(x): return x.min()
def ptp_(x): return np.ptp(x)
def ptp_axis(x, axis, keepdims): return np.ptp(x, axis=axis, keepdims=keepdims)
def median_(x): return np.median(x)
def median_axis(x, axis, keepdims): return np.median(x, axis=axis, keepdims=keepdims)
def nansum_(x): return np.nansum(x)
def nansum_axis(x, axis, keepdims): return np.nansum(x, axis=axis, keepdims=keepdims)
def nanmean_(x): return np.nanmean(x)
def nanmean_axis(x, axis, keepdims): return np.nanmean(x, axis=axis, keepdims=keepdims)
def average_(x): return np.average(x)
def average_axis(x, axis): return np.average(x, axis=axis)
def average_weights(x, w): return np.average(x, weights=w)
def average_weights_axis(x, w): return np.average(x, axis=1, weights=w)
def cumsum_(x): return np.cumsum(x)
def cumsum_axis(x, axis): return np.cumsum(x, axis=axis)
def cumsum_method(x): return x.cumsum(axis=0)
def cumprod_(x): return np.cumprod(x)
def cumprod_axis(x, axis): return np.cumprod(x, axis=axis)
def diff_(x): return np.diff(x)
def diff_n_axis(x, n, axis): return np.diff(x, n, axis)
def trace_(x): return np.trace(x)
def trace_offset(x): return np.trace(x, 1)
def trace_axes(x): return np.trace(x, 0, 1, 2)
def trace_method(x): return x.trace()
def prod_others_(x, axis): return runtime.prod_others(x, axis)
def cumprod_adjoint_(y, x, axis): return runtime.cumprod_adjoint(y, x, axis)
def cumprod_tangent_(x, t, axis): return runtime.cumprod_tangent(x, t, axis)
def cumprod_adjoint_flat(y, x): return runtime.cumprod_adjoint(y, x)
def cumprod_tangent_flat(x, t): return runtime.cumprod_tangent(x, t)
def diff_adjoint_(g, n, axis): return runtime.diff_adjoint(g, n, axis)
def weights_like_(w, x): return runtime.weights_like(w, x, 1)
def unweights_like_(g, w): return runtime.unweights_like(g, w, 1)


def _variants(prim, fn, make, axes=AXES, shape=(2, 3, 4)):
    return [Case(prim, fn, (make(*shape), ax, kd), label=f"axis={ax} keepdims={kd}") for ax in axes for kd in (False, True)]


def _with_nans(*shape):
    x = I.normal(*shape)
    x.flat[::5] = np.nan
    return x


CASES: list[Case] = []
for _prim, _plain, _axis, _make in [
    ("prod", prod_, prod_axis, I.away), ("var", var_, var_axis, I.normal), ("std", std_, std_axis, I.normal),
    ("max", max_, max_axis, I.normal), ("min", min_, min_axis, I.normal), ("ptp", ptp_, ptp_axis, I.normal),
    ("median", median_, median_axis, I.normal), ("nansum", nansum_, nansum_axis, _with_nans),
    ("nanmean", nanmean_, nanmean_axis, _with_nans),
]:
    CASES += [Case(_prim, _plain, (_make(4),)), Case(_prim, _plain, (_make(3, 4),))] + _variants(_prim, _axis, _make)
CASES += [Case("median", median_, (I.normal(5),), label="odd length")]
CASES += [Case("prod", prod_method, (I.away(3, 4),)), Case("var", var_ddof, (I.normal(3, 4),)),
          Case("var", var_method, (I.normal(3, 4),)), Case("std", std_ddof, (I.normal(3, 4),)),
          Case("std", std_method, (I.normal(3, 4),)), Case("max", amax_, (I.normal(3, 4),)),
          Case("max", max_method, (I.normal(3, 4),)), Case("min", amin_, (I.normal(3, 4),)),
          Case("min", min_method, (I.normal(3, 4),))]
CASES += [Case("average", average_, (I.normal(3, 4),)), Case("average", average_axis, (I.normal(3, 4), 0)),
          Case("average", average_weights, (I.normal(3, 4), I.positive(3, 4))),
          Case("average", average_weights_axis, (I.normal(3, 4), I.positive(4)), label="1-D weights")]
CASES += [Case("cumsum", cumsum_, (I.normal(3, 4),)), Case("cumsum", cumsum_method, (I.normal(3, 4),))]
CASES += [Case("cumsum", cumsum_axis, (I.normal(2, 3, 4), ax), label=f"axis={ax}") for ax in (0, 1, -1)]
CASES += [Case("cumprod", cumprod_, (I.away(3, 4),))]
CASES += [Case("cumprod", cumprod_axis, (I.away(2, 3, 4), ax), label=f"axis={ax}") for ax in (0, 1, -1)]
CASES += [Case("diff", diff_, (I.normal(5),)), Case("diff", diff_, (I.normal(3, 4),))]
CASES += [Case("diff", diff_n_axis, (I.normal(4, 5), n, ax), label=f"n={n} axis={ax}") for n in (1, 2) for ax in (0, 1)]
CASES += [Case("trace", trace_, (I.normal(3, 3),)), Case("trace", trace_offset, (I.normal(3, 4),)),
          Case("trace", trace_axes, (I.normal(2, 3, 3),)), Case("trace", trace_method, (I.normal(4, 3),))]
CASES += [Case("cumprod_adjoint_", cumprod_adjoint_, (I.normal(3, 4), I.away(3, 4), ax), label=f"axis={ax}") for ax in (0, -1)]
CASES += [Case("cumprod_tangent_", cumprod_tangent_, (I.away(3, 4), I.normal(3, 4), ax), label=f"axis={ax}") for ax in (0, -1)]
CASES += [Case("cumprod_adjoint_", cumprod_adjoint_flat, (I.normal(12), I.away(3, 4)), label="axis=None"),
          Case("cumprod_tangent_", cumprod_tangent_flat, (I.away(3, 4), I.normal(3, 4)), label="axis=None")]
CASES += [Case("prod_others_", prod_others_, (I.away(3, 4), ax), label=f"axis={ax}") for ax in (0, 1, (0, 1))]
CASES += [Case("diff_adjoint_", diff_adjoint_, (I.normal(3, 4), n, ax), label=f"n={n} axis={ax}") for n in (1, 2) for ax in (0, 1)]
CASES += [Case("weights_like_", weights_like_, (I.positive(4), I.normal(3, 4))),
          Case("unweights_like_", unweights_like_, (I.normal(3, 4), I.positive(4)))]


# -- zeros, ties, NaNs ---------------------------------------------------------------------------


def test_prod_with_zeros_has_the_exact_gradient():
    x = np.array([2.0, 0.0, 3.0, 4.0])
    np.testing.assert_array_equal(s2sad.grad(prod_)(x), [0.0, 24.0, 0.0, 0.0])
    x = np.array([[2.0, 0.0], [0.0, 5.0], [3.0, 1.0]])
    g = s2sad.grad(sum_of_prod_axis0)(x)
    np.testing.assert_array_equal(g, [[0.0, 5.0], [6.0, 0.0], [0.0, 0.0]])


def sum_of_prod_axis0(x):
    return np.sum(np.prod(x, axis=0))


def test_cumprod_with_zeros_has_the_exact_derivatives():
    # The adjoint and tangent of cumprod run the products without dividing by x (they used to: NaN).
    x = np.array([[2.0, 0.0, 3.0, 0.5], [0.0, 0.0, 1.5, 2.0]])
    w = np.arange(1.0, 5.0)

    def oracle(x):  # d/dx_j sum_i w_i prod(x[:i+1]), term by term
        g = np.zeros_like(x)
        for r in range(x.shape[0]):
            for j in range(x.shape[1]):
                g[r, j] = sum(w[i] * np.prod(np.delete(x[r, : i + 1], j)) for i in range(j, x.shape[1]))
        return g

    np.testing.assert_allclose(s2sad.grad(weighted_cumprod)(x), oracle(x))
    _, t = s2sad.jvp(weighted_cumprod, (x,), (np.ones_like(x),))
    assert t == np.sum(oracle(x))


def weighted_cumprod(x):
    return np.sum(np.cumprod(x, axis=-1) * np.arange(1.0, 5.0))


def test_two_zeros_give_a_zero_gradient():
    np.testing.assert_array_equal(s2sad.grad(prod_)(np.array([0.0, 2.0, 0.0])), [0.0, 0.0, 0.0])


def test_ties_in_max_split_the_gradient():
    np.testing.assert_array_equal(s2sad.grad(max_)(np.array([3.0, 1.0, 3.0, 3.0])), [1 / 3, 0, 1 / 3, 1 / 3])
    np.testing.assert_array_equal(s2sad.grad(min_)(np.array([1.0, 1.0, 3.0])), [0.5, 0.5, 0.0])
    _, t = s2sad.jvp(max_, (np.array([3.0, 1.0, 3.0]),), (np.array([1.0, 5.0, 2.0]),))
    assert t == 1.5


def test_nan_entries_get_no_gradient():
    x = np.array([1.0, np.nan, 3.0])
    np.testing.assert_array_equal(s2sad.grad(nansum_)(x), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(s2sad.grad(nanmean_)(x), [0.5, 0.0, 0.5])


def test_median_of_an_even_length_splits_between_the_middles():
    np.testing.assert_array_equal(s2sad.grad(median_)(np.array([4.0, 1.0, 3.0, 2.0])), [0.0, 0.0, 0.5, 0.5])


def test_std_of_a_constant_is_the_zero_subgradient():
    np.testing.assert_array_equal(s2sad.grad(std_)(np.ones(3)), [0.0, 0.0, 0.0])
