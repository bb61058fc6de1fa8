"""Binomial checkpointing of loops (`s2sad.grad(f, memory=...)`, `snapshots=...`): right derivatives,
the schedule's bounds, readable generated code and clear refusals."""
from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import s2sad
from s2sad.runtime.checkpoints import beta, runs_needed, schedule


def loop(x, w, n):
    for i in range(n):
        x = np.sin(x) * w + 0.1
    return np.sum(x)


def loop_ag(x, w, n):
    for i in range(n):
        x = anp.sin(x) * w + 0.1
    return anp.sum(x)


def two_states(x, v, w, a, b):
    c = 0.5 * w
    y = x * 1.0
    for k in range(a, b):
        t = np.tanh(y * c) + v * 0.01
        v = v * 0.9 + np.cos(t) * 0.1
        y = y + t * 0.1 * k
    return np.sum(y * y) + np.sum(v)


def two_states_ag(x, v, w, a, b):
    c = 0.5 * w
    y = x * 1.0
    for k in range(a, b):
        t = anp.tanh(y * c) + v * 0.01
        v = v * 0.9 + anp.cos(t) * 0.1
        y = y + t * 0.1 * k
    return anp.sum(y * y) + anp.sum(v)


X = np.linspace(-1, 1, 5)
W = np.linspace(0.5, 0.9, 5)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 13, 40])
@pytest.mark.parametrize("snapshots", [1, 2, 3, 5, 64])
def test_same_gradient_as_plain_and_autograd(n, snapshots):
    got = s2sad.grad(loop, (0, 1), snapshots=snapshots)(X, W, n)
    plain = s2sad.grad(loop, (0, 1))(X, W, n)
    ref = autograd.grad(loop_ag, (0, 1))(X, W, n)
    for a, b, c in zip(got, plain, ref):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("memory", ["1kB", "200 B", 10_000, "1MB"])
@pytest.mark.parametrize("bounds", [(0, 0), (2, 3), (1, 12), (3, 30)])
def test_several_states_range_start_stop_and_budgets(memory, bounds):
    v = np.linspace(0.1, 0.3, 5)
    args = (X, v, W, *bounds)
    got = s2sad.value_and_grad(two_states, (0, 1, 2), memory=memory)(*args)
    ref = autograd.grad(two_states_ag, (0, 1, 2))(*args)
    assert got[0] == pytest.approx(two_states(*args), rel=1e-14)
    for a, b in zip(got[1], ref):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-14)


@pytest.mark.filterwarnings("ignore:Output seems independent")
def test_scalar_state():
    def f(x, n):
        s = 0.0
        for i in range(n):
            s = s + np.sin(x * s + i)
        return s

    def f_ag(x, n):
        s = 0.0
        for i in range(n):
            s = s + anp.sin(x * s + i)
        return s

    for n in (0, 1, 9):
        assert s2sad.grad(f, snapshots=2)(0.7, n) == pytest.approx(autograd.grad(f_ag)(0.7, n), rel=1e-12)


@pytest.mark.parametrize("steps", [1, 2, 5, 10, 57, 200])
@pytest.mark.parametrize("snapshots", [1, 2, 3, 4, 8, 300])
def test_schedule_reverses_each_step_once_within_its_snapshots(steps, snapshots):
    acts = schedule(0, steps, snapshots)
    assert [a[1] for a in acts if a[0] == "reverse"] == list(range(steps - 1, -1, -1))
    held, most, runs = 1, 1, 0
    for a in acts:
        if a[0] == "store":
            held += 1
        elif a[0] == "drop":
            held -= 1
        elif a[0] == "advance":
            runs += a[2] - a[1]
        most = max(most, held)
    assert most <= snapshots
    if snapshots >= 2:  # Revolve's bound: each step runs forward at most r times, r from C(c + r, c) >= steps
        assert runs <= runs_needed(steps, snapshots - 1) * steps


def test_beta():
    assert beta(2, 3) == 10 and runs_needed(10**6, 12_000) == 2


def test_generated_code_is_a_schedule_call():
    text = s2sad.source(loop, wrt=(0, 1), args=(X, W, 7), snapshots=3)
    assert "x_1, loop_loop1_tape = revolve_forward(loop_loop1_step, 0, n, (x,), (w,), snapshots=3)" in text
    assert "x_bar, w_bar = revolve(loop_loop1_step_vjp, loop_loop1_tape, (x_1_bar,), (w,))" in text
    assert "stack" not in text
    # Without the option nothing changes.
    assert "revolve" not in s2sad.source(loop, wrt=(0, 1), args=(X, W, 7))


