"""Rule shortcuts and primitive facts (`s2sad.primitives.registry`, `s2sad.ir.template`).

An elementwise primitive declares its derivative once, `d`, and gets both rules: the VJP `g * d` and
the JVP `x_dot * d`. Here a new function is registered that way (as text, and as a method) and its
gradient, JVP and Hessian are checked against central differences; the built-in rules written with
`d`, `like=` and `rules/bilinear.py` must give the templates their long forms gave
(the golden tests check the generated text). A primitive declared `linear` writes only its VJP: its
JVP is the function applied to the tangent (autograd's `def_linear`). The facts the passes read (`effects`, `fresh`,
`cheap`, ...) are declared where a primitive is registered: their sets are pinned here.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad.primitives import registry
from s2sad.primitives.registry import PRIMS, defrule


def logcosh(x):
    """log(cosh(x)): registered below as a primitive of its own, with its derivative declared once."""
    return np.log(np.cosh(x))


def softplus(x):
    return np.log1p(np.exp(x))


class softplus_rule:  # noqa: N801
    def d(ans, x):
        return 1 / (1 + np.exp(-x))


@pytest.fixture
def shortcuts():
    """`logcosh` with its derivative as text, `softplus` with a method `d`; removed again afterwards."""

    @defrule(logcosh, elementwise=True, name="logcosh_test")
    class logcosh_rule:  # noqa: N801
        d = "np.tanh(x)"

    defrule(softplus, elementwise=True, name="softplus_test")(softplus_rule)
    registry.forget_derivatives()
    yield
    registry.remove("logcosh_test")
    registry.remove("softplus_test")


def _central(f, x, eps=1e-6):
    """The derivative of `f` at the vector `x` by central differences, shaped `f(x).shape + x.shape`."""
    return np.moveaxis(np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(x.size)]), 0, -1)


def loss(x):
    return np.sum(logcosh(x) * softplus(x))


X = np.array([0.3, -1.2, 0.7, 2.0])


def test_one_declaration_gives_both_rules(shortcuts):
    for name in ("logcosh_test", "softplus_test"):
        prim = PRIMS[name]
        assert [r.params for r in prim.vjp] == [("g", "ans", "x")]  # (read when first asked for)
        assert [r.params for r in prim.jvp] == [("ans", "x", "x_dot")]
        assert prim.params == ("x",)
    source = s2sad.source(loss)
    assert "np.tanh(x)" in source and "np.exp(-x)" in source, source


def test_grad_jvp_and_hessian_match_central_differences(shortcuts):
    g = s2sad.grad(loss)(X)
    np.testing.assert_allclose(g, _central(loss, X), rtol=1e-6, atol=1e-8)
    v = np.array([1.0, -0.5, 0.25, 2.0])
    _, t = s2sad.jvp(loss, (X,), (v,))
    np.testing.assert_allclose(t, _central(loss, X) @ v, rtol=1e-6, atol=1e-8)
    h = s2sad.hessian(loss)(X)
    np.testing.assert_allclose(h, _central(s2sad.grad(loss), X), rtol=1e-5, atol=1e-7)
    s2sad.check_grads(loss, (X,), modes=("forward", "reverse"), order=2)


def test_a_removed_rule_leaves_the_function_opaque_again(shortcuts):
    registry.remove("logcosh_test")
    assert registry.lookup(logcosh) is None and "logcosh_test" not in PRIMS
    defrule(logcosh, elementwise=True, name="logcosh_test")(type("logcosh_rule", (), {"d": "np.tanh(x)"}))


def _written(prim):
    """A primitive's VJP and JVP templates, as text to compare."""
    return [None if r is None else repr(r.template) for r in prim.vjp], [None if r is None else repr(r.template) for r in prim.jvp]


def test_d_gives_the_templates_written_out_by_hand():
    # `g * d` as one writes it: g first in a chain of products and quotients, 1 and a minus folded onto g.
    cases = {  # the VJP as its rule class had it written out; the JVP is the same with x_dot for g
        "exp": "g * ans", "log": "g / x", "cos": "-g * np.sin(x)", "negative": "-g", "square": "g * 2 * x",
        "tan": "g * (1 + ans ** 2)", "arccos": "-g / np.sqrt(1 - x ** 2)", "exp2": "g * ans * math.log(2)",
        "reciprocal": "-g * ans ** 2", "math_sqrt": "g / (2 * ans)",
    }
    for name, vjp in cases.items():
        assert "d" in vars(PRIMS[name].source)
        jvp = vjp.replace("g", "x_dot", 1)
        long_form = _long_form(name, f"def vjp(g, ans, x):\n    return {vjp}", f"def jvp(ans, x, x_dot):\n    return {jvp}")
        assert _written(PRIMS[name]) == _written(long_form), name
    math_pow = _long_form("math_pow", "def vjp(g, ans, x, y):\n    return g * y * x ** (y - 1), g * ans * math.log(x)",
                          "def jvp(ans, x, y, x_dot, y_dot):\n    return x_dot * y * x ** (y - 1), y_dot * ans * math.log(x)")
    assert _written(PRIMS["math_pow"]) == _written(math_pow)


