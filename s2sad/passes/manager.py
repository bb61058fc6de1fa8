"""The pass manager: every pass in one ordered list, and the one place that runs them.

Input: a lowered function (`frontend.lower.Lowered`), a `Context` (mode,
variant, `wrt`, scalar parameters, the arrays' layouts and dtypes), the
switches (`settings.Settings`, the public `s2sad.optimize`), and optionally a
selection of passes by name and a callback shown the program after each step
(the teaching view, `s2sad.source(f, passes=...)`).
Output: the derivative program (`ir.Function`) of that mode and variant
(`derivative`), or, given a generated program, the program after the passes
that follow generation (`transform`).

`PASSES` is the order in which everything runs. Each entry names its module,
says in one line what it does, for which modes ("reverse", "forward") and
variants it runs, and which `Settings` field switches it off
(`s2sad.optimize.configure(fold=False)`). Its stage says how it runs:

- "lowered": on the Wengert list before generation, `apply(low, context)`;
- "generator": inside the reverse or forward generator (`ad/reverse.py`,
  `ad/forward.py`), which gets from the manager, as an argument, whether it is
  on: the generators never read the switches themselves;
- "program": on the generated program, `apply(fn, context)`, one after another;
- "api": a choice the API makes from the switch (what it asks the pipeline
  for, or how it calls), listed here so that every switch is in one place.

A pass with no setting always runs where it applies; one that is part of its
variant or generator (`fixed`) runs even when a selection leaves it out. The
README's list of passes is made from `PASSES`: `python -m s2sad.passes` prints
it, `--write` replaces it in README.md between the markers, and
`tests/test_passes_manager.py` fails when it is stale.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable

from . import accumulate, aliasing, broadcasts, collect, cse, factor, fold, inplace, liveness, reuse, scalar_adjoints, sincos, variants
from .context import Context
from ..ad.checkpoint import annotate
from ..ad.forward import forward
from ..ad.reverse import reverse
from ..errors import InputError
from ..frontend.lower import Lowered
from ..ir import Function

REVERSE = ("vjp", "grad", "value_and_grad", "step_vjp", "quiet_vjp")  # the variants of reverse mode
FORWARD = ("jvp", "tangent", "diagonal")  # the variants of forward mode
LEAN = ("grad", "step_vjp", "tangent", "diagonal")  # the variants without the value, after liveness
STAGES = ("lowered", "generator", "program", "api")

START = "<!-- passes:start -->"
END = "<!-- passes:end -->"


@dataclass(frozen=True)
class Pass:
    """One entry of the pass list."""

    name: str
    home: str  # the module that does it
    stage: str  # "lowered", "generator", "program" or "api" (see the module docstring)
    summary: str
    modes: tuple[str, ...] = ("reverse",)
    variants: tuple[str, ...] | None = None  # None: every variant of its modes
    setting: str | None = None  # the `Settings` field that switches it off; None: it always runs
    always_in: tuple[str, ...] = ()  # variants made of this pass: it runs there whatever its setting
    needs: tuple[str, ...] = ()  # passes it follows: it runs only after they ran
    requires: tuple[str, ...] = ()  # facts of the context it needs ("layouts", "dtypes")
    fixed: bool = False  # part of the variant or the generator: a selection cannot leave it out
    run: Callable[[Any, Context], Any] | None = None  # `apply(fn, context)` of a "lowered" or "program" pass


def annotate_checkpoints(fn: Function, context: Context | None = None) -> Function:
    """`ad.checkpoint.annotate` as a pass: a comment above each call of a checkpointed helper."""
    return annotate(fn)


PASSES: tuple[Pass, ...] = (
    Pass("aliasing", "s2sad/passes/aliasing.py", "lowered",
         "drops the `unshared` and `not_a_view` checks on values the scalar arguments (in reverse mode, also the "
         "arrays' layouts) show to be numbers", modes=("reverse", "forward"), run=aliasing.apply),
    Pass("layouts", "s2sad/analysis/layouts.py", "generator",
         "the arguments' ranks and axes of length one decide each `unbroadcast` and product adjoint, which read as "
         "the sum or product they are (`b_bar += t7_bar.sum(axis=0)`, `h_bar = t7_bar @ W.T`); values kept only for "
         "their shapes are not recorded (off: no layouts, and no dtypes either)",
         setting="layouts", requires=("layouts",)),
    Pass("simplify", "s2sad/ad/simplify.py", "generator",
         "each rule's template is simplified as it is filled in: `x * 1` and `x + 0` go, constants fold, an "
         "`unbroadcast` that cannot sum anything goes", modes=("reverse", "forward"), fixed=True),
    Pass("recompute", "s2sad/ad/recompute.py", "generator",
         "a cheap value a loop overwrites is computed again in the backward sweep instead of saved on the stack "
         "(`recompute=` \"balanced\", \"fast\", \"memory\" or \"off\")", setting="recompute"),
    Pass("tangent_stores", "s2sad/ad/forward.py", "generator",
         "where the primal stores into an array in place and the tangent is a fresh array nothing else holds, the "
         "tangent store is in place too (`x_bar_dot[:-1] = t8_dot`)", modes=("forward",), setting="tangent_stores"),
    Pass("broadcasts", "s2sad/passes/broadcasts.py", "program",
         "slices that keep as many elements (`x[1:]`, `x[:-1]`) share a shape, so the `unbroadcast` calls between "
         "their adjoints go", setting="broadcasts", run=broadcasts.apply),
    Pass("scalar_adjoints", "s2sad/passes/scalar_adjoints.py", "program",
         "the adjoint of a sum over every axis stays the number it is (`t_bar = s_bar`, not `unsum(s_bar, t)`) "
         "while the elementwise code that reads it meets arrays of that shape anyway",
         setting="scalar_adjoints", run=scalar_adjoints.apply),
    Pass("accumulate", "s2sad/passes/accumulate.py", "program",
         "a slice's adjoint is added into the array in place, `x_bar[1:] += g`, instead of through an array of zeros",
         setting="accumulate", run=accumulate.apply),
    Pass("checkpoint", "s2sad/ad/checkpoint.py", "program",
         "a call of a helper marked `@s2sad.checkpoint` gets a comment saying that its adjoint runs the helper's "
         "forward again from the saved inputs", run=annotate_checkpoints),
    Pass("step_seeds", "s2sad/passes/variants.py", "program",
         "the seeds of a checkpointed loop's step (`revolve.py`) lose their default 1.0",
         variants=("step_vjp",), fixed=True, run=variants.step_seeds),
    Pass("drop_value", "s2sad/passes/variants.py", "program",
         "the tangent program returns the output's tangent alone, not `(value, value_dot)`",
         modes=("forward",), variants=("tangent", "diagonal"), fixed=True, run=variants.tangent_only),
    Pass("seed_ones", "s2sad/passes/variants.py", "program",
         "the tangent parameter defaults to 1.0: the derivative of an elementwise function",
         modes=("forward",), variants=("diagonal",), fixed=True, run=variants.seeded_with_ones),
    Pass("liveness", "s2sad/passes/liveness.py", "program",
         "drops the statements whose values nothing reads: a gradient that does not return the value does not "
         "compute it (the variants without the value are made of it; off, `s2sad.grad` runs \"vjp\" instead of "
         "\"grad\")", modes=("reverse", "forward"), variants=LEAN, setting="liveness",
         always_in=("grad", "tangent", "diagonal"), run=liveness.apply),
    Pass("cse", "s2sad/passes/cse.py", "program",
         "a value computed twice (`t4 = x[:-1]` after `t2 = x[:-1]`) is computed once",
         modes=("reverse", "forward"), variants=LEAN, setting="cse", needs=("liveness",), run=cse.apply),
    Pass("fold", "s2sad/passes/fold.py", "program",
         "copies, negations and products with a number are substituted into the statements that read them "
         "(`t4_bar = -2.0 * c`), and a lowered augmented store is one again",
         modes=("reverse", "forward"), variants=LEAN, setting="fold", needs=("liveness",), run=fold.apply),
    Pass("collect", "s2sad/passes/collect.py", "program",
         "two contributions that are one product up to sign and order are one (`x_bar -= 2 * x * t3_bar`)",
         modes=("reverse", "forward"), variants=LEAN, setting="collect", needs=("liveness",), run=collect.apply),
    Pass("factor", "s2sad/passes/factor.py", "program",
         "an adjoint scaled by one use of its variable and then updated by another is factored out, "
         "`x_bar = x_bar * (t1 + x * math.cos(x))`",
         modes=("reverse", "forward"), variants=LEAN, setting="factor", needs=("liveness",), run=factor.apply),
    Pass("inplace", "s2sad/passes/inplace.py", "program",
         "a gradient summed over a loop, or a straight-line chain of sums from a fresh float array, is added into "
         "one array, `W_bar += g`, where no other name can hold it",
         variants=("grad",), setting="inplace", needs=("liveness",), run=inplace.apply),
    Pass("sincos", "s2sad/passes/sincos.py", "program",
         "`np.sin(x)` and `np.cos(x)` of a float64 array come from one `sincos(x)` call",
         variants=("grad",), setting="sincos", requires=("dtypes",), run=sincos.apply),
    Pass("reuse", "s2sad/passes/reuse.py", "program",
         "an elementwise result is written into an operand that nothing reads afterwards and no other name can "
         "see, `t4 = np.exp(t3, out=t3)` (off: no dtypes, so no `sincos` either)",
         variants=("vjp", "grad", "value_and_grad", "quiet_vjp"), setting="reuse", requires=("dtypes",), run=reuse.apply),
    Pass("quiet", "s2sad/passes/variants.py", "program",
         "a helper's adjoint whose forward sweep repeats its caller's run drops `print`, logging and warnings",
         variants=("quiet_vjp",), fixed=True, run=variants.quiet),
    Pass("cheap_calls", "s2sad/api/plans.py", "api",
         "signatures, and what `jvp`, `hvp` and `jacobian` work out from a function and its arguments' kinds, are "
         "kept per function, so a repeated call goes straight to the cached code",
         modes=("reverse", "forward"), setting="cheap_calls"),
    Pass("tangent_only", "s2sad/api/jacobian.py", "api",
         "`hvp` and the diagonal Jacobian ask for the \"tangent\" and \"diagonal\" variants instead of \"jvp\"",
         modes=("forward",), setting="tangent_only"),
)

BY_NAME = {p.name: p for p in PASSES}


def names() -> list[str]:
    """The names of the passes a selection may name (every stage but the API's), in their order."""
    return [p.name for p in PASSES if p.stage != "api"]


def select(passes: str | Iterable[str] | None) -> frozenset[str] | None:
    """The names a selection runs: None for what the switches say, "none" for nothing optional, or names.

    A pass that follows another (`needs`: `cse` follows `liveness`) brings it along."""
    if passes is None:
        return None
    chosen = [] if passes == "none" else [passes] if isinstance(passes, str) else list(passes)
    known = names()
    for name in chosen:
        if name not in known:
            raise InputError(f"unknown pass {name!r}; the passes are {', '.join(known)} (or \"none\")", construct="passes")
    out = set(chosen)
    for name in chosen:
        out.update(BY_NAME[name].needs)
    return frozenset(out)


def switched_on(switches: Any, setting: str) -> bool:
    """Whether the switch `setting` is on (`recompute` is on unless it is "off")."""
    value = getattr(switches, setting)
    return value != "off" if isinstance(value, str) else bool(value)


def runs(p: Pass, context: Context, switches: Any, chosen: frozenset[str] | None = None, ran: Iterable[str] = ()) -> bool:
    """Whether `p` runs for this context, under these switches (or this selection), after the passes `ran`."""
    if context.mode not in p.modes or (p.variants is not None and context.variant not in p.variants):
        return False
    if any(not getattr(context, fact) for fact in p.requires) or any(n not in ran for n in p.needs):
        return False
    if p.fixed:
        return True
    if chosen is not None:
        return p.name in chosen
    if p.setting is None or context.variant in p.always_in:
        return True
    return switched_on(switches, p.setting)


def order(mode: str, variant: str, switches: Any, chosen: frozenset[str] | None = None, layouts: bool = True,
          dtypes: bool = True) -> list[str]:
    """The names of the passes that run, in order, for `mode` and `variant` (given layouts and dtypes or not)."""
    context = Context(mode, variant, layouts={"x": ()} if layouts else {}, dtypes={"x": None} if dtypes else {})
    ran: list[str] = []
    for p in PASSES:
        if p.stage != "api" and runs(p, context, switches, chosen, ran):
            ran.append(p.name)
    return ran


Step = Callable[[str, Function], None]


def derivative(low: Lowered, context: Context, switches: Any, chosen: frozenset[str] | None = None,
               step: Step | None = None) -> Function:
    """The derivative program of `low` for `context.mode` and `context.variant`, every pass run in `PASSES`' order.

    `step(name, fn)`, given, sees the generated program ("generated") and the program after each later pass."""
    on = {p.name: runs(p, context, switches, chosen) for p in PASSES if p.stage == "generator"}
    if context.layouts and not on["layouts"]:
        context = replace(context, layouts={}, dtypes={})  # as the API gives them with `layouts` off
    for p in PASSES:
        if p.stage == "lowered" and runs(p, context, switches, chosen):
            low = p.run(low, context)  # type: ignore[misc]
    context = replace(context, source=low.fn)
    if context.mode == "reverse":
        policy = "off"
        if on["recompute"]:  # (a selection naming recompute while the switch is "off" gets the default)
            policy = switches.recompute if chosen is None or switches.recompute != "off" else "balanced"
        generated = "vjp" if context.variant in ("step_vjp", "quiet_vjp") else context.variant
        fn = reverse(low, context.wrt, set(context.scalars), generated, context.layouts, recompute=policy)
    elif context.mode == "forward":
        fn = forward(low, context.wrt, set(context.scalars), tangent_stores=on["tangent_stores"])
    else:
        raise ValueError(f"mode must be 'reverse' or 'forward', not {context.mode!r}")
    if step is not None:
        step("generated", fn)
    return transform(fn, context, switches, chosen, step)


def transform(fn: Function, context: Context, switches: Any, chosen: frozenset[str] | None = None,
              step: Step | None = None) -> Function:
    """`fn`, a generated program, after the "program" passes that run for `context`, in their order."""
    primal = {p.name for p in context.source.params} if context.source is not None else None
    ran: list[str] = []
    for p in PASSES:
        if p.stage != "program" or not runs(p, context, switches, chosen, ran):
            continue
        seeds = frozenset(q.name for q in fn.params) - primal if primal is not None else context.seeds
        fn = p.run(fn, replace(context, seeds=seeds))  # type: ignore[misc]
        ran.append(p.name)
        if step is not None:
            step(p.name, fn)
    return fn


# -- the README's list --------------------------------------------------------------------------

_WHERE = {"lowered": "before generation", "generator": "in the generator", "program": "on the program", "api": "in the API"}


def _runs_for(p: Pass) -> str:
    if p.variants is None and len(p.modes) == 2:
        return "every variant of both modes" + (f" (given {' and '.join(p.requires)})" if p.requires else "")
    parts = []
    for mode, all_variants in (("reverse", REVERSE), ("forward", FORWARD)):
        if mode not in p.modes:
            continue
        if p.variants is None:
            parts.append(f"{mode}: every variant")
        else:
            mine = [v for v in all_variants if v in p.variants]
            if mine:
                parts.append(f"{mode}: {', '.join(mine)}")
    text = "; ".join(parts)
    if p.requires:
        text += f" (given {' and '.join(p.requires)})"
    return text


def _switch(p: Pass) -> str:
    if p.fixed:
        return "always (part of the " + ("variant" if p.stage == "program" else "generator") + ")"
    if p.setting is None:
        return "always"
    off = '"off"' if p.setting == "recompute" else "False"
    return f"`{p.setting}={off}`"


def section() -> str:
    """Markdown for the README: the passes in the order they run."""
    lines = [
        "<!-- generated by `python -m s2sad.teach.readme --write` from s2sad/passes/manager.py; "
        "tests/test_passes_manager.py keeps it in sync -->",
        "",
        "| # | pass | stage | runs for | off with `s2sad.optimize.configure(...)` | what it does |",
        "|---|---|---|---|---|---|",
    ]
    for k, p in enumerate(PASSES, 1):
        lines.append(f"| {k} | `{p.name}` (`{p.home}`) | {_WHERE[p.stage]} | {_runs_for(p)} | {_switch(p)} | {p.summary} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m s2sad.passes`: print the README's list of passes (`python -m s2sad.teach.readme --write` writes it)."""
    argparse.ArgumentParser(prog="python -m s2sad.passes", description=__doc__.split("\n\n")[0]).parse_args(argv)
    print(section())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
