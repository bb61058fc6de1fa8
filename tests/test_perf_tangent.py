"""The "tangent" variant of forward mode (s2sad/driver/pipeline.py, s2sad/passes/liveness.py): the output's tangent
alone, without the statements that only formed the value. `hvp` and the diagonal forward Jacobian run
it. Golden text, derivatives against autograd, and dead in-place stores.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad.api import transforms as api
from s2sad.passes import liveness
from s2sad.ir import Assign, Const, Function, Op, Param, Return, Slice, Var

autograd = pytest.importorskip("autograd")
anp = autograd.numpy

from perf_cases import rosenbrock, rosenbrock_ag  # noqa: E402


def vector_fn(x):
    return np.sin(x) * np.tanh(x) + x ** 2


def scratch(x):
    y = np.zeros(3)
    y[0] = x[0] * 2.0
    return np.sum(x ** 2)


VECTOR_TANGENT = '''\
def vector_fn_tangent(x, x_dot):
    """Forward mode (tangent only) of vector_fn with respect to x."""
    t1 = np.sin(x)
    t1_dot = x_dot * np.cos(x)
    t2 = np.tanh(x)
    t2_dot = x_dot * (1 - t2 ** 2)
    t3_dot = t1_dot * t2 + t1 * t2_dot
    t4_dot = x_dot * 2 * x
    vector_fn_dot = t3_dot + t4_dot
    return vector_fn_dot
'''


def test_golden_tangent_variant_drops_the_value():
    x = np.linspace(-1, 1, 4)
    jvp_text = s2sad.source(vector_fn, "forward", args=(x,))
    text = s2sad.source(vector_fn, "tangent", args=(x,))
    assert "    vector_fn = t3 + t4\n" in jvp_text and "t3 = t1 * t2" in jvp_text
    assert text.endswith(VECTOR_TANGENT)
    np.testing.assert_allclose(s2sad.jacobian(vector_fn, mode="forward")(x), autograd.jacobian(
        lambda x: anp.sin(x) * anp.tanh(x) + x ** 2)(x), rtol=1e-12)


HVP_TANGENT = '''\
    a_bar_dot = 200.0 * a_dot
    x_bar_dot = scatter_add(2.0 * t2_dot, x, np.s_[:-1])
    t2_bar_dot = a_bar_dot * -2 * t2 + a * -400.0 * t2_dot
    x_bar_dot[:-1] += t2_bar_dot
    x_bar_dot[1:] += a_bar_dot
    return x_bar_dot
'''


def test_hvp_runs_the_tangent_of_the_gradient_without_the_gradient():
    # Forward over the "grad" adjoint, tangent only, without repeats (`t4_dot = x_dot[:-1]` is `t2_dot`),
    # folded: `c_dot = -t2_dot; t5_dot = -2.0 * c_dot` reads `2.0 * t2_dot`, and `t7_dot = x_bar_dot[:-1]; t8_dot = t7_dot + t2_bar_dot; x_bar_dot[:-1] = t8_dot`
    # (how the adjoint's `x_bar[:-1] += t2_bar` reads once lowered) is an augmented store again;
    # `200.0 * a * -2` reads `a * -400.0` (scaling by a power of two is exact, so no rounding moves).
    x = np.linspace(-1.0, 1.5, 6)
    text = s2sad.source(api.grad_of(rosenbrock, 0), "tangent", args=(x,))
    # The gradient itself (x_bar, and c, t5 = -2.0 * c behind it) is never formed: only its tangent.
    assert "    x_bar = " not in text and "x_bar[" not in text and "    c = " not in text
    assert text.endswith(HVP_TANGENT)
    v = np.linspace(0.3, -0.7, 6)
    want = autograd.grad(lambda x: anp.sum(autograd.grad(rosenbrock_ag)(x) * v))(x)
    np.testing.assert_allclose(s2sad.hvp(rosenbrock, (x,), v), want, rtol=1e-12)


def test_a_dead_in_place_store_goes():
    text = s2sad.source(scratch, "grad", args=(np.ones(3),))
    assert "y[0]" not in text and "np.zeros(3)" not in text
    np.testing.assert_allclose(s2sad.grad(scratch)(np.array([1.0, 2.0, 3.0])), [2.0, 4.0, 6.0])


def test_a_live_in_place_store_stays():
    # y = zeros; y[0:2] = a; return y: the store writes the returned value.
    body = [Assign("y", Op("zeros", (Const(3),))), Assign("y", Op("setitem", (Var("y"), Slice(None, Const(2), None), Var("a")))),
            Return(Var("y"))]
    fn = Function("f", [Param("a")], body)
    assert liveness.apply(fn).body == body


def test_switches_give_the_same_numbers_and_the_old_text():
    from s2sad.passes import settings as optimize

    x, v = np.linspace(-1.0, 1.5, 6), np.linspace(0.3, -0.7, 6)
    on = s2sad.hvp(rosenbrock, (x,), v), s2sad.jacobian(vector_fn, mode="forward")(x)
    with optimize.settings(tangent_only=False, tangent_stores=False):
        off = s2sad.hvp(rosenbrock, (x,), v), s2sad.jacobian(vector_fn, mode="forward")(x)
        text = s2sad.source(api.grad_of(rosenbrock, 0), "forward", args=(x,))
    assert "x_bar_dot = zero_at(x_bar_dot, np.s_[:-1]) + scatter_add(t7_dot, x_bar, np.s_[:-1])" in text
    for a, b in zip(on, off):
        np.testing.assert_allclose(a, b, rtol=1e-13)


DERIVATIVE = '''\
def vector_fn_derivative(x):
    """Forward mode seeded with ones (the elementwise derivative) of vector_fn with respect to x."""
    t1 = np.sin(x)
    t1_dot = np.cos(x)
    t2 = np.tanh(x)
    t2_dot = 1 - t2 ** 2
    t3_dot = t1_dot * t2 + t1 * t2_dot
    vector_fn_dot = t3_dot + 2.0 * x
    return vector_fn_dot
'''


def test_golden_diagonal_jacobian_runs_the_elementwise_derivative():
    # Seeded with ones and the seed folded in: `x_dot * np.cos(x)` reads `np.cos(x)`, `x_dot * 2 * x` reads
    # `2.0 * x`, which the fold pass then writes where it is read.
    from s2sad.driver import pipeline

    assert pipeline.show(vector_fn, "forward", ("x",), frozenset(), "diagonal").endswith(DERIVATIVE)
    x = np.linspace(-1, 1, 5)
    want = np.diag(np.cos(x) * np.tanh(x) + np.sin(x) * (1 - np.tanh(x) ** 2) + 2 * x)
    np.testing.assert_allclose(s2sad.jacobian(vector_fn, mode="forward")(x), want, rtol=1e-13)
    x2 = np.linspace(-1, 1, 6).reshape(2, 3)  # any shape: out.shape + in.shape
    np.testing.assert_allclose(s2sad.jacobian(vector_fn, mode="forward")(x2),
                               autograd.jacobian(lambda x: anp.sin(x) * anp.tanh(x) + x ** 2)(x2), rtol=1e-12)


def linear(x):
    return 3.0 * x


def test_a_constant_derivative_falls_back_to_the_general_passes():
    # The seeded derivative of 3.0 * x is the number 3.0: no shape to check, so the general pass runs.
    x = np.linspace(-1, 1, 4)
    np.testing.assert_allclose(s2sad.jacobian(linear, mode="forward")(x), 3.0 * np.eye(4))
    np.testing.assert_allclose(s2sad.jacobian(linear, mode="forward")(x), 3.0 * np.eye(4))
