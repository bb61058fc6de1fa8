"""Results -> `RESULTS.md`, a PNG bar chart, and the README's headline table.

Input: the results dict that `run.py` builds (also saved as `results.json`).
Output: markdown text, a chart file, and README.md rewritten strictly between
the `<!-- bench:start -->` and `<!-- bench:end -->` markers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .timing import fmt_bytes, fmt_time

PEER_COLUMNS = ("autograd", "JAX eager", "JAX jit", "torch eager")
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def _impl(row: dict[str, Any], name: str) -> dict[str, Any] | None:
    e = row["impls"].get(name)
    return e if e and not e.get("skipped") else None


def _t(row: dict[str, Any], name: str) -> float | None:
    e = _impl(row, name)
    return e["median"] if e else None


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "--"


def _cell(row: dict[str, Any], name: str) -> str:
    e = row["impls"].get(name)
    if e is None:
        return "--"
    if e.get("skipped"):
        return "skipped"
    text = fmt_time(e["median"])
    if name == "JAX jit" and "compile" in e:
        text += f" ({fmt_time(e['compile'])})"
    if e.get("correct") is False:
        text += " **wrong**"
    return text


def _faster(row: dict[str, Any], peer: str) -> float | None:
    p, s = _t(row, peer), _t(row, "s2sad")
    return p / s if p is not None and s else None


def _by_key(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in results["workloads"]}


# -- targets ---------------------------------------------------------------------------


def targets(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, what was measured, met?) for each of issue 7's targets that this run measured."""
    out: list[tuple[str, str, bool | None]] = []
    rows = results["workloads"]
    ratios = [(r["key"], _t(r, "s2sad") / _t(r, "hand-written")) for r in rows if _t(r, "s2sad") and _t(r, "hand-written")]
    if ratios:
        worst = max(ratios, key=lambda kv: kv[1])
        bad = [f"{k} {v:.2f}×" for k, v in ratios if v > 1.25]
        out.append(("gradient ≤ 1.25× the hand-written one on every workload",
                    f"worst {worst[0]} {worst[1]:.2f}×" + (f"; over: {', '.join(bad)}" if bad else ""), not bad))
    for peer in ("autograd", "JAX eager", "torch eager"):
        speedups = [(r["key"], _faster(r, peer)) for r in rows if _faster(r, peer) is not None]
        if speedups:
            slow = [f"{k} ({v:.2f}×)" for k, v in speedups if v <= 1.0]
            least = min(speedups, key=lambda kv: kv[1])
            out.append((f"faster than {peer} on every workload",
                        f"least {least[0]} {least[1]:.1f}×" + (f"; slower on {', '.join(slow)}" if slow else ""), not slow))
    by = _by_key(results)
    loops = [(k, _faster(by[k], "autograd")) for k in ("scalar_loop_math", "scalar_loop_np") if k in by and _faster(by[k], "autograd")]
    if loops:
        out.append(("scalar loop ≥ 50× faster than autograd", ", ".join(f"{k} {v:.0f}×" for k, v in loops), all(v >= 50 for _, v in loops)))
    builds = [(r["key"], r["generate"]) for r in rows if r.get("generate") is not None]
    if builds:
        worst = max(builds, key=lambda kv: kv[1])
        out.append(("first call: generate + compile < 30 ms on every workload", f"worst {worst[0]} {fmt_time(worst[1])}", worst[1] < 0.030))
    growth = results.get("growth") or []
    if len(growth) >= 2:
        a, b = growth[-2], growth[-1]
        per_a, per_b = a["generate"] / a["statements"], b["generate"] / b["statements"]
        own = lambda r: r["lower"] + r["reverse"] + r["emit"]  # noqa: E731
        stages = (f"; s2sad's own stages (lower, reverse, emit) {own(b) / own(a) * a['statements'] / b['statements']:.2f}×, "
                  f"CPython's compile() {b['compile'] / a['compile'] * a['statements'] / b['statements']:.2f}×")
        out.append(("first-call cost grows no worse than linearly with statements (cost per statement, 10× the statements)",
                    f"{fmt_time(per_a)} at {a['statements']}, {fmt_time(per_b)} at {b['statements']}: {per_b / per_a:.2f}×" + stages,
                    per_b / per_a <= 1.2))
    overhead = results.get("overhead") or []
    if overhead:
        worst_o = max(overhead, key=lambda r: r["overhead"])
        out.append(("a cached call adds < 5 µs over the generated function", f"worst {worst_o['name']}: {fmt_time(worst_o['overhead'])}", worst_o["overhead"] < 5e-6))
    if "rosenbrock_hvp" in by and "rosenbrock_grad" in by:
        h, g = _t(by["rosenbrock_hvp"], "s2sad"), _t(by["rosenbrock_grad"], "s2sad")
        if h and g:
            out.append(("HVP ≤ 4× the gradient's time", f"{fmt_time(h)} / {fmt_time(g)} = {h / g:.2f}×", h / g <= 4))
    if "jacobian" in by:
        v, n = _t(by["jacobian"], "s2sad"), _t(by["jacobian"], "s2sad, n passes")
        if v and n:
            out.append(("vectorized forward Jacobian ≥ 5× faster than n passes", f"{fmt_time(n)} / {fmt_time(v)} = {n / v:.1f}×", n / v >= 5))
    mem = results.get("memory")
    if mem:
        hand = mem["rows"][0]["peak"]
        for r in [r for r in mem["rows"][1:] if "default" in r["name"]]:  # the options are in the memory table
            ratio = r["peak"] / hand
            out.append((f"reverse-mode peak memory through a {mem['steps']}-step loop ≤ 1.5× hand-written: {r['name']}",
                        f"{fmt_bytes(r['peak'])} / {fmt_bytes(hand)} = {ratio:.2f}×", ratio <= 1.5))
    return out


