"""The user-facing rule API: `primitive`, `defvjp` and `defjvp`.

Input: a user's function and its rule callables (`rule(g, ans, *args)` for a VJP,
`rule(t, ans, *args)` for a JVP), with optional `argnames`. Output: `Primitive`
records in the registry (`s2sad.primitives.registry`) whose rules the generated code calls by
name, and an emptied derivative cache so that callers are generated again.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

from .registry import Primitive, Rule, Spelling, add_user, default_path, forget_derivatives, lookup


def _ensure_user_primitive(fn: Callable[..., Any], name: str | None = None) -> Primitive:
    prim = lookup(fn)
    if prim is not None:
        if prim.user_fn is not None:
            # Recorded as a helper to differentiate through (perhaps by an attempt that failed because
            # its source is unavailable): from now on it is opaque, with the user's rules. Lowered
            # callers name this same record, so they see the change.
            prim.user_fn = None
            prim.set_rules([], [])
        return prim
    fname = name or getattr(fn, "__name__", "primitive")
    params = _signature_params(fn) or ()
    mod = getattr(fn, "__module__", None) or ""
    # A NumPy or math function is written as the user writes it (`np.polyval`, `math.hypot`), which the
    # generated code's imports resolve; any other function by its bare name, which its namespace holds.
    path = default_path(fn, fname) if name is None and (mod == "math" or mod.startswith("numpy")) else fname
    prim = Primitive(name=fname, spelling=Spelling("call", path=path), params=params, fn=fn)
    prim.set_rules([], [])
    return add_user(prim)


def primitive(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a user function as opaque: s2sad calls it instead of reading its source."""
    _ensure_user_primitive(fn)
    forget_derivatives()
    return fn


def _rule_name(fn: Callable[..., Any], rule: Callable[..., Any], mode: str, i: int) -> str:
    rname = getattr(rule, "__name__", "")
    if rname.isidentifier() and rname != "<lambda>":
        return rname
    return f"{getattr(fn, '__name__', 'f')}_{mode}_{i}"


def _signature_params(fn: Callable[..., Any]) -> tuple[str, ...] | None:
    """`fn`'s parameter names, or None where `inspect` cannot read them (a builtin such as
    `math.hypot`) or they do not say which argument is which (`*args`)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return None
    return tuple(p.name for p in params)


def _caller_error(message: str, hint: str | None = None) -> Exception:
    """An InputError at the user's `defvjp`/`defjvp` line (the frame outside this module)."""
    import sys

    from ..errors import InputError

    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back  # type: ignore[assignment]
    where: dict[str, Any] = {}
    if frame is not None:
        import linecache

        line = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
        where = dict(filename=frame.f_code.co_filename, lineno=frame.f_lineno, source_line=line or None)
    return InputError(message, construct="defvjp", hint=hint, **where)


def _rule_arg_names(rules: tuple[Any, ...], n: int) -> tuple[str, ...]:
    """Names for the `n` arguments of a function whose signature is unknown: the ones its rules
    give them after `g, ans` (`lambda g, ans, x, y: ...`), else `arg0, arg1, ...`."""
    for rule in rules:
        params = _signature_params(rule) if rule is not None else None
        if params is not None and len(params) == n + 2:
            names = params[2:]
            if len(set(names)) == n and not set(names) & {"g", "ans", "t"}:
                return names
    return tuple(f"arg{i}" for i in range(n))


def _set_params(fn: Callable[..., Any], prim: Primitive, rules: tuple[Any, ...], argnames: Any, mode: str) -> None:
    """Fix which argument each rule is for, or refuse: a wrong guess would be a silent zero gradient."""
    fname = getattr(fn, "__name__", "the function")
    known = _signature_params(fn)
    if argnames is not None:
        names = (argnames,) if isinstance(argnames, str) else tuple(argnames)
        if not all(isinstance(a, str) and a.isidentifier() for a in names) or len(set(names)) != len(names):
            raise _caller_error(f"argnames must be distinct parameter names, not {argnames!r}")
        if known is not None and names != known[: len(names)]:
            raise _caller_error(f"argnames {names} are not the parameters of {fname}({', '.join(known)})")
        if len(rules) > len(names):
            raise _caller_error(f"def{mode} got {len(rules)} rules for {fname}, but argnames names {len(names)} arguments")
        if known is None:
            prim.params = names
            for rule in (prim._vjp or []) + (prim._jvp or []):
                if rule is not None:
                    rule.params = rule.params[:2] + prim.params
        return
    if known is None:
        if not rules:
            raise _caller_error(f"def{mode} got no rules for {fname}")
        # A builtin such as math.hypot: one rule per positional argument, so the rules say how many.
        if len(prim.params) < len(rules):
            prim.params = prim.params + _rule_arg_names(rules, len(rules))[len(prim.params):]
            for rule in (prim._vjp or []) + (prim._jvp or []):  # the other mode's rules, given first
                if rule is not None:
                    rule.params = rule.params[:2] + prim.params
        elif len(rules) < len(prim.params):
            raise _caller_error(
                f"def{mode} got {len(rules)} rules for {fname}, whose parameters s2sad cannot read; "
                f"earlier rules gave it {len(prim.params)} ({', '.join(prim.params)})",
                hint="give one rule (or None) per positional argument, or name them: argnames=(...)",
            )
        return
    if len(rules) > len(known):
        raise _caller_error(f"def{mode} got {len(rules)} rules, but {fname} takes {len(known)} ({', '.join(known)})",
                            hint="give one rule (or None) per positional argument")


def _set_rules(fn: Callable[..., Any], rules: tuple[Any, ...], mode: str, argnames: Any = None) -> None:
    prim = _ensure_user_primitive(fn)
    _set_params(fn, prim, rules, argnames, mode)
    prim.source = None
    table = [] if getattr(prim, "_" + mode) is None else list(getattr(prim, "_" + mode))
    table += [None] * (len(rules) - len(table))
    other = "_jvp" if mode == "vjp" else "_vjp"
    if getattr(prim, other) is None:
        setattr(prim, other, [])
    for i, rule in enumerate(rules):
        if rule is None:
            table[i] = None
            continue
        name = _rule_name(fn, rule, mode, i)
        params = ("g", "ans") if mode == "vjp" else ("t", "ans")
        table[i] = Rule(params=params + prim.params, func=rule, func_name=name)
        # The generated code calls the rule by name, so the rule is itself a primitive.
        _ensure_user_primitive(rule, name)
    setattr(prim, "_" + mode, table)
    forget_derivatives()


def defvjp(fn: Callable[..., Any], *rules: Callable[..., Any] | None, argnames: Any = None) -> None:
    """Give `fn` one VJP rule per positional argument: `rule(g, ans, *args) -> adjoint`.

    Where `inspect` cannot read `fn`'s parameters (a builtin such as `math.hypot`), the number of
    rules is the number of arguments; `argnames=("x", "y")` names them (so calls may pass them by name)."""
    _set_rules(fn, rules, "vjp", argnames)


def defjvp(fn: Callable[..., Any], *rules: Callable[..., Any] | None, argnames: Any = None) -> None:
    """Give `fn` one JVP rule per positional argument: `rule(t, ans, *args) -> tangent` (`argnames`: see `defvjp`)."""
    _set_rules(fn, rules, "jvp", argnames)


__all__ = ["primitive", "defvjp", "defjvp"]
