"""First call (lower, generate, passes, compile, run) and cached call of three small gradients.

Run it in two checkouts back to back to compare them (the architecture step of issue 21 was measured so):
    (cd OLD && python -m benchmarks.first_call old); (cd NEW && python -m benchmarks.first_call new)
Prints one line: per function, the median first call from an empty cache and the median cached call.
"""
from __future__ import annotations

import statistics
import sys
import time

import numpy as np

import s2sad

try:
    from s2sad.primitives.registry import forget_derivatives
except ImportError:  # a checkout from before the subpackages
    from s2sad.registry import forget_derivatives  # type: ignore[no-redef]


def logistic(w, b, X, y):
    z = X @ w + b
    p = 1.0 / (1.0 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def mlp(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    s = h @ W2 + b2
    s = s - np.max(s, axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(s), axis=1))
    return np.mean(lse - np.sum(s * Y, axis=1))


def loop(x, n):
    for i in range(n):
        x = np.sin(x) * x + 0.5
    return np.sum(x)


def main(label: str) -> None:
    """Time the three gradients and print one line labelled `label`."""
    rng = np.random.default_rng(0)
    cases = {
        "logistic": (logistic, (rng.standard_normal(10), 0.1, rng.standard_normal((20, 10)), (rng.random(20) > 0.5) * 1.0), (0, 1)),
        "mlp": (mlp, (rng.standard_normal((8, 6)), rng.standard_normal(6), rng.standard_normal((6, 3)), rng.standard_normal(3),
                      rng.standard_normal((5, 8)), np.eye(3)[[0, 1, 2, 0, 1]]), (0, 1, 2, 3)),
        "loop": (loop, (rng.standard_normal(4), 5), 0),
    }
    parts = []
    for name, (f, args, wrt) in cases.items():
        first = []
        for _ in range(15):
            forget_derivatives()
            t = time.perf_counter()
            s2sad.grad(f, wrt)(*args)
            first.append(time.perf_counter() - t)
        g = s2sad.grad(f, wrt)
        g(*args)
        cached = []
        for _ in range(7):
            t = time.perf_counter()
            for _ in range(200):
                g(*args)
            cached.append((time.perf_counter() - t) / 200)
        parts.append(f"{name}: first {statistics.median(first) * 1e3:.2f} ms, cached {statistics.median(cached) * 1e6:.1f} us;")
    print(label, " ".join(parts))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
