"""More of NumPy (and scipy.linalg): positive, dstack, heaviside, insert, delete, interp, meshgrid,
broadcast_arrays, bincount's weights, unique (refused), the ufunc methods `np.add.reduce` and kin,
np.cov and np.corrcoef (conversion-time macros over mean and matmul, so the Wengert list shows what
they compute), and scipy.linalg's solve_triangular, solve_sylvester and sqrtm.

Two conversion-time hooks live here too (`convert.py` calls them):
  * `ufunc_method(ufunc, attr)`: `np.add.reduce(x)` is the primitive `add_reduce`;
  * `call_hook(prim, args, kwargs)`: a nested list in an array parameter of a primitive
    (`np.sum([[x, 1.0], [2.0, x]])`) is the `np.array` NumPy makes of it, and `np.cov`/`np.corrcoef`
    are written out.
"""
# ruff: noqa: N801, N803
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..ir import Const, Expr, Op, Tup, Var, walk_expr
from ..registry import PRIMS, Primitive, defrule, nondiff
from ..runtime import (
    broadcast_adjoint,
    broadcast_tangent,
    cov_variables,
    cov_variables_adjoint,
    interp_fp_adjoint,
    interp_fp_tangent,
    interp_slope,
    interp_slope_adjoint,
    meshgrid_adjoint,
    meshgrid_tangent,
    svd_padded,
    svd_reduced,
    svd_reduced_cotangent,
    prod_others,
    tie_weights,
    unbincount,
    unbroadcast,
    unconcatenate,
    undelete,
    uninsert_arr,
    uninsert_values,
    unsum,
)
from .macros import refused_if, unsupported

# -- simple ones -----------------------------------------------------------------------------------


@defrule(np.positive, elementwise=True)
class positive:
    def vjp(g, ans, x):
        return g

    def jvp(ans, x, x_dot):
        return x_dot


@defrule(np.dstack)
class dstack:
    # 1-D and 2-D arrays are made (1, N, 1) and (M, N, 1) first: unconcatenate reshapes each piece back.
    def vjp(g, ans, xs):
        return unconcatenate(g, xs, 2)

    def jvp(ans, xs, xs_dot):
        return np.dstack(xs_dot)


@defrule(np.heaviside, elementwise=True)
class heaviside:
    # A step in x1 (derivative 0 almost everywhere, like np.sign); x2 is the value where x1 == 0.
    def vjp(g, ans, x1, x2):
        return None, unbroadcast(g * (x1 == 0), x2)

    def jvp(ans, x1, x2, x1_dot, x2_dot):
        return None, x2_dot * (x1 == 0)


# -- insert and delete: linear maps; their adjoints put each element's adjoint back by position -------


@defrule(np.insert)
class insert:
    def vjp(g, ans, arr, obj, values, axis=None):
        return uninsert_arr(g, arr, obj, values, axis), None, uninsert_values(g, arr, obj, values, axis), None

    def jvp(ans, arr, obj, values, axis=None, arr_dot=None, obj_dot=None, values_dot=None, axis_dot=None):
        return (
            np.insert(arr_dot, obj, np.zeros(np.shape(values)), axis),
            None,
            # zeros in arr's dtype, the result's: float32 stays float32 (and an int arr truncates values, as NumPy does)
            np.insert(np.zeros_like(arr), obj, values_dot, axis),
            None,
        )


@defrule(uninsert_arr, call="uninsert_arr")
class uninsert_arr_:
    def vjp(g, ans, y, arr, obj, values, axis=None):
        return np.insert(g, obj, np.zeros(np.shape(values)), axis), None, None, None, None

    def jvp(ans, y, arr, obj, values, axis=None, y_dot=None, arr_dot=None, obj_dot=None, values_dot=None, axis_dot=None):
        return uninsert_arr(y_dot, arr, obj, values, axis), None, None, None, None


@defrule(uninsert_values, call="uninsert_values")
class uninsert_values_:
    def vjp(g, ans, y, arr, obj, values, axis=None):
        return np.insert(np.zeros(np.shape(arr)), obj, g, axis), None, None, None, None

    def jvp(ans, y, arr, obj, values, axis=None, y_dot=None, arr_dot=None, obj_dot=None, values_dot=None, axis_dot=None):
        return uninsert_values(y_dot, arr, obj, values, axis), None, None, None, None


