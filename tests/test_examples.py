"""Every example script runs to completion, with small settings under CI=true.

Scripts that need an optional package (SciPy, scikit-learn) are skipped, with
the reason, when it is not installed. Figures go to a temporary directory
(`S2SAD_EXAMPLE_OUTPUT`), so running the tests never rewrites files in the
repository.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
SCRIPTS = sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".py") and not f.startswith("_"))
REQUIRES = {
    "scipy_minimize.py": ["scipy"],
    "mlp_digits.py": ["sklearn"],
    "dask_logistic_regression.py": ["dask", "distributed"],
}
TIME_LIMIT = 300  # seconds per script; each takes a few seconds under CI=true


def test_there_are_examples():
    assert "logistic_regression.py" in SCRIPTS and len(SCRIPTS) >= 4


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_runs(script, tmp_path):
    missing = [m for m in REQUIRES.get(script, []) if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{script} needs {', '.join(missing)}, which is not installed")
    env = dict(os.environ, CI="true", MPLBACKEND="Agg", S2SAD_EXAMPLE_OUTPUT=str(tmp_path))
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, script)],
        capture_output=True, text=True, cwd=str(tmp_path), env=env, timeout=TIME_LIMIT,
    )
    took = time.monotonic() - start
    assert proc.returncode == 0, f"{script} failed after {took:.1f}s:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert proc.stdout.strip(), f"{script} printed nothing"
    assert "Traceback" not in proc.stderr
    assert not [f for f in os.listdir(ROOT) if f.endswith((".png", ".svg"))], "an example wrote into the repository root"
