"""Statements kept for their effect: `raise`, and calls made for their side effect.

Input: the lowerer meeting `raise E(...)` or an expression statement `f(...)` (other than
`xs.append(v)` on a local list, and `print`/logging, which `desugar.py` handles). Output: one
statement `_ = raise_(...)` or `_ = effect_(...)` in the Wengert list -- non-differentiable, never
merged or dropped (`effects=True`), kept in the forward sweep and absent from the backward
one -- printed back as the user wrote it: `raise ValueError('a must be positive')`,
`warnings.warn('...')`, `np.random.seed(0)`.

A call statement has no derivative only if it cannot change a value the function differentiates.
So its arguments must be values computed for it (numbers, strings, `float(x)`, `x * 2`, `len(x)`),
never a local array or list itself or a view into one, which the callee could update in place
(`np.random.shuffle(x)`, `np.copyto(y, x)`, `helper(xs)` appending to xs); `out=` is refused, and
so is a method call on a local (`x.sort()`) or a call on a global object the function also reads
(`history.append(v)` followed by `sum(history)`). Each refusal is at the user's line.

An exception's f-string message is formatted when it runs (`'bad {:.3f}'.format(x)`), so the
message is the one the function raises; an f-string whose values s2sad cannot convert is given as its source text.
"""
from __future__ import annotations

import ast
import types
from dataclasses import replace
from typing import Any

from ..ir.convert import MISSING, describe, is_dtype
from ..errors import S2SADError, UnsupportedSyntaxError
from ..ir import Assign, Const, Expr, Function, Op, Tup, Var, map_blocks
from ..ir.emit import STATEMENT_PRINTERS
from ..primitives import registry


def raise_(exc: Any, *args: Any, **kwargs: Any) -> None:
    """What `raise E(args)` runs (generated code prints the `raise` itself)."""
    raise exc(*args, **kwargs) if isinstance(exc, type) and (args or kwargs) else exc


def effect_(fn: Any, *args: Any, **kwargs: Any) -> None:
    """What a call statement `f(args)` runs (generated code prints the call itself)."""
    fn(*args, **kwargs)


def register_primitives() -> None:
    from ..primitives.registry import PRIMS, lookup, nondiff

    if lookup(raise_) is None:
        nondiff(raise_, "raise_", call="raise_", effects=True)
    if lookup(effect_) is None:
        nondiff(effect_, "effect_", call="effect_", effects=True)
    if "str_format" not in PRIMS:  # an f-string message of `raise`, formatted when it runs (_message)
        nondiff(None, "str_format", call=".format", method="format")


def _callee(lw: Any, func: ast.expr, node: ast.AST) -> str:
    """The callee's dotted path, its root bound in the generated code's globals; refuses a local's method."""
    parts: list[str] = []
    base = func
    while isinstance(base, ast.Attribute):
        parts.append(base.attr)
        base = base.value
    if not isinstance(base, ast.Name):
        raise lw.fs.error(UnsupportedSyntaxError, f"a call statement to {describe(func)} is not supported: s2sad keeps a "
                          "call made for its effect only when it calls a function by its name", node, construct=describe(func))
    if lw.current.get(base.id) is not None:
        raise lw.fs.error(UnsupportedSyntaxError, f"the call {describe(node)} may change the local {base.id!r} in place, "
                          "which s2sad would not differentiate", node, construct=describe(func),
                          hint="compute a new value instead (y = f(x)); list.append and .pop() on a local list are supported")
    root = lw.fs.resolve(base.id)
    if root is MISSING:
        raise lw.fs.error(UnsupportedSyntaxError, f"name {base.id!r} is not defined", base, construct=base.id)
    bound = lw.conv.globals_used.setdefault(base.id, root)
    if bound is not root:  # pragma: no cover - one name, one object in one function
        raise lw.fs.error(UnsupportedSyntaxError, f"{base.id!r} names two objects", base, construct=base.id)
    return ".".join([base.id, *reversed(parts)])


