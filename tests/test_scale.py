"""Scale: closures share one generation per code object (issue 25, item 11), and what keeps
generation linear in the size of a function (item 10)."""
from __future__ import annotations

import gc
import threading

import numpy as np
import pytest

import s2sad
from s2sad.driver import pipeline
from s2sad.primitives.registry import forget_derivatives

X = np.array([0.3, -0.7, 1.1, 0.2])


def make(a):
    def f(x):
        return np.sum(a * np.sin(x))

    return f


def make_two(a, b):
    def f(x):
        return np.sum(a * x * x + b * np.cos(x))

    return f


def make_calling(h, c):
    def f(x):
        return np.sum(h(x) * c)

    return f


def square(x):
    return x * x


def cube(x):
    return x * x * x


def counter():
    a = 1.0

    def f(x):
        return np.sum(a * x * x)

    def set_a(v):
        nonlocal a
        a = v

    return f, set_a


@pytest.fixture(autouse=True)
def _empty_cache():
    forget_derivatives()
    yield


def test_many_closures_one_generation():
    rng = np.random.default_rng(25)
    values = [float(v) for v in rng.standard_normal(200)] + [rng.standard_normal(4) for _ in range(200)] + list(range(-3, 4))
    s2sad.grad(make(0.5))(X)
    misses = s2sad.cache_info().misses
    for a in values:
        np.testing.assert_allclose(s2sad.grad(make(a))(X), a * np.cos(X), rtol=1e-12)
    assert s2sad.cache_info().misses == misses  # numbers (floats, ints) and arrays alike: no generation


def test_closures_of_two_values_and_the_value_and_gradient():
    for k in range(50):
        a, b = 0.1 * k, np.full(4, -0.05 * k)
        value, g = s2sad.value_and_grad(make_two(a, b))(X)
        assert value == pytest.approx(np.sum(a * X * X + b * np.cos(X)))
        np.testing.assert_allclose(g, 2 * a * X - b * np.sin(X), rtol=1e-12, atol=1e-15)
    assert s2sad.cache_info().misses <= 2


def test_second_order_of_many_closures():
    for k in range(1, 30):
        f = make(float(k))
        np.testing.assert_allclose(s2sad.hessian(f)(X), np.diag(-k * np.sin(X)), rtol=1e-12, atol=1e-15)
    first = s2sad.cache_info().misses
    for k in range(30, 60):
        s2sad.hessian(make(float(k)))(X)
    assert s2sad.cache_info().misses == first


def test_a_re_bound_cell_is_read_at_call_time():
    f, set_a = counter()
    g = s2sad.grad(f)
    np.testing.assert_allclose(g(X), 2 * X)
    misses = s2sad.cache_info().misses
    for v in (2.0, -1.0, np.arange(4.0), 3):
        set_a(v)
        np.testing.assert_allclose(g(X), 2 * v * X)
        np.testing.assert_allclose(s2sad.grad(f)(X), 2 * v * X)
    assert s2sad.cache_info().misses == misses


def test_a_closure_holding_a_called_function_keys_the_code():
    # The closures are kept alive: a code's shared generation lives as long as one of its closures does, and
    # when a dead one is freed depends on the cyclic collector, whose timing depends on the tests before.
    alive = []
    for k in range(20):
        alive += [make_calling(square, float(k)), make_calling(cube, float(k))]
        np.testing.assert_allclose(s2sad.grad(alive[-2])(X), 2 * k * X)
        np.testing.assert_allclose(s2sad.grad(alive[-1])(X), 3 * k * X * X)
    assert s2sad.cache_info().misses <= 4 + 4  # one lowering and one gradient per helper (and the helpers' own)


def test_closures_from_threads():
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            for k in range(40):
                a = seed + 0.01 * k
                np.testing.assert_allclose(s2sad.grad(make(a))(X), a * np.cos(X), rtol=1e-12)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert s2sad.cache_info().misses == 2


def test_the_generated_text_names_the_closure_variable():
    text = s2sad.source(make(3.0))
    assert "a" in text and "3.0" not in text
    assert s2sad.source(make(np.ones(4))) == text


