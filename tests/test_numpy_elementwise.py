"""Elementwise primitives of one and two arguments, and scipy.special: the cases
the registry walk checks, plus the behaviour at kinks, ties and NaNs."""
from __future__ import annotations

import numpy as np
import pytest
from test_numpy_cases import Case, Inputs, binary_cases, unary_cases

import s2sad

I = Inputs(5)

# -- one argument ------------------------------------------------------------------------------


def exp2_(x): return np.exp2(x)
def expm1_(x): return np.expm1(x)
def log2_(x): return np.log2(x)
def log10_(x): return np.log10(x)
def log1p_(x): return np.log1p(x)
def square_(x): return np.square(x)
def cbrt_(x): return np.cbrt(x)
def abs_(x): return np.abs(x)
def fabs_(x): return np.fabs(x)
def tan_(x): return np.tan(x)
def arcsin_(x): return np.arcsin(x)
def arccos_(x): return np.arccos(x)
def arctan_(x): return np.arctan(x)
def sinc_(x): return np.sinc(x)
def deg2rad_(x): return np.deg2rad(x)
def rad2deg_(x): return np.rad2deg(x)
def sinh_(x): return np.sinh(x)
def cosh_(x): return np.cosh(x)
def arcsinh_(x): return np.arcsinh(x)
def arccosh_(x): return np.arccosh(x)
def arctanh_(x): return np.arctanh(x)
def nan_to_num_(x): return np.nan_to_num(x)
def clip_constants(x): return np.clip(x, -0.5, 0.5)
def clip_method(x): return x.clip(-0.5, 0.5)
def clip_upper_only(x): return np.clip(x, None, 0.3)
def clip_bounds(x, lo, hi): return np.clip(x, lo, hi)
def sinc_derivative_(x): return s2sad.runtime.sinc_derivative(x)
def real_parts(x): return np.real(x) * np.conjugate(x) + np.conj(x) + x.conj() + np.real_if_close(x) + np.imag(x)


CASES: list[Case] = []
for _prim, _fn, _make in [
    ("exp2", exp2_, I.normal), ("expm1", expm1_, I.normal), ("log2", log2_, I.positive), ("log10", log10_, I.positive),
    ("log1p", log1p_, I.positive), ("square", square_, I.normal), ("cbrt", cbrt_, I.away), ("absolute", abs_, I.away),
    ("fabs", fabs_, I.away), ("tan", tan_, I.unit), ("arcsin", arcsin_, I.unit), ("arccos", arccos_, I.unit),
    ("arctan", arctan_, I.normal), ("sinc", sinc_, I.away), ("deg2rad", deg2rad_, I.normal), ("rad2deg", rad2deg_, I.normal),
    ("sinh", sinh_, I.normal), ("cosh", cosh_, I.normal), ("arcsinh", arcsinh_, I.normal), ("arccosh", arccosh_, I.above1),
    ("arctanh", arctanh_, I.unit), ("nan_to_num", nan_to_num_, I.normal), ("sinc_derivative_", sinc_derivative_, I.away),
]:
    CASES += unary_cases(_prim, _fn, _make)
CASES += unary_cases("real", real_parts, I.normal, shapes=((4,), (3, 4)), also=("conjugate",))
CASES += unary_cases("clip", clip_constants, I.normal) + [
    Case("clip", clip_method, (I.normal(3, 4),)),
    Case("clip", clip_upper_only, (I.normal(3, 4),)),
    Case("clip", clip_bounds, (I.normal(3, 4), I.normal(3, 1) - 0.5, I.normal(1, 4) + 0.5), label="bounds (3,1) (1,4)"),
]

# -- two arguments ----------------------------------------------------------------------------


def float_power_(x, y): return np.float_power(x, y)
def remainder_(x, y): return np.remainder(x, y)
def mod_operator(x, y): return x % y
def fmod_(x, y): return np.fmod(x, y)
def maximum_(x, y): return np.maximum(x, y)
def minimum_(x, y): return np.minimum(x, y)
def fmax_(x, y): return np.fmax(x, y)
def fmin_(x, y): return np.fmin(x, y)
def logaddexp_(x, y): return np.logaddexp(x, y)
def logaddexp2_(x, y): return np.logaddexp2(x, y)
def arctan2_(y, x): return np.arctan2(y, x)
def hypot_(x, y): return np.hypot(x, y)
def copysign_(x, y): return np.copysign(x, y)
def where_(c, x, y): return np.where(c, x, y)
def safe_divide_(a, b): return s2sad.runtime.safe_divide(a, b)


for _prim, _fn, _mx, _my in [
    ("float_power", float_power_, I.positive, I.normal), ("remainder", remainder_, I.positive, I.positive),
    ("remainder", mod_operator, I.positive, I.positive), ("fmod", fmod_, I.away, I.positive),
    ("maximum", maximum_, I.normal, None), ("minimum", minimum_, I.normal, None), ("fmax", fmax_, I.normal, None),
    ("fmin", fmin_, I.normal, None), ("logaddexp", logaddexp_, I.normal, None), ("logaddexp2", logaddexp2_, I.normal, None),
    ("arctan2", arctan2_, I.normal, I.away), ("hypot", hypot_, I.away, None), ("copysign", copysign_, I.away, I.away),
    ("safe_divide_", safe_divide_, I.normal, I.away),
]:
    CASES += binary_cases(_prim, _fn, _mx, _my)
