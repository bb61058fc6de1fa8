"""The registry walk's building blocks: a `Case` is one primitive applied to fixed
random inputs, checked numerically in both modes by `test_registry.py`.

Each `tests/test_numpy_<area>.py` module defines its functions at module level
(s2sad reads their source) and a `CASES` list; inputs come from generators
seeded once per module, so every run checks the same numbers.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Case:
    """`prim` checked through `fn(*args)`; `label` tells the variants of one primitive apart."""

    prim: str
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    label: str = ""
    order: int = 2  # second order (all four compositions) unless a rule is first-order only by design
    rtol: float = 1e-5
    atol: float = 1e-6
    also: tuple[str, ...] = field(default_factory=tuple)  # further primitives this case exercises
    expect: tuple[type, str] | None = None  # (error, message) for a derivative that is refused on purpose

    @property
    def id(self) -> str:
        shapes = ",".join("x".join(map(str, np.shape(a))) or "s" for a in self.args if _is_float(a))
        return f"{self.prim}[{self.label or self.fn.__name__}|{shapes}]"


def _is_float(a: Any) -> bool:
    return isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f"


class Inputs:
    """Random inputs from one seeded generator: `normal(3, 4)`, `positive(4)`, `unit()` ..."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    @staticmethod
    def _out(x: np.ndarray) -> Any:
        return float(x) if x.ndim == 0 else x

    def normal(self, *shape: int) -> Any:
        """Standard normal values."""
        return self._out(self.rng.standard_normal(shape))

    def positive(self, *shape: int) -> Any:
        """Values in [0.5, 2]: safe for log, sqrt, powers."""
        return self._out(self.rng.uniform(0.5, 2.0, shape))

    def unit(self, *shape: int) -> Any:
        """Values in [-0.8, 0.8]: safe for arcsin, arctanh."""
        return self._out(self.rng.uniform(-0.8, 0.8, shape))

    def above1(self, *shape: int) -> Any:
        """Values in [1.2, 3]: safe for arccosh."""
        return self._out(self.rng.uniform(1.2, 3.0, shape))

    def away(self, *shape: int) -> Any:
        """Values with |v| in [0.5, 2] and random signs: safe for division, abs, sign."""
        return self._out(self.rng.uniform(0.5, 2.0, shape) * self.rng.choice([-1.0, 1.0], shape))

    def spd(self, n: int, *batch: int) -> np.ndarray:
        """Symmetric positive definite matrices."""
        a = self.rng.standard_normal(batch + (n, n))
        return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)

    def symmetric(self, n: int) -> np.ndarray:
        """A symmetric matrix with well separated eigenvalues."""
        q, _ = np.linalg.qr(self.rng.standard_normal((n, n)))
        return (q * np.arange(1.0, n + 1)) @ q.T

    def well_conditioned(self, n: int, *batch: int) -> np.ndarray:
        """Square matrices close to the identity."""
        return np.eye(n) + 0.3 * self.rng.standard_normal(batch + (n, n))


SCALAR_VECTOR_MATRIX = ((), (4,), (3, 4))
BROADCAST_PAIRS = (((3, 4), (3, 4)), ((3, 1), (1, 4)), ((), (3, 4)), ((4,), (3, 4)))


def unary_cases(prim: str, fn: Callable[..., Any], make: Callable[..., Any], shapes=SCALAR_VECTOR_MATRIX, **kw: Any) -> list[Case]:
    """`fn(x)` at a scalar, a vector and a matrix."""
    return [Case(prim, fn, (make(*s),), **kw) for s in shapes]


def binary_cases(prim: str, fn: Callable[..., Any], make_x: Callable[..., Any], make_y: Callable[..., Any] | None = None,
                 pairs=BROADCAST_PAIRS, **kw: Any) -> list[Case]:
    """`fn(x, y)` at equal shapes and at broadcasting pairs such as (3, 1) + (1, 4)."""
    make_y = make_y or make_x
    out = [Case(prim, fn, (make_x(*sx), make_y(*sy)), **kw) for sx, sy in pairs]
    out.append(Case(prim, fn, (make_x(3, 4), make_y()), **kw))  # array with scalar
    return out
