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

from ..errors import S2SADError, UnsupportedSyntaxError
from ..ir import Const, Expr, Op, Tup
from ..primitives.registry import defrule, nondiff
from ..runtime import (
    cross_adjoint_a,
    cross_adjoint_b,
    einsum_adjoint,
    einsum_adjoint_spec,
    einsum_check,
    einsum_dots_first,
    einsum_interleaved,
    inner_adjoint_a,
    inner_adjoint_b,
    kron_adjoint_a,
    kron_adjoint_b,
    tensordot_adjoint_a,
    tensordot_adjoint_b,
)
from .bilinear import bilinear_adjoints


@defrule(np.vdot, linear=True)
class vdot:
    # vdot flattens both operands: sum(ravel(a) * ravel(b)).
    def vjp(g, ans, a, b):
        return np.reshape(g * b, np.shape(a)), np.reshape(g * a, np.shape(b))


@defrule(np.inner, linear=True)
class inner:
    # inner(a, b) contracts the last axes: tensordot(a, b, (-1, -1)); with a number it multiplies.
    def vjp(g, ans, a, b):
        return inner_adjoint_a(g, a, b), inner_adjoint_b(g, a, b)


# The helpers are linear in the adjoint y and in b; a gives only its shape (see `bilinear_adjoints`).
inner_adjoint_a_, inner_adjoint_b_ = bilinear_adjoints(inner_adjoint_a, inner_adjoint_b, "np.inner({0}, {1})", __name__)


@defrule(np.outer, linear=True)
class outer:
    def vjp(g, ans, a, b):
        return np.reshape(g @ np.ravel(b), np.shape(a)), np.reshape(np.ravel(a) @ g, np.shape(b))


@defrule(np.tensordot, linear=True)
class tensordot:
    def vjp(g, ans, a, b, axes=2):
        return tensordot_adjoint_a(g, a, b, axes), tensordot_adjoint_b(g, a, b, axes), None


tensordot_adjoint_a_, tensordot_adjoint_b_ = bilinear_adjoints(tensordot_adjoint_a, tensordot_adjoint_b, "np.tensordot({0}, {1}, axes)",
                                                               __name__, extra=(("axes", 2),))


@defrule(np.kron, linear=True)
class kron:
    def vjp(g, ans, a, b):
        return kron_adjoint_a(g, a, b), kron_adjoint_b(g, a, b)


kron_adjoint_a_, kron_adjoint_b_ = bilinear_adjoints(kron_adjoint_a, kron_adjoint_b, "np.kron({0}, {1})", __name__)


