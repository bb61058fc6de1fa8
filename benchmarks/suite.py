"""The workloads of issue 7 and the implementations measured on each.

Input: `quick` (smaller sizes for a smoke run) and the peers to try. Output:
for each workload a `Case`: its arguments, the NumPy forward call, the
hand-written derivative, s2sad's derivative through its public API, a cold
first call of s2sad (cache cleared: parse + transform + compile + run), and
the peers' derivatives from `peers.py`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import s2sad
from s2sad.api import transforms as api
from s2sad.passes import settings as optimize
from s2sad.driver import pipeline

from . import peers, workloads as W


@dataclass
class Case:
    """One workload, ready to time."""

    key: str
    title: str
    kind: str  # "grad", "hvp" or "jacfwd": what the peers compute
    forward: Callable[[], Any]
    hand: Callable[[], Any]
    s2sad: Callable[[], Any]
    cold: Callable[[], Any]  # s2sad's first call, from an empty cache
    peer_primal: str
    peer_args: tuple[Any, ...]
    wrt: tuple[int, ...] = (0,)
    extra: dict[str, Callable[[], Any]] = field(default_factory=dict)  # more s2sad variants, timed too
    note: str = ""


def _cold(make: Callable[[], Callable[[], Any]]) -> Callable[[], Any]:
    """A call that empties s2sad's caches (derivatives, call plans, signatures), then builds and calls the derivative."""

    def run() -> Any:
        pipeline.CACHE.clear()
        api.forget_plans()
        optimize._SIGNATURES.clear()
        return make()()

    return run


def _grad_case(key: str, title: str, fn: Callable[..., Any], hand: Callable[..., Any], args: tuple[Any, ...],
               wrt: tuple[int, ...] = (0,), peer_primal: str | None = None, note: str = "") -> Case:
    g = s2sad.grad(fn, wrt if len(wrt) > 1 else wrt[0])
    return Case(
        key, title, "grad",
        forward=lambda: fn(*args),
        hand=lambda: hand(*args),
        s2sad=lambda: g(*args),
        cold=_cold(lambda: (lambda g=s2sad.grad(fn, wrt if len(wrt) > 1 else wrt[0]): g(*args))),
        peer_primal=peer_primal or key,
        peer_args=args,
        wrt=wrt,
        note=note,
    )


def scalar_loop(form: str, quick: bool) -> Case:
    fn = W.scalar_loop_math if form == "math" else W.scalar_loop_np
    hand = W.scalar_loop_math_grad if form == "math" else W.scalar_loop_np_grad
    return _grad_case(
        f"scalar_loop_{form}", f"scalar loop, 100 steps of `x = sin(x)*x + 0.5` ({form})",
        fn, hand, (0.3,), peer_primal="scalar_loop",
        note="the peers have one version (their own `sin`), timed again on this row",
    )


def logistic(quick: bool) -> Case:
    rng = np.random.default_rng(0)
    n, d = (100, 10) if quick else (1000, 100)
    X = rng.standard_normal((n, d))
    y = np.where(rng.random(n) > 0.5, 1.0, -1.0)
    w = rng.standard_normal(d) * 0.1
    return _grad_case("logistic", f"logistic regression, X {n}×{d}", W.logistic, W.logistic_grad, (w, X, y))


def mlp(quick: bool) -> Case:
    rng = np.random.default_rng(1)
    d, hdim, k, n = (20, 16, 4, 8) if quick else (784, 256, 10, 128)
    W1 = rng.standard_normal((d, hdim)) / np.sqrt(d)
    b1 = np.zeros(hdim)
    W2 = rng.standard_normal((hdim, k)) / np.sqrt(hdim)
    b2 = np.zeros(k)
    X = rng.standard_normal((n, d))
    Y = np.eye(k)[rng.integers(0, k, n)]
    return _grad_case("mlp", f"tanh MLP {d}-{hdim}-{k}, batch {n}, softmax CE", W.mlp, W.mlp_grad,
                      (W1, b1, W2, b2, X, Y), wrt=(0, 1, 2, 3))


