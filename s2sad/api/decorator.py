"""The decorator `@s2sad.differentiate` and the objects it makes.

Input: a function (or a `staticmethod` / `classmethod`) and its `wrt`.
Output: `Differentiable`, which calls like the function and carries `.grad`,
`.value_and_grad` (`api.GradFunction`s), `.source`, `.jvp`, `.jacobian`, `.hessian`,
`.explain` and `.trace`; on an instance, a `BoundDifferentiable` doing the same for the
bound method. Built on the public transforms of `transforms.py`.

Service slots, filled by the layers above at their import (`s2sad/__init__.py` imports them all), so
this module imports none of them: `EXPLAIN` (`teach/explain.py`'s `explain`), `TRACE` (`teach/trace.py`'s
`trace`) and `JIT` (`compiled/jit.py`'s `differentiate`, what `@differentiate(jit=True)` runs).
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

from .transforms import GradFunction, Wrt, grad, jvp, source, value_and_grad
from .arguments import target

EXPLAIN: Callable[..., Any] | None = None  # `s2sad.explain`, set by `teach/explain.py`
TRACE: Callable[..., Any] | None = None  # `s2sad.trace`, set by `teach/trace.py`
JIT: Callable[..., Any] | None = None  # `compiled.jit.differentiate`, set by `compiled/jit.py`


def _service(slot: Callable[..., Any] | None, name: str) -> Callable[..., Any]:
    """A filled service slot, or the error that says which module fills it."""
    if slot is None:
        raise RuntimeError(f"{name} is not registered: import s2sad (it imports the module that provides it)")
    return slot


class Differentiable:
    """A function decorated with `@s2sad.differentiate`: calls like the original."""

    def __init__(self, fn: Callable[..., Any], wrt: Wrt = 0) -> None:
        # `@differentiate` above `@staticmethod` or `@classmethod`: the function, bound (or not) on access.
        self._binding = "static" if isinstance(fn, staticmethod) else "class" if isinstance(fn, classmethod) else None
        if self._binding:
            fn = fn.__func__
        functools.update_wrapper(self, fn)
        self.__wrapped__ = fn
        self.wrt = wrt
        self.grad = grad(fn, wrt)
        self.value_and_grad = value_and_grad(fn, wrt)

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        """The descriptor protocol: on an instance (or, for a classmethod, a class) a `BoundDifferentiable`."""
        if self._binding == "static":
            return self
        if self._binding == "class":
            obj = objtype if objtype is not None else type(obj)
        if obj is None:
            return self
        return BoundDifferentiable(self, obj)

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
        return _service(EXPLAIN, "s2sad.explain")(self.__wrapped__, wrt=self.wrt, **kwargs)

    def trace(self, *args: Any, **kwargs: Any) -> Any:
        """Evaluate at `args`, recording every forward value and every adjoint."""
        return _service(TRACE, "s2sad.trace")(self.__wrapped__, args, wrt=self.wrt, **kwargs)

    def __repr__(self) -> str:
        return f"<s2sad.Differentiable {self.__wrapped__.__qualname__} wrt={self.wrt!r}>"


class BoundDifferentiable:
    """A decorated method on its object: `m.loss(w)` calls it; `m.loss.grad(w)` differentiates with respect
    to `wrt`, counted after `self`, reading `self`'s attributes at call time as constants."""

    def __init__(self, owner: Differentiable, obj: Any) -> None:
        import types

        self._owner, self.__self__ = owner, obj
        self.__func__ = owner.__wrapped__
        self.__name__ = owner.__wrapped__.__name__
        self.__doc__ = owner.__wrapped__.__doc__
        self.wrt = owner.wrt
        self._method = types.MethodType(owner.__wrapped__, obj)
        self.__s2sad_bound__ = (owner.__wrapped__, obj, True)  # what `pytrees.unwrap_method` reads

    @functools.cached_property
    def grad(self) -> GradFunction:
        return grad(self._method, self.wrt)

    @functools.cached_property
    def value_and_grad(self) -> GradFunction:
        return value_and_grad(self._method, self.wrt)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._method(*args, **kwargs)

    def source(self, mode: str = "reverse", args: Sequence[Any] | None = None) -> str:
        return source(self._method, mode, self.wrt, args)

    def jvp(self, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
        return jvp(self._method, primals, tangents)

    def explain(self, **kwargs: Any) -> Any:
        return _service(EXPLAIN, "s2sad.explain")(self._method, wrt=self.wrt, **kwargs)

    def trace(self, *args: Any, **kwargs: Any) -> Any:
        return _service(TRACE, "s2sad.trace")(self._method, args, wrt=self.wrt, **kwargs)

    def __repr__(self) -> str:
        return f"<s2sad.Differentiable bound method {self.__func__.__qualname__} of {self.__self__!r}>"


def differentiate(fn: Callable[..., Any] | None = None, *, wrt: Wrt = 0, jit: bool = False) -> Any:
    """Decorator: `@differentiate` or `@differentiate(wrt=("w", "b"))`; `jit=True` compiles
    `.grad` and `.value_and_grad` with Numba (`s2sad.jit`)."""
    if jit:
        return _service(JIT, "s2sad.jit")(fn, wrt=wrt)
    if fn is None:
        return lambda f: Differentiable(f, wrt)
    return Differentiable(fn, wrt)

