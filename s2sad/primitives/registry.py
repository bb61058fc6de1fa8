"""The one registry of primitives: each has its VJP and JVP side by side.

Input: rule definitions (built-in rule classes in `s2sad.rules`, or user rules
from `defvjp`/`defjvp`, whose API is `s2sad.primitives.user_rules`). Output: `Primitive` records that both generators
(`reverse` and `forward`) read, plus lookups from a Python object, an operator
or a method name to its primitive.

A rule is either a *template* -- a Python function whose single `return`
expression is spliced into the generated code with the placeholders replaced --
or a *callable* that the generated code calls by name (user rules).

Nothing above this layer is imported here. Two services come from above, each set at the import of
the module that provides it: `TEMPLATE_LOADER`, how a rule class becomes templates (`s2sad.ir.template`,
which the `s2sad.ir` package imports), and the listeners that `forget_derivatives` calls (`on_forget`: the
driver's cache of derivatives, the api's compiled entries).

Template conventions (see `s2sad/rules/`):
  vjp(g, ans, x, y, ...)          -> one expression per argument: that argument's adjoint
                                     contribution, `None` for a non-differentiable one
  jvp(ans, x, y, ..., x_dot, ...) -> one expression per argument: the output tangent
                                     contributed by that argument's tangent
  d(ans, x, y, ...)               -> instead of both, for an elementwise function: one derivative
                                     per argument; the VJP is `g * d`, the JVP `x_dot * d`
  `defrule(..., linear=True)`     -> instead of `jvp`, for a function linear in each argument with a
                                     VJP: the JVP is the function applied to that argument's tangent

A primitive also carries the facts the optimisation passes read (`effects`, `fresh`, `cheap`, ...:
see `Primitive`), declared by `defrule`'s flags where it is registered.
"""
from __future__ import annotations

import ast
import threading
import weakref
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import NonDifferentiableError

# `TEMPLATE_LOADER(prim)` fills a built-in primitive's VJP/JVP templates from its rule class (`prim.source`):
# `s2sad.ir.template.parse_rule_class`, set by that module at its import.
TEMPLATE_LOADER: Callable[[Any], None] | None = None


@dataclass(frozen=True)
class Spelling:
    """How a primitive prints: an operator, a call, an attribute or a subscript."""

    kind: str  # "binop" | "unary" | "compare" | "call" | "attr" | "getitem" | "method"
    op: Any = None  # the ast operator class for binop/unary/compare
    path: str | None = None  # dotted call path ("np.exp") or attribute name ("T")


@dataclass
class Rule:
    """One argument's derivative rule: an inlined template or a called function."""

    params: tuple[str, ...]
    template: Any = None  # an `ir.Expr`: the template, its parameters as placeholder `Var`s (ir/template.py)
    func: Callable[..., Any] | None = None
    func_name: str | None = None


