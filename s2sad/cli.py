"""The command line: `s2sad show FILE.py:FUNC` (or `package.module:func`).

Input: argv. Output: generated source on stdout, or a one-paragraph message
on stderr and a non-zero exit status -- never a traceback -- for a missing
file, a syntax error, a missing function, bad flags or unsupported code.
"""
from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import os
import sys
from typing import Any, Callable, Sequence

from .errors import S2SADError


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
        mod_name = "_s2sad_cli_" + os.path.splitext(os.path.basename(path))[0]
        sys.path.insert(0, os.path.dirname(path))
        spec_obj = importlib.util.spec_from_file_location(mod_name, path)
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
        out.append(np.asarray(value, dtype=float) if isinstance(value, (list, tuple)) else value)
    return tuple(out)


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
    from . import api

    fn = load_target(ns.target)
    text = api.source(fn, mode=ns.mode, wrt=parse_wrt(ns.wrt, fn), args=parse_args_values(ns.args))
    color = sys.stdout.isatty() and not ns.no_color
    sys.stdout.write(highlight(text, color))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="s2sad", description="Source-to-source automatic differentiation for Python.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    show = sub.add_parser("show", help="print generated source (adjoint by default)")
    show.add_argument("target", help="FILE.py:FUNC or package.module:FUNC")
    show.add_argument("--mode", choices=("reverse", "forward", "wengert"), default="reverse")
    show.add_argument("--wrt", help="parameter names or indices, comma-separated (default: 0)")
    show.add_argument("--args", nargs="+", metavar="VALUE", help="example arguments, to specialise on scalars")
    show.add_argument("--no-color", action="store_true", help="never highlight")
    show.set_defaults(func=cmd_show)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
