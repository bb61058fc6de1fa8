"""Regressions in calls to helpers, forward mode of tuples and export, kept as ordinary tests.

Moved here from `open_bugs.py` when they were fixed (calls.py, registry.py,
forward.py, export.py); same style as `test_regressions.py`.
"""
from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import s2sad
from s2sad.primitives import registry
from fuzz_oracles import check, load


def test_forward_mode_of_an_inactive_tuple_from_several_returns():
    # forward.py: the tangent of an output with no active part was `np.zeros_like(f)`, and f is a tuple.
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


def test_forward_mode_of_a_tuple_active_in_one_branch_only():
    # forward.py, the same bug inside a block: where the tuple does not vary, its tangent was
    # `np.zeros_like(f)`; now one zero per element, `(0.0, np.zeros_like(t4))`.
    source = """\
import numpy as np

def f(x):
    if x > 10.0:
        return x, np.ones((2, 2))
    return -1.5, 0.5 * np.ones((2, 2))
"""
    f = load(source).f
    out, tangent = s2sad.jvp(f, (0.5,), (1.0,))
    assert tangent[0] == 0.0 and np.all(tangent[1] == 0.0)
    out, tangent = s2sad.jvp(f, (20.0,), (1.0,))
    assert tangent[0] == 1.0 and np.all(tangent[1] == 0.0)
    text = s2sad.source(f, "forward")
    assert "f_dot = (0.0, np.zeros_like(t4))" in text
    assert "zeros_like(f)" not in text


def test_export_forgets_numpy_for_a_copied_helper():
    # export.py: the helper's source is copied in and uses np (or math), but the derivative code itself
    # does not, so `import numpy as np` (`import math`) was left out and the module failed with NameError.
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


def test_export_copies_what_a_helper_from_another_module_reads():
    # export.py: imports and constants come from each copied function's own globals (the helper's
    # module, here not the caller's), including `from math import exp as e` and a SciPy ufunc
    # (whose __module__ says numpy).
    helpers = load("import math\nfrom math import exp as e\nimport numpy as np\nfrom scipy.special import expit\n\n"
                   "SCALE = 2.5\nW = np.array([1.0, 2.0])\n\n"
                   "def h0(a):\n    return SCALE * math.sin(a) * np.sum(W) + e(a) + expit(a)\n")
    m = load("def f(x0):\n    return h0(x0) * 2.0\n")
    m.h0 = helpers.h0
    text = str(s2sad.export(m.f, wrt=("x0",), modes=("reverse", "forward")))
    for line in ("import math", "from math import exp as e", "from scipy.special import expit", "SCALE = 2.5"):
        assert f"\n{line}\n" in text
    namespace: dict = {}
    exec(compile(text, "<export>", "exec"), namespace)  # noqa: S102
    s = 1 / (1 + np.exp(-0.3))
    expected = 2.0 * (2.5 * np.cos(0.3) * 3.0 + np.exp(0.3) + s * (1 - s))
    assert namespace["f_vjp"](0.3) == pytest.approx(expected)
    assert namespace["f_jvp"](0.3, 1.0)[1] == pytest.approx(expected)
    assert s2sad.grad(m.f)(0.3) == pytest.approx(expected)


def test_two_helpers_with_one_name_share_derivatives():
    # calls.py `_derived`: the derivative primitive was named after the helper's *spelling* ("h0_vjp"), and
    # registry._add overwrote PRIMS by name, so a second module's h0 replaced the first's derivative.
    # The next specialisation of the first caller called the wrong helper's adjoint. Silently wrong.
    one = load("def h0(a):\n    return a * a\n\ndef f(x):\n    return h0(x) * 2.0\n")
    two = load("def h0(a):\n    return a * a * a\n\ndef f(x):\n    return h0(x) * 2.0\n")
    assert s2sad.grad(one.f)(3.0) == 12.0
    assert s2sad.grad(two.f)(3.0) == 54.0
    (adj,) = s2sad.vjp(one.f, np.array([3.0]))[1](np.array([1.0]))
    assert adj[0] == 12.0  # s2sad: 54.0
    assert s2sad.jvp(one.f, (3.0,), (1.0,))[1] == 12.0  # s2sad: 12.0 with value 18.0 (h0 of module two)


