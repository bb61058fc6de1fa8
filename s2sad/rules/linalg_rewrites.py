"""Generation-time rewrites for the `np.linalg` rules of `rules/linalg.py`.

Input: the IR arguments (`Expr`) of a call as it is lowered. Output: the call's arguments with the
lists NumPy reads as arrays written as array constructions (`list_arguments_as_arrays`), or the
expression a call is rewritten to (the `rewrite=` hooks of `uv_or_s`, `norm_direction` and
`norm_direction_partial`), or None where it stays as it is. Registers nothing.
"""
from __future__ import annotations

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..ir import Const, Expr, Op, Tup
from .macros import parse, unsupported


# -- list arguments -------------------------------------------------------------------------------

# The parameters of np.linalg functions that NumPy reads as arrays: a list or tuple there
# (`np.linalg.norm([x, x + 2])`) is an array construction, `np.array([x, x + 2])`, and gets its rule.
_ARRAY_PARAMETERS = {"solve": ("a", "b"), "lstsq": ("a", "b"), "norm": ("x",), "matrix_power": ("a",)}


def list_arguments_as_arrays(name: str, args: list[Expr], kwargs: tuple) -> tuple[list[Expr], tuple]:
    """`args` and `kwargs` of a call to the np.linalg primitive `name`, each list in an array
    parameter written as the `np.array` (nested lists: `np.stack` of rows) NumPy makes of it."""
    from .assembly import nested_array

    def array(e: Expr) -> Expr:
        return nested_array("array", [e], ()) or Op("array", (e,)) if isinstance(e, Tup) else e

    names = _ARRAY_PARAMETERS.get(name, ("a",))
    args = [array(a) if i < len(names) else a for i, a in enumerate(args)]
    return args, tuple((k, array(v) if k in names else v) for k, v in kwargs)


def uv_or_s_rewrite(args: tuple[Expr, ...], kwargs: tuple) -> Expr:
    """`uv_or_s(compute_uv, with_uv, s_only)` as the branch its constant flag picks."""
    flag, with_uv, s_only = args
    if not (isinstance(flag, Const) and isinstance(flag.value, (bool, int))):
        raise UnsupportedSyntaxError("np.linalg.svd is differentiated with compute_uv a constant True or False",
                                     construct="compute_uv")
    return with_uv if flag.value else s_only


# The vector norms, and the elementwise 2-norm (ord None or "fro"), written out in NumPy.
_VECTOR_DIRECTIONS = {
    2: "safe_divide(x, full)",
    1: "np.sign(x)",
    np.inf: "np.sign(x) * tie_weights(np.abs(x), ans, axis, keepdims)",
    -np.inf: "np.sign(x) * tie_weights(np.abs(x), ans, axis, keepdims)",
}
_P_DIRECTION = "np.sign(x) * safe_divide(np.abs(x) ** p_minus_1, full ** p_minus_1)"


def norm_direction_rewrite(args: tuple[Expr, ...], kwargs: tuple) -> Expr | None:
    """`norm_direction(x, ans, ord, axis, keepdims)` in plain NumPy, when ord and axis say which norm it is."""
    x, ans, ord_, axis, keepdims = (list(args) + [Const(None), Const(None), Const(False)])[:5]
    if isinstance(axis, Tup) and all(isinstance(e, Const) for e in axis.elts):
        axis = Const(tuple(e.value for e in axis.elts))  # type: ignore[union-attr]
    if not all(isinstance(e, Const) for e in (ord_, axis, keepdims)):
        return None
    o, ax = ord_.value, axis.value  # type: ignore[union-attr]
    elementwise = o is None or o == "fro" and (ax is None or np.ndim(ax) == 1 and len(ax) == 2)
    vector = ax is not None and (np.ndim(ax) == 0 or len(ax) == 1)
    if not (elementwise or vector) or isinstance(o, str) and not elementwise:
        return None
    full = ans if ax is None and not keepdims.value else parse("unsum(ans, x, axis, keepdims)", ans=ans, x=x, axis=axis, keepdims=keepdims)  # type: ignore[union-attr]
    names = dict(x=x, ans=ans, axis=axis, keepdims=keepdims, full=full)
    if elementwise:
        return parse(_VECTOR_DIRECTIONS[2], **names)
    if o == 0:
        return Op("zeros_like", (x,))
    if o in _VECTOR_DIRECTIONS:
        return parse(_VECTOR_DIRECTIONS[o], **names)
    return parse(_P_DIRECTION, p_minus_1=Const(o - 1), **names)


def no_nuclear_second_derivative(args: tuple[Expr, ...], kwargs: tuple) -> Expr | None:
    """Refuse the second derivative of the nuclear norm; otherwise no rewrite (None)."""
    ord_ = args[3] if len(args) > 3 else dict(kwargs).get("ord")
    if isinstance(ord_, Const) and ord_.value == "nuc":
        unsupported("second derivatives of np.linalg.norm(x, 'nuc') are not supported")
    return None
