"""What a transform's call needs between its arguments and its compiled code.

Input: the function being differentiated (its lowered form, from `pipeline`), the
names it is differentiated with respect to, and the call's arguments.
Output: the pieces a cached entry of `api.GradFunction` is built from -- `fixer`
(gradients shaped and typed like their arguments), `unaliasing` (copies of gradients
that may alias an input), `promotion` / `as_float` (integer and bool arrays in `wrt`
made float64), `lean` / `scalar_output` / `returns_tuple` / `saves_on_stack`
(which adjoint variant applies) -- and the checks and wording of call errors:
`not_scalar`, `check_cotangent` (vjp), `describe` (jvp), `annotation_scalars` (source).
Nothing here imports `transforms.py`, which builds on these names.
"""
from __future__ import annotations

import inspect
import operator
from typing import Any, Callable

import numpy as np

from ..passes import settings as optimize
from ..driver import pipeline
from .arguments import fix_grad, unaliased
from ..errors import ShapeError


def unaliasing(fix: Callable[..., Any], flags: tuple[bool, ...]) -> Callable[..., Any]:
    """`fix` after copying the gradients that may alias an input (`arguments.alias_flags`)."""

    def fix_fresh(grads: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return fix(unaliased(flags, grads), args, kwargs)

    return fix_fresh


def as_float(a: Any) -> Any:
    """An integer or bool array or NumPy scalar as float64 (int8 `x * x` would overflow); anything else as it is."""
    if isinstance(a, np.ndarray) and a.dtype.kind in "iub":
        return a.astype(np.float64)
    if isinstance(a, (np.integer, np.bool_)):
        return np.float64(a)
    return a


def promotion(fn: Callable[..., Any], wrt: tuple[str, ...], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Callable[..., Any] | None:
    """`promote(args, kwargs)`, making the integer and bool arrays in `wrt` float64; None when there are none."""
    names = list(optimize.signature(fn).parameters)
    positions = [i for i, n in enumerate(names[: len(args)]) if n in wrt and as_float(args[i]) is not args[i]]
    keys = [n for n in wrt if n in kwargs and as_float(kwargs[n]) is not kwargs[n]]
    if not positions and not keys:
        return None

    def promote(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        if positions:
            args = list(args)
            for i in positions:
                args[i] = as_float(args[i])
            args = tuple(args)
        if keys:
            kwargs = {**kwargs, **{k: as_float(kwargs[k]) for k in keys}}
        return args, kwargs

    return promote


def lean(fn: Callable[..., Any], scalars: frozenset[str]) -> bool:
    """Whether a gradient of `fn` may run the "grad" adjoint: liveness is on and the value is a number."""
    return optimize.SETTINGS.liveness and scalar_output(fn, scalars)


def scalar_output(fn: Callable[..., Any], scalars: frozenset[str]) -> bool:
    """True when `fn`'s result is a number for any arrays of the kinds given (a full reduction, say)."""
    from ..ir import Assign, Op, walk_stmts
    from ..analysis.shapes import SCALAR, infer

    low = pipeline.lowered(fn)
    known = low.__dict__.setdefault("_scalar_output", {})  # per lowered function, like its cache entries
    if scalars not in known:
        out = low.outputs[0] if len(low.outputs) == 1 and not low.tuple_output else None
        # `x.shape` is "scalar-like" to the shape facts (its items are numbers), but a tuple.
        tuple_valued = any(isinstance(s, Assign) and out in s.targets and isinstance(s.value, Op)
                           and s.value.prim in ("shape", "shape_attr") for s in walk_stmts(low.fn.body))
        known[scalars] = out is not None and not tuple_valued and infer(low.fn, set(scalars)).get(out) == SCALAR
    return known[scalars]


def fixer(positions: tuple[int, ...], wrt: tuple[str, ...], is_tuple: bool, key: tuple) -> Callable[..., Any]:
    """`fix(grads, args, kwargs)` for one cached entry: every gradient shaped like its argument.

    Specialised once per entry, so a cached call does no per-argument bookkeeping
    beyond `fix_grad` itself; where the kinds of its positional arguments (`key`, `call_kinds`) say every
    differentiated argument is a float array, a tuple of fresh gradients of their
    shapes and dtypes is returned as it is, after one loop of checks.
    """
    if len(wrt) == 1:
        p, name = positions[0], wrt[0]

        def fix_one(g: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
            g = fix_grad(g, args[p] if p < len(args) else kwargs.get(name))
            return (g,) if is_tuple else g

        return fix_one
    pick = operator.itemgetter(*positions)
    last = max(positions)
    floats = all(p < len(key) and type(key[p]) is tuple and key[p][0].kind == "f" for p in positions)
    nd = np.ndarray

    def fix_all(grads: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if last < len(args):
            picked = pick(args)
            if floats and type(grads) is tuple:
                for g, a in zip(grads, picked):  # fix_grad's first test, without a call per gradient
                    if type(g) is not nd or g.base is not None or g.dtype is not a.dtype or g.shape != a.shape:
                        break
                else:
                    return grads
            return tuple(map(fix_grad, grads, picked))
        return _fix_all(grads, wrt, positions, args, kwargs, is_tuple)

    return fix_all


def returns_tuple(low: Any) -> bool:
    """True when the function returns a tuple, from one `return a, b` or from several returns."""
    if low.tuple_output:
        return True
    from ..ir import Assign, Tup, walk_stmts

    return any(
        isinstance(s, Assign) and s.target in low.outputs and isinstance(s.value, Tup) and s.value.kind == "tuple"
        for s in walk_stmts(low.fn.body)
    )


def not_scalar(fn: Callable[..., Any], what: str, structured: bool = False) -> ShapeError:
    """The error for `grad` of a function whose output is not a scalar."""
    try:
        code = getattr(inspect.unwrap(fn), "__code__", None)
        where = {"filename": code.co_filename, "lineno": code.co_firstlineno} if code else {}
    except Exception:  # noqa: BLE001 - the location is a courtesy
        where = {}
    return ShapeError(
        f"grad needs a scalar output, but {getattr(fn, '__name__', 'the function')} returned {what}",
        construct="grad",
        hint="use s2sad.jacobian for every derivative, or s2sad.vjp with a cotangent" if not structured else
        "use s2sad.jacobian (it gives the Jacobians in the output's structure), or s2sad.vjp with a cotangent "
        "in the output's structure; to differentiate one entry, return it alone",
        **where,
    )


def saves_on_stack(fn: Callable[..., Any]) -> bool:
    """Whether `fn` is generated code that pops a stack (an adjoint with loops), which reverse mode cannot go over."""
    ir = getattr(fn, "__s2sad_ir__", None)
    if ir is None:
        return False
    from ..ir import Assign, Op, walk_stmts

    return any(isinstance(s, Assign) and isinstance(s.value, Op) and s.value.prim == "pop" for s in walk_stmts(ir.body))


def _arg(positions: int, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return args[positions] if positions < len(args) else kwargs.get(name)


def _fix_all(grads: Any, wrt: tuple[str, ...], positions: tuple[int, ...], args: tuple, kwargs: dict, is_tuple: bool) -> Any:
    if len(wrt) == 1:
        g = fix_grad(grads, _arg(positions[0], wrt[0], args, kwargs))
        return (g,) if is_tuple else g
    return tuple(fix_grad(g, _arg(p, w, args, kwargs)) for g, p, w in zip(grads, positions, wrt))


def check_cotangent(c: Any, o: Any) -> None:
    """A ShapeError unless cotangent `c` has the structure and shapes of output `o`."""
    if isinstance(o, tuple):
        if not isinstance(c, (tuple, list)):
            raise ShapeError(f"the output is a tuple of {len(o)}, but the cotangent is {type(c).__name__}", construct="pullback")
        if len(c) != len(o):
            raise ShapeError(f"the output is a tuple of {len(o)}, but the cotangent has {len(c)} parts", construct="pullback")
        for ci, oi in zip(c, o):
            check_cotangent(ci, oi)
        return
    if isinstance(o, list) and isinstance(c, (tuple, list)):
        # A list of pieces (np.split, np.array_split: maybe of different shapes): a cotangent piece by piece.
        if len(c) != len(o):
            raise ShapeError(f"the output is a list of {len(o)}, but the cotangent has {len(c)} parts", construct="pullback")
        for ci, oi in zip(c, o):
            check_cotangent(ci, oi)
        return
    if isinstance(c, (tuple, list)) and not isinstance(o, (tuple, list)) and np.ndim(o) == 0:
        raise ShapeError(f"the output is a scalar, but the cotangent is a {type(c).__name__}", construct="pullback")
    try:
        out_shape = np.shape(o)
    except ValueError:  # a ragged list of pieces: the cotangent must be a list of them too
        raise ShapeError(f"the output is a list of {len(o)} arrays of different shapes, but the cotangent is "
                         f"{type(c).__name__}", construct="pullback",
                         hint="give a list with one cotangent per piece, of the piece's shape") from None
    try:
        shape = np.shape(c)
    except ValueError:  # a ragged sequence
        raise ShapeError(f"the cotangent is a ragged {type(c).__name__}, but the output has shape {out_shape}", construct="pullback") from None
    if shape != out_shape:
        raise ShapeError(f"cotangent has shape {shape}, but the output has shape {out_shape}", construct="pullback")


def describe(a: Any) -> str:
    """'an int', 'an int64 array', 'a list of ints': what an argument is, in an error."""
    if isinstance(a, np.ndarray):
        return f"an array of dtype {a.dtype}"
    if type(a) is list or type(a) is tuple:
        return f"a {type(a).__name__} without floats"
    name = type(a).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def annotation_scalars(fn: Callable[..., Any]) -> frozenset[str]:
    """The parameters annotated `float` or `int`: the scalars of `source` called without example arguments."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return frozenset()
    return frozenset(n for n, p in params.items() if p.annotation in (float, int, "float", "int"))

