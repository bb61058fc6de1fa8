"""Reuse the memory of a dead temporary: `t4 = np.exp(t3, out=t3)`.

Every NumPy operation makes a new array. When an operand of an elementwise
operation is a temporary that nothing reads afterwards, has the result's
shape and dtype, and that no other name can see, the result can be written
into it instead, as NumPy's `out=` allows; a hand-tuned gradient does the same.
On arrays of a million elements this saved about 15% of the elementwise
benchmark's gradient in a process where each new array of that size costs page
faults (the allocator handed the memory of a freed one back to the system);
where freed memory is kept, it is within the noise:

    # before                                 # after
    t2 = -x                                  t2 = -x
    t3 = t2 * x                              t3 = np.multiply(t2, x, out=t2)
    t4 = np.exp(t3)                          t4 = np.exp(t3, out=t3)
    t6 = np.tanh(x)                          t6 = np.tanh(x)
    x_bar = 1 - t6 ** 2                      x_bar = np.subtract(1, t6 ** 2, out=t6)
    t3_bar = t1 * t4                         t3_bar = np.multiply(t1, t4, out=t1)

Whether a result has an operand's shape and dtype depends on the arguments,
so the pass needs their layouts (`layouts.py`) and dtypes, and the code is
right only for arrays like them: `s2sad.grad` and `value_and_grad` cache it
under both, and the docstring says which dtypes it was written for. Loops are
left alone (their arrays are read again by the next iteration or the backward
sweep), and so are inner operations of a statement: only its outermost one
writes into a temporary.

Input: the "grad" variant of an adjoint program (after `inplace`) or the
"value_and_grad" one, and the layouts and dtypes of its array parameters (its
seed `f_bar=1.0`, which the API leaves alone, counts as that Python float).
Output: the same program where, in the function's top-level straight-line statements, the outermost
elementwise ufunc of a statement (or of the contribution `g` in `a += g`)
writes into an operand `a` when: `a` is bound once, at the top level, to a
new array (an elementwise result, a product or a reduction with axes left)
or to an operand it wrote into; every read of `a` is as an argument of such
an operation (never an alias, a view, a helper's argument or a loop's);
the statement is `a`'s last reader; `a`'s layout gives the result's shape;
and the result's dtype is `a`'s (found by running the statement on
one-element stand-ins of the arguments' ranks and dtypes, so NumPy's own
promotion rules decide). Binary operators print as the ufunc they
are (`np.multiply(t2, x, out=t2)`), since Python's operators take no `out=`.
"""
from __future__ import annotations

import ast
import operator
import warnings
from dataclasses import replace
from typing import Any

import numpy as np

from . import inplace
from ..analysis import layouts as lay
from ..primitives import registry
from .context import Context
from ..ir import (
    Assign,
    Const,
    Expr,
    For,
    Function,
    If,
    Op,
    Return,
    Slice,
    Tup,
    Var,
    While,
    name_counts,
    names_read,
    stmt_exprs,
    walk_expr,
    walk_stmts,
)

_WEAK = (int, float)  # a Python number takes the dtype of the array it meets (NEP 50)
_NEP50 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"  # NumPy scalars keep their dtype in arithmetic
# What `_sample` runs: operations whose result is no larger than their operands (by their shape, or
# declared `sampled` where they are registered: `@`, `x[i]`, the helpers that sum an adjoint to an operand's shape).
_FOLLOWED_SHAPES = ("elementwise", "reduce", "like_first", "scalar")
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
              ast.Pow: operator.pow, ast.MatMult: operator.matmul, ast.FloorDiv: operator.floordiv,
              ast.Mod: operator.mod, ast.USub: operator.neg, ast.UAdd: operator.pos}


