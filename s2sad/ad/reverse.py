"""Stage 5, reverse: a Wengert list -> its adjoint program (reverse mode).

Input: a `Lowered` function, the `wrt` parameter names, the scalar parameters
and a variant ("vjp" returns the adjoints of `wrt`; "value_and_grad" returns
`(value, adjoints)`). Output: an `ir.Function` taking the primal parameters
plus one seed adjoint per output (`loss_bar=1.0` for a single output), whose
body is the forward sweep followed by the backward sweep.

Backward sweep: statements in reverse order; each active argument receives the
contribution its primitive's VJP template gives. The first contribution to
`x_bar` assigns, later ones accumulate. Branches replay the recorded decision
(`if t3:`); loops run backwards (`for i in reversed(range(n))`, or
`for _ in range(trips)` when the trip count depends on values).

Generation-time passes run here: the layouts' shape facts (`layouts.py`), `simplify.py` on each
rule's template, and `recompute.py` with the policy given as an argument (the pass manager,
`passes/manager.py`, decides it; this module reads no switches).

Forward sweep: the primal statements, plus a `stack` holding exactly what the
backward sweep reads and the forward sweep overwrites. An assignment inside a
loop or branch that overwrites a value some earlier statement's adjoint reads
is preceded by `stack.append(x)`; its adjoint is followed by `x = stack.pop()`.
Trip counts of `while` loops and loops with `break` are counted the same way.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..ir import failures
from . import recompute, revolve
from .recompute import Restore
from ..analysis import recording
from ..primitives import registry
from ..analysis.activity import Activity, analyze
from .calls import call_adjoint
from ..errors import S2SADError, UnsupportedSyntaxError
from ..ir import (
    Assign,
    Break,
    Comment,
    Const,
    Expr,
    ExprStmt,
    For,
    Function,
    If,
    Op,
    Param,
    Return,
    Stmt,
    Tup,
    Var,
    While,
    names_read,
    substitute,
    walk_expr,
    walk_stmts,
)
from ..frontend.lower import Lowered
from ..ir.naming import Namer, used_names
from ..analysis.layouts import Facts, Layouts, describe, facts as layout_facts
from ..analysis.shapes import infer, shape_fn
from .simplify import simplify, spread_meets_its_shape
from ..rules.indexing import basic_stores
from ..ir.template import bind, instantiate

VARIANTS = ("vjp", "value_and_grad")


@dataclass
class _Loop:
    """What the forward sweep must add around one loop."""

    counter: str | None = None  # trip counter, for while loops and loops with break
    push_counter: bool = False  # a counter inside another loop is saved once per run of this loop
    push_target: bool = False  # whether the loop variable is saved each iteration
    inits: list[str] = field(default_factory=list)


def _zero(name: str) -> Expr:
    return Op("zeros_like", (Var(name),))


def _has_break(body: list[Stmt]) -> bool:
    for s in body:
        if isinstance(s, Break):
            return True
        if isinstance(s, If) and (_has_break(s.body) or _has_break(s.orelse)):
            return True
    return False


def _assigned(body: list[Stmt]) -> set[str]:
    return {t for s in walk_stmts(body) if isinstance(s, Assign) for t in s.targets} | {
        s.target for s in walk_stmts(body) if isinstance(s, For) and isinstance(s.target, str)
    }


class Reverse:
    """Builds the adjoint of one lowered function."""

    def __init__(self, low: Lowered, wrt: tuple[str, ...], scalars: set[str], variant: str, layouts: dict | None = None,
                 recompute: str = "balanced") -> None:
        self.low, self.wrt, self.variant, self.layouts = low, wrt, variant, layouts or {}
        self.policy = recompute  # what the forward sweep recomputes instead of saving (recompute.py)
        self.scalars = set(scalars)
        fn = low.fn
        for x in walk_stmts(fn.body):
            if isinstance(x, Assign) and isinstance(x.value, Op) and x.value.prim == "pop":
                raise UnsupportedSyntaxError(
                    f"reverse mode over the generated adjoint {fn.name}, which saves values on a stack, is not supported",
                    construct=fn.name,
                    hint="differentiate it in forward mode instead: s2sad.hessian, s2sad.hvp or s2sad.jvp(s2sad.grad(f), ...)",
                )
        try:
            self.act: Activity = analyze(fn, set(wrt), low.outputs, "reverse")
        except S2SADError as err:  # a user primitive without a rule for a varied argument
            failures.place(err, None, low.source)
            raise
        self.primal_names = used_names(fn) | set(low.globals_used)
        self.bar = Namer(self.primal_names, "bar")
        env = infer(fn, scalars)
        env.update({self.bar(v): s for v, s in list(env.items())})  # an adjoint has its variable's shape
        # Given the arguments' layouts, the simplifier also writes out the broadcasts and products they decide.
        self.shape = layout_facts(fn, env, {**self.layouts, **{n: () for n in scalars}}) if self.layouts else shape_fn(env)
        self.reads: dict[int, set[str]] = {}  # forward statement -> primal names its adjoint reads
        self.loops: dict[int, _Loop] = {}
        self.stack = self.bar.fresh("stack")
        self.depth_of: dict[int, int] = {}  # loop -> how many loops enclose it
        self.copied_views: dict[int, str] = {}  # `t = a[i]` taken as a copy, and how (see `recording.views_to_copy`)
        self.tapes: dict[int, Stmt] = {}  # a checkpointed loop's call -> its forward sweep, keeping snapshots (revolve.py)
        bindings = Counter(p.name for p in fn.params)
        for x in walk_stmts(fn.body):
            if isinstance(x, Assign):
                bindings.update(x.targets)
            elif isinstance(x, For):
                bindings.update(x.target if isinstance(x.target, tuple) else (x.target,))
        self.rebound = {v for v, n in bindings.items() if n > 1}  # names that may hold values of different shapes
        _loop_depths(fn.body, 0, self.depth_of)

    # -- backward sweep ----------------------------------------------------------------
    def block(self, stmts: list[Stmt], defined: set[str]) -> list:
        """The backward sweep of a block; `defined` holds adjoints that have a value."""
        out: list = []
        for s in reversed(stmts):
            if isinstance(s, Assign):
                try:
                    self.assign(s, defined, out)
                except S2SADError as err:  # a rule refused its arguments: said at this statement's line
                    failures.place(err, s.line, self.low.source)
                    raise
                out.append(Restore(s))
            elif isinstance(s, If):
                out.extend(self.branch(s, defined))
            elif isinstance(s, (For, While)):
                out.extend(self.loop(s, defined))
            elif isinstance(s, (Break, Comment)):
                continue
            else:
                raise UnsupportedSyntaxError(f"cannot reverse {type(s).__name__}")  # pragma: no cover
        return out

    def _read(self, s: Stmt, exprs: list[Expr]) -> None:
        names = set()
        for e in exprs:
            names |= {v.name for v in walk_expr(e) if isinstance(v, Var)}
        self.reads.setdefault(id(s), set()).update(names & self.primal_names)

    def assign(self, s: Assign, defined: set[str], out: list) -> None:
        """Adjoint statements of one assignment, appended to `out`."""
        if s.value == Var(s.target):  # type: ignore[arg-type]
            return  # `x = x` changes nothing: x_bar stays as it is (recording.saved keeps nothing for it)
        bars = [self.bar(t) for t in s.targets]
        if not any(b in defined for b in bars):
            return
        line = s.line
        if isinstance(s.target, tuple):
            for t, b in zip(s.targets, bars):
                if b not in defined:  # an output of a tuple-valued primitive that nothing used
                    out.append(Assign(b, self._zero(t), line))
                    defined.add(b)
            g: Expr = Tup(tuple(Var(b) for b in bars))
            ans: Expr = Tup(tuple(Var(t) for t in s.targets))
        else:
            g, ans = Var(bars[0]), Var(s.target)
        parts: list[tuple[Expr, Expr]] = []  # (argument, its adjoint contribution)
        value = s.value
        varied = self.act.varied
        if isinstance(value, Var):
            if value.name in varied:
                parts.append((value, g))
        elif isinstance(value, Tup):
            parts += [(e, Op("getitem", (g, Const(i)))) for i, e in enumerate(value.elts) if isinstance(e, Var) and e.name in varied]
        elif isinstance(value, Op):
            prim = registry.PRIMS[value.prim]
            if prim.user_fn is not None:
                if revolve.is_loop(prim.user_fn):  # a checkpointed loop: its adjoint is a revolve schedule
                    stmts, parts = revolve.call_adjoint(self, s, value, g, defined)
                else:
                    stmts, parts = call_adjoint(self, s, value, g, defined)
                out.extend(stmts)
                self._read(s, [x.value for x in stmts if isinstance(x, Assign)])
            elif not prim.nondiff:
                mapping = bind(prim, value)
                mapping.update(g=g, ans=ans)
                for i, p in enumerate(prim.params):
                    arg = mapping[p]
                    rule = prim.vjp[i] if i < len(prim.vjp) else None
                    if rule is not None and names_read(arg) & varied:
                        parts.append((arg, simplify(basic_stores(instantiate(rule, mapping), self.shape), self.shape)))
        # The target's old value is a different variable: its adjoint starts again from zero.
        for b in bars:
            defined.discard(b)
        parts = _merge_same_argument(parts, self.shape)
        parts.sort(key=lambda p: isinstance(p[0], Var) and p[0].name in s.targets)
        self._read(s, [e for _, e in parts])
        for arg, expr in parts:
            if isinstance(arg, Var):
                self.contribute(arg.name, expr, defined, out, line)
            elif isinstance(arg, Tup):
                # A sequence argument (np.stack([a, b])): split its adjoint among the elements.
                seq = self.bar.fresh("seq_bar")
                out.append(Assign(seq, expr, line))
                for k, e in enumerate(arg.elts):
                    if isinstance(e, Var) and e.name in varied:
                        self.contribute(e.name, Op("getitem", (Var(seq), Const(k))), defined, out, line)

    def contribute(self, name: str, expr: Expr, defined: set[str], out: list, line: int | None) -> None:
        """`name_bar = expr` for the first contribution, `name_bar = name_bar + expr` after."""
        nb = self.bar(name)
        if nb in defined:
            negated, rest = _split_negation(expr)
            op = "subtract" if negated else "add"
            out.append(Assign(nb, spread_meets_its_shape(op, Var(nb), rest, self.shape) or Op(op, (Var(nb), rest)), line))
        else:
            out.append(Assign(nb, expr, line))
            defined.add(nb)

    def branch(self, s: If, defined: set[str]) -> list:
        """Replay the recorded decision; both branches leave the same adjoints defined."""
        self._read(s, [s.test])
        d_a, d_b = set(defined), set(defined)
        body, orelse = self.block(s.body, d_a), self.block(s.orelse, d_b)
        for names, other in ((d_a - d_b, orelse), (d_b - d_a, body)):
            for nb in sorted(names):
                other.append(Assign(nb, self._zero(self._primal(nb)), s.line))
        # Those zeros take the shape the primal had on entry to the if: where it is re-bound (a swap of
        # an array and a number, say), the value it had there must be restored first.
        self._read(s, [Var(v) for v in map(self._primal, d_a ^ d_b) if v in self.rebound])
        defined.clear()
        defined.update(d_a | d_b)
        if not body and not orelse:
            return []
        if not body:
            return [If(Op("not_", (s.test,)), orelse, [], s.line)]
        return [If(s.test, body, orelse, s.line)]

    def _zero(self, name: str) -> Expr:
        """The zero adjoint of `name`: `0.0` for a number parameter the body never re-binds."""
        if name in self.scalars and name not in self.rebound:
            return Const(0.0)
        return _zero(name)

    def _primal(self, bar_name: str) -> str:
        return next(v for v, b in self.bar.names.items() if b == bar_name)

    def loop(self, s: For | While, defined: set[str]) -> list:
        """Run the iterations backwards, with adjoints consistent from one iteration to the next."""
        info = self.loops.setdefault(id(s), _Loop())
        pre: set[str] = set()
        while True:
            start = set(defined) | pre
            d = set(start)
            body = self.block(s.body, d)
            grown = d - start
            if not grown:
                break
            pre |= grown  # accumulated across iterations: must start from zero before the loop
        for nb in sorted(start - d):
            body.append(Assign(nb, self._zero(self._primal(nb)), s.line))  # killed here, read next iteration
        out: list = [Assign(nb, self._zero(self._primal(nb)), s.line) for nb in sorted(pre - defined)]
        # The zeros take their shapes from the primal at the iteration's start and at the loop's end.
        # Where it is re-bound (to another shape, perhaps), those values must be restored first: a read
        # by any statement of the body counts as a read anywhere in an iteration.
        inside = next((x for x in walk_stmts(s.body) if isinstance(x, (Assign, If))), None)
        if inside is not None:
            self._read(inside, [Var(v) for v in map(self._primal, start - d) if v in self.rebound])
        self._read(s, [Var(v) for v in map(self._primal, pre - defined) if v in self.rebound])
        defined.clear()
        defined.update(start)
        body_assigned = _assigned(s.body)
        counted = isinstance(s, While) or _has_break(s.body) or (
            isinstance(s, For) and names_read(s.iter) & body_assigned
        )
        if not counted:
            assert isinstance(s, For)
            self.reads.setdefault(id(s), set()).update(names_read(s.iter) & self.primal_names)
            back = s.iter.args[0] if isinstance(s.iter, Op) and s.iter.prim == "reversed" else Op("reversed", (s.iter,))
            out.append(For(s.target, back, body or [], s.line))  # a user's reversed(range) runs forwards
            return out
        info.counter = info.counter or self.bar.fresh("trips")
        self.reads.setdefault(id(s), set()).add(info.counter)
        if isinstance(s, For) and s.target in set().union(*(self.reads.get(id(x), set()) for x in walk_stmts(s.body))):
            info.push_target = True
            body.insert(0, Assign(s.target, Op("pop", (Var(self.stack),)), s.line))
        if self.depth_of.get(id(s), 0):
            info.push_counter = True
            out.append(Assign(info.counter, Op("pop", (Var(self.stack),)), s.line))
        out.append(For("_", Op("range", (Var(info.counter),)), body or [], s.line))
        return out

    def saved(self, primal: list[Stmt]) -> set[int]:
        """Ids of assignments whose overwritten value some earlier adjoint reads (see `recording.saved`)."""
        counters = {info.counter for info in self.loops.values() if info.counter}
        return recording.saved(primal, {p.name for p in self.low.fn.params}, self.reads, counters)

    def forward(self, stmts: list[Stmt], saved: set[int], inits: set[str], loop: _Loop | None, target: str | None) -> list[Stmt]:
        """The primal statements with pushes before saved overwrites and trip counting."""
        out: list[Stmt] = []
        push = lambda e: ExprStmt(Op("push", (Var(self.stack), e)))  # noqa: E731
        for s in stmts:
            if isinstance(s, Assign):
                if id(s) in saved:
                    in_place = isinstance(s.value, Op) and registry.declared(s.value.prim, "in_place")
                    for name in s.targets:
                        out.append(push(Op("copy_", (Var(name),)) if in_place else Var(name)))
                copy = self.copied_views.get(id(s))
                out.append(Assign(s.target, Op(copy, (s.value,)), s.line) if copy else self.tapes.get(id(s), s))
            elif isinstance(s, If):
                # Each arm initialises the loop names it needs (the tail after an early return is copied into
                # every arm); after the If, a name is initialised only if both arms did it.
                then_inits, else_inits = set(inits), set(inits)
                out.append(If(s.test, self.forward(s.body, saved, then_inits, loop, target), self.forward(s.orelse, saved, else_inits, loop, target), s.line))
                inits.intersection_update(then_inits | else_inits)
            elif isinstance(s, (For, While)):
                info = self.loops.get(id(s), _Loop())
                for name in sorted(_assigned(s.body) & inits):
                    out.append(Assign(name, Const(None), s.line))
                    inits.discard(name)
                inner = self.forward(s.body, saved, inits, info, s.target if isinstance(s, For) else None)
                if info.counter:
                    out.append(Assign(info.counter, Const(0), s.line))
                    inner.insert(0, Assign(info.counter, Op("add", (Var(info.counter), Const(1))), s.line))
                if info.push_target:
                    inner.append(push(Var(s.target)))  # type: ignore[arg-type]
                out.append(For(s.target, s.iter, inner, s.line) if isinstance(s, For) else While(s.test, inner, s.line))
                if info.push_counter:
                    out.append(push(Var(info.counter)))
            elif isinstance(s, Break):
                if loop is not None and loop.push_target and target is not None:
                    out.append(push(Var(target)))
                out.append(s)
            else:
                out.append(s)
        return out

    def _finish(self, stmts: list, saved: set[int]) -> list[Stmt]:
        out: list[Stmt] = []
        for s in stmts:
            if isinstance(s, Restore):
                if id(s.stmt) in saved:
                    for name in reversed(s.stmt.targets):
                        out.append(Assign(name, Op("pop", (Var(self.stack),)), s.stmt.line))
            elif isinstance(s, If):
                body, orelse = self._finish(s.body, saved), self._finish(s.orelse, saved)
                if body or orelse:
                    out.append(If(s.test, body, orelse, s.line) if body else If(Op("not_", (s.test,)), orelse, [], s.line))
            elif isinstance(s, For):
                out.append(For(s.target, s.iter, self._finish(s.body, saved), s.line))
            else:
                out.append(s)
        return out

    # -- the whole adjoint ----------------------------------------------------------------
    def run(self) -> Function:
        """Generate the adjoint function."""
        low, fn = self.low, self.low.fn
        ret = fn.body[-1]
        assert isinstance(ret, Return)
        primal = fn.body[:-1]
        seeds = [self.bar(o) for o in low.outputs]
        single = len(low.outputs) == 1 and not low.tuple_output
        params = list(fn.params) + [Param(s, Const(1.0) if single else None) for s in seeds]
        if any(p.default is not None for p in fn.params) and not single:
            params = [Param(p.name, p.default or Const(None)) if p.name in seeds else p for p in params]
        defined = {self.bar(o) for o in low.outputs if o in self.act.active}
        backward = self.block(primal, defined)
        self.copied_views = recording.views_to_copy(primal, self.reads, {p.name for p in fn.params})
        saved = recompute.apply(self, primal, backward, self.saved(primal), self.policy)  # cheap values: recompute, not store
        first_defined = recording.first_in_loops(primal, {p.name for p in fn.params})
        inits = {t for s in walk_stmts(primal) if isinstance(s, Assign) and id(s) in saved for t in s.targets} & first_defined
        forward = self.forward(primal, saved, inits, None, None)
        body: list[Stmt] = [Comment("forward sweep")]
        if any(isinstance(x, ExprStmt) for x in walk_stmts(forward)):
            body.append(Assign(self.stack, Op("Stack", ())))
        body += forward
        value = ret.value
        if self.variant == "value_and_grad":
            # The backward sweep pops earlier values back into restored names: keep the outputs first.
            restored = {t for s in walk_stmts(primal) if isinstance(s, Assign) and id(s) in saved for t in s.targets}
            keep: dict[str, Expr] = {}
            for o in low.outputs:
                if o in restored:
                    copy = self.bar.fresh(f"{o}_value")
                    body.append(Assign(copy, Var(o)))
                    keep[o] = Var(copy)
            if keep:
                value = substitute(value, keep)
        body.append(Comment("backward sweep"))
        body += self._finish(backward, saved)
        grads: list[Expr] = []
        rebound = _assigned(primal)
        for w in self.wrt:
            if self.bar(w) not in defined:
                # This input does not influence the output: its adjoint is zero (shaped like the
                # argument, so taken before the body re-binds the name).
                if w in rebound:
                    zero = self.bar.fresh(f"{w}_zero")
                    body.insert(0, Assign(zero, _zero(w)))
                    body.append(Assign(self.bar(w), Var(zero)))
                else:
                    body.append(Assign(self.bar(w), self._zero(w)))
            grads.append(Var(self.bar(w)))
        result: Expr = grads[0] if len(self.wrt) == 1 else Tup(tuple(grads))
        if self.variant == "value_and_grad":
            result = Tup((value, result))
        body.append(Return(result, ret.line))
        doc = f"Reverse mode (adjoint) of {fn.name} with respect to {', '.join(self.wrt)}."
        meta: dict = {}
        if isinstance(self.shape, Facts):
            sentence = describe({p.name: self.layouts[p.name] for p in fn.params if p.name in self.layouts})
            # The code is right only for arrays like these (`aliasing` may have dropped a check relying on them too).
            if self.shape.used or fn.meta.get("layout_checks"):
                doc += "\n\n    " + sentence
            # Names the layouts show are NumPy arrays (computed from the array arguments) and every name's
            # layout, for `scalar_adjoints`, with the sentence to add should it rely on them.
            meta = {"arrays": self.shape.arrays(), "layouts": self.shape.names, "specialised": sentence}
        return Function(f"{fn.name}_{self.variant}", params, body, doc, meta)


def _merge_same_argument(parts: list[tuple[Expr, Expr]], shape) -> list[tuple[Expr, Expr]]:  # type: ignore[no-untyped-def]
    """`x * x`: both contributions to x_bar go on one line."""
    merged: list[tuple[Expr, Expr]] = []
    for arg, expr in parts:
        for k, (other, total) in enumerate(merged):
            if isinstance(arg, Var) and arg == other:
                merged[k] = (arg, simplify(Op("add", (total, expr)), shape))
                break
        else:
            merged.append((arg, expr))
    return merged


def _split_negation(e: Expr) -> tuple[bool, Expr]:
    """(True, a * b) for -a * b, so accumulation reads `x_bar - a * b` rather than `x_bar + -a * b`."""
    if isinstance(e, Op) and e.prim == "negative":
        return True, e.args[0]
    if isinstance(e, Op) and e.prim in ("multiply", "divide"):
        negated, first = _split_negation(e.args[0])
        if negated:
            return True, Op(e.prim, (first, *e.args[1:]), e.kwargs)
    return False, e


def _loop_depths(body: list[Stmt], depth: int, out: dict[int, int]) -> None:
    for s in body:
        if isinstance(s, (For, While)):
            out[id(s)] = depth
            _loop_depths(s.body, depth + 1, out)
        elif isinstance(s, If):
            _loop_depths(s.body, depth, out)
            _loop_depths(s.orelse, depth, out)


def reverse(low: Lowered, wrt: tuple[str, ...], scalars: set[str] = frozenset(), variant: str = "vjp",  # type: ignore[assignment]
            layouts: Layouts = frozenset(), recompute: str = "balanced") -> Function:
    """Generate the adjoint of `low.fn` with respect to the parameters `wrt` (`layouts`: see `layouts.py`;
    `recompute`: the policy of `recompute.py`, which the pass manager gives from `s2sad.optimize`)."""
    return Reverse(low, wrt, set(scalars), variant, dict(layouts), recompute).run()
