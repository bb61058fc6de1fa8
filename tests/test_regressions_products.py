"""Regressions of the products (issue 20): np.dot of stacks, the interleaved einsum, einsum's
broadcast '...' after other indices, np.inner of numbers, np.cross with axis keywords and
2-vectors, and bad einsum subscripts said at the user's line.

Each derivative is checked in reverse mode with random cotangents, in forward mode, and to second
order where the output is a number. The references are autograd, or, for a product (linear in
each operand), the product itself applied to the unit arrays: exact, and independent of any rule.
"""
from __future__ import annotations

import warnings

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import s2sad

RNG = np.random.default_rng(20)


def normal(*shape):
    return float(RNG.standard_normal()) if not shape else RNG.standard_normal(shape)


def linear_vjp(fn, args, k, g):
    """<g, fn(args)> differentiated by argument k, for fn linear in that argument: by unit arrays."""
    x = np.asarray(args[k], dtype=float)
    out = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape):
        e = np.zeros(x.shape)
        e[idx] = 1.0
        out[idx] = np.sum(fn(*args[:k], e if x.shape else 1.0, *args[k + 1:]) * g)
    return out if x.shape else float(out)


def linear_jvp(fn, args, tangents):
    """The tangent of a multilinear fn: one term per argument, that argument replaced by its tangent."""
    return sum(fn(*args[:k], t, *args[k + 1:]) for k, t in enumerate(tangents))


def check_product(fn, args, rtol=1e-10, atol=1e-12):
    """Reverse mode with a random cotangent and forward mode with random tangents, against `linear_*`."""
    value, pullback = s2sad.vjp(fn, *args)
    np.testing.assert_allclose(value, fn(*args), rtol=rtol, atol=atol)
    g = normal(*np.shape(value))
    got = pullback(g)
    for k, a in enumerate(args):
        assert np.shape(got[k]) == np.shape(a)
        np.testing.assert_allclose(got[k], linear_vjp(fn, args, k, g), rtol=rtol, atol=atol)
    tangents = tuple(normal(*np.shape(a)) for a in args)
    _, tangent = s2sad.jvp(fn, args, tangents)
    np.testing.assert_allclose(tangent, linear_jvp(fn, args, tangents), rtol=rtol, atol=atol)


# -- 1. np.dot of stacks is np.tensordot(x, y, (-1, -2)), not `@` -------------------------------------


def dot_(x, y): return np.dot(x, y)
def dot_method(x, y): return x.dot(y)
def dot_loss(x, y, c): return np.sum(np.sin(np.dot(x, y)) * c)
def dot_loss_ag(x, y, c): return anp.sum(anp.sin(anp.dot(x, y)) * c)


DOT_SHAPES = [((2, 3), (2, 3, 4)), ((3,), (2, 3, 4)), ((2, 2, 3), (3,)), ((2, 2, 3), (3, 2)), ((), (2, 3)),
              ((2, 3), ()), ((2, 2, 3), (4, 3, 2)), ((3, 4), (4,)), ((3, 4), (4, 2))]


@pytest.mark.parametrize("sx, sy", DOT_SHAPES)
def test_dot_of_every_rank(sx, sy):
    check_product(dot_, (normal(*sx), normal(*sy)))


def test_dot_method_of_stacks():
    check_product(dot_method, (normal(2, 3), normal(2, 3, 4)))


@pytest.mark.parametrize("sx, sy", [((2, 3), (2, 3, 4)), ((2, 2, 3), (4, 3, 2)), ((3,), (2, 3, 2))])
def test_dot_of_stacks_to_second_order(sx, sy):
    x, y = normal(*sx), normal(*sy)
    c = normal(*np.shape(np.dot(x, y)))
    for k in (0, 1):
        np.testing.assert_allclose(s2sad.grad(dot_loss, wrt=k)(x, y, c), autograd.grad(dot_loss_ag, k)(x, y, c), rtol=1e-10)
        np.testing.assert_allclose(s2sad.hessian(dot_loss, wrt=k)(x, y, c), autograd.hessian(dot_loss_ag, k)(x, y, c),
                                   rtol=1e-9, atol=1e-12)


def test_dot_of_matrices_keeps_the_lectures_adjoint():
    x, y = normal(3, 4), normal(4, 2)
    text = s2sad.source(dot_loss, "grad", wrt=(0, 1), args=(x, y, normal(3, 2)))
    assert " @ y.T\n" in text and "y_bar = x.T @ " in text and "dot_adjoint" not in text


