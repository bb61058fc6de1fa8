"""`np.linalg`: the cases the registry walk checks (single and stacked matrices),
and norms at 0."""
from __future__ import annotations

import numpy as np
import pytest
from test_numpy_cases import Case, Inputs

import s2sad
from s2sad import runtime

I = Inputs(17)


def inv_(a): return np.linalg.inv(a)
def det_(a): return np.linalg.det(a)
def slogdet_(a):
    sign, logdet = np.linalg.slogdet(a)
    return logdet * sign


def slogdet_indexed(a): return np.linalg.slogdet(a)[1]
def solve_(a, b): return np.linalg.solve(a, b)
def matrix_power_(a): return np.linalg.matrix_power(a, 3)
def matrix_power_negative(a): return np.linalg.matrix_power(a, -2)
def pinv_(a): return np.linalg.pinv(a)
def lstsq_(a, b):
    x, residuals, rank, s = np.linalg.lstsq(a, b)
    return x


def cholesky_(a): return np.linalg.cholesky(a)
# One array out (check_grads compares flat outputs), built from sign-invariant functions of the vectors.
def eigh_(a):
    w, v = np.linalg.eigh(a)
    return np.concatenate([w, np.ravel(v * v)])


def eigh_upper(a):
    w, v = np.linalg.eigh(a, "U")
    return np.concatenate([w * 2.0, np.ravel(v * v[0])])


def eig_(a):
    w, v = np.linalg.eig(a)
    return np.concatenate([w, np.ravel(v * v)])


def eig_values(a): return np.linalg.eig(a)[0] * np.arange(1.0, 4.0)


def real_spectrum(*shape):
    """A matrix (stack) with real, distinct eigenvalues: p diag(1, 2, 3.5) p^-1 for a random p."""
    p = I.well_conditioned(*shape)
    return p @ (np.array([1.0, 2.0, 3.5])[:, None] * np.linalg.inv(p))


def real_eigenvalues_(w): return runtime.real_eigenvalues(w)
def reduced_u_(u): return runtime.reduced_u(u, np.eye(2)) * 2.0


def qr_(a):
    q, r = np.linalg.qr(a)
    return np.concatenate([np.ravel(q), np.ravel(r)])


