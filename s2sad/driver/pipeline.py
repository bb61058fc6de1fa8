"""The pipeline in one place: source -> fence -> lower -> transform -> emit -> compile -> cache.

Input: a Python function (or an s2sad-generated one), a mode ("wengert",
"reverse", "forward"), the `wrt` parameter names, the scalar parameters and,
for reverse mode, the array parameters' layouts (`layouts.py`) and, for its
"grad" and "value_and_grad" variants, their dtypes (`reuse.py`). The passes
run from the pass manager (`passes/manager.py`), in its one order.
Output: the IR of any stage (`generate`), its text (`show`) or the compiled,
cached derivative (`derive`).
"""
from __future__ import annotations

import threading

from typing import Any, Callable, Sequence

import numpy as np

from .cache import CACHE
from .compile import compile_ir
from ..ir.emit import to_source
from ..errors import WrtError
from ..passes import manager, settings as optimize
from ..passes.context import Context
from ..ad import deep
from . import freshness
from ..ir import Function
from ..analysis.layouts import Layouts
from ..frontend.lower import Lowered, lower
from ..ad import calls
from ..frontend import lower as frontend_lower, source as frontend_source
from ..rules import call_hooks

optimize.on_change(CACHE.clear)  # `s2sad.optimize.configure` empties the cache: derivatives are generated again

MODES = ("wengert", "reverse", "forward")
ATTEMPTS = 3  # generations of one derivative, when re-bound names keep emptying the cache midway
_nesting = threading.local()  # how deep in `derive` this thread is (helpers' derivatives nest)


@deep.guarded  # a RecursionError is retried on a deep stack (deep.py)
def lowered(fn: Callable[..., Any]) -> Lowered:
    """The fenced, lowered Wengert list of `fn`, cached per code object (and per value of its globals)."""
    with freshness.batch():
        freshness.refresh(fn)
        owner = freshness.sharer(fn)  # closures of one code share one lowering (freshness.py)
        if owner is None:
            return CACHE.get(fn, ("lower", fn.__code__), lambda: _lower_and_watch(fn))
        low = CACHE.get(owner, ("lower", fn.__code__), lambda: _lower_and_watch(fn, owner))
        return freshness.adopt(fn, owner, low)


def _lower_and_watch(fn: Callable[..., Any], owner: freshness.Shared | None = None) -> Lowered:
    low = lower(fn)
    helpers = [p.user_fn for p in low.source.called.values() if getattr(p, "user_fn", None) is not None]
    live = freshness.live(fn, low.globals_used) if owner is not None else ()
    w = freshness.watch(fn, low.source.watched(), helpers, live)
    if owner is not None:
        owner.watch = w
    return low


def resolve_wrt(fn: Callable[..., Any], wrt: int | str | Sequence[int | str]) -> tuple[tuple[str, ...], bool]:
    """Parameter names for `wrt` and whether the user asked for a tuple."""
    names = list(optimize.signature(fn).parameters)
    is_tuple = isinstance(wrt, (tuple, list))
    items = list(wrt) if is_tuple else [wrt]  # type: ignore[arg-type]
    where = code_location(fn)
    out: list[str] = []
    for w in items:
        if isinstance(w, bool) or not isinstance(w, (int, str)):
            raise WrtError(f"wrt must be a parameter index or name, not {w!r}", construct=f"wrt={wrt!r}", **where)
        if isinstance(w, int):
            if not -len(names) <= w < len(names):
                raise WrtError(f"wrt={w} is out of range: {fn.__name__} has {len(names)} parameters {tuple(names)}", construct=f"wrt={wrt!r}", **where)
            w = names[w]
        elif w not in names:
            raise WrtError(f"{fn.__name__} has no parameter {w!r}; its parameters are {tuple(names)}", construct=f"wrt={wrt!r}", **where)
        if w in out:
            raise WrtError(f"parameter {w!r} is given twice in wrt", construct=f"wrt={wrt!r}", **where)
        out.append(w)
    if not out:
        raise WrtError("wrt is empty", construct="wrt=()", **where)
    return tuple(out), is_tuple


def code_location(fn: Callable[..., Any]) -> dict[str, Any]:
    """`filename` and `lineno` of `fn`'s code, for an error's location (empty without code)."""
    code = getattr(fn, "__code__", None)
    return {"filename": code.co_filename, "lineno": code.co_firstlineno} if code else {}


