"""The runtime driver of checkpointed loops: `revolve`, Griewank and Walther's binomial schedule.

Generated code for a loop `for i in range(start, stop): state = step(i, state, consts)`
checkpointed with `s2sad.grad(f, memory=...)` or `snapshots=...` calls, in its backward sweep,

    x_bar, w_bar = revolve(f_loop1_step, f_loop1_step_vjp, 0, n, (x,), (w,), (x_bar,), snapshots=20)

`step(i, *state, *consts)` returns the state after step i; `step_vjp(i, *state, *consts,
*state_bar)` runs step i again from its input state and returns the adjoints of that
state and of the constants. `revolve` keeps at most `snapshots` states at once (the
loop's input state among them) and runs the steps again between them: with c
snapshots and r runs of a step, C(c + r, c) steps fit (Griewank and Walther,
"Algorithm 799: revolve", 2000), so the forward work grows like r = O(log n) steps
per step while the memory stays c states. `memory=` (bytes) sets c from the
state's size instead. Depends on numpy alone.
"""
from __future__ import annotations

from math import comb
from typing import Any, Callable

import numpy as np


def beta(c: int, r: int) -> int:
    """Steps a loop may have to be reversed with c free snapshots and r runs of each step: C(c + r, c)."""
    return comb(c + r, c)


def runs_needed(steps: int, free: int) -> int:
    """The least r with beta(free, r) >= steps: how often a step is run forward, at most."""
    r = 0
    while beta(free, r) < steps:
        r += 1
    return r


def state_bytes(state: tuple) -> int:
    """Bytes one snapshot of `state` holds."""
    return sum(a.nbytes if isinstance(a, np.ndarray) else np.asarray(a).nbytes for a in state)


def snapshots_for(memory: float, state: tuple, steps: int) -> int:
    """Snapshots that fit in `memory` bytes, at least 1 and at most one per step."""
    size = max(state_bytes(state), 1)
    # Besides the snapshots: the adjoint of the state, one state being advanced, one step's own tape.
    return int(max(1, min(max(steps, 1), memory // size - 3)))


def schedule(start: int, stop: int, snapshots: int) -> list[tuple]:
    """The schedule as a list of actions, for tests and for reading:
    ("advance", i, j) runs steps i..j-1 forward from the snapshot at i, ("store", j) keeps the state at j,
    ("reverse", i) runs step i's adjoint, ("drop", i) frees the snapshot at i."""
    actions: list[tuple] = []
    _run(start, stop, snapshots, lambda i, j: actions.append(("advance", i, j)), lambda j: actions.append(("store", j)),
         lambda i: actions.append(("reverse", i)), lambda i: actions.append(("drop", i)))
    return actions


def _run(start: int, stop: int, snapshots: int, advance: Callable, store: Callable, reverse: Callable, drop: Callable) -> None:
    """The binomial schedule: `advance(i, j)` from the newest snapshot (at i) to j, `store(j)`, `reverse(i)`, `drop(i)`.

    Iterative (a stack of snapshot positions), so a long loop with few snapshots does not recurse.
    The snapshot at `start` is held throughout; each further one splits the steps still to be
    reversed at the point Revolve chooses: with `free` snapshots left and r = runs_needed(l, free)
    for the l steps from the newest snapshot, the part after the split must fit beta(free - 1, r)
    and the part before it beta(free, r - 1).
    """
    if stop <= start:
        return
    held = [start]
    end = stop
    while end > start:
        i0 = held[-1]
        length = end - i0
        if length == 1:
            reverse(i0)
            end = i0
            if i0 > start:
                held.pop()
                drop(i0)
            continue
        free = snapshots - len(held)
        if free <= 0:
            advance(i0, end - 1)  # no snapshot to spare: run forward to the last step, every time
            reverse(end - 1)
            end -= 1
            continue
        r = runs_needed(length, free)
        split = i0 + max(1, min(length - 1, length - beta(free - 1, r)))
        advance(i0, split)
        store(split)
        held.append(split)


def revolve(step: Callable[..., Any], step_vjp: Callable[..., Any], start: int, stop: int, state: tuple, consts: tuple,
            state_bar: tuple, snapshots: int | None = None, memory: float | None = None) -> tuple:
    """The adjoints `(*state_bar, *consts_bar)` at the start of `for i in range(start, stop)`, keeping
    at most `snapshots` states (or as many as `memory` bytes hold)."""
    start, stop = int(start), int(stop)
    k = len(state)
    if snapshots is None:
        snapshots = snapshots_for(memory if memory is not None else 100e6, state, stop - start)
    snapshots = max(1, int(snapshots))
    saved: dict[int, tuple] = {start: tuple(state)}
    bars: list[Any] = list(state_bar)
    consts_bar: list[Any] = [None] * (len(consts))
    current: list[Any] = [None, None]  # (position, state) just advanced to, not yet stored

    def advance(i: int, j: int) -> None:
        s = saved[i]
        for t in range(i, j):
            out = step(t, *s, *consts)
            s = (out,) if k == 1 else tuple(out)
        current[0], current[1] = j, s

    def store(j: int) -> None:
        saved[j] = current[1]

    def reverse(i: int) -> None:
        s = saved[i] if i in saved else current[1]
        if i not in saved:
            assert current[0] == i
        out = step_vjp(i, *s, *consts, *bars)
        out = (out,) if k + len(consts) == 1 else tuple(out)
        bars[:] = out[:k]
        for m, c in enumerate(out[k:]):
            consts_bar[m] = c if consts_bar[m] is None else consts_bar[m] + c

    def drop(i: int) -> None:
        del saved[i]

    _run(start, stop, snapshots, advance, store, reverse, drop)
    for m, c in enumerate(consts):
        if consts_bar[m] is None:  # the loop ran no step
            consts_bar[m] = np.zeros_like(c, dtype=float) if isinstance(c, np.ndarray) else 0.0
    result = tuple(bars) + tuple(consts_bar)
    return result[0] if len(result) == 1 else result


__all__ = ["revolve", "schedule", "beta", "runs_needed", "snapshots_for"]
