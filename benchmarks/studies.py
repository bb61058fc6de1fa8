"""Measurements beyond the main table: first calls, growth, memory, checkpointing, call overhead.

Each function takes `quick` (and the repeat settings) and returns plain dicts
and lists that `report.py` turns into tables; nothing here prints.
"""
from __future__ import annotations

import importlib.util
import inspect
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

import numpy as np

import s2sad
from s2sad.passes import settings as optimize
from s2sad.driver import pipeline
from s2sad.driver.compile import compile_ir
from s2sad.ir.emit import to_source
from s2sad.frontend.lower import lower
from s2sad.ad.reverse import reverse

from . import workloads as W
from .timing import interleaved, measure, once


# -- first call: generate + compile + run, from an empty cache ---------------------------


class _BuildTimer:
    """Adds up the seconds s2sad spends building derivatives (cache misses: lower, transform, emit, compile)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.depth = 0

    def __enter__(self) -> "_BuildTimer":
        original = pipeline.CACHE.get

        def get(fn: Any, key: Any, build: Callable[[], Any]) -> Any:
            def timed() -> Any:
                self.depth += 1
                start = time.perf_counter()
                try:
                    return build()
                finally:
                    self.depth -= 1
                    if self.depth == 0:  # nested builds (a lowering inside a derivative) count once
                        self.seconds += time.perf_counter() - start

            return original(fn, key, timed)

        pipeline.CACHE.get = get  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: Any) -> None:
        del pipeline.CACHE.get


def first_call(cold: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """(first call, generate + compile): medians over `repeats` cold starts.

    `cold` empties s2sad's caches, then builds and calls the derivative; the
    generate + compile part is the time spent inside the cache's builds.
    """
    firsts, builds = [], []
    for _ in range(repeats):
        with _BuildTimer() as timer:
            first, _ = once(cold)
        firsts.append(first)
        builds.append(timer.seconds)
    return statistics.median(firsts), statistics.median(builds)


# -- growth with the number of Wengert statements ------------------------------------------


def _chain_source(n: int) -> str:
    """A scalar function of `n` Wengert statements: sin, products and sums of earlier values."""
    lines = [f"def chain_{n}(x):", "    y0 = x"]
    for k in range(1, n + 1):
        if k % 3 == 1:
            lines.append(f"    y{k} = np.sin(y{k - 1})")
        elif k % 3 == 2:
            lines.append(f"    y{k} = y{k - 1} * y{max(k - 3, 0)}")
        else:
            lines.append(f"    y{k} = y{k - 1} + 0.5")
    lines.append(f"    return y{n}")
    return "import numpy as np\n\n\n" + "\n".join(lines) + "\n"


def growth(sizes: tuple[int, ...], repeats: int, run_repeats: int, min_time: float) -> list[dict[str, Any]]:
    """Per size: Wengert statements, median seconds of each stage of a first call, and the gradient's run time."""
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="s2sad_growth_"))
    for n in sizes:
        path = tmp / f"chain_{n}.py"
        path.write_text(_chain_source(n))
        spec = importlib.util.spec_from_file_location(f"s2sad_bench_chain_{n}", path)
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        fn = getattr(mod, f"chain_{n}")
        stages: dict[str, list[float]] = {"lower": [], "reverse": [], "emit": [], "compile": [], "first call": []}
        statements = 0
        for _ in range(repeats if n < 5000 else max(1, repeats // 2)):
            # Under the collector pause a build gets (cache.py): the stages as `s2sad.grad` runs them.
            with pipeline.CACHE.paused_collector():
                t0 = time.perf_counter()
                low = lower(fn)
                t1 = time.perf_counter()
                ir = optimize.adjoint(reverse(low, ("x",), {"x"}, "value_and_grad"))  # with the cleanup passes
                t2 = time.perf_counter()
                to_source(ir, header=True)
                t3 = time.perf_counter()
                compile_ir(ir, f"growth {n}", low.globals_used)
                t4 = time.perf_counter()
            statements = len(low.fn.body) - 1  # without the return
            for k, v in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                stages[k].append(v)
            pipeline.CACHE.clear()
            stages["first call"].append(once(lambda: s2sad.grad(fn)(0.3))[0])
        g = s2sad.grad(fn)
        run = measure(lambda: g(0.3), repeats=run_repeats, min_time=min_time)
        row: dict[str, Any] = {"size": n, "statements": statements, "run": run.median}
        row.update({k: statistics.median(v) for k, v in stages.items()})
        row["generate"] = sum(row[k] for k in ("lower", "reverse", "emit", "compile"))
        rows.append(row)
    return rows


# -- closures: one generation per code object --------------------------------------------


def _make_closure(a: Any) -> Callable[[Any], Any]:
    def f(x: Any) -> Any:
        return np.sum(a * np.sin(x))

    return f


def closures(quick: bool) -> list[dict[str, Any]]:
    """First calls of `s2sad.grad` on n closures of one `def`, each holding its own number or array:
    shared (one generation, each closure bound to its cells) and, for comparison, with sharing switched
    off (`freshness.sharer` answering None: one generation per closure object, as before issue 25)."""
    from s2sad.driver import freshness
    from s2sad.primitives.registry import forget_derivatives

    x = np.linspace(0.1, 1.0, 8)
    rows = []
    for label, n, shared in (("one generation per code object", 1000 if quick else 10000, True),
                             ("one generation per closure object (sharing off)", 100 if quick else 500, False)):
        forget_derivatives()
        original = freshness.sharer
        if not shared:
            freshness.sharer = lambda fn: None  # type: ignore[assignment]
        try:
            values = [float(k) * 1e-3 if k % 2 else np.full(8, k * 1e-3) for k in range(n)]
            start = time.perf_counter()
            for a in values:
                s2sad.grad(_make_closure(a))(x)
            seconds = time.perf_counter() - start
        finally:
            freshness.sharer = original  # type: ignore[assignment]
        rows.append({"name": label, "closures": n, "seconds": seconds, "per closure": seconds / n,
                     "misses": s2sad.cache_info().misses})
    forget_derivatives()
    return rows


# -- peak memory ------------------------------------------------------------------------


def peak_memory(fn: Callable[[], Any]) -> int:
    """Peak bytes allocated (tracemalloc) during one call, above what was allocated before it."""
    fn()  # warm: compile outside the measurement
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


def _built(settings: dict[str, Any], make: Callable[[], Callable[[], Any]]) -> Callable[[], Any]:
    """`make()` called once under `settings`, so its code is generated under them and kept."""
    with optimize.settings(**settings):
        call = make()
        call()
    return call


def _rows(variants: list[tuple[str, Callable[[], Any]]], repeats: int, min_time: float) -> list[dict[str, Any]]:
    """Peak memory of each variant, and its time, sampled round-robin with the others."""
    times = interleaved(dict(variants), repeats, min_time)
    return [{"name": name, "peak": peak_memory(call), "time": times[name].median} for name, call in variants]


def memory(quick: bool, repeats: int, min_time: float) -> dict[str, Any]:
    """Reverse mode through a long loop over arrays against the hand-written gradient."""
    steps, size = (100, 100) if quick else (1000, 1000)
    x = np.random.default_rng(6).standard_normal(size) * 0.5
    grad = lambda: (lambda g=s2sad.grad(W.array_loop): g(x, steps))  # noqa: E731
    variants = [
        ("hand-written", lambda: W.array_loop_grad(x, steps)),
        ("s2sad (default: recompute=\"balanced\")", _built({}, grad)),
        ("s2sad, recompute=\"fast\"", _built({"recompute": "fast"}, grad)),
        ("s2sad, recompute=\"memory\"", _built({"recompute": "memory"}, grad)),
    ]
    return {"steps": steps, "size": size, "bytes_per_value": x.nbytes, "rows": _rows(variants, repeats, min_time)}


def checkpointing(quick: bool, repeats: int, min_time: float) -> dict[str, Any]:
    """A loop of `steps` steps: step inline, step in a helper, step in a checkpointed helper, by hand."""
    steps, size = (100, 100) if quick else (1000, 1000)
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal(size) * 0.5, rng.standard_normal(size) * 0.5

    def grad(fn: Callable[..., Any]) -> Callable[[], Callable[[], Any]]:
        return lambda: (lambda g=s2sad.grad(fn, (0, 1)): g(x, w, steps))

    variants = [
        ("hand-written", lambda: W.step_loop_grad(x, w, steps)),
        ("s2sad, step inline (no checkpoint)", _built({}, grad(W.step_loop_inline))),
        ("s2sad, step inline, recompute=\"memory\"", _built({"recompute": "memory"}, grad(W.step_loop_inline))),
        ("s2sad, step in a helper", _built({}, grad(W.step_loop_helper))),
        ("s2sad, step in a checkpointed helper", _built({}, grad(W.step_loop_checkpointed))),
    ]
    return {"steps": steps, "size": size, "bytes_per_value": x.nbytes, "rows": _rows(variants, repeats, min_time)}


# -- what a cached call adds over the generated function ------------------------------------


def call_overhead(quick: bool, repeats: int, min_time: float) -> list[dict[str, Any]]:
    """What `s2sad.grad(f)(*args)` adds to calling the cached generated function.

    The generated function in the cached entry is replaced by a stub that returns
    its result at once, so the difference between the two calls is the API's own
    work alone (finding the entry, checking the output, fixing each gradient's
    shape and dtype), not the noise of a computation around it.
    """
    rng = np.random.default_rng(8)
    cases: list[tuple[str, Callable[..., Any], tuple[Any, ...], tuple[int, ...]]] = [
        ("x * 2.0, scalar", W.tiny, (0.3,), (0,)),
        ("np.sum(x * 2.0), array of 10", W.tiny_sum, (rng.standard_normal(10),), (0,)),
        ("logistic regression, X 4×3 (3 arrays)", W.logistic, (rng.standard_normal(3), rng.standard_normal((4, 3)), np.sign(rng.standard_normal(4))), (0,)),
        ("MLP 3-4-2, batch 2 (6 arrays, 4 gradients)", W.mlp, (rng.standard_normal((3, 4)), np.zeros(4), rng.standard_normal((4, 2)), np.zeros(2),
                                                               rng.standard_normal((2, 3)), np.eye(2)), (0, 1, 2, 3)),
    ]
    rows = []
    for name, fn, args, wrt in cases:
        g = s2sad.grad(fn, wrt if len(wrt) > 1 else wrt[0])
        g(*args)
        # The one cached entry: (generated function, gradient fixer, returns the value too, watch of the globals read).
        ((key, (compiled, fix, valued, watch)),) = g._fast.items()
        result = compiled(*args)

        def stub(*a: Any, result: Any = result) -> Any:
            return result

        g._fast[key] = (stub, fix, valued, watch)
        times = interleaved({"api": lambda: g(*args), "direct": lambda: stub(*args)}, 2 * repeats + 1, min_time / 2)
        api_t, direct_t = times["api"].median, times["direct"].median
        rows.append({"name": name, "api": api_t, "direct": direct_t, "overhead": api_t - direct_t})
    return rows
