"""The cheap call path: repeated calls reuse what they worked out, with the same results (speed is never asserted)."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad import api, optimize


def rosen(x):
    a = x[1:] - x[:-1] ** 2
    return np.sum(100.0 * a ** 2 + (1.0 - x[:-1]) ** 2)


def cube(x, y):
    return x ** 3 * y


X = np.linspace(-1.0, 1.5, 6)
V = np.linspace(0.5, -0.5, 6)


def test_repeated_hvp_reuses_its_plan():
    first = s2sad.hvp(rosen, (X,), V)
    before = s2sad.cache_info()
    again = s2sad.hvp(rosen, (X,), V)
    after = s2sad.cache_info()
    assert after.misses == before.misses and after.hits > before.hits
    np.testing.assert_array_equal(first, again)


def test_plans_give_the_same_results_as_the_long_path():
    with optimize.settings(cheap_calls=False):
        slow = s2sad.hvp(rosen, (X,), V), s2sad.jvp(cube, (0.5, 2.0), (1.0, 0.0)), s2sad.jacobian(rosen)(X)
    fast = s2sad.hvp(rosen, (X,), V), s2sad.jvp(cube, (0.5, 2.0), (1.0, 0.0)), s2sad.jacobian(rosen)(X)
    np.testing.assert_allclose(fast[0], slow[0], rtol=1e-14)
    assert fast[1] == pytest.approx(slow[1])
    np.testing.assert_allclose(fast[2], slow[2], rtol=1e-14)


def test_a_plan_is_per_argument_kind():
    # A scalar and an array call are separate plans: each is specialised on its own.
    assert s2sad.jvp(cube, (0.5, 2.0), (1.0, 0.0))[1] == pytest.approx(3 * 0.25 * 2.0)
    out = s2sad.jvp(cube, (np.array([0.5, 1.0]), 2.0), (np.ones(2), 0.0))[1]
    np.testing.assert_allclose(out, 3 * np.array([0.25, 1.0]) * 2.0)
    # An int argument has no tangent, in a plan of its own.
    assert s2sad.jvp(cube, (0.5, 2), (1.0, 0))[1] == pytest.approx(1.5)


def test_jvp_errors_are_the_same_on_the_cheap_path():
    s2sad.jvp(cube, (0.5, 2.0), (1.0, 0.0))
    with pytest.raises(s2sad.ShapeError, match="tangent for 'x'"):
        s2sad.jvp(cube, (np.ones(2), 2.0), (np.ones(3), 0.0))
    with pytest.raises(s2sad.InputError, match="complex"):
        s2sad.jvp(cube, (1j, 2.0), (1.0, 0.0))


def test_configure_forgets_plans():
    s2sad.hvp(rosen, (X,), V)
    assert rosen in api._JVP_PLANS or rosen in api._GRADS
    optimize.configure(recompute=optimize.SETTINGS.recompute)
    assert rosen not in api._GRADS


def test_signature_memo_follows_a_new_code_object():
    def f(x):
        return x

    def g(x, y=2.0):
        return x * y

    assert list(optimize.signature(f).parameters) == ["x"]
    f.__code__, f.__defaults__ = g.__code__, g.__defaults__
    assert list(optimize.signature(f).parameters) == ["x", "y"]


def test_grad_call_path_results():
    g = s2sad.grad(cube, wrt=(0, 1))
    dx, dy = g(0.5, 2.0)
    assert (type(dx), type(dy)) == (float, float)
    assert dx == pytest.approx(1.5) and dy == pytest.approx(0.125)
    gx = s2sad.grad(rosen)(np.float32(1.0) * X.astype(np.float32))
    assert gx.dtype == np.float32 and gx.shape == X.shape and gx.flags.writeable
