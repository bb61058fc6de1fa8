"""Expression conversion: a Python `ast` expression -> an IR expression tree.

Input: an `ast.expr` plus a way to resolve names. Output: a tree of `Var`,
`Const`, `Op`, `Tup` and `Slice` in which every operator, call, method and
attribute has been resolved -- by the *object* it refers to -- to a registry
primitive. `np.exp`, `numpy.exp` and `from numpy import exp` all become
`Op("exp", ...)`. No flattening happens here; `lower` flattens, and rule
templates use the tree as it is.

Some calls and subscripts are rewritten as they are read (a nested list as the array NumPy makes of it,
`np.r_[...]`, `np.add.reduce`, `np.cov` written out): those rewrites belong to the rule library, which
lends them through `HOOKS` (`ConversionHooks`) at its import; until then the code is read as written.
"""
from __future__ import annotations

import ast
import types
from typing import Any, Callable

from ..primitives import registry
from ..errors import S2SADError, UnknownFunctionError, UnsupportedSyntaxError
from .nodes import Const, Expr, Op, Slice, Tup, Var

MISSING = object()  # what a name that resolves to nothing resolves to: reported, never used as a value

_LITERAL_TYPES = (int, float, complex, bool, str, bytes, type(None), type(Ellipsis))
# Methods whose extra positional arguments numpy packs into one tuple: x.reshape(3, 4) is np.reshape(x, (3, 4)).
_PACKED_METHODS = ("reshape", "transpose")


def is_dtype(obj: Any) -> bool:
    """True for a type usable as a dtype argument: np.float32, float, int, bool."""
    import numpy as np

    return isinstance(obj, type) and (issubclass(obj, np.generic) or obj in (int, float, bool, complex))


def describe(node: ast.AST) -> str:
    """Short human name of a syntax node, for error messages."""
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every expression
        text = type(node).__name__
    return text if len(text) <= 40 else text[:37] + "..."


class ConversionHooks:
    """The rewrites the rule library (`s2sad/rules/`) lends `Converter`; each module fills its own at import.

    - `index_concatenation(conv, node, which)`: `np.r_[...]` / `np.c_[...]` (`which` "r_" / "c_") as the
      np.concatenate it computes (rules/assembly.py);
    - `nested_array(name, args, kwargs)`: `np.array([[a, b], [c, d]])` as np.stack of rows, or None (rules/assembly.py);
    - `ufunc_method(ufunc, attr)`: the primitive of `np.add.reduce` and its kin, or None (rules/ufunc_methods.py);
    - `linalg_lists(name, args, kwargs)`: the list arguments of an np.linalg function as arrays (rules/linalg.py);
    - `call(prim, args, kwargs)`: a call's expression (a macro), or its arguments rewritten (rules/call_hooks.py);
    - `library_source_error(fn)`: why a library function is refused at the user's call, or None (rules/call_hooks.py).
    """

    index_concatenation: Callable[[Any, ast.Subscript, str], Expr] | None = None
    nested_array: Callable[[str, list, tuple], Expr | None] | None = None
    ufunc_method: Callable[[Any, str], str | None] | None = None
    linalg_lists: Callable[[str, list, tuple], tuple[list, tuple]] | None = None
    call: Callable[[Any, list, tuple], Any] | None = None
    library_source_error: Callable[[Any], str | None] | None = None


HOOKS = ConversionHooks()


