"""What the Numba rewrite needs to know about a generated function's variables: their kinds.

Input: a generated Python function (it has `__s2sad_source__`) and example arguments.
Output: `Kinds`, for each local variable the set of kinds it held while the Python code
ran once on those arguments (`float`, `int`, `bool`, `none`, an array's dtype, rank and
shape, or `other`), and the Python result. Numba types every variable once, so
`s2sad/compiled/transform.py` reads this to give a `t1 = None` placeholder the type of
what it later holds, to type the loop tape's stacks, and to find chains of
elementwise statements over arrays of one shape.
"""
from __future__ import annotations

import sys
from typing import Any, Callable

import numpy as np

Kind = tuple  # ("float",), ("int",), ("bool",), ("none",), ("array", dtype str, ndim, shape), ("other", type name)


def kind_of(v: Any) -> Kind:
    """The kind of one value."""
    t = type(v)
    if v is None:
        return ("none",)
    if t is bool or t is np.bool_:
        return ("bool",)
    if t is float or t is np.float64:
        return ("float",)
    if t is int or isinstance(v, np.integer):
        return ("int",)
    if t is np.ndarray:
        if v.ndim == 0:
            return ("array0", v.dtype.str)
        return ("array", v.dtype.str, v.ndim, v.shape)
    if t is tuple and all(type(e) is int for e in v):
        return ("shape", len(v))
    return ("other", t.__name__)


def run_traced(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, dict[str, set[Kind]]]:
    """Call `fn(*args, **kwargs)`, recording the kind of each of its locals after every line."""
    code = fn.__code__
    kinds: dict[str, set[Kind]] = {}

    def record(frame: Any) -> None:
        for name, value in frame.f_locals.items():
            kinds.setdefault(name, set()).add(kind_of(value))

    def local(frame: Any, event: str, arg: Any) -> Any:
        if event in ("line", "return"):
            record(frame)
        return local

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code is code:
            return local
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        out = fn(*args, **kwargs)
    finally:
        sys.settrace(previous)
    return out, kinds
