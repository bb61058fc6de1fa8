"""Against HIPS/autograd on the same source: each function below runs once with
`np` = numpy (s2sad reads and differentiates it) and once with `np` =
autograd.numpy (the same code object, traced by autograd)."""
from __future__ import annotations

import types

import numpy as np
import pytest

import s2sad

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")


def with_autograd(fn):
    """`fn` with its global `np` bound to autograd.numpy: same source, same code object."""
    return types.FunctionType(fn.__code__, {**fn.__globals__, "np": anp}, fn.__name__, fn.__defaults__)


def mlp_cross_entropy(W1, b1, W2, b2, X, Y):
    """A 2-layer tanh MLP with a numerically stable softmax cross-entropy; Y is one-hot."""
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def logsumexp_stable(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def contraction(A, B, C):
    P = np.einsum("ij,jk->ik", A, B)
    Q = np.tensordot(P, C, axes=([1], [0]))
    R = np.sum(Q * np.tanh(Q), axis=1)  # (autograd's einsum VJP refuses "ik,ik->i")
    return np.sum(np.tensordot(R, A, 1) ** 2) + np.sum(np.einsum("ij,kj->ik", A, A) * np.eye(3))


def linalg_mix(A, b):
    sign, logdet = np.linalg.slogdet(A)
    x = np.linalg.solve(A, b)
    return sign * logdet + np.sum(np.linalg.inv(A) @ b) + np.linalg.norm(x) + np.linalg.det(A) ** 2


def indexing_mix(x):
    rows = x[1:, ::2] ** 2
    picked = x[np.array([0, 0, 2]), np.array([1, 1, 3])] * np.array([1.0, 2.0, 3.0])
    positive = x[x > 0]
    return np.sum(rows) + np.sum(picked) + np.sum(np.sin(positive)) + np.sum(x[..., -1])


@pytest.fixture
def data():
    rng = np.random.default_rng(2024)
    X = rng.standard_normal((8, 5))
    Y = np.eye(3)[rng.integers(0, 3, 8)]
    return {
        "mlp": (rng.standard_normal((5, 6)) * 0.5, rng.standard_normal(6) * 0.1,
                rng.standard_normal((6, 3)) * 0.5, rng.standard_normal(3) * 0.1, X, Y),
        "lse": (rng.standard_normal(7) * 10,),
        "contraction": (rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal((2, 5))),
        "linalg": (np.eye(3) + 0.3 * rng.standard_normal((3, 3)), rng.standard_normal(3)),
        "indexing": (rng.standard_normal((3, 4)),),
    }


CASES = [
    ("mlp", mlp_cross_entropy, (0, 1, 2, 3)),
    ("lse", logsumexp_stable, (0,)),
    ("contraction", contraction, (0, 1, 2)),
    ("linalg", linalg_mix, (0, 1)),
    ("indexing", indexing_mix, (0,)),
]


@pytest.mark.parametrize("key,fn,wrt", CASES, ids=[c[0] for c in CASES])
def test_reverse_mode_matches_autograd(data, key, fn, wrt):
    args = data[key]
    ours = s2sad.grad(fn, wrt=wrt)(*args)
    theirs = autograd.grad(with_autograd(fn), wrt)(*args)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert s2sad.value_and_grad(fn, wrt=wrt)(*args)[0] == pytest.approx(with_autograd(fn)(*args), rel=1e-12)


FORWARD = [c for c in CASES if c[0] != "linalg"]  # autograd has no JVP for slogdet, inv, solve, det


@pytest.mark.parametrize("key,fn,wrt", FORWARD, ids=[c[0] for c in FORWARD])
def test_forward_mode_matches_autograd(data, key, fn, wrt):
    args = data[key]
    i = wrt[0]
    rng = np.random.default_rng(7)
    v = rng.standard_normal(np.shape(args[i]))
    tangents = tuple(v if k == i else np.zeros_like(a, dtype=float) for k, a in enumerate(args))
    _, ours = s2sad.jvp(fn, args, tangents)
    _, theirs = autograd.make_jvp(with_autograd(fn), i)(*args)(v)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_linalg_mix_forward_mode_matches_reverse_mode(data):
    s2sad.check_grads(linalg_mix, data["linalg"], modes=("forward", "reverse"))


def test_stable_logsumexp_does_not_overflow():
    x = np.array([1000.0, 1000.0, -1000.0])
    np.testing.assert_allclose(s2sad.grad(logsumexp_stable)(x), [0.5, 0.5, 0.0], atol=1e-300)


@pytest.mark.parametrize("key,fn,wrt", FORWARD, ids=[c[0] for c in FORWARD])
def test_hessian_vector_products_match_autograd(data, key, fn, wrt):
    # Forward over the lean ("grad") adjoint, tangent only: every pass of both generators on the way.
    args = data[key]
    i = wrt[0]
    v = np.random.default_rng(11).standard_normal(np.shape(args[i]))
    ours = s2sad.hvp(fn, args, v, wrt=i)
    grad_i = autograd.grad(with_autograd(fn), i)
    theirs = autograd.grad(lambda *a: anp.sum(grad_i(*a) * v), i)(*args)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-11)
