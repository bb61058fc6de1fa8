"""What each optimisation pass buys: the same workload with the pass off and on, in one run.

Input: `quick` and the repeat settings. Output: rows `{pass, workload, measure,
unit, off, on, note}` for RESULTS.md. Passes are switched with
`s2sad.optimize.configure`, which empties the derivative cache, and a fresh
`s2sad.grad` object is made after each switch, so each side runs the code
generated under its own settings. Two rows measure changes that are *not*
applied -- a list-based runtime `Stack` and in-place accumulation -- by
running a modified copy of the generated code; their notes say so.
"""
from __future__ import annotations

import re
import statistics
from typing import Any, Callable

import numpy as np

import s2sad
from s2sad import optimize, pipeline, runtime

from . import workloads as W
from .studies import peak_memory
from .timing import calibrate, sample


def _pair_times(off: Callable[[], Any], on: Callable[[], Any], repeats: int, min_time: float) -> tuple[float, float]:
    """Median seconds of `off` and `on`, sampled alternately so a change in load falls on both.

    Twice the usual samples, each a third as long, so the two alternate quickly.
    """
    off(), on()
    numbers = [calibrate(off, min_time / 3), calibrate(on, min_time / 3)]
    samples: list[list[float]] = [[], []]
    for _ in range(2 * repeats + 1):
        for k, call in enumerate((off, on)):
            samples[k].append(sample(call, numbers[k]))
    return statistics.median(samples[0]), statistics.median(samples[1])


def _grad_call(fn: Callable[..., Any], args: tuple[Any, ...], wrt: Any = 0) -> Callable[[], Any]:
    g = s2sad.grad(fn, wrt)
    return lambda: g(*args)


def _built(settings: dict[str, Any], make: Callable[[], Callable[[], Any]]) -> Callable[[], Any]:
    """`make()` under `settings`, called once so its code is generated under them."""
    previous = optimize.configure(**settings)
    try:
        call = make()
        call()
        return call
    finally:
        optimize.configure(**previous)


def _both(setting: dict[str, Any], off: dict[str, Any], make: Callable[[], Callable[[], Any]], what: Any) -> tuple[float, float]:
    """(value with `off` settings, value with `setting`): times sampled alternately, or peak memory."""
    before, after = _built(off, make), _built(setting, make)
    if what == "time":
        return _pair_times(before, after, *_TIMING)
    return what(before), what(after)


def _flagged(flag: bool, call: Callable[[], Any]) -> Callable[[], Any]:
    """`call` with the cheap call path switched to `flag` for its duration (no cache clearing)."""

    def run() -> Any:
        saved = optimize.SETTINGS.cheap_calls
        optimize.SETTINGS.cheap_calls = flag
        try:
            return call()
        finally:
            optimize.SETTINGS.cheap_calls = saved

    return run


_TIMING: list[Any] = [7, 0.05]


class _ListStack(list):
    """The proposed runtime `Stack`: a list whose `push` is `list.append` (C calls, no Python frame)."""

    __slots__ = ()
    push = list.append


def _with_runtime(patches: dict[str, Any], make: Callable[[], Callable[[], Any]]) -> Callable[[], Any]:
    """`make()` with generated code compiled against patched `s2sad.runtime` helpers (restored after)."""
    originals = {name: getattr(runtime, name) for name in patches}
    for name, value in patches.items():
        setattr(runtime, name, value)  # generated code imports its helpers from s2sad.runtime when compiled
    try:
        pipeline.CACHE.clear()
        call = make()
        call()  # compile now, while the patch is in place
        return call
    finally:
        for name, value in originals.items():
            setattr(runtime, name, value)
        pipeline.CACHE.clear()


