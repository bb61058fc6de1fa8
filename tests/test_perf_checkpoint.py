"""`s2sad.checkpoint`: golden before/after text, the same derivatives, and clear errors."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad


def step(x, w):
    a = np.sin(x) * w
    return np.tanh(a + x)


@s2sad.checkpoint
def marked_step(x, w):
    a = np.sin(x) * w
    return np.tanh(a + x)


def loop_plain(x, w, n):
    for i in range(n):
        x = step(x, w)
    return np.sum(x)


def loop_marked(x, w, n):
    for i in range(n):
        x = marked_step(x, w)
    return np.sum(x)


def loop_inline(x, w, n):
    for i in range(n):
        a = np.sin(x) * w
        x = np.tanh(a + x)
    return np.sum(x)


BEFORE = '''\
    for i in reversed(range(n)):
        t1_bar = x_bar
        x = stack.pop()
        x_bar, w_bar_step = step_vjp(x, w, t1_bar)
        w_bar = w_bar + w_bar_step
    return (x_bar, w_bar)
'''

AFTER = '''\
    for i in reversed(range(n)):
        t1_bar = x_bar
        x = stack.pop()
        # checkpoint: marked_step_vjp runs marked_step's forward again from its inputs (x, w)
        x_bar, w_bar_marked_step = marked_step_vjp(x, w, t1_bar)
        w_bar = w_bar + w_bar_marked_step
    return (x_bar, w_bar)
'''

ARGS = (np.linspace(-1, 1, 4), np.linspace(0.2, 0.8, 4), 6)


def test_golden_before_and_after():
    assert s2sad.source(loop_plain, wrt=(0, 1), args=ARGS).endswith(BEFORE)
    text = s2sad.source(loop_marked, wrt=(0, 1), args=ARGS)
    assert text.endswith(AFTER)
    # The forward sweep records the call's input only: nothing from inside the helper.
    forward = text.split("# backward sweep")[0]
    assert "t1 = marked_step(x, w)" in forward and forward.count("stack.append(") == 1


def test_checkpoint_returns_the_function_unchanged():
    assert marked_step.__name__ == "marked_step" and s2sad.checkpoint(step) is step
    np.testing.assert_allclose(marked_step(0.3, 0.5), step(0.3, 0.5))


def test_same_gradient_inline_helper_and_checkpointed():
    want = s2sad.grad(loop_inline, (0, 1))(*ARGS)
    for fn in (loop_plain, loop_marked):
        got = s2sad.grad(fn, (0, 1))(*ARGS)
        for a, b in zip(got, want):
            np.testing.assert_allclose(a, b, rtol=1e-12)
    s2sad.check_grads(loop_marked, ARGS)


def test_forward_mode_through_a_checkpointed_helper():
    v = np.ones(4)
    got = s2sad.jvp(loop_marked, ARGS, (v, v, 0))[1]
    np.testing.assert_allclose(got, s2sad.jvp(loop_inline, ARGS, (v, v, 0))[1], rtol=1e-12)


def test_hvp_through_a_helper():
    v = np.ones(4)
    np.testing.assert_allclose(s2sad.hvp(loop_marked, ARGS, v), s2sad.hvp(loop_inline, ARGS, v), rtol=1e-10)


def test_checkpoint_refuses_what_is_not_a_function():
    with pytest.raises(s2sad.InputError, match="plain Python function"):
        s2sad.checkpoint(np.sin)
