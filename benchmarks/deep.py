"""Deep programs: the first call of `grad` and `jvp` on one long expression and on a long chain of helpers.

Issue 25 asks that 10,000-term expressions and 1,000-deep helper chains work; this measures what they cost.
Each cell is the CPU time of the process (`time.process_time`, every thread: a RecursionError is retried on
a deep stack) for one first call from an empty cache. Run it in two checkouts to compare them:
    (cd OLD && python -m benchmarks.deep old); (cd NEW && python -m benchmarks.deep new)
Prints a Markdown table row per program; `python -m benchmarks.deep LABEL layers` times the written-out
networks alone.
"""
from __future__ import annotations

import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

import s2sad
from s2sad.primitives.registry import forget_derivatives


def long_sum(n: int) -> str:
    """`np.sum(x + x * 1.001 + x * 1.002 + ...)`: one expression of n terms."""
    terms = " + ".join(["x"] + [f"x * {1 + k / 1000}" for k in range(1, n)])
    return f"import numpy as np\n\n\ndef f0(x):\n    return np.sum({terms})\n"


def chain(n: int) -> str:
    """`f0` calls `f1` ... calls `f{n-1}`, each scaling the result."""
    parts = ["import numpy as np\n"]
    parts += [f"\ndef f{i}(x):\n    return f{i + 1}(x) * 1.0001\n" for i in range(n - 1)]
    parts.append(f"\ndef f{n - 1}(x):\n    return np.sum(np.sin(x))\n")
    return "".join(parts)


def layers(n: int) -> str:
    """A tanh network of n layers written out, one statement per layer (`h3 = np.tanh(h2 @ W + b)`)."""
    body = "".join(f"    h{i + 1} = np.tanh(h{i} @ W + b)\n" for i in range(n))
    return f"import numpy as np\n\n\ndef f0(W, b, h0):\n{body}    return np.sum(h{n} * h{n})\n"


def _load(folder: Path, name: str, text: str) -> Any:
    path = folder / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 60_000))  # Python's own compiler nests that deep on the long expression
    try:
        spec.loader.exec_module(mod)  # type: ignore[union-attr]
    finally:
        sys.setrecursionlimit(old)
    return mod


def _cpu(call: Callable[[], Any]) -> float:
    forget_derivatives()
    start = time.process_time()
    call()
    return time.process_time() - start


def main(label: str = "", only: str = "") -> None:
    """Print one row per program: CPU seconds of a first `grad` and a first `jvp` (`only="layers"`: the
    written-out networks' cached calls alone)."""
    sys.setrecursionlimit(10_000)  # the chain of helpers (and its derivative) nests 1,000 calls deep
    x, v = np.array([0.3, 0.5]), np.array([1.0, -2.0])
    print("| checkout | program | first grad (CPU s) | first jvp (CPU s) |\n|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        programs = (("sum_1500", long_sum(1500)), ("sum_10000", long_sum(10_000)), ("chain_120", chain(120)),
                    ("chain_1000", chain(1000)))
        for name, text in programs if only != "layers" else ():
            f = _load(Path(tmp), name, text).f0
            g = _cpu(lambda: s2sad.grad(f)(x))
            j = _cpu(lambda: s2sad.jvp(f, (x,), (v,)))
            what = f"one expression of {name.split('_')[1]} terms" if name.startswith("sum") else f"a chain of {name.split('_')[1]} helpers"
            print(f"| {label} | {what} | {g:.2f} | {j:.2f} |", flush=True)
        # Past 40 statements in a chain, the layout analysis gave up (before 2efe6f5), so the adjoint fell
        # back to `unbroadcast` and `matmul_adjoint_a`: the cached gradient call, not the first one.
        rng = np.random.default_rng(0)
        W, b, h0 = rng.normal(size=(32, 32)) * 0.2, rng.normal(size=32), rng.normal(size=(64, 32))
        print("\n| checkout | network written out | cached `grad` call (median) | layout-specialised |\n|---|---|---|---|")
        for n in (10, 30):
            f = _load(Path(tmp), f"layers_{n}", layers(n)).f0
            grad = s2sad.grad(f, wrt=(0, 1))
            grad(W, b, h0)
            times = []
            for _ in range(200):
                start = time.perf_counter()
                grad(W, b, h0)
                times.append(time.perf_counter() - start)
            text = s2sad.source(f, "grad", wrt=(0, 1), args=(W, b, h0))
            plain = "unbroadcast" not in text and "matmul_adjoint" not in text
            print(f"| {label} | {n} layers, batch 64, width 32 | {statistics.median(times) * 1e6:.0f} µs | {'yes' if plain else 'no'} |",
                  flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
