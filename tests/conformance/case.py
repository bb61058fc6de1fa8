"""One conformance case: a function ported from a peer's public test suite, and where to call it.

Input: nothing. Output: the `Case` record that the `cases_*.py` modules build and `harness.py` runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Case:
    """A function from a peer's suite, the arguments to call it at, and what to differentiate."""

    suite: str  # the peer's file it was ported from, e.g. "autograd/test_numpy.py"
    name: str  # unique within the suite: the peer's test name, or a name for the variant
    fn: Callable[..., Any]  # a module-level def that uses `np` (and `math`) by those names
    args: tuple[Any, ...]  # the point; float arguments (numbers or float64 arrays) are differentiated
    wrt: tuple[str, ...] | None = None  # parameters to differentiate; None: every float argument
    modes: tuple[str, ...] = ("reverse", "forward", "second")  # "second" applies to number outputs only
    refusal: str | None = None  # when s2sad refuses on purpose: why (documented in the README table)
    tol: float = 1e-6  # relative tolerance against the oracle
    extra: dict[str, Any] = field(default_factory=dict)  # anything the harness should know (kwargs, notes)
