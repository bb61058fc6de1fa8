"""Keep the adjoint of a whole-array sum a number while elementwise code can use it as one.

The adjoint of `s = np.sum(t)` is the number `s_bar` spread over the shape
of `t`: `t_bar = unsum(s_bar, t)`, an array of copies. When every use of
`t_bar` is elementwise arithmetic that meets an array of that shape anyway,
the number itself gives the same values and the same shapes, without the
array, and constants fold into it before they meet an array (the Rosenbrock
function; `c_bar = t7_bar * 2 * c` multiplies a number by 2, then `c` once):

    # before                                  # after
    t8_bar = unsum(rosenbrock_bar, t8)        t8_bar = rosenbrock_bar
    t6_bar = t8_bar                           t6_bar = t8_bar
    t7_bar = t8_bar                           t7_bar = t8_bar
    c_bar = t7_bar * 2 * c                    c_bar = t7_bar * 2 * c
    t5_bar = 100.0 * t6_bar                   t5_bar = 100.0 * t6_bar
    a_bar = t5_bar * 2 * a                    a_bar = t5_bar * 2 * a

Input: a finished adjoint program. Output: the same program where, in the
straight-line part of the backward sweep, `unsum(g, t)` (a sum over every
axis) of a scalar `g` is replaced by `g`, when the shape facts
(`broadcasts.facts`) show that the replacement changes no value: each later
statement that reads the number, or a name computed from it, is elementwise
along the way, and either its result has its old shape anyway (another
operand has that shape) or it is a plain assignment whose target is then
treated the same way. (Given the arguments' layouts, `layouts.py` names more
values that are surely arrays, not lists, and an operand with no axis of
length one and the result's rank decides the result's shape by itself: the
MLP's loss seed meets `Y` as a number, `t6_bar = Y * -t9_bar`.) A number that would reach anything else -- another
helper, an index, a `return`, a loop -- keeps the `unsum`.
"""
from __future__ import annotations

import itertools
from collections import ChainMap
from collections.abc import Iterator, Mapping, Set as AbstractSet

from typing import Any

from ..primitives import registry
from .broadcasts import backward_start, facts
from .context import Context
from ..ir import Assign, Const, Expr, Function, Op, Stmt, Var, name_counts, names_read, stmt_exprs, walk_stmts
from ..analysis.shapes import SCALAR, expr_shape

_NUMBER = Var("<the number>")  # stands for a replaced `unsum` when its statement is checked


def apply(fn: Function, context: Context | None = None) -> Function:
    """`fn` with each removable `unsum` of a number replaced by the number."""
    split = backward_start(fn.body)
    if split is None:
        return fn
    backward = fn.body[split:]
    spots = [k for k, s in enumerate(backward) if isinstance(s, Assign) and isinstance(s.target, str) and _unsums(s.value)]
    if not spots:
        return fn
    env, _ = facts(fn, split)
    arrays = _arrays(fn) | _not_sequences(fn, split) | fn.meta.get("arrays", frozenset())
    layouts = _Layouts(fn.meta.get("layouts", {}))
    changed = False
    for k in spots:
        s = backward[k]
        new = _without_unsum(s.value, env)  # type: ignore[union-attr]
        marked = _without_unsum(s.value, env, _NUMBER)  # type: ignore[union-attr]
        if new is not None and _elementwise_to(marked, {_NUMBER.name}, arrays) \
                and _safe(backward, k, Assign(s.target, new, s.line), env, arrays, layouts, s.value):  # type: ignore[union-attr]
            backward = backward[:k] + [Assign(s.target, new, s.line)] + backward[k + 1:]  # type: ignore[union-attr]
            changed = True
    if not changed:
        return fn
    doc = fn.doc
    if layouts.used and fn.meta.get("specialised") and fn.meta["specialised"] not in (doc or ""):
        doc = (doc or "") + "\n\n    " + fn.meta["specialised"]  # the code is right only for arrays like these
    return Function(fn.name, fn.params, fn.body[:split] + backward, doc, dict(fn.meta))


