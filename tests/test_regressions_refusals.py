"""Refusals that were gaps: nested zip/enumerate loops, the builtin dict(...), np.convolve and `del`.

Before: `for i, (a, b) in enumerate(zip(xs, ys))` was refused ("zip has no derivative rule") and
`enumerate(xs, start)` ignored its start (a wrong derivative); `dict(a=x, b=y)` was refused ("dict has no
derivative rule"), and so was any dict display in a function of plain arrays; `np.convolve` had no rule;
`del x` was refused by the fence. Each function is checked against autograd in reverse mode (with a random
cotangent), forward mode and second order (`hessian` and `hvp`); what s2sad still refuses is refused at the
user's line, on purpose.
"""
from __future__ import annotations

import types

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import s2sad
from s2sad.errors import S2SADError, UnsupportedSyntaxError

RNG = np.random.default_rng(31)
X = RNG.standard_normal(6)


def _autograd(f, oracle_np=anp):
    """`f` with autograd's numpy in place of numpy (the oracle); helpers it calls are rebound too."""
    glb = {**f.__globals__, "np": oracle_np}
    for name, v in list(glb.items()):
        if isinstance(v, types.FunctionType) and v.__module__ == __name__ and v is not f:
            glb[name] = types.FunctionType(v.__code__, glb, v.__name__, v.__defaults__)
    return types.FunctionType(f.__code__, glb, f.__name__, f.__defaults__)


