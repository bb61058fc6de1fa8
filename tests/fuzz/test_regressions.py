"""Counterexamples the fuzzer found, minimised, kept as ordinary tests.

Each test is the minimal program (as Hypothesis shrank it, or as reduced by
hand from a fuzzer failure) with the inputs it failed at, run through every
oracle of `fuzz_oracles.check`, plus the specific symptom.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from fuzz_oracles import check, load


def test_grad_of_a_tuple_output_is_a_shape_error():
    # Found by the CI profile (shrunk): grad called the value_and_grad adjoint without its two seeds,
    # a TypeError from generated code.
    source = "import math\nimport numpy as np\n\ndef f(x0):\n    return (0.5, 0.5 * np.ones((3,)))\n"
    check(source, (0.27,))
    f = load(source).f
    with pytest.raises(s2sad.ShapeError, match="returned a tuple"):
        s2sad.grad(f)(0.27)


def test_tuples_from_several_returns():
    # Found by the fuzzer: a tuple returned by two return statements (scalar, array) made the
    # pullback's shape check call np.shape on a ragged tuple (ValueError), and grad crash in generated code.
    source = """\
import numpy as np

def f(x0):
    if np.sum(x0) > 100.0:
        return (-1.0, x0 * np.ones((3, 2)))
    return (0.5, np.cosh(x0 * np.ones((3, 2))))
"""
    args = (np.array([1.27, 1.93]),)
    check(source, args)
    f = load(source).f
    out, pullback = s2sad.vjp(f, *args)
    (adj,) = pullback((1.0, np.ones((3, 2))))
    np.testing.assert_allclose(adj, 3 * np.sinh(args[0]))
    with pytest.raises(s2sad.ShapeError, match="returned a tuple"):
        s2sad.grad(f)(*args)


def test_grad_of_an_array_output_whose_adjoint_needs_an_array_seed():
    # Found by the fuzzer: with the default seed 1.0 the backward sweep ran `g.T` on a float and failed
    # with an AttributeError before grad could say that the output is not a scalar.
    source = "import numpy as np\n\ndef f(v):\n    return np.tile(v, (3, 1)).T\n"
    args = (np.array([0.3, -0.2]),)
    check(source, args)
    f = load(source).f
    for g in (s2sad.grad, s2sad.value_and_grad):
        with pytest.raises(s2sad.ShapeError, match=r"returned shape \(2, 3\)"):
            g(f)(*args)


def test_primitive_targets_load_their_rules_first():
    # Found while cataloguing: grad(np.sum) built its one-line caller before the rule class was parsed,
    # so the caller had no parameters (WrtError), and passed keepdims where np.sum takes dtype.
    source = "import numpy as np\n\ndef f(x):\n    return np.sum(np.sin(x))\n"
    check(source, (np.array([0.1, 0.2]),))
    np.testing.assert_allclose(s2sad.grad(np.sum)(np.ones((2, 3))), np.ones((2, 3)))
    assert s2sad.grad(np.sin)(0.3) == pytest.approx(np.cos(0.3))


def test_a_deadlock_between_the_cache_and_helper_generation():
    # Found by tests/test_concurrency.py: grad (cache lock, then the helper lock) and source (helper lock,
    # then the cache lock) on functions calling helpers, in two threads. The cache now shares the lock.
    from s2sad.ad import calls
    from s2sad.driver import pipeline

    assert pipeline.CACHE.lock is calls.LOCK


def test_tuple_swap_inside_a_block_is_sequential():
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


def test_tuple_swap_after_an_early_return():
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


def test_a_return_nested_in_an_if_does_not_end_the_function():
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


def test_a_return_nested_in_an_elif_unbound_local():
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


WHILE_RE_BINDING_ITS_TEST = """\
import numpy as np

def f(x0):
    v1 = 0.5 + np.sum(x0)
    k0 = 0
    while v1 < 1.0 and k0 < 1:
        k0 += 1
        v1 = v1 + (v1 ** 2 + 0.5)
    return v1
"""


def test_value_and_grad_returns_a_variable_the_backward_sweep_restored():
    # reverse.py (value_and_grad variant): `return v1` where the loop pushed v1 on the stack; the
    # backward sweep pops it back, and the value returned is the value before the loop.
    source = WHILE_RE_BINDING_ITS_TEST
    x = np.array([0.27392337, -0.46042657, -0.91805295])
    f = load(source).f
    value, _ = s2sad.value_and_grad(f)(x)
    assert value == pytest.approx(f(x))  # s2sad: -0.6046, f: 0.2609


def test_augmented_assignment_to_a_shared_array():
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


def test_stores_through_flips_and_asarray_are_refused():
    # the list of views once lacked np.flip/fliplr/flipud/rot90/asarray (and x.view(), np.real...): a store into
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


def test_ownership_survives_a_tuple_assignment_in_a_loop():
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


def test_ownership_kept_after_v_equals_f_of_v_in_a_block():
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


def test_zero_adjoint_of_a_rebound_parameter_has_the_new_shape():
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


def test_a_function_without_return_says_so():
    # structure.py appends `return <name>` before lower_function's check, so the message is
    # "'f' is used as a value; only calls to it are supported", pointing at the last statement.
    m = load("def f(x):\n    y = x * 2\n")
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="no return statement"):
        s2sad.grad(m.f)(1.0)


def test_a_loop_over_an_array_the_body_rebinds():
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


def test_a_range_loop_index_is_never_active():
    # Found by the fuzzer: with an int parameter n in wrt, `for i in range(n)` made i active and the
    # backward sweep started `i_bar = np.zeros_like(i)` before the loop, where i is unbound.
    source = """\
import numpy as np

def f(x0, n):
    v4 = np.ones(2)
    for i5 in range(n):
        v4[1] *= i5
    return np.sum(v4 * x0)
"""
    for n in (0, 3):
        check(source, (np.array([0.25, 0.42]), n))


def test_a_parameter_swapped_away_in_a_branch_gets_a_zero_of_its_own_shape():
    # Found by the fuzzer: x0 is re-bound in both branches to a (3,) array; the parameter's adjoint
    # is zero, shaped like the (2,) argument, not like x0's last value.
    source = """\
import numpy as np

def f(x0):
    v6 = 0.5 * np.ones((3,))
    if 0.5 < 0.0:
        x0, v6 = (v6, x0)
    else:
        x0, v6 = (v6, x0)
    return 0.5 + np.sum(x0)
