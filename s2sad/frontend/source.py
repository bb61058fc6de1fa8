"""Stage 1, source: a Python function object -> its parsed `ast.FunctionDef`.

Input: a function object. Output: a `FunctionSource` holding the dedented
source text, the `ast.FunctionDef` without decorators, the file name and line
offset (so diagnostics point into the user's file), and a `resolve` method that
maps a free name to the object it refers to through the closure, the globals
and the builtins, the way Python itself would at call time.

Service slots, filled by the driver (`driver/pipeline.py`) at its import: `WATCH_NAME(namespace, cells, name,
obj)` and `WATCH_ATTRIBUTE(holder, name, obj)`, how `driver/freshness.py` watches a name (or `module.name`)
the lowering read, each ("names" | "cells", entry) or None. Until they are filled nothing is recorded.
"""
from __future__ import annotations

import ast
import builtins
import functools
import inspect
import linecache
import os
import textwrap
import types
from dataclasses import dataclass, field
from typing import Any, Callable

from . import desugar
from ..errors import S2SADError, SourceUnavailableError, UnsupportedSyntaxError

# The sentinel `Converter` compares with: an unresolved name must be reported, not used as a value.
from ..ir.convert import MISSING

# How freshness watches what a lowering reads (driver/freshness.py `reads` and `attribute`), set by the driver.
WATCH_NAME: Callable[[dict, dict, str, Any], tuple[str, tuple] | None] | None = None
WATCH_ATTRIBUTE: Callable[[Any, str, Any], tuple[str, tuple] | None] | None = None


@dataclass
class FunctionSource:
    """A function's parsed source plus everything needed to resolve its names."""

    fn: Callable[..., Any]
    name: str
    text: str
    tree: ast.FunctionDef
    filename: str
    first_line: int
    namespace: dict[str, Any] = field(default_factory=dict)
    closure: dict[str, Any] = field(default_factory=dict)
    called: dict[str, Any] = field(default_factory=dict)  # helper spelling -> its primitive (calls.py)
    cells: dict[str, Any] = field(default_factory=dict)  # closure name -> its cell
    reads: dict[Any, tuple[str, tuple]] = field(default_factory=dict)  # what `freshness` watches, by name

    def lineno(self, node: ast.AST) -> int | None:
        """Line of `node` in the user's file."""
        line = getattr(node, "lineno", None)
        return None if line is None else self.first_line + line - 1

    def line_text(self, node: ast.AST) -> str | None:
        """The source line of `node` as the user wrote it."""
        line = getattr(node, "lineno", None)
        if line is None:
            return None
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else None

    def error(self, cls: type[S2SADError], message: str, node: ast.AST, **kw: Any) -> S2SADError:
        """Build an error of class `cls` located at `node`."""
        return cls(
            message,
            filename=self.filename,
            lineno=self.lineno(node),
            col=getattr(node, "col_offset", None),
            source_line=self.line_text(node),
            **kw,
        )

    def resolve(self, name: str) -> Any:
        """The object a free `name` refers to, or `MISSING`; recorded for `freshness`."""
        if name in self.closure:
            obj = self.closure[name]
        elif name in self.namespace:
            obj = self.namespace[name]
        else:
            obj = getattr(builtins, name, MISSING)
        if obj is not MISSING and name not in self.reads and WATCH_NAME is not None:
            entry = WATCH_NAME(self.namespace, self.cells, name, obj)
            if entry is not None:
                self.reads[name] = entry
        return obj

    def resolve_attribute(self, holder: Any, name: str) -> Any:
        """`holder.name` for a module or class `holder`, or `MISSING`; recorded for `freshness`."""
        obj = getattr(holder, name, MISSING)
        key = (id(holder), name)
        if obj is not MISSING and key not in self.reads and WATCH_ATTRIBUTE is not None:
            entry = WATCH_ATTRIBUTE(holder, name, obj)
            if entry is not None:
                self.reads[key] = entry
        return obj

    def source_of(self, fn: Callable[..., Any]) -> "FunctionSource":
        """Another function's source, read as this one's (a helper it calls: `desugar_dicts.py` inlines one)."""
        return get_source(fn)

    def watched(self) -> dict[str, list]:
        """The recorded reads, grouped as `freshness.watch` takes them."""
        out: dict[str, list] = {}
        for kind, entry in self.reads.values():
            out.setdefault(kind, []).append(entry)
        return out

    @property
    def location(self) -> str:
        """`file.py:line` of the definition, for generated file names."""
        short = self.filename.rsplit("/", 1)[-1]
        return f"{short}:{self.first_line}"


def _same_const(a: Any, b: Any) -> bool:
    if isinstance(a, types.CodeType) and isinstance(b, types.CodeType):
        return _same_code(a, b)
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_same_const(x, y) for x, y in zip(a, b))
    if isinstance(a, frozenset):
        return sorted(map(repr, a)) == sorted(map(repr, b))
    return repr(a) == repr(b)


def _same_code(a: types.CodeType, b: types.CodeType) -> bool:
    """Same bytecode, names and constants (line numbers aside)."""
    return (
        a.co_code == b.co_code and a.co_names == b.co_names and a.co_varnames == b.co_varnames
        and len(a.co_consts) == len(b.co_consts) and all(_same_const(x, y) for x, y in zip(a.co_consts, b.co_consts))
    )


