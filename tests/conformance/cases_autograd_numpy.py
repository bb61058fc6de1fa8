"""Cases ported from autograd's tests/test_numpy.py (HIPS/autograd).

autograd checks each function `fun` and its gradient `d_fun` with `check_grads`; `fun` wraps its
result in `to_scalar(x) = np.sum(np.sin(x))`, so every case here returns a number and the harness
checks reverse, forward and second order (the `d_fun` half). The functions, shapes and keyword
arguments are autograd's; the bodies are written here, one module-level function per test (s2sad
reads the source). Points are drawn from a fixed seed.
"""
from __future__ import annotations

import numpy as np

from conformance.case import Case

SUITE = "autograd/test_numpy.py"
_R = np.random.RandomState(1)


def R(*shape):
    return _R.standard_normal(shape) if shape else float(_R.standard_normal())


CASES: list[Case] = []


def add(name, fn, args, **kw):
    CASES.append(Case(SUITE, name, fn, args, **kw))


def to_scalar(x):
    return np.sum(np.sin(x))


# ---- products ---------------------------------------------------------------------------------

def dot(x, y):
    return np.sum(np.sin(np.dot(x, y)))


_mat1, _mat2, _v1, _v2, _v3 = R(10, 11), R(10, 11), R(10), R(11), R(11)
add("test_dot[mat,vec]", dot, (_mat1, _v2))
add("test_dot[mat,mat.T]", dot, (_mat1, _mat2.T.copy()))
add("test_dot[vec,mat]", dot, (_v1, _mat1))
add("test_dot[vec,vec]", dot, (_v2, _v3))
add("test_dot_with_floats[mat,float]", dot, (_mat1, R()))
add("test_dot_with_floats[float,mat]", dot, (R(), _mat1))
add("test_dot_with_floats[vec,float]", dot, (_v1, R()))
add("test_dot_with_floats[float,vec]", dot, (R(), _v1))


def outer(x, y):
    return np.sum(np.sin(np.outer(x, y)))


add("test_outer", outer, (R(11), R(11)))


def matmul_method(x, y):
    return np.sum(np.sin(x.dot(y)))


add("test_dot_method (commented out in autograd)", matmul_method, (R(10, 11), R(11)))

# ---- reductions -------------------------------------------------------------------------------


def max_all(x):
    return np.sum(np.sin(np.max(x)))


def max_axis(x):
    return np.sum(np.sin(np.max(x, axis=1)))


def max_axis_keepdims(x):
    return np.sum(np.sin(np.max(x, axis=1, keepdims=True)))


def min_all(x):
    return np.sum(np.sin(np.min(x)))


def min_axis(x):
    return np.sum(np.sin(np.min(x, axis=1)))


def min_axis_keepdims(x):
    return np.sum(np.sin(np.min(x, axis=1, keepdims=True)))


add("test_max", max_all, (R(10, 11),))
add("test_max_axis", max_axis, (R(3, 4, 5),))
add("test_max_axis_keepdims", max_axis_keepdims, (R(3, 4, 5),))
add("test_min", min_all, (R(10, 11),))
add("test_min_axis", min_axis, (R(3, 4, 5),))
add("test_min_axis_keepdims", min_axis_keepdims, (R(3, 4, 5),))


def sum_1(x):
    return np.sum(np.sin(np.sum(x)))


def sum_2(x):
    return np.sum(np.sin(np.sum(x, axis=0)))


def sum_3(x):
    return np.sum(np.sin(np.sum(x, axis=0, keepdims=True)))


def sum_axis_tuple(x):
    return np.sum(np.sin(np.sum(x, axis=(1, 2))))


add("test_sum_1", sum_1, (R(10, 11),))
add("test_sum_2", sum_2, (R(10, 11),))
add("test_sum_3", sum_3, (R(10, 11),))
add("test_sum_with_axis_tuple", sum_axis_tuple, (R(10, 11, 7),))


def mean_1(x):
    return np.sum(np.sin(np.mean(x)))


def mean_2(x):
    return np.sum(np.sin(np.mean(x, axis=0)))


def mean_3(x):
    return np.sum(np.sin(np.mean(x, axis=0, keepdims=True)))


add("test_mean_1", mean_1, (R(10, 11),))
add("test_mean_2", mean_2, (R(10, 11),))
add("test_mean_3", mean_3, (R(10, 11),))


def prod_1(x):
    return np.sum(np.sin(np.prod(x)))


def prod_2(x):
    return np.sum(np.sin(np.prod(x, axis=0)))


def prod_3(x):
    return np.sum(np.sin(np.prod(x, axis=0, keepdims=True)))


