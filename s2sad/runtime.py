"""The tiny runtime that generated code imports by name.

Only helpers that a TA would otherwise write by hand on the board live here:
summing an adjoint back to the shape of a broadcast operand, expanding a
reduced adjoint back to its input's shape, and the two adjoints of a matrix
product for every combination of ranks; and one speed helper, `sincos`
(s2sad/runtime_trig.py), the sine and cosine of one array together. Everything
depends on numpy alone.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def unbroadcast(g: Any, x: Any) -> Any:
    """Sum `g` down to the shape of `x`: the adjoint of NumPy broadcasting."""
    shape = x.shape if type(x) is np.ndarray else np.shape(x)
    if (g.shape if type(g) is np.ndarray else np.shape(g)) == shape:
        return g
    g = np.asarray(g)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    if g.shape != shape:  # `g` was smaller than `x`: the contribution is constant along the rest
        g = np.broadcast_to(g, shape)
    return g


def broadcast_like(g: Any, x: Any) -> Any:
    """Broadcast `g` up to the shape of `x`: the adjoint of `unbroadcast`."""
    shape = np.shape(x)
    return g if np.shape(g) == shape else np.broadcast_to(g, shape)


def unsum(g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Spread the adjoint of `np.sum(x, axis)` back over the summed axes of `x`."""
    shape = x.shape if type(x) is np.ndarray else np.shape(x)
    if type(g) is float:
        # A number, such as a gradient's seed 1.0: the same read-only view as np.broadcast_to gives,
        # built directly (np.broadcast_to costs microseconds of Python).
        view = np.ndarray(shape, float, np.array(g), 0, (0,) * len(shape))
        view.flags.writeable = False
        return view
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        g = np.expand_dims(g, tuple(a % len(shape) for a in axes))
    return np.broadcast_to(g, shape)


def matmul_adjoint_a(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `a @ b` (or `np.dot` on 1-D/2-D) with respect to `a`, given `y` = adjoint of the product."""
    na = a.ndim if type(a) is np.ndarray else np.ndim(a)
    nb = b.ndim if type(b) is np.ndarray else np.ndim(b)
    if na == 2 and nb == 2:
        return y @ b.T  # the lecture's case: no batch axes to sum over
    if na == 0 or nb == 0:
        return unbroadcast(y * b, a)
    if na == 1 and nb == 1:
        return y * b
    if nb == 1:
        return unbroadcast(np.multiply.outer(y, b), a)
    if na == 1:
        return unbroadcast(np.matmul(b, np.expand_dims(y, -1))[..., 0], a)
    return unbroadcast(np.matmul(y, np.swapaxes(b, -1, -2)), a)


def matmul_adjoint_b(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `a @ b` (or `np.dot` on 1-D/2-D) with respect to `b`, given `y` = adjoint of the product."""
    na = a.ndim if type(a) is np.ndarray else np.ndim(a)
    nb = b.ndim if type(b) is np.ndarray else np.ndim(b)
    if na == 2 and 0 < nb <= 2:
        return a.T @ y  # the lecture's case, x_bar = W^T z_bar: no batch axes to sum over
    if na == 0 or nb == 0:
        return unbroadcast(y * a, b)
    if na == 1 and nb == 1:
        return y * a
    if na == 1:
        return unbroadcast(np.expand_dims(a, -1) * np.expand_dims(y, -2), b)
    if nb == 1:
        return unbroadcast(np.matmul(np.swapaxes(a, -1, -2), np.expand_dims(y, -1))[..., 0], b)
    return unbroadcast(np.matmul(np.swapaxes(a, -1, -2), y), b)


__all__ = ["unbroadcast", "broadcast_like", "unsum", "matmul_adjoint_a", "matmul_adjoint_b"]


def scatter_add(g: Any, x: Any, index: Any) -> Any:
    """Adjoint of `x[index]`: zeros shaped like `x` with `g` added at `index` (repeats accumulate)."""
    if type(x) is np.ndarray and x.dtype.kind == "f" and type(g) is np.ndarray and g.dtype == x.dtype:
        out = np.zeros(x.shape, x.dtype)  # the common case: float arrays of one dtype, which is the result's
        if type(index) is slice:
            out[index] = g  # (checked here first: a call of _basic_index costs as much as the store)
            return out
    elif isinstance(x, (list, tuple)) and len({np.shape(e) for e in x}) > 1 or getattr(x, "dtype", None) == object:
        return scatter_add_pieces(g, x, index)  # a list of arrays of different shapes (np.split's pieces)
    else:
        out = np.zeros(np.shape(x), dtype=np.result_type(np.asarray(g).dtype, np.asarray(x).dtype, np.float16))
    if _basic_index(index):
        out[index] = g  # ints and slices select each element at most once: a plain store is enough
    else:
        np.add.at(out, index, g)  # integer arrays may repeat an index: contributions must add up
    return out


def _basic_index(index: Any) -> bool:
    if type(index) is slice or type(index) is int:
        return True
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts)


