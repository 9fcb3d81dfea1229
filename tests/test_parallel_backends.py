"""Serial, joblib and Dask (an existing cluster, and a LocalCluster) give bit-identical
results: experiment tables, CSV files and claim evidence."""

from __future__ import annotations

import dataclasses
import types

import pytest

from mdplab._parallel import check_backend, map_ordered, map_unordered
from mdplab.experiments import CellStore, demo, run_experiment

distributed = pytest.importorskip("distributed", reason="the dask backend needs distributed")


@pytest.fixture(scope="module")
def scheduler():
    """The address of a two-worker LocalCluster shared by this module's tests."""
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0",
                                  silence_logs=logging.ERROR) as cluster:
        yield cluster.scheduler_address


def _run(experiment, tmp_path, tag, **backend):
    summary = run_experiment(experiment, quick=True, store=tmp_path / f"{tag}.sqlite",
                             out_dir=tmp_path / tag, progress=False, **backend)
    csv = (tmp_path / tag / f"{experiment.NAME}.csv").read_bytes()
    return summary, csv


def test_demo_tables_are_identical_on_every_backend(tmp_path, scheduler):
    runs = {
        "serial": _run(demo, tmp_path, "serial"),
        "joblib": _run(demo, tmp_path, "joblib", backend="joblib", jobs=2),
        "dask": _run(demo, tmp_path, "dask", backend="dask", scheduler=scheduler),
        "dask_local": _run(demo, tmp_path, "dask_local", backend="dask", dask_workers=2),
    }
    summary, csv = runs["serial"]
    assert summary.n_run == len(demo.grid(True)) * demo.n_seeds(True) == len(summary.table)
    for name, (other, other_csv) in runs.items():
        assert other.table == summary.table, name
        assert other_csv == csv, name


def test_a_real_experiment_is_identical_serially_and_on_dask(tmp_path, scheduler):
    import experiments.generative_model_rate as E

    small = types.SimpleNamespace(  # 3 configurations x 2 seeds of the real sweep
        NAME=E.NAME, BASE_SEED=E.BASE_SEED, run_cell=E.run_cell,
        grid=lambda quick: E.grid(True)[:3], n_seeds=lambda quick: 2)
    serial, csv_s = _run(small, tmp_path, "serial")
    on_dask, csv_d = _run(small, tmp_path, "dask", backend="dask", scheduler=scheduler)
    assert serial.n_run == on_dask.n_run == 6
    assert serial.table == on_dask.table and csv_s == csv_d


def test_a_failing_cell_on_dask_is_recorded_and_retried(tmp_path, scheduler):
    def with_failures(fail):
        return types.SimpleNamespace(
            NAME="demo_fail", BASE_SEED=demo.BASE_SEED, run_cell=demo.run_cell, n_seeds=lambda q: 2,
            grid=lambda q: [{"p": 0.5, "n": n, "fail": fail and n == 100} for n in (10, 100)])

    kw = dict(store=tmp_path / "f.sqlite", out_dir=tmp_path, progress=False, backend="dask",
              scheduler=scheduler)
    first = run_experiment(with_failures(True), **kw)
    assert (first.n_run, first.n_failed, len(first.table)) == (4, 2, 2)
    failed = CellStore(tmp_path / "f.sqlite").rows("demo_fail", status="failed")
    assert len(failed) == 2 and "planted failure" in failed[0]["traceback"]
    # The fixed grid has a different configuration hash for n=100 ("fail": False), so the
    # repaired cells are new cells; the failed ones stay recorded as failed.
    second = run_experiment(with_failures(False), **kw)
    assert (second.n_skipped, second.n_run, second.n_failed) == (2, 2, 0)


def test_claim_evidence_is_identical_serially_and_on_dask(scheduler):
    from mdplab.claims import discover, run_claims, run_mutants

    claims = discover()[:3]

    def strip(evidence):  # wall-clock time is the one field that may differ
        return [dataclasses.replace(e, seconds=0.0) for e in evidence]

    assert strip(run_claims(claims)) == strip(run_claims(claims, scheduler=scheduler))
    assert strip(run_mutants(claims[:1])) == strip(run_mutants(claims[:1], scheduler=scheduler))


def test_map_ordered_keeps_the_order_on_every_backend(scheduler):
    tasks = [(i, 3) for i in range(20)]
    expected = [i ** 3 for i in range(20)]
    assert map_ordered(pow, tasks) == expected
    assert map_ordered(pow, tasks, backend="joblib", jobs=2) == expected
    assert map_ordered(pow, tasks, backend="dask", scheduler=scheduler) == expected
    assert sorted(map_unordered(pow, tasks, backend="dask", scheduler=scheduler)) == expected


@pytest.mark.parametrize("kwargs, message", [
    (dict(backend="spark"), "backend is 'spark'"),
    (dict(backend="joblib", jobs=0), "jobs is 0"),
    (dict(backend="dask"), "exactly one of scheduler"),
    (dict(backend="dask", scheduler="tcp://x:1", dask_workers=2), "exactly one of scheduler"),
    (dict(backend="dask", dask_workers=0), "dask_workers is 0"),
    (dict(backend="serial", scheduler="tcp://x:1"), "use backend='dask'"),
])
def test_bad_backend_options_are_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        check_backend(**kwargs)
    with pytest.raises(ValueError, match=message):
        run_experiment(demo, out_dir=None, progress=False, **kwargs)


def test_cli_check_on_dask(scheduler, tmp_path, capsys):
    from mdplab.claims import discover
    from mdplab.cli import main

    cid = discover()[0].id
    assert main(["check", "--claim", cid, "--scheduler", scheduler, "--out", str(tmp_path)]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out
    assert main(["check", "--claim", cid, "--dask-local", "1", "--out", str(tmp_path)]) == 0
    assert main(["check", "--claim", cid, "--dask-local", "2", "--jobs", "2"]) == 2
    assert "--jobs cannot be combined" in capsys.readouterr().err
    assert main(["run", "generative_model_rate", "--dask-local", "0"]) == 2
    assert "--dask-local is 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # argparse: the two cluster options exclude each other
        main(["figs", "--scheduler", scheduler, "--dask-local", "2"])
