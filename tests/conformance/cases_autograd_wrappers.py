"""Conformance cases ported from HIPS/autograd's `tests/test_wrappers.py`,
`tests/test_jacobian.py` and `tests/test_graphs.py`.

Input: nothing. Output: `CASES`, a list of `Case` records.

autograd's tests wrap a function in `grad`, `elementwise_grad`, `jacobian`,
`hessian`, `hessian_vector_product`, `vector_jacobian_product`, `multigrad`,
`value_and_grad` or `checkpoint`, written there as lambdas. Here each function
is a module-level `def` (written afresh) and the case names what s2sad
computes of it: reverse mode is `grad`/`vjp` (an elementwise gradient is the
`vjp` of an elementwise function), forward mode is `jvp` (with a Jacobian), and
"second" is `hessian` (whose products with a vector are `hvp`). Where autograd
differentiates a function that itself calls `grad` (`test_hess_vector_prod`,
`test_enclosing_scope_ref`, `test_jacobian_against_stacked_grads`), the
inner gradient is either an `s2sad.grad` object the function calls (what
s2sad documents as composition) or, for `jacobian` inside a function, the
derivative written out by hand.

`test_deprecated_defgrad_wrapper` defines a primitive with its own gradient;
here it is an `s2sad.primitive` with `defvjp`/`defjvp` rules. Not ported:
`test_partial` (s2sad refuses `functools.partial`, documented), `test_grad_const`
(a function whose value is the constant 1, kept below as `grad_const`), the
complex-number tests of test_graphs.py other than one (s2sad refuses complex
numbers), and the `check_grads(lambda x: np.sum(grad(fun)(x)))` halves of the
`test_singleton_array_output*` tests: `fun`'s output has shape (1,) there, and
s2sad's `grad` documents a ShapeError for any output that is not a number.
"""
from __future__ import annotations

import numpy as np

import s2sad
from conformance.case import Case

SUITE_W = "autograd/test_wrappers.py"
SUITE_J = "autograd/test_jacobian.py"
SUITE_G = "autograd/test_graphs.py"

_rng = np.random.default_rng(7)


def _randn(*shape):
    return _rng.standard_normal(shape)


H_5 = _randn(5, 5)
RANDV_10 = _randn(10)
A_3x5 = _randn(3, 5)
A_5x4 = _randn(5, 4)


# ---------------------------------------------------------------- test_wrappers.py


def return_both(x):
    return 3.0 * x ** 3.2


def value_and_grad_fun(x):
    return np.sum(np.sin(x) ** 2)


def quadratic_form(x):
    return np.dot(np.dot(x, H_5), x)


def complicated_fun(a, b, c, d, e, f=1.1, g=9.0):
    return a + np.sin(b) + np.cosh(c) + np.cos(d) + np.tan(e) + f + g


def complicated_fun_kw(a, b, c, d, e):
    # multigrad's call with keywords: f and g passed by name
    return complicated_fun(a, b, c, d, e, f=0.6, g=-0.1)


def multigrad_onearg(x, y):
    return np.sum(x + np.sin(y))


def elementwise_fun(a):
    return a + np.sin(a) + np.cosh(a)


def elementwise_fun_two(a, b):
    return a + np.sin(a) + np.cosh(b)


def sum_sin(a):
    return np.sum(np.sin(a))


def roll_sin(a):
    return np.roll(np.sin(a), 1)


def sum_squares(x):
    return np.sum(x ** 2)


def _bar(x, y):
    return 2 * x + y + 5


def checkpoint_foo(x):
    return _bar(x, x / 3.0) + _bar(x, x ** 2)


def _baz(*args):
    return sum(args)


def checkpoint_foobaz(x):
    return _baz(x, x / 3.0)


def _cf(a):
    for _ in range(10):
        a = np.sin(a ** 2 + 1)
    return a


def checkpoint_testfun(x):
    for _ in range(5):
        x = _cf(x)
    return np.sum(x)


