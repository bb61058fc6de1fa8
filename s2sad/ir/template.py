"""Rule templates: a rule class's `vjp`/`jvp` source -> IR expression templates.

Input: a built-in rule class (see `s2sad/rules/`). Output: per-argument `Rule`
records on its `Primitive`, each holding the IR tree of one element of the
method's `return` tuple, with the method's parameters as placeholder `Var`s.
`instantiate` substitutes the actual argument expressions into a template (or,
for a user rule, builds a visible call to it).

At its import it fills the registry's service slot `registry.TEMPLATE_LOADER` with `parse_rule_class`: a
`Primitive` reads its rule class through it, the first time its rules are asked for.
"""
from __future__ import annotations

import ast
import builtins
import functools
import inspect
import sys
import textwrap
from typing import Any

from .convert import MISSING, Converter
from ..errors import S2SADError, UnsupportedSyntaxError
from .nodes import Const, Expr, IRError, Op, Var, substitute
from ..primitives import registry
from ..primitives.registry import PRIMS, Primitive, Rule, lookup


@functools.lru_cache(maxsize=None)
def _classes(module_name: str) -> dict[str, ast.ClassDef]:
    """Every top-level class of a rule module, parsed once."""
    module = sys.modules[module_name]
    tree = ast.parse(textwrap.dedent(inspect.getsource(module)))
    return {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}


def _internal_error(cls: type[S2SADError], message: str, node: ast.AST, **kw: Any) -> S2SADError:
    raise IRError(f"bad rule template at line {getattr(node, 'lineno', '?')}: {message}")


def _elements(value: ast.expr) -> list[ast.expr | None]:
    """A rule's return expression, one element per argument (None: no derivative)."""
    elts = value.elts if isinstance(value, ast.Tuple) else [value]
    return [None if isinstance(e, ast.Constant) and e.value is None else e for e in elts]


def _returns(fn: ast.FunctionDef) -> list[ast.expr | None]:
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        raise IRError(f"rule {fn.name} must be a single 'return' expression")
    return _elements(body[0].value)


def _method(cls: type, name: str) -> ast.FunctionDef:
    """A rule class's method `name` as a syntax tree; a rule factory (`rules.bilinear.bilinear_adjoints`)
    gives it as text, a `def`."""
    own = cls.__dict__[name]
    if isinstance(own, str):
        return ast.parse(textwrap.dedent(own)).body[0]  # type: ignore[return-value]
    node = _classes(cls.__module__)[cls.__name__]
    return {f.name: f for f in node.body if isinstance(f, ast.FunctionDef)}[name]


def _defaults(cls: type, name: str, fn: ast.FunctionDef) -> tuple[Any, ...]:
    """The default values of a rule class's method `name` (`fn`: its syntax tree)."""
    own = cls.__dict__[name]
    if isinstance(own, str):
        return tuple(ast.literal_eval(d) for d in fn.args.defaults)
    return own.__defaults__ or ()


def _times(g: ast.expr, d: ast.expr) -> ast.expr:
    """`g * d` as one writes it by hand: `g` leads a chain of products and quotients (`2 * x` gives
    `g * 2 * x`), a leading 1 is `g` itself (`1 / x` gives `g / x`) and a leading minus goes onto `g`
    (`-np.sin(x)` gives `-g * np.sin(x)`)."""
    if isinstance(d, ast.BinOp) and isinstance(d.op, (ast.Mult, ast.Div)):
        return ast.BinOp(_times(g, d.left), d.op, d.right)
    if isinstance(d, ast.UnaryOp) and isinstance(d.op, ast.USub):
        return _times(ast.UnaryOp(ast.USub(), g), d.operand)
    if isinstance(d, ast.Constant) and type(d.value) is int and d.value == 1:
        return g
    return ast.BinOp(g, ast.Mult(), d)