def test_the_collector_is_paused_during_a_build_only():
    assert gc.isenabled()
    seen: list[bool] = []
    original = pipeline.compile_ir

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    pipeline.compile_ir = spy
    try:
        s2sad.grad(make(1.0))(X)
        assert seen == [False] and gc.isenabled()
        gc.disable()  # the user's own choice stays
        forget_derivatives()
        s2sad.grad(make(2.0))(X)
        assert not gc.isenabled()
    finally:
        gc.enable()
        pipeline.compile_ir = original


def _chain(n: int) -> str:
    lines = ["import numpy as np", "", "", "def f(x):", "    y = x"]
    lines += ["    y = np.sin(y) * x" if k % 2 else "    y = y + 0.5" for k in range(n)]
    return "\n".join(lines + ["    return np.sum(y)", ""])


def test_a_long_chain_of_re_bindings(tmp_path):
    import importlib.util

    path = tmp_path / "chain_scale.py"
    path.write_text(_chain(600))
    spec = importlib.util.spec_from_file_location("chain_scale", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    low = pipeline.lowered(mod.f)
    names = [s.target for s in low.fn.body if getattr(s, "target", None) and str(s.target).startswith("y")]
    assert names[:3] == ["y", "y_1", "y_2"] and names[-1] == "y_600"  # one name per binding, in order
    x = np.array([0.2, 0.4])
    g = s2sad.grad(mod.f)(x)
    eps = 1e-6
    numeric = [(mod.f(x + eps * e) - mod.f(x - eps * e)) / (2 * eps) for e in np.eye(2)]
    np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-8)


def test_a_chain_of_helpers_walks_each_watch_a_bounded_number_of_times(tmp_path, monkeypatch):
    # Each helper's generation checks its watch, which reaches every helper below it: 200 helpers took
    # about 20,000 walks (quadratic). One generation now remembers the watches it found unchanged.
    from s2sad.driver import freshness

    n = 200
    path = tmp_path / "chain_200.py"
    path.write_text("import numpy as np\n" + "".join(f"\ndef f{i}(x):\n    return f{i + 1}(x) * 1.0001\n" for i in range(n - 1))
                    + f"\ndef f{n - 1}(x):\n    return np.sum(np.sin(x))\n")
    import importlib.util

    spec = importlib.util.spec_from_file_location("chain_200", path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    walks = [0]
    original = freshness.Watch._rest_changed

    def counted(self, seen):
        walks[0] += 1
        return original(self, seen)

    monkeypatch.setattr(freshness.Watch, "_rest_changed", counted)
    np.testing.assert_allclose(s2sad.grad(m.f0)(X), 1.0001 ** (n - 1) * np.cos(X))
    assert walks[0] < 10 * n
    before = walks[0]
    m.f150 = m.f151  # re-binding a helper deep in the chain is still seen by the next call
    np.testing.assert_allclose(s2sad.grad(m.f0)(X), 1.0001 ** (n - 2) * np.cos(X))
    assert walks[0] > before


def test_a_network_of_thirty_layers_written_out_keeps_its_layouts(tmp_path):
    # The layout analysis gave up past 40 rounds, and a chain of n bindings takes n rounds: from about 13
    # layers on, the adjoint fell back to unbroadcast and matmul_adjoint_a (right, but twice as slow).
    import importlib.util

    body = "".join(f"    h{i + 1} = np.tanh(h{i} @ W + b)\n" for i in range(30))
    path = tmp_path / "layers_30.py"
    path.write_text(f"import numpy as np\n\n\ndef f0(W, b, h0):\n{body}    return np.sum(h30 * h30)\n")
    spec = importlib.util.spec_from_file_location("layers_30", path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    rng = np.random.default_rng(0)
    W, b, h0 = rng.normal(size=(4, 4)) * 0.3, rng.normal(size=4), rng.normal(size=(5, 4))
    text = s2sad.source(m.f0, "grad", wrt=(0, 1), args=(W, b, h0))
    assert "unbroadcast" not in text and "matmul_adjoint" not in text
    gW, gb = s2sad.grad(m.f0, wrt=(0, 1))(W, b, h0)
    e = np.zeros_like(b)
    e[2] = 1e-6
    np.testing.assert_allclose(gb[2], (m.f0(W, b + e, h0) - m.f0(W, b - e, h0)) / 2e-6, rtol=1e-5)