add("test_prod_1", prod_1, (R(2, 3) ** 2 / 10.0 + 0.1,))
add("test_prod_2", prod_2, (R(2, 3) ** 2 + 0.1,))
add("test_prod_3", prod_3, (R(2, 3) ** 2 + 0.1,))
add("test_prod_4", prod_1, (R(7) ** 2 + 0.1,))


def cumsum_axis0(x):
    return np.sum(np.sin(np.cumsum(x, axis=0)))


def cumsum_flat(x):
    return np.sum(np.sin(np.cumsum(x)))


add("test_cumsum", cumsum_axis0, (R(10, 11),))
add("test_cumsum_1d", cumsum_flat, (R(10),))
add("test_cumsum_no_axis", cumsum_flat, (R(10, 11),))


def non_numpy_sum(x, y):
    return np.sum(np.sin(sum([x, y])))


add("test_non_numpy_sum", non_numpy_sum, (R(10, 11), R(10, 11)))


def var_0(x):
    return np.sum(np.sin(np.var(x, axis=None, keepdims=True, ddof=0)))


def var_1(x):
    return np.sum(np.sin(np.var(x, axis=None, keepdims=False, ddof=1)))


def var_2(x):
    return np.sum(np.sin(np.var(x, axis=1, keepdims=True, ddof=2)))


def var_3(x):
    return np.sum(np.sin(np.var(x, axis=1, keepdims=False, ddof=2)))


def std_0(x):
    return np.sum(np.sin(np.std(x, axis=None, keepdims=True, ddof=0)))


def std_1(x):
    return np.sum(np.sin(np.std(x, axis=None, keepdims=False, ddof=1)))


def std_2(x):
    return np.sum(np.sin(np.std(x, axis=1, keepdims=True, ddof=2)))


def std_3(x):
    return np.sum(np.sin(np.std(x, axis=1, keepdims=False, ddof=2)))


for _f in (var_0, var_1, std_0, std_1):
    for _shape in ((3,), (3, 4), (1, 3)):
        add(f"test_{_f.__name__[:3]}_ddof[{_f.__name__}|{'x'.join(map(str, _shape))}]", _f, (R(*_shape),))
for _f in (var_2, var_3, std_2, std_3):
    add(f"test_{_f.__name__[:3]}_ddof[{_f.__name__}|3x4]", _f, (R(3, 4),))

# ---- indexing -----------------------------------------------------------------------------------


def index_ints(x):
    return np.sum(np.sin(x[3, 0, 1]))


def index_slice(x):
    return np.sum(np.sin(x[::-1, 2:4, :]))


def index_lists(x):
    return np.sum(np.sin(x[[0, 1, 2], :, :]))


def index_mixed(x):
    return np.sum(np.sin(x[3, 2:, [1, 3]]))


def vector_slice(x):
    return np.sum(np.sin(x[2:4]))


def index_slice_fanout(x):
    y = x[::-1, 2:4, :]
    z = x[::-1, 3:5, :]
    return np.sum(np.sin(y + z))


def index_multiple_slices(x):
    y = x[2:6]
    z = y[1:3]
    return np.sum(np.sin(z))


def multi_index(x):
    return np.sum(x[[0, 0]])


def multi_index2(x):
    return np.sum(x[[0, 1, 0]])


def index_dot_slices(x):
    return np.dot(x[:2], x[2:])


def len_(x):
    assert len(x) == 3
    return np.sum(np.sin(x))


_ones_col = np.ones(5)[:, None]


def cast_to_int(W):
    glued_together = np.concatenate((W, _ones_col), axis=1)
    new_W = W[:, :-1]
    new_inds = np.int64(W[:, -1])
    return new_W[new_inds].sum() + 0.0 * np.sum(glued_together)


add("test_index_ints", index_ints, (R(5, 6, 4),))
add("test_index_slice", index_slice, (R(5, 6, 4),))
add("test_index_lists", index_lists, (R(5, 6, 4),))
add("test_index_mixed", index_mixed, (R(5, 6, 4),))
add("test_vector_slice", vector_slice, (R(5),))
add("test_index_slice_fanout", index_slice_fanout, (R(5, 6, 4),))
add("test_index_multiple_slices", index_multiple_slices, (R(7),))
add("test_multi_index", multi_index, (R(3),))
add("test_multi_index2", multi_index2, (R(3),))
add("test_index_dot_slices", index_dot_slices, (R(4),))
add("test_len", len_, (R(3, 2),), refusal="'assert' statement is not supported")
_W = R(5, 10)
_W[:, -1] = [0.5, 1.5, 2.5, 3.5, 4.2]  # autograd's point is random; int() of these is 0..4, away from the steps
add("test_cast_to_int", cast_to_int, (_W,))

# ---- shape --------------------------------------------------------------------------------------


def reshape_method(x):
    return np.sum(np.sin(x.reshape((5 * 4, 6))))


def reshape_call(x):
    return np.sum(np.sin(np.reshape(x, (5 * 4, 6))))


