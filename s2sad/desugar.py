"""Desugaring: comprehensions, lambdas, nested functions and loop `else`s -> plain statements, before the fence.

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
  their effect, marked so that any argument may be passed (they change no array).

Set comprehensions are refused with a message saying what to write.
"""
from __future__ import annotations

import ast
import copy
from typing import Any

from .errors import UnsupportedSyntaxError

_COMPS = (ast.ListComp, ast.GeneratorExp)


def apply(fs: Any) -> None:
    """Rewrite `fs.tree`'s body in place (nothing to do for most functions: one walk finds that)."""
    tree = fs.tree
    if not any(isinstance(n, (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp, ast.Lambda, ast.FunctionDef))
               and n is not tree for n in ast.walk(tree)) and not any(
               isinstance(n, (ast.For, ast.While)) and n.orelse or isinstance(n, ast.Assert) or _is_output(n)
               or isinstance(n, ast.BoolOp) and not _eager(n) for n in ast.walk(tree)):
        return
    d = _Desugar(fs)
    tree.body = d.block(tree.body)
    if d.index_dicts:
        d.index_dict_uses(tree.body)
    for s in tree.body:
        ast.fix_missing_locations(s)


class _Desugar:
    def __init__(self, fs: Any) -> None:
        self.fs = fs
        self.used: set[str] = {n.id for n in ast.walk(fs.tree) if isinstance(n, ast.Name)} | {
            a.arg for a in ast.walk(fs.tree) if isinstance(a, ast.arg)}
        self.helpers: dict[str, ast.FunctionDef] = {}
        self.results: set[str] = set()
        self.active: list[str] = []  # helpers being inlined (a call to one of these is recursion)
        self.index_dicts: dict[str, ast.DictComp] = {}  # dicts built over range(n): lists of their values
        self.in_while_test = False
        # names the enclosing function itself uses (outside its helpers): a helper's locals that clash are renamed
        self.own: set[str] = set()
        self._collect_own(fs.tree.body)

    def _collect_own(self, stmts: list[ast.stmt]) -> None:
        for s in stmts:
            if isinstance(s, ast.FunctionDef) or _lambda_def(s):
                continue
            for n in ast.walk(s):
                if isinstance(n, ast.Name):
                    self.own.add(n.id)
        self.own |= {a.arg for a in self.fs.tree.args.args + self.fs.tree.args.kwonlyargs + self.fs.tree.args.posonlyargs}
        # (the helpers' own names are read only by their calls, which inlining removes)
        self.own -= {s.name for s in ast.walk(self.fs.tree) if isinstance(s, ast.FunctionDef) and s is not self.fs.tree}
        self.own -= {lam[0] for s in ast.walk(self.fs.tree) if isinstance(s, ast.stmt) for lam in [_lambda_def(s)] if lam}

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
            lam = _lambda_def(s)
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
            _register()
            self.fs.closure.setdefault(_ASSERT, assert_that)
            args = [self.expr(s.test, pre, s)] + ([self.expr(s.msg, pre, s)] if s.msg is not None else [])
            call = ast.copy_location(ast.Call(ast.Name(_ASSERT, ast.Load()), args, []), s)
            return pre + [ast.copy_location(ast.Assign([ast.Name("_", ast.Store())], call), s)]
        if _is_output(s):
            call = s.value  # type: ignore[attr-defined]
            if isinstance(call.func, ast.Name) and not call.keywords:  # print(...): kept in the forward sweep
                _register()
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
            if isinstance(s.test, ast.BoolOp) and _eager(s.test, test=True):
                s.test._s2sad_test = True  # type: ignore[attr-defined]  # (only its truth is read: names may stay whole)
            s.test = self.expr(s.test, pre, s)
            s.body = self.block(s.body) or [ast.copy_location(ast.Pass(), s)]
            s.orelse = self.block(s.orelse)
            return pre + [s]
        if isinstance(s, ast.For):
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
            if isinstance(v, _COMPS) and name not in _names(v):
                return self.comprehension(v, name, s, accumulate=None)
            if isinstance(v, ast.DictComp) and name not in _names(v):
                return self.dict_comprehension(v, name, s)
            if isinstance(v, ast.IfExp) and (self.hoists(v.body) or self.hoists(v.orelse)):
                return self.if_expression(v, name, s)
            if isinstance(v, ast.BoolOp) and not _eager(v) and name not in _names(v):
                return self.bool_chain(v, name, s)
            if _is_sum(v) and name not in _names(v):
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

    def loop_else(self, s: ast.For | ast.While) -> list[ast.stmt]:
        """`for/while ... else E`: E runs unless `break` left the loop."""
        orelse, s.orelse = s.orelse, []
        breaks = list(_own_breaks(s.body))
        if not breaks:
            return self.stmt(s) + self.block(orelse)
        flag = self.fresh("broke")
        for holder, i in reversed(breaks):
            holder[i:i] = [ast.copy_location(ast.Assign([ast.Name(flag, ast.Store())], ast.Constant(True)), holder[i])]
        init = ast.copy_location(ast.Assign([ast.Name(flag, ast.Store())], ast.Constant(False)), s)
        test = ast.copy_location(ast.UnaryOp(ast.Not(), ast.Name(flag, ast.Load())), s)
        after = ast.copy_location(ast.If(test, self.block(orelse) or [ast.Pass()], []), orelse[0])
        return [init] + self.stmt(s) + [after]

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
                raise d.err(n, "a set comprehension is not supported: a set has no order, so its items could have no "
                            "adjoints (and a set of floats merges equal values, which changes the derivative)",
                            "set comprehension", "build a list ([... for ...]), or np.unique(...) of an array of constants")

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
                if getattr(n, "_s2sad_test", False) and _eager(n, test=True) or _eager(n) or d.in_while_test:
                    return self.generic_visit(n)
                # `a and f(b)`: f(b) runs only if a is true, so the operands become nested if statements
                name = d.fresh("either" if isinstance(n.op, ast.Or) else "both")
                pre.extend(d.bool_chain(n, name, n))
                return ast.copy_location(ast.Name(name, ast.Load()), n)

            def visit_Call(self, n: ast.Call) -> Any:
                if _is_sum(n):
                    name = d.fresh("total")
                    pre.extend(d.comprehension(n.args[0], name, n, accumulate=n.args[1] if len(n.args) > 1 else ast.Constant(0)))
                    return ast.copy_location(ast.Name(name, ast.Load()), n)
                if d.helper_of(n) is None:
                    return self.generic_visit(n)
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

    def hoists(self, e: ast.expr) -> bool:
        """Whether `e` holds something `expr` would hoist into statements before it (a comprehension, a helper call)."""
        return any(isinstance(n, (ast.ListComp, ast.GeneratorExp, ast.DictComp)) or isinstance(n, ast.Call) and (
            _is_sum(n) or self.helper_of(n) is not None) or isinstance(n, ast.BoolOp) and not _eager(n) for n in ast.walk(e))

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

    def dict_comprehension(self, comp: ast.DictComp, name: str, anchor: ast.AST) -> list[ast.stmt]:
        """`name = {k: v for ...}` as a loop. Over `range(n)` with the index as key, the dict is the list of its
        values (`name[i]`, `.items()`, `.values()`, `.keys()` and `len` read it as the dict); otherwise
        `name = {}` and `name[k] = v` in the loop, which `pytrees.py` unrolls over a structured argument."""
        comp = copy.deepcopy(comp)
        self.rename_targets(comp)
        loc = lambda node: ast.copy_location(node, anchor)  # noqa: E731
        gens = comp.generators
        g0 = gens[0]
        if len(gens) == 1 and not g0.ifs and isinstance(g0.target, ast.Name) and isinstance(comp.key, ast.Name) \
                and comp.key.id == g0.target.id and _range_from_zero(g0.iter):
            self.index_dicts[name] = comp
            init = loc(ast.Assign([ast.Name(name, ast.Store())], ast.List([], ast.Load())))
            inner: ast.stmt = loc(ast.Expr(ast.Call(ast.Attribute(ast.Name(name, ast.Load()), "append", ast.Load()), [comp.value], [])))
        else:
            init = loc(ast.Assign([ast.Name(name, ast.Store())], ast.Dict([], [])))
            inner = loc(ast.Assign([ast.Subscript(ast.Name(name, ast.Load()), comp.key, ast.Store())], comp.value))
            init.value._s2sad_dictcomp = True  # type: ignore[attr-defined]  # (unrolled by pytrees.py, else refused by convert.py)
        body: list[ast.stmt] = [inner]
        for gen in reversed(gens):
            if gen.is_async:
                raise self.err(comp, "async comprehensions are not supported", "comprehension")
            for cond in reversed(gen.ifs):
                body = [loc(ast.If(cond, body, []))]
            body = [loc(ast.For(gen.target, gen.iter, body, [], None))]
        return [init] + self.block(body)

    def index_dict_uses(self, stmts: list[ast.stmt]) -> None:
        """A dict built over `range(n)` is a list: `d.items()` reads `enumerate(d)`, `d.values()` `d`, `d.keys()`
        and `for k in d` `range(len(d))`; `d[i]` and `len(d)` read as they are. Any other use is refused."""
        names = self.index_dicts
        d = self

        class U(ast.NodeTransformer):
            def visit_Call(self, n: ast.Call) -> Any:
                f = n.func
                if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in names and not n.args:
                    me = ast.Name(f.value.id, ast.Load())
                    if f.attr == "items":
                        return ast.copy_location(ast.Call(ast.Name("enumerate", ast.Load()), [me], []), n)
                    if f.attr == "values":
                        return ast.copy_location(me, n)
                    if f.attr == "keys":
                        return ast.copy_location(_range_len(me), n)
                if isinstance(f, ast.Name) and f.id == "len" and len(n.args) == 1 and isinstance(n.args[0], ast.Name) \
                        and n.args[0].id in names:
                    n.args[0]._s2sad_ok = True  # type: ignore[attr-defined]
                return self.generic_visit(n)

            def visit_For(self, n: ast.For) -> Any:
                if isinstance(n.iter, ast.Name) and n.iter.id in names:
                    n.iter = ast.copy_location(_range_len(ast.Name(n.iter.id, ast.Load())), n.iter)
                return self.generic_visit(n)

            def visit_Subscript(self, n: ast.Subscript) -> Any:
                if isinstance(n.value, ast.Name) and n.value.id in names:
                    n.value._s2sad_ok = True  # type: ignore[attr-defined]
                return self.generic_visit(n)

            def visit_Name(self, n: ast.Name) -> Any:
                if n.id in names and not getattr(n, "_s2sad_ok", False):
                    if isinstance(n.ctx, ast.Store):
                        raise d.err(n, f"{n.id}, a dict built by a comprehension, is assigned again", "dict comprehension",
                                    "give the new value another name")
                    raise d.err(n, f"{n.id}, a dict built by a comprehension over range(...), is used as a whole: s2sad "
                                f"reads it by index (d[i]), len(d), .items(), .values() or .keys()", "dict comprehension",
                                "build a list ([... for i in range(n)]) to use it whole")
                return n

        made: set[str] = set()
        for s in stmts:
            for n in ast.walk(s):  # the list the comprehension became: `d = []` and `d.append(v)`
                if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) \
                        and n.targets[0].id in names and n.targets[0].id not in made and isinstance(n.value, ast.List) \
                        and not n.value.elts:
                    n.targets[0]._s2sad_ok = True  # type: ignore[attr-defined]
                    made.add(n.targets[0].id)
                elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "append" \
                        and isinstance(n.func.value, ast.Name) and n.func.value.id in names:
                    n.func.value._s2sad_ok = True  # type: ignore[attr-defined]
        for i, s in enumerate(stmts):
            stmts[i] = U().visit(s)

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

    def inline(self, call: ast.Call, result: str, anchor: ast.AST) -> list[ast.stmt]:
        """The statements of one call of a local helper, its value assigned to `result`."""
        fn = self.helper_of(call)
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


