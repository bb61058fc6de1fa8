"""Optimisation passes: an `ir.Function` -> a faster `ir.Function` that computes the same values.

Each pass is one module; `settings` holds the switches (`s2sad.optimize`).
"""
