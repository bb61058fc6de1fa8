"""Stage 8, cache: one compiled derivative per (function, code, mode, wrt, shapes).

Input: a function object and a key. Output: the compiled derivative, built at
most once per key. The key holds the function's code object, so a function
re-defined with new source (a new code object) never reuses a stale entry, and
entries live on the function object itself, so a deleted function's entries go too.
"""
from __future__ import annotations

import contextlib
import gc
import itertools

import weakref
from typing import Any, Callable, Iterator, NamedTuple

from ..ad.calls import LOCK
from ..primitives import registry


class CacheInfo(NamedTuple):
    """Cache statistics, like `functools.lru_cache`'s."""

    hits: int
    misses: int
    currsize: int


_ATTR = "__s2sad_cache__"
_KEPT = ("kept",)  # the table entry holding objects kept alive with the function's entries


class DerivativeCache:
    """A thread-safe cache of generated functions keyed by the user function.

    Each function's entries live in a table stored on the function itself, so
    they die with it: an entry may refer back to its function (a lowered
    function keeps its source, which keeps the function), which would keep it
    alive forever as the key of a `WeakKeyDictionary`. A `WeakSet` of the
    functions with tables gives the statistics.

    Its lock (`lock`) is the one `calls` holds while it generates a helper's derivatives:
    a build (under the cache lock) may need a helper's derivatives, and generating
    code outside the cache (`s2sad.source`) may need a cached build, so two locks
    could be taken in opposite orders by two threads and deadlock. One reentrant
    lock cannot.
    """

    def __init__(self) -> None:
        self.lock = LOCK
        self._owners: "weakref.WeakSet[Any]" = weakref.WeakSet()
        self._strong: dict[Any, dict[Any, Any]] = {}
        self._fast_hits = itertools.count()  # `next` on it is one atomic C call: no lock on the fast path
        self._building = False  # inside a build (under the lock): nested builds leave the collector alone
        self.hits = 0
        self.misses = 0

    def _table(self, fn: Any) -> dict[Any, Any]:
        attrs = getattr(fn, "__dict__", None)
        if isinstance(attrs, dict):
            try:
                self._owners.add(fn)
            except TypeError:  # not weak-referenceable
                pass
            else:
                table = attrs.get(_ATTR)
                if table is None:
                    table = attrs[_ATTR] = {}
                return table
        return self._strong.setdefault(id(fn), {})  # rare: callables without attributes or weak references

    def get(self, fn: Any, key: Any, build: Callable[[], Any]) -> Any:
        """The entry for (fn, key), building it on a miss."""
        with self.lock:
            table = self._table(fn)
            if key in table:
                self.hits += 1
                return table[key]
            self.misses += 1
            value = self._build(build)
            table[key] = value
            return value

    def _build(self, build: Callable[[], Any]) -> Any:
        """`build()`, with the cyclic garbage collector paused for the outermost build.

        Generating code allocates many small objects (IR nodes, AST nodes, strings) that all
        live until the build ends; each collection of the oldest generation walks every one of
        them, so with the collector on the cost per statement of a build grows with its size (at
        10,000 statements about a third of the time went to collections). Builds nest under this (reentrant) lock, so only the
        outermost one pauses and resumes it, and only if it was running: a user's
        `gc.disable()` stays. What a build leaves as garbage is collected by the next
        automatic collection.
        """
        with self.paused_collector():
            return build()

    @contextlib.contextmanager
    def paused_collector(self) -> Iterator[None]:
        """The cyclic garbage collector paused (see `_build`) for the outermost of nested uses."""
        with self.lock:
            if self._building or not gc.isenabled():
                yield
                return
            self._building = True
            gc.disable()
            try:
                yield
            finally:
                self._building = False
                gc.enable()

    def keep(self, fn: Any, obj: Any) -> None:
        """Keep `obj` alive as long as `fn`'s entries (a lowered caller names its helpers' primitives)."""
        with self.lock:
            self._table(fn).setdefault(_KEPT, {})[id(obj)] = obj

    def hit(self) -> None:
        """Count a hit served by a caller's own fast path."""
        next(self._fast_hits)  # (`+=` is a read and a write: threads would lose counts without the lock it needs)

    def _fast_count(self) -> int:
        return int(repr(self._fast_hits)[len("count("):-1])  # its repr is the one public view of its value

    def info(self) -> CacheInfo:
        """Current statistics."""
        with self.lock:
            tables = [getattr(fn, "__dict__", {}).get(_ATTR, {}) for fn in list(self._owners)]
            size = sum(len(t) - (_KEPT in t) for t in tables + list(self._strong.values()))
            return CacheInfo(self.hits + self._fast_count(), self.misses, size)

    def clear(self, statistics: bool = True) -> None:
        """Drop every entry and (unless `statistics` is False) reset the statistics."""
        with self.lock:
            for fn in list(self._owners):
                getattr(fn, "__dict__", {}).pop(_ATTR, None)
            self._owners = weakref.WeakSet()
            self._strong.clear()
            if statistics:
                self.hits = self.misses = 0
                self._fast_hits = itertools.count()


CACHE = DerivativeCache()
registry.on_forget(CACHE.clear)  # new user rules (primitives/registry.py): every cached derivative goes
