"""The bad-input catalogue: every way a user can hand s2sad something it cannot differentiate.

For each item the user gets an `S2SADError` subclass naming the file, the line
and the construct -- or a documented correct behaviour -- and never an internal
traceback or a silently wrong number. The README's Reliability section has the
same catalogue as a table.

Programs are written to temporary .py files and imported, because s2sad reads
source from files; that also lets one test file hold syntax that only newer
Pythons parse (`except*`, `type X = ...`).
"""
from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import s2sad
from s2sad.frontend import fence
from s2sad.primitives import registry
from s2sad.teach.cli import main

from program_files import load_source


def load(tmp_path, source: str, name: str | None = None):
    """Write `source` to a fresh module file and import it."""
    return load_source(tmp_path, source, "bad_input", name)


def located(err: s2sad.S2SADError, module, line: int, construct: str) -> None:
    """The error names the file, the line and the construct, and shows the line with a caret."""
    assert isinstance(err, s2sad.S2SADError)
    assert err.filename is not None and os.path.basename(err.filename) == os.path.basename(module.__file__), str(err)
    assert err.lineno == line, str(err)
    text = str(err)
    assert construct in text or construct in (err.construct or ""), (construct, text)
    assert f", line {line}:" in text
    if err.source_line is not None:
        assert "^" in text


# The package's own directory: a checkout is itself often a folder named `s2sad` (what `git clone`
# gives), so a frame is internal only when its file lies below this directory, not whenever its path
# merely contains "/s2sad/".
PACKAGE_DIR = os.path.realpath(os.path.dirname(s2sad.__file__)) + os.sep


def internal(path) -> bool:
    """Whether a traceback frame's file is part of the s2sad package (its API boundary excepted: the transforms
    in api/transforms.py and the decorated function's methods in decorator.py, which call them)."""
    path = os.path.realpath(str(path))
    return path.startswith(PACKAGE_DIR) and os.path.basename(path) not in ("transforms.py", "decorator.py")


def no_internal_frames(info: pytest.ExceptionInfo) -> None:
    """The traceback ends at the API boundary: no frame of the compiler itself."""
    inner = [e.name for e in info.traceback if internal(e.path)]
    assert not inner, inner


# -- every statement and expression kind the fence refuses ---------------------------------------------

BODY = "import numpy as np\n\n\ndef f(x):\n{body}\n    return x\n"
LINE = 5  # the first line of {body}

# Unsupported statement kinds -> (body, the construct the message names). Statements only valid in
# an `async def` make the whole function async, which is refused at the `def` line.
STATEMENTS = {
    "FunctionDef": None,  # a local helper, inlined where it is called (desugar.py; tests/test_constructs.py)
    "AsyncFunctionDef": ("    async def g(t):\n        return t", "nested async function"),
    "ClassDef": ("    class C:\n        pass", "class definition"),
    "Delete": ("    y = [x]\n    del y[0]", "'del' statement"),  # (`del name` is dropped where name is not read again)
    "AnnAssign": ("    y: float = x", "annotated assignment"),
    "With": ("    with open('f') as h:\n        y = x", "'with' statement"),
    "Raise": None,  # kept in the forward sweep (effects.py; tests/test_regressions_lists.py)
    "Try": ("    try:\n        y = x\n    except ValueError:\n        y = x", "'try' statement"),
    "TryStar": ("    try:\n        y = x\n    except* ValueError:\n        y = x", "'try' statement"),
    "Assert": None,  # kept in the forward sweep (tests/test_constructs.py)
    "Import": ("    import math", "'import' statement"),
    "ImportFrom": ("    from math import sin", "'import' statement"),
    "Global": ("    global G\n    G = x", "'global' statement"),
    "Nonlocal": None,  # needs an enclosing function: see test_nonlocal
    "Match": ("    match x:\n        case _:\n            y = x", "'match' statement"),
    "TypeAlias": ("    type T = float", "TypeAlias"),
    "AsyncFor": None,  # only inside async def: see test_async_constructs
    "AsyncWith": None,
}
# Supported statement kinds that still refuse some forms: (body, construct).
STATEMENT_FORMS = {
    "expression statement": ("    np.sin(x)", "np.sin"),  # a call given a parameter itself (effects.py)
    "bare raise": ("    raise", "raise"),
    "method call statement on a local": ("    y = x * 2\n    y.sort()", "y.sort"),
    "local function used as a value": ("    def g(t):\n        return t\n    y = g", "nested function"),
    "recursive local function": ("    def g(t):\n        return g(t)\n    y = g(x)", "g(...)"),
    "local function without a final return": ("    def g(t):\n        if t > 0:\n            return t\n        return -t\n    y = g(x)", "nested function definition"),
    "attribute assignment": ("    np.x = x", "assignment to Attribute"),
    "starred assignment": ("    a, *b = (x, x, x)", "assignment to Tuple"),
    "return inside a loop": ("    for i in range(2):\n        return x", "return in loop"),
    "subscript store into a module attribute": ("    np.e[0] = x", "subscript assignment"),
}
# Unsupported expression kinds -> (body, construct).
EXPRESSIONS = {
    "NamedExpr": ("    y = (z := x)", "walrus operator ':='"),
    "Lambda": ("    y = np.sum(list(map(lambda t: t, (x, x))))", "lambda"),
    "Dict": ("    y = {'a': x}\n    x = y", "dict display"),  # (one read only by constant keys is split: desugar.py)
    "Set": ("    y = {x}", "set display"),
    "ListComp": None,  # a loop appending to a list (desugar.py; tests/test_constructs.py)
    "SetComp": None,  # a list built by a loop, then set(items); of differentiated values refused (tests/test_constructs.py)
    "DictComp": ("    y = {t: t for t in (x, x)}", "dict comprehension"),
    "GeneratorExp": None,  # likewise; in sum(...), an accumulation
    "Yield": ("    y = yield x", "yield"),
    "YieldFrom": ("    y = yield from (x,)", "yield from"),
    "JoinedStr": ("    y = f'{x}'", "f-string"),
    "FormattedValue": ("    y = f'{x}'", "f-string"),
    "Starred": ("    y = np.add(*(x, x))", "starred expression"),
    "Await": None,  # only inside async def
    "TemplateStr": None,  # Python 3.14 t-strings: not parsed by the versions tested
    "Interpolation": None,
}


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
        return True
    except SyntaxError:
        return False


