"""Cases ported from autograd's tests/test_systematic.py (HIPS/autograd).

Each of autograd's `stat_check`, `unary_ufunc_check`, `binary_ufunc_check` and `combo_check` calls is
expanded into its combinations of shapes and keyword arguments, one module-level function per
variant (s2sad reads the source, so keyword arguments are literals in the body). The shapes and the
ranges of the points are autograd's (numpy_utils.py); the points are drawn from a fixed seed.
Complex inputs (autograd's `test_complex`) are left out: s2sad differentiates real functions.
"""
from __future__ import annotations

import numpy as np

from conformance.case import Case

SUITE = "autograd/test_systematic.py"
_R = np.random.RandomState(0)


def R(*shape):
    return _R.standard_normal(shape) if shape else float(_R.standard_normal())


def U(lo, hi, *shape):
    """A point in [lo, hi] (autograd's `transform(lims, npr.rand(...))`)."""
    if not shape:
        return float(lo + (hi - lo) * _R.rand())
    return lo + (hi - lo) * _R.rand(*shape)


CASES: list[Case] = []


def add(name, fn, args, **kw):
    CASES.append(Case(SUITE, name, fn, args, **kw))


# ---- array statistics: stat_check(fun) -----------------------------------------------------
def max_all(x):
    return np.max(x)

add('max[scalar]', max_all, (3.5,))
add('max[randn()]', max_all, (R(),))
def max_axNone_kT(x):
    return np.max(x, axis=None, keepdims=True)

add('max[3,axis=None,keepdims=True]', max_axNone_kT, (R(3),))
def max_axNone_kF(x):
    return np.max(x, axis=None, keepdims=False)

add('max[3,axis=None,keepdims=False]', max_axNone_kF, (R(3),))
def max_ax0_kT(x):
    return np.max(x, axis=0, keepdims=True)

add('max[3,axis=0,keepdims=True]', max_ax0_kT, (R(3),))
def max_ax0_kF(x):
    return np.max(x, axis=0, keepdims=False)

add('max[3,axis=0,keepdims=False]', max_ax0_kF, (R(3),))
add('max[2x3,axis=None,keepdims=True]', max_axNone_kT, (R(2, 3),))
add('max[2x3,axis=None,keepdims=False]', max_axNone_kF, (R(2, 3),))
add('max[2x3,axis=0,keepdims=True]', max_ax0_kT, (R(2, 3),))
add('max[2x3,axis=0,keepdims=False]', max_ax0_kF, (R(2, 3),))
def max_ax1_kT(x):
    return np.max(x, axis=1, keepdims=True)

add('max[2x3,axis=1,keepdims=True]', max_ax1_kT, (R(2, 3),))
def max_ax1_kF(x):
    return np.max(x, axis=1, keepdims=False)

add('max[2x3,axis=1,keepdims=False]', max_ax1_kF, (R(2, 3),))
add('max[1x3,axis=None,keepdims=True]', max_axNone_kT, (R(1, 3),))
add('max[1x3,axis=None,keepdims=False]', max_axNone_kF, (R(1, 3),))
add('max[1x3,axis=0,keepdims=True]', max_ax0_kT, (R(1, 3),))
add('max[1x3,axis=0,keepdims=False]', max_ax0_kF, (R(1, 3),))
add('max[1x3,axis=1,keepdims=True]', max_ax1_kT, (R(1, 3),))
add('max[1x3,axis=1,keepdims=False]', max_ax1_kF, (R(1, 3),))
def mean_all(x):
    return np.mean(x)

add('mean[scalar]', mean_all, (3.5,))
add('mean[randn()]', mean_all, (R(),))
def mean_axNone_kT(x):
    return np.mean(x, axis=None, keepdims=True)

add('mean[3,axis=None,keepdims=True]', mean_axNone_kT, (R(3),))
def mean_axNone_kF(x):
    return np.mean(x, axis=None, keepdims=False)

add('mean[3,axis=None,keepdims=False]', mean_axNone_kF, (R(3),))
def mean_ax0_kT(x):
    return np.mean(x, axis=0, keepdims=True)

add('mean[3,axis=0,keepdims=True]', mean_ax0_kT, (R(3),))
def mean_ax0_kF(x):
    return np.mean(x, axis=0, keepdims=False)

add('mean[3,axis=0,keepdims=False]', mean_ax0_kF, (R(3),))
add('mean[2x3,axis=None,keepdims=True]', mean_axNone_kT, (R(2, 3),))
add('mean[2x3,axis=None,keepdims=False]', mean_axNone_kF, (R(2, 3),))
add('mean[2x3,axis=0,keepdims=True]', mean_ax0_kT, (R(2, 3),))
add('mean[2x3,axis=0,keepdims=False]', mean_ax0_kF, (R(2, 3),))
def mean_ax1_kT(x):
    return np.mean(x, axis=1, keepdims=True)

add('mean[2x3,axis=1,keepdims=True]', mean_ax1_kT, (R(2, 3),))
def mean_ax1_kF(x):
    return np.mean(x, axis=1, keepdims=False)

add('mean[2x3,axis=1,keepdims=False]', mean_ax1_kF, (R(2, 3),))
add('mean[1x3,axis=None,keepdims=True]', mean_axNone_kT, (R(1, 3),))
add('mean[1x3,axis=None,keepdims=False]', mean_axNone_kF, (R(1, 3),))
add('mean[1x3,axis=0,keepdims=True]', mean_ax0_kT, (R(1, 3),))
add('mean[1x3,axis=0,keepdims=False]', mean_ax0_kF, (R(1, 3),))
add('mean[1x3,axis=1,keepdims=True]', mean_ax1_kT, (R(1, 3),))
add('mean[1x3,axis=1,keepdims=False]', mean_ax1_kF, (R(1, 3),))
def min_all(x):
    return np.min(x)

add('min[scalar]', min_all, (3.5,))
add('min[randn()]', min_all, (R(),))
def min_axNone_kT(x):
    return np.min(x, axis=None, keepdims=True)

add('min[3,axis=None,keepdims=True]', min_axNone_kT, (R(3),))
def min_axNone_kF(x):
    return np.min(x, axis=None, keepdims=False)

add('min[3,axis=None,keepdims=False]', min_axNone_kF, (R(3),))
def min_ax0_kT(x):
    return np.min(x, axis=0, keepdims=True)

add('min[3,axis=0,keepdims=True]', min_ax0_kT, (R(3),))
def min_ax0_kF(x):
    return np.min(x, axis=0, keepdims=False)

add('min[3,axis=0,keepdims=False]', min_ax0_kF, (R(3),))
add('min[2x3,axis=None,keepdims=True]', min_axNone_kT, (R(2, 3),))
add('min[2x3,axis=None,keepdims=False]', min_axNone_kF, (R(2, 3),))
add('min[2x3,axis=0,keepdims=True]', min_ax0_kT, (R(2, 3),))
add('min[2x3,axis=0,keepdims=False]', min_ax0_kF, (R(2, 3),))
def min_ax1_kT(x):
    return np.min(x, axis=1, keepdims=True)

add('min[2x3,axis=1,keepdims=True]', min_ax1_kT, (R(2, 3),))
def min_ax1_kF(x):
    return np.min(x, axis=1, keepdims=False)

add('min[2x3,axis=1,keepdims=False]', min_ax1_kF, (R(2, 3),))
add('min[1x3,axis=None,keepdims=True]', min_axNone_kT, (R(1, 3),))
add('min[1x3,axis=None,keepdims=False]', min_axNone_kF, (R(1, 3),))
add('min[1x3,axis=0,keepdims=True]', min_ax0_kT, (R(1, 3),))
add('min[1x3,axis=0,keepdims=False]', min_ax0_kF, (R(1, 3),))
add('min[1x3,axis=1,keepdims=True]', min_ax1_kT, (R(1, 3),))
add('min[1x3,axis=1,keepdims=False]', min_ax1_kF, (R(1, 3),))
def sum_all(x):
    return np.sum(x)

add('sum[scalar]', sum_all, (3.5,))
add('sum[randn()]', sum_all, (R(),))
def sum_axNone_kT(x):
    return np.sum(x, axis=None, keepdims=True)

add('sum[3,axis=None,keepdims=True]', sum_axNone_kT, (R(3),))
def sum_axNone_kF(x):
    return np.sum(x, axis=None, keepdims=False)

add('sum[3,axis=None,keepdims=False]', sum_axNone_kF, (R(3),))
def sum_ax0_kT(x):
    return np.sum(x, axis=0, keepdims=True)

add('sum[3,axis=0,keepdims=True]', sum_ax0_kT, (R(3),))
def sum_ax0_kF(x):
    return np.sum(x, axis=0, keepdims=False)

add('sum[3,axis=0,keepdims=False]', sum_ax0_kF, (R(3),))
add('sum[2x3,axis=None,keepdims=True]', sum_axNone_kT, (R(2, 3),))
add('sum[2x3,axis=None,keepdims=False]', sum_axNone_kF, (R(2, 3),))
add('sum[2x3,axis=0,keepdims=True]', sum_ax0_kT, (R(2, 3),))
add('sum[2x3,axis=0,keepdims=False]', sum_ax0_kF, (R(2, 3),))
def sum_ax1_kT(x):
    return np.sum(x, axis=1, keepdims=True)

add('sum[2x3,axis=1,keepdims=True]', sum_ax1_kT, (R(2, 3),))
def sum_ax1_kF(x):
    return np.sum(x, axis=1, keepdims=False)

add('sum[2x3,axis=1,keepdims=False]', sum_ax1_kF, (R(2, 3),))
add('sum[1x3,axis=None,keepdims=True]', sum_axNone_kT, (R(1, 3),))
add('sum[1x3,axis=None,keepdims=False]', sum_axNone_kF, (R(1, 3),))
add('sum[1x3,axis=0,keepdims=True]', sum_ax0_kT, (R(1, 3),))
add('sum[1x3,axis=0,keepdims=False]', sum_ax0_kF, (R(1, 3),))
add('sum[1x3,axis=1,keepdims=True]', sum_ax1_kT, (R(1, 3),))
add('sum[1x3,axis=1,keepdims=False]', sum_ax1_kF, (R(1, 3),))
def prod_all(x):
    return np.prod(x)

add('prod[scalar]', prod_all, (3.5,))
add('prod[randn()]', prod_all, (R(),))
def prod_axNone_kT(x):
    return np.prod(x, axis=None, keepdims=True)

add('prod[3,axis=None,keepdims=True]', prod_axNone_kT, (R(3),))
def prod_axNone_kF(x):
    return np.prod(x, axis=None, keepdims=False)

add('prod[3,axis=None,keepdims=False]', prod_axNone_kF, (R(3),))
def prod_ax0_kT(x):
    return np.prod(x, axis=0, keepdims=True)

add('prod[3,axis=0,keepdims=True]', prod_ax0_kT, (R(3),))
def prod_ax0_kF(x):
    return np.prod(x, axis=0, keepdims=False)

add('prod[3,axis=0,keepdims=False]', prod_ax0_kF, (R(3),))
add('prod[2x3,axis=None,keepdims=True]', prod_axNone_kT, (R(2, 3),))
add('prod[2x3,axis=None,keepdims=False]', prod_axNone_kF, (R(2, 3),))
add('prod[2x3,axis=0,keepdims=True]', prod_ax0_kT, (R(2, 3),))
add('prod[2x3,axis=0,keepdims=False]', prod_ax0_kF, (R(2, 3),))
def prod_ax1_kT(x):
    return np.prod(x, axis=1, keepdims=True)

add('prod[2x3,axis=1,keepdims=True]', prod_ax1_kT, (R(2, 3),))
def prod_ax1_kF(x):
    return np.prod(x, axis=1, keepdims=False)

add('prod[2x3,axis=1,keepdims=False]', prod_ax1_kF, (R(2, 3),))
add('prod[1x3,axis=None,keepdims=True]', prod_axNone_kT, (R(1, 3),))
add('prod[1x3,axis=None,keepdims=False]', prod_axNone_kF, (R(1, 3),))
add('prod[1x3,axis=0,keepdims=True]', prod_ax0_kT, (R(1, 3),))
add('prod[1x3,axis=0,keepdims=False]', prod_ax0_kF, (R(1, 3),))
add('prod[1x3,axis=1,keepdims=True]', prod_ax1_kT, (R(1, 3),))
add('prod[1x3,axis=1,keepdims=False]', prod_ax1_kF, (R(1, 3),))
def var_all(x):
    return np.var(x)

add('var[scalar]', var_all, (3.5,))
add('var[randn()]', var_all, (R(),))
def var_axNone_kT(x):
    return np.var(x, axis=None, keepdims=True)

add('var[3,axis=None,keepdims=True]', var_axNone_kT, (R(3),))
def var_axNone_kF(x):
    return np.var(x, axis=None, keepdims=False)

add('var[3,axis=None,keepdims=False]', var_axNone_kF, (R(3),))
def var_ax0_kT(x):
    return np.var(x, axis=0, keepdims=True)