@dataclass
class Primitive:
    """A primitive operation with its rules for both modes."""

    name: str
    spelling: Spelling
    params: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    nondiff: bool = False
    elementwise: bool = False
    boolean: bool = False  # its value is a bool or integer (array) (a comparison, `np.isnan`, a cast to int): `1 * b` is not `b`
    shape: str | None = None  # "elementwise" | "scalar" | "reduce" | "like_first" (its first argument's) | None (unknown)
    source: Any = None  # the rule class, parsed lazily into templates
    fn: Any = None  # the Python object the primitive evaluates
    outputs: int | None = None  # for a primitive returning a tuple: its length
    user_fn: Any = None  # for a call to another Python function: that function
    rewrite: Callable[..., Any] | None = None  # generation-time rewrite of a call: (args, kwargs) -> Expr or None
    user: bool = False  # a user's function (see `add_user`), not the built-in library
    # Facts the passes read from here, declared where the primitive is registered (`defrule(..., cheap=True)`):
    effects: bool = False  # acts beyond its value (the save stack, a store, output, a check): never dropped or merged
    shape_only: bool = False  # reads only its argument's shape (`np.size(t5)`): that argument need not stay live
    fresh: bool = False  # on arrays, a new array nothing else holds: a tangent bound to it may be stored into in place
    allocates: bool = False  # a new object to fill in or update (`np.zeros`, a copy, the save stack): never merged
    arithmetic: bool = False  # a new array, float whenever an operand is float: a sum may be added into it in place
    float_result: bool = False  # a new float array for any real operands: a sum may be added into it in place
    sampled: bool = False  # run on one-element stand-ins to learn its result's dtype (besides elementwise ones, reductions)
    cheap: bool = False  # cheap to evaluate again rather than store, besides elementwise ones
    broadcasting: bool = False  # arithmetic broadcasting its operands: `e_bar + unsum(g, e, 1, True)` may read `g` itself
    shape_simplified: bool = False  # a broadcast or sum helper that the arguments' shapes may simplify away
    layout_refined: bool = False  # written out by `analysis.layouts.refine` when the arguments' layouts decide it
    linear: bool = False  # linear in each argument with a VJP: its JVP is itself applied to that argument's tangent
    view: bool = False  # its result may be (a view of) its first argument: `x[1:]`, `x.T`, `np.reshape(x, s)`
    in_place: bool = False  # updates its first argument in place and returns it (`y[i] = v`, `xs.append(v)`)
    new_array: bool = False  # a runtime helper whose result is a new array (or tuple of them), never an argument
    _vjp: list[Rule | None] | None = None
    _jvp: list[Rule | None] | None = None

    def load(self) -> None:
        """Read the rule class into templates, once: the parameters and defaults come with them."""
        if self._vjp is None and self.source is not None:
            if TEMPLATE_LOADER is None:  # pragma: no cover - `import s2sad` imports s2sad.ir.template, which sets it
                raise RuntimeError("rule templates are read by s2sad.ir.template, which is not imported yet")
            TEMPLATE_LOADER(self)

    def set_rules(self, vjp: list[Rule | None], jvp: list[Rule | None]) -> None:
        """Give the primitive its per-argument rules (`[], []`: opaque, with no rule yet)."""
        self._vjp, self._jvp = vjp, jvp

    @property
    def vjp(self) -> list[Rule | None]:
        """Per-argument VJP rules (None for a non-differentiable argument)."""
        self.load()
        return self._vjp or []

    @property
    def jvp(self) -> list[Rule | None]:
        """Per-argument JVP rules (None for a non-differentiable argument)."""
        self.load()
        return self._jvp or []

    @property
    def shown(self) -> str:
        """How messages name the primitive: a user function as written (`h0`), not its registry name (`h0_2`)."""
        return self.spelling.path if self.user and self.spelling.path else self.name

    def vjp_rule(self, i: int) -> Rule:
        """The VJP rule of argument `i`, or a NonDifferentiableError."""
        rules = self.vjp
        if self.nondiff or i >= len(rules) or rules[i] is None:
            raise NonDifferentiableError(f"{self.shown} has no VJP rule for argument {i}", construct=self.shown)
        return rules[i]  # type: ignore[return-value]

    def jvp_rule(self, i: int) -> Rule:
        """The JVP rule of argument `i`, or a NonDifferentiableError."""
        rules = self.jvp
        if self.nondiff or i >= len(rules) or rules[i] is None:
            raise NonDifferentiableError(f"{self.shown} has no JVP rule for argument {i}", construct=self.shown)
        return rules[i]  # type: ignore[return-value]

    def differentiable_args(self) -> set[int]:
        """Indices of the arguments that carry derivatives."""
        if self.nondiff:
            return set()
        v = self.vjp
        return {i for i, r in enumerate(v) if r is not None} | {i for i, r in enumerate(self.jvp) if r is not None}


