"""Issue 8 §6, the store: concurrent opening, cell claims between concurrent runs, stale
claims, damaged files (clear message, --fresh gets past, nothing deleted), damaged rows
(skipped, reported, recomputed), and version-1 stores kept aside."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import pytest

from mdplab._warnings import StoreWarning
from mdplab.experiments import CellStore, CorruptStoreError, demo, run_experiment
from mdplab.experiments.store import owner_id

REPO = Path(__file__).resolve().parent.parent


def _exp(name="toy", sleep=0.0):
    return types.SimpleNamespace(NAME=name, BASE_SEED=demo.BASE_SEED, run_cell=demo.run_cell,
                                 grid=lambda q: [{"p": 0.5, "n": n, "sleep": sleep}
                                                 for n in (10, 20, 30)],
                                 n_seeds=lambda q: 2)


# ------------------------------------------------------------------ opening concurrently
OPENER = textwrap.dedent("""
    import sys, time
    from mdplab.experiments import CellStore
    t = float(sys.argv[2])
    while time.time() < t:
        pass
    store = CellStore(sys.argv[1])
    store.record("x", "fp", {"i": int(sys.argv[3])}, 0, 1, result={"ok": 1})
    print("ok")
""")


def test_many_processes_opening_a_fresh_store_at_once_do_not_crash(tmp_path):
    store = tmp_path / "fresh.sqlite"
    start = time.time() + 3.0  # every child imports first, then all open at the same moment
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, str(store), str(start), str(i)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(8)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    assert len(CellStore(store).rows("x")) == 8
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary files left behind


# ------------------------------------------------------------------ claims
RUNNER = textwrap.dedent("""
    import sys, types
    from mdplab.experiments import run_experiment

    LOG = sys.argv[2]

    def run_cell(config, seed):
        import os, time
        with open(LOG, "a") as fh:
            fh.write(f"{os.getpid()} {config['n']} {seed}\\n")
        time.sleep(0.3)
        return {"v": config["n"] + seed % 7}

    exp = types.SimpleNamespace(NAME="shared", BASE_SEED=5, run_cell=run_cell,
                                grid=lambda q: [{"n": n} for n in range(8)],
                                n_seeds=lambda q: 1)
    s = run_experiment(exp, store=sys.argv[1], out_dir=None, progress=False)
    print(s.n_run, s.n_skipped, len(s.table))
