"""s2sad's benchmark suite (issue 7): s2sad against a hand-written gradient and its peers.

Run it with `python -m benchmarks.run` (add `--quick` for a smoke run of a few
seconds); `python -m benchmarks.run --help` lists the options. Importing this
package pins BLAS, OpenMP and XLA to one thread, so it must be imported before
NumPy for the pin to take effect (`python -m benchmarks.run` does that).
"""
from __future__ import annotations

import os
import sys

THREAD_VARS = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
}

#: True when NumPy was imported before the pin (then BLAS may use more threads).
NUMPY_WAS_LOADED = "numpy" in sys.modules

for _name, _value in THREAD_VARS.items():
    os.environ[_name] = _value
