"""The table of supported functions, generated from the registry.

Input: the registry (every built-in primitive with its spellings and rules).
Output: Markdown for the README's "Supported functions" section: one row per
primitive, with the arguments that have reverse (VJP) and forward (JVP)
rules, and whether HIPS/autograd has rules for the same function; a note
comparing the two lists; and the behaviour at ties and in `np.where`.

`python -m s2sad.teach.readme --write` replaces it in README.md between the
markers (`readme.py`); `tests/test_registry.py` fails when it is stale.
"""
from __future__ import annotations

import ast
import builtins
import math
import sys
from typing import Any

import numpy as np

from ..primitives import registry
from .. import runtime
from ..primitives.registry import PRIMS, Primitive

START = "<!-- coverage:start -->"
END = "<!-- coverage:end -->"

# Functions with rules in HIPS/autograd 1.9 (numpy, numpy.linalg, scipy.special), with whether
# they also have a forward (JVP) rule; tests/test_registry.py checks this against an installed autograd.
AUTOGRAD_REVERSE_ONLY = {
    "np.astype", "np.convolve", "np.hypot", "np.i0", "np.linalg.cholesky", "np.linalg.det", "np.linalg.eig",
    "np.linalg.eigh", "np.linalg.inv", "np.linalg.pinv", "np.linalg.slogdet", "np.linalg.solve", "np.linalg.svd",
    "scipy.special.beta", "scipy.special.betainc", "scipy.special.betaln", "scipy.special.erf", "scipy.special.erfc",
    "scipy.special.erfcinv", "scipy.special.erfinv", "scipy.special.expit", "scipy.special.gamma",
    "scipy.special.gammainc", "scipy.special.gammaincc", "scipy.special.gammaln", "scipy.special.gammasgn",
    "scipy.special.i1", "scipy.special.iv", "scipy.special.ive", "scipy.special.j0", "scipy.special.j1",
    "scipy.special.jv", "scipy.special.logit", "scipy.special.multigammaln", "scipy.special.polygamma",
    "scipy.special.psi", "scipy.special.rgamma", "scipy.special.y0", "scipy.special.y1", "scipy.special.yn",
}
AUTOGRAD_BOTH = {
    "np.absolute", "np.add", "np.amax", "np.amin", "np.angle", "np.arccos", "np.arccosh", "np.arcsin", "np.arcsinh",
    "np.arctan", "np.arctan2", "np.arctanh", "np.array", "np.array_split", "np.atleast_1d", "np.atleast_2d",
    "np.atleast_3d", "np.broadcast_to", "np.clip", "np.column_stack", "np.concatenate", "np.conjugate", "np.cos",
    "np.cosh", "np.cross", "np.cumsum", "np.deg2rad", "np.degrees", "np.diag", "np.diagonal", "np.diff", "np.divide",
    "np.dot", "np.dsplit", "np.einsum", "np.exp", "np.exp2", "np.expand_dims", "np.expm1", "np.fabs", "np.fliplr",
    "np.flipud", "np.fmax", "np.fmin", "np.full", "np.gradient", "np.hsplit", "np.hstack", "np.imag", "np.inner",
    "np.kron", "np.linalg.norm", "np.linspace", "np.log", "np.log10", "np.log1p", "np.log2", "np.logaddexp",
    "np.logaddexp2", "np.matmul", "np.max", "np.maximum", "np.mean", "np.min", "np.minimum", "np.moveaxis",
    "np.multiply", "np.nan_to_num", "np.negative", "np.outer", "np.pad", "np.partition", "np.power", "np.prod",
    "np.rad2deg", "np.radians", "np.ravel", "np.real", "np.real_if_close", "np.reciprocal", "np.remainder",
    "np.repeat", "np.reshape", "np.roll", "np.rollaxis", "np.rot90", "np.sin", "np.sinc", "np.sinh", "np.sort",
    "np.split", "np.sqrt", "np.square", "np.squeeze", "np.stack", "np.std", "np.subtract", "np.sum", "np.swapaxes",
    "np.tan", "np.tanh", "np.tensordot", "np.tile", "np.trace", "np.transpose", "np.tril", "np.triu", "np.var",
    "np.vsplit", "np.vstack", "np.where", "scipy.special.logsumexp",
}
AUTOGRAD = AUTOGRAD_BOTH | AUTOGRAD_REVERSE_ONLY

