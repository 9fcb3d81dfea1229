"""Issue 9 §3: ``to_pandas()`` on Episodes, OfflineDataset, experiment results and claim
reports; each table is checked against the arrays (or files) it was made from."""

from __future__ import annotations

import math
import sys
import types

import numpy as np
import pandas as pd
import pytest

from mdplab import envs
from mdplab.claims import Claim, ClaimReport, Evidence, run_claims, run_mutants, write_reports
from mdplab.experiments import run_experiment
from mdplab.sampling import OfflineDataset, rollout, sample_iid


@pytest.fixture(scope="module")
def episodes():
    mdp = envs.make("riverswim", H=6)
    policy = np.random.default_rng(1).integers(0, mdp.A, size=(mdp.H, mdp.S))
    return rollout(mdp, policy, 40, rng=3)


def test_episodes_table_is_the_arrays_in_episode_major_order(episodes):
    df = episodes.to_pandas()
    K, H = episodes.K, episodes.H
    assert list(df.columns) == ["episode", "h", "state", "action", "reward", "next_state"]
    assert len(df) == K * H
    assert df.dtypes["state"] == np.int64 and df.dtypes["reward"] == np.float64
    k, h = 17, 4
    row = df.iloc[k * H + h]
    assert (row.episode, row.h) == (k, h)
    assert row.state == episodes.states[k, h] and row.next_state == episodes.states[k, h + 1]
    assert row.action == episodes.actions[k, h] and row.reward == episodes.rewards[k, h]
    np.testing.assert_array_equal(df.groupby("episode").reward.sum().to_numpy(),
                                  episodes.returns)
    # the next state of step h is the state of step h + 1 in the same episode
    nxt = df[df.h < H - 1].next_state.to_numpy()
    np.testing.assert_array_equal(nxt, df[df.h > 0].state.to_numpy())


def test_dataset_tables_agree_with_its_counts(episodes):
    data = OfflineDataset.from_episodes(episodes)
    tr = data.to_pandas()
    assert list(tr.columns) == ["h", "s", "a", "r", "s_next", "episode"]
    assert len(tr) == data.N
    np.testing.assert_array_equal(tr.s_next.to_numpy(), data.s_next)

    counts = data.to_pandas("counts")
    assert list(counts.columns) == ["h", "s", "a", "n", "reward_sum", "r_hat"]
    assert len(counts) == int(np.prod(data.pair_shape))  # unvisited pairs included
    for _, row in counts.sample(25, random_state=0).iterrows():
        h, s, a = int(row.h), int(row.s), int(row.a)
        assert row.n == data.n[h, s, a] and row.r_hat == data.r_hat[h, s, a]
    by_pair = tr.groupby(["h", "s", "a"]).size()
    visited = counts[counts.n > 0].set_index(["h", "s", "a"]).n
    pd.testing.assert_series_equal(by_pair, visited, check_names=False)

    nxt = data.to_pandas("next_counts")
    assert list(nxt.columns) == ["h", "s", "a", "s_next", "count", "P_hat"]
    assert nxt["count"].sum() == data.N and (nxt["count"] > 0).all()
    for _, row in nxt.head(10).iterrows():
        key = (int(row.h), int(row.s), int(row.a), int(row.s_next))
        assert row["count"] == data.nn[key] and row.P_hat == data.P_hat[key]
    with pytest.raises(ValueError, match="what is 'count'; must be"):
        data.to_pandas("count")


def test_discounted_dataset_has_no_step_column():
    mdp = envs.make("riverswim", gamma=0.9)
    mu = np.full((mdp.S, mdp.A), 1.0 / (mdp.S * mdp.A))
    data = sample_iid(mdp, mu, 300, rng=0)
    assert list(data.to_pandas().columns) == ["s", "a", "r", "s_next"]
    counts = data.to_pandas("counts")
    assert list(counts.columns) == ["s", "a", "n", "reward_sum", "r_hat"]
    assert counts.n.sum() == 300
    assert "h" not in data.to_pandas("next_counts").columns


def _toy_experiment():
    def run_cell(config, seed):
        rng = np.random.default_rng(seed)
        return {"mean": float(rng.normal(config["mu"], 1.0, size=10).mean()),
                "path": rng.random(3)}

    return types.SimpleNamespace(NAME="toy", BASE_SEED=7, run_cell=run_cell,
                                 grid=lambda q: [{"mu": mu} for mu in (0.0, 1.0)],
                                 n_seeds=lambda q: 2)


