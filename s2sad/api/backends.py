"""Array type in, array type out: derivatives of Dask, CuPy and other NumPy-like arrays.

Input: the arguments of a call. Output: whether any is a *foreign* array (not a
NumPy array, but one that takes part in NumPy's dispatch, NEP-13 `__array_ufunc__`
and NEP-18 `__array_function__`, or has the array API's `__array_namespace__`),
its *family* (the library it comes from: "dask", "cupy", ...), an `InputError`
naming both arguments when two families that cannot meet are mixed in one call,
and `retarget(compiled)`: the generated code with its `np` taken from the arguments.

Generated code is NumPy text (`np.exp(t3)`, `X.T @ t5_bar`), and on a Dask or
CuPy array NumPy's own functions hand the work to that library, so the same
text runs there and gives that library's arrays. The few NumPy functions that
do not dispatch, or that compute a Dask graph to answer (`np.size`, `np.asarray`,
`np.zeros(shape)`), are answered by `runtime.namespace.NumpyLike`, which a retargeted copy of the
generated function reads as its `np`: the text users see (`s2sad show`, `export`) never changes,
and a NumPy call runs the original function, untouched. The retargeted copies are
kept on the compiled function, one per family.
"""
from __future__ import annotations

import types
from typing import Any, Callable, Iterable

import numpy as np

from ..errors import InputError, where_defined

from ..runtime.namespace import foreign  # noqa: F401 -- below the api: the runtime's `np` reads it too


def family(a: Any) -> str:
    """The library a foreign array comes from: the top-level module of its type ("dask", "cupy", ...)."""
    return type(a).__module__.split(".")[0]


def describe(a: Any) -> str:
    t = type(a)
    return f"{t.__module__}.{t.__qualname__}"


def check_family(named: Iterable[tuple[str, Any]], fn: Callable[..., Any] | None = None) -> str | None:
    """The family of the foreign arrays among `(name, value)` pairs, or None when there are none.

    Two families in one call (a CuPy array and a Dask array) cannot meet in one operation:
    an `InputError` names both arguments."""
    seen: tuple[str, str, Any] | None = None
    for name, a in named:
        if not foreign(a):
            continue
        fam = family(a)
        if seen is None:
            seen = (fam, name, a)
            from ..runtime.namespace import numpy_for

            numpy_for(fam, a)  # the first array of a library decides its `np` (runtime/namespace.py)
        elif fam != seen[0]:
            raise InputError(
                f"arguments {seen[1]!r} ({describe(seen[2])}) and {name!r} ({describe(a)}) are arrays of two "
                f"libraries, {seen[0]} and {fam}, which cannot meet in one computation",
                construct=name, **where_defined(fn),
                hint=f"convert one of them, e.g. pass {name!r} as a {seen[0]} array too "
                     "(dask.array.from_array(x) wraps a CuPy or NumPy array in Dask)",
            )
    return seen[0] if seen is not None else None


def any_foreign(values: Iterable[Any]) -> bool:
    for a in values:
        if type(a) is not np.ndarray and type(a) is not float and foreign(a):
            return True
    return False


def call_family(args: tuple[Any, ...], kwargs: dict[str, Any], names: list[str] | None = None,
                fn: Callable[..., Any] | None = None) -> str | None:
    """`check_family` over a call's arguments (named by `names` where given, else by position)."""
    if not any_foreign(args) and not any_foreign(kwargs.values()):
        return None
    named = [((names[i] if names is not None and i < len(names) else f"argument {i}"), a) for i, a in enumerate(args)]
    return check_family(named + list(kwargs.items()), fn)


def retarget(compiled: Callable[..., Any], fam: str | None) -> Callable[..., Any]:
    """`compiled` (generated code) reading `np` as `runtime.namespace.NUMPY_LIKE` for family `fam`;
    `compiled` itself for NumPy (`fam` None) or for anything that is not a generated function."""
    if fam is None or not isinstance(compiled, types.FunctionType) or not hasattr(compiled, "__s2sad_ir__"):
        return compiled
    copies = compiled.__dict__.setdefault("__s2sad_retargeted__", {})
    clone = copies.get(fam)
    if clone is None:
        from ..runtime.namespace import numpy_for

        clone = copies[fam] = _clone(compiled, {}, numpy_for(fam))
    return clone


def _clone(fn: types.FunctionType, done: dict[int, Any], npl: Any) -> types.FunctionType:
    from ..runtime.namespace import helpers

    if id(fn) in done:
        return done[id(fn)]
    g = dict(fn.__globals__)
    clone = types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)
    done[id(fn)] = clone
    clone.__kwdefaults__ = fn.__kwdefaults__
    clone.__dict__.update({k: v for k, v in fn.__dict__.items() if k != "__s2sad_retargeted__"})
    for k, v in list(g.items()):
        if v is np:
            g[k] = npl
        elif isinstance(v, types.FunctionType) and hasattr(v, "__s2sad_ir__"):  # a helper's generated derivative
            g[k] = _clone(v, done, npl)
    foreign_helpers = helpers(npl)
    for k, v in list(g.items()):  # the runtime helpers it calls by name: their foreign-array versions
        if isinstance(v, types.FunctionType) and v.__module__.startswith("s2sad.runtime") and k in foreign_helpers:
            g[k] = foreign_helpers[k]
    return clone


def like(a: Any, g: Any) -> Any:
    """`g` (a number, or a NumPy array) as an array of `a`'s library, shape and float dtype: a gradient
    that generated code gave as a constant (0.0 for an argument the value does not depend on)."""
    from ..runtime.namespace import asarray_like, numpy_for

    dtype = a.dtype if _kind_of(a.dtype) == "f" else np.float64
    if foreign(g):
        npl = numpy_for(family(g), g)
        out = g if tuple(g.shape) == tuple(a.shape) else npl.broadcast_to(g, a.shape)
        out = out if out.dtype == dtype else out.astype(dtype)
        return out if out is g or family(g) == "dask" else out.copy()  # (a Dask array is never written into)
    npl = numpy_for(family(a), a)
    if isinstance(g, np.ndarray) and g.ndim:  # a NumPy array: cannot be mixed into CuPy; to the device it goes
        return npl.broadcast_to(asarray_like(g.astype(dtype), a), a.shape).copy()
    return npl.full_like(a, g, dtype=dtype)


def _kind_of(dtype: Any) -> str:
    """NumPy's kind letter of a dtype ("f" for floats), also for a library's own dtype objects (PyTorch's)."""
    try:
        return np.dtype(dtype).kind
    except TypeError:
        return "f" if getattr(dtype, "is_floating_point", False) else "?"


def zeros_tangent(p: Any, primals: tuple[Any, ...] = ()) -> Any:
    """A zero tangent for argument `p` of a call with `primals`: NumPy's float zeros, or zeros in the
    library of the call's foreign arrays (a number for a number: CuPy takes no NumPy array, even 0-d)."""
    if type(p) is not np.ndarray and foreign(p):
        from ..runtime.namespace import numpy_for

        return numpy_for(family(p), p).zeros_like(p, dtype=p.dtype if _kind_of(p.dtype) == "f" else np.float64)
    if primals and any_foreign(primals):
        if np.ndim(p) == 0:
            return 0.0
        from ..runtime.namespace import asarray_like

        return asarray_like(np.zeros(np.shape(p)), next(a for a in primals if foreign(a)))
    return np.zeros(np.shape(p))
