"""The conformance report: every `cases_*.py` module run in every mode, as Markdown.

Input: the case modules in this folder. Output: `markdown()`, a table of right / refused / wrong /
crash per suite and mode, the refusals with their reasons, and the wrong and crashed cases with
details. `python tests/conformance/report.py` prints it; `--write` also replaces the text between
`<!-- conformance:start -->` and `<!-- conformance:end -->` in README.md (printing only, if the
markers are absent).
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run as a script: make `conformance` importable
    sys.path.insert(0, str(HERE.parent))

from conformance.case import Case  # noqa: E402
from conformance.harness import KINDS, MODES, Outcome, run_case  # noqa: E402

START, END = "<!-- conformance:start -->", "<!-- conformance:end -->"


def case_modules() -> list[str]:
    """The names of every `cases_*` module in this folder, sorted."""
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("cases_"))


def all_cases() -> list[Case]:
    cases: list[Case] = []
    for name in case_modules():
        cases.extend(importlib.import_module(f"conformance.{name}").CASES)
    return cases


def run_all(cases: list[Case] | None = None) -> list[tuple[Case, dict[str, Outcome]]]:
    return [(c, run_case(c)) for c in (all_cases() if cases is None else cases)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(results: list[tuple[Case, dict[str, Outcome]]] | None = None) -> str:
    """The report as Markdown."""
    results = run_all() if results is None else results
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    ncases: Counter = Counter()
    for case, outcomes in results:
        ncases[case.suite] += 1
        for mode, o in outcomes.items():
            counts[(case.suite, mode)][o.kind] += 1
    lines = [
        f"{sum(ncases.values())} cases from {len(ncases)} suites, each run in reverse mode, forward mode and "
        "(for number outputs) second order against autograd (central differences where autograd cannot "
        "evaluate the function).",
        "",
        "| suite | cases | mode | right | refused | wrong | crash |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    total: dict[str, Counter] = defaultdict(Counter)
    for suite in sorted(ncases):
        for mode in MODES:
            c = counts.get((suite, mode))
            if not c:
                continue
            total[mode].update(c)
            lines.append(f"| {suite} | {ncases[suite]} | {mode} | " + " | ".join(str(c[k]) for k in KINDS) + " |")
    for mode in MODES:
        if total[mode]:
            lines.append(f"| **all** | {sum(ncases.values())} | {mode} | " + " | ".join(f"**{total[mode][k]}**" for k in KINDS) + " |")

    refusals: dict[str, list[str]] = defaultdict(list)
    for case, outcomes in results:
        for mode, o in outcomes.items():
            if o.kind == "refused":
                refusals[o.detail].append(f"{case.name} ({mode})")
    lines += ["", "**Refusals** (the reason, and the cases refused for it):", ""]
    if not refusals:
        lines.append("none")
    for reason in sorted(refusals, key=lambda r: (-len(refusals[r]), r)):
        names = refusals[reason]
        shown = ", ".join(f"`{_cell(n)}`" for n in names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        lines.append(f"- {_cell(reason)}: {shown}")

    bad = [(case, mode, o) for case, outcomes in results for mode, o in outcomes.items() if o.kind in ("wrong", "crash")]
    lines += ["", "**Wrong and crashed** (each is a bug):", ""]
    if not bad:
        lines.append("none")
    for case, mode, o in bad:
        lines.append(f"- {o.kind}: `{case.suite}` `{_cell(case.name)}` ({mode}, `{case.fn.__name__}`): {_cell(o.detail)}")
    return "\n".join(lines) + "\n"


def write_readme(text: str, readme: Path = HERE.parent.parent / "README.md") -> bool:
    """Replace the marked section of README.md; False (and nothing written) when the markers are absent."""
    if not readme.exists():
        return False
    body = readme.read_text()
    if START not in body or END not in body:
        return False
    head, rest = body.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{text}{END}{tail}")
    return True


def main(argv: list[str]) -> int:
    text = markdown()
    print(text)
    if "--write" in argv:
        if write_readme(text):
            print("README.md updated", file=sys.stderr)
        else:
            print(f"README.md has no {START} ... {END} markers: printed only", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