@deep.guarded  # a RecursionError is retried on a deep stack (deep.py)
def generate(fn: Callable[..., Any], mode: str, wrt: tuple[str, ...] = (), scalars: frozenset[str] = frozenset(), variant: str = "vjp",
             layouts: Layouts = frozenset(), dtypes: frozenset = frozenset(), passes: Any = None,
             step: Callable[[str, Function], None] | None = None) -> Function:
    """The IR of `fn` at the given stage; reverse mode specialises on the parameters' `layouts` (and,
    given them, on their `dtypes`: `reuse.py`) too. The pass manager (`passes/manager.py`) runs every pass:
    those the switches (`s2sad.optimize`) leave on, or those `passes` names ("none", or a list of names);
    `step(name, ir)`, given, sees the generated program and the program after each pass."""
    low = lowered(fn)
    if mode == "wengert":
        return low.fn
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    dts = {n: np.dtype(d) for n, d in dtypes}  # given only for what s2sad.grad and value_and_grad run
    context = Context(mode, variant, tuple(wrt), frozenset(scalars), dict(layouts), dts)
    return manager.derivative(low, context, optimize.SETTINGS, manager.select(passes), step)


def steps(fn: Callable[..., Any], mode: str, wrt: tuple[str, ...] = (), scalars: frozenset[str] = frozenset(), variant: str = "vjp",
          layouts: Layouts = frozenset(), dtypes: frozenset = frozenset()) -> str:
    """The text of `fn`'s derivative as generated, then after each pass that runs (`s2sad.source(f, passes="steps")`)."""
    shown: list[tuple[str, str]] = []
    generate(fn, mode, wrt, scalars, variant, layouts, dtypes, step=lambda name, ir: shown.append((name, to_source(ir))))
    out: list[str] = []
    previous = None
    for name, text in shown:
        if text == previous:
            out.append(f"# ---- {name}: no change ----\n")
            continue
        title = f'generated: {mode} mode, "{variant}"' if name == "generated" else f"after {name}"
        out.append(f"# ---- {title} ----\n{text}")
        previous = text
    return "\n".join(out)


@deep.guarded  # a RecursionError is retried on a deep stack (deep.py)
def show(fn: Callable[..., Any], mode: str, wrt: tuple[str, ...] = (), scalars: frozenset[str] = frozenset(), variant: str = "vjp",
         layouts: Layouts = frozenset(), dtypes: frozenset = frozenset(), passes: Any = None) -> str:
    """The text of `fn` at the given stage, ready to paste into a file (`passes`: see `generate`; "steps":
    the text after each pass, `steps`)."""
    if passes == "steps" and mode != "wengert":
        return steps(fn, mode, wrt, scalars, variant, layouts, dtypes)
    ir = generate(fn, mode, wrt, scalars, variant, layouts, dtypes, passes)
    return to_source(ir, header=mode != "wengert")


@deep.guarded  # a RecursionError is retried on a deep stack (deep.py)
def derive(fn: Callable[..., Any], mode: str, wrt: tuple[str, ...], scalars: frozenset[str], variant: str = "vjp",
           layouts: Layouts = frozenset(), dtypes: frozenset = frozenset()) -> Callable[..., Any]:
    """The compiled, cached derivative of `fn`."""
    key = (fn.__code__, mode, variant, wrt, scalars, layouts, dtypes)

    def build() -> Callable[..., Any]:
        low = lowered(fn)
        ir = generate(fn, mode, wrt, scalars, variant, layouts, dtypes)
        where = low.source.location
        label = f"{variant} of {fn.__name__} wrt {','.join(wrt)} ({where})"
        cells = freshness.live(fn, low.globals_used) if owner is not None else ()
        compiled = compile_ir(ir, label, low.globals_used, cells)
        freshness.inherit(compiled, fn)  # so code generated from it (jvp of a grad) follows fn's globals
        return compiled

    with freshness.batch():  # (a helper's watch found unchanged is not walked again below)
        outermost = not getattr(_nesting, "depth", 0)
        for _ in range(ATTEMPTS):
            owner = freshness.sharer(fn)  # a closure: the code is generated once per code object, then bound to its cells
            if owner is not None:
                lowered(fn)  # (gives fn its watch, when another closure's lowering is shared)
            freshness.refresh(fn)
            epoch = freshness.epoch()
            _nesting.depth = getattr(_nesting, "depth", 0) + 1
            try:
                compiled = CACHE.get(fn if owner is None else owner, key, build)
            finally:
                _nesting.depth -= 1
            if owner is not None:
                compiled = freshness.bind(compiled, fn)
            # A helper's own check may find a re-bound name midway and empty the cache: what was built is
            # right, but the watches made before that moment (fn's among them) went with it, so nothing
            # would notice the next re-binding. The outermost generation starts again instead.
            if not outermost or freshness.epoch() == epoch:
                break
        return compiled


# Services this driver lends the layers below it (each slot is documented where it lives).
call_hooks.LOWERED = lowered  # rules/call_hooks.py: a library function is read before it is refused
frontend_lower.USER_PRIMITIVE = calls.user_primitive  # frontend/lower.py: a call to a helper function
frontend_source.WATCH_NAME = freshness.reads  # frontend/source.py: what a lowering reads, watched by freshness
frontend_source.WATCH_ATTRIBUTE = freshness.attribute
calls.DERIVE, calls.LOWERED, calls.KEEP = derive, lowered, CACHE.keep  # ad/calls.py: a helper's own derivatives
