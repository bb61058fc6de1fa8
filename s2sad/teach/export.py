"""The `export` view: a standalone Python module holding a function's derivatives.

Input: a Python function, `wrt`, the modes to export ("reverse",
"value_and_grad", "forward", "wengert") and optionally example `args` (to
specialise on scalar arguments). Output: module text that imports only NumPy
(and `math` or SciPy when the function or a helper it calls uses them, as read
from each copied function's globals). The few helpers of
`s2sad.runtime` that the code calls are copied in (their source, read with
`inspect`, without type annotations), constants the function reads from its
module are written as literals, and a header names the source function and
the s2sad version. Shipping derivative code without the AD tool is Tapenade's
use case; the text compiles (`python -m py_compile`) and runs without s2sad.
"""
from __future__ import annotations

import ast
import builtins
import copy
import importlib
import inspect
import re
import sys
import textwrap
import types
import warnings
from typing import Any, Callable, Sequence

import numpy as np

from ..ad import revolve
from ..driver import pipeline
from .. import runtime
from ..api import transforms
from ..api.transforms import user_errors
from ..driver.compile import rule_globals
from ..api.display import Code
from ..ir.emit import imports, to_source
from ..errors import S2SADError
from .explain import resolve
from ..ir import Assign, For, Function, names_read, stmt_exprs, walk_stmts

MODES = {
    "reverse": ("reverse", "vjp", "reverse mode (adjoint)"),
    "value_and_grad": ("reverse", "value_and_grad", "reverse mode, returning (value, adjoints)"),
    "forward": ("forward", "vjp", "forward mode (tangent), returning (value, tangent)"),
    "wengert": ("wengert", "vjp", "the Wengert list of the original function"),
}
RUNTIME_IMPORT = "from s2sad.runtime import "


class ExportError(S2SADError):
    """Something the function reads cannot be written into a standalone module."""

    kind = "cannot export"


def _annotation_spans(tree: ast.AST, lines: list[str]) -> list[tuple[int, int, int, int, bool]]:
    """(line, col, end line, end col, is an argument) of each `: T` and `-> T`, 0-based, to cut out."""
    spans = []

    def cut(node: ast.expr, marker: str, argument: bool = False) -> None:
        line, col = node.lineno - 1, node.col_offset
        text = lines[line]
        k = text.rindex(marker, 0, col)
        while k > 0 and text[k - 1] == " " and marker == "->":
            k -= 1
        spans.append((line, k, node.end_lineno - 1, node.end_col_offset, argument))  # type: ignore[operator]

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            for arg in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]:
                if arg.annotation is not None:
                    cut(arg.annotation, ":", argument=True)
            if node.returns is not None:
                cut(node.returns, "->")
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            cut(node.annotation, ":")
    return spans


def helper_source(name: str) -> str:
    """The source of one `s2sad.runtime` helper (function or class), as written, less its type annotations."""
    text = textwrap.dedent(inspect.getsource(_runtime_objects()[name]))
    # A helper that imports another inside its body (`from .runtime import unbroadcast`, to dodge an import
    # cycle) finds it at the top of the exported file instead, where every helper it needs is copied.
    text = _LAZY_IMPORT.sub("", text)
    lines = text.splitlines()
    for line, col, end_line, end_col, argument in sorted(_annotation_spans(ast.parse(text), lines), reverse=True):
        rest = lines[end_line][end_col:]
        if argument and rest.startswith(" = "):
            rest = "=" + rest[3:]  # `x: T = 1` -> `x=1`
        lines[line] = lines[line][:col] + rest
        del lines[line + 1:end_line + 1]
    # s2sad's own lint directives name rules of its own configuration, which the user's linter may not
    # run (ruff then flags the directive itself, RUF100): keep only the reason.
    lines = [_NOQA.sub(lambda m: f"  # {m.group(1)}" if m.group(1) else "", ln) for ln in lines]
    return "\n".join(lines) + "\n"