@defrule(np.delete)
class delete:
    def vjp(g, ans, arr, obj, axis=None):
        return undelete(g, arr, obj, axis), None, None

    def jvp(ans, arr, obj, axis=None, arr_dot=None, obj_dot=None, axis_dot=None):
        return np.delete(arr_dot, obj, axis), None, None


@defrule(undelete, call="undelete")
class undelete_:
    def vjp(g, ans, y, arr, obj, axis=None):
        return np.delete(g, obj, axis), None, None, None

    def jvp(ans, y, arr, obj, axis=None, y_dot=None, arr_dot=None, obj_dot=None, axis_dot=None):
        return undelete(y_dot, arr, obj, axis), None, None, None


# -- interp: the slope of x's segment in x; linear weights in fp; xp is a constant grid ----------------


def _no_period(args: tuple[Expr, ...], kwargs: tuple) -> Expr | None:
    return None


@defrule(np.interp)
class interp:
    # Outside [xp[0], xp[-1]] the value is fp[0]/fp[-1] (left/right None) or the constant left/right:
    # slope 0 in x there. xp gets no adjoint: it is the grid (a kink moves with it; not supported).
    def vjp(g, ans, x, xp, fp, left=None, right=None, period=None):
        return (
            refused_if(period, g * interp_slope(x, xp, fp, left, right), "np.interp is differentiated without period"),
            unsupported("np.interp is differentiated in x and fp, not in the grid xp"),
            refused_if(period, interp_fp_adjoint(g, x, xp, left, right), "np.interp is differentiated without period"),
            np.sum(g * (x < xp[0])),
            np.sum(g * (x > xp[-1])),
            None,
        )

    def jvp(ans, x, xp, fp, left=None, right=None, period=None, x_dot=None, xp_dot=None, fp_dot=None, left_dot=None,
            right_dot=None, period_dot=None):
        return (
            refused_if(period, x_dot * interp_slope(x, xp, fp, left, right), "np.interp is differentiated without period"),
            unsupported("np.interp is differentiated in x and fp, not in the grid xp"),
            refused_if(period, interp_fp_tangent(x, xp, fp_dot, left, right), "np.interp is differentiated without period"),
            left_dot * (x < xp[0]),
            right_dot * (x > xp[-1]),
            None,
        )


@defrule(interp_slope, call="interp_slope")
class interp_slope_:
    # Piecewise constant in x (0 almost everywhere), linear in fp.
    def vjp(g, ans, x, xp, fp, left=None, right=None):
        return None, None, interp_slope_adjoint(g, x, xp, left, right), None, None

    def jvp(ans, x, xp, fp, left=None, right=None, x_dot=None, xp_dot=None, fp_dot=None, left_dot=None, right_dot=None):
        return None, None, interp_slope(x, xp, fp_dot, left, right), None, None


@defrule(interp_slope_adjoint, call="interp_slope_adjoint")
class interp_slope_adjoint_:
    def vjp(g, ans, c, x, xp, left=None, right=None):
        return interp_slope(x, xp, g, left, right), None, None, None, None

    def jvp(ans, c, x, xp, left=None, right=None, c_dot=None, x_dot=None, xp_dot=None, left_dot=None, right_dot=None):
        return interp_slope_adjoint(c_dot, x, xp, left, right), None, None, None, None


@defrule(interp_fp_tangent, call="interp_fp_tangent")
class interp_fp_tangent_:
    # Linear in fp_dot; in x, the slope of fp_dot's segment.
    def vjp(g, ans, x, xp, fp_dot, left=None, right=None):
        return g * interp_slope(x, xp, fp_dot, left, right), None, interp_fp_adjoint(g, x, xp, left, right), None, None

    def jvp(ans, x, xp, fp_dot, left=None, right=None, x_dot=None, xp_dot=None, fp_dot_dot=None, left_dot=None, right_dot=None):
        return (x_dot * interp_slope(x, xp, fp_dot, left, right), None, interp_fp_tangent(x, xp, fp_dot_dot, left, right),
                None, None)


@defrule(interp_fp_adjoint, call="interp_fp_adjoint")
class interp_fp_adjoint_:
    # Linear in g; in x, g moves between the segment's two nodes at the rate 1 / width.
    def vjp(g, ans, y, x, xp, left=None, right=None):
        return interp_fp_tangent(x, xp, g, left, right), y * interp_slope(x, xp, g, left, right), None, None, None

    def jvp(ans, y, x, xp, left=None, right=None, y_dot=None, x_dot=None, xp_dot=None, left_dot=None, right_dot=None):
        return interp_fp_adjoint(y_dot, x, xp, left, right), interp_slope_adjoint(y * x_dot, x, xp, left, right), None, None, None


