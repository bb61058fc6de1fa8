"""Arguments and targets: what the API checks and resolves before any derivative runs.

Input: the user's function and arguments. Output: the plain Python function whose
source s2sad reads (`target`), which arguments are scalars and what layouts the
arrays have and their dtypes (`_scalars`, `_layouts`, `_dtypes`, `_kinds`: the keys derivatives are specialised
and cached on), user-input errors (`_check_input`),
and each gradient given its argument's shape and dtype (`fix_grad`).
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from . import layouts, optimize, registry
from .errors import InputError, NonDifferentiableError, SourceUnavailableError


def _is_scalar(a: Any) -> bool:
    return isinstance(a, (float, int, np.number)) or (isinstance(a, np.ndarray) and a.ndim == 0)


def _is_float(a: Any) -> bool:
    if isinstance(a, bool):
        return False
    if isinstance(a, (float, np.floating)):
        return True
    return isinstance(a, np.ndarray) and a.dtype.kind == "f"


def _check_input(name: str, a: Any) -> None:
    if type(a) is np.ndarray and a.dtype.kind in "fiub" or type(a) is float:
        return  # the commonest arguments, accepted in two tests (repeated jvp, hvp and jacobian calls check them)
    if isinstance(a, (complex, np.complexfloating)) or (isinstance(a, np.ndarray) and a.dtype.kind == "c"):
        raise InputError(f"argument {name!r} is complex; s2sad differentiates real functions only", construct=name)
    if a is None or (isinstance(a, np.ndarray) and a.dtype.kind not in "biuf"):
        what = "None" if a is None else f"an array of dtype {a.dtype}"
        raise InputError(f"argument {name!r} is {what}, which cannot be differentiated", construct=name)
    if not isinstance(a, (int, float, np.number, np.ndarray, list, tuple)):
        raise InputError(f"argument {name!r} is a {type(a).__name__}, which cannot be differentiated", construct=name,
                         hint="differentiate with respect to numbers and arrays; pass other values as parameters not in wrt")


def target(fn: Callable[..., Any], args: tuple[Any, ...] = ()) -> Callable[..., Any]:
    """The plain Python function whose source s2sad reads for `fn` at `args`."""
    resolver = getattr(fn, "_s2sad_target", None)
    if resolver is not None:
        return resolver(args)
    prim = registry.lookup(fn)
    if prim is not None:
        if prim.nondiff:
            raise NonDifferentiableError(
                f"{prim.spelling.path or prim.name} has no derivative: s2sad treats it as piecewise constant",
                construct=prim.spelling.path or prim.name,
            )
        # A helper s2sad differentiates through is read like any function; a primitive gets a one-line caller.
        return prim.user_fn if prim.user_fn is not None else _call_of(prim)
    if not inspect.isfunction(fn):  # a builtin, a C function, a NumPy dispatcher, a callable object
        name = getattr(fn, "__name__", type(fn).__name__)
        raise SourceUnavailableError(
            f"cannot read the source of {name!r}: it is not a Python function, and no derivative rule is registered for it",
            construct=name,
            hint="mark it with s2sad.primitive and give it rules with s2sad.defvjp/defjvp",
        )
    return fn


def _call_of(prim: registry.Primitive) -> Callable[..., Any]:
    """A generated one-line function calling a primitive, so its own rules are used."""
    call = getattr(prim, "_call", None)  # kept on the record: it lives and dies with the primitive
    if call is None:
        from .compile import compile_ir
        from .ir import Const, Function, Op, Param, Return, Var

        prim._load()  # rule classes are parsed lazily, and parsing fills in the parameter names
        params = [Param(p, Const(prim.defaults[p]) if p in prim.defaults else None) for p in prim.params]
        # Parameters with defaults are passed by keyword: np.sum(x, axis, keepdims) would pass keepdims as dtype.
        positional = tuple(Var(p.name) for p in params if p.default is None)
        keywords = tuple((p.name, Var(p.name)) for p in params if p.default is not None)
        body = [Return(Op(prim.name, positional, keywords))]
        name = f"call_{prim.name}"
        call = prim._call = compile_ir(Function(name, params, body), f"call of {prim.name}")
    return call


def _bound(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], defaults: bool = True) -> dict[str, Any]:
    """Parameter name -> argument for a call of `fn`, with the defaults of the others if `defaults`."""
    try:
        sig = optimize.signature(fn)
        # No arguments: a call site inside another function's source, where nothing is known yet.
        bound = sig.bind(*args, **kwargs) if args or kwargs else sig.bind_partial()
    except TypeError as exc:
        raise InputError(f"cannot call {fn.__name__}: {exc}", construct=fn.__name__) from None
    if defaults:
        bound.apply_defaults()
    return bound.arguments


def _scalars(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> frozenset[str]:
    return frozenset(n for n, v in _bound(fn, args, kwargs).items() if _is_scalar(v))


def _layouts(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> frozenset:
    """The array arguments' layouts (ranks and axes of length one), which reverse mode specialises on."""
    if not optimize.SETTINGS.layouts:
        return frozenset()
    # Exactly the arrays `_kinds` keys on: plain ndarrays passed in the call (not defaults, not subclasses).
    bound = _bound(fn, args, kwargs, defaults=False)
    return frozenset((n, layouts.of_value(v)) for n, v in bound.items() if type(v) is np.ndarray and v.ndim)