def test_catalogue_covers_every_statement_and_expression_kind():
    """A new Python statement or expression kind fails here until the catalogue names it."""
    stmts = {c.__name__ for c in ast.stmt.__subclasses__()} - {c.__name__ for c in fence.SUPPORTED_STATEMENTS}
    exprs = {c.__name__ for c in ast.expr.__subclasses__()} - {c.__name__ for c in fence.SUPPORTED_EXPRESSIONS}
    assert stmts <= set(STATEMENTS), stmts - set(STATEMENTS)
    assert exprs <= set(EXPRESSIONS), exprs - set(EXPRESSIONS)


@pytest.mark.parametrize("kind", sorted(k for k, v in {**STATEMENTS, **EXPRESSIONS}.items() if v))
def test_unsupported_kind_is_located(tmp_path, kind):
    body, construct = {**STATEMENTS, **EXPRESSIONS}[kind]
    source = BODY.format(body=body)
    if not hasattr(ast, kind) or not _parses(source):
        pytest.skip(f"{kind} is not Python {sys.version_info[:2]} syntax")
    module = load(tmp_path, source)
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(module.f)(1.5)
    located(info.value, module, _line_of(body, kind), construct)
    no_internal_frames(info)


def _line_of(body: str, kind: str) -> int:
    """The line the error points at: the first line of the offending construct."""
    offsets = {"Delete": 1, "Global": 0}
    return LINE + offsets.get(kind, 0)


@pytest.mark.parametrize("form", sorted(STATEMENT_FORMS))
def test_refused_forms_of_supported_statements(tmp_path, form):
    body, construct = STATEMENT_FORMS[form]
    module = load(tmp_path, BODY.format(body=body))
    with pytest.raises(s2sad.S2SADError) as info:
        s2sad.grad(module.f)(1.5)
    err = info.value
    assert isinstance(err, (s2sad.UnsupportedSyntaxError, s2sad.UnknownFunctionError))
    assert err.filename.endswith(os.path.basename(module.__file__)) and err.lineno is not None
    assert LINE <= err.lineno <= LINE + body.count("\n") + 1
    assert construct in str(err) or construct in (err.construct or ""), str(err)
    no_internal_frames(info)


def test_async_constructs(tmp_path):
    module = load(tmp_path, """\
        import numpy as np


        async def f(x):
            async for t in x:
                y = await t
            return x
        """)
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(module.f)(1.5)
    located(info.value, module, 4, "async def")


def test_nonlocal(tmp_path):
    module = load(tmp_path, """\
        def outer():
            c = 2.0

            def f(x):
                nonlocal c
                c = x
                return x * c
            return f
        """)
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(module.outer())(1.5)
    located(info.value, module, 5, "'nonlocal' statement")


