"""The tiny runtime that generated code imports by name.

Only helpers that a TA would otherwise write by hand on the board live here:
summing an adjoint back to the shape of a broadcast operand, expanding a
reduced adjoint back to its input's shape, and the two adjoints of a matrix
product for every combination of ranks. Everything depends on numpy alone.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def unbroadcast(g: Any, x: Any) -> Any:
    """Sum `g` down to the shape of `x`: the adjoint of NumPy broadcasting."""
    shape = np.shape(x)
    if np.shape(g) == shape:
        return g
    g = np.asarray(g)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    if g.shape != shape:  # `g` was smaller than `x`: the contribution is constant along the rest
        g = np.broadcast_to(g, shape)
    return g


def broadcast_like(g: Any, x: Any) -> Any:
    """Broadcast `g` up to the shape of `x`: the adjoint of `unbroadcast`."""
    shape = np.shape(x)
    return g if np.shape(g) == shape else np.broadcast_to(g, shape)


def unsum(g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Spread the adjoint of `np.sum(x, axis)` back over the summed axes of `x`."""
    shape = np.shape(x)
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        g = np.expand_dims(g, tuple(a % len(shape) for a in axes))
    return np.broadcast_to(g, shape)


def matmul_adjoint_a(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `a @ b` (or `np.dot` on 1-D/2-D) with respect to `a`, given `y` = adjoint of the product."""
    na, nb = np.ndim(a), np.ndim(b)
    if na == 0 or nb == 0:
        return unbroadcast(y * b, a)
    if na == 1 and nb == 1:
        return y * b
    if nb == 1:
        return unbroadcast(np.multiply.outer(y, b), a)
    if na == 1:
        return unbroadcast(np.matmul(b, np.expand_dims(y, -1))[..., 0], a)
    return unbroadcast(np.matmul(y, np.swapaxes(b, -1, -2)), a)


def matmul_adjoint_b(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `a @ b` (or `np.dot` on 1-D/2-D) with respect to `b`, given `y` = adjoint of the product."""
    na, nb = np.ndim(a), np.ndim(b)
    if na == 0 or nb == 0:
        return unbroadcast(y * a, b)
    if na == 1 and nb == 1:
        return y * a
    if na == 1:
        return unbroadcast(np.expand_dims(a, -1) * np.expand_dims(y, -2), b)
    if nb == 1:
        return unbroadcast(np.matmul(np.swapaxes(a, -1, -2), np.expand_dims(y, -1))[..., 0], b)
    return unbroadcast(np.matmul(np.swapaxes(a, -1, -2), y), b)


__all__ = ["unbroadcast", "broadcast_like", "unsum", "matmul_adjoint_a", "matmul_adjoint_b"]


def scatter_add(g: Any, x: Any, index: Any) -> Any:
    """Adjoint of `x[index]`: zeros shaped like `x` with `g` added at `index` (repeats accumulate)."""
    out = np.zeros(np.shape(x), dtype=np.result_type(np.asarray(g).dtype, np.asarray(x).dtype, np.float16))
    np.add.at(out, index, g)
    return out


__all__ += ["scatter_add"]


# -- control flow: the stack of values the backward sweep needs, and in-place updates --


class Stack:
    """A plain LIFO of values saved by the forward sweep for the backward sweep."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list = []

    def push(self, value: Any) -> None:
        """Save a value the backward sweep will need."""
        self.items.append(value)

    def pop(self) -> Any:
        """Take back the most recently saved value."""
        return self.items.pop()

    def __len__(self) -> int:
        return len(self.items)


def zero_at(g: Any, index: Any) -> Any:
    """A copy of `g` with zeros at `index`: the adjoint of an array before `y[index] = v`."""
    out = np.array(g, dtype=np.result_type(np.asarray(g).dtype, np.float16), copy=True)
    out[index] = 0
    return out


def set_at(y: Any, index: Any, v: Any) -> Any:
    """A copy of `y` with `v` at `index`: `y[index] = v` without mutating `y`."""
    out = np.array(y, dtype=np.result_type(np.asarray(y).dtype, np.asarray(v).dtype), copy=True)
    out[index] = v
    return out


def appended(xs: Any, v: Any) -> list:
    """A new list: `xs` followed by `v` (what `xs.append(v)` leaves in `xs`)."""
    return list(xs) + [v]


__all__ += ["Stack", "zero_at", "set_at", "appended"]
