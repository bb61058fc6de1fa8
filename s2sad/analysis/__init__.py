"""Analyses of a Wengert list that the generators and the passes read.

`activity` (which variables carry derivatives), `recording` (which values the adjoint must keep),
`shapes` (which variables share a shape or are numbers), `layouts` (each array's rank and unit axes).
Input: an `ir.Function`; output: facts about it. No analysis changes the program.
"""