# -- 2. the interleaved form np.einsum(x, [0, 1], y, [1, 2], [0, 2]) --------------------------------


def einsum_sublists(x, y): return np.einsum(x, (0, 1), y, (1, 2), (0, 2))
def einsum_sublists_implicit(x, y): return np.einsum(x, [0, 1], y, [1, 2])
def einsum_sublists_dots(x, y): return np.einsum(x, [Ellipsis, 0, 1], y, [1, 2], [Ellipsis, 0, 2])
def einsum_sublists_three(x, y, z): return np.einsum(x, [0, 1], y, [1, 2], z, [2, 3], [3, 0])
def einsum_sublists_trace(x): return np.einsum(x, [0, 0])
def einsum_sublists_loss(x, y): return np.sum(np.tanh(np.einsum(x, [0, 1], y, [1, 2], [0, 2])))
def einsum_string_loss_ag(x, y): return anp.sum(anp.tanh(anp.einsum("ab,bc->ac", x, y)))
def einsum_sublists_variable(x, s): return np.sum(np.einsum(x, s))


@pytest.mark.parametrize("fn, shapes", [
    (einsum_sublists, [(2, 3), (3, 4)]), (einsum_sublists_implicit, [(2, 3), (3, 4)]),
    (einsum_sublists_dots, [(2, 2, 3), (3, 4)]), (einsum_sublists_dots, [(2, 1, 2, 3), (3, 4)]),
    (einsum_sublists_three, [(2, 3), (3, 4), (4, 2)]), (einsum_sublists_trace, [(3, 3)]),
])
def test_interleaved_einsum(fn, shapes):
    check_product(fn, tuple(normal(*s) for s in shapes))


def test_interleaved_einsum_reads_as_a_string_einsum():
    text = s2sad.source(einsum_sublists, "reverse", wrt=(0, 1))
    assert "x_bar = unbroadcast(np.einsum('ac,bc->ab', einsum_sublists_bar, y), x)" in text
    assert "y_bar = unbroadcast(np.einsum('ac,ab->bc', einsum_sublists_bar, x), y)" in text


def test_interleaved_einsum_to_second_order():
    x, y = normal(2, 3), normal(3, 2)
    for k in (0, 1):
        np.testing.assert_allclose(s2sad.hessian(einsum_sublists_loss, wrt=k)(x, y),
                                   autograd.hessian(einsum_string_loss_ag, k)(x, y), rtol=1e-9, atol=1e-12)


def test_interleaved_einsum_needs_constant_sublists():
    with pytest.raises(s2sad.S2SADError, match="constant subscripts") as info:
        s2sad.grad(einsum_sublists_variable)(normal(2, 3), [0, 1])
    assert info.value.filename == __file__
    assert info.value.lineno == einsum_sublists_variable.__code__.co_firstlineno


# -- 3. a '...' after other indices, broadcast (fewer axes, or axes of length one) -------------------


def einsum_dots_inside(a, b): return np.einsum("j...k,lj...->lk...", a, b)
def einsum_dots_implicit(a, b): return np.einsum("j...k,lj...", a, b)
def einsum_dots_diagonal(a, b): return np.einsum("ii...,i...->i...", a, b)
def einsum_dots_diagonal_apart(a, b): return np.einsum("i...i,j...i->ij...", a, b)
def einsum_dots_loss(a, b, d): return np.sum(np.sin(np.einsum("j...k,lj...->lk...", a, b)) * d)
def einsum_dots_loss_ag(a, b, d): return anp.sum(anp.sin(anp.einsum("j...k,lj...->lk...", a, b)) * d)


@pytest.mark.parametrize("fn, sa, sb", [
    (einsum_dots_inside, (3, 4), (2, 3, 5)), (einsum_dots_inside, (3, 1, 4), (2, 3, 5, 6)),
    (einsum_dots_inside, (3, 2, 1, 4), (2, 3, 5)), (einsum_dots_inside, (3, 5, 4), (2, 3, 1)),
    (einsum_dots_implicit, (3, 1, 4), (2, 3, 5)),
    (einsum_dots_diagonal, (3, 3, 1), (3, 5)), (einsum_dots_diagonal, (3, 3), (3, 2, 5)),
    (einsum_dots_diagonal_apart, (3, 1, 3), (2, 5, 3)), (einsum_dots_diagonal_apart, (3, 3), (2, 4, 3)),
])
def test_einsum_broadcast_dots_are_summed_back(fn, sa, sb):
    check_product(fn, (normal(*sa), normal(*sb)))


