"""The `trace` view: every value of a derivative program, in execution order, with its source line.

Input: a Python function, example arguments, `wrt`, and a mode. Output: a
`Trace` -- the records of a small evaluator that runs the generated program
(the adjoint for "reverse", the tangent program for "forward") one IR
statement at a time: each input, each Wengert variable of the forward pass,
then each adjoint of the backward pass (or each tangent), like the worked
forward and backward slides of the lectures. Every record keeps the source
line of the statement that made it (`Assign.line`), so the first NaN or inf
is reported with the line that produced it, and NumPy floating-point warnings
("divide by zero") are attributed to the same line. Inside loops each record
carries the iteration index; `max_iterations` hides records past that many
iterations of any loop (non-finite values are always kept).
"""
from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ..driver import pipeline
from ..api import decorator
from ..api.transforms import user_errors
from ..driver.compile import rule_globals
from ..api.display import html_table, text_table
from ..ir.emit import expr_ast, imports, stmt_ast, unparse
from ..errors import InputError
from .explain import header_text, resolve
from ..ir import (
    Assign,
    Break,
    Comment,
    Expr,
    ExprStmt,
    For,
    Function,
    If,
    Return,
    Stmt,
    Tup,
    Var,
    While,
    names_read,
    walk_stmts,
)

PHASES = {"input": "inputs", "forward": "forward pass", "backward": "backward pass", "tangent": "forward pass"}


@dataclass
class Record:
    """One executed statement: what it bound, the value, and where it came from."""

    phase: str  # "input" | "forward" | "tangent" | "backward" | "note"
    name: str
    text: str
    value: Any
    line: int | None
    iteration: tuple[tuple[int | None, int], ...] = ()
    hidden: bool = False
    reads: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()  # the loop variable of each enclosing iteration, e.g. "i = 3"

    @property
    def finite(self) -> bool:
        """False when the value holds a NaN or an infinity."""
        return _finite(self.value)


