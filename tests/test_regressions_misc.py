"""Regressions: reversed loops, joining ranks at second order, short-circuit `and`/`or`, f-string
messages of `raise`, and `print` run once per call.

1. `for i in reversed(range(3))` in the user's function crashed in reverse mode (the backward loop
   read `reversed(reversed(range(3)))`).
2. The second order of `np.dstack` of 1-D arrays (and vstack/column_stack of numbers) crashed:
   `join_like` gave a lower-rank piece the wrong shape.
3. `a and f(b)` evaluated `f(b)` even when `a` was false (`x > 0 and math.sqrt(x) > 1` raised for
   x < 0), and `y = x or 1.0` gave a zero derivative (a silent wrong number).
4. `raise ValueError(f"bad {x}")` raised the f-string's source text, not its formatted message.
5. A `print` in a helper ran again when the helper's adjoint recomputed its forward sweep, and
   `vjp`'s pullback printed again what `vjp` had printed.

Each function is checked against autograd: reverse mode with a random cotangent, forward mode
with a random tangent, and second order (`hessian` and `hvp`) where the output is a number.
"""
from __future__ import annotations

import contextlib
import io
import math
import types
import warnings

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import s2sad
from autograd_oracle import as_autograd, check_scalar
from s2sad import runtime

RNG = np.random.default_rng(31)
W = np.array([1.1, 0.7, 1.3])
XS = [1.0, 2.0]


def _autograd(f, **extra):
    return as_autograd(f, **extra)


def _check(f, x, oracle=None):
    check_scalar(f, x, RNG, oracle)


# -- 1. a user's reversed(range(...)) loop ----------------------------------------------------------


def reversed_loop(x):
    for i in reversed(range(3)):
        x = np.sin(x) * W[i]
    return np.sum(x)


def reversed_loop_steps(x):
    y = x[0]
    for i in reversed(range(1, 7, 2)):
        y = np.sin(y) * i + x[1] * y
    return y


def counting_down(x):
    n = W.shape[0]
    for i in range(n - 1, -1, -1):
        x = np.sin(x) * W[i] + x[::-1]
    return np.sum(x * x)


def reversed_nested(x):
    for i in reversed(range(2)):
        for j in reversed(range(3)):
            x = np.cos(x) * W[j] + i
    return np.sum(x)


@pytest.mark.parametrize("f", [reversed_loop, reversed_loop_steps, counting_down, reversed_nested])
def test_reversed_range_loop_matches_autograd(f):
    _check(f, RNG.standard_normal(2))


def test_reversed_range_loop_runs_forwards_in_the_backward_sweep():
    text = s2sad.source(reversed_loop, args=(np.array([0.3, 0.5]),))
    assert "for i in reversed(range(3)):" in text and "for i in range(3):" in text
    assert "reversed(reversed(" not in text


# -- 2. joining arrays of lower rank, to second order -------------------------------------------------


def dstack_vectors(x):
    return np.sum(np.sin(np.dstack([x, x * x])) ** 2)


def dstack_numbers(x):
    return np.sum(np.sin(np.dstack([x[0], x[1] * x[0], x[2]])) ** 2)


def dstack_mixed(x):
    return np.sum(np.sin(np.dstack([x, np.reshape(x * x, (1, 3, 1)), np.outer(x[:1], x)])) ** 2)


def vstack_numbers(x):
    return np.sum(np.sin(np.vstack([x[0], x[1] * x[0]])) ** 2)


def column_stack_numbers(x):
    return np.sum(np.sin(np.column_stack([x[0], x[1] * x[0]])) ** 2)


def column_stack_mixed(x):
    return np.sum(np.sin(np.column_stack([x, np.outer(x, x)])) ** 2)


def _dstack(xs):  # the oracle's np.dstack: autograd has none
    def three(a):
        return {0: lambda: anp.reshape(a, (1, 1, 1)), 1: lambda: anp.reshape(a, (1, -1, 1)),
                2: lambda: anp.reshape(a, anp.shape(a) + (1,))}.get(anp.ndim(a), lambda: a)()
    return anp.concatenate([three(a) for a in xs], axis=2)


def _column_stack(xs):
    return anp.concatenate([anp.reshape(a, (-1, 1)) if anp.ndim(a) < 2 else a for a in xs], axis=1)


