"""Where a result came from: the code fingerprint that keys its cells, and the sidecar
``NAME.meta.json`` written beside every table and figure.

The fingerprint (16 hex digits of a SHA-256) covers

- the source of the experiment module (the file's bytes; for an experiment that is not a
  module, e.g. a ``types.SimpleNamespace`` in a test, the source of the module defining its
  ``run_cell``, or failing that its bytecode), and the sources of the modules it names in an
  optional ``FINGERPRINT_MODULES`` tuple (dotted names, relative ones resolved against the
  experiment's package);
- ``mdplab.__version__`` (the library code; bump it when results change);
- ``BASE_SEED``;
- the parameters actually used (defaults and overrides alike).

A cell is keyed by (experiment, fingerprint, configuration, replicate): editing any of the
above makes new cells, and a table only ever holds cells of one fingerprint. The old cells stay
in the store (a revert finds them again).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import platform
import subprocess
import sys
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["code_sources", "fingerprint", "git_state", "run_metadata", "write_json_atomic"]


#: the folder of generated results, left out of the dirty flag
OUTPUT_DIR = "paper_figs"


def _module_bytes(module: types.ModuleType) -> bytes:
    path = getattr(module, "__mdplab_source__", None) or getattr(module, "__file__", None)
    if path and str(path).endswith(".py") and Path(path).is_file():
        return Path(path).read_bytes()
    try:
        return inspect.getsource(module).encode()
    except (OSError, TypeError):
        return repr(sorted(vars(module))).encode()


def code_sources(experiment: Any) -> list[tuple[str, bytes]]:
    """(label, source bytes) of the code that computes ``experiment``'s cells.

    Labels do not depend on the name the module was imported under (``experiments.x`` in a
    checkout, ``mdplab.experiments.library.x`` installed, a per-process name for a file), so
    one experiment has one fingerprint however it is reached.
    """
    out = []
    if isinstance(experiment, types.ModuleType):
        out.append(("experiment", _module_bytes(experiment)))
        package = experiment.__package__
    else:
        run_cell = experiment.run_cell
        module = inspect.getmodule(run_cell)
        if module is not None and getattr(module, "__file__", None):
            out.append(("experiment", _module_bytes(module)))
        code = getattr(run_cell, "__code__", None)
        if code is not None:  # the function itself, wherever it came from
            out.append((getattr(run_cell, "__qualname__", "run_cell"),
                        code.co_code + repr(code.co_consts).encode()))
        package = getattr(module, "__package__", None)
    for name in getattr(experiment, "FINGERPRINT_MODULES", ()):
        dep = importlib.import_module(name, package=package or None)
        out.append((name, _module_bytes(dep)))
    return out


def fingerprint(experiment: Any, params: Mapping[str, Any]) -> str:
    """16 hex digits of SHA-256 over the code sources, mdplab's version, BASE_SEED and the
    parameters (module docstring)."""
    from .. import __version__

    h = hashlib.sha256()
    for label, data in code_sources(experiment):
        h.update(label.encode() + b"\0" + hashlib.sha256(data).digest())
    h.update(f"mdplab={__version__}\0base_seed={int(experiment.BASE_SEED)}\0".encode())
    h.update(json.dumps(dict(params), sort_keys=True, default=repr).encode())
    return h.hexdigest()[:16]


def git_state(path: Path | None = None) -> dict[str, Any] | None:
    """{"commit", "dirty"} of the checkout holding mdplab, or None (no git, not a checkout)."""
    from .._checkout import checkout_folder

    root = path
    if root is None:
        folder = checkout_folder("mdplab")
        if folder is None:
            return None
        root = folder.parent
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=10)
        if commit.returncode != 0:
            return None
        # the outputs (paper_figs/) are not code: writing a figure must not make the next
        # figure of the same run look as if it came from an uncommitted tree
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                 "--untracked-files=no", "--", ".",
                                 f":(exclude){OUTPUT_DIR}"], capture_output=True, text=True,
                                timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit.stdout.strip(),
            "dirty": bool(status.stdout.strip()) if status.returncode == 0 else None}


def _version(name: str) -> str | None:
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    return getattr(module, "__version__", None)


def run_metadata(experiment: Any, *, fingerprint_: str, params: Mapping[str, Any],
                 overrides: Mapping[str, Any], backend: str, quick: bool, n_cells: int,
                 n_run: int, n_reused: int, n_failed: int, n_corrupt: int, seconds: float,
                 store: Path, outputs: list[str]) -> dict[str, Any]:
    """The provenance record of one run (the content of ``NAME.meta.json``).

    Nothing in it depends on the time of day except ``wall_seconds``; the table and figures
    themselves are byte-identical across identical runs.
    """
    from .. import __version__

    sources = code_sources(experiment)
    return {
        "experiment": experiment.NAME,
        "fingerprint": fingerprint_,
        "parameters": dict(params),
        "overrides": dict(overrides),
        "base_seed": int(experiment.BASE_SEED),
        "quick": bool(quick),
        "code": {label: hashlib.sha256(data).hexdigest()[:16] for label, data in sources},
        "mdplab": __version__,
        "git": git_state(),
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "numba": _version("numba"),
        "platform": platform.platform(),
        "backend": backend,
        "cells": {"total": n_cells, "run": n_run, "reused": n_reused, "failed": n_failed,
                  "corrupt_rows_skipped": n_corrupt},
        "wall_seconds": round(float(seconds), 3),
        "store": str(store),
        "outputs": outputs,
        "argv": list(sys.argv),
    }


def write_json_atomic(data: Mapping[str, Any], path: Path) -> None:
    """Write ``data`` as indented JSON through a temporary file and an atomic rename."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False, default=repr) + "\n")
    tmp.replace(path)
