"""Issue 8 §1-2: provenance sidecars, byte-identical figures, tidy tables (real seed,
replicate, grid order, long format), rerun() bit for bit, grid and result validation."""

from __future__ import annotations

import csv
import json
import types

import numpy as np
import pytest

from mdplab.experiments import cell_seed, demo, rerun, run_experiment


def _toy(**extra):
    seen = []

    def run_cell(config, seed):
        seen.append((dict(config), seed))
        rng = np.random.default_rng(seed)
        out = {"mean": float(rng.normal(config["mu"], 1.0, size=20).mean())}
        if extra.get("arrays"):
            out["path"] = rng.random(3)
        return out

    exp = types.SimpleNamespace(NAME="toy", BASE_SEED=99, run_cell=run_cell,
                                grid=lambda q: [{"mu": mu, "n": 20} for mu in (2.0, 0.0, 1.0)],
                                n_seeds=lambda q: 3)
    return exp, seen


# ------------------------------------------------------------------ provenance
def test_meta_json_records_the_provenance(tmp_path):
    summary = run_experiment(demo, quick=True, out_dir=tmp_path, progress=False)
    meta = json.loads((tmp_path / f"{demo.NAME}.meta.json").read_text())
    import mdplab

    assert meta["mdplab"] == mdplab.__version__ and meta["fingerprint"] == summary.fingerprint
    assert meta["parameters"] == dict(demo.DEFAULTS) and meta["overrides"] == {}
    assert meta["base_seed"] == demo.BASE_SEED and meta["backend"] == "serial"
    assert meta["cells"] == {"total": 24, "run": 24, "reused": 0, "failed": 0,
                             "corrupt_rows_skipped": 0, "run_with_tie_broken_policies": 0}
    for key in ("python", "numpy", "numba", "wall_seconds", "git", "code"):
        assert key in meta
    if meta["git"] is not None:  # run from a checkout
        assert len(meta["git"]["commit"]) == 40 and meta["git"]["dirty"] in (True, False)
    again = run_experiment(demo, quick=True, out_dir=tmp_path, progress=False)
    meta = json.loads((tmp_path / f"{demo.NAME}.meta.json").read_text())
    assert meta["cells"]["reused"] == 24 and meta["cells"]["run"] == 0 == again.n_run


def test_git_state_tolerates_no_git(tmp_path, monkeypatch):
    from mdplab.experiments.provenance import git_state

    assert git_state(tmp_path) is None  # not a repository
    monkeypatch.setenv("PATH", str(tmp_path))  # no git executable at all
    assert git_state(tmp_path) is None


def test_csv_png_and_pdf_are_byte_identical_across_identical_runs(tmp_path):
    for tag in ("a", "b"):
        run_experiment(demo, quick=True, out_dir=tmp_path / tag, progress=False)
    for suffix in (".csv", ".png", ".pdf"):
        a = (tmp_path / "a" / f"{demo.NAME}{suffix}").read_bytes()
        b = (tmp_path / "b" / f"{demo.NAME}{suffix}").read_bytes()
        assert a == b, suffix
    assert b"CreationDate" not in (tmp_path / "a" / f"{demo.NAME}.pdf").read_bytes()


