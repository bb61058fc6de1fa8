"""The command line: `s2sad VERB FILE.py:FUNC` (or `package.module:func`).

Verbs: `show` (generated source), `explain` (source lines next to their
Wengert, tangent and adjoint statements), `trace` (every value at given
arguments), `graph` (the computational graph as DOT, SVG or PNG) and `export`
(a standalone derivative module). Input: argv. Output: text on stdout (or a
file with `-o`), highlighted when stdout is a terminal unless `--no-color`; or
a one-paragraph message on stderr and a non-zero exit status -- never a
traceback -- for a missing file, a syntax error, a missing function, bad flags
or unsupported code.
"""
from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import os
import sys
from typing import Any, Callable, Sequence

from ..errors import S2SADError


class CLIError(Exception):
    """A user-facing command-line problem (exit status 2)."""


def load_target(spec: str) -> Callable[..., Any]:
    """Import `file.py:func` or `package.module:func` and return the function."""
    if ":" not in spec:
        raise CLIError(f"target {spec!r} must look like FILE.py:FUNC or package.module:FUNC")
    where, _, name = spec.rpartition(":")
    if where.endswith(".py") or os.sep in where:
        path = os.path.abspath(where)
        if not os.path.exists(path):
            raise CLIError(f"file not found: {where}")
        if not os.path.isfile(path):
            raise CLIError(f"{where} is not a file; the target looks like FILE.py:FUNC")
        mod_name = "_s2sad_cli_" + os.path.splitext(os.path.basename(path))[0]
        sys.path.insert(0, os.path.dirname(path))
        spec_obj = importlib.util.spec_from_file_location(mod_name, path)
        if spec_obj is None:
            raise CLIError(f"cannot import {where}: it is not a Python source file (.py)")
        module = importlib.util.module_from_spec(spec_obj)  # type: ignore[arg-type]
        sys.modules[mod_name] = module
        try:
            spec_obj.loader.exec_module(module)  # type: ignore[union-attr]
        except SyntaxError as exc:
            raise CLIError(f"{where}, line {exc.lineno}: syntax error: {exc.msg}") from None
        except S2SADError:
            raise
        except Exception as exc:  # the user's module failed while importing
            raise CLIError(f"importing {where} failed: {type(exc).__name__}: {exc}") from None
    else:
        try:
            module = importlib.import_module(where)
        except ImportError as exc:
            raise CLIError(f"cannot import module {where!r}: {exc}") from None
    obj: Any = module
    for part in name.split("."):
        if not hasattr(obj, part):
            available = sorted(k for k, v in vars(module).items() if callable(v) and not k.startswith("_") and getattr(v, "__module__", None) == module.__name__)
            raise CLIError(f"{where} has no function {name!r}" + (f"; it defines: {', '.join(available)}" if available else ""))
        obj = getattr(obj, part)
    if not callable(obj):
        raise CLIError(f"{spec} is not a function")
    return obj


def parse_wrt(text: str | None, fn: Callable[..., Any]) -> Any:
    """`--wrt w,b` -> ("w", "b"); `--wrt 0` -> 0; default: the decorator's, else 0."""
    if text is None:
        return getattr(fn, "wrt", 0)
    items = [int(x) if x.strip().lstrip("-").isdigit() else x.strip() for x in text.split(",") if x.strip()]
    return items[0] if len(items) == 1 else tuple(items)


def parse_args_values(values: Sequence[str] | None) -> tuple[Any, ...] | None:
    """`--args 0.7 -0.2 [1,2]` -> Python values (numbers, lists become float arrays)."""
    if values is None:
        return None
    import numpy as np

    out: list[Any] = []
    for v in values:
        try:
            value = ast.literal_eval(v)
        except (ValueError, SyntaxError):
            raise CLIError(f"--args value {v!r} is not a Python literal") from None
        out.append(_arrays(value))
    return tuple(out)


