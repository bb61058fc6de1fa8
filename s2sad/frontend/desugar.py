"""Desugaring: comprehensions, lambdas, nested functions, loop `else`s, dicts, `del` -> plain statements, before the fence.

Input: a `FunctionSource` just parsed. Output: the same, its tree rewritten into
Python that s2sad lowers, with the user's line numbers kept:

- `[e for x in xs if c]` (and a generator expression) becomes a list built by a
  loop (`ys = []`, `for x in xs: if c: ys.append(e)`); `sum(e for ...)` becomes
  an accumulation (`total = 0`, `total = total + e`);
- `{i: e for i in range(n)}` becomes the list of its values (its reads rewritten:
  `d.items()` is `enumerate(d)`, ...); any other dict comprehension `d = {}` and
  `d[k] = e` in the loop, which `pytrees.py` unrolls over a structured argument
  (else the fence refuses it at its line);
- `a if c else b` holding something hoisted (a comprehension, a helper call)
  becomes an `if` statement first, so the branch not taken never runs;
- `a and b` / `a or b` whose later operands could fail or run something (a call, an index, a
  comprehension: anything but names, constants and comparisons of them), or whose value is used
  as a number (`y = x or 1.0`), becomes nested `if` statements (`bool_chain`), so each operand runs
  only when Python would run it and the result is the operand that decided; a `while` test stays
  one expression (emitted whole, it short-circuits);
- a nested `def` or `f = lambda t: ...` is a local helper: each call is inlined,
  its parameters bound to the arguments and its value named after the helper
  (closures read the enclosing function's names at the call, as Python does);
  a helper that calls itself is refused at the call's line;
- `for ... else` and `while ... else` run the `else` block unless a `break`
  left the loop (a flag records it);
- `assert c, m` and `print(...)` are kept in the forward sweep, never in the backward
  sweep (`_ = assert_that(c, m)` in the Wengert list, printed back as the `assert`);
  logging calls (`logger.info(...)`) and `print` with keywords go to `effects.py` as calls made for
  their effect, marked so that any argument may be passed (they change no array);
- zip and enumerate nested in each other (`for i, (a, b) in enumerate(zip(xs, ys))`), `enumerate(xs, start)`
  and a zip bound to one name become one zip over plain sequences (`flat_loop`: `zip(range(len(xs)), xs, ys)`);
- `dict(a=x)`, `dict([("a", x)])`, `dict(zip(("a",), vs))` and `dict(d)` of a dict the function built become a
  display; a dict bound once to a display with constant keys and read only by constant keys is one variable per
  entry (`scalar_dicts`), and a function of the same module called with one is inlined (`dict_taking_helper`);
- `del name` is dropped where the name is not read again before it is bound anew (`deletes`); a read after it,
  and `del` of an item or attribute, are refused at that line.

A set comprehension `{e for ...}` is the list `[e for ...]` built by a loop, then `set(items)`: a call without
derivative of indices and other constants (`sorted`, `len` and `in` read it); of differentiated values the rule
of `set` refuses it at its line (rules/control.py).

This module keeps `apply`, the dispatch over statements and expressions, local helpers (inlined) and the
`print`/`assert` primitives; loops and comprehensions are in `desugar_loops.py`, dicts, `del` and sets in
`desugar_dicts.py` (mixins of `_Desugar`).
"""
from __future__ import annotations

import ast
import copy
from typing import Any

from ..errors import UnsupportedSyntaxError
from .desugar_dicts import DictsMixin
from .desugar_loops import (
    COMPS,
    LoopsMixin,
    is_eager,
    is_sum,
    lambda_def,
    maybe_builtin_call,
    flat_loop_candidate,
    names_in,
)


