"""Vectorisable sin, cos, exp and tanh for the fused loops of `s2sad.jit` (issue 24).

Numba from PyPI calls the C library for `math.sin`, `math.exp`, ... one element at a time:
a loop that calls them is not vectorised (Numba's SVML path needs a patched llvmlite).
These kernels are straight-line arithmetic instead -- Cody-Waite range reduction, the
polynomials of fdlibm (the C library code glibc and NumPy descend from) and Cephes, the
quadrant and the power of two picked by bit arithmetic and selects, no tables and no
calls -- small enough that LLVM inlines them into the fused loop and turns the whole loop into
packed AVX/AVX2 instructions (4 doubles at a time). They are ordinary `numba.njit` functions, not
`inline="always"`: inlined at Numba's level, three copies of the loop body (see `jit_fuse._loop`)
took Numba's passes 9-23 s to compile (parallel loops the most) against 4-5 s this way, for the
same machine code; compiled once per process and cached on disk like the rest.

- `ksin`, `kcos`: reduce x to r in [-pi/4, pi/4], x = r + n pi/2, with pi/2 in three parts
  (the first two of 33 bits, so that n * part is exact for |n| <= 2**19); fdlibm's
  `__kernel_sin`/`__kernel_cos`; n mod 4 picks sin or cos of r and the sign. Valid for
  |x| <= TRIG_LIMIT; the fused loop checks that first (`trig_bad`) and calls the C library for
  a block that holds a larger, infinite or NaN argument (the loop is written twice). When a
  loop needs both sin x and cos x, LLVM computes the shared reduction once.
- `kexp`: exp(x) = 2**n exp(r), r = x - n ln 2 in [-ln2/2, ln2/2], a degree-13 Taylor
  polynomial (truncation < 1e-17); 2**n as two factors built from bits, so that subnormal
  results round once and exp(709.78) does not overflow early. Right for every argument
  (inf, -inf, NaN, underflow, overflow): no check needed.
- `ktanh`: Cephes' tanh: x + x^3 P(x^2)/Q(x^2) below 0.625, 1 - 2/(exp(2|x|) + 1) above, both
  computed and one selected (one division). Right for every argument.

The generated modules name this file's hash (`jit_transform.KERNELS_VERSION`), so that the compile
cache, which Numba keys on the generated file alone, is new when the kernels change.

Accuracy against NumPy (tests/test_jit.py measures it): see `/work/notes/jit_kernels.md`.

The integer <-> float bit casts and the fused multiply-add are Numba intrinsics (one LLVM
instruction each); `fma` is `llvm.fma.f64`, a single instruction on processors with FMA (and a
correctly rounded C library call elsewhere, so results do not depend on the processor).
"""
from __future__ import annotations

import numba as _numba
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

@intrinsic
def _bits(typingctx, x):
    """The bits of a float64 as an int64."""
    if not isinstance(x, types.Float):
        return None

    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic
def _from_bits(typingctx, i):
    """The float64 whose bits are int64 `i`."""
    if not isinstance(i, types.Integer):
        return None

    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@intrinsic
def fma(typingctx, a, b, c):
    """a * b + c, rounded once (`llvm.fma.f64`)."""
    if not all(isinstance(t, types.Float) for t in (a, b, c)):
        return None

    def codegen(context, builder, sig, args):
        return builder.fma(*args)

    return types.float64(types.float64, types.float64, types.float64), codegen


_SHIFT = 6755399441055744.0  # 1.5 * 2**52: x + _SHIFT rounds x to an integer, held in the low bits

# pi/2 in three parts (Cody and Waite; fdlibm's e_rem_pio2.c)
_INVPIO2 = 6.36619772367581382433e-01
_PIO2_1 = 1.57079632673412561417e+00
_PIO2_2 = 6.07710050630396597660e-11
_PIO2_3 = 2.02226624879595063154e-21
TRIG_LIMIT = 823549.0  # < 2**19 pi/2: |n| <= 2**19, where n * _PIO2_1 and n * _PIO2_2 are exact

# fdlibm k_sin.c, k_cos.c: minimax polynomials on [-pi/4, pi/4]
_S1, _S2, _S3 = -1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04
_S4, _S5, _S6 = 2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10
_C1, _C2, _C3 = 4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05
_C4, _C5, _C6 = -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11


@_numba.njit(cache=True, error_model="numpy")
def _reduce(x):
    """(r, q): x = r + n pi/2 with |r| <= pi/4 (about), q = n mod 4."""
    t = x * _INVPIO2 + _SHIFT
    n = t - _SHIFT
    q = _bits(t) & 3
    r = x - n * _PIO2_1
    r = r - n * _PIO2_2
    r = r - n * _PIO2_3
    return r, q


