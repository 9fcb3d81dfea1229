"""Experiments: grids of configurations x seeds, resumable sweeps that never go stale.

Layer 8 of mdplab. :func:`run_experiment` runs an experiment module (template:
:mod:`mdplab.experiments.demo`; interface, fingerprints and outputs:
:mod:`mdplab.experiments.runner`); :func:`rerun` recomputes one row of its table bit for bit;
:class:`Param` declares an experiment's tunable constants (``mdplab run NAME --set k=v``).
"""

from . import demo
from .figures import save_figure
from .params import Param, Values, describe_params, output_suffix, overrides_of, resolve_params
from .provenance import code_sources, fingerprint, git_state, run_metadata, write_json_atomic
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
from .tables import RESERVED, normalise_config, normalise_result, write_long_csv

__all__ = ["RESERVED", "CellStore", "CorruptStoreError", "Param", "RunSummary",
           "SweepInterrupted", "Values", "cell_seed", "code_sources", "config_hash", "demo",
           "describe_params", "experiment_params", "fingerprint", "git_state",
           "normalise_config", "normalise_result", "output_suffix", "overrides_of", "rerun",
           "resolve_params", "run_experiment", "run_metadata", "save_figure", "write_csv",
           "write_json_atomic", "write_long_csv"]
