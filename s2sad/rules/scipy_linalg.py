"""`scipy.linalg`: solve_triangular, solve_sylvester and sqrtm, registered only where scipy is
installed (`s2sad.rules` skips this module when the import fails).

solve_triangular reads one triangle of `a` (and not its diagonal with unit_diagonal=True), so the
adjoint lands on that triangle; `trans` 'C' is 'T' for real matrices. sqrtm's derivative solves the
Sylvester equation x dx + dx x = da (scipy.linalg.solve_sylvester, whose own rules give every order).
"""
# ruff: noqa: N801, N803
from __future__ import annotations

import scipy.linalg

from ..primitives.registry import defrule, nondiff
from ..runtime import flip_trans, triangular_product, triangular_solve_adjoint_a
from .shape import constant_fold

nondiff(flip_trans, "flip_trans", call="flip_trans", rewrite=constant_fold(flip_trans))


@defrule(scipy.linalg.solve_triangular, call="scipy.linalg.solve_triangular")
class solve_triangular:
    # x = op(T)^-1 b, T the triangle of `a` it reads: b_bar = op(T)^-T g, a_bar = -b_bar x^T on T.
    def vjp(g, ans, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True):
        return (
            triangular_solve_adjoint_a(
                scipy.linalg.solve_triangular(a, g, trans=flip_trans(trans), lower=lower, unit_diagonal=unit_diagonal),
                ans, trans, lower, unit_diagonal),
            scipy.linalg.solve_triangular(a, g, trans=flip_trans(trans), lower=lower, unit_diagonal=unit_diagonal),
            None, None, None, None, None,
        )

    def jvp(ans, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True, a_dot=None,
            b_dot=None, trans_dot=None, lower_dot=None, unit_diagonal_dot=None, overwrite_b_dot=None, check_finite_dot=None):
        return (
            -scipy.linalg.solve_triangular(a, triangular_product(a_dot, ans, trans, lower, unit_diagonal), trans=trans,
                                           lower=lower, unit_diagonal=unit_diagonal),
            scipy.linalg.solve_triangular(a, b_dot, trans=trans, lower=lower, unit_diagonal=unit_diagonal),
            None, None, None, None, None,
        )


@defrule(triangular_product, call="triangular_product", linear=True)
class triangular_product_:
    # op(T(m)) @ x: bilinear; its transpose in m is the masked outer product.
    def vjp(g, ans, m, x, trans=0, lower=False, unit_diagonal=False):
        return (-triangular_solve_adjoint_a(g, x, trans, lower, unit_diagonal),
                triangular_product(m, g, flip_trans(trans), lower, unit_diagonal), None, None, None)


@defrule(triangular_solve_adjoint_a, call="triangular_solve_adjoint_a", linear=True)
class triangular_solve_adjoint_a_:
    # -T(b_bar x^T) (or its transpose): bilinear in b_bar and x.
    def vjp(g, ans, b_bar, x, trans=0, lower=False, unit_diagonal=False):
        return (-triangular_product(g, x, trans, lower, unit_diagonal),
                -triangular_product(g, b_bar, flip_trans(trans), lower, unit_diagonal), None, None, None)


@defrule(scipy.linalg.solve_sylvester, call="scipy.linalg.solve_sylvester")
class solve_sylvester:
    # a y + y b = q: q_bar = sylv(a^T, b^T, g); a_bar = -q_bar y^T; b_bar = -y^T q_bar.
    def vjp(g, ans, a, b, q):
        return (
            -scipy.linalg.solve_sylvester(a.T, b.T, g) @ ans.T,
            -ans.T @ scipy.linalg.solve_sylvester(a.T, b.T, g),
            scipy.linalg.solve_sylvester(a.T, b.T, g),
        )

    def jvp(ans, a, b, q, a_dot, b_dot, q_dot):
        return (
            scipy.linalg.solve_sylvester(a, b, -(a_dot @ ans)),
            scipy.linalg.solve_sylvester(a, b, -(ans @ b_dot)),
            scipy.linalg.solve_sylvester(a, b, q_dot),
        )


@defrule(scipy.linalg.sqrtm, call="scipy.linalg.sqrtm")
class sqrtm:
    # x x = a: x dx + dx x = da, a Sylvester equation (x must have no eigenvalues summing to 0).
    def vjp(g, ans, A, disp=True, blocksize=64):
        return scipy.linalg.solve_sylvester(ans.T, ans.T, g), None, None

    def jvp(ans, A, disp=True, blocksize=64, A_dot=None, disp_dot=None, blocksize_dot=None):
        return scipy.linalg.solve_sylvester(ans, ans, A_dot), None, None
