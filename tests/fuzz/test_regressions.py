"""Counterexamples the fuzzer found, minimised, kept as ordinary tests.

Each test is the minimal program (as Hypothesis shrank it, or as reduced by
hand from a fuzzer failure) with the inputs it failed at, run through every
oracle of `fuzz_oracles.check`, plus the specific symptom. Bugs still open in
the compiler core are in `open_bugs.py` (not collected) until they are fixed;
move a test here when its bug is.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from fuzz_oracles import check, load


def test_grad_of_a_tuple_output_is_a_shape_error():
    # Found by the CI profile (shrunk): grad called the value_and_grad adjoint without its two seeds,
    # a TypeError from generated code.
    source = "import math\nimport numpy as np\n\ndef f(x0):\n    return (0.5, 0.5 * np.ones((3,)))\n"
    check(source, (0.27,))
    f = load(source).f
    with pytest.raises(s2sad.ShapeError, match="returned a tuple"):
        s2sad.grad(f)(0.27)


def test_tuples_from_several_returns():
    # Found by the fuzzer: a tuple returned by two return statements (scalar, array) made the
    # pullback's shape check call np.shape on a ragged tuple (ValueError), and grad crash in generated code.
    source = """\
import numpy as np

def f(x0):
    if np.sum(x0) > 100.0:
        return (-1.0, x0 * np.ones((3, 2)))
    return (0.5, np.cosh(x0 * np.ones((3, 2))))
"""
    args = (np.array([1.27, 1.93]),)
    check(source, args)
    f = load(source).f
    out, pullback = s2sad.vjp(f, *args)
    (adj,) = pullback((1.0, np.ones((3, 2))))
    np.testing.assert_allclose(adj, 3 * np.sinh(args[0]))
    with pytest.raises(s2sad.ShapeError, match="returned a tuple"):
        s2sad.grad(f)(*args)


def test_grad_of_an_array_output_whose_adjoint_needs_an_array_seed():
    # Found by the fuzzer: with the default seed 1.0 the backward sweep ran `g.T` on a float and failed
    # with an AttributeError before grad could say that the output is not a scalar.
    source = "import numpy as np\n\ndef f(v):\n    return np.tile(v, (3, 1)).T\n"
    args = (np.array([0.3, -0.2]),)
    check(source, args)
    f = load(source).f
    for g in (s2sad.grad, s2sad.value_and_grad):
        with pytest.raises(s2sad.ShapeError, match=r"returned shape \(2, 3\)"):
            g(f)(*args)


def test_primitive_targets_load_their_rules_first():
    # Found while cataloguing: grad(np.sum) built its one-line caller before the rule class was parsed,
    # so the caller had no parameters (WrtError), and passed keepdims where np.sum takes dtype.
    source = "import numpy as np\n\ndef f(x):\n    return np.sum(np.sin(x))\n"
    check(source, (np.array([0.1, 0.2]),))
    np.testing.assert_allclose(s2sad.grad(np.sum)(np.ones((2, 3))), np.ones((2, 3)))
    assert s2sad.grad(np.sin)(0.3) == pytest.approx(np.cos(0.3))


def test_a_deadlock_between_the_cache_and_helper_generation():
    # Found by tests/test_concurrency.py: grad (cache lock, then the helper lock) and source (helper lock,
    # then the cache lock) on functions calling helpers, in two threads. The cache now shares the lock.
    from s2sad import calls, pipeline

    assert pipeline.CACHE._lock is calls._lock
