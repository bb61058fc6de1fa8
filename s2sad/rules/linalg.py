"""`np.linalg`: inv, det, slogdet, solve, norm, cholesky, eigh, qr, svd, pinv,
lstsq, matrix_power -- all on stacks of matrices (`...`, M, N) as NumPy allows.

The rules are the matrix-calculus identities (Giles, "An extended collection of
matrix derivative results"; Murray for Cholesky; Townsend for the SVD), written
with `mT(x)`, the transpose of the last two axes, so that they hold for
stacks. Tuple-valued primitives (slogdet, eigh, qr, svd, lstsq) see `g` and
`ans` as tuples: `g[1]` is the adjoint of the second result.

`eigh` and `cholesky` read one triangle of their input, as LAPACK does, so the
adjoint lands on that triangle (`triangle_adjoint`); for a symmetric
perturbation this agrees with the symmetrised adjoint autograd returns.
`svd` assumes distinct singular values and `full_matrices=False`; `lstsq`
assumes full column rank, and only its solution (not the residuals, rank or
singular values) carries a derivative.

Input: the `np.linalg` functions above and the `s2sad.runtime` helpers their rules write.
Output: their registered primitives, with VJP and JVP templates. The generation-time
rewrites these rules hook in (and `list_arguments_as_arrays`) are in `rules/linalg_rewrites.py`.
"""
# ruff: noqa: N801, N803
from __future__ import annotations

from typing import Any

import numpy as np

from ..primitives.registry import defrule, nondiff
from ..runtime import (
    block_triangular,
    cofactors,
    diagonal_blocks_sum,
    eigengap_inverse,
    from_triangle,
    lower_half,
    matmul_adjoint_a,
    mT,
    norm_direction,
    norm_direction_partial,
    norm_direction_slope,
    real_eigenvalues,
    reduced_u,
    skew_lower,
    triangle_adjoint,
    unbroadcast,
    unsum,
    upper_right,
)
from .svd_full import svd_full_cotangent, svd_full_reduced, svd_full_tangent
from .linalg_rewrites import (
    list_arguments_as_arrays,
    no_nuclear_second_derivative,
    norm_direction_rewrite,
    uv_or_s_rewrite,
)
from .macros import unsupported
from ..ir.convert import HOOKS

HOOKS.linalg_lists = list_arguments_as_arrays  # the converter (ir/convert.py): np.linalg.norm([x, x + 2]) reads an array


# -- inverse and determinants ---------------------------------------------------------------


@defrule(np.linalg.inv)
class inv:
    def vjp(g, ans, x):
        return -(mT(ans) @ g @ mT(ans))

    def jvp(ans, x, x_dot):
        return -(ans @ x_dot @ ans)


@defrule(np.linalg.det)
class det:
    # d det(x) / dx is the matrix of cofactors, det(x) * inv(x).T where x is invertible (and defined where not).
    def vjp(g, ans, x):
        return np.expand_dims(g, (-2, -1)) * cofactors(x)

    def jvp(ans, x, x_dot):
        return np.sum(cofactors(x) * x_dot, axis=(-2, -1))


@defrule(np.linalg.slogdet, outputs=2)
class slogdet:
    # (sign, log|det|): the sign is piecewise constant.
    def vjp(g, ans, x):
        return np.expand_dims(g[1], (-2, -1)) * mT(np.linalg.inv(x))

    def jvp(ans, x, x_dot):
        return ((np.zeros_like(ans[0]), np.trace(np.linalg.solve(x, x_dot), axis1=-2, axis2=-1)),)


@defrule(np.linalg.solve)
class solve:
    # ans = a^-1 b, so b_bar = a^-T g and a_bar = -b_bar ans^T.
    def vjp(g, ans, a, b):
        return -matmul_adjoint_a(np.linalg.solve(mT(a), g), a, ans), unbroadcast(np.linalg.solve(mT(a), g), b)

    def jvp(ans, a, b, a_dot, b_dot):
        return -np.linalg.solve(a, a_dot @ ans), np.linalg.solve(a, b_dot)


