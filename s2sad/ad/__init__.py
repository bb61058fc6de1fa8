"""The two generators: a Wengert list -> its tangent program (`forward`) and its adjoint program (`reverse`).

With them: `calls` (a call of another Python function, differentiated on its own), `recompute`
(recompute instead of store, decided while the forward sweep's saves are), `checkpoint` and
`revolve` (checkpointed helpers and loops), `simplify` (cleanup of instantiated rule templates) and
`deep` (very long programs). Input: `frontend.lower`'s `Lowered`; output: an `ir.Function`.
"""