GROUPS = [
    ("core", "Arithmetic, basic functions, sums, products, indexing"),
    ("elementwise", "Elementwise functions"),
    ("binary", "Elementwise functions of two arrays (all broadcast)"),
    ("reductions", "Reductions (`axis` None, int or tuple; `keepdims`)"),
    ("products", "Products"),
    ("signal", "Signals: `np.convolve` ('full', 'valid', 'same')"),
    ("shape", "Shape"),
    ("joining", "Joining and splitting"),
    ("indexing", "Selection"),
    ("construction", "Construction"),
    ("grids", "Grids and differences"),
    ("assembly", "Assembling and choosing; `list()` and `tuple()`"),
    ("linalg", "`np.linalg`"),
    ("special", "`scipy.special` (when scipy is installed)"),
    ("control", "Builtins, the `math` module and in-place updates"),
]

NOTES = """\
**Second derivatives.** Every rule is itself made of primitives with rules, so
derivative code can be differentiated again; the registry walk checks every
case at order 2 in all four compositions (forward and reverse over forward and
reverse). The exceptions: `np.linalg.norm(x, "nuc")` (first order only; asking
for more is a clear `NonDifferentiableError`), third derivatives of the norms
whose kind the runtime decides (a matrix `ord`, or a numeric `ord` and no `axis`),
the second derivatives of `prod` and `cumprod`
at an exact zero (NaN), and the second derivative of `det` at a singular
matrix (`LinAlgError`). The first derivative of `det` is the matrix of
cofactors (`cofactors(x, ans)` in the generated code), which is computed from
an SVD where `x` has no inverse, so a singular matrix gets its gradient
(autograd's `det * inv(x).T` raises `LinAlgError` there).

**Linear algebra.** A list passed to an `np.linalg` function is read as an
array, as NumPy reads it: `np.linalg.norm([x, x + 2])` is `np.linalg.norm(np.array([x, t1]))`
in the Wengert list. `np.linalg.svd` assumes distinct singular values. With
NumPy's default `full_matrices=True` and a non-square matrix, the columns of `u`
(rows of `vh`) beyond min(m, n) are an arbitrary completion with no derivative:
reverse mode stops with a `DerivativeError` that says to pass
`full_matrices=False` only where they get a nonzero adjoint, and forward mode
gives them a NaN tangent, never a wrong number; the singular values themselves
are always fine. With `compute_uv=False` (a constant) the adjoint is
`u @ diag(g) @ vh` from a reduced SVD computed again, as autograd does, and needs
no gap: at a tie it gives the derivative of any function symmetric in the tied
values (a sum, a norm). `eigh` assumes distinct eigenvalues. `eig` is
differentiated for a real matrix with real, distinct eigenvalues; where they are
complex it stops with a `DerivativeError` at the `eig` line (s2sad
differentiates real values only; for a symmetric matrix use `eigh`). `lstsq`
assumes full column rank, and only its solution carries a derivative; `qr` is
the reduced factorization of a tall or square matrix. `eigh`, `cholesky` and
`scipy.linalg.solve_triangular` read one triangle of their input, so their
adjoint lands on that triangle (autograd returns the symmetrised adjoint; the
two agree on symmetric perturbations). The vector p-norms and the matrix norms
(`ord` 1, -1, inf, -inf, 2, -2) have second derivatives; for the matrix 2-norm
and -2-norm that singular value must differ from the others (autograd has no
derivative of the matrix 2-norm at all).

**Limits.** `np.einsum` needs constant subscripts: a string (up to six
operands) or the interleaved form `np.einsum(x, [0, 1], y, [1, 2], [0, 2])` (up
to three). Its adjoint is a string einsum (`np.einsum('ac,bc->ab', g, y)`), a
`...` or an index that NumPy broadcasts is summed back, and bad subscripts are
reported at your line. `np.dot` of stacks follows NumPy's rule, not `@`'s
(`np.tensordot(x, y, (-1, -2))`). A nested list where NumPy reads an array
(`np.sum([[x, 1.0], [2.0, x]])`, `np.array([[a, b], [c, d]])`) is read as
`np.stack` of the rows' `np.array`s; in the sequence of `np.concatenate`,
`np.stack` and the other joining functions each inner list is one array;
`np.r_[...]` and `np.c_[...]` are `np.concatenate` of their items (string
directives are refused). `np.block` has no rule. `np.linspace`, `np.logspace`
and `np.geomspace` carry derivatives in `start` and `stop` (and logspace's
`base`, one number); `retstep=True` and integer dtypes are refused.
`np.gradient` takes one uniform spacing (a number) for all axes, and `axis=`
and `edge_order` 1 or 2. `np.partition` is differentiated as the permutation it
applies; `list(x)` and `tuple(x)` pass derivatives to the elements. `np.cov` and
`np.corrcoef` are written out in the Wengert list (means, the centred product
`xc @ xc.T / (n - ddof)`; corrcoef's clip to [-1, 1] is left out); `rowvar`,
`bias` and `ddof` must be constants, and `fweights` and `aweights` are refused.
`np.interp(x, xp, fp, left, right)` carries derivatives in `x` (the slope of its
segment, 0 outside the grid, at a node the segment to its right), `fp`, `left`
and `right`; `xp` and `period` are refused. `np.heaviside(x1, x2)` has the
derivative 0 in `x1` (a step) and `x1 == 0` in `x2`. Of the ufunc methods,
`.reduce` of `add`, `multiply`, `maximum`, `minimum` and `logaddexp`, and
`np.add.accumulate` have rules (axis 0 by default, as in NumPy); `outer`, `at`
and `reduceat` are refused. `np.meshgrid` and `np.broadcast_arrays` take up to
four arrays, `np.bincount` carries derivatives in its weights, and `np.unique`
and `reversed()` of differentiated values are refused (write `xs[::-1]`).
`prod` and `cumprod` handle zeros exactly: their first derivatives never divide
by `x`. Reductions take `(x, axis, keepdims)` positionally; pass `ddof`,
`weights` and friends by keyword.

**Ties.** Where `np.maximum(x, y)` (likewise `minimum`, `fmax`, `fmin`) has
`x == y`, each operand gets half of the adjoint, so `maximum(x, x)` has
derivative 1 -- the convention of autograd, JAX and PyTorch. `np.max`,
`np.min` and `np.ptp` split the adjoint evenly among tied extrema, and
`np.median` of an even count between the two middle values. `np.abs`,
`np.sign`-like kinks, `np.linalg.norm` at 0 and `np.std` of a constant get the
subgradient 0, never NaN.

**Powers at zero.** `x ** y` has the derivatives y x^(y-1) and x^y log x.
s2sad writes them so that a zero base gives the derivative that exists there, as
autograd does, never NaN: the exponent y - 1 becomes 1 where y = 0, and log x
becomes log 1 where x = 0. So `x ** 0.0`, the constant term of
`np.sum(c * x ** np.arange(3))` and the loop `for k in range(3): s += c[k] * x ** k`
have the right derivative at x = 0, and `np.power(0.0, y)` has the derivative 0
with respect to y > 0. Where the exponent or the base is a variable, the
generated lines read `x_bar = g * y * x ** np.where(y, y - 1, 1.0)` and
`y_bar = g * ans * np.log(np.where(x == 0, 1.0, x))`; a constant is decided when
the code is generated, so the adjoint of `t5 ** 2` stays `t6_bar * 2 * t5`.
`np.float_power` follows the same rules.

**The `where` NaN trap.** The adjoint of `np.where(c, a, b)` sends the
gradient only to the chosen branch -- but the *other* branch's own derivative
is still computed, and multiplied by 0. Where that derivative is infinite or
NaN, `0 * inf` is NaN, and the NaN reaches the input:

```python
def f(x):
    return np.where(x > 0, np.sqrt(x), 0.0)   # at x = 0: d sqrt / dx = inf, so the gradient is NaN
```

s2sad computes exactly this (as autograd and JAX do; `tests/test_numpy_elementwise.py`
pins it). The fix is to make the untaken branch harmless, too:

```python
def f(x):
    safe = np.where(x > 0, x, 1.0)
    return np.where(x > 0, np.sqrt(safe), 0.0)   # gradient 0 at x <= 0
```
"""


