"""Run one conformance case in every mode and classify each outcome.

Input: a `Case`. Output: `run_case(case) -> {mode: Outcome}` for the modes the case asks for
("second" only where the output is a number), each Outcome one of

- "right": s2sad's derivative matches the oracle (autograd, or central differences where autograd
  cannot evaluate the function; `detail` names the oracle);
- "refused": s2sad raised an `S2SADError` that names the file and the line (a clear refusal);
- "wrong": s2sad returned a number that differs from the oracle's (or a wrong shape);
- "crash": any other exception from s2sad, an `S2SADError` with no file/line, a `DerivativeError`
  where the oracle has a derivative, or a case whose function fails at its own point (a bad case).
  (A `DerivativeError` with file and line whose message holds the case's declared `refusal` -- a
  refusal made while the derivative runs, such as complex eigenvalues -- is "refused".)

Modes: "reverse" is `s2sad.grad` for a number output (else `s2sad.vjp` with a fixed random cotangent
u, compared as Jᵀu); "forward" is `s2sad.jvp` with a fixed random tangent v (compared as J v);
"second" is `s2sad.hvp` (one differentiated argument) or `s2sad.jvp(s2sad.grad(fn, wrt))` (several),
compared as H v. Where reverse and forward both give numbers, the dot-product test
<J v, u> = <v, Jᵀ u> between them is made too and a failure makes both "wrong".

The oracle's J v comes from the rows of J (autograd VJPs) for outputs of up to 64 numbers, else from
autograd reverse over reverse; that and autograd's H v are checked against stable central
differences and replaced by them where they disagree (autograd's eigh VJP, for one, is not
differentiable in its cotangent). Dict and list arguments are flattened with sorted keys.

A case's `refusal` is a phrase that must appear (case-insensitively) in the refusal's message.
"""
from __future__ import annotations

import inspect
import traceback
import types
import warnings
import zlib
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

import s2sad
from s2sad.errors import DerivativeError, S2SADError

try:  # the oracle
    import autograd
    import autograd.numpy as anp
    import autograd.scipy.special as aspecial
except ImportError:  # pragma: no cover - autograd is a test dependency
    autograd = None

from conformance.case import Case

MODES = ("reverse", "forward", "second")
KINDS = ("right", "refused", "wrong", "crash")


@dataclass(frozen=True)
class Outcome:
    kind: str  # one of KINDS
    detail: str = ""


# ---------------------------------------------------------------------------------------------- inputs


def _is_float(a: Any) -> bool:
    if isinstance(a, bool):
        return False
    if isinstance(a, float):
        return True
    if isinstance(a, np.ndarray):
        return a.dtype.kind == "f"
    return isinstance(a, np.floating)


def _wrt_positions(case: Case) -> list[int]:
    params = list(inspect.signature(case.fn).parameters)
    if case.wrt is None:
        return [i for i, a in enumerate(case.args) if _is_float(a)]
    return [p if isinstance(p, int) else params.index(p) for p in case.wrt]


def _copy1(a: Any) -> Any:
    if isinstance(a, np.ndarray):
        return a.copy()
    if isinstance(a, dict):
        return {k: _copy1(v) for k, v in a.items()}
    if isinstance(a, list):
        return [_copy1(v) for v in a]
    return a