add('var[3,axis=0,keepdims=True]', var_ax0_kT, (R(3),))
def var_ax0_kF(x):
    return np.var(x, axis=0, keepdims=False)

add('var[3,axis=0,keepdims=False]', var_ax0_kF, (R(3),))
add('var[2x3,axis=None,keepdims=True]', var_axNone_kT, (R(2, 3),))
add('var[2x3,axis=None,keepdims=False]', var_axNone_kF, (R(2, 3),))
add('var[2x3,axis=0,keepdims=True]', var_ax0_kT, (R(2, 3),))
add('var[2x3,axis=0,keepdims=False]', var_ax0_kF, (R(2, 3),))
def var_ax1_kT(x):
    return np.var(x, axis=1, keepdims=True)

add('var[2x3,axis=1,keepdims=True]', var_ax1_kT, (R(2, 3),))
def var_ax1_kF(x):
    return np.var(x, axis=1, keepdims=False)

add('var[2x3,axis=1,keepdims=False]', var_ax1_kF, (R(2, 3),))
add('var[1x3,axis=None,keepdims=True]', var_axNone_kT, (R(1, 3),))
add('var[1x3,axis=None,keepdims=False]', var_axNone_kF, (R(1, 3),))
add('var[1x3,axis=0,keepdims=True]', var_ax0_kT, (R(1, 3),))
add('var[1x3,axis=0,keepdims=False]', var_ax0_kF, (R(1, 3),))
add('var[1x3,axis=1,keepdims=True]', var_ax1_kT, (R(1, 3),))
add('var[1x3,axis=1,keepdims=False]', var_ax1_kF, (R(1, 3),))
def std_all(x):
    return np.std(x)

add('std[scalar]', std_all, (3.5,))
add('std[randn()]', std_all, (R(),))
def std_axNone_kT(x):
    return np.std(x, axis=None, keepdims=True)

add('std[3,axis=None,keepdims=True]', std_axNone_kT, (R(3),))
def std_axNone_kF(x):
    return np.std(x, axis=None, keepdims=False)

add('std[3,axis=None,keepdims=False]', std_axNone_kF, (R(3),))
def std_ax0_kT(x):
    return np.std(x, axis=0, keepdims=True)

add('std[3,axis=0,keepdims=True]', std_ax0_kT, (R(3),))
def std_ax0_kF(x):
    return np.std(x, axis=0, keepdims=False)

add('std[3,axis=0,keepdims=False]', std_ax0_kF, (R(3),))
add('std[2x3,axis=None,keepdims=True]', std_axNone_kT, (R(2, 3),))
add('std[2x3,axis=None,keepdims=False]', std_axNone_kF, (R(2, 3),))
add('std[2x3,axis=0,keepdims=True]', std_ax0_kT, (R(2, 3),))
add('std[2x3,axis=0,keepdims=False]', std_ax0_kF, (R(2, 3),))
def std_ax1_kT(x):
    return np.std(x, axis=1, keepdims=True)

add('std[2x3,axis=1,keepdims=True]', std_ax1_kT, (R(2, 3),))
def std_ax1_kF(x):
    return np.std(x, axis=1, keepdims=False)

add('std[2x3,axis=1,keepdims=False]', std_ax1_kF, (R(2, 3),))
add('std[1x3,axis=None,keepdims=True]', std_axNone_kT, (R(1, 3),))
add('std[1x3,axis=None,keepdims=False]', std_axNone_kF, (R(1, 3),))
add('std[1x3,axis=0,keepdims=True]', std_ax0_kT, (R(1, 3),))
add('std[1x3,axis=0,keepdims=False]', std_ax0_kF, (R(1, 3),))
add('std[1x3,axis=1,keepdims=True]', std_ax1_kT, (R(1, 3),))
add('std[1x3,axis=1,keepdims=False]', std_ax1_kF, (R(1, 3),))
def all_(x):
    return np.sum(x * np.all(x > -10.0))

def any_(x):
    return np.sum(x * np.any(x > 0.0))

add('all[2x3] (bool result as a mask)', all_, (R(2, 3),))
add('any[2x3] (bool result as a mask)', any_, (R(2, 3),))

# ---- unary ufuncs: unary_ufunc_check(fun, lims) ---------------------------------------------
def u_sin(x):
    return np.sin(x)

add('sin[scalar]', u_sin, (U(-2.0, 2.0),))
add('sin[2]', u_sin, (U(-2.0, 2.0, 2),))
add('sin[3x2]', u_sin, (U(-2.0, 2.0, 3, 2),))
add('sin[1x2]', u_sin, (U(-2.0, 2.0, 1, 2),))
def u_abs(x):
    return np.abs(x)

add('abs[scalar]', u_abs, (U(0.1, 4.0),))
add('abs[2]', u_abs, (U(0.1, 4.0, 2),))
add('abs[3x2]', u_abs, (U(0.1, 4.0, 3, 2),))
add('abs[1x2]', u_abs, (U(0.1, 4.0, 1, 2),))
def u_absolute(x):
    return np.absolute(x)

add('absolute[scalar]', u_absolute, (U(0.1, 4.0),))
add('absolute[2]', u_absolute, (U(0.1, 4.0, 2),))
add('absolute[3x2]', u_absolute, (U(0.1, 4.0, 3, 2),))
add('absolute[1x2]', u_absolute, (U(0.1, 4.0, 1, 2),))
def u_arccosh(x):
    return np.arccosh(x)

add('arccosh[scalar]', u_arccosh, (U(1.1, 4.0),))
add('arccosh[2]', u_arccosh, (U(1.1, 4.0, 2),))
add('arccosh[3x2]', u_arccosh, (U(1.1, 4.0, 3, 2),))
add('arccosh[1x2]', u_arccosh, (U(1.1, 4.0, 1, 2),))
def u_arcsinh(x):
    return np.arcsinh(x)

add('arcsinh[scalar]', u_arcsinh, (U(-0.9, 0.9),))
add('arcsinh[2]', u_arcsinh, (U(-0.9, 0.9, 2),))
add('arcsinh[3x2]', u_arcsinh, (U(-0.9, 0.9, 3, 2),))
add('arcsinh[1x2]', u_arcsinh, (U(-0.9, 0.9, 1, 2),))
def u_arctanh(x):
    return np.arctanh(x)

add('arctanh[scalar]', u_arctanh, (U(-0.9, 0.9),))
add('arctanh[2]', u_arctanh, (U(-0.9, 0.9, 2),))
add('arctanh[3x2]', u_arctanh, (U(-0.9, 0.9, 3, 2),))
add('arctanh[1x2]', u_arctanh, (U(-0.9, 0.9, 1, 2),))
def u_ceil(x):
    return np.ceil(x)

add('ceil[scalar]', u_ceil, (U(-1.4, 1.4),))
add('ceil[2]', u_ceil, (U(-1.4, 1.4, 2),))
add('ceil[3x2]', u_ceil, (U(-1.4, 1.4, 3, 2),))
add('ceil[1x2]', u_ceil, (U(-1.4, 1.4, 1, 2),))
def u_cos(x):
    return np.cos(x)

add('cos[scalar]', u_cos, (U(-2.0, 2.0),))
add('cos[2]', u_cos, (U(-2.0, 2.0, 2),))
add('cos[3x2]', u_cos, (U(-2.0, 2.0, 3, 2),))
add('cos[1x2]', u_cos, (U(-2.0, 2.0, 1, 2),))
def u_cosh(x):
    return np.cosh(x)

add('cosh[scalar]', u_cosh, (U(-2.0, 2.0),))
add('cosh[2]', u_cosh, (U(-2.0, 2.0, 2),))
add('cosh[3x2]', u_cosh, (U(-2.0, 2.0, 3, 2),))
add('cosh[1x2]', u_cosh, (U(-2.0, 2.0, 1, 2),))
def u_deg2rad(x):
    return np.deg2rad(x)

add('deg2rad[scalar]', u_deg2rad, (U(-2.0, 2.0),))
add('deg2rad[2]', u_deg2rad, (U(-2.0, 2.0, 2),))
add('deg2rad[3x2]', u_deg2rad, (U(-2.0, 2.0, 3, 2),))
add('deg2rad[1x2]', u_deg2rad, (U(-2.0, 2.0, 1, 2),))
def u_degrees(x):
    return np.degrees(x) / 50.0

add('degrees[scalar]', u_degrees, (U(-2.0, 2.0),))
add('degrees[2]', u_degrees, (U(-2.0, 2.0, 2),))
add('degrees[3x2]', u_degrees, (U(-2.0, 2.0, 3, 2),))
add('degrees[1x2]', u_degrees, (U(-2.0, 2.0, 1, 2),))
def u_exp(x):
    return np.exp(x)

add('exp[scalar]', u_exp, (U(-2.0, 2.0),))
add('exp[2]', u_exp, (U(-2.0, 2.0, 2),))
add('exp[3x2]', u_exp, (U(-2.0, 2.0, 3, 2),))
add('exp[1x2]', u_exp, (U(-2.0, 2.0, 1, 2),))
def u_exp2(x):
    return np.exp2(x)

add('exp2[scalar]', u_exp2, (U(-2.0, 2.0),))
add('exp2[2]', u_exp2, (U(-2.0, 2.0, 2),))
add('exp2[3x2]', u_exp2, (U(-2.0, 2.0, 3, 2),))
add('exp2[1x2]', u_exp2, (U(-2.0, 2.0, 1, 2),))
def u_expm1(x):
    return np.expm1(x)

add('expm1[scalar]', u_expm1, (U(-2.0, 2.0),))
add('expm1[2]', u_expm1, (U(-2.0, 2.0, 2),))
add('expm1[3x2]', u_expm1, (U(-2.0, 2.0, 3, 2),))
add('expm1[1x2]', u_expm1, (U(-2.0, 2.0, 1, 2),))
def u_fabs(x):
    return np.fabs(x)

add('fabs[scalar]', u_fabs, (U(0.1, 2.0),))
add('fabs[2]', u_fabs, (U(0.1, 2.0, 2),))
add('fabs[3x2]', u_fabs, (U(0.1, 2.0, 3, 2),))
add('fabs[1x2]', u_fabs, (U(0.1, 2.0, 1, 2),))
def u_floor(x):
    return np.floor(x)

add('floor[scalar]', u_floor, (U(-1.4, 1.4),))
add('floor[2]', u_floor, (U(-1.4, 1.4, 2),))
add('floor[3x2]', u_floor, (U(-1.4, 1.4, 3, 2),))
add('floor[1x2]', u_floor, (U(-1.4, 1.4, 1, 2),))
def u_log(x):
    return np.log(x)

add('log[scalar]', u_log, (U(0.2, 2.0),))
add('log[2]', u_log, (U(0.2, 2.0, 2),))
add('log[3x2]', u_log, (U(0.2, 2.0, 3, 2),))
add('log[1x2]', u_log, (U(0.2, 2.0, 1, 2),))
def u_log10(x):
    return np.log10(x)

add('log10[scalar]', u_log10, (U(0.2, 2.0),))
add('log10[2]', u_log10, (U(0.2, 2.0, 2),))
add('log10[3x2]', u_log10, (U(0.2, 2.0, 3, 2),))
add('log10[1x2]', u_log10, (U(0.2, 2.0, 1, 2),))
def u_log1p(x):
    return np.log1p(x)

add('log1p[scalar]', u_log1p, (U(0.2, 2.0),))
add('log1p[2]', u_log1p, (U(0.2, 2.0, 2),))
add('log1p[3x2]', u_log1p, (U(0.2, 2.0, 3, 2),))
add('log1p[1x2]', u_log1p, (U(0.2, 2.0, 1, 2),))
def u_log2(x):
    return np.log2(x)

add('log2[scalar]', u_log2, (U(0.2, 2.0),))
add('log2[2]', u_log2, (U(0.2, 2.0, 2),))
add('log2[3x2]', u_log2, (U(0.2, 2.0, 3, 2),))
add('log2[1x2]', u_log2, (U(0.2, 2.0, 1, 2),))
def u_rad2deg(x):
    return np.rad2deg(x) / 50.0

add('rad2deg[scalar]', u_rad2deg, (U(-2.0, 2.0),))
add('rad2deg[2]', u_rad2deg, (U(-2.0, 2.0, 2),))
add('rad2deg[3x2]', u_rad2deg, (U(-2.0, 2.0, 3, 2),))
add('rad2deg[1x2]', u_rad2deg, (U(-2.0, 2.0, 1, 2),))
def u_radians(x):
    return np.radians(x)

add('radians[scalar]', u_radians, (U(-2.0, 2.0),))
add('radians[2]', u_radians, (U(-2.0, 2.0, 2),))
add('radians[3x2]', u_radians, (U(-2.0, 2.0, 3, 2),))
add('radians[1x2]', u_radians, (U(-2.0, 2.0, 1, 2),))
def u_sign(x):
    return np.sign(x)