def apply(fn: Function, context: Context) -> Function:
    """`fn` with each qualifying ufunc writing its result into a dead operand (see the module docstring), given
    the context's layouts (scalar parameters count as numbers) and dtypes; its `seeds` are parameters the
    caller leaves at their float defaults (value_and_grad's `f_bar=1.0`)."""
    layouts = {**dict(context.layouts), **{n: () for n in context.scalars}}
    dtypes, seeds = context.dtypes, context.seeds
    if not dtypes:
        return fn
    safe = _safe_names(fn)
    if not safe:
        return fn
    last = {n: i for i, s in enumerate(fn.body) for x in stmt_exprs(s) for n in names_read(x)}
    known: dict[str, Any] = dict(layouts)  # name -> layout, in the order the statements run
    # name -> a stand-in for its value: a one-element array of its rank and dtype, or a Python number
    samples: dict[str, Any] = {n: np.ones((1,) * len(known[n]), d) for n, d in dtypes.items() if isinstance(known.get(n), tuple)}
    for p in fn.params:  # a user's float default may be overridden by a NumPy scalar, whose dtype counts
        if p.name in seeds and isinstance(p.default, Const) and type(p.default.value) is float:
            samples[p.name], known[p.name] = p.default.value, ()
    owned: set[str] = set()  # safe names holding a new array that no other name holds
    body = list(fn.body)
    for i, s in enumerate(body):
        x = _sincos_of(s)
        if x is not None:  # `s, c = sincos(x)`: two new arrays of x's layout and dtype
            for y in s.targets:  # type: ignore[union-attr]
                known[y] = known.get(x)
                if x in samples:
                    samples[y] = samples[x]
                if y in safe and known[y]:
                    owned.add(y)
            continue
        if not isinstance(s, Assign) or not isinstance(s.target, str):
            continue
        upd = inplace.contribution(s)
        e = upd if upd is not None else s.value  # `a += g`: the contribution g
        new = _write_into(e, i, owned, last, known, samples)
        if new is not None:
            body[i] = replace(s, value=inplace.with_contribution(s.value, new) if upd is not None else new)
        if upd is not None:
            continue
        y = s.target
        out = known[y] = _layout(s.value, known)  # the value as it was: `out=` changes neither
        stand_in = _stand_in(s.value, samples)
        if stand_in is not None:
            samples[y] = stand_in
        else:
            samples.pop(y, None)
        if y in safe and out and _fresh(s.value):
            owned.add(y)
    if body == fn.body:
        return fn
    used = sorted({n for n in dtypes if n in {p.name for p in fn.params}})
    doc = (fn.doc or "") + "\n\n    Writes into dead temporaries (`out=`), which is right for arrays of these dtypes: " \
        + ", ".join(f"{n} {dtypes[n]}" for n in used) + "."
    return replace(fn, body=body, doc=doc)


def ufunc(prim: str) -> np.ufunc | None:
    """The NumPy ufunc an elementwise primitive calls (`multiply` for `*`, `np.exp`), if it is one."""
    p = registry.PRIMS.get(prim)
    if p is None or p.shape != "elementwise":
        return None
    sp = p.spelling
    if sp.kind in ("binop", "unary"):
        name = prim
    elif sp.kind == "call" and sp.path and sp.path.startswith("np.") and sp.path.count(".") == 1:
        name = sp.path[3:]
    else:
        return None
    f = getattr(np, name, None)
    return f if isinstance(f, np.ufunc) and f.nout == 1 else None


def _write_into(e: Expr, i: int, owned: set[str], last: dict[str, int], known: dict[str, Any], samples: dict[str, Any]) -> Op | None:
    """`e` with `out=` one of its operands, if one qualifies; else None."""
    if not isinstance(e, Op) or e.kwargs:
        return None
    f = ufunc(e.prim)
    if f is None or len(e.args) != f.nin:
        return None
    result, rtype = _layout(e, known), _dtype(e, samples)
    if not result or rtype is None:
        return None
    # An operand first; else a name an inner elementwise operation read (it has finished with it: t6 in
    # 1 - t6 ** 2). Only elementwise operations between: they broadcast the name into the result's shape.
    direct = [a for a in e.args if isinstance(a, Var)]
    inner = [x for x in _broadcast_into(e) if x not in direct]
    for a in direct + inner:
        if a.name in owned and last.get(a.name) == i and _dtype(a, samples) == rtype \
                and _gives_shape(known.get(a.name), result):
            return Op(e.prim, e.args, (("out", a),))
    return None


def _broadcast_into(e: Expr) -> list[Var]:
    """The names `e` reads through elementwise ufuncs alone."""
    if isinstance(e, Var):
        return [e]
    if isinstance(e, Op) and not e.kwargs and ufunc(e.prim) is not None:
        return [v for a in e.args for v in _broadcast_into(a)]
    return []


def _gives_shape(a: Any, result: Any) -> bool:
    """True when `a`, which broadcast into a result of layout `result`, has its shape."""
    if not isinstance(a, tuple) or not isinstance(result, tuple) or len(a) != len(result):
        return False
    # An axis of a length other than one decided the result's; one of length one only where the result's is too.
    return all((x is False and y is False) or (x is True and y is True) for x, y in zip(a, result))


def _layout(e: Expr, known: dict[str, Any]) -> Any:
    """The layout of `e` from the layouts of the names before it; None when not known."""
    try:
        out = lay.expr_layout(e, known, set())
    except KeyError:  # a primitive the layouts do not follow
        return None
    return None if out is lay.UNSEEN else out


def _fresh(e: Expr) -> bool:
    """True when `e` (with an array result) is a new array: an elementwise ufunc, a product, a reduction."""
    if not isinstance(e, Op):
        return False
    if ufunc(e.prim) is not None:
        return True
    return e.prim in ("matmul", "dot") or _reduction(e) is not None


def _reduction(e: Op) -> Any:
    """The NumPy function of a reduction (`np.sum`, `x.sum()`) with no keywords but axis and keepdims."""
    p = registry.PRIMS.get(e.prim)
    if p is None or p.shape != "reduce" or any(k not in ("axis", "keepdims") for k, _ in e.kwargs):
        return None
    name = (p.spelling.path or "").split(".")[-1]
    f = getattr(np, name, None) if p.spelling.kind in ("call", "method") and p.spelling.path else None
    return f if callable(f) and getattr(np.ndarray, name, None) is not None else None