_NOQA = re.compile(r"\s*# noqa(?::[ A-Z0-9,]+)?(?: -- (.*))?$")


_LAZY_IMPORT = re.compile(r"^[ \t]*from \.[\w.]* import [^\n]*\n", re.MULTILINE)


def _runtime_objects() -> dict[str, Any]:
    """The functions and classes of `s2sad.runtime` and of every `s2sad.runtime.*` module it draws on, by name:
    the public helpers in the order `s2sad.runtime` holds them, then the private ones they call (`_labels`)."""
    # Every `s2sad.runtime.*` module that `s2sad.runtime` re-exports from: a fixed list here went stale twice.
    homes = {m for m in sys.modules if m == runtime.__name__ or m.startswith(runtime.__name__ + ".")}
    found = {n: v for n, v in vars(runtime).items() if (inspect.isfunction(v) or inspect.isclass(v)) and v.__module__ in homes}
    for m in sorted(homes):
        for n, v in vars(sys.modules[m]).items():
            if n not in found and (inspect.isfunction(v) or inspect.isclass(v)) and v.__module__ == m:
                found[n] = v
    return found


def _runtime_names() -> list[str]:
    """The functions and classes of `s2sad.runtime` (its linear-algebra, guard and trig parts included), in source order."""
    return list(_runtime_objects())


def helpers_needed(names: set[str]) -> list[str]:
    """`names` plus every runtime helper they call, in the order `s2sad.runtime` defines them."""
    available = _runtime_names()
    todo, seen = list(names), set(names)
    while todo:
        tree = ast.parse(helper_source(todo.pop()))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in available and node.id not in seen:
                seen.add(node.id)
                todo.append(node.id)
    return [n for n in available if n in seen]


