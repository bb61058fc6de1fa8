"""Compiled derivatives (issue 24): `s2sad.jit` beside JAX `jit`, s2sad's NumPy gradient and hand-written Numba.

    python -m benchmarks.jit                  # every workload, full sizes; writes benchmarks/JIT.md
    python -m benchmarks.jit --quick          # small sizes, few repeats (a smoke run)
    python -m benchmarks.jit --only elementwise,scalar_loop_np --out /tmp/JIT.md

One thread: importing `benchmarks` pins BLAS/OpenMP and sets
`XLA_FLAGS=--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1`; this module
sets `NUMBA_NUM_THREADS=1` before Numba loads. The elementwise row is also measured on two
threads in a child process (`--threads 2`: `NUMBA_NUM_THREADS=2`, XLA's Eigen pool on with
`intra_op_parallelism_threads=2`). Times are medians of samples taken round-robin
(`benchmarks/timing.py`). s2sad.jit's first call is measured with an empty compile
cache (a temporary `S2SAD_JIT_CACHE`), and again in a fresh process that finds the
cache on disk.
"""
from __future__ import annotations

import os
import sys

_THREADS = "2" if "--threads" in sys.argv and sys.argv[sys.argv.index("--threads") + 1] == "2" else "1"
os.environ["NUMBA_NUM_THREADS"] = _THREADS
if _THREADS == "2":
    os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=2"

import benchmarks  # noqa: E402,F401  (pins BLAS/XLA threads before NumPy loads)

if _THREADS == "2":
    os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=2"

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable  # noqa: E402

import numpy as np  # noqa: E402

import s2sad  # noqa: E402

from . import machine, suite, workloads as W  # noqa: E402
from .timing import fmt_time, interleaved, once  # noqa: E402

HERE = Path(__file__).resolve().parent

FUNCTIONS = {
    "scalar_loop_math": W.scalar_loop_math, "scalar_loop_np": W.scalar_loop_np, "logistic": W.logistic, "mlp": W.mlp,
    "rnn": W.rnn, "rosenbrock_grad": W.rosenbrock, "rosenbrock_hvp": W.rosenbrock, "jacobian": W.vector_fn,
    "elementwise": W.elementwise,
}


# -- the physical reference: gradients written by hand in Numba --------------------------------


def _hand_numba() -> dict[str, Callable[..., Any]]:
    import numba

    @numba.njit(cache=True)
    def scalar_loop_grad(x):
        xs = np.empty(100)
        for i in range(100):
            xs[i] = x
            x = math.sin(x) * x + 0.5
        x_bar = 1.0
        for i in range(99, -1, -1):
            x = xs[i]
            x_bar *= math.cos(x) * x + math.sin(x)
        return x_bar

    @numba.njit(cache=True)
    def elementwise_grad(x):
        out = np.empty_like(x)
        for i in range(x.shape[0]):
            xi = x[i]
            e = math.exp(-xi * xi)
            t = math.tanh(xi)
            out[i] = (math.cos(xi) - 2 * xi * math.sin(xi)) * e + (1 - t * t)
        return out

    @numba.njit(cache=True, parallel=True)
    def elementwise_grad_parallel(x):
        out = np.empty_like(x)
        for i in numba.prange(x.shape[0]):
            xi = x[i]
            e = math.exp(-xi * xi)
            t = math.tanh(xi)
            out[i] = (math.cos(xi) - 2 * xi * math.sin(xi)) * e + (1 - t * t)
        return out

    return {"scalar_loop": scalar_loop_grad, "elementwise": elementwise_grad if _THREADS == "1" else elementwise_grad_parallel}


def _jitted(key: str, case: suite.Case) -> Callable[[], Any]:
    """s2sad.jit's version of the case's derivative, as a call with no arguments."""
    fn, args = FUNCTIONS[key], case.peer_args
    if key == "rosenbrock_hvp":
        hvp = s2sad.jit(s2sad.hvp)
        x, v = args
        return lambda: hvp(fn, (x,), v)
    if key == "jacobian":
        # One forward pass seeded with ones gives the diagonal of an elementwise function's Jacobian,
        # which is what s2sad.jacobian(mode="forward") computes for it (the "vectorized: one pass" row).
        jvp = s2sad.jit(s2sad.jvp)
        (x,) = args
        ones = np.ones_like(x)
        return lambda: np.diag(jvp(fn, (x,), (ones,))[1])
    g = s2sad.jit(s2sad.grad(fn, case.wrt if len(case.wrt) > 1 else case.wrt[0]))
    return lambda: g(*args)


