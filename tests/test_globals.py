"""Globals and closure values re-bound after the first call: the derivatives follow (freshness.py).

Every case is checked against autograd, which reads the globals afresh on each call,
or against central differences of the function as it now runs.
"""
from __future__ import annotations

import warnings

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import s2sad
from program_files import load_source

def load(tmp_path, source: str):
    """Write `source` to a fresh module file and import it."""
    return load_source(tmp_path, source, "globals")


def central(f, x, h=1e-6):
    """Central differences of a scalar function of one array."""
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = h
        g.flat[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


MODEL = """
import numpy as np

SCALE = 3.0
W = np.array([1.0, 2.0, -1.0])


def loss(x):
    return SCALE * np.sum(np.sin(W * x) * x)
"""


def reference(m):
    """The same function in autograd, reading the module's globals at call time."""
    return lambda x: m.SCALE * anp.sum(anp.sin(m.W * x) * x)


X = np.array([0.3, -1.2, 0.7])
V = np.array([1.0, 0.5, -2.0])


def check_all(m) -> None:
    """Every way of calling s2sad agrees with autograd at the module's current globals."""
    ref = reference(m)
    expect = autograd.grad(ref)(X)
    hv = autograd.grad(lambda x: np.dot(autograd.grad(ref)(x), V))(X)
    np.testing.assert_allclose(m.grad(X), expect, rtol=1e-12)
    np.testing.assert_allclose(m.value_and_grad(X)[0], ref(X), rtol=1e-12)
    np.testing.assert_allclose(m.value_and_grad(X)[1], expect, rtol=1e-12)
    np.testing.assert_allclose(m.jacobian(X), expect, rtol=1e-12)
    np.testing.assert_allclose(s2sad.jvp(m.loss, (X,), (V,))[1], expect @ V, rtol=1e-12)
    np.testing.assert_allclose(s2sad.hvp(m.loss, (X,), V), hv, rtol=1e-10)
    np.testing.assert_allclose(s2sad.jvp(m.grad, (X,), (V,))[1], hv, rtol=1e-10)
    np.testing.assert_allclose(m.hessian(X) @ V, hv, rtol=1e-10)


def test_a_number_and_an_array_re_bound_reach_every_entry_point(tmp_path):
    m = load(tmp_path, MODEL)
    # The objects are kept across the re-bindings, as a user's training script keeps them.
    m.grad, m.value_and_grad = s2sad.grad(m.loss), s2sad.value_and_grad(m.loss)
    m.jacobian, m.hessian = s2sad.jacobian(m.loss), s2sad.hessian(m.loss)
    check_all(m)
    m.SCALE = -0.5
    check_all(m)
    m.W = np.array([2.0, 0.0, 1.0])
    check_all(m)
    m.SCALE, m.W = 7.0, np.array([-1.0, 3.0, 0.5])
    check_all(m)


def test_an_array_updated_in_place_needs_no_new_code(tmp_path):
    m = load(tmp_path, MODEL)
    g = s2sad.grad(m.loss)
    g(X)
    misses = s2sad.cache_info().misses
    m.W[1] = 10.0  # the generated code reads this very array
    np.testing.assert_allclose(g(X), autograd.grad(reference(m))(X), rtol=1e-12)
    assert s2sad.cache_info().misses == misses


def test_a_re_binding_counts_as_misses_and_keeps_the_statistics(tmp_path):
    m = load(tmp_path, MODEL)
    g = s2sad.grad(m.loss)
    g(X)
    g(X)
    before = s2sad.cache_info()
    m.SCALE = 5.0
    g(X)
    after = s2sad.cache_info()
    assert after.hits >= before.hits and after.misses > before.misses  # counted on, not reset


def test_unchanged_globals_keep_the_cache(tmp_path):
    m = load(tmp_path, MODEL)
    g = s2sad.grad(m.loss)
    g(X)
    misses = s2sad.cache_info().misses
    m.OTHER = 1.0  # a global the function does not read
    for _ in range(3):
        g(X)
        s2sad.grad(m.loss)(X)
        s2sad.hvp(m.loss, (X,), V)
    assert s2sad.cache_info().misses - misses <= 4  # the hvp's first call only; nothing regenerated for g


FLAG = """
USE_SQUARE = True


def f(x):
    if USE_SQUARE:
        return x * x
    return 3.0 * x
"""


def test_a_folded_flag_re_bound(tmp_path):
    # A bool global is folded into the code as a constant: `if True:`.
    m = load(tmp_path, FLAG)
    g = s2sad.grad(m.f)
    assert g(2.0) == 4.0
    assert "if True:" in s2sad.source(m.f, "reverse")
    m.USE_SQUARE = False
    assert g(2.0) == 3.0
    assert "if False:" in s2sad.source(m.f, "reverse")


HELPERS = """
import numpy as np

RATE = 2.0


def step(x):
    return np.tanh(RATE * x)


def other_step(x):
    return np.sin(x) * RATE


def loss(x):
    return np.sum(step(x) ** 2)
"""


def test_a_helper_s_global_and_a_re_bound_helper(tmp_path):
    m = load(tmp_path, HELPERS)
    g = s2sad.grad(m.loss)

    def check():
        np.testing.assert_allclose(g(X), central(m.loss, X), rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(s2sad.hvp(m.loss, (X,), V), central(lambda x: central(m.loss, x, 1e-4) @ V, X, 1e-4),
                                   rtol=1e-4, atol=1e-6)

    check()
    m.RATE = -0.7  # read by the helper, not by loss itself
    check()
    m.step = m.other_step  # loss now calls another function
    check()


CLOSURE = """
import numpy as np


def make():
    scale = 2.0

    def f(x):
        return scale * np.sum(x * x)

    def set_scale(s):
        nonlocal scale
        scale = s

    return f, set_scale
"""


def test_a_closure_variable_re_bound(tmp_path):
    m = load(tmp_path, CLOSURE)
    f, set_scale = m.make()
    g = s2sad.grad(f)
    np.testing.assert_allclose(g(X), 4.0 * X)
    set_scale(-3.0)
    np.testing.assert_allclose(g(X), -6.0 * X)
    np.testing.assert_allclose(s2sad.jvp(f, (X,), (V,))[1], -6.0 * X @ V)


DECORATED = """
import numpy as np
import s2sad

OFFSET = np.array([1.0, 0.0, -1.0])


@s2sad.differentiate
def f(x):
    return np.sum((x - OFFSET) ** 2)
"""


def test_a_decorated_function(tmp_path):
    m = load(tmp_path, DECORATED)
    np.testing.assert_allclose(m.f.grad(X), 2 * (X - m.OFFSET))
    m.OFFSET = np.array([5.0, 5.0, 5.0])
    np.testing.assert_allclose(m.f.grad(X), 2 * (X - 5.0))
    np.testing.assert_allclose(m.f.value_and_grad(X)[1], 2 * (X - 5.0))
    np.testing.assert_allclose(m.f.hessian(X), 2 * np.eye(3))


ATTRIBUTES = """
import numpy as np


class Config:
    gain = 2.0


def f(x):
    return Config.gain * np.sum(x * x)


def shadows(x):
    return abs(x) * 2.0
"""


def test_a_class_attribute_and_a_builtin_shadowed_later(tmp_path):
    m = load(tmp_path, ATTRIBUTES)
    g = s2sad.grad(m.f)
    np.testing.assert_allclose(g(X), 4.0 * X)
    m.Config.gain = 0.5  # folded as a constant: the class attribute is watched
    np.testing.assert_allclose(g(X), 1.0 * X)
    gs = s2sad.grad(m.shadows)
    assert gs(-1.5) == -2.0
    m.abs = lambda v: v * v  # a global of that name now shadows the builtin
    with pytest.raises(s2sad.S2SADError):
        gs(-1.5)  # a lambda has no source: refused, rather than the old derivative of abs


def test_a_user_module_s_attribute(tmp_path, monkeypatch):
    (tmp_path / "globals_settings.py").write_text("GAIN = 2.0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    m = load(tmp_path, """
    import numpy as np
    import globals_settings


    def f(x):
        return globals_settings.GAIN * np.sum(x * x)
    """)
    g = s2sad.grad(m.f)
    np.testing.assert_allclose(g(X), 4.0 * X)
    m.globals_settings.GAIN = -1.0  # folded as a constant: the module's attribute is watched
    np.testing.assert_allclose(g(X), -2.0 * X)
    np.testing.assert_allclose(s2sad.jvp(m.f, (X,), (V,))[1], -2.0 * X @ V)


METHODS = """
import numpy as np


class Ops:
    @classmethod
    def square(cls, x):
        return x * x

    @staticmethod
    def cube(x):
        return x * x * x


def f(x):
    return Ops.cube(x) + 2.0 * x
"""


def test_a_class_s_static_method_is_not_regenerated_on_every_call(tmp_path):
    # `Class.name` may build a new object on each access (a bound method): the class's own namespace
    # is watched, so an unchanged class never looks re-bound.
    m = load(tmp_path, METHODS)
    g = s2sad.grad(m.f)
    first = g(2.0)
    misses = s2sad.cache_info().misses
    for _ in range(3):
        assert g(2.0) == first == 14.0
    assert s2sad.cache_info().misses == misses


RANDOM_TERMS = (
    "A * np.sum(x * x)",
    "np.sum(np.sin(V * x))",
    "B * np.sum(V * np.exp(-x * x))",
    "np.sum(np.tanh(A * x + V))",
    "np.sum((x - V) ** 2) * B",
    # Shared helpers (one nested in another): every caller must watch their globals, whichever
    # caller met them first.
    "np.sum(ha(x) * x)",
    "np.sum(hv(x) ** 2) + np.sum(ha(x))",
    "np.sum(hh(x))",
)
HELPER_SOURCE = """

def ha(x):
    return A * np.sin(x)


def hv(x):
    return np.tanh(x + V)


def hh(x):
    return ha(x) * B + hv(x)


def ha_alt(x):
    return A * np.cos(x) * x
"""


@pytest.mark.filterwarnings("ignore::s2sad.RegenerationWarning")
def test_random_re_bindings_agree_with_autograd(tmp_path):
    # Seeded: several functions share globals A, B (numbers) and V (an array); between calls a random
    # global is re-bound (a new number, a new array, a number where an array was) or V is changed in
    # place, and every cached grad/jvp/hvp agrees with autograd reading the module at call time.
    rng = np.random.default_rng(2026)
    names = [f"f{i}" for i in range(len(RANDOM_TERMS))]
    source = "import numpy as np\n\nA = 2.0\nB = -0.5\nV = np.array([0.5, -1.0, 2.0])\n" + HELPER_SOURCE
    for name, term in zip(names, RANDOM_TERMS):
        source += f"\n\ndef {name}(x):\n    return {term}\n"
    m = load(tmp_path, source)
    grads = {n: s2sad.grad(getattr(m, n)) for n in names}
    original_ha = m.ha

    def reference(term):
        def ha(x):
            return m.A * (anp.sin(x) if m.ha.__name__ == "ha" else anp.cos(x) * x)

        def hv(x):
            return anp.tanh(x + m.V)

        def hh(x):
            return ha(x) * m.B + hv(x)

        return lambda x: eval(term, {"np": anp, "A": m.A, "B": m.B, "V": m.V, "x": x, "ha": ha, "hv": hv, "hh": hh})  # noqa: S307

    for step in range(60):
        name = names[rng.integers(len(names))]
        x = rng.standard_normal(3)
        ref = reference(RANDOM_TERMS[names.index(name)])
        np.testing.assert_allclose(grads[name](x), autograd.grad(ref)(x), rtol=1e-10, atol=1e-12)
        v = rng.standard_normal(3)
        np.testing.assert_allclose(s2sad.jvp(getattr(m, name), (x,), (v,))[1], autograd.grad(ref)(x) @ v, rtol=1e-10, atol=1e-12)
        hv = autograd.grad(lambda y: anp.dot(autograd.grad(ref)(y), v))(x)
        np.testing.assert_allclose(s2sad.hvp(getattr(m, name), (x,), v), hv, rtol=1e-9, atol=1e-12)
        change = rng.integers(6)
        if change == 0:
            m.A = float(rng.normal())
        elif change == 1:
            m.B = float(rng.normal())
        elif change == 2:
            m.V = rng.standard_normal(3)
        elif change == 3 and isinstance(m.V, np.ndarray):
            m.V[rng.integers(3)] = rng.normal()  # in place: the same object
        elif change == 4:
            m.V = float(rng.normal())  # a number where an array was
        else:
            m.ha = m.ha_alt if m.ha.__name__ == "ha" else original_ha  # the helper itself re-bound


LOOP = """
import numpy as np

LR = 0.1


def loss(x):
    return LR * np.sum(np.sin(x) * x)
"""


def test_a_global_re_bound_on_every_step_warns_once_at_the_function(tmp_path):
    m = load(tmp_path, LOOP)
    g = s2sad.grad(m.loss)
    ref = autograd.grad(lambda x: m.LR * anp.sum(anp.sin(x) * x))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for step in range(25):
            m.LR = 0.1 / (1 + step)  # a schedule kept in a global: new code on every step
            np.testing.assert_allclose(g(X), ref(X), rtol=1e-12)
    found = [w for w in caught if issubclass(w.category, s2sad.RegenerationWarning)]
    assert len(found) == 1, [str(w.message) for w in caught]
    assert "'LR', read by loss, has been re-bound 10 times" in str(found[0].message)
    assert "pass 'LR' as an argument" in str(found[0].message)
    assert found[0].filename == m.__file__ and found[0].lineno == 7  # the `def loss(x):` line


def test_a_few_re_bindings_do_not_warn(tmp_path):
    m = load(tmp_path, LOOP)
    g = s2sad.grad(m.loss)
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.RegenerationWarning)
        for step in range(s2sad.driver.freshness.REBINDS_BEFORE_WARNING - 1):  # a notebook cell re-run now and then
            m.LR = float(step)
            g(X)
        m.OTHER = 1.0
        for _ in range(20):  # calls with nothing re-bound count nothing
            g(X)


CLOSURE_FLAG = """
import numpy as np


def make():
    flag = True

    def f(x):
        if flag:
            return np.sum(x * x)
        return 1.5 * np.sum(x * x)

    def set_flag(b):
        nonlocal flag
        flag = b

    return f, set_flag
"""


def test_a_closure_variable_and_a_helper_s_global_are_named(tmp_path):
    f, set_scale = load(tmp_path, CLOSURE).make()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s2sad.grad(f)(X)
        misses = s2sad.cache_info().misses
        for step in range(12):
            set_scale(float(step))
            np.testing.assert_allclose(s2sad.grad(f)(X), 2.0 * step * X)
    # A closure's number is read from its cell at call time, as f itself reads it: re-binding it regenerates nothing.
    assert s2sad.cache_info().misses == misses
    assert not [w for w in caught if issubclass(w.category, s2sad.RegenerationWarning)]

    # A closure value that decides the code (True/False is folded in) regenerates it, and is named.
    f, set_flag = load(tmp_path, CLOSURE_FLAG).make()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for step in range(12):
            set_flag(step % 2 == 0)
            np.testing.assert_allclose(s2sad.grad(f)(X), (2.0 if step % 2 == 0 else 3.0) * X)
    messages = [str(w.message) for w in caught if issubclass(w.category, s2sad.RegenerationWarning)]
    assert len(messages) == 1 and "'flag', read by make.<locals>.f," in messages[0]

    m = load(tmp_path, HELPERS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for step in range(12):
            m.RATE = 0.1 * step
            s2sad.grad(m.loss)(X)
    messages = [str(w.message) for w in caught if issubclass(w.category, s2sad.RegenerationWarning)]
    assert len(messages) == 1 and "'RATE', read by step," in messages[0]


SHARED = """
import numpy as np

RATE = 2.0


def step(x):
    return np.tanh(RATE * x)


def first(x):
    return np.sum(step(x))


def second(x):
    return np.sum(step(x) ** 2)


def wrap(x):
    return step(x) * x


def third(x):
    return np.sum(wrap(x))
"""


def test_a_helper_met_first_by_another_caller_is_watched_by_both(tmp_path):
    # The helper's record was made for `first`; `second` found it in the registry and, before the fix,
    # did not watch the helper's globals: a re-binding of RATE left its gradient stale.
    m = load(tmp_path, SHARED)
    g1, g2 = s2sad.grad(m.first), s2sad.grad(m.second)
    for rate in (2.0, -0.5, 1.5, 0.25, 3.0):  # re-bound again and again: each re-lowering watches it anew
        m.RATE = rate
        th = np.tanh(rate * X)
        np.testing.assert_allclose(g1(X), rate * (1 - th ** 2), rtol=1e-12)
        np.testing.assert_allclose(g2(X), 2 * th * rate * (1 - th ** 2), rtol=1e-12)
        np.testing.assert_allclose(s2sad.hvp(m.second, (X,), V),
                                   2 * rate ** 2 * (1 - th ** 2) * (1 - 3 * th ** 2) * V, rtol=1e-10)


def test_a_new_caller_of_a_helper_whose_global_changed_keeps_watching(tmp_path):
    # `first` generated step's derivatives; RATE is re-bound before anyone calls again; `third`'s first
    # generation then needs wrap's, which need step's. Step's own check finds the change midway through
    # that generation and forgets everything, `third`'s new watch with it: its grad object then never
    # looked again, and the next re-binding of RATE left it stale. `pipeline.derive` now starts over.
    m = load(tmp_path, SHARED)
    s2sad.grad(m.first)(X)
    m.RATE = -0.5
    g = s2sad.grad(m.third)
    g(X)
    misses = s2sad.cache_info().misses
    g(X)
    assert s2sad.cache_info().misses == misses  # started over within the first call: nothing left to redo
    for rate in (-0.5, 1.5, 0.75):
        m.RATE = rate
        th = np.tanh(rate * X)
        np.testing.assert_allclose(g(X), th + X * rate * (1 - th ** 2), rtol=1e-12)


def test_a_forget_midway_through_a_generation_regenerates_on_the_next_call(tmp_path, monkeypatch):
    # The same story without starting over (as when another thread re-binds a name after the last
    # attempt): the grad object's entry holds a watch made stale by the forget, which says "changed".
    monkeypatch.setattr(s2sad.driver.pipeline, "ATTEMPTS", 1)
    m = load(tmp_path, SHARED)
    s2sad.grad(m.first)(X)
    m.RATE = -0.5
    g = s2sad.grad(m.third)
    for rate in (-0.5, 1.5, 0.75):
        m.RATE = rate
        th = np.tanh(rate * X)
        np.testing.assert_allclose(g(X), th + X * rate * (1 - th ** 2), rtol=1e-12)


def test_a_helper_re_defined_again_and_again_does_not_warn(tmp_path):
    # Re-running a notebook cell that defines a helper re-binds its name: no advice to pass it as an argument.
    m = load(tmp_path, HELPERS)
    g = s2sad.grad(m.loss)
    versions = (m.step, m.other_step)
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.RegenerationWarning)
        for i in range(2 * s2sad.driver.freshness.REBINDS_BEFORE_WARNING):
            m.step = versions[(i + 1) % 2]
            np.testing.assert_allclose(g(X), central(m.loss, X), rtol=1e-7, atol=1e-9)
