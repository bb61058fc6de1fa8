"""The pass manager (s2sad/passes/manager.py): one ordered list of passes, each variant's order, the switches,
the README's list made from it, and the teaching view `s2sad.source(f, passes=...)`."""
from __future__ import annotations

import ast
import inspect
import os
from dataclasses import fields

import numpy as np
import pytest

import s2sad
from s2sad.errors import InputError
from s2sad.passes import manager, settings as optimize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "s2sad")


def rosenbrock(x):
    a = x[1:] - x[:-1] ** 2
    return np.sum(100.0 * a ** 2 + (1.0 - x[:-1]) ** 2)


def sine_loop(x):
    for i in range(10):
        x = np.sin(x) * x + 0.5
    return x


X = np.linspace(-1.0, 1.5, 6)
GENERATED = ["aliasing", "layouts", "simplify", "recompute"]  # before and while generating an adjoint
ADJOINT = ["broadcasts", "scalar_adjoints", "accumulate", "checkpoint"]  # on every finished adjoint
LEAN = ["liveness", "cse", "fold", "collect", "factor"]


def test_readme_list_of_passes_is_the_managers():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    assert manager.START in text and manager.END in text
    inside = text.split(manager.START, 1)[1].split(manager.END, 1)[0]
    assert inside.strip() == manager.section().strip(), (
        "README's list of passes is stale: run `python -m s2sad.teach.readme --write`"
    )


def test_every_switch_is_a_pass_and_every_pass_switch_a_setting():
    settings = {f.name for f in fields(optimize.Settings)}
    switches = {p.setting for p in manager.PASSES if p.setting is not None}
    assert switches == settings
    assert len({p.name for p in manager.PASSES}) == len(manager.PASSES)
    assert all(p.stage in manager.STAGES for p in manager.PASSES)


def test_each_pass_is_called_as_apply_fn_context():
    for p in manager.PASSES:
        if p.stage in ("lowered", "program"):
            assert list(inspect.signature(p.run).parameters)[:2] in (["fn", "context"], ["low", "context"]), p.name
        else:
            assert p.run is None, p.name


@pytest.mark.parametrize("mode, variant, expected", [
    ("reverse", "vjp", GENERATED + ADJOINT + ["reuse"]),
    ("reverse", "value_and_grad", GENERATED + ADJOINT + ["reuse"]),
    ("reverse", "grad", GENERATED + ADJOINT + LEAN + ["inplace", "sincos", "reuse"]),
    ("reverse", "step_vjp", GENERATED + ADJOINT + ["step_seeds"] + LEAN),
    ("reverse", "quiet_vjp", GENERATED + ADJOINT + ["reuse", "quiet"]),
    ("forward", "jvp", ["aliasing", "simplify", "tangent_stores"]),
    ("forward", "tangent", ["aliasing", "simplify", "tangent_stores", "drop_value"] + LEAN),
    ("forward", "diagonal", ["aliasing", "simplify", "tangent_stores", "drop_value", "seed_ones"] + LEAN),
])
def test_each_variant_runs_its_passes_in_order(mode, variant, expected):
    assert manager.order(mode, variant, optimize.Settings()) == expected


def test_switches_decide_what_runs():
    off = optimize.Settings(liveness=False, fold=False, reuse=False, recompute="off", layouts=False)
    assert manager.order("reverse", "step_vjp", off) == ["aliasing", "simplify"] + ADJOINT + ["step_seeds"]
    # the "grad" and "tangent" variants are made of liveness: it runs there whatever the switch
    assert manager.order("reverse", "grad", off) == ["aliasing", "simplify"] + ADJOINT + ["liveness", "cse", "collect", "factor", "inplace", "sincos"]
    assert manager.order("forward", "tangent", optimize.Settings(tangent_stores=False))[-6:] == ["drop_value"] + LEAN
    # without the arguments' dtypes (what grad and value_and_grad are given), no sincos and no reuse
    assert manager.order("reverse", "grad", optimize.Settings(), dtypes=False)[-2:] == ["factor", "inplace"]


