"""Stage 8, cache: one compiled derivative per (function, code, mode, wrt, shapes).

Input: a function object and a key. Output: the compiled derivative, built at
most once per key. The key holds the function's code object, so a function
re-defined with new source (a new code object) never reuses a stale entry, and
entries live in a `WeakKeyDictionary`, so a deleted function's entries go too.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, Callable, NamedTuple


class CacheInfo(NamedTuple):
    """Cache statistics, like `functools.lru_cache`'s."""

    hits: int
    misses: int
    currsize: int


class DerivativeCache:
    """A thread-safe cache of generated functions keyed by the user function."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._store: "weakref.WeakKeyDictionary[Any, dict[Any, Any]]" = weakref.WeakKeyDictionary()
        self._strong: dict[Any, dict[Any, Any]] = {}
        self.hits = 0
        self.misses = 0

    def _table(self, fn: Any) -> dict[Any, Any]:
        try:
            return self._store.setdefault(fn, {})
        except TypeError:  # not weak-referenceable (rare: some callables)
            return self._strong.setdefault(id(fn), {})

    def get(self, fn: Any, key: Any, build: Callable[[], Any]) -> Any:
        """The entry for (fn, key), building it on a miss."""
        with self._lock:
            table = self._table(fn)
            if key in table:
                self.hits += 1
                return table[key]
            self.misses += 1
            value = build()
            table[key] = value
            return value

    def hit(self) -> None:
        """Count a hit served by a caller's own fast path."""
        self.hits += 1

    def info(self) -> CacheInfo:
        """Current statistics."""
        with self._lock:
            size = sum(len(t) for t in self._store.values()) + sum(len(t) for t in self._strong.values())
            return CacheInfo(self.hits, self.misses, size)

    def clear(self) -> None:
        """Drop every entry and reset the statistics."""
        with self._lock:
            self._store = weakref.WeakKeyDictionary()
            self._strong.clear()
            self.hits = self.misses = 0


CACHE = DerivativeCache()