def _copy(args: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(_copy1(a) for a in args)


def _flat(xs: Any) -> np.ndarray:
    """One float vector from a number, an array or a (nested) tuple, list or dict (sorted keys) of them."""
    if isinstance(xs, dict):
        xs = [xs[k] for k in sorted(xs)]
    if isinstance(xs, (tuple, list)):
        parts = [_flat(x) for x in xs]
        return np.concatenate(parts) if parts else np.zeros(0)
    return np.ravel(np.asarray(xs, dtype=float))


def _rebuild(template: Any, flat: Any, k: int, mod: Any) -> tuple[Any, int]:
    """A value shaped like `template` from `flat[k:]` (the inverse of `_flat`); and the next k."""
    if isinstance(template, dict):
        out = {}
        for key in sorted(template):
            out[key], k = _rebuild(template[key], flat, k, mod)
        return {key: out[key] for key in template}, k
    if isinstance(template, (tuple, list)):
        items = []
        for t in template:
            item, k = _rebuild(t, flat, k, mod)
            items.append(item)
        return type(template)(items), k
    if isinstance(template, np.ndarray):
        n = template.size
        return mod.reshape(flat[k : k + n], template.shape), k + n
    return flat[k], k + 1


def _parts(out: Any) -> list[Any]:
    return list(out) if isinstance(out, tuple) else [out]


def _is_number_output(out: Any) -> bool:
    return not isinstance(out, tuple) and np.ndim(out) == 0 and np.asarray(out).dtype.kind == "f"


def _rng(case: Case, salt: str) -> np.random.RandomState:
    return np.random.RandomState(zlib.crc32(f"{case.suite}:{case.name}:{salt}".encode()))


def _like(rng: np.random.RandomState, a: Any) -> Any:
    if isinstance(a, dict):
        return {k: _like(rng, a[k]) for k in a}
    if isinstance(a, (list, tuple)):
        return type(a)(_like(rng, x) for x in a)
    r = rng.standard_normal(np.shape(a))
    return float(r) if np.ndim(a) == 0 and not isinstance(a, np.ndarray) else r


# ---------------------------------------------------------------------------------------------- oracle


_REBOUND: dict[Any, Any] = {}


def _names(code: types.CodeType) -> set[str]:
    """Every global name a code object (or one nested in it) reads."""
    out = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            out |= _names(c)
    return out


def _swaps() -> dict[int, Any]:
    import math

    import scipy
    import scipy.special

    swaps = {id(np): anp, id(np.linalg): anp.linalg, id(scipy.special): aspecial, id(math): _MathProxy()}
    try:
        import autograd.scipy as ascipy

        swaps[id(scipy)] = ascipy
    except ImportError:  # pragma: no cover
        pass
    return swaps


def _rebind(fn: Callable[..., Any], memo: dict[int, Any] | None = None) -> Callable[..., Any]:
    """`fn` with `np`, `math`, scipy.special (and the same-module functions it calls) rebound to autograd's."""
    if memo is None:
        if fn in _REBOUND:
            return _REBOUND[fn]
        memo = {}
    if id(fn) in memo:
        return memo[id(fn)]
    swaps = _swaps()
    g = dict(fn.__globals__)
    new = types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)
    new.__kwdefaults__ = fn.__kwdefaults__
    memo[id(fn)] = new
    for k in _names(fn.__code__):
        v = g.get(k)
        if v is None:
            continue
        if id(v) in swaps:
            g[k] = swaps[id(v)]
        elif isinstance(v, types.FunctionType) and v.__module__ == fn.__module__:
            g[k] = _rebind(v, memo)
    _REBOUND[fn] = new
    return new


class _MathProxy:
    """`math` for autograd: autograd.numpy's function where it has one, else math's."""

    def __getattr__(self, name: str) -> Any:
        import math

        if name in ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "arcsin", "fabs",
                    "log10", "log2", "log1p", "expm1", "atan2", "hypot", "pi", "e", "floor", "ceil"):
            return getattr(anp, {"fabs": "abs", "atan2": "arctan2"}.get(name, name))
        if name in ("asin", "acos", "atan", "asinh", "acosh", "atanh"):
            return getattr(anp, "arc" + name[1:])
        if name == "pow":
            return lambda a, b: a ** b
        return getattr(math, name)


