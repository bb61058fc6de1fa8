"""`scipy.special`, registered only where scipy is installed (an optional
dependency; `s2sad.rules` skips this module when the import fails).

erf, erfc, erfinv, erfcinv, expit, logit, gamma, rgamma, gammaln,
digamma/psi, polygamma, beta, betaln, gammainc and gammaincc (in x), the
Bessel functions i0, i1, iv, ive, j0, j1, jv, y0, y1, yv, yn (in x), xlogy,
xlog1py, and the reductions logsumexp, softmax and log_softmax. Each
derivative is again a function of this list or of NumPy (gammaln' = digamma,
digamma' = polygamma(1, .), polygamma(n)' = polygamma(n + 1), jv' =
(jv(v - 1) - jv(v + 1)) / 2, ...), so every order can be generated.

logsumexp's parameters are `(a, axis, keepdims)`; its weights `b` and
`return_sign` are not supported.
"""
# ruff: noqa: N801
from __future__ import annotations

import math

import numpy as np
from scipy import special

from ..primitives.registry import defrule, nondiff
from ..runtime import unbroadcast, unsum


@defrule(special.erf, call="scipy.special.erf", elementwise=True)
class erf:
    def d(ans, x):
        return 2 / math.sqrt(math.pi) * np.exp(-x ** 2)


@defrule(special.erfc, call="scipy.special.erfc", elementwise=True)
class erfc:
    def d(ans, x):
        return -2 / math.sqrt(math.pi) * np.exp(-x ** 2)


@defrule(special.erfinv, call="scipy.special.erfinv", elementwise=True)
class erfinv:
    def d(ans, x):
        return math.sqrt(math.pi) / 2 * np.exp(ans ** 2)


@defrule(special.expit, call="scipy.special.expit", elementwise=True)
class expit:
    def d(ans, x):
        return ans * (1 - ans)


@defrule(special.logit, call="scipy.special.logit", elementwise=True)
class logit:
    def d(ans, x):
        return 1 / (x * (1 - x))


@defrule(special.gammaln, call="scipy.special.gammaln", elementwise=True)
class gammaln:
    def d(ans, x):
        return special.digamma(x)


@defrule([special.digamma, special.psi], call="scipy.special.digamma", elementwise=True)
class digamma:
    def d(ans, x):
        return special.polygamma(1, x)


@defrule(special.polygamma, call="scipy.special.polygamma", elementwise=True)
class polygamma:
    def vjp(g, ans, n, x):
        return None, unbroadcast(g * special.polygamma(n + 1, x), x)

    def jvp(ans, n, x, n_dot, x_dot):
        return None, x_dot * special.polygamma(n + 1, x)


@defrule(special.xlogy, call="scipy.special.xlogy", elementwise=True)
class xlogy:
    # x log(y), defined as 0 where x == 0.
    def vjp(g, ans, x, y):
        return unbroadcast(g * np.log(y), x), unbroadcast(g * x / y, y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot * np.log(y), y_dot * x / y


@defrule(special.xlog1py, call="scipy.special.xlog1py", elementwise=True)
class xlog1py:
    def vjp(g, ans, x, y):
        return unbroadcast(g * np.log1p(y), x), unbroadcast(g * x / (1 + y), y)

    def jvp(ans, x, y, x_dot, y_dot):
        return x_dot * np.log1p(y), y_dot * x / (1 + y)


@defrule(special.logsumexp, call="scipy.special.logsumexp", shape="reduce")
class logsumexp:
    # The derivative is the softmax of x over the reduced axes.
    def vjp(g, ans, x, axis=None, keepdims=False):
        return unsum(g, x, axis, keepdims) * np.exp(x - unsum(ans, x, axis, keepdims))

    def jvp(ans, x, axis=None, keepdims=False, x_dot=None):
        return np.sum(x_dot * np.exp(x - unsum(ans, x, axis, keepdims)), axis=axis, keepdims=keepdims)


@defrule(special.softmax, call="scipy.special.softmax")
class softmax:
    def vjp(g, ans, x, axis=None):
        return ans * (g - np.sum(g * ans, axis=axis, keepdims=True)), None

    def jvp(ans, x, axis=None, x_dot=None):
        return ans * (x_dot - np.sum(x_dot * ans, axis=axis, keepdims=True)), None


@defrule(special.log_softmax, call="scipy.special.log_softmax")
class log_softmax:
    def vjp(g, ans, x, axis=None):
        return g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True), None

    def jvp(ans, x, axis=None, x_dot=None):
        return x_dot - np.sum(np.exp(ans) * x_dot, axis=axis, keepdims=True), None


# -- gamma and beta functions ------------------------------------------------------------------


@defrule(special.gamma, call="scipy.special.gamma", elementwise=True)
class gamma:
    def d(ans, x):
        return ans * special.digamma(x)


@defrule(special.rgamma, call="scipy.special.rgamma", elementwise=True)
class rgamma:
    # 1 / gamma(x)
    def d(ans, x):
        return -ans * special.digamma(x)


@defrule(special.erfcinv, call="scipy.special.erfcinv", elementwise=True)
class erfcinv:
    def d(ans, x):
        return -math.sqrt(math.pi) / 2 * np.exp(ans ** 2)


