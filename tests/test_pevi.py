"""PEVI: the general form, the tabular presets and linear PEVI against exact answers."""

from __future__ import annotations

import numpy as np
import pytest

from mdplab import FiniteHorizonMDP, envs
from mdplab.algorithms.offline import pevi, pevi_linear, pevi_tabular
from mdplab.algorithms.offline.pessimistic_value_iteration import (
    jyw_beta,
    pevi_linear_rate,
    tabular_penalty,
)
from mdplab.planning import backward_induction
from mdplab.sampling import OfflineDataset, rollout, rollout_adaptive


@pytest.fixture(scope="module")
def setting():
    mdp = envs.make("random_tabular", S=5, A=3, H=4, seed=3)
    uniform = np.full(mdp.shape, 1.0 / mdp.A)
    episodes = rollout(mdp, uniform, 500, rng=7)
    return mdp, episodes, OfflineDataset.from_episodes(episodes)


def test_no_penalty_is_planning_in_the_empirical_model(setting):
    mdp, _, data = setting
    res = pevi_tabular(data, penalty="none")
    # the empirical MDP with an absorbing zero-reward "nowhere" where n = 0 has the same
    # backups: P_hat rows are zero there, so Q = r_hat = 0 (clipping never binds: r <= 1)
    P = np.asarray(data.P_hat)
    V = np.zeros((mdp.H + 1, mdp.S))
    for h in reversed(range(mdp.H)):
        Q = data.r_hat[h] + P[h] @ V[h + 1]
        np.testing.assert_allclose(res.Q[h], Q, atol=1e-12)
        V[h] = Q.max(axis=1)
    np.testing.assert_allclose(res.V, V, atol=1e-12)


def test_general_form_matches_the_tabular_kernel(setting):
    mdp, _, data = setting
    for kind in ("l1", "hoeffding"):
        fast = pevi_tabular(data, penalty=kind)
        gam = tabular_penalty(np.asarray(data.n), kind, K=500)
        slow = pevi(mdp.H, mdp.S, mdp.A,
                    backup=lambda h, V: data.r_hat[h] + data.P_hat[h] @ V,
                    penalty=lambda h, V, g=gam: g[h])
        np.testing.assert_allclose(fast.Q, slow.Q, atol=1e-12)
        np.testing.assert_array_equal(fast.policy, slow.policy)


