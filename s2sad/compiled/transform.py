"""Generated Python -> Python that Numba compiles well (the rewrite behind `s2sad.jit`).

Input: the text of a generated derivative (`__s2sad_source__`: what `s2sad.grad`,
`value_and_grad`, `jvp` or `hvp` runs for one layout of the arguments), the kinds its
variables held on example arguments (`s2sad/compiled/trace.py`), and whether to emit
parallel loops. Output: the text of a module with the same function decorated
`@numba.njit(cache=True)`, and a table from its lines to the generated lines (so a
refusal names the user's line), or `Refusal(line, why)` for a construct it cannot
compile. The rewrite:

- the loop tape: each `stack.append(v)` / `v = stack.pop()` pair becomes a stack of
  its own per variable (a LIFO restricted to the values of one variable is a LIFO), a
  preallocated array with a counter where the value is a number pushed once per
  iteration of a top-level `for ... in range(...)` (the trip count is known on entry),
  a list otherwise; `t1 = None` before a loop becomes a value of the type it later holds;
- runtime helpers become plain NumPy or the Numba helpers of `s2sad/compiled/helpers.py`
  (`sincos` -> `np.sin`, `np.cos`; `out=` dropped; `keepdims=` -> `np.expand_dims`;
  `reversed(range(n))` -> `range(n - 1, -1, -1)`), and anything else is refused;
- runs of elementwise statements over arrays of one shape become one explicit loop
  (`s2sad/compiled/fuse.py`): temporaries read only inside the run become numbers.
"""
from __future__ import annotations

import ast
from typing import Any

import numpy as np

from .fuse import fuse_body

KERNEL_NAMES = ("ksin", "kcos", "kexp", "ktanh", "trig_bad")  # (s2sad/compiled/kernels.py: for fused loops)
HELPERS = ("zeros_like_float", "zeros_like_same", "unsum_number", "reduce_axis", "reduce_axis_keep", "tie_weights2", "tanh1", "unsum_axis", "sum_axis")
_BUILTINS = {"range", "len", "min", "max", "abs", "float", "int", "bool", "round"}
_RUNTIME_WHY = {
    "unbroadcast": "it sums an adjoint back over broadcast axes that the arrays' layouts could not decide",
    "matmul_adjoint_a": "a matrix product whose operands' ranks the layouts could not decide",
    "matmul_adjoint_b": "a matrix product whose operands' ranks the layouts could not decide",
}


class Refusal(Exception):
    """A construct the rewrite cannot compile: `line` of the generated text, and why."""

    def __init__(self, line: int | None, why: str) -> None:
        super().__init__(why)
        self.line, self.why = line, why


def _name(n: str, like: ast.AST, ctx: Any = None) -> ast.Name:
    return ast.copy_location(ast.Name(n, ctx or ast.Load()), like)


def _stmt(text: str, like: ast.AST) -> list[ast.stmt]:
    out = ast.parse(text).body
    for s in out:
        for sub in ast.walk(s):
            if hasattr(sub, "lineno"):
                ast.copy_location(sub, like)
    return out


def _placeholder(kind: tuple) -> str | None:
    if kind[0] == "float":
        return "0.0"
    if kind[0] == "int":
        return "0"
    if kind[0] == "bool":
        return "False"
    if kind[0] == "array":
        return f"np.empty({(0,) * kind[2]!r}, np.{np.dtype(kind[1]).name})"
    return None


def _only(kinds: dict[str, set], name: str) -> tuple | None:
    """The one kind `name` held besides None, or None when it held several (or none)."""
    ks = {k for k in kinds.get(name, ()) if k[0] != "none"}
    if len(ks) == 1:
        return next(iter(ks))
    if ks and all(k[0] == "array" for k in ks) and len({k[1:3] for k in ks}) == 1:
        k = next(iter(ks))
        return ("array", k[1], k[2], None)  # one dtype and rank, several shapes
    return None


# -- the loop tape ------------------------------------------------------------------------


