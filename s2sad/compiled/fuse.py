"""Runs of elementwise statements -> one explicit loop (part of the `s2sad.jit` rewrite).

Input: the rewritten function's AST and the kinds its variables held on example
arguments (`s2sad/compiled/trace.py`). Output: the same function where each run of two or
more consecutive statements of the form `t = <elementwise expression>` or
`t += <elementwise expression>`, every array in it of one float64 shape, is one loop
nest over that shape. Inside it, each temporary that nothing after the run reads is
a number (no array is made for it); arrays the run defines and something reads
later are written once per element; `t += e` on an array made before the run writes
into that array, as NumPy's in-place operator does. Numba's own fusion joins only the
operations of one statement, so each statement of the generated code would still
make an array.

An elementwise expression is made of names, numbers, `+ - * / **`, unary minus and
the NumPy ufuncs of `UNARY`/`BINARY`. The run checks at entry that every array it
reads has the shape of the first, so code specialised on example arguments stays
right for others of the same layout (two unrelated arrays of one rank may differ in
length): where they differ it raises `ValueError`, and `s2sad.jit` runs the Python
derivative for that call instead.

Inside the loop, sin, cos, exp and tanh are the branch-free kernels of `s2sad/compiled/kernels.py`,
so that LLVM vectorises the loop (the C library's versions are calls it cannot vectorise). sin
and cos take |x| <= 823549 only: a loop that uses them checks each block of elements first and
runs that block with the C library's sin and cos where an argument is larger, infinite or NaN.
"""
from __future__ import annotations

import ast
import math

UNARY = {"sin", "cos", "tan", "exp", "log", "tanh", "sqrt", "abs", "absolute", "sinh", "cosh", "arcsin", "arccos",
         "arctan", "log1p", "expm1", "log2", "log10", "negative", "square", "exp2"}
BINARY = {"multiply": ast.Mult, "add": ast.Add, "subtract": ast.Sub, "divide": ast.Div, "true_divide": ast.Div,
          "power": ast.Pow}
_SCALAR_FN = {"abs": "abs", "absolute": "abs"}


def _array_shape(kinds: dict[str, set], name: str) -> tuple | None:
    ks = kinds.get(name, set())
    if len(ks) == 1:
        k = next(iter(ks))
        if k[0] == "array" and k[1] == "<f8":
            return k[3]
    return None


def _is_scalar(kinds: dict[str, set], name: str) -> bool:
    ks = kinds.get(name, set())
    return bool(ks) and all(k[0] in ("float", "int", "bool") for k in ks)


def _elementwise(e: ast.expr, kinds: dict[str, set], shape: tuple, arrays: set[str]) -> bool:
    """True when `e` is elementwise over arrays of `shape` (collecting their names in `arrays`)."""
    if isinstance(e, ast.Constant):
        return isinstance(e.value, (int, float)) and not isinstance(e.value, bool)
    if isinstance(e, ast.Name):
        s = _array_shape(kinds, e.id)
        if s is not None:
            if s != shape and not (0 < len(s) < len(shape) and s == shape[len(shape) - len(s):]):
                return False  # (a row, `+ b` on a matrix, broadcasts along the leading axes: read at the trailing index)
            arrays.add(e.id)
            return True
        return _is_scalar(kinds, e.id)
    if isinstance(e, ast.BinOp):
        return isinstance(e.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)) and _elementwise(e.left, kinds, shape, arrays) \
            and _elementwise(e.right, kinds, shape, arrays)
    if isinstance(e, ast.UnaryOp):
        return isinstance(e.op, (ast.USub, ast.UAdd)) and _elementwise(e.operand, kinds, shape, arrays)
    if isinstance(e, ast.Call) and not e.keywords and isinstance(e.func, ast.Attribute) and isinstance(e.func.value, ast.Name) \
            and e.func.value.id in ("np", "numpy"):
        n = e.func.attr
        if (n in UNARY and len(e.args) == 1) or (n in BINARY and len(e.args) == 2):
            return all(_elementwise(a, kinds, shape, arrays) for a in e.args)
    return False


