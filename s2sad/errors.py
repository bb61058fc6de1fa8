"""Errors raised on user input.

Every error carries the file, the line, the construct and the offending source
line, and prints them with a caret, the way a compiler reports a diagnostic.
"""
from __future__ import annotations

import inspect
import linecache
import os
from typing import Any


class S2SADError(Exception):
    """Base class of every error s2sad raises on user input."""

    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        filename: str | None = None,
        lineno: int | None = None,
        col: int | None = None,
        source_line: str | None = None,
        construct: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.filename = filename
        self.lineno = lineno
        self.col = col
        self.source_line = source_line
        self.construct = construct
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.filename:
            where = _display_path(self.filename)
            if self.lineno:
                where += f", line {self.lineno}"
            where += ": "
        text = f"{where}{self.kind}: {self.message}"
        if self.source_line is not None:
            line = self.source_line.rstrip("\n")
            stripped = line.lstrip()
            indent = len(line) - len(stripped)
            caret = max((self.col or indent) - indent, 0)
            text += f"\n    {stripped}\n    {' ' * caret}^"
        if self.hint:
            text += f"\nhint: {self.hint}"
        return text

    def __str__(self) -> str:
        return self._render()


def _display_path(filename: str) -> str:
    """A file name relative to the working directory when it lies below it."""
    if filename.startswith("<"):
        return filename
    try:
        rel = os.path.relpath(filename)
    except ValueError:  # another drive on Windows
        return filename
    return filename if rel.startswith("..") else rel


class UnsupportedSyntaxError(S2SADError):
    """A statement or expression that s2sad cannot differentiate."""

    kind = "unsupported syntax"


class UnknownFunctionError(S2SADError):
    """A call to a function that is neither a primitive nor readable Python."""

    kind = "unknown function"


class SourceUnavailableError(S2SADError):
    """The function's source text cannot be read (builtins, REPL, exec)."""

    kind = "source unavailable"


class WrtError(S2SADError):
    """`wrt` names a missing parameter, is out of range, or repeats."""

    kind = "bad wrt"


class NonDifferentiableError(S2SADError):
    """A derivative was requested through a primitive that has no rule for it."""

    kind = "not differentiable"


class ShapeError(S2SADError):
    """A cotangent, tangent or output has the wrong shape or kind."""

    kind = "shape error"


class InputError(S2SADError):
    """An argument of a kind s2sad cannot differentiate (complex, object, None)."""

    kind = "bad input"


class DerivativeError(S2SADError):
    """Generated code failed at a point (`failures.py`): named at the user's line it came from.

    Each one is an instance of the original exception's class too (`ZeroDivisionError`, `LinAlgError`).
    """

    kind = "derivative failed"


class RegenerationWarning(UserWarning):
    """A global or closure value keeps being re-bound, so a derivative keeps being generated again."""


def where_defined(fn: Any) -> dict[str, Any]:
    """filename, lineno and source_line of `fn`'s def line, where an error about its arguments is said (nothing when unknown)."""
    code = getattr(inspect.unwrap(fn), "__code__", None) if fn is not None else None
    if code is None:
        return {}
    return {"filename": code.co_filename, "lineno": code.co_firstlineno,
            "source_line": linecache.getline(code.co_filename, code.co_firstlineno) or None}
