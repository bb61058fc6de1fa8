"""Structured arguments (pytrees) and methods: what the layers above call.

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
`display.py` (the original signature put back on generated text). This module holds
what the layers above call: `needs_flat`, `prepare`, `restructure`, `display`, `output_kind`,
`flat_call`, ... The transforms on a structured call, which differentiate the flat function, are
the api's (`api/structured.py`, `api/jacobian.py`, `GradFunction._structured` in `api/transforms.py`).
"""
from __future__ import annotations

from typing import Any

from ..driver import pipeline
from .display import display, leaf_paths, self_name
from .structured_call import Call, needs_flat, plain_fn, prepare, prepare_unstructured, restructure, unwrap_method
from .treedef import flatten_like, rebuild, values

__all__ = ["Call", "display", "flat_call", "flatten_like", "leaf_paths", "needs_flat", "output_kind", "plain_fn", "prepare",
           "prepare_unstructured", "rebuild", "restructure", "self_name", "tuple_output", "unwrap_method", "values"]


def output_kind(call: Call) -> str | None:
    """What a function returning a structure returns, said in words (for `grad`'s error), or None."""
    node = call.flat.out_node
    if node is None:
        return None
    if node.kind == "dict":
        return "a dict (keys " + ", ".join(repr(k) for k in node.keys) + ")"
    return f"a {node.kind} holding dicts"


def tuple_output(call: Call) -> bool:
    """Whether the flat function of `call` returns a tuple."""
    return pipeline.lowered(call.flat.fn).tuple_output


def flat_call(fn: Any, args: tuple) -> tuple[Any, tuple]:
    """The flat function and its arguments, for `check_grads`."""
    call = prepare(fn, args, {}, tuple(range(len(args))), check=False)
    return call.flat.fn, call.args
