"""Sine and cosine together: the runtime's `sincos` (s2sad/runtime/trig.py) against NumPy's own, in units
in the last place, and the pass that calls it (s2sad/passes/sincos.py): golden before/after text, the same
gradients on and off and against autograd, and where it must not apply.
"""
from __future__ import annotations

import inspect

import numpy as np
import pytest
from test_reuse import ELEMENTWISE_AFTER as REUSE_AFTER

import s2sad
from s2sad.passes import settings as optimize
from s2sad.runtime import sincos

ag = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")

BLOCK = inspect.signature(sincos).parameters["block"].default
BIG = 3 * BLOCK + 123  # past `small`, and a last block that is not full


def _ulps(got: np.ndarray, want: np.ndarray) -> float:
    assert np.array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    return float((np.abs(got[ok] - want[ok]) / np.spacing(np.abs(want[ok]))).max())


# -- the runtime ------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1e-300, 1e-8, 1e-3, 1.0, 10.0, 1e3, 1e5])
def test_within_two_ulps_of_numpy(scale):
    x = np.random.default_rng(7).standard_normal(BIG) * scale
    s, c = sincos(x)
    assert _ulps(s, np.sin(x)) <= 2 and _ulps(c, np.cos(x)) <= 2


def test_nearest_doubles_to_multiples_of_half_pi():
    # where r = x - n pi/2 cancels most: the three-part pi/2 keeps its low bits
    k = np.arange(-(2 ** 16), 2 ** 16 + 1) * 8.0
    m = k * (np.pi / 2)
    x = np.concatenate([np.nextafter(m, np.inf), np.nextafter(m, -np.inf), m])
    s, c = sincos(x)
    assert _ulps(s, np.sin(x)) <= 2 and _ulps(c, np.cos(x)) <= 2


def test_special_values_are_numpys():
    x = np.random.default_rng(8).standard_normal(BIG)
    x[:8] = [0.0, -0.0, 5e-324, -5e-324, np.nan, 1e300, -2.0 ** 30, 3e6]  # NaN and |x| past the range: NumPy's block
    with np.errstate(invalid="ignore"):
        s, c = sincos(x)
    assert np.signbit(s[1]) and not np.signbit(s[0])  # sin(-0.0) is -0.0
    np.testing.assert_array_equal(s[:8], np.sin(x[:8]))
    np.testing.assert_array_equal(c[:8], np.cos(x[:8]))
    x[5] = np.inf
    with pytest.warns(RuntimeWarning, match="invalid value"):  # as np.sin(inf) warns
        s, _ = sincos(x)
    assert np.isnan(s[5])


@pytest.mark.parametrize("x", [
    np.linspace(-3.0, 3.0, 100),  # small: NumPy's two calls
    np.linspace(-3.0, 3.0, BIG).astype(np.float32),  # another dtype
    np.arange(BIG) % 7,  # integers
    0.5,  # a number
    np.float64(0.5),
], ids=["small", "float32", "int", "float", "numpy-scalar"])
def test_other_arguments_get_numpys_calls(x):
    s, c = sincos(x)
    np.testing.assert_array_equal(s, np.sin(x))
    np.testing.assert_array_equal(c, np.cos(x))
    assert np.asarray(s).dtype == np.sin(x).dtype


def test_shapes_and_strided_arrays():
    x = np.random.default_rng(9).standard_normal((3, BIG))
    for a in (x, x.T, x[:, ::2]):
        s, c = sincos(a)
        assert s.shape == c.shape == a.shape
        assert _ulps(s.ravel(), np.sin(a).ravel()) <= 2 and _ulps(c.ravel(), np.cos(a).ravel()) <= 2


# -- the pass -----------------------------------------------------------------------------------


def elementwise(x):
    return np.sum(np.sin(x) * np.exp(-x * x) + np.tanh(x))


def elementwise_ag(x):
    return anp.sum(anp.sin(x) * anp.exp(-x * x) + anp.tanh(x))


ELEMENTWISE_BEFORE = REUSE_AFTER  # what the reuse pass gives (tests/test_reuse.py)

ELEMENTWISE_AFTER = '''\
    t1, cos_x = sincos(x)
    t2 = -x
    t3 = np.multiply(t2, x, out=t2)
    t4 = np.exp(t3, out=t3)
    t6 = np.tanh(x)
    # backward sweep
    x_bar = np.subtract(1, t6 ** 2, out=t6)
    t3_bar = np.multiply(t1, t4, out=t1)
    x_bar -= np.multiply(2 * x, t3_bar, out=t3_bar)
    x_bar += np.multiply(t4, cos_x, out=t4)
    return x_bar
'''


