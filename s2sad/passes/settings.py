"""Optimisation passes on generated derivative code, and the switches that measure them.

Input and output: an adjoint program (`ir.Function`) in the form
`reverse.py` produces, or for the tangent passes a tangent program in the form
`forward.py` produces. The passes are:

- **recompute** (`s2sad/ad/recompute.py`, run inside the reverse generator,
  where the forward sweep's saves are decided): a cheap value that a loop
  iteration overwrites, such as `t1 = math.sin(x)`, is computed again in the
  backward sweep from inputs that are restored anyway, instead of being pushed
  on the stack every iteration. `"balanced"` (the default) does so for numbers
  where that is faster than a push and a pop (scalar arithmetic, `math`
  functions) and for every elementwise value on arrays, as a hand-written
  gradient does (one array per step on the stack, not two); `"fast"` only
  where it is faster, so arrays are kept (more memory, a little less
  arithmetic); `"memory"` for every cheap value, indexes and NumPy calls on
  numbers too; `"off"` saves everything.
- **cheap call path** (`cheap_calls`, in `api.py` and `plans.py`): signatures,
  and what `jvp`, `hvp` and `jacobian` work out from a function and the kinds
  of its arguments, are kept per function, so a repeated call goes straight
  to the cached generated code.
- **broadcasts** (`s2sad/passes/broadcasts.py`, on the finished adjoint): slices
  that keep as many elements (`x[1:]`, `x[:-1]`) share a shape, so the
  `unbroadcast` calls between their adjoints go.
- **layouts** (`s2sad/analysis/layouts.py`, inside the reverse generator, for
  `s2sad.grad`, `value_and_grad`, `vjp` and `source(..., args=...)`): the
  arguments' ranks and axes of length one decide each `unbroadcast` and
  product adjoint, which then read as the sum or product they are
  (`b_bar += t7_bar.sum(axis=0)`, `h_bar = t7_bar @ W.T`); values kept
  only for their shapes are no longer recorded.
- **scalar adjoints** (`s2sad/passes/scalar_adjoints.py`): the adjoint of a sum
  over every axis stays the number it is (`t_bar = s_bar`, not
  `unsum(s_bar, t)`) while the elementwise code that reads it meets arrays of
  that shape anyway.
- **accumulate** (`s2sad/passes/accumulate.py`): a slice's adjoint is added into
  the array in place, `x_bar[1:] += g`, instead of through an array of zeros.
- **adjoint liveness** (`s2sad/passes/liveness.py`, the "grad" variant): when the
  function's value is known to be a number, `s2sad.grad` runs an adjoint that
  returns only the gradients, without the statements that only formed the value.
- **fold** (`s2sad/passes/fold.py`, on the "grad", "tangent" and "diagonal"
  variants): copies, negations and products with a number are substituted
  into the statements that read them (`t4_bar = -c_bar` after
  `c_bar = 2.0 * c` reads `t4_bar = -2.0 * c`), and a lowered augmented store
  is one again (`x_bar_dot[:-1] += t2_bar_dot`).
- **common subexpressions** (`s2sad/passes/cse.py`, on the "grad", "tangent" and
  "diagonal" variants): a value computed twice (`t4 = x[:-1]` after
  `t2 = x[:-1]`) is computed once.
- **collect like terms** (`s2sad/passes/collect.py`, on the "grad", "tangent" and
  "diagonal" variants): two contributions that are one product up to sign and
  order are one (`x_bar -= 2 * x * t3_bar` for the two of `-x * x`).
- **factor** (`s2sad/passes/factor.py`, on the lean variants): an adjoint scaled by
  one use of its variable and then updated by another is factored out,
  `x_bar = x_bar * (t1 + x * math.cos(x))`, one product fewer.
- **accumulate in place** (`s2sad/passes/inplace.py`, on the "grad" variant): a
  gradient summed over a loop is added into one array, `W_bar += g`, where
  no other name can hold that array; so is a straight-line chain of sums that
  starts from a fresh float array of its final shape.
- **reuse dead temporaries** (`s2sad/passes/reuse.py`, on the "grad" and
  "value_and_grad" variants that `s2sad.grad` and `value_and_grad` run, given
  the arguments' layouts and dtypes): an elementwise result is written into
  an operand that nothing reads afterwards and no other name can see, with
  NumPy's `out=` (`t4 = np.exp(t3, out=t3)`), instead of into a new array.
- **sine and cosine together** (`s2sad/passes/sincos.py`, on the "grad" variant,
  given the arguments' dtypes): where a gradient computes both `np.sin(x)`
  and `np.cos(x)` of a float64 array, one call of the runtime's `sincos`
  gives both (`t1, cos_x = sincos(x)`), in about 60% of the time of NumPy's
  two on a large array.
- **tangent only** (`tangent_only`, in `pipeline.py` and `liveness.py`): `hvp`
  and the diagonal forward Jacobian run a tangent program that returns the
  output's tangent alone, without the statements that only formed the value
  (for `hvp`, the gradient itself).
- **tangent stores** (`tangent_stores`, in `forward.py`): where the primal
  stores into an array in place and the tangent is a fresh array nothing else
  holds, the tangent store is in place too (`x_bar_dot[:-1] = t8_dot`).
- **checkpoint annotation** (`s2sad/ad/checkpoint.py`): a call of a helper
  marked `@s2sad.checkpoint` gets a comment saying that its adjoint runs the
  helper's forward again from the saved inputs.

`configure(recompute="off")`, `configure(accumulate=False)`, `configure(fold=False)` and the like switch a pass
off (the benchmark suite does, to measure what each pass buys); it empties the
derivative cache, so every derivative is generated again under the new settings.
"""
from __future__ import annotations

