"""The runtime's linear-algebra adjoints: triangles, eigen-gaps, tensordot, kron, einsum and norms.

Part of the runtime that generated code imports by name (`from s2sad.runtime import ...`
re-exports every function here); like the rest of it, numpy alone.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import float_dtype, broadcast_like, prod_others, safe_divide, tie_weights, unbroadcast, unsum


def mT(x: Any) -> Any:
    """The transpose of the last two axes (a stack of matrices): NumPy 2's `x.mT`."""
    return np.swapaxes(x, -1, -2)


def cofactors(x: Any) -> Any:
    """The matrix of cofactors of `x`: the gradient of `det`, singular `x` included."""
    n = np.shape(x)[-1]
    # 2x2 and 3x3 written out: the entries themselves and cross products of the rows, which need no
    # inverse and round far less than det(x) * inv(x).T (whose product with a near-singular matrix's
    # noise is noise times 1e17, different from one NumPy version to the next).
    if n == 2:
        a, b, c, d = x[..., 0, 0], x[..., 0, 1], x[..., 1, 0], x[..., 1, 1]
        return np.stack([np.stack([d, -c], -1), np.stack([-b, a], -1)], -2)
    if n == 3:
        r0, r1, r2 = x[..., 0, :], x[..., 1, :], x[..., 2, :]
        return np.stack([np.cross(r1, r2), np.cross(r2, r0), np.cross(r0, r1)], -2)
    try:
        return np.linalg.det(x)[..., None, None] * mT(np.linalg.inv(x))
    except np.linalg.LinAlgError:
        # det(x) * inv(x).T has no inverse to use at a singular x, but the cofactors are still a
        # polynomial in x. With x = U diag(s) Vt, adj(x) = det(U) det(Vt) Vt.T diag(prod of the other s) U.T.
        u, s, vt = np.linalg.svd(x)
        signs = np.linalg.det(u) * np.linalg.det(vt)
        adj = signs[..., None, None] * (mT(vt) * prod_others(s, axis=-1)[..., None, :]) @ mT(u)
        return mT(adj)


def lower_half(x: Any) -> Any:
    """The lower triangle of `x` with its diagonal halved (Murray's Phi, for Cholesky)."""
    return np.tril(x) - 0.5 * x * np.eye(np.shape(x)[-1], dtype=float_dtype(x))


def eigengap_inverse(w: Any) -> Any:
    """F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it (eigenvalue gaps; distinct values assumed)."""
    gaps = np.expand_dims(w, -2) - np.expand_dims(w, -1)
    eye = np.eye(np.shape(w)[-1], dtype=bool)
    return np.where(eye, 0, 1 / np.where(eye, 1, gaps))


def from_triangle(x: Any, UPLO: str = "L") -> Any:  # noqa: N803
    """The symmetric matrix that only the `UPLO` triangle of `x` describes (what `eigh` actually reads)."""
    if UPLO.upper() == "L":
        return np.tril(x) + mT(np.tril(x, -1))
    return np.triu(x) + mT(np.triu(x, 1))


def triangle_adjoint(s: Any, UPLO: str = "L") -> Any:  # noqa: N803
    """Adjoint of `from_triangle`: the `UPLO` triangle of `s + s^T`, with the diagonal once."""
    if UPLO.upper() == "L":
        return np.tril(s) + np.tril(mT(s), -1)
    return np.triu(s) + np.triu(mT(s), 1)


def block_triangular(a: Any, e: Any) -> Any:
    """The block matrix [[a, e], [0, a]]: f of it has the derivative of f at `a` along `e` top right."""
    top = np.concatenate([a, e], axis=-1)
    bottom = np.concatenate([np.zeros_like(a), a], axis=-1)
    return np.concatenate([top, bottom], axis=-2)


def upper_right(m: Any) -> Any:
    """The top-right quarter of a (stack of) 2n x 2n matrices."""
    n = np.shape(m)[-1] // 2
    return m[..., :n, n:]


def tensordot_adjoint_a(y: Any, a: Any, b: Any, axes: Any = 2) -> Any:
    """Adjoint of `np.tensordot(a, b, axes)` with respect to `a`, given `y` = adjoint of the result."""
    a_other, a_sum, b_other, b_sum = _tensordot_axes(np.ndim(a), np.ndim(b), axes)
    y_axes = list(range(len(a_other), len(a_other) + len(b_other)))
    out = np.tensordot(y, b, (y_axes, b_other))  # axes: a_other, then the summed axes of b in order
    return np.transpose(out, np.argsort(a_other + [a_sum[b_sum.index(j)] for j in sorted(b_sum)]))