# Operators and comparisons without a registered primitive: data-driven, so the list shrinks as rules land.
_OPERATOR_TEXT = {"FloorDiv": "//", "Mod": "%", "LShift": "<<", "RShift": ">>", "BitOr": "|", "BitXor": "^", "BitAnd": "&",
                  "Add": "+", "Sub": "-", "Mult": "*", "Div": "/", "Pow": "**", "MatMult": "@"}


@pytest.mark.parametrize("op", sorted(_OPERATOR_TEXT))
def test_operator_without_a_rule(tmp_path, op):
    if registry.lookup_binop(getattr(ast, op)) is not None:
        pytest.skip(f"{op} has a rule")
    module = load(tmp_path, BODY.format(body=f"    y = x {_OPERATOR_TEXT[op]} 2"))
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(module.f)(1.5)
    located(info.value, module, LINE, f"x {_OPERATOR_TEXT[op]} 2")


def test_invert_without_a_rule(tmp_path):
    if registry.lookup_unary(ast.Invert) is not None:
        pytest.skip("~ has a primitive")
    module = load(tmp_path, BODY.format(body="    y = ~x"))
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(module.f)(1.5)
    located(info.value, module, LINE, "~x")


@pytest.mark.parametrize("body,construct", [
    ("    y = 0 < x < 1", "0 < x < 1"),
    ("    y = 1j * x", "complex"),
    ("    y = undefined_name * x", "undefined_name"),
    ("    y = x if undefined_flag else -x", "undefined_flag"),
    ("    y = undefined_function(x)", "undefined_function"),
    ("    y = np.sin", "np.sin"),
    ("    y = np.linalg", "np.linalg"),
    ("    y = x.no_such_attribute", ".no_such_attribute"),
    ("    y = x.no_such_method()", ".no_such_method()"),
    ("    y = math.gamma(x)", "math.gamma"),
])
def test_unsupported_expressions(tmp_path, body, construct):
    source = "import math\n" + BODY.format(body=body)
    if registry.lookup(math.gamma) is not None and "gamma" in body:
        pytest.skip("math.gamma has a rule")
    module = load(tmp_path, source)
    with pytest.raises((s2sad.UnsupportedSyntaxError, s2sad.UnknownFunctionError)) as info:
        s2sad.grad(module.f)(np.array([1.5, 2.0]) if "attribute" in body or "method" in body else 1.5)
    located(info.value, module, LINE + 1, construct)
    no_internal_frames(info)


def test_unknown_function_has_the_rule_hint(tmp_path):
    module = load(tmp_path, "import math\n\n\ndef f(x):\n    return math.gamma(x)\n")
    if registry.lookup(math.gamma) is not None:
        pytest.skip("math.gamma has a rule")
    with pytest.raises(s2sad.UnknownFunctionError) as info:
        s2sad.grad(module.f)(1.5)
    assert "defvjp" in str(info.value) and "primitive" in str(info.value)
    located(info.value, module, 5, "math.gamma")


def test_structural_refusals(tmp_path):
    module = load(tmp_path, """\
        import numpy as np


        def no_return(x):
            y = x * 2


        def bare_return(x):
            return


        def unreachable(x):
            return x
            y = x


        def recursive(x):
            return recursive(x)


        def star_args(*xs):
            return xs[0]


        def mismatched(x):
            a, b = x, x, x
            return a


        def stores_into_input(x):
            x[0] = 1.0
            return np.sum(x)
        """)
    assert s2sad.grad(module.unreachable)(1.5) == 1.0  # code after return never runs, in Python as in s2sad
    cases = [("bare_return", 9, "return"), ("recursive", 18, "recursive"), ("star_args", 21, "*args"), ("mismatched", 26, "tuple unpacking"),
             ("stores_into_input", 31, "x[0]")]
    for name, line, construct in cases:
        with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
            s2sad.grad(getattr(module, name))(np.ones(3))
        located(info.value, module, line, construct)
    assert "np.array(x)" in str(info.value)  # the hint says how to update a copy
    # A function without a return is refused, at its definition, with that reason.
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(module.no_return)(np.ones(3))
    assert info.value.filename.endswith(os.path.basename(module.__file__)) and info.value.lineno in (4, 5)
    assert "no return statement" in str(info.value)


# -- functions without source ----------------------------------------------------------------------------


def _ufunc_without_rule():
    for fn in (np.i0, np.unwrap, np.spacing, np.nextafter, np.frexp):
        if registry.lookup(fn) is None:
            return fn
    pytest.skip("every candidate NumPy function has a rule now")


class _Callable:
    def __call__(self, x):
        return x * 2.0


@pytest.mark.parametrize("fn", [print, math.gamma, "numpy", _Callable(), functools.partial(math.pow, 2.0)],
                         ids=["builtin", "C function", "NumPy function without a rule", "callable object", "partial"])
