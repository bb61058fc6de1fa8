"""The pipeline in one place: source -> fence -> lower -> transform -> emit -> compile -> cache.

Input: a Python function (or an s2sad-generated one), a mode ("wengert",
"reverse", "forward"), the `wrt` parameter names, the scalar parameters and,
for reverse mode, the array parameters' layouts (`layouts.py`) and, for its
"grad" and "value_and_grad" variants, their dtypes (`reuse.py`).
Output: the IR of any stage (`generate`), its text (`show`) or the compiled,
cached derivative (`derive`).
"""
from __future__ import annotations

import threading

from dataclasses import replace
from typing import Any, Callable, Sequence

import numpy as np

from .cache import CACHE
from .compile import compile_ir
from ..ir.emit import to_source
from ..errors import WrtError
from ..ad.forward import forward
from ..passes import aliasing, collect, cse, factor, fold, inplace, liveness, settings as optimize, reuse, sincos
from ..ad import deep
from . import freshness
from ..ir import Const, Function, Param, Return, Tup
from ..analysis.layouts import Layouts
from ..frontend.lower import Lowered, lower
from ..ad.reverse import reverse

MODES = ("wengert", "reverse", "forward")
ATTEMPTS = 3  # generations of one derivative, when re-bound names keep emptying the cache midway
_nesting = threading.local()  # how deep in `derive` this thread is (helpers' derivatives nest)


@deep.guarded  # a RecursionError is retried on a deep stack (deep.py)
def lowered(fn: Callable[..., Any]) -> Lowered:
    """The fenced, lowered Wengert list of `fn`, cached per code object (and per value of its globals)."""
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
    where = _where(fn)
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


def _where(fn: Callable[..., Any]) -> dict[str, Any]:
    code = getattr(fn, "__code__", None)
    return {"filename": code.co_filename, "lineno": code.co_firstlineno} if code else {}


@deep.guarded  # a RecursionError is retried on a deep stack (deep.py)
def generate(fn: Callable[..., Any], mode: str, wrt: tuple[str, ...] = (), scalars: frozenset[str] = frozenset(), variant: str = "vjp",
             layouts: Layouts = frozenset(), dtypes: frozenset = frozenset()) -> Function:
    """The IR of `fn` at the given stage; reverse mode specialises on the parameters' `layouts` (and,
    given them, on their `dtypes`: `reuse.py`) too."""
    low = lowered(fn)
    if mode == "wengert":
        return low.fn
    low = aliasing.specialize(low, scalars, dict(layouts) if mode == "reverse" else None)
    if mode == "reverse" and variant == "quiet_vjp":  # "vjp" whose forward sweep repeats a run already made (a
        from ..frontend.effects import quiet  # helper's, run by its caller's forward sweep): print/logging/warnings stay out

        return quiet(generate(fn, mode, wrt, scalars, "vjp", layouts, dtypes))
    if mode == "reverse":
        # "step_vjp": a checkpointed loop's step (revolve.py), a "vjp" that returns the adjoints alone: so
        # nothing needs the forward sweep's statements that only form the step's result.
        step_vjp = variant == "step_vjp"
        adjoint = optimize.adjoint(reverse(low, wrt, set(scalars), "vjp" if step_vjp else variant, layouts))
        if step_vjp:  # (the seeds lose their default 1.0, which liveness would fold in as a constant)
            k = len(low.fn.params)
            adjoint = replace(adjoint, params=adjoint.params[:k] + [Param(p.name, None) for p in adjoint.params[k:]])
            return _lean_passes(liveness.apply(adjoint)) if optimize.SETTINGS.liveness else adjoint
        # "grad": gradients only, for a function whose value is known to be a number; nothing needs the value.
        if variant == "grad":
            adjoint = _lean_passes(liveness.apply(adjoint))
            adjoint = inplace.apply(adjoint, scalars) if optimize.SETTINGS.inplace else adjoint
        dts = {n: np.dtype(d) for n, d in dtypes}  # given only for what s2sad.grad and value_and_grad run
        if optimize.SETTINGS.sincos and dts and variant == "grad":  # (value_and_grad's value stays NumPy's sine)
            adjoint = sincos.apply(adjoint, dts)
        if optimize.SETTINGS.reuse and dts:
            seeds = frozenset(p.name for p in adjoint.params) - {p.name for p in low.fn.params}
            adjoint = reuse.apply(adjoint, {**dict(layouts), **{n: () for n in scalars}}, dts, seeds)
        return adjoint
    if mode == "forward":
        tangent = forward(low, wrt, set(scalars))
        # "tangent": the output's tangent only (hvp); nothing needs the value. "diagonal": that, seeded
        # with ones (the diagonal Jacobian of an elementwise function), the seed folded in as 1.0.
        if variant == "tangent":
            lean = liveness.apply(_tangent_only(tangent))
        elif variant == "diagonal":
            lean = liveness.apply(_seeded_with_ones(_tangent_only(tangent)))
        else:
            return tangent
        return _lean_passes(lean)
    raise ValueError(f"mode must be one of {MODES}, not {mode!r}")


def _lean_passes(fn: Function) -> Function:
    """The passes the lean variants ("grad", "tangent", "diagonal") get on top of liveness."""
    if optimize.SETTINGS.cse:
        fn = cse.apply(fn)
    if optimize.SETTINGS.fold:
        fn = fold.apply(fn)
    if optimize.SETTINGS.collect:
        fn = collect.apply(fn)
    return factor.apply(fn) if optimize.SETTINGS.factor else fn


def _tangent_only(fn: Function) -> Function:
    """The tangent program returning `value_dot` alone instead of `(value, value_dot)`."""
    ret = fn.body[-1]
    assert isinstance(ret, Return) and isinstance(ret.value, Tup)
    body = fn.body[:-1] + [Return(ret.value.elts[1], ret.line)]
    doc = (fn.doc or "").replace("Forward mode (tangent)", "Forward mode (tangent only)")
    return replace(fn, name=fn.name.replace("_jvp", "_tangent"), body=body, doc=doc)


def _seeded_with_ones(fn: Function) -> Function:
    """The tangent program with its one tangent parameter defaulting to 1.0, for `liveness` to fold in."""
    seed = fn.params[-1]
    doc = (fn.doc or "").replace("Forward mode (tangent only)", "Forward mode seeded with ones (the elementwise derivative)")
    return replace(fn, name=fn.name.replace("_tangent", "_derivative"), params=fn.params[:-1] + [Param(seed.name, Const(1.0))], doc=doc)


@deep.guarded  # a RecursionError is retried on a deep stack (deep.py)
def show(fn: Callable[..., Any], mode: str, wrt: tuple[str, ...] = (), scalars: frozenset[str] = frozenset(), variant: str = "vjp",
         layouts: Layouts = frozenset(), dtypes: frozenset = frozenset()) -> str:
    """The text of `fn` at the given stage, ready to paste into a file."""
    ir = generate(fn, mode, wrt, scalars, variant, layouts, dtypes)
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
