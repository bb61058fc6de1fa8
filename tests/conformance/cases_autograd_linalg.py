"""Conformance cases ported from HIPS/autograd's `tests/test_linalg.py`.

Input: nothing. Output: `CASES`, a list of `Case` records.

Each autograd test differentiates one `np.linalg` call at a random point of a
given shape; the functions here are written afresh at those shapes, with
well-conditioned inputs (a multiple of the identity added, or symmetric
positive definite matrices where the test asks for them). autograd checks
both the raw output (its current suite) and `to_scalar(out) = sum(sin(out))`
with its gradient differentiated again (`d_fun`, its older suite); both are
here: the raw output as `[out]` (reverse and forward), `to_scalar` as
`[scalar]` (with second order). Tuple outputs (`eigh`, `svd`, `slogdet`) are
kept as tuples and also combined into one number. `eigh` and `cholesky` are
taken of `symmetrize(A) = (tril(A) + tril(A).T) / 2` as autograd's
`check_symmetric_matrix_grads` does, so the derivative is the same whichever
triangle the rule reads.

NumPy 2 reads `solve(a, b)` with `b.ndim > 1` as a stack of matrices, so the
batched right-hand sides of `test_solve_arg1_3d` get a trailing axis.
"""
from __future__ import annotations

import numpy as np
import scipy.linalg

from conformance.case import Case

SUITE = "autograd/test_linalg.py"

_rng = np.random.default_rng(1)


def _randn(*shape):
    return _rng.standard_normal(shape)


def _rand_psd(d):
    m = _randn(d, d)
    return m @ m.T + 1.0 * np.eye(d)


# constants the tests close over
B_8x7 = _randn(8, 7)
B_8 = _randn(8)
A_6x6 = _randn(6, 6) + 1.0 * np.eye(6)
B_5x4 = _randn(5, 4)
B_5x4x6 = _randn(5, 4, 6)
Z_6 = np.random.RandomState(0).randn(6)  # the reparameterization trick's fixed draw
TRI_A = _randn(6, 6) + 10 * np.eye(6)
TRI_B = _randn(6)


# ---------------------------------------------------------------- inv, solve


def inv_out(x):
    return np.linalg.inv(x)


def inv_scalar(x):
    return np.sum(np.sin(np.linalg.inv(x)))


def solve_arg1(a):
    return np.linalg.solve(a, B_8x7)


def solve_arg1_scalar(a):
    return np.sum(np.sin(np.linalg.solve(a, B_8x7)))


def solve_arg1_1d(a):
    return np.linalg.solve(a, B_8)


def solve_arg1_1d_scalar(a):
    return np.sum(np.sin(np.linalg.solve(a, B_8)))


def solve_arg2(b):
    return np.linalg.solve(A_6x6, b)


def solve_arg2_scalar(b):
    return np.sum(np.sin(np.linalg.solve(A_6x6, b)))


def solve_both(a, b):
    return np.sum(np.sin(np.linalg.solve(a, b)))


def solve_arg1_3d(a):
    return np.linalg.solve(a, B_5x4[..., None])[..., 0]


def solve_arg1_3d_3d(a):
    return np.linalg.solve(a, B_5x4x6)


def solve_arg1_3d_scalar(a):
    return np.sum(np.sin(np.linalg.solve(a, B_5x4x6)))


# ---------------------------------------------------------------- det, slogdet


def det(x):
    return np.linalg.det(x)


def det_3d(x):
    return np.linalg.det(x)


def det_3d_scalar(x):
    return np.sum(np.sin(np.linalg.det(x)))


def slogdet(x):
    sign, logdet = np.linalg.slogdet(x)
    return logdet


def slogdet_tuple(x):
    return np.linalg.slogdet(x)


def slogdet_3d(x):
    return np.sum(np.linalg.slogdet(x)[1])


# ---------------------------------------------------------------- norm


def norm_default(x):
    return np.linalg.norm(x)


def norm_default_scalar(x):
    return np.sum(np.sin(np.linalg.norm(x)))


