"""Fold copies and scaled copies into the statements that read them (the "grad" variant).

The reverse generator writes one adjoint statement per rule, so a chain such as

    # before                               # after
    c_bar = 2.0 * c                        t4_bar = -2.0 * c
    t4_bar = -c_bar                        x_bar = scatter_add(t4_bar, x, np.s_[:-1])
    x_bar = scatter_add(t4_bar, ...)       t2_bar = a_bar * -2 * t2
    t3_bar = -a_bar
    t2_bar = t3_bar * 2 * t2

passes over an array once per line, where a person writes one product with the
constants and signs folded together. This pass substitutes a name bound to a copy
(`t2_bar = x_bar`), a negation (`t3_bar = -a_bar`) or a product with a number
(`c_bar = 2.0 * c`) into the statements of the same block that read it, then
simplifies them again: `-(2.0 * c)` reads `-2.0 * c` and `-a_bar * 2` reads
`a_bar * -2`, each bit for bit the same value with one array operation fewer.

Input: the "grad" variant of an adjoint program, or the "tangent" and "diagonal"
variants of a tangent program (`ir.Function`, after `liveness`). Output: the same
program with those bindings gone, and each lowered augmented store
(`v = y[i]; w = v + g; y[i] = w`, how forward over reverse reads the adjoint's
`x_bar[1:] += g`) an augmented store again. A binding is
folded when its name is bound once in the whole function, every read of it is a
later plain assignment in the same block, nothing in between re-binds the name
it copies (a statement that re-binds it may still be the last reader: its right
side is evaluated first), and a scaled copy is read exactly once (so nothing is
computed twice), and a scaled copy of a comparison's booleans (`-1.0 * t19`) stays, since
simplified it would read `-t19`, which NumPy refuses for booleans. A fold never crosses a loop or a branch; pushes, pops and comments
in between are fine (a pop that re-binds the copied name stops it like any assignment).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from .context import Context
from ..ir import (
    Assign,
    Expr,
    For,
    Function,
    If,
    Op,
    Stmt,
    Var,
    While,
    map_blocks,
    name_counts,
    stmt_exprs,
    substitute,
    walk_expr,
    walk_stmts,
)
from ..analysis.shapes import unknown
from ..ad.simplify import is_boolean, is_number, simplify


def apply(fn: Function, context: Context | None = None) -> Function:
    """`fn` with single-block copies and scaled copies substituted into their readers."""
    binds, reads = name_counts(fn.body)
    # Names bound to a comparison: `-1.0 * b` makes b's booleans numbers, which `-b` would not (NumPy
    # refuses to negate booleans), so a product with one is never folded into a simplified reader.
    booleans = {s.target for s in walk_stmts(fn.body) if isinstance(s, Assign) and isinstance(s.target, str) and is_boolean(s.value)}
    return replace(fn, body=_block(fn.body, reads, binds, booleans))


def _block(body: list[Stmt], reads: Counter[str], binds: Counter[str], booleans: set[str]) -> list[Stmt]:
    out: list[Stmt | None] = [map_blocks(s, lambda b: _block(b, reads, binds, booleans)) for s in body]
    for i, s in enumerate(out):
        if isinstance(s, Assign) and isinstance(s.target, str):
            _fold(out, i, reads, binds, booleans)  # a folded binding leaves None at i (one pass, no copies)
    return _augmented_stores([s for s in out if s is not None], reads, binds)


def _augmented_stores(body: list[Stmt], reads: Counter[str], binds: Counter[str]) -> list[Stmt]:
    """`v = y[i]; w = v + g; y[i] = w` (v and w read nowhere else) -> `y[i] += g`: one pass, no new array.

    This is how an augmented store reads once lowered (forward over reverse meets the adjoint's
    `x_bar[:-1] += t2_bar` so); the three statements must be adjacent, so nothing comes between.
    """
    out = list(body)
    k = 0
    while k + 2 < len(out):
        a, b, c = out[k:k + 3]
        if _is_augmented(a, b, c, reads, binds):
            g = b.value.args[1] if b.value.args[0] == Var(a.target) else b.value.args[0]  # type: ignore[union-attr]
            if b.value.prim == "subtract" and b.value.args[0] != Var(a.target):  # type: ignore[union-attr]
                k += 1
                continue  # g - y[i] is no augmented store
            update = Op(b.value.prim, (a.value, g))  # type: ignore[union-attr]
            out[k:k + 3] = [replace(c, value=Op("setitem", (Var(c.target), c.value.args[1], update)))]  # type: ignore[union-attr]
            reads[a.target] = reads[b.target] = 0  # type: ignore[union-attr]
        k += 1
    return out


def _is_augmented(a: Stmt, b: Stmt, c: Stmt, reads: Counter[str], binds: Counter[str]) -> bool:
    if not (isinstance(a, Assign) and isinstance(b, Assign) and isinstance(c, Assign)):
        return False
    if not all(isinstance(x.target, str) and isinstance(x.value, Op) for x in (a, b, c)):
        return False
    y = c.target
    store, view, total = c.value, a.value, b.value  # type: ignore[union-attr]
    return (store.prim == "setitem" and store.args[0] == Var(y) and store.args[2] == Var(b.target)  # type: ignore[union-attr]
            and view.prim == "getitem" and view.args == (Var(y), store.args[1])  # type: ignore[union-attr]
            and total.prim in ("add", "subtract") and not total.kwargs and Var(a.target) in total.args  # type: ignore[union-attr]
            and total.args.count(Var(a.target)) == 1 and Var(y) not in total.args  # type: ignore[union-attr]
            and reads[a.target] == 1 and reads[b.target] == 1 and binds[a.target] == 1 and binds[b.target] == 1  # type: ignore[union-attr]
            and a.target not in (y, b.target))  # type: ignore[union-attr]


def _foldable(value: Expr) -> str | None:
    """The name a copy, negation or product with a number reads; None for anything else."""
    if isinstance(value, Var):
        return value.name
    if isinstance(value, Op) and value.prim == "negative" and not value.kwargs and isinstance(value.args[0], Var):
        return value.args[0].name
    if isinstance(value, Op) and value.prim == "multiply" and not value.kwargs:
        a, b = value.args
        if isinstance(a, Var) and is_number(b):
            return a.name
        if isinstance(b, Var) and is_number(a):
            return b.name
    return None


def _fold(body: list[Stmt | None], i: int, reads: Counter[str], binds: Counter[str], booleans: set[str]) -> bool:
    """Substitute the binding at `i` into its readers and leave None in its place; False (nothing
    changed) when it must stay. Entries already folded are None."""
    s = body[i]
    assert s is not None
    t = s.target  # type: ignore[union-attr]
    source = _foldable(s.value)  # type: ignore[union-attr]
    if source is None or binds[t] != 1 or reads[t] == 0 or source == t:
        return False
    if source in booleans and not isinstance(s.value, Var):  # type: ignore[union-attr]
        return False
    if not isinstance(s.value, Var) and reads[t] != 1:  # type: ignore[union-attr]
        return False  # a product read twice would be computed twice
    readers: list[int] = []
    seen = 0
    for j in range(i + 1, len(body)):
        x = body[j]
        if x is None:
            continue
        n = sum(1 for e in stmt_exprs(x) for y in walk_expr(e) if isinstance(y, Var) and y.name == t)
        if n:
            if not isinstance(x, Assign):
                return False  # read by a push, a branch test or a loop: left alone
            readers.append(j)
            seen += n
        if seen == reads[t]:
            break
        if isinstance(x, Assign) and source in x.targets or not isinstance(x, Assign) and not _plain(x):
            return False  # the copied name changes (or control flow starts) before the last read
    if seen != reads[t]:
        return False
    for j in readers:
        x = body[j]
        body[j] = replace(x, value=simplify(substitute(x.value, {t: s.value}), lambda e: unknown()))  # type: ignore[union-attr, arg-type]
    body[i] = None
    reads[t] = 0
    return True


def _plain(s: Stmt) -> bool:
    """Statements that neither bind names nor start control flow: pushes and comments."""
    return not isinstance(s, (If, For, While))
