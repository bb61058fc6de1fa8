"""The `graph` view: the computational graph of a Wengert list, drawn as the lectures draw it.

Input: a Python function (and optionally a `Trace`, or example arguments to
make one). Output: a `Graph` holding Graphviz DOT text. The graph is
bipartite: a *variable* node (ellipse) for each parameter and each Wengert
variable, an *operation* node (box) for each statement, edges from the
variables an operation reads to the operation and from the operation to the
variable it binds. Inputs are shaded, outputs drawn with a double border.
`if`/`for`/`while` become clusters headed by a diamond that reads the test or
the iterable. Annotated graphs add each variable's value and its adjoint (the
last value, inside loops). SVG and PNG come from Graphviz's `dot` program,
through the `graphviz` package when it is installed (`pip install 's2sad[plot]'`);
without `dot`, rendering raises a `RenderError` that says how to install it.
"""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..driver import pipeline
from ..api.transforms import user_errors
from ..ir.emit import expr_ast
from ..errors import S2SADError
from .explain import header_text, resolve
from ..ir import Assign, Comment, Const, ExprStmt, For, Function, If, Return, Stmt, Var, While, walk_expr

FORMATS = ("dot", "svg", "png", "pdf")


class RenderError(S2SADError):
    """Graphviz's `dot` program (or the `graphviz` package) is needed and missing."""

    kind = "cannot render"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@dataclass
class Graph:
    """A computational graph as DOT text, renderable to SVG/PNG when Graphviz is installed."""

    name: str
    dot: str
    variables: int
    operations: int

    def __str__(self) -> str:
        return self.dot

    def __repr__(self) -> str:
        return self.dot

    def pipe(self, format: str = "svg") -> bytes:
        """The rendered graph as bytes (`svg`, `png` or `pdf`); needs Graphviz's `dot`."""
        if format == "dot":
            return self.dot.encode()
        if format not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, not {format!r}")
        try:
            import graphviz  # type: ignore[import-not-found]
        except ImportError:
            graphviz = None
        if graphviz is not None:
            try:
                return graphviz.Source(self.dot).pipe(format=format)
            except graphviz.ExecutableNotFound:
                raise _missing(format) from None
        dot = shutil.which("dot")
        if dot is None:
            raise _missing(format)
        proc = subprocess.run([dot, f"-T{format}"], input=self.dot.encode(), capture_output=True, check=False)
        if proc.returncode != 0:
            raise RenderError(f"dot failed: {proc.stderr.decode(errors='replace').strip()}", construct="dot")
        return proc.stdout

    def render(self, path: str, format: str | None = None) -> str:
        """Write the graph to `path`; the format comes from the suffix (.dot, .svg, .png, .pdf)."""
        fmt = format or os.path.splitext(path)[1].lstrip(".").lower() or "dot"
        if fmt == "gv":
            fmt = "dot"
        data = self.pipe(fmt)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def _repr_svg_(self) -> str | None:
        """SVG for Jupyter when Graphviz is installed (else Jupyter shows the DOT text)."""
        try:
            return self.pipe("svg").decode()
        except RenderError:
            return None


def _missing(format: str) -> RenderError:
    return RenderError(
        f"drawing {format.upper()} needs Graphviz's 'dot' program, which is not installed",
        construct="dot",
        hint="install Graphviz (apt-get install graphviz, brew install graphviz or conda install graphviz) "
        "and pip install 's2sad[plot]'; DOT text needs neither: write to a .dot file",
    )