class Oracle:
    """The Jacobian (and Hessian, for a number output) of the case's flattened function."""

    def __init__(self, case: Case, positions: list[int], out: Any) -> None:
        self.case, self.positions, self.out = case, positions, out
        self.x0 = _flat([case.args[p] for p in positions])
        self.name = ""
        self._build()

    def _unflat(self, x: Any, mod: Any) -> list[Any]:
        vals, k = [], 0
        for p in self.positions:
            v, k = _rebuild(self.case.args[p], x, k, mod)
            vals.append(v)
        return vals

    def _flat_fn(self, fn: Callable[..., Any], mod: Any) -> Callable[[Any], Any]:
        def f(x: Any) -> Any:
            args = list(_copy(self.case.args))
            for p, v in zip(self.positions, self._unflat(x, mod)):
                args[p] = v
            out = fn(*args)
            parts = _parts(out)
            if len(parts) == 1:
                return mod.ravel(parts[0]) if np.ndim(parts[0]) else mod.reshape(parts[0], (1,))
            return mod.concatenate([mod.ravel(o) if np.ndim(o) else mod.reshape(o, (1,)) for o in parts])

        return f

    def _build(self) -> None:
        self.number = _is_number_output(self.out)
        self.ag = None
        errors = []
        if autograd is not None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    f = self._flat_fn(_rebind(self.case.fn), anp)
                    vjp_fn, val = autograd.make_vjp(f)(self.x0)
                    ref = _flat(self.out)
                    if np.size(val) != ref.size or not np.allclose(_flat(val), ref, rtol=1e-9, atol=1e-12, equal_nan=True):
                        raise ValueError("autograd's version computes another value")
                    self.ag = (f, vjp_fn, np.size(val))
                    self.name = "autograd"
                    return
            except Exception as exc:  # autograd cannot evaluate it: central differences
                errors.append(f"autograd: {type(exc).__name__}: {str(exc)[:80]}")
        self.name = "central differences (" + "; ".join(errors) + ")"

    def _fallback(self, what: str, exc: Exception) -> None:
        self.ag = None
        self.name = f"central differences (autograd's {what}: {type(exc).__name__}: {str(exc)[:80]})"

    @property
    def _f(self) -> Callable[[Any], Any]:
        return self._flat_fn(self.case.fn, np)

    def _ok(self, r: Any, what: str) -> Any:
        r = np.asarray(r, dtype=float)
        if not np.all(np.isfinite(r)):
            raise FloatingPointError(f"autograd's {what} is not finite")
        return r

    def jv(self, v: np.ndarray) -> np.ndarray:
        """J v. autograd: the rows of J from its VJP for outputs of up to 64 numbers; else reverse over
        reverse (the derivative of u -> <Jᵀu, v>), kept only where central differences agree with it
        (autograd's VJPs are not all linear-differentiable in the cotangent: eigh's is not)."""
        h = 1e-6
        if self.ag is not None:
            f, vjp_fn, m = self.ag
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    if m <= 64:
                        if getattr(self, "_J", None) is None:
                            self._J = np.array([self._ok(vjp_fn(e), "Jᵀe") for e in np.eye(m)]).reshape(m, -1)
                        return self._J @ v
                    vjp = autograd.make_vjp(f)(self.x0)[0]
                    jv = self._ok(autograd.grad(lambda uu: anp.dot(vjp(uu), v))(np.zeros(m)), "J v")
                cd = (self._f(self.x0 + h * v) - self._f(self.x0 - h * v)) / (2 * h)
                cd2 = (self._f(self.x0 + 10 * h * v) - self._f(self.x0 - 10 * h * v)) / (20 * h)
                if _close(jv, cd, 1e-4) or not _close(cd, cd2, 1e-5):  # agree, or the differences are unstable
                    return jv
                self.name = "central differences (autograd's reverse over reverse disagrees with them)"
                self.inexact = True
                return cd
            except Exception as exc:
                self._fallback("J v", exc)
        return (self._f(self.x0 + h * v) - self._f(self.x0 - h * v)) / (2 * h)

    def jtu(self, u: np.ndarray) -> np.ndarray:
        if self.ag is not None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return self._ok(self.ag[1](u), "Jᵀu")
            except Exception as exc:
                self._fallback("Jᵀu", exc)
        h = 1e-6
        g = np.zeros_like(self.x0)
        f = self._f
        for i in range(self.x0.size):
            e = np.zeros_like(self.x0)
            e[i] = h
            g[i] = u @ (f(self.x0 + e) - f(self.x0 - e)) / (2 * h)
        return g

    def hv(self, v: np.ndarray) -> np.ndarray | None:
        """H v from autograd (checked against central differences of autograd's gradient, and replaced
        by them where they disagree), or None where only central differences of f are left (`whv`)."""
        if self.ag is not None:
            f = self.ag[0]
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    g = autograd.grad(lambda x: f(x)[0])
                    hv = self._ok(autograd.grad(lambda x: anp.dot(g(x), v))(self.x0), "H v")
                    h = 1e-5
                    cd = (np.asarray(g(self.x0 + h * v)) - np.asarray(g(self.x0 - h * v))) / (2 * h)
                    cd2 = (np.asarray(g(self.x0 + 10 * h * v)) - np.asarray(g(self.x0 - 10 * h * v))) / (20 * h)
                if _close(hv, cd, 1e-4) or not _close(cd, cd2, 1e-4):  # agree, or the differences are unstable
                    return hv
                self.name = "central differences of autograd's gradient (its H v disagrees with them)"
                self.inexact = True
                return cd
            except Exception as exc:
                self._fallback("H v", exc)
        return None

    def whv(self, w: np.ndarray, v: np.ndarray) -> float:
        """<w, H v> by central differences of the function."""
        h = 1e-4
        f0 = self._f
        f = lambda x: float(f0(x)[0])  # noqa: E731
        x = self.x0
        return (f(x + h * v + h * w) - f(x + h * v - h * w) - f(x - h * v + h * w) + f(x - h * v - h * w)) / (4 * h * h)

    inexact = False

    def reset(self) -> "Oracle":
        """Forget which oracle the last mode fell back to (each mode says its own)."""
        if self.ag is not None:
            self.inexact, self.name = False, "autograd"
        return self

    @property
    def exact(self) -> bool:
        return self.ag is not None and not self.inexact


