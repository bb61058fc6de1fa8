"""Functions the performance-pass tests share: the Rosenbrock function, and its autograd twin."""
from __future__ import annotations

import numpy as np

try:
    import autograd.numpy as anp
except ImportError:  # pragma: no cover -- the tests that need autograd skip themselves
    anp = None


def rosenbrock(x):
    a = x[1:] - x[:-1] ** 2
    c = 1.0 - x[:-1]
    return np.sum(100.0 * a ** 2 + c ** 2)


def rosenbrock_ag(x):
    a = x[1:] - x[:-1] ** 2
    c = 1.0 - x[:-1]
    return anp.sum(100.0 * a ** 2 + c ** 2)
