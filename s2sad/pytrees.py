"""Structured arguments (pytrees) and methods: a source-to-source flattening before lowering.

Input: a user function (or a bound method) and one call's arguments, some of them
dicts, lists, tuples or NamedTuples of arrays. Output: a *flat* function, the
user's own source rewritten so that every leaf is a parameter of its own
(`params["W1"]` reads the parameter `W1`; a loop over a list of weight matrices is
unrolled; a dict the function builds with keys known now, a dict comprehension
over `params.items()` say, is a variable per entry; `self.w` reads a parameter `w`), cached per function and per structure
(the treedef), plus what maps the call's arguments to the flat function's and
its leaf gradients back to the arguments' structure. The flat function is then
differentiated like any other; `display` puts the original signature back on
generated text, unpacking the leaves at the top (`W1 = params["W1"]`) and
rebuilding the gradient at the end (`{"W1": W1_bar, ...}`).
"""
from __future__ import annotations

import ast
import builtins
import copy
import inspect
import keyword
import re
import types
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .errors import InputError, UnsupportedSyntaxError

# -- the structure of one value ----------------------------------------------------------------------------

_CONST_TYPES = (bool, int, str, type(None))  # leaves inlined into the code as constants (part of the key)


def is_namedtuple(a: Any) -> bool:
    return isinstance(a, tuple) and hasattr(type(a), "_fields")


def is_structured(a: Any) -> bool:
    """A dict, a NamedTuple, or a list/tuple holding arrays or containers (a list of numbers stays an array)."""
    t = type(a)
    if t is dict:
        return True
    if t is list or t is tuple:
        return any(type(x) is np.ndarray or isinstance(x, (dict, list, tuple)) for x in a)
    return is_namedtuple(a)


@dataclass
class Node:
    """A position in a structure: a container of `children` under `keys`, or a leaf."""

    kind: str  # "dict", "list", "tuple", "namedtuple" or "leaf"
    path: tuple = ()
    keys: tuple = ()
    children: list["Node"] = field(default_factory=list)
    cls: Any = None
    const: Any = None  # for an inlined constant leaf: ("const", value)
    name: str | None = None  # the leaf's parameter name in the flat function

    def key(self) -> Any:
        if self.kind == "leaf":
            return ("leaf",) if self.const is None else ("const", type(self.const[1]), self.const[1])
        return (self.kind, self.cls, self.keys, tuple(c.key() for c in self.children))

    def leaves(self) -> list["Node"]:
        if self.kind == "leaf":
            return [self]
        return [leaf for c in self.children for leaf in c.leaves()]


def build(a: Any, path: tuple = ()) -> Node:
    if type(a) is dict:
        keys = tuple(a)
        return Node("dict", path, keys, [build(a[k], path + (k,)) for k in keys])
    if is_namedtuple(a):
        return Node("namedtuple", path, tuple(type(a)._fields), [build(x, path + (i,)) for i, x in enumerate(a)], cls=type(a))
    if (type(a) is list or type(a) is tuple) and is_structured(a):
        return Node(type(a).__name__, path, tuple(range(len(a))), [build(x, path + (i,)) for i, x in enumerate(a)])
    if isinstance(a, _CONST_TYPES) and not isinstance(a, np.generic):
        return Node("leaf", path, const=("const", a))
    return Node("leaf", path)


def values(node: Node, a: Any) -> list[Any]:
    """The non-constant leaves of `a`, in `node`'s order."""
    if node.kind == "leaf":
        return [] if node.const is not None else [a]
    if node.kind == "dict":
        return [v for k, c in zip(node.keys, node.children) for v in values(c, a[k])]
    return [v for c, x in zip(node.children, a) for v in values(c, x)]


def rebuild(node: Node, it: Any) -> Any:
    """The structure of `node` filled from the iterator `it` (constant leaves: None)."""
    if node.kind == "leaf":
        return None if node.const is not None else next(it)
    parts = [rebuild(c, it) for c in node.children]
    if node.kind == "dict":
        return dict(zip(node.keys, parts))
    if node.kind == "namedtuple":
        return node.cls(*parts)
    return parts if node.kind == "list" else tuple(parts)


def path_text(name: str, path: tuple) -> str:
    return name + "".join(f"[{k!r}]".replace("'", '"') for k in path)


# -- the flat function --------------------------------------------------------------------------------------


@dataclass
class Flat:
    """A flat function for one structure of the arguments, and how to map to and from it."""

    fn: Callable[..., Any]
    params: list[str]  # the original parameters (self dropped), in order
    nodes: dict[str, Node]  # original parameter -> its structure (a plain parameter: one leaf named after it)
    attrs: list[tuple[str, str]]  # (attribute of self, its parameter name)
    attr_nodes: dict[str, Node]
    flat_params: list[str]
    header: str = ""  # the original def's parameters, for `display`
    out_node: Node | None = None  # a dict or list returned: its structure (the flat function returns its leaves)
    attr_skeys: dict[str, Any] = field(default_factory=dict)  # the attributes' structures when last prepared


_FLATS: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()


def _err(fs: Any, node: ast.AST, message: str, construct: str, hint: str | None = None) -> Exception:
    return fs.error(UnsupportedSyntaxError, message, node, construct=construct, **({"hint": hint} if hint else {}))