def test_einsum_broadcast_dots_to_second_order():
    a, b = normal(3, 1, 4), normal(2, 3, 5)
    d = normal(2, 4, 5)
    for k in (0, 1):
        np.testing.assert_allclose(s2sad.grad(einsum_dots_loss, wrt=k)(a, b, d), autograd.grad(einsum_dots_loss_ag, k)(a, b, d),
                                   rtol=1e-10)
        np.testing.assert_allclose(s2sad.hessian(einsum_dots_loss, wrt=k)(a, b, d),
                                   autograd.hessian(einsum_dots_loss_ag, k)(a, b, d), rtol=1e-9, atol=1e-12)


# -- 4. np.inner with a number ----------------------------------------------------------------------


def inner_(a, b): return np.inner(a, b)
def inner_loss(a, b): return np.sum(np.inner(a, b) ** 2)
def inner_loss_ag(a, b): return anp.sum(anp.inner(a, b) ** 2)


@pytest.mark.parametrize("sa, sb", [((), ()), ((), (2, 3)), ((3,), ()), ((3,), (3,)), ((2, 3), (4, 3))])
def test_inner_with_numbers(sa, sb):
    check_product(inner_, (normal(*sa), normal(*sb)))


@pytest.mark.parametrize("sa, sb", [((), ()), ((), (3,)), ((2, 3), ())])
def test_inner_with_numbers_to_second_order(sa, sb):
    a, b = normal(*sa), normal(*sb)
    for got, want in zip(s2sad.grad(inner_loss, wrt=(0, 1))(a, b), autograd.grad(inner_loss_ag, (0, 1))(a, b)):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    for k in (0, 1):
        np.testing.assert_allclose(s2sad.hessian(inner_loss, wrt=k)(a, b), autograd.hessian(inner_loss_ag, k)(a, b),
                                   rtol=1e-10, atol=1e-12)


# -- 5. np.cross with axisa, axisb, axisc, axis, and 2-vectors ---------------------------------------


def cross_axes(a, b): return np.cross(a, b, axisa=0, axisb=1, axisc=0)
def cross_axis(a, b): return np.cross(a, b, axis=0)
def cross_axisc(a, b): return np.cross(a, b, axisc=0)
def cross_(a, b): return np.cross(a, b)
def cross_axes_loss(a, b): return np.sum(np.cross(a, b, axisa=0, axisb=1, axisc=0) ** 2)
def cross_axes_loss_ag(a, b): return anp.sum(anp.cross(a, b, axisa=0, axisb=1, axisc=0) ** 2)
def cross_planar_loss(a, b): return np.sum(np.cross(a, b) ** 2)


@pytest.mark.parametrize("fn, sa, sb", [
    (cross_axes, (3, 4), (4, 3)), (cross_axes, (3, 1), (4, 3)), (cross_axis, (3, 4), (3, 1)),
    (cross_axisc, (4, 3), (4, 3)), (cross_axisc, (2, 4, 3), (3,)),
    (cross_, (2,), (2,)), (cross_, (4, 2), (4, 2)), (cross_, (2,), (3,)), (cross_, (4, 3), (1, 2)),
    (cross_axis, (2, 4), (2, 4)), (cross_axes, (2, 4), (4, 3)),
])
def test_cross_with_axes_and_2_vectors(fn, sa, sb):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # NumPy 2 deprecates 2-vectors in np.cross
        check_product(fn, (normal(*sa), normal(*sb)))


def test_cross_with_axes_to_second_order():
    a, b = normal(3, 4), normal(4, 3)
    for k in (0, 1):
        np.testing.assert_allclose(s2sad.grad(cross_axes_loss, wrt=k)(a, b), autograd.grad(cross_axes_loss_ag, k)(a, b), rtol=1e-10)
        np.testing.assert_allclose(s2sad.hessian(cross_axes_loss, wrt=k)(a, b), autograd.hessian(cross_axes_loss_ag, k)(a, b),
                                   rtol=1e-10, atol=1e-12)