def frobenius_norm_axis(x):
    return np.linalg.norm(x, axis=(0, 1))


def frobenius_norm_axis_scalar(x):
    return np.sum(np.sin(np.linalg.norm(x, axis=(0, 1))))


def vector_norm_ord2(x):
    return np.linalg.norm(x, ord=2)


def vector_norm_ord3(x):
    return np.linalg.norm(x, ord=3)


def vector_norm_ord4(x):
    return np.linalg.norm(x, ord=4)


def norm_axis0(x):
    return np.linalg.norm(x, axis=0)


def norm_axis1(x):
    return np.linalg.norm(x, axis=1)


def norm_axis2(x):
    return np.linalg.norm(x, axis=2)


def norm_axis1_scalar(x):
    return np.sum(np.sin(np.linalg.norm(x, axis=1)))


def norm_nuclear(x):
    return np.linalg.norm(x, ord='nuc')


def norm_nuclear_axis(x):
    return np.linalg.norm(x, ord='nuc', axis=(0, 1))


def norm_nuclear_axis_scalar(x):
    return np.sum(np.sin(np.linalg.norm(x, ord='nuc', axis=(0, 1))))


def norm_fro(x):
    return np.linalg.norm(x, ord='fro')


# ---------------------------------------------------------------- eigh, cholesky


def eigh_lower(x):
    low = np.tril(x)
    h = (low + np.swapaxes(low, -1, -2)) / 2.0
    w, v = np.linalg.eigh(h)
    return w, v


def eigh_lower_scalar(x):
    low = np.tril(x)
    h = (low + np.swapaxes(low, -1, -2)) / 2.0
    w, v = np.linalg.eigh(h)
    return np.sum(np.sin(w)) + np.sum(np.sin(v))


def eigh_upper(x):
    low = np.tril(x)
    h = (low + np.swapaxes(low, -1, -2)) / 2.0
    w, v = np.linalg.eigh(h, 'U')
    return w, v


def eigh_upper_scalar(x):
    low = np.tril(x)
    h = (low + np.swapaxes(low, -1, -2)) / 2.0
    w, v = np.linalg.eigh(h, 'U')
    return np.sum(np.sin(w)) + np.sum(np.sin(v))


def eigh_values_only(x):
    low = np.tril(x)
    h = (low + np.swapaxes(low, -1, -2)) / 2.0
    w, v = np.linalg.eigh(h)
    return np.sum(w ** 2)


def cholesky_out(a):
    low = np.tril(a)
    s = (low + np.swapaxes(low, -1, -2)) / 2.0
    return np.linalg.cholesky(s)


def cholesky_scalar(a):
    low = np.tril(a)
    s = (low + np.swapaxes(low, -1, -2)) / 2.0
    return np.sum(np.sin(np.linalg.cholesky(s)))


def cholesky_reparameterization_trick(a):
    low = np.tril(a)
    s = (low + np.swapaxes(low, -1, -2)) / 2.0
    z = np.dot(np.linalg.cholesky(s), Z_6)
    return np.linalg.norm(z)


# ---------------------------------------------------------------- svd


def svd_out(x):
    u, s, v = np.linalg.svd(x, full_matrices=False)
    return u, s, v


def svd_scalar(x):
    u, s, v = np.linalg.svd(x, full_matrices=False)
    return np.sum(np.sin(u)) + np.sum(np.sin(s)) + np.sum(np.sin(v))


def svd_only_s(x):
    s = np.linalg.svd(x, full_matrices=False, compute_uv=False)
    return s


def svd_only_s_scalar(x):
    s = np.linalg.svd(x, full_matrices=False, compute_uv=False)
    return np.sum(np.sin(s))


# ---------------------------------------------------------------- pinv, matrix_power, eig, scipy.linalg


def pinv_out(x):
    return np.linalg.pinv(x)


def pinv_scalar(x):
    return np.sum(np.sin(np.linalg.pinv(x)))


def pinv_low_rank(x):
    return np.linalg.pinv(np.dot(np.transpose(x), x))


def matrix_power3(x):
    return np.linalg.matrix_power(x, 3)


