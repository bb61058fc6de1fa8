"""Random well-formed programs in the language s2sad differentiates (a Hypothesis strategy).

`programs()` draws a module holding helper functions and one function `f`:
straight-line scalar and NumPy code over the registry's primitives (see
`fuzz_menu`) with broadcasting shapes; `if`/`elif`/`else` and conditional
expressions on values; early returns; `for` loops over constant ranges, an
integer argument, `len(x)`, rows, `enumerate` and `zip`; `while` loops whose
trip count depends on the data; `break` and `continue`; augmented and
subscript assignments; tuple swaps; lists built with `append` and summed; and
calls to generated helper functions. Every draw is a Hypothesis choice, so a
failing program shrinks to a small one.

Inputs come from domains where each primitive is smooth: arguments of `log`,
`sqrt` and `reciprocal` are squares plus a constant or positive parameters,
arguments of unit-interval functions are squashed, and denominators are kept
away from zero. What construction cannot guarantee -- staying away from a
branch boundary, no overflow -- the oracles check at run time and reject.

The generator keeps to Python semantics that a differentiable program can
have: an array is updated in place (`v += e`, `v[i] = e`) only while no other
name, view or caller shares it, which it tracks as the variable's `fresh` flag
(frozen inside loops, where a later statement of the body runs before an
earlier one of the next iteration).
"""
from __future__ import annotations

import ast
import copy
import itertools
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

from s2sad.primitives import registry

from fuzz_menu import SHAPES, Fn, Menu, menu

Shape = tuple[int, ...]


# Unary functions that return their (real, float) argument itself rather than a new array.
RETURNS_ITS_ARGUMENT = frozenset({"np.real"})

CONSTANTS = (0.5, -0.7, 1.5, 2.0, 0.3)
THRESHOLDS = (0.0, 0.5, -0.5, 1.0)
_INDEX_TEXTS = ("0", "1", "-1", "2", "1:", ":2", ":1", "0, 1", "1, -1", "-1, 0", ":, 0", ":, 1", ":, -1", ":, :1", "1:, :", "0, 1:")


# -- shape tables -------------------------------------------------------------------------------


def _broadcast(a: Shape, b: Shape) -> Shape | None:
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        return None


@lru_cache(maxsize=None)
def sub_shapes(S: Shape) -> tuple[Shape, ...]:
    """Shapes that broadcast against `S` to `S` itself (always including () and S)."""
    return tuple(T for T in SHAPES if _broadcast(S, T) == S)


@lru_cache(maxsize=None)
def matmul_pairs(S: Shape) -> tuple[tuple[Shape, Shape], ...]:
    """(A, B) with A @ B of shape S."""
    out = []
    for A in SHAPES:
        for B in SHAPES:
            if A and B:
                try:
                    if np.matmul(np.ones(A), np.ones(B)).shape == S:
                        out.append((A, B))
                except ValueError:
                    pass
    return tuple(out)


@lru_cache(maxsize=None)
def index_table() -> tuple[tuple[Shape, str, Shape], ...]:
    """(array shape, index text, result shape) for every index that works."""
    out = []
    for T in SHAPES:
        if not T:
            continue
        a = np.ones(T)
        for text in _INDEX_TEXTS:
            try:
                r = eval(f"a[{text}]")  # noqa: S307 - our own index texts
            except IndexError:
                continue
            R = tuple(np.shape(r))
            if R in SHAPES:
                out.append((T, text, R))
    return tuple(out)


def reads_of(S: Shape) -> tuple[tuple[Shape, str], ...]:
    """(T, index) with `t[index]` of shape S."""
    return tuple((T, text) for T, text, R in index_table() if R == S)


def stores_into(T: Shape) -> tuple[tuple[str, Shape], ...]:
    """(index, R) with `t[index]` of shape R, for a stored-into array of shape T."""
    return tuple((text, R) for T2, text, R in index_table() if T2 == T)


# Fancy indices that repeat a position (NumPy keeps the last write; `+=` is buffered): stores only.
_REPEATED_INDEX_TEXTS = ("[0, 0]", "[1, 0, 1]", "[0, -2]", "[-1, 0, -1]", "[0, 0], 1:")


@lru_cache(maxsize=None)
def repeated_stores_into(T: Shape) -> tuple[tuple[str, Shape], ...]:
    """(index, R) for indices of `_REPEATED_INDEX_TEXTS` that work on an array of shape T."""
    out = []
    if T:
        a = np.ones(T)
        for text in _REPEATED_INDEX_TEXTS:
            try:
                R = tuple(np.shape(eval(f"a[{text}]")))  # noqa: S307 - our own index texts
            except IndexError:
                continue
            if R in SHAPES:
                out.append((text, R))
    return tuple(out)


