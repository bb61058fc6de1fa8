"""Freshness: cached derivatives follow the globals and closure values they read.

Input: a lowered function's reads (each free name, where it was found -- the
module's globals, a closure cell, a user module's or a class's namespace -- and
the object found there), the user helpers it calls, and the watch of the
function it was generated from, if any. Output: a `Watch` stored on the
function, whose `changed()` says whether any of those names now refers to
another object; `refresh(fn)` then drops every cached derivative (and the
cheap call paths' memos), so the next call generates code that reads the new
objects, as Python itself would.

Identity, not equality, is compared: it is one pointer test per name, and an
array updated in place needs nothing, as the generated code reads that very
array. Modules are not watched (re-binding `np` is not a thing programs do).
A watch made before the last `forget()` is stale and ignored: its function's
derivatives have gone with it (`epoch()` tells whether a forget came during a
generation: `pipeline.derive` then generates again). A name re-bound again and again (a learning rate
set on every step of a loop) regenerates code every time: after
`REBINDS_BEFORE_WARNING` of them, a `RegenerationWarning` at the function's
definition names it and says to pass it as an argument.
"""
from __future__ import annotations

import builtins
import contextlib
import threading
import types
import warnings
import weakref
from collections import Counter
from typing import Any, Callable, Iterable, Iterator

from ..errors import RegenerationWarning

_MISSING = object()
_ATTR = "__s2sad_watch__"
_ORIGIN = "__s2sad_origin__"
_epoch = 0
REBINDS_BEFORE_WARNING = 10  # a notebook re-binds a global now and then; a loop does it on every step
_rebinds: Counter = Counter()  # (function label, name) -> how many regenerations its re-binding caused
_batch = threading.local()  # .depth, .clean: within one generation, the watches found unchanged (`batch`)

# Libraries whose attributes s2sad folds (np.pi, math.e, np.float32): they are not re-bound by programs.
_LIBRARIES = frozenset({"numpy", "math", "cmath", "builtins", "scipy", "operator", "functools"})


class Watch:
    """The names one lowered function read, and what they referred to then."""

    __slots__ = ("names", "cells", "helpers", "origins", "rest", "epoch", "label", "__weakref__")

    def __init__(self, names: Iterable[tuple[Any, str, Any]], cells: Iterable[tuple[Any, Any, str]],
                 helpers: Iterable[Callable[..., Any]], origins: Iterable[Any], label: tuple[str, str, int] | None = None) -> None:
        self.names = tuple(names)  # (namespace, name, object): module globals, a user module's or a class's attributes
        self.cells = tuple(cells)  # (closure cell, object, name)
        self.helpers = tuple(helpers)  # user functions called: their own watches, looked up when asked
        self.origins = tuple(origins)  # weak references to the function this generated code came from
        self.rest = bool(self.cells or self.helpers or self.origins)  # (the commonest watch has names only)
        self.epoch = _epoch
        self.label = label  # (qualified name, file, line) of the function, for the warning

    @property
    def empty(self) -> bool:
        """True when nothing can change: the fast paths then skip the check."""
        return not (self.names or self.rest)

    def changed(self) -> bool:
        """Whether a name read now refers to another object, here or in a helper."""
        # On every cached call of a grad object: kept to one loop of pointer tests in the common case.
        for space, name, obj in self.names:
            if space.get(name, _MISSING) is not obj:
                return True
        if not self.rest:
            return False
        seen: dict[int, Watch] = {}
        if self._rest_changed(seen):
            return True
        clean = getattr(_batch, "clean", None)
        if clean is not None:
            clean.update(seen)  # each watch the walk reached is unchanged, its helpers' included
        return False

    def _rest_changed(self, seen: dict[int, "Watch"]) -> bool:
        """`changed()` beyond the names: cells, then the helpers' and origins' watches (`seen`: against recursion)."""
        for cell, obj, _ in self.cells:
            try:
                if cell.cell_contents is not obj:
                    return True
            except ValueError:  # the cell was emptied (`del` in the enclosing scope)
                return True
        if id(self) in seen:  # recursive helpers
            return False
        seen[id(self)] = self
        clean = getattr(_batch, "clean", None) or {}
        for w in (*map(_watch_of, self.helpers), *(_watch_of(ref()) for ref in self.origins)):
            if w is not None and clean.get(id(w)) is not w and (any(space.get(n, _MISSING) is not o for space, n, o in w.names)
                                  or w.rest and w._rest_changed(seen)):
                return True
        return False

    def rebound(self) -> list[tuple[tuple[str, str, int] | None, str]]:
        """Every name re-bound to another value, here and in the helpers, with the label of the function
        that read it. Names now bound to a function or a class are left out: re-defining a helper while
        working on it is no reason to pass it as an argument."""
        return [(label, name) for label, name, new in self._walk(set()) if not callable(new)]

    def _walk(self, seen: set[int]) -> Iterator[tuple[tuple[str, str, int] | None, str, Any]]:
        """(label, name, new object) for each re-bound name, here, in the helpers and in the origins.

        The walk `changed` makes, which stays plain loops: it runs on every cached call."""
        if id(self) in seen:  # recursive helpers
            return
        seen.add(id(self))
        for space, name, obj in self.names:
            new = space.get(name, _MISSING)
            if new is not obj:
                yield self.label, name, new
        for cell, obj, name in self.cells:
            try:
                new = cell.cell_contents
            except ValueError:  # the cell was emptied (`del` in the enclosing scope)
                new = _MISSING
            if new is not obj:
                yield self.label, name, new
        for w in (*map(_watch_of, self.helpers), *(_watch_of(ref()) for ref in self.origins)):
            if w is not None:
                yield from w._walk(seen)