def reshape_method_nolist(x):
    return np.sum(np.sin(x.reshape(5 * 4, 6)))


def ravel_method(x):
    return np.sum(np.sin(x.ravel()))


def ravel_call(x):
    return np.sum(np.sin(np.ravel(x)))


def flatten_method(x):
    return np.sum(np.sin(x.flatten()))


def transpose_T(x):
    return np.sum(np.sin(x.T) * np.arange(64.0).reshape(8, 8))


def flipud(x):
    return np.sum(np.sin(np.flipud(x)) * np.arange(110.0).reshape(10, 11))


def fliplr(x):
    return np.sum(np.sin(np.fliplr(x)) * np.arange(110.0).reshape(10, 11))


def rot90(x):
    return np.sum(np.sin(np.rot90(x)) * np.arange(110.0).reshape(11, 10))


def roll(x):
    return np.sum(np.sin(np.roll(x, 2, axis=1)) * np.arange(20.0).reshape(4, 5))


def roll_no_axis(x):
    return np.sum(np.sin(np.roll(x, 2)) * np.arange(20.0).reshape(4, 5))


def squeeze_func(x):
    return np.sum(np.sin(np.squeeze(x)))


def squeeze_method(x):
    return np.sum(np.sin(x.squeeze()))


def expand_dims(x):
    return np.sum(np.sin(np.expand_dims(x, 2)))


add("test_reshape_method", reshape_method, (R(5, 6, 4),))
add("test_reshape_call", reshape_call, (R(5, 6, 4),))
add("test_reshape_method_nolist", reshape_method_nolist, (R(5, 6, 4),))
add("test_ravel_method", ravel_method, (R(5, 6, 4),))
add("test_ravel_call", ravel_call, (R(5, 6, 4),))
add("test_flatten_method", flatten_method, (R(5, 6, 4),))
add("test_transpose", transpose_T, (R(8, 8),))
add("test_flipud", flipud, (R(10, 11),))
add("test_fliplr", fliplr, (R(10, 11),))
add("test_rot90", rot90, (R(10, 11),))
add("test_roll", roll, (R(4, 5),))
add("test_roll_no_axis", roll_no_axis, (R(4, 5),))
add("test_squeeze_func", squeeze_func, (R(5, 1, 4),))
add("test_squeeze_method", squeeze_method, (R(5, 1, 4),))
add("test_expand_dims", expand_dims, (R(5, 1, 4),))


def repeat_ax1(x):
    return np.sum(np.sin(np.repeat(x, 2, axis=1)) * np.arange(1.0, 6.0)[:, None, None])


def repeat_ax1_rep1(x):
    return np.sum(np.sin(np.repeat(x, 1, axis=1)))


def repeat_ax0(x):
    return np.sum(np.sin(np.repeat(x, 2, axis=0)) * np.arange(10.0)[:, None])


def repeat_1d_ax0(x):
    return np.sum(np.sin(np.repeat(x, 2, axis=0)) * np.arange(10.0))


add("test_repeat", repeat_ax1, (R(5, 3, 4),))
add("test_repeat_axis1_rep1", repeat_ax1_rep1, (R(5, 3, 4),))
add("test_repeat_axis0", repeat_ax0, (R(5, 3),))
add("test_repeat_1d_axis0", repeat_1d_ax0, (R(5),))
add("test_repeat_axis0_rep1", repeat_ax1_rep1, (R(5, 1, 2),))

_A564 = R(5, 6, 4)


def simple_concatenate(x):
    return np.sum(np.sin(np.concatenate((_A564, x))))


def concatenate_axis_0(x):
    return np.sum(np.sin(np.concatenate((_A564, x, _A564))) * np.arange(15.0)[:, None, None])


def concatenate_axis_1(x):
    return np.sum(np.sin(np.concatenate((_A564, x, _A564), axis=1)) * np.arange(18.0)[:, None])


def concatenate_axis_1_unnamed(x):
    return np.sum(np.sin(np.concatenate((_A564, x, _A564), 1)) * np.arange(18.0)[:, None])


add("test_simple_concatenate", simple_concatenate, (R(4, 6, 4),))
add("test_concatenate_axis_0", concatenate_axis_0, (R(5, 6, 4),))
add("test_concatenate_axis_1", concatenate_axis_1, (R(5, 6, 4),))
add("test_concatenate_axis_1_unnamed", concatenate_axis_1_unnamed, (R(5, 6, 4),))

# ---- matrices -----------------------------------------------------------------------------------


def trace_offset(x):
    return np.trace(x, offset=3)


def trace_offset_neg(x):
    return np.trace(x, offset=-4)


def trace_extradims(x):
    return np.sum(np.sin(np.trace(x, offset=2)))


