"""Desugaring of loops: `for/while ... else`, nested zip/enumerate flattened, comprehensions, and/or chains.

Input: the `_Desugar` transformer of `desugar.py` (this module's `LoopsMixin` is one of its bases) and the
statements or expressions it hands over. Output: plain statements (a loop appending to a list, a flag for a
loop's `else`, nested `if`s for `a and b`), plus the AST predicates the desugaring shares (`is_eager`,
`names_in`, `lambda_def`, ...).
"""
from __future__ import annotations

import ast
import copy
from typing import Any

COMPS = (ast.ListComp, ast.GeneratorExp)


class LoopsMixin:
    """Loop `else`s, zip/enumerate flattening, comprehensions to loops, and/or and if-expression chains."""
    # (runs as part of `desugar._Desugar`: `self.fresh`, `self.block`, `self.expr`, ... are its)
    def loop_else(self, s: ast.For | ast.While) -> list[ast.stmt]:
        """`for/while ... else E`: E runs unless `break` left the loop."""
        orelse, s.orelse = s.orelse, []
        breaks = list(own_breaks(s.body))
        if not breaks:
            return self.stmt(s) + self.block(orelse)
        flag = self.fresh("broke")
        for holder, i in reversed(breaks):
            holder[i:i] = [ast.copy_location(ast.Assign([ast.Name(flag, ast.Store())], ast.Constant(True)), holder[i])]
        init = ast.copy_location(ast.Assign([ast.Name(flag, ast.Store())], ast.Constant(False)), s)
        test = ast.copy_location(ast.UnaryOp(ast.Not(), ast.Name(flag, ast.Load())), s)
        after = ast.copy_location(ast.If(test, self.block(orelse) or [ast.Pass()], []), orelse[0])
        return [init] + self.stmt(s) + [after]

    # -- builtins: nested zip/enumerate loops, dict(...) ----------------------------------------------------------
    def is_builtin(self, e: ast.expr, name: str) -> bool:
        """`e` is a call of the builtin `name` (not a name the function or its module binds)."""
        return (isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id == name and name not in self.stored
                and name not in self.fs.namespace and name not in (self.fs.closure or {}))

    def flat_loop(self, s: ast.For) -> list[ast.stmt]:
        """`for i, (a, b) in enumerate(zip(xs, ys))` -> `for i, a, b in zip(range(len(xs)), xs, ys)`: zip and enumerate
        nested in each other, `enumerate(xs, start)`, or bound to one name (`for pair in zip(xs, ys)`, unpacked at the
        top of the body) become one zip over plain sequences, which `lower.py` walks as an index loop (and
        `leaf_rewrite.py` unrolls over a structured argument). A plain zip or enumerate is left as it is.
        Sequences other than names, subscripts and arithmetic of them are computed first, in Python's order, into
        variables (the returned statements): the count of an enumerate reads the length of one again."""
        it, target = s.iter, s.target
        if not (self.is_builtin(it, "zip") or self.is_builtin(it, "enumerate")):
            return []
        nested = any(self.is_builtin(a, "zip") or self.is_builtin(a, "enumerate") for a in it.args)  # type: ignore[attr-defined]
        started = self.is_builtin(it, "enumerate") and (len(it.args) > 1 or it.keywords)  # type: ignore[attr-defined]
        if not (nested or started or isinstance(target, ast.Name)):
            return []
        before: list[ast.stmt] = []
        self.name_sequences(it, before)  # type: ignore[arg-type]
        top: list[ast.stmt] = []
        parts = self.loop_parts(target, it, top, s)
        if parts is None:
            return before
        if len(parts) == 1:
            s.target, s.iter = parts[0]
        else:
            s.target = ast.copy_location(ast.Tuple([t for t, _ in parts], ast.Store()), target)
            s.iter = ast.copy_location(ast.Call(ast.Name("zip", ast.Load()), [i for _, i in parts], []), it)
        s.body = top + s.body
        return before

    def name_sequences(self, it: ast.Call, before: list[ast.stmt]) -> None:
        """Each argument of these nested zip/enumerate calls that is not pure (`is_pure`) becomes a fresh variable
        assigned in `before`, left to right as Python evaluates them."""
        for k, a in enumerate(it.args):
            if self.is_builtin(a, "zip") or self.is_builtin(a, "enumerate"):
                self.name_sequences(a, before)  # type: ignore[arg-type]
            elif not is_pure(a):
                name = self.fresh("seq")
                before.append(ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], a), a))
                it.args[k] = ast.copy_location(ast.Name(name, ast.Load()), a)
        for kw in it.keywords:
            if not is_pure(kw.value):
                name = self.fresh("start")
                before.append(ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], kw.value), kw.value))
                kw.value = ast.copy_location(ast.Name(name, ast.Load()), kw.value)

    def loop_parts(self, target: ast.expr, it: ast.expr, top: list[ast.stmt], anchor: ast.AST) -> list[tuple[ast.expr, ast.expr]] | None:
        """The (target, sequence) pairs of a loop over `it`, zips and enumerates flattened; None: leave it alone."""
        loc = lambda node: ast.copy_location(node, anchor)  # noqa: E731
        if self.is_builtin(it, "zip") and it.args and not it.keywords and not any(  # type: ignore[attr-defined]
                isinstance(a, ast.Starred) for a in it.args):  # type: ignore[attr-defined]
            args = it.args  # type: ignore[attr-defined]
        elif self.is_builtin(it, "enumerate") and len(it.args) in (1, 2) and not any(  # type: ignore[attr-defined]
                isinstance(a, ast.Starred) for a in it.args) and all(k.arg == "start" for k in it.keywords) \
                and len(it.args) + len(it.keywords) <= 2:  # type: ignore[attr-defined]
            args = [None, it.args[0]]  # type: ignore[attr-defined]
        else:
            return [(target, it)]
        if isinstance(target, ast.Name):  # `for pair in zip(xs, ys)`: a tuple of the items, built at the top of the body
            names = [self.fresh(f"{target.id}_{k}") for k in range(len(args))]
            elts: list[ast.expr] = [loc(ast.Name(n, ast.Store())) for n in names]
            after = [loc(ast.Assign([ast.Name(target.id, ast.Store())], ast.Tuple([ast.Name(n, ast.Load()) for n in names], ast.Load())))]
        elif isinstance(target, ast.Tuple) and len(target.elts) == len(args) and not any(isinstance(e, ast.Starred) for e in target.elts):
            elts, after = list(target.elts), []
        else:
            return None  # (Python would fail to unpack: lower.py refuses it at the line)
        out: list[tuple[ast.expr, ast.expr]] = []
        for t, a in zip(elts, args):
            if a is not None:
                out += self.loop_parts(t, a, top, anchor) or [(t, a)]
        if args[0] is None:  # enumerate: the count is a range as long as the sequence it numbers
            start = it.args[1] if len(it.args) == 2 else (it.keywords[0].value if it.keywords else None)  # type: ignore[attr-defined]
            n = loc(ast.Call(ast.Name("len", ast.Load()), [copy.deepcopy(out[0][1])], []))
            bounds = [n] if start is None else [copy.deepcopy(start), loc(ast.BinOp(copy.deepcopy(start), ast.Add(), n))]
            out.insert(0, (elts[0], loc(ast.Call(ast.Name("range", ast.Load()), bounds, []))))
        top.extend(after)
        return out

    def comprehension(self, comp: ast.expr, name: str, anchor: ast.AST, accumulate: ast.expr | None) -> list[ast.stmt]:
        """`name = [elt for ...]` as a loop appending to `name`, or with `accumulate` (sum's start) a loop adding."""
        comp = copy.deepcopy(comp)
        self.rename_targets(comp)
        loc = lambda node: ast.copy_location(node, anchor)  # noqa: E731
        if accumulate is None:
            init = loc(ast.Assign([ast.Name(name, ast.Store())], ast.List([], ast.Load())))
            inner: ast.stmt = loc(ast.Expr(ast.Call(ast.Attribute(ast.Name(name, ast.Load()), "append", ast.Load()), [comp.elt], [])))
        else:
            init = loc(ast.Assign([ast.Name(name, ast.Store())], accumulate))
            inner = loc(ast.Assign([ast.Name(name, ast.Store())], ast.BinOp(ast.Name(name, ast.Load()), ast.Add(), comp.elt)))
        body: list[ast.stmt] = [inner]
        for gen in reversed(comp.generators):
            if gen.is_async:
                raise self.err(comp, "async comprehensions are not supported", "comprehension")
            for cond in reversed(gen.ifs):
                body = [loc(ast.If(cond, body, []))]
            body = [loc(ast.For(gen.target, gen.iter, body, [], None))]
        return [init] + self.block(body)

    def bool_chain(self, e: ast.BoolOp, name: str, anchor: ast.AST) -> list[ast.stmt]:
        """`name = a and b and c` as `name = a` / `if name: name = b` / `if name: name = c` (`or`: `if not name`):
        each operand runs only when Python would run it, and `name` holds the operand that decided, as in Python
        (so `y = x or 1.0` carries x's derivative)."""
        loc = lambda node: ast.copy_location(node, anchor)  # noqa: E731
        test = loc(ast.Name(name, ast.Load())) if isinstance(e.op, ast.And) else loc(ast.UnaryOp(ast.Not(), ast.Name(name, ast.Load())))
        body: list[ast.stmt] = []
        for v in reversed(e.values[1:]):
            step: list[ast.stmt] = [loc(ast.Assign([ast.Name(name, ast.Store())], v))]
            if body:
                step.append(loc(ast.If(copy.deepcopy(test), body, [])))
            body = step
        return self.block([loc(ast.Assign([ast.Name(name, ast.Store())], e.values[0])), loc(ast.If(test, body, []))])

    def if_expression(self, e: ast.IfExp, name: str, anchor: ast.AST) -> list[ast.stmt]:
        """`name = a if c else b` as `if c: name = a` / `else: name = b`: the branch not taken never runs."""
        loc = lambda node: ast.copy_location(node, anchor)  # noqa: E731
        pre: list[ast.stmt] = []
        test = self.expr(e.test, pre, anchor)  # type: ignore[arg-type]
        body = self.block([loc(ast.Assign([ast.Name(name, ast.Store())], e.body))])
        orelse = self.block([loc(ast.Assign([ast.Name(name, ast.Store())], e.orelse))])
        return pre + [loc(ast.If(test, body, orelse))]


