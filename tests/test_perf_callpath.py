"""The cheap call path: repeated calls reuse what they worked out, with the same results (speed is never asserted)."""
from __future__ import annotations

import os

import numpy as np
import pytest

import s2sad
from s2sad.api import plans
from s2sad.passes import settings as optimize


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


def test_hvp_calls_off_the_cheap_path_get_the_full_checks():
    s2sad.hvp(rosen, (X,), V)  # a plan exists now
    with pytest.raises(s2sad.ShapeError, match="v has shape"):
        s2sad.hvp(rosen, (X,), np.ones(3))
    with pytest.raises(s2sad.ShapeError, match="v has shape"):
        s2sad.hvp(rosen, (X,), list(V[:3]))
    # Primals spelt as a list, v as a list, and wrt given by keyword all agree with the array call.
    want = s2sad.hvp(rosen, (X,), V)
    np.testing.assert_array_equal(s2sad.hvp(rosen, [X], list(V)), want)
    np.testing.assert_array_equal(s2sad.hvp(rosen, [X], tuple(V)), want)
    np.testing.assert_array_equal(s2sad.hvp(rosen, (X,), V, wrt=0), want)


def head_twice(x):
    return x[:2] * 2


def test_a_tangent_given_as_a_list_gets_array_arithmetic():
    # `x_dot[:2] * 2` on a list would repeat it (a shape error at best, a wrong tangent at worst).
    for t in ([1.0, 2.0, 3.0], (1.0, 2.0, 3.0)):
        value, tangent = s2sad.jvp(head_twice, (np.ones(3),), (t,))
        np.testing.assert_array_equal(tangent, [2.0, 4.0])


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
    assert rosen in plans.JVP_PLANS or rosen in plans.GRADS
    optimize.configure(recompute=optimize.SETTINGS.recompute)
    assert rosen not in plans.GRADS


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


# -- the cached call: the entry does the checks once, a repeated call only runs and fixes ---------


def column_sums(x):
    return np.sum(x, axis=0)


def weighted(x, w=2.0):
    return np.sum(w * x ** 2)


def test_a_non_scalar_output_is_caught_on_the_cached_path_too():
    g = s2sad.grad(column_sums)
    assert float(g(np.ones(3)).sum()) == 3.0  # a vector in, a number out
    with pytest.raises(s2sad.ShapeError, match="grad needs a scalar output") as info:
        g(np.ones((2, 3)))  # the same kind of argument (an array), but a vector out
    package = os.path.realpath(os.path.dirname(s2sad.__file__)) + os.sep  # (not any path with "s2sad" in it: a clone's folder)
    assert not [e for e in info.traceback if os.path.realpath(str(e.path)).startswith(package) and not str(e.path).endswith("transforms.py")]


def test_keyword_arguments_take_the_long_way_with_the_same_result():
    g = s2sad.grad(weighted, wrt=(0, 1))
    positional = g(X, 3.0)
    by_keyword = g(X, w=3.0)
    again = g(x=X, w=3.0)
    for a, b in zip(positional, by_keyword + again):
        np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(positional[0], 6.0 * X)


def test_a_cached_call_counts_one_hit():
    g = s2sad.grad(cube, wrt=(0, 1))
    g(0.25, 3.0)
    mid = s2sad.cache_info()
    g(0.25, 3.0)
    after = s2sad.cache_info()
    assert after.hits == mid.hits + 1 and after.misses == mid.misses


def test_gradients_are_fixed_like_their_arguments():
    from s2sad.api.transforms import fix_grad

    a = np.ones(3, dtype=np.float32)
    assert fix_grad(np.ones(3, dtype=np.float32), a).dtype == np.float32
    assert fix_grad(np.ones(3), a).dtype == np.float32  # cast to the argument's dtype
    view = np.broadcast_to(np.float32(1.0), (3,))
    fixed = fix_grad(view, a)
    assert fixed.flags.writeable and fixed.base is None  # a read-only view is copied
    owned = np.arange(3.0)
    assert fix_grad(owned, np.zeros(3)) is owned  # a fresh array of the right kind is handed back as is
    assert fix_grad(np.float64(2.0), 1.0) == 2.0 and type(fix_grad(np.float64(2.0), 1.0)) is float
    assert fix_grad(np.ones(2), np.arange(2)).dtype == np.float64  # integer arguments get float gradients


# -- runtime helpers on the fast path: the same values as the general code ---------------------


