"""Factor an adjoint out of its updates (s2sad/passes/factor.py) on the lean variants: golden before/after
text, the same derivatives with the pass off and on and against autograd, and what must stay apart.
"""
from __future__ import annotations

import types

import numpy as np
import pytest

import s2sad
from s2sad.passes import factor, settings as optimize
from s2sad.ir import Assign, Const, For, Function, Op, Param, Return, Var

from benchmarks.workloads import scalar_loop_math, scalar_loop_np
from collect_cases import branchy, exp_weights, self_square, tanh_mix, three_factors, twice_in_a_loop, wave_sum

autograd = pytest.importorskip("autograd")


def _twin(f):
    """`f` with np bound to autograd.numpy (and math's sin to autograd's): the oracle reads the same source."""
    anp = autograd.numpy
    return types.FunctionType(f.__code__, {"np": anp, "math": types.SimpleNamespace(sin=anp.sin)}, f.__name__)


def _off(call):
    with optimize.settings(factor=False):
        return call()


def test_golden_the_loop_step_reads_like_the_hand_written_one():
    before = _off(lambda: s2sad.source(scalar_loop_math, "grad", args=(0.3,)))
    after = s2sad.source(scalar_loop_math, "grad", args=(0.3,))
    assert "        t1_bar = x_bar * x\n        x_bar = t1 * x_bar\n        x_bar = x_bar + t1_bar * math.cos(x)\n" in before
    assert after.endswith("        x = stack.pop()\n        t1 = math.sin(x)\n        x_bar = x_bar * (t1 + x * math.cos(x))\n"
                          "    return x_bar\n")
    assert "        x_bar = x_bar * (t1 + x * np.cos(x))\n        t1 = stack.pop()\n" in s2sad.source(scalar_loop_np, "grad", args=(0.3,))
    # the lecture-form adjoint keeps one statement per rule
    assert "t1_bar = t2_bar * x\n        x_bar = t1 * t2_bar\n" in s2sad.source(scalar_loop_math, args=(0.3,))


def test_golden_a_first_product_takes_its_common_factor_out():
    before = _off(lambda: s2sad.source(wave_sum, "grad"))
    after = s2sad.source(wave_sum, "grad")
    assert "    x_bar = t2_bar * t1\n    t1_bar = x * t2_bar\n    x_bar += t1_bar * np.cos(x)\n" in before
    assert "    x_bar = t2_bar * (t1 + x * np.cos(x))\n    return x_bar\n" in after


CASES = [(scalar_loop_math, (0.3,)), (scalar_loop_math, (-1.2,)), (scalar_loop_np, (0.7,)), (scalar_loop_np, (np.linspace(-1, 1, 5),)),
         (wave_sum, (np.linspace(-2, 2, 7),)), (twice_in_a_loop, (0.4, 0.9)), (three_factors, (0.6, 1.1)),
         (self_square, (0.3, 0.2)), (tanh_mix, (0.5, 1.3)), (branchy, (0.7, 0.4)), (branchy, (-0.7, 0.4)),
         (exp_weights, (np.linspace(-1, 1, 5), np.linspace(2, 3, 5)))]


