"""The benchmarked functions, as a user would write them, and their hand-written gradients.

Each workload of issue 7 appears twice here: the primal function that s2sad
differentiates (plain Python with `math` or NumPy), and the gradient a person
would write by hand *in the same style* -- the same library, the same loop
structure, a list where the forward loop's values are kept, and the usual
closed forms (`p - y` for a softmax or sigmoid cross-entropy) where a person
would use them. The peers' versions live in `peers.py`.
"""
from __future__ import annotations

import math

import numpy as np

import s2sad

# -- scalar loop: 100 steps of x = sin(x) * x + 0.5 -----------------------------------


def scalar_loop_math(x):
    for i in range(100):
        x = math.sin(x) * x + 0.5
    return x


def scalar_loop_np(x):
    for i in range(100):
        x = np.sin(x) * x + 0.5
    return x


def scalar_loop_math_grad(x):
    xs = []
    for i in range(100):
        xs.append(x)
        x = math.sin(x) * x + 0.5
    x_bar = 1.0
    for i in reversed(range(100)):
        x = xs.pop()
        x_bar = x_bar * (math.cos(x) * x + math.sin(x))
    return x_bar


def scalar_loop_np_grad(x):
    xs = []
    for i in range(100):
        xs.append(x)
        x = np.sin(x) * x + 0.5
    x_bar = 1.0
    for i in reversed(range(100)):
        x = xs.pop()
        x_bar = x_bar * (np.cos(x) * x + np.sin(x))
    return x_bar


# -- logistic regression: mean log-loss with labels y in {-1, +1} ----------------------


def logistic(w, X, y):
    z = X @ w
    return np.mean(np.log(1.0 + np.exp(-y * z)))


def logistic_grad(w, X, y):
    z = X @ w
    e = np.exp(-y * z)
    z_bar = -y * e / (1.0 + e) / y.shape[0]
    return X.T @ z_bar


# -- tanh MLP with softmax cross-entropy ----------------------------------------------


def mlp(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    m = np.max(logits, axis=1, keepdims=True)
    e = np.exp(logits - m)
    p = e / np.sum(e, axis=1, keepdims=True)
    return -np.sum(Y * np.log(p)) / X.shape[0]


def mlp_grad(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    p = e / np.sum(e, axis=1, keepdims=True)
    logits_bar = (p - Y) / X.shape[0]
    W2_bar = h.T @ logits_bar
    b2_bar = logits_bar.sum(axis=0)
    pre_bar = (logits_bar @ W2.T) * (1 - h ** 2)
    W1_bar = X.T @ pre_bar
    b1_bar = pre_bar.sum(axis=0)
    return W1_bar, b1_bar, W2_bar, b2_bar


# -- recurrent net: h = tanh(h @ W + x_t @ U + b) over the rows of xs ------------------


def rnn(W, U, b, h0, xs):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t] @ U + b)
    return np.sum(h ** 2)


def rnn_grad(W, U, b, h0, xs):
    hs = [h0]
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t] @ U + b)
        hs.append(h)
    W_bar, U_bar, b_bar = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    h_bar = 2 * h
    for t in reversed(range(xs.shape[0])):
        pre_bar = h_bar * (1 - hs[t + 1] ** 2)
        W_bar += hs[t].T @ pre_bar
        U_bar += xs[t].T @ pre_bar
        b_bar += pre_bar.sum(axis=0)
        h_bar = pre_bar @ W.T
    return W_bar, U_bar, b_bar


# -- Rosenbrock: gradient and Hessian-vector product -----------------------------------


def rosenbrock(x):
    a = x[1:] - x[:-1] ** 2
    c = 1.0 - x[:-1]
    return np.sum(100.0 * a ** 2 + c ** 2)


def rosenbrock_grad(x):
    xi, xn = x[:-1], x[1:]
    a = xn - xi ** 2
    g = np.zeros_like(x)
    g[:-1] = -400.0 * xi * a - 2.0 * (1.0 - xi)
    g[1:] += 200.0 * a
    return g


def rosenbrock_hvp(x, v):
    xi, xn = x[:-1], x[1:]
    vi, vn = v[:-1], v[1:]
    hv = np.zeros_like(x)
    hv[:-1] = (1200.0 * xi ** 2 - 400.0 * xn + 2.0) * vi - 400.0 * xi * vn
    hv[1:] += 200.0 * vn - 400.0 * xi * vi
    return hv


# -- a vector function for forward-mode Jacobians --------------------------------------


def vector_fn(x):
    return np.sin(x) * np.tanh(x) + x ** 2


def vector_fn_jacobian(x):
    t = np.tanh(x)
    return np.diag(np.cos(x) * t + np.sin(x) * (1 - t ** 2) + 2 * x)


# -- a large elementwise function ------------------------------------------------------


def elementwise(x):
    return np.sum(np.sin(x) * np.exp(-x * x) + np.tanh(x))


def elementwise_grad(x):
    e = np.exp(-x * x)
    t = np.tanh(x)
    return (np.cos(x) - 2 * x * np.sin(x)) * e + (1 - t ** 2)


def sum_of_squares(x):
    return np.sum(x ** 2)  # (benchmarks/passes.py: the scalar adjoint reaching a parameter)


# -- a long loop over arrays: reverse mode's memory ------------------------------------


def array_loop(x, n):
    for i in range(n):
        x = np.sin(x) * x + 0.5
    return np.sum(x)


def array_loop_grad(x, n):
    xs = []
    for i in range(n):
        xs.append(x)
        x = np.sin(x) * x + 0.5
    x_bar = np.ones_like(x)
    for i in reversed(range(n)):
        x = xs.pop()
        x_bar = x_bar * (np.cos(x) * x + np.sin(x))
    return x_bar


# -- gradient checkpointing: the same loop with its step inline, in a helper, and checkpointed --


def step(x, w):
    a = np.sin(x) * w
    b = np.tanh(a + x)
    return b * 0.5 + x


@s2sad.checkpoint
def checkpointed_step(x, w):
    a = np.sin(x) * w
    b = np.tanh(a + x)
    return b * 0.5 + x


def step_loop_inline(x, w, n):
    for i in range(n):
        a = np.sin(x) * w
        b = np.tanh(a + x)
        x = b * 0.5 + x
    return np.sum(x)


def step_loop_helper(x, w, n):
    for i in range(n):
        x = step(x, w)
    return np.sum(x)


def step_loop_checkpointed(x, w, n):
    for i in range(n):
        x = checkpointed_step(x, w)
    return np.sum(x)


def step_loop_grad(x, w, n):
    xs = []
    for i in range(n):
        xs.append(x)
        x = np.tanh(np.sin(x) * w + x) * 0.5 + x
    x_bar = np.ones_like(x)
    w_bar = np.zeros_like(w)
    for i in reversed(range(n)):
        x = xs.pop()
        s = np.sin(x)
        b = np.tanh(s * w + x)
        pre_bar = x_bar * 0.5 * (1 - b ** 2)
        w_bar += pre_bar * s
        x_bar = x_bar + pre_bar * (w * np.cos(x) + 1)
    return x_bar, w_bar


# -- the smallest gradient: what the API adds around the generated function -------------


def tiny(x):
    return x * 2.0


def tiny_sum(x):
    return np.sum(x * 2.0)
