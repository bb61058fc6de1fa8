"""Concurrency and caching: threads, processes, pickling, cache statistics and weak references.

Several threads differentiating the same and different functions get correct
results with one compile per cache key; processes work; generated functions
pickle by reference (or say clearly why not); `cache_info()` stays consistent;
and the cache does not keep a deleted function alive.
"""
from __future__ import annotations

import collections
import gc
import math
import multiprocessing
import pickle
import sys
import threading
import weakref

import numpy as np
import pytest

import s2sad
from s2sad.driver import pipeline

from program_files import load_source

THREADS = 8

SOURCE = """\
import math

import numpy as np


def helper(u, v):
    return u * np.exp(-v) + v * v


def loss(w, b, x, t):
    z = w * x + b
    y = 1 / (1 + np.exp(-z))
    return 0.5 * (y - t) ** 2


def loop(x):
    for i in range(5):
        x = np.sin(x) * x + 0.5
    return x


def branches(x):
    if x < 0:
        return x * x
    return math.sin(x)


def with_helper(x, y):
    return helper(x, y) * helper(y, x)


def vector(W, x):
    return np.sum(np.tanh(W @ x) ** 2)
"""


def fresh_module(tmp_path, source: str = SOURCE):
    """A new module object (so every test starts with cold cache entries)."""
    return load_source(tmp_path, source, "concurrency")


