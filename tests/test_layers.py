"""The package's layers: each module imports only its own package and the packages below it, with no import cycle.

Imports inside functions count (a lazy import hides a cycle; it does not remove it). The order below is the
one the README's "Architecture" section draws; a new subpackage must take its place in it.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "s2sad"
ORDER = ["errors", "runtime", "primitives", "ir", "rules", "frontend", "analysis", "ad", "passes", "driver",
         "pytrees", "api", "teach", "compiled"]  # bottom to top; s2sad/__init__.py and __main__.py sit above all


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The s2sad modules `name` imports, anywhere in its body, a package's face seen from its own child left out."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            targets = {f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in MODULES else prefix for a in node.names}
        else:
            continue
        for t in targets:
            if t in MODULES and t != name and not (MODULES[t].name == "__init__.py" and name.startswith(t + ".")):
                out.add(t)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(name: str) -> int:
    parts = name.split(".")
    return len(ORDER) if len(parts) == 1 or parts[1] in ("__main__",) else ORDER.index(parts[1])


def test_every_subpackage_has_its_place_in_the_order():
    tops = {name.split(".")[1] for name in MODULES if name.count(".") >= 1}
    assert tops - {"__main__"} <= set(ORDER), sorted(tops - set(ORDER))


def test_no_module_imports_a_layer_above_its_own():
    upward = sorted(f"{m} -> {d}" for m, ds in GRAPH.items() if m != "s2sad" for d in ds if _layer(d) > _layer(m))
    assert upward == []


def test_no_import_cycle():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def strong(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in GRAPH:
        if v not in index:
            strong(v)
    assert cycles == []


def test_the_top_level_holds_a_handful_of_modules():
    direct = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert direct == ["__init__.py", "__main__.py", "errors.py"]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_reaches_another_modules_private_names(name):
    tree = ast.parse(MODULES[name].read_text())
    reached = [f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
               and (n.level or (n.module or "").startswith("s2sad")) for a in n.names
               if a.name.startswith("_") and not a.name.startswith("__")]
    assert reached == []