def test_a_selection_names_passes():
    assert manager.select(None) is None
    assert manager.select("none") == frozenset()
    assert manager.select(["cse"]) == {"cse", "liveness"}  # the lean passes follow liveness
    with pytest.raises(InputError, match="unknown pass 'nothing'"):
        manager.select(["nothing"])
    with pytest.raises(InputError, match="unknown pass 'cheap_calls'"):
        manager.select(["cheap_calls"])  # a choice of the API, not a pass of the program
    # everything named runs what the switches run by default
    assert manager.order("reverse", "grad", optimize.Settings(), manager.select(manager.names())) == \
        manager.order("reverse", "grad", optimize.Settings())


def test_no_generator_reads_the_switches():
    for module in ("ad/forward.py", "ad/recompute.py", "ad/reverse.py"):
        with open(os.path.join(PACKAGE, module)) as f:
            tree = ast.parse(f.read())
        imported = {getattr(n, "module", None) or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any("passes" in m for m in imported), module
        if module == "ad/recompute.py":
            assert "reverse" not in imported  # (reverse.py imports recompute)


def test_source_with_every_pass_named_is_the_default():
    default = s2sad.source(rosenbrock, args=(X,))
    assert s2sad.source(rosenbrock, args=(X,), passes=manager.names()) == default
    assert s2sad.source(rosenbrock, "grad", args=(X,), passes=manager.names()) == s2sad.source(rosenbrock, "grad", args=(X,))


def test_source_without_passes_and_with_one():
    none = s2sad.source(rosenbrock, args=(X,), passes="none")
    assert none != s2sad.source(rosenbrock, args=(X,))
    broadcasts = s2sad.source(rosenbrock, args=(X,), passes=["broadcasts"])
    assert broadcasts != none
    assert broadcasts.count("unbroadcast(") < none.count("unbroadcast(")
    # the lean passes of the "grad" variant, one at a time
    lean = s2sad.source(rosenbrock, "grad", passes=["liveness"])
    assert s2sad.source(rosenbrock, "grad", passes=["liveness", "fold"]) != lean
    with pytest.raises(InputError, match="unknown pass"):
        s2sad.source(rosenbrock, passes=["folding"])


def _sections(steps):
    """[(title, text)] of a `passes="steps"` text."""
    out = []
    for part in ("\n" + steps).split("\n# ---- ")[1:]:
        title, _, text = part.partition(" ----\n")
        out.append((title, text))
    return out


def test_source_steps_shows_the_text_after_each_pass():
    steps = s2sad.source(rosenbrock, "grad", args=(X,), passes="steps")
    assert steps.startswith("# ---- generated")
    sections = _sections(steps)
    titles = [t for t, _ in sections]
    assert titles[0] == 'generated: reverse mode, "grad"'
    assert "after broadcasts" in titles and "after liveness" in titles
    texts = dict(sections)
    assert texts["after broadcasts"] != texts[titles[0]]
    assert texts[titles[0]].count("unbroadcast(") > texts["after broadcasts"].count("unbroadcast(")
    # the last text is the code `s2sad.source` gives (without its imports)
    last = [text for title, text in sections if not title.endswith("no change")][-1]
    assert s2sad.source(rosenbrock, "grad", args=(X,)).endswith(last.strip("\n") + "\n")
    # forward mode, and a pass that changed nothing says so
    tangent = [t for t, _ in _sections(s2sad.source(sine_loop, "tangent", passes="steps"))]
    assert "after drop_value" in tangent and any(t.endswith(": no change") for t in tangent)


def test_configure_tells_its_listeners():
    calls = []
    listener = optimize.on_change(lambda: calls.append(1))
    try:
        s2sad.grad(rosenbrock)(X)
        assert s2sad.cache_info().currsize > 0
        optimize.configure(fold=optimize.SETTINGS.fold)
        assert calls and s2sad.cache_info().currsize == 0
    finally:
        optimize.LISTENERS.remove(listener)
