"""A small NEP-13/18 duck array that behaves like CuPy where it matters to s2sad.

`DuckArray` wraps a NumPy array and takes part in NumPy's dispatch
(`__array_ufunc__`, `__array_function__`), so `np.exp(d)`, `np.sum(d)` and
`d @ w` give DuckArrays, the way they give CuPy arrays on a GPU. Like CuPy it
refuses implicit conversion to NumPy (`np.asarray(d)` raises TypeError) and it
refuses NumPy arrays mixed into its operations (`d + np.ones(3)` raises):
a NumPy array built by s2sad's runtime where a device array should be
shows up as an error here, without a GPU. Python numbers and NumPy scalars
mix in freely, as they do with CuPy; `float(d)` of a 0-d array is allowed
(CuPy's explicit device-to-host copy).
"""
from __future__ import annotations

from typing import Any

import numpy as np


class MixedArrayError(TypeError):
    """A NumPy array met a DuckArray in one operation (CuPy raises TypeError too)."""


def _unwrap(x: Any) -> Any:
    if type(x) is DuckArray:
        return x._data
    if isinstance(x, np.ndarray):
        raise MixedArrayError(f"a NumPy array of shape {x.shape} was mixed into a DuckArray operation "
                              "(CuPy refuses these too)")
    if type(x) is list or type(x) is tuple:
        return type(x)(_unwrap(e) for e in x)
    if type(x) is dict:
        return {k: _unwrap(v) for k, v in x.items()}
    return x


def _wrap(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return DuckArray(x)
    if isinstance(x, (np.floating, np.integer, np.bool_)):  # reductions give 0-d device arrays, as on CuPy
        return DuckArray(np.asarray(x))
    if type(x) is list or type(x) is tuple:
        return type(x)(_wrap(e) for e in x)
    return x


_CREATION = {"asarray", "array", "asanyarray", "zeros", "ones", "empty", "full", "eye", "identity", "arange"}


class DuckArray:
    """A CuPy-like array: NumPy's functions work on it, NumPy arrays do not mix with it."""

    __array_priority__ = 100

    def __init__(self, data: Any) -> None:
        self._data = data if isinstance(data, np.ndarray) else np.asarray(data)

    # -- NumPy's dispatch protocols ----------------------------------------------------------------
    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Implicit conversion to a NumPy array is not allowed (DuckArray, like CuPy); use .get()")

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        out = kwargs.get("out")
        kwargs = _unwrap(kwargs)
        result = getattr(ufunc, method)(*_unwrap(inputs), **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(result)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if func.__name__ in _CREATION:  # np.asarray(x, like=d): host data copied to the "device", as cupy.asarray does
            return DuckArray(np.array(func(*args, **kwargs)))
        if any(issubclass(t, np.ndarray) for t in types):
            raise MixedArrayError(f"np.{func.__name__} got a NumPy array mixed with a DuckArray")
        return _wrap(func(*_unwrap(args), **_unwrap(kwargs)))

    # -- the array's own surface -------------------------------------------------------------------
    def get(self) -> np.ndarray:
        """The data as a NumPy array (CuPy's explicit device-to-host copy)."""
        return self._data.copy()

    shape = property(lambda self: self._data.shape)
    dtype = property(lambda self: self._data.dtype)
    ndim = property(lambda self: self._data.ndim)
    size = property(lambda self: self._data.size)
    T = property(lambda self: DuckArray(self._data.T))

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"DuckArray({self._data!r})"

    def __getitem__(self, index: Any) -> Any:
        return _wrap(self._data[_unwrap(index)])

    def __setitem__(self, index: Any, value: Any) -> None:
        self._data[_unwrap(index)] = _unwrap(value)

    def __float__(self) -> float:
        return float(self._data)

    def __int__(self) -> int:
        return int(self._data)

    def __bool__(self) -> bool:
        return bool(self._data)

    def __index__(self) -> int:
        return self._data.__index__()

    def __getattr__(self, name: str) -> Any:  # sum, mean, reshape, astype, copy, transpose, max, ...
        if name.startswith("__"):
            raise AttributeError(name)
        attr = getattr(self._data, name)
        if not callable(attr):
            return _wrap(attr)

        def method(*args: Any, **kwargs: Any) -> Any:
            return _wrap(attr(*_unwrap(args), **_unwrap(kwargs)))

        return method


def _binary(ufunc: Any, reflected: bool = False) -> Any:
    if reflected:
        return lambda self, other: ufunc(other, self)
    return lambda self, other: ufunc(self, other)


def _inplace(ufunc: Any) -> Any:
    def op(self: DuckArray, other: Any) -> DuckArray:
        ufunc(self, other, out=(self,))
        return self

    return op


for _name, _uf in [("add", np.add), ("sub", np.subtract), ("mul", np.multiply), ("truediv", np.true_divide),
                   ("floordiv", np.floor_divide), ("pow", np.power), ("matmul", np.matmul), ("mod", np.remainder)]:
    setattr(DuckArray, f"__{_name}__", _binary(_uf))
    setattr(DuckArray, f"__r{_name}__", _binary(_uf, reflected=True))
    setattr(DuckArray, f"__i{_name}__", _inplace(_uf))
for _name, _uf in [("lt", np.less), ("le", np.less_equal), ("gt", np.greater), ("ge", np.greater_equal),
                   ("eq", np.equal), ("ne", np.not_equal)]:
    setattr(DuckArray, f"__{_name}__", _binary(_uf))
DuckArray.__neg__ = lambda self: np.negative(self)
DuckArray.__pos__ = lambda self: np.positive(self)
DuckArray.__abs__ = lambda self: np.absolute(self)
DuckArray.__hash__ = None


def duck(x: Any) -> DuckArray:
    """A DuckArray holding a copy of `x` (the host-to-device copy, `cupy.asarray`)."""
    return DuckArray(np.array(x))
