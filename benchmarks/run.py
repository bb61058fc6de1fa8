"""Run the benchmark suite and write `RESULTS.md`, `results.png` and `results.json`.

    python -m benchmarks.run                  # the full suite (a few minutes on 2 cores)
    python -m benchmarks.run --quick          # a smoke run: small sizes, few repeats, seconds
    python -m benchmarks.run --only logistic,mlp --peers autograd --out /tmp/bench
    python -m benchmarks.run --readme         # also put the headline table into README.md
    python -m benchmarks.run --render benchmarks/results.json --readme   # re-render, measuring nothing

Every workload of issue 7 is timed for the NumPy forward pass, the hand-written
gradient, s2sad (through its public API, cache warm) and each installed peer
(autograd, JAX eager and `jit`, PyTorch eager); a peer that is not installed
is skipped with a note. Times are medians of `--repeats` samples; ratios are
to the hand-written gradient measured in the same run. BLAS, OpenMP and XLA
run on one thread (importing `benchmarks` pins them before NumPy loads).
"""
from __future__ import annotations

import benchmarks  # noqa: F401  (pins threads before numpy is imported)

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from . import machine, passes, peers, report, studies, suite
from .timing import calibrate, once, sample

HERE = Path(__file__).resolve().parent


def _close(a: Any, b: Any) -> bool:
    a, b = peers.to_numpy(a), peers.to_numpy(b)
    if isinstance(a, tuple) or isinstance(b, tuple):
        a = a if isinstance(a, tuple) else (a,)
        b = b if isinstance(b, tuple) else (b,)
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-6, atol=1e-9))


