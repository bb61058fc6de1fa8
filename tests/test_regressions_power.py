"""Regressions (issues 20 and 25): powers at a zero base, in both modes and to second order.

Where x = 0, d/dy x^y = x^y log x is 0 for y > 0 (not 0 * -inf = NaN), and d/dx x^y = y x^(y-1)
is 0 for y = 0 (not 0 * 0^-1, which Python refuses). Each case is checked against autograd, whose
rules are written the same way, on the same source: reverse mode with a random cotangent,
forward mode with a random tangent, and the Hessian where the output is a number.
"""
from __future__ import annotations

import types

import numpy as np
import pytest

import s2sad

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")


def with_autograd(fn):
    """`fn` with its global `np` bound to autograd.numpy: same source, same code object."""
    return types.FunctionType(fn.__code__, {**fn.__globals__, "np": anp}, fn.__name__, fn.__defaults__)


def against_autograd(fn, args, wrt, second_order=True, seed=0, reference=None):
    """s2sad's vjp, jvp and (for a number out) Hessian of `fn` wrt the positions `wrt`, against autograd's
    (of `reference`, the same function written so that autograd can trace it, where it cannot trace `fn`)."""
    rng = np.random.default_rng(seed)
    af = with_autograd(reference or fn)
    out = fn(*args)
    np.testing.assert_allclose(af(*args), out)
    cotangent = rng.standard_normal(np.shape(out)) if np.ndim(out) else float(rng.standard_normal())
    tangents = [rng.standard_normal(np.shape(a)) if np.ndim(a) else float(rng.standard_normal()) for a in args]

    def only(i):
        return lambda a: af(*args[:i], a, *args[i + 1:])

    _, pullback = s2sad.vjp(fn, *args)
    grads = pullback(cotangent)
    jvp_value, jvp_out = s2sad.jvp(fn, args, [t if i in wrt else np.zeros_like(t) for i, t in enumerate(tangents)])
    np.testing.assert_allclose(jvp_value, out)
    expected_jvp = 0.0
    for i in wrt:
        adj = autograd.make_vjp(only(i))(args[i])[0](cotangent)
        np.testing.assert_allclose(grads[i], adj, rtol=1e-10, atol=1e-12, err_msg=f"reverse, argument {i}")
        assert np.all(np.isfinite(grads[i]))
        # J t from autograd's Jacobian (reverse mode: autograd lacks some JVPs, such as svd's).
        jac = np.reshape(autograd.jacobian(only(i))(args[i]), np.shape(out) + (-1,))
        expected_jvp = expected_jvp + jac @ np.ravel(tangents[i])
    np.testing.assert_allclose(jvp_out, expected_jvp, rtol=1e-10, atol=1e-12, err_msg="forward")
    if second_order and np.ndim(out) == 0:
        for i in wrt:
            expected = autograd.hessian(only(i))(args[i])
            np.testing.assert_allclose(s2sad.hessian(fn, wrt=i)(*args), expected, rtol=1e-9, atol=1e-12, err_msg=f"Hessian, {i}")


def power_call(x, y):
    return np.power(x, y)


def power_op(x, y):
    return x ** y


def power_sum(x, y):
    return np.sum(x ** y * np.cos(y))


def zeroth_power(x):
    return x ** 0.0


def zeroth_power_sum(x):
    return np.sum(np.sin(x) ** 0.0 + x ** 2)


def polynomial(x, c):
    return np.sum(c * x ** np.arange(3))


def polynomial_loop(x, c):
    s = 0.0
    for k in range(3):
        s = s + c[k] * x ** k
    return s


def power_of_a_constant(y):
    return 2.0 ** y + 0.0 ** y


def float_power_(x, y):
    return np.sum(np.float_power(x, y))


@pytest.mark.parametrize("fn", [power_call, power_op])
@pytest.mark.parametrize("y", [2.0, 3.0, 1.0, 2.5])
def test_a_power_at_zero_has_the_exponent_derivative_zero(fn, y):
    # d/dy 0^y = 0 for y > 0; the old rule's log(0) made it 0 * -inf = NaN.
    against_autograd(fn, (0.0, y), wrt=(0, 1))
    gx, gy = s2sad.grad(fn, wrt=(0, 1))(0.0, y)
    assert gy == 0.0 and gx == (1.0 if y == 1.0 else 0.0)


def test_arrays_with_zeros_in_the_base_and_the_exponent():
    x = np.array([0.0, 0.0, 0.5, 1.5, 0.0])
    y = np.array([2.0, 0.0, 0.0, 3.0, 1.0])
    against_autograd(power_sum, (x, y), wrt=(0, 1))
    assert np.all(np.isfinite(s2sad.grad(power_sum, wrt=(0, 1))(x, y)))


@pytest.mark.parametrize("x", [0.0, 1.5])
def test_the_zeroth_power_has_derivative_zero(x):
    # x ** 0.0 at x = 0 was refused: its rule computed 0.0 * x ** (-1.0).
    assert s2sad.grad(zeroth_power)(x) == 0.0
    against_autograd(zeroth_power, (x,), wrt=(0,))
    against_autograd(zeroth_power_sum, (np.array([0.0, 1.0, -2.0]),), wrt=(0,))


def test_a_constant_exponent_keeps_its_plain_form():
    # The safe form is for the general case only: `t ** 2` still reads `g * 2 * t`.
    reverse = s2sad.source(zeroth_power, "reverse")
    assert "x_bar = zeroth_power_bar * 0.0 * x\n" in reverse and "np.where" not in reverse
    code = s2sad.source(power_of_a_constant, "reverse")
    assert "np.log(2.0)" in code and "np.where" not in code


@pytest.mark.parametrize("x", [0.0, 0.7, -1.3])
def test_a_polynomial_at_zero(x):
    # np.sum(c * x ** np.arange(3)) at x = 0 was NaN; the loop raised ZeroDivisionError. Both are c[1] there.
    c = np.array([1.0, 2.0, 3.0])
    for fn in (polynomial, polynomial_loop):
        np.testing.assert_allclose(s2sad.grad(fn)(x, c), c[1] + 2 * c[2] * x)
        against_autograd(fn, (x, c), wrt=(0,))


def test_a_power_of_zero_as_a_function_of_the_exponent():
    np.testing.assert_allclose(s2sad.grad(power_of_a_constant)(1.5), 2.0 ** 1.5 * np.log(2.0))
    against_autograd(power_of_a_constant, (1.5,), wrt=(0,))


def test_float_power_at_zero():
    x, y = np.array([0.0, 0.0, 2.0]), np.array([2.0, 0.0, 1.5])
    gx, gy = s2sad.grad(float_power_, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(gx, [0.0, 0.0, 1.5 * 2.0 ** 0.5])
    np.testing.assert_allclose(gy, [0.0, 0.0, 2.0 ** 1.5 * np.log(2.0)])
    _, dot = s2sad.jvp(float_power_, (x, y), (np.ones(3), np.ones(3)))
    np.testing.assert_allclose(dot, np.sum(gx + gy))
