"""A sweep killed with SIGKILL at random moments, then resumed, loses no cell, repeats no
finished cell, and ends with the table of an uninterrupted run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import types

import numpy as np

from mdplab.experiments import demo, run_experiment

# 2 means x 10 sample sizes x 6 seeds = 120 cells of ~20 ms each: 4 serial rounds of at most
# 0.4 s each cannot finish the sweep, so every kill lands mid-sweep.
GRID = [{"p": p, "n": n, "sleep": 0.02} for p in (0.1, 0.5) for n in range(10, 110, 10)]
N_SEEDS = 6

CHILD = textwrap.dedent("""
    import sys, types
    from mdplab.experiments import demo, run_experiment
    grid = {grid!r}
    exp = types.SimpleNamespace(NAME=demo.NAME, BASE_SEED=demo.BASE_SEED,
                                run_cell=demo.run_cell, grid=lambda q: grid,
                                n_seeds=lambda q: {n_seeds})
    backend = sys.argv[2]
    print("ready", flush=True)
    run_experiment(exp, store=sys.argv[1], out_dir=None, progress=False, backend=backend,
                   jobs=2 if backend == "joblib" else None)
""").format(grid=GRID, n_seeds=N_SEEDS)


def _experiment():
    return types.SimpleNamespace(NAME=demo.NAME, BASE_SEED=demo.BASE_SEED,
                                 run_cell=demo.run_cell, grid=lambda q: GRID,
                                 n_seeds=lambda q: N_SEEDS)


def _finished(store) -> dict:
    """(config_hash, replicate) -> finish time of every finished cell (a killed run may leave
    'running' claims behind; the next run takes them over)."""
    con = sqlite3.connect(store)
    try:
        rows = con.execute("SELECT config_hash, replicate, finished_at, status FROM cells"
                           ).fetchall()
    finally:
        con.close()
    assert all(status in ("done", "running") for *_, status in rows)
    return {(h, s): t for h, s, t, status in rows if status == "done"}


def _start(store, backend):
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(store), backend],
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_random_sigkills_lose_and_repeat_nothing(tmp_path):
    store = tmp_path / "cells.sqlite"
    n_cells = len(GRID) * N_SEEDS
    rng = np.random.default_rng(20261121)
    snapshots = []
    for round_ in range(5):
        proc = _start(store, "joblib" if round_ == 2 else "serial")
        time.sleep(rng.uniform(0.05, 0.4))
        os.killpg(proc.pid, signal.SIGKILL)  # the runner and any worker it started
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, (round_, [len(s) for s in snapshots])
        snapshots.append(_finished(store) if store.exists() else {})
    counts = [len(s) for s in snapshots]
    # the kills landed mid-sweep (otherwise this test would test nothing)
    assert any(0 < c < n_cells for c in counts), counts

    proc = _start(store, "serial")  # the uninterrupted resume
    assert proc.wait(timeout=120) == 0
    final = _finished(store)

    con = sqlite3.connect(store)
    (rows,) = con.execute("SELECT COUNT(*) FROM cells").fetchone()
    con.close()
    assert rows == len(final) == n_cells  # nothing lost, nothing duplicated
    for snap in snapshots:  # a cell finished before a kill was never run again
        assert all(final[k] == t for k, t in snap.items())

    resumed = run_experiment(_experiment(), store=store, out_dir=tmp_path / "a",
                             progress=False)
    assert resumed.n_run == 0
    clean = run_experiment(_experiment(), store=tmp_path / "clean.sqlite",
                           out_dir=tmp_path / "b", progress=False)
    assert resumed.table == clean.table
    name = f"{demo.NAME}.csv"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