class PrimitiveTable(MutableMapping[str, Primitive]):
    """Primitives by name, the name an `ir.Op` refers to them by.

    The built-in library is held here for good. A user primitive -- a helper
    function, a `s2sad.primitive`, a rule, a generated derivative -- lives on
    its Python function (see `lookup`) and is held here weakly, so a deleted
    module takes its helpers' records with it. A lowered function keeps the
    user primitives it names alive (`cache.DerivativeCache.keep`).
    """

    def __init__(self) -> None:
        self._strong: dict[str, Primitive] = {}
        self._weak: "weakref.WeakValueDictionary[str, Primitive]" = weakref.WeakValueDictionary()

    def __getitem__(self, name: str) -> Primitive:
        prim = self._strong.get(name)
        return prim if prim is not None else self._weak[name]

    def __setitem__(self, name: str, prim: Primitive) -> None:
        self._weak.pop(name, None)
        self._strong[name] = prim

    def add_weakly(self, name: str, prim: Primitive) -> None:
        """Hold a user primitive only while something else does."""
        self._strong.pop(name, None)
        self._weak[name] = prim

    def __delitem__(self, name: str) -> None:
        if name in self._strong:
            del self._strong[name]
        else:
            del self._weak[name]

    def __contains__(self, name: object) -> bool:
        return name in self._strong or name in self._weak

    def __iter__(self) -> Iterator[str]:
        yield from list(self._strong)
        yield from list(self._weak.keys())

    def __len__(self) -> int:
        return len(self._strong) + len(self._weak)


PRIMS = PrimitiveTable()
_BY_OBJECT: dict[int, tuple[Any, Primitive]] = {}
_BINOPS: dict[type, Primitive] = {}
_UNARY: dict[type, Primitive] = {}
_COMPARE: dict[type, Primitive] = {}
_METHODS: dict[str, Primitive] = {}
_ATTRS: dict[str, Primitive] = {}
_ATTR = "__s2sad_primitive__"  # where a user function keeps its primitive
LOCK = threading.RLock()  # held while a user primitive is named and added (`ad/deep.py` checks it)
_suffixes: dict[str, int] = {}


def _add(prim: Primitive, objects: Any, binop: Any, unary: Any, compare: Any, methods: Any, attr: Any) -> None:
    PRIMS[prim.name] = prim
    for obj in objects:
        _BY_OBJECT[id(obj)] = (obj, prim)
    if binop is not None:
        _BINOPS[binop] = prim
    if unary is not None:
        _UNARY[unary] = prim
    if compare is not None:
        _COMPARE[compare] = prim
    for m in methods:
        _METHODS[m] = prim
    if attr is not None:
        _ATTRS[attr] = prim


def unique_name(base: str) -> str:
    """`base`, or `base_2`, `base_3`, ... when a live primitive already has that name."""
    with LOCK:
        if base not in PRIMS:
            return base
        k = _suffixes.get(base, 1)
        while True:
            k += 1
            name = f"{base}_{k}"
            if name not in PRIMS:
                _suffixes[base] = k
                return name


def add_user(prim: Primitive) -> Primitive:
    """Register a user primitive for its function `prim.fn`, under a unique name.

    The record is stored on the function itself, like the derivative cache, so
    it lives exactly as long as the function (and its module). Objects that
    cannot carry attributes are held in the registry for good.
    """
    with LOCK:
        prim.name = unique_name(prim.name)
        prim.user = True
        attrs = getattr(prim.fn, "__dict__", None)
        if isinstance(attrs, dict):
            attrs[_ATTR] = prim
            PRIMS.add_weakly(prim.name, prim)
        else:
            _add(prim, [prim.fn], None, None, None, (), None)
    return prim


