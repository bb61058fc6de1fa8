"""Assembling and choosing: np.select, np.partition, np.r_[...] and np.c_[...], nested lists in
np.array, and the builtins `list()` and `tuple()` of arrays and sequences.

`np.select(condlist, choicelist, default)` takes each element from the first choice whose
condition holds: the adjoint of a choice is `g` where it was taken (`unselect`), that of the
default `g` where no condition holds (`unselect_default`). `np.partition` permutes like a sort;
`partition_order` finds where each element of the result came from.

Two spellings are rewritten when the code is read, into calls that already have rules, so the
Wengert list shows what is computed:
  np.r_[a, 0:3, 2.0]           -> np.concatenate([np.atleast_1d(a), np.arange(0, 3), np.atleast_1d(2.0)])
  np.c_[a, b]                  -> np.concatenate([c_column(a), c_column(b)], axis=-1)
  np.array([[a, b], [c, d]])   -> np.stack([np.array([a, b]), np.array([c, d])])
String directives of np.r_ (`np.r_['0,2', a, b]`) are refused at the user's line.
"""
# ruff: noqa: N801
from __future__ import annotations

import ast
import builtins
from typing import Any

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..ir import Const, Expr, Op, Tup, Var, walk_expr
from ..ir.convert import HOOKS
from ..primitives.registry import defrule, nondiff
from ..runtime import partition_order, unbroadcast, unselect, unselect_default, untake_along_axis

# -- np.select ----------------------------------------------------------------------------------------


@defrule(np.select)
class select:
    def vjp(g, ans, condlist, choicelist, default=0):
        return None, unselect(g, condlist, choicelist), unbroadcast(unselect_default(g, condlist), default)

    def jvp(ans, condlist, choicelist, default=0, condlist_dot=None, choicelist_dot=None, default_dot=None):
        return None, np.select(condlist, choicelist_dot, 0.0), unselect_default(default_dot, condlist)


@defrule(unselect, call="unselect", linear=True)
class unselect_:
    # Linear in y: its adjoint puts each choice's part back where np.select took it.
    def vjp(g, ans, y, condlist, choicelist):
        return np.select(condlist, g, np.zeros_like(y)), None, None


@defrule(unselect_default, call="unselect_default", linear=True)
class unselect_default_:
    def vjp(g, ans, y, condlist):
        return unbroadcast(unselect_default(g, condlist), y), None


# -- np.partition: a permutation, like a sort ---------------------------------------------------------

nondiff(partition_order, "partition_order", call="partition_order")


@defrule(np.partition)
class partition:
    def vjp(g, ans, a, kth, axis=-1, kind="introselect", order=None):
        return untake_along_axis(g, a, partition_order(a, ans, axis), axis), None, None, None, None

    def jvp(ans, a, kth, axis=-1, kind="introselect", order=None, a_dot=None):
        return np.take_along_axis(a_dot, partition_order(a, ans, axis), axis), None, None, None, None


# -- list() and tuple(): the same elements in another container -------------------------------------
# The adjoint of a sequence is indexed by position (`scatter_add` makes it an array shaped like the
# sequence), which is also the adjoint of the array or sequence the elements came from.


@defrule(builtins.list, name="builtin_list", call="list", linear=True)
class builtin_list:
    def vjp(g, ans, x):
        return g


@defrule(builtins.tuple, name="builtin_tuple", call="tuple", linear=True)
class builtin_tuple:
    def vjp(g, ans, x):
        return g


# -- rewrites applied when the code is read (lent to `convert.py` as `HOOKS`, at the end) --------------


def _active(e: Expr) -> bool:
    return any(isinstance(v, Var) for v in walk_expr(e))


def nested_array(prim: str, args: list[Expr], kwargs: tuple) -> Expr | None:
    """`np.array([[a, b], [c, d]])` as `np.stack` of the rows' `np.array`s (each row rewritten the same
    way), when a row holds a variable; None to keep the call as it is."""
    if not args or not isinstance(args[0], Tup) or len(args) > 2 or any(k != "dtype" for k, _ in kwargs):
        return None
    xs = args[0]
    if not any(isinstance(e, Tup) and _active(e) for e in xs.elts):
        return None
    rest = tuple(args[1:])
    typed = bool(rest or kwargs)
    rows = []
    for e in xs.elts:
        if isinstance(e, Tup):
            rows.append(nested_array(prim, [e, *rest], kwargs) or Op(prim, (e, *rest), kwargs))
        else:
            rows.append(Op("asarray", (e, *rest), kwargs) if typed else e)
    return Op("stack", (Tup(tuple(rows), "list"),))


_DIRECTIVE = ("np.{0}[...] with a string directive is not differentiated; join the arrays with np.concatenate, "
              "np.stack or np.column_stack instead")


def index_concatenation(conv: Any, node: ast.Subscript, which: str) -> Expr:
    """`np.r_[...]` / `np.c_[...]` (`which` is "r_" or "c_") as np.concatenate of its items."""
    items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if any(isinstance(it, ast.Constant) and isinstance(it.value, str) for it in items):
        raise conv.error(UnsupportedSyntaxError, _DIRECTIVE.format(which), node, construct=f"np.{which}")
    shaped = "atleast_1d" if which == "r_" else "c_column_"
    parts = []
    for it in items:
        if isinstance(it, ast.Slice) and which == "r_":
            parts.append(_slice_range(conv, it, which))  # already 1-D
        else:
            parts.append(Op(shaped, (_slice_range(conv, it, which) if isinstance(it, ast.Slice) else conv.expr(it),)))
    seq = Tup(tuple(parts), "list")
    return Op("concatenate", (seq,)) if which == "r_" else Op("concatenate", (seq,), (("axis", Const(-1)),))


def _slice_range(conv: Any, s: ast.Slice, which: str) -> Expr:
    """`a:b:c` inside np.r_: np.arange(a, b, c); `a:b:nj` (a complex step): np.linspace(a, b, n)."""
    if s.upper is None:
        raise conv.error(UnsupportedSyntaxError, f"a slice in np.{which}[...] needs its stop", s, construct=f"np.{which}")
    start = Const(0) if s.lower is None else conv.expr(s.lower)
    stop = conv.expr(s.upper)
    step = s.step
    if isinstance(step, ast.Constant) and isinstance(step.value, complex):
        return Op("linspace", (start, stop, Const(int(abs(step.value)))))
    return Op("arange", (start, stop) if step is None else (start, stop, conv.expr(step)))


HOOKS.nested_array = nested_array  # lent to the converter (ir/convert.py): the code is rewritten as it is read
HOOKS.index_concatenation = index_concatenation
