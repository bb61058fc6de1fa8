"""`s2sad.jit`: an s2sad derivative compiled with Numba.

Input: `s2sad.grad(f)` or `s2sad.value_and_grad(f)` (or `s2sad.jvp`, `s2sad.hvp`, or a
function decorated with `@s2sad.differentiate`). Output: a callable with the same
signature whose generated code, per layout of the arguments, is rewritten for Numba
(`s2sad/compiled/transform.py`, `s2sad/compiled/fuse.py`), written to a module in the cache
directory (`$S2SAD_JIT_CACHE`, else `~/.cache/s2sad/jit`) named by a hash of its text,
imported, and compiled with `numba.njit(cache=True)`: a second process loads the
machine code instead of compiling it again. The first call of each layout runs the
Python derivative once (to learn the variables' types, and to check the compiled
result against it), then compiles.

A construct the rewrite cannot compile raises an `UnsupportedSyntaxError` at the
user's line, saying why; with `fallback=True` it warns (`JitFallbackWarning`) and
runs the Python derivative instead. Numba is optional: without it `s2sad.jit` says
`pip install 's2sad[jit]'`.
"""
from __future__ import annotations

import ast
import builtins
import functools
import hashlib
import importlib.util
import linecache
import os
import re
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..api import decorator, transforms as api
from ..api.arguments import call_kinds
from ..api.calling import fixer, not_scalar
from ..api.transforms import user_errors
from ..api.jacobian import hvp
from ..api.plans import jvp_plan
from ..pytrees import entry as pytrees
from ..ir import failures
from ..errors import InputError, S2SADError, ShapeError, UnsupportedSyntaxError, where_defined

PARALLEL_SIZE = 1 << 17  # parallel=None: a fused elementwise loop over at least this many elements is a prange
_lock = threading.RLock()


class JitFallbackWarning(UserWarning):
    """`s2sad.jit(..., fallback=True)` runs the Python derivative for some arguments."""


def _numba() -> Any:
    try:
        import numba
    except ImportError:
        raise S2SADError("s2sad.jit needs Numba, which is not installed", construct="s2sad.jit",
                         hint="pip install 's2sad[jit]'") from None
    return numba


def cache_dir() -> Path:
    """Where compiled derivatives are kept: `$S2SAD_JIT_CACHE`, else `~/.cache/s2sad/jit`."""
    return Path(os.environ.get("S2SAD_JIT_CACHE") or Path.home() / ".cache" / "s2sad" / "jit")


def _key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple:
    """What the compiled code is specialised to: each array's dtype, rank, axes of length one and contiguity."""
    nd = np.ndarray
    if len(args) == 1 and not kwargs and type(args[0]) is not nd:  # (the commonest cheap call: one number)
        return type(args[0])
    key = tuple((a.dtype, a.ndim, 1 in a.shape and tuple(d == 1 for d in a.shape), a.flags.c_contiguous)
                if type(a) is nd else type(a) for a in args)
    if kwargs:
        key += tuple((k, _key((v,), {})) for k, v in sorted(kwargs.items()))
    return key


_OK_SCALARS = (float, int, bool, np.float64, np.float32, np.int64, np.int32, np.bool_)


def _check_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    for a in (*args, *kwargs.values()):
        if type(a) is np.ndarray:
            if a.dtype.kind not in "fiub":
                return f"an array of dtype {a.dtype}"
        elif not isinstance(a, _OK_SCALARS) and a is not None:
            return f"an argument of type {type(a).__name__} (Numba compiles numbers and NumPy arrays)"
    return None