def _body(text: str) -> str:
    return text.split("# forward sweep\n", 1)[1]


def test_golden_elementwise_before_and_after():
    x = np.linspace(-1.0, 1.0, 5)
    with optimize.settings(sincos=False):
        assert _body(s2sad.source(elementwise, "grad", args=(x,))) == ELEMENTWISE_BEFORE
    after = s2sad.source(elementwise, "grad", args=(x,))
    assert _body(after) == ELEMENTWISE_AFTER
    assert "from s2sad.runtime import sincos\n" in after
    assert "sincos" not in s2sad.source(elementwise, "grad")  # without arguments: no dtypes
    assert "sincos" not in s2sad.source(elementwise, "reverse", args=(x,))  # the teaching view stays plain


def cos_first(x, y):
    return np.sum(np.cos(x) ** 2 * y + np.sin(y))


def cos_first_ag(x, y):
    return anp.sum(anp.cos(x) ** 2 * y + anp.sin(y))


def loop_and_top(x):
    s = 0.0
    for i in range(3):
        s = s + np.sum(np.sin(x) * i)
    return s + np.sum(np.cos(x) * x)


def loop_and_top_ag(x):
    s = 0.0
    for i in range(3):
        s = s + anp.sum(anp.sin(x) * i)
    return s + anp.sum(anp.cos(x) * x)


@pytest.mark.parametrize("fn, ref, nargs", [
    (elementwise, elementwise_ag, 1), (cos_first, cos_first_ag, 2), (loop_and_top, loop_and_top_ag, 1)])
def test_gradients_match_autograd_and_the_pass_off(fn, ref, nargs):
    rng = np.random.default_rng(10)
    args = tuple(rng.standard_normal(BIG) for _ in range(nargs))
    wrt = tuple(range(nargs)) if nargs > 1 else 0
    got = s2sad.grad(fn, wrt)(*args)
    with optimize.settings(sincos=False):
        off = s2sad.grad(fn, wrt)(*args)
    want = ag.grad(ref, wrt)(*args) if nargs > 1 else (ag.grad(ref)(*args),)
    got, off = (got, off) if nargs > 1 else ((got,), (off,))
    for g, o, w in zip(got, off, want):
        np.testing.assert_allclose(g, o, rtol=1e-13, atol=1e-14)
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-13)


def test_where_it_applies_and_where_not():
    x = np.linspace(-1.0, 1.0, 5)
    text = s2sad.source(cos_first, "grad", (0, 1), args=(x, x))
    assert "sin_x, t1 = sincos(x)" in text  # the cosine came first: it keeps its name
    assert "t4, cos_y = sincos(y)" in text  # (the value is formed for unsum's shape: sin(y) too)

    def sine(x):
        return np.sum(np.sin(x))
    assert "sincos" not in s2sad.source(sine, "grad", args=(x,))  # the gradient needs only the cosine
    text = s2sad.source(loop_and_top, "grad", args=(x,))
    # the top level's sine and cosine are shared; the loop's are left alone (its statements run again)
    assert "sin_x, t5 = sincos(x)" in text and "t1 = np.sin(x)" in text and "t1_bar * np.cos(x)" in text
    assert "sincos" not in s2sad.source(elementwise, "grad", args=(x.astype(np.float32),))  # float64 only

    def rebound(x):
        y = np.sum(np.sin(x))
        x = x * 2.0
        return y + np.sum(np.sin(x))
    assert "sincos" not in s2sad.source(rebound, "grad", args=(x,))


def test_value_and_grad_keeps_numpys_sine():
    x = np.random.default_rng(11).standard_normal(BIG)
    value, _ = s2sad.value_and_grad(elementwise)(x)
    assert value == elementwise(x)


def test_second_order_through_the_fast_gradient():
    x = np.random.default_rng(12).standard_normal(BIG)
    v = np.random.default_rng(13).standard_normal(BIG)
    hv = s2sad.hvp(elementwise, (x,), v)
    want = ag.hessian_vector_product(elementwise_ag)(x, v)
    np.testing.assert_allclose(hv, want, rtol=1e-10, atol=1e-12)
    _, jg = s2sad.jvp(s2sad.grad(elementwise), (x,), (v,))
    np.testing.assert_allclose(jg, want, rtol=1e-10, atol=1e-12)
