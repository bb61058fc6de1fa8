"""Regressions (issues 20 and 25): np.linalg with list arguments, svd without vectors, second
derivatives of the norms the runtime decides, and eig. Each is checked against autograd on the
same source (reverse mode with a random cotangent, forward mode, and the Hessian where the output
is a number), and each failed on the code before the fix."""
from __future__ import annotations

import numpy as np
import pytest
from test_regressions_power import against_autograd

import s2sad

pytest.importorskip("autograd")

RNG = np.random.default_rng(2025)


# -- 3. a list argument is an array construction --------------------------------------------------------


def norm_of_list(x):
    return np.linalg.norm([x, x + 2])


def norm_of_list_by_name(x):
    return np.linalg.norm(x=[x, 2.0 * x, 1.0], ord=2)


def det_of_nested_list(x):
    return np.linalg.det([[x, 1.0], [2.0, x * x]])


def solve_lists(x, b):
    return np.sum(np.linalg.solve([[x, 1.0], [2.0, 3.0]], [b, 1.0]) ** 2)


def solve_arrays(x, b):  # what NumPy makes of solve_lists' lists, for autograd (which cannot solve a list of its boxes)
    return np.sum(np.linalg.solve(np.array([[x, 1.0], [2.0, 3.0]]), np.array([b, 1.0])) ** 2)


def norm_of_vectors(x, y):
    return np.linalg.norm([x, y], axis=0)


@pytest.mark.parametrize("fn, args, wrt", [
    (norm_of_list, (1.0,), (0,)),
    (norm_of_list_by_name, (0.7,), (0,)),
    (norm_of_vectors, (RNG.standard_normal(3), RNG.standard_normal(3)), (0, 1)),
], ids=["norm", "norm-by-name", "norm-axis"])
def test_a_list_argument_of_np_linalg(fn, args, wrt):
    against_autograd(fn, args, wrt)


def test_lists_in_solve():
    against_autograd(solve_lists, (1.5, 2.0), (0, 1), reference=solve_arrays)


def test_a_nested_list_argument():
    # det [[x, 1], [2, x^2]] = x^3 - 2 (autograd cannot take a nested list of its boxes): 3 x^2, then 6 x.
    assert np.isclose(s2sad.grad(det_of_nested_list)(1.5), 3 * 1.5 ** 2)
    assert np.isclose(s2sad.jvp(det_of_nested_list, (1.5,), (2.0,))[1], 2.0 * 3 * 1.5 ** 2)
    assert np.isclose(s2sad.hessian(det_of_nested_list)(1.5), 6 * 1.5)


def test_the_list_becomes_an_array_in_the_wengert_list():
    assert "t2 = np.array([x, t1])" in s2sad.source(norm_of_list, "wengert")
    np.testing.assert_allclose(s2sad.grad(norm_of_list)(1.0), (1.0 + 3.0) / np.sqrt(10.0))


# -- 4. svd without the singular vectors -------------------------------------------------------------------


def singular_values(a):
    return np.linalg.svd(a, compute_uv=False)


def weighted_singular_values(a):
    return np.sum(np.linalg.svd(a, compute_uv=False) ** 2 * np.arange(1.0, 4.0))


def nuclear_by_svd(a):
    return np.sum(np.linalg.svd(a, False, False))


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3), (2, 4, 3)])
def test_svd_compute_uv_false(shape):
    a = RNG.standard_normal(shape)
    against_autograd(singular_values, (a,), (0,))
    if len(shape) == 2:
        against_autograd(weighted_singular_values, (a,), (0,))
        u, _, vh = np.linalg.svd(a, full_matrices=False)
        np.testing.assert_allclose(s2sad.grad(nuclear_by_svd)(a), u @ vh, atol=1e-12)


def test_singular_values_at_a_tie_give_the_symmetric_derivative():
    # The identity has one singular value three times; the sum of them (symmetric in the tie) has gradient I.
    np.testing.assert_allclose(s2sad.grad(nuclear_by_svd)(np.eye(3)), np.eye(3), atol=1e-12)


def svd_compute_uv_unknown(a, flag):
    return np.sum(np.linalg.svd(a, compute_uv=flag))


def test_svd_compute_uv_known_only_at_run_time_is_refused_at_the_users_line():
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="compute_uv") as info:
        s2sad.grad(svd_compute_uv_unknown)(np.eye(2), False)
    assert info.value.filename and info.value.filename.endswith("test_regressions_linalg.py") and info.value.lineno


def full_svd(a):
    u, s, vh = np.linalg.svd(a)
    return np.sum(s) + np.sum(u[:, 0] ** 2 * np.arange(u.shape[0]))


def full_svd_extra_column(a):
    u, s, vh = np.linalg.svd(a)
    return np.sum(s) + np.sum(u[:, -1] ** 2 * np.arange(u.shape[0]))


