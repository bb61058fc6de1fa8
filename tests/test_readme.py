"""The README shows the program's real output."""
from __future__ import annotations

import os

from test_golden import ADJOINT, WENGERT

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def readme() -> str:
    with open(os.path.join(ROOT, "README.md")) as f:
        return f.read()


def test_readme_walkthrough_is_real_output():
    text = readme()
    assert WENGERT in text
    assert ADJOINT in text


def test_quick_start_is_two_commands():
    text = readme()
    block = text.split("## Quick start", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if line.strip()]
    assert lines == [
        "pip install . && python examples/logistic_regression.py",
        "pip install '.[test]' && python -m pytest",
    ]


def test_readme_control_flow_and_composition_snippets_are_real_output():
    import s2sad
    import test_forward_and_composition as tf
    from test_control_flow import LOOP_ADJOINT

    text = readme()
    assert LOOP_ADJOINT in text
    from control_cases import sine_loop
    grad_form = s2sad.source(sine_loop, "grad", args=(0.3,))
    assert grad_form[grad_form.index("    # backward sweep"):] in text
    assert s2sad.source(s2sad.grad(tf.cubic_sine), mode="forward", args=(0.7,)) in text


def test_readme_error_example_is_real_output(monkeypatch):
    import s2sad
    import lecture

    monkeypatch.chdir(ROOT)
    try:
        s2sad.grad(lecture.uses_i0)(1.0)
    except s2sad.UnknownFunctionError as exc:
        message = str(exc)
    assert "```\n" + message + "\n```" in readme()
