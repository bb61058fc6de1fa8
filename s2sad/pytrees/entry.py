"""Structured arguments (pytrees) and methods: the entry points, and the transforms on structured calls.

Input: a user function (or a bound method) and one call's arguments, some of them
dicts, lists, tuples or NamedTuples of arrays. Output: a *flat* function, the
user's own source rewritten so that every leaf is a parameter of its own
(`params["W1"]` reads the parameter `W1`; a loop over a list of weight matrices is
unrolled; a dict the function builds with keys known now, a dict comprehension
over `params.items()` say, is a variable per entry; `self.w` reads a parameter `w`), cached per function and per structure
(the treedef), plus what maps the call's arguments to the flat function's and
its leaf gradients back to the arguments' structure. The flat function is then
differentiated like any other; `display` puts the original signature back on
generated text, unpacking the leaves at the top (`W1 = params["W1"]`) and
rebuilding the gradient at the end (`{"W1": W1_bar, ...}`).

The work is split along its stages: `treedef.py` (the structure of one value and its
leaves), `leaf_rewrite.py` (the body rewritten to read leaves), `flatten.py` (the flat
function), `structured_call.py` (one call mapped onto it, gradients mapped back) and
`pytree_display.py` (the original signature put back on generated text). This module holds
what the rest of s2sad calls: `needs_flat`, `prepare`, `restructure`, `display`, ... and
`vjp`, `jvp`, `jacobian`, `hessian`, `hvp`, `source` and `inner_grad` on a structured call.
"""
from __future__ import annotations

import inspect
import weakref
from typing import Any, Callable

import numpy as np

from .display import display, leaf_paths, self_name
from .structured_call import Call, needs_flat, plain_fn, prepare, prepare_unstructured, restructure, unwrap_method
from .treedef import flatten_like, rebuild, values

__all__ = ["Call", "display", "flat_call", "hessian", "hvp", "inner_grad", "jacobian", "jvp", "leaf_paths", "needs_flat",
           "output_kind", "prepare", "prepare_unstructured", "restructure", "self_name", "source", "unwrap_method", "vjp"]

# -- the transforms on a flat function ------------------------------------------------------------------------

_INNER: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()


def inner_grad(call: Call, with_value: bool) -> Any:
    """The gradient object of the flat function for `call` (kept with the flat function, so repeated calls reuse it)."""
    from ..api.transforms import GradFunction

    table = _INNER.setdefault(call.flat.fn, {})
    key = (call.wrt, with_value)
    g = table.get(key)
    if g is None:
        g = table[key] = GradFunction(call.flat.fn, call.wrt, with_value)
    return g


def _leaf_values(call: Call) -> dict[str, Any]:
    return dict(zip(call.flat.flat_params, call.args))


def vjp(fn: Any, primals: tuple) -> tuple[Any, Callable[[Any], tuple]]:
    """`s2sad.vjp` with structured primals: one adjoint per primal, in its structure."""
    from ..driver import pipeline
    from ..api.arguments import _layouts, _scalars, alias_flags, fix_grad, unaliased
    from ..api.transforms import _check_cotangent

    call = prepare(fn, primals, {}, tuple(range(len(primals))))
    flat = call.flat.fn
    args = tuple(_as_float(a) if n in call.wrt else a for n, a in zip(call.flat.flat_params, call.args))
    compiled = pipeline.derive(flat, "reverse", call.wrt, _scalars(flat, args, {}), "vjp", _layouts(flat, args, {}))
    low = pipeline.lowered(flat)
    seeds = [p.name for p in compiled.__s2sad_ir__.params[-len(low.outputs):]]
    flags = alias_flags(compiled, len(call.wrt))
    out = fn(*primals)
    given = _leaf_values(call)

    def pullback(cotangent: Any) -> tuple:
        if call.flat.out_node is not None:  # a dict returned: the cotangent is a dict with its keys
            cts = tuple(flatten_like(call.flat.out_node, cotangent, "cotangent", "the output"))
            _check_cotangent(cts, tuple(values(call.flat.out_node, out)))
        else:
            _check_cotangent(cotangent, out)
            cts = tuple(cotangent) if low.tuple_output else (cotangent,)
        grads = unaliased(flags, compiled(*args, **dict(zip(seeds, cts))))
        grads = (grads,) if len(call.wrt) == 1 else grads
        grads = [fix_grad(g, given[w]) for g, w in zip(grads, call.wrt)]
        return restructure(call, grads)

    from ..api.transforms import _user_errors

    return out, _user_errors(pullback)


def _as_float(a: Any) -> Any:
    from ..api.transforms import _as_float as f

    return f(a)