def reads(namespace: dict, cells: dict[str, Any], name: str, obj: Any) -> tuple[str, tuple] | None:
    """How to watch `name`, found as `obj`: ("names" | "cells", entry), or None for what is never re-bound."""
    if isinstance(obj, types.ModuleType):
        return None
    if name in cells:
        return "cells", (cells[name], obj, name)
    if name in namespace or obj is getattr(builtins, name, _MISSING):
        # A builtin is watched as absent from the globals: a global of that name defined later shadows it.
        return "names", (namespace, name, obj if name in namespace else _MISSING)
    return None


def attribute(holder: Any, name: str, obj: Any) -> tuple[str, tuple] | None:
    """How to watch `holder.name` (a module or a class), found as `obj`, or None for a library's."""
    module = holder.__name__ if isinstance(holder, types.ModuleType) else getattr(holder, "__module__", "") or ""
    if module.split(".")[0] in _LIBRARIES or isinstance(obj, types.ModuleType):
        return None
    # The namespace that holds the name, read without descriptors: `Class.method` is a new bound method
    # on every access, and a module's `__getattr__` may build its value; neither may look re-bound.
    owners = [holder] if isinstance(holder, types.ModuleType) else getattr(holder, "__mro__", ())
    for owner in owners:
        space = vars(owner)
        if name in space:
            return "names", (space, name, space[name])
    return None


class _Stale(Watch):
    """The watch of code whose own watch a `forget()` made stale while it was being generated: regenerate it."""

    def changed(self) -> bool:
        return True


_STALE = _Stale((), (), (), ())


def watch(fn: Callable[..., Any], entries: dict[str, list], helpers: Iterable[Callable[..., Any]],
          live: Iterable[str] = ()) -> Watch:
    """Store on `fn` the watch of what its lowering read (and of the function it was generated from);
    the cells named in `live` are read by the generated code at call time and need no watch."""
    origin = getattr(fn, _ORIGIN, None)
    if origin is not None:
        entries = {}  # generated code reads its own private namespace, which nothing re-binds
    code = getattr(fn, "__code__", None)
    label = (getattr(fn, "__qualname__", "f"), code.co_filename, code.co_firstlineno) if code is not None else None
    live = set(live)
    w = Watch(entries.get("names", ()), [c for c in entries.get("cells", ()) if c[2] not in live], [h for h in helpers if h is not fn],
              [origin] if origin is not None else [], label)
    _store(fn, _ATTR, w)
    return w


def inherit(generated: Callable[..., Any], fn: Callable[..., Any]) -> None:
    """Point generated code at the function it was generated from, whose watch it then answers to."""
    try:
        # Weakly: the cheap call paths' weak-keyed memos hold generated code, which must not keep its key alive.
        _store(generated, _ORIGIN, weakref.ref(fn))
    except TypeError:
        pass