def _as_list(x: Any) -> list[Any]:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def defrule(
    objects: Any = None,
    *,
    name: str | None = None,
    call: str | None = None,
    binop: Any = None,
    unary: Any = None,
    compare: Any = None,
    method: Any = None,
    attr: str | None = None,
    getitem: bool = False,
    elementwise: bool = False,
    shape: str | None = None,
    nondiff: bool = False,
    boolean: bool = False,
    outputs: int | None = None,
    rewrite: Callable[..., Any] | None = None,
    like: type | None = None,
    effects: bool = False,
    shape_only: bool = False,
    fresh: bool = False,
    allocates: bool = False,
    arithmetic: bool = False,
    float_result: bool = False,
    sampled: bool = False,
    cheap: bool = False,
    broadcasting: bool = False,
    shape_simplified: bool = False,
    layout_refined: bool = False,
    linear: bool = False,
    view: bool = False,
    in_place: bool = False,
    new_array: bool = False,
) -> Callable[[type], type]:
    """Register a built-in primitive from a class holding `vjp` and `jvp` templates, or only the
    elementwise derivative `d` (see `s2sad.ir.template`); `like=cls` takes another rule class's templates;
    `linear=True` with only `vjp`: the JVP is the function applied to the tangent (autograd's `def_linear`).
    The flags from `effects` on are the facts the passes read (see `Primitive`)."""

    def register(cls: type) -> type:
        objs = _as_list(objects)
        pname = name or cls.__name__
        if binop is not None:
            spelling = Spelling("binop", op=binop)
        elif unary is not None:
            spelling = Spelling("unary", op=unary)
        elif compare is not None:
            spelling = Spelling("compare", op=compare)
        elif getitem:
            spelling = Spelling("getitem")
        elif attr is not None:
            spelling = Spelling("attr", path=attr)
        elif isinstance(call, tuple) and call[0] == "boolop":
            spelling = Spelling("boolop", op=call[1])
        elif call is not None and call.startswith("."):
            spelling = Spelling("method", path=call[1:])
        else:
            spelling = Spelling("call", path=call or default_path(objs[0], pname))
        prim = Primitive(
            name=pname,
            spelling=spelling,
            nondiff=nondiff,
            elementwise=elementwise,
            boolean=boolean or compare is not None,
            shape="elementwise" if elementwise else shape,
            source=None if nondiff else like or cls,
            fn=objs[0] if objs else None,
            outputs=outputs,
            rewrite=rewrite,
            effects=effects,
            shape_only=shape_only,
            fresh=fresh,
            allocates=allocates,
            arithmetic=arithmetic,
            float_result=float_result,
            sampled=sampled,
            cheap=cheap,
            broadcasting=broadcasting,
            shape_simplified=shape_simplified,
            layout_refined=layout_refined,
            linear=linear,
            view=view,
            in_place=in_place,
            new_array=new_array,
        )
        if nondiff:
            prim._vjp, prim._jvp = [], []
        _add(prim, objs, binop, unary, compare, _as_list(method), attr)
        return cls

    return register


def nondiff(objects: Any, name: str, **kw: Any) -> None:
    """Declare a primitive non-differentiable (comparisons, floor, shape queries)."""
    defrule(objects, name=name, nondiff=True, **kw)(type(name, (), {}))


def declared(name: str, fact: str) -> bool:
    """Whether the primitive called `name` declares `fact` (a field of `Primitive` such as `effects`);
    False for a name no primitive has."""
    prim = PRIMS.get(name)
    return prim is not None and bool(getattr(prim, fact))


def remove(name: str) -> None:
    """Take a primitive registered by `defrule` out of the registry again (a test's), with every lookup
    that leads to it; derivatives generated since are forgotten."""
    with LOCK:
        prim = PRIMS[name]
        del PRIMS[name]
        for key in [k for k, (_, p) in _BY_OBJECT.items() if p is prim]:
            del _BY_OBJECT[key]
        for table in (_BINOPS, _UNARY, _COMPARE, _METHODS, _ATTRS):
            for key in [k for k, p in table.items() if p is prim]:
                del table[key]
    forget_derivatives()