CASES += [
    Case("where", where_, (I.normal(3, 4) > 0, I.normal(3, 4), I.normal(3, 4))),
    Case("where", where_, (I.normal(3, 1) > 0, I.normal(1, 4), I.normal(3, 4)), label="broadcast"),
    Case("where", where_, (I.normal(4) > 0, I.normal(), I.normal(3, 4)), label="scalar branch"),
]

# -- scipy.special -------------------------------------------------------------------------------

try:
    from scipy import special
except ImportError:  # pragma: no cover
    special = None

if special is not None:
    def erf_(x): return special.erf(x)
    def erfc_(x): return special.erfc(x)
    def erfinv_(x): return special.erfinv(x)
    def expit_(x): return special.expit(x)
    def logit_(x): return special.logit(x)
    def gammaln_(x): return special.gammaln(x)
    def digamma_(x): return special.digamma(x)
    def psi_(x): return special.psi(x)
    def polygamma_(x): return special.polygamma(2, x)
    def xlogy_(x, y): return special.xlogy(x, y)
    def xlog1py_(x, y): return special.xlog1py(x, y)
    def logsumexp_(x): return special.logsumexp(x)
    def logsumexp_axis(x, axis, keepdims): return special.logsumexp(x, axis=axis, keepdims=keepdims)
    def softmax_(x): return special.softmax(x)
    def softmax_axis(x, axis): return special.softmax(x, axis=axis)
    def log_softmax_(x): return special.log_softmax(x)
    def log_softmax_axis(x, axis): return special.log_softmax(x, axis=axis)

    for _prim, _fn, _make in [
        ("erf", erf_, I.normal), ("erfc", erfc_, I.normal), ("erfinv", erfinv_, I.unit), ("expit", expit_, I.normal),
        ("logit", logit_, lambda *s: I.positive(*s) / 2.5), ("gammaln", gammaln_, I.positive), ("digamma", digamma_, I.positive),
        ("digamma", psi_, I.positive), ("polygamma", polygamma_, I.positive),
    ]:
        CASES += unary_cases(_prim, _fn, _make)
    def gamma_(x): return special.gamma(x)
    def rgamma_(x): return special.rgamma(x)
    def erfcinv_(x): return special.erfcinv(x)
    def beta_(a, b): return special.beta(a, b)
    def betaln_(a, b): return special.betaln(a, b)
    def gammainc_(x): return special.gammainc(2.5, x) + special.gammaincc(np.array([[1.5], [3.0]]), x) * 2.0
    def bessel_fixed_order(x):
        return special.i0(x) + special.i1(x) + special.j0(x) + special.j1(x) + special.y0(x) + special.y1(x)
    def bessel_order_v(x): return special.jv(1.5, x) + special.yv(0.5, x) + special.iv(2.5, x) + special.ive(1.5, x)
    def bessel_integer_order(x): return special.yn(2, x) + special.jn(3, x)

    for _prim, _fn, _make in [("gamma", gamma_, I.positive), ("rgamma", rgamma_, I.positive),
                              ("erfcinv", erfcinv_, lambda *s: I.positive(*s) * 0.9)]:
        CASES += unary_cases(_prim, _fn, _make)
    CASES += binary_cases("beta", beta_, I.positive) + binary_cases("betaln", betaln_, I.positive)
    CASES += [Case("gammainc", gammainc_, (I.positive(2, 4),), also=("gammaincc",)),
              Case("gammainc", gammainc_, (I.positive(4),), also=("gammaincc",))]
    CASES += unary_cases("i0", bessel_fixed_order, I.positive, also=("i1", "j0", "j1", "y0", "y1"))
    CASES += unary_cases("jv", bessel_order_v, I.positive, also=("yv", "iv", "ive"))
    CASES += unary_cases("yn", bessel_integer_order, I.positive)
    CASES += binary_cases("xlogy", xlogy_, I.normal, I.positive) + binary_cases("xlog1py", xlog1py_, I.normal, I.positive)
    CASES += unary_cases("logsumexp", logsumexp_, I.normal, shapes=((4,), (3, 4)))
    CASES += [Case("logsumexp", logsumexp_axis, (I.normal(3, 4), ax, kd), label=f"axis={ax} keepdims={kd}")
              for ax in (0, 1, (0, 1)) for kd in (False, True)]
    CASES += [Case("softmax", softmax_, (I.normal(3, 4),)), Case("log_softmax", log_softmax_, (I.normal(3, 4),))]
    CASES += [Case("softmax", softmax_axis, (I.normal(3, 4), ax), label=f"axis={ax}") for ax in (0, -1)]
    CASES += [Case("log_softmax", log_softmax_axis, (I.normal(3, 4), ax), label=f"axis={ax}") for ax in (0, -1)]