def _close(a: Any, b: Any, scale: bool = False) -> float:
    """The largest relative difference, elementwise, of two results (`scale`: relative to each part's largest
    element instead, which is what a few ulp of difference in sin or exp give where a gradient's terms cancel)."""
    from .peers import to_numpy

    a, b = to_numpy(a), to_numpy(b)
    a = a if isinstance(a, tuple) else (a,)
    b = b if isinstance(b, tuple) else (b,)
    worst = 0.0
    for x, y in zip(a, b):
        x, y = np.asarray(x, float), np.asarray(y, float)
        ref = np.max(np.abs(y), initial=0.0) if scale else np.abs(y)
        worst = max(worst, float(np.max(np.abs(x - y) / np.maximum(ref, 1e-300), initial=0.0)))
    return worst


def run(keys: list[str], quick: bool, repeats: int, min_time: float, log: Callable[[str], None]) -> list[dict[str, Any]]:
    from .peers import build

    hand = _hand_numba()
    rows = []
    for key in keys:
        case = suite.BUILDERS[key](quick)
        log(f"  {key}: {case.title}")
        calls: dict[str, Callable[[], Any]] = {"s2sad": case.s2sad}
        first: dict[str, float] = {}
        jitted = _jitted(key, case)
        first["s2sad.jit"], out = once(jitted)
        calls["s2sad.jit"] = jitted
        ref_out = case.s2sad()
        err, err_scale = _close(out, ref_out), _close(out, ref_out, scale=True)
        try:
            jax_jit = next(p for p in build("jax", case.kind, case.peer_primal, case.peer_args, case.wrt) if p.name == "JAX jit")
            if jax_jit.call is not None:
                first["JAX jit"], _ = once(jax_jit.call)
                calls["JAX jit"] = jax_jit.call
        except Exception as exc:  # noqa: BLE001 -- JAX missing or failing: reported, not fatal
            log(f"    JAX jit: {type(exc).__name__}: {exc}")
        ref = "scalar_loop" if key.startswith("scalar_loop") else key if key == "elementwise" else None
        if ref is not None:
            nb, args = hand[ref], case.peer_args
            first["hand Numba"], _ = once(lambda: nb(*args))
            calls["hand Numba"] = lambda: nb(*args)
        times = interleaved(calls, repeats=repeats, min_time=min_time)
        row = {"key": key, "title": case.title, "threads": int(_THREADS), "rel_err": err, "rel_err_scale": err_scale,
               "times": {k: t.median for k, t in times.items()}, "first": first}
        rows.append(row)
        log("    " + ", ".join(f"{k} {fmt_time(t.median)}" for k, t in times.items()) + f"  (max rel. diff {err:.1e})")
    return rows


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "--"