add('sign[scalar]', u_sign, (U(0.1, 2.0),))
add('sign[2]', u_sign, (U(0.1, 2.0, 2),))
add('sign[3x2]', u_sign, (U(0.1, 2.0, 3, 2),))
add('sign[1x2]', u_sign, (U(0.1, 2.0, 1, 2),))
def u_sinh(x):
    return np.sinh(x)

add('sinh[scalar]', u_sinh, (U(-2.0, 2.0),))
add('sinh[2]', u_sinh, (U(-2.0, 2.0, 2),))
add('sinh[3x2]', u_sinh, (U(-2.0, 2.0, 3, 2),))
add('sinh[1x2]', u_sinh, (U(-2.0, 2.0, 1, 2),))
def u_sqrt(x):
    return np.sqrt(x)

add('sqrt[scalar]', u_sqrt, (U(1.0, 3.0),))
add('sqrt[2]', u_sqrt, (U(1.0, 3.0, 2),))
add('sqrt[3x2]', u_sqrt, (U(1.0, 3.0, 3, 2),))
add('sqrt[1x2]', u_sqrt, (U(1.0, 3.0, 1, 2),))
def u_square(x):
    return np.square(x)

add('square[scalar]', u_square, (U(-2.0, 2.0),))
add('square[2]', u_square, (U(-2.0, 2.0, 2),))
add('square[3x2]', u_square, (U(-2.0, 2.0, 3, 2),))
add('square[1x2]', u_square, (U(-2.0, 2.0, 1, 2),))
def u_tan(x):
    return np.tan(x)

add('tan[scalar]', u_tan, (U(-1.1, 1.1),))
add('tan[2]', u_tan, (U(-1.1, 1.1, 2),))
add('tan[3x2]', u_tan, (U(-1.1, 1.1, 3, 2),))
add('tan[1x2]', u_tan, (U(-1.1, 1.1, 1, 2),))
def u_tanh(x):
    return np.tanh(x)

add('tanh[scalar]', u_tanh, (U(-2.0, 2.0),))
add('tanh[2]', u_tanh, (U(-2.0, 2.0, 2),))
add('tanh[3x2]', u_tanh, (U(-2.0, 2.0, 3, 2),))
add('tanh[1x2]', u_tanh, (U(-2.0, 2.0, 1, 2),))
def u_real(x):
    return np.real(x)

add('real[scalar]', u_real, (U(-2.0, 2.0),))
add('real[2]', u_real, (U(-2.0, 2.0, 2),))
add('real[3x2]', u_real, (U(-2.0, 2.0, 3, 2),))
add('real[1x2]', u_real, (U(-2.0, 2.0, 1, 2),))
def u_real_if_close(x):
    return np.real_if_close(x)

add('real_if_close[scalar]', u_real_if_close, (U(-2.0, 2.0),))
add('real_if_close[2]', u_real_if_close, (U(-2.0, 2.0, 2),))
add('real_if_close[3x2]', u_real_if_close, (U(-2.0, 2.0, 3, 2),))
add('real_if_close[1x2]', u_real_if_close, (U(-2.0, 2.0, 1, 2),))
def u_imag(x):
    return np.imag(x)

add('imag[scalar]', u_imag, (U(-2.0, 2.0),))
add('imag[2]', u_imag, (U(-2.0, 2.0, 2),))
add('imag[3x2]', u_imag, (U(-2.0, 2.0, 3, 2),))
add('imag[1x2]', u_imag, (U(-2.0, 2.0, 1, 2),))
def u_conj(x):
    return np.conj(x)

add('conj[scalar]', u_conj, (U(-2.0, 2.0),))
add('conj[2]', u_conj, (U(-2.0, 2.0, 2),))
add('conj[3x2]', u_conj, (U(-2.0, 2.0, 3, 2),))
add('conj[1x2]', u_conj, (U(-2.0, 2.0, 1, 2),))
def u_angle(x):
    return np.angle(x)

add('angle[scalar]', u_angle, ((U(0.2, 2.0) * 1.0),))
add('angle[2]', u_angle, ((U(0.2, 2.0, 2) * 1.0),))
add('angle[3x2]', u_angle, ((U(0.2, 2.0, 3, 2) * np.array([[1.0, -1.0]] * 3)),))
add('angle[1x2]', u_angle, ((U(0.2, 2.0, 1, 2) * 1.0),))
def u_arcsin(x):
    return np.arcsin(x)

add('arcsin[scalar]', u_arcsin, (U(-0.9, 0.9),))
add('arcsin[2]', u_arcsin, (U(-0.9, 0.9, 2),))
add('arcsin[3x2]', u_arcsin, (U(-0.9, 0.9, 3, 2),))
add('arcsin[1x2]', u_arcsin, (U(-0.9, 0.9, 1, 2),))
def u_arccos(x):
    return np.arccos(x)

add('arccos[scalar]', u_arccos, (U(-0.9, 0.9),))
add('arccos[2]', u_arccos, (U(-0.9, 0.9, 2),))
add('arccos[3x2]', u_arccos, (U(-0.9, 0.9, 3, 2),))
add('arccos[1x2]', u_arccos, (U(-0.9, 0.9, 1, 2),))
def u_arctan(x):
    return np.arctan(x)

add('arctan[scalar]', u_arctan, (U(-2.0, 2.0),))
add('arctan[2]', u_arctan, (U(-2.0, 2.0, 2),))
add('arctan[3x2]', u_arctan, (U(-2.0, 2.0, 3, 2),))
add('arctan[1x2]', u_arctan, (U(-2.0, 2.0, 1, 2),))
def u_cbrt(x):
    return np.cbrt(x)

add('cbrt[scalar]', u_cbrt, (U(0.2, 2.0),))
add('cbrt[2]', u_cbrt, (U(0.2, 2.0, 2),))
add('cbrt[3x2]', u_cbrt, (U(0.2, 2.0, 3, 2),))
add('cbrt[1x2]', u_cbrt, (U(0.2, 2.0, 1, 2),))
def u_reciprocal(x):
    return np.reciprocal(x)

add('reciprocal[scalar]', u_reciprocal, (U(0.5, 2.0),))
add('reciprocal[2]', u_reciprocal, (U(0.5, 2.0, 2),))
add('reciprocal[3x2]', u_reciprocal, (U(0.5, 2.0, 3, 2),))
add('reciprocal[1x2]', u_reciprocal, (U(0.5, 2.0, 1, 2),))
def u_negative(x):
    return np.negative(x)

add('negative[scalar]', u_negative, (U(-2.0, 2.0),))
add('negative[2]', u_negative, (U(-2.0, 2.0, 2),))
add('negative[3x2]', u_negative, (U(-2.0, 2.0, 3, 2),))
add('negative[1x2]', u_negative, (U(-2.0, 2.0, 1, 2),))
def u_positive(x):
    return np.positive(x)

add('positive[scalar]', u_positive, (U(-2.0, 2.0),))
add('positive[2]', u_positive, (U(-2.0, 2.0, 2),))
add('positive[3x2]', u_positive, (U(-2.0, 2.0, 3, 2),))
add('positive[1x2]', u_positive, (U(-2.0, 2.0, 1, 2),))
def u_sinc(x):
    return np.sinc(x)

add('sinc[scalar]', u_sinc, (U(0.2, 1.8),))
add('sinc[2]', u_sinc, (U(0.2, 1.8, 2),))
add('sinc[3x2]', u_sinc, (U(0.2, 1.8, 3, 2),))
add('sinc[1x2]', u_sinc, (U(0.2, 1.8, 1, 2),))
def u_rint(x):
    return np.rint(x)

add('rint[scalar]', u_rint, (U(-1.4, 1.4),))
add('rint[2]', u_rint, (U(-1.4, 1.4, 2),))
add('rint[3x2]', u_rint, (U(-1.4, 1.4, 3, 2),))
add('rint[1x2]', u_rint, (U(-1.4, 1.4, 1, 2),))
def u_trunc(x):
    return np.trunc(x)

add('trunc[scalar]', u_trunc, (U(-1.4, 1.4),))
add('trunc[2]', u_trunc, (U(-1.4, 1.4, 2),))
add('trunc[3x2]', u_trunc, (U(-1.4, 1.4, 3, 2),))
add('trunc[1x2]', u_trunc, (U(-1.4, 1.4, 1, 2),))
def u_fix(x):
    return np.fix(x)

add('fix[scalar]', u_fix, (U(-1.4, 1.4),))
add('fix[2]', u_fix, (U(-1.4, 1.4, 2),))
add('fix[3x2]', u_fix, (U(-1.4, 1.4, 3, 2),))
add('fix[1x2]', u_fix, (U(-1.4, 1.4, 1, 2),))

# ---- binary ufuncs: binary_ufunc_check(fun, lims_A, lims_B) --------------------------------
def b_add(x, y):
    return np.add(x, y)

add('add[scalar,scalar]', b_add, (U(-2.0, 2.0), U(-2.0, 2.0)))
add('add[scalar,3x2]', b_add, (U(-2.0, 2.0), U(-2.0, 2.0, 3, 2)))
add('add[2,3x2]', b_add, (U(-2.0, 2.0, 2), U(-2.0, 2.0, 3, 2)))
add('add[3x2,2]', b_add, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 2)))
add('add[3x2,1x2]', b_add, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 1, 2)))
add('add[1x2,3x2]', b_add, (U(-2.0, 2.0, 1, 2), U(-2.0, 2.0, 3, 2)))
add('add[3x2,scalar]', b_add, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0)))
def b_logaddexp(x, y):
    return np.logaddexp(x, y)

add('logaddexp[scalar,scalar]', b_logaddexp, (U(-2.0, 2.0), U(-2.0, 2.0)))
add('logaddexp[scalar,3x2]', b_logaddexp, (U(-2.0, 2.0), U(-2.0, 2.0, 3, 2)))
add('logaddexp[2,3x2]', b_logaddexp, (U(-2.0, 2.0, 2), U(-2.0, 2.0, 3, 2)))
add('logaddexp[3x2,2]', b_logaddexp, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 2)))
add('logaddexp[3x2,1x2]', b_logaddexp, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 1, 2)))
add('logaddexp[1x2,3x2]', b_logaddexp, (U(-2.0, 2.0, 1, 2), U(-2.0, 2.0, 3, 2)))
add('logaddexp[3x2,scalar]', b_logaddexp, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0)))
def b_logaddexp2(x, y):
    return np.logaddexp2(x, y)

add('logaddexp2[scalar,scalar]', b_logaddexp2, (U(-2.0, 2.0), U(-2.0, 2.0)))
add('logaddexp2[scalar,3x2]', b_logaddexp2, (U(-2.0, 2.0), U(-2.0, 2.0, 3, 2)))
add('logaddexp2[2,3x2]', b_logaddexp2, (U(-2.0, 2.0, 2), U(-2.0, 2.0, 3, 2)))
add('logaddexp2[3x2,2]', b_logaddexp2, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 2)))
add('logaddexp2[3x2,1x2]', b_logaddexp2, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 1, 2)))
add('logaddexp2[1x2,3x2]', b_logaddexp2, (U(-2.0, 2.0, 1, 2), U(-2.0, 2.0, 3, 2)))
add('logaddexp2[3x2,scalar]', b_logaddexp2, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0)))
def b_remainder(x, y):
    return np.remainder(x, y)

add('remainder[scalar,scalar]', b_remainder, (U(-0.9, 0.9), U(0.7, 1.9)))
add('remainder[scalar,3x2]', b_remainder, (U(-0.9, 0.9), U(0.7, 1.9, 3, 2)))
add('remainder[2,3x2]', b_remainder, (U(-0.9, 0.9, 2), U(0.7, 1.9, 3, 2)))
add('remainder[3x2,2]', b_remainder, (U(-0.9, 0.9, 3, 2), U(0.7, 1.9, 2)))
add('remainder[3x2,1x2]', b_remainder, (U(-0.9, 0.9, 3, 2), U(0.7, 1.9, 1, 2)))
add('remainder[1x2,3x2]', b_remainder, (U(-0.9, 0.9, 1, 2), U(0.7, 1.9, 3, 2)))
add('remainder[3x2,scalar]', b_remainder, (U(-0.9, 0.9, 3, 2), U(0.7, 1.9)))
def b_true_divide(x, y):
    return np.true_divide(x, y)

add('true_divide[scalar,scalar]', b_true_divide, (U(-2.0, 2.0), U(0.8, 1.2)))
add('true_divide[scalar,3x2]', b_true_divide, (U(-2.0, 2.0), U(0.8, 1.2, 3, 2)))
add('true_divide[2,3x2]', b_true_divide, (U(-2.0, 2.0, 2), U(0.8, 1.2, 3, 2)))
add('true_divide[3x2,2]', b_true_divide, (U(-2.0, 2.0, 3, 2), U(0.8, 1.2, 2)))
add('true_divide[3x2,1x2]', b_true_divide, (U(-2.0, 2.0, 3, 2), U(0.8, 1.2, 1, 2)))
add('true_divide[1x2,3x2]', b_true_divide, (U(-2.0, 2.0, 1, 2), U(0.8, 1.2, 3, 2)))
add('true_divide[3x2,scalar]', b_true_divide, (U(-2.0, 2.0, 3, 2), U(0.8, 1.2)))
def b_mod(x, y):
    return np.mod(x, y)