@pytest.mark.parametrize("f, args", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_gradients_agree_with_autograd_and_with_the_pass_off(f, args):
    wrt = tuple(range(len(args))) if len(args) > 1 else 0
    if f is scalar_loop_np and np.ndim(args[0]):  # an array output: its Jacobian's diagonal, through vjp
        value, back = s2sad.vjp(f, args[0])
        on, off = back(np.ones_like(value))[0], _off(lambda: s2sad.vjp(f, args[0])[1](np.ones_like(value))[0])
        want = autograd.grad(lambda x: autograd.numpy.sum(_twin(f)(x)))(args[0])
    else:
        on, off = s2sad.grad(f, wrt)(*args), _off(lambda: s2sad.grad(f, wrt)(*args))
        want = autograd.grad(_twin(f), wrt)(*args)
    np.testing.assert_allclose(on, off, rtol=1e-13)  # a product of a sum, not a sum of products: rounding differs
    np.testing.assert_allclose(on, want, rtol=1e-11)


def test_forward_over_the_factored_adjoint():
    # hessian and hvp run forward mode over the "grad" adjoint, the factored update included
    for x in (0.3, -0.8):
        h = s2sad.hessian(scalar_loop_math)(x)
        assert h == pytest.approx(float(autograd.hessian(_twin(scalar_loop_math))(x)), rel=1e-9)
    x, v = np.linspace(-1, 1, 6), np.cos(np.arange(6.0))
    np.testing.assert_allclose(s2sad.hvp(wave_sum, (x,), v), autograd.hessian_tensor_product(_twin(wave_sum))(x, v),
                               rtol=1e-11)


# -- what stays apart -----------------------------------------------------------------------------

A, X, Y = Var("a"), Var("x"), Var("y")


def _mul(p, q):
    return Op("multiply", (p, q))


def _steps(*middle, before=(), params=("a", "x", "y")):
    """t = a * x; [before]; a = y * a; [middle]; a = a + t * y; return a"""
    body = [Assign("t", _mul(A, X)), *before, Assign("a", _mul(Y, A)), *middle,
            Assign("a", Op("add", (A, _mul(Var("t"), Y)))), Return(A)]
    return Function("f", [Param(p) for p in params], body)


def test_factored_when_nothing_is_in_the_way():
    out = factor.apply(_steps()).body
    assert out == [Assign("a", _mul(A, Op("add", (Y, _mul(X, Y))))), Return(A)]


def test_a_read_of_the_adjoint_in_between_stays():
    # c = a * 2.0 reads the scaled a: after factoring it would read the updated one
    fn = _steps(Assign("c", _mul(A, Const(2.0))))
    assert factor.apply(fn).body == fn.body


def test_names_that_change_in_between_stay():
    # x (read by R = x) changes between t and the scaling; y (read by S = y) between the scaling and the update
    for fn in (_steps(before=[Assign("x", _mul(X, Const(3.0)))]), _steps(Assign("y", _mul(Y, Const(3.0))))):
        assert factor.apply(fn).body == fn.body
    # t read twice: its product would be computed twice
    fn = _steps(Assign("z", _mul(Var("t"), Const(2.0))))
    assert factor.apply(fn).body == fn.body


def test_control_flow_in_between_stays():
    fn = _steps(For("i", Op("range", (Const(2),)), [Assign("z", _mul(X, Const(2.0)))]))
    assert factor.apply(fn).body == fn.body


def test_an_update_takes_the_common_factor_of_the_next_one_and_signs_follow():
    # t = x * z; a = a + x * y; a = a - t * y  ->  a = a + x * (y - z * y)
    z = Var("z")
    body = [Assign("t", _mul(X, z)), Assign("a", Op("add", (A, _mul(X, Y)))),
            Assign("a", Op("subtract", (A, _mul(Var("t"), Y)))), Return(A)]
    out = factor.apply(Function("f", [Param(p) for p in "axyz"], body)).body
    assert out == [Assign("a", Op("add", (A, _mul(X, Op("subtract", (Y, _mul(z, Y))))))), Return(A)]
    # a - x * y, then a - t * y: a - x * (y + z * y)
    body[1] = Assign("a", Op("subtract", (A, _mul(X, Y))))
    out = factor.apply(Function("f", [Param(p) for p in "axyz"], body)).body
    assert out == [Assign("a", Op("subtract", (A, _mul(X, Op("add", (Y, _mul(z, Y))))))), Return(A)]


def test_golden_a_difference_of_partials():
    text = s2sad.source(three_factors, "grad", wrt=(0, 1), args=(0.6, 1.1))
    assert "        x_bar = t2_bar * (t1 - x * np.sin(x))\n" in text