def _safe(lw: Any, e: Expr) -> str | None:
    """The local whose object `e` may be (so the callee could change it in place), or None."""
    locals_ = set(lw.current.values())
    if isinstance(e, Var):
        if e.name not in locals_:
            return None
        # A new value the function made for this call alone (`t5 = int(c)`, as generated code reads back):
        # read nowhere else, so a change to it changes nothing the function differentiates.
        user = next((u for u, n in lw.current.items() if n == e.name), e.name)
        loads = sum(isinstance(n, ast.Name) and n.id == user and isinstance(n.ctx, ast.Load) for n in ast.walk(lw.fs.tree))
        params = {a.arg for a in ast.walk(lw.fs.tree.args) if isinstance(a, ast.arg)}
        return None if loads == 1 and e.name in lw.owned and user not in params else e.name
    if isinstance(e, Tup):
        return next((n for n in (_safe(lw, x) for x in e.elts) if n), None)
    # A view of its first argument (the registry's `view`), or `copy.copy`, whose items are the argument's.
    if isinstance(e, Op) and (registry.declared(e.prim, "view") or e.prim == "copy_copy") and e.args:
        return _safe(lw, e.args[0])
    return None


def lower_expr_stmt(lw: Any, s: ast.Expr) -> None:
    """A call statement: a user list's pop, or a call kept for its effect."""
    call = s.value
    assert isinstance(call, ast.Call)
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "pop" and isinstance(func.value, ast.Name) and func.value.id in lw.current:
        lw.conv.expr(call)  # lists.py: the item read (unused) and the shorter list
        return
    register_primitives()
    path = _callee(lw, func, call)
    for k in call.keywords:
        if k.arg == "out":
            raise lw.fs.error(UnsupportedSyntaxError, f"{describe(call)} writes its result into an array (out=), which "
                              "s2sad would not differentiate", k, construct="out=", hint="assign the result: y = f(...)")
    args = [_argument(lw, a) for a in call.args]
    kwargs = [(k.arg, _argument(lw, k.value)) for k in call.keywords]
    for a in args + [v for _, v in kwargs] if not getattr(s, "_s2sad_output", False) else []:  # print/logging (desugar.py)
        name = _safe(lw, a)
        if name is not None:
            user = next((u for u, n in lw.current.items() if n == name), name)
            raise lw.fs.error(UnsupportedSyntaxError, f"the call {describe(call)} is given {user!r} itself, which it may "
                              "change in place; s2sad keeps a call made for its effect only when it cannot change a value "
                              "the function differentiates", call, construct=describe(func),
                              hint=f"pass a number or a new value (float({user}), {user}.copy()), or use the call's result")
    atoms = [lw.atomize(a) for a in args]
    katoms = tuple((k, lw.atomize(v)) for k, v in kwargs)
    lw.emit(Assign("_", Op("effect_", (Const(path), *atoms), katoms), lw.line))


def _argument(lw: Any, node: ast.expr) -> Expr:
    """A call statement's argument; a class, function or module (`DeprecationWarning`) is passed by its name."""
    if isinstance(node, (ast.Name, ast.Attribute)):
        obj = lw.conv.static_value(node)
        if isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType, types.ModuleType)) and not is_dtype(obj) \
                or hasattr(obj, "write") and hasattr(obj, "flush"):  # a stream (print(..., file=sys.stderr))
            return Var(_callee(lw, node, node))
    return lw.conv.expr(node)


