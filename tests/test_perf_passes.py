"""The adjoint cleanup passes: golden before/after text, and the same derivatives with each pass off and on.

- `broadcasts` (s2sad/passes/broadcasts.py): slices that keep as many elements share a shape,
  so the `unbroadcast` between them goes;
- `scalar_adjoints` (s2sad/passes/scalar_adjoints.py): the adjoint of a whole-array sum stays a
  number while elementwise code can use it as one;
- `accumulate` (s2sad/passes/accumulate.py): a slice's adjoint is added in place, `x_bar[1:] += g`.

Speed is never asserted here; `python -m benchmarks.run` measures what each pass buys.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad.passes import settings as optimize

PASSES = ("broadcasts", "scalar_adjoints", "accumulate", "liveness", "cse", "fold", "inplace", "tangent_only", "tangent_stores")


def rosenbrock(x):
    a = x[1:] - x[:-1] ** 2
    return np.sum(100.0 * a ** 2 + (1.0 - x[:-1]) ** 2)


def backward(fn, args, wrt=0, **settings):
    """The backward sweep of `fn`'s adjoint under `settings`."""
    with optimize.settings(**settings):
        return s2sad.source(fn, wrt=wrt, args=args).split("    # backward sweep\n")[1]


X = np.linspace(-1.0, 1.5, 6)

# -- golden text ------------------------------------------------------------------------

BROADCASTS_BEFORE = '''\
    t9_bar = unsum(rosenbrock_bar, t9)
    t5_bar = unbroadcast(t9_bar, t5)
    t8_bar = unbroadcast(t9_bar, t8)
    t7_bar = t8_bar * 2 * t7
    t6_bar = -t7_bar
    x_bar = scatter_add(t6_bar, x, np.s_[:-1])
    t4_bar = 100.0 * t5_bar
    a_bar = t4_bar * 2 * a
    t1_bar = unbroadcast(a_bar, t1)
    t3_bar = unbroadcast(-a_bar, t3)
    t2_bar = t3_bar * 2 * t2
    x_bar = x_bar + scatter_add(t2_bar, x, np.s_[:-1])
    x_bar = x_bar + scatter_add(t1_bar, x, np.s_[1:])
    return x_bar
'''

BROADCASTS_AFTER = '''\
    t9_bar = unsum(rosenbrock_bar, t9)
    t5_bar = t9_bar
    t8_bar = t9_bar
    t7_bar = t8_bar * 2 * t7
    t6_bar = -t7_bar
    x_bar = scatter_add(t6_bar, x, np.s_[:-1])
    t4_bar = 100.0 * t5_bar
    a_bar = t4_bar * 2 * a
    t1_bar = a_bar
    t3_bar = -a_bar
    t2_bar = t3_bar * 2 * t2
    x_bar = x_bar + scatter_add(t2_bar, x, np.s_[:-1])
    x_bar = x_bar + scatter_add(t1_bar, x, np.s_[1:])
    return x_bar
'''

SCALAR_AFTER = BROADCASTS_AFTER.replace("t9_bar = unsum(rosenbrock_bar, t9)", "t9_bar = rosenbrock_bar")

ACCUMULATE_AFTER = SCALAR_AFTER.replace(
    "x_bar = x_bar + scatter_add(t2_bar, x, np.s_[:-1])", "x_bar[:-1] += t2_bar"
).replace("x_bar = x_bar + scatter_add(t1_bar, x, np.s_[1:])", "x_bar[1:] += t1_bar")


def test_golden_broadcasts():
    off = dict(scalar_adjoints=False, accumulate=False)
    assert backward(rosenbrock, (X,), broadcasts=False, **off) == BROADCASTS_BEFORE
    assert backward(rosenbrock, (X,), broadcasts=True, **off) == BROADCASTS_AFTER


def test_golden_scalar_adjoints():
    assert backward(rosenbrock, (X,), scalar_adjoints=False, accumulate=False) == BROADCASTS_AFTER
    assert backward(rosenbrock, (X,), scalar_adjoints=True, accumulate=False) == SCALAR_AFTER


def test_golden_accumulate():
    assert backward(rosenbrock, (X,), accumulate=False) == SCALAR_AFTER
    assert backward(rosenbrock, (X,), accumulate=True) == ACCUMULATE_AFTER
    assert backward(rosenbrock, (X,)) == ACCUMULATE_AFTER  # all three are on by default


# -- where the passes must not apply ------------------------------------------------------


def edges(x):
    # A slice keeping all but one element, and one keeping all but two: different shapes.
    return np.sum(x[1:] * x[:-1]) + np.sum(x[2:] ** 2) + np.sum(x[:-2])


def split_pieces(x):
    # Integer indices into a list: pieces of different widths, which share no shape.
    a, b, c = np.array_split(x, 3, axis=1)
    return np.sum(a * 2.0 + c)