def make_jvp_fun(x):
    return np.tanh(np.dot(A_3x5, x))


def ggnvp_default(x):
    # make_ggnvp(f) with the default g(y) = 0.5 * sum(y ** 2), for a linear f: the GGN is the Hessian
    y = np.dot(A_5x4, x)
    return 0.5 * np.sum(y ** 2)


def ggnvp_nondefault(x):
    y = np.dot(A_5x4, x)
    return np.sum(2.0 * y ** 2 + y ** 4)


def grad_and_aux_fun(x):
    return np.sum(np.sin(x)), np.cos(x)


def f_partial(x, y=1):
    return x


@s2sad.primitive
def conformance_new_mul(x, y):
    return x * y


def new_mul_vjp_x(g, ans, x, y):
    return g * y


def new_mul_vjp_y(g, ans, x, y):
    return g * x


def new_mul_jvp_x(t, ans, x, y):
    return t * y


def new_mul_jvp_y(t, ans, x, y):
    return x * t


s2sad.defvjp(conformance_new_mul, new_mul_vjp_x, new_mul_vjp_y)
s2sad.defjvp(conformance_new_mul, new_mul_jvp_x, new_mul_jvp_y)


def defgrad_fun(x, y):
    return np.sum(np.sin(conformance_new_mul(x, y)))


# ---------------------------------------------------------------- test_jacobian.py


def jac_against_grad(x):
    return np.sum(np.sin(x), axis=1, keepdims=True)


def scalar_to_vector(x):
    return np.array([x, x ** 2, x ** 3])


def stacked_grads(x):
    # the third row is grad(lambda y: np.exp(y) * np.tanh(x[0]))(x[1]), written out
    return np.array([np.sum(x ** 3), np.prod(np.sin(x) + np.sin(x)), np.exp(x[1]) * np.tanh(x[0])])


def _inner_exp_tanh(y, x0):
    return np.exp(y) * np.tanh(x0)


_inner_grad = s2sad.grad(_inner_exp_tanh)


def stacked_grads_nested(x):
    # the same third row as a call of a generated gradient
    return np.array([np.sum(x ** 3), np.prod(np.sin(x) + np.sin(x)), _inner_grad(x[1], x[0])])


def outer_sin_cos(x):
    return np.sin(np.outer(x, x)) + np.cos(np.dot(x, x))


def outer_sin_cos_jacobian(x):
    # jacobian(outer_sin_cos)(x), written out: shape (n, n, n)
    n = x.shape[0]
    eye = np.eye(n)
    c = np.cos(np.outer(x, x))
    d = eye[:, None, :] * x[None, :, None] + x[:, None, None] * eye[None, :, :]
    return c[:, :, None] * d - 2.0 * np.sin(np.dot(x, x)) * x[None, None, :]


def sum_sin_jacobian(x):
    return np.sum(np.sin(outer_sin_cos_jacobian(x)))


# ---------------------------------------------------------------- test_graphs.py


def grad_fanout(x):
    return np.sin(np.sin(x) + np.sin(x))


def grad_const(x):
    return 1.0


def grad_identity(x):
    return x


def hess_fun(x):
    return np.sin(np.dot(x, RANDV_10))


_hess_df = s2sad.grad(hess_fun)


def vector_product(x, v):
    return np.sin(np.dot(v, _hess_df(x)))


def _inner_fun(y, x):
    return x * y


def _inner_fun_2(y, x):
    return y * x


_inner_df = s2sad.grad(_inner_fun)
_inner_df_2 = s2sad.grad(_inner_fun_2)


def enclosing_scope_ref(x):
    return x * _inner_df(2.0, x)


def enclosing_scope_ref_2(x):
    return x * _inner_df_2(2.0, x)


def enclosing_scope_lambda(x):
    inner_fun = lambda y: x * y  # noqa: E731 -- autograd's own form: a lambda closing over x
    return x * inner_fun(2.0)