def _close(a: Any, b: Any, tol: float) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(b))) if b.size else 1.0)
    return bool(np.allclose(a, b, rtol=tol, atol=tol * scale, equal_nan=False))


def _err(a: Any, b: Any) -> str:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return f"shape {a.shape} vs oracle {b.shape}"
    d = float(np.max(np.abs(a - b))) if a.size else 0.0
    return f"max abs err {d:.3g} (|oracle| max {float(np.max(np.abs(b))) if b.size else 0:.3g})"


# ---------------------------------------------------------------------------------------------- s2sad


def _classify(exc: BaseException, refusal: str | None = None) -> Outcome:
    if isinstance(exc, S2SADError):
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if isinstance(exc, DerivativeError):
            # A refusal made while the derivative runs (a complex eigenvalue, say) counts as one only where
            # the case declares it; anywhere else the derivative exists and this is a crash.
            if refusal and exc.filename and exc.lineno and refusal.lower() in str(exc).lower():
                return Outcome("refused", f"{type(exc).__name__}: {exc.message.splitlines()[0] if exc.message else first}")
            return Outcome("crash", f"DerivativeError where the derivative exists: {first}")
        if exc.filename and exc.lineno:
            return Outcome("refused", f"{type(exc).__name__}: {exc.message.splitlines()[0] if exc.message else first}")
        return Outcome("crash", f"{type(exc).__name__} without file/line: {first}")
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" at {tb[-1].filename.split('/')[-1]}:{tb[-1].lineno}" if tb else ""
    msg = str(exc).splitlines()[0][:200] if str(exc) else ""
    return Outcome("crash", f"{type(exc).__name__}: {msg}{where}")


def _shape_ok(got: Any, arg: Any) -> bool:
    if isinstance(arg, (dict, list, tuple)):
        return _flat(got).size == _flat(arg).size
    return np.shape(got) == np.shape(arg)


def run_case(case: Case) -> dict[str, Outcome]:
    """Every mode the case asks for -> its Outcome."""
    try:
        return _run_case(case)
    except Exception as exc:  # noqa: BLE001 - a fault of the harness or the case, reported as a crash
        bad = Outcome("crash", f"HARNESS/CASE ERROR (not s2sad): {type(exc).__name__}: {exc}")
        return {m: bad for m in case.modes}