def list_argument(x):
    return np.sum(np.square(x))


def sum_of_product(W, v):
    return np.sum(W @ v)


def slices(x):
    return np.sum(x[1:] + x[:-1]) + np.sum(x[2:] + x[:-2] + x[1:-1]) + np.sum(x[:] + x[::2].sum())


def summed_then_matmul(W, v):
    h = np.tanh(W @ v)
    return np.sum(h)


def fancy_index(x, idx):
    return np.sum(x[idx] ** 2) + np.sum(x[1:] * 3.0)


def loop_slices(x, n):
    s = 0.0
    for i in range(n):
        s = s + np.sum(x[1:] * x[:-1])
        x = x * 0.9
    return s


def mean_of_slice(x):
    return np.mean(x[1:] - x[:-1])


def test_slices_share_a_shape_only_when_they_keep_as_many_elements():
    import ast

    from s2sad.passes import broadcasts
    from s2sad.driver import pipeline
    from s2sad.ir.emit import expr_ast
    from s2sad.ir import Assign

    ir = pipeline.generate(slices, "reverse", ("x",))
    split = broadcasts.backward_start(ir.body)
    env, refined = broadcasts.facts(ir, split)
    assert refined
    names = {ast.unparse(expr_ast(s.value)): s.target for s in ir.body[:split] if isinstance(s, Assign)}

    def shape(text):
        return env[names[text]]

    assert shape("x[1:]") == shape("x[:-1]")
    assert shape("x[2:]") == shape("x[:-2]") == shape("x[1:-1]")
    assert shape("x[2:]") != shape("x[1:]")
    assert shape("x[:]") == env["x"]
    assert shape("x[::2]") not in (shape("x[1:]"), shape("x[2:]"), env["x"])


def test_list_pieces_are_not_one_shape():
    # a and c are pieces of np.array_split of different widths: c's adjoint must still be summed.
    text = backward(split_pieces, (np.arange(10.0).reshape(2, 5),))
    assert "c_bar = unbroadcast(t3_bar, c)" in text


def test_a_list_argument_keeps_its_spread_seed():
    # 2.0 * [1.0, 2.0] would fail: a number meets a list only as an array.
    assert "t1_bar = unsum(list_argument_bar, t1)" in backward(list_argument, ([1.0, 2.0],))
    np.testing.assert_allclose(s2sad.grad(list_argument)([1.0, 2.0]), [2.0, 4.0])


def sum_of_squares(x):
    return np.sum(x ** 2)


def sum_of_doubles(x, w):
    return np.sum(x * 2 * w)


def test_a_parameter_the_forward_sweep_used_as_no_list_can_be_meets_the_number():
    # `x ** 2` would have raised on a list, so x is an array or a number when the backward sweep runs:
    # the sum's adjoint stays the number, and the "grad" variant reads as one writes it.
    assert "t1_bar = sum_of_squares_bar\n" in backward(sum_of_squares, (X,))
    assert "    x_bar = 2.0 * x\n    return x_bar\n" in s2sad.source(sum_of_squares, "grad", args=(X,))
    np.testing.assert_allclose(s2sad.grad(sum_of_squares)(X), 2 * X)
    # `x * 2` repeats a list rather than raising, and `t1 * w` proves nothing about w: the seed stays spread ...
    assert "unsum(sum_of_doubles_bar, " in backward(sum_of_doubles, (X, X), layouts=False)
    # ... unless the arguments' layouts show w is an array with no axis of length one: then `t2_bar * w`
    # has t1's shape anyway (scalar_adjoints.py, `_Layouts.decides`)
    text = backward(sum_of_doubles, (X, X))
    assert text.startswith("    t2_bar = sum_of_doubles_bar\n    t1_bar = t2_bar * w\n"), text
    full = s2sad.source(sum_of_doubles, args=(X, X))
    assert "unsum" not in full and "Specialised to arrays shaped x (*,), w (*,)" in full  # it says what it relied on
    np.testing.assert_allclose(s2sad.grad(sum_of_doubles)(X, X), 2 * X)
    assert "unsum(sum_of_doubles_bar, " in backward(sum_of_doubles, (X, X[:1]))  # w of length one: (6,) * (1,)


def test_the_operations_counted_as_proof_do_raise_on_lists():
    from s2sad.ir import Const, Var
    from s2sad.passes.scalar_adjoints import _fails_on_a_sequence

    ops = {"power": lambda a, b: a ** b, "subtract": lambda a, b: a - b, "divide": lambda a, b: a / b,
           "multiply": lambda a, b: a * b, "add": lambda a, b: a + b, "floor_divide": lambda a, b: a // b,
           "remainder": lambda a, b: a % b}
    x = Var("x")
    for prim, op in ops.items():
        for other in (Const(2), Const(2.0), x):
            value = [1.0, 2.0] if other is x else other.value
            for left, right in (([1.0, 2.0], value), (value, [1.0, 2.0])):
                try:
                    op(left, right)
                    raised = False
                except TypeError:
                    raised = True
                if _fails_on_a_sequence(prim, x, other):
                    assert raised, (prim, left, right)