def test_memory_budget_sets_snapshots():
    text = s2sad.source(loop, wrt=(0, 1), args=(X, W, 7), memory="100MB")
    assert "memory=100000000" in text and "100 MB" in text


def _refused(fn, match):
    with pytest.raises(s2sad.UnsupportedSyntaxError, match=match):
        s2sad.grad(fn, snapshots=4)


def test_refusals():
    def while_loop(x):
        while x.sum() < 3:
            x = x * 2
        return np.sum(x)

    def breaks(x, n):
        for i in range(n):
            if i > 3:
                break
            x = x * 2
        return np.sum(x)

    def in_place(x, n):
        y = np.zeros(3)
        for i in range(n):
            y[i] = x[i] * 2
        return np.sum(y)

    def first_inside(x, n):
        for i in range(n):
            z = x * 2
        return np.sum(z)

    def over_items(x, ws):
        for w in ws:
            x = x * w
        return np.sum(x)

    def hidden(x, n, c):
        if c:
            for i in range(n):
                x = x * 2
        return np.sum(x)

    def augmented(x, n):
        for i in range(n):
            x += np.sin(x)
        return np.sum(x)

    _refused(augmented, "may change x's array in place")
    _refused(while_loop, "while loop cannot be checkpointed")
    _refused(breaks, "break")
    _refused(in_place, "changes y in place")
    _refused(first_inside, "z is first bound inside")
    _refused(over_items, "only `for i in range")
    _refused(hidden, "inside another statement")
    with pytest.raises(s2sad.InputError, match="memory must be"):
        s2sad.grad(loop, memory="lots")
    with pytest.raises(s2sad.InputError, match="snapshots must be"):
        s2sad.grad(loop, snapshots=0)


def test_second_order_through_it_is_refused_clearly():
    g = s2sad.grad(loop, snapshots=3)
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="second derivative through the checkpointed loops"):
        s2sad.jvp(g, (X, W, 4), (np.ones(5), np.zeros(5), 0))
    # Second order of the plain function is unaffected.
    assert np.all(np.isfinite(s2sad.hvp(loop, (X, W, 4), np.ones(5))))


