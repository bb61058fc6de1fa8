"""Stage 5, reverse: a Wengert list -> its adjoint program (reverse mode).

Input: a `Lowered` function, the `wrt` parameter names, the set of parameters
known to be scalars, and a variant: "vjp" returns the adjoints of `wrt`,
"value_and_grad" returns `(value, adjoints)`. Output: an `ir.Function`
taking the primal parameters plus one seed adjoint per output (`loss_bar=1.0`
for a single output), whose body is the forward sweep (the primal statements)
followed by the backward sweep: for each active statement, in reverse order,
each active argument receives the contribution that the primitive's VJP
template gives. The first contribution to `x_bar` is an assignment and later
ones accumulate, so no `zeros_like` appears unless an input gets no adjoint.
"""
from __future__ import annotations

from . import registry
from .activity import analyze
from .ir import Assign, Comment, Const, Expr, Function, Op, Param, Return, Stmt, Tup, Var, names_read
from .lower import Lowered
from .naming import Namer, used_names
from .shapes import infer, shape_fn
from .simplify import simplify
from .template import bind, instantiate

VARIANTS = ("vjp", "value_and_grad")


def reverse(low: Lowered, wrt: tuple[str, ...], scalars: set[str] = frozenset(), variant: str = "vjp") -> Function:  # type: ignore[assignment]
    """Generate the adjoint of `low.fn` with respect to the parameters `wrt`."""
    fn = low.fn
    act = analyze(fn, set(wrt), low.outputs, "reverse")
    bar = Namer(used_names(fn) | set(low.globals_used), "bar")
    env = infer(fn, set(scalars))
    env.update({bar(v): s for v, s in list(env.items())})  # an adjoint has its variable's shape
    shape = shape_fn(env)
    primal = [s for s in fn.body if not isinstance(s, Return)]
    ret = fn.body[-1]
    assert isinstance(ret, Return)

    seeds = [bar(o) for o in low.outputs]
    params = list(fn.params)
    single = len(low.outputs) == 1 and not low.tuple_output
    for s in seeds:
        params.append(Param(s, Const(1.0) if single else None))
    if any(p.default is not None for p in fn.params) and not single:
        params = [Param(p.name, p.default or Const(None)) if p.name in seeds else p for p in params]

    backward: list[Stmt] = []
    defined = {bar(o) for o in low.outputs if o in act.active}

    def contribute(name: str, expr: Expr) -> None:
        nb = bar(name)
        if nb in defined:
            backward.append(Assign(nb, Op("add", (Var(nb), expr)), line))
        else:
            backward.append(Assign(nb, expr, line))
            defined.add(nb)

    for stmt in reversed(primal):
        if not isinstance(stmt, Assign):
            raise NotImplementedError("control flow in reverse mode")  # pragma: no cover
        line = stmt.line
        bars = [bar(t) for t in stmt.targets]
        if not any(b in defined for b in bars):
            continue
        if isinstance(stmt.target, tuple):
            # A tuple-valued primitive: outputs without an adjoint contribute zero.
            for t, b in zip(stmt.targets, bars):
                if b not in defined:
                    backward.append(Assign(b, Op("zeros_like", (Var(t),)), line))
                    defined.add(b)
            g: Expr = Tup(tuple(Var(b) for b in bars))
            ans: Expr = Tup(tuple(Var(t) for t in stmt.targets))
        else:
            g, ans = Var(bars[0]), Var(stmt.target)
        value = stmt.value
        if isinstance(value, Var):
            if value.name in act.varied:
                contribute(value.name, g)
        elif isinstance(value, Tup):
            for i, e in enumerate(value.elts):
                if isinstance(e, Var) and e.name in act.varied:
                    contribute(e.name, Op("getitem", (g, Const(i))))
        elif isinstance(value, Op):
            prim = registry.PRIMS[value.prim]
            if prim.nondiff:
                continue
            mapping = bind(prim, value)
            mapping.update(g=g, ans=ans)
            for i, p in enumerate(prim.params):
                arg = mapping[p]
                rule = prim.vjp[i] if i < len(prim.vjp) else None
                if rule is None or not (names_read(arg) & act.varied):
                    continue
                expr = simplify(instantiate(rule, mapping), shape)
                if isinstance(arg, Var):
                    contribute(arg.name, expr)
                elif isinstance(arg, Tup):
                    # A sequence argument (np.stack([a, b])): split its adjoint among the elements.
                    seq = bar.fresh(f"{p}_bar")
                    backward.append(Assign(seq, expr, line))
                    for k, e in enumerate(arg.elts):
                        if isinstance(e, Var) and e.name in act.varied:
                            contribute(e.name, Op("getitem", (Var(seq), Const(k))))

    body: list[Stmt] = [Comment("forward sweep"), *primal, Comment("backward sweep")]
    body += backward
    grads: list[Expr] = []
    for w in wrt:
        if bar(w) not in defined:
            # This input does not influence the output: its adjoint is zero.
            body.append(Assign(bar(w), Op("zeros_like", (Var(w),))))
        grads.append(Var(bar(w)))
    result: Expr = grads[0] if len(wrt) == 1 else Tup(tuple(grads))
    if variant == "value_and_grad":
        result = Tup((ret.value, result))
    body.append(Return(result, ret.line))
    suffix = "vjp" if variant == "vjp" else "value_and_grad"
    what = ", ".join(wrt)
    doc = f"Reverse mode (adjoint) of {fn.name} with respect to {what}."
    return Function(f"{fn.name}_{suffix}", params, body, doc)