def matrix_power3_scalar(x):
    return np.sum(np.sin(np.linalg.matrix_power(x, 3)))


def eig_real(x):
    w, v = np.linalg.eig(x)
    return np.sum(np.abs(w)) + np.sum(np.abs(v))


def eig_values(x):
    w, v = np.linalg.eig(x)
    return np.sum(w ** 2)


def sqrtm(a):
    low = np.tril(a)
    s = (low + np.swapaxes(low, -1, -2)) / 2.0
    return np.sum(np.sin(scipy.linalg.sqrtm(s)))


def solve_triangular_lower(a):
    return np.sum(np.sin(scipy.linalg.solve_triangular(a, TRI_B, lower=True)))


def solve_triangular_upper_t(a):
    return np.sum(np.sin(scipy.linalg.solve_triangular(a, TRI_B, trans='T', lower=False)))


def solve_triangular_arg2(b):
    return np.sum(np.sin(scipy.linalg.solve_triangular(TRI_A, b, lower=True)))


# ---------------------------------------------------------------- the cases

FIRST = ("reverse", "forward")
# README (Second derivatives): np.linalg.norm with a matrix ord is first order only
NORM_SECOND = "second derivatives of np.linalg.norm"


def _c(name, fn, *args, **kw):
    return Case(suite=SUITE, name=name, fn=fn, args=tuple(args), **kw)


def _psd_batch(n, d):
    return np.concatenate([_rand_psd(d)[None] for _ in range(n)])


_m8 = _randn(8, 8)
_INV8 = _m8 @ _m8 + 1.0 * np.eye(8)
_A8 = _randn(8, 8) + 10.0 * np.eye(8)
_hm = _randn(6, 6)
_HMAT = _hm.T @ _hm + 0.1 * np.eye(6)
_hb = _randn(2, 3, 6, 6) + 10 * np.eye(6)[None, None]
_HB = np.einsum('...ij,...kj->...ik', _hb, _hb)
_SL = _randn(6, 6)
_EIG_REAL = np.triu(_randn(4, 4)) + np.diag([0.0, 2.0, 4.0, 6.0]) + 0.1 * _randn(4, 4)  # real, distinct eigenvalues

