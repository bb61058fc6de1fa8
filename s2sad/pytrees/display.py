"""Generated text of a flat function with the original signature put back.

Input: the text s2sad generated for a structured call's flat function, the `Call`, and the
mode. Output: the same code with the original parameters (and `self`) in the def, the leaves
unpacked at the top (`W1 = params["W1"]`) and, in reverse mode, the gradient rebuilt in the
arguments' structure at the end (`{"W1": W1_bar, ...}`); forward mode with a returned dict
returns its value and tangent as dicts. Also each leaf's origin (`leaf_paths`), for explain and trace.
"""
from __future__ import annotations

import ast
import inspect
import re
from typing import Any

from .structured_call import Call, plain_fn, unwrap_method
from .treedef import Node


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
    return list(inspect.signature(plain_fn(plain)).parameters)[0] if bound else None


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
