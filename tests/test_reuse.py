"""Writing results into dead temporaries with `out=` (s2sad/passes/reuse.py).

Golden text for the elementwise benchmark's gradient (before and after), then the
cases the pass must leave alone (a view, an alias, a name read later, a result
of another shape or dtype), the dtype key (float32 and int arrays after float64
ones), and seeded random programs over mixed dtypes against autograd and
against the pass switched off.
"""
from __future__ import annotations

import random

import numpy as np
import pytest

import s2sad
from s2sad.passes import settings as optimize
from program_files import load_module

from benchmarks.workloads import elementwise, mlp

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")

ELEMENTWISE_BEFORE = '''\
    t1 = np.sin(x)
    t2 = -x
    t3 = t2 * x
    t4 = np.exp(t3)
    t6 = np.tanh(x)
    # backward sweep
    x_bar = 1 - t6 ** 2
    t3_bar = t1 * t4
    x_bar -= 2 * x * t3_bar
    x_bar += t4 * np.cos(x)
    return x_bar
'''

ELEMENTWISE_AFTER = '''\
    t1 = np.sin(x)
    t2 = -x
    t3 = np.multiply(t2, x, out=t2)
    t4 = np.exp(t3, out=t3)
    t6 = np.tanh(x)
    # backward sweep
    x_bar = np.subtract(1, t6 ** 2, out=t6)
    t3_bar = np.multiply(t1, t4, out=t1)
    x_bar -= np.multiply(2 * x, t3_bar, out=t3_bar)
    x_bar += np.multiply(t4, np.cos(x), out=t4)
    return x_bar
'''


def _body(text: str) -> str:
    return text.split("# forward sweep\n", 1)[1]


def test_golden_elementwise_before_and_after():
    x = np.linspace(-1.0, 1.0, 5)
    with optimize.settings(reuse=False, sincos=False):  # (sine and cosine together: tests/test_sincos.py)
        assert _body(s2sad.source(elementwise, "grad", args=(x,))) == ELEMENTWISE_BEFORE
    with optimize.settings(sincos=False):
        after = s2sad.source(elementwise, "grad", args=(x,))
    assert _body(after) == ELEMENTWISE_AFTER
    assert "Writes into dead temporaries (`out=`), which is right for arrays of these dtypes: x float64." in after
    assert "out=" not in s2sad.source(elementwise, "grad")  # without arguments: no dtypes, no reuse
    assert "out=" not in s2sad.source(elementwise, "reverse", args=(x,))  # the teaching view stays plain


def test_mlp_hidden_layer_is_one_array():
    rng = np.random.default_rng(0)
    args = (rng.standard_normal((6, 5)), np.zeros(5), rng.standard_normal((5, 3)), np.zeros(3),
            rng.standard_normal((4, 6)), np.eye(3)[rng.integers(0, 3, 4)])
    text = s2sad.source(mlp, "grad", wrt=(0, 1, 2, 3), args=args)
    for line in ("t2 = np.add(t1, b1, out=t1)", "h = np.tanh(t2, out=t2)", "t2_bar = np.multiply(h_bar, 1 - h ** 2, out=h_bar)"):
        assert line in text
    got = s2sad.grad(mlp, wrt=(0, 1, 2, 3))(*args)  # (test_layouts.py checks it against autograd)
    with optimize.settings(reuse=False):
        want = s2sad.grad(mlp, wrt=(0, 1, 2, 3))(*args)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def _grad_source(tmp_path, text: str, args: tuple, wrt=0) -> tuple[str, object]:
    f = load_module(tmp_path, text, f"reuse_{abs(hash(text)) % 10**8}").f
    return s2sad.source(f, "grad", wrt=wrt, args=args), f


def test_a_view_of_the_temporary_keeps_it(tmp_path):
    text = "import numpy as np\n\n\ndef f(x):\n    t = x * 2.0\n    v = t[1:]\n    w = np.exp(t)\n    return np.sum(v * w[1:])\n"
    x = np.linspace(0.1, 1.0, 6)
    src, f = _grad_source(tmp_path, text, (x,))
    assert "out=t" not in src.replace("out=t_", "")
    np.testing.assert_allclose(s2sad.grad(f)(x), autograd.grad(lambda x: anp.sum((x * 2.0)[1:] * anp.exp(x * 2.0)[1:]))(x), rtol=1e-12)


