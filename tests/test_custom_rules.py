"""Custom rules: `s2sad.primitive`, `s2sad.defvjp`, `s2sad.defjvp` -- the same
registry the built-in library uses, with rules the generated code calls by name."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad.primitives.registry import PRIMS, Primitive, lookup

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


# -- builtins whose parameters inspect cannot read (issue 20): math.hypot -----------------------------------


import math  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402


def hypot_vjp_x(g, ans, x, y):
    return g * x / ans


def hypot_vjp_y(g, ans, x, y):
    return g * y / ans


def hypot_jvp_x(t, ans, x, y):
    return t * x / ans


def hypot_jvp_y(t, ans, x, y):
    return t * y / ans


s2sad.defvjp(math.hypot, hypot_vjp_x, hypot_vjp_y)
s2sad.defjvp(math.hypot, hypot_jvp_x, hypot_jvp_y)


def uses_hypot(x, y):
    return math.hypot(x, y) * 2.0


def uses_hypot_three(x, y):
    return math.hypot(x, y, x)


def test_a_builtin_without_a_signature_takes_its_arguments_from_the_rules():
    # It gave zeros: with no parameters known, no rule was ever applied.
    np.testing.assert_allclose(s2sad.grad(uses_hypot, wrt=(0, 1))(3.0, 4.0), (1.2, 1.6))
    np.testing.assert_allclose(s2sad.jvp(uses_hypot, (3.0, 4.0), (1.0, -1.0))[1], 2.0 * (3.0 - 4.0) / 5.0)
    s2sad.check_grads(uses_hypot, (3.0, 4.0), modes=("forward", "reverse"))
    assert lookup(math.hypot).params == ("x", "y")  # named after the rules' own parameters
    assert "t1 = math.hypot(x, y)" in s2sad.source(uses_hypot, "reverse", wrt=(0, 1))


def test_more_arguments_than_rules_is_refused_at_the_call():
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="too many arguments to math.hypot") as info:
        s2sad.grad(uses_hypot_three, wrt=(0, 1))(3.0, 4.0)
    assert info.value.lineno == uses_hypot_three.__code__.co_firstlineno + 1


def uses_erf(x):
    return math.erf(x) * x


s2sad.defvjp(math.erf, lambda g, ans, x: g * 2.0 / math.sqrt(math.pi) * math.exp(-x * x))


def test_the_same_recipe_for_a_builtin_with_a_signature():
    x = 0.3
    want = math.erf(x) + x * 2.0 / math.sqrt(math.pi) * math.exp(-x * x)
    assert np.isclose(s2sad.grad(uses_erf)(x), want)


def test_more_rules_than_parameters_is_refused_at_the_defvjp_line():
    with pytest.raises(s2sad.InputError, match="2 rules, but erf takes 1") as info:
        s2sad.defvjp(math.erf, lambda g, ans, x: g, lambda g, ans, x: g)
    assert info.value.filename.endswith("test_custom_rules.py") and "defvjp(math.erf" in info.value.source_line


def test_argnames_name_the_parameters():
    s2sad.defvjp(math.atan2, lambda g, ans, y, x: g * x / (x * x + y * y), lambda g, ans, y, x: -g * y / (x * x + y * y),
                 argnames=("y", "x"))
    assert lookup(math.atan2).params == ("y", "x")
    with pytest.raises(s2sad.InputError, match="argnames"):
        s2sad.defvjp(math.erf, None, argnames=("z",))  # erf's parameter is x
    with pytest.raises(s2sad.InputError, match="argnames"):
        s2sad.defvjp(math.atan2, None, argnames=("y", "y"))


def total(*xs):
    return sum(xs)


s2sad.defvjp(total, lambda g, ans, a, b: g, lambda g, ans, a, b: g)


def uses_total(x, y):
    return total(x, y) * y


def test_a_variadic_function_takes_its_arguments_from_the_rules():
    # Its one parameter, *xs, does not say which rule is whose: the rules do.
    np.testing.assert_allclose(s2sad.grad(uses_total, wrt=(0, 1))(2.0, 3.0), (3.0, 2.0 + 2 * 3.0))


def uses_dist(x):
    return math.dist((x, 0.0), (0.0, 1.0))


s2sad.primitive(math.dist)


def test_an_opaque_builtin_without_rules_is_refused_at_the_users_line():
    with pytest.raises(s2sad.NonDifferentiableError, match="dist has no VJP rule") as info:
        s2sad.grad(uses_dist)(1.0)
    assert info.value.filename.endswith("test_custom_rules.py") and info.value.lineno == uses_dist.__code__.co_firstlineno + 1


def test_second_derivatives_need_rules_for_the_rules_said_at_the_users_line():
    with pytest.raises(s2sad.NonDifferentiableError, match="softplus_vjp has no JVP rule") as info:
        s2sad.hessian(softplus_loss)(np.array([0.5, -1.0]))
    assert info.value.filename.endswith("test_custom_rules.py") and info.value.lineno == softplus_loss.__code__.co_firstlineno + 1


# -- the README's "Custom rules" examples ----------------------------------------------------------------------


def test_the_readme_examples():
    import custom_rules_example as ex

    r = ex.solve_cubic(ex.a)
    np.testing.assert_allclose(r ** 3 + r, ex.a)
    np.testing.assert_allclose(s2sad.grad(ex.loss)(ex.a), 2 * r / (3 * r ** 2 + 1))
    p = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(s2sad.grad(ex.fit)(ex.x), 2 * np.polyval(p, ex.x) * np.polyval(np.polyder(p), ex.x))
    assert "t2 = np.polyval(t1, x)" in s2sad.source(ex.fit, "reverse")
    assert "x_bar = polyval_vjp_x(t2_bar, t2, t1, x)" in s2sad.source(ex.fit, "reverse")
    np.testing.assert_allclose(s2sad.grad(ex.distance, wrt=(0, 1))(3.0, 4.0), (0.6, 0.8))


def _readme_section():
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")
    with open(path) as f:
        text = f.read()
    assert "\n## Custom rules\n" in text, "the README has no Custom rules section"
    return text.split("\n## Custom rules\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_shows_the_examples_and_their_real_output():
    import custom_rules_example as ex

    section = _readme_section()
    with open(ex.__file__) as f:
        module = f.read()
    for output, block in re.findall(r"(?:<!-- output of: (.*?) -->\n)?```python\n(.*?)```", section, re.S):
        if output:
            assert eval(output, vars(ex)) == block, output  # noqa: S307 -- the README's own expression
        else:
            for line in block.splitlines():
                assert line in module, f"README line not in tests/custom_rules_example.py: {line!r}"
