"""Desugaring of dicts, `del` and sets: dict(...) calls, dict comprehensions, dicts split per key, `del` dropped.

Input: the `_Desugar` transformer of `desugar.py` (this module's `DictsMixin` is one of its bases) and the
statements or expressions it hands over. Output: dict displays in place of `dict(...)`, one variable per
entry of a dict read only by constant keys, a dict built over range(n) as the list of its values (its
reads rewritten), a set comprehension as a loop then `set(items)`, and `del` statements dropped or refused.
"""
from __future__ import annotations

import ast
import copy
from typing import Any

from .desugar_loops import is_pure, lambda_def, names_in, range_from_zero, range_len


class DictsMixin:
    """dict(...) and dict displays, dict and set comprehensions, `del`."""
    # (runs as part of `desugar._Desugar`: `self.fresh`, `self.block`, `self.expr`, ... are its)
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
                elif is_pure(vs):
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
            tree = self.fs.source_of(obj).tree
        except Exception:  # (its source cannot be read: the call is refused as it was)
            return None
        if not isinstance(tree, ast.FunctionDef):
            return None
        local = {a.arg for a in ast.walk(tree.args) if isinstance(a, ast.arg)} | {
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        if (names_in(tree) - local) & self.stored:  # a global it reads is a local here: inlined, it would
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
        readers = {name} | {h for h, fn in self._helper_defs().items() if name in names_in(fn)}  # helpers reading it

        def scan(seq: list[ast.stmt]) -> bool:  # True: rebound first (later statements on this path are safe)
            for st in seq:
                if isinstance(st, ast.Assign) and not readers & names_in(st.value) and any(
                        isinstance(t, ast.Name) and t.id == name or isinstance(t, ast.Tuple) and any(
                            isinstance(e, ast.Name) and e.id == name for e in t.elts) for t in st.targets) \
                        and not any(readers & names_in(t) for t in st.targets if not isinstance(t, (ast.Name, ast.Tuple))):
                    return True
                if readers & names_in(st):
                    refuse(st)
            return False

        def refuse(st: ast.AST) -> None:
            again = isinstance(st, ast.Delete) and name in names_in(st)
            raise self.err(st, f"{name} is {'deleted again' if again else 'read'} after 'del {name}' at line "
                           f"{self.fs.lineno(at)}, which Python refuses with a NameError; s2sad drops a 'del' only where "
                           f"the name is not read again before it is bound anew", "'del' statement",
                           f"remove the 'del {name}', or assign {name} again before reading it")

        if scan(rest):
            return
        for after, loop in frames:
            if isinstance(loop, ast.While) and readers & names_in(loop.test):
                refuse(loop)  # the test runs again before the body
            if isinstance(loop, ast.For) and name not in names_in(loop.target) or isinstance(loop, ast.While):
                scan(loop.body)  # the body runs again from the top (a for target binds the name anew)
            if scan(after):
                return

    def _helper_defs(self) -> dict[str, ast.AST]:
        found: dict[str, ast.AST] = {}
        for n in ast.walk(self.fs.tree):
            if isinstance(n, ast.FunctionDef) and n is not self.fs.tree:
                found[n.name] = n
            elif isinstance(n, ast.stmt) and lambda_def(n):
                lam = lambda_def(n)
                found[lam[0]] = lam[1]  # type: ignore[index]
        return found

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
                and comp.key.id == g0.target.id and range_from_zero(g0.iter):
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
                        return ast.copy_location(range_len(me), n)
                if isinstance(f, ast.Name) and f.id == "len" and len(n.args) == 1 and isinstance(n.args[0], ast.Name) \
                        and n.args[0].id in names:
                    n.args[0]._s2sad_ok = True  # type: ignore[attr-defined]
                return self.generic_visit(n)

            def visit_For(self, n: ast.For) -> Any:
                if isinstance(n.iter, ast.Name) and n.iter.id in names:
                    n.iter = ast.copy_location(range_len(ast.Name(n.iter.id, ast.Load())), n.iter)
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
