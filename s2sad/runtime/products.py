"""The runtime's adjoints of `np.dot`, `np.inner` and `np.cross` (re-exported by `s2sad.runtime`).

Input: `y`, the adjoint of the product, and its operands `a` and `b` (with `np.cross`'s axes). Output: the
adjoint with respect to one operand, written with `a @ b`'s adjoints (`s2sad.runtime`) or `np.tensordot`'s
(`s2sad.runtime.linalg`) for the ranks where `np.dot` and `np.inner` are those; `product` is `np.dot` of
any ranks but stacks. Numpy alone.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import matmul_adjoint_a, matmul_adjoint_b, unbroadcast
from .linalg import tensordot_adjoint_a, tensordot_adjoint_b


def product(a: Any, b: Any) -> Any:
    """`a @ b`, or `a * b` when either is a scalar (what `np.dot` does): the product whose adjoints
    `matmul_adjoint_a`/`matmul_adjoint_b` are."""
    return a * b if np.ndim(a) == 0 or np.ndim(b) == 0 else np.matmul(a, b)


def dot_adjoint_a(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `np.dot(a, b)` with respect to `a`, given `y` = adjoint of the result. `np.dot` is
    `a @ b` except when `a` is a matrix or a stack and `b` a stack: then it is `np.tensordot(a, b, (-1, -2))`."""
    if np.ndim(a) >= 2 and np.ndim(b) >= 3:
        return tensordot_adjoint_a(y, a, b, ([-1], [-2]))
    return matmul_adjoint_a(y, a, b)


def dot_adjoint_b(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `np.dot(a, b)` with respect to `b`, given `y` = adjoint of the result (see `dot_adjoint_a`)."""
    if np.ndim(a) >= 2 and np.ndim(b) >= 3:
        return tensordot_adjoint_b(y, a, b, ([-1], [-2]))
    return matmul_adjoint_b(y, a, b)


def inner_adjoint_a(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `np.inner(a, b)` with respect to `a`: `np.tensordot(a, b, (-1, -1))`, or `a * b` when one is a number."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(y * b, a)
    return tensordot_adjoint_a(y, a, b, ([-1], [-1]))


def inner_adjoint_b(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `np.inner(a, b)` with respect to `b` (see `inner_adjoint_a`)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(y * a, b)
    return tensordot_adjoint_b(y, a, b, ([-1], [-1]))


def cross_adjoint_a(y: Any, a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: Any = None) -> Any:
    """Adjoint of `np.cross(a, b, axisa, axisb, axisc, axis)` with respect to `a`, given `y`.

    <y, a x b> = <a, b x y>: the vectors are moved to the last axis, a 2-vector is a 3-vector with
    z = 0 (and the cross product of two 2-vectors is the z component alone), then moved back."""
    a_, b_, y_, axisa = _cross_parts(y, a, b, axisa, axisb, axisc, axis)
    out = np.cross(b_, y_)[..., : a_.shape[-1]]
    return np.moveaxis(unbroadcast(out, a_), -1, axisa)


def cross_adjoint_b(y: Any, a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: Any = None) -> Any:
    """Adjoint of `np.cross(a, b, axisa, axisb, axisc, axis)` with respect to `b`: <y, a x b> = <b, y x a>."""
    b_, a_, y_, axisb = _cross_parts(y, b, a, axisb, axisa, axisc, axis)
    out = np.cross(y_, a_)[..., : b_.shape[-1]]
    return np.moveaxis(unbroadcast(out, b_), -1, axisb)


def _cross_parts(y: Any, a: Any, b: Any, axisa: int, axisb: int, axisc: int, axis: Any) -> tuple:
    """`a` with its vectors last, `b` and `y` with theirs last as 3-vectors, and `a`'s vector axis."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a_ = np.moveaxis(np.asarray(a), axisa, -1)
    b_ = np.moveaxis(np.asarray(b), axisb, -1)
    if a_.shape[-1] == 2 and b_.shape[-1] == 2:  # the result is the z component: a 3-vector (0, 0, y)
        y = np.asarray(y)
        y_ = np.stack([np.zeros_like(y), np.zeros_like(y), y], axis=-1)
    else:
        y_ = np.moveaxis(np.asarray(y), axisc, -1)
    if b_.shape[-1] == 2:
        b_ = np.concatenate([b_, np.zeros_like(b_[..., :1])], axis=-1)
    return a_, b_, y_, axisa