@dataclass
class Trace:
    """The result of `trace`: records in execution order, the output, the derivatives."""

    name: str
    mode: str
    wrt: tuple[str, ...]
    records: list[Record]
    source_lines: dict[int, str]
    value: Any = None
    derivatives: dict[str, Any] = field(default_factory=dict)
    warnings: list[tuple[int | None, str, str]] = field(default_factory=list)
    error: str | None = None
    error_line: int | None = None

    @property
    def first_nonfinite(self) -> Record | None:
        """The first record, in execution order, whose value holds a NaN or inf."""
        return next((r for r in self.records if r.phase != "note" and not r.finite), None)

    def first_nonfinite_in(self, phase: str) -> Record | None:
        """The first non-finite record of one phase ("forward", "backward", "tangent")."""
        return next((r for r in self.records if r.phase == phase and not r.finite), None)

    def values(self, phase: str | None = None) -> dict[str, Any]:
        """Name -> last recorded value, for one phase or all."""
        return {r.name: r.value for r in self.records if r.phase != "note" and (phase is None or r.phase == phase)}

    def __getitem__(self, name: str) -> Any:
        return self.values()[name]

    def line_text(self, line: int | None) -> str:
        """The user's source line `line`, stripped."""
        return self.source_lines.get(line, "").strip() if line is not None else ""

    def summary(self) -> list[str]:
        """The closing lines: result, first NaN/inf per phase, warnings, error."""
        out = []
        if self.error:
            out.append(f"error on line {self.error_line}: {self.error}    # {self.line_text(self.error_line)}")
        else:
            outs = ", ".join(f"{k} = {fmt(v)}" for k, v in self.derivatives.items())
            out.append(f"value: {fmt(self.value)}" + (f"    derivatives: {outs}" if outs else ""))
        for phase in ("forward", "tangent", "backward"):
            r = self.first_nonfinite_in(phase)
            if r is None:
                continue
            text = f"first {_kind(r.value)} in the {PHASES[phase]}: {r.text}    # line {r.line}: {self.line_text(r.line)}"
            cause = self.origin(r)
            if cause is not r:
                text += (f"\n    it reads {cause.name} = {_kind(cause.value)}, which the {PHASES[cause.phase]} made"
                         f"    # line {cause.line}: {self.line_text(cause.line)}")
            out.append(text)
        for line, message, phase in self.warnings:
            out.append(f"warning in the {PHASES.get(phase, phase)}: {message}    # line {line}: {self.line_text(line)}")
        return out

    def origin(self, record: Record) -> Record:
        """The earliest record whose non-finite value `record`'s value came from."""
        index = self.records.index(record)
        for name in record.reads:
            earlier = next((r for r in reversed(self.records[:index]) if r.name == name and r.phase != "note"), None)
            if earlier is not None and not earlier.finite:
                return self.origin(earlier)
        return record

    def table(self) -> tuple[list[str], list[list[list[str]]]]:
        """Header and row groups (one per phase) for printing."""
        header = ["line", "statement", "value"]
        groups: list[list[list[str]]] = []
        current: list[list[str]] | None = None
        phase = None
        loop_state: tuple = ()
        first_bad = {id(self.first_nonfinite_in(p)) for p in ("forward", "tangent", "backward")}
        for r in self.records:
            if r.hidden:
                continue
            title = "inputs" if r.phase == "input" else PHASES.get(r.phase, phase)
            if r.phase != "note" and title != phase:
                phase = title
                current = [["", f"# {title}", ""]]
                groups.append(current)
                loop_state = ()
            assert current is not None
            if r.iteration != loop_state and r.phase != "note":
                for depth, (ln, k) in enumerate(r.iteration):
                    if depth >= len(loop_state) or loop_state[depth] != (ln, k):
                        label = r.labels[depth] if depth < len(r.labels) else ""
                        text = f"# iteration {k} of the loop on line {ln}" + (f": {label}" if label else "")
                        current.append([str(ln or ""), "  " * depth + text, ""])
                loop_state = r.iteration
            if r.phase == "note":
                current.append([str(r.line or ""), "  " * len(r.iteration) + f"# {r.text}", ""])
                continue
            value = fmt(r.value)
            if id(r) in first_bad:
                value += f"    <- first {_kind(r.value)}"
            current.append([str(r.line or ""), "  " * len(r.iteration) + r.text, value])
        return header, groups

    def to_text(self, color: bool = False) -> str:
        """The trace as text, highlighted with ANSI colours when `color`."""
        header, groups = self.table()
        title = f"trace of {self.name}, {self.mode} mode with respect to {', '.join(self.wrt)}\n\n"
        body = text_table(header, groups, color=color, code_columns=[False, True, False])
        return title + body + "\n" + "\n".join(self.summary()) + "\n"

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        """Highlighted HTML table for Jupyter."""
        header, groups = self.table()
        caption = f"trace of {self.name}, {self.mode} mode with respect to {', '.join(self.wrt)}"
        table = html_table(header, groups, code_columns=[False, True, False], caption=caption)
        import html

        return table + "<pre>" + html.escape("\n".join(self.summary())) + "</pre>"


def _kind(v: Any) -> str:
    return "nan" if _has_nan(v) else "inf"


def _has_nan(v: Any) -> bool:
    if isinstance(v, (tuple, list)):
        return any(_has_nan(x) for x in v)
    a = np.asarray(v) if isinstance(v, (float, int, np.number, np.ndarray)) else None
    return a is not None and a.dtype.kind in "fc" and bool(np.isnan(a).any())


def _finite(v: Any) -> bool:
    if isinstance(v, (tuple, list)):
        return all(_finite(x) for x in v)
    if isinstance(v, (float, np.floating, np.complexfloating)) or (isinstance(v, np.ndarray) and v.dtype.kind in "fc"):
        return bool(np.isfinite(v).all())
    return True


