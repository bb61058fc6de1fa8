"""`s2sad.jit`: derivatives compiled with Numba.

`jit` (the entry point), `transform` (generated Python -> Python Numba compiles well), `fuse`
(elementwise runs -> one loop), `trace` (what each variable is), `kernels` and `helpers` (Numba
versions of the math and runtime helpers).
"""
