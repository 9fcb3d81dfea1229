"""LCB for offline bandits (mdplab.algorithms.offline.lcb), its data, bounds and hard
instances: hand-computed datasets, input validation, numba kernel vs numpy reference,
exact C* of the instances, exact bound formulas against brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from mdplab import envs
from mdplab.algorithms.offline import lcb
from mdplab.algorithms.offline.bandit_data import (
    bandit_counts,
    contextual_counts,
    sample_bandit_counts,
    sample_bandit_data,
    sample_contextual_counts,
    sample_contextual_data,
)
from mdplab.coverage import concentrability_from_occupancies
from mdplab.envs import bandit_behaviour, offline_bandit

# ----------------------------------------------------------------------------- by hand


def test_lcb_eba_mpa_on_a_hand_computed_dataset():
    actions = [0, 0, 1, 1, 1, 1]
    rewards = [1.0, 1.0, 1.0, 1.0, 0.0, 1.0]
    L = math.log(2 * 2 * 6)  # delta = 1/N = 1/6, A = 2
    d = lcb.lcb_mab(actions, rewards, A=2)
    assert d.params["delta"] == pytest.approx(1 / 6) and d.params["log_term"] == pytest.approx(L)
    assert d.n.tolist() == [2, 4] and d.r_hat.tolist() == [1.0, 0.75]
    b = np.sqrt(L / (2 * np.array([2.0, 4.0])))
    assert np.allclose(d.bonus, b) and np.allclose(d.index, [1 - b[0], 0.75 - b[1]])
    assert d.index[1] > d.index[0] and d.arm == 1  # pessimism prefers the well-sampled arm
    assert lcb.eba(actions, rewards, A=2).arm == 0  # greedy prefers the higher mean
    assert lcb.mpa(actions, A=2).arm == 1
    # the counts entry points agree
    assert lcb.lcb_mab_counts([2, 4], [2.0, 3.0]).arm == 1
    assert lcb.eba_counts([2, 4], [2.0, 3.0]).arm == 0 and lcb.mpa_counts([2, 4]).arm == 1
    with pytest.raises(ValueError, match="read-only"):
        d.index[0] = 0.0


def test_unseen_conventions_differ_exactly_where_the_spec_says():
    # delta = 0.01, A = 2: L = log(400) = 5.99, so b(n = 1) = 1.73 > 1
    lo = lcb.lcb_mab([0], [0.0], A=2, delta=0.01)
    assert lo.arm == 0 and lo.index[1] == -np.inf and lo.bonus[1] == np.inf
    paper = lcb.lcb_mab([0], [0.0], A=2, delta=0.01, unseen="paper")
    assert paper.index[1] == -1.0 and paper.bonus[1] == 1.0
    assert paper.index[0] == pytest.approx(-math.sqrt(math.log(400) / 2))
    assert paper.arm == 1  # the unseen arm beats a seen arm whose index is below -1
    # a lucky seen arm keeps its index above -1 and wins under both conventions
    assert lcb.lcb_mab([0], [1.0], A=2, delta=0.01, unseen="paper").arm == 0
    # EBA: unseen arms get r_hat = 0 under "paper", are excluded under "neg_inf"
    assert lcb.eba_counts([3, 0], [0.0, 0.0]).arm == 0
    assert lcb.eba_counts([3, 0], [0.0, 0.0], unseen="paper").arm == 0  # tie -> lowest


def test_no_data_and_tie_rules():
    d = lcb.lcb_mab([], [], A=3)
    assert d.arm == 0 and d.params["N"] == 0 and d.params["delta"] == 1.0
    picks = {lcb.lcb_mab([], [], A=3, tie="uniform", rng=s).arm for s in range(40)}
    assert picks == {0, 1, 2}
    # exact ties: arms 1 and 2 have the same counts and sums
    counts, sums = [1, 5, 5], [1.0, 4.0, 4.0]
    assert lcb.lcb_mab_counts(counts, sums).arm == 1
    uni = [lcb.lcb_mab_counts(counts, sums, tie="uniform", rng=s).arm for s in range(40)]
    assert set(uni) == {1, 2}
    assert uni == [lcb.lcb_mab_counts(counts, sums, tie="uniform", rng=s).arm
                   for s in range(40)]  # deterministic given the seed


def test_contextual_rules_by_hand():
    contexts, actions, rewards = [0, 0, 1, 1, 1], [1, 1, 0, 2, 2], [1.0, 0.0, 1.0, 1.0, 1.0]
    d = lcb.lcb_cb(contexts, actions, rewards, S=3, A=3)
    assert d.n.tolist() == [[0, 2, 0], [1, 0, 2], [0, 0, 0]]
    L = math.log(2 * 3 * 3 * 5)
    assert d.params["log_term"] == pytest.approx(L)
    assert d.index[1, 2] == pytest.approx(1.0 - math.sqrt(L / 4))
    assert d.index[1, 0] == pytest.approx(1.0 - math.sqrt(L / 2))
    # context 0: only arm 1 seen; context 1: arm 2 (more data, same mean); context 2: unseen
    assert d.policy.tolist() == [1, 2, 0]
    assert lcb.greedy_cb(contexts, actions, rewards, S=3, A=3).policy.tolist() == [1, 0, 0]
    assert lcb.bc_cb(contexts, actions, S=3, A=3).policy.tolist() == [1, 2, 0]
    n, r = contextual_counts(contexts, actions, rewards, S=3, A=3)
    assert lcb.lcb_cb_counts(n, r).policy.tolist() == [1, 2, 0]
    assert lcb.bc_cb_counts(n).policy.tolist() == [1, 2, 0]
    assert lcb.greedy_cb_counts(n, r).policy.tolist() == [1, 0, 0]


def test_suboptimality_helpers():
    assert lcb.mab_suboptimality([0.2, 0.7, 0.5], [0, 1, 2]).tolist() == pytest.approx(
        [0.5, 0.0, 0.2])
    means = np.array([[0.1, 0.9], [0.6, 0.2]])
    val = lcb.cb_suboptimality(means, [0.25, 0.75], [[0, 0], [1, 1]])
    assert val == pytest.approx([0.25 * 0.8, 0.75 * 0.4])


# ----------------------------------------------------------------------------- validation


def test_input_validation_messages():
    with pytest.raises(ValueError, match=r"actions\[2\] is 5; must be in \{0, ..., 1\}"):
        lcb.lcb_mab([0, 1, 5], [0, 0, 0], A=2)
    with pytest.raises(ValueError, match=r"rewards\[0\] is 1.5; must lie in \[0, 1\]"):
        lcb.lcb_mab([0], [1.5], A=2)
    with pytest.raises(ValueError, match="rewards has shape"):
        lcb.lcb_mab([0, 1], [1.0], A=2)
    with pytest.raises(ValueError, match="unseen is 'zero'"):
        lcb.lcb_mab([0], [1.0], A=2, unseen="zero")
    with pytest.raises(ValueError, match="tie is 'random'"):
        lcb.lcb_mab([0], [1.0], A=2, tie="random")
    with pytest.raises(ValueError, match="tie='uniform' needs rng"):
        lcb.lcb_mab([0], [1.0], A=2, tie="uniform")
    with pytest.raises(ValueError, match=r"delta is 0.0; must lie in \(0, 1\]"):
        lcb.lcb_mab([0], [1.0], A=2, delta=0)
    with pytest.raises(TypeError, match="delta must be a real number"):
        lcb.lcb_mab([0], [1.0], A=2, delta="small")
    with pytest.raises(TypeError, match="actions must be an integer array"):
        lcb.lcb_mab(["a"], [1.0], A=2)
    with pytest.raises(ValueError, match=r"n\[1\] is -1; counts must be >= 0"):
        lcb.lcb_mab_counts([1, -1], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"r_sum\[0\] is 3 with n = 2"):
        lcb.lcb_mab_counts([2, 1], [3.0, 0.0])
    with pytest.raises(ValueError, match="r_sum is required"):
        lcb.mab_choices(np.ones((2, 2), dtype=int))
    with pytest.raises(ValueError, match="rule is 'ucb'"):
        lcb.mab_choices(np.ones((2, 2), dtype=int), np.zeros((2, 2)), rule="ucb")
    with pytest.raises(ValueError, match="n must have 3 dimensions"):
        lcb.cb_choices(np.ones((2, 2), dtype=int), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"contexts\[0\] is 4"):
        lcb.lcb_cb([4], [0], [1.0], S=2, A=2)
    with pytest.raises(ValueError, match=r"mu\[:\] sums to 1.1"):
        sample_bandit_counts([0.5, 0.5], [0.5, 0.6], 10, 2, rng=0)
    with pytest.raises(ValueError, match=r"means\[1\] is 1.2"):
        sample_bandit_data([0.5, 1.2], [0.5, 0.5], 10, rng=0)


def test_instance_validation_messages():
    with pytest.raises(ValueError, match="C_star is 0.5"):
        envs.make("mab_two_point", C_star=0.5)
    with pytest.raises(ValueError, match="gap is 0.0"):
        envs.make("mab_two_point", gap=0.0)
    with pytest.raises(ValueError, match="sign is 2"):
        envs.make("mab_two_point", sign=2)
    with pytest.raises(ValueError, match=r"C_star is 2.0; must lie in \[1, 2\)"):
        envs.make("mab_expert_like", C_star=2.0)
    with pytest.raises(ValueError, match=r"sign\[1\] is 0"):
        envs.make("cb_two_point", S=2, sign=[1, 0])
    with pytest.raises(ValueError, match="needs N >= S - 2"):
        envs.make("cb_expert", S=20, N=5)
    with pytest.raises(ValueError, match="eta is 1.0"):
        envs.make("mab_many_arms", eta=1.0)
    with pytest.raises(ValueError, match="no behaviour distribution for 'riverswim'"):
        bandit_behaviour("riverswim")
    with pytest.raises(TypeError, match="has no parameter 'Cstar'"):
        bandit_behaviour("mab_two_point", Cstar=3)


# ----------------------------------------------------------------------------- kernel


def _random_counts(rng, R, A):
    n = rng.integers(0, 4, size=(R, A))
    n[rng.random((R, A)) < 0.3] = 0
    n[: max(1, R // 10)] = 0  # some rows with no data at all
    r = rng.binomial(n, 0.5).astype(float)  # small integers: many exact ties
    return n, r


@pytest.mark.parametrize("rule,unseen,tie", list(itertools.product(
    (0, 1, 2), (0, 1), (0, 1))))
def test_numba_kernel_equals_numpy_reference(rule, unseen, tie):
    rng = np.random.default_rng(100 + 4 * rule + 2 * unseen + tie)
    n, r = _random_counts(rng, 500, 4)
    L = rng.uniform(0.5, 8.0, size=500)
    u = rng.random(500)
    fast, ref = np.full(500, -1), np.full(500, -2)
    lcb._choose_rows(n, r, L, rule, unseen, tie, u, fast)
    lcb._choose_rows_reference(n, r, L, rule, unseen, tie, u, ref)
    assert np.array_equal(fast, ref)
    assert (fast >= 0).all()


def test_batch_functions_match_single_dataset_functions():
    rng = np.random.default_rng(7)
    n, r = _random_counts(rng, 60, 3)
    for rule, single in (("lcb", lcb.lcb_mab_counts), ("eba", lcb.eba_counts)):
        batch = lcb.mab_choices(n, r, rule=rule, unseen="paper")
        assert batch.tolist() == [single(n[i], r[i], unseen="paper").arm for i in range(60)]
    assert lcb.mab_choices(n, rule="mpa").tolist() == [lcb.mpa_counts(x).arm for x in n]
    nc = n.reshape(20, 3, 3)
    rc = r.reshape(20, 3, 3)
    batch = lcb.cb_choices(nc, rc, delta=0.05)
    assert batch.tolist() == [lcb.lcb_cb_counts(nc[i], rc[i], delta=0.05).policy.tolist()
                              for i in range(20)]


# ----------------------------------------------------------------------------- data


def test_counts_shortcut_has_the_law_of_raw_data():
    """E[LCB suboptimality] from raw datasets and from (Multinomial, Binomial) counts agree."""
    ob = offline_bandit("mab_two_point", C_star=4.0, gap=0.15, sign=1)
    means = ob.means[0]
    N, M = 60, 1500
    rng = np.random.default_rng(3)
    raw = np.array([means.max() - means[lcb.lcb_mab(*sample_bandit_data(means, ob.mu, N, rng),
                                                    A=2).arm] for _ in range(M)])
    n, r = sample_bandit_counts(means, ob.mu, N, M, rng=4)
    fast = lcb.mab_suboptimality(means, lcb.mab_choices(n, r))
    se = math.sqrt(raw.var() / M + fast.var() / M)
    assert abs(raw.mean() - fast.mean()) <= 4 * se
    assert raw.mean() > 0.02  # the comparison is not between two zeros
    assert (n.sum(axis=1) == N).all() and (r <= n).all()
    # contextual: the counts of raw data have the right shape and total
    c, a, rw = sample_contextual_data(np.full((2, 2), 0.5), np.full((2, 2), 0.25), 40, rng=5)
    nn, _ = contextual_counts(c, a, rw, S=2, A=2)
    assert nn.sum() == 40
    nb, rb = sample_contextual_counts(np.full((2, 2), 0.5), np.full((2, 2), 0.25), 40, 3,
                                      rng=5)
    assert nb.shape == (3, 2, 2) and (nb.sum(axis=(1, 2)) == 40).all()
    n1, r1 = bandit_counts([0, 0, 1], [1.0, 0.5, 0.0], A=3)
    assert n1.tolist() == [2, 1, 0] and r1.tolist() == [1.5, 0.0, 0.0]


def test_sampling_is_reproducible():
    a = sample_bandit_counts([0.3, 0.6], [0.5, 0.5], 100, 10, rng=11)
    b = sample_bandit_counts([0.3, 0.6], [0.5, 0.5], 100, 10, rng=11)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


# ----------------------------------------------------------------------------- instances


def _d_star(ob):
    d = np.zeros(ob.mu_2d.shape)
    d[np.arange(d.shape[0]), ob.optimal] = ob.rho
    return d


@pytest.mark.parametrize("name,params,c_star", [
    ("mab_two_point", {"C_star": 4.0, "sign": 1}, 4.0),
    ("mab_two_point", {"C_star": 4.0, "sign": -1}, 4.0 / 3.0),
    ("mab_two_point", {"C_star": 2.0, "sign": -1}, 2.0),
    ("mab_expert_like", {"C_star": 1.5, "best": 1}, 1.5),
    ("mab_expert_like", {"C_star": 1.0}, 1.0),
    ("mab_many_arms", {"A": 50, "eta": 0.5}, 2.0),
    ("mab_many_arms", {"A": 10, "eta": 0.75}, 4.0),
    ("cb_two_point", {"S": 5, "C_star": 8.0, "sign": [1, -1, -1, 1, -1]}, 8.0),
    ("cb_two_point", {"S": 3, "C_star": 8.0, "sign": -1}, 8.0 / 7.0),
    ("cb_expert", {"S": 20, "A": 3, "N": 100}, 1.0),
    ("cb_expert", {"S": 7, "A": 4, "N": 10, "rho": "uniform"}, 1.0),
])
def test_instances_have_the_exact_c_star(name, params, c_star):
    ob = offline_bandit(name, **params)
    assert ob.c_star == pytest.approx(c_star, rel=1e-12)
    ref = concentrability_from_occupancies(_d_star(ob), ob.mu_2d)
    assert ref.value == pytest.approx(c_star, rel=1e-12)
    assert np.array_equal(ob.mu, bandit_behaviour(name, **params))
    model = envs.make(name, **params)
    assert np.array_equal(np.asarray(model.means), ob.means)
    assert np.isclose(ob.mu.sum(), 1.0)


def test_instance_structure():
    ob = offline_bandit("mab_two_point", C_star=4.0, gap=0.2, sign=-1)
    assert ob.means[0].tolist() == pytest.approx([0.3, 0.5]) and ob.optimal.tolist() == [1]
    ob = offline_bandit("cb_expert", S=5, A=3, N=20)
    assert ob.optimal.tolist() == [1, 2, 1, 2, 1]  # never arm 0, varies with s
    assert ob.rho.tolist() == pytest.approx([1 - 4 / 21] + [1 / 21] * 4)
    assert np.array_equal(ob.mu.sum(axis=1), ob.rho)
    assert (ob.mu[np.arange(5), ob.optimal] == ob.rho).all()
    ob = offline_bandit("mab_many_arms", A=4, eta=0.3, gap=0.1)
    assert ob.mu.tolist() == pytest.approx([0.7, 0.1, 0.1, 0.1])
    assert ob.means[0].tolist() == pytest.approx([0.5, 0.4, 0.4, 0.4])


# ----------------------------------------------------------------------------- bounds


def test_hoeffding_bound_exact_values():
    for N, want in ((100, 0.71), (1000, 0.26), (10000, 0.092)):  # spec prototype, C* = 4
        assert lcb.lcb_mab_hoeffding_bound(N, 0.25, A=2) == pytest.approx(want, abs=0.006)
    N, p, A = 30, 0.4, 3
    L = math.log(2 * A * N)
    direct = 1 / N + stats.binom.pmf(0, N, p) + sum(
        stats.binom.pmf(k, N, p) * min(1.0, 2 * math.sqrt(L / (2 * k))) for k in range(1, N + 1))
    assert lcb.lcb_mab_hoeffding_bound(N, p, A=A) == pytest.approx(direct, rel=1e-12)
    assert lcb.lcb_mab_hoeffding_bound(N, 0.0, A=2) == pytest.approx(1 + 1 / N)


def test_mpa_exact_against_enumeration():
    for N, mu_star, best, tie in itertools.product((0, 1, 4, 7), (0.3, 0.7), (0, 1),
                                                   ("lowest", "uniform")):
        err = 0.0
        for x in range(N + 1):  # x = N(a*)
            other = N - x
            if x < other:
                err += stats.binom.pmf(x, N, mu_star)
            elif x == other:
                q = 0.5 if tie == "uniform" else float(best == 1)
                err += q * stats.binom.pmf(x, N, mu_star)
        got = lcb.mpa_two_arm_suboptimality(N, mu_star, 0.3, best=best, tie=tie)
        assert got == pytest.approx(0.3 * err, abs=1e-14)
        if got > 0:
            log = lcb.mpa_two_arm_suboptimality(N, mu_star, 0.3, best=best, tie=tie, log=True)
            assert log == pytest.approx(math.log(got))
    # exponential decay for mu_star > 1/2, without underflow in log space
    logs = [lcb.mpa_two_arm_suboptimality(N, 2 / 3, 0.1, log=True) for N in (1000, 2000, 4000)]
    assert np.all(np.isfinite(logs)) and logs[2] - logs[1] == pytest.approx(
        2 * (logs[1] - logs[0]), rel=0.01)


def test_two_point_lower_bound_and_kl():
    gap, N, C = 0.1, 200, 4.0
    alpha = N / C * (0.6 * math.log(0.6 / 0.4) + 0.4 * math.log(0.4 / 0.6))
    want = gap * max(0.25 * math.exp(-alpha), 0.5 * (1 - math.sqrt(alpha / 2)))
    assert lcb.mab_two_point_lower_bound(N, C, gap) == pytest.approx(want)
    assert lcb.mab_two_point_lower_bound(N * 3, C, gap, S=3) == pytest.approx(want)
    assert lcb.mab_two_point_lower_bound(N, C, 0.5) == 0.0  # kl(1 || 0) is infinite
    assert lcb.bernoulli_kl(0.3, 0.3) == 0.0
    assert lcb.bernoulli_kl(0.6, 0.4) == pytest.approx(lcb.bernoulli_kl(0.4, 0.6))


def test_expert_identity_against_brute_force():
    rho = np.array([0.5, 0.3, 0.2])
    g = np.array([0.2, 0.5, 0.5])
    N = 3
    brute = 0.0
    for counts in itertools.product(range(N + 1), repeat=3):
        if sum(counts) != N:
            continue
        p = stats.multinomial.pmf(counts, N, rho)
        brute += p * sum(rho[s] * g[s] for s in range(3) if counts[s] == 0)
    assert lcb.expert_cb_suboptimality(rho, g, N) == pytest.approx(brute)
    means = np.array([[0.2, 0.9, 0.5], [0.6, 0.6, 0.1]])
    assert lcb.unseen_context_gap(means).tolist() == pytest.approx([0.7, 0.0])
    assert lcb.unseen_context_gap(means, tie="uniform").tolist() == pytest.approx(
        [0.9 - 1.6 / 3, 0.6 - 1.3 / 3])
    # worst-case rho_N: about (S - 1) gap / (e N)
    ob = offline_bandit("cb_expert", S=20, A=3, N=5000)
    val = lcb.expert_cb_suboptimality(ob.rho, lcb.unseen_context_gap(ob.means), 5000)
    assert val == pytest.approx(19 * 0.5 / (math.e * 5001), rel=1e-3)


def test_rate_bounds_shapes():
    b = lcb.lcb_mab_rate_bound([100, 10000], 4.0, constant=2.0)
    assert b[0] == pytest.approx(2 * min(1, math.sqrt(4 * math.log(400) / 100)))
    assert b[1] < b[0]
    assert lcb.lcb_mab_rate_bound(10, 50.0) == 1.0  # min(1, .)
    big = lcb.lcb_cb_rate_bound(1e4, 10, 4.0, A=2)
    assert big == pytest.approx(math.sqrt(10 * 4 * math.log(2 * 10 * 2 * 1e4) / 1e4))
    near = lcb.lcb_cb_rate_bound(1e4, 10, 1.0, A=2)  # C* = 1: only the S L / N term
    assert near == pytest.approx(10 * math.log(4e5) / 1e4)
    assert lcb.lcb_log_term(A=3, delta=0.1, S=2) == pytest.approx(math.log(120))
    with pytest.raises(ValueError, match="C_star is 0.5"):
        lcb.lcb_mab_rate_bound(10, 0.5)
