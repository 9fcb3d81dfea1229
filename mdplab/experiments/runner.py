"""Running an experiment: a grid of configurations x seeds, resumable, in parallel, and never
stale.

The experiment interface
------------------------
An experiment is any object (typically a module; template: :mod:`mdplab.experiments.demo`)
with

- ``NAME`` (str) and ``BASE_SEED`` (int);
- ``grid(quick) -> list[dict]``: the configurations (JSON values; numpy scalars are converted
  before any cell runs);
- ``n_seeds(quick) -> int``: replicates per configuration;
- ``run_cell(config, seed) -> dict``: one cell's measurements: scalars, or 1-D arrays (they go
  to the long table, :mod:`mdplab.experiments.tables`); a result key may not repeat a
  configuration key;
- optionally ``plot(table) -> matplotlib.figure.Figure`` (house style:
  :mod:`mdplab.plotting`; a quick run stamps it with :func:`mdplab.plotting.quick_mark`);
- optionally ``PARAMS = {name: Param(type, default, help, low=, high=, choices=)}``: its tunable
  constants (:mod:`mdplab.experiments.params`). An experiment with ``PARAMS`` receives the
  values actually used as one more argument of every hook: ``grid(quick, params)``,
  ``run_cell(config, seed, params)``, ``plot(table, params)``, where ``params`` is a frozen
  :class:`~mdplab.experiments.params.Values` (``params.c_b``). Figure titles and legends are
  built from it, never typed in by hand.
- optionally ``FINGERPRINT_MODULES``: more modules whose source the results depend on.

Parameters: ``run_experiment(exp, params={"c_b": 0.5})`` or
``mdplab run NAME --set c_b=0.5 [--set ...]``. An unknown name or a wrong type is an error
listing the valid parameters and their types.

Cells and fingerprints
----------------------
A cell is keyed by (NAME, fingerprint, configuration, replicate). The fingerprint
(:func:`mdplab.experiments.provenance.fingerprint`) covers the experiment's source,
``mdplab.__version__``, ``BASE_SEED`` and the parameters: edit any of them and the next run
computes new cells; the old ones stay in the store but never enter a table of the new
fingerprint. ``fresh=True`` forgets the cells of the current fingerprint only.

Cell seeds: replicate ``i`` of configuration ``c`` gets the integer drawn from
``numpy.random.SeedSequence(BASE_SEED, spawn_key=(h(c), i))`` with ``h`` the configuration
hash; it depends on the cell only (not on the parameters, so two parameter values see common
random numbers), never on the order of execution or the backend: serial and parallel runs give
identical tables. The table's ``seed`` column is that integer; :func:`rerun` recomputes any
row from it, bit for bit.

Outputs (in ``out_dir``)
------------------------
``NAME<suffix>.csv`` (tidy, grid order), ``NAME<suffix>.long.csv`` (array results, if any),
``NAME<suffix>.png`` and ``.pdf`` (if ``plot``), and ``NAME<suffix>.meta.json`` (provenance:
fingerprint, parameters, versions, git commit and dirty flag, backend, cells run / reused /
failed, wall time). ``<suffix>`` is empty for the default parameters and lists the non-default
ones otherwise: ``paper_figs/gambler_vilcb[c_b=0.5].png``. The CSV, PNG and PDF are
byte-identical across identical runs (fixed figure metadata).

Failures and interruptions
--------------------------
A cell that raises is stored with its traceback (status 'failed') and retried on the next run;
:class:`RunSummary` carries the count and the first traceback, and a
:class:`~mdplab._warnings.CellFailureWarning` is issued. Ctrl-C raises
:class:`SweepInterrupted` (a ``KeyboardInterrupt``) carrying how many cells are saved; running
again resumes.
"""

from __future__ import annotations

import json
import time
import traceback
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import _parallel
from .._parallel import check_backend, map_unordered
from .._warnings import CellFailureWarning, StoreWarning
from .params import Values, output_suffix, overrides_of, resolve_params
from .provenance import fingerprint as code_fingerprint
from .provenance import run_metadata, write_json_atomic
from .store import CellStore, config_hash, owner_id
from .tables import normalise_config, normalise_result, write_csv, write_long_csv

