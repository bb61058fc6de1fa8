"""Cases for the core primitives (arithmetic, basic functions, sums, indexing,
the runtime helpers that rules emit) and the program-structure primitives
(builtins, the math module, in-place updates), for the registry walk."""
from __future__ import annotations

import copy
import math

import numpy as np
from test_numpy_cases import Case, Inputs, binary_cases, unary_cases

from s2sad import runtime
from s2sad.runtime import broadcast_like, matmul_adjoint_a, matmul_adjoint_b, scatter_add, sincos, unbroadcast, unsum

I = Inputs(1)


def add_(x, y): return x + y
def np_add(x, y): return np.add(x, y)
def subtract_(x, y): return x - y
def multiply_(x, y): return x * y
def divide_(x, y): return x / y
def power_(x, y): return x ** y
def power_constant(x): return x ** 3
def negative_(x): return -x
def exp_(x): return np.exp(x)
def log_(x): return np.log(x)
def sin_(x): return np.sin(x)
def cos_(x): return np.cos(x)
def tanh_(x): return np.tanh(x)
def sqrt_(x): return np.sqrt(x)
def reciprocal_(x): return np.reciprocal(x)
def math_functions(x): return math.exp(x) * math.sin(x) + math.cos(x) * math.tanh(x) + math.log(x) / math.sqrt(x)
def matmul_(a, b): return a @ b
def dot_(a, b): return np.dot(a, b)
def dot_method(a, b): return a.dot(b)
def sum_(x): return np.sum(x)
def sum_axis(x, axis, keepdims): return np.sum(x, axis=axis, keepdims=keepdims)
def sum_method(x): return x.sum(axis=0)
def sum_method_keepdims(x): return x.sum(axis=1, keepdims=True) * x
def mean_(x): return np.mean(x)
def mean_axis(x, axis, keepdims): return np.mean(x, axis=axis, keepdims=keepdims)
def mean_method(x): return x.mean(axis=1)
def T_(x): return x.T
def unbroadcast_(g, x): return unbroadcast(g, x)
def broadcast_like_(g, x): return broadcast_like(g, x)
def unsum_(g, x, axis): return unsum(g, x, axis)
def matmul_adjoint_a_(y, a, b): return matmul_adjoint_a(y, a, b)
def matmul_adjoint_b_(y, a, b): return matmul_adjoint_b(y, a, b)
def scatter_add_(g, x, index): return scatter_add(g, x, index)
def product_(a, b): return runtime.product(a, b)


def sincos_(x):
    s, c = sincos(x)
    return s * c + c


CASES: list[Case] = []
CASES += binary_cases("add", add_, I.normal) + binary_cases("add", np_add, I.normal, pairs=(((3, 1), (1, 4)),))
CASES += binary_cases("subtract", subtract_, I.normal) + binary_cases("multiply", multiply_, I.normal)
CASES += binary_cases("divide", divide_, I.normal, I.away) + binary_cases("power", power_, I.positive, I.normal)
CASES += unary_cases("power", power_constant, I.normal) + unary_cases("negative", negative_, I.normal)
for _prim, _fn, _make in [("exp", exp_, I.normal), ("log", log_, I.positive), ("sin", sin_, I.normal),
                          ("cos", cos_, I.normal), ("tanh", tanh_, I.normal), ("sqrt", sqrt_, I.positive),
                          ("reciprocal", reciprocal_, I.away)]:
    CASES += unary_cases(_prim, _fn, _make)
CASES.append(Case("math_exp", math_functions, (I.positive(),),
                  also=("math_sin", "math_cos", "math_tanh", "math_log", "math_sqrt")))
for _a, _b in [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 5)), ((2, 3, 4), (1, 4, 2))]:
    CASES.append(Case("matmul", matmul_, (I.normal(*_a), I.normal(*_b))))
for _a, _b in [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)), ((), (3,))]:
    CASES.append(Case("dot", dot_, (I.normal(*_a), I.normal(*_b))))
CASES.append(Case("dot", dot_method, (I.normal(3, 4), I.normal(4))))
CASES += unary_cases("sum", sum_, I.normal) + [Case("sum_method", sum_method, (I.normal(3, 4),)),
                                                Case("sum_method", sum_method_keepdims, (I.normal(3, 4),))]
CASES += unary_cases("mean", mean_, I.normal) + [Case("mean", mean_method, (I.normal(3, 4),))]
for _ax in (0, 1, -1, (0, 2)):
    for _kd in (False, True):
        CASES.append(Case("sum", sum_axis, (I.normal(2, 3, 4), _ax, _kd), label=f"axis={_ax} keepdims={_kd}"))
        CASES.append(Case("mean", mean_axis, (I.normal(2, 3, 4), _ax, _kd), label=f"axis={_ax} keepdims={_kd}"))