def tensordot_adjoint_b(y: Any, a: Any, b: Any, axes: Any = 2) -> Any:
    """Adjoint of `np.tensordot(a, b, axes)` with respect to `b`, given `y` = adjoint of the result."""
    a_other, a_sum, b_other, b_sum = _tensordot_axes(np.ndim(a), np.ndim(b), axes)
    y_axes = list(range(len(a_other)))
    out = np.tensordot(a, y, (a_other, y_axes))  # axes: the summed axes of a in order, then b_other
    return np.transpose(out, np.argsort([b_sum[a_sum.index(i)] for i in sorted(a_sum)] + b_other))


def _tensordot_axes(na: int, nb: int, axes: Any) -> tuple[list[int], list[int], list[int], list[int]]:
    if np.ndim(axes) == 0:
        a_sum, b_sum = list(range(na - axes, na)), list(range(axes))
    else:
        a_sum, b_sum = ([ax] if np.ndim(ax) == 0 else list(ax) for ax in axes)
        a_sum, b_sum = [a % na for a in a_sum], [b % nb for b in b_sum]
    a_other = [a for a in range(na) if a not in a_sum]
    b_other = [b for b in range(nb) if b not in b_sum]
    return a_other, a_sum, b_other, b_sum


def kron_adjoint_a(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `np.kron(a, b)` with respect to `a`, given `y` = adjoint of the result."""
    y4, bs, nd = _kron_split(y, a, b)
    out = np.tensordot(y4, np.reshape(b, bs), (list(range(1, 2 * nd, 2)), list(range(nd))))
    return np.reshape(out, np.shape(a))


def kron_adjoint_b(y: Any, a: Any, b: Any) -> Any:
    """Adjoint of `np.kron(a, b)` with respect to `b`, given `y` = adjoint of the result."""
    y4, _, nd = _kron_split(y, a, b)
    a_shape = (1,) * (nd - np.ndim(a)) + np.shape(a)
    out = np.tensordot(np.reshape(a, a_shape), y4, (list(range(nd)), list(range(0, 2 * nd, 2))))
    return np.reshape(out, np.shape(b))


def _kron_split(y: Any, a: Any, b: Any) -> tuple[Any, tuple[int, ...], int]:
    nd = max(np.ndim(a), np.ndim(b))
    a_shape = (1,) * (nd - np.ndim(a)) + np.shape(a)
    b_shape = (1,) * (nd - np.ndim(b)) + np.shape(b)
    return np.reshape(y, [d for pair in zip(a_shape, b_shape) for d in pair]), b_shape, nd


def einsum_adjoint_spec(subscripts: str, k: int, n: int) -> tuple[str, list[tuple[str, int]]]:
    """The einsum giving the adjoint of operand `k` of `np.einsum(subscripts, *n operands)`.

    Returns `(spec, extras)`: `np.einsum(spec, g, <the other operands>, *extras)`
    is the adjoint, where each extra is `("ones", axis)` -- an index only operand
    `k` has, summed away, so its adjoint is constant along it -- or `("eye", axis)`
    -- a repeated index (a diagonal), tied to a fresh index by an identity matrix.
    `axis` is the axis of operand `k` whose length the extra operand needs."""
    subs = subscripts.replace(" ", "")
    inputs, _, out = subs.partition("->")
    terms = inputs.split(",")
    if len(terms) != n:
        raise ValueError(f"einsum subscripts {subscripts!r} name {len(terms)} operands, but {n} were given")
    if "->" not in subs:  # implicit output: the indices that occur once, in order, after any '...'
        letters = inputs.replace("...", "").replace(",", "")
        out = ("..." if "..." in inputs else "") + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    unused = iter(c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in subs)
    tokens = _einsum_tokens(terms[k])
    others = [t for i, t in enumerate(terms) if i != k]
    elsewhere = set(out + "".join(others))
    result, extra_terms, extras, seen = [], [], [], set()
    for i, t in enumerate(tokens):
        if t == "...":
            result.append(t)
            continue
        axis = i if "..." not in tokens[:i] else i - len(tokens)
        if t in seen:
            fresh = next(unused)
            result.append(fresh)
            extra_terms.append(t + fresh)
            extras.append(("eye", axis))
        else:
            seen.add(t)
            result.append(t)
            if t not in elsewhere and tokens.count(t) == 1:
                extra_terms.append(t)
                extras.append(("ones", axis))
    inputs_have_dots = "..." in out + "".join(others)
    if inputs_have_dots and "..." not in result:
        result.insert(0, "...")  # numpy sums broadcast dimensions only into an output '...'; unbroadcast sums them
    elif not inputs_have_dots and "..." in result:
        result.remove("...")  # nothing to take them from: broadcast_like restores them
    return ",".join([out] + others + extra_terms) + "->" + "".join(result), extras


def _einsum_tokens(term: str) -> list[str]:
    head, dots, tail = term.partition("...")
    return list(head) + ([dots] if dots else []) + list(tail)


def einsum_adjoint(g: Any, subscripts: Any, k: int, *operands: Any, optimize: Any = False) -> Any:
    """Adjoint of `np.einsum(subscripts, *operands)` with respect to operand `k`.

    In the interleaved form `np.einsum(x, [0, 1], y, [1, 2], [0, 2])`, `subscripts` is the first
    operand and `k` counts the arguments after it: -1 is `x`, 1 is `y`.
    Generated code never calls this: s2sad writes the adjoint einsum out when it
    generates code (`einsum_adjoint_spec`). This is the same computation at run time."""
    operands = tuple(op for op in operands if op is not None)
    if not isinstance(subscripts, str):  # the interleaved form: operand, sublist, operand, sublist, ..., [output]
        slots = (subscripts,) + operands
        output = slots[-1] if len(slots) % 2 else None
        pairs = slots[: len(slots) - len(slots) % 2]
        subscripts, operands, k = einsum_interleaved(pairs[1::2], output), pairs[0::2], (k + 1) // 2
    einsum_check(subscripts, len(operands))
    spec, extras = einsum_adjoint_spec(subscripts, k, len(operands))
    args = [g] + [op for i, op in enumerate(operands) if i != k]
    for kind, axis in extras:
        n = np.shape(operands[k])[axis]
        args.append(np.ones(n) if kind == "ones" else np.eye(n))
    moved = einsum_dots_first(spec)
    out = np.einsum(moved[0] if moved else spec, *args)
    if "..." not in subscripts:
        return out
    if moved:  # the broadcast '...' dimensions lead, where `unbroadcast` sums them, then go back in place
        _, result, lead = moved
        return np.einsum(f"{lead}->{result}", unbroadcast(out, np.einsum(f"{result}->{lead}", operands[k])))
    return unbroadcast(out, operands[k]) if "..." in spec.split("->")[0] else broadcast_like(out, operands[k])


_EINSUM_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def einsum_interleaved(sublists: Any, output: Any = None) -> str:
    """The subscripts of `np.einsum(x, [0, 1], y, [1, 2], [0, 2])`: `'ab,bc->ac'`.

    `sublists` are the operands' sublists and `output` the output's, or None. Each holds
    integers from 0 to 51 and at most one Ellipsis. Without an output sublist the output is,
    as NumPy has it, the indices that occur once, in increasing order, after any '...'."""

    def term(sub: Any) -> str:
        if isinstance(sub, str) or not isinstance(sub, (list, tuple)):
            raise ValueError(f"an einsum sublist is a list or tuple of integers, not {sub!r}")
        text = ""
        for s in sub:
            if s is Ellipsis:
                text += "..."
            elif isinstance(s, (int, np.integer)) and not isinstance(s, bool) and 0 <= s < len(_EINSUM_LETTERS):
                text += _EINSUM_LETTERS[s]
            else:
                raise ValueError(f"an einsum sublist holds integers from 0 to 51 and Ellipsis, not {s!r}")
        return text

    inputs = [term(s) for s in sublists]
    if output is None:
        letters = "".join(inputs).replace("...", "")
        once = sorted((c for c in set(letters) if letters.count(c) == 1), key=_EINSUM_LETTERS.index)
        out = ("..." if any("..." in t for t in inputs) else "") + "".join(once)
    else:
        out = term(output)
    return ",".join(inputs) + "->" + out


def einsum_check(subscripts: str, n: int) -> None:
    """Raise a ValueError naming what is wrong when `subscripts` cannot be the subscripts of an
    einsum of `n` operands (as NumPy would, but before any code runs)."""
    subs = subscripts.replace(" ", "")
    inputs, arrow, out = subs.partition("->")
    terms = inputs.split(",")
    bad = sorted(set(subs.replace("...", "").replace("->", "").replace(",", "")) - set(_EINSUM_LETTERS))
    if bad or "->" in out:
        raise ValueError(f"einsum subscripts {subscripts!r} hold {bad[0] if bad else '->'!r}: only letters, ',', "
                         "one '->' and '...' may appear")
    if len(terms) != n:
        raise ValueError(f"einsum subscripts {subscripts!r} name {len(terms)} operand{'s' * (len(terms) != 1)}, "
                         f"but {n} {'were' if n != 1 else 'was'} given")
    for t in terms + ([out] if arrow else []):
        if t.count("...") > 1 or "." in t.replace("...", ""):
            raise ValueError(f"einsum subscripts {subscripts!r}: {t!r} may hold one '...' at most")
    if arrow:
        letters = set(inputs)
        for c in out.replace("...", ""):
            if c not in letters:
                raise ValueError(f"einsum subscripts {subscripts!r}: the output index {c!r} is in no input")
            if out.count(c) > 1:
                raise ValueError(f"einsum subscripts {subscripts!r}: the output repeats the index {c!r}")


def einsum_dots_first(spec: str) -> tuple[str, str, str] | None:
    """For an adjoint einsum `spec` whose output has '...' after other indices, and whose inputs may
    have broadcast it: `(spec with '...' first in the output, the output, the output with '...'
    first)`, so that `unbroadcast` (which sums leading axes) can sum them; else None."""
    inputs, _, result = spec.partition("->")
    if "..." not in inputs or "..." not in result or result.startswith("..."):
        return None
    lead = "..." + result.replace("...", "")
    return f"{inputs}->{lead}", result, lead



def norm_direction(x: Any, ans: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A002
    """d norm / dx for `ans = np.linalg.norm(x, ord, axis, keepdims)`, shaped like `x`.

    Where the norm has a kink (at 0, at ties) this is a subgradient, never NaN.
    s2sad writes the common cases out in plain NumPy; this covers the rest."""
    x = np.asarray(x)
    if axis is None:
        axis = tuple(range(x.ndim)) if ord is None or ord == "fro" else (0 if x.ndim == 1 else (0, 1))
    full = unsum(ans, x, axis, keepdims) if keepdims or np.ndim(ans) else ans
    if np.ndim(axis) == 0 or len(axis) == 1 or ord is None or ord == "fro":
        if ord is None or ord == 2 or ord == "fro":
            return safe_divide(x, full)
        if ord in (np.inf, -np.inf):
            return np.sign(x) * tie_weights(np.abs(x), ans, axis, keepdims)
        if ord == 0:
            return np.zeros_like(x)
        return np.sign(x) * safe_divide(np.abs(x) ** (ord - 1), full ** (ord - 1))
    r, c = axis
    if ord in (1, -1, np.inf, -np.inf):
        inner, outer = (r, c) if ord in (1, -1) else (c, r)
        sums = np.sum(np.abs(x), axis=inner, keepdims=True)
        pick = np.max(sums, axis=outer, keepdims=True) if ord > 0 else np.min(sums, axis=outer, keepdims=True)
        return np.sign(x) * tie_weights(sums, pick, outer, True)
    m = np.moveaxis(x, (r, c), (-2, -1))
    u, _, vh = np.linalg.svd(m, full_matrices=False)
    if ord == "nuc":
        d = u @ vh
    else:
        i = 0 if ord == 2 else -1
        d = u[..., :, i : i + 1 or None] @ vh[..., i : i + 1 or None, :]
    return np.moveaxis(d, (-2, -1), (r, c))



def _norm_kind(x: Any, ord: Any, axis: Any) -> tuple[Any, Any, bool]:  # noqa: A002
    """`x` as an array, the axes `np.linalg.norm` reduces, and whether it is a vector (or elementwise) norm."""
    x = np.asarray(x)
    if axis is None:
        axis = tuple(range(x.ndim)) if ord is None or ord == "fro" else (0 if x.ndim == 1 else (0, 1))
    return x, axis, np.ndim(axis) == 0 or len(axis) == 1 or ord is None or ord == "fro"


def norm_direction_partial(v: Any, x: Any, ans: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A002
    """The derivative of `norm_direction(x, ans, ...)` in `x`, `ans` held, applied to `v` (shaped like `x`).

    It is symmetric in `v`, so it is both its JVP and its VJP: for a vector p-norm it is diagonal,
    (p - 1) |x|^(p-2) / ans^(p-1); for the matrix 2-norm (and -2), whose direction u_i v_i^T does not
    depend on `ans`, it is the norm's Hessian applied to `v` (the singular pair's first-order
    perturbation: it needs s_i apart from the other singular values). Piecewise-constant directions
    (1, inf, -inf, 0 and the matrix 1 and inf norms) give 0."""
    x, ax, vector = _norm_kind(x, ord, axis)
    v = np.asarray(v)
    if vector:
        if ord in (1, np.inf, -np.inf, 0):
            return np.zeros_like(v * x)
        full = unsum(ans, x, ax, keepdims) if keepdims or np.ndim(ans) else ans
        if ord is None or ord == 2 or ord == "fro":
            return safe_divide(v, full)
        return (ord - 1) * v * safe_divide(np.abs(x) ** (ord - 2), full ** (ord - 1))
    if ord in (1, -1, np.inf, -np.inf):
        return np.zeros_like(v * x)
    if ord not in (2, -2):
        raise NotImplementedError(f"second derivatives of np.linalg.norm(x, {ord!r}) are not supported")
    r, c = ax
    m, e = np.moveaxis(x, (r, c), (-2, -1)), np.moveaxis(v, (r, c), (-2, -1))
    u, s, vh = np.linalg.svd(m, full_matrices=False)
    i = 0 if ord == 2 else -1
    ui, vi, si = u[..., :, i], vh[..., i, :], s[..., i, None]
    p = mT(u) @ e @ mT(vh)  # P = U^T E V
    p_col, p_row = p[..., :, i], p[..., i, :]  # P[:, i] = U^T E v_i, P[i, :] = V^T E^T u_i
    gaps = si ** 2 - s ** 2
    gaps[..., i] = 1.0
    f = 1.0 / gaps
    f[..., i] = 0.0  # the pair itself: its own rotation is the sign, which u_i v_i^T does not see
    du = (u @ (f * (si * p_col + s * p_row))[..., None])[..., 0] + ((e @ vi[..., None])[..., 0] - (u @ p_col[..., None])[..., 0]) / si
    dv = (mT(vh) @ (f * (s * p_col + si * p_row))[..., None])[..., 0]
    dv = dv + ((mT(e) @ ui[..., None])[..., 0] - (mT(vh) @ p_row[..., None])[..., 0]) / si
    d = du[..., :, None] * vi[..., None, :] + ui[..., :, None] * dv[..., None, :]
    return np.moveaxis(d, (-2, -1), (r, c))


def norm_direction_slope(x: Any, ans: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A002
    """The derivative of `norm_direction(x, ans, ...)` in `ans`, elementwise (shaped like `x`):
    -(p - 1) direction / ans for a vector p-norm, 0 for the directions that do not depend on `ans`."""
    x, ax, vector = _norm_kind(x, ord, axis)
    if not vector or ord in (1, np.inf, -np.inf, 0):
        return np.zeros_like(x, dtype=float_dtype(x))
    p = 2 if ord is None or ord == "fro" else ord
    full = unsum(ans, x, ax, keepdims) if keepdims or np.ndim(ans) else ans
    return -(p - 1) * safe_divide(norm_direction(x, ans, ord, axis, keepdims), full)


def reduced_u(u: Any, vh: Any) -> Any:
    """`u` of `u, s, vh = np.linalg.svd(...)`, when it has one column per singular value; a clear error
    when not (`full_matrices=True` of a non-square matrix, whose extra columns have no derivative)."""
    if np.shape(u)[-1] != np.shape(vh)[-2]:
        raise ValueError("np.linalg.svd(a) of a non-square matrix returns singular vectors beyond the singular "
                         "values, which have no derivative; pass full_matrices=False")
    return u


def real_eigenvalues(w: Any) -> Any:
    """`w`, the eigenvalues `np.linalg.eig` returned, when they are real; a clear error when not."""
    if np.iscomplexobj(w):
        raise ValueError("np.linalg.eig has complex eigenvalues here, and s2sad differentiates real values only; "
                         "for a symmetric matrix use np.linalg.eigh")
    return w


def diagonal_blocks_sum(m: Any) -> Any:
    """Top-left plus bottom-right quarter of (a stack of) 2n x 2n matrices: the adjoint of `a` in `block_triangular(a, e)`."""
    n = np.shape(m)[-1] // 2
    return m[..., :n, :n] + m[..., n:, n:]


def skew_lower(c: Any) -> Any:
    """tril(c, -1) - tril(c, -1)^T: the antisymmetric matrix built from the strict lower triangle."""
    low = np.tril(c, -1)
    return low - mT(low)


__all__ = [
    "mT",
    "cofactors",
    "lower_half",
    "eigengap_inverse",
    "from_triangle",
    "triangle_adjoint",
    "block_triangular",
    "upper_right",
    "tensordot_adjoint_a",
    "tensordot_adjoint_b",
    "kron_adjoint_a",
    "kron_adjoint_b",
    "einsum_adjoint_spec",
    "einsum_adjoint",
    "einsum_interleaved",
    "einsum_check",
    "einsum_dots_first",
    "norm_direction",
    "norm_direction_partial",
    "norm_direction_slope",
    "real_eigenvalues",
    "reduced_u",
    "diagonal_blocks_sum",
    "skew_lower",
]
