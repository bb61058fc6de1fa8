"""Binomial checkpointing of loops: `for i in range(n)` becomes a step, and its adjoint a Revolve schedule.

Input: a Python function and a budget (`memory=` bytes or a string such as "100MB",
or `snapshots=`), from `s2sad.grad(f, memory="100MB")`. Output: the same function
rewritten so that each top-level loop `for i in range(...)` over a fixed set of
variables (its state) is a call of two generated helpers, which s2sad then
differentiates as usual:

    def f_loop1_step(i, x, w):          # the loop body, one step: state in, state out
        x = np.sin(x) * w + 0.1
        return x

    def f_loop1(n, x, w):               # the loop itself, run as written in the forward sweep
        for i in range(n):
            x = f_loop1_step(i, x, w)
        return x

    def f(x, w, n):
        x = f_loop1(n, x, w)
        return np.sum(x)

The forward sweep of f's adjoint runs the loop through the runtime driver
`revolve_forward` (`runtime/checkpoints.py`), which keeps the first snapshots of the
binomial schedule on the way; its backward sweep calls `revolve` with the step's
generated adjoint (`f_loop1_step_vjp`) to run the rest of the schedule: at most
`snapshots` states are held and steps are run again between them:

    x_1, f_loop1_tape = revolve_forward(f_loop1_step, 0, n, (x,), (w,), snapshots=20)
    ...
    # checkpoint: revolve runs f_loop1_step again from at most 20 snapshots of its state (x), then ...
    x_bar, w_bar = revolve(f_loop1_step_vjp, f_loop1_tape, (x_1_bar,), (w,))

Anything else about f is differentiated as before (a loop called from the step, a
helper, a branch). The helpers are compiled under the user's file name with each
statement at the user's line, and s2sad reads them from the user's text
(`__s2sad_flat_source__`), so an error inside a step (a refusal while deriving it, a
failure of its generated adjoint) names the user's file and line. Loops that cannot be
checkpointed are refused with the reason: a `while` loop, `break`, `return` inside the
loop, a store into an array from outside the loop (`y[i] = ...`), names first bound
inside the loop and read after it, or read by a step before it assigns them (the loop
as written would carry them from one step to the next: bound before the loop, they are
state), `x += ...` on the state (NumPy would change a snapshot's array).
"""
from __future__ import annotations

import ast
import copy
import inspect
import linecache
import re
import textwrap
from typing import Any, Callable

from ..errors import InputError, UnsupportedSyntaxError
from . import calls
from .checkpoint import show
from ..frontend.source import FunctionSource