def _dtypes(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> frozenset:
    """The array arguments' dtypes, on which what grad and value_and_grad run specialises (reuse.py)."""
    if not (optimize.SETTINGS.layouts and optimize.SETTINGS.reuse):
        return frozenset()
    bound = _bound(fn, args, kwargs, defaults=False)
    return frozenset((n, v.dtype.str) for n, v in bound.items() if type(v) is np.ndarray and v.ndim)


def fix_grad(g: Any, a: Any) -> Any:
    """`g` with the shape and dtype of the argument `a` (ints promote to float)."""
    if type(a) is np.ndarray:  # the cheap call path: the commonest cases first
        if type(g) is np.ndarray and g.dtype is a.dtype and g.base is None and g.shape == a.shape and a.dtype.kind == "f":
            return g  # a fresh array (no base, so writeable) of the argument's shape and float dtype
    elif type(a) is float:
        return g if type(g) is float else float(g)
    if isinstance(a, np.ndarray):
        dtype = a.dtype if a.dtype.kind == "f" else np.dtype(np.float64)
        if type(g) is np.ndarray and g.shape == a.shape and g.dtype == dtype and g.flags.writeable:
            return g
        return np.array(np.broadcast_to(g, a.shape), dtype=dtype)
    if isinstance(a, np.floating):
        return a.dtype.type(g)
    if isinstance(a, (float, int)):
        return float(g)
    return g


def _kind(a: Any) -> Any:
    """0 for a number; for an array its dtype and its rank, or its axes of length one when it has any; -1 for anything else."""
    if type(a) is np.ndarray:
        return (a.dtype, a.ndim) if 1 not in a.shape else (a.dtype, tuple(d == 1 for d in a.shape))
    return 0 if type(a) is float or _is_scalar(a) else -1


def _kinds(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple:
    """Which arguments are scalars, and the arrays' layouts: the key of a `GradFunction`'s cached entries."""
    if len(args) == 1 and not kwargs:  # the commonest call, without building a list (~150 ns of ~800)
        a = args[0]
        if type(a) is np.ndarray:
            return (a.dtype, a.ndim) if 1 not in a.shape else (a.dtype, tuple(d == 1 for d in a.shape))
        return (0 if type(a) is float or _is_scalar(a) else -1,)
    nd = np.ndarray  # (inlined _kind for the arrays: a function call per argument is a third of the time)
    key = tuple([(a.dtype, a.ndim) if type(a) is nd and 1 not in a.shape else _kind(a) for a in args])
    return key + tuple((k, _kind(v)) for k, v in kwargs.items()) if kwargs else key
