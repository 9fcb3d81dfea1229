"""Issue 8 §2: failures are loud (count and first traceback; `run` and `figs` exit 1), and
Ctrl-C says how many cells were saved, that re-running resumes, and exits with 130."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import types

from mdplab.cli import main

FAILING = textwrap.dedent('''
    NAME = "user_failing"
    BASE_SEED = 3

    def grid(quick):
        return [{"n": n} for n in range(4)]

    def n_seeds(quick):
        return 1

    def run_cell(config, seed):
        if config["n"] % 2:
            raise ValueError(f"planted failure at n = {config['n']}")
        return {"v": seed % 10}
''')

SLOW = textwrap.dedent('''
    import time
    NAME = "user_slow"
    BASE_SEED = 4

    def grid(quick):
        return [{"n": n} for n in range(40)]

    def n_seeds(quick):
        return 1

    def run_cell(config, seed):
        time.sleep(0.5)  # long enough that the interrupt lands mid-sweep on a loaded machine
        return {"v": seed % 10}
''')


def test_run_prints_the_failure_count_and_first_traceback_and_exits_1(tmp_path, capsys):
    path = tmp_path / "user_failing.py"
    path.write_text(FAILING)
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 1
    captured = capsys.readouterr()
    assert "4 cells (0 already done, 4 run, 2 failed)" in captured.out
    assert "2 of 4 cells FAILED" in captured.err
    assert "Traceback" in captured.err and "planted failure at n = 1" in captured.err


def test_figs_exits_non_zero_when_a_cell_fails(tmp_path, capsys, monkeypatch):
    from mdplab._plugins import load_module
    from mdplab.cli import run

    path = tmp_path / "user_failing_figs.py"
    path.write_text(FAILING)
    module = load_module(str(path))
    ok = types.SimpleNamespace(NAME="ok", BASE_SEED=1, grid=lambda q: [{"a": 1}],
                               n_seeds=lambda q: 1, run_cell=lambda c, s: {"b": 2})
    monkeypatch.setattr(run, "discover_experiments", lambda: {"ok": ok, module.NAME: module})
    assert main(["figs", "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "2 of 4 cells FAILED" in err and "planted failure" in err


def test_ctrl_c_reports_saved_cells_and_exits_130_and_rerun_resumes(tmp_path):
    path = tmp_path / "user_slow.py"
    path.write_text(SLOW)
    out = tmp_path / "o"
    cmd = [sys.executable, "-m", "mdplab", "run", str(path), "--out", str(out)]
    # A process started in the background by a non-interactive shell (``cmd &``, nohup) inherits
    # SIGINT as ignored, and so would this child: give it the default a terminal user has.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    store = out / ".cells.sqlite"
    deadline = time.time() + 60
    saved = 0
    while time.time() < deadline and saved < 3:  # wait until some cells are saved
        time.sleep(0.1)
        if store.exists():
            try:
                with sqlite3.connect(store) as con:
                    (saved,) = con.execute(
                        "SELECT COUNT(*) FROM cells WHERE status = 'done'").fetchone()
            except sqlite3.Error:
                saved = 0
    assert saved >= 3, "the sweep never started"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "cells saved" in err and "re-run the same command to resume" in err
    assert "Traceback" not in err
    n_saved = int(err.split("interrupted with ")[1].split(" of ")[0])
    assert 3 <= n_saved < 40
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"({n_saved} already done, {40 - n_saved} run, 0 failed)" in done.stdout