# -- meshgrid and broadcast_arrays: copies of their inputs, spread along the other axes -------------------
#
# Up to four arrays; `g[k]` is the adjoint of output k. Input k's tangent fills output k only.


@defrule(np.meshgrid)
class meshgrid:
    def vjp(g, ans, a, b=None, c=None, d=None, copy=True, sparse=False, indexing="xy"):
        return (
            meshgrid_adjoint(g[0], 0, a, b, c, d, sparse, indexing),
            meshgrid_adjoint(g[1], 1, a, b, c, d, sparse, indexing),
            meshgrid_adjoint(g[2], 2, a, b, c, d, sparse, indexing),
            meshgrid_adjoint(g[3], 3, a, b, c, d, sparse, indexing),
            None,
            None,
            None,
        )

    def jvp(ans, a, b=None, c=None, d=None, copy=True, sparse=False, indexing="xy",
            a_dot=None, b_dot=None, c_dot=None, d_dot=None, copy_dot=None, sparse_dot=None, indexing_dot=None):
        return (
            meshgrid_tangent(0, a_dot, a, b, c, d, sparse, indexing),
            meshgrid_tangent(1, b_dot, a, b, c, d, sparse, indexing),
            meshgrid_tangent(2, c_dot, a, b, c, d, sparse, indexing),
            meshgrid_tangent(3, d_dot, a, b, c, d, sparse, indexing),
            None,
            None,
            None,
        )


@defrule(meshgrid_adjoint, call="meshgrid_adjoint")
class meshgrid_adjoint_:
    def vjp(g, ans, y, k, a, b=None, c=None, d=None, sparse=False, indexing="xy"):
        return meshgrid_tangent(k, g, a, b, c, d, sparse, indexing)[k], None, None, None, None, None, None, None

    def jvp(ans, y, k, a, b=None, c=None, d=None, sparse=False, indexing="xy", y_dot=None, k_dot=None, a_dot=None,
            b_dot=None, c_dot=None, d_dot=None, sparse_dot=None, indexing_dot=None):
        return meshgrid_adjoint(y_dot, k, a, b, c, d, sparse, indexing), None, None, None, None, None, None, None


@defrule(meshgrid_tangent, call="meshgrid_tangent")
class meshgrid_tangent_:
    def vjp(g, ans, k, t, a, b=None, c=None, d=None, sparse=False, indexing="xy"):
        return None, meshgrid_adjoint(g[k], k, a, b, c, d, sparse, indexing), None, None, None, None, None, None

    def jvp(ans, k, t, a, b=None, c=None, d=None, sparse=False, indexing="xy", k_dot=None, t_dot=None, a_dot=None,
            b_dot=None, c_dot=None, d_dot=None, sparse_dot=None, indexing_dot=None):
        return None, meshgrid_tangent(k, t_dot, a, b, c, d, sparse, indexing), None, None, None, None, None, None


@defrule(np.broadcast_arrays)
class broadcast_arrays:
    def vjp(g, ans, a, b=None, c=None, d=None):
        return (
            broadcast_adjoint(g[0], 0, a, b, c, d),
            broadcast_adjoint(g[1], 1, a, b, c, d),
            broadcast_adjoint(g[2], 2, a, b, c, d),
            broadcast_adjoint(g[3], 3, a, b, c, d),
        )

    def jvp(ans, a, b=None, c=None, d=None, a_dot=None, b_dot=None, c_dot=None, d_dot=None):
        return (
            broadcast_tangent(0, a_dot, a, b, c, d),
            broadcast_tangent(1, b_dot, a, b, c, d),
            broadcast_tangent(2, c_dot, a, b, c, d),
            broadcast_tangent(3, d_dot, a, b, c, d),
        )


@defrule(broadcast_adjoint, call="broadcast_adjoint")
class broadcast_adjoint_:
    def vjp(g, ans, y, k, a, b=None, c=None, d=None):
        return broadcast_tangent(k, g, a, b, c, d)[k], None, None, None, None, None

    def jvp(ans, y, k, a, b=None, c=None, d=None, y_dot=None, k_dot=None, a_dot=None, b_dot=None, c_dot=None, d_dot=None):
        return broadcast_adjoint(y_dot, k, a, b, c, d), None, None, None, None, None


