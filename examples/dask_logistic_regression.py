"""Logistic regression on 20,000,000 rows with s2sad's gradient, on a Dask cluster.

The loss is ordinary NumPy code. Given Dask arrays, s2sad's gradient is a Dask
graph too: the call computes nothing, and `dask.compute` then runs the forward
and backward sweeps chunk by chunk on the cluster's workers, summing the
per-chunk gradients in a tree. The 20,000,000 x 10 float64 design matrix
(1.6 GB) is generated chunk by chunk on the workers and is never whole in
memory anywhere, so peak memory stays flat as the rows grow.

    python examples/dask_logistic_regression.py                        # 20,000,000 rows, LocalCluster
    python examples/dask_logistic_regression.py --rows 2000000
    python examples/dask_logistic_regression.py --rows 2000000 --numpy   # the same training in NumPy, X in memory
    python examples/dask_logistic_regression.py --rows 20000 --scheduler synchronous   # seconds (the test suite)
    python examples/dask_logistic_regression.py --address tcp://scheduler:8786          # a real cluster

Under CI=true (the test suite) it trains on 20,000 rows on an in-process LocalCluster, in seconds.

On a real cluster nothing else changes: `Client("tcp://scheduler-address:8786")`
(what `--address` does) instead of `Client(LocalCluster(...))`, and the same
graph runs on its workers. The data would usually come from storage
(`dask.array.from_zarr`, `dask.dataframe.read_parquet(...).to_dask_array(lengths=True)`)
rather than from a random generator; the gradient code does not care.
"""
from __future__ import annotations

import argparse
import os
import threading
import time
from typing import Any

import numpy as np

import s2sad

FEATURES = 10


def loss(w, b, X, t):
    """Mean cross-entropy of logistic regression: log(1 + e^z) - t z, with z = X w + b."""
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - t * z)


def make_data(rows: int, chunk_rows: int, seed: int = 0) -> tuple[Any, Any]:
    """X (rows x 10, standard normal) and labels t drawn from a known logistic model, as Dask arrays.

    One task per chunk of rows draws that chunk's X and t together (from its own seed), where the chunk
    is computed: the matrix is never whole in memory, no chunk travels between workers, and each
    step of training draws its chunks again (as it would read them again from storage)."""
    import dask.array as da

    starts = list(range(0, rows, chunk_rows))
    sizes = tuple(min(chunk_rows, rows - s) for s in starts)
    data = da.map_blocks(_block, dtype=np.float64, chunks=(sizes, (FEATURES + 1,)), seed=seed)
    return data[:, :FEATURES], data[:, FEATURES]


def _block(seed: int, block_info: Any = None) -> np.ndarray:
    """Chunk `block_info`'s rows: 10 columns of X, then the labels t, drawn from the chunk's own seed."""
    info = block_info[None]
    (start, stop), _ = info["array-location"]
    rng = np.random.default_rng([seed, info["chunk-location"][0]])
    out = np.empty((stop - start, FEATURES + 1))
    X = out[:, :FEATURES]
    X[...] = rng.standard_normal(X.shape)
    w_true = np.linspace(-1.0, 1.0, FEATURES)
    p = 1 / (1 + np.exp(-(X @ w_true + 0.5)))
    out[:, FEATURES] = rng.uniform(size=stop - start) < p
    return out