def run_case(case: suite.Case, which_peers: tuple[str, ...], repeats: int, min_time: float, cold_repeats: int, log) -> dict[str, Any]:
    """Time one workload for every implementation; check each result against the hand-written one.

    The implementations are sampled round-robin (sample 1 of each, then sample
    2 of each, ...), so a change in the machine's load during the run falls on
    all of them alike and the ratios stay comparable.
    """
    log(f"  {case.key}: {case.title}")
    expected = case.hand()
    row: dict[str, Any] = {"key": case.key, "title": case.title, "note": case.note, "impls": {}}
    impls: list[tuple[str, Any, str, bool]] = [
        ("numpy forward", case.forward, "", False), ("hand-written", case.hand, "", False), ("s2sad", case.s2sad, "", False),
    ]
    impls += [(name, call, "", False) for name, call in case.extra.items()]
    impls += [(p.name, p.call, p.note, p.jit) for p in suite.peer_impls(case, which_peers)]
    timed: list[tuple[str, Any, int]] = []
    for name, call, note, jit in impls:
        entry: dict[str, Any] = {"note": note}
        row["impls"][name] = entry
        if call is None:
            entry["skipped"] = True
            log(f"    {name:<18} skipped: {note}")
            continue
        try:
            first, out = once(call)
            entry["correct"] = _close(out, expected) if name != "numpy forward" else None
            if jit:
                entry["first_call"] = first
            call()
            timed.append((name, call, calibrate(call, min_time)))
        except Exception as exc:  # noqa: BLE001 -- a failing implementation is reported, not fatal
            entry.update(skipped=True, note=f"failed: {type(exc).__name__}: {exc}"[:200])
            log(f"    {name:<18} FAILED: {entry['note']}")
    samples: dict[str, list[float]] = {name: [] for name, _, _ in timed}
    for _ in range(repeats):
        for name, call, number in timed:
            samples[name].append(sample(call, number))
    for name, _, number in timed:
        entry = row["impls"][name]
        median = statistics.median(samples[name])
        entry.update(median=median, samples=samples[name], number=number)
        if "first_call" in entry:
            entry["compile"] = max(entry["first_call"] - median, 0.0)
        flag = "" if entry["correct"] in (True, None) else "  (MISMATCH)"
        log(f"    {name:<18} {median * 1e6:12.1f} µs{flag}")
    row["first_call"], row["generate"] = studies.first_call(case.cold, cold_repeats)
    log(f"    {'s2sad first call':<18} {row['first_call'] * 1e3:12.2f} ms (generate + compile {row['generate'] * 1e3:.2f} ms)")
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats: a smoke run of seconds")
    parser.add_argument("--only", default="", help=f"comma-separated workloads (default: all of {', '.join(suite.BUILDERS)})")
    parser.add_argument("--peers", default=",".join(peers.PEERS), help="comma-separated peers to try, or 'none' (default: all)")
    parser.add_argument("--repeats", type=int, default=None, help="samples per measurement (default 7; 3 with --quick)")
    parser.add_argument("--studies", default="all", help="comma-separated extra studies: overhead,growth,closures,memory,checkpoint,passes; 'all' or 'none'")
    parser.add_argument("--out", default=str(HERE), help="directory for RESULTS.md, results.png and results.json (default: benchmarks/)")
    parser.add_argument("--no-plot", action="store_true", help="skip the PNG chart")
    parser.add_argument("--readme", action="store_true", help="write the headline table into README.md between the bench markers")
    parser.add_argument("--render", metavar="RESULTS_JSON", help="measure nothing: rewrite RESULTS.md (and the chart, README) from a results.json")
    args = parser.parse_args(argv)
    if args.render:
        return render(json.loads(Path(args.render).read_text()), Path(args.out), not args.no_plot, args.readme)

    quick = args.quick
    repeats = args.repeats or (3 if quick else 7)
    min_time = 0.002 if quick else 0.05
    cold_repeats = 1 if quick else 5
    keys = [k.strip() for k in args.only.split(",") if k.strip()] or list(suite.BUILDERS)
    unknown = [k for k in keys if k not in suite.BUILDERS]
    if unknown:
        parser.error(f"unknown workload(s) {unknown}; choose from {list(suite.BUILDERS)}")
    which_peers = () if args.peers == "none" else tuple(p.strip() for p in args.peers.split(",") if p.strip())
    all_studies = ("overhead", "growth", "closures", "memory", "checkpoint", "passes")
    chosen = all_studies if args.studies == "all" else () if args.studies == "none" else tuple(s.strip() for s in args.studies.split(","))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log = lambda msg: print(msg, flush=True)  # noqa: E731

    started = time.time()
    results: dict[str, Any] = {
        "machine": machine.describe(which_peers),
        "quick": quick, "repeats": repeats, "min_time": min_time,
        "command": "python -m benchmarks.run" + (" --quick" if quick else ""),
        "workloads": [],
        "load": {"start": os.getloadavg()},
    }
    log(f"s2sad benchmarks ({'quick' if quick else 'full'}): {len(keys)} workloads, peers: {', '.join(which_peers) or 'none'}")
    for key in keys:
        case = suite.BUILDERS[key](quick)
        results["workloads"].append(run_case(case, which_peers, repeats, min_time, cold_repeats, log))
    if "overhead" in chosen:
        log("  call overhead")
        results["overhead"] = studies.call_overhead(quick, repeats, min_time)
    if "growth" in chosen:
        log("  growth with function size")
        sizes = (10, 100, 1000) if quick else (10, 100, 1000, 10000)
        results["growth"] = studies.growth(sizes, 1 if quick else 5, repeats, min_time)
    if "closures" in chosen:
        log("  closures of one def")
        results["closures"] = studies.closures(quick)
    if "memory" in chosen:
        log("  memory through a long loop")
        results["memory"] = studies.memory(quick, repeats, min_time)
    if "checkpoint" in chosen:
        log("  checkpointing")
        results["checkpoint"] = studies.checkpointing(quick, repeats, min_time)
    if "passes" in chosen:
        log("  optimisation passes, before and after")
        results["passes"] = passes.measure_all(quick, repeats, min_time)
    results["elapsed"] = time.time() - started
    results["load"]["end"] = os.getloadavg()

    (out / "results.json").write_text(json.dumps(results, indent=1, default=float) + "\n")
    render(results, out, not args.no_plot, args.readme)
    log(f"done in {results['elapsed']:.0f} s")
    return 0


def render(results: dict[str, Any], out: Path, plot: bool = True, readme: bool = False) -> int:
    """Write RESULTS.md, the chart and (with `readme`) README.md's headline from `results`."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "RESULTS.md").write_text(report.markdown(results))
    print(f"wrote {out / 'RESULTS.md'}", flush=True)
    if plot:
        png = report.chart(results, out / "results.png")
        print(f"wrote {png}" if png else "no chart: matplotlib is not installed", flush=True)
    if readme:
        path = HERE.parent / "README.md"
        report.update_readme(path, results)
        print(f"updated {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