@pytest.mark.parametrize("f", [dstack_vectors, dstack_numbers, dstack_mixed, vstack_numbers, column_stack_numbers,
                               column_stack_mixed])
def test_joining_lower_ranks_matches_autograd(f):
    namespace = types.SimpleNamespace(**{k: getattr(anp, k) for k in dir(anp) if not k.startswith("_")})
    namespace.dstack, namespace.column_stack = _dstack, _column_stack
    _check(f, RNG.standard_normal(3), oracle=_autograd(f, np=namespace))


def dstack_pair(a, b):
    return np.dstack((a, b))


def vstack_pair(a, b):
    return np.vstack((a, b))


def column_stack_pair(a, b):
    return np.column_stack((a, b))


def hstack_pair(a, b):
    return np.hstack((a, b))


@pytest.mark.parametrize("f, shapes", [
    (dstack_pair, [(3,), (3,)]), (dstack_pair, [(), ()]), (dstack_pair, [(3,), (1, 3, 2)]), (dstack_pair, [(2, 3), (2, 3, 2)]),
    (vstack_pair, [(), ()]), (vstack_pair, [(3,), (2, 3)]), (vstack_pair, [(2, 3, 2), (1, 3, 2)]),
    (column_stack_pair, [(), ()]), (column_stack_pair, [(3,), (3, 2)]),
    (hstack_pair, [(), ()]), (hstack_pair, [(2,), (3,)]), (hstack_pair, [(2, 1, 2), (2, 3, 2)]),
])
def test_joining_every_rank_to_second_order(f, shapes):
    args = tuple(RNG.standard_normal(s) for s in shapes)
    s2sad.check_grads(f, args, modes=("forward", "reverse"), order=2)


def test_join_like_gives_a_lower_rank_piece_its_slab():
    g = np.arange(12.0).reshape(1, 3, 4)
    pieces = [np.array([1.0, 2.0, 3.0]), np.ones((1, 3, 2)), np.zeros(3)]
    joined = runtime.join_like(pieces, g, 2)
    assert joined.shape == g.shape
    np.testing.assert_array_equal(joined[0, :, 0], [1.0, 2.0, 3.0])
    assert runtime.join_like([1.0, 2.0], np.zeros((2, 1)), 0).shape == (2, 1)  # vstack of numbers


# -- 3. `and` / `or` keep short-circuiting ----------------------------------------------------------------


def guarded_sqrt(x):
    ok = x > 0 and math.sqrt(x) > 1
    return x * x if ok else -x * x * x


def guarded_helper(x):
    def big(t):
        return math.sqrt(t) > 1
    return x * x if x > 0 and big(x) else -x * x * x


def guarded_lambda(x):
    big = lambda t: math.sqrt(t) > 1  # noqa: E731
    if x < 0 or big(x):
        return x * x
    return np.sin(x)


def guarded_comprehension(x):
    ok = x > 0 and sum([math.sqrt(x) * v for v in XS]) > 3
    return x ** 3 if ok else np.cos(x)


def guarded_chain(x):
    ok = x > 0 and x < 100 and math.log(x) > 0.5
    return np.exp(x) if ok or x < 0 and math.sqrt(-x) > 1 else x ** 2


def value_or(x):
    y = x or 1.0
    return y * y * 2.0


def value_and(x):
    y = x > 0 and x * 3.0
    return y * x


def value_in_expression(x):
    return np.sin(x) * ((x > 1 and x) or 2.0 * x)


@pytest.mark.parametrize("f", [guarded_sqrt, guarded_helper, guarded_lambda, guarded_comprehension, guarded_chain,
                               value_or, value_and, value_in_expression])
@pytest.mark.parametrize("x", [-2.0, 0.5, 4.0])
def test_and_or_short_circuit_matches_autograd(f, x):
    _check(f, x)


def test_untaken_operand_does_not_run():
    for f in (guarded_sqrt, guarded_helper, guarded_lambda, guarded_comprehension, guarded_chain):
        assert s2sad.grad(f)(-2.0) == pytest.approx(autograd.grad(_autograd(f))(-2.0))
    text = s2sad.source(guarded_sqrt, "wengert")
    assert "\n        t1 = math.sqrt(x)\n" in text  # (inside the if)


