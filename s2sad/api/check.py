"""Gradient checking as a library function (after autograd's `check_grads`).

Reverse mode is checked with the dot-product test against central
differences: for random `v` and `u`, `<u, (f(x+eps v) - f(x-eps v)) / 2eps>`
must equal `<v, J^T u>`. Forward mode compares `J v` with the same central
difference, and when both modes are checked, `<J v, u> = <v, J^T u>` is
checked between them.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Sequence

import numpy as np

from . import transforms as api
from .arguments import is_float, scalar_names, target
from ..pytrees import entry as pytrees


def _randn_like(rng: np.random.Generator, a: Any) -> Any:
    shape = np.shape(a)
    x = rng.standard_normal(shape)
    if isinstance(a, np.ndarray):
        return x.astype(a.dtype if a.dtype.kind == "f" else np.float64)
    return float(x)


def _central(plus: Any, minus: Any, eps: float) -> Any:
    """(f(x + eps v) - f(x - eps v)) / 2 eps, for nested tuples of outputs too."""
    if isinstance(plus, tuple):
        return tuple(_central(p, m, eps) for p, m in zip(plus, minus))
    return (np.asarray(plus, dtype=np.float64) - np.asarray(minus, dtype=np.float64)) / (2 * eps)


def _random_cotangent(rng: np.random.Generator, out: Any) -> Any:
    """A random cotangent shaped like `out` (nested tuples included)."""
    if isinstance(out, tuple):
        return tuple(_random_cotangent(rng, o) for o in out)
    return _randn_like(rng, out)


def _vdot(a: Any, b: Any) -> float:
    if isinstance(a, tuple):
        return float(sum(_vdot(x, y) for x, y in zip(a, b)))
    return float(np.sum(np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)))


def _axpy(alpha: float, v: Any, x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return x + alpha * v
    return x + alpha * v


def _report(what: str, got: float, want: float, fn: Callable[..., Any], args: Sequence[Any]) -> str:
    name = getattr(fn, "__name__", "f")
    return (
        f"{what} failed for {name} at {len(args)} argument(s):\n"
        f"    s2sad:               {got!r}\n"
        f"    central difference:  {want!r}\n"
        f"    difference:          {abs(got - want)!r}"
    )


def check_grads(
    fn: Callable[..., Any],
    args: Sequence[Any],
    modes: Sequence[str] = ("reverse",),
    order: int = 1,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    seed: int = 0,
) -> None:
    """Check `fn`'s derivatives at `args`; raise AssertionError with a report on mismatch."""
    args = tuple(args)
    if pytrees.needs_flat(fn, args, {}):  # dicts, lists or tuples of arrays, or a method: checked leaf by leaf
        fn, args = pytrees.flat_call(fn, args)
    rng = np.random.default_rng(seed)
    float_pos = [i for i, a in enumerate(args) if is_float(a) or isinstance(a, (int, np.integer)) and not isinstance(a, bool)]
    float_pos = [i for i in float_pos if is_float(args[i])] or float_pos
    # Integers checked (no float argument): as floats, which jvp differentiates (it holds ints constant).
    args = tuple(float(a) if i in float_pos and not is_float(a) else a for i, a in enumerate(args))
    v = {i: _randn_like(rng, args[i]) for i in float_pos}

    def shifted(h: float) -> tuple[Any, ...]:
        return tuple(_axpy(h, v[i], a) if i in v else a for i, a in enumerate(args))

    numeric = _central(fn(*shifted(eps)), fn(*shifted(-eps)), eps)
    out = fn(*args)
    u = _random_cotangent(rng, out)
    scale = max(1.0, abs(_vdot(u, numeric)))
    jv = None
    if "forward" in modes:
        tangents = tuple(v.get(i, np.zeros_like(a, dtype=float)) for i, a in enumerate(args))
        _, jv = api.jvp(fn, args, tangents)
        got, want = _vdot(u, jv), _vdot(u, numeric)
        assert abs(got - want) <= atol + rtol * scale * 10, _report("forward mode (J v)", got, want, fn, args)
    if "reverse" in modes:
        _, pullback = api.vjp(fn, *args)
        adj = pullback(u)
        got = sum(_vdot(v[i], adj[i]) for i in float_pos)
        want = _vdot(u, numeric)
        assert abs(got - want) <= atol + rtol * scale * 10, _report("reverse mode (dot-product test)", got, want, fn, args)
        if jv is not None:
            lhs = _vdot(u, jv)
            assert abs(lhs - got) <= atol + rtol * max(1.0, abs(lhs)), _report("<J v, u> = <v, J^T u>", lhs, got, fn, args)
    if order >= 2:
        _check_second_order(fn, args, modes, order, eps, rtol, atol, seed, float_pos)


def _check_second_order(fn: Callable[..., Any], args: tuple[Any, ...], modes: Sequence[str], order: int,
                        eps: float, rtol: float, atol: float, seed: int, float_pos: list[int]) -> None:
    """Check the derivative functions themselves, which are ordinary generated Python.

    The tangent program `f_jvp(*args, *tangents)` and the adjoint `f_vjp(*args,
    *cotangents)` are checked like any function, so this exercises forward over
    forward, reverse over forward, forward over reverse and reverse over reverse.
    """
    from ..driver import pipeline

    rng = np.random.default_rng(seed + 1)
    base = target(fn, args)
    names = list(inspect.signature(base).parameters)
    wrt = tuple(names[i] for i in float_pos)
    if not wrt:
        return
    scalars = scalar_names(base, args, {})
    tol = dict(eps=eps, rtol=rtol * 10, atol=atol * 10, seed=seed + 2)
    if "forward" in modes:
        f_jvp = pipeline.derive(base, "forward", wrt, scalars, "jvp")
        tangents = tuple(_randn_like(rng, args[i]) for i in float_pos)
        check_grads(f_jvp, args + tangents, modes=modes, order=order - 1, **tol)
    if "reverse" in modes:
        f_vjp = pipeline.derive(base, "reverse", wrt, scalars, "vjp")
        out = fn(*args)
        cts = _random_cotangent(rng, out) if isinstance(out, tuple) else (_randn_like(rng, out),)
        check_grads(f_vjp, args + cts, modes=modes, order=order - 1, **tol)
