"""Smoke test of the benchmark suite: `--quick` on two tiny workloads. Speed is measured, never asserted."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks import peers, report, run  # noqa: E402


def test_quick_run_writes_results(tmp_path, capsys):
    pytest.importorskip("autograd")
    status = run.main([
        "--quick", "--only", "scalar_loop_math,rosenbrock_hvp", "--peers", "autograd",
        "--studies", "overhead,memory", "--repeats", "2", "--out", str(tmp_path),
    ])
    assert status == 0
    results = json.loads((tmp_path / "results.json").read_text())
    rows = {r["key"]: r for r in results["workloads"]}
    assert set(rows) == {"scalar_loop_math", "rosenbrock_hvp"}
    for row in rows.values():
        for name in ("hand-written", "s2sad", "autograd"):
            entry = row["impls"][name]
            assert entry["median"] > 0 and entry["correct"] is True, (row["key"], name, entry)
        assert row["first_call"] > 0
    assert results["overhead"] and results["memory"]["rows"]
    md = (tmp_path / "RESULTS.md").read_text()
    assert "| workload |" in md and "s2sad / hand" in md and "Targets of issue 7" in md
    if (tmp_path / "results.png").exists():
        assert (tmp_path / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "scalar_loop_math" in capsys.readouterr().out


def test_a_missing_peer_is_skipped_with_a_note(monkeypatch):
    monkeypatch.setattr(peers, "available", lambda name: (False, f"{name} is not installed (ImportError)"))
    impls = peers.build("jax", "grad", "logistic", (), (0,))
    assert [i.name for i in impls] == ["JAX eager", "JAX jit"]
    assert all(i.call is None and "not installed" in i.note for i in impls)


def test_readme_headline_goes_between_the_markers(tmp_path):
    results = {
        "machine": {"date": "2026-01-01 00:00 UTC", "cpu": "cpu", "cores": 2},
        "repeats": 3,
        "workloads": [{"key": "k", "title": "a workload", "impls": {
            "hand-written": {"median": 2e-6}, "s2sad": {"median": 3e-6}, "autograd": {"skipped": True, "note": "x"}}}],
    }
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{report.START}\nold\n{report.END}\n## How it works\n")
    report.update_readme(readme, results)
    text = readme.read_text()
    assert text.startswith("intro\n" + report.START) and text.endswith(report.END + "\n## How it works\n")
    assert "old" not in text and "| a workload | 2 µs | 3 µs | 1.50× | skipped |" in text
    assert "python -m benchmarks.run" in text


def test_the_identity_pass_the_diagonal_jacobian_replaced_agrees_with_it():
    # benchmarks/passes.py times s2sad/api/jacobian.py's diagonal case against the identity pass it replaced;
    # both must give the same Jacobians (elementwise functions: the two differ only in speed).
    import importlib

    import s2sad
    from benchmarks import passes, workloads as W

    J = importlib.import_module("s2sad.api.jacobian")
    x = np.linspace(-1.0, 1.0, 7)
    for fn, args in [(W.vector_fn, (x,)), (W.tiny, (x,))]:
        want = s2sad.jacobian(fn, mode="forward")(*args)
        J._forward, J._diagonal = passes._forward_identity, passes._no_diagonal
        try:
            got = s2sad.jacobian(fn, mode="forward")(*args)
        finally:
            J._forward, J._diagonal = passes._JACOBIAN_FORWARD, passes._JACOBIAN_DIAGONAL
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_the_deep_programs_benchmark_builds_what_it_says(tmp_path):
    # benchmarks/deep.py times these programs at 10,000 terms and 1,000 helpers; small ones check the text.
    import s2sad
    from benchmarks import deep

    x = np.array([0.3, 0.5])
    total = deep._load(tmp_path, "sum_4", deep.long_sum(4)).f0
    np.testing.assert_allclose(s2sad.grad(total)(x), [1 + 1.001 + 1.002 + 1.003] * 2)
    helpers = deep._load(tmp_path, "chain_3", deep.chain(3)).f0
    np.testing.assert_allclose(s2sad.grad(helpers)(x), 1.0001 ** 2 * np.cos(x))
