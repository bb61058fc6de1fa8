"""The public API: `differentiate`, `grad`, `value_and_grad`, `vjp`, `jvp`, `source`.

Each call resolves `wrt`, specialises on which arguments are scalars (so
scalar code needs no `unbroadcast`), fetches the compiled derivative from the
cache, calls it, and gives every gradient the shape and dtype of its argument.
Errors on user input surface as `S2SADError` without s2sad's internal frames.
"""
from __future__ import annotations

import functools
import inspect
import operator
import weakref
from typing import Any, Callable, Sequence

import numpy as np

from . import optimize, pipeline, registry
from .errors import InputError, NonDifferentiableError, S2SADError, ShapeError, SourceUnavailableError

Wrt = int | str | Sequence[int | str]


def _user_errors(f: Callable[..., Any]) -> Callable[..., Any]:
    """Re-raise S2SADError from the API boundary, without internal frames."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except S2SADError as exc:
            raise exc.with_traceback(None) from None

    return wrapper


def _is_scalar(a: Any) -> bool:
    return isinstance(a, (float, int, np.number)) or (isinstance(a, np.ndarray) and a.ndim == 0)


def _is_float(a: Any) -> bool:
    if isinstance(a, bool):
        return False
    if isinstance(a, (float, np.floating)):
        return True
    return isinstance(a, np.ndarray) and a.dtype.kind == "f"


def _check_input(name: str, a: Any) -> None:
    if isinstance(a, (complex, np.complexfloating)) or (isinstance(a, np.ndarray) and a.dtype.kind == "c"):
        raise InputError(f"argument {name!r} is complex; s2sad differentiates real functions only", construct=name)
    if a is None or (isinstance(a, np.ndarray) and a.dtype.kind not in "biuf"):
        what = "None" if a is None else f"an array of dtype {a.dtype}"
        raise InputError(f"argument {name!r} is {what}, which cannot be differentiated", construct=name)
    if not isinstance(a, (int, float, np.number, np.ndarray, list, tuple)):
        raise InputError(f"argument {name!r} is a {type(a).__name__}, which cannot be differentiated", construct=name,
                         hint="differentiate with respect to numbers and arrays; pass other values as parameters not in wrt")


def target(fn: Callable[..., Any], args: tuple[Any, ...] = ()) -> Callable[..., Any]:
    """The plain Python function whose source s2sad reads for `fn` at `args`."""
    resolver = getattr(fn, "_s2sad_target", None)
    if resolver is not None:
        return resolver(args)
    prim = registry.lookup(fn)
    if prim is not None:
        if prim.nondiff:
            raise NonDifferentiableError(
                f"{prim.spelling.path or prim.name} has no derivative: s2sad treats it as piecewise constant",
                construct=prim.spelling.path or prim.name,
            )
        # A helper s2sad differentiates through is read like any function; a primitive gets a one-line caller.
        return prim.user_fn if prim.user_fn is not None else _call_of(prim)
    if not inspect.isfunction(fn):  # a builtin, a C function, a NumPy dispatcher, a callable object
        name = getattr(fn, "__name__", type(fn).__name__)
        raise SourceUnavailableError(
            f"cannot read the source of {name!r}: it is not a Python function, and no derivative rule is registered for it",
            construct=name,
            hint="mark it with s2sad.primitive and give it rules with s2sad.defvjp/defjvp",
        )
    return fn


def _call_of(prim: registry.Primitive) -> Callable[..., Any]:
    """A generated one-line function calling a primitive, so its own rules are used."""
    call = getattr(prim, "_call", None)  # kept on the record: it lives and dies with the primitive
    if call is None:
        from .compile import compile_ir
        from .ir import Const, Function, Op, Param, Return, Var

        prim._load()  # rule classes are parsed lazily, and parsing fills in the parameter names
        params = [Param(p, Const(prim.defaults[p]) if p in prim.defaults else None) for p in prim.params]
        # Parameters with defaults are passed by keyword: np.sum(x, axis, keepdims) would pass keepdims as dtype.
        positional = tuple(Var(p.name) for p in params if p.default is None)
        keywords = tuple((p.name, Var(p.name)) for p in params if p.default is not None)
        body = [Return(Op(prim.name, positional, keywords))]
        name = f"call_{prim.name}"
        call = prim._call = compile_ir(Function(name, params, body), f"call of {prim.name}")
    return call


def _scalars(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> frozenset[str]:
    try:
        sig = optimize.signature(fn)
        # No arguments: a call site inside another function's source, where nothing is known yet.
        bound = sig.bind(*args, **kwargs) if args or kwargs else sig.bind_partial()
    except TypeError as exc:
        raise InputError(f"cannot call {fn.__name__}: {exc}", construct=fn.__name__) from None
    bound.apply_defaults()
    return frozenset(n for n, v in bound.arguments.items() if _is_scalar(v))


def fix_grad(g: Any, a: Any) -> Any:
    """`g` with the shape and dtype of the argument `a` (ints promote to float)."""
    if type(a) is np.ndarray:  # the cheap call path: the commonest cases first
        if type(g) is np.ndarray and g.shape == a.shape and g.dtype is a.dtype and g.base is None:
            return g  # a fresh array (no base, so writeable) of the argument's shape and dtype
    elif type(a) is float:
        return g if type(g) is float else float(g)
    if isinstance(a, np.ndarray):
        dtype = a.dtype if a.dtype.kind == "f" else np.dtype(np.float64)
        if type(g) is np.ndarray and g.shape == a.shape and g.dtype == dtype and g.flags.writeable:
            return g
        return np.array(np.broadcast_to(g, a.shape), dtype=dtype)
    if isinstance(a, np.floating):
        return a.dtype.type(g)
    if isinstance(a, (float, int)):
        return float(g)
    return g


_SCALAR_TYPES = (float, np.float64, np.float32)  # scalar outputs, checked first on the cheap call path
_hit = pipeline.CACHE.hit  # the cache object lives as long as the module: its bound method does too


def _kinds(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple:
    """Which arguments are scalars: the key of a `GradFunction`'s cached entries."""
    key = tuple([a.ndim == 0 if type(a) is np.ndarray else type(a) is float or _is_scalar(a) for a in args])
    return key + tuple((k, _is_scalar(v)) for k, v in kwargs.items()) if kwargs else key


