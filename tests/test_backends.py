"""Array type in, array type out (issue 23): Dask, CuPy and a CuPy-like duck array.

Every transform on the README's examples (logistic regression, an MLP, a recurrent loop) runs on
Dask arrays without computing the graph during the call, on `tests/duck_array.py`'s DuckArray
(which, like CuPy, refuses implicit conversion to NumPy and NumPy arrays in its operations), and
on CuPy where a GPU is present; each returns derivatives of its arguments' array type that agree
with NumPy's. Dask tests skip where dask is not installed, CuPy tests where CuPy or a GPU is missing.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

import s2sad
from duck_array import DuckArray, MixedArrayError, duck

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def logistic(w, b, X, t):
    z = X @ w + b
    y = 1 / (1 + np.exp(-z))
    return np.mean(0.5 * (y - t) ** 2)


def mlp(W1, b1, W2, b2, X, Y):
    H = np.maximum(X @ W1 + b1, 0.0)  # ReLU
    Z = H @ W2 + b2
    log_p = Z - np.log(np.sum(np.exp(Z), axis=1, keepdims=True))  # log softmax
    return -np.sum(Y * log_p) / X.shape[0]


def rnn(W, U, b, xs, h):
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t] @ U + b)
    return np.sum(h)


def _cases():
    rng = np.random.default_rng(0)
    return {
        "logistic": (logistic, (rng.normal(size=3), rng.normal(size=1), rng.normal(size=(40, 3)), rng.uniform(size=40)), (0, 1)),
        "mlp": (mlp, (rng.normal(size=(4, 6)), rng.normal(size=6), rng.normal(size=(6, 3)), rng.normal(size=3),
                      rng.normal(size=(8, 4)), np.eye(3)[rng.integers(0, 3, 8)]), (0, 1, 2, 3)),
        "loop": (rnn, (rng.normal(size=(3, 3)), rng.normal(size=(2, 3)), rng.normal(size=3),
                       rng.normal(size=(4, 5, 2)), rng.normal(size=(5, 3))), (0, 1, 2)),
    }


CASES = _cases()


def _transforms(f, wrt):
    """name -> call(args): the full set of transforms, each on the same arguments."""
    def ones(A):
        return tuple(np.ones_like(a) for a in A)

    deco = s2sad.differentiate(f, wrt=wrt)
    return {
        "grad": lambda A: s2sad.grad(f, wrt)(*A),
        "value_and_grad": lambda A: s2sad.value_and_grad(f, wrt)(*A),
        "vjp": lambda A: s2sad.vjp(f, *A)[1](1.0),
        "jvp": lambda A: s2sad.jvp(f, A, ones(A)),
        "hvp": lambda A: s2sad.hvp(f, A, np.ones_like(A[0]), 0),
        "jacobian": lambda A: s2sad.jacobian(f, wrt[0])(*A),
        "jacobian, forward": lambda A: s2sad.jacobian(f, wrt[0], mode="forward")(*A),
        "hessian": lambda A: s2sad.hessian(f, wrt[0])(*A),
        "decorator.jacobian": lambda A: deco.jacobian(*A),
        "decorator.grad": lambda A: deco.grad(*A),
        "decorator.value_and_grad": lambda A: deco.value_and_grad(*A),
        "decorator.jvp": lambda A: deco.jvp(A, ones(A)),
    }


def _leaves(x):
    if isinstance(x, (tuple, list)):
        return [y for e in x for y in _leaves(e)]
    return [x]


def _host(x):
    if isinstance(x, DuckArray):
        return x.get()
    if hasattr(x, "compute"):
        return x.compute(scheduler="sync")
    if type(x).__module__.startswith("cupy"):
        return x.get()
    if type(x).__module__.startswith("jax"):
        return np.asarray(x)
    return np.asarray(x)


def _check(out, ref, array_type, rtol=1e-10, atol=1e-12):
    got, want = _leaves(out), _leaves(ref)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if np.ndim(w) or isinstance(w, np.ndarray):
            assert isinstance(g, array_type), f"{type(g).__name__}, not {array_type.__name__}"
        np.testing.assert_allclose(_host(g), w, rtol=rtol, atol=atol)


PARAMS = [(c, t) for c in CASES for t in _transforms(CASES[c][0], CASES[c][2])]


# -- the duck array: the CuPy path, without a GPU ------------------------------------------------------


def test_duck_array_refuses_numpy_like_cupy():
    d = duck(np.ones(3))
    with pytest.raises(TypeError):
        np.asarray(d)
    with pytest.raises(MixedArrayError):
        d + np.ones(3)
    assert isinstance(np.exp(d).sum(), DuckArray)


@pytest.mark.parametrize("case,transform", PARAMS)
def test_duck_array_transform(case, transform):
    f, args, wrt = CASES[case]
    call = _transforms(f, wrt)[transform]
    _check(call(tuple(duck(a) for a in args)), call(args), DuckArray)


# -- Dask: a graph, nothing computed during the call ----------------------------------------------------


@pytest.fixture
def counting_dask():
    """dask.array, with every graph computation counted (`runs[0]`)."""
    dask = pytest.importorskip("dask")
    da = pytest.importorskip("dask.array")
    runs = [0]

    def counting_get(dsk, keys, **kwargs):
        runs[0] += 1
        return dask.get(dsk, keys, **kwargs)

    with dask.config.set(scheduler=counting_get):
        yield da, runs


@pytest.mark.parametrize("case,transform", PARAMS)
def test_dask_transform_computes_nothing(counting_dask, case, transform):
    da, runs = counting_dask
    f, args, wrt = CASES[case]
    call = _transforms(f, wrt)[transform]
    ref = call(args)
    lazy = tuple(da.from_array(a, chunks=max(1, (a.shape[0] + 1) // 2)) for a in args)
    runs[0] = 0
    out = call(lazy)
    assert runs[0] == 0, f"{transform} computed the Dask graph {runs[0]} times during the call"
    _check(out, ref, da.Array)


def test_cache_is_keyed_on_array_type(counting_dask):
    da, _ = counting_dask
    f, args, wrt = CASES["mlp"]
    g = s2sad.grad(f, wrt)
    np_grads = g(*args)
    dask_grads = g(*(da.from_array(a) for a in args))
    duck_grads = g(*(duck(a) for a in args))
    assert {type(x) for x in np_grads} == {np.ndarray}
    assert {type(x) for x in dask_grads} == {da.Array}
    assert {type(x) for x in duck_grads} == {DuckArray}
    assert len(g._fast) == 3
    for entry in g._fast.values():  # `out=` writes only into NumPy arrays
        text = entry[0].__s2sad_source__
        uses_numpy = entry[0].__globals__["np"] is np
        assert uses_numpy or "out=" not in text


def test_generated_text_is_numpy_for_every_array_type(counting_dask):
    """`source` on Dask arrays shows the NumPy text a NumPy user reads: nothing array-API about it."""
    da, _ = counting_dask
    f, args, wrt = CASES["logistic"]
    assert s2sad.source(f, wrt=wrt, args=tuple(da.from_array(a) for a in args)) == s2sad.source(f, wrt=wrt, args=args)
    assert "NUMPY_LIKE" not in s2sad.source(f, wrt=wrt, args=args) and "xp." not in s2sad.source(f, wrt=wrt, args=args)


def test_mixed_array_libraries_are_refused_naming_both(counting_dask):
    da, _ = counting_dask
    f, args, wrt = CASES["logistic"]
    w, b, X, t = args
    with pytest.raises(s2sad.S2SADError) as info:
        s2sad.grad(f, wrt)(duck(w), b, da.from_array(X), t)
    text = str(info.value)
    assert "'w'" in text and "'X'" in text and "dask" in text
    with pytest.raises(s2sad.S2SADError, match="'X'"):
        s2sad.vjp(f, duck(w), b, da.from_array(X), t)


def test_dask_example_runs_small():
    """examples/dask_logistic_regression.py at 20,000 rows, on the synchronous scheduler."""
    pytest.importorskip("dask.array")
    spec = importlib.util.spec_from_file_location("dask_logistic_regression", os.path.join(ROOT, "examples", "dask_logistic_regression.py"))
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    result = example.train(rows=20_000, chunk_rows=5_000, steps=30, scheduler="synchronous")
    assert result["loss"] < result["initial_loss"]
    assert result["max_abs_error_vs_numpy"] < 1e-10


# -- an array API array that NumPy does not dispatch to: JAX, through its namespace -----------------------


@pytest.mark.parametrize("case,transform", PARAMS)
def test_jax_array_transform(case, transform):
    jnp = pytest.importorskip("jax.numpy")
    f, args, wrt = CASES[case]
    call = _transforms(f, wrt)[transform]
    # (JAX computes in float32 unless told otherwise: compared with NumPy's float64 to float32's precision)
    _check(call(tuple(jnp.asarray(a) for a in args)), call(args), type(jnp.asarray(1.0)), rtol=2e-4, atol=2e-5)


# -- CuPy, where a GPU is present --------------------------------------------------------------------


def _cupy():
    cupy = pytest.importorskip("cupy")
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            pytest.skip("no GPU")
    except Exception:  # noqa: BLE001 - no driver, no device
        pytest.skip("no GPU")
    return cupy


@pytest.mark.parametrize("case,transform", PARAMS)
def test_cupy_transform(case, transform):
    cupy = _cupy()
    f, args, wrt = CASES[case]
    call = _transforms(f, wrt)[transform]
    _check(call(tuple(cupy.asarray(a) for a in args)), call(args), cupy.ndarray)


def params_loss(params, X, t):
    z = X @ params["w"] + params["b"]
    return np.mean((z - t) ** 2)


def test_dict_of_parameters_keeps_the_array_type(counting_dask):
    """Structured arguments (a dict of parameters) work leaf by leaf, in the leaves' library."""
    da, runs = counting_dask
    rng = np.random.default_rng(1)
    p, X, t = {"w": rng.normal(size=3), "b": rng.normal(size=1)}, rng.normal(size=(8, 3)), rng.normal(size=8)
    ref = s2sad.grad(params_loss)(p, X, t)
    for conv, kind in ((duck, DuckArray), (da.from_array, da.Array)):
        runs[0] = 0
        g = s2sad.grad(params_loss)({k: conv(v) for k, v in p.items()}, conv(X), conv(t))
        assert runs[0] == 0
        for k in ref:
            _check(g[k], ref[k], kind)
