"""Collect like terms: two contributions that are one product, up to sign and order, become one.

A variable used twice in one product gets two adjoint contributions that are the
same product. The reverse generator writes one statement per rule, so the
gradient of `np.exp(-x * x)` adds them one at a time:

    # before                               # after
    t2_bar = t3_bar * x                    x_bar -= 2 * x * t3_bar
    x_bar += t2 * t3_bar       (t2 = -x)
    x_bar -= t2_bar

where a person writes one product. Likewise `t1_bar * x + x * t1_bar` reads
`2 * t1_bar * x`. Each saves an array operation and a temporary; `p + p` is
`2 * p` bit for bit, though merging two updates of a chain re-associates its sum.

A term is read as (coefficient, factors): numbers multiply the coefficient, a
negation flips its sign, and a name bound once at the top level to a negation,
or to a product read only there, is looked through. Two terms merge only when
their factors are the same and their coefficients equal up to sign, so the new
coefficient is exactly twice the old one.

Input: a lean variant (`ir.Function`, after `fold`). Output: the same program
where, anywhere, `p + q` or `p - q` of like terms is one product, and at the top
level two consecutive bindings of one accumulator -- `a = p` or `a = a ± p`, then
`a = a ± q`, nothing between them reading `a` -- are one binding at the second's
place. Every name the terms read is bound at most once, so moving `p` down keeps
its value; a looked-through temporary left unread is dropped.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Union

from .context import Context
from ..ir import Assign, Const, Expr, Function, Op, Stmt, Var, map_stmt, name_counts, names_read, touches, update_of

Number = Union[int, float]
Term = tuple[Number, tuple[Expr, ...]]  # coefficient, factors in their first order


def apply(fn: Function, context: Context | None = None) -> Function:
    """`fn` with like terms collected, within expressions and along top-level chains of sums."""
    binds, reads = name_counts(fn.body)
    params = {p.name for p in fn.params}
    top = Counter(t for s in fn.body if isinstance(s, Assign) for t in s.targets)
    # Names whose value never changes once bound: parameters never re-bound, names bound once at the top level.
    stable = {n for n, k in top.items() if k == 1 and binds[n] == 1 and n not in params} | {p for p in params if not binds[p]}
    defs = {s.target: s.value for s in fn.body if isinstance(s, Assign) and isinstance(s.target, str) and s.target in stable}
    terms = _Terms(defs, reads, stable)
    body = [map_stmt(s, terms.merge_sums) for s in fn.body]
    body = _chains(body, terms)
    if body == fn.body:
        return fn
    # Temporaries looked through by a merge and unread now go (their values are pure products).
    _, after = name_counts(body)
    dead = {t for t in terms.looked_through if not after[t] and reads[t]}
    return replace(fn, body=[s for s in body if not (isinstance(s, Assign) and s.target in dead)])


class _Terms:
    """Reads expressions as terms, looking through single-binding negations and single-read products."""

    def __init__(self, defs: dict[str, Expr], reads: Counter[str], stable: set[str]) -> None:
        self.defs, self.reads, self.stable = defs, reads, stable
        self.looked_through: set[str] = set()

    def term(self, e: Expr, depth: int = 0) -> Term:
        """(coefficient, factors) of `e`."""
        if isinstance(e, Const) and type(e.value) in (int, float):
            return e.value, ()
        if isinstance(e, Op) and not e.kwargs and e.prim == "negative":
            c, f = self.term(e.args[0], depth)
            return -c, f
        if isinstance(e, Op) and not e.kwargs and e.prim == "multiply":
            (c1, f1), (c2, f2) = self.term(e.args[0], depth), self.term(e.args[1], depth)
            if c1 in (1, -1) or c2 in (1, -1):  # at most one number that is not a sign: the coefficient stays exact
                return c1 * c2, f1 + f2
        if isinstance(e, Var) and e.name in self.defs and depth < 6:
            d = self.defs[e.name]
            # Looked through only where its value is the same at every read: it reads names bound once.
            if isinstance(d, Op) and not d.kwargs and names_read(d) <= self.stable \
                    and (d.prim == "negative" or d.prim == "multiply" and self.reads[e.name] == 1):
                self.looked_through.add(e.name)
                return self.term(d, depth + 1)
        return 1, (e,)

    def like(self, p: Expr, q: Expr, sign: int) -> Term | None:
        """`p + sign * q` as one term when the two are like terms with equal coefficients, else None."""
        (cp, fp), (cq, fq) = self.term(p), self.term(q)
        if not fp or cp != sign * cq or sorted(map(repr, fp)) != sorted(map(repr, fq)):
            return None
        return 2 * cp, fp

    def merge_sums(self, e: Expr) -> Expr:
        """`p + q` / `p - q` of like terms inside an expression, innermost first."""
        if not isinstance(e, Op):
            return e
        e = replace(e, args=tuple(self.merge_sums(a) for a in e.args))
        if e.prim in ("add", "subtract") and not e.kwargs and len(e.args) == 2:
            merged = self.like(e.args[0], e.args[1], 1 if e.prim == "add" else -1)
            if merged is not None:
                return _product(*merged)
        return e


def _product(coef: Number, factors: tuple[Expr, ...]) -> Expr:
    """`2 * x * t3_bar`: the number first, then the factors in the first term's order."""
    sign_only = type(coef) is int and coef in (1, -1)  # a float 1.0 stays: it makes an int array float
    out: Expr = factors[0] if sign_only else Const(coef)
    for f in factors[1:] if sign_only else factors:
        out = Op("multiply", (out, f))
    return Op("negative", (out,)) if sign_only and coef == -1 else out


def _chains(body: list[Stmt], terms: _Terms) -> list[Stmt]:
    """Merge `a = p` / `a = a ± p` with the next `a = a ± q` when p and q are like terms."""
    out = list(body)
    j = 0
    while j < len(out):
        upd = update_of(out[j])
        i = _previous_binding(out, j, upd[0]) if upd else None
        s_i = out[i] if i is not None else None
        if upd is None or not isinstance(s_i, Assign):
            j += 1
            continue
        a, sign_q, q = upd
        first = update_of(s_i)
        p, sign_p = (first[2], first[1]) if first else (s_i.value, 1)
        # p moves down from i to j: nothing in between may re-bind what it reads (nor may it read a).
        between = {t for s in out[i + 1:j] for t in s.targets}  # type: ignore[union-attr]
        merged = terms.like(p, q, sign_p * sign_q) if not names_read(p) & (between | {a}) else None
        if merged is None:
            j += 1
            continue
        coef, factors = merged
        if first:  # a = a ± p; a = a ± q  ->  a = a ± 2p, the sign taken out of the number
            value: Expr = Op("add" if coef * sign_p > 0 else "subtract", (Var(a), _product(abs(coef), factors)))
        else:  # a = p; a = a ± q  ->  a = 2p
            value = _product(coef, factors)
        out[j] = replace(out[j], value=value)
        del out[i]
        j = i  # the merged binding may merge again with the one before
    return out


def _previous_binding(body: list[Stmt], j: int, a: str) -> int | None:
    """The index of the previous top-level binding of `a`, when only plain assignments not reading it come between."""
    for i in range(j - 1, -1, -1):
        s = body[i]
        if isinstance(s, Assign) and s.target == a:
            return i
        if touches(s, a):
            return None
    return None
