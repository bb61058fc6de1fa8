"""Forward mode, Jacobians, Hessians and composed transformations (issue: forward mode)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import s2sad
from test_spine import (
    cube_times, exp_over_square, logistic_loss, logreg_matrix, nested, x_times_square,
)


# -- the lecture examples ----------------------------------------------------------------


def lecture_f(x1, x2):
    return x1 * x2 + np.sin(x1), np.exp(x1 - x2)


def homework(x1, x2, x3):
    return x1 * x2 + x1 * x3, np.log(x1 + x2)


def square_and_product(x):
    return x[0] ** 2, x[0] * x[1] * x[2]


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def lecture_jacobian(x1, x2):
    e = math.exp(x1 - x2)
    return np.array([[x2 + math.cos(x1), x1], [e, -e]])


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_lecture_jacobian_both_modes(mode):
    x1, x2 = 1.2, 0.4
    J = s2sad.jacobian(lecture_f, wrt=(0, 1), mode=mode)(x1, x2)
    np.testing.assert_allclose(np.array(J, dtype=float), lecture_jacobian(x1, x2), rtol=1e-12)


def test_forward_seeds_give_columns_and_reverse_seeds_give_rows():
    x1, x2 = 1.2, 0.4
    J = lecture_jacobian(x1, x2)
    _, col1 = s2sad.jvp(lecture_f, (x1, x2), (1.0, 0.0))
    _, col2 = s2sad.jvp(lecture_f, (x1, x2), (0.0, 1.0))
    np.testing.assert_allclose(np.column_stack([col1, col2]), J)
    _, pullback = s2sad.vjp(lecture_f, x1, x2)
    np.testing.assert_allclose(np.vstack([pullback((1.0, 0.0)), pullback((0.0, 1.0))]), J)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_homework_jacobian(mode):
    x1, x2, x3 = 0.8, 1.5, -0.3
    J = np.array(s2sad.jacobian(homework, wrt=(0, 1, 2), mode=mode)(x1, x2, x3), dtype=float)
    want = np.array([[x2 + x3, x1, x1], [1 / (x1 + x2), 1 / (x1 + x2), 0.0]])
    np.testing.assert_allclose(J, want, rtol=1e-12)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_vector_to_pair_jacobian_shape(mode):
    x = np.array([1.5, -2.0, 0.5])
    J1, J2 = s2sad.jacobian(square_and_product, mode=mode)(x)
    np.testing.assert_allclose(J1, [2 * x[0], 0, 0])
    np.testing.assert_allclose(J2, [x[1] * x[2], x[0] * x[2], x[0] * x[1]])
    assert np.stack([J1, J2]).shape == (2, 3)


def test_rosenbrock_hessian_and_hvp_against_autograd(rng):
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")

    def ag_rosen(x):
        return anp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)

    x = rng.standard_normal(5)
    v = rng.standard_normal(5)
    H = s2sad.hessian(rosenbrock)(x)
    np.testing.assert_allclose(H, autograd.hessian(ag_rosen)(x), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(s2sad.hvp(rosenbrock, (x,), v), autograd.hessian(ag_rosen)(x) @ v, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(s2sad.hvp(rosenbrock, (x,), v), s2sad.jvp(s2sad.grad(rosenbrock), (x,), (v,))[1])


# -- Jacobian shapes --------------------------------------------------------------------------


SCALES = np.arange(1.0, 4.0)


def scalar_to_vector(t):
    return np.sin(t * SCALES)


def vector_to_vector(x):
    return np.tanh(x) * x[0]


def gram(W):
    return W @ W.T


def pair_to_pair(a, b):
    return a * b, np.sum(a) + b


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_jacobian_shapes(mode, rng):
    assert s2sad.jacobian(scalar_to_vector, mode=mode)(0.3).shape == (3,)
    assert s2sad.jacobian(vector_to_vector, mode=mode)(rng.standard_normal(4)).shape == (4, 4)
    W = rng.standard_normal((2, 3))
    J = s2sad.jacobian(gram, mode=mode)(W)
    assert J.shape == (2, 2, 2, 3)
    # d(W W^T)_ij / dW_kl = delta_ik W_jl + delta_jk W_il
    want = np.einsum("ik,jl->ijkl", np.eye(2), W) + np.einsum("jk,il->ijkl", np.eye(2), W)
    np.testing.assert_allclose(J, want, rtol=1e-12)
    (Jaa, Jab), (Jba, Jbb) = s2sad.jacobian(pair_to_pair, wrt=(0, 1), mode=mode)(rng.standard_normal(2), 0.5)
    assert Jaa.shape == (2, 2) and Jab.shape == (2,) and Jba.shape == (2,) and np.ndim(Jbb) == 0


def test_vectorized_forward_jacobian_matches_column_passes(rng):
    x = rng.standard_normal(6)
    f = s2sad.jacobian(vector_to_vector, mode="forward")
    from s2sad.driver import pipeline

    low_fwd = pipeline.generate(elementwise_only, "forward", ("x",))
    assert low_fwd.meta["batchable"]
    J = s2sad.jacobian(elementwise_only, mode="forward")(x)
    np.testing.assert_allclose(J, np.diag(np.cos(x) * x + np.sin(x)), atol=1e-14)
    np.testing.assert_allclose(f(x), s2sad.jacobian(vector_to_vector, mode="reverse")(x))


def elementwise_only(x):
    return np.sin(x) * x


# -- every spine test, in forward mode ---------------------------------------------------------


@pytest.mark.parametrize("fn,args", [
    (logistic_loss, (0.7, -0.2, 1.5, 1.0)),
    (exp_over_square, (1.3,)),
    (x_times_square, (1.5, -0.7)),
    (nested, (2.0, 2.0, 3.0)),
    (cube_times, (np.array([2.0, 3.0]),)),
])
def test_spine_functions_in_both_modes_to_second_order(fn, args):
    s2sad.check_grads(fn, args, modes=("forward", "reverse"), order=2)


def test_forward_closed_forms():
    assert s2sad.jvp(exp_over_square, (1.3,), (1.0,))[1] == pytest.approx(math.exp(1.3) * (1.3 - 2) / 1.3 ** 3)
    assert s2sad.jvp(nested, (2.0, 2.0, 3.0), (0.0, 0.0, 1.0))[1] == pytest.approx(40.0)
    _, t = s2sad.jvp(cube_times, (np.array([2.0, 3.0]),), (np.array([1.0, 0.0]),))
    assert t == pytest.approx(36.0)


def test_dot_product_identity_between_modes(rng):
    X = rng.standard_normal((100, 5))
    w = rng.standard_normal(5)
    t = (rng.random(100) > 0.5).astype(float)
    for _ in range(3):
        v = rng.standard_normal(5)
        u = rng.standard_normal()
        _, jv = s2sad.jvp(logreg_matrix, (w, X, t), (v, np.zeros_like(X), np.zeros_like(t)))
        _, pullback = s2sad.vjp(logreg_matrix, w, X, t)
        (jtu, _, _) = pullback(u)
        assert jv * u == pytest.approx(np.dot(v, jtu), rel=1e-12)
    s2sad.check_grads(logreg_matrix, (w, X, t), modes=("forward", "reverse"), order=2)


def test_jvp_holds_non_float_arguments_constant_but_never_drops_a_tangent():
    def f(x, n):
        return x * n
    out, t = s2sad.jvp(f, (2.0, 3), (1.0, 0))
    assert (out, t) == (6.0, 3.0)
    # A nonzero tangent for an int would silently count as zero: refused, naming the parameter (issue 20.6).
    with pytest.raises(s2sad.InputError, match="argument 'n' is an int"):
        s2sad.jvp(f, (2.0, 3), (1.0, 99))


# -- composition ---------------------------------------------------------------------------------


def cubic_sine(x):
    return x ** 3 * np.sin(x)


def d1(x):
    return 3 * x ** 2 * math.sin(x) + x ** 3 * math.cos(x)


def d2(x):
    return 6 * x * math.sin(x) + 6 * x ** 2 * math.cos(x) - x ** 3 * math.sin(x)


def d3(x):
    return 6 * math.sin(x) + 18 * x * math.cos(x) - 9 * x ** 2 * math.sin(x) - x ** 3 * math.cos(x)


def test_grad_of_grad_and_grad_of_grad_of_grad():
    x = 0.7
    assert s2sad.grad(cubic_sine)(x) == pytest.approx(d1(x), rel=1e-12)
    assert s2sad.grad(s2sad.grad(cubic_sine))(x) == pytest.approx(d2(x), rel=1e-12)
    assert s2sad.grad(s2sad.grad(s2sad.grad(cubic_sine)))(x) == pytest.approx(d3(x), rel=1e-12)


def test_jvp_of_grad_is_forward_over_reverse():
    x = 0.7
    _, t = s2sad.jvp(s2sad.grad(cubic_sine), (x,), (1.0,))
    assert t == pytest.approx(d2(x), rel=1e-12)
    text = s2sad.source(s2sad.grad(cubic_sine), mode="forward", args=(x,))
    assert "x_bar_dot" in text and "def cubic_sine_grad_jvp(" in text


def test_jacobian_of_grad_against_autograd(rng):
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")

    def ag(w, X, t):
        y = 1 / (1 + anp.exp(-anp.dot(X, w)))
        return anp.sum(0.5 * (y - t) ** 2) / t.shape[0]

    X = rng.standard_normal((20, 3))
    w = rng.standard_normal(3)
    t = (rng.random(20) > 0.5).astype(float)
    for mode in ("forward", "reverse"):
        H = s2sad.jacobian(s2sad.grad(logreg_matrix), mode=mode)(w, X, t)
        np.testing.assert_allclose(H, autograd.hessian(ag)(w, X, t), rtol=1e-10, atol=1e-12)


def test_differentiable_methods(rng):
    d = s2sad.differentiate(rosenbrock)
    x = rng.standard_normal(4)
    np.testing.assert_allclose(d.hessian(x), s2sad.hessian(rosenbrock)(x))
    np.testing.assert_allclose(d.jacobian(x), s2sad.grad(rosenbrock)(x))
    out, t = d.jvp((x,), (np.ones(4),))
    assert t == pytest.approx(np.dot(s2sad.grad(rosenbrock)(x), np.ones(4)))


def test_check_grads_catches_a_wrong_derivative():
    def f(x):
        return x * x

    good = s2sad.grad(f)
    s2sad.check_grads(good, (0.3,), modes=("forward", "reverse"))
    with pytest.raises(AssertionError, match="reverse mode"):
        s2sad.check_grads(lambda_wrapped_wrong, (0.3,))


@s2sad.primitive
def lambda_wrapped_wrong(x):
    return x * x


s2sad.defvjp(lambda_wrapped_wrong, lambda g, ans, x: g * 3.0 * x)  # wrong on purpose: should be 2x


def pair_of_outputs(x):
    return x * 2.0, np.sum(np.sin(x) * x)


def test_check_grads_order_2_with_a_tuple_output():
    s2sad.check_grads(pair_of_outputs, (np.array([0.3, -0.8, 1.1]),), modes=("forward", "reverse"), order=2)
    s2sad.check_grads(lecture_f, (1.2, 0.4), modes=("forward", "reverse"), order=2)


def elementwise_vec(x):
    return np.sin(x) * np.tanh(x) + x ** 2 - np.where(x > 0.0, x, 0.5 * x)


def elementwise_broadcast(x):
    return np.sin(x) * np.ones((2, 1))  # elementwise, but the output is not x's shape: the identity pass


def cumulative(x):
    return np.cumsum(np.sin(x))  # the output has x's shape, but the tangent is not elementwise: not diagonal


def elementwise_with_weights(x, w):
    return np.exp(-x * w) + w


def test_forward_jacobian_of_an_elementwise_function_is_its_diagonal():
    # jacobian.py: one tangent pass seeded with ones gives the diagonal; the reverse-mode Jacobian and
    # central differences are the oracles. 1-D and 2-D inputs, and a second argument held constant.
    rng = np.random.default_rng(3)
    for x in (rng.standard_normal(7), rng.standard_normal((3, 4))):
        fwd = s2sad.jacobian(elementwise_vec, mode="forward")(x)
        rev = s2sad.jacobian(elementwise_vec, mode="reverse")(x)
        np.testing.assert_allclose(fwd, rev, rtol=1e-12, atol=1e-12)
        assert fwd.shape == x.shape * 2
        h, e = 1e-6, np.zeros_like(x)
        e.flat[2] = 1.0
        np.testing.assert_allclose(fwd[(Ellipsis,) + np.unravel_index(2, x.shape)],
                                   (elementwise_vec(x + h * e) - elementwise_vec(x - h * e)) / (2 * h), rtol=1e-6, atol=1e-8)
    w = rng.standard_normal(5)
    x = rng.standard_normal(5)
    np.testing.assert_allclose(s2sad.jacobian(elementwise_with_weights, mode="forward")(x, w),
                               s2sad.jacobian(elementwise_with_weights, mode="reverse")(x, w), rtol=1e-12)
    np.testing.assert_allclose(s2sad.jacobian(cumulative, mode="forward")(x), np.tril(np.cos(x)[None, :] * np.ones((5, 5))),
                               rtol=1e-12)
    np.testing.assert_allclose(s2sad.jacobian(elementwise_broadcast, mode="forward")(x),
                               s2sad.jacobian(elementwise_broadcast, mode="reverse")(x), rtol=1e-12)
    (one,) = s2sad.jacobian(elementwise_vec, wrt=(0,), mode="forward")(x)  # wrt as a tuple: a tuple of one block
    np.testing.assert_allclose(one, s2sad.jacobian(elementwise_vec, mode="reverse")(x), rtol=1e-12)
    broadcast = s2sad.jacobian(elementwise_broadcast, mode="forward")
    for _ in range(2):  # the second call remembers that this one is not diagonal
        np.testing.assert_allclose(broadcast(x), s2sad.jacobian(elementwise_broadcast, mode="reverse")(x), rtol=1e-12)
    # Both arguments: not the diagonal case (two blocks), still right.
    both_f = s2sad.jacobian(elementwise_with_weights, wrt=(0, 1), mode="forward")(x, w)
    both_r = s2sad.jacobian(elementwise_with_weights, wrt=(0, 1), mode="reverse")(x, w)
    for a, b in zip(both_f, both_r):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def rnn_state(W, h):
    for t in range(3):
        h = np.tanh(W @ h)
    return np.sum(h)


def scalar_state(x, y):
    k = 0
    while y < 10.0 and k < 3:
        k += 1
        y = y + x * y
    return y


def test_a_parameter_outside_wrt_that_a_loop_re_binds_starts_with_a_zero_tangent(rng):
    # Forward mode with respect to W only read `h_dot` in the loop's first step before anything set it
    # (UnboundLocalError from generated code): jacobian(mode="forward"), hessian(wrt=...) and the
    # tangent program with a narrower wrt all failed. Found through the second-order fuzz oracle.
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")

    def ag_rnn(W, h):
        for t in range(3):
            h = anp.tanh(anp.dot(W, h))
        return anp.sum(h)

    W, h = rng.standard_normal((3, 3)) * 0.5, rng.standard_normal(3)
    np.testing.assert_allclose(s2sad.jacobian(rnn_state, wrt=0, mode="forward")(W, h), autograd.grad(ag_rnn)(W, h), rtol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(rnn_state, wrt=0)(W, h), autograd.hessian(ag_rnn)(W, h), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(s2sad.jacobian(rnn_state, wrt=1, mode="forward")(W, h),
                               autograd.grad(ag_rnn, 1)(W, h), rtol=1e-12)
    text = s2sad.source(rnn_state, "forward", wrt=0, args=(W, h))
    assert "h_dot = np.zeros_like(h)" in text.split("for t in")[0]
    assert s2sad.jacobian(scalar_state, wrt=0, mode="forward")(0.5, 2.0) == pytest.approx(13.5)  # 3y(1+x)^2
    assert s2sad.hessian(scalar_state, wrt=0)(0.5, 2.0) == pytest.approx(18.0)  # 6y(1+x)
    assert "y_dot = 0.0" in s2sad.source(scalar_state, "forward", wrt=0, args=(0.5, 2.0))
