"""`explain`: each source line next to its Wengert, tangent and adjoint statements (golden text)."""
from __future__ import annotations

import os

import numpy as np
import pytest

import s2sad
from s2sad.teach.cli import main
import lecture
import views_loop

HERE = os.path.dirname(os.path.abspath(__file__))
LECTURE = os.path.join(HERE, "lecture.py")
ARGS = (0.7, -0.2, 1.5, 1.0)

LECTURE_TABLE = '''\
loss, differentiated with respect to w, b. The adjoint runs backwards: read its column from the bottom up.

line | source                    | Wengert list          | tangent (forward mode)                  | adjoint (reverse mode)
-----+---------------------------+-----------------------+-----------------------------------------+-----------------------
5    | def loss(w, b, x, t):     | def loss(w, b, x, t): | def loss_jvp(w, b, x, t, w_dot, b_dot): | def loss_vjp(w, b, x, t, loss_bar=1.0):
     |                           |                       |                                         |     return (w_bar, b_bar)
-----+---------------------------+-----------------------+-----------------------------------------+-----------------------
6    | z = w * x + b             | t1 = w * x            | t1_dot = w_dot * x                      | w_bar = t1_bar * x
     |                           | z = t1 + b            | z_dot = t1_dot + b_dot                  | b_bar = z_bar
     |                           |                       |                                         | t1_bar = z_bar
-----+---------------------------+-----------------------+-----------------------------------------+-----------------------
7    | y = 1 / (1 + np.exp(-z))  | t2 = -z               | t2_dot = -z_dot                         | z_bar = -t2_bar
     |                           | t3 = np.exp(t2)       | t3_dot = t2_dot * t3                    | t2_bar = t3_bar * t3
     |                           | t4 = 1 + t3           | t4_dot = t3_dot                         | t3_bar = t4_bar
     |                           | y = 1 / t4            | y_dot = -t4_dot / t4 ** 2               | t4_bar = -y_bar / t4 ** 2
-----+---------------------------+-----------------------+-----------------------------------------+-----------------------
8    | return 0.5 * (y - t) ** 2 | t5 = y - t            | t5_dot = y_dot                          | y_bar = t5_bar
     |                           | t6 = t5 ** 2          | t6_dot = t5_dot * 2 * t5                | t5_bar = t6_bar * 2 * t5
     |                           | loss = 0.5 * t6       | loss_dot = 0.5 * t6_dot                 | t6_bar = 0.5 * loss_bar
     |                           | return loss           | return (loss, loss_dot)                 |
'''

LOOP_TABLE = '''\
damped_sum, differentiated with respect to x.

line | source                       | Wengert list               | tangent (forward mode)
-----+------------------------------+----------------------------+-----------------------
5    | def damped_sum(x, n):        | def damped_sum(x, n):      | def damped_sum_jvp(x, n, x_dot):
-----+------------------------------+----------------------------+-----------------------
6    | total = 0.0                  | total = 0.0                | total_dot = np.zeros_like(total)
-----+------------------------------+----------------------------+-----------------------
7    | term = x                     | term = x                   | term_dot = x_dot
-----+------------------------------+----------------------------+-----------------------
8    | for k in range(n):           | for k in range(n):         | for k in range(n):
-----+------------------------------+----------------------------+-----------------------
9    |     if term > 1.0:           |     t1 = term > 1.0        |     if t1:
     |                              |     if t1:                 |
-----+------------------------------+----------------------------+-----------------------
10   |         term = np.sqrt(term) |         t2 = np.sqrt(term) |         t2_dot = term_dot / (2 * t2)
     |                              |         term = t2          |         term_dot = t2_dot
-----+------------------------------+----------------------------+-----------------------
11   |     total = total + term     |     t3 = total + term      |     t3_dot = total_dot + term_dot
     |                              |     total = t3             |     total_dot = t3_dot
-----+------------------------------+----------------------------+-----------------------
12   |     term = term * x          |     t4 = term * x          |     t4_dot = term_dot * x + term * x_dot
     |                              |     term = t4              |     term_dot = t4_dot
-----+------------------------------+----------------------------+-----------------------
13   | return total                 | return total               | return (total, total_dot)
'''


def test_lecture_example_golden():
    assert str(s2sad.explain(lecture.loss, wrt=("w", "b"), args=ARGS)) == LECTURE_TABLE


