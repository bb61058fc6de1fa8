"""Arguments and targets: what the API checks and resolves before any derivative runs.

Input: the user's function and arguments. Output: the plain Python function whose
source s2sad reads (`target`; it also fills `pytrees.structured_call.TARGET`, the service slot
the layer below reads it through), which arguments are scalars and what layouts the
arrays have and their dtypes (`scalar_names`, `array_layouts`, `array_dtypes`, `call_kinds`: the keys
derivatives are specialised and cached on), user-input errors (`check_input`),
and each gradient given its argument's shape and dtype (`fix_grad`).
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from ..analysis import layouts
from ..passes import settings as optimize
from ..primitives import registry
from ..pytrees import structured_call
from ..runtime.namespace import foreign
from ..errors import InputError, NonDifferentiableError, SourceUnavailableError, where_defined


def is_scalar(a: Any) -> bool:
    """A number or a 0-d array: an argument derivatives are specialised on as a scalar."""
    return isinstance(a, (float, int, np.number)) or (isinstance(a, np.ndarray) and a.ndim == 0)


def is_float(a: Any) -> bool:
    """A float number or a float array (NumPy's, Dask's or CuPy's): what forward mode differentiates."""
    if isinstance(a, bool):
        return False
    if isinstance(a, (float, np.floating)):
        return True
    if isinstance(a, np.ndarray):
        return a.dtype.kind == "f"
    return foreign(a) and np.dtype(a.dtype).kind == "f"  # a Dask or CuPy array (backends.py)


def is_float_sequence(a: Any) -> bool:
    """A list or tuple of floats (or of float arrays of one shape): forward mode differentiates it, as reverse mode does."""
    if type(a) is not list and type(a) is not tuple:
        return False
    try:
        return np.asarray(a).dtype.kind == "f"
    except ValueError:  # ragged
        return False


def nonzero(t: Any) -> bool:
    """Whether a tangent has any nonzero entry (None and zeros do not)."""
    if t is None:
        return False
    if type(t) is list or type(t) is tuple:
        return any(nonzero(x) for x in t)
    try:
        return bool(np.any(np.asarray(t) != 0))
    except (TypeError, ValueError):
        return True


def check_input(name: str, a: Any, fn: Callable[..., Any] | None = None) -> None:
    """An `InputError` naming parameter `name` (at `fn`'s def line, when given) unless `a` can be differentiated."""
    if type(a) is np.ndarray and a.dtype.kind in "fiub" or type(a) is float:
        return  # the commonest arguments, accepted in two tests (repeated jvp, hvp and jacobian calls check them)
    if isinstance(a, (complex, np.complexfloating)) or (isinstance(a, np.ndarray) and a.dtype.kind == "c"):
        raise InputError(f"argument {name!r} is complex; s2sad differentiates real functions only", construct=name, **where_defined(fn))
    if a is None or (isinstance(a, np.ndarray) and a.dtype.kind not in "biuf"):
        what = "None" if a is None else f"an array of dtype {a.dtype}"
        raise InputError(f"argument {name!r} is {what}, which cannot be differentiated", construct=name, **where_defined(fn))
    if foreign(a):  # a Dask, CuPy or other NumPy-like array (backends.py): differentiated in its own library
        kind = np.dtype(a.dtype).kind
        if kind in "fiub":
            return
        what = "complex" if kind == "c" else f"an array of dtype {a.dtype}"
        raise InputError(f"argument {name!r} is {what}, which cannot be differentiated", construct=name, **where_defined(fn))
    if isinstance(a, dict):
        raise InputError(f"argument {name!r} is a dict: s2sad does not differentiate with respect to a dict (yet)",
                         construct=name, **where_defined(fn),
                         hint="pass its arrays as separate parameters, or a tuple or list of them; "
                              "a dict not in wrt is a constant and is fine")
    if not isinstance(a, (int, float, np.number, np.ndarray, list, tuple)):
        raise InputError(f"argument {name!r} is a {type(a).__name__}, which cannot be differentiated", construct=name, **where_defined(fn),
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
    if inspect.ismethod(fn) and inspect.isfunction(fn.__func__):
        owner = type(fn.__self__).__name__ if not isinstance(fn.__self__, type) else fn.__self__.__name__
        name = f"{owner}.{fn.__func__.__name__}"
        raise SourceUnavailableError(
            f"{name} is a bound method, which s2sad does not differentiate yet: it differentiates plain functions",
            construct=name, **where_defined(fn.__func__),
            hint=f"write it as a module-level function that takes the arrays the method reads from the object as "
                 f"parameters, e.g. def {fn.__func__.__name__}(w, data): ..., and pass them",
        )
    if not inspect.isfunction(fn):  # a builtin, a C function, a NumPy dispatcher, a callable object
        name = getattr(fn, "__name__", type(fn).__name__)
        raise SourceUnavailableError(
            f"cannot read the source of {name!r}: it is not a Python function, and no derivative rule is registered for it",
            construct=name,
            hint="mark it with s2sad.primitive and give it rules with s2sad.defvjp/defjvp",
        )
    return fn


structured_call.TARGET = target  # the service slot of the layer below: pytrees reads a wrapper's function through it


def _call_of(prim: registry.Primitive) -> Callable[..., Any]:
    """A generated one-line function calling a primitive, so its own rules are used."""
    call = getattr(prim, "_call", None)  # kept on the record: it lives and dies with the primitive
    if call is None:
        from ..driver.compile import compile_ir
        from ..ir import Const, Function, Op, Param, Return, Var

        prim.vjp  # noqa: B018 -- reading the rules parses the rule class (lazily), which fills in the parameter names
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


def scalar_names(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> frozenset[str]:
    """The names of `fn`'s parameters that are scalars in this call (defaults included)."""
    return frozenset(n for n, v in _bound(fn, args, kwargs).items() if is_scalar(v))


def array_layouts(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> frozenset:
    """The array arguments' layouts (ranks and axes of length one), which reverse mode specialises on."""
    if not optimize.SETTINGS.layouts:
        return frozenset()
    # Exactly the arrays `call_kinds` keys on: plain ndarrays passed in the call (not defaults, not subclasses).
    bound = _bound(fn, args, kwargs, defaults=False)
    # (and the foreign arrays of `_kind`: a Dask array's layout is known without computing it)
    return frozenset((n, layouts.of_value(v) if type(v) is np.ndarray else tuple(d == 1 for d in v.shape))
                     for n, v in bound.items() if (type(v) is np.ndarray or foreign(v)) and v.ndim)


def array_dtypes(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> frozenset:
    """The array arguments' dtypes, on which what grad and value_and_grad run specialises (reuse.py)."""
    if not (optimize.SETTINGS.layouts and optimize.SETTINGS.reuse):
        return frozenset()
    bound = _bound(fn, args, kwargs, defaults=False)
    if any(type(v) is not np.ndarray and foreign(v) for v in bound.values()):
        return frozenset()  # `out=` writes and `sincos` are NumPy's: none for Dask or CuPy arrays
    return frozenset((n, v.dtype.str) for n, v in bound.items() if type(v) is np.ndarray and v.ndim)


def fix_grad(g: Any, a: Any) -> Any:
    """`g` with the shape and dtype of the argument `a` (ints promote to float)."""
    if type(a) is np.ndarray:  # the cheap call path: the commonest cases first
        if type(g) is np.ndarray and g.dtype is a.dtype and g.base is None and g.shape == a.shape and a.dtype.kind == "f":
            return g  # a fresh array (no base, so writeable) of the argument's shape and float dtype
    elif type(a) is float:
        return g if type(g) is float or foreign(g) else float(g)  # (a Dask or CuPy number stays lazy)
    if isinstance(a, np.ndarray):
        dtype = a.dtype if a.dtype.kind == "f" else np.dtype(np.float64)
        if type(g) is np.ndarray and g.shape == a.shape and g.dtype == dtype and g.flags.writeable:
            return g
        if foreign(g):  # a NumPy argument beside Dask data: its gradient stays a lazy Dask array (backends.py)
            from .backends import like

            return like(a, g)
        return np.array(np.broadcast_to(g, a.shape), dtype=dtype)
    if foreign(g) and not isinstance(a, np.ndarray):  # a number's gradient from Dask or CuPy arrays: left lazy
        return g
    if isinstance(a, np.floating):
        return a.dtype.type(g)
    if isinstance(a, (float, int)):
        return float(g)
    if foreign(a):  # a Dask or CuPy array: the gradient is one of its library, shape and float dtype
        if type(g) is type(a) and g.shape == a.shape and g.dtype == (a.dtype if np.dtype(a.dtype).kind == "f" else np.float64):
            return g
        from .backends import like

        return like(a, g)
    return g


def _kind(a: Any) -> Any:
    """0 for a number; for an array its dtype and its rank, or its axes of length one when it has any; -1 for anything else."""
    if type(a) is np.ndarray:
        return (a.dtype, a.ndim) if 1 not in a.shape else (a.dtype, tuple(d == 1 for d in a.shape))
    if type(a) is float or is_scalar(a):
        return 0
    # A Dask or CuPy array: its dtype and layout, and its type, so each library gets its own entry.
    return (a.dtype, tuple(d == 1 for d in a.shape), type(a)) if foreign(a) else -1


def call_kinds(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple:
    """Which arguments are scalars, and the arrays' layouts: the key of a `GradFunction`'s cached entries."""
    if len(args) == 1 and not kwargs:  # the commonest call, without building a list (~150 ns of ~800)
        a = args[0]
        if type(a) is np.ndarray:
            return (a.dtype, a.ndim) if 1 not in a.shape else (a.dtype, tuple(d == 1 for d in a.shape))
        return (0 if type(a) is float or is_scalar(a) else _kind(a),)
    nd = np.ndarray  # (inlined _kind for the arrays: a function call per argument is a third of the time)
    key = tuple([(a.dtype, a.ndim) if type(a) is nd and 1 not in a.shape else _kind(a) for a in args])
    return key + tuple((k, _kind(v)) for k, v in kwargs.items()) if kwargs else key


# -- derivatives never alias an input ---------------------------------------------------------------------
#
# Generated code may return a parameter, or a view of one, as a derivative: `w_bar = d` for
# `np.sum(w * d)` once the seed 1.0 is folded away, `w_bar = d.T`, or a pullback's cotangent handed
# straight back for the identity. Handed to the caller, such a gradient *is* their data: `g *= 0.1`
# would scale it. Which returned values may alias a parameter is decided once per generated function,
# from its IR; only those are copied, so the common case does no per-call work.


def _may_alias(expr: Any, aliasing: set[str]) -> bool:
    """Whether `expr` may evaluate to (a view of) a value some name in `aliasing` holds."""
    from ..ir import Op, Tup, Var

    if isinstance(expr, Var):
        return expr.name in aliasing
    if isinstance(expr, Tup):
        return any(_may_alias(e, aliasing) for e in expr.elts)
    if not isinstance(expr, Op):
        return False  # constants and slices
    kw = dict(expr.kwargs)
    if "out" in kw:  # written into an array: the result is that array
        return _may_alias(kw["out"], aliasing)
    prim = registry.PRIMS.get(expr.prim)
    if prim is not None and (type(prim.fn).__name__ == "ufunc" or prim.shape == "reduce"):
        return False  # a ufunc or a reduction makes a new array (or a number)
    if registry.declared(expr.prim, "new_array"):  # a runtime helper whose result is always a new array
        return False
    if expr.prim.endswith("_") and expr.args:  # a runtime adjoint helper: at most its first argument comes back
        return _may_alias(expr.args[0], aliasing)
    return any(_may_alias(a, aliasing) for a in expr.args) or any(_may_alias(v, aliasing) for _, v in expr.kwargs)


def alias_flags(compiled: Callable[..., Any], count: int, valued: bool = False) -> tuple[bool, ...]:
    """Per returned derivative (`count` of them; after the value when `valued`): may it alias a parameter?

    A flow-insensitive fixpoint over the generated IR, starting from its parameters (the primals,
    the seeds, the tangents): conservative, so a name bound anywhere from an aliasing value aliases.
    """
    known = getattr(compiled, "__s2sad_alias_flags__", None)
    if known is not None and known[0] == (count, valued):
        return known[1]
    from ..ir import Assign, ExprStmt, For, Op, Return, Tup, Var, walk_stmts

    fn = compiled.__s2sad_ir__
    aliasing = {p.name for p in fn.params}
    stmts = list(walk_stmts(fn.body))
    changed = True
    while changed:
        changed = False
        for s in stmts:
            if isinstance(s, ExprStmt) and isinstance(s.value, Op):  # `stack.append(x)`: the container holds x
                holders = [a.name for a in s.value.args if isinstance(a, Var) and a.name not in aliasing]
                if holders and _may_alias(s.value, aliasing):
                    aliasing.update(holders)
                    changed = True
                continue
            if isinstance(s, Assign):
                value, targets = s.value, s.targets
            elif isinstance(s, For):
                value, targets = s.iter, (s.target if isinstance(s.target, tuple) else (s.target,))
            else:
                continue
            new = [t for t in targets if t not in aliasing]
            if new and _may_alias(value, aliasing):
                aliasing.update(new)
                changed = True
    flags = [False] * count
    for s in stmts:
        if not isinstance(s, Return):
            continue
        value = s.value
        if valued:
            value = value.elts[1] if isinstance(value, Tup) and len(value.elts) == 2 else value
        if count > 1 and isinstance(value, Tup) and len(value.elts) == count:
            flags = [f or _may_alias(e, aliasing) for f, e in zip(flags, value.elts)]
        else:
            either = _may_alias(value, aliasing)
            flags = [f or either for f in flags]
    result = tuple(flags)
    try:
        compiled.__s2sad_alias_flags__ = ((count, valued), result)
    except AttributeError:
        pass
    return result


def fresh(g: Any) -> Any:
    """A copy of a derivative that may alias an input (arrays, and lists or tuples of them)."""
    if isinstance(g, np.ndarray):
        return g.copy()
    if type(g) is list or type(g) is tuple:
        return type(g)(fresh(x) for x in g)
    return g.copy() if foreign(g) else g


def unaliased(flags: tuple[bool, ...], grads: Any) -> Any:
    """`grads` (one derivative, or a tuple of them) with those flagged copied."""
    if len(flags) == 1:
        return fresh(grads) if flags[0] else grads
    return tuple(fresh(g) if f else g for f, g in zip(flags, grads))
