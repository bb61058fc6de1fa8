"""Conversion-time hooks that `convert.py` calls on a call of a primitive or a library function.

  * `call_hook(prim, args, kwargs)`: a nested list in an array parameter of a primitive
    (`np.sum([[x, 1.0], [2.0, x]])`) is the `np.array` NumPy makes of it, and `np.cov`/`np.corrcoef`
    are written out (conversion-time macros over mean and matmul, so the Wengert list shows what they
    compute; `cov_variables` and `cov_variables_adjoint`, s2sad/runtime/extra.py, are primitives here);
  * `library_source_error(fn)`: why a function of an installed library is refused at the user's call,
    rather than inside the library, or None.

Input: a primitive and its argument expressions (or a function). Output: the call's expression or its
arguments rewritten (or an error message). Both hooks are lent to `ir/convert.py` (`convert.HOOKS`) at import.

Service slot: `LOWERED`, the driver's `lowered(fn)` (a function's cached lowering), which
`library_source_error` tries on a library function; `driver/pipeline.py` fills it at its import.
"""
# ruff: noqa: N801, N803
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..ir import Const, Expr, Op, Tup, Var, walk_expr
from ..ir.convert import HOOKS
from ..primitives.registry import Primitive, defrule
from ..runtime import cov_variables, cov_variables_adjoint
from .macros import unsupported

# `lowered(fn)`: the driver's cached lowering of a function, set by `driver/pipeline.py` at its import.
LOWERED: Callable[[Any], Any] | None = None


# -- conversion-time hooks: nested lists as arrays; np.cov and np.corrcoef written out ------------------------

# Primitives whose parameter is a *sequence* of arrays: each nested list in it is one array.
_SEQUENCE_PRIMS = {"concatenate", "vstack", "hstack", "column_stack", "dstack", "stack"}
# Primitives whose nested lists mean something else (np.block's rows of blocks) or are handled already.
_OWN_LISTS = {"block", "array", "asarray"}


def _has_var(e: Expr) -> bool:
    return any(isinstance(v, Var) for v in walk_expr(e))


def _as_array(e: Expr) -> Expr:
    from .assembly import nested_array

    return nested_array("array", [e], ()) or Op("array", (e,))


def _nested(e: Expr) -> bool:
    return isinstance(e, Tup) and any(isinstance(x, Tup) for x in e.elts) and _has_var(e)


def _lists_as_arrays(prim: Primitive, args: list[Expr], kwargs: tuple) -> tuple[list[Expr], tuple]:
    if prim.name in _SEQUENCE_PRIMS:
        def seq(e: Expr) -> Expr:
            if not isinstance(e, Tup):
                return e
            return Tup(tuple(_as_array(x) if isinstance(x, Tup) and _has_var(x) else x for x in e.elts), e.kind)

        return [seq(a) if i == 0 else a for i, a in enumerate(args)], tuple((k, seq(v) if k == (prim.params or ("",))[0] else v)
                                                                             for k, v in kwargs)
    rules = prim.vjp
    params = prim.params
    diff = {i for i, r in enumerate(rules) if r is not None}
    args = [_as_array(a) if i in diff and _nested(a) else a for i, a in enumerate(args)]
    kwargs = tuple((k, _as_array(v) if k in params and params.index(k) in diff and _nested(v) else v) for k, v in kwargs)
    return args, kwargs


def _const(e: Expr | None, default: Any) -> Any:
    if e is None:
        return default
    if isinstance(e, Const):
        return e.value
    raise UnsupportedSyntaxError("np.cov and np.corrcoef are differentiated with constant rowvar, bias and ddof",
                                 construct="np.cov")


def _cov(name: str, args: list[Expr], kwargs: tuple) -> Expr:
    from .macros import parse

    names = ("m", "y", "rowvar", "bias", "ddof", "fweights", "aweights", "dtype") if name == "cov" else \
        ("x", "y", "rowvar", "bias", "ddof", "dtype")
    bound: dict[str, Expr] = dict(zip(names, args))
    bound.update(kwargs)
    for k in bound:
        if k not in names:
            raise UnsupportedSyntaxError(f"np.{name} got an unexpected argument {k!r}", construct=f"np.{name}")
    for k in ("fweights", "aweights"):
        if _const(bound.get(k), None) is not None:
            raise UnsupportedSyntaxError(f"np.{name} is differentiated without {k}", construct=f"np.{name}")
    rowvar = bool(_const(bound.get("rowvar"), True))
    bias = bool(_const(bound.get("bias"), False))
    ddof = _const(bound.get("ddof"), None) if name == "cov" else None
    ddof = (0 if bias else 1) if ddof is None else ddof
    m = bound.get("m", bound.get("x"))
    xs = parse("cov_variables(m, rowvar)", m=m, rowvar=Const(rowvar))
    y = bound.get("y")
    if y is not None and not (isinstance(y, Const) and y.value is None):
        ys = parse("cov_variables(y, rowvar)", y=y, rowvar=Const(rowvar))
        xs = Op("concatenate", (Tup((xs, ys), "tuple"),), (("axis", Const(0)),))
    xc = parse("xs - np.mean(xs, axis=1, keepdims=True)", xs=xs)
    c = parse("xc @ xc.T / (np.shape(xc)[1] - ddof)", xc=xc, ddof=Const(ddof))
    if name == "cov":
        return parse("np.squeeze(c)", c=c)
    s = parse("np.sqrt(np.diagonal(c))", c=c)
    return parse("np.squeeze(c / s[:, None] / s[None, :])", c=c, s=s)