# -- markdown --------------------------------------------------------------------------

ANALYSIS = """\
Each target still unmet (or close), with the cause the measurements above point to:

- **Scalar loop (`math`)**, about 1.1-1.2× (1.3× before): the generated code does the
  hand-written gradient's work, with `recompute` even its recomputation of `sin(x)`; `fold` took
  out the copy `t2_bar = x_bar`, the stack became a plain list (CPython specialises `append` and
  `pop` on an exact list only), and a cached call costs about 0.5 µs (a lock-free hit counter).
  `factor` now writes the step as a person does, `x_bar = x_bar * (t1 + x * math.cos(x))` (it
  was `t1_bar = x_bar * x`, `x_bar = t1 * x_bar` and a sum: one multiplication more per step).
  What remains is about 1 µs of the API around a 14 µs call, measured in place (0.5 µs with a
  stub for the generated code).
- **Logistic regression**, about 1.05× (1.4× before `liveness`): `grad` runs the "grad" adjoint,
  without `np.log` and `np.mean`; the mean's adjoint reads the size of `t4`.
- **Rosenbrock gradient**, about 1.2× (4.9× before `broadcasts`, `scalar_adjoints`, `accumulate`,
  the runtime fast paths, `liveness` and `fold`): the chain rule still goes operation by operation,
  about a dozen passes over 1000 values where the hand-written gradient fuses the derivative into ten.
- **Rosenbrock HVP**, about 1.1-1.15× the closed form (3.4× two rounds ago): `hvp` runs the
  "tangent" variant of the "grad" adjoint (the gradient itself is never formed), stores the
  tangent in place (`x_bar_dot[:-1] += t2_bar_dot`, not a copy, an array of zeros and a sum per
  store), folds signs and numbers (`200.0 * a * -2` reads `a * -400.0`), and keeps one plan per
  function and kind of arguments; a repeated call with one float array and its direction finds its
  plan in one lookup and three tests. The generated program alone runs as fast as the closed form.
- **Forward Jacobian**, about 1.1-1.15× (3.8× two rounds ago): the diagonal pass is now the
  elementwise derivative itself (the seed of ones folded away: `t1_dot = np.cos(x)`), without the
  value, and the diagonal is built as `np.diag` does it; binding the signature per call (~13 µs)
  is gone from the plan, and a repeated call with one float array whose Jacobian was diagonal goes
  straight to its tangent pass. What remains is about 1 µs of the API.
- **RNN**, about 1.0× (1.15-1.25× before `layouts`; 1.3× before the `"balanced"` recompute policy
  and `W_bar += g` in place): `s2sad.grad` specialises on the arrays' ranks and axes of length one,
  so the backward step is the hand-written one, `b_bar += t7_bar.sum(axis=0)`, `U_bar += t4.T @ t7_bar`,
  `h_bar = t7_bar @ W.T`, `W_bar += h.T @ t7_bar`. Before, four `unbroadcast` and three
  `matmul_adjoint_*` calls tested shapes at run time every step, and `h @ W` and `xs[t] @ U` were
  saved each step only so that their shapes were known.
- **Large elementwise**, about 1.0-1.05× (1.2× before `collect`): the two contributions of
  `np.exp(-x * x)` (`t2 * t3_bar` with `t2 = -x`, and `-t3_bar * x`) are one product,
  `x_bar -= 2 * x * t3_bar`, the chain of sums into `x_bar` is made in place, and `reuse` writes six
  results into dead temporaries (`t4 = np.exp(t3, out=t3)`, `x_bar = np.subtract(1, t6 ** 2, out=t6)`).
  What that last pass saves depends on the allocator: in this suite's process freed arrays are
  handed straight back, so it is within the noise; in a process where glibc returns their memory to
  the system and every new array faults its pages in, it made the gradient 15% faster than the
  hand-written one (24.6 ms against 29.0 ms without it, 27.9 ms hand-written; measured side by side).
- **Against torch eager**: on the 1e6-element function NumPy's float64 `sin` and `cos` are scalar
  libm calls, about 8.4 ms each for 1e6 values (float32 ones take 0.4 ms: NumPy vectorises those
  only), against about 1-2 ms for PyTorch's; the two are four fifths of s2sad's gradient, so the
  two trade places from run to run however little else s2sad does (in the 2026-12-01 10:29 run
  torch eager took 19.0 ms, the hand-written gradient 20.3 ms and s2sad 20.6 ms: this target is
  the one not met there). NumPy had SIMD float64 `sin`/`cos` and turned them off in 1.25 for their
  accuracy (numpy/numpy#23925); a vectorised replacement is proposed (numpy/numpy#29699). Side by
  side on 2026-12-02 (Xeon): `np.sin` 9.5 ms, `np.cos` 9.8 ms, `np.exp(1j * x)` (one complex
  exponential for both) 27 ms, torch's `sin` 5.0 ms and `cos` 1.2 ms; s2sad's gradient with no new
  arrays at all took 27.9 ms against torch's 26.7 ms, so no NumPy spelling of this gradient beats
  torch here, and s2sad keeps NumPy's `sin` and `cos` rather than ship its own. On the MLP the time is the two
  784×128×256 matrix products (about 0.85 ms each): s2sad does the hand-written gradient's work
  (the loss seed meets `Y` as a number, so `log(p)` is not computed for its shape, and `reuse` makes
  the hidden layer one array instead of three) and is level with it. Whether that beats torch eager
  depends on whose BLAS is faster on the machine: on the Xeon of the 2026-12-01 06:22 run, torch's
  MKL matched NumPy's OpenBLAS (torch 1.87 ms, hand-written 1.89 ms, s2sad 1.98 ms then); on this
  run's machine OpenBLAS is faster. In some processes glibc's `malloc` returns the memory of the
  MLP gradient's larger intermediates to the system after each call (before `reuse`: 744 minor page
  faults per call, 2.9-3.0 ms instead of 1.9 ms); the README gives the environment setting that
  prevents it.
- **Memory through a long loop**: the `"balanced"` default computes `t1 = np.sin(x)` again in the
  backward sweep, as the hand-written gradient does, so the stack keeps one array per step;
  `recompute="fast"` keeps both (2× the memory, about 10% less time on that loop).
- **Growth with function size**: per statement, a first call costs the same at 1,000 and at 10,000
  statements of the chain; a value that broadcasts many values of unknown shape together
  (`y = y + x[1] * x`, again and again) still costs O(n) per statement: its shape set (`shapes.py`)
  grows by one atom per statement, and each union or subset test copies or walks it.
- **JAX jit** (not one of the targets) is faster than s2sad on several workloads once compiled: it
  fuses the whole gradient into one XLA program. Its compile time, in brackets, is tens to thousands
  of times s2sad's generate + compile.
"""


