"""Comprehensions, lambdas, nested functions, enumerate/zip, assert/print and loop `else`s (issue 22):
each construct's generated text pinned, and its derivatives checked against autograd in both modes
and to second order."""
from __future__ import annotations

import math
import types

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import constructs_cases as c
import s2sad


def with_autograd(f):
    """The same code, reading autograd's numpy."""
    return types.FunctionType(f.__code__, {**f.__globals__, "np": anp}, f.__name__, f.__defaults__, f.__closure__)


X = np.array([0.3, -0.5, 0.7])
W = np.array([[0.1, 0.2, -0.3], [0.4, -0.5, 0.6], [0.7, 0.8, -0.9]])
WS = np.array([1.0, -2.0, 0.5])
CASES = {
    "sum_of_squares": (X,),
    "comprehension": (X, WS),
    "with_lambda": (X, W),
    "with_helper": (X, W, np.array([0.1, -0.2, 0.3])),
    "enumerate_zip": (X, np.array([[1.0, 2.0, 0.5], [0.3, -0.2, 0.1]]), np.array([0.7, -1.1])),
    "checked": (X,),
    "for_else": (X, 10.0),  # no break: the else runs
    "while_else": (X,),
    "nested_comprehension": (X,),
    "dict_over_range": (X,),
    "conditional_sum": (X, 4.0),  # d > 0: the generator expression runs
    "logged": (X,),
    "set_of_indices": (X,),
    "set_call_and_display": (X,),
}
CASES_BREAK = {"for_else": (X, 0.1)}  # breaks on the first iteration: the else does not run


@pytest.mark.parametrize("name,args", [*CASES.items(), *(("for_else", a) for a in CASES_BREAK.values())])
def test_both_modes_and_second_order_agree_with_autograd(name, args, capsys):
    f = getattr(c, name)
    fa = with_autograd(f)
    want = autograd.grad(fa)(*args)
    np.testing.assert_allclose(s2sad.grad(f)(*args), want, rtol=1e-10, atol=1e-12)
    value, g = s2sad.value_and_grad(f)(*args)
    assert value == pytest.approx(f(*args))
    v = np.random.default_rng(1).standard_normal(np.shape(args[0]))
    rest = tuple(np.zeros_like(a) if isinstance(a, np.ndarray) else 0.0 for a in args[1:])
    _, dot = s2sad.jvp(f, args, (v, *rest))
    assert dot == pytest.approx(float(np.sum(want * v)), rel=1e-10, abs=1e-12)
    np.testing.assert_allclose(s2sad.hessian(f)(*args), autograd.hessian(fa)(*args), rtol=1e-8, atol=1e-10)
    s2sad.check_grads(f, args, modes=("forward", "reverse"))
    # Second order: the Hessian above is forward over reverse; forward over forward here. (Reverse over
    # a generated adjoint that saves values on a stack -- any loop -- is refused, as before issue 22.)
    s2sad.check_grads(f, args, modes=("forward",), order=2)


CHECKED_GRAD = '''\
    # forward sweep
    t1 = np.isfinite(x)
    t2 = np.all(t1)
    assert t2, 'x must be finite'
    print('x =', x)
    logger.info('computing the loss')
    y = np.exp(x)
    # backward sweep
    x_bar = y
    x_bar = x_bar + x * y
    return x_bar
'''


def test_assert_and_print_run_in_the_forward_sweep_only(capsys):
    s2sad.grad(c.checked)(X)
    assert capsys.readouterr().out.count("x =") == 1  # once: the backward sweep does not print
    for mode in ("reverse", "forward", "grad"):
        text = s2sad.source(c.checked, mode, args=(X,))
        assert "assert t2, 'x must be finite'" in text and "print('x =', x)" in text
        assert text.count("logger.info('computing the loss')") == 1  # in the forward sweep only
    assert s2sad.source(c.checked, "grad", args=(X,)).endswith(CHECKED_GRAD)
    with pytest.raises(AssertionError, match="x must be finite"):
        s2sad.grad(c.checked)(np.array([np.inf, 1.0]))
    with pytest.raises(AssertionError, match="x must be finite"):
        s2sad.jvp(c.checked, (np.array([np.inf, 1.0]),), (np.ones(2),))


def test_print_in_a_loop_prints_once_per_iteration_of_the_forward_sweep(capsys):
    def loop(x):
        for i in range(3):
            x = np.sin(x)
            print("step", i)
        return np.sum(x)

    s2sad.grad(loop)(X)
    assert capsys.readouterr().out.count("step") == 3


def test_recursion_is_refused_at_the_call():
    def fact(x, n):
        def f(t, k):
            return f(t * k, k - 1)
        return f(x, n)

    with pytest.raises(s2sad.UnsupportedSyntaxError, match="recursive call to the local function f") as info:
        s2sad.grad(fact)(1.5, 3)
    assert "return f(t * k, k - 1)" in str(info.value)


