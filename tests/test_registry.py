"""The registry, walked: every built-in primitive has both rules (or is declared
non-differentiable), every differentiable one is checked numerically in both
modes on several shapes, and the README's table of supported functions is
the registry's own."""
from __future__ import annotations

import importlib
import os

import numpy as np
import pytest

import s2sad
from s2sad.teach import coverage
from s2sad.primitives.registry import PRIMS

CASE_MODULES = [
    "test_numpy_core", "test_numpy_elementwise", "test_numpy_reductions", "test_numpy_products",
    "test_numpy_shape", "test_numpy_linalg",
]
CASES = [c for m in CASE_MODULES for c in importlib.import_module(m).CASES]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def builtin_primitives():
    """Primitives of the built-in library (user rules registered by other tests are not ours)."""
    return {n: p for n, p in PRIMS.items() if p.nondiff or p.source is not None}


def test_every_primitive_has_both_rules_or_is_non_differentiable():
    broken = []
    for name, prim in builtin_primitives().items():
        if prim.nondiff:
            continue
        vjp, jvp = prim.vjp, prim.jvp
        if not vjp or not jvp:
            broken.append(f"{name}: {'no VJP' if not vjp else 'no JVP'}")
            continue
        if max(len(vjp), len(jvp)) > len(prim.params):
            broken.append(f"{name}: {len(vjp)} VJP rules, {len(jvp)} JVP rules, {len(prim.params)} parameters")
            continue
        vjp = list(vjp) + [None] * (len(prim.params) - len(vjp))  # trailing arguments without a rule: None
        jvp = list(jvp) + [None] * (len(prim.params) - len(jvp))
        for i, (v, j) in enumerate(zip(vjp, jvp)):
            if (v is None) != (j is None):
                broken.append(f"{name}: argument {prim.params[i]} has only a {'JVP' if v is None else 'VJP'} rule")
    assert not broken, "primitives with one rule but no non-differentiable marker:\n" + "\n".join(broken)


def test_the_walk_covers_every_differentiable_primitive():
    checked = {c.prim for c in CASES} | {p for c in CASES for p in c.also}
    missing = sorted(n for n, p in builtin_primitives().items() if not p.nondiff and n not in checked)
    assert not missing, f"no numerical check for: {missing}; add a Case in tests/test_numpy_*.py"
    unknown = sorted(checked - set(PRIMS))
    assert not unknown, f"cases name primitives that do not exist: {unknown}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case):
    if case.expect is not None:
        with pytest.raises(case.expect[0], match=case.expect[1]):
            s2sad.check_grads(case.fn, case.args, modes=("forward", "reverse"))
        return
    s2sad.check_grads(case.fn, case.args, modes=("forward", "reverse"), order=case.order, rtol=case.rtol, atol=case.atol)


def test_readme_table_is_in_sync_with_the_registry():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    start, end = coverage.START, coverage.END
    assert start in text and end in text
    inside = text.split(start, 1)[1].split(end, 1)[0]
    assert inside.strip() == coverage.section().strip(), (
        "README's supported-functions table is stale: run `python -m s2sad.teach.readme --write`"
    )


# -- dtypes ----------------------------------------------------------------------------------------

# scipy computes polygamma in float64 whatever the input; the builtins (`float(x)`) make Python floats.
FLOAT64_BY_DESIGN = {"digamma", "polygamma", "builtin_abs"}


def _as_float32(a):
    if isinstance(a, np.ndarray) and a.dtype.kind == "f":
        return a.astype(np.float32)
    return np.float32(a) if isinstance(a, float) else a


def test_float32_in_float32_out():
    """Gradients and tangents of float32 inputs are float32, for every case of the walk."""
    wrong = []
    for case in CASES:
        if case.expect is not None or case.prim in FLOAT64_BY_DESIGN:
            continue
        args = tuple(_as_float32(a) for a in case.args)
        with np.errstate(all="ignore"):
            out = case.fn(*args)
        outs = out if isinstance(out, tuple) else (out,)
        if any(np.asarray(o).dtype != np.float32 for o in outs):
            continue  # the function itself leaves float32 (an integer result, say)
        floats = [i for i, a in enumerate(args) if np.asarray(a).dtype == np.float32]
        tangents = tuple(np.ones_like(a) if i in floats else np.zeros(np.shape(a)) for i, a in enumerate(args))
        _, tangent = s2sad.jvp(case.fn, args, tangents)
        _, pullback = s2sad.vjp(case.fn, *args)
        grads = pullback(tuple(np.ones_like(o) for o in outs) if isinstance(out, tuple) else np.ones_like(out))
        dtypes = [np.asarray(t).dtype for t in (tangent if isinstance(tangent, tuple) else (tangent,))]
        dtypes += [np.asarray(grads[i]).dtype for i in floats]
        if any(d != np.float32 for d in dtypes):
            wrong.append(f"{case.id}: {dtypes}")
    assert not wrong, "float32 inputs gave float64 derivatives:\n" + "\n".join(wrong)


def complex_square(z):
    return np.sum(z * z)


def test_complex_inputs_are_a_clear_error():
    with pytest.raises(s2sad.S2SADError, match="complex"):
        s2sad.grad(complex_square)(np.array([1.0 + 2.0j]))
    with pytest.raises(s2sad.S2SADError, match="complex"):
        s2sad.jvp(complex_square, (np.array([1j]),), (np.array([1j]),))


def scaled_by_int(x, n):
    return np.sum(x * n)


def test_integer_and_boolean_arrays_are_not_differentiated():
    _, t = s2sad.jvp(scaled_by_int, (np.ones(3), np.arange(3)), (np.ones(3), np.zeros(3)))
    assert t == 3.0  # the integer array is held constant
    with pytest.raises(s2sad.InputError, match="holds constant"):  # never a silently dropped tangent
        s2sad.jvp(scaled_by_int, (np.ones(3), np.arange(3)), (np.ones(3), np.ones(3)))
    s2sad.check_grads(scaled_by_int, (np.ones(3), np.arange(3)), modes=("forward", "reverse"))


def test_autograd_list_matches_the_installed_autograd():
    """coverage.AUTOGRAD is autograd's own registry, mapped to public names (plus its composite functions)."""
    pytest.importorskip("autograd")
    pytest.importorskip("scipy")
    import types

    import autograd.numpy  # noqa: F401  (registers autograd's numpy rules)
    import autograd.scipy.special  # noqa: F401
    import numpy.linalg
    import scipy.special
    from autograd.core import primitive_jvps, primitive_vjps

    def name(f):
        return getattr(getattr(f, "fun", f), "__name__", None)

    reverse, forward = {name(f) for f in primitive_vjps}, {name(f) for f in primitive_jvps}
    found = {}
    for n in reverse | forward:
        for prefix, space in (("np", np), ("np.linalg", numpy.linalg), ("scipy.special", scipy.special)):
            obj = getattr(space, n, None)
            if callable(obj) and not isinstance(obj, (types.ModuleType, type)):
                found[f"{prefix}.{n}"] = n in forward
                break
    composites = {"np.array", "np.concatenate", "np.stack", "np.hstack", "np.vstack", "np.column_stack"}
    assert set(found) | composites == coverage.AUTOGRAD
    assert {k for k, has_jvp in found.items() if not has_jvp} == coverage.AUTOGRAD_REVERSE_ONLY