def test_a_number_never_reaches_a_matrix_product():
    assert "t1_bar = unsum(sum_of_product_bar, t1)" in backward(sum_of_product, (np.eye(3), np.ones(3)))
    # ... but it may meet arrays on its way there: h_bar stays a number, t1_bar is an array.
    text = backward(summed_then_matmul, (np.eye(3), np.ones(3)))
    assert "h_bar = summed_then_matmul_bar\n    t1_bar = h_bar * (1 - h ** 2)\n" in text


def test_fancy_indices_are_not_updated_in_place():
    text = backward(fancy_index, (X, np.array([0, 2, 2])))
    assert "x_bar = x_bar + scatter_add(t1_bar, x, idx)" in text  # idx may repeat an element
    assert "x_bar = scatter_add(t4_bar, x, np.s_[1:])" in text


def test_loops_start_with_nothing_owned():
    loop = backward(loop_slices, (X, 3)).split("for i in reversed")[1]
    # x_bar comes from the previous iteration: the first slice contribution makes a new array,
    # the second one may then be added in place.
    assert "x_bar = x_bar + scatter_add(t2_bar, x, np.s_[:-1])" in loop
    assert "x_bar[1:] += t1_bar" in loop


def test_emit_prints_an_in_place_accumulation():
    from s2sad.ir.emit import to_source
    from s2sad.ir import Assign, Const, Function, Op, Param, Return, Slice, Var

    index = Slice(Const(1), None, None)
    for prim, op in (("add", "+="), ("subtract", "-=")):
        update = Op(prim, (Op("getitem", (Var("y"), index)), Var("g")))
        fn = Function("f", [Param("y"), Param("g")], [Assign("y", Op("setitem", (Var("y"), index, update))), Return(Var("y"))])
        assert f"    y[1:] {op} g\n" in to_source(fn)


# -- the same derivatives, every pass off and on ---------------------------------------------

CASES = [
    (rosenbrock, (X,), 0),
    (edges, (X,), 0),
    (split_pieces, (np.linspace(-1, 1, 10).reshape(2, 5),), 0),
    (list_argument, (np.linspace(-1, 1, 4),), 0),
    (summed_then_matmul, (np.linspace(-1, 1, 9).reshape(3, 3), np.linspace(0.5, 1.5, 3)), (0, 1)),
    (sum_of_product, (np.linspace(-1, 1, 9).reshape(3, 3), np.linspace(0.5, 1.5, 3)), (0, 1)),
    (slices, (X,), 0),
    (fancy_index, (X, np.array([0, 2, 2])), 0),
    (loop_slices, (X, 3), 0),
    (mean_of_slice, (X,), 0),
]


def _grads(fn, args, wrt):
    g = s2sad.grad(fn, wrt)(*args)
    return [np.asarray(x, dtype=float) for x in (g if isinstance(g, tuple) else (g,))]


@pytest.mark.parametrize("fn,args,wrt", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_every_pass_gives_the_same_gradient(fn, args, wrt):
    with optimize.settings(**{p: False for p in PASSES}):
        want = _grads(fn, args, wrt)
    for p in PASSES:
        with optimize.settings(**{q: q == p for q in PASSES}):
            got = _grads(fn, args, wrt)
        for a, b in zip(got, want):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14, err_msg=p)
    got = _grads(fn, args, wrt)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    s2sad.check_grads(fn, args)


def test_forward_over_the_cleaned_adjoint():
    # hvp and hessian read the generated adjoint back, `x_bar[1:] += g` included.
    v = np.linspace(0.5, -0.5, X.size)
    with optimize.settings(**{p: False for p in PASSES}):
        want = s2sad.hvp(rosenbrock, (X,), v), s2sad.hessian(rosenbrock)(X)
    got = s2sad.hvp(rosenbrock, (X,), v), s2sad.hessian(rosenbrock)(X)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-12)


def test_float32_stays_float32():
    x = X.astype(np.float32)
    g = s2sad.grad(rosenbrock)(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, s2sad.grad(rosenbrock)(X), rtol=1e-5)


def test_the_gradient_is_a_fresh_writeable_array():
    g = s2sad.grad(rosenbrock)(X)
    assert g.flags.writeable and g.shape == X.shape
    g[:] = 0.0  # the caller owns it
    assert np.any(s2sad.grad(rosenbrock)(X) != 0.0)
