"""Products -- vdot, inner, outer, tensordot, einsum, kron, cross -- and the
readable einsum adjoints s2sad writes out."""
from __future__ import annotations

import numpy as np
import pytest
from test_numpy_cases import Case, Inputs

import s2sad
from s2sad import runtime

I = Inputs(11)


def vdot_(a, b): return np.vdot(a, b)
def inner_(a, b): return np.inner(a, b)
def outer_(a, b): return np.outer(a, b)
def tensordot_int(a, b): return np.tensordot(a, b, 1)
def tensordot_two(a, b): return np.tensordot(a, b)
def tensordot_pairs(a, b): return np.tensordot(a, b, axes=([1, 0], [0, 2]))
def tensordot_zero(a, b): return np.tensordot(a, b, 0)
def kron_(a, b): return np.kron(a, b)
def cross_(a, b): return np.cross(a, b)
def tensordot_adjoint_a_(y, a, b): return runtime.tensordot_adjoint_a(y, a, b, ([1, 0], [0, 2]))
def tensordot_adjoint_b_(y, a, b): return runtime.tensordot_adjoint_b(y, a, b, 1)
def kron_adjoint_a_(y, a, b): return runtime.kron_adjoint_a(y, a, b)
def kron_adjoint_b_(y, a, b): return runtime.kron_adjoint_b(y, a, b)
def dot_(a, b): return np.dot(a, b)
def convolve_(a, v): return np.convolve(a, v)
def convolve_valid(a, v): return np.convolve(a, v, "valid")
def convolve_same(a, v): return np.convolve(a, v, mode="same")
def convolve_adjoint_a_(y, a, v): return runtime.convolve_adjoint_a(y, a, v, "same")
def convolve_adjoint_v_(y, a, v): return runtime.convolve_adjoint_v(y, a, v, "valid")
def cross_axes(a, b): return np.cross(a, b, axisa=0, axisb=1, axisc=0)
def cross_axis(a, b): return np.cross(a, b, axis=0)
def dot_adjoint_a_(y, a, b): return runtime.dot_adjoint_a(y, a, b)
def dot_adjoint_b_(y, a, b): return runtime.dot_adjoint_b(y, a, b)
def inner_adjoint_a_(y, a, b): return runtime.inner_adjoint_a(y, a, b)
def inner_adjoint_b_(y, a, b): return runtime.inner_adjoint_b(y, a, b)
def cross_adjoint_a_(y, a, b): return runtime.cross_adjoint_a(y, a, b, axisa=0, axisb=1, axisc=0)
def cross_adjoint_b_(y, a, b): return runtime.cross_adjoint_b(y, a, b, axisa=0, axisb=1, axisc=0)

# einsum: explicit and implicit outputs, '...', a diagonal, a trace, an index only one operand has.


def einsum_matmul(a, b): return np.einsum("ij,jk->ik", a, b)
def einsum_implicit(a, b): return np.einsum("ij,jk", a, b)
def einsum_three(a, b, c): return np.einsum("ij,jk,kl->il", a, b, c)
def einsum_batch(a, b): return np.einsum("...ij,...jk->...ik", a, b)
def einsum_batch_vector(a, b): return np.einsum("...ij,j", a, b)
def einsum_diagonal(a): return np.einsum("ii->i", a)
def einsum_trace(a): return np.einsum("ii", a)
def einsum_row_sums(a): return np.einsum("ij->i", a)
def einsum_outer(a, b): return np.einsum("i,j->ij", a, b)
def einsum_dot(a, b): return np.einsum("i,i", a, b)
def einsum_transpose(a): return np.einsum("ijk->kji", a)
def einsum_bilinear(x, w, y): return np.einsum("bi,oij,bj->bo", x, w, y)
def einsum_diagonal_product(a, b): return np.einsum("ii,ij->j", a, b)
def einsum_interleaved(a, b): return np.einsum(a, [0, 1], b, [1, 2], [0, 2])
def einsum_interleaved_dots(a, b): return np.einsum(a, [Ellipsis, 0, 1], b, [1, 2])
def einsum_inner_dots(a, b): return np.einsum("j...k,lj...->lk...", a, b)


