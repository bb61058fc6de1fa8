"""Derivative names: `z` -> `z_bar` (adjoint) and `z` -> `z_dot` (tangent).

Nested transformations compose suffixes: the tangent of `x_bar` is
`x_bar_dot`, and the adjoint of `x_bar` is `x_bar_bar`. A derived name that
would collide with a name the program already uses gets a trailing `_`
(`x_bar_`) until it is free.
"""
from __future__ import annotations

from .nodes import Function, Var, walk_expr, walk_stmts


def used_names(fn: Function) -> set[str]:
    """Every name a function binds or reads."""
    names = {p.name for p in fn.params} | {fn.name}
    for s in walk_stmts(fn.body):
        for attr in ("target",):
            t = getattr(s, attr, None)
            if isinstance(t, str):
                names.add(t)
            elif isinstance(t, tuple):
                names.update(t)
        for attr in ("value", "test", "iter"):
            e = getattr(s, attr, None)
            if e is not None and not isinstance(e, str):
                names.update(x.name for x in walk_expr(e) if isinstance(x, Var))
    return names


class Namer:
    """Hands out collision-free derivative names with a fixed suffix."""

    def __init__(self, taken: set[str], suffix: str) -> None:
        self.taken = set(taken)
        self.suffix = suffix
        self.names: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        """The derivative name of `name`."""
        if name not in self.names:
            candidate = f"{name}_{self.suffix}"
            while candidate in self.taken:
                candidate += "_"
            self.taken.add(candidate)
            self.names[name] = candidate
        return self.names[name]

    def fresh(self, base: str) -> str:
        """A new name based on `base` that nothing uses yet."""
        candidate = base
        k = 0
        while candidate in self.taken:
            k += 1
            candidate = f"{base}{k}"
        self.taken.add(candidate)
        return candidate
