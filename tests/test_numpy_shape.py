"""Shape operations, joining and splitting, selection (take, sort, diag ...) and
construction: the cases the registry walk checks, plus scatter-add behaviour."""
from __future__ import annotations

import numpy as np
import pytest
from test_numpy_cases import Case, Inputs

import s2sad
from s2sad import runtime

I = Inputs(13)


def reshape_(x): return np.reshape(x, (4, 3))
def reshape_minus_one(x): return np.reshape(x, (-1, 2))
def reshape_method(x): return x.reshape(2, 6)
def reshape_method_tuple(x): return x.reshape((6, -1))
def ravel_(x): return np.ravel(x)
def flatten_method(x): return x.flatten()
def squeeze_(x): return np.squeeze(x)
def squeeze_axis(x): return x.squeeze(axis=0)
def expand_dims_(x): return np.expand_dims(x, 1)
def expand_dims_tuple(x): return np.expand_dims(x, (0, 2))
def atleast_1d_(x): return np.atleast_1d(x)
def atleast_2d_(x): return np.atleast_2d(x)
def atleast_3d_(x): return np.atleast_3d(x)
def transpose_(x): return np.transpose(x)
def transpose_axes(x): return np.transpose(x, (1, 2, 0))
def transpose_method(x): return x.transpose(2, 0, 1)
def swapaxes_(x): return np.swapaxes(x, 0, 2)
def swapaxes_method(x): return x.swapaxes(0, 1)
def moveaxis_(x): return np.moveaxis(x, 0, -1)
def moveaxis_many(x): return np.moveaxis(x, (0, 1), (2, 0))
def broadcast_to_(x): return np.broadcast_to(x, (2, 3, 4))
def repeat_(x): return np.repeat(x, 2)
def repeat_axis(x): return np.repeat(x, 3, axis=1)
def repeat_counts(x): return np.repeat(x, [1, 0, 2], axis=0)
def repeat_counts_trailing_zero(x): return np.repeat(x, [2, 1, 0], axis=0)
def repeat_method(x): return x.repeat(2, axis=0)
def tile_(x): return np.tile(x, 2)
def tile_2d(x): return np.tile(x, (2, 3))
def tile_more_dims(x): return np.tile(x, (2, 1, 2))
def roll_(x): return np.roll(x, 2)
def roll_axis(x): return np.roll(x, -1, axis=1)
def roll_many(x): return np.roll(x, (1, 2), axis=(0, 1))
def flip_(x): return np.flip(x)
def flip_axis(x): return np.flip(x, 1)
def fliplr_(x): return np.fliplr(x)
def flipud_(x): return np.flipud(x)
def rot90_(x): return np.rot90(x)
def rot90_k(x): return np.rot90(x, 3, (1, 2))
def pad_(x): return np.pad(x, 1)
def pad_widths(x): return np.pad(x, ((1, 0), (2, 3)))
def pad_value(x, c): return np.pad(x, (1, 2), constant_values=c)
def concatenate_(a, b): return np.concatenate([a, b])
def concatenate_axis(a, b, c): return np.concatenate((a, b, c), axis=1)
def stack_(a, b): return np.stack([a, b])
def stack_axis(a, b, c): return np.stack([a, b, c], axis=-1)
def vstack_(a, b): return np.vstack([a, b])
def hstack_(a, b): return np.hstack([a, b])
def hstack_1d(a, b): return np.hstack((a, b))
def column_stack_(a, b): return np.column_stack([a, b])
def split_(x):
    a, b = np.split(x, 2)
    return a * b


def split_uneven(x):
    w, b = np.split(x, [3])
    return np.sum(w) * b


def array_split_(x):
    a, b, c = np.array_split(x, 3, axis=1)
    return a * 2.0 + c


def other_splits(x):
    a, b = np.vsplit(x, [1])
    c, d = np.hsplit(x, 2)
    e, f = np.dsplit(x[..., None] * np.ones(2), 2)
    return np.concatenate([np.sum(a) * b[0], c[0, 0] * np.ravel(d), np.ravel(e) * np.ravel(f)])


