"""The switches of the optimisation passes: the public `s2sad.optimize`.

Input: `configure(fold=False)`, `configure(recompute="off")`, ... (or
`with settings(...)`, which restores them after). Output: `SETTINGS`, which
the pass manager (`manager.py`) reads to decide which passes run, and the API
reads for its own choices (`cheap_calls`, `tangent_only`, `layouts`).

The passes -- in the order they run, what each does, the modes and variants it
runs for and the switch that turns it off -- are listed once, in
`s2sad/passes/manager.py` (`PASSES`), and in the README's list made from it
(`python -m s2sad.passes`); this module keeps no list of its own.

`configure` changes the switches (the benchmark suite turns each pass off to
measure what it buys) and tells the listeners registered with `on_change`:
the driver empties the derivative cache (`driver/pipeline.py`) and the API its
call plans (`api/plans.py`), so every derivative is generated again under the
new settings. (Listeners, because those modules sit above this one.)
"""
from __future__ import annotations

import contextlib
import inspect
import weakref
from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterator

from . import manager
from .context import Context
from ..ir import Function


@dataclass
class Settings:
    """Which passes run (each field is the switch of one entry of `manager.PASSES`)."""

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

LISTENERS: list[Callable[[], None]] = []  # called after each `configure` that changes something


def on_change(listener: Callable[[], None]) -> Callable[[], None]:
    """Call `listener()` after each `configure` with changes (the driver empties its cache, the API its plans)."""
    LISTENERS.append(listener)
    return listener


def configure(**changes: Any) -> dict[str, Any]:
    """Change the passes (`recompute="off"`, `fold=False`, ...); returns the previous settings."""
    previous = asdict(SETTINGS)
    for name, value in changes.items():
        if name not in previous:
            raise ValueError(f"unknown pass {name!r}; the passes are {sorted(previous)}")
        setattr(SETTINGS, name, value)
    if changes:
        for listener in list(LISTENERS):
            listener()
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
    """The passes the manager runs on a finished "vjp" adjoint program, under these settings (given no
    dtypes: `broadcasts`, `scalar_adjoints`, `accumulate`, `checkpoint`; `benchmarks/studies.py` times them)."""
    return manager.transform(fn, Context("reverse", "vjp"), SETTINGS)


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
