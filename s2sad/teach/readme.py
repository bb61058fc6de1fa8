"""The README's generated sections: the table of supported functions and the list of passes.

Input: the registry (`coverage.section`) and the pass list (`passes.manager.section`). Output: README.md
with the text between each section's markers replaced. `python -m s2sad.teach.readme` prints both
sections; `--write` puts them into README.md (tests/test_registry.py and tests/test_passes_manager.py
fail while the file is stale).
"""
from __future__ import annotations

import argparse
import os
from typing import Callable

from ..passes import manager
from . import coverage

# name -> (start marker, end marker, the section's text)
SECTIONS: dict[str, tuple[str, str, Callable[[], str]]] = {
    "coverage": (coverage.START, coverage.END, coverage.section),
    "passes": (manager.START, manager.END, manager.section),
}


def readme_path() -> str:
    """The README.md of the checkout this package sits in."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "README.md")


def replaced(text: str, start: str, end: str, body: str) -> str:
    """`text` with what stands between the markers `start` and `end` replaced by `body`."""
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return head + start + "\n" + body.strip("\n") + "\n" + end + tail


def write(path: str | None = None) -> list[str]:
    """Rewrite every generated section of README.md; the names of the sections that changed."""
    path = path or readme_path()
    with open(path) as f:
        text = f.read()
    new, changed = text, []
    for name, (start, end, section) in SECTIONS.items():
        after = replaced(new, start, end, section())
        if after != new:
            changed.append(name)
        new = after
    if changed:
        with open(path, "w") as f:
            f.write(new)
    return changed


def main(argv: list[str] | None = None) -> int:
    """`python -m s2sad.teach.readme [--write]`: print the generated sections, or write them into README.md."""
    parser = argparse.ArgumentParser(prog="python -m s2sad.teach.readme", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md between the sections' markers")
    args = parser.parse_args(argv)
    if args.write:
        changed = write()
        print(f"README.md updated: {', '.join(changed)}" if changed else "README.md already up to date")
    else:
        for _, _, section in SECTIONS.values():
            print(section())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
