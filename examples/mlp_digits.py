"""A ReLU MLP trained with mini-batch SGD on scikit-learn's bundled digits, gradients by s2sad.

The data set (1797 8x8 images of handwritten digits) ships inside scikit-learn,
so nothing is downloaded: `pip install scikit-learn`. The network is the
lectures' right-multiplied MLP, X W1 + b1 -> ReLU -> W2 + b2 -> softmax, with
the cross-entropy loss; `s2sad.grad(loss, wrt=("W1", "b1", "W2", "b2"))`
generates its adjoint once, and every SGD step calls it. Each epoch shuffles
the training set and prints the loss and the accuracy; the test accuracy ends
above 90%. Under CI=true it trains for fewer epochs.
"""
import os

import numpy as np

import s2sad


def loss(W1, b1, W2, b2, X, Y):
    """Mean cross-entropy of a one-hidden-layer ReLU network; Y is one-hot."""
    H = np.maximum(X @ W1 + b1, 0.0)  # ReLU
    Z = H @ W2 + b2  # logits
    log_p = Z - np.log(np.sum(np.exp(Z), axis=1, keepdims=True))  # log softmax
    return -np.sum(Y * log_p) / X.shape[0]


def predict(W1, b1, W2, b2, X):
    H = np.maximum(X @ W1 + b1, 0.0)
    return np.argmax(H @ W2 + b2, axis=1)


def main() -> None:
    try:
        from sklearn.datasets import load_digits
    except ImportError:  # an optional example dependency
        raise SystemExit("mlp_digits.py needs scikit-learn for its bundled digits data: pip install scikit-learn")
    rng = np.random.default_rng(0)
    digits = load_digits()
    X = digits.data / 16.0  # pixel intensities 0..16 -> 0..1
    y = digits.target
    order = rng.permutation(len(X))
    test, train = order[:360], order[360:]
    Y = np.eye(10)[y]
    n_in, n_hidden, n_out = 64, 64, 10
    params = [
        rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden)),  # He initialisation for ReLU
        np.zeros(n_hidden),
        rng.normal(0, np.sqrt(1 / n_hidden), (n_hidden, n_out)),
        np.zeros(n_out),
    ]
    grad = s2sad.grad(loss, wrt=("W1", "b1", "W2", "b2"))
    epochs = 8 if os.environ.get("CI") else 30
    batch, rate = 32, 0.1
    print(f"digits: {len(train)} training and {len(test)} test images, {epochs} epochs of mini-batch SGD (batch {batch})")
    print("the adjoint s2sad generated for the loss:\n")
    print(s2sad.source(loss, "reverse", wrt=("W1", "b1", "W2", "b2")))
    for epoch in range(1, epochs + 1):
        shuffled = rng.permutation(train)
        for start in range(0, len(shuffled), batch):
            idx = shuffled[start:start + batch]
            grads = grad(*params, X[idx], Y[idx])
            params = [p - rate * g for p, g in zip(params, grads)]
        train_loss = loss(*params, X[train], Y[train])
        train_acc = np.mean(predict(*params, X[train]) == y[train])
        test_acc = np.mean(predict(*params, X[test]) == y[test])
        print(f"epoch {epoch:2d}   loss {train_loss:.4f}   train accuracy {train_acc:6.2%}   test accuracy {test_acc:6.2%}")
    assert test_acc > 0.90, f"test accuracy {test_acc:.2%} is not above 90%"
    print(f"test accuracy {test_acc:.2%} > 90%")


if __name__ == "__main__":
    main()