"""
    check(source, (np.array([0.27, -0.46]),))
    np.testing.assert_array_equal(s2sad.grad(load(source).f)(np.ones(2)), np.zeros(2))


def test_augmented_assignments_that_do_not_alias_are_accepted():
    # Found by the fuzzer after the aliasing check landed: each of these is plain Python semantics,
    # s2sad must not refuse them: `+=` in a loop before a later alias, on an element of a vector,
    # and on a scalar parameter (directly and inside a helper).
    source = """\
import numpy as np

def later_alias(x0):
    v0 = x0 * np.ones((3,))
    for i in range(2):
        v0 += x0
    v3 = 2.0 * x0
    v0, v3 = (v3, v0)
    return np.sum(v3) + v0

def element(a):
    u0 = a[0]
    u0 += u0
    u1 = (a * np.ones((2, 3)))[0, 1]
    u1 *= u1
    return u0 + u1

def step(x):
    x += 0.1 * np.sin(x)
    return x

def twice(x):
    return step(step(x)) * x
"""
    m = load(source)
    check(source, (1.45,), name="later_alias")
    check(source, (np.array([0.3, 0.4, 0.5]),), name="element")
    check(source, (0.3,), name="twice")
    assert s2sad.grad(m.twice)(0.3) == pytest.approx(autograd_twice_grad(0.3))


def autograd_twice_grad(x: float) -> float:
    import autograd
    import autograd.numpy as anp

    def step(x):
        return x + 0.1 * anp.sin(x)

    return autograd.grad(lambda x: step(step(x)) * x)(x)


def test_augmented_assignment_to_an_array_argument_in_a_helper_is_refused():
    # A helper's `a += e` changes the caller's array when `a` is one; checked at the call site with
    # the caller's argument kinds, so the scalar call is fine and the array call is refused.
    source = """\
import numpy as np

def h(a):
    a += a
    return a * np.ones((3,))

def f(x0):
    return np.sum(h(x0))

def g(x0):
    y = h(x0)
    return np.sum(y * x0)
"""
    m = load(source)
    assert s2sad.grad(m.f)(0.3) == pytest.approx(6.0)
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="augmented assignment to 'a'") as info:
        s2sad.grad(m.g)(np.ones(3))
    assert info.value.lineno == 4


def test_an_alias_made_in_a_loop_after_the_update_is_refused():
    # `v += e` runs again on the next iteration, after `w = v` made w another name for the array.
    source = """\
import numpy as np

def f(x):
    v = x * 2.0
    w = x
    for i in range(2):
        v += x
        w = v
    return np.sum(w * x)
"""
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="augmented assignment to 'v'"):
        s2sad.grad(load(source).f)(np.ones(3))
    assert s2sad.grad(load(source).f)(1.5) == pytest.approx(4 * 1.5 * 2 + 0 * 1.0)


def test_an_alias_made_in_one_branch_does_not_guard_the_other():
    # Found by the long profile: the swap in the elif made buf0 another name for x0, and the `+=` in the
    # else branch (which never sees that alias) was refused.
    source = """\
import numpy as np

def f(x0):
    buf0 = np.zeros((3,))
    buf0[0] = 0.5
    if 0.5 < 0.0:
        v1 = 0.5
    elif 0.5 < 0.0:
        x0, buf0 = (buf0, x0)
    else:
        buf0 += 0.5
    return 0.5 + np.sum(x0) + np.sum(buf0)
"""
    check(source, (np.array([0.27, -0.46, -0.92]),))


@pytest.mark.parametrize("test, args", [
    ("0.5 > 0.0", (np.array([0.27, -0.46, -0.92]), np.array([-0.97, 0.63]))),
    ("x0 > 0.0", (0.27, np.array([-0.46, -0.92]))),
    ("x0 < 0.0", (0.27, np.array([-0.46, -0.92]))),
])
def test_a_zero_adjoint_in_a_branch_takes_the_shape_from_the_branch_entry(test, args):
    # Found by the long profile (three shrunk variants): the branch that gives x1 no adjoint wrote
    # `x1_bar = np.zeros_like(x1)` where x1 still held the number swapped into it, not the array it
    # held on entry -- a crash in unbroadcast, a float() of an array, or a wrong-shaped adjoint.
    source = f"""\
import numpy as np

def f(x0, x1):
    if {test}:
        x0, x1 = (x1, x0)
        x0 = {'0.5' if test == '0.5 > 0.0' else 'x1'} * np.ones((2,))
    else:
        x0, x1 = (x1, x0)
    return x0
"""
    check(source, args)
    _, pullback = s2sad.vjp(load(source).f, *args)
    assert [np.shape(a) for a in pullback(np.ones(2))] == [np.shape(a) for a in args]


def test_a_zero_adjoint_after_a_later_rebinding_takes_the_shape_from_the_branch():
    # The same zero, with x1 re-bound to a number after the if (reduced by hand from the above).
    source = """\
import numpy as np

def f(x0, x1):
    if x0 > 0.0:
        y = x1 * 2.0
    else:
        y = x0 * np.ones(2)
    x1 = x0
    return y + x1
"""
    check(source, (0.3, np.array([-0.46, -0.92])))
    check(source, (-0.3, np.array([-0.46, -0.92])))


def test_std_of_equal_values_is_a_singular_point_not_a_failure():
    # Found by the long profile: np.std(x0 * np.ones((2, 3)), axis=-1) is identically zero, but the chain
    # rule goes through sqrt at 0; s2sad and autograd give the same finite number, central differences 0.
    # The oracle now rejects such a point rather than report it.
    from fuzz_oracles import Rejected

    source = "import numpy as np\n\ndef f(x0):\n    return np.std(x0 * np.ones((2, 3)), axis=-1)\n"
    with pytest.raises(Rejected, match="singular point"):
        check(source, (0.7848043237874107,), autograd=True, seed=4155)


def test_an_update_through_np_real_of_an_argument_is_refused():
    # Found by the long profile: `a = np.real(a); a **= 2` in a helper. For a real array np.real returns
    # the array itself, so the update changes the caller's argument; s2sad's guard refuses it at that line
    # (the generator now tracks np.real as sharing its argument, like a view).
    source = """\
import numpy as np

def h1(a):
    a = np.real(a)
    a **= 2
    return 0.5 * np.ones((2,))

def f(x0):
    return h1(x0 * np.ones((3,)))