def _stacks(fn: ast.FunctionDef, kinds: dict[str, set]) -> None:
    stack_names = {s.targets[0].id for s in ast.walk(fn) if isinstance(s, ast.Assign) and len(s.targets) == 1
                   and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Call)
                   and isinstance(s.value.func, ast.Name) and s.value.func.id == "Stack"}
    if not stack_names:
        return
    pushes: dict[tuple[str, str], list] = {}  # (stack, var) -> [(stmt, parent list, enclosing compound stmts)]

    def visit(body: list[ast.stmt], enclosing: tuple) -> None:
        for s in body:
            if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute) \
                    and isinstance(s.value.func.value, ast.Name) and s.value.func.value.id in stack_names:
                if s.value.func.attr != "append" or len(s.value.args) != 1 or not isinstance(s.value.args[0], ast.Name):
                    raise Refusal(s.lineno, "the loop tape pushes an expression, not a variable")
                pushes.setdefault((s.value.func.value.id, s.value.args[0].id), []).append((s, body, enclosing))
            for field in ("body", "orelse"):
                inner = getattr(s, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    visit(inner, enclosing + (s,))

    visit(fn.body, ())
    prealloc: dict[tuple[str, str], tuple[ast.For, str, str]] = {}
    for (st, v), sites in pushes.items():
        kind = _only(kinds, v)
        if kind is None:
            raise Refusal(sites[0][0].lineno, f"the loop tape saves `{v}`, which holds values of several types")
        if len(sites) == 1 and kind[0] in ("float", "int", "bool"):
            s, body, enclosing = sites[0]
            loop = enclosing[0] if len(enclosing) == 1 else None
            if isinstance(loop, ast.For) and loop in fn.body and isinstance(loop.iter, ast.Call) \
                    and isinstance(loop.iter.func, ast.Name) and loop.iter.func.id == "range" and len(loop.iter.args) <= 2 \
                    and all(isinstance(a, (ast.Name, ast.Constant)) for a in loop.iter.args) and body is loop.body:
                a = [ast.unparse(x) for x in loop.iter.args]
                count = f"max({a[0]}, 0)" if len(a) == 1 else f"max({a[1]} - ({a[0]}), 0)"
                dtype = {"float": "np.float64", "int": "np.int64", "bool": "np.bool_"}[kind[0]]
                prealloc[(st, v)] = (loop, count, dtype)

    def rewrite(body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for s in body:
            for field in ("body", "orelse"):
                inner = getattr(s, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    setattr(s, field, rewrite(inner))
            if isinstance(s, ast.Assign) and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Name) \
                    and s.value.func.id == "Stack" and isinstance(s.targets[0], ast.Name):
                st = s.targets[0].id
                for (st2, v) in pushes:
                    if st2 == st and (st2, v) not in prealloc:
                        out += _stmt(f"{st}__{v} = []", s)
                continue
            if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute) \
                    and isinstance(s.value.func.value, ast.Name) and s.value.func.value.id in stack_names:
                st, v = s.value.func.value.id, s.value.args[0].id
                if (st, v) in prealloc:
                    out += _stmt(f"{st}__{v}[{st}__{v}_n] = {v}\n{st}__{v}_n += 1", s)
                else:
                    out += _stmt(f"{st}__{v}.append({v})", s)
                continue
            if isinstance(s, ast.Assign) and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute) \
                    and isinstance(s.value.func.value, ast.Name) and s.value.func.value.id in stack_names:
                st = s.value.func.value.id
                if s.value.func.attr != "pop" or s.value.args or len(s.targets) != 1 or not isinstance(s.targets[0], ast.Name):
                    raise Refusal(s.lineno, "the loop tape is read in a way the compiler does not follow")
                v = s.targets[0].id
                if (st, v) not in pushes:
                    raise Refusal(s.lineno, f"`{v}` is restored from the loop tape but never saved under that name")
                if (st, v) in prealloc:
                    out += _stmt(f"{st}__{v}_n -= 1\n{v} = {st}__{v}[{st}__{v}_n]", s)
                else:
                    out += _stmt(f"{v} = {st}__{v}.pop()", s)
                continue
            for (st, v), (loop, count, dtype) in prealloc.items():
                if s is loop:
                    out += _stmt(f"{st}__{v} = np.empty({count}, {dtype})\n{st}__{v}_n = 0", s)
            out.append(s)
        return out

    fn.body = rewrite(fn.body)
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and node.id in stack_names:
            raise Refusal(getattr(node, "lineno", None), "the loop tape is used in a way the compiler does not follow")