def hsplit_1d(x):
    a, b = np.hsplit(x, [2])
    return np.sum(a * a) * b


def np_astype(x): return np.astype(x, np.float64) * x


def take_(x): return np.take(x, np.array([0, 2, 2]))
def take_axis(x): return np.take(x, np.array([[1, 0], [1, 1]]), axis=1)
def take_method(x): return x.take(np.array([3, 3, 0]))
def take_along_axis_(x): return np.take_along_axis(x, np.array([[0, 0], [2, 1], [1, 1]]), axis=1)
def take_along_axis_rows(x): return np.take_along_axis(x, np.array([[0, 2, 2, 1]]), axis=0)
def sort_(x): return np.sort(x)
def sort_axis(x): return np.sort(x, axis=0)
def sort_flat(x): return np.sort(x, axis=None)
def diag_vector(x): return np.diag(x)
def diag_matrix(x): return np.diag(x)
def diag_offset(x): return np.diag(x, 1)
def diagonal_(x): return np.diagonal(x)
def diagonal_axes(x): return np.diagonal(x, 1, 1, 2)
def diagonal_method(x): return x.diagonal()
def tril_(x): return np.tril(x)
def triu_(x): return np.triu(x, -1)
def array_(a, b, c): return np.array([a, b, c])
def array_of_rows(a, b): return np.array([a, b])
def asarray_(a, b): return np.asarray([a, b, a])
def copy_(x): return np.copy(x) * x
def astype_float(x): return x.astype(float)
def full_(v): return np.full((3, 2), v)
def full_row(v): return np.full((3, 2), v)
def full_like_(x, v): return np.full_like(x, v) * x
def unstack_(g): return runtime.unstack(g, 1)[1] * runtime.unstack(g, 1)[0]
def unconcatenate_(g, a, b): return runtime.unconcatenate(g, [a, b], 0)[1]
def join_like_(a, b, g): return runtime.join_like([a, b], g, 0)
def unrepeat_(g, x): return runtime.unrepeat(g, x, 2, 1)
def untile_(g, x): return runtime.untile(g, x, (1, 2))
def unpad_(g): return runtime.unpad(g, ((1, 0), (0, 2)))
def unsort_(g, x): return runtime.unsort(g, x, 0)
def untake_(g, x): return runtime.untake(g, x, np.array([0, 1, 1]), 1)
def untake_along_axis_(g, x): return runtime.untake_along_axis(g, x, np.array([[0], [2], [2]]), 1)
def undiag_(g, x): return runtime.undiag(g, x, 1)
def undiagonal_(g, x): return runtime.undiagonal(g, x, 0, 1, 2)

def linspace_(a, b): return np.linspace(a, b, 5) ** 2
def linspace_arrays(a, b): return np.linspace(a, b, num=4, endpoint=False, axis=-1)
def linspace_axis(a, b): return np.linspace(a, b, 3, axis=1) * 2.0
def logspace_(a, b): return np.logspace(a, b, 4)
def logspace_base(a, base): return np.logspace(a, 1.0, 3, base=base)
def geomspace_(a, b): return np.geomspace(a, b, 5)
def geomspace_axis(a, b): return np.geomspace(a, b, 3, endpoint=False, axis=-1)
def gradient_(f): return np.gradient(f) * f
def gradient_spacing(f, h): return np.gradient(f, h, edge_order=2)
def gradient_axis(f): return np.gradient(f, 0.5, axis=0)
def gradient_axes(f):
    gx, gy = np.gradient(f)
    return gx * gy
