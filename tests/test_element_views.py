"""`row = A[i]`: a number when A is a vector, a view of a row when A is a matrix.

Lowering cannot tell the two apart, so where NumPy's view semantics would make the
function differ from its derivative (a store into A read through `row`, `row += e`,
`A *= c` under `row`), the generated code checks at run time: a number passes, a view
is refused with the user's line. Before these checks the matrix cases were silently
wrong (the gradient of `sum(row * x)` after `A[0] = 3 * x` was [7, 4] for [6, 12]).
"""
import re

import numpy as np
import pytest

import s2sad

from conftest import central_difference

X = np.array([1.0, 2.0, -0.5])


# -- matrices: a row view that an update changes is refused where it is read ---------------------


def read_after_store(x):
    A = np.outer(x, x)
    row = A[0]
    A[0] = x * 3.0
    return np.sum(row * x)


def swap_rows(x):
    A = np.outer(x, x)
    tmp = A[0]
    A[0] = A[1]
    A[1] = tmp  # NumPy: both rows are now A[1] (tmp saw the first store)
    return np.sum(A * x[:, None] ** 2)


def update_row(x):
    A = np.outer(x, x)
    row = A[1]
    row *= 2.0
    return np.sum(A * x)


def scale_under_row(x):
    A = np.outer(x, x)
    row = A[1]
    A *= 2.0
    return np.sum(row * x)


def loop_rows(x):
    A = np.outer(x, x)
    total = 0.0
    for row in A:
        A[0] = x
        total = total + np.sum(row * x)
    return total


def carried_row(x):
    A = np.outer(x, x)
    prev = A[0]
    total = 0.0
    for i in range(3):
        total = total + np.sum(prev * x)
        prev = A[i]
        A[i] = x * 2.0
    return total


@pytest.mark.parametrize("fn,line,name", [
    (read_after_store, "return np.sum(row * x)", "row"),
    (swap_rows, "A[1] = tmp", "tmp"),
    (scale_under_row, "return np.sum(row * x)", "row"),
    (loop_rows, "total = total + np.sum(row * x)", "row"),
    (carried_row, "total = total + np.sum(prev * x)", "prev"),
])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_row_view_changed_by_a_store_is_refused_at_its_read(fn, line, name, mode):
    with pytest.raises(s2sad.UnsupportedSyntaxError, match=f"'{name}' is a view into an array that the update of 'A' on line") as info:
        if mode == "grad":
            s2sad.grad(fn)(X)
        else:
            s2sad.jvp(fn, (X,), (np.ones(3),))
    assert info.value.filename.endswith("test_element_views.py")
    assert line in open(__file__).read().splitlines()[info.value.lineno - 1]


def test_a_row_view_updated_in_place_is_refused():
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="augmented assignment to 'row' updates its array in place") as info:
        s2sad.grad(update_row)(X)
    assert "row *= 2.0" in open(__file__).read().splitlines()[info.value.lineno - 1]


def test_the_refusal_happens_before_a_wrong_number_and_the_fix_it_names_works():
    with pytest.raises(s2sad.UnsupportedSyntaxError, match=r"make 'row' a copy where it is taken \(\.copy\(\)\)"):
        s2sad.grad(read_after_store)(X)
    g = s2sad.grad(read_after_store_copied)(X)
    np.testing.assert_allclose(g, central_difference(read_after_store_copied, (X,), 0), rtol=1e-7)


def read_after_store_copied(x):
    A = np.outer(x, x)
    row = A[0].copy()
    A[0] = x * 3.0
    return np.sum(row * x)


# -- vectors: the same code reads numbers, which no store changes: accepted, and right -----------


def swap_items(x):
    y = x * x
    tmp = y[0]
    y[0] = y[2]
    y[2] = tmp
    return np.sum(y * np.arange(1.0, 4.0))


def read_item_after_store(x):
    y = np.sin(x)
    first = y[0]
    y[0] = 3.0 * x[1]
    y *= 2.0
    return first * np.sum(y)


def update_item(x):
    y = np.exp(x)
    v = y[1]
    v *= 3.0
    return v + np.sum(y)


def carried_item(x):
    y = x * 1.5
    prev = y[0]
    total = 0.0
    for i in range(3):
        total = total + prev * x[i]
        prev = y[i]
        y[i] = prev * prev
    return total + np.sum(y)


def list_of_arrays(x):
    hs = [x, x * 2.0]
    h = hs[0]
    hs[1] = h * 3.0
    return np.sum(h * hs[1])


def list_of_views(x):
    hs = [x[0:2], x[1:3]]
    h = hs[0]  # a view of the argument, but the list's item: a store into the list leaves it alone
    hs[1] = h * 3.0
    return np.sum(h * hs[1])


@pytest.mark.parametrize("fn", [swap_items, read_item_after_store, update_item, carried_item, list_of_arrays, list_of_views])
def test_numbers_read_through_an_index_are_accepted_and_differentiated(fn):
    g = s2sad.grad(fn)(X)
    np.testing.assert_allclose(g, central_difference(fn, (X,), 0), rtol=1e-6, atol=1e-9)
    v = np.array([0.3, -1.0, 0.7])
    _, tangent = s2sad.jvp(fn, (X,), (v,))
    np.testing.assert_allclose(tangent, g @ v, rtol=1e-9)


