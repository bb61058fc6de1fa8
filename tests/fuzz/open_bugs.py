"""Open bugs in the compiler core, found by the fuzzer and the bad-input catalogue.

Not collected by the default run (the file name does not start with `test_`);
run them with `python -m pytest tests/fuzz/open_bugs.py`. Each test asserts the
correct behaviour, so each fails until its bug is fixed; then move it to
`test_regressions.py`. While a bug is open the fuzzer steers around the
pattern that triggers it (see `KNOWN_BUGS` in fuzz_gen.py; `S2SAD_FUZZ_KNOWN_BUGS=1`
draws those patterns anyway).
"""
from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import s2sad
from fuzz_oracles import check, load


def test_1_tuple_swap_inside_a_block_is_sequential():
    # lower.py `assign`: inside if/for/while names are re-bound in place, so `x, y = y, x` becomes
    # `x = y; y = x`. Silently wrong value and derivative.
    source = """\
def swap_in_if(x, y):
    if x > 0:
        x, y = y, x
    return x * 2.0 + y
"""
    f = load(source).swap_in_if
    value, grads = s2sad.value_and_grad(f, wrt=(0, 1))(0.5, 3.0)
    assert value == f(0.5, 3.0) == 6.5  # s2sad: 9.0
    assert grads == (1.0, 2.0)  # s2sad: (0.0, 3.0)


def test_1b_the_same_after_an_early_return():
    # Shrunk by Hypothesis: structure.py moves the code after `if c: return` into the else branch, so a
    # swap written at the top level is lowered inside a block too.
    source = """\
def after_return(x0, x1):
    if x1 > 10.0:
        return x1
    buf = x1 * 0.5
    x0, buf = (buf, x0)
    x0 = buf
    return x0
"""
    f = load(source).after_return
    assert f(0.3, 0.7) == 0.3
    assert s2sad.value_and_grad(f, wrt=(0, 1))(0.3, 0.7) == (0.3, (1.0, 0.0))  # s2sad: (0.35, (0.0, 0.5))


def test_2_a_return_nested_in_an_if_does_not_end_the_function():
    # structure.py `_block`: a return inside an elif (an if nested in an else) is turned into an
    # assignment and the code after the outer if still runs. Silently wrong value and derivative.
    source = """\
def early(x):
    if x > 0.0:
        v = 1.0
    elif x < 0.0:
        return 0.5
    return x
"""
    f = load(source).early
    assert f(-0.5) == 0.5
    assert s2sad.value_and_grad(f)(-0.5) == (0.5, 0.0)  # s2sad: (-0.5, 1.0)
    assert s2sad.jvp(f, (-0.5,), (1.0,)) == (0.5, 0.0)


def test_3_the_same_bug_as_an_unbound_local():
    # Shrunk by Hypothesis; the same structure bug makes the adjoint push `f` before it exists.
    source = """\
import numpy as np

def f(x0):
    if x0 > 5.0:
        v0 = 0.5
    elif x0 < 0.0:
        if x0 > 5.0:
            return x0
    if x0 < 0.0:
        return np.exp(x0)
    return 0.5
"""
    check(source, (0.27,))  # UnboundLocalError: cannot access local variable 'f'


def test_4_value_and_grad_returns_a_variable_the_backward_sweep_restored():
    # reverse.py (value_and_grad variant): `return v1` where the loop pushed v1 on the stack; the
    # backward sweep pops it back, and the value returned is the value before the loop.
    source = """\
import numpy as np

def f(x0):
    v1 = 0.5 + np.sum(x0)
    k0 = 0
    while v1 < 1.0 and k0 < 1:
        k0 += 1
        v1 = v1 + (v1 ** 2 + 0.5)
    return v1
"""
    x = np.array([0.27392337, -0.46042657, -0.91805295])
    f = load(source).f
    value, _ = s2sad.value_and_grad(f)(x)
    assert value == pytest.approx(f(x))  # s2sad: -0.6046, f: 0.2609


