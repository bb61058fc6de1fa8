"""The cheap call path's memos: what a repeated `jvp`, `hvp` or `jacobian` call need not work out again.

Input: a function and its arguments. Output: the plan of a forward-mode call
(parameter names, the float arguments it differentiates, the compiled tangent
program of the requested variant and its tangent parameters), kept per function
and per kind of arguments, so a repeated call skips `inspect.signature` and the
cache's hashing; gradients kept per function for `hvp`; and `Memo`, a dict that
`forget_plans` empties with the rest when rules or settings change.
"""
from __future__ import annotations

import inspect
import weakref
from typing import Any, Callable

import numpy as np

from ..driver import freshness, pipeline
from ..passes import settings as optimize
from .backends import call_family, foreign, retarget
from .arguments import check_input, is_float, is_float_sequence, is_scalar, scalar_names, alias_flags, fresh, target

JVP_PLANS: "weakref.WeakKeyDictionary[Any, dict[tuple, tuple]]" = weakref.WeakKeyDictionary()  # fn -> key -> `jvp_plan`
GRADS: "weakref.WeakKeyDictionary[Any, dict[Any, Any]]" = weakref.WeakKeyDictionary()  # fn -> wrt -> grad object (`grad_of`)
HVP_PLANS: "weakref.WeakKeyDictionary[Any, dict[tuple, tuple]]" = weakref.WeakKeyDictionary()  # fn -> key -> (grad, plan)


class Memo(dict):
    """A per-object memo of the cheap call path (a `jacobian`'s plans), emptied with the others."""

    __hash__ = object.__hash__  # by identity, so the weak set of memos can hold it

    def __init__(self) -> None:
        super().__init__()
        MEMOS.add(self)


MEMOS: "weakref.WeakSet[Memo]" = weakref.WeakSet()  # every live `Memo`, emptied by `forget_plans`


def forget_plans() -> None:
    """Empty the cheap call path's memos (`s2sad.optimize.configure` does, with the cache)."""
    JVP_PLANS.clear()
    GRADS.clear()
    HVP_PLANS.clear()
    for memo in list(MEMOS):
        memo.clear()


optimize.on_change(forget_plans)  # `s2sad.optimize.configure` empties the plans too


def memo_for(table: "weakref.WeakKeyDictionary[Any, dict]", fn: Any) -> dict:
    """`fn`'s memo in `table` (made on first use); a throwaway dict when the cheap call path is off."""
    if not optimize.SETTINGS.cheap_calls:
        return {}
    try:
        return table.setdefault(fn, {})
    except TypeError:  # not weak-referenceable: no memo
        return {}


def kind(a: Any) -> Any:
    """What a forward-mode plan depends on in an argument: float array, 0-d float array, or (scalar?, float?)."""
    if type(a) is np.ndarray and a.dtype.kind == "f":
        return a.ndim != 0
    if type(a) is list or type(a) is tuple:  # differentiated when it holds floats, like reverse mode does
        return ("sequence", is_float_sequence(a))
    if is_scalar(a):
        return (True, is_float(a))
    if foreign(a):  # a Dask or CuPy array: each library gets its own plan (backends.py)
        return (type(a), a.ndim != 0, is_float(a))
    return (False, is_float(a))


def jvp_plan(fn: Callable[..., Any], primals: tuple[Any, ...], variant: str = "jvp") -> tuple:
    """(parameter names, wrt names, compiled tangent program or None, its tangent parameters, positional).

    `variant` "jvp" returns `(value, value_dot)`; "tangent" returns `value_dot` alone.
    """
    key = (variant, *map(kind, primals))
    freshness.refresh(fn)  # a global re-bound since: the memos are emptied
    plans = memo_for(JVP_PLANS, fn)
    plan = plans.get(key)
    if plan is not None:
        pipeline.CACHE.hit()
        return plan
    base = target(fn, primals)
    names = list(inspect.signature(base).parameters)[: len(primals)]
    for n, p in zip(names, primals):
        check_input(n, p, base)
    wrt = tuple(n for n, p in zip(names, primals) if is_float(p) or is_float_sequence(p))
    compiled, dot_params, positional = None, [], False
    if wrt:
        compiled = pipeline.derive(base, "forward", wrt, scalar_names(base, primals, {}), variant)
        compiled = retarget(compiled, call_family(primals, {}, names, base))  # Dask, CuPy: their own `np`
        params = compiled.__s2sad_ir__.params
        dot_params = [p.name for p in params[-len(wrt):]]
        # Every primal parameter given: the tangents follow them positionally (no keyword binding per call).
        positional = len(params) == len(primals) + len(wrt)
        if any(alias_flags(compiled, 1, variant == "jvp")):  # the output's tangent may be a tangent passed in: copied
            compiled = _fresh_tangent(compiled, variant == "jvp")
    plan = plans[key] = (names, wrt, compiled, dot_params, positional)
    return plan


def _fresh_tangent(compiled: Callable[..., Any], valued: bool) -> Callable[..., Any]:
    """`compiled`, with the output's tangent copied: the generated code may return a tangent the caller passed in."""
    if valued:
        def run(*args: Any, **kwargs: Any) -> Any:
            value, dot = compiled(*args, **kwargs)
            return value, fresh(dot)
    else:
        def run(*args: Any, **kwargs: Any) -> Any:
            return fresh(compiled(*args, **kwargs))
    return run