# -- calls ----------------------------------------------------------------------------------


def _is_np(e: ast.AST, *names: str) -> bool:
    return isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and e.value.id in ("np", "numpy") and e.attr in names


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return None


class _Calls(ast.NodeTransformer):
    def __init__(self, kinds: dict[str, set]) -> None:
        self.kinds = kinds
        self.line = None

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.stmt):
            self.line = node.lineno
        return super().generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        f = node.func
        line = getattr(node, "lineno", self.line)
        if isinstance(f, ast.Attribute) and f.attr in ("sum", "max", "amax", "min", "amin") and (
                _is_np(f, f.attr) or not (isinstance(f.value, ast.Name) and f.value.id in ("np", "numpy", "math"))):
            method = not _is_np(f, f.attr)
            a = f.value if method else (node.args[0] if node.args else None)
            axis = _kw(node, "axis")
            rest = node.args[0 if method else 1:]
            if axis is None and rest:
                axis = rest[0]
            keep = _kw(node, "keepdims")
            keep_v = bool(keep.value) if isinstance(keep, ast.Constant) else False
            if keep is not None and not isinstance(keep, ast.Constant):
                raise Refusal(line, "a reduction whose keepdims is not a constant")
            if axis is not None and not (isinstance(axis, ast.Constant) and isinstance(axis.value, int)):
                if isinstance(axis, ast.Constant) and axis.value is None:
                    axis = None
                else:
                    raise Refusal(line, "a reduction over several axes, or an axis that is not a constant")
            if a is None:
                return node
            if f.attr == "sum":
                if axis is None:
                    return ast.copy_location(ast.Call(ast.Attribute(_name("np", node), "sum", ast.Load()), [a], []), node)
                summed = ast.Call(_name("sum_axis", node), [a, axis], [])
                if keep_v:
                    return ast.copy_location(ast.Call(ast.Attribute(_name("np", node), "expand_dims", ast.Load()), [summed, axis], []), node)
                return ast.copy_location(summed, node)
            take_max = ast.Constant(f.attr in ("max", "amax"))
            if axis is None:
                call = ast.Call(ast.Attribute(_name("np", node), "max" if take_max.value else "min", ast.Load()), [a], [])
                if keep_v:
                    raise Refusal(line, "a whole-array max or min with keepdims=True")
                return ast.copy_location(call, node)
            helper = "reduce_axis_keep" if keep_v else "reduce_axis"
            args = [a, axis, take_max] if keep_v else [a, axis, ast.Constant(False), take_max]
            return ast.copy_location(ast.Call(_name(helper, node), args, []), node)
        if _is_np(f, "zeros_like"):
            dtype = _kw(node, "dtype")
            if dtype is None and len(node.args) == 1 and not node.keywords:
                return ast.copy_location(ast.Call(_name("zeros_like_same", node), node.args, []), node)
            if len(node.args) == 1 and dtype is not None and ast.unparse(dtype) in ("float", "np.float64") and len(node.keywords) == 1:
                return ast.copy_location(ast.Call(_name("zeros_like_float", node), node.args, []), node)
            raise Refusal(line, f"`{ast.unparse(node)}`: zeros of another dtype")
        if isinstance(f, ast.Attribute) and _kw(node, "out") is not None:
            node.keywords = [k for k in node.keywords if k.arg != "out"]
            return node
        if isinstance(f, ast.Name):
            if f.id == "tie_weights":
                if len(node.args) != 4 or node.keywords or not isinstance(node.args[2], ast.Constant) or not isinstance(node.args[2].value, int):
                    raise Refusal(line, "the adjoint of a max or min over several axes, or of a whole array with ties")
                return ast.copy_location(ast.Call(_name("tie_weights2", node), node.args, []), node)
            if f.id == "unsum":
                g = node.args[0] if node.args else None
                if len(node.args) == 2 and not node.keywords and (
                        isinstance(g, ast.Constant) or isinstance(g, ast.Name) and (_only(self.kinds, g.id) or ("",))[0] in ("float", "int")):
                    return ast.copy_location(ast.Call(_name("unsum_number", node), node.args, []), node)
                axis = node.args[2] if len(node.args) >= 3 else _kw(node, "axis")
                if len(node.args) >= 2 and isinstance(axis, ast.Constant) and isinstance(axis.value, int):
                    return ast.copy_location(ast.Call(_name("unsum_axis", node), [node.args[0], node.args[1], axis], []), node)
                raise Refusal(line, "the adjoint of a sum along an axis that the layouts could not decide")
            if f.id in _RUNTIME_WHY:
                raise Refusal(line, f"`{f.id}`: {_RUNTIME_WHY[f.id]}; pass arrays whose layouts decide it, or use fallback=True")
            if f.id not in _BUILTINS and f.id not in HELPERS:
                raise Refusal(line, f"`{f.id}` is a Python function (an s2sad runtime helper or a user rule) with no compiled version")
        return node