def _globals(py: Callable[..., Any], text: str, name: str) -> tuple[dict[str, Any], str]:
    """The user globals the function reads (numbers and arrays, which Numba freezes) and their digest."""
    from .transform import HELPERS

    fn = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == name)
    stored = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    stored |= {a.arg for a in fn.args.args + fn.args.kwonlyargs}
    out: dict[str, Any] = {}
    digest = hashlib.sha256()
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in stored and node.id not in out:
            n = node.id
            if n in ("np", "numpy", "math", "numba") or n in HELPERS or hasattr(builtins, n):
                continue
            if n.startswith("_n") or n.startswith("_o") or n.startswith("_e") or n.startswith("_i"):
                continue
            cells = dict(zip(py.__code__.co_freevars, py.__closure__ or ()))  # a closure's values (freshness.bind)
            if n in cells:
                v = cells[n].cell_contents
            elif n not in py.__globals__:
                continue  # (a name of the rewrite's own)
            else:
                v = py.__globals__[n]
            if isinstance(v, np.ndarray) and v.dtype.kind in "fiub":
                digest.update(n.encode() + v.dtype.str.encode() + repr(v.shape).encode() + v.tobytes())
            elif isinstance(v, _OK_SCALARS):
                digest.update(f"{n}={v!r}:{type(v).__name__}".encode())
            else:
                from .transform import Refusal

                raise Refusal(node.lineno, f"`{n}` is a global {type(v).__name__}; compiled code reads only numbers and arrays")
            out[n] = v
    return out, digest.hexdigest()


def _user_error(py: Callable[..., Any], line: int | None, why: str) -> UnsupportedSyntaxError:
    """The refusal, at the user's line when the generated line maps to one."""
    place = failures.user_place(py.__code__.co_filename, line) if line else None
    generated = linecache.getline(py.__code__.co_filename, line).strip() if line else ""
    hint = "pass fallback=True to run the Python derivative instead"
    if generated:
        hint = f"the generated line is `{generated}`; {hint}"
    if place is None:
        return UnsupportedSyntaxError(f"s2sad.jit cannot compile {py.__name__}: {why}", construct="s2sad.jit", hint=hint)
    filename, lineno, _ = place
    return UnsupportedSyntaxError(f"s2sad.jit cannot compile the derivative of this line: {why}", filename=filename,
                                  lineno=lineno, source_line=linecache.getline(filename, lineno) or None,
                                  construct="s2sad.jit", hint=hint)


def _close(a: Any, b: Any) -> bool:
    """The compiled result agrees with the Python one (a safety net; the tests ask for 1e-12)."""
    if isinstance(b, tuple) or isinstance(a, tuple):
        return isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and all(map(_close, a, b))
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    if a.shape != b.shape and a.size != b.size:
        return False
    a, b = a.reshape(-1), b.reshape(-1)
    scale = np.max(np.abs(b[np.isfinite(b)]), initial=0.0)
    same = (a == b) | (np.abs(a - b) <= 1e-9 * scale + 1e-300) | (np.isnan(a) & np.isnan(b))
    return bool(np.all(same))


class Compiled:
    """One Numba-compiled derivative for one layout of the arguments."""

    def __init__(self, dispatcher: Callable[..., Any], py: Callable[..., Any], path: Path, compile_s: float, fused: int,
                 parallel: bool, text: str) -> None:
        self.dispatcher, self.py, self.path = dispatcher, py, path
        self.compile_s, self.fused, self.parallel, self.text = compile_s, fused, parallel, text

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self.dispatcher(*args, **kwargs)
        except ValueError as exc:
            if "s2sad.jit: arrays of different shapes" not in str(exc):
                raise
            return self.py(*args, **kwargs)  # (two arrays the example had alike differ here: NumPy broadcasts them)