def test_groups_follow_source_lines():
    table = s2sad.explain(lecture.loss, wrt=("w", "b"), args=ARGS)
    assert [g.line for g in table.groups] == [5, 6, 7, 8]
    assert table.groups[2].source == ["y = 1 / (1 + np.exp(-z))"]
    assert table.groups[2].cells["wengert"] == ["t2 = -z", "t3 = np.exp(t2)", "t4 = 1 + t3", "y = 1 / t4"]


def test_adjoint_column_read_bottom_up_is_the_backward_sweep():
    table = s2sad.explain(lecture.loss, wrt=("w", "b"), args=ARGS)
    column = [line for g in table.groups[1:] for line in g.cells["adjoint"]]
    text = s2sad.source(lecture.loss, "reverse", wrt=("w", "b"), args=ARGS)
    sweep = [ln.strip() for ln in text.split("# backward sweep\n")[1].splitlines() if ln.strip() and "return" not in ln]
    assert column[::-1] == sweep


def test_columns_can_be_chosen_and_generic_code_shows_unbroadcast():
    table = s2sad.explain(lecture.loss, wrt="w", columns=("wengert", "adjoint"))
    assert table.header == ["line", "source", "Wengert list", "adjoint (reverse mode)"]
    assert "w_bar = unbroadcast(t1_bar * x, w)" in str(table)
    with pytest.raises(ValueError, match="columns"):
        s2sad.explain(lecture.loss, columns=("sideways",))


def test_decorated_function_explains_itself():
    @s2sad.differentiate(wrt=("w", "b"))
    def loss(w, b, x, t):
        z = w * x + b
        return z ** 2

    text = str(loss.explain(args=ARGS))
    assert "differentiated with respect to w, b" in text
    assert "z = w * x + b" in text and "b_bar = z_bar" in text


def test_multiline_statement_and_unused_input():
    def f(x, y, unused):
        z = (x *
             y)
        return z

    table = s2sad.explain(f, wrt=(0, 2), args=(1.0, 2.0, 3.0))
    assert table.groups[1].source == ["z = (x *", "     y)"]
    assert "unused_bar = 0.0" in table.groups[0].cells["adjoint"][1]  # a number: no zeros_like


def test_cli_explain(capsys):
    assert main(["explain", f"{LECTURE}:loss", "--wrt", "w,b", "--args", *map(str, ARGS), "--no-color"]) == 0
    assert capsys.readouterr().out == LECTURE_TABLE
    assert main(["explain", f"{LECTURE}:loss", "--columns", "adjoint"]) == 0
    out = capsys.readouterr().out
    assert "adjoint (reverse mode)" in out and "Wengert list" not in out
    assert main(["explain", f"{LECTURE}:loss", "--columns", "nope"]) == 2


def test_loop_golden_nested_blocks():
    table = s2sad.explain(views_loop.damped_sum, args=(1.5, 4), columns=("wengert", "tangent"))
    assert str(table) == LOOP_TABLE


def test_loop_adjoint_is_a_reversed_loop_with_nested_blocks():
    table = s2sad.explain(views_loop.damped_sum, args=(1.5, 4))
    cells = {g.line: g.cells.get("adjoint", []) for g in table.groups}
    assert "The backward sweep visits the groups from the last to the first." in table.caption()
    assert "for k in reversed(range(n)):" in cells[8]
    assert "    if t1:" in cells[9]  # the branch, one level into the loop
    assert "        term_bar = t2_bar / (2 * t2)" in cells[10]  # its body, two levels in
    assert "    x_bar = x_bar + term * t4_bar" in cells[12]
    assert any("bookkeeping" in c for c in cells[5])  # the stack pushes of the forward sweep are counted, not shown
    assert cells[5][-1] == "    return x_bar"


def test_if_elif_else_rows():
    def piecewise(x):
        if x < 0:
            y = x * x
        elif x < 1:
            y = np.sin(x)
        else:
            y = 2 * x - 1
        return y

    table = s2sad.explain(piecewise, args=(0.5,))
    sources = [g.source[0].strip() for g in table.groups]
    assert sources == ["def piecewise(x):", "if x < 0:", "y = x * x", "elif x < 1:", "y = np.sin(x)", "else:", "y = 2 * x - 1", "return y"]
    elif_row, else_row = table.groups[3], table.groups[5]
    assert elif_row.cells["wengert"] == ["else:", "    t2 = x < 1", "    if t2:"]
    assert else_row.cells["wengert"] == ["    else:"]
    assert table.groups[6].cells["tangent"] == ["        t3_dot = 2 * x_dot", "        y_dot = t3_dot"]