@defrule(np.cross)
class cross:
    # d<g, a x b>/da = b x g and d<g, a x b>/db = g x a, with the vectors moved to the last axis
    # (axisa, axisb, axisc, axis) and 2-vectors read as 3-vectors with z = 0: see `cross_adjoint_a`.
    def vjp(g, ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
        return (cross_adjoint_a(g, a, b, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis), cross_adjoint_b(g, a, b, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis),
                None, None, None, None)

    def jvp(ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None,
            a_dot=None, b_dot=None, axisa_dot=None, axisb_dot=None, axisc_dot=None, axis_dot=None):
        return (np.cross(a_dot, b, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis), np.cross(a, b_dot, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis),
                None, None, None, None)


# (The helpers pass the axes on by keyword.)
cross_adjoint_a_, cross_adjoint_b_ = bilinear_adjoints(
    cross_adjoint_a, cross_adjoint_b, "np.cross({0}, {1}, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)", __name__,
    extra=(("axisa", -1), ("axisb", -1), ("axisc", -1), ("axis", None)), by_keyword=True)


# -- einsum: up to six operands; the adjoint einsum is written out when code is generated ----------


@defrule(np.einsum)
class einsum:
    # `subscripts` is a string, or in the interleaved form `np.einsum(x, [0, 1], y, [1, 2], [0, 2])`
    # the first operand (its sublists are constants, so only operands carry derivatives); the
    # rewrites turn either form into plain string einsums (`einsum_adjoint_rewrite`).
    def vjp(g, ans, subscripts, a, b=None, c=None, d=None, e=None, f=None, optimize=False):
        return (
            einsum_adjoint(g, subscripts, -1, a, b, c, d, e, f, optimize=optimize),
            einsum_adjoint(g, subscripts, 0, a, b, c, d, e, f, optimize=optimize),
            einsum_adjoint(g, subscripts, 1, a, b, c, d, e, f, optimize=optimize),
            einsum_adjoint(g, subscripts, 2, a, b, c, d, e, f, optimize=optimize),
            einsum_adjoint(g, subscripts, 3, a, b, c, d, e, f, optimize=optimize),
            einsum_adjoint(g, subscripts, 4, a, b, c, d, e, f, optimize=optimize),
            einsum_adjoint(g, subscripts, 5, a, b, c, d, e, f, optimize=optimize),
            None,
        )

    def jvp(ans, subscripts, a, b=None, c=None, d=None, e=None, f=None, optimize=False,
            subscripts_dot=None, a_dot=None, b_dot=None, c_dot=None, d_dot=None, e_dot=None, f_dot=None, optimize_dot=None):
        return (
            einsum_checked(subscripts_dot, a, b, c, d, e, f, optimize=optimize),
            einsum_checked(subscripts, a_dot, b, c, d, e, f, optimize=optimize),
            einsum_checked(subscripts, a, b_dot, c, d, e, f, optimize=optimize),
            einsum_checked(subscripts, a, b, c_dot, d, e, f, optimize=optimize),
            einsum_checked(subscripts, a, b, c, d_dot, e, f, optimize=optimize),
            einsum_checked(subscripts, a, b, c, d, e_dot, f, optimize=optimize),
            einsum_checked(subscripts, a, b, c, d, e, f_dot, optimize=optimize),
            None,
        )


def einsum_checked(subscripts: Any, *operands: Any, optimize: Any = False) -> Any:
    """`np.einsum(subscripts, *operands)`, once s2sad has checked the subscripts (a generation-time macro)."""
    return np.einsum(subscripts, *(op for op in operands if op is not None), optimize=optimize)


def _is_none(e: Expr) -> bool:
    return isinstance(e, Const) and e.value is None


class _NotConstant(Exception):
    pass


def _constant(e: Expr) -> Any:
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Tup):
        return tuple(_constant(x) for x in e.elts)
    raise _NotConstant


def _einsum_form(subscripts: Expr, operands: list[Expr], k: int, kwargs: tuple = ()) -> tuple[str, list[Expr], int]:
    """The string subscripts, the operands and operand `k`'s index of either form of einsum call,
    checked; `k` counts the arguments after `subscripts` (-1 is the first operand of the interleaved form)."""
    try:
        if isinstance(subscripts, Const) and isinstance(subscripts.value, str):
            text = subscripts.value
        else:  # the interleaved form: operand, sublist, operand, sublist, ..., [output sublist]
            optimize = dict(kwargs).get("optimize", Const(False))
            if not (isinstance(optimize, Const) and isinstance(optimize.value, (bool, str))):
                # an eighth argument took `optimize`'s place: np.einsum(w, [0, 1], x, [1, 2], y, [2, 3], z, [3, 0])
                raise UnsupportedSyntaxError(
                    "np.einsum in the interleaved form is differentiated with at most three operands (and an output "
                    "sublist); write the subscripts as a string for more", construct="np.einsum")
            slots = [subscripts, *operands]
            output = _constant(slots[-1]) if len(slots) % 2 else None
            pairs = slots[: len(slots) - len(slots) % 2]
            text = einsum_interleaved([_constant(s) for s in pairs[1::2]], output)
            operands, k = pairs[0::2], (k + 1) // 2
        einsum_check(text, len(operands))
    except _NotConstant:
        raise UnsupportedSyntaxError(
            "np.einsum is differentiated only with constant subscripts (a string, or constant sublists in the "
            "interleaved form np.einsum(x, [0, 1], y, [1, 2]))", construct="np.einsum") from None
    except ValueError as exc:
        message = str(exc)
        raise S2SADError(f"np.{message}" if message.startswith("einsum") else f"np.einsum: {message}", construct="np.einsum") from None
    return text, operands, k


