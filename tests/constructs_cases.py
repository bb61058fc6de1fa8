"""Functions written with the constructs of issue 22, read by tests/test_constructs.py."""
import logging
import math
import sys

import numpy as np

logger = logging.getLogger("constructs")


def sum_of_squares(x):
    n = x.shape[0]
    return sum(x[i] ** 2 for i in range(n))


def comprehension(x, ws):
    ys = [np.sin(w * x) for w in ws if w > 0]
    return np.sum(np.stack(ys) ** 2)


def with_lambda(x, W):
    act = lambda z: np.tanh(z)  # noqa: E731
    return np.sum(act(x @ W) ** 2)


def with_helper(x, W, b):
    def layer(h, scale=2.0):
        a = h @ W + b  # W and b: the enclosing function's names (a closure)
        return np.tanh(a) * scale
    return np.sum(layer(layer(x), 0.5))


def enumerate_zip(x, ws, cs):
    total = 0.0
    for i, w in enumerate(ws):
        total = total + i * np.sum(np.sin(w * x))
    for w, c in zip(ws, cs):
        total = total + c * np.sum(w * x ** 2)
    return total


def checked(x):
    assert np.all(np.isfinite(x)), "x must be finite"
    print("x =", x)
    logger.info("computing the loss")
    y = np.exp(x)
    return np.sum(y * x)


def for_else(x, limit):
    y = x
    for i in range(4):
        y = np.sin(y) * 1.5
        if np.sum(y) > limit:
            break
    else:
        y = y * 3.0
    return np.sum(y ** 2)


def while_else(x):
    k = 0
    while k < 3:
        x = np.cos(x)
        k = k + 1
    else:
        x = x * 2.0
    return np.sum(x)


def nested_comprehension(x):
    rows = [[x[i] * x[j] for j in range(2)] for i in range(2)]
    return np.sum(np.array(rows) ** 2)


def dict_over_range(x):
    n = x.shape[0]
    sq = {i: x[i] ** 2 for i in range(n)}
    total = 0.0
    for i, v in sq.items():
        total = total + i * v
    return total + np.sin(sq[0]) * len(sq)


def conditional_sum(x, d):
    y = sum(x[i] / math.sqrt(d) for i in range(2)) if d > 0 else 0.0
    return np.sum(x * x) + y


def logged(x):
    print("x =", x, end="\n")
    print("loss follows", file=sys.stderr)
    logging.info("computing the loss")
    logger.debug("x has %d entries", x.shape[0])
    return np.sum(np.exp(x) * x)


def set_of_indices(x):
    n = x.shape[0]
    idx = {i % 2 for i in range(n)}
    s = 0.0
    for j in sorted(idx):
        s = s + np.sin(x[j]) * x[j]
    if 1 in idx and n not in idx:
        s = s * len(idx)
    return s


def set_call_and_display(x):
    n = x.shape[0]
    pairs = set(i // 2 for i in range(n))
    return np.sum(x ** 3) * len(pairs) + sum(x[j] for j in sorted(set([0, n - 1, 0])))
