"""Run-time helpers for meshgrid, broadcast_arrays (rules/spread.py), insert, delete (rules/placement.py),
interp (rules/interp.py), bincount's weights (rules/counting.py), np.cov's variables (rules/call_hooks.py)
and the full-matrices SVD check (rules/svd_full.py). Generated code imports them from `s2sad.runtime`.

Each helper is linear in its first array argument (a cotangent or a tangent), and its rules say so.
"""
from __future__ import annotations

from typing import Any

import numpy as np


# -- meshgrid and broadcast_arrays ---------------------------------------------------------------


def _meshgrid_axis(k: int, n: int, indexing: str) -> int:
    """The axis of `np.meshgrid`'s outputs along which its input `k` (of `n`) varies."""
    if indexing == "xy" and n >= 2 and k < 2:
        return 1 - k
    return k


def meshgrid_adjoint(g: Any, k: int, a: Any, b: Any = None, c: Any = None, d: Any = None, sparse: bool = False,
                     indexing: str = "xy") -> Any:
    """The adjoint of input `k` of `np.meshgrid(a, b, c, d)` from the adjoint `g` of output `k`:
    `g` summed over every axis but the one input `k` runs along (sparse outputs too)."""
    xs = [x for x in (a, b, c, d) if x is not None]
    x = xs[k]
    g = np.asarray(g)
    if g.ndim == 0:  # an unused output: its adjoint is a zero number
        return np.zeros(np.shape(x)) + g
    axis = _meshgrid_axis(k, len(xs), indexing)
    others = tuple(i for i in range(g.ndim) if i != axis)
    return np.reshape(np.sum(g, axis=others), np.shape(x))


def meshgrid_tangent(k: int, t: Any, a: Any, b: Any = None, c: Any = None, d: Any = None,
                     sparse: bool = False, indexing: str = "xy") -> Any:
    """The outputs' tangents of `np.meshgrid(a, b, c, d)` from the tangent `t` of input `k` alone."""
    xs = [x for x in (a, b, c, d) if x is not None]
    parts = [t if i == k else np.zeros(np.shape(x), np.result_type(t)) for i, x in enumerate(xs)]  # t's dtype: float32 stays float32
    from . import pieces_array  # an array, or an object array of pieces: tangents add piece by piece

    return pieces_array(np.meshgrid(*parts, sparse=sparse, indexing=indexing, copy=True))


def broadcast_adjoint(g: Any, k: int, a: Any, b: Any = None, c: Any = None, d: Any = None) -> Any:
    """The adjoint of input `k` of `np.broadcast_arrays(a, b, c, d)` from the adjoint of output `k`."""
    from . import unbroadcast

    xs = [x for x in (a, b, c, d) if x is not None]
    return unbroadcast(np.asarray(g), xs[k])


def broadcast_tangent(k: int, t: Any, a: Any, b: Any = None, c: Any = None, d: Any = None) -> Any:
    """The outputs' tangents of `np.broadcast_arrays(a, b, c, d)` from the tangent `t` of input `k` alone."""
    xs = [x for x in (a, b, c, d) if x is not None]
    shape = np.broadcast_shapes(*(np.shape(x) for x in xs))
    from . import pieces_array

    return pieces_array([np.broadcast_to(t, shape) if i == k else np.zeros(shape, np.result_type(t)) for i in range(len(xs))])


# -- insert and delete: linear maps, transposed by labelling positions -----------------------------


def _labels(shape: Any) -> Any:
    return np.arange(int(np.prod(shape)), dtype=np.intp).reshape(shape)


def _gather(g: Any, where: Any, shape: Any) -> Any:
    """The sum of `g` at each label in `where` (-1: none), as an array of `shape`."""
    where, g = np.ravel(where), np.ravel(np.asarray(g))
    keep = where >= 0
    return np.bincount(where[keep], weights=g[keep], minlength=int(np.prod(shape))).reshape(shape)


def uninsert_arr(g: Any, arr: Any, obj: Any, values: Any, axis: Any = None) -> Any:
    """The adjoint of `arr` in `np.insert(arr, obj, values, axis)`."""
    where = np.insert(_labels(np.shape(arr)), obj, np.full(np.shape(values), -1, dtype=np.intp), axis)
    return _gather(g, where, np.shape(arr))


def uninsert_values(g: Any, arr: Any, obj: Any, values: Any, axis: Any = None) -> Any:
    """The adjoint of `values` in `np.insert(arr, obj, values, axis)` (summed where it was broadcast)."""
    where = np.insert(np.full(np.shape(arr), -1, dtype=np.intp), obj, _labels(np.shape(values)), axis)
    return _gather(g, where, np.shape(values))