def test_checks_are_only_where_a_store_follows():
    text = s2sad.source(carried_item)
    assert "not_a_view(prev, 'prev', \"the update of 'y' on line" in text
    assert text.count("not_a_view(") == 1
    assert "not_a_view" not in s2sad.source(carried_item_no_store)  # the loop's tentative check is dropped
    assert "unshared" not in s2sad.source(carried_item_no_store)
    assert "not_a_view" not in s2sad.source(list_of_views)  # an item of a list is never a view of it


def carried_item_no_store(x):
    y = x * 1.5
    prev = y[0]
    total = 0.0
    for i in range(3):
        total = total + prev * x[i]
        prev = y[i]
    return total


def scalar_items(a, b):
    y = np.array([a, b])
    first = y[0]
    y[0] = b * b
    return first * y[0]


def test_an_array_of_scalar_parameters_passes_its_check():
    assert "_ = not_a_view(first, 'first'" in s2sad.source(scalar_items, "grad", args=(2.0, 3.0))
    assert s2sad.grad(scalar_items, (0, 1))(2.0, 3.0) == (9.0, 12.0)


def test_exported_code_checks_without_s2sad(tmp_path):
    from test_export import run_hidden

    path = tmp_path / "views.py"
    s2sad.export(read_after_store, modes=("reverse",), path=str(path))
    calls = """
try:
    mod.read_after_store_vjp(np.array([1.0, 2.0, -0.5]))
except ValueError as exc:
    out["error"] = str(exc)
"""
    got = run_hidden(path, calls, tmp_path)
    assert re.match(r"test_element_views\.py:\d+: 'row' is a view into an array", got["error"]), got["error"]


# -- random programs: refused or right, and never refused on a vector ----------------------------

_STEPS = ("A[{j}] = x[{j}] * 2.0", "A *= 1.5", "v += x[1]", "v = A[{j}]", "t = t + np.sum(v * x)",
          "A = A * 1.1", "t = t + np.sum(A[{j}] * v)")


def _random_program(rng: np.random.Generator, matrix: bool) -> str:
    lines = ["import numpy as np", "", "", "def f(x):",
             "    A = np.outer(x, x) + 0.5" if matrix else "    A = x * 1.5 + 0.5",
             f"    v = A[{rng.integers(3)}]", "    t = 0.0"]
    for _ in range(rng.integers(2, 7)):
        if rng.random() < 0.25:
            lines.append("    for i in range(2):")
            lines += ["        " + rng.choice(_STEPS).format(j=rng.integers(3)) for _ in range(rng.integers(1, 4))]
        else:
            lines.append("    " + rng.choice(_STEPS).format(j=rng.integers(3)))
    lines.append("    return t + np.sum(v * x) + np.sum(A * x[0])")
    return "\n".join(lines) + "\n"


def test_random_programs_are_refused_or_right(tmp_path):
    from program_files import load_module

    rng = np.random.default_rng(20261201)
    x, u = np.array([0.7, -1.2, 0.4]), np.array([0.3, -1.0, 0.7])
    refused = {True: 0, False: 0}
    for k in range(120):
        matrix = bool(k % 2)
        text = _random_program(rng, matrix)
        f = load_module(tmp_path, text, f"element_views_{k}").f
        try:
            g = s2sad.grad(f)(x)
            _, tangent = s2sad.jvp(f, (x,), (u,))
        except s2sad.UnsupportedSyntaxError:
            assert matrix, f"a vector program was refused:\n{text}"
            with pytest.raises(s2sad.UnsupportedSyntaxError):  # both modes agree on the refusal
                s2sad.jvp(f, (x,), (u,))
            refused[matrix] += 1
            continue
        np.testing.assert_allclose(g, central_difference(f, (x,), 0), rtol=1e-6, atol=1e-8, err_msg=text)
        np.testing.assert_allclose(tangent, g @ u, rtol=1e-9, atol=1e-12, err_msg=text)
    assert 5 <= refused[True] <= 55, refused  # the draw exercises both outcomes on matrices


def test_known_vector_layouts_drop_the_checks_of_items():
    # Given the arguments (what s2sad.grad runs), `y` is known to be a vector, so `y[0]` is a number,
    # a copy: the check goes, and the docstring says what the code was specialised to.
    for fn in (swap_items, read_item_after_store, carried_item):
        assert "not_a_view" in s2sad.source(fn, "grad")  # the arguments unknown: the check stays
        text = s2sad.source(fn, "grad", args=(X,))
        assert "not_a_view" not in text and "Specialised to arrays shaped x (*,)" in text
        np.testing.assert_allclose(s2sad.grad(fn)(X), central_difference(fn, (X,), 0), rtol=1e-6, atol=1e-9)
    # A matrix gets code of its own, which keeps the check, and the check refuses the row view.
    assert "not_a_view" in s2sad.source(read_item_after_store, "grad", args=(np.ones((3, 2)),))
    with pytest.raises(s2sad.UnsupportedSyntaxError):
        s2sad.grad(read_item_after_store)(np.ones((3, 2)))