def constant_source(name: str, value: Any) -> str:
    """`name = <literal>` for a number, tuple or NumPy array read from the user's module."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return f"{name} = np.array({value.tolist()!r}, dtype=np.{value.dtype.name})"
    if isinstance(value, np.generic):
        return f"{name} = np.{value.dtype.name}({value.item()!r})"
    if isinstance(value, (int, float, bool, str, type(None))) or (
        isinstance(value, tuple) and all(isinstance(v, (int, float, bool)) for v in value)
    ):
        return f"{name} = {value!r}"
    raise ExportError(
        f"the function reads {name!r}, a {type(value).__name__}, which cannot be written as a literal",
        construct=name,
        hint="pass it as an argument instead of reading it from the module",
    )


def _what(fn: Any) -> str:
    """The comment above a function copied into exported code: who wrote it."""
    step = getattr(fn, "__s2sad_loop_step__", None)
    if step is not None:
        return f"The body of a checkpointed loop of {step}, as a function s2sad wrote (the backward sweep runs it again)."
    if hasattr(fn, "__s2sad_source__"):
        return "Generated by s2sad for a function it calls."
    return "A user function the derivative calls."


def user_rule_source(name: str, fn: Any) -> str:
    """The source of a user primitive or rule that generated code calls by name."""
    flat = getattr(fn, "__s2sad_flat_source__", None)  # a function s2sad wrote (a checkpointed loop's step): its tree
    try:
        tree = ast.Module([copy.deepcopy(flat.tree)], []) if flat is not None else ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        raise ExportError(f"cannot read the source of {name!r}, which the derivative calls", construct=name) from None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            node.decorator_list = []
            node.name = name
    return ast.unparse(tree) + "\n"


@user_errors
def export(
    fn: Callable[..., Any],
    wrt: Any = 0,
    modes: Sequence[str] = ("reverse", "forward"),
    args: Sequence[Any] | None = None,
    path: str | None = None,
    *,
    memory: Any = None,
    snapshots: int | None = None,
) -> Code:
    """Standalone module text with `fn`'s derivatives; written to `path` when given (`memory`, `snapshots`:
    checkpoint `fn`'s loops as `s2sad.grad` does)."""
    from .. import __version__

    fn = revolve.outline(fn, memory, snapshots)

    for m in modes:
        if m not in MODES:
            raise ValueError(f"modes must be among {tuple(MODES)}, not {m!r}")
    tgt = resolve(fn, wrt, args)
    low = pipeline.lowered(tgt.fn)
    programs: list[tuple[str, Function]] = []
    for m in modes:
        stage, variant, what = MODES[m]
        programs.append((what, pipeline.generate(tgt.fn, stage, tgt.wrt, tgt.scalars, variant)))
    import_lines: list[str] = []
    helpers: set[str] = set()
    user: dict[str, Any] = {}
    for _, ir in programs:
        for line in imports(ir):
            if line.startswith(RUNTIME_IMPORT):
                helpers.update(h.strip() for h in line[len(RUNTIME_IMPORT):].split(","))
            elif line not in import_lines:
                import_lines.append(line)
        user.update({k: v for k, v in rule_globals(ir).items() if not _provided(k, v)})
    passed = set().union(*(_free_reads(ir) for _, ir in programs))
    for k, v in low.globals_used.items():  # a function the text passes by name (a checkpointed loop's step, to `revolve`)
        if k in passed and k not in user and inspect.isfunction(v) and not _provided(k, v):
            user[k] = v
    for k in [k for k, v in user.items() if _runtime_objects().get(k) is v]:  # a runtime driver (`revolve`): a helper
        del user[k]
        helpers.add(k)
    copies = _Copies(helpers)
    for k, v in low.globals_used.items():
        if k not in user and not callable(v):
            copies.constant(k, v)
    copies.add(user)
    user, consts = copies.functions, copies.constants
    helper_names = helpers_needed(helpers)
    import_lines += [line for line in copies.imports if line not in import_lines]
    if (helper_names or consts) and "import numpy as np" not in import_lines:
        import_lines.append("import numpy as np")
    import_lines.sort(key=lambda s: (s != "import math", s != "import numpy as np", s))

    texts = [to_source(ir) for _, ir in programs]
    call = _structured_call(fn, wrt, args)
    if call is not None:  # structured arguments: the original signature, leaves unpacked at the top (pytrees/)
        from ..pytrees import entry as pytrees

        me = pytrees.self_name(fn)
        texts = [pytrees.display(t, call, MODES[m][0], me) for t, m in zip(texts, modes)]
        heads = [re.search(r"^def (.*):$", t, re.M) for t in texts]
        listing = "\n".join(f"    {h.group(1) if h else _signature(ir)}: {what}" for h, (what, ir) in zip(heads, programs))
        said = ", ".join(w for w, _ in call.groups)
    else:
        listing = "\n".join(f"    {_signature(ir)}: {what}" for what, ir in programs)
        said = ", ".join(tgt.wrt)
    where = low.source.location
    doc = (
        f'"""Derivatives of {low.fn.name} ({where}) with respect to {said}, generated by s2sad {__version__}.\n\n'
        f"{listing}\n\n"
        "Standalone: it needs NumPy only; the s2sad runtime helpers it calls are copied in.\n"
        f"Regenerate it with s2sad rather than editing it by hand.\n"
        '"""\n'
    )
    # The forward sweep keeps the whole Wengert list, including values only the primal needs.
    lint = "# ruff: noqa: F841\n" if any(_dead_stores(ir) for _, ir in programs) else ""
    parts = [doc + lint + "\n".join(import_lines) + "\n"]
    if consts:
        literals = "\n".join(constant_source(k, v) for k, v in consts.items())
        parts.append(f"# Constants read from the module that defines the function (or a helper it calls).\n{literals}\n")
    for h in helper_names:
        parts.append(f"# A helper of the s2sad runtime, copied in.\n{helper_source(h)}")
    for name, obj in user.items():
        parts.append(f"# {_what(obj)}\n{user_rule_source(name, obj)}")
    parts.extend(texts)
    text = "\n\n".join(parts)
    compile(text, f"<s2sad export of {low.fn.name}>", "exec")
    if path is not None:
        with open(path, "w") as f:
            f.write(text)
    return Code(text)