def test_unsum_of_a_number_is_a_read_only_view():
    from s2sad.runtime import unsum

    x = np.zeros((2, 3))
    for g, axis in ((1.0, None), (2.5, 1), (-1.0, (0, 1))):
        out = unsum(g, x, axis)
        assert out.shape == x.shape and not out.flags.writeable
        np.testing.assert_array_equal(out, np.broadcast_to(g, x.shape))
    np.testing.assert_array_equal(unsum(np.arange(2.0), x, 1), [[0, 0, 0], [1, 1, 1]])


def test_scatter_add_and_zero_at_keep_float_dtypes():
    from s2sad.runtime import scatter_add, zero_at

    x32 = np.zeros(5, dtype=np.float32)
    g32 = np.ones(4, dtype=np.float32)
    assert scatter_add(g32, x32, slice(1, None)).dtype == np.float32
    assert scatter_add(np.ones(4), x32, slice(1, None)).dtype == np.float64
    assert scatter_add(np.ones(4), np.arange(5), slice(None, -1)).dtype == np.float64  # integer x: float adjoint
    np.testing.assert_array_equal(scatter_add(np.ones(3), np.zeros(5), np.array([0, 2, 0])), [2, 0, 1, 0, 0])
    out = zero_at(g32, slice(0, 2))
    assert out.dtype == np.float32 and out is not g32
    np.testing.assert_array_equal(out, [0, 0, 1, 1])
    assert zero_at(np.arange(3), 0).dtype.kind == "f"


def test_matrix_product_adjoints_for_every_rank():
    from s2sad.runtime import matmul_adjoint_a, matmul_adjoint_b

    rng = np.random.default_rng(0)
    for sa, sb in (((3, 4), (4, 2)), ((3, 4), (4,)), ((4,), (4, 2)), ((4,), (4,)), ((2, 3, 4), (4, 5)), ((3, 4), ())):
        a, b = rng.standard_normal(sa), rng.standard_normal(sb)
        y = rng.standard_normal(np.shape(np.matmul(a, b) if sb else a * b))
        # <y, a b> is linear in a and in b: the adjoints are its gradients.
        da, db = rng.standard_normal(sa), rng.standard_normal(sb)
        prod = (lambda p, q: np.matmul(p, q)) if sb else (lambda p, q: p * q)
        assert np.sum(matmul_adjoint_a(y, a, b) * da) == pytest.approx(np.sum(y * prod(da, b)))
        assert np.sum(matmul_adjoint_b(y, a, b) * db) == pytest.approx(np.sum(y * prod(a, db)))


def waves(x):
    return np.sin(x) * np.tanh(x) + x ** 2


def test_a_repeated_diagonal_jacobian_takes_the_cheap_path_with_the_same_results():
    jac = s2sad.jacobian(waves, mode="forward")
    rev = s2sad.jacobian(waves, mode="reverse")
    first = jac(X)
    before = s2sad.cache_info()
    again = jac(X)
    assert s2sad.cache_info().hits > before.hits
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(again, rev(X), rtol=1e-13)
    # other shapes, an int array and a one-element array: the same answers as the reverse-mode Jacobian
    for x in (X.reshape(2, 3), np.arange(-2, 3), np.array([0.3])):
        np.testing.assert_allclose(jac(x), rev(x), rtol=1e-13)
    with pytest.raises(s2sad.InputError, match="complex"):
        jac(X + 1j)
    with optimize.settings(cheap_calls=False):
        np.testing.assert_allclose(jac(X), first, rtol=1e-15)


def sums(x, y):
    return np.sum(x) + np.sum(y * 2.0)


def test_the_cached_path_of_several_gradients_still_fixes_views_and_dtypes():
    # fixer's one-loop check passes fresh float arrays of the arguments' shapes as they are; a read-only
    # broadcast (x_bar = unsum(1.0, x)) or another dtype still goes through fix_grad, on every call.
    g = s2sad.grad(sums, wrt=(0, 1))
    for dtype in (np.float64, np.float32, np.float64):
        x, y = np.ones((2, 3), dtype), np.ones(4, dtype)
        for _ in range(2):  # the first call builds the entry; the second takes the cached path
            gx, gy = g(x, y)
            assert gx.dtype == gy.dtype == dtype and gx.flags.writeable and gy.flags.writeable
            assert gx.base is None and gy.base is None
            np.testing.assert_array_equal(gx, np.ones((2, 3)))
            np.testing.assert_array_equal(gy, 2.0 * np.ones(4))
            gx[0, 0] = 7.0  # the caller owns it: the next call is not changed
