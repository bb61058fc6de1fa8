"""Stage 5', forward: a Wengert list -> its tangent program (forward mode).

Input: a `Lowered` function, the `wrt` parameter names and the scalar
parameters. Output: an `ir.Function` taking the primal parameters plus
`x_dot` for each `wrt` parameter and returning `(value, value_dot)`. The
tangent program follows the primal order: after each active statement
`z = f(x, y)` comes `z_dot = ...`, the sum of the JVP contributions of its
active arguments only, so known-zero tangents never appear in the text.
"""
from __future__ import annotations

from ..ir import failures
from ..primitives import registry
from ..errors import S2SADError
from ..analysis.activity import Activity, analyze
from .calls import call_tangent
from ..ir import (
    Assign,
    Const,
    Expr,
    ExprStmt,
    For,
    Function,
    If,
    Op,
    Param,
    Return,
    Stmt,
    Tup,
    Var,
    While,
    names_read,
    walk_expr,
    walk_stmts,
)
from ..frontend.lower import Lowered
from ..ir.naming import Namer, used_names
from ..analysis.shapes import infer, shape_fn
from .simplify import simplify
from ..rules.indexing import basic_stores
from ..ir.template import bind, dot_name, instantiate


def forward(low: Lowered, wrt: tuple[str, ...], scalars: set[str] = frozenset(), tangent_stores: bool = True) -> Function:  # type: ignore[assignment]
    """Generate the tangent program of `low.fn` with respect to `wrt` (`tangent_stores`: a fresh tangent is
    stored in place where the primal stores in place; the pass manager says whether it is on)."""
    fn = low.fn
    try:
        act = analyze(fn, set(wrt), low.outputs, "forward")
    except S2SADError as err:  # a user primitive without a rule for a varied argument
        failures.place(err, None, low.source)
        raise
    dot = Namer(used_names(fn) | set(low.globals_used), "dot")
    env = infer(fn, set(scalars))
    env.update({dot(v): s for v, s in list(env.items())})  # a tangent has its variable's shape
    shape = shape_fn(env)
    params = list(fn.params)
    if any(p.default is not None for p in params):
        params = [p if p.default is not None else Param(p.name) for p in params]
    params += [Param(dot(w), Const(None) if any(p.default is not None for p in fn.params) else None) for w in wrt]
    ret = fn.body[-1]
    assert isinstance(ret, Return)
    # A parameter outside `wrt` that a loop re-binds with a varied value (`h = np.tanh(W @ h)`, wrt W)
    # has its tangent read before any statement sets it: it starts at zero.
    inits: list[Stmt] = [Assign(dot(p.name), Const(0.0) if p.name in scalars else _zero_tangent(Var(p.name), p.name))
                         for p in fn.params if p.name in act.active and p.name not in wrt]
    try:
        body = inits + _block(fn.body[:-1], act, dot, shape, set() if tangent_stores else None)
    except S2SADError as err:
        failures.place(err, None, low.source)  # (in the function's file)
        raise
    lengths = _tuple_lengths(fn)
    outs = []
    for o in low.outputs:
        if o not in act.active:
            body.append(Assign(dot(o), _zeros(Var(o), lengths)))
        outs.append(Var(dot(o)))
    value_dot: Expr = Tup(tuple(outs)) if low.tuple_output else outs[0]
    body.append(Return(Tup((ret.value, value_dot)), ret.line))
    doc = f"Forward mode (tangent) of {fn.name} with respect to {', '.join(wrt)}."
    out = Function(f"{fn.name}_jvp", params, body, doc)
    out.meta["batchable"] = _batchable(body, set(dot.names.values()))
    return out


def _batchable(body: list[Stmt], dots: set[str]) -> bool:
    """True when every tangent statement is elementwise, so tangents may carry a leading batch axis."""
    for s in walk_stmts(body):
        if isinstance(s, Assign) and set(s.targets) & dots:
            for e in walk_expr(s.value):
                if isinstance(e, Op) and not registry.PRIMS[e.prim].nondiff and registry.PRIMS[e.prim].shape != "elementwise":
                    return False
        elif not isinstance(s, (Assign, Return)):
            return False
    return True