def default_path(obj: Any, name: str) -> str:
    mod = getattr(obj, "__module__", None) or ""
    short = getattr(obj, "__name__", name)
    if isinstance(obj, type(abs)) and mod == "math" or mod == "math":
        return f"math.{short}"
    if mod.startswith("numpy") or type(obj).__name__ == "ufunc":
        sub = mod.split(".")[1] if mod.startswith("numpy.") else ""
        if sub in ("linalg", "fft", "random"):
            return f"np.{sub}.{short}"
        return f"np.{short}"
    if mod == "builtins":
        return short
    return short


def lookup(obj: Any) -> Primitive | None:
    """The primitive a Python object refers to, if any."""
    hit = _BY_OBJECT.get(id(obj))
    if hit is not None and hit[0] is obj:
        return hit[1]
    attrs = getattr(obj, "__dict__", None) if callable(obj) else None
    prim = attrs.get(_ATTR) if isinstance(attrs, dict) else None
    # `functools.wraps` copies a function's __dict__ onto its wrapper: the record must be the object's own.
    return prim if prim is not None and prim.fn is obj else None


def ways_to_write(prim: Primitive) -> tuple[list[Any], list[type], list[type], list[type], list[str], list[str]]:
    """How user code reaches `prim`, in registration order: (the Python objects that are it, its binary,
    unary and comparison operator node classes, its method names, its attribute names)."""
    return ([obj for obj, p in _BY_OBJECT.values() if p is prim], [op for op, p in _BINOPS.items() if p is prim],
            [op for op, p in _UNARY.items() if p is prim], [op for op, p in _COMPARE.items() if p is prim],
            [m for m, p in _METHODS.items() if p is prim], [a for a, p in _ATTRS.items() if p is prim])


def lookup_binop(op: type) -> Primitive | None:
    """The primitive for a binary operator node class (ast.Mult, ...)."""
    return _BINOPS.get(op)


def lookup_unary(op: type) -> Primitive | None:
    """The primitive for a unary operator node class (ast.USub, ...)."""
    return _UNARY.get(op)


def lookup_compare(op: type) -> Primitive | None:
    """The primitive for a comparison operator node class (ast.Lt, ...)."""
    return _COMPARE.get(op)


def lookup_method(name: str) -> Primitive | None:
    """The primitive behind an array method such as `x.sum()`."""
    return _METHODS.get(name)


def lookup_attr(name: str) -> Primitive | None:
    """The primitive behind an array attribute such as `x.T`."""
    return _ATTRS.get(name)


_FORGET_LISTENERS: list[Callable[[bool], None]] = []


def on_forget(listener: Callable[[bool], None]) -> Callable[[bool], None]:
    """Have `forget_derivatives` call `listener(statistics)`: what holds generated code registers here at its
    import (the driver's cache, the api's compiled entries), in import order. Returns `listener`."""
    _FORGET_LISTENERS.append(listener)
    return listener


def forget_derivatives(statistics: bool = True) -> None:
    """Empty the derivative cache: callers generated before new rules must be generated again.

    Every `on_forget` listener is called. `statistics=False` keeps the hit and miss counts (a re-bound
    global: `freshness.py`)."""
    for listener in list(_FORGET_LISTENERS):
        listener(statistics)


def binop_ast(prim: Primitive) -> Any:
    """The ast operator instance for a binop/unary/compare primitive."""
    return prim.spelling.op()


__all__ = [
    "Primitive", "Rule", "Spelling", "PRIMS", "PrimitiveTable", "add_user", "unique_name", "defrule", "nondiff", "lookup",
    "lookup_binop", "lookup_unary", "lookup_compare", "lookup_method", "lookup_attr",
    "binop_ast", "ast", "on_forget", "forget_derivatives", "LOCK", "TEMPLATE_LOADER", "ways_to_write",
    "declared", "remove",
]
