"""Importing mdplab compiles no numba kernel: each compiles on its first call."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = r"""
import importlib, pkgutil, sys
import numba.core.registry
import mdplab
# import every submodule, as a user touching the whole API would
for mod in pkgutil.walk_packages(mdplab.__path__, "mdplab."):
    if mod.name.endswith(("cli", "__main__")):  # __main__ runs the command line
        continue
    importlib.import_module(mod.name)
from numba.core.dispatcher import Dispatcher
compiled = []
kernels = 0
for name, module in list(sys.modules.items()):
    if not name.startswith("mdplab"):
        continue
    for attr in vars(module).values():
        if isinstance(attr, Dispatcher):
            kernels += 1
            if attr.signatures:
                compiled.append(f"{name}.{attr.py_func.__name__}")
print(kernels, len(compiled), compiled)
"""


def test_import_compiles_nothing():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    kernels, n_compiled, *_ = out.stdout.split(maxsplit=2)
    assert int(kernels) >= 1, out.stdout  # the check sees the kernels
    assert int(n_compiled) == 0, out.stdout


def test_a_kernel_compiles_on_first_call():
    import numpy as np

    from mdplab.kernels.bellman import _backward_induction_dense, backward_induction_dense

    backward_induction_dense(np.ones((1, 1, 1, 1)), np.zeros((1, 1, 1)))
    assert _backward_induction_dense.signatures  # the check above can fail
