"""Calls to other Python functions: each helper gets its own generated derivatives.

Input: a call `t = helper(a, b)` in a Wengert list. Output: the helper becomes
an opaque primitive of the caller; the caller's adjoint calls the helper's own
generated adjoint (`a_bar_part, b_bar_part = helper_vjp(a, b, t_bar)`) and its
tangent program calls the helper's tangent program (`t, t_dot =
helper_jvp(a, b, a_dot, b_dot)`), each generated for exactly the arguments
that are active at that call site. Nothing is inlined. Lowering meets the
call first: `user_primitive` makes the helper's primitive (the driver hands it
to `frontend/lower.py`'s `USER_PRIMITIVE` slot).

Generating and caching the helper's derivatives is the driver's work, a layer
above this one: the driver fills these service slots when it is imported
(`driver/pipeline.py`, which `import s2sad` imports):

    DERIVE(fn, mode, wrt, scalars, variant)  the compiled, cached derivative (`pipeline.derive`)
    LOWERED(fn)                              fn's cached Wengert list (`pipeline.lowered`)
    KEEP(fn, obj)                            keep `obj` alive as long as fn's cache entries (`CACHE.keep`)

`LOCK` is the generation lock: held here while a helper's derivatives are
generated, and by the derivative cache around each build (`driver/cache.py`
says why it is one lock).
"""
from __future__ import annotations

import ast
import inspect
import threading
from typing import Any, Callable

from ..primitives import registry
from ..errors import UnsupportedSyntaxError
from ..ir import Assign, Const, Expr, Op, Tup, Var, names_read
from ..primitives.registry import Primitive, Spelling
from ..frontend.source import FunctionSource
from ..ir.template import bind

LOCK = threading.RLock()
"""The generation lock, shared with the derivative cache (see the module docstring)."""
_in_progress: set[Any] = set()


