"""Shared fixtures: a fixed random seed so every failure reproduces."""
from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator; each test gets the same numbers every run."""
    return np.random.default_rng(1234)


def central_difference(f, args, i, eps=1e-6):
    """d f / d args[i] by central differences, for scalar-valued f (any input shape)."""
    x = np.asarray(args[i], dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += eps
        minus[idx] -= eps
        a_p = list(args)
        a_m = list(args)
        a_p[i] = plus if x.ndim else float(plus)
        a_m[i] = minus if x.ndim else float(minus)
        grad[idx] = (f(*a_p) - f(*a_m)) / (2 * eps)
    return grad if x.ndim else float(grad)