def test_function_without_source(fn):
    fn = _ufunc_without_rule() if fn == "numpy" else fn
    with pytest.raises(s2sad.SourceUnavailableError) as info:
        s2sad.grad(fn)(1.5)
    assert "s2sad.primitive" in str(info.value) and "defvjp" in str(info.value)
    no_internal_frames(info)


def test_functions_with_a_rule_need_no_source():
    # C functions that are primitives are differentiated through their own rules.
    assert s2sad.grad(np.sin)(0.3) == pytest.approx(math.cos(0.3))
    np.testing.assert_allclose(s2sad.grad(np.sum)(np.ones(3)), np.ones(3))
    np.testing.assert_allclose(s2sad.grad(np.mean)(np.ones(4)), np.full(4, 0.25))
    assert s2sad.jvp(np.exp, (0.5,), (2.0,))[1] == pytest.approx(2 * math.exp(0.5))


def test_non_differentiable_primitive_as_target():
    with pytest.raises(s2sad.NonDifferentiableError, match="no derivative"):
        s2sad.grad(np.floor)(1.5)
    with pytest.raises(s2sad.NonDifferentiableError):
        s2sad.grad(len)([1.0, 2.0])


def test_exec_and_repl_functions():
    namespace: dict = {}
    exec("import numpy as np\ndef ex(x):\n    return x * x\n", namespace)  # noqa: S102
    with pytest.raises(s2sad.SourceUnavailableError) as info:
        s2sad.grad(namespace["ex"])(1.5)
    assert "exec" in str(info.value) and "s2sad.primitive" in str(info.value)
    assert info.value.filename == "<string>" and info.value.lineno == 2
    repl: dict = {}
    exec(compile("def typed(x):\n    return x * 3.0\n", "<stdin>", "exec"), repl)  # noqa: S102
    with pytest.raises(s2sad.SourceUnavailableError, match="REPL"):
        s2sad.grad(repl["typed"])(1.5)


def test_exec_helper_called_from_a_file(tmp_path):
    namespace: dict = {}
    exec("def helper(x):\n    return x * x\n", namespace)  # noqa: S102
    module = load(tmp_path, "def f(x):\n    return helper(x) + x\n")
    module.helper = namespace["helper"]
    with pytest.raises(s2sad.SourceUnavailableError, match="helper"):
        s2sad.grad(module.f)(1.5)


def test_exec_helper_made_a_primitive(tmp_path):
    # The documented way out for a function without source: make it a primitive with rules.
    namespace: dict = {}
    exec("def helper(x):\n    return x * x\n", namespace)  # noqa: S102
    module = load(tmp_path, "def f(x):\n    return helper(x) + x\n")
    module.helper = namespace["helper"]
    s2sad.primitive(namespace["helper"])
    s2sad.defvjp(namespace["helper"], lambda g, ans, x: g * 2 * x)
    s2sad.defjvp(namespace["helper"], lambda t, ans, x: t * 2 * x)
    assert s2sad.grad(module.f)(1.5) == pytest.approx(4.0)


def test_lambda_in_a_file(tmp_path):
    module = load(tmp_path, "square = lambda x: x * x  # noqa: E731\n")
    with pytest.raises(s2sad.SourceUnavailableError) as info:
        s2sad.grad(module.square)(1.5)
    assert "lambda" in str(info.value) and "def" in (info.value.hint or "")
    assert info.value.lineno == 1


# -- wrt ----------------------------------------------------------------------------------------------------

TWO = "import numpy as np\n\n\ndef f(x, y):\n    return x * y + np.sin(x)\n"


@pytest.mark.parametrize("wrt,message", [
    ("z", "no parameter 'z'"),
    (2, "out of range"),
    (-3, "out of range"),
    ((0, "x"), "given twice"),
    (("y", 1), "given twice"),
    ((), "empty"),
    (True, "not True"),
    (1.5, "not 1.5"),
    (None, "not None"),
])
def test_bad_wrt(tmp_path, wrt, message):
    module = load(tmp_path, TWO)
    calls = [
        lambda: s2sad.grad(module.f, wrt=wrt)(1.0, 2.0),
        lambda: s2sad.value_and_grad(module.f, wrt=wrt)(1.0, 2.0),
        lambda: s2sad.differentiate(wrt=wrt)(module.f).grad(1.0, 2.0),
        lambda: s2sad.source(module.f, wrt=wrt),
        lambda: s2sad.jacobian(module.f, wrt=wrt)(1.0, 2.0),
    ]
    for call in calls:
        with pytest.raises(s2sad.WrtError, match=message) as info:
            call()
        located(info.value, module, 4, "wrt=")