# -- behaviour at kinks, ties and NaNs -------------------------------------------------------------


def sum_maximum(x, y):
    return np.sum(np.maximum(x, y))


def sum_minimum(x, y):
    return np.sum(np.minimum(x, y))


def maximum_with_itself(x):
    return np.maximum(x, x)


def test_ties_in_maximum_and_minimum_split_the_gradient_evenly():
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([1.0, 5.0, 0.0])
    gx, gy = s2sad.grad(sum_maximum, wrt=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, [0.5, 0.0, 1.0])
    np.testing.assert_array_equal(gy, [0.5, 1.0, 0.0])
    gx, gy = s2sad.grad(sum_minimum, wrt=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, [0.5, 1.0, 0.0])
    np.testing.assert_array_equal(gy, [0.5, 0.0, 1.0])
    # maximum(x, x) = x: both halves arrive at x, so the derivative is 1 in both modes.
    assert s2sad.grad(maximum_with_itself)(2.0) == 1.0
    assert s2sad.jvp(maximum_with_itself, (2.0,), (1.0,))[1] == 1.0


def tie_under_broadcasting(x, y):
    return np.sum(np.maximum(x, y))


def test_ties_under_broadcasting_sum_back():
    gx, gy = s2sad.grad(tie_under_broadcasting, wrt=(0, 1))(np.array([[1.0], [2.0]]), np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(gx, [[0.5], [1.5]])  # row 0 ties once, row 1 wins once and ties once
    np.testing.assert_array_equal(gy, [0.5, 1.5, 2.0])


def abs_at_zero(x):
    return np.sum(np.abs(x))


def test_abs_at_zero_is_the_zero_subgradient():
    np.testing.assert_array_equal(s2sad.grad(abs_at_zero)(np.array([-2.0, 0.0, 3.0])), [-1.0, 0.0, 1.0])


def sinc_sum(x):
    return np.sum(np.sinc(x))


def test_sinc_at_zero():
    np.testing.assert_allclose(s2sad.grad(sinc_sum)(np.array([0.0, 0.5])), [0.0, (np.cos(np.pi / 2) - np.sinc(0.5)) / 0.5])


def clip_sum(x):
    return np.sum(np.clip(x, -1.0, 1.0))


def test_clip_passes_the_gradient_inside_only():
    np.testing.assert_array_equal(s2sad.grad(clip_sum)(np.array([-3.0, 0.2, 5.0])), [0.0, 1.0, 0.0])


def nan_to_num_sum(x):
    return np.sum(np.nan_to_num(x) * 0.5)


def test_nan_to_num_blocks_the_gradient_at_nan():
    g = s2sad.grad(nan_to_num_sum)(np.array([1.0, np.nan, np.inf]))
    np.testing.assert_array_equal(g, [0.5, 0.0, 0.0])


def safe_sqrt_where(x):
    return np.sum(np.where(x > 0, np.sqrt(x), 0.0))


def safe_sqrt_double_where(x):
    safe = np.where(x > 0, x, 1.0)
    return np.sum(np.where(x > 0, np.sqrt(safe), 0.0))


def test_where_nan_trap_and_its_fix():
    """The README's example: the untaken branch's derivative is still evaluated, times 0."""
    x = np.array([4.0, 0.0, -1.0])
    with np.errstate(invalid="ignore", divide="ignore"):
        g = s2sad.grad(safe_sqrt_where)(x)
    assert g[0] == pytest.approx(0.25)
    assert np.isnan(g[1]) and np.isnan(g[2])  # 0 * (1 / (2 sqrt(0))) = 0 * inf, and sqrt(-1) = nan
    g = s2sad.grad(safe_sqrt_double_where)(x)  # the double-where fix keeps the other branch finite
    np.testing.assert_array_equal(g, [0.25, 0.0, 0.0])


def where_sum(c, x, y):
    return np.sum(np.where(c, x, y))


def test_where_sends_the_gradient_to_the_chosen_branch_only():
    c = np.array([True, False, True])
    gx, gy = s2sad.grad(where_sum, wrt=(1, 2))(c, np.ones(3), np.ones(3))
    np.testing.assert_array_equal(gx, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(gy, [0.0, 1.0, 0.0])


def masked_mean(x):
    mask = (x > 0) & (x < 2)
    return np.sum(np.where(mask, x, 0.0) ** 2)


def test_boolean_operators_make_masks():
    np.testing.assert_array_equal(s2sad.grad(masked_mean)(np.array([-1.0, 1.0, 3.0])), [0.0, 2.0, 0.0])


def rounding(x):
    return np.sum(np.round(x) + np.floor(x) + np.trunc(x) + np.ceil(x) + np.sign(x) + x)


def test_rounding_and_sign_are_non_differentiable():
    np.testing.assert_array_equal(s2sad.grad(rounding)(np.array([0.3, 1.7])), [1.0, 1.0])