def test_a_folded_alias_and_a_later_reader(tmp_path):
    text = ("import numpy as np\n\n\ndef f(x):\n    t = x * 3.0\n    u = t\n    s = np.sin(t)\n    r = np.cos(x * 2.0)\n"
            "    q = r * x\n    return np.sum(s * u) + np.sum(q * r)\n")
    x = np.linspace(-1.0, 1.0, 7)
    src, f = _grad_source(tmp_path, text, (x,))
    # u = t is folded away, so t is the one name of its array; r goes into out= only at its last reader
    assert "t_bar = np.multiply(t, np.cos(t), out=t)" in src
    backward = src.split("# backward sweep")[1]
    assert backward.index("out=r)") > max(backward.index(line) for line in ("r_bar = 2 * r * x",))
    want = autograd.grad(lambda x: anp.sum(anp.sin(x * 3.0) * x * 3.0) + anp.sum(anp.cos(x * 2.0) * x * anp.cos(x * 2.0)))(x)
    np.testing.assert_allclose(s2sad.grad(f)(x), want, rtol=1e-12)


def test_names_a_loop_reads_keep_their_arrays(tmp_path):
    text = ("import numpy as np\n\n\ndef f(x):\n    t = x * 3.0\n    s = np.sin(t)\n    acc = 0.0\n"
            "    for i in range(3):\n        acc = acc + np.sum(t * s) * i\n    return acc\n")
    x = np.linspace(-1.0, 1.0, 7)
    src, f = _grad_source(tmp_path, text, (x,))
    assert "out=t)" not in src and "out=s)" not in src
    want = autograd.grad(lambda x: 3 * anp.sum(x * 3.0 * anp.sin(x * 3.0)))(x)
    np.testing.assert_allclose(s2sad.grad(f)(x), want, rtol=1e-12)


def test_a_result_of_another_shape_or_a_wider_dtype_does_not_go_into_the_temporary(tmp_path):
    text = ("import numpy as np\n\n\ndef f(x, y):\n    a = x * 2.0\n    b = a + y\n    c = np.exp(x)\n    d = c * y\n"
            "    return np.sum(b ** 2) + np.sum(d)\n")
    x32 = np.linspace(0.1, 1.0, 4).astype(np.float32)
    y64 = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    src, f = _grad_source(tmp_path, text, (x32, y64), wrt=(0, 1))
    assert "out=a)" not in src  # a + y is (3, 4), a is (4,)
    assert "out=c)" not in src  # c * y is float64 and (3, 4); c is float32
    gx, gy = s2sad.grad(f, wrt=(0, 1))(x32, y64)
    with optimize.settings(reuse=False):
        ox, oy = s2sad.grad(f, wrt=(0, 1))(x32, y64)
    assert gx.dtype == ox.dtype == np.float32 and gy.dtype == oy.dtype == np.float64
    np.testing.assert_array_equal(gx, ox)
    np.testing.assert_array_equal(gy, oy)


def test_the_dtype_is_part_of_the_cache_key(tmp_path):
    text = "import numpy as np\n\n\ndef f(x, y):\n    t = x * y\n    u = np.tanh(t)\n    return np.sum(u * x)\n"
    f = load_module(tmp_path, text, "reuse_key").f
    g = s2sad.grad(f)
    calls = [(np.linspace(0.1, 1.0, 5), np.linspace(1.0, 2.0, 5)),
             (np.linspace(0.1, 1.0, 5).astype(np.float32), np.linspace(1.0, 2.0, 5)),  # t is float64: not into x's dtype
             (np.arange(5), np.linspace(1.0, 2.0, 5)),
             (np.linspace(0.1, 1.0, 5).astype(np.float32), np.linspace(1.0, 2.0, 5).astype(np.float32))]
    for x, y in calls:
        got = g(x, y)
        want = autograd.grad(lambda x, y: anp.sum(anp.tanh(x * y) * x))(x.astype(float), y.astype(float))
        assert got.dtype == (x.dtype if x.dtype.kind == "f" else np.float64)
        np.testing.assert_allclose(got, want, rtol=1e-5 if np.float32 in (x.dtype, y.dtype) else 1e-12)
    assert len(g._fast) == len(calls)


def test_the_switch_turns_it_off():
    x = np.linspace(-1.0, 1.0, 5)
    with optimize.settings(reuse=False):
        assert "out=" not in s2sad.source(elementwise, "grad", args=(x,))
        off = s2sad.grad(elementwise)(x)
    np.testing.assert_allclose(s2sad.grad(elementwise)(x), off, rtol=1e-13)


# -- seeded random programs over mixed dtypes ---------------------------------------------------

FORMS = ["{} * {}", "{} + {}", "{} - {}", "np.sin({})", "np.exp(-{} * {})", "np.tanh({}) * {}", "({} - 0.5) ** 2",
         "{} / (1.0 + {} ** 2)", "np.sum({}, axis=-1, keepdims=True) * {}"]
DTYPES = [np.float64, np.float64, np.float32, np.int64]