def test_5_augmented_assignment_to_a_shared_array():
    # lower.py `_AugAssign`: `x += e` is lowered as `x = x + e`, but on an ndarray Python updates it in
    # place, so every other name for the array (and the caller's array) changes too. s2sad should refuse
    # it like `x[i] = e` ("in-place update of an input"), or honour the aliasing. Silently wrong.
    source = """\
import numpy as np

def alias_aug(x):
    z = x * 2.0
    y = z
    z += 1.0
    return np.sum(y * z)

def aug_param(x):
    x += 1.0
    return np.sum(x * x)
"""
    m = load(source)
    x = np.array([0.3, -0.4, 0.5])
    with pytest.raises(s2sad.S2SADError):
        s2sad.value_and_grad(m.alias_aug)(x.copy())  # s2sad: value 2.8, Python: 6.6
    with pytest.raises(s2sad.UnsupportedSyntaxError):
        s2sad.grad(m.aug_param)(x.copy())  # accepted; the caller's x is changed by f itself


def test_6_stores_through_views_s2sad_does_not_know():
    # lower.py `_VIEWS` lacks np.flip/fliplr/flipud/rot90/asarray (and x.view(), np.real...): a store into
    # their result changes the caller's array, which s2sad promises to refuse.
    source = """\
import numpy as np

def flips(x):
    w = np.flip(x)
    w[0] = 0.0
    return np.sum(w * x)

def asarrays(x):
    w = np.asarray(x)
    w[0] = 0.0
    return np.sum(w * x)
"""
    m = load(source)
    for f in (m.flips, m.asarrays):
        with pytest.raises(s2sad.UnsupportedSyntaxError, match="in-place update"):
            s2sad.grad(f)(np.array([1.0, 2.0, 3.0]))


def test_7_ownership_survives_a_tuple_assignment_in_a_loop():
    # lower.py: tuple assignments skip `_track_owned`, and in a loop the name keeps its old status, so
    # after `a, y = y, a` the caller's array y is accepted as the function's own and stored into.
    source = """\
import numpy as np

def swap_then_store(x, y):
    a = np.zeros(3)
    for i in range(1):
        a, y = y, 1.0 * a
    a[0] = 5.0
    return np.sum(a * x)
"""
    f = load(source).swap_then_store
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="in-place update"):
        s2sad.grad(f)(np.ones(3), np.ones(3))


def test_8_ownership_lost_after_v_equals_f_of_v_in_a_block():
    # lower.py `assign`: in a block, `v = f(v)` is computed into a temporary and `v = t` discards v from
    # `owned`, in lowering order across branches; a later `v[i] = e` is then refused with a wrong message
    # ("would change an array the caller passed in"). Shrunk by Hypothesis.
    source = """\
import numpy as np

def f(x0):
    x0 = 0.5 * np.ones((3,))
    for i2 in range(1):
        if i2 < 0.0:
            x0 += 0.5
        else:
            x0[0] = 0.5
    return 0.5
"""
    check(source, (np.array([0.27, -0.46, -0.92]),))  # UnsupportedSyntaxError


def test_9_zero_adjoint_of_a_rebound_parameter_has_the_new_shape():
    # reverse.py: an inactive parameter's adjoint is `np.zeros_like(x0)` of x0's *last* value; after
    # `x0 = 1.0` the generated and exported code return a scalar for a (2, 1) parameter, and grad fails in
    # fix_grad ("only 0-dimensional arrays can be converted") when it was re-bound to another array shape.
    source = """\
import numpy as np

def k(x0):
    if x0[0, 0] < 5.0:
        x0 = 1.0
    return 2.0

def r(x0):
    v3 = 0.5 * np.ones((3,))
    if np.sum(x0) < 100.0:
        x0, v3 = (v3, 1.0 * x0)
    return 0.5
"""
    m = load(source)
    x = np.array([[0.1], [0.2]])
    compiled = s2sad.grad(m.k)._s2sad_target((x,))
    assert np.shape(compiled(x)) == (2, 1)  # s2sad: ()
    np.testing.assert_array_equal(s2sad.grad(m.r)(np.ones((3, 2))), np.zeros((3, 2)))  # s2sad: ValueError


def test_10_forward_mode_of_an_inactive_tuple_from_several_returns():
    # forward.py: the tangent of an output with no active part is `np.zeros_like(f)`, and f is a tuple.
    source = """\
import numpy as np

def f(x):
    if x > 10.0:
        return 0.3, np.ones((2, 2))
    return -1.5, 0.5 * np.ones((2, 2))
"""
    f = load(source).f
    out, tangent = s2sad.jvp(f, (0.5,), (1.0,))  # ValueError: inhomogeneous shape
    assert tangent[0] == 0.0 and np.all(tangent[1] == 0.0)


