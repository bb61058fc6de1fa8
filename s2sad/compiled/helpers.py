"""Numba versions of the few runtime helpers that layout-specialised code still calls.

Imported only by code that `s2sad.jit` writes (and by `s2sad/compiled/jit.py`), so s2sad itself never
needs Numba. Each helper is a plain Python stub with a Numba `overload` picked by the
argument types; only the cases the rewrite emits are implemented, and the rewrite
(`s2sad/compiled/transform.py`) refuses the others before Numba sees them.
"""
from __future__ import annotations

import math

import numba as _numba
import numpy as np
from numba import types
from numba.extending import overload


def zeros_like_float(x):  # noqa: D103 -- np.zeros_like(x, dtype=float) for a number or an array
    raise NotImplementedError


@overload(zeros_like_float)
def _zeros_like_float(x):
    if isinstance(x, types.Array):
        return lambda x: np.zeros(x.shape)
    return lambda x: 0.0


def zeros_like_same(x):  # noqa: D103 -- np.zeros_like(x)
    raise NotImplementedError


@overload(zeros_like_same)
def _zeros_like_same(x):
    if isinstance(x, types.Array):
        return lambda x: np.zeros(x.shape, x.dtype)
    if isinstance(x, types.Integer):
        return lambda x: 0
    return lambda x: 0.0


def unsum_number(g, x):  # noqa: D103 -- unsum(g, x) for a number g: g spread over x's shape
    raise NotImplementedError


@overload(unsum_number)
def _unsum_number(g, x):
    if isinstance(x, types.Array):
        return lambda g, x: np.full(x.shape, g)
    return lambda g, x: g


def _reduce2(a, axis, take_max):
    n, m = a.shape
    if axis == 0:
        out = np.empty(m, a.dtype)
        for j in range(m):
            best = a[0, j]
            for i in range(1, n):
                v = a[i, j]
                if (v > best if take_max else v < best) or v != v:
                    best = v
                    if v != v:
                        break
            out[j] = best
        return out
    out = np.empty(n, a.dtype)
    for i in range(n):
        best = a[i, 0]
        for j in range(1, m):
            v = a[i, j]
            if (v > best if take_max else v < best) or v != v:
                best = v
                if v != v:
                    break
        out[i] = best
    return out


def reduce_axis(a, axis, keep, take_max):  # noqa: D103 -- np.max/np.min(a, axis, keepdims) of a matrix
    raise NotImplementedError


@overload(reduce_axis)
def _reduce_axis(a, axis, keep, take_max):
    if not (isinstance(a, types.Array) and a.ndim == 2):
        return None

    def impl(a, axis, keep, take_max):
        return _reduce2_jit(a, axis, take_max)

    return impl


def reduce_axis_keep(a, axis, take_max):  # noqa: D103 -- the same with keepdims=True
    raise NotImplementedError


@overload(reduce_axis_keep)
def _reduce_axis_keep(a, axis, take_max):
    if not (isinstance(a, types.Array) and a.ndim == 2):
        return None

    def impl(a, axis, take_max):
        r = _reduce2_jit(a, axis, take_max)
        return np.expand_dims(r, axis)

    return impl


def tie_weights2(x, ans, axis, keep):  # noqa: D103 -- runtime.tie_weights for a matrix
    raise NotImplementedError


@overload(tie_weights2)
def _tie_weights2(x, ans, axis, keep):
    if not (isinstance(x, types.Array) and x.ndim == 2 and isinstance(ans, types.Array)):
        return None
    if ans.ndim == 2:
        def pick(ans, i):
            return ans[0, i]
        def pick_row(ans, i):
            return ans[i, 0]
    else:
        def pick(ans, i):
            return ans[i]
        def pick_row(ans, i):
            return ans[i]
    pick_j = _numba.njit(pick)
    pick_i = _numba.njit(pick_row)

    def impl(x, ans, axis, keep):
        n, m = x.shape
        w = np.zeros((n, m))
        if axis == 0:
            for j in range(m):
                a = pick_j(ans, j)
                k = 0
                for i in range(n):
                    if x[i, j] == a:
                        k += 1
                for i in range(n):
                    if x[i, j] == a:
                        w[i, j] = 1.0 / k
        else:
            for i in range(n):
                a = pick_i(ans, i)
                k = 0
                for j in range(m):
                    if x[i, j] == a:
                        k += 1
                for j in range(m):
                    if x[i, j] == a:
                        w[i, j] = 1.0 / k
        return w

    return impl


_reduce2_jit = _numba.njit(cache=True)(_reduce2)


@_numba.njit(inline="always", cache=True)
def tanh1(v):
    """tanh from expm1 (within 3 units in the last place of libm's, about twice as fast in a loop)."""
    e = math.expm1(-2.0 * abs(v))
    return math.copysign(-e / (e + 2.0), v)


def unsum_axis(g, x, axis):  # noqa: D103 -- unsum(g, x, axis[, keepdims]): g spread back along one axis
    raise NotImplementedError


@overload(unsum_axis)
def _unsum_axis(g, x, axis):
    if not isinstance(x, types.Array):
        return None
    if x.ndim == 1 and not isinstance(g, types.Array):
        return lambda g, x, axis: np.full(x.shape, g)
    if x.ndim == 1 and isinstance(g, types.Array) and g.ndim == 1:
        return lambda g, x, axis: np.full(x.shape, g[0])
    if x.ndim != 2 or not isinstance(g, types.Array) or g.ndim not in (1, 2):
        return None
    if g.ndim == 1:
        def impl(g, x, axis):
            n, m = x.shape
            out = np.empty((n, m))
            for i in range(n):
                for j in range(m):
                    out[i, j] = g[j] if axis == 0 else g[i]
            return out
        return impl

    def impl_keep(g, x, axis):
        n, m = x.shape
        out = np.empty((n, m))
        for i in range(n):
            for j in range(m):
                out[i, j] = g[0, j] if axis == 0 else g[i, 0]
        return out
    return impl_keep


def sum_axis(a, axis):  # noqa: D103 -- np.sum(a, axis) of a matrix, in loops (Numba's own takes seconds to compile)
    raise NotImplementedError


@overload(sum_axis)
def _sum_axis(a, axis):
    if not isinstance(a, types.Array):
        return None
    if a.ndim != 2:
        return lambda a, axis: np.sum(a, axis=axis)

    def impl(a, axis):
        n, m = a.shape
        if axis == 0 or axis == -2:
            out = np.zeros(m, a.dtype)
            for i in range(n):
                for j in range(m):
                    out[j] += a[i, j]
            return out
        out = np.zeros(n, a.dtype)
        for i in range(n):
            s = out[i]
            for j in range(m):
                s += a[i, j]
            out[i] = s
        return out
    return impl
