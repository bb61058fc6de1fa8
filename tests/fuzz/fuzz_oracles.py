"""The oracles a generated program is checked against.

`check(source, args)` writes the program to a temporary .py file (s2sad reads
source from files), imports it and checks, for `f` at `args`:

1. reverse mode against central differences (the dot-product test
   `<u, (f(x + h v) - f(x - h v)) / 2h> = <J^T u, v>` for random `u`, `v`);
2. the forward/reverse identity `<u, J v> = <J^T u, v>` between the two
   generated programs, to rounding error;
3. autograd, running the same source through `autograd.numpy`, when every
   primitive it uses is in autograd (`autograd=True`);
4. the generated source (Wengert list, tangent, adjoint) compiles and
   round-trips through `ast.parse`/`ast.unparse`, and the exported module
   runs standalone -- without s2sad -- and gives the same numbers;
5. the function's own result is unchanged: the decorated function returns
   exactly what `f` returns, `value_and_grad` and `jvp` return its value, no
   s2sad call changes the caller's arrays, and `grad` gives one gradient
   shaped and typed like each argument (or a ShapeError for an array output);
6. for a number output, second order: forward mode over the generated adjoint
   (`jvp(grad(f))`, what `hessian` and `hvp` run) against central differences
   of the gradient, `<w, H v> = <v, H w>` between two directions, and `hvp`
   against `jvp(grad(f))`. Where the gradient is not smooth within reach of
   the differences, or s2sad refuses the second derivative with an
   `S2SADError`, only this oracle is skipped (counted in the statistics).
   With several arguments, `hessian(f, wrt=i)` of a random one agrees too, and
   oracle 4 also exports code for a random part of the arguments (a narrower
   `wrt`), whose derivatives must be the full ones restricted.

Inputs where the program is not smooth -- a floating-point exception, a huge
value, or a branch boundary or trip-count change within reach of the finite
differences (seen as disagreeing central differences at two step sizes, or,
before a mismatch with reverse mode is reported, at finer steps: a fast
oscillation that both steps overshoot) -- raise `Rejected`; they say nothing
about s2sad.
"""
from __future__ import annotations

import ast
import atexit
import collections
import importlib.util
import itertools
import math
import os
import shutil
import tempfile
import traceback
import warnings
from types import ModuleType
from typing import Any, Callable

import numpy as np

import s2sad

STATS: collections.Counter[str] = collections.Counter()

_DIR = tempfile.mkdtemp(prefix="s2sad_fuzz_")
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)
_COUNT = itertools.count()

# Reject inputs where the program itself is badly scaled: these say nothing about s2sad.
MAX_VALUE = 1e6


class Rejected(Exception):
    """The drawn inputs are outside the program's smooth domain."""


def load(source: str, flavor: str = "numpy") -> ModuleType:
    """Write `source` to a fresh .py file and import it (not registered in sys.modules)."""
    n = next(_COUNT)
    if flavor == "autograd":
        source = source.replace("import numpy as np", "import autograd.numpy as np", 1)
    path = os.path.join(_DIR, f"prog{n}{'_autograd' if flavor == 'autograd' else ''}.py")
    with open(path, "w") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location(f"s2sad_fuzz_prog{n}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


# -- small numeric helpers ---------------------------------------------------------------------------


def _parts(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, tuple) else (x,)


def vdot(a: Any, b: Any) -> float:
    """<a, b> for arrays, scalars or tuples of them."""
    return float(sum(np.sum(np.asarray(p, dtype=float) * np.asarray(q, dtype=float)) for p, q in zip(_parts(a), _parts(b))))


def absdot(a: Any, b: Any) -> float:
    """<|a|, |b|>: the size of the terms summed by `vdot`, for tolerances."""
    return float(sum(np.sum(np.abs(np.asarray(p, dtype=float) * np.asarray(q, dtype=float))) for p, q in zip(_parts(a), _parts(b))))


def _like(rng: np.random.Generator, a: Any) -> Any:
    if isinstance(a, tuple):
        return tuple(_like(rng, x) for x in a)
    if np.ndim(a) == 0:
        return float(rng.standard_normal())
    return rng.standard_normal(np.shape(a))


def _held(a: Any) -> Any:
    """The tangent of an argument jvp holds constant: zero for a number or an integer array (s2sad checks it is zero)."""
    if isinstance(a, (bool, int, np.integer)) or isinstance(a, np.ndarray) and a.dtype.kind in "biu":
        return np.zeros_like(a)
    return a


def _same(a: Any, b: Any) -> bool:
    """Exactly the same values (NaN equal to NaN), shapes and kinds."""
    if isinstance(a, tuple) or isinstance(b, tuple):
        return isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return np.shape(a) == np.shape(b) and bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))


