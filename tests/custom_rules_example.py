"""The examples of the README's "Custom rules" section, verbatim (tests/test_custom_rules.py runs them)."""
import numpy as np
import s2sad
import math


def solve_cubic(a):
    """The real root r of r**3 + r = a, elementwise, by Newton's method."""
    r = np.cbrt(a)
    for _ in range(50):
        r = r - (r ** 3 + r - a) / (3 * r ** 2 + 1)
    return r


def solve_cubic_vjp(g, ans, a):
    return g / (3 * ans ** 2 + 1)


def solve_cubic_jvp(t, ans, a):
    return t / (3 * ans ** 2 + 1)


s2sad.defvjp(solve_cubic, solve_cubic_vjp)
s2sad.defjvp(solve_cubic, solve_cubic_jvp)


def loss(a):
    return np.sum(solve_cubic(a) ** 2)


a = np.array([0.5, 2.0, 10.0])
s2sad.check_grads(loss, (a,), modes=("forward", "reverse"))  # both rules against finite differences
print(s2sad.grad(loss)(a))  # 2 r / (3 r^2 + 1)

def polyval_vjp_x(g, ans, p, x):
    return g * np.polyval(np.polyder(p), x)


def polyval_jvp_x(t, ans, p, x):
    return t * np.polyval(np.polyder(p), x)


s2sad.defvjp(np.polyval, None, polyval_vjp_x)
s2sad.defjvp(np.polyval, None, polyval_jvp_x)


def fit(x):
    return np.sum(np.polyval(np.array([1.0, -2.0, 0.5]), x) ** 2)


x = np.array([0.0, 1.0, 3.0])
s2sad.check_grads(fit, (x,), modes=("forward", "reverse"))


s2sad.defvjp(math.hypot, lambda g, ans, x, y: g * x / ans, lambda g, ans, x, y: g * y / ans)
s2sad.defjvp(math.hypot, lambda t, ans, x, y: t * x / ans, lambda t, ans, x, y: t * y / ans)


def distance(x, y):
    return math.hypot(x, y)


print(s2sad.grad(distance, wrt=(0, 1))(3.0, 4.0))  # (0.6, 0.8)
