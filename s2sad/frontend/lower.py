"""Stage 3, lower: a fenced `ast.FunctionDef` -> a Wengert list (`ir.Function`).

Input: a `FunctionSource` that passed the fence. Output: a `Lowered` record
whose `fn` is three-address code -- every statement applies one primitive to
names and constants (`ir.check_wengert` holds) -- plus the globals it reads.

Naming: user names are kept; sub-expressions get temporaries `t1, t2, ...`
numbered in evaluation order, skipping names the user already uses; the
outermost operation of `return <expr>` is named after the function (the
lecture's `L`). A re-bound name gets a version suffix (`x`, `x_1`, ...), so
straight-line code is in single-assignment form and the adjoint can read every
intermediate value.

`if` statements and `a if c else b` are lowered by the `BranchLowering` mixin
(`lower_branches.py`).

Service slot: `USER_PRIMITIVE(obj, fs, node)`, the primitive standing for a call to another Python function
(`ad/calls.py` `user_primitive`, which generates its derivatives); the driver (`driver/pipeline.py`) fills it
at its import.
"""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field
from typing import Any, Callable

from . import effects, fence, lists
from ..primitives import registry
from ..ir.convert import Converter, describe
from ..errors import UnsupportedSyntaxError
from .lower_branches import BranchLowering
from .ownership import Ownership
from ..ir import (
    Assign,
    Break,
    Const,
    Expr,
    ExprStmt,
    For,
    Function,
    Op,
    Param,
    Return,
    Slice,
    Stmt,
    Tup,
    Var,
    While,
    check_wengert,
    names_read,
)
from .source import FunctionSource, get_source
from .structure import structure
from ..rules.construction import cast_constant

# `ad.calls.user_primitive`: a helper function's primitive, set by the driver at its import (see above).
USER_PRIMITIVE: Callable[[Any, FunctionSource, ast.AST], Any] | None = None

_LITERALS = (int, float, bool, str, type(None))


@dataclass
class Lowered:
    """A lowered function: the Wengert list plus what is needed to run it."""

    fn: Function
    source: FunctionSource
    globals_used: dict[str, Any] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()
    tuple_output: bool = False