"""
    f = load(source).f
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="augmented assignment to 'a'") as info:
        s2sad.vjp(f, 0.27)[1](np.ones(2))
    assert info.value.lineno == 5


def test_cumprod_through_zeros():
    # Found by the long profile: np.ptp of equal values is 0, and the adjoint of np.cumprod divided by x:
    # NaN where the derivative is 0. cumprod's adjoint and tangent now run the products without division.
    source = """\
import numpy as np

def f(x0):
    return np.inner(np.cumprod(np.ptp(x0 * np.ones((2, 3)), axis=0), axis=-1), x0 * np.ones((3,)))
"""
    check(source, (0.2739233746429086,))


def test_arctan2_at_the_origin_is_not_drawn():
    # Found by the long profile: np.arctan2(k0 * np.ones((1, 3)), -(k0 * np.ones((2, 3)))[0]) with a counter
    # k0 that stayed 0 is arctan2 at (0, -0), where it has no derivative; forward mode gave NaN (0 * NaN),
    # as autograd and JAX do. Not an s2sad bug: the generator now draws arctan2's and hypot's second
    # argument from positive values.
    from fuzz_menu import menu

    fns = {f.call: f for f in menu().binary}
    assert fns["np.arctan2"].domains[1] == "positive" and fns["np.hypot"].domains[1] == "positive"
    source = "import numpy as np\n\ndef f(x0):\n    return np.sum(np.arctan2(x0 * 0.0, x0 * 0.0))\n"
    with np.errstate(invalid="ignore"):
        g = s2sad.grad(load(source).f)(np.ones(3))
    assert np.all(np.isnan(g))  # IEEE's answer at a singular point, not an exception


def test_a_self_assignment_makes_no_alias():
    # Found by the long profile: `v0 = v0` marked v0 as shared with another name, so `v0 += v0` on the
    # 0-d array np.tensordot returns got the runtime guard, which refused it.
    source = """\
import numpy as np

def f(x0):
    v0 = np.tensordot(x0 * np.ones((2, 3)), x0 * np.ones((2, 3)) + 0.5, axes=2)
    v0 = v0
    v0 += v0
    return v0
"""
    check(source, (np.array([1.45544253, 0.90468007, 0.56146029]),), autograd=True)
    assert "unshared" not in s2sad.source(load(source).f, args=(np.ones(3),))


def test_an_augmented_store_into_a_row_reads_the_row_before_the_store():
    # Found by the long profile: `v0[0] *= x0` lowers to `t2 = v0[0]; t3 = t2 * x0; v0[0] = t3`; t2 is a
    # view, so the store changed it, and the adjoint of `t2 * x0` read the new row: 0.343 for 0.54.
    # Silently wrong. The view is now taken as a copy in the adjoint's forward sweep.
    source = """\
import numpy as np

def f(x0):
    v0 = x0 * np.ones((2, 2))
    v0[0] *= x0
    return (v0[0, 1], x0 * np.ones((3,)))
"""
    check(source, (0.2739233746429086,))
    f = load(source).f
    _, pullback = s2sad.vjp(f, 0.27)
    assert pullback((1.0, np.zeros(3)))[0] == pytest.approx(2 * 0.27)


def test_an_update_of_a_shared_zero_d_array_is_refused():
    # Found by the long profile: np.tensordot(a, b, axes=2) is a 0-d array, not a number, so after
    # `v1 = v0` the update `v0 += v0` changes v1 too in Python; s2sad's guard refuses it (correctly: the
    # generator now wraps full contractions in float()).
    source = """\
import numpy as np

def f(x0):
    v0 = np.tensordot(x0 * np.ones((2, 3)), x0 * np.ones((2, 3)), axes=2)
    v1 = v0
    v0 += v0
    return v0
"""
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="augmented assignment to 'v0'"):
        s2sad.grad(load(source).f)(np.array([0.27, -0.46, -0.92]))


def test_std_of_equal_rows_is_a_singular_point_autograd_misses_too():
    # Found by the long profile (seed 777): np.std of rows of equal values is 0 whatever x1 is, but the
    # chain rule divides rounding noise by rounding noise; autograd's answer misses central differences
    # as well (differently), so the oracle rejects the point instead of reporting it.
    from fuzz_oracles import Rejected

    source = """\
import numpy as np

def f(x0, x1, x2):
    v2 = np.std((x1 * np.ones((3, 2))).T, axis=-1) + 0.5
    x2, v2 = (v2, x2)
    return 0.5 + np.sum(x2)
"""
    args = (np.array([[1.45544253, 0.90468007], [0.56146029, 0.52479145]]), np.array([1.71990536, 1.86913337]),
            np.array([[0.21327155, 0.45899312, 0.08724998], [0.87014485, 0.63170711, -0.994523]]))
    with pytest.raises(Rejected, match="singular point"):
        check(source, args, autograd=True)


def test_the_generator_spreads_the_values_it_takes_the_std_of():
    # Found by the long profile (twice, once in a program autograd cannot run): np.std(x0 * np.ones((3,)))
    # is 0 for every x0, and the chain rule's 0/0 through sqrt is rounding noise (0.036 against central
    # differences' 0). The generator now adds 0.25 * np.arange(n) to what it takes the std of.
    from hypothesis import given, settings, HealthCheck
    from fuzz_gen import programs

    seen = []

    @settings(max_examples=300, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(programs())
    def collect(program):
        for line in program.source.splitlines():
            if "np.std(" in line or ".std(" in line:
                seen.append(line)

    collect()
    assert seen and all("np.arange(" in line for line in seen)


def test_a_comparison_times_the_seed_stays_a_number():
    # Found by the long profile (shrunk): -np.fmax(x0, x0). The seed -1.0 met fmax's `g * (x == ans)`,
    # and the simplifier wrote -1 * b as -b: `-(x0 == t1)`, which NumPy refuses for booleans (TypeError).
    source = "import math\nimport numpy as np\n\ndef f(x0):\n    return -np.fmax(x0, x0)\n"
    check(source, (0.2739233746429086,), autograd=True)
    f = load(source).f
    assert s2sad.grad(f)(0.27) == -1.0
    text = s2sad.source(f, "grad", args=(0.27,))
    assert "-1.0 * (x0 == t1)" in text and "-(x0 == t1)" not in text
    g = s2sad.grad(_relu_sum)(np.array([-1.0, 2.0]))  # the seed times (x > 0): a float array, not booleans
    assert g.dtype == np.float64 and list(g) == [0.0, 1.0]


def _relu_sum(x):
    return np.sum(np.maximum(x, 0.0))


def test_grad_and_value_and_grad_agree_up_to_the_lean_passes_rounding():
    # Found by the long profile once its programs read one value twice in a product: the "grad"
    # variant collects and factors (x0 * (-2 * t1 + t2_bar * 2)), value_and_grad does not, and the two
    # gradients differed in the last bit. The oracle now compares them to rounding, not bit for bit.
    source = """\