def jvp(fn: Any, primals: tuple, tangents: tuple, variant: str) -> Any:
    """`s2sad.jvp` with structured primals (or a method): tangents in the primals' structure."""
    from ..driver import pipeline
    from ..api.arguments import _is_float, _is_float_sequence, _scalars
    from ..errors import ShapeError

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
        if _is_float(p) or _is_float_sequence(p):
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
    compiled = pipeline.derive(flat, "forward", tuple(wrt), _scalars(flat, call.args, {}), variant)
    dot_params = [p.name for p in compiled.__s2sad_ir__.params[-len(wrt):]]
    result = compiled(*call.args, **dict(zip(dot_params, dots)))
    node = call.flat.out_node
    if node is None:
        return result
    if variant == "jvp":  # the value and its tangent, each in the output's structure
        return rebuild(node, iter(result[0])), rebuild(node, iter(result[1]))
    return rebuild(node, iter(result))


def source(fn: Any, mode: str, wrt: Any, args: tuple, given: bool, standalone: bool) -> str:
    """`s2sad.source` of a structured call or a method: the flat function's code, the original parameters put back."""
    from ..driver import pipeline
    from ..api.arguments import _dtypes, _layouts, _scalars
    from ..api.display import Code

    call = prepare(fn, args, {}, wrt) if given else prepare_unstructured(fn, wrt)
    flat = call.flat.fn
    fargs = call.args if given else ()
    scalars = _scalars(flat, fargs, {}) if given else frozenset()
    layouts = _layouts(flat, fargs, {}) if given else frozenset()
    if mode == "grad":
        stage = ("reverse", call.wrt, scalars, "grad", layouts, _dtypes(flat, fargs, {}) if given else frozenset())
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
    if standalone:
        from ..teach.export import standalone as made_standalone

        text = made_standalone(flat, pipeline.generate(flat, *stage), text)
    return Code(text)



def jacobian(fn: Any, wrt: Any, mode: str, args: tuple) -> Any:
    """`s2sad.jacobian` with structured arguments: one block per leaf, in the structure of its parameter."""
    from ..api.jacobian import jacobian as flat_jacobian

    call = prepare(fn, args, {}, wrt)
    out = flat_jacobian(call.flat.fn, call.wrt, mode)(*call.args)
    if isinstance(out, tuple) and len(out) and isinstance(out[0], tuple) and _tuple_output(call):
        rows = [restructure(call, row) for row in out]  # one per output leaf
        node = call.flat.out_node  # a dict returned: the Jacobian in the output's structure (like JAX's jacrev)
        return rebuild(node, iter(rows)) if node is not None else tuple(rows)
    return restructure(call, out)


def output_kind(call: Call) -> str | None:
    """What a function returning a structure returns, said in words (for `grad`'s error), or None."""
    node = call.flat.out_node
    if node is None:
        return None
    if node.kind == "dict":
        return "a dict (keys " + ", ".join(repr(k) for k in node.keys) + ")"
    return f"a {node.kind} holding dicts"


def _tuple_output(call: Call) -> bool:
    from ..driver import pipeline

    return pipeline.lowered(call.flat.fn).tuple_output


def hessian(fn: Any, wrt: Any, args: tuple) -> Any:
    """`s2sad.hessian` with structured arguments: `H[p][q]` blocks, nested in the parameters' structure."""
    from ..api.jacobian import hessian as flat_hessian

    call = prepare(fn, args, {}, wrt)
    h = flat_hessian(call.flat.fn, call.wrt)(*call.args)
    return restructure(call, [restructure(call, row) for row in h])


def hvp(fn: Any, primals: tuple, v: Any, wrt: int) -> Any:
    """`s2sad.hvp` with a structured argument: `v` and the product in that argument's structure."""
    from ..api.transforms import jvp as api_jvp

    call = prepare(fn, primals, {}, wrt)
    (name, node), = call.groups
    leaves = flatten_like(node, v, "direction", name) if node.kind != "leaf" or node.path else [v]
    direction = dict(zip(call.wrt, leaves))
    tangents = tuple(direction[n] if n in direction else np.zeros(np.shape(a)) for n, a in zip(call.flat.flat_params, call.args))
    g = inner_grad(call, False)
    _, dots = api_jvp(g, call.args, tangents)
    return restructure(call, dots)


def flat_call(fn: Any, args: tuple) -> tuple[Any, tuple]:
    """The flat function and its arguments, for `check_grads`."""
    call = prepare(fn, args, {}, tuple(range(len(args))), check=False)
    return call.flat.fn, call.args
