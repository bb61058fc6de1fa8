"""Drop the `unbroadcast` calls of an adjoint that slices make unneeded.

The reverse generator knows that `x[1:]` has *some* shape, but not that
`x[:-1]` has the same one, so every adjoint that meets both keeps an
`unbroadcast` that can never sum anything (the Rosenbrock function):

    # before                                  # after
    t6_bar = unbroadcast(t8_bar, t6)          t6_bar = t8_bar
    t7_bar = unbroadcast(t8_bar, t7)          t7_bar = t8_bar
    t1_bar = unbroadcast(a_bar, t1)           t1_bar = a_bar
    t3_bar = unbroadcast(-a_bar, t3)          t3_bar = -a_bar

Input: a finished adjoint program (`reverse.py`, then `recompute.py`).
Output: the same program, with every backward-sweep statement that calls
`unbroadcast`, `broadcast_like` or `unsum` simplified again (`simplify.py`)
under shape facts the generator does not have:

- slices of one array (a parameter or a name assigned once) that keep the
  same number of elements share one shape: a slice `a:-b` with constant
  `a >= 0`, `b >= 0` keeps `n - a - b` elements of an axis of length `n`,
  so `x[1:]`, `x[:-1]` and `x[2:-1]`... `x[1:-2]` agree; an integer index
  drops its axis; `x[:]` has the shape of `x`;
- an adjoint `v_bar` has the shape of `v` (which the generator assumes too).

Nothing else changes: the forward sweep is the Wengert list as before.
"""
from __future__ import annotations

from typing import Any

from .context import Context
from ..ir import (
    Assign,
    Comment,
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
    names_read,
    stmt_exprs,
    walk_expr,
    walk_stmts,
)
from ..analysis.shapes import infer, shape_fn
from ..ad.simplify import simplify
from ..primitives import registry


def apply(fn: Function, context: Context | None = None) -> Function:
    """`fn` with the unneeded broadcasts of its backward sweep dropped."""
    split = backward_start(fn.body)
    if split is None or not any(_sliced(s) for s in walk_stmts(fn.body[:split])):
        return fn  # no slices: the generator already had every fact
    if not any(_shaped(e) for s in walk_stmts(fn.body[split:]) for x in stmt_exprs(s) for e in walk_expr(x)):
        return fn
    env, refined = facts(fn, split)
    if not refined:
        return fn  # no slices: the generator already had every fact
    shape = shape_fn(env)
    backward = _block(fn.body[split:], shape)
    return Function(fn.name, fn.params, fn.body[:split] + backward, fn.doc, dict(fn.meta))


def facts(fn: Function, split: int) -> tuple[dict[str, frozenset[str]], bool]:
    """Shape sets for the names of the adjoint `fn`, and whether any slice fact was added.

    `split` is the index of the `# backward sweep` comment in `fn.body`.
    """
    forward, backward = fn.body[:split], fn.body[split:]
    env = infer(fn, set())
    counts: dict[str, int] = {}
    for s in walk_stmts(fn.body):
        for t in _bound(s):
            counts[t] = counts.get(t, 0) + 1
    params = {p.name for p in fn.params}
    same: dict[str, frozenset[str]] = {}  # atom "?t" of a slice t -> the atoms it stands for
    for s in walk_stmts(forward):
        if not (isinstance(s, Assign) and isinstance(s.target, str) and counts.get(s.target) == 1):
            continue
        v = s.value
        if not (isinstance(v, Op) and v.prim == "getitem" and isinstance(v.args[0], Var)):
            continue
        base = v.args[0].name
        stable = counts.get(base, 0) == 1 or (base in params and base not in counts)
        key = _index_key(v.args[1])
        if not stable or key is None or env.get(s.target) != frozenset({f"?{s.target}"}) or not env.get(base):
            continue
        base_shape = env[base]
        same[f"?{s.target}"] = base_shape if set(key) == {"-0"} else frozenset({f"?{'|'.join(sorted(base_shape))}[{','.join(key)}]"})
    if same:
        env = {n: frozenset(a for atom in sh for a in same.get(atom, (atom,))) for n, sh in env.items()}
    # An adjoint has its variable's shape: `v_bar` (or `v_bar_` when `v_bar` was taken).
    assigned_forward = {t for s in walk_stmts(forward) for t in _bound(s)}
    read_forward = {n for s in walk_stmts(forward) for e in stmt_exprs(s) for n in names_read(e)}
    known = assigned_forward | params
    for n in {t for s in walk_stmts(backward) for t in _bound(s)} | params:
        v = _primal_of(n)
        if v is not None and v in known and v in env and n not in assigned_forward and n not in read_forward:
            env[n] = env[v]
    return env, bool(same)