CASES += [Case("T", T_, (I.normal(3, 4),)), Case("T", T_, (I.normal(2, 3, 4),))]
CASES += [
    Case("unbroadcast_", unbroadcast_, (I.normal(3, 4), I.normal(3, 1))),
    Case("unbroadcast_", unbroadcast_, (I.normal(3, 4), I.normal(4))),
    Case("broadcast_like_", broadcast_like_, (I.normal(1, 4), I.normal(3, 4))),
    Case("unsum_", unsum_, (I.normal(3), I.normal(3, 4), 1)),
    Case("unsum_", unsum_, (I.normal(4), I.normal(3, 4), 0)),
    Case("matmul_adjoint_a_", matmul_adjoint_a_, (I.normal(3, 2), I.normal(3, 4), I.normal(4, 2))),
    Case("matmul_adjoint_a_", matmul_adjoint_a_, (I.normal(3), I.normal(3, 4), I.normal(4))),
    Case("matmul_adjoint_b_", matmul_adjoint_b_, (I.normal(3, 2), I.normal(3, 4), I.normal(4, 2))),
    Case("matmul_adjoint_b_", matmul_adjoint_b_, (I.normal(2), I.normal(4), I.normal(4, 2))),
    Case("scatter_add_", scatter_add_, (I.normal(3), I.normal(5), np.array([0, 2, 0]))),
    Case("sincos_", sincos_, (I.normal(3),)), Case("sincos_", sincos_, (I.normal(2, 3),)),
    Case("product_", product_, (I.normal(), I.normal(3))), Case("product_", product_, (I.normal(2, 3), I.normal(3))),
]

# -- indexing: x[index] -------------------------------------------------------------------------


def index_basic(x): return x[1]
def index_slices(x): return x[1:, ::-2]
def index_negative(x): return x[-1, -3:-1]
def index_ellipsis_none(x): return x[..., None, 1]
def index_fancy_repeats(x): return x[np.array([0, 2, 0, 0])]
def index_fancy_pairs(x): return x[np.array([0, 2, 2]), np.array([1, 1, 3])]
def index_mask(x): return x[x > 0]
def index_mask_rows(x, mask): return x[mask]


CASES += [Case("getitem", f, (I.normal(3, 4),)) for f in (index_basic, index_slices, index_negative, index_ellipsis_none,
                                                         index_fancy_repeats, index_fancy_pairs, index_mask)]
CASES.append(Case("getitem", index_mask_rows, (I.normal(3, 4), np.array([True, False, True]))))

# -- program structure: builtins, the math module, in-place updates ---------------------------------


def builtin_functions(x, y): return abs(x) * min(x, y) + max(x, y) ** 2 + float(x) * sum([x, y, x])
def math_more(x): return math.pow(x, 2.5) + math.tan(x) + math.atan(x) * math.fabs(x)
def set_item(x, v):
    y = np.array(x)
    y[1] = v
    return y * x


def set_item_slice(x, v):
    y = np.zeros(5)
    y[1:3] = v
    return y * x


def append_to_list(x, y):
    xs = []
    xs.append(x)
    xs.append(y * 2.0)
    return xs[0] * xs[1]


def copy_method(x): return x.copy() * x
def copy_copy_(x): return copy.copy(x) * x
def zero_at_(g): return runtime.zero_at(g, 1)


CASES += [
    Case("builtin_abs", builtin_functions, (I.away(), I.away()), also=("builtin_min", "builtin_max", "builtin_float", "builtin_sum")),
    Case("math_pow", math_more, (I.positive() / 2,), also=("math_tan", "math_atan", "math_fabs")),
    Case("setitem", set_item, (I.normal(4), I.normal())),
    Case("setitem", set_item_slice, (I.normal(5), I.normal(2))),
    Case("append", append_to_list, (I.normal(3), I.normal(3))),
    Case("copy_", copy_method, (I.normal(3),)),
    Case("copy_copy", copy_copy_, (I.normal(3),)),
    Case("copy_copy", copy_copy_, (I.normal(),)),
    Case("zero_at_", zero_at_, (I.normal(3),)),
]


# -- stores with repeated indices and casts decided at run time (s2sad/runtime/store.py; issue 25) ----


def stored_(g): return runtime.stored(g, [0, 2, 0])  # the first element written to 0 is overwritten
def placed_(v, y): return runtime.placed(v, y, [1, 3, 1])
def cast_adjoint_float(g): return runtime.cast_adjoint(g, np.float64)
def cast_adjoint_int(g): return runtime.cast_adjoint(g, int) + g
def cast_tangent_float(t): return runtime.cast_tangent(t, float)
def cast_tangent_bool(t): return runtime.cast_tangent(t, bool) + t


CASES += [
    Case("stored_", stored_, (I.normal(4),)), Case("stored_", stored_, (I.normal(3, 2),)),
    Case("placed_", placed_, (I.normal(3), I.normal(5))),
    Case("cast_adjoint_", cast_adjoint_float, (I.normal(3),)), Case("cast_adjoint_", cast_adjoint_int, (I.normal(3),)),
    Case("cast_tangent_", cast_tangent_float, (I.normal(3),)), Case("cast_tangent_", cast_tangent_bool, (I.normal(2, 2),)),
]
