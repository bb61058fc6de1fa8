"""The runtime's adjoints of reductions, running products and differences (re-exported by `s2sad.runtime`).

Input: an array and the result (or the adjoint) of a reduction over it -- `np.max`/`np.min`, `np.prod`,
`np.cumprod`, `np.diff`, `np.median`, `np.average`. Output: the weights or products that carry the
adjoint back to each element (`tie_weights`, `prod_others`, `median_weights`, `weights_like`), or that
adjoint itself (`cumprod_adjoint`, `cumprod_tangent`, `diff_adjoint`, `unweights_like`). Generated code
imports them from `s2sad.runtime`; numpy alone.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import unbroadcast


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """`axis` (None, an int or a tuple) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted(a % ndim for a in ((axis,) if np.ndim(axis) == 0 else axis)))


def float_dtype(x: Any) -> Any:
    """The dtype of an adjoint of `x`: its own if inexact (float, complex), else its promotion with float16."""
    return np.result_type(np.asarray(x).dtype, np.float16)


def tie_weights(x: Any, ans: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Where `x` attains the extremum `ans` of a reduction: 1/k at each of k ties, else 0."""
    x = x if type(x) is np.ndarray else np.asarray(x)
    if axis is not None and not keepdims:
        ans = np.expand_dims(ans, tuple(a % x.ndim for a in ((axis,) if np.ndim(axis) == 0 else axis)))
    hit = x == ans  # broadcasting puts each extremum beside its row (no spread copy of `ans`)
    if type(hit) is not np.ndarray:
        hit = np.asarray(hit)
    weights = hit / hit.sum(axis=axis, keepdims=True)  # float64; the method spares np.sum's dispatch
    return weights if x.dtype == np.float64 else weights.astype(float_dtype(x), copy=False)


def prod_others(x: Any, axis: Any = None) -> Any:
    """For each element of `x`, the product of the other elements along `axis` (no division: zeros are fine)."""
    x = np.asarray(x)
    axes = _axes(axis, x.ndim)
    last = tuple(range(x.ndim - len(axes), x.ndim))
    moved = np.moveaxis(x, axes, last)
    flat = moved.reshape(moved.shape[: x.ndim - len(axes)] + (-1,))
    ones = np.ones_like(flat[..., :1])
    before = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return np.moveaxis((before * after).reshape(moved.shape), last, axes)


def _running(x: Any, t: Any, axis: Any) -> tuple[Any, Any, int]:
    """`x` and `t` as float arrays with the running axis last (flattened for `axis=None`), and that axis."""
    dtype = np.result_type(x, t, np.float32)  # float32 stays float32; ints become float64
    x, t = np.asarray(x, dtype=dtype), np.asarray(t, dtype=dtype)
    if axis is None:
        return x.ravel(), t.ravel(), -1
    return np.moveaxis(x, axis, -1), np.moveaxis(np.broadcast_to(t, x.shape), axis, -1), axis


def cumprod_adjoint(y: Any, x: Any, axis: Any = None) -> Any:
    """Adjoint of `np.cumprod(x, axis)` given `y`, the adjoint of its result; exact where `x` has zeros."""
    shape = np.shape(x)
    x, y, axis_ = _running(x, y, axis)
    n = x.shape[-1]
    if n == 0:
        return np.zeros(shape, x.dtype)
    before = np.cumprod(np.concatenate([np.ones_like(x[..., :1]), x[..., :-1]], axis=-1), axis=-1)  # x[:j]'s product
    r = np.empty(np.broadcast_shapes(x.shape, y.shape), x.dtype)  # r[j] = sum over i >= j of y[i] * prod(x[j+1:i+1])
    r[..., n - 1] = y[..., n - 1]
    for j in range(n - 2, -1, -1):  # no division, so zeros are fine
        r[..., j] = y[..., j] + x[..., j + 1] * r[..., j + 1]
    out = before * r
    return out.reshape(shape) if axis is None else np.moveaxis(out, -1, axis_)


def cumprod_tangent(x: Any, t: Any, axis: Any = None) -> Any:
    """Tangent of `np.cumprod(x, axis)` along the tangent `t` of `x`; exact where `x` has zeros."""
    x, t, axis_ = _running(x, t, axis)
    n = x.shape[-1]
    out = np.empty(np.broadcast_shapes(x.shape, t.shape), x.dtype)
    product = np.ones(x.shape[:-1], x.dtype)
    running = np.zeros(out.shape[:-1], x.dtype)
    for i in range(n):  # d(p * x[i]) = dp * x[i] + p * dx[i]
        running = running * x[..., i] + product * t[..., i]
        product = product * x[..., i]
        out[..., i] = running
    return out if axis is None else np.moveaxis(out, -1, axis_)


def diff_adjoint(g: Any, n: int = 1, axis: int = -1) -> Any:
    """Adjoint of `np.diff(x, n, axis)`: each difference sends +g to its later and -g to its earlier element."""
    for _ in range(n):
        g = -np.diff(g, axis=axis, prepend=0, append=0)
    return g


def median_weights(x: Any, axis: Any = None) -> Any:
    """Where the median of `x` along `axis` comes from: 1 at the middle element, 1/2 at each of two middles."""
    x = np.asarray(x)
    axes = _axes(axis, x.ndim)
    last = tuple(range(x.ndim - len(axes), x.ndim))
    moved = np.moveaxis(x, axes, last)
    flat = moved.reshape(moved.shape[: x.ndim - len(axes)] + (-1,))
    n = flat.shape[-1]
    order = np.argsort(flat, axis=-1, kind="stable")
    weights = np.zeros(flat.shape, dtype=float_dtype(x))
    middles = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
    for m in middles:
        np.put_along_axis(weights, order[..., m : m + 1], 1.0 / len(middles), axis=-1)
    return np.moveaxis(weights.reshape(moved.shape), last, axes)


def weights_like(weights: Any, x: Any, axis: Any = None) -> Any:
    """The weights of `np.average(x, axis, weights)` spread to the shape of `x` (ones when None)."""
    if weights is None:
        return np.ones(np.shape(x), dtype=float_dtype(x))
    w = np.asarray(weights)
    if w.ndim == 1 and np.ndim(x) > 1:
        w = np.expand_dims(w, tuple(a for a in range(np.ndim(x)) if a != axis % np.ndim(x)))
    return np.broadcast_to(w, np.shape(x))


def unweights_like(g: Any, weights: Any, axis: Any = None) -> Any:
    """Adjoint of `weights_like`: sum `g` back to the shape of the weights."""
    w = np.asarray(weights)
    if w.ndim == 1 and np.ndim(g) > 1:
        return np.sum(g, axis=tuple(a for a in range(np.ndim(g)) if a != axis % np.ndim(g)))
    return unbroadcast(g, weights)

