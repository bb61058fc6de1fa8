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
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from . import fence, registry
from .convert import Converter
from .errors import UnsupportedSyntaxError
from .ir import Assign, Const, Expr, Function, Op, Param, Return, Slice, Stmt, Tup, Var, check_wengert
from .source import FunctionSource, get_source

_LITERALS = (int, float, bool, str, type(None))


@dataclass
class Lowered:
    """A lowered function: the Wengert list plus what is needed to run it."""

    fn: Function
    source: FunctionSource
    globals_used: dict[str, Any] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()
    tuple_output: bool = False


class Lowerer:
    """Flattens converted expressions into single-primitive assignments."""

    def __init__(self, fs: FunctionSource) -> None:
        self.fs = fs
        self.body: list[Stmt] = []
        self.current: dict[str, str] = {}
        self.reserved: set[str] = {n.id for n in ast.walk(fs.tree) if isinstance(n, ast.Name)}
        self.temp_count = 0
        self.line: int | None = None
        self.conv = Converter(fs.resolve, self.current.get, fs.error)

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
        if name not in self.current:
            self.current[name] = name
            return name
        k = 0
        while True:
            k += 1
            candidate = f"{name}_{k}"
            if candidate not in self.reserved:
                self.reserved.add(candidate)
                self.current[name] = candidate
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
            name = target if target is not None else self.fresh()
            self.emit(Assign(name, Op(e.prim, args, kwargs), self.line))
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
            getattr(self, "_" + type(s).__name__)(s)

    def _Pass(self, s: ast.Pass) -> None:
        pass

    def _Expr(self, s: ast.Expr) -> None:
        pass  # the fence lets only docstrings through

    def _Assign(self, s: ast.Assign) -> None:
        for target in s.targets:
            self.assign(target, s.value)

    def _AugAssign(self, s: ast.AugAssign) -> None:
        load = ast.copy_location(ast.Name(id=s.target.id, ctx=ast.Load()), s.target)  # type: ignore[attr-defined]
        self.assign(s.target, ast.copy_location(ast.BinOp(left=load, op=s.op, right=s.value), s))

    def assign(self, target: ast.expr, value: ast.expr) -> None:
        """Lower `target = value` for a name or a tuple of names."""
        if isinstance(target, ast.Name):
            e = self.conv.expr(value)
            self.flatten(e, self.bind(target.id))
            return
        names = [t.id for t in target.elts]  # type: ignore[attr-defined]
        if isinstance(value, (ast.Tuple, ast.List)):
            if len(value.elts) != len(names):
                raise self.fs.error(UnsupportedSyntaxError, "tuple unpacking with mismatched lengths", target, construct="tuple unpacking")
            # Evaluate every right-hand side first, so swaps read the old values.
            parts = [self.atomize(self.conv.expr(v)) for v in value.elts]
            for name, part in zip(names, parts):
                self.flatten(part, self.bind(name))
            return
        e = self.conv.expr(value)
        if isinstance(e, Op) and registry.PRIMS[e.prim].outputs == len(names):
            # A tuple-valued primitive (qr, eigh, slogdet...) binds all its results at once.
            self.flatten(e, tuple(self.bind(n) for n in names))
            return
        atom = self.atomize(e)
        if isinstance(atom, Tup) and len(atom.elts) == len(names):
            for name, part in zip(names, atom.elts):
                self.flatten(part, self.bind(name))
            return
        getitem = "getitem"
        for i, name in enumerate(names):
            self.flatten(Op(getitem, (atom, Const(i))), self.bind(name))

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
    returns = [i for i, s in enumerate(body) if isinstance(s, ast.Return)]
    if not returns:
        raise fs.error(UnsupportedSyntaxError, f"{fs.name} has no return statement, so there is nothing to differentiate", tree, construct="def")
    if returns[0] != len(body) - 1:
        raise fs.error(UnsupportedSyntaxError, "code after 'return' is unreachable", body[returns[0] + 1], construct="unreachable code")
    lw.lower_body(body[:-1])
    ret: ast.Return = body[-1]  # type: ignore[assignment]
    lw.line = fs.lineno(ret)
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
            atom = lw.flatten(atom, lw.fresh())
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
