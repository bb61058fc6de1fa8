"""The steps that make a variant of a generated program: what it returns and how it is seeded.

Input: a finished adjoint or tangent program (`ir.Function`) and its
`Context`. Output: the program of the variant the context names:

- "step_vjp" (a checkpointed loop's step, `revolve.py`): the seeds lose their
  default 1.0, which `liveness` would otherwise fold in as a constant;
- "tangent" and "diagonal": the tangent program returns the output's tangent
  alone, `value_dot`, instead of `(value, value_dot)`;
- "diagonal": its one tangent parameter defaults to 1.0 (the derivative of an
  elementwise function), for `liveness` to fold in;
- "quiet_vjp" (a helper's adjoint whose forward sweep repeats a run its
  caller already made): without `print`, logging and warnings.

These always run for their variant: the pass manager (`manager.py`) lists them
in its order, but they cannot be switched off.
"""
from __future__ import annotations

from dataclasses import replace

from .context import Context
from ..frontend.effects import quiet as without_effects
from ..ir import Const, Function, Param, Return, Tup


def step_seeds(fn: Function, context: Context) -> Function:
    """The adjoint with its seed parameters (those after the source's) taking no default."""
    k = len(context.source.params) if context.source is not None else len(fn.params)
    return replace(fn, params=fn.params[:k] + [Param(p.name, None) for p in fn.params[k:]])


def tangent_only(fn: Function, context: Context | None = None) -> Function:
    """The tangent program returning `value_dot` alone instead of `(value, value_dot)`."""
    ret = fn.body[-1]
    assert isinstance(ret, Return) and isinstance(ret.value, Tup)
    body = fn.body[:-1] + [Return(ret.value.elts[1], ret.line)]
    doc = (fn.doc or "").replace("Forward mode (tangent)", "Forward mode (tangent only)")
    return replace(fn, name=fn.name.replace("_jvp", "_tangent"), body=body, doc=doc)


def seeded_with_ones(fn: Function, context: Context | None = None) -> Function:
    """The tangent program with its one tangent parameter defaulting to 1.0, for `liveness` to fold in."""
    seed = fn.params[-1]
    doc = (fn.doc or "").replace("Forward mode (tangent only)", "Forward mode seeded with ones (the elementwise derivative)")
    return replace(fn, name=fn.name.replace("_tangent", "_derivative"), params=fn.params[:-1] + [Param(seed.name, Const(1.0))], doc=doc)


def quiet(fn: Function, context: Context | None = None) -> Function:
    """The adjoint without the calls made for their effect (`frontend/effects.py`)."""
    return without_effects(fn)
