"""The built-in primitive library, registered through `s2sad.registry`.

Importing this package registers every rule module. Each module groups
primitives by idea (arithmetic, elementwise functions, reductions, ...); each
primitive is one class whose `vjp` and `jvp` templates sit side by side.
"""
from . import control, core  # noqa: F401
