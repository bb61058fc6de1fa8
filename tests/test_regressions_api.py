"""Regressions of the API boundary (issues 20 and 25): each test failed before its fix.

Programs are written to temporary .py files, because s2sad reads source from files.
"""
from __future__ import annotations

import os
import sys
import traceback

import numpy as np
import pytest

import s2sad
from s2sad.api import arguments
from s2sad.driver import pipeline
from s2sad.teach.cli import main

from program_files import load_source

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # test_bad_input's helpers


PROGRAMS = """\
import numpy as np

SCALE = 2.0


def pair(x, y):
    return np.sum(x[0] * y) + x[1] ** 2


def scaled(x, n):
    return x * n


def by_key(d):
    return d["a"] * 2.0


def pieces(x):
    return np.split(x, [1])


def halves(x):
    return np.array_split(x, 2)


def rows(x):
    return np.vsplit(x, [1])


def squares(x):
    return np.sum(x * x)


def weighted(w, d):
    return np.sum(w * d)


def transposed(w, d):
    return np.sum(w * d.T)


def identity(x):
    return x


def half_squares(x):
    return 0.5 * np.sum(x * x)


def product(x, y):
    return np.sum(x * y)


def helper(x):
    return np.sin(x) * SCALE


def inner(x):
    return helper(x) ** 2


def uses_helpers(x):
    return np.sum(inner(x) + helper(x))


class Model:
    def __init__(self):
        self.d = np.ones(2)

    def loss(self, w):
        return np.sum(w * w * self.d)
"""


@pytest.fixture
def m(tmp_path):
    return load_source(tmp_path, PROGRAMS, "regressions_api")


def line_of(module, text: str) -> int:
    with open(module.__file__) as f:
        return next(i for i, line in enumerate(f, 1) if text in line)


# -- 20.6: jvp of a tuple or list argument -----------------------------------------------------------


@pytest.mark.parametrize("kind", [tuple, list])
def test_jvp_differentiates_tuple_and_list_arguments_like_grad(m, kind):
    x, y = kind([1.5, 2.0]), 3.0
    tx, ty = kind([0.3, -0.7]), 0.25
    out, tangent = s2sad.jvp(m.pair, (x, y), (tx, ty))
    assert out == pytest.approx(m.pair(x, y))
    gx, gy = s2sad.grad(m.pair, wrt=(0, 1))(x, y)
    assert tangent == pytest.approx(np.dot(gx, np.asarray(tx)) + gy * ty)
    assert tangent != 0.0  # (it was 0: the tuple counted as a constant)


def test_jvp_refuses_to_drop_a_nonzero_tangent_of_an_int(m):
    assert s2sad.jvp(m.scaled, (2.0, 3), (1.0, 0)) == (6.0, 3.0)
    with pytest.raises(s2sad.InputError, match="argument 'n' is an int") as info:
        s2sad.jvp(m.scaled, (2.0, 3), (1.0, 1.0))
    assert info.value.filename == m.__file__ and info.value.lineno == line_of(m, "def scaled")
    with pytest.raises(s2sad.InputError, match="argument 'x' is a list without floats"):
        s2sad.jvp(m.pair, ([1, 2], 3.0), ([1, 0], 0.0))


# -- 20.8: vjp of a ragged list output ----------------------------------------------------------------


@pytest.mark.parametrize("name,x,cotangent,expected", [
    ("pieces", np.arange(3.0), [np.array([1.0]), np.array([2.0, 3.0])], [1.0, 2.0, 3.0]),
    ("halves", np.arange(3.0), [np.array([1.0, 2.0]), np.array([3.0])], [1.0, 2.0, 3.0]),
    ("rows", np.zeros((3, 2)), [np.ones((1, 2)), 2 * np.ones((2, 2))], [[1.0, 1.0], [2.0, 2.0], [2.0, 2.0]]),
])
def test_vjp_of_a_ragged_list_output_takes_a_list_cotangent(m, name, x, cotangent, expected):
    out, pullback = s2sad.vjp(getattr(m, name), x)
    assert [np.shape(o) for o in out] == [np.shape(c) for c in cotangent]
    (g,) = pullback(cotangent)
    np.testing.assert_allclose(g, expected)


def test_vjp_of_a_ragged_list_output_says_what_cotangent_it_needs(m):
    _, pullback = s2sad.vjp(m.pieces, np.arange(3.0))
    with pytest.raises(s2sad.ShapeError, match="list of 2 arrays of different shapes"):
        pullback(np.ones(3))
    with pytest.raises(s2sad.ShapeError, match=r"shape \(2,\), but the output has shape \(1,\)"):
        pullback([np.ones(2), np.ones(2)])


