"""What each optimisation pass bought: the same workload with the pass off and on, in one run.

Input: `quick` and the repeat settings. Output: rows `{pass, workload, measure,
unit, off, on, note}` for RESULTS.md. Passes are switched with
`s2sad.optimize.configure`, which empties the derivative cache, and a fresh
`s2sad.grad` object is made after each switch, so each side runs the code
generated under its own settings. Changes that are not a switch are measured
by compiling the generated code against the runtime helpers as they were
before (`_BEFORE`) or against the code before (`_forward_identity`, the forward
Jacobian before its diagonal case), and one row measures a change that is *not*
applied -- in-place accumulation of whole arrays -- on a modified copy; its note
says so.
"""
from __future__ import annotations

import importlib
import statistics
from typing import Any, Callable

import numpy as np

import s2sad
from s2sad.api import plans
from s2sad.passes import settings as optimize
from s2sad.driver import pipeline
from s2sad import runtime

from . import workloads as W
from .studies import peak_memory
from .timing import calibrate, sample


def _pair_times(off: Callable[[], Any], on: Callable[[], Any], repeats: int, min_time: float) -> tuple[float, float]:
    """Median seconds of `off` and `on`, sampled alternately so a change in load falls on both.

    Twice the usual samples, each a third as long, so the two alternate quickly.
    """
    off(), on()
    numbers = [calibrate(off, min_time / 3), calibrate(on, min_time / 3)]
    samples: list[list[float]] = [[], []]
    for _ in range(2 * repeats + 1):
        for k, call in enumerate((off, on)):
            samples[k].append(sample(call, numbers[k]))
    return statistics.median(samples[0]), statistics.median(samples[1])


def _grad_call(fn: Callable[..., Any], args: tuple[Any, ...], wrt: Any = 0) -> Callable[[], Any]:
    g = s2sad.grad(fn, wrt)
    return lambda: g(*args)


def _built(settings: dict[str, Any], make: Callable[[], Callable[[], Any]]) -> Callable[[], Any]:
    """`make()` under `settings`, called once so its code is generated under them."""
    previous = optimize.configure(**settings)
    try:
        call = make()
        call()
        return call
    finally:
        optimize.configure(**previous)


def _both(setting: dict[str, Any], off: dict[str, Any], make: Callable[[], Callable[[], Any]], what: Any) -> tuple[float, float]:
    """(value with `off` settings, value with `setting`): times sampled alternately, or peak memory."""
    before, after = _built(off, make), _built(setting, make)
    if what == "time":
        return _pair_times(before, after, *_TIMING)
    return what(before), what(after)


def _flagged(flag: bool, call: Callable[[], Any]) -> Callable[[], Any]:
    """`call` with the cheap call path switched to `flag` for its duration (no cache clearing)."""

    def run() -> Any:
        saved = optimize.SETTINGS.cheap_calls
        optimize.SETTINGS.cheap_calls = flag
        try:
            return call()
        finally:
            optimize.SETTINGS.cheap_calls = saved

    return run


_TIMING: list[Any] = [7, 0.05]
jacobian_module = importlib.import_module("s2sad.api.jacobian")  # the module; `s2sad.jacobian` is the function
_JACOBIAN_FORWARD = jacobian_module._forward
_JACOBIAN_DIAGONAL = jacobian_module._diagonal


class _ListStack(list):
    """`runtime.Stack` as it was: a list subclass (whose `append` CPython does not specialise)."""

    __slots__ = ()
    push = list.append


def _no_diagonal(*args: Any) -> None:
    """`jacobian._diagonal` switched off: every forward Jacobian goes through `_forward`."""
    return None


def _with_runtime(patches: dict[str, Any], make: Callable[[], Callable[[], Any]]) -> Callable[[], Any]:
    """`make()` with generated code compiled against patched `s2sad.runtime` helpers (restored after)."""
    originals = {name: getattr(runtime, name) for name in patches}
    for name, value in patches.items():
        setattr(runtime, name, value)  # generated code imports its helpers from s2sad.runtime when compiled
    try:
        pipeline.CACHE.clear()
        call = make()
        call()  # compile now, while the patch is in place
        return call
    finally:
        for name, value in originals.items():
            setattr(runtime, name, value)
        pipeline.CACHE.clear()