def rollaxis_(x): return np.rollaxis(x, 2)
def rollaxis_start(x): return np.rollaxis(x, -1, 1)
def partition_(x): return np.partition(x, 1) * x
def partition_flat(x): return np.partition(x, 4, axis=None)
def append_(x, v): return np.append(x, v)
def append_axis(x, v): return np.append(x, v, axis=1)
def select_(x, y): return np.select([x > 0, y > 0], [x * y, y], 0.5)
def select_default(x, d): return np.select([x > 0.5], [x], d)
def r_(x, a): return np.r_[x, a, 0:2, 1.5] * a
def c_(x, y): return np.c_[x, y, 0:3] * 2.0
def row_stack_(a, b): return np.row_stack([a, b])  # noqa: NPY201 -- np.vstack under an older name
def tuple_(x):
    a, b, c = tuple(x)
    return a * b + c
def list_(x):
    rows = list(x)
    return rows[0] * rows[1]
def nested_array(a, b): return np.array([[a, b], [b * a, 1.0]])
def ungradient_(g, f, h): return runtime.ungradient(g, f, h, None, 1)
def ungradient_axes(g1, g2, f): return runtime.ungradient((g1, g2), f, 0.5, None, 2)
def unappend_(g, x, v): return runtime.unappend(g, x, v, 0)[1] * runtime.unappend(g, x, v, 0)[0][0]
def unselect_(g, x): return runtime.unselect(g, [x > 0, x < -1.0], [x, 1.0])[0] * x
def unselect_default_(g, x): return runtime.unselect_default(g, [x > 0]) * x
def c_column_(x): return runtime.c_column(x)