def _check(f, x, oracle=None):
    """Reverse (random cotangent), forward (random tangent), Hessian and hvp of scalar `f` at `x`."""
    ag = oracle or _autograd(f)
    g = np.asarray(autograd.grad(ag)(x), dtype=float)
    c = float(RNG.standard_normal())
    out, pullback = s2sad.vjp(f, x)
    np.testing.assert_allclose(out, ag(x), rtol=1e-12)
    np.testing.assert_allclose(pullback(c)[0], c * g, rtol=1e-10, atol=1e-12)
    v = RNG.standard_normal(np.shape(x))
    value, tangent = s2sad.jvp(f, (x,), (v,))
    np.testing.assert_allclose(tangent, np.sum(g * v), rtol=1e-10, atol=1e-12)
    H = np.asarray(autograd.hessian(ag)(x), dtype=float)
    np.testing.assert_allclose(s2sad.hessian(f)(x), H, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(s2sad.hvp(f, (x,), v), H @ v, rtol=1e-9, atol=1e-12)


# -- 1. zip and enumerate nested in each other -------------------------------------------------------


def enumerate_zip(x):
    r = 0.0
    for i, (a, b) in enumerate(zip(x, x[::-1])):
        r = r + i * a * b * b
    return r


def zip_range(x):
    r = 0.0
    for i, a in zip(range(len(x)), x):
        r = r + i * np.sin(a)
    return r


def zip_three(x):
    r = 0.0
    for a, b, c in zip(x, np.sin(x), x[1:]):
        r = r + a * b * c
    return r


def enumerate_start(x):  # the start was ignored: a wrong derivative
    r = 0.0
    for i, a in enumerate(x, 2):
        r = r + i * a * a
    for j, b in enumerate(x, start=-1):
        r = r + j * b * b * b
    return r


def zip_rows(x):
    X = np.reshape(x, (3, 2))
    r = 0.0
    for i, ((a, b), c) in enumerate(zip(X, x[:3]), 1):
        r = r + i * a * b * c
    return r


def zip_one_name(x):
    r = 0.0
    for pair in zip(x, x[::-1]):
        r = r + pair[0] * pair[1] ** 2
    return r


def enumerate_enumerate(x):
    r = 0.0
    for i, (j, a) in enumerate(enumerate(x)):
        r = r + (i + j) * a * a
    return r


def zip_of_enumerate(x):
    r = 0.0
    for (i, a), b in zip(enumerate(x), np.cos(x)):
        r = r + i * a * b
    return r


def comprehension_enumerate_zip(x):
    return sum(i * a * np.tanh(b) for i, (a, b) in enumerate(zip(x, x[1:])))


def zip_loop_else(x):
    r = 0.0
    for i, (a, b) in enumerate(zip(x, x * x)):
        if i > 3:
            break
        r = r + a * b
    else:
        r = r * 2.0
    return r


def computed_sequences(x):  # computed once, before the loop, in Python's order
    r = 0.0
    for i, (a, k, b) in enumerate(zip(np.sin(x), range(10), np.cumsum(x)), len(x) - 4):
        r = r + (i + k) * a * b
    return r


LOOPS = [computed_sequences, enumerate_zip, zip_range, zip_three, enumerate_start, zip_rows, zip_one_name, enumerate_enumerate,
         zip_of_enumerate, comprehension_enumerate_zip, zip_loop_else]


@pytest.mark.parametrize("f", LOOPS, ids=lambda f: f.__name__)
def test_nested_zip_and_enumerate(f):
    _check(f, X.copy())


def test_enumerate_zip_over_a_list_argument_is_unrolled():
    def layers(Ws, bs, x):
        h = x
        for i, (W, b) in enumerate(zip(Ws, bs)):
            h = np.tanh(W @ h + b) * (i + 1)
        return np.sum(h)

    def layers_ag(Ws, bs, x):
        h = x
        for i in range(len(Ws)):
            h = anp.tanh(Ws[i] @ h + bs[i]) * (i + 1)
        return anp.sum(h)

    Ws = [RNG.standard_normal((3, 3)) for _ in range(2)]
    bs = [RNG.standard_normal(3) for _ in range(2)]
    x = RNG.standard_normal(3)
    g = s2sad.grad(layers, wrt=(0, 1))(Ws, bs, x)
    expect = autograd.grad(layers_ag, (0, 1))(Ws, bs, x)
    for got, want in zip(g, expect):
        for a, b in zip(got, want):
            np.testing.assert_allclose(a, b, rtol=1e-10)


# -- 2. dict(...) and dict displays --------------------------------------------------------------------


def saxpy(val):
    return val["a"] * val["b"] + val["c"]


def dict_keywords(x):
    d = dict(a=x[0], b=np.sin(x[1]) * x[2])
    return d["a"] * d["b"]


def dict_zip(x):
    d = dict(zip(("a", "b"), (x[0], x[1] * x[2])))
    e = dict(zip(["c", "d"], x[3:5]))
    return d["a"] * d["b"] + e["c"] * e["d"]


def dict_pairs_and_copy(x):
    d = dict([("a", x[0]), ("b", np.exp(x[1]))])
    e = dict(d)
    e["a"] = e["a"] * 3.0
    return e["a"] * e["b"] + d["a"]


def dict_to_helper(x):
    return saxpy(dict(a=x[0], b=x[1], c=x[2] * x[3]))


def display_to_helper(x):
    d = {"a": np.cos(x[0]), "b": x[1], "c": x[2]}
    return saxpy(d) * x[4]


def scaled(val):
    return np.sin(val["a"]) * SCALE + val["b"]


SCALE = 3.0


def dict_to_helper_using_np(x):
    return scaled(dict(a=x[0], b=np.cos(x[1]))) * np.exp(x[2])


def dict_to_helper_reading_a_shadowed_global(x):
    SCALE = x[0] * 2.0  # noqa: N806
    return scaled(dict(a=x[0], b=x[1])) + SCALE


def dict_display(x):
    d = {"w": x[0] * x[1], 3: x[2]}
    d["w"] += d[3] * x[5]
    return d["w"] * d[3]


DICTS = [dict_keywords, dict_zip, dict_pairs_and_copy, dict_to_helper, display_to_helper, dict_to_helper_using_np,
         dict_display]


@pytest.mark.parametrize("f", DICTS, ids=lambda f: f.__name__)
def test_dict_builtin_and_displays(f):
    _check(f, X.copy())


def test_a_helper_is_not_inlined_where_a_local_would_hide_its_global():
    # inlined, `scaled` would read this function's SCALE, not the module's: the call stays, refused at its line
    with pytest.raises(UnsupportedSyntaxError) as err:
        s2sad.grad(dict_to_helper_reading_a_shadowed_global)(X.copy())
    assert f"line {_line_of(dict_to_helper_reading_a_shadowed_global, 'return scaled(')}" in str(err.value)


def test_dict_of_a_tuple_argument_to_a_helper():
    # tangent's test_dict_wrapper
    def wrapper(abc):
        a, b, c = abc
        return saxpy(dict(a=a, b=b, c=c))

    g = s2sad.grad(wrapper)((1.5, -0.5, 2.0))
    np.testing.assert_allclose(np.asarray(g, dtype=float).ravel(), [-0.5, 1.5, 1.0])


def dict_returned_whole(x):
    return dict(a=x[0], b=np.sin(x[1]))


def dict_used_whole(x):
    d = dict(a=x[0], b=x[1])
    return len(d) * x[0]


def test_a_dict_used_whole_is_still_a_dict():
    # returned: a structured output, as a display would be
    out, pullback = s2sad.vjp(dict_returned_whole, X.copy())
    assert set(out) == {"a", "b"}
    np.testing.assert_allclose(pullback({"a": 2.0, "b": 3.0})[0], [2.0, 3.0 * np.cos(X[1]), 0, 0, 0, 0])
    # used whole in a function of arrays (no structured argument): refused at its line, not guessed
    with pytest.raises(S2SADError) as err:
        s2sad.grad(dict_used_whole)(X.copy())
    assert f"line {_line_of(dict_used_whole, 'd = dict(')}" in str(err.value)


# -- 3. np.convolve ------------------------------------------------------------------------------------


def _aconv(a, v, mode):
    """The convolution written with autograd's einsum (autograd has no rule for np.convolve)."""
    n, m = len(a), len(v)
    S = np.zeros((n + m - 1, n, m))
    for i in range(n):
        for j in range(m):
            S[i + j, i, j] = 1.0
    y = anp.einsum("kij,ij->k", S, anp.outer(a, v))
    start = {"full": 0, "valid": min(n, m) - 1, "same": (min(n, m) - 1) // 2}[mode]
    size = {"full": n + m - 1, "valid": max(n, m) - min(n, m) + 1, "same": max(n, m)}[mode]
    return y[start:start + size]


@pytest.mark.parametrize("mode", ["full", "valid", "same"])
@pytest.mark.parametrize("split", [4, 2, 3], ids=["a longer", "v longer", "equal"])
def test_convolve_both_operands(mode, split):
    def f(x):
        y = np.convolve(x[:split], x[split:] * 2.0, mode)
        return np.sum(np.sin(y) * np.arange(1.0, y.shape[0] + 1.0))

    def oracle(x):
        y = _aconv(x[:split], x[split:] * 2.0, mode)
        return anp.sum(anp.sin(y) * np.arange(1.0, y.shape[0] + 1.0))

    _check(f, X.copy(), oracle)


def test_convolve_mode_keyword_and_reverse_over_forward():
    def f(x):
        return np.sum(np.convolve(x[:4], np.tanh(x[4:]), mode="same") ** 2)

    def oracle(x):
        return anp.sum(_aconv(x[:4], anp.tanh(x[4:]), "same") ** 2)

    _check(f, X.copy(), oracle)
    text = s2sad.source(f, "reverse")
    assert "convolve_adjoint_a" in text and "convolve_adjoint_v" in text


# -- 4. del --------------------------------------------------------------------------------------------


def del_unused(x):
    y = x * 2.0
    z = np.sum(y * y)
    del y
    return z


def del_then_rebind(x):
    y = np.sin(x)
    z = np.sum(y * x)
    del y, z
    y = x * 3.0
    z = np.sum(y * y)
    return z


def del_in_loop(x):
    r = 0.0
    for i in range(3):
        t = x * i
        r = r + np.sum(np.sin(t) * x)
        del t
    return r


def del_param(x):
    y = x * x
    del x
    return np.sum(np.exp(y))


def _mul_del(a, b):
    out = np.multiply(a, b)
    c = 3
    del c
    return out


def del_in_helper(x):
    return np.sum(_mul_del(x, np.cos(x)))


DELS = [del_unused, del_then_rebind, del_in_loop, del_param, del_in_helper]


@pytest.mark.parametrize("f", DELS, ids=lambda f: f.__name__)
def test_del_of_a_name_not_read_again(f):
    _check(f, X.copy())


def del_read_after(x):
    y = x * 2.0
    del y
    return np.sum(y)


def del_read_next_iteration(x):
    y = x * 2.0
    r = 0.0
    for i in range(2):
        r = r + np.sum(y)
        del y
    return r


def del_read_by_local_function(x):
    y = x * 2.0
    f = lambda t: t * y  # noqa: E731
    del y
    return np.sum(f(x))


def del_item(x):
    d = [x[0], x[1]]
    del d[0]
    return d[0]


def del_in_while_test(x):
    n = 3
    while n > 0:
        x = x * 1.5
        del n
        n = 0
    return np.sum(x)


def _line_of(f, text):
    import inspect

    lines, start = inspect.getsourcelines(f)
    return start + next(i for i, ln in enumerate(lines) if text in ln)


@pytest.mark.parametrize("f,where,phrase", [
    (del_read_after, "return np.sum(y)", "y is read after 'del y'"),
    (del_read_next_iteration, "r = r + np.sum(y)", "y is read after 'del y'"),
    (del_read_by_local_function, "return np.sum(f(x))", "y is read after 'del y'"),
    (del_item, "del d[0]", "'del' of an item is not supported"),
], ids=lambda v: getattr(v, "__name__", None))
def test_del_refused_at_the_line_where_it_cannot_be_followed(f, where, phrase):
    with pytest.raises(UnsupportedSyntaxError) as err:
        s2sad.grad(f)(X.copy())
    assert phrase in str(err.value)
    assert f"line {_line_of(f, where)}" in str(err.value)


def test_del_rebound_before_the_while_test_runs_again():
    _check(del_in_while_test, X.copy())


def test_enumerate_with_a_start_over_a_list_argument():
    def f(Ws, x):
        r = 0.0
        for i, W in enumerate(Ws, 1):
            r = r + i * np.sum(W * x)
        return r

    Ws = [RNG.standard_normal(2) for _ in range(3)]
    x = RNG.standard_normal(2)
    g = s2sad.grad(f)(Ws, x)
    for k, gk in enumerate(g):
        np.testing.assert_allclose(gk, (k + 1) * x, rtol=1e-12)