@lru_cache(maxsize=None)
def reductions_to(S: Shape) -> tuple[tuple[Shape, int | None, bool], ...]:
    """(T, axis, keepdims) reducing shape T to S."""
    out: list[tuple[Shape, int | None, bool]] = []
    for T in SHAPES:
        if not T:
            continue
        if S == ():
            out.append((T, None, False))
        for ax in range(len(T)):
            if T[:ax] + T[ax + 1:] == S:
                out.append((T, ax if ax % 2 == 0 else ax - len(T), False))
            if T[:ax] + (1,) + T[ax + 1:] == S and T[ax] != 1:
                out.append((T, ax, True))
    return tuple(out)


# -- the program ---------------------------------------------------------------------------------


@dataclass
class Param:
    """A parameter of `f`: a float array or scalar from a domain, or an int count."""

    name: str
    shape: Shape
    kind: str = "float"  # "float" | "int"
    domain: str = "real"  # "real" | "positive" | "count"


@dataclass
class Program:
    """A generated module: its source (with `import numpy as np`), `f`'s parameters and traits."""

    source: str
    params: list[Param]
    autograd: bool
    features: frozenset[str]
    output: str  # "scalar" | "array" | "tuple"
    name: str = "f"

    def make_args(self, seed: int, count: int) -> tuple[Any, ...]:
        """Arguments for `f`: reals in [-1, 1], positives in [0.5, 2], counts as given."""
        rng = np.random.default_rng(seed)
        args: list[Any] = []
        for p in self.params:
            if p.kind == "int":
                args.append(count)
                continue
            if p.kind == "intarray":
                args.append(rng.integers(-2, 3, size=p.shape))
                continue
            lo, hi = (0.5, 2.0) if p.domain == "positive" else (-1.0, 1.0)
            value = rng.uniform(lo, hi, size=p.shape)
            args.append(float(value) if p.shape == () else value)
        return tuple(args)

    def __repr__(self) -> str:
        sig = ", ".join(f"{p.name}: {p.kind} {p.shape or 'scalar'} {p.domain}" for p in self.params)
        return f"Program({sig}; autograd={self.autograd}):\n{self.source}"


@dataclass
class V:
    """What the generator knows about a variable."""

    shape: Shape
    kind: str = "float"
    fresh: bool = True  # an array no other name, view or caller shares (scalars always)
    mutable: bool = True  # may be re-bound
    positive: bool = False  # a positive parameter, never re-bound


@dataclass
class E:
    """A generated expression: its text, whether it is a new array, and which variables it may alias."""

    text: str
    fresh: bool = True
    alias: frozenset[str] = frozenset()


@dataclass
class Helper:
    """A generated helper function."""

    name: str
    params: tuple[Shape, ...]
    ret: Shape
    lines: list[str] = field(default_factory=list)


