"""Runtime helpers for `np.convolve` (rules in `s2sad/rules/signal.py`), re-exported by `s2sad.runtime`.

`np.convolve(a, v, mode)` is the full convolution `y[k] = sum_i a[i] v[k - i]` (length n + m - 1), of which
'valid' and 'same' keep a window: 'valid' from `min(n, m) - 1`, length `max(n, m) - min(n, m) + 1`, 'same' from
`(min(n, m) - 1) // 2`, length `max(n, m)` (NumPy swaps the operands when v is longer, which the full
convolution does not notice). The adjoint with respect to one operand is the correlation of the result's adjoint,
placed back in the full window, with the other operand: `np.convolve(g_full, v[::-1], 'valid')`. Each helper is
linear in its adjoint argument and in the other operand, so its own rules are convolutions again.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["convolve_adjoint_a", "convolve_adjoint_v", "convolve_unwindow"]


def convolve_unwindow(g: Any, n: int, m: int, mode: str = "full") -> Any:
    """The adjoint `g` of `np.convolve(a, v, mode)` (len(a) == n, len(v) == m) placed in the full convolution's
    window (zeros outside it)."""
    g = np.ravel(g)
    if mode == "full":
        return g
    if mode == "valid":
        start = min(n, m) - 1
    elif mode == "same":
        start = (min(n, m) - 1) // 2
    else:
        raise ValueError(f"np.convolve: mode must be 'full', 'valid' or 'same', not {mode!r}")
    out = np.zeros(n + m - 1, dtype=np.result_type(g, 1.0))
    out[start:start + g.shape[0]] = g
    return out


def convolve_adjoint_a(g: Any, a: Any, v: Any, mode: str = "full") -> Any:
    """The adjoint with respect to `a` of `np.convolve(a, v, mode)`, given the result's adjoint `g`."""
    n, m = np.size(a), np.size(v)
    full = convolve_unwindow(g, n, m, mode)
    return np.reshape(np.convolve(full, np.ravel(v)[::-1], "valid"), np.shape(a))


def convolve_adjoint_v(g: Any, a: Any, v: Any, mode: str = "full") -> Any:
    """The adjoint with respect to `v` of `np.convolve(a, v, mode)`, given the result's adjoint `g`."""
    n, m = np.size(a), np.size(v)
    full = convolve_unwindow(g, n, m, mode)
    return np.reshape(np.convolve(full, np.ravel(a)[::-1], "valid"), np.shape(v))
