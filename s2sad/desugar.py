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
               isinstance(n, (ast.For, ast.While)) and n.orelse or isinstance(n, (ast.Assert, ast.Delete, ast.Dict)) or _is_output(n)
               or isinstance(n, ast.BoolOp) and not _eager(n) or _maybe_builtin_call(n, ("dict",))
               or isinstance(n, ast.For) and _flat_loop_candidate(n) for n in ast.walk(tree)):
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
            if isinstance(s.test, ast.BoolOp) and _eager(s.test, test=True):
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
            if isinstance(v, _COMPS) and name not in _names(v):
                return self.comprehension(v, name, s, accumulate=None)
            if isinstance(v, ast.DictComp) and name not in _names(v):
                return self.dict_comprehension(v, name, s)
            if isinstance(v, ast.SetComp) and name not in _names(v):
                made = self.set_comprehension(v, pre)
                return pre + [ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], made), s)]
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
        """Each argument of these nested zip/enumerate calls that is not pure (`_pure`) becomes a fresh variable
        assigned in `before`, left to right as Python evaluates them."""
        for k, a in enumerate(it.args):
            if self.is_builtin(a, "zip") or self.is_builtin(a, "enumerate"):
                self.name_sequences(a, before)  # type: ignore[arg-type]
            elif not _pure(a):
                name = self.fresh("seq")
                before.append(ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], a), a))
                it.args[k] = ast.copy_location(ast.Name(name, ast.Load()), a)
        for kw in it.keywords:
            if not _pure(kw.value):
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

    def dict_call(self, n: ast.Call) -> ast.expr | None:
        """`dict(a=x, b=y)` -> `{"a": x, "b": y}`; `dict([("a", x), ...])` and `dict(zip(("a", "b"), vs))` with constant
        keys -> the display; `dict(d)` -> `{k: v for k, v in d.items()}`, a copy (unrolled over a structure, else refused
        at the line); anything else is left as it is (refused as a call of dict)."""
        if any(k.arg is None for k in n.keywords) or len(n.args) > 1 or any(isinstance(a, ast.Starred) for a in n.args):
            return None
        keys: list[ast.expr | None] = []
        values: list[ast.expr] = []
        if n.args:
            a = n.args[0]
            if isinstance(a, (ast.List, ast.Tuple)) and all(
                    isinstance(e, (ast.Tuple, ast.List)) and len(e.elts) == 2 and isinstance(e.elts[0], ast.Constant) for e in a.elts):
                for e in a.elts:
                    keys.append(e.elts[0])  # type: ignore[attr-defined]
                    values.append(e.elts[1])  # type: ignore[attr-defined]
            elif self.is_builtin(a, "zip") and len(a.args) == 2 and not a.keywords \
                    and isinstance(a.args[0], (ast.List, ast.Tuple)) and all(isinstance(k, ast.Constant) for k in a.args[0].elts):
                ks, vs = a.args[0].elts, a.args[1]
                if isinstance(vs, (ast.List, ast.Tuple)) and not any(isinstance(v, ast.Starred) for v in vs.elts):
                    pairs = list(zip(ks, vs.elts))
                elif _pure(vs):
                    # a name or an expression without calls (`x[3:5]`): read once per key, `x[3:5][0]`
                    pairs = [(k, ast.copy_location(ast.Subscript(copy.deepcopy(vs), ast.Constant(i), ast.Load()), vs))
                             for i, k in enumerate(ks)]
                else:
                    return None
                for k, v in pairs:
                    keys.append(k)
                    values.append(v)
            elif isinstance(a, ast.Name) and self.dict_keys(a.id) is not None:  # a copy of a dict the function built
                for k in self.dict_keys(a.id) or []:
                    keys.append(ast.Constant(k.value))
                    values.append(ast.copy_location(ast.Subscript(ast.Name(a.id, ast.Load()), ast.Constant(k.value), ast.Load()), a))
            elif not n.keywords:
                k, v = self.fresh("key"), self.fresh("value")
                items = ast.Call(ast.Attribute(a, "items", ast.Load()), [], [])
                return ast.DictComp(ast.Name(k, ast.Load()), ast.Name(v, ast.Load()), [ast.comprehension(
                    ast.Tuple([ast.Name(k, ast.Store()), ast.Name(v, ast.Store())], ast.Store()), items, [], 0)])
            else:
                return None
        for kw in n.keywords:
            keys.append(ast.copy_location(ast.Constant(kw.arg), kw.value))
            values.append(kw.value)
        self.made_dicts = True
        return ast.Dict(keys, values)

    def dict_taking_helper(self, call: ast.Call) -> ast.FunctionDef | None:
        """A function of this module called with a dict display as an argument (`saxpy({"a": a, "b": b})`, what
        `dict(a=a, b=b)` becomes): its definition, to inline (a dict of arrays is read entry by entry, which a
        call's boundary would hide). None for any other call."""
        if not (isinstance(call.func, ast.Name) and call.func.id not in self.stored
                and any(isinstance(a, ast.Dict) or isinstance(a, ast.Name) and self.dict_keys(a.id) is not None
                        for a in call.args + [k.value for k in call.keywords])):
            return None
        import types

        obj = self.fs.namespace.get(call.func.id)
        if not isinstance(obj, types.FunctionType) or obj.__globals__ is not self.fs.namespace or obj.__closure__ \
                or obj is self.fs.fn:
            return None
        try:
            from .source import get_source

            tree = get_source(obj).tree
        except Exception:  # (its source cannot be read: the call is refused as it was)
            return None
        if not isinstance(tree, ast.FunctionDef):
            return None
        local = {a.arg for a in ast.walk(tree.args) if isinstance(a, ast.arg)} | {
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        if (_names(tree) - local) & self.stored:  # a global it reads is a local here: inlined, it would
            return None                                        # read the local (refused as a call with a dict, as before)
        return copy.deepcopy(tree)

    def dict_keys(self, name: str) -> list[ast.Constant] | None:
        """The keys of `name` when the function binds it once, to a dict display with constant keys."""
        found = [n for n in ast.walk(self.fs.tree) if isinstance(n, ast.Assign) and len(n.targets) == 1
                 and isinstance(n.targets[0], ast.Name) and n.targets[0].id == name]
        stores = [n for n in ast.walk(self.fs.tree) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)]
        if len(found) != 1 or len(stores) != 1 or not isinstance(found[0].value, ast.Dict) or not all(
                isinstance(k, ast.Constant) for k in found[0].value.keys):
            return None
        return list(found[0].value.keys)  # type: ignore[arg-type]

    def scalar_dicts(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        """A dict bound once to a display with constant keys (`d = {"a": x, "b": y}`, what `dict(a=x, b=y)`
        becomes) and read only by constant keys (`d["a"]`, `d["a"] = v`, `d["a"] += v`) is one variable per entry
        (`d_a = x`); any other use (returned, passed on, looped over) leaves it a dict, for `pytrees.py` to unroll
        over a structured call, else refused at its line."""
        holder = ast.Module(stmts, [])
        parent: dict[int, ast.AST] = {}
        for n in ast.walk(holder):
            for c in ast.iter_child_nodes(n):
                parent[id(c)] = n
        binds: dict[str, list[ast.Assign]] = {}
        for n in ast.walk(holder):
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) \
                    and isinstance(n.value, ast.Dict) and all(isinstance(k, ast.Constant) for k in n.value.keys):
                binds.setdefault(n.targets[0].id, []).append(n)
        split: dict[str, dict[Any, str]] = {}
        for name, assigns in binds.items():
            if len(assigns) != 1:
                continue
            keys = [k.value for k in assigns[0].value.keys]  # type: ignore[union-attr, attr-defined]
            if len(set(map(repr, keys))) != len(keys):
                continue
            ok = True
            for n in ast.walk(holder):
                if not (isinstance(n, ast.Name) and n.id == name) or n is assigns[0].targets[0]:
                    continue
                up = parent.get(id(n))
                if not (isinstance(up, ast.Subscript) and up.value is n and isinstance(up.slice, ast.Constant)
                        and any(type(up.slice.value) is type(k) and up.slice.value == k for k in keys)):
                    ok = False
                    break
            if ok:
                split[name] = {k: self.fresh(f"{name}_{k}" if isinstance(k, str) and k.isidentifier() else f"{name}_{i}")
                               for i, k in enumerate(keys)}
        if not split:
            return stmts

        class S(ast.NodeTransformer):
            def visit_Assign(self, n: ast.Assign) -> Any:
                if len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) and n.targets[0].id in split \
                        and isinstance(n.value, ast.Dict):
                    names = split[n.targets[0].id]
                    return [ast.copy_location(ast.Assign([ast.Name(names[k.value], ast.Store())], self.visit(v)), n)  # type: ignore[union-attr]
                            for k, v in zip(n.value.keys, n.value.values)]
                return self.generic_visit(n)

            def visit_Subscript(self, n: ast.Subscript) -> Any:
                if isinstance(n.value, ast.Name) and n.value.id in split and isinstance(n.slice, ast.Constant):
                    return ast.copy_location(ast.Name(split[n.value.id][n.slice.value], n.ctx), n)
                return self.generic_visit(n)

        return [x for st in stmts for x in (lambda r: r if isinstance(r, list) else [r])(S().visit(st))]

    # -- del ------------------------------------------------------------------------------------------------------
    def deletes(self, stmts: list[ast.stmt], frames: list[tuple[list[ast.stmt], ast.stmt | None]]) -> list[ast.stmt]:
        """`del x` is dropped where the program never reads x again before binding it anew (it only ends the name's
        life, which changes no value); `frames`: for each enclosing block, innermost first, the statements after
        it and the loop whose body it is (a loop's body runs again). A read of x after its `del` (Python's
        NameError, or a value s2sad would have to forget) and `del` of an item or attribute are refused here."""
        out: list[ast.stmt] = []
        for i, s in enumerate(stmts):
            if isinstance(s, ast.Delete):
                for t in s.targets:
                    for name in self.deleted_names(t):
                        self.check_unread(name, stmts[i + 1:], frames, s)
                continue
            if isinstance(s, ast.FunctionDef):
                s.body = self.deletes(s.body, []) or [ast.copy_location(ast.Pass(), s)]
            elif isinstance(s, (ast.If, ast.For, ast.While)):
                rest = stmts[i + 1:]
                s.body = self.deletes(s.body, [(rest, s if isinstance(s, (ast.For, ast.While)) else None)] + frames) or [
                    ast.copy_location(ast.Pass(), s)]
                s.orelse = self.deletes(s.orelse, [(rest, None)] + frames)
            out.append(s)
        return out

    def deleted_names(self, t: ast.expr) -> list[str]:
        if isinstance(t, ast.Name):
            return [t.id]
        if isinstance(t, (ast.Tuple, ast.List)):
            return [n for e in t.elts for n in self.deleted_names(e)]
        what = "an item" if isinstance(t, ast.Subscript) else "an attribute" if isinstance(t, ast.Attribute) else "this target"
        raise self.err(t, f"'del' of {what} is not supported: it changes a container in place, which the backward sweep "
                       "cannot replay", "'del' statement", "build a new list or dict without the item instead")

    def check_unread(self, name: str, rest: list[ast.stmt], frames: list[tuple[list[ast.stmt], ast.stmt | None]],
                     at: ast.Delete) -> None:
        """Refuse `del name` at its line where a later statement may read `name` before binding it again."""
        readers = {name} | {h for h, fn in self._helper_defs().items() if name in _names(fn)}  # helpers reading it

        def scan(seq: list[ast.stmt]) -> bool:  # True: rebound first (later statements on this path are safe)
            for st in seq:
                if isinstance(st, ast.Assign) and not readers & _names(st.value) and any(
                        isinstance(t, ast.Name) and t.id == name or isinstance(t, ast.Tuple) and any(
                            isinstance(e, ast.Name) and e.id == name for e in t.elts) for t in st.targets) \
                        and not any(readers & _names(t) for t in st.targets if not isinstance(t, (ast.Name, ast.Tuple))):
                    return True
                if readers & _names(st):
                    refuse(st)
            return False

        def refuse(st: ast.AST) -> None:
            again = isinstance(st, ast.Delete) and name in _names(st)
            raise self.err(st, f"{name} is {'deleted again' if again else 'read'} after 'del {name}' at line "
                           f"{self.fs.lineno(at)}, which Python refuses with a NameError; s2sad drops a 'del' only where "
                           f"the name is not read again before it is bound anew", "'del' statement",
                           f"remove the 'del {name}', or assign {name} again before reading it")

        if scan(rest):
            return
        for after, loop in frames:
            if isinstance(loop, ast.While) and readers & _names(loop.test):
                refuse(loop)  # the test runs again before the body
            if isinstance(loop, ast.For) and name not in _names(loop.target) or isinstance(loop, ast.While):
                scan(loop.body)  # the body runs again from the top (a for target binds the name anew)
            if scan(after):
                return

    def _helper_defs(self) -> dict[str, ast.AST]:
        found: dict[str, ast.AST] = {}
        for n in ast.walk(self.fs.tree):
            if isinstance(n, ast.FunctionDef) and n is not self.fs.tree:
                found[n.name] = n
            elif isinstance(n, ast.stmt) and _lambda_def(n):
                lam = _lambda_def(n)
                found[lam[0]] = lam[1]  # type: ignore[index]
        return found

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
                if getattr(n, "_s2sad_test", False) and _eager(n, test=True) or _eager(n) or d.in_while_test:
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
                if _is_sum(n):
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

    def set_comprehension(self, comp: ast.SetComp, pre: list[ast.stmt]) -> ast.expr:
        """`{e for ...}` as the list `[e for ...]` built by a loop (into `pre`), then `set(items)`: `set` (and `sorted`,
        `len`, `in`) of indices and other constants is a call without derivative; of differentiated values its rule
        refuses at this line (a set has no order and merges equal values: its items have no well-defined adjoint)."""
        self.set_is_builtin(comp)
        name = self.fresh("items")
        listed = ast.copy_location(ast.ListComp(comp.elt, comp.generators), comp)
        pre.extend(self.comprehension(listed, name, comp, accumulate=None))
        return ast.copy_location(ast.Call(ast.Name("set", ast.Load()), [ast.Name(name, ast.Load())], []), comp)

    def set_is_builtin(self, n: ast.expr) -> None:
        """A set comprehension becomes a call of `set`: refused where the function or its module binds that name."""
        if "set" in self.stored or "set" in self.fs.namespace or "set" in (self.fs.closure or {}):
            raise self.err(n, "a set comprehension where the name 'set' is bound to something else is not supported",
                           "set comprehension", "build a list ([... for ...])")

    def hoists(self, e: ast.expr) -> bool:
        """Whether `e` holds something `expr` would hoist into statements before it (a comprehension, a helper call)."""
        return any(isinstance(n, (ast.ListComp, ast.GeneratorExp, ast.DictComp, ast.SetComp)) or isinstance(n, ast.Call) and (
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


def _lambda_def(s: ast.stmt) -> tuple[str, ast.Lambda] | None:
    if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Lambda):
        return s.targets[0].id, s.value
    return None


def _maybe_builtin_call(e: ast.AST, names: tuple[str, ...]) -> bool:
    """A call of one of these builtins by name (shadowing is checked later, by `_Desugar.is_builtin`)."""
    return isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id in names


def _flat_loop_candidate(s: ast.For) -> bool:
    """A loop `flat_loop` may rewrite: zip/enumerate nested, enumerate with a start, or bound to one name."""
    it = s.iter
    if not _maybe_builtin_call(it, ("zip", "enumerate")):
        return False
    return (isinstance(s.target, ast.Name) or any(_maybe_builtin_call(a, ("zip", "enumerate")) for a in it.args)  # type: ignore[attr-defined]
            or it.func.id == "enumerate" and (len(it.args) > 1 or bool(it.keywords)))  # type: ignore[attr-defined]


def _pure(e: ast.expr) -> bool:
    """Names, constants, subscripts, attributes and arithmetic of them: read twice, the same value, nothing run."""
    return all(isinstance(n, (ast.Name, ast.Constant, ast.Subscript, ast.Slice, ast.Attribute, ast.BinOp, ast.UnaryOp,
                              ast.Tuple, ast.expr_context, ast.operator, ast.unaryop)) for n in ast.walk(e))


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


def register_primitives() -> None:
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
