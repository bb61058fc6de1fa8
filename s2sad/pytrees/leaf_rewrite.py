"""The rewrite of a function body that reads structured names into one that reads their leaves by name.

Input: a function's source (`FunctionSource`) and the structures (`Node`s, leaves named) of
the names it reads. Output, statement by statement (`Rewriter`): loops over a structure
unrolled, tests on constants decided, dicts built with keys known now made a variable per
entry, aliases (`W1, b1 = layers[0]`) resolved, and every read of a leaf (`params["W1"]`,
`p.f`, `len(ws)`) replaced by its leaf's name, a constant, or a display of leaves.
"""
from __future__ import annotations

import ast
import copy
import re
from typing import Any

from ..errors import UnsupportedSyntaxError
from .treedef import Node


def unsupported(fs: Any, node: ast.AST, message: str, construct: str, hint: str | None = None) -> Exception:
    """An UnsupportedSyntaxError at `node` of the function read as `fs`, to raise."""
    return fs.error(UnsupportedSyntaxError, message, node, construct=construct, **({"hint": hint} if hint else {}))


def _const_index(e: ast.expr) -> Any:
    if isinstance(e, ast.Constant) and isinstance(e.value, (int, str)) and not isinstance(e.value, bool):
        return e.value
    if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub) and isinstance(e.operand, ast.Constant) and type(e.operand.value) is int:
        return -e.operand.value
    return None