def test_negative_wrt_counts_from_the_end(tmp_path):
    module = load(tmp_path, TWO)
    assert s2sad.grad(module.f, wrt=-1)(1.0, 2.0) == pytest.approx(1.0)


def test_wrong_number_of_arguments(tmp_path):
    module = load(tmp_path, TWO)
    with pytest.raises(s2sad.InputError, match="missing a required argument"):
        s2sad.grad(module.f)(1.0)
    with pytest.raises(s2sad.InputError, match="too many"):
        s2sad.grad(module.f)(1.0, 2.0, 3.0)


# -- arguments that are not floats -------------------------------------------------------------------------

KINDS = """\
import numpy as np


def sq(x):
    return x * x


def total(x):
    return np.sum(x * x)


def total_of_squares(x):
    return np.sum(np.square(x))


def scaled(x, scale=None, label="x"):
    if scale is None:
        return x * x
    return x * x * scale
"""


def test_int_and_bool_inputs_are_promoted_to_float(tmp_path):
    m = load(tmp_path, KINDS)
    g = s2sad.grad(m.sq)(3)
    assert g == 6.0 and type(g) is float
    g = s2sad.grad(m.total)(np.arange(3))
    assert g.dtype == np.float64 and g.tolist() == [0.0, 2.0, 4.0]
    g = s2sad.grad(m.sq)(True)
    assert g == 2.0 and type(g) is float
    g = s2sad.grad(m.total)(np.array([True, False]))
    assert g.dtype == np.float64 and g.tolist() == [2.0, 0.0]
    assert s2sad.vjp(m.sq, 3)[1](1.0) == (6.0,)
    g = s2sad.grad(m.sq)(np.float32(2.0))
    assert g == 4.0 and g.dtype == np.float32  # float32 in, float32 out
    # jvp holds an int argument constant: a zero tangent is fine, a nonzero one is refused, never dropped
    out, tangent = s2sad.jvp(m.sq, (3,), (0.0,))
    assert out == 9 and tangent == 0.0
    with pytest.raises(s2sad.InputError, match="argument 'x' is an int, which jvp holds constant") as info:
        s2sad.jvp(m.sq, (3,), (1.0,))
    located(info.value, m, 4, "x")
    no_internal_frames(info)


def test_lists_count_as_arrays(tmp_path):
    m = load(tmp_path, KINDS)
    g = s2sad.grad(m.total_of_squares)([1.0, 2.0])
    np.testing.assert_allclose(g, [2.0, 4.0])


@pytest.mark.parametrize("value,message", [
    (np.array([1.0, 2.0], dtype=object), "dtype object"),
    (1 + 2j, "complex"),
    (np.ones(2, dtype=complex), "complex"),
    (None, "None"),
    ("abc", "str"),
    (np.array(["a"]), "dtype <U1"),
])
def test_inputs_that_cannot_be_differentiated(tmp_path, value, message):
    m = load(tmp_path, KINDS)
    for call in (lambda: s2sad.grad(m.sq)(value), lambda: s2sad.vjp(m.sq, value), lambda: s2sad.jvp(m.sq, (value,), (value,))):
        with pytest.raises(s2sad.InputError, match=message) as info:
            call()
        assert "'x'" in str(info.value)
        no_internal_frames(info)


def test_a_dict_used_as_a_whole_is_refused_at_that_line(tmp_path):
    # A dict is a pytree now (issue 22), read by constant keys; `x * x` of a whole dict has no meaning.
    m = load(tmp_path, KINDS)
    for call in (lambda: s2sad.grad(m.sq)({"a": 1.0}), lambda: s2sad.vjp(m.sq, {"a": 1.0}),
                 lambda: s2sad.jvp(m.sq, ({"a": 1.0},), ({"a": 1.0},))):
        with pytest.raises(s2sad.UnsupportedSyntaxError, match="x is a dict") as info:
            call()
        assert info.value.lineno is not None and "return x * x" in str(info.value)
        no_internal_frames(info)


def test_other_arguments_may_be_anything(tmp_path):
    # Only the arguments in wrt must be numbers; an option may be None or a string.
    m = load(tmp_path, KINDS)
    assert s2sad.grad(m.scaled)(3.0, None, "label") == 6.0
    assert s2sad.grad(m.scaled)(3.0, 2.0) == 12.0


# -- shapes --------------------------------------------------------------------------------------------------

SHAPES = """\
import numpy as np


def vec(x):
    return np.sin(x) * 2.0


def pair(x):
    return x * 2.0, np.sum(x)


def pair_by_branches(x):
    if np.sum(x) > 100.0:
        return x, np.ones(2)
    return x * x, np.ones(2)


def tiled(v):
    return np.tile(v, (3, 1)).T
"""