def _draw(r: random.Random) -> tuple[str, dict[str, tuple[tuple[int, ...], type]]]:
    full = tuple(r.choice([1, 2, 3]) for _ in range(r.randint(1, 2)))
    params = {}
    for name in "abc":
        rank = r.randint(0, len(full))
        params[name] = (tuple(1 if r.random() < 0.25 else d for d in full[len(full) - rank:]) or (full[-1],), r.choice(DTYPES))

    def expr(depth: int) -> str:
        if depth == 0 or r.random() < 0.25:
            return r.choice("abc")
        form = r.choice(FORMS)
        return "(" + form.format(*(expr(depth - 1) for _ in range(form.count("{}")))) + ")"

    lines = []
    names = list("abc")
    for i in range(r.randint(3, 6)):
        e = expr(2)
        for n in r.sample(names, min(2, len(names))):
            e = f"({e}) * {n}" if r.random() < 0.5 else e
        lines.append(f"    t{i} = {e}")
        names.append(f"t{i}")
    lines.append("    return " + " + ".join(f"np.sum({n} ** 2)" for n in r.sample(names[3:], min(3, len(names) - 3))))
    return "import numpy as np\n\n\ndef f(a, b, c):\n" + "\n".join(lines) + "\n", params


@pytest.mark.parametrize("seed", range(40))
def test_random_programs_over_mixed_dtypes(tmp_path, seed):
    r = random.Random(seed)
    text, params = _draw(r)
    rng = np.random.default_rng(seed)
    args = tuple((rng.integers(-2, 3, s) if t is np.int64 else rng.standard_normal(s).astype(t) * 0.5) for s, t in params.values())
    f = load_module(tmp_path, text, f"reuse_np_{seed}").f
    f_ag = load_module(tmp_path, text, f"reuse_ag_{seed}", anp).f
    wrt = (0, 1, 2)
    got = s2sad.grad(f, wrt=wrt)(*args)
    with optimize.settings(reuse=False):
        plain = s2sad.grad(f, wrt=wrt)(*args)
    want = autograd.grad(f_ag, wrt)(*(a.astype(float) for a in args))
    message = f"{text}\n{params}\n{s2sad.source(f, 'grad', wrt=wrt, args=args)}"
    low = any(a.dtype == np.float32 for a in args)
    for g, p, w in zip(got, plain, want):
        assert g.dtype == p.dtype and g.shape == p.shape, message
        np.testing.assert_array_equal(g, p, err_msg=message)  # the same arithmetic, into other memory
        np.testing.assert_allclose(g, w, rtol=2e-3 if low else 1e-9, atol=1e-3 if low else 1e-10, err_msg=message)


def test_random_programs_use_the_pass():
    """The programs above exercise it: most of them write into a temporary."""
    import tempfile
    from pathlib import Path

    used = 0
    with tempfile.TemporaryDirectory() as d:
        for seed in range(40):
            r = random.Random(seed)
            text, params = _draw(r)
            rng = np.random.default_rng(seed)
            args = tuple((rng.integers(-2, 3, s) if t is np.int64 else rng.standard_normal(s).astype(t) * 0.5) for s, t in params.values())
            f = load_module(Path(d), text, f"reuse_use_{seed}").f
            used += "out=" in s2sad.source(f, "grad", wrt=(0, 1, 2), args=args)
    assert used >= 20


def test_value_and_grad_reuses_too():
    """What value_and_grad runs (the value kept, its seed f_bar=1.0 a Python float) writes into dead temporaries too."""
    x = np.linspace(-1.0, 1.0, 9)
    vg = s2sad.value_and_grad(elementwise)
    value, grad = vg(x)
    (compiled, _, _, _), = vg._fast.values()
    text = compiled.__s2sad_source__
    assert "t4 = np.exp(t3, out=t3)" in text and "x_bar = np.multiply(t6_bar, 1 - t6 ** 2, out=t6)" in text
    with optimize.settings(reuse=False):
        value_off, grad_off = s2sad.value_and_grad(elementwise)(x)
    assert value == value_off
    np.testing.assert_array_equal(grad, grad_off)
    np.testing.assert_allclose(grad, autograd.grad(lambda x: anp.sum(anp.sin(x) * anp.exp(-x * x) + anp.tanh(x)))(x), rtol=1e-12)


def _scaled(x, scale=2.0):
    return np.sum(np.tanh(x * scale) * x)


def test_a_float_default_may_be_a_numpy_scalar():
    """`scale=2.0` given as np.float64 with a float32 x: x * scale is float64, so it must not go into
    a float32 temporary (only value_and_grad's own seed is taken for the Python float it defaults to)."""
    x = np.linspace(-1.0, 1.0, 5).astype(np.float32)
    for scale in (2.0, np.float64(2.0), np.float32(2.0)):
        got = s2sad.value_and_grad(_scaled)(x, scale)[1]
        with optimize.settings(reuse=False):
            want = s2sad.value_and_grad(_scaled)(x, scale)[1]
        np.testing.assert_array_equal(got, want)