def _block(stmts: list[Stmt], act: Activity, dot: Namer, shape, owned: set[str] | None = None) -> list[Stmt]:  # type: ignore[no-untyped-def]
    """Primal statements, each active one followed by its tangent statement.

    `owned` (straight-line code at the top of the function only) holds the tangents bound to a
    fresh array that no other name holds except as the primal's own views: there the tangent of an
    in-place `y[i] = v` is in place too, `y_dot[i] = v_dot`, not `zero_at(y_dot, i) + scatter_add(v_dot, y, i)`.
    """
    body: list[Stmt] = []
    views: dict[str, set[str]] = {}  # (with `owned`) the tangents that may be views of owned ones
    for stmt in stmts:
        if owned is not None:
            if _store_in_place(stmt, act, dot, owned):
                body.append(stmt)
                y, index, v = stmt.value.args  # type: ignore[union-attr]
                v_dot = Var(dot(v.name)) if isinstance(v, Var) and v.name in act.varied else Const(0.0)
                body.append(Assign(dot(stmt.target), Op("setitem", (Var(dot(stmt.target)), index, v_dot)), stmt.line))  # type: ignore[arg-type]
                continue
            start = len(body)
            body.extend(_block([stmt], act, dot, shape))
            _update_owned(stmt, body[start:], dot, owned, views)
            continue
        if isinstance(stmt, If):
            body.append(If(stmt.test, _block(stmt.body, act, dot, shape), _block(stmt.orelse, act, dot, shape), stmt.line))
            continue
        if isinstance(stmt, For):
            body.append(For(stmt.target, stmt.iter, _block(stmt.body, act, dot, shape), stmt.line))
            continue
        if isinstance(stmt, While):
            body.append(While(stmt.test, _block(stmt.body, act, dot, shape), stmt.line))
            continue
        if isinstance(stmt, ExprStmt) and isinstance(stmt.value, Op) and stmt.value.prim == "push":
            # Differentiating generated adjoint code: when the stack is active (activity.py), every
            # saved value's tangent is saved with it -- zero for a value that does not vary -- and
            # every pop below restores one, so the two stay paired.
            body.append(stmt)
            stack, saved = stmt.value.args
            if names_read(stack) & act.stacks:
                inner = saved.args[0] if isinstance(saved, Op) and saved.prim == "copy_" else saved
                if isinstance(inner, Var) and inner.name in act.active:
                    t: Expr = Op("copy_", (Var(dot(inner.name)),)) if inner is not saved else Var(dot(inner.name))
                else:
                    t = Op("zeros_like", (inner,))
                body.append(ExprStmt(Op("push", (stack, t))))
            continue
        if isinstance(stmt, Assign) and isinstance(stmt.value, Op) and stmt.value.prim == "pop" and isinstance(stmt.target, str):
            if names_read(stmt.value.args[0]) & act.stacks:
                body.append(Assign(dot(stmt.target), stmt.value, stmt.line))  # pushed last, popped first
            body.append(stmt)
            continue
        if not isinstance(stmt, Assign) or not set(stmt.targets) & act.active:
            body.append(stmt)
            continue
        value = stmt.value
        if isinstance(value, Op) and registry.PRIMS[value.prim].user_fn is not None:
            calls = call_tangent(registry.PRIMS[value.prim], value, stmt.target, act.varied, dot, stmt.line)
            if calls is not None:
                body.extend(calls)
            else:
                body.append(stmt)
                for t in stmt.targets:
                    body.append(Assign(dot(t), Op("zeros_like", (Var(t),)), stmt.line))
            continue
        body.append(stmt)
        try:
            tangent = _tangent(stmt, act.varied, dot, shape)
        except S2SADError as err:  # a rule refused its arguments: said at this statement's line
            failures.place(err, stmt.line)
            raise
        if tangent is None:
            # An active variable given a value that does not vary: its tangent is zero here.
            for t in stmt.targets:
                body.append(Assign(dot(t), _zero_tangent(value if t == stmt.target else Var(t), t), stmt.line))
        elif isinstance(stmt.target, tuple):
            body.append(Assign(tuple(dot(t) for t in stmt.target), tangent, stmt.line))
        else:
            if isinstance(value, Op) and registry.PRIMS[value.prim].elementwise and not (
                shape(tangent) >= shape(Var(stmt.target))
            ):
                # Only some operands vary, so the tangent may be smaller than the result.
                tangent = Op("broadcast_like_", (tangent, Var(stmt.target)))
            body.append(Assign(dot(stmt.target), tangent, stmt.line))
    return body


def _store_in_place(stmt: Stmt, act: Activity, dot: Namer, owned: set[str]) -> bool:
    """True for a primal `y[i] = v` done in place whose `y_dot` is owned."""
    if not (isinstance(stmt, Assign) and isinstance(stmt.target, str) and isinstance(stmt.value, Op)):
        return False
    v = stmt.value
    return v.prim == "setitem" and v.args[0] == Var(stmt.target) and stmt.target in act.varied and dot(stmt.target) in owned


def _update_owned(stmt: Stmt, emitted: list[Stmt], dot: Namer, owned: set[str], views: dict[str, set[str]]) -> None:
    """Update `owned` (see `_block`) with the statements emitted for one primal statement."""
    if not isinstance(stmt, Assign):
        if isinstance(stmt, (If, For, While)):
            owned.clear()  # (straight-line code only)
            views.clear()
        return
    mirror = isinstance(stmt.value, Op) and stmt.value.prim == "getitem"
    # `views` maps a tangent that is a view of an owned tangent to the owned ones it may be a view of:
    # `t3_dot = b_dot[:2]` mirrors `t3 = b[:2]`, but a copy `t1 = t3.copy()` whose tangent is
    # `t1_dot = t3_dot` holds b_dot's memory where t1 does not hold b's, so b_dot is no longer owned
    # (an in-place store into it would change t1_dot too).
    for x in emitted:
        if not isinstance(x, Assign) or x is stmt:
            continue
        targets = set(x.targets)
        owned.difference_update(targets)
        for t in targets:
            views.pop(t, None)
        value = x.value
        if isinstance(value, Op) and registry.declared(value.prim, "fresh") and isinstance(x.target, str):  # a new array
            owned.add(x.target)
        elif not mirror:  # a view of y_dot where the primal takes the same view of y keeps the primal's aliasing
            read = names_read(value)
            for n in read:
                read = read | views.get(n, set())
            owned.difference_update(read)  # its tangent might hold one of them
        elif isinstance(x.target, str):
            bases = set()
            for n in names_read(value):
                bases |= views.get(n, set()) | ({n} if n in owned else set())
            if bases:
                views[x.target] = bases