def while_guard(x):
    i = 0
    while i < 3 and W[i] > 0.8:
        x = x * W[i]
        i = i + 1
    return x


def test_while_test_keeps_short_circuit():
    _check(while_guard, 0.7)
    assert "while i < 3 and W[i] > 0.8:" in s2sad.source(while_guard, args=(0.7,))


# -- 4. an f-string message of raise ------------------------------------------------------------------------


def raises_formatted(a):
    width = 8
    if a < -10.0:
        raise ValueError(f"a must be above -10, got {a:.2f} ({a!r}) {{braces}} [{a:>{width}.1f}]")
    return np.sin(a) * a


def _message(run):
    with pytest.raises(ValueError) as info:
        run()
    exc = getattr(info.value, "original", info.value)  # (DerivativeError[ValueError] keeps the exception raised)
    assert type(exc) is ValueError
    return exc.args[0]


def test_raise_formats_its_f_string_message():
    with pytest.raises(ValueError) as info:
        raises_formatted(-12.5)
    expected = info.value.args[0]
    assert expected == "a must be above -10, got -12.50 (-12.5) {braces} [   -12.5]"
    for run in (lambda: s2sad.grad(raises_formatted)(-12.5), lambda: s2sad.jvp(raises_formatted, (-12.5,), (1.0,)),
                lambda: s2sad.vjp(raises_formatted, -12.5), lambda: s2sad.hessian(raises_formatted)(-12.5),
                lambda: s2sad.value_and_grad(raises_formatted)(-12.5)):
        assert _message(run) == expected
    text = s2sad.source(raises_formatted, args=(0.5,))
    assert ".format(" in text and "f'a must" not in text and "raise ValueError(" in text
    _check(raises_formatted, 0.7)


# -- 5. print and logging run once per call ---------------------------------------------------------------------


@s2sad.checkpoint
def noisy_step(x):
    print("step")
    warnings.warn("step ran")
    return np.sin(x) * 1.3


def noisy_plain_step(x):
    print("plain step")
    return np.cos(x) * x


def noisy_loop(x):
    for i in range(3):
        print("iteration", i)
        x = noisy_step(x) + noisy_plain_step(x)
    return np.sum(x)


def noisy_inline(x):
    for i in range(3):
        print("iteration", i)
        x = np.sin(x) * x + 0.5
    return np.sum(x)


def _printed(run):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        run()
    return out.getvalue(), len(seen)


@pytest.mark.parametrize("f", [noisy_loop, noisy_inline])
def test_print_runs_once_per_call(f):
    x = np.array([0.3, 0.5])
    expected = _printed(lambda: f(x))
    for run in (lambda: s2sad.grad(f)(x), lambda: s2sad.value_and_grad(f)(x), lambda: s2sad.jvp(f, (x,), (x,))):
        assert _printed(run) == expected
    if f is noisy_inline:  # (vjp: its pullback's forward sweep calls the helpers themselves again)
        _, pullback = s2sad.vjp(f, x)
        assert _printed(lambda: pullback(1.0)) == ("", 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stdout(io.StringIO()):
            g = s2sad.grad(f)(x)
            want = autograd.grad(_autograd(f, noisy_step=_autograd(noisy_step), noisy_plain_step=_autograd(noisy_plain_step)))(x)
    np.testing.assert_allclose(g, want, rtol=1e-10)


# -- 3b. an `if` whose test variable its branch re-binds (a silent wrong number before) ----------------------


def rebinds_its_test(x):
    tot = 0.0
    for i in range(3):
        ok = i > 0
        if ok:
            ok = x[i - 1] > 0.2
        if ok or i == 0:
            tot = tot + x[i] * x[i] * x[(i + 1) % 3]
    return tot


def rebinds_its_test_once(x):
    ok = x[0] > 0.0
    y = x * 2.0
    if ok:
        ok = x[1] > 5.0
        y = np.sin(y) * x
    return np.sum(y * y)


@pytest.mark.parametrize("f", [rebinds_its_test, rebinds_its_test_once])
def test_if_test_rebound_in_its_branch_matches_autograd(f):
    _check(f, np.array([0.3, 0.1, 0.4]))
    _check(f, np.array([0.3, 0.25, 0.4]))