CASES: list[Case] = [
    _c("test_inv[out]", inv_out, _INV8.copy(), modes=FIRST),
    _c("test_inv[scalar]", inv_scalar, _INV8.copy()),
    _c("test_inv_3d[out]", inv_out, _randn(4, 4, 4) + 5 * np.eye(4), modes=FIRST),
    _c("test_inv_3d[scalar]", inv_scalar, _randn(4, 4, 4) + 5 * np.eye(4)),
    _c("test_inv_4d[out]", inv_out, _randn(4, 4, 4, 4) + 5 * np.eye(4), modes=FIRST),
    _c("test_inv_4d[scalar]", inv_scalar, _randn(3, 2, 4, 4) + 5 * np.eye(4)),
    _c("test_solve_arg1[out]", solve_arg1, _A8.copy(), modes=FIRST),
    _c("test_solve_arg1[scalar]", solve_arg1_scalar, _A8.copy()),
    _c("test_solve_arg1_1d[out]", solve_arg1_1d, _A8.copy(), modes=FIRST),
    _c("test_solve_arg1_1d[scalar]", solve_arg1_1d_scalar, _A8.copy()),
    _c("test_solve_arg2[out]", solve_arg2, _randn(6, 5), modes=FIRST),
    _c("test_solve_arg2[scalar]", solve_arg2_scalar, _randn(6, 5)),
    _c("test_solve[both]", solve_both, _randn(6, 6) + 4 * np.eye(6), _randn(6, 5)),
    _c("test_solve_arg1_3d[out]", solve_arg1_3d, _randn(5, 4, 4) + 5 * np.eye(4), modes=FIRST),
    _c("test_solve_arg1_3d_3d[out]", solve_arg1_3d_3d, _randn(5, 4, 4) + 5 * np.eye(4), modes=FIRST),
    _c("test_solve_arg1_3d_3d[scalar]", solve_arg1_3d_scalar, _randn(5, 4, 4) + 5 * np.eye(4)),
    _c("test_det", det, _randn(6, 6)),
    _c("test_det_3d[out]", det_3d, _randn(3, 3, 3), modes=FIRST),
    _c("test_det_3d[scalar]", det_3d_scalar, _randn(3, 3, 3)),
    _c("test_slogdet", slogdet, _SL.copy()),
    _c("test_slogdet[neg]", slogdet, -_SL),
    _c("test_slogdet[tuple]", slogdet_tuple, _SL.copy(), modes=FIRST),
    _c("test_slogdet_3d", slogdet_3d, _psd_batch(3, 5) + 5 * np.eye(5)),
    _c("test_vector_2norm", norm_default, _randn(6)),
    _c("test_vector_2norm[scalar]", norm_default_scalar, _randn(6)),
    _c("test_frobenius_norm", norm_default, _randn(6, 5)),
    _c("test_frobenius_norm[fro]", norm_fro, _randn(6, 5)),
    _c("test_frobenius_norm_axis[out]", frobenius_norm_axis, _randn(6, 5, 4), modes=FIRST),
    _c("test_frobenius_norm_axis[scalar]", frobenius_norm_axis_scalar, _randn(6, 5, 4)),
    _c("test_norm_axis[0]", norm_axis0, _randn(6, 5, 4), modes=FIRST),
    _c("test_norm_axis[1]", norm_axis1, _randn(6, 5, 4), modes=FIRST),
    _c("test_norm_axis[2]", norm_axis2, _randn(6, 5, 4), modes=FIRST),
    _c("test_norm_axis[1,scalar]", norm_axis1_scalar, _randn(6, 5, 4)),
    _c("test_norm_nuclear", norm_nuclear, _randn(6, 5), modes=FIRST),
    _c("test_norm_nuclear[second]", norm_nuclear, _randn(6, 5), modes=("second",), refusal=NORM_SECOND),
    _c("test_norm_nuclear_axis[out]", norm_nuclear_axis, _randn(6, 5, 4), modes=FIRST),
    _c("test_norm_nuclear_axis[scalar]", norm_nuclear_axis_scalar, _randn(6, 5, 4), modes=FIRST),
    _c("test_norm_nuclear_axis[second]", norm_nuclear_axis_scalar, _randn(6, 5, 4), modes=("second",),
       refusal=NORM_SECOND),
    _c("test_eigvalh_lower[out]", eigh_lower, _HMAT.copy(), modes=FIRST),
    _c("test_eigvalh_lower[scalar]", eigh_lower_scalar, _HMAT.copy()),
    _c("test_eigvalh_upper[out]", eigh_upper, _HMAT.copy(), modes=FIRST),
    _c("test_eigvalh_upper[scalar]", eigh_upper_scalar, _HMAT.copy()),
    _c("test_eigvalh[values]", eigh_values_only, _HMAT.copy()),
    _c("test_eigvalh_lower_broadcasting[out]", eigh_lower, _HB.copy(), modes=FIRST),
    _c("test_eigvalh_lower_broadcasting[scalar]", eigh_lower_scalar, _HB.copy()),
    _c("test_eigvalh_upper_broadcasting[out]", eigh_upper, _HB.copy(), modes=FIRST),
    _c("test_eigvalh_upper_broadcasting[scalar]", eigh_upper_scalar, _HB.copy()),
    _c("test_cholesky[out]", cholesky_out, _rand_psd(6), modes=FIRST),
    _c("test_cholesky[scalar]", cholesky_scalar, _rand_psd(6)),
    _c("test_cholesky_broadcast[out]", cholesky_out, _psd_batch(3, 6), modes=FIRST),
    _c("test_cholesky_broadcast[scalar]", cholesky_scalar, _psd_batch(3, 6)),
    _c("test_cholesky_reparameterization_trick", cholesky_reparameterization_trick, _rand_psd(6)),
    _c("test_pinv[low_rank_7]", pinv_low_rank, _randn(5, 7), modes=FIRST),
    _c("test_pinv[low_rank_3]", pinv_low_rank, _randn(5, 3), modes=FIRST),
    _c("test_matrix_power[out]", matrix_power3, _randn(4, 4), modes=FIRST),
    _c("test_matrix_power[scalar]", matrix_power3_scalar, _randn(4, 4) / 2),
    # np.linalg.eig: s2sad differentiates real, distinct eigenvalues; autograd's test_eig_real draws a
    # random matrix, whose eigenvalues are complex in general (s2sad refuses those when it runs)
    _c("test_eig_real", eig_real, _EIG_REAL.copy()),
    _c("test_eig_real[values]", eig_values, _EIG_REAL.copy()),
    _c("test_eig_real[complex]", eig_real, _randn(4, 4) * 3, refusal="complex eigenvalues"),
    _c("test_sqrtm", sqrtm, _rand_psd(6), extra={"note": "scipy.linalg.sqrtm: autograd.scipy.linalg"}),
    _c("test_solve_triangular_arg1[lower]", solve_triangular_lower, TRI_A.copy()),
    _c("test_solve_triangular_arg1[upper,T]", solve_triangular_upper_t, TRI_A.copy()),
    _c("test_solve_triangular_arg2_1d", solve_triangular_arg2, TRI_B.copy()),
]