def _kinds(a: Any) -> Any:
    """The types, shapes and dtypes of a result, without its values."""
    if isinstance(a, tuple):
        return tuple(_kinds(x) for x in a)
    return type(a), np.shape(a), getattr(a, "dtype", None)


def _close(a: Any, b: Any, rtol: float, atol: float) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        return isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and all(_close(x, y, rtol, atol) for x, y in zip(a, b))
    return np.shape(a) == np.shape(b) and bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=atol))


def _copy(args: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def _finite_size(x: Any) -> float:
    vals = [np.asarray(p, dtype=float) for p in _parts(x)]
    if not all(np.all(np.isfinite(v)) for v in vals):
        raise Rejected("non-finite value")
    return max((float(np.max(np.abs(v))) if v.size else 0.0) for v in vals)


def _autograd_adjoints(source: str, name: str, u: Any, args: tuple, wrt: tuple[int, ...]) -> Any:
    """autograd's `J^T u` for the same source, or None (counted in STATS) where autograd cannot run it."""
    import autograd as ag
    import autograd.numpy as anp

    f_ag = getattr(load(source, "autograd"), name)

    def scalarised(*a: Any) -> Any:
        return sum(anp.sum(ui * oi) for ui, oi in zip(_parts(u), _parts(f_ag(*a))))

    try:
        return ag.grad(scalarised, argnum=wrt)(*args)
    except Exception as exc:  # noqa: BLE001 - autograd cannot run this program: no oracle, not a failure
        STATS[f"autograd could not run: {type(exc).__name__}"] += 1
        return None


def evaluate(f: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """f(*args) with floating-point exceptions raised; Rejected where the program is not well-behaved."""
    try:
        with np.errstate(all="raise"), warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            out = f(*_copy(args))
    except (FloatingPointError, OverflowError, ZeroDivisionError, RuntimeWarning) as exc:
        raise Rejected(f"floating-point exception: {type(exc).__name__}") from None
    except ValueError as exc:
        if "math domain error" in str(exc):
            raise Rejected("math domain error") from None
        raise
    if _finite_size(out) > MAX_VALUE:
        raise Rejected("huge value")
    return out


# -- the check ---------------------------------------------------------------------------------------


class Failure(AssertionError):
    """An oracle disagreed."""


_WRAPPERS: dict[type, type] = {}


def crashed(exc: BaseException, source: str, args: tuple[Any, ...]) -> Failure:
    """A crash inside s2sad as a Failure raised from one place, named after the exception's class.

    Hypothesis tells bugs apart by where the exception was raised; generated code lives in
    per-program files, so without this every replay of one bug would look like a new one.
    """
    cls = _WRAPPERS.setdefault(type(exc), type(f"Crash{type(exc).__name__}", (Failure,), {}))
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-6:])
    return cls(f"s2sad crashed: {type(exc).__name__}: {exc}\n{tb}--- program ---\n{source}--- args ---\n{args!r}")


def _fail(oracle: str, detail: str, source: str, args: tuple[Any, ...]) -> Failure:
    return Failure(f"oracle {oracle!r} failed: {detail}\n--- program ---\n{source}--- args ---\n{args!r}")


def check(source: str, args: tuple[Any, ...], *, autograd: bool = False, name: str = "f", seed: int = 0) -> set[str]:
    """Check the program's `name` at `args` against every oracle; return the oracles that ran."""
    try:
        return _check(source, args, autograd=autograd, name=name, seed=seed)
    except (Rejected, Failure):
        raise
    except Exception as exc:  # noqa: BLE001 - any crash is a finding
        failure = crashed(exc, source, tuple(args))
    raise failure  # outside the handler: no __context__ pointing into the per-program file


