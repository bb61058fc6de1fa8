"""The one registry of primitives, at the bottom of the package: every layer above reads it.

- `registry`: `Primitive` records (VJP, JVP and every fact the passes read) and the lookups from a
  Python object, operator or method to its primitive.
- `user_rules`: the user-facing `primitive`, `defvjp`, `defjvp`.

A rule class's source becomes IR templates in `s2sad.ir.template`; the built-in library of rules is
`s2sad.rules`, which registers into this registry.
"""
