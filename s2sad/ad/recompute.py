"""Recompute instead of store: cheap values a loop overwrites are computed again, not saved.

Tapenade's to-be-recorded analysis in one pass. Without it, every value that a
loop iteration overwrites and some adjoint reads is pushed on the stack each
iteration and popped back in the backward sweep. For a cheap value whose
inputs the backward sweep has at hand anyway, computing it again is as fast
or faster and keeps the stack small:

    # before                              # after
    for i in range(100):                  for i in range(100):
        stack.append(t1)                      t1 = math.sin(x)
        t1 = math.sin(x)                      t2 = t1 * x
        t2 = t1 * x                           stack.append(x)
        stack.append(x)                       x = t2 + 0.5
        x = t2 + 0.5                      ...
    ...                                   for i in reversed(range(100)):
    for i in reversed(range(100)):            t2_bar = x_bar
        t2_bar = x_bar                        x = stack.pop()
        x = stack.pop()                       t1 = math.sin(x)
        t1_bar = t2_bar * x                   t1_bar = t2_bar * x
        x_bar = t1 * t2_bar                   x_bar = t1 * t2_bar
        x_bar = x_bar + t1_bar * math.cos(x)  x_bar = x_bar + t1_bar * math.cos(x)
        t1 = stack.pop()

Input: the reverse generator's state once its backward sweep is built -- the
primal statements, the backward sweep with its restore markers, the primal
names each adjoint statement reads (`Reverse.reads`), and the ids of the
assignments the forward sweep saves; and the policy (`POLICIES`), which the
pass manager (`passes/manager.py`) gives the reverse generator from `s2sad.optimize`. Output: the ids still saved, after the
recomputed ones are dropped; each recomputed `t = f(a, b)` is copied into the
backward sweep right before the adjoint of the last statement of its loop body
that reads `t`, and that statement is recorded as reading `a` and `b`, so the
save analysis restores them there (it usually does already).

A value is recomputed when all of these hold: it is assigned once in the whole
function, directly in a loop body, by one elementwise primitive or an index
(`math.sin(x)`, `a * b`, `xs[t]`) that does not read its own target or another
recomputed value; every adjoint statement reading it is a later plain
assignment of the same loop body (or follows the loop, when the loop is not
nested); no statement between it and its last reader assigns one of its
inputs; and no input is the variable of a loop whose backward sweep cannot
replay it. Anything else is stored as before.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..primitives import registry
from ..ir import Assign, Const, For, If, Op, Slice, Stmt, Tup, Var, While, names_read, walk_stmts

#: "balanced" (the default): numbers only where that is faster than saving (scalar
#: arithmetic and `math` functions), arrays whenever the value is one elementwise primitive --
#: what a person writing the gradient by hand does, keeping one array per step instead of two;
#: "fast": only where that is faster than saving, so arrays are kept (more memory, less arithmetic);
#: "memory": every cheap value, indexes and NumPy calls on numbers too; "off": save everything.
POLICIES = ("balanced", "fast", "memory", "off")


def cheap(value: Any) -> bool:
    """True for one elementwise primitive or an index, applied to names and constants."""
    if not isinstance(value, Op) or value.kwargs:
        return False
    prim = registry.PRIMS.get(value.prim)
    if prim is None or prim.user_fn is not None or prim.nondiff:
        return False
    if not (prim.elementwise or prim.shape in ("elementwise", "scalar") or prim.cheap):
        return False
    return all(_atom(a) for a in value.args)


def faster(value: Op, scalar: bool) -> bool:
    """True where evaluating `value` again costs less than a push and a pop (about 0.1-0.2 µs).

    Measured on CPython 3.11: Python arithmetic on floats (~30 ns) and `math`
    functions (~70 ns) are cheaper than `stack.append(t); t = stack.pop()`
    (~130-220 ns); a NumPy function on a scalar (~270 ns), an index (~150 ns)
    or anything on an array (O(n)) is not.
    """
    sp = registry.PRIMS[value.prim].spelling
    return scalar and (sp.kind in ("binop", "unary") or (sp.kind == "call" and (sp.path or "").startswith("math.")))


def _atom(e: Any) -> bool:
    if isinstance(e, (Var, Const)):
        return True
    if isinstance(e, Slice):
        return all(x is None or isinstance(x, (Var, Const)) for x in (e.lower, e.upper, e.step))
    if isinstance(e, Tup):
        return all(_atom(x) for x in e.elts)
    return False


@dataclass
class Restore:
    """The reverse generator's placeholder after an adjoint: becomes `x = stack.pop()` if x was saved
    (`reverse.py` puts them in its backward sweep; `apply` inserts recomputations next to them)."""

    stmt: Assign


def _loops(body: list[Stmt], enclosing: tuple[Stmt, ...], out: dict[int, tuple[list[Stmt], tuple[Stmt, ...]]]) -> None:
    """For every statement: the block it sits in and the loops around it, innermost last."""
    for s in body:
        out[id(s)] = (body, enclosing)
        if isinstance(s, If):
            _loops(s.body, enclosing, out)
            _loops(s.orelse, enclosing, out)
        elif isinstance(s, (For, While)):
            _loops(s.body, enclosing + (s,), out)


def apply(rev: Any, primal: list[Stmt], backward: list, saved: set[int], policy: str = "balanced") -> set[int]:
    """The saved ids once cheap values are recomputed; inserts the recomputations into `backward`.

    `rev` is the reverse generator (`reverse.Reverse`): its `low`, `shape`, `reads`, `loops`, `primal_names`
    and `saved` are read."""
    if policy not in POLICIES:
        raise ValueError(f"recompute must be one of {POLICIES}, not {policy!r}")
    if policy == "off" or not saved:
        return saved
    where: dict[int, tuple[list[Stmt], tuple[Stmt, ...]]] = {}
    _loops(primal, (), where)
    stmts = {id(s): s for s in walk_stmts(primal)}
    assigned: dict[str, int] = {}
    for s in walk_stmts(primal):
        names = s.targets if isinstance(s, Assign) else (s.target if isinstance(s.target, tuple) else (s.target,)) if isinstance(s, For) else ()
        for n in names:
            assigned[n] = assigned.get(n, 0) + 1
    returned = names_read(rev.low.fn.body[-1].value) if rev.low.fn.body else set()

    plans: list[tuple[Assign, list[Stmt], int, int]] = []  # (statement, loop body, its index, last reader's index)
    for sid in saved:
        s = stmts.get(sid)
        if not isinstance(s, Assign) or not isinstance(s.target, str) or not cheap(s.value):
            continue
        scalar = not rev.shape(Var(s.target))
        if policy == "fast" and not faster(s.value, scalar):  # type: ignore[arg-type]
            continue
        if policy == "balanced" and not (faster(s.value, True) if scalar else not registry.PRIMS[s.value.prim].cheap):  # type: ignore[arg-type]
            continue  # an index of an array is a view: keeping it costs no array's worth of memory
        t, args = s.target, names_read(s.value)
        body, loops = where[sid]
        if not loops or body is not loops[-1].body or t in args or t in returned or assigned.get(t) != 1:
            continue
        if any(not _replayable(rev, loop, args) for loop in loops):
            continue
        i = next(k for k, x in enumerate(body) if x is s)
        last = _last_reader(rev, t, body, i, loops, primal, stmts)
        if last is None:
            continue
        between = body[i + 1:last + 1]
        if any(not isinstance(x, Assign) or set(x.targets) & args for x in between):
            continue
        if last + 1 < len(body) and not isinstance(body[last + 1], Assign):
            continue
        plans.append((s, body, i, last))
    targets = {s.target for s, *_ in plans}
    plans = [p for p in plans if not names_read(p[0].value) & targets]
    inserts: list[tuple[list, int, Assign, Assign, Stmt]] = []
    for s, body, _, last in plans:
        if last + 1 < len(body):
            block, k = _find_restore(backward, body[last + 1], Restore)
            k += 1
        else:  # the last reader ends the body: its adjoint starts the backward body
            block, k = _find_restore(backward, body[last], Restore)
            k = 0
            while block is not None and k < len(block) and _is_target_pop(block[k]):
                k += 1
        if block is not None:
            inserts.append((block, k, Assign(s.target, s.value, s.line), s, body[last]))
    if not inserts:
        return saved
    for block, k, stmt, s, reader in sorted(inserts, key=lambda x: -x[1]):
        block.insert(k, stmt)
        rev.reads.setdefault(id(reader), set()).update(names_read(s.value) & rev.primal_names)
    return rev.saved(primal) - {id(s) for *_, s, _ in inserts}


def _replayable(rev: Any, loop: Stmt, args: set[str]) -> bool:
    """False when `args` reads the variable of a loop whose backward sweep does not restore it."""
    if not isinstance(loop, For):
        return True
    names = set(loop.target) if isinstance(loop.target, tuple) else {loop.target}
    if not names & args:
        return True
    info = rev.loops.get(id(loop))
    counted = info is not None and info.counter is not None
    return not counted or bool(info.push_target)


def _last_reader(rev: Any, t: str, body: list[Stmt], i: int, loops: tuple[Stmt, ...], primal: list[Stmt], stmts: dict[int, Stmt]) -> int | None:
    """Index in `body` of the last statement whose adjoint reads `t`, if every reader is allowed."""
    positions = {id(x): k for k, x in enumerate(body)}
    after_loop: set[int] = set()
    if len(loops) == 1 and any(x is loops[0] for x in primal):
        top = next(k for k, x in enumerate(primal) if x is loops[0])
        after_loop = {id(y) for x in primal[top + 1:] for y in walk_stmts([x])}
    last = None
    for sid, names in rev.reads.items():
        if t not in names:
            continue
        if sid in after_loop:
            continue
        k = positions.get(sid)
        if k is None or k <= i or not isinstance(stmts.get(sid), Assign):
            return None
        last = k if last is None else max(last, k)
    return last


def _find_restore(block: list, stmt: Stmt, restore: type) -> tuple[list, int]:
    """The backward-sweep block holding `stmt`'s restore marker, and the marker's index."""
    for k, x in enumerate(block):
        if isinstance(x, restore) and x.stmt is stmt:
            return block, k
        for inner in (getattr(x, "body", None), getattr(x, "orelse", None)):
            if isinstance(inner, list):
                found = _find_restore(inner, stmt, restore)
                if found[0] is not None:
                    return found
    return None, -1  # type: ignore[return-value]


def _is_target_pop(x: Any) -> bool:
    return isinstance(x, Assign) and isinstance(x.value, Op) and x.value.prim == "pop"