def diag(x):
    return np.sum(np.sin(np.diag(x)))


def triu2(x):
    return np.sum(np.sin(np.triu(x, k=2)))


def tril2(x):
    return np.sum(np.sin(np.tril(x, k=2)))


def clip(x):
    return np.sum(np.sin(np.clip(x, a_min=0.1, a_max=1.1)))


def diagonal(D):
    return np.sum(np.sin(np.diagonal(D, axis1=-1, axis2=-2)))


def make_diagonal(D):
    return np.sum(np.sin(D[..., :, None] * np.eye(D.shape[-1])))


add("test_trace", trace_offset, (R(10, 11),), modes=("reverse", "forward"))
add("test_trace2", trace_offset_neg, (R(11, 10),), modes=("reverse", "forward"))
add("test_trace_extradims", trace_extradims, (R(5, 6, 4, 3),))
add("test_diag", diag, (R(10, 10),))
add("test_triu", triu2, (R(5, 5),))
add("test_tril", tril2, (R(5, 5),))
_clip = R(5, 5)
_clip[np.abs(_clip - 0.1) < 0.05] += 0.2  # away from the kinks at a_min and a_max
_clip[np.abs(_clip - 1.1) < 0.05] += 0.2
add("test_clip", clip, (_clip,))
add("test_diagonal[4x4]", diagonal, (R(4, 4),))
add("test_diagonal[3x4x4]", diagonal, (R(3, 4, 4),))
add("test_make_diagonal[4] (np.make_diagonal is autograd's own: D[..., :, None] * eye)", make_diagonal, (R(4),))
add("test_make_diagonal[3x4]", make_diagonal, (R(3, 4),))

# ---- array construction -------------------------------------------------------------------------


def array_1d(x):
    return np.sum(np.sin(np.array([x, x * 1.0, x + 2.5])))


def array_2d(x):
    return np.sum(np.sin(np.array([[x, x * 1.0, x + 2.5], [x ** 2, x, x / 2.0]])))


def array_1d_fanout(x):
    A = np.sum(np.sin(np.array([x, x * 1.0, x + 2.5])))
    return np.sum(np.sin(A + A))


def array_2d_fanout(x):
    A = np.array([[x, x * 1.0, x + 2.5], [x ** 2, x, x / 2.0]])
    return np.sum(np.sin(A + A))


def array_from_scalar(x):
    return np.sum(np.sin(np.array(x)))


def array_from_arrays(x):
    return np.sum(np.sin(np.array([x, x])))


def array_from_arrays_2(x):
    return np.sum(np.sin(np.array([[2 * x, x + 1], [x, x]])))


def array_creation(x):
    arr = [x for i in range(1000)]
    return np.sum(np.array(arr))


def tensordot_kwargs_by_position(x):
    return np.tensordot(x * np.ones((2, 2)), x * np.ones((2, 2)), 2)


add("test_1d_array", array_1d, (3.0,))
add("test_2d_array", array_2d, (3.0,))
add("test_1d_array_fanout", array_1d_fanout, (3.0,))
add("test_2d_array_fanout", array_2d_fanout, (3.0,))
add("test_array_from_scalar", array_from_scalar, (3.0,))
add("test_array_from_arrays", array_from_arrays, (R(3, 2),))
add("test_array_from_arrays_2", array_from_arrays_2, (R(3, 2),))
add("test_array_creation (N=1000, not 100000)", array_creation, (1.0,), refusal="list comprehension is not supported")
add("test_tensordot_kwargs_by_position", tensordot_kwargs_by_position, (1.0,))

_c32 = R(3, 2)
_c10 = R(10)


def r_basic(x):
    return np.sum(np.sin(np.r_[x]))


def r_double(x):
    return np.sum(np.sin(np.r_[x, x]))


def no_relation(x):
    return np.sum(np.sin(_c32)) + 0.0 * np.sum(x)


def r_no_relation(x):
    return np.sum(np.sin(np.r_[_c32])) + np.sum(x * 0.0)


def r_node_and_const(x):
    return np.sum(np.sin(np.r_[x, _c32]))


def r_mixed(x):
    return np.sum(np.sin(np.r_[x, _c32, x]) * np.arange(9.0)[:, None])


def r_slicing(x):
    return np.sum(np.sin(np.r_[x, _c10, 1:10]) * np.arange(29.0))


def c_(x):
    return np.sum(np.sin(np.c_[x, _c32, x]) * np.arange(6.0))


add("test_r_basic", r_basic, (R(3, 2),))
add("test_r_double", r_double, (R(3, 2),))
add("test_no_relation", no_relation, (R(3, 2),))
add("test_r_no_relation", r_no_relation, (R(3, 2),))
add("test_r_node_and_const", r_node_and_const, (R(3, 2),))
add("test_r_mixed", r_mixed, (R(3, 2),))
add("test_r_slicing", r_slicing, (R(10),))
add("test_c_", c_, (R(3, 2),))
add("test_c_mixed", c_, (R(3, 2),))

