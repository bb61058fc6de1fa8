"""Load generated program text as a module, with `np` bound to NumPy or to `autograd.numpy`.

s2sad reads a function's source from its file, so a randomly drawn program is written to
`tmp_path` first; the same text loaded with `autograd.numpy` is the oracle's copy.
"""
from __future__ import annotations

import importlib.util
import itertools
import textwrap
from types import ModuleType
from typing import Any

import numpy as np


def load_module(tmp_path: Any, text: str, name: str, numpy_module: Any = np) -> ModuleType:
    """The module `name` holding `text`, its `np` being `numpy_module`."""
    path = tmp_path / f"{name}.py"
    path.write_text(text.replace("import numpy as np", "") if numpy_module is not np else text)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    mod.np = numpy_module  # type: ignore[attr-defined]
    spec.loader.exec_module(mod)
    return mod


_COUNT = itertools.count()


def load_source(tmp_path: Any, source: str, prefix: str = "program", name: str | None = None) -> ModuleType:
    """A new module (a fresh name, so fresh cache entries) holding the dedented `source`."""
    return load_module(tmp_path, textwrap.dedent(source), name or f"{prefix}_{next(_COUNT)}")
