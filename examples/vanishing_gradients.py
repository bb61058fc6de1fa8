"""The lecture's vanishing-gradient experiment: per-layer gradient norms, sigmoid versus ReLU.

A network with 5 hidden layers, weights drawn from uniform[-0.5, 0.5], and the
cross-entropy loss on a few examples. Backpropagation multiplies by the
activation's derivative once per layer: the sigmoid's is at most 1/4, so the
gradient shrinks layer by layer on its way back to the input; ReLU's is 0 or 1,
so it does not. s2sad generates both adjoints; the script prints the norm of
dL/dW for every layer (averaged over a few random networks) and saves the
figure `vanishing_gradients.png` (with matplotlib, an optional dependency) to
generated/, or to $S2SAD_EXAMPLE_OUTPUT when that is set.
"""
import os

import numpy as np

import s2sad

WIDTH, INPUTS, CLASSES, EXAMPLES = 32, 20, 10, 8


def sigmoid_net(W1, W2, W3, W4, W5, W6, X, Y):
    h = 1 / (1 + np.exp(-(X @ W1)))
    h = 1 / (1 + np.exp(-(h @ W2)))
    h = 1 / (1 + np.exp(-(h @ W3)))
    h = 1 / (1 + np.exp(-(h @ W4)))
    h = 1 / (1 + np.exp(-(h @ W5)))
    Z = h @ W6
    return -np.sum(Y * (Z - np.log(np.sum(np.exp(Z), axis=1, keepdims=True)))) / X.shape[0]


def relu_net(W1, W2, W3, W4, W5, W6, X, Y):
    h = np.maximum(X @ W1, 0.0)  # ReLU
    h = np.maximum(h @ W2, 0.0)
    h = np.maximum(h @ W3, 0.0)
    h = np.maximum(h @ W4, 0.0)
    h = np.maximum(h @ W5, 0.0)
    Z = h @ W6
    return -np.sum(Y * (Z - np.log(np.sum(np.exp(Z), axis=1, keepdims=True)))) / X.shape[0]


LAYERS = ("W1", "W2", "W3", "W4", "W5", "W6")


def layer_norms(net, rng):
    """Gradient norm of each weight matrix, for one random network and batch."""
    sizes = [INPUTS] + [WIDTH] * 5 + [CLASSES]
    weights = [rng.uniform(-0.5, 0.5, (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    X = rng.normal(size=(EXAMPLES, INPUTS))
    Y = np.eye(CLASSES)[rng.integers(0, CLASSES, EXAMPLES)]
    grads = s2sad.grad(net, wrt=LAYERS)(*weights, X, Y)
    return np.array([np.linalg.norm(g) for g in grads])


def save_figure(sigmoid, relu, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib is not installed, so no figure: pip install matplotlib)")
        return
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
    layers = np.arange(1, len(LAYERS) + 1)
    ax.semilogy(layers, sigmoid, "o-", label="sigmoid")
    ax.semilogy(layers, relu, "s-", label="ReLU")
    ax.set_xticks(layers, [f"W{k}" for k in layers])
    ax.set_xlabel("layer (input to output)")
    ax.set_ylabel("norm of dL/dW (log scale)")
    ax.set_title("5 hidden layers, weights uniform[-0.5, 0.5]")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    print(f"saved {path}")


def main() -> None:
    rng = np.random.default_rng(0)
    trials = 3 if os.environ.get("CI") else 20
    sigmoid = np.mean([layer_norms(sigmoid_net, rng) for _ in range(trials)], axis=0)
    relu = np.mean([layer_norms(relu_net, rng) for _ in range(trials)], axis=0)
    print(f"norm of dL/dW per layer, mean of {trials} random networks ({EXAMPLES} examples each)\n")
    print(f"{'layer':>5}  {'sigmoid':>10}  {'ReLU':>10}")
    for name, s, r in zip(LAYERS, sigmoid, relu):
        print(f"{name:>5}  {s:10.2e}  {r:10.2e}")
    ratio_sigmoid, ratio_relu = sigmoid[0] / sigmoid[-1], relu[0] / relu[-1]
    print(f"\nfirst layer / last layer: sigmoid {ratio_sigmoid:.1e}, ReLU {ratio_relu:.1e}")
    print("with the sigmoid the gradient vanishes on its way back to the input; with ReLU it does not")
    assert ratio_sigmoid < 0.01 < ratio_relu
    out = os.environ.get("S2SAD_EXAMPLE_OUTPUT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "generated")
    save_figure(sigmoid, relu, os.path.join(out, "vanishing_gradients.png"))


if __name__ == "__main__":
    main()