# ---- selection and ties ---------------------------------------------------------------------------

_C45 = R(4, 5) > 0


def where(x, y):
    b = np.where(_C45, x, y)
    return np.sum(np.sin(b))


add("test_where", where, (R(4, 5), R(4, 5)))

_nan_y = np.array([0.0, np.nan, np.inf, -np.inf])


def nan_to_num(x):
    return np.sum(np.sin(np.nan_to_num(x + _nan_y)))


add("test_nan_to_num", nan_to_num, (R(4),))


def max_equal_values(x):
    return np.sum(np.sin(np.max(np.array([x, x]))))


def max_equal_values_2d(x):
    return np.sum(np.sin(np.max(np.array([[x, x], [x, 0.5]]), axis=1)))


def min_3_way_equality(x):
    return np.sum(np.sin(np.min(np.array([[x, x, x], [x, 0.5, 0.5], [0.5, 0.5, 0.5], [x, x, 0.5]]), axis=0)))


def maximum_equal_values(x):
    return np.sum(np.sin(np.maximum(x, x)))


def maximum_equal_values_2d(x):
    return np.sum(np.sin(np.maximum(np.array([x, x, 0.5]), np.array([[x, 0.5, x], [x, x, 0.5]]))))


_TIE = "ties: every selected copy is the same variable, so the derivative exists (autograd splits it evenly)"
add("test_max_equal_values", max_equal_values, (1.0,), extra={"note": _TIE})
add("test_max_equal_values_2d[1.0]", max_equal_values_2d, (1.0,), extra={"note": _TIE})
add("test_max_equal_values_2d[-1.0]", max_equal_values_2d, (-1.0,), extra={"note": _TIE})
add("test_min_3_way_equality[1.0]", min_3_way_equality, (1.0,), extra={"note": _TIE})
add("test_min_3_way_equality[-1.0]", min_3_way_equality, (-1.0,), extra={"note": _TIE})
add("test_maximum_equal_values", maximum_equal_values, (1.0,), extra={"note": _TIE})
add("test_maximum_equal_values_2d[1.0]", maximum_equal_values_2d, (1.0,), extra={"note": _TIE})
add("test_maximum_equal_values_2d[-1.0]", maximum_equal_values_2d, (-1.0,), extra={"note": _TIE})
add("test_maximum_equal_values_2d[2.0]", maximum_equal_values_2d, (2.0,), extra={"note": _TIE})


def linspace_0(x, y):
    return np.sum(np.sin(np.linspace(x, y, 0))) + 0.0 * x


def linspace_1(x, y):
    return np.sum(np.sin(np.linspace(x, y, 1)))


def linspace_5(x, y):
    return np.sum(np.sin(np.linspace(x, y, 5)))


for _f in (linspace_0, linspace_1, linspace_5):
    for _pt in ((1.2, 3.4), (1.2, -3.4), (1.2, 1.2)):
        add(f"test_linspace[num={_f.__name__[-1]},{_pt[0]},{_pt[1]}]", _f, _pt)

# ---- helper calls (autograd's tests call `to_scalar`, a function of their own) ---------------------


def via_helper(x):
    return to_scalar(np.dot(x, x.T))


add("to_scalar helper (a user function call)", via_helper, (R(3, 4),))

# ---- later autograd versions ------------------------------------------------------------------------


def astype(x):
    return np.sum(np.sin(x.astype(np.float32).astype(np.float64)))


def cumprod(x):
    return np.sum(np.sin(np.cumprod(x, axis=1)))


def flip(x):
    return np.sum(np.sin(np.flip(x, axis=0)) * np.arange(12.0).reshape(3, 4))


def pad(x):
    return np.sum(np.sin(np.pad(x, ((1, 2), (0, 1)))) * np.arange(30.0).reshape(6, 5))


def einsum_scalar_mult(x, y):
    return np.sum(np.sin(np.einsum("ij,jk->ik", x, y)))


def average(x):
    return np.sum(np.sin(np.average(x, axis=0, weights=np.arange(1.0, 4.0))))


def swapaxes_method(x):
    return np.sum(np.sin(x.swapaxes(0, 1)) * np.arange(6.0).reshape(3, 2))


def moveaxis(x):
    return np.sum(np.sin(np.moveaxis(x, 0, -1)) * np.arange(24.0).reshape(3, 4, 2))


def broadcast_to(x):
    return np.sum(np.sin(np.broadcast_to(x, (3, 4))) * np.arange(12.0).reshape(3, 4))


def array_sum_method(x):
    return np.sin(x).sum() + x.mean() * x.max()


