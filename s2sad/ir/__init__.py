"""The IR layer: the one IR (`nodes`), derivative names (`naming`), Python expressions read into it
(`convert`), rule classes read into templates (`template`), the one printer (`emit`) and the map from a
generated line back to the user's (`failures`).

Input: nothing above it; it imports only `s2sad.errors`, `s2sad.runtime` and the registry of primitives
(for how a primitive prints). Output: the `ir.Function` every stage reads and writes, re-exported here so
that `from s2sad import ir; ir.Var("x")` reads as the IR itself.
"""
from .nodes import *  # noqa: F401,F403 -- the IR's public names
from .nodes import __all__  # noqa: F401

# Each fills a service slot of a module below it: `emit` the printer of `str(fn)` (`nodes.PRINTER`), `template`
# the registry's reader of rule classes (`registry.TEMPLATE_LOADER`); so both are set once `s2sad.ir` is imported.
from . import emit, template  # noqa: E402, F401