@_numba.njit(cache=True, error_model="numpy")
def _sin_r(r, z):
    p = fma(z, fma(z, fma(z, fma(z, _S6, _S5), _S4), _S3), _S2)
    return fma(r * z, fma(z, p, _S1), r)


@_numba.njit(cache=True, error_model="numpy")
def _cos_r(z):
    p = z * fma(z, fma(z, fma(z, fma(z, fma(z, _C6, _C5), _C4), _C3), _C2), _C1)
    hz = 0.5 * z
    w = 1.0 - hz
    return w + (((1.0 - w) - hz) + z * p)


@_numba.njit(cache=True, error_model="numpy")
def ksin(x):
    """sin x for |x| <= TRIG_LIMIT (within 2 ulp of NumPy's, measured)."""
    x = float(x)  # (an integer argument: the intrinsics take float64)
    r, q = _reduce(x)
    z = r * r
    s, c = _sin_r(r, z), _cos_r(z)
    v = c if (q & 1) != 0 else s
    v = -v if (q & 2) != 0 else v
    return x if x == 0.0 else v  # (sin(-0.0) = -0.0)


@_numba.njit(cache=True, error_model="numpy")
def kcos(x):
    """cos x for |x| <= TRIG_LIMIT (within 2 ulp of NumPy's, measured)."""
    x = float(x)  # (an integer argument: the intrinsics take float64)
    r, q = _reduce(x)
    z = r * r
    s, c = _sin_r(r, z), _cos_r(z)
    v = s if (q & 1) != 0 else c
    return -v if ((q + 1) & 2) != 0 else v


@_numba.njit(cache=True, error_model="numpy")
def trig_bad(x):
    """Whether ksin/kcos cannot take x (|x| > TRIG_LIMIT, inf or NaN)."""
    x = float(x)  # (an integer argument: the intrinsics take float64)
    return not (abs(x) <= TRIG_LIMIT)


_LOG2E = 1.44269504088896338700e+00
_LN2_HI, _LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10  # (fdlibm e_exp.c: n * _LN2_HI is exact)
_E2, _E3, _E4, _E5 = 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120
_E6, _E7, _E8, _E9 = 1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880
_E10, _E11, _E12, _E13 = 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800


@_numba.njit(cache=True, error_model="numpy")
def kexp(x):
    """exp x, every argument (within 2 ulp of NumPy's, measured)."""
    x = float(x)  # (an integer argument: the intrinsics take float64)
    a = 710.0 if x > 710.0 else x  # (a NaN passes both and stays NaN)
    a = -746.0 if a < -746.0 else a
    t = a * _LOG2E + _SHIFT
    n = t - _SHIFT  # n = round(a / ln 2), |n| <= 1077
    r = fma(-n, _LN2_HI, a)
    r = fma(-n, _LN2_LO, r)
    p = fma(r, fma(r, fma(r, fma(r, fma(r, fma(r, fma(r, fma(r, fma(r, fma(r, fma(r, _E13, _E12), _E11), _E10), _E9),
                                                                  _E8), _E7), _E6), _E5), _E4), _E3), _E2)
    e = fma(r * r, p, r) + 1.0  # exp r, r in [-ln2/2, ln2/2]
    # 2**n as 2**m1 * 2**m2, m1 = round(n/2): both factors normal numbers for every n here
    t1 = n * 0.5 + _SHIFT
    m1 = t1 - _SHIFT
    m2 = n - m1
    f1 = _from_bits(_bits(m1 + (_SHIFT + 1023.0)) << 52)  # (the shift drops _SHIFT's own bits)
    f2 = _from_bits(_bits(m2 + (_SHIFT + 1023.0)) << 52)
    return (e * f1) * f2


# Cephes tanh.c: tanh x = x + x^3 P(x^2)/Q(x^2) for |x| < 0.625
_TP0, _TP1, _TP2 = -9.64399179425052238628e-1, -9.92877231001918586564e1, -1.61468768441708447952e3
_TQ0, _TQ1, _TQ2 = 1.12811678491632931402e2, 2.23548839060100448583e3, 4.84406305325125486048e3


@_numba.njit(cache=True, error_model="numpy")
def ktanh(x):
    """tanh x, every argument (within 2 ulp of NumPy's, measured)."""
    x = float(x)  # (an integer argument: the intrinsics take float64)
    ax = abs(x)
    small = ax < 0.625
    s = x * x
    num = x * s * fma(s, fma(s, _TP0, _TP1), _TP2)
    den = fma(s, fma(s, s + _TQ0, _TQ1), _TQ2)
    e = kexp(2.0 * ax)
    q = (num if small else 2.0) / (den if small else e + 1.0)
    big = 1.0 - q
    v = x + q if small else (-big if x < 0.0 else big)
    return x if x == 0.0 else v  # (tanh(-0.0) = -0.0)


__all__ = ["ksin", "kcos", "kexp", "ktanh", "trig_bad", "fma", "TRIG_LIMIT"]