def undelete(g: Any, arr: Any, obj: Any, axis: Any = None) -> Any:
    """The adjoint of `np.delete(arr, obj, axis)`: `g` back in the kept places, 0 in the deleted ones."""
    return _gather(g, np.delete(_labels(np.shape(arr)), obj, axis), np.shape(arr))


# -- interp: piecewise linear in x, linear in fp --------------------------------------------------


def _segments(x: Any, xp: Any, left: Any, right: Any) -> tuple[Any, Any, Any, Any]:
    """For each x: its segment's left node, the fraction t along it, 1/width, and whether x is inside."""
    xp = np.asarray(xp, dtype=float)
    x = np.asarray(x, dtype=float)
    i = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, len(xp) - 2)
    width = xp[i + 1] - xp[i]
    t = (x - xp[i]) / width
    inside = (x >= xp[0]) & (x <= xp[-1])
    # Outside [xp[0], xp[-1]] the value is fp[0] or fp[-1] (left/right None), or the constant left/right.
    t = np.where(x < xp[0], 0.0, np.where(x > xp[-1], 1.0, t))
    return i, t, 1.0 / width, inside


def interp_slope(x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None) -> Any:
    """d np.interp(x, xp, fp) / dx: the slope of x's segment, 0 outside [xp[0], xp[-1]]."""
    i, _, inv, inside = _segments(x, xp, left, right)
    fp = np.asarray(fp)
    return np.where(inside, (fp[i + 1] - fp[i]) * inv, 0.0)


def interp_slope_adjoint(c: Any, x: Any, xp: Any, left: Any = None, right: Any = None) -> Any:
    """The adjoint of fp in `interp_slope(x, xp, fp)` (which is linear in fp)."""
    i, _, inv, inside = _segments(x, xp, left, right)
    w = np.where(inside, np.asarray(c) * inv, 0.0)
    n = len(xp)
    return np.bincount(np.ravel(i + 1), np.ravel(w), minlength=n) - np.bincount(np.ravel(i), np.ravel(w), minlength=n)


def interp_fp_tangent(x: Any, xp: Any, fp_dot: Any, left: Any = None, right: Any = None) -> Any:
    """The tangent of `np.interp(x, xp, fp, left, right)` from fp's tangent (the constants left/right give 0)."""
    return np.interp(x, xp, fp_dot, None if left is None else 0.0, None if right is None else 0.0)


def interp_fp_adjoint(g: Any, x: Any, xp: Any, left: Any = None, right: Any = None) -> Any:
    """The adjoint of fp in `np.interp(x, xp, fp, left, right)`: `g` shared between each segment's two nodes."""
    i, t, _, _ = _segments(x, xp, left, right)
    g = np.broadcast_to(np.asarray(g, dtype=float), np.shape(t))
    off = np.zeros(np.shape(t), bool)
    if left is not None:
        off |= np.asarray(x) < xp[0]
    if right is not None:
        off |= np.asarray(x) > xp[-1]
    g = np.where(off, 0.0, g)
    n = len(xp)
    return np.bincount(np.ravel(i), np.ravel(g * (1 - t)), minlength=n) + np.bincount(np.ravel(i + 1), np.ravel(g * t), minlength=n)


# -- bincount's weights ----------------------------------------------------------------------------


def unbincount(g: Any, x: Any) -> Any:
    """The adjoint of the weights of `np.bincount(x, weights)`: each weight gets the adjoint of its bin."""
    return np.asarray(g)[np.asarray(x)]


# -- the SVD with full_matrices=True of a non-square matrix ------------------------------------------


def svd_reduced(ans: Any) -> Any:
    """The reduced parts (u[..., :, :k], s, vh[..., :k, :]) of an SVD's result, k = min(m, n)."""
    from . import pieces_array  # indexable, and adjoints add piece by piece

    u, s, vh = ans
    k = np.shape(s)[-1]
    return pieces_array([u[..., :, :k], s, vh[..., :k, :]])


def svd_reduced_cotangent(g: Any, ans: Any) -> Any:
    """The cotangent of the reduced SVD from that of the full one: refused (DerivativeError) where the
    extra columns of u or rows of vh carry a nonzero cotangent -- their derivative is not unique."""
    gu, gs, gvh = g
    k = np.shape(ans[1])[-1]
    gu, gvh = np.asarray(gu), np.asarray(gvh)
    extra_u = gu[..., :, k:] if gu.ndim >= 2 else np.zeros(0)
    extra_vh = gvh[..., k:, :] if gvh.ndim >= 2 else np.zeros(0)
    if np.any(extra_u != 0) or np.any(extra_vh != 0):
        raise ValueError(
            "np.linalg.svd with full_matrices=True of a non-square matrix: the extra columns of u (or rows of vh) "
            "beyond min(m, n) are not unique, so a result that depends on them has no derivative; use "
            "full_matrices=False, or only the singular values and the first min(m, n) columns"
        )
    from . import pieces_array

    gu = gu[..., :, :k] if gu.ndim >= 2 else gu
    gvh = gvh[..., :k, :] if gvh.ndim >= 2 else gvh
    return pieces_array([gu, gs, gvh])


