"""Deep programs: the first call of `grad` and `jvp` on one long expression and on a long chain of helpers.

Issue 25 asks that 10,000-term expressions and 1,000-deep helper chains work; this measures what they cost.
Each cell is the CPU time of the process (`time.process_time`, every thread: a RecursionError is retried on
a deep stack) for one first call from an empty cache. Run it in two checkouts to compare them:
    (cd OLD && python -m benchmarks.deep old); (cd NEW && python -m benchmarks.deep new)
Prints a Markdown table row per program.
"""
from __future__ import annotations

import importlib.util
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


def main(label: str = "") -> None:
    """Print one row per program: CPU seconds of a first `grad` and a first `jvp`."""
    sys.setrecursionlimit(10_000)  # the chain of helpers (and its derivative) nests 1,000 calls deep
    x, v = np.array([0.3, 0.5]), np.array([1.0, -2.0])
    print("| checkout | program | first grad (CPU s) | first jvp (CPU s) |\n|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in (("sum_1500", long_sum(1500)), ("sum_10000", long_sum(10_000)),
                           ("chain_120", chain(120)), ("chain_1000", chain(1000))):
            f = _load(Path(tmp), name, text).f0
            g = _cpu(lambda: s2sad.grad(f)(x))
            j = _cpu(lambda: s2sad.jvp(f, (x,), (v,)))
            what = f"one expression of {name.split('_')[1]} terms" if name.startswith("sum") else f"a chain of {name.split('_')[1]} helpers"
            print(f"| {label} | {what} | {g:.2f} | {j:.2f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