def test_linear_pevi_with_one_hot_features_is_the_jyw_preset(setting):
    """Spec Sec. 3.6: with phi(s,a) = e_(s,a), Algorithm 2 is tabular PEVI with the backup
    shrunk by n/(n + lambda) and Gamma = beta / sqrt(n + lambda)."""
    mdp, episodes, data = setting
    S, A = mdp.S, mdp.A
    phi = np.eye(S * A).reshape(S, A, S * A)
    for c in (1.0, 0.01):
        lin = pevi_linear(episodes, phi, c=c, lam=2.0)
        tab = pevi_tabular(data, penalty="jyw", c=c, lam=2.0)
        np.testing.assert_allclose(lin.penalty, tab.penalty, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(lin.Q, tab.Q, atol=1e-9)
        np.testing.assert_allclose(lin.backup, tab.backup, atol=1e-9)


def test_linear_pevi_against_an_explicit_inverse():
    lin = envs.make("linear_simplex", S=12, A=3, d=5, H=3, seed=1)
    mdp = lin.to_tabular()
    ep = rollout(mdp, np.full(mdp.shape, 1 / 3), 200, rng=2)
    res = pevi_linear(ep, lin.phi, beta=0.7, lam=1.5)
    V = np.zeros((mdp.H + 1, mdp.S))
    for h in reversed(range(mdp.H)):
        Phi = lin.phi[ep.states[:, h], ep.actions[:, h]]
        Lam_inv = np.linalg.inv(Phi.T @ Phi + 1.5 * np.eye(5))
        w = Lam_inv @ Phi.T @ (ep.rewards[:, h] + V[h + 1][ep.states[:, h + 1]])
        gam = 0.7 * np.sqrt(np.einsum("sai,ij,saj->sa", lin.phi, Lam_inv, lin.phi))
        Q = np.clip(lin.phi @ w - gam, 0, mdp.H - h)
        np.testing.assert_allclose(res.Q[h], Q, atol=1e-10)
        V[h] = Q.max(axis=1)


def test_penalty_presets_formulas():
    n = np.array([[[0, 1], [4, 100]]])  # H=1, S=2, A=2
    H, S, A, xi = 1, 2, 2, 0.1
    L = np.log(2 * S * A * H / xi)
    g = tabular_penalty(n, "hoeffding", xi=xi)
    np.testing.assert_allclose(g[0, 0], [1.0, min(1.0, np.sqrt(L / 2))])
    np.testing.assert_allclose(g[0, 1, 1], np.sqrt(L / 200))
    l1 = tabular_penalty(n, "l1", xi=xi)
    np.testing.assert_allclose(l1[0, 1, 1], np.sqrt(np.log(4 * S * A * H / xi) / 200))  # R-1 = 0
    assert tabular_penalty(n, "l1", xi=xi, rewards_known=True)[0, 1, 1] == 0.0
    beta = jyw_beta(S * A, H, 10, xi)
    np.testing.assert_allclose(tabular_penalty(n, "jyw", K=10)[0, 1, 1],
                               beta / np.sqrt(101))
    assert np.all(tabular_penalty(n, "none") == 0)
    assert pevi_linear_rate(4, 5, 100, 0.1) > pevi_linear_rate(4, 5, 10000, 0.1)


def test_unvisited_pairs_get_zero_value(setting):
    mdp, _, _ = setting
    ep = rollout(mdp, np.zeros((mdp.H, mdp.S), dtype=int), 50, rng=1)  # only action 0
    res = pevi_tabular(OfflineDataset.from_episodes(ep), penalty="l1")
    assert np.all(res.Q[:, :, 1:] == 0.0)
    assert np.all(res.penalty[:, :, 1:] == np.arange(mdp.H, 0, -1)[:, None, None])


def test_adaptive_rollout_with_a_fixed_policy_is_the_iid_rollout(setting):
    mdp, _, _ = setting
    uniform = np.full(mdp.shape, 1.0 / mdp.A)
    a = rollout(mdp, uniform, 64, rng=5)
    b = rollout_adaptive(mdp, lambda k, past: uniform, 64, rng=5, batch=64)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.rewards, b.rewards)
    seen = []
    rollout_adaptive(mdp, lambda k, past: seen.append(None if past is None else past.K)
                     or uniform, 10, rng=5, batch=4)
    assert seen == [None, 4, 8]


def test_bad_input_is_named():
    mdp = FiniteHorizonMDP(np.full((2, 1, 2), 0.5), np.zeros((2, 1)), H=2)
    ep = rollout(mdp, np.zeros((2, 2), dtype=int), 5, rng=0)
    data = OfflineDataset.from_episodes(ep)
    with pytest.raises(ValueError, match="penalty is 'bonus'"):
        pevi_tabular(data, penalty="bonus")
    with pytest.raises(ValueError, match="xi is 2"):
        pevi_tabular(data, xi=2)
    with pytest.raises(TypeError, match="expected an OfflineDataset"):
        pevi_tabular(ep)
    with pytest.raises(ValueError, match="phi must have 3 or 4 dimensions"):
        pevi_linear(ep, np.ones((2, 1)))
    with pytest.raises(ValueError, match="phi has shape"):
        pevi_linear(ep, np.ones((3, 2, 1, 1)))
    with pytest.raises(ValueError, match=r"penalty\(1, V\)\[0, 0\] is -1"):
        pevi(2, 2, 1, lambda h, V: np.zeros((2, 1)), lambda h, V: -np.ones((2, 1)))
    with pytest.raises(ValueError, match="backup"):
        pevi(2, 2, 1, lambda h, V: np.zeros(3), lambda h, V: np.zeros((2, 1)))


def test_pevi_value_is_a_lower_bound_on_average():
    """Sanity (not the claim): on plenty of data the l1 PEVI value never exceeds V*."""
    mdp = envs.make("random_tabular", S=5, A=3, H=4, seed=3)
    star = backward_induction(mdp).V
    ep = rollout(mdp, np.full(mdp.shape, 1 / 3), 3000, rng=11)
    res = pevi_tabular(OfflineDataset.from_episodes(ep), penalty="l1")
    assert np.all(res.V <= star + 1e-12)