def _statements(fn: ast.FunctionDef) -> None:
    """Statement-level rewrites: `sincos`, `scatter_add` with a slice, `reversed(range(...))`."""

    def rewrite(body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for s in body:
            for field in ("body", "orelse"):
                inner = getattr(s, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    setattr(s, field, rewrite(inner))
            v = getattr(s, "value", None)
            if isinstance(s, ast.Assign) and isinstance(v, ast.Call) and isinstance(v.func, ast.Name):
                if v.func.id == "sincos" and isinstance(s.targets[0], ast.Tuple) and len(v.args) == 1:
                    a, b = (ast.unparse(t) for t in s.targets[0].elts)
                    x = ast.unparse(v.args[0])
                    out += _stmt(f"{a} = np.sin({x})\n{b} = np.cos({x})", s)
                    continue
                if v.func.id == "scatter_add" and len(v.args) == 3 and isinstance(s.targets[0], ast.Name):
                    idx = v.args[2]
                    if isinstance(idx, ast.Subscript) and _is_np(idx.value, "s_"):
                        t, g, x = s.targets[0].id, ast.unparse(v.args[0]), ast.unparse(v.args[1])
                        out += _stmt(f"{t} = zeros_like_float({x})\n{t}[{ast.unparse(idx.slice)}] = {g}", s)
                        continue
                    raise Refusal(s.lineno, "the adjoint of indexing with an index known only at run time")
            if isinstance(s, ast.For) and isinstance(s.iter, ast.Call) and isinstance(s.iter.func, ast.Name) \
                    and s.iter.func.id == "reversed":
                inner = s.iter.args[0] if len(s.iter.args) == 1 else None
                if not (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "range"
                        and 1 <= len(inner.args) <= 2):
                    raise Refusal(s.lineno, "a reversed loop over something other than a range")
                a = [ast.unparse(x) for x in inner.args]
                text = f"range(({a[0]}) - 1, -1, -1)" if len(a) == 1 else f"range(({a[1]}) - 1, ({a[0]}) - 1, -1)"
                s.iter = ast.copy_location(ast.parse(text, mode="eval").body, s.iter)
                for sub in ast.walk(s.iter):
                    ast.copy_location(sub, s)
            out.append(s)
        return out

    fn.body = rewrite(fn.body)


def _placeholders(fn: ast.FunctionDef, kinds: dict[str, set]) -> None:
    for s in ast.walk(fn):
        if isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant) and s.value.value is None \
                and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
            kind = _only(kinds, s.targets[0].id)
            text = _placeholder(kind) if kind is not None else None
            if text is not None:
                s.value = ast.copy_location(ast.parse(text, mode="eval").body, s.value)
                for sub in ast.walk(s.value):
                    ast.copy_location(sub, s)


def _kernels_version() -> str:
    """s2sad/compiled/kernels.py's hash, without importing Numba (the generated module's text names it: see the cache)."""
    import hashlib
    from pathlib import Path

    return hashlib.sha256((Path(__file__).with_name("kernels.py")).read_bytes()).hexdigest()[:16]


KERNELS_VERSION = _kernels_version()


def rewrite(source: str, name: str, kinds: dict[str, set], *, parallel_size: float = float("inf"), fuse: bool = True,
            cache: bool = True) -> tuple[str, dict[int, int], int, bool]:
    """(module text, its line -> generated line, number of fused loops, whether one is parallel) for function
    `name` of `source`; a fused loop over at least `parallel_size` elements is a `numba.prange`."""
    tree = ast.parse(source)
    fn = None
    header: list[str] = ["import math", "import numpy as np", "import numba",
                         f"from s2sad.compiled.helpers import {', '.join(HELPERS)}",
                         f"from s2sad.compiled.kernels import {', '.join(KERNEL_NAMES)}  # version {KERNELS_VERSION}"]
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            fn = node
        elif isinstance(node, ast.ImportFrom) and node.module == "s2sad.runtime":
            continue
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            text = ast.unparse(node)
            if text not in header:
                if any(a.name.split(".")[0] not in ("math", "numpy") for a in node.names) and not (
                        isinstance(node, ast.ImportFrom) and node.module in ("math", "numpy")):
                    raise Refusal(node.lineno, f"`{text}`: a module Numba does not compile")
                header.append(text)
        else:
            raise Refusal(getattr(node, "lineno", None), "generated code with more than one function")
    assert fn is not None
    for d in fn.args.defaults + [d for d in fn.args.kw_defaults if d is not None]:
        if not isinstance(d, ast.Constant):
            raise Refusal(fn.lineno, "a parameter default that is not a number")
    if fn.body and isinstance(fn.body[0], ast.Expr) and isinstance(fn.body[0].value, ast.Constant):
        fn.body = fn.body[1:]  # (the docstring: the Python version keeps it)
    _stacks(fn, kinds)
    _statements(fn)
    _placeholders(fn, kinds)
    _Calls(kinds).visit(fn)
    fused, parallel = fuse_body(fn, kinds, parallel_size) if fuse else (0, False)
    for node in ast.walk(fn):
        if isinstance(node, ast.Attribute) and _is_np(node, "s_"):
            raise Refusal(getattr(node, "lineno", None), "an index object (`np.s_`) built at run time")
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp, ast.Dict, ast.With,
                             ast.Try, ast.Global, ast.Nonlocal, ast.Yield)):
            raise Refusal(getattr(node, "lineno", None), f"a {type(node).__name__} statement or expression")
    # Parallel: the fused loops' `prange` only; NumPy expressions stay serial (Numba's parallel array
    # expressions do not broadcast a length-one axis).
    prange_only = "{'prange': True, 'numpy': False, 'reduction': False, 'setitem': False, 'stencil': False, " \
        "'fusion': False, 'comprehension': False, 'inplace_binop': False}"
    options = f"cache={cache}, error_model='numpy'" + (f", parallel={prange_only}" if parallel else "")
    fn.decorator_list = [ast.parse(f"numba.njit({options})", mode="eval").body]
    ast.fix_missing_locations(fn)
    text = "\n".join(header) + "\n\n\n" + ast.unparse(fn) + "\n"
    lines: dict[int, int] = {}
    reparsed = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef))
    for new, old in zip(ast.walk(reparsed), ast.walk(fn)):
        if isinstance(new, ast.stmt) and getattr(old, "lineno", None):
            for ln in range(new.lineno, (new.end_lineno or new.lineno) + 1):
                lines.setdefault(ln, old.lineno)
    return text, lines, fused, parallel
