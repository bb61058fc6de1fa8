"""Runtime helpers of grids, differences, selection and joining (re-exported by `s2sad.runtime`).

`np.linspace(start, stop)` is `start * (1 - w) + stop * w` with the weights `w = k / (num - 1)`
(`k / num` without the endpoint) laid along `axis`: `linspace_weights` gives them. `np.gradient`
is a fixed stencil of differences along each axis, linear in the values: `ungradient` is its
transpose. `np.partition` permutes: `partition_order` finds, from the input and the result, where
each result element came from. `unappend` and `unselect` split an adjoint among the arguments of
`np.append` and `np.select`; `c_column` is how `np.c_[...]` shapes each of its items.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import pieces_array, unbroadcast

__all__ = [
    "linspace_weights", "one_number", "one_array", "ungradient", "partition_order", "unappend", "unselect",
    "unselect_default", "c_column",
]


def linspace_weights(like: Any, num: Any, endpoint: Any = True, axis: Any = 0) -> Any:
    """The weights `w` of `np.linspace` (0 at start, 1 at stop), shaped to multiply an array `like`
    that has the samples along `axis`."""
    dtype = np.result_type(np.asarray(like).dtype, np.float16)
    w = np.linspace(0.0, 1.0, int(num), endpoint=bool(endpoint), dtype=dtype)
    ndim = np.ndim(like)
    return np.reshape(w, (-1,) + (1,) * (ndim - 1 - axis % ndim))


def one_number(x: Any) -> Any:
    """`x`, once checked to be one number (np.gradient's uniform spacing, np.logspace's base): s2sad
    differentiates those functions for that case only, not for coordinate arrays or arrays of bases."""
    if np.ndim(x) != 0:
        raise ValueError("s2sad differentiates np.gradient with a uniform spacing (one number), and np.logspace "
                         "with one base, only; not with an array there")
    return x


def one_array(x: Any) -> Any:
    """`x`, once checked to be one array, not np.gradient's list of one array per axis."""
    if isinstance(x, (tuple, list)):
        raise ValueError("s2sad differentiates np.gradient in its spacing only where it returns one array "
                         "(a 1-D array, or one axis)")
    return x


def _gradient_axis_adjoint(g: Any, n: int, h: Any, edge_order: int) -> Any:
    """The transpose of np.gradient's stencil along axis 0, applied to `g` (axis 0 of length n)."""
    out = np.zeros(g.shape, dtype=np.result_type(g.dtype, np.float16))
    out[2:] += g[1:-1] / (2 * h)
    out[:-2] -= g[1:-1] / (2 * h)
    if edge_order == 1:
        out[1] += g[0] / h
        out[0] -= g[0] / h
        out[-1] += g[-1] / h
        out[-2] -= g[-1] / h
    else:  # (-3 f0 + 4 f1 - f2) / 2h and (3 f[-1] - 4 f[-2] + f[-3]) / 2h
        out[0] -= 1.5 * g[0] / h
        out[1] += 2.0 * g[0] / h
        out[2] -= 0.5 * g[0] / h
        out[-1] += 1.5 * g[-1] / h
        out[-2] -= 2.0 * g[-1] / h
        out[-3] += 0.5 * g[-1] / h
    return out


def ungradient(g: Any, f: Any, spacing: Any = 1.0, axis: Any = None, edge_order: Any = 1) -> Any:
    """Adjoint of `np.gradient(f, spacing, axis=axis, edge_order=edge_order)`: each axis's stencil
    transposed. For several axes `g` holds one adjoint per axis (np.gradient returns a list)."""
    h = one_number(spacing)
    ndim = np.ndim(f)
    axes = tuple(range(ndim)) if axis is None else (axis,) if np.ndim(axis) == 0 else tuple(axis)
    axes = tuple(a % ndim for a in axes)
    parts = [g] if len(axes) == 1 else list(g)
    out = np.zeros(np.shape(f), dtype=np.result_type(*(np.asarray(p).dtype for p in parts), np.float16))
    for ax, part in zip(axes, parts):
        moved = np.moveaxis(np.asarray(part), ax, 0)
        out = out + np.moveaxis(_gradient_axis_adjoint(moved, moved.shape[0], h, int(edge_order)), 0, ax)
    return out


def partition_order(x: Any, ans: Any, axis: Any = -1) -> Any:
    """Indices `p` with `np.take_along_axis(x, p, axis) == ans` for `ans = np.partition(x, kth, axis)`:
    where each element of the result came from (equal values in order)."""
    x = np.asarray(x)
    if axis is None:
        x, axis = np.ravel(x), 0
    from_x = np.argsort(x, axis=axis, kind="stable")
    from_ans = np.argsort(ans, axis=axis, kind="stable")
    order = np.empty_like(from_x)
    np.put_along_axis(order, from_ans, from_x, axis=axis)
    return order


def unappend(g: Any, arr: Any, values: Any, axis: Any = None) -> tuple[Any, Any]:
    """Adjoint of `np.append(arr, values, axis)`: `g` cut into the part of `arr` and that of `values`."""
    g = np.asarray(g)
    if axis is None:
        flat = np.ravel(g)
        n = np.size(arr)
        return np.reshape(flat[:n], np.shape(arr)), np.reshape(flat[n:], np.shape(values))
    n = np.shape(arr)[axis]
    first, second = np.split(g, [n], axis=axis)
    return first, second


def _select_masks(condlist: Any, shape: tuple[int, ...]) -> tuple[list[Any], Any]:
    """One mask per choice (its condition holds, no earlier one does) and the mask of the default."""
    taken = np.zeros(shape, dtype=bool)
    masks = []
    for c in condlist:
        c = np.broadcast_to(np.asarray(c, dtype=bool), shape)
        masks.append(c & ~taken)
        taken = taken | c
    return masks, ~taken


def unselect(g: Any, condlist: Any, choicelist: Any) -> Any:
    """Adjoint of the choices of `np.select(condlist, choicelist, default)`: `g` where the choice
    was taken, summed back to each choice's shape (indexable by position: `pieces_array`)."""
    g = np.asarray(g)
    masks, _ = _select_masks(condlist, g.shape)
    return pieces_array([unbroadcast(np.where(m, g, np.zeros((), g.dtype)), c) for m, c in zip(masks, choicelist)])


def unselect_default(g: Any, condlist: Any) -> Any:
    """`g` where `np.select(condlist, ...)` took its default (no condition holds), else 0."""
    g = np.asarray(g)
    shape = np.broadcast_shapes(g.shape, *(np.shape(c) for c in condlist))
    _, default = _select_masks(condlist, shape)
    return np.where(default, g, np.zeros((), g.dtype))


def c_column(x: Any) -> Any:
    """An item of `np.c_[...]` as it is joined: at least 2-D, a vector as a column, a number as 1 x 1."""
    x = np.asarray(x)
    return x if x.ndim >= 2 else np.reshape(x, (-1, 1))