def test_11_export_forgets_numpy_for_a_copied_helper():
    # export.py: the helper's source is copied in and uses np (or math), but the derivative code itself
    # does not, so `import numpy as np` (`import math`) is left out and the module fails with NameError.
    # Shrunk by Hypothesis, both the np and the math case.
    source = """\
import numpy as np

def h0(a):
    return a * np.ones((3,))

def f(x0):
    v0 = h0(x0)
    return x0
"""
    f = load(source).f
    text = str(s2sad.export(f, wrt=("x0",), modes=("reverse",), args=(0.27,)))
    namespace: dict = {}
    exec(compile(text, "<export>", "exec"), namespace)  # noqa: S102
    assert namespace["f_vjp"](0.27) == 1.0  # NameError: name 'np' is not defined


def test_12_two_helpers_with_one_name_share_derivatives():
    # calls.py `_derived`: the derivative primitive is named after the helper's *spelling* ("h0_vjp"), and
    # registry._add overwrites PRIMS by name, so a second module's h0 replaces the first's derivative.
    # The next specialisation of the first caller calls the wrong helper's adjoint. Silently wrong.
    one = load("def h0(a):\n    return a * a\n\ndef f(x):\n    return h0(x) * 2.0\n")
    two = load("def h0(a):\n    return a * a * a\n\ndef f(x):\n    return h0(x) * 2.0\n")
    assert s2sad.grad(one.f)(3.0) == 12.0
    assert s2sad.grad(two.f)(3.0) == 54.0
    (adj,) = s2sad.vjp(one.f, np.array([3.0]))[1](np.array([1.0]))
    assert adj[0] == 12.0  # s2sad: 54.0
    assert s2sad.jvp(one.f, (3.0,), (1.0,))[1] == 12.0  # s2sad: 12.0 with value 18.0 (h0 of module two)


def test_13_helpers_and_their_modules_are_never_freed():
    # calls.py `user_primitive`: every helper becomes a Primitive in registry.PRIMS and _BY_OBJECT, strongly,
    # with its module's globals -- so the caller and its cache entries live forever; and names grow
    # h0, h0_, h0__... (a quadratic search per new helper of a common name).
    m = load("import numpy as np\n\ndef helper(u):\n    return np.sin(u)\n\ndef caller(x):\n    return helper(x) * x\n")
    s2sad.grad(m.caller)(0.3)
    ref = weakref.ref(m.caller)
    del m
    gc.collect()
    assert ref() is None


def test_14_rules_for_a_helper_after_a_failed_attempt_are_ignored():
    # calls.py: the first attempt registers the exec'd helper as a user-call primitive; s2sad.primitive
    # and defvjp then find that record (user_fn still set) and the next attempt reads the source again.
    namespace: dict = {}
    exec("def helper(x):\n    return x * x\n", namespace)  # noqa: S102
    m = load("def f(x):\n    return helper(x) + x\n")
    m.helper = namespace["helper"]
    with pytest.raises(s2sad.SourceUnavailableError):
        s2sad.grad(m.f)(1.5)
    s2sad.primitive(namespace["helper"])
    s2sad.defvjp(namespace["helper"], lambda g, ans, x: g * 2 * x)
    s2sad.defjvp(namespace["helper"], lambda t, ans, x: t * 2 * x)
    assert s2sad.grad(m.f)(1.5) == pytest.approx(4.0)  # SourceUnavailableError again


def test_15_a_function_without_return_gets_a_misleading_message():
    # structure.py appends `return <name>` before lower_function's check, so the message is
    # "'f' is used as a value; only calls to it are supported", pointing at the last statement.
    m = load("def f(x):\n    y = x * 2\n")
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="no return statement"):
        s2sad.grad(m.f)(1.0)


def test_16_a_loop_over_an_array_the_body_rebinds():
    # lower.py `_For`: `for r in x` becomes an index loop reading `x[i]` each iteration, but Python
    # iterates over the object x named when the loop began; re-binding x in the body changes what s2sad
    # reads. Silently wrong derivative (and value_and_grad's value, see test 4). Found by the fuzzer.
    source = """\
import numpy as np

def f(x):
    acc = 0.0
    for r in x:
        x = x * 2.0
        acc = acc + r
    return acc
"""
    f = load(source).f
    x = np.array([1.0, 2.0, 3.0])
    value, grad = s2sad.value_and_grad(f)(x)
    assert value == f(x) == 6.0  # s2sad: 0.0
    np.testing.assert_array_equal(grad, [1.0, 1.0, 1.0])  # s2sad: [1, 2, 4]
