"""Activity analysis (Tapenade's term): which variables carry derivatives.

Input: an `ir.Function`, the names of the `wrt` parameters, the output names
and the mode ("reverse" reads VJP rules, "forward" reads JVP rules). Output:
an `Activity` with the *varied* variables (depend on a `wrt` input through
differentiable arguments), the *useful* ones (influence an output), and their
intersection, the *active* ones. Only active variables get `_bar`/`_dot` code.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ..ir import failures
from ..primitives import registry
from ..errors import NonDifferentiableError, S2SADError
from ..ir import Assign, Expr, ExprStmt, For, Function, If, Op, Return, Tup, Var, While, names_read, walk_stmts


@dataclass
class Activity:
    """The result of activity analysis."""

    varied: set[str]
    useful: set[str]
    stacks: set[str] = field(default_factory=set)  # the stacks whose values carry tangents (see `_pushed`)

    @functools.cached_property
    def active(self) -> set[str]:
        """Variables that are both varied and useful."""
        # (computed once: the tangent generator asks per statement, and `analyze` hands back finished sets)
        return self.varied & self.useful


def diff_args(op: Op, mode: str) -> list[int]:
    """Indices (into the primitive's parameters) that carry derivatives in `mode`."""
    prim = registry.PRIMS[op.prim]
    if prim.nondiff:
        return []
    if prim.user_fn is not None:
        return list(range(len(prim.params)))
    rules = prim.vjp if mode == "reverse" else prim.jvp
    return [i for i, r in enumerate(rules) if r is not None]


def _bound(op: Op) -> list[Expr]:
    """The op's arguments in the primitive's parameter order."""
    prim = registry.PRIMS[op.prim]
    if not prim.params:
        return list(op.args)
    kw = dict(op.kwargs)
    return [op.args[i] if i < len(op.args) else kw.get(p) for i, p in enumerate(prim.params)]


def dependencies(value: Expr, mode: str) -> set[str]:
    """Names whose derivatives flow into `value`."""
    if isinstance(value, Var):
        return {value.name}
    if isinstance(value, Tup):
        return set().union(*(dependencies(e, mode) for e in value.elts)) if value.elts else set()
    if isinstance(value, Op):
        bound = _bound(value)
        out: set[str] = set()
        for i in diff_args(value, mode):
            if i < len(bound) and bound[i] is not None:
                out |= names_read(bound[i])
        return out
    return set()


def check_rules(value: Expr, varied: set[str], mode: str) -> None:
    """Refuse a varied argument of a user primitive that has no rule for it."""
    if not isinstance(value, Op):
        return
    prim = registry.PRIMS[value.prim]
    if prim.nondiff or prim.source is not None or prim.user_fn is not None:
        return  # built-in rules say None on purpose for index/shape arguments
    have = set(diff_args(value, mode))
    for i, arg in enumerate(_bound(value)):
        if i not in have and arg is not None and names_read(arg) & varied:
            kind = "VJP" if mode == "reverse" else "JVP"
            raise NonDifferentiableError(
                f"{prim.spelling.path or prim.name} has no {kind} rule for argument {i} ({prim.params[i] if i < len(prim.params) else i}), "
                "which depends on a differentiated input",
                construct=prim.name,
                hint=f"register one with s2sad.def{kind.lower()}",
            )


# Generated adjoint code, differentiated again (forward over reverse), saves values on a stack:
# `stack.append(v)` in the forward sweep, `x = stack.pop()` in the backward one. Which push a pop
# undoes is not visible name by name (a pushed `t11 = v0.copy()` comes back as `v0_1`), so a stack
# carries tangents as a whole: when any value pushed is varied and any name popped is useful. Then
# every push saves a tangent (zero for a value that does not vary) and every pop restores one, so
# they stay paired; a name bound only by pops is varied, as the values it gets back may be.
def _pushed(s: object) -> bool:
    return isinstance(s, ExprStmt) and isinstance(s.value, Op) and s.value.prim == "push"


def _stack(s: ExprStmt) -> str:
    return next(iter(names_read(s.value.args[0])), "")  # type: ignore[union-attr]


def _popped_from(s: Assign) -> set[str]:
    """The stack `s` pops from, as a dependency (`x = stack.pop()`), or nothing."""
    return names_read(s.value.args[0]) if isinstance(s.value, Op) and s.value.prim == "pop" else set()


def analyze(fn: Function, wrt: set[str], outputs: tuple[str, ...], mode: str) -> Activity:
    """Compute varied and useful variables, iterating to a fixed point for loops."""
    stmts = list(walk_stmts(fn.body))
    varied = set(wrt)
    stacks: set[str] = set()  # stacks some varied value is pushed on
    # Names that only pops bind: varied exactly when their stack is.
    others = {t for s in stmts if isinstance(s, Assign) and not _popped_from(s) for t in s.targets}
    others |= {t for s in stmts if isinstance(s, For) for t in (s.target if isinstance(s.target, tuple) else (s.target,))}
    restored = {t for s in stmts if isinstance(s, Assign) and _popped_from(s) for t in s.targets} - others
    changed = True
    while changed:
        changed = False
        for s in stmts:
            if isinstance(s, Assign) and names_read(s.value) & varied:
                try:
                    check_rules(s.value, varied, mode)  # a varied argument without a rule is an error, not a zero
                except S2SADError as err:  # at this statement's line (the caller adds the file)
                    failures.place(err, s.line)
                    raise
            if isinstance(s, Assign) and (dependencies(s.value, mode) & varied or _popped_from(s) & stacks and set(s.targets) <= restored):
                new = set(s.targets) - varied
                if new:
                    varied |= new
                    changed = True
            elif _pushed(s) and names_read(s.value.args[1]) & varied and _stack(s) not in stacks:
                stacks.add(_stack(s))
                changed = True
            elif isinstance(s, For) and dependencies(s.iter, mode) & varied:
                targets = set(s.target if isinstance(s.target, tuple) else (s.target,))
                if targets - varied:
                    varied |= targets
                    changed = True
    useful = set(outputs)
    changed = True
    while changed:
        changed = False
        for s in reversed(stmts):
            if isinstance(s, Assign) and set(s.targets) & useful:
                new = (dependencies(s.value, mode) | _popped_from(s) & stacks) - useful
                if new:
                    useful |= new
                    changed = True
            elif _pushed(s) and _stack(s) in useful and names_read(s.value.args[1]) - useful:
                useful |= names_read(s.value.args[1])
                changed = True
            elif isinstance(s, For):
                targets = set(s.target if isinstance(s.target, tuple) else (s.target,))
                if targets & useful and dependencies(s.iter, mode) - useful:
                    useful |= dependencies(s.iter, mode)
                    changed = True
    return Activity(varied - stacks, useful - stacks, stacks & useful)


__all__ = ["Activity", "analyze", "dependencies", "diff_args", "If", "While", "Return"]
