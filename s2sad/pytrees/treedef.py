"""The structure of one value (its treedef): which arguments are structured, and their leaves out and back.

Input: a value, a dict, list, tuple or NamedTuple of arrays say (or a tangent or cotangent given
in that structure). Output: its `Node` tree (containers under keys, leaves; `int`, `str`, `bool`
and None leaves kept as constants), its non-constant leaves in order (`values`, `flatten_like`),
a structure filled back from leaves (`rebuild`), and a cheap hashable key of the structure (`skey`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

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


def flatten_like(node: Node, value: Any, what: str, name: str) -> list[Any]:
    """`value` (a tangent or cotangent) in `node`'s structure, as its leaves; a ShapeError when it is not."""
    from ..errors import ShapeError

    if node.kind == "leaf":
        return [] if node.const is not None else [value]
    if node.kind == "dict":
        if not isinstance(value, dict) or set(value) != set(node.keys):
            raise ShapeError(f"the {what} for {name!r} must be a dict with keys {list(node.keys)}", construct=what)
        return [v for k, c in zip(node.keys, node.children) for v in flatten_like(c, value[k], what, name)]
    if not isinstance(value, (list, tuple)) or len(value) != len(node.children):
        raise ShapeError(f"the {what} for {name!r} must be a {node.kind} of {len(node.children)}", construct=what)
    return [v for c, x in zip(node.children, value) for v in flatten_like(c, x, what, name)]