def _arrays(value: Any) -> Any:
    """A literal with its lists of numbers as float arrays; dicts and lists of arrays kept as structures (pytrees)."""
    import numpy as np

    if isinstance(value, dict):
        return {k: _arrays(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        try:
            return np.asarray(value, dtype=float)
        except (ValueError, TypeError):  # ragged, or holding dicts: a structure of arrays
            return type(value)(_arrays(v) for v in value)
    return value


def highlight(text: str, color: bool) -> str:
    """Syntax-highlight Python text for a terminal, when Pygments is installed."""
    if not color:
        return text
    try:
        from pygments import highlight as hl
        from pygments.formatters import TerminalFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        return text
    return hl(text, PythonLexer(), TerminalFormatter())


def cmd_show(ns: argparse.Namespace) -> int:
    """Print the Wengert list, tangent or adjoint program."""
    from ..api import transforms as api

    fn = load_target(ns.target)
    # Ready to paste into a file: the derivatives of the helpers it calls come with it.
    text = api.source(fn, mode=ns.mode, wrt=parse_wrt(ns.wrt, fn), args=parse_args_values(ns.args), standalone=True)
    sys.stdout.write(highlight(text, _color(ns)))
    return 0


def _color(ns: argparse.Namespace) -> bool:
    return sys.stdout.isatty() and not ns.no_color


def _write(ns: argparse.Namespace, text: str) -> int:
    """Write `text` to `-o FILE` when given, else to stdout."""
    if getattr(ns, "output", None):
        with open(ns.output, "w") as f:
            f.write(text)
        print(f"wrote {ns.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _split(text: str | None) -> list[str] | None:
    return [x.strip() for x in text.split(",") if x.strip()] if text else None


def cmd_explain(ns: argparse.Namespace) -> int:
    """Print the side-by-side table: source, Wengert list, tangent, adjoint."""
    from .explain import COLUMNS, explain

    fn = load_target(ns.target)
    columns = _split(ns.columns) or list(COLUMNS)
    bad = [c for c in columns if c not in COLUMNS]
    if bad:
        raise CLIError(f"--columns takes {','.join(COLUMNS)}, not {bad[0]!r}")
    table = explain(fn, wrt=parse_wrt(ns.wrt, fn), args=parse_args_values(ns.args), columns=columns)
    sys.stdout.write(table.to_text(color=_color(ns)))
    return 0


def cmd_trace(ns: argparse.Namespace) -> int:
    """Print every value of the forward pass, then every adjoint (or tangent)."""
    from .trace import trace

    fn = load_target(ns.target)
    args = parse_args_values(ns.args)
    if args is None:
        raise CLIError("trace needs --args, the values to evaluate at")
    if ns.max_iterations is not None and ns.max_iterations < 0:
        raise CLIError("--max-iterations must be 0 or more")
    result = trace(fn, args, wrt=parse_wrt(ns.wrt, fn), mode=ns.mode, max_iterations=ns.max_iterations)
    sys.stdout.write(result.to_text(color=_color(ns)))
    return 1 if result.error else 0


def cmd_graph(ns: argparse.Namespace) -> int:
    """Write the computational graph: DOT on stdout, or SVG/PNG/PDF/DOT with -o."""
    from .graph import FORMATS, graph

    fn = load_target(ns.target)
    args = parse_args_values(ns.args)
    if ns.annotate and args is None:
        raise CLIError("--annotate needs --args, the values to trace")
    g = graph(fn, wrt=parse_wrt(ns.wrt, fn), args=args, annotate=ns.annotate, rankdir=ns.rankdir)
    fmt = ns.format or (os.path.splitext(ns.output)[1].lstrip(".").lower() if ns.output else "dot")
    fmt = "dot" if fmt == "gv" else fmt
    if fmt not in FORMATS:
        raise CLIError(f"cannot write {fmt!r}; the formats are {', '.join(FORMATS)}")
    if fmt == "dot":
        return _write(ns, g.dot)
    data = g.pipe(fmt)
    if not ns.output:
        sys.stdout.buffer.write(data)
        return 0
    with open(ns.output, "wb") as f:
        f.write(data)
    print(f"wrote {ns.output}", file=sys.stderr)
    return 0


def cmd_export(ns: argparse.Namespace) -> int:
    """Write a standalone module with the derivatives (stdout, or -o FILE)."""
    from .export import MODES, export

    fn = load_target(ns.target)
    modes = _split(ns.modes) or ["reverse", "forward"]
    bad = [m for m in modes if m not in MODES]
    if bad:
        raise CLIError(f"--modes takes {','.join(MODES)}, not {bad[0]!r}")
    text = export(fn, wrt=parse_wrt(ns.wrt, fn), modes=modes, args=parse_args_values(ns.args))
    if ns.output:
        return _write(ns, text)
    sys.stdout.write(highlight(text, _color(ns)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="s2sad", description="Source-to-source automatic differentiation for Python.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def common(p: argparse.ArgumentParser, args_help: str = "example arguments, to specialise on scalars and array layouts") -> None:
        p.add_argument("target", help="FILE.py:FUNC or package.module:FUNC")
        p.add_argument("--wrt", help="parameter names or indices, comma-separated (default: the decorator's, else 0)")
        p.add_argument("--args", nargs="+", metavar="VALUE", help=args_help)
        p.add_argument("--no-color", action="store_true", help="never highlight")

    show = sub.add_parser("show", help="print generated source (adjoint by default)")
    common(show)
    show.add_argument("--mode", choices=("reverse", "forward", "wengert"), default="reverse")
    show.set_defaults(func=cmd_show)

    explain = sub.add_parser("explain", help="each source line next to its Wengert, tangent and adjoint statements")
    common(explain)
    explain.add_argument("--columns", metavar="LIST", help="which of wengert,tangent,adjoint to show (default: all)")
    explain.set_defaults(func=cmd_explain)

    trace = sub.add_parser("trace", help="evaluate at --args and print every value, forward then backward")
    common(trace, "the arguments to evaluate at (numbers, or lists for arrays)")
    trace.add_argument("--mode", choices=("reverse", "forward"), default="reverse")
    trace.add_argument("--max-iterations", type=int, metavar="N", help="show only the first N iterations of each loop")
    trace.set_defaults(func=cmd_trace)

    graph = sub.add_parser("graph", help="the computational graph: DOT text, or SVG/PNG with Graphviz")
    common(graph, "example arguments (needed by --annotate)")
    graph.add_argument("-o", "--output", metavar="FILE", help="write here; the suffix picks the format (.dot .svg .png .pdf)")
    graph.add_argument("--format", choices=("dot", "svg", "png", "pdf"), help="output format (default: from -o, else dot)")
    graph.add_argument("--annotate", action="store_true", help="label variables with their values and adjoints at --args")
    graph.add_argument("--rankdir", choices=("TB", "LR", "BT", "RL"), default="TB", help="layout direction (default TB)")
    graph.set_defaults(func=cmd_graph)

    export = sub.add_parser("export", help="write a standalone derivative module that needs only numpy")
    common(export)
    export.add_argument("--modes", metavar="LIST", help="reverse,value_and_grad,forward,wengert (default: reverse,forward)")
    export.add_argument("-o", "--output", metavar="FILE", help="write the module here instead of stdout")
    export.set_defaults(func=cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `s2sad` command."""
    parser = build_parser()
    try:
        ns = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not getattr(ns, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return ns.func(ns)
    except CLIError as exc:
        print(f"s2sad: {exc}", file=sys.stderr)
        return 2
    except S2SADError as exc:
        print(f"s2sad: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # -o into a missing directory, a full disk, no permission
        where = f": {exc.filename}" if exc.filename else ""
        print(f"s2sad: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
