"""The one registry of primitives: each has its VJP and JVP side by side.

Input: rule definitions (built-in rule classes in `s2sad.rules`, or user rules
from `defvjp`/`defjvp`). Output: `Primitive` records that both generators
(`reverse` and `forward`) read, plus lookups from a Python object, an operator
or a method name to its primitive.

A rule is either a *template* -- a Python function whose single `return`
expression is spliced into the generated code with the placeholders replaced --
or a *callable* that the generated code calls by name (user rules).

Template conventions (see `s2sad/rules/`):
  vjp(g, ans, x, y, ...)          -> one expression per argument: that argument's adjoint
                                     contribution, `None` for a non-differentiable one
  jvp(ans, x, y, ..., x_dot, ...) -> one expression per argument: the output tangent
                                     contributed by that argument's tangent
"""
from __future__ import annotations

import ast
import inspect
import threading
import weakref
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import NonDifferentiableError
from .ir import Expr


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
    template: Expr | None = None
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
    boolean: bool = False  # its value is a bool or bool array (a comparison, `np.isnan`): `1 * b` is not `b`
    shape: str | None = None  # "elementwise" | "scalar" | "reduce" | "like_first" (its first argument's) | None (unknown)
    source: Any = None  # the rule class, parsed lazily into templates
    fn: Any = None  # the Python object the primitive evaluates
    outputs: int | None = None  # for a primitive returning a tuple: its length
    user_fn: Any = None  # for a call to another Python function: that function
    rewrite: Callable[..., Any] | None = None  # generation-time rewrite of a call: (args, kwargs) -> Expr or None
    user: bool = False  # a user's function (see `add_user`), not the built-in library
    _vjp: list[Rule | None] | None = None
    _jvp: list[Rule | None] | None = None

    def _load(self) -> None:
        if self._vjp is None and self.source is not None:
            from .template import parse_rule_class

            parse_rule_class(self)

    @property
    def vjp(self) -> list[Rule | None]:
        """Per-argument VJP rules (None for a non-differentiable argument)."""
        self._load()
        return self._vjp or []

    @property
    def jvp(self) -> list[Rule | None]:
        """Per-argument JVP rules (None for a non-differentiable argument)."""
        self._load()
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
_lock = threading.RLock()
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
    with _lock:
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
    with _lock:
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
) -> Callable[[type], type]:
    """Register a built-in primitive from a class holding `vjp` and `jvp` templates."""

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
            spelling = Spelling("call", path=call or _default_path(objs[0], pname))
        prim = Primitive(
            name=pname,
            spelling=spelling,
            nondiff=nondiff,
            elementwise=elementwise,
            boolean=boolean or compare is not None,
            shape="elementwise" if elementwise else shape,
            source=None if nondiff else cls,
            fn=objs[0] if objs else None,
            outputs=outputs,
            rewrite=rewrite,
        )
        if nondiff:
            prim._vjp, prim._jvp = [], []
        _add(prim, objs, binop, unary, compare, _as_list(method), attr)
        return cls

    return register


def nondiff(objects: Any, name: str, **kw: Any) -> None:
    """Declare a primitive non-differentiable (comparisons, floor, shape queries)."""
    defrule(objects, name=name, nondiff=True, **kw)(type(name, (), {}))


def _default_path(obj: Any, name: str) -> str:
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


# ----------------------------------------------------------------------------
# The public extension API: the same Primitive records, with called rules.


def _ensure_user_primitive(fn: Callable[..., Any], name: str | None = None) -> Primitive:
    prim = lookup(fn)
    if prim is not None:
        if prim.user_fn is not None:
            # Recorded as a helper to differentiate through (perhaps by an attempt that failed because
            # its source is unavailable): from now on it is opaque, with the user's rules. Lowered
            # callers name this same record, so they see the change.
            prim.user_fn = None
            prim._vjp, prim._jvp = [], []
        return prim
    fname = name or getattr(fn, "__name__", "primitive")
    params = _signature_params(fn) or ()
    mod = getattr(fn, "__module__", None) or ""
    # A NumPy or math function is written as the user writes it (`np.polyval`, `math.hypot`), which the
    # generated code's imports resolve; any other function by its bare name, which its namespace holds.
    path = _default_path(fn, fname) if name is None and (mod == "math" or mod.startswith("numpy")) else fname
    prim = Primitive(name=fname, spelling=Spelling("call", path=path), params=params, fn=fn)
    prim._vjp, prim._jvp = [], []
    return add_user(prim)


def _forget_derivatives(statistics: bool = True) -> None:
    """Empty the derivative cache: callers generated before new rules must be generated again.

    `statistics=False` keeps the hit and miss counts (a re-bound global: `freshness.py`)."""
    from .api import forget_entries
    from .cache import CACHE

    CACHE.clear(statistics)
    forget_entries()


def primitive(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a user function as opaque: s2sad calls it instead of reading its source."""
    _ensure_user_primitive(fn)
    _forget_derivatives()
    return fn


def _rule_name(fn: Callable[..., Any], rule: Callable[..., Any], mode: str, i: int) -> str:
    rname = getattr(rule, "__name__", "")
    if rname.isidentifier() and rname != "<lambda>":
        return rname
    return f"{getattr(fn, '__name__', 'f')}_{mode}_{i}"


def _signature_params(fn: Callable[..., Any]) -> tuple[str, ...] | None:
    """`fn`'s parameter names, or None where `inspect` cannot read them (a builtin such as
    `math.hypot`) or they do not say which argument is which (`*args`)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return None
    return tuple(p.name for p in params)


