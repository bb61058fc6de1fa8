"""`trace`: every forward value and adjoint in execution order; NaN/inf and warnings found by line."""
from __future__ import annotations

import math
import os

import numpy as np
import pytest

import s2sad
from s2sad.teach.cli import main
import divide_by_zero
import lecture

HERE = os.path.dirname(os.path.abspath(__file__))
LECTURE = os.path.join(HERE, "lecture.py")
ARGS = (0.7, -0.2, 1.5, 1.0)


def test_forward_values_are_the_lecture_numbers():
    tr = s2sad.trace(lecture.loss, ARGS, wrt=("w", "b"))
    w, b, x, t = ARGS
    fwd = tr.values("forward")
    assert list(fwd) == ["t1", "z", "t2", "t3", "t4", "y", "t5", "t6", "loss"]
    z = w * x + b
    y = 1 / (1 + math.exp(-z))
    assert fwd["t1"] == pytest.approx(w * x)
    assert fwd["z"] == pytest.approx(z)
    assert fwd["y"] == pytest.approx(y)
    assert fwd["loss"] == pytest.approx(lecture.loss(*ARGS))
    assert tr.value == pytest.approx(lecture.loss(*ARGS))


def test_adjoints_give_the_gradient():
    tr = s2sad.trace(lecture.loss, ARGS, wrt=("w", "b"))
    dw, db = s2sad.grad(lecture.loss, wrt=("w", "b"))(*ARGS)
    assert tr.derivatives == {"w_bar": pytest.approx(dw), "b_bar": pytest.approx(db)}
    back = tr.values("backward")
    assert list(back)[0] == "loss_bar" and back["loss_bar"] == 1.0
    y = tr["y"]
    assert back["z_bar"] == pytest.approx((y - 1.0) * y * (1 - y))


def test_records_carry_source_lines_in_execution_order():
    tr = s2sad.trace(lecture.loss, ARGS, wrt=("w", "b"))
    phases = [r.phase for r in tr.records]
    assert phases == sorted(phases, key=["input", "forward", "backward"].index)
    lines = [r.line for r in tr.records if r.phase == "forward"]
    assert lines == sorted(lines) and set(lines) == {6, 7, 8}
    assert [r.line for r in tr.records if r.phase == "backward"][-1] == 6


def test_forward_mode_trace_gives_the_directional_derivative():
    tr = s2sad.trace(lecture.loss, ARGS, wrt=("w", "b"), mode="forward", tangents=(1.0, 0.0))
    dw, _ = s2sad.grad(lecture.loss, wrt=("w", "b"))(*ARGS)
    assert tr.derivatives == {"loss_dot": pytest.approx(dw)}
    assert [r.phase for r in tr.records].count("tangent") == 9


def test_text_shows_both_passes():
    text = str(s2sad.trace(lecture.loss, ARGS, wrt=("w", "b")))
    assert "# forward pass" in text and "# backward pass" in text
    assert "t1 = w * x                | 1.05" in text
    assert "w_bar = t1_bar * x        | -0.0942193" in text


def test_divide_by_zero_on_line_3_is_found():
    x = y = np.float64(2.0)
    tr = s2sad.trace(divide_by_zero.spread, (x, y), wrt=(0, 1))
    bad = tr.first_nonfinite
    assert (bad.name, bad.line, bad.phase) == ("r", 3, "forward")
    assert np.isinf(bad.value)
    assert (3, "divide by zero encountered", "forward") in tr.warnings
    back = tr.first_nonfinite_in("backward")
    assert tr.origin(back) is bad  # the backward NaN/inf came from line 3
    text = str(tr)
    assert "first inf in the forward pass: r = x / d    # line 3: r = x / d" in text
    assert "which the forward pass made    # line 3: r = x / d" in text
    assert "warning in the forward pass: divide by zero encountered    # line 3: r = x / d" in text


def test_python_float_zero_division_is_reported_at_its_line():
    tr = s2sad.trace(divide_by_zero.spread, (2.0, 2.0))
    assert tr.error_line == 3 and "ZeroDivisionError" in tr.error
    assert "error on line 3" in str(tr)


def test_arrays_are_traced_and_summarised():
    w = np.linspace(-1, 1, 20)
    tr = s2sad.trace(lecture.loss, (w, -0.2, 1.5, 1.0), wrt=("w", "b"))
    y = 1 / (1 + np.exp(-(w * 1.5 - 0.2)))
    z_bar = (y - 1.0) * y * (1 - y)  # the loss is a vector: the seed is ones
    np.testing.assert_allclose(tr.derivatives["w_bar"], z_bar * 1.5)
    assert tr.derivatives["b_bar"] == pytest.approx(z_bar.sum())
    assert "array(20,) min" in str(tr)


