"""Stage 6, emit: the one printer, `ir.Function` -> Python source text.

Input: any `ir.Function` (a Wengert list, a tangent or an adjoint program).
Output: source text built with `ast.fix_missing_locations` and `ast.unparse`,
optionally preceded by the imports it needs (`import numpy as np`, `import
math`, `from s2sad.runtime import ...`), so the text runs on its own.

At its import it fills `nodes.PRINTER` (so `str(fn)` prints through here). `STATEMENT_PRINTERS` is filled by
the modules that make statements kept for their effect (`frontend/effects.py`: `_ = effect_(...)` prints as
the call itself), at their import.
"""
from __future__ import annotations

import ast
import sys
from typing import Any, Callable

from ..primitives import registry
from .. import runtime
from . import nodes
from .nodes import (
    Assign,
    Break,
    Comment,
    Const,
    Expr,
    ExprStmt,
    For,
    Function,
    If,
    IRError,
    Op,
    Return,
    Slice,
    Stmt,
    Tup,
    Var,
    While,
    walk_expr,
    walk_stmts,
)

_COMMENT = "__s2sad_comment__:"
# primitive -> printer of the statement `_ = prim(...)`: (its Op, `expr_ast`) -> the Python statements it prints as.
STATEMENT_PRINTERS: dict[str, Callable[[Op, Callable[[Expr], ast.expr]], list[ast.stmt]]] = {}

if sys.version_info >= (3, 11):
    unparse = ast.unparse
else:  # pragma: no cover - Python 3.10 only
    class _Unparser(ast._Unparser):  # type: ignore[name-defined]
        """3.10 brackets every tuple (`(a, b) = f()`); print targets bare, as 3.11+ does."""

        def visit_Tuple(self, node: ast.Tuple) -> None:
            if isinstance(node.ctx, ast.Store) and node.elts and all(isinstance(e, ast.Name) for e in node.elts):
                self.items_view(self.traverse, node.elts)
            else:
                super().visit_Tuple(node)

    def unparse(node: ast.AST) -> str:
        """`ast.unparse`, with the same text on every supported Python."""
        return _Unparser().visit(node)


def _has_slice(e: Expr) -> bool:
    return isinstance(e, Slice) or (isinstance(e, Tup) and any(isinstance(x, Slice) for x in e.elts))


def index_ast(e: Expr) -> ast.expr:
    """An index as written inside `x[...]`: slices print as `a:b`."""
    if isinstance(e, Tup) and e.kind == "tuple":
        return ast.Tuple([index_ast(x) for x in e.elts], ast.Load())
    if isinstance(e, Slice):
        part = lambda x: None if x is None else expr_ast(x)  # noqa: E731
        return ast.Slice(part(e.lower), part(e.upper), part(e.step))
    return expr_ast(e)


def expr_ast(e: Expr) -> ast.expr:
    """The Python expression for an IR expression."""
    if _has_slice(e):
        # An index used as a value (passed to a helper) is spelled np.s_[...].
        return ast.Subscript(ast.Attribute(ast.Name("np", ast.Load()), "s_", ast.Load()), index_ast(e), ast.Load())
    if isinstance(e, Var):
        return ast.Name(e.name, ast.Load())
    if isinstance(e, Const):
        return const_ast(e.value)
    if isinstance(e, Tup):
        elts = [expr_ast(x) for x in e.elts]
        return ast.List(elts, ast.Load()) if e.kind == "list" else ast.Tuple(elts, ast.Load())
    if isinstance(e, Slice):
        part = lambda x: None if x is None else expr_ast(x)  # noqa: E731
        return ast.Slice(part(e.lower), part(e.upper), part(e.step))
    if isinstance(e, Op):
        return _op_ast(e)
    raise IRError(f"cannot print {e!r}")