def test_like_shares_a_body():
    for name in ("minimum", "fmax", "fmin"):
        assert PRIMS[name].source is PRIMS["maximum"].source
        assert _written(PRIMS[name]) == _written(PRIMS["maximum"])


def _long_form(name, vjp, jvp):
    """A primitive whose rules are the text `vjp` and `jvp`, read in the namespace of `name`'s rule module."""
    cls = type(name, (), {"vjp": vjp, "jvp": jvp, "__module__": PRIMS[name].source.__module__})
    return registry.Primitive(name=name, spelling=PRIMS[name].spelling, source=cls)


def test_bilinear_adjoint_helpers_share_one_shape():
    written = {
        "tensordot_adjoint_a_": ("def vjp(g, ans, y, a, b, axes=2):\n"
                                 "    return np.tensordot(g, b, axes), None, tensordot_adjoint_b(y, g, b, axes), None",
                                 "def jvp(ans, y, a, b, axes=2, y_dot=None, a_dot=None, b_dot=None):\n"
                                 "    return tensordot_adjoint_a(y_dot, a, b, axes), None, tensordot_adjoint_a(y, a, b_dot, axes), None"),
        "matmul_adjoint_b_": ("def vjp(g, ans, y, a, b):\n    return unbroadcast(product(a, g), y), matmul_adjoint_a(y, a, g), None",
                              "def jvp(ans, y, a, b, y_dot, a_dot, b_dot):\n"
                              "    return matmul_adjoint_b(y_dot, a, b), matmul_adjoint_b(y, a_dot, b), None"),
    }
    for name, (vjp, jvp) in written.items():
        long_form = _long_form(name, vjp, jvp)
        assert _written(PRIMS[name]) == _written(long_form), name
        assert PRIMS[name].params == long_form.params and PRIMS[name].defaults == long_form.defaults
    assert PRIMS["tensordot_adjoint_a_"].defaults == {"axes": 2}
    for name in ("inner", "kron", "tensordot", "dot", "matmul", "cross"):
        for side in "ab":
            assert PRIMS[f"{name}_adjoint_{side}_"].source.__module__ in ("s2sad.rules.core", "s2sad.rules.products")


# The facts the passes read, and the primitives that declare each (as the passes' own sets had them).
FACTS = {
    "effects": {"append", "assert_", "builtin_print", "effect_", "not_a_view", "pop", "push", "raise_", "setitem", "unshared"},
    "shape_only": {"ndim", "ndim_attr", "shape", "shape_attr", "size", "size_attr"},
    "fresh": {"add", "divide", "multiply", "negative", "scatter_add_", "subtract", "zero_at_"},
    "allocates": {"Stack", "arange", "array", "copy", "copy_", "empty", "empty_like", "eye", "full", "full_like", "identity",
                  "linspace", "ones", "ones_like", "zeros", "zeros_like"},
    "arithmetic": {"absolute", "add", "multiply", "negative", "power", "square", "subtract"},
    "float_result": {"arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "cbrt", "cos", "cosh", "deg2rad",
                     "divide", "exp", "exp2", "expm1", "float_power", "hypot", "log", "log10", "log1p", "log2", "logaddexp",
                     "logaddexp2", "rad2deg", "sin", "sinh", "sqrt", "tan", "tanh"},
    "sampled": {"T", "dot", "getitem", "matmul", "shape_attr", "unbroadcast_", "unsum_"},
    "cheap": {"getitem"},
}


@pytest.mark.parametrize("fact", sorted(FACTS))
def test_facts_are_declared_on_the_primitives(fact):
    from s2sad.frontend import desugar, effects  # (print, assert_that, raise and effect_ register when first needed)

    desugar.register_primitives()
    effects.register_primitives()
    declared = {n for n, p in PRIMS.items() if not p.user and getattr(p, fact)}
    assert declared == FACTS[fact]
    assert all(registry.declared(n, fact) for n in FACTS[fact]) and not registry.declared("no such primitive", fact)


# -- linear primitives: the JVP is the function applied to the tangent (autograd's `def_linear`) ----------


def reverse_rows(x):
    """`x` with its rows in reverse order: linear in `x`, registered below with only its VJP."""
    return x[::-1]


class reverse_rows_rule:  # noqa: N801
    def vjp(g, ans, x):
        return reverse_rows(g)


