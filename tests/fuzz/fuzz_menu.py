"""The fuzzer's menu of primitives, read from `s2sad.primitives.registry.PRIMS`.

Nothing here names a primitive the registry does not hold: every entry is
found by walking the registry and classifying each primitive by its spelling
(operator, call, method, attribute), its arity and its shape class
(elementwise, scalar, reduce). The domain of each function -- all reals,
positive numbers, the open unit interval, numbers above one -- is found by
probing it on a grid, and whether autograd can differentiate the same
spelling is found by asking autograd. So when the NumPy library grows, the
fuzzer draws the new functions without edits here.

Primitives that change shapes in ways a generic rule cannot guess (`np.outer`,
`np.stack`, `np.reshape`, ...) are described in `SHAPE_SPECS`; a spec is used
only while its function is registered.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

import numpy as np

from s2sad.primitives import registry

# Every array shape a generated program uses; () is a scalar.
SHAPES: tuple[tuple[int, ...], ...] = ((), (3,), (2,), (2, 3), (1, 3), (2, 1), (3, 2), (2, 2))

_GRID = [round(v, 10) for v in np.linspace(-3.0, 3.0, 121)]
# Each domain: the interval it is probed on, and how generated code maps any value into it.
DOMAINS: dict[str, tuple[float, float]] = {
    "real": (-3.0, 3.0),
    "positive": (0.3, 3.0),
    "unit": (-0.9, 0.9),
    "above_one": (1.2, 3.0),
}


@dataclass(frozen=True)
class Fn:
    """A function the generator may call: `call(arg, ...)` in source."""

    prim: str  # registry name
    call: str  # spelling in source: "np.exp", "math.sin", "abs"
    arity: int
    domains: tuple[str, ...]  # one per argument
    elementwise: bool  # False: scalars only (math.*, float, max)
    autograd: bool  # autograd differentiates the same spelling


@dataclass(frozen=True)
class Reduction:
    """A reduction such as np.sum: spelled as a call and, where registered, as a method."""

    prim: str
    call: str  # "np.sum"
    methods: tuple[str, ...]  # ("sum",)
    autograd: bool


@dataclass
class Menu:
    """Everything the generator may draw, read from the registry."""

    binops: tuple[str, ...] = ()  # "+", "-", "*", "/", "**", "@"
    unary: tuple[Fn, ...] = ()
    binary: tuple[Fn, ...] = ()
    reductions: tuple[Reduction, ...] = ()
    dot: bool = False  # np.dot
    transpose: bool = False  # x.T
    getitem: bool = False
    negative: bool = False
    zeros: bool = False  # np.zeros, for buffers written by subscript
    ones: bool = False  # np.ones, to broadcast constants up to a shape
    builtin_sum: bool = False  # sum(list)
    append: bool = False  # xs.append(v)
    specs: tuple["ShapeSpec", ...] = ()
    skipped: tuple[str, ...] = field(default=())  # registered but not drawn, with the reason

    def describe(self) -> str:
        """One line per family, for the fuzz report."""
        return "\n".join([
            f"operators: {' '.join(self.binops)}" + (" unary -" if self.negative else ""),
            "unary: " + ", ".join(f"{f.call}[{f.domains[0]}]" for f in self.unary),
            "binary: " + ", ".join(f"{f.call}[{','.join(f.domains)}]" for f in self.binary),
            "reductions: " + ", ".join(r.call + "".join(f" .{m}()" for m in r.methods) for r in self.reductions),
            "shape-changing: " + ", ".join([s.name for s in self.specs] + ["@"] * ("@" in self.binops)
                                           + ["np.dot"] * self.dot + [".T"] * self.transpose + ["x[...]"] * self.getitem),
        ])


_BINOP_TEXT = {"Add": "+", "Sub": "-", "Mult": "*", "Div": "/", "Pow": "**", "MatMult": "@"}


def _resolve(path: str) -> Any:
    """The object a spelling such as `np.linalg.norm` or `math.sin` names."""
    root, *rest = path.split(".")
    obj: Any = {"np": np, "math": math}.get(root)
    if obj is None:
        import builtins

        obj = getattr(builtins, root, None)
    for part in rest:
        obj = getattr(obj, part, None) if obj is not None else None
    return obj


def _finite(f: Callable[..., Any], args: tuple[Any, ...]) -> bool:
    try:
        with np.errstate(all="raise"):
            y = f(*args)
        return bool(np.all(np.isfinite(y)))
    except (ArithmeticError, ValueError, TypeError):
        return False


def probe_domain(f: Callable[..., Any], arity: int, k: int) -> str | None:
    """The widest domain on which argument `k` of `f` stays finite (others at 0.7)."""
    for name, (lo, hi) in DOMAINS.items():
        points = [v for v in _GRID if lo <= v <= hi]
        if all(_finite(f, tuple(v if j == k else 0.7 for j in range(arity))) for v in points):
            return name
    return None


def probe_autograd(call: str, arity: int, domains: tuple[str, ...], elementwise: bool) -> bool:
    """True when autograd differentiates `call` spelled the same way, through autograd.numpy."""
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:  # pragma: no cover - autograd is in the test extra
        return False
    spelled = call.replace("np.", "anp.", 1) if call.startswith("np.") else call
    namespace = {"anp": anp, "math": math}
    try:
        fn = eval(f"lambda *a: {spelled}(*a)", namespace)  # noqa: S307 - our own spelling
        point = [DOMAINS[d][0] * 0.3 + DOMAINS[d][1] * 0.7 for d in domains]
        x = np.array([point[0], point[0] * 0.9]) if elementwise else point[0]

        def scalar(t: Any) -> Any:
            return anp.sum(fn(t, *point[1:]))

        g = autograd.grad(scalar)(x)
        return bool(np.all(np.isfinite(g)))
    except Exception:  # noqa: BLE001 - any failure means "not in autograd"
        return False


def _in_autograd(path: str) -> bool:
    """True when autograd.numpy has the function `path` (np.linalg.norm -> autograd.numpy.linalg.norm)."""
    try:
        import autograd.numpy as anp
    except ImportError:  # pragma: no cover
        return False
    obj: Any = anp
    for part in path.split(".")[1:]:
        obj = getattr(obj, part, None)
    return obj is not None


@dataclass(frozen=True)
class ShapeSpec:
    """A shape-changing library function: for a result shape, the spellings and argument shapes.

    `forms` maps a result shape to [(template, argument shapes)]; `view` says the
    result may share memory with an argument (so it is never updated in place);
    `autograd` False marks a function whose autograd convention differs.
    """

    name: str
    forms: Callable[[tuple[int, ...]], list[tuple[str, tuple[tuple[int, ...], ...]]]]
    view: bool = False
    autograd: bool = True

    def obj(self) -> Any:
        return _resolve(self.name)


def _table(*rows: tuple[tuple[int, ...], str, tuple[tuple[int, ...], ...]]) -> Callable[[tuple[int, ...]], list]:
    """forms() from rows (result shape, template, argument shapes)."""
    return lambda S: [(template, shapes) for R, template, shapes in rows if R == S]


def _same_shape(template: str, *, ndim: int = 0) -> Callable[[tuple[int, ...]], list]:
    """A function returning its argument's shape: f(x) with x shaped like the result."""
    return lambda S: [(template, (S,))] if S and len(S) >= ndim else []


