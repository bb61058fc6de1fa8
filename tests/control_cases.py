"""Functions with control flow, written once in plain numpy and once for autograd.

Each case is `(name, s2sad_fn, autograd_fn_or_None, args, wrt)`.
"""
from __future__ import annotations

import math

import numpy as np


def piecewise(x):
    if x < 0:
        y = x * x
    elif x < 1:
        y = np.sin(x)
    else:
        y = 2 * x - 1
    return y


def sine_loop(x):
    for i in range(10):
        x = np.sin(x) * x + 0.5
    return x


def bounded_loop(x, n):
    y = x
    for i in range(n):
        y = y * x + i
    return y


def babylonian(a):
    x = a
    while abs(x * x - a) > 1e-12:
        x = 0.5 * (x + a / x)
    return x


def nested_break(x):
    total = 0.0
    for i in range(4):
        for j in range(5):
            if j > i:
                break
            total = total + np.sin(x * (i + 1)) * (j + 1)
    return total


def while_continue(x):
    k = 0
    acc = x
    while k < 8:
        k = k + 1
        if k == 3 or k == 6:
            continue
        acc = acc * np.cos(acc) + x
    return acc


def augmented(x, y):
    z = x
    z += y
    z -= 0.3 * x
    z *= y
    z /= x + 2.0
    z **= 2
    return z


def fibonacci_like(a, b):
    for i in range(6):
        a, b = b, a + b * 0.5
    return a * b


def helper(u, v):
    return u * np.exp(-v) + v * v


def calls_helper_twice(x, y):
    return helper(x, y) * helper(y, x)


def early_return(x):
    if x > 1.0:
        return x * x
    y = np.sin(x)
    return y * 3.0


def conditional_expression(x):
    y = x * x if x > 0 else -x
    return y + np.tanh(y)


def builtins_and_math(x, y):
    a = abs(x - y) + max(x, y) * min(x, 2.0)
    b = math.sin(a) + math.cos(x) * math.exp(y) + math.sqrt(a) + math.log(a + 1.0)
    c = math.tanh(b) + math.pow(a, 1.5) + float(y) * int(3)
    return b * c


def subscript_stores(x):
    y = np.zeros(3)
    y[0] = x * x
    y[1] = np.sin(x)
    for i in range(3):
        y[2] = y[2] + y[i] * x
    return np.sum(y * y)


def list_sum(x):
    ys = []
    for i in range(5):
        ys.append(x ** (i + 1))
    return sum(ys)


def list_stack(x):
    rows = []
    for i in range(4):
        rows.append(np.sin(x * i))
    return np.sum(np.stack(rows) ** 2)


def row_loop(W):
    acc = 0.0
    for row in W:
        acc = acc + np.sum(np.tanh(row) * row)
    return acc


def zip_enumerate(xs, ws):
    total = 0.0
    for i, x in enumerate(xs):
        total = total + x * (i + 1)
    for x, w in zip(xs, ws):
        total = total + np.sin(x * w)
    return total


def rnn(h0, W, x):
    h = h0
    for t in range(7):
        h = np.tanh(W @ h + x[t])
    return np.sum(h ** 2)


def len_bound(x):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i] * x[i] * (i + 1)
    for i in range(x.shape[0]):
        s = s * 0.5 + x[i]
    return s


SCALE = 3.0


def uses_global_and_default(x, power=2, shift=0.5):
    return SCALE * (x + shift) ** power


def make_closure(c):
    def closed(x):
        return c * np.sin(x)
    return closed


WEIGHTS = np.arange(5.0)


def slice_store(x):
    y = np.zeros(5)
    y[1:3] = x * 2.0
    y[3:] = np.sin(x)
    return np.sum(y * WEIGHTS)


def overwrite_read_element(x):
    y = np.zeros(3)
    y[0] = x
    z = y * y
    y[0] = np.sin(z[0])
    return np.sum(y * z) + y[0]


def keyword_call(x, y):
    return helper(v=x, u=y) + helper(x, v=y)


def pair_helper(u, v):
    return u * v, np.sin(u) + v


def calls_pair_helper(x, y):
    a, b = pair_helper(x, y)
    c, d = pair_helper(b, a)
    return a * d + c


def pair_helper_not_unpacked(x, y):
    p = pair_helper(x, y)
    return p[0] * p[1]
