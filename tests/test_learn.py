"""The README's "Learn autodiff with s2sad" section shows real output, checked here.

Each output block follows an HTML comment naming the command that produced it:
`<!-- output of: s2sad ... -->`. Run with S2SAD_REGEN=1 to rewrite the blocks
from the current output (and S2SAD_REGEN=1 pytest tests/test_generated.py for
the graph picture).
"""
from __future__ import annotations

import contextlib
import html
import importlib.util
import inspect
import io
import os
import re
import shlex

import pytest

from s2sad.teach.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = re.compile(r"<!-- output of: (.+?) -->\n```\w*\n(.*?)```", re.S)


def learn_section() -> str:
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    return text.split("<!-- learn:start -->", 1)[1].split("<!-- learn:end -->", 1)[0]


def run(command: str) -> str:
    """Run an `s2sad ...` command line from the repository root; `| tail -N` keeps the last N lines."""
    tail = None
    if " | tail -" in command:
        command, n = command.split(" | tail -")
        tail = int(n)
    argv = shlex.split(command)
    assert argv[0] == "s2sad"
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out):
            main(argv[1:] + ["--no-color"])
    finally:
        os.chdir(cwd)
    lines = out.getvalue().rstrip("\n").splitlines()
    return "\n".join(lines[-tail:] if tail else lines) + "\n"


def regenerate() -> None:
    """Rewrite every output block of the section with the command's current output."""
    path = os.path.join(ROOT, "README.md")
    with open(path) as f:
        text = f.read()
    head, rest = text.split("<!-- learn:start -->", 1)
    section, tail = rest.split("<!-- learn:end -->", 1)

    def fresh(m: re.Match) -> str:
        fence = m.group(0).split("\n", 2)[1]
        return f"<!-- output of: {m.group(1)} -->\n{fence}\n{run(m.group(1))}```"

    section = OUTPUT.sub(fresh, section)
    with open(path, "w") as f:
        f.write(head + "<!-- learn:start -->" + section + "<!-- learn:end -->" + tail)


if os.environ.get("S2SAD_REGEN"):
    regenerate()
BLOCKS = OUTPUT.findall(learn_section())


def test_the_walkthrough_has_every_step():
    text = learn_section()
    assert text.startswith("\n## Learn autodiff with s2sad")
    commands = [c for c, _ in BLOCKS]
    assert any("--mode wengert" in c for c in commands)
    assert any("--mode forward" in c for c in commands)
    assert any(c.startswith("s2sad explain") for c in commands)
    assert any(c.startswith("s2sad trace") for c in commands)
    assert '<img src="generated/logistic_regression_graph.svg"' in text


@pytest.mark.parametrize("command,block", BLOCKS, ids=[c for c, _ in BLOCKS])
def test_block_is_the_real_output(command, block):
    assert block == run(command)


def test_each_output_block_follows_its_visible_command():
    text = learn_section()
    for command, _ in BLOCKS:
        visible = command.split(" | ")[0]
        assert f"```bash\n{visible}\n```\n\n<!-- output of: {command} -->" in text


def test_source_block_is_the_example():
    spec = importlib.util.spec_from_file_location("logistic_example", os.path.join(ROOT, "examples", "logistic_regression.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    source = inspect.getsource(module.loss.__wrapped__)
    assert f"```python\n{source}```" in learn_section()


def test_graph_picture_is_drawn_from_the_current_dot():
    with open(os.path.join(ROOT, "generated", "logistic_regression_graph.dot")) as f:
        header, _, dot = f.read().partition("\n")
    assert dot == run(header.lstrip("# "))
    command = header.lstrip("# ").strip()
    assert f"```bash\n{command} -o loss.svg\n```" in learn_section()
    with open(os.path.join(ROOT, "generated", "logistic_regression_graph.svg")) as f:
        svg = f.read()
    nodes = set(re.findall(r'^\s*"([^"]+)" \[label=', dot, re.M))
    titles = set(re.findall(r'<g id="node\d+" class="node">\s*<title>([^<]+)</title>', svg))
    assert nodes == titles, "the SVG is stale: run S2SAD_REGEN=1 pytest tests/test_generated.py with Graphviz installed"
    text = html.unescape(svg)  # dot writes "-" as "&#45;"
    for label in re.findall(r'\[label="([^"]+)"', dot):
        for part in label.split("\\n"):
            assert part in text


def test_examples_named_in_the_section_exist():
    for path in set(re.findall(r"`(examples/\w+\.py)`", learn_section())):
        assert os.path.exists(os.path.join(ROOT, path)), path