def test_cotangent_of_the_wrong_shape(tmp_path):
    m = load(tmp_path, SHAPES)
    _, pullback = s2sad.vjp(m.vec, np.ones(3))
    for bad, message in ((np.ones(2), r"cotangent has shape \(2,\), but the output has shape \(3,\)"),
                         (1.0, r"cotangent has shape \(\)"),
                         ((np.ones(3), 1.0), "ragged tuple")):
        with pytest.raises(s2sad.ShapeError, match=message):
            pullback(bad)
    _, pullback = s2sad.vjp(m.pair, np.ones(3))
    for bad, message in ((1.0, "tuple of 2, but the cotangent is float"), ((np.ones(3),), "has 1 parts"),
                         ((np.ones(3), np.ones(3)), r"cotangent has shape \(3,\), but the output has shape \(\)")):
        with pytest.raises(s2sad.ShapeError, match=message):
            pullback(bad)
    np.testing.assert_allclose(pullback((np.ones(3), 1.0))[0], np.full(3, 3.0))


def test_tuple_from_several_returns_takes_a_tuple_cotangent(tmp_path):
    m = load(tmp_path, SHAPES)
    out, pullback = s2sad.vjp(m.pair_by_branches, np.ones(3))
    np.testing.assert_allclose(pullback((np.ones(3), np.ones(2)))[0], np.full(3, 2.0))
    with pytest.raises(s2sad.ShapeError):
        pullback((np.ones(3), np.ones(3)))  # a ragged tuple, the wrong second shape


def test_tangent_of_the_wrong_shape(tmp_path):
    m = load(tmp_path, SHAPES)
    with pytest.raises(s2sad.ShapeError, match=r"tangent for 'x' has shape \(2,\), but the primal has shape \(3,\)"):
        s2sad.jvp(m.vec, (np.ones(3),), (np.ones(2),))
    with pytest.raises(s2sad.ShapeError, match="1 primals but 0 tangents"):
        s2sad.jvp(m.vec, (np.ones(3),), ())


@pytest.mark.parametrize("name,what", [("vec", r"shape \(3,\)"), ("pair", "a tuple"), ("pair_by_branches", "a tuple"),
                                       ("tiled", r"shape \(2, 3\)")])
def test_grad_of_a_non_scalar_output(tmp_path, name, what):
    m = load(tmp_path, SHAPES)
    for g in (s2sad.grad, s2sad.value_and_grad):
        with pytest.raises(s2sad.ShapeError, match=f"grad needs a scalar output, but {name} returned {what}") as info:
            g(getattr(m, name))(np.ones(2 if name == "tiled" else 3))
        assert "s2sad.jacobian" in str(info.value) and "s2sad.vjp" in str(info.value)
        assert info.value.filename.endswith(os.path.basename(m.__file__))
        no_internal_frames(info)


# -- NaN and inf ------------------------------------------------------------------------------------------------

IEEE = """\
import numpy as np


def sq(x):
    return x * x


def root(x):
    return np.sqrt(x)


def wave(x):
    return np.sum(np.sin(x))
"""


def test_nan_and_inf_pass_through_as_ieee_says(tmp_path):
    m = load(tmp_path, IEEE)
    with np.errstate(all="ignore"):  # NumPy's own warnings for invalid values stay NumPy's business
        assert math.isnan(s2sad.grad(m.sq)(float("nan")))
        assert s2sad.grad(m.sq)(float("inf")) == math.inf
        assert s2sad.grad(m.sq)(-math.inf) == -math.inf
        assert s2sad.grad(m.root)(math.inf) == 0.0  # 1 / (2 sqrt(inf))
        g = s2sad.grad(m.wave)(np.array([np.inf, np.nan, 0.0]))
        assert math.isnan(g[0]) and math.isnan(g[1]) and g[2] == 1.0  # cos(inf) is NaN
        value, tangent = s2sad.jvp(m.sq, (math.inf,), (1.0,))
        assert value == math.inf and tangent == math.inf
        _, pullback = s2sad.vjp(m.sq, 2.0)
        assert math.isnan(pullback(float("nan"))[0])


# -- globals and randomness ----------------------------------------------------------------------------------------

STATE = """\
import random

import numpy as np

G = [0.0]
SCALE = 3.0


def mutates_global_list(x):
    G[0] = x
    return x * x


def appends_to_global(x):
    G.append(x)
    return x


def uses_numpy_random(x):
    return x * np.random.normal()


def uses_random(x):
    return x * random.random()


def noise_as_argument(x, noise):
    return x * x + noise


def reads_scale(x):
    return SCALE * x
"""


