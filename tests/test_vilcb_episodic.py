"""Episodic VI-LCB (Li et al. 2022, Algorithms 2-3), the two-fold subsampling kernel, the
gambler's problem, the hard episodic family and the Sec. 3.4 example."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mdplab import FiniteHorizonMDP, envs
from mdplab.algorithms.offline import decomposition, event_E
from mdplab.algorithms.offline.vilcb_episodic import (
    bernstein_log,
    gambler_run,
    instance_dependent_bound,
    n_trim,
    theorem3_epsilon,
    theorem3_min_episodes,
    theorem4_lower_bound,
    theorem6_condition,
    two_fold_subsample,
    vi_lcb_episodic,
    vi_lcb_subsampled,
)
from mdplab.coverage import concentrability
from mdplab.envs.offline_gambler import gambler_instance, gambler_samples
from mdplab.envs.offline_hard_episodic import (
    clipped_concentrability_instance,
    hard_episodic_instance,
)
from mdplab.kernels import subsampling, subsampling_reference
from mdplab.planning import backward_induction, occupancy_measure
from mdplab.sampling import OfflineDataset, rollout


# ----------------------------------------------------------------------------- gambler
def _gambler_dp(p=0.45, goal=50, H=100):
    """The notebook's value iteration, written independently: stakes 1..min(s, goal - s),
    reward 1 on reaching the goal, V = 0 at 0 and goal and after the horizon."""
    V = np.zeros((H + 1, goal + 1))
    for h in range(H - 1, -1, -1):
        for s in range(1, goal):
            best = 0.0
            for a in range(1, min(s, goal - s) + 1):
                win = (1.0 if s + a == goal else 0.0) + V[h + 1, s + a]
                best = max(best, p * win + (1 - p) * V[h + 1, s - a])
            V[h, s] = best
    return V


def test_gambler_optimal_values_match_a_direct_dp_and_the_notebook():
    inst = gambler_instance()
    assert inst.mdp.shape == (100, 51, 26)
    sol = backward_induction(inst.mdp)
    np.testing.assert_allclose(sol.V, _gambler_dp(), atol=1e-12)
    # printed by the authors' notebook (V*_1 at capitals 1, 25, 49)
    np.testing.assert_allclose(sol.V[0, [1, 25, 49]], [0.01057309, 0.45, 0.96455773], atol=5e-9)
    assert sol.V[0, 0] == sol.V[0, 50] == 0.0
    assert np.allclose(inst.mdp.rho, 1 / 51)
    # the mask: stakes 1..min(s, 50 - s); only stake 0 at the terminals
    assert inst.valid[25].sum() == 25 and inst.valid[1].tolist()[:3] == [False, True, False]
    assert inst.valid[0].sum() == inst.valid[50].sum() == 1 and inst.valid[0, 0]
    assert (sol.policy[0, 1:50] >= 1).all()          # the optimal stake is a real one


def test_gambler_stake_zero_as_a_pause_never_helps():
    """The text allows stake 0 (stay); the notebook does not. V* is the same either way."""
    inst = gambler_instance(H=30)
    P = np.array(inst.mdp.P[0])
    for s in range(1, 50):
        P[s, 0] = 0.0
        P[s, 0, s] = 1.0
    stay = FiniteHorizonMDP(P, inst.mdp.r[0], H=30, rho=inst.mdp.rho)
    np.testing.assert_allclose(backward_induction(stay).V, backward_induction(inst.mdp).V,
                               atol=1e-12)


def test_gambler_samples_are_binomial_counts_on_two_successors():
    inst = gambler_instance(goal=10, H=4)
    n, P_hat = gambler_samples(inst, 7, np.random.default_rng(0))
    assert np.allclose(P_hat.sum(axis=-1), 1.0) and (n == 7).all()
    frac = P_hat[:, 3, 2, 5]
    assert np.allclose(frac * 7, np.round(frac * 7)) and np.allclose(P_hat[:, 3, 2, 1], 1 - frac)
    _, P2 = gambler_samples(inst, 7, np.random.default_rng(0))
    assert np.array_equal(P_hat, P2)
    n3, P3 = gambler_samples(inst, 7, np.random.default_rng(0), mask_invalid=True)
    assert (n3[:, 3, 0] == 0).all() and (P3[:, 3, 0] == 0).all() and (n3[:, 0, 0] == 7).all()
    with pytest.raises(TypeError, match="GamblerInstance"):
        gambler_samples(inst.mdp, 7)


def test_gambler_run_clean_and_faithful():
    inst = gambler_instance()
    a = gambler_run(54, rng=3, instance=inst)
    b = gambler_run(54, rng=3, instance=inst)
    assert a.gap_rho == b.gap_rho and np.array_equal(a.policy, b.policy)
    assert (a.gap >= -1e-12).all() and a.gap[0] == a.gap[50] == 0.0
    assert inst.valid[np.arange(51), a.policy[0]].all()      # clean: only valid stakes
    vi = gambler_run(54, algorithm="vi", rng=3, instance=inst)
    assert a.gap_rho < vi.gap_rho                             # Fig. 2: pessimism helps at small N
    f = gambler_run(54, rng=3, instance=inst, faithful_notebook=True)
    assert f.params["faithful_notebook"] and (f.gap >= -1e-12).all()
    with pytest.raises(ValueError, match="algorithm is 'ucb'"):
        gambler_run(54, algorithm="ucb")


# ----------------------------------------------------------------------------- subsampling
@pytest.mark.parametrize("seed", range(5))
def test_subsampling_kernel_matches_reference(seed):
    rng = np.random.default_rng(seed)
    nb = int(rng.integers(1, 30))
    bucket = rng.integers(0, nb, size=int(rng.integers(0, 400)))
    sizes = np.bincount(bucket, minlength=nb)
    keep = (rng.random(nb) * (sizes + 1)).astype(np.int64)
    keep[::3] = sizes[::3]                                    # some buckets kept whole
    u = rng.random(bucket.size)
    got = subsampling.select_without_replacement(bucket, nb, keep, u)
    ref = subsampling_reference.select_without_replacement(bucket, nb, keep, u)
    assert np.array_equal(got, ref)
    assert np.array_equal(np.bincount(bucket[got], minlength=nb), keep)
    assert np.unique(got).size == got.size


def test_subsampling_selects_uniformly():
    rng = np.random.default_rng(1)
    bucket = np.zeros(10, dtype=np.int64)
    hits = np.zeros(10)
    T = 4000
    for _ in range(T):
        hits[subsampling.select_without_replacement(bucket, 1, np.array([3]), rng.random(10))] += 1
    # each element is kept with probability 3/10; 5 binomial standard errors
    assert np.abs(hits / T - 0.3).max() < 5 * math.sqrt(0.3 * 0.7 / T)


def _episodes(K=400, seed=0):
    mdp = envs.random_tabular(S=4, A=2, H=3, seed=seed)
    beh = np.full((3, 4, 2), 0.5)
    return mdp, OfflineDataset.from_episodes(rollout(mdp, beh, K, np.random.default_rng(seed)))


def test_two_fold_subsample_properties():
    mdp, data = _episodes(K=3000)
    trim = two_fold_subsample(data, delta=0.05, rng=7)
    assert trim.main_episodes.size == 1500 and np.intersect1d(trim.main_episodes,
                                                              trim.aux_episodes).size == 0
    H, S = data.H, data.S
    idx = trim.kept_index
    assert np.isin(data.episode[idx], trim.main_episodes).all() and np.unique(idx).size == idx.size
    kept = np.bincount(data.h[idx] * S + data.s[idx], minlength=H * S).reshape(H, S)
    assert np.array_equal(kept, np.minimum(np.floor(trim.n_trim), trim.n_main))
    np.testing.assert_allclose(trim.n_trim, n_trim(trim.n_aux, H, S, 0.05))
    assert trim.data.N == kept.sum() and 0.5 <= trim.fraction_discarded <= 1.0
    again = two_fold_subsample(data, delta=0.05, rng=7)
    assert np.array_equal(again.kept_index, idx)
    # (56) is zero exactly up to 100 log(HS/delta)
    thr = 100 * math.log(H * S / 0.05)
    assert n_trim(np.floor(thr), H, S, 0.05) == 0 and n_trim(np.ceil(thr) + 1, H, S, 0.05) > 0


def test_vi_lcb_subsampled_records_the_trim():
    mdp, data = _episodes(K=3000)
    res = vi_lcb_subsampled(data, mdp.r, c_b=0.05, rng=2, fold_log=True)
    t = res.params["trim"]
    assert res.algorithm == "vi-lcb-subsampled" and res.params["N"] == t["n_kept"]
    assert t["n_main_total"] + t["n_aux_total"] == data.N


# ----------------------------------------------------------------------------- Algorithm 2
def _rational_mdp(seed=0, S=4, A=3, H=4, n=1000):
    rng = np.random.default_rng(seed)
    nn = rng.multinomial(n, np.ones(S) / S, size=(H, S, A))
    mdp = FiniteHorizonMDP(nn / n, rng.random((H, S, A)), rho=np.ones(S) / S)
    return mdp, np.full((H, S, A), n), nn


def test_zero_penalty_on_the_true_model_is_backward_induction():
    mdp, n, nn = _rational_mdp()
    res = vi_lcb_episodic((n, nn), mdp.r, c_b=0.0)
    sol = backward_induction(mdp)
    np.testing.assert_allclose(res.Q, sol.Q, atol=1e-12)
    np.testing.assert_allclose(res.V, sol.V, atol=1e-12)
    assert np.array_equal(res.policy, sol.policy) and (res.penalty == 0).all()
    np.testing.assert_allclose(res.backup, sol.Q, atol=1e-12)


def _penalty_reference(n, nn, r, c_b, delta):
    H, S, A, _ = nn.shape
    N = n.sum()
    L = math.log(N * H / delta)
    P = nn / np.maximum(n, 1)[..., None]
    V = np.zeros((H + 1, S))
    B = np.zeros((H, S, A))
    for h in reversed(range(H)):
        m = P[h] @ V[h + 1]
        var = np.maximum(P[h] @ V[h + 1] ** 2 - m ** 2, 0)
        for s in range(S):
            for a in range(A):
                k = n[h, s, a]
                B[h, s, a] = H if k == 0 else min(math.sqrt(c_b * L * var[s, a] / k)
                                                   + c_b * H * L / k, H)
        V[h] = np.maximum(r[h] + m - B[h], 0).max(axis=1)
    return B, V


def test_penalty_is_eq_55_including_unvisited_pairs():
    rng = np.random.default_rng(4)
    H, S, A = 3, 4, 2
    nn = rng.integers(0, 6, size=(H, S, A, S))
    nn[0, 1, 1] = 0                                          # an unvisited pair: b = H
    n = nn.sum(axis=-1)
    r = rng.random((H, S, A))
    res = vi_lcb_episodic((n, nn), r, c_b=0.3, delta=0.1)
    B, V = _penalty_reference(n, nn, r, 0.3, 0.1)
    np.testing.assert_allclose(res.penalty, B, rtol=1e-10)
    np.testing.assert_allclose(res.V, V, atol=1e-10)
    assert res.penalty[0, 1, 1] == H and res.params["L"] == pytest.approx(bernstein_log(n.sum(),
                                                                                        H, 0.1))
    folded = vi_lcb_episodic((n, nn), r, c_b=0.3, fold_log=True, cap="remaining")
    assert folded.params["L"] == 1.0 and folded.penalty[2].max() <= 1.0 + 1e-12


def test_shared_exact_checks_apply():
    mdp = envs.random_tabular(S=5, A=3, H=4, seed=2)
    data = OfflineDataset.from_episodes(rollout(mdp, np.full((4, 5, 3), 1 / 3), 300, 1))
    res = vi_lcb_episodic(data, mdp.r, c_b=0.05, fold_log=True)
    dec = decomposition(mdp, res)
    np.testing.assert_allclose(dec["total"], dec["suboptimality"], atol=1e-9)
    assert isinstance(event_E(mdp, res)["holds"], bool)
    # with the reward folded into the arrival the backup is r + P_hat (V + arrival)
    inst = gambler_instance(goal=10, H=6)
    n, P_hat = gambler_samples(inst, 40, np.random.default_rng(0))
    nn = np.rint(P_hat * n[..., None]).astype(np.int64)
    res = vi_lcb_episodic((n.astype(np.int64), nn), np.zeros(inst.mdp.shape), c_b=0.01,
                          arrival=inst.arrival, valid=inst.valid)
    dec = decomposition(inst.mdp, res)
    np.testing.assert_allclose(dec["total"], dec["suboptimality"], atol=1e-9)


def test_validation_messages():
    mdp, n, nn = _rational_mdp()
    with pytest.raises(ValueError, match="delta is 1.5"):
        vi_lcb_episodic((n, nn), mdp.r, delta=1.5)
    with pytest.raises(ValueError, match="c_b is -1"):
        vi_lcb_episodic((n, nn), mdp.r, c_b=-1)
    with pytest.raises(TypeError, match="c_b must be a real number"):
        vi_lcb_episodic((n, nn), mdp.r, c_b="16")
    with pytest.raises(ValueError, match="r has shape"):
        vi_lcb_episodic((n, nn), np.zeros((2, 2)))
    with pytest.raises(TypeError, match="OfflineDataset"):
        vi_lcb_episodic([n, nn], mdp.r)
    bad = nn.copy()
    bad[1, 2, 0, 0] += 1
    with pytest.raises(ValueError, match=r"nn\[1, 2, 0, :\] sums to"):
        vi_lcb_episodic((n, bad), mdp.r)
    with pytest.raises(ValueError, match="cap is 'max'"):
        vi_lcb_episodic((n, nn), mdp.r, cap="max")
    valid = np.ones((4, 3), dtype=bool)
    valid[2] = False
    with pytest.raises(ValueError, match=r"valid\[2, :\] is all False"):
        vi_lcb_episodic((n, nn), mdp.r, valid=valid)
    with pytest.raises(ValueError, match="arrival has shape"):
        vi_lcb_episodic((n, nn), mdp.r, arrival=np.zeros(7))
    mdp2, data = _episodes(K=10)
    no_ids = OfflineDataset(s=data.s, a=data.a, s_next=data.s_next, S=4, A=2, H=3, h=data.h)
    with pytest.raises(ValueError, match="no episode ids"):
        two_fold_subsample(no_ids)
    one = data.subset(np.flatnonzero(data.episode == 0))
    with pytest.raises(ValueError, match="needs at least 2"):
        two_fold_subsample(one)


# ----------------------------------------------------------------------------- instances
def test_hard_episodic_family():
    inst = hard_episodic_instance(S=4, H=12, C=2.0, epsilon=0.5, theta=np.arange(12) % 2)
    sol = backward_induction(inst.mdp)
    gaps = sol.Q[:-1, 0, :].max(axis=1) - sol.Q[:-1, 0, :].min(axis=1)
    np.testing.assert_allclose(gaps, 2 * 0.5 / 12, rtol=1e-12)
    assert np.array_equal(sol.policy[:-1, 0], inst.theta[:-1])
    d_b = occupancy_measure(inst.mdp, inst.behavior, rho=inst.mu)
    np.testing.assert_allclose(d_b, np.broadcast_to(inst.mu[None, :, None] / 2, d_b.shape),
                               atol=1e-14)
    c = concentrability(inst.mdp, sol.policy, inst.behavior, rho_b=inst.mu)
    assert c.clipped_value == pytest.approx(2.0, rel=1e-12) and c.value > 2.0
    # KL of K episodes: K (m0/2) [kl(p||q) + kl(q||p)], zero at the uninformative last step
    h = 10
    p, q = inst.p, inst.q[h]
    kl = p * math.log(p / q) + (1 - p) * math.log((1 - p) / (1 - q))
    kl += q * math.log(q / p) + (1 - q) * math.log((1 - q) / (1 - p))
    assert inst.kl(h, 50) == pytest.approx(50 * inst.m0 / 2 * kl, rel=1e-12)
    assert inst.kl(11, 50) == 0 and inst.two_point_bound(11, 50) == 0.5
    assert inst.two_point_bound(h, 10) > inst.two_point_bound(h, 100)
    assert inst.flipped(3).theta[3] == 1 - inst.theta[3]
    assert isinstance(envs.make("hard_episodic"), FiniteHorizonMDP)
    with pytest.raises(ValueError, match="C is 1.0"):
        hard_episodic_instance(S=4, C=1.0)
    with pytest.raises(ValueError, match="too large"):
        hard_episodic_instance(H=12, epsilon=5.0)
    with pytest.raises(ValueError, match=r"theta\[2\] is 3"):
        hard_episodic_instance(H=4, theta=[0, 1, 3, 0])


@pytest.mark.parametrize("K,p", [(10, 0.3), (10, 0.7), (3, 0.0), (50, 1.0)])
def test_clipped_example_values(K, p):
    ex = clipped_concentrability_instance(K=K, p=p)
    assert np.array_equal(backward_induction(ex.mdp).policy, ex.optimal)
    c = concentrability(ex.mdp, ex.optimal, ex.behavior, clip=1.0)
    assert c.clipped_value == pytest.approx(K if p < 0.5 else K / (K - 1), rel=1e-12)
    assert ex.never_seen == pytest.approx((1 - 1 / K) ** K)
    with pytest.raises(ValueError, match="p is 0.5"):
        clipped_concentrability_instance(K=K, p=0.5)


# ----------------------------------------------------------------------------- bounds
def test_bound_functions():
    K = theorem3_min_episodes(5, 4, 2.0, 1.0, 0.05, c_k=1.0)
    a = 5 ** 3 * 4 * 2.0
    assert K >= a * math.log(K * 5 / 0.05) and K - 1 < a * math.log((K - 1) * 5 / 0.05)
    assert theorem3_epsilon(K, 5, 4, 2.0, 0.05, c_k=1.0) <= 1.0 + 1e-9
    assert theorem3_min_episodes(5, 4, 2.0, 1.0, 0.05) > 1e8       # Remark 4: vacuous
    with pytest.raises(ValueError, match="epsilon is 6.0"):
        theorem3_min_episodes(5, 4, 2.0, 6.0, 0.05)
    assert theorem6_condition(10**9, 5, 4, 2.0, 10**9, 0.05)
    assert not theorem6_condition(100, 5, 4, 2.0, 500, 0.05)
    assert theorem4_lower_bound(12, 8, 1.0, 1e-4) == pytest.approx(2.0**-36 * 12**4 * 8 / 1e-8)
    with pytest.raises(ValueError, match="H is 4"):
        theorem4_lower_bound(4, 8, 1.0, 1e-4)
    with pytest.raises(ValueError, match="C_clipped is 0.5"):
        theorem4_lower_bound(12, 8, 0.5, 1e-4)
    mdp = envs.random_tabular(S=4, A=2, H=3, seed=1)
    d_b = occupancy_measure(mdp, np.full((3, 4, 2), 0.5))
    b1, b4 = (instance_dependent_bound(mdp, d_b, K) for K in (100, 400))
    assert b1 > 0 and b4 == pytest.approx(b1 / 2)
    star = backward_induction(mdp).policy
    d_zero = d_b.copy()
    d_zero[0, :, :] = 0.0
    d_zero[0, np.arange(4), 1 - star[0]] = 0.25
    assert instance_dependent_bound(mdp, d_zero, 100) == math.inf


def test_csr_method_matches_dense():
    """Algorithm 2 from CSR counts (cost linear in the data) equals the dense path."""
    from mdplab.algorithms.offline import vi_lcb_episodic
    from mdplab.sampling import OfflineDataset, rollout

    mdp = envs.make("random_tabular", S=6, A=3, H=5, seed=2)
    data = OfflineDataset.from_episodes(rollout(mdp, np.full(mdp.shape, 1 / 3), 300, rng=4))
    for c_b in (0.05, 1.0):
        dense = vi_lcb_episodic(data, mdp.r, c_b=c_b, method="dense")
        csr = vi_lcb_episodic(data, mdp.r, c_b=c_b, method="csr")
        for f in ("Q", "V", "penalty", "backup"):
            np.testing.assert_allclose(getattr(csr, f), getattr(dense, f), atol=1e-12)
        np.testing.assert_array_equal(csr.policy, dense.policy)
    with pytest.raises(ValueError, match="method is 'sparse'"):
        vi_lcb_episodic(data, mdp.r, method="sparse")
    with pytest.raises(ValueError, match="method='csr' needs"):
        vi_lcb_episodic((data.n, data.nn), mdp.r, method="csr")
