"""Cases for the primitives of rules/extra.py and rules/scipy_linalg.py (issue 20): the registry walk
(`test_registry.py`, through test_numpy_shape.CASES) checks each in both modes to second order."""
from __future__ import annotations

import numpy as np
import scipy.linalg
from test_numpy_cases import Case, Inputs

import s2sad
from s2sad import runtime

I = Inputs(2020)  # noqa: E741

_XP = np.array([0.0, 1.0, 2.5, 4.0])
_IDX = np.array([0, 2, 2, 1, 4])
_T = np.tril(I.normal(4, 4)) + 4.0 * np.eye(4)


def positive_(x): return np.positive(x)
def dstack_(a, b): return np.dstack((a, b))
def heaviside_(x1, x2): return np.heaviside(x1, x2)
def heaviside_at_zero(x2): return np.heaviside(np.array([0.0, 1.0, 0.0, -1.0]), x2)
def insert_(x, v): return np.insert(x, [1, 3], v)
def insert_axis(x, v): return np.insert(x, 1, v, axis=1)
def delete_(x): return np.delete(x, [0, 2])
def delete_axis(x): return np.delete(x, 1, axis=0)
def interp_(x, fp): return np.interp(x, _XP, fp)
def interp_lr(x, fp, left, right): return np.interp(x, _XP, fp, left, right)
def meshgrid_(x, y):
    X, Y = np.meshgrid(x, y)
    return X * Y + X
def meshgrid_ij_sparse(x, y, z):
    X, Y, Z = np.meshgrid(x, y, z, indexing="ij", sparse=True)
    return X * Y + Z ** 2
def broadcast_arrays_(x, y):
    a, b = np.broadcast_arrays(x, y)
    return a * b + a
def bincount_(w): return np.bincount(_IDX, w, minlength=6)
def add_reduce_(x): return np.add.reduce(x)
def add_reduce_axis(x): return np.add.reduce(x, axis=1, keepdims=True)
def multiply_reduce_(x): return np.multiply.reduce(x, axis=1)
def maximum_reduce_(x): return np.maximum.reduce(x, axis=0)
def minimum_reduce_(x): return np.minimum.reduce(x, axis=1)
def logaddexp_reduce_(x): return np.logaddexp.reduce(x, axis=0)
def add_accumulate_(x): return np.add.accumulate(x, axis=1)
def cov_(x): return np.cov(x)
def cov_rowvar_y(x, y): return np.cov(x, y, rowvar=False, bias=True)
def corrcoef_(x): return np.corrcoef(x)
def cov_variables_(x): return runtime.cov_variables(x, False)
def cov_variables_adjoint_(g, m): return runtime.cov_variables_adjoint(g, m, False)
def solve_triangular_(a, b): return scipy.linalg.solve_triangular(a, b, lower=True)
def solve_triangular_t_unit(a, b): return scipy.linalg.solve_triangular(a, b, trans="T", lower=True, unit_diagonal=True)
def solve_triangular_upper(a, b): return scipy.linalg.solve_triangular(a.T, b, lower=False)
def solve_sylvester_(a, b, q): return scipy.linalg.solve_sylvester(a, b, q)
def sqrtm_(a): return scipy.linalg.sqrtm(a)
def unique_(x): return np.unique(x)
def reversed_(x):
    ys = list(reversed([x[0], x[1] * 2.0]))
    return ys[0] * 3.0 + ys[1]
def builtin_set_(x):  # a set comprehension of differentiated values (tests/test_constructs.py): refused
    return sum({x[i] * 2.0 for i in range(2)})
def builtin_sorted_(x):
    return sum(sorted([x[0], x[1] * 2.0]))
def svd_full_(a): return np.linalg.svd(a)[1]
def svd_full_parts(a):
    u, s, vh = np.linalg.svd(a)
    return np.sum(u[:, :3] * s * np.arange(3.0)) + np.sum(vh * np.arange(9.0).reshape(3, 3))