class _Layouts:
    """The primal names' layouts (`layouts.py`), and whether a decision relied on them."""

    def __init__(self, names: dict) -> None:
        self.names, self.used = names, False

    def decides(self, e: Expr, numbers: dict[str, Any]) -> bool:
        """True when an operand of `e` that is not a number has no axis of length one and the rank of
        the result, so it gives the result its shape with or without the numbers' arrays."""
        if not isinstance(e, Op) or not self.names:
            return False
        ranks, full = [], False
        for a in e.args:
            if isinstance(a, Var) and a.name in numbers:
                lay = numbers[a.name]
            elif isinstance(a, Const):
                lay = ()
            elif isinstance(a, Var):
                lay = self.names.get(a.name)
                full = full or (isinstance(lay, tuple) and all(x is False for x in lay) and bool(lay))
            else:
                return False
            if not isinstance(lay, tuple):
                return False
            ranks.append(len(lay))
        rank = max(ranks, default=0)
        ok = full and any(isinstance(a, Var) and a.name not in numbers and self.names.get(a.name) == (False,) * rank for a in e.args)
        self.used = self.used or ok
        return ok


def _unsums(e: Expr) -> list[Op]:
    """The `unsum(g, t)` calls in `e` that sum over every axis."""
    found: list[Op] = []
    if isinstance(e, Op):
        if e.prim == "unsum_" and len(e.args) == 2 and not e.kwargs:
            found.append(e)
        for a in e.args:
            found += _unsums(a)
    return found


def _without_unsum(e: Expr, env: dict[str, frozenset[str]], mark: Var | None = None) -> Expr | None:
    """`e` with its whole-array `unsum` calls of numbers replaced by the numbers (or by `mark`), if there are any."""
    if isinstance(e, Op) and e.prim == "unsum_" and len(e.args) == 2 and not e.kwargs:
        g = e.args[0]
        if expr_shape(g, env) != SCALAR or _unsums(g):
            return None
        return g if mark is None else mark
    if isinstance(e, Op):
        args = [_without_unsum(a, env, mark) for a in e.args]
        if all(a is None for a in args):
            return None
        return Op(e.prim, tuple(a if a is not None else old for a, old in zip(args, e.args)), e.kwargs)
    return None


def _safe(block: list[Stmt], k: int, first: Assign, env: dict[str, frozenset[str]], arrays: set[str],
          layouts: "_Layouts | None" = None, unsum: Expr | None = None) -> bool:
    """True when replacing `block[k]` by `first` changes no value the rest of the block computes
    (the caller has checked `first` itself)."""
    numbers: dict[str, frozenset[str]] = {}  # names now holding a number, and the shape they stood for
    scalars = _AsNumbers(numbers)  # the same names, each read with the shape of a number
    stood: dict[str, Any] = {}  # ... and the layout of that shape, where the layouts know it
    # (`numbers.keys()` and `scalars` are views, not rebuilt per statement: a long chain of adjoints
    # holding the number made this walk quadratic)
    for s in itertools.chain([first], (block[j] for j in range(k + 1, len(block)))):
        if s is not first and not numbers:
            return True  # no number left for the rest to see (and the walk stays short on long blocks)
        if not isinstance(s, Assign) or not isinstance(s.target, str):
            if any(names_read(e) & numbers.keys() for x in walk_stmts([s]) for e in stmt_exprs(x)):
                return False  # a return, a push, a branch or a loop would see the number
            continue
        y, e = s.target, s.value
        if not names_read(e) & numbers.keys() and s is not first:
            numbers.pop(y, None)
            continue
        if s is not first and not _elementwise_to(e, numbers.keys(), arrays):
            return False
        # (ChainMaps, not copies of env: one statement's check stays independent of the function's size)
        old_shape = env.get(y) if s is first else expr_shape(e, ChainMap(numbers, env))  # type: ignore[arg-type]
        if old_shape is None:
            return False
        new_shape = expr_shape(e, ChainMap(scalars, env))  # type: ignore[arg-type]
        if new_shape == old_shape or (s is not first and layouts is not None and layouts.decides(e, stood)):
            numbers.pop(y, None)  # another operand gives the result its shape: the values are the same
            stood.pop(y, None)
        else:
            numbers[y] = old_shape  # a number standing for an array of this shape
            stood[y] = _stood_layout(s is first, unsum, e, stood, layouts)
    return True


class _AsNumbers(Mapping):
    """The names of `numbers`, each with the shape of a number (a view: it follows `numbers`)."""

    def __init__(self, numbers: dict[str, frozenset[str]]) -> None:
        self.numbers = numbers

    def __getitem__(self, name: str) -> frozenset[str]:
        if name in self.numbers:
            return SCALAR
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.numbers)

    def __len__(self) -> int:
        return len(self.numbers)