def test_cross_of_2_vectors_to_second_order():
    a, b = normal(4, 2), normal(4, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        # The loss is quadratic in a: its Hessian is 2 J^T J, J the Jacobian of a -> cross(a, b).
        jac = np.stack([linear_vjp(cross_, (a, b), 0, e) for e in np.eye(4)])  # (4 outputs, 4, 2)
        want = 2 * np.einsum("oij,okl->ijkl", jac, jac)
        np.testing.assert_allclose(s2sad.hessian(cross_planar_loss, wrt=0)(a, b), want, rtol=1e-10, atol=1e-12)


def test_cross_adjoint_reads_as_a_helper():
    text = s2sad.source(cross_axes_loss, "reverse", wrt=(0, 1))
    assert "a_bar = cross_adjoint_a(t1_bar, a, b, axisa=0, axisb=1, axisc=0)" in text


# -- 6. bad einsum subscripts: an S2SADError at the user's line ---------------------------------------


def einsum_unknown_output(a, b): return np.sum(np.einsum("ij,jk->il", a, b))
def einsum_too_few_operands(a, b): return np.sum(np.einsum("ij,jk,kl->il", a, b))
def einsum_repeated_output(a, b): return np.sum(np.einsum("ij,jk->iik", a, b))
def einsum_bad_letter(a, b): return np.sum(np.einsum("i1,1k->ik", a, b))
def einsum_unknown_keyword(a): return np.sum(np.einsum("ij->i", a, dtype=None))


@pytest.mark.parametrize("fn, message", [
    (einsum_unknown_output, "output index 'l' is in no input"), (einsum_too_few_operands, "name 3 operands, but 2"),
    (einsum_repeated_output, "repeats the index 'i'"), (einsum_bad_letter, "hold '1'"),
    (einsum_unknown_keyword, "keyword argument 'dtype'"),
])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_bad_einsum_is_said_at_the_users_line(fn, message, mode):
    args = (normal(2, 2), normal(2, 2))[: fn.__code__.co_argcount]
    with pytest.raises(s2sad.S2SADError, match=message) as info:
        if mode == "reverse":
            s2sad.grad(fn)(*args)
        else:
            s2sad.jvp(fn, args, args)
    assert info.value.filename == __file__
    assert info.value.lineno == fn.__code__.co_firstlineno
    assert "np.einsum" in info.value.source_line


def einsum_sublists_four(w, x, y, z): return np.einsum(w, [0, 1], x, [1, 2], y, [2, 3], z, [3, 0])
def einsum_optimized(a, b): return np.einsum("ij,jk->ik", a, b, optimize=True)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_interleaved_einsum_of_four_operands_is_refused(mode):
    # The eighth argument lands in `optimize`'s place: refused, never a derivative that drops z.
    args = tuple(normal(2, 2) for _ in range(4))
    with pytest.raises(s2sad.S2SADError, match="at most three operands") as info:
        s2sad.vjp(einsum_sublists_four, *args)[1](normal(*np.shape(einsum_sublists_four(*args)))) if mode == "reverse" \
            else s2sad.jvp(einsum_sublists_four, args, args)
    assert info.value.lineno == einsum_sublists_four.__code__.co_firstlineno


def test_einsum_optimize_keeps_its_readable_adjoint():
    check_product(einsum_optimized, (normal(3, 4), normal(4, 2)))
    assert "a_bar = unbroadcast(np.einsum('ik,jk->ij', einsum_optimized_bar, b), a)" in s2sad.source(einsum_optimized, "reverse", wrt=(0, 1))


def test_einsum_adjoint_runtime_fallback_reads_both_forms():
    from s2sad import runtime

    x, y, g = normal(2, 3), normal(3, 4), normal(2, 4)
    np.testing.assert_allclose(runtime.einsum_adjoint(g, x, -1, (0, 1), y, (1, 2), (0, 2)), g @ y.T)
    np.testing.assert_allclose(runtime.einsum_adjoint(g, x, 1, (0, 1), y, (1, 2), (0, 2)), x.T @ g)
    a, b = normal(3, 1, 4), normal(2, 3, 5)
    gd = normal(2, 4, 5)
    np.testing.assert_allclose(runtime.einsum_adjoint(gd, "j...k,lj...->lk...", 0, a, b),
                               linear_vjp(einsum_dots_inside, (a, b), 0, gd), rtol=1e-12)
    with pytest.raises(ValueError, match="in no input"):
        runtime.einsum_adjoint(g, "ij,jk->il", 0, x, y)
