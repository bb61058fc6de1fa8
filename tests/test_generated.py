"""`generated/` always holds what the CLI really emits for the examples.

Each file's first line is the `s2sad ...` command that produced it (`show`,
`export` for a standalone module, `graph` for DOT text, where `#` starts a
comment too); this test re-runs that command and compares. Run with
S2SAD_REGEN=1 to rewrite; with Graphviz installed that also redraws each
`.dot` file's `.svg` beside it.
"""
from __future__ import annotations

import contextlib
import io
import os
import shlex
import shutil
import subprocess

import pytest

from s2sad.teach.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATED = os.path.join(ROOT, "generated")
FILES = sorted(f for f in os.listdir(GENERATED) if f.endswith((".py", ".dot")))


def run_header(header: str) -> str:
    argv = shlex.split(header.lstrip("# ").strip())
    assert argv[0] == "s2sad"
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out):
            assert main(argv[1:] + ["--no-color"]) == 0
    finally:
        os.chdir(cwd)
    return out.getvalue()


def test_there_are_generated_files():
    assert FILES, "generated/ is empty"


@pytest.mark.parametrize("name", FILES)
def test_generated_file_is_in_sync(name):
    path = os.path.join(GENERATED, name)
    with open(path) as f:
        header, _, body = f.read().partition("\n")
    fresh = run_header(header)
    if os.environ.get("S2SAD_REGEN"):
        with open(path, "w") as f:
            f.write(header + "\n" + fresh)
        body = fresh
        if name.endswith(".dot") and shutil.which("dot"):
            subprocess.run(["dot", "-Tsvg", path, "-o", path[:-4] + ".svg"], check=True)
    assert body == fresh, f"{name} is stale: run S2SAD_REGEN=1 pytest tests/test_generated.py"


@pytest.mark.parametrize("name", [f for f in FILES if f.endswith(".py")])
def test_generated_file_compiles(name):
    with open(os.path.join(GENERATED, name)) as f:
        compile(f.read(), name, "exec")