def fmt(v: Any, digits: int = 6) -> str:
    """A value, short: numbers to `digits` significant digits, small arrays in full, large ones summarised."""
    if isinstance(v, tuple):
        return "(" + ", ".join(fmt(x, digits) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, (bool, np.bool_)) or v is None or isinstance(v, str):
        return repr(v)
    if isinstance(v, (int, np.integer)):
        return str(v)
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.{digits}g}"
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return fmt(v.item(), digits)
        if v.size <= 8:
            with np.printoptions(precision=min(digits, 4), suppress=False):
                return np.array2string(v, separator=", ").replace("\n", "")
        if v.dtype.kind in "fiu":
            finite = v[np.isfinite(v)] if v.dtype.kind == "f" else v
            stats = f"min {fmt(finite.min(), 4)}, max {fmt(finite.max(), 4)}" if finite.size else "no finite entries"
            return f"array{v.shape} {stats}"
        return f"array{v.shape} of {v.dtype}"
    if isinstance(v, list) and len(v) <= 8:
        return "[" + ", ".join(fmt(x, digits) for x in v) + "]"
    if hasattr(v, "__len__") and not isinstance(v, (str, bytes)):
        return f"{type(v).__name__} of {len(v)}"
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


class Evaluator:
    """Runs IR statements one at a time in an environment, recording every binding."""

    def __init__(self, namespace: dict[str, Any], primal: list[Stmt], max_iterations: int | None, tangents: bool = False) -> None:
        self.namespace = namespace
        self.primal = [p for p in walk_stmts(primal) if isinstance(p, Assign)]
        self.tangents = tangents  # in forward mode, statements outside the Wengert list are tangents
        self._kind: dict[int, str] = {}
        self.max_iterations = max_iterations
        self.records: list[Record] = []
        self.loops: list[tuple[int | None, int]] = []
        self.phase = "forward"
        self.line: int | None = None
        self.warnings: list[tuple[int | None, str, str]] = []
        self.outputs: tuple[Any, ...] | None = None
        self.labels: list[str] = []  # the loop variables of the enclosing iterations, parallel to `loops`
        self._code: dict[int, Any] = {}

    def eval(self, e: Expr, env: dict[str, Any]) -> Any:
        """Evaluate one IR expression in `env`."""
        code = self._code.get(id(e))
        if code is None:
            node = ast.fix_missing_locations(ast.Expression(expr_ast(e)))
            code = self._code[id(e)] = (compile(node, "<s2sad trace>", "eval"), e)
        return eval(code[0], self.namespace, env)  # noqa: S307 - our own generated expression

    def hidden(self) -> bool:
        """True inside an iteration past `max_iterations`."""
        return self.max_iterations is not None and any(k >= self.max_iterations for _, k in self.loops)

    def record(self, phase: str, name: str, text: str, value: Any, reads: tuple[str, ...] = ()) -> None:
        """Append one record (always kept when it holds a NaN/inf)."""
        r = Record(phase, name, text, value, self.line, tuple(self.loops), reads=reads, labels=tuple(self.labels))
        r.hidden = self.hidden() and r.finite
        self.records.append(r)

    def on_fp_error(self, kind: str, flag: int) -> None:
        """NumPy's floating-point error callback: attribute the warning to the current line."""
        entry = (self.line, f"{kind} encountered", self.phase)
        if entry not in self.warnings:
            self.warnings.append(entry)

    def phase_of(self, s: Assign) -> str:
        """"tangent" for a tangent statement of the forward-mode program, else the current phase."""
        if self.phase != "forward" or not self.tangents:
            return self.phase
        kind = self._kind.get(id(s))
        if kind is None:
            kind = self._kind[id(s)] = "forward" if any(s is p or s == p for p in self.primal) else "tangent"
        return kind

    def run(self, body: list[Stmt], env: dict[str, Any]) -> Any:
        """Run a block; returns ("return", value) or ("break",) when one runs, else None."""
        for s in body:
            if isinstance(s, Comment):
                if "backward" in s.text:
                    self.phase = "backward"
                continue
            self.line = s.line if s.line is not None else self.line
            if isinstance(s, Return):
                return ("return", self.eval(s.value, env))
            if isinstance(s, Assign):
                value = self.eval(s.value, env)
                names = s.targets
                parts = tuple(value) if isinstance(s.target, tuple) else (value,)
                for n, v in zip(names, parts):
                    env[n] = v
                phase = self.phase_of(s)
                text = unparse(ast.fix_missing_locations(stmt_ast(s)[0]))
                reads = tuple(sorted(names_read(s.value)))
                for n, v in zip(names, parts):
                    self.record(phase, n, text if len(names) == 1 else f"{n}  # from {text}", v, reads)
            elif isinstance(s, ExprStmt):
                self.eval(s.value, env)
            elif isinstance(s, Break):
                return ("break",)
            elif isinstance(s, If):
                branch = s.body if self.eval(s.test, env) else s.orelse
                out = self.run(branch, env)
                if out is not None:
                    return out
            elif isinstance(s, (For, While)):
                out = self.loop(s, env)
                if out is not None:
                    return out
        return None

    def loop(self, s: For | While, env: dict[str, Any]) -> Any:
        """Run a loop, numbering its iterations; note how many were hidden."""
        count = 0
        items = iter(self.eval(s.iter, env)) if isinstance(s, For) else None
        while True:
            if items is not None:
                try:
                    item = next(items)
                except StopIteration:
                    break
                names = s.target if isinstance(s.target, tuple) else (s.target,)  # type: ignore[union-attr]
                parts = tuple(item) if isinstance(s.target, tuple) else (item,)  # type: ignore[union-attr]
                env.update(zip(names, parts))
            else:
                self.line = s.line
                if not self.eval(s.test, env):  # type: ignore[union-attr]
                    break
            self.loops.append((s.line, count))
            self.labels.append(", ".join(f"{n} = {fmt(v)}" for n, v in zip(names, parts)) if items is not None else "")
            out = self.run(s.body, env)
            self.loops.pop()
            self.labels.pop()
            count += 1
            if out is not None and out[0] == "break":
                break
            if out is not None:
                return out
        if self.max_iterations is not None and count > self.max_iterations:
            self.line = s.line
            more = count - self.max_iterations
            note = Record("note", "", f"... {more} more iteration{'s' if more > 1 else ''} of `{header_text(s)}` not shown "
                          f"({count} in all)", None, s.line, tuple(self.loops))
            note.hidden = self.hidden()
            self.records.append(note)
        return None


