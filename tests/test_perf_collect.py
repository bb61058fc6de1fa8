"""Collect like terms (s2sad/passes/collect.py) on the lean variants: golden before/after text, the same
derivatives with the pass off and on and against autograd, and the terms that must stay apart.
"""
from __future__ import annotations

import types

import numpy as np
import pytest

import s2sad
from s2sad.passes import collect, settings as optimize
from s2sad.ir import Assign, Const, For, Function, Op, Param, Return, Var

from benchmarks.workloads import elementwise
from collect_cases import cubic, gaussian, square_sum, weighted

autograd = pytest.importorskip("autograd")


def _twin(f):
    """`f` with np bound to autograd.numpy: the oracle reads the same source."""
    return types.FunctionType(f.__code__, {"np": autograd.numpy}, f.__name__)


def _off(call):
    with optimize.settings(collect=False, factor=False):  # (factor would merge the same lines its own way)
        return call()


def test_golden_the_two_contributions_of_minus_x_times_x_are_one():
    before = _off(lambda: s2sad.source(elementwise, "grad"))
    after = s2sad.source(elementwise, "grad")
    assert "    t2_bar = t3_bar * x\n    x_bar += t2 * t3_bar\n    x_bar -= t2_bar\n" in before
    assert "    x_bar -= 2 * x * t3_bar\n    x_bar += t4 * np.cos(x)\n" in after and "t2_bar" not in after


def test_golden_a_first_binding_merges_and_sums_inside_an_expression_merge():
    before, after = _off(lambda: s2sad.source(gaussian, "grad")), s2sad.source(gaussian, "grad")
    assert "    t1_bar = t2_bar * x\n    x_bar = t1 * t2_bar\n    x_bar -= t1_bar\n" in before
    assert "    t2_bar = t4 / 2\n    x_bar = -2 * x * t2_bar\n    return x_bar\n" in after
    assert "    x_bar = x + x\n" in _off(lambda: s2sad.source(square_sum, "grad"))
    assert "    x_bar = 2 * x\n" in s2sad.source(square_sum, "grad")
    assert "x_bar = x_bar + (3.0 * x + x * 3.0)" in _off(lambda: s2sad.source(cubic, "grad"))
    assert "x_bar = x_bar + 6.0 * x" in s2sad.source(cubic, "grad")
    # the lecture-form adjoint keeps one statement per rule
    assert "t1_bar = t2_bar * x" in s2sad.source(gaussian)


CASES = [(gaussian, (np.linspace(-2, 2, 7),)), (square_sum, (np.linspace(-1, 3, 5),)), (cubic, (0.7,)),
         (elementwise, (np.linspace(-1.5, 2.0, 9),)), (elementwise, (-0.4,)),
         (weighted, (np.linspace(-1, 1, 6), np.linspace(2, 3, 6)))]


@pytest.mark.parametrize("f, args", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_gradients_agree_with_autograd_and_with_the_pass_off(f, args):
    wrt = tuple(range(len(args))) if len(args) > 1 else 0
    on = s2sad.grad(f, wrt)(*args)
    off = _off(lambda: s2sad.grad(f, wrt)(*args))
    want = autograd.grad(_twin(f), wrt)(*args)
    for a, b, c in zip(*(np.atleast_1d(o) if len(args) == 1 else o for o in (on, off, want))):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-15)  # a re-associated sum, not bit for bit
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("f", [gaussian, elementwise, square_sum])
def test_forward_over_the_collected_adjoint(f):
    x, v = np.linspace(-1.2, 1.4, 6), np.cos(np.arange(6.0))
    got = s2sad.hvp(f, (x,), v)
    want = autograd.hessian_tensor_product(_twin(f))(x, v)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_int_arrays_keep_their_values():
    x = np.arange(-3, 4)  # 2 * x of ints is exact, as x + x is
    np.testing.assert_allclose(s2sad.grad(square_sum)(x), 2.0 * x)


# -- terms that stay apart ------------------------------------------------------------------------

def _fn(body, params=("x", "y")):
    return Function("f", [Param(p) for p in params], body)


def _mul(a, b):
    return Op("multiply", (a, b))


X, Y = Var("x"), Var("y")


def test_like_terms_inside_an_expression():
    same = _fn([Return(Op("add", (_mul(X, Y), _mul(Y, X))))])
    assert collect.apply(same).body == [Return(_mul(_mul(Const(2), X), Y))]
    opposite = _fn([Return(Op("subtract", (_mul(X, Y), Op("negative", (_mul(Y, X),)))))])
    assert collect.apply(opposite).body == [Return(_mul(_mul(Const(2), X), Y))]
    # half and half of an int array: the float 1.0 stays, so the sum stays float
    halves = _fn([Return(Op("add", (_mul(Const(0.5), X), _mul(X, Const(0.5)))))])
    assert collect.apply(halves).body == [Return(_mul(Const(1.0), X))]
    # different numbers (0.1 x + 0.2 x is not 0.3 x bit for bit), different factors, or a difference of
    # equal terms (x*y - y*x is NaN for inf, not 0) stay as they are
    for e in (Op("add", (_mul(Const(0.1), X), _mul(Const(0.2), X))), Op("add", (_mul(X, Y), _mul(X, X))),
              Op("subtract", (_mul(X, Y), _mul(Y, X)))):
        assert collect.apply(_fn([Return(e)])).body == [Return(e)]


def test_a_product_read_twice_is_not_looked_through():
    t = Assign("t", _mul(X, Y))
    body = [t, Assign("c", _mul(Var("t"), Const(2.0))), Return(Op("add", (Var("t"), _mul(Y, X))))]
    assert collect.apply(_fn(body)).body == body
    once = [t, Return(Op("add", (Var("t"), _mul(Y, X))))]
    assert collect.apply(_fn(once)).body == [Return(_mul(_mul(Const(2), X), Y))]  # and the unread t goes


def test_names_that_change_are_not_looked_through_or_moved():
    # y is re-bound: t = -y at the top is not the y of the sum
    neg = [Assign("t", Op("negative", (Y,))), Assign("y", _mul(Y, Const(3.0))),
           Return(Op("subtract", (_mul(Var("t"), X), _mul(X, Y))))]
    assert collect.apply(_fn(neg)).body == neg
    # a chain whose first term reads a name re-bound before the second: p cannot move down
    chain = [Assign("a", _mul(X, Var("z"))), Assign("z", _mul(Var("z"), Const(3.0))),
             Assign("a", Op("add", (Var("a"), _mul(Var("z"), X)))), Return(Var("a"))]
    assert collect.apply(_fn(chain, ("x", "z"))).body == chain
    # a chain in a loop body is left alone; the same chain at the top level merges
    sums = [Assign("a", _mul(X, Y)), Assign("a", Op("add", (Var("a"), _mul(Y, X))))]
    looped = [For("i", Op("range", (Const(3),)), sums), Return(Var("a"))]
    assert collect.apply(_fn(looped)).body == looped
    assert collect.apply(_fn([*sums, Return(Var("a"))])).body == [Assign("a", _mul(_mul(Const(2), X), Y)), Return(Var("a"))]


def test_a_chain_read_in_between_stays():
    body = [Assign("a", _mul(X, Y)), Assign("c", _mul(Var("a"), Const(2.0))),
            Assign("a", Op("add", (Var("a"), _mul(Y, X)))), Return(Op("add", (Var("a"), Var("c"))))]
    assert collect.apply(_fn(body)).body == body