@defrule(broadcast_tangent, call="broadcast_tangent")
class broadcast_tangent_:
    def vjp(g, ans, k, t, a, b=None, c=None, d=None):
        return None, broadcast_adjoint(g[k], k, a, b, c, d), None, None, None, None

    def jvp(ans, k, t, a, b=None, c=None, d=None, k_dot=None, t_dot=None, a_dot=None, b_dot=None, c_dot=None, d_dot=None):
        return None, broadcast_tangent(k, t_dot, a, b, c, d), None, None, None, None


# -- bincount: linear in its weights; unique: refused ----------------------------------------------------


@defrule(np.bincount)
class bincount:
    def vjp(g, ans, x, weights=None, minlength=0):
        return None, unbincount(g, x), None

    def jvp(ans, x, weights=None, minlength=0, x_dot=None, weights_dot=None, minlength_dot=None):
        return None, np.bincount(x, weights_dot, minlength), None


@defrule(unbincount, call="unbincount")
class unbincount_:
    def vjp(g, ans, y, x):
        return np.bincount(x, g, np.size(y)), None

    def jvp(ans, y, x, y_dot, x_dot):
        return unbincount(y_dot, x), None




@defrule(np.unique)
class unique:
    def vjp(g, ans, ar, return_index=False, return_inverse=False, return_counts=False, axis=None):
        return (unsupported("np.unique of a differentiated array is not differentiated: which values survive, and in "
                            "which order, changes with x; sort with np.sort instead"), None, None, None, None)

    def jvp(ans, ar, return_index=False, return_inverse=False, return_counts=False, axis=None, ar_dot=None,
            return_index_dot=None, return_inverse_dot=None, return_counts_dot=None, axis_dot=None):
        return (unsupported("np.unique of a differentiated array is not differentiated: which values survive, and in "
                            "which order, changes with x; sort with np.sort instead"), None, None, None, None)


# -- ufunc methods: np.add.reduce is a sum, np.add.accumulate a cumsum, ... (axis defaults to 0) ------------


@defrule(None, name="add_reduce", call="np.add.reduce", shape="reduce")
class add_reduce:
    def vjp(g, ans, x, axis=0, dtype=None, out=None, keepdims=False):
        return unsum(g, x, axis, keepdims), None, None, None, None

    def jvp(ans, x, axis=0, dtype=None, out=None, keepdims=False, x_dot=None, axis_dot=None, dtype_dot=None, out_dot=None,
            keepdims_dot=None):
        return np.sum(x_dot, axis=axis, keepdims=keepdims), None, None, None, None


