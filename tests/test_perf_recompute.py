"""The recompute pass (s2sad/ad/recompute.py): golden before/after text, and the same derivatives under every policy."""
from __future__ import annotations

import math

import numpy as np
import pytest

import s2sad
import control_cases as cc
from s2sad.passes import settings as optimize


@pytest.fixture
def policy():
    """Set the recompute policy for one test; the previous settings come back after."""
    previous = dict(optimize.configure())

    def set_policy(name: str) -> None:
        optimize.configure(recompute=name)

    yield set_policy
    optimize.configure(**previous)


def math_loop(x):
    for i in range(100):
        x = math.sin(x) * x + 0.5
    return x


def array_loop(x, n):
    for i in range(n):
        x = np.sin(x) * x + 0.5
    return np.sum(x)


def rnn_rows(W, h0, xs):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t])
    return np.sum(h ** 2)


BEFORE = '''\
def math_loop_vjp(x, math_loop_bar=1.0):
    """Reverse mode (adjoint) of math_loop with respect to x."""
    # forward sweep
    stack = Stack()
    t1 = None
    for i in range(100):
        stack.append(t1)
        t1 = math.sin(x)
        t2 = t1 * x
        stack.append(x)
        x = t2 + 0.5
    math_loop = x
    # backward sweep
    x_bar = math_loop_bar
    for i in reversed(range(100)):
        t2_bar = x_bar
        x = stack.pop()
        t1_bar = t2_bar * x
        x_bar = t1 * t2_bar
        x_bar = x_bar + t1_bar * math.cos(x)
        t1 = stack.pop()
    return x_bar
'''

AFTER = '''\
def math_loop_vjp(x, math_loop_bar=1.0):
    """Reverse mode (adjoint) of math_loop with respect to x."""
    # forward sweep
    stack = Stack()
    for i in range(100):
        t1 = math.sin(x)
        t2 = t1 * x
        stack.append(x)
        x = t2 + 0.5
    math_loop = x
    # backward sweep
    x_bar = math_loop_bar
    for i in reversed(range(100)):
        t2_bar = x_bar
        x = stack.pop()
        t1 = math.sin(x)
        t1_bar = t2_bar * x
        x_bar = t1 * t2_bar
        x_bar = x_bar + t1_bar * math.cos(x)
    return x_bar
'''

MEMORY = '''\
    # forward sweep
    stack = Stack()
    for i in range(n):
        t1 = np.sin(x)
        t2 = t1 * x
        stack.append(x)
        x = t2 + 0.5
    array_loop = np.sum(x)
    # backward sweep
    x_bar = unsum(array_loop_bar, x)
    for i in reversed(range(n)):
        t2_bar = x_bar
        x = stack.pop()
        t1 = np.sin(x)
        t1_bar = t2_bar * x
        x_bar = t1 * t2_bar
        x_bar = x_bar + t1_bar * np.cos(x)
    return x_bar
'''


def test_golden_before_and_after(policy):
    policy("off")
    assert s2sad.source(math_loop, args=(0.3,)).endswith(BEFORE)
    policy("fast")
    assert s2sad.source(math_loop, args=(0.3,)).endswith(AFTER)


def test_fast_policy_keeps_numpy_values_on_the_stack(policy):
    # np.sin of a scalar costs more than a push and a pop, and so does anything on an array.
    policy("fast")
    assert "stack.append(t1)" in s2sad.source(cc.sine_loop, args=(0.3,))
    assert "stack.append(t1)" in s2sad.source(array_loop, args=(np.ones(3), 4))


def _rnn_rows_generic() -> str:
    # Without the layout facts: with them the backward sweep reads neither t3 nor t4 (test below).
    with optimize.settings(layouts=False):
        return s2sad.source(rnn_rows, wrt=(0, 2), args=(np.ones((3, 3)), np.ones((2, 3)), np.ones((4, 2, 3))))


def test_layouts_leave_nothing_of_the_step_but_h_to_record():
    text = s2sad.source(rnn_rows, wrt=(0, 2), args=(np.ones((3, 3)), np.ones((2, 3)), np.ones((4, 2, 3))))
    assert "stack.append(h)" in text and "stack.append(t3)" not in text and "stack.append(t4)" not in text
    assert "        h_bar = t3_bar @ W.T\n        W_bar = W_bar + h.T @ t3_bar\n" in text


def test_memory_policy_recomputes_array_values(policy):
    policy("memory")
    assert s2sad.source(array_loop, args=(np.ones(3), 4)).endswith(MEMORY)
    text = _rnn_rows_generic()
    assert "t4 = xs[t]" in text.split("# backward sweep")[1]  # the row is indexed again, not saved
    assert "stack.append(t4)" not in text and "stack.append(t3)" in text  # t3 = h @ W is no elementwise value


