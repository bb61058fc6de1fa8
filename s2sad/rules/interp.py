"""np.interp: the slope of x's segment in x, linear weights in fp; xp is a constant grid.

Input: the registry (importing this module registers the rules). Output: the primitive `interp` and the
runtime helpers its rules call (`interp_slope`, `interp_slope_adjoint`, `interp_fp_tangent`,
`interp_fp_adjoint`, s2sad/runtime/extra.py), each a primitive with rules of its own; `period` is refused.
"""
# ruff: noqa: N801, N803
from __future__ import annotations

import numpy as np

from ..ir import Expr
from ..primitives.registry import defrule
from ..runtime import interp_fp_adjoint, interp_fp_tangent, interp_slope, interp_slope_adjoint
from .macros import refused_if, unsupported


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


@defrule(interp_slope, call="interp_slope", linear=True)
class interp_slope_:
    # Piecewise constant in x (0 almost everywhere), linear in fp.
    def vjp(g, ans, x, xp, fp, left=None, right=None):
        return None, None, interp_slope_adjoint(g, x, xp, left, right), None, None


@defrule(interp_slope_adjoint, call="interp_slope_adjoint", linear=True)
class interp_slope_adjoint_:
    def vjp(g, ans, c, x, xp, left=None, right=None):
        return interp_slope(x, xp, g, left, right), None, None, None, None


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
