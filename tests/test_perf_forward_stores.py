"""In-place tangent stores (s2sad/ad/forward.py `_block`'s `owned`): where the primal updates an array in
place and the tangent is a fresh array nothing else holds, the tangent store is in place too.

Golden text on the Rosenbrock Hessian-vector product (forward over the generated adjoint), and
derivatives against autograd and central differences where a tangent aliases another name (no
in-place store there), where a view is taken before the store, and where a store zeroes a slice.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad.api import transforms as api

autograd = pytest.importorskip("autograd")
anp = autograd.numpy

from perf_cases import rosenbrock, rosenbrock_ag  # noqa: E402


HVP_TAIL = '''\
    t6 = x_bar[:-1]
    t6_dot = x_bar_dot[:-1]
    t7 = t6 + t2_bar
    t7_dot = t6_dot + t2_bar_dot
    x_bar[:-1] = t7
    x_bar_dot[:-1] = t7_dot
    t8 = x_bar[1:]
    t8_dot = x_bar_dot[1:]
    t9 = t8 + a_bar
    t9_dot = t8_dot + a_bar_dot
    x_bar[1:] = t9
    x_bar_dot[1:] = t9_dot
    return (x_bar, x_bar_dot)
'''


def test_golden_hvp_stores_its_tangent_in_place():
    x = np.linspace(-1.0, 1.5, 6)
    text = s2sad.source(api.grad_of(rosenbrock, 0), "forward", args=(x,))
    assert text.endswith(HVP_TAIL)
    assert "zero_at" not in text  # before: x_bar_dot = zero_at(x_bar_dot, np.s_[:-1]) + scatter_add(t7_dot, x_bar, ...)
    v = np.linspace(0.3, -0.7, 6)
    want = autograd.grad(lambda x: anp.sum(autograd.grad(rosenbrock_ag)(x) * v))(x)
    np.testing.assert_allclose(s2sad.hvp(rosenbrock, (x,), v), want, rtol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(rosenbrock)(x), autograd.hessian(rosenbrock_ag)(x), rtol=1e-12)


def view_then_store(x):
    y = x * 2.0
    z = y[0:2]
    w = z * 3.0
    y[1:] = x[:-1] ** 2
    z = y[0:2]  # taken again after the store: it shows the new values, as NumPy's view would
    return z * w


def alias_then_store(x, w):
    y = x + w
    y[0] = 3.0 * x[1]
    return y * x


def zero_store(x):
    y = np.sin(x)
    y[1:3] = 0.0
    return y * x


def _central(fn, args, v, eps=1e-6):
    plus = fn(args[0] + eps * v, *args[1:])
    minus = fn(args[0] - eps * v, *args[1:])
    return (plus - minus) / (2 * eps)


@pytest.mark.parametrize("fn,args", [
    (view_then_store, (np.linspace(-1, 1, 5),)),
    (alias_then_store, (np.linspace(-1, 1, 4), np.linspace(0.5, 2, 4))),
    (zero_store, (np.linspace(-1, 1, 5),)),
])
def test_tangent_stores_match_central_differences_and_leave_inputs_alone(fn, args):
    v = np.linspace(0.2, 1.0, args[0].size)
    v0 = v.copy()
    tangents = (v,) + tuple(np.zeros_like(a) for a in args[1:])
    out, out_dot = s2sad.jvp(fn, args, tangents)
    np.testing.assert_allclose(out, fn(*args))
    np.testing.assert_allclose(out_dot, _central(fn, args, v), rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(v, v0)  # the caller's tangent is never written into
    if fn is not alias_then_store:
        g = s2sad.grad(lambda_sum[fn])(*args)
        np.testing.assert_allclose(g, [np.sum(_central(fn, args, e)) for e in np.eye(args[0].size)], rtol=1e-6, atol=1e-9)


def view_sum(x):
    return np.sum(view_then_store(x))


def zero_sum(x):
    return np.sum(zero_store(x))


lambda_sum = {view_then_store: view_sum, zero_store: zero_sum}


def stale_view(x):
    y = x * 2.0
    z = y[0:2]
    y[1:] = x[:-1] ** 2
    return z * y[:2]


def stale_in_loop(x):
    y = x * 2.0
    z = y[0:2]
    s = 0.0
    for i in range(3):
        s = s + np.sum(z)
        y[i] = x[i] ** 2
    return s


def stale_in_branch(x):
    y = x * 2.0
    z = y[0:2]
    if x[0] > 0:
        y[0] = 1.0
    return z * x[:2]


@pytest.mark.parametrize("fn,line", [(stale_view, "return z * y[:2]"), (stale_in_loop, "for i in range(3):"),
                                     (stale_in_branch, "return z * x[:2]")])
def test_a_view_read_after_a_store_changed_it_is_refused(fn, line):
    # NumPy shows a view the values a later `y[i] = v` stores; both modes would differentiate the old ones.
    # (Before: silently wrong, grad -12 where central differences give -16.)
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="'z' is a view of 'y', which the in-place update on line") as info:
        s2sad.grad(lambda_sum.get(fn, fn) if fn is not stale_view else stale_sum)(np.linspace(-1, 1, 5))
    assert line in str(info.value) and "test_perf_forward_stores.py" in str(info.value)


def stale_sum(x):
    return np.sum(stale_view(x))


def test_a_tangent_that_is_another_name_is_not_stored_into():
    # y = x + w with w inactive: y_dot is x_dot itself (seen through a broadcast), so `y[0] = ...`
    # must not write into x_dot: the store makes a new tangent.
    x, w = np.linspace(-1, 1, 4), np.linspace(0.5, 2, 4)
    text = s2sad.source(alias_then_store, "forward", args=(x, w))
    assert "y_dot = broadcast_like(x_dot, y)\n" in text and "y_dot[0] =" not in text
    assert "y_dot = zero_at(y_dot, 0) + scatter_add(t2_dot, y, 0)\n" in text


def swap(x):
    y = x * 1.5
    tmp = y[0]
    y[0] = y[2]
    y[2] = tmp
    return y * x


def test_swapping_two_elements_is_accepted():
    # `tmp = y[0]` is a number when y is a vector: the store into y[0] does not change it.
    x = np.linspace(0.5, 2.0, 3)
    out, out_dot = s2sad.jvp(swap, (x,), (np.ones(3),))
    np.testing.assert_allclose(out, swap(x))
    np.testing.assert_allclose(out_dot, _central(swap, (x,), np.ones(3)), rtol=1e-6)
    g = s2sad.grad(swap_sum)(x)
    np.testing.assert_allclose(g, [np.sum(_central(swap, (x,), e)) for e in np.eye(3)], rtol=1e-6)


def swap_sum(x):
    return np.sum(swap(x))