# -- np.cov's variables ------------------------------------------------------------------------


def cov_variables(m: Any, rowvar: Any = True) -> Any:
    """The variables of np.cov as rows, as NumPy reads them: a 2-D array, transposed when rowvar is
    False (unless it has one row)."""
    x = np.array(m, ndmin=2, copy=None) if np.ndim(m) < 2 else np.asarray(m)
    return x.T if not rowvar and x.shape[0] != 1 else x


def cov_variables_adjoint(g: Any, m: Any, rowvar: Any = True) -> Any:
    """The adjoint of `cov_variables(m, rowvar)`: g in m's shape."""
    x = np.array(m, ndmin=2, copy=None) if np.ndim(m) < 2 else np.asarray(m)
    g = np.asarray(g)
    return np.reshape(g.T if not rowvar and x.shape[0] != 1 else g, np.shape(m))


__all__ = [
    "meshgrid_adjoint", "meshgrid_tangent", "broadcast_adjoint", "broadcast_tangent", "uninsert_arr",
    "uninsert_values", "undelete", "interp_slope", "interp_slope_adjoint", "interp_fp_tangent", "interp_fp_adjoint",
    "unbincount", "svd_reduced", "svd_reduced_cotangent", "cov_variables", "cov_variables_adjoint",
]


# -- scipy.linalg.solve_triangular --------------------------------------------------------------------


def flip_trans(trans: Any) -> int:
    """The `trans` of the transposed triangular system (real matrices: 'C' is 'T')."""
    return 0 if trans in (1, 2, "T", "C") else 1


def _triangle(m: Any, lower: Any, unit_diagonal: Any) -> Any:
    m = np.tril(m) if lower else np.triu(m)
    if unit_diagonal:
        m = m - np.diag(np.diagonal(m))
    return m


def _column(v: Any) -> Any:
    v = np.asarray(v)
    return v[:, None] if v.ndim == 1 else v


def triangular_product(m: Any, x: Any, trans: Any = 0, lower: Any = False, unit_diagonal: Any = False) -> Any:
    """op(T) @ x, where T is the triangle of `m` that `scipy.linalg.solve_triangular` reads (no diagonal
    with unit_diagonal) and op transposes it when `trans` says so."""
    t = _triangle(np.asarray(m), lower, unit_diagonal)
    return (t.T if flip_trans(trans) == 0 else t) @ x


def triangular_solve_adjoint_a(b_bar: Any, x: Any, trans: Any = 0, lower: Any = False, unit_diagonal: Any = False) -> Any:
    """The adjoint of `a` in x = solve_triangular(a, b, trans, lower, unit_diagonal), from b's adjoint
    `b_bar` = solve_triangular(a, g, the other trans): -b_bar x^T (or its transpose), on the triangle read."""
    bb, xx = _column(b_bar), _column(x)
    m = -(bb @ xx.T) if flip_trans(trans) == 1 else -(xx @ bb.T)
    return _triangle(m, lower, unit_diagonal)


__all__ += ["flip_trans", "triangular_product", "triangular_solve_adjoint_a"]


def svd_padded(t: Any, ans: Any, fill: float = float("nan")) -> Any:
    """The reduced SVD's tangents (or adjoints) `t` in the shapes of the full result `ans`: u's extra columns
    and vh's extra rows hold `fill` (NaN for a tangent, which does not exist there; 0 for an adjoint)."""
    u, s, vh = ans
    tu, ts, tvh = t
    tu, tvh = np.asarray(tu), np.asarray(tvh)
    if tu.ndim >= 2 and tu.shape[-1] != np.shape(u)[-1]:
        pad = np.full(tu.shape[:-1] + (np.shape(u)[-1] - tu.shape[-1],), fill)
        tu = np.concatenate([tu, pad], axis=-1)
    if tvh.ndim >= 2 and tvh.shape[-2] != np.shape(vh)[-2]:
        pad = np.full(tvh.shape[:-2] + (np.shape(vh)[-2] - tvh.shape[-2], tvh.shape[-1]), fill)
        tvh = np.concatenate([tvh, pad], axis=-2)
    from . import pieces_array

    return pieces_array([tu, ts, tvh])


__all__ += ["svd_padded"]
