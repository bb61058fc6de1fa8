"""Stage 2, fence: reject syntax s2sad does not differentiate, before any work.

Input: a `FunctionSource`. Output: nothing, or an `UnsupportedSyntaxError`
located at the first offending node, naming the construct. Later stages may
assume every node they meet is in `SUPPORTED_STATEMENTS`/`SUPPORTED_EXPRESSIONS`.
"""
from __future__ import annotations

import ast

from ..ir.convert import construct_kind
from ..errors import UnsupportedSyntaxError
from .source import FunctionSource

SUPPORTED_STATEMENTS: set[type] = {
    ast.Assign, ast.AugAssign, ast.Return, ast.Expr, ast.Pass, ast.If, ast.For, ast.While,
    ast.Break, ast.Continue, ast.Raise,
}

SUPPORTED_EXPRESSIONS: set[type] = {
    ast.Constant, ast.Name, ast.Attribute, ast.BinOp, ast.UnaryOp, ast.Compare,
    ast.Call, ast.Subscript, ast.Slice, ast.Tuple, ast.List, ast.keyword,
    ast.Load, ast.Store, ast.IfExp, ast.BoolOp,
}

_STATEMENT_NAMES = {
    "Try": "'try' statement", "TryStar": "'try' statement", "With": "'with' statement",
    "AsyncWith": "'async with' statement", "AsyncFor": "'async for' loop", "Global": "'global' statement",
    "Nonlocal": "'nonlocal' statement", "Delete": "'del' statement", "ClassDef": "class definition",
    "FunctionDef": "nested function definition", "AsyncFunctionDef": "nested async function",
    "Raise": "'raise' statement", "Assert": "'assert' statement", "Import": "'import' statement",
    "ImportFrom": "'import' statement", "Match": "'match' statement", "If": "'if' statement",
    "For": "'for' loop", "While": "'while' loop", "Break": "'break'", "Continue": "'continue'",
    "AnnAssign": "annotated assignment",
}


def construct_name(node: ast.AST) -> str:
    """The user-facing name of a statement or expression kind."""
    return _STATEMENT_NAMES.get(type(node).__name__) or construct_kind(node)


def check(fs: FunctionSource) -> None:
    """Raise UnsupportedSyntaxError at the first construct s2sad cannot handle."""
    fn = fs.tree
    if isinstance(fn, ast.AsyncFunctionDef):
        raise fs.error(UnsupportedSyntaxError, "async functions are not supported", fn, construct="async def")
    a = fn.args
    if a.vararg is not None:
        raise fs.error(UnsupportedSyntaxError, "*args parameters are not supported", fn, construct="*args")
    if a.kwarg is not None:
        raise fs.error(UnsupportedSyntaxError, "**kwargs parameters are not supported", fn, construct="**kwargs")
    for stmt in fn.body:
        _check_stmt(fs, stmt)


def _check_stmt(fs: FunctionSource, stmt: ast.stmt) -> None:
    if type(stmt) not in SUPPORTED_STATEMENTS:
        what = construct_name(stmt)
        raise fs.error(UnsupportedSyntaxError, f"{what} is not supported", stmt, construct=what)
    if isinstance(stmt, ast.Raise):
        return  # kept in the forward sweep (effects.py); its message may be any expression (an f-string)
    if isinstance(stmt, ast.Expr) and is_append(stmt.value):
        _check_expr(fs, stmt.value)
        return
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, (ast.Yield, ast.YieldFrom)):
        raise fs.error(UnsupportedSyntaxError, "generators (yield) are not supported: s2sad differentiates functions that return a value",
                       stmt, construct="yield")
    if isinstance(stmt, ast.Expr) and not (isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
                                           or isinstance(stmt.value, ast.Call)):  # a call for its effect: effects.py
        raise fs.error(
            UnsupportedSyntaxError,
            "an expression statement (a call made for its side effect) is not supported",
            stmt,
            construct="expression statement",
        )
    for target in getattr(stmt, "targets", []) + ([stmt.target] if isinstance(stmt, ast.AugAssign) else []):
        _check_target(fs, target)
    for child in ast.iter_child_nodes(stmt):
        if isinstance(child, ast.expr) and not (isinstance(stmt, ast.For) and child is stmt.target):
            _check_expr(fs, child)
    if isinstance(stmt, ast.For):
        _check_loop_target(fs, stmt.target)
    for block in ("body", "orelse"):
        for sub in getattr(stmt, block, []) if isinstance(stmt, (ast.If, ast.For, ast.While)) else []:
            _check_stmt(fs, sub)


def is_append(call: ast.expr) -> bool:
    """`xs.append(v)` (`stack.append(v)` in generated code, which s2sad may differentiate again, too)."""
    return (
        isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in ("append", "push")
        and isinstance(call.func.value, ast.Name) and len(call.args) == 1 and not call.keywords
    )


def _check_loop_target(fs: FunctionSource, target: ast.expr) -> None:
    ok = isinstance(target, ast.Name) or (
        isinstance(target, ast.Tuple) and all(
            isinstance(e, ast.Name) or isinstance(e, ast.Tuple) and all(isinstance(x, ast.Name) for x in e.elts) for e in target.elts
        )
    )
    if not ok:
        raise fs.error(UnsupportedSyntaxError, "this loop target is not supported", target, construct="for target")


def _check_target(fs: FunctionSource, target: ast.expr) -> None:
    if isinstance(target, ast.Name):
        return
    if isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
        return
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
        _check_expr(fs, target.slice)
        return
    what = "subscript assignment" if isinstance(target, ast.Subscript) else f"assignment to {construct_name(target)}"
    raise fs.error(UnsupportedSyntaxError, f"{what} is not supported", target, construct=what)


def _check_expr(fs: FunctionSource, node: ast.expr) -> None:
    for sub in ast.walk(node):
        if type(sub) not in SUPPORTED_EXPRESSIONS and not isinstance(sub, (ast.operator, ast.unaryop, ast.cmpop, ast.boolop, ast.expr_context)):
            if getattr(sub, "_s2sad_dictcomp", False):  # what desugar.py made of a dict comprehension pytrees.py did not unroll
                raise fs.error(UnsupportedSyntaxError, "a dict comprehension is supported over a dict, list or tuple argument "
                               "(its keys are known when s2sad generates code) or over range(n) with the index as key, "
                               "not over keys known only at run time", sub, construct="dict comprehension",
                               hint="build a list ([... for k in ks]), or pass a dict argument and loop over params.items()")
            what = construct_name(sub)
            raise fs.error(UnsupportedSyntaxError, f"{what} is not supported", sub, construct=what)
