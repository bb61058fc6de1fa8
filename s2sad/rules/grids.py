"""Grids and differences: linspace, logspace, geomspace, gradient.

`np.linspace(start, stop, num)` is linear in its end points: `start * (1 - w) + stop * w`, with
the weights `w = k / (num - 1)` (`k / num` without the endpoint) laid along `axis`
(`linspace_weights`). So its adjoint sums `g * (1 - w)` and `g * w` over the samples, and its
tangent is a linspace of the end points' tangents. `np.logspace` is `base ** linspace` and
`np.geomspace` is `start * (stop / start) ** w`: their rules are the chain rule on top.
`np.gradient` with a uniform spacing `h` is a fixed stencil of differences divided by `h`: linear in
the values (its adjoint is the transposed stencil, `ungradient`) and `-ans / h` in the spacing.

Refused: `retstep=True` (a tuple result), an integer or bool `dtype` (a step function), an array
`base` for logspace and coordinate arrays for gradient (`one_number` says so when the derivative
runs), several spacings in one gradient call, and the derivative in the spacing where gradient
returns one array per axis (`one_array`).
A float `dtype` changes the precision only: the rules do not cast.
"""
# ruff: noqa: N801
from __future__ import annotations

import numpy as np

from ..ir import Const, Expr
from ..primitives.registry import defrule, nondiff
from ..runtime import linspace_weights, one_array, one_number, unbroadcast, ungradient
from .macros import refused_if

nondiff(linspace_weights, "linspace_weights", call="linspace_weights")


def odd_options(retstep: object, dtype: object) -> bool:
    """True for `retstep=True` (a tuple result) or an integer or bool `dtype` (a step function): refused."""
    return bool(retstep) or dtype is not None and np.dtype(dtype).kind in "biu"  # type: ignore[call-overload]


def _odd_options(args: tuple[Expr, ...], kwargs: tuple) -> Expr | None:
    if all(isinstance(a, Const) for a in args):
        try:
            return Const(odd_options(*(a.value for a in args)))  # type: ignore[union-attr]
        except TypeError:
            return Const(True)
    return None  # known only at run time: refused_if refuses it


nondiff(odd_options, "odd_options", call="odd_options", rewrite=_odd_options)