class Builder:
    """Draws one function body; all randomness comes from Hypothesis's `draw`."""

    def __init__(self, draw: Callable[[Any], Any], m: Menu, helpers: list[Helper], prefix: str, features: set[str],
                 names: "itertools.count[int]", straight_line: bool = False) -> None:
        self.draw = draw
        self.m = m
        self.helpers = helpers
        self.prefix = prefix
        self.features = features
        self.names = names
        self.straight_line = straight_line
        self.scope: dict[str, V] = {}
        self.lines: list[str] = []
        self.indent = 1
        self.autograd = True
        self.pinned: dict[str, bool] = {}  # freshness of variables alive at the entry of an enclosing loop
        self.loops = 0
        self.nest = 0
        self.returned = False  # an early return came before: s2sad moves the rest of the body into its else
        self.indexers: list[tuple[str, str]] = []  # (i, a): i is a valid index into a
        self.output: str = "scalar"
        self.out_shape: Shape = ()
        self.has_count = False
        self.params: set[str] = set()
        self.disowned: set[str] = set()  # arrays s2sad would not let the function store into
        self.loop_assigned: set[str] = set()  # variables some loop assigns

    # -- drawing ------------------------------------------------------------------------------
    def choice(self, options: Any) -> Any:
        return self.draw(st.sampled_from(list(options)))

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def new(self, stem: str) -> str:
        return f"{stem}{next(self.names)}"

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.indent + line)

    def int_arrays(self, S: Shape) -> list[str]:
        return [n for n, v in self.scope.items() if v.kind == "intarray" and v.shape == S]

    def floats(self, pred: Callable[[str, V], bool] = lambda n, v: True) -> list[str]:
        return [n for n, v in self.scope.items() if v.kind == "float" and pred(n, v)]

    def shaped(self, options: Any, key: Callable[[Any], tuple[Shape, ...]] = lambda S: (S,)) -> Any:
        """Choose among options, three times as often those whose shapes some variable has."""
        have = {v.shape for v in self.scope.values() if v.kind == "float"}
        options = list(options)
        weighted = options + [o for o in options if all(T in have for T in key(o))] * 2
        return self.choice(weighted)

    def in_block(self) -> bool:
        """Whether s2sad lowers the current statement inside a block (if, loop, or the else of an early return)."""
        return bool(self.nest or self.returned)

    def is_fresh(self, name: str) -> bool:
        v = self.scope[name]
        if v.shape == ():
            return True
        return self.pinned.get(name, v.fresh)

    # -- expressions --------------------------------------------------------------------------
    def expr(self, S: Shape, d: int) -> E:
        kinds = ["leaf"]
        if d > 0:
            m = self.m
            kinds += [k for k, ok in (
                ("arith", any(o in m.binops for o in "+-*")),
                ("neg", m.negative),
                ("repeat", "*" in m.binops),
                ("unary", any(f.elementwise or S == () for f in m.unary)),
                ("div", "/" in m.binops),
                ("pow", "**" in m.binops),
                ("reduce", bool(m.reductions and reductions_to(S))),
                ("index", m.getitem and bool(reads_of(S))),
                ("matmul", ("@" in m.binops or m.dot) and bool(matmul_pairs(S))),
                ("transpose", m.transpose and len(S) == 2 and S[::-1] in SHAPES),
                ("binary", any(f.elementwise or S == () for f in m.binary)),
                ("ifexp", True),
                ("cast", True),
                ("call", any(h.ret == S for h in self.helpers)),
                ("special", any(spec.forms(S) for spec in m.specs)),
            ) if ok]
        kind = self.choice(kinds)
        return getattr(self, "e_" + kind)(S, d - 1)

    def e_leaf(self, S: Shape, d: int = 0) -> E:
        names = self.floats(lambda n, v: v.shape == S)
        if S == ():
            names += [n for n, v in self.scope.items() if v.kind == "int"]
        names += [f"{a}[{i}]" for i, a in self.indexers if a in self.scope and self.scope[a].shape[1:] == S]
        other = "#const" if S == () else "#bcast"
        # Variables three times as often as constants, so most programs depend on their inputs.
        pick = self.choice(names * 3 + [other]) if names else other
        if pick == "#const":
            return E(repr(self.choice(CONSTANTS)))
        if pick == "#bcast":
            subs = [T for T in sub_shapes(S) if T != S and self.floats(lambda n, v, T=T: v.shape == T)] or [()]
            inner = self.e_leaf(self.choice(subs))
            return E(f"({inner.text} * np.ones({S!r}))")
        if self.int_arrays(S) and self.integer(0, 3) == 0:
            self.features.add("int_array_input")  # an integer array input: a constant of the program
            return E(f"({self.choice(self.int_arrays(S))} * 0.5)")
        if "[" in pick:
            a = pick.split("[")[0]
            self.features.add("loop_index")
            return E(pick, fresh=S == (), alias=frozenset() if S == () else frozenset({a}))
        return E(pick, fresh=S == (), alias=frozenset() if S == () else frozenset({pick}))  # a name is no new array

    def e_arith(self, S: Shape, d: int) -> E:
        op = self.choice([o for o in "+-*" if o in self.m.binops])
        a = self.expr(S, d)
        b = self.expr(self.shaped(sub_shapes(S)), d)
        if self.draw(st.booleans()):
            a, b = b, a
        return E(f"({a.text} {op} {b.text})")

    def e_repeat(self, S: Shape, d: int) -> E:
        """A product that reads one value twice (`x * e * x`, `e * x - x * x`): the like terms and
        common factors that the lean passes (collect.py, factor.py) rewrite."""
        v = self.e_leaf(S).text
        e = self.expr(self.shaped(sub_shapes(S)), d).text
        forms = ["{v} * {v}", "{v} * {e} * {v}", "{v} * ({e} + {v})", "{e} * {v} * {v}"]
        if "-" in self.m.binops:
            forms += ["{e} * {v} - {v} * {v}", "({v} - {e}) * {v}"]
        return E("(" + self.choice(forms).format(v=v, e=e) + ")")

    # Casts: to int or bool the result is a constant (zero derivative), to float the identity. An
    # integer result is multiplied by 1.0, so that it is a float array like every other value (a
    # later `v += 0.5` on an int array, or on `sum` of a list of them, would fail in NumPy).
    _CASTS = ("(({0} * 3.0).astype(int) * 1.0)", "(({0}).astype(bool) * 1.0)", "({0}).astype(float)",
              "(np.asarray({0} * 3.0, dtype=int) * 1.0)", "(np.array({0} * 3.0, dtype=np.int32) * 1.0)")
    _SCALAR_CASTS = ("int({0} * 3.0)", "float({0})", "np.int64({0} * 3.0)")

    def e_cast(self, S: Shape, d: int) -> E:
        self.features.add("cast")
        self.autograd = False
        inner = self.expr(S, d)
        if S == ():
            return E(self.choice(self._SCALAR_CASTS).format(inner.text))
        text = self.choice(self._CASTS).format(inner.text)
        # `.astype(float)` of a float array is a copy: a new array either way.
        return E(text)

    def e_neg(self, S: Shape, d: int) -> E:
        return E(f"(-{self.expr(S, d).text})")

    def in_domain(self, domain: str, S: Shape, d: int) -> str:
        """An expression of shape S whose values lie in `domain`."""
        if domain == "real":
            return self.expr(S, d).text
        sq = "** 2" if "**" in self.m.binops else None
        if domain == "positive":
            pos = self.floats(lambda n, v: v.positive and v.shape == S)
            how = self.choice(["square"] + (["var"] if pos else []))
            if how == "var":
                return self.choice(pos)
            e = self.expr(S, d).text
            c = self.choice((0.5, 1.0, 2.0))
            return f"({e} {sq} + {c})" if sq else f"({e} * {e} + {c})"
        e = self.expr(S, d).text
        square = f"{e} {sq}" if sq else f"{e} * {e}"
        if domain == "unit":
            return f"({e} / (1.0 + {square}))"
        if domain == "above_one":
            return f"({square} + 1.5)"
        raise ValueError(domain)

    def nonzero(self, S: Shape, d: int) -> str:
        e = self.in_domain("positive", S, d)
        return f"(-{e})" if self.m.negative and self.draw(st.booleans()) else e

    def call_fn(self, f: Fn, shapes: tuple[Shape, ...], d: int) -> E:
        self.autograd &= f.autograd
        if not f.elementwise:
            self.features.add("scalar_fn")
        if f.call in RETURNS_ITS_ARGUMENT and shapes[0] != ():
            arg = self.expr(shapes[0], d)  # np.real of a real array is that array: it shares like a view
            return E(f"{f.call}({arg.text})", fresh=False, alias=arg.alias)
        args = ", ".join(self.in_domain(dom, T, d) for dom, T in zip(f.domains, shapes))
        return E(f"{f.call}({args})")

    def e_unary(self, S: Shape, d: int) -> E:
        f = self.choice([f for f in self.m.unary if f.elementwise or S == ()])
        return self.call_fn(f, (S,), d)

    def e_binary(self, S: Shape, d: int) -> E:
        f = self.choice([f for f in self.m.binary if f.elementwise or S == ()])
        shapes = [S, self.shaped(sub_shapes(S))]
        if self.draw(st.booleans()):
            shapes.reverse()
        return self.call_fn(f, tuple(shapes), d)

    def e_div(self, S: Shape, d: int) -> E:
        T = self.shaped(sub_shapes(S))
        if self.draw(st.booleans()):
            return E(f"({self.expr(S, d).text} / {self.nonzero(T, d)})")
        return E(f"({self.expr(T, d).text} / {self.nonzero(S, d)})")

    def e_pow(self, S: Shape, d: int) -> E:
        form = self.choice(["int", "root", "active", "base"])
        if form == "int":
            return E(f"({self.expr(S, d).text} ** {self.choice((2, 3))})")
        if form == "root":
            return E(f"({self.in_domain('positive', S, d)} ** {self.choice((0.5, 1.5))})")
        if form == "active":
            T = self.choice(sub_shapes(S))
            base, expo = (S, T) if self.draw(st.booleans()) else (T, S)
            return E(f"({self.in_domain('positive', base, d)} ** {self.expr(expo, d).text})")
        return E(f"({self.choice((2.0, 0.5))} ** {self.expr(S, d).text})")

    def e_reduce(self, S: Shape, d: int) -> E:
        self.features.add("reduce")

        def fits(r: Any, axis: int | None, keep: bool) -> bool:
            params = registry.PRIMS[r.prim].params
            return (axis is None or "axis" in params) and (not keep or "keepdims" in params)

        r, (T, axis, keep) = self.shaped([(r, o) for r in self.m.reductions for o in reductions_to(S) if fits(r, o[1], o[2])],
                                         key=lambda ro: (ro[1][0],))
        self.autograd &= r.autograd
        e = self.expr(T, d).text
        if r.prim == "std":
            # The std of equal values (x * np.ones(...) makes them) has no derivative, and rounding makes
            # the chain rule's 0/0 a random number: spread the values apart.
            e = f"({e} + 0.25 * np.arange({math.prod(T)}.0).reshape({T}))"
        kw = ([f"axis={axis}"] if axis is not None else []) + (["keepdims=True"] if keep else [])
        if r.methods and self.draw(st.booleans()):
            return E(f"({e}).{self.choice(r.methods)}({', '.join(kw)})")
        return E(f"{r.call}({', '.join([e] + kw)})")

    def e_index(self, S: Shape, d: int) -> E:
        self.features.add("index")
        T, text = self.shaped(reads_of(S), key=lambda o: (o[0],))
        e = self.expr(T, d)
        if S == ():
            return E(f"({e.text})[{text}]")
        return E(f"({e.text})[{text}]", fresh=False, alias=e.alias)

    def e_matmul(self, S: Shape, d: int) -> E:
        self.features.add("matmul")
        A, B = self.shaped(matmul_pairs(S), key=lambda ab: ab)
        a, b = self.expr(A, d).text, self.expr(B, d).text
        spell = [s for s, ok in (("@", "@" in self.m.binops), ("dot", self.m.dot and len(A) <= 2 and len(B) <= 2)) if ok]
        if self.choice(spell) == "@":
            return E(f"({a} @ {b})")
        return E(f"np.dot({a}, {b})")

    def e_transpose(self, S: Shape, d: int) -> E:
        e = self.expr(S[::-1], d)
        return E(f"({e.text}).T", fresh=False, alias=e.alias)

    def e_ifexp(self, S: Shape, d: int) -> E:
        self.features.add("ifexp")
        c = self.cond(d)
        a, b = self.expr(S, d), self.expr(S, d)
        return E(f"({a.text} if {c} else {b.text})", fresh=S == (), alias=a.alias | b.alias)

    def e_call(self, S: Shape, d: int) -> E:
        self.features.add("helper")
        h = self.choice([h for h in self.helpers if h.ret == S])
        args = [self.expr(T, d) for T in h.params]
        alias = frozenset().union(*(a.alias for a in args))
        return E(f"{h.name}({', '.join(a.text for a in args)})", fresh=S == (), alias=frozenset() if S == () else alias)

    def e_special(self, S: Shape, d: int) -> E:
        spec = self.choice([s for s in self.m.specs if s.forms(S)])
        template, shapes = self.shaped(spec.forms(S), key=lambda form: form[1])
        self.features.add(spec.name)
        self.autograd &= spec.autograd
        args = [self.expr(T, d) for T in shapes]
        text = template.format(*(a.text for a in args))
        if spec.view and S != ():
            return E(text, fresh=False, alias=frozenset().union(*(a.alias for a in args)))
        return E(text)

    def cond(self, d: int) -> str:
        kind = self.choice(["compare", "not", "and", "or"]) if d > 0 else "compare"
        if kind == "compare":
            e = self.expr((), max(d, 0)).text
            return f"{e} {self.choice(['<', '>', '<=', '>='])} {self.choice(THRESHOLDS)}"
        self.features.add("boolop")
        if kind == "not":
            return f"not {self.cond(d - 1)}"
        return f"({self.cond(d - 1)} {kind} {self.cond(d - 1)})"

    # -- statements ---------------------------------------------------------------------------
    def bind(self, name: str, S: Shape, e: E, **kw: Any) -> None:
        """Emit `name = e`, keeping track of aliases and of variables pinned fresh by a loop."""
        text, fresh = e.text, e.fresh
        if S != ():
            if any(self.pinned.get(a, False) for a in e.alias) or (self.pinned.get(name, False) and not fresh):
                text, fresh = f"({text}) * 1.0", True  # a copy: the loop relies on these arrays staying unshared
            else:
                for a in e.alias:
                    if a in self.scope:
                        self.scope[a].fresh = False
        self.emit(f"{name} = {text}")
        if self.loops:
            self.loop_assigned.add(name)
        old = self.scope.get(name)
        self.scope[name] = V(S, fresh=fresh or S == (), **kw)
        if old is not None and name in self.pinned:
            self.scope[name].fresh = self.pinned[name]
        if fresh:
            self.disowned.discard(name)
        else:
            self.disowned.add(name)

    def statements(self, lo: int, hi: int) -> bool:
        """Draw lo..hi statements; True if the block ends by leaving (return/break/continue)."""
        for _ in range(self.integer(lo, hi)):
            if self.statement():
                return True
        return False

    def statement(self) -> bool:
        kinds = ["assign", "reassign", "aug"]
        if not self.straight_line:
            kinds += ["swap"]
            if self.m.zeros:
                kinds += ["buffer", "store"]
            if self.nest < 2:
                kinds += ["if", "for", "while"]
                if self.m.append and self.m.builtin_sum:
                    kinds += ["list"]
            if self.loops:
                kinds += ["break", "continue"]
            elif self.output:
                kinds += ["early_return"]
        return bool(getattr(self, "s_" + self.choice(kinds))())

    def depth(self) -> int:
        return self.integer(0, 3)

    def s_assign(self) -> None:
        S = self.shaped(SHAPES)
        self.bind(self.new(self.prefix), S, self.expr(S, self.depth()))

    def s_reassign(self) -> None:
        names = self.floats(lambda n, v: v.mutable)
        if not names:
            return self.s_assign()
        name = self.choice(names)
        S = self.scope[name].shape
        self.bind(name, S, self.expr(S, self.depth()))

    def s_aug(self) -> None:
        names = self.floats(lambda n, v: v.mutable and self.is_fresh(n))
        if not names:
            return self.s_assign()
        name = self.choice(names)
        S = self.scope[name].shape
        ops = [o for o in "+-*" if o in self.m.binops] + (["/"] if "/" in self.m.binops else []) + (["**"] if "**" in self.m.binops else [])
        op = self.choice(ops)
        self.features.add("aug")
        T = self.shaped(sub_shapes(S))
        if op == "/":
            rhs = self.nonzero(T, self.depth())
        elif op == "**":
            rhs = "2"
        else:
            rhs = self.expr(T, self.depth()).text
        self.emit(f"{name} {op}= {rhs}")
        if self.loops:
            self.loop_assigned.add(name)
        self.disowned.discard(name)  # `v += e` on a fresh array: still the function's own

    def s_swap(self) -> None:
        def ok(n: str, v: V) -> bool:
            return v.mutable and not (self.loops and self.pinned.get(n, False))

        names = self.floats(ok)
        if len(names) < 2:
            return self.s_assign()
        a = self.choice(names)

        def partner(n: str) -> bool:
            # In a loop a swap of two shapes alternates them between iterations, which the generator's
            # shape model (one shape per name per statement) does not follow: the program itself fails.
            return n != a and (self.scope[n].shape == self.scope[a].shape or not self.loops)

        b = self.choice([n for n in names if partner(n)] or [a])
        if a == b:
            return self.s_assign()
        self.features.add("swap")
        A, B = self.scope[a].shape, self.scope[b].shape
        if not self.loops and self.draw(st.booleans()):
            e = self.expr(A, self.depth())
            second = e.text
            for n in e.alias if A != () else ():
                if n in self.scope and n not in (a, b):
                    self.scope[n].fresh = False  # b now holds n's array too: `n += e` would change b
        else:
            second = a
        self.emit(f"{a}, {b} = {b}, {second}")
        if self.loops:
            self.loop_assigned |= {a, b}
        self.scope[a], self.scope[b] = V(B, fresh=B == ()), V(A, fresh=A == ())
        self.disowned |= {a, b}
        for n in (a, b):
            if n in self.pinned:
                self.scope[n].fresh = self.pinned[n]

    def s_buffer(self) -> None:
        S = self.choice([T for T in SHAPES if T])
        name = self.new("buf")
        self.emit(f"{name} = np.zeros({S!r})")
        self.scope[name] = V(S, fresh=True)
        self.disowned.discard(name)
        self.store(name)
        if self.integer(0, 2) == 0:  # then scale part of it in place: `buf[:2] *= x` (second order through a slice update)
            self.features.add("slice_update")
            self.store(name, "*")

    def s_store(self) -> None:
        names = self.floats(lambda n, v: v.shape != () and self.is_fresh(n) and n not in self.disowned)
        if not names:
            return self.s_buffer()
        self.store(self.choice(names))

    def store(self, name: str, op: str | None = None) -> None:
        self.features.add("subscript")
        self.autograd = False  # autograd cannot differentiate through item assignment
        T = self.scope[name].shape
        repeated = repeated_stores_into(T)
        if repeated and self.integer(0, 3) == 0:
            self.features.add("repeated_index_store")
            text, R = self.choice(repeated)
        else:
            text, R = self.choice(stores_into(T))
        op = self.choice(["", "+", "-", "*"]) if op is None else op
        self.emit(f"{name}[{text}] {op}= {self.expr(self.shaped(sub_shapes(R)), self.depth()).text}")

    def s_if(self) -> None:
        self.features.add("if")
        self.emit(f"if {self.cond(self.integer(0, 2))}:")
        before = copy.deepcopy(self.scope)
        self.nest += 1
        self.indent += 1
        body_exits = self.statements(1, 3)
        then_scope, self.scope = self.scope, copy.deepcopy(before)
        self.indent -= 1
        form = self.choice(["else", "none", "elif"])
        else_exits = False
        if form != "none":
            self.indent += 1
            if form == "elif":
                self.features.add("elif")
                self.lines.append("    " * (self.indent - 1) + "else:")
                else_exits = bool(self.s_if())
            else:
                self.lines.append("    " * (self.indent - 1) + "else:")
                else_exits = self.statements(1, 3)
            self.indent -= 1
        self.nest -= 1
        else_scope = self.scope
        if body_exits and else_exits:
            self.scope = before
            return True  # type: ignore[return-value]
        if body_exits:
            self.scope = else_scope
        elif else_exits:
            self.scope = then_scope
        else:
            self.scope = {}
            for n, a in then_scope.items():
                b = else_scope.get(n)
                if b is not None and a.shape == b.shape and a.kind == b.kind:
                    self.scope[n] = V(a.shape, a.kind, a.fresh and b.fresh, a.mutable and b.mutable, a.positive and b.positive)
        return None

    def loop_body(self, setup: Callable[[], None], lo: int = 1, hi: int = 3) -> None:
        """A loop body: outer variables keep their shapes and freshness; its own names die with it."""
        before = copy.deepcopy(self.scope)
        saved_pins, saved_indexers = dict(self.pinned), list(self.indexers)
        for n, v in self.scope.items():
            self.pinned.setdefault(n, v.fresh or v.shape == ())
        self.loops += 1
        self.nest += 1
        self.indent += 1
        setup()
        self.statements(lo, hi)
        self.indent -= 1
        self.nest -= 1
        self.loops -= 1
        self.pinned, self.indexers = saved_pins, saved_indexers
        self.scope = before
        for n, v in self.scope.items():
            if n in saved_pins:
                v.fresh = saved_pins[n]

    def s_for(self) -> None:
        self.features.add("for")
        # Iterating over an array makes views of it; an array an enclosing loop updates in place is not iterated.
        arrays = self.floats(lambda n, v: v.shape != () and not self.pinned.get(n, False))
        forms = ["range"] + (["count"] * 2 if self.has_count else []) + (["len", "rows", "enumerate"] if arrays else [])
        forms += ["zip"] if len(arrays) >= 2 else []
        form = self.choice(forms)
        i = self.new("i")
        if form in ("range", "count", "len"):
            if form == "range":
                bound = str(self.integer(1, 3))
            elif form == "count":
                self.features.add("range_n")
                bound = "n"
            else:
                a = self.choice(arrays)
                bound = self.choice([f"len({a})", f"{a}.shape[0]"])
            self.emit(f"for {i} in range({bound}):")

            def setup() -> None:
                self.scope[i] = V((), kind="int", mutable=False)
                if form == "len":
                    self.indexers.append((i, a))

            return self.loop_body(setup)
        if form in ("rows", "enumerate"):
            self.features.add(form)
            a = self.choice(arrays)
            r = self.new("r")
            self.emit(f"for {r} in {a}:" if form == "rows" else f"for {i}, {r} in enumerate({a}):")
            self.scope[a].fresh = False  # its rows are views

            def setup() -> None:
                self.scope[r] = V(self.scope[a].shape[1:], fresh=self.scope[a].shape[1:] == (), mutable=False)
                if form == "enumerate":
                    self.scope[i] = V((), kind="int", mutable=False)

            return self.loop_body(setup)
        self.features.add("zip")
        a = self.choice(arrays)
        b = self.choice([n for n in arrays if n != a])
        ra, rb = self.new("r"), self.new("r")
        self.emit(f"for {ra}, {rb} in zip({a}, {b}):")
        for n in (a, b):
            self.scope[n].fresh = False

        def setup() -> None:
            self.scope[ra] = V(self.scope[a].shape[1:], fresh=self.scope[a].shape[1:] == (), mutable=False)
            self.scope[rb] = V(self.scope[b].shape[1:], fresh=self.scope[b].shape[1:] == (), mutable=False)

        return self.loop_body(setup)

    def s_while(self) -> None:
        self.features.add("while")
        k = self.new("k")
        self.emit(f"{k} = 0")
        limit = self.integer(1, 5)
        data = self.draw(st.booleans())
        s = None
        if data:
            scalars = self.floats(lambda n, v: v.shape == () and v.mutable)
            if not scalars:
                s = self.new(self.prefix)
                self.lines.insert(len(self.lines) - 1, "    " * self.indent + f"{s} = {self.live(self.expr((), self.depth()).text, ())}")
                self.scope[s] = V(())
                scalars = [s]
            s = self.choice(scalars)
        if data:
            self.features.add("data_dependent_while")
            self.emit(f"while {s} < {self.choice((1.0, 2.0, 3.0))} and {k} < {limit}:")
        else:
            self.emit(f"while {k} < {limit}:")

        def setup() -> None:
            self.emit(f"{k} = {k} + 1" if self.draw(st.booleans()) else f"{k} += 1")
            self.scope[k] = V((), kind="int", mutable=False)
            if data:
                self.emit(f"{s} = {s} + {self.in_domain('positive', (), self.integer(0, 2))}")
                self.loop_assigned.add(s)

        self.scope[k] = V((), kind="int", mutable=False)
        self.loop_body(setup, 0, 2)
        self.scope[k] = V((), kind="int", mutable=False)

    def s_list(self) -> None:
        self.features.add("list")
        S = self.shaped(SHAPES)
        ys, i, v = self.new("ys"), self.new("i"), self.new(self.prefix)
        self.emit(f"{ys} = []")
        self.emit(f"for {i} in range({self.integer(1, 3)}):")

        def setup() -> None:
            self.scope[i] = V((), kind="int", mutable=False)
            e = self.expr(S, self.depth())
            # The list keeps a reference: append a copy of an array that may be updated in place later.
            text = f"({e.text}) * 1.0" if S != () and any(self.is_fresh(a) for a in e.alias if a in self.scope) else e.text
            self.emit(f"{ys}.append({text})")

        self.loop_body(setup, 0, 1)
        self.emit(f"{v} = sum({ys})")
        self.scope[v] = V(S, fresh=True)

    def s_break(self) -> bool | None:
        self.features.add("break")
        self.emit(f"if {self.cond(self.integer(0, 2))}:")
        self.emit("    break")
        return None

    def s_continue(self) -> bool | None:
        self.features.add("continue")
        self.emit(f"if {self.cond(self.integer(0, 2))}:")
        self.emit("    continue")
        return None

    def s_early_return(self) -> bool | None:
        self.features.add("early_return")
        self.emit(f"if {self.cond(self.integer(0, 2))}:")
        self.indent += 1
        self.emit(f"return {self.result()}")
        self.indent -= 1
        self.returned = True
        return None

    def result(self) -> str:
        if self.output == "scalar":
            return self.live(self.expr((), self.depth()).text, ())
        same = [n for n in self.floats(lambda n, v: v.shape == self.out_shape) if n in self.params] if self.output != "scalar" else []
        if same and self.integer(0, 3) == 0:  # the output is an input itself (it aliases the caller's array)
            self.features.add("output_is_input")
            x = self.choice(same)
            return x if self.output == "array" else f"{self.live(self.expr((), self.depth()).text, ())}, {x}"
        if self.output == "array":
            return self.live(self.expr(self.out_shape, self.depth()).text, self.out_shape)
        second = self.expr(self.out_shape, self.depth()).text
        return f"{self.live(self.expr((), self.depth()).text, ())}, {second}"

    def live(self, text: str, S: Shape) -> str:
        """`text`, plus a parameter when it reads no variable at all (so the output depends on the input)."""
        floats = self.floats()
        if not floats or any(re.search(rf"\b{n}\b", text) for n in floats):
            return text
        v = self.choice([n for n in floats if n in self.params] or floats)
        T = self.scope[v].shape
        term = v if T in sub_shapes(S) else f"np.sum({v})"
        return f"{text} + {term}"


