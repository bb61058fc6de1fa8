"""The runtime's pointwise formulas at a removable singularity (re-exported by `s2sad.runtime`).

Input: arrays; output: `safe_divide(a, b)` (`a / b`, 0 where `b` is 0: a norm's subgradient at zero) and
`sinc_derivative(x)` (the derivative of `np.sinc`, 0 at 0), finite everywhere. Numpy alone.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def safe_divide(a: Any, b: Any) -> Any:
    """`a / b`, but 0 where `b` is 0: the subgradient of a norm at zero."""
    b_safe = np.where(b == 0, 1, b)
    return np.where(b == 0, 0 * a, a / b_safe)


def sinc_derivative(x: Any) -> Any:
    """d/dx np.sinc(x) = (cos(pi x) - sinc(x)) / x, which is 0 at x = 0."""
    x_safe = np.where(x == 0, 1, x)
    return np.where(x == 0, 0 * x, (np.cos(np.pi * x_safe) - np.sinc(x_safe)) / x_safe)