import math
import numpy as np

def f(x0):
    v0 = x0
    x0 = -((x0 + x0) * x0 * x0)
    v1 = x0
    return x0
"""
    check(source, (0.023643249400513433,), autograd=True)
    f = load(source).f
    np.testing.assert_allclose(s2sad.grad(f)(0.0236), -6 * 0.0236 ** 2, rtol=1e-14)


def test_an_alias_made_in_both_arms_of_an_if_is_copied_before_a_store():
    # Found by the long profile (shrunk): `x1[:2] *= x1 if x0 < 0.0 else x1` lowers to `t2 = x1_1` in
    # each arm, then `x1_1[:2] = t3 * t2`. The store changed t2 under the backward sweep, which read
    # the new values: a wrong gradient. The arms' aliases are now taken as copies, as views are.
    source = """\
import math
import numpy as np

def f(x0, x1, x2):
    x1 = np.abs(x1)
    x1[:2] *= x1 if x0 < 0.0 else x1
    return x1
"""
    args = (1.4554425309821815, np.array([-0.46042657, -0.91805295]), 0.5247914532927936)
    check(source, args, autograd=True)
    f = load(source).f
    assert "t2 = x1_1.copy()" in s2sad.source(f, "reverse", wrt=(1,), args=args)
    _, pullback = s2sad.vjp(f, *args)
    np.testing.assert_allclose(pullback(np.ones(2))[1], 2 * args[1], rtol=1e-12)  # d|x|^2/dx


def test_a_name_the_iteration_re_binds_needs_no_sharing_guard():
    # Found by the long profile (shrunk): `v2 = x1 * np.ones(...); v2 += i1; v3 = v2` in a loop. The
    # guard before `v2 += i1` was kept because the loop's end shares v2 with v3 -- but every iteration
    # re-binds v2 to a fresh array before the `+=`, so what the last one shared is gone. Gradients raised.
    source = """\
import math
import numpy as np

def f(x0, x1):
    for i1 in range(1):
        v2 = x1 * np.ones((2, 3))
        v2 += i1
        v3 = v2
    return 0.5 + np.sum(x0)
"""
    args = (np.array([0.27392337, -0.46042657]), np.array([[-0.91805295, -0.96694473, 0.62654048]]))
    check(source, args, autograd=True)
    assert "unshared(" not in s2sad.source(load(source).f, "reverse", wrt=(0, 1), args=args)
    # Re-bound on one path only: the previous iteration's alias may still be there, so the guard stays.
    conditional = source.replace("        v2 = x1 * np.ones((2, 3))\n", "        if i1 > 5:\n            v2 = x1 * np.ones((2, 3))\n")
    conditional = conditional.replace("    for i1 in range(1):\n", "    v2 = x1 * np.ones((2, 3))\n    for i1 in range(1):\n")
    assert "unshared(" in s2sad.source(load(conditional).f, "reverse", wrt=(0, 1), args=args)


def test_views_made_in_one_arm_do_not_leak_into_the_other():
    # Found by the long profile (seed 780, shrunk by hand): after an early return the rest of the body is
    # lowered in each arm. The view relations of one arm (the swap `x0, buf3 = (buf3, x0)`) leaked into
    # the next, so `v0 = x0` counted as a view of buf3 and the store `buf3[0] = 0.5` refused a valid
    # program. Each arm of an if now starts from the views before it, and after it a name is a view
    # of whatever either arm left it viewing.
    source = """\
import numpy as np

def f(x0, c):
    v0 = 0.5 * np.ones((3,))
    buf3 = np.zeros((2, 3))
    if c > 5:
        if c > 10:
            return np.sum(x0)
    else:
        v0 = x0
    if c > 1:
        buf3[0] = 0.5
    else:
        x0, buf3 = (buf3, x0)
    return np.sum(v0)
"""
    x = np.array([0.27392337, -0.46042657, -0.91805295])
    for c in (2.0, 7.0, 20.0):
        check(source, (x, c))
    f = load(source).f
    assert list(s2sad.grad(f)(x, 2.0)) == [1.0, 1.0, 1.0]
    # A view that one arm makes and the other arm's store changes is still refused where it is read.
    refused = source.replace("        v0 = x0\n", "        v0 = buf3[:1]\n")
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="is a view of 'buf3'"):
        s2sad.grad(load(refused).f)(x, 2.0)


def test_a_view_taken_in_a_loop_and_changed_by_a_store_after_it_is_copied():
    # Found by the long profile (seed 785): `t4 = v0[1]` (a row) in a while loop, `v0[1] = v2` after the
    # loop. The backward sweep read the last row view, which the store had changed: the gradient was
    # [4.27, 2.61, 1.57] against central differences' [2.24, -1.08, -3.15]. The view and the store were
    # in different blocks, which `views_to_copy` did not look across.
    source = """\
import math
import numpy as np

def f(x0, x1):
    v0 = x0 * np.ones((2, 3))
    v2 = 0.5 + np.sum(x0)
    k1 = 0
    while v2 < 1.0 and k1 < 1:
        k1 += 1
        v2 = v2 + ((v0[1] @ x0) ** 2 + 0.5)
    v3 = v2
    v0[1] = v2
    return v2
"""
    args = (np.array([0.27392337, -0.46042657, -0.91805295]), np.array([-0.96694473, 0.62654048, 0.82551115]))
    check(source, args)
    f = load(source).f
    assert "t4 = v0[1].copy()" in s2sad.source(f, "reverse", wrt=(0,), args=args)


def test_an_item_of_a_list_a_store_changes_is_copied_with_copy_copy():
    # Found while fixing the case above: the copy of a list's item was `ys[0].copy()`, an AttributeError
    # from generated code when the item is a float. A list's item is now taken with `copy.copy`.
    source = """\
import numpy as np

def f(x):
    ys = [x, 2.0 * x]
    v = ys[0]
    w = v * x
    ys[0] = 3.0
    return w + ys[1]
