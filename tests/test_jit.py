"""s2sad.jit: derivatives compiled with Numba (issue 24).

Runs where Numba imports and skips otherwise (except the test that s2sad.jit says how
to install it). Numba compiles slowly, so each test compiles one small function; the
compile cache is a temporary directory of this module's own.
"""
from __future__ import annotations

import math
import sys
import warnings

import numpy as np
import pytest

import s2sad


@pytest.fixture(scope="module")
def numba_cache(tmp_path_factory):
    pytest.importorskip("numba")
    mp = pytest.MonkeyPatch()
    path = tmp_path_factory.mktemp("s2sad-jit")
    mp.setenv("S2SAD_JIT_CACHE", str(path))
    yield path
    mp.undo()


def _same(a, b, rel=1e-12):
    """Equal to `rel` relative, elementwise (tuples part by part)."""
    a = a if isinstance(a, tuple) else (a,)
    b = b if isinstance(b, tuple) else (b,)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        x, y = np.asarray(x, float), np.asarray(y, float)
        assert x.shape == y.shape
        np.testing.assert_allclose(x, y, rtol=rel, atol=0)


def scalar_loop(x, n):
    for i in range(n):
        x = math.sin(x) * x + 0.5
    return x


def array_loop(x, n):
    for i in range(n):
        x = np.sin(x) * x + 0.5
    return np.sum(x)


def smooth(x):
    return np.sum(np.exp(0.1 * x) * x * x + np.log(x))


def two_chains(x, y):
    return np.sum(np.exp(x) * 2.0) + np.sum(np.exp(y) * 3.0)


def softmax_loss(logits):
    m = np.max(logits, axis=1, keepdims=True)
    e = np.exp(logits - m)
    return np.sum(np.log(np.sum(e, axis=1))) + np.sum(m)


def wave(x):
    return np.sum(np.sin(x) * np.exp(-x * x) + np.tanh(x))  # (benchmarks/jit.py's elementwise workload)


def sorted_top(x):
    return np.sum(np.sort(x)[1:] ** 2)


def test_without_numba_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba raises ImportError
    with pytest.raises(s2sad.S2SADError, match=r"pip install 's2sad\[jit\]'"):
        s2sad.jit(s2sad.grad(smooth))


def test_scalar_loop_matches_and_uses_a_preallocated_tape(numba_cache):
    g = s2sad.grad(scalar_loop)
    j = s2sad.jit(g)
    for x in (0.3, -1.2, 2.0):
        _same(j(x, 50), g(x, 50))
    (c,) = j.compiled
    assert "np.empty(max(n, 0), np.float64)" in c.text and "Stack" not in c.text  # the loop tape: one array, trip count n
    assert c.compile_s > 0 and c.path.exists() and c.path.parent == numba_cache
    assert list((numba_cache / "__pycache__").glob(f"{c.path.stem}*.nbi"))  # Numba's machine code, cached on disk


def test_array_loop_and_value_and_grad(numba_cache):
    x = np.random.default_rng(0).standard_normal(50)
    g, vg = s2sad.grad(array_loop), s2sad.value_and_grad(array_loop)
    _same(s2sad.jit(g)(x, 7), g(x, 7))
    value, grad = s2sad.jit(vg)(x, 7)
    ref_value, ref_grad = vg(x, 7)
    assert value == pytest.approx(ref_value, rel=1e-12)
    _same(grad, ref_grad)


def test_elementwise_chain_is_one_loop(numba_cache):
    x = np.random.default_rng(1).uniform(0.5, 2.0, 1000)
    g = s2sad.grad(smooth)
    j = s2sad.jit(g, parallel=False)
    _same(j(x), g(x))
    (c,) = j.compiled
    assert c.fused >= 1 and "kexp(" in c.text  # temporaries are numbers inside one loop; exp is the vectorisable kernel
    assert j(x).shape == x.shape and j(x).dtype == x.dtype


def test_arrays_the_example_had_alike_may_differ(numba_cache):
    rng = np.random.default_rng(2)
    g = s2sad.grad(two_chains, (0, 1))
    j = s2sad.jit(g)
    x, y = rng.standard_normal(8), rng.standard_normal(8)
    _same(j(x, y), g(x, y))
    x2, y2 = rng.standard_normal(5), rng.standard_normal(9)  # one layout, other lengths
    _same(j(x2, y2), g(x2, y2))


def test_softmax_max_along_an_axis(numba_cache):
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((6, 4))
    logits[2, 1] = logits[2, 3] = logits[2].max() + 1.0  # a tie: the max's adjoint splits between the two
    g = s2sad.grad(softmax_loss)
    _same(s2sad.jit(g)(logits), g(logits))


def test_jvp_hvp_and_the_decorator(numba_cache):
    x, v = np.linspace(0.5, 2.0, 20), np.linspace(-1.0, 1.0, 20)
    jvp = s2sad.jit(s2sad.jvp)
    _same(jvp(smooth, (x,), (v,)), s2sad.jvp(smooth, (x,), (v,)))
    hvp = s2sad.jit(s2sad.hvp)
    _same(hvp(smooth, (x,), v), s2sad.hvp(smooth, (x,), v))

    @s2sad.differentiate(jit=True)
    def loop(x, n):
        for i in range(n):
            x = math.sin(x) * x + 0.5
        return x

    assert loop(0.3, 10) == scalar_loop(0.3, 10)
    _same(loop.grad(0.3, 10), s2sad.grad(scalar_loop)(0.3, 10))


