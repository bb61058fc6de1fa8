"""A helper defined with `*args`, called with a fixed number of positional arguments.

Input: the helper `def h(a, *args): ...` and a call `h(x, y, z)` in a function being
differentiated. Output: a helper of fixed arity that s2sad differentiates like any other,

    def h(a, args_0, args_1):
        args = (args_0, args_1)
        ...                        (the helper's own body, its own line numbers)

made once per number of arguments and kept on the helper (`h.__s2sad_varargs__[2]`). The
binding happens when the code is generated: the call's arguments are counted there, as a
call's structure is. A helper with `**kwargs`, keyword-only parameters, defaults or a
closure, and a call with `*xs` or keywords, are still refused at the call's line (calls.py).
"""
from __future__ import annotations

import ast
import copy
import inspect
import types
from typing import Any

from .source import FunctionSource, get_source


def specialise(fn: Any, node: ast.AST) -> Any | None:
    """The fixed-arity helper for the call `node` of `fn`, or None when it cannot be made."""
    if not (isinstance(fn, types.FunctionType) and fn.__code__.co_flags & inspect.CO_VARARGS and isinstance(node, ast.Call)):
        return None
    code = fn.__code__
    if (node.keywords or any(isinstance(a, ast.Starred) for a in node.args) or code.co_flags & inspect.CO_VARKEYWORDS
            or code.co_kwonlyargcount or fn.__defaults__ or fn.__closure__ or len(node.args) < code.co_argcount):
        return None
    n = len(node.args) - code.co_argcount
    cache = fn.__dict__.setdefault("__s2sad_varargs__", {})
    if n in cache:
        return cache[n]
    src = get_source(fn)
    tree = copy.deepcopy(src.tree)
    a = tree.args
    star = a.vararg.arg  # type: ignore[union-attr]
    used = {x.id for x in ast.walk(tree) if isinstance(x, ast.Name)} | {x.arg for x in ast.walk(tree) if isinstance(x, ast.arg)}
    names: list[str] = []
    for i in range(n):
        name = f"{star}_{i}"
        while name in used:
            name += "_"
        used.add(name)
        names.append(name)
    fixed = [x.arg for x in a.posonlyargs + a.args]
    tree.args = ast.arguments(posonlyargs=[], args=[ast.arg(x) for x in fixed + names], vararg=None, kwonlyargs=[],
                              kw_defaults=[], kwarg=None, defaults=[])
    pack = ast.copy_location(ast.Assign([ast.Name(star, ast.Store())], ast.Tuple([ast.Name(x, ast.Load()) for x in names], ast.Load())), tree)
    ast.fix_missing_locations(pack)
    body = tree.body
    doc = 1 if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str) else 0
    tree.body = body[:doc] + [pack] + body[doc:]
    text = ast.unparse(ast.Module([tree], []))
    compiled = compile(text, f"<s2sad {src.name} with {n} *args>", "exec")
    fcode = next(c for c in compiled.co_consts if isinstance(c, types.CodeType))
    spec = types.FunctionType(fcode, fn.__globals__, src.name)
    spec.__qualname__ = getattr(fn, "__qualname__", src.name)
    spec.__module__ = fn.__module__
    spec.__s2sad_flat_source__ = FunctionSource(  # read by `source.get_source`: the user's lines, for errors
        fn=spec, name=src.name, text=src.text, tree=tree, filename=src.filename, first_line=src.first_line,
        namespace=src.namespace, closure=src.closure, cells=src.cells)
    cache[n] = spec
    return spec