def _reshape_forms(S: tuple[int, ...]) -> list[tuple[str, tuple[tuple[int, ...], ...]]]:
    if not S:
        return []
    size = int(np.prod(S))
    return [(f"np.reshape({{0}}, {S!r})", (T,)) for T in SHAPES if T and T != S and int(np.prod(T)) == size]


# A well-conditioned 2x2 matrix from any 2x2 expression, for the linear-algebra functions.
_WELL = "({0} * 0.3 + 2.0 * np.eye(2))"
_SPD = "({0} @ ({0}).T * 0.3 + np.eye(2))"

SHAPE_SPECS: tuple[ShapeSpec, ...] = (
    ShapeSpec("np.outer", _table(((2, 3), "np.outer({0}, {1})", ((2,), (3,))), ((3, 2), "np.outer({0}, {1})", ((3,), (2,))),
                                 ((2, 2), "np.outer({0}, {1})", ((2,), (2,))))),
    ShapeSpec("np.stack", _table(((2, 3), "np.stack([{0}, {1}])", ((3,), (3,))), ((2,), "np.stack([{0}, {1}])", ((), ())),
                                 ((3, 2), "np.stack([{0}, {1}], axis=1)", ((3,), (3,))))),
    ShapeSpec("np.concatenate", _table(((3,), "np.concatenate([{0}, {1}[:1]])", ((2,), (3,))),
                                       ((2, 3), "np.concatenate([{0}, {1}], axis=0)", ((1, 3), (1, 3))),
                                       ((2, 2), "np.concatenate([{0}, {1}], axis=1)", ((2, 1), (2, 1))))),
    ShapeSpec("np.hstack", _table(((2, 2), "np.hstack([{0}, {1}])", ((2, 1), (2, 1))), ((3,), "np.hstack([{0}, {1}[:1]])", ((2,), (2,))))),
    ShapeSpec("np.vstack", _table(((2, 3), "np.vstack([{0}, {1}])", ((3,), (1, 3))), ((2, 2), "np.vstack([{0}, {1}])", ((2,), (2,))))),
    ShapeSpec("np.column_stack", _table(((3, 2), "np.column_stack([{0}, {1}])", ((3,), (3,))), ((2, 2), "np.column_stack([{0}, {1}])", ((2,), (2, 1))))),
    ShapeSpec("np.reshape", _reshape_forms, view=True),
    ShapeSpec("np.ravel", _table(((3,), "np.ravel({0})", ((1, 3),)), ((2,), "np.ravel({0})", ((2, 1),))), view=True),
    ShapeSpec("np.transpose", _table(((3, 2), "np.transpose({0})", ((2, 3),)), ((2, 3), "np.transpose({0})", ((3, 2),)),
                                     ((2, 2), "np.transpose({0})", ((2, 2),))), view=True),
    ShapeSpec("np.swapaxes", _table(((3, 2), "np.swapaxes({0}, 0, 1)", ((2, 3),)), ((2, 2), "np.swapaxes({0}, 0, 1)", ((2, 2),))), view=True),
    ShapeSpec("np.moveaxis", _table(((2, 3), "np.moveaxis({0}, 0, -1)", ((3, 2),))), view=True),
    ShapeSpec("np.squeeze", _table(((2,), "np.squeeze({0})", ((2, 1),)), ((3,), "np.squeeze({0})", ((1, 3),))), view=True),
    ShapeSpec("np.expand_dims", _table(((1, 3), "np.expand_dims({0}, 0)", ((3,),)), ((2, 1), "np.expand_dims({0}, 1)", ((2,),))), view=True),
    ShapeSpec("np.atleast_2d", _table(((1, 3), "np.atleast_2d({0})", ((3,),))), view=True),
    ShapeSpec("np.broadcast_to", _table(((2, 3), "np.broadcast_to({0}, (2, 3))", ((3,),)), ((3, 2), "np.broadcast_to({0}, (3, 2))", ((2,),))), view=True),
    ShapeSpec("np.flip", _same_shape("np.flip({0})"), view=True),
    ShapeSpec("np.fliplr", _same_shape("np.fliplr({0})", ndim=2), view=True),
    ShapeSpec("np.flipud", _same_shape("np.flipud({0})"), view=True),
    ShapeSpec("np.rot90", _table(((3, 2), "np.rot90({0})", ((2, 3),)), ((2, 2), "np.rot90({0})", ((2, 2),))), view=True),
    ShapeSpec("np.diagonal", _table(((2,), "np.diagonal({0})", ((2, 3),))), view=True),
    ShapeSpec("np.diag", _table(((2,), "np.diag({0})", ((2, 3),)), ((2, 2), "np.diag({0})", ((2,),))), view=True),
    ShapeSpec("np.roll", _same_shape("np.roll({0}, 1)")),
    ShapeSpec("np.tile", _table(((2, 3), "np.tile({0}, (1, 3))", ((2, 1),)), ((3, 2), "np.tile({0}, (3, 1))", ((2,),)))),
    ShapeSpec("np.repeat", _table(((2, 3), "np.repeat({0}, 3, axis=1)", ((2, 1),)), ((2,), "np.repeat({0}, 2)", ((),)))),
    ShapeSpec("np.tril", _same_shape("np.tril({0})", ndim=2)),
    ShapeSpec("np.triu", _same_shape("np.triu({0})", ndim=2)),
    ShapeSpec("np.take", _table(((2,), "np.take({0}, [0, 2])", ((3,),)), ((2, 2), "np.take({0}, [2, 0], axis=1)", ((2, 3),)))),
    ShapeSpec("np.sort", _same_shape("np.sort({0})")),
    ShapeSpec("np.diff", _table(((2,), "np.diff({0})", ((3,),)), ((2, 2), "np.diff({0}, axis=1)", ((2, 3),)))),
    ShapeSpec("np.cumsum", _same_shape("np.cumsum({0}, axis=-1)")),
    ShapeSpec("np.cumprod", _same_shape("np.cumprod({0}, axis=-1)")),
    ShapeSpec("np.pad", _table(((3,), "np.pad({0}, (0, 1))", ((2,),)), ((2, 3), "np.pad({0}, ((0, 0), (1, 0)))", ((2, 2),)))),
    ShapeSpec("np.array", _same_shape("np.array({0})")),
    ShapeSpec("np.asarray", _same_shape("np.asarray({0})"), view=True),
    ShapeSpec("np.copy", _same_shape("np.copy({0})")),
    # dtype=float: the fill value may be a loop index, and an int array refuses a later `v += 0.5`.
    ShapeSpec("np.full", lambda S: [(f"np.full({S!r}, {{0}}, dtype=float)", ((),))] if S else []),
    # autograd treats full_like's fill value as a constant (its derivative is 0 there): no autograd oracle.
    ShapeSpec("np.full_like", lambda S: [("np.full_like({0}, {1})", (S, ()))] if S else [], autograd=False),
    ShapeSpec("np.clip", lambda S: [("np.clip({0}, -0.5, 0.5)", (S,))]),
    ShapeSpec("np.where", lambda S: [("np.where({0} > 0.0, {1}, {2})", (S, S, S))]),
    ShapeSpec("np.prod", _table(((), "np.prod({0})", ((3,),)), ((), "np.prod({0})", ((2,),)))),
    ShapeSpec("np.trace", _table(((), "np.trace({0})", ((2, 3),)), ((), "np.trace({0})", ((2, 2),)))),
    ShapeSpec("np.inner", _table(((), "np.inner({0}, {1})", ((3,), (3,))), ((2,), "np.inner({0}, {1})", ((2, 3), (3,))))),
    ShapeSpec("np.vdot", _table(((), "np.vdot({0}, {1})", ((2, 3), (2, 3))))),
    ShapeSpec("np.kron", _table(((2, 3), "np.kron({0}, {1})", ((2, 1), (1, 3))))),
    ShapeSpec("np.cross", _table(((3,), "np.cross({0}, {1})", ((3,), (3,))))),
    # A full contraction is a 0-d *array*, which `v += e` updates in place: float() keeps the generator's
    # model (a scalar is never shared) true.
    ShapeSpec("np.tensordot", _table(((2, 2), "np.tensordot({0}, {1}, axes=1)", ((2, 3), (3, 2))), ((), "float(np.tensordot({0}, {1}, axes=2))", ((2, 3), (2, 3))))),
    ShapeSpec("np.einsum", _table(((2,), "np.einsum('ij,j->i', {0}, {1})", ((2, 3), (3,))), ((2, 2), "np.einsum('ij,kj->ik', {0}, {1})", ((2, 3), (2, 3))),
                                  ((), "np.einsum('i,i->', {0}, {1})", ((3,), (3,))))),
    ShapeSpec("np.linalg.norm", _table(((), "np.linalg.norm({0})", ((3,),)), ((), "np.linalg.norm({0})", ((2, 3),)),
                                       ((2,), "np.linalg.norm({0}, axis=1)", ((2, 3),)))),
    ShapeSpec("np.linalg.inv", _table(((2, 2), f"np.linalg.inv({_WELL})", ((2, 2),)))),
    ShapeSpec("np.linalg.det", _table(((), f"np.linalg.det({_WELL})", ((2, 2),)))),
    ShapeSpec("np.linalg.slogdet", _table(((), f"np.linalg.slogdet({_WELL})[1]", ((2, 2),)))),
    ShapeSpec("np.linalg.solve", _table(((2,), f"np.linalg.solve({_WELL}, {{1}})", ((2, 2), (2,))),
                                        ((2, 3), f"np.linalg.solve({_WELL}, {{1}})", ((2, 2), (2, 3))))),
    ShapeSpec("np.linalg.matrix_power", _table(((2, 2), "np.linalg.matrix_power({0}, 3)", ((2, 2),)))),
    ShapeSpec("np.linalg.cholesky", _table(((2, 2), f"np.linalg.cholesky({_SPD})", ((2, 2),))), autograd=False),
    ShapeSpec("np.linalg.pinv", _table(((3, 2), "np.linalg.pinv({0} + np.eye(2, 3))", ((2, 3),))), autograd=False),
)