for _shape, _tag in (((3, 5), "wide_2d"), ((4, 3, 5), "wide_3d"), ((4, 4), "square_2d"),
                     ((3, 4, 4), "square_3d"), ((5, 3), "tall_2d"), ((4, 5, 3), "tall_3d")):
    _m = _randn(*_shape)
    CASES.append(_c(f"test_svd_{_tag}[out]", svd_out, _m.copy(), modes=FIRST))
    CASES.append(_c(f"test_svd_{_tag}[scalar]", svd_scalar, _m.copy()))
for _shape, _tag in (((5, 3), "2d"), ((4, 5, 3), "3d")):
    _m = _randn(*_shape)
    CASES.append(_c(f"test_svd_only_s_{_tag}[out]", svd_only_s, _m.copy(), modes=FIRST))
    CASES.append(_c(f"test_svd_only_s_{_tag}[scalar]", svd_only_s_scalar, _m.copy()))
for _ordn, _fn in ((2, vector_norm_ord2), (3, vector_norm_ord3), (4, vector_norm_ord4)):
    _v = _randn(6)
    CASES.append(_c(f"test_vector_norm_ord[{_ordn}]", _fn, _v.copy()))
for _m_ in (2, 3, 5, 7):
    CASES.append(_c(f"test_pinv[5x{_m_}]", pinv_out, _randn(5, _m_), modes=FIRST))
    CASES.append(_c(f"test_pinv[2x5x{_m_}]", pinv_out, _randn(2, 5, _m_), modes=FIRST))
CASES.append(_c("test_pinv[scalar]", pinv_scalar, _randn(5, 3)))


# ---------------------------------------------------------------- variants beyond autograd's own tests
# Sizes and options next to the tested ones (1x1 and 2x2 determinants, whose cofactors s2sad writes out;
# batched and broadcast solves; the other vector and matrix norms; negative and zero matrix powers;
# full_matrices=True). Named "variant_*"; the comment on each says which test it varies.


def det_sum_sin(x):  # test_det_3d at 2x2
    return np.sum(np.sin(np.linalg.det(x)))


def slogdet_signed(x):  # test_slogdet_3d, both outputs
    sign, logdet = np.linalg.slogdet(x)
    return np.sum(sign * logdet)


def cholesky_solve_quad(a, b):  # test_cholesky_reparameterization_trick, solved instead of multiplied
    s = np.dot(a, a.T) + np.eye(a.shape[0])
    low = np.linalg.cholesky(s)
    z = np.linalg.solve(low, b)
    return np.sum(z ** 2)


def norm_axis1_keepdims(x):  # test_norm_axis with keepdims
    return np.sum(np.sin(np.linalg.norm(x, axis=1, keepdims=True)))