@defrule(np.linalg.matrix_power)
class matrix_power:
    # f([[a, e], [0, a]]) = [[f(a), Df(a)[e]], [0, f(a)]]: the derivative of a^n along e, top right.
    def vjp(g, ans, a, n):
        return upper_right(np.linalg.matrix_power(block_triangular(mT(a), g), n)), None

    def jvp(ans, a, n, a_dot, n_dot):
        return upper_right(np.linalg.matrix_power(block_triangular(a, a_dot), n)), None


@defrule(np.linalg.pinv)
class pinv:
    # Golub & Pereyra: for constant rank, dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P.
    def vjp(g, ans, x, rcond=None):
        return (
            -mT(ans) @ g @ mT(ans)
            + (mT(g) - x @ ans @ mT(g)) @ ans @ mT(ans)
            + mT(ans) @ ans @ (mT(g) - mT(g) @ ans @ x),
            None,
        )

    def jvp(ans, x, rcond=None, x_dot=None):
        return (
            -ans @ x_dot @ ans
            + ans @ mT(ans) @ (mT(x_dot) - mT(x_dot) @ x @ ans)
            + (mT(x_dot) - ans @ x @ mT(x_dot)) @ mT(ans) @ ans,
            None,
        )


@defrule(np.linalg.lstsq, outputs=4)
class lstsq:
    # (x, residuals, rank, s); x = (a^T a)^-1 a^T b for full column rank, r = b - a x.
    def vjp(g, ans, a, b, rcond=None):
        return (
            matmul_adjoint_a(b - a @ ans[0], a, np.linalg.solve(mT(a) @ a, g[0]))
            - matmul_adjoint_a(a @ np.linalg.solve(mT(a) @ a, g[0]), a, ans[0]),
            a @ np.linalg.solve(mT(a) @ a, g[0]),
            None,
        )

    def jvp(ans, a, b, rcond=None, a_dot=None, b_dot=None, rcond_dot=None):
        return (
            (
                np.linalg.solve(mT(a) @ a, mT(a_dot) @ (b - a @ ans[0]) - mT(a) @ (a_dot @ ans[0])),
                np.zeros_like(ans[1]), np.zeros_like(ans[2]), np.zeros_like(ans[3]),
            ),
            (np.linalg.solve(mT(a) @ a, mT(a) @ b_dot), np.zeros_like(ans[1]), np.zeros_like(ans[2]), np.zeros_like(ans[3])),
            None,
        )


# -- factorizations --------------------------------------------------------------------------------


@defrule(np.linalg.cholesky)
class cholesky:
    # Murray (2016): L_dot = L Phi(L^-1 A_dot L^-T), Phi = lower triangle with the diagonal halved.
    def vjp(g, ans, x):
        return triangle_adjoint(mT(np.linalg.inv(ans)) @ lower_half(mT(ans) @ g) @ np.linalg.inv(ans))

    def jvp(ans, x, x_dot):
        return ans @ lower_half(np.linalg.inv(ans) @ from_triangle(x_dot) @ mT(np.linalg.inv(ans)))


@defrule(np.linalg.eigh, outputs=2)
class eigh:
    # (w, v) with a = v diag(w) v^T; F = eigengap_inverse(w), F[i, j] = 1 / (w[j] - w[i]).
    def vjp(g, ans, a, UPLO="L"):
        return (
            triangle_adjoint((ans[1] * np.expand_dims(g[0], -2) + ans[1] @ (eigengap_inverse(ans[0]) * (mT(ans[1]) @ g[1]))) @ mT(ans[1]), UPLO),
            None,
        )

    def jvp(ans, a, UPLO="L", a_dot=None, UPLO_dot=None):
        return (
            (
                np.diagonal(mT(ans[1]) @ from_triangle(a_dot, UPLO) @ ans[1], axis1=-2, axis2=-1),
                ans[1] @ (eigengap_inverse(ans[0]) * (mT(ans[1]) @ from_triangle(a_dot, UPLO) @ ans[1])),
            ),
            None,
        )