def lambda_def(s: ast.stmt) -> tuple[str, ast.Lambda] | None:
    if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Lambda):
        return s.targets[0].id, s.value
    return None


def maybe_builtin_call(e: ast.AST, names: tuple[str, ...]) -> bool:
    """A call of one of these builtins by name (shadowing is checked later, by `_Desugar.is_builtin`)."""
    return isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id in names


def flat_loop_candidate(s: ast.For) -> bool:
    """A loop `flat_loop` may rewrite: zip/enumerate nested, enumerate with a start, or bound to one name."""
    it = s.iter
    if not maybe_builtin_call(it, ("zip", "enumerate")):
        return False
    return (isinstance(s.target, ast.Name) or any(maybe_builtin_call(a, ("zip", "enumerate")) for a in it.args)  # type: ignore[attr-defined]
            or it.func.id == "enumerate" and (len(it.args) > 1 or bool(it.keywords)))  # type: ignore[attr-defined]


def is_pure(e: ast.expr) -> bool:
    """Names, constants, subscripts, attributes and arithmetic of them: read twice, the same value, nothing run."""
    return all(isinstance(n, (ast.Name, ast.Constant, ast.Subscript, ast.Slice, ast.Attribute, ast.BinOp, ast.UnaryOp,
                              ast.Tuple, ast.expr_context, ast.operator, ast.unaryop)) for n in ast.walk(e))


