"""Products: vdot, inner, outer, tensordot, einsum, kron, cross (`matmul`/`@` and
`dot` are in `core`).

A product is linear in each operand, so its adjoint with respect to one
operand is again a product: of the result's adjoint with the other operands.
For einsum that product is itself an einsum, written out when the code is
generated: the adjoint of `np.einsum('ij,jk->ik', a, b)` with respect to `a`
is `np.einsum('ik,jk->ij', g, b)`. For the others a runtime helper
(`tensordot_adjoint_a`, `kron_adjoint_b`, ...) handles every rank; each helper
is linear in its adjoint argument, so its own rules are products again.
"""
# ruff: noqa: N801
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..ir import Const, Expr, Op
from ..registry import defrule
from ..runtime import (
    einsum_adjoint,
    einsum_adjoint_spec,
    kron_adjoint_a,
    kron_adjoint_b,
    tensordot_adjoint_a,
    tensordot_adjoint_b,
    unbroadcast,
)


@defrule(np.vdot)
class vdot:
    # vdot flattens both operands: sum(ravel(a) * ravel(b)).
    def vjp(g, ans, a, b):
        return np.reshape(g * b, np.shape(a)), np.reshape(g * a, np.shape(b))

    def jvp(ans, a, b, a_dot, b_dot):
        return np.vdot(a_dot, b), np.vdot(a, b_dot)


@defrule(np.inner)
class inner:
    # inner(a, b) contracts the last axes: tensordot(a, b, (-1, -1)).
    def vjp(g, ans, a, b):
        return tensordot_adjoint_a(g, a, b, (-1, -1)), tensordot_adjoint_b(g, a, b, (-1, -1))

    def jvp(ans, a, b, a_dot, b_dot):
        return np.inner(a_dot, b), np.inner(a, b_dot)


@defrule(np.outer)
class outer:
    def vjp(g, ans, a, b):
        return np.reshape(g @ np.ravel(b), np.shape(a)), np.reshape(np.ravel(a) @ g, np.shape(b))

    def jvp(ans, a, b, a_dot, b_dot):
        return np.outer(a_dot, b), np.outer(a, b_dot)


@defrule(np.tensordot)
class tensordot:
    def vjp(g, ans, a, b, axes=2):
        return tensordot_adjoint_a(g, a, b, axes), tensordot_adjoint_b(g, a, b, axes), None

    def jvp(ans, a, b, axes=2, a_dot=None, b_dot=None):
        return np.tensordot(a_dot, b, axes), np.tensordot(a, b_dot, axes), None


@defrule(tensordot_adjoint_a, call="tensordot_adjoint_a")
class tensordot_adjoint_a_:
    def vjp(g, ans, y, a, b, axes=2):
        return np.tensordot(g, b, axes), None, tensordot_adjoint_b(y, g, b, axes), None

    def jvp(ans, y, a, b, axes=2, y_dot=None, a_dot=None, b_dot=None):
        return tensordot_adjoint_a(y_dot, a, b, axes), None, tensordot_adjoint_a(y, a, b_dot, axes), None


@defrule(tensordot_adjoint_b, call="tensordot_adjoint_b")
class tensordot_adjoint_b_:
    def vjp(g, ans, y, a, b, axes=2):
        return np.tensordot(a, g, axes), tensordot_adjoint_a(y, a, g, axes), None, None

    def jvp(ans, y, a, b, axes=2, y_dot=None, a_dot=None, b_dot=None):
        return tensordot_adjoint_b(y_dot, a, b, axes), tensordot_adjoint_b(y, a_dot, b, axes), None, None


@defrule(np.kron)
class kron:
    def vjp(g, ans, a, b):
        return kron_adjoint_a(g, a, b), kron_adjoint_b(g, a, b)

    def jvp(ans, a, b, a_dot, b_dot):
        return np.kron(a_dot, b), np.kron(a, b_dot)


@defrule(kron_adjoint_a, call="kron_adjoint_a")
class kron_adjoint_a_:
    def vjp(g, ans, y, a, b):
        return np.kron(g, b), None, kron_adjoint_b(y, g, b)

    def jvp(ans, y, a, b, y_dot, a_dot, b_dot):
        return kron_adjoint_a(y_dot, a, b), None, kron_adjoint_a(y, a, b_dot)


