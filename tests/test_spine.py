"""The compiler spine: gradients against closed forms, central differences and autograd."""
from __future__ import annotations

import math

import numpy as np
import pytest

import s2sad
from conftest import central_difference


def logistic_loss(w, b, x, t):
    z = w * x + b
    y = 1 / (1 + np.exp(-z))
    return 0.5 * (y - t) ** 2


def exp_over_square(x):
    return np.exp(x) / x ** 2


def x_times_square(x, y):
    return x * (x + y) ** 2


def nested(X, Z, W):
    K = X * (Z + W)
    return K ** 2


def cube_times(x):
    return x[0] ** 3 * x[1]


def logreg_matrix(w, X, t):
    z = X @ w
    y = 1 / (1 + np.exp(-z))
    return np.sum(0.5 * (y - t) ** 2) / t.shape[0]


def test_lecture_logistic_least_squares_closed_form():
    w, b, x, t = 0.7, -0.2, 1.5, 1.0
    dw, db = s2sad.grad(logistic_loss, wrt=("w", "b"))(w, b, x, t)
    y = 1 / (1 + math.exp(-(w * x + b)))
    z_bar = (y - t) * y * (1 - y)  # the lecture's  z_bar = y_bar * sigma'(z)
    assert dw == pytest.approx(z_bar * x, rel=1e-12)
    assert db == pytest.approx(z_bar, rel=1e-12)
    assert dw == pytest.approx(central_difference(logistic_loss, (w, b, x, t), 0), rel=1e-6)


def test_exp_over_square():
    for x in (0.5, 1.3, 3.0, -2.0):
        got = s2sad.grad(exp_over_square)(x)
        assert got == pytest.approx(math.exp(x) * (x - 2) / x ** 3, rel=1e-12)


def test_x_times_square():
    x, y = 1.5, -0.7
    dx, dy = s2sad.grad(x_times_square, wrt=(0, 1))(x, y)
    assert dx == pytest.approx((x + y) ** 2 + 2 * x * (x + y))
    assert dy == pytest.approx(2 * x * (x + y))


def test_nested_composition_is_40():
    assert s2sad.grad(nested, wrt="W")(2.0, 2.0, 3.0) == pytest.approx(40.0)
    assert s2sad.grad(nested, wrt="W")(2, 2, 3) == 40.0  # int inputs are promoted to float


def test_indexing_gradient_36_8():
    g = s2sad.grad(cube_times)(np.array([2.0, 3.0]))
    np.testing.assert_allclose(g, [36.0, 8.0])
    assert g.shape == (2,) and g.dtype == np.float64


def test_numpy_logistic_regression_100x5(rng):
    X = rng.standard_normal((100, 5))
    w = rng.standard_normal(5)
    t = (rng.random(100) > 0.5).astype(float)
    g = s2sad.grad(logreg_matrix)(w, X, t)
    np.testing.assert_allclose(g, central_difference(logreg_matrix, (w, X, t), 0), rtol=1e-6, atol=1e-9)
    y = 1 / (1 + np.exp(-X @ w))
    closed = X.T @ ((y - t) * y * (1 - y)) / 100
    np.testing.assert_allclose(g, closed, rtol=1e-12)
    s2sad.check_grads(logreg_matrix, (w, X, t))


def test_against_autograd(rng):
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")

    def ag_loss(w, X, t):
        z = anp.dot(X, w)
        y = 1 / (1 + anp.exp(-z))
        return anp.sum(0.5 * (y - t) ** 2) / t.shape[0]

    X = rng.standard_normal((100, 5))
    w = rng.standard_normal(5)
    t = (rng.random(100) > 0.5).astype(float)
    np.testing.assert_allclose(s2sad.grad(logreg_matrix)(w, X, t), autograd.grad(ag_loss)(w, X, t), rtol=1e-12)


def test_value_and_grad_and_shapes(rng):
    value, (dw, db) = s2sad.value_and_grad(logistic_loss, wrt=("w", "b"))(0.7, -0.2, 1.5, 1.0)
    assert value == pytest.approx(logistic_loss(0.7, -0.2, 1.5, 1.0))
    assert isinstance(dw, float) and isinstance(db, float)
    x32 = rng.standard_normal(4).astype(np.float32)
    g = s2sad.grad(lambda_free_sum)(x32)
    assert g.dtype == np.float32 and g.shape == (4,)


