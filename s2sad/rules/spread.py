"""np.meshgrid and np.broadcast_arrays: copies of their inputs, spread along the other axes.

Input: the registry (importing this module registers the rules). Output: the two primitives (up to four
arrays each) and their runtime helpers `meshgrid_adjoint`, `meshgrid_tangent`, `broadcast_adjoint`,
`broadcast_tangent` (s2sad/runtime/extra.py) as primitives: an output's adjoint summed back over the axes
its input was spread along, and an input's tangent spread into its own output.
"""
# ruff: noqa: N801, N803
from __future__ import annotations

import numpy as np

from ..primitives.registry import defrule
from ..runtime import broadcast_adjoint, broadcast_tangent, meshgrid_adjoint, meshgrid_tangent


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


@defrule(meshgrid_adjoint, call="meshgrid_adjoint", linear=True)
class meshgrid_adjoint_:
    def vjp(g, ans, y, k, a, b=None, c=None, d=None, sparse=False, indexing="xy"):
        return meshgrid_tangent(k, g, a, b, c, d, sparse, indexing)[k], None, None, None, None, None, None, None


@defrule(meshgrid_tangent, call="meshgrid_tangent", linear=True)
class meshgrid_tangent_:
    def vjp(g, ans, k, t, a, b=None, c=None, d=None, sparse=False, indexing="xy"):
        return None, meshgrid_adjoint(g[k], k, a, b, c, d, sparse, indexing), None, None, None, None, None, None


@defrule(np.broadcast_arrays, view=True)
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


@defrule(broadcast_adjoint, call="broadcast_adjoint", linear=True)
class broadcast_adjoint_:
    def vjp(g, ans, y, k, a, b=None, c=None, d=None):
        return broadcast_tangent(k, g, a, b, c, d)[k], None, None, None, None, None


@defrule(broadcast_tangent, call="broadcast_tangent", linear=True)
class broadcast_tangent_:
    def vjp(g, ans, k, t, a, b=None, c=None, d=None):
        return None, broadcast_adjoint(g[k], k, a, b, c, d), None, None, None, None