class GradFunction:
    """`grad(fn)` or `value_and_grad(fn)`: a callable that returns gradients."""

    def __init__(self, fn: Callable[..., Any], wrt: Wrt, with_value: bool) -> None:
        self.fn = fn
        self.wrt = wrt
        self.with_value = with_value
        self._fast: dict[Any, tuple[Callable[..., Any], Callable[..., Any]]] = {}  # argument kinds -> (compiled, fix)
        _LIVE.add(self)
        name = getattr(fn, "__name__", "f")
        self.__name__ = f"{'value_and_grad' if with_value else 'grad'}_{name}"
        self.__qualname__ = self.__name__
        self.__doc__ = f"Gradient of {name} with respect to {wrt!r}, generated by s2sad."
        self.__wrapped__ = fn

    def __reduce__(self) -> tuple:
        # Pickle what the user wrote, not the compiled code: it is regenerated on first use.
        return (GradFunction, (self.fn, self.wrt, self.with_value))

    def _compiled(self, args: tuple[Any, ...], kwargs: dict[str, Any], variant: str) -> Callable[..., Any]:
        base = target(self.fn, args)
        wrt, _ = pipeline.resolve_wrt(base, self.wrt)
        return pipeline.derive(base, "reverse", wrt, _scalars(base, args, kwargs), variant)

    def _s2sad_target(self, args: tuple[Any, ...]) -> Callable[..., Any]:
        if self.with_value:
            return self._compiled(args, {}, "value_and_grad")
        # Differentiating the gradient again (hvp, hessian, jvp of grad): the "grad" variant where it
        # applies, so the tangent program does not carry the value's statements either.
        base = target(self.fn, args)
        lean = optimize.SETTINGS.liveness and _scalar_output(base, _scalars(base, args, {}))
        return self._compiled(args, {}, "grad" if lean else "vjp")

    def _entry(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple:
        base = target(self.fn, args)
        wrt, is_tuple = pipeline.resolve_wrt(base, self.wrt)
        names = list(optimize.signature(base).parameters)
        for n, a in list(zip(names, args)) + list(kwargs.items()):
            if n in wrt:  # other arguments are constants of any kind: an option, None, a string
                _check_input(n, a)
        positions = tuple(names.index(w) for w in wrt)
        if _returns_tuple(pipeline.lowered(base)):
            raise _not_scalar(self.fn, "a tuple")
        scalars = _scalars(base, args, kwargs)
        valued = True
        if _saves_on_stack(base) and set(wrt) <= scalars:
            # Reverse over a generated adjoint with loops is not supported, but for scalar
            # inputs a gradient is a tangent: use forward over reverse instead.
            compiled = _forward_value_and_grad(base, wrt, scalars)
        elif not self.with_value and optimize.SETTINGS.liveness and _scalar_output(base, scalars):
            # The value is a number whatever the arrays: nothing to check, so nothing computes it.
            compiled, valued = pipeline.derive(base, "reverse", wrt, scalars, "grad"), False
        else:
            compiled = pipeline.derive(base, "reverse", wrt, scalars, "value_and_grad")
        return compiled, positions, is_tuple, wrt, valued

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # The cheap call path: once per kind of arguments, `_first_call` resolves wrt, checks the
        # arguments and finds the compiled code; a repeated call only runs it and fixes the gradients.
        entry = self._fast.get(_kinds(args, kwargs))
        if entry is None:
            return self._first_call(args, kwargs)
        _hit()
        return self._run(entry, args, kwargs)

    def _run(self, entry: tuple[Callable[..., Any], Callable[..., Any], bool], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Run a cached entry: the generated code, the scalar check, gradients shaped like the arguments."""
        compiled, fix, valued = entry
        try:
            out = compiled(*args, **kwargs)
        except S2SADError as exc:
            raise exc.with_traceback(None) from None
        except Exception:
            self._explain_failure(args, kwargs)
            raise
        if not valued:  # the "grad" variant: the output is a number by construction
            return fix(out, args, kwargs)
        value, grads = out
        if type(value) not in _SCALAR_TYPES and (isinstance(value, tuple) or np.ndim(value) != 0):
            raise _not_scalar(self.fn, "a tuple" if isinstance(value, tuple) else f"shape {np.shape(value)}") from None
        grads = fix(grads, args, kwargs)
        return (value, grads) if self.with_value else grads

    @_user_errors
    def _first_call(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """The first call with arguments of these kinds: build the entry, then run it."""
        compiled, positions, is_tuple, wrt, valued = self._entry(args, kwargs)
        entry = self._fast[_kinds(args, kwargs)] = (compiled, _fixer(positions, wrt, is_tuple), valued)
        return self._run(entry, args, kwargs)

    @_user_errors
    def _explain_failure(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """The generated code failed: with an array output the scalar seed 1.0 may break the
        backward sweep (`g.T` of a float), so say what is wrong rather than show that failure."""
        out = self.fn(*args, **kwargs)
        if isinstance(out, tuple) or np.ndim(out) != 0:
            raise _not_scalar(self.fn, "a tuple" if isinstance(out, tuple) else f"shape {np.shape(out)}") from None


def _scalar_output(fn: Callable[..., Any], scalars: frozenset[str]) -> bool:
    """True when `fn`'s result is a number for any arrays of the kinds given (a full reduction, say)."""
    from .shapes import SCALAR, infer

    from .ir import Assign, Op, walk_stmts

    low = pipeline.lowered(fn)
    if low.tuple_output or len(low.outputs) != 1:
        return False
    out = low.outputs[0]
    for s in walk_stmts(low.fn.body):  # `x.shape` is "scalar-like" to the shape facts, but a tuple
        if isinstance(s, Assign) and out in s.targets and isinstance(s.value, Op) and s.value.prim in ("shape", "shape_attr"):
            return False
    return infer(low.fn, set(scalars)).get(out) == SCALAR


def _fixer(positions: tuple[int, ...], wrt: tuple[str, ...], is_tuple: bool) -> Callable[..., Any]:
    """`fix(grads, args, kwargs)` for one cached entry: every gradient shaped like its argument.

    Specialised once per entry, so a cached call does no per-argument bookkeeping
    beyond `fix_grad` itself.
    """
    if len(wrt) == 1:
        p, name = positions[0], wrt[0]

        def fix_one(g: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
            g = fix_grad(g, args[p] if p < len(args) else kwargs.get(name))
            return (g,) if is_tuple else g

        return fix_one
    pick = operator.itemgetter(*positions)
    last = max(positions)

    def fix_all(grads: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if last < len(args):
            return tuple(map(fix_grad, grads, pick(args)))
        return _fix_all(grads, wrt, positions, args, kwargs, is_tuple)

    return fix_all


def _returns_tuple(low: Any) -> bool:
    """True when the function returns a tuple, from one `return a, b` or from several returns."""
    if low.tuple_output:
        return True
    from .ir import Assign, Tup, walk_stmts

    return any(
        isinstance(s, Assign) and s.target in low.outputs and isinstance(s.value, Tup) and s.value.kind == "tuple"
        for s in walk_stmts(low.fn.body)
    )


def _not_scalar(fn: Callable[..., Any], what: str) -> ShapeError:
    """The error for `grad` of a function whose output is not a scalar."""
    try:
        where = pipeline._where(inspect.unwrap(fn))
    except Exception:  # noqa: BLE001 - the location is a courtesy
        where = {}
    return ShapeError(
        f"grad needs a scalar output, but {getattr(fn, '__name__', 'the function')} returned {what}",
        construct="grad",
        hint="use s2sad.jacobian for every derivative, or s2sad.vjp with a cotangent",
        **where,
    )


def _saves_on_stack(fn: Callable[..., Any]) -> bool:
    ir = getattr(fn, "__s2sad_ir__", None)
    if ir is None:
        return False
    from .ir import Assign, Op, walk_stmts

    return any(isinstance(s, Assign) and isinstance(s.value, Op) and s.value.prim == "pop" for s in walk_stmts(ir.body))


def _forward_value_and_grad(fn: Callable[..., Any], wrt: tuple[str, ...], scalars: frozenset[str]) -> Callable[..., Any]:
    """(value, gradient) of a function of scalar inputs, one forward pass per input."""
    compiled = pipeline.derive(fn, "forward", wrt, scalars, "jvp")
    dots = [p.name for p in compiled.__s2sad_ir__.params[-len(wrt):]]

    def value_and_grad(*args: Any, **kwargs: Any) -> Any:
        grads = []
        for d in dots:
            value, t = compiled(*args, **kwargs, **{x: (1.0 if x == d else 0.0) for x in dots})
            grads.append(t)
        return value, grads[0] if len(grads) == 1 else tuple(grads)

    return value_and_grad


def _arg(positions: int, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return args[positions] if positions < len(args) else kwargs.get(name)


def _fix_all(grads: Any, wrt: tuple[str, ...], positions: tuple[int, ...], args: tuple, kwargs: dict, is_tuple: bool) -> Any:
    if len(wrt) == 1:
        g = fix_grad(grads, _arg(positions[0], wrt[0], args, kwargs))
        return (g,) if is_tuple else g
    return tuple(fix_grad(g, _arg(p, w, args, kwargs)) for g, p, w in zip(grads, positions, wrt))


def grad(fn: Callable[..., Any], wrt: Wrt = 0) -> GradFunction:
    """A function that returns the gradient of scalar-valued `fn` with respect to `wrt`."""
    return GradFunction(fn, wrt, with_value=False)


def value_and_grad(fn: Callable[..., Any], wrt: Wrt = 0) -> GradFunction:
    """A function that returns `(fn(*args), gradient)`."""
    return GradFunction(fn, wrt, with_value=True)


@_user_errors
def vjp(fn: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
    """`(fn(*primals), pullback)`; `pullback(cotangent)` gives one adjoint per primal."""
    base = target(fn, primals)
    names = list(inspect.signature(base).parameters)[: len(primals)]
    for n, a in zip(names, primals):
        _check_input(n, a)
    wrt = tuple(names)
    compiled = pipeline.derive(base, "reverse", wrt, _scalars(base, primals, {}), "vjp")
    low = pipeline.lowered(base)
    seeds = [p.name for p in compiled.__s2sad_ir__.params[-len(low.outputs):]]
    out = fn(*primals)

    @_user_errors
    def pullback(cotangent: Any) -> tuple[Any, ...]:
        _check_cotangent(cotangent, out)
        cts = tuple(cotangent) if low.tuple_output else (cotangent,)
        grads = compiled(*primals, **dict(zip(seeds, cts)))
        grads = (grads,) if len(wrt) == 1 else grads
        return tuple(fix_grad(g, a) for g, a in zip(grads, primals))

    return out, pullback


def _check_cotangent(c: Any, o: Any) -> None:
    """A ShapeError unless cotangent `c` has the structure and shapes of output `o`."""
    if isinstance(o, tuple):
        if not isinstance(c, (tuple, list)):
            raise ShapeError(f"the output is a tuple of {len(o)}, but the cotangent is {type(c).__name__}", construct="pullback")
        if len(c) != len(o):
            raise ShapeError(f"the output is a tuple of {len(o)}, but the cotangent has {len(c)} parts", construct="pullback")
        for ci, oi in zip(c, o):
            _check_cotangent(ci, oi)
        return
    if isinstance(c, (tuple, list)) and not isinstance(o, (tuple, list)) and np.ndim(o) == 0:
        raise ShapeError(f"the output is a scalar, but the cotangent is a {type(c).__name__}", construct="pullback")
    try:
        shape = np.shape(c)
    except ValueError:  # a ragged sequence
        raise ShapeError(f"the cotangent is a ragged {type(c).__name__}, but the output has shape {np.shape(o)}", construct="pullback") from None
    if shape != np.shape(o):
        raise ShapeError(f"cotangent has shape {shape}, but the output has shape {np.shape(o)}", construct="pullback")


@_user_errors
def jvp(fn: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """`(fn(*primals), J @ tangents)`: forward mode; non-float arguments' tangents are ignored."""
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ShapeError(f"jvp got {len(primals)} primals but {len(tangents)} tangents", construct="jvp")
    names, wrt, compiled, dot_params = _jvp_plan(fn, primals)
    dots = {}
    for n, p, t in zip(names, primals, tangents):
        _check_input(n, p)
        if n in wrt:
            if np.shape(t) != np.shape(p):
                raise ShapeError(f"tangent for {n!r} has shape {np.shape(t)}, but the primal has shape {np.shape(p)}", construct="jvp")
            dots[n] = t
    if compiled is None:
        out = fn(*primals)
        return out, (tuple(np.zeros_like(o, dtype=float) for o in out) if isinstance(out, tuple) else np.zeros_like(out, dtype=float))
    return compiled(*primals, **{d: dots[w] for d, w in zip(dot_params, wrt)})


# Cheap call path: what `jvp` and `hvp` work out from a function and the kinds of its
# arguments (signature, wrt, the cached tangent program) is kept per function, so a
# repeated call skips `inspect.signature` and the cache's hashing. `forget_plans` empties it.
_JVP_PLANS: "weakref.WeakKeyDictionary[Any, dict[tuple, tuple]]" = weakref.WeakKeyDictionary()
_GRADS: "weakref.WeakKeyDictionary[Any, dict[Any, GradFunction]]" = weakref.WeakKeyDictionary()


def _memo(table: "weakref.WeakKeyDictionary[Any, dict]", fn: Any) -> dict:
    if not optimize.SETTINGS.cheap_calls:
        return {}
    try:
        return table.setdefault(fn, {})
    except TypeError:  # not weak-referenceable: no memo
        return {}


def _jvp_plan(fn: Callable[..., Any], primals: tuple[Any, ...]) -> tuple:
    """(parameter names, wrt names, compiled tangent program or None, its tangent parameters)."""
    key = tuple((_is_scalar(p), _is_float(p)) for p in primals)
    plans = _memo(_JVP_PLANS, fn)
    plan = plans.get(key)
    if plan is not None:
        pipeline.CACHE.hit()
        return plan
    base = target(fn, primals)
    names = list(inspect.signature(base).parameters)[: len(primals)]
    for n, p in zip(names, primals):
        _check_input(n, p)
    wrt = tuple(n for n, p in zip(names, primals) if _is_float(p))
    compiled, dot_params = None, []
    if wrt:
        compiled = pipeline.derive(base, "forward", wrt, _scalars(base, primals, {}), "jvp")
        dot_params = [p.name for p in compiled.__s2sad_ir__.params[-len(wrt):]]
    plan = plans[key] = (names, wrt, compiled, dot_params)
    return plan


def grad_of(fn: Callable[..., Any], wrt: Wrt = 0) -> GradFunction:
    """`grad(fn, wrt)`, kept per function, so repeated `hvp` calls reuse one gradient and its plans."""
    grads = _memo(_GRADS, fn)
    key = tuple(wrt) if isinstance(wrt, list) else wrt
    if key not in grads:
        grads[key] = grad(fn, wrt)
    return grads[key]


_LIVE: "weakref.WeakSet[GradFunction]" = weakref.WeakSet()  # so new rules or settings reach existing grad objects


def forget_plans() -> None:
    """Empty the cheap call path's memos (`s2sad.optimize.configure` does, with the cache)."""
    _JVP_PLANS.clear()
    _GRADS.clear()


def forget_entries() -> None:
    """Drop every grad object's compiled entries too: new user rules change what the derivatives are.

    (New optimisation settings do not: a grad object built before them keeps its code, which the
    benchmarks rely on to time a pass off and on side by side.)
    """
    forget_plans()
    for g in list(_LIVE):
        g._fast.clear()


def _annotation_scalars(fn: Callable[..., Any]) -> frozenset[str]:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return frozenset()
    return frozenset(n for n, p in params.items() if p.annotation in (float, int, "float", "int"))


@_user_errors
def source(fn: Callable[..., Any], mode: str = "reverse", wrt: Wrt = 0, args: Sequence[Any] | None = None) -> str:
    """The generated source of `fn` for `mode` ("reverse", "forward", "wengert" or "grad").

    With example `args`, the code is specialised the way a call with those
    arguments would be (scalar arguments need no `unbroadcast`); without
    them, parameters annotated `float` count as scalars. "grad" is the adjoint
    `s2sad.grad` runs when the value is known to be a number: without the
    statements that only form the value.
    """
    modes = (*pipeline.MODES, "grad")
    if mode not in modes:
        raise InputError(f"mode must be one of {', '.join(map(repr, modes))}, not {mode!r}", construct="mode")
    args_t = tuple(args) if args is not None else ()
    base = target(fn, args_t)
    scalars = _scalars(base, args_t, {}) if args is not None else _annotation_scalars(base)
    names: tuple[str, ...] = ()
    if mode != "wengert":
        names, _ = pipeline.resolve_wrt(base, wrt)
    from .display import Code

    if mode == "grad":
        return Code(pipeline.show(base, "reverse", names, scalars, "grad"))
    return Code(pipeline.show(base, mode, names, scalars))


class Differentiable:
    """A function decorated with `@s2sad.differentiate`: calls like the original."""

    def __init__(self, fn: Callable[..., Any], wrt: Wrt = 0) -> None:
        functools.update_wrapper(self, fn)
        self.__wrapped__ = fn
        self.wrt = wrt
        self.grad = grad(fn, wrt)
        self.value_and_grad = value_and_grad(fn, wrt)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.__wrapped__(*args, **kwargs)

    def __reduce__(self) -> tuple:
        # A decorated module-level function pickles by reference, like the function itself.
        return self.__qualname__ if "<locals>" not in self.__qualname__ else (Differentiable, (self.__wrapped__, self.wrt))

    def _s2sad_target(self, args: tuple[Any, ...]) -> Callable[..., Any]:
        return target(self.__wrapped__, args)

    def source(self, mode: str = "reverse", args: Sequence[Any] | None = None) -> str:
        """The generated source for `mode`: "reverse", "forward" or "wengert"."""
        return source(self.__wrapped__, mode, self.wrt, args)

    def jvp(self, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
        """Forward mode at `primals` along `tangents`."""
        return jvp(self.__wrapped__, primals, tangents)

    def jacobian(self, *args: Any, mode: str = "reverse") -> Any:
        """The Jacobian at `args` with respect to this function's `wrt`."""
        from .jacobian import jacobian

        return jacobian(self.__wrapped__, self.wrt, mode)(*args)

    def hessian(self, *args: Any) -> Any:
        """The Hessian at `args` (forward over reverse)."""
        from .jacobian import hessian

        return hessian(self.__wrapped__, self.wrt)(*args)

    def explain(self, **kwargs: Any) -> Any:
        """Side-by-side view: source line, Wengert list, tangent and adjoint statements."""
        from .explain import explain

        return explain(self.__wrapped__, wrt=self.wrt, **kwargs)

    def trace(self, *args: Any, **kwargs: Any) -> Any:
        """Evaluate at `args`, recording every forward value and every adjoint."""
        from .trace import trace

        return trace(self.__wrapped__, args, wrt=self.wrt, **kwargs)

    def __repr__(self) -> str:
        return f"<s2sad.Differentiable {self.__wrapped__.__qualname__} wrt={self.wrt!r}>"


def differentiate(fn: Callable[..., Any] | None = None, *, wrt: Wrt = 0) -> Any:
    """Decorator: `@differentiate` or `@differentiate(wrt=("w", "b"))`."""
    if fn is None:
        return lambda f: Differentiable(f, wrt)
    return Differentiable(fn, wrt)


def cache_info() -> Any:
    """Hits, misses and current size of the derivative cache."""
    return pipeline.CACHE.info()
