"""Constructs s2sad refuses, each with a located error."""
import numpy as np

COUNTER = 0


def with_try(x):
    try:
        y = x * 2
    except ValueError:
        y = x
    return y


def with_with(x):
    with open("f") as f:
        y = x
    return y


def with_lambda(x):
    f = lambda t: t * 2  # noqa: E731
    return f(x)


def with_global(x):
    global COUNTER
    COUNTER = 1
    return x


def with_del(x):
    y = [x * 2]
    del y[0]  # (a `del` of a name not read again is dropped: tests/test_regressions_refusals.py)
    return x