import contextlib
import inspect
import weakref
from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterator

from ..ir import Function


@dataclass
class Settings:
    """Which passes run."""

    recompute: str = "balanced"  # "balanced", "fast", "memory" or "off": see s2sad/ad/recompute.py
    broadcasts: bool = True  # drop the unbroadcasts that slices make unneeded: s2sad/passes/broadcasts.py
    layouts: bool = True  # specialise reverse mode on the arrays' ranks and unit axes: s2sad/analysis/layouts.py
    scalar_adjoints: bool = True  # keep the adjoint of a whole-array sum a number: s2sad/passes/scalar_adjoints.py
    accumulate: bool = True  # add slice adjoints in place, x_bar[1:] += g: s2sad/passes/accumulate.py
    cheap_calls: bool = True  # keep signatures and jvp/hvp plans per function (api.py)
    liveness: bool = True  # grad of a function whose value is a number skips computing the value: s2sad/passes/liveness.py
    fold: bool = True  # in the lean variants, fold copies and scaled copies into their readers: s2sad/passes/fold.py
    collect: bool = True  # in the lean variants, like terms are one product, 2 * x * t3_bar: s2sad/passes/collect.py
    factor: bool = True  # in the lean variants, an adjoint factored out of its updates, x_bar * (t1 + ...): s2sad/passes/factor.py
    cse: bool = True  # in the lean variants, a value computed twice is computed once: s2sad/passes/cse.py
    inplace: bool = True  # in the "grad" variant, accumulators are added into in place: s2sad/passes/inplace.py
    reuse: bool = True  # in what grad and value_and_grad run, a result goes into a dead temporary (out=): s2sad/passes/reuse.py
    sincos: bool = True  # in what grad runs, np.sin(x) and np.cos(x) of a float64 array by one sincos(x): s2sad/passes/sincos.py
    tangent_only: bool = True  # hvp and the diagonal Jacobian run forward mode's "tangent" variant (no value)
    tangent_stores: bool = True  # forward mode stores a fresh tangent in place where the primal does: forward.py


SETTINGS = Settings()


def configure(**changes: Any) -> dict[str, Any]:
    """Change the passes (`recompute="off"`, `fold=False`, ...); returns the previous settings."""
    from ..api.transforms import forget_plans
    from ..driver.pipeline import CACHE

    previous = asdict(SETTINGS)
    for name, value in changes.items():
        if name not in previous:
            raise ValueError(f"unknown pass {name!r}; the passes are {sorted(previous)}")
        setattr(SETTINGS, name, value)
    if changes:
        CACHE.clear()
        forget_plans()
    return previous


@contextlib.contextmanager
def settings(**changes: Any) -> Iterator[Settings]:
    """`with optimize.settings(recompute="off"): ...` restores the previous settings after."""
    previous = configure(**changes)
    try:
        yield SETTINGS
    finally:
        configure(**previous)


def adjoint(fn: Function) -> Function:
    """The passes that run on a finished adjoint program."""
    from . import accumulate, broadcasts, scalar_adjoints
    from ..ad.checkpoint import annotate

    if SETTINGS.broadcasts:
        fn = broadcasts.apply(fn)
    if SETTINGS.scalar_adjoints:
        fn = scalar_adjoints.apply(fn)
    if SETTINGS.accumulate:
        fn = accumulate.apply(fn)
    return annotate(fn)


_SIGNATURES: "weakref.WeakKeyDictionary[Any, tuple[Any, Any, inspect.Signature]]" = weakref.WeakKeyDictionary()


def signature(fn: Callable[..., Any]) -> inspect.Signature:
    """`inspect.signature(fn)`, kept per function while its code and defaults stay the same.

    Part of the cheap call path: `inspect.signature` costs tens of microseconds,
    and `jacobian`, `jvp` and `grad` consult it on every call.
    """
    key = (getattr(fn, "__code__", None), getattr(fn, "__defaults__", None))
    if not SETTINGS.cheap_calls:
        return inspect.signature(fn)
    try:
        hit = _SIGNATURES.get(fn)
    except TypeError:  # not weak-referenceable
        return inspect.signature(fn)
    if hit is not None and hit[0] is key[0] and hit[1] is key[1]:
        return hit[2]
    sig = inspect.signature(fn)
    if key[0] is not None:
        _SIGNATURES[fn] = (key[0], key[1], sig)
    return sig