CASES: list[Case] = [
    Case("vdot", vdot_, (I.normal(3, 4), I.normal(3, 4))), Case("vdot", vdot_, (I.normal(3, 4), I.normal(12))),
    Case("inner", inner_, (I.normal(4), I.normal(4))), Case("inner", inner_, (I.normal(3, 4), I.normal(2, 4))),
    Case("inner", inner_, (I.normal(2, 3, 4), I.normal(4))),
    Case("outer", outer_, (I.normal(3), I.normal(4))), Case("outer", outer_, (I.normal(2, 2), I.normal(3))),
    Case("tensordot", tensordot_int, (I.normal(3, 4), I.normal(4, 5))),
    Case("tensordot", tensordot_two, (I.normal(2, 3, 4), I.normal(3, 4, 5))),
    Case("tensordot", tensordot_pairs, (I.normal(3, 2, 4), I.normal(2, 5, 3)), label="axes=([1, 0], [0, 2])"),
    Case("tensordot", tensordot_zero, (I.normal(3), I.normal(2, 2)), label="axes=0"),
    Case("kron", kron_, (I.normal(2, 3), I.normal(3, 2))), Case("kron", kron_, (I.normal(3), I.normal(2))),
    Case("kron", kron_, (I.normal(2, 2), I.normal(3))),
    Case("cross", cross_, (I.normal(3), I.normal(3))), Case("cross", cross_, (I.normal(4, 3), I.normal(1, 3))),
    Case("tensordot_adjoint_a_", tensordot_adjoint_a_, (I.normal(4, 5), I.normal(3, 2, 4), I.normal(2, 5, 3))),
    Case("tensordot_adjoint_b_", tensordot_adjoint_b_, (I.normal(3, 5), I.normal(3, 4), I.normal(4, 5))),
    Case("kron_adjoint_a_", kron_adjoint_a_, (I.normal(6, 6), I.normal(2, 3), I.normal(3, 2))),
    Case("kron_adjoint_b_", kron_adjoint_b_, (I.normal(6, 6), I.normal(2, 3), I.normal(3, 2))),
    Case("einsum", einsum_matmul, (I.normal(3, 4), I.normal(4, 2))),
    Case("einsum", einsum_implicit, (I.normal(3, 4), I.normal(4, 2))),
    Case("einsum", einsum_three, (I.normal(2, 3), I.normal(3, 4), I.normal(4, 2))),
    Case("einsum", einsum_batch, (I.normal(2, 3, 4), I.normal(2, 4, 2))),
    Case("einsum", einsum_batch, (I.normal(2, 3, 4), I.normal(4, 2)), label="broadcast '...'"),
    Case("einsum", einsum_batch_vector, (I.normal(2, 3, 4), I.normal(4))),
    Case("einsum", einsum_diagonal, (I.normal(3, 3),)), Case("einsum", einsum_trace, (I.normal(3, 3),)),
    Case("einsum", einsum_row_sums, (I.normal(3, 4),)), Case("einsum", einsum_outer, (I.normal(3), I.normal(4))),
    Case("einsum", einsum_dot, (I.normal(4), I.normal(4))), Case("einsum", einsum_transpose, (I.normal(2, 3, 4),)),
    Case("einsum", einsum_bilinear, (I.normal(5, 3), I.normal(2, 3, 4), I.normal(5, 4))),
    Case("einsum", einsum_diagonal_product, (I.normal(3, 3), I.normal(3, 4))),
    # np.dot of stacks is a tensordot, not `@`; numbers; inner and cross of every rank and axis
    Case("dot", dot_, (I.normal(2, 3), I.normal(2, 3, 4)), label="matrix . stack", also=("dot_adjoint_a_", "dot_adjoint_b_")),
    Case("dot", dot_, (I.normal(2, 2, 3), I.normal(3, 2))), Case("dot", dot_, (I.normal(3), I.normal(2, 3, 2))),
    Case("dot", dot_, (I.normal(), I.normal(2, 3))),
    Case("inner", inner_, (I.normal(), I.normal())), Case("inner", inner_, (I.normal(), I.normal(2, 3))),
    Case("inner", inner_, (I.normal(2, 3), I.normal())),
    Case("cross", cross_axes, (I.normal(3, 4), I.normal(4, 3)), label="axisa=0, axisb=1, axisc=0"),
    Case("cross", cross_axis, (I.normal(3, 2), I.normal(3, 1)), label="axis=0"),
    Case("dot_adjoint_a_", dot_adjoint_a_, (I.normal(2, 2, 4), I.normal(2, 3), I.normal(2, 3, 4))),
    Case("dot_adjoint_b_", dot_adjoint_b_, (I.normal(2, 2, 4), I.normal(2, 3), I.normal(2, 3, 4))),
    Case("dot_adjoint_a_", dot_adjoint_a_, (I.normal(3, 2), I.normal(3, 4), I.normal(4, 2)), label="matrices"),
    Case("inner_adjoint_a_", inner_adjoint_a_, (I.normal(3, 2), I.normal(3, 4), I.normal(2, 4))),
    Case("inner_adjoint_b_", inner_adjoint_b_, (I.normal(3), I.normal(), I.normal(3))),
    Case("cross_adjoint_a_", cross_adjoint_a_, (I.normal(3, 4), I.normal(3, 4), I.normal(4, 3))),
    Case("cross_adjoint_b_", cross_adjoint_b_, (I.normal(3, 4), I.normal(3, 4), I.normal(4, 3))),
    Case("einsum", einsum_interleaved, (I.normal(2, 3), I.normal(3, 4)), label="interleaved"),
    Case("einsum", einsum_interleaved_dots, (I.normal(2, 2, 3), I.normal(3, 4)), label="interleaved '...'"),
    # np.convolve: each mode, the longer operand first or second (NumPy swaps them), and its adjoints
    Case("convolve", convolve_, (I.normal(5), I.normal(3))), Case("convolve", convolve_, (I.normal(2), I.normal(4))),
    Case("convolve", convolve_valid, (I.normal(5), I.normal(3)), label="valid"),
    Case("convolve", convolve_valid, (I.normal(3), I.normal(6)), label="valid, v longer"),
    Case("convolve", convolve_same, (I.normal(6), I.normal(3)), label="same"),
    Case("convolve", convolve_same, (I.normal(4), I.normal(5)), label="same, v longer"),
    Case("convolve_adjoint_a_", convolve_adjoint_a_, (I.normal(6), I.normal(6), I.normal(4))),
    Case("convolve_adjoint_v_", convolve_adjoint_v_, (I.normal(3), I.normal(6), I.normal(4))),
    Case("einsum", einsum_inner_dots, (I.normal(3, 1, 4), I.normal(2, 3, 5)), label="'...' after an index, broadcast"),
]


