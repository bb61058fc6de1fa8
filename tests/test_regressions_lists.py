"""Issue 20: a user's list used as a stack, and statement-level gaps (raise, calls for their effect).

A plain list the function builds and pops from (`s = []; s.append(a); b = s.pop()`) gave a zero
tangent to the popped value in forward mode (a silent wrong number) and was mistaken for s2sad's
own save stack in reverse mode. Each function here is checked against autograd in reverse mode
(with a random cotangent), forward mode and second order (`hessian` and `hvp`, which must agree).
"""
from __future__ import annotations

import warnings

import autograd
import numpy as np
import pytest

import s2sad
from autograd_oracle import as_autograd, check_scalar
from s2sad.errors import S2SADError, UnsupportedSyntaxError

RNG = np.random.default_rng(20)


def _autograd(f, **extra):
    return as_autograd(f, **extra)


def _check(f, x, oracle=None):
    check_scalar(f, x, RNG, oracle)


# -- 1. a user's list used as a stack ---------------------------------------------------------------


def pop_back(a):
    s = []
    s.append(a)
    b = s.pop()
    return b * a


def stack_pushing(a):  # tangent's test
    stack = []
    y = a * a
    stack.append(a)
    aa = stack.pop()
    z = y * aa
    z = z * aa
    return z


def two_pops(a):
    s = [a, np.sin(a)]
    s.append(a * a)
    first = s.pop()
    second = s.pop()
    return first * second + s[0]


def pop_front(a):
    q = [a]
    q.append(np.cos(a))
    head = q.pop(0)
    return head * q[0] + len(q)


def pop_in_loop(a):
    s = []
    for i in range(4):
        s.append(np.sin(a * (i + 1)))
    total = 0.0
    while len(s) > 0:
        v = s.pop()
        total = total * a + v * v
    return total


def queue_in_for_loop(a):
    s = [a, a * 2.0]
    acc = 0.0
    for i in range(5):
        s.append(np.sin(s[-1]) * a)
        v = s.pop(0)
        acc = acc + v * s[0]
    return acc


def pop_in_branch(a):
    s = [a * 2.0, a * a]
    if a > 0:
        v = s.pop()
    else:
        v = s.pop(0)
    s.append(v * a)
    return s[0] * s[-1]


def pop_discarded(a):
    s = [a * a, a]
    s.pop()
    s.append(np.exp(a))
    return s[0] + s[1]


def pop_in_expression(a):
    s = [np.sin(a), a * a]
    return s.pop() * a


def pop_vector(x):
    rows = []
    rows.append(x * 2.0)
    rows.append(np.sin(x))
    last = rows.pop()
    return np.sum(last * rows[0]) + np.sum(x ** 3)


@pytest.mark.parametrize("f", [pop_back, stack_pushing, two_pops, pop_front, pop_in_loop, queue_in_for_loop, pop_in_branch,
                               pop_discarded, pop_in_expression])
@pytest.mark.parametrize("a", [0.7, -1.3])
def test_list_pop_matches_autograd(f, a):
    _check(f, a)


def test_list_pop_of_arrays_matches_autograd():
    _check(pop_vector, RNG.standard_normal(3))


def test_popped_value_keeps_its_tangent():
    # The example: the tangent was 2.0 (b's lost), it is 4.0.
    assert s2sad.jvp(pop_back, (2.0,), (1.0,)) == (4.0, 4.0)
    assert s2sad.grad(pop_back)(2.0) == 4.0


def pop_callers_list(xs, a):
    v = xs.pop()
    return v * a


def pop_twice_in_one_statement(a):
    s = [a, a * a]
    return s.pop() * s.pop()


def pop_with_index(a):
    s = [a, a * a, a * 3.0]
    return s.pop(1) * a


def pop_in_while_test(a):
    s = [a, a * a]
    t = a
    while s.pop() > 10.0:
        t = t * 2.0
    return t


@pytest.mark.parametrize("f,args,phrase", [
    (pop_callers_list, ([1.0, 2.0], 0.5), "caller passed in"),
    (pop_twice_in_one_statement, (0.5,), "pop into a variable first"),
    (pop_with_index, (0.5,), "only xs.pop()"),
    (pop_in_while_test, (0.5,), "pop into a variable first"),
])
def test_unsupported_pops_are_refused_at_the_line(f, args, phrase):
    wrt = 1 if f is pop_callers_list else 0
    for run in (lambda: s2sad.grad(f, wrt=wrt)(*args), lambda: s2sad.jvp(f, args, tuple(0.0 * np.asarray(a) for a in args))):
        with pytest.raises(S2SADError) as info:
            run()
        assert phrase in str(info.value)
        assert info.value.lineno is not None and info.value.filename.endswith("test_regressions_lists.py")


