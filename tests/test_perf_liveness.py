"""Adjoint liveness (s2sad/passes/liveness.py): `s2sad.grad` of a function whose value is a number runs an
adjoint without the statements that only form the value, with its seed 1.0 folded in.

Golden before/after text on the Rosenbrock function and the logistic loss, the same gradients with
the pass off and on (and against central differences), and the cases where the value must stay:
outputs that may be arrays, and `value_and_grad`. Speed is measured in benchmarks/, not here.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad.passes import liveness, settings as optimize
from s2sad.ir import Assign, Const, For, Function, Op, Param, Return, Var, While


def rosenbrock(x):
    a = x[1:] - x[:-1] ** 2
    c = 1.0 - x[:-1]
    return np.sum(100.0 * a ** 2 + c ** 2)


def logistic(w, X, y):
    z = X @ w
    return np.mean(np.log(1.0 + np.exp(-y * z)))


def looped(x, n):
    s = 0.0
    for i in range(n):
        x = np.sin(x) * x + 0.5
        s = s + np.sum(x)
    return s * 2.0


def with_break(x):
    total = 0.0
    k = 0
    while k < 10:
        k += 1
        total = total + np.sum(x * k)
        if total > 3.0:
            break
    return total + np.sum(np.tanh(x))


def array_valued(x):
    return x * 2.0


def swapped_in_a_branch(x0, x1):
    # Found by the fuzzer: the shape facts walked both arms and took the last one they saw for x0,
    # "a number", so grad skipped the check that the output is one.
    if x0 > 0.0:
        x0, x1 = (x1, x0)
        x0 = x1 * np.ones((2,))
    else:
        x0, x1 = (x1, x0)
    return x0


def maybe_array(x):
    return x @ x  # a number for 1-D x, a matrix for 2-D: no static proof


X6 = np.linspace(-1.0, 1.5, 6)

ROSENBROCK_GRAD = '''\
def rosenbrock_grad(x):
    """Reverse mode (adjoint) of rosenbrock with respect to x."""
    # forward sweep
    t1 = x[1:]
    t2 = x[:-1]
    t3 = t2 ** 2
    a = t1 - t3
    t4 = x[:-1]
    c = 1.0 - t4
    # backward sweep
    c_bar = 2.0 * c
    a_bar = 200.0 * a
    t4_bar = -c_bar
'''


def test_golden_rosenbrock_grad_has_no_value_statements():
    before = s2sad.source(rosenbrock, "reverse", args=(X6,))
    with optimize.settings(fold=False, cse=False):  # the passes after this one (test_perf_fold.py, test_perf_cse.py)
        after = s2sad.source(rosenbrock, "grad", args=(X6,))
    # Before: the forward sweep forms the value too, down to np.sum.
    for line in ("t5 = a ** 2", "t6 = 100.0 * t5", "t7 = c ** 2", "t8 = t6 + t7", "rosenbrock = np.sum(t8)"):
        assert f"    {line}\n" in before
        assert f"    {line}\n" not in after
    assert ROSENBROCK_GRAD in after
    # The seed is the constant 1.0, folded: before, `c_bar = t7_bar * 2 * c` and `t5_bar = 100.0 * t6_bar`.
    assert "c_bar = t7_bar * 2 * c" in before and "t5_bar = 100.0 * t6_bar" in before and "rosenbrock_bar" not in after


def test_golden_logistic_mean_adjoint_reads_a_live_array_for_its_size():
    w, X, y = np.ones(3), np.ones((4, 3)), np.ones(4)
    before = s2sad.source(logistic, "reverse", args=(w, X, y))
    after = s2sad.source(logistic, "grad", args=(w, X, y))
    assert "t5 = np.log(t4)" in before and "t5_bar = logistic_bar / np.size(t5)" in before
    # t5 = log(t4) has t4's shape: the size comes from t4, which the backward sweep reads anyway.
    assert "np.log" not in after and "t5_bar = 1.0 / np.size(t4)" in after


CASES = [
    (rosenbrock, (X6,), 0),
    (logistic, (np.array([0.3, -0.2, 0.1]), np.random.default_rng(1).standard_normal((5, 3)), np.array([1.0, -1.0, 1.0, 1.0, -1.0])), 0),
    (looped, (X6, 3), 0),
    (with_break, (X6,), 0),
    (with_break, (X6 * 0.01,), 0),
]


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=lambda c: getattr(c, "__name__", None))
def test_same_gradient_with_the_pass_off_and_on(fn, args, wrt):
    with optimize.settings(liveness=False):
        off = s2sad.grad(fn, wrt)(*args)
    on = s2sad.grad(fn, wrt)(*args)
    np.testing.assert_allclose(on, off, rtol=1e-13, atol=1e-13)
    # and against central differences, so neither can be wrong the same way
    x = np.asarray(args[wrt], dtype=float)
    v = np.random.default_rng(7).standard_normal(x.shape)
    h = 1e-6
    moved = lambda t: fn(*(args[:wrt] + (x + t * v,) + args[wrt + 1:]))  # noqa: E731
    assert np.vdot(on, v) == pytest.approx((moved(h) - moved(-h)) / (2 * h), rel=1e-6, abs=1e-8)


def test_grad_runs_the_grad_variant_only_when_the_value_is_a_number():
    assert s2sad.source(rosenbrock, "grad", args=(X6,)).count("def rosenbrock_grad(") == 1
    for fn, args in ((array_valued, (X6,)), (maybe_array, (np.ones((2, 2)),)), (swapped_in_a_branch, (0.3, np.ones(2)))):
        with pytest.raises(s2sad.ShapeError, match="jacobian"):
            s2sad.grad(fn)(*args)
    assert s2sad.grad(maybe_array)(X6) == pytest.approx(2 * X6)  # 1-D: a number, checked at run time


def test_value_and_grad_keeps_the_value():
    value, g = s2sad.value_and_grad(rosenbrock)(X6)
    assert value == pytest.approx(rosenbrock(X6))
    np.testing.assert_allclose(g, s2sad.grad(rosenbrock)(X6))


def test_dead_statements_in_loops_go_and_effects_stay():
    # The IR directly. A `for` whose body only forms values nothing reads goes entirely; in a `while`
    # the dead assignment goes, but the counter its test reads stays; a pop stays whatever its target.
    fn = Function("f_grad", [Param("x")], [
        For("i", Op("range", (Const(3),)), [Assign("dead1", Op("multiply", (Var("x"), Var("i"))))]),
        Assign("k", Const(0)),
        While(Op("less", (Var("k"), Const(3))), [Assign("k", Op("add", (Var("k"), Const(1)))),
                                                 Assign("dead2", Op("multiply", (Var("x"), Var("k"))))]),
        Assign("unused", Op("pop", (Var("stack"),))),
        Return(Var("x")),
    ])
    text = str(liveness.apply(fn))
    assert "dead" not in text and "for i in" not in text
    assert "while k < 3:\n        k = k + 1\n" in text and "unused = stack.pop()" in text