add('mod[scalar,scalar]', b_mod, (U(0.1, 0.7), U(0.8, 2.1)))
add('mod[scalar,3x2]', b_mod, (U(0.1, 0.7), U(0.8, 2.1, 3, 2)))
add('mod[2,3x2]', b_mod, (U(0.1, 0.7, 2), U(0.8, 2.1, 3, 2)))
add('mod[3x2,2]', b_mod, (U(0.1, 0.7, 3, 2), U(0.8, 2.1, 2)))
add('mod[3x2,1x2]', b_mod, (U(0.1, 0.7, 3, 2), U(0.8, 2.1, 1, 2)))
add('mod[1x2,3x2]', b_mod, (U(0.1, 0.7, 1, 2), U(0.8, 2.1, 3, 2)))
add('mod[3x2,scalar]', b_mod, (U(0.1, 0.7, 3, 2), U(0.8, 2.1)))
def b_true_divide_neg(x, y):
    return np.true_divide(x, y)

add('true_divide_neg[scalar,scalar]', b_true_divide_neg, (U(-2.0, 2.0), U(-2.0, -0.3)))
add('true_divide_neg[scalar,3x2]', b_true_divide_neg, (U(-2.0, 2.0), U(-2.0, -0.3, 3, 2)))
add('true_divide_neg[2,3x2]', b_true_divide_neg, (U(-2.0, 2.0, 2), U(-2.0, -0.3, 3, 2)))
add('true_divide_neg[3x2,2]', b_true_divide_neg, (U(-2.0, 2.0, 3, 2), U(-2.0, -0.3, 2)))
add('true_divide_neg[3x2,1x2]', b_true_divide_neg, (U(-2.0, 2.0, 3, 2), U(-2.0, -0.3, 1, 2)))
add('true_divide_neg[1x2,3x2]', b_true_divide_neg, (U(-2.0, 2.0, 1, 2), U(-2.0, -0.3, 3, 2)))
add('true_divide_neg[3x2,scalar]', b_true_divide_neg, (U(-2.0, 2.0, 3, 2), U(-2.0, -0.3)))
def b_mod_neg(x, y):
    return np.mod(x, y)

add('mod_neg[scalar,scalar]', b_mod_neg, (U(0.1, 0.25), U(-2.0, -0.3)))
add('mod_neg[scalar,3x2]', b_mod_neg, (U(0.1, 0.25), U(-2.0, -0.3, 3, 2)))
add('mod_neg[2,3x2]', b_mod_neg, (U(0.1, 0.25, 2), U(-2.0, -0.3, 3, 2)))
add('mod_neg[3x2,2]', b_mod_neg, (U(0.1, 0.25, 3, 2), U(-2.0, -0.3, 2)))
add('mod_neg[3x2,1x2]', b_mod_neg, (U(0.1, 0.25, 3, 2), U(-2.0, -0.3, 1, 2)))
add('mod_neg[1x2,3x2]', b_mod_neg, (U(0.1, 0.25, 1, 2), U(-2.0, -0.3, 3, 2)))
add('mod_neg[3x2,scalar]', b_mod_neg, (U(0.1, 0.25, 3, 2), U(-2.0, -0.3)))
def b_op_mul(x, y):
    return x * y

add('op_mul[scalar,scalar]', b_op_mul, (U(-2.0, 2.0), U(-2.0, 2.0)))
add('op_mul[scalar,3x2]', b_op_mul, (U(-2.0, 2.0), U(-2.0, 2.0, 3, 2)))
add('op_mul[2,3x2]', b_op_mul, (U(-2.0, 2.0, 2), U(-2.0, 2.0, 3, 2)))
add('op_mul[3x2,2]', b_op_mul, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 2)))
add('op_mul[3x2,1x2]', b_op_mul, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 1, 2)))
add('op_mul[1x2,3x2]', b_op_mul, (U(-2.0, 2.0, 1, 2), U(-2.0, 2.0, 3, 2)))
add('op_mul[3x2,scalar]', b_op_mul, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0)))
def b_op_add(x, y):
    return x + y

add('op_add[scalar,scalar]', b_op_add, (U(-2.0, 2.0), U(-2.0, 2.0)))
add('op_add[scalar,3x2]', b_op_add, (U(-2.0, 2.0), U(-2.0, 2.0, 3, 2)))
add('op_add[2,3x2]', b_op_add, (U(-2.0, 2.0, 2), U(-2.0, 2.0, 3, 2)))
add('op_add[3x2,2]', b_op_add, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 2)))
add('op_add[3x2,1x2]', b_op_add, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 1, 2)))
add('op_add[1x2,3x2]', b_op_add, (U(-2.0, 2.0, 1, 2), U(-2.0, 2.0, 3, 2)))
add('op_add[3x2,scalar]', b_op_add, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0)))
def b_op_sub(x, y):
    return x - y

add('op_sub[scalar,scalar]', b_op_sub, (U(-2.0, 2.0), U(-2.0, 2.0)))
add('op_sub[scalar,3x2]', b_op_sub, (U(-2.0, 2.0), U(-2.0, 2.0, 3, 2)))
add('op_sub[2,3x2]', b_op_sub, (U(-2.0, 2.0, 2), U(-2.0, 2.0, 3, 2)))
add('op_sub[3x2,2]', b_op_sub, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 2)))
add('op_sub[3x2,1x2]', b_op_sub, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 1, 2)))
add('op_sub[1x2,3x2]', b_op_sub, (U(-2.0, 2.0, 1, 2), U(-2.0, 2.0, 3, 2)))
add('op_sub[3x2,scalar]', b_op_sub, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0)))
def b_op_mod(x, y):
    return x % y

add('op_mod[scalar,scalar]', b_op_mod, (U(0.1, 0.25), U(0.3, 2.0)))
add('op_mod[scalar,3x2]', b_op_mod, (U(0.1, 0.25), U(0.3, 2.0, 3, 2)))
add('op_mod[2,3x2]', b_op_mod, (U(0.1, 0.25, 2), U(0.3, 2.0, 3, 2)))
add('op_mod[3x2,2]', b_op_mod, (U(0.1, 0.25, 3, 2), U(0.3, 2.0, 2)))
add('op_mod[3x2,1x2]', b_op_mod, (U(0.1, 0.25, 3, 2), U(0.3, 2.0, 1, 2)))
add('op_mod[1x2,3x2]', b_op_mod, (U(0.1, 0.25, 1, 2), U(0.3, 2.0, 3, 2)))
add('op_mod[3x2,scalar]', b_op_mod, (U(0.1, 0.25, 3, 2), U(0.3, 2.0)))
def b_op_mod_neg(x, y):
    return x % y

add('op_mod_neg[scalar,scalar]', b_op_mod_neg, (U(0.1, 0.25), U(-2.0, -0.3)))
add('op_mod_neg[scalar,3x2]', b_op_mod_neg, (U(0.1, 0.25), U(-2.0, -0.3, 3, 2)))
add('op_mod_neg[2,3x2]', b_op_mod_neg, (U(0.1, 0.25, 2), U(-2.0, -0.3, 3, 2)))
add('op_mod_neg[3x2,2]', b_op_mod_neg, (U(0.1, 0.25, 3, 2), U(-2.0, -0.3, 2)))
add('op_mod_neg[3x2,1x2]', b_op_mod_neg, (U(0.1, 0.25, 3, 2), U(-2.0, -0.3, 1, 2)))
add('op_mod_neg[1x2,3x2]', b_op_mod_neg, (U(0.1, 0.25, 1, 2), U(-2.0, -0.3, 3, 2)))
add('op_mod_neg[3x2,scalar]', b_op_mod_neg, (U(0.1, 0.25, 3, 2), U(-2.0, -0.3)))
def b_op_div(x, y):
    return x / y

add('op_div[scalar,scalar]', b_op_div, (U(-2.0, 2.0), U(0.5, 2.0)))
add('op_div[scalar,3x2]', b_op_div, (U(-2.0, 2.0), U(0.5, 2.0, 3, 2)))
add('op_div[2,3x2]', b_op_div, (U(-2.0, 2.0, 2), U(0.5, 2.0, 3, 2)))
add('op_div[3x2,2]', b_op_div, (U(-2.0, 2.0, 3, 2), U(0.5, 2.0, 2)))
add('op_div[3x2,1x2]', b_op_div, (U(-2.0, 2.0, 3, 2), U(0.5, 2.0, 1, 2)))
add('op_div[1x2,3x2]', b_op_div, (U(-2.0, 2.0, 1, 2), U(0.5, 2.0, 3, 2)))
add('op_div[3x2,scalar]', b_op_div, (U(-2.0, 2.0, 3, 2), U(0.5, 2.0)))
def b_op_pow(x, y):
    return x ** y

add('op_pow[scalar,scalar]', b_op_pow, (U(0.7, 2.0), U(-2.0, 2.0)))
add('op_pow[scalar,3x2]', b_op_pow, (U(0.7, 2.0), U(-2.0, 2.0, 3, 2)))
add('op_pow[2,3x2]', b_op_pow, (U(0.7, 2.0, 2), U(-2.0, 2.0, 3, 2)))
add('op_pow[3x2,2]', b_op_pow, (U(0.7, 2.0, 3, 2), U(-2.0, 2.0, 2)))
add('op_pow[3x2,1x2]', b_op_pow, (U(0.7, 2.0, 3, 2), U(-2.0, 2.0, 1, 2)))
add('op_pow[1x2,3x2]', b_op_pow, (U(0.7, 2.0, 1, 2), U(-2.0, 2.0, 3, 2)))
add('op_pow[3x2,scalar]', b_op_pow, (U(0.7, 2.0, 3, 2), U(-2.0, 2.0)))
def b_subtract(x, y):
    return np.subtract(x, y)

add('subtract[scalar,scalar]', b_subtract, (U(-2.0, 2.0), U(-2.0, 2.0)))
add('subtract[scalar,3x2]', b_subtract, (U(-2.0, 2.0), U(-2.0, 2.0, 3, 2)))
add('subtract[2,3x2]', b_subtract, (U(-2.0, 2.0, 2), U(-2.0, 2.0, 3, 2)))
add('subtract[3x2,2]', b_subtract, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 2)))
add('subtract[3x2,1x2]', b_subtract, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 1, 2)))
add('subtract[1x2,3x2]', b_subtract, (U(-2.0, 2.0, 1, 2), U(-2.0, 2.0, 3, 2)))
add('subtract[3x2,scalar]', b_subtract, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0)))
def b_multiply(x, y):
    return np.multiply(x, y)

add('multiply[scalar,scalar]', b_multiply, (U(-2.0, 2.0), U(-2.0, 2.0)))
add('multiply[scalar,3x2]', b_multiply, (U(-2.0, 2.0), U(-2.0, 2.0, 3, 2)))
add('multiply[2,3x2]', b_multiply, (U(-2.0, 2.0, 2), U(-2.0, 2.0, 3, 2)))
add('multiply[3x2,2]', b_multiply, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 2)))
add('multiply[3x2,1x2]', b_multiply, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0, 1, 2)))
add('multiply[1x2,3x2]', b_multiply, (U(-2.0, 2.0, 1, 2), U(-2.0, 2.0, 3, 2)))
add('multiply[3x2,scalar]', b_multiply, (U(-2.0, 2.0, 3, 2), U(-2.0, 2.0)))
def b_divide(x, y):
    return np.divide(x, y)

add('divide[scalar,scalar]', b_divide, (U(-2.0, 2.0), U(0.5, 2.0)))
add('divide[scalar,3x2]', b_divide, (U(-2.0, 2.0), U(0.5, 2.0, 3, 2)))
add('divide[2,3x2]', b_divide, (U(-2.0, 2.0, 2), U(0.5, 2.0, 3, 2)))
add('divide[3x2,2]', b_divide, (U(-2.0, 2.0, 3, 2), U(0.5, 2.0, 2)))
add('divide[3x2,1x2]', b_divide, (U(-2.0, 2.0, 3, 2), U(0.5, 2.0, 1, 2)))
add('divide[1x2,3x2]', b_divide, (U(-2.0, 2.0, 1, 2), U(0.5, 2.0, 3, 2)))
add('divide[3x2,scalar]', b_divide, (U(-2.0, 2.0, 3, 2), U(0.5, 2.0)))
def b_power(x, y):
    return np.power(x, y)

add('power[scalar,scalar]', b_power, (U(0.7, 2.0), U(-2.0, 2.0)))
add('power[scalar,3x2]', b_power, (U(0.7, 2.0), U(-2.0, 2.0, 3, 2)))
add('power[2,3x2]', b_power, (U(0.7, 2.0, 2), U(-2.0, 2.0, 3, 2)))
add('power[3x2,2]', b_power, (U(0.7, 2.0, 3, 2), U(-2.0, 2.0, 2)))
add('power[3x2,1x2]', b_power, (U(0.7, 2.0, 3, 2), U(-2.0, 2.0, 1, 2)))
add('power[1x2,3x2]', b_power, (U(0.7, 2.0, 1, 2), U(-2.0, 2.0, 3, 2)))
add('power[3x2,scalar]', b_power, (U(0.7, 2.0, 3, 2), U(-2.0, 2.0)))
def b_arctan2(x, y):
    return np.arctan2(x, y)