def _store(fn: Any, attr: str, value: Any) -> None:
    try:
        setattr(fn, attr, value)  # on the function, so it dies with it
    except (AttributeError, TypeError):
        pass


def _watch_of(obj: Any) -> Watch | None:
    """The current watch of `obj`, or of what it wraps or was generated from (a grad object, a decorated function)."""
    for _ in range(16):
        w = getattr(obj, _ATTR, None)
        if type(w) is Watch and w.epoch == _epoch:
            return w
        origin = getattr(obj, _ORIGIN, None)
        obj = origin() if origin is not None else getattr(obj, "__wrapped__", None)
        if obj is None:
            return None
    return None


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Within one outermost generation, a helper's watch found unchanged is not walked again.

    Each helper's generation refreshes it, and its watch reaches every helper below it: a chain of n
    helpers walked n watches n times. A name re-bound by another thread during the generation is found by
    the next call's check, as one re-bound just after a check always was; a forget makes every remembered
    watch stale anyway."""
    depth = getattr(_batch, "depth", 0)
    if depth == 0:
        _batch.clean = {}
    _batch.depth = depth + 1
    try:
        yield
    finally:
        _batch.depth = depth
        if depth == 0:
            _batch.clean = None


def epoch() -> int:
    """How many times every cached derivative has been forgotten."""
    return _epoch


def current(obj: Any) -> Watch | None:
    """The watch a cheap call path checks for `obj`: None when there is nothing to check."""
    w = _watch_of(obj)
    if w is None:
        # A watch of an older epoch on `obj` itself: a forget came while its code was generated
        # (another thread re-binding a name), so that code may be stale. The next call regenerates.
        return _STALE if type(getattr(obj, _ATTR, None)) is Watch else None
    return None if w.empty else w


def refresh(obj: Any) -> bool:
    """Drop every cached derivative if something `obj` read has been re-bound; True if so."""
    w = getattr(obj, _ATTR, None)  # (on hvp's cheapest path: a plain function's own watch, found at once)
    if type(w) is not Watch or w.epoch != _epoch:
        w = _watch_of(obj)
        if w is None:
            return False
    if (w.names or w.rest) and w.changed():
        _count(w.rebound())
        forget()
        return True
    return False


def _count(rebound: list[tuple[tuple[str, str, int] | None, str]]) -> None:
    """Count the regenerations each re-bound name caused; warn once when one keeps causing them."""
    for label, name in dict.fromkeys(rebound):
        _rebinds[label, name] += 1
        if _rebinds[label, name] == REBINDS_BEFORE_WARNING and label is not None:
            qualname, filename, line = label
            # At the function's definition (not inside s2sad): that is where the global is read.
            warnings.warn_explicit(
                f"{name!r}, read by {qualname}, has been re-bound {REBINDS_BEFORE_WARNING} times since its "
                f"derivative was first generated, and each time s2sad generated the derivative again "
                f"(milliseconds each); pass {name!r} as an argument instead",
                RegenerationWarning, filename, line)


def forget() -> None:
    """Drop every cached derivative and memo, and make every watch stale."""
    global _epoch
    from ..primitives.registry import forget_derivatives

    _epoch += 1
    forget_derivatives(statistics=False)  # the user cleared nothing: regenerating shows as misses


# -- closures: one generation per code object -------------------------------------------------------
#
# Closures of one `def` share their code; what differs is the values in their cells. A value the
# generated code reads as a value (a number, an array, a list: `convert._global` makes it a `Var` and
# puts it in `globals_used`) does not change the generated text, so the code is compiled once, as a
# closure reading the very cells the user's function reads (`compile_ir(..., cells=...)`), and each
# closure object gets that code bound to its own cells (`bind`): a re-bound cell is then read at call
# time, as the original function reads it, and needs no watch. A cell whose value decides the code (a
# function that is called, a module, a class, True/False/None, a dtype) is part of the key, by identity,
# and stays watched, per closure object (`adopt`).

_SHARED: "weakref.WeakValueDictionary[tuple, Shared]" = weakref.WeakValueDictionary()
_SHARER = "__s2sad_shared__"
_VIEW = "__s2sad_view__"


class Shared:
    """The owner of the cache entries that the closures of one code object (and one key) share."""

    __slots__ = ("keep", "watch", "__dict__", "__weakref__")

    def __init__(self, keep: tuple) -> None:
        self.keep = keep  # the objects whose identities the key holds, kept alive so the ids stay theirs
        self.watch: Watch | None = None  # the watch made when the shared code was lowered


def _data(obj: Any) -> bool:
    """True for a value the generated code only reads as a value, whatever it is: a number or an array."""
    import numpy as np

    return type(obj) in (int, float, complex) or isinstance(obj, (np.ndarray, np.number))


def sharer(fn: Callable[..., Any]) -> Shared | None:
    """The owner whose cache entries `fn` shares with the other closures of its code, or None (no closure,
    or an empty cell: `fn` keeps entries of its own)."""
    closure = getattr(fn, "__closure__", None)
    code = getattr(fn, "__code__", None)
    if not closure or code is None or getattr(fn, "__s2sad_flat_source__", None) is not None:
        return None
    sig: list[Any] = []
    keep: list[Any] = []
    for cell in closure:
        try:
            obj = cell.cell_contents
        except ValueError:
            return None
        if _data(obj):
            sig.append(None)
        else:
            sig.append(id(obj))
            keep.append(obj)
    key = (code, tuple(sig))
    from .cache import CACHE

    with CACHE.lock:
        owner = _SHARED.get(key)
        if owner is None:
            owner = _SHARED[key] = Shared(tuple(keep))
    try:
        fn.__dict__[_SHARER] = owner  # the closures keep their owner (and its entries) alive
    except AttributeError:
        pass
    return owner


def live(fn: Callable[..., Any], globals_used: dict[str, Any]) -> tuple[str, ...]:
    """The free variables of `fn` that its generated code reads from the cells at call time."""
    code = getattr(fn, "__code__", None)
    return tuple(n for n in code.co_freevars if n in globals_used) if code is not None and fn.__closure__ else ()


def adopt(fn: Callable[..., Any], owner: Shared, low: Any) -> Any:
    """`low` (lowered from another closure of `fn`'s code) as `fn`'s: `fn` gets its watch (the shared one,
    on its own cells) and a view of `low` whose `globals_used` holds `fn`'s current cell values."""
    import dataclasses

    w = getattr(fn, _ATTR, None)
    if owner.watch is not None and (type(w) is not Watch or w.epoch != _epoch):
        cells = dict(zip(fn.__code__.co_freevars, fn.__closure__))
        sw = owner.watch
        origin = getattr(fn, _ORIGIN, None)
        w = Watch(sw.names, [(cells[name], obj, name) for _, obj, name in sw.cells], sw.helpers,
                  [origin] if origin is not None else [], sw.label)
        _store(fn, _ATTR, w)
    names = live(fn, low.globals_used)
    view_entry = getattr(fn, _VIEW, None)
    if view_entry is not None and view_entry[0] is low:
        view = view_entry[1]
    else:
        view = dataclasses.replace(low, globals_used=dict(low.globals_used))
        low.__dict__.setdefault("_scalar_output", {})  # (api's memo: made here, so that every view shares it)
        for k, v in low.__dict__.items():  # memos kept on the lowered function (api's `_scalar_output`) are shared
            if k not in view.__dict__:
                view.__dict__[k] = v
        _store(fn, _VIEW, (low, view))
    if names:
        cells = dict(zip(fn.__code__.co_freevars, fn.__closure__))
        for n in names:
            try:
                view.globals_used[n] = cells[n].cell_contents
            except ValueError:
                pass
    return view


def bind(template: Callable[..., Any], fn: Callable[..., Any]) -> Callable[..., Any]:
    """The generated `template` (compiled to read cells) reading `fn`'s cells, and following `fn`'s watch."""
    free = template.__code__.co_freevars
    if not free:
        return template
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    bound = types.FunctionType(template.__code__, template.__globals__, template.__name__, template.__defaults__,
                               tuple(cells[n] for n in free))
    bound.__kwdefaults__ = template.__kwdefaults__
    bound.__qualname__ = template.__qualname__
    for k, v in template.__dict__.items():
        if k not in (_ATTR, _ORIGIN, _VIEW, _SHARER, "__s2sad_cache__"):
            bound.__dict__[k] = v
    inherit(bound, fn)
    return bound
