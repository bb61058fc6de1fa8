"""An MLP written with a parameter dict, trained by gradient descent; gradients by s2sad.

`params` is a dict of weight matrices, as in most tutorials. `s2sad.grad(loss)`
differentiates it leaf by leaf and gives the gradient back as a dict with the
same keys, so a training step is `params[k] -= lr * g[k]`. The script prints
the generated adjoint (the dict unpacked into `W1, b1, ...` at the top, the
gradient dict rebuilt at the end), checks the gradient against central
differences, then fits a noisy sine and prints the loss falling. A second
model, a class with a decorated `loss` method, is fitted the same way. Under
CI=true it trains for fewer steps.
"""
import os

import numpy as np

import s2sad


def loss(params, x, y):
    """Mean squared error of a one-hidden-layer tanh network."""
    h = np.tanh(x @ params["W1"] + params["b1"])
    out = h @ params["W2"] + params["b2"]
    return np.mean((out - y) ** 2)


class Linear:
    """A model class: its data are attributes, read as constants when the loss is differentiated."""

    def __init__(self, x, y):
        self.x, self.y = x, y

    @s2sad.differentiate
    def loss(self, w):
        r = self.x @ w - self.y
        return np.mean(r ** 2)


def main() -> None:
    rng = np.random.default_rng(0)
    x = np.linspace(-3, 3, 64).reshape(-1, 1)
    y = np.sin(x) + 0.05 * rng.standard_normal(x.shape)
    params = {
        "W1": rng.normal(0, 1.0, (1, 16)), "b1": np.zeros(16),
        "W2": rng.normal(0, 0.25, (16, 1)), "b2": np.zeros(1),
    }
    print(s2sad.source(loss, args=(params, x, y)))
    grad = s2sad.grad(loss)

    # The gradient is a dict with params' keys; check one entry against central differences.
    g = grad(params, x, y)
    eps, (i, j) = 1e-6, (0, 3)
    plus = {**params, "W1": params["W1"].copy()}
    minus = {**params, "W1": params["W1"].copy()}
    plus["W1"][i, j] += eps
    minus["W1"][i, j] -= eps
    numeric = (loss(plus, x, y) - loss(minus, x, y)) / (2 * eps)
    print(f"dL/dW1[{i},{j}]: s2sad {g['W1'][i, j]:.8f}, central difference {numeric:.8f}")
    assert abs(g["W1"][i, j] - numeric) < 1e-6

    steps = 300 if os.environ.get("CI") else 3000
    lr = 0.05
    first = loss(params, x, y)
    for step in range(steps + 1):
        value, g = s2sad.value_and_grad(loss)(params, x, y) if step % (steps // 5) == 0 else (None, grad(params, x, y))
        if value is not None:
            print(f"step {step:5d}  loss {value:.5f}")
        for k in params:
            params[k] -= lr * g[k]
    last = loss(params, x, y)
    print(f"loss {first:.4f} -> {last:.4f}")
    assert last < 0.5 * first

    # A model class with a decorated loss method: m.loss(w) is the method, m.loss.grad(w) its gradient.
    features = np.hstack([x / 3, (x / 3) ** 3, np.ones_like(x)])
    model = Linear(features, y[:, 0])
    w = np.zeros(3)
    for _ in range(500):
        w -= 0.5 * model.loss.grad(w)
    print(f"linear model: loss {model.loss(np.zeros(3)):.4f} -> {model.loss(w):.4f}")
    assert model.loss(w) < 0.5 * model.loss(np.zeros(3))
    print(model.loss.source(args=(w,)))


if __name__ == "__main__":
    main()