def svd_(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.concatenate([np.ravel(u * u[0]), s, np.ravel(vh * vh[:, :1])])


def svd_values(a): return np.linalg.svd(a, compute_uv=False)
def svd_values_positional(a): return np.linalg.svd(a, False, False) * np.arange(1.0, 4.0)


def norm_(x): return np.linalg.norm(x)
def norm_axis(x): return np.linalg.norm(x, axis=1)
def norm_keepdims(x): return np.linalg.norm(x, axis=0, keepdims=True)
def norm_fro(x): return np.linalg.norm(x, "fro")
def norm_frobenius_axes(x): return np.linalg.norm(x, axis=(1, 2))
def norm_1_axis(x): return np.linalg.norm(x, 1, axis=1)
def norm_inf_axis(x): return np.linalg.norm(x, np.inf, axis=-1)
def norm_minus_inf_axis(x): return np.linalg.norm(x, -np.inf, axis=0)
def norm_3_axis(x): return np.linalg.norm(x, 3, axis=1)
def norm_1(x): return np.linalg.norm(x, 1)
def norm_inf(x): return np.linalg.norm(x, np.inf)
def norm_p(x): return np.linalg.norm(x, 3)
def norm_nuc(x): return np.linalg.norm(x, "nuc")
def norm_spectral(x): return np.linalg.norm(x, 2)
def norm_matrix_1(x): return np.linalg.norm(x, 1)
def norm_matrix_inf(x): return np.linalg.norm(x, np.inf)
def norm_matrix_minus_1(x): return np.linalg.norm(x, -1, axis=(0, 1))
def norm_matrix_minus_2(x): return np.linalg.norm(x, -2)
def norm_direction_(x, n): return runtime.norm_direction(x, n, 2)
def norm_direction_matrix(x, n): return runtime.norm_direction(x, n, -2)
_X3, _X34 = I.away(3), I.normal(3, 4)
def norm_direction_partial_(v): return runtime.norm_direction_partial(v, _X3, 2.0, 3)  # linear in v
def norm_direction_partial_matrix(v): return runtime.norm_direction_partial(v, _X34, 1.0, 2)
def norm_direction_partial_third(v, x): return runtime.norm_direction_partial(v, x, 2.0, 3)
def norm_direction_slope_(x, n): return runtime.norm_direction_slope(x, n, 3)
def mT_(x): return runtime.mT(x)
def lower_half_(x): return runtime.lower_half(x)
def skew_lower_(x): return runtime.skew_lower(x)
def eigengap_inverse_(w): return runtime.eigengap_inverse(w)
def cofactors_(a): return runtime.cofactors(a)
def from_triangle_(x): return runtime.from_triangle(x, "U")
def triangle_adjoint_(s): return runtime.triangle_adjoint(s)
def block_triangular_(a, e): return runtime.block_triangular(a, e)
def upper_right_(m): return runtime.upper_right(m)
def diagonal_blocks_sum_(m): return runtime.diagonal_blocks_sum(m)


W = I.well_conditioned
CASES: list[Case] = [
    Case("inv", inv_, (W(3),)), Case("inv", inv_, (W(3, 2),), label="stacked"),
    Case("det", det_, (W(3),)), Case("det", det_, (W(3, 2),), label="stacked"),
    Case("slogdet", slogdet_, (W(3),)), Case("slogdet", slogdet_, (W(3, 2),), label="stacked"),
    Case("slogdet", slogdet_indexed, (W(3),)),
    Case("solve", solve_, (W(3), I.normal(3))), Case("solve", solve_, (W(3), I.normal(3, 2))),
    Case("solve", solve_, (W(3, 2), I.normal(2, 3, 4)), label="stacked"),
    Case("matrix_power", matrix_power_, (W(3),)), Case("matrix_power", matrix_power_negative, (W(3),)),
    Case("matrix_power", matrix_power_, (W(3, 2),), label="stacked"),
    Case("pinv", pinv_, (I.normal(4, 3),)), Case("pinv", pinv_, (I.normal(2, 4),)),
    Case("lstsq", lstsq_, (I.normal(5, 3), I.normal(5))), Case("lstsq", lstsq_, (I.normal(5, 3), I.normal(5, 2))),
    Case("cholesky", cholesky_, (I.spd(3),)), Case("cholesky", cholesky_, (I.spd(3, 2),), label="stacked"),
    Case("eigh", eigh_, (I.symmetric(3),)), Case("eigh", eigh_upper, (I.symmetric(4),)),
    Case("eig", eig_, (real_spectrum(3),)), Case("eig", eig_values, (real_spectrum(3, 2),), label="stacked"),
    Case("real_eigenvalues_", real_eigenvalues_, (I.normal(3),)),
    Case("reduced_u_", reduced_u_, (I.normal(3, 2),)),
    Case("qr", qr_, (I.normal(4, 3),)), Case("qr", qr_, (I.normal(3, 3),)),
    Case("svd", svd_, (I.normal(4, 3),)), Case("svd", svd_, (I.normal(3, 4),)), Case("svd", svd_, (I.normal(3, 3),)),
    Case("svd", svd_values, (I.normal(4, 3),), label="compute_uv=False"),
    Case("svd", svd_values, (I.normal(2, 3, 4),), label="compute_uv=False stacked"),
    Case("svd", svd_values_positional, (I.normal(3, 3),), label="compute_uv=False positional"),
]
for _fn, _shape in [(norm_, (4,)), (norm_, (3, 4)), (norm_axis, (3, 4)), (norm_keepdims, (3, 4)), (norm_fro, (3, 4)),
                    (norm_frobenius_axes, (2, 3, 4)), (norm_1_axis, (3, 4)), (norm_inf_axis, (3, 4)),
                    (norm_minus_inf_axis, (3, 4)), (norm_3_axis, (3, 4)), (norm_1, (4,)), (norm_inf, (4,)), (norm_p, (4,)),
                    (norm_nuc, (3, 4)), (norm_spectral, (3, 4)), (norm_matrix_1, (3, 4)), (norm_matrix_inf, (3, 4)),
                    (norm_matrix_minus_1, (3, 4)), (norm_matrix_minus_2, (4, 3))]:
    # The nuclear norm has first derivatives only (see linalg.norm_direction_partial_).
    first_only = _fn is norm_nuc
    CASES.append(Case("norm", _fn, (I.away(*_shape),), order=1 if first_only else 2))
CASES += [
    # The runtime's norm derivatives: second derivatives of the norms it decides at run time; no third.
    Case("norm_direction_", norm_direction_, (I.normal(3), 2.0), order=1),
    Case("norm_direction_", norm_direction_matrix, (I.normal(4, 3), 2.0), label="matrix -2", order=1),
    Case("norm_direction_partial_", norm_direction_partial_, (I.normal(3),)),
    Case("norm_direction_partial_", norm_direction_partial_matrix, (I.normal(3, 4),), label="matrix"),
    Case("norm_direction_partial_", norm_direction_partial_third, (I.normal(3), I.away(3)), label="no third derivative",
         expect=(s2sad.NonDifferentiableError, "third derivatives of np.linalg.norm")),
    Case("norm_direction_slope_", norm_direction_slope_, (I.away(3), 2.0), label="no third derivative",
         expect=(s2sad.NonDifferentiableError, "third derivatives of np.linalg.norm")),
    Case("mT_", mT_, (I.normal(2, 3, 4),)), Case("lower_half_", lower_half_, (I.normal(3, 3),)),
    Case("skew_lower_", skew_lower_, (I.normal(3, 3),)),
    Case("eigengap_inverse_", eigengap_inverse_, (np.array([0.5, 1.5, 3.0]) + 0.1 * I.normal(3),)),
    Case("cofactors_", cofactors_, (I.normal(3, 3),)), Case("cofactors_", cofactors_, (I.normal(2, 3, 3),), label="stacked"),
    Case("cofactors_", cofactors_, (I.normal(2, 2),), label="2x2"), Case("cofactors_", cofactors_, (I.normal(4, 4),), label="4x4"),
    Case("from_triangle_", from_triangle_, (I.normal(3, 3),)), Case("triangle_adjoint_", triangle_adjoint_, (I.normal(3, 3),)),
    Case("block_triangular_", block_triangular_, (I.normal(3, 3), I.normal(3, 3))),
    Case("upper_right_", upper_right_, (I.normal(2, 4, 4),)), Case("diagonal_blocks_sum_", diagonal_blocks_sum_, (I.normal(4, 4),)),
]


# -- norms at 0 and the second-order limit -------------------------------------------------------------


def norm_plain(x):
    return np.linalg.norm(x)


def norm_rows(x):
    return np.sum(np.linalg.norm(x, axis=1))


def norm_l1(x):
    return np.linalg.norm(x, 1)


def test_norm_at_zero_is_a_subgradient_not_nan():
    np.testing.assert_array_equal(s2sad.grad(norm_plain)(np.zeros(3)), np.zeros(3))
    g = s2sad.grad(norm_rows)(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(g, [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_array_equal(s2sad.grad(norm_l1)(np.array([0.0, -2.0, 1.0])), [0.0, -1.0, 1.0])
    _, t = s2sad.jvp(norm_plain, (np.zeros(3),), (np.ones(3),))
    assert t == 0.0


def test_common_norms_are_written_out():
    text = s2sad.source(norm_plain, "reverse")
    assert "x_bar = unsum(norm_plain_bar, x) * safe_divide(x, norm_plain)" in text
    assert "norm_direction" not in s2sad.source(norm_rows, "reverse")


def eigh_values(a):
    w, v = np.linalg.eigh(a)
    return np.sum(w * np.arange(1.0, 4.0))


def test_eigh_gradient_lands_on_the_lower_triangle_it_reads():
    a = I.symmetric(3)
    g = s2sad.grad(eigh_values)(a)
    np.testing.assert_array_equal(np.triu(g, 1), 0.0)
    sym = (g + g.T) / 2  # the gradient with respect to a symmetric matrix
    w, v = np.linalg.eigh(a)
    np.testing.assert_allclose(sym, (v * np.arange(1.0, 4.0)) @ v.T, atol=1e-12)


def svd_values_only(a):
    return np.sum(np.linalg.svd(a, compute_uv=False))


def test_svd_without_vectors_has_the_gradient_u_vh():
    # The sum of the singular values (the nuclear norm) has the gradient u @ vh of the reduced SVD.
    a = I.normal(4, 3)
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(s2sad.grad(svd_values_only)(a), u @ vh, atol=1e-12)


# -- det at a singular matrix: its gradient is the matrix of cofactors, which needs no inverse ------


def _cofactors_by_minors(a):
    n = a.shape[0]
    return np.array([[(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(a, i, 0), j, 1)) for j in range(n)] for i in range(n)])


def _det_plus_sum(a):
    return np.linalg.det(a) + np.sum(a)


@pytest.mark.parametrize("a", [
    np.array([[1.0, 2.0], [2.0, 4.0]]),                                  # rank one
    np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]),        # rank two
    np.outer([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]),                          # rank one: every cofactor is zero
    np.zeros((3, 3)),
    # 4x4 and larger go through det * inv(x).T, and an SVD where there is no inverse
    np.arange(16.0).reshape(4, 4),                                       # rank two
    np.array([[2.0, 1.0, 0.0, 1.0], [1.0, 3.0, 1.0, 0.0], [3.0, 4.0, 1.0, 1.0], [0.0, 1.0, 2.0, 5.0]]),  # rank three
], ids=["2x2-rank1", "3x3-rank2", "3x3-rank1", "zeros", "4x4-rank2", "4x4-rank3"])
def test_det_gradient_at_a_singular_matrix(a):
    got = s2sad.grad(_det_plus_sum)(a)
    np.testing.assert_allclose(got, _cofactors_by_minors(a) + 1.0, atol=1e-10)
    # det is a polynomial: central differences are exact up to rounding
    eps, num = 1e-5, np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        d = np.zeros_like(a)
        d[idx] = eps
        num[idx] = (_det_plus_sum(a + d) - _det_plus_sum(a - d)) / (2 * eps)
    np.testing.assert_allclose(got, num, atol=1e-6)


@pytest.mark.parametrize("n", [3, 4])
def test_det_gradient_of_a_stack_with_one_singular_matrix(n):
    rng = np.random.default_rng(11)
    stack = rng.standard_normal((3, n, n))
    stack[1] = np.arange(n * n, dtype=float).reshape(n, n)
    got = s2sad.grad(_det_of_stack)(stack)
    np.testing.assert_allclose(got, np.stack([_cofactors_by_minors(m) for m in stack]), atol=1e-10)


def _det_of_stack(s):
    return np.sum(np.linalg.det(s))


def test_det_hessian_and_hvp_against_autograd():
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    rng = np.random.default_rng(12)
    a, v = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    want = autograd.hessian(lambda m: anp.linalg.det(m) + anp.sum(m))(a)
    np.testing.assert_allclose(s2sad.hessian(_det_plus_sum)(a), want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(s2sad.hvp(_det_plus_sum, (a,), v), np.tensordot(want, v, 2), rtol=1e-9, atol=1e-12)
