"""The frontend: a Python function -> its Wengert list (`ir.Function`).

Stage 1 `source` (function object -> `ast`), `desugar` (comprehensions, lambdas, nested functions,
dicts -> plain statements), stage 2 `fence` (refuse what s2sad does not differentiate), `structure`
(early exits -> nested blocks), stage 3 `lower` (-> Wengert list), with `ownership`, `lists`,
`effects` and `varargs` as its helpers.
"""
