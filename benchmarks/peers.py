"""The peers: autograd, JAX (eager and `jit`) and PyTorch eager, each optional.

Input: a workload's kind ("grad", "hvp" or "jacfwd"), its key and its NumPy
arguments. Output: zero-argument callables computing the same derivative with
each peer, or a note saying why a peer was skipped (not installed, or no such
transformation). Every peer computes in float64, like NumPy.

The primal functions are written once for the NumPy-compatible peers
(`autograd.numpy`, `jax.numpy`) and once for PyTorch. The scalar loop's
`math` and `np` rows share one peer version: the peers have no `math` form.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

PEERS = ("autograd", "jax", "torch")


@dataclass
class PeerImpl:
    """One peer's derivative of one workload: `call` is None when skipped (`note` says why)."""

    name: str
    call: Callable[[], Any] | None
    note: str = ""
    jit: bool = False  # the first call compiles: report it separately


def available(peer: str) -> tuple[bool, str]:
    """(installed?, version or reason) for "autograd", "jax" or "torch"."""
    try:
        mod = importlib.import_module(peer)
    except Exception as exc:  # noqa: BLE001 -- ImportError, or a broken install
        return False, f"{peer} is not installed ({type(exc).__name__})"
    version = getattr(mod, "__version__", None)
    if version is None:
        try:
            from importlib.metadata import version as dist_version

            version = dist_version(peer)
        except Exception:  # noqa: BLE001
            version = "?"
    return True, version


# -- primal functions for NumPy-compatible libraries --------------------------------------


def numpy_like(xp: Any) -> dict[str, Callable[..., Any]]:
    """The workloads' primal functions written against `xp` (autograd.numpy or jax.numpy)."""

    def scalar_loop(x):
        for i in range(100):
            x = xp.sin(x) * x + 0.5
        return x

    def logistic(w, X, y):
        z = X @ w
        return xp.mean(xp.log(1.0 + xp.exp(-y * z)))

    def mlp(W1, b1, W2, b2, X, Y):
        h = xp.tanh(X @ W1 + b1)
        logits = h @ W2 + b2
        m = xp.max(logits, axis=1, keepdims=True)
        e = xp.exp(logits - m)
        p = e / xp.sum(e, axis=1, keepdims=True)
        return -xp.sum(Y * xp.log(p)) / X.shape[0]

    def rnn(W, U, b, h0, xs):
        h = h0
        for t in range(xs.shape[0]):
            h = xp.tanh(h @ W + xs[t] @ U + b)
        return xp.sum(h ** 2)

    def rosenbrock(x):
        a = x[1:] - x[:-1] ** 2
        c = 1.0 - x[:-1]
        return xp.sum(100.0 * a ** 2 + c ** 2)

    def vector_fn(x):
        return xp.sin(x) * xp.tanh(x) + x ** 2

    def elementwise(x):
        return xp.sum(xp.sin(x) * xp.exp(-x * x) + xp.tanh(x))

    return {
        "scalar_loop": scalar_loop, "logistic": logistic, "mlp": mlp, "rnn": rnn,
        "rosenbrock": rosenbrock, "vector_fn": vector_fn, "elementwise": elementwise,
    }


def torch_primals(torch: Any) -> dict[str, Callable[..., Any]]:
    """The workloads' primal functions in PyTorch."""

    def scalar_loop(x):
        for i in range(100):
            x = torch.sin(x) * x + 0.5
        return x

    def logistic(w, X, y):
        z = X @ w
        return torch.mean(torch.log(1.0 + torch.exp(-y * z)))

    def mlp(W1, b1, W2, b2, X, Y):
        h = torch.tanh(X @ W1 + b1)
        logits = h @ W2 + b2
        m = torch.amax(logits, dim=1, keepdim=True)
        e = torch.exp(logits - m)
        p = e / torch.sum(e, dim=1, keepdim=True)
        return -torch.sum(Y * torch.log(p)) / X.shape[0]

    def rnn(W, U, b, h0, xs):
        h = h0
        for t in range(xs.shape[0]):
            h = torch.tanh(h @ W + xs[t] @ U + b)
        return torch.sum(h ** 2)

    def rosenbrock(x):
        a = x[1:] - x[:-1] ** 2
        c = 1.0 - x[:-1]
        return torch.sum(100.0 * a ** 2 + c ** 2)

    def vector_fn(x):
        return torch.sin(x) * torch.tanh(x) + x ** 2

    def elementwise(x):
        return torch.sum(torch.sin(x) * torch.exp(-x * x) + torch.tanh(x))

    return {
        "scalar_loop": scalar_loop, "logistic": logistic, "mlp": mlp, "rnn": rnn,
        "rosenbrock": rosenbrock, "vector_fn": vector_fn, "elementwise": elementwise,
    }