class Lowerer(Ownership, BranchLowering):
    """Flattens converted expressions into single-primitive assignments."""

    def __init__(self, fs: FunctionSource) -> None:
        self.fs = fs
        self.body: list[Stmt] = []
        self.current: dict[str, str] = {}
        self.reserved: set[str] = {n.id for n in ast.walk(fs.tree) if isinstance(n, ast.Name)}
        self.versions: dict[str, int] = {}  # name -> the last k of `name_k` that `bind` tried (reserved only grows)
        self.temp_count = 0
        self.line: int | None = None
        self.conv = Converter(fs.resolve, self.read_local, fs.error)
        self.conv.ifexp = self.lower_ifexp
        self.conv.attribute = fs.resolve_attribute
        self.conv.user_call = self.user_call
        self.conv.method_call = lambda node: lists.lower_method(self, node)  # a user list's .pop() (lists.py)
        self.depth = 0  # > 0 inside if/for/while: names are re-bound in place, not versioned
        self.loops = 0
        self.init_ownership()
        self.counters: set[str] = set()
        self.stacks: set[str] = set()  # names bound to `Stack()` in generated code: their appends are pushes

    # -- names ---------------------------------------------------------------
    def fresh(self) -> str:
        """A new temporary name `tN` that the user does not use."""
        while True:
            self.temp_count += 1
            name = f"t{self.temp_count}"
            if name not in self.reserved:
                self.reserved.add(name)
                return name

    def bind(self, name: str) -> str:
        """The SSA name for a new binding of user variable `name`."""
        if self.depth and name in self.current:
            return self.current[name]
        if name not in self.current:
            self.current[name] = name
            return name
        k = self.versions.get(name, 0)  # every smaller k is reserved already: one name per binding, not a scan from 1
        while True:
            k += 1
            candidate = f"{name}_{k}"
            if candidate not in self.reserved:
                self.reserved.add(candidate)
                self.current[name] = candidate
                self.versions[name] = k
                return candidate

    # -- flattening ------------------------------------------------------------
    def emit(self, stmt: Stmt) -> None:
        """Append a statement to the Wengert list."""
        self.body.append(stmt)

    def flatten(self, e: Expr, target: str | tuple[str, ...] | None = None) -> Expr:
        """Emit `e` one primitive per line; return the atom holding its value."""
        if isinstance(e, Op):
            args = tuple(self.atomize(a) for a in e.args)
            kwargs = tuple((k, self.atomize(v)) for k, v in e.kwargs)
            dtype = dict(kwargs).get("dtype", args[1] if len(args) > 1 else None) if e.prim in ("array", "asarray") else None
            if dtype is not None and not isinstance(dtype, Const) and len(args) + len(kwargs) == 2:
                # `np.asarray(x, dtype=dt)` with a dtype known only at run time: `np.asarray(x).astype(dt)`,
                # whose rules decide at run time whether the cast has a derivative (cast_adjoint).
                return self.flatten(Op("astype", (self.flatten(Op(e.prim, args[:1])), dtype)), target)
            name = target if target is not None else self.fresh()
            self.emit(Assign(name, cast_constant(Op(e.prim, args, kwargs)), self.line))
            return Var(name) if isinstance(name, str) else Tup(tuple(Var(n) for n in name))
        atom = self.atomize(e)
        if target is not None:
            self.emit(Assign(target, atom, self.line))
            return Var(target) if isinstance(target, str) else atom
        return atom

    def atomize(self, e: Expr) -> Expr:
        """Reduce `e` to an atom, emitting statements for any operation in it."""
        if isinstance(e, Op):
            return self.flatten(e)
        if isinstance(e, Tup):
            return Tup(tuple(self.atomize(x) for x in e.elts), e.kind)
        if isinstance(e, Slice):
            return Slice(*(None if x is None else self.atomize(x) for x in (e.lower, e.upper, e.step)))
        return e

    # -- statements ------------------------------------------------------------
    def lower_body(self, stmts: list[ast.stmt]) -> None:
        """Lower a list of statements in order."""
        for s in stmts:
            self.line = self.fs.lineno(s)
            self.stmt_node = s
            getattr(self, "_" + type(s).__name__)(s)

    def _Pass(self, s: ast.Pass) -> None:
        pass

    def _Assign(self, s: ast.Assign) -> None:
        for target in s.targets:
            self.assign(target, s.value)

    def _AugAssign(self, s: ast.AugAssign) -> None:
        if isinstance(s.target, ast.Name) and s.target.id in self.current:
            name = self.current[s.target.id]
            # On an ndarray `+=` updates the object in place; s2sad binds a new value instead, which is
            # the same unless another name (or the caller) holds the object too.
            self.mark_updated(name, s.target.id)
            if name in self.shared:
                self.guard_unshared(name, s)
            elif self.frames and name not in self.frames[-1][0]:
                # The next iteration may alias it before it runs again: kept or dropped when the
                # whole loop has been lowered. (A name this iteration has surely re-bound already,
                # on every path, holds this iteration's value: what the previous one aliased is gone.)
                self.frames[-1][2].append((name, self.guard_unshared(name, s), self.body))
        load_target = copy.deepcopy(s.target)
        for n in ast.walk(load_target):
            if hasattr(n, "ctx"):
                n.ctx = ast.Load()
        self.assign(s.target, ast.copy_location(ast.BinOp(left=load_target, op=s.op, right=s.value), s))

    def _Raise(self, s: ast.Raise) -> None:
        effects.lower_raise(self, s)  # kept in the forward sweep; no derivative (effects.py)

    def _Break(self, s: ast.Break) -> None:
        self.emit(Break(self.line))

    def _Expr(self, s: ast.Expr) -> None:
        call = s.value
        if isinstance(call, ast.Constant):
            return  # a docstring
        if not fence.is_append(call) or call.func.value.id not in self.current and call.func.attr != "push":  # type: ignore[attr-defined]
            effects.lower_expr_stmt(self, s)  # a list's pop, or a call kept for its effect (effects.py)
            return
        xs = call.func.value.id  # type: ignore[attr-defined]
        if call.func.attr == "push" or self.current.get(xs, xs) in self.stacks:  # type: ignore[attr-defined]
            self.emit(ExprStmt(Op("push", (Var(self.current.get(xs, xs)), self.atomize(self.conv.expr(call.args[0])))), self.line))  # type: ignore[attr-defined]
            return
        if xs not in self.current:
            raise self.fs.error(UnsupportedSyntaxError, f"{xs!r} is not a local list", call, construct=f"{xs}.append")
        v = self.atomize(self.conv.expr(call.args[0]))  # type: ignore[attr-defined]
        name = self.current[xs]
        self.check_owned(name, call)
        self.emit(Assign(name, Op("append", (Var(name), v)), self.line))

    def _For(self, s: ast.For) -> None:
        line = self.fs.lineno(s)
        it = s.iter
        target = s.target
        pre: list[tuple[ast.expr, Expr]] = []  # (loop target, value) bound at the top of each iteration
        if isinstance(it, ast.Call) and self.conv.static_value(it.func) is range and isinstance(target, ast.Name):
            rng = self.conv.expr(it)
            iterable = Op("range", tuple(self.atomize(a) for a in rng.args))  # type: ignore[union-attr]
            index = target.id
        elif (isinstance(it, ast.Call) and self.conv.static_value(it.func) is reversed and len(it.args) == 1
              and isinstance(it.args[0], ast.Call) and self.conv.static_value(it.args[0].func) is range
              and isinstance(target, ast.Name)):
            # `for i in reversed(range(n))`, as generated backward sweeps are written.
            rng = self.conv.expr(it.args[0])
            iterable = Op("reversed", (Op("range", tuple(self.atomize(a) for a in rng.args)),))  # type: ignore[union-attr]
            index = target.id
        else:
            # Any other iterable becomes an index loop, so the reverse sweep can walk it backwards.
            if isinstance(it, ast.Call) and self.conv.static_value(it.func) is enumerate and isinstance(target, ast.Tuple) and len(target.elts) == 2:
                seq = self.loop_sequence(it.args[0], s.body)
                length = self.flatten(Op("len", (seq,)))
                index = target.elts[0].id if isinstance(target.elts[0], ast.Name) else self.fresh()
                pre.append((target.elts[1], seq))
            elif isinstance(it, ast.Call) and self.conv.static_value(it.func) is zip and isinstance(target, ast.Tuple) and len(target.elts) == len(it.args):
                seqs = [self.loop_sequence(a, s.body) for a in it.args]
                lengths = [self.flatten(Op("len", (q,))) for q in seqs]
                length = lengths[0]
                for other in lengths[1:]:
                    length = self.flatten(Op("builtin_min", (length, other)))
                index = self.fresh()
                pre.extend(zip(target.elts, seqs))
            else:
                seq = self.loop_sequence(it, s.body)
                length = self.flatten(Op("len", (seq,)))
                index = self.fresh()
                pre.append((target, seq))
            iterable = self.flatten(Op("range", (length,)))
            if isinstance(iterable, Var):  # keep `for i in range(n)` readable: no temporary for range(n)
                self.body.pop()
                iterable = Op("range", (length,))
        index = self.bind(index) if index in self.current else self._new_local(index)
        self.enter_loop()
        saved = self.body
        self.body = []
        for tgt, seq in pre:
            self.line = line
            names = [tgt.id] if isinstance(tgt, ast.Name) else [t.id for t in tgt.elts]  # type: ignore[attr-defined]
            item = self.flatten(Op("getitem", (seq, Var(index))), self.bind(names[0]) if len(names) == 1 else None)
            self._track_owned(item.name, Op("getitem", (seq, Var(index))))  # type: ignore[union-attr]
            if len(names) > 1:
                for k, n in enumerate(names):
                    part = Op("getitem", (item, Const(k)))
                    self.flatten(part, self.bind(n))
                    self._track_owned(self.current[n], part)
        self.lower_body(s.body)
        body, self.body = self.body, saved
        self.leave_loop(s)
        if isinstance(iterable, Var):
            raise self.fs.error(UnsupportedSyntaxError, "for-loop iterable is not supported", s, construct="for")
        self.emit(For(index, iterable, body, line))

    def loop_sequence(self, node: ast.expr, body: list[ast.stmt]) -> Expr:
        """The atom a `for` walks; a copy of the name when the body re-binds it, as Python iterates the old object."""
        seq = self.atomize(self.conv.expr(node))
        if isinstance(node, ast.Name) and any(
            isinstance(n, ast.Name) and n.id == node.id and isinstance(n.ctx, ast.Store) for st in body for n in ast.walk(st)
        ):
            copy_name = self.fresh()
            self.emit(Assign(copy_name, seq, self.line))
            self.shared.update({copy_name, node.id, self.current.get(node.id, node.id)})
            return Var(copy_name)
        return seq

    def _new_local(self, name: str) -> str:
        self.current[name] = name
        self.reserved.add(name)
        return name

    def _While(self, s: ast.While) -> None:
        test = self.conv.expr(s.test)  # re-evaluated every iteration; the reverse sweep counts trips instead
        self.enter_loop()
        body = self.block(s.body)
        self.leave_loop(s)
        self.emit(While(test, body, self.fs.lineno(s)))

    def user_call(self, node: ast.Call, obj: Any) -> Expr:
        """A call to another Python function: one opaque primitive with generated rules."""
        if obj is self.fs.fn:
            raise self.fs.error(UnsupportedSyntaxError, f"recursive call to {self.fs.name} is not supported", node, construct=describe(node.func))
        assert USER_PRIMITIVE is not None, "the driver sets lower.USER_PRIMITIVE at its import"
        prim = USER_PRIMITIVE(obj, self.fs, node)
        args = tuple(self.conv.expr(a) for a in node.args)
        kwargs = tuple((k.arg, self.conv.expr(k.value)) for k in node.keywords)
        return Op(prim.name, args, kwargs)  # type: ignore[arg-type]

    def assign(self, target: ast.expr, value: ast.expr) -> None:
        """Lower `target = value` for a name, a tuple of names, or a subscript."""
        if isinstance(target, ast.Subscript):
            if not isinstance(target.value, ast.Name) or target.value.id not in self.current:
                raise self.fs.error(UnsupportedSyntaxError, "only local arrays can be assigned into", target, construct=describe(target))
            v = self.atomize(self.conv.expr(value))
            index = self.atomize(self.conv.expr(target.slice))
            name = self.current[target.value.id]
            self.check_owned(name, target)
            self.emit(Assign(name, Op("setitem", (Var(name), index, v)), self.line))
            self.mark_stale(name, target.value.id)
            return
        if isinstance(target, ast.Name):
            e = self.conv.expr(value)
            name = self.bind(target.id)
            produced = e
            if self.depth and isinstance(e, Op):
                e = produced = Op(e.prim, tuple(self.atomize(a) for a in e.args), tuple((k, self.atomize(v)) for k, v in e.kwargs))
                if name in names_read(e):
                    # Re-binding in place (x = f(x) in a loop): compute into a temporary first, so the
                    # adjoint of f can still read both the old x and the new one's adjoint.
                    e = self.flatten(e)
            self.flatten(e, name)
            if isinstance(value, ast.Name) and value.id == target.id and isinstance(produced, Var):
                # `v = v`: no second name for the array (the old one is gone), so nothing new is shared.
                old = produced.name
                self._track_owned(name, Const(None))
                if old in self.owned:
                    self.owned.add(name)
                if old in self.shared:
                    self.shared.add(name)
                return
            self._track_owned(name, produced)
            if isinstance(produced, Op) and produced.prim == "Stack":
                self.stacks.add(name)
            return
        names = [t.id for t in target.elts]  # type: ignore[attr-defined]
        if isinstance(value, (ast.Tuple, ast.List)):
            if len(value.elts) != len(names):
                raise self.fs.error(UnsupportedSyntaxError, "tuple unpacking with mismatched lengths", target, construct="tuple unpacking")
            # Evaluate every right-hand side first, so swaps read the old values.
            parts = [self.atomize(self.conv.expr(v)) for v in value.elts]
            self.bind_parts(names, parts)
            return
        e = self.conv.expr(value)
        if isinstance(e, Op) and (registry.PRIMS[e.prim].outputs == len(names) or registry.PRIMS[e.prim].user_fn is not None):
            # A tuple-valued primitive (qr, eigh, slogdet...) binds all its results at once.
            self.flatten(e, tuple(self.bind(n) for n in names))
            return
        atom = self.atomize(e)
        if isinstance(atom, Tup) and len(atom.elts) == len(names):
            self.bind_parts(names, list(atom.elts))
            return
        for i, name in enumerate(names):
            part = Op("getitem", (atom, Const(i)))
            self.flatten(part, self.bind(name))
            self._track_owned(self.current[name], part)

    def bind_parts(self, names: list[str], parts: list[Expr]) -> None:
        """`a, b = p, q` after both are evaluated; in a block, where names are re-bound in place, a
        part that an earlier target overwrites is first copied to a temporary (`t = a; a = b; b = t`)."""
        if self.depth:
            clobbered: set[str] = set()
            for k, (n, part) in enumerate(zip(names, parts)):
                if isinstance(part, Var) and part.name in clobbered:
                    keep = self.fresh()
                    self.emit(Assign(keep, part, self.line))
                    if part.name in self.shared or part.name in self.owned:
                        self.shared.add(keep)
                    if part.name in self.owned:
                        self.owned.add(keep)
                    parts[k] = Var(keep)
                if n in self.current:
                    clobbered.add(self.current[n])
        for name, part in zip(names, parts):
            bound = self.bind(name)
            self.flatten(part, bound)
            self._track_owned(bound, part)

    def _Return(self, s: ast.Return) -> None:
        raise AssertionError("handled by lower_function")  # pragma: no cover