# Exceptions that generated code raises only when s2sad wrote it wrong (not a point without a derivative).
_BUGS = (NameError, TypeError, AttributeError, KeyError, IndexError)


def _exported(f: Callable[..., Any], name: str, wrt_names: tuple[str, ...], args: tuple[Any, ...], u: Any) -> tuple[str, dict, tuple]:
    """`s2sad.export` of `f` run without s2sad: its text, its namespace, and its adjoints for the seed `u`."""
    text = str(s2sad.export(f, wrt=wrt_names, modes=("reverse", "forward"), args=args))
    namespace: dict[str, Any] = {"__name__": "s2sad_fuzz_standalone"}
    exec(compile(text, f"<export of {name} wrt {', '.join(wrt_names)}>", "exec"), namespace)  # noqa: S102
    f_vjp = namespace[f"{name}_vjp"]
    # One seed per output of `return a, b`; one (tuple) seed when several returns give tuples.
    cts = _parts(u) if f_vjp.__code__.co_argcount - len(args) > 1 else (u,)
    got = f_vjp(*_copy(args), *cts)
    return text, namespace, got if len(wrt_names) > 1 else (got,)


def _narrower(f: Callable[..., Any], name: str, args: tuple[Any, ...], pos: list[int], part: list[int],
              part_names: list[str], v: dict[int, Any], u: Any, adj_f: dict[int, Any],
              fail: Callable[[str, str], Failure]) -> None:
    """Oracle 4': exported code for wrt = `part` against the full-wrt derivatives."""
    _, namespace, got = _exported(f, name, tuple(part_names), args, u)
    for i, e in zip(part, got):
        if not _close(e, adj_f[i], 1e-12, 1e-12 * max(1.0, float(np.max(np.abs(adj_f[i]))))):
            raise fail("narrower wrt, reverse", f"wrt {part_names}, argument {i}: {e!r}, with every argument {adj_f[i]!r}")
    _, jv = s2sad.jvp(f, args, tuple(v[i] if i in part else (np.zeros_like(a) if i in pos else _held(a)) for i, a in enumerate(args)))
    _, tangent = namespace[f"{name}_jvp"](*_copy(args), *(v[i] for i in part))
    if not _close(tangent, jv, 1e-12, 1e-12 * max(1.0, _finite_size(jv))):
        raise fail("narrower wrt, forward", f"wrt {part_names}: {tangent!r}, with zero tangents elsewhere {jv!r}")


def _grads(g: Callable[..., Any], args: tuple[Any, ...], n: int) -> tuple[Any, ...]:
    """`g(*args)` as a tuple of gradients, with floating-point exceptions raised."""
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        r = g(*_copy(args))
    return tuple(r) if n > 1 else (r,)