class _Unknown(Exception):
    """A value the stand-ins cannot follow."""


def _sample(e: Expr, samples: dict[str, Any]) -> Any:
    """`e` run as the generated code runs it, on the stand-ins in `samples`; `_Unknown` if it cannot be."""
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Var):
        if e.name not in samples:
            raise _Unknown(e.name)
        return samples[e.name]
    if isinstance(e, Tup):
        return tuple(_sample(x, samples) for x in e.elts)
    if isinstance(e, Slice):
        return slice(*(None if x is None else _sample(x, samples) for x in (e.lower, e.upper, e.step)))
    if not isinstance(e, Op) or e.prim not in registry.PRIMS:
        raise _Unknown(e)
    prim = registry.PRIMS[e.prim]
    if prim.shape not in _FOLLOWED_SHAPES and not prim.sampled:
        raise _Unknown(e)  # (a constructor such as np.ones((n,)) would allocate at its full size)
    sp = prim.spelling
    args = [_sample(a, samples) for a in e.args]
    kwargs = {k: _sample(v, samples) for k, v in e.kwargs}
    if sp.kind in ("binop", "unary") and not kwargs and sp.op in _OPERATORS:  # Python's operator: 1.0 / n is a float
        return _OPERATORS[sp.op](*args)
    if sp.kind == "attr" and len(args) == 1:
        return getattr(args[0], sp.path)
    if sp.kind == "method" and args:
        return getattr(args[0], sp.path)(*args[1:], **kwargs)
    if sp.kind == "getitem" and len(args) == 2:
        return args[0][args[1]]
    if sp.kind == "call" and prim.fn is not None:
        return prim.fn(*args, **kwargs)
    raise _Unknown(e)


def _stand_in(e: Expr, samples: dict[str, Any]) -> Any:
    """A stand-in for `e`'s value (one-element arrays of its dtype and rank), or None when not known.

    Only its dtype (or, for a Python number, its type) is used: running NumPy itself on the stand-ins
    applies NumPy's promotion rules, Python numbers yielding to arrays as NEP 50 says.
    """
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = _sample(e, samples)
    except Exception:  # noqa: BLE001 -- _Unknown, or e.g. an int to a negative int power: not known
        return None
    if isinstance(out, np.ndarray) and out.ndim and out.size == 1:
        return out
    if isinstance(out, (np.ndarray, np.generic)):  # a NumPy scalar's dtype counts only under NEP 50
        return out if _NEP50 else None
    return out if type(out) in _WEAK or (type(out) is tuple and all(type(x) is int for x in out)) else None


def _dtype(e: Expr, samples: dict[str, Any]) -> np.dtype | None:
    """The dtype of `e`'s value, when it is an array whose dtype the stand-ins know."""
    out = _stand_in(e, samples)
    return out.dtype if isinstance(out, np.ndarray) else None


def _safe_names(fn: Function) -> set[str]:
    """Names bound once at the top level whose every read is an argument of a new-array operation."""
    binds, _ = name_counts(fn.body)
    params = {p.name for p in fn.params}
    nested: set[str] = set()
    for s in fn.body:
        if isinstance(s, (For, If, While)):
            for x in walk_stmts([s]):
                nested |= set(getattr(x, "targets", ()) or ())
                for ex in stmt_exprs(x):
                    nested |= names_read(ex)
    top = {t for s in fn.body if isinstance(s, Assign) and (isinstance(s.target, str) or _sincos_of(s)) for t in s.targets}
    names = {n for n in top if binds[n] == 1 and n not in params and n not in nested}
    for s in fn.body:
        for ex in stmt_exprs(s):
            names -= _bad_reads(ex)
        if isinstance(s, Return) or not isinstance(s, Assign):
            names -= {n for ex in stmt_exprs(s) for n in names_read(ex)}
    return names


def _sincos_of(s: Any) -> str | None:
    """The name `s` takes the sine and cosine of, when it is `s, c = sincos(x)` (s2sad/passes/sincos.py)."""
    v = s.value if isinstance(s, Assign) and isinstance(s.target, tuple) else None
    if isinstance(v, Op) and v.prim == "sincos_" and len(v.args) == 1 and isinstance(v.args[0], Var):
        return v.args[0].name
    return None


def _bad_reads(e: Expr, parent_fresh: bool = False) -> set[str]:
    """Names `e` reads other than as a direct argument of a new-array operation."""
    if isinstance(e, Var):
        return set() if parent_fresh else {e.name}
    if isinstance(e, Op):
        fresh = _fresh(e)
        return set().union(*(_bad_reads(a, fresh) for a in e.args), *(_bad_reads(v, fresh) for _, v in e.kwargs))
    return {x.name for x in walk_expr(e) if isinstance(x, Var)}  # in a tuple, a slice: not followed