def _display(obj: Any) -> str | None:
    """`np.exp`, `np.linalg.inv`, `scipy.special.erf`, `math.exp`, `abs`, or None for a runtime helper."""
    name = getattr(obj, "__name__", None)
    if name is None:
        return None
    if getattr(runtime, name, None) is obj:
        return None
    spaces: list[tuple[str, Any]] = [("np", np), ("np.linalg", np.linalg), ("math", math), ("", builtins)]
    special = sys.modules.get("scipy.special")
    if special is not None:
        spaces.insert(2, ("scipy.special", special))
    for prefix, space in spaces:
        if getattr(space, name, None) is obj:
            return f"{prefix}.{name}" if prefix else name
    return None


_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@", ast.Mod: "%",
              ast.FloorDiv: "//", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.USub: "-", ast.Invert: "~",
              ast.Not: "not", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
              ast.Is: "is", ast.IsNot: "is not"}


def spellings(prim: Primitive) -> list[str]:
    """Every way to write `prim` in user code: functions, operators, methods, attributes."""
    out: list[str] = []
    sp = prim.spelling
    if sp.kind == "call" and sp.path and "." in sp.path:
        out.append(sp.path)
    objects, binops, unaries, compares, methods, attrs = registry.ways_to_write(prim)
    for obj in objects:
        shown = _display(obj)
        if shown is not None:
            out.append(shown)
    for table, unary in ((binops, False), (unaries, True), (compares, False)):
        for op in table:
            if op in _OPERATORS:
                out.append(f"{_OPERATORS[op]}x" if unary and op is not ast.Not else f"{_OPERATORS[op]} x" if unary else f"x {_OPERATORS[op]} y")
    out += [f"x.{m}()" for m in methods]
    out += [f"x.{a}" for a in attrs]
    if sp.kind == "getitem":
        out.append("x[index]")
    if not out and sp.kind == "call" and sp.path:
        out.append(sp.path)
    seen: list[str] = []
    for s in out:
        if s not in seen:
            seen.append(s)
    return seen