# -- builders ---------------------------------------------------------------------------


def build(peer: str, kind: str, primal: str, args: tuple[Any, ...], wrt: tuple[int, ...]) -> list[PeerImpl]:
    """The peer's implementations of one workload (JAX gives eager and jit)."""
    ok, info = available(peer)
    if not ok:
        names = ["JAX eager", "JAX jit"] if peer == "jax" else ["torch eager" if peer == "torch" else peer]
        return [PeerImpl(n, None, info) for n in names]
    return {"autograd": _autograd, "jax": _jax, "torch": _torch}[peer](kind, primal, args, wrt)


def _autograd(kind: str, primal: str, args: tuple[Any, ...], wrt: tuple[int, ...]) -> list[PeerImpl]:
    import autograd
    import autograd.numpy as anp

    f = numpy_like(anp)[primal]
    if kind == "grad":
        g = autograd.grad(f, wrt if len(wrt) > 1 else wrt[0])
        return [PeerImpl("autograd", lambda: g(*args))]
    if kind == "hvp":
        hvp = autograd.hessian_tensor_product(f)
        x, v = args
        return [PeerImpl("autograd", lambda: hvp(x, v), "reverse over reverse")]
    if kind == "jacfwd":
        jac = autograd.jacobian(f)
        return [PeerImpl("autograd", lambda: jac(*args), "reverse mode, one pass per output: autograd has no forward Jacobian")]
    raise ValueError(kind)


def _jax(kind: str, primal: str, args: tuple[Any, ...], wrt: tuple[int, ...]) -> list[PeerImpl]:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    f = numpy_like(jnp)[primal]
    if kind == "grad":
        g = jax.grad(f, wrt if len(wrt) > 1 else wrt[0])
        jargs = tuple(jnp.asarray(a) if isinstance(a, np.ndarray) else a for a in args)
    elif kind == "hvp":
        def g(x, v):
            return jax.jvp(jax.grad(f), (x,), (v,))[1]
        jargs = tuple(jnp.asarray(a) for a in args)
    elif kind == "jacfwd":
        g = jax.jacfwd(f)
        jargs = tuple(jnp.asarray(a) for a in args)
    else:
        raise ValueError(kind)
    jitted = jax.jit(g)
    block = jax.block_until_ready
    return [
        PeerImpl("JAX eager", lambda: block(g(*jargs))),
        PeerImpl("JAX jit", lambda: block(jitted(*jargs)), jit=True),
    ]


def _torch(kind: str, primal: str, args: tuple[Any, ...], wrt: tuple[int, ...]) -> list[PeerImpl]:
    import torch

    torch.set_num_threads(1)
    f = torch_primals(torch)[primal]

    def tensor(a: Any, grad: bool = False) -> Any:
        return torch.tensor(a, dtype=torch.float64, requires_grad=grad)

    if kind == "grad":
        fixed = [None if i in wrt else tensor(a) for i, a in enumerate(args)]

        def call() -> Any:
            ts = [tensor(a, True) if i in wrt else fixed[i] for i, a in enumerate(args)]
            f(*ts).backward()
            return tuple(ts[i].grad for i in wrt)

        return [PeerImpl("torch eager", call)]
    if kind == "hvp":
        xa, va = args
        v = tensor(va)

        def hvp() -> Any:
            x = tensor(xa, True)
            (g,) = torch.autograd.grad(f(x), x, create_graph=True)
            (hv,) = torch.autograd.grad(g, x, grad_outputs=v)
            return hv

        return [PeerImpl("torch eager", hvp, "double backward")]
    if kind == "jacfwd":
        x = tensor(args[0])
        jac = torch.func.jacfwd(f)
        return [PeerImpl("torch eager", lambda: jac(x), "torch.func.jacfwd (vmap)")]
    raise ValueError(kind)


def to_numpy(out: Any) -> Any:
    """A peer's result as NumPy arrays (tuples stay tuples)."""
    if isinstance(out, (tuple, list)):
        return tuple(to_numpy(o) for o in out)
    if hasattr(out, "detach"):
        return out.detach().numpy()
    return np.asarray(out)