M = I.normal
CASES: list[Case] = [
    Case("reshape", reshape_, (M(3, 4),)), Case("reshape", reshape_minus_one, (M(3, 4),)),
    Case("reshape", reshape_method, (M(12),)), Case("reshape", reshape_method_tuple, (M(3, 4),)),
    Case("ravel", ravel_, (M(3, 4),)), Case("ravel", flatten_method, (M(3, 4),)),
    Case("squeeze", squeeze_, (M(1, 3, 1),)), Case("squeeze", squeeze_axis, (M(1, 3, 1),)),
    Case("expand_dims", expand_dims_, (M(3, 4),)), Case("expand_dims", expand_dims_tuple, (M(3),)),
    Case("atleast_1d", atleast_1d_, (M(),)), Case("atleast_1d", atleast_1d_, (M(3),)),
    Case("atleast_2d", atleast_2d_, (M(3),)), Case("atleast_3d", atleast_3d_, (M(3, 4),)),
    Case("transpose", transpose_, (M(3, 4),)), Case("transpose", transpose_axes, (M(2, 3, 4),)),
    Case("transpose", transpose_method, (M(2, 3, 4),)),
    Case("swapaxes", swapaxes_, (M(2, 3, 4),)), Case("swapaxes", swapaxes_method, (M(3, 4),)),
    Case("moveaxis", moveaxis_, (M(2, 3, 4),)), Case("moveaxis", moveaxis_many, (M(2, 3, 4),)),
    Case("broadcast_to", broadcast_to_, (M(3, 1),)), Case("broadcast_to", broadcast_to_, (M(4),)),
    Case("repeat", repeat_, (M(3, 2),)), Case("repeat", repeat_axis, (M(3, 2),)),
    Case("repeat", repeat_counts, (M(3, 2),)), Case("repeat", repeat_counts_trailing_zero, (M(3, 2),)), Case("repeat", repeat_method, (M(3, 2),)),
    Case("tile", tile_, (M(3),)), Case("tile", tile_2d, (M(2, 3),)), Case("tile", tile_more_dims, (M(2, 3),)),
    Case("roll", roll_, (M(3, 4),)), Case("roll", roll_axis, (M(3, 4),)), Case("roll", roll_many, (M(3, 4),)),
    Case("flip", flip_, (M(3, 4),)), Case("flip", flip_axis, (M(3, 4),)),
    Case("fliplr", fliplr_, (M(3, 4),)), Case("flipud", flipud_, (M(3, 4),)),
    Case("rot90", rot90_, (M(3, 4),)), Case("rot90", rot90_k, (M(2, 3, 4),)),
    Case("pad", pad_, (M(3, 4),)), Case("pad", pad_widths, (M(3, 4),)), Case("pad", pad_value, (M(3), M())),
    Case("concatenate", concatenate_, (M(3), M(2))), Case("concatenate", concatenate_axis, (M(2, 3), M(2, 1), M(2, 2))),
    Case("stack", stack_, (M(3, 4), M(3, 4))), Case("stack", stack_axis, (M(3), M(3), M(3))),
    Case("vstack", vstack_, (M(2, 3), M(3))), Case("hstack", hstack_, (M(3, 2), M(3, 1))),
    Case("hstack", hstack_1d, (M(2), M(3))), Case("column_stack", column_stack_, (M(3), M(3, 2))),
    Case("vsplit", other_splits, (M(3, 4),), also=("hsplit", "dsplit")), Case("hsplit", hsplit_1d, (M(5),)),
    Case("split", split_, (M(4, 3),)), Case("split", split_uneven, (M(5),)), Case("array_split", array_split_, (M(2, 5),)),
    Case("take", take_, (M(3, 4),)), Case("take", take_axis, (M(3, 4),)), Case("take", take_method, (M(4),)),
    Case("take_along_axis", take_along_axis_, (M(3, 4),)), Case("take_along_axis", take_along_axis_rows, (M(3, 4),)),
    Case("sort", sort_, (M(3, 4),)), Case("sort", sort_axis, (M(3, 4),)), Case("sort", sort_flat, (M(3, 4),)),
    Case("diag", diag_vector, (M(3),)), Case("diag", diag_matrix, (M(3, 4),)), Case("diag", diag_offset, (M(3),)),
    Case("diagonal", diagonal_, (M(3, 4),)), Case("diagonal", diagonal_axes, (M(2, 3, 4),)),
    Case("diagonal", diagonal_method, (M(4, 3),)),
    Case("tril", tril_, (M(3, 4),)), Case("triu", triu_, (M(2, 3, 3),)),
    Case("array", array_, (M(), M(), M())), Case("array", array_of_rows, (M(3), M(3))),
    Case("asarray", asarray_, (M(), M())), Case("copy", copy_, (M(3),)),
    Case("astype", astype_float, (M(3),)), Case("astype", np_astype, (M(3),)), Case("full", full_, (M(),)), Case("full", full_row, (M(2),)),
    Case("full_like", full_like_, (M(3), M())),
    Case("unstack_", unstack_, (M(2, 3, 4),)), Case("unconcatenate_", unconcatenate_, (M(5, 2), M(2, 2), M(3, 2))),
    Case("join_like_", join_like_, (M(2), M(3), M(5))), Case("unrepeat_", unrepeat_, (M(3, 4), M(3, 2))),
    Case("untile_", untile_, (M(2, 6), M(2, 3))), Case("unpad_", unpad_, (M(3, 4),)),
    Case("unsort_", unsort_, (M(3, 2), M(3, 2))), Case("untake_", untake_, (M(2, 3), M(2, 2))),
    Case("untake_along_axis_", untake_along_axis_, (M(3, 1), M(3, 4))), Case("undiag_", undiag_, (M(3), M(4))),
    Case("undiagonal_", undiagonal_, (M(2, 3), M(2, 3, 4))),
    Case("linspace", linspace_, (M(), M())), Case("linspace", linspace_arrays, (M(3), M(2, 3))),
    Case("linspace", linspace_axis, (M(2), M(2, 1))),
    Case("logspace", logspace_, (I.unit(), I.unit()), also=("one_number_",)),
    Case("logspace", logspace_base, (I.unit(2), I.positive())),
    Case("geomspace", geomspace_, (I.positive(), I.positive())), Case("geomspace", geomspace_axis, (I.positive(3), I.positive(2, 3))),
    Case("gradient", gradient_, (M(5),)), Case("gradient", gradient_spacing, (M(6), I.positive()), also=("one_array_",)),
    Case("gradient", gradient_axis, (M(3, 4),)), Case("gradient", gradient_axes, (M(3, 4),)),
    Case("ungradient_", ungradient_, (M(5), M(5), I.positive())), Case("ungradient_", ungradient_axes, (M(3, 4), M(3, 4), M(3, 4))),
    Case("rollaxis", rollaxis_, (M(2, 3, 4),)), Case("rollaxis", rollaxis_start, (M(2, 3, 4),)),
    Case("partition", partition_, (M(3, 4),)), Case("partition", partition_flat, (M(2, 4),)),
    Case("np_append", append_, (M(2, 2), M(3))), Case("np_append", append_axis, (M(2, 3), M(2, 1))),
    Case("unappend_", unappend_, (M(3, 2), M(2, 2), M(1, 2))),
    Case("select", select_, (I.away(5), I.away(5))), Case("select", select_default, (I.away(4), M())),
    Case("unselect_", unselect_, (M(5), I.away(5))), Case("unselect_default_", unselect_default_, (M(5), I.away(5))),
    Case("atleast_1d", r_, (M(3), M()), also=("concatenate",)), Case("c_column_", c_, (M(3), M(3)), also=("concatenate",)),
    Case("c_column_", c_column_, (M(3),)), Case("c_column_", c_column_, (M(2, 3),)),
    Case("builtin_tuple", tuple_, (M(3),)), Case("builtin_list", list_, (M(2, 3),)),
    Case("stack", nested_array, (M(), M()), also=("array",)),
]
if hasattr(np, "row_stack"):
    CASES.append(Case("vstack", row_stack_, (M(3), M(2, 3)), label="row_stack"))


