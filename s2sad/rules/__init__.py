"""The built-in primitive library, registered through `s2sad.primitives.registry`.

Importing this package registers every rule module. Each module groups
primitives by idea (arithmetic, elementwise functions, reductions, ...); each
primitive is one class whose `vjp` and `jvp` templates sit side by side.
"""
from . import (
    assembly,
    binary,
    construction,
    control,
    core,
    elementwise,
    placement,
    interp,
    spread,
    counting,
    ufunc_methods,
    call_hooks,
    svd_full,
    grids,
    indexing,
    joining,
    linalg,
    products,
    reductions,
    shape,
    signal,
)

try:  # scipy is optional: scipy.special gets rules only where it is installed
    from . import special  # noqa: F401
    from . import scipy_linalg  # noqa: F401
except ImportError:  # pragma: no cover
    pass
