"""The one IR that holds the primal, tangent and adjoint programs.

Expressions are trees of `Var`, `Const`, `Op` (one primitive applied to
expressions), `Tup` (tuple/list displays) and `Slice` (inside an index).
Statements are `Assign`, `Return`, `If`, `For`, `While`, `ExprStmt` and
`Comment`. A `Function` is a name, parameters and a body.

A *Wengert list* is the special form produced by `lower`: every `Assign`
applies at most one primitive to atoms (`Var`/`Const`, or `Tup`/`Slice` of
atoms). `check_wengert` checks that invariant. Derivative programs may nest
expressions (a rule's template body is an expression), and still print with
the same printer, `emit.to_source`.

Service slot: `PRINTER`, how `str(fn)` prints a `Function`; `emit` (the one printer) fills it at its import,
which the `s2sad.ir` package runs.
"""
from __future__ import annotations

import numbers
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterator, Union

# How `str(fn)` prints a `Function`: `emit.to_source`, set by `emit` at its import (it imports this module).
PRINTER: "Callable[[Function], str] | None" = None


@dataclass(frozen=True)
class Var:
    """A reference to a local variable, parameter or global."""

    name: str


@dataclass(frozen=True)
class Const:
    """A Python literal: number, bool, None, str, or a tuple of those."""

    value: Any


@dataclass(frozen=True)
class Op:
    """One primitive applied to argument expressions."""

    prim: str
    args: tuple["Expr", ...]
    kwargs: tuple[tuple[str, "Expr"], ...] = ()


@dataclass(frozen=True)
class Tup:
    """A tuple or list display; `kind` is "tuple" or "list"."""

    elts: tuple["Expr", ...]
    kind: str = "tuple"


@dataclass(frozen=True)
class Slice:
    """`lower:upper:step` inside a subscript."""

    lower: "Expr | None"
    upper: "Expr | None"
    step: "Expr | None"


Expr = Union[Var, Const, Op, Tup, Slice]
Atom = Union[Var, Const]


@dataclass
class Assign:
    """`target = value`; a tuple of names unpacks a tuple-valued primitive."""

    target: str | tuple[str, ...]
    value: Expr
    line: int | None = None

    @property
    def targets(self) -> tuple[str, ...]:
        """The names this statement binds."""
        return self.target if isinstance(self.target, tuple) else (self.target,)


@dataclass
class Return:
    """`return value`."""

    value: Expr
    line: int | None = None


@dataclass
class ExprStmt:
    """An expression evaluated for its effect, e.g. `stack.append(x)`."""

    value: Expr
    line: int | None = None


@dataclass
class Comment:
    """A `# comment` line in generated code."""

    text: str
    line: int | None = None


@dataclass
class If:
    """`if test: body else: orelse`."""

    test: Expr
    body: list["Stmt"]
    orelse: list["Stmt"] = field(default_factory=list)
    line: int | None = None


@dataclass
class For:
    """`for target in iter: body`."""

    target: str | tuple[str, ...]
    iter: Expr
    body: list["Stmt"]
    line: int | None = None

    @property
    def targets(self) -> tuple[str, ...]:
        """The names each iteration binds."""
        return self.target if isinstance(self.target, tuple) else (self.target,)


@dataclass
class While:
    """`while test: body`."""

    test: Expr
    body: list["Stmt"]
    line: int | None = None


@dataclass
class Break:
    """`break` out of the innermost loop."""

    line: int | None = None


Stmt = Union[Assign, Return, ExprStmt, Comment, If, For, While, Break]


@dataclass
class Param:
    """A function parameter with an optional default."""

    name: str
    default: Const | None = None


@dataclass
class Function:
    """A function in the IR: name, parameters, docstring and body."""

    name: str
    params: list[Param]
    body: list[Stmt]
    doc: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return PRINTER(self) if PRINTER is not None else repr(self)


