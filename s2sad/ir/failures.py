"""Failures: an exception raised inside generated code -> a `DerivativeError` at the user's line.

Input: an exception whose traceback passes through generated code (a `ZeroDivisionError`
from `0.5 / math.sqrt(x)` at x = 0, a `LinAlgError` from inverting a singular matrix in
`slogdet`'s adjoint, a broadcasting `ValueError`). Output: a `DerivativeError` naming the
user's file and line (of the statement whose derivative, or whose own value, failed), the
generated line that failed and the original message. It is an instance of the original
exception's class too, so `except ZeroDivisionError:` still catches it. Exceptions of other
libraries and of user code, and tracebacks without generated code, are left alone.

Generated code of generated code (`jvp(grad(f))`) is mapped twice: its lines name lines of
the adjoint's text, whose own table names the user's lines. Nothing is computed until a failure.
"""
from __future__ import annotations

import linecache
import types
import weakref
from typing import Any, Callable

from .emit import line_table
from ..errors import DerivativeError, S2SADError

_GENERATED: "weakref.WeakValueDictionary[str, Callable[..., Any]]" = weakref.WeakValueDictionary()
# Exceptions of Python and NumPy: their classes are ordinary to subclass, and no caller relies on their fields.
_MODULES = ("builtins", "numpy")
_CLASSES: dict[type, type] = {}
_NO_DERIVATIVE = ("the derivative may not exist at this point (a square root or a power at 0, a singular matrix), "
                  "or the function itself fails for these arguments")
# Generated code reading a name it never bound is s2sad's mistake, whatever the arguments.
_S2SAD_BUG = "this is a bug in s2sad (generated code read a name it had not defined): please report it with the function"


def register(compiled: Callable[..., Any]) -> None:
    """Remember generated code by its file name, so a failure inside it can be located."""
    _GENERATED[compiled.__code__.co_filename] = compiled


def _error_class(original: type) -> type:
    """`DerivativeError` that is also an `original` (a ZeroDivisionError, a LinAlgError)."""
    cls = _CLASSES.get(original)
    if cls is None:
        try:
            cls = types.new_class(f"DerivativeError[{original.__name__}]", (DerivativeError, original))
        except TypeError:  # a layout clash (OSError and its kin): s2sad's class alone
            cls = DerivativeError
        cls.__module__ = "s2sad"  # how it prints: s2sad.DerivativeError[ZeroDivisionError]
        _CLASSES[original] = cls
    return cls


def user_place(filename: str, line: int) -> tuple[str, int, Callable[..., Any]] | None:
    """(user file, user line, generated function) for a line of generated code, followed back to the user's file."""
    compiled = _GENERATED.get(filename)
    first = compiled
    for _ in range(8):  # each level of generated code of generated code
        if compiled is None:
            return None
        user_line = line_table(compiled.__s2sad_ir__, compiled.__s2sad_source__).get(line)
        origin = getattr(compiled, "__s2sad_origin__", None)
        fn = origin() if origin is not None else None
        if fn is None:
            return None
        code = fn.__code__
        line = user_line if user_line is not None else code.co_firstlineno
        if code.co_filename not in _GENERATED:
            return code.co_filename, line, first
        compiled = _GENERATED.get(code.co_filename)
    return None


def relocate(err: S2SADError) -> None:
    """An error found while reading generated code (differentiating it again): point it at the user's line.

    The generated line stays in the hint, since it is the one s2sad refused.
    """
    place = user_place(err.filename, err.lineno) if err.filename in _GENERATED and err.lineno else None
    if place is None:
        return
    filename, line, compiled = place
    generated = (err.source_line or "").strip()
    where = f"`{generated}` in {err.filename}, line {err.lineno}" if generated else f"{err.filename}, line {err.lineno}"
    note = f"s2sad refused the code it generated from this line ({compiled.__name__}): {where}"
    err.hint = f"{note}; {err.hint}" if err.hint else note
    err.filename, err.lineno, err.col = filename, line, None
    err.source_line = linecache.getline(filename, line) or None
    err.args = (err._render(),)


def place(err: S2SADError, line: int | None, source: Any = None) -> None:
    """An error raised while generating one statement's derivative (a rule refusing its arguments,
    bad einsum subscripts): put it at that statement's `line` and, given the function's `source`
    (`source.FunctionSource`), in its file, unless it already has a place."""
    if err.lineno is None and err.filename is None and line:
        err.lineno = line
    if source is not None and err.filename is None and err.lineno:
        err.filename = source.filename
        lines = source.text.splitlines()
        k = err.lineno - source.first_line
        err.source_line = lines[k] if 0 <= k < len(lines) else linecache.getline(source.filename, err.lineno) or None
    err.args = (err._render(),)


def translate(exc: BaseException) -> DerivativeError | None:
    """The located error for `exc`, raised inside generated code, or None to leave it as it is."""
    if isinstance(exc, S2SADError) or not isinstance(exc, Exception):
        return None
    if type(exc).__module__.split(".")[0] not in _MODULES:
        return None
    tb, where = exc.__traceback__, None
    while tb is not None:  # the innermost generated frame: the line that failed
        if tb.tb_frame.f_code.co_filename in _GENERATED:
            where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    if where is None:
        return None
    place = user_place(*where)
    if place is None:
        return None
    filename, line, compiled = place
    generated = linecache.getline(where[0], where[1]).strip()
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    err = _error_class(type(exc))(
        f"the generated {compiled.__name__} failed at this line with {what}",
        filename=filename,
        lineno=line,
        source_line=linecache.getline(filename, line) or None,
        construct=compiled.__name__,
        hint=(_S2SAD_BUG if isinstance(exc, NameError) else _NO_DERIVATIVE)
        + f"; the generated line is `{generated}` ({where[0]}, line {where[1]})",
    )
    err.original = exc
    return err


def reraise(exc: BaseException) -> None:
    """Raise `exc` located at the user's line when it came from generated code, else as it was."""
    err = translate(exc)
    if err is None:
        raise exc
    raise err from None