def const_ast(value: Any) -> ast.expr:
    """A literal as an expression; numpy scalars print as plain numbers."""
    if isinstance(value, tuple):
        return ast.Tuple([const_ast(v) for v in value], ast.Load())
    if isinstance(value, slice):
        part = lambda x: None if x is None else const_ast(x)  # noqa: E731
        return ast.Slice(part(value.start), part(value.stop), part(value.step))
    if isinstance(value, type):  # a dtype argument: np.float32, float
        if value.__module__ == "numpy":
            return ast.Attribute(ast.Name("np", ast.Load()), value.__name__, ast.Load())
        return ast.Name(value.__name__, ast.Load())
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    if isinstance(value, float) and (value != value or abs(value) == float("inf")):
        node: ast.expr = ast.Attribute(ast.Name("np", ast.Load()), "nan" if value != value else "inf", ast.Load())
        return ast.UnaryOp(ast.USub(), node) if value < 0 else node
    if isinstance(value, (int, float, bool, str, type(None), type(Ellipsis), complex)):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            return ast.UnaryOp(ast.USub(), ast.Constant(-value))
        return ast.Constant(value)
    raise IRError(f"cannot print constant {value!r}")


def _path(path: str) -> ast.expr:
    parts = path.split(".")
    node: ast.expr = ast.Name(parts[0], ast.Load())
    for p in parts[1:]:
        node = ast.Attribute(node, p, ast.Load())
    return node


def _op_ast(e: Op) -> ast.expr:
    prim = registry.PRIMS[e.prim]
    sp = prim.spelling
    args = [expr_ast(a) for a in e.args]
    if e.kwargs and sp.kind in ("binop", "unary"):
        # An operator given `out=` (reuse.py) prints as the NumPy ufunc it is: np.multiply(t2, x, out=t2).
        return ast.Call(_path(f"np.{prim.name}"), args, [ast.keyword(k, expr_ast(v)) for k, v in e.kwargs])
    if sp.kind == "binop":
        return ast.BinOp(args[0], sp.op(), args[1])
    if sp.kind == "unary":
        return ast.UnaryOp(sp.op(), args[0])
    if sp.kind == "boolop":
        return ast.BoolOp(sp.op(), args)
    if sp.kind == "compare":
        return ast.Compare(args[0], [sp.op()], [args[1]])
    if sp.kind == "getitem":
        return ast.Subscript(args[0], index_ast(e.args[1]), ast.Load())
    if sp.kind == "attr":
        return ast.Attribute(args[0], sp.path, ast.Load())
    if sp.kind == "method":
        keywords = [ast.keyword(k, expr_ast(v)) for k, v in e.kwargs]
        return ast.Call(ast.Attribute(args[0], sp.path, ast.Load()), args[1:], keywords)
    keywords = [ast.keyword(k, expr_ast(v)) for k, v in e.kwargs]
    return ast.Call(_path(sp.path or prim.name), args, keywords)


def _in_place(s: Assign) -> bool:
    v = s.value
    return isinstance(v, Op) and registry.declared(v.prim, "in_place") and isinstance(s.target, str) and bool(v.args) and v.args[0] == Var(s.target)


_AUGMENTED = {"add": ast.Add, "subtract": ast.Sub}


def _augmented(target: str, index: Expr, value: Expr) -> tuple[ast.operator, Expr] | None:
    """(operator, g) when `value` is `target[index] + g` or `target[index] - g`."""
    if isinstance(value, Op) and value.prim in _AUGMENTED and len(value.args) == 2:
        first = value.args[0]
        if isinstance(first, Op) and first.prim == "getitem" and first.args == (Var(target), index):
            return _AUGMENTED[value.prim](), value.args[1]
    return None


