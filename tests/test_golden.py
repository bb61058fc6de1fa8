"""Golden text: the lecture example's Wengert list, adjoint and tangent, pinned exactly."""
from __future__ import annotations

import s2sad
from lecture import loss

WENGERT = '''\
def loss(w, b, x, t):
    t1 = w * x
    z = t1 + b
    t2 = -z
    t3 = np.exp(t2)
    t4 = 1 + t3
    y = 1 / t4
    t5 = y - t
    t6 = t5 ** 2
    loss = 0.5 * t6
    return loss
'''

ADJOINT = '''\
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
'''

ADJOINT_GENERIC_TAIL = '''\
    # backward sweep
    t6_bar = 0.5 * loss_bar
    t5_bar = t6_bar * 2 * t5
    y_bar = unbroadcast(t5_bar, y)
    t4_bar = -y_bar / t4 ** 2
    t3_bar = t4_bar
    t2_bar = t3_bar * t3
    z_bar = -t2_bar
    t1_bar = unbroadcast(z_bar, t1)
    b_bar = unbroadcast(z_bar, b)
    w_bar = unbroadcast(t1_bar * x, w)
    return (w_bar, b_bar)
'''

TANGENT = '''\
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
'''

ARGS = (0.7, -0.2, 1.5, 1.0)


def test_wengert_list():
    assert s2sad.source(loss, "wengert") == WENGERT


def test_adjoint_for_scalar_arguments():
    assert s2sad.source(loss, "reverse", wrt=("w", "b"), args=ARGS) == ADJOINT


def test_adjoint_without_example_arguments_unbroadcasts_only_where_needed():
    text = s2sad.source(loss, "reverse", wrt=("w", "b"))
    assert text.startswith("import numpy as np\nfrom s2sad.runtime import unbroadcast\n")
    assert text.endswith(ADJOINT_GENERIC_TAIL)


def test_tangent_for_scalar_arguments():
    assert s2sad.source(loss, "forward", wrt=("w", "b"), args=ARGS) == TANGENT


def test_decorated_source_matches():
    d = s2sad.differentiate(loss, wrt=("w", "b"))
    assert d.source("wengert") == WENGERT
    assert d.source("reverse", args=ARGS) == ADJOINT