@defrule(special.beta, call="scipy.special.beta", elementwise=True)
class beta:
    def vjp(g, ans, a, b):
        return (
            unbroadcast(g * ans * (special.digamma(a) - special.digamma(a + b)), a),
            unbroadcast(g * ans * (special.digamma(b) - special.digamma(a + b)), b),
        )

    def jvp(ans, a, b, a_dot, b_dot):
        return a_dot * ans * (special.digamma(a) - special.digamma(a + b)), b_dot * ans * (special.digamma(b) - special.digamma(a + b))


@defrule(special.betaln, call="scipy.special.betaln", elementwise=True)
class betaln:
    def vjp(g, ans, a, b):
        return unbroadcast(g * (special.digamma(a) - special.digamma(a + b)), a), unbroadcast(g * (special.digamma(b) - special.digamma(a + b)), b)

    def jvp(ans, a, b, a_dot, b_dot):
        return a_dot * (special.digamma(a) - special.digamma(a + b)), b_dot * (special.digamma(b) - special.digamma(a + b))


@defrule(special.gammainc, call="scipy.special.gammainc", elementwise=True)
class gammainc:
    # Regularized lower incomplete gamma P(a, x): d/dx = x^(a-1) e^-x / gamma(a); no rule for a.
    def vjp(g, ans, a, x):
        return None, unbroadcast(g * np.exp((a - 1) * np.log(x) - x - special.gammaln(a)), x)

    def jvp(ans, a, x, a_dot, x_dot):
        return None, x_dot * np.exp((a - 1) * np.log(x) - x - special.gammaln(a))


@defrule(special.gammaincc, call="scipy.special.gammaincc", elementwise=True)
class gammaincc:
    def vjp(g, ans, a, x):
        return None, unbroadcast(-g * np.exp((a - 1) * np.log(x) - x - special.gammaln(a)), x)

    def jvp(ans, a, x, a_dot, x_dot):
        return None, -x_dot * np.exp((a - 1) * np.log(x) - x - special.gammaln(a))


# -- Bessel functions: each derivative is a combination of neighbouring orders ----------------------


@defrule(special.i0, call="scipy.special.i0", elementwise=True)
class i0:
    def d(ans, x):
        return special.i1(x)


@defrule(special.i1, call="scipy.special.i1", elementwise=True)
class i1:
    def d(ans, x):
        return (special.i0(x) + special.iv(2, x)) / 2


@defrule(special.j0, call="scipy.special.j0", elementwise=True)
class j0:
    def d(ans, x):
        return -special.j1(x)


@defrule(special.j1, call="scipy.special.j1", elementwise=True)
class j1:
    def d(ans, x):
        return (special.j0(x) - special.jv(2, x)) / 2


@defrule(special.y0, call="scipy.special.y0", elementwise=True)
class y0:
    def d(ans, x):
        return -special.y1(x)


@defrule(special.y1, call="scipy.special.y1", elementwise=True)
class y1:
    def d(ans, x):
        return (special.y0(x) - special.yv(2, x)) / 2


@defrule([special.jv, special.jn], call="scipy.special.jv", elementwise=True)
class jv:
    def vjp(g, ans, v, x):
        return None, unbroadcast(g * (special.jv(v - 1, x) - special.jv(v + 1, x)) / 2, x)

    def jvp(ans, v, x, v_dot, x_dot):
        return None, x_dot * (special.jv(v - 1, x) - special.jv(v + 1, x)) / 2


@defrule(special.yv, call="scipy.special.yv", elementwise=True)
class yv:
    def vjp(g, ans, v, x):
        return None, unbroadcast(g * (special.yv(v - 1, x) - special.yv(v + 1, x)) / 2, x)

    def jvp(ans, v, x, v_dot, x_dot):
        return None, x_dot * (special.yv(v - 1, x) - special.yv(v + 1, x)) / 2


@defrule(special.yn, call="scipy.special.yn", elementwise=True)
class yn:
    def vjp(g, ans, n, x):
        return None, unbroadcast(g * (special.yn(n - 1, x) - special.yn(n + 1, x)) / 2, x)

    def jvp(ans, n, x, n_dot, x_dot):
        return None, x_dot * (special.yn(n - 1, x) - special.yn(n + 1, x)) / 2


@defrule(special.iv, call="scipy.special.iv", elementwise=True)
class iv:
    def vjp(g, ans, v, x):
        return None, unbroadcast(g * (special.iv(v - 1, x) + special.iv(v + 1, x)) / 2, x)

    def jvp(ans, v, x, v_dot, x_dot):
        return None, x_dot * (special.iv(v - 1, x) + special.iv(v + 1, x)) / 2


@defrule(special.ive, call="scipy.special.ive", elementwise=True)
class ive:
    # ive(v, x) = iv(v, x) e^-|x|
    def vjp(g, ans, v, x):
        return None, unbroadcast(g * ((special.ive(v - 1, x) + special.ive(v + 1, x)) / 2 - np.sign(x) * ans), x)

    def jvp(ans, v, x, v_dot, x_dot):
        return None, x_dot * ((special.ive(v - 1, x) + special.ive(v + 1, x)) / 2 - np.sign(x) * ans)


nondiff(special.gammasgn, "gammasgn", call="scipy.special.gammasgn")