def test_svd_with_full_matrices_of_a_non_square_matrix_is_refused_clearly():
    a = RNG.standard_normal((3, 3))
    against_autograd(full_svd, (a,), (0,), second_order=False, reference=full_svd_reduced)  # square: defined
    # Non-square (issue 20): right where only the first min(m, n) columns are used; the extra columns of u
    # have no derivative: refused in reverse mode, NaN in forward mode.
    against_autograd(full_svd, (RNG.standard_normal((4, 3)),), (0,), second_order=False, reference=full_svd_reduced)
    with pytest.raises(s2sad.DerivativeError, match="full_matrices=False") as info:
        s2sad.grad(full_svd_extra_column)(RNG.standard_normal((4, 3)))
    assert info.value.lineno == full_svd_extra_column.__code__.co_firstlineno + 1
    _, t = s2sad.jvp(full_svd_extra_column, (RNG.standard_normal((4, 3)),), (np.ones((4, 3)),))
    assert np.isnan(t)


def full_svd_reduced(a):  # autograd refuses full_matrices=True even for a square matrix, where it is the same
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.sum(s) + np.sum(u[:, 0] ** 2 * np.arange(u.shape[0]))


# -- 5. second derivatives of the norms with a numeric ord and axis=None -------------------------------------


def norm2(x):
    return np.linalg.norm(x, ord=2)


def norm_minus_2(x):
    return np.linalg.norm(x, -2)


def norm3(x):
    return np.linalg.norm(x, 3)


def norm2_of_stack(x):
    return np.sum(np.linalg.norm(x, 2, axis=(1, 2)) ** 2)


def norm_nuc(x):
    return np.linalg.norm(x, "nuc")


# autograd has no matrix 2-norm: its references are the singular values.
def largest_singular_value(x):
    return np.linalg.svd(x, compute_uv=False)[0]


def smallest_singular_value(x):
    return np.linalg.svd(x, compute_uv=False)[-1]


def largest_singular_values_squared(x):
    return np.sum(np.linalg.svd(x, compute_uv=False)[:, 0] ** 2)


@pytest.mark.parametrize("fn, shape, reference", [
    (norm2, (4,), None), (norm2, (3, 4), largest_singular_value), (norm2, (4, 3), largest_singular_value),
    (norm_minus_2, (4, 3), smallest_singular_value), (norm3, (5,), None), (norm2_of_stack, (2, 3, 4), largest_singular_values_squared),
], ids=["vector", "matrix-wide", "matrix-tall", "matrix-smallest", "vector-3", "stack"])
def test_second_derivatives_of_norms_with_a_numeric_ord(fn, shape, reference):
    x = RNG.standard_normal(shape)
    against_autograd(fn, (x,), (0,), reference=reference)
    v = RNG.standard_normal(shape)
    h = s2sad.hessian(fn)(x)
    np.testing.assert_allclose(s2sad.hvp(fn, (x,), v), np.tensordot(h, v, v.ndim), rtol=1e-9, atol=1e-12)


def test_the_nuclear_norms_second_derivative_is_refused_at_the_users_line():
    with pytest.raises(s2sad.NonDifferentiableError, match="nuc") as info:
        s2sad.hessian(norm_nuc)(RNG.standard_normal((3, 3)))
    assert info.value.filename.endswith("test_regressions_linalg.py") and info.value.lineno == norm_nuc.__code__.co_firstlineno + 1


# -- 6. eig with real, distinct eigenvalues -----------------------------------------------------------------------


def eig_mix(a):
    w, v = np.linalg.eig(a)
    return np.sum(w * np.arange(1.0, 4.0)) + np.sum(v * v * np.arange(3.0))


def eig_values(a):
    return np.linalg.eig(a)[0]


def with_real_spectrum(*batch):
    p = np.eye(3) + 0.3 * RNG.standard_normal(batch + (3, 3))
    return p @ (np.array([0.5, -1.0, 2.0])[:, None] * np.linalg.inv(p))


def test_eig_against_autograd():
    a = with_real_spectrum()
    against_autograd(eig_mix, (a,), (0,))
    against_autograd(eig_values, (a,), (0,))
    against_autograd(eig_values, (with_real_spectrum(2),), (0,))


def test_eig_with_complex_eigenvalues_is_refused_at_the_users_line():
    rotation = np.array([[0.0, -1.0, 0.2], [1.0, 0.0, 0.1], [0.3, 0.2, 2.0]])
    with pytest.raises(s2sad.DerivativeError, match="complex eigenvalues") as info:
        s2sad.grad(eig_mix)(rotation)
    assert info.value.filename.endswith("test_regressions_linalg.py") and info.value.lineno == eig_mix.__code__.co_firstlineno + 1