class _Copies:
    """What the copied functions need: each other, runtime helpers, imports and module constants."""

    def __init__(self, helpers: set[str]) -> None:
        self.functions: dict[str, Any] = {}
        self.helpers = helpers
        self.imports: list[str] = []
        self.constants: dict[str, Any] = {}

    def add(self, user: dict[str, Any]) -> None:
        """`user` plus every function they call in turn, read from each one's own source and globals."""
        runtime_names = set(_runtime_names())
        self.functions.update(user)
        todo = list(user.items())
        while todo:
            name, obj = todo.pop()
            scope = dict(getattr(obj, "__globals__", {}))
            for free in sorted(_free_names(ast.parse(user_rule_source(name, obj)))):
                if free in self.functions:
                    continue
                value = scope.get(free, _NOT_GLOBAL)
                if free in runtime_names and (value is _NOT_GLOBAL or value is _runtime_objects()[free]):
                    self.helpers.add(free)
                elif value is _NOT_GLOBAL or getattr(builtins, free, _NOT_GLOBAL) is value:
                    continue  # a builtin
                elif inspect.isfunction(value) and not _provided(free, value):
                    self.functions[free] = value
                    todo.append((free, value))
                elif isinstance(value, types.ModuleType) or callable(value):
                    self._import(free, value)
                else:
                    self.constant(free, value)

    def _import(self, name: str, value: Any) -> None:
        line = import_line(name, value)
        if line not in self.imports:
            self.imports.append(line)

    def constant(self, name: str, value: Any) -> None:
        """Write `name = <literal>` once, whichever copied functions read it."""
        text = constant_source(name, value)
        if name in self.constants and constant_source(name, self.constants[name]) != text:
            raise ExportError(f"two of the copied functions read different values named {name!r}", construct=name,
                              hint="rename one of them in its module")
        self.constants[name] = value


_NOT_GLOBAL = object()


def _free_names(tree: ast.AST) -> set[str]:
    """Names a function's source reads but does not bind itself: its globals and builtins."""
    read, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
    return read - bound


def import_line(name: str, value: Any) -> str:
    """The import that binds `name` to the module or library function `value` (`import numpy as np`)."""
    if isinstance(value, types.ModuleType):
        module, _, last = value.__name__.rpartition(".")
        if value.__name__ == name:
            return f"import {name}"
        if last == name:
            return f"from {module} import {name}"
        return f"import {value.__name__} as {name}"
    module, short = _home(value)
    if module is None:
        raise ExportError(
            f"a copied function reads {name!r}, a {type(value).__name__} that cannot be imported by name",
            construct=name,
            hint="pass it as an argument, or import it in the function's module from where it is defined",
        )
    return f"from {module} import {short}" + ("" if short == name else f" as {name}")


def _home(value: Any) -> tuple[str | None, str]:
    """A public module that has `value` under its own name: its `__module__`, or (for a ufunc such as
    `scipy.special.expit`, whose `__module__` says numpy) the shortest loaded module that does."""
    module, short = getattr(value, "__module__", None), getattr(value, "__name__", "")
    try:
        if module and getattr(importlib.import_module(module), short, None) is value:
            return module, short
    except ImportError:
        pass
    homes = [name for name, mod in list(sys.modules.items())
             if mod is not None and not any(p.startswith("_") for p in name.split(".")) and _holds(mod, short, value)]
    return (min(homes, key=lambda n: (n.count("."), len(n), n)) if homes else None), short


def _holds(module: Any, name: str, value: Any) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecated module attributes warn when read
            return getattr(module, name, None) is value
    except Exception:  # noqa: BLE001 -- a module's __getattr__ may raise anything
        return False


