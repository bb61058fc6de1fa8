"""The fold pass (s2sad/passes/fold.py): copies and scaled copies substituted into their readers in the
"grad" variant. Golden before/after text, the same gradients with the pass off and on (and against
autograd and central differences), and the cases where a binding must stay. Speed is measured in
benchmarks/, not here.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import s2sad
from s2sad.passes import fold, settings as optimize
from s2sad.ir import Assign, Const, For, Function, Op, Param, Return, Var

autograd = pytest.importorskip("autograd")
anp = autograd.numpy

from perf_cases import rosenbrock, rosenbrock_ag  # noqa: E402


def math_loop(x):
    for i in range(100):
        x = math.sin(x) * x + 0.5
    return x


def signs(x, y):
    u = -x * 3.0
    v = 2.0 * (y - x)
    return np.sum(-u * v + np.exp(-v))


def signs_ag(x, y):
    u = -x * 3.0
    v = 2.0 * (y - x)
    return anp.sum(-u * v + anp.exp(-v))


X6 = np.linspace(-1.0, 1.5, 6)

ROSENBROCK_BEFORE = '''\
    # backward sweep
    c_bar = 2.0 * c
    a_bar = 200.0 * a
    t4_bar = -c_bar
    x_bar = scatter_add(t4_bar, x, np.s_[:-1])
    t1_bar = a_bar
    t3_bar = -a_bar
    t2_bar = t3_bar * 2 * t2
    x_bar[:-1] += t2_bar
    x_bar[1:] += t1_bar
    return x_bar
'''

ROSENBROCK_AFTER = '''\
    # backward sweep
    a_bar = 200.0 * a
    x_bar = scatter_add(-2.0 * c, x, np.s_[:-1])
    t2_bar = a_bar * -2 * t2
    x_bar[:-1] += t2_bar
    x_bar[1:] += a_bar
    return x_bar
'''

LOOP_AFTER = '''\
    for i in reversed(range(100)):
        x = stack.pop()
        t1 = math.sin(x)
        t1_bar = x_bar * x
        x_bar = t1 * x_bar
        x_bar = x_bar + t1_bar * math.cos(x)
    return x_bar
'''


def test_golden_rosenbrock_signs_and_numbers_fold_into_one_product():
    with optimize.settings(fold=False):
        before = s2sad.source(rosenbrock, "grad", args=(X6,))
    after = s2sad.source(rosenbrock, "grad", args=(X6,))
    assert before.endswith(ROSENBROCK_BEFORE)
    assert after.endswith(ROSENBROCK_AFTER)
    # Two array passes fewer (`-c_bar`, `t3_bar * 2`), and the lecture's vjp text is untouched.
    assert "t3_bar = -a_bar\n    t2_bar = t3_bar * 2 * t2\n" in s2sad.source(rosenbrock, args=(X6,))


def test_golden_loop_copy_of_the_adjoint_is_read_directly():
    with optimize.settings(factor=False):  # (factor.py would then merge the last three lines)
        before = s2sad.source(math_loop, "grad", args=(0.3,))
    assert "t2_bar" not in before and before.endswith(LOOP_AFTER)
    with optimize.settings(fold=False, factor=False):
        assert "        t2_bar = x_bar\n" in s2sad.source(math_loop, "grad", args=(0.3,))


@pytest.mark.parametrize("fn,ag,args", [
    (rosenbrock, rosenbrock_ag, (X6,)),
    (signs, signs_ag, (np.linspace(-1, 1, 5), np.linspace(0.5, 2, 5))),
])
def test_same_gradients_with_the_pass_off_and_on(fn, ag, args):
    wrt = tuple(range(len(args)))
    with optimize.settings(fold=False):
        off = s2sad.grad(fn, wrt)(*args)
    on = s2sad.grad(fn, wrt)(*args)
    want = autograd.grad(ag, wrt)(*args)
    for a, b, c in zip(on, off, want):
        np.testing.assert_array_equal(a, b)  # bit for bit: only signs move into numbers
        np.testing.assert_allclose(a, c, rtol=1e-12)
    s2sad.check_grads(fn, args)
    # Forward over the folded adjoint: the Hessian-vector product still matches autograd's.
    v = np.linspace(0.3, -0.7, args[0].size)
    hv = s2sad.hvp(fn, args, v)
    want_hv = autograd.grad(lambda *a: anp.sum(autograd.grad(ag, 0)(*a) * v))(*args)
    np.testing.assert_allclose(hv, want_hv, rtol=1e-10)


def test_math_loop_gradient_and_hessian():
    g = s2sad.grad(math_loop)(0.3)
    eps = 1e-6
    assert g == pytest.approx((math_loop(0.3 + eps) - math_loop(0.3 - eps)) / (2 * eps), rel=1e-6)
    h = s2sad.hessian(math_loop)(0.3)
    gp, gm = s2sad.grad(math_loop)(0.3 + eps), s2sad.grad(math_loop)(0.3 - eps)
    assert h == pytest.approx((gp - gm) / (2 * eps), rel=1e-5)


def _fn(body, params=("a", "b")):
    return Function("f", [Param(p) for p in params], body)


def test_a_scaled_copy_read_twice_stays():
    # Folding `t = 2.0 * a` into two readers would compute the product twice.
    body = [Assign("t", Op("multiply", (Const(2.0), Var("a")))), Assign("u", Op("multiply", (Var("t"), Var("b")))),
            Assign("v", Op("add", (Var("t"), Var("u")))), Return(Var("v"))]
    assert fold.apply(_fn(body)).body == body


def test_a_copy_whose_source_changes_before_its_last_reader_stays():
    body = [Assign("t", Var("a")), Assign("a", Op("multiply", (Var("a"), Var("b")))),
            Assign("u", Op("multiply", (Var("t"), Var("b")))), Return(Var("u"))]
    assert fold.apply(_fn(body)).body == body


def test_a_copy_read_by_the_statement_that_rebinds_its_source_folds():
    # `t = a; a = t * b; u = a + b`: the right side is evaluated first, so `a = a * b` is the same.
    body = [Assign("t", Var("a")), Assign("a", Op("multiply", (Var("t"), Var("b")))),
            Assign("u", Op("add", (Var("a"), Var("b")))), Return(Var("u"))]
    out = fold.apply(_fn(body)).body
    assert out[0] == Assign("a", Op("multiply", (Var("a"), Var("b"))))
    assert len(out) == 3


def test_nothing_crosses_a_loop_or_a_return():
    loop = For("i", Op("range", (Const(3),)), [Assign("b", Op("multiply", (Var("t"), Var("b"))))])
    body = [Assign("t", Op("negative", (Var("a"),))), loop, Return(Var("b"))]
    assert fold.apply(_fn(body)).body == body
    returned = [Assign("t", Op("negative", (Var("a"),))), Return(Var("t"))]
    assert fold.apply(_fn(returned)).body == returned


def _store(y, index, value):
    return Assign(y, Op("setitem", (Var(y), index, value)))


def test_a_lowered_augmented_store_is_one_again():
    from s2sad.ir import Slice

    idx = Slice(None, Const(-1), None)
    body = [Assign("y", Op("zeros", (Const(3),))), Assign("v", Op("getitem", (Var("y"), idx))),
            Assign("w", Op("add", (Var("v"), Var("a")))), _store("y", idx, Var("w")), Return(Var("y"))]
    out = fold.apply(_fn(body, ("a",))).body
    assert out[1] == _store("y", idx, Op("add", (Op("getitem", (Var("y"), idx)), Var("a"))))  # prints y[:-1] += a
    assert len(out) == 3
    # g - y[i] is no augmented store, and a view read again stays.
    minus = body[:2] + [Assign("w", Op("subtract", (Var("a"), Var("v")))), _store("y", idx, Var("w")), Return(Var("y"))]
    assert fold.apply(_fn(minus, ("a",))).body == minus
    again = body[:4] + [Return(Op("add", (Var("y"), Var("v"))))]
    assert fold.apply(_fn(again, ("a",))).body == again


def test_hvp_argument_errors():
    x = np.linspace(-1, 1, 4)
    with pytest.raises(s2sad.ShapeError, match="v has shape"):
        s2sad.hvp(rosenbrock, (x,), np.ones(3))
    with pytest.raises(s2sad.InputError, match="no direction"):
        s2sad.hvp(lambda_n, (x, 3), x, wrt=1)


def lambda_n(x, n):
    return np.sum(x ** n)


def test_numbers_merge_only_through_a_power_of_two():
    from s2sad.analysis.shapes import unknown
    from s2sad.ad.simplify import simplify

    def s(e):
        return simplify(e, lambda _: unknown())

    a = Var("a")
    assert s(Op("multiply", (Op("multiply", (Const(200.0), a)), Const(-2)))) == Op("multiply", (a, Const(-400.0)))
    three = Op("multiply", (Op("multiply", (Const(0.1), a)), Const(3.0)))  # (0.1 * a) * 3 may round differently
    assert s(three) == three
    x = np.linspace(-7.3, 9.1, 101)
    np.testing.assert_array_equal((200.0 * x) * -2, x * -400.0)
