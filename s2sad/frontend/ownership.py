"""Ownership and aliasing while lowering: which arrays a function may update in place.

Input: the lowerer's stores as it emits them (`_track_owned(name, value)`), loop entries and
exits, and augmented assignments. Output: refusals of in-place updates (`x[i] = v`,
`xs.append(v)`) on arrays the caller can see, and `_ = unshared(v, ...)` guards before
`v += e` where `v` may share its array with another name -- `+=` updates an ndarray in
place while s2sad binds a new value. A mixin of `lower.Lowerer`, which provides `fs`,
`emit`, `depth` and `loops`.
"""
from __future__ import annotations

import ast
from collections import Counter

from ..primitives import registry
from ..ir.convert import describe
from ..errors import UnsupportedSyntaxError
from ..ir import Assign, Const, Expr, Op, Slice, Stmt, Tup, Var


class Ownership:
    """The owned/shared bookkeeping of `lower.Lowerer`."""

    def init_ownership(self) -> None:
        """Start with nothing owned: parameters and their views belong to the caller."""
        self.owned: set[str] = set()  # arrays this function created, which it may update in place
        # Names that may share their object with another name or with the caller (parameters, copies
        # `y = z`, views). `z += e` updates an ndarray in place, which would change the other name too,
        # while s2sad binds a new value: such an update gets a runtime guard (`guard_unshared`).
        self.shared: set[str] = set()
        # Per enclosing loop: names re-bound so far in the current iteration, and names whose stores rely
        # on being owned when the iteration began (so they must still be owned at its end).
        self.frames: list[tuple[set[str], set[str], list[tuple[str, Assign, list[Stmt]]]]] = []
        # Views: which array each view (or view of a view) looks into, and the views that an in-place
        # store `y[i] = v` has since changed under their names -- NumPy shows them the new values, while
        # s2sad's derivative would see the old ones, so reading one is refused (`read_local`).
        self.view_of: dict[str, frozenset[str]] = {}  # a view -> the arrays it may look into (one per path)
        # Views taken with integer indices, `row = A[i]`: a number when A is a vector (`tmp = y[i];
        # y[i] = y[j]; y[j] = tmp` swaps), a view when A has more axes. Which, only the run can tell,
        # so reading one after a store gets a runtime check (`not_a_view`) rather than a refusal.
        self.element_views: set[str] = set()
        self.lists: set[str] = set()  # names surely holding a list: `h = hs[i]` is the list's item, never a view
        # A name that held an array this function made until a copy `y = z` gave it a second name: the other
        # name and the copy, for the refusal of an in-place update to say why (not "the caller's").
        self.aliased: dict[str, tuple[str, str]] = {}
        self.moves: set[int] = set()  # ids of the copies `y = z` that hand z's array over to y (`plan_moves`)
        # Checks of element views read before the loop body re-binds them: a store later in the body
        # changes them for the next iteration. Kept when the loop ends if one did (`leave_loop`).
        self.pending_checks: list[tuple[str, str, Assign, list[Stmt]]] = []  # (name, user, check, body)
        self.stale: dict[str, tuple[str, int | None]] = {}
        self.early_reads: list[set[str]] = []  # per enclosing loop: names read before the body re-binds them
        self.stmt_node: ast.AST | None = None

    def plan_moves(self, body: list[ast.stmt]) -> None:
        """Find the copies `y = z` after which only `y` holds the array: `z` is a local bound once, by an
        assignment earlier in the same block, and read nowhere but in the copy. Lowering a block writes
        `x = f(x)` as `t8 = f(x); x = t8`, so generated code that is differentiated again has such copies
        before its in-place stores; without this they would give the array two names."""
        loads: Counter[str] = Counter()
        stores: Counter[str] = Counter()
        for s in body:
            for node in ast.walk(s):
                if isinstance(node, ast.Name):
                    (loads if isinstance(node.ctx, ast.Load) else stores)[node.id] += 1
                elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                    loads[node.target.id] += 1  # (`z += e` reads z; its target counts as a store)

        def block(stmts: list[ast.stmt]) -> None:
            bound: set[str] = set()  # names an earlier statement of this block assigned
            for s in stmts:
                if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
                    y, z = s.targets[0].id, s.value.id if isinstance(s.value, ast.Name) else None
                    if z is not None and z != y and z in bound and loads[z] == 1 and stores[z] == 1:
                        self.moves.add(id(s))
                    bound.add(y)
                for inner in (getattr(s, "body", None), getattr(s, "orelse", None)):
                    if isinstance(inner, list):
                        block(inner)

        block(body)

    def check_owned(self, name: str, node: ast.AST) -> None:
        """Refuse in-place updates of arrays the caller can see (inputs and their views)."""
        for rebound, relied, _ in reversed(self.frames):
            if name in rebound:
                break
            relied.add(name)
        if name not in self.owned:
            if name in self.aliased:
                other, copy = self.aliased[name]
                message = f"in-place update of {name!r} would change {other!r} too: `{copy}` made them one array"
                hint = f"copy the array where the second name is made: {copy}.copy()"
            elif self.view_of.get(name) and self.view_of[name] <= self.owned:
                # A view (`v = y[:2]`) of an array this function made: the store would change y too.
                root = sorted(self.view_of[name])[0]
                raise self.fs.error(
                    UnsupportedSyntaxError,
                    f"in-place update of {name!r} is a store through a view of the local array {root!r} "
                    f"(it changes {root!r} too); stores through views are not supported yet", node, construct=describe(node),
                    hint=f"store into {root!r} directly, or make {name!r} a copy of the view with .copy()")
            else:
                message = f"in-place update of {name!r} would change an array the caller passed in (or a view of it)"
                hint = f"update a copy instead: {name} = np.array({name})"
            raise self.fs.error(UnsupportedSyntaxError, message + ", which makes the derivative wrong", node,
                                construct=describe(node), hint=hint)

    def enter_loop(self) -> None:
        """Start tracking one loop body's stores."""
        self.depth += 1
        self.loops += 1
        self.frames.append((set(), set(), []))
        self.early_reads.append(set())

    def leave_loop(self, loop: ast.stmt) -> None:
        """A store that relied on ownership from before the iteration must still find it on the next one."""
        self.depth -= 1
        self.loops -= 1
        _, relied, augmented = self.frames.pop()
        early = self.early_reads.pop()
        for name in sorted(early & set(self.stale) - self.element_views):
            # Read at the top of the body, changed by a store further down: the next iteration reads it changed.
            self._stale_error(name, name, loop)
        # An element view read that way keeps its check, naming the store; the others go once no enclosing
        # loop can change them.
        pending = []
        for name, user, check, body in self.pending_checks:
            if name in self.stale:
                body[next(k for k, st in enumerate(body) if st is check)] = self._view_check(user, name, check.line)
            elif self.loops:
                pending.append((name, user, check, body))
            else:
                body[:] = [st for st in body if st is not check]
        self.pending_checks = pending
        for name in sorted(relied - self.owned):
            self.check_owned(name, loop)
        for name, guard, body in augmented:
            if name in self.shared:
                continue
            if self.frames and name not in self.frames[-1][0]:
                self.frames[-1][2].append((name, guard, body))  # the enclosing loop's next iteration decides
            else:
                # No enclosing loop, or its iteration surely re-bound the name before this loop: whatever
                # the enclosing loop shares it with later is gone by the time the `+=` runs again.
                body[:] = [st for st in body if st is not guard]

    def guard_unshared(self, name: str, node: ast.AugAssign) -> Assign:
        """Before `name += e`: a check that `name` is not an array (numbers are re-bound, as s2sad does).

        `aliasing.specialize` drops the check where `name` is known to be a scalar."""
        where = f"{self.fs.filename.rsplit('/', 1)[-1]}:{self.fs.lineno(node)}"
        user = node.target.id  # type: ignore[attr-defined]
        # The check's value is not used: `_ = unshared(...)` takes no temporary's number.
        guard = Assign("_", Op("unshared", (Var(name), Const(user), Const(where))), self.fs.lineno(node))
        self.emit(guard)
        return guard

    def read_local(self, user: str) -> str | None:
        """The IR name of the local `user` reads (None for a global); refuses a view a store has changed."""
        name = self.current.get(user)
        if name is None:
            return None
        if name in self.stale:
            if name in self.element_views:
                self.emit(self._view_check(user, name, self.line))
            else:
                self._stale_error(user, name, self.stmt_node)
        elif self.frames and name in self.element_views and name not in self.frames[-1][0]:
            # Read before this iteration re-binds it: a store further down would change it for the next one.
            check = Assign("_", Op("not_a_view", (Var(name),)), self.line)  # a placeholder until the loop ends
            self.emit(check)
            self.pending_checks.append((name, user, check, self.body))
        for (rebound, _, _), early in zip(reversed(self.frames), reversed(self.early_reads)):
            if name in rebound:
                break
            early.add(name)
        return name

    def merge_views(self, body: dict[str, frozenset[str]], element_views: set[str]) -> None:
        """After an if (the else arm's views current, `body` the other arm's): a view of what either arm left it viewing."""
        for view, roots in body.items():
            self.view_of[view] = self.view_of.get(view, frozenset()) | roots
        # A view in one arm and maybe one in the other: checked at run time, where a real view fails the check.
        self.element_views |= element_views

    def mark_updated(self, name: str, user: str) -> None:
        """Before `user op= e` re-binds `name`: on an ndarray it updates in place, under its element views.

        (Its other views made `name` shared, so the `unshared` guard refuses the update itself.)"""
        for view, roots in self.view_of.items():
            if name in roots and view in self.element_views:
                self.stale[view] = (user, self.line)

    def mark_stale(self, name: str, user: str) -> None:
        """After the in-place store `user[i] = v` into `name`: every view of it now shows other values."""
        for view, roots in self.view_of.items():
            if name in roots:
                self.stale[view] = (user, self.line)

    def _view_check(self, user: str, name: str, line: int | None) -> Assign:
        """`_ = not_a_view(row, 'row', "the update of 'A' on line 9", 'file.py:12')`: an element view
        that a store changed must be a number, not a row of a matrix."""
        base, store = self.stale[name]
        where = f"{self.fs.filename.rsplit('/', 1)[-1]}:{line}"
        return Assign("_", Op("not_a_view", (Var(name), Const(user), Const(f"the update of {base!r} on line {store}"), Const(where))), line)

    def _stale_error(self, user: str, name: str, node: ast.AST | None) -> None:
        base, line = self.stale[name]
        raise self.fs.error(
            UnsupportedSyntaxError,
            f"{user!r} is a view of {base!r}, which the in-place update on line {line} changed; NumPy shows the view "
            "the new values, but s2sad would differentiate the old ones",
            node,
            construct=user,
            hint=f"read {user!r} before the update, or make it a copy where it is taken (.copy())",
        )

    def _track_owned(self, name: str, e: Expr) -> None:
        """Remember whether `name` now holds a fresh array (safe to update in place) or shares one."""
        if self.frames:
            self.frames[-1][0].add(name)
        self.stale.pop(name, None)
        self.view_of.pop(name, None)
        self.element_views.discard(name)
        self.lists.discard(name)
        self.aliased.pop(name, None)
        for view, roots in list(self.view_of.items()):
            if name in roots:  # `name` now holds another array: a store into it no longer reaches the view
                if roots == {name}:
                    del self.view_of[view]
                else:
                    self.view_of[view] = roots - {name}
        if isinstance(e, Var) and id(self.stmt_node) in self.moves and e.name in self.owned:
            # `y = z` where nothing reads z again (`plan_moves`): the array is y's alone
            self.owned.discard(e.name)
            self.owned.add(name)
            self.shared.discard(name)
            if e.name in self.lists:
                self.lists.add(name)
            return
        of_list = isinstance(e, Op) and e.prim == "getitem" and isinstance(e.args[0], Var) and e.args[0].name in self.lists
        if of_list and isinstance(e.args[1], Slice):  # type: ignore[union-attr]
            # `xs[:-1]` of a list is a new list (a popped list, lists.py): nothing else holds it.
            self.owned.add(name)
            self.shared.discard(name)
            self.lists.add(name)
            return
        if isinstance(e, Var) or isinstance(e, Op) and registry.declared(e.prim, "view") and e.args and isinstance(e.args[0], Var) and not of_list:
            base = e.name if isinstance(e, Var) else e.args[0].name  # type: ignore[union-attr]
            self.view_of[name] = self.view_of.get(base, frozenset({base}))
            if e.prim == "getitem" and _integer_index(e.args[1]) if isinstance(e, Op) else base in self.element_views:
                self.element_views.add(name)
        if isinstance(e, Op) and not registry.declared(e.prim, "view") and not registry.PRIMS[e.prim].spelling.kind == "attr":
            self.owned.add(name)
            self.shared.discard(name)
        elif isinstance(e, Tup) and e.kind == "list":
            self.owned.add(name)
            self.shared.discard(name)
            self.lists.add(name)
        elif isinstance(e, Var):
            # `y = z`: one object, two names; neither may be updated in place any more.
            if e.name in self.owned:  # an array this function made: say so if an update is refused
                self.aliased[name], self.aliased[e.name] = (e.name, f"{name} = {e.name}"), (name, f"{name} = {e.name}")
            self.owned.discard(name)
            self.owned.discard(e.name)
            self.shared.update({name, e.name})
        elif isinstance(e, Op) and e.prim == "getitem" and _integer_index(e.args[1]):
            # `v = a[i]`: a number when `a` is a vector (the common case, and `v += e` then re-binds);
            # a row view of a matrix otherwise, which `v += e` would update in place: the guard decides.
            self.owned.discard(name)
            self.shared.add(name)
        elif isinstance(e, Op):  # a view
            self.owned.discard(name)
            self.shared.add(name)
            if e.args and isinstance(e.args[0], Var):
                self.shared.add(e.args[0].name)
        else:  # a constant or a tuple
            self.owned.discard(name)
            self.shared.discard(name)


def _integer_index(index: Expr) -> bool:
    """Whether `a[index]` picks elements (no slice, newaxis or ellipsis), so it is not a view of a vector."""
    parts = index.elts if isinstance(index, Tup) else (index,)
    return not any(isinstance(p, Slice) or isinstance(p, Const) and (p.value is None or p.value is Ellipsis) for p in parts)