def _from_derivative(cls: type) -> tuple[tuple[str, ...], list[ast.expr | None], tuple[str, ...], list[ast.expr | None], tuple[Any, ...]]:
    """The VJP and JVP (parameters, return elements) and the defaults of a rule class that declares only
    its elementwise derivative `d`: a text of one argument `x` (`d = "np.cos(x)"`) or a method
    `d(ans, x, ...)` returning one derivative per argument (None: none). The VJP is `g * d`, the JVP
    `x_dot * d` (see `_times`): autograd's `defjvp(f, "same")`, one rule for both modes."""
    own = cls.__dict__["d"]
    if isinstance(own, str):
        params: tuple[str, ...] = ("x",)
        derivatives, defaults = _elements(ast.parse(own.strip(), mode="eval").body), ()
    else:
        fn = _method(cls, "d")
        params = tuple(a.arg for a in fn.args.args)[1:]
        derivatives, defaults = _returns(fn), own.__defaults__ or ()
    vjp = [None if d is None else _times(ast.Name("g", ast.Load()), d) for d in derivatives]
    jvp = [None if d is None else _times(ast.Name(dot_name(p), ast.Load()), d) for p, d in zip(params, derivatives)]
    return ("g", "ans", *params), vjp, ("ans", *params, *(dot_name(p) for p in params)), jvp, defaults


def _linear(prim: Primitive, params: tuple[str, ...], vjp: list[ast.expr | None]) -> tuple[tuple[str, ...], list[Expr | None]]:
    """The JVP (parameters, one template per argument) of a primitive declared `linear` (`defrule(...,
    linear=True)`, its class writing only `vjp`): in each argument with a VJP, the primitive itself applied
    to that argument's tangent, the other arguments as they are -- autograd's `def_linear`."""
    jvp: list[Expr | None] = [None if v is None else Op(prim.name, tuple(Var(dot_name(q) if q == p else q) for q in params))
                              for p, v in zip(params, vjp)]
    return ("ans", *params, *(dot_name(p) for p in params)), jvp


def parse_rule_class(prim: Primitive) -> None:
    """Fill `prim`'s params, defaults and per-argument VJP/JVP templates."""
    cls = prim.source
    namespace = vars(sys.modules[cls.__module__])
    if "d" in cls.__dict__:
        vjp_params, vjp, jvp_params, jvp, defaults = _from_derivative(cls)
    else:
        vjp_def = _method(cls, "vjp")
        vjp_params, vjp, defaults = tuple(a.arg for a in vjp_def.args.args), _returns(vjp_def), _defaults(cls, "vjp", vjp_def)
        if prim.linear:
            if "jvp" in cls.__dict__:
                raise IRError(f"rule {cls.__name__} is declared linear: its JVP comes from the function, not a `jvp`")
            jvp_params, jvp = _linear(prim, vjp_params[2:], vjp)
        else:
            jvp_def = _method(cls, "jvp")
            jvp_params, jvp = tuple(a.arg for a in jvp_def.args.args), _returns(jvp_def)
    prim.params = vjp_params[2:]
    prim.defaults = dict(zip(vjp_params[len(vjp_params) - len(defaults):], defaults))

    def convert(params: tuple[str, ...], e: ast.expr | Expr) -> Expr:
        if not isinstance(e, ast.AST):  # a template built here already (`_linear`)
            return e
        conv = Converter(lambda n: namespace.get(n, getattr(builtins, n, MISSING)), lambda n: n if n in params else None, _internal_error)
        return conv.expr(e)

    vjp_rules = [None if e is None else Rule(vjp_params, template=convert(vjp_params, e)) for e in vjp]
    prim.set_rules(vjp_rules, [])  # (read while the JVP templates are converted, as before: no second parse)
    prim.set_rules(vjp_rules, [None if e is None else Rule(jvp_params, template=convert(jvp_params, e)) for e in jvp])


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


registry.TEMPLATE_LOADER = parse_rule_class  # a primitive reads its rule class through this (registry.py)

__all__ = ["parse_rule_class", "bind", "instantiate", "dot_name", "PRIMS"]