add("test_astype", astype, (R(3, 4),), tol=1e-5)
add("test_cumprod", cumprod, (R(3, 4) ** 2 + 0.5,))
add("test_flip", flip, (R(3, 4),))
add("test_pad", pad, (R(3, 4),))
add("test_einsum[ij,jk->ik]", einsum_scalar_mult, (R(2, 3), R(3, 4)))
add("test_average", average, (R(3, 4),))
add("test_swapaxes_method", swapaxes_method, (R(2, 3),))
add("test_moveaxis", moveaxis, (R(2, 3, 4),))
add("test_broadcast_to", broadcast_to, (R(4),))
add("test_array_methods (sum, mean, max)", array_sum_method, (R(3, 4),))

# ---- what autograd's numpy_vjps.py defines rules for, beyond the tests above -----------------------
# (autograd's later test_numpy.py and test_numpy_interp.py exercise these; points away from kinks)


def reshape_minus1(x):
    return np.sum(np.sin(x.reshape(-1, 4)) * np.arange(24.0).reshape(6, 4))


def sum_axis_tuple_keepdims(x):
    return np.sum(np.sin(np.sum(x, axis=(0, 2), keepdims=True)) * np.arange(1.0, 4.0)[:, None])


def mean_axis_tuple(x):
    return np.sum(np.sin(np.mean(x, axis=(0, 1))) * np.arange(1.0, 5.0))


def var_axis_tuple(x):
    return np.sum(np.sin(np.var(x, axis=(1, 2))))


def unpack_rows(x):
    a, b, c = x
    return np.sum(a * b + np.sin(c))


def negative_step(x):
    return np.sum(np.sin(x[::-2, 1::2]) * np.arange(6.0).reshape(3, 2))


def bool_mask(x):
    return np.sum(np.sin(x[x > 0.0]))


def newaxis_ellipsis(x):
    return np.sum(np.sin(x[None, ..., 0]) * np.arange(3.0)) + np.sum(x[:, None, :] * x[:, :, None])


def fancy_two_arrays(x):
    return np.sum(np.sin(x[[0, 2, 1], [1, 1, 3]]) * np.arange(1.0, 4.0))


def take(x):
    return np.sum(np.sin(np.take(x, [0, 3, 3, 1])) * np.arange(1.0, 5.0))


def take_axis(x):
    return np.sum(np.sin(np.take(x, [2, 0], axis=1)) * np.arange(6.0).reshape(3, 2))


def take_along_axis(x):
    idx = np.argsort(x, axis=1)
    return np.sum(np.sin(np.take_along_axis(x, idx, axis=1)) * np.arange(12.0).reshape(3, 4))


def sort_via_argsort(x):
    return np.sum(np.sin(x[np.argsort(x)]) * np.arange(6.0))


def where_scalar(x):
    return np.sum(np.sin(np.where(x > 0.0, x, 0.1 * x)))


def cumsum_last(x):
    return np.sum(np.sin(np.cumsum(x, axis=-1)))


def amax_amin(x):
    return np.amax(x) - np.amin(x) + np.sum(np.max(x, axis=0) * np.min(x, axis=1)[:, None])


def ptp(x):
    return np.sum(np.sin(np.ptp(x, axis=1)))


def median(x):
    return np.sum(np.sin(np.median(x, axis=0)))


def nansum(x):
    return np.sum(np.sin(np.nansum(x, axis=0)))


def nanmean(x):
    return np.sum(np.sin(np.nanmean(x, axis=1)))


def cov(x):
    return np.sum(np.sin(np.cov(x)))


def corrcoef(x):
    return np.sum(np.sin(np.corrcoef(x)))


def vdot(x, y):
    return np.vdot(x, y)


def outer_matrix(x, y):
    return np.sum(np.sin(np.outer(x, y)))


def convolve_full(x, y):
    return np.sum(np.sin(np.convolve(x, y)))


def convolve_valid(x, y):
    return np.sum(np.sin(np.convolve(x, y, mode="valid")))


def convolve_same(x, y):
    return np.sum(np.sin(np.convolve(x, y, mode="same")))


def interp(x):
    return np.sum(np.sin(np.interp(x, np.array([0.0, 1.0, 2.5, 4.0]), np.array([1.0, -1.0, 2.0, 0.5]))))


def interp_fp(fp):
    return np.sum(np.sin(np.interp(np.array([0.3, 1.7, 3.1]), np.array([0.0, 1.0, 2.5, 4.0]), fp)))


def full_like_mix(x):
    return np.sum(np.full_like(x, 2.0) * x + np.zeros_like(x) + np.ones_like(x) * x ** 2)


def meshgrid(x, y):
    X, Y = np.meshgrid(x, y)
    return np.sum(np.sin(X * Y))


def round_mix(x):
    return np.sum(np.round(x) * x + np.floor(x) * np.sin(x))