def call_hook(prim: Primitive, args: list[Expr], kwargs: tuple) -> Expr | tuple[list[Expr], tuple]:
    """A call's expression, when it is a macro (np.cov, np.corrcoef); else its arguments, each nested
    list in an array parameter read as the array NumPy makes of it."""
    if prim.name in ("cov", "corrcoef"):
        return _cov(prim.name, args, kwargs)
    if prim.nondiff or prim.user or prim.source is None or prim.name in _OWN_LISTS:
        return args, kwargs
    path = prim.spelling.path or ""
    if prim.spelling.kind != "method" and not path.startswith(("np.", "scipy.")):
        return args, kwargs  # `list([[a, b]])` and the runtime's helpers keep their lists
    if any(_nested(a) for a in args) or any(_nested(v) for _, v in kwargs) or (
            prim.name in _SEQUENCE_PRIMS and any(isinstance(a, Tup) for a in args)):
        return _lists_as_arrays(prim, args, kwargs)
    return args, kwargs


@defrule(cov_variables, call="cov_variables", linear=True)
class cov_variables_:
    def vjp(g, ans, m, rowvar=True):
        return cov_variables_adjoint(g, m, rowvar), None


@defrule(cov_variables_adjoint, call="cov_variables_adjoint", linear=True)
class cov_variables_adjoint_:
    def vjp(g, ans, y, m, rowvar=True):
        return cov_variables(g, rowvar), None, None


# Registered so that `call_hook` sees the call: the macro above replaces it with the NumPy it computes
# (mean, matmul, sqrt of the diagonal) before any rule is read, so these templates are never used.


@defrule(np.cov)
class cov:
    def vjp(g, ans, m):
        return unsupported("np.cov and np.corrcoef are written out when the function is lowered")

    def jvp(ans, m, m_dot):
        return unsupported("np.cov and np.corrcoef are written out when the function is lowered")


@defrule(np.corrcoef)
class corrcoef:
    def vjp(g, ans, x):
        return unsupported("np.cov and np.corrcoef are written out when the function is lowered")

    def jvp(ans, x, x_dot):
        return unsupported("np.cov and np.corrcoef are written out when the function is lowered")



# -- functions of installed libraries: refused at the user's call, not inside the library -------------------


def _library_function(fn: Any) -> bool:
    """True for a Python function of an installed package (site-packages, the standard library, NumPy, SciPy)."""
    import os

    top = (getattr(fn, "__module__", None) or "").split(".")[0]
    if top in ("numpy", "scipy"):
        return True
    path = os.path.abspath(getattr(getattr(fn, "__code__", None), "co_filename", "") or "")
    if f"{os.sep}site-packages{os.sep}" in path or f"{os.sep}dist-packages{os.sep}" in path:
        return True
    return any(path.startswith(d) for d in _stdlib_dirs())


@functools.lru_cache(maxsize=1)
def _stdlib_dirs() -> tuple[str, ...]:
    """The standard library's folders, each ending in a separator (asked once: `sysconfig` expands its templates
    on every call, and a program with a thousand helpers asks once per helper)."""
    import os
    import sysconfig

    paths = sysconfig.get_paths()
    return tuple(os.path.abspath(paths[k]) + os.sep for k in ("stdlib", "platstdlib") if k in paths)


def library_source_error(fn: Any) -> str | None:
    """Why s2sad cannot differentiate the library function `fn` by reading its source, or None (not a
    library function, or one s2sad reads without trouble)."""
    import types

    from ..errors import S2SADError

    if not isinstance(fn, types.FunctionType) or not _library_function(fn) or LOWERED is None:
        return None
    try:
        LOWERED(fn)
    except S2SADError as exc:
        where = f" ({exc.filename}, line {exc.lineno})" if getattr(exc, "filename", None) else ""
        return (f"s2sad does not differentiate library source: reading {fn.__module__}.{fn.__qualname__} failed "
                f"with: {exc.message}{where}")
    return None


HOOKS.call = call_hook  # each call converted (ir/convert.py) passes through these
HOOKS.library_source_error = library_source_error
