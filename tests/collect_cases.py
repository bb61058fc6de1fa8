"""Functions for the tests of collect.py and factor.py: each uses a variable twice in one product.

(The benchmark's workloads -- the scalar loops, the elementwise function -- are used as they are.)
"""
import numpy as np


def gaussian(x):
    return np.sum(np.exp(-x * x / 2))


def square_sum(x):
    return np.sum(x * x)


def cubic(x):
    return x * x * 3.0 + np.sin(x) * x


def weighted(x, w):
    return np.sum(w * x * x - x * w)


def wave_sum(x):
    return np.sum(x * np.sin(x))


def twice_in_a_loop(x, y):
    for i in range(3):
        x = x * y * x
    return x


def three_factors(x, y):
    for i in range(4):
        x = np.cos(x) * x * y
    return x


def self_square(x, y):
    for i in range(3):
        x = x * x * 0.5 + y
    return x


def tanh_mix(x, y):
    for i in range(3):
        x = y * np.tanh(x) * x - x
    return x


def branchy(x, y):
    for i in range(4):
        if x > 0:
            x = x * np.sin(x) + y
        else:
            x = x * 2.0 - y * x
    return x


def exp_weights(x, y):
    return np.sum(x * np.exp(x) * y + x * x)