def _caller_error(message: str, hint: str | None = None) -> Exception:
    """An InputError at the user's `defvjp`/`defjvp` line (the frame outside this module)."""
    import sys

    from .errors import InputError

    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back  # type: ignore[assignment]
    where: dict[str, Any] = {}
    if frame is not None:
        import linecache

        line = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
        where = dict(filename=frame.f_code.co_filename, lineno=frame.f_lineno, source_line=line or None)
    return InputError(message, construct="defvjp", hint=hint, **where)


def _rule_arg_names(rules: tuple[Any, ...], n: int) -> tuple[str, ...]:
    """Names for the `n` arguments of a function whose signature is unknown: the ones its rules
    give them after `g, ans` (`lambda g, ans, x, y: ...`), else `arg0, arg1, ...`."""
    for rule in rules:
        params = _signature_params(rule) if rule is not None else None
        if params is not None and len(params) == n + 2:
            names = params[2:]
            if len(set(names)) == n and not set(names) & {"g", "ans", "t"}:
                return names
    return tuple(f"arg{i}" for i in range(n))


def _set_params(fn: Callable[..., Any], prim: Primitive, rules: tuple[Any, ...], argnames: Any, mode: str) -> None:
    """Fix which argument each rule is for, or refuse: a wrong guess would be a silent zero gradient."""
    fname = getattr(fn, "__name__", "the function")
    known = _signature_params(fn)
    if argnames is not None:
        names = (argnames,) if isinstance(argnames, str) else tuple(argnames)
        if not all(isinstance(a, str) and a.isidentifier() for a in names) or len(set(names)) != len(names):
            raise _caller_error(f"argnames must be distinct parameter names, not {argnames!r}")
        if known is not None and names != known[: len(names)]:
            raise _caller_error(f"argnames {names} are not the parameters of {fname}({', '.join(known)})")
        if len(rules) > len(names):
            raise _caller_error(f"def{mode} got {len(rules)} rules for {fname}, but argnames names {len(names)} arguments")
        if known is None:
            prim.params = names
            for rule in (prim._vjp or []) + (prim._jvp or []):
                if rule is not None:
                    rule.params = rule.params[:2] + prim.params
        return
    if known is None:
        if not rules:
            raise _caller_error(f"def{mode} got no rules for {fname}")
        # A builtin such as math.hypot: one rule per positional argument, so the rules say how many.
        if len(prim.params) < len(rules):
            prim.params = prim.params + _rule_arg_names(rules, len(rules))[len(prim.params):]
            for rule in (prim._vjp or []) + (prim._jvp or []):  # the other mode's rules, given first
                if rule is not None:
                    rule.params = rule.params[:2] + prim.params
        elif len(rules) < len(prim.params):
            raise _caller_error(
                f"def{mode} got {len(rules)} rules for {fname}, whose parameters s2sad cannot read; "
                f"earlier rules gave it {len(prim.params)} ({', '.join(prim.params)})",
                hint="give one rule (or None) per positional argument, or name them: argnames=(...)",
            )
        return
    if len(rules) > len(known):
        raise _caller_error(f"def{mode} got {len(rules)} rules, but {fname} takes {len(known)} ({', '.join(known)})",
                            hint="give one rule (or None) per positional argument")


def _set_rules(fn: Callable[..., Any], rules: tuple[Any, ...], mode: str, argnames: Any = None) -> None:
    prim = _ensure_user_primitive(fn)
    _set_params(fn, prim, rules, argnames, mode)
    prim.source = None
    table = [] if getattr(prim, "_" + mode) is None else list(getattr(prim, "_" + mode))
    table += [None] * (len(rules) - len(table))
    other = "_jvp" if mode == "vjp" else "_vjp"
    if getattr(prim, other) is None:
        setattr(prim, other, [])
    for i, rule in enumerate(rules):
        if rule is None:
            table[i] = None
            continue
        name = _rule_name(fn, rule, mode, i)
        params = ("g", "ans") if mode == "vjp" else ("t", "ans")
        table[i] = Rule(params=params + prim.params, func=rule, func_name=name)
        # The generated code calls the rule by name, so the rule is itself a primitive.
        _ensure_user_primitive(rule, name)
    setattr(prim, "_" + mode, table)
    _forget_derivatives()


def defvjp(fn: Callable[..., Any], *rules: Callable[..., Any] | None, argnames: Any = None) -> None:
    """Give `fn` one VJP rule per positional argument: `rule(g, ans, *args) -> adjoint`.

    Where `inspect` cannot read `fn`'s parameters (a builtin such as `math.hypot`), the number of
    rules is the number of arguments; `argnames=("x", "y")` names them (so calls may pass them by name)."""
    _set_rules(fn, rules, "vjp", argnames)


def defjvp(fn: Callable[..., Any], *rules: Callable[..., Any] | None, argnames: Any = None) -> None:
    """Give `fn` one JVP rule per positional argument: `rule(t, ans, *args) -> tangent` (`argnames`: see `defvjp`)."""
    _set_rules(fn, rules, "jvp", argnames)


def binop_ast(prim: Primitive) -> Any:
    """The ast operator instance for a binop/unary/compare primitive."""
    return prim.spelling.op()


__all__ = [
    "Primitive", "Rule", "Spelling", "PRIMS", "PrimitiveTable", "add_user", "unique_name", "defrule", "nondiff", "lookup",
    "lookup_binop", "lookup_unary", "lookup_compare", "lookup_method", "lookup_attr",
    "primitive", "defvjp", "defjvp", "binop_ast", "ast",
]
