"""Open bugs in the compiler core, found by the fuzzer and the bad-input catalogue.

Not collected by the default run (the file name does not start with `test_`);
run them with `python -m pytest tests/fuzz/open_bugs.py`. Each test asserts the
correct behaviour, so each fails until its bug is fixed; then move it to
`test_regressions.py`. While a bug is open the fuzzer steers around the
pattern that triggers it (see `KNOWN_BUGS` in fuzz_gen.py; `S2SAD_FUZZ_KNOWN_BUGS=1`
draws those patterns anyway).
"""
from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import s2sad
from fuzz_oracles import check, load


def test_10_forward_mode_of_an_inactive_tuple_from_several_returns():
    # forward.py: the tangent of an output with no active part is `np.zeros_like(f)`, and f is a tuple.
    source = """\
import numpy as np

def f(x):
    if x > 10.0:
        return 0.3, np.ones((2, 2))
    return -1.5, 0.5 * np.ones((2, 2))
"""
    f = load(source).f
    out, tangent = s2sad.jvp(f, (0.5,), (1.0,))  # ValueError: inhomogeneous shape
    assert tangent[0] == 0.0 and np.all(tangent[1] == 0.0)


def test_11_export_forgets_numpy_for_a_copied_helper():
    # export.py: the helper's source is copied in and uses np (or math), but the derivative code itself
    # does not, so `import numpy as np` (`import math`) is left out and the module fails with NameError.
    # Shrunk by Hypothesis, both the np and the math case.
    source = """\
import numpy as np

def h0(a):
    return a * np.ones((3,))

def f(x0):
    v0 = h0(x0)
    return x0
"""
    f = load(source).f
    text = str(s2sad.export(f, wrt=("x0",), modes=("reverse",), args=(0.27,)))
    namespace: dict = {}
    exec(compile(text, "<export>", "exec"), namespace)  # noqa: S102
    assert namespace["f_vjp"](0.27) == 1.0  # NameError: name 'np' is not defined


def test_12_two_helpers_with_one_name_share_derivatives():
    # calls.py `_derived`: the derivative primitive is named after the helper's *spelling* ("h0_vjp"), and
    # registry._add overwrites PRIMS by name, so a second module's h0 replaces the first's derivative.
    # The next specialisation of the first caller calls the wrong helper's adjoint. Silently wrong.
    one = load("def h0(a):\n    return a * a\n\ndef f(x):\n    return h0(x) * 2.0\n")
    two = load("def h0(a):\n    return a * a * a\n\ndef f(x):\n    return h0(x) * 2.0\n")
    assert s2sad.grad(one.f)(3.0) == 12.0
    assert s2sad.grad(two.f)(3.0) == 54.0
    (adj,) = s2sad.vjp(one.f, np.array([3.0]))[1](np.array([1.0]))
    assert adj[0] == 12.0  # s2sad: 54.0
    assert s2sad.jvp(one.f, (3.0,), (1.0,))[1] == 12.0  # s2sad: 12.0 with value 18.0 (h0 of module two)


def test_13_helpers_and_their_modules_are_never_freed():
    # calls.py `user_primitive`: every helper becomes a Primitive in registry.PRIMS and _BY_OBJECT, strongly,
    # with its module's globals -- so the caller and its cache entries live forever; and names grow
    # h0, h0_, h0__... (a quadratic search per new helper of a common name).
    m = load("import numpy as np\n\ndef helper(u):\n    return np.sin(u)\n\ndef caller(x):\n    return helper(x) * x\n")
    s2sad.grad(m.caller)(0.3)
    ref = weakref.ref(m.caller)
    del m
    gc.collect()
    assert ref() is None


def test_14_rules_for_a_helper_after_a_failed_attempt_are_ignored():
    # calls.py: the first attempt registers the exec'd helper as a user-call primitive; s2sad.primitive
    # and defvjp then find that record (user_fn still set) and the next attempt reads the source again.
    namespace: dict = {}
    exec("def helper(x):\n    return x * x\n", namespace)  # noqa: S102
    m = load("def f(x):\n    return helper(x) + x\n")
    m.helper = namespace["helper"]
    with pytest.raises(s2sad.SourceUnavailableError):
        s2sad.grad(m.f)(1.5)
    s2sad.primitive(namespace["helper"])
    s2sad.defvjp(namespace["helper"], lambda g, ans, x: g * 2 * x)
    s2sad.defjvp(namespace["helper"], lambda t, ans, x: t * 2 * x)
    assert s2sad.grad(m.f)(1.5) == pytest.approx(4.0)  # SourceUnavailableError again