class Rewriter:
    """The rewrite of one function body, given the structures of the names it reads (see the module doc)."""

    def __init__(self, fs: Any, nodes: dict[str, Node]) -> None:
        self.fs = fs
        self.nodes = nodes  # structured names (parameters and aliases) -> Node
        self.aliases: dict[str, Node] = {}
        tree = fs.tree
        self.stores: dict[str, int] = {}
        for n in ast.walk(tree):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                self.stores[n.id] = self.stores.get(n.id, 0) + 1
        self.used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
        self.local: dict[str, Node] = {}  # dicts the function builds with keys known now (a dict comprehension, unrolled)
        self.depth = 0  # how deep in blocks that run or not at run time (`if`, loops not unrolled)

    # resolve `p["a"][0].f` to a Node, or None (not structured); raise for a structured value read dynamically
    def resolve(self, e: ast.expr) -> Node | None:
        if isinstance(e, ast.Name):
            return self.aliases.get(e.id) or self.nodes.get(e.id)
        if isinstance(e, ast.Subscript):
            base = self.resolve(e.value)
            if base is None or base.kind == "leaf":
                return None
            k = _const_index(e.slice)
            if k is None and base.kind in ("list", "tuple") and self.literal_ok(base):
                return None  # `xs[t]` with a computed index: the list of leaves, indexed at run time (see `literal`)
            if k is None:
                raise unsupported(self.fs, e, f"{ast.unparse(e.value)} is a {base.kind} of arrays: s2sad reads its items by a constant "
                           f"key or index, not by {ast.unparse(e.slice)!r}", "structured argument",
                           "loop over it (for w in ws, for i, w in enumerate(ws), for k in range(len(ws))) or use constant keys")
            if isinstance(k, int) and base.kind != "dict":
                if not -len(base.children) <= k < len(base.children):
                    raise unsupported(self.fs, e, f"index {k} is out of range for {ast.unparse(e.value)}, a {base.kind} of {len(base.children)}", "structured argument")
                return base.children[k]
            if k not in base.keys:
                raise unsupported(self.fs, e, f"{ast.unparse(e.value)} has no key {k!r}; its keys are {list(base.keys)}", "structured argument")
            return base.children[base.keys.index(k)]
        if isinstance(e, ast.Attribute):
            base = self.resolve(e.value)
            if base is not None and base.kind == "namedtuple" and e.attr in base.keys:
                return base.children[base.keys.index(e.attr)]
        return None

    def literal_ok(self, node: Node) -> bool:
        """Whether a list or tuple of leaves can stand as a list display of its leaves (`[Ws_0, Ws_1]`)."""
        return node.kind in ("list", "tuple", "namedtuple") and all(
            c.kind == "leaf" or self.literal_ok(c) for c in node.children)

    def literal(self, node: Node, at: ast.AST) -> ast.expr:
        parts = [ast.Constant(c.const[1]) if c.kind == "leaf" and c.const is not None else
                 ast.Name(c.name, ast.Load()) if c.kind == "leaf" else self.literal(c, at) for c in node.children]
        out = ast.List(parts, ast.Load()) if node.kind == "list" else ast.Tuple(parts, ast.Load())
        return ast.copy_location(out, at)

    # -- loops over structures are unrolled ------------------------------------------------------------------
    def items(self, it: ast.expr) -> list[tuple[Any, ...]] | None:
        """For a loop over a structure: per iteration, the AST expressions of the target's parts; else None."""
        def seq(e: ast.expr) -> tuple[Node | None, int | None]:
            n = self.resolve(e)
            if n is not None and n.kind != "leaf":
                return n, len(n.children)
            return None, None

        def item(e: ast.expr, n: Node | None, k: int) -> ast.expr:
            key = n.keys[k] if n is not None and n.kind == "dict" else k
            return ast.Subscript(value=copy.deepcopy(e), slice=ast.Constant(key), ctx=ast.Load())

        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and not it.keywords:
            fname = it.func.id
            if fname == "enumerate" and len(it.args) == 1:
                inner = self.items(it.args[0])
                if inner is not None:
                    return [(ast.Constant(k), parts[0] if len(parts) == 1 else ast.Tuple(list(parts), ast.Load())) for k, parts in enumerate(inner)]
            if fname == "zip" and it.args:
                found = [seq(a) for a in it.args]
                if any(n is not None for n, _ in found):
                    n = min(length for _, length in found if length is not None)
                    return [tuple(item(a, node, k) for a, (node, _) in zip(it.args, found)) for k in range(n)]
            if fname == "reversed" and len(it.args) == 1:
                inner = self.items(it.args[0])
                if inner is not None:
                    return inner[::-1]
            if fname == "range" and len(it.args) == 1 and isinstance(it.args[0], ast.Call) and isinstance(it.args[0].func, ast.Name) \
                    and it.args[0].func.id == "len" and len(it.args[0].args) == 1:
                node, n = seq(it.args[0].args[0])
                if node is not None:
                    return [(ast.Constant(k),) for k in range(n)]
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and not it.args:
            node, n = seq(it.func.value)
            if node is not None and node.kind == "dict" and it.func.attr in ("items", "values", "keys"):
                out = []
                for k in node.keys:
                    value = ast.Subscript(value=copy.deepcopy(it.func.value), slice=ast.Constant(k), ctx=ast.Load())
                    out.append({"items": (ast.Tuple([ast.Constant(k), value], ast.Load()),), "values": (value,), "keys": (ast.Constant(k),)}[it.func.attr])
                return out
        if isinstance(it, (ast.Tuple, ast.List)) and it.elts and all(_const_index(e) is not None for e in it.elts):
            return [(copy.deepcopy(e),) for e in it.elts]  # `for k in ("W1", "W2")`: keys of a structure, say
        node, n = seq(it)
        if node is not None:
            if node.kind == "dict":
                return [(ast.Constant(k),) for k in node.keys]
            return [(item(it, node, k),) for k in range(n)]
        return None

    def local_dict(self, s: ast.stmt) -> list[ast.stmt] | None:
        """`d = {...}` with constant keys and `d[k] = v` with `k` known now (after unrolling): a dict of its own leaves
        (`d_W1 = v`), read like a structured argument (`d["W1"]`, loops over `d.items()`, `len(d)`, `return d`)."""
        if not (isinstance(s, ast.Assign) and len(s.targets) == 1):
            return None
        t = s.targets[0]
        if isinstance(t, ast.Name) and isinstance(s.value, ast.Dict) and self.stores.get(t.id, 0) == 1 and t.id not in self.nodes \
                and all(k is not None and _const_index(k) is not None for k in s.value.keys):
            if self.depth:
                raise unsupported(self.fs, s, f"the dict {t.id} is built inside an 'if' or a loop: s2sad needs its keys when it "
                           "generates code", "dict", "build it at the top level of the function")
            self.nodes[t.id] = self.local[t.id] = Node("dict", (), (), [])
            return [self.dict_store(t.id, _const_index(k), v, s) for k, v in zip(s.value.keys, s.value.values)]  # type: ignore[arg-type]
        if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id in self.local:
            k = _const_index(t.slice)
            if k is None:
                raise unsupported(self.fs, s, f"the key {ast.unparse(t.slice)!r} of the dict {t.value.id} is known only at run time: "
                           "s2sad needs a dict's keys when it generates code", "dict",
                           "build it over a structured argument (params.items()) or over range(n) with the index as key")
            return [self.dict_store(t.value.id, k, s.value, s)]
        return None

    def dict_store(self, d: str, k: Any, value: ast.expr, at: ast.stmt) -> ast.stmt:
        node = self.local[d]
        if k not in node.keys:
            if self.depth:
                raise unsupported(self.fs, at, f"the dict {d} gets the key {k!r} only on some paths: s2sad needs its keys when it "
                           "generates code", "dict", "give the key a value on every path (d[k] = 0.0 before the 'if')")
            base = re.sub(r"\W", "_", f"{d}_{k}")
            name, n = base, 0
            while name in self.used:
                n += 1
                name = f"{base}_{n}"
            self.used.add(name)
            node.keys = node.keys + (k,)
            node.children.append(Node("leaf", (k,), name=name))
        leaf = node.children[node.keys.index(k)]
        return ast.copy_location(ast.Assign([ast.Name(leaf.name, ast.Store())], value), at)

    def display_ast(self, node: Node, at: ast.AST) -> ast.expr:
        """A structure's leaves as a display (`return d` for a dict d of leaves: `return {"W1": d_W1, ...}`)."""
        def part(c: Node) -> ast.expr:
            if c.kind == "leaf":
                return ast.Constant(c.const[1]) if c.const is not None else ast.Name(c.name, ast.Load())
            return self.display_ast(c, at)
        if node.kind == "dict":
            out: ast.expr = ast.Dict([ast.Constant(k) for k in node.keys], [part(c) for c in node.children])
        elif node.kind == "list":
            out = ast.List([part(c) for c in node.children], ast.Load())
        else:
            out = ast.Tuple([part(c) for c in node.children], ast.Load())
        return ast.copy_location(out, at)

    def unroll(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for s in stmts:
            stores = self.local_dict(s)
            if stores is not None:
                out.extend(stores)
                continue
            if isinstance(s, ast.If) and not any(isinstance(n, ast.Name) for n in ast.walk(s.test)):
                try:  # a test on constants only (a key, once the loop is unrolled: `if k != "b"`) is decided now
                    taken = bool(eval(compile(ast.Expression(s.test), "<test>", "eval"), {"__builtins__": {}}))  # noqa: S307
                except Exception:  # noqa: BLE001 -- not decidable now: kept as written
                    pass
                else:
                    out.extend(self.unroll(s.body if taken else s.orelse))
                    continue
            if isinstance(s, ast.For):
                parts = self.items(s.iter)
                if parts is not None:
                    if s.orelse or any(isinstance(n, (ast.Break, ast.Continue)) for b in s.body for n in ast.walk(b)):
                        raise unsupported(self.fs, s, "a loop over a structured argument is unrolled, so it cannot 'break', "
                                   "'continue' or have an 'else'", "for over structure")
                    for values_k in parts:
                        value = values_k[0] if len(values_k) == 1 else ast.Tuple(list(values_k), ast.Load())
                        body = copy.deepcopy(s.body)
                        out.extend(self.unroll(self.bind_target(s.target, value, body, s)))
                    continue
            for block in ("body", "orelse"):
                if isinstance(s, (ast.If, ast.For, ast.While)):
                    self.depth += 1
                    try:
                        setattr(s, block, self.unroll(getattr(s, block)))
                    finally:
                        self.depth -= 1
            out.append(s)
        return out

    def bind_target(self, target: ast.expr, value: ast.expr, body: list[ast.stmt], anchor: ast.stmt) -> list[ast.stmt]:
        """`body` with the loop target bound to `value`: substituted where the body never re-binds it."""
        pairs: list[tuple[ast.expr, ast.expr]] = [(target, value)]
        subst: dict[str, ast.expr] = {}
        assigns: list[ast.stmt] = []
        while pairs:
            t, v = pairs.pop(0)
            if isinstance(t, ast.Tuple) and isinstance(v, ast.Tuple) and len(t.elts) == len(v.elts):
                pairs.extend(zip(t.elts, v.elts))
            elif isinstance(t, ast.Tuple):
                pairs.extend((x, ast.Subscript(value=copy.deepcopy(v), slice=ast.Constant(k), ctx=ast.Load())) for k, x in enumerate(t.elts))
            elif isinstance(t, ast.Name):
                stored = any(isinstance(n, ast.Name) and n.id == t.id and isinstance(n.ctx, ast.Store) for b in body for n in ast.walk(b))
                if stored:
                    assigns.append(ast.copy_location(ast.Assign([ast.Name(t.id, ast.Store())], v), anchor))
                else:
                    subst[t.id] = v
            else:
                raise unsupported(self.fs, t, "this loop target is not supported", "for target")

        class Sub(ast.NodeTransformer):
            def visit_Name(self, n: ast.Name) -> Any:
                if isinstance(n.ctx, ast.Load) and n.id in subst:
                    return ast.copy_location(copy.deepcopy(subst[n.id]), n)
                return n

        body = [Sub().visit(b) for b in body]
        for a in assigns:
            ast.fix_missing_locations(a)
        return assigns + body

    # -- aliases and leaf names -------------------------------------------------------------------------------
    def collect_aliases(self, stmts: list[ast.stmt]) -> None:
        for s in stmts:
            if isinstance(s, ast.Assign) and len(s.targets) == 1:
                self.alias(s.targets[0], s.value, s)
            for block in ("body", "orelse"):
                if isinstance(s, (ast.If, ast.For, ast.While)):
                    self.collect_aliases(getattr(s, block))

    def alias(self, target: ast.expr, value: ast.expr, s: ast.stmt) -> bool:
        try:
            node = self.resolve(value)
        except Exception:
            return False
        if node is None:
            return False
        pairs = _pairs(target, node)
        if pairs is None or any(self.stores.get(n, 0) != 1 or n in self.nodes for n, _ in pairs):
            return False
        for n, sub in pairs:
            self.aliases[n] = sub
            if sub.kind == "leaf" and sub.const is None and sub.name is None:
                sub.name = n
        s._s2sad_alias = True  # type: ignore[attr-defined]
        return True

    def transform(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        rw = self
        out: list[ast.stmt] = []

        class T(ast.NodeTransformer):
            def generic_visit(self, n: ast.AST) -> Any:
                return super().generic_visit(n)

            def visit_Call(self, n: ast.Call) -> Any:
                if isinstance(n.func, ast.Name) and n.func.id == "len" and len(n.args) == 1 and not n.keywords:
                    node = rw.resolve(n.args[0])
                    if node is not None and node.kind != "leaf":
                        return ast.copy_location(ast.Constant(len(node.children)), n)
                return self.generic_visit(n)

            def _chain(self, n: ast.expr) -> Any:
                node = rw.resolve(n)
                if node is None:
                    return self.generic_visit(n)
                if node.kind == "leaf":
                    if node.const is not None:
                        return ast.copy_location(ast.Constant(node.const[1]), n)
                    return ast.copy_location(ast.Name(node.name, ast.Load()), n)
                if rw.literal_ok(node):  # a list of arrays used whole (np.stack(xs), xs[t]): the list of its leaves
                    return rw.literal(node, n)
                raise unsupported(rw.fs, n, f"{ast.unparse(n)} is a {node.kind} of arrays, which s2sad reads item by item: "
                           f"index it with constant keys, unpack it, or loop over it", "structured argument")

            visit_Subscript = _chain
            visit_Attribute = _chain

            def visit_Name(self, n: ast.Name) -> Any:
                if isinstance(n.ctx, ast.Load):
                    return self._chain(n)
                return n

        for s in stmts:
            if getattr(s, "_s2sad_alias", False):
                continue
            if isinstance(s, ast.Return) and s.value is not None:
                node = self.resolve(s.value)
                if node is not None and node.kind == "dict":  # `return d`: the dict of its leaves
                    s.value = self.display_ast(node, s.value)
            if isinstance(s, (ast.If, ast.For, ast.While)):
                for block in ("body", "orelse"):
                    setattr(s, block, self.transform(getattr(s, block)))
                t = T()
                if isinstance(s, ast.If) or isinstance(s, ast.While):
                    s.test = t.visit(s.test)
                else:
                    s.iter = t.visit(s.iter)
                if isinstance(s, (ast.If, ast.While)) and not s.body:
                    s.body = [ast.copy_location(ast.Pass(), s)]
                out.append(s)
                continue
            if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Tuple):
                node = self.resolve(s.value)
                if node is not None:  # `(W1, b1), (W2, b2) = params` where the names are re-bound later
                    for n, sub in _pairs(s.targets[0], node) or []:
                        if sub.kind != "leaf":
                            raise unsupported(self.fs, s, f"{n} would be a {sub.kind} of arrays, re-bound later: unpack it fully", "structured argument")
                        v = ast.Constant(sub.const[1]) if sub.const is not None else ast.Name(sub.name, ast.Load())
                        out.append(ast.copy_location(ast.Assign([ast.Name(n, ast.Store())], v), s))
                    continue
            out.append(T().visit(s))
        return out


def _pairs(target: ast.expr, node: Node) -> list[tuple[str, Node]] | None:
    if isinstance(target, ast.Name):
        return [(target.id, node)]
    if isinstance(target, (ast.Tuple, ast.List)) and node.kind in ("tuple", "list", "namedtuple") and len(target.elts) == len(node.children):
        out = []
        for t, c in zip(target.elts, node.children):
            sub = _pairs(t, c)
            if sub is None:
                return None
            out.extend(sub)
        return out
    return None

