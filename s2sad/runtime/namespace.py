"""The `np` that generated code reads when its arguments are Dask, CuPy or other NumPy-like arrays.

`NUMPY_LIKE` is NumPy itself, attribute for attribute, except for the few
functions that on a foreign array compute it (`np.size` of a Dask array runs
its graph) or turn it into a NumPy array (`np.asarray`, `np.array`): those keep
the array in its own library. `backends.retarget` gives a copy of a generated
function this object as its `np`; NumPy calls never see it. `foreign(a)` (is `a` such an array?) lives
here, below the api, which re-exports it (`api/backends.py`).
"""
from __future__ import annotations

import types
from typing import Any

import numpy as np

_NUMBERS = (int, float, complex, bool, np.generic, np.ndarray)


def foreign(a: Any) -> bool:
    """Whether `a` is a non-NumPy array that NumPy's functions dispatch to (or an array API array)."""
    if isinstance(a, _NUMBERS) or a is None:
        return False
    t = type(a)
    return (hasattr(t, "__array_function__") or hasattr(t, "__array_namespace__")) and hasattr(a, "shape") and hasattr(a, "dtype")


def size(a: Any, axis: Any = None) -> Any:
    """`np.size` without computing a Dask array: its shape says the size."""
    if foreign(a):
        if axis is None:
            n = 1
            for d in a.shape:
                n *= d
            return n
        return a.shape[axis]
    return np.size(a, axis)


def asarray(a: Any, dtype: Any = None, **kwargs: Any) -> Any:
    """`np.asarray` that leaves a foreign array in its library (cast to `dtype` where given)."""
    if foreign(a):
        return a if dtype is None or a.dtype == dtype else a.astype(dtype)
    return np.asarray(a, dtype, **kwargs)


def array(a: Any, dtype: Any = None, copy: Any = True, **kwargs: Any) -> Any:
    """`np.array` that copies a foreign array in its library."""
    if foreign(a):
        out = a if dtype is None or a.dtype == dtype else a.astype(dtype)
        return out.copy() if copy and out is a else out
    return np.array(a, dtype, copy=copy, **kwargs)


class NumpyLike(types.ModuleType):
    """NumPy, with `size`, `asarray` and `array` that keep foreign arrays in their library."""

    size = staticmethod(size)
    asarray = staticmethod(asarray)
    array = staticmethod(array)

    def __getattr__(self, name: str) -> Any:
        value = getattr(np, name)
        setattr(self, name, value)  # looked up once
        return value


NUMPY_LIKE = NumpyLike("numpy")

# NumPy's names that the array API standard spells otherwise.
_ARRAY_API_NAMES = {"power": "pow", "absolute": "abs", "arccos": "acos", "arcsin": "asin", "arctan": "atan",
                    "arctan2": "atan2", "arccosh": "acosh", "arcsinh": "asinh", "arctanh": "atanh",
                    "concatenate": "concat", "transpose": "permute_dims", "true_divide": "divide"}


class ArrayApiNumpy(types.ModuleType):
    """`np` for arrays that NumPy does not dispatch to but that have an array API namespace (JAX, PyTorch
    through `array-api-compat`): each NumPy name is the namespace's function of that name (or of its array
    API spelling, `np.power` -> `xp.pow`), and NumPy's own where the namespace has none."""

    def __init__(self, xp: Any) -> None:
        super().__init__(f"numpy-like {getattr(xp, '__name__', xp)}")
        self.xp = xp

    def size(self, a: Any, axis: Any = None) -> Any:
        return size(a, axis)

    def asarray(self, a: Any, dtype: Any = None, **kwargs: Any) -> Any:
        return asarray(a, dtype) if foreign(a) else self.xp.asarray(a, dtype=dtype)

    def array(self, a: Any, dtype: Any = None, copy: Any = True, **kwargs: Any) -> Any:
        return array(a, dtype, copy) if foreign(a) else self.xp.asarray(a, dtype=dtype)

    def __getattr__(self, name: str) -> Any:
        if name in ("ndarray", "generic", "number", "floating", "integer", "dtype", "newaxis", "pi", "e", "inf", "nan"):
            value = getattr(np, name)  # types and constants: NumPy's (generated code tests `type(x) is np.ndarray`)
        else:
            value = getattr(self.xp, name, None)
            if value is None and name in _ARRAY_API_NAMES:
                value = getattr(self.xp, _ARRAY_API_NAMES[name], None)
            value = getattr(np, name) if value is None else _either(value, getattr(np, name, None))
        setattr(self, name, value)
        return value


def _either(theirs: Any, numpys: Any) -> Any:
    """`theirs` where an argument is a foreign array (or a list of them), else NumPy's `numpys`."""
    if numpys is None or not callable(theirs) or isinstance(numpys, np.ufunc):  # (a ufunc keeps `.outer`, `.at`)
        return theirs

    def call(*args: Any, **kwargs: Any) -> Any:
        for a in (*args, *kwargs.values()):
            if foreign(a) or type(a) in (list, tuple) and any(foreign(e) for e in a):
                return theirs(*args, **kwargs)
        return numpys(*args, **kwargs)

    call.__name__ = getattr(theirs, "__name__", "call")
    return call


