"""Making arrays: `np.array([...])` from active scalars or arrays, `np.asarray`,
`np.full`/`np.full_like` (differentiable in the fill value), `x.astype`,
`x.copy`; and the constructors whose values do not depend on any input
(`zeros`, `ones`, `eye`, `arange`, `linspace`, ...), which are non-differentiable.

`np.array([a, b, c])` takes a sequence argument: its adjoint `g` is indexed by
element position (`a_bar = g[0]`). Nested lists (`np.array([[a, b], [c, d]])`)
are refused with a clear error; write `np.stack` of `np.array` rows instead.
"""
# ruff: noqa: N801
from __future__ import annotations

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..ir import Expr, Tup, Var, walk_expr
from ..registry import defrule, nondiff
from ..runtime import unbroadcast


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


@defrule(np.array)
class array:
    def vjp(g, ans, xs, dtype=None):
        return flat_sequence(xs, g), None

    def jvp(ans, xs, dtype=None, xs_dot=None):
        return np.array(flat_sequence(xs, xs_dot), dtype), None


@defrule(np.asarray)
class asarray:
    def vjp(g, ans, xs, dtype=None):
        return flat_sequence(xs, g), None

    def jvp(ans, xs, dtype=None, xs_dot=None):
        return np.asarray(flat_sequence(xs, xs_dot), dtype), None


@defrule(np.copy)
class copy:
    def vjp(g, ans, x):
        return g

    def jvp(ans, x, x_dot):
        return np.copy(x_dot)


@defrule(np.astype if hasattr(np, "astype") else None, name="astype", method="astype", call=".astype")
class astype:
    # Casting between float types: the adjoint is cast back when s2sad returns the gradient.
    def vjp(g, ans, x, dtype):
        return g, None

    def jvp(ans, x, dtype, x_dot, dtype_dot):
        return x_dot.astype(dtype), None


@defrule(np.full)
class full:
    def vjp(g, ans, shape, fill_value, dtype=None):
        return None, unbroadcast(g, fill_value), None

    def jvp(ans, shape, fill_value, dtype=None, shape_dot=None, fill_value_dot=None):
        return None, np.full(shape, fill_value_dot, dtype), None


@defrule(np.full_like)
class full_like:
    def vjp(g, ans, x, fill_value, dtype=None):
        return None, unbroadcast(g, fill_value), None

    def jvp(ans, x, fill_value, dtype=None, x_dot=None, fill_value_dot=None):
        return None, np.full_like(x, fill_value_dot, dtype), None


# -- values that depend on shapes only: no derivative ----------------------------------------------

for _fn in (np.eye, np.identity, np.arange, np.linspace, np.logspace, np.geomspace, np.empty, np.empty_like,
            np.tri, np.indices, np.meshgrid, np.diag_indices, np.tril_indices, np.triu_indices):
    nondiff(_fn, _fn.__name__)