def test_balanced_default_recomputes_array_values_but_not_numpy_calls_on_numbers(policy):
    # The default keeps one array per step on the stack, as a hand-written gradient does (x, not
    # x and sin(x)), while np.sin of a number stays saved: there a push and a pop are cheaper.
    assert optimize.Settings().recompute == "balanced"
    policy("balanced")
    assert s2sad.source(array_loop, args=(np.ones(3), 4)).endswith(MEMORY)
    assert "stack.append(t1)" in s2sad.source(cc.sine_loop, args=(0.3,))
    assert "stack.append(t1)" not in s2sad.source(math_loop, args=(0.3,))  # math.sin: recomputed
    text = _rnn_rows_generic()
    assert "stack.append(t4)" in text  # the row xs[t] is a view: keeping it costs no array


def test_balanced_default_halves_the_stack_of_an_array_loop(policy):
    # What the policies keep, measured: bytes on the stack at the turn of a 50-step loop.
    import tracemalloc
    x = np.linspace(-1, 1, 10_000)
    peaks = {}
    for name in ("fast", "balanced"):
        policy(name)
        g = s2sad.grad(array_loop)
        g(x, 2)  # compile outside the measurement
        tracemalloc.start()
        g(x, 50)
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peaks["balanced"] < 0.6 * peaks["fast"], peaks


def _grads(fn, args, wrt):
    g = s2sad.grad(fn, wrt)(*args)
    return [np.asarray(x, dtype=float) for x in (g if isinstance(g, tuple) else (g,))]


CASES = [
    (math_loop, (0.3,), 0),
    (array_loop, (np.linspace(-1, 1, 5), 7), 0),
    (rnn_rows, (np.eye(3) * 0.5 + 0.1, np.full((2, 3), 0.2), np.linspace(-1, 1, 24).reshape(4, 2, 3)), (0, 1, 2)),
    (cc.sine_loop, (0.3,), 0),
    (cc.bounded_loop, (0.9, 5), 0),
    (cc.babylonian, (2.0,), 0),
    (cc.nested_break, (0.4,), 0),
    (cc.while_continue, (0.2,), 0),
    (cc.fibonacci_like, (0.3, 0.8), (0, 1)),
    (cc.builtins_and_math, (0.7, 1.9), (0, 1)),
    (cc.subscript_stores, (0.6,), 0),
    (cc.list_sum, (0.9,), 0),
    (cc.list_stack, (0.9,), 0),
    (cc.row_loop, (np.linspace(-1, 1, 12).reshape(4, 3),), 0),
    (cc.zip_enumerate, (np.linspace(-1, 1, 4), np.linspace(0.5, 2, 4)), (0, 1)),
    (cc.rnn, (np.full(4, 0.3), np.eye(4) * 0.4, np.linspace(-1, 1, 28).reshape(7, 4)), (0, 1, 2)),
    (cc.len_bound, (np.array([0.3, -1.2, 0.8, 2.0]),), 0),
    (cc.overwrite_read_element, (0.6,), 0),
]


@pytest.mark.parametrize("fn,args,wrt", CASES, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("name", ["balanced", "fast", "memory"])
def test_every_policy_gives_the_same_gradient(fn, args, wrt, name, policy):
    policy("off")
    want = _grads(fn, args, wrt)
    policy(name)
    got = _grads(fn, args, wrt)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    s2sad.check_grads(fn, args)


@pytest.mark.parametrize("name", ["balanced", "fast", "memory"])
def test_forward_over_recomputed_reverse(name, policy):
    # Hessians read the generated adjoint back: the recomputed lines must differentiate too.
    policy("off")
    want = s2sad.hessian(math_loop)(0.3), s2sad.hvp(array_loop, (np.linspace(-1, 1, 5), 6), np.ones(5))
    policy(name)
    got = s2sad.hessian(math_loop)(0.3), s2sad.hvp(array_loop, (np.linspace(-1, 1, 5), 6), np.ones(5))
    np.testing.assert_allclose(got[0], want[0], rtol=1e-10)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-10)


def test_unknown_policy_is_refused(policy):
    policy("sometimes")
    with pytest.raises(ValueError, match="recompute must be one of"):
        s2sad.source(math_loop, args=(0.3,))


def user_stack(x):
    stack = []  # a user's list that happens to be called `stack`: its appends are no pushes
    for i in range(3):
        stack.append(np.sin(x * i))
    return np.sum(np.stack(stack) ** 2)


def test_generated_stack_is_a_plain_list_read_back_as_pushes():
    # The adjoint records on `stack = Stack()`, a plain list; forward over it (a Hessian) reads its
    # `stack.append(...)` back as pushes, while a user's own list named `stack` stays a list.
    text = s2sad.source(math_loop, "grad", args=(0.3,))
    assert "stack = Stack()" in text and "stack.append(x)" in text and "x = stack.pop()" in text
    from s2sad.runtime import Stack
    assert type(Stack()) is list
    eps = 1e-5
    h = s2sad.hessian(math_loop)(0.3)
    assert h == pytest.approx((s2sad.grad(math_loop)(0.3 + eps) - s2sad.grad(math_loop)(0.3 - eps)) / (2 * eps), rel=1e-6)
    x = np.linspace(-1, 1, 3)
    s2sad.check_grads(user_stack, (x,))