def _stood_layout(first: bool, unsum: Expr | None, e: Expr, stood: dict[str, Any], layouts: "_Layouts | None") -> Any:
    """The layout of the array a number stands for: `t`'s in `unsum(g, t)`; else its source's, through copies."""
    if layouts is None:
        return None
    if first:
        spread = _unsums(unsum)[0] if unsum is not None and _unsums(unsum) else None
        x = spread.args[1] if spread is not None else None
        return layouts.names.get(x.name) if isinstance(x, Var) and isinstance(unsum, Op) and unsum.prim == "unsum_" else None
    return stood.get(e.name) if isinstance(e, Var) else None


def _elementwise_to(e: Expr, numbers: AbstractSet[str], arrays: set[str]) -> bool:
    """True when every call between the root of `e` and each name in `numbers` it reads is
    elementwise arithmetic, and every other operand of those calls is an array or a number."""
    if isinstance(e, Var) and e.name in numbers:
        return True
    if not names_read(e) & numbers:
        return _numeric(e, arrays)
    if isinstance(e, Op):
        prim = registry.PRIMS.get(e.prim)
        if prim is None or prim.shape != "elementwise" or any(names_read(v) & numbers for _, v in e.kwargs):
            return False
        return all(_elementwise_to(a, numbers, arrays) for a in e.args)
    return False


def _numeric(e: Expr, arrays: set[str]) -> bool:
    """True for a value that is certainly an array or a number, never a list (`2.0 * [1, 2]` fails).

    Parameters may be lists (s2sad accepts lists as arrays), so a name counts only
    when each of its assignments is elementwise arithmetic, whose result is an array or a number,
    or when it is a parameter the forward sweep already used as no list could be (`_not_sequences`).
    """
    if isinstance(e, Const):
        return isinstance(e.value, (int, float)) and not isinstance(e.value, bool)
    if isinstance(e, Var):
        return e.name in arrays
    if isinstance(e, Op):
        prim = registry.PRIMS.get(e.prim)
        if prim is None or prim.shape not in ("elementwise", "scalar"):
            return False
        if prim.spelling.kind in ("binop", "unary"):  # Python's operators on lists fail or concatenate
            return all(_numeric(a, arrays) for a in e.args)
        return True  # a NumPy function: an array or a number whatever its arguments
    return False


def _arrays(fn: Function) -> set[str]:
    """Names whose every assignment is elementwise arithmetic (so each holds an array or a number)."""
    ok: dict[str, bool] = {}
    for s in walk_stmts(fn.body):
        for t in s.targets if isinstance(s, Assign) else ():
            prim = registry.PRIMS.get(s.value.prim) if isinstance(s.value, Op) and isinstance(s.target, str) else None
            ok[t] = ok.get(t, True) and prim is not None and prim.shape == "elementwise"
        if not isinstance(s, Assign) and hasattr(s, "target"):
            for t in s.target if isinstance(s.target, tuple) else (s.target,):  # type: ignore[union-attr]
                ok[t] = False
    return {t for t, good in ok.items() if good}


def _not_sequences(fn: Function, split: int) -> set[str]:
    """Parameters the forward sweep has already combined as no list or tuple could be: `x ** 2`, `-x`,
    `x - 1.0`, `x * 2.0`, `x * x` raise TypeError on a list (`x * 2` and `x + x` do not: they repeat and join).

    Only top-level statements before the backward sweep count (they have run by then), and only
    parameters the function never re-binds.
    """
    binds, _ = name_counts(fn.body)
    params = {p.name for p in fn.params if not binds[p.name]}
    out: set[str] = set()
    for s in fn.body[:split]:
        e = s.value if isinstance(s, Assign) else None
        if not isinstance(e, Op) or e.kwargs or e.prim not in registry.PRIMS:
            continue
        kind = registry.PRIMS[e.prim].spelling.kind
        if kind == "unary" and len(e.args) == 1 and isinstance(e.args[0], Var):
            out.add(e.args[0].name)
        elif kind == "binop" and len(e.args) == 2:
            for x, other in ((e.args[0], e.args[1]), (e.args[1], e.args[0])):
                if isinstance(x, Var) and _fails_on_a_sequence(e.prim, x, other):
                    out.add(x.name)
    return out & params


def _fails_on_a_sequence(prim: str, x: Var, other: Expr) -> bool:
    """True when `x <prim> other` (either order) raises TypeError for a list or tuple x."""
    if other == x:
        return prim != "add"  # x + x joins; x * x, x - x, x / x, x ** x raise
    if isinstance(other, Const) and type(other.value) in (int, float):
        # A number: a sequence times an int repeats; every other operator with a number raises.
        return not (prim == "multiply" and type(other.value) is int)
    return False
