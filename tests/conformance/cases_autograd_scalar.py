"""Cases ported from autograd's tests/test_scalar_ops.py and tests/test_binary_ops.py (HIPS/autograd).

test_scalar_ops: `3.0 * np.f(x)` at autograd's points (a number in, a number out), reverse, forward
and second order (autograd's `d_fun`). test_binary_ops: `to_scalar(x op y)` for every pair of a
number, a vector (4,), a matrix (3, 4) and a row (1, 4), so each broadcasting adjoint is exercised,
and the comparisons, whose derivatives are zero. Points are drawn from fixed seeds.
"""
from __future__ import annotations

import numpy as np

from conformance.case import Case

SCALAR = "autograd/test_scalar_ops.py"
BINARY = "autograd/test_binary_ops.py"
_R = np.random.RandomState(1)


def randn():
    return float(_R.standard_normal())


def rand():
    return float(_R.rand())


CASES: list[Case] = []


def add(suite, name, fn, args, **kw):
    CASES.append(Case(suite, name, fn, args, **kw))


# ---- test_scalar_ops --------------------------------------------------------------------------

def s_abs(x):
    return 3.0 * np.abs(x)


add(SCALAR, 'test_abs[1.1]', s_abs, (1.1,))
add(SCALAR, 'test_abs[-1.1]', s_abs, (-1.1,))
def s_sin(x):
    return 3.0 * np.sin(x)


add(SCALAR, 'test_sin[pt0]', s_sin, (randn(),))
add(SCALAR, 'test_sin[pt1]', s_sin, (randn(),))
def s_sign(x):
    return 3.0 * np.sign(x)


add(SCALAR, 'test_sign[1.1]', s_sign, (1.1,))
add(SCALAR, 'test_sign[-1.1]', s_sign, (-1.1,))
def s_exp(x):
    return 3.0 * np.exp(x)


add(SCALAR, 'test_exp[pt0]', s_exp, (randn(),))
add(SCALAR, 'test_exp[pt1]', s_exp, (randn(),))
def s_log(x):
    return 3.0 * np.log(x)


add(SCALAR, 'test_log[pt0]', s_log, (abs(randn()),))
add(SCALAR, 'test_log[pt1]', s_log, (abs(randn()),))
def s_log2(x):
    return 3.0 * np.log2(x)


add(SCALAR, 'test_log2[pt0]', s_log2, (abs(randn()),))
add(SCALAR, 'test_log2[pt1]', s_log2, (abs(randn()),))
def s_log10(x):
    return 3.0 * np.log10(x)


add(SCALAR, 'test_log10[pt0]', s_log10, (abs(randn()),))
add(SCALAR, 'test_log10[pt1]', s_log10, (abs(randn()),))
def s_log1p(x):
    return 3.0 * np.log1p(x)


add(SCALAR, 'test_log1p[pt0]', s_log1p, (abs(randn()),))
add(SCALAR, 'test_log1p[pt1]', s_log1p, (abs(randn()),))
def s_expm1(x):
    return 3.0 * np.expm1(x)


add(SCALAR, 'test_expm1[pt0]', s_expm1, (abs(randn()),))
add(SCALAR, 'test_expm1[pt1]', s_expm1, (abs(randn()),))
def s_exp2(x):
    return 3.0 * np.exp2(x)


add(SCALAR, 'test_exp2[pt0]', s_exp2, (abs(randn()),))
add(SCALAR, 'test_exp2[pt1]', s_exp2, (abs(randn()),))
def s_neg(x):
    return 3.0 * -x


add(SCALAR, 'test_neg[pt0]', s_neg, (randn(),))
add(SCALAR, 'test_neg[pt1]', s_neg, (randn(),))
def s_cos(x):
    return 3.0 * np.cos(x)


add(SCALAR, 'test_cos[pt0]', s_cos, (randn(),))
add(SCALAR, 'test_cos[pt1]', s_cos, (randn(),))
def s_tan(x):
    return 3.0 * np.tan(x)


add(SCALAR, 'test_tan[pt0]', s_tan, (randn(),))
add(SCALAR, 'test_tan[pt1]', s_tan, (randn(),))
def s_cosh(x):
    return 3.0 * np.cosh(x)


add(SCALAR, 'test_cosh[pt0]', s_cosh, (randn(),))
add(SCALAR, 'test_cosh[pt1]', s_cosh, (randn(),))
def s_sinh(x):
    return 3.0 * np.sinh(x)


add(SCALAR, 'test_sinh[pt0]', s_sinh, (randn(),))
add(SCALAR, 'test_sinh[pt1]', s_sinh, (randn(),))
def s_tanh(x):
    return 3.0 * np.tanh(x)


add(SCALAR, 'test_tanh[pt0]', s_tanh, (randn(),))
add(SCALAR, 'test_tanh[pt1]', s_tanh, (randn(),))
def s_arccos(x):
    return 3.0 * np.arccos(x)