__all__ += ["scatter_add"]


# -- control flow: the stack of values the backward sweep needs, and in-place updates --


def Stack() -> list:  # noqa: N802 -- it reads as the type of what it makes
    """A new, empty LIFO for the values the forward sweep saves for the backward sweep.

    A plain list: `stack.append(x)` and `stack.pop()` are the C methods CPython specialises
    for an exact list (a subclass of list costs about 6 ns more per call, which shows in scalar
    loops that touch the stack every iteration). Its own name marks it in generated code, which
    s2sad may read back (forward over reverse): an `append` on a `Stack()` is a push.
    """
    return []


def zero_at(g: Any, index: Any) -> Any:
    """A copy of `g` with zeros at `index`: the adjoint of an array before `y[index] = v`."""
    if type(g) is np.ndarray and g.dtype.kind == "f":
        out = g.copy()  # the common case: a float array keeps its dtype
    else:
        out = np.array(g, dtype=np.result_type(np.asarray(g).dtype, np.float16), copy=True)
    out[index] = 0
    return out


def set_at(y: Any, index: Any, v: Any) -> Any:
    """A copy of `y` with `v` at `index`: `y[index] = v` without mutating `y`."""
    out = np.array(y, dtype=np.result_type(np.asarray(y).dtype, np.asarray(v).dtype), copy=True)
    out[index] = v
    return out


def appended(xs: Any, v: Any) -> list:
    """A new list: `xs` followed by `v` (what `xs.append(v)` leaves in `xs`)."""
    return list(xs) + [v]


__all__ += ["Stack", "zero_at", "set_at", "appended"]


