"""Running an experiment: a grid of configurations x seeds, resumable, in parallel.

An experiment is any object (typically a module) with

- ``NAME`` (str) and ``BASE_SEED`` (int);
- ``grid(quick: bool) -> list[dict]``: JSON-serialisable configurations;
- ``n_seeds(quick: bool) -> int``: replicates per configuration;
- ``run_cell(config: dict, seed: int) -> dict``: one cell's measurements (JSON-serialisable);
- optionally ``plot(table: list[dict]) -> matplotlib.figure.Figure``.

Cell seeds: replicate ``i`` of configuration ``c`` gets the integer drawn from
``numpy.random.SeedSequence(BASE_SEED, spawn_key=(h(c), i))`` with ``h`` the configuration
hash; it depends on the cell only, never on the order of execution or the backend, so
serial and parallel runs give identical tables.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._parallel import check_backend, map_unordered
from .store import CellStore, config_hash


@dataclass(frozen=True)
class RunSummary:
    """What one call of :func:`run_experiment` did."""

    experiment: str
    n_cells: int
    n_skipped: int
    n_run: int
    n_failed: int
    table: list[dict]
    csv_path: Path | None
    figure_paths: tuple[Path, ...]


def cell_seed(base_seed: int, config: dict, replicate: int) -> int:
    """The seed handed to ``run_cell``: a function of (base seed, configuration, replicate)."""
    key = int(config_hash(config), 16) % 2**32
    ss = np.random.SeedSequence(int(base_seed), spawn_key=(key, int(replicate)))
    return int(ss.generate_state(1, dtype=np.uint32)[0])


def _run_cell(run_cell, config: dict, replicate: int, seed: int):
    t0 = time.perf_counter()
    try:
        result = run_cell(dict(config), seed)
        if not isinstance(result, dict):
            raise TypeError(f"run_cell returned {type(result).__name__}, not a dict")
        return config, replicate, result, None, time.perf_counter() - t0
    except Exception:  # recorded with its traceback; the sweep goes on
        return config, replicate, None, traceback.format_exc(), time.perf_counter() - t0


def run_experiment(experiment, *, quick: bool = False, backend: str = "serial",
                   jobs: int | None = None, scheduler: str | None = None,
                   dask_workers: int | None = None, fresh: bool = False,
                   store: CellStore | str | Path | None = None,
                   out_dir: str | Path | None = "paper_figs", progress: bool = True) -> RunSummary:
    """Run every unfinished cell of ``experiment`` and write its table (and figure).

    Parameters
    ----------
    backend : 'serial', 'joblib' (``jobs`` worker processes, default all cores) or 'dask'
        (an existing cluster at ``scheduler='tcp://host:port'``, or a LocalCluster of
        ``dask_workers`` processes started for this run). Every backend gives the same table.
    fresh : forget the stored cells of this experiment first.
    store : the cell store (default: ``<out_dir>/.cells.sqlite``, or a temporary path when
        ``out_dir`` is None).
    out_dir : where ``<NAME>.csv`` and, if the experiment has ``plot``, ``<NAME>.png`` and
        ``.pdf`` go; None writes nothing.
    """
    name = experiment.NAME
    check_backend(backend, jobs=jobs, scheduler=scheduler, dask_workers=dask_workers)
    if store is None:
        base = Path(out_dir) if out_dir is not None else Path(".")
        store = base / ".cells.sqlite"
    if not isinstance(store, CellStore):
        store = CellStore(store)
    if fresh:
        store.clear(name)

    configs = list(experiment.grid(quick))
    n_seeds = int(experiment.n_seeds(quick))
    cells = [(c, i) for c in configs for i in range(n_seeds)]
    done = store.done_keys(name)
    pending = [(c, i) for c, i in cells if (config_hash(c), i) not in done]
    tasks = [(c, i, cell_seed(experiment.BASE_SEED, c, i)) for c, i in pending]

    results = map_unordered(_run_cell, [(experiment.run_cell, c, i, s) for c, i, s in tasks],
                            backend=backend, jobs=jobs, scheduler=scheduler,
                            dask_workers=dask_workers)
    if progress and tasks:
        from tqdm.auto import tqdm

        results = tqdm(results, total=len(tasks), desc=name, unit="cell")
    n_failed = 0
    for config, replicate, result, tb, seconds in results:
        store.record(name, config, replicate, result=result, traceback=tb, seconds=seconds)
        n_failed += tb is not None

    table = store.rows(name, keys={(config_hash(c), i) for c, i in cells})
    csv_path, figs = None, ()
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        csv_path = out / f"{name}.csv"
        write_csv(table, csv_path)
        if hasattr(experiment, "plot") and table:
            fig = experiment.plot(table)
            figs = (out / f"{name}.png", out / f"{name}.pdf")
            for p in figs:
                fig.savefig(p, dpi=150, bbox_inches="tight")
            import matplotlib.pyplot as plt

            plt.close(fig)
    return RunSummary(name, len(cells), len(cells) - len(pending), len(tasks), n_failed,
                      table, csv_path, figs)


def write_csv(table: list[dict], path: Path) -> None:
    """A tidy CSV: one row per cell, columns = union of keys in first-seen order."""
    import csv

    columns = list(dict.fromkeys(k for row in table for k in row))
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(table)
    tmp.replace(path)  # atomic: readers see the old or the new table, never half of one
