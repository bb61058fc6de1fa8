"""Algebraic cleanup of instantiated rule templates.

Input: an IR expression (a template with actual arguments substituted) and a
shape oracle. Output: an equivalent expression without the noise a template
leaves behind: `x * 1`, `x + 0`, `x ** 1`, `--x`, folded constants such as
`2 - 1`, `g * (1 / n)` for `g / n`, `np.size` of a number, `unbroadcast(g, x)`
where no broadcasting can have happened (or, given layout facts, the sum it
does: `layouts.py`), `e_bar + unsum(g, e, 1, True)` as `e_bar + g` (the kept
axis broadcasts anyway), and trailing arguments that equal a call's defaults.
A comparison's product with 1 or -1 stays: it turns booleans into numbers.
"""
from __future__ import annotations

import math
from typing import Callable

from ..analysis import layouts
from ..primitives import registry
from ..ir import Const, Expr, Op, Slice, Tup, is_number

Shapes = Callable[[Expr], frozenset]


def _is(e: Expr, value: float) -> bool:
    return is_number(e) and e.value == value  # type: ignore[union-attr]


def _fold(prim: str, a: Expr, b: Expr) -> Expr | None:
    if not (is_number(a) and is_number(b)):
        return None
    x, y = a.value, b.value  # type: ignore[union-attr]
    try:
        value = {"add": lambda: x + y, "subtract": lambda: x - y, "multiply": lambda: x * y,
                 "divide": lambda: x / y, "power": lambda: x ** y}[prim]()
    except (KeyError, ZeroDivisionError, OverflowError):
        return None
    return Const(value) if isinstance(value, (int, float)) else None


def _power_of_two(e: Expr) -> bool:
    if not (is_number(e) and isinstance(e.value, (int, float))):  # type: ignore[union-attr]
        return False
    m, _ = math.frexp(abs(e.value))  # type: ignore[union-attr]
    return m == 0.5


def _exact_product(a: Expr, b: Expr) -> Expr | None:
    """`(e * k1) * k2` as `e * (k1 * k2)` when k1 or k2 is a power of two, so no rounding moves."""
    inner, k2 = (a, b) if is_number(b) else (b, a) if is_number(a) else (None, None)
    if not (isinstance(inner, Op) and inner.prim == "multiply" and not inner.kwargs):
        return None
    x, y = inner.args
    k1, e = (x, y) if is_number(x) else (y, x) if is_number(y) else (None, None)
    if k1 is None or is_number(e) or not (_power_of_two(k1) or _power_of_two(k2)):
        return None
    k = _fold("multiply", k1, k2)
    if k is None or not math.isfinite(k.value):  # type: ignore[union-attr]
        return None
    return Op("multiply", (e, k))  # type: ignore[arg-type]