# -- helpers of the NumPy library (s2sad/rules/): each is small, and each is itself a
# -- primitive with rules, so generated code can be differentiated again.


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """`axis` (None, an int or a tuple) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted(a % ndim for a in ((axis,) if np.ndim(axis) == 0 else axis)))


def _float_dtype(x: Any) -> Any:
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
    return weights if x.dtype == np.float64 else weights.astype(_float_dtype(x), copy=False)


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
    weights = np.zeros(flat.shape, dtype=_float_dtype(x))
    middles = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
    for m in middles:
        np.put_along_axis(weights, order[..., m : m + 1], 1.0 / len(middles), axis=-1)
    return np.moveaxis(weights.reshape(moved.shape), last, axes)


def weights_like(weights: Any, x: Any, axis: Any = None) -> Any:
    """The weights of `np.average(x, axis, weights)` spread to the shape of `x` (ones when None)."""
    if weights is None:
        return np.ones(np.shape(x), dtype=_float_dtype(x))
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


def safe_divide(a: Any, b: Any) -> Any:
    """`a / b`, but 0 where `b` is 0: the subgradient of a norm at zero."""
    b_safe = np.where(b == 0, 1, b)
    return np.where(b == 0, 0 * a, a / b_safe)


def sinc_derivative(x: Any) -> Any:
    """d/dx np.sinc(x) = (cos(pi x) - sinc(x)) / x, which is 0 at x = 0."""
    x_safe = np.where(x == 0, 1, x)
    return np.where(x == 0, 0 * x, (np.cos(np.pi * x_safe) - np.sinc(x_safe)) / x_safe)


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
    out = np.zeros(np.shape(x), dtype=_float_dtype(g))
    if axis is None:
        np.add.at(out.reshape(-1), indices, g)
    else:
        np.add.at(out, (slice(None),) * (axis % out.ndim) + (indices,), g)
    return out


def untake_along_axis(g: Any, x: Any, indices: Any, axis: Any) -> Any:
    """Adjoint of `np.take_along_axis(x, indices, axis)`: a scatter-add along `axis`."""
    out = np.zeros(np.shape(x) if axis is not None else (np.size(x),), dtype=_float_dtype(g))
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
    out = np.zeros(np.shape(x), dtype=_float_dtype(g))
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
        out[i] = np.zeros(np.shape(x), dtype=_float_dtype(x))
    out[index] = out[index] + g
    return out


__all__ += ["scatter_add_pieces", "pieces_array"]


def product(a: Any, b: Any) -> Any:
    """`a @ b`, or `a * b` when either is a scalar (what `np.dot` does): the product whose adjoints
    `matmul_adjoint_a`/`matmul_adjoint_b` are."""
    return a * b if np.ndim(a) == 0 or np.ndim(b) == 0 else np.matmul(a, b)


__all__ += ["product"]


def dot_adjoint_a(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `np.dot(a, b)` with respect to `a`, given `y` = adjoint of the result. `np.dot` is
    `a @ b` except when `a` is a matrix or a stack and `b` a stack: then it is `np.tensordot(a, b, (-1, -2))`."""
    if np.ndim(a) >= 2 and np.ndim(b) >= 3:
        return tensordot_adjoint_a(y, a, b, ([-1], [-2]))
    return matmul_adjoint_a(y, a, b)


