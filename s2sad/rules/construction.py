"""Making arrays: `np.array([...])` from active scalars or arrays, `np.asarray`,
`np.full`/`np.full_like` (differentiable in the fill value), `x.astype`,
`x.copy`; and the constructors whose values do not depend on any input
(`zeros`, `ones`, `eye`, `arange`, ...), which are non-differentiable (`linspace` and its kin
are not: rules/grids.py).

`np.array([a, b, c])` takes a sequence argument: its adjoint `g` is indexed by
element position (`a_bar = g[0]`). Nested lists (`np.array([[a, b], [c, d]])`)
are refused with a clear error; write `np.stack` of `np.array` rows instead.
"""
# ruff: noqa: N801
from __future__ import annotations

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..ir import Const, Expr, Op, Tup, Var, walk_expr
from ..primitives.registry import defrule, nondiff
from ..runtime import cast_adjoint, cast_tangent, unbroadcast


def flat_sequence(xs: object, value: object) -> object:
    """`value`, once s2sad has checked that `xs` is not a nested list (a generation-time check)."""
    return value


def _check_flat(args: tuple[Expr, ...], kwargs: tuple) -> Expr:
    xs, value = args
    if isinstance(xs, Tup) and any(isinstance(e, Tup) and any(isinstance(v, Var) for v in walk_expr(e)) for e in xs.elts):
        raise UnsupportedSyntaxError(
            "np.array of a nested list is differentiated only through flat lists; build the rows with "
            "np.array([...]) and join them with np.stack",
            construct="np.array",
        )
    return value


nondiff(flat_sequence, "flat_sequence", call="flat_sequence", rewrite=_check_flat)


# -- casts --------------------------------------------------------------------------------------
#
# `x.astype(int)`, `np.asarray(x, dtype=bool)`, `np.array(xs, dtype=np.int32)`: the result is a
# constant (a step function of x), so its derivative is zero. Lowering (`cast_constant`) gives such a
# cast written with a constant dtype one of the non-differentiable twins below, printed the same way.
# A cast to a float dtype is the identity (float32: of values). A dtype known only at run time (a
# parameter, `y.dtype`) goes through `cast_adjoint`/`cast_tangent`, which decide when they run.


def const_dtype(e: Expr) -> str | None:
    """The kind of a dtype written in the code: "f"/"c" (inexact), "i"/"u"/"b" (constant result),
    "none" for `dtype=None`; None when s2sad cannot tell at generation time."""
    if not isinstance(e, Const):
        return None
    if e.value is None:
        return "none"
    try:
        return np.dtype(e.value).kind
    except TypeError:
        return None


def _inexact_or_none(dtype: Expr) -> bool:
    return const_dtype(dtype) in ("f", "c", "none")


def _cast_adjoint_rewrite(args: tuple[Expr, ...], kwargs: tuple) -> Expr | None:
    g, dtype = args
    if _inexact_or_none(dtype):
        return g
    if const_dtype(dtype) in ("i", "u", "b"):
        return Op("zeros_like", (g,))
    return None


def _cast_tangent_rewrite(args: tuple[Expr, ...], kwargs: tuple) -> Expr | None:
    t, dtype = args
    if const_dtype(dtype) == "none":
        return t
    if _inexact_or_none(dtype):
        return Op("astype", (t, dtype))
    if const_dtype(dtype) in ("i", "u", "b"):
        return Op("zeros_like", (t,))
    return None


@defrule(cast_adjoint, call="cast_adjoint", rewrite=_cast_adjoint_rewrite, linear=True)
class cast_adjoint_:
    def vjp(g, ans, y, dtype):
        return cast_adjoint(g, dtype), None


@defrule(cast_tangent, call="cast_tangent", rewrite=_cast_tangent_rewrite, linear=True)
class cast_tangent_:
    def vjp(g, ans, y, dtype):
        return cast_adjoint(g, dtype), None


# Their values are integers or bools, so `boolean`: `t * 1.0` makes them floats and is not `t` (folded
# away, `np.ptp(t)` of bools fails and `t ** 2` of int8 overflows).
nondiff(None, "astype_const", call=".astype", boolean=True)
nondiff(None, "asarray_const", call="np.asarray", boolean=True)
nondiff(None, "array_const", call="np.array", boolean=True)
# `np.int64(x)`, `np.bool_(x)`: numbers of an integer or bool type, constants like `int(x)`.
for _t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64, np.bool_):
    nondiff(_t, f"np_{_t.__name__}", call=f"np.{_t.__name__}", boolean=True)
_CONSTANT_TWINS = {"astype": "astype_const", "asarray": "asarray_const", "array": "array_const"}


def cast_constant(op: Op) -> Op:
    """`op`, or its non-differentiable twin when it is a cast to an integer or bool dtype written in the code."""
    twin = _CONSTANT_TWINS.get(op.prim)
    if twin is None:
        return op
    # All three take the dtype second: `x.astype(dtype)`, `np.asarray(a, dtype)`, `np.array(a, dtype)`.
    dtype = dict(op.kwargs).get("dtype", op.args[1] if len(op.args) > 1 else None)
    if dtype is not None and const_dtype(dtype) in ("i", "u", "b"):
        return Op(twin, op.args, op.kwargs)
    return op


@defrule(np.array, allocates=True)
class array:
    def vjp(g, ans, xs, dtype=None):
        return flat_sequence(xs, cast_adjoint(g, dtype)), None

    def jvp(ans, xs, dtype=None, xs_dot=None):
        return np.array(flat_sequence(xs, xs_dot), dtype), None


@defrule(np.asarray, view=True)
class asarray:
    def vjp(g, ans, xs, dtype=None):
        return flat_sequence(xs, cast_adjoint(g, dtype)), None

    def jvp(ans, xs, dtype=None, xs_dot=None):
        return np.asarray(flat_sequence(xs, xs_dot), dtype), None


@defrule(np.copy, allocates=True, linear=True)
class copy:
    def vjp(g, ans, x):
        return g


@defrule(np.astype if hasattr(np, "astype") else None, name="astype", method="astype", call=".astype")
class astype:
    # Casting between float types: the adjoint is cast back when s2sad returns the gradient. A cast to
    # an integer or bool dtype written in the code is the primitive `cast_const` instead (its result is
    # a constant); one whose dtype is known only at run time goes through `cast_adjoint`/`cast_tangent`.
    def vjp(g, ans, x, dtype):
        return cast_adjoint(g, dtype), None

    def jvp(ans, x, dtype, x_dot, dtype_dot):
        return cast_tangent(x_dot, dtype), None


@defrule(np.full, allocates=True, linear=True)
class full:
    def vjp(g, ans, shape, fill_value, dtype=None):
        return None, unbroadcast(g, fill_value), None


@defrule(np.full_like, allocates=True, linear=True)
class full_like:
    def vjp(g, ans, x, fill_value, dtype=None):
        return None, unbroadcast(g, fill_value), None


# -- values that depend on shapes only: no derivative ----------------------------------------------

# (np.linspace, np.logspace and np.geomspace depend on their end points: rules/grids.py; np.meshgrid copies
# its inputs: rules/spread.py.)
for _fn in (np.eye, np.identity, np.arange, np.empty, np.empty_like):  # new arrays, often filled in
    nondiff(_fn, _fn.__name__, allocates=True)
for _fn in (np.tri, np.indices, np.diag_indices, np.tril_indices, np.triu_indices):
    nondiff(_fn, _fn.__name__)
