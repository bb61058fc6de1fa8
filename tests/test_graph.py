"""`graph`: the bipartite computational graph as DOT; rendering only when Graphviz is installed."""
from __future__ import annotations

import importlib
import os
import re
import sys

import pytest

import s2sad
from s2sad.teach.cli import main
from s2sad.teach.graph import RenderError, dot_available
import lecture

HERE = os.path.dirname(os.path.abspath(__file__))
LECTURE = os.path.join(HERE, "lecture.py")
graph_module = importlib.import_module("s2sad.teach.graph")  # `s2sad.graph` itself is the function
ARGS = (0.7, -0.2, 1.5, 1.0)
NODE = re.compile(r'^\s*"([^"]+)" \[label="((?:[^"\\]|\\.)*)", shape=(\w+)', re.M)
EDGE = re.compile(r'^\s*"([^"]+)" -> "([^"]+)";', re.M)


def parse(dot: str) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str]]]:
    """Node id -> (label, shape), and the edges, from our DOT text."""
    nodes = {m.group(1): (m.group(2), m.group(3)) for m in NODE.finditer(dot)}
    return nodes, EDGE.findall(dot)


def test_lecture_graph_has_one_node_per_variable_and_per_operation():
    g = s2sad.graph(lecture.loss, wrt=("w", "b"))
    nodes, edges = parse(g.dot)
    variables = {n for n, (_, shape) in nodes.items() if shape == "ellipse"}
    operations = {n for n, (_, shape) in nodes.items() if shape == "box"}
    # w, b, x, t and the nine Wengert variables t1, z, t2, t3, t4, y, t5, t6, loss
    assert len(variables) == 13 and g.variables == 13
    assert len(operations) == 9 and g.operations == 9
    assert len(nodes) == 22
    assert {nodes[n][0] for n in operations} >= {"w * x", "np.exp(t2)", "0.5 * t6"}


def test_graph_is_bipartite_with_variables_at_the_ends():
    nodes, edges = parse(s2sad.graph(lecture.loss).dot)
    kind = {n: shape for n, (_, shape) in nodes.items()}
    assert edges and all((kind[a] == "ellipse") != (kind[b] == "ellipse") for a, b in edges)
    sources = set(nodes) - {b for _, b in edges}
    sinks = set(nodes) - {a for a, _ in edges}
    assert all(kind[n] == "ellipse" for n in sources | sinks)
    assert {nodes[n][0] for n in sinks} == {"loss"}
    assert len(edges) == 9 + 12  # one out-edge per operation, one in-edge per variable operand


def test_annotated_graph_shows_values_and_adjoints():
    dot = s2sad.graph(lecture.loss, wrt=("w", "b"), args=ARGS, annotate=True).dot
    assert '"v_z" [label="z = 0.85\\nz_bar = -0.06281"' in dot
    assert "w_bar = -0.09422" in dot and "loss_bar = 1" in dot
    tr = s2sad.trace(lecture.loss, ARGS, wrt="w")
    assert "t1 = 1.05" in s2sad.graph(lecture.loss, trace=tr).dot
    with pytest.raises(ValueError, match="needs example args"):
        s2sad.graph(lecture.loss, annotate=True)


def test_loop_becomes_a_cluster():
    def power(x, n):
        y = x
        for i in range(n):
            y = y * x
        return y

    try:
        dot = s2sad.graph(power).dot
    except s2sad.UnsupportedSyntaxError:
        pytest.skip("control flow has not landed in the core yet")
    assert "subgraph cluster_1" in dot and "shape=diamond" in dot


@pytest.mark.skipif(not dot_available(), reason="Graphviz's dot program is not installed")
def test_dot_parses_and_renders_with_graphviz(tmp_path):
    g = s2sad.graph(lecture.loss, wrt=("w", "b"), args=ARGS, annotate=True)
    svg = g.pipe("svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    titles = set(re.findall(r'<g id="node\d+" class="node">\s*<title>([^<]+)</title>', svg))
    assert len(titles) == 22
    out = tmp_path / "loss.png"
    g.render(str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert g._repr_svg_().count("<svg") == 1


def test_missing_dot_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz fails
    monkeypatch.setattr(graph_module.shutil, "which", lambda name: None)
    g = s2sad.graph(lecture.loss)
    with pytest.raises(RenderError, match="needs Graphviz's 'dot' program") as info:
        g.pipe("svg")
    assert "apt-get install graphviz" in str(info.value)
    assert g._repr_svg_() is None  # Jupyter falls back to the DOT text
    assert g.pipe("dot").decode() == g.dot


def test_cli_graph(capsys, tmp_path, monkeypatch):
    assert main(["graph", f"{LECTURE}:loss"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('digraph "loss" {') and out == s2sad.graph(lecture.loss).dot
    path = tmp_path / "g.dot"
    assert main(["graph", f"{LECTURE}:loss", "--wrt", "w,b", "--args", *map(str, ARGS), "--annotate", "-o", str(path)]) == 0
    assert "t6_bar = 0.5" in path.read_text()
    assert main(["graph", f"{LECTURE}:loss", "--annotate"]) == 2
    assert "--annotate needs --args" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "graphviz", None)
    monkeypatch.setattr(graph_module.shutil, "which", lambda name: None)
    assert main(["graph", f"{LECTURE}:loss", "-o", str(tmp_path / "g.svg")]) == 1
    err = capsys.readouterr().err
    assert "needs Graphviz's 'dot' program" in err and "Traceback" not in err
