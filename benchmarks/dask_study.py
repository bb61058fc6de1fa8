"""Bigger than memory: `examples/dask_logistic_regression.py` at growing row counts, with NumPy beside it.

    python -m benchmarks.dask_study                          # 2e6 and 2e7 rows on a LocalCluster, NumPy at 2e6
    python -m benchmarks.dask_study --rows 2e5,2e6 --numpy-rows 2e5,2e6 --steps 3   # a quicker look

Each configuration runs in its own process (so that its peak memory is its own): the Dask runs start a
`LocalCluster` of `--workers` single-threaded worker processes and count the peak resident memory of
the client and all its workers together; the NumPy runs hold X in memory. Prints a Markdown table of
seconds per gradient step (one `dask.compute` of the value and the gradient) and peak RSS.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "dask_logistic_regression.py"
LINE = re.compile(r"([\d,]+) rows x \d+ \((.*?)\): (\d+) steps in ([\d.]+) s, ([\d.]+) s/step; .*?peak RSS ([\d,]+) MiB")


def run(rows: int, numpy: bool, steps: int, workers: int, chunk_rows: int) -> dict[str, object]:
    cmd = [sys.executable, str(EXAMPLE), "--rows", str(rows), "--steps", str(steps), "--workers", str(workers),
           "--chunk-rows", str(chunk_rows)] + (["--numpy"] if numpy else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    m = LINE.search(out)
    if m is None:
        raise RuntimeError(f"no result line in:\n{out}")
    return {"rows": rows, "how": m.group(2), "steps": int(m.group(3)), "seconds": float(m.group(4)),
            "per_step": float(m.group(5)), "peak_mib": int(m.group(6).replace(",", ""))}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", default="2e6,2e7", help="row counts for Dask (comma-separated)")
    p.add_argument("--numpy-rows", default="2e6", help="row counts for NumPy, X in memory (comma-separated)")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--chunk-rows", type=int, default=500_000)
    a = p.parse_args()
    results = []
    for rows in [int(float(r)) for r in a.numpy_rows.split(",") if r]:
        results.append(run(rows, True, a.steps, a.workers, a.chunk_rows))
        print(results[-1], flush=True)
    for rows in [int(float(r)) for r in a.rows.split(",") if r]:
        results.append(run(rows, False, a.steps, a.workers, a.chunk_rows))
        print(results[-1], flush=True)
    print()
    print("| rows | arrays | s per gradient step | peak RSS (MiB) |")
    print("|---:|---|---:|---:|")
    for r in sorted(results, key=lambda r: (r["rows"], r["how"])):
        print(f"| {r['rows']:,} | {r['how']} | {r['per_step']:.2f} | {r['peak_mib']:,} |")


if __name__ == "__main__":
    main()