def train(rows: int = 20_000_000, chunk_rows: int = 500_000, steps: int = 10, lr: float = 2.0,
          scheduler: Any = None, numpy: bool = False, check: bool | None = None, log: Any = None) -> dict[str, Any]:
    """Gradient descent on `loss`; each step is one `dask.compute` of the value and the gradient.

    `numpy` computes X and t into memory first and trains on NumPy arrays (what fits on one machine).
    `check` (default: when rows <= 200,000) compares the first Dask gradient with NumPy's on the same data.
    """
    import dask

    X, t = make_data(rows, chunk_rows)
    if numpy:
        X, t = dask.compute(X, t, scheduler=scheduler)
    value_and_grad = s2sad.value_and_grad(loss, wrt=("w", "b"))
    w, b = np.zeros(FEATURES), 0.0
    history, start = [], time.perf_counter()
    first = None
    for step in range(steps):
        if numpy:
            value, (dw, db) = value_and_grad(w, b, X, t)
        else:
            lazy = value_and_grad(w, b, X, t)  # a Dask graph: nothing has been computed yet
            value, (dw, db) = dask.compute(*lazy, scheduler=scheduler)
        if first is None:
            first = (float(value), np.array(dw), float(db))
        history.append(float(value))
        if log:
            log(f"step {step:2d}: loss {float(value):.6f}")
        w, b = w - lr * dw, b - lr * float(db)
    seconds = time.perf_counter() - start
    result = {"rows": rows, "steps": steps, "seconds": seconds, "initial_loss": history[0], "loss": history[-1],
              "w": w, "b": b}
    if check if check is not None else rows <= 200_000:
        Xn, tn = dask.compute(X, t, scheduler="synchronous") if not numpy else (X, t)
        value, (dw, db) = s2sad.value_and_grad(loss, wrt=("w", "b"))(np.zeros(FEATURES), 0.0, Xn, tn)
        result["max_abs_error_vs_numpy"] = max(abs(value - first[0]), float(np.max(np.abs(dw - first[1]))), abs(db - first[2]))
    return result


class PeakRSS:
    """The peak resident memory of this process and all its children (a LocalCluster's workers), sampled."""

    def __init__(self, interval: float = 0.05) -> None:
        import psutil

        self.me, self.peak, self.interval = psutil.Process(), 0, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        total = 0
        for p in [self.me, *self.me.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except Exception:  # noqa: BLE001 - a process that just ended
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakRSS":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def main() -> None:
    try:
        import dask.array  # noqa: F401
    except ImportError:
        print("this example needs Dask: pip install 's2sad[dask]' (dask[array], distributed)")
        return
    ci = os.environ.get("CI") == "true"  # the test suite: small, and a LocalCluster in this process
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=float, default=2e4 if ci else 2e7)
    parser.add_argument("--chunk-rows", type=int, default=5_000 if ci else 500_000)
    parser.add_argument("--steps", type=int, default=5 if ci else 10)
    parser.add_argument("--in-process", action="store_true", default=ci,
                        help="a LocalCluster of threads in this process (starts in a second) rather than worker processes")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--address", help="a running scheduler, e.g. tcp://10.0.0.1:8786 (default: start a LocalCluster)")
    parser.add_argument("--scheduler", help="a local scheduler instead of a cluster: synchronous, threads or processes")
    parser.add_argument("--numpy", action="store_true", help="train on NumPy arrays held in memory, for comparison")
    args = parser.parse_args()
    rows = int(args.rows)
    client = cluster = None
    if args.scheduler is None and not args.numpy:
        from dask.distributed import Client, LocalCluster

        if args.address:
            client = Client(args.address)  # a real cluster: the same code, its workers
        elif args.in_process:
            cluster = LocalCluster(processes=False, n_workers=1, threads_per_worker=args.workers, dashboard_address=None)
            client = Client(cluster)
        else:
            cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=None, memory_limit="4GiB")
            client = Client(cluster)
        print(f"Dask client: {client}")
    with PeakRSS() as rss:
        result = train(rows, args.chunk_rows, args.steps, scheduler=args.scheduler, numpy=args.numpy,
                       log=print)
    where = "NumPy, X in memory" if args.numpy else ("Dask, " + (args.scheduler or ("cluster " + args.address if args.address else "LocalCluster")))
    print(f"{rows:,} rows x {FEATURES} ({where}): {result['steps']} steps in {result['seconds']:.1f} s, "
          f"{result['seconds'] / result['steps']:.2f} s/step; loss {result['initial_loss']:.4f} -> {result['loss']:.4f}; "
          f"peak RSS {rss.peak / 2**20:,.0f} MiB (this process and its workers)")
    if "max_abs_error_vs_numpy" in result:
        print(f"first gradient vs NumPy's on the same data: max abs difference {result['max_abs_error_vs_numpy']:.1e}")
    if client is not None:
        client.close()
    if cluster is not None:  # its workers before its scheduler: no heartbeat left to fail on the way out
        cluster.close()


if __name__ == "__main__":
    main()
