"""Reverse mode specialised on the arrays' ranks and axes of length one (s2sad/analysis/layouts.py).

Golden text for the recurrent net and the MLP (the adjoints read as the lecture's backprop:
`b_bar += t7_bar.sum(axis=0)`, `h_bar = t7_bar @ W.T`), then seeded random broadcasting
programs against autograd and against the pass switched off, the cache key (one grad object
called with arrays of other layouts), and the cases the layouts cannot decide.
"""
from __future__ import annotations

import random

import numpy as np
import pytest

import s2sad
from s2sad.analysis import layouts
from s2sad.passes import settings as optimize
from program_files import load_module

from benchmarks.workloads import mlp, rnn  # the benchmark's functions: what the README's numbers time

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")


def _rnn_args(batch: int = 2):
    rng = np.random.default_rng(7)
    return (rng.standard_normal((4, 4)) * 0.4, rng.standard_normal((3, 4)) * 0.4, rng.standard_normal(4) * 0.1,
            rng.standard_normal((batch, 4)) * 0.3, rng.standard_normal((5, batch, 3)))


RNN_GRAD = '''\
def rnn_grad(W, U, b, h0, xs):
    """Reverse mode (adjoint) of rnn with respect to W, U, b.

    Specialised to arrays shaped W (*, *), U (*, *), b (*,), h0 (*, *), xs (*, *, *), where * is any length but one."""
    # forward sweep
    stack = Stack()
    h = h0
    t1 = xs.shape
    t2 = t1[0]
    t4 = None
    for t in range(t2):
        t3 = h @ W
        stack.append(t4)
        t4 = xs[t]
        t5 = t4 @ U
        t6 = t3 + t5
        t7 = t6 + b
        stack.append(h)
        h = np.tanh(t7)
    # backward sweep
    h_bar = 2.0 * h
    U_bar = np.zeros_like(U, dtype=float)
    W_bar = np.zeros_like(W, dtype=float)
    b_bar = np.zeros_like(b, dtype=float)
    for t in reversed(range(t2)):
        t7_bar = h_bar * (1 - h ** 2)
        h = stack.pop()
        b_bar += t7_bar.sum(axis=0)
        U_bar += t4.T @ t7_bar
        t4 = stack.pop()
        h_bar = t7_bar @ W.T
        W_bar += h.T @ t7_bar
    return (W_bar, U_bar, b_bar)
'''


def test_golden_rnn_reads_like_the_hand_written_backprop():
    text = s2sad.source(rnn, "grad", wrt=(0, 1, 2), args=_rnn_args())
    assert text.endswith(RNN_GRAD)
    assert "import Stack\n" in text  # no unbroadcast, no matmul_adjoint helpers left
    # h is an array (computed from the array h0), so the seed stays a number: 2.0 * h, not a spread seed.
    with optimize.settings(layouts=False):
        generic = s2sad.source(rnn, "grad", wrt=(0, 1, 2), args=_rnn_args())
    # Without the facts: t3 and t5 are saved only for their shapes, and t6 is computed again for its own.
    assert "stack.append(t3)" in generic and "        t6 = t3 + t5\n" in generic.split("# backward sweep")[1]
    assert "Specialised" not in generic


def test_rnn_gradients_match_autograd_and_the_generic_code():
    def rnn_ag(W, U, b, h0, xs):
        h = h0
        for t in range(xs.shape[0]):
            h = anp.tanh(h @ W + xs[t] @ U + b)
        return anp.sum(h ** 2)

    for batch in (2, 1):  # a batch of one is another layout: axes of length one
        args = _rnn_args(batch)
        got = s2sad.grad(rnn, wrt=(0, 1, 2))(*args)
        want = autograd.grad(rnn_ag, (0, 1, 2))(*args)
        with optimize.settings(layouts=False):
            generic = s2sad.grad(rnn, wrt=(0, 1, 2))(*args)
        for g, w, o in zip(got, want, generic):
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(g, o, rtol=1e-12, atol=1e-14)


