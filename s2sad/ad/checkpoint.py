"""Gradient checkpointing: `s2sad.checkpoint` marks a helper whose forward is recomputed.

Input: a plain Python function (the helper). Output: the same function, marked.
A call to a checkpointed helper inside a differentiated function is recorded
by its inputs only: the caller's forward sweep calls the helper itself and
saves nothing from inside it, and the caller's backward sweep calls the
helper's generated adjoint, which runs the helper's forward sweep again from
those inputs before its backward sweep (the lectures' memory/compute trade:
a loop of n checkpointed steps keeps n step *inputs*, not every intermediate
of every step). The generated caller says so in a comment above the call:

    x = stack.pop()
    # checkpoint: step_vjp runs step's forward again from its inputs (x, w)
    x_bar_step, w_bar_step = step_vjp(x, w, t1_bar)

s2sad never inlines a helper, so every helper call is evaluated this way;
the mark makes the choice explicit in the source and in the generated code
and keeps it if the default for unmarked helpers ever changes to storing
their intermediates. Writing the step inline instead of calling a helper
is what "no checkpointing" means here: then every intermediate is recorded.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, TypeVar

from ..errors import InputError
from ..ir import Assign, Comment, For, Function, If, Op, Stmt, Tup, Var, While

F = TypeVar("F", bound=Callable[..., Any])

MARK = "__s2sad_checkpoint__"


def checkpoint(fn: F) -> F:
    """Mark the helper `fn` for checkpointing; returns `fn` itself, which still calls as before."""
    if not inspect.isfunction(fn):
        raise InputError(
            f"s2sad.checkpoint marks a plain Python function, not {type(fn).__name__}",
            construct="checkpoint",
        )
    setattr(fn, MARK, True)
    return fn


def is_checkpointed(fn: Any) -> bool:
    """True for a function marked with `s2sad.checkpoint`."""
    return bool(getattr(fn, MARK, False))


def annotate(fn: Function) -> Function:
    """The adjoint `fn` with a comment above each call of a checkpointed helper's adjoint.

    Input: a generated adjoint program. Output: the same program; before each
    `a_bar_h, b_bar_h = h_vjp(a, b, t_bar)` whose helper `h` is marked, a line
    `# checkpoint: h_vjp runs h's forward again from its inputs (a, b)`.
    """
    helpers = _checkpointed_helpers(fn)
    if not helpers:
        return fn

    def visit(body: list[Stmt]) -> list[Stmt]:
        out: list[Stmt] = []
        for s in body:
            if isinstance(s, If):
                s = If(s.test, visit(s.body), visit(s.orelse), s.line)
            elif isinstance(s, For):
                s = For(s.target, s.iter, visit(s.body), s.line)
            elif isinstance(s, While):
                s = While(s.test, visit(s.body), s.line)
            elif isinstance(s, Assign) and isinstance(s.value, Op):
                helper = _adjoint_of(s.value.prim, helpers)
                if helper is not None:
                    n = len(inspect.signature(helper).parameters)
                    inputs = ", ".join(show(a) for a in s.value.args[:n])
                    text = f"checkpoint: {s.value.prim} runs {helper.__name__}'s forward again from its inputs ({inputs})"
                    out.append(Comment(text, s.line))
            out.append(s)
        return out

    return Function(fn.name, fn.params, visit(fn.body), fn.doc, fn.meta)


def _checkpointed_helpers(fn: Function) -> dict[str, Callable[..., Any]]:
    """Spelling of each checkpointed helper that `fn` calls -> the helper."""
    from ..primitives import registry
    from ..ir import walk_expr, walk_stmts

    out: dict[str, Callable[..., Any]] = {}
    for s in walk_stmts(fn.body):
        value = getattr(s, "value", None)
        for e in walk_expr(value) if value is not None else ():
            if isinstance(e, Op):
                prim = registry.PRIMS.get(e.prim)
                if prim is not None and prim.user_fn is not None and is_checkpointed(prim.user_fn):
                    out[prim.spelling.path] = prim.user_fn
    return out


def _adjoint_of(name: str, helpers: dict[str, Callable[..., Any]]) -> Callable[..., Any] | None:
    """The helper whose generated adjoint is called `name` (`step_vjp`, `step_vjp_x`), if any."""
    for path, helper in helpers.items():
        if name == f"{path}_vjp" or name.startswith(f"{path}_vjp_"):
            return helper
    return None


def show(e: Any) -> str:
    """`e` as the comments above a checkpointed call print it: a name, a tuple of them, or its Python text."""
    if isinstance(e, Var):
        return e.name
    if isinstance(e, Tup):
        return "(" + ", ".join(show(x) for x in e.elts) + ")"
    from ..ir.emit import expr_ast
    import ast

    return ast.unparse(expr_ast(e))
