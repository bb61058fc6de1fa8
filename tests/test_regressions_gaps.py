"""Issue 20: gaps the conformance run found -- silent zeros (np.meshgrid, np.broadcast_arrays,
np.bincount's weights, nested lists passed to primitives), missing functions (np.positive,
np.dstack, np.insert, np.delete, np.heaviside, np.interp, np.cov, np.corrcoef, ufunc methods),
scipy.linalg (solve_triangular, sqrtm, library source), the full-matrices SVD, an einsum index
broadcast from length one.

Each function is checked in reverse mode (a random cotangent), forward mode (a random tangent) and
second order (a Hessian-vector product) against central differences.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2SADError

RNG = np.random.default_rng(20)
H = 1e-6


def _numeric_jvp(f, x, v):
    return (np.asarray(f(x + H * v)) - np.asarray(f(x - H * v))) / (2 * H)


def check_all_modes(f, x, second=True, tol=1e-5):
    """Reverse, forward and (for a number output) second order of f at x, against central differences."""
    x = np.asarray(x, dtype=float)
    out = np.asarray(f(x))
    v = RNG.normal(size=x.shape)
    # forward
    _, t = s2sad.jvp(f, (x,), (v,))
    np.testing.assert_allclose(t, _numeric_jvp(f, x, v), rtol=tol, atol=tol)
    # reverse, with a random cotangent: <u, J v> == <J^T u, v>
    u = RNG.normal(size=out.shape)
    _, pullback = s2sad.vjp(f, x)
    (xb,) = pullback(u if out.shape else float(u))
    np.testing.assert_allclose(np.sum(xb * v), np.sum(u * _numeric_jvp(f, x, v)), rtol=tol, atol=tol)
    if second and out.shape == ():
        hv = s2sad.hvp(f, (x,), v)
        g = s2sad.grad(f)
        want = (np.asarray(g(x + H * v)) - np.asarray(g(x - H * v))) / (2 * H)
        np.testing.assert_allclose(hv, want, rtol=1e-4, atol=1e-4)


# -- 1. meshgrid, broadcast_arrays, bincount: no longer silent zeros ------------------------------------


def meshgrid_xy(z):
    X, Y = np.meshgrid(z[:3], z[3:])
    return np.sum(np.sin(X * Y) * np.arange(12.0).reshape(4, 3))


def meshgrid_ij_sparse(z):
    X, Y = np.meshgrid(z[:3], z[3:] * 2.0, indexing="ij", sparse=True)
    return np.sum(np.sin(X * Y))


def meshgrid_three(z):
    X, Y, Z = np.meshgrid(z[:2], z[2:5], z[5:], copy=False)
    return np.sum(np.cos(X + 2.0 * Y * Z))


def meshgrid_one_used(z):
    X, Y = np.meshgrid(z[:3], z[3:])
    return np.sum(np.sin(X))


def broadcast_arrays(z):
    a, b = np.broadcast_arrays(z[:3], z[3:][:, None])
    return np.sum(np.sin(a * b))


def bincount_weights(z):
    return np.sum(np.sin(np.bincount(np.array([0, 2, 2, 1, 4]), z[:5], minlength=6)))


@pytest.mark.parametrize("f", [meshgrid_xy, meshgrid_ij_sparse, meshgrid_three, meshgrid_one_used, broadcast_arrays,
                               bincount_weights])
def test_copies_of_inputs_have_derivatives(f):
    check_all_modes(f, RNG.normal(size=7))


def unique_of_x(z):
    return np.sum(np.unique(z))


def test_unique_of_a_differentiated_array_is_refused():
    with pytest.raises(S2SADError, match="np.unique") as info:
        s2sad.grad(unique_of_x)(np.array([1.0, 2.0, 3.0]))
    assert info.value.filename == __file__


def reversed_list(z):
    ys = list(reversed([z[0], z[1] * 2.0]))
    return ys[0] * 3.0 + ys[1]


def test_reversed_of_values_is_refused():
    with pytest.raises(S2SADError, match=r"reversed\(\) of differentiated values") as info:
        s2sad.grad(reversed_list)(np.array([1.0, 2.0]))
    assert info.value.filename == __file__


# -- 2. new functions ---------------------------------------------------------------------------------


def positive(z):
    return np.sum(np.sin(np.positive(z)))


def dstack_2d(z):
    return np.sum(np.sin(np.dstack((z[:6].reshape(2, 3), z[6:].reshape(2, 3)))) * np.arange(12.0).reshape(2, 3, 2))


def dstack_1d(z):
    return np.sum(np.sin(np.dstack([z[:6], z[6:] * 2.0])) * np.arange(12.0).reshape(1, 6, 2))


def heaviside_x1(z):
    return np.sum(np.heaviside(z, 0.5) * z ** 2)


def heaviside_x2(z):
    # x2 is used where x1 == 0 only.
    return np.sum(np.heaviside(np.array([0.0, 1.0, 0.0, -2.0, 0.0, 3.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0]), z) ** 2)


def insert_scalar(z):
    return np.sum(np.sin(np.insert(z, 1, 2.0 * z[0])) * np.arange(13.0))


def insert_many(z):
    m = z.reshape(3, 4)
    return np.sum(np.sin(np.insert(m, [0, 2], m[:, :1] * 3.0, axis=1)) * np.arange(18.0).reshape(3, 6))


def delete(z):
    return np.sum(np.sin(np.delete(z, [0, 2])) * np.arange(10.0))


def delete_axis(z):
    return np.sum(np.sin(np.delete(z.reshape(3, 4), 1, axis=0)) * np.arange(8.0).reshape(2, 4))


_XP = np.array([0.0, 1.0, 2.5, 4.0])


def interp_x(z):
    return np.sum(np.sin(np.interp(np.abs(z) * 1.3, _XP, np.array([1.0, -1.0, 2.0, 0.5]))))


def interp_fp(z):
    return np.sum(np.sin(np.interp(np.array([0.3, 1.7, 3.1, 5.0, -1.0]), _XP, z[:4])))


def interp_both(z):
    return np.sum(np.sin(np.interp(z[4:] * 1.1 + 2.0, _XP, z[:4] ** 2)))


def interp_left_right(z):
    return np.sum(np.sin(np.interp(np.array([-1.0, 0.5, 3.0, 6.0]), _XP, z[:4], left=z[4], right=z[5] * 2.0)))


def cov(z):
    return np.sum(np.sin(np.cov(z.reshape(3, 4))))


def cov_rowvar_ddof(z):
    return np.sum(np.sin(np.cov(z.reshape(4, 3), rowvar=False, ddof=0)))


def cov_y(z):
    return np.sum(np.sin(np.cov(z[:4], z[4:8])))


def corrcoef(z):
    return np.sum(np.sin(np.corrcoef(z.reshape(3, 4))) * np.arange(9.0).reshape(3, 3))


def add_reduce(z):
    return np.sum(np.sin(np.add.reduce(z.reshape(3, 4), axis=1)))


def add_accumulate(z):
    return np.sum(np.sin(np.add.accumulate(z)) * np.arange(12.0))


def multiply_reduce(z):
    return np.sum(np.multiply.reduce(z.reshape(3, 4)))


def maximum_reduce(z):
    return np.sum(np.sin(np.maximum.reduce(z.reshape(3, 4), axis=0)))


def logaddexp_reduce(z):
    return np.logaddexp.reduce(z)


@pytest.mark.parametrize("f", [positive, dstack_2d, dstack_1d, heaviside_x1, heaviside_x2, insert_scalar, insert_many,
                               delete, delete_axis, interp_x, interp_fp, interp_both, interp_left_right, cov,
                               cov_rowvar_ddof, cov_y, corrcoef, add_reduce, add_accumulate, multiply_reduce,
                               maximum_reduce, logaddexp_reduce])
def test_new_functions(f):
    check_all_modes(f, RNG.normal(size=12))


def interp_period(z):
    return np.sum(np.interp(z, _XP, np.array([1.0, -1.0, 2.0, 0.5]), period=4.0))


def test_interp_with_a_period_is_refused():
    with pytest.raises(S2SADError, match="period"):
        s2sad.grad(interp_period)(np.array([0.3, 1.2]))


def test_cov_is_written_out():
    text = s2sad.source(cov, "wengert")
    assert "np.mean(" in text and "@" in text


def test_ufunc_method_prints_as_written():
    text = s2sad.source(add_reduce, "reverse")
    assert "np.add.reduce(" in text


# -- 5. nested lists passed to primitives -------------------------------------------------------------


def nested_sum(z):
    return np.sum([[z[0], 1.0], [2.0, z[1]]]) * z[2]


def nested_dot(z):
    return np.sum(np.sin(np.dot([[z[0], 1.0], [2.0, z[1]]], z[:2])))


def nested_prod_axis(z):
    return np.sum(np.prod([[z[0], 1.5], [2.0, z[1]]], axis=0) * z[2])


def nested_concatenate(z):
    return np.sum(np.sin(np.concatenate([[z[0], 1.0], [2.0, z[1]]])) * np.arange(4.0))


def nested_exp(z):
    return np.sum(np.exp([[z[0], 0.5], [z[1] * z[2], 0.1]]))


@pytest.mark.parametrize("f", [nested_sum, nested_dot, nested_prod_axis, nested_concatenate, nested_exp])
def test_nested_lists_are_arrays(f):
    check_all_modes(f, RNG.normal(size=3))


# -- 3. scipy.linalg: rules for solve_triangular, solve_sylvester and sqrtm; library source refused at the call ----

scipy_linalg = pytest.importorskip("scipy.linalg")

_T = np.tril(RNG.normal(size=(4, 4))) + 4.0 * np.eye(4)
_B = RNG.normal(size=(4, 2))


def tri_lower_a(z):
    return np.sum(np.sin(scipy_linalg.solve_triangular(z.reshape(4, 4), _B, lower=True)))


def tri_upper_trans_a(z):
    return np.sum(np.sin(scipy_linalg.solve_triangular(z.reshape(4, 4).T, _B[:, 0], trans="T", lower=False)))


def tri_unit_diagonal(z):
    return np.sum(np.sin(scipy_linalg.solve_triangular(z.reshape(4, 4), _B, trans=1, lower=True, unit_diagonal=True)))


def tri_b(z):
    return np.sum(np.sin(scipy_linalg.solve_triangular(_T, z[:8].reshape(4, 2), lower=True)))


def sylvester(z):
    a = z.reshape(4, 4) + 4.0 * np.eye(4)
    return np.sum(np.sin(scipy_linalg.solve_sylvester(a, a.T + 1.0, np.ones((4, 4)) + a)))


def sqrtm(z):
    m = z.reshape(4, 4)
    return np.sum(np.sin(scipy_linalg.sqrtm(m @ m.T + 4.0 * np.eye(4))))


@pytest.mark.parametrize("f", [tri_lower_a, tri_upper_trans_a, tri_unit_diagonal, tri_b, sylvester, sqrtm])
def test_scipy_linalg_rules(f):
    z = (_T + 0.1 * RNG.normal(size=(4, 4))).ravel() if f.__name__.startswith("tri_") else RNG.normal(size=16)
    check_all_modes(f, z)


def expm(z):
    return np.sum(scipy_linalg.expm(z.reshape(2, 2)))


def test_library_source_is_refused_at_the_users_line():
    with pytest.raises(S2SADError) as info:
        s2sad.grad(expm)(np.eye(2).ravel())
    err = info.value
    assert err.filename == __file__
    assert "scipy_linalg.expm" in err.message and "library source" in err.message


# -- 4. np.linalg.svd with the default full_matrices=True of a non-square matrix -----------------------------


def svd_full_s_tall(z):
    return np.sum(np.linalg.svd(z.reshape(4, 3))[1] ** 2)


def svd_full_reduced_parts_wide(z):
    u, s, vh = np.linalg.svd(z.reshape(3, 4))
    return np.sum(s) + np.sum(vh[:3] ** 2 * np.arange(12.0).reshape(3, 4)) + np.sum(u ** 2 * np.arange(9.0).reshape(3, 3))


def svd_full_extra_rows_used(z):
    u, s, vh = np.linalg.svd(z.reshape(3, 4))
    return np.sum(vh[-1] ** 2 * np.arange(4.0))


@pytest.mark.parametrize("f", [svd_full_s_tall, svd_full_reduced_parts_wide])
def test_full_svd_where_only_the_reduced_parts_are_used(f):
    check_all_modes(f, RNG.normal(size=12))


def test_full_svd_extra_rows_refused_in_reverse_nan_in_forward():
    z = RNG.normal(size=12)
    with pytest.raises(S2SADError, match="full_matrices") as info:
        s2sad.grad(svd_full_extra_rows_used)(z)
    assert info.value.filename == __file__
    _, t = s2sad.jvp(svd_full_extra_rows_used, (z,), (np.ones(12),))
    assert np.isnan(t)


# -- 6. einsum: an index of length one in one operand, broadcast against another ------------------------------


def einsum_broadcast_index(z):
    a, b = z[:3].reshape(3, 1), z[3:].reshape(4, 2)
    return np.sum(np.sin(np.einsum("ij,jk->ik", a, b)))


def einsum_broadcast_other(z):
    a, b = z[:8].reshape(2, 4), z[8:10].reshape(1, 2)
    return np.sum(np.sin(np.einsum("ij,jk->ik", a, b)))


@pytest.mark.parametrize("f", [einsum_broadcast_index, einsum_broadcast_other])
def test_einsum_index_broadcast_from_length_one(f):
    check_all_modes(f, RNG.normal(size=11))


def nested_method(z):
    a = z[:4].reshape(2, 2)
    return np.sum(np.sin(a.dot([[z[0], 1.0], [2.0, z[1]]])))


@pytest.mark.parametrize("f", [nested_method])
def test_nested_lists_keep_their_meaning(f):
    check_all_modes(f, RNG.normal(size=4))