def test_vector_output_is_seeded_with_ones():
    def f(x):
        return np.sin(x) * 2.0

    x = np.array([0.1, 0.2, 0.3])
    tr = s2sad.trace(f, (x,))
    np.testing.assert_allclose(tr.derivatives["x_bar"], 2 * np.cos(x))


def test_decorated_function_traces_itself():
    @s2sad.differentiate(wrt="x")
    def cube(x):
        return x ** 3

    tr = cube.trace(2.0)
    assert tr.derivatives == {"x_bar": pytest.approx(12.0)}


def test_cli_trace(capsys):
    assert main(["trace", f"{LECTURE}:loss", "--wrt", "w,b", "--args", *map(str, ARGS), "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "value: 0.04483    derivatives: w_bar = -0.0942193, b_bar = -0.0628129" in out
    path = os.path.join(HERE, "divide_by_zero.py")
    assert main(["trace", f"{path}:spread", "--args", "2.0", "2.0"]) == 1
    assert "error on line 3: ZeroDivisionError" in capsys.readouterr().out
    assert main(["trace", f"{path}:spread"]) == 2
    assert "trace needs --args" in capsys.readouterr().err
    assert main(["trace", f"{path}:spread", "--args", "1.0"]) == 1
    err = capsys.readouterr().err
    assert "cannot call spread: missing a required argument: 'y'" in err and "Traceback" not in err


def test_loop_iterations_are_numbered_and_values_match():
    import views_loop

    tr = s2sad.trace(views_loop.damped_sum, (1.5, 4))
    assert tr.derivatives["x_bar"] == pytest.approx(s2sad.grad(views_loop.damped_sum)(1.5, 4))
    assert tr.value == pytest.approx(views_loop.damped_sum(1.5, 4))
    totals = [r.value for r in tr.records if r.phase == "forward" and r.name == "total" and r.iteration]
    want, term = [], 1.5
    for _ in range(4):  # the loop by hand
        term = np.sqrt(term) if term > 1.0 else term
        want.append((want[-1] if want else 0.0) + term)
        term = term * 1.5
    assert totals == pytest.approx(want)
    forward_iterations = [r.iteration for r in tr.records if r.phase == "forward" and r.name == "total" and r.iteration]
    assert forward_iterations == [((8, k),) for k in range(4)]
    text = str(tr)
    assert "# iteration 0 of the loop on line 8: k = 0" in text
    assert "# iteration 0 of the loop on line 8: k = 3" in text  # the backward sweep runs the loop in reverse


def test_max_iterations_truncates_long_loops():
    import views_loop

    tr = s2sad.trace(views_loop.damped_sum, (1.01, 50), max_iterations=3)
    text = str(tr)
    assert "# iteration 2 of the loop on line 8: k = 2" in text
    assert "iteration 3 of the loop" not in text
    assert "... 47 more iterations of `for k in range(n):` not shown (50 in all)" in text
    assert "... 47 more iterations of `for k in reversed(range(n)):` not shown (50 in all)" in text
    assert tr.derivatives["x_bar"] == pytest.approx(s2sad.grad(views_loop.damped_sum)(1.01, 50))
    assert sum(1 for r in tr.records if r.hidden) > 0


def test_nonfinite_values_in_hidden_iterations_are_still_shown():
    def blows_up(x, n):
        for k in range(n):
            x = x * 1e100
        return x

    tr = s2sad.trace(blows_up, (np.float64(1.0), 10), max_iterations=1)
    bad = tr.first_nonfinite
    assert bad.iteration == ((bad.line - 1, 3),) and not bad.hidden  # 1e400 overflows in iteration 3
    assert "<- first inf" in str(tr)
    assert any("overflow" in message for _, message, _ in tr.warnings)


def test_cli_trace_max_iterations(capsys):
    path = os.path.join(HERE, "views_loop.py")
    assert main(["trace", f"{path}:damped_sum", "--args", "1.5", "6", "--max-iterations", "2"]) == 0
    out = capsys.readouterr().out
    assert "4 more iterations of `for k in range(n):` not shown (6 in all)" in out
    assert main(["trace", f"{path}:damped_sum", "--args", "1.5", "6", "--max-iterations", "-1"]) == 2
