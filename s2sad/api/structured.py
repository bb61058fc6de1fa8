"""The transforms on a structured call: `vjp`, `jvp` and `source` of a function of dicts, lists, tuples
or NamedTuples of arrays, or of a bound method.

Input: the user's function (or bound method), one call's arguments, and what the transform asks.
Output: the transform's result in the arguments' and the output's structure. The flat function, whose
leaves are its parameters, and the mapping of a call onto it and back are `pytrees/`'s (`pytrees.entry`);
this module differentiates that flat function like any other, and `transforms.py` sends a structured call
here (`grad` keeps its own structured path, `GradFunction._structured`; `jacobian.py` holds the Jacobians').
Nothing here imports `transforms.py`.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from ..driver import pipeline
from ..errors import ShapeError
from ..pytrees.entry import Call, display, flatten_like, plain_fn, prepare, prepare_unstructured, rebuild, restructure, \
    unwrap_method, values
from .arguments import alias_flags, array_dtypes, array_layouts, fix_grad, is_float, is_float_sequence, scalar_names, unaliased
from .calling import as_float, check_cotangent
from .display import Code


def _leaf_values(call: Call) -> dict[str, Any]:
    return dict(zip(call.flat.flat_params, call.args))


def vjp(fn: Any, primals: tuple) -> tuple[Any, Callable[[Any], tuple]]:
    """`s2sad.vjp` with structured primals: one adjoint per primal, in its structure (`transforms.vjp` wraps the
    pullback in its `user_errors`)."""
    call = prepare(fn, primals, {}, tuple(range(len(primals))))
    flat = call.flat.fn
    args = tuple(as_float(a) if n in call.wrt else a for n, a in zip(call.flat.flat_params, call.args))
    compiled = pipeline.derive(flat, "reverse", call.wrt, scalar_names(flat, args, {}), "vjp", array_layouts(flat, args, {}))
    low = pipeline.lowered(flat)
    seeds = [p.name for p in compiled.__s2sad_ir__.params[-len(low.outputs):]]
    flags = alias_flags(compiled, len(call.wrt))
    out = fn(*primals)
    given = _leaf_values(call)

    def pullback(cotangent: Any) -> tuple:
        if call.flat.out_node is not None:  # a dict returned: the cotangent is a dict with its keys
            cts = tuple(flatten_like(call.flat.out_node, cotangent, "cotangent", "the output"))
            check_cotangent(cts, tuple(values(call.flat.out_node, out)))
        else:
            check_cotangent(cotangent, out)
            cts = tuple(cotangent) if low.tuple_output else (cotangent,)
        grads = unaliased(flags, compiled(*args, **dict(zip(seeds, cts))))
        grads = (grads,) if len(call.wrt) == 1 else grads
        grads = [fix_grad(g, given[w]) for g, w in zip(grads, call.wrt)]
        return restructure(call, grads)

    return out, pullback


def jvp(fn: Any, primals: tuple, tangents: tuple, variant: str) -> Any:
    """`s2sad.jvp` with structured primals (or a method): tangents in the primals' structure."""
    call = prepare(fn, primals, {}, tuple(range(len(primals))), check=False)
    names = list(call.flat.params)
    flat_t: list[Any] = []
    for n, t in zip(names, tangents):
        node = call.flat.nodes.get(n)
        flat_t.extend(flatten_like(node, t, "tangent", n) if node is not None else [t])
    flat = call.flat.fn
    own = len(flat_t)  # the object's attributes (after them) are constants
    wrt, dots = [], []
    for n, p, t in zip(call.flat.flat_params[:own], call.args[:own], flat_t):
        if is_float(p) or is_float_sequence(p):
            if type(t) is list or type(t) is tuple:
                t = np.asarray(t, dtype=float)
            if np.shape(t) != np.shape(p):
                raise ShapeError(f"tangent for {n!r} has shape {np.shape(t)}, but the primal has shape {np.shape(p)}", construct="jvp")
            wrt.append(n)
            dots.append(t)
    if not wrt:
        out = fn(*primals)
        zero = np.zeros_like(out, dtype=float)
        return (out, zero) if variant == "jvp" else zero
    compiled = pipeline.derive(flat, "forward", tuple(wrt), scalar_names(flat, call.args, {}), variant)
    dot_params = [p.name for p in compiled.__s2sad_ir__.params[-len(wrt):]]
    result = compiled(*call.args, **dict(zip(dot_params, dots)))
    node = call.flat.out_node
    if node is None:
        return result
    if variant == "jvp":  # the value and its tangent, each in the output's structure
        return rebuild(node, iter(result[0])), rebuild(node, iter(result[1]))
    return rebuild(node, iter(result))


def source(fn: Any, mode: str, wrt: Any, args: tuple, given: bool,
           standalone: Callable[[Callable[..., Any], Any, str], str] | None) -> str:
    """`s2sad.source` of a structured call or a method: the flat function's code, the original parameters put back.

    `standalone(fn, ir, text)`, when given, makes the text runnable on its own (`transforms.STANDALONE`)."""
    call = prepare(fn, args, {}, wrt) if given else prepare_unstructured(fn, wrt)
    flat = call.flat.fn
    fargs = call.args if given else ()
    scalars = scalar_names(flat, fargs, {}) if given else frozenset()
    layouts = array_layouts(flat, fargs, {}) if given else frozenset()
    if mode == "grad":
        stage = ("reverse", call.wrt, scalars, "grad", layouts, array_dtypes(flat, fargs, {}) if given else frozenset())
    elif mode == "tangent":
        stage = ("forward", call.wrt, scalars, "tangent")
    elif mode == "wengert":
        stage = (mode, (), scalars, "vjp", layouts)
    else:
        stage = (mode, call.wrt, scalars, "vjp", layouts)
    text = pipeline.show(flat, *stage)
    plain, obj, bound = unwrap_method(fn)
    me = list(inspect.signature(plain_fn(plain)).parameters)[0] if bound else None
    kind = {"grad": "reverse", "tangent": "forward"}.get(mode, mode)
    text = display(text, call, kind, me)
    if standalone is not None:
        text = standalone(flat, pipeline.generate(flat, *stage), text)
    return Code(text)