def test_refusal_names_the_line_and_fallback_warns(numba_cache):
    x = np.array([3.0, 1.0, 2.0, 0.5])
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.jit(s2sad.grad(sorted_top))(x)
    err = info.value
    assert err.filename.endswith("test_jit.py") and "np.sort" in (err.source_line or "")
    assert "unsort" in err.message and "fallback=True" in str(err)
    with pytest.warns(s2sad.jit.JitFallbackWarning):
        got = s2sad.jit(s2sad.grad(sorted_top), fallback=True)(x)
    _same(got, s2sad.grad(sorted_top)(x))


def test_jit_takes_derivatives_only(numba_cache):
    with pytest.raises(s2sad.InputError, match="compiles a derivative"):
        s2sad.jit(smooth)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert s2sad.jit(s2sad.jit(s2sad.grad(smooth))).__name__ == "jit_grad_smooth"


def _ulps(got, want):
    """|got - want| in units in the last place of `want` (0 where equal, NaN and inf matching)."""
    got, want = np.asarray(got), np.asarray(want)
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    assert np.all(same | np.isfinite(want)), "non-finite results differ"
    with np.errstate(invalid="ignore"):
        return np.where(same, 0.0, np.abs(got - want) / np.spacing(np.abs(want)))


def test_kernels_within_a_few_ulp_of_numpy(numba_cache):
    import numba

    from s2sad.compiled.kernels import TRIG_LIMIT, kcos, kexp, ksin, ktanh

    @numba.njit(error_model="numpy")
    def apply(x):
        s, c, e, t = np.empty_like(x), np.empty_like(x), np.empty_like(x), np.empty_like(x)
        for i in range(x.shape[0]):
            s[i], c[i], e[i], t[i] = ksin(x[i]), kcos(x[i]), kexp(x[i]), ktanh(x[i])
        return s, c, e, t

    rng = np.random.default_rng(5)
    n = 100_000
    sign = rng.choice([-1.0, 1.0], n)
    special = np.array([0.0, -0.0, 1e-300, -5e-324, 0.625, np.nextafter(0.625, 0), 20.0, 709.78, -745.13, -745.14,
                        -800.0, 800.0, np.inf, -np.inf, np.nan])
    trig = np.concatenate([rng.uniform(-10, 10, n), rng.uniform(-TRIG_LIMIT, TRIG_LIMIT, n), sign * 10 ** rng.uniform(-300, 5, n),
                           np.arange(-2000, 2001) * (np.pi / 2), np.nextafter(np.arange(-2000, 2001) * np.pi, np.inf), [0.0, -0.0]])
    wide = np.concatenate([rng.uniform(-30, 30, n), rng.uniform(-745.2, 709.8, n), sign * 10 ** rng.uniform(-300, 2, n), special])
    with np.errstate(all="ignore"):
        s, c, _, _ = apply(trig)
        _, _, e, t = apply(wide)
        worst = {"sin": _ulps(s, np.sin(trig)).max(), "cos": _ulps(c, np.cos(trig)).max(),
                 "exp": _ulps(e, np.exp(wide)).max(), "tanh": _ulps(t, np.tanh(wide)).max()}
    assert all(w <= 3 for w in worst.values()), worst  # (measured: 2, 2, 1, 2 on this machine)
    assert np.signbit(s[-1]) and np.signbit(t[np.flatnonzero(np.signbit(wide) & (wide == 0))]).all()  # sin, tanh of -0.0


def test_fused_trig_is_vectorised_and_falls_back_for_large_arguments(numba_cache):
    import llvmlite.binding as llvm

    x = np.random.default_rng(6).standard_normal(3000)
    g = s2sad.grad(wave)
    j = s2sad.jit(g, parallel=False)
    got, want = j(x), g(x)
    # The kernels differ from s2sad's sincos and NumPy's exp/tanh by an ulp or two: elementwise 1e-12 relative,
    # except where the gradient's terms cancel, there 4 ulp of the gradient's largest element.
    scale = np.max(np.abs(want))
    assert np.all(np.abs(got - want) <= np.maximum(1e-12 * np.abs(want), 4 * np.finfo(float).eps * scale))
    (c,) = j.compiled
    assert all(k in c.text for k in ("ksin(", "kcos(", "kexp(", "ktanh(", "trig_bad(", "math.sin("))
    if "+avx2" in llvm.get_host_cpu_features().flatten():
        asm = c.dispatcher.inspect_asm(c.dispatcher.signatures[0])
        assert "ymm" in asm and "pd" in asm and "vfmadd" in asm  # packed AVX2 instructions: the loop is vectorised
    # Blocks holding an argument the kernels do not take use the C library's sin and cos.
    x[[5, 2500]] = [1e7, -3e12]
    x[2999] = np.inf
    x[1700] = np.nan
    with np.errstate(invalid="ignore"):
        got, want = j(x), g(x)
    assert np.isnan(got[[1700, 2999]]).all() and np.isnan(want[[1700, 2999]]).all()
    fin = np.isfinite(want)
    np.testing.assert_allclose(got[[5, 2500]], want[[5, 2500]], rtol=1e-12, atol=0)
    assert np.all(np.abs(got - want)[fin] <= np.maximum(1e-12 * np.abs(want), 4 * np.finfo(float).eps * scale)[fin])


def test_fused_trig_on_a_matrix_checks_row_by_row(numba_cache):
    def f(x):
        return np.sum(np.cos(2.0 * x) * x)

    x = np.random.default_rng(7).uniform(-3, 3, (4, 50))
    g = s2sad.grad(f)
    j = s2sad.jit(g, parallel=True)  # (rows in a numba.prange)
    _same(j(x), g(x), rel=1e-11)
    assert "trig_bad(" in j.compiled[0].text and "for _i0_0 in numba.prange(_n0[0])" in j.compiled[0].text
    x[2, 7] = 5e6
    _same(j(x), g(x), rel=1e-11)
