"""The lecture's worked example, as a module so tests and the CLI can read its source."""
import numpy as np


def loss(w, b, x, t):
    z = w * x + b
    y = 1 / (1 + np.exp(-z))
    return 0.5 * (y - t) ** 2


def uses_try(x):
    try:
        y = x * 2
    except ValueError:
        y = x
    return y


def uses_i0(x):
    y = x * 2.0
    return np.i0(y)