@defrule(None, name="multiply_reduce", call="np.multiply.reduce", shape="reduce")
class multiply_reduce:
    def vjp(g, ans, x, axis=0, dtype=None, out=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * prod_others(x, axis), None, None, None, None

    def jvp(ans, x, axis=0, dtype=None, out=None, keepdims=False, x_dot=None, axis_dot=None, dtype_dot=None, out_dot=None,
            keepdims_dot=None):
        return np.sum(x_dot * prod_others(x, axis), axis=axis, keepdims=keepdims), None, None, None, None


@defrule(None, name="maximum_reduce", call="np.maximum.reduce", shape="reduce")
class maximum_reduce:
    def vjp(g, ans, x, axis=0, dtype=None, out=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * tie_weights(x, ans, axis, keepdims), None, None, None, None

    def jvp(ans, x, axis=0, dtype=None, out=None, keepdims=False, x_dot=None, axis_dot=None, dtype_dot=None, out_dot=None,
            keepdims_dot=None):
        return np.sum(x_dot * tie_weights(x, ans, axis, keepdims), axis=axis, keepdims=keepdims), None, None, None, None


@defrule(None, name="minimum_reduce", call="np.minimum.reduce", shape="reduce")
class minimum_reduce:
    def vjp(g, ans, x, axis=0, dtype=None, out=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * tie_weights(x, ans, axis, keepdims), None, None, None, None

    def jvp(ans, x, axis=0, dtype=None, out=None, keepdims=False, x_dot=None, axis_dot=None, dtype_dot=None, out_dot=None,
            keepdims_dot=None):
        return np.sum(x_dot * tie_weights(x, ans, axis, keepdims), axis=axis, keepdims=keepdims), None, None, None, None


@defrule(None, name="logaddexp_reduce", call="np.logaddexp.reduce", shape="reduce")
class logaddexp_reduce:
    # log(sum(exp(x))): the softmax weights exp(x - ans).
    def vjp(g, ans, x, axis=0, dtype=None, out=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * np.exp(x - unsum(ans, x, axis, keepdims)), None, None, None, None

    def jvp(ans, x, axis=0, dtype=None, out=None, keepdims=False, x_dot=None, axis_dot=None, dtype_dot=None, out_dot=None,
            keepdims_dot=None):
        return np.sum(x_dot * np.exp(x - unsum(ans, x, axis, keepdims)), axis=axis, keepdims=keepdims), None, None, None, None


@defrule(None, name="add_accumulate", call="np.add.accumulate")
class add_accumulate:
    def vjp(g, ans, x, axis=0, dtype=None, out=None):
        return np.flip(np.cumsum(np.flip(g, axis), axis), axis), None, None, None

    def jvp(ans, x, axis=0, dtype=None, out=None, x_dot=None, axis_dot=None, dtype_dot=None, out_dot=None):
        return np.cumsum(x_dot, axis), None, None, None


_UFUNC_METHODS = {
    (np.add, "reduce"): "add_reduce",
    (np.multiply, "reduce"): "multiply_reduce",
    (np.maximum, "reduce"): "maximum_reduce",
    (np.minimum, "reduce"): "minimum_reduce",
    (np.logaddexp, "reduce"): "logaddexp_reduce",
    (np.add, "accumulate"): "add_accumulate",
}


def ufunc_method(ufunc: Any, attr: str) -> str | None:
    """The primitive name of `ufunc.attr` (`np.add.reduce` -> "add_reduce"), or None."""
    if not isinstance(ufunc, np.ufunc):
        return None
    return next((name for (u, a), name in _UFUNC_METHODS.items() if u is ufunc and a == attr), None)


# -- conversion-time hooks: nested lists as arrays; np.cov and np.corrcoef written out ------------------------

# Primitives whose parameter is a *sequence* of arrays: each nested list in it is one array.
_SEQUENCE_PRIMS = {"concatenate", "vstack", "hstack", "column_stack", "dstack", "stack"}
# Primitives whose nested lists mean something else (np.block's rows of blocks) or are handled already.
_OWN_LISTS = {"block", "array", "asarray"}


def _has_var(e: Expr) -> bool:
    return any(isinstance(v, Var) for v in walk_expr(e))


def _as_array(e: Expr) -> Expr:
    from .assembly import nested_array

    return nested_array("array", [e], ()) or Op("array", (e,))


def _nested(e: Expr) -> bool:
    return isinstance(e, Tup) and any(isinstance(x, Tup) for x in e.elts) and _has_var(e)


def _lists_as_arrays(prim: Primitive, args: list[Expr], kwargs: tuple) -> tuple[list[Expr], tuple]:
    if prim.name in _SEQUENCE_PRIMS:
        def seq(e: Expr) -> Expr:
            if not isinstance(e, Tup):
                return e
            return Tup(tuple(_as_array(x) if isinstance(x, Tup) and _has_var(x) else x for x in e.elts), e.kind)

        return [seq(a) if i == 0 else a for i, a in enumerate(args)], tuple((k, seq(v) if k == (prim.params or ("",))[0] else v)
                                                                             for k, v in kwargs)
    rules = prim.vjp
    params = prim.params
    diff = {i for i, r in enumerate(rules) if r is not None}
    args = [_as_array(a) if i in diff and _nested(a) else a for i, a in enumerate(args)]
    kwargs = tuple((k, _as_array(v) if k in params and params.index(k) in diff and _nested(v) else v) for k, v in kwargs)
    return args, kwargs


def _const(e: Expr | None, default: Any) -> Any:
    if e is None:
        return default
    if isinstance(e, Const):
        return e.value
    raise UnsupportedSyntaxError("np.cov and np.corrcoef are differentiated with constant rowvar, bias and ddof",
                                 construct="np.cov")


def _cov(name: str, args: list[Expr], kwargs: tuple) -> Expr:
    from .macros import parse

    names = ("m", "y", "rowvar", "bias", "ddof", "fweights", "aweights", "dtype") if name == "cov" else \
        ("x", "y", "rowvar", "bias", "ddof", "dtype")
    bound: dict[str, Expr] = dict(zip(names, args))
    bound.update(kwargs)
    for k in bound:
        if k not in names:
            raise UnsupportedSyntaxError(f"np.{name} got an unexpected argument {k!r}", construct=f"np.{name}")
    for k in ("fweights", "aweights"):
        if _const(bound.get(k), None) is not None:
            raise UnsupportedSyntaxError(f"np.{name} is differentiated without {k}", construct=f"np.{name}")
    rowvar = bool(_const(bound.get("rowvar"), True))
    bias = bool(_const(bound.get("bias"), False))
    ddof = _const(bound.get("ddof"), None) if name == "cov" else None
    ddof = (0 if bias else 1) if ddof is None else ddof
    m = bound.get("m", bound.get("x"))
    xs = parse("cov_variables(m, rowvar)", m=m, rowvar=Const(rowvar))
    y = bound.get("y")
    if y is not None and not (isinstance(y, Const) and y.value is None):
        ys = parse("cov_variables(y, rowvar)", y=y, rowvar=Const(rowvar))
        xs = Op("concatenate", (Tup((xs, ys), "tuple"),), (("axis", Const(0)),))
    xc = parse("xs - np.mean(xs, axis=1, keepdims=True)", xs=xs)
    c = parse("xc @ xc.T / (np.shape(xc)[1] - ddof)", xc=xc, ddof=Const(ddof))
    if name == "cov":
        return parse("np.squeeze(c)", c=c)
    s = parse("np.sqrt(np.diagonal(c))", c=c)
    return parse("np.squeeze(c / s[:, None] / s[None, :])", c=c, s=s)


def call_hook(prim: Primitive, args: list[Expr], kwargs: tuple) -> Expr | tuple[list[Expr], tuple]:
    """A call's expression, when it is a macro (np.cov, np.corrcoef); else its arguments, each nested
    list in an array parameter read as the array NumPy makes of it."""
    if prim.name in ("cov", "corrcoef"):
        return _cov(prim.name, args, kwargs)
    if prim.nondiff or prim.user or prim.source is None or prim.name in _OWN_LISTS:
        return args, kwargs
    path = prim.spelling.path or ""
    if prim.spelling.kind != "method" and not path.startswith(("np.", "scipy.")):
        return args, kwargs  # `list([[a, b]])` and the runtime's helpers keep their lists
    if any(_nested(a) for a in args) or any(_nested(v) for _, v in kwargs) or (
            prim.name in _SEQUENCE_PRIMS and any(isinstance(a, Tup) for a in args)):
        return _lists_as_arrays(prim, args, kwargs)
    return args, kwargs


@defrule(cov_variables, call="cov_variables")
class cov_variables_:
    def vjp(g, ans, m, rowvar=True):
        return cov_variables_adjoint(g, m, rowvar), None

    def jvp(ans, m, rowvar=True, m_dot=None, rowvar_dot=None):
        return cov_variables(m_dot, rowvar), None


@defrule(cov_variables_adjoint, call="cov_variables_adjoint")
class cov_variables_adjoint_:
    def vjp(g, ans, y, m, rowvar=True):
        return cov_variables(g, rowvar), None, None

    def jvp(ans, y, m, rowvar=True, y_dot=None, m_dot=None, rowvar_dot=None):
        return cov_variables_adjoint(y_dot, m, rowvar), None, None


# Registered so that `call_hook` sees the call: the macro above replaces it with the NumPy it computes
# (mean, matmul, sqrt of the diagonal) before any rule is read, so these templates are never used.


@defrule(np.cov)
class cov:
    def vjp(g, ans, m):
        return unsupported("np.cov and np.corrcoef are written out when the function is lowered")

    def jvp(ans, m, m_dot):
        return unsupported("np.cov and np.corrcoef are written out when the function is lowered")


@defrule(np.corrcoef)
class corrcoef:
    def vjp(g, ans, x):
        return unsupported("np.cov and np.corrcoef are written out when the function is lowered")

    def jvp(ans, x, x_dot):
        return unsupported("np.cov and np.corrcoef are written out when the function is lowered")



# -- functions of installed libraries: refused at the user's call, not inside the library -------------------


def _library_function(fn: Any) -> bool:
    """True for a Python function of an installed package (site-packages, the standard library, NumPy, SciPy)."""
    import os
    import sysconfig

    top = (getattr(fn, "__module__", None) or "").split(".")[0]
    if top in ("numpy", "scipy"):
        return True
    path = os.path.abspath(getattr(getattr(fn, "__code__", None), "co_filename", "") or "")
    if f"{os.sep}site-packages{os.sep}" in path or f"{os.sep}dist-packages{os.sep}" in path:
        return True
    paths = sysconfig.get_paths()
    return any(path.startswith(os.path.abspath(paths[k]) + os.sep) for k in ("stdlib", "platstdlib") if k in paths)


def library_source_error(fn: Any) -> str | None:
    """Why s2sad cannot differentiate the library function `fn` by reading its source, or None (not a
    library function, or one s2sad reads without trouble)."""
    import types

    from ..errors import S2SADError

    if not isinstance(fn, types.FunctionType) or not _library_function(fn):
        return None
    from ..pipeline import lowered

    try:
        lowered(fn)
    except S2SADError as exc:
        where = f" ({exc.filename}, line {exc.lineno})" if getattr(exc, "filename", None) else ""
        return (f"s2sad does not differentiate library source: reading {fn.__module__}.{fn.__qualname__} failed "
                f"with: {exc.message}{where}")
    return None


# -- np.linalg.svd with full_matrices=True: the reduced formulas on the reduced parts ------------------------
#
# `u, s, vh = np.linalg.svd(a)` of an m x n matrix, k = min(m, n): u's columns beyond k (vh's rows) are any
# orthonormal completion, so they have no derivative. The rule (rules/linalg.py) reads the result and its
# adjoint through these macros: with full_matrices a constant False they are the identity; otherwise the
# adjoint uses the first k columns (`svd_reduced`), refused at run time where the extra ones have a nonzero
# adjoint (`svd_reduced_cotangent`), and the tangent of the extra ones is NaN (`svd_padded`).


def svd_full_reduced(full_matrices: Any, ans: Any) -> Any:
    """Macro: `ans`, or its reduced parts when full_matrices may be True."""
    return ans


def svd_full_cotangent(full_matrices: Any, g: Any, ans: Any) -> Any:
    """Macro: `g`, or the reduced parts' cotangent (checked) when full_matrices may be True."""
    return g


def svd_full_tangent(full_matrices: Any, t: Any, ans: Any) -> Any:
    """Macro: `t`, or `t` padded to the full shapes with NaN when full_matrices may be True."""
    return t


def _reduced_false(flag: Expr) -> bool:
    return isinstance(flag, Const) and flag.value is False or isinstance(flag, Const) and flag.value == 0


def _svd_full_reduced(args: tuple[Expr, ...], kwargs: tuple) -> Expr:
    flag, ans = args
    return ans if _reduced_false(flag) else Op("svd_reduced_", (ans,))


def _svd_full_cotangent(args: tuple[Expr, ...], kwargs: tuple) -> Expr:
    flag, g, ans = args
    return g if _reduced_false(flag) else Op("svd_reduced_cotangent_", (g, ans))


def _svd_full_tangent(args: tuple[Expr, ...], kwargs: tuple) -> Expr:
    flag, t, ans = args
    return t if _reduced_false(flag) else Op("svd_padded_", (t, ans))


nondiff(svd_full_reduced, "svd_full_reduced", call="svd_full_reduced", rewrite=_svd_full_reduced)
nondiff(svd_full_cotangent, "svd_full_cotangent", call="svd_full_cotangent", rewrite=_svd_full_cotangent)
nondiff(svd_full_tangent, "svd_full_tangent", call="svd_full_tangent", rewrite=_svd_full_tangent)


@defrule(svd_reduced, call="svd_reduced")
class svd_reduced_:
    def vjp(g, ans, y):
        return svd_padded(g, y, 0.0)

    def jvp(ans, y, y_dot):
        return svd_reduced(y_dot)


@defrule(svd_reduced_cotangent, call="svd_reduced_cotangent")
class svd_reduced_cotangent_:
    def vjp(g, ans, y, full):
        return svd_padded(g, full, 0.0), None

    def jvp(ans, y, full, y_dot, full_dot):
        return svd_reduced_cotangent(y_dot, full), None


@defrule(svd_padded, call="svd_padded")
class svd_padded_:
    def vjp(g, ans, t, full, fill=0.0):
        return svd_reduced(g), None, None

    def jvp(ans, t, full, fill=0.0, t_dot=None, full_dot=None, fill_dot=None):
        return svd_padded(t_dot, full, fill), None, None