def _fusable(s: ast.stmt, kinds: dict[str, set]) -> tuple | None:
    """The shape of statement `s` when it is elementwise, else None."""
    if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
        target, value = s.targets[0].id, s.value
    elif isinstance(s, ast.AugAssign) and isinstance(s.target, ast.Name) and isinstance(s.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        target, value = s.target.id, s.value
    else:
        return None
    shape = _array_shape(kinds, target)
    if shape is None:
        return None
    arrays: set[str] = set()
    if not _elementwise(value, kinds, shape, arrays):
        return None
    if not arrays and not isinstance(s, ast.AugAssign):
        return None  # (an array made from numbers alone: np.full, not elementwise)
    return shape


# Vectorisable kernels (s2sad/compiled/kernels.py) for these ufuncs inside fused loops; the C library's for the rest.
# ksin/kcos take |x| <= TRIG_LIMIT only: a loop that uses them is written twice (see `_loop`).
KERNELS = {"sin": "ksin", "cos": "kcos", "exp": "kexp", "tanh": "ktanh"}
CHECKED = {"ksin": "sin", "kcos": "cos"}


class _Scalarise(ast.NodeTransformer):
    """An elementwise expression read at one element: arrays -> `a[i]` or their local number.

    `trig=False`: sin and cos are the C library's (`math.sin`), for elements the kernels do not take."""

    def __init__(self, local: dict[str, str], index: dict[str, str], trig: bool = True) -> None:
        self.local, self.index, self.trig = local, index, trig

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.local:
            return ast.Name(self.local[node.id], ast.Load())
        if node.id in self.index:
            return ast.parse(f"{node.id}[{self.index[node.id]}]", mode="eval").body
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        n = node.func.attr  # type: ignore[attr-defined]
        if n in BINARY:
            return ast.BinOp(node.args[0], BINARY[n](), node.args[1])
        if n == "negative":
            return ast.UnaryOp(ast.USub(), node.args[0])
        if n == "square":
            return ast.BinOp(node.args[0], ast.Mult(), node.args[0])
        if n in KERNELS and (self.trig or KERNELS[n] not in CHECKED):
            return ast.Call(ast.Name(KERNELS[n], ast.Load()), node.args, [])
        if n in _SCALAR_FN:
            return ast.Call(ast.Name("abs", ast.Load()), node.args, [])
        return ast.Call(ast.Attribute(ast.Name("math" if n != "exp2" else "np", ast.Load()), n, ast.Load()), node.args, [])


def _trig_args(e: ast.AST) -> list[str]:
    """The arguments (as text) of the ksin/kcos calls in `e`."""
    return [ast.unparse(c.args[0]) for c in ast.walk(e)
            if isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id in CHECKED]


def _slice(body: list[ast.Assign], name: str) -> list[ast.Assign]:
    """The statements of straight-line `body` that the final value of `name` depends on (the check loop computes
    only what the kernels' arguments need; Numba's passes take long on big loop bodies)."""
    need, keep = {name}, []
    for b in reversed(body):
        target = b.targets[0].id  # type: ignore[attr-defined]
        if target in need:
            keep.append(b)
            if target != name:
                need.discard(target)
            need |= {n.id for n in ast.walk(b.value) if isinstance(n, ast.Name)}
    return keep[::-1]


BLOCK = 1024  # elements per block of a one-dimensional loop that uses ksin/kcos (checked, then run, block by block)


def _names(nodes: list[ast.AST]) -> set[str]:
    return {n.id for s in nodes for n in ast.walk(s) if isinstance(n, ast.Name)}


def _loop(run: list[ast.stmt], shape: tuple, kinds: dict[str, set], live: set[str], parallel: bool, k: int) -> list[ast.stmt] | None:
    """One run as a loop nest over `shape` (its outer loop a `numba.prange` when `parallel`)."""
    ndim = len(shape)
    idx = [f"_i{k}_{d}" for d in range(ndim)]
    index = ", ".join(idx)
    defined: set[str] = set()
    inputs: list[str] = []
    outputs: list[str] = []  # arrays the run makes and something after it reads
    inplace: set[str] = set()  # arrays made before the run, updated in place
    for s in run:
        target = s.targets[0].id if isinstance(s, ast.Assign) else s.target.id  # type: ignore[union-attr]
        arrays: set[str] = set()
        _elementwise(s.value, kinds, shape, arrays)  # type: ignore[arg-type]
        reads = sorted(arrays) + ([target] if isinstance(s, ast.AugAssign) else [])
        for a in reads:
            if a not in defined and a not in inputs:
                inputs.append(a)
        if isinstance(s, ast.AugAssign) and target not in defined:
            inplace.add(target)
        defined.add(target)
    for t in sorted(defined):
        if t in live and t not in inplace:
            outputs.append(t)
    full = [a for a in inputs if _array_shape(kinds, a) == shape]
    if not full:
        return None  # (only rows broadcast: nothing gives the loop's shape)
    rep = full[0]
    lines = [f"_n{k} = {rep}.shape"]
    reads: dict[str, str] = {}
    for a in inputs:
        lead = ndim - len(_array_shape(kinds, a) or shape)
        reads[a] = ", ".join(idx[lead:])
        if a != rep:
            lines.append(f"if {a}.shape != _n{k}{f'[{lead}:]' if lead else ''}:\n"
                         "    raise ValueError('s2sad.jit: arrays of different shapes')")
    for t in outputs:
        lines.append(f"_o{k}_{t} = np.empty(_n{k})")
    head = "\n".join(lines)

    def scalar_body(trig: bool, stores: bool) -> tuple[list[ast.stmt], list[str]]:
        """The loop body at one element (and, when `trig`, the checks of ksin/kcos's arguments, one per statement
        before it: a later statement may reassign what the argument reads)."""
        body: list[ast.stmt] = []
        checks: list[str] = []
        seen: set[str] = set()  # arguments checked since the last assignment of a name they read
        local: dict[str, str] = {}
        for s in run:
            target = s.targets[0].id if isinstance(s, ast.Assign) else s.target.id  # type: ignore[union-attr]
            value = _Scalarise(dict(local), reads, trig).visit(ast.parse(ast.unparse(s.value), mode="eval").body)
            if isinstance(s, ast.AugAssign):
                current = ast.Name(local[target], ast.Load()) if target in local else ast.parse(f"{target}[{index}]", mode="eval").body
                value = ast.BinOp(current, s.op, value)
            for a in _trig_args(value) if trig else []:
                if a not in seen:
                    seen.add(a)
                    checks.append(a)
                    body.append(ast.parse(f"_bad{k} = _bad{k} | trig_bad({a})").body[0])
            name = f"_e{k}_{target}"
            local[target] = name
            seen = {a for a in seen if name not in _names([ast.parse(a, mode="eval")])}
            body.append(ast.Assign([ast.Name(name, ast.Store())], value))
        if not stores:
            return body, checks
        body = [b for b in body if not (isinstance(b, ast.Assign) and b.targets[0].id == f"_bad{k}")]  # type: ignore[attr-defined]
        for t in sorted(inplace):
            body.append(ast.parse(f"{t}[{index}] = {local[t]}").body[0])
        for t in outputs:
            body.append(ast.parse(f"_o{k}_{t}[{index}] = {local[t]}").body[0])
        return body, checks

    def nest(body: list[ast.stmt], ranges: list[str]) -> list[ast.stmt]:
        inner: list[ast.stmt] = body
        for d in reversed(range(len(ranges))):
            loop = ast.parse(f"for {idx[len(idx) - len(ranges) + d]} in {ranges[d]}:\n    pass").body[0]
            loop.body = inner  # type: ignore[attr-defined]
            inner = [loop]
        return inner

    outer_range = "numba.prange" if parallel else "range"
    check_body, checks = scalar_body(True, False)
    fast, _ = scalar_body(True, True)
    if not checks:
        loops = nest(fast, [f"{outer_range}(_n{k}[0])"] + [f"range(_n{k}[{d}])" for d in range(1, ndim)])
    else:
        # ksin/kcos are right for |x| <= TRIG_LIMIT: each block (a row of a matrix) is checked first, in a loop
        # that computes only what the arguments need, then runs with the kernels, or, where an argument is
        # out of their range (or inf, NaN), with the C library's sin and cos. Every loop stays vectorisable.
        check_body = _slice(check_body, f"_bad{k}")
        slow, _ = scalar_body(False, True)
        if ndim == 1:
            outer = ast.parse(f"for _b{k} in {outer_range}((_n{k}[0] + {BLOCK - 1}) // {BLOCK}):\n"
                              f"    _lo{k} = _b{k} * {BLOCK}\n    _hi{k} = min(_lo{k} + {BLOCK}, _n{k}[0])").body[0]
            ranges = [f"range(_lo{k}, _hi{k})"]
        else:
            outer = ast.parse(f"for {idx[0]} in {outer_range}(_n{k}[0]):\n    pass").body[0]
            outer.body = []  # type: ignore[attr-defined]
            ranges = [f"range(_n{k}[{d}])" for d in range(1, ndim)]
        choose = ast.parse(f"if _bad{k}:\n    pass\nelse:\n    pass").body[0]
        choose.body, choose.orelse = nest(slow, ranges), nest(fast, ranges)  # type: ignore[attr-defined]
        outer.body += ast.parse(f"_bad{k} = False").body + nest(check_body, ranges) + [choose]  # type: ignore[attr-defined]
        loops = [outer]
    tail = [ast.parse(f"{t} = _o{k}_{t}").body[0] for t in outputs]
    out = ast.parse(head).body + loops + tail
    for s in out:
        for sub in ast.walk(s):
            ast.copy_location(sub, run[0])
    return out


def fuse_body(fn: ast.FunctionDef, kinds: dict[str, set], parallel_size: float) -> tuple[int, bool]:
    """Fuse every run of elementwise statements in `fn`: (the number of loops made, whether one is parallel).

    A loop over at least `parallel_size` elements (in the example) is a `numba.prange`."""
    count = [0]
    parallel = [False]

    def walk(body: list[ast.stmt], outside: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        i = 0
        while i < len(body):
            s = body[i]
            for field in ("body", "orelse"):
                inner = getattr(s, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    setattr(s, field, walk(inner, outside))
            shape = _fusable(s, kinds)
            j = i
            while shape is not None and j + 1 < len(body) and _fusable(body[j + 1], kinds) == shape:
                j += 1
            if shape is not None and j > i:
                run = body[i:j + 1]
                rest = [x for x in outside if not any(x is r for r in run)]
                # What is read outside the run (anywhere else in the function: in a loop, the next trip reads it too).
                live = _names([x for x in rest if not isinstance(x, ast.FunctionDef)])
                big = math.prod(shape) >= parallel_size
                loop = _loop(run, shape, kinds, live, big, count[0])
                if loop is not None:
                    parallel[0] = parallel[0] or big
                    out += loop
                    count[0] += 1
                    i = j + 1
                    continue
            out.append(s)
            i += 1
        return out

    flat: list[ast.stmt] = []

    def collect(body: list[ast.stmt]) -> None:
        for s in body:
            flat.append(s)
            for field in ("body", "orelse"):
                inner = getattr(s, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    collect(inner)

    collect(fn.body)
    # Names read by each statement, compound statements by their own header only (their bodies are listed apart).
    headers: list[ast.AST] = []
    for s in flat:
        if isinstance(s, (ast.For, ast.While, ast.If)):
            headers.append(s.iter if isinstance(s, ast.For) else s.test)
            if isinstance(s, ast.For):
                headers.append(s.target)
        else:
            headers.append(s)
    pairs = list(zip(flat, headers))

    fn.body = walk(fn.body, [h for _, h in pairs])
    return count[0], parallel[0]