def test_golden_mlp_backward_sweep():
    rng = np.random.default_rng(3)
    args = (rng.standard_normal((5, 4)), np.zeros(4), rng.standard_normal((4, 3)), np.zeros(3),
            rng.standard_normal((6, 5)), np.eye(3)[rng.integers(0, 3, 6)])
    with optimize.settings(reuse=False):  # the layouts' rewrites alone (test_reuse.py shows the out= on top)
        text = s2sad.source(mlp, "grad", wrt=(0, 1, 2, 3), args=args)
    for line in ("    t5_bar = (-p_bar * e / t5 ** 2).sum(axis=1, keepdims=True)\n",
                 "    b2_bar = logits_bar.sum(axis=0)\n", "    h_bar = logits_bar @ W2.T\n", "    W2_bar = h.T @ logits_bar\n",
                 "    t2_bar = h_bar * (1 - h ** 2)\n",
                 # A row sum's adjoint meets an array of the row's shape: it broadcasts, no spread copy.
                 "    e_bar = e_bar + t5_bar\n", "    logits_bar = logits_bar + m_bar * tie_weights(logits, m, 1, True)\n", "    b1_bar = t2_bar.sum(axis=0)\n", "    W1_bar = X.T @ t2_bar\n"):
        assert line in text
    assert "unbroadcast" not in text and "matmul_adjoint" not in text
    # Y has no axis of length one, so the loss's seed meets it as a number (scalar_adjoints.py), and the
    # forward sweep no longer computes log(p) and Y * log(p) only for their shape
    assert "    t6_bar = Y * -t9_bar\n" in text and "np.log" not in text and "unsum" not in text

    def mlp_ag(W1, b1, W2, b2, X, Y):
        h = anp.tanh(X @ W1 + b1)
        logits = h @ W2 + b2
        e = anp.exp(logits - anp.max(logits, axis=1, keepdims=True))
        p = e / anp.sum(e, axis=1, keepdims=True)
        return -anp.sum(Y * anp.log(p)) / X.shape[0]

    got = s2sad.grad(mlp, wrt=(0, 1, 2, 3))(*args)
    for g, w in zip(got, autograd.grad(mlp_ag, (0, 1, 2, 3))(*args)):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


# -- one grad object, arrays of several layouts ----------------------------------------------


def affine(x, b):
    return np.sum(np.tanh(x + b) ** 2)


@pytest.mark.parametrize("shapes", [
    [((3, 4), (4,)), ((1, 4), (4,)), ((3, 4), (1, 4)), ((3, 1), (4,)), ((3, 4), (3, 1)), ((3, 4), ()), ((4,), (3, 4))],
])
def test_each_layout_gets_its_own_code(shapes):
    g = s2sad.grad(affine, wrt=(0, 1))
    ref = autograd.grad(lambda x, b: anp.sum(anp.tanh(x + b) ** 2), (0, 1))
    rng = np.random.default_rng(11)
    for sx, sb in shapes * 2:  # the second round runs every cached entry again
        x = rng.standard_normal(sx)
        b = rng.standard_normal(sb) if sb else 0.3
        got, want = g(x, b), ref(x, b)
        for a, w, arg in zip(got, want, (x, b)):
            assert np.shape(a) == np.shape(arg)
            np.testing.assert_allclose(a, w, rtol=1e-12, atol=1e-14)
    assert len(g._fast) == len(shapes)


def test_a_batch_of_one_keeps_its_sum():
    # x (1, 4) + b (3, 1): both arrays are broadcast, so both adjoints are sums.
    text = s2sad.source(affine, "grad", wrt=(0, 1), args=(np.ones((1, 4)), np.ones((3, 1))))
    assert "    x_bar = t1_bar.sum(axis=0, keepdims=True)\n    b_bar = t1_bar.sum(axis=1, keepdims=True)\n" in text
    assert "Specialised to arrays shaped x (1, *), b (*, 1), where * is any length but one." in text


def test_an_empty_axis_against_a_unit_one():
    x, b = np.ones((0, 3)), np.ones((1, 3))
    gx, gb = s2sad.grad(affine, wrt=(0, 1))(x, b)
    assert gx.shape == (0, 3) and gb.shape == (1, 3) and not gb.any()