@pytest.fixture
def linear_rule():
    defrule(reverse_rows, linear=True, name="reverse_rows_test")(reverse_rows_rule)
    registry.forget_derivatives()
    yield
    registry.remove("reverse_rows_test")


def rows_loss(x):
    return np.sum(reverse_rows(x) * np.arange(1.0, 5.0) * np.sin(x))


def test_linear_gives_the_jvp_from_the_function(linear_rule):
    prim = PRIMS["reverse_rows_test"]
    assert prim.linear and "jvp" not in vars(prim.source)
    assert [r.params for r in prim.jvp] == [("ans", "x", "x_dot")]
    assert repr(prim.jvp[0].template) == "Op(prim='reverse_rows_test', args=(Var(name='x_dot'),), kwargs=())"
    assert "reverse_rows(x_dot)" in s2sad.source(rows_loss, mode="forward")
    np.testing.assert_allclose(s2sad.grad(rows_loss)(X), _central(rows_loss, X), rtol=1e-6, atol=1e-8)
    v = np.array([1.0, -0.5, 0.25, 2.0])
    _, t = s2sad.jvp(rows_loss, (X,), (v,))
    np.testing.assert_allclose(t, _central(rows_loss, X) @ v, rtol=1e-6, atol=1e-8)
    s2sad.check_grads(rows_loss, (X,), modes=("forward", "reverse"), order=2)


def test_linear_gives_the_templates_written_out_by_hand():
    cases = {  # the JVP as its rule class had it written out (every converted rule is pinned by the golden tests too)
        "T": "x_dot.T", "flip": "np.flip(x_dot, axis), None", "tril": "np.tril(x_dot, k), None",
        "triu": "np.triu(x_dot, k), None", "swapaxes": "np.swapaxes(x_dot, axis1, axis2), None, None",
        "transpose": "np.transpose(x_dot, axes), None", "reshape": "np.reshape(x_dot, shape), None",
        "matmul": "x_dot @ y, x @ y_dot", "bincount": "None, np.bincount(x, weights_dot, minlength), None",
        "tensordot_adjoint_a_": "tensordot_adjoint_a(y_dot, a, b, axes), None, tensordot_adjoint_a(y, a, b_dot, axes), None",
    }
    for name, jvp in cases.items():
        prim = PRIMS[name]
        prim.load()  # (its parameters come with its templates)
        assert prim.linear and "jvp" not in vars(prim.source), name
        params = ", ".join(("ans", *prim.params, *(f"{p}_dot" for p in prim.params)))
        long_form = _long_form(name, "def vjp(g, ans):\n    return None", f"def jvp({params}):\n    return {jvp}")
        assert _written(prim)[1] == _written(long_form)[1], name  # the JVP; the VJP stays as written
    assert not PRIMS["cross_adjoint_a_"].linear  # its axes go by keyword: the JVP is written out


def test_linear_with_a_jvp_of_its_own_is_refused():
    from s2sad.ir.nodes import IRError

    cls = type("twice_rule", (), {"vjp": "def vjp(g, ans, x):\n    return 2 * g\n",
                                  "jvp": "def jvp(ans, x, x_dot):\n    return 2 * x_dot\n", "__module__": __name__})
    defrule(reverse_rows, linear=True, name="twice_test")(cls)
    try:
        with pytest.raises(IRError, match="declared linear"):
            PRIMS["twice_test"].jvp
    finally:
        registry.remove("twice_test")


# More facts (as the sets of the modules that read them had them; `unbroadcast`, not a primitive, is gone):
# read by the simplifier, the broadcast pass, recording, reverse, the emitter, effects, ownership and arguments.
PASS_FACTS = {
    "broadcasting": {"add", "subtract", "multiply", "divide"},
    "shape_simplified": {"unbroadcast_", "broadcast_like_", "unsum_"},
    "layout_refined": {"unbroadcast_", "matmul_adjoint_a_", "matmul_adjoint_b_", "dot_adjoint_a_", "dot_adjoint_b_"},
    "in_place": {"setitem", "append"},
    "view": {"getitem", "transpose", "reshape", "ravel", "squeeze", "expand_dims", "swapaxes", "moveaxis", "broadcast_to",
             "diagonal", "atleast_1d", "atleast_2d", "atleast_3d", "flip", "fliplr", "flipud", "rot90", "asarray", "real",
             "imag", "split", "array_split", "hsplit", "vsplit", "dsplit", "broadcast_arrays"},
    "new_array": {"sincos_", "matmul_adjoint_a_", "matmul_adjoint_b_", "scatter_add_", "zero_at_", "product_"},
}


@pytest.mark.parametrize("fact", sorted(PASS_FACTS))
def test_pass_facts_are_declared_on_the_primitives(fact):
    declared = {n for n, p in PRIMS.items() if not p.user and getattr(p, fact)}
    assert declared == PASS_FACTS[fact]