def stmt_ast(s: Stmt) -> list[ast.stmt]:
    """The Python statements for an IR statement."""
    if isinstance(s, Assign):
        v = s.value
        if _in_place(s):
            # The Wengert list models y[i] = v and xs.append(v) as y = setitem(y, i, v): print them as written.
            if v.prim == "setitem":
                target_sub = ast.Subscript(ast.Name(s.target, ast.Load()), index_ast(v.args[1]), ast.Store())
                update = _augmented(s.target, v.args[1], v.args[2])
                if update is not None and v.args[1] == Const(Ellipsis):  # y[...] = y[...] + g (inplace.py): y += g
                    return [ast.AugAssign(ast.Name(s.target, ast.Store()), update[0], expr_ast(update[1]))]
                if update is not None:  # y[i] = y[i] + g (accumulate.py) reads best as y[i] += g
                    return [ast.AugAssign(target_sub, update[0], expr_ast(update[1]))]
                return [ast.Assign([target_sub], expr_ast(v.args[2]))]
            return [ast.Expr(ast.Call(ast.Attribute(ast.Name(s.target, ast.Load()), "append", ast.Load()), [expr_ast(v.args[1])], []))]
        if isinstance(v, Op) and v.prim in STATEMENT_PRINTERS:  # `_ = effect_(...)` (effects.py): as written
            return STATEMENT_PRINTERS[v.prim](v, expr_ast)
        if isinstance(v, Op) and v.prim in ("builtin_print", "assert_"):  # `_ = print(...)` (desugar.py): as written
            if v.prim == "assert_":
                return [ast.Assert(expr_ast(v.args[0]), expr_ast(v.args[1]) if len(v.args) > 1 else None)]
            return [ast.Expr(expr_ast(v))]
        if isinstance(s.target, tuple):
            target: ast.expr = ast.Tuple([ast.Name(n, ast.Store()) for n in s.target], ast.Store())
        else:
            target = ast.Name(s.target, ast.Store())
        return [ast.Assign([target], expr_ast(s.value))]
    if isinstance(s, Return):
        return [ast.Return(expr_ast(s.value))]
    if isinstance(s, ExprStmt):
        return [ast.Expr(expr_ast(s.value))]
    if isinstance(s, Comment):
        return [ast.Expr(ast.Constant(_COMMENT + s.text))]
    if isinstance(s, If):
        return [ast.If(expr_ast(s.test), body_ast(s.body), body_ast(s.orelse) if s.orelse else [])]
    if isinstance(s, For):
        tgt = s.target
        target = ast.Tuple([ast.Name(n, ast.Store()) for n in tgt], ast.Store()) if isinstance(tgt, tuple) else ast.Name(tgt, ast.Store())
        return [ast.For(target, expr_ast(s.iter), body_ast(s.body), [])]
    if isinstance(s, While):
        return [ast.While(expr_ast(s.test), body_ast(s.body), [])]
    if isinstance(s, Break):
        return [ast.Break()]
    raise IRError(f"cannot print statement {s!r}")


def body_ast(body: list[Stmt]) -> list[ast.stmt]:
    """Statements for a block; an empty block becomes `pass`."""
    out = [x for s in body for x in stmt_ast(s)]
    return out or [ast.Pass()]


def function_ast(fn: Function) -> ast.FunctionDef:
    """The `def` for an IR function."""
    args = [ast.arg(p.name) for p in fn.params]
    defaults = []
    seen_default = False
    for p in fn.params:
        if p.default is not None:
            seen_default = True
            defaults.append(const_ast(p.default.value))
        elif seen_default:
            raise IRError(f"parameter {p.name} without default follows one with a default")
    body = body_ast(fn.body)
    if fn.doc:
        body.insert(0, ast.Expr(ast.Constant(fn.doc)))
    kw: dict[str, Any] = {"type_params": []} if "type_params" in ast.FunctionDef._fields else {}
    return ast.FunctionDef(fn.name, ast.arguments([], args, None, [], [], None, defaults), body, [], None, **kw)