def test_generated_stack_still_recognised():
    # Forward over reverse through a loop: the generated adjoint's own `stack.pop()` stays a pop.
    def loop(x):
        for i in range(3):
            x = np.sin(x) * x
        return x

    H = s2sad.hessian(loop)(0.4)
    np.testing.assert_allclose(H, autograd.hessian(_autograd(loop))(0.4), rtol=1e-10)


# -- 2. statements kept for their effect: raise, and calls made for their side effect --------------


def guarded(a):
    if a < -10.0:
        raise ValueError(f"a must be above -10, got {a}")
    return np.sin(a) * a


def guarded_else(a):
    if a > -10.0:
        return a * a * np.cos(a)
    else:
        raise ValueError


def with_warning(a):
    warnings.warn("this model is deprecated", DeprecationWarning)
    np.random.seed(0)
    return a * np.exp(a)


def with_call_of_a_value(a):
    np.random.seed(int(a > 0.0) + 2 * len([a]))
    return a ** 3


@pytest.mark.parametrize("f", [guarded, guarded_else, with_warning, with_call_of_a_value])
def test_effect_statements_match_autograd(f):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _check(f, 0.7)


def test_raise_is_kept_in_every_mode():
    for run in (lambda: s2sad.grad(guarded)(-11.0), lambda: s2sad.jvp(guarded, (-11.0,), (1.0,)),
                lambda: s2sad.hessian(guarded)(-11.0), lambda: s2sad.grad(guarded_else)(-11.0)):
        with pytest.raises(ValueError):
            run()
    text = s2sad.source(guarded, args=(0.5,))
    assert "raise ValueError(" in text


def test_call_statement_is_kept_in_the_forward_sweep():
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        s2sad.grad(with_warning)(0.3)
        s2sad.jvp(with_warning, (0.3,), (1.0,))
    assert sum(issubclass(w.category, DeprecationWarning) for w in seen) == 2
    assert "warnings.warn('this model is deprecated', DeprecationWarning)" in s2sad.source(with_warning, args=(0.3,))


def shuffles_its_input(x):
    np.random.shuffle(x)
    return np.sum(x * np.arange(3.0))


def sorts_in_place(x):
    y = x * 2.0
    y.sort()
    return np.sum(y * np.arange(3.0))


def writes_out(x):
    y = np.zeros(3)
    np.multiply(x, 2.0, out=y)
    return np.sum(y)


def helper_appends(xs, v):
    xs.append(v)


def calls_a_mutating_helper(x):
    ys = [x]
    helper_appends(ys, x * 2.0)
    return ys[0] * ys[-1]


@pytest.mark.parametrize("f,phrase", [
    (shuffles_its_input, "may change in place"),
    (sorts_in_place, "may change the local 'y' in place"),
    (writes_out, "out="),
    (calls_a_mutating_helper, "may change in place"),
])
def test_call_statements_that_may_change_a_value_are_refused(f, phrase):
    x = np.array([0.3, -1.2, 0.8])
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(f)(x)
    assert phrase.replace("may change in place", "which it may change in place") in str(info.value) or phrase in str(info.value)
    assert info.value.lineno is not None


# -- 3. a helper defined with *args, called with a fixed number of arguments ------------------------


def _total(*args):
    return sum(args)


def _scaled(a, *rest):
    """A docstring stays first."""
    t = a
    for r in rest:
        t = t * np.sin(r)
    return t


def calls_varargs(x):
    return _total(x, x / 3.0) + _scaled(x, x * x, 2.0 * x) + _scaled(x) + _total(x, x, x)


def test_varargs_helper_matches_autograd():
    _check(calls_varargs, 0.9)


def _with_kwargs(*args, **kw):
    return sum(args)


def calls_kwargs_helper(x):
    return _with_kwargs(x, x)


def test_varargs_helper_with_kwargs_is_refused_at_the_call():
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(calls_kwargs_helper)(0.5)
    assert "takes *args or **kwargs" in str(info.value)
    assert info.value.lineno is not None
