"""Stage 7, compile: generated source text -> a live Python function.

Input: an `ir.Function` and the globals it reads (user constants, user rules).
Output: the compiled function, whose text is registered in `linecache` under a
descriptive file name such as `<s2sad vjp of loss wrt w,b (model.py:3)>`, so
tracebacks, pdb and `inspect.getsource` show the generated lines -- and so s2sad
itself can read the text back to transform it again.
"""
from __future__ import annotations

import ast
import builtins
import linecache
import threading
from typing import Any, Callable

from ..ir import failures
from ..primitives import registry
from .. import runtime
from ..ir.emit import to_source
from ..errors import UnsupportedSyntaxError
from ..ir import Function, Op, walk_expr, walk_stmts

_lock = threading.Lock()
_names: dict[str, str] = {}


def _filename(label: str, text: str) -> str:
    with _lock:
        name = f"<s2sad {label}>"
        k = 1
        while name in _names and _names[name] != text:
            k += 1
            name = f"<s2sad {label} #{k}>"
        _names[name] = text
    return name


_MAKER = "__s2sad_cells__"


def _in_cells(tree: ast.Module, name: str, cells: tuple[str, ...]) -> ast.Module:
    """`def name` of `tree` wrapped as `def __s2sad_cells__(*cells): def name ...; return name`."""
    i, inner = next((i, n) for i, n in enumerate(tree.body) if isinstance(n, ast.FunctionDef) and n.name == name)
    kw: dict[str, Any] = {"type_params": []} if "type_params" in ast.FunctionDef._fields else {}
    outer = ast.FunctionDef(_MAKER, ast.arguments([], [ast.arg(c) for c in cells], None, [], [], None, []),
                            [inner, ast.Return(ast.Name(name, ast.Load()))], [], None, **kw)
    tree.body[i] = ast.copy_location(outer, inner)
    return ast.fix_missing_locations(tree)


def rule_globals(fn: Function) -> dict[str, Any]:
    """User primitives and rules that the text calls by bare name."""
    out: dict[str, Any] = {}
    for s in walk_stmts(fn.body):
        for attr in ("value", "test", "iter"):
            e = getattr(s, attr, None)
            for sub in walk_expr(e) if e is not None and not isinstance(e, str) else ():
                if isinstance(sub, Op):
                    prim = registry.PRIMS[sub.prim]
                    path = prim.spelling.path
                    if prim.spelling.kind == "call" and path and "." not in path and not hasattr(runtime, path):
                        if prim.fn is not None and not hasattr(builtins, path):
                            if out.setdefault(path, prim.fn) is not prim.fn:  # never bind one name to two functions
                                raise UnsupportedSyntaxError(f"two different functions are both called {path!r} in the generated code",
                                                             construct=path, hint="give one of them another name")
    return out


def compile_ir(fn: Function, label: str, extra_globals: dict[str, Any] | None = None, cells: tuple[str, ...] = ()) -> Callable[..., Any]:
    """Print, compile and load `fn`; register its text for introspection.

    `cells`: names the code reads from closure cells rather than from its globals (a closure's numbers
    and arrays, `freshness.bind`): the function is compiled inside a function taking them, so they are
    its free variables, with the text's own line numbers; `freshness.bind` gives it the user's cells.
    """
    text = to_source(fn, header=True)
    filename = _filename(label, text)
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    namespace: dict[str, Any] = {"__name__": "s2sad.generated", "__file__": filename}
    namespace.update(extra_globals or {})
    namespace.update(rule_globals(fn))
    if cells:
        exec(compile(_in_cells(ast.parse(text, filename), fn.name, cells), filename, "exec"), namespace)
        compiled = namespace.pop(_MAKER)(*(None for _ in cells))
    else:
        exec(compile(text, filename, "exec"), namespace)
        compiled = namespace[fn.name]
    compiled.__s2sad_source__ = text
    compiled.__s2sad_ir__ = fn
    failures.register(compiled)
    return compiled