def _hvp_call(fn: Callable[..., Any], x: Any, v: Any) -> Callable[[], Any]:
    """The compiled tangent program of `fn`'s adjoint (forward over reverse), called as `s2sad.hvp` calls it."""
    g = s2sad.grad(fn)
    s2sad.jvp(g, (x,), (v,))
    _, _, compiled, dots, _ = plans.jvp_plan(g, (x,))
    return lambda: compiled(x, **{dots[0]: v})[1]


def _hvp_variant(fn: Callable[..., Any], x: Any, v: Any) -> Callable[[], Any]:
    """What `s2sad.hvp` runs under the current settings (the "tangent" variant or the whole jvp), resolved now."""
    g = s2sad.grad(fn)
    variant = "tangent" if optimize.SETTINGS.tangent_only else "jvp"
    _, _, compiled, dots, _ = plans.jvp_plan(g, (x,), variant)
    if variant == "tangent":
        return lambda: compiled(x, **{dots[0]: v})
    return lambda: compiled(x, **{dots[0]: v})[1]


def _diagonal_pass(fn: Callable[..., Any], x: Any) -> Callable[[], Any]:
    """The diagonal forward Jacobian's work under the current settings, its tangent program resolved now."""
    tangent = jacobian_module._tangent_pass(fn, ("x",), frozenset(), 0)
    return lambda: jacobian_module._diagonal(tangent, (x,), 0)


# -- the runtime helpers as they were before their fast paths (for the "runtime fast paths" row) --