add('arctan2[scalar,scalar]', b_arctan2, (U(-2.0, 2.0), U(0.5, 2.0)))
add('arctan2[scalar,3x2]', b_arctan2, (U(-2.0, 2.0), U(0.5, 2.0, 3, 2)))
add('arctan2[2,3x2]', b_arctan2, (U(-2.0, 2.0, 2), U(0.5, 2.0, 3, 2)))
add('arctan2[3x2,2]', b_arctan2, (U(-2.0, 2.0, 3, 2), U(0.5, 2.0, 2)))
add('arctan2[3x2,1x2]', b_arctan2, (U(-2.0, 2.0, 3, 2), U(0.5, 2.0, 1, 2)))
add('arctan2[1x2,3x2]', b_arctan2, (U(-2.0, 2.0, 1, 2), U(0.5, 2.0, 3, 2)))
add('arctan2[3x2,scalar]', b_arctan2, (U(-2.0, 2.0, 3, 2), U(0.5, 2.0)))
def b_hypot(x, y):
    return np.hypot(x, y)

add('hypot[scalar,scalar]', b_hypot, (U(0.5, 2.0), U(-2.0, 2.0)))
add('hypot[scalar,3x2]', b_hypot, (U(0.5, 2.0), U(-2.0, 2.0, 3, 2)))
add('hypot[2,3x2]', b_hypot, (U(0.5, 2.0, 2), U(-2.0, 2.0, 3, 2)))
add('hypot[3x2,2]', b_hypot, (U(0.5, 2.0, 3, 2), U(-2.0, 2.0, 2)))
add('hypot[3x2,1x2]', b_hypot, (U(0.5, 2.0, 3, 2), U(-2.0, 2.0, 1, 2)))
add('hypot[1x2,3x2]', b_hypot, (U(0.5, 2.0, 1, 2), U(-2.0, 2.0, 3, 2)))
add('hypot[3x2,scalar]', b_hypot, (U(0.5, 2.0, 3, 2), U(-2.0, 2.0)))
def b_fmod(x, y):
    return np.fmod(x, y)

add('fmod[scalar,scalar]', b_fmod, (U(0.1, 0.7), U(0.8, 2.1)))
add('fmod[scalar,3x2]', b_fmod, (U(0.1, 0.7), U(0.8, 2.1, 3, 2)))
add('fmod[2,3x2]', b_fmod, (U(0.1, 0.7, 2), U(0.8, 2.1, 3, 2)))
add('fmod[3x2,2]', b_fmod, (U(0.1, 0.7, 3, 2), U(0.8, 2.1, 2)))
add('fmod[3x2,1x2]', b_fmod, (U(0.1, 0.7, 3, 2), U(0.8, 2.1, 1, 2)))
add('fmod[1x2,3x2]', b_fmod, (U(0.1, 0.7, 1, 2), U(0.8, 2.1, 3, 2)))
add('fmod[3x2,scalar]', b_fmod, (U(0.1, 0.7, 3, 2), U(0.8, 2.1)))
def b_float_power(x, y):
    return np.float_power(x, y)

add('float_power[scalar,scalar]', b_float_power, (U(0.7, 2.0), U(-2.0, 2.0)))
add('float_power[scalar,3x2]', b_float_power, (U(0.7, 2.0), U(-2.0, 2.0, 3, 2)))
add('float_power[2,3x2]', b_float_power, (U(0.7, 2.0, 2), U(-2.0, 2.0, 3, 2)))
add('float_power[3x2,2]', b_float_power, (U(0.7, 2.0, 3, 2), U(-2.0, 2.0, 2)))
add('float_power[3x2,1x2]', b_float_power, (U(0.7, 2.0, 3, 2), U(-2.0, 2.0, 1, 2)))
add('float_power[1x2,3x2]', b_float_power, (U(0.7, 2.0, 1, 2), U(-2.0, 2.0, 3, 2)))
add('float_power[3x2,scalar]', b_float_power, (U(0.7, 2.0, 3, 2), U(-2.0, 2.0)))
def b_copysign(x, y):
    return np.copysign(x, y)

add('copysign[scalar,scalar]', b_copysign, (U(0.2, 2.0), U(0.2, 2.0)))
add('copysign[scalar,3x2]', b_copysign, (U(0.2, 2.0), U(0.2, 2.0, 3, 2)))
add('copysign[2,3x2]', b_copysign, (U(0.2, 2.0, 2), U(0.2, 2.0, 3, 2)))
add('copysign[3x2,2]', b_copysign, (U(0.2, 2.0, 3, 2), U(0.2, 2.0, 2)))
add('copysign[3x2,1x2]', b_copysign, (U(0.2, 2.0, 3, 2), U(0.2, 2.0, 1, 2)))
add('copysign[1x2,3x2]', b_copysign, (U(0.2, 2.0, 1, 2), U(0.2, 2.0, 3, 2)))
add('copysign[3x2,scalar]', b_copysign, (U(0.2, 2.0, 3, 2), U(0.2, 2.0)))

# ---- misc: combo_check(fun, argnums, *arg lists, **kwarg lists) -----------------------------
def transpose_0(x):
    return np.transpose(x, axes=None)

add('transpose[axes=None]', transpose_0, (R(2, 3, 4),))
def transpose_1(x):
    return np.transpose(x, axes=(0, 1, 2))

add('transpose[axes=(0, 1, 2)]', transpose_1, (R(2, 3, 4),))
def transpose_2(x):
    return np.transpose(x, axes=(0, 2, 1))

add('transpose[axes=(0, 2, 1)]', transpose_2, (R(2, 3, 4),))
def transpose_3(x):
    return np.transpose(x, axes=(2, 0, 1))

add('transpose[axes=(2, 0, 1)]', transpose_3, (R(2, 3, 4),))
def transpose_4(x):
    return np.transpose(x, axes=(2, 1, 0))

add('transpose[axes=(2, 1, 0)]', transpose_4, (R(2, 3, 4),))
def transpose_5(x):
    return np.transpose(x, axes=(1, 0, 2))

add('transpose[axes=(1, 0, 2)]', transpose_5, (R(2, 3, 4),))
def transpose_6(x):
    return np.transpose(x, axes=(1, 2, 0))

add('transpose[axes=(1, 2, 0)]', transpose_6, (R(2, 3, 4),))
def repeat_0_None(x):
    return np.repeat(x, 0, axis=None)

add('repeat[2x3x4,repeats=0,axis=None]', repeat_0_None, (R(2, 3, 4),))
add('repeat[3x1,repeats=0,axis=None]', repeat_0_None, (R(3, 1),))
def repeat_0_0(x):
    return np.repeat(x, 0, axis=0)

add('repeat[2x3x4,repeats=0,axis=0]', repeat_0_0, (R(2, 3, 4),))
add('repeat[3x1,repeats=0,axis=0]', repeat_0_0, (R(3, 1),))
def repeat_0_1(x):
    return np.repeat(x, 0, axis=1)

add('repeat[2x3x4,repeats=0,axis=1]', repeat_0_1, (R(2, 3, 4),))
add('repeat[3x1,repeats=0,axis=1]', repeat_0_1, (R(3, 1),))
def repeat_1_None(x):
    return np.repeat(x, 1, axis=None)

add('repeat[2x3x4,repeats=1,axis=None]', repeat_1_None, (R(2, 3, 4),))
add('repeat[3x1,repeats=1,axis=None]', repeat_1_None, (R(3, 1),))
def repeat_1_0(x):
    return np.repeat(x, 1, axis=0)

add('repeat[2x3x4,repeats=1,axis=0]', repeat_1_0, (R(2, 3, 4),))
add('repeat[3x1,repeats=1,axis=0]', repeat_1_0, (R(3, 1),))
def repeat_1_1(x):
    return np.repeat(x, 1, axis=1)

add('repeat[2x3x4,repeats=1,axis=1]', repeat_1_1, (R(2, 3, 4),))
add('repeat[3x1,repeats=1,axis=1]', repeat_1_1, (R(3, 1),))
def repeat_2_None(x):
    return np.repeat(x, 2, axis=None)

add('repeat[2x3x4,repeats=2,axis=None]', repeat_2_None, (R(2, 3, 4),))
add('repeat[3x1,repeats=2,axis=None]', repeat_2_None, (R(3, 1),))
def repeat_2_0(x):
    return np.repeat(x, 2, axis=0)

add('repeat[2x3x4,repeats=2,axis=0]', repeat_2_0, (R(2, 3, 4),))
add('repeat[3x1,repeats=2,axis=0]', repeat_2_0, (R(3, 1),))
def repeat_2_1(x):
    return np.repeat(x, 2, axis=1)

add('repeat[2x3x4,repeats=2,axis=1]', repeat_2_1, (R(2, 3, 4),))
add('repeat[3x1,repeats=2,axis=1]', repeat_2_1, (R(3, 1),))
def diff_1_0(x):
    return np.diff(x, n=1, axis=0)

add('diff[5x5,n=1,axis=0]', diff_1_0, (R(5, 5),))
add('diff[5x5x5,n=1,axis=0]', diff_1_0, (R(5, 5, 5),))
def diff_1_1(x):
    return np.diff(x, n=1, axis=1)

add('diff[5x5,n=1,axis=1]', diff_1_1, (R(5, 5),))
add('diff[5x5x5,n=1,axis=1]', diff_1_1, (R(5, 5, 5),))
def diff_2_0(x):
    return np.diff(x, n=2, axis=0)

add('diff[5x5,n=2,axis=0]', diff_2_0, (R(5, 5),))
add('diff[5x5x5,n=2,axis=0]', diff_2_0, (R(5, 5, 5),))
def diff_2_1(x):
    return np.diff(x, n=2, axis=1)

add('diff[5x5,n=2,axis=1]', diff_2_1, (R(5, 5),))
add('diff[5x5x5,n=2,axis=1]', diff_2_1, (R(5, 5, 5),))
def diff_ax0(x):
    return np.diff(x, axis=0)

def diff_ax1(x):
    return np.diff(x, axis=1)

add('diff[1,axis=0]', diff_ax0, (R(1),))
add('diff[1x1,axis=0]', diff_ax0, (R(1, 1),))
add('diff[1x1,axis=1]', diff_ax1, (R(1, 1),))
add('diff[3x1,axis=1]', diff_ax1, (R(3, 1),))
def tile_0(x):
    return np.tile(x, (1, 4, 1, 2))

add('tile[2x1x3x1,reps=(1, 4, 1, 2)]', tile_0, (R(2, 1, 3, 1),))
def tile_1(x):
    return np.tile(x, (1, 2))

add('tile[1x2,reps=(1, 2)]', tile_1, (R(1, 2),))
def tile_2(x):
    return np.tile(x, (2, 3))

add('tile[1x2,reps=(2, 3)]', tile_2, (R(1, 2),))
def tile_3(x):
    return np.tile(x, (3, 2, 1))

add('tile[1x2,reps=(3, 2, 1)]', tile_3, (R(1, 2),))
def tile_4(x):
    return np.tile(x, (2,))

add('tile[1,reps=(2,)]', tile_4, (R(1),))
def tile_5(x):
    return np.tile(x, 2)

add('tile[1,reps=2]', tile_5, (R(1),))
def kron(x, y):
    return np.kron(x, y)

add('kron[5x5,3x3]', kron, (R(5, 5), R(3, 3)))
add('kron[5x5,2x2]', kron, (R(5, 5), R(2, 2)))
add('kron[4x4,3x3]', kron, (R(4, 4), R(3, 3)))
add('kron[4x4,2x2]', kron, (R(4, 4), R(2, 2)))
def inner(x, y):
    return np.inner(x, y)

add('inner[scalar,scalar]', inner, (1.5, 0.3))
add('inner[scalar,3]', inner, (1.5, R(3)))
add('inner[3,scalar]', inner, (R(3), 0.3))
add('inner[3,3]', inner, (R(3), R(3)))
add('inner[2x3,3]', inner, (R(2, 3), R(3)))
add('inner[2x3,4x3]', inner, (R(2, 3), R(4, 3)))
add('inner[3,4x3]', inner, (R(3), R(4, 3)))
add('inner[2x3,scalar]', inner, (R(2, 3), 0.3))
def dot(x, y):
    return np.dot(x, y)

