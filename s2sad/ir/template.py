"""Rule templates: a rule class's `vjp`/`jvp` source -> IR expression templates.

Input: a built-in rule class (see `s2sad/rules/`). Output: per-argument `Rule`
records on its `Primitive`, each holding the IR tree of one element of the
method's `return` tuple, with the method's parameters as placeholder `Var`s.
`instantiate` substitutes the actual argument expressions into a template (or,
for a user rule, builds a visible call to it).
"""
from __future__ import annotations

import ast
import builtins
import functools
import inspect
import sys
import textwrap
from typing import Any

from .convert import Converter
from ..errors import S2SADError, UnsupportedSyntaxError
from .nodes import Const, Expr, IRError, Op, substitute
from ..primitives.registry import PRIMS, Primitive, Rule, lookup

_MISSING = object()


@functools.lru_cache(maxsize=None)
def _classes(module_name: str) -> dict[str, ast.ClassDef]:
    """Every top-level class of a rule module, parsed once."""
    module = sys.modules[module_name]
    tree = ast.parse(textwrap.dedent(inspect.getsource(module)))
    return {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}


def _internal_error(cls: type[S2SADError], message: str, node: ast.AST, **kw: Any) -> S2SADError:
    raise IRError(f"bad rule template at line {getattr(node, 'lineno', '?')}: {message}")


def _returns(fn: ast.FunctionDef) -> list[ast.expr | None]:
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        raise IRError(f"rule {fn.name} must be a single 'return' expression")
    value = body[0].value
    elts = value.elts if isinstance(value, ast.Tuple) else [value]
    return [None if isinstance(e, ast.Constant) and e.value is None else e for e in elts]


def parse_rule_class(prim: Primitive) -> None:
    """Fill `prim`'s params, defaults and per-argument VJP/JVP templates."""
    cls = prim.source
    node = _classes(cls.__module__)[cls.__name__]
    namespace = vars(sys.modules[cls.__module__])
    methods = {f.name: f for f in node.body if isinstance(f, ast.FunctionDef)}
    vjp_def, jvp_def = methods["vjp"], methods["jvp"]
    vjp_params = tuple(a.arg for a in vjp_def.args.args)
    prim.params = vjp_params[2:]
    defaults = cls.__dict__["vjp"].__defaults__ or ()
    prim.defaults = dict(zip(vjp_params[len(vjp_params) - len(defaults):], defaults))
    jvp_params = tuple(a.arg for a in jvp_def.args.args)

    def convert(params: tuple[str, ...], e: ast.expr) -> Expr:
        conv = Converter(lambda n: namespace.get(n, getattr(builtins, n, _MISSING)), lambda n: n if n in params else None, _internal_error)
        return conv.expr(e)

    prim._vjp = [None if e is None else Rule(vjp_params, template=convert(vjp_params, e)) for e in _returns(vjp_def)]
    prim._jvp = [None if e is None else Rule(jvp_params, template=convert(jvp_params, e)) for e in _returns(jvp_def)]


def bind(prim: Primitive, op: Op) -> dict[str, Expr]:
    """Map `prim`'s parameter names to the argument expressions of a call `op`."""
    params = prim.params
    if len(op.args) > len(params) and params:
        raise UnsupportedSyntaxError(f"too many arguments to {prim.spelling.path or prim.name}", construct=prim.name)
    mapping: dict[str, Expr] = dict(zip(params, op.args))
    for k, v in op.kwargs:
        if k not in params:
            raise UnsupportedSyntaxError(
                f"keyword argument {k!r} of {prim.spelling.path or prim.name} is not supported", construct=f"{k}="
            )
        mapping[k] = v
    for p in params:
        if p not in mapping:
            if p in prim.defaults:
                mapping[p] = Const(prim.defaults[p])
            else:
                raise UnsupportedSyntaxError(f"{prim.spelling.path or prim.name} needs argument {p!r}", construct=prim.name)
    return mapping


def instantiate(rule: Rule, mapping: dict[str, Expr]) -> Expr:
    """The rule's expression with placeholders replaced by `mapping`."""
    if rule.template is not None:
        return substitute(rule.template, mapping)
    callee = lookup(rule.func)
    assert callee is not None
    return Op(callee.name, tuple(mapping[p] for p in rule.params))


def dot_name(param: str) -> str:
    """The placeholder for a template parameter's tangent (`x` -> `x_dot`)."""
    return f"{param}_dot"


__all__ = ["parse_rule_class", "bind", "instantiate", "dot_name", "PRIMS"]