def test_mutating_a_global_is_refused(tmp_path):
    m = load(tmp_path, STATE)
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(m.mutates_global_list)(1.0)
    located(info.value, m, 10, "G[0]")
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(m.appends_to_global)(1.0)
    located(info.value, m, 15, "G.append")
    assert m.G == [0.0]  # nothing ran


UPDATES = """\
import numpy as np


def updates_an_argument(x):
    x[0] = 2.0
    return np.sum(x)


def updates_an_array_with_two_names(x):
    v = np.ones(3) * x
    for i in range(2):
        if i > 5:
            w = v
        else:
            w = 2.0 * v
        v[:2] += w[:2]
    return np.sum(v)
"""


def test_in_place_updates_say_whose_array(tmp_path):
    # The caller's array, and an array this function made but gave a second name (`w = v`): the
    # message says which, and the hint how to copy.
    m = load(tmp_path, UPDATES)
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(m.updates_an_argument)(np.ones(3))
    located(info.value, m, 5, "x[0]")
    assert "would change an array the caller passed in" in str(info.value)
    assert "x = np.array(x)" in info.value.hint
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(m.updates_an_array_with_two_names)(np.ones(3))
    located(info.value, m, 16, "v[:2]")
    assert "in-place update of 'v' would change 'w' too: `w = v` made them one array" in str(info.value)
    assert info.value.hint == "copy the array where the second name is made: w = v.copy()"


def test_randomness_inside_is_refused_and_as_an_argument_is_a_constant(tmp_path):
    m = load(tmp_path, STATE)
    for name, line in (("uses_numpy_random", 20), ("uses_random", 24)):
        with pytest.raises(s2sad.UnknownFunctionError) as info:
            s2sad.grad(getattr(m, name))(1.0)
        located(info.value, m, line, "random")
    # Documented: draw the noise outside and pass it in; it is a constant for the derivative.
    noise = np.random.default_rng(0).normal()
    assert s2sad.grad(m.noise_as_argument)(1.5, noise) == 3.0


def test_a_global_re_bound_after_the_first_call_is_seen(tmp_path):
    # README "Globals": the cached derivative is regenerated, as autograd would see the new value.
    m = load(tmp_path, STATE)
    g = s2sad.grad(m.reads_scale)
    assert g(1.0) == 3.0
    m.SCALE = 4.0
    assert m.reads_scale(1.0) == 4.0
    assert g(1.0) == 4.0 and s2sad.grad(m.reads_scale)(1.0) == 4.0


# -- source changed on disk after import --------------------------------------------------------------------------