@defrule(np.linalg.eig, outputs=2)
class eig:
    # (w, v) with a v = v diag(w), columns of unit length, for a real matrix with real, distinct
    # eigenvalues (`real_eigenvalues` refuses complex ones); F = eigengap_inverse(w), C = v^-1 a_dot v:
    # w_dot = diag(C), v_dot = v (F * C) less each column's part along itself (the unit length).
    def vjp(g, ans, a):
        return np.linalg.solve(mT(ans[1]), (
            np.expand_dims(g[0], -2) * np.eye(np.shape(a)[-1])
            + eigengap_inverse(real_eigenvalues(ans[0])) * (mT(ans[1]) @ g[1])
            - eigengap_inverse(real_eigenvalues(ans[0])) * (mT(ans[1]) @ ans[1] * np.expand_dims(np.sum(ans[1] * g[1], axis=-2), -2))
        ) @ mT(ans[1]))

    def jvp(ans, a, a_dot):
        return ((
            np.diagonal(np.linalg.solve(ans[1], a_dot @ ans[1]), axis1=-2, axis2=-1),
            ans[1] @ (eigengap_inverse(real_eigenvalues(ans[0])) * np.linalg.solve(ans[1], a_dot @ ans[1]))
            - ans[1] * np.sum(ans[1] * (ans[1] @ (eigengap_inverse(real_eigenvalues(ans[0])) * np.linalg.solve(ans[1], a_dot @ ans[1]))), axis=-2, keepdims=True),
        ),)


@defrule(np.linalg.qr, outputs=2)
class qr:
    # Reduced QR of a tall or square matrix (Liao et al. 2019): M = R R_bar^T - Q_bar^T Q,
    # a_bar = (Q_bar + Q copyltu(M)) R^-T, where copyltu(M) = from_triangle(M, "L").
    def vjp(g, ans, a, mode="reduced"):
        return mT(np.linalg.solve(ans[1], mT(g[0] + ans[0] @ from_triangle(ans[1] @ mT(g[1]) - mT(g[0]) @ ans[0], "L")))), None

    def jvp(ans, a, mode="reduced", a_dot=None, mode_dot=None):
        # C = Q^T a_dot R^-1; Q_dot = Q (skew(C) - C) + a_dot R^-1, R_dot = (C - skew(C)) R.
        return (
            (
                ans[0] @ (skew_lower(mT(ans[0]) @ a_dot @ np.linalg.inv(ans[1])) - mT(ans[0]) @ a_dot @ np.linalg.inv(ans[1]))
                + a_dot @ np.linalg.inv(ans[1]),
                (mT(ans[0]) @ a_dot @ np.linalg.inv(ans[1]) - skew_lower(mT(ans[0]) @ a_dot @ np.linalg.inv(ans[1]))) @ ans[1],
            ),
            None,
        )


def uv_or_s(compute_uv: Any, with_uv: Any, s_only: Any) -> Any:
    """Macro: the rule of `np.linalg.svd(a, compute_uv=...)`, which returns (u, s, vh) or s alone."""
    return with_uv if compute_uv else s_only


nondiff(uv_or_s, "uv_or_s", call="uv_or_s", rewrite=uv_or_s_rewrite)