MARK = "__s2sad_revolve__"
_UNITS = {"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "kib": 2**10, "mib": 2**20, "gib": 2**30}
_made: dict[tuple, Callable[..., Any]] = {}


def parse_memory(memory: Any) -> float:
    """Bytes for `memory`: a number of bytes, or a string such as "100MB", "1.5 GiB"."""
    if isinstance(memory, (int, float)) and not isinstance(memory, bool) and memory > 0:
        return float(memory)
    m = re.fullmatch(r"\s*([0-9.]+(?:e[0-9]+)?)\s*([kmg]i?b|b)?\s*", str(memory), re.I) if isinstance(memory, str) else None
    if m is None:
        raise InputError(f"memory must be a number of bytes or a string such as '100MB', not {memory!r}", construct="memory")
    return float(m.group(1)) * _UNITS[(m.group(2) or "").lower()]


def is_loop(fn: Any) -> bool:
    """True for a loop helper made here (its adjoint is a `revolve` call)."""
    return getattr(fn, MARK, None) is not None


def outline(fn: Callable[..., Any], memory: Any = None, snapshots: int | None = None) -> Callable[..., Any]:
    """`fn` with each top-level `for i in range(...)` loop made a checkpointed loop helper (see the module)."""
    if snapshots is not None and (isinstance(snapshots, bool) or not isinstance(snapshots, int) or snapshots < 1):
        raise InputError(f"snapshots must be a positive int, not {snapshots!r}", construct="snapshots")
    budget = parse_memory(memory) if memory is not None else None
    if snapshots is None and budget is None:
        return fn
    if getattr(fn, "__s2sad_outlined__", None) is not None:
        fn = fn.__s2sad_outlined__
    key = (fn, budget, snapshots)
    if key in _made:
        return _made[key]
    if not inspect.isfunction(fn):
        raise InputError(f"checkpointing loops needs a plain Python function, not {type(fn).__name__}", construct="memory")
    try:
        src = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        raise InputError(f"cannot read the source of {fn.__name__} to checkpoint its loops", construct="memory") from None
    tree = ast.parse(src)
    fdef = tree.body[0]
    if not isinstance(fdef, ast.FunctionDef):
        raise InputError(f"checkpointing loops needs a def, not {type(fdef).__name__}", construct="memory")
    fdef.decorator_list = []
    params = [a.arg for a in fdef.args.posonlyargs + fdef.args.args + fdef.args.kwonlyargs]
    helpers: list[ast.FunctionDef] = []
    marks: dict[str, dict[str, Any]] = {}
    new_body: list[ast.stmt] = []
    bound = set(params)
    loops = 0
    line0 = fn.__code__.co_firstlineno
    for k, s in enumerate(fdef.body):
        _refuse_hidden_loops(fn, s, line0)
        if isinstance(s, (ast.For, ast.While, ast.AsyncFor)):
            loops += 1
            name = f"{fn.__name__}_loop{loops}"
            call, step_def, loop_def, n_state = _outline_loop(fn, s, name, bound, fdef.body[k + 1:], line0)
            helpers += [step_def, loop_def]
            marks[name] = {"step": f"{name}_step", "snapshots": snapshots, "memory": budget, "state": n_state, "line": line0 + s.lineno - 1}
            new_body.append(call)
        else:
            new_body.append(s)
        bound |= _stores(s)
    fdef.body = new_body
    if not helpers:
        _made[key] = fn
        return fn
    module = ast.fix_missing_locations(ast.Module(helpers + [fdef], []))
    # Every statement keeps its line in the user's text (`src`): the helpers are compiled under the user's
    # file name at the user's lines, and s2sad reads them from `src` (`__s2sad_flat_source__`), so that an
    # error inside a step, found while deriving it or raised by its generated code, names the user's line.
    placed = copy.deepcopy(module)
    ast.increment_lineno(placed, line0 - 1)
    namespace = dict(fn.__globals__)  # (a snapshot: re-binding a module name later is not seen here)
    if fn.__closure__:
        namespace.update({n: c.cell_contents for n, c in zip(fn.__code__.co_freevars, fn.__closure__)})
    exec(compile(placed, fn.__code__.co_filename, "exec", dont_inherit=True), namespace)
    for d in module.body:
        made = namespace[d.name]
        made.__s2sad_flat_source__ = FunctionSource(fn=made, name=d.name, text=src, tree=d, filename=fn.__code__.co_filename,
                                                    first_line=line0, namespace=namespace)
        if d is not fdef:
            made.__s2sad_loop_step__ = fn.__qualname__  # (what `export` says of it: not a function the user wrote)
    for name, mark in marks.items():
        loop = namespace[name]
        setattr(loop, MARK, {**mark, "step": namespace[mark["step"]]})
    out = namespace[fn.__name__]
    out.__s2sad_outlined__ = fn
    out.__defaults__, out.__kwdefaults__ = fn.__defaults__, fn.__kwdefaults__
    _made[key] = out
    return out


def _refuse(fn: Callable[..., Any], message: str, node: ast.AST, line0: int, hint: str | None = None) -> UnsupportedSyntaxError:
    line = line0 + getattr(node, "lineno", 1) - 1
    return UnsupportedSyntaxError(message, construct="checkpointed loop", filename=fn.__code__.co_filename, lineno=line,
                                  source_line=linecache.getline(fn.__code__.co_filename, line) or None,
                                  hint=hint or "checkpointing covers `for i in range(n)` loops at the top of the function "
                                               "whose state is a fixed set of variables; call s2sad.grad without memory= for this one")


def _refuse_hidden_loops(fn: Callable[..., Any], s: ast.stmt, line0: int) -> None:
    """A loop inside an if or with block at the top level cannot be checkpointed: say so."""
    if isinstance(s, (ast.For, ast.While, ast.AsyncFor, ast.FunctionDef, ast.ClassDef)):
        return
    for node in ast.walk(s):
        if isinstance(node, (ast.For, ast.While)):
            raise _refuse(fn, "a loop inside another statement cannot be checkpointed", node, line0)


def _stores(s: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _loads(nodes: list[ast.stmt]) -> set[str]:
    return {n.id for s in nodes for n in ast.walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _outline_loop(fn: Callable[..., Any], s: ast.stmt, name: str, bound: set[str], after: list[ast.stmt], line0: int) -> tuple:
    """The call replacing loop `s`, its step helper and its loop helper."""
    if not isinstance(s, ast.For):
        raise _refuse(fn, f"a {type(s).__name__.lower()} loop cannot be checkpointed", s, line0)
    it = s.iter
    if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" and 1 <= len(it.args) <= 2 and not it.keywords):
        raise _refuse(fn, f"only `for i in range(n)` or `range(start, stop)` loops can be checkpointed, not `for ... in {ast.unparse(it)}`", s, line0)
    if not isinstance(s.target, ast.Name):
        raise _refuse(fn, "the loop variable of a checkpointed loop must be one name", s, line0)
    if s.orelse:
        raise _refuse(fn, "a checkpointed loop cannot have an else clause", s, line0)
    for node in ast.walk(s):
        if isinstance(node, (ast.Break, ast.Continue)) and _in_this_loop(s, node):
            raise _refuse(fn, f"`{type(node).__name__.lower()}` in a checkpointed loop: its trip count must be range's", node, line0)
        if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal, ast.Await)):
            raise _refuse(fn, f"`{type(node).__name__.lower()}` inside a checkpointed loop", node, line0)
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            base = node.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name) and base.id in bound:
                raise _refuse(fn, f"the checkpointed loop changes {base.id} in place ({ast.unparse(node)} = ...): "
                                  "its state must be variables the step re-binds", node, line0,
                              hint=f"write {base.id} = ... with a new array in the loop, or call s2sad.grad without memory=")
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id in bound:
            v = node.target.id  # on an array, `x += ...` changes the very array a snapshot holds
            raise _refuse(fn, f"`{ast.unparse(node)}` in a checkpointed loop may change {v}'s array in place",
                          node, line0, hint=f"write {v} = {v} ... instead, which makes a new array")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("append", "extend", "insert", "pop") \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in bound:
            raise _refuse(fn, f"the checkpointed loop changes the list {node.func.value.id} in place", node, line0)
    target = s.target.id
    assigned = _stores(ast.Module(s.body, [])) - {target}
    read = _loads(s.body)
    used_after = _loads(after)
    if target in used_after and target not in bound:
        raise _refuse(fn, f"the loop variable {target} is read after the checkpointed loop", s, line0)
    for v in sorted(assigned - bound):
        if v in used_after:
            raise _refuse(fn, f"{v} is first bound inside the checkpointed loop and read after it: bind it before the loop", s, line0)
    carried = _read_first(s.body, {target}, assigned - bound)
    if carried is not None:
        v, node = carried
        raise _refuse(fn, f"{v} is read in the checkpointed loop before the step assigns it: it carries a value "
                          "from one step to the next but is not bound before the loop", node, line0,
                      hint=f"bind {v} before the loop ({v} = ...), which makes it part of the loop's state, "
                           "or call s2sad.grad without memory=")
    order = [n.id for n in ast.walk(ast.Module(s.body, [])) if isinstance(n, ast.Name)]
    first = {v: order.index(v) for v in set(order)}
    state = sorted(assigned & bound, key=lambda v: first[v])
    consts = sorted((read - assigned - {target}) & bound, key=lambda v: first[v])
    if not state:
        raise _refuse(fn, "the checkpointed loop re-binds no variable from before it: it has no state to carry", s, line0)
    names = lambda vs: [ast.arg(v) for v in vs]  # noqa: E731
    load = lambda v: ast.Name(v, ast.Load())  # noqa: E731
    out = ast.Tuple([load(v) for v in state], ast.Load()) if len(state) > 1 else load(state[0])
    step_name = f"{name}_step"
    doc = ast.Expr(ast.Constant(f"Step {target} of the loop at line {line0 + s.lineno - 1} of {fn.__name__} (checkpointed by s2sad)."))
    step_def = ast.FunctionDef(step_name, ast.arguments([], names([target] + state + consts), None, [], [], None, []),
                               [doc] + s.body + [ast.Return(out)], [], None, **_kw())
    bounds = ["start", "stop"] if len(it.args) == 2 else ["stop"]
    store = ast.Tuple([ast.Name(v, ast.Store()) for v in state], ast.Store()) if len(state) > 1 else ast.Name(state[0], ast.Store())
    inner = ast.Assign([store], ast.Call(load(step_name), [load(v) for v in [target] + state + consts], []))
    rng = ast.Call(load("range"), [load(b) for b in bounds], [])
    loop_doc = ast.Expr(ast.Constant(f"The loop at line {line0 + s.lineno - 1} of {fn.__name__}, its adjoint checkpointed (s2sad.ad.revolve)."))
    loop_def = ast.FunctionDef(name, ast.arguments([], names(bounds + state + consts), None, [], [], None, []),
                               [loop_doc, ast.For(ast.Name(target, ast.Store()), rng, [inner], []), ast.Return(out)], [], None, **_kw())
    call = ast.Assign([store], ast.Call(load(name), list(it.args) + [load(v) for v in state + consts], []))
    return _at(call, s), _at(step_def, s), _at(loop_def, s), len(state)


