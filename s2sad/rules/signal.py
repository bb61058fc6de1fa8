"""Signals: `np.convolve` in its three modes ('full', 'valid', 'same').

A convolution is linear in each operand, so its adjoint with respect to one operand is a correlation of the
result's adjoint with the other (`convolve_adjoint_a`, `convolve_adjoint_v` in `s2sad/runtime/signal.py`, which
place the adjoint back in the full window first); those helpers are linear in the adjoint and in the other
operand, and the transpose of each is a convolution again, so every order is a convolution or a correlation.
"""
# ruff: noqa: N801
from __future__ import annotations

import numpy as np

from ..primitives.registry import defrule
from ..runtime.signal import convolve_adjoint_a, convolve_adjoint_v


@defrule(np.convolve, linear=True)
class convolve:
    def vjp(g, ans, a, v, mode="full"):
        return convolve_adjoint_a(g, a, v, mode), convolve_adjoint_v(g, a, v, mode), None


@defrule(convolve_adjoint_a, call="convolve_adjoint_a", linear=True)
class convolve_adjoint_a_:
    # Linear in y and v; a gives only its length. Its transpose in y is the convolution itself.
    def vjp(g, ans, y, a, v, mode="full"):
        return np.convolve(g, v, mode), None, convolve_adjoint_v(y, g, v, mode), None


@defrule(convolve_adjoint_v, call="convolve_adjoint_v", linear=True)
class convolve_adjoint_v_:
    def vjp(g, ans, y, a, v, mode="full"):
        return np.convolve(a, g, mode), convolve_adjoint_a(y, a, g, mode), None, None