def test_a_top_level_recursive_function_is_refused_at_the_call():
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="recursive call") as info:
        s2sad.grad(recursive)(1.5, 2)
    assert "return recursive(x * x, n - 1)" in str(info.value)


def recursive(x, n):
    if n == 0:
        return x
    return recursive(x * x, n - 1)


def test_a_set_of_differentiated_values_is_refused_at_its_line():
    def s(x):
        vals = {x[i] ** 2 for i in range(2)}
        return sum(vals)

    x = np.array([0.3, -0.5])
    for transform in (lambda: s2sad.grad(s)(x), lambda: s2sad.jvp(s, (x,), (np.ones(2),))):
        with pytest.raises(s2sad.S2SADError, match="a set of differentiated values has no derivative") as info:
            transform()
        assert "vals = {x[i] ** 2 for i in range(2)}" in str(info.value) and "build a list" in str(info.value)
        assert "merges equal values" in str(info.value)


def test_sorted_of_a_set_of_differentiated_values_is_refused():
    def s(x):
        vals = {x[i] for i in range(2)}
        return sum(sorted(vals))

    x = np.array([0.3, -0.5])
    with pytest.raises(s2sad.S2SADError, match="a set of differentiated values") as info:  # forward: at the set
        s2sad.jvp(s, (x,), (np.ones(2),))
    assert "vals = {x[i] for i in range(2)}" in str(info.value)
    with pytest.raises(s2sad.S2SADError, match=r"sorted\(\) of differentiated values") as info:  # reverse: at sorted
        s2sad.grad(s)(x)
    assert "return sum(sorted(vals))" in str(info.value)


def test_the_size_of_a_set_of_differentiated_values_has_no_derivative_and_is_allowed():
    def s(x):
        vals = {x[i] for i in range(3)}  # two of the three equal: len is 2, piecewise constant in x
        return np.sum(x) * len(vals)

    x = np.array([0.3, 0.3, 0.7])
    np.testing.assert_allclose(s2sad.grad(s)(x), [2.0, 2.0, 2.0])
    assert s2sad.jvp(s, (x,), (np.ones(3),))[1] == pytest.approx(6.0)


def test_a_shadowed_set_is_refused():
    def s(x, set):
        return np.sum(x) * len({i for i in range(2)})

    with pytest.raises(s2sad.UnsupportedSyntaxError, match="'set' is bound to something else"):
        s2sad.grad(s)(np.ones(2), list)


def test_a_dict_comprehension_over_range_is_read_as_the_dict():
    def d(x):
        m = {k: x * k for k in range(3)}
        return m[2] + sum(v for v in m.values()) + sum(k * v for k, v in m.items()) + len(m)

    assert s2sad.grad(d)(1.5) == pytest.approx(2 + 3 + 5)
    assert s2sad.jvp(d, (1.5,), (1.0,))[1] == pytest.approx(10.0)
    assert s2sad.hessian(d)(1.5) == pytest.approx(0.0)


def test_a_dict_comprehension_over_range_used_whole_is_refused_at_the_use():
    def d(x):
        m = {k: x * k for k in range(3)}
        return np.sum(np.array(m))

    with pytest.raises(s2sad.UnsupportedSyntaxError, match="used as a whole") as info:
        s2sad.grad(d)(1.5)
    assert "return np.sum(np.array(m))" in str(info.value)


def test_a_dict_whose_keys_are_known_only_at_run_time_is_refused():
    def d(x, ks):
        m = {k: x * 2.0 for k in ks}
        return m[0]

    with pytest.raises(s2sad.UnsupportedSyntaxError, match="keys known only at run time") as info:
        s2sad.grad(d)(1.5, np.array([0.0, 1.0]))
    assert "m = {k: x * 2.0 for k in ks}" in str(info.value)


def test_the_branch_not_taken_of_a_conditional_expression_never_runs(capsys):
    # d = -1: math.sqrt(d) in the generator expression would raise; the value of the `if` is 0.0
    x = X
    want = 2 * x
    for run in (lambda: s2sad.grad(c.conditional_sum)(x, -1.0),
                lambda: s2sad.value_and_grad(c.conditional_sum)(x, -1.0)[1],
                lambda: s2sad.vjp(c.conditional_sum, x, -1.0)[1](1.0)[0]):
        np.testing.assert_allclose(run(), want)
    assert s2sad.jvp(c.conditional_sum, (x, -1.0), (np.ones(3), 0.0))[1] == pytest.approx(float(np.sum(want)))
    np.testing.assert_allclose(s2sad.hessian(c.conditional_sum)(x, -1.0), 2 * np.eye(3))
    for mode in ("reverse", "forward", "grad"):
        text = s2sad.source(c.conditional_sum, mode, args=(x, -1.0))
        assert "    if t1:\n" in text and "math.sqrt(d)" in text


