"""The IR layer: the one IR (`nodes`), derivative names (`naming`), the one printer (`emit`) and the map
from a generated line back to the user's (`failures`).

Input: nothing above it; it imports only `s2sad.errors`, `s2sad.runtime` and the registry of primitives
(for how a primitive prints). Output: the `ir.Function` every stage reads and writes, re-exported here so
that `from s2sad import ir; ir.Var("x")` reads as the IR itself.
"""
from .nodes import *  # noqa: F401,F403 -- the IR's public names
from .nodes import __all__  # noqa: F401
