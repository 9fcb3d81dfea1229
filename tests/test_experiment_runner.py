"""The experiment runner: deterministic seeds, serial = joblib, resume, failures, --fresh."""

from __future__ import annotations

import csv
import sqlite3
import types

import numpy as np
import pytest

from mdplab._warnings import CellFailureWarning
from mdplab.experiments import CellStore, cell_seed, config_hash, run_experiment


def _cell(config, seed):
    rng = np.random.default_rng(seed)
    return {"mean": float(rng.normal(config["mu"], 1.0, size=config["n"]).mean())}


def _toy(name="toy", fail_when=None):
    def run_cell(config, seed):
        if fail_when is not None and fail_when(config, seed):
            raise RuntimeError(f"planted failure at {config}")
        return _cell(config, seed)

    return types.SimpleNamespace(
        NAME=name, BASE_SEED=1234,
        grid=lambda quick: [{"mu": mu, "n": 50} for mu in (0.0, 1.0, 2.0)],
        n_seeds=lambda quick: 4,
        run_cell=run_cell,
    )


def test_cell_seed_depends_on_the_cell_only():
    a = cell_seed(7, {"x": 1, "y": 2}, 3)
    assert a == cell_seed(7, {"y": 2, "x": 1}, 3)  # key order does not matter
    assert len({cell_seed(7, {"x": 1}, i) for i in range(100)}) == 100
    assert a != cell_seed(8, {"x": 1, "y": 2}, 3)
    assert config_hash({"a": 1}) == config_hash({"a": 1})


def test_serial_and_joblib_give_identical_tables(tmp_path):
    s = run_experiment(_toy(), store=tmp_path / "a.sqlite", out_dir=tmp_path / "a",
                       progress=False)
    j = run_experiment(_toy(), backend="joblib", jobs=2, store=tmp_path / "b.sqlite",
                       out_dir=tmp_path / "b", progress=False)
    assert s.n_run == j.n_run == 12
    assert s.table == j.table
    assert (tmp_path / "a" / "toy.csv").read_text() == (tmp_path / "b" / "toy.csv").read_text()


def test_rerun_skips_finished_cells_and_fresh_starts_over(tmp_path):
    kw = dict(store=tmp_path / "c.sqlite", out_dir=tmp_path, progress=False)
    first = run_experiment(_toy(), **kw)
    again = run_experiment(_toy(), **kw)
    assert (first.n_run, again.n_run, again.n_skipped) == (12, 0, 12)
    assert again.table == first.table
    fresh = run_experiment(_toy(), fresh=True, **kw)
    assert fresh.n_run == 12 and fresh.table == first.table


def test_a_failing_cell_is_recorded_and_retried(tmp_path):
    kw = dict(store=tmp_path / "d.sqlite", out_dir=tmp_path, progress=False)
    broken = _toy(fail_when=lambda c, s: c["mu"] == 1.0)
    with pytest.warns(CellFailureWarning, match="4 of 12 cells failed"):
        first = run_experiment(broken, **kw)
    assert "planted failure" in first.first_failure
    assert first.n_failed == 4 and len(first.table) == 8  # the sweep finished
    failed = CellStore(tmp_path / "d.sqlite").rows("toy", status="failed")
    assert len(failed) == 4 and "planted failure" in failed[0]["traceback"]
    fixed = run_experiment(_toy(), **kw)  # the next run retries exactly the failed cells
    assert (fixed.n_run, fixed.n_failed, len(fixed.table)) == (4, 0, 12)
    assert CellStore(tmp_path / "d.sqlite").rows("toy", status="failed") == []
    clean = run_experiment(_toy(), store=tmp_path / "e.sqlite", out_dir=tmp_path / "e",
                           progress=False)
    assert fixed.table == clean.table


def test_csv_is_tidy_and_the_store_is_one_row_per_cell(tmp_path):
    run_experiment(_toy(), store=tmp_path / "f.sqlite", out_dir=tmp_path, progress=False)
    with open(tmp_path / "toy.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12 and list(rows[0]) == ["mu", "n", "replicate", "seed", "mean"]
    con = sqlite3.connect(tmp_path / "f.sqlite")
    (n,) = con.execute("SELECT COUNT(*) FROM cells").fetchone()
    assert n == 12


def test_bad_backend_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="backend is 'ray'"):
        run_experiment(_toy(), backend="ray", out_dir=tmp_path, progress=False)
    with pytest.raises(ValueError, match="exactly one of scheduler"):
        run_experiment(_toy(), backend="dask", out_dir=tmp_path, progress=False)


def test_cli_run_writes_table_and_figure_and_resumes(tmp_path, capsys):
    from mdplab.cli import main

    out = tmp_path / "figs"
    assert main(["run", "generative_model_rate", "--quick", "--jobs", "1", "--out", str(out)]) == 0
    first = capsys.readouterr().out
    assert "96 run, 0 failed" in first
    for suffix in (".csv", ".png", ".pdf"):
        assert (out / f"generative_model_rate{suffix}").stat().st_size > 0
    assert main(["run", "generative_model_rate", "--quick", "--jobs", "1", "--out", str(out)]) == 0
    assert "96 already done, 0 run" in capsys.readouterr().out
    assert main(["run", "nope", "--out", str(out)]) == 2


def test_generative_rate_slope_is_minus_one_half():
    """The quick sweep's fitted slope of ||Q_hat* - Q*|| for the garnet instance has an
    interval that contains -1/2 (Azar et al. 2013; Agarwal et al. 2020)."""
    import experiments.generative_model_rate as E
    from mdplab.claims import loglog_slope

    Ns = sorted({c["N"] for c in E.grid(True)})
    med = [np.median([E.run_cell({"instance": "garnet", "N": N}, s)["q_error"]
                      for s in range(8)]) for N in Ns]
    fit = loglog_slope(Ns, med)
    assert fit.contains(-0.5), fit


def test_the_table_holds_the_current_grid_only_and_shares_cells_across_grids(tmp_path):
    """A quick run after a full one reports the quick grid, reusing the full run's cells
    (a cell's seed depends on the cell only, so the two grids agree where they overlap)."""
    def grid(quick):
        return [{"mu": mu, "n": 50} for mu in ((0.0,) if quick else (0.0, 1.0, 2.0))]

    exp = types.SimpleNamespace(NAME="toy", BASE_SEED=1234, grid=grid,
                                n_seeds=lambda quick: 2 if quick else 4,
                                run_cell=lambda c, s: _cell(c, s))
    kw = dict(store=tmp_path / "g.sqlite", out_dir=tmp_path, progress=False)
    full = run_experiment(exp, **kw)
    quick = run_experiment(exp, quick=True, **kw)
    assert (full.n_run, quick.n_run, quick.n_skipped) == (12, 0, 2)
    assert len(quick.table) == 2
    assert all(row in full.table for row in quick.table)


def test_quick_runs_default_to_their_own_folder(tmp_path, monkeypatch, capsys):
    """`mdplab run X --quick` writes paper_figs/quick/, never over the full figure."""
    from mdplab.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["run", "generative_model_rate", "--quick", "--jobs", "1"]) == 0
    assert (tmp_path / "paper_figs" / "quick" / "generative_model_rate.png").stat().st_size > 0
    assert not (tmp_path / "paper_figs" / "generative_model_rate.png").exists()
    assert "paper_figs/quick/generative_model_rate.csv" in capsys.readouterr().out
