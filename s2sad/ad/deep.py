"""Deep programs: code generation for very long expressions and long chains of helper calls.

Lowering, the analyses and the printer walk expressions and nested helper
calls recursively, and so do `ast.unparse` and `compile`. A program with one
expression of thousands of operations (`x + x*1.1 + x*1.2 + ...`), or a chain
of hundreds of helpers each calling the next, goes deeper than Python's
default recursion limit (1,000 frames).

`guarded` runs a pipeline entry point as usual; only when that raises
RecursionError does it run the entry again on a worker thread with a large
stack (`STACK_BYTES`) and a recursion limit to match (`LIMIT`), and wait for
it. The process-wide recursion limit is raised while any such thread runs
(a counter under a lock restores it when the last one ends), and never
lowered below what it was. If even that is not deep enough, the
RecursionError becomes an `UnsupportedSyntaxError` saying which construct
is too deep: never an internal RecursionError.
"""
from __future__ import annotations

import contextvars
import functools
import sys
import threading
from typing import Any, Callable, TypeVar

from ..errors import UnsupportedSyntaxError
from ..primitives import registry
from .calls import LOCK as GENERATION_LOCK

F = TypeVar("F", bound=Callable[..., Any])

STACK_BYTES = 512 * 1024 * 1024  # reserved address space, committed only as it is used
LIMIT = 400_000  # Python frames; about 1 KB of C stack each at most where C calls recurse

_local = threading.local()  # .inside: this thread runs a guarded entry point already
_lock = threading.Lock()
_raised = {"count": 0, "saved": 0}


def guarded(fn: F) -> F:
    """`fn`, retried on a deep stack when it runs out of recursion (see the module docstring)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if getattr(_local, "inside", False):
            return fn(*args, **kwargs)  # nested: the outermost entry point handles a RecursionError
        _local.inside = True
        try:
            return fn(*args, **kwargs)
        except RecursionError:
            pass  # retried below, outside the handler (no chained traceback of a thousand frames)
        finally:
            _local.inside = False
        return _deep(fn, args, kwargs)

    return wrapper  # type: ignore[return-value]


def _deep(fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    if any(getattr(lock, "_is_owned", lambda: False)() for lock in (GENERATION_LOCK, registry.LOCK)):
        # This thread holds the derivative cache's lock: a worker thread would wait for it forever.
        raise _too_deep(RecursionError())
    result: dict[str, Any] = {}
    ctx = contextvars.copy_context()

    def run() -> None:
        _local.inside = True
        try:
            result["value"] = ctx.run(fn, *args, **kwargs)
        except RecursionError as exc:
            result["error"] = _too_deep(exc)
        except BaseException as exc:  # noqa: BLE001 -- re-raised on the caller's thread
            result["error"] = exc

    _raise_limit()
    try:
        with _lock:  # threading.stack_size is process-wide: set it only for this thread's creation
            old = threading.stack_size()
            try:
                threading.stack_size(STACK_BYTES)
                worker = threading.Thread(target=run, name="s2sad-deep", daemon=True)
            finally:
                threading.stack_size(old)
            worker.start()
        worker.join()
    finally:
        _restore_limit()
    if "error" in result:
        raise result["error"]
    return result["value"]


def _raise_limit() -> None:
    with _lock:
        if _raised["count"] == 0:
            _raised["saved"] = sys.getrecursionlimit()
            sys.setrecursionlimit(max(LIMIT, _raised["saved"]))
        _raised["count"] += 1


def _restore_limit() -> None:
    with _lock:
        _raised["count"] -= 1
        if _raised["count"] == 0 and sys.getrecursionlimit() == max(LIMIT, _raised["saved"]):
            sys.setrecursionlimit(_raised["saved"])


def _too_deep(exc: RecursionError) -> UnsupportedSyntaxError:
    """The error for a program too deep even on the deep stack, naming what nests."""
    calls, tb = 0, exc.__traceback__
    while tb is not None:
        calls += tb.tb_frame.f_code.co_name == "user_call"
        tb = tb.tb_next
    if calls > 50:
        what, construct = f"a chain of more than {calls} helper functions each calling the next", "helper call chain"
    else:
        what, construct = "an expression nested too deeply", "expression"
    return UnsupportedSyntaxError(
        f"{what} is too deep for s2sad to differentiate (Python ran out of recursion)",
        construct=construct,
        hint="split the expression into several statements, or the chain into fewer helpers",
    )