def walk_expr(expr: Expr | None) -> Iterator[Expr]:
    """Every sub-expression of `expr`, outermost first."""
    if expr is None:
        return
    yield expr
    if isinstance(expr, Op):
        for a in expr.args:
            yield from walk_expr(a)
        for _, v in expr.kwargs:
            yield from walk_expr(v)
    elif isinstance(expr, Tup):
        for e in expr.elts:
            yield from walk_expr(e)
    elif isinstance(expr, Slice):
        for e in (expr.lower, expr.upper, expr.step):
            yield from walk_expr(e)


def names_read(expr: Expr | None) -> set[str]:
    """Names of the variables that `expr` reads."""
    return {e.name for e in walk_expr(expr) if isinstance(e, Var)}


def substitute(expr: Expr, mapping: dict[str, Expr]) -> Expr:
    """`expr` with every `Var` named in `mapping` replaced."""
    if isinstance(expr, Var):
        return mapping.get(expr.name, expr)
    if isinstance(expr, Op):
        return Op(
            expr.prim,
            tuple(substitute(a, mapping) for a in expr.args),
            tuple((k, substitute(v, mapping)) for k, v in expr.kwargs),
        )
    if isinstance(expr, Tup):
        return Tup(tuple(substitute(e, mapping) for e in expr.elts), expr.kind)
    if isinstance(expr, Slice):
        return Slice(*(None if e is None else substitute(e, mapping) for e in (expr.lower, expr.upper, expr.step)))
    return expr


def stmt_exprs(s: Stmt) -> list[Expr]:
    """The expressions a statement itself evaluates (not those of the blocks inside it)."""
    if isinstance(s, (Assign, Return, ExprStmt)):
        return [s.value]
    if isinstance(s, (If, While)):
        return [s.test]
    if isinstance(s, For):
        return [s.iter]
    return []


def map_stmt(s: Stmt, f: "Callable[[Expr], Expr]") -> Stmt:
    """`s` (blocks inside it too) with `f` applied to every expression a statement evaluates."""
    if isinstance(s, (Assign, Return, ExprStmt)):
        return replace(s, value=f(s.value))
    if isinstance(s, If):
        return replace(s, test=f(s.test), body=[map_stmt(x, f) for x in s.body], orelse=[map_stmt(x, f) for x in s.orelse])
    if isinstance(s, While):
        return replace(s, test=f(s.test), body=[map_stmt(x, f) for x in s.body])
    if isinstance(s, For):
        return replace(s, iter=f(s.iter), body=[map_stmt(x, f) for x in s.body])
    return s


def map_blocks(s: Stmt, f: "Callable[[list[Stmt]], list[Stmt]]") -> Stmt:
    """`s` with `f` applied to each block directly inside it (a branch's arms, a loop's body)."""
    if isinstance(s, If):
        return replace(s, body=f(s.body), orelse=f(s.orelse))
    if isinstance(s, (For, While)):
        return replace(s, body=f(s.body))
    return s


def substitute_stmt(s: Stmt, mapping: dict[str, Expr]) -> Stmt:
    """`s` (blocks inside it too) with every read of a `Var` named in `mapping` replaced."""
    return map_stmt(s, lambda e: substitute(e, mapping))


def update_of(s: Stmt) -> tuple[str, int, Expr] | None:
    """(a, sign, g) for an accumulation `a = a + g` (sign 1) or `a = a - g` (sign -1), g not reading a."""
    v = s.value if isinstance(s, Assign) and isinstance(s.target, str) else None
    if isinstance(v, Op) and v.prim in ("add", "subtract") and not v.kwargs and len(v.args) == 2 \
            and v.args[0] == Var(s.target) and s.target not in names_read(v.args[1]):  # type: ignore[union-attr]
        return s.target, (1 if v.prim == "add" else -1), v.args[1]  # type: ignore[union-attr, return-value]
    return None