def _at(tree: ast.AST, s: ast.stmt) -> ast.AST:
    """`tree` with each node made here placed at the loop `s` (the user's own statements keep their lines)."""
    for node in ast.walk(tree):
        if "lineno" in node._attributes and getattr(node, "lineno", None) is None:
            node.lineno, node.col_offset = s.lineno, s.col_offset
            node.end_lineno, node.end_col_offset = s.lineno, s.col_offset
    return tree


def _read_first(body: list[ast.stmt], defined: set[str], names: set[str]) -> tuple[str, ast.Name] | None:
    """The first read of one of `names` (bound only inside the loop) that a step may reach before the step
    assigns it, with its node, or None.

    A step starts with them unbound, where the loop as written would read the previous iteration's value.
    The reading is by paths: after an `if`, a name is assigned when both branches assign it; a loop nested
    in the step is taken to run at least once.
    """
    found: list[tuple[str, ast.Name]] = []

    def reads(node: ast.AST | None, done: set[str]) -> None:
        if node is None or found:
            return
        local = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
                 and any(n in ast.walk(g.target) for c in ast.walk(node) if isinstance(c, (ast.ListComp, ast.SetComp,
                         ast.DictComp, ast.GeneratorExp)) for g in c.generators)}
        local |= {a.arg for c in ast.walk(node) if isinstance(c, ast.Lambda) for a in ast.walk(c.args) if isinstance(a, ast.arg)}
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in names and n.id not in done | local:
                found.append((n.id, n))
                return

    def block(stmts: list[ast.stmt], done: set[str]) -> set[str]:
        for st in stmts:
            if found:
                break
            done = stmt(st, done)
        return done

    def stmt(st: ast.stmt, done: set[str]) -> set[str]:
        if isinstance(st, ast.If):
            reads(st.test, done)
            return block(st.body, set(done)) & block(st.orelse, set(done))
        if isinstance(st, (ast.For, ast.While)):
            reads(st.iter if isinstance(st, ast.For) else st.test, done)
            inner = done | (_stores(st.target) if isinstance(st, ast.For) else set())
            return block(st.orelse, block(st.body, inner))
        if isinstance(st, ast.With):
            for item in st.items:
                reads(item.context_expr, done)
                done = done | (_stores(item.optional_vars) if item.optional_vars is not None else set())
            return block(st.body, done)
        if isinstance(st, ast.Try):
            after = block(st.body, set(done))
            for h in st.handlers:
                after &= block(h.body, done | ({h.name} if h.name else set()))
            return block(st.finalbody, block(st.orelse, after))
        if isinstance(st, (ast.FunctionDef, ast.ClassDef)):
            for d in st.decorator_list:
                reads(d, done)
            return done | {st.name}  # (its body runs when called: not followed here)
        if isinstance(st, ast.AugAssign) and isinstance(st.target, ast.Name):  # `t += 1` reads t (its Name says Store)
            reads(ast.Name(st.target.id, ast.Load(), lineno=st.lineno, col_offset=st.col_offset), done)
        if isinstance(st, ast.Assign):
            parts = [st.value, *st.targets]
        elif isinstance(st, (ast.AnnAssign, ast.AugAssign)):
            parts = [st.value, st.target]
        else:
            parts = [st]
        for part in parts:
            reads(part, done)
        if isinstance(st, ast.Delete):
            return done - _stores(st)
        return done | _stores(st)

    block(body, set(defined))
    return found[0] if found else None