# -- scatter-add: repeats accumulate; masks and fancy indices ---------------------------------------


def sum_fancy(x):
    return np.sum(x[np.array([0, 0, 2, 0])] * np.array([1.0, 2.0, 3.0, 4.0]))


def test_repeated_fancy_indices_accumulate():
    np.testing.assert_array_equal(s2sad.grad(sum_fancy)(np.zeros(3)), [7.0, 0.0, 3.0])


def sum_masked(x):
    return np.sum(x[x > 1.0] ** 2)


def test_boolean_mask_gradient():
    np.testing.assert_array_equal(s2sad.grad(sum_masked)(np.array([0.5, 2.0, 3.0])), [0.0, 4.0, 6.0])


def sum_take(x):
    return np.sum(np.take(x, np.array([1, 1, 1])))


def test_take_with_repeats_accumulates():
    np.testing.assert_array_equal(s2sad.grad(sum_take)(np.zeros(3)), [0.0, 3.0, 0.0])


def sum_nested_array(a, b):
    return np.sum(np.array([[a, b], [b, a]]))


def test_nested_lists_in_np_array_are_a_stack_of_rows():
    assert s2sad.grad(sum_nested_array, wrt=(0, 1))(1.0, 2.0) == (2.0, 2.0)
    assert "np.stack([t1, t2])" in s2sad.source(sum_nested_array, "wengert")


def pad_reflect(x):
    return np.sum(np.pad(x, 1, mode="reflect"))


def test_pad_modes_other_than_constant_are_refused():
    with pytest.raises(ValueError, match="constant"):
        s2sad.grad(pad_reflect)(np.ones(3))


def sum_astype(x):
    return np.sum(x.astype(np.float32) * 2.0)


def sum_array_dtype(a, b):
    return np.sum(np.array([a, b], dtype=float) ** 2)


def test_dtype_arguments():
    text = s2sad.source(sum_astype, "wengert")
    assert "t1 = x.astype(np.float32)" in text
    g = s2sad.grad(sum_astype)(np.array([1.0, 2.0]))
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, [2.0, 2.0])
    assert s2sad.grad(sum_array_dtype, wrt=(0, 1))(1.0, 3.0) == (2.0, 6.0)
    assert "np.array([a, b], dtype=float)" in s2sad.source(sum_array_dtype, "wengert")

# The primitives of rules/extra.py and rules/scipy_linalg.py (issue 20), walked with these.
from test_numpy_gaps import CASES as _GAP_CASES  # noqa: E402

CASES += _GAP_CASES