@defrule(kron_adjoint_b, call="kron_adjoint_b")
class kron_adjoint_b_:
    def vjp(g, ans, y, a, b):
        return np.kron(a, g), kron_adjoint_a(y, a, g), None

    def jvp(ans, y, a, b, y_dot, a_dot, b_dot):
        return kron_adjoint_b(y_dot, a, b), kron_adjoint_b(y, a_dot, b), None


@defrule(np.cross)
class cross:
    # For 3-vectors: d<g, a x b>/da = b x g and d<g, a x b>/db = g x a.
    def vjp(g, ans, a, b):
        return unbroadcast(np.cross(b, g), a), unbroadcast(np.cross(g, a), b)

    def jvp(ans, a, b, a_dot, b_dot):
        return np.cross(a_dot, b), np.cross(a, b_dot)


# -- einsum: up to six operands; the adjoint einsum is written out when code is generated ----------


@defrule(np.einsum)
class einsum:
    def vjp(g, ans, subscripts, a, b=None, c=None, d=None, e=None, f=None, optimize=False):
        return (
            None,
            einsum_adjoint(g, subscripts, 0, a, b, c, d, e, f),
            einsum_adjoint(g, subscripts, 1, a, b, c, d, e, f),
            einsum_adjoint(g, subscripts, 2, a, b, c, d, e, f),
            einsum_adjoint(g, subscripts, 3, a, b, c, d, e, f),
            einsum_adjoint(g, subscripts, 4, a, b, c, d, e, f),
            einsum_adjoint(g, subscripts, 5, a, b, c, d, e, f),
            None,
        )

    def jvp(ans, subscripts, a, b=None, c=None, d=None, e=None, f=None, optimize=False,
            subscripts_dot=None, a_dot=None, b_dot=None, c_dot=None, d_dot=None, e_dot=None, f_dot=None, optimize_dot=None):
        return (
            None,
            np.einsum(subscripts, a_dot, b, c, d, e, f),
            np.einsum(subscripts, a, b_dot, c, d, e, f),
            np.einsum(subscripts, a, b, c_dot, d, e, f),
            np.einsum(subscripts, a, b, c, d_dot, e, f),
            np.einsum(subscripts, a, b, c, d, e_dot, f),
            np.einsum(subscripts, a, b, c, d, e, f_dot),
            None,
        )


def _is_none(e: Expr) -> bool:
    return isinstance(e, Const) and e.value is None


def einsum_adjoint_rewrite(args: tuple[Expr, ...], kwargs: tuple) -> Expr:
    """`einsum_adjoint(g, 'ij,jk->ik', 0, a, b)` -> `np.einsum('ik,jk->ij', g, b)`."""
    g, subscripts, k, *operands = args
    operands = [op for op in operands if not _is_none(op)]
    if not (isinstance(subscripts, Const) and isinstance(subscripts.value, str)):
        raise UnsupportedSyntaxError("np.einsum is differentiated only with constant subscripts", construct="np.einsum")
    spec, extras = einsum_adjoint_spec(subscripts.value, k.value, len(operands))  # type: ignore[union-attr]
    target = operands[k.value]  # type: ignore[union-attr]
    extra_operands = [Op(kind, (Op("getitem", (Op("shape", (target,)), Const(axis))),)) for kind, axis in extras]
    others = [op for i, op in enumerate(operands) if i != k.value]  # type: ignore[union-attr]
    out: Expr = Op("einsum", (Const(spec), g, *others, *extra_operands))
    if "..." in subscripts.value:  # the '...' dimensions may have been broadcast: sum or spread them back
        out = Op("unbroadcast_" if "..." in spec.split("->")[0] else "broadcast_like_", (out, target))
    return out


def _einsum_adjoint_register() -> Any:
    # A generation-time macro: it never appears in generated code (see einsum_adjoint_rewrite).
    return defrule(einsum_adjoint, call="einsum_adjoint", nondiff=True, rewrite=einsum_adjoint_rewrite)


@_einsum_adjoint_register()
class einsum_adjoint_:
    pass
