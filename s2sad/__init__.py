"""s2sad: source-to-source automatic differentiation for Python and NumPy.

s2sad reads a function's source, lowers it to a Wengert list, and writes its
derivative -- forward (tangent) or reverse (adjoint) mode -- as new, readable
Python, which it compiles and caches.
"""
from __future__ import annotations

from . import rules as _rules  # noqa: F401  (registers the built-in primitives)
from .api.transforms import cache_info, grad, jvp, source, value_and_grad, vjp
from .api.decorator import Differentiable, differentiate
from .api.check import check_grads
from .api.jacobian import hessian, hvp, jacobian
from .errors import (
    DerivativeError,
    InputError,
    NonDifferentiableError,
    RegenerationWarning,
    S2SADError,
    ShapeError,
    SourceUnavailableError,
    UnknownFunctionError,
    UnsupportedSyntaxError,
    WrtError,
)
from .primitives.user_rules import defjvp, defvjp, primitive
from .teach.explain import explain
from .teach.trace import trace
from .teach.graph import graph
from .teach.export import export
from .ad.checkpoint import checkpoint
from .compiled.jit import jit
from .passes import settings as optimize

# The statements kept for their effect (print, assert, raise, a call statement, an f-string message) are
# non-differentiable primitives; register them at import, so the registry and the README's table built from it
# are the same whatever ran first.
from .frontend import desugar as _desugar, effects as _effects  # noqa: E402

_desugar.register_primitives()
_effects.register_primitives()

__version__ = "0.1.0"

__all__ = [
    "differentiate", "grad", "value_and_grad", "vjp", "jvp", "source", "jacobian", "hessian", "hvp", "check_grads", "cache_info",
    "Differentiable", "primitive", "defvjp", "defjvp",
    "explain", "trace", "graph", "export", "checkpoint", "optimize", "jit",
    "S2SADError", "UnsupportedSyntaxError", "UnknownFunctionError", "SourceUnavailableError",
    "WrtError", "NonDifferentiableError", "ShapeError", "InputError", "DerivativeError", "RegenerationWarning", "__version__",
]
