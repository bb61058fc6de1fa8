"""Notebook rendering: source, explain and trace objects have highlighted `_repr_html_`."""
from __future__ import annotations

import pytest

import s2sad
from s2sad.api import display
from s2sad.api.display import Code
import lecture

ARGS = (0.7, -0.2, 1.5, 1.0)
pygments = pytest.importorskip("pygments")


def test_code_renders_highlighted_html():
    code = Code(s2sad.source(lecture.loss, "reverse", wrt=("w", "b"), args=ARGS))
    html = code._repr_html_()
    assert html.startswith("<pre")
    assert '<span style="color: #008000; font-weight: bold">def</span>' in html  # a keyword, coloured inline
    assert "loss_vjp" in html and str(code) == code  # still plain text when printed


def test_explain_renders_a_highlighted_table():
    html = s2sad.explain(lecture.loss, wrt=("w", "b"), args=ARGS)._repr_html_()
    assert html.startswith("<table") and html.count("<tbody") == 4
    assert "<th" in html and "Wengert list" in html
    assert '<span style="color: #008000">np</span>' in html or '<span style="color' in html
    assert "t1_bar" in html


def test_trace_renders_a_highlighted_table():
    html = s2sad.trace(lecture.loss, ARGS, wrt=("w", "b"))._repr_html_()
    assert html.startswith("<table") and "<span style=" in html
    assert "0.0942193" in html and "backward pass" in html


def test_plain_text_when_pygments_is_missing(monkeypatch):
    monkeypatch.setattr(display, "have_pygments", lambda: False)
    html = s2sad.explain(lecture.loss)._repr_html_()
    assert "<span" not in html and "t1 = w * x" in html
    assert Code("a < b")._repr_html_() == '<pre style="margin:0;line-height:1.25">a &lt; b</pre>'
    assert display.ansi("x = 1") == "x = 1"


def test_terminal_colour_keeps_columns_aligned():
    table = s2sad.explain(lecture.loss, wrt=("w", "b"), args=ARGS)
    plain, coloured = table.to_text(), table.to_text(color=True)
    assert "\x1b[" in coloured
    assert [display.visible_len(line) for line in coloured.splitlines()] == [len(line) for line in plain.splitlines()]


@pytest.mark.parametrize("verb", ["show", "explain", "trace", "export"])
def test_cli_highlights_on_a_terminal_unless_no_color(verb, monkeypatch, capsys):
    import os
    import sys

    from s2sad.teach.cli import main

    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lecture.py") + ":loss"
    argv = [verb, target, "--args", *map(str, ARGS)]
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(argv) == 0
    assert "\x1b[" in capsys.readouterr().out
    assert main(argv + ["--no-color"]) == 0
    assert "\x1b[" not in capsys.readouterr().out


def test_source_renders_highlighted_in_a_notebook():
    import s2sad
    from lecture import loss

    text = s2sad.source(loss, "reverse", wrt=("w", "b"), args=(0.7, -0.2, 1.5, 1.0))
    assert isinstance(text, str) and "w_bar = t1_bar * x" in text
    html = text._repr_html_()
    assert "<span" in html and "w_bar" in html