def touches(s: Stmt, name: str) -> bool:
    """True when `s` reads or binds `name`, or is control flow (whose blocks may)."""
    if not isinstance(s, Assign):
        return True
    return name in s.targets or name in names_read(s.value)


def name_counts(body: list[Stmt]) -> tuple[Counter[str], Counter[str]]:
    """(how many statements bind each name, how many times each name is read) over `body` and its blocks."""
    binds: Counter[str] = Counter()
    reads: Counter[str] = Counter()
    for s in walk_stmts(body):
        if isinstance(s, (Assign, For)):
            binds.update(s.targets)
        for e in stmt_exprs(s):
            reads.update(x.name for x in walk_expr(e) if isinstance(x, Var))
    return binds, reads


def walk_stmts(body: list[Stmt]) -> Iterator[Stmt]:
    """Every statement in `body`, recursing into blocks, in program order."""
    for s in body:
        yield s
        if isinstance(s, If):
            yield from walk_stmts(s.body)
            yield from walk_stmts(s.orelse)
        elif isinstance(s, (For, While)):
            yield from walk_stmts(s.body)


def is_number(e: Expr) -> bool:
    """A number written in the code (not a bool)."""
    return isinstance(e, Const) and isinstance(e.value, numbers.Number) and not isinstance(e.value, bool)


def is_atom(expr: Expr) -> bool:
    """True for a name, a literal, or a tuple/slice built only from those."""
    if isinstance(expr, (Var, Const)):
        return True
    if isinstance(expr, Tup):
        return all(is_atom(e) for e in expr.elts)
    if isinstance(expr, Slice):
        return all(e is None or is_atom(e) for e in (expr.lower, expr.upper, expr.step))
    return False


class IRError(AssertionError):
    """An internal invariant of the IR is broken (a bug in s2sad, not in user code)."""


def check_wengert(fn: Function) -> None:
    """Check the Wengert-list invariant: one primitive per statement, over atoms.

    Block headers are exempt where the backward sweep never re-evaluates them:
    a `while` test may be any expression; an `if` test must be an atom (the
    recorded decision); a `for` iterates over an atom or one primitive of atoms.
    """
    for s in walk_stmts(fn.body):
        if isinstance(s, If) and not is_atom(s.test):
            raise IRError(f"if-test {s.test} is not an atom")
        it = s.iter.args[0] if isinstance(s, For) and isinstance(s.iter, Op) and s.iter.prim == "reversed" else getattr(s, "iter", None)
        if isinstance(s, For) and not (is_atom(it) or isinstance(it, Op) and all(is_atom(a) for a in it.args)):
            raise IRError(f"for-iterable {s.iter} is not in Wengert form")
        if isinstance(s, Assign):
            v = s.value
            if isinstance(v, Op) and v.prim in ("and_", "or_"):
                continue  # a short-circuit test is kept whole: it is a recorded decision, not a derivative
            if isinstance(v, Op):
                bad = [a for a in list(v.args) + [kv for _, kv in v.kwargs] if not is_atom(a)]
                if bad:
                    raise IRError(f"{s.target}: argument {bad[0]} is not an atom")
            elif not is_atom(v):
                raise IRError(f"{s.target}: value {v} is neither an atom nor one primitive")
        elif isinstance(s, (Return, ExprStmt)) and not is_atom(s.value) and not (
            isinstance(s.value, Op) and all(is_atom(a) for a in s.value.args)
        ):
            raise IRError(f"return/expression value {s.value} is not in Wengert form")


__all__ = [
    "Var", "Const", "Op", "Tup", "Slice", "Expr", "Atom",
    "Assign", "Return", "ExprStmt", "Comment", "If", "For", "While", "Break", "Stmt",
    "Param", "Function", "walk_expr", "walk_stmts", "names_read", "substitute", "substitute_stmt", "map_stmt",
    "stmt_exprs", "name_counts", "map_blocks", "update_of", "touches",
    "is_atom", "is_number", "check_wengert", "IRError", "replace",
]