class Converter:
    """Turns expressions into IR trees, resolving names through `resolve`."""

    def __init__(
        self,
        resolve: Callable[[str], Any],
        local: Callable[[str], str | None],
        error: Callable[..., S2SADError],
    ) -> None:
        self.resolve = resolve
        self.local = local
        self.error = error
        self.globals_used: dict[str, Any] = {}
        # `module.name` or `Class.name`; `lower` records these reads for `freshness` too.
        self.attribute: Callable[[Any, str], Any] = lambda holder, name: getattr(holder, name, MISSING)
        self.calls: list[tuple[ast.AST, Any]] = []
        # Hooks set by `lower`: calls to other Python functions, and `a if c else b`.
        self.user_call: Callable[[ast.Call, Any], Expr] | None = None
        self.ifexp: Callable[[ast.IfExp], Expr] | None = None
        # A method call on a local the lowerer rewrites itself (a user list's `.pop()`: lists.py), or None.
        self.method_call: Callable[[ast.Call], Expr | None] | None = None

    # -- name resolution ---------------------------------------------------
    def static_value(self, node: ast.expr) -> Any:
        """The object a non-local `Name`/`Attribute` chain refers to, or MISSING."""
        if isinstance(node, ast.Name):
            if self.local(node.id) is not None:
                return MISSING
            return self.resolve(node.id)
        if isinstance(node, ast.Attribute):
            base = self.static_value(node.value)
            if base is MISSING or not isinstance(base, (types.ModuleType, type)):
                return MISSING
            return self.attribute(base, node.attr)
        return MISSING

    # -- expressions -------------------------------------------------------
    def expr(self, node: ast.expr) -> Expr:
        """Convert one expression."""
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise self.error(UnsupportedSyntaxError, f"{construct_kind(node)} is not supported", node, construct=construct_kind(node))
        return method(node)

    def _Constant(self, node: ast.Constant) -> Expr:
        if isinstance(node.value, complex):
            raise self.error(UnsupportedSyntaxError, "complex literals are not supported", node, construct="complex")
        return Const(node.value)

    def _Name(self, node: ast.Name) -> Expr:
        local = self.local(node.id)
        if local is not None:
            return Var(local)
        obj = self.resolve(node.id)
        if obj is MISSING or obj is None and node.id != "None":
            raise self.error(UnsupportedSyntaxError, f"name {node.id!r} is not defined", node, construct=node.id)
        return self._global(node.id, obj, node)

    def _global(self, name: str, obj: Any, node: ast.AST) -> Expr:
        if isinstance(obj, (bool, type(None), type(Ellipsis))) or is_dtype(obj):
            return Const(obj)
        if isinstance(obj, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type)):
            raise self.error(UnsupportedSyntaxError, f"{name!r} is used as a value; only calls to it are supported", node, construct=name)
        self.globals_used[name] = obj
        return Var(name)

    def _Attribute(self, node: ast.Attribute) -> Expr:
        obj = self.static_value(node)
        if obj is not MISSING:
            if isinstance(obj, _LITERAL_TYPES) or is_dtype(obj):
                return Const(obj)  # np.pi, np.inf, np.newaxis, math.e, np.float32
            raise self.error(UnsupportedSyntaxError, f"attribute {describe(node)!r} is not a number or an array", node, construct=describe(node))
        prim = registry.lookup_attr(node.attr)
        if prim is None:
            raise self.error(UnknownFunctionError, f"attribute read {describe(node)} is not supported: attribute reads of objects "
                             f"(self.w, a namespace's fields) are not supported yet, and .{node.attr} is no array attribute "
                             "s2sad knows (.T, .shape, .ndim, .size, ...)", node, construct=describe(node))
        return Op(prim.name, (self.expr(node.value),))

    def _BinOp(self, node: ast.BinOp) -> Expr:
        prim = registry.lookup_binop(type(node.op))
        if prim is None:
            raise self.error(UnsupportedSyntaxError, f"operator {type(node.op).__name__} is not supported", node, construct=describe(node))
        return Op(prim.name, (self.expr(node.left), self.expr(node.right)))

    def _UnaryOp(self, node: ast.UnaryOp) -> Expr:
        operand = self.expr(node.operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(operand, Const) and isinstance(node.op, ast.USub) and isinstance(operand.value, (int, float)):
            return Const(-operand.value)
        if isinstance(node.op, ast.Not):
            return Op("not_", (operand,))
        prim = registry.lookup_unary(type(node.op))
        if prim is None:
            raise self.error(UnsupportedSyntaxError, f"operator {type(node.op).__name__} is not supported", node, construct=describe(node))
        return Op(prim.name, (operand,))

    def _Compare(self, node: ast.Compare) -> Expr:
        if len(node.ops) != 1:
            raise self.error(UnsupportedSyntaxError, "chained comparisons are not supported; split them with 'and'", node, construct=describe(node))
        prim = registry.lookup_compare(type(node.ops[0]))
        if prim is None:
            raise self.error(UnsupportedSyntaxError, f"comparison {type(node.ops[0]).__name__} is not supported", node, construct=describe(node))
        return Op(prim.name, (self.expr(node.left), self.expr(node.comparators[0])))

    def _BoolOp(self, node: ast.BoolOp) -> Expr:
        prim = "and_" if isinstance(node.op, ast.And) else "or_"
        values = [self.expr(v) for v in node.values]
        out = values[0]
        for v in values[1:]:
            out = Op(prim, (out, v))
        return out

    def _IfExp(self, node: ast.IfExp) -> Expr:
        if self.ifexp is None:
            raise self.error(UnsupportedSyntaxError, "conditional expression is not supported here", node, construct="conditional expression")
        return self.ifexp(node)

    def _Tuple(self, node: ast.Tuple) -> Expr:
        return Tup(tuple(self.expr(e) for e in node.elts), "tuple")

    def _List(self, node: ast.List) -> Expr:
        return Tup(tuple(self.expr(e) for e in node.elts), "list")

    def _Slice(self, node: ast.Slice) -> Expr:
        part = lambda e: None if e is None else self.expr(e)  # noqa: E731
        return Slice(part(node.lower), part(node.upper), part(node.step))

    def _Subscript(self, node: ast.Subscript) -> Expr:
        maker = self.static_value(node.value)
        if maker is _index_maker():
            return self.expr(node.slice)  # np.s_[a:b] is the index a:b, as generated code spells it
        which = _concatenator(maker)
        if which is not None and HOOKS.index_concatenation is not None:  # np.r_[a, 0:3] / np.c_[a, b]: np.concatenate
            return HOOKS.index_concatenation(self, node, which)                # of the items (rules/assembly.py)
        prim = registry.PRIMS["getitem"]
        return Op(prim.name, (self.expr(node.value), self.expr(node.slice)))

    def _Call(self, node: ast.Call) -> Expr:
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise self.error(UnsupportedSyntaxError, "*args in a call is not supported", a, construct="*args")
        for k in node.keywords:
            if k.arg is None:
                raise self.error(UnsupportedSyntaxError, "**kwargs in a call is not supported", k, construct="**kwargs")
        func = node.func
        args = [self.expr(a) for a in node.args]
        kwargs = tuple((k.arg, self.expr(k.value)) for k in node.keywords)
        obj = self.static_value(func)
        if obj is MISSING and isinstance(func, ast.Attribute):
            rewritten = self.method_call(node) if self.method_call is not None else None
            if rewritten is not None:
                return rewritten
            # np.add.reduce(x): the primitive add_reduce (rules/ufunc_methods.py)
            method = HOOKS.ufunc_method(self.static_value(func.value), func.attr) if HOOKS.ufunc_method else None
            if method is not None:
                return Op(method, tuple(args), kwargs)
            prim = registry.lookup_method(func.attr)
            if prim is None:
                raise self.error(UnknownFunctionError, f"method .{func.attr}() has no derivative rule", node, construct=f".{func.attr}()")
            if func.attr in _PACKED_METHODS and len(args) > 1:
                args = [Tup(tuple(args), "tuple")]
            receiver = self.expr(func.value)  # x.dot([[a, 1.0], [2.0, b]]): the list is an array (rules/call_hooks.py)
            hooked = HOOKS.call(prim, [receiver, *args], kwargs) if HOOKS.call else ([receiver, *args], kwargs)
            if not isinstance(hooked, tuple):
                return hooked
            return Op(prim.name, tuple(hooked[0]), hooked[1])
        if obj is MISSING:
            raise self.error(UnknownFunctionError, f"cannot resolve the function {describe(func)!r}", node, construct=describe(func))
        prim = registry.lookup(obj)
        if prim is not None:
            if prim.user_fn is not None and self.user_call is not None:
                # A helper another caller met first: still recorded as this caller's helper (its globals
                # are watched with this caller's, and two helpers of one name get two spellings).
                return self.user_call(node, obj)
            path = prim.spelling.path
            # The generated code calls it by that bare name: two primitives of one name cannot both be.
            bare = prim.spelling.kind == "call" and prim.fn is obj and not path.startswith(("np.", "math."))
            if bare and self.globals_used.setdefault(path, obj) is not obj:
                raise self.error(UnsupportedSyntaxError, f"two different primitives are both named {path!r}, and "
                                 "generated code calls each by its name", node, construct=describe(func),
                                 hint="rename one of them, or call it through a helper `def` of another name")
            if prim.name in ("array", "asarray") and HOOKS.nested_array:  # np.array([[a, b], [c, d]]): np.stack of rows
                nested = HOOKS.nested_array(prim.name, args, kwargs)
                if nested is not None:
                    return nested
            if path and path.startswith("np.linalg.") and any(isinstance(a, Tup) for a in args + [v for _, v in kwargs]) \
                    and HOOKS.linalg_lists:
                args, kwargs = HOOKS.linalg_lists(prim.name, args, kwargs)  # np.linalg.norm([x, x + 2]): the list is an array
            # np.sum([[x, 1.0], [2.0, x]]): the list is an array; np.cov written out (rules/call_hooks.py)
            hooked = HOOKS.call(prim, args, kwargs) if HOOKS.call else (args, kwargs)
            if not isinstance(hooked, tuple):
                return hooked
            args, kwargs = hooked
            return Op(prim.name, tuple(args), kwargs)
        if self.user_call is not None and (isinstance(obj, types.FunctionType) or hasattr(obj, "_s2sad_target")):
            # scipy.linalg.xyz: refused here, at the user's call (rules/call_hooks.py)
            reason = HOOKS.library_source_error(obj) if HOOKS.library_source_error else None
            if reason is not None:
                raise self.error(UnknownFunctionError, f"{describe(func)} ({_qualname(obj)}) has no derivative rule; {reason}",
                                 node, construct=describe(func),
                                 hint="register rules with s2sad.defvjp/defjvp, or mark it s2sad.primitive")
            return self.user_call(node, obj)
        qual = _qualname(obj)
        raise self.error(
            UnknownFunctionError,
            f"{describe(func)} ({qual}) has no derivative rule",
            node,
            construct=describe(func),
            hint="register rules with s2sad.defvjp/defjvp, or mark it s2sad.primitive",
        )


def _index_maker() -> Any:
    import numpy

    return numpy.s_


def _concatenator(obj: Any) -> str | None:
    """"r_" or "c_" when `obj` is NumPy's np.r_ or np.c_, else None."""
    import numpy

    return "r_" if obj is numpy.r_ else "c_" if obj is numpy.c_ else None


def _qualname(obj: Any) -> str:
    mod = getattr(obj, "__module__", None) or type(obj).__module__
    return f"{mod}.{getattr(obj, '__name__', type(obj).__name__)}"


def construct_kind(node: ast.AST) -> str:
    """How an error message names the kind of a syntax node ("list comprehension", "lambda", ...)."""
    names = {
        "IfExp": "conditional expression", "Lambda": "lambda", "ListComp": "list comprehension",
        "SetComp": "set comprehension", "DictComp": "dict comprehension", "GeneratorExp": "generator expression",
        "Await": "await", "Yield": "yield", "YieldFrom": "yield from", "NamedExpr": "walrus operator ':='",
        "Dict": "dict display", "Set": "set display", "JoinedStr": "f-string", "BoolOp": "'and'/'or'",
        "Starred": "starred expression",
    }
    return names.get(type(node).__name__, type(node).__name__)
