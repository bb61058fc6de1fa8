"""`sincos(x)`: the sine and cosine of one large float64 array, together and fast.

A gradient through `np.sin(x)` needs `np.cos(x)` too. NumPy computes float64
sine and cosine one element at a time (its SIMD versions were switched off
for accuracy, numpy#23925), about 10 ns each, where its other ufuncs take
under 1 ns. Computed together from NumPy's fast operations -- one shared
reduction of `x` to `r` in [-pi/4, pi/4] with `x = r + n pi/2`, the
polynomials of fdlibm's `__kernel_sin` and `__kernel_cos` (the C library
code glibc and NumPy descend from), and the quadrant `n mod 4` picking sign and
order -- on blocks small enough to stay in the processor's cache, both take
about half the time of the two NumPy calls on a million elements.

The results are within 2 units in the last place of `np.sin` and `np.cos`
(tests/test_sincos.py checks random arguments from 1e-300 to 1e5 and the
nearest doubles to multiples of pi/2). Where the shortcut
does not apply -- another dtype, fewer than `small` elements, or a block with
a NaN, an infinity or an |x| beyond 2**19 pi/2, where the three-part pi/2
would no longer be exact -- it is the two NumPy calls.

The function is self-contained (its constants are inside it), so that
`s2sad.export` can copy it into a standalone module like the other helpers.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def sincos(x: Any, small: int = 16384, block: int = 16384) -> tuple[Any, Any]:
    """`(np.sin(x), np.cos(x))`, computed together (fast on large float64 arrays)."""
    # `small`: below it two NumPy calls are as fast (the blocks' Python overhead dominates); `block`:
    # elements per block, so that its scratch arrays stay in a 1-2 MB L2 cache.
    if type(x) is not np.ndarray or x.dtype != np.float64 or x.size < small:
        return np.sin(x), np.cos(x)
    # pi/2 in three parts (Cody and Waite; fdlibm's e_rem_pio2.c): the first two have 33 significant
    # bits, so n * part is exact for |n| <= 2**19 and only the subtractions round.
    invpio2, pio2_1, pio2_2, pio2_3 = 6.36619772367581382433e-01, 1.57079632673412561417e+00, \
        6.07710050630396597660e-11, 2.02226624879595063154e-21
    # fdlibm's k_sin.c and k_cos.c: minimax polynomials on [-pi/4, pi/4]
    s1, s2, s3, s4, s5, s6 = -1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04, \
        2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10
    c1, c2, c3, c4, c5, c6 = 4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05, \
        -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11
    # sin(r + n pi/2) = A sin r + B cos r and cos(r + n pi/2) = A cos r - B sin r, by n mod 4; the -0.0
    # keeps sin(-0.0) = -0.0 (adding -0.0 changes no other number)
    quadrant_a, quadrant_b = np.array([1.0, 0.0, -1.0, 0.0]), np.array([-0.0, 1.0, -0.0, -1.0])
    flat = x.reshape(-1)  # (a copy only when x is not contiguous)
    sin_x, cos_x = np.empty_like(flat), np.empty_like(flat)
    n_, z_, t_, u_, q_ = np.empty(block), np.empty(block), np.empty(block), np.empty(block), np.empty(block, np.int64)
    for i in range(0, flat.size, block):
        j = min(i + block, flat.size)
        xb, s, c = flat[i:j], sin_x[i:j], cos_x[i:j]
        n, z, t, u, q = n_[:j - i], z_[:j - i], t_[:j - i], u_[:j - i], q_[:j - i]
        np.multiply(xb, invpio2, out=n)
        np.rint(n, out=n)
        n += 0.0  # -0.0 to 0.0, so that r = x - n pi/2 is -0.0 at x = -0.0
        if not (-2.0 ** 19 <= n.min() and n.max() <= 2.0 ** 19):  # (also False for a NaN)
            np.sin(xb, out=s)
            np.cos(xb, out=c)
            continue
        np.multiply(n, pio2_1, out=t)  # u = r = x - n pi/2
        np.subtract(xb, t, out=u)
        np.multiply(n, pio2_2, out=t)
        u -= t
        np.multiply(n, pio2_3, out=t)
        u -= t
        np.multiply(u, u, out=z)
        np.multiply(z, s6, out=t)  # t = sin r = r + r z (s1 + z (s2 + ... + z s6)), Horner's rule in place
        for k in (s5, s4, s3, s2):
            t += k
            t *= z
        t += s1
        t *= z
        t *= u
        t += u
        np.multiply(z, c6, out=c)  # c = cos r = 1 - z/2 + z^2 (c1 + z (c2 + ... + z c6))
        for k in (c5, c4, c3, c2, c1):
            c += k
            c *= z
        c -= 0.5
        c *= z
        c += 1.0
        np.copyto(q, n, casting="unsafe")
        q &= 3
        a, b = np.take(quadrant_a, q), np.take(quadrant_b, q)
        np.multiply(t, a, out=s)
        np.multiply(c, b, out=u)
        s += u
        np.multiply(t, b, out=u)
        c *= a
        c -= u
    return sin_x.reshape(x.shape), cos_x.reshape(x.shape)


__all__ = ["sincos"]