def compile_generated(py: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], *, parallel: bool | None = None,
                      fallback: bool = False) -> Callable[..., Any]:
    """The Numba version of generated function `py`, specialised to arguments like `args`."""
    numba = _numba()
    from .trace import run_traced
    from .transform import Refusal, rewrite

    text_py = getattr(py, "__s2sad_source__", None)
    try:
        if text_py is None:
            raise Refusal(None, "this derivative is not one generated function (a gradient made of several forward passes)")
        bad = _check_args(args, kwargs)
        if bad is not None:
            raise Refusal(None, bad)
        name = py.__s2sad_ir__.name
        expected, kinds = run_traced(py, args, kwargs)
        size = PARALLEL_SIZE if parallel is None else 0 if parallel else float("inf")
        text, lines, fused, parallel = rewrite(text_py, name, kinds, parallel_size=size)
        values, gdigest = _globals(py, text, name)
    except Refusal as r:
        return _refuse(py, r.line, r.why, fallback)
    stamp = hashlib.sha256(f"{text}\n{gdigest}\n{numba.__version__}\n{sys.version}".encode()).hexdigest()[:20]
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"s2sad_{name}_{stamp}.py"
    with _lock:
        if not path.exists():
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(f"# Generated by s2sad.jit from {py.__code__.co_filename}\n" + text)
            os.replace(tmp, path)
        modname = f"s2sad_jit_{name}_{stamp}"
        module = sys.modules.get(modname)
        if module is None:
            spec = importlib.util.spec_from_file_location(modname, path)
            module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
            module.__dict__.update(values)
            spec.loader.exec_module(module)  # type: ignore[union-attr]
            sys.modules[modname] = module
    dispatcher = getattr(module, name)
    start = time.perf_counter()
    try:
        got = dispatcher(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 -- Numba's typing and lowering errors, said at the user's line
        if not isinstance(exc, numba.core.errors.NumbaError):
            return _refuse(py, None, f"the compiled code failed on these arguments ({type(exc).__name__}: {exc})", fallback)
        return _refuse(py, _numba_line(str(exc), path, lines, text), _numba_why(str(exc)), fallback)
    compile_s = time.perf_counter() - start
    if not _close(got, expected):
        return _refuse(py, None, "the compiled derivative disagrees with the Python one on these arguments (please report it)",
                       fallback)
    return Compiled(dispatcher, py, path, compile_s, fused, parallel, text)


def _numba_line(message: str, path: Path, lines: dict[int, int], text: str) -> int | None:
    found = [int(m) for m in re.findall(rf'File "[^"]*{re.escape(path.name)}", line (\d+)', message)]
    for n in reversed(found):  # (the module text starts at line 2 of the file, after its comment)
        if lines.get(n - 1) is not None:
            return lines[n - 1]
    return None


def _numba_why(message: str) -> str:
    clean = re.sub(r"\x1b\[[0-9;]*m", "", message)
    for line in clean.splitlines():
        line = line.strip()
        if line and not line.startswith("Failed in") and not line.startswith("During:"):
            return f"Numba cannot type it ({line[:200]})"
    return "Numba cannot compile it"


def _refuse(py: Callable[..., Any], line: int | None, why: str, fallback: bool) -> Callable[..., Any]:
    err = _user_error(py, line, why)
    if not fallback:
        raise err
    warnings.warn(f"{err}\nrunning the Python derivative instead", JitFallbackWarning, stacklevel=4)
    return py


class _Lazy:
    """A generated function whose Numba version is made per layout of the arguments, on first use."""

    def __init__(self, py: Callable[..., Any], parallel: bool | None, fallback: bool) -> None:
        self.py, self.parallel, self.fallback = py, parallel, fallback
        self.versions: dict[tuple, Callable[..., Any]] = {}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key = _key(args, kwargs)
        fn = self.versions.get(key)
        if fn is None:
            fn = self.versions[key] = compile_generated(self.py, args, kwargs, parallel=self.parallel, fallback=self.fallback)
        return fn(*args, **kwargs)


class JitGrad:
    """`s2sad.jit(s2sad.grad(f))` or of `value_and_grad(f)`: the same call, compiled per layout."""

    def __init__(self, g: api.GradFunction, fallback: bool = False, parallel: bool | None = None) -> None:
        _numba()
        self.g, self.fallback, self.parallel = g, fallback, parallel
        self._entries: dict[tuple, tuple] = {}
        self.__name__ = f"jit_{g.__name__}"
        self.__doc__ = f"{g.__doc__} Compiled with Numba by s2sad.jit."
        self.__wrapped__ = g

    @property
    def compiled(self) -> list[Compiled]:
        """The compiled versions made so far (their `compile_s`, `path`, `text`, `fused`, `parallel`)."""
        return [e if isinstance(e, Compiled) else e[0] for e in self._entries.values()
                if isinstance(e, Compiled) or isinstance(e[0], Compiled)]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and type(args[0]) is float:  # the cheapest call: one number in, one out
            entry = self._entries.get(float)
            if entry is not None and entry[4] and (entry[3] is None or not entry[3].changed()):
                out = entry[0](args[0])
                if type(out) is float:
                    return out
        key = _key(args, kwargs)
        entry = self._entries.get(key)
        if entry is None and pytrees.needs_flat(self.g.fn, args, kwargs):
            return self._structured(args, kwargs)  # dicts, lists or tuples of arrays, or a method (pytrees/)
        if entry is None or entry[3] is not None and entry[3].changed():
            entry = self._first_call(key, args, kwargs)
        fn, fix, valued, _, _ = entry
        try:
            out = fn(*args, **kwargs)
        except S2SADError as exc:
            raise exc.with_traceback(None) from None
        if not valued:
            return fix(out, args, kwargs)
        value, grads = out
        if np.ndim(value) != 0:
            raise not_scalar(self.g.fn, f"shape {np.shape(value)}")
        grads = fix(grads, args, kwargs)
        return (value, grads) if self.g.with_value else grads

    @user_errors
    def _structured(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A structured call: the flat function's gradient compiled (one `JitGrad` per flat function and
        `wrt`), its leaf gradients given back in the arguments' structure, as `GradFunction._structured` does."""
        call = pytrees.prepare(self.g.fn, args, kwargs, self.g.wrt)
        what = pytrees.output_kind(call)
        if what is not None:
            raise not_scalar(pytrees.unwrap_method(self.g.fn)[0], what, structured=True)
        inner = api.inner_grad(call, self.g.with_value)
        inners = self.__dict__.setdefault("_inner", {})
        j = inners.get(id(inner))
        if j is None or j.g is not inner:
            j = inners[id(inner)] = JitGrad(inner, self.fallback, self.parallel)
        out = j(*call.args)
        if self.g.with_value:
            value, grads = out
            return value, pytrees.restructure(call, grads)
        return pytrees.restructure(call, out)

    @user_errors
    def _first_call(self, key: tuple, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple:
        compiled, positions, is_tuple, wrt, valued, watch = self.g.entry(args, kwargs)
        fix = fixer(positions, wrt, is_tuple, call_kinds(args, kwargs)[: len(args)])
        fn = compile_generated(compiled, args, kwargs, parallel=self.parallel, fallback=self.fallback)
        if isinstance(fn, Compiled) and not fn.fused:
            self._entries[("compiled", key)] = fn  # (kept for `.compiled`; the call goes straight to Numba)
            fn = fn.dispatcher
        plain = not valued and not is_tuple  # (a number's gradient is that number: `fix` has nothing to do)
        entry = self._entries[key] = (fn, fix, valued, watch, plain)
        return entry


class JitForward:
    """`s2sad.jit(s2sad.jvp)` or `s2sad.jit(s2sad.hvp)`: the same function, its tangent programs compiled."""

    def __init__(self, which: str, fallback: bool = False, parallel: bool | None = None) -> None:
        _numba()
        self.which, self.fallback, self.parallel = which, fallback, parallel
        self._lazy: dict[Any, _Lazy] = {}
        self.__name__ = f"jit_{which}"

    def _compiled(self, plan: tuple) -> tuple:
        names, wrt, py, dot_params, positional = plan
        if py is None:
            return plan
        lazy = self._lazy.get(py)
        if lazy is None:
            lazy = self._lazy[py] = _Lazy(py, self.parallel, self.fallback)
        return (names, wrt, lazy, dot_params, positional)

    def __call__(self, fn: Callable[..., Any], primals: Any, tangents: Any, wrt: int = 0) -> Any:
        return self._call(fn, tuple(primals), tangents, wrt)

    @user_errors
    def _call(self, fn: Callable[..., Any], primals: tuple[Any, ...], tangents: Any, wrt: int) -> Any:
        if pytrees.needs_flat(fn, primals, {}):
            raise InputError(f"s2sad.jit(s2sad.{self.which}) does not compile a function of dicts, lists or tuples of arrays "
                             "(or a method) yet", construct=f"s2sad.jit(s2sad.{self.which})", **where_defined(fn),
                             hint=f"call s2sad.{self.which} itself (not compiled), or compile the gradient: s2sad.jit(s2sad.grad(f)) "
                             "takes structured arguments")
        if self.which == "jvp":
            tangents = tuple(tangents)
            if len(primals) != len(tangents):
                raise ShapeError(f"jvp got {len(primals)} primals but {len(tangents)} tangents", construct="jvp")
            plan = self._compiled(jvp_plan(fn, primals, "jvp"))
            return api.run_tangent(plan, fn, primals, tangents, "jvp")
        v = tangents  # hvp(fn, primals, v, wrt): the tangent program of the gradient
        g = api.grad_of(fn, wrt)
        plan = self._compiled(jvp_plan(g, primals, "tangent"))
        if wrt >= len(primals) or plan[0][wrt] not in plan[1]:
            raise InputError(f"hvp: argument {wrt!r} is not a float array or number, so it has no direction", construct="hvp")
        ts = tuple(v if i == wrt else np.zeros(np.shape(p)) for i, p in enumerate(primals))
        return api.run_tangent(plan, g, primals, ts, "tangent")


def jit(obj: Any = None, *, fallback: bool = False, parallel: bool | None = None) -> Any:
    """Compile an s2sad derivative with Numba: `s2sad.jit(s2sad.grad(f))`.

    Takes `s2sad.grad(f, ...)`, `s2sad.value_and_grad(f, ...)`, `s2sad.jvp`, `s2sad.hvp`, or a function
    decorated with `@s2sad.differentiate` (its `.grad` and `.value_and_grad` are compiled), and returns
    a callable with the same signature. `fallback=True`: where a construct cannot be compiled, warn
    and run the Python derivative instead of raising. `parallel`: Numba's parallel loops for the
    fused elementwise loops (None: a loop over at least 2**17 elements of the example arguments; True: every
    fused loop; False: none). Only those loops run in parallel, on `NUMBA_NUM_THREADS` threads.
    """
    if obj is None:
        return functools.partial(jit, fallback=fallback, parallel=parallel)
    _numba()
    if isinstance(obj, JitGrad | JitForward):
        return obj
    if isinstance(obj, api.GradFunction):
        if getattr(obj.fn, "__s2sad_outlined__", None) is not None and not fallback:  # (revolve.outline)
            raise UnsupportedSyntaxError(
                f"s2sad.jit does not compile the checkpointed loops of {obj.fn.__name__} (grad with memory= or snapshots=): "
                "their Revolve schedule runs Python steps", construct="s2sad.jit",
                hint="compile s2sad.grad(f) without memory= and snapshots=, or pass fallback=True to run the Python derivative")
        return JitGrad(obj, fallback, parallel)
    if obj is api.jvp:
        return JitForward("jvp", fallback, parallel)
    if obj is hvp:
        return JitForward("hvp", fallback, parallel)
    if isinstance(obj, decorator.Differentiable):
        return _jit_differentiable(obj.__wrapped__, obj.wrt, fallback, parallel)
    raise InputError(f"s2sad.jit compiles a derivative, not {getattr(obj, '__name__', type(obj).__name__)}",
                     construct="s2sad.jit",
                     hint="pass s2sad.grad(f), s2sad.value_and_grad(f), s2sad.jvp, s2sad.hvp, or use @s2sad.differentiate(jit=True)")


def _jit_differentiable(fn: Callable[..., Any], wrt: Any, fallback: bool = False, parallel: bool | None = None) -> decorator.Differentiable:
    """`@s2sad.differentiate(jit=True)`: a `Differentiable` whose `.grad` and `.value_and_grad` are compiled."""
    d = decorator.Differentiable(fn, wrt)
    d.grad = JitGrad(d.grad, fallback, parallel)  # type: ignore[assignment]
    d.value_and_grad = JitGrad(d.value_and_grad, fallback, parallel)  # type: ignore[assignment]
    return d


def differentiate(fn: Callable[..., Any] | None = None, *, wrt: Any = 0, **options: Any) -> Any:
    """`@s2sad.differentiate(jit=True)` lands here: `jit`'s options (`fallback`, `parallel`) pass through."""
    _numba()
    if fn is None:
        return lambda f: _jit_differentiable(f, wrt, **options)
    return _jit_differentiable(fn, wrt, **options)


# `s2sad.jit` is the function (the package's attribute shadows this module's name): what goes with it.
jit.JitFallbackWarning = JitFallbackWarning  # type: ignore[attr-defined]
jit.cache_dir = cache_dir  # type: ignore[attr-defined]

decorator.JIT = differentiate  # `@s2sad.differentiate(jit=True)` (the api's service slot: it does not import this layer)