CASES: list[Case] = [
    Case("positive", positive_, (I.normal(3, 2),)),
    Case("dstack", dstack_, (I.normal(2, 3), I.normal(2, 3))), Case("dstack", dstack_, (I.normal(3), I.normal(3)), label="1-D", order=1),  # join_like: 2-D pieces
    Case("heaviside", heaviside_, (I.away(4), I.normal(4))),
    Case("heaviside", heaviside_at_zero, (I.normal(4),), label="x1 == 0"),
    Case("insert", insert_, (I.normal(5), I.normal(2)), also=("uninsert_arr_", "uninsert_values_")),
    Case("insert", insert_axis, (I.normal(3, 4), I.normal(3)), label="axis", also=("uninsert_arr_", "uninsert_values_")),
    Case("delete", delete_, (I.normal(5),), also=("undelete_",)),
    Case("delete", delete_axis, (I.normal(3, 4),), label="axis", also=("undelete_",)),
    Case("interp", interp_, (np.array([0.4, 1.3, 2.0, 3.7, -0.5, 4.5]), I.normal(4)),
         also=("interp_slope_", "interp_slope_adjoint_", "interp_fp_adjoint_", "interp_fp_tangent_")),
    Case("interp", interp_lr, (np.array([0.4, 1.3, 3.7, -0.5, 4.5]), I.normal(4), 0.3, -0.2), label="left, right"),
    Case("meshgrid", meshgrid_, (I.normal(3), I.normal(4)), also=("meshgrid_adjoint_", "meshgrid_tangent_")),
    Case("meshgrid", meshgrid_ij_sparse, (I.normal(2), I.normal(3), I.normal(2)), label="ij, sparse"),
    Case("broadcast_arrays", broadcast_arrays_, (I.normal(3), I.normal(4, 1)), also=("broadcast_adjoint_", "broadcast_tangent_")),
    Case("bincount", bincount_, (I.normal(5),), also=("unbincount_",)),
    Case("add_reduce", add_reduce_, (I.normal(3, 4),)), Case("add_reduce", add_reduce_axis, (I.normal(3, 4),), label="axis"),
    Case("multiply_reduce", multiply_reduce_, (I.away(3, 4),)),
    Case("maximum_reduce", maximum_reduce_, (I.normal(3, 4),)),
    Case("minimum_reduce", minimum_reduce_, (I.normal(3, 4),)),
    Case("logaddexp_reduce", logaddexp_reduce_, (I.normal(3, 4),)),
    Case("add_accumulate", add_accumulate_, (I.normal(3, 4),)),
    Case("cov", cov_, (I.normal(3, 5),), also=("cov_variables_", "cov_variables_adjoint_")),
    Case("cov", cov_rowvar_y, (I.normal(5, 3), I.normal(5, 2)), label="rowvar=False, y, bias"),
    Case("corrcoef", corrcoef_, (I.normal(3, 5),)),
    Case("cov_variables_", cov_variables_, (I.normal(3, 5),)),
    Case("cov_variables_adjoint_", cov_variables_adjoint_, (I.normal(5, 3), I.normal(3, 5))),
    Case("solve_triangular", solve_triangular_, (_T, I.normal(4, 2)),
         also=("triangular_product_", "triangular_solve_adjoint_a_")),
    Case("solve_triangular", solve_triangular_t_unit, (_T, I.normal(4)), label="trans, unit_diagonal"),
    Case("solve_triangular", solve_triangular_upper, (_T, I.normal(4)), label="upper"),
    Case("solve_sylvester", solve_sylvester_, (I.spd(3), I.spd(3), I.normal(3, 3))),
    Case("sqrtm", sqrtm_, (I.spd(3),)),
    Case("unique", unique_, (I.normal(4),), expect=(s2sad.NonDifferentiableError, "np.unique")),
    Case("reversed", reversed_, (I.normal(2),), expect=(s2sad.NonDifferentiableError, "reversed")),
    Case("builtin_set", builtin_set_, (I.normal(2),), expect=(s2sad.NonDifferentiableError, "a set of differentiated values")),
    Case("builtin_sorted", builtin_sorted_, (I.normal(2),), expect=(s2sad.NonDifferentiableError, "sorted")),
    # Second order through the tangent program (reverse over forward) meets the NaN tangent of u's extra
    # columns and is refused; s2sad.hvp (forward over reverse) is right: tests/test_regressions_gaps.py.
    Case("svd", svd_full_, (I.normal(5, 3),), label="full_matrices, s", order=1,
         also=("svd_reduced_", "svd_reduced_cotangent_", "svd_padded_")),
    Case("svd", svd_full_parts, (I.normal(5, 3),), label="full_matrices, reduced parts", order=1),
]