add('dot[scalar,scalar]', dot, (1.5, 0.3))
add('dot[scalar,3]', dot, (1.5, R(3)))
add('dot[3,scalar]', dot, (R(3), 0.3))
add('dot[3,3]', dot, (R(3), R(3)))
add('dot[2x3,3]', dot, (R(2, 3), R(3)))
add('dot[2x3,3x4]', dot, (R(2, 3), R(3, 4)))
add('dot[3,3x4]', dot, (R(3), R(3, 4)))
add('dot[2x2x3,3]', dot, (R(2, 2, 3), R(3)))
add('dot[2x2x3,3x4]', dot, (R(2, 2, 3), R(3, 4)))
add('dot[2x3,2x3x4]', dot, (R(2, 3), R(2, 3, 4)))
add('dot[2x2x3,2x3x4]', dot, (R(2, 2, 3), R(2, 3, 4)))
add('dot[2x3,scalar]', dot, (R(2, 3), 0.3))
def matmul(x, y):
    return np.matmul(x, y)

def matmul_op(x, y):
    return x @ y

add('matmul[3,3]', matmul, (R(3), R(3)))
add('op_matmul[3,3]', matmul_op, (R(3), R(3)))
add('matmul[2x3,3]', matmul, (R(2, 3), R(3)))
add('op_matmul[2x3,3]', matmul_op, (R(2, 3), R(3)))
add('matmul[3,3x4]', matmul, (R(3), R(3, 4)))
add('op_matmul[3,3x4]', matmul_op, (R(3), R(3, 4)))
add('matmul[2x3,3x4]', matmul, (R(2, 3), R(3, 4)))
add('op_matmul[2x3,3x4]', matmul_op, (R(2, 3), R(3, 4)))
add('matmul[2x2x3,3]', matmul, (R(2, 2, 3), R(3)))
add('op_matmul[2x2x3,3]', matmul_op, (R(2, 2, 3), R(3)))
add('matmul[3,2x3x4]', matmul, (R(3), R(2, 3, 4)))
add('op_matmul[3,2x3x4]', matmul_op, (R(3), R(2, 3, 4)))
add('matmul[2x2x3,3x4]', matmul, (R(2, 2, 3), R(3, 4)))
add('op_matmul[2x2x3,3x4]', matmul_op, (R(2, 2, 3), R(3, 4)))
add('matmul[2x3,2x3x4]', matmul, (R(2, 3), R(2, 3, 4)))
add('op_matmul[2x3,2x3x4]', matmul_op, (R(2, 3), R(2, 3, 4)))
add('matmul[2x2x3,2x3x4]', matmul, (R(2, 2, 3), R(2, 3, 4)))
add('op_matmul[2x2x3,2x3x4]', matmul_op, (R(2, 2, 3), R(2, 3, 4)))
def tensordot_1(x, y):
    return np.tensordot(x, y, axes=((1,), (0,)))

add('tensordot_1[1x3,3,axes=((1,), (0,))]', tensordot_1, (R(1, 3), R(3)))
add('tensordot_1[1x3,3x1,axes=((1,), (0,))]', tensordot_1, (R(1, 3), R(3, 1)))
add('tensordot_1[1x3,3x4x2,axes=((1,), (0,))]', tensordot_1, (R(1, 3), R(3, 4, 2)))
add('tensordot_1[2x3x2,3,axes=((1,), (0,))]', tensordot_1, (R(2, 3, 2), R(3)))
add('tensordot_1[2x3x2,3x1,axes=((1,), (0,))]', tensordot_1, (R(2, 3, 2), R(3, 1)))
add('tensordot_1[2x3x2,3x4x2,axes=((1,), (0,))]', tensordot_1, (R(2, 3, 2), R(3, 4, 2)))
def tensordot_2(x, y):
    return np.tensordot(x, y, axes=((0,), (1,)))

add('tensordot_2[3,1x3,axes=((0,), (1,))]', tensordot_2, (R(3), R(1, 3)))
add('tensordot_2[3,2x3x2,axes=((0,), (1,))]', tensordot_2, (R(3), R(2, 3, 2)))
add('tensordot_2[3x1,1x3,axes=((0,), (1,))]', tensordot_2, (R(3, 1), R(1, 3)))
add('tensordot_2[3x1,2x3x2,axes=((0,), (1,))]', tensordot_2, (R(3, 1), R(2, 3, 2)))
add('tensordot_2[3x4x2,1x3,axes=((0,), (1,))]', tensordot_2, (R(3, 4, 2), R(1, 3)))
add('tensordot_2[3x4x2,2x3x2,axes=((0,), (1,))]', tensordot_2, (R(3, 4, 2), R(2, 3, 2)))
def tensordot_3a(x, y):
    return np.tensordot(x, y, axes=((0, 1), (1, 2)))

add('tensordot_3a[2x3,1x2x3,axes=((0, 1), (1, 2))]', tensordot_3a, (R(2, 3), R(1, 2, 3)))
add('tensordot_3a[2x3,2x2x3x4,axes=((0, 1), (1, 2))]', tensordot_3a, (R(2, 3), R(2, 2, 3, 4)))
add('tensordot_3a[2x3x4,1x2x3,axes=((0, 1), (1, 2))]', tensordot_3a, (R(2, 3, 4), R(1, 2, 3)))
add('tensordot_3a[2x3x4,2x2x3x4,axes=((0, 1), (1, 2))]', tensordot_3a, (R(2, 3, 4), R(2, 2, 3, 4)))
def tensordot_3b(x, y):
    return np.tensordot(x, y, axes=((1, 0), (2, 1)))

add('tensordot_3b[2x3,1x2x3,axes=((1, 0), (2, 1))]', tensordot_3b, (R(2, 3), R(1, 2, 3)))
add('tensordot_3b[2x3,2x2x3x4,axes=((1, 0), (2, 1))]', tensordot_3b, (R(2, 3), R(2, 2, 3, 4)))
add('tensordot_3b[2x3x4,1x2x3,axes=((1, 0), (2, 1))]', tensordot_3b, (R(2, 3, 4), R(1, 2, 3)))
add('tensordot_3b[2x3x4,2x2x3x4,axes=((1, 0), (2, 1))]', tensordot_3b, (R(2, 3, 4), R(2, 2, 3, 4)))
def tensordot_4a(x, y):
    return np.tensordot(x, y, axes=1)

add('tensordot_4a[2x2,2x2,axes=1]', tensordot_4a, (R(2, 2), R(2, 2)))
add('tensordot_4a[2x2,2x2x4,axes=1]', tensordot_4a, (R(2, 2), R(2, 2, 4)))
add('tensordot_4a[4x2x2,2x2,axes=1]', tensordot_4a, (R(4, 2, 2), R(2, 2)))
add('tensordot_4a[4x2x2,2x2x4,axes=1]', tensordot_4a, (R(4, 2, 2), R(2, 2, 4)))
def tensordot_4b(x, y):
    return np.tensordot(x, y, axes=2)

add('tensordot_4b[2x2,2x2,axes=2]', tensordot_4b, (R(2, 2), R(2, 2)))
add('tensordot_4b[2x2,2x2x4,axes=2]', tensordot_4b, (R(2, 2), R(2, 2, 4)))
add('tensordot_4b[4x2x2,2x2,axes=2]', tensordot_4b, (R(4, 2, 2), R(2, 2)))
add('tensordot_4b[4x2x2,2x2x4,axes=2]', tensordot_4b, (R(4, 2, 2), R(2, 2, 4)))
def tensordot_5(x, y):
    return np.tensordot(x, y, axes=0)

add('tensordot_5[4,scalar,axes=0]', tensordot_5, (R(4), R()))
def tensordot_6(x, y):
    return np.tensordot(x, y, axes=([-1], [0]))

add('tensordot_6[2x6,6x3,axes=([-1], [0])]', tensordot_6, (R(2, 6), R(6, 3)))
def maximum(x, y):
    return np.maximum(x, y)

add('maximum[1,1]', maximum, (R(1), R(1)))
add('maximum[1,1x4]', maximum, (R(1), R(1, 4)))
add('maximum[1,3x4]', maximum, (R(1), R(3, 4)))
add('maximum[1x4,1]', maximum, (R(1, 4), R(1)))
add('maximum[1x4,1x4]', maximum, (R(1, 4), R(1, 4)))
add('maximum[1x4,3x4]', maximum, (R(1, 4), R(3, 4)))
add('maximum[3x4,1]', maximum, (R(3, 4), R(1)))
add('maximum[3x4,1x4]', maximum, (R(3, 4), R(1, 4)))
add('maximum[3x4,3x4]', maximum, (R(3, 4), R(3, 4)))
def fmax(x, y):
    return np.fmax(x, y)

add('fmax[1,1]', fmax, (R(1), R(1)))
add('fmax[1,1x4]', fmax, (R(1), R(1, 4)))
add('fmax[1,3x4]', fmax, (R(1), R(3, 4)))
add('fmax[1x4,1]', fmax, (R(1, 4), R(1)))
add('fmax[1x4,1x4]', fmax, (R(1, 4), R(1, 4)))
add('fmax[1x4,3x4]', fmax, (R(1, 4), R(3, 4)))
add('fmax[3x4,1]', fmax, (R(3, 4), R(1)))
add('fmax[3x4,1x4]', fmax, (R(3, 4), R(1, 4)))
add('fmax[3x4,3x4]', fmax, (R(3, 4), R(3, 4)))
def minimum(x, y):
    return np.minimum(x, y)

add('minimum[1,1]', minimum, (R(1), R(1)))
add('minimum[1,1x4]', minimum, (R(1), R(1, 4)))
add('minimum[1,3x4]', minimum, (R(1), R(3, 4)))
add('minimum[1x4,1]', minimum, (R(1, 4), R(1)))
add('minimum[1x4,1x4]', minimum, (R(1, 4), R(1, 4)))
add('minimum[1x4,3x4]', minimum, (R(1, 4), R(3, 4)))
add('minimum[3x4,1]', minimum, (R(3, 4), R(1)))
add('minimum[3x4,1x4]', minimum, (R(3, 4), R(1, 4)))
add('minimum[3x4,3x4]', minimum, (R(3, 4), R(3, 4)))
def fmin(x, y):
    return np.fmin(x, y)

add('fmin[1,1]', fmin, (R(1), R(1)))
add('fmin[1,1x4]', fmin, (R(1), R(1, 4)))
add('fmin[1,3x4]', fmin, (R(1), R(3, 4)))
add('fmin[1x4,1]', fmin, (R(1, 4), R(1)))
add('fmin[1x4,1x4]', fmin, (R(1, 4), R(1, 4)))
add('fmin[1x4,3x4]', fmin, (R(1, 4), R(3, 4)))
add('fmin[3x4,1]', fmin, (R(3, 4), R(1)))
add('fmin[3x4,1x4]', fmin, (R(3, 4), R(1, 4)))
add('fmin[3x4,3x4]', fmin, (R(3, 4), R(3, 4)))
def sort(x):
    return np.sort(x)

add('sort[1]', sort, (R(1),))
add('sort[7]', sort, (R(7),))
def msort(x):
    return np.sort(x, axis=0)

add('msort[7] (np.msort is gone from NumPy 2: np.sort(x, axis=0))', msort, (R(7),))
add('msort[4x3]', msort, (R(4, 3),))
def partition_0(x):
    return np.partition(x, 0)

add('partition[7,kth=0]', partition_0, (R(7),))
add('partition[14,kth=0]', partition_0, (R(14),))
def partition_3(x):
    return np.partition(x, 3)

add('partition[7,kth=3]', partition_3, (R(7),))
add('partition[14,kth=3]', partition_3, (R(14),))
def partition_6(x):
    return np.partition(x, 6)

add('partition[7,kth=6]', partition_6, (R(7),))
add('partition[14,kth=6]', partition_6, (R(14),))
def atleast_1d(x):
    return np.atleast_1d(x)

add('atleast_1d[scalar]', atleast_1d, (1.2,))
add('atleast_1d[1]', atleast_1d, (R(1),))
add('atleast_1d[7]', atleast_1d, (R(7),))
add('atleast_1d[1x4]', atleast_1d, (R(1, 4),))
add('atleast_1d[2x4]', atleast_1d, (R(2, 4),))
add('atleast_1d[2x4x5]', atleast_1d, (R(2, 4, 5),))
def atleast_2d(x):
    return np.atleast_2d(x)

add('atleast_2d[scalar]', atleast_2d, (1.2,))
add('atleast_2d[1]', atleast_2d, (R(1),))
add('atleast_2d[7]', atleast_2d, (R(7),))
add('atleast_2d[1x4]', atleast_2d, (R(1, 4),))
add('atleast_2d[2x4]', atleast_2d, (R(2, 4),))
add('atleast_2d[2x4x5]', atleast_2d, (R(2, 4, 5),))
def atleast_3d(x):
    return np.atleast_3d(x)

add('atleast_3d[scalar]', atleast_3d, (1.2,))
add('atleast_3d[1]', atleast_3d, (R(1),))
add('atleast_3d[7]', atleast_3d, (R(7),))
add('atleast_3d[1x4]', atleast_3d, (R(1, 4),))
add('atleast_3d[2x4]', atleast_3d, (R(2, 4),))
add('atleast_3d[2x4x5]', atleast_3d, (R(2, 4, 5),))
add('atleast_3d[2x4x3x5]', atleast_3d, (R(2, 4, 3, 5),))
def einsum_transpose(x):
    return np.einsum('ij->ji', x)