def test_source_changed_on_disk_after_import(tmp_path):
    path = tmp_path / "edited.py"
    path.write_text("def f(x):\n    return x * x\n")
    spec = importlib.util.spec_from_file_location("edited", path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    cached = load(tmp_path, "def g(x):\n    return x * x\n", name="edited_cached")
    assert s2sad.grad(cached.g)(3.0) == 6.0  # differentiated before the edit

    path.write_text("def f(x):\n    return x * x * x\n")
    (tmp_path / "edited_cached.py").write_text("def g(x):\n    return x * x * x\n")
    os.utime(path, (1, 1))  # a different mtime, so linecache reads the new text
    os.utime(tmp_path / "edited_cached.py", (1, 1))
    assert m.f(3.0) == 9.0  # the old code still runs
    with pytest.raises(s2sad.SourceUnavailableError) as info:
        s2sad.grad(m.f)(3.0)  # no derivative of the new text for the old code
    assert "changed" in str(info.value) and "reload" in (info.value.hint or "")
    assert info.value.filename == str(path) and info.value.lineno == 1
    assert s2sad.grad(cached.g)(3.0) == 6.0  # the cache key holds the code object: still the old function's
    spec.loader.exec_module(m)  # re-import: new code, new derivative
    assert s2sad.grad(m.f)(3.0) == 27.0


def test_closures_and_methods_are_not_mistaken_for_edited_source(tmp_path):
    m = load(tmp_path, """\
        from __future__ import annotations

        import math

        import numpy as np


        def make(c):
            def closed(x):
                return c * math.sin(x)
            return closed


        class Model:
            def loss(self, x):
                return np.sum(x * x)
        """)
    assert s2sad.grad(m.make(2.0))(0.3) == pytest.approx(2 * math.cos(0.3))
    assert s2sad.grad(m.Model.loss, wrt=1)(None, np.ones(2)).tolist() == [2.0, 2.0]


# -- the command line -----------------------------------------------------------------------------------------------


@pytest.fixture
def cli_files(tmp_path):
    (tmp_path / "ok.py").write_text("import numpy as np\nK = 3.0\n\n\ndef f(x, y):\n    return x * y\n\n\n"
                                    "def g(x):\n    try:\n        y = x\n    except ValueError:\n        y = x\n    return y\n")
    (tmp_path / "syntax.py").write_text("import numpy as np\n\n\ndef f(x):\n    return x *\n")
    (tmp_path / "boom.py").write_text("raise RuntimeError('boom')\n")
    (tmp_path / "notes.txt").write_text("not python\n")
    return tmp_path


def one_paragraph(err: str) -> None:
    assert err.strip() and "Traceback" not in err
    assert "\n\n" not in err.strip()
    assert len(err.strip().splitlines()) <= 6


@pytest.mark.parametrize("argv,status,message", [
    (["show", "{d}/missing.py:f"], 2, "file not found"),
    (["show", "{d}/syntax.py:f"], 2, "syntax.py, line 5: syntax error"),
    (["show", "{d}/ok.py:nope"], 2, "has no function 'nope'; it defines: f, g"),
    (["show", "{d}/ok.py:K"], 2, "is not a function"),
    (["show", "{d}/ok.py"], 2, "must look like FILE.py:FUNC"),
    (["show", "{d}:f"], 2, "is not a file"),
    (["show", "{d}/notes.txt:f"], 2, "not a Python source file"),
    (["show", "{d}/boom.py:f"], 2, "importing"),
    (["show", "no_such_module_s2sad:f"], 2, "cannot import module"),
    (["show", "{d}/ok.py:f", "--mode", "sideways"], 2, "invalid choice"),
    (["show", "{d}/ok.py:f", "--bogus"], 2, "unrecognized arguments"),
    (["show"], 2, "required: target"),
    (["show", "{d}/ok.py:f", "--args", "1.0", "abc"], 2, "not a Python literal"),
    (["show", "{d}/ok.py:f", "--wrt", "q"], 1, "ok.py, line 5: bad wrt"),
    (["show", "{d}/ok.py:f", "--args", "1.0"], 1, "missing a required argument"),
    (["show", "{d}/ok.py:g"], 1, "'try' statement"),
    (["export", "{d}/ok.py:f", "-o", "{d}/no/such/dir/out.py"], 2, "No such file or directory"),
])
def test_cli_bad_input(cli_files, capsys, argv, status, message):
    argv = [a.format(d=cli_files) for a in argv]
    assert main(argv) == status
    err = capsys.readouterr().err
    assert message in err, err
    one_paragraph(err)


def test_cli_errors_in_a_real_process(cli_files):
    for argv, status, message in ((["show", f"{cli_files}/syntax.py:f"], 2, "syntax error"),
                                  (["show", f"{cli_files}/ok.py:g"], 1, "'try' statement"),
                                  (["show", f"{cli_files}/missing.py:f"], 2, "file not found")):
        proc = subprocess.run([sys.executable, "-m", "s2sad", *argv], capture_output=True, text=True, cwd=cli_files)
        assert proc.returncode == status and message in proc.stderr, proc.stderr
        one_paragraph(proc.stderr)


def test_a_view_read_after_an_in_place_store_is_refused_at_the_read(tmp_path):
    module = load(tmp_path, """\
        import numpy as np


        def f(x):
            y = x * 2.0
            row = y[0:2]
            y[1:] = x[:-1] ** 2
            return np.sum(row * y[:2])
        """)
    for derive in (s2sad.grad(module.f), lambda x: s2sad.jvp(module.f, (x,), (np.ones(4),))):
        with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
            derive(np.linspace(-1, 1, 4))
        located(info.value, module, 8, "row")
        assert "line 7" in str(info.value) and ".copy()" in str(info.value)
        no_internal_frames(info)


def test_two_primitives_of_one_name_in_one_caller(tmp_path):
    # Generated code calls a primitive by its bare name, so two of one name cannot share a caller.
    first = {"np": np}
    second = {"np": np}
    exec("def h(x):\n    return np.sin(x)\n", first)  # noqa: S102
    exec("def h(x):\n    return x * x\n", second)  # noqa: S102
    for ns, rule in ((first, lambda g, ans, x: g * np.cos(x)), (second, lambda g, ans, x: g * 2 * x)):
        s2sad.primitive(ns["h"])
        s2sad.defvjp(ns["h"], rule)
    module = load(tmp_path, "def f(x):\n    y = a_h(x)\n    return y + b_h(x)\n")
    module.a_h, module.b_h = first["h"], second["h"]
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(module.f)(0.5)
    located(info.value, module, 3, "b_h")
    assert "'h'" in str(info.value)
