"""The conformance corpus as tests: every case of every `cases_*.py` module, in every mode.

A case passes when s2sad's derivative matches the oracle ("right"), or when s2sad refuses it and the
case declares that refusal (`refusal=`: a phrase that must appear in the message). Wrong and crash
outcomes fail. `KNOWN` lists the outcomes that fail today with the bug behind each; they are strict
xfails, so a fix that lands shows up as an XPASS failure until its entry is removed.
"""
from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
import pytest

from conformance.case import Case
from conformance.harness import Outcome, _is_number_output, run_case
from conformance.report import all_cases

# (suite, case name, mode) -> the bug. Remove an entry when its fix lands (the xfail is strict).
KNOWN: dict[tuple[str, str, str], str] = {
}

CASES = all_cases()
_BY_KEY = {(c.suite, c.name): c for c in CASES}


def _modes(case: Case) -> list[str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            number = _is_number_output(case.fn(*case.args))
    except Exception:  # a bad case: run_case reports it, in every mode it asks for
        number = True
    return [m for m in case.modes if m != "second" or number]


def _params() -> list:
    out = []
    for c in CASES:
        for m in _modes(c):
            key = (c.suite, c.name, m)
            marks = [pytest.mark.xfail(reason=KNOWN[key], strict=True)] if key in KNOWN else []
            out.append(pytest.param(c.suite, c.name, m, id=f"{c.suite}::{c.name}::{m}", marks=marks))
    return out


@lru_cache(maxsize=None)
def _run(suite: str, name: str) -> dict[str, Outcome]:
    return run_case(_BY_KEY[(suite, name)])


def test_case_names_are_unique() -> None:
    keys = [(c.suite, c.name) for c in CASES]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_known_failures_name_real_cases() -> None:
    missing = [k for k in KNOWN if (k[0], k[1]) not in _BY_KEY]
    assert not missing, missing


@pytest.mark.parametrize("suite,name,mode", _params())
def test_conformance(suite: str, name: str, mode: str) -> None:
    case = _BY_KEY[(suite, name)]
    outcome = _run(suite, name).get(mode)
    assert outcome is not None, f"no {mode} outcome"
    if outcome.kind == "right":
        return
    if outcome.kind == "refused" and case.refusal:
        assert case.refusal.lower() in outcome.detail.lower(), (
            f"refused, but not for the declared reason {case.refusal!r}: {outcome.detail}"
        )
        return
    pytest.fail(f"{outcome.kind}: {outcome.detail}", pytrace=False)


def test_harness_catches_a_wrong_derivative(monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness is not vacuous: a derivative off by 0.1% is "wrong" in both modes."""
    import s2sad

    real_jvp, real_vjp = s2sad.jvp, s2sad.vjp

    def bad_jvp(f, p, t):
        o, d = real_jvp(f, p, t)
        return o, d * 1.001

    def bad_vjp(f, *p):
        o, pb = real_vjp(f, *p)
        return o, (lambda u: tuple(g * 1.001 for g in pb(u)))

    monkeypatch.setattr(s2sad, "jvp", bad_jvp)
    monkeypatch.setattr(s2sad, "vjp", bad_vjp)
    case = next(c for c in CASES if c.fn.__name__ == "b_op_mul" and np.ndim(c.args[0]) == 2)
    kinds = {m: o.kind for m, o in run_case(case).items()}
    assert kinds == {"reverse": "wrong", "forward": "wrong"}, kinds
