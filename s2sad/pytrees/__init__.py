"""Structured arguments and results (dicts, lists, tuples, NamedTuples) and methods.

`treedef` (a value's structure), `flatten` and `leaf_rewrite` (a function of structures -> a function
of leaves), `structured_call` (one call mapped onto the flat function and back), `display` (the flat
function's text with the original signature), `entry` (what the layers above call). The transforms
that differentiate the flat function are the api's (`api/structured.py`, `api/jacobian.py`).
"""