def _in_this_loop(loop: ast.For, node: ast.AST) -> bool:
    """True when `node` (a break or continue) belongs to `loop`, not to a loop nested in it."""
    def visit(stmts: list[ast.stmt]) -> bool:
        for st in stmts:
            if st is node:
                return True
            if isinstance(st, (ast.For, ast.While, ast.FunctionDef)):
                continue
            for field in ("body", "orelse", "finalbody", "handlers"):
                if visit(getattr(st, field, []) or []):
                    return True
        return False
    return visit(loop.body)


def _kw() -> dict[str, Any]:
    return {"type_params": []} if "type_params" in ast.FunctionDef._fields else {}


# -- the adjoint of a loop helper's call ------------------------------------------------------------------


def call_adjoint(rev: Any, s: Any, value: Any, g: Any, defined: set[str]) -> tuple[list, list]:
    """The backward sweep's `x_bar, w_bar = revolve(f_loop1_step_vjp, f_loop1_tape, (x_1_bar,), (w,))`, and (in `rev.tapes`)
    the forward sweep's `x_1, f_loop1_tape = revolve_forward(f_loop1_step, 0, n, (x,), (w,), snapshots=20)`."""
    from ..primitives import registry
    from ..ir import Assign, Comment, Const, Op, Tup, Var

    prim = registry.PRIMS[value.prim]
    loop = prim.user_fn
    mark = getattr(loop, MARK)
    step = mark["step"]
    mapping, active = calls.active_arguments(prim, value, rev.act.varied)
    if not active:
        return [], []
    params = list(prim.params)
    n_bounds = 2 if params[:2] == ["start", "stop"] else 1
    step_params = list(inspect.signature(step).parameters)
    n_state = mark["state"]
    state_p = params[n_bounds:n_bounds + n_state]
    const_p = params[n_bounds + n_state:]
    active = [p for p in active if p not in params[:n_bounds]]  # a trip count's derivative is 0 (vjp takes every argument)
    if not active:
        return [], []
    # The step's adjoint: every state variable (it flows from step to step) and the constants active here.
    wrt = tuple(step_params[1:1 + n_state]) + tuple(step_params[1 + n_state + const_p.index(p)] for p in const_p if p in active)
    compiled = calls.DERIVE(step, "reverse", wrt, frozenset(), "step_vjp")  # (the driver's service: calls.py)
    vjp_name = f"{step.__name__}_vjp"
    rev.low.globals_used.setdefault(step.__name__, step)  # (names the generated code passes to revolve)
    rev.low.globals_used[vjp_name] = compiled
    from ..runtime.checkpoints import revolve as driver, revolve_forward

    drv = _driver(driver, ("step_vjp", "tape", "state_bar", "active"), {"active": ()})
    fwd = _driver(revolve_forward, ("step", "start", "stop", "state", "consts", "snapshots", "memory"), {"snapshots": None, "memory": None})
    seeds = g.elts if isinstance(g, Tup) else tuple(Op("getitem", (g, Const(i))) for i in range(n_state)) if n_state > 1 else (g,)
    bounds = (Const(0), mapping[params[0]]) if n_bounds == 1 else (mapping[params[0]], mapping[params[1]])
    consts_used = [p for p in const_p if p in active]
    kwargs = {"snapshots": Const(mark["snapshots"])} if mark["snapshots"] is not None else {"memory": Const(int(mark["memory"]))}
    tape = rev.bar.fresh(f"{loop.__name__}_tape")
    # The forward sweep runs the loop through revolve_forward, which keeps the schedule's first snapshots.
    rev.tapes[id(s)] = Assign((*s.targets, tape), Op(fwd.name, (Var(step.__name__), *bounds, Tup(tuple(mapping[p] for p in state_p)),
                                                           Tup(tuple(mapping[p] for p in const_p))), tuple(kwargs.items())), s.line)
    call = Op(drv.name, (Var(vjp_name), Var(tape), Tup(tuple(seeds)), Tup(tuple(mapping[p] for p in consts_used))))
    targets, parts = [], []
    names = [mapping[p].name if isinstance(mapping[p], Var) else None for p in state_p + consts_used]
    for p, name in zip(state_p + consts_used, names):
        arg = mapping[p]
        if p in active and name is not None and names.count(name) == 1 and rev.bar(name) not in defined and name not in s.targets:
            targets.append(rev.bar(name))  # a first contribution goes straight into `a_bar`
            defined.add(rev.bar(name))
            continue
        part = rev.bar.fresh(f"{p}_bar_{loop.__name__}")
        targets.append(part)
        if p in active:
            parts.append((arg, Var(part)))
    budget = f"{mark['snapshots']} snapshots" if mark["snapshots"] is not None else f"the snapshots {_size(mark['memory'])} holds"
    note = Comment(f"checkpoint: revolve runs {step.__name__} again from at most {budget} of its state "
                   f"({', '.join(show(mapping[p]) for p in state_p)}), then {vjp_name} step by step", s.line)
    target = targets[0] if len(targets) == 1 else tuple(targets)
    return [note, Assign(target, call, s.line)], parts


def _driver(fn: Callable[..., Any], params: tuple[str, ...], defaults: dict[str, Any]) -> Any:
    """The opaque primitive calling a runtime driver, spelled by its own name in generated code."""
    from ..primitives import registry
    from ..primitives.registry import Primitive, Spelling

    prim = registry.lookup(fn)
    if prim is None:
        prim = Primitive(name=fn.__name__, spelling=Spelling("call", path=fn.__name__), fn=fn)
        prim.params, prim.defaults = params, defaults
        prim.set_rules([], [])
        prim = registry.add_user(prim)
    return prim


def _size(b: float) -> str:
    for unit, k in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if b >= k:
            return f"{b / k:g} {unit}"
    return f"{b:g} bytes"