def _unsum_before(g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    shape = np.shape(x)
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        g = np.expand_dims(g, tuple(a % len(shape) for a in axes))
    return np.broadcast_to(g, shape)


def _matmul_adjoint_a_before(y: Any, a: Any, b: Any) -> Any:
    na, nb = np.ndim(a), np.ndim(b)
    if na == 2 and nb == 2:
        return y @ b.T
    return _AFTER["matmul_adjoint_a"](y, a, b)


def _matmul_adjoint_b_before(y: Any, a: Any, b: Any) -> Any:
    na, nb = np.ndim(a), np.ndim(b)
    if na == 2 and 0 < nb <= 2:
        return a.T @ y
    return _AFTER["matmul_adjoint_b"](y, a, b)


def _scatter_add_before(g: Any, x: Any, index: Any) -> Any:
    if isinstance(x, (list, tuple)) and len({np.shape(e) for e in x}) > 1 or getattr(x, "dtype", None) == object:
        return runtime.scatter_add_pieces(g, x, index)
    out = np.zeros(np.shape(x), dtype=np.result_type(np.asarray(g).dtype, np.asarray(x).dtype, np.float16))
    parts = index if isinstance(index, tuple) else (index,)
    if all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


def _zero_at_before(g: Any, index: Any) -> Any:
    out = np.array(g, dtype=np.result_type(np.asarray(g).dtype, np.float16), copy=True)
    out[index] = 0
    return out


_BEFORE = {"unsum": _unsum_before, "matmul_adjoint_a": _matmul_adjoint_a_before,
           "matmul_adjoint_b": _matmul_adjoint_b_before, "scatter_add": _scatter_add_before, "zero_at": _zero_at_before}
_AFTER = {name: getattr(runtime, name) for name in _BEFORE}


# -- the forward Jacobian before its diagonal case: one pass carrying an n x n identity -------------


def _forward_identity(base: Callable[..., Any], names: tuple[str, ...], args: tuple[Any, ...], outs: list[Any],
                      positions: list[int], tuple_out: bool, scalars: frozenset[str]) -> list[list[np.ndarray]]:
    """`jacobian._forward` for one argument and one output as it was before the diagonal case: the
    vectorized tangent pass seeded with an n x n identity (a leading batch axis of length n)."""
    compiled = pipeline.derive(base, "forward", names, scalars, "jvp")
    x, o = args[positions[0]], outs[0]
    n = int(np.size(x))
    dots = [p.name for p in compiled.__s2sad_ir__.params[-len(names):]]
    _, out_dot = compiled(*args, **{dots[0]: np.eye(n).reshape((n,) + np.shape(x))})
    od = np.broadcast_to(out_dot, (n,) + np.shape(o))
    return [[np.moveaxis(od, 0, -1).reshape(np.shape(o) + np.shape(x))]]


def measure_all(quick: bool, repeats: int, min_time: float) -> list[dict[str, Any]]:
    """Every pass, off and on."""
    rows: list[dict[str, Any]] = []
    _TIMING[:] = [repeats, min_time]
    steps, size = (100, 100) if quick else (1000, 1000)
    rng = np.random.default_rng(9)
    xa = rng.standard_normal(size) * 0.5
    wa = rng.standard_normal(size) * 0.5

    def row(name: str, workload: str, measure_name: str, off: float, on: float, unit: str = "s", note: str = "") -> None:
        rows.append({"pass": name, "workload": workload, "measure": measure_name, "unit": unit, "off": off, "on": on, "note": note})

    def switch(flag: str, make: Callable[[], Callable[[], Any]], name: str, workload: str, measure_name: str, note: str = "") -> None:
        """Time `make()` with the pass `flag` off and on, side by side, and add the row."""
        off, on = _both({flag: True}, {flag: False}, make, "time")
        row(name, workload, measure_name, off, on, note=note)

    # recompute, "balanced" (the default): numbers where a push and a pop cost more; elementwise values on arrays
    off, on = _both({"recompute": "balanced"}, {"recompute": "off"}, lambda: _grad_call(W.scalar_loop_math, (0.3,)), "time")
    row("recompute (balanced, default)", "scalar loop (math)", "gradient time", off, on,
        note="`t1 = math.sin(x)` is computed again from the restored x instead of pushed and popped each step")
    off, on = _both({"recompute": "balanced"}, {"recompute": "off"}, lambda: _grad_call(W.scalar_loop_np, (0.3,)), "time")
    row("recompute (balanced, default)", "scalar loop (np)", "gradient time", off, on,
        note="on the `np` form nothing is recomputed (`np.sin` of a scalar costs more than a push and a pop): "
             "the same code both ways, so this row shows the measurement noise")
    loop = lambda: _grad_call(W.array_loop, (xa, steps))  # noqa: E731
    off, on = _both({"recompute": "balanced"}, {"recompute": "fast"}, loop, peak_memory)
    row("recompute (balanced, default, against \"fast\")", f"array loop, {steps} steps", "peak memory", off, on,
        unit="bytes", note="`t1 = np.sin(x)` is computed again in the backward sweep, as the hand-written gradient "
                           "does: one array per step on the stack instead of two (\"fast\", the default before, kept both)")
    off, on = _both({"recompute": "balanced"}, {"recompute": "fast"}, loop, "time")
    row("recompute (balanced, default, against \"fast\")", f"array loop, {steps} steps", "gradient time", off, on)
    rng_r = np.random.default_rng(8)
    rnn_args = (rng_r.standard_normal((64, 64)) / 8, rng_r.standard_normal((32, 64)) / 6, np.zeros(64),
                np.zeros((16, 64)), rng_r.standard_normal((5 if quick else 50, 16, 32)))
    rnn_loop = lambda: _grad_call(W.rnn, rnn_args, (0, 1, 2))  # noqa: E731
    off, on = _both({"recompute": "balanced", "layouts": False}, {"recompute": "fast", "layouts": False}, rnn_loop, "time")
    row("recompute (balanced, default, against \"fast\")", f"RNN, {rnn_args[4].shape[0]} steps", "gradient time", off, on,
        note="with `layouts` off (with it on, the backward sweep reads neither value): `t6 = t3 + t5` is added again "
             "instead of kept, a smaller stack, which here is faster too")
    switch("layouts", rnn_loop, "layouts", f"RNN, {rnn_args[4].shape[0]} steps", "gradient time",
           note="the arrays' ranks decide every broadcast and product adjoint: `b_bar += t7_bar.sum(axis=0)`, "
                "`h_bar = t7_bar @ W.T`, `W_bar += h.T @ t7_bar` instead of `unbroadcast` and `matmul_adjoint_*` calls "
                "that test shapes at run time, and `h @ W`, `xs[t] @ U` are no longer saved each step for their shapes")
    d_in, hid, k, batch = (20, 16, 4, 8) if quick else (784, 256, 10, 128)
    mlp_args = (rng_r.standard_normal((d_in, hid)) / np.sqrt(d_in), np.zeros(hid), rng_r.standard_normal((hid, k)) / np.sqrt(hid),
                np.zeros(k), rng_r.standard_normal((batch, d_in)), np.eye(k)[rng_r.integers(0, k, batch)])
    switch("layouts", lambda: _grad_call(W.mlp, mlp_args, (0, 1, 2, 3)), "layouts", f"MLP {d_in}-{hid}-{k}, batch {batch}",
           "gradient time", note="`b1_bar = t2_bar.sum(axis=0)`, `W1_bar = X.T @ t2_bar`, the softmax's row sums "
                                 "`(...).sum(axis=1, keepdims=True)`: the same work, without the helpers' shape tests")
    # recompute, "memory": every cheap value, indexes and NumPy calls on numbers too
    inline = lambda: _grad_call(W.step_loop_inline, (xa, wa, steps), (0, 1))  # noqa: E731
    off, on = _both({"recompute": "memory"}, {"recompute": "off"}, inline, peak_memory)
    row("recompute (memory)", f"step loop inline, {steps} steps", "peak memory", off, on, unit="bytes")

    # cheap call path: memoized signatures and jvp/hvp plans
    x = rng.standard_normal(10 if quick else 1000)
    v = rng.standard_normal(x.size)
    hvp = lambda: s2sad.hvp(W.rosenbrock, (x,), v)  # noqa: E731
    off, on = _pair_times(_flagged(False, hvp), _flagged(True, hvp), repeats, min_time)
    row("cheap call path", f"Rosenbrock HVP, n = {x.size}", "time", off, on,
        note="signatures and jvp/hvp plans kept per function; `GradFunction.__call__` also lost about 2 µs of "
             "type checks (3.3 µs → 1.2 µs overhead on a scalar function, measured before and after the change). Later each "
             "cached entry got its own gradient fixer, made once per kind of arguments, and a fresh array of the argument's "
             "shape and dtype is handed back after four attribute tests: the stub-measured overhead went from 1.6, 2.1, 2.3 "
             "and 5.3 µs to 1.4, 1.6, 1.8 and 3.7 µs on the four functions of the cached-call table (old and new path timed "
             "side by side in one run)")
    xj = rng.standard_normal(10 if quick else 100)
    jac_fn = s2sad.jacobian(W.vector_fn, mode="forward")
    jac = lambda: jac_fn(xj)  # noqa: E731
    off, on = _pair_times(_flagged(False, jac), _flagged(True, jac), repeats, min_time)
    row("cheap call path", f"forward Jacobian, n = {xj.size}", "time", off, on)

    # checkpointing: the step inline (every intermediate recorded) against a checkpointed helper
    ck = lambda: _grad_call(W.step_loop_checkpointed, (xa, wa, steps), (0, 1))  # noqa: E731
    mem_inline, mem_ck = peak_memory(inline()), peak_memory(ck())
    row("checkpoint", f"step loop, {steps} steps", "peak memory", mem_inline, mem_ck, unit="bytes",
        note="off: the step written inline; on: the step in a `@s2sad.checkpoint` helper (its forward runs again in the backward sweep)")
    row("checkpoint", f"step loop, {steps} steps", "gradient time", *_pair_times(inline(), ck(), repeats, min_time))

    # the adjoint cleanup passes (optimize.adjoint): each switched off alone, the others on
    xr = rng.standard_normal(10 if quick else 1000)
    vr = rng.standard_normal(xr.size)
    rosen = lambda: _grad_call(W.rosenbrock, (xr,))  # noqa: E731
    switch("broadcasts", rosen, "broadcasts", f"Rosenbrock gradient, n = {xr.size}", "gradient time",
        note="`x[1:]` and `x[:-1]` have one shape, so `unbroadcast(a_bar, t1)` becomes `a_bar` (four such calls); "
             "it also lets `scalar_adjoints` apply, which an `unbroadcast` of the spread seed would stop")
    switch("scalar_adjoints", rosen, "scalar_adjoints", f"Rosenbrock gradient, n = {xr.size}", "gradient time",
        note="`t9_bar = unsum(rosenbrock_bar, t9)` becomes `t9_bar = rosenbrock_bar`: no array of copies of the seed, "
             "and `t8_bar * 2 * t7` multiplies two numbers before it meets an array")
    n_obs, dim = (100, 10) if quick else (1000, 100)
    X = rng.standard_normal((n_obs, dim))
    y = np.where(rng.random(n_obs) > 0.5, 1.0, -1.0)
    w = rng.standard_normal(dim) * 0.1
    logistic = lambda: _grad_call(W.logistic, (w, X, y))  # noqa: E731
    switch("scalar_adjoints", logistic, "scalar_adjoints", f"logistic regression, X {n_obs}×{dim}", "gradient time",
        note="the mean's adjoint `unsum(logistic_bar * (np.size(logistic) / np.size(t5)), t5)` stays the number")
    n = 10_000 if quick else 1_000_000
    xe = rng.standard_normal(n)
    elementwise = lambda: _grad_call(W.elementwise, (xe,))  # noqa: E731
    switch("scalar_adjoints", elementwise, "scalar_adjoints", f"elementwise, {n:.0e}", "gradient time")
    switch("scalar_adjoints", lambda: _grad_call(W.sum_of_squares, (xe,)), "scalar_adjoints", f"np.sum(x ** 2), {n:.0e}",
           "gradient time", note="`x ** 2` would raise on a list, so x is an array when the backward sweep runs: the "
                                 "gradient is `x_bar = 2.0 * x`, not `t1 = x ** 2`, a spread seed and two products")
    switch("liveness", rosen, "liveness", f"Rosenbrock gradient, n = {xr.size}", "gradient time",
        note="`s2sad.grad` of a function whose value is provably a number (here `np.sum` of everything) runs the "
             "\"grad\" adjoint: the forward sweep stops at `c = 1.0 - t4`, without `t5 = a ** 2` ... `rosenbrock = np.sum(t8)`, "
             "which only formed the value")
    switch("liveness", logistic, "liveness", f"logistic regression, X {n_obs}×{dim}", "gradient time",
        note="no `t5 = np.log(t4)` and no `np.mean(t5)`: the mean's adjoint reads the size of t4, which has t5's shape")
    switch("accumulate", rosen, "accumulate", f"Rosenbrock gradient, n = {xr.size}", "gradient time",
        note="`x_bar = x_bar + scatter_add(t1_bar, x, np.s_[1:])` becomes `x_bar[1:] += t1_bar`: no array of zeros "
             "and no pass over all of x per slice")
    switch("fold", rosen, "fold", f"Rosenbrock gradient, n = {xr.size}", "gradient time",
        note="`c_bar = 2.0 * c; t4_bar = -c_bar` reads `-2.0 * c`, and `t3_bar = -a_bar; t2_bar = t3_bar * 2 * t2` "
             "reads `t2_bar = a_bar * -2 * t2`: two passes over the array fewer, bit for bit the same gradient")
    switch("cse", rosen, "common subexpressions", f"Rosenbrock gradient, n = {xr.size}", "gradient time",
        note="`t4 = x[:-1]` repeats `t2 = x[:-1]`: it goes, and `c = 1.0 - t2`")
    math_loop = lambda: _grad_call(W.scalar_loop_math, (0.3,))  # noqa: E731
    switch("fold", math_loop, "fold", "scalar loop (math)", "gradient time",
        note="the copy `t2_bar = x_bar` in the loop body goes; its two readers read `x_bar`")
    switch("factor", math_loop, "factor", "scalar loop (math)", "gradient time",
        note="`t1_bar = x_bar * x; x_bar = t1 * x_bar; x_bar = x_bar + t1_bar * math.cos(x)` is "
             "`x_bar = x_bar * (t1 + x * math.cos(x))`, as the hand-written step: one product fewer per step")
    hvp_rosen = lambda: _hvp_call(W.rosenbrock, xr, xr[::-1].copy())  # noqa: E731
    switch("tangent_only", lambda: _hvp_variant(W.rosenbrock, xr, xr[::-1].copy()),
           "tangent only", f"Rosenbrock HVP, n = {xr.size}", "time",
        note="`hvp` runs the tangent of the gradient without the gradient: `x_bar = scatter_add(...)`, `c`, and the "
             "stores that finish `x_bar` are gone from the forward-over-reverse code")
    switch("tangent_stores", hvp_rosen, "tangent stores", f"Rosenbrock HVP, n = {xr.size}", "time",
        note="`x_bar_dot = zero_at(x_bar_dot, np.s_[:-1]) + scatter_add(t7_dot, x_bar, np.s_[:-1])` (a copy, an array "
             "of zeros and a sum) becomes `x_bar_dot[:-1] = t7_dot`")
    hvp_call = lambda: _hvp_call(W.rosenbrock, xr, vr)  # noqa: E731
    everything = {"broadcasts": True, "scalar_adjoints": True, "accumulate": True}
    nothing = {"broadcasts": False, "scalar_adjoints": False, "accumulate": False}
    off, on = _both(everything, nothing, hvp_call, "time")
    row("all three cleanup passes", f"Rosenbrock HVP, n = {xr.size}", "time", off, on,
        note="forward over reverse differentiates the generated adjoint, so the HVP runs the cleaned adjoint and its "
             "tangent (the generated tangent program, called directly)")

    # runtime helpers and rule templates: the same generated code compiled against the helpers as they were before
    Wm = rng.standard_normal((64, 64)) / 8
    U = rng.standard_normal((32, 64)) / 6
    b = np.zeros(64)
    h0 = np.zeros((16, 64))
    xs = rng.standard_normal((5 if quick else 50, 16, 32))
    rnn = lambda: _grad_call(W.rnn, (Wm, U, b, h0, xs), (0, 1, 2))  # noqa: E731
    # (not the HVP: forward over reverse reads the generated adjoint back, and the old helpers are no primitives)
    for name, make in ((f"logistic regression, X {n_obs}×{dim}", logistic), (f"RNN, {xs.shape[0]} steps", rnn),
                       (f"Rosenbrock gradient, n = {xr.size}", rosen)):
        off, on = _pair_times(_with_runtime(_BEFORE, make), make(), repeats, min_time)
        row("runtime fast paths", name, "gradient time", off, on,
            note="`unsum`, `scatter_add`, `zero_at` and the matrix-product adjoints test `type(x) is np.ndarray` "
                 "and read `.shape`/`.ndim` before anything general (`np.ndim(x)` costs ~1 µs); `unsum` of a number builds "
                 "its read-only zero-stride view directly (`np.broadcast_to` costs 3-7 µs)" if make is logistic else "")

    # the diagonal forward Jacobian (s2sad/api/jacobian.py) against the identity pass it replaced
    xj = rng.standard_normal(10 if quick else 100)
    jac_fn = s2sad.jacobian(W.vector_fn, mode="forward")
    jac_before = s2sad.jacobian(W.vector_fn, mode="forward")  # its own object: it remembers "not diagonal"

    def identity() -> Any:
        jacobian_module._forward, jacobian_module._diagonal = _forward_identity, _no_diagonal
        try:
            return jac_before(xj)
        finally:
            jacobian_module._forward, jacobian_module._diagonal = _JACOBIAN_FORWARD, _JACOBIAN_DIAGONAL

    assert np.allclose(identity(), jac_fn(xj))
    off, on = _pair_times(identity, lambda: jac_fn(xj), repeats, min_time)
    row("diagonal forward Jacobian", f"forward Jacobian, n = {xj.size}", "time", off, on,
        note="when every tangent statement is elementwise and the output has the input's shape, output i depends on input i "
             "alone: one tangent pass seeded with ones gives the diagonal, where the vectorized pass carried an n × n identity "
             "through every statement (`_forward_identity` in benchmarks/passes.py is the code before)")

    xj_t = rng.standard_normal(10 if quick else 100)
    switch("tangent_only", lambda: _diagonal_pass(W.vector_fn, xj_t),
           "tangent only", f"forward Jacobian, n = {xj_t.size}", "time",
        note="the diagonal pass returns the tangent alone: no `vector_fn = t3 + t4`, and `t3 = t1 * t2` only as "
             "the tangent needs it")

    # the stack: a list subclass with `push` before, a plain list now (generated code says stack.append)
    off, on = _pair_times(_with_runtime({"Stack": _ListStack}, math_loop), math_loop(), repeats, min_time)
    row("plain-list stack", "scalar loop (math)", "gradient time", off, on,
        note="`runtime.Stack()` returns a plain list: CPython 3.11 specialises `append` and `pop` on an exact list "
             "only, and a scalar loop touches the stack twice per step")

    # like terms (s2sad/passes/collect.py), then in-place sums of a straight-line chain (s2sad/passes/inplace.py)
    switch("collect", elementwise, "collect like terms", f"elementwise, {n:.0e}", "gradient time",
        note="`t2_bar = t3_bar * x; x_bar += t2 * t3_bar; x_bar -= t2_bar` (t2 = -x: the two contributions of "
             "`-x * x`) is `x_bar -= 2 * x * t3_bar`: one array operation and one temporary fewer")
    xs_small = xe[:1000].copy()
    switch("inplace", elementwise, "accumulate in place (a chain)", f"elementwise, {n:.0e}", "gradient time",
        note="`x_bar = x_bar + t4 * np.cos(x)` → `x_bar += t4 * np.cos(x)`, where the shape facts prove x_bar a fresh "
             "float array of its final shape: one allocation fewer per sum (its pages are reused at this size)")
    switch("inplace", lambda: _grad_call(W.elementwise, (xs_small,)), "accumulate in place (a chain)",
           "elementwise, 1e+03", "gradient time", note="the same code on a thousand elements")
    # writing into dead temporaries with out= (s2sad/passes/reuse.py)
    switch("reuse", elementwise, "reuse dead temporaries (out=)", f"elementwise, {n:.0e}", "gradient time",
        note="`t4 = np.exp(t3, out=t3)`, `x_bar = np.subtract(1, t6 ** 2, out=t6)`, `x_bar += np.multiply(t4, "
             "np.cos(x), out=t4)`: six arrays of 1e6 fewer per call; what that saves depends on whether the "
             "allocator has handed freed memory back to the system (page faults on every new array)")
    switch("reuse", lambda: _grad_call(W.mlp, mlp_args, (0, 1, 2, 3)), "reuse dead temporaries (out=)",
           f"MLP {d_in}-{hid}-{k}, batch {batch}", "gradient time",
           note="`t2 = np.add(t1, b1, out=t1)`, `h = np.tanh(t2, out=t2)`, `t2_bar = np.multiply(h_bar, 1 - h ** 2, "
                "out=h_bar)`: the batch's hidden activations are made in one array instead of three")
    # sine and cosine of one array by one call (s2sad/passes/sincos.py, the runtime's sincos)
    switch("sincos", elementwise, "sine and cosine together", f"elementwise, {n:.0e}", "gradient time",
           note="`t1 = np.sin(x)` ... `np.cos(x)` → `t1, cos_x = sincos(x)`: NumPy computes float64 sine and cosine "
                "one element at a time (about 10 ns each); the runtime's sincos computes both from NumPy's vector "
                "operations on cache-sized blocks, within 2 ulp of them")
    switch("sincos", lambda: _grad_call(W.elementwise, (xs_small,)), "sine and cosine together", "elementwise, 1e+03",
           "gradient time", note="the same code on a thousand elements: sincos makes NumPy's two calls (one Python call more)")
    # ... but adopted where it is provably safe: a loop's accumulator that nothing else reads (s2sad/passes/inplace.py)
    switch("inplace", rnn, "accumulate in place", f"RNN, {xs.shape[0]} steps", "gradient time",
        note="`W_bar = W_bar + h.T @ t7_bar` in the loop becomes `W_bar += h.T @ t7_bar` (and the "
             "same for U_bar, b_bar), their zeros made float: one array each instead of a new one per step")
    return rows