"""
    check(source, (0.7,), autograd=True)
    f = load(source).f
    assert s2sad.grad(f)(0.7) == pytest.approx(3.4)
    text = s2sad.source(f, "reverse", args=(0.7,))
    assert "import copy\n" in text and "v = copy.copy(ys[0])" in text


def test_a_swap_that_shares_an_array_refuses_its_augmented_update():
    # Found by the long profile (seed 785): `v0, buf1 = (buf1, v4)` makes buf1 another name for v4's
    # array, so `v4 += 0.5` would change buf1 too. s2sad refuses that, as the README says; the generator
    # had not marked v4 as shared after the swap (now it does).
    source = """\
import numpy as np

def f(x0, x1):
    buf1 = np.zeros((3,))
    v4 = x1 * 2.0
    if x0[0] < 10.0:
        v0, buf1 = (buf1, v4)
        v4 += 0.5
    return np.sum(x0) + np.sum(v4)
"""
    f = load(source).f
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="another name .* holds the same array"):
        s2sad.grad(f)(np.array([0.2, 0.3, 0.4]), np.array([1.0, 2.0, 3.0]))


def test_an_outer_iteration_that_re_binds_first_drops_an_inner_loops_guard():
    # Found by the long profile (seed 787): `buf1 += i0` in an inner loop, `buf1 = v4` (shared) at the end
    # of the outer loop, but `buf1 = np.zeros(...)` at the top of every outer iteration. The inner loop
    # handed its guard to the outer loop, which kept it because of the sharing at its end. A loop now
    # drops a guard when its enclosing iteration surely re-bound the name before the inner loop began.
    source = """\
import math
import numpy as np

def f(x0, n):
    for i0 in range(n):
        buf1 = np.zeros((2, 2))
        buf1[0] = i0
        ys2 = []
        for i3 in range(1):
            ys2.append(buf1 * 1.0)
            buf1 += i0
        v4 = sum(ys2)
        buf1 = v4
    v5 = 0.5
    return v5 + np.sum(x0 * buf1[0, :1])
"""
    check(source, (np.array([0.27392337, -0.46042657, -0.91805295]), 2))
    assert "unshared(" not in s2sad.source(load(source).f, "reverse", wrt=(0,), args=(np.ones(3), 2))


def test_det_of_a_numerically_singular_matrix_in_forward_mode():
    # Found by the long profile (seed 790): `(3.0 ** x) * ones` is rank one with entries near 3e18, so
    # adding 2I leaves it singular in floating point; det's tangent `ans * trace(solve(x, x_dot))` raised
    # LinAlgError (its adjoint, `ans * inv(x).T`, did too). Both now use the matrix of cofactors, which an
    # SVD gives where there is no inverse.
    source = """\
import numpy as np

def f(x0):
    k2 = 0
    while x0 < 1.0 and k2 < 1:
        k2 += 1
        x0 = x0 + (k2 ** 2 + 2.0)
    k3 = 0
    while k3 < 2:
        k3 += 1
        x0 = np.linalg.det((k2 ** 2 + 2.0) ** (x0 * np.ones((2, 2))) * 0.3 + 2.0 * np.eye(2))
    return x0
"""
    check(source, (0.2739233746429086,), autograd=True)


def test_a_loop_copied_into_several_arms_initialises_its_target_in_each():
    # Found by the long profile (seed 796, reduced by hand): the code after a nested early return is
    # copied into each arm, and each copy of `for y in ys` pushes y's previous value; only the first
    # copy was preceded by `y = None`, so the others raised UnboundLocalError from generated code.
    source = """\
import numpy as np

def f(x, ys):
    if x[0] > 10.0:
        if x[1] > 10.0:
            return np.sum(x)
    for y in ys:
        x = x * y
    return np.sum(x)
"""
    ys = np.array([0.5, 1.5])
    for x in (np.array([1.0, 2.0]), np.array([11.0, 2.0])):
        check(source, (x, ys))
        gx, gy = s2sad.grad(load(source).f, wrt=(0, 1))(x, ys)
        np.testing.assert_allclose(gx, np.full(2, 0.75))
        np.testing.assert_allclose(gy, np.sum(x) * ys[::-1])


def test_a_store_into_a_re_bound_name_leaves_the_old_arrays_views_alone():
    # Found by the long profile (seed 796): `v0 = x0`, then in one arm `x0 = x0 + 0.5; x0[0] = 0.5`.
    # The store changes the new array, not the one v0 names, but the view map still tied v0 to the name
    # x0, so reading v0 after the if was refused. Re-binding a name now unties the views of its old array.
    source = """\
import numpy as np

def f(x0):
    v0 = x0
    if 0.5 < 0.0:
        v1 = 0.5
    else:
        x0 = x0 + 0.5
        x0[0] = 0.5
    x0, v0 = (v0, x0)
    return 0.5 + np.sum(x0)
"""
    check(source, (np.array([0.27392337, -0.46042657, -0.91805295]),))
    straight = """\
import numpy as np

def f(x):
    y = x * 1.0
    v = y[:2]
    y = y + 1.0
    y[0] = 5.0
    return np.sum(v * y[:2])
"""
    x = np.array([0.27, -0.46, -0.91])
    check(straight, (x,))
    np.testing.assert_allclose(s2sad.grad(load(straight).f)(x), [5.0, 2 * x[1] + 1.0, 0.0])
    # the view of the array the store does change is still refused
    stale = straight.replace("    y = y + 1.0\n", "")
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="'v' is a view of 'y'"):
        s2sad.grad(load(stale).f)(x)


def test_an_alias_of_a_name_a_swap_left_holding_a_float_is_copied_with_copy_copy():
    # Found by the long profile (seed 798; older than the session that found it): `buf0[0] = ...`
    # makes the alias `f = buf0` of the returned value a copy, but after `x0, buf0 = (buf0, x0)` the
    # name holds a float, which has no `.copy()` (AttributeError from generated code).
    source = """\
import numpy as np

def f(x0):
    buf0 = np.zeros((3,))
    buf0[0] = x0 + x0
    x0 += x0
    if x0 < 0.0:
        v1 = x0
        if x0 < 0.0:
            return 2.0 ** x0
        v2 = x0
    else:
        v3 = x0
    x0, buf0 = (buf0, x0)
    return buf0
"""
    check(source, (0.2739233746429086,))
    check(source, (-0.27,))


def test_a_value_saved_for_the_backward_sweep_that_reaches_no_output_has_no_tangent_to_save():
    # Found by the second-order oracle (seed 901): forward mode over a generated adjoint saved the
    # tangent of every *varied* value pushed on the stack, but only *active* ones (varied and reaching
    # an output) got a tangent: `stack.append(x0_1_dot)` before any `x0_1_dot = ...`
    # (UnboundLocalError, or NameError, from generated code). Activity now counts a push as a use.
    early = """\
