"""Experiments: grids of configurations x seeds, resumable sweeps that never go stale.

Layer 8 of mdplab. :func:`run_experiment` runs an experiment module (template:
:mod:`mdplab.experiments.demo`; interface, fingerprints and outputs:
:mod:`mdplab.experiments.runner`); :func:`rerun` recomputes one row of its table bit for bit;
:class:`Param` declares an experiment's tunable constants (``mdplab run NAME --set k=v``).
"""

from .params import Param, Values, resolve_params
from .provenance import fingerprint
from .runner import (
    RunSummary,
    SweepInterrupted,
    cell_seed,
    experiment_params,
    rerun,
    run_experiment,
    write_csv,
)
from .store import CellStore, CorruptStoreError, config_hash

__all__ = ["CellStore", "CorruptStoreError", "Param", "RunSummary", "SweepInterrupted",
           "Values", "cell_seed", "config_hash", "experiment_params", "fingerprint", "rerun",
           "resolve_params", "run_experiment", "write_csv"]