def rnn(quick: bool) -> Case:
    rng = np.random.default_rng(2)
    steps, batch, hdim, d = (5, 2, 4, 3) if quick else (50, 16, 64, 32)
    Wm = rng.standard_normal((hdim, hdim)) / np.sqrt(hdim)
    U = rng.standard_normal((d, hdim)) / np.sqrt(d)
    b = np.zeros(hdim)
    h0 = np.zeros((batch, hdim))
    xs = rng.standard_normal((steps, batch, d))
    return _grad_case("rnn", f"tanh RNN, {steps} steps, batch {batch}, hidden {hdim}, input {d}", W.rnn, W.rnn_grad,
                      (Wm, U, b, h0, xs), wrt=(0, 1, 2))


def rosenbrock_grad(quick: bool) -> Case:
    n = 10 if quick else 1000
    x = np.random.default_rng(3).standard_normal(n)
    return _grad_case("rosenbrock_grad", f"Rosenbrock gradient, n = {n}", W.rosenbrock, W.rosenbrock_grad, (x,),
                      peer_primal="rosenbrock")


def rosenbrock_hvp(quick: bool) -> Case:
    n = 10 if quick else 1000
    rng = np.random.default_rng(3)
    x, v = rng.standard_normal(n), rng.standard_normal(n)
    return Case(
        "rosenbrock_hvp", f"Rosenbrock Hessian-vector product, n = {n}", "hvp",
        forward=lambda: W.rosenbrock(x),
        hand=lambda: W.rosenbrock_hvp(x, v),
        s2sad=lambda: s2sad.hvp(W.rosenbrock, (x,), v),
        cold=_cold(lambda: (lambda: s2sad.hvp(W.rosenbrock, (x,), v))),
        peer_primal="rosenbrock", peer_args=(x, v),
        note="s2sad: forward over reverse (`s2sad.hvp`); hand-written: the closed form",
    )


def jacobian(quick: bool) -> Case:
    n = 10 if quick else 100
    x = np.random.default_rng(4).standard_normal(n)
    jac = s2sad.jacobian(W.vector_fn, mode="forward")

    eye = np.eye(n)
    tangents: list[Callable[..., Any]] = []

    def passes() -> Any:
        # n separate forward passes of the generated tangent program, one unit seed each.
        if not tangents:
            tangents.append(pipeline.derive(W.vector_fn, "forward", ("x",), frozenset(), "jvp"))
        tangent = tangents[0]
        return np.stack([tangent(x, eye[i])[1] for i in range(n)], axis=1)

    return Case(
        "jacobian", f"forward-mode Jacobian, n = {n} (vectorized: one pass)", "jacfwd",
        forward=lambda: W.vector_fn(x),
        hand=lambda: W.vector_fn_jacobian(x),
        s2sad=lambda: jac(x),
        cold=_cold(lambda: (lambda j=s2sad.jacobian(W.vector_fn, mode="forward"): j(x))),
        peer_primal="vector_fn", peer_args=(x,),
        extra={"s2sad, n passes": passes},
        note="s2sad, n passes: the same generated tangent program run once per unit seed",
    )


def elementwise(quick: bool) -> Case:
    n = 10_000 if quick else 1_000_000
    x = np.random.default_rng(5).standard_normal(n)
    return _grad_case("elementwise", f"large elementwise function, {n:.0e} elements", W.elementwise, W.elementwise_grad, (x,))


BUILDERS: dict[str, Callable[[bool], Case]] = {
    "scalar_loop_math": lambda q: scalar_loop("math", q),
    "scalar_loop_np": lambda q: scalar_loop("np", q),
    "logistic": logistic,
    "mlp": mlp,
    "rnn": rnn,
    "rosenbrock_grad": rosenbrock_grad,
    "rosenbrock_hvp": rosenbrock_hvp,
    "jacobian": jacobian,
    "elementwise": elementwise,
}


def peer_impls(case: Case, which: tuple[str, ...]) -> list[peers.PeerImpl]:
    """The peers' implementations of `case`, in the order autograd, JAX eager, JAX jit, torch eager."""
    out: list[peers.PeerImpl] = []
    for p in peers.PEERS:
        if p in which:
            try:
                out += peers.build(p, case.kind, case.peer_primal, case.peer_args, case.wrt)
            except Exception as exc:  # noqa: BLE001 -- a peer that fails to build is reported, not fatal
                out.append(peers.PeerImpl(p, None, f"failed to build: {type(exc).__name__}: {exc}"))
    return out