def test_two_helpers_with_one_name_keep_readable_names():
    # Each helper has its own record (`h0`, `h0_2` in the registry), but the generated code of each caller
    # still reads `h0(x)` and `h0_vjp(...)`, bound through that caller's own globals.
    one = load("def h0(a):\n    return a * a\n\ndef f(x):\n    return h0(x) * 2.0\n")
    two = load("def h0(a):\n    return a * a * a\n\ndef f(x):\n    return h0(x) * 2.0\n")
    for m, expected in ((one, 12.0), (two, 54.0), (one, 12.0)):
        text = s2sad.source(m.f, "reverse")
        assert "t1 = h0(x)" in text and "= h0_vjp(x, " in text
        assert s2sad.value_and_grad(m.f)(3.0)[1] == expected
        assert s2sad.jvp(m.f, (3.0,), (1.0,))[1] == expected
    assert registry.lookup(one.h0) is not registry.lookup(two.h0)
    check("def h0(a):\n    return a * a\n\ndef f(x):\n    return h0(x) * 2.0\n", (0.7,))


def test_two_helpers_with_one_name_in_one_function():
    # Two different functions, both called `h`, in one caller: both were printed `h(x)` and bound to one of
    # them, and the gradient was silently wrong (4.0 for 14.0). Now they print by their registry names.
    ha = load("def h(a):\n    return a * 2.0\n")
    hb = load("def h(a):\n    return a ** 3\n")
    m = load("def f(x):\n    return ha.h(x) + g(x)\n")
    m.ha, m.g = ha, hb.h
    assert s2sad.grad(m.f)(2.0) == 14.0
    assert s2sad.jvp(m.f, (2.0,), (1.0,))[1] == 14.0
    text = s2sad.source(m.f, "reverse")
    names = {registry.lookup(ha.h).name, registry.lookup(hb.h).name}
    assert len(names) == 2 and all(f"{n}(x)" in text and f"{n}_vjp(x, " in text for n in names)
    text = str(s2sad.export(m.f, modes=("reverse", "forward")))
    namespace: dict = {}
    exec(compile(text, "<export>", "exec"), namespace)  # noqa: S102
    assert namespace["f_vjp"](2.0) == 14.0


def test_helpers_and_their_modules_are_never_freed():
    # calls.py `user_primitive`: every helper became a Primitive in registry.PRIMS and _BY_OBJECT, strongly,
    # with its module's globals -- so the caller and its cache entries lived forever; and names grew
    # h0, h0_, h0__... (a quadratic search per new helper of a common name).
    m = load("import numpy as np\n\ndef helper(u):\n    return np.sin(u)\n\ndef caller(x):\n    return helper(x) * x\n")
    s2sad.grad(m.caller)(0.3)
    ref = weakref.ref(m.caller)
    del m
    gc.collect()
    assert ref() is None


def test_a_helpers_derivatives_are_freed_with_the_callers_module():
    # The helper's records (its primitive, its generated adjoint and tangent and their primitives) live on
    # the functions, not in the registry: deleting the module frees them and their registry names.
    m = load("import numpy as np\n\ndef helper_gone(u):\n    return np.sin(u)\n\ndef caller(x):\n    return helper_gone(x) * x\n")
    assert s2sad.grad(m.caller)(0.3) == pytest.approx(np.sin(0.3) + 0.3 * np.cos(0.3))
    assert s2sad.jvp(m.caller, (0.3,), (1.0,))[1] == pytest.approx(np.sin(0.3) + 0.3 * np.cos(0.3))
    prim = registry.lookup(m.helper_gone)
    derived = [registry.PRIMS[n] for n in registry.PRIMS if n.startswith(prim.name + "_")]
    assert {d.spelling.path for d in derived} == {"helper_gone_vjp", "helper_gone_jvp"}
    refs = [weakref.ref(x) for x in (m.helper_gone, prim, *derived, *(d.fn for d in derived))]
    names = [prim.name, *(d.name for d in derived)]
    del m, prim, derived
    for _ in range(2):  # s2sad.jvp's memo is a WeakKeyDictionary: its entry goes in the first collection
        gc.collect()
    assert [r() for r in refs] == [None] * len(refs)
    assert not any(n in registry.PRIMS for n in names)