# -- 20.10: a dict argument ---------------------------------------------------------------------------


def test_a_dict_argument_is_differentiated_key_by_key(m):
    # Once refused at the def line; now a pytree (issue 22): the gradient is a dict with the same keys.
    assert s2sad.grad(m.by_key)({"a": 1.0}) == {"a": 2.0}
    value, pullback = s2sad.vjp(m.by_key, {"a": 1.0})
    assert value == 2.0 and pullback(1.0) == ({"a": 2.0},)
    assert s2sad.jvp(m.by_key, ({"a": 1.0},), ({"a": 1.0},)) == (2.0, 2.0)


def test_a_dict_leaf_that_cannot_be_differentiated_is_named_by_its_path(m):
    line = line_of(m, "def by_key")
    with pytest.raises(s2sad.InputError, match=r'd\["a"\] is an array of dtype object') as info:
        s2sad.grad(m.by_key)({"a": np.array([None, 1.0], dtype=object)})
    assert info.value.filename == m.__file__ and info.value.lineno == line, str(info.value)


# -- 20: a checkout in a folder named s2sad ------------------------------------------------------------


def test_internal_frames_are_the_package_directory_not_any_path_named_s2sad():
    from test_bad_input import internal

    package = os.path.dirname(os.path.realpath(s2sad.__file__))
    assert internal(os.path.join(package, "driver", "pipeline.py"))
    assert not internal(os.path.join(package, "api", "transforms.py"))
    # `git clone` of the repository gives a folder named s2sad: its tests are not s2sad's internals
    assert not internal(os.path.join(os.sep, "tmp", "clone", "s2sad", "tests", "test_x.py"))
    assert not internal(os.path.join(os.sep, "home", "s2sad", "project", "model.py"))


# -- 20: `s2sad show` is ready to paste ---------------------------------------------------------------


def test_show_of_a_function_calling_helpers_runs_on_its_own(m, capsys):
    assert main(["show", f"{m.__file__}:uses_helpers", "--no-color"]) == 0
    text = capsys.readouterr().out
    assert "def helper_vjp(" in text and "def inner_vjp(" in text and "SCALE = 2.0" in text
    namespace: dict = {}
    exec(compile(text, "<shown>", "exec"), namespace)  # a fresh namespace: nothing of the module
    x = np.array([0.3, -1.2, 2.0])
    np.testing.assert_allclose(namespace["uses_helpers_vjp"](x), s2sad.grad(m.uses_helpers)(x), rtol=1e-12)


def test_source_standalone_is_what_show_prints_and_plain_source_is_unchanged(m):
    plain = s2sad.source(m.squares)
    assert s2sad.source(m.squares, standalone=True) == plain  # nothing to add
    assert "def helper_vjp(" not in s2sad.source(m.uses_helpers)
    assert "def helper_vjp(" in s2sad.source(m.uses_helpers, standalone=True)


# -- 25.4: integer and bool inputs are differentiated as float64 ----------------------------------------


def test_integer_inputs_are_float64_before_differentiating(m):
    x8 = np.array([100], np.int8)
    g = s2sad.grad(m.squares)(x8)
    assert g.tolist() == [200.0] and g.dtype == np.float64  # (was -56: int8 arithmetic overflowed)
    value, g = s2sad.value_and_grad(m.squares)(x8)
    assert value == 10000.0 and g.tolist() == [200.0]
    assert s2sad.grad(m.squares)(np.array([300], np.int16)).tolist() == [600.0]
    assert s2sad.grad(m.squares)(np.array([True, False])).tolist() == [2.0, 0.0]
    assert s2sad.grad(m.squares)(np.int8(100)) == 200.0
    assert s2sad.vjp(m.squares, x8)[1](1.0)[0].tolist() == [200.0]
    big = np.array([100, 120], np.int8)
    for mode in ("reverse", "forward"):
        np.testing.assert_array_equal(s2sad.jacobian(m.squares, mode=mode)(big), [200.0, 240.0])
    np.testing.assert_array_equal(s2sad.hessian(m.half_squares)(big), np.eye(2))


# -- 25.6: a derivative never aliases an input ----------------------------------------------------------