import numpy as np

def f(x0, x1, x2):
    x0 = x0
    v0 = x0
    if x0 < 0.0:
        return x0
    x0 = x0
    return x1
"""
    swap = """\
import numpy as np

def f(x0, x1, x2):
    buf0 = np.zeros((3,))
    buf0[0] += 0.5
    x1 = x0
    x1, buf0 = (buf0, x1)
    return 0.5 + np.sum(x1)
"""
    for source, args in ((early, (0.27, 0.9, 0.56)), (early, (-0.27, 0.9, 0.56)),
                         (swap, tuple(np.array([1.4, 0.9, 0.5]) + k for k in range(3)))):
        assert "second_order" in check(source, args)
        f = load(source).f
        _, hv = s2sad.jvp(s2sad.grad(f, wrt=(0, 1, 2)), args, tuple(np.ones_like(np.asarray(a)) for a in args))
        for h in hv:
            np.testing.assert_array_equal(h, 0.0)  # f is linear in its arguments


def test_second_order_through_a_loop_that_re_binds_the_adjoint_s_seed_and_a_pushed_copy():
    # Found by the second-order oracle (seeds 901 and 903). In the adjoint of `while ...: v1 = v1 + ...`
    # the seed parameter `v1_bar` is re-bound in the backward loop; forward mode over it (wrt x0
    # only) read `v1_bar_dot` before setting it. And a store `buf0[0] = x0` in a branch pushes a copy
    # `t5 = buf0.copy()` but pops into `buf0`: the copy had no tangent (NameError), or, deciding by
    # activity per name, the tangent was popped but never pushed (IndexError: pop from empty list).
    loop = WHILE_RE_BINDING_ITS_TEST
    store = """\
import numpy as np

def f(x0):
    buf0 = np.zeros((3,))
    buf0[0] = x0
    if x0 < 0.0:
        v1 = x0
    else:
        buf0[0] = x0
        if x0 < 0.0:
            return x0
    return x0 * (np.average(buf0) + x0) * x0
"""
    x = np.array([0.27392337, -0.46042657, -0.91805295])
    assert "second_order" in check(loop, (x,))
    _, hv = s2sad.jvp(s2sad.grad(load(loop).f), (x,), (np.ones(3),))
    np.testing.assert_allclose(hv, [6.0, 6.0, 6.0])  # one step: v1 + v1 ** 2 + 0.5, so 2 * sum(x_dot)
    for x0 in (0.2739, -0.2739):
        assert "second_order" in check(store, (x0,))
    assert s2sad.hessian(load(store).f)(0.2739) == pytest.approx(8 * 0.2739)  # 4/3 x0 ** 3 there


def test_second_order_pairs_every_saved_tangent_with_a_restored_one():
    # Found by the second-order oracle (seed 901, again): the adjoint saves `v0.copy()` before the
    # store `v0[0] = 0.5` and restores it as `v0_1 = stack.pop()`, a name nothing else binds, so it
    # did not count as varied: the tangent program pushed the copy's tangent but popped none, and
    # `np.sign(v0_1)` then read the tangent. The Hessian came out antisymmetric in sign
    # (`<w, H v> = -<v, H w>`). Activity now treats the stack as one variable.
    source = """\
import numpy as np

def f(x0):
    v0 = np.copysign(x0[1:], 0.5)
    v0[0] = 0.5
    return 0.5 / (np.linalg.det(v0 * np.ones((2, 2)) * 0.3 + 2.0 * np.eye(2)) ** 2 + 0.5)
"""
    x = np.array([1.26773244, 1.92569554, 0.71623942])
    for seed in range(4):
        assert "second_order" in check(source, (x,), seed=seed)
    f = load(source).f
    w = np.array([0.1, 0.2, -0.537])
    np.testing.assert_allclose(s2sad.hvp(f, (x,), -w), -s2sad.hvp(f, (x,), w), rtol=1e-14)  # linear in w


def test_second_order_through_a_loop_with_break_after_a_while_loop():
    # Found by the second-order oracle (seed 903), with the stack first made one variable: every
    # name popped counted as varied, the loop index `t6` and the flag `t8` too, whose tangents no
    # statement sets (UnboundLocalError). Only names that pops alone bind follow their stack now.
    source = """\
import numpy as np

def f(x0, x1):
    k3 = 0
    while x1 < 1.0 and k3 < 1:
        k3 += 1
        x1 = x1 + (x1 ** 2 + 0.5)
    for r5 in x0:
        if x1 < 0.0:
            break
        x1 = r5
    return x1
"""
    x0 = np.array([0.27392337, -0.46042657, -0.91805295])
    for x1 in (-0.9669447289429418, 0.3):
        assert "second_order" in check(source, (x0, x1))
    f = load(source).f
    np.testing.assert_allclose(s2sad.hessian(f, wrt=1)(x0, 0.3), 0.0)  # x1 = x0[-1] at the end


def test_a_second_derivative_through_an_alias_the_generated_forward_sweep_made():
    # Found by the second-order oracle (seed 902, one of its refusals; not shrunk). The generated
    # adjoint's forward sweep writes `(v8 if 0.5 < 0.5 else ...)` as an if statement with `t33 = v8`,
    # then stores `v8[:2] = t38`; differentiating it again refused that store, since s2sad refuses an
    # in-place update of an array with two names (the message first blamed "an array the caller passed
    # in", then was said at the generated code's pseudo-file). The forward sweep now takes such an
    # alias as a copy (`t33 = v8.copy()`, recording.views_to_copy), and the Hessian runs.
    source = """\
import numpy as np