def test_experiment_results_equal_the_csv_files(tmp_path):
    summary = run_experiment(_toy_experiment(), out_dir=tmp_path, store=tmp_path / "s.sqlite",
                             progress=False)
    wide = summary.to_pandas()
    pd.testing.assert_frame_equal(wide, pd.read_csv(summary.csv_path), check_dtype=False)
    assert list(wide.columns) == ["mu", "replicate", "seed", "mean"]
    long = summary.to_pandas(long=True)
    pd.testing.assert_frame_equal(long, pd.read_csv(summary.long_csv_path), check_dtype=False)
    assert len(long) == 4 * 3
    # no arrays: an empty long table that still has its columns
    exp = _toy_experiment()
    exp.run_cell = lambda config, seed: {"mean": config["mu"]}
    exp.NAME = "toy_scalar"
    flat = run_experiment(exp, out_dir=tmp_path, store=tmp_path / "t.sqlite", progress=False)
    assert flat.to_pandas(long=True).empty
    assert list(flat.to_pandas(long=True).columns) == ["mu", "replicate", "seed", "quantity",
                                                       "index", "value"]
    with pytest.raises(TypeError, match="long is 'yes'"):
        flat.to_pandas(long="yes")


def _check(budget, rng, impl):
    v = impl.value()
    return {"statistic": v, "bound": 1.0, "passed": v <= 1.0, "interval": (v - 0.5, v + 0.5)}


def test_claim_report_has_one_row_per_claim_and_mutant(tmp_path):
    claims = [Claim("toy.ok", "toy", "value <= 1", "nowhere", _check, {"value": lambda: 0.25},
                    mutants={"big": {"value": lambda: 3.0}, "small": {"value": lambda: 0.5}})]
    report = run_claims(claims)
    assert isinstance(report, ClaimReport) and isinstance(report, list)
    df = report.to_pandas()
    assert df.loc[0, "claim_id"] == "toy.ok" and df.loc[0, "verdict"] == "pass"
    assert df.loc[0, "statistic"] == 0.25 and df.loc[0, "bound"] == 1.0
    assert (df.loc[0, "interval_low"], df.loc[0, "interval_high"]) == (-0.25, 0.75)
    assert df.loc[0, "statement"] == "value <= 1" and df.loc[0, "source"] == "nowhere"
    assert df.loc[0, "seconds"] >= 0

    mutants = run_mutants(claims).to_pandas()
    assert list(mutants.mutant) == ["big", "small"]
    assert list(mutants.verdict) == ["caught", "MISSED"]  # 0.5 <= 1 passes: not caught

    # the JSON report reads back to the same table, but for the claims' own texts
    _, js = write_reports(claims, report, tmp_path)
    back = ClaimReport.from_json(js).to_pandas()
    cols = [c for c in df.columns if c not in ("statement", "source")]
    pd.testing.assert_frame_equal(back[cols], df[cols])
    assert back.statement.isna().all()


def test_claim_report_keeps_infinite_and_missing_values(tmp_path):
    ev = Evidence("toy.inf", "quick", False, math.inf, 1.0, trivial_bound=None)
    _, js = write_reports([Claim("toy.inf", "toy", "s", "src", _check,
                                 {"value": lambda: 0.0})], [ev], tmp_path)
    df = ClaimReport.from_json(js).to_pandas()
    assert df.statistic[0] == math.inf and math.isnan(df.interval_low[0])
    assert math.isnan(df.trivial_bound[0]) and df.verdict[0] == "FAIL"


def test_claim_report_rejects_what_is_not_a_report(tmp_path):
    with pytest.raises(TypeError, match=r"evidence\[1\] is int"):
        ClaimReport([Evidence("a", "quick", True, 0.0, 1.0), 3])
    bad = tmp_path / "bad.json"
    bad.write_text('{"claim_id": "x"}')
    with pytest.raises(ValueError, match="JSON list of evidence records"):
        ClaimReport.from_json(bad)
    bad.write_text('[{"claim": "x"}]')
    with pytest.raises(ValueError, match="record 0 is not an evidence record"):
        ClaimReport.from_json(bad)
    with pytest.raises(FileNotFoundError, match="mdplab check"):
        ClaimReport.from_json(tmp_path / "missing.json")


def test_without_pandas_the_error_names_the_extra(monkeypatch, episodes):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError
    with pytest.raises(ImportError, match=r"mdplab-theory\[pandas\]"):
        episodes.to_pandas()
    with pytest.raises(ImportError, match="OfflineDataset.to_pandas needs pandas"):
        OfflineDataset.from_episodes(episodes).to_pandas()
    with pytest.raises(ImportError, match="ClaimReport.to_pandas"):
        ClaimReport().to_pandas()
