"""The chain-rule examples of the deep-learning lecture, differentiated by s2sad.

1. g(f(X, h(Z, W))) with g(K) = K^2, f(X, Y) = X Y, h(Z, W) = Z + W:
   D_W = 2 X^2 (Z + W) = 40 at (X, Z, W) = (2, 2, 3).
2. Z = x1^3 x2 on a vector X = (x1, x2): D_X Z = (3 x1^2 x2, x1^3) = (36, 8) at (2, 3).
3. f(x, y) = x (x + y)^2: x is used twice, so its adjoint collects two terms.
4. g(X) = f(X, 2X): when an input splits, the derivatives add up,
   D g = D_X f + 2 D_Y f. Here f(X, Y) = X sin(Y).
5. g(f(x)) with f(x) = x^4, g(y) = sqrt(y): D = D[f](x) D[g](f(x)) = 4x^3 / (2x^2) = 2x.

For each, the script prints the source lines next to their Wengert list and
adjoint statements (`s2sad.explain`), checks s2sad's gradient against the
closed form, and for two of them prints every value (`s2sad.trace`).
"""
import numpy as np

import s2sad


def composed(x, z, w):
    y = z + w  # h(Z, W)
    k = x * y  # f(X, Y)
    return k ** 2  # g(K)


def cube_times(x):
    return x[0] ** 3 * x[1]


def x_times_square(x, y):
    return x * (x + y) ** 2


def reused(x):
    y = 2 * x
    return x * np.sin(y)  # f(X, Y) = X sin(Y) at Y = 2X


def sqrt_of_fourth(x):
    y = x ** 4  # f(x)
    return np.sqrt(y)  # g(y)


EXAMPLES = [
    # title, function, wrt, arguments, closed form of the gradient, show the trace
    ("1. D_W g(f(X, h(Z, W))) = 2 X^2 (Z + W) = 40 at (2, 2, 3)", composed, "w", (2.0, 2.0, 3.0),
     lambda x, z, w: 2 * x ** 2 * (z + w), True),
    ("2. D_X (x1^3 x2) = (3 x1^2 x2, x1^3) = (36, 8) at (2, 3)", cube_times, "x", (np.array([2.0, 3.0]),),
     lambda x: np.array([3 * x[0] ** 2 * x[1], x[0] ** 3]), False),
    ("3. D (x (x + y)^2) = ((x + y)^2 + 2x(x + y), 2x(x + y)) = (15, 6) at (1, 2)", x_times_square, ("x", "y"), (1.0, 2.0),
     lambda x, y: ((x + y) ** 2 + 2 * x * (x + y), 2 * x * (x + y)), False),
    ("4. D f(X, 2X) = D_X f + 2 D_Y f = sin(2X) + 2X cos(2X) at X = 0.5", reused, "x", (0.5,),
     lambda x: np.sin(2 * x) + 2 * x * np.cos(2 * x), True),
    ("5. D sqrt(x^4) = 4x^3 / (2 sqrt(x^4)) = 2x = 6 at x = 3", sqrt_of_fourth, "x", (3.0,),
     lambda x: 4 * x ** 3 / (2 * np.sqrt(x ** 4)), False),
]


def main() -> None:
    for title, fn, wrt, args, closed_form, show_trace in EXAMPLES:
        print(f"== {title} ==\n")
        print(s2sad.explain(fn, wrt=wrt, args=args, columns=("wengert", "adjoint")))
        grad = s2sad.grad(fn, wrt=wrt)(*args)
        want = closed_form(*args)
        np.testing.assert_allclose(grad, want, rtol=1e-12)
        print(f"s2sad: {np.round(grad, 12)}    closed form: {np.round(want, 12)}    agree\n")
        if show_trace:
            print(s2sad.trace(fn, args, wrt=wrt))
    print("In example 4, x feeds two operations, so x_bar is assigned once and then")
    print("accumulated (`x_bar = x_bar + ...`): reused inputs sum their adjoints.")


if __name__ == "__main__":
    main()
