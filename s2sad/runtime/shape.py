"""The runtime's adjoints of joining, repeating, padding, sorting and taking (re-exported by `s2sad.runtime`).

Input: the adjoint `g` of a result made by moving the elements of its inputs (`np.stack`, `np.concatenate`
and kin, `np.repeat`, `np.tile`, `np.pad`, `np.sort`, `np.take`, `np.take_along_axis`, `np.diag`,
`np.diagonal`, indexing a list of arrays) and those inputs. Output: each input's adjoint, `g`'s elements put
back where they came from (summed where one element was copied to several places); a list of arrays of
different shapes is an object array of pieces (`pieces_array`). Numpy alone.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .reductions import float_dtype


def unstack(g: Any, axis: int = 0) -> tuple:
    """Adjoint of `np.stack(xs, axis)`: the slices of `g` along `axis`, one per stacked array."""
    g = np.moveaxis(np.asarray(g), axis, 0)
    return tuple(g[i] for i in range(g.shape[0]))


def unconcatenate(g: Any, xs: Any, axis: int = 0) -> Any:
    """Adjoint of joining `xs` along `axis` (concatenate, vstack, hstack, column_stack):
    the pieces of `g`, each in the shape of its array. A 1-D array joined to 2-D ones is one row or column."""
    g = np.asarray(g)
    axis = min(axis % g.ndim, g.ndim - 1) if axis >= 0 else axis % g.ndim
    sizes = [np.shape(x)[axis] if np.ndim(x) == g.ndim else 1 for x in xs]
    pieces = np.split(g, np.cumsum(sizes)[:-1], axis=axis)
    return pieces_array([np.reshape(p, np.shape(x)) for p, x in zip(pieces, xs)])


def pieces_array(pieces: Any) -> Any:
    """The adjoint of a list of arrays: stacked when their shapes agree, else an object array of
    the pieces -- either way indexable by position, and adjoints add piece by piece."""
    if len({np.shape(p) for p in pieces}) <= 1:
        return np.stack(pieces) if len(pieces) else np.zeros(0)
    out = np.empty(len(pieces), dtype=object)
    for i, p in enumerate(pieces):
        out[i] = p
    return out


def join_like(pieces: Any, g: Any, axis: int = 0) -> Any:
    """Adjoint of `unconcatenate`: join `pieces` along `axis` into an array shaped like `g`.

    A piece of lower rank was made one slab of `g` by the joining function (vstack's, dstack's,
    column_stack's `atleast_nd`: a 1-D array is a row of vstack, a (1, N, 1) block of dstack, a
    number is one element), so it takes that slab's shape: `g`'s, with length one along `axis`."""
    g_ndim = np.ndim(g)
    axis = min(axis % g_ndim, g_ndim - 1) if axis >= 0 else axis % g_ndim
    slab = np.shape(g)[:axis] + (1,) + np.shape(g)[axis + 1:]
    parts = [np.reshape(p, slab) if np.ndim(p) < g_ndim else p for p in pieces]
    return np.concatenate(parts, axis=axis)


def unrepeat(g: Any, x: Any, repeats: Any, axis: Any = None) -> Any:
    """Adjoint of `np.repeat(x, repeats, axis)`: sum each group of copies (an empty group gives 0)."""
    g = np.asarray(g)
    if axis is None:
        return np.reshape(unrepeat(g, np.ravel(x), repeats, 0), np.shape(x))
    counts = np.broadcast_to(repeats, np.shape(x)[axis])
    ends = np.cumsum(counts)
    running = np.cumsum(g, axis=axis)
    axis = axis % running.ndim  # (a leading zero: np.take of an empty axis, where every count is 0, would fail)
    running = np.concatenate([np.zeros_like(running, shape=running.shape[:axis] + (1,) + running.shape[axis + 1:]), running], axis=axis)
    return np.take(running, ends, axis=axis) - np.take(running, ends - counts, axis=axis)


def untile(g: Any, x: Any, reps: Any) -> Any:
    """Adjoint of `np.tile(x, reps)`: sum the tiles."""
    g = np.asarray(g)
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    shape = (1,) * (g.ndim - np.ndim(x)) + np.shape(x)
    reps = (1,) * (g.ndim - len(reps)) + reps
    split = [d for pair in zip(reps, shape) for d in pair]
    summed = np.sum(g.reshape(split), axis=tuple(range(0, 2 * g.ndim, 2)))
    return np.reshape(summed, np.shape(x))


def unpad(g: Any, pad_width: Any, mode: str = "constant") -> Any:
    """Adjoint of `np.pad(x, pad_width)` in the constant mode: cut the padding off."""
    if mode != "constant":
        raise ValueError(f"np.pad is differentiated only in mode='constant', not {mode!r}")
    g = np.asarray(g)
    widths = np.broadcast_to(pad_width, (g.ndim, 2))
    return g[tuple(slice(int(lo), g.shape[i] - int(hi)) for i, (lo, hi) in enumerate(widths))]


def unsort(g: Any, x: Any, axis: Any = -1) -> Any:
    """Adjoint of `np.sort(x, axis)`: send each sorted position's `g` back to where it came from."""
    order = np.argsort(x, axis=axis, kind="stable")
    g = np.asarray(g)
    out = np.zeros(np.shape(x) if axis is not None else (np.size(x),), dtype=g.dtype)
    np.put_along_axis(out, order, g, axis=-1 if axis is None else axis)
    return np.reshape(out, np.shape(x))


