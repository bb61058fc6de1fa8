"""Runtime helpers of stores with repeated indices and of casts (re-exported by `s2sad.runtime`).

`y[[0, 0]] = v` writes `v[0]` and then `v[1]` into `y[0]`: NumPy keeps the last write, so only the
elements of `v` that won have a derivative. `stored` is the adjoint of `v` (the adjoint of `y` at
the positions each element went to, zero where a later element overwrote it) and `placed` its
tangent counterpart. A cast to an integer or bool dtype has a zero derivative; `cast_adjoint` and
`cast_tangent` decide that at run time when the dtype is only known then.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["stored", "placed", "cast_adjoint", "cast_tangent"]


def stored(g: Any, index: Any) -> Any:
    """The adjoint of `v` in `y[index] = v`, from the adjoint `g` of `y` after it: `g[index]`, with
    zeros for the elements a later element of the same store overwrote (a repeated index)."""
    part = g[index]
    # Number the elements written, store the numbers as the store would: where a position keeps
    # another element's number, that element was overwritten.
    marks = np.full(np.shape(g), -1, dtype=np.intp)
    order = np.arange(np.size(part), dtype=np.intp).reshape(np.shape(part))
    marks[index] = order
    won = marks[index] == order
    if won.all():
        return part
    return np.where(won, part, np.zeros((), dtype=np.asarray(part).dtype))


def placed(v: Any, y: Any, index: Any) -> Any:
    """Zeros shaped like `y` with `v` stored at `index` (the last write wins, as in NumPy): the
    tangent contribution of `v` in `y[index] = v`."""
    out = np.zeros(np.shape(y), dtype=np.result_type(np.asarray(v).dtype, np.asarray(y).dtype, np.float16))
    out[index] = v
    return out


def cast_adjoint(g: Any, dtype: Any) -> Any:
    """The adjoint of `x.astype(dtype)`: `g` for a float (or complex) dtype, zero for an integer or bool one."""
    inexact = dtype is None or np.issubdtype(np.dtype(dtype), np.inexact)
    return g if inexact else np.zeros_like(g, dtype=np.result_type(np.asarray(g).dtype, np.float16))


def cast_tangent(t: Any, dtype: Any) -> Any:
    """The tangent of `x.astype(dtype)`: `t` cast to a float dtype, zero for an integer or bool one."""
    if dtype is None:
        return t
    if np.issubdtype(np.dtype(dtype), np.inexact):
        return np.asarray(t).astype(dtype)
    return np.zeros_like(t, dtype=np.result_type(np.asarray(t).dtype, np.float16))