def test_many_helpers_of_one_name_get_short_names():
    # The registry's names for live helpers of one name are h0, h0_2, h0_3, ...; not h0, h0_, h0__.
    modules = [load(f"def h0(a):\n    return a * {k}.0\n\ndef f(x):\n    return h0(x)\n") for k in range(1, 5)]
    for k, m in enumerate(modules, 1):
        assert s2sad.grad(m.f)(1.0) == k
    names = [registry.lookup(m.h0).name for m in modules]
    assert len(set(names)) == 4 and all(n == "h0" or n.startswith("h0_") and n[3:].isdigit() for n in names)


def test_rules_for_a_helper_after_a_failed_attempt_are_ignored():
    # calls.py: the first attempt registered the exec'd helper as a user-call primitive; s2sad.primitive
    # and defvjp then found that record (user_fn still set) and the next attempt read the source again.
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
    assert s2sad.jvp(m.f, (1.5,), (1.0,))[1] == pytest.approx(4.0)


def test_rules_given_after_a_caller_was_differentiated_are_used():
    # registry.py: `primitive`/`defvjp` on a helper that a cached caller had differentiated through left the
    # caller (and an existing grad object) on the old derivative, read from the helper's source.
    m = load("def helper(x):\n    return x * x\n\ndef f(x):\n    return helper(x) + x\n")
    g = s2sad.grad(m.f)
    assert g(1.5) == pytest.approx(4.0)
    assert s2sad.jvp(m.f, (1.5,), (1.0,))[1] == pytest.approx(4.0)
    s2sad.primitive(m.helper)
    s2sad.defvjp(m.helper, lambda g, ans, x: g * 10.0)  # deliberately not the true derivative: it must be used
    s2sad.defjvp(m.helper, lambda t, ans, x: t * 10.0)
    assert g(1.5) == pytest.approx(11.0)
    assert s2sad.grad(m.f)(1.5) == pytest.approx(11.0)
    assert s2sad.jvp(m.f, (1.5,), (1.0,))[1] == pytest.approx(11.0)


def test_grad_of_a_helper_itself_reads_its_source():
    # api.target: grad of a function already recorded as a helper compiled a one-line caller, kept in a
    # module-level dict for good, so the helper and its module were never freed.
    m = load("def h0(a):\n    return a * 2.0\n\ndef f(x):\n    return h0(x)\n")
    assert s2sad.grad(m.f)(1.0) == 2.0
    assert s2sad.grad(m.h0)(1.0) == 2.0
    ref = weakref.ref(m.h0)
    del m
    for _ in range(2):
        gc.collect()
    assert ref() is None



def test_rules_given_after_a_forward_jacobian_was_built_empty_its_memos():
    # jacobian.py keeps the elementwise tangent pass (compiled code) per kind of arguments for its
    # diagonal case; new rules must empty that memo as they empty grad objects' entries.
    from s2sad.api import plans

    m = load("import numpy as np\n\ndef f(x):\n    return np.sin(x) * x\n\ndef other(x):\n    return x\n")
    jac = s2sad.jacobian(m.f, mode="forward")
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(jac(x), np.diag(np.cos(x) * x + np.sin(x)))
    memos = [memo for memo in plans.MEMOS if memo]
    assert memos and any(callable(v) for memo in memos for v in memo.values())  # the compiled tangent pass
    s2sad.primitive(m.other)
    s2sad.defvjp(m.other, lambda g, ans, x: g)
    assert not any(plans.MEMOS)
    np.testing.assert_allclose(jac(x), np.diag(np.cos(x) * x + np.sin(x)))
