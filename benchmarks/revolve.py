"""Binomial checkpointing of a long loop: time and peak memory per budget, s2sad against JAX.

The loop: `x = np.sin(x) * 0.9 + 0.1`, n steps over 1,000 float64s, gradient of `np.sum(x)`.
Each variant runs in its own process (so one variant's peak does not hide another's); its
memory is the peak resident size during the gradient call minus the size just before it
(the code already compiled), and its time one call's wall time, also given as a multiple of
the forward loop's time measured in the same process just before (s2sad against the NumPy
loop, JAX against its own jitted scan), since a shared machine's speed drifts between processes.

    python benchmarks/revolve.py                    # n = 10^5, every variant
    python benchmarks/revolve.py --steps 1000000 --only forward "s2sad memory=100MB"
    python benchmarks/revolve.py --helpers          # what @s2sad.checkpoint on a helper buys

JAX variants (float64, jit, CPU): `lax.scan` as it is (every step's residuals), `jax.checkpoint`
on the step (the step's input per step), and two nested scans with the inner one checkpointed
(about 2 sqrt(n) states: JAX's usual answer to long loops, without a binomial schedule).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time

SIZE = 1000


def loop(x, n):
    for i in range(n):
        x = np.sin(x) * 0.9 + 0.1
    return np.sum(x)


def step_inline(x, w, n):
    for i in range(n):
        a = np.sin(x) * w
        b = np.tanh(a + x)
        x = b * 0.5 + x * 0.5
    return np.sum(x)


def step(x, w):
    a = np.sin(x) * w
    b = np.tanh(a + x)
    return b * 0.5 + x * 0.5


def step_loop(x, w, n):
    for i in range(n):
        x = step(x, w)
    return np.sum(x)


def marked(x, w):  # the same step, marked with s2sad.checkpoint when the study runs
    a = np.sin(x) * w
    b = np.tanh(a + x)
    return b * 0.5 + x * 0.5


def step_loop_checkpointed(x, w, n):
    for i in range(n):
        x = marked(x, w)
    return np.sum(x)


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


VARIANTS = ["forward", "s2sad, no checkpointing", "s2sad snapshots=10", "s2sad snapshots=100", "s2sad snapshots=1000",
            "s2sad memory=10MB", "s2sad memory=100MB", "jax forward", "jax scan", "jax checkpoint(step) in scan",
            "jax two-level checkpointed scan"]
HELPER_VARIANTS = ["helper: forward", "helper: step inline", "helper: step in a helper", "helper: step in a @checkpoint helper"]


def one(name: str, n: int) -> dict:
    """Run one variant in this process: {"time": s, "memory": bytes, ...}."""
    global np
    import numpy as np  # noqa: F811

    x = np.linspace(-1, 1, SIZE)
    out: dict = {"name": name, "steps": n}
    if name.startswith("jax"):
        import jax

        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        from jax import lax

        def body(c, _):
            return jnp.sin(c) * 0.9 + 0.1, None

        def scan_loss(x):
            return jnp.sum(lax.scan(body, x, None, length=n)[0])

        def ckpt_loss(x):
            return jnp.sum(lax.scan(jax.checkpoint(body), x, None, length=n)[0])

        inner = max(1, int(math.isqrt(n)))
        outer, rest = divmod(n, inner)

        def two_level(x):
            def block(c, _):
                return lax.scan(body, c, None, length=inner)[0], None

            c = lax.scan(jax.checkpoint(block), x, None, length=outer)[0]
            c = lax.scan(body, c, None, length=rest)[0] if rest else c
            return jnp.sum(c)

        fn = {"jax forward": scan_loss, "jax scan": jax.grad(scan_loss), "jax checkpoint(step) in scan": jax.grad(ckpt_loss),
              "jax two-level checkpointed scan": jax.grad(two_level)}[name]
        xj = jnp.asarray(x)
        compiled = jax.jit(fn).lower(xj).compile()
        fwd = jax.jit(scan_loss).lower(xj).compile()
        forward = lambda: fwd(xj).block_until_ready()  # noqa: E731
        try:
            out["xla_temp"] = compiled.memory_analysis().temp_size_in_bytes
        except Exception:  # noqa: BLE001 - not every backend says
            pass
        call = lambda: compiled(xj).block_until_ready()  # noqa: E731
    else:
        import s2sad

        if name.startswith("helper"):
            s2sad.checkpoint(marked)
            w = np.linspace(0.5, 0.9, SIZE)
            fn = {"helper: forward": step_inline, "helper: step inline": s2sad.grad(step_inline),
                  "helper: step in a helper": s2sad.grad(step_loop),
                  "helper: step in a @checkpoint helper": s2sad.grad(step_loop_checkpointed)}[name]
            fn(x, w, 3)
            call = lambda: fn(x, w, n)  # noqa: E731
            forward = lambda: step_inline(x, w, n)  # noqa: E731
        else:
            if name == "forward":
                fn = loop
            elif name == "s2sad, no checkpointing":
                fn = s2sad.grad(loop)
            elif "snapshots=" in name:
                fn = s2sad.grad(loop, snapshots=int(name.split("=")[1]))
            else:
                fn = s2sad.grad(loop, memory=name.split("=")[1])
            fn(x, 3)
            call = lambda: fn(x, n)  # noqa: E731
            forward = lambda: loop(x, n)  # noqa: E731
    if forward is not None and "forward" not in name:  # this process's forward time: the ratio's own baseline
        t0 = time.perf_counter()
        forward()
        out["forward"] = time.perf_counter() - t0
    before = _rss()
    t0 = time.perf_counter()
    call()
    out["time"] = time.perf_counter() - t0
    out["memory"] = max(0, _peak() - before)
    return out


def run(names: list[str], n: int) -> list[dict]:
    rows = []
    for name in names:
        cmd = [sys.executable, __file__, "--one", name, "--steps", str(n)]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode:
            rows.append({"name": name, "steps": n, "error": res.stderr.strip().splitlines()[-1] if res.stderr else "failed"})
        else:
            rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
        print(_line(rows[-1], rows), flush=True)
    return rows


def _line(r: dict, rows: list[dict]) -> str:
    if "error" in r:
        return f"{r['name']:<40} {r['steps']:>9}  failed: {r['error']}"
    fwd = r.get("forward") or next((x["time"] for x in rows if x["name"] in ("forward", "helper: forward") and "time" in x), None)
    ratio = f"{r['time'] / fwd:6.2f}x" if fwd else "       "  # against the forward run in the same process
    xla = f"  (XLA temp {r['xla_temp'] / 1e6:.1f} MB)" if "xla_temp" in r else ""
    return f"{r['name']:<40} {r['steps']:>9} {r['time']:9.2f} s {ratio} {r['memory'] / 1e6:10.1f} MB{xla}"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=100_000)
    p.add_argument("--only", nargs="*")
    p.add_argument("--helpers", action="store_true", help="the @s2sad.checkpoint study instead")
    p.add_argument("--one", help=argparse.SUPPRESS)
    p.add_argument("--json", help="write the rows here too")
    a = p.parse_args()
    if a.one:
        print(json.dumps(one(a.one, a.steps)))
        return
    names = a.only or (HELPER_VARIANTS if a.helpers else VARIANTS)
    print(f"{'variant':<40} {'steps':>9} {'time':>11} {'/fwd':>7} {'peak memory':>13}")
    rows = run(names, a.steps)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
