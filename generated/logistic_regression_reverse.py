# s2sad show examples/logistic_regression.py:loss --wrt w,b --args 0.7 -0.2 1.5 1.0
import numpy as np


def loss_vjp(w, b, x, t, loss_bar=1.0):
    """Reverse mode (adjoint) of loss with respect to w, b."""
    # forward sweep
    t1 = w * x
    z = t1 + b
    t2 = -z
    t3 = np.exp(t2)
    t4 = 1 + t3
    y = 1 / t4
    t5 = y - t
    t6 = t5 ** 2
    loss = 0.5 * t6
    # backward sweep
    t6_bar = 0.5 * loss_bar
    t5_bar = t6_bar * 2 * t5
    y_bar = t5_bar
    t4_bar = -y_bar / t4 ** 2
    t3_bar = t4_bar
    t2_bar = t3_bar * t3
    z_bar = -t2_bar
    t1_bar = z_bar
    b_bar = z_bar
    w_bar = t1_bar * x
    return (w_bar, b_bar)
