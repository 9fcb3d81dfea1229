"""The exploratory experiments of spec pessimism.md Sec. 9, items 19 and 20: each cell
returns its documented keys with sane values, the quick grids are small, the helpers
(counts sampler, kappa interpolation, burn-in level) behave as documented."""

from __future__ import annotations

import math

import numpy as np
import pytest

from experiments import vilcb_bernstein_vs_split as bvs
from experiments import vilcb_scaling_collapse as col
from mdplab.envs import hard_discounted_instance

COLLAPSE_KEYS = {"N", "N_KL1", "kappa_exact", "fail_theta0", "fail_theta1", "fail",
                 "zero_value", "lower_bound", "epsilon", "batches", "per_batch"}


@pytest.mark.parametrize("alg,c,kappa", [("bernstein", 1.44, 0.05), ("split", 20.0, 400.0)])
def test_collapse_run_cell_keys_and_ranges(alg, c, kappa):
    cfg = {"alg": alg, "constants": "scaled", "c": c, "S": 4, "C": 1.0, "gamma": 0.9,
           "kappa": kappa, "datasets": 6}
    out = col.run_cell(cfg, 123)
    assert set(out) == COLLAPSE_KEYS
    for key in ("fail_theta0", "fail_theta1", "fail", "zero_value", "lower_bound"):
        assert 0.0 <= out[key] <= 1.0, key
    assert out["fail"] == max(out["fail_theta0"], out["fail_theta1"])
    assert out["N"] == col.samples_for(kappa, 4, 1.0, 0.9)
    assert out["kappa_exact"] >= kappa
    if alg == "split":
        assert out["batches"] > 1 and out["per_batch"] == out["N"] // out["batches"]
    else:
        assert out["batches"] == 1 and out["per_batch"] == out["N"]
    assert out == col.run_cell(cfg, 123)                      # deterministic in the seed


def test_collapse_extremes():
    """Far below the burn-in the tie rule decides (action 0: theta = 1 always fails);
    far above it the state-0 decision is always right."""
    base = {"alg": "bernstein", "constants": "scaled", "c": 1.44, "S": 4, "C": 1.0,
            "gamma": 0.9, "datasets": 5}
    low = col.run_cell({**base, "kappa": 1e-3}, 1)
    assert low["fail_theta1"] == 1.0 and low["zero_value"] == 1.0
    high = col.run_cell({**base, "kappa": 5.0}, 1)
    assert high["fail"] == 0.0 and high["zero_value"] == 0.0


def test_collapse_grid_quick_is_small():
    quick, full = col.grid(True), col.grid(False)
    assert len(quick) <= 100 and len(quick) < len(full)
    assert col.n_seeds(True) <= col.n_seeds(False)
    assert {c["constants"] for c in quick} == {"scaled"}
    assert {c["alg"] for c in full} == {"bernstein", "split"}
    assert {(c["S"], c["C"], c["gamma"]) for c in full} == {
        (S, C, g) for S, C in col.SC_CELLS for g in col.GAMMAS}


def test_iid_counts_matches_the_law_of_iid_tuples():
    inst = hard_discounted_instance(S=5, gamma=0.9, C=2.0, epsilon=0.1, theta=0)
    sup = col.support_of(inst.d_b, inst.mdp.P)
    rng = np.random.default_rng(0)
    nn = col.iid_counts(sup, 5, 2, 1000, 400, rng)
    assert nn.shape == (400, 5, 2, 5) and nn.dtype == np.int64
    assert np.all(nn.sum(axis=(1, 2, 3)) == 1000)
    assert nn[:, 2:].sum() == 0                              # dummies never in the data
    n = nn.sum(axis=3)
    mean = n.mean(axis=0) / 1000
    se = np.sqrt(np.asarray(inst.d_b) * (1 - np.asarray(inst.d_b)) / (1000 * 400))
    assert np.all(np.abs(mean - inst.d_b) <= 5 * se + 1e-12)
    P = np.asarray(inst.mdp.P)
    stay = nn[:, 0, :, 0].sum(axis=0) / n[:, 0, :].sum(axis=0)
    assert np.all(np.abs(stay - P[0, :, 0]) < 0.02)
    with pytest.raises(ValueError, match="distribution"):
        col.support_of(np.asarray(inst.d_b) * 2, P)


