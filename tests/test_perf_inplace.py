"""Accumulate in place (s2sad/inplace.py): a gradient summed over a loop is added into one array in
the "grad" variant. Golden text, the same gradients with the pass off and on (against autograd too),
forward mode over it, and the accumulators that must stay as they are.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad import inplace, optimize
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
    assert "    W_bar = np.zeros_like(W)\n" in before and "        W_bar = W_bar + matmul_adjoint_b(t3_bar, h, W)\n" in before
    assert "    W_bar = np.zeros_like(W, dtype=float)\n" in after
    assert "        W_bar += matmul_adjoint_b(t3_bar, h, W)\n" in after
    assert "        b_bar += unbroadcast(t7_bar, b)\n" in after


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