@defrule(np.linalg.svd, outputs=3)
class svd:
    # With full_matrices=True (the default) the formulas read the first min(m, n) columns of u and rows of
    # vh (`svd_full_reduced`): the adjoint is refused at run time where the others have a nonzero adjoint
    # (`svd_full_cotangent`), and their tangent is NaN (`svd_full_tangent`): rules/svd_full.py.
    # Townsend (2016), with u, s, vh = ans and F = eigengap_inverse(s ** 2), F[i, j] = 1 / (s[j]^2 - s[i]^2).
    # With compute_uv=False, ans is s alone: a_bar = u diag(g) vh and s_dot = diag(u^T a_dot vh^T), with
    # u and vh of the reduced SVD computed again (as autograd does). Those need no gap between the
    # singular values: at a tie they give the derivative of any function symmetric in the tied values.
    def vjp(g, ans, a, full_matrices=True, compute_uv=True):
        return (
            uv_or_s(
                compute_uv,
                reduced_u(svd_full_reduced(full_matrices, ans)[0], svd_full_reduced(full_matrices, ans)[2]) @ (
                    eigengap_inverse(svd_full_reduced(full_matrices, ans)[1] ** 2) * (mT(svd_full_reduced(full_matrices, ans)[0]) @ svd_full_cotangent(full_matrices, g, ans)[0] - mT(svd_full_cotangent(full_matrices, g, ans)[0]) @ svd_full_reduced(full_matrices, ans)[0]) * np.expand_dims(svd_full_reduced(full_matrices, ans)[1], -2)
                    + np.expand_dims(svd_full_reduced(full_matrices, ans)[1], -1) * (eigengap_inverse(svd_full_reduced(full_matrices, ans)[1] ** 2) * (svd_full_reduced(full_matrices, ans)[2] @ mT(svd_full_cotangent(full_matrices, g, ans)[2]) - svd_full_cotangent(full_matrices, g, ans)[2] @ mT(svd_full_reduced(full_matrices, ans)[2])))
                ) @ svd_full_reduced(full_matrices, ans)[2]
                + (svd_full_reduced(full_matrices, ans)[0] * np.expand_dims(g[1], -2)) @ svd_full_reduced(full_matrices, ans)[2]
                + (svd_full_cotangent(full_matrices, g, ans)[0] - svd_full_reduced(full_matrices, ans)[0] @ (mT(svd_full_reduced(full_matrices, ans)[0]) @ svd_full_cotangent(full_matrices, g, ans)[0])) / np.expand_dims(svd_full_reduced(full_matrices, ans)[1], -2) @ svd_full_reduced(full_matrices, ans)[2]
                + svd_full_reduced(full_matrices, ans)[0] @ ((svd_full_cotangent(full_matrices, g, ans)[2] - svd_full_cotangent(full_matrices, g, ans)[2] @ mT(svd_full_reduced(full_matrices, ans)[2]) @ svd_full_reduced(full_matrices, ans)[2]) / np.expand_dims(svd_full_reduced(full_matrices, ans)[1], -1)),
                (np.linalg.svd(a, full_matrices=False)[0] * np.expand_dims(g, -2)) @ np.linalg.svd(a, full_matrices=False)[2],
            ),
            None,
            None,
        )

    def jvp(ans, a, full_matrices=True, compute_uv=True, a_dot=None, full_matrices_dot=None, compute_uv_dot=None):
        # dP = u^T a_dot v: s_dot = diag(dP), u_dot and vh_dot from F and the parts outside the span.
        return (
            uv_or_s(
                compute_uv,
                svd_full_tangent(full_matrices, (
                    reduced_u(svd_full_reduced(full_matrices, ans)[0], svd_full_reduced(full_matrices, ans)[2]) @ (eigengap_inverse(svd_full_reduced(full_matrices, ans)[1] ** 2) * (
                        mT(svd_full_reduced(full_matrices, ans)[0]) @ a_dot @ mT(svd_full_reduced(full_matrices, ans)[2]) * np.expand_dims(svd_full_reduced(full_matrices, ans)[1], -2)
                        + np.expand_dims(svd_full_reduced(full_matrices, ans)[1], -1) * mT(mT(svd_full_reduced(full_matrices, ans)[0]) @ a_dot @ mT(svd_full_reduced(full_matrices, ans)[2]))))
                    + (a_dot @ mT(svd_full_reduced(full_matrices, ans)[2]) - svd_full_reduced(full_matrices, ans)[0] @ (mT(svd_full_reduced(full_matrices, ans)[0]) @ a_dot @ mT(svd_full_reduced(full_matrices, ans)[2]))) / np.expand_dims(svd_full_reduced(full_matrices, ans)[1], -2),
                    np.diagonal(mT(svd_full_reduced(full_matrices, ans)[0]) @ a_dot @ mT(svd_full_reduced(full_matrices, ans)[2]), axis1=-2, axis2=-1),
                    mT(
                        mT(svd_full_reduced(full_matrices, ans)[2]) @ (eigengap_inverse(svd_full_reduced(full_matrices, ans)[1] ** 2) * (
                            np.expand_dims(svd_full_reduced(full_matrices, ans)[1], -1) * (mT(svd_full_reduced(full_matrices, ans)[0]) @ a_dot @ mT(svd_full_reduced(full_matrices, ans)[2]))
                            + mT(mT(svd_full_reduced(full_matrices, ans)[0]) @ a_dot @ mT(svd_full_reduced(full_matrices, ans)[2])) * np.expand_dims(svd_full_reduced(full_matrices, ans)[1], -2)))
                        + (mT(a_dot) @ svd_full_reduced(full_matrices, ans)[0] - mT(svd_full_reduced(full_matrices, ans)[2]) @ (svd_full_reduced(full_matrices, ans)[2] @ mT(a_dot) @ svd_full_reduced(full_matrices, ans)[0])) / np.expand_dims(svd_full_reduced(full_matrices, ans)[1], -2)
                    ),
                ), ans),
                np.sum(np.linalg.svd(a, full_matrices=False)[0] * (a_dot @ mT(np.linalg.svd(a, full_matrices=False)[2])), axis=-2),
            ),
            None,
            None,
        )