def _run_case(case: Case) -> dict[str, Outcome]:
    positions = _wrt_positions(case)
    args = case.args
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = case.fn(*_copy(args))
        except Exception as exc:
            bad = Outcome("crash", f"BAD CASE: the function fails at its point: {type(exc).__name__}: {exc}")
            return {m: bad for m in case.modes}
        modes = [m for m in case.modes if m != "second" or _is_number_output(out)]
        results: dict[str, Outcome] = {}
        oracle: list[Oracle] = []

        def get_oracle() -> Oracle:
            if not oracle:
                oracle.append(Oracle(case, positions, out))
            return oracle[0]

        wrt_args = [args[p] for p in positions]
        v = [_like(_rng(case, f"v{i}"), a) for i, a in enumerate(wrt_args)]
        u = [_like(_rng(case, f"u{i}"), o) for i, o in enumerate(_parts(out))]
        w = [_like(_rng(case, f"w{i}"), a) for i, a in enumerate(wrt_args)]
        number = _is_number_output(out)
        got_rev = got_fwd = None

        for mode in modes:
            tol = case.tol
            try:
                if mode == "reverse":
                    if number:
                        g = s2sad.grad(case.fn, wrt=tuple(positions))(*_copy(args))
                        g = g if isinstance(g, tuple) else (g,)
                    else:
                        _, pullback = s2sad.vjp(case.fn, *_copy(args))
                        ct = tuple(u) if isinstance(out, tuple) else u[0]
                        if not isinstance(out, tuple) and np.ndim(out) == 0 and not isinstance(out, np.ndarray):
                            ct = float(ct)
                        allg = pullback(ct)
                        g = tuple(allg[p] for p in positions)
                    bad = [i for i, (gi, a) in enumerate(zip(g, wrt_args)) if not _shape_ok(gi, a)]
                    if bad:
                        i = bad[0]
                        results[mode] = Outcome("wrong", f"gradient of argument {positions[i]} has shape {np.shape(g[i])}, argument {np.shape(wrt_args[i])}")
                        continue
                    got = _flat(g)
                    o = get_oracle().reset()
                    want = o.jtu(np.ones(1) if number else _flat(u))
                    if not o.exact:
                        tol = max(tol, 1e-5)
                    got_rev = got
                elif mode == "forward":
                    tangents = []
                    for i, a in enumerate(args):
                        if i in positions:
                            tangents.append(v[positions.index(i)])
                        elif _is_float(a):
                            tangents.append(np.zeros_like(a) if isinstance(a, np.ndarray) else 0.0)
                        else:
                            tangents.append(None)
                    val, t = s2sad.jvp(case.fn, _copy(args), tuple(tangents))
                    if not _close(_flat(val), _flat(out), 1e-9):
                        results[mode] = Outcome("wrong", f"jvp's primal output differs from fn's: {_err(_flat(val), _flat(out))}")
                        continue
                    tparts = _parts(t) if isinstance(out, tuple) else [t]
                    if isinstance(out, tuple) and not isinstance(t, tuple):
                        results[mode] = Outcome("wrong", f"jvp's tangent is a {type(t).__name__}, the output a tuple")
                        continue
                    bad = [i for i, (ti, oi) in enumerate(zip(tparts, _parts(out))) if np.shape(ti) != np.shape(oi)]
                    if bad:
                        results[mode] = Outcome("wrong", f"tangent of output {bad[0]} has shape {np.shape(tparts[bad[0]])}, output {np.shape(_parts(out)[bad[0]])}")
                        continue
                    got = _flat(tparts)
                    o = get_oracle().reset()
                    want = o.jv(_flat(v))
                    if not o.exact:
                        tol = max(tol, 1e-5)
                    got_fwd = got
                else:  # second
                    if len(positions) == 1:
                        hv = s2sad.hvp(case.fn, _copy(args), v[0], wrt=positions[0])
                        hv = (hv,)
                    else:
                        gfn = s2sad.grad(case.fn, wrt=tuple(positions))
                        tangents = []
                        for i, a in enumerate(args):
                            if i in positions:
                                tangents.append(v[positions.index(i)])
                            elif _is_float(a):
                                tangents.append(np.zeros_like(a) if isinstance(a, np.ndarray) else 0.0)
                            else:
                                tangents.append(None)
                        _, hv = s2sad.jvp(gfn, _copy(args), tuple(tangents))
                    bad = [i for i, (hi, a) in enumerate(zip(hv, wrt_args)) if not _shape_ok(hi, a)]
                    if bad:
                        i = bad[0]
                        results[mode] = Outcome("wrong", f"H v for argument {positions[i]} has shape {np.shape(hv[i])}, argument {np.shape(wrt_args[i])}")
                        continue
                    o = get_oracle().reset()
                    hvo = o.hv(_flat(v))
                    if hvo is not None:
                        got, want = _flat(hv), hvo
                        if not o.exact:
                            tol = max(tol, 1e-5)
                    else:
                        got, want = np.array([_flat(w) @ _flat(hv)]), np.array([o.whv(_flat(w), _flat(v))])
                        tol = max(tol, 1e-4)
            except Exception as exc:  # noqa: BLE001 - every failure is classified
                results[mode] = _classify(exc, case.refusal)
                continue
            if _close(got, want, tol):
                results[mode] = Outcome("right", f"oracle: {get_oracle().name}")
            else:
                results[mode] = Outcome("wrong", f"{_err(got, want)}; oracle: {get_oracle().name}")

        if got_rev is not None and got_fwd is not None and results.get("reverse", Outcome("")).kind == "right" \
                and results.get("forward", Outcome("")).kind == "right":
            lhs = float(_flat(u) @ got_fwd) if not number else float(got_fwd[0])
            rhs = float(_flat(v) @ got_rev)
            if not np.isclose(lhs, rhs, rtol=1e-6, atol=1e-8 * max(1.0, abs(rhs))):
                d = Outcome("wrong", f"dot-product test <J v, u> = {lhs:.10g} but <v, J^T u> = {rhs:.10g}")
                results["reverse"] = results["forward"] = d
    return results


def describe(case: Case) -> str:
    """One line naming a case's function and its argument shapes (for reports)."""
    shapes = ", ".join(
        f"{type(a).__name__}{list(np.shape(a)) if isinstance(a, np.ndarray) else ''}" if not isinstance(a, (int, float)) or isinstance(a, bool) else repr(a)
        for a in case.args
    )
    return f"{case.fn.__name__}({shapes})"

