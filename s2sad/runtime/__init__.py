"""The tiny runtime that generated code imports by name (`from s2sad.runtime import ...`).

Input: nothing but numpy. Output: every helper that generated (and exported) code calls, under its own
name here. Only helpers that a TA would otherwise write by hand on the board live in this file:
summing an adjoint back to the shape of a broadcast operand, expanding a
reduced adjoint back to its input's shape, the two adjoints of a matrix
product for every combination of ranks, the scatter-add of indexing, and the
save stack and copies of control flow. The rest sit in `s2sad/runtime_*.py`,
one module per idea, re-exported below: reductions, pointwise, shape, products,
guards, linalg, trig (`sincos`, the sine and cosine of one array together),
store, construction, extra and signal. Everything depends on numpy alone.
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
# -- primitive with rules, so generated code can be differentiated again. They live in modules of
# -- their own, imported here in the order they were written (what `s2sad.export` copies follows it).

# Reductions, running products and differences (s2sad/runtime/reductions.py).
from .reductions import (
    float_dtype,
    tie_weights,
    prod_others,
    cumprod_adjoint,
    cumprod_tangent,
    diff_adjoint,
    median_weights,
    weights_like,
    unweights_like,
)
# Pointwise formulas at a removable singularity (s2sad/runtime/pointwise.py).
from .pointwise import safe_divide, sinc_derivative  # noqa: E402, F401 -- re-exported

# Joining, repeating, padding, sorting and taking (s2sad/runtime/shape.py).
from .shape import (
    unstack,
    unconcatenate,
    pieces_array,
    join_like,
    unrepeat,
    untile,
    unpad,
    unsort,
    untake,
    untake_along_axis,
    undiag,
    undiagonal,
    scatter_add_pieces,
)

__all__ += ["scatter_add_pieces", "pieces_array"]

# np.dot, np.inner and np.cross (s2sad/runtime/products.py).
from .products import (
    product,
    dot_adjoint_a,
    dot_adjoint_b,
    inner_adjoint_a,
    inner_adjoint_b,
    cross_adjoint_a,
    cross_adjoint_b,
)

__all__ += ["product"]

__all__ += ["dot_adjoint_a", "dot_adjoint_b", "inner_adjoint_a", "inner_adjoint_b", "cross_adjoint_a", "cross_adjoint_b"]

__all__ += [
    "tie_weights", "prod_others", "cumprod_adjoint", "cumprod_tangent", "diff_adjoint", "median_weights",
    "weights_like", "unweights_like", "safe_divide", "sinc_derivative", "unstack", "unconcatenate", "join_like",
    "unrepeat", "untile", "unpad", "unsort", "untake", "untake_along_axis", "undiag", "undiagonal",
]


# The aliasing guards and the linear-algebra adjoints live in their own modules; generated code imports
# them from here.
from . import guards as runtime_guards  # noqa: E402
from .guards import not_a_view, unshared  # noqa: E402, F401 -- re-exported

__all__ += runtime_guards.__all__  # noqa: E402

from . import linalg as runtime_linalg  # noqa: E402 -- after the helpers it uses are defined
from .linalg import (
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
    kron_adjoint_a,
    kron_adjoint_b,
    einsum_adjoint_spec,
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

# The sine and cosine of one array together (s2sad/passes/sincos.py calls it); generated code imports it from here.
from .trig import sincos

__all__ += ["sincos"]

# Stores with repeated indices, and casts whose dtype is known only at run time (s2sad/runtime/store.py).
from .store import cast_adjoint, cast_tangent, placed, stored  # noqa: E402

__all__ += ["stored", "placed", "cast_adjoint", "cast_tangent"]

# Grids, differences, selection and joining (s2sad/runtime/construction.py).
from . import construction as runtime_construction  # noqa: E402
from .construction import (
    c_column,
    linspace_weights,
    partition_order,
    unappend,
    ungradient,
    one_array,
    one_number,
    unselect,
    unselect_default,
)

__all__ += runtime_construction.__all__  # noqa: E402

# meshgrid, broadcast_arrays, insert, delete, interp, bincount and the full SVD (s2sad/runtime/extra.py).
from . import extra as runtime_extra  # noqa: E402
from .extra import (
    broadcast_adjoint,
    broadcast_tangent,
    interp_fp_adjoint,
    interp_fp_tangent,
    interp_slope,
    interp_slope_adjoint,
    meshgrid_adjoint,
    meshgrid_tangent,
    svd_reduced,
    svd_reduced_cotangent,
    unbincount,
    undelete,
    uninsert_arr,
    cov_variables,
    cov_variables_adjoint,
    svd_padded,
    uninsert_values,
)

__all__ += runtime_extra.__all__  # noqa: E402
from .extra import flip_trans, triangular_product, triangular_solve_adjoint_a  # noqa: E402, F401

# np.convolve's adjoints (s2sad/runtime/signal.py).
from . import signal as runtime_signal  # noqa: E402
from .signal import convolve_adjoint_a, convolve_adjoint_v, convolve_unwindow  # noqa: E402, F401 -- re-exported

__all__ += runtime_signal.__all__  # noqa: E402