def dot_adjoint_b(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `np.dot(a, b)` with respect to `b`, given `y` = adjoint of the result (see `dot_adjoint_a`)."""
    if np.ndim(a) >= 2 and np.ndim(b) >= 3:
        return tensordot_adjoint_b(y, a, b, ([-1], [-2]))
    return matmul_adjoint_b(y, a, b)


def inner_adjoint_a(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `np.inner(a, b)` with respect to `a`: `np.tensordot(a, b, (-1, -1))`, or `a * b` when one is a number."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(y * b, a)
    return tensordot_adjoint_a(y, a, b, ([-1], [-1]))


def inner_adjoint_b(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `np.inner(a, b)` with respect to `b` (see `inner_adjoint_a`)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(y * a, b)
    return tensordot_adjoint_b(y, a, b, ([-1], [-1]))


def cross_adjoint_a(y: Any, a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: Any = None) -> Any:
    """Adjoint of `np.cross(a, b, axisa, axisb, axisc, axis)` with respect to `a`, given `y`.

    <y, a x b> = <a, b x y>: the vectors are moved to the last axis, a 2-vector is a 3-vector with
    z = 0 (and the cross product of two 2-vectors is the z component alone), then moved back."""
    a_, b_, y_, axisa = _cross_parts(y, a, b, axisa, axisb, axisc, axis)
    out = np.cross(b_, y_)[..., : a_.shape[-1]]
    return np.moveaxis(unbroadcast(out, a_), -1, axisa)


def cross_adjoint_b(y: Any, a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: Any = None) -> Any:
    """Adjoint of `np.cross(a, b, axisa, axisb, axisc, axis)` with respect to `b`: <y, a x b> = <b, y x a>."""
    b_, a_, y_, axisb = _cross_parts(y, b, a, axisb, axisa, axisc, axis)
    out = np.cross(y_, a_)[..., : b_.shape[-1]]
    return np.moveaxis(unbroadcast(out, b_), -1, axisb)


def _cross_parts(y: Any, a: Any, b: Any, axisa: int, axisb: int, axisc: int, axis: Any) -> tuple:
    """`a` with its vectors last, `b` and `y` with theirs last as 3-vectors, and `a`'s vector axis."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a_ = np.moveaxis(np.asarray(a), axisa, -1)
    b_ = np.moveaxis(np.asarray(b), axisb, -1)
    if a_.shape[-1] == 2 and b_.shape[-1] == 2:  # the result is the z component: a 3-vector (0, 0, y)
        y = np.asarray(y)
        y_ = np.stack([np.zeros_like(y), np.zeros_like(y), y], axis=-1)
    else:
        y_ = np.moveaxis(np.asarray(y), axisc, -1)
    if b_.shape[-1] == 2:
        b_ = np.concatenate([b_, np.zeros_like(b_[..., :1])], axis=-1)
    return a_, b_, y_, axisa


__all__ += ["dot_adjoint_a", "dot_adjoint_b", "inner_adjoint_a", "inner_adjoint_b", "cross_adjoint_a", "cross_adjoint_b"]

__all__ += [
    "tie_weights", "prod_others", "cumprod_adjoint", "cumprod_tangent", "diff_adjoint", "median_weights",
    "weights_like", "unweights_like", "safe_divide", "sinc_derivative", "unstack", "unconcatenate", "join_like",
    "unrepeat", "untile", "unpad", "unsort", "untake", "untake_along_axis", "undiag", "undiagonal",
]


# The aliasing guards and the linear-algebra adjoints live in their own modules; generated code imports
# them from here.
from . import runtime_guards  # noqa: E402
from .runtime_guards import _refuse, not_a_view, unshared  # noqa: E402, F401 -- re-exported

__all__ += runtime_guards.__all__  # noqa: E402

from . import runtime_linalg  # noqa: E402 -- after the helpers it uses are defined
from .runtime_linalg import (  # noqa: E402, F401 -- re-exported
    mT,
    cofactors,
    lower_half,
    eigengap_inverse,
    from_triangle,
    triangle_adjoint,
    block_triangular,
    upper_right,
    tensordot_adjoint_a,
    tensordot_adjoint_b,
    _tensordot_axes,
    kron_adjoint_a,
    kron_adjoint_b,
    _kron_split,
    einsum_adjoint_spec,
    _einsum_tokens,
    einsum_adjoint,
    einsum_interleaved,
    einsum_check,
    einsum_dots_first,
    norm_direction,
    norm_direction_partial,
    norm_direction_slope,
    real_eigenvalues,
    reduced_u,
    diagonal_blocks_sum,
    skew_lower,
)
__all__ += runtime_linalg.__all__  # noqa: E402

# The sine and cosine of one array together (s2sad/sincos.py calls it); generated code imports it from here.
from .runtime_trig import sincos

__all__ += ["sincos"]

# Stores with repeated indices, and casts whose dtype is known only at run time (s2sad/runtime_store.py).
from .runtime_store import cast_adjoint, cast_tangent, placed, stored  # noqa: E402

__all__ += ["stored", "placed", "cast_adjoint", "cast_tangent"]

# Grids, differences, selection and joining (s2sad/runtime_construction.py).
from . import runtime_construction  # noqa: E402
from .runtime_construction import (  # noqa: E402, F401 -- re-exported
    _gradient_axis_adjoint, _select_masks, c_column, linspace_weights, partition_order, unappend, ungradient,
    one_array, one_number, unselect, unselect_default,
)

__all__ += runtime_construction.__all__  # noqa: E402

# meshgrid, broadcast_arrays, insert, delete, interp, bincount and the full SVD (s2sad/runtime_extra.py).
from . import runtime_extra  # noqa: E402
from .runtime_extra import (  # noqa: E402, F401 -- re-exported
    broadcast_adjoint, broadcast_tangent, interp_fp_adjoint, interp_fp_tangent, interp_slope, interp_slope_adjoint,
    meshgrid_adjoint, meshgrid_tangent, svd_reduced, svd_reduced_cotangent, unbincount, undelete, uninsert_arr,
    cov_variables, cov_variables_adjoint, svd_padded,
    uninsert_values,
)

__all__ += runtime_extra.__all__  # noqa: E402
from .runtime_extra import flip_trans, triangular_product, triangular_solve_adjoint_a  # noqa: E402, F401