class _Builder:
    """Walks a Wengert list and collects DOT nodes and edges."""

    def __init__(self, values: dict[str, Any], adjoints: dict[str, Any]) -> None:
        self.lines: list[str] = []
        self.edges: list[str] = []  # edges go after every cluster: an edge inside one would pull its nodes in
        self.vars: dict[str, str] = {}
        self.ops = 0
        self.clusters = 0
        self.values = values
        self.adjoints = adjoints
        self.counts: dict[str, int] = {}  # how often the trace bound each name
        self.inputs: set[str] = set()
        self.outputs: set[str] = set()

    def var(self, name: str, indent: str, const: Any = None) -> str:
        """The node id of variable `name`, declared on first use."""
        if name not in self.vars:
            node = f"v_{name}"
            self.vars[name] = node
            from .trace import fmt

            label = name if const is None else f"{name} = {const!r}"
            if name in self.values and const is None:
                label += f" = {fmt(self.values[name], 4)}" + self.last(name)
            if name in self.adjoints:
                label += f"\n{name}_bar = {fmt(self.adjoints[name], 4)}" + self.last(f"{name}_bar")
            style = ', style=filled, fillcolor="#e8f0fe"' if name in self.inputs else ""
            border = ", peripheries=2" if name in self.outputs else ""
            self.lines.append(f"{indent}{_quote(node)} [label={_quote(label)}, shape=ellipse{style}{border}];")
        return self.vars[name]

    def last(self, name: str) -> str:
        """" (last of 5)" when a loop bound `name` several times."""
        k = self.counts.get(name, 1)
        return f" (last of {k})" if k > 1 else ""

    def op(self, label: str, reads: Sequence[str], writes: Sequence[str], indent: str, shape: str = "box") -> None:
        """An operation node with edges in from `reads` and out to `writes`."""
        self.ops += 1
        node = f"op{self.ops}"
        for r in reads:
            self.var(r, indent)
        self.lines.append(f'{indent}{_quote(node)} [label={_quote(label)}, shape={shape}, style=filled, fillcolor="#fff4d6"];')
        for r in reads:
            self.edges.append(f"  {_quote(self.vars[r])} -> {_quote(node)};")
        for w in writes:
            self.edges.append(f"  {_quote(node)} -> {_quote(self.var(w, indent))};")

    def block(self, body: list[Stmt], indent: str) -> None:
        """Nodes and edges for a list of statements."""
        for s in body:
            if isinstance(s, (Comment, Return)):
                continue
            if isinstance(s, Assign):
                if isinstance(s.value, Const):
                    self.var(s.targets[0], indent, const=s.value.value)
                    continue
                label = "copy" if isinstance(s.value, Var) else ast.unparse(expr_ast(s.value))
                self.op(label, _reads(s.value), s.targets, indent)
            elif isinstance(s, ExprStmt):
                self.op(ast.unparse(expr_ast(s.value)), _reads(s.value), (), indent)
            elif isinstance(s, (If, For, While)):
                self.clusters += 1
                inner = indent + "  "
                self.lines.append(f"{indent}subgraph cluster_{self.clusters} {{")
                self.lines.append(f"{inner}label={_quote(header_text(s) + (f'  (line {s.line})' if s.line else ''))}; style=rounded;")
                test = s.iter if isinstance(s, For) else s.test
                writes = s.target if isinstance(s, For) else ()
                writes = writes if isinstance(writes, tuple) else (writes,)
                self.op(header_text(s).rstrip(":"), _reads(test), writes, inner, shape="diamond")
                self.block(s.body, inner)
                if isinstance(s, If) and s.orelse:
                    self.clusters += 1
                    self.lines.append(f"{inner}subgraph cluster_{self.clusters} {{")
                    self.lines.append(f"{inner}  label=\"else\"; style=dashed;")
                    self.block(s.orelse, inner + "  ")
                    self.lines.append(f"{inner}}}")
                self.lines.append(f"{indent}}}")


def build_dot(
    fn: Function,
    outputs: Sequence[str],
    values: dict[str, Any] | None = None,
    adjoints: dict[str, Any] | None = None,
    rankdir: str = "TB",
    counts: dict[str, int] | None = None,
) -> Graph:
    """DOT text for the Wengert list `fn`, annotated with `values` and `adjoints` by name."""
    b = _Builder(values or {}, adjoints or {})
    b.counts = counts or {}
    b.inputs = {p.name for p in fn.params}
    b.outputs = set(outputs)
    for p in fn.params:
        b.var(p.name, "  ")
    counts: dict[str, int] = {}
    for s in _assigns(fn.body):
        for t in s.targets:
            counts[t] = counts.get(t, 0) + 1
    for name, k in counts.items():
        if k > 1:  # bound in several places (branches, loops): it belongs to no single cluster
            b.var(name, "  ")
    b.block(fn.body, "  ")
    head = [
        f"digraph {_quote(fn.name)} {{",
        f"  rankdir={rankdir}; ranksep=0.3; nodesep=0.3;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [arrowsize=0.7];',
    ]
    return Graph(fn.name, "\n".join(head + b.lines + b.edges + ["}"]) + "\n", len(b.vars), b.ops)


@user_errors
def graph(
    fn: Callable[..., Any],
    wrt: Any = 0,
    args: Sequence[Any] | None = None,
    annotate: bool = False,
    trace: Any = None,
    rankdir: str = "TB",
) -> Graph:
    """The computational graph of `fn` as DOT; with `annotate` (needs `args`) or a `trace`, values and adjoints too."""
    tgt = resolve(fn, wrt, args)
    low = pipeline.lowered(tgt.fn)
    if annotate and trace is None:
        if args is None:
            raise ValueError("annotate=True needs example args (or pass trace=...)")
        from .trace import trace as run_trace

        trace = run_trace(tgt.fn, tuple(args), wrt=tgt.wrt)
    values: dict[str, Any] = {}
    adjoints: dict[str, Any] = {}
    counts: dict[str, int] = {}
    if trace is not None:
        for r in trace.records:
            if r.phase == "forward" or r.phase == "backward" and r.name.endswith("_bar"):  # not restores
                counts[r.name] = counts.get(r.name, 0) + 1
        values = {k: v for k, v in trace.values("input").items()}
        values.update(trace.values("forward"))
        back = trace.values("backward")
        names = {p.name for p in low.fn.params} | {t for s in _assigns(low.fn.body) for t in s.targets}
        adjoints = {n: back[f"{n}_bar"] for n in names if f"{n}_bar" in back}
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"rankdir must be TB, LR, BT or RL, not {rankdir!r}")
    return build_dot(low.fn, low.outputs, values, adjoints, rankdir, counts)


def _reads(expr: Any) -> list[str]:
    """Names an expression reads, in order of appearance."""
    out: list[str] = []
    for e in walk_expr(expr):
        if isinstance(e, Var) and e.name not in out:
            out.append(e.name)
    return out


def _assigns(body: list[Stmt]) -> list[Assign]:
    from ..ir import walk_stmts

    return [s for s in walk_stmts(body) if isinstance(s, Assign)]


def dot_available() -> bool:
    """True when Graphviz's `dot` program is on PATH."""
    return shutil.which("dot") is not None


__all__ = ["graph", "Graph", "RenderError", "build_dot", "dot_available", "FORMATS"]
