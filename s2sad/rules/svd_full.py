"""np.linalg.svd with full_matrices=True: the reduced formulas on the reduced parts.

Input: the registry (importing this module registers the rules). Output: the generation-time macros
`svd_full_reduced`, `svd_full_cotangent`, `svd_full_tangent` that the SVD rule of `rules/linalg.py` reads its
result, adjoint and tangent through (the identity for a constant full_matrices=False), and the runtime helpers
they become, `svd_reduced`, `svd_reduced_cotangent`, `svd_padded` (s2sad/runtime/extra.py), as primitives.
"""
# ruff: noqa: N801, N803
from __future__ import annotations

from typing import Any

from ..ir import Const, Expr, Op
from ..primitives.registry import defrule, nondiff
from ..runtime import svd_padded, svd_reduced, svd_reduced_cotangent


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


@defrule(svd_reduced, call="svd_reduced", linear=True)
class svd_reduced_:
    def vjp(g, ans, y):
        return svd_padded(g, y, 0.0)


@defrule(svd_reduced_cotangent, call="svd_reduced_cotangent", linear=True)
class svd_reduced_cotangent_:
    def vjp(g, ans, y, full):
        return svd_padded(g, full, 0.0), None


@defrule(svd_padded, call="svd_padded", linear=True)
class svd_padded_:
    def vjp(g, ans, t, full, fill=0.0):
        return svd_reduced(g), None, None