# -- what the layouts cannot decide stays a runtime helper ---------------------------------------


def sliced(x, b):
    return np.sum(np.sin(x[1:] + b))


def shrinking(x, b):
    for i in range(2):
        x = np.sum(x, axis=0) + b  # x's rank changes from one iteration to the next
    return np.sum(x ** 2)


def test_undecided_cases_keep_the_helper_and_stay_right():
    x, b = np.linspace(0.1, 1.0, 4), np.array([0.5])
    text = s2sad.source(sliced, "grad", wrt=(0, 1), args=(x, b))
    assert "unbroadcast(" in text  # x[1:] may have one element: b's sum is decided at run time
    for xs in (x, x[:2]):
        gx, gb = s2sad.grad(sliced, wrt=(0, 1))(xs, b)
        ref = autograd.grad(lambda x, b: anp.sum(anp.sin(x[1:] + b)), (0, 1))(xs, b)
        np.testing.assert_allclose(gx, ref[0], rtol=1e-12)
        np.testing.assert_allclose(gb, ref[1], rtol=1e-12)
    X, c = np.linspace(0.0, 1.0, 24).reshape(2, 3, 4), np.linspace(1.0, 2.0, 4)
    got = s2sad.grad(shrinking, wrt=(0, 1))(X, c)

    def shrinking_ag(x, b):
        for i in range(2):
            x = anp.sum(x, axis=0) + b
        return anp.sum(x ** 2)

    for a, w in zip(got, autograd.grad(shrinking_ag, (0, 1))(X, c)):
        np.testing.assert_allclose(a, w, rtol=1e-12)


def test_layout_inference_cases():
    assert layouts.of_value(np.ones((2, 1, 3))) == (False, True, False)
    assert layouts.of_value(2.0) == () and layouts.of_value([1.0]) is None
    assert layouts.broadcast([(False,), (True, True)]) == (True, False)
    assert layouts.broadcast([(None,), (True,)]) == (None,) and layouts.broadcast([(False,), None]) is None
    assert layouts._product((False, False), (False,), dot=False) == (False,)
    assert layouts._product((False,), (False, True), dot=False) == (True,)
    assert layouts._product((True, False, False), (False, False), dot=False) == (True, False, False)
    assert layouts._product((False, False, False), (False, False), dot=True) is None  # np.dot of stacks
    assert layouts._reduced((False, True, False), s2sad.ir.Const(-1), s2sad.ir.Const(True)) == (False, True, True)
    assert layouts._reduced((False, True, False), s2sad.ir.Const((0, 2)), None) == (True,)


# -- seeded random broadcasting programs ---------------------------------------------------------

ELEMENTWISE = ["{} * {}", "{} + {}", "{} - {}", "np.sin({})", "np.tanh({}) * {}", "np.exp(-{} * {})", "({} - 0.5) ** 2"]


def _draw(r: random.Random) -> tuple[str, dict[str, tuple[int, ...]]]:
    """A program over a, b, c (shapes that broadcast together, axes of length one included) and W."""
    full = tuple(r.choice([1, 2, 3]) for _ in range(r.randint(1, 3)))
    shapes = {}
    for name in "abc":
        rank = r.randint(0, len(full))
        shapes[name] = tuple(1 if r.random() < 0.3 else d for d in full[len(full) - rank:])
    out = np.broadcast_shapes(*shapes.values())

    def expr(depth: int) -> str:
        if depth == 0 or r.random() < 0.3:
            return r.choice("abc")
        form = r.choice(ELEMENTWISE)
        return form.format(*(expr(depth - 1) for _ in range(form.count("{}"))))

    lines = [f"    t = {expr(3)} + a * b * c"]
    if out:
        lines.append(f"    s = np.sum(t, axis={r.randrange(len(out))}, keepdims=True)")
        lines.append(f"    u = t * s + {expr(2)}")
        rows = out[-1]
        shapes["W"] = (rows, r.choice([1, 2, 3])) if r.random() < 0.7 else (rows,)
        lines.append("    v = u @ W" if r.random() < 0.7 else "    v = np.dot(u, W)" if len(out) <= 2 else "    v = u @ W")
    else:
        shapes["W"] = ()
        lines.append("    v = t * W")
    lines += ["    for i in range(2):", "        v = np.tanh(v) * 0.9 + 0.1 * v", "    return np.sum(v ** 2)"]
    return "import numpy as np\n\n\ndef f(a, b, c, W):\n" + "\n".join(lines) + "\n", shapes