def test_a_local_helper_in_a_conditional_expression_runs_only_when_taken():
    def f(x, d):
        def inv(t):
            return t / math.sqrt(d)
        return np.sum(inv(x) if d > 0 else x * 2.0)

    np.testing.assert_allclose(s2sad.grad(f)(X, -1.0), 2.0 * np.ones(3))
    np.testing.assert_allclose(s2sad.grad(f)(X, 4.0), 0.5 * np.ones(3))


def test_logging_and_print_with_keywords_are_kept_in_the_forward_sweep(capsys, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    s2sad.grad(c.logged)(X)
    captured = capsys.readouterr()
    assert captured.out.count("x =") == 1 and captured.err.count("loss follows") == 1
    assert [r.getMessage() for r in caplog.records] == ["computing the loss", "x has 3 entries"]
    caplog.clear()
    s2sad.jvp(c.logged, (X,), (np.ones(3),))
    assert len(caplog.records) == 2 and capsys.readouterr().err.count("loss follows") == 1
    for mode in ("reverse", "forward", "grad"):
        text = s2sad.source(c.logged, mode, args=(X,))
        for line in ("print('x =', x, end='\\n')", "print('loss follows', file=sys.stderr)",
                     "logging.info('computing the loss')", "logger.debug('x has %d entries', t2)"):
            assert text.count(line) == 1, (mode, line)
        if mode != "forward":
            assert text.index("logger.debug") < text.index("# backward sweep")


def test_comprehension_over_a_list_of_weights_is_unrolled():
    def penalty(Ws):
        return sum(np.sum(W ** 2) for W in Ws)

    Ws = [np.ones((2, 3)), np.full((3, 1), 2.0)]
    g = s2sad.grad(penalty)(Ws)
    assert type(g) is list and np.allclose(g[0], 2.0) and np.allclose(g[1], 4.0)
    text = s2sad.source(penalty, args=(Ws,))
    assert "for " not in text and "W_0 = Ws[0]" not in text


# -- the generated text ----------------------------------------------------------------------------------

WENGERT = {
    "sum_of_squares": '''\
def sum_of_squares(x):
    t1 = x.shape
    n = t1[0]
    total = 0
    for i in range(n):
        t2 = x[i]
        t3 = t2 ** 2
        t4 = total + t3
        total = t4
    return total
''',
    "comprehension": '''\
def comprehension(x, ws):
    ys = []
    t1 = len(ws)
    for t2 in range(t1):
        w = ws[t2]
        t4 = w > 0
        if t4:
            t5 = w * x
            t6 = np.sin(t5)
            ys.append(t6)
    t7 = np.stack(ys)
    t8 = t7 ** 2
    comprehension = np.sum(t8)
    return comprehension
''',
    "with_lambda": '''\
def with_lambda(x, W):
    z = x @ W
    act = np.tanh(z)
    t1 = act ** 2
    with_lambda = np.sum(t1)
    return with_lambda
''',
    "with_helper": '''\
def with_helper(x, W, b):
    t1 = x @ W
    a = t1 + b
    t2 = np.tanh(a)
    layer = t2 * 2.0
    t3 = layer @ W
    a_1 = t3 + b
    t4 = np.tanh(a_1)
    layer_1 = t4 * 0.5
    with_helper = np.sum(layer_1)
    return with_helper
''',
    "checked": '''\
def checked(x):
    t1 = np.isfinite(x)
    t2 = np.all(t1)
    assert t2, 'x must be finite'
    print('x =', x)
    logger.info('computing the loss')
    y = np.exp(x)
    t3 = y * x
    checked = np.sum(t3)
    return checked
''',
    "for_else": '''\
def for_else(x, limit):
    y = x
    broke = False
    for i in range(4):
        t1 = np.sin(y)
        y = t1 * 1.5
        t2 = np.sum(y)
        t3 = t2 > limit
        if t3:
            broke = True
            break
    t4 = not broke
    if t4:
        t5 = y * 3.0
        y = t5
    t6 = y ** 2
    for_else = np.sum(t6)
    return for_else
''',
    "enumerate_zip": '''\
def enumerate_zip(x, ws, cs):
    total = 0.0
    t1 = len(ws)
    for i in range(t1):
        w = ws[i]
        t3 = w * x
        t4 = np.sin(t3)
        t5 = np.sum(t4)
        t6 = i * t5
        t7 = total + t6
        total = t7
    t8 = len(ws)
    t9 = len(cs)
    t10 = min(t8, t9)
    for t11 in range(t10):
        w = ws[t11]
        c = cs[t11]
        t13 = x ** 2
        t14 = w * t13
        t15 = np.sum(t14)
        t16 = c * t15
        t17 = total + t16
        total = t17
    return total
''',
    "dict_over_range": '''\
def dict_over_range(x):
    t1 = x.shape
    n = t1[0]
    sq = []
    for i_1 in range(n):
        t2 = x[i_1]
        t3 = t2 ** 2
        sq.append(t3)
    total = 0.0
    t4 = len(sq)
    for i in range(t4):
        v = sq[i]
        t6 = i * v
        t7 = total + t6
        total = t7
    t8 = sq[0]
    t9 = np.sin(t8)
    t10 = len(sq)
    t11 = t9 * t10
    dict_over_range = total + t11
    return dict_over_range
''',
    "conditional_sum": '''\
def conditional_sum(x, d):
    t1 = d > 0
    if t1:
        y = 0
        for i in range(2):
            t2 = x[i]
            t3 = math.sqrt(d)
            t4 = t2 / t3
            t5 = y + t4
            y = t5
    else:
        y = 0.0
    t6 = x * x
    t7 = np.sum(t6)
    conditional_sum = t7 + y
    return conditional_sum
''',
    "logged": '''\
def logged(x):
    print('x =', x, end='\\n')
    print('loss follows', file=sys.stderr)
    logging.info('computing the loss')
    t1 = x.shape
    t2 = t1[0]
    logger.debug('x has %d entries', t2)
    t3 = np.exp(x)
    t4 = t3 * x
    logged = np.sum(t4)
    return logged
''',
    "while_else": '''\
def while_else(x):
    k = 0
    while k < 3:
        t1 = np.cos(x)
        x = t1
        t2 = k + 1
        k = t2
    x_1 = x * 2.0
    while_else = np.sum(x_1)
    return while_else
''',
    "nested_comprehension": '''\
def nested_comprehension(x):
    rows = []
    for i in range(2):
        items = []
        for j in range(2):
            t1 = x[i]
            t2 = x[j]
            t3 = t1 * t2
            items.append(t3)
        rows.append(items)
    t4 = np.array(rows)
    t5 = t4 ** 2
    nested_comprehension = np.sum(t5)
    return nested_comprehension
''',
    "set_of_indices": '''\
def set_of_indices(x):
    t1 = x.shape
    n = t1[0]
    items = []
    for i in range(n):
        t2 = i % 2
        items.append(t2)
    idx = set(items)
    s = 0.0
    t3 = sorted(idx)
    t4 = len(t3)
    for t5 in range(t4):
        j = t3[t5]
        t7 = x[j]
        t8 = np.sin(t7)
        t9 = x[j]
        t10 = t8 * t9
        t11 = s + t10
        s = t11
    t12 = 1 in idx and n not in idx
    if t12:
        t13 = len(idx)
        t14 = s * t13
        s = t14
    return s
''',
    "set_call_and_display": '''\
def set_call_and_display(x):
    t1 = x.shape
    n = t1[0]
    items = []
    for i in range(n):
        t2 = i // 2
        items.append(t2)
    pairs = set(items)
    total = 0
    t3 = n - 1
    t4 = set([0, t3, 0])
    t5 = sorted(t4)
    t6 = len(t5)
    for t7 in range(t6):
        j = t5[t7]
        t9 = x[j]
        t10 = total + t9
        total = t10
    t11 = x ** 3
    t12 = np.sum(t11)
    t13 = len(pairs)
    t14 = t12 * t13
    set_call_and_display = t14 + total
    return set_call_and_display
''',
}

HELPER_REVERSE = '''\
def with_helper_vjp(x, W, b, with_helper_bar=1.0):
    """Reverse mode (adjoint) of with_helper with respect to x.

    Specialised to arrays shaped x (*,), W (*, *), b (*,), where * is any length but one."""
    # forward sweep
    t1 = x @ W
    a = t1 + b
    t2 = np.tanh(a)
    layer = t2 * 2.0
    t3 = layer @ W
    a_1 = t3 + b
    t4 = np.tanh(a_1)
    layer_1 = t4 * 0.5
    with_helper = np.sum(layer_1)
    # backward sweep
    layer_1_bar = with_helper_bar
    t4_bar = layer_1_bar * 0.5
    a_1_bar = t4_bar * (1 - t4 ** 2)
    t3_bar = a_1_bar
    layer_bar = t3_bar @ W.T
    t2_bar = layer_bar * 2.0
    a_bar = t2_bar * (1 - t2 ** 2)
    t1_bar = a_bar
    x_bar = t1_bar @ W.T
    return x_bar
'''


@pytest.mark.parametrize("name", sorted(WENGERT))
def test_golden_wengert(name):
    assert s2sad.source(getattr(c, name), "wengert") == WENGERT[name]


def test_golden_helper_reverse():
    text = s2sad.source(c.with_helper, args=CASES["with_helper"])
    assert text[text.index("def "):] == HELPER_REVERSE
