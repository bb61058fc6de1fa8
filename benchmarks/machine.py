"""What the numbers were measured on: machine, software versions, thread pins, date."""
from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

import benchmarks
import s2sad

from . import peers


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 2**20:.0f} GiB"
    except OSError:
        pass
    return "?"


def _blas() -> str:
    try:
        config = np.show_config(mode="dicts")  # numpy >= 1.26
        blas = config.get("Build Dependencies", {}).get("blas", {})
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # noqa: BLE001
        return "?"


def _commit() -> str:
    try:
        root = Path(__file__).resolve().parent.parent
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5)
        return out.stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def describe(which_peers: tuple[str, ...]) -> dict[str, Any]:
    """A dict describing this machine and the software measured."""
    versions = {"python": platform.python_version(), "numpy": np.__version__, "s2sad": s2sad.__version__}
    for p in peers.PEERS:
        ok, info = peers.available(p) if p in which_peers else (False, "not requested")
        versions[p] = info if ok else f"-- ({info})"
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "memory": _memory(),
        "os": f"{platform.system()} {platform.release()}",
        "blas": _blas(),
        "commit": _commit(),
        "versions": versions,
        "threads": dict(benchmarks.THREAD_VARS),
        "numpy_loaded_before_pin": benchmarks.NUMPY_WAS_LOADED,
    }
