# s2sad show examples/logistic_regression.py:loss --mode forward --wrt w,b --args 0.7 -0.2 1.5 1.0
import numpy as np


def loss_jvp(w, b, x, t, w_dot, b_dot):
    """Forward mode (tangent) of loss with respect to w, b."""
    t1 = w * x
    t1_dot = w_dot * x
    z = t1 + b
    z_dot = t1_dot + b_dot
    t2 = -z
    t2_dot = -z_dot
    t3 = np.exp(t2)
    t3_dot = t2_dot * t3
    t4 = 1 + t3
    t4_dot = t3_dot
    y = 1 / t4
    y_dot = -t4_dot / t4 ** 2
    t5 = y - t
    t5_dot = y_dot
    t6 = t5 ** 2
    t6_dot = t5_dot * 2 * t5
    loss = 0.5 * t6
    loss_dot = 0.5 * t6_dot
    return (loss, loss_dot)