add('einsum_transpose[ij->ji|1x1]', einsum_transpose, (R(1, 1),))
add('einsum_transpose[ij->ji|4x4]', einsum_transpose, (R(4, 4),))
add('einsum_transpose[ij->ji|3x4]', einsum_transpose, (R(3, 4),))
def einsum_matmult(x, y):
    return np.einsum('ij,jk->ik', x, y)

add('einsum_matmult[ij,jk->ik|2x3,3x4]', einsum_matmult, (R(2, 3), R(3, 4),))
def einsum_matmult_broadcast(x, y):
    return np.einsum('...ij,...jk->...ik', x, y)

add('einsum_matmult_broadcast[...ij,...jk->...ik|2x3,3x4]', einsum_matmult_broadcast, (R(2, 3), R(3, 4),))
add('einsum_matmult_broadcast[...ij,...jk->...ik|2x2x3,3x4]', einsum_matmult_broadcast, (R(2, 2, 3), R(3, 4),))
add('einsum_matmult_broadcast[...ij,...jk->...ik|2x3,2x3x4]', einsum_matmult_broadcast, (R(2, 3), R(2, 3, 4),))
add('einsum_matmult_broadcast[...ij,...jk->...ik|2x2x3,2x3x4]', einsum_matmult_broadcast, (R(2, 2, 3), R(2, 3, 4),))
def einsum_covsum(x, y):
    return np.einsum('ijk,lji->lki', x, y)

add('einsum_covsum[ijk,lji->lki|3x4x4,4x4x3]', einsum_covsum, (R(3, 4, 4), R(4, 4, 3),))
def einsum_ellipses(x, y):
    return np.einsum('...jk,...lj->...lk', x, y)

add('einsum_ellipses[...jk,...lj->...lk|4x4,4x4]', einsum_ellipses, (R(4, 4), R(4, 4),))
add('einsum_ellipses[...jk,...lj->...lk|3x4x4,3x4x4]', einsum_ellipses, (R(3, 4, 4), R(3, 4, 4),))
add('einsum_ellipses[...jk,...lj->...lk|4x4,3x4x4]', einsum_ellipses, (R(4, 4), R(3, 4, 4),))
add('einsum_ellipses[...jk,...lj->...lk|3x4x4,4x4]', einsum_ellipses, (R(3, 4, 4), R(4, 4),))
def einsum_ellipses2(x, y):
    return np.einsum('...,...->...', x, y)

add('einsum_ellipses2[...,...->...|4x4,4x4]', einsum_ellipses2, (R(4, 4), R(4, 4),))
add('einsum_ellipses2[...,...->...|3x4x4,3x4x4]', einsum_ellipses2, (R(3, 4, 4), R(3, 4, 4),))
add('einsum_ellipses2[...,...->...|4x4,3x4x4]', einsum_ellipses2, (R(4, 4), R(3, 4, 4),))
def einsum_ellipses_tail(x, y):
    return np.einsum('jk...,lj...->lk...', x, y)

add('einsum_ellipses_tail[jk...,lj...->lk...|3x2,2x3]', einsum_ellipses_tail, (R(3, 2), R(2, 3),))
add('einsum_ellipses_tail[jk...,lj...->lk...|3x2x4,2x3x4]', einsum_ellipses_tail, (R(3, 2, 4), R(2, 3, 4),))
add('einsum_ellipses_tail[jk...,lj...->lk...|3x2,2x3x4]', einsum_ellipses_tail, (R(3, 2), R(2, 3, 4),))
def einsum_ellipses_center(x, y):
    return np.einsum('j...k,lj...->lk...', x, y)

add('einsum_ellipses_center[j...k,lj...->lk...|2x2,2x2]', einsum_ellipses_center, (R(2, 2), R(2, 2),))
add('einsum_ellipses_center[j...k,lj...->lk...|2x2x2,2x2x2]', einsum_ellipses_center, (R(2, 2, 2), R(2, 2, 2),))
add('einsum_ellipses_center[j...k,lj...->lk...|2x2,2x2x2]', einsum_ellipses_center, (R(2, 2), R(2, 2, 2),))
def einsum_three_args(x, y, z):
    return np.einsum('ijk,lji,lli->lki', x, y, z)

add('einsum_three_args[ijk,lji,lli->lki|3x4x4,4x4x3,4x4x3]', einsum_three_args, (R(3, 4, 4), R(4, 4, 3), R(4, 4, 3),))
def einsum2_transpose(x):
    return np.einsum(x, [0, 1], [1, 0])

add('einsum2_transpose[1x1]', einsum2_transpose, (R(1, 1),))
add('einsum2_transpose[4x4]', einsum2_transpose, (R(4, 4),))
add('einsum2_transpose[3x4]', einsum2_transpose, (R(3, 4),))
def einsum2_matmult(x, y):
    return np.einsum(x, [0, 1], y, [1, 2], [0, 2])

add('einsum2_matmult[2x3,3x4]', einsum2_matmult, (R(2, 3), R(3, 4)))
def einsum2_matmult_broadcast(x, y):
    return np.einsum(x, [Ellipsis, 0, 1], y, [Ellipsis, 1, 2], [Ellipsis, 0, 2])

add('einsum2_matmult_broadcast[2x3,3x4]', einsum2_matmult_broadcast, (R(2, 3), R(3, 4)))
add('einsum2_matmult_broadcast[2x2x3,2x3x4]', einsum2_matmult_broadcast, (R(2, 2, 3), R(2, 3, 4)))
def einsum2_covsum(x, y):
    return np.einsum(x, [0, 1, 2], y, [3, 1, 0], [3, 2, 0])

add('einsum2_covsum[3x4x4,4x4x3]', einsum2_covsum, (R(3, 4, 4), R(4, 4, 3)))
def einsum2_three_args(x, y, z):
    return np.einsum(x, [0, 1, 2], y, [3, 1, 0], z, [3, 3, 0], [3, 2, 0])

add('einsum2_three_args[3x4x4,4x4x3,4x4x3]', einsum2_three_args, (R(3, 4, 4), R(4, 4, 3), R(4, 4, 3)))
def trace_m1(x):
    return np.trace(x, offset=-1)

add('trace[5x5,offset=-1]', trace_m1, (R(5, 5),))
add('trace[4x5,offset=-1]', trace_m1, (R(4, 5),))
add('trace[5x4,offset=-1]', trace_m1, (R(5, 4),))
add('trace[3x4x5,offset=-1]', trace_m1, (R(3, 4, 5),))
def diag_m1(x):
    return np.diag(x, k=-1)

add('diag[5x5,k=-1]', diag_m1, (R(5, 5),))
add('diag_flat[5,k=-1]', diag_m1, (R(5),))
def tril_m1(x):
    return np.tril(x, k=-1)

add('tril[5x5,k=-1]', tril_m1, (R(5, 5),))
add('tril_3d[5x5x4,k=-1]', tril_m1, (R(5, 5, 4),))
def triu_m1(x):
    return np.triu(x, k=-1)

add('triu[5x5,k=-1]', triu_m1, (R(5, 5),))
add('triu_3d[5x5x4,k=-1]', triu_m1, (R(5, 5, 4),))
def trace_0(x):
    return np.trace(x, offset=0)

add('trace[5x5,offset=0]', trace_0, (R(5, 5),))
add('trace[4x5,offset=0]', trace_0, (R(4, 5),))
add('trace[5x4,offset=0]', trace_0, (R(5, 4),))
add('trace[3x4x5,offset=0]', trace_0, (R(3, 4, 5),))
def diag_0(x):
    return np.diag(x, k=0)

add('diag[5x5,k=0]', diag_0, (R(5, 5),))
add('diag_flat[5,k=0]', diag_0, (R(5),))
def tril_0(x):
    return np.tril(x, k=0)

add('tril[5x5,k=0]', tril_0, (R(5, 5),))
add('tril_3d[5x5x4,k=0]', tril_0, (R(5, 5, 4),))
def triu_0(x):
    return np.triu(x, k=0)

add('triu[5x5,k=0]', triu_0, (R(5, 5),))
add('triu_3d[5x5x4,k=0]', triu_0, (R(5, 5, 4),))
def trace_1(x):
    return np.trace(x, offset=1)

add('trace[5x5,offset=1]', trace_1, (R(5, 5),))
add('trace[4x5,offset=1]', trace_1, (R(4, 5),))
add('trace[5x4,offset=1]', trace_1, (R(5, 4),))
add('trace[3x4x5,offset=1]', trace_1, (R(3, 4, 5),))
def diag_1(x):
    return np.diag(x, k=1)

add('diag[5x5,k=1]', diag_1, (R(5, 5),))
add('diag_flat[5,k=1]', diag_1, (R(5),))
def tril_1(x):
    return np.tril(x, k=1)

add('tril[5x5,k=1]', tril_1, (R(5, 5),))
add('tril_3d[5x5x4,k=1]', tril_1, (R(5, 5, 4),))
def triu_1(x):
    return np.triu(x, k=1)

add('triu[5x5,k=1]', triu_1, (R(5, 5),))
add('triu_3d[5x5x4,k=1]', triu_1, (R(5, 5, 4),))
def swapaxes_00(x):
    return np.swapaxes(x, 0, 0)

add('swapaxes[3x4x5,axis1=0,axis2=0]', swapaxes_00, (R(3, 4, 5),))
def swapaxes_01(x):
    return np.swapaxes(x, 0, 1)

add('swapaxes[3x4x5,axis1=0,axis2=1]', swapaxes_01, (R(3, 4, 5),))
def swapaxes_02(x):
    return np.swapaxes(x, 0, 2)

add('swapaxes[3x4x5,axis1=0,axis2=2]', swapaxes_02, (R(3, 4, 5),))
def swapaxes_10(x):
    return np.swapaxes(x, 1, 0)

add('swapaxes[3x4x5,axis1=1,axis2=0]', swapaxes_10, (R(3, 4, 5),))
def swapaxes_11(x):
    return np.swapaxes(x, 1, 1)

add('swapaxes[3x4x5,axis1=1,axis2=1]', swapaxes_11, (R(3, 4, 5),))
def swapaxes_12(x):
    return np.swapaxes(x, 1, 2)

add('swapaxes[3x4x5,axis1=1,axis2=2]', swapaxes_12, (R(3, 4, 5),))
def swapaxes_20(x):
    return np.swapaxes(x, 2, 0)

add('swapaxes[3x4x5,axis1=2,axis2=0]', swapaxes_20, (R(3, 4, 5),))
def swapaxes_21(x):
    return np.swapaxes(x, 2, 1)

add('swapaxes[3x4x5,axis1=2,axis2=1]', swapaxes_21, (R(3, 4, 5),))
def swapaxes_22(x):
    return np.swapaxes(x, 2, 2)

add('swapaxes[3x4x5,axis1=2,axis2=2]', swapaxes_22, (R(3, 4, 5),))
def rollaxis_00(x):
    return np.rollaxis(x, 0, start=0)

add('rollaxis[2x3x4,axis=0,start=0]', rollaxis_00, (R(2, 3, 4),))
def rollaxis_01(x):
    return np.rollaxis(x, 0, start=1)

add('rollaxis[2x3x4,axis=0,start=1]', rollaxis_01, (R(2, 3, 4),))
def rollaxis_02(x):
    return np.rollaxis(x, 0, start=2)

add('rollaxis[2x3x4,axis=0,start=2]', rollaxis_02, (R(2, 3, 4),))
def rollaxis_03(x):
    return np.rollaxis(x, 0, start=3)

add('rollaxis[2x3x4,axis=0,start=3]', rollaxis_03, (R(2, 3, 4),))
def rollaxis_10(x):
    return np.rollaxis(x, 1, start=0)

add('rollaxis[2x3x4,axis=1,start=0]', rollaxis_10, (R(2, 3, 4),))
def rollaxis_11(x):
    return np.rollaxis(x, 1, start=1)

add('rollaxis[2x3x4,axis=1,start=1]', rollaxis_11, (R(2, 3, 4),))
def rollaxis_12(x):
    return np.rollaxis(x, 1, start=2)

add('rollaxis[2x3x4,axis=1,start=2]', rollaxis_12, (R(2, 3, 4),))
def rollaxis_13(x):
    return np.rollaxis(x, 1, start=3)

add('rollaxis[2x3x4,axis=1,start=3]', rollaxis_13, (R(2, 3, 4),))
def rollaxis_20(x):
    return np.rollaxis(x, 2, start=0)

add('rollaxis[2x3x4,axis=2,start=0]', rollaxis_20, (R(2, 3, 4),))
def rollaxis_21(x):
    return np.rollaxis(x, 2, start=1)

add('rollaxis[2x3x4,axis=2,start=1]', rollaxis_21, (R(2, 3, 4),))
def rollaxis_22(x):
    return np.rollaxis(x, 2, start=2)

add('rollaxis[2x3x4,axis=2,start=2]', rollaxis_22, (R(2, 3, 4),))
def rollaxis_23(x):
    return np.rollaxis(x, 2, start=3)

