"""One call with structured arguments (or of a method), mapped onto its flat function and back.

Input: a function, a bound method or a bound `Differentiable`, one call's arguments and its
`wrt`. Output: a `Call` (memoised per function and structure, so a repeated call only gathers
its leaves): the flat function (`flatten.py`), the leaves as its arguments, the leaf names
differentiated and, per `wrt` parameter, its structure; `restructure` puts leaf gradients
back in the arguments' structure. Leaves where `wrt` points are checked to be differentiable.

Service slot: `TARGET(fn, args)`, the plain Python function whose source s2sad reads for `fn`
(`api.arguments.target`, which fills it at its import: the api is the layer above this one).
"""
from __future__ import annotations

import ast
import inspect
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError, where_defined
from ..runtime.namespace import foreign
from .flatten import Flat, flat_function, literal_structure
from .treedef import Node, build, is_structured, path_text, rebuild, skey, values


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
        from ..frontend.source import get_source

        body = get_source(fn).tree.body
        found = bool(body) and isinstance(body[-1], ast.Return) and body[-1].value is not None and literal_structure(body[-1].value)
    except Exception:  # noqa: BLE001 -- unreadable source: said where it is read for real
        found = False
    try:
        _RETURNS[key] = found
    except TypeError:
        pass
    return found



@dataclass
class Call:
    """One call mapped onto the flat function."""

    flat: Flat
    args: tuple
    wrt: tuple[str, ...]  # flat leaf names differentiated
    groups: list[tuple[str, Node]]  # per user wrt parameter: (name, node)
    is_tuple: bool


def _unfilled(fn: Any, args: tuple) -> Any:
    raise RuntimeError("s2sad.api.arguments fills pytrees.structured_call.TARGET when it is imported (import s2sad)")


TARGET: Any = _unfilled  # the api's `target(fn, args)`: see the module docstring


def plain_fn(fn: Any) -> Any:
    """The plain function behind `fn`: itself, or what s2sad reads for a wrapper (a `Differentiable`, a grad object)."""
    return fn if inspect.isfunction(fn) else TARGET(fn, ())


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
                    _check_leaf(plain if inspect.isfunction(plain) else plain_fn(plain), n, leaf, v)
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
    from ..passes import settings as optimize
    from ..errors import WrtError

    plain, obj, bound = unwrap_method(fn)
    plain = plain_fn(plain)
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
            raise WrtError(f"wrt must be a parameter index or name, not {w!r}", construct=f"wrt={wrt!r}", **where_defined(plain))
        if isinstance(w, int):
            if not -len(names) <= w < len(names):
                raise WrtError(f"wrt={w} is out of range: {plain.__name__} has parameters {tuple(names)}", construct=f"wrt={wrt!r}", **where_defined(plain))
            w = names[w]
        elif w not in names:
            raise WrtError(f"{plain.__name__} has no parameter {w!r}; its parameters are {tuple(names)}", construct=f"wrt={wrt!r}", **where_defined(plain))
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
        raise InputError(f"argument {chosen[0]!r} holds no floats or arrays to differentiate", construct=chosen[0], **where_defined(plain))
    return Call(flat, tuple(flat_args), tuple(leaf_wrt), groups, is_tuple)


def _check_leaf(fn: Any, param: str, leaf: Node, v: Any) -> None:
    if type(v) is np.ndarray and v.dtype.kind in "fiub" or type(v) is float:
        return
    if foreign(v) and np.dtype(v.dtype).kind in "fiub":  # a Dask or CuPy array leaf (backends.py)
        return
    where = path_text(param, leaf.path)
    ok = type(v) is float or isinstance(v, (np.floating, np.integer)) or isinstance(v, np.ndarray) and v.dtype.kind in "fiub" \
        or (type(v) in (list, tuple) and _numeric(v))
    if not ok:
        what = f"an array of dtype {v.dtype}" if isinstance(v, np.ndarray) else f"a {type(v).__name__}"
        raise InputError(f"{where} is {what}, which cannot be differentiated", construct=where, **where_defined(fn),
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



def prepare_unstructured(fn: Any, wrt: Any) -> Call:
    """A method without example arguments: nothing is structured but its object."""
    plain, obj, bound = unwrap_method(fn)
    plain = plain_fn(plain)
    names = list(inspect.signature(plain).parameters)[1 if bound else 0:]
    fake = tuple(0.0 for _ in names)
    call = prepare(fn, fake, {}, wrt, check=False)
    return Call(call.flat, (), call.wrt, call.groups, call.is_tuple)
