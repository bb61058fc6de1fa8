"""The autograd oracle that regression tests share: a function run with autograd's NumPy, and one check of
a number-valued function in every mode.

Input: a function that uses `np` (and `math`) by those names, and a point. Output: `as_autograd(f)`, the same
function over `autograd.numpy`; `check_scalar(f, x, rng)` asserts s2sad's reverse mode (a random cotangent),
forward mode (a random tangent), Hessian and Hessian-vector product against autograd's.
"""
from __future__ import annotations

import types
from typing import Any, Callable

import autograd
import autograd.numpy as anp
import numpy as np

import s2sad


def as_autograd(f: Callable[..., Any], **extra: Any) -> Callable[..., Any]:
    """`f` with autograd's numpy (also for `math`) in place of numpy: the oracle."""
    return types.FunctionType(f.__code__, {**f.__globals__, "np": anp, "math": anp, **extra}, f.__name__, f.__defaults__,
                              f.__closure__)


def check_scalar(f: Callable[..., Any], x: Any, rng: np.random.Generator, oracle: Callable[..., Any] | None = None) -> None:
    """Reverse (random cotangent), forward (random tangent), Hessian and hvp of number-valued `f` at `x`."""
    ag = oracle or as_autograd(f)
    x = np.asarray(x, dtype=float) if np.ndim(x) else float(x)
    g = np.asarray(autograd.grad(ag)(x), dtype=float)
    c = float(rng.standard_normal())
    out, pullback = s2sad.vjp(f, x)
    np.testing.assert_allclose(out, f(x), rtol=1e-12)
    np.testing.assert_allclose(pullback(c)[0], c * g, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(s2sad.grad(f)(x), g, rtol=1e-10, atol=1e-12)
    v = rng.standard_normal(np.shape(x))
    value, tangent = s2sad.jvp(f, (x,), (v,))
    np.testing.assert_allclose(value, f(x), rtol=1e-12)
    np.testing.assert_allclose(tangent, np.sum(g * v), rtol=1e-10, atol=1e-12)
    H = np.asarray(autograd.hessian(ag)(x), dtype=float)
    np.testing.assert_allclose(s2sad.hessian(f)(x), H, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(s2sad.hvp(f, (x,), v), H @ v if np.ndim(x) else H * v, rtol=1e-10, atol=1e-12)
