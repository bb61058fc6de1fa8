"""Common-subexpression elimination (s2sad/passes/cse.py) on the lean variants: golden before/after text, the
same gradients with the pass off and on, and the values that must not be merged.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad.passes import cse, settings as optimize
from s2sad.ir import Assign, Const, For, Function, Op, Param, Return, Var

from perf_cases import rosenbrock

X6 = np.linspace(-1.0, 1.5, 6)


def test_golden_rosenbrock_slices_once():
    with optimize.settings(cse=False):
        before = s2sad.source(rosenbrock, "grad", args=(X6,))
    after = s2sad.source(rosenbrock, "grad", args=(X6,))
    assert "    t4 = x[:-1]\n    c = 1.0 - t4\n" in before
    assert "    t4 = " not in after and "    c = 1.0 - t2\n" in after
    assert "t4 = x[:-1]" in s2sad.source(rosenbrock, args=(X6,))  # the lecture-form vjp keeps each line
    np.testing.assert_array_equal(s2sad.grad(rosenbrock)(X6), _off(lambda: s2sad.grad(rosenbrock)(X6)))


def _off(call):
    with optimize.settings(cse=False):
        return call()


def two_buffers(x):
    a = np.zeros(3)
    b = np.zeros(3)
    a[0] = x[0] * 2.0
    b[1] = x[1] * 3.0
    return np.sum(a * x + b * x)


def powers(x):
    return np.sum(np.cos(x ** 2) + np.cos(x ** 2.0) + np.sin(x) * np.sin(x))


@pytest.mark.parametrize("fn", [two_buffers, powers])
def test_same_gradients_and_fresh_arrays_stay_apart(fn):
    x = np.array([0.3, -0.7, 1.1])
    got = s2sad.grad(fn)(x)
    np.testing.assert_allclose(got, _off(lambda: s2sad.grad(fn)(x)), rtol=1e-15)
    s2sad.check_grads(fn, (x,))
    text = s2sad.source(fn, "grad", args=(x,))
    if fn is two_buffers:  # two np.zeros(3) are two arrays: each is stored into
        assert text.count("np.zeros(3)") == 2
    else:  # the sine of x once (with its cosine: sincos.py); x ** 2 and x ** 2.0 are kept apart (an int power and a float one)
        assert text.count("np.sin(x)") + text.count("sincos(x)") == 1 and "x ** 2\n" in text and "x ** 2.0\n" in text


def test_a_value_read_before_its_binding_in_a_loop_is_not_merged():
    # In a loop body, u = t * 2.0 reads last iteration's t and w = t * 2.0 this one's: two values, even
    # though t is bound once in the text. (Generated code starts such names with `t = None` before the
    # loop; this IR leaves that out, so only the invalidation at t's binding keeps them apart.)
    loop = For("i", Op("range", (Const(3),)), [
        Assign("u", Op("multiply", (Var("t"), Const(2.0)))),
        Assign("t", Op("add", (Var("a"), Var("u")))),
        Assign("w", Op("multiply", (Var("t"), Const(2.0))))])
    body = [loop, Return(Var("w"))]
    assert cse.apply(Function("f", [Param("a")], body)).body == body


def test_straight_line_repeat_is_renamed():
    body = [Assign("t", Op("sin", (Var("a"),))), Assign("u", Op("sin", (Var("a"),))),
            Assign("v", Op("add", (Var("t"), Var("u")))), Return(Var("v"))]
    out = cse.apply(Function("f", [Param("a")], body)).body
    assert out == [body[0], Assign("v", Op("add", (Var("t"), Var("t")))), Return(Var("v"))]


def shifted_twice(x, y):
    for i in range(3):
        x = np.tanh(x) * (y - 1.0) - np.tanh(x) * (y - 1.0) * y
    return x


def test_a_value_the_backward_sweep_computes_again_is_not_merged():
    # `y - 1.0` twice in the loop step: the backward sweep computes the second again (recompute), so its
    # name is bound twice and renaming it to the first would leave a reader of a name never bound (found
    # by tests/test_perf_algebra_random.py: UnboundLocalError).
    got = s2sad.grad(shifted_twice, (0, 1))(0.4, 0.7)
    want = _off(lambda: s2sad.grad(shifted_twice, (0, 1))(0.4, 0.7))
    np.testing.assert_allclose(got, want, rtol=1e-14)
    s2sad.check_grads(shifted_twice, (0.4, 0.7))
