"""Gradient-based hyperparameter optimisation, as in the lectures.

A ridge-regression model is trained by an unrolled SGD loop written in plain
Python. s2sad differentiates the *validation* loss through the whole training
loop with respect to the learning rate and the weight decay (on a log scale),
and a few steps of gradient descent on those two numbers tune them.

The training step itself calls `train_grad`, a gradient that s2sad generated:
the outer derivative is reverse mode over code that s2sad wrote.
"""
import os

import numpy as np

import s2sad

STEPS = 40 if os.environ.get("CI") else 100


def train_loss(w, X, y, log_wd):
    err = X @ w - y
    return np.mean(err ** 2) + np.exp(log_wd) * np.sum(w ** 2)


train_grad = s2sad.grad(train_loss)


def validation_loss(log_lr, log_wd, w0, X, y, X_val, y_val, steps):
    lr = np.exp(log_lr)
    w = w0
    for step in range(steps):
        w = w - lr * train_grad(w, X, y, log_wd)
    err = X_val @ w - y_val
    return np.mean(err ** 2)


def make_data(rng):
    n_train, n_val, d = 20, 200, 30
    w_true = rng.standard_normal(d) * (rng.random(d) < 0.4)
    X = rng.standard_normal((n_train, d))
    X_val = rng.standard_normal((n_val, d))
    y = X @ w_true + 0.8 * rng.standard_normal(n_train)
    y_val = X_val @ w_true + 0.8 * rng.standard_normal(n_val)
    return X, y, X_val, y_val


def main() -> None:
    rng = np.random.default_rng(0)
    X, y, X_val, y_val = make_data(rng)
    w0 = np.zeros(X.shape[1])
    log_lr, log_wd = np.log(0.003), np.log(1e-4)
    hyper_grad = s2sad.value_and_grad(validation_loss, wrt=("log_lr", "log_wd"))
    before, _ = hyper_grad(log_lr, log_wd, w0, X, y, X_val, y_val, STEPS)
    print(f"before: learning rate {np.exp(log_lr):.4f}, weight decay {np.exp(log_wd):.5f}, validation loss {before:.4f}")
    for it in range(15):
        loss, (g_lr, g_wd) = hyper_grad(log_lr, log_wd, w0, X, y, X_val, y_val, STEPS)
        # Sign steps that shrink: the two log-hyperparameters have very different sensitivities.
        step_size = 0.6 * 0.85 ** it
        log_lr -= step_size * np.sign(g_lr)
        log_wd -= step_size * np.sign(g_wd)
        print(f"  step {it:2d}: validation loss {loss:.4f}  d/dlog(lr) {g_lr:+.4f}  d/dlog(wd) {g_wd:+.4f}")
    after, _ = hyper_grad(log_lr, log_wd, w0, X, y, X_val, y_val, STEPS)
    print(f"after:  learning rate {np.exp(log_lr):.4f}, weight decay {np.exp(log_wd):.5f}, validation loss {after:.4f}")
    assert after < before
    # The hypergradient agrees with central differences.
    eps = 1e-5
    numeric = (validation_loss(log_lr + eps, log_wd, w0, X, y, X_val, y_val, STEPS)
               - validation_loss(log_lr - eps, log_wd, w0, X, y, X_val, y_val, STEPS)) / (2 * eps)
    _, (g_lr, _) = hyper_grad(log_lr, log_wd, w0, X, y, X_val, y_val, STEPS)
    print(f"check: d/dlog(lr) by s2sad {g_lr:+.8f}, by central differences {numeric:+.8f}")


if __name__ == "__main__":
    main()