def lambda_free_sum(x):
    return np.sum(np.sin(x) * x)


def test_broadcasting_adjoints_sum_back(rng):
    def f(a, b):
        return np.sum(np.tanh(a * b + a))
    f = _module_level(f)
    a = rng.standard_normal((3, 1))
    b = rng.standard_normal((1, 4))
    ga, gb = s2sad.grad(f, wrt=(0, 1))(a, b)
    assert ga.shape == (3, 1) and gb.shape == (1, 4)
    s2sad.check_grads(f, (a, b))


def _module_level(f):
    return f  # nested defs are still readable from this file


def test_vjp_tuple_output(rng):
    def f(x1, x2):
        return x1 * x2 + np.sin(x1), np.exp(x1 - x2)
    out, pullback = s2sad.vjp(f, 1.2, 0.4)
    assert out == f(1.2, 0.4)
    row1 = pullback((1.0, 0.0))
    row2 = pullback((0.0, 1.0))
    e = math.exp(1.2 - 0.4)
    np.testing.assert_allclose(row1, (0.4 + math.cos(1.2), 1.2))
    np.testing.assert_allclose(row2, (e, -e))
    with pytest.raises(s2sad.ShapeError):
        pullback((1.0,))


def test_decorator_bare_and_with_arguments():
    @s2sad.differentiate
    def sq(x):
        return x * x

    assert sq(3.0) == 9.0
    assert sq.grad(3.0) == 6.0
    assert sq.__wrapped__(2.0) == 4.0
    assert sq.__name__ == "sq"

    @s2sad.differentiate(wrt=("w", "b"))
    def loss(w, b, x, t):
        z = w * x + b
        y = 1 / (1 + np.exp(-z))
        return 0.5 * (y - t) ** 2

    assert loss(0.7, -0.2, 1.5, 1.0) == logistic_loss(0.7, -0.2, 1.5, 1.0)
    assert loss.grad(0.7, -0.2, 1.5, 1.0) == s2sad.grad(logistic_loss, wrt=(0, 1))(0.7, -0.2, 1.5, 1.0)
    value, grads = loss.value_and_grad(0.7, -0.2, 1.5, 1.0)
    assert len(grads) == 2


def test_rebinding_a_name():
    def f(x):
        y = x * x
        y = np.sin(y)
        y = y * x
        return y
    x = 0.8
    assert s2sad.grad(f)(x) == pytest.approx(central_difference(f, (x,), 0), rel=1e-7)
    assert "y_1" in s2sad.source(f, "wengert")


def test_tuple_swap():
    def f(a, b):
        a, b = b, a + b
        a, b = b, a * b
        return a + b
    s2sad.check_grads(f, (0.3, 1.7))


def test_input_that_does_not_matter_gets_zero():
    def f(x, y):
        return x * 2.0
    dx, dy = s2sad.grad(f, wrt=(0, 1))(1.0, np.ones(3))
    assert dx == 2.0
    np.testing.assert_array_equal(dy, np.zeros(3))


def test_math_module():
    def f(x):
        return math.sin(x) * math.exp(x) + math.sqrt(x) - math.log(x) * math.tanh(x) + math.cos(x)
    s2sad.check_grads(f, (0.9,))


def test_cache_hits_on_second_call():
    def f(x):
        return x * np.exp(x)
    g = s2sad.grad(f)
    g(1.0)
    before = s2sad.cache_info()
    g(2.0)
    after = s2sad.cache_info()
    assert after.hits == before.hits + 1
    assert after.misses == before.misses
    # A fresh grad object over the same function reuses the compiled code: no new miss.
    s2sad.grad(f)(3.0)
    assert s2sad.cache_info().misses == after.misses


def test_non_scalar_output_to_grad_is_a_clear_error():
    def f(x):
        return x * 2.0
    with pytest.raises(s2sad.ShapeError, match="jacobian"):
        s2sad.grad(f)(np.ones(3))


def test_int_and_list_of_wrt_names():
    assert s2sad.grad(x_times_square, wrt="y")(1.0, 2.0) == pytest.approx(2 * 1.0 * 3.0)
    (only,) = s2sad.grad(x_times_square, wrt=("y",))(1.0, 2.0)
    assert only == pytest.approx(6.0)