def headline(results: dict[str, Any]) -> str:
    """The compact table for README.md: medians, and ratios to the hand-written gradient."""
    m = results["machine"]
    peers = [c for c in PEER_COLUMNS if any(c in r["impls"] for r in results["workloads"])]
    head = ["workload", "hand-written", "s2sad", "s2sad / hand"] + peers
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results["workloads"]:
        cells = [r["title"], _cell(r, "hand-written"), _cell(r, "s2sad"), _ratio(_t(r, "s2sad"), _t(r, "hand-written"))]
        cells += [_cell(r, p) for p in peers]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + (
        f"\n\nMedians of {results['repeats']} samples, one BLAS/XLA/torch thread, measured {m['date']} on "
        f"{m['cpu']} ({m['cores']} cores); JAX jit in brackets: its first-call compile time."
    )


def markdown(results: dict[str, Any]) -> str:
    """The whole RESULTS.md."""
    m = results["machine"]
    v = m["versions"]
    rows = results["workloads"]
    out: list[str] = ["# s2sad benchmark results", ""]
    if results.get("quick"):
        out += ["**Quick run** (`--quick`): small sizes and few repeats, for a smoke test; not the reference numbers.", ""]
    out += [
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['os']}; commit {m['commit']}.",
        f"Python {v['python']}, NumPy {v['numpy']} (BLAS: {m['blas']}), s2sad {v['s2sad']}; "
        f"autograd {v.get('autograd')}, JAX {v.get('jax')}, PyTorch {v.get('torch')}.",
        f"BLAS, OpenMP, XLA and torch run on one thread ({', '.join(f'{k}={val}' for k, val in m['threads'].items() if k != 'XLA_FLAGS')}, "
        f"XLA_FLAGS=`{m['threads']['XLA_FLAGS']}`, `torch.set_num_threads(1)`)."
        + (" NumPy was imported before the pin, so BLAS may have used more threads." if m.get("numpy_loaded_before_pin") else ""),
        f"Each time is the median of {results['repeats']} samples; a sample times enough back-to-back calls to last "
        f"at least {results['min_time'] * 1e3:.0f} ms. Every result is checked against the hand-written one "
        f"(`np.allclose`, rtol 1e-6). Command: `{results['command']}` ({results['elapsed']:.0f} s).",
        "",
        "## Gradient time",
        "",
        "s2sad is called through its public API (`s2sad.grad(f)(*args)`, `s2sad.hvp`, `s2sad.jacobian`) with its cache warm. "
        "JAX jit in brackets: the first call's compile time (first call minus the median). "
        "The last column is s2sad's first call from an empty cache (parse, transform, compile and run), and in brackets "
        "its generate + compile part (the time spent building derivatives inside s2sad's cache); medians of 5 cold starts.",
        "",
    ]
    head = ["workload", "numpy forward", "hand-written", "s2sad", "s2sad / hand"] + list(PEER_COLUMNS) + ["s2sad first call"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * len(head))
    for r in rows:
        cells = [r["title"], _cell(r, "numpy forward"), _cell(r, "hand-written"), _cell(r, "s2sad"), _ratio(_t(r, "s2sad"), _t(r, "hand-written"))]
        cells += [_cell(r, p) for p in PEER_COLUMNS]
        cells.append(f"{fmt_time(r.get('first_call'))} ({fmt_time(r.get('generate'))})")
        out.append("| " + " | ".join(cells) + " |")
        for name in r["impls"]:
            if name.startswith("s2sad,"):
                e = r["impls"][name]
                out.append(f"| ↳ {name} | | | {_cell(r, name)} | {_ratio(e.get('median'), _t(r, 'hand-written'))} |" + " |" * (len(PEER_COLUMNS) + 1))
    out += ["", "## s2sad against the peers", "", "How many times faster s2sad is than each peer (peer time / s2sad time; below 1 means slower).", ""]
    out.append("| workload | " + " | ".join(PEER_COLUMNS) + " |")
    out.append("|" + "---|" * (len(PEER_COLUMNS) + 1))
    for r in rows:
        cells = [f"{_faster(r, p):.1f}×" if _faster(r, p) is not None else "--" for p in PEER_COLUMNS]
        out.append(f"| {r['title']} | " + " | ".join(cells) + " |")

    out += ["", "## Targets of issue 7", "", "| target | measured | met |", "|---|---|---|"]
    for name, measured, met in targets(results):
        out.append(f"| {name} | {measured} | {'yes' if met else 'no' if met is False else '--'} |")

    if results.get("overhead"):
        out += ["", "## Cached-call overhead", "",
                "What `s2sad.grad(f)(*args)` adds to calling the cached generated `f_value_and_grad`: the generated function "
                "in the cached entry is replaced by a stub that returns its result at once, so the difference is the API's "
                "own work (find the entry, check the output is a number, give each gradient its argument's shape and dtype), "
                "not the noise of the computation around it; medians of samples taken alternately.", "",
                "| function | through the API | stub called directly | overhead |", "|---|---|---|---|"]
        for r in results["overhead"]:
            out.append(f"| {r['name']} | {fmt_time(r['api'])} | {fmt_time(r['direct'])} | {fmt_time(r['overhead'])} |")
    if results.get("growth"):
        out += ["", "## First-call cost against function size", "",
                "A generated scalar function of n Wengert statements (`np.sin`, products, sums); median seconds of each stage "
                "of generating its adjoint (reverse includes the cleanup passes of `optimize.adjoint`), and of a whole first "
                "call through `s2sad.grad` (which also runs the \"grad\" variant's passes), then the same per statement: "
                "flat columns in the second table mean linear cost.", "",
                "| statements | lower | reverse | emit | compile | all four | per statement | first call through `s2sad.grad` | gradient run |",
                "|---|---|---|---|---|---|---|---|---|"]
        for r in results["growth"]:
            out.append(f"| {r['statements']} | {fmt_time(r['lower'])} | {fmt_time(r['reverse'])} | {fmt_time(r['emit'])} | "
                       f"{fmt_time(r['compile'])} | {fmt_time(r['generate'])} | {fmt_time(r['generate'] / r['statements'])} | "
                       f"{fmt_time(r['first call'])} | {fmt_time(r['run'])} |")
        out += ["", "| statements | lower / stmt | reverse / stmt | emit / stmt | compile / stmt | first call / stmt |", "|---|---|---|---|---|---|"]
        for r in results["growth"]:
            n = r["statements"]
            out.append(f"| {n} | " + " | ".join(fmt_time(r[k] / n) for k in ("lower", "reverse", "emit", "compile", "first call")) + " |")
    if results.get("closures"):
        out += ["", "## Closures of one `def`", "",
                "First calls of `s2sad.grad(make(a))(x)` for many closures `make(a)` of `def make(a): def f(x): return "
                "np.sum(a * np.sin(x))`, half holding a number, half an array. The code is generated once per code object "
                "and bound to each closure's cells, which it reads at call time (`freshness.py`); with sharing switched "
                "off, every closure object generates its own.", "",
                "| closures | how | total | per closure | cache misses (generations) |", "|---|---|---|---|---|"]
        for r in results["closures"]:
            out.append(f"| {r['closures']} | {r['name']} | {fmt_time(r['seconds'])} | {fmt_time(r['per closure'])} | {r['misses']} |")
    if results.get("memory"):
        mem = results["memory"]
        hand = next(r for r in mem["rows"] if r["name"] == "hand-written")
        out += ["", "## Reverse-mode memory through a long loop", "",
                f"`for i in range(n): x = np.sin(x) * x + 0.5` with n = {mem['steps']} and x of {mem['size']} float64 "
                f"({fmt_bytes(mem['bytes_per_value'])} a value); peak bytes allocated during one gradient call (tracemalloc).", "",
                "| implementation | peak memory | / hand-written | time | / hand-written |", "|---|---|---|---|---|"]
        for r in mem["rows"]:
            out.append(f"| {r['name']} | {fmt_bytes(r['peak'])} | {r['peak'] / hand['peak']:.2f}× | {fmt_time(r['time'])} | {r['time'] / hand['time']:.2f}× |")
    if results.get("checkpoint"):
        cp = results["checkpoint"]
        hand = cp["rows"][0]
        out += ["", "## Gradient checkpointing", "",
                f"A {cp['steps']}-step loop whose step is `a = sin(x) * w; b = tanh(a + x); x = 0.5 * b + x` on {cp['size']} float64: "
                "written inline (every intermediate of every step is recorded), in a helper, and in a helper marked "
                "`@s2sad.checkpoint` (only each call's inputs are recorded; the backward sweep runs the step's forward again).", "",
                "| implementation | peak memory | / hand-written | time | / hand-written |", "|---|---|---|---|---|"]
        for r in cp["rows"]:
            out.append(f"| {r['name']} | {fmt_bytes(r['peak'])} | {r['peak'] / hand['peak']:.2f}× | {fmt_time(r['time'])} | {r['time'] / hand['time']:.2f}× |")
    if results.get("passes"):
        out += ["", "## What each optimisation pass bought", "",
                "Each pass switched off and on in the same run (`s2sad.optimize.configure`), everything else equal.", "",
                "| pass | workload | measure | pass off | pass on | change |", "|---|---|---|---|---|---|"]
        for r in results["passes"]:
            fmt = fmt_bytes if r["unit"] == "bytes" else fmt_time
            change = f"{r['on'] / r['off']:.2f}×" if r["off"] else "--"
            out.append(f"| {r['pass']} | {r['workload']} | {r['measure']} | {fmt(r['off'])} | {fmt(r['on'])} | {change} |")
        notes = [f"- **{r['pass']}** ({r['workload']}): {r['note']}." for r in results["passes"] if r.get("note")]
        if notes:
            out += [""] + notes
    out += ["", "## Where the gaps come from", "", ANALYSIS]
    notes = []
    for r in rows:
        if r.get("note"):
            notes.append(f"- {r['title']}: {r['note']}.")
        for name, e in r["impls"].items():
            if e.get("note"):
                notes.append(f"- {r['title']}, {name}: {e['note']}.")
            if e.get("correct") is False:
                notes.append(f"- {r['title']}, {name}: **result differs from the hand-written gradient**.")
    if notes:
        out += ["", "## Notes", ""] + sorted(set(notes), key=notes.index)
    return "\n".join(out) + "\n"


