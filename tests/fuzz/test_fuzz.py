"""Differential fuzzing: random programs, several oracles, shrunk counterexamples.

Profiles (Hypothesis settings profiles, chosen with the S2SAD_FUZZ environment variable):

    ci    (default)  300 programs, derandomized: the same programs every run, about a minute
    long             10,000 programs, derandomized with another seed:
                         S2SAD_FUZZ=long python -m pytest tests/fuzz/test_fuzz.py -q -s
    off              skip the fuzz test (S2SAD_FUZZ=off)

S2SAD_FUZZ_EXAMPLES overrides the number of programs, S2SAD_FUZZ_SEED the seed
of the long profile. A failure is shrunk by Hypothesis to a minimal program;
save it in tests/fuzz/test_regressions.py as an ordinary test.
"""
from __future__ import annotations

import json
import os
import sys
import time

import pytest
from hypothesis import HealthCheck, Phase, event, given, reject, seed, settings
from hypothesis import strategies as st

import fuzz_oracles
from fuzz_gen import Program, programs
from fuzz_menu import menu

PROFILE = os.environ.get("S2SAD_FUZZ", "ci")
_COMMON = dict(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],  # no slow "explain" phase
)
settings.register_profile("s2sad-fuzz-ci", max_examples=300, derandomize=True, **_COMMON)
settings.register_profile("s2sad-fuzz-long", max_examples=10_000, derandomize=False, **_COMMON)
EXAMPLES = int(os.environ.get("S2SAD_FUZZ_EXAMPLES", "0")) or None
LONG_SEED = int(os.environ.get("S2SAD_FUZZ_SEED", "20240808"))

_RUN = {"programs": 0, "rejected": 0, "start": time.time()}


def _profile() -> settings:
    base = settings.get_profile("s2sad-fuzz-long" if PROFILE == "long" else "s2sad-fuzz-ci")
    return settings(base, max_examples=EXAMPLES) if EXAMPLES else base


def _seeded(test):  # the long profile draws from its own seed; CI is derandomized
    return seed(LONG_SEED)(test) if PROFILE == "long" else test


@pytest.mark.fuzz
@pytest.mark.skipif(PROFILE == "off", reason="S2SAD_FUZZ=off")
@_seeded
@_profile()
@given(program=programs(), input_seed=st.integers(0, 2**32 - 1), count=st.integers(0, 3))
def test_random_programs_agree_with_every_oracle(program: Program, input_seed: int, count: int) -> None:
    args = program.make_args(input_seed, count)
    try:
        ran = fuzz_oracles.check(program.source, args, autograd=program.autograd, seed=input_seed)
    except fuzz_oracles.Rejected as exc:
        _RUN["rejected"] += 1
        event(f"rejected: {exc}")
        reject()
    _RUN["programs"] += 1
    for o in sorted(ran):
        event(f"oracle: {o}")
    for feat in sorted(program.features):
        event(f"feature: {feat}")


def teardown_module() -> None:
    """Print (and with S2SAD_FUZZ_REPORT, save) what the run covered."""
    if not _RUN["programs"]:
        return
    report = {
        "profile": PROFILE,
        "programs": _RUN["programs"],
        "rejected_inputs": _RUN["rejected"],
        "seconds": round(time.time() - _RUN["start"], 1),
        "oracles": {k.removeprefix("oracle "): v for k, v in sorted(fuzz_oracles.STATS.items())},
        "menu": menu().describe(),
    }
    path = os.environ.get("S2SAD_FUZZ_REPORT")
    if path:
        with open(path, "w") as f:
            json.dump(report, f, indent=2)
    if PROFILE == "long":
        print("\n" + json.dumps(report, indent=2), file=sys.stderr)