def imports(fn: Function) -> list[str]:
    """The import lines the function's text needs to run on its own."""
    roots: set[str] = set()
    helpers: set[str] = set()
    exprs: list[Expr] = []
    for s in walk_stmts(fn.body):
        for attr in ("value", "test", "iter"):
            if hasattr(s, attr):
                e = getattr(s, attr)
                if isinstance(s, Assign) and _in_place(s):
                    exprs.extend(e.args)  # printed as y[i] = v or xs.append(v): no helper is called
                else:
                    exprs.append(e)
    for p in fn.params:
        if p.default is not None and isinstance(p.default.value, float) and p.default.value != p.default.value:
            roots.add("np")
    for e in exprs:
        for sub in walk_expr(e):
            if isinstance(sub, Const) and isinstance(sub.value, float) and (sub.value != sub.value or abs(sub.value) == float("inf")):
                roots.add("np")
            if isinstance(sub, Const) and isinstance(sub.value, type) and sub.value.__module__ == "numpy":
                roots.add("np")
            if isinstance(sub, Op) and any(_has_slice(a) for a in sub.args[1 if registry.PRIMS[sub.prim].spelling.kind == "getitem" else 0:]):
                roots.add("np")
            if isinstance(sub, Op):
                sp = registry.PRIMS[sub.prim].spelling
                if sub.kwargs and sp.kind in ("binop", "unary"):
                    roots.add("np")  # printed as its ufunc, np.multiply(..., out=...)
                if sp.kind == "call" and sp.path:
                    root = sp.path.split(".")[0]
                    if "." in sp.path:
                        roots.add(sp.path.rsplit(".", 1)[0] if root == "scipy" else root)
                    elif hasattr(runtime, sp.path):
                        helpers.add(sp.path)
    lines = []
    if "math" in roots:
        lines.append("import math")
    if "np" in roots:
        lines.append("import numpy as np")
    for r in sorted(roots - {"math", "np"}):
        lines.append(f"import {r}")
    if helpers:
        lines.append(f"from s2sad.runtime import {', '.join(sorted(helpers))}")
    return lines


def to_source(fn: Function, header: bool = False) -> str:
    """Print `fn` as Python source; with `header`, prefix the imports it needs."""
    tree = ast.Module([function_ast(fn)], [])
    ast.fix_missing_locations(tree)
    text = unparse(tree)
    lines = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("'" + _COMMENT, '"' + _COMMENT)):
            indent = line[: len(line) - len(stripped)]
            lines.append(f"{indent}# {stripped[len(_COMMENT) + 1:-1]}")
        else:
            lines.append(line)
    text = "\n".join(lines) + "\n"
    if header:
        head = imports(fn)
        if head:
            text = "\n".join(head) + "\n\n\n" + text
    return text


def line_table(fn: Function, text: str) -> dict[int, int]:
    """Line of `text` (`to_source(fn, ...)`) -> the user's line of the IR statement printed there.

    Read only when generated code fails (`failures.py`), so printing never pays for it: the text is
    parsed again and its statements paired with the IR's, one printed statement per IR statement
    (comments print as `#` lines, which parse to nothing).
    """
    table: dict[int, int] = {}
    try:
        node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == fn.name)
        _pair(fn.body, node.body[1:] if fn.doc else node.body, table)
    except (StopIteration, IndexError, SyntaxError):  # (a partial table still locates what it can)
        pass
    return table


def _pair(stmts: list[Stmt], nodes: list[ast.stmt], table: dict[int, int]) -> None:
    printed = iter(nodes)
    for s in stmts:
        if isinstance(s, Comment):
            continue
        node = next(printed)
        compound = isinstance(s, (If, For, While))
        if s.line is not None:
            for line in range(node.lineno, (node.lineno if compound else node.end_lineno or node.lineno) + 1):
                table[line] = s.line
        if compound:
            _pair(s.body, node.body, table)
            _pair(getattr(s, "orelse", None) or [], node.orelse, table)


nodes.PRINTER = to_source  # `str(fn)` of an `ir.Function` prints through here (nodes.py)
