"""Control flow and program structure, in both modes, against central differences and autograd."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

import s2sad
import control_cases as cc
from conftest import central_difference

BOTH = ("forward", "reverse")


@pytest.mark.parametrize("x", [-0.7, 0.4, 1.6])
def test_piecewise_each_branch(x):
    s2sad.check_grads(cc.piecewise, (x,), modes=BOTH)
    want = 2 * x if x < 0 else (math.cos(x) if x < 1 else 2.0)
    assert s2sad.grad(cc.piecewise)(x) == pytest.approx(want)
    assert s2sad.jvp(cc.piecewise, (x,), (1.0,))[1] == pytest.approx(want)


@pytest.mark.parametrize("fn,args", [
    (cc.sine_loop, (0.3,)),
    (cc.bounded_loop, (0.9, 5)),
    (cc.babylonian, (2.0,)),
    (cc.nested_break, (0.4,)),
    (cc.while_continue, (0.2,)),
    (cc.augmented, (0.7, 1.3)),
    (cc.fibonacci_like, (0.3, 0.8)),
    (cc.calls_helper_twice, (0.4, 1.1)),
    (cc.early_return, (1.5,)),
    (cc.early_return, (0.5,)),
    (cc.conditional_expression, (0.8,)),
    (cc.conditional_expression, (-0.8,)),
    (cc.builtins_and_math, (0.7, 1.9)),
    (cc.subscript_stores, (0.6,)),
    (cc.list_sum, (0.9,)),
    (cc.list_stack, (0.9,)),
    (cc.len_bound, (np.array([0.3, -1.2, 0.8, 2.0]),)),
    (cc.uses_global_and_default, (0.7,)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_both_modes_against_central_differences(fn, args):
    s2sad.check_grads(fn, args, modes=BOTH)


def test_babylonian_is_sqrt_derivative():
    assert s2sad.grad(cc.babylonian)(2.0) == pytest.approx(0.5 / math.sqrt(2.0), rel=1e-9)


def test_loop_bound_from_int_argument_is_not_differentiated():
    g = s2sad.grad(cc.bounded_loop, wrt=(0, 1))
    dx, dn = g(0.9, 5)
    assert dx == pytest.approx(central_difference(lambda x: cc.bounded_loop(x, 5), (0.9,), 0))
    assert dn == 0.0
    text = s2sad.source(cc.bounded_loop, wrt=0, args=(0.9, 5))
    assert "n_bar" not in text and "i_bar" not in text


def test_fibonacci_tuple_swap_two_active_arguments():
    da, db = s2sad.grad(cc.fibonacci_like, wrt=(0, 1))(0.3, 0.8)
    assert da == pytest.approx(central_difference(cc.fibonacci_like, (0.3, 0.8), 0), rel=1e-7)
    assert db == pytest.approx(central_difference(cc.fibonacci_like, (0.3, 0.8), 1), rel=1e-7)


def test_helper_gets_its_own_generated_functions():
    text = s2sad.source(cc.calls_helper_twice, wrt=(0, 1), args=(0.4, 1.1))
    assert "helper_vjp(" in text and "t1 = helper(x, y)" in text
    assert "np.exp" not in text  # not inlined
    text_fwd = s2sad.source(cc.calls_helper_twice, "forward", wrt=(0, 1), args=(0.4, 1.1))
    assert "helper_jvp(" in text_fwd


def test_rows_zip_enumerate(rng):
    W = rng.standard_normal((4, 3))
    s2sad.check_grads(cc.row_loop, (W,), modes=BOTH)
    xs, ws = rng.standard_normal(5), rng.standard_normal(5)
    s2sad.check_grads(cc.zip_enumerate, (xs, ws), modes=BOTH)


def test_closure_and_keyword_defaults():
    f = cc.make_closure(2.5)
    assert s2sad.grad(f)(0.3) == pytest.approx(2.5 * math.cos(0.3))
    assert s2sad.grad(cc.uses_global_and_default)(0.7) == pytest.approx(3.0 * 2 * 1.2)


def test_rnn_against_autograd(rng):
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")

    def ag_rnn(h0, W, x):
        h = h0
        for t in range(7):
            h = anp.tanh(anp.dot(W, h) + x[t])
        return anp.sum(h ** 2)

    h0 = rng.standard_normal(4)
    W = rng.standard_normal((4, 4)) * 0.5
    x = rng.standard_normal((7, 4))
    dh0, dW = s2sad.grad(cc.rnn, wrt=("h0", "W"))(h0, W, x)
    ah0, aW = autograd.grad(ag_rnn, argnum=(0, 1))(h0, W, x)
    np.testing.assert_allclose(dh0, ah0, rtol=1e-10)
    np.testing.assert_allclose(dW, aW, rtol=1e-10)
    s2sad.check_grads(cc.rnn, (h0, W, x), modes=BOTH)


def test_stack_records_only_what_the_adjoint_reads():
    text = s2sad.source(cc.sine_loop, args=(0.3,))
    # x is read by the adjoint of sin and *, and t1 by the adjoint of *: both are saved, t2 is not.
    assert "stack.append(x)" in text and "stack.append(t1)" in text
    assert "stack.append(t2)" not in text and "stack.append(i)" not in text
    text = s2sad.source(cc.list_sum, args=(0.9,))
    assert "stack.append(ys" not in text  # the appends are undone by the adjoint itself: the list is never copied


def test_in_place_update_of_an_input_is_refused():
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="in-place update of 'x'"):
        s2sad.grad(mutates_input)(np.ones(3))


def mutates_input(x):
    x[0] = 2.0
    return np.sum(x)


def test_recursion_is_a_clear_error():
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="recursive"):
        s2sad.grad(recursive)(1.0)


def recursive(x):
    if x > 10:
        return x
    return recursive(x * 2)


def test_return_inside_loop_is_a_clear_error():
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="'return' inside a loop"):
        s2sad.grad(returns_in_loop)(1.0)


def returns_in_loop(x):
    for i in range(3):
        if x > 2:
            return x
        x = x * 2
    return x


def test_a_local_lambda_is_inlined():
    # Once refused; a local function since issue 22 (tests/test_constructs.py).
    import bad_constructs

    assert s2sad.grad(bad_constructs.with_lambda)(1.0) == 2.0


@pytest.mark.parametrize("fn", ["with_try", "with_with", "with_global", "with_del"])
def test_unsupported_constructs(fn):
    import bad_constructs

    with pytest.raises(s2sad.S2SADError) as info:
        s2sad.grad(getattr(bad_constructs, fn))(1.0)
    assert "bad_constructs.py, line" in str(info.value) and "^" in str(info.value)


def test_source_unavailable_call():
    with pytest.raises(s2sad.UnknownFunctionError, match="has no derivative rule"):
        s2sad.grad(calls_builtin_without_rule)(1.0)


def calls_builtin_without_rule(x):
    return math.gamma(x)


# -- golden text: readability of one loop and one branch is pinned ------------------------

LOOP_ADJOINT = '''\
def sine_loop_vjp(x, sine_loop_bar=1.0):
    """Reverse mode (adjoint) of sine_loop with respect to x."""
    # forward sweep
    stack = Stack()
    t1 = None
    for i in range(10):
        stack.append(t1)
        t1 = np.sin(x)
        t2 = t1 * x
        stack.append(x)
        x = t2 + 0.5
    sine_loop = x
    # backward sweep
    x_bar = sine_loop_bar
    for i in reversed(range(10)):
        t2_bar = x_bar
        x = stack.pop()
        t1_bar = t2_bar * x
        x_bar = t1 * t2_bar
        x_bar = x_bar + t1_bar * np.cos(x)
        t1 = stack.pop()
    return x_bar
'''

BRANCH_ADJOINT = '''\
def piecewise_vjp(x, y_bar=1.0):
    """Reverse mode (adjoint) of piecewise with respect to x."""
    # forward sweep
    t1 = x < 0
    if t1:
        y = x * x
    else:
        t2 = x < 1
        if t2:
            y = np.sin(x)
        else:
            t3 = 2 * x
            y = t3 - 1
    # backward sweep
    if t1:
        x_bar = y_bar * x + x * y_bar
    elif t2:
        x_bar = y_bar * np.cos(x)
    else:
        t3_bar = y_bar
        x_bar = 2 * t3_bar
    return x_bar
'''


def test_golden_loop_adjoint():
    assert s2sad.source(cc.sine_loop, args=(0.3,)).endswith(LOOP_ADJOINT)


def test_golden_branch_adjoint():
    assert s2sad.source(cc.piecewise, args=(0.3,)).endswith(BRANCH_ADJOINT)


# -- composition through loops ---------------------------------------------------------------


def test_hessian_through_a_loop_is_forward_over_reverse(rng):
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")

    def ag_rnn(h0, W, x):
        h = h0
        for t in range(7):
            h = anp.tanh(anp.dot(W, h) + x[t])
        return anp.sum(h ** 2)

    h0 = rng.standard_normal(3)
    W = rng.standard_normal((3, 3)) * 0.5
    x = rng.standard_normal((7, 3))
    H = s2sad.hessian(cc.rnn)(h0, W, x)
    np.testing.assert_allclose(H, autograd.hessian(ag_rnn)(h0, W, x), rtol=1e-9, atol=1e-12)
    assert s2sad.grad(s2sad.grad(cc.sine_loop))(0.3) == pytest.approx(
        central_difference(s2sad.grad(cc.sine_loop), (0.3,), 0), rel=1e-6)


def test_reverse_over_a_generated_loop_adjoint_is_a_clear_error():
    g = s2sad.grad(cc.sine_loop)
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="forward mode instead"):
        s2sad.vjp(g, 0.3)


def test_grad_of_a_function_calling_a_generated_gradient():
    assert s2sad.grad(calls_generated_gradient)(0.7) == pytest.approx(
        central_difference(calls_generated_gradient, (0.7,), 0), rel=1e-7)


inner_gradient = s2sad.grad(cc.piecewise)


def calls_generated_gradient(x):
    return inner_gradient(x) * x + np.sin(x)


@pytest.mark.parametrize("fn,args", [
    (cc.slice_store, (0.7,)),
    (cc.overwrite_read_element, (0.6,)),
    (cc.keyword_call, (0.3, 0.9)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_stores_and_keyword_calls(fn, args):
    s2sad.check_grads(fn, args, modes=BOTH)


def test_overwritten_element_is_restored_for_the_adjoint():
    text = s2sad.source(cc.overwrite_read_element, args=(0.6,))
    assert "stack.append(y.copy())" in text and "y = stack.pop()" in text


AUTOGRAD_CASES = ["piecewise", "sine_loop", "babylonian", "nested_break", "while_continue", "augmented",
                  "fibonacci_like", "calls_helper_twice", "early_return", "conditional_expression",
                  "list_sum", "row_loop", "rnn", "len_bound"]


@pytest.fixture(scope="module")
def autograd_cases():
    """control_cases.py executed with autograd.numpy as np: the same source, another oracle."""
    anp = pytest.importorskip("autograd.numpy")
    namespace = {"__name__": "control_cases_autograd"}
    with open(cc.__file__) as f:
        code = compile(f.read(), cc.__file__, "exec")
    exec(code, namespace)
    namespace["np"] = anp
    return namespace


@pytest.mark.parametrize("name", AUTOGRAD_CASES)
def test_against_autograd_on_the_same_source(name, autograd_cases, rng):
    import autograd

    args = {
        "piecewise": (0.4,), "sine_loop": (0.3,), "babylonian": (2.0,), "nested_break": (0.4,),
        "while_continue": (0.2,), "augmented": (0.7, 1.3), "fibonacci_like": (0.3, 0.8),
        "calls_helper_twice": (0.4, 1.1), "early_return": (1.5,), "conditional_expression": (0.8,),
        "list_sum": (0.9,), "row_loop": (rng.standard_normal((4, 3)),),
        "rnn": (rng.standard_normal(4), rng.standard_normal((4, 4)) * 0.5, rng.standard_normal((7, 4))),
        "len_bound": (np.array([0.3, -1.2, 0.8, 2.0]),),
    }[name]
    ours = s2sad.grad(getattr(cc, name))(*args)
    theirs = autograd.grad(autograd_cases[name])(*args)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)
    _, tangent = s2sad.jvp(getattr(cc, name), args, tuple(np.ones_like(a, dtype=float) if i == 0 else np.zeros_like(a, dtype=float) for i, a in enumerate(args)))
    np.testing.assert_allclose(tangent, np.sum(theirs), rtol=1e-9, atol=1e-12)


def test_helper_returning_a_tuple_both_modes_and_second_order():
    s2sad.check_grads(cc.calls_pair_helper, (0.4, 1.3), modes=BOTH, order=2)
    s2sad.check_grads(cc.pair_helper_not_unpacked, (0.4, 1.3), modes=BOTH)
    H = s2sad.hessian(cc.calls_pair_helper, wrt=(0, 1))(0.4, 1.3)
    assert np.all(np.isfinite(np.array(H, dtype=float)))


def test_hessian_through_a_helper_is_not_zero():
    H = s2sad.hessian(cc.calls_helper_twice, wrt=(0, 1))(0.4, 1.1)
    g = s2sad.grad(cc.calls_helper_twice, wrt=(0, 1))
    eps = 1e-6
    col0 = (np.array(g(0.4 + eps, 1.1)) - np.array(g(0.4 - eps, 1.1))) / (2 * eps)
    np.testing.assert_allclose([H[0][0], H[1][0]], col0, rtol=1e-6)


def test_two_helpers_of_one_name_met_first_by_other_callers(tmp_path):
    # `a.h` and `b.h` were recorded (and their adjoints named `h_vjp`) for their own modules' callers;
    # a third caller using both spells them `h` and `h_2`, and so their adjoints `h_vjp` and `h_2_vjp`.
    from program_files import load_module

    a = load_module(tmp_path, "import numpy as np\n\ndef h(x):\n    return np.sin(x)\n\ndef use(x):\n    return np.sum(h(x))\n", "same_name_a")
    b = load_module(tmp_path, "import numpy as np\n\ndef h(x):\n    return x * x * x\n\ndef use(x):\n    return np.sum(h(x))\n", "same_name_b")
    both = load_module(tmp_path, "import numpy as np\n\ndef both(x):\n    return np.sum(a.h(x) + b.h(x))\n", "same_name_both")
    both.a, both.b = a, b
    both = both.both
    x = np.array([0.3, -1.2, 0.7])
    np.testing.assert_allclose(s2sad.grad(a.use)(x), np.cos(x))
    np.testing.assert_allclose(s2sad.grad(b.use)(x), 3 * x * x)
    np.testing.assert_allclose(s2sad.grad(both)(x), np.cos(x) + 3 * x * x)
    np.testing.assert_allclose(s2sad.hvp(both, (x,), x), (6 * x - np.sin(x)) * x)
    text = s2sad.source(both)
    assert "h_vjp(" in text and re.search(r"\bh_\d+_vjp\(", text)  # (`h_2`, or later registry names)


def self_copy_in_a_loop(x, n):
    for i in range(n):
        x = x  # noqa: PLW0127 -- the self-copy under test
        x = np.sin(x) * x
    return np.sum(x)


def test_a_self_copy_in_a_loop_is_neither_saved_nor_given_an_adjoint():
    # `x = x` leaves x as it was: no push before it, no pop after its adjoint, no `x_bar = x_bar`.
    x = np.linspace(-1.0, 1.0, 3)
    text = s2sad.source(self_copy_in_a_loop, args=(x, 3))
    assert text.count("stack.append(") == 1 and text.count("stack.pop()") == 1
    assert "x_bar = x_bar\n" not in text
    ag = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")

    def ref(x, n):
        for i in range(n):
            x = anp.sin(x) * x
        return anp.sum(x)
    np.testing.assert_allclose(s2sad.grad(self_copy_in_a_loop)(x, 3), ag.grad(ref)(x, 3), rtol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(self_copy_in_a_loop)(x, 3), ag.hessian(ref)(x, 3), rtol=1e-10, atol=1e-12)