def _const_index(e: ast.expr) -> Any:
    if isinstance(e, ast.Constant) and isinstance(e.value, (int, str)) and not isinstance(e.value, bool):
        return e.value
    if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub) and isinstance(e.operand, ast.Constant) and type(e.operand.value) is int:
        return -e.operand.value
    return None


class _Rewriter:
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
                raise _err(self.fs, e, f"{ast.unparse(e.value)} is a {base.kind} of arrays: s2sad reads its items by a constant "
                           f"key or index, not by {ast.unparse(e.slice)!r}", "structured argument",
                           "loop over it (for w in ws, for i, w in enumerate(ws), for k in range(len(ws))) or use constant keys")
            if isinstance(k, int) and base.kind != "dict":
                if not -len(base.children) <= k < len(base.children):
                    raise _err(self.fs, e, f"index {k} is out of range for {ast.unparse(e.value)}, a {base.kind} of {len(base.children)}", "structured argument")
                return base.children[k]
            if k not in base.keys:
                raise _err(self.fs, e, f"{ast.unparse(e.value)} has no key {k!r}; its keys are {list(base.keys)}", "structured argument")
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
                raise _err(self.fs, s, f"the dict {t.id} is built inside an 'if' or a loop: s2sad needs its keys when it "
                           "generates code", "dict", "build it at the top level of the function")
            self.nodes[t.id] = self.local[t.id] = Node("dict", (), (), [])
            return [self.dict_store(t.id, _const_index(k), v, s) for k, v in zip(s.value.keys, s.value.values)]  # type: ignore[arg-type]
        if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id in self.local:
            k = _const_index(t.slice)
            if k is None:
                raise _err(self.fs, s, f"the key {ast.unparse(t.slice)!r} of the dict {t.value.id} is known only at run time: "
                           "s2sad needs a dict's keys when it generates code", "dict",
                           "build it over a structured argument (params.items()) or over range(n) with the index as key")
            return [self.dict_store(t.value.id, k, s.value, s)]
        return None

    def dict_store(self, d: str, k: Any, value: ast.expr, at: ast.stmt) -> ast.stmt:
        node = self.local[d]
        if k not in node.keys:
            if self.depth:
                raise _err(self.fs, at, f"the dict {d} gets the key {k!r} only on some paths: s2sad needs its keys when it "
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
                        raise _err(self.fs, s, "a loop over a structured argument is unrolled, so it cannot 'break', "
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
                raise _err(self.fs, t, "this loop target is not supported", "for target")

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
                raise _err(rw.fs, n, f"{ast.unparse(n)} is a {node.kind} of arrays, which s2sad reads item by item: "
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
                            raise _err(self.fs, s, f"{n} would be a {sub.kind} of arrays, re-bound later: unpack it fully", "structured argument")
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


def _leaf_name(param: str, path: tuple, used: set[str]) -> str:
    last = path[-1] if path else param
    candidates = []
    if isinstance(last, str) and last.isidentifier() and not keyword.iskeyword(last):
        candidates.append(last)
    candidates.append("_".join([param] + [str(k) for k in path]))
    for c in candidates:
        c = re.sub(r"\W", "_", c)
        if c not in used and not hasattr(builtins, c):
            return c
    base, k = candidates[-1], 1
    while f"{base}_{k}" in used:
        k += 1
    return f"{base}_{k}"


def _inline_methods(fs: Any, tree: ast.FunctionDef, me: str, obj: Any) -> None:
    """`self.helper(x)` calls: the method `helper` becomes a local helper (inlined by `desugar.py`), reading `self` too."""
    from . import desugar
    from .source import get_source

    cls = obj if isinstance(obj, type) else type(obj)
    added: set[str] = set()
    while True:
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                 and isinstance(n.func.value, ast.Name) and n.func.value.id == me]
        todo = [n for n in calls if n.func.attr not in added]  # type: ignore[attr-defined]
        if not todo:
            break
        for call in todo:
            attr = call.func.attr  # type: ignore[attr-defined]
            raw = inspect.getattr_static(cls, attr, None)
            static = isinstance(raw, staticmethod)
            fn = getattr(raw, "__func__", raw)
            fn = getattr(fn, "__wrapped__", fn)  # a decorated method (`Differentiable`)
            if isinstance(raw, classmethod) or not inspect.isfunction(fn):
                raise _err(fs, call, f"{me}.{attr}(...) is not a method s2sad can read", "method call",
                           f"write {attr} as a function of arrays and call it with them")
            helper = get_source(fn).tree
            helper = copy.deepcopy(helper)
            ast.increment_lineno(helper, fn.__code__.co_firstlineno - fs.first_line)
            if not static:
                own = helper.args.args[0].arg
                helper.args.args = helper.args.args[1:]
                for n in ast.walk(helper):
                    if isinstance(n, ast.Name) and n.id == own:
                        n.id = me
            helper.name = attr
            tree.body.insert(0, helper)
            added.add(attr)
        for call in calls:
            if call.func.attr in added:  # type: ignore[attr-defined]
                call.func = ast.copy_location(ast.Name(call.func.attr, ast.Load()), call.func)  # type: ignore[attr-defined]
    if added:
        desugar.apply(fs)


def flat_function(fn: Callable[..., Any], self_obj: Any, structures: dict[str, Node], bound: bool,
                  attr_structs: dict[str, Node] | None = None) -> Flat:
    """The flat function of `fn` for these structures (cached per function and structure); `attr_structs`:
    the structures of the object's attributes that are dicts or lists of arrays (`self.params["W1"]`)."""
    from .source import get_source

    attr_structs = attr_structs or {}
    key = (bound, tuple((k, v.key()) for k, v in structures.items()), tuple((k, v.key()) for k, v in attr_structs.items()))
    table = _FLATS.setdefault(fn, {})
    if key in table:
        return table[key]
    fs = get_source(fn)
    tree = copy.deepcopy(fs.tree)
    fs.tree = tree
    a = tree.args
    params = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
    attrs: list[tuple[str, str]] = []
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | set(params)
    if bound:
        me = params[0]
        params = params[1:]
        names: dict[str, str] = {}
        _inline_methods(fs, tree, me, self_obj)

        class Attrs(ast.NodeTransformer):
            def visit_Attribute(self, n: ast.Attribute) -> Any:
                if isinstance(n.value, ast.Name) and n.value.id == me:
                    if not isinstance(n.ctx, ast.Load):
                        raise _err(fs, n, f"assigning to {me}.{n.attr} is not supported: a method s2sad differentiates reads its object",
                                   "attribute assignment")
                    if n.attr not in names:
                        names[n.attr] = n.attr if n.attr not in used and not hasattr(builtins, n.attr) else f"{me}_{n.attr}"
                        used.add(names[n.attr])
                        attrs.append((n.attr, names[n.attr]))
                    return ast.copy_location(ast.Name(names[n.attr], ast.Load()), n)
                return self.generic_visit(n)

        tree.body = [Attrs().visit(s) for s in tree.body]
        for n in ast.walk(tree):
            if isinstance(n, ast.Name) and n.id == me:
                raise _err(fs, n, f"{me} is used as a whole; s2sad reads a method's object through its attributes ({me}.w)",
                           "self", f"read the arrays you need as {me}.name, or pass them as parameters")
    nodes = dict(structures)
    attr_nodes: dict[str, Node] = {}
    for attr, pname in attrs:
        if attr in attr_structs:
            nodes[pname] = attr_nodes[attr] = attr_structs[attr]
    rw = _Rewriter(fs, {k: v for k, v in nodes.items()})
    for p, node in nodes.items():
        for leaf in node.leaves():
            leaf.name = None
    body = tree.body
    doc = []
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        doc, body = body[:1], body[1:]
    body = rw.unroll(body)
    rw.stores = {}
    for s in body:
        for n in ast.walk(s):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                rw.stores[n.id] = rw.stores.get(n.id, 0) + 1
    rw.collect_aliases(body)
    taken = set(used) | {leaf.name for node in nodes.values() for leaf in node.leaves() if leaf.name} | set(rw.used)
    for p, node in nodes.items():
        for leaf in node.leaves():
            if leaf.const is None and leaf.name is None:
                leaf.name = _leaf_name(p, leaf.path, taken)
                taken.add(leaf.name)
    body = rw.transform(body)
    out_node = None
    if body and isinstance(body[-1], ast.Return) and body[-1].value is not None and _literal_structure(body[-1].value):
        out_node, leaves = _output(body[-1].value)
        body[-1].value = ast.copy_location(ast.Tuple(leaves, ast.Load()), body[-1].value)
    for s in body:
        ast.fix_missing_locations(s)
    tree.body = doc + body
    flat_params: list[str] = []
    for p in params + [n for _, n in attrs]:
        if p in nodes:
            flat_params.extend(leaf.name for leaf in nodes[p].leaves() if leaf.const is None)
        else:
            flat_params.append(p)
    tree.args = ast.arguments(posonlyargs=[], args=[ast.arg(n) for n in flat_params], vararg=None, kwonlyargs=[],
                              kw_defaults=[], kwarg=None, defaults=[])
    text = ast.unparse(ast.Module([tree], []))
    code = compile(text, f"<s2sad flat {fs.name}>", "exec")
    fcode = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    flat = types.FunctionType(fcode, fs.fn.__globals__, fs.name)
    flat.__s2sad_flat_source__ = fs  # read by `source.get_source`
    flat.__qualname__ = getattr(fs.fn, "__qualname__", fs.name)
    result = Flat(flat, params, nodes, attrs, attr_nodes, flat_params, out_node=out_node)
    table[key] = result
    return result


# -- calls ---------------------------------------------------------------------------------------------------


def unwrap_method(fn: Any) -> tuple[Any, Any, bool]:
    """(plain function, bound object or None, bound?) for a function, a bound method or a bound `Differentiable`."""
    obj = getattr(fn, "__s2sad_bound__", None)
    if obj is not None:
        return obj
    if inspect.ismethod(fn) and inspect.isfunction(fn.__func__):
        return fn.__func__, fn.__self__, True
    if isinstance(fn, (staticmethod, classmethod)):
        return fn.__func__, None, False
    return fn, None, False


def needs_flat(fn: Any, args: tuple, kwargs: dict) -> bool:
    if getattr(fn, "__s2sad_bound__", None) is not None or inspect.ismethod(fn) and inspect.isfunction(getattr(fn, "__func__", None)):
        return True
    return any(is_structured(a) for a in args) or any(is_structured(v) for v in kwargs.values()) or _returns_structure(fn)


_RETURNS: "weakref.WeakKeyDictionary[Any, bool]" = weakref.WeakKeyDictionary()


def _returns_structure(fn: Any) -> bool:
    """Whether `fn` ends with `return {...}` or `return [...]` of values (read once per function)."""
    if not inspect.isfunction(fn):
        return False
    # One reading per code object: the closures of one def share their source.
    key = fn if getattr(fn, "__s2sad_flat_source__", None) is not None else getattr(fn, "__code__", fn)
    try:
        return _RETURNS[key]
    except KeyError:
        pass
    found = False
    try:
        from .source import get_source

        body = get_source(fn).tree.body
        found = bool(body) and isinstance(body[-1], ast.Return) and body[-1].value is not None and _literal_structure(body[-1].value)
    except Exception:  # noqa: BLE001 -- unreadable source: said where it is read for real
        found = False
    try:
        _RETURNS[key] = found
    except TypeError:
        pass
    return found


def _literal_structure(e: ast.expr) -> bool:
    """A dict display with constant keys, or a list display, holding such displays or values (not a list of numbers)."""
    if isinstance(e, ast.Dict):
        return all(isinstance(k, ast.Constant) and isinstance(k.value, (str, int)) for k in e.keys)
    if isinstance(e, ast.Tuple):
        return any(_literal_structure(x) for x in e.elts)
    return False


def _output(e: ast.expr, path: tuple = ()) -> tuple[Node, list[ast.expr]]:
    """The structure of a returned display and its leaf expressions."""
    if isinstance(e, ast.Dict) and all(isinstance(k, ast.Constant) for k in e.keys):
        keys = tuple(k.value for k in e.keys)  # type: ignore[union-attr]
        parts = [_output(v, path + (k,)) for k, v in zip(keys, e.values)]
        return Node("dict", path, keys, [p[0] for p in parts]), [x for p in parts for x in p[1]]
    if isinstance(e, ast.Tuple) and any(_literal_structure(x) for x in e.elts):
        parts = [_output(v, path + (i,)) for i, v in enumerate(e.elts)]
        return Node("tuple", path, tuple(range(len(parts))), [p[0] for p in parts]), [x for p in parts for x in p[1]]
    return Node("leaf", path), [e]


@dataclass
class Call:
    """One call mapped onto the flat function."""

    flat: Flat
    args: tuple
    wrt: tuple[str, ...]  # flat leaf names differentiated
    groups: list[tuple[str, Node]]  # per user wrt parameter: (name, node)
    is_tuple: bool


def _plain_fn(fn: Any) -> Any:
    from .arguments import target

    return fn if inspect.isfunction(fn) else target(fn, ())


def skey(a: Any) -> Any:
    """A cheap key of `a`'s structure (what `build` would make of it), for the memo of `prepare`."""
    t = type(a)
    if t is np.ndarray or t is float:
        return 0
    if t is dict:
        return ("dict", tuple(a), tuple(map(skey, a.values())))
    if t is list or t is tuple:
        return (t, tuple(map(skey, a))) if is_structured(a) else 1
    if is_namedtuple(a):
        return (t, tuple(map(skey, a)))
    if isinstance(a, _CONST_TYPES):
        return ("const", t, a)
    return 2


_PREPARED: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()


def prepare(fn: Any, args: tuple, kwargs: dict, wrt: Any, check: bool = True) -> Call:
    """`_prepare`, memoised per function and structure: a repeated call only gathers its leaves."""
    plain, obj, bound = unwrap_method(fn)
    try:
        key = (bound, tuple(map(skey, args)), tuple(kwargs), tuple(map(skey, kwargs.values())),
               tuple(wrt) if isinstance(wrt, list) else wrt, check)
        table = _PREPARED.setdefault(plain, {})
        hash(key)
    except TypeError:  # an unhashable constant leaf, or a function that cannot be weakly referenced
        return _prepare(fn, args, kwargs, wrt, check)
    memo = table.get(key)
    if memo is None or kwargs:
        call = _prepare(fn, args, kwargs, wrt, check)
        if not kwargs:
            table[key] = call
        return call
    flat = memo.flat
    flat_args: list[Any] = []
    wrt_names = {w for w, _ in memo.groups}
    for n, a in zip(flat.params, args):
        node = flat.nodes.get(n)
        if node is None:
            flat_args.append(a)
            continue
        leaves = values(node, a)
        if check and n in wrt_names:
            for leaf, v in zip([x for x in node.leaves() if x.const is None], leaves):
                if not (type(v) is np.ndarray and v.dtype.kind in "fiub" or type(v) is float):
                    _check_leaf(plain if inspect.isfunction(plain) else _plain_fn(plain), n, leaf, v)
        flat_args.extend(leaves)
    if len(args) < len(flat.params):  # defaults: bound the slow way
        return _prepare(fn, args, kwargs, wrt, check)
    for attr, _ in flat.attrs:
        v = getattr(obj, attr)
        if skey(v) != flat.attr_skeys.get(attr):  # an attribute's structure changed: another flat function
            return _prepare(fn, args, kwargs, wrt, check)
        node = flat.attr_nodes.get(attr)
        flat_args.extend(values(node, v) if node is not None else [v])
    return Call(flat, tuple(flat_args), memo.wrt, memo.groups, memo.is_tuple)


def _prepare(fn: Any, args: tuple, kwargs: dict, wrt: Any, check: bool = True) -> Call:
    """Map a call of `fn` (a function or a bound method) with structured arguments onto its flat function."""
    from . import optimize
    from .errors import WrtError
    from .arguments import _at

    plain, obj, bound = unwrap_method(fn)
    plain = _plain_fn(plain)
    sig = optimize.signature(plain)
    names = list(sig.parameters)
    if bound:
        names = names[1:]
        ba = inspect.Signature(list(sig.parameters.values())[1:]).bind(*args, **kwargs)
    else:
        ba = sig.bind(*args, **kwargs)
    ba.apply_defaults()
    values_by_name = dict(ba.arguments)
    structures: dict[str, Node] = {}
    for n in names:
        v = values_by_name[n]
        if is_structured(v):
            structures[n] = build(v)
    # wrt: parameter names or indices, counted after self for a method
    is_tuple = isinstance(wrt, (tuple, list))
    items = list(wrt) if is_tuple else [wrt]
    chosen: list[str] = []
    for w in items:
        if isinstance(w, bool) or not isinstance(w, (int, str)):
            raise WrtError(f"wrt must be a parameter index or name, not {w!r}", construct=f"wrt={wrt!r}", **_at(plain))
        if isinstance(w, int):
            if not -len(names) <= w < len(names):
                raise WrtError(f"wrt={w} is out of range: {plain.__name__} has parameters {tuple(names)}", construct=f"wrt={wrt!r}", **_at(plain))
            w = names[w]
        elif w not in names:
            raise WrtError(f"{plain.__name__} has no parameter {w!r}; its parameters are {tuple(names)}", construct=f"wrt={wrt!r}", **_at(plain))
        chosen.append(w)
    if check:  # every leaf where wrt points can be differentiated, before the source is read
        for w in chosen:
            if w in structures:
                for leaf, v in zip([x for x in structures[w].leaves() if x.const is None], values(structures[w], values_by_name[w])):
                    _check_leaf(plain, w, leaf, v)
    flat = flat_function(plain, obj, structures, bound)
    attr_values = {attr: getattr(obj, attr) for attr, _ in flat.attrs}
    attr_structs = {attr: build(v) for attr, v in attr_values.items() if is_structured(v)}
    if attr_structs:  # `self.params["W1"]`: the object's dicts and lists of arrays are flattened too (as constants)
        flat = flat_function(plain, obj, structures, bound, attr_structs)
    flat.attr_skeys = {attr: skey(v) for attr, v in attr_values.items()}
    flat_args: list[Any] = []
    for n in names:
        if n in structures:
            flat_args.extend(values(structures[n], values_by_name[n]))
        else:
            flat_args.append(values_by_name[n])
    for attr, _ in flat.attrs:
        node = flat.attr_nodes.get(attr)
        flat_args.extend(values(node, attr_values[attr]) if node is not None else [attr_values[attr]])
    leaf_wrt: list[str] = []
    groups: list[tuple[str, Node]] = []
    for w in chosen:
        node = flat.nodes.get(w)
        if node is None:
            node = Node("leaf", (), name=w)
            leaf_wrt.append(w)
        else:
            for leaf in node.leaves():
                if leaf.const is None:
                    leaf_wrt.append(leaf.name)
        groups.append((w, node))
    if not leaf_wrt:
        raise InputError(f"argument {chosen[0]!r} holds no floats or arrays to differentiate", construct=chosen[0], **_at(plain))
    return Call(flat, tuple(flat_args), tuple(leaf_wrt), groups, is_tuple)


def _check_leaf(fn: Any, param: str, leaf: Node, v: Any) -> None:
    if type(v) is np.ndarray and v.dtype.kind in "fiub" or type(v) is float:
        return
    from .backends import foreign

    if foreign(v) and np.dtype(v.dtype).kind in "fiub":  # a Dask or CuPy array leaf (backends.py)
        return
    from .arguments import _at

    where = path_text(param, leaf.path)
    ok = type(v) is float or isinstance(v, (np.floating, np.integer)) or isinstance(v, np.ndarray) and v.dtype.kind in "fiub" \
        or (type(v) in (list, tuple) and _numeric(v))
    if not ok:
        what = f"an array of dtype {v.dtype}" if isinstance(v, np.ndarray) else f"a {type(v).__name__}"
        raise InputError(f"{where} is {what}, which cannot be differentiated", construct=where, **_at(fn),
                         hint=f"hold it out of {param!r} (pass it as another parameter), or give it float values")


def _numeric(v: Any) -> bool:
    try:
        return np.asarray(v).dtype.kind in "fiub"
    except ValueError:
        return False


def restructure(call: Call, grads: Any) -> Any:
    """Leaf gradients (one, or a tuple in the order of `call.wrt`) back in the arguments' structure."""
    it = iter(grads)  # (the inner gradient's wrt is always a tuple)
    out = []
    for _, node in call.groups:
        out.append(next(it) if node.kind == "leaf" and node.path == () and node.const is None else rebuild(node, it))
    return tuple(out) if call.is_tuple else out[0]


def flatten_like(node: Node, value: Any, what: str, name: str) -> list[Any]:
    """`value` (a tangent or cotangent) in `node`'s structure, as its leaves; a ShapeError when it is not."""
    from .errors import ShapeError

    if node.kind == "leaf":
        return [] if node.const is not None else [value]
    if node.kind == "dict":
        if not isinstance(value, dict) or set(value) != set(node.keys):
            raise ShapeError(f"the {what} for {name!r} must be a dict with keys {list(node.keys)}", construct=what)
        return [v for k, c in zip(node.keys, node.children) for v in flatten_like(c, value[k], what, name)]
    if not isinstance(value, (list, tuple)) or len(value) != len(node.children):
        raise ShapeError(f"the {what} for {name!r} must be a {node.kind} of {len(node.children)}", construct=what)
    return [v for c, x in zip(node.children, value) for v in flatten_like(c, x, what, name)]


# -- display ---------------------------------------------------------------------------------------------------


def _expr_text(name: str, path: tuple, node_kinds: list[Node]) -> str:
    out = name
    for k, n in zip(path, node_kinds):
        out += f".{n.keys[k]}" if n.kind == "namedtuple" else "[" + (f'"{k}"' if isinstance(k, str) else str(k)) + "]"
    return out


def _unpack_lines(name: str, node: Node, suffix: str = "") -> list[str]:
    lines = []

    def walk(n: Node, chain: list[Node]) -> None:
        if n.kind == "leaf":
            if n.const is None:
                lines.append(f"    {n.name}{suffix} = {_expr_text(name + suffix, n.path, chain)}")
            return
        for c in n.children:
            walk(c, chain + [n])

    walk(node, [])
    return lines


def _rebuild_text(node: Node, it: Any, suffix: str) -> str:
    if node.kind == "leaf":
        return "None" if node.const is not None else next(it)
    parts = [_rebuild_text(c, it, suffix) for c in node.children]
    if node.kind == "dict":
        return "{" + ", ".join(f'"{k}": {p}' if isinstance(k, str) else f"{k}: {p}" for k, p in zip(node.keys, parts)) + "}"
    if node.kind == "namedtuple":
        return f"{node.cls.__name__}(" + ", ".join(f"{k}={p}" for k, p in zip(node.keys, parts)) + ")"
    if node.kind == "list":
        return "[" + ", ".join(parts) + "]"
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def leaf_paths(call: Call, self_name: str | None = None) -> dict[str, str]:
    """Each leaf parameter of the flat function -> where it comes from (`W1` -> `params["W1"]`), for explain and trace."""
    flat = call.flat
    out: dict[str, str] = {}

    def walk(base: str, n: Node, chain: list[Node]) -> None:
        if n.kind == "leaf":
            if n.const is None and n.name:
                out[n.name] = _expr_text(base, n.path, chain)
            return
        for c in n.children:
            walk(base, c, chain + [n])

    for p in flat.params:
        node = flat.nodes.get(p)
        if node is not None:
            walk(p, node, [])
    for attr, name in flat.attrs:
        node = flat.attr_nodes.get(attr)
        base = f"{self_name or 'self'}.{attr}"
        if node is not None:
            walk(base, node, [])
        else:
            out[name] = base
    return out


def self_name(fn: Any) -> str | None:
    """The name of a method's `self` parameter, or None for a function."""
    plain, _, bound = unwrap_method(fn)
    return list(inspect.signature(_plain_fn(plain)).parameters)[0] if bound else None


def display(text: str, call: Call, mode: str, self_name: str | None = None) -> str:
    """Generated text of the flat function with the original parameters put back (see the module doc)."""
    flat = call.flat
    lines = text.split("\n")
    d = next((i for i, l in enumerate(lines) if l.startswith("def ")), None)
    if d is None:
        return text
    m = re.match(r"def (\w+)\((.*)\):$", lines[d])
    if m is None:
        return text
    given = [p.strip() for p in m.group(2).split(", ")] if m.group(2) else []
    flat_set = set(flat.flat_params)
    rest = [p for p in given if p.split("=")[0] not in flat_set]
    suffix = "_dot" if mode == "forward" else None
    dots: list[str] = []
    unpack: list[str] = []
    for p in flat.params:
        node = flat.nodes.get(p)
        if node is not None:
            unpack += _unpack_lines(p, node)
    for attr, n in flat.attrs:
        node = flat.attr_nodes.get(attr)
        if node is not None:
            unpack += _unpack_lines(f"{self_name or 'self'}.{attr}", node)
        else:
            unpack.append(f"    {n} = {self_name or 'self'}.{attr}")
    if suffix:  # tangent parameters: one per structured wrt parameter, unpacked like the primal
        leaf_dots = {f"{w}{suffix}" for w in call.wrt}
        rest = [p for p in rest if p not in leaf_dots]
        for w, node in call.groups:
            dots.append(f"{w}{suffix}")
            if node.kind != "leaf" or node.path:
                unpack += _unpack_lines(w, node, suffix)
    head = ([self_name] if self_name else []) + list(flat.params) + dots + rest
    lines[d] = f"def {m.group(1)}({', '.join(head)}):"
    at = d + 1
    if at < len(lines) and lines[at].strip().startswith('"""'):
        while not (lines[at].rstrip().endswith('"""') and (at > d + 1 or lines[at].strip().count('"""') >= 2)):
            at += 1
        at += 1
    lines[at:at] = unpack
    said = f"with respect to {', '.join(call.wrt)}"
    lines = [l.replace(said, f"with respect to {', '.join(w for w, _ in call.groups)}", 1) if i <= at else l for i, l in enumerate(lines)]
    if mode == "reverse":
        r = max(i for i, l in enumerate(lines) if l.startswith("    return "))
        try:
            value = ast.parse(lines[r].strip()).body[0].value  # type: ignore[attr-defined]
        except SyntaxError:
            return "\n".join(lines)
        elts = value.elts if isinstance(value, ast.Tuple) else [value]
        n = len(call.wrt)
        head_part: list[str] = []
        leaf_part: list[str] | None = None
        if len(elts) == 2 and isinstance(elts[1], ast.Tuple) and len(elts[1].elts) == n:  # (value, (grads...))
            head_part, leaf_part = [ast.unparse(elts[0])], [ast.unparse(e) for e in elts[1].elts]
        elif len(elts) == n:
            leaf_part = [ast.unparse(e) for e in elts]
        elif len(elts) == 2 and n == 1:  # (value, grad)
            head_part, leaf_part = [ast.unparse(elts[0])], [ast.unparse(elts[1])]
        if leaf_part is not None:
            it = iter(leaf_part)
            parts = [next(it) if node.kind == "leaf" and not node.path else _rebuild_text(node, it, "_bar") for _, node in call.groups]
            grads = parts[0] if len(parts) == 1 and not call.is_tuple else "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
            lines[r] = f"    return {grads}" if not head_part else f"    return ({head_part[0]}, {grads})"
    elif mode == "forward" and flat.out_node is not None:  # a dict returned: its value and tangent, each in its structure
        r = max(i for i, l in enumerate(lines) if l.startswith("    return "))
        try:
            value = ast.parse(lines[r].strip()).body[0].value  # type: ignore[attr-defined]
        except SyntaxError:
            return "\n".join(lines)
        k = len(flat.out_node.leaves())
        if isinstance(value, ast.Tuple) and len(value.elts) == 2 and all(
                isinstance(e, ast.Tuple) and len(e.elts) == k for e in value.elts):
            pair = [_rebuild_text(flat.out_node, iter(ast.unparse(x) for x in e.elts), "") for e in value.elts]  # type: ignore[attr-defined]
            lines[r] = f"    return ({pair[0]}, {pair[1]})"
    return "\n".join(lines)


# -- the transforms on a flat function ------------------------------------------------------------------------

_INNER: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()


def inner_grad(call: Call, with_value: bool) -> Any:
    """The gradient object of the flat function for `call` (kept with the flat function, so repeated calls reuse it)."""
    from .api import GradFunction

    table = _INNER.setdefault(call.flat.fn, {})
    key = (call.wrt, with_value)
    g = table.get(key)
    if g is None:
        g = table[key] = GradFunction(call.flat.fn, call.wrt, with_value)
    return g


def _leaf_values(call: Call) -> dict[str, Any]:
    return dict(zip(call.flat.flat_params, call.args))


def vjp(fn: Any, primals: tuple) -> tuple[Any, Callable[[Any], tuple]]:
    """`s2sad.vjp` with structured primals: one adjoint per primal, in its structure."""
    from . import pipeline
    from .arguments import _layouts, _scalars, alias_flags, fix_grad, unaliased
    from .api import _check_cotangent

    call = prepare(fn, primals, {}, tuple(range(len(primals))))
    flat = call.flat.fn
    args = tuple(_as_float(a) if n in call.wrt else a for n, a in zip(call.flat.flat_params, call.args))
    compiled = pipeline.derive(flat, "reverse", call.wrt, _scalars(flat, args, {}), "vjp", _layouts(flat, args, {}))
    low = pipeline.lowered(flat)
    seeds = [p.name for p in compiled.__s2sad_ir__.params[-len(low.outputs):]]
    flags = alias_flags(compiled, len(call.wrt))
    out = fn(*primals)
    given = _leaf_values(call)

    def pullback(cotangent: Any) -> tuple:
        if call.flat.out_node is not None:  # a dict returned: the cotangent is a dict with its keys
            cts = tuple(flatten_like(call.flat.out_node, cotangent, "cotangent", "the output"))
            _check_cotangent(cts, tuple(values(call.flat.out_node, out)))
        else:
            _check_cotangent(cotangent, out)
            cts = tuple(cotangent) if low.tuple_output else (cotangent,)
        grads = unaliased(flags, compiled(*args, **dict(zip(seeds, cts))))
        grads = (grads,) if len(call.wrt) == 1 else grads
        grads = [fix_grad(g, given[w]) for g, w in zip(grads, call.wrt)]
        return restructure(call, grads)

    from .api import _user_errors

    return out, _user_errors(pullback)


def _as_float(a: Any) -> Any:
    from .api import _as_float as f

    return f(a)


def jvp(fn: Any, primals: tuple, tangents: tuple, variant: str) -> Any:
    """`s2sad.jvp` with structured primals (or a method): tangents in the primals' structure."""
    from . import pipeline
    from .arguments import _is_float, _is_float_sequence, _scalars
    from .errors import ShapeError

    call = prepare(fn, primals, {}, tuple(range(len(primals))), check=False)
    names = list(call.flat.params)
    flat_t: list[Any] = []
    for n, t in zip(names, tangents):
        node = call.flat.nodes.get(n)
        flat_t.extend(flatten_like(node, t, "tangent", n) if node is not None else [t])
    flat = call.flat.fn
    own = len(flat_t)  # the object's attributes (after them) are constants
    wrt, dots = [], []
    for n, p, t in zip(call.flat.flat_params[:own], call.args[:own], flat_t):
        if _is_float(p) or _is_float_sequence(p):
            if type(t) is list or type(t) is tuple:
                t = np.asarray(t, dtype=float)
            if np.shape(t) != np.shape(p):
                raise ShapeError(f"tangent for {n!r} has shape {np.shape(t)}, but the primal has shape {np.shape(p)}", construct="jvp")
            wrt.append(n)
            dots.append(t)
    if not wrt:
        out = fn(*primals)
        zero = np.zeros_like(out, dtype=float)
        return (out, zero) if variant == "jvp" else zero
    compiled = pipeline.derive(flat, "forward", tuple(wrt), _scalars(flat, call.args, {}), variant)
    dot_params = [p.name for p in compiled.__s2sad_ir__.params[-len(wrt):]]
    result = compiled(*call.args, **dict(zip(dot_params, dots)))
    node = call.flat.out_node
    if node is None:
        return result
    if variant == "jvp":  # the value and its tangent, each in the output's structure
        return rebuild(node, iter(result[0])), rebuild(node, iter(result[1]))
    return rebuild(node, iter(result))


def source(fn: Any, mode: str, wrt: Any, args: tuple, given: bool, standalone: bool) -> str:
    """`s2sad.source` of a structured call or a method: the flat function's code, the original parameters put back."""
    from . import pipeline
    from .arguments import _dtypes, _layouts, _scalars
    from .display import Code

    call = prepare(fn, args, {}, wrt) if given else prepare_unstructured(fn, wrt)
    flat = call.flat.fn
    fargs = call.args if given else ()
    scalars = _scalars(flat, fargs, {}) if given else frozenset()
    layouts = _layouts(flat, fargs, {}) if given else frozenset()
    if mode == "grad":
        stage = ("reverse", call.wrt, scalars, "grad", layouts, _dtypes(flat, fargs, {}) if given else frozenset())
    elif mode == "tangent":
        stage = ("forward", call.wrt, scalars, "tangent")
    elif mode == "wengert":
        stage = (mode, (), scalars, "vjp", layouts)
    else:
        stage = (mode, call.wrt, scalars, "vjp", layouts)
    text = pipeline.show(flat, *stage)
    plain, obj, bound = unwrap_method(fn)
    me = list(inspect.signature(_plain_fn(plain)).parameters)[0] if bound else None
    kind = {"grad": "reverse", "tangent": "forward"}.get(mode, mode)
    text = display(text, call, kind, me)
    if standalone:
        from .export import standalone as made_standalone

        text = made_standalone(flat, pipeline.generate(flat, *stage), text)
    return Code(text)


def prepare_unstructured(fn: Any, wrt: Any) -> Call:
    """A method without example arguments: nothing is structured but its object."""
    plain, obj, bound = unwrap_method(fn)
    plain = _plain_fn(plain)
    names = list(inspect.signature(plain).parameters)[1 if bound else 0:]
    fake = tuple(0.0 for _ in names)
    call = prepare(fn, fake, {}, wrt, check=False)
    return Call(call.flat, (), call.wrt, call.groups, call.is_tuple)


def jacobian(fn: Any, wrt: Any, mode: str, args: tuple) -> Any:
    """`s2sad.jacobian` with structured arguments: one block per leaf, in the structure of its parameter."""
    from .jacobian import jacobian as flat_jacobian

    call = prepare(fn, args, {}, wrt)
    out = flat_jacobian(call.flat.fn, call.wrt, mode)(*call.args)
    if isinstance(out, tuple) and len(out) and isinstance(out[0], tuple) and _tuple_output(call):
        rows = [restructure(call, row) for row in out]  # one per output leaf
        node = call.flat.out_node  # a dict returned: the Jacobian in the output's structure (like JAX's jacrev)
        return rebuild(node, iter(rows)) if node is not None else tuple(rows)
    return restructure(call, out)


def output_kind(call: Call) -> str | None:
    """What a function returning a structure returns, said in words (for `grad`'s error), or None."""
    node = call.flat.out_node
    if node is None:
        return None
    if node.kind == "dict":
        return "a dict (keys " + ", ".join(repr(k) for k in node.keys) + ")"
    return f"a {node.kind} holding dicts"


def _tuple_output(call: Call) -> bool:
    from . import pipeline

    return pipeline.lowered(call.flat.fn).tuple_output


def hessian(fn: Any, wrt: Any, args: tuple) -> Any:
    """`s2sad.hessian` with structured arguments: `H[p][q]` blocks, nested in the parameters' structure."""
    from .jacobian import hessian as flat_hessian

    call = prepare(fn, args, {}, wrt)
    h = flat_hessian(call.flat.fn, call.wrt)(*call.args)
    return restructure(call, [restructure(call, row) for row in h])


def hvp(fn: Any, primals: tuple, v: Any, wrt: int) -> Any:
    """`s2sad.hvp` with a structured argument: `v` and the product in that argument's structure."""
    from .api import jvp as api_jvp

    call = prepare(fn, primals, {}, wrt)
    (name, node), = call.groups
    leaves = flatten_like(node, v, "direction", name) if node.kind != "leaf" or node.path else [v]
    direction = dict(zip(call.wrt, leaves))
    tangents = tuple(direction[n] if n in direction else np.zeros(np.shape(a)) for n, a in zip(call.flat.flat_params, call.args))
    g = inner_grad(call, False)
    _, dots = api_jvp(g, call.args, tangents)
    return restructure(call, dots)


def flat_call(fn: Any, args: tuple) -> tuple[Any, tuple]:
    """The flat function and its arguments, for `check_grads`."""
    call = prepare(fn, args, {}, tuple(range(len(args))), check=False)
    return call.flat.fn, call.args