def simplify(e: Expr, shape: Shapes) -> Expr:
    """Simplify `e` bottom-up."""
    if isinstance(e, Tup):
        return Tup(tuple(simplify(x, shape) for x in e.elts), e.kind)
    if isinstance(e, Slice):
        return Slice(*(None if x is None else simplify(x, shape) for x in (e.lower, e.upper, e.step)))
    if not isinstance(e, Op):
        return e
    args = tuple(simplify(a, shape) for a in e.args)
    kwargs = tuple((k, simplify(v, shape)) for k, v in e.kwargs)
    p = e.prim
    rewrite = registry.PRIMS[p].rewrite
    if rewrite is not None:  # e.g. an einsum adjoint with constant subscripts becomes a plain np.einsum
        new = rewrite(args, kwargs)
        if new is not None:
            return simplify(new, shape)
    if len(args) == 2:
        a, b = args
        folded = _fold(p, a, b)
        if folded is not None:
            return folded
        if p == "multiply":
            # A comparison's booleans keep their product with 1 or -1: it makes them numbers
            # (`-(x == y)` raises in NumPy, and a bool gradient would not add in place).
            if _is(a, 1) and not is_boolean(b):
                return b
            if _is(b, 1) and not is_boolean(a):
                return a
            if _is(a, -1) and not is_boolean(b):
                return simplify(Op("negative", (b,)), shape)
            if _is(b, -1) and not is_boolean(a):
                return simplify(Op("negative", (a,)), shape)
            if isinstance(a, Op) and a.prim == "negative" and isinstance(b, Op) and b.prim == "negative":
                return Op("multiply", (a.args[0], b.args[0]))
            # Two numbers meet where one is a power of two (scaling by it is exact): 200.0 * a * -2 reads a * -400.0.
            merged = _exact_product(a, b)
            if merged is not None:
                return merged
            # The sign goes into the number: -a * 2 reads a * -2 (bit for bit the same, one pass fewer).
            if isinstance(a, Op) and a.prim == "negative" and is_number(b):
                return Op("multiply", (a.args[0], Const(-b.value)))  # type: ignore[union-attr]
            if is_number(a) and isinstance(b, Op) and b.prim == "negative":
                return Op("multiply", (Const(-a.value), b.args[0]))  # type: ignore[union-attr]
        spread = spread_meets_its_shape(p, a, b, shape)
        if spread is not None:
            return spread
        if p == "divide" and _is(b, 1):
            return a
        if p == "multiply" and isinstance(b, Op) and b.prim == "divide" and _is(b.args[0], 1):
            return Op("divide", (a, b.args[1]))  # g * (1 / n) reads g / n
        if p == "add":
            if _is(a, 0):
                return b
            if _is(b, 0):
                return a
            if isinstance(b, Op) and b.prim == "negative":
                return Op("subtract", (a, b.args[0]))
        if p == "subtract":
            if _is(b, 0):
                return a
            if _is(a, 0):
                return simplify(Op("negative", (b,)), shape)
            if isinstance(b, Op) and b.prim == "negative":
                return Op("add", (a, b.args[0]))
        if p == "power" and _is(b, 1):
            return a
        if p in ("unbroadcast", "unbroadcast_") and shape(a) <= shape(b):
            return a
        if p in ("broadcast_like", "broadcast_like_") and shape(a) == shape(b):
            return a
    if p == "getitem" and isinstance(args[0], Tup) and is_number(args[1]) and isinstance(args[1].value, int):
        return args[0].elts[args[1].value]  # type: ignore[union-attr]
    if p in ("size", "size_attr") and len(args) == 1 and not kwargs and not shape(args[0]):
        return Const(1)  # a number has one element (the size of a full reduction's result, in a mean's adjoint)
    if p == "negative":
        (a,) = args
        if isinstance(a, Op) and a.prim == "negative":
            return a.args[0]
        if is_number(a):
            return Const(-a.value)  # type: ignore[union-attr]
        if isinstance(a, Op) and a.prim == "multiply" and not a.kwargs and any(is_number(x) for x in a.args):
            x, y = a.args  # -(2.0 * c) reads -2.0 * c
            return Op("multiply", (Const(-x.value), y) if is_number(x) else (x, Const(-y.value)))  # type: ignore[union-attr]
    if registry.declared(p, "layout_refined") and isinstance(shape, layouts.Facts) and not kwargs:
        refined = layouts.refine(p, args, shape)  # the arguments' ranks and unit axes decide it
        if refined is not None:
            return refined
    if p == "unsum_" and len(args) >= 2 and not kwargs and all(_default_arg(p, i, x) for i, x in enumerate(args) if i >= 2):
        if not shape(args[1]):  # summing a scalar: the adjoint passes straight through
            return args[0]
    return Op(p, *_drop_defaults(p, args, kwargs))


def is_boolean(e: Expr) -> bool:
    """True for a comparison or a logical function (the registry's `boolean`): a bool (array)."""
    return isinstance(e, Op) and registry.PRIMS[e.prim].boolean


def spread_meets_its_shape(p: str, a: Expr, b: Expr, shape: Shapes) -> Expr | None:
    """`e_bar + unsum(g, e, 1, True)` as `e_bar + g`: the kept axes broadcast anyway against an
    operand of `e`'s shape, so the spread copy is not needed (softmax's row sums, max's ties)."""
    if not registry.declared(p, "broadcasting"):
        return None
    for spread, other, first in ((a, b, True), (b, a, False)):
        if (isinstance(spread, Op) and spread.prim == "unsum_" and len(spread.args) == 4 and not spread.kwargs
                and spread.args[3] == Const(True) and shape(spread.args[1]) <= shape(other)):
            g = spread.args[0]  # the adjoint of a sum with keepdims=True: an array, never a list or a float
            return Op(p, (g, other) if first else (other, g))
    return None


def _default_arg(prim_name: str, i: int, value: Expr) -> bool:
    prim = registry.PRIMS[prim_name]
    prim.load()  # parameters and defaults come from the rule's templates
    if i >= len(prim.params):
        return False
    name = prim.params[i]
    return name in prim.defaults and isinstance(value, Const) and _same(value.value, prim.defaults[name])


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


def _drop_defaults(p: str, args: tuple[Expr, ...], kwargs: tuple[tuple[str, Expr], ...]) -> tuple:
    prim = registry.PRIMS[p]
    prim.load()
    if prim.spelling.kind != "call" or not prim.defaults:
        return args, kwargs
    kwargs = tuple((k, v) for k, v in kwargs if not (k in prim.defaults and isinstance(v, Const) and _same(v.value, prim.defaults[k])))
    args_l = list(args)
    while args_l and _default_arg(p, len(args_l) - 1, args_l[-1]):
        args_l.pop()
    return tuple(args_l), kwargs