def norm_ord1_axis0(x):  # test_vector_norm_ord with ord=1 and an axis
    return np.sum(np.linalg.norm(x, ord=1, axis=0) ** 2)


def norm_ord_inf(x):
    return np.linalg.norm(x, ord=np.inf)


def norm_ord_minus1(x):
    return np.linalg.norm(x, ord=-1)


def norm_ord_half(x):
    return np.linalg.norm(x, ord=0.5)


def norm_fro_axis12(x):  # test_frobenius_norm_axis on the last two axes
    return np.sum(np.sin(np.linalg.norm(x, ord='fro', axis=(1, 2))))


def norm_matrix_2(x):
    return np.linalg.norm(x, ord=2)


def norm_matrix_1(x):
    return np.linalg.norm(x, ord=1)


def norm_matrix_inf(x):
    return np.linalg.norm(x, ord=np.inf)


def matrix_power_minus2(x):
    return np.sum(np.sin(np.linalg.matrix_power(x, -2)))


def matrix_power0(x):
    return np.sum(np.linalg.matrix_power(x, 0) * x)


def svd_full_matrices(x):  # test_svd_square_2d with the default full_matrices=True
    u, s, vt = np.linalg.svd(x)
    return np.sum(np.sin(u)) + np.sum(s) + np.sum(np.sin(vt))


def svd_full_matrices_s(x):  # test_svd_only_s_2d through the default svd of a tall matrix
    s = np.linalg.svd(x)[1]
    return np.sum(s ** 2)


def _v(name, fn, *args, **kw):
    return _c("variant_" + name, fn, *args, **kw)


CASES += [
    _v("det_1x1", det, _randn(1, 1)),
    _v("det_2x2", det, _randn(2, 2)),
    _v("det_3d_2x2", det_sum_sin, _randn(3, 2, 2)),
    _v("inv_1x1", inv_scalar, _randn(1, 1) + 2.0),
    _v("inv_2x2", inv_scalar, _randn(2, 2) + 2.0 * np.eye(2)),
    _v("slogdet_3d_signed", slogdet_signed, _randn(3, 4, 4) + 4 * np.eye(4)),
    _v("solve_3d_both", solve_both, _randn(3, 4, 4) + 4 * np.eye(4), _randn(3, 4, 2)),
    _v("solve_broadcast_b", solve_both, _randn(4, 4) + 4 * np.eye(4), _randn(3, 4, 2)),
    _v("cholesky_solve", cholesky_solve_quad, _randn(5, 5), _randn(5)),
    _v("norm_axis1_keepdims", norm_axis1_keepdims, _randn(4, 3)),
    _v("norm_ord1_axis0", norm_ord1_axis0, _randn(4, 3)),
    _v("norm_ord_inf", norm_ord_inf, _randn(5)),
    _v("norm_ord_minus1", norm_ord_minus1, _randn(5)),
    _v("norm_ord_half", norm_ord_half, np.abs(_randn(5)) + 0.1),
    _v("norm_fro_axis12", norm_fro_axis12, _randn(3, 4, 5)),
    _v("norm_matrix_2", norm_matrix_2, _randn(4, 3), modes=FIRST),
    _v("norm_matrix_1", norm_matrix_1, _randn(4, 3), modes=FIRST),
    _v("norm_matrix_inf", norm_matrix_inf, _randn(4, 3), modes=FIRST),
    _v("pinv_square", pinv_scalar, _randn(4, 4)),
    _v("matrix_power_0", matrix_power0, _randn(3, 3)),
    _v("matrix_power_minus2", matrix_power_minus2, _randn(3, 3) + 3 * np.eye(3)),
    _v("matrix_power_3d", matrix_power3_scalar, _randn(2, 3, 3) / 2),
    _v("svd_full_matrices_square", svd_full_matrices, _randn(4, 4)),
    # README (Limits): svd assumes full_matrices=False or a square matrix; a tall matrix with the
    # default full_matrices=True should be refused clearly (the singular values do not depend on it)
    _v("svd_full_matrices_tall_s", svd_full_matrices_s, _randn(5, 3), refusal="full_matrices"),
]