def test_einsum_adjoints_are_plain_einsums():
    text = s2sad.source(einsum_matmul, "reverse", wrt=(0, 1))
    # j is shared: it may have length one in one operand only (NumPy broadcasts it), hence `unbroadcast`.
    assert "a_bar = unbroadcast(np.einsum('ik,jk->ij', einsum_matmul_bar, b), a)" in text
    assert "b_bar = unbroadcast(np.einsum('ik,ij->jk', einsum_matmul_bar, a), b)" in text
    text = s2sad.source(einsum_trace, "reverse")
    assert "a_bar = np.einsum(',ia->ia', einsum_trace_bar, np.eye(np.shape(a)[1]))" in text
    text = s2sad.source(einsum_row_sums, "reverse")
    assert "a_bar = np.einsum('i,j->ij', einsum_row_sums_bar, np.ones(np.shape(a)[1]))" in text


def einsum_with_variable_subscripts(s, a):
    return np.einsum(s, a)


def test_einsum_needs_constant_subscripts():
    with pytest.raises(s2sad.S2SADError, match="constant subscripts"):
        s2sad.grad(sum_of_einsum_with_variable_subscripts, wrt=1)("ij->i", np.ones((2, 2)))


def sum_of_einsum_with_variable_subscripts(s, a):
    return np.sum(np.einsum(s, a))


def test_einsum_adjoint_runtime_fallback_matches():
    a, b = I.normal(3, 4), I.normal(4, 2)
    g = I.normal(3, 2)
    np.testing.assert_allclose(runtime.einsum_adjoint(g, "ij,jk->ik", 0, a, b), g @ b.T)
    np.testing.assert_allclose(runtime.einsum_adjoint(g, "ij,jk->ik", 1, a, b), a.T @ g)