def mutating_outgrad(a):
    b = a + 1.0
    c = b + 1.5
    d = a + b
    e = d + c
    return np.sum(np.sin(e))


def mutating_outgrad_from_indexing(a):
    b = a + 1.0
    c = b[0] + 1.5
    d = a + b
    e = d + c
    return np.sum(np.sin(e))


def complex_mutating_outgrad(a):
    b = a + 1.0j
    c = b[0] + 1.5
    d = a + b
    e = d + c
    return np.sum(np.sin(e))


def third_deriv_two(x, y):
    return np.sin(np.sin(x) + np.sin(y))


def singleton_keepdims(x):
    return np.sum(np.sin(x), keepdims=True)


def singleton_axis0_keepdims(x):
    return np.sum(np.sin(x), axis=0, keepdims=True)


def singleton_axis1_keepdims(x):
    return np.sum(np.sin(x), axis=1, keepdims=True)


def singleton_axis0(x):
    return np.sum(np.sin(x), axis=0, keepdims=False)


def singleton_axis1(x):
    return np.sum(np.sin(x), axis=1, keepdims=False)



# ---------------------------------------------------------------- the cases

FIRST = ("reverse", "forward")


def _w(name, fn, *args, **kw):
    return Case(suite=SUITE_W, name=name, fn=fn, args=tuple(args), **kw)


def _j(name, fn, *args, **kw):
    return Case(suite=SUITE_J, name=name, fn=fn, args=tuple(args), **kw)


def _g(name, fn, *args, **kw):
    return Case(suite=SUITE_G, name=name, fn=fn, args=tuple(args), **kw)


