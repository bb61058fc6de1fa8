"""Wall-clock measurement: medians of repeated samples, and cold first calls.

Input: a zero-argument callable. Output: a `Timing` with the median time of
one call over `repeats` samples, each sample timing `number` calls back to
back, `number` chosen so one sample lasts at least `min_time` seconds. The
garbage collector is collected before and disabled during each sample, as
`timeit` does.
"""
from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass
class Timing:
    """Seconds per call: the median of `samples`, each the mean of `number` calls."""

    median: float
    samples: list[float] = field(default_factory=list)
    number: int = 1

    @property
    def spread(self) -> float:
        """(max - min) / median of the samples: how noisy this measurement was."""
        return (max(self.samples) - min(self.samples)) / self.median if self.samples and self.median else 0.0


def sample(fn: Callable[[], Any], number: int) -> float:
    """Seconds per call of `fn`, over `number` calls back to back, with the collector off."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        return (time.perf_counter() - start) / number
    finally:
        if enabled:
            gc.enable()


def calibrate(fn: Callable[[], Any], min_time: float) -> int:
    """Calls per sample so that one sample lasts at least `min_time` seconds."""
    number = 1
    while True:
        per_call = sample(fn, number)
        if per_call * number >= min_time or number >= 1 << 20:
            return number
        number = max(number * 2, int(min_time / max(per_call, 1e-9) * 1.2))


def measure(fn: Callable[[], Any], repeats: int = 7, min_time: float = 0.05, warmup: bool = True) -> Timing:
    """Median seconds per call of `fn` over `repeats` samples."""
    if warmup:
        fn()
    number = calibrate(fn, min_time)
    samples = [sample(fn, number) for _ in range(repeats)]
    return Timing(statistics.median(samples), samples, number)


def interleaved(calls: dict[str, Callable[[], Any]], repeats: int = 7, min_time: float = 0.05) -> dict[str, Timing]:
    """`measure` for several callables, sampled round-robin so a change in load falls on all alike."""
    for fn in calls.values():
        fn()
    numbers = {name: calibrate(fn, min_time) for name, fn in calls.items()}
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, fn in calls.items():
            samples[name].append(sample(fn, numbers[name]))
    return {name: Timing(statistics.median(s), s, numbers[name]) for name, s in samples.items()}


def once(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of a single call."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def fmt_time(seconds: float | None) -> str:
    """A time with a unit that keeps three significant figures: 151 µs, 4.5 ms, 1.20 s."""
    if seconds is None:
        return "--"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            value = seconds / scale
            return f"{value:.3g} {unit}" if value < 1000 else f"{value:.0f} {unit}"
    return f"{seconds:.3g} s"  # pragma: no cover


def fmt_bytes(n: float | None) -> str:
    """Bytes as KiB / MiB."""
    if n is None:
        return "--"
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n:.0f} B"
