"""The rules of the products' adjoint helpers (`matmul_adjoint_a`, `kron_adjoint_b`, ...), which share one shape.

Input: a product's two runtime adjoint helpers and the product's text. Output: their two rule classes,
registered (`bilinear_adjoints`); `core` and `products` call it where the helpers' rules belong.
"""
from __future__ import annotations

from typing import Any

from ..primitives.registry import defrule


def bilinear_adjoints(adjoint_a: Any, adjoint_b: Any, product: str, module: str, extra: tuple[tuple[str, Any], ...] = (),
                      by_keyword: bool = False, **facts: Any) -> tuple[type, type]:
    """Register the rules of a product's two adjoint helpers; return their rule classes.

    `adjoint_a(y, a, b)` is the adjoint of `product(a, b)` with respect to `a`, at the result's adjoint
    `y` (`adjoint_b` likewise for `b`): linear in `y` and in the other operand, while `a` gives only its
    shape. So its VJP in `y` is the product itself -- `product` is its text, `{0}` and `{1}` standing
    for the operands (`"np.inner({0}, {1})"`) -- its VJP in `b` is the other helper, and its JVP is
    itself again (`linear=True`; written out only for the keyword form). `extra` are the product's
    further parameters with their defaults (`(("axes", 2),)`), passed on by position or `by_keyword`;
    `module` is the rule module whose names the text reads; `facts` are declared on both helpers
    (`layout_refined=True`, see `defrule`). The methods are text (a `def`), which `s2sad.ir.template`
    reads like a rule class's own.
    """
    a_name, b_name = adjoint_a.__name__, adjoint_b.__name__
    signature = "".join(f", {name}={default!r}" for name, default in extra)
    passed = "".join(f", {name}={name}" if by_keyword else f", {name}" for name, _ in extra)
    nones = ", None" * len(extra)
    dots = ", y_dot=None, a_dot=None, b_dot=None" if extra else ", y_dot, a_dot, b_dot"
    rules = (
        (adjoint_a, f"{product.format('g', 'b')}, None, {b_name}(y, g, b{passed}){nones}",
         f"{a_name}(y_dot, a, b{passed}), None, {a_name}(y, a, b_dot{passed}){nones}"),
        (adjoint_b, f"{product.format('a', 'g')}, {a_name}(y, a, g{passed}), None{nones}",
         f"{b_name}(y_dot, a, b{passed}), {b_name}(y, a_dot, b{passed}), None{nones}"),
    )
    classes = []
    for helper, vjp, jvp in rules:
        methods = {"vjp": f"def vjp(g, ans, y, a, b{signature}):\n    return {vjp}\n"}
        if by_keyword:  # the linear JVP passes every argument by position
            methods["jvp"] = f"def jvp(ans, y, a, b{signature}{dots}):\n    return {jvp}\n"
        cls = type(f"{helper.__name__}_", (), {"__module__": module, **methods})
        classes.append(defrule(helper, call=helper.__name__, linear=not by_keyword, **facts)(cls))
    return classes[0], classes[1]