def is_sum(e: ast.expr) -> bool:
    return (isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id == "sum" and 1 <= len(e.args) <= 2
            and not e.keywords and isinstance(e.args[0], COMPS))


def range_from_zero(e: ast.expr) -> bool:
    """`range(n)` or `range(0, n)`: the indices of a list of n items."""
    if not (isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id == "range" and not e.keywords):
        return False
    return len(e.args) == 1 or len(e.args) == 2 and isinstance(e.args[0], ast.Constant) and e.args[0].value == 0


def range_len(e: ast.expr) -> ast.expr:
    return ast.Call(ast.Name("range", ast.Load()), [ast.Call(ast.Name("len", ast.Load()), [e], [])], [])


def is_eager(e: ast.BoolOp, test: bool = False) -> bool:
    """Whether `a and b` may stay one expression, its operands evaluated first (`t3 = t1 and t2`): every operand
    after the first cannot raise or run anything (names, constants, comparisons and `not` of them), and the value
    is a bool, or only its truth is read (`test`: an `if` test). Anything else becomes if statements (bool_chain)."""
    def quiet(v: ast.expr) -> bool:
        if isinstance(v, (ast.Name, ast.Constant)):
            return True
        if isinstance(v, ast.UnaryOp) and isinstance(v.op, (ast.Not, ast.USub)):
            return quiet(v.operand)
        if isinstance(v, ast.Compare):
            return all(quiet(x) for x in [v.left, *v.comparators])
        return isinstance(v, ast.BoolOp) and all(quiet(x) for x in v.values)

    def boolean(v: ast.expr) -> bool:
        return (isinstance(v, ast.Compare) or isinstance(v, ast.UnaryOp) and isinstance(v.op, ast.Not)
                or isinstance(v, ast.Constant) and isinstance(v.value, bool)
                or isinstance(v, ast.BoolOp) and all(boolean(x) for x in v.values))

    return all(quiet(v) for v in e.values[1:]) and (test or all(boolean(v) for v in e.values))


def names_in(e: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(e) if isinstance(n, ast.Name)}


def own_breaks(stmts: list[ast.stmt]) -> Any:
    """(list, index) of each `break` of this loop (not of loops nested in it)."""
    for i, s in enumerate(stmts):
        if isinstance(s, ast.Break):
            yield stmts, i
        elif isinstance(s, ast.If):
            yield from own_breaks(s.body)
            yield from own_breaks(s.orelse)