# -- chart and README -------------------------------------------------------------------


def chart(results: dict[str, Any], path: Path) -> Path | None:
    """A bar chart of each implementation's time relative to the hand-written gradient (log scale)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    rows = results["workloads"]
    names = ["s2sad"] + [p for p in PEER_COLUMNS if any(_t(r, p) for r in rows)]
    colors = {"s2sad": "#1b7837", "autograd": "#762a83", "JAX eager": "#e08214", "JAX jit": "#fdb863", "torch eager": "#2166ac"}
    fig, ax = plt.subplots(figsize=(max(8, 1.3 * len(rows) + 2), 5.2))
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        xs, ys = [], []
        for j, r in enumerate(rows):
            t, h = _t(r, name), _t(r, "hand-written")
            if t and h:
                xs.append(j + (i - (len(names) - 1) / 2) * width)
                ys.append(t / h)
        ax.bar(xs, ys, width, label=name, color=colors.get(name))
        if name == "s2sad":
            for xv, yv in zip(xs, ys):
                ax.annotate(f"{yv:.2f}×", (xv, yv), textcoords="offset points", xytext=(0, 2), ha="center", fontsize=7)
    ax.set_yscale("log")
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.axhline(1.25, color="#1b7837", linewidth=0.8, linestyle="--", label="target for s2sad: 1.25×")
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r["key"].replace("_", "\n", 1) for r in rows], fontsize=8)
    ax.set_ylabel("time / hand-written gradient (log scale)")
    m = results["machine"]
    ax.set_title(f"s2sad and peers against a hand-written gradient ({m['date'][:10]}, {m['cores']} cores, 1 thread)", fontsize=10)
    ax.legend(fontsize=8, ncol=3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def update_readme(readme: Path, results: dict[str, Any]) -> None:
    """Rewrite README.md between the bench markers (the markers must exist, each on its own line)."""
    text = readme.read_text()
    if START not in text or END not in text:
        raise ValueError(f"{readme} has no {START} ... {END} markers")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    body = "\n".join([
        "",
        "## Performance",
        "",
        "Gradient time against a gradient written by hand in the same style and against the peers "
        "(full table, first-call cost, memory, checkpointing and what each optimisation bought: "
        "[benchmarks/RESULTS.md](benchmarks/RESULTS.md); chart: [benchmarks/results.png](benchmarks/results.png)). Run it with:",
        "",
        "```bash",
        "pip install '.[bench]' && python -m benchmarks.run        # --quick for a smoke run of seconds",
        "```",
        "",
        headline(results),
        "",
    ])
    readme.write_text(before + START + body + END + after)