@functools.lru_cache(maxsize=32)
def _compile_file(filename: str, text: str) -> dict[tuple[str, int], types.CodeType] | None:
    """The code objects of a module's text (`_code_index`), compiled once per text."""
    try:
        return _code_index(compile(text, filename, "exec", dont_inherit=True))
    except (SyntaxError, ValueError):
        return None


def _code_index(module: types.CodeType) -> dict[tuple[str, int], types.CodeType]:
    """Every code object nested in a compiled module, by (name, first line); the first in depth-first order wins.
    (Built once per module text: searching the module again for each of a thousand helpers was quadratic.)"""
    index: dict[tuple[str, int], types.CodeType] = {}
    end = object()
    stack = [iter(module.co_consts)]
    while stack:
        c = next(stack[-1], end)
        if c is end:
            stack.pop()
        elif isinstance(c, types.CodeType):
            index.setdefault((c.co_name, c.co_firstlineno), c)
            stack.append(iter(c.co_consts))
    return index


def _matches_code(code: types.CodeType) -> bool | None:
    """Whether the file's current text compiles to `code` (None: cannot tell).

    A module edited on disk after it was imported would otherwise be differentiated
    from its new text while the old code runs: a silently wrong derivative. The
    whole file is compiled, as the compiler's choices depend on the module around
    the function.
    """
    if code.co_filename.startswith("<"):
        return None  # generated code, exec'd strings: linecache holds the very text that was compiled
    lines = linecache.getlines(code.co_filename)
    index = _compile_file(code.co_filename, "".join(lines)) if lines else None
    if index is None:
        return None
    found = index.get((code.co_name, code.co_firstlineno))
    return found is not None and _same_code(found, code)


def get_source(fn: Callable[..., Any]) -> FunctionSource:
    """Read, dedent and parse `fn`'s source, stripping decorators."""
    flat = getattr(fn, "__s2sad_flat_source__", None)
    if flat is not None:  # a structured call's flat function (`pytrees.py`): the user's source, rewritten
        import copy as _copy

        return FunctionSource(fn=fn, name=flat.name, text=flat.text, tree=_copy.deepcopy(flat.tree), filename=flat.filename,
                              first_line=flat.first_line, namespace=flat.namespace, closure=flat.closure, cells=flat.cells)
    raw = inspect.unwrap(fn) if not hasattr(fn, "__s2sad_source__") else fn
    name = getattr(raw, "__name__", repr(raw))
    code = getattr(raw, "__code__", None)
    if code is None or not inspect.isfunction(raw):
        raise SourceUnavailableError(
            f"cannot read the source of {name!r}: it is not a Python function",
            construct=name,
            hint="mark it with s2sad.primitive and give it rules with s2sad.defvjp/defjvp",
        )
    filename = code.co_filename
    try:
        lines, start = inspect.getsourcelines(raw)
    except (OSError, TypeError):
        lines = linecache.getlines(filename)
        if not lines and not filename.startswith("<") and not os.path.exists(filename):
            raise SourceUnavailableError(
                f"cannot read the source of {name!r}: its file {filename} is missing (deleted or moved since "
                "the function was defined)",
                filename=filename,
                lineno=code.co_firstlineno,
                construct=name,
                hint="restore the file, or re-import the function from where its source now is",
            ) from None
        if not lines:
            raise SourceUnavailableError(
                f"cannot read the source of {name!r} (defined in {filename}); "
                "functions typed into the REPL or built with exec have no source file",
                filename=filename,
                lineno=code.co_firstlineno,
                construct=name,
                hint="define it in a .py file, or mark it with s2sad.primitive and give it rules",
            ) from None
        lines, start = inspect.getblock(lines[code.co_firstlineno - 1 :]), code.co_firstlineno
    text = textwrap.dedent("".join(lines))
    try:
        module = ast.parse(text)
    except SyntaxError as exc:
        raise UnsupportedSyntaxError(
            f"cannot parse the source of {name!r}: {exc.msg}",
            filename=filename,
            lineno=(exc.lineno or 1) + start - 1,
            construct=name,
        ) from None
    if not module.body or not isinstance(module.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        raise SourceUnavailableError(
            f"cannot differentiate {name!r}: its source is not a 'def' statement (lambdas are not supported)",
            filename=filename,
            lineno=start,
            source_line=lines[0] if lines else None,
            construct="lambda" if name == "<lambda>" else name,
            hint="write it as a def",
        )
    if _matches_code(code) is False:
        raise SourceUnavailableError(
            f"the source of {name!r} in {filename} has changed since the function was defined, "
            "so the text on disk is not the code that runs",
            filename=filename,
            lineno=start,
            source_line=lines[0] if lines else None,
            construct=name,
            hint="reload the module (importlib.reload) or restart Python, so that the code and its source agree",
        )
    tree = module.body[0]
    tree.decorator_list = []
    closure, cells = {}, {}
    if raw.__closure__:
        for var, cell in zip(code.co_freevars, raw.__closure__):
            cells[var] = cell
            try:
                closure[var] = cell.cell_contents
            except ValueError:  # an empty cell: a name assigned later in the enclosing scope
                pass
    fs = FunctionSource(
        fn=raw,
        name=name,
        text=text,
        tree=tree,  # type: ignore[arg-type]
        filename=filename,
        first_line=start,
        namespace=raw.__globals__,
        closure=closure,
        cells=cells,
    )
    desugar.apply(fs)  # comprehensions, local functions, loop `else`s -> plain statements (desugar.py)
    return fs
