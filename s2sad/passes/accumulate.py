"""Accumulate the adjoints of slices in place: `x_bar[1:] += g`.

The adjoint of `t = x[1:]` is `scatter_add(t_bar, x, np.s_[1:])`: zeros
shaped like `x` with `t_bar` stored at `[1:]`. When `x` is sliced several
times, each later contribution builds such an array only to add it to the
ones before, which costs an allocation and two passes over all of `x`. A
person writes the sum into the slice instead (the Rosenbrock function):

    # before                                             # after
    x_bar = scatter_add(t4_bar, x, np.s_[:-1])           x_bar = scatter_add(t4_bar, x, np.s_[:-1])
    x_bar = x_bar + scatter_add(t2_bar, x, np.s_[:-1])   x_bar[:-1] += t2_bar
    x_bar = x_bar + scatter_add(t1_bar, x, np.s_[1:])    x_bar[1:] += t1_bar

Input: a finished adjoint program. Output: the same program where a
backward-sweep statement `x_bar = x_bar + scatter_add(g, x, index)` becomes
`x_bar[index] += g` (in the IR: `x_bar = setitem(x_bar, index, x_bar[index] + g)`,
which `emit.py` prints as the augmented assignment), when

- `index` is basic and written out (integers and slices with constant
  bounds): it names each element at most once, so the sum is the same;
- `x_bar` holds an array this block made by an earlier `scatter_add` of the
  same `x` (or an accumulation like this one), and no statement since has
  read `x_bar`: no other name can see the update. A loop body or a branch
  starts with nothing owned, so values carried from elsewhere are never
  updated in place.

The first contribution keeps its `scatter_add`, which picks the dtype
(a float array like `x`). Reading the text back (`hessian`, `hvp`), the
augmented assignment lowers to `setitem` on an array the function owns.
"""
from __future__ import annotations

from .context import Context
from ..ir import Assign, Comment, Const, Expr, For, Function, If, Op, Slice, Stmt, Tup, Var, While, names_read


def apply(fn: Function, context: Context | None = None) -> Function:
    """`fn` with slice contributions of its backward sweep accumulated in place."""
    split = next((i for i, s in enumerate(fn.body) if isinstance(s, Comment) and s.text == "backward sweep"), None)
    if split is None:
        return fn
    backward, changed = _block(fn.body[split:])
    if not changed:
        return fn
    return Function(fn.name, fn.params, fn.body[:split] + backward, fn.doc, dict(fn.meta))


def _block(body: list[Stmt]) -> tuple[list[Stmt], bool]:
    """The block with accumulations rewritten; `owned` maps each array this block made to its `x`."""
    owned: dict[str, str] = {}
    out: list[Stmt] = []
    changed = False
    for s in body:
        if isinstance(s, Assign) and isinstance(s.target, str):
            name, value = s.target, s.value
            hit = _accumulation(name, value)
            if hit is not None and owned.get(name) == hit[0]:
                _, index, g, prim = hit
                for n in names_read(g):
                    owned.pop(n, None)
                update = Op(prim, (Op("getitem", (Var(name), index)), g))
                out.append(Assign(name, Op("setitem", (Var(name), index, update)), s.line))
                changed = True
                continue
            for n in names_read(value):
                owned.pop(n, None)
            owned.pop(name, None)
            made = _scatter(value) if hit is None else hit[0]  # `anything + scatter_add(...)` is a new array too
            if made is not None:
                owned[name] = made
            out.append(s)
        elif isinstance(s, (If, For, While)):
            owned.clear()
            if isinstance(s, If):
                body_, a = _block(s.body)
                orelse, b = _block(s.orelse)
                out.append(If(s.test, body_, orelse, s.line))
            else:
                body_, a = _block(s.body)
                b = False
                out.append(For(s.target, s.iter, body_, s.line) if isinstance(s, For) else While(s.test, body_, s.line))
            changed = changed or a or b
        else:
            for e in (getattr(s, "value", None),):
                if e is not None:
                    for n in names_read(e):
                        owned.pop(n, None)
            out.append(s)
    return out, changed


def _scatter(value: Expr) -> str | None:
    """`x` when `value` is `scatter_add(g, x, index)` (a new array shaped like `x`)."""
    if isinstance(value, Op) and value.prim == "scatter_add_" and len(value.args) == 3 and isinstance(value.args[1], Var):
        return value.args[1].name
    return None


def _accumulation(name: str, value: Expr) -> tuple[str, Expr, Expr, str] | None:
    """(x, index, g, "add" or "subtract") for `name +/- scatter_add(g, x, index)` with a basic index."""
    if not (isinstance(value, Op) and value.prim in ("add", "subtract") and len(value.args) == 2 and value.args[0] == Var(name)):
        return None
    x = _scatter(value.args[1])
    if x is None:
        return None
    g, _, index = value.args[1].args  # type: ignore[union-attr]
    if not _basic(index):
        return None
    return x, index, g, value.prim


def _basic(index: Expr) -> bool:
    """True for an index of integers and constant slices, which names each element at most once."""
    parts = index.elts if isinstance(index, Tup) and index.kind == "tuple" else (index,)
    for p in parts:
        if isinstance(p, Slice):
            if not all(b is None or (isinstance(b, Const) and type(b.value) is int) for b in (p.lower, p.upper, p.step)):
                return False
        elif not (isinstance(p, Const) and (type(p.value) is int or p.value is None or p.value is Ellipsis)):
            return False
    return True