add(SCALAR, 'test_arccos[0.1]', s_arccos, (0.1,))
add(SCALAR, 'test_arccos[0.2]', s_arccos, (0.2,))
def s_arcsin(x):
    return 3.0 * np.arcsin(x)


add(SCALAR, 'test_arcsin[0.1]', s_arcsin, (0.1,))
add(SCALAR, 'test_arcsin[0.2]', s_arcsin, (0.2,))
def s_arctan(x):
    return 3.0 * np.arctan(x)


add(SCALAR, 'test_arctan[0.2]', s_arctan, (0.2,))
add(SCALAR, 'test_arctan[0.3]', s_arctan, (0.3,))
def s_arccosh(x):
    return 3.0 * np.arccosh(x)


add(SCALAR, 'test_arccosh[pt0]', s_arccosh, (randn() ** 2 + 1,))
add(SCALAR, 'test_arccosh[pt1]', s_arccosh, (randn() ** 2 + 1,))
def s_arcsinh(x):
    return 3.0 * np.arcsinh(x)


add(SCALAR, 'test_arcsinh[pt0]', s_arcsinh, (randn(),))
add(SCALAR, 'test_arcsinh[pt1]', s_arcsinh, (randn(),))
def s_arctanh(x):
    return 3.0 * np.arctanh(x)


add(SCALAR, 'test_arctanh[0.2]', s_arctanh, (0.2,))
add(SCALAR, 'test_arctanh[0.3]', s_arctanh, (0.3,))
def s_sqrt(x):
    return 3.0 * np.sqrt(x)


add(SCALAR, 'test_sqrt[pt0]', s_sqrt, (10.0 * rand(),))
add(SCALAR, 'test_sqrt[pt1]', s_sqrt, (10.0 * rand(),))
def s_reciprocal(x):
    return np.reciprocal(x)


add(SCALAR, 'test_reciprocal[pt0]', s_reciprocal, (rand(),))
add(SCALAR, 'test_reciprocal[pt1]', s_reciprocal, (rand(),))
def s_negative(x):
    return np.negative(x)


add(SCALAR, 'test_negative[pt0]', s_negative, (rand(),))
add(SCALAR, 'test_negative[pt1]', s_negative, (rand(),))
def s_rad2deg(x):
    return 3.0 * np.rad2deg(x)


add(SCALAR, 'test_rad2deg[pt0]', s_rad2deg, (10.0 * rand(),))
add(SCALAR, 'test_rad2deg[pt1]', s_rad2deg, (10.0 * rand(),))
def s_deg2rad(x):
    return 3.0 * np.deg2rad(x)


add(SCALAR, 'test_deg2rad[pt0]', s_deg2rad, (10.0 * rand(),))
add(SCALAR, 'test_deg2rad[pt1]', s_deg2rad, (10.0 * rand(),))
def s_radians(x):
    return 3.0 * np.radians(x)


add(SCALAR, 'test_radians[pt0]', s_radians, (10.0 * rand(),))
add(SCALAR, 'test_radians[pt1]', s_radians, (10.0 * rand(),))
def s_degrees(x):
    return 3.0 * np.degrees(x)


add(SCALAR, 'test_degrees[pt0]', s_degrees, (10.0 * rand(),))
add(SCALAR, 'test_degrees[pt1]', s_degrees, (10.0 * rand(),))
def s_sinc(x):
    return 3.0 * np.sinc(x)


add(SCALAR, 'test_sinc[pt0]', s_sinc, (10.0 * rand(),))
add(SCALAR, 'test_sinc[pt1]', s_sinc, (10.0 * rand(),))
add(SCALAR, "test_abs[0.0] (a kink: sign(0) = 0, as central differences say)", s_abs, (0.0,), modes=("reverse", "forward"))

_y_pow = randn() ** 2 + 1.0


def power_arg0(x):
    return np.power(x, _y_pow)


def power_y0(x):
    return np.power(x, 0.0)


_x_pow = randn() ** 2


def power_arg1(y):
    return np.power(_x_pow, y)


def power_arg1_zero(y):
    return np.power(0.0, y)


add(SCALAR, "test_power_arg0[pt0]", power_arg0, (rand() ** 2 + 1.0,))
add(SCALAR, "test_power_arg0[pt1]", power_arg0, (rand() ** 2 + 1.0,))
add(SCALAR, "test_power_arg0[y=0, x=0] (#116: the derivative is 0)", power_y0, (0.0,))
add(SCALAR, "test_power_arg1[pt0]", power_arg1, (rand() ** 2,))
add(SCALAR, "test_power_arg1[pt1]", power_arg1, (rand() ** 2,))
add(SCALAR, "test_power_arg1_zero[pt0] (0 ** y: the derivative is 0)", power_arg1_zero, (rand() ** 2 + 0.1,))


def s2_mod(x, y):
    return np.mod(x, y)