def heaviside_mask(x):
    return np.sum(np.heaviside(x, 0.5) * x ** 2)


def clip_array_bounds(x):
    return np.sum(np.sin(np.clip(x, -np.ones(5) * 0.5, np.ones(5) * 0.7)))


def logsumexp_manual(x):
    m = np.max(x, axis=1, keepdims=True)
    return np.sum(m[:, 0] + np.log(np.sum(np.exp(x - m), axis=1)))


def softmax_rows(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return np.sum(np.sin(e / np.sum(e, axis=-1, keepdims=True)) * np.arange(12.0).reshape(3, 4))


def cumsum_reverse(x):
    return np.sum(np.sin(np.cumsum(x[::-1])[::-1]) * np.arange(5.0))


def tril_indices(x):
    i, j = np.tril_indices(4)
    return np.sum(np.sin(x[i, j]) * np.arange(10.0))


def diag_indices_set(x):
    y = x * 1.0
    y[np.diag_indices(3)] = 0.0
    return np.sum(np.sin(y * x))


def stack_neg_axis(x, y):
    return np.sum(np.sin(np.stack([x, y], axis=-1)) * np.arange(8.0).reshape(4, 2))


def dstack(x, y):
    return np.sum(np.sin(np.dstack((x, y))))


def array_of_sums(x):
    return np.sum(np.sin(np.array([np.sum(x), np.mean(x), np.max(x)])))


def squared_norm(x):
    return np.sqrt(np.sum(x ** 2)) + np.linalg.norm(x) ** 2


def prod_with_negatives(x):
    return np.prod(x)


def power_int_exponent(x):
    return np.sum(x ** 3 - 2 * x ** 2 + x ** -1)


def float_int_mix(x):
    n = x.shape[0]
    return np.sum(x * n) / len(x) + float(n) * np.sum(x)


def sinc_array(x):
    return np.sum(np.sinc(x))


def logaddexp_reduce(x):
    return np.logaddexp.reduce(x)


def maximum_reduce(x):
    return np.sum(np.sin(np.maximum.reduce(x, axis=0)))


def add_accumulate(x):
    return np.sum(np.sin(np.add.accumulate(x)) * np.arange(5.0))


def einsum_trace(x):
    return np.einsum("ii->", x) + np.einsum("ij,ij->", x, x)


def einsum_diag(x):
    return np.sum(np.sin(np.einsum("ii->i", x)) * np.arange(1.0, 4.0))


def einsum_outer(x, y):
    return np.sum(np.sin(np.einsum("i,j->ij", x, y)))


def matmul_batched_vec(x, y):
    return np.sum(np.sin(x @ y))


def atleast_nd_scalar(x):
    return np.sum(np.sin(np.atleast_2d(x) * np.ones((2, 3))))


def append_insert(x):
    return np.sum(np.sin(np.append(x, x[:2]))) + np.sum(np.sin(np.insert(x, 1, 2.0 * x[0])))


def delete(x):
    return np.sum(np.sin(np.delete(x, [0, 2])) * np.arange(3.0))


def real_imag_conj(x):
    return np.sum(np.real(x) * np.conj(x) + np.imag(x))


_later = "later autograd versions / numpy_vjps.py coverage"
_P = R(3, 4) + np.array([0.0, 0.0, 0.0, 0.0])
_pos = np.array([0.7, -1.3, 0.4, 1.9, -0.6])
add("extra: reshape(-1, 4)", reshape_minus1, (R(2, 3, 4),), extra={"note": _later})
add("extra: sum axis tuple keepdims", sum_axis_tuple_keepdims, (R(2, 3, 4),), extra={"note": _later})
add("extra: mean axis tuple", mean_axis_tuple, (R(2, 3, 4),), extra={"note": _later})
add("extra: var axis tuple", var_axis_tuple, (R(2, 3, 4),), extra={"note": _later})
add("extra: tuple unpacking of rows", unpack_rows, (R(3, 4),), extra={"note": _later})
add("extra: negative-step slice", negative_step, (R(5, 4),), extra={"note": _later})
add("extra: boolean mask", bool_mask, (_pos,), extra={"note": _later})
add("extra: None and Ellipsis indexing", newaxis_ellipsis, (R(3, 4),), extra={"note": _later})
add("extra: fancy indexing with two arrays", fancy_two_arrays, (R(3, 4),), extra={"note": _later})
add("extra: np.take", take, (R(5),), extra={"note": _later})
add("extra: np.take axis", take_axis, (R(3, 4),), extra={"note": _later})
add("extra: np.take_along_axis", take_along_axis, (R(3, 4),), extra={"note": _later})
add("extra: x[np.argsort(x)]", sort_via_argsort, (R(6),), extra={"note": _later})
add("extra: np.where with a scalar branch", where_scalar, (_pos,), extra={"note": _later})
add("extra: cumsum axis=-1", cumsum_last, (R(3, 4),), extra={"note": _later})
add("extra: amax/amin", amax_amin, (R(3, 4),), extra={"note": _later})
add("extra: np.ptp", ptp, (R(3, 4),), extra={"note": _later})
add("extra: np.median", median, (R(5, 3),), extra={"note": _later})
add("extra: np.nansum", nansum, (R(3, 4),), extra={"note": _later})
add("extra: np.nanmean", nanmean, (R(3, 4),), extra={"note": _later})
add("extra: np.cov", cov, (R(3, 5),), extra={"note": _later})
add("extra: np.corrcoef", corrcoef, (R(3, 5),), extra={"note": _later})
add("extra: np.vdot", vdot, (R(2, 3), R(2, 3)), extra={"note": _later})
add("extra: np.outer of matrices", outer_matrix, (R(2, 3), R(4)), extra={"note": _later})
add("extra: np.convolve full", convolve_full, (R(5), R(3)), extra={"note": _later})
add("extra: np.convolve valid", convolve_valid, (R(5), R(3)), extra={"note": _later})
add("extra: np.convolve same", convolve_same, (R(5), R(3)), extra={"note": _later})
add("extra: np.convolve valid, v longer", convolve_valid, (R(3), R(6)), extra={"note": _later})
add("extra: np.interp (test_numpy_interp)", interp, (np.array([0.4, 1.3, 2.0, 3.7]),), extra={"note": _later})
add("extra: np.interp wrt fp", interp_fp, (R(4),), extra={"note": _later})
add("extra: full_like/zeros_like/ones_like", full_like_mix, (R(3, 4),), extra={"note": _later})
add("extra: np.meshgrid", meshgrid, (R(3), R(4)), extra={"note": _later})
add("extra: round and floor (zero derivative)", round_mix, (np.array([0.3, 1.2, -0.7, 2.4]),), extra={"note": _later})
add("extra: np.heaviside", heaviside_mask, (_pos,), extra={"note": _later})
add("extra: np.clip with array bounds", clip_array_bounds, (np.array([0.2, -0.9, 0.6, 1.5, -0.1]),), extra={"note": _later})
add("extra: logsumexp written out", logsumexp_manual, (R(3, 4),), extra={"note": _later})
add("extra: softmax rows", softmax_rows, (R(3, 4),), extra={"note": _later})
add("extra: reversed cumsum", cumsum_reverse, (R(5),), extra={"note": _later})
add("extra: np.tril_indices", tril_indices, (R(4, 4),), extra={"note": _later})
add("extra: store through np.diag_indices", diag_indices_set, (R(3, 3),), extra={"note": _later})
add("extra: np.stack axis=-1", stack_neg_axis, (R(4), R(4)), extra={"note": _later})
add("extra: np.dstack", dstack, (R(2, 3), R(2, 3)), extra={"note": _later})
add("extra: np.array of reductions", array_of_sums, (R(3, 4),), extra={"note": _later})
add("extra: sqrt of a sum and norm", squared_norm, (R(5),), extra={"note": _later})
add("extra: prod with negatives", prod_with_negatives, (np.array([0.7, -1.3, 0.4, 1.9, -0.6]),), extra={"note": _later})
add("extra: integer powers", power_int_exponent, (np.array([0.7, 1.3, 0.4, 1.9]),), extra={"note": _later})
add("extra: shape and len as numbers", float_int_mix, (R(4),), extra={"note": _later})
add("extra: np.sinc", sinc_array, (np.array([0.3, -0.7, 1.4]),), extra={"note": _later})
add("extra: np.logaddexp.reduce", logaddexp_reduce, (R(5),), extra={"note": _later})
add("extra: np.maximum.reduce", maximum_reduce, (R(3, 4),), extra={"note": _later})
add("extra: np.add.accumulate", add_accumulate, (R(5),), extra={"note": _later})
add("extra: einsum trace and full contraction", einsum_trace, (R(3, 3),), extra={"note": _later})
add("extra: einsum diagonal", einsum_diag, (R(3, 3),), extra={"note": _later})
add("extra: einsum outer", einsum_outer, (R(3), R(4)), extra={"note": _later})
add("extra: batched matrix @ vector", matmul_batched_vec, (R(2, 3, 4), R(4)), extra={"note": _later})
add("extra: atleast_2d of a number", atleast_nd_scalar, (0.7,), extra={"note": _later})
add("extra: np.append and np.insert", append_insert, (R(4),), extra={"note": _later})
add("extra: np.delete", delete, (R(5),), extra={"note": _later})
add("extra: real/imag/conj of a real array", real_imag_conj, (R(4),), extra={"note": _later})
