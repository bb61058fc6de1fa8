"""The `if` statement and the `a if c else b` expression, lowered: a mixin of `lower.Lowerer`.

Input: an `ast.If` statement or `ast.IfExp` node, with the `Lowerer` that is lowering the
function (its `conv`, `emit`, `flatten`, `atomize`, `fresh`, `lower_body` and the ownership
state of `ownership.Ownership`). Output: an `ir.If` statement emitted into the current
body (for an `IfExp`, one that assigns a temporary, returned as a `Var`), with the
ownership state after it merged from both branches.
"""
from __future__ import annotations

import ast

from ..ir import Assign, Expr, If, Op, Stmt, Var, walk_stmts


class BranchLowering:
    """Lowers `if` statements, nested blocks and `IfExp`s (mixed into `lower.Lowerer`)."""

    def _If(self, s: ast.If) -> None:
        test = self.test_atom(self.conv.expr(s.test))
        self.depth += 1
        owned, shared, stale, views = set(self.owned), set(self.shared), dict(self.stale), dict(self.view_of)
        elements, lists = set(self.element_views), set(self.lists)
        rebound = set(self.frames[-1][0]) if self.frames else set()
        body = self.block(s.body)
        owned_body, self.owned = self.owned, owned
        shared_body, self.shared = self.shared, shared  # each branch starts from the state before the if
        stale_body, self.stale = self.stale, stale
        views_body, self.view_of = self.view_of, views
        elements_body, self.element_views = self.element_views, set(elements)
        lists_body, self.lists = self.lists, lists
        if self.frames:
            rebound_body, self.frames[-1] = self.frames[-1][0], (set(rebound), *self.frames[-1][1:])
        orelse = self.block(s.orelse)
        self.owned &= owned_body  # owned after the if only if owned after either branch
        self.shared |= shared_body
        self.stale.update(stale_body)  # changed after the if if changed in either branch
        self.merge_views(views_body, elements_body)
        self.lists &= lists_body  # a list after the if only if a list after either branch
        if self.frames:
            self.frames[-1][0].intersection_update(rebound_body)
        self.depth -= 1
        if isinstance(test, Var) and any(isinstance(x, Assign) and test.name in x.targets for x in walk_stmts(body + orelse)):
            # `if ok: ok = ...`: the backward sweep replays the decision by reading the test again, so it
            # must be a name the branches leave alone
            decided = self.fresh()
            self.emit(Assign(decided, test, self.line))
            test = Var(decided)
        self.emit(If(test, body, orelse, self.fs.lineno(s)))

    def block(self, stmts: list[ast.stmt]) -> list[Stmt]:
        """Lower a nested block into its own statement list."""
        saved, saved_line = self.body, self.line
        self.body = []
        self.lower_body(stmts)
        out, self.body, self.line = self.body, saved, saved_line
        return out

    def test_atom(self, e: Expr) -> Expr:
        """The recorded decision of an `if`: an atom; `and`/`or` tests stay whole, to keep short-circuiting."""
        if isinstance(e, Op) and e.prim in ("and_", "or_"):
            name = self.fresh()
            self.emit(Assign(name, e, self.line))
            return Var(name)
        return self.atomize(e)

    def lower_ifexp(self, node: ast.IfExp) -> Expr:
        """`a if c else b` becomes an if statement assigning one temporary."""
        test = self.test_atom(self.conv.expr(node.test))
        name = self.fresh()
        self.depth += 1
        body, orelse = [], []
        for branch, out in ((node.body, body), (node.orelse, orelse)):
            saved = self.body
            self.body = out
            self.flatten(self.conv.expr(branch), name)
            self.body = saved
        self.depth -= 1
        self.emit(If(test, body, orelse, self.line))
        return Var(name)