def _shaped(e: Expr) -> bool:
    """True for a call whose simplification depends on shapes (the registry's `shape_simplified`)."""
    return isinstance(e, Op) and registry.declared(e.prim, "shape_simplified")


def _sliced(s: Stmt) -> bool:
    """True for `t = x[index]` with an index `_index_key` understands."""
    v = getattr(s, "value", None)
    return isinstance(s, Assign) and isinstance(v, Op) and v.prim == "getitem" and _index_key(v.args[1]) is not None


def _primal_of(name: str) -> str | None:
    """`v` for an adjoint name `v_bar` or `v_bar_`; None for other names (and the sequence adjoints `seq_barN`)."""
    stem = name.rstrip("_")
    if not stem.endswith("_bar") or name.startswith("seq_bar"):
        return None
    return stem[: -len("_bar")] or None


def _index_key(index: Expr) -> list[str] | None:
    """Per axis, what an index keeps of it, or None when that depends on values."""
    parts = index.elts if isinstance(index, Tup) and index.kind == "tuple" else (index,)
    keys = [_axis_key(p) for p in parts]
    return None if any(k is None for k in keys) else keys  # type: ignore[return-value]


def _axis_key(e: Expr) -> str | None:
    if isinstance(e, Const) and isinstance(e.value, slice):
        e = Slice(*(None if x is None else Const(x) for x in (e.value.start, e.value.stop, e.value.step)))
    if isinstance(e, Slice):
        bounds = (e.lower, e.upper, e.step)
        if not all(b is None or (isinstance(b, Const) and type(b.value) is int) for b in bounds):
            return None
        lo, hi, step = (None if b is None else b.value for b in bounds)  # type: ignore[union-attr]
        if step in (None, 1) and (lo or 0) >= 0 and (hi is None or hi < 0):
            return f"-{(lo or 0) - (hi or 0)}"  # keeps all but lo + |hi| elements, whatever the length
        return f"{lo}:{hi}:{step}"
    if isinstance(e, Const) and e.value is Ellipsis:
        return "..."
    if isinstance(e, Const) and e.value is None:
        return "newaxis"
    return None


def _block(body: list[Stmt], shape: Any) -> list[Stmt]:
    out: list[Stmt] = []
    for s in body:
        if isinstance(s, Assign) and isinstance(s.value, Op) and any(_shaped(e) for e in walk_expr(s.value)):
            value = simplify(s.value, shape)
            out.append(s if value == s.value else Assign(s.target, value, s.line))
        elif isinstance(s, If):
            out.append(If(s.test, _block(s.body, shape), _block(s.orelse, shape), s.line))
        elif isinstance(s, For):
            out.append(For(s.target, s.iter, _block(s.body, shape), s.line))
        elif isinstance(s, While):
            out.append(While(s.test, _block(s.body, shape), s.line))
        else:
            out.append(s)
    return out


def backward_start(body: list[Stmt]) -> int | None:
    """The index of the `# backward sweep` comment in an adjoint's body (None if it has none)."""
    return next((i for i, s in enumerate(body) if isinstance(s, Comment) and s.text == "backward sweep"), None)


def _bound(s: Stmt) -> tuple[str, ...]:
    return s.targets if isinstance(s, (Assign, For)) else ()