_SINGULAR_AT_ZERO = {"np.cbrt"}
# Functions of two arguments with no derivative where both are 0 (generated programs make exact zeros:
# integer counters that stayed 0, np.zeros buffers): the second argument is drawn from positive values.
_SINGULAR_AT_ORIGIN = {"np.arctan2", "np.hypot"}


@lru_cache(maxsize=1)
def menu() -> Menu:
    """The current menu, read from the registry once per process."""
    prims = registry.PRIMS
    m = Menu()
    skipped: list[str] = []
    binops = []
    for p in prims.values():
        if p.spelling.kind == "binop" and not p.nondiff:
            text = _BINOP_TEXT.get(p.spelling.op.__name__)
            if text:
                binops.append(text)
    m.binops = tuple(sorted(set(binops), key=list(_BINOP_TEXT.values()).index))
    m.negative = registry.lookup_unary(__import__("ast").USub) is not None
    m.dot = registry.lookup(np.dot) is not None
    m.transpose = registry.lookup_attr("T") is not None
    m.getitem = "getitem" in prims
    m.zeros = registry.lookup(np.zeros) is not None and "setitem" in prims
    m.ones = registry.lookup(np.ones) is not None
    m.builtin_sum = registry.lookup(sum) is not None
    m.append = "append" in prims
    unary, binary, reductions = [], [], []
    methods: dict[str, list[str]] = {}
    for name, p in registry._METHODS.items():
        # `x.sum()` is its own primitive (sum_method, which keeps the spelling): a method of np.sum's.
        methods.setdefault(p.name.removesuffix("_method"), []).append(name)
    for p in sorted(prims.values(), key=lambda q: q.name):
        if p.nondiff or p.user_fn is not None or p.spelling.kind != "call" or not p.spelling.path:
            continue
        path = p.spelling.path
        obj = _resolve(path)
        if obj is None or registry.lookup(obj) is not p:
            continue  # runtime helpers and user rules: not part of the user's language
        try:
            n_rules = len(p.vjp)
        except Exception as exc:  # noqa: BLE001
            skipped.append(f"{path}: rules do not load ({exc})")
            continue
        if p.shape == "reduce":
            reductions.append(Reduction(p.name, path, tuple(methods.get(p.name, ())), probe_autograd(path, 1, ("real",), True)))
            continue
        if not (p.elementwise or p.shape == "scalar") or len(p.params) not in (1, 2) or n_rules != len(p.params):
            if obj not in (np.dot, sum) and not any(spec.obj() is obj for spec in SHAPE_SPECS):
                skipped.append(f"{path}: shape class {p.shape!r}, {len(p.params)} parameters; no generation rule")
            continue
        if path in _SINGULAR_AT_ZERO:
            # Generated programs make exact zeros (np.zeros buffers), where these have no derivative.
            skipped.append(f"{path}: derivative infinite at 0, which generated buffers hit")
            continue
        arity = len(p.params)
        domains = tuple(probe_domain(obj, arity, k) for k in range(arity))
        if path in _SINGULAR_AT_ORIGIN:
            domains = (domains[0], "positive")
        if None in domains:
            skipped.append(f"{path}: no smooth domain found by probing")
            continue
        fn = Fn(p.name, path, arity, domains, p.elementwise, probe_autograd(path, arity, domains, p.elementwise))  # type: ignore[arg-type]
        (unary if arity == 1 else binary).append(fn)
    m.unary, m.binary, m.reductions = tuple(unary), tuple(binary), tuple(reductions)
    specs = []
    needs_eye = ("np.linalg.inv", "np.linalg.det", "np.linalg.slogdet", "np.linalg.solve", "np.linalg.cholesky", "np.linalg.pinv")
    for spec in SHAPE_SPECS:
        obj = spec.obj()
        if obj is None or registry.lookup(obj) is None or registry.lookup(obj).nondiff:
            continue
        if spec.name in needs_eye and registry.lookup(np.eye) is None:
            continue
        specs.append(ShapeSpec(spec.name, spec.forms, spec.view, spec.autograd and _in_autograd(spec.name)))
    m.specs = tuple(specs)
    m.skipped = tuple(skipped)
    return m