def untake(g: Any, x: Any, indices: Any, axis: Any = None) -> Any:
    """Adjoint of `np.take(x, indices, axis)`: a scatter-add; repeated indices accumulate."""
    out = np.zeros(np.shape(x), dtype=float_dtype(g))
    if axis is None:
        np.add.at(out.reshape(-1), indices, g)
    else:
        np.add.at(out, (slice(None),) * (axis % out.ndim) + (indices,), g)
    return out


def untake_along_axis(g: Any, x: Any, indices: Any, axis: Any) -> Any:
    """Adjoint of `np.take_along_axis(x, indices, axis)`: a scatter-add along `axis`."""
    out = np.zeros(np.shape(x) if axis is not None else (np.size(x),), dtype=float_dtype(g))
    indices = np.asarray(indices)
    ax = 0 if axis is None else axis % out.ndim
    shape = np.broadcast_shapes(tuple(1 if a == ax else n for a, n in enumerate(out.shape)),
                                tuple(1 if a == ax else n for a, n in enumerate(indices.shape)))
    shape = shape[:ax] + (indices.shape[ax],) + shape[ax + 1 :]
    index = list(np.indices(shape, sparse=True))
    index[ax] = np.broadcast_to(indices, shape)
    np.add.at(out, tuple(index), np.broadcast_to(g, shape))
    return np.reshape(out, np.shape(x))


def undiag(g: Any, x: Any, k: int = 0) -> Any:
    """Adjoint of `np.diag(x, k)`: a vector's adjoint is the k-th diagonal of `g`; a matrix's is `g` placed on it."""
    if np.ndim(x) == 1:
        return np.diag(g, k)
    return undiagonal(g, x, k, 0, 1)


def undiagonal(g: Any, x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """Adjoint of `np.diagonal(x, offset, axis1, axis2)`: zeros shaped like `x` with `g` on that diagonal."""
    out = np.zeros(np.shape(x), dtype=float_dtype(g))
    view = np.moveaxis(out, (axis1, axis2), (-2, -1))
    n, m = view.shape[-2:]
    i = np.arange(max(0, -offset), min(n, m - offset))
    view[..., i, i + offset] = g
    return out


def scatter_add_pieces(g: Any, xs: Any, index: int) -> Any:
    """Adjoint of `xs[index]` for a list of arrays of different shapes: one zero array per piece,
    `g` added to piece `index`; an object array, so that adjoints add piece by piece."""
    out = np.empty(len(xs), dtype=object)
    for i, x in enumerate(xs):
        out[i] = np.zeros(np.shape(x), dtype=float_dtype(x))
    out[index] = out[index] + g
    return out