def einsum_adjoint_rewrite(args: tuple[Expr, ...], kwargs: tuple) -> Expr:
    """`einsum_adjoint(g, 'ij,jk->ik', 0, a, b)` -> `np.einsum('ik,jk->ij', g, b)`.

    Where broadcasting may have widened the '...' dimensions, they are summed back (`unbroadcast`),
    first moved to the front when the operand has indices before its '...'."""
    g, subscripts, k, *operands = args
    text, operands, index = _einsum_form(subscripts, [op for op in operands if not _is_none(op)], k.value, kwargs)  # type: ignore[union-attr]
    spec, extras = einsum_adjoint_spec(text, index, len(operands))
    target = operands[index]
    extra_operands = [Op(kind, (Op("getitem", (Op("shape", (target,)), Const(axis))),)) for kind, axis in extras]
    others = [op for i, op in enumerate(operands) if i != index]
    moved = einsum_dots_first(spec)
    out: Expr = Op("einsum", (Const(moved[0] if moved else spec), g, *others, *extra_operands))
    if moved:  # np.einsum('...jk->j...k', unbroadcast(out, np.einsum('j...k->...jk', a)))
        _, result, lead = moved
        view = Op("einsum", (Const(f"{result}->{lead}"), target))
        out = Op("einsum", (Const(f"{lead}->{result}"), Op("unbroadcast_", (out, view))))
    elif "..." in text:  # the '...' dimensions may have been broadcast: sum or spread them back
        out = Op("unbroadcast_" if "..." in spec.split("->")[0] else "broadcast_like_", (out, target))
    elif _shares_an_index(text, index):
        # An index the operand shares with another may have length one in it and not in the other
        # (np.einsum('ij,jk->ik', a, b), a of shape (3, 1)): NumPy broadcasts it, so the adjoint is summed
        # back (or spread, where the other operand's length is one).
        out = Op("unbroadcast_", (out, target))
    return out


def _shares_an_index(text: str, index: int) -> bool:
    """Whether operand `index` of the einsum `text` has an index that another operand has too."""
    terms = text.replace(" ", "").partition("->")[0].split(",")
    mine = set(terms[index].replace(".", ""))
    return any(mine & set(t.replace(".", "")) for i, t in enumerate(terms) if i != index)


def einsum_checked_rewrite(args: tuple[Expr, ...], kwargs: tuple) -> Expr:
    """`einsum_checked(s, a, b)` -> `np.einsum(s, a, b)`, once the subscripts are checked."""
    subscripts, *operands = args
    operands = [op for op in operands if not _is_none(op)]
    try:
        _einsum_form(subscripts, operands, 0, kwargs)
    except UnsupportedSyntaxError as exc:
        if "constant subscripts" not in exc.message:
            raise
        # variable subscripts: forward mode needs no adjoint einsum, and NumPy checks them when it runs
    kept = tuple((k, v) for k, v in kwargs if not (k == "optimize" and isinstance(v, Const) and v.value is False))
    return Op("einsum", (subscripts, *operands), kept)


nondiff(einsum_checked, "einsum_checked", call="einsum_checked", rewrite=einsum_checked_rewrite)


def _einsum_adjoint_register() -> Any:
    # A generation-time macro: it never appears in generated code (see einsum_adjoint_rewrite).
    return defrule(einsum_adjoint, call="einsum_adjoint", nondiff=True, rewrite=einsum_adjoint_rewrite)


@_einsum_adjoint_register()
class einsum_adjoint_:
    pass
