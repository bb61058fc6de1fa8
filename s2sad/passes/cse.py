"""Common-subexpression elimination: a value computed twice is computed once.

    # before                      # after
    t2 = x[:-1]                   t2 = x[:-1]
    t3 = t2 ** 2                  t3 = t2 ** 2
    a = t1 - t3                   a = t1 - t3
    t4 = x[:-1]                   c = 1.0 - t2
    c = 1.0 - t4

The user wrote `x[:-1]` twice (Rosenbrock), and a tangent program repeats it
for the tangents (`t2_dot = x_dot[:-1]`, `t4_dot = x_dot[:-1]`). The second
binding goes and its readers read the first.

Input: a generated program (`ir.Function`; the pipeline runs this on the "grad",
"tangent" and "diagonal" variants, so the lecture-form texts keep the Wengert
list's one line per primitive). Output: the same program with each repeated
assignment `u = e` dropped where an earlier `t = e` in the same block or an
enclosing one computes the same value, and `u` renamed `t`. Only values that
cannot change in between take part: `t`, `u` and every name `e` reads are bound
once in the whole function and never updated in place, and `e` is one primitive
without effects (no stack, no store, nothing that makes a new mutable object
someone may update later).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..primitives import registry
from .context import Context
from ..ir import (
    Assign,
    Const,
    Expr,
    For,
    Function,
    If,
    Op,
    Slice,
    Stmt,
    Tup,
    Var,
    While,
    name_counts,
    names_read,
    substitute,
    substitute_stmt,
    walk_stmts,
)

# A primitive with effects, or whose result is a new object someone may fill in or update later, is never
# merged: the facts `effects` and `allocates` on the primitive (registry.py).


def apply(fn: Function, context: Context | None = None) -> Function:
    """`fn` with each repeated pure assignment replaced by the earlier name."""
    binds, _ = name_counts(fn.body)
    binds.update(p.name for p in fn.params)
    # y = setitem(y, ...) or xs = append(xs, ...): updated in place, so two of them are never one value
    stored = {t for s in walk_stmts(fn.body) if isinstance(s, Assign) and isinstance(s.value, Op)
              and registry.declared(s.value.prim, "effects")
              for t in s.targets}
    stable = {n for n, k in binds.items() if k == 1 and n not in stored}
    renames: dict[str, str] = {}
    body = _block(fn.body, {}, stable, renames)
    if not renames:
        return fn
    mapping: dict[str, Expr] = {old: Var(new) for old, new in renames.items()}
    return replace(fn, body=[substitute_stmt(s, mapping) for s in body])


def _block(body: list[Stmt], seen: dict[Any, tuple[str, set[str]]], stable: set[str], renames: dict[str, str]) -> list[Stmt]:
    seen = dict(seen)  # what this block computes is not available after it
    readers: dict[str, set[Any]] = {}  # name -> the keys of `seen` whose values read it (so a binding finds them at once)
    for key, (_, names) in seen.items():
        for n in names:
            readers.setdefault(n, set()).add(key)
    out: list[Stmt] = []
    for s in body:
        if isinstance(s, If):
            out.append(replace(s, body=_block(s.body, seen, stable, renames), orelse=_block(s.orelse, seen, stable, renames)))
            continue
        if isinstance(s, (For, While)):
            out.append(replace(s, body=_block(s.body, seen, stable, renames)))
            continue
        # Both names must be bound once: a re-bound one (a value the backward sweep computes again,
        # `t5 = y - 1.0`) would take the renaming to its other binding's readers too.
        if isinstance(s, Assign) and isinstance(s.target, str) and s.target in stable and _pure(s.value, stable, renames):
            value = substitute(s.value, {o: Var(renames[o]) for o in names_read(s.value) if o in renames})  # (not all renames: linear)
            key = _key(value)
            if key in seen:
                renames[s.target] = seen[key][0]
                continue
            seen[key] = (s.target, names_read(value))
            for n in seen[key][1]:
                readers.setdefault(n, set()).add(key)
        out.append(s)
        if isinstance(s, Assign):
            # A name bound here was read before its binding by an entry (in a loop, last iteration's value).
            for t in s.targets:
                for k in readers.pop(t, ()):
                    seen.pop(k, None)
    return out


def _pure(e: Expr, stable: set[str], renames: dict[str, str]) -> bool:
    if not isinstance(e, Op):
        return False
    prim = registry.PRIMS.get(e.prim)
    if prim is None or prim.effects or prim.allocates or prim.user_fn is not None:
        return False  # a helper call may do anything its source does
    return all(renames.get(n, n) in stable for n in names_read(e))


def _key(e: Any) -> Any:
    """A hashable key in which 1, 1.0 and True differ (NumPy treats them differently)."""
    if isinstance(e, Const):
        return ("const", type(e.value).__name__, repr(e.value))
    if isinstance(e, Var):
        return ("var", e.name)
    if isinstance(e, Op):
        return ("op", e.prim, tuple(_key(a) for a in e.args), tuple((k, _key(v)) for k, v in e.kwargs))
    if isinstance(e, Tup):
        return ("tup", e.kind, tuple(_key(a) for a in e.elts))
    if isinstance(e, Slice):
        return ("slice", _key(e.lower), _key(e.upper), _key(e.step))
    return ("none",) if e is None else ("other", repr(e))
