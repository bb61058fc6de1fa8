"""Errors name the file, line and construct; the CLI prints them without a traceback."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import s2sad
from s2sad.teach.cli import main
import lecture

HERE = os.path.dirname(os.path.abspath(__file__))
LECTURE = os.path.join(HERE, "lecture.py")


def test_try_is_unsupported_syntax_with_location():
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(lecture.uses_try)(1.0)
    err = info.value
    assert err.filename.endswith("lecture.py")
    assert err.lineno == 12
    assert "'try' statement" in str(err)
    assert "try:" in str(err) and "^" in str(err)
    assert isinstance(err, s2sad.S2SADError)


def test_unknown_function_names_it():
    with pytest.raises(s2sad.UnknownFunctionError) as info:
        s2sad.grad(lecture.uses_i0)(1.0)
    text = str(info.value)
    assert "np.i0" in text and "lecture.py, line 21" in text
    assert "return np.i0(y)" in text


def test_error_has_no_internal_traceback():
    with pytest.raises(s2sad.S2SADError) as info:
        s2sad.grad(lecture.uses_try)(1.0)
    frames = [f.name for f in info.traceback]
    assert "lower_function" not in frames and "check" not in frames


def test_bad_wrt():
    with pytest.raises(s2sad.WrtError, match="no parameter 'q'"):
        s2sad.grad(lecture.loss, wrt="q")(1.0, 1.0, 1.0, 1.0)
    with pytest.raises(s2sad.WrtError, match="out of range"):
        s2sad.grad(lecture.loss, wrt=7)(1.0, 1.0, 1.0, 1.0)
    with pytest.raises(s2sad.WrtError, match="twice"):
        s2sad.grad(lecture.loss, wrt=("w", 0))(1.0, 1.0, 1.0, 1.0)


def test_cli_show_prints_adjoint(capsys):
    assert main(["show", f"{LECTURE}:loss", "--wrt", "w,b", "--args", "0.7", "-0.2", "1.5", "1.0"]) == 0
    out = capsys.readouterr().out
    assert "def loss_vjp(w, b, x, t, loss_bar=1.0):" in out
    assert "w_bar = t1_bar * x" in out


def test_cli_show_modes(capsys):
    assert main(["show", f"{LECTURE}:loss", "--mode", "wengert"]) == 0
    assert "t1 = w * x" in capsys.readouterr().out
    assert main(["show", f"{LECTURE}:loss", "--mode", "forward", "--wrt", "w"]) == 0
    assert "t1_dot = w_dot * x" in capsys.readouterr().out


def test_cli_module_target(capsys):
    assert main(["show", "lecture:loss", "--wrt", "0"]) == 0
    assert "def loss_vjp" in capsys.readouterr().out


def test_cli_missing_function(capsys):
    assert main(["show", f"{LECTURE}:nope"]) == 2
    err = capsys.readouterr().err
    assert "has no function 'nope'" in err and "Traceback" not in err


def test_cli_unsupported_syntax_exits_nonzero_without_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "s2sad", "show", f"{LECTURE}:uses_try"],
        capture_output=True, text=True, cwd=HERE,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "lecture.py, line 12" in proc.stderr and "'try' statement" in proc.stderr


def test_cli_missing_file_and_bad_flag(capsys):
    assert main(["show", "no_such_file.py:f"]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["show", f"{LECTURE}:loss", "--mode", "sideways"]) == 2


def test_generated_source_runs_standalone():
    text = s2sad.source(lecture.loss, "reverse", wrt=("w", "b"))
    namespace: dict = {}
    exec(compile(text, "<standalone>", "exec"), namespace)
    got = namespace["loss_vjp"](0.7, -0.2, 1.5, 1.0)
    want = s2sad.grad(lecture.loss, wrt=("w", "b"))(0.7, -0.2, 1.5, 1.0)
    np.testing.assert_allclose(got, want)


def test_generated_function_is_introspectable():
    import inspect
    import linecache

    g = s2sad.grad(lecture.loss, wrt=("w", "b"))
    compiled = g._s2sad_target((0.7, -0.2, 1.5, 1.0))
    assert compiled.__code__.co_filename.startswith("<s2sad grad of loss wrt w,b (lecture.py:")
    assert "w_bar = z_bar * x" in inspect.getsource(compiled)
    assert linecache.getlines(compiled.__code__.co_filename)
