"""Optimisation passes: an `ir.Function` -> a faster `ir.Function` that computes the same values.

Each pass is one module, called as `apply(fn, context)` (`context.py`); `manager` holds the one ordered list
of passes and runs them (`python -m s2sad.passes` prints it); `settings` holds the switches (`s2sad.optimize`).
"""