def central(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def expected(m):
    """name -> (callable computing the derivative with s2sad, the reference value)."""
    rng = np.random.default_rng(0)
    W, xv = rng.standard_normal((3, 4)), rng.standard_normal(4)
    sech2 = 1 - np.tanh(W @ xv) ** 2
    return {
        "loss": (lambda: s2sad.grad(m.loss, wrt=("w", "b"))(0.7, -0.2, 1.5, 1.0),
                 (central(lambda w: m.loss(w, -0.2, 1.5, 1.0), 0.7), central(lambda b: m.loss(0.7, b, 1.5, 1.0), -0.2))),
        "loop": (lambda: s2sad.grad(m.loop)(0.3), central(m.loop, 0.3)),
        "branches+": (lambda: s2sad.grad(m.branches)(0.4), math.cos(0.4)),
        "branches-": (lambda: s2sad.grad(m.branches)(-0.4), -0.8),
        "with_helper": (lambda: s2sad.grad(m.with_helper)(0.4, 1.1), central(lambda x: m.with_helper(x, 1.1), 0.4)),
        "vector": (lambda: s2sad.grad(m.vector, wrt=0)(W, xv), np.outer(2 * np.tanh(W @ xv) * sech2, xv)),
        "jvp": (lambda: s2sad.jvp(m.loop, (0.3,), (1.0,))[1], central(m.loop, 0.3)),
        "source": (lambda: "x_bar" in s2sad.source(m.with_helper, wrt=(0, 1)), True),
    }


@pytest.fixture
def compiles(monkeypatch):
    """Count every compile of generated code, by its label (one label per cache key)."""
    counts: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()
    original = pipeline.compile_ir

    def counting(ir, label, *args, **kwargs):
        with lock:
            counts[label] += 1
        return original(ir, label, *args, **kwargs)

    monkeypatch.setattr(pipeline, "compile_ir", counting)
    return counts


def run_threads(jobs, n=THREADS):
    """Run `jobs[i % len(jobs)]` in n threads started together; return the results in order."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list = []

    def work(i):
        try:
            barrier.wait()
            results[i] = jobs[i % len(jobs)]()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    assert not errors, errors
    return results


def _close(got, want):
    if isinstance(want, bool):
        return got is want
    if isinstance(want, tuple):
        return all(_close(g, w) for g, w in zip(got, want))
    return np.allclose(got, want, rtol=1e-6, atol=1e-8)


def test_threads_differentiating_the_same_function(tmp_path, compiles):
    m = fresh_module(tmp_path)
    job, want = expected(m)["loop"]
    results = run_threads([job])
    assert all(_close(r, want) for r in results)
    assert compiles and all(n == 1 for n in compiles.values()), compiles


def test_threads_differentiating_different_functions(tmp_path, compiles):
    m = fresh_module(tmp_path)
    table = expected(m)
    names = list(table)
    for _ in range(3):  # several rounds: cold, then warm caches
        results = run_threads([table[n][0] for n in names])
        for i, r in enumerate(results):
            name = names[i % len(names)]
            assert _close(r, table[name][1]), (name, r, table[name][1])
    assert all(n == 1 for n in compiles.values()), {k: v for k, v in compiles.items() if v > 1}


def test_threads_on_primitives_as_targets(compiles):
    # grad(np.sin) differentiates a one-line generated caller of the primitive.
    results = run_threads([lambda: s2sad.grad(np.cos)(0.3), lambda: s2sad.grad(np.tanh)(0.3)])
    assert all(_close(r, -math.sin(0.3) if i % 2 == 0 else 1 - math.tanh(0.3) ** 2) for i, r in enumerate(results))
    assert all(n == 1 for n in compiles.values()), compiles


def test_threads_mixing_source_and_derivatives_of_helpers(tmp_path):
    # `source` generates code outside the cache while grad builds inside it; both use helper derivatives.
    for _ in range(3):
        m = fresh_module(tmp_path)
        jobs = [lambda: s2sad.source(m.with_helper, wrt=(0, 1)), lambda: s2sad.grad(m.with_helper, wrt=(0, 1))(0.4, 1.1),
                lambda: s2sad.source(m.with_helper, "forward", wrt=(0, 1)), lambda: s2sad.jvp(m.with_helper, (0.4, 1.1), (1.0, 0.0))]
        run_threads(jobs)


def test_cache_info_is_consistent_under_threads(tmp_path):
    m = fresh_module(tmp_path)
    g = s2sad.grad(m.loop)
    g(0.3)  # compiled once, outside the measurement
    before = s2sad.cache_info()
    calls = 200
    run_threads([lambda: [g(0.3) for _ in range(calls)]])
    after = s2sad.cache_info()
    assert after.misses == before.misses
    assert after.hits - before.hits == THREADS * calls
    assert after.currsize == before.currsize


@pytest.fixture
def no_gc():
    """Collect garbage now and not during the test: other tests' dead functions leave the cache when collected."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_cache_info_counts_one_miss_per_new_key(tmp_path, no_gc):
    m = fresh_module(tmp_path)
    before = s2sad.cache_info()
    s2sad.grad(m.loss)(0.7, -0.2, 1.5, 1.0)
    mid = s2sad.cache_info()
    assert mid.misses - before.misses == mid.currsize - before.currsize > 0  # one entry per miss
    s2sad.grad(m.loss)(0.7, -0.2, 1.5, 1.0)  # a new grad object, the same key: no new entry
    after = s2sad.cache_info()
    assert after.misses == mid.misses and after.currsize == mid.currsize and after.hits > mid.hits


def _grad_in_a_process(x):
    """Runs in a worker process: import, differentiate, return."""
    import control_cases

    return float(s2sad.grad(control_cases.sine_loop)(x)), float(s2sad.grad(control_cases.piecewise)(x))


def test_multiprocessing():
    import control_cases

    xs = [0.1, 0.3, 0.5, 0.9]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        got = pool.map(_grad_in_a_process, xs)
    for x, (a, b) in zip(xs, got):
        assert a == pytest.approx(central(control_cases.sine_loop, x), rel=1e-6)
        assert b == pytest.approx(central(control_cases.piecewise, x), rel=1e-6)


DECORATED = """\
import numpy as np

import s2sad


@s2sad.differentiate
def decorated(x):
    return np.sin(x) * x
"""


def test_decorated_and_grad_objects_pickle_by_reference(tmp_path, monkeypatch):
    import control_cases

    g = s2sad.grad(control_cases.sine_loop)
    g2 = pickle.loads(pickle.dumps(g))
    assert g2(0.3) == pytest.approx(g(0.3))
    m = fresh_module(tmp_path, DECORATED)
    monkeypatch.setitem(sys.modules, m.__name__, m)  # importable by name, as a real module is
    d = pickle.loads(pickle.dumps(m.decorated))
    assert d is m.decorated
    assert d.grad(0.4) == pytest.approx(math.sin(0.4) + 0.4 * math.cos(0.4))
    # A wrapper that is not what its module holds cannot be found by reference: pickle says so.
    with pytest.raises(pickle.PicklingError, match="piecewise"):
        pickle.dumps(s2sad.differentiate(control_cases.piecewise))


def test_generated_functions_pickle_by_reference_or_say_why_not():
    import control_cases

    compiled = s2sad.grad(control_cases.sine_loop)._s2sad_target((0.3,))
    try:
        restored = pickle.loads(pickle.dumps(compiled))
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        text = str(exc)
        assert "sine_loop" in text and ("s2sad" in text or "pickle" in text.lower()), text
    else:
        assert restored(0.3) == pytest.approx(compiled(0.3))


def _deleted_function_cache(tmp_path, source: str, name: str, call):
    gc.collect()
    m = fresh_module(tmp_path, source)
    fn = getattr(m, name)
    ref = weakref.ref(fn)
    before = s2sad.cache_info().currsize
    call(fn)
    assert s2sad.cache_info().currsize > before
    del fn, m
    for _ in range(3):
        gc.collect()
    return ref, before


def test_a_deleted_function_frees_its_cache_entries(tmp_path):
    ref, before = _deleted_function_cache(tmp_path, SOURCE, "loss", lambda f: s2sad.grad(f)(0.7, -0.2, 1.5, 1.0))
    assert ref() is None, gc.get_referrers(ref())
    assert s2sad.cache_info().currsize == before


def test_a_deleted_function_frees_its_cache_entries_every_mode(tmp_path):
    def every_mode(f):
        s2sad.grad(f)(0.3)
        s2sad.jvp(f, (0.3,), (1.0,))
        s2sad.vjp(f, 0.3)[1](1.0)
        s2sad.source(f, "wengert")

    ref, before = _deleted_function_cache(tmp_path, SOURCE, "loop", every_mode)
    assert ref() is None
    assert s2sad.cache_info().currsize == before