def _binds_and_reads(fn: Function) -> tuple[set[str], set[str], set[str]]:
    """The names `fn`'s statements assign, its loop targets, and the names its expressions read."""
    assigned: set[str] = set()
    targets: set[str] = set()
    read: set[str] = set()
    for s in walk_stmts(fn.body):
        if isinstance(s, Assign):
            assigned.update(s.targets if isinstance(s.targets, tuple) else (s.targets,))
        if isinstance(s, For):
            targets.update(s.target if isinstance(s.target, tuple) else (s.target,))
        for e in stmt_exprs(s):
            if e is not None and not isinstance(e, str):
                read |= names_read(e)
    return assigned, targets, read


def _dead_stores(fn: Function) -> set[str]:
    """Names `fn` assigns but never reads (a linter's "unused variable")."""
    assigned, targets, read = _binds_and_reads(fn)
    return assigned - read - targets


def _free_reads(fn: Function) -> set[str]:
    """Names `fn` reads that it neither assigns nor takes: what its module must define."""
    assigned, targets, read = _binds_and_reads(fn)
    return read - assigned - targets - {p.name for p in fn.params}


def _provided(name: str, obj: Any) -> bool:
    """True for builtins (`range`, `len`) and library functions, which need no copy."""
    if getattr(builtins, name, None) is obj:
        return True
    module = getattr(obj, "__module__", None) or ""
    return module.split(".")[0] in ("numpy", "math", "scipy", "builtins")


def _structured_call(fn: Callable[..., Any], wrt: Any, args: Sequence[Any] | None) -> Any:
    """The structured call (`pytrees.Call`) when `fn` takes dicts, lists or tuples of arrays, or is a method."""
    from ..pytrees import entry as pytrees

    args_t = tuple(args) if args is not None else None
    if not pytrees.needs_flat(fn, args_t or (), {}):
        return None
    return pytrees.prepare(fn, args_t, {}, wrt) if args_t is not None else pytrees.prepare_unstructured(fn, wrt)


def _signature(ir: Function) -> str:
    from .explain import signature

    return signature(ir)[len("def "):-1]


__all__ = ["export", "ExportError", "helper_source", "helpers_needed", "MODES"]


def standalone(fn: Callable[..., Any], ir: Function, text: str) -> str:
    """`text`, the printed `ir` of `fn` (with its import header), made runnable on its own: preceded by
    the functions it calls by name (the generated derivatives of the user's helpers, `helper_vjp`, and
    the helpers themselves) and the module constants they read, as `export` copies them. The runtime
    helpers stay imported from `s2sad.runtime`. What `s2sad show` prints."""
    low = pipeline.lowered(fn)
    user = {k: v for k, v in rule_globals(ir).items() if not _provided(k, v)}
    copies = _Copies(set())
    for k, v in low.globals_used.items():
        if k not in user and not callable(v) and not isinstance(v, types.ModuleType):
            copies.constant(k, v)
    copies.add(user)
    if not copies.functions and not copies.constants and not copies.helpers and not copies.imports:
        return text
    head = imports(ir)
    helpers = set(copies.helpers)
    lines: list[str] = []
    for line in head + copies.imports:
        if line.startswith(RUNTIME_IMPORT):
            helpers.update(h.strip() for h in line[len(RUNTIME_IMPORT):].split(","))
        elif line not in lines:
            lines.append(line)
    if (copies.constants or helpers) and "import numpy as np" not in lines:
        lines.append("import numpy as np")
    lines.sort(key=lambda s: (s != "import math", s != "import numpy as np", s))
    if helpers:
        lines.append(RUNTIME_IMPORT + ", ".join(sorted(helpers)))
    body = to_source(ir)
    parts = ["\n".join(lines) + "\n"]
    if copies.constants:
        literals = "\n".join(constant_source(k, v) for k, v in copies.constants.items())
        parts.append(f"# Constants read from the module that defines the function (or a helper it calls).\n{literals}\n")
    for name, obj in copies.functions.items():
        parts.append(f"# {_what(obj)}\n{user_rule_source(name, obj)}")
    parts.append(body)
    return "\n\n".join(parts)


transforms.STANDALONE = standalone  # `s2sad.source(..., standalone=True)` (the api's service slot: it does not import this layer)