def _second_order(f: Callable[..., Any], args: tuple[Any, ...], pos: list[int], v: dict[int, Any],
                  rng: np.random.Generator, fail: Callable[[str, str], Failure]) -> bool:
    """Oracle 6; False when it could not run here (not smooth, or refused)."""
    g = s2sad.grad(f, wrt=tuple(pos))
    w = {i: _like(rng, args[i]) for i in pos}

    def hessian_times(d: dict[int, Any]) -> tuple[Any, ...]:
        tangents = tuple(d[i] if i in d else (np.zeros_like(a, dtype=float) if i in pos else 0) for i, a in enumerate(args))
        return _grads(lambda *a: s2sad.jvp(g, a, tangents)[1], args, len(pos))

    def central(h: float) -> float:
        try:
            plus = _grads(g, tuple(a + h * v[i] if i in v else a for i, a in enumerate(args)), len(pos))
            minus = _grads(g, tuple(a - h * v[i] if i in v else a for i, a in enumerate(args)), len(pos))
        except (FloatingPointError, OverflowError, ZeroDivisionError, RuntimeWarning, ValueError):
            raise Rejected("second order: a floating-point exception near the point") from None
        return sum(vdot(w[i], (np.asarray(p, dtype=float) - np.asarray(m, dtype=float)) / (2 * h))
                   for i, p, m in zip(pos, plus, minus))

    try:
        hv, hw = hessian_times(v), hessian_times(w)
        d_small, d_large = central(1e-5), central(1e-3)
    except s2sad.S2SADError as exc:
        if isinstance(exc, s2sad.DerivativeError) and isinstance(exc, _BUGS):
            raise  # generated code that names what it never defined: a crash, not a refusal
        STATS[f"second order refused: {type(exc).__name__}"] += 1
        return False
    except Rejected:
        STATS["second order skipped: not smooth"] += 1
        return False
    except (FloatingPointError, OverflowError, ZeroDivisionError, RuntimeWarning):
        STATS["second order skipped: a floating-point exception"] += 1
        return False
    scale = max([1.0, abs(d_small)] + [absdot(w[i], h) for i, h in zip(pos, hv)] + [absdot(v[i], h) for i, h in zip(pos, hw)])
    if not math.isfinite(d_small) or abs(d_small - d_large) > 1e-3 * scale:
        STATS["second order skipped: not smooth"] += 1
        return False
    whv = sum(vdot(w[i], h) for i, h in zip(pos, hv))
    vhw = sum(vdot(v[i], h) for i, h in zip(pos, hw))
    if not math.isfinite(whv) or abs(whv - d_small) > 1e-5 * scale:
        raise fail("second order vs central differences", f"<w, H v> = {whv!r}, central difference of the gradient {d_small!r}")
    if abs(whv - vhw) > 1e-8 * scale:
        raise fail("Hessian symmetry", f"<w, H v> = {whv!r}, <v, H w> = {vhw!r}")
    if len(pos) == 1 and isinstance(args[pos[0]], np.ndarray):
        i = pos[0]
        direct = s2sad.hvp(f, args, v[i], wrt=i)
        if not _close(direct, hv[0], 1e-10, 1e-12 * scale):
            raise fail("hvp vs jvp of grad", f"hvp {direct!r}, jvp(grad) {hv[0]!r}")
    if len(pos) >= 2:
        # The Hessian block of one argument: forward mode with respect to it alone, over the adjoint
        # with respect to it alone.
        i = pos[int(rng.integers(len(pos)))]
        block = np.asarray(s2sad.hessian(f, wrt=i)(*_copy(args)), dtype=float)
        k = np.ndim(args[i])
        hi = np.tensordot(block, np.asarray(v[i], dtype=float), axes=k) if k else block * v[i]
        want = np.asarray(hessian_times({i: v[i]})[pos.index(i)], dtype=float)
        if not _close(hi, want, 1e-9, 1e-11 * scale):
            raise fail("Hessian block", f"argument {i}: hessian(f, wrt={i}) @ v = {hi!r}, jvp(grad) {want!r}")
    return True