def _rule_args(prim: Primitive, rules: list[Any]) -> str:
    names = [p for p, r in zip(prim.params, rules) if r is not None]
    return ", ".join(f"`{n}`" for n in names) if names else "--"


def _group(prim: Primitive) -> str:
    return prim.source.__module__.rsplit(".", 1)[-1] if prim.source is not None else "nondiff"


def _is_helper(prim: Primitive) -> bool:
    """A function of s2sad's own: a runtime helper that rules emit, or a generation-time macro."""
    return prim.fn is not None and getattr(prim.fn, "__module__", "").startswith("s2sad.")


def builtin_primitives() -> list[Primitive]:
    """Primitives of the built-in library, in registration order (user rules excluded)."""
    return [p for p in PRIMS.values() if p.nondiff or p.source is not None]


def _autograd(names: list[str]) -> str:
    if any(n in AUTOGRAD_BOTH for n in names):
        return "yes"
    if any(n in AUTOGRAD_REVERSE_ONLY for n in names):
        return "reverse only"
    if any(n.startswith(("x ", "-x", "x[", "x.T", "x.sum(")) for n in names):
        return "yes"
    return "--"


def _table(prims: list[Primitive], with_autograd: bool = True) -> list[str]:
    head = "| function | reverse (VJP) | forward (JVP) |" + (" autograd |" if with_autograd else "")
    rule = "|---|---|---|" + ("---|" if with_autograd else "")
    lines = [head, rule]
    for p in prims:
        names = spellings(p)
        shown = ", ".join(f"`{n}`" for n in names) or f"`{p.name}`"
        row = f"| {shown} | {_rule_args(p, p.vjp)} | {_rule_args(p, p.jvp)} |"
        if with_autograd:
            row += f" {_autograd(names)} |"
        lines.append(row)
    return lines