def _zero_tangent(value: Expr, target: str) -> Expr:
    if isinstance(value, Tup) and value.kind == "list" and not value.elts:
        return Tup((), "list")
    if isinstance(value, Tup) and value.kind == "tuple":
        # A tuple's tangent is a tuple: `f_dot = (np.zeros_like(a), np.zeros_like(b))`.
        return Tup(tuple(_zero_of(e) for e in value.elts))
    return Op("zeros_like", (Var(target),))


def _zero_of(e: Expr) -> Expr:
    """`0.0` for a number written in the code, `np.zeros_like(e)` otherwise."""
    if isinstance(e, Const) and isinstance(e.value, (int, float)) and not isinstance(e.value, bool):
        return Const(0.0)
    return Op("zeros_like", (e,))


def _tuple_lengths(fn: Function) -> dict[str, int]:
    """The names that only ever hold tuples of one known length (`f = (a, b)` in each branch), with it."""
    sites: dict[str, set[int | None]] = {}
    for s in walk_stmts(fn.body):
        if isinstance(s, Assign) and isinstance(s.target, str):
            v = s.value
            n = len(v.elts) if isinstance(v, Tup) and v.kind == "tuple" else None
            sites.setdefault(s.target, set()).add(n)
        elif isinstance(s, Assign):
            for t in s.targets:
                sites.setdefault(t, set()).add(None)
        elif isinstance(s, For):
            for t in s.target if isinstance(s.target, tuple) else (s.target,):
                sites.setdefault(t, set()).add(None)
    lengths: dict[str, int] = {}
    for name, ns in sites.items():
        n = ns.pop() if len(ns) == 1 else None
        if n is not None:
            lengths[name] = n
    return lengths


def _zeros(value: Var, lengths: dict[str, int]) -> Expr:
    """The zero tangent of `value`: `np.zeros_like(f)`, or one per element of a tuple."""
    n = lengths.get(value.name)
    if n is None:
        return Op("zeros_like", (value,))
    return Tup(tuple(Op("zeros_like", (Op("getitem", (value, Const(i))),)) for i in range(n)))


def _tangent(stmt: Assign, varied: set[str], dot: Namer, shape) -> Expr | None:  # type: ignore[no-untyped-def]
    value = stmt.value
    if isinstance(value, Var):
        return Var(dot(value.name)) if value.name in varied else None
    if isinstance(value, Tup):
        if not names_read(value) & varied:
            return None
        return Tup(tuple(Var(dot(e.name)) if isinstance(e, Var) and e.name in varied else _zero_of(e) for e in value.elts), value.kind)
    if not isinstance(value, Op):
        return None
    prim = registry.PRIMS[value.prim]
    if prim.nondiff:
        return None
    if prim.name == "append":
        # xs.append(v) in the primal; xs_dot.append(v_dot) in the tangent program.
        xs, v = value.args
        xs_dot = Var(dot(xs.name)) if isinstance(xs, Var) and xs.name in varied else Tup((), "list")
        v_dot = Var(dot(v.name)) if isinstance(v, Var) and v.name in varied else Op("zeros_like", (v,))
        return Op("append", (xs_dot, v_dot))
    mapping = bind(prim, value)
    targets = stmt.targets
    mapping["ans"] = Tup(tuple(Var(t) for t in targets)) if isinstance(stmt.target, tuple) else Var(stmt.target)
    terms: list[Expr] = []
    for i, p in enumerate(prim.params):
        arg = mapping[p]
        rule = prim.jvp[i] if i < len(prim.jvp) else None
        if rule is None or not (names_read(arg) & varied):
            continue
        if isinstance(arg, Tup):
            # A sequence argument: inactive elements have zero tangents.
            arg_dot: Expr = Tup(tuple(
                Var(dot(e.name)) if isinstance(e, Var) and e.name in varied else Op("zeros_like", (e,))
                for e in arg.elts), arg.kind)
        elif isinstance(arg, Var):
            arg_dot = Var(dot(arg.name))
        else:
            continue
        m = dict(mapping)
        m[dot_name(p)] = arg_dot
        if rule.func is not None:
            m["t"] = arg_dot
        terms.append(simplify(basic_stores(instantiate(rule, m), shape), shape))
    if not terms:
        return None
    total = terms[0]
    for t in terms[1:]:
        if isinstance(total, Tup) and isinstance(t, Tup):
            total = Tup(tuple(simplify(Op("add", (a, b)), shape) for a, b in zip(total.elts, t.elts)))
        else:
            total = simplify(Op("add", (total, t)), shape)
    return total