def lower_function(fs: FunctionSource) -> Lowered:
    """Fence and lower `fs` into a Wengert list."""
    fence.check(fs)
    tree = fs.tree
    lw = Lowerer(fs)
    params = _params(fs, lw)
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    result = fs.name if fs.name.isidentifier() and fs.name not in lw.reserved else "result"
    body = structure(fs, body, result)
    if result in {n.id for s in body for n in ast.walk(s) if isinstance(n, ast.Name)}:
        lw.reserved.add(result)
    returns = [i for i, s in enumerate(body) if isinstance(s, ast.Return)]
    if not returns:
        raise fs.error(UnsupportedSyntaxError, f"{fs.name} has no return statement, so there is nothing to differentiate", tree, construct="def")
    if returns[0] != len(body) - 1:
        raise fs.error(UnsupportedSyntaxError, "code after 'return' is unreachable", body[returns[0] + 1], construct="unreachable code")
    lw.plan_moves(body)
    lw.lower_body(body[:-1])
    ret: ast.Return = body[-1]  # type: ignore[assignment]
    lw.line, lw.stmt_node = fs.lineno(ret), ret
    if ret.value is None:
        raise fs.error(UnsupportedSyntaxError, "bare 'return' gives None, which has no derivative", ret, construct="return")
    value = lw.conv.expr(ret.value)
    tuple_output = isinstance(value, Tup) and value.kind == "tuple"
    parts = list(value.elts) if tuple_output else [value]  # type: ignore[union-attr]
    outputs: list[str] = []
    param_names = {p.name for p in params}
    for part in parts:
        if isinstance(part, Op) and not tuple_output and fs.name not in lw.reserved and fs.name.isidentifier():
            lw.reserved.add(fs.name)
            atom = lw.flatten(part, fs.name)
        else:
            atom = lw.atomize(part)
        # Each output gets its own local name, so its seed adjoint is unambiguous.
        if not isinstance(atom, Var) or atom.name in param_names or atom.name in outputs or atom.name in lw.conv.globals_used:
            name = fs.name if not tuple_output and fs.name.isidentifier() and fs.name not in lw.reserved else lw.fresh()
            lw.reserved.add(name)
            atom = lw.flatten(atom, name)
        outputs.append(atom.name)  # type: ignore[union-attr]
    result: Expr = Tup(tuple(Var(o) for o in outputs)) if tuple_output else Var(outputs[0])
    lw.emit(Return(result, lw.line))
    doc = ast.get_docstring(tree)
    fn = Function(fs.name, params, lw.body, doc)
    check_wengert(fn)
    return Lowered(fn, fs, dict(lw.conv.globals_used), tuple(outputs), tuple_output)


def _params(fs: FunctionSource, lw: Lowerer) -> list[Param]:
    a = fs.tree.args
    positional = a.posonlyargs + a.args
    defaults = list(fs.fn.__defaults__ or ())
    first_default = len(positional) - len(defaults)
    params: list[Param] = []
    for i, arg in enumerate(positional + a.kwonlyargs):
        name = arg.arg
        lw.current[name] = name
        lw.reserved.add(name)
        lw.shared.add(name)  # the caller holds it too
        default = None
        if i < len(positional) and i >= first_default:
            default = _default(defaults[i - first_default])
        elif i >= len(positional):
            kw = (fs.fn.__kwdefaults__ or {})
            if name in kw:
                default = _default(kw[name])
        params.append(Param(name, default))
    return params


def _default(value: Any) -> Const:
    return Const(value)


def lower(fn: Any) -> Lowered:
    """Read, fence and lower a Python function."""
    return lower_function(get_source(fn))