CASES: list[Case] = [
    _w("test_return_both", return_both, 1.7),
    _w("test_value_and_grad", value_and_grad_fun, _randn(5)),
    _w("test_hessian", quadratic_form, _randn(5)),
    _w("test_multigrad", complicated_fun, 0.5, -0.3, 0.2, -1.1, 0.7, 0.6, -0.1, wrt=("d", "b")),
    _w("test_multigrad[defaults]", complicated_fun, 0.5, -0.3, 0.2, -1.1, 0.7, wrt=("d", "b")),
    _w("test_multigrad[all]", complicated_fun, 0.5, -0.3, 0.2, -1.1, 0.7, 0.6, -0.1),
    _w("test_multigrad[keywords]", complicated_fun_kw, 0.5, -0.3, 0.2, -1.1, 0.7, wrt=("d", "b")),
    _w("test_multigrad_onearg", multigrad_onearg, _randn(3), _randn(3)),
    _w("test_elementwise_grad", elementwise_fun, _randn(10), modes=FIRST),
    _w("test_elementwise_grad_multiple_args", elementwise_fun_two, 0.9, _randn(10), wrt=("b",), modes=FIRST),
    _w("test_elementwise_grad_multiple_args[all]", elementwise_fun_two, 0.9, _randn(10), modes=FIRST),
    _w("test_hessian_vector_product", sum_sin, _randn(5)),
    _w("test_hessian_matrix_product", sum_sin, _randn(5, 4)),
    _w("test_hessian_tensor_product", sum_sin, _randn(5, 4, 3)),
    _w("test_vector_jacobian_product", roll_sin, _randn(5), modes=FIRST),
    _w("test_matrix_jacobian_product", roll_sin, _randn(5, 4), modes=FIRST),
    _w("test_tensor_jacobian_product", roll_sin, _randn(5, 4, 3), modes=FIRST),
    _w("test_deprecated_defgrad_wrapper", defgrad_fun, _randn(2, 2), _randn(2, 2), modes=FIRST),
    _w("test_deprecated_defgrad_wrapper[second]", defgrad_fun, _randn(2, 2), _randn(2, 2), modes=("second",),
       extra={"note": "second order through user VJP rules that are plain Python"},
       # README (Custom rules): a rule is itself opaque, so a second derivative through it needs rules for the rules
       refusal="has no JVP rule"),
    _w("test_partial[default]", f_partial, 1.5),
    _w("test_dtypes[float64]", sum_squares, _randn(10, 10)),
    _w("test_dtypes[float32]", sum_squares, _randn(10, 10).astype(np.float32), wrt=("x",), tol=1e-4,
       extra={"note": "autograd asserts the gradient keeps dtype float32"}),
    _w("test_checkpoint_correctness[foo]", checkpoint_foo, 3.0),
    _w("test_checkpoint_correctness[foobaz]", checkpoint_foobaz, 3.0),
    _w("checkpoint_memory[testfun]", checkpoint_testfun, _randn(20)),
    _w("test_make_jvp", make_jvp_fun, _randn(5), modes=FIRST),
    _w("test_make_ggnvp", ggnvp_default, _randn(4)),
    _w("test_make_ggnvp_nondefault_g", ggnvp_nondefault, _randn(4)),
    _w("test_grad_and_aux", grad_and_aux_fun, _randn(4), modes=FIRST),
    _j("test_jacobian_against_grad", jac_against_grad, _randn(1, 3), modes=FIRST),
    _j("test_jacobian_scalar_to_vector", scalar_to_vector, float(_randn()), modes=FIRST),
    _j("test_jacobian_against_stacked_grads", stacked_grads, _randn(5), modes=FIRST),
    _j("test_jacobian_against_stacked_grads[nested_grad]", stacked_grads_nested, _randn(5), modes=FIRST),
    _j("test_jacobian_higher_order[fun]", outer_sin_cos, _randn(2), modes=FIRST),
    _j("test_jacobian_higher_order[jacobian]", outer_sin_cos_jacobian, _randn(2), modes=FIRST),
    _j("test_jacobian_higher_order[sum_sin_jacobian]", sum_sin_jacobian, _randn(2)),
    _j("test_jacobian_higher_order[sum_sin_jacobian,3]", sum_sin_jacobian, _randn(3)),
    _g("test_grad_fanout", grad_fanout, float(_randn())),
    _g("test_grad_fanout[rand]", grad_fanout, float(_rng.random())),
    _g("test_grad_const", grad_const, 2.0),
    _g("test_grad_identity", grad_identity, 2.0),
    _g("test_hess_vector_prod[fun]", hess_fun, _randn(10)),
    _g("test_hess_vector_prod[vector_product]", vector_product, _randn(10), _randn(10)),
    _g("test_enclosing_scope_ref", enclosing_scope_ref, 1.0),
    _g("test_enclosing_scope_ref_2", enclosing_scope_ref_2, 1.0),
    _g("test_enclosing_scope_ref[lambda]", enclosing_scope_lambda, 1.0,
       refusal="lambda is not supported"),
    _g("test_mutating_outgrad", mutating_outgrad, _randn(5)),
    _g("test_mutating_outgrad_from_indexing", mutating_outgrad_from_indexing, _randn(5)),
    _g("test_complex_mutating_outgrad_from_indexing", complex_mutating_outgrad, _randn(5),
       refusal="complex literals are not supported"),
    _g("test_third_derivative", grad_fanout, float(_randn())),
    _g("test_third_derivative_other_args", third_deriv_two, float(_randn()), float(_randn())),
    _g("test_third_derivative_other_args[y]", third_deriv_two, float(_randn()), float(_randn()), wrt=("y",)),
    _g("test_singleton_array_output", singleton_keepdims, _randn(3, 3), modes=FIRST),
    _g("test_singleton_array_output_axis0[keepdims]", singleton_axis0_keepdims, _randn(3, 1), modes=FIRST),
    _g("test_singleton_array_output_axis1[keepdims]", singleton_axis1_keepdims, _randn(1, 3), modes=FIRST),
    _g("test_singleton_array_output_axis0", singleton_axis0, _randn(3, 1), modes=FIRST),
    _g("test_singleton_array_output_axis1", singleton_axis1, _randn(1, 3), modes=FIRST),
]
