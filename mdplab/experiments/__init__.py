"""Experiments: grids of configurations x seeds, resumable sweeps (DESIGN.md layer 8)."""

from .runner import RunSummary, cell_seed, run_experiment, write_csv
from .store import CellStore, config_hash

__all__ = ["CellStore", "RunSummary", "cell_seed", "config_hash", "run_experiment", "write_csv"]