def _unfilled(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("s2sad.driver.pipeline fills this service when it is imported (import s2sad)")


DERIVE: Callable[..., Callable[..., Any]] = _unfilled  # the driver's services: see the module docstring
LOWERED: Callable[[Any], Any] = _unfilled
KEEP: Callable[[Any, Any], None] = _unfilled


def user_primitive(obj: Any, fs: FunctionSource, node: ast.AST) -> Primitive:
    """The primitive standing for calls to the Python function (or s2sad wrapper) `obj`.

    One record per function object, kept on the function (`registry.add_user`):
    two helpers of one name in two modules are two primitives, `h0` and `h0_2`,
    both spelled `h0` in generated code, where each caller's own globals bind it.
    """
    from ..frontend.varargs import specialise

    resolver = getattr(obj, "_s2sad_target", None)  # an s2sad wrapper (a grad object...) names the function it stands for
    fn = resolver(()) if resolver is not None else obj
    fn = specialise(fn, node) or fn  # `def h(*args)` called with a fixed number of arguments (varargs.py)
    prim = registry.lookup(fn)
    if prim is None:
        prim = _new_user_primitive(fn, fs, node)
    # Generated code calls a helper by its own name, bound in the caller's namespace. Two different
    # helpers of one name in one caller are spelled by their registry names instead (`h`, `h_2`).
    # The spelling is read when code is printed, so the statements lowered so far follow.
    called = fs.called
    other = called.setdefault(prim.spelling.path, prim)
    if other is not prim:
        for p in (prim, other):
            if p.name != p.spelling.path:
                p.spelling = Spelling("call", path=p.name)
                called[p.name] = p
    # The caller's lowered code names the primitive: keep it as long as the caller's cache entries.
    # (Later callers find the record in convert.py, and hold the helper in their `globals_used`.)
    KEEP(fs.fn, prim)
    return prim


def _new_user_primitive(fn: Any, fs: FunctionSource, node: ast.AST) -> Primitive:
    name = fn.__name__
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # pragma: no cover
        raise fs.error(UnsupportedSyntaxError, f"cannot read the signature of {name}", node, construct=name) from None
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise fs.error(UnsupportedSyntaxError, f"{name} takes *args or **kwargs, which is not supported", node, construct=name,
                           hint=f"name {name}'s parameters (def {name}(a, b)), or pass the values as one tuple or list")
    prim = Primitive(name=name, spelling=Spelling("call", path=name), fn=fn, user_fn=fn)
    prim.params = tuple(sig.parameters)
    prim.defaults = {k: v.default for k, v in sig.parameters.items() if v.default is not inspect.Parameter.empty}
    prim.set_rules([], [])
    return registry.add_user(prim)


def _derived(prim: Primitive, mode: str, wrt: tuple[str, ...]) -> Primitive:
    """The primitive calling the helper's generated adjoint or tangent for `wrt`.

    Keyed by the generated function object, which the helper's own cache holds:
    each helper has its own `h0_vjp`, whatever other helpers are called.
    """
    fn = prim.user_fn
    with LOCK:
        if fn in _in_progress:
            raise UnsupportedSyntaxError(f"recursive calls through {fn.__name__} are not supported", construct=fn.__name__)
        _in_progress.add(fn)
        try:
            # ("quiet_vjp": the adjoint runs the helper's forward sweep again, without its print and logging calls)
            compiled = DERIVE(fn, "reverse" if mode == "vjp" else "forward", wrt, frozenset(), "quiet_vjp" if mode == "vjp" else "jvp")
        finally:
            _in_progress.discard(fn)
        suffix = mode if set(wrt) == set(prim.params) else f"{mode}_{'_'.join(wrt)}"
        name = f"{prim.spelling.path}_{suffix}"
        existing = registry.lookup(compiled)
        if existing is not None:
            # Spelled after the helper as it is spelled now: a later caller may have renamed it (`h_2`).
            if existing.spelling.path != name:
                existing.spelling = Spelling("call", path=name)
            return existing
        # The generated function is itself ordinary Python: differentiating the caller again
        # (forward over reverse, say) treats a call to it like a call to any helper.
        derived = Primitive(name=name, spelling=Spelling("call", path=name), fn=compiled, user_fn=compiled)
        derived.params = tuple(p.name for p in compiled.__s2sad_ir__.params)
        derived.defaults = {p.name: p.default.value for p in compiled.__s2sad_ir__.params if p.default is not None}
        derived.set_rules([], [])
        return registry.add_user(derived)


def _outputs(prim: Primitive) -> tuple[str, ...]:
    low = LOWERED(prim.user_fn)
    return low.outputs if low.tuple_output else low.outputs[:1]


def active_arguments(prim: Primitive, value: Op, varied: set[str]) -> tuple[dict[str, Expr], list[str]]:
    """The call's arguments by parameter name, and the parameters whose argument varies."""
    mapping = bind(prim, value)
    return mapping, [p for p in prim.params if names_read(mapping[p]) & varied]


def call_adjoint(rev: Any, s: Assign, value: Op, g: Expr, defined: set[str]) -> tuple[list[Assign], list[tuple[Expr, Expr]]]:
    """Statements calling the helper's adjoint, and the per-argument contributions they give (`rev`: the
    `reverse.Reverse` generator asking)."""
    prim = registry.PRIMS[value.prim]
    mapping, wrt = active_arguments(prim, value, rev.act.varied)
    if not wrt:
        return [], []
    derived = _derived(prim, "vjp", tuple(wrt))
    # A helper returning a tuple has one seed per output.
    n_out = len(_outputs(prim))
    seeds = g.elts if isinstance(g, Tup) else tuple(Op("getitem", (g, Const(i))) for i in range(n_out)) if n_out > 1 else (g,)
    args = tuple(mapping[p] for p in prim.params) + tuple(seeds)
    # A first contribution goes straight into `a_bar`; later ones through a named part.
    names = [mapping[p].name if isinstance(mapping[p], Var) else None for p in wrt]  # type: ignore[union-attr]
    parts, direct = [], []
    for p, name in zip(wrt, names):
        if name is not None and names.count(name) == 1 and rev.bar(name) not in defined and name not in s.targets:
            parts.append(rev.bar(name))
            direct.append(p)
        else:
            parts.append(rev.bar.fresh(f"{p}_bar_{prim.spelling.path}"))
    target: str | tuple[str, ...] = parts[0] if len(parts) == 1 else tuple(parts)
    stmts = [Assign(target, Op(derived.name, args), s.line)]
    defined.update(rev.bar(mapping[p].name) for p in direct)  # type: ignore[union-attr]
    return stmts, [(mapping[p], Var(part)) for p, part in zip(wrt, parts) if p not in direct]


def call_tangent(prim: Primitive, value: Op, target: str | tuple[str, ...], varied: set[str], dot: Any, line: int | None) -> list[Assign] | None:
    """`t, t_dot = helper_jvp(a, b, a_dot)` for the arguments active at this call."""
    mapping, wrt = active_arguments(prim, value, varied)
    if not wrt:
        return None
    derived = _derived(prim, "jvp", tuple(wrt))
    dots: list[Expr] = []
    for p in wrt:
        arg = mapping[p]
        if not isinstance(arg, Var):
            raise UnsupportedSyntaxError(f"argument {p} of {prim.spelling.path} must be a name", construct=prim.spelling.path)
        dots.append(Var(dot(arg.name)))
    args = tuple(mapping[p] for p in prim.params) + tuple(dots)
    if isinstance(target, str):
        return [Assign((target, dot(target)), Op(derived.name, args), line)]
    # A helper returning a tuple: unpack its value and its tangent.
    out, out_dot = dot.fresh(f"{prim.spelling.path}_out"), dot.fresh(f"{prim.spelling.path}_out_dot")
    return [
        Assign((out, out_dot), Op(derived.name, args), line),
        Assign(target, Var(out), line),
        Assign(tuple(dot(t) for t in target), Var(out_dot), line),
    ]


__all__ = ["user_primitive", "call_adjoint", "call_tangent", "Const", "Tup"]
