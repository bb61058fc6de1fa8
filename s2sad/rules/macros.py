"""Generation-time helpers for rule authors.

Some adjoints depend on *constant* arguments in a way one template cannot
express: the adjoint of an einsum depends on its subscripts, the derivative
of a norm on its `ord`. A primitive may carry a `rewrite`, which the
simplifier calls with the (simplified) arguments when it generates code; it
returns a replacement expression, or None to keep the call. This module holds
the pieces those rewrites share: `parse`, which turns a line of NumPy text
into an IR expression (so a rewrite reads like a rule), and two macros that
never reach generated code -- `unsupported`, which stops generation with a
clear error, and `only_if`, which does so when a flag argument is a constant
False.
"""
from __future__ import annotations

import ast
from typing import Any

import numpy as np

from .. import runtime
from ..ir.convert import MISSING, Converter
from ..errors import NonDifferentiableError, UnsupportedSyntaxError
from ..ir import Const, Expr, IRError, substitute
from ..primitives.registry import nondiff

_NAMESPACE: dict[str, Any] = {"np": np, **{n: getattr(runtime, n) for n in runtime.__all__}}


def _error(cls: Any, message: str, node: ast.AST, **kw: Any) -> Exception:
    return IRError(f"bad rewrite text: {message}")


def parse(text: str, **bindings: Expr) -> Expr:
    """The IR of a NumPy expression `text`; each name in `bindings` is replaced by its expression."""
    node = ast.parse(text, mode="eval").body
    conv = Converter(lambda n: _NAMESPACE.get(n, MISSING), lambda n: n if n in bindings else None, _error)
    return substitute(conv.expr(node), bindings)


def unsupported(message: str) -> Any:
    """Stands for a derivative s2sad does not provide; generating code that needs it raises."""
    raise NonDifferentiableError(message)


def _raise(args: tuple[Expr, ...], kwargs: tuple) -> Expr:
    (message,) = args
    raise NonDifferentiableError(message.value if isinstance(message, Const) else "derivative not supported", construct="derivative")


def only_if(flag: Any, value: Any, message: str) -> Any:
    """`value`, when `flag` holds; a constant False flag stops code generation with `message`."""
    return value


def _only_if(args: tuple[Expr, ...], kwargs: tuple) -> Expr:
    flag, value, message = args
    if isinstance(flag, Const) and not flag.value:
        raise UnsupportedSyntaxError(message.value, construct="argument")  # type: ignore[union-attr]
    return value


nondiff(unsupported, "unsupported", call="unsupported", rewrite=_raise)
nondiff(only_if, "only_if", call="only_if", rewrite=_only_if)


def refused_if(flag: Any, value: Any, message: str) -> Any:
    """`value`, when `flag` is a constant None, False or 0 (`retstep=False`, say); any other `flag` -- a
    constant True, or one known only at run time -- stops code generation with `message`."""
    return value


def _refused_if(args: tuple[Expr, ...], kwargs: tuple) -> Expr:
    flag, value, message = args
    if not (isinstance(flag, Const) and (flag.value is None or flag.value is False or flag.value == 0)):
        raise UnsupportedSyntaxError(message.value, construct="argument")  # type: ignore[union-attr]
    return value


nondiff(refused_if, "refused_if", call="refused_if", rewrite=_refused_if)