# -- norms: the derivative is a "direction" d norm / dx; at 0 and at ties it is a subgradient --------


@defrule(np.linalg.norm)
class norm:
    def vjp(g, ans, x, ord=None, axis=None, keepdims=False):  # noqa: A002
        return unsum(g, x, axis, keepdims) * norm_direction(x, ans, ord, axis, keepdims), None, None, None

    def jvp(ans, x, ord=None, axis=None, keepdims=False, x_dot=None):  # noqa: A002
        return np.sum(x_dot * norm_direction(x, ans, ord, axis, keepdims), axis=axis, keepdims=keepdims), None, None, None


@defrule(norm_direction, call="norm_direction", rewrite=norm_direction_rewrite)
class norm_direction_:
    # Reached for a numeric ord with axis=None (a vector or a matrix norm, by x's rank), or a matrix
    # norm: the runtime decides which norm it is, and so do its derivatives. In x (the norm held) the
    # derivative is symmetric (`norm_direction_partial`); in the norm it is elementwise (`norm_direction_slope`).
    def vjp(g, ans, x, norm, ord=None, axis=None, keepdims=False):  # noqa: A002
        return (
            norm_direction_partial(g, x, norm, ord, axis, keepdims),
            np.sum(g * norm_direction_slope(x, norm, ord, axis, keepdims), axis=axis, keepdims=keepdims),
            None, None, None,
        )

    def jvp(ans, x, norm, ord=None, axis=None, keepdims=False, x_dot=None, norm_dot=None):  # noqa: A002
        return (
            norm_direction_partial(x_dot, x, norm, ord, axis, keepdims),
            norm_direction_slope(x, norm, ord, axis, keepdims) * unsum(norm_dot, x, axis, keepdims),
            None, None, None,
        )


@defrule(norm_direction_partial, call="norm_direction_partial", rewrite=no_nuclear_second_derivative)
class norm_direction_partial_:
    def vjp(g, ans, v, x, norm, ord=None, axis=None, keepdims=False):  # noqa: A002
        return (
            norm_direction_partial(g, x, norm, ord, axis, keepdims),
            unsupported("third derivatives of np.linalg.norm need a vector norm with an explicit axis, or ord=None/'fro'"),
            unsupported("third derivatives of np.linalg.norm need a vector norm with an explicit axis, or ord=None/'fro'"),
            None, None, None,
        )

    def jvp(ans, v, x, norm, ord=None, axis=None, keepdims=False, v_dot=None, x_dot=None, norm_dot=None):  # noqa: A002
        return (
            norm_direction_partial(v_dot, x, norm, ord, axis, keepdims),
            unsupported("third derivatives of np.linalg.norm need a vector norm with an explicit axis, or ord=None/'fro'"),
            unsupported("third derivatives of np.linalg.norm need a vector norm with an explicit axis, or ord=None/'fro'"),
            None, None, None,
        )