def _basic(index: Any) -> bool:
    """True for an index of slices, integers, `...` and `None`: it names each element at most once."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (slice, int, np.integer)) or i is Ellipsis or i is None for i in parts)


def _scatter_add_basic(g: Any, x: Any, index: Any) -> Any:
    """The proposed `scatter_add`: a plain store for a basic index, `np.add.at` only where indices can repeat."""
    if not _basic(index):
        return _ORIGINAL["scatter_add"](g, x, index)
    out = np.zeros(np.shape(x), dtype=np.result_type(np.asarray(g).dtype, np.asarray(x).dtype, np.float16))
    out[index] = g
    return out


def _matmul_adjoint_a_2d(y: Any, a: Any, b: Any) -> Any:
    """The proposed `matmul_adjoint_a`: `y @ b.T` for matrices, the general helper otherwise."""
    if np.ndim(a) == 2 and np.ndim(b) == 2 and np.ndim(y) == 2:
        return y @ b.T
    return _ORIGINAL["matmul_adjoint_a"](y, a, b)


def _matmul_adjoint_b_2d(y: Any, a: Any, b: Any) -> Any:
    """The proposed `matmul_adjoint_b`: `a.T @ y` for a matrix `a` and a vector or matrix `b`."""
    if np.ndim(a) == 2 and np.ndim(b) in (1, 2) and np.ndim(y) == np.ndim(b):
        return a.T @ y
    return _ORIGINAL["matmul_adjoint_b"](y, a, b)


_ORIGINAL = {name: getattr(runtime, name) for name in ("scatter_add", "matmul_adjoint_a", "matmul_adjoint_b")}


def _in_place(fn: Callable[..., Any], wrt: tuple[str, ...], scalars: frozenset[str]) -> tuple[Callable[..., Any], Callable[..., Any], int]:
    """The generated gradient, and a copy whose `x_bar = x_bar + e` lines read `x_bar += e`."""
    compiled = pipeline.derive(fn, "reverse", wrt, scalars, "vjp")
    text = compiled.__s2sad_source__
    fused, count = re.subn(r"^(\s*)(\w+_bar) = \2 ([+-]) ", r"\1\2 \3= ", text, flags=re.M)
    namespace: dict[str, Any] = {}
    exec(compile(fused, f"<in-place {fn.__name__}>", "exec"), namespace)
    return compiled, namespace[compiled.__name__], count


def measure_all(quick: bool, repeats: int, min_time: float) -> list[dict[str, Any]]:
    """Every pass, off and on."""
    rows: list[dict[str, Any]] = []
    _TIMING[:] = [repeats, min_time]
    steps, size = (100, 100) if quick else (1000, 1000)
    rng = np.random.default_rng(9)
    xa = rng.standard_normal(size) * 0.5
    wa = rng.standard_normal(size) * 0.5

    def row(name: str, workload: str, measure_name: str, off: float, on: float, unit: str = "s", note: str = "") -> None:
        rows.append({"pass": name, "workload": workload, "measure": measure_name, "unit": unit, "off": off, "on": on, "note": note})

    # recompute, "fast" (the default): scalar values that are cheaper to compute again than to push and pop
    off, on = _both({"recompute": "fast"}, {"recompute": "off"}, lambda: _grad_call(W.scalar_loop_math, (0.3,)), "time")
    row("recompute (fast, default)", "scalar loop (math)", "gradient time", off, on,
        note="`t1 = math.sin(x)` is computed again from the restored x instead of pushed and popped each step")
    off, on = _both({"recompute": "fast"}, {"recompute": "off"}, lambda: _grad_call(W.scalar_loop_np, (0.3,)), "time")
    row("recompute (fast, default)", "scalar loop (np)", "gradient time", off, on,
        note="on the `np` form nothing is recomputed (`np.sin` of a scalar costs more than a push and a pop): "
             "the same code both ways, so this row shows the measurement noise")
    # recompute, "memory": every cheap elementwise value, arrays too
    loop = lambda: _grad_call(W.array_loop, (xa, steps))  # noqa: E731
    off, on = _both({"recompute": "memory"}, {"recompute": "off"}, loop, peak_memory)
    row("recompute (memory)", f"array loop, {steps} steps", "peak memory", off, on, unit="bytes",
        note="not the default: on arrays, computing `np.sin(x)` again costs more time than keeping it, so only "
             "`optimize.configure(recompute=\"memory\")` trades that time for a smaller stack")
    off, on = _both({"recompute": "memory"}, {"recompute": "off"}, loop, "time")
    row("recompute (memory)", f"array loop, {steps} steps", "gradient time", off, on)
    inline = lambda: _grad_call(W.step_loop_inline, (xa, wa, steps), (0, 1))  # noqa: E731
    off, on = _both({"recompute": "memory"}, {"recompute": "off"}, inline, peak_memory)
    row("recompute (memory)", f"step loop inline, {steps} steps", "peak memory", off, on, unit="bytes")

    # cheap call path: memoized signatures and jvp/hvp plans
    x = rng.standard_normal(10 if quick else 1000)
    v = rng.standard_normal(x.size)
    hvp = lambda: s2sad.hvp(W.rosenbrock, (x,), v)  # noqa: E731
    off, on = _pair_times(_flagged(False, hvp), _flagged(True, hvp), repeats, min_time)
    row("cheap call path", f"Rosenbrock HVP, n = {x.size}", "time", off, on,
        note="signatures and jvp/hvp plans kept per function; `GradFunction.__call__` also lost about 2 µs of "
             "type checks (3.3 µs → 1.2 µs overhead on a scalar function, measured before and after the change)")
    xj = rng.standard_normal(10 if quick else 100)
    jac_fn = s2sad.jacobian(W.vector_fn, mode="forward")
    jac = lambda: jac_fn(xj)  # noqa: E731
    off, on = _pair_times(_flagged(False, jac), _flagged(True, jac), repeats, min_time)
    row("cheap call path", f"forward Jacobian, n = {xj.size}", "time", off, on)

    # checkpointing: the step inline (every intermediate recorded) against a checkpointed helper
    ck = lambda: _grad_call(W.step_loop_checkpointed, (xa, wa, steps), (0, 1))  # noqa: E731
    mem_inline, mem_ck = peak_memory(inline()), peak_memory(ck())
    row("checkpoint", f"step loop, {steps} steps", "peak memory", mem_inline, mem_ck, unit="bytes",
        note="off: the step written inline; on: the step in a `@s2sad.checkpoint` helper (its forward runs again in the backward sweep)")
    row("checkpoint", f"step loop, {steps} steps", "gradient time", *_pair_times(inline(), ck(), repeats, min_time))

    # proposed runtime changes, not applied: measured by compiling the generated code against patched helpers
    scalar = lambda: _grad_call(W.scalar_loop_math, (0.3,))  # noqa: E731
    off, on = _pair_times(scalar(), _with_runtime({"Stack": _ListStack}, scalar), repeats, min_time)
    row("runtime: list-based Stack (proposed, not applied)", "scalar loop (math)", "gradient time", off, on,
        note="runtime.Stack's push and pop are Python methods; a `list` subclass with `push = list.append` "
             "makes them C calls. Measured by compiling the generated code against such a class; runtime.py is not changed")
    xr = rng.standard_normal(10 if quick else 1000)
    rosen = lambda: _grad_call(W.rosenbrock, (xr,))  # noqa: E731
    off, on = _pair_times(rosen(), _with_runtime({"scatter_add": _scatter_add_basic}, rosen), repeats, min_time)
    row("runtime: scatter_add stores basic indices (proposed, not applied)", f"Rosenbrock gradient, n = {xr.size}", "gradient time", off, on,
        note="`scatter_add(g, x, np.s_[:-1])` calls `np.add.at`, which costs ~30 µs at n = 1000; for a basic index "
             "(slices, integers) no element repeats, so `out[index] = g` is exact and ~10× cheaper")
    patches = {"matmul_adjoint_a": _matmul_adjoint_a_2d, "matmul_adjoint_b": _matmul_adjoint_b_2d}
    n_obs, dim = (100, 10) if quick else (1000, 100)
    X = rng.standard_normal((n_obs, dim))
    y = np.where(rng.random(n_obs) > 0.5, 1.0, -1.0)
    w = rng.standard_normal(dim) * 0.1
    logistic = lambda: _grad_call(W.logistic, (w, X, y))  # noqa: E731
    off, on = _pair_times(logistic(), _with_runtime(patches, logistic), repeats, min_time)
    row("runtime: matrix-product adjoints as `a.T @ y` (proposed, not applied)", f"logistic regression, X {n_obs}×{dim}", "gradient time", off, on,
        note="`matmul_adjoint_b` handles every rank with `np.matmul(np.swapaxes(a), np.expand_dims(y))[..., 0]` and an "
             "`unbroadcast`; for a matrix and a vector, `a.T @ y` is the same product without the copies")

    # in-place accumulation, measured on a modified copy of the generated code, not adopted
    n = 10_000 if quick else 1_000_000
    xe = rng.standard_normal(n)
    plain, fused, count = _in_place(W.elementwise, ("x",), frozenset())
    off, on = _pair_times(lambda: plain(xe), lambda: fused(xe), repeats, min_time)
    assert np.allclose(plain(xe), fused(xe))
    row("in-place accumulation (measured, not adopted)", f"elementwise, {n:.0e}", "gradient time", off, on,
        note=f"`x_bar = x_bar + e` → `x_bar += e` ({count} lines) saves one allocation per accumulation; "
             "safe only when x_bar is an array this adjoint owns, of the final shape and dtype, which s2sad's shape facts "
             "cannot prove in general. The measured change is within the noise, so the pass is not adopted")
    Wm = rng.standard_normal((64, 64)) / 8
    U = rng.standard_normal((32, 64)) / 6
    b = np.zeros(64)
    h0 = np.zeros((16, 64))
    xs = rng.standard_normal((5 if quick else 50, 16, 32))
    plain, fused, count = _in_place(W.rnn, ("W", "U", "b"), frozenset())
    off, on = _pair_times(lambda: plain(Wm, U, b, h0, xs), lambda: fused(Wm, U, b, h0, xs), repeats, min_time)
    assert all(np.allclose(p, f) for p, f in zip(plain(Wm, U, b, h0, xs), fused(Wm, U, b, h0, xs)))
    row("in-place accumulation (measured, not adopted)", "RNN", "gradient time", off, on)
    return rows
