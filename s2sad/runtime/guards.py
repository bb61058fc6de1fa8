"""The runtime's aliasing guards: checks that generated code makes where only the run can tell.

Part of the runtime that generated code imports by name (`from s2sad.runtime import ...`
re-exports every function here). Lowering puts a guard where NumPy's in-place semantics
could make the derivative differ from the function: the guard passes a number through
and raises, naming the user's line, when the value turns out to be an array that is
shared. In exported code running without s2sad the error is a `ValueError`.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def _refuse(where: str, message: str, construct: str, hint: str) -> None:
    import sys

    # s2sad's own error when s2sad is loaded; a ValueError in exported code running without it.
    error = getattr(sys.modules.get("s2sad.errors"), "UnsupportedSyntaxError", ValueError)
    if error is ValueError:
        raise error(f"{where}: {message}; {hint}")
    filename, _, line = where.rpartition(":")
    raise error(message, filename=filename, lineno=int(line), construct=construct, hint=hint)


def unshared(value: Any, name: str, where: str) -> Any:
    """Refuse `name += e` (at `where`, "file:line") when the value is an array another name holds too.

    On an ndarray `+=` updates the object in place, so every other name for it (or the
    caller's argument) changes; the derivative code treats `v` as a new value instead.
    Numbers are re-bound by `+=`, as s2sad assumes, and pass through."""
    if isinstance(value, np.ndarray):
        _refuse(where, f"augmented assignment to {name!r} updates its array in place, and another name (or the "
                "caller's argument) holds the same array, so it would change too",
                f"{name} += ...", f"make a new array instead: write `{name} = {name} + e` for `{name} += e`")
    return value


def not_a_view(value: Any, name: str, update: str, where: str) -> Any:
    """Refuse reading `name` (at `where`) when it is a view that `update` (a store into its array) changed.

    `row = A[i]` is a number when `A` is a vector, so a later `A[i] = v` leaves it alone; when
    `A` has more axes it is a view of a row, which NumPy shows the new values while the
    derivative would see the old ones. Numbers, and arrays of their own, pass through."""
    if isinstance(value, np.ndarray) and value.base is not None:
        _refuse(where, f"{name!r} is a view into an array that {update} changed; NumPy shows the view the new "
                "values, but s2sad would differentiate the old ones", name,
                f"make {name!r} a copy where it is taken (.copy()), or read it before the update")
    return value


__all__ = ["unshared", "not_a_view"]
