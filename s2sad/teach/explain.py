"""The `explain` view: each source line next to its Wengert, tangent and adjoint statements.

Input: a Python function, `wrt`, and optionally example `args` (to specialise
on scalar arguments, as `s2sad.source` does). Output: an `Explanation`, a
table with one row group per source statement. A group holds the line as the
user wrote it, the Wengert statements it was lowered to, the tangent
statements forward mode adds for it, and the adjoint statements reverse mode
adds for it. Every IR statement carries `.line`, the source line it came from,
which is how statements find their group. Compound statements (`if`, `for`,
`while`) print their header in the header's group and their bodies indented,
so control flow shows as nested blocks. The table prints as text (`str`),
highlighted for a terminal (`to_text(color=True)`) and as HTML in Jupyter.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from ..driver import pipeline
from ..api import decorator
from ..api.arguments import scalar_names, target
from ..api.calling import annotation_scalars
from ..api.transforms import user_errors
from ..api.display import html_table, text_table
from ..ir.emit import expr_ast, function_ast, stmt_ast, unparse
from ..ir import Comment, For, Function, If, Return, Stmt, While
from ..frontend.source import FunctionSource

COLUMNS = ("wengert", "tangent", "adjoint")
TITLES = {"wengert": "Wengert list", "tangent": "tangent (forward mode)", "adjoint": "adjoint (reverse mode)"}
INDENT = "    "


@dataclass
class Target:
    """A function resolved for the views: what to read, with respect to what, specialised how."""

    fn: Callable[..., Any]
    wrt: tuple[str, ...]
    scalars: frozenset[str]
    args: tuple[Any, ...] | None
    leaves: dict[str, str] = field(default_factory=dict)  # a structured call's leaf parameters: `W1` -> `params["W1"]`


def resolve(fn: Callable[..., Any], wrt: Any = 0, args: Sequence[Any] | None = None) -> Target:
    """Resolve `fn` (plain or decorated), `wrt` and scalar specialisation like `s2sad.source`."""
    args_t = tuple(args) if args is not None else None
    from ..pytrees import entry as pytrees

    if pytrees.needs_flat(fn, args_t or (), {}):  # dicts, lists or tuples of arrays, or a method: the flat function
        call = pytrees.prepare(fn, args_t, {}, wrt) if args_t is not None else pytrees.prepare_unstructured(fn, wrt)
        flat_args = call.args if args_t is not None else None
        scalars = scalar_names(call.flat.fn, flat_args, {}) if flat_args is not None else frozenset()
        return Target(call.flat.fn, call.wrt, scalars, flat_args, pytrees.leaf_paths(call, pytrees.self_name(fn)))
    base = target(fn, args_t or ())
    scalars = scalar_names(base, args_t, {}) if args_t is not None else annotation_scalars(base)
    names, _ = pipeline.resolve_wrt(base, wrt)
    return Target(base, names, scalars, args_t)


@dataclass
class Group:
    """One source statement (or `def`/`else:` header) and what each column holds for it."""

    line: int | None
    source: list[str]
    cells: dict[str, list[str]] = field(default_factory=dict)

    def rows(self, columns: Sequence[str]) -> list[list[str]]:
        """The group as rows of cells: line, source, then one cell per column."""
        height = max([len(self.source)] + [len(self.cells.get(c, [])) for c in columns])
        out = []
        for i in range(height):
            row = [str(self.line) if i == 0 and self.line is not None else ""]
            row.append(self.source[i] if i < len(self.source) else "")
            for c in columns:
                col = self.cells.get(c, [])
                row.append(col[i] if i < len(col) else "")
            out.append(row)
        return out


@dataclass
class Explanation:
    """The side-by-side table that `explain` returns; print it or show it in a notebook."""

    name: str
    wrt: tuple[str, ...]
    columns: tuple[str, ...]
    groups: list[Group]
    bottom_up: bool = True
    leaves: dict[str, str] = field(default_factory=dict)  # structured arguments: each leaf parameter's place

    @property
    def header(self) -> list[str]:
        """Column titles."""
        return ["line", "source"] + [TITLES[c] for c in self.columns]

    def caption(self) -> str:
        """One sentence saying what the table shows."""
        text = f"{self.name}, differentiated with respect to {', '.join(self.wrt)}."
        if "adjoint" in self.columns and self.bottom_up:
            text += " The adjoint runs backwards: read its column from the bottom up."
        elif "adjoint" in self.columns:
            text += " The backward sweep visits the groups from the last to the first."
        if self.leaves:  # the table shows the flat function: one parameter per leaf of a structured argument
            text += "\nLeaves of the structured arguments: " + ", ".join(f"{k} <- {v}" for k, v in self.leaves.items()) + "."
        return text

    def to_text(self, color: bool = False) -> str:
        """The table as text, highlighted with ANSI colours when `color`."""
        rows = [g.rows(self.columns) for g in self.groups]
        code = [False] + [True] * (1 + len(self.columns))
        return self.caption() + "\n\n" + text_table(self.header, rows, color=color, code_columns=code)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        """Highlighted HTML table for Jupyter."""
        rows = [g.rows(self.columns) for g in self.groups]
        return html_table(self.header, rows, code_columns=[False] + [True] * (1 + len(self.columns)), caption=self.caption())


@user_errors
def explain(fn: Callable[..., Any], wrt: Any = 0, args: Sequence[Any] | None = None, columns: Sequence[str] = COLUMNS) -> Explanation:
    """Side-by-side table: each source line, its Wengert list, tangent and adjoint statements."""
    for c in columns:
        if c not in COLUMNS:
            raise ValueError(f"columns must be among {COLUMNS}, not {c!r}")
    tgt = resolve(fn, wrt, args)
    low = pipeline.lowered(tgt.fn)
    groups, else_rows = source_groups(low.source)
    by_line = {g.line: g for g in groups if g.line is not None}
    wengert = low.fn
    programs: dict[str, Function] = {"wengert": wengert}
    if "tangent" in columns:
        programs["tangent"] = pipeline.generate(tgt.fn, "forward", tgt.wrt, tgt.scalars)
    if "adjoint" in columns:
        programs["adjoint"] = pipeline.generate(tgt.fn, "reverse", tgt.wrt, tgt.scalars)
    primal = list(wengert.body)
    bottom_up = False
    for c in columns:
        prog = programs[c]
        body = prog.body if c == "wengert" else without(prog.body, primal)
        tail: list[Stmt] = []
        note: list[str] = []
        if c == "adjoint":
            body, saved = backward_sweep(prog.body, primal)
            if saved:
                # The forward sweep also saves values for the backward sweep (control flow): say so.
                note = [f"{INDENT}# forward sweep: the Wengert list + {saved} bookkeeping statement{'s' if saved > 1 else ''}"]
            # The return and the zero adjoints of unused inputs run last: they sit with the `def`.
            while body and (isinstance(body[-1], Return) or getattr(body[-1], "line", 0) is None):
                tail.insert(0, body.pop())
            bottom_up = not any(isinstance(s, (If, For, While)) for s in body)
        entries = flatten(body, 0, else_rows)
        groups[0].cells.setdefault(c, []).append(signature(prog))
        groups[0].cells[c] += note + [INDENT + text for _, text in flatten(tail, 0, else_rows)]
        for line, text in place(entries):
            group = by_line.get(line) if line is not None else None
            if group is None:
                group = _nearest(groups, line)
            group.cells.setdefault(c, []).append(text)
        if bottom_up:
            # Straight-line code: reverse each group, so the column reads bottom-up in execution order.
            for g in groups[1:]:
                g.cells[c] = g.cells.get(c, [])[::-1]
    return Explanation(wengert.name, tgt.wrt, tuple(columns), groups, bottom_up, tgt.leaves)


def _nearest(groups: list[Group], line: int | None) -> Group:
    """The group of the last source line at or before `line` (the last group if unknown)."""
    if line is None:
        return groups[-1]
    best = groups[0]
    for g in groups:
        if g.line is not None and g.line <= line:
            best = g
    return best


def signature(fn: Function) -> str:
    """`def name(params):` of an IR function, as printed."""
    node = function_ast(fn)
    node.body = [ast.Pass()]
    node.returns = None
    return ast.unparse(ast.fix_missing_locations(ast.Module([node], []))).splitlines()[0]


def header_text(s: Stmt) -> str:
    """The header line of a compound statement: `if t3:`, `for i in range(n):`."""
    if isinstance(s, If):
        return f"if {ast.unparse(expr_ast(s.test))}:"
    if isinstance(s, While):
        return f"while {ast.unparse(expr_ast(s.test))}:"
    if isinstance(s, For):
        tgt = ", ".join(s.target) if isinstance(s.target, tuple) else s.target
        return f"for {tgt} in {ast.unparse(expr_ast(s.iter))}:"
    raise TypeError(s)


def without(body: list[Stmt], primal: list[Stmt]) -> list[Stmt]:
    """`body` minus the statements of the Wengert list `primal` (recursing into blocks)."""
    prim_simple = [s for s in _walk(primal) if not isinstance(s, (If, For, While))]
    out: list[Stmt] = []
    for s in body:
        if isinstance(s, Comment):
            continue
        if isinstance(s, If):
            inner, other = without(s.body, primal), without(s.orelse, primal)
            if inner or other:
                out.append(If(s.test, inner, other, s.line))
        elif isinstance(s, (For, While)):
            inner = without(s.body, primal)
            if inner:
                out.append(For(s.target, s.iter, inner, s.line) if isinstance(s, For) else While(s.test, inner, s.line))
        elif not any(s == p for p in prim_simple):
            out.append(s)
    return out


def backward_sweep(body: list[Stmt], primal: list[Stmt]) -> tuple[list[Stmt], int]:
    """The statements after `# backward sweep`, and how many non-primal statements come before it."""
    split = next((i for i, s in enumerate(body) if isinstance(s, Comment) and "backward" in s.text), None)
    if split is None:
        return without(body, primal), 0
    extra = [s for s in _walk(without(body[:split], primal)) if not isinstance(s, (If, For, While))]
    return [s for s in body[split + 1:] if not isinstance(s, Comment)], len(extra)


def _walk(body: list[Stmt]) -> list[Stmt]:
    out: list[Stmt] = []
    for s in body:
        out.append(s)
        if isinstance(s, If):
            out += _walk(s.body) + _walk(s.orelse)
        elif isinstance(s, (For, While)):
            out += _walk(s.body)
    return out


def flatten(body: list[Stmt], depth: int, else_rows: dict[int, int]) -> list[tuple[int | None, str]]:
    """Printed lines of `body` as `(source line, indented text)`, in program order."""
    out: list[tuple[int | None, str]] = []
    pad = INDENT * depth
    for s in body:
        if isinstance(s, Comment):
            continue
        if isinstance(s, (If, For, While)):
            out.append((s.line, pad + header_text(s)))
            out += flatten(s.body, depth + 1, else_rows) or [(s.line, pad + INDENT + "pass")]
            if isinstance(s, If) and s.orelse:
                inner = flatten(s.orelse, depth + 1, else_rows)
                where = else_rows.get(s.line) if s.line is not None else None
                if where is None:
                    where = next((ln for ln, _ in inner if ln is not None), s.line)
                out.append((where, pad + "else:"))
                out += inner
            continue
        for node in stmt_ast(s):
            text = unparse(ast.fix_missing_locations(node))
            out += [(s.line, pad + t) for t in text.splitlines()]
    return out


def place(entries: list[tuple[int | None, str]]) -> list[tuple[int | None, str]]:
    """Give line-less entries the line of the next entry that has one (else the previous)."""
    out = []
    for i, (line, text) in enumerate(entries):
        if line is None:
            line = next((ln for ln, _ in entries[i + 1:] if ln is not None), None)
            if line is None:
                line = next((ln for ln, _ in reversed(entries[:i]) if ln is not None), None)
        out.append((line, text))
    return out


def source_groups(fs: FunctionSource) -> tuple[list[Group], dict[int, int]]:
    """One empty group per source statement, in order, plus the line of each `if`'s `else:`."""
    lines = fs.text.splitlines()
    tree = ast.parse(fs.text).body[0]  # parsed afresh: lowering may restructure `fs.tree`
    assert isinstance(tree, (ast.FunctionDef, ast.AsyncFunctionDef))
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    base = body[0].col_offset if body else 4
    groups: list[Group] = []
    else_rows: dict[int, int] = {}

    def text(first: int, last: int) -> list[str]:
        return [ln[base:] if ln[:base].strip() == "" else ln.lstrip() for ln in lines[first - 1:last]]

    def absolute(n: int) -> int:
        return fs.first_line + n - 1

    def_end = (body[0].lineno - 1) if body else tree.lineno
    head = [ln.strip() for ln in lines[tree.lineno - 1:max(def_end, tree.lineno)]]
    head = [h for h in head if h and not h.startswith(("#", '"""', "'''"))] or [lines[tree.lineno - 1].strip()]
    groups.append(Group(absolute(tree.lineno), [head[0]] + [INDENT + h for h in head[1:]]))

    def visit(stmts: list[ast.stmt]) -> None:
        for s in stmts:
            if isinstance(s, (ast.If, ast.For, ast.While)):
                groups.append(Group(absolute(s.lineno), text(s.lineno, s.body[0].lineno - 1 if s.body[0].lineno > s.lineno else s.lineno)))
                visit(s.body)
                if s.orelse:
                    first = s.orelse[0]
                    is_elif = isinstance(s, ast.If) and isinstance(first, ast.If) and lines[first.lineno - 1].lstrip().startswith("elif")
                    if not is_elif:
                        k = first.lineno - 1
                        while k > s.lineno and not lines[k - 1].lstrip().startswith("else"):
                            k -= 1
                        groups.append(Group(absolute(k), text(k, k)))
                        else_rows[absolute(s.lineno)] = absolute(k)
                    visit(s.orelse)
            else:
                groups.append(Group(absolute(s.lineno), text(s.lineno, s.end_lineno or s.lineno)))

    visit(body)
    return groups, else_rows


decorator.EXPLAIN = explain  # `Differentiable.explain` (the api's service slot: it does not import this layer)

__all__ = ["explain", "Explanation", "Group", "Target", "resolve", "COLUMNS"]