def lower_raise(lw: Any, s: ast.Raise) -> None:
    """`raise E(args)`: kept in the forward sweep; it has no derivative."""
    if s.exc is None:
        raise lw.fs.error(UnsupportedSyntaxError, "a bare 'raise' (re-raising) is not supported", s, construct="raise")
    register_primitives()
    exc = s.exc
    call = exc if isinstance(exc, ast.Call) else None
    path = _callee(lw, call.func if call is not None else exc, s)
    args: list[Expr] = []
    kwargs: list[tuple[str, Expr]] = []
    for a in call.args if call is not None else []:
        args.append(_argument(lw, a) if not isinstance(a, ast.JoinedStr) else _message(lw, a))
    for k in call.keywords if call is not None else []:
        if k.arg is None:
            raise lw.fs.error(UnsupportedSyntaxError, "**kwargs in a call is not supported", k, construct="**kwargs")
        kwargs.append((k.arg, _argument(lw, k.value) if not isinstance(k.value, ast.JoinedStr) else _message(lw, k.value)))
    value = Op("raise_", (Const(path), Const(call is not None), *(lw.atomize(a) for a in args)),
               tuple((k, lw.atomize(v)) for k, v in kwargs))
    lw.emit(Assign("_", value, lw.line))


def _message(lw: Any, node: ast.JoinedStr) -> Expr:
    """An f-string argument of an exception, formatted at run time as Python formats it: `f"bad {x:.3f}"` is
    `t1 = 'bad {:.3f}'.format(x)` (`raise ValueError(t1)`); one whose values s2sad cannot convert is given
    as its source text."""
    values: list[Expr] = []

    def template(parts: list[ast.expr]) -> str:
        out = []
        for p in parts:
            if isinstance(p, ast.Constant):
                out.append(str(p.value).replace("{", "{{").replace("}", "}}"))
            elif isinstance(p, ast.FormattedValue):
                values.append(lw.conv.expr(p.value))
                conversion = "" if p.conversion == -1 else "!" + chr(p.conversion)
                spec = ":" + template(p.format_spec.values) if isinstance(p.format_spec, ast.JoinedStr) else ""
                out.append("{" + conversion + spec + "}")  # (nested fields {:{}} take the next value, in order)
            else:  # pragma: no cover - Python's parser makes only these two
                raise S2SADError(f"unexpected f-string part {ast.dump(p)}")
        return "".join(out)

    try:
        text = template(node.values)
    except S2SADError:
        return Const(ast.unparse(node))
    return Op("str_format", (Const(text), *values))


_OUTPUT = ("builtin_print", "effect_")  # what a recomputation must not do again (raise_ and assert_ cannot fire)


def quiet(fn: Function) -> Function:
    """`fn` (a helper's adjoint, whose forward sweep recomputes what the caller's forward sweep already ran)
    without its `print`, logging and other calls made for their effect: each runs once per call, as in Python."""
    def block(stmts: list) -> list:
        return [map_blocks(s, block) for s in stmts
                if not (isinstance(s, Assign) and isinstance(s.value, Op) and s.value.prim in _OUTPUT)]

    return replace(fn, body=block(fn.body))


def statement_ast(v: Op, expr_ast: Any) -> list[ast.stmt]:
    """The printed form of `_ = effect_(...)` / `_ = raise_(...)` (emit.py)."""
    path = v.args[0].value  # type: ignore[union-attr]
    func = ast.parse(path, mode="eval").body
    if v.prim == "effect_":
        return [ast.Expr(ast.Call(func, [expr_ast(a) for a in v.args[1:]], [ast.keyword(k, expr_ast(x)) for k, x in v.kwargs]))]
    called = v.args[1].value  # type: ignore[union-attr]
    exc = ast.Call(func, [expr_ast(a) for a in v.args[2:]], [ast.keyword(k, expr_ast(x)) for k, x in v.kwargs]) if called else func
    return [ast.Raise(exc, None)]


STATEMENT_PRINTERS["effect_"] = STATEMENT_PRINTERS["raise_"] = statement_ast  # how emit.py prints them


def reads(v: Op) -> set[str]:
    """Names the printed statement reads besides its arguments: the callee's root (kept by liveness)."""
    return {str(v.args[0].value).split(".")[0]} if isinstance(v.args[0], Const) else set()  # type: ignore[union-attr]


__all__ = ["lower_expr_stmt", "lower_raise", "statement_ast", "raise_", "effect_"]