add(SCALAR, 'test_mod_arg0[pt0]', s2_mod, (0.3 + 0.6 * rand(), 0.1 + 0.15 * rand()), wrt=('x',))
add(SCALAR, 'test_mod_arg0[pt1]', s2_mod, (0.3 + 0.6 * rand(), 0.1 + 0.15 * rand()), wrt=('x',))
add(SCALAR, 'test_mod_arg1[pt0]', s2_mod, (0.3 + 0.6 * rand(), 0.1 + 0.15 * rand()), wrt=('y',))
add(SCALAR, 'test_mod_arg1[pt1]', s2_mod, (0.3 + 0.6 * rand(), 0.1 + 0.15 * rand()), wrt=('y',))
def s2_divide(x, y):
    return np.divide(x, y)


add(SCALAR, 'test_divide_arg0[pt0]', s2_divide, (rand(), 0.1 + rand()), wrt=('x',))
add(SCALAR, 'test_divide_arg0[pt1]', s2_divide, (rand(), 0.1 + rand()), wrt=('x',))
add(SCALAR, 'test_divide_arg1[pt0]', s2_divide, (rand(), 0.1 + rand()), wrt=('y',))
add(SCALAR, 'test_divide_arg1[pt1]', s2_divide, (rand(), 0.1 + rand()), wrt=('y',))
def s2_multiply(x, y):
    return np.multiply(x, y)


add(SCALAR, 'test_multiply_arg0[pt0]', s2_multiply, (rand(), 0.1 + rand()), wrt=('x',))
add(SCALAR, 'test_multiply_arg0[pt1]', s2_multiply, (rand(), 0.1 + rand()), wrt=('x',))
add(SCALAR, 'test_multiply_arg1[pt0]', s2_multiply, (rand(), 0.1 + rand()), wrt=('y',))
add(SCALAR, 'test_multiply_arg1[pt1]', s2_multiply, (rand(), 0.1 + rand()), wrt=('y',))
def s2_true_divide(x, y):
    return np.true_divide(x, y)


add(SCALAR, 'test_true_divide_arg0[pt0]', s2_true_divide, (rand(), 0.1 + rand()), wrt=('x',))
add(SCALAR, 'test_true_divide_arg0[pt1]', s2_true_divide, (rand(), 0.1 + rand()), wrt=('x',))
add(SCALAR, 'test_true_divide_arg1[pt0]', s2_true_divide, (rand(), 0.1 + rand()), wrt=('y',))
add(SCALAR, 'test_true_divide_arg1[pt1]', s2_true_divide, (rand(), 0.1 + rand()), wrt=('y',))


# ---- test_binary_ops ----------------------------------------------------------------------------

_rs = np.random.RandomState(0)
_ARGS = {"scalar": 2.0, "vector": _rs.randn(4), "mat": _rs.randn(3, 4), "mat2": _rs.randn(1, 4)}


def _gap(x):
    return np.sqrt(x ** 2 + 0.5)


def _positive(x):
    return np.abs(x) + 1.1


def b_mul(x, y):
    return np.sum(np.sin(x * y))


def b_add(x, y):
    return np.sum(np.sin(x + y))


def b_sub(x, y):
    return np.sum(np.sin(x - y))


def b_div(x, y):
    return np.sum(np.sin(x / y))


def b_mod(x, y):
    return np.sum(np.sin(x % y))


def b_pow(x, y):
    return np.sum(np.sin(x ** y))



for _a in _ARGS:
    for _b in _ARGS:
        _x, _y = _ARGS[_a], _ARGS[_b]
        add(BINARY, f"test_mul[{_a},{_b}]", b_mul, (_x, _y))
        add(BINARY, f"test_add[{_a},{_b}]", b_add, (_x, _y))
        add(BINARY, f"test_sub[{_a},{_b}]", b_sub, (_x, _y))
        add(BINARY, f"test_div[{_a},{_b}]", b_div, (_gap(_x), _gap(_y)))
        if _a != _b:  # the gradient is undefined at x == y
            add(BINARY, f"test_mod[{_a},{_b}]", b_mod, (_gap(_x), _gap(_y)))
        add(BINARY, f"test_pow[{_a},{_b}]", b_pow, (_positive(_x), _y))


def cmp_lt_self(x, y):
    return np.sum(x < x) + 0.0 + 0.0 * np.sum(y)


def cmp_le(x, y):
    return np.sum(x <= y) + 0.0


def cmp_gt(x, y):
    return np.sum(x > y) + 0.0


def cmp_ge(x, y):
    return np.sum(x >= y) + 0.0


def cmp_eq(x, y):
    return np.sum(x == y) + 0.0


def cmp_ne(x, y):
    return np.sum(x != y) + 0.0


def cmp_weighted(x, y):
    return np.sum((x < y + 0.5) * x * y)  # + 0.5: away from the jump at x == y


for _a, _b in (("scalar", "scalar"), ("vector", "mat"), ("mat", "mat2"), ("mat2", "scalar")):
    for _f in (cmp_lt_self, cmp_le, cmp_gt, cmp_ge, cmp_eq, cmp_ne, cmp_weighted):
        add(BINARY, f"test_comparison_grads[{_f.__name__},{_a},{_b}]", _f, (_ARGS[_a], _ARGS[_b]))