def test_kappa_at_level():
    k = [1.0, 10.0, 100.0, 1000.0]
    v, flag = col.kappa_at_level(k, [1.0, 0.5, 0.0, 0.0])
    assert flag == "" and v == pytest.approx(10 ** 1.5)    # halfway in log between 10, 100
    assert col.kappa_at_level(k, [0.1, 0.0, 0.0, 0.0]) == (1.0, "<")
    assert col.kappa_at_level(k, [1.0, 1.0, 1.0, 0.3]) == (1000.0, ">")
    # a non-monotone curve: the last down-crossing counts
    v, flag = col.kappa_at_level(k, [1.0, 0.0, 0.5, 0.0])
    assert flag == "" and 100.0 < v < 1000.0


def test_burn_in_kappa_scalings():
    """The Bernstein burn-in level is nearly gamma-free in kappa units; the splitting one
    grows at least like (1-gamma)^-2 (spec item 19's expectation)."""
    b = [col.burn_in_kappa("bernstein", 1.44, 4, 1.0, g) for g in (0.9, 0.99)]
    s = [col.burn_in_kappa("split", 20.0, 4, 1.0, g) for g in (0.9, 0.99)]
    assert 0.5 < b[1] / b[0] < 2.0
    assert s[1] / s[0] > 100.0
    assert math.isclose(col.kappa_of(col.samples_for(0.3, 4, 1.0, 0.9), 4, 1.0, 0.9), 0.3,
                        rel_tol=1e-3)


def test_summary_on_synthetic_table():
    table = []
    for g in (0.9, 0.99):
        for kap, f in ((0.01, 1.0), (0.1, 0.5), (1.0, 0.0)):
            table.append({"alg": "bernstein", "constants": "scaled", "S": 4, "C": 1.0,
                          "gamma": g, "kappa": kap, "datasets": 10, "fail_theta0": 0.0,
                          "fail_theta1": f, "zero_value": 0.0, "lower_bound": 0.0,
                          "seed": 0})
    s = col.summary(table)
    v = s["variants"][("bernstein", "scaled")]
    assert v["spread"] == pytest.approx(1.0) and v["below_4x"]
    assert s["cells"][("bernstein", "scaled", 4, 1.0, 0.9)][0] == pytest.approx(10 ** -0.5)


def test_bernstein_vs_split_run_cell():
    cfg = {"gamma": 0.9, "N": 3000, "instances": 2}
    out = bvs.run_cell(cfg, 7)
    expected = {f"{alg}{z}_{tag}" for tag in bvs.SCALES for alg in ("bernstein", "split")
                for z in ("", "_zero")} | {"fallback", "folds", "per_fold"}
    assert set(out) == expected
    for tag in bvs.SCALES:
        for alg in ("bernstein", "split"):
            assert out[f"{alg}_{tag}"] >= -1e-9
            assert out[f"{alg}_{tag}"] <= out["fallback"] + 1e-9 or out[
                f"{alg}_zero_{tag}"] < 1.0
            assert 0.0 <= out[f"{alg}_zero_{tag}"] <= 1.0
    assert out["fallback"] >= 0.0
    assert out["per_fold"] == 3000 // out["folds"]
    # theory constants at N = 3000: nothing survives the penalty, both return the fallback
    assert out["bernstein_theory"] == pytest.approx(out["fallback"])
    assert out["split_theory"] == pytest.approx(out["fallback"])
    assert out == bvs.run_cell(cfg, 7)


def test_bernstein_vs_split_grid_and_summary():
    quick, full = bvs.grid(True), bvs.grid(False)
    assert len(quick) <= 10 and len(quick) < len(full)
    assert {c["gamma"] for c in full} == {0.9, 0.99}
    assert min(c["N"] for c in full) == 10**3 and max(c["N"] for c in full) == 10**6
    table = [{"gamma": 0.9, "N": 1000, "instances": 1, "seed": i, "fallback": 2.0,
              **{f"bernstein_{t}": 1.0 for t in bvs.SCALES},
              **{f"split_{t}": 2.0 for t in bvs.SCALES}} for i in range(3)]
    rows = bvs.summary(table)
    assert len(rows) == len(bvs.SCALES)
    assert all(r["ratio"] == pytest.approx(0.5) for r in rows)
