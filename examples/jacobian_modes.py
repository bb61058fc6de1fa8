"""Forward passes give the Jacobian's columns, reverse passes give its rows.

The lecture's example  f(x1, x2) = (x1 x2 + sin x1, e^(x1 - x2))  has the Jacobian

    [ x2 + cos x1    x1          ]
    [ e^(x1 - x2)   -e^(x1 - x2) ]

Forward mode seeds the input tangents: (x1_dot, x2_dot) = (1, 0) gives the
first column, (0, 1) the second, so an n-input function takes n passes.
Reverse mode seeds the output adjoints: (y1_bar, y2_bar) = (1, 0) gives the
first row, (0, 1) the second, so an m-output function takes m passes. The
homework function  f(x1, x2, x3) = (x1 x2 + x1 x3, ln(x1 + x2))  needs three
forward passes but only two reverse passes.
"""
import numpy as np

import s2sad


def f(x1, x2):
    y1 = x1 * x2 + np.sin(x1)
    y2 = np.exp(x1 - x2)
    return y1, y2


def f_jacobian(x1, x2):
    e = np.exp(x1 - x2)
    return np.array([[x2 + np.cos(x1), x1], [e, -e]])


def homework(x1, x2, x3):
    y1 = x1 * x2 + x1 * x3
    y2 = np.log(x1 + x2)
    return y1, y2


def homework_jacobian(x1, x2, x3):
    s = 1 / (x1 + x2)
    return np.array([[x2 + x3, x1, x1], [s, s, 0.0]])


def columns_by_forward_mode(fn, args):
    """One forward pass per input: seed that input's tangent with 1, the others with 0."""
    n = len(args)
    columns = []
    for j in range(n):
        seed = tuple(1.0 if k == j else 0.0 for k in range(n))
        _, tangent = s2sad.jvp(fn, args, seed)
        columns.append(tangent)
        print(f"  forward pass {j + 1}: seed {seed} -> column {j + 1} = {fmt(tangent)}")
    return np.array(columns).T


def rows_by_reverse_mode(fn, args, m):
    """One reverse pass per output: seed that output's adjoint with 1, the others with 0."""
    _, pullback = s2sad.vjp(fn, *args)
    rows = []
    for i in range(m):
        seed = tuple(1.0 if k == i else 0.0 for k in range(m))
        row = pullback(seed)
        rows.append(row)
        print(f"  reverse pass {i + 1}: seed {seed} -> row {i + 1} = {fmt(row)}")
    return np.array(rows)


def fmt(values):
    return "(" + ", ".join(f"{float(v):+.6f}" for v in values) + ")"


def study(name, fn, args, closed_form, m):
    print(f"== {name} at {args} ==\n")
    print("The tangent program (forward mode) carries one direction x_dot through the Wengert list:\n")
    print(s2sad.source(fn, "forward", wrt=tuple(range(len(args))), args=args))
    print("The adjoint program (reverse mode) carries one output weighting y_bar back through it:\n")
    print(s2sad.source(fn, "reverse", wrt=tuple(range(len(args))), args=args))
    print(f"{len(args)} forward passes, one per input, give the columns:")
    by_columns = columns_by_forward_mode(fn, args)
    print(f"{m} reverse passes, one per output, give the rows:")
    by_rows = rows_by_reverse_mode(fn, args, m)
    want = closed_form(*args)
    print("\nJacobian, closed form:\n" + np.array2string(want, precision=6))
    np.testing.assert_allclose(by_columns, want, rtol=1e-12)
    np.testing.assert_allclose(by_rows, want, rtol=1e-12)
    jac = np.array(s2sad.jacobian(fn, wrt=tuple(range(len(args))))(*args))
    np.testing.assert_allclose(jac, want, rtol=1e-12)
    print("forward columns, reverse rows and s2sad.jacobian all agree with it\n")


def main() -> None:
    study("f(x1, x2) = (x1 x2 + sin x1, e^(x1 - x2))", f, (1.0, 2.0), f_jacobian, 2)
    print("The first forward pass, value by value (s2sad.trace, mode='forward'):\n")
    print(s2sad.trace(f, (1.0, 2.0), wrt=(0, 1), mode="forward", tangents=(1.0, 0.0)))
    print("The first reverse pass, value by value (s2sad.trace with seed (1, 0)):\n")
    print(s2sad.trace(f, (1.0, 2.0), wrt=(0, 1), seed=(1.0, 0.0)))
    study("homework: f(x1, x2, x3) = (x1 x2 + x1 x3, ln(x1 + x2))", homework, (1.0, 2.0, 3.0), homework_jacobian, 2)


if __name__ == "__main__":
    main()
