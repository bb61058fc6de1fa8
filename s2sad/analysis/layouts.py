"""Layout facts: each array's rank, and which of its axes have length one.

NumPy's broadcasting depends on nothing else. Two rank-2 arrays with no axis of
length one can be added only if their shapes are equal, so in the recurrent net
`t7 = t3 + t5 + b` the adjoint of `t3` needs no `unbroadcast`, and `b`'s is a
plain sum over the batch axis. Knowing the ranks also says which case of a
matrix product's adjoint applies (`g @ W.T`, not `matmul_adjoint_a(g, h, W)`):

    # the arguments' layouts unknown                # known (what s2sad.grad runs)
    t6 = t3 + t5                                    t7_bar = h_bar * (1 - h ** 2)
    t6_bar = unbroadcast(t7_bar, t6)                b_bar += t7_bar.sum(axis=0)
    b_bar += unbroadcast(t7_bar, b)                 U_bar += t4.T @ t7_bar
    t3_bar = unbroadcast(t6_bar, t3)                h_bar = t7_bar @ W.T
    h_bar = matmul_adjoint_a(t3_bar, h, W)          W_bar += h.T @ t7_bar

The backward sweep then no longer reads `t3`, `t5` or `t6`, so the forward sweep
stops recording them.

Input: a lowered function, its shape sets (`shapes.infer`) and the layouts of its
array parameters, read from the arguments of a call (`of_value`). Output: `Facts`,
a shape oracle for the simplifier that also knows every shape atom's layout, and
`refine`, with which the simplifier rewrites `unbroadcast` and the product
adjoints when the layouts decide them. Code specialised this way is right for
every call whose arrays have the same ranks and the same axes of length one:
that is the key `s2sad.grad` caches it under.

A layout is a tuple with one entry per axis: True (length one), False (any other
length, zero included) or None (not known); a layout of None has an unknown rank.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Optional

import numpy as np

from ..primitives import registry
from ..ir import Assign, Const, Expr, For, Function, Op, Slice, Tup, Var, names_read, walk_stmts
from .shapes import expr_shape

Layout = Optional[tuple]
Layouts = frozenset  # of (parameter name, layout) pairs: part of a derivative's cache key
UNSEEN = object()  # a loop-carried value before the walk has reached its binding


def of_value(a: Any) -> Layout:
    """The layout of an argument: known for arrays and numbers."""
    if isinstance(a, np.ndarray):
        return tuple(d == 1 for d in a.shape)
    return () if isinstance(a, (int, float, np.number)) else None


def broadcast(layouts: Iterable[Any]) -> Layout:
    """The layout of the broadcast of arrays with these layouts (which NumPy accepted)."""
    ls = list(layouts)
    if any(lay is None for lay in ls):
        return None
    rank = max((len(lay) for lay in ls), default=0)
    out = []
    for i in range(rank):
        states = [lay[i - rank + len(lay)] for lay in ls if i - rank + len(lay) >= 0]
        # A length other than one wins: every other operand has it or length one.
        out.append(False if False in states else True if all(s is True for s in states) else None)
    return tuple(out)


def _join(a: Layout, b: Layout) -> Layout:
    """What is true of a name bound to values of both layouts."""
    if a is None or b is None or len(a) != len(b):
        return None
    return tuple(x if x == y else None for x, y in zip(a, b))


class Facts:
    """A shape oracle (`shapes.shape_fn`'s shape sets) that also knows each atom's layout."""

    def __init__(self, env: dict[str, frozenset[str]], atoms: dict[str, Layout], names: dict[str, Layout]) -> None:
        self.env, self.atoms, self.names = env, atoms, names
        self.used = False  # whether a rewrite relied on the layouts (the generated docstring then says so)

    def arrays(self) -> frozenset[str]:
        """Names that hold NumPy arrays: a known rank of one or more comes only from the array arguments."""
        return frozenset(n for n, lay in self.names.items() if lay)

    def __call__(self, e: Expr) -> frozenset[str]:
        return expr_shape(e, self.env)

    def layout(self, atoms: frozenset[str]) -> Layout:
        """The layout of the broadcast of these shape atoms."""
        return broadcast(self.atoms.get(a) for a in atoms)


def facts(fn: Function, env: dict[str, frozenset[str]], params: dict[str, Layout]) -> Facts:
    """`Facts` for the shape sets `env` of `fn`, whose parameters have the layouts `params`."""
    names = _infer(fn, params)
    atoms: dict[str, Layout] = {}
    for shape in env.values():
        for a in shape:
            atoms[a] = names.get(a[1:]) if a.startswith("?") else params.get(a)
    return Facts(env, atoms, names)


def _infer(fn: Function, params: dict[str, Layout]) -> dict[str, Layout]:
    """A layout for every name of `fn`: the join over its bindings, to a fixed point through loops.

    Each round evaluates the bindings with what the round before knew, so a chain of n bindings takes n
    rounds; only a binding that reads a name whose layout changed in the last round is evaluated again
    (its value would be the same otherwise). With no fixed point within 40 rounds more than there are
    bindings, or within `_EVALUATIONS` per binding, nothing is known."""
    counters = _counters(fn)
    sites = _sites(fn)
    readers: dict[str, list[int]] = {}
    by_target: dict[str, list[int]] = {}
    for k, (target, reads, _) in enumerate(sites):
        by_target.setdefault(target, []).append(k)
        for n in reads:
            readers.setdefault(n, []).append(k)
    known: dict[str, Any] = dict(params)
    values: list[Any] = [UNSEEN] * len(sites)  # UNSEEN: the binding is skipped this round
    strict = False  # first a value not seen yet is skipped (a loop-carried one); at the end it is unknown
    todo: Iterable[int] = range(len(sites))
    budget = _EVALUATIONS * (len(sites) + 1)
    for _ in range(40 + len(sites)):
        touched: dict[str, None] = {}
        for k in todo:
            value = _site_layout(sites[k][2], known, counters)
            if value is UNSEEN and strict:
                value = None  # it reads a global, or a name nothing binds: nothing is known
            if value is not values[k]:
                values[k] = value
                touched[sites[k][0]] = None
            budget -= 1
        if budget < 0:
            break
        changed: dict[str, Any] = {}
        for t in touched:
            seen = [values[k] for k in by_target[t] if values[k] is not UNSEEN]
            joined: Any = params[t] if t in params else seen[0] if seen else UNSEEN  # UNSEEN: not bound yet
            for v in seen:
                joined = _join(joined, v)
            if joined != known.get(t, UNSEEN):
                changed[t] = joined
        for t, joined in changed.items():  # (after every evaluation: each read what the last round knew)
            if joined is UNSEEN:
                known.pop(t, None)
            else:
                known[t] = joined
        if not changed:
            if strict:
                return known
            strict = True
            todo = [k for k, v in enumerate(values) if v is UNSEEN]
        else:
            todo = sorted({k for t in changed for k in readers.get(t, ())})
    return {}  # no fixed point: know nothing


_EVALUATIONS = 50  # evaluations per binding before `_infer` gives up (a loop whose layouts never settle)


def _sites(fn: Function) -> list[tuple[str, frozenset[str], Any]]:
    """Each binding of `fn` in order: its target, the names its layout reads, and what `_site_layout` takes."""
    out: list[tuple[str, frozenset[str], Any]] = []
    for s in walk_stmts(fn.body):
        if isinstance(s, Assign):
            if isinstance(s.target, str):
                out.append((s.target, frozenset(names_read(s.value)), ("value", s.value)))
            else:
                out += [(t, frozenset(), ("none",)) for t in s.targets]
        elif isinstance(s, For):
            reads = frozenset([s.iter.name]) if isinstance(s.iter, Var) else frozenset()
            out += [(t, reads, ("row", s.iter, len(s.targets))) for t in s.targets]
    return out


def _site_layout(site: tuple, known: dict[str, Any], counters: set[str]) -> Any:
    """The layout one binding gives its target (`_sites`), UNSEEN while an operand has none yet."""
    if site[0] == "value":
        return expr_layout(site[1], known, counters)
    if site[0] == "none":
        return None
    _, it, count = site
    lay = None if not isinstance(it, Var) else known.get(it.name)
    row = () if _is_range(it) else lay[1:] if isinstance(lay, tuple) and lay else None
    return row if count == 1 else None


def _counters(fn: Function) -> set[str]:
    """Loop counters of `range`: ints (an index that drops an axis), unless the name is bound elsewhere too."""
    bound = Counter(t for s in walk_stmts(fn.body) if isinstance(s, (Assign, For)) for t in s.targets)
    return {t for s in walk_stmts(fn.body) if isinstance(s, For) and _is_range(s.iter) for t in s.targets if bound[t] == 1}


def numbers_from_items(fn: Function, params: dict[str, Layout]) -> frozenset[str]:
    """Names every binding of which is `A[i]` (or `A[i, j]`...) indexing an array of known rank down to a
    number: NumPy copies such an item out, so it is never a view of `A` (`aliasing.py` drops their checks)."""
    known, counters = _infer(fn, params), _counters(fn)
    items: set[str] = set()
    others: set[str] = set(params)
    for s in walk_stmts(fn.body):
        if isinstance(s, Assign) and isinstance(s.target, str):
            v = s.value
            base = known.get(v.args[0].name) if isinstance(v, Op) and v.prim == "getitem" and len(v.args) == 2 and isinstance(v.args[0], Var) else None
            if isinstance(base, tuple) and base and _indexed(base, v.args[1], counters) == ():  # type: ignore[union-attr]
                items.add(s.target)
                continue
        if isinstance(s, (Assign, For)):
            others.update(s.targets)
    return frozenset(items - others)


def _is_range(e: Expr) -> bool:
    return isinstance(e, Op) and e.prim in ("range", "reversed")


def expr_layout(e: Expr, known: dict[str, Any], counters: set[str]) -> Any:
    """The layout of an expression, `UNSEEN` while an operand has none yet (`passes/reuse.py` reads it too)."""
    if isinstance(e, Var):
        return known.get(e.name, UNSEEN)
    if isinstance(e, Const):
        return () if isinstance(e.value, (int, float)) else None
    if not isinstance(e, Op):
        return None
    prim = registry.PRIMS[e.prim]
    if prim.shape == "scalar":
        return ()
    if prim.shape == "elementwise":
        if any(not isinstance(v, Const) for _, v in e.kwargs):
            return None  # an operand given by keyword: not followed
        args = [expr_layout(a, known, counters) for a in e.args]
        return UNSEEN if UNSEEN in args else broadcast(args)
    if not e.args:
        return None
    x = expr_layout(e.args[0], known, counters)
    if x is UNSEEN or x is None:
        return x
    if prim.shape == "like_first":
        return x
    if e.prim in ("unsum_", "unbroadcast_") and len(e.args) >= 2:
        return expr_layout(e.args[1], known, counters)  # an adjoint spread or summed to the shape of its second argument
    if prim.shape == "reduce":
        prim.load()
        if "axis" not in prim.params:
            return None
        return _reduced(x, _arg(prim, e, prim.params.index("axis")),
                        _arg(prim, e, prim.params.index("keepdims")) if "keepdims" in prim.params else None)
    if e.prim in ("matmul", "dot") and len(e.args) == 2:
        y = expr_layout(e.args[1], known, counters)
        return y if y is UNSEEN else _product(x, y, e.prim == "dot")
    if e.prim == "T" or (e.prim == "transpose" and _arg(prim, e, 1) in (None, Const(None))):
        return x[::-1]
    if e.prim == "getitem" and len(e.args) == 2:
        return () if x == () else _indexed(x, e.args[1], counters)  # an item of a number-like value: `x.shape[0]`
    return None


def _arg(prim: registry.Primitive, e: Op, i: int) -> Expr | None:
    """Argument `i` of a call, given by position or by keyword; None when it takes its default."""
    if i < len(e.args):
        return e.args[i]
    prim.load()
    name = prim.params[i] if i < len(prim.params) else None
    return dict(e.kwargs).get(name) if name else None


def _reduced(x: tuple, axis: Expr | None, keepdims: Expr | None) -> Layout:
    keep = keepdims is not None and keepdims != Const(False)
    if keep and keepdims != Const(True):
        return None
    if axis is None or axis == Const(None):
        return tuple(True for _ in x) if keep else ()
    if not isinstance(axis, Const):
        return None
    axes = axis.value if isinstance(axis.value, tuple) else (axis.value,)
    if not all(type(a) is int and -len(x) <= a < len(x) for a in axes):
        return None
    axes = tuple(a % len(x) for a in axes)
    if keep:
        return tuple(True if i in axes else s for i, s in enumerate(x))
    return tuple(s for i, s in enumerate(x) if i not in axes)


def _product(a: tuple, b: tuple, dot: bool) -> Layout:
    """The layout of `a @ b` (or `np.dot(a, b)`, which multiplies when either is a number)."""
    if not a or not b:
        return broadcast([a, b]) if dot else None
    if dot and (len(a) > 2 or len(b) > 2):
        return None  # np.dot of stacks is not matmul's broadcast
    if len(a) == 1 and len(b) == 1:
        return ()
    if len(a) == 1:
        return b[:-2] + b[-1:]
    if len(b) == 1:
        return a[:-1]
    batch = broadcast([a[:-2], b[:-2]])
    return None if batch is None else batch + (a[-2], b[-1])


def _indexed(x: tuple, index: Expr, counters: set[str]) -> Layout:
    """The layout of `x[index]` for integer, whole-axis and `None` indices; None otherwise."""
    parts = index.elts if isinstance(index, Tup) and index.kind == "tuple" else (index,)
    out: list[Any] = []
    axis = 0
    for p in parts:
        if (isinstance(p, Const) and type(p.value) is int) or (isinstance(p, Var) and p.name in counters):
            axis += 1  # an integer drops its axis
        elif _whole(p):
            if axis >= len(x):
                return None
            out.append(x[axis])
            axis += 1
        elif p == Const(None):
            out.append(True)  # np.newaxis
        else:
            return None  # a slice can leave one element; an array index, Ellipsis: not followed
    return None if axis > len(x) else tuple(out) + x[axis:]


def _whole(p: Expr) -> bool:
    if isinstance(p, Const) and isinstance(p.value, slice):
        return p.value == slice(None)
    return isinstance(p, Slice) and p.lower is None and p.upper is None and p.step is None


# -- the rewrites ------------------------------------------------------------------------


def describe(params: dict[str, Layout]) -> str:
    """The sentence a specialised program's docstring carries: which arrays it is right for."""
    shapes = ", ".join(f"{n} ({', '.join('1' if one else '*' for one in lay)}{',' if len(lay) == 1 else ''})"
                       for n, lay in params.items() if lay)
    return f"Specialised to arrays shaped {shapes}, where * is any length but one."


def refine(prim: str, args: tuple[Expr, ...], facts: Facts) -> Expr | None:
    """`unbroadcast(g, v)` or a product's adjoint written out, when the layouts decide it; else None.
    The primitives handled here declare `layout_refined` (`s2sad.rules.core`), which the simplifier reads."""
    out = _refine(prim, args, facts)
    facts.used = facts.used or out is not None
    return out


def _refine(prim: str, args: tuple[Expr, ...], facts: Facts) -> Expr | None:
    if prim in ("unbroadcast", "unbroadcast_") and len(args) == 2:
        return _unbroadcast(args[0], args[1], facts)
    if len(args) != 3:
        return None
    g, a, b = args
    la, lb = facts.layout(facts(a)), facts.layout(facts(b))
    if la is None or lb is None:
        return None
    if prim in ("dot_adjoint_a_", "dot_adjoint_b_") and not (len(la) >= 2 and len(lb) >= 3):
        matmul = "matmul_adjoint_a_" if prim == "dot_adjoint_a_" else "matmul_adjoint_b_"  # np.dot is `@` here
        return _refine(matmul, args, facts) or Op(matmul, args)
    if prim == "matmul_adjoint_a_" and len(lb) == 2 and len(la) in (1, 2):
        return Op("matmul", (g, Op("T", (b,))))  # (n,k) @ (k,m): a_bar = g @ b.T
    if prim == "matmul_adjoint_b_" and len(la) == 2 and len(lb) in (1, 2):
        return Op("matmul", (Op("T", (a,)), g))  # b_bar = a.T @ g
    return None


def _unbroadcast(g: Expr, v: Expr, facts: Facts) -> Expr | None:
    gs, vs = facts(g), facts(v)
    if not vs <= gs:
        return None
    lv, lg = facts.layout(vs), facts.layout(gs)
    extra = [facts.atoms.get(a) for a in gs - vs]
    if lv is None or lg is None or None in extra:
        return None
    lead = len(lg) - len(lv)
    kept = []  # axes of v that broadcasting stretched: summed, keeping their length of one
    for i, state in enumerate(lv):
        others = [lay[i - len(lv) + len(lay)] for lay in extra if i - len(lv) + len(lay) >= 0]
        if state is False or all(s is True for s in others):
            continue  # v's length decides the result's
        if state is True and False in others:
            kept.append(i)
            continue
        return None
    if not lv:
        return Op("sum", (g,))  # v is a number: everything is summed
    # g is an array here (it has axes to sum over): its own `.sum` costs half of `np.sum`'s dispatch.
    out = g
    if lead:
        out = Op("sum_method", (out,), (("axis", Const(0 if lead == 1 else tuple(range(lead)))),))
    if kept:
        axis = Const(kept[0] if len(kept) == 1 else tuple(kept))
        out = Op("sum_method", (out,), (("axis", axis), ("keepdims", Const(True))))
    return out