_BY_FAMILY: dict[str, Any] = {}


def numpy_for(fam: str | None, example: Any = None) -> Any:
    """The `np` that retargeted code of family `fam` reads: `NUMPY_LIKE` for arrays NumPy dispatches to
    (Dask, CuPy), an `ArrayApiNumpy` for array API arrays (given an `example` the first time)."""
    if fam is None:
        return np
    known = _BY_FAMILY.get(fam)
    if known is None:
        if example is None or hasattr(type(example), "__array_function__"):
            known = NUMPY_LIKE
        else:
            known = ArrayApiNumpy(_namespace(example))
        _BY_FAMILY[fam] = known
    return known


def _namespace(a: Any) -> Any:
    """The array API namespace of `a`, through `array-api-compat` (imported here, only when needed)."""
    try:
        import array_api_compat
    except ImportError:
        return a.__array_namespace__()
    return array_api_compat.array_namespace(a)


def asarray_like(x: Any, like: Any) -> Any:
    """NumPy data `x` as an array of `like`'s library (a host-to-device copy for CuPy)."""
    if not foreign(like):
        return np.asarray(x)
    npl = numpy_for(type(like).__module__.split(".")[0], like)
    if npl is NUMPY_LIKE:
        return np.asarray(x, like=like)
    return npl.xp.asarray(x)


# -- the runtime helpers, for foreign arrays ------------------------------------------------------------
#
# The helpers of `runtime.py` are NumPy code that `s2sad export` copies into standalone files, so they
# stay as they are. A retargeted function calls copies of them instead: the same code objects, whose
# `np` is the family's (`NUMPY_LIKE`, or an `ArrayApiNumpy`) and whose calls of each other reach the
# copies, with the overrides below in place of the few that build NumPy arrays from scratch.


def _overrides(npl: Any, copies: dict[str, Any]) -> dict[str, Any]:
    def unsum(g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
        """`runtime.unsum`, spreading a number (the seed 1.0) in `x`'s library rather than as a NumPy view."""
        if type(g) is float and foreign(x):
            return npl.broadcast_to(npl.full_like(x, g, shape=()), x.shape)
        return copies["unsum"](g, x, axis, keepdims)

    def scatter_add(g: Any, x: Any, index: Any) -> Any:
        """`runtime.scatter_add` with the zeros made in `x`'s library (a store into a Dask array builds a graph)."""
        if not foreign(x):
            return copies["scatter_add"](g, x, index)
        out = npl.zeros_like(x, dtype=np.result_type(x.dtype, getattr(g, "dtype", np.float16), np.float16))
        if hasattr(out, "at") and not hasattr(out, "compute"):  # JAX: immutable, with its own scatter-add
            return out.at[index].add(g)
        if copies["_basic_index"](index):
            out[index] = g
        else:
            np.add.at(out, index, g)
        return out

    return {"unsum": unsum, "scatter_add": scatter_add}


_HELPERS: dict[int, dict[str, Any]] = {}  # id(np-like) -> name -> what a retargeted function calls


def helpers(npl: Any = NUMPY_LIKE) -> dict[str, Any]:
    """Runtime helper name -> the version that retargeted code reading `npl` as `np` calls (see above)."""
    known = _HELPERS.get(id(npl))
    if known is None:
        known = _HELPERS[id(npl)] = _build(npl)
    return known


def _build(npl: Any) -> dict[str, Any]:
    import sys

    from .. import runtime

    modules = {name: m for name, m in sys.modules.items() if name.startswith("s2sad.runtime") and m is not None
               and name != __name__}
    tables = {name: {k: (npl if v is np else v) for k, v in vars(m).items()} for name, m in modules.items()}
    copies: dict[int, Any] = {}
    for m in modules.values():
        for v in vars(m).values():
            if isinstance(v, types.FunctionType) and v.__module__ in tables and id(v) not in copies:
                c = types.FunctionType(v.__code__, tables[v.__module__], v.__name__, v.__defaults__, v.__closure__)
                c.__kwdefaults__ = v.__kwdefaults__
                c.__doc__ = v.__doc__
                copies[id(v)] = c
    by_name = {k: copies[id(v)] for k, v in vars(runtime).items() if isinstance(v, types.FunctionType) and id(v) in copies}
    overrides = _overrides(npl, by_name)
    for table in tables.values():
        for k, v in list(table.items()):
            if isinstance(v, types.FunctionType) and id(v) in copies:
                table[k] = overrides.get(k, copies[id(v)])
    return {k: overrides.get(k, c) for k, c in by_name.items()}