add('rollaxis[2x3x4,axis=2,start=3]', rollaxis_23, (R(2, 3, 4),))
def cross_0(x, y):
    return np.cross(x, y)

add('cross[3x3,3x3,defaults]', cross_0, (R(3, 3), R(3, 3)))
def cross_1(x, y):
    return np.cross(x, y, axis=0)

add('cross[3x3,3x3,axis=0]', cross_1, (R(3, 3), R(3, 3)))
def cross_2(x, y):
    return np.cross(x, y, axis=1)

add('cross[3x3,3x3,axis=1]', cross_2, (R(3, 3), R(3, 3)))
def cross_3(x, y):
    return np.cross(x, y, axisa=0, axisb=0, axisc=0)

add('cross[3x3,3x3,axisa=0, axisb=0, axisc=0]', cross_3, (R(3, 3), R(3, 3)))
def cross_4(x, y):
    return np.cross(x, y, axisa=0, axisb=1, axisc=-1)

add('cross[3x3,3x3,axisa=0, axisb=1, axisc=-1]', cross_4, (R(3, 3), R(3, 3)))
def cross_5(x, y):
    return np.cross(x, y, axisa=1, axisb=0, axisc=0)

add('cross[3x3,3x3,axisa=1, axisb=0, axisc=0]', cross_5, (R(3, 3), R(3, 3)))
def cross_6(x, y):
    return np.cross(x, y, axisa=-1, axisb=-1, axisc=1)

add('cross[3x3,3x3,axisa=-1, axisb=-1, axisc=1]', cross_6, (R(3, 3), R(3, 3)))


def vsplit_2d_1(x):
    p = np.vsplit(x, 4)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('vsplit_2d[4x8,4]', vsplit_2d_1, (R(4, 8),))
def vsplit_2d_2(x):
    p = np.vsplit(x, [1, 2])
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('vsplit_2d[4x8,[1, 2]]', vsplit_2d_2, (R(4, 8),))
def vsplit_3d_3(x):
    p = np.vsplit(x, 2)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('vsplit_3d[4x4x4,2]', vsplit_3d_3, (R(4, 4, 4),))
def vsplit_3d_4(x):
    p = np.vsplit(x, [1, 2])
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('vsplit_3d[4x4x4,[1, 2]]', vsplit_3d_4, (R(4, 4, 4),))
def hsplit_2d_5(x):
    p = np.hsplit(x, 4)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('hsplit_2d[4x8,4]', hsplit_2d_5, (R(4, 8),))
def hsplit_2d_6(x):
    p = np.hsplit(x, [1, 2])
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('hsplit_2d[4x8,[1, 2]]', hsplit_2d_6, (R(4, 8),))
def hsplit_3d_7(x):
    p = np.hsplit(x, 2)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('hsplit_3d[4x4x4,2]', hsplit_3d_7, (R(4, 4, 4),))
def hsplit_3d_8(x):
    p = np.hsplit(x, [1, 2])
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('hsplit_3d[4x4x4,[1, 2]]', hsplit_3d_8, (R(4, 4, 4),))
def dsplit_3d_9(x):
    p = np.dsplit(x, 2)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('dsplit_3d[4x4x4,2]', dsplit_3d_9, (R(4, 4, 4),))
def dsplit_3d_10(x):
    p = np.dsplit(x, [1, 2])
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('dsplit_3d[4x4x4,[1, 2]]', dsplit_3d_10, (R(4, 4, 4),))
def split_1d_11(x):
    p = np.split(x, 1, axis=0)
    return np.sum(np.sin(p[0]))

add('split_1d[7,1,axis=0]', split_1d_11, (R(7),))
def split_2d_12(x):
    p = np.split(x, 4, axis=0)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('split_2d[4x8,4,axis=0]', split_2d_12, (R(4, 8),))
def split_2d_13(x):
    p = np.split(x, 4, axis=1)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('split_2d[4x8,4,axis=1]', split_2d_13, (R(4, 8),))
def split_2d_14(x):
    p = np.split(x, [1, 2], axis=0)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('split_2d[4x8,[1, 2],axis=0]', split_2d_14, (R(4, 8),))
def split_2d_15(x):
    p = np.split(x, [1, 2], axis=1)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('split_2d[4x8,[1, 2],axis=1]', split_2d_15, (R(4, 8),))
def split_3d_16(x):
    p = np.split(x, 2, axis=0)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('split_3d[4x4x4,2,axis=0]', split_3d_16, (R(4, 4, 4),))
def split_3d_17(x):
    p = np.split(x, 2, axis=1)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('split_3d[4x4x4,2,axis=1]', split_3d_17, (R(4, 4, 4),))
def split_3d_18(x):
    p = np.split(x, 2, axis=2)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('split_3d[4x4x4,2,axis=2]', split_3d_18, (R(4, 4, 4),))
def split_3d_19(x):
    p = np.split(x, [1, 2], axis=0)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('split_3d[4x4x4,[1, 2],axis=0]', split_3d_19, (R(4, 4, 4),))
def split_3d_20(x):
    p = np.split(x, [1, 2], axis=1)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('split_3d[4x4x4,[1, 2],axis=1]', split_3d_20, (R(4, 4, 4),))
def split_3d_21(x):
    p = np.split(x, [1, 2], axis=2)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('split_3d[4x4x4,[1, 2],axis=2]', split_3d_21, (R(4, 4, 4),))
def array_split_1d_22(x):
    p = np.array_split(x, 1, axis=0)
    return np.sum(np.sin(p[0]))

add('array_split_1d[7,1,axis=0]', array_split_1d_22, (R(7),))
def array_split_1d_23(x):
    p = np.array_split(x, 3, axis=0)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('array_split_1d[7,3,axis=0]', array_split_1d_23, (R(7),))
def array_split_2d_24(x):
    p = np.array_split(x, 4, axis=0)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('array_split_2d[7x7,4,axis=0]', array_split_2d_24, (R(7, 7),))
def array_split_2d_25(x):
    p = np.array_split(x, 4, axis=1)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('array_split_2d[7x7,4,axis=1]', array_split_2d_25, (R(7, 7),))
def array_split_2d_26(x):
    p = np.array_split(x, [3, 5], axis=0)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('array_split_2d[7x7,[3, 5],axis=0]', array_split_2d_26, (R(7, 7),))
def array_split_2d_27(x):
    p = np.array_split(x, [3, 5], axis=1)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('array_split_2d[7x7,[3, 5],axis=1]', array_split_2d_27, (R(7, 7),))
def array_split_3d_28(x):
    p = np.array_split(x, 4, axis=0)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('array_split_3d[7x7x7,4,axis=0]', array_split_3d_28, (R(7, 7, 7),))
def array_split_3d_29(x):
    p = np.array_split(x, 4, axis=1)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('array_split_3d[7x7x7,4,axis=1]', array_split_3d_29, (R(7, 7, 7),))
def array_split_3d_30(x):
    p = np.array_split(x, 4, axis=2)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('array_split_3d[7x7x7,4,axis=2]', array_split_3d_30, (R(7, 7, 7),))
def array_split_3d_31(x):
    p = np.array_split(x, [3, 5], axis=0)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('array_split_3d[7x7x7,[3, 5],axis=0]', array_split_3d_31, (R(7, 7, 7),))
def array_split_3d_32(x):
    p = np.array_split(x, [3, 5], axis=1)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('array_split_3d[7x7x7,[3, 5],axis=1]', array_split_3d_32, (R(7, 7, 7),))
def array_split_3d_33(x):
    p = np.array_split(x, [3, 5], axis=2)
    return np.sum(np.sin(p[0])) + np.sum(p[1] ** 2) + np.sum(np.cos(p[-1]))

add('array_split_3d[7x7x7,[3, 5],axis=2]', array_split_3d_33, (R(7, 7, 7),))


def concatenate_pair(x, y):
    return np.concatenate((x, y), axis=0)

def concatenate_list(x, y):
    return np.concatenate([x, y], axis=0)

add('concatenate_tuple[1,3]', concatenate_pair, (R(1), R(3)))
add('concatenate_list[1,3]', concatenate_list, (R(1), R(3)))
def concatenate_ax0(x, y):
    return np.concatenate((x, y), axis=0)

add('concatenate_2d[2x2,2x2,axis=0]', concatenate_ax0, (R(2, 2), R(2, 2)))
add('concatenate_3d[2x2x2,2x2x2,axis=0]', concatenate_ax0, (R(2, 2, 2), R(2, 2, 2)))
def concatenate_ax1(x, y):
    return np.concatenate((x, y), axis=1)

add('concatenate_2d[2x2,2x2,axis=1]', concatenate_ax1, (R(2, 2), R(2, 2)))
add('concatenate_3d[2x2x2,2x2x2,axis=1]', concatenate_ax1, (R(2, 2, 2), R(2, 2, 2)))
def concatenate_ax2(x, y):
    return np.concatenate((x, y), axis=2)

add('concatenate_3d[2x2x2,2x2x2,axis=2]', concatenate_ax2, (R(2, 2, 2), R(2, 2, 2)))
def vstack_one(x):
    return np.vstack(x)

def vstack_two(x, y):
    return np.vstack((x, y))

def hstack_one(x):
    return np.hstack(x)

def hstack_two(x, y):
    return np.hstack((x, y))

def row_stack_one(x):
    return np.vstack(x)

def row_stack_two(x, y):
    return np.vstack((x, y))

def column_stack_one(x):
    return np.column_stack(x)

def column_stack_two(x, y):
    return np.column_stack((x, y))

add('vstack[2]', vstack_one, (R(2),))
add('vstack[(2,2)]', vstack_two, (R(2), R(2)))
add('vstack[2x3]', vstack_one, (R(2, 3),))
add('vstack[(2x4,1x4)]', vstack_two, (R(2, 4), R(1, 4)))
add('vstack[2x3x4]', vstack_one, (R(2, 3, 4),))
add('vstack[(2x3x4,5x3x4)]', vstack_two, (R(2, 3, 4), R(5, 3, 4)))
add('hstack[2]', hstack_one, (R(2),))
add('hstack[(2,2)]', hstack_two, (R(2), R(2)))
add('hstack[3x2]', hstack_one, (R(3, 2),))
add('hstack[(3x4,3x5)]', hstack_two, (R(3, 4), R(3, 5)))
add('hstack[2x3x4]', hstack_one, (R(2, 3, 4),))
add('hstack[(2x1x4,2x5x4)]', hstack_two, (R(2, 1, 4), R(2, 5, 4)))
add('row_stack[2]', row_stack_one, (R(2),))
add('row_stack[(2,2)]', row_stack_two, (R(2), R(2)))
add('row_stack[2x3]', row_stack_one, (R(2, 3),))
add('row_stack[(2x4,1x4)]', row_stack_two, (R(2, 4), R(1, 4)))
add('column_stack[2]', column_stack_one, (R(2),))
add('column_stack[(2,2)]', column_stack_two, (R(2), R(2)))
add('column_stack[2x2]', column_stack_one, (R(2, 2),))
add('column_stack[(2x2,2x2)]', column_stack_two, (R(2, 2), R(2, 2)))
def stack_one_0(x):
    return np.stack((x,), axis=0)

def stack_two_0(x, y):
    return np.stack((x, y), axis=0)

add('stack_1d[(2,),axis=0]', stack_one_0, (R(2),))
add('stack_1d[(2,2),axis=0]', stack_two_0, (R(2), R(2)))
def stack_one_1(x):
    return np.stack((x,), axis=1)

def stack_two_1(x, y):
    return np.stack((x, y), axis=1)

add('stack_1d[(2,),axis=1]', stack_one_1, (R(2),))
add('stack_1d[(2,2),axis=1]', stack_two_1, (R(2), R(2)))


_C1, _C2, _C3 = R(3, 4, 5) > 0, R(3, 4, 5) > 0, R(3, 4, 5) > 0


def select_0(x, y, z):
    return np.select([_C1, _C2, _C3], [x, y, z], default=0.0)


add('select[3x4x5 x3,default=0.0]', select_0, (R(3, 4, 5), R(3, 4, 5), R(3, 4, 5)))
def select_1(x, y, z):
    return np.select([_C1, _C2, _C3], [x, y, z], default=1.1)


add('select[3x4x5 x3,default=1.1]', select_1, (R(3, 4, 5), R(3, 4, 5), R(3, 4, 5)))


# ---- autograd's `test_complex=True` variants: complex points, which s2sad refuses on purpose ------

_COMPLEX = "is complex; s2sad differentiates real functions only"
add("sin[complex 3x2] (test_complex)", u_sin, (R(3, 2) + 1j * R(3, 2),), refusal=_COMPLEX)
add("op_mul[complex 2,real 3x2] (test_complex)", b_op_mul, (R(2) + 1j * R(2), R(3, 2)), refusal=_COMPLEX)
add("sum[complex 2x3,axis=0,keepdims=False] (test_complex)", sum_ax0_kF, (R(2, 3) + 1j * R(2, 3),), refusal=_COMPLEX)
