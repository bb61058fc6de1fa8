"""Accumulate in place (s2sad/passes/inplace.py): a gradient summed over a loop is added into one array in
the "grad" variant. Golden text, the same gradients with the pass off and on (against autograd too),
forward mode over it, and the accumulators that must stay as they are.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad.passes import inplace, settings as optimize
from s2sad.passes.context import Context
from s2sad.ir import Assign, Const, For, Function, Op, Param, Return, Var

autograd = pytest.importorskip("autograd")
anp = autograd.numpy

from benchmarks.workloads import rnn  # noqa: E402 -- the benchmark's RNN, differentiated as users write it


def rnn_ag(W, U, b, h0, xs):
    h = h0
    for t in range(xs.shape[0]):
        h = anp.tanh(h @ W + xs[t] @ U + b)
    return anp.sum(h ** 2)


def _args():
    rng = np.random.default_rng(5)
    return (rng.standard_normal((4, 4)) * 0.4, rng.standard_normal((3, 4)) * 0.4, rng.standard_normal(4) * 0.1,
            rng.standard_normal((2, 4)) * 0.3, rng.standard_normal((5, 2, 3)))


def test_golden_rnn_weights_accumulate_in_place():
    args = _args()
    with optimize.settings(inplace=False):
        before = s2sad.source(rnn, "grad", wrt=(0, 1, 2), args=args)
    after = s2sad.source(rnn, "grad", wrt=(0, 1, 2), args=args)
    assert "    W_bar = np.zeros_like(W)\n" in before and "        W_bar = W_bar + h.T @ t7_bar\n" in before
    assert "    W_bar = np.zeros_like(W, dtype=float)\n" in after
    assert "        W_bar += h.T @ t7_bar\n" in after
    assert "        b_bar += t7_bar.sum(axis=0)\n" in after
    with optimize.settings(layouts=False):  # the same without the layout facts: runtime helpers
        generic = s2sad.source(rnn, "grad", wrt=(0, 1, 2), args=args)
    assert "        W_bar += matmul_adjoint_b(t3_bar, h, W)\n" in generic
    assert "        b_bar += unbroadcast(t7_bar, b)\n" in generic


def test_same_gradients_against_autograd_and_with_the_pass_off():
    args = _args()
    on = s2sad.grad(rnn, (0, 1, 2))(*args)
    with optimize.settings(inplace=False):
        off = s2sad.grad(rnn, (0, 1, 2))(*args)
    want = autograd.grad(rnn_ag, (0, 1, 2))(*args)
    for a, b, c in zip(on, off, want):
        np.testing.assert_allclose(a, b, rtol=1e-13)
        np.testing.assert_allclose(a, c, rtol=1e-10)
    # Integer weights: the accumulator is float from the start, so `+=` never casts floats to ints.
    W_int = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    g = s2sad.grad(rnn)(W_int, *args[1:])
    np.testing.assert_allclose(g, autograd.grad(rnn_ag)(W_int.astype(float), *args[1:]), rtol=1e-10)
    assert g.dtype == np.float64


def test_forward_over_the_in_place_sums():
    # hvp reads the "grad" adjoint back, `W_bar += g` in its loop included.
    args = _args()
    v = np.random.default_rng(3).standard_normal((4, 4))
    got = s2sad.hvp(rnn, args, v)
    eps = 1e-6
    g = s2sad.grad(rnn)
    want = (g(args[0] + eps * v, *args[1:]) - g(args[0] - eps * v, *args[1:])) / (2 * eps)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


def _loop(body):
    return For("i", Op("range", (Const(3),)), body)


def test_an_accumulator_read_elsewhere_stays():
    init = Assign("a_bar", Op("zeros_like", (Var("a"),)))
    acc = Assign("a_bar", Op("add", (Var("a_bar"), Var("g"))))
    read = Assign("c", Op("multiply", (Var("a_bar"), Const(2.0))))  # another reader: its array would be shared
    fn = Function("f", [Param("a"), Param("g")], [init, _loop([acc, read]), Return(Var("a_bar"))])
    assert inplace.apply(fn).body == fn.body
    ok = Function("f", [Param("a"), Param("g")], [init, _loop([acc]), Return(Var("a_bar"))])
    out = inplace.apply(ok).body
    assert out[0].value.kwargs == (("dtype", Const(float)),)
    assert out[1].body[0].value.prim == "setitem"


# -- straight-line chains ----------------------------------------------------------------------

from benchmarks.workloads import elementwise  # noqa: E402


def elementwise_ag(x):
    return anp.sum(anp.sin(x) * anp.exp(-x * x) + anp.tanh(x))


def test_golden_a_straight_line_chain_is_summed_in_place():
    with optimize.settings(inplace=False, collect=False, factor=False):  # (collect.py would merge two of the sums first)
        before = s2sad.source(elementwise, "grad")
    with optimize.settings(collect=False, factor=False):
        after = s2sad.source(elementwise, "grad")
    chain_before = "    x_bar = 1 - t6 ** 2\n    t3_bar = t1 * t4\n    t2_bar = t3_bar * x\n    x_bar = x_bar + t2 * t3_bar\n" \
                   "    x_bar = x_bar - t2_bar\n    x_bar = x_bar + t4 * np.cos(x)\n"
    chain_after = "    x_bar = 1 - t6 ** 2\n    t3_bar = t1 * t4\n    t2_bar = t3_bar * x\n    x_bar += t2 * t3_bar\n" \
                  "    x_bar -= t2_bar\n    x_bar += t4 * np.cos(x)\n"
    assert chain_before in before and chain_after in after


@pytest.mark.parametrize("x", [np.linspace(-1.5, 2.0, 7), 0.7, np.float64(-0.3)])
def test_chain_gradients_agree_with_autograd_and_with_the_pass_off(x):
    on = s2sad.grad(elementwise)(x)
    with optimize.settings(inplace=False):
        off = s2sad.grad(elementwise)(x)
    np.testing.assert_allclose(on, off, rtol=1e-15)
    np.testing.assert_allclose(on, autograd.grad(elementwise_ag)(x), rtol=1e-12)
    # forward over it: hvp of the in-place chain against differences of the gradient
    if np.ndim(x):
        v = np.cos(np.arange(7.0))
        g, eps = s2sad.grad(elementwise), 1e-6
        np.testing.assert_allclose(s2sad.hvp(elementwise, (x,), v), (g(x + eps * v) - g(x - eps * v)) / (2 * eps), rtol=1e-6, atol=1e-8)


def _chain(first, *more, params=("x", "g", "n")):
    sums = [Assign("a", Op(p, (Var("a"), g))) for p, g in more]
    return Function("f", [Param(p) for p in params], [Assign("a", first), *sums, Return(Var("a"))])


def _summed_in_place(fn, scalars=frozenset()):
    return [s.value.prim == "setitem" for s in inplace.apply(fn, Context(scalars=scalars)).body[1:-1]]


def test_which_chains_are_summed_in_place():
    sin_x = Op("sin", (Var("x"),))
    g = Op("multiply", (Var("x"), Const(2.0)))
    # a fresh float array, contributions of its shape: both sums in place
    assert _summed_in_place(_chain(sin_x, ("add", g), ("subtract", g))) == [True, True]
    # arithmetic is float through a float operand, here a name bound to a float ufunc
    t = Function("f", [Param("x")], [Assign("t", sin_x), Assign("a", Op("multiply", (Var("t"), Var("x")))),
                                     Assign("a", Op("add", (Var("a"), g))), Return(Var("a"))])
    assert inplace.apply(t).body[2].value.prim == "setitem"
    # the first value may be the caller's array, an int array, or of unknown dtype: the sums stay
    assert _summed_in_place(_chain(Var("x"), ("add", g))) == [False]
    assert _summed_in_place(_chain(Op("multiply", (Var("n"), Const(2))), ("add", g))) == [False]
    assert _summed_in_place(_chain(Op("multiply", (Var("n"), Var("x"))), ("add", g))) == [False]
    # a contribution with a shape the accumulator may not have (x and g broadcast): `+=` could not grow it
    bigger = Op("multiply", (Var("x"), Var("g")))
    assert _summed_in_place(_chain(sin_x, ("add", bigger))) == [False]
    # a scalar accumulator takes array contributions only as a new value: nothing in place
    assert _summed_in_place(_chain(sin_x, ("add", g)), frozenset({"x"})) == [True]
    assert _summed_in_place(_chain(sin_x, ("add", Var("g"))), frozenset({"x"})) == [False]


def test_a_chain_read_elsewhere_or_summed_in_a_block_stays():
    sin_x, g = Op("sin", (Var("x"),)), Op("multiply", (Var("x"), Const(2.0)))
    view = Assign("v", Op("getitem", (Var("a"), Const(slice(1, None)))))  # a view would see the update
    fn = Function("f", [Param("x")], [Assign("a", sin_x), view, Assign("a", Op("add", (Var("a"), g))),
                                      Return(Op("add", (Var("a"), Var("v"))))])
    assert inplace.apply(fn).body == fn.body
    looped = Function("f", [Param("x")], [Assign("a", sin_x), _loop([Assign("a", Op("add", (Var("a"), g)))]), Return(Var("a"))])
    assert inplace.apply(looped).body == looped.body
