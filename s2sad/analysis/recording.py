"""To-be-recorded analysis (Tapenade's term): which values the adjoint's forward sweep must keep.

Input: the primal statements of an adjoint and, per statement, the names its adjoint
reads (`Reverse.reads`). Output: ids of the assignments whose overwritten value an
earlier adjoint reads (`saved`: pushed before the store, popped after its adjoint),
views `t = a[i]` the store `a[i] = ...` would change under the backward sweep
(`views_to_copy`: taken as copies), and names first bound inside a loop
(`first_in_loops`: initialised before it, so the first push has a value).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from ..ir import Assign, Const, For, If, Op, Stmt, Tup, Var, While, names_read, stmt_exprs, walk_stmts
from ..primitives import registry


def saved(body: list[Stmt], params: set[str], reads: dict[int, set[str]], counters: set[str]) -> set[int]:
    """Ids of assignments whose overwritten value some earlier adjoint reads (`reads`: statement -> names
    its adjoint reads; `counters`: trip counters, whose increments need no saving)."""
    order: list[tuple[Stmt, tuple[int, ...]]] = []
    defined_before: dict[int, set[str]] = {}
    seen = set(params)

    def walk(stmts: list[Stmt], loops: tuple[int, ...]) -> None:
        for s in stmts:
            order.append((s, loops))
            if isinstance(s, Assign):
                # Only its own targets matter (`_overwrites`): a copy of all of `seen` per statement was quadratic.
                defined_before[id(s)] = {t for t in s.targets if t in seen}
                seen.update(s.targets)
            elif isinstance(s, If):
                # The branches exclude each other: neither defines names for the other.
                before = set(seen)
                walk(s.body, loops)
                after_body = set(seen)
                seen.clear()
                seen.update(before)
                walk(s.orelse, loops)
                seen.update(after_body)
            elif isinstance(s, (For, While)):
                if isinstance(s, For) and isinstance(s.target, str):
                    seen.add(s.target)
                walk(s.body, loops + (id(s),))
                order.append((_Header(s), loops))  # the backward loop header reads at the loop's end

    walk(body, ())
    result: set[int] = set()
    for pos, (s, loops) in enumerate(order):
        if not isinstance(s, Assign) or not _overwrites(s, loops, defined_before[id(s)]):
            continue
        if s.value == Var(s.target):  # type: ignore[arg-type]
            continue  # `x = x` leaves x's value as it was: nothing to restore
        if s.targets[0] in counters and s.value != Const(0):
            continue  # a trip counter's increments: only its final value is read
        needed: set[str] = set()
        for pos2, (x, loops2) in enumerate(order):
            # x runs before s: earlier in the text, or in an earlier iteration of a shared loop.
            if pos2 < pos or set(loops) & set(loops2):
                if isinstance(x, _Header):
                    needed |= reads.get(id(x.loop), set())
                elif not isinstance(x, (For, While)):
                    needed |= reads.get(id(x), set())
        if set(s.targets) & needed:
            result.add(id(s))
    return result

def views_to_copy(primal: list[Stmt], reads: dict[int, set[str]], params: AbstractSet[str] = frozenset()) -> dict[int, str]:
    """`t = a[i]` statements whose result the backward sweep reads after `a[i] = ...` changed it, and `t = a`.

    Basic indexing gives a view: `v0[0] *= x` lowers to `t2 = v0[0]; t3 = t2 * x; v0[0] = t3`, and
    the store changes t2 too, which the adjoint of `t2 * x` reads. So does a plain alias, such as the
    arms of `x1[:2] *= x1 if c else x1` (`t2 = x1` in each), and so does a store after the loop whose
    body took the view (`t4 = v0[1]` in a loop, `v0[1] = v2` after it). Where the primal reads the view
    only right after taking it (straight-line, before any store in its block), the view is taken as a
    copy; a view the user's code reads after the store is Python's aliasing, which s2sad does not
    follow (see the README).

    Returns statement id -> the copying primitive: `copy_` (`.copy()`) for arrays, `copy_copy`
    (`copy.copy`) for an item of a list, or an alias of a parameter (`params`) or of a name bound more
    than once (a parameter counts as bound by the call), any of which may be a float that has no `.copy()`.
    """
    read = set().union(*reads.values()) if reads else set()
    readers: Counter[str] = Counter()  # name -> how many primal statements read it
    for x in walk_stmts(primal):
        readers.update(set().union(*(names_read(e) for e in stmt_exprs(x))))
    copies: dict[int, str] = {}
    binds = Counter(t for x in walk_stmts(primal) if isinstance(x, Assign) and not (isinstance(x.value, Op) and registry.declared(x.value.prim, "in_place"))
                    for t in x.targets)  # (an in-place store keeps the array)
    binds.update(params)  # a parameter is bound once by the call (and may be a float)
    stored = {s.targets[0] for s in walk_stmts(primal) if isinstance(s, Assign) and isinstance(s.value, Op) and s.value.prim == "setitem"}
    lists = {s.target for s in walk_stmts(primal) if isinstance(s, Assign) and isinstance(s.target, str)
             and (isinstance(s.value, Tup) and s.value.kind == "list" or isinstance(s.value, Op) and s.value.prim == "builtin_list")}

    def alias(s: Stmt) -> str | None:
        """`a` for `t = a[index]` (a view of a), when the backward sweep reads t, or `t = a` (a itself)."""
        if not (isinstance(s, Assign) and isinstance(s.target, str)):
            return None
        v = s.value
        if isinstance(v, Var):
            # Copied even when the backward sweep does not read t: s2sad refuses an in-place update of
            # an array with two names, so `t = a` before `a[i] = ...` would stop the generated code
            # from being differentiated again (a Hessian through `x1[:2] += x1 if c else e`).
            return v.name
        if s.target in read and isinstance(v, Op) and v.prim == "getitem" and isinstance(v.args[0], Var):
            return v.args[0].name
        return None

    def block(stmts: list[Stmt]) -> None:
        for k, s in enumerate(stmts):
            for inner in (getattr(s, "body", None), getattr(s, "orelse", None)):
                if inner:
                    block(inner)
            # The alias itself, or one made in each arm of an if (`x1 if c else x1` lowers so).
            made = [s] if isinstance(s, Assign) else [x for x in s.body + s.orelse if isinstance(x, Assign)] if isinstance(s, If) else []
            for x in made:
                if isinstance(x.value, Var) and x.target in stored and x.value.name in read:
                    # `y = z` handing z's array to y (ownership.plan_moves) before a store into y, while
                    # the backward sweep reads z (`ans` of inv, say): the store must not reach z's array.
                    loose = x.value.name in lists or binds[x.value.name] > 1 or x.value.name in params
                    copies[id(x)] = "copy_copy" if loose else "copy_"
                    continue
                a = alias(x)
                if a is None or a not in stored:
                    continue
                t = x.target
                store = next((j for j in range(k + 1, len(stmts)) if isinstance(stmts[j], Assign) and stmts[j].targets == (a,)
                              and isinstance(stmts[j].value, Op) and stmts[j].value.prim == "setitem"), None)
                # Straight-line statements between the alias and the store (or the block's end: the store
                # comes after the loop), which are all of the alias's readers.
                between = stmts[k + 1:store] if store is not None else stmts[k + 1:]
                # (the store itself may read t: `buf0[:2] = t2` after `t2 = buf0`, NumPy copying the overlap)
                by_store = store is not None and isinstance(x.value, Var) and t in names_read(stmts[store].value)
                # Every reader of t runs before the store (an `if` in between counts: `x1 if c else x1` twice),
                # and nothing in between stores into a: then t taken as a copy reads as the alias did.
                nested = list(walk_stmts(between))
                stores_a = any(isinstance(y, Assign) and y.targets == (a,) and isinstance(y.value, Op) and y.value.prim == "setitem"
                               for y in nested)
                if not stores_a and sum(any(t in names_read(e) for e in stmt_exprs(y)) for y in nested) + by_store == readers[t]:
                    # An item of a list, or a name that other bindings may leave holding a float (the
                    # swap `x0, buf0 = buf0, x0`), is copied with copy.copy: a float has no .copy().
                    loose = a in lists and isinstance(x.value, Op) or isinstance(x.value, Var) and binds[a] > 1
                    copies[id(x)] = "copy_copy" if loose else "copy_"

    block(primal)
    return copies

def _overwrites(s: Assign, loops: tuple[int, ...], before: set[str]) -> bool:
    in_place = isinstance(s.value, Op) and registry.declared(s.value.prim, "in_place")
    return in_place or bool(loops) or bool(set(s.targets) & before)

# -- forward sweep -------------------------------------------------------------------


@dataclass
class _Header:
    """Stands for a loop header, which the backward sweep evaluates at the loop's end."""

    loop: Stmt


def first_in_loops(body: list[Stmt], params: set[str]) -> set[str]:
    """Names whose first assignment is inside a loop (undefined when the loop starts)."""
    seen = set(params)
    first: set[str] = set()

    def walk(stmts: list[Stmt], in_loop: bool) -> None:
        for s in stmts:
            if isinstance(s, Assign):
                for t in s.targets:
                    if t not in seen and in_loop:
                        first.add(t)
                    seen.add(t)
            elif isinstance(s, If):
                walk(s.body, in_loop)
                walk(s.orelse, in_loop)
            elif isinstance(s, (For, While)):
                if isinstance(s, For) and isinstance(s.target, str):
                    seen.add(s.target)
                walk(s.body, True)

    walk(body, False)
    return first
