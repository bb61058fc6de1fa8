"""Control flow for the view tests: a loop with a branch inside (golden `explain`, `trace` iterations) and a helper call."""
import numpy as np


def damped_sum(x, n):
    total = 0.0
    term = x
    for k in range(n):
        if term > 1.0:
            term = np.sqrt(term)
        total = total + term
        term = term * x
    return total


def scaled(u, v):
    return u * np.exp(-v)


def uses_helper(x, y):
    return scaled(x, y) * scaled(y, x) + x
