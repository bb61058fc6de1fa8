"""A user's list used as a stack or a queue: `v = xs.pop()` -> a read and a shorter list.

Input: the lowerer meeting `xs.pop()` (or `xs.pop(0)`, `xs.pop(-1)`) on a list the function
built. Output: two plain statements whose derivatives s2sad already knows,

    v = xs.pop()      ->   t = xs[-1]       (the item it removes: its derivative flows on)
                           xs = xs[:-1]     (the list without it, a new list)

so the popped value keeps its tangent in forward mode, its adjoint reaches the list's adjoint
(and through it the value appended) in reverse mode, and both compose to second order.

s2sad's own generated code saves values on a stack too (`stack = Stack()`, `stack.pop()`):
a name the lowerer saw bound to `Stack()` is that stack, and its pops stay pops. Anything
else is refused at the user's line: a pop from a list the function did not build (the
caller's: popping it would change the caller's list), with another index, or where its place
in the statement would change what the rest of the statement reads.
"""
from __future__ import annotations

import ast
from typing import Any

from ..errors import UnsupportedSyntaxError
from ..ir import Const, Expr, Op, Slice, Var

# Statements a pop may sit in: their other parts are evaluated after the pop is, or not at all.
_PLACES = (ast.Assign, ast.AugAssign, ast.Expr, ast.Return, ast.If)


def lower_method(lw: Any, node: ast.Call) -> Expr | None:
    """The IR for `node` when it is a user list's `.pop()`, else None (the normal method lookup)."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "pop"):
        return None
    recv = func.value
    name = lw.current.get(recv.id) if isinstance(recv, ast.Name) else None
    if name is not None and name in lw.stacks:
        return None  # s2sad's own save stack (generated code read back): a pop, as before
    what = ast.unparse(node)

    def refuse(message: str, hint: str) -> Exception:
        return lw.fs.error(UnsupportedSyntaxError, message, node, construct=what, hint=hint)

    if name is None:
        raise refuse(f"{what}: s2sad differentiates .pop() only on a local list the function builds",
                     "build the list in the function (xs = [] ... xs.append(v)), or index it instead of popping")
    if name not in lw.lists:
        lw.check_owned(name, node)  # the caller's list: popping it would change the caller's list too
        raise refuse(f"{what}: {recv.id!r} is not surely a list the function built here, so s2sad cannot "
                     "differentiate taking an item out of it",
                     "build the list in this function (xs = [] or xs = [a, b]) before popping from it")
    if node.keywords or len(node.args) > 1 or node.args and not (
            isinstance(node.args[0], ast.Constant) and node.args[0].value in (0, -1) and type(node.args[0].value) is int
            or isinstance(node.args[0], ast.UnaryOp) and isinstance(node.args[0].op, ast.USub)
            and isinstance(node.args[0].operand, ast.Constant) and node.args[0].operand.value == 1):
        raise refuse(f"{what}: only xs.pop() (the last item) and xs.pop(0) (the first) are supported",
                     "read the item with xs[i] and rebuild the list without it")
    first = bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value == 0
    stmt = lw.stmt_node
    others = sum(isinstance(n, ast.Name) and n.id == recv.id for n in ast.walk(stmt)) if stmt is not None else 0
    inside_boolop = stmt is not None and any(
        isinstance(b, ast.BoolOp) and any(n is node for n in ast.walk(b)) for b in ast.walk(stmt))
    if not isinstance(stmt, _PLACES) or others > 1 or inside_boolop:
        raise refuse(f"{what} here would be evaluated out of its turn: s2sad differentiates a pop that is "
                     f"the only use of {recv.id!r} in a plain statement (not in a 'while' test or after 'and'/'or')",
                     f"pop into a variable first: v = {what}")
    lw.check_owned(name, node)
    item = lw.fresh()
    lw.flatten(Op("getitem", (Var(name), Const(0 if first else -1))), item)
    rest = Op("getitem", (Var(name), Slice(Const(1), None, None) if first else Slice(None, Const(-1), None)))
    new = lw.bind(recv.id)
    if lw.depth:  # re-bound in place (in a block): through a temporary, as `x = f(x)` is (lower.assign)
        lw.flatten(lw.flatten(rest), new)
    else:
        lw.flatten(rest, new)
    lw._track_owned(new, Const(None))
    # `xs[:-1]` of a list is a new list that nothing else holds: it may be appended to again.
    lw.owned.add(new)
    lw.shared.discard(new)
    lw.lists.add(new)
    return Var(item)
