"""The exploratory experiments of spec pessimism.md Sec. 9 items 21 and 15(d):
``experiments/vilcb_horizon_dependence.py`` and ``experiments/lcb_intermediate_cstar.py``.

They are figures, not claims (nothing is asserted about the papers); these tests check that
their cells return the documented keys with sane values, that their quick grids stay small,
that their count-level data samplers have the law of the library's episode-level path, and
that their fitting helpers recover known exponents.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import experiments.lcb_intermediate_cstar as CB
import experiments.vilcb_horizon_dependence as HD
from mdplab.algorithms.offline.vilcb_episodic import n_trim, two_fold_subsample
from mdplab.envs.offline_hard_episodic import hard_episodic_instance
from mdplab.sampling import OfflineDataset, rollout


# ------------------------------------------------------------------ item 21
def test_horizon_grid_is_small_and_covers_the_spec_horizons():
    quick = HD.grid(True)
    assert len(quick) * HD.n_seeds(True) * max(c["datasets"] for c in quick) <= 80_000
    assert {c["H"] for c in quick} == {4, 8, 16, 32}
    assert {c["variant"] for c in quick} <= set(HD.VARIANTS)
    full = HD.grid(False)
    assert len(full) > len(quick) and {c["variant"] for c in full} == set(HD.VARIANTS)


@pytest.mark.parametrize("variant", ["alg2_main", "alg3_main", "alg2_remark4"])
def test_horizon_cell_keys_and_ranges(variant):
    cfg = {"H": 4, "kappa": 0.03, "variant": variant, "datasets": 40}
    out = HD.run_cell(cfg, 11)
    assert set(out) == set(HD.KEYS)
    assert out["K"] == HD.episodes(4, 0.03) == round(0.03 * 4 ** 3 * 4 * 2 / 0.25)
    for key in ("p_fail_eps", "p_fail_half_eps", "step_error", "p_any_step_wrong",
                "tie_fraction", "two_point_step_bound"):
        assert 0.0 <= out[key] <= 1.0, key
    assert out["p_fail_eps"] <= out["p_fail_half_eps"]
    assert out["step_error"] <= out["p_any_step_wrong"]
    # every wrong step costs 2 eps / H in Q*: the loss is at most 2 eps
    assert 0.0 <= out["subopt_over_eps"] <= 2.0
    if variant.startswith("alg2"):
        assert out["kept_fraction"] == 1.0
    else:      # Alg. 3 keeps at most the main half; at K = 61 the trim keeps nothing
        assert out["kept_fraction"] == 0.0 and out["tie_fraction"] == 1.0
    if variant == "alg2_remark4":      # the theory constant clips every Q_hat_h(0, .) to 0
        assert out["tie_fraction"] == 1.0
    assert HD.run_cell(cfg, 11) == out                                  # deterministic


def test_small_penalty_beats_coin_flips_at_large_kappa():
    out = HD.run_cell({"H": 8, "kappa": 0.1, "variant": "alg2_main", "datasets": 150}, 3)
    assert out["step_error"] < 0.15 and out["subopt_over_eps"] < 0.25
    # the two-point bound holds for every estimator (its mean over steps is a lower bound)
    assert out["step_error"] + 0.05 >= out["two_point_step_bound"]


def test_count_sampler_has_the_law_of_rollouts():
    inst = hard_episodic_instance(S=4, H=4, C=2.0, epsilon=0.5)
    K, M = 40, 400
    n, nn = HD.sample_counts(inst, K, M, np.random.default_rng(0))
    assert (nn.sum(axis=-1) == n).all() and (n.sum(axis=(2, 3)) == K).all()
    assert (n[:, :, 2:] == 0).all()                                      # dummies unreachable
    ref_n = np.empty_like(n)
    ref_to0 = np.empty((M, 4, 2, 2), dtype=np.int64)
    rng = np.random.default_rng(1)
    for m in range(M):
        d = OfflineDataset.from_episodes(rollout(inst.mdp, inst.behavior, K, rng, rho=inst.mu))
        ref_n[m] = d.n
        ref_to0[m] = d.nn[:, :2, :, 0]
    # mean: mu is stationary, so E n[h, s, a] = K mu(s) / 2 exactly
    expect = K * np.asarray(inst.mu)[None, :, None] / 2
    for arr in (n, ref_n):
        z = (arr.mean(axis=0) - expect) / np.maximum(arr.std(axis=0) / math.sqrt(M), 1e-9)
        assert np.abs(z[:, :2]).max() < 4.5
    # the chain's correlations: the variance of N_h(0) matches the rollouts'
    var_c = n[:, :, 0].sum(axis=-1).var(axis=0)
    var_r = ref_n[:, :, 0].sum(axis=-1).var(axis=0)
    assert np.all((var_c / var_r > 0.7) & (var_c / var_r < 1.4))
    z = (nn[:, :, :2, :, 0].mean(axis=0) - ref_to0.mean(axis=0)) / np.sqrt(
        (nn[:, :, :2, :, 0].var(axis=0) + ref_to0.var(axis=0)) / M + 1e-12)
    assert np.abs(z).max() < 4.5


def test_trimmed_counts_match_two_fold_subsample():
    inst = hard_episodic_instance(S=4, H=4, C=2.0, epsilon=0.5)
    K, M = 12000, 60        # N_aux_h(0) ~ 1500 > 100 log(HS/delta) ~ 577: state 0 is kept
    n, nn = HD.trimmed_counts(inst, K, M, np.random.default_rng(2))
    assert (nn.sum(axis=-1) == n).all() and (nn >= 0).all()
    kept_c = n.sum(axis=-1)                                              # (M, H, S)
    rng = np.random.default_rng(3)
    kept_r = np.empty_like(kept_c)
    for m in range(M):
        d = OfflineDataset.from_episodes(rollout(inst.mdp, inst.behavior, K, rng, rho=inst.mu))
        tr = two_fold_subsample(d, delta=HD.DELTA, rng=rng)
        kept_r[m] = tr.kept
        assert (tr.kept <= np.floor(n_trim(tr.n_aux, 4, 4, HD.DELTA))).all()
    for s in (0, 1):
        a, b = kept_c[:, :, s], kept_r[:, :, s]
        z = (a.mean(axis=0) - b.mean(axis=0)) / np.sqrt((a.var(axis=0) + b.var(axis=0)) / M
                                                        + 1e-12)
        assert np.abs(z).max() < 4.5
    assert kept_c[:, :, 0].mean() > 0                                    # state 0 is kept


def test_slope_summary_recovers_a_known_slope():
    rng = np.random.default_rng(0)
    table = [{"variant": "alg2_main", "kappa": 0.01, "H": H,
              "subopt_over_eps": 0.1 * H ** 0.5 * math.exp(0.01 * rng.standard_normal())}
             for H in HD.HORIZONS for _ in range(5)]
    fit = HD.slope_summary(table)[("alg2_main", 0.01)]
    assert abs(fit["slope"] - 0.5) < 0.02
    assert fit["t99"][0] < 0.5 < fit["t99"][1] and fit["boot95"][0] < fit["boot95"][1]


# ------------------------------------------------------------------ item 15(d)
def test_cstar_grid_is_small_and_has_the_spec_values():
    quick = CB.grid(True)
    assert len(quick) * CB.n_seeds(True) * quick[0]["datasets"] <= 600_000
    assert {c["C_star"] for c in quick} == {1.0, 1.1, 1.25, 1.5, 2.0}
    assert {c["law"] for c in quick} == set(CB.LAWS)


def test_family_has_the_stated_non_expert_mass_and_cstar():
    for law in CB.LAWS:
        rho = CB.context_law(law, 300)
        for C in CB.C_STARS:
            for best in (0, 1):
                mu = CB.behaviour(rho, C, best)
                assert math.isclose(mu.sum(), 1.0, abs_tol=1e-12)
                assert math.isclose(mu[:, 1 - best].sum(), (C - 1) / C, abs_tol=1e-12)
                assert math.isclose(np.max(rho / mu[:, best]), C, rel_tol=1e-12)
    g = CB.gap_grid(1000, 12)
    assert g.size == 12 and math.isclose(g[-1], 0.5) and math.isclose(g[0], 0.005)


def test_cstar_cell_keys_and_ranges():
    cfg = {"law": "uniform", "C_star": 1.5, "N": 300, "datasets": 300, "gaps": 6}
    out = CB.run_cell(cfg, 5)
    assert set(out) == set(CB.KEYS)
    for rule in CB.RULES:
        assert 0.0 <= out[rule] <= 0.5
    assert out["lcb"] > 0 and out["lcb_gap"] in set(CB.gap_grid(300, 6).tolist())
    assert out["lcb_best"] in (0.0, 1.0) and 0 < out["lcb_se"] < out["lcb"]
    assert math.isclose(out["recalled_form"], math.sqrt(10 * 0.5 / 300) + 10 / 300)
    assert CB.run_cell(cfg, 5) == out
    # expert data, uniform contexts: the non-expert arm is never seen and every context is
    # seen (P(unseen) = 0.9^300 ~ 2e-14), so LCB's loss is exactly 0
    exp_ = CB.run_cell({**cfg, "C_star": 1.0}, 5)
    assert exp_["lcb"] == 0.0 and exp_["mpa"] == 0.0
    # rare contexts (skewed law) pay the S/N imitation term
    sk = CB.run_cell({**cfg, "law": "skewed", "C_star": 1.0}, 5)
    assert sk["lcb"] > 1e-3 and sk["lcb_gap"] == 0.5


def test_exponent_summary_recovers_known_exponents():
    rng = np.random.default_rng(1)
    table = [{"law": "uniform", "C_star": C, "N": N,
              "lcb": 0.3 * (C - 1) ** 2 * N ** -1.0 * math.exp(0.01 * rng.standard_normal())}
             for C in CB.INTERMEDIATE for N in (100, 1000, 10000, 100000) for _ in range(3)]
    out = CB.exponent_summary(table, "uniform")
    assert abs(out["joint"]["alpha"][0] - 2.0) < 0.05
    assert abs(out["joint"]["beta"][0] + 1.0) < 0.02 and out["joint"]["r2"] > 0.999
    assert all(abs(v[0] + 1.0) < 0.02 for v in out["N_exponent"].values())
    assert all(abs(v[0] - 2.0) < 0.1 for v in out["cminus1_exponent"].values())


def test_plots_draw_four_panels_from_small_tables():
    t21 = [{"H": H, "kappa": k, "variant": v, "datasets": 10,
            **{key: 0.2 + 0.01 * H for key in HD.KEYS}}
           for v in HD.VARIANTS for k in (0.01, 0.1) for H in HD.HORIZONS for _ in range(2)]
    t15 = [{"law": law, "C_star": C, "N": N, "datasets": 10, "gaps": 3,
            **{key: 0.1 * C / N for key in CB.KEYS}}
           for law in CB.LAWS for C in CB.C_STARS for N in (100, 1000, 10000) for _ in range(2)]
    import matplotlib.pyplot as plt

    for mod, table in ((HD, t21), (CB, t15)):
        fig = mod.plot(table)
        assert len(fig.axes) == 4 and all(ax.get_title() for ax in fig.axes)
        plt.close(fig)