def namespace_for(ir: Function, globals_used: dict[str, Any]) -> dict[str, Any]:
    """The globals a generated function needs: its imports, user constants and user rules."""
    ns: dict[str, Any] = {"__builtins__": __builtins__}
    exec("\n".join(imports(ir)), ns)  # noqa: S102 - our own import lines
    ns.update(globals_used)
    ns.update(rule_globals(ir))
    return ns


@user_errors
def trace(
    fn: Callable[..., Any],
    args: Sequence[Any],
    wrt: Any = 0,
    kwargs: dict[str, Any] | None = None,
    mode: str = "reverse",
    seed: Any = None,
    tangents: Sequence[Any] | None = None,
    max_iterations: int | None = None,
) -> Trace:
    """Evaluate `fn`'s derivative program at `args`, recording every value in execution order.

    `mode="reverse"` runs the adjoint (forward pass, then backward pass, seeded
    with `seed`, default 1 for each output entry); `mode="forward"` runs the
    tangent program with `tangents` (default 1 for each `wrt` entry).
    """
    if mode not in ("reverse", "forward"):
        raise ValueError(f"mode must be 'reverse' or 'forward', not {mode!r}")
    args = tuple(args)
    kwargs = dict(kwargs or {})
    tgt = resolve(fn, wrt, args)
    if tgt.args is not None and tgt.fn is not fn:  # (a structured call's flat function takes the leaves: pytrees/)
        args = tgt.args
    low = pipeline.lowered(tgt.fn)
    ir = pipeline.generate(tgt.fn, mode, tgt.wrt, tgt.scalars)
    lines = low.source.text.splitlines()
    source_lines = {low.source.first_line + i: text for i, text in enumerate(lines)}
    try:
        bound = inspect.signature(tgt.fn).bind(*args, **kwargs)
    except TypeError as exc:
        raise InputError(f"cannot call {tgt.fn.__name__}: {exc}", construct=tgt.fn.__name__) from None
    bound.apply_defaults()
    env: dict[str, Any] = dict(bound.arguments)
    ev = Evaluator(namespace_for(ir, low.globals_used), list(low.fn.body), max_iterations, tangents=mode == "forward")
    ev.line = low.source.first_line + low.source.tree.lineno - 1
    ev.phase = "input"
    for name, value in bound.arguments.items():  # a structured argument's leaf says where it comes from
        ev.record("input", name, f"{name}  # {tgt.leaves[name]}" if name in tgt.leaves else name, value)
    extra = ir.params[len(low.fn.params):]
    if mode == "forward":
        given = list(tangents) if tangents is not None else [np.ones_like(env[w], dtype=float) for w in tgt.wrt]
        if len(given) != len(extra):
            raise InputError(f"forward mode with respect to {', '.join(tgt.wrt)} needs {len(extra)} tangents, not {len(given)}",
                             construct="tangents")
        for p, t in zip(extra, given):
            env[p.name] = t
            ev.record("input", p.name, f"{p.name}  # tangent seed", t)
    ev.phase = "forward"
    result: Any = None
    error = error_line = None
    old = np.seterrcall(ev.on_fp_error)
    try:
        with np.errstate(divide="call", over="call", invalid="call", under="ignore"):
            if mode == "reverse":
                result = _run_reverse(ev, ir, env, low, seed)
            else:
                result = ev.run(ir.body, env)
    except Exception as exc:  # the user's numbers failed: report it at its line
        error, error_line = f"{type(exc).__name__}: {exc}", ev.line
    finally:
        np.seterrcall(old)
    out = Trace(tgt.fn.__name__, mode, tgt.wrt, ev.records, source_lines, warnings=ev.warnings, error=error, error_line=error_line)
    if result is not None:
        outs = ev.outputs if ev.outputs is not None else tuple(env.get(o) for o in low.outputs)
        out.value = outs if low.tuple_output else outs[0]
        # The adjoint returns the input adjoints; the tangent program returns (value, output tangents).
        derivative = result[1] if mode == "reverse" else result[1][1]
        names = _result_names(ir, mode)
        parts = derivative if len(names) > 1 else (derivative,)
        out.derivatives = dict(zip(names, parts))
    return out


