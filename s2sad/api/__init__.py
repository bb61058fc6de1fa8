"""The user's layer: `grad`, `value_and_grad`, `vjp`, `jvp`, `source` (`transforms`), `jacobian`,
`hessian`, `hvp` (`jacobian`), `@differentiate` (`decorator`), `check_grads` (`check`), and what
they check before any derivative runs (`arguments`, `backends`, `calling`, `plans`); `structured`
runs them on dicts, lists and tuples of arrays (through `pytrees/`), `display` shows their text.
"""
