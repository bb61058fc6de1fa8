"""The runtime driver of checkpointed loops: `revolve`, Griewank and Walther's binomial schedule.

Generated code for a loop `for i in range(start, stop): state = step(i, state, consts)`
checkpointed with `s2sad.grad(f, memory=...)` or `snapshots=...` runs it, in its forward
sweep, through `revolve_forward`, which keeps the schedule's first snapshots on the way,
and in its backward sweep calls `revolve` for the rest of the schedule:

    x_1, f_loop1_tape = revolve_forward(f_loop1_step, 0, n, (x,), (w,), snapshots=20)
    ...
    x_bar, w_bar = revolve(f_loop1_step_vjp, f_loop1_tape, (x_1_bar,), (w,))

`step(i, *state, *consts)` returns the state after step i; `step_vjp(i, *state, *consts,
*state_bar)` runs step i again from its input state and returns the adjoints of that
state and of the constants. `revolve` keeps at most `snapshots` states at once (the
loop's input state among them) and runs the steps again between them: with c
snapshots and r runs of a step, C(c + r, c) steps fit (Griewank and Walther,
"Algorithm 799: revolve", 2000), so the forward work grows like r = O(log n) steps
per step while the memory stays c states. `memory=` (bytes) sets c from the
state's size instead. Depends on numpy alone, and uses no module constant: `s2sad.export`
copies these functions (not the module) into a standalone file.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np


def beta(c: int, r: int) -> int:
    """Steps a loop may have to be reversed with c free snapshots and r runs of each step: C(c + r, c)."""
    out = 1
    for k in range(1, c + 1):  # C(r + k, k) after each k, exactly (`math.comb`, written out: `s2sad.export` copies this)
        out = out * (r + k) // k
    return out


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
    """Snapshots that fit in `memory` bytes, at least 1 and at most one per step.

    Besides the snapshots, the budget holds the adjoint of the state, the state being advanced,
    the step's own temporaries and its adjoint's (four states' worth), and 10% is left for the
    allocator: freed and new snapshots of one size fragment the heap (measured: 95 MB live, 101 MB
    resident, with 95% of 100 MB given to snapshots).
    """
    nbytes = max(state_bytes(state), 1)
    # Python's own 400 bytes per array of a snapshot (the tuple, the array header, the schedule's entry);
    # written here, not as a module constant, since `s2sad.export` copies the functions alone.
    each = nbytes + 400 * max(len(state), 1)
    return int(max(1, min(max(steps, 1), (0.9 * memory - 4 * nbytes) // each)))


def schedule(start: int, stop: int, snapshots: int) -> list[tuple]:
    """The schedule as a list of actions, for tests and for reading:
    ("advance", i, j) runs steps i..j-1 forward from the snapshot at i, ("store", j) keeps the state at j,
    ("reverse", i) runs step i's adjoint, ("drop", i) frees the snapshot at i."""
    return list(actions(start, stop, snapshots))


def actions(start: int, stop: int, snapshots: int):  # type: ignore[no-untyped-def]
    """The binomial schedule, one action at a time (see `schedule`).

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
            yield ("reverse", i0)
            end = i0
            if i0 > start:
                held.pop()
                yield ("drop", i0)
            continue
        free = snapshots - len(held)
        if free <= 0:
            yield ("advance", i0, end - 1)  # no snapshot to spare: run forward to the last step, every time
            yield ("reverse", end - 1)
            end -= 1
            continue
        r = runs_needed(length, free)
        split = i0 + max(1, min(length - 1, length - beta(free - 1, r)))
        yield ("advance", i0, split)
        yield ("store", split)
        held.append(split)


class Tape:
    """What `revolve_forward` leaves for `revolve`: the schedule, where it stopped, the snapshots so far."""

    def __init__(self, step: Callable[..., Any], consts: tuple, k: int, todo: Any, saved: dict, current: tuple, first: tuple | None) -> None:
        self.step, self.consts, self.k, self.todo, self.saved = step, consts, k, todo, saved
        self.current, self.first = current, first  # the state last advanced to (position, state); the pending action

    def __repr__(self) -> str:
        return f"<revolve tape: {len(self.saved)} snapshots>"


def _advance(tape: Tape, i: int, j: int) -> None:
    s = tape.saved[i]
    for t in range(i, j):
        out = tape.step(t, *s, *tape.consts)
        s = (out,) if tape.k == 1 else tuple(out)
    tape.current = (j, s)


def revolve_forward(step: Callable[..., Any], start: int, stop: int, state: tuple, consts: tuple,
                    snapshots: int | None = None, memory: float | None = None) -> tuple:
    """`(*state_after_the_loop, tape)`: the loop run forward once, keeping the schedule's first snapshots
    on the way (so the backward sweep does not start again from the loop's input)."""
    start, stop = int(start), int(stop)
    k = len(state)
    if snapshots is None:
        snapshots = snapshots_for(memory if memory is not None else 100e6, state, stop - start)
    todo = actions(start, stop, max(1, int(snapshots)))
    tape = Tape(step, tuple(consts), k, todo, {start: tuple(state)}, (start, tuple(state)), None)
    for act in todo:
        if act[0] == "advance":
            _advance(tape, act[1], act[2])
        elif act[0] == "store":
            tape.saved[act[1]] = tape.current[1]
        else:  # the first reverse: step stop - 1, from the state at hand; one more step gives the loop's result
            tape.first = act
            break
    if tape.first is None:  # no step at all
        return (*state, tape)
    i = tape.first[1]
    s = tape.saved[i] if i in tape.saved else tape.current[1]
    tape.current = (i, s)
    out = step(i, *s, *consts)
    return (*((out,) if k == 1 else tuple(out)), tape)


def revolve(step_vjp: Callable[..., Any], tape: Tape, state_bar: tuple, active: tuple = ()) -> tuple:
    """The adjoints `(*state_bar, *active_bar)` at the loop's start, from the rest of the tape's schedule
    (`active`: the loop's constants whose adjoints `step_vjp` gives, after the state's)."""
    k, consts = tape.k, tape.consts
    bars: list[Any] = list(state_bar)
    consts_bar: list[Any] = [None] * len(active)

    def reverse(i: int) -> None:
        s = tape.saved[i] if i in tape.saved else tape.current[1]
        if i not in tape.saved:
            assert tape.current[0] == i
        out = step_vjp(i, *s, *consts, *bars)
        out = (out,) if k + len(active) == 1 else tuple(out)
        bars[:] = out[:k]
        for m, c in enumerate(out[k:]):
            consts_bar[m] = c if consts_bar[m] is None else consts_bar[m] + c

    if tape.first is not None:
        reverse(tape.first[1])
        for act in tape.todo:
            if act[0] == "advance":
                _advance(tape, act[1], act[2])
            elif act[0] == "store":
                tape.saved[act[1]] = tape.current[1]
            elif act[0] == "reverse":
                reverse(act[1])
            else:
                del tape.saved[act[1]]
        tape.first = None  # (a tape serves one backward sweep)
    tape.saved.clear()
    for m, c in enumerate(active):
        if consts_bar[m] is None:  # the loop ran no step
            consts_bar[m] = np.zeros_like(c, dtype=float) if isinstance(c, np.ndarray) else 0.0
    result = tuple(bars) + tuple(consts_bar)
    return result[0] if len(result) == 1 else result


__all__ = ["revolve", "revolve_forward", "Tape", "schedule", "actions", "beta", "runs_needed", "snapshots_for"]