def f(x0):
    if 2.0 < 0.5 and -0.7 >= 0.5:
        if not -0.7 < 0.0:
            return x0[1, -1]
        if not 2.0 >= 0.5 or (1.5 < -0.5 and 2.0 >= 0.0):
            if 1.5 >= 1.0:
                return np.vdot(2.0 * np.ones((2, 3)), -0.7 * np.ones((2, 3))) + np.sum(x0)
        else:
            v0 = (2.0 * 2.0 - 2.0 * 2.0) / -(((2.0 * np.ones((2, 1)) - -0.7 * np.ones((2, 1))) * (2.0 * np.ones((2, 1)))) ** 2 + 0.5)
            x0 = v0 * np.ones((2, 2))
            buf1 = np.zeros((3, 2))
            buf1[1] += np.arccosh((0.5 ** 2.0) ** 2 + 1.5)
        v2 = 0.5 * np.ones((2, 1))
    else:
        buf3 = np.zeros((2, 2))
        buf3[1, -1] += np.dot(0.5 * np.ones((2,)), 0.3 * np.ones((2,))) if (0.5 * np.ones((2,)))[1] <= 0.0 else 0.3 + 1.5
    k4 = 0
    while k4 < 3:
        k4 += 1
        ys5 = []
        for i6 in range(3):
            ys5.append(0.5 ** i6)
            if np.median(np.dot(i6 * np.ones((3, 2)), i6 * np.ones((2,))), axis=0) > 0.0:
                break
        v7 = sum(ys5)
        v7 = -v7
    v8 = np.copysign(((k4 * np.ones((2, 1))) ** 2 + 0.5) ** 1.5, np.arctanh(k4 / (1.0 + k4 ** 2))) * (k4 / -(k4 ** 2 + 0.5) / -(np.log1p(k4 ** 2 + 0.5) ** 2 + 0.5))
    for r10 in x0:
        v8[:2] += v8[:, :1] - (v8 if 0.5 < 0.5 else 2.0 * np.ones((2, 1)))
    if -0.7 * 0.3 > -0.5:
        return -(2.0 * np.ones((2,))) @ -(k4 * np.ones((2,))) - k4 * k4 + np.sum(x0)
    return -2.0 + np.sum(x0)
"""
    f = load(source).f
    x = np.array([[0.17982634, 0.9286005], [0.94613275, 0.48095975]])
    np.testing.assert_array_equal(s2sad.grad(f)(x), np.ones((2, 2)))
    forward_sweep = s2sad.source(f, args=(x,)).split("# backward sweep")[0]
    assert "= copy.copy(v8)" in forward_sweep  # (copy.copy: v8 is bound more than once)
    np.testing.assert_array_equal(s2sad.hessian(f)(x), np.zeros((2, 2, 2, 2)))  # f is linear in x0


MOVES = """\
import numpy as np

def at_top(a):
    z = np.exp(a)
    y = z
    y[0] = 1.0
    return np.sum(y * a)

def in_a_branch(a):
    y = a * 1.0
    if a[0] < 5.0:
        z = np.exp(a)
        y = z
        y[0] = 1.0
    return np.sum(y * a)

def in_a_loop(a):
    y = a * 1.0
    for i in range(2):
        z = np.tanh(y)
        y = z
        y[1] = y[0] * 2.0
    return np.sum(y * a)

def inverse(A):
    z = np.linalg.inv(A)
    y = z
    y[0, 0] = 1.0
    return np.sum(y * A)

def augmented_in_a_branch(x0):
    buf0 = np.zeros((2, 1)) + x0[0]
    if x0[0] < 5.0:
        buf0 -= x0[1] if x0[0] > 5.0 else 0.25
        buf0[:, -1] += x0
    return np.sum(buf0 ** 2)
"""


def _moves_by_autograd():
    anp = pytest.importorskip("autograd.numpy")

    def at_top(a):
        return anp.sum(anp.concatenate([anp.ones(1), anp.exp(a)[1:]]) * a)

    def in_a_loop(a):
        y = a * 1.0
        for i in range(2):
            z = anp.tanh(y)
            y = anp.concatenate([z[:1], z[:1] * 2.0, z[2:]])
        return anp.sum(y * a)

    def inverse(A):
        mask = np.array([[0.0, 1.0], [1.0, 1.0]])
        return anp.sum((anp.linalg.inv(A) * mask + (1.0 - mask)) * A)

    def augmented_in_a_branch(x0):
        buf0 = anp.zeros((2, 1)) + x0[0] - 0.25
        return anp.sum(anp.hstack([buf0[:, :-1], (buf0[:, -1] + x0).reshape(2, 1)]) ** 2)
    return {"at_top": at_top, "in_a_branch": at_top, "in_a_loop": in_a_loop, "inverse": inverse,
            "augmented_in_a_branch": augmented_in_a_branch}


@pytest.mark.parametrize("name", ["at_top", "in_a_branch", "in_a_loop", "inverse", "augmented_in_a_branch"])
def test_a_copy_that_hands_its_array_over_is_not_two_names(name):
    # Found by the second-order oracle (seed 911, most of its refusals): lowering `x = f(x)` in a block
    # writes `t8 = f(x); x = t8`, so the generated adjoint has such a copy before its own in-place store,
    # and differentiating it again refused the store ("would change 't8' too"). A copy `y = z` whose z
    # is bound once, earlier in the block, and read nowhere else now hands the array over
    # (ownership.plan_moves), in the user's code too; where the backward sweep reads z (`ans` of inv), the
    # forward sweep copies it first (recording.views_to_copy), or the store would change it.
    ag = pytest.importorskip("autograd")
    fn = getattr(load(MOVES), name)
    ref = _moves_by_autograd()[name]
    x = np.array([[2.0, 0.3], [0.4, 1.5]]) if name == "inverse" else np.array([0.3, -0.7, 0.2])
    if name == "augmented_in_a_branch":
        x = x[:2]
    np.testing.assert_allclose(s2sad.grad(fn)(x), ag.grad(ref)(x), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(s2sad.hessian(fn)(x), ag.hessian(ref)(x), rtol=1e-10, atol=1e-12)
    v = np.ones_like(x) * 0.5
    np.testing.assert_allclose(s2sad.jvp(fn, (x,), (v,))[1], np.vdot(ag.grad(ref)(x), v), rtol=1e-12, atol=1e-14)
    if name == "inverse":
        assert "y = z.copy()" in s2sad.source(fn, args=(x,))


def test_a_store_of_an_array_into_itself_through_a_conditional_expression():
    # Found by the second-order oracle (seed 911): `buf0[:2] = buf0 if c else buf0` lowers to `t2 = buf0`
    # in each arm, then `buf0[:2] = t2`, the store itself reading the alias; the forward sweep kept the
    # alias, so differentiating the adjoint again refused the store. It is now taken as a copy.
    source = """\
import numpy as np

def f(x0, x1, x2, n):
    buf0 = np.zeros((1, 3))
    buf0[:2] = buf0 if 0.3 <= 1.0 else buf0
    buf1 = np.zeros((2, 1))
    buf1[:, 0] -= np.where(-0.7 * np.ones((2,)) > 0.0, x0, x0) ** 2
    return np.einsum('i,i->', 0.5 * np.ones((3,)), 2.0 * np.ones((3,))) / (x2[-1, 0] ** 2 + 0.5)
