"""Rosenbrock with scipy.optimize.minimize: exact s2sad derivatives versus finite differences.

    f(x) = sum_i 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2,   minimum f = 0 at x = (1, ..., 1)

`minimize(f, x0, jac=s2sad.grad(f), hess=s2sad.hessian(f), method="trust-exact")`
uses s2sad's gradient (reverse mode) and Hessian (forward over reverse). The
table compares iterations and evaluations with BFGS on finite-difference
gradients, which spends n + 1 function calls per gradient and stops short of
full precision as n grows.
"""
import os
import warnings

import numpy as np
from scipy.optimize import minimize

import s2sad


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def runs(x0):
    grad = s2sad.grad(rosenbrock)
    hess = s2sad.hessian(rosenbrock)
    return [
        ("BFGS", "finite differences", dict(method="BFGS")),
        ("BFGS", "s2sad.grad", dict(method="BFGS", jac=grad)),
        ("Newton-CG", "s2sad.grad, finite-difference Hessian", dict(method="Newton-CG", jac=grad)),
        ("trust-exact", "s2sad.grad and s2sad.hessian", dict(method="trust-exact", jac=grad, hess=hess)),
    ]


def main() -> None:
    sizes = (2, 5) if os.environ.get("CI") else (2, 5, 10)
    for n in sizes:
        x0 = np.array([-1.2, 1.0]) if n == 2 else np.full(n, -1.0)
        print(f"== Rosenbrock in {n} dimensions, from x0 = {x0} ==")
        print(f"{'method':<12} {'derivatives':<38} {'iterations':>10} {'f calls':>8} {'grad calls':>10} {'final f':>10}  converged")
        results = {}
        for method, label, kw in runs(x0):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = minimize(rosenbrock, x0, **kw)
            results[(method, label)] = r
            print(f"{method:<12} {label:<38} {r.nit:>10} {r.nfev:>8} {r.get('njev', 0):>10} {r.fun:>10.1e}  {r.success}")
        exact = results[("trust-exact", "s2sad.grad and s2sad.hessian")]
        fd = results[("BFGS", "finite differences")]
        np.testing.assert_allclose(exact.x, np.ones(n), atol=1e-6)
        assert exact.nit < fd.nit and exact.nfev < fd.nfev
        print()
    g = s2sad.grad(rosenbrock)(np.array([-1.2, 1.0]))
    print(f"the gradient at (-1.2, 1) is {g}; the closed form is (-215.6, -88)")
    np.testing.assert_allclose(g, [-215.6, -88.0])


if __name__ == "__main__":
    main()