def _lambda_def(s: ast.stmt) -> tuple[str, ast.Lambda] | None:
    if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Lambda):
        return s.targets[0].id, s.value
    return None


def _is_sum(e: ast.expr) -> bool:
    return (isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id == "sum" and 1 <= len(e.args) <= 2
            and not e.keywords and isinstance(e.args[0], _COMPS))


def _range_from_zero(e: ast.expr) -> bool:
    """`range(n)` or `range(0, n)`: the indices of a list of n items."""
    if not (isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id == "range" and not e.keywords):
        return False
    return len(e.args) == 1 or len(e.args) == 2 and isinstance(e.args[0], ast.Constant) and e.args[0].value == 0


def _range_len(e: ast.expr) -> ast.expr:
    return ast.Call(ast.Name("range", ast.Load()), [ast.Call(ast.Name("len", ast.Load()), [e], [])], [])


def _eager(e: ast.BoolOp, test: bool = False) -> bool:
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


def _names(e: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(e) if isinstance(n, ast.Name)}


def _own_breaks(stmts: list[ast.stmt]) -> Any:
    """(list, index) of each `break` of this loop (not of loops nested in it)."""
    for i, s in enumerate(stmts):
        if isinstance(s, ast.Break):
            yield stmts, i
        elif isinstance(s, ast.If):
            yield from _own_breaks(s.body)
            yield from _own_breaks(s.orelse)


_ASSERT = "__s2sad_assert__"
_PRINT = "__s2sad_print__"


def print_(*args: Any) -> None:
    """What `print(...)` runs in generated code (spelled `print`; the builtin itself is no primitive)."""
    print(*args)


def assert_that(condition: Any, message: Any = None) -> None:
    """What `assert condition, message` runs in generated code (printed back as that `assert`)."""
    if not condition:
        raise AssertionError(message) if message is not None else AssertionError


def _register() -> None:
    """`print` and `assert_that` as non-differentiable primitives, kept in the forward sweep (liveness.EFFECTS)."""
    from .registry import lookup, nondiff

    if lookup(print_) is None:
        nondiff(print_, "builtin_print", call="print")
    if lookup(assert_that) is None:
        nondiff(assert_that, "assert_", call="assert_that")


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