def test_grad_never_hands_back_the_callers_array(m):
    w, d = np.ones(3), np.array([1.0, 2.0, 3.0])
    g = s2sad.grad(m.weighted)(w, d)
    assert g is not d and not np.shares_memory(g, d)
    g *= 0.1
    assert d.tolist() == [1.0, 2.0, 3.0]
    _, g = s2sad.value_and_grad(m.weighted)(w, d)
    assert not np.shares_memory(g, d)
    gw, gd = s2sad.grad(m.weighted, wrt=(0, 1))(w, d)
    assert not np.shares_memory(gw, d) and not np.shares_memory(gd, w)
    A = np.arange(4.0).reshape(2, 2)
    g = s2sad.grad(m.transposed)(np.ones((2, 2)), A)  # w_bar = d.T: a view of the caller's array
    assert not np.shares_memory(g, A)
    np.testing.assert_array_equal(g, A.T)


def test_vjp_jvp_and_hvp_never_hand_back_an_input(m):
    w, d = np.ones(3), np.array([1.0, 2.0, 3.0])
    (g,) = s2sad.vjp(m.weighted, w, d)[1](1.0)[:1]
    assert not np.shares_memory(g, d)
    c = np.array([1.0, 2.0])
    (g,) = s2sad.vjp(m.identity, np.zeros(2))[1](c)
    assert not np.shares_memory(g, c)
    v = np.array([1.0, 2.0])
    _, t = s2sad.jvp(m.identity, (np.zeros(2),), (v,))
    assert not np.shares_memory(t, v)
    for _ in range(2):  # the first call and the cheap path
        h = s2sad.hvp(m.half_squares, (np.zeros(2),), v)
        assert not np.shares_memory(h, v) and h.tolist() == [1.0, 2.0]


def test_copies_are_decided_when_the_code_is_generated(m):
    # Only code that may return an input gets a copy; the common case does no per-call work.
    x = np.ones(3)
    lean = pipeline.derive(m.squares, "reverse", ("x",), frozenset(), "grad")
    assert arguments.alias_flags(lean, 1) == (False,)
    layouts = arguments.array_layouts(m.weighted, (x, x), {})  # as grad specialises: `w_bar = d`
    aliased = pipeline.derive(m.weighted, "reverse", ("w",), frozenset(), "grad", layouts)
    assert arguments.alias_flags(aliased, 1) == (True,)
    both = pipeline.derive(m.weighted, "reverse", ("w", "d"), frozenset(), "grad", layouts)
    assert arguments.alias_flags(both, 2) == (True, True)
    valued = pipeline.derive(m.weighted, "reverse", ("w", "d"), frozenset(), "value_and_grad", layouts)
    assert arguments.alias_flags(valued, 2, valued=True) == (False, False)  # w_bar = wd_bar * d: a new array
    generic = pipeline.derive(m.weighted, "reverse", ("w",), frozenset(), "grad")  # unbroadcast(t1_bar * d, w)
    assert arguments.alias_flags(generic, 1) == (False,)
    assert s2sad.grad(m.squares)(x).tolist() == [2.0, 2.0, 2.0]


# -- 25.8: arguments whose shapes do not fit together ------------------------------------------------


@pytest.mark.parametrize("wrt", [0, (0, 1)])
def test_mismatched_shapes_raise_numpys_error_at_the_users_line(m, wrt):
    with pytest.raises(ValueError, match="could not be broadcast together") as info:
        s2sad.grad(m.product, wrt=wrt)(np.ones(3), np.ones(4))
    last = traceback.extract_tb(info.value.__traceback__)[-1]
    assert last.filename == m.__file__ and last.lineno == line_of(m, "return np.sum(x * y)")
    assert "broadcast_to" not in str(info.value) and "remapped" not in str(info.value)


# -- 25.9: messages that said the wrong thing ----------------------------------------------------------


def test_a_bound_method_is_differentiated_with_its_attributes_read_at_call_time(m):
    # Once refused ("Model.loss is a bound method"); now (issue 22) self.d is a constant read per call.
    model = m.Model()
    w = np.array([1.0, -2.0])
    np.testing.assert_allclose(s2sad.grad(model.loss)(w), 2 * w)
    model.d = np.array([3.0, 0.5])
    np.testing.assert_allclose(s2sad.grad(model.loss)(w), 2 * w * model.d)


def test_a_deleted_source_file_is_said_to_be_missing(tmp_path):
    mod = load_source(tmp_path, "import numpy as np\n\n\ndef f(x):\n    return np.sum(x * x)\n", "deleted_source")
    os.remove(mod.__file__)
    import linecache

    linecache.checkcache(mod.__file__)
    with pytest.raises(s2sad.SourceUnavailableError, match="is missing") as info:
        s2sad.grad(mod.f)(np.ones(2))
    assert "REPL" not in str(info.value) and info.value.filename == mod.__file__
