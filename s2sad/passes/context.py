"""What a pass is told about the program it rewrites: one `Context` for every pass.

Input: the facts the pipeline knows when it generates a derivative -- the mode
("reverse" or "forward"), the variant ("vjp", "grad", "tangent", ...), the
`wrt` parameters, the scalar parameters, the array parameters' layouts and
dtypes (given only for what `s2sad.grad` and `value_and_grad` run), the seed
parameters of the program and the Wengert list it was generated from.
Output: a frozen `Context`, which the pass manager (`manager.py`) hands to
each pass as `apply(fn, context)`; a pass reads only what it needs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..ir import Function


@dataclass(frozen=True)
class Context:
    """The facts a pass may read besides the program itself."""

    mode: str = "reverse"  # "reverse" or "forward"
    variant: str = "vjp"  # "vjp", "grad", "value_and_grad", "step_vjp", "quiet_vjp"; "jvp", "tangent", "diagonal"
    wrt: tuple[str, ...] = ()
    scalars: frozenset[str] = frozenset()  # parameters known to be numbers
    layouts: Mapping[str, Any] = field(default_factory=dict)  # array parameter -> its layout (analysis/layouts.py)
    dtypes: Mapping[str, Any] = field(default_factory=dict)  # array parameter -> its np.dtype (reuse.py, sincos.py)
    seeds: frozenset[str] = frozenset()  # the program's parameters the source has not: its seeds (`f_bar=1.0`)
    source: Function | None = None  # the Wengert list the program was generated from