# ------------------------------------------------------------------ tidy tables
def test_csv_has_the_real_seed_replicate_and_grid_order(tmp_path):
    exp, seen = _toy()
    summary = run_experiment(exp, out_dir=tmp_path, store=tmp_path / "s.sqlite",
                             progress=False)
    with open(tmp_path / "toy.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["mu", "n", "replicate", "seed", "mean"]
    assert [(float(r["mu"]), int(r["replicate"])) for r in rows] == [
        (mu, i) for mu in (2.0, 0.0, 1.0) for i in range(3)]  # grid order, then replicate
    handed = {(c["mu"], s) for c, s in seen}
    assert {(float(r["mu"]), int(r["seed"])) for r in rows} == handed  # the seed run_cell got
    assert all(int(r["seed"]) == cell_seed(99, {"mu": float(r["mu"]), "n": 20},
                                           int(r["replicate"])) for r in rows)
    assert [r["seed"] for r in summary.table] == [int(r["seed"]) for r in rows]


def test_arrays_go_to_a_long_table_one_pandas_call_away(tmp_path):
    pd = pytest.importorskip("pandas")
    exp, _ = _toy(arrays=True)
    summary = run_experiment(exp, out_dir=tmp_path, store=tmp_path / "s.sqlite",
                             progress=False)
    wide = pd.read_csv(tmp_path / "toy.csv")
    assert list(wide.columns) == ["mu", "n", "replicate", "seed", "mean"]
    long = pd.read_csv(summary.long_csv_path)
    assert list(long.columns) == ["mu", "n", "replicate", "seed", "quantity", "index", "value"]
    assert len(long) == 9 * 3 and set(long.quantity) == {"path"}
    means = long.query("quantity == 'path'").groupby("index").value.mean()  # the one call
    assert means.shape == (3,)
    assert summary.table[0]["path"] == long.value[:3].tolist()


def test_gambler_stores_per_state_gaps_in_long_format(tmp_path):
    import experiments.gambler_vilcb as G

    small = types.SimpleNamespace(NAME=G.NAME, BASE_SEED=G.BASE_SEED, PARAMS=G.PARAMS,
                                  run_cell=G.run_cell, plot=G.plot, n_seeds=lambda q: 1,
                                  grid=lambda q, p: [{"N": 50, "version": "clean"},
                                                     {"N": 54, "version": "clean"}])
    summary = run_experiment(small, out_dir=tmp_path, store=tmp_path / "s.sqlite",
                             progress=False)
    with open(tmp_path / "gambler_vilcb.csv") as fh:
        header = next(csv.reader(fh))
    assert header == ["N", "version", "replicate", "seed", "gap_vilcb", "gap_vi"]
    with open(summary.long_csv_path) as fh:
        rows = list(csv.DictReader(fh))
    assert {r["quantity"] for r in rows} == {"state_gap_vilcb", "state_gap_vi"}
    assert len(rows) == 2 * 51 and {r["N"] for r in rows} == {"50"}
    assert summary.figure_paths and all(p.stat().st_size > 0 for p in summary.figure_paths)


def test_rerun_reproduces_a_row_of_a_real_experiment_bit_for_bit(tmp_path):
    import experiments.generative_model_rate as E

    small = types.SimpleNamespace(NAME=E.NAME, BASE_SEED=E.BASE_SEED, PARAMS=E.PARAMS,
                                  run_cell=E.run_cell, n_seeds=lambda q: 2,
                                  grid=lambda q, p: E.grid(True, p)[4:6])
    summary = run_experiment(small, out_dir=tmp_path, store=tmp_path / "s.sqlite",
                             progress=False)
    row = summary.table[3]
    result = {k: v for k, v in row.items() if k not in ("instance", "N", "replicate", "seed")}
    assert rerun(E, row) == result  # by module, from a table row: bit for bit
    with open(tmp_path / f"{E.NAME}.csv") as fh:
        csv_row = list(csv.DictReader(fh))[3]
    assert rerun(E.NAME, csv_row) == result  # by NAME, from the CSV's strings
    pd = pytest.importorskip("pandas")
    series = pd.read_csv(tmp_path / f"{E.NAME}.csv").iloc[3]
    assert rerun(E.NAME, series) == result  # from a pandas row (numpy scalars)
    with pytest.raises(ValueError, match="matches no configuration"):
        rerun(E, {**row, "seed": row["seed"] + 1})


# ------------------------------------------------------------------ validation
def test_numpy_scalars_in_a_grid_are_accepted_and_bad_values_rejected_before_any_cell(tmp_path):
    exp, seen = _toy()
    exp.grid = lambda q: [{"mu": np.float64(1.0), "n": np.int64(20), "tag": np.str_("a")}]
    summary = run_experiment(exp, out_dir=tmp_path, store=tmp_path / "s.sqlite",
                             progress=False)
    assert summary.n_run == 3 and summary.n_failed == 0
    assert type(seen[0][0]["n"]) is int and type(summary.table[0]["n"]) is int
    seen.clear()
    exp.grid = lambda q: [{"mu": 1.0, "n": 20}, {"mu": object(), "n": 20}]
    with pytest.raises(TypeError, match=r"grid\(\)\[1\]\['mu'\]"):
        run_experiment(exp, out_dir=None, store=tmp_path / "s.sqlite", progress=False)
    exp.grid = lambda q: [{"mu": 1.0, "seed": 3}]
    with pytest.raises(ValueError, match="reserved key 'seed'"):
        run_experiment(exp, out_dir=None, store=tmp_path / "s.sqlite", progress=False)
    exp.grid = lambda q: [{"mu": 1.0}, {"mu": 1.0}]
    with pytest.raises(ValueError, match="repeats"):
        run_experiment(exp, out_dir=None, store=tmp_path / "s.sqlite", progress=False)
    assert seen == []  # no cell ran


def test_a_result_key_equal_to_a_config_key_is_a_failed_cell_not_an_overwrite(tmp_path):
    from mdplab._warnings import CellFailureWarning

    exp = types.SimpleNamespace(NAME="clash", BASE_SEED=1, grid=lambda q: [{"N": 5}],
                                n_seeds=lambda q: 1, run_cell=lambda c, s: {"N": 6, "x": 1})
    with pytest.warns(CellFailureWarning, match="also a configuration key"):
        summary = run_experiment(exp, out_dir=None, store=tmp_path / "s.sqlite",
                                 progress=False)
    assert summary.n_failed == 1 and summary.table == []
    bad = types.SimpleNamespace(NAME="shape", BASE_SEED=1, grid=lambda q: [{"N": 5}],
                                n_seeds=lambda q: 1,
                                run_cell=lambda c, s: {"m": np.zeros((2, 2))})
    with pytest.warns(CellFailureWarning, match=r"shape \(2, 2\); arrays must be 1-D"):
        run_experiment(bad, out_dir=None, store=tmp_path / "s.sqlite", progress=False)


def test_memory_error_in_a_cell_is_a_failed_cell_with_a_message(tmp_path):
    from mdplab._warnings import CellFailureWarning

    def run_cell(config, seed):
        return {"x": float(np.zeros(10**18).sum())}  # numpy raises MemoryError / ValueError

    exp = types.SimpleNamespace(NAME="huge", BASE_SEED=1, grid=lambda q: [{"N": 1}],
                                n_seeds=lambda q: 1, run_cell=run_cell)
    with pytest.warns(CellFailureWarning):
        summary = run_experiment(exp, out_dir=None, store=tmp_path / "s.sqlite",
                                 progress=False)
    assert summary.n_failed == 1
    assert "ran out of memory" in summary.first_failure or "Error" in summary.first_failure


def test_dirty_flag_ignores_generated_outputs(tmp_path):
    """Writing into paper_figs/ must not mark a clean checkout dirty; editing code must."""
    import subprocess

    from mdplab.experiments.provenance import git_state

    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "paper_figs").mkdir()
    (tmp_path / "paper_figs" / "x.csv").write_text("a\n1\n")
    (tmp_path / "code.py").write_text("x = 1\n")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "init")
    assert git_state(tmp_path)["dirty"] is False
    (tmp_path / "paper_figs" / "x.csv").write_text("a\n2\n")
    assert git_state(tmp_path)["dirty"] is False
    (tmp_path / "code.py").write_text("x = 2\n")
    assert git_state(tmp_path)["dirty"] is True