def _result_names(ir: Function, mode: str) -> list[str]:
    """Names of the derivatives a generated function returns: `w_bar, b_bar` or `loss_dot`."""
    ret = ir.body[-1]
    value = ret.value if isinstance(ret, Return) else None
    if mode == "forward" and isinstance(value, Tup):
        value = value.elts[1]
    elts = value.elts if isinstance(value, Tup) else (value,)
    return [e.name if isinstance(e, Var) else f"result{i}" for i, e in enumerate(elts)]


def _run_reverse(ev: Evaluator, ir: Function, env: dict[str, Any], low: Any, seed: Any) -> Any:
    """Run an adjoint program: forward sweep, seeds, backward sweep."""
    split = next((i for i, s in enumerate(ir.body) if isinstance(s, Comment) and "backward" in s.text), len(ir.body))
    forward, backward = ir.body[:split], ir.body[split:]
    out = ev.run(forward, env)
    if out is not None:
        return out
    ev.outputs = tuple(env.get(o) for o in low.outputs)  # before the backward sweep restores old values
    seeds = ir.params[len(low.fn.params):]
    if seed is None:
        given = [None] * len(seeds)
    else:
        given = list(seed) if len(seeds) > 1 else [seed]
        if len(given) != len(seeds):
            raise InputError(f"{low.fn.name} has {len(seeds)} outputs, but {len(given)} seeds were given", construct="seed")
    ev.phase = "backward"
    ev.line = ir.body[-1].line
    for p, o, g in zip(seeds, low.outputs, given):
        if g is None:
            default = p.default.value if p.default is not None else None
            g = default if default is not None and np.ndim(env[o]) == 0 else np.ones_like(env[o], dtype=float)
        env[p.name] = g
        ev.record("backward", p.name, f"{p.name}  # seed", g)
    return ev.run(backward, env)


decorator.TRACE = trace  # `Differentiable.trace` (the api's service slot: it does not import this layer)

__all__ = ["trace", "Trace", "Record", "Evaluator", "fmt", "namespace_for"]