"""
    args = (np.array([0.3, 0.5]), np.array([0.2, 0.6]), np.array([[0.4]]), 2)
    assert "second_order" in check(source, args)


def test_a_scaled_comparison_is_not_folded_into_a_negated_boolean():
    # Found by the second-order oracle (seed 912): the adjoint of np.fmax with seed -1 reads
    # `-1.0 * (v1 == t18)`; lowered again for forward over reverse it is `t20 = -1.0 * t19` with t19 a
    # comparison, and fold.py substituted it into its reader simplified to `-t19`, which NumPy refuses
    # for booleans (TypeError in the generated tangent). A scaled copy of a comparison now stays.
    source = """\
import numpy as np

def f(x0):
    v1 = 0.5 * 0.5 + 0.5 * 0.5 + np.sum(x0)
    k0 = 0
    while v1 < 1.0 and k0 < 1:
        k0 += 1
        v1 = v1 + (np.maximum(v1 + v1, v1 if v1 < 0.0 else v1) ** 2 + 0.5)
    v1 += np.fmax(v1, v1)
    return -v1
"""
    x = np.array([[0.27392337, -0.46042657], [-0.91805295, -0.96694473], [0.62654048, 0.82551115]])
    assert "second_order" in check(source, (x,))


def test_a_cast_to_int_or_bool_keeps_its_product_with_one():
    # Found by the long profile (seed 4242, program 9,777): `(...).astype(bool) * 1.0` folded into its
    # reader as the bools themselves (fold.py treats `t * 1.0` as a copy), so the gradient's `np.ptp` met
    # bools (TypeError); with an int8 cast, `t ** 2` overflowed in int8: a silently wrong gradient. A cast
    # to an integer or bool dtype is now `boolean` in the registry, like a comparison: `t * 1.0` stays.
    source = """\
import numpy as np

def f(x):
    t = (x * x).astype(bool) * 1.0
    return np.sum(x * np.ptp(t, axis=0))
"""
    check(source, (np.array([[0.5, -0.2], [0.4, 0.3]]),))  # (no zero: bool(x * x) steps there)
    small = load(source.replace("astype(bool)", "astype(np.int8)").replace("(x * x)", "(x * 3.0)"))
    x = np.array([[50.0, -20.0], [0.0, 30.0]])
    t = (x * 3.0).astype(np.int8) * 1.0
    assert np.allclose(s2sad.grad(small.f)(x), np.ptp(t, axis=0) * np.ones_like(x))


def test_an_alias_from_both_arms_of_an_if_before_a_store_is_copied_with_an_if_between():
    # Found by the long profile (seed 4242 on the code after the architecture step): `x1 if v3 < 0.0 else x1`
    # lowers to `t14 = x1_1` in each arm, then another `if` (the second conditional expression), then
    # `x1_1[[0, 0]] = ...`. The alias was taken as a copy only when straight-line assignments stood between
    # it and the store, so here it stayed an alias: the backward sweep's `tie_weights(t14, t17)` (np.max's
    # adjoint) read the stored-into array, and the gradient was NaN. Statements of any kind may now stand
    # between, as long as they hold every read of the alias and no store into the array.
    source = """\
import numpy as np

def f(x0, x1):
    x1 = 0.5 / -(x1 ** 2 + 0.5)
    v3 = 0.5 + np.sum(x0)
    x1[[0, 0]] = np.max(x1 if v3 < 0.0 else x1) / (np.abs(v3 if v3 < 0.0 else v3) ** 2 + 0.5)
    return x1
"""
    args = (np.array([0.37267509, 0.09719532]), np.array([[0.69854947], [0.00563869]]))
    assert "reverse_vs_cd" in check(source, args)


def test_a_swap_that_hands_a_float_parameter_to_a_stored_into_array_copies_it_as_a_float():
    # Found by the long profile (seed 5101, program 8,989): `buf0, x1 = x1, buf0` lowers to `t5 = buf0;
    # buf0 = x1; x1 = t5`, and `buf0 = x1` hands x1 to a name that is stored into (`buf0[[0, 0]] = ...`)
    # while the backward sweep reads x1. The copy was `x1.copy()`, and x1 is a float here: the derivative
    # failed with AttributeError. A parameter (or a name bound more than once) is copied with copy.copy.
    source = """\
import numpy as np

def f(x0, x1):
    if x1 < 0.0:
        return x1 * np.ones((3,))
    buf0 = np.zeros((3,))
    buf0[[0, 0]] = x1
    buf0[[0, 0]] *= x1
    v1 = x1
    buf0, x1 = (x1, buf0)
    return x1
"""
    args = (np.array([[0.27, -0.46, -0.92], [-0.97, 0.63, 0.83]]), 0.21327155153435973)
    assert "reverse_vs_cd" in check(source, args)
    _, pullback = s2sad.vjp(load(source).f, *args)
    np.testing.assert_allclose(pullback(np.array([1.0, 2.0, 3.0]))[1], 2 * args[1])


def test_a_fast_oscillation_both_steps_overshoot_is_rejected_not_reported():
    # Found by the long profile (seed 5103): v2 is about 1.7e9 when np.sinc reads it, so the function
    # oscillates with a period of about 5e-11 in x1, and central differences at steps 1e-6 and 1e-4 both
    # average it out to about 1e-5 and agree. s2sad's gradient, -10.1157 along x1[0], is right: mpmath at
    # 60 digits gives -10.11563 (the last digits are float64's rounding of v2). The oracle now looks at
    # finer steps before it reports a mismatch, and rejects the input.
    from fuzz_oracles import Rejected

    source = """\
import numpy as np

def f(x0, x1):
    v2 = 2.0 + np.sum(x1)
    k1 = 0
    while v2 < 3.0 and k1 < 1:
        k1 += 1
        v2 = v2 + ((2.0 ** v2 ** 3) ** 2 + 0.5)
    return min(v2, np.sinc(v2))
"""
    args = (np.array([0.27392337, -0.46042657, -0.91805295]), np.array([-0.96694473, 0.62654048, 0.82551115]))
    with pytest.raises(Rejected, match="finer steps"):
        check(source, args)
    g = s2sad.grad(load(source).f, wrt=1)(*args)
    np.testing.assert_allclose(g, [-10.11562532] * 3, rtol=1e-5)