""")


def test_two_concurrent_runs_share_the_cells_instead_of_both_computing_all(tmp_path):
    store, log = tmp_path / "shared.sqlite", tmp_path / "log.txt"
    CellStore(store)
    procs = [subprocess.Popen([sys.executable, "-c", RUNNER, str(store), str(log)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    lines = log.read_text().split()
    runs = [tuple(lines[i:i + 3]) for i in range(0, len(lines), 3)]
    cells = [(n, s) for _, n, s in runs]
    assert len(cells) == len(set(cells)) == 8  # every cell computed exactly once
    assert all(o.split()[2] == "8" for o, _ in outs)  # both report the full table
    assert sum(int(o.split()[0]) for o, _ in outs) == 8


def test_a_stale_claim_of_a_dead_process_is_taken_over(tmp_path):
    store_path = tmp_path / "stale.sqlite"
    exp = _exp()
    first = run_experiment(exp, store=store_path, out_dir=None, progress=False)
    store = CellStore(store_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    host = owner_id().split(":")[0]
    with sqlite3.connect(store_path) as con:  # a crashed run left a claim behind
        con.execute("UPDATE cells SET status = 'running', owner = ?, heartbeat = ?, "
                    "result = NULL WHERE replicate = 0", (f"{host}:{dead}:x", time.time()))
    again = run_experiment(exp, store=store_path, out_dir=None, progress=False)
    assert (again.n_run, again.n_skipped) == (3, 3)
    assert again.table == first.table
    # a live owner on another host, beating recently, is waited for; an old heartbeat is not
    with sqlite3.connect(store_path) as con:
        con.execute("UPDATE cells SET status = 'running', owner = 'elsewhere:1:y', "
                    "heartbeat = ? WHERE replicate = 0", (time.time() - 3600,))
    third = run_experiment(exp, store=store_path, out_dir=None, progress=False, lease=60)
    assert third.n_run == 3 and third.table == first.table
    assert store.rows(exp.NAME, status="running") == []


def test_ctrl_c_releases_the_claims(tmp_path):
    calls = []

    def run_cell(config, seed):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return {"v": 1}

    from mdplab.experiments import SweepInterrupted

    exp = types.SimpleNamespace(NAME="ki", BASE_SEED=1, run_cell=run_cell,
                                grid=lambda q: [{"n": n} for n in range(4)], n_seeds=lambda q: 1)
    with pytest.raises(SweepInterrupted) as info:
        run_experiment(exp, store=tmp_path / "k.sqlite", out_dir=None, progress=False)
    assert (info.value.n_saved, info.value.n_cells) == (1, 4)
    assert "re-run the same command to resume" in str(info.value)
    assert CellStore(tmp_path / "k.sqlite").rows("ki", status="running") == []


# ------------------------------------------------------------------ damage
def test_an_empty_or_garbage_store_is_a_clear_error_and_fresh_moves_it_aside(tmp_path):
    for content, message in ((b"", "is empty (0 bytes)"),
                             (b"this is not sqlite" * 100, "is not an SQLite database")):
        store = tmp_path / f"bad{len(content)}.sqlite"
        store.write_bytes(content)
        with pytest.raises(CorruptStoreError, match=re.escape(message)) as info:
            run_experiment(_exp(), store=store, out_dir=None, progress=False)
        assert str(store) in str(info.value) and "--fresh" in str(info.value)
        with pytest.warns(StoreWarning, match="moved to"):
            summary = run_experiment(_exp(), store=store, out_dir=None, progress=False,
                                     fresh=True)
        assert summary.n_run == 6
        kept = list(tmp_path.glob(f"{store.name}.corrupt-*"))
        assert len(kept) == 1 and kept[0].read_bytes() == content  # nothing deleted


def test_a_damaged_page_is_a_clear_error(tmp_path):
    store = tmp_path / "pages.sqlite"
    run_experiment(_exp(), store=store, out_dir=None, progress=False)
    data = bytearray(store.read_bytes())
    for i in range(100, len(data)):  # scribble over everything after the header
        data[i] = 0xAB
    store.write_bytes(bytes(data))
    with pytest.raises(CorruptStoreError, match=str(store)):
        run_experiment(_exp(), store=store, out_dir=None, progress=False)


def test_cli_reports_a_damaged_store_by_name_and_fresh_recovers(tmp_path, capsys):
    from mdplab.cli import main

    out = tmp_path / "figs"
    out.mkdir()
    (out / ".cells.sqlite").write_bytes(b"")
    args = ["run", "mdplab.experiments.demo", "--quick", "--jobs", "1", "--out", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert ".cells.sqlite is empty (0 bytes)" in err and "Traceback" not in err
    with pytest.warns(StoreWarning):
        assert main([*args, "--fresh"]) == 0
    assert "24 run, 0 failed" in capsys.readouterr().out


def test_one_corrupt_row_is_skipped_reported_and_recomputed(tmp_path):
    store = tmp_path / "rows.sqlite"
    first = run_experiment(_exp(), store=store, out_dir=None, progress=False)
    with sqlite3.connect(store) as con:
        con.execute("UPDATE cells SET result = '{not json' WHERE replicate = 1 AND "
                    "config_hash = (SELECT MIN(config_hash) FROM cells)")
    with pytest.warns(StoreWarning, match="1 stored row"):
        again = run_experiment(_exp(), store=store, out_dir=None, progress=False)
    assert (again.n_run, again.n_skipped, again.n_corrupt) == (1, 5, 1)
    assert again.table == first.table


def test_a_version_1_store_is_kept_aside_and_never_mixed_in(tmp_path):
    store = tmp_path / "v1.sqlite"
    with sqlite3.connect(store) as con:
        con.execute("CREATE TABLE cells (experiment TEXT, config_hash TEXT, seed INTEGER, "
                    "config TEXT, status TEXT, result TEXT, traceback TEXT, seconds REAL, "
                    "finished_at REAL)")
        con.execute("INSERT INTO cells VALUES ('toy', 'abc', 0, ?, 'done', ?, NULL, 0, 0)",
                    (json.dumps({"p": 0.5, "n": 10, "sleep": 0.0}), json.dumps({"x": 1})))
    summary = run_experiment(_exp(), store=store, out_dir=None, progress=False)
    assert summary.n_run == 6
    with sqlite3.connect(store) as con:
        assert con.execute("SELECT COUNT(*) FROM cells_v1").fetchone() == (1,)


def test_an_unreachable_scheduler_leaves_no_store_behind(tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionError):
        run_experiment(_exp(), backend="dask", scheduler=f"tcp://127.0.0.1:{port}",
                       out_dir=tmp_path, progress=False)
    assert not (tmp_path / ".cells.sqlite").exists()


def test_store_path_environment_is_not_needed(tmp_path):
    """The default store lives in the output folder."""
    run_experiment(_exp(), out_dir=tmp_path, progress=False)
    assert (tmp_path / ".cells.sqlite").is_file()
    assert os.path.getsize(tmp_path / ".cells.sqlite") > 0