def _load(tmp_path, text: str, name: str, module):
    return load_module(tmp_path, text, name, module).f


@pytest.mark.parametrize("seed", range(60))
def test_random_broadcasting_programs(tmp_path, seed):
    r = random.Random(seed)
    text, shapes = _draw(r)
    rng = np.random.default_rng(seed)
    args = tuple(rng.standard_normal(s) * 0.5 if s else 0.7 for s in shapes.values())
    f = _load(tmp_path, text, f"layouts_np_{seed}", np)
    f_ag = _load(tmp_path, text, f"layouts_ag_{seed}", anp)
    wrt = (0, 1, 2, 3)
    got = s2sad.grad(f, wrt=wrt)(*args)
    want = autograd.grad(f_ag, wrt)(*args)
    with optimize.settings(layouts=False):
        generic = s2sad.grad(f, wrt=wrt)(*args)
    message = f"{text}\nshapes {shapes}"
    for g, w, o, a in zip(got, want, generic, args):
        assert np.shape(g) == np.shape(a), message
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-11, err_msg=message)
        np.testing.assert_allclose(g, o, rtol=1e-12, atol=1e-13, err_msg=message)
    # The dot-product test between the modes: <J v, u> = <v, J^T u>, with vjp on the same layouts.
    v = tuple(rng.standard_normal(np.shape(a)) if np.ndim(a) else 0.3 for a in args)
    _, jv = s2sad.jvp(f, args, v)
    _, pullback = s2sad.vjp(f, *args)
    jtu = pullback(1.0)
    assert np.isclose(jv, sum(np.sum(x * y) for x, y in zip(v, jtu)), rtol=1e-9, atol=1e-11), message


def test_readme_shows_the_real_rnn_backward_step():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = readme.split("a TA would write:\n\n```python\n", 1)[1].split("```", 1)[0]
    assert block in s2sad.source(rnn, "grad", wrt=(0, 1, 2), args=_rnn_args())


G = np.array([0.5])  # a module-level array: the layouts know nothing of it


def rebound_from_a_global(x, c):
    y = x * 2.0
    if c > 0:
        y = G * x[0]  # y is (1,) on this path, (3,) on the other
    return np.sum(np.sin(y + x))


def test_a_name_also_bound_from_a_global_has_no_known_layout():
    # Regression: the binding that reads G was skipped as "not seen yet", so y looked (3,)-shaped and
    # y + x needed no unbroadcast: y's adjoint came out (3,) and x[0]'s three times too big.
    x = np.array([0.1, 0.2, 0.3])

    def ref(x, c):
        y = x * 2.0
        if c > 0:
            y = G * x[0]
        return anp.sum(anp.sin(y + x))

    for c in (1.0, -1.0):
        np.testing.assert_allclose(s2sad.grad(rebound_from_a_global)(x, c), autograd.grad(ref)(x, c), rtol=1e-12)
    assert "y_bar = unbroadcast(t3_bar, y)" in s2sad.source(rebound_from_a_global, "grad", args=(x, 1.0))


def test_keyword_arrays_key_their_layouts_too():
    g = s2sad.grad(affine, wrt=(0, 1))
    ref = autograd.grad(lambda x, b: anp.sum(anp.tanh(x + b) ** 2), (0, 1))
    x = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    for b in (np.linspace(0.0, 1.0, 4), np.linspace(0.0, 1.0, 3).reshape(3, 1), np.array([[0.5]])):
        for got, want in zip(g(x=x, b=b), ref(x, b)):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    assert len(g._fast) == 3