def _normalise(source: str) -> str:
    return ast.unparse(ast.parse(source)) + "\n"


@st.composite
def programs(draw: Callable[[Any], Any], max_helpers: int = 2) -> Program:
    """A random module with helpers and a function `f` (see the module docstring)."""
    m = menu()
    features: set[str] = set()
    names = itertools.count()
    helpers: list[Helper] = []
    autograd = True
    lines: list[str] = ["import math", "import numpy as np", ""]
    for h in range(draw(st.integers(0, max_helpers))):
        shapes = tuple(draw(st.sampled_from(SHAPES)) for _ in range(draw(st.integers(1, 2))))
        ret = draw(st.sampled_from(SHAPES))
        b = Builder(draw, m, list(helpers), "u", features, names, straight_line=True)
        b.output = ""
        pnames = ["a", "b"][: len(shapes)]
        for p, S in zip(pnames, shapes):
            b.scope[p] = V(S, fresh=S == ())
        b.statements(0, 2)
        b.emit(f"return {b.expr(ret, b.depth()).text}")
        name = f"h{h}"  # the same names in every program: the registry keys helpers by identity
        helper = Helper(name, shapes, ret, b.lines)
        autograd &= b.autograd
        lines += [f"def {name}({', '.join(pnames)}):"] + b.lines + [""]
        helpers.append(helper)

    params: list[Param] = []
    for k in range(draw(st.integers(1, 3))):
        S = draw(st.sampled_from(SHAPES))
        params.append(Param(f"x{k}", S, "float", draw(st.sampled_from(["real", "positive"]))))
    if draw(st.booleans()):
        params.append(Param("n", (), "int", "count"))
    if draw(st.integers(0, 3)) == 0:  # an integer array, not differentiated: its tangent is held at zero
        params.append(Param("k", draw(st.sampled_from([S for S in SHAPES if S])), "intarray", "count"))
    b = Builder(draw, m, helpers, "v", features, names)
    b.has_count = any(p.kind == "int" for p in params)
    b.params = {p.name for p in params}
    for p in params:
        if p.kind == "float":
            b.scope[p.name] = V(p.shape, fresh=p.shape == (), mutable=p.domain != "positive", positive=p.domain == "positive")
        elif p.kind == "intarray":
            b.scope[p.name] = V(p.shape, kind="intarray", fresh=False, mutable=False)
    b.output = draw(st.sampled_from(["scalar", "scalar", "array", "tuple"]))
    if b.output != "scalar":
        features.add(f"{b.output}_output")
        b.out_shape = draw(st.sampled_from([S for S in SHAPES if S]))
    if not b.statements(0, 5):
        b.emit(f"return {b.result()}")
    autograd &= b.autograd
    lines += [f"def f({', '.join(p.name for p in params)}):"] + b.lines
    source = _normalise("\n".join(lines))
    return Program(source, params, autograd, frozenset(features), b.output)