def comparison() -> dict[str, list[str]]:
    """User-facing function names s2sad differentiates, and how they compare with autograd's."""
    ours: set[str] = set()
    for p in builtin_primitives():
        if not p.nondiff and not _is_helper(p):
            ours |= {n for n in spellings(p) if "." in n and not n.startswith("x.")}
    aliases = {"np.amax": "np.max", "np.amin": "np.min", "np.abs": "np.absolute", "np.degrees": "np.rad2deg",
               "np.radians": "np.deg2rad", "scipy.special.psi": "scipy.special.digamma", "np.mod": "np.remainder",
               "np.true_divide": "np.divide", "np.pow": "np.power", "np.i0": "scipy.special.i0"}
    norm = lambda names: {aliases.get(n, n) for n in names}  # noqa: E731
    return {
        "s2sad": sorted(norm(ours)),
        "autograd": sorted(norm(AUTOGRAD)),
        "only_s2sad": sorted(norm(ours) - norm(AUTOGRAD)),
        "only_autograd": sorted(norm(AUTOGRAD) - norm(ours)),
    }


def section() -> str:
    """The Markdown between the README's coverage markers."""
    prims = builtin_primitives()
    diff = [p for p in prims if not p.nondiff]
    user_facing = [p for p in diff if not _is_helper(p)]
    helpers = [p for p in diff if _is_helper(p)]
    nondiff = [p for p in prims if p.nondiff and not _is_helper(p) and spellings(p)]
    macros = [p for p in prims if p.nondiff and _is_helper(p)]
    cmp = comparison()
    constant = {n for p in nondiff for n in spellings(p)}
    lines = [
        "",
        "<!-- generated by `python -m s2sad.teach.readme --write`; tests/test_registry.py keeps it in sync -->",
        "",
        f"{len(user_facing)} differentiable primitives, {len(helpers)} runtime helpers that rules emit (each with its",
        f"own rules, so derivatives can be differentiated again) and {len(nondiff)} non-differentiable ones. Every",
        "rule is checked against central differences in both modes by `tests/test_registry.py`. The",
        "reverse and forward columns name the arguments that carry a derivative.",
        "",
        f"**Compared with autograd.** Of the {len(cmp['autograd'])} numpy / `np.linalg` / `scipy.special` functions",
        f"with rules in HIPS/autograd 1.9, s2sad covers {len(cmp['autograd']) - len(cmp['only_autograd'])}, and has",
        f"{len(cmp['only_s2sad'])} that autograd lacks: " + ", ".join(f"`{n}`" for n in cmp["only_s2sad"]) + ".",
        "Not (yet) in s2sad: " + ", ".join(f"`{n}`" for n in cmp["only_autograd"] if n not in constant) + "; "
        + ", ".join(f"`{n}`" for n in cmp["only_autograd"] if n in constant)
        + " are in s2sad as non-differentiable (constant for the real inputs it takes).",
        "autograd has no forward rules for most of `np.linalg` and `scipy.special`; s2sad has both modes for every entry.",
        "",
    ]
    for key, title in GROUPS:
        group = [p for p in user_facing if _group(p) == key]
        if group:
            lines += [f"#### {title}", "", *_table(group), ""]
    lines += ["#### Runtime helpers emitted by rules", "",
              "Functions of `s2sad.runtime` that derivative code calls; each is a primitive with both rules.", "",
              *_table(helpers, with_autograd=False), "",
              "Non-differentiable helpers: " + ", ".join(f"`{p.spelling.path}`" for p in macros) + "."
              " (`einsum_adjoint`, `flat_sequence`, `only_if`, `refused_if`, `unsupported`, `inverse_permutation`, `negated`, `power_exponent`, `log_base`, `uv_or_s`,"
              " `svd_full_reduced`, `svd_full_cotangent` and `svd_full_tangent` are rewritten when code is generated and never"
              " appear in it; `flip_trans` is folded away when its `trans` is a constant.)", ""]
    lines += ["#### Non-differentiable", "",
              "Their results carry no derivative (comparisons, rounding, shapes, constructors, positions):", "",
              ", ".join(f"`{n}`" for p in nondiff for n in spellings(p)[:1]) + ".", "",
              "`np.array` and `np.asarray` appear here as casts to an integer or bool dtype (as does"
              " `x.astype(int)`); as a float cast they carry derivatives. `x.pop()` here is s2sad's own save"
              " stack: a list your function builds is popped with derivatives (see [Control flow and program"
              " structure](#control-flow-and-program-structure)).", ""]
    lines += [NOTES]
    return "\n".join(lines)