__all__ = ["RunSummary", "SweepInterrupted", "cell_seed", "experiment_params", "rerun",
           "run_experiment", "write_csv"]

LEASE = 60.0  # seconds without a heartbeat after which another run may take over a claim


@dataclass(frozen=True, repr=False)
class RunSummary:
    """What one call of :func:`run_experiment` did.

    ``n_skipped`` cells were reused from the store, ``n_run`` computed now, ``n_failed`` of
    those raised (``first_failure`` holds the first traceback); ``n_corrupt`` stored rows did
    not parse and were recomputed. ``table`` is the current grid's finished cells in grid
    order (array results as lists). ``n_tie_broken`` of the cells run now called a pessimistic
    algorithm that returned a policy decided by tie-breaking
    (:class:`~mdplab._warnings.DegeneratePolicyWarning`; the warnings are counted, not shown
    once per call).
    """

    experiment: str
    n_cells: int
    n_skipped: int
    n_run: int
    n_failed: int
    table: list[dict]
    csv_path: Path | None
    figure_paths: tuple[Path, ...]
    fingerprint: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    first_failure: str | None = None
    n_corrupt: int = 0
    long_csv_path: Path | None = None
    meta_path: Path | None = None
    store_path: Path | None = None
    seconds: float = 0.0
    n_tie_broken: int = 0
    id_columns: tuple[str, ...] = ()

    def to_pandas(self, long: bool = False) -> Any:
        """The results as a ``pandas.DataFrame`` (needs the ``pandas`` extra).

        ``long=False``: the scalar columns of :attr:`table`, one row per cell in grid order
        (what ``NAME.csv`` holds: configuration keys, ``replicate``, ``seed``, results); with
        no finished cell (every one failed), an empty frame with the :attr:`id_columns`.
        ``long=True``: the array-valued results, one row per (cell, quantity, index) with the
        columns :attr:`id_columns` (configuration keys, ``replicate``, ``seed``), ``quantity``,
        ``index`` and ``value`` (what ``NAME.long.csv`` holds); empty (with those columns) when
        no cell returned an array.
        """
        from .._pandas import import_pandas
        from .tables import long_rows, scalar_columns, scalar_rows

        pd = import_pandas("RunSummary.to_pandas")
        if not isinstance(long, bool):
            raise TypeError(f"long is {long!r}; must be True or False")
        ints = {"replicate": "int64", "seed": "int64"}
        if long:
            columns = [*self.id_columns, "quantity", "index", "value"]
            rows = long_rows(self.table, list(self.id_columns))
            frame = pd.DataFrame(rows, columns=columns)
            if not rows:  # empty, but with the dtypes a non-empty table has
                frame = frame.astype({**{k: v for k, v in ints.items() if k in columns},
                                      "index": "int64", "value": "float64"})
            return frame
        rows = scalar_rows(self.table)
        if not rows:  # e.g. every cell failed: the id columns, replicate and seed int64
            columns = list(self.id_columns)
            frame = pd.DataFrame([], columns=columns)
            return frame.astype({k: v for k, v in ints.items() if k in columns})
        # the columns of NAME.csv: the union of the rows' keys in first-seen order
        return pd.DataFrame(rows, columns=scalar_columns(rows))

    def __repr__(self) -> str:
        return (f"RunSummary({self.experiment!r}, fingerprint={self.fingerprint!r}, "
                f"cells={self.n_cells}, reused={self.n_skipped}, run={self.n_run}, "
                f"failed={self.n_failed}, rows={len(self.table)}, csv={self.csv_path})")


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: ``n_saved`` of ``n_cells`` cells are in the store ``store``;
    running the same command again resumes from there."""

    def __init__(self, experiment: str, n_saved: int, n_cells: int, store: Path):
        super().__init__(f"{experiment}: interrupted with {n_saved} of {n_cells} cells saved in "
                         f"{store}; re-run the same command to resume")
        self.experiment, self.n_saved, self.n_cells, self.store = (experiment, n_saved,
                                                                    n_cells, store)


def cell_seed(base_seed: int, config: dict, replicate: int) -> int:
    """The seed handed to ``run_cell``: a function of (base seed, configuration, replicate)."""
    key = int(config_hash(config), 16) % 2**32
    ss = np.random.SeedSequence(int(base_seed), spawn_key=(key, int(replicate)))
    return int(ss.generate_state(1, dtype=np.uint32)[0])


def experiment_params(experiment: Any, overrides: Mapping[str, Any] | None = None) -> Values:
    """The parameters ``experiment`` runs with: its declared defaults with ``overrides``
    (validated; an experiment without ``PARAMS`` accepts no overrides)."""
    declared = getattr(experiment, "PARAMS", None)
    try:
        return resolve_params(declared, overrides)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"experiment {getattr(experiment, 'NAME', experiment)!r}: {exc}"
                        ) from None


def _has_params(experiment: Any) -> bool:
    return getattr(experiment, "PARAMS", None) is not None


def _call(experiment: Any, hook: str, *args: Any, params: Values) -> Any:
    fn = getattr(experiment, hook)
    return fn(*args, params) if _has_params(experiment) else fn(*args)


def _check_experiment(experiment: Any) -> None:
    for attr in ("NAME", "BASE_SEED", "grid", "n_seeds", "run_cell"):
        if not hasattr(experiment, attr):
            raise TypeError(f"experiment {experiment!r} has no {attr}; an experiment defines "
                            "NAME, BASE_SEED, grid(quick), n_seeds(quick), run_cell(config, "
                            "seed) (template: mdplab.experiments.demo)")
    if not isinstance(experiment.NAME, str) or not experiment.NAME:
        raise TypeError(f"experiment NAME is {experiment.NAME!r}; must be a non-empty string")
    if isinstance(experiment.BASE_SEED, bool) or not isinstance(
            experiment.BASE_SEED, (int, np.integer)):
        raise TypeError(f"experiment BASE_SEED is {experiment.BASE_SEED!r}; must be an int")


def _grid(experiment: Any, quick: bool, params: Values) -> list[dict]:
    configs = [normalise_config(c, i)
               for i, c in enumerate(_call(experiment, "grid", quick, params=params))]
    seen: dict[str, int] = {}
    for i, c in enumerate(configs):
        h = config_hash(c)
        if h in seen:
            raise ValueError(f"grid()[{i}] repeats grid()[{seen[h]}] ({c}); every "
                             "configuration must be distinct (use n_seeds for replicates)")
        seen[h] = i
    n = _call_n_seeds(experiment, quick)
    if n < 1:
        raise ValueError(f"n_seeds({quick}) is {n}; must be >= 1")
    return configs


def _call_n_seeds(experiment: Any, quick: bool) -> int:
    n = experiment.n_seeds(quick)
    if isinstance(n, np.integer):
        n = int(n)
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n_seeds({quick}) is {n!r}; must be an int")
    return n


def _run_cell(run_cell: Callable, config: dict, replicate: int, seed: int,
              params: Values | None) -> tuple:
    """One cell, in whichever process runs it: (config, replicate, seed, result, traceback,
    seconds, tie-broken calls). Exceptions are recorded, never raised (except
    KeyboardInterrupt/SystemExit). A cell may call PEVI or VI-LCB thousands of times: their
    degenerate-policy warnings are counted here instead of flooding the terminal."""
    from .._warnings import counting_degenerate_policies

    with counting_degenerate_policies() as tie_broken:
        out = _run_cell_inner(run_cell, config, replicate, seed, params)
    n_tie_broken = tie_broken[0]
    return (*out, n_tie_broken)


def _run_cell_inner(run_cell: Callable, config: dict, replicate: int, seed: int,
                    params: Values | None) -> tuple:
    t0 = time.perf_counter()
    try:
        raw = run_cell(dict(config), seed) if params is None else run_cell(dict(config), seed,
                                                                            params)
        result = normalise_result(raw, config)
        return config, replicate, seed, result, None, time.perf_counter() - t0
    except MemoryError:
        tb = (f"MemoryError: the cell {config} (replicate {replicate}) ran out of memory: the "
              "problem it asks for is too large for this machine; reduce its sizes or "
              "parameters\n" + traceback.format_exc())
        return config, replicate, seed, None, tb, time.perf_counter() - t0
    except Exception:  # recorded with its traceback; the sweep goes on
        return config, replicate, seed, None, traceback.format_exc(), time.perf_counter() - t0


def _ensure_reachable(backend: str, scheduler: str | None) -> None:
    """An unreachable scheduler fails in seconds, before the store exists (issue 8 §6)."""
    check = getattr(_parallel, "ensure_reachable", None)
    if check is not None and backend == "dask" and scheduler is not None:
        check(scheduler, 10.0)


def _open_store(store: CellStore | str | Path | None, out_dir: str | Path | None,
                fresh: bool) -> CellStore:
    if isinstance(store, CellStore):
        return store
    if store is None:
        base = Path(out_dir) if out_dir is not None else Path(".")
        store = base / ".cells.sqlite"
    if not fresh:
        return CellStore(store)
    opened, moved = CellStore.open_or_move_aside(store)
    if moved is not None:
        warnings.warn(f"the cell store {store} was damaged; it was moved to {moved} (nothing "
                      "deleted) and a new store started", StoreWarning, stacklevel=3)
    return opened


def run_experiment(experiment: Any, *, params: Mapping[str, Any] | None = None,
                   quick: bool = False, backend: str = "serial", jobs: int | None = None,
                   scheduler: str | None = None, dask_workers: int | None = None,
                   fresh: bool = False, store: CellStore | str | Path | None = None,
                   out_dir: str | Path | None = "paper_figs", progress: bool = True,
                   lease: float = LEASE) -> RunSummary:
    """Run every unfinished cell of ``experiment`` and write its table, figure and provenance.

    Parameters
    ----------
    params : overrides of the experiment's declared ``PARAMS`` (module docstring).
    backend : 'serial', 'joblib' (``jobs`` worker processes, default all cores) or 'dask'
        (an existing cluster at ``scheduler='tcp://host:port'``, or a LocalCluster of
        ``dask_workers`` processes started for this run). Every backend gives the same table.
    fresh : forget the stored cells of this experiment and fingerprint first; a damaged store
        file is moved aside (never deleted) and a new one started.
    store : the cell store (default: ``<out_dir>/.cells.sqlite``, or ``./.cells.sqlite`` when
        ``out_dir`` is None).
    out_dir : where the outputs go (module docstring); None writes nothing.
    lease : seconds after which a claim whose heartbeat stopped may be taken over.

    Raises
    ------
    TypeError, ValueError
        bad experiment, parameters or grid -- before any cell runs and before the store is
        created.
    CorruptStoreError
        the store file is damaged (the message names it and says what to do).
    SweepInterrupted
        on Ctrl-C, after releasing this run's claims.
    """
    t_start = time.perf_counter()
    _check_experiment(experiment)
    name = experiment.NAME
    check_backend(backend, jobs=jobs, scheduler=scheduler, dask_workers=dask_workers)
    if not (isinstance(lease, (int, float)) and lease > 0):
        raise ValueError(f"lease is {lease!r}; must be a positive number of seconds")
    values = experiment_params(experiment, params)
    hook_params = values if _has_params(experiment) else None
    fp = code_fingerprint(experiment, values)
    configs = _grid(experiment, quick, values)
    n_seeds = _call_n_seeds(experiment, quick)
    _ensure_reachable(backend, scheduler)
    cellstore = _open_store(store, out_dir, fresh)
    if fresh:
        cellstore.clear(name, fp)

    id_columns = [*dict.fromkeys(k for c in configs for k in c), "replicate", "seed"]
    cells = [(c, i, cell_seed(experiment.BASE_SEED, c, i)) for c in configs
             for i in range(n_seeds)]
    by_key = {(config_hash(c), i): (c, i, s) for c, i, s in cells}
    done, corrupt = cellstore.load(name, fp)
    reused = sum(k in done for k in by_key)
    corrupt_keys = [(k, why) for k, why in corrupt if k in by_key]
    if corrupt_keys:
        cellstore.mark_corrupt(name, fp, corrupt_keys)
        warnings.warn(f"{name}: {len(corrupt_keys)} stored row(s) of {cellstore.path} did not "
                      f"parse ({corrupt_keys[0][1]}); they are skipped and recomputed",
                      StoreWarning, stacklevel=2)

    owner = owner_id()
    state = _Sweep(name, fp, cellstore, owner, lease, experiment.run_cell, hook_params,
                   backend, dict(jobs=jobs, scheduler=scheduler, dask_workers=dask_workers),
                   progress)
    try:
        with cellstore.heartbeating(owner, lease):
            state.run([by_key[k] for k in by_key if k not in done])
    except KeyboardInterrupt as exc:
        saved = len(set(by_key) & cellstore.done_keys(name, fp))
        raise SweepInterrupted(name, saved, len(cells), cellstore.path) from exc

    done, _ = cellstore.load(name, fp)
    table = [{**c, "replicate": i, "seed": s, **done[(config_hash(c), i)]["result"]}
             for c, i, s in cells if (config_hash(c), i) in done]
    overrides = overrides_of(getattr(experiment, "PARAMS", None), values)
    csv_path = long_path = meta_path = None
    figs: tuple[Path, ...] = ()
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        stem = name + output_suffix(overrides)
        csv_path = out / f"{stem}.csv"
        write_csv(table, csv_path)
        long_path = out / f"{stem}.long.csv"
        if not write_long_csv(table, long_path, id_columns):
            long_path = None
        if hasattr(experiment, "plot") and table:
            from ..plotting import quick_mark
            from .figures import save_figure

            fig = _call(experiment, "plot", table, params=values)
            if quick:  # a quick-budget figure says so, visibly
                quick_mark(fig)
            figs = save_figure(fig, out / f"{stem}.png", out / f"{stem}.pdf")
        meta_path = out / f"{stem}.meta.json"
        outputs = [p.name for p in (csv_path, long_path, *figs) if p is not None]
        meta = run_metadata(experiment, fingerprint_=fp, params=values, overrides=overrides,
                            backend=backend, quick=quick, n_cells=len(cells),
                            n_run=state.n_run, n_reused=reused, n_failed=state.n_failed,
                            n_corrupt=len(corrupt_keys),
                            seconds=time.perf_counter() - t_start, store=cellstore.path,
                            outputs=outputs)
        meta["cells"]["run_with_tie_broken_policies"] = state.n_tie_broken
        write_json_atomic(meta, meta_path)
    if state.n_failed:
        warnings.warn(f"{name}: {state.n_failed} of {len(cells)} cells failed (stored with "
                      "their tracebacks, retried on the next run); the first:\n"
                      f"{state.first_failure}", CellFailureWarning, stacklevel=2)
    return RunSummary(name, len(cells), reused, state.n_run, state.n_failed, table, csv_path,
                      figs, fingerprint=fp, params=values, first_failure=state.first_failure,
                      n_corrupt=len(corrupt_keys), long_csv_path=long_path,
                      meta_path=meta_path, store_path=cellstore.path,
                      seconds=time.perf_counter() - t_start, n_tie_broken=state.n_tie_broken,
                      id_columns=tuple(id_columns))


class _Sweep:
    """The claim-run-record loop of one :func:`run_experiment` call."""

    def __init__(self, name, fp, store, owner, lease, run_cell, params, backend, options,
                 progress):
        self.name, self.fp, self.store, self.owner, self.lease = name, fp, store, owner, lease
        self.run_cell, self.params, self.backend, self.options = (run_cell, params, backend,
                                                                  options)
        self.progress = progress
        self.n_run = self.n_failed = self.n_tie_broken = 0
        self.failures: dict[tuple[str, int], str] = {}
        self.order: dict[tuple[str, int], int] = {}
        self.attempted: set = set()

    @property
    def first_failure(self) -> str | None:
        """The traceback of the failed cell that comes first in grid order (not in order of
        completion, which depends on the backend)."""
        if not self.failures:
            return None
        key = min(self.failures, key=lambda k: self.order.get(k, len(self.order)))
        return self.failures[key]

    def _claim(self, cells: list[tuple]) -> list[tuple]:
        payload = [((config_hash(c), i), s, json.dumps(c, sort_keys=True)) for c, i, s in cells]
        got = set(self.store.claim(self.name, self.fp, payload, self.owner, self.lease))
        return [cell for cell in cells if (config_hash(cell[0]), cell[1]) in got]

    def _record(self, config, replicate, seed, result, tb, seconds, n_tie_broken=0) -> None:
        self.n_tie_broken += bool(n_tie_broken)
        self.store.record(self.name, self.fp, config, replicate, seed, result=result,
                          traceback=tb, seconds=seconds)
        self.n_run += 1
        if tb is not None:
            self.n_failed += 1
            self.failures[(config_hash(config), int(replicate))] = tb

    def run(self, pending: list[tuple]) -> None:
        self.order = {(config_hash(c), int(i)): k for k, (c, i, *_rest) in enumerate(pending)}
        bar = None
        if self.progress and pending:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(pending), desc=self.name, unit="cell")
        try:
            waited = False
            while pending:
                todo = [c for c in pending if (config_hash(c[0]), c[1]) not in self.attempted]
                if not todo:
                    break
                ran = self._run_round(todo, bar)
                done = self.store.done_keys(self.name, self.fp)
                pending = [c for c in todo if (config_hash(c[0]), c[1]) not in done
                           and (config_hash(c[0]), c[1]) not in self.attempted]
                if pending and not ran:  # everything left is claimed by another live run
                    if not waited and bar is not None:
                        bar.write(f"{self.name}: waiting for {len(pending)} cell(s) that "
                                  "another run is computing")
                    waited = True
                    time.sleep(min(1.0, self.lease / 8))
                if bar is not None:
                    bar.n = bar.total - len(pending)
                    bar.refresh()
        finally:
            if bar is not None:
                bar.close()

    def _run_round(self, todo: list[tuple], bar) -> int:
        """Claim and run what can be claimed now; the number of cells run."""
        ran = 0
        if self.backend == "serial":  # claim one cell at a time: concurrent runs interleave
            for cell in todo:
                if not self._claim([cell]):
                    continue
                self.attempted.add((config_hash(cell[0]), cell[1]))
                self._record(*_run_cell(self.run_cell, cell[0], cell[1], cell[2], self.params))
                ran += 1
                if bar is not None:
                    bar.update(1)
            return ran
        mine = self._claim(todo)
        self.attempted.update((config_hash(c), i) for c, i, _ in mine)
        tasks = [(self.run_cell, c, i, s, self.params) for c, i, s in mine]
        for out in map_unordered(_run_cell, tasks, backend=self.backend, **self.options):
            self._record(*out)
            ran += 1
            if bar is not None:
                bar.update(1)
        return ran


def _match_config(experiment: Any, row: Mapping[str, Any], params: Values) -> tuple[dict, int]:
    def same(a: Any, b: Any) -> bool:
        if isinstance(a, np.generic):
            a = a.item()
        return a == b or str(a) == str(b)

    try:
        replicate = int(row["replicate"])
        seed = int(row["seed"])
    except KeyError as exc:
        raise ValueError(f"row has no {exc.args[0]!r} column; pass a row of the experiment's "
                         "table (it has 'replicate' and 'seed')") from None
    for quick in (False, True):
        for config in _grid(experiment, quick, params):
            if all(k in row and same(row[k], v) for k, v in config.items()) and \
                    cell_seed(experiment.BASE_SEED, config, replicate) == seed:
                return config, seed
    raise ValueError(f"row {dict(row)} matches no configuration of {experiment.NAME!r}'s grid "
                     "(full or quick) with that replicate and seed")


def rerun(experiment: Any, row: Mapping[str, Any],
          params: Mapping[str, Any] | None = None) -> dict:
    """Recompute one row of an experiment's table: the result dict, as stored (bit for bit).

    ``experiment`` is an experiment module/object or its NAME (library or plugin); ``row``
    a dict of a table row (a ``RunSummary.table`` entry, a ``csv.DictReader`` row, or a
    pandas ``Series``); ``params`` the overrides the table was made with (see its
    ``.meta.json``). Raises ValueError when the row matches no configuration of the grid.
    """
    if isinstance(experiment, str):
        from .._plugins import find_experiment

        experiment = find_experiment(experiment)
    _check_experiment(experiment)
    values = experiment_params(experiment, params)
    config, seed = _match_config(experiment, dict(row), values)
    hook_params = values if _has_params(experiment) else None
    out = _run_cell(experiment.run_cell, config, int(row["replicate"]), seed, hook_params)
    result, tb = out[3], out[4]
    if tb is not None:
        raise RuntimeError(f"the cell {config} (seed {seed}) raised:\n{tb}")
    return result
