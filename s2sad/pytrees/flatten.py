"""The flat function: a user function rewritten so that every leaf of its structured arguments is a parameter.

Input: a function (or a method's plain function and its object), the structures (`Node`s)
of its structured parameters and of its object's structured attributes. Output: a `Flat`,
cached per function and per structure: the compiled flat function (`params["W1"]` reads the
parameter `W1`, `self.w` reads a parameter `w`, `self.helper(x)` inlined, a returned dict or
tuple of dicts returning its leaves) and the maps between the original parameters and its.
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

from .leaf_rewrite import Rewriter, unsupported
from .treedef import Node


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
    from ..frontend import desugar
    from ..frontend.source import get_source

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
                raise unsupported(fs, call, f"{me}.{attr}(...) is not a method s2sad can read", "method call",
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
    from ..frontend.source import get_source

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
                        raise unsupported(fs, n, f"assigning to {me}.{n.attr} is not supported: a method s2sad differentiates reads its object",
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
                raise unsupported(fs, n, f"{me} is used as a whole; s2sad reads a method's object through its attributes ({me}.w)",
                           "self", f"read the arrays you need as {me}.name, or pass them as parameters")
    nodes = dict(structures)
    attr_nodes: dict[str, Node] = {}
    for attr, pname in attrs:
        if attr in attr_structs:
            nodes[pname] = attr_nodes[attr] = attr_structs[attr]
    rw = Rewriter(fs, {k: v for k, v in nodes.items()})
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
    if body and isinstance(body[-1], ast.Return) and body[-1].value is not None and literal_structure(body[-1].value):
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



def literal_structure(e: ast.expr) -> bool:
    """A dict display with constant keys, or a list display, holding such displays or values (not a list of numbers)."""
    if isinstance(e, ast.Dict):
        return all(isinstance(k, ast.Constant) and isinstance(k.value, (str, int)) for k in e.keys)
    if isinstance(e, ast.Tuple):
        return any(literal_structure(x) for x in e.elts)
    return False


def _output(e: ast.expr, path: tuple = ()) -> tuple[Node, list[ast.expr]]:
    """The structure of a returned display and its leaf expressions."""
    if isinstance(e, ast.Dict) and all(isinstance(k, ast.Constant) for k in e.keys):
        keys = tuple(k.value for k in e.keys)  # type: ignore[union-attr]
        parts = [_output(v, path + (k,)) for k, v in zip(keys, e.values)]
        return Node("dict", path, keys, [p[0] for p in parts]), [x for p in parts for x in p[1]]
    if isinstance(e, ast.Tuple) and any(literal_structure(x) for x in e.elts):
        parts = [_output(v, path + (i,)) for i, v in enumerate(e.elts)]
        return Node("tuple", path, tuple(range(len(parts))), [p[0] for p in parts]), [x for p in parts for x in p[1]]
    return Node("leaf", path), [e]

