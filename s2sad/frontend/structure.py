"""Structuring: early exits -> nested blocks, before lowering.

Input: the fenced body of an `ast.FunctionDef`. Output: an equivalent body in
which `continue` never appears, every `break` ends the branch it is in, and
the only `return` is the last statement of the function: code after an `if`
whose branch exits moves into the other branch, and a `return` inside a
branch becomes an assignment to the output variable. The reverse sweep of a
structured body simply replays the recorded branch decisions.
"""
from __future__ import annotations

import ast
import copy

from ..errors import UnsupportedSyntaxError
from .source import FunctionSource



def _exits(stmts: list[ast.stmt]) -> bool:
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (ast.Break, ast.Continue, ast.Return, ast.Raise)):
        return True
    return isinstance(last, ast.If) and _exits(last.body) and _exits(last.orelse)


def _may_exit(stmts: list[ast.stmt]) -> bool:
    """Whether some path through `stmts` leaves the block early (return, or break/continue of this loop)."""
    for s in stmts:
        if isinstance(s, (ast.Break, ast.Continue, ast.Return)):
            return True
        if isinstance(s, ast.If) and (_may_exit(s.body) or _may_exit(s.orelse)):
            return True
        if isinstance(s, (ast.For, ast.While)) and any(isinstance(n, ast.Return) for n in ast.walk(s)):
            return True
    return False


def _block(fs: FunctionSource, stmts: list[ast.stmt], in_loop: bool) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for k, s in enumerate(stmts):
        if isinstance(s, ast.Continue):
            return out  # the rest of the iteration is skipped: nothing more to do
        if isinstance(s, (ast.Break, ast.Return)):
            if isinstance(s, ast.Return) and in_loop:
                raise fs.error(UnsupportedSyntaxError, "'return' inside a loop is not supported; use 'break' and return after the loop", s, construct="return in loop")
            out.append(s)
            return out
        if isinstance(s, ast.If):
            rest = stmts[k + 1:]
            body_exits, else_exits = _exits(s.body), _exits(s.orelse)
            if rest and (_may_exit(s.body) or _may_exit(s.orelse)):
                # Some path leaves early: the code after the `if` runs only on the paths that
                # fall through, so it moves into each branch that does not always exit (where
                # the recursion pushes it further in, past any nested early exit).
                if not body_exits:
                    s.body = s.body + copy.deepcopy(rest)
                if not else_exits:
                    s.orelse = s.orelse + copy.deepcopy(rest)
                rest = []
            s.body = _block(fs, s.body, in_loop)
            s.orelse = _block(fs, s.orelse, in_loop)
            out.append(s)
            if body_exits and else_exits or not rest:
                return out
            continue
        if isinstance(s, (ast.For, ast.While)):
            if s.orelse:
                raise fs.error(UnsupportedSyntaxError, f"'else' on a '{'for' if isinstance(s, ast.For) else 'while'}' loop is not supported", s, construct="loop else")
            s.body = _block(fs, s.body, True)
        out.append(s)
    return out


def _strip_trailing_continue(stmts: list[ast.stmt]) -> None:
    """A `continue` left at the tail of a branch does nothing: drop it (after nesting)."""
    for s in stmts:
        if isinstance(s, ast.If):
            s.body = [x for x in s.body if not isinstance(x, ast.Continue)] or [ast.Pass()]
            s.orelse = [x for x in s.orelse if not isinstance(x, ast.Continue)]
            _strip_trailing_continue(s.body)
            _strip_trailing_continue(s.orelse)
        elif isinstance(s, (ast.For, ast.While)):
            _strip_trailing_continue(s.body)


def _returns_to_assignments(stmts: list[ast.stmt], result: str) -> None:
    for i, s in enumerate(stmts):
        if isinstance(s, ast.Return):
            value = s.value if s.value is not None else ast.Constant(None)
            stmts[i] = ast.copy_location(ast.Assign(targets=[ast.copy_location(ast.Name(result, ast.Store()), s)], value=value), s)
        elif isinstance(s, ast.If):
            _returns_to_assignments(s.body, result)
            _returns_to_assignments(s.orelse, result)


def structure(fs: FunctionSource, body: list[ast.stmt], result: str) -> list[ast.stmt]:
    """Restructure `body` so that the function has one exit and loops no `continue`."""
    if not any(isinstance(n, ast.Return) for s in body for n in ast.walk(s)):
        raise fs.error(UnsupportedSyntaxError, f"{fs.name} has no return statement, so there is nothing to differentiate", fs.tree, construct="def")
    body = _block(fs, list(body), False)
    _strip_trailing_continue(body)
    if body and isinstance(body[-1], ast.Return) and not any(
        isinstance(n, ast.Return) for s in body[:-1] for n in ast.walk(s)
    ):
        return body
    # Several returns: each becomes an assignment to one result variable.
    last = body[-1] if body else None
    _returns_to_assignments(body, result)
    anchor = last if last is not None else fs.tree
    ret = ast.copy_location(ast.Return(ast.copy_location(ast.Name(result, ast.Load()), anchor)), anchor)
    body.append(ret)
    return body