def apply(fs: Any) -> None:
    """Rewrite `fs.tree`'s body in place (nothing to do for most functions: one walk finds that)."""
    tree = fs.tree
    if not any(isinstance(n, (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp, ast.Lambda, ast.FunctionDef))
               and n is not tree for n in ast.walk(tree)) and not any(
               isinstance(n, (ast.For, ast.While)) and n.orelse or isinstance(n, (ast.Assert, ast.Delete, ast.Dict)) or _is_output(n)
               or isinstance(n, ast.BoolOp) and not is_eager(n) or maybe_builtin_call(n, ("dict",))
               or isinstance(n, ast.For) and flat_loop_candidate(n) for n in ast.walk(tree)):
        return
    d = _Desugar(fs)
    tree.body = d.deletes(tree.body, [])
    tree.body = d.block(tree.body)
    if d.made_dicts:
        tree.body = d.scalar_dicts(tree.body)
    if d.index_dicts:
        d.index_dict_uses(tree.body)
    for s in tree.body:
        ast.fix_missing_locations(s)


class _Desugar(LoopsMixin, DictsMixin):
    def __init__(self, fs: Any) -> None:
        self.fs = fs
        self.used: set[str] = {n.id for n in ast.walk(fs.tree) if isinstance(n, ast.Name)} | {
            a.arg for a in ast.walk(fs.tree) if isinstance(a, ast.arg)}
        self.helpers: dict[str, ast.FunctionDef] = {}
        self.results: set[str] = set()
        self.active: list[str] = []  # helpers being inlined (a call to one of these is recursion)
        self.index_dicts: dict[str, ast.DictComp] = {}  # dicts built over range(n): lists of their values
        self.in_while_test = False
        # a dict display (or a dict(...) call, which becomes one): `scalar_dicts` looks for dicts to split
        self.made_dicts = any(isinstance(n, ast.Dict) for n in ast.walk(fs.tree))
        # names the enclosing function itself uses (outside its helpers): a helper's locals that clash are renamed
        self.own: set[str] = set()
        self._collect_own(fs.tree.body)
        # names the function binds itself (a local `zip` or `dict` is not the builtin)
        self.stored: set[str] = {n.id for n in ast.walk(fs.tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} | {
            a.arg for a in ast.walk(fs.tree) if isinstance(a, ast.arg)} | {
            n.name for n in ast.walk(fs.tree) if isinstance(n, ast.FunctionDef) and n is not fs.tree}

    def _collect_own(self, stmts: list[ast.stmt]) -> None:
        for s in stmts:
            if isinstance(s, ast.FunctionDef) or lambda_def(s):
                continue
            for n in ast.walk(s):
                if isinstance(n, ast.Name):
                    self.own.add(n.id)
        self.own |= {a.arg for a in self.fs.tree.args.args + self.fs.tree.args.kwonlyargs + self.fs.tree.args.posonlyargs}
        # (the helpers' own names are read only by their calls, which inlining removes)
        self.own -= {s.name for s in ast.walk(self.fs.tree) if isinstance(s, ast.FunctionDef) and s is not self.fs.tree}
        self.own -= {lam[0] for s in ast.walk(self.fs.tree) if isinstance(s, ast.stmt) for lam in [lambda_def(s)] if lam}

    def err(self, node: ast.AST, message: str, construct: str, hint: str | None = None) -> Exception:
        return self.fs.error(UnsupportedSyntaxError, message, node, construct=construct, **({"hint": hint} if hint else {}))

    def fresh(self, base: str) -> str:
        name, k = base, 0
        while name in self.used:
            k += 1
            name = f"{base}_{k}"
        self.used.add(name)
        return name

    def result_name(self, helper: str) -> str:
        """The value of a helper's call is named after the helper (the lecture's L): `layer`, then `layer_1`, ..."""
        if helper in self.helpers and helper not in self.own and helper not in self.results:
            self.results.add(helper)
            return helper
        return self.fresh(helper)

    # -- statements -----------------------------------------------------------------------------------------
    def block(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for s in stmts:
            if isinstance(s, ast.FunctionDef):
                if s.decorator_list:
                    raise self.err(s, f"the nested function {s.name} has decorators, which s2sad does not read", "nested function definition")
                self.helpers[s.name] = s
                continue
            lam = lambda_def(s)
            if lam is not None:
                name, node = lam
                self.helpers[name] = ast.copy_location(ast.FunctionDef(
                    name=name, args=node.args, body=[ast.copy_location(ast.Return(node.body), node)], decorator_list=[],
                    returns=None, type_comment=None), s)
                continue
            out.extend(self.stmt(s))
        return out

    def stmt(self, s: ast.stmt) -> list[ast.stmt]:
        pre: list[ast.stmt] = []
        if isinstance(s, ast.Assert):  # kept in the forward sweep (never in the backward sweep): `_ = assert_that(c, m)`
            register_primitives()
            self.fs.closure.setdefault(_ASSERT, assert_that)
            args = [self.expr(s.test, pre, s)] + ([self.expr(s.msg, pre, s)] if s.msg is not None else [])
            call = ast.copy_location(ast.Call(ast.Name(_ASSERT, ast.Load()), args, []), s)
            return pre + [ast.copy_location(ast.Assign([ast.Name("_", ast.Store())], call), s)]
        if _is_output(s):
            call = s.value  # type: ignore[attr-defined]
            if isinstance(call.func, ast.Name) and not call.keywords:  # print(...): kept in the forward sweep
                register_primitives()
                self.fs.closure.setdefault(_PRINT, print_)
                call.args = [self.expr(a, pre, s) for a in call.args]
                call.func = ast.copy_location(ast.Name(_PRINT, ast.Load()), call.func)
                return pre + [ast.copy_location(ast.Assign([ast.Name("_", ast.Store())], call), s)]
            # logging calls and print with keywords: kept in the forward sweep as calls made for their effect
            # (effects.py), printed back as written; they cannot change an array, so any argument is allowed
            s._s2sad_output = True  # type: ignore[attr-defined]
            call.args = [self.expr(a, pre, s) for a in call.args]
            for k in call.keywords:
                k.value = self.expr(k.value, pre, s)
            return pre + [s]
        if isinstance(s, (ast.For, ast.While)) and s.orelse:
            return self.loop_else(s)
        if isinstance(s, ast.If):
            if isinstance(s.test, ast.BoolOp) and is_eager(s.test, test=True):
                s.test._s2sad_test = True  # type: ignore[attr-defined]  # (only its truth is read: names may stay whole)
            s.test = self.expr(s.test, pre, s)
            s.body = self.block(s.body) or [ast.copy_location(ast.Pass(), s)]
            s.orelse = self.block(s.orelse)
            return pre + [s]
        if isinstance(s, ast.For):
            pre.extend(self.block(self.flat_loop(s)))
            s.iter = self.expr(s.iter, pre, s)
            s.body = self.block(s.body)
            return pre + [s]
        if isinstance(s, ast.While):
            self.in_while_test = True  # (a while test stays an expression: emitted whole, its and/or short-circuit)
            try:
                test = self.expr(s.test, pre, s)
            finally:
                self.in_while_test = False
            if pre:
                raise self.err(s.test, "a comprehension or a local function call in a 'while' test is not supported "
                               "(it would run once, not every iteration)", "while test",
                               "compute it into a variable before the loop and again at the end of the body")
            s.test = test
            s.body = self.block(s.body)
            return [s]
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
            name = s.targets[0].id
            v = s.value
            if isinstance(v, COMPS) and name not in names_in(v):
                return self.comprehension(v, name, s, accumulate=None)
            if isinstance(v, ast.DictComp) and name not in names_in(v):
                return self.dict_comprehension(v, name, s)
            if isinstance(v, ast.SetComp) and name not in names_in(v):
                made = self.set_comprehension(v, pre)
                return pre + [ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], made), s)]
            if isinstance(v, ast.IfExp) and (self.hoists(v.body) or self.hoists(v.orelse)):
                return self.if_expression(v, name, s)
            if isinstance(v, ast.BoolOp) and not is_eager(v) and name not in names_in(v):
                return self.bool_chain(v, name, s)
            if is_sum(v) and name not in names_in(v):
                return self.comprehension(v.args[0], name, s, accumulate=v.args[1] if len(v.args) > 1 else ast.Constant(0))
            if isinstance(v, ast.Call) and self.helper_of(v) is not None:
                v.args = [self.expr(a, pre, s) for a in v.args]
                for k in v.keywords:
                    k.value = self.expr(k.value, pre, s)
                return pre + self.inline(v, name, s)
        for field, value in ast.iter_fields(s):
            if isinstance(value, ast.expr) and not (isinstance(s, (ast.Assign, ast.AugAssign)) and field in ("targets", "target")):
                setattr(s, field, self.expr(value, pre, s))
        if isinstance(s, ast.Assign):
            s.targets = [self.expr_target(t, pre, s) for t in s.targets]
        return pre + [s]

    def expr_target(self, t: ast.expr, pre: list[ast.stmt], s: ast.stmt) -> ast.expr:
        if isinstance(t, ast.Subscript):
            t.slice = self.expr(t.slice, pre, s)
        return t

    # -- expressions ------------------------------------------------------------------------------------------
    def expr(self, e: ast.expr, pre: list[ast.stmt], s: ast.stmt) -> ast.expr:
        d = self

        class T(ast.NodeTransformer):
            def visit_ListComp(self, n: ast.ListComp) -> Any:
                name = d.fresh("items")
                pre.extend(d.comprehension(n, name, n, accumulate=None))
                return ast.copy_location(ast.Name(name, ast.Load()), n)

            visit_GeneratorExp = visit_ListComp

            def visit_SetComp(self, n: ast.SetComp) -> Any:
                return d.set_comprehension(n, pre)

            def visit_DictComp(self, n: ast.DictComp) -> Any:
                name = d.fresh("table")
                pre.extend(d.dict_comprehension(n, name, n))
                return ast.copy_location(ast.Name(name, ast.Load()), n)

            def visit_IfExp(self, n: ast.IfExp) -> Any:
                if not (d.hoists(n.body) or d.hoists(n.orelse)):
                    return self.generic_visit(n)
                # `a if c else f(b)`: only the branch taken runs, so it becomes an if statement before anything is hoisted
                name = d.fresh("chosen")
                pre.extend(d.if_expression(n, name, n))
                return ast.copy_location(ast.Name(name, ast.Load()), n)

            def visit_BoolOp(self, n: ast.BoolOp) -> Any:
                if getattr(n, "_s2sad_test", False) and is_eager(n, test=True) or is_eager(n) or d.in_while_test:
                    return self.generic_visit(n)
                # `a and f(b)`: f(b) runs only if a is true, so the operands become nested if statements
                name = d.fresh("either" if isinstance(n.op, ast.Or) else "both")
                pre.extend(d.bool_chain(n, name, n))
                return ast.copy_location(ast.Name(name, ast.Load()), n)

            def visit_Call(self, n: ast.Call) -> Any:
                if d.is_builtin(n, "dict"):
                    display = d.dict_call(n)
                    if display is not None:
                        return self.visit(ast.copy_location(display, n))
                if is_sum(n):
                    name = d.fresh("total")
                    pre.extend(d.comprehension(n.args[0], name, n, accumulate=n.args[1] if len(n.args) > 1 else ast.Constant(0)))
                    return ast.copy_location(ast.Name(name, ast.Load()), n)
                if d.helper_of(n) is None:
                    n = self.generic_visit(n)
                    fn = d.dict_taking_helper(n)
                    if fn is not None:  # `f({"a": x})`: a dict cannot cross a call, so f's body is inlined
                        name = d.fresh(fn.name)
                        pre.extend(d.inline(n, name, n, fn))
                        return ast.copy_location(ast.Name(name, ast.Load()), n)
                    return n
                n.args = [self.visit(x) for x in n.args]
                for k in n.keywords:
                    k.value = self.visit(k.value)
                if d.helper_of(n) is not None:
                    name = d.result_name(d.helper_of(n).name if not isinstance(n.func, ast.Lambda) else "value")
                    pre.extend(d.inline(n, name, n))
                    return ast.copy_location(ast.Name(name, ast.Load()), n)
                return n

            def visit_Lambda(self, n: ast.Lambda) -> Any:
                raise d.err(n, "a lambda is supported as a local function (f = lambda t: ..., then f(x)) or called at once; "
                            "passed as a value it is not", "lambda", "write a nested def and call it")

            def visit_Name(self, n: ast.Name) -> Any:
                if n.id in d.helpers and n.id not in d.results and isinstance(n.ctx, ast.Load):
                    raise d.err(n, f"the local function {n.id} is used as a value; s2sad inlines local functions where "
                                f"they are called", "nested function", f"call {n.id}(...) directly")
                return n

        return T().visit(e)

    def hoists(self, e: ast.expr) -> bool:
        """Whether `e` holds something `expr` would hoist into statements before it (a comprehension, a helper call)."""
        return any(isinstance(n, (ast.ListComp, ast.GeneratorExp, ast.DictComp, ast.SetComp)) or isinstance(n, ast.Call) and (
            is_sum(n) or self.helper_of(n) is not None) or isinstance(n, ast.BoolOp) and not is_eager(n) for n in ast.walk(e))

    def rename_targets(self, comp: ast.expr) -> None:
        """A comprehension's variables are its own: renamed where the function uses the same name elsewhere."""
        inside: dict[str, int] = {}
        for n in ast.walk(comp):
            if isinstance(n, ast.Name):
                inside[n.id] = inside.get(n.id, 0) + 1
        total: dict[str, int] = {}
        for n in ast.walk(self.fs.tree):
            if isinstance(n, ast.Name):
                total[n.id] = total.get(n.id, 0) + 1
        mapping: dict[str, str] = {}
        for gen in comp.generators:  # type: ignore[attr-defined]
            for t in ast.walk(gen.target):
                if isinstance(t, ast.Name) and total.get(t.id, 0) > inside.get(t.id, 0):
                    mapping[t.id] = self.fresh(t.id)
        if mapping:
            for n in ast.walk(comp):
                if isinstance(n, ast.Name) and n.id in mapping:
                    n.id = mapping[n.id]

    # -- local functions ----------------------------------------------------------------------------------------
    def helper_of(self, call: ast.Call) -> ast.FunctionDef | None:
        if isinstance(call.func, ast.Lambda):
            lam = call.func
            return ast.copy_location(ast.FunctionDef(name="<lambda>", args=lam.args, body=[ast.copy_location(ast.Return(lam.body), lam)],
                                                     decorator_list=[], returns=None, type_comment=None), lam)
        if isinstance(call.func, ast.Name):
            return self.helpers.get(call.func.id)
        return None

    def inline(self, call: ast.Call, result: str, anchor: ast.AST, fn: ast.FunctionDef | None = None) -> list[ast.stmt]:
        """The statements of one call of a local helper (or of `fn`), its value assigned to `result`."""
        fn = fn or self.helper_of(call)
        assert fn is not None
        if fn.name in self.active:
            raise self.err(call, f"recursive call to the local function {fn.name} is not supported", f"{fn.name}(...)",
                           "write the recursion as a loop")
        returns = [n for n in ast.walk(fn) if isinstance(n, ast.Return)]
        if not fn.body or not isinstance(fn.body[-1], ast.Return) or len(returns) != 1 or fn.body[-1].value is None:
            raise self.err(fn, f"the local function {fn.name} must end with its only 'return <value>'", "nested function definition",
                           "assign the value in each branch and return it once at the end")
        a = fn.args
        if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs:
            raise self.err(fn, f"the local function {fn.name} takes *args, **kwargs or keyword-only parameters, which is not supported",
                           "nested function definition")
        params = [p.arg for p in a.args]
        given: dict[str, ast.expr] = {}
        if len(call.args) > len(params):
            raise self.err(call, f"{fn.name}() takes {len(params)} arguments but {len(call.args)} were given", f"{fn.name}(...)")
        for p, v in zip(params, call.args):
            given[p] = v
        for k in call.keywords:
            if k.arg not in params or k.arg in given:
                raise self.err(call, f"{fn.name}() got an unexpected or repeated argument {k.arg!r}", f"{fn.name}(...)")
            given[k.arg] = k.value
        defaults = dict(zip(params[len(params) - len(a.defaults):], a.defaults))
        for p in params:
            if p not in given:
                if p not in defaults:
                    raise self.err(call, f"{fn.name}() is missing the argument {p!r}", f"{fn.name}(...)")
                given[p] = copy.deepcopy(defaults[p])
        body = copy.deepcopy(fn.body)
        stored = {n.id for s in body for n in ast.walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        local = set(params) | stored
        rename = {n: self.fresh(n) for n in sorted(local) if n in self.own or n == result}
        stmts: list[ast.stmt] = []
        subst: dict[str, ast.expr] = {}
        for p in params:
            v = given[p]
            if isinstance(v, (ast.Name, ast.Constant)) and p not in stored and not (isinstance(v, ast.Name) and v.id in local):
                subst[p] = v  # a name or a number: read directly, without a copy
            else:
                stmts.append(ast.copy_location(ast.Assign([ast.Name(rename.get(p, p), ast.Store())], v), anchor))

        class R(ast.NodeTransformer):
            def visit_Name(self, n: ast.Name) -> Any:
                if isinstance(n.ctx, ast.Load) and n.id in subst:
                    return ast.copy_location(copy.deepcopy(subst[n.id]), n)
                if n.id in rename:
                    n.id = rename[n.id]
                return n

        body = [R().visit(s) for s in body]
        ret = body.pop()
        body.append(ast.copy_location(ast.Assign([ast.Name(result, ast.Store())], ret.value), ret))  # type: ignore[attr-defined]
        self.active.append(fn.name)
        try:
            stmts = [ast.fix_missing_locations(x) for x in stmts] + self.block(body)
        finally:
            self.active.pop()
        return stmts


_ASSERT = "__s2sad_assert__"
_PRINT = "__s2sad_print__"


def print_(*args: Any) -> None:
    """What `print(...)` runs in generated code (spelled `print`; the builtin itself is no primitive)."""
    print(*args)


def assert_that(condition: Any, message: Any = None) -> None:
    """What `assert condition, message` runs in generated code (printed back as that `assert`)."""
    if not condition:
        raise AssertionError(message) if message is not None else AssertionError


def register_primitives() -> None:
    """`print` and `assert_that` as non-differentiable primitives, kept in the forward sweep (`effects=True`)."""
    from ..primitives.registry import lookup, nondiff

    if lookup(print_) is None:
        nondiff(print_, "builtin_print", call="print", effects=True)
    if lookup(assert_that) is None:
        nondiff(assert_that, "assert_", call="assert_that", effects=True)


_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "critical", "exception", "log"})


def _is_output(s: ast.AST) -> bool:
    """`print(...)`, `logging.info(...)`, `logger.debug(...)` as a statement."""
    if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)):
        return False
    f = s.value.func
    if isinstance(f, ast.Name):
        return f.id == "print"
    return isinstance(f, ast.Attribute) and f.attr in _LOG_METHODS and isinstance(f.value, ast.Name) and (
        f.value.id in ("logging", "logger", "log", "LOGGER", "LOG") or f.value.id.endswith("logger"))