@defrule(norm_direction_slope, call="norm_direction_slope")
class norm_direction_slope_:
    def vjp(g, ans, x, norm, ord=None, axis=None, keepdims=False):  # noqa: A002
        return (
            unsupported("third derivatives of np.linalg.norm need a vector norm with an explicit axis, or ord=None/'fro'"),
            unsupported("third derivatives of np.linalg.norm need a vector norm with an explicit axis, or ord=None/'fro'"),
            None, None, None,
        )

    def jvp(ans, x, norm, ord=None, axis=None, keepdims=False, x_dot=None, norm_dot=None):  # noqa: A002
        return (
            unsupported("third derivatives of np.linalg.norm need a vector norm with an explicit axis, or ord=None/'fro'"),
            unsupported("third derivatives of np.linalg.norm need a vector norm with an explicit axis, or ord=None/'fro'"),
            None, None, None,
        )


# -- the helpers' own rules (each is linear in its first argument, or simple) -----------------------


@defrule(mT, call="mT", linear=True)
class mT_:
    def vjp(g, ans, x):
        return mT(g)


@defrule(lower_half, call="lower_half", linear=True)
class lower_half_:
    def vjp(g, ans, x):
        return lower_half(g)


@defrule(cofactors, call="cofactors")
class cofactors_:
    # ans = C = det(x) * inv(x).T, so dC = sum(C * dx) inv(x).T - C dx.T inv(x).T: the second derivative
    # of det, where x is invertible.
    def vjp(g, ans, x):
        return np.expand_dims(np.sum(g * ans, axis=(-2, -1)), (-2, -1)) * mT(np.linalg.inv(x)) - mT(np.linalg.inv(x)) @ mT(g) @ ans

    def jvp(ans, x, x_dot):
        return np.expand_dims(np.sum(ans * x_dot, axis=(-2, -1)), (-2, -1)) * mT(np.linalg.inv(x)) - ans @ mT(x_dot) @ mT(np.linalg.inv(x))


@defrule(skew_lower, call="skew_lower", linear=True)
class skew_lower_:
    def vjp(g, ans, c):
        return np.tril(g - mT(g), -1)


@defrule(eigengap_inverse, call="eigengap_inverse")
class eigengap_inverse_:
    # d F[i, j] = -F[i, j]^2 (dw[j] - dw[i])
    def vjp(g, ans, w):
        return np.sum(g * ans ** 2, axis=-1) - np.sum(g * ans ** 2, axis=-2)

    def jvp(ans, w, w_dot):
        return -ans ** 2 * (np.expand_dims(w_dot, -2) - np.expand_dims(w_dot, -1))


@defrule(real_eigenvalues, call="real_eigenvalues")
class real_eigenvalues_:
    def vjp(g, ans, w):
        return g

    def jvp(ans, w, w_dot):
        return w_dot


@defrule(reduced_u, call="reduced_u")
class reduced_u_:
    def vjp(g, ans, u, vh):
        return g, None

    def jvp(ans, u, vh, u_dot, vh_dot):
        return u_dot, None


@defrule(from_triangle, call="from_triangle", linear=True)
class from_triangle_:
    def vjp(g, ans, x, UPLO="L"):
        return triangle_adjoint(g, UPLO), None


@defrule(triangle_adjoint, call="triangle_adjoint", linear=True)
class triangle_adjoint_:
    def vjp(g, ans, s, UPLO="L"):
        return from_triangle(g, UPLO), None


@defrule(block_triangular, call="block_triangular")
class block_triangular_:
    def vjp(g, ans, a, e):
        return diagonal_blocks_sum(g), upper_right(g)

    def jvp(ans, a, e, a_dot, e_dot):
        return block_triangular(a_dot, np.zeros_like(e)), block_triangular(np.zeros_like(a), e_dot)


@defrule(upper_right, call="upper_right", linear=True)
class upper_right_:
    def vjp(g, ans, m):
        return block_triangular(np.zeros_like(g), g)


@defrule(diagonal_blocks_sum, call="diagonal_blocks_sum", linear=True)
class diagonal_blocks_sum_:
    def vjp(g, ans, m):
        return block_triangular(g, np.zeros_like(g))


nondiff(np.linalg.matrix_rank, "matrix_rank", call="np.linalg.matrix_rank")
nondiff(np.linalg.cond, "cond", call="np.linalg.cond")
