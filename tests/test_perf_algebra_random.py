"""Random products of repeated variables, through the lean passes that rewrite them (collect.py,
factor.py, inplace.py): each program's gradient against autograd and against the passes switched off.

The fuzz suite draws whole programs; few of them use one variable twice in a product, which is what
these passes look for. Here every program does, in a loop over numbers and in straight-line code over
arrays. Seeded, so a failure reproduces; the program's text is in the assertion message.
"""
from __future__ import annotations

import random

import numpy as np
import pytest

import s2sad
from s2sad.passes import settings as optimize
from program_files import load_module

autograd = pytest.importorskip("autograd")

FACTORS = ["x", "y", "np.sin(x)", "np.cos(x)", "np.tanh(x)", "np.exp(-x * x)", "0.5", "x * y", "-x", "(x - y)", "x ** 2",
           "(y - 1.0)", "x * 2", "(x + 1.0)", "y ** 2", "np.sin(y)", "(1.0 - x)", "x / 2", "(x * x - y)", "np.tanh(x * y)"]


def _expression(r: random.Random) -> str:
    terms = []
    for _ in range(r.randint(1, 3)):
        factors = [r.choice(FACTORS) for _ in range(r.randint(2, 3))]
        if "x" not in " ".join(factors):
            factors[0] = "x"
        terms.append(" * ".join(factors))
    out = terms[0]
    for t in terms[1:]:
        out += f" {r.choice('+-')} {t}"
    return out


def _program(seed: int) -> str:
    """A loop over numbers, a sum over arrays, a loop with a branch, and a loop over arrays."""
    r = random.Random(seed)
    loop = "\n".join(f"        x = {_expression(r)} * 0.3 + y" for _ in range(r.randint(1, 2)))
    return (f"import numpy as np\n\n\ndef looped(x, y):\n    for i in range(3):\n{loop}\n    return x\n\n\n"
            f"def flat(x, y):\n    return np.sum({_expression(r)})\n\n\n"
            f"def branched(x, y):\n    for i in range(3):\n        if x > 0.5:\n            x = {_expression(r)} * 0.3 + y\n"
            f"        else:\n            x = {_expression(r)} * 0.3 - y\n    return x\n\n\n"
            f"def array_loop(x, y):\n    for i in range(2):\n        x = {_expression(r)} * 0.3 + y\n    return np.sum(x)\n")


def _load(tmp_path, text: str, name: str, numpy_module):
    return load_module(tmp_path, text, name, numpy_module)


@pytest.mark.parametrize("seed", range(40))
def test_random_products_of_repeated_variables(tmp_path, seed):
    text = _program(seed)
    mine = _load(tmp_path, text, f"algebra_{seed}", np)
    theirs = _load(tmp_path, text, f"algebra_ag_{seed}", autograd.numpy)
    arrays = (np.linspace(-1.2, 1.1, 5), np.linspace(0.5, 1.5, 5))
    cases = [(mine.looped, theirs.looped, (0.4, 0.7)), (mine.flat, theirs.flat, arrays),
             (mine.branched, theirs.branched, (0.9, 0.3)), (mine.array_loop, theirs.array_loop, arrays)]
    for f, f_ag, args in cases:
        want = autograd.grad(f_ag, (0, 1))(*args)
        if not all(np.all(np.isfinite(w)) and np.max(np.abs(w)) < 1e8 for w in want):
            continue  # an iterated power can overflow, or grow until rounding is all there is
        on = s2sad.grad(f, (0, 1))(*args)
        with optimize.settings(collect=False, factor=False, inplace=False):
            off = s2sad.grad(f, (0, 1))(*args)
        for a, b, c in zip(on, off, want):
            np.testing.assert_allclose(a, c, rtol=1e-9, atol=1e-12, err_msg=text)
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14, err_msg=text)
