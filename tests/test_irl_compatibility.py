"""Reward (non)compatibility (Lazzati, Mutti & Metelli 2024, arXiv:2406.03812, Def. 4.1), its
estimate from expert episodes, and the degenerate linear feasible sets of Prop. 3.1."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mdplab import FiniteHorizonMDP
from mdplab.algorithms.irl import (
    FeasibleRewardSet,
    caty_expert_episodes,
    empirical_occupancy,
    estimated_noncompatibility,
    linear_reward_range,
    noncompatibility,
)
from mdplab.sampling import rollout


def _problem(seed, H=3, S=3, A=2):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(S), size=(H, S, A))
    pi = rng.integers(A, size=(H, S))
    rho = rng.dirichlet(np.ones(S))
    return P, pi, rho


def test_noncompatibility_is_zero_exactly_on_the_on_support_set():
    for seed in range(5):
        P, pi, rho = _problem(seed)
        R = FeasibleRewardSet(P, pi, support="expert", rho=rho)
        rng = np.random.default_rng(seed)
        rewards = np.concatenate([rng.uniform(-1, 1, (200, 3, 3, 2)),
                                  R.sample(50, rng=seed).rewards])
        C = noncompatibility(R, rewards)
        assert C.min() >= -1e-9
        np.testing.assert_array_equal(C <= 1e-9, R.contains(rewards))
        a, b = 0.7, -0.2
        np.testing.assert_allclose(noncompatibility(R, a * rewards + b), a * C, atol=1e-9)


def test_estimate_from_expert_episodes_meets_eps_over_two():
    P, pi, rho = _problem(1)
    mdp = FiniteHorizonMDP(P, np.zeros((3, 3, 2)), H=3, rho=rho)
    R = FeasibleRewardSet(mdp, pi, support="expert")
    eps, delta = 0.5, 0.1
    tau = caty_expert_episodes(3, 2, 3, eps, delta)
    assert tau == int(np.ceil(2 * 3 * 2 * 27 * np.log(8 * 18 / delta) / eps ** 2))
    ep = rollout(mdp, pi, tau, rng=0)
    d_hat = empirical_occupancy(ep.states, ep.actions, 3, 2)
    assert d_hat.sum(axis=(1, 2)) == pytest.approx(np.ones(3))
    rewards = np.random.default_rng(2).uniform(-1, 1, (300, 3, 3, 2))
    err = np.abs(estimated_noncompatibility(R, d_hat, rewards) - noncompatibility(R, rewards))
    assert err.max() <= eps / 2


def test_degenerate_linear_sets_of_example_b1_b2():
    P = np.full((1, 2, 2, 2), 0.5)
    R = FeasibleRewardSet(P, np.zeros((1, 2), dtype=int))
    F = np.zeros((1, 2, 2, 1))
    F[0, 0, 0, 0] = F[0, 1, 1, 0] = 1.0                   # B.2: the set collapses to {0}
    np.testing.assert_allclose(linear_reward_range(R, F), [[0.0, 0.0]], atol=1e-12)
    F1 = np.zeros((1, 2, 2, 1))
    F1[0, :, 0, 0] = 1.0                                   # B.1: theta >= 0
    np.testing.assert_allclose(linear_reward_range(R, F1), [[0.0, 1.0]], atol=1e-12)


def test_errors():
    P, pi, rho = _problem(0)
    with pytest.raises(TypeError, match="initial distribution"):
        noncompatibility(FeasibleRewardSet(P, pi), np.zeros((3, 3, 2)))
    with pytest.raises(ValueError, match="do not match"):
        empirical_occupancy(np.zeros((4, 3), dtype=int), np.zeros((5, 3), dtype=int), 3, 2)
    with pytest.raises(ValueError, match="must lie in"):
        empirical_occupancy(np.full((4, 4), 7), np.zeros((4, 3), dtype=int), 3, 2)
    with pytest.raises(ValueError, match="eps"):
        caty_expert_episodes(3, 2, 3, 0.0, 0.1)


def test_shaping_kernel_dimension():
    from mdplab.algorithms.irl import shaping_kernel_dimension

    rng = np.random.default_rng(0)
    for S, A in ((3, 2), (5, 3)):
        P0 = rng.dirichlet(np.ones(S), size=(S, A))
        P1 = rng.dirichlet(np.ones(S), size=(S, A))
        assert shaping_kernel_dimension(P0, P1, 0.9) == 1
        assert shaping_kernel_dimension(P0, P0, 0.9) == S
    with pytest.raises(ValueError, match="differ in shape"):
        shaping_kernel_dimension(P0, P0[:, :2], 0.9)
    with pytest.raises(ValueError, match="gamma"):
        shaping_kernel_dimension(P0, P1, 1.0)


def test_linear_reward_range_errors():
    P = np.full((1, 2, 2, 2), 0.5)
    R = FeasibleRewardSet(P, np.zeros((1, 2), dtype=int))
    with pytest.raises(TypeError, match=r"^R must be a FeasibleRewardSet, got ndarray$"):
        linear_reward_range(P, np.zeros((1, 2, 2, 1)))
    with pytest.raises(ValueError, match=r"features has shape \(1, 2, 3, 1\); expected "
                                         r"\(1, 2, 2, k\)"):
        linear_reward_range(R, np.zeros((1, 2, 3, 1)))
    with pytest.raises(ValueError, match="features must have 4 dimensions"):
        linear_reward_range(R, np.zeros((2, 2, 1)))


def _range_by_advantage_rows(R, F):
    """Reference for support="all": LPs on the expert's advantages, linear in theta
    (Adv(F theta) = sum_j theta_j Adv(F_j)): <= 0 on unplayed, = 0 on played actions."""
    from scipy.optimize import linprog

    k = F.shape[3]
    cols = np.stack([R.advantage(F[..., j]).reshape(-1) for j in range(k)], axis=1)
    played = R.played.reshape(-1)
    out = np.empty((k, 2))
    for j in range(k):
        for col, sign in ((0, 1.0), (1, -1.0)):
            c = np.zeros(k)
            c[j] = sign
            res = linprog(c, A_ub=cols[~played], b_ub=np.zeros(int((~played).sum())),
                          A_eq=cols[played], b_eq=np.zeros(int(played.sum())),
                          bounds=[(-1.0, 1.0)] * k, method="highs")
            out[j, col] = sign * res.fun
    return out


@pytest.mark.parametrize("seed", range(6))
def test_linear_reward_range_against_advantage_rows_and_members(seed):
    g = np.random.default_rng(seed)
    H, S, A, k = 2, 3, 2, 2 + seed % 2
    P = g.dirichlet(np.ones(S), size=(H, S, A))
    if seed % 3 == 2:                         # stochastic expert: equalities on played actions
        pi = g.dirichlet(np.ones(A), size=(H, S)) * (g.random((H, S, A)) < 0.7)
        pi[..., 0] += 0.2
        pi /= pi.sum(axis=2, keepdims=True)
    else:
        pi = g.integers(A, size=(H, S))
    # features that make a nontrivial class: a feasible reward plus noise directions
    F = g.normal(size=(H, S, A, k))
    F[..., 0] = FeasibleRewardSet(P, pi).sample(1, rng=seed).rewards[0]
    R = FeasibleRewardSet(P, pi)
    got = linear_reward_range(R, F)
    np.testing.assert_allclose(got, _range_by_advantage_rows(R, F), atol=1e-7)
    assert got[0, 1] >= 1.0 - 1e-7           # theta_0 = 1 is a member by construction
    # on-support sets: only the reached states are constrained, so the range can only grow
    rho = np.array([1.0, 0.0, 0.0])
    Rs = FeasibleRewardSet(P, pi, support="expert", rho=rho)
    sub = linear_reward_range(Rs, F)
    assert np.all(sub[:, 0] <= got[:, 0] + 1e-7) and np.all(sub[:, 1] >= got[:, 1] - 1e-7)
    assert np.all(sub >= -1 - 1e-9) and np.all(sub <= 1 + 1e-9)
    # soundness: every sampled theta whose reward is a member lies inside the ranges
    thetas = g.uniform(-1, 1, (4000, k))
    thetas[:, 0] = np.abs(thetas[:, 0])       # more members: theta_0 carries a feasible reward
    thetas[:200, 1:] = 0.0                    # members even when equalities bind (stochastic)
    rewards = np.einsum("hsak,mk->mhsa", F, thetas)
    for X, rng_ in ((R, got), (Rs, sub)):
        member = X.violation(rewards) <= 1e-9
        assert member.any()
        inside = (thetas >= rng_[:, 0] - 1e-7) & (thetas <= rng_[:, 1] + 1e-7)
        assert inside[member].all()


def test_compatibility_helpers_pinned():
    # empirical occupancy of hand-made episodes; a single episode divides by 1
    s = np.array([[0, 1, 2], [0, 2, 2]])
    a = np.array([[1, 0], [1, 1]])
    d = empirical_occupancy(s, a, 3, 2)
    assert d.shape == (2, 3, 2) and d[0, 0, 1] == 1.0 and d[1, 1, 0] == 0.5
    assert d[1, 2, 1] == 0.5 and d.sum() == pytest.approx(2.0)
    np.testing.assert_array_equal(empirical_occupancy(s[:1], a[:1], 3, 2).sum(axis=(1, 2)),
                                  [1.0, 1.0])
    np.testing.assert_array_equal(empirical_occupancy(s[:, :2], a, 3, 2), d)
    for args, match in (((s, a, 0, 2), "S is 0"), ((s, a, 3, 0), "A is 0"),
                        ((s, a, 2, 2), r"states must lie in \[0, 2\) and actions in \[0, 2\)"),
                        ((s, a, 3, 1), r"actions in \[0, 1\)"),
                        ((s, a[0], 3, 2), "actions must have 2 dimensions"),
                        ((s[0], a, 3, 2), "states must have 2 dimensions"),
                        ((s[:1], a, 3, 2), r"states \(1, 2\) and actions \(2, 2\) do not match")):
        with pytest.raises(ValueError, match=match):
            empirical_occupancy(*args)
    P, pi, rho = _problem(0, H=2)
    R = FeasibleRewardSet(P, pi, rho=rho)
    r = np.random.default_rng(0).uniform(-1, 1, (2, 3, 2))
    c = noncompatibility(R, r)
    assert isinstance(c, float)
    assert isinstance(estimated_noncompatibility(R, d, r), float)
    with pytest.raises(ValueError, match=r"d_hat has shape \(3, 2\); expected \(2, 3, 2\)"):
        estimated_noncompatibility(R, d[0], r)
    with pytest.raises(TypeError, match=r"pass a FeasibleRewardSet with an initial "
                                        r"distribution \(rho= or an MDP\)"):
        noncompatibility(FeasibleRewardSet(P, pi), r)
    # the episode count: ceil(2 S A H^3 log(8 S A H / delta) / eps^2), arguments named
    assert caty_expert_episodes(2, 3, 4, 0.5, 0.1) == math.ceil(
        2 * 2 * 3 * 64 * math.log(8 * 24 / 0.1) / 0.25)
    for args, match in (((0, 2, 2, 0.5, 0.1), "S is 0"), ((2, 0, 2, 0.5, 0.1), "A is 0"),
                        ((2, 2, 0, 0.5, 0.1), "H is 0"), ((2, 2, 2, 0.0, 0.1), "eps is 0.0"),
                        ((2, 2, 2, 0.5, 1.0), "delta is 1")):
        with pytest.raises(ValueError, match=match):
            caty_expert_episodes(*args)


def test_compatibility_returns_python_floats_and_names_d_hat():
    P, pi, rho = _problem(0, H=2)
    R = FeasibleRewardSet(P, pi, rho=rho)
    r = np.random.default_rng(1).uniform(-1, 1, (2, 3, 2))
    d = np.full((2, 3, 2), 1 / 6)
    # np.float64 subclasses float, so compare the type itself
    assert type(noncompatibility(R, r)) is float
    assert type(estimated_noncompatibility(R, d, r)) is float
    assert estimated_noncompatibility(R, d, r.tolist()) == estimated_noncompatibility(R, d, r)
    bad = d.copy()
    bad[1, 2, 0] = np.nan
    with pytest.raises(ValueError, match=r"^d_hat\[1, 2, 0\] is nan"):
        estimated_noncompatibility(R, bad, r)
    with pytest.raises(TypeError, match="^d_hat must be a numeric array"):
        estimated_noncompatibility(R, "x", r)


@pytest.mark.parametrize("eps", [0.1, 0.3, 2.0])
def test_caty_expert_episodes_scale_as_one_over_eps_squared(eps):
    S, A, H, delta = 3, 2, 5, 0.05
    want = math.ceil(2 * S * A * H ** 3 * math.log(8 * S * A * H / delta) / eps ** 2)
    assert caty_expert_episodes(S, A, H, eps, delta) == want


def test_linear_reward_range_reports_a_solver_failure(monkeypatch):
    from types import SimpleNamespace

    import scipy.optimize

    P, pi, rho = _problem(0, H=2)
    R = FeasibleRewardSet(P, pi, rho=rho)
    monkeypatch.setattr(scipy.optimize, "linprog",
                        lambda *a, **k: SimpleNamespace(status=4, message="numerical trouble"))
    with pytest.raises(RuntimeError, match=r"did not solve the LP for theta\[0\] \(numerical "
                                           r"trouble\); theta = 0 is always feasible, so this "
                                           r"is a solver failure: report it with the instance$"):
        linear_reward_range(R, np.ones((2, 3, 2, 1)))