@pytest.mark.filterwarnings("ignore:Output seems independent")
def test_state_that_starts_constant_and_gradient_of_a_constant_alone():
    def f(w, n):
        x = np.zeros(3)
        for i in range(n):
            x = np.sin(x) * w + 0.1
        return np.sum(x * x)

    def f_ag(w, n):
        x = anp.zeros(3)
        for i in range(n):
            x = anp.sin(x) * w + 0.1
        return anp.sum(x * x)

    w = np.array([0.3, 0.6, 0.9])
    for n in (0, 1, 6):
        np.testing.assert_allclose(s2sad.grad(f, snapshots=2)(w, n), autograd.grad(f_ag)(w, n), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(s2sad.grad(loop, 1, snapshots=3)(X, W, 9), autograd.grad(loop_ag, 1)(X, W, 9), rtol=1e-12)


def test_inactive_constant_and_repeated_calls():
    def f(x, m, n):
        for i in range(n):
            x = np.sin(x) * (m * 0.1) + 0.1
        return np.sum(x)

    def f_ag(x, m, n):
        for i in range(n):
            x = anp.sin(x) * (m * 0.1) + 0.1
        return anp.sum(x)

    g = s2sad.grad(f, snapshots=4)
    want = autograd.grad(f_ag)(X, 7, 11)
    for _ in range(2):  # each call has its own tape
        np.testing.assert_allclose(g(X, 7, 11), want, rtol=1e-12)


def _line_of(fn, text):
    """The line in this file of the statement `text` inside `fn`."""
    import inspect

    lines, first = inspect.getsourcelines(fn)
    return first + next(k for k, ln in enumerate(lines) if ln.strip() == text)


def test_errors_in_a_step_name_the_users_file_and_line():
    import math

    def fails(x, n):
        for i in range(n):
            x = math.sqrt(x) * 0.5
        return x

    with pytest.raises(s2sad.DerivativeError) as info:  # raised by the step's generated adjoint
        s2sad.grad(fails, snapshots=2)(0.0, 3)
    assert isinstance(info.value, ZeroDivisionError)
    assert info.value.filename == __file__ and info.value.lineno == _line_of(fails, "x = math.sqrt(x) * 0.5")
    assert "checkpointed loops" not in str(info.value).split("hint:")[0]

    def refused(x, n):
        for i in range(n):
            x = np.sin(x) * 2.0
            x = x.astype(object)
        return np.sum(x)

    with pytest.raises(s2sad.UnsupportedSyntaxError, match="object") as info:  # found while deriving the step
        s2sad.grad(refused, snapshots=2)(X, 3)
    assert info.value.filename == __file__ and info.value.lineno == _line_of(refused, "x = x.astype(object)")
    assert "x.astype(object)" in str(info.value)


def _central(f, x, *rest, h=1e-6):
    g = np.zeros_like(x)
    for k in range(x.size):
        e = np.zeros_like(x)
        e.flat[k] = h
        g.flat[k] = (f(x + e, *rest) - f(x - e, *rest)) / (2 * h)
    return g


def test_a_temporary_carried_from_step_to_step():
    def carried(x, n):
        for i in range(n):
            if i == 0:
                t = x * 1.0
            x = x + np.sin(t) * 0.5
            t = np.cos(x)
        return np.sum(x)

    with pytest.raises(s2sad.UnsupportedSyntaxError, match="t is read in the checkpointed loop before the step assigns it") as info:
        s2sad.grad(carried, snapshots=2)
    assert info.value.filename == __file__ and info.value.lineno == _line_of(carried, "x = x + np.sin(t) * 0.5")
    assert "bind t before the loop" in str(info.value)

    def read_in_a_branch(x, n):
        for i in range(n):
            y = x if i == 0 else x + u
            u = np.sin(y)
            x = y * 0.9
        return np.sum(x)

    with pytest.raises(s2sad.UnsupportedSyntaxError, match="u is read in the checkpointed loop") as info:
        s2sad.grad(read_in_a_branch, snapshots=2)
    assert info.value.lineno == _line_of(read_in_a_branch, "y = x if i == 0 else x + u")

    def bound_before(x, n):  # what the hint says: t is then part of the state
        t = x * 1.0
        for i in range(n):
            if i == 0:
                t = x * 1.0
            x = x + np.sin(t) * 0.5
            t = np.cos(x)
        return np.sum(x)

    def temporaries(x, n):  # assigned before read in each step, also inside a nested loop: not state
        for i in range(n):
            if i % 2:
                t = np.sin(x)
            else:
                t = np.cos(x)
            for j in range(2):
                u = t * 0.5
                t = u + 0.1
            x = x * 0.9 + t * u
        return np.sum(x)

    for f in (bound_before, temporaries):
        for n in (0, 1, 5):
            got = s2sad.grad(f, snapshots=2)(X, n)
            np.testing.assert_allclose(got, s2sad.grad(f)(X, n), rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(got, _central(f, X, n), rtol=1e-6, atol=1e-8)


def test_vjp_export_and_jit_take_the_budget():
    out, pullback = s2sad.vjp(loop, X, W, 7, snapshots=3)
    out_plain, pullback_plain = s2sad.vjp(loop, X, W, 7)
    assert out == out_plain
    for a, b in zip(pullback(1.0), pullback_plain(1.0)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)

    code = s2sad.export(loop, (0, 1), modes=("reverse", "value_and_grad"), args=(X, W, 7), memory="1MB")
    assert "revolve_forward(loop_loop1_step, 0, n, (x,), (w,), memory=1000000)" in str(code)
    assert "from s2sad" not in str(code) and "import s2sad" not in str(code)  # standalone: the driver and the step are copied in
    namespace: dict = {}
    exec(compile(str(code), "<exported>", "exec"), namespace)
    want = s2sad.grad(loop, (0, 1))(X, W, 7)
    for a, b in zip(namespace["loop_vjp"](X, W, 7), want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)

    pytest.importorskip("numba")
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="s2sad.jit does not compile the checkpointed loops of loop"):
        s2sad.jit(s2sad.grad(loop, (0, 1), snapshots=3))


def test_export_says_the_loop_step_is_s2sads_own():
    # It was labelled "A user function the derivative calls": it is s2sad's rewrite of the loop body.
    text = str(s2sad.export(loop, wrt=(0, 1), modes=("reverse",), args=(X, W, 7), snapshots=3))
    assert "# The body of a checkpointed loop of loop, as a function s2sad wrote" in text
    assert "A user function the derivative calls" not in text