def table(rows: list[dict[str, Any]]) -> str:
    head = ("| workload | threads | s2sad (NumPy) | s2sad.jit | JAX jit | jit / JAX jit | hand-written Numba | jit / hand Numba "
            "| max rel. diff to s2sad: elementwise / of the largest | s2sad.jit first call (compile) | JAX jit first call |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        t, f = r["times"], r["first"]
        lines.append(
            f"| {r['title']} | {r['threads']} | {fmt_time(t.get('s2sad'))} | {fmt_time(t.get('s2sad.jit'))} | {fmt_time(t.get('JAX jit'))} "
            f"| {_ratio(t.get('s2sad.jit'), t.get('JAX jit'))} | {fmt_time(t.get('hand Numba'))} "
            f"| {_ratio(t.get('s2sad.jit'), t.get('hand Numba'))} | {r['rel_err']:.1e} / {r.get('rel_err_scale', float('nan')):.1e} | {fmt_time(f.get('s2sad.jit'))} "
            f"| {fmt_time(f.get('JAX jit'))} |")
    return "\n".join(lines)


CAUSES = {
    "elementwise": "s2sad.jit's fused loop uses s2sad/compiled/kernels.py's branch-free sin, cos, exp and tanh, which LLVM "
                   "vectorises (AVX2: 4 doubles per instruction), as XLA does its own; the hand-written Numba loop calls "
                   "the C library's scalar functions, which Numba from PyPI cannot vectorise (no SVML). On two threads "
                   "both share the 2 cores with other processes: the ratio moves with the load.",
    "rnn": "50 steps of small matrix products through BLAS, each with Numba's call overhead, three arrays made per "
           "step (`+ b` broadcasts a row, which the fused loops do not take) and a list of arrays as the loop tape, "
           "where XLA unrolls the loop and fuses the add-add-tanh; over three runs the ratio was 0.67-1.22×.",
    "scalar_loop": "the compiled function itself runs at the hand-written one's speed; the `s2sad.jit` object adds "
                   "about 1 µs per call (argument key, watch of the user's globals), which is 10% of a 10 µs call, "
                   "and this shared 2-core machine's noise is as large.",
}


def targets(rows: list[dict[str, Any]]) -> str:
    """Issue 24's targets, met or missed, row by row."""
    out = []
    for r in rows:
        t = r["times"]
        jit, jax, hand = t.get("s2sad.jit"), t.get("JAX jit"), t.get("hand Numba")
        checks = []
        if jit and jax:
            bound = 0.25 if r["key"].startswith("scalar_loop") else 1.0
            checks.append((jit <= bound * jax, f"≤ {bound:g}× JAX jit ({jit / jax:.2f}×)"))
        if jit and hand:
            checks.append((jit <= 1.2 * hand, f"≤ 1.2× hand-written Numba ({jit / hand:.2f}×)"))
        missed = [c for ok, c in checks if not ok]
        line = f"- {r['title']}, {r['threads']} thread{'s' if r['threads'] > 1 else ''}: " + "; ".join(
            ("met " if ok else "MISSED ") + c for ok, c in checks)
        cause = CAUSES.get("scalar_loop" if r["key"].startswith("scalar_loop") else r["key"])
        if missed and cause:
            line += f". Cause: {cause}"
        out.append(line)
    return "\n".join(out)


def _second_process(keys: list[str], quick: bool, cache: str) -> dict[str, float]:
    """Each workload's s2sad.jit first call in a fresh process that finds the compiled code on disk."""
    code = (
        "import benchmarks, sys, json\n"
        "from benchmarks import jit as J, suite\n"
        "from benchmarks.timing import once\n"
        "out = {}\n"
        f"for key in {keys!r}:\n"
        f"    case = suite.BUILDERS[key]({quick!r})\n"
        "    out[key] = once(J._jitted(key, case))[0]\n"
        "print(json.dumps(out))\n"
    )
    env = dict(os.environ, S2SAD_JIT_CACHE=cache)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=HERE.parent)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", default="")
    p.add_argument("--repeats", type=int, default=None)
    p.add_argument("--threads", default="1", choices=("1", "2"))
    p.add_argument("--json", action="store_true", help="print the rows as JSON (the two-thread child process)")
    p.add_argument("--out", default=str(HERE / "JIT.md"))
    a = p.parse_args(argv)
    keys = [k for k in a.only.split(",") if k] or list(FUNCTIONS)
    repeats = a.repeats or (3 if a.quick else 7)
    min_time = 0.01 if a.quick else 0.05
    log = (lambda s: print(s, file=sys.stderr)) if a.json else print
    cache = os.environ.get("S2SAD_JIT_CACHE") or tempfile.mkdtemp(prefix="s2sad-jit-bench-")
    os.environ["S2SAD_JIT_CACHE"] = cache  # an empty cache: the first call compiles
    rows = run(keys, a.quick, repeats, min_time, log)
    if a.json:
        print(json.dumps(rows))
        return 0
    loaded = _second_process(keys, a.quick, cache)
    for r in rows:
        if r["key"] in loaded:
            r["first"]["s2sad.jit, cached on disk"] = loaded[r["key"]]
    if "elementwise" in keys:
        env = dict(os.environ)
        env.pop("S2SAD_JIT_CACHE", None)
        child = subprocess.run([sys.executable, "-m", "benchmarks.jit", "--threads", "2", "--only", "elementwise", "--json",
                                "--repeats", str(repeats)] + (["--quick"] if a.quick else []),
                               env=dict(env, S2SAD_JIT_CACHE=cache), capture_output=True, text=True, cwd=HERE.parent)
        try:
            rows += json.loads(child.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            print("two-thread run failed:", child.stderr[-2000:])
    text = table(rows)
    cached = ", ".join(f"{r['key']} {fmt_time(r['first'].get('s2sad.jit, cached on disk'))}" for r in rows
                       if r["threads"] == 1 and "s2sad.jit, cached on disk" in r["first"])
    import numba
    import jax

    note = (f"Medians of {repeats} samples, {'quick sizes' if a.quick else 'full sizes'}, measured "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine._cpu()} ({os.cpu_count()} cores); "
            f"Numba {numba.__version__}, JAX {jax.__version__}. One thread unless the row says 2. "
            f"s2sad.jit's first call in a second process, compiled code found on disk: {cached or '--'}.")
    text += "\n\n### Targets\n\n" + targets(rows)
    print(text)
    print()
    print(note)
    Path(a.out).write_text("# Compiled derivatives: s2sad.jit (issue 24)\n\nWritten by `python -m benchmarks.jit`"
                           f"{' --quick' if a.quick else ''}.\n\n" + text + "\n\n" + note + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
