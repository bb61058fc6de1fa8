"""Structured arguments (pytrees) and methods (issue 22): gradients in the arguments' structure,
checked against autograd in both modes and to second order, and the generated text pinned."""
from __future__ import annotations

import types
from typing import NamedTuple

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import s2sad


def with_autograd(f):
    """The same code, reading autograd's numpy."""
    return types.FunctionType(f.__code__, {**f.__globals__, "np": anp}, f.__name__, f.__defaults__, f.__closure__)


def close(a, b):
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b)
        return all(close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        assert type(a) is type(b) or hasattr(type(a), "_fields"), (type(a), type(b))
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return np.allclose(a, b, rtol=1e-9, atol=1e-12)


rng = np.random.default_rng(22)


# -- the three models of the "done when" --------------------------------------------------------


def mlp(params, x, y):
    h = np.tanh(x @ params["W1"] + params["b1"])
    out = h @ params["W2"] + params["b2"]
    return np.mean((out - y) ** 2)


def rnn(Ws, h, xs):
    for t, W in enumerate(Ws):
        h = np.tanh(h @ W + xs[t])
    return np.sum(h ** 2)


class Model:
    def __init__(self, x, y):
        self.x, self.y, self.scale = x, y, 0.5

    @s2sad.differentiate
    def loss(self, w):
        r = self.x @ w - self.y
        return self.scale * np.sum(r ** 2)


PARAMS = {"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal(4),
          "W2": rng.standard_normal((4, 2)), "b2": rng.standard_normal(2)}
X, Y = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
WS = [rng.standard_normal((3, 3)) * 0.5 for _ in range(3)]
H0, XS = rng.standard_normal(3), rng.standard_normal((3, 3))


def test_mlp_with_a_parameter_dict_gives_a_dict_gradient():
    g = s2sad.grad(mlp)(PARAMS, X, Y)
    assert isinstance(g, dict) and list(g) == list(PARAMS)
    assert close(g, autograd.grad(with_autograd(mlp))(PARAMS, X, Y))
    value, g2 = s2sad.value_and_grad(mlp)(PARAMS, X, Y)
    assert value == pytest.approx(mlp(PARAMS, X, Y)) and close(g2, g)


def test_rnn_over_a_list_of_weight_matrices_gives_a_list():
    g = s2sad.grad(rnn)(WS, H0, XS)
    assert type(g) is list and len(g) == 3 and all(gi.shape == (3, 3) for gi in g)
    assert close(g, autograd.grad(with_autograd(rnn))(WS, H0, XS))


def test_a_list_of_matrices_of_different_shapes():
    def chain(Ws, x):
        for W in Ws:
            x = np.sin(x @ W)
        return np.sum(x)
    Ws = [rng.standard_normal((3, 4)), rng.standard_normal((4, 2))]
    x = rng.standard_normal(3)
    assert close(s2sad.grad(chain)(Ws, x), autograd.grad(with_autograd(chain))(Ws, x))


def test_a_decorated_loss_method():
    m = Model(X, Y[:, 0])
    w = rng.standard_normal(3)
    assert m.loss(w) == pytest.approx(0.5 * np.sum((X @ w - Y[:, 0]) ** 2))  # the method itself still works
    assert close(m.loss.grad(w), X.T @ (X @ w - Y[:, 0]))
    m.scale = 2.0  # attributes are read at call time
    assert close(m.loss.grad(w), 4 * X.T @ (X @ w - Y[:, 0]))
    assert close(s2sad.grad(m.loss)(w), m.loss.grad(w))


def test_a_bound_method_and_static_and_class_methods():
    class M:
        k = 3.0

        def __init__(self):
            self.a = np.array([1.0, 2.0])

        def f(self, w):
            return np.sum(np.sin(self.a * w))

        @staticmethod
        @s2sad.differentiate
        def s(w):
            return np.sum(w ** 2)

        @s2sad.differentiate
        @classmethod
        def c(cls, w):
            return np.sum(cls.k * w ** 2)

    m, w = M(), np.array([0.3, -0.4])
    assert close(s2sad.grad(m.f)(w), m.a * np.cos(m.a * w))
    assert close(s2sad.jvp(m.f, (w,), (np.ones(2),))[1], np.sum(m.a * np.cos(m.a * w)))
    assert close(M.s.grad(w), 2 * w) and close(m.s.grad(w), 2 * w)
    assert close(m.c.grad(w), 6 * w) and close(M.c.grad(w), 6 * w) and M.c(w) == pytest.approx(3 * np.sum(w ** 2))


# -- every transform -------------------------------------------------------------------------------------


class Layer(NamedTuple):
    W: np.ndarray
    b: np.ndarray


def nested(params, x):
    (W1, b1), (W2, b2) = params
    h = np.tanh(x @ W1 + b1)
    return np.sum((h @ W2 + b2) ** 2)


def named(layer, x):
    return np.sum(np.sin(x @ layer.W + layer.b))


NESTED = ((rng.standard_normal((3, 4)), rng.standard_normal(4)), (rng.standard_normal((4, 2)), rng.standard_normal(2)))
LAYER = Layer(rng.standard_normal((3, 2)), rng.standard_normal(2))


def test_nested_tuples_and_namedtuples():
    g = s2sad.grad(nested)(NESTED, X)
    assert type(g) is tuple and type(g[0]) is tuple
    assert close(g, autograd.grad(with_autograd(nested))(NESTED, X))
    gl = s2sad.grad(named)(LAYER, X)
    # (autograd takes no NamedTuple: the same function of a plain pair)
    want = autograd.grad(lambda wb, x: anp.sum(anp.sin(x @ wb[0] + wb[1])))(tuple(LAYER), X)
    assert type(gl) is Layer and close(tuple(gl), want)


def test_vjp_and_jvp_in_the_structure():
    value, pullback = s2sad.vjp(mlp, PARAMS, X, Y)
    gp, gx, gy = pullback(1.0)
    assert close(gp, s2sad.grad(mlp)(PARAMS, X, Y)) and gx.shape == X.shape
    tangent = {k: rng.standard_normal(v.shape) for k, v in PARAMS.items()}
    _, dot = s2sad.jvp(mlp, (PARAMS, X, Y), (tangent, np.zeros_like(X), np.zeros_like(Y)))
    assert dot == pytest.approx(sum(np.sum(gp[k] * tangent[k]) for k in PARAMS))
    with pytest.raises(s2sad.ShapeError, match="dict with keys"):
        s2sad.jvp(mlp, (PARAMS, X, Y), ({"W1": 1.0}, np.zeros_like(X), np.zeros_like(Y)))


def test_jacobian_hessian_hvp_and_check_grads():
    def f(p, x):
        return np.sum(np.sin(p["a"] * x) * p["b"] ** 2)

    p = {"a": rng.standard_normal(3), "b": rng.standard_normal(3)}
    x = rng.standard_normal(3)
    fa = with_autograd(f)
    H = s2sad.hessian(f)(p, x)
    for i in p:
        for j in p:
            want = autograd.jacobian(lambda pj: autograd.grad(fa)({**p, j: pj}, x)[i])(p[j])
            assert close(H[i][j], want)
    J = s2sad.jacobian(f)(p, x)
    assert close(J, autograd.grad(fa)(p, x))
    v = {"a": rng.standard_normal(3), "b": rng.standard_normal(3)}
    hv = s2sad.hvp(f, (p, x), v)
    assert close(hv, {i: sum(H[i][j] @ v[j] for j in p) for i in p})
    s2sad.check_grads(f, (p, x), modes=("forward", "reverse"), order=2)
    s2sad.check_grads(mlp, (PARAMS, X, Y), modes=("forward", "reverse"), order=2)
    s2sad.check_grads(rnn, (WS, H0, XS), modes=("forward", "reverse"), order=2)


def test_non_float_leaves_are_constants_and_a_new_structure_is_a_new_specialisation():
    def f(p, x):
        y = x * p["w"]
        if p["act"] == "sin":
            y = np.sin(y)
        return np.sum(y ** p["power"])

    x = np.array([0.5, 1.0])
    g = s2sad.grad(f)({"w": 1.5, "act": "sin", "power": 2}, x)
    assert g["act"] is None and g["power"] is None
    assert g["w"] == pytest.approx(np.sum(2 * np.sin(1.5 * x) * np.cos(1.5 * x) * x))
    g2 = s2sad.grad(f)({"w": 1.5, "act": "id", "power": 3}, x)
    assert g2["w"] == pytest.approx(np.sum(3 * (1.5 * x) ** 2 * x))
    # a key more: another structure, another flat function
    def h(p):
        return sum(p[k] ** 2 for k in ("a", "b"))
    assert s2sad.grad(h)({"a": 1.0, "b": 2.0}) == {"a": 2.0, "b": 4.0}
    assert s2sad.grad(h)({"a": 1.0, "b": 2.0, "c": 9.0}) == {"a": 2.0, "b": 4.0, "c": 0.0}


def test_a_leaf_that_cannot_be_differentiated_is_named_by_its_path():
    with pytest.raises(s2sad.InputError, match=r'params\["W1"\]\[0\] is an array of dtype object'):
        s2sad.grad(mlp)({**PARAMS, "W1": [np.array([None], dtype=object), np.ones(2)]}, X, Y)


def test_a_dynamic_key_is_refused_at_its_line():
    def f(params, k):
        return np.sum(params[k] ** 2)

    with pytest.raises(s2sad.UnsupportedSyntaxError, match="constant key") as info:
        s2sad.grad(f)({"a": np.ones(2)}, "a")
    assert "params[k]" in str(info.value)


def test_the_cli_parses_structured_args():
    from s2sad.teach.cli import parse_args_values

    p, w = parse_args_values(['{"W": [[1.0, 2.0]], "b": [0.5]}', "[[1.0], [2.0, 3.0]]"])
    assert isinstance(p["W"], np.ndarray) and p["W"].shape == (1, 2) and type(w) is list


# -- the generated text ----------------------------------------------------------------------------------

MLP_REVERSE = '''\
def mlp_vjp(params, x, y, mlp_bar=1.0):
    """Reverse mode (adjoint) of mlp with respect to params.

    Specialised to arrays shaped W1 (*, *), b1 (*,), W2 (*, *), b2 (*,), x (*, *), y (*, *), where * is any length but one."""
    W1 = params["W1"]
    b1 = params["b1"]
    W2 = params["W2"]
    b2 = params["b2"]
    # forward sweep
    t1 = x @ W1
    t2 = t1 + b1
    h = np.tanh(t2)
    t3 = h @ W2
    out = t3 + b2
    t4 = out - y
    t5 = t4 ** 2
    mlp = np.mean(t5)
    # backward sweep
    t5_bar = mlp_bar / np.size(t5)
    t4_bar = t5_bar * 2 * t4
    out_bar = t4_bar
    t3_bar = out_bar
    b2_bar = out_bar.sum(axis=0)
    h_bar = t3_bar @ W2.T
    W2_bar = h.T @ t3_bar
    t2_bar = h_bar * (1 - h ** 2)
    t1_bar = t2_bar
    b1_bar = t2_bar.sum(axis=0)
    W1_bar = x.T @ t1_bar
    return {"W1": W1_bar, "b1": b1_bar, "W2": W2_bar, "b2": b2_bar}
'''

NESTED_FORWARD = '''\
def nested_jvp(params, x, params_dot):
    """Forward mode (tangent) of nested with respect to params."""
    W1 = params[0][0]
    b1 = params[0][1]
    W2 = params[1][0]
    b2 = params[1][1]
    W1_dot = params_dot[0][0]
    b1_dot = params_dot[0][1]
    W2_dot = params_dot[1][0]
    b2_dot = params_dot[1][1]
    t1 = x @ W1
    t1_dot = x @ W1_dot
    t2 = t1 + b1
    t2_dot = t1_dot + b1_dot
    h = np.tanh(t2)
    h_dot = t2_dot * (1 - h ** 2)
    t3 = h @ W2
    t3_dot = h_dot @ W2 + h @ W2_dot
    t4 = t3 + b2
    t4_dot = t3_dot + b2_dot
    t5 = t4 ** 2
    t5_dot = t4_dot * 2 * t4
    nested = np.sum(t5)
    nested_dot = np.sum(t5_dot)
    return (nested, nested_dot)
'''

METHOD_REVERSE = '''\
def loss_vjp(self, w, loss_bar=1.0):
    """Reverse mode (adjoint) of loss with respect to w.

    Specialised to arrays shaped w (*,), x (*, *), y (*,), where * is any length but one."""
    x = self.x
    y = self.y
    scale = self.scale
    # forward sweep
    t1 = x @ w
    r = t1 - y
    t2 = r ** 2
    t3 = np.sum(t2)
    loss = scale * t3
    # backward sweep
    t3_bar = scale * loss_bar
    t2_bar = t3_bar
    r_bar = t2_bar * 2 * r
    t1_bar = r_bar
    w_bar = x.T @ t1_bar
    return w_bar
'''


def body(text):
    return text[text.index("def "):]


def test_golden_mlp_reverse():
    assert body(s2sad.source(mlp, args=(PARAMS, X, Y))) == MLP_REVERSE


def test_golden_nested_tuples_forward():
    assert body(s2sad.source(nested, "forward", args=(NESTED, X))) == NESTED_FORWARD


def test_golden_method_reverse():
    m = Model(X, Y[:, 0])
    assert body(m.loss.source(args=(rng.standard_normal(3),))) == METHOD_REVERSE


def test_golden_rnn_unrolls_the_loop_over_the_list():
    text = s2sad.source(rnn, args=(WS, H0, XS))
    assert "    Ws_0 = Ws[0]\n    Ws_1 = Ws[1]\n    Ws_2 = Ws[2]\n" in text
    assert "    t1 = h @ Ws_0\n" in text and "xs[0]" in text
    assert text.rstrip().endswith("return [Ws_0_bar, Ws_1_bar, Ws_2_bar]")


def test_a_method_calling_another_method_of_self():
    class Net:
        def __init__(self):
            self.W = np.array([[1.0, 0.5], [-0.5, 2.0]])

        def layer(self, h):
            return np.tanh(h @ self.W)

        @s2sad.differentiate
        def loss(self, x):
            return np.sum(self.layer(self.layer(x)) ** 2)

    n, x = Net(), np.array([0.3, -0.2])

    def loss(x, W):
        return anp.sum(anp.tanh(anp.tanh(x @ W) @ W) ** 2)

    assert close(n.loss.grad(x), autograd.grad(loss)(x, n.W))
    assert "layer = np.tanh(" in n.loss.source(args=(x,))


def test_the_decorator_with_wrt_naming_a_structured_parameter():
    @s2sad.differentiate(wrt="params")
    def g(x, params):
        return np.sum(np.sin(params[0] * x) + params[1])

    x, p = np.ones(2), [np.array([0.5, 1.0]), np.zeros(2)]
    grad = g.grad(x, p)
    assert type(grad) is list and close(grad[0], np.cos(p[0] * x) * x) and close(grad[1], np.ones(2))
    text = g.source(args=(x, p))
    assert "params_0 = params[0]" in text and "return [params_0_bar, params_1_bar]" in text


def test_the_cli_shows_a_structured_argument(capsys):
    from s2sad.teach.cli import main

    here = __file__
    assert main(["show", f"{here}:mlp", "--no-color", "--args",
                 '{"W1": [[1.0, 2.0]], "b1": [0.1, 0.2], "W2": [[1.0], [2.0]], "b2": [0.5]}', "[[1.0]]", "[[2.0]]"]) in (0, None)
    out = capsys.readouterr().out
    assert 'W1 = params["W1"]' in out and 'return {"W1": W1_bar, "b1": b1_bar, "W2": W2_bar, "b2": b2_bar}' in out


def test_a_dict_output_takes_and_gives_dicts_in_vjp_and_jvp():
    def f(p, x):
        y = np.sin(p["w"] * x)
        return {"y": y, "s": np.sum(y ** 2)}

    p, x = {"w": np.array([1.0, 2.0])}, np.array([0.5, 0.3])
    out, pullback = s2sad.vjp(f, p, x)
    assert list(out) == ["y", "s"]
    gp, gx = pullback({"y": np.ones(2), "s": 1.0})
    fa = with_autograd(f)

    def scalar(p, x):
        o = fa(p, x)
        return anp.sum(o["y"]) + o["s"]

    assert close(gp, autograd.grad(scalar)(p, x)) and close(gx, autograd.grad(scalar, 1)(p, x))
    value, dot = s2sad.jvp(f, (p, x), ({"w": np.ones(2)}, np.zeros(2)))
    assert list(dot) == ["y", "s"] and close(dot["y"], np.cos(p["w"] * x) * x)
    with pytest.raises(s2sad.ShapeError, match="dict with keys"):
        pullback(np.ones(2))


def test_the_three_models_in_forward_mode_agree_with_autograd():
    v = [rng.standard_normal((3, 3)) for _ in range(3)]
    _, dot = s2sad.jvp(rnn, (WS, H0, XS), (v, np.zeros(3), np.zeros((3, 3))))
    want = autograd.grad(with_autograd(rnn))(WS, H0, XS)
    assert dot == pytest.approx(sum(np.sum(a * b) for a, b in zip(want, v)))
    t = {k: rng.standard_normal(a.shape) for k, a in PARAMS.items()}
    _, dot = s2sad.jvp(mlp, (PARAMS, X, Y), (t, np.zeros_like(X), np.zeros_like(Y)))
    want = autograd.grad(with_autograd(mlp))(PARAMS, X, Y)
    assert dot == pytest.approx(sum(np.sum(want[k] * t[k]) for k in PARAMS))
    m, w, u = Model(X, Y[:, 0]), rng.standard_normal(3), rng.standard_normal(3)
    _, dot = m.loss.jvp((w,), (u,))
    assert dot == pytest.approx(np.sum(X.T @ (X @ w - Y[:, 0]) * u))
    assert "x_dot" not in m.loss.source("forward", args=(w,)) and "w_dot" in m.loss.source("forward", args=(w,))


def stacked(xs):
    return np.sum(np.stack(xs) ** 2)


def indexed(xs, W, T):
    h = np.zeros(2)
    for t in range(T):
        h = np.tanh(h @ W + xs[t])
    return np.sum(h)


def test_a_list_of_arrays_used_whole_or_indexed_at_run_time():
    xs, W = [rng.standard_normal(2) for _ in range(3)], rng.standard_normal((2, 2))
    for f, args in ((stacked, (xs,)), (indexed, (xs, W, 3))):
        g = s2sad.grad(f)(*args)
        assert type(g) is list and close(g, autograd.grad(with_autograd(f))(*args))
    assert "t1 = np.stack([xs_0, xs_1, xs_2])" in s2sad.source(stacked, args=(xs,))
    assert "t2 = [xs_0, xs_1, xs_2][t]" in s2sad.source(indexed, args=(xs, W, 3))
    s2sad.check_grads(indexed, (xs, W, 3), modes=("forward", "reverse"))


class Net:
    """A model that keeps its weights in a dict, and a loss that takes them as a pytree."""

    def __init__(self):
        self.params = {"W1": rng.standard_normal((2, 3)), "W2": rng.standard_normal((3, 1))}

    def forward(self, params, x):
        return np.tanh(x @ params["W1"]) @ params["W2"]

    @s2sad.differentiate
    def loss_x(self, x):
        return np.sum((np.tanh(x @ self.params["W1"]) @ self.params["W2"]) ** 2)

    @s2sad.differentiate
    def loss(self, params, x):
        return np.sum(self.forward(params, x) ** 2)


def test_a_model_differentiated_with_respect_to_its_own_arrays():
    net, x = Net(), rng.standard_normal((4, 2))

    def loss(params, x):
        return anp.sum(anp.dot(anp.tanh(anp.dot(x, params["W1"])), params["W2"]) ** 2)

    g = net.loss.grad(net.params, x)  # the model's arrays, passed as a pytree
    assert list(g) == ["W1", "W2"] and close(g, autograd.grad(loss)(net.params, x))
    assert close(net.loss_x.grad(x), autograd.grad(loss, 1)(net.params, x))  # self.params: constants
    assert 'W1 = self.params["W1"]' in net.loss_x.source(args=(x,))
    net.params = {"W1": np.ones((2, 5)), "W2": np.ones((5, 1))}  # another structure: another specialisation
    assert close(net.loss_x.grad(x), autograd.grad(loss, 1)(net.params, x))


# -- dict comprehensions, dict outputs, export/explain/trace and jit on structured arguments ----------------


def decayed(params, x, y):
    p = {k: 0.9 * v for k, v in params.items() if k != "b2"}
    h = np.tanh(x @ p["W1"] + p["b1"])
    out = h @ p["W2"] + params["b2"]
    return np.mean((out - y) ** 2) + sum(np.sum(v ** 2) for v in p.values())


DECAYED_REVERSE = '''\
def decayed_vjp(params, x, y, decayed_bar=1.0):
    """Reverse mode (adjoint) of decayed with respect to params.

    Specialised to arrays shaped W1 (*, *), b1 (*,), W2 (*, *), b2 (*,), x (*, *), y (*, *), where * is any length but one."""
    W1 = params["W1"]
    b1 = params["b1"]
    W2 = params["W2"]
    b2 = params["b2"]
    # forward sweep
    p_W1 = 0.9 * W1
    p_b1 = 0.9 * b1
    p_W2 = 0.9 * W2
'''


def test_a_dict_comprehension_over_a_parameter_dict_is_unrolled():
    fa = with_autograd(decayed)
    want = autograd.grad(fa)(PARAMS, X, Y)
    g = s2sad.grad(decayed)(PARAMS, X, Y)
    assert list(g) == list(PARAMS) and close(g, want)
    t = {k: rng.standard_normal(a.shape) for k, a in PARAMS.items()}
    _, dot = s2sad.jvp(decayed, (PARAMS, X, Y), (t, np.zeros_like(X), np.zeros_like(Y)))
    assert dot == pytest.approx(sum(np.sum(want[k] * t[k]) for k in PARAMS), rel=1e-10)
    hv = s2sad.hvp(decayed, (PARAMS, X, Y), t)  # second order: forward over reverse, against autograd's
    want_hv = autograd.grad(lambda p: anp.sum(anp.array([anp.sum(autograd.grad(fa)(p, X, Y)[k] * t[k]) for k in p])))(PARAMS)
    assert close(hv, want_hv)
    s2sad.check_grads(decayed, (PARAMS, X, Y), modes=("forward", "reverse"), order=2)
    text = s2sad.source(decayed, args=(PARAMS, X, Y))
    assert text[text.index("def "):].startswith(DECAYED_REVERSE)
    assert "for " not in text and text.rstrip().endswith('return {"W1": W1_bar, "b1": b1_bar, "W2": W2_bar, "b2": b2_bar}')


def dict_out(p, x):
    return {k: np.sin(v * x) for k, v in p.items()}


def test_jacobian_of_a_dict_output_is_in_the_output_structure():
    p, x = {"a": rng.standard_normal(3), "b": rng.standard_normal(3)}, rng.standard_normal(3)
    fa = with_autograd(dict_out)
    for mode in ("reverse", "forward"):
        J = s2sad.jacobian(dict_out, mode=mode)(p, x)  # J[output key][input key], like JAX's jacrev
        assert list(J) == ["a", "b"] and all(list(J[o]) == ["a", "b"] for o in J)
        for o in p:
            for i in p:
                want = autograd.jacobian(lambda pi: fa({**p, i: pi}, x)[o])(p[i])
                assert close(J[o][i], want)
        Jx = s2sad.jacobian(dict_out, wrt=1, mode=mode)(p, x)
        assert list(Jx) == ["a", "b"] and close(Jx["a"], autograd.jacobian(lambda x: fa(p, x)["a"])(x))
    text = s2sad.source(dict_out, "forward", args=(p, x))
    assert text.rstrip().endswith('return ({"a": table_a, "b": table_b}, {"a": table_a_dot, "b": table_b_dot})')


def test_grad_of_a_dict_output_says_what_it_returned():
    def f(x):
        return {"a": np.sin(x), "b": np.sum(x ** 2)}

    for run in (s2sad.grad(f), s2sad.value_and_grad(f)):
        with pytest.raises(s2sad.ShapeError, match=r"returned a dict \(keys 'a', 'b'\)") as info:
            run(X[0])
        assert "s2sad.jacobian" in str(info.value) and "<s2sad" not in str(info.value)
    J = s2sad.jacobian(f)(X[0])
    assert list(J) == ["a", "b"] and close(J["b"], 2 * X[0])


def test_export_of_a_structured_function_has_the_original_signature(tmp_path):
    text = s2sad.export(mlp, args=(PARAMS, X, Y), modes=("reverse", "value_and_grad", "forward"))
    assert "def mlp_vjp(params, x, y, mlp_bar=1.0):" in text and "def mlp_jvp(params, x, y, params_dot):" in text
    assert '    W1 = params["W1"]' in text and '    W1_dot = params_dot["W1"]' in text
    assert "with respect to params, generated by s2sad" in text
    ns = {}
    exec(compile(str(text), "exported", "exec"), ns)
    want = s2sad.grad(mlp)(PARAMS, X, Y)
    assert close(ns["mlp_vjp"](PARAMS, X, Y), want)
    value, g = ns["mlp_value_and_grad"](PARAMS, X, Y)
    assert value == pytest.approx(mlp(PARAMS, X, Y)) and close(g, want)
    t = {k: rng.standard_normal(a.shape) for k, a in PARAMS.items()}
    assert ns["mlp_jvp"](PARAMS, X, Y, t)[1] == pytest.approx(sum(np.sum(want[k] * t[k]) for k in PARAMS))


def test_explain_and_trace_say_which_leaf_each_name_is():
    text = str(s2sad.explain(mlp, args=(PARAMS, X, Y)))
    assert 'Leaves of the structured arguments: W1 <- params["W1"], b1 <- params["b1"], W2 <- params["W2"], b2 <- params["b2"].' in text
    tr = s2sad.trace(mlp, (PARAMS, X, Y))
    inputs = [r.text for r in tr.records if r.phase == "input"]
    assert inputs[:4] == ['W1  # params["W1"]', 'b1  # params["b1"]', 'W2  # params["W2"]', 'b2  # params["b2"]']
    assert 'W1  # params["W1"]' in str(tr)


def test_jit_of_a_structured_gradient():
    pytest.importorskip("numba")
    g = s2sad.jit(s2sad.grad(mlp))
    assert close(g(PARAMS, X, Y), s2sad.grad(mlp)(PARAMS, X, Y))
    value, gv = s2sad.jit(s2sad.value_and_grad(mlp))(PARAMS, X, Y)
    assert value == pytest.approx(mlp(PARAMS, X, Y)) and list(gv) == list(PARAMS)
    t = {k: np.zeros_like(a) for k, a in PARAMS.items()}
    with pytest.raises(s2sad.InputError, match="does not compile a function of dicts"):
        s2sad.jit(s2sad.jvp)(mlp, (PARAMS, X, Y), (t, np.zeros_like(X), np.zeros_like(Y)))