def _check(source: str, args: tuple[Any, ...], *, autograd: bool, name: str, seed: int) -> set[str]:
    args = tuple(args)
    ran: set[str] = set()
    module = load(source)
    f = getattr(module, name)
    # Numbers and arrays of floats are differentiated; counts and integer arrays are held constant.
    pos = [i for i, a in enumerate(args) if not (isinstance(a, (int, np.integer)) and not isinstance(a, bool) or isinstance(a, np.ndarray) and a.dtype.kind in "iu")]
    wrt = tuple(pos)
    names = list(f.__code__.co_varnames[: f.__code__.co_argcount])
    originals = _copy(args)

    def fail(oracle: str, detail: str) -> Failure:
        return _fail(oracle, detail, source, args)

    out = evaluate(f, args)
    rng = np.random.default_rng(seed)
    v = {i: _like(rng, args[i]) for i in pos}
    u = _like(rng, out)

    def phi(h: float) -> float:
        moved = tuple(a + h * v[i] if i in v else a for i, a in enumerate(args))
        return vdot(u, evaluate(f, moved))

    def central(h: float) -> float:
        return (phi(h) - phi(-h)) / (2 * h)

    phi0 = vdot(u, out)
    d_small, d_large = central(1e-6), central(1e-4)
    if abs(d_small - d_large) > 1e-4 * max(1.0, abs(d_small)):
        raise Rejected("not smooth within reach of central differences")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # 1. reverse mode against central differences
        out_r, pullback = s2sad.vjp(f, *args)
        adj = pullback(u)
        if not _same(out_r, out):
            raise fail("vjp value", f"vjp returned {out_r!r}, f returned {out!r}")
        adj_f = {i: adj[i] for i in pos}
        for i in range(len(args)):
            if np.shape(adj[i]) != np.shape(args[i]):
                raise fail("vjp shapes", f"adjoint {i} has shape {np.shape(adj[i])}, the argument {np.shape(args[i])}")
        got = sum(vdot(v[i], adj_f[i]) for i in pos)
        terms = sum(absdot(v[i], adj_f[i]) for i in pos)
        if not math.isfinite(got) or abs(got - d_small) > 1e-6 * max(1.0, abs(phi0)) + 1e-5 * max(abs(d_small), terms):
            want = _autograd_adjoints(source, name, u, args, wrt) if autograd else None
            if want is not None:
                ag = sum(vdot(v[i], np.asarray(w, dtype=float)) for i, w in zip(pos, want))
                if not math.isfinite(ag) or abs(ag - d_small) > 1e-6 * max(1.0, abs(phi0)) + 1e-5 * abs(d_small):
                    # autograd misses central differences here too: the chain rule runs through a
                    # singular point that the composite smooths over (the std of equal values: sqrt
                    # at 0, times 0). s2sad promises autograd's answers, not better ones.
                    raise Rejected("a singular point of the chain rule: autograd is off here too")
            for h in (1e-7, 1e-8, 1e-9):
                # Steps of 1e-6 and 1e-4 can both lie far beyond a fast oscillation and agree at about zero
                # (seed 5103: `np.sinc` of a value near 1.7e9, where the derivative is -10 and both
                # differences 1e-5); finer steps show it. Their rounding error grows as 1/h, hence the slack.
                finer = central(h)
                if abs(finer - d_small) > 1e-4 * max(1.0, abs(d_small)) + 1e-14 * max(1.0, abs(phi0)) / h:
                    raise Rejected("not smooth within reach of central differences (finer steps disagree)")
            raise fail("reverse vs central differences", f"<J^T u, v> = {got!r}, central difference {d_small!r}")
        ran.add("reverse_vs_cd")
        if terms > 0:
            STATS["programs with a non-zero derivative"] += 1

        # 2. forward mode, and <u, J v> = <J^T u, v>
        tangents = tuple(v[i] if i in v else 0 for i in range(len(args)))
        out_f, jv = s2sad.jvp(f, args, tangents)
        if not _same(out_f, out):
            raise fail("jvp value", f"jvp returned {out_f!r}, f returned {out!r}")
        fwd = vdot(u, jv)
        if not math.isfinite(fwd) or abs(fwd - got) > 1e-9 * max(1.0, terms, absdot(u, jv)):
            raise fail("forward/reverse identity", f"<u, J v> = {fwd!r}, <J^T u, v> = {got!r}")
        ran.add("forward_reverse_identity")

        # 3. autograd on the same source
        if autograd:
            want = _autograd_adjoints(source, name, u, args, wrt)
            if want is not None:
                if not all(np.all(np.isfinite(np.asarray(w, dtype=float))) for w in want):
                    raise Rejected("autograd is not finite here (a singular point such as the std of equal values)")
                scale = max([1.0] + [float(np.max(np.abs(adj_f[i]))) for i in pos])
                for i, w in zip(pos, want):
                    if not _close(np.asarray(adj_f[i], dtype=float), np.asarray(w, dtype=float), 1e-7, 1e-9 * scale):
                        raise fail("autograd", f"argument {i}: s2sad {adj_f[i]!r}, autograd {w!r}")
                ran.add("autograd")

        # 5. the decorator, grad and value_and_grad leave the function's own result alone
        d = s2sad.differentiate(f, wrt=wrt)
        if not _same(d(*_copy(args)), out):
            raise fail("decorated value", "the decorated function returns something else")
        if isinstance(out, tuple) or np.ndim(out) != 0:
            try:
                s2sad.grad(f, wrt=wrt)(*args)
            except s2sad.ShapeError as exc:
                if "jacobian" not in str(exc):
                    raise fail("grad of an array", f"the message does not point to jacobian: {exc}") from None
            else:
                raise fail("grad of an array", "grad accepted a non-scalar output")
        else:
            value, grads = d.value_and_grad(*args)
            scale = max(1.0, abs(float(out)))
            if not _close(value, out, 1e-10, 1e-12 * scale):
                raise fail("value_and_grad value", f"{value!r} != {out!r}")
            for i, g in zip(pos, grads):
                a = args[i]
                if isinstance(a, float) and type(g) is not float:
                    raise fail("grad type", f"argument {i} is a float, its gradient a {type(g).__name__}")
                if isinstance(a, np.ndarray) and (not isinstance(g, np.ndarray) or g.shape != a.shape or g.dtype != a.dtype):
                    raise fail("grad type", f"argument {i} is {a.dtype}{a.shape}, its gradient {getattr(g, 'dtype', type(g))}{np.shape(g)}")
                if not _close(np.asarray(g) * u, adj_f[i], 1e-9, 1e-12 * max(1.0, absdot(u, g))):
                    raise fail("grad vs vjp", f"argument {i}: grad*u = {np.asarray(g) * u!r}, vjp {adj_f[i]!r}")
            # The "grad" variant's collect and factor passes round differently (2 * x * t for
            # x * t + t * x, x_bar * (a + b) for two updates): the same values up to rounding.
            lean = s2sad.grad(f, wrt=wrt)(*args)
            size = max([1.0, terms] + [float(np.max(np.abs(g), initial=0.0)) for g in (grads if isinstance(grads, tuple) else (grads,))])
            if not _close(lean, grads, 1e-11, 1e-13 * size) or _kinds(lean) != _kinds(grads):
                raise fail("grad vs value_and_grad", f"the two gradients differ: {lean!r} and {grads!r}")
        ran.add("own_result")

        # 6. second order, for a number output
        if not (isinstance(out, tuple) or np.ndim(out) != 0) and _second_order(f, args, pos, v, rng, fail):
            ran.add("second_order")

        # 4. generated source compiles, round-trips, and the exported module runs without s2sad
        wrt_names = tuple(names[i] for i in pos)
        for mode in ("wengert", "reverse", "forward"):
            text = s2sad.source(f, mode, wrt=wrt_names, args=args)
            compile(text, f"<{mode}>", "exec")
            once = ast.unparse(ast.parse(text))
            if ast.dump(ast.parse(once)) != ast.dump(ast.parse(text)) or ast.unparse(ast.parse(once)) != once:
                raise fail("round trip", f"{mode} source does not round-trip:\n{text}")
        text, namespace, exported = _exported(f, name, wrt_names, args, u)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                if any(mod.split(".")[0] == "s2sad" for mod in modules):
                    raise fail("standalone", "the exported module imports s2sad")
        for i, e in zip(pos, exported):
            if not _close(e, adj_f[i], 1e-12, 1e-12 * max(1.0, float(np.max(np.abs(adj_f[i]))))):
                raise fail("standalone reverse", f"argument {i}: exported {e!r}, s2sad {adj_f[i]!r}")
        value, tangent = namespace[f"{name}_jvp"](*_copy(args), *(v[i] for i in pos))
        if not _close(value, out, 1e-12, 1e-12) or not _close(tangent, jv, 1e-12, 1e-12 * max(1.0, _finite_size(jv))):
            raise fail("standalone forward", f"exported ({value!r}, {tangent!r}), s2sad ({out!r}, {jv!r})")
        ran.add("source")

        # 4'. a narrower wrt: exported forward and reverse code for a random part of the arguments
        #     agrees with the full derivatives (a parameter outside wrt starts with no tangent)
        if len(pos) >= 2:
            part = sorted(rng.choice(pos, size=int(rng.integers(1, len(pos))), replace=False).tolist())
            _narrower(f, name, args, pos, part, [names[i] for i in part], v, u, adj_f, fail)
            ran.add("narrower_wrt")

    for a, b in zip(args, originals):
        if not _same(a, b):
            raise fail("inputs unchanged", "an argument was changed in place")
    for o in ran:
        STATS[f"oracle {o}"] += 1
    return ran
