"""Custom rules: `s2sad.primitive`, `s2sad.defvjp`, `s2sad.defjvp` -- the same
registry the built-in library uses, with rules the generated code calls by name."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad.registry import PRIMS, Primitive, lookup

# -- a user primitive with both rules --------------------------------------------------------------


def softplus(x):
    """log(1 + e^x), written in a way s2sad would not read (a try statement): an opaque primitive."""
    try:
        return np.logaddexp(0.0, x)
    except FloatingPointError:  # pragma: no cover
        raise


def softplus_vjp(g, ans, x):
    return g / (1 + np.exp(-x))


def softplus_jvp(t, ans, x):
    return t / (1 + np.exp(-x))


s2sad.defvjp(softplus, softplus_vjp)
s2sad.defjvp(softplus, softplus_jvp)


def softplus_loss(x):
    return np.sum(softplus(x) * x)


def test_user_rules_give_the_closed_form():
    x = np.array([0.5, -1.0, 2.0])
    sigmoid = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(s2sad.grad(softplus_loss)(x), np.logaddexp(0, x) + x * sigmoid, rtol=1e-12)
    s2sad.check_grads(softplus_loss, (x,), modes=("forward", "reverse"))


def test_generated_code_calls_the_rules_by_name():
    reverse = s2sad.source(softplus_loss, "reverse")
    assert "t1 = softplus(x)" in reverse
    assert "softplus_vjp(t1_bar, t1, x)" in reverse
    forward = s2sad.source(softplus_loss, "forward")
    assert "t1_dot = softplus_jvp(x_dot, t1, x)" in forward


def test_the_builtin_library_uses_the_same_registry():
    user, builtin = lookup(softplus), lookup(np.exp)
    assert isinstance(user, Primitive) and isinstance(builtin, Primitive)
    assert PRIMS[user.name] is user and PRIMS[builtin.name] is builtin
    assert [r.func for r in user.vjp] == [softplus_vjp]


# -- a deliberately wrong rule is caught -------------------------------------------------------------


def cube(x):
    return x ** 3


def cube_vjp_wrong(g, ans, x):
    return g * 3 * x  # should be 3 x^2


def cube_jvp_wrong(t, ans, x):
    return t * 2 * x ** 2  # should be 3 x^2


s2sad.primitive(cube)
s2sad.defvjp(cube, cube_vjp_wrong)
s2sad.defjvp(cube, cube_jvp_wrong)


def uses_cube(x):
    return np.sum(cube(x))


def test_check_grads_catches_a_wrong_vjp():
    with pytest.raises(AssertionError, match="reverse mode"):
        s2sad.check_grads(uses_cube, (np.array([0.7, 1.3]),), modes=("reverse",))


def test_check_grads_catches_a_wrong_jvp():
    with pytest.raises(AssertionError, match="forward mode"):
        s2sad.check_grads(uses_cube, (np.array([0.7, 1.3]),), modes=("forward",))


# -- per-argument rules: None for an argument without a derivative ---------------------------------------


def scale_rows(x, k):
    return x * k


def scale_rows_vjp_x(g, ans, x, k):
    return g * k


def scale_rows_jvp_x(t, ans, x, k):
    return t * k


s2sad.defvjp(scale_rows, scale_rows_vjp_x, None)
s2sad.defjvp(scale_rows, scale_rows_jvp_x, None)


def uses_scale_rows(x, k):
    return np.sum(scale_rows(x, k) ** 2)


def uses_scale_rows_by_3(x):
    return np.sum(scale_rows(x, 3.0) ** 2)


def test_rule_per_argument():
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(s2sad.grad(uses_scale_rows)(x, 3.0), 2 * 9 * x)
    s2sad.check_grads(uses_scale_rows_by_3, (x,), modes=("forward", "reverse"))
    with pytest.raises(s2sad.NonDifferentiableError, match="no VJP rule for argument 1"):
        s2sad.grad(uses_scale_rows, wrt=(0, 1))(x, 3.0)  # k is differentiated along with x



def test_differentiating_through_an_argument_without_a_rule_is_an_error():
    with pytest.raises(s2sad.NonDifferentiableError, match="no VJP rule"):
        s2sad.grad(uses_scale_rows, wrt=1)(np.array([1.0, 2.0]), 3.0)


# -- opaque primitives and missing rules --------------------------------------------------------------------


def opaque(x):
    for _ in range(2):  # never read: the function is a primitive
        x = x + 1.0
    return x


s2sad.primitive(opaque)


def uses_opaque(x):
    return np.sum(opaque(x))


def only_reverse(x):
    return 2.0 * x


s2sad.defvjp(only_reverse, lambda g, ans, x: 2.0 * g)


def uses_only_reverse(x):
    return np.sum(only_reverse(x))


def test_an_opaque_primitive_runs_as_written():
    assert uses_opaque(np.ones(2)) == 6.0
    assert "t1 = opaque(x)" in s2sad.source(uses_opaque, "wengert")



def test_an_opaque_primitive_without_rules_is_a_clear_error():
    with pytest.raises(s2sad.NonDifferentiableError):
        s2sad.grad(uses_opaque)(np.ones(2))


def test_a_vjp_alone_serves_reverse_mode():
    np.testing.assert_array_equal(s2sad.grad(uses_only_reverse)(np.ones(2)), [2.0, 2.0])



def test_forward_mode_without_a_jvp_is_a_clear_error():
    with pytest.raises(s2sad.NonDifferentiableError, match="JVP"):
        s2sad.jvp(uses_only_reverse, (np.ones(2),), (np.ones(2),))