@defrule(np.linspace, allocates=True)
class linspace:
    # ans = start * (1 - w) + stop * w, the samples along `axis`.
    def vjp(g, ans, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
        return (
            refused_if(
                odd_options(retstep, dtype),
                unbroadcast(np.sum(g * (1.0 - linspace_weights(ans, num, endpoint, axis)), axis), start),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            refused_if(
                odd_options(retstep, dtype),
                unbroadcast(np.sum(g * linspace_weights(ans, num, endpoint, axis), axis), stop),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            None, None, None, None, None,
        )

    def jvp(ans, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, start_dot=None, stop_dot=None):
        return (
            refused_if(
                odd_options(retstep, dtype),
                np.linspace(start_dot, 0.0 * stop, num, endpoint, axis=axis),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            refused_if(
                odd_options(retstep, dtype),
                np.linspace(0.0 * start, stop_dot, num, endpoint, axis=axis),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            None, None, None, None, None,
        )


@defrule(np.logspace)
class logspace:
    # ans = base ** linspace(start, stop): d ans = ans * log(base) * d linspace + ans * linspace / base * d base.
    def vjp(g, ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
        return (
            refused_if(
                odd_options(False, dtype),
                unbroadcast(np.sum(g * ans * (1.0 - linspace_weights(ans, num, endpoint, axis)), axis), start) * float(np.log(one_number(base))),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            refused_if(
                odd_options(False, dtype),
                unbroadcast(np.sum(g * ans * linspace_weights(ans, num, endpoint, axis), axis), stop) * float(np.log(one_number(base))),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            None,
            None,
            refused_if(
                odd_options(False, dtype),
                unbroadcast(g * ans * np.linspace(start, stop, num, endpoint, axis=axis) / one_number(base), base),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            None,
            None,
        )

    def jvp(ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0, start_dot=None, stop_dot=None,
            base_dot=None):
        return (
            refused_if(
                odd_options(False, dtype),
                ans * float(np.log(one_number(base))) * np.linspace(start_dot, 0.0 * stop, num, endpoint, axis=axis),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            refused_if(
                odd_options(False, dtype),
                ans * float(np.log(one_number(base))) * np.linspace(0.0 * start, stop_dot, num, endpoint, axis=axis),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            None,
            None,
            refused_if(
                odd_options(False, dtype),
                ans * np.linspace(start, stop, num, endpoint, axis=axis) * base_dot / one_number(base),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            None,
            None,
        )


@defrule(np.geomspace)
class geomspace:
    # ans = start * (stop / start) ** w: d ans / d start = ans * (1 - w) / start, d ans / d stop = ans * w / stop.
    def vjp(g, ans, start, stop, num=50, endpoint=True, dtype=None, axis=0):
        return (
            refused_if(
                odd_options(False, dtype),
                unbroadcast(np.sum(g * ans * (1.0 - linspace_weights(ans, num, endpoint, axis)), axis) / start, start),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            refused_if(
                odd_options(False, dtype),
                unbroadcast(np.sum(g * ans * linspace_weights(ans, num, endpoint, axis), axis) / stop, stop),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            None, None, None, None,
        )

    def jvp(ans, start, stop, num=50, endpoint=True, dtype=None, axis=0, start_dot=None, stop_dot=None):
        return (
            refused_if(
                odd_options(False, dtype),
                ans * np.linspace(start_dot / start, 0.0 * stop, num, endpoint, axis=axis),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            refused_if(
                odd_options(False, dtype),
                ans * np.linspace(0.0 * start, stop_dot / stop, num, endpoint, axis=axis),
                "np.linspace, np.logspace and np.geomspace are differentiated with retstep=False and a float dtype (or none) only",
            ),
            None, None, None, None,
        )


def _one_number_rewrite(args: tuple[Expr, ...], kwargs: tuple) -> Expr | None:
    (x,) = args
    return x if isinstance(x, Const) and isinstance(x.value, (int, float)) else None  # base=10.0 needs no check


@defrule(one_number, call="one_number", rewrite=_one_number_rewrite)
class one_number_:
    # The identity, for one number (it refuses arrays when it runs).
    def vjp(g, ans, x):
        return g

    def jvp(ans, x, x_dot):
        return x_dot


@defrule(np.gradient)
class gradient:
    # Central differences inside, one-sided ones at the ends, divided by a uniform spacing h.
    # `more_spacings` stands for a second spacing (np.gradient(f, dx, dy)), which is refused.
    def vjp(g, ans, f, spacing=1.0, more_spacings=None, axis=None, edge_order=1):
        return (
            refused_if(more_spacings, ungradient(g, f, spacing, axis, edge_order), "np.gradient is differentiated with one spacing for all axes only"),
            -np.sum(g * one_array(ans)) / one_number(spacing),
            None, None, None,
        )

    def jvp(ans, f, spacing=1.0, more_spacings=None, axis=None, edge_order=1, f_dot=None, spacing_dot=None):
        return (
            refused_if(more_spacings, np.gradient(f_dot, spacing, axis=axis, edge_order=edge_order), "np.gradient is differentiated with one spacing for all axes only"),
            -one_array(ans) * spacing_dot / one_number(spacing),
            None, None, None,
        )


@defrule(ungradient, call="ungradient")
class ungradient_:
    # Linear in g (the stencil transposed): its adjoint is the stencil itself.
    def vjp(g, ans, y, f, spacing=1.0, axis=None, edge_order=1):
        return np.gradient(g, spacing, axis=axis, edge_order=edge_order), None, -np.sum(g * ans) / one_number(spacing), None, None

    def jvp(ans, y, f, spacing=1.0, axis=None, edge_order=1, y_dot=None, f_dot=None, spacing_dot=None):
        return ungradient(y_dot, f, spacing, axis, edge_order), None, -ans * spacing_dot / one_number(spacing), None, None


@defrule(one_array, call="one_array")
class one_array_:
    # The identity, for one array (it refuses np.gradient's list of one array per axis when it runs).
    def vjp(g, ans, x):
        return g

    def jvp(ans, x, x_dot):
        return x_dot
