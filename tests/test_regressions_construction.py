"""Regressions (issue 20): constructors whose derivative was silently zero or refused wrongly, and
NumPy functions s2sad lacked.

- np.linspace/logspace/geomspace were non-differentiable: their derivative in start and stop was 0.
- np.repeat(x, 0, axis) failed in its adjoint (np.take of an empty axis).
- np.array([[a, b], [c, d]]) was refused, with no file and line.
- np.rollaxis, np.gradient, np.partition, np.append, np.select, np.r_[...], np.c_[...], np.row_stack
  and the builtins list()/tuple() of arrays had no rules (list() was even a silent zero).

Each case is checked against autograd on a reference written with autograd.numpy: reverse mode
with a random cotangent, forward mode against autograd's VJP (<J v, u> = <v, J^T u>), and the
Hessian where the output is a number.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")

R = np.random.default_rng(20)


def against_autograd(fn, ref, args, wrt=None, second_order=True, seed=0):
    """s2sad's vjp, jvp and (for a number out) Hessian of `fn` against autograd's of `ref`."""
    rng = np.random.default_rng(seed)
    wrt = tuple(range(len(args))) if wrt is None else wrt
    out = fn(*args)
    np.testing.assert_allclose(ref(*args), out, rtol=1e-12, atol=1e-12)
    cotangent = rng.standard_normal(np.shape(out)) if np.ndim(out) else float(rng.standard_normal())
    tangents = [rng.standard_normal(np.shape(a)) if np.ndim(a) else float(rng.standard_normal()) for a in args]

    def only(i):
        return lambda a: ref(*args[:i], a, *args[i + 1:])

    _, pullback = s2sad.vjp(fn, *args)
    grads = pullback(cotangent)
    grads = grads if isinstance(grads, tuple) else (grads,)
    _, jvp_out = s2sad.jvp(fn, tuple(args), tuple(t if i in wrt else np.zeros_like(t) for i, t in enumerate(tangents)))
    expected_inner = 0.0
    for i in wrt:
        adj = autograd.make_vjp(only(i))(args[i])[0](cotangent)
        np.testing.assert_allclose(grads[i], adj, rtol=1e-9, atol=1e-12, err_msg=f"reverse, argument {i}")
        expected_inner += np.sum(np.asarray(adj) * tangents[i])
    np.testing.assert_allclose(np.sum(np.asarray(jvp_out) * cotangent), expected_inner, rtol=1e-9, atol=1e-12, err_msg="forward")
    if second_order and np.ndim(out) == 0:
        for i in wrt:
            expected = autograd.hessian(only(i))(args[i])
            np.testing.assert_allclose(s2sad.hessian(fn, wrt=i)(*args), expected, rtol=1e-8, atol=1e-11, err_msg=f"Hessian, {i}")


# -- 1. linspace, logspace, geomspace: linear in the end points, not constant ----------------------


def linspace_scalars(a, b):
    return np.sum(np.sin(np.linspace(a, b, 7)))


def ref_linspace_scalars(a, b):
    return anp.sum(anp.sin(anp.linspace(a, b, 7)))


def linspace_arrays(a, b):
    return np.linspace(a, b, num=4, endpoint=False, axis=-1) ** 2


def ref_linspace_arrays(a, b):
    w = np.arange(4) / 4.0
    return (a[..., None] * (1 - w) + b[..., None] * w) ** 2


def linspace_axis0(a, b):
    return np.sum(np.linspace(a, b, 5, axis=0) * np.arange(15.0).reshape(5, 3))


def ref_linspace_axis0(a, b):
    w = np.linspace(0.0, 1.0, 5)[:, None]
    return anp.sum((a * (1 - w) + b * w) * np.arange(15.0).reshape(5, 3))


def linspace_one(a, b):
    return np.linspace(a, b, 1) * 3.0


def ref_linspace_one(a, b):
    return anp.reshape(a + 0.0 * b, (1,)) * 3.0


def logspace_(a, b, base):
    return np.sum(np.logspace(a, b, 5, base=base) ** 2)


def ref_logspace(a, b, base):
    return anp.sum((base ** anp.linspace(a, b, 5)) ** 2)


def geomspace_(a, b):
    return np.geomspace(a, b, 5, axis=1) * 2.0


def ref_geomspace(a, b):
    w = np.linspace(0.0, 1.0, 5)
    return a[:, None] * (b[:, None] / a[:, None]) ** w * 2.0


def geomspace_sum(a, b):
    return np.sum(np.cos(np.geomspace(a, b, 4, endpoint=False)))


def ref_geomspace_sum(a, b):
    return anp.sum(anp.cos(a * (b / a) ** (np.arange(4) / 4.0)))


@pytest.mark.filterwarnings("ignore:Output seems independent of input")  # autograd, on the Hessian of a linear function
@pytest.mark.parametrize("fn, ref, args", [
    (linspace_scalars, ref_linspace_scalars, (0.3, 1.9)),
    (linspace_arrays, ref_linspace_arrays, (R.normal(size=3), R.normal(size=(2, 3)))),
    (linspace_axis0, ref_linspace_axis0, (R.normal(size=3), 0.5)),
    (linspace_one, ref_linspace_one, (0.7, 1.1)),
    (logspace_, ref_logspace, (0.2, 0.9, 2.5)),
    (geomspace_, ref_geomspace, (np.array([1.5, -2.0]), np.array([3.0, -0.5]))),
    (geomspace_sum, ref_geomspace_sum, (0.6, 2.2)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_linspace_family_depends_on_its_end_points(fn, ref, args):
    against_autograd(fn, ref, args)


def linspace_retstep(a):
    xs, step = np.linspace(a, 2.0, 5, retstep=True)
    return np.sum(xs) * step


def test_linspace_retstep_is_refused_at_the_line():
    for run in (lambda: s2sad.grad(linspace_retstep)(0.5), lambda: s2sad.jvp(linspace_retstep, (0.5,), (1.0,))):
        with pytest.raises(s2sad.S2SADError, match="retstep=False") as info:
            run()
        assert info.value.lineno is not None and "test_regressions_construction" in info.value.filename


# -- 2. np.repeat with zero repeats ------------------------------------------------------------------


def repeat_zero(x):
    return np.sum(np.repeat(x, 0, axis=1)) + np.sum(x ** 2)


def ref_repeat_zero(x):
    return anp.sum(x ** 2) + 0.0


def repeat_zero_flat(x):
    return np.repeat(x, 0)


def test_repeat_zero_times_has_a_zero_adjoint():
    against_autograd(repeat_zero, ref_repeat_zero, (R.normal(size=(2, 3)),))
    _, pullback = s2sad.vjp(repeat_zero_flat, R.normal(size=(2, 3)))
    np.testing.assert_array_equal(pullback(np.zeros(0))[0], np.zeros((2, 3)))


# -- 3. nested lists in np.array ----------------------------------------------------------------------


def nested_scalars(a, b):
    return np.sum(np.array([[a, b], [b * a, 2.0]]) ** 3)


def ref_nested_scalars(a, b):
    return anp.sum(anp.array([[a, b], [b * a, 2.0]]) ** 3)


def nested_rows(x, y):
    return np.asarray([[x, y], [y, 2.0 * x]], dtype=float) ** 2


def ref_nested_rows(x, y):
    return anp.array([[x, y], [y, 2.0 * x]]) ** 2


def nested_deep(a, b):
    return np.array([[[a], [b]], [[b], [a * a]]]) * 1.5


def ref_nested_deep(a, b):
    return anp.array([[[a], [b]], [[b], [a * a]]]) * 1.5


@pytest.mark.parametrize("fn, ref, args", [
    (nested_scalars, ref_nested_scalars, (0.4, -1.3)),
    (nested_rows, ref_nested_rows, (R.normal(size=3), R.normal(size=3))),
    (nested_deep, ref_nested_deep, (0.4, -1.3)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_nested_lists_in_np_array(fn, ref, args):
    against_autograd(fn, ref, args)


def test_nested_array_reads_as_a_stack_of_rows():
    text = s2sad.source(nested_scalars, "wengert")
    assert "np.stack([t1, t3])" in text and "np.array([a, b])" in text


# -- 4. functions s2sad lacked ------------------------------------------------------------------------


def rollaxis_(x):
    return np.rollaxis(x, 2, 1) ** 2


def ref_rollaxis(x):
    return anp.rollaxis(x, 2, 1) ** 2


def rollaxis_end(x):
    return np.sum(np.rollaxis(x, 0, 3) * np.arange(24.0).reshape(3, 4, 2))


def ref_rollaxis_end(x):
    return anp.sum(anp.rollaxis(x, 0, 3) * np.arange(24.0).reshape(3, 4, 2))


def gradient_1d(f):
    return np.gradient(f, 0.5) ** 2


def ref_gradient_1d(f):
    return (anp.concatenate([f[1:2] - f[:1], (f[2:] - f[:-2]) / 2.0, f[-1:] - f[-2:-1]]) / 0.5) ** 2


def gradient_axis(f):
    return np.sum(np.sin(np.gradient(f, axis=1)))


def ref_gradient_axis(f):
    return anp.sum(anp.sin(anp.gradient(f, axis=1)))


def gradient_spacing(f, h):
    return np.sum(np.gradient(f, h) ** 2)


def ref_gradient_spacing(f, h):
    d = anp.concatenate([f[1:2] - f[:1], (f[2:] - f[:-2]) / 2.0, f[-1:] - f[-2:-1]])
    return anp.sum((d / h) ** 2)


def gradient_edge2(f):
    return np.gradient(f, 0.3, edge_order=2)


def ref_gradient_edge2(f):
    first = (-1.5 * f[0] + 2.0 * f[1] - 0.5 * f[2]) / 0.3
    last = (0.5 * f[-3] - 2.0 * f[-2] + 1.5 * f[-1]) / 0.3
    return anp.concatenate([anp.reshape(first, (1,)), (f[2:] - f[:-2]) / 0.6, anp.reshape(last, (1,))])


def partition_(x):
    return np.partition(x, 2) ** 2


PARTITION_X = R.normal(size=(3, 5))
# where each element of np.partition(PARTITION_X, 2) came from (autograd differentiates 1-D partitions only)
PARTITION_ORDER = np.array([[list(row).index(v) for v in part] for row, part in zip(PARTITION_X, np.partition(PARTITION_X, 2))])


def ref_partition(x):
    return x[np.arange(3)[:, None], PARTITION_ORDER] ** 2


def partition_flat(x):
    return np.sum(np.partition(x, 3, axis=None)[:4] ** 2)


def ref_partition_flat(x):
    return anp.sum(anp.sort(anp.ravel(x))[:4] ** 2)


def append_flat(x, v):
    return np.append(x, v) ** 2


def ref_append_flat(x, v):
    return anp.concatenate([anp.ravel(x), anp.ravel(v)]) ** 2


def append_axis(x, v):
    return np.sum(np.cos(np.append(x, v, axis=0)))


def ref_append_axis(x, v):
    return anp.sum(anp.cos(anp.concatenate([x, v], axis=0)))


def select_(x, y):
    return np.select([x > 0, x < -0.5], [x * y, y ** 2], 0.25 * x) ** 2


def ref_select(x, y):
    return anp.where(x > 0, x * y, anp.where(x < -0.5, y ** 2, 0.25 * x)) ** 2


def select_default(x, d):
    return np.sum(np.select([x > 0], [x ** 2], d) ** 2)


def ref_select_default(x, d):
    return anp.sum(anp.where(x > 0, x ** 2, d + 0.0 * x) ** 2)


def select_shared_choices(x, y):
    choices = [x * y, y]
    a = np.select([x > 0, x < -1.0], choices, 0.1)
    b = np.select([x < 0.5, x > 1.0], choices, 0.2)
    return a * b + choices[0]


def ref_select_shared_choices(x, y):
    a = anp.where(x > 0, x * y, anp.where(x < -1.0, y, 0.1))
    b = anp.where(x < 0.5, x * y, anp.where(x > 1.0, y, 0.2))
    return a * b + x * y


def r_(x, a):
    return np.r_[x, a, 0:2, 2.0] ** 2


def ref_r_(x, a):
    return anp.concatenate([x, anp.reshape(a, (1,)), np.array([0.0, 1.0, 2.0])]) ** 2


def c_(x, y):
    return np.c_[x, y * x] ** 2


def ref_c_(x, y):
    return anp.stack([x, y * x], axis=1) ** 2


def row_stack_(a, b):
    return np.sum(np.sin(np.row_stack([a, b])))  # noqa: NPY201 -- the deprecated name is the point


def ref_row_stack(a, b):
    return anp.sum(anp.sin(anp.concatenate([anp.reshape(a, (1, 3)), b])))


def tuple_of_array(x):
    a, b = tuple(x)
    return a * b ** 2


def ref_tuple_of_array(x):
    return x[0] * x[1] ** 2


def list_of_array(x):
    rows = list(x)
    return np.sum(rows[0] * rows[1] ** 2)


def ref_list_of_array(x):
    return anp.sum(x[0] * x[1] ** 2)


def list_of_tuple(a, b):
    xs = list((a, b))
    return xs[0] * xs[1] ** 2


def ref_list_of_tuple(a, b):
    return a * b ** 2


CASES_4 = [
    (rollaxis_, ref_rollaxis, (R.normal(size=(2, 3, 4)),)),
    (rollaxis_end, ref_rollaxis_end, (R.normal(size=(2, 3, 4)),)),
    (gradient_1d, ref_gradient_1d, (R.normal(size=6),)),
    (gradient_axis, ref_gradient_axis, (R.normal(size=(3, 5)),)),
    (gradient_spacing, ref_gradient_spacing, (R.normal(size=5), 0.7)),
    (gradient_edge2, ref_gradient_edge2, (R.normal(size=6),)),
    (partition_, ref_partition, (PARTITION_X,)),
    (partition_flat, ref_partition_flat, (R.normal(size=(2, 4)),)),
    (append_flat, ref_append_flat, (R.normal(size=(2, 2)), R.normal(size=3))),
    (append_axis, ref_append_axis, (R.normal(size=(2, 3)), R.normal(size=(1, 3)))),
    (select_, ref_select, (R.normal(size=6), R.normal(size=6))),
    (select_default, ref_select_default, (R.normal(size=6), 0.8)),
    (select_shared_choices, ref_select_shared_choices, (R.normal(size=6), R.normal(size=6))),
    (r_, ref_r_, (R.normal(size=3), 0.7)),
    (c_, ref_c_, (R.normal(size=3), R.normal(size=3))),
    (tuple_of_array, ref_tuple_of_array, (R.normal(size=2),)),
    (list_of_array, ref_list_of_array, (R.normal(size=(2, 3)),)),
    (list_of_tuple, ref_list_of_tuple, (0.6, -1.1)),
]
if hasattr(np, "row_stack"):
    CASES_4.append((row_stack_, ref_row_stack, (R.normal(size=3), R.normal(size=(2, 3)))))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@pytest.mark.parametrize("fn, ref, args", CASES_4, ids=lambda v: getattr(v, "__name__", ""))
def test_functions_real_code_calls(fn, ref, args):
    against_autograd(fn, ref, args)


def test_list_of_an_array_is_not_a_silent_zero():
    np.testing.assert_allclose(s2sad.grad(list_of_array)(np.array([[1.0, 2.0], [3.0, 4.0]])), [[9.0, 16.0], [6.0, 16.0]])


def r_directive(x):
    return np.sum(np.r_["0,2", x, x])


def gradient_two_spacings(f):
    gx, gy = np.gradient(f, 0.5, 0.25)
    return np.sum(gx * gy)


def gradient_coordinates(f, xs):
    return np.sum(np.gradient(f, xs) ** 2)


def dict_of_numbers(a, b):
    d = dict(p=a, q=b)
    return d["p"] * d["q"]


def test_dict_call_is_read_as_its_display():
    # dict(p=a, q=b) was refused; desugar.py now reads it as {"p": a, "q": b}, one variable per entry
    assert s2sad.grad(dict_of_numbers, wrt=(0, 1))(1.0, 2.0) == (2.0, 1.0)


@pytest.mark.parametrize("fn, args, message", [
    (r_directive, (np.ones(2),), "string directive"),
    (gradient_two_spacings, (np.ones((3, 3)),), "one spacing"),
    (gradient_coordinates, (np.ones(4), np.array([0.0, 1.0, 3.0, 4.0])), "uniform spacing"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_what_is_refused_is_refused_at_the_line(fn, args, message):
    with pytest.raises(s2sad.S2SADError, match=message) as info:
        s2sad.grad(fn)(*args)
    assert info.value.lineno is not None and "test_regressions_construction" in info.value.filename


def linspace_int_dtype(a):
    return np.sum(np.linspace(a, 10.0, 4, dtype=int) * 1.0)


def test_linspace_with_an_integer_dtype_is_refused_not_wrong():
    with pytest.raises(s2sad.S2SADError, match="float dtype"):
        s2sad.grad(linspace_int_dtype)(0.5)
