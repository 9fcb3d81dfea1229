"""Linear MDPs (Jin, Yang, Wang & Jordan 2020, arXiv 1907.05388): exact conversions and
the linearity of action values in the features (their Proposition 2.3)."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from conftest import SEEDS, finite_horizon_mdps, linear_mdps, random_kernel, random_policy
from hypothesis import given
from hypothesis import strategies as st

from mdplab.models import FiniteHorizonMDP, LinearMDP
from mdplab.planning import backward_induction, evaluate_policy


@given(mdp=finite_horizon_mdps())
def test_from_tabular_to_tabular_is_exact(mdp):
    """One-hot features: phi(s,a) = e_{sA+a}, mu_h = P_h, theta_h = r_h; the round trip
    reproduces P, r and rho bit for bit (dense or sparse, stationary or not)."""
    lin = LinearMDP.from_tabular(mdp)
    assert (lin.H, lin.S, lin.A, lin.d) == (mdp.H, mdp.S, mdp.A, mdp.S * mdp.A)
    np.testing.assert_array_equal(lin.features(0).reshape(-1, lin.d), np.eye(lin.d))
    back = lin.to_tabular()
    assert isinstance(back, FiniteHorizonMDP)
    np.testing.assert_array_equal(back.P, mdp.P)
    np.testing.assert_array_equal(back.r, mdp.r)
    np.testing.assert_array_equal(back.rho, mdp.rho)
    assert back.reward_dist == mdp.reward_dist and back.reward_range == mdp.reward_range
    # (a sparse model is solved by another summation order: equal up to round-off)
    np.testing.assert_allclose(
        backward_induction(back).V, backward_induction(mdp).V, rtol=0, atol=1e-13
    )


def test_from_tabular_keeps_reward_range_and_distribution():
    g = np.random.default_rng(3)
    P = random_kernel(g, (2, 3, 2, 3))
    r = g.uniform(-1.0, 2.0, size=(2, 3, 2))
    mdp = FiniteHorizonMDP(P, r, reward_range=(-1.0, 2.0), rho=[0.2, 0.3, 0.5])
    back = LinearMDP.from_tabular(mdp).to_tabular()
    assert back.reward_range == (-1.0, 2.0)
    np.testing.assert_array_equal(back.r, r)
    np.testing.assert_array_equal(back.P, P)
    bern = FiniteHorizonMDP(P, g.random((2, 3, 2)), reward_dist="bernoulli")
    assert LinearMDP.from_tabular(bern).to_tabular().reward_dist.name == "bernoulli"


@given(lin=linear_mdps())
def test_simplex_features_give_a_valid_tabular_mdp(lin):
    """phi(s,a) in the simplex and rows of mu distributions => phi.mu is a distribution
    and phi.theta in [0,1]; the tabular MDP is P_h = phi_h mu_h, r_h = phi_h theta_h."""
    tab = lin.to_tabular()
    assert tab.shape == (lin.H, lin.S, lin.A)
    P = np.asarray(tab.P)
    assert np.all(P >= 0.0)
    np.testing.assert_allclose(P.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    assert np.all((tab.r >= 0.0) & (tab.r <= 1.0))
    for h in range(lin.H):
        np.testing.assert_array_equal(P[h], lin.features(h) @ lin.measure(h))
        np.testing.assert_array_equal(tab.r[h], lin.features(h) @ lin.reward_parameter(h))


@given(lin=linear_mdps(), seed=SEEDS, stochastic=st.booleans())
def test_action_values_are_linear_in_features(lin, seed, stochastic):
    """Jin et al. 2020 (arXiv 1907.05388), Proposition 2.3: for every policy pi, with our
    0-indexed steps, Q^pi_h(s,a) = <phi_h(s,a), w^pi_h> where
    w^pi_h = theta_h + sum_{s'} mu_h(s') V^pi_{h+1}(s') = theta_h + mu_h V^pi_{h+1};
    in particular for pi* (the backward-induction solution) with V*_{h+1}."""
    tab = lin.to_tabular()
    sol = backward_induction(tab)
    pi = random_policy(np.random.default_rng(seed), lin.H, lin.S, lin.A, stochastic)
    ev = evaluate_policy(tab, pi)
    for h in range(lin.H):
        phi, mu, theta = lin.features(h), lin.measure(h), lin.reward_parameter(h)
        w_star = theta + mu @ sol.V[h + 1]
        assert w_star.shape == (lin.d,)
        np.testing.assert_allclose(sol.Q[h], phi @ w_star, rtol=0, atol=1e-12)
        w_pi = theta + mu @ ev.V[h + 1]
        np.testing.assert_allclose(ev.Q[h], phi @ w_pi, rtol=0, atol=1e-12)
    # |w_h| is bounded: each coordinate is theta_i + E_{mu_i}[V] <= 1 + (H - h - 1)
    for h in range(lin.H):
        w = lin.reward_parameter(h) + lin.measure(h) @ sol.V[h + 1]
        assert np.all(w <= 1.0 + (lin.H - h - 1) + 1e-12) and np.all(w >= -1e-12)


def _one_step_linear():
    """d = 2, S = 3, A = 2: phi(s, a) = e_0 except phi(2, 1) = (0.5, 0.5)."""
    phi = np.zeros((3, 2, 2))
    phi[..., 0] = 1.0
    phi[2, 1] = [0.5, 0.5]
    mu = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    theta = np.array([0.4, 0.8])
    return phi, mu, theta


def test_rejects_phi_mu_not_summing_to_one_and_names_the_index():
    phi, mu, theta = _one_step_linear()
    H = 3
    phi_h = np.stack([phi] * H)
    phi_h[1, 2, 1] = [0.3, 0.3]  # step 1, state 2, action 1: mass 0.6
    with pytest.raises(ValueError, match="^" + re.escape(
        "phi . mu gives P[1, 2, 1, :] summing to 0.600000; each row must sum to 1 "
        "(tolerance 1e-9)"
    ) + "$"):
        LinearMDP(phi_h, mu, theta, H)


def test_rejects_phi_mu_with_negative_mass_and_names_the_index():
    phi, mu, theta = _one_step_linear()
    mu_h = np.stack([mu, mu])
    mu_h[1, 1] = [1.5, -0.5, 0.0]  # only phi(2, 1) puts weight on measure 1 at step 1
    with pytest.raises(ValueError, match="^" + re.escape(
        "phi . mu gives P[1, 2, 1, 1] = -0.1; phi[h,s,a] . mu[h,:,s'] must be "
        "a distribution over s' (entries >= 0)"
    ) + "$"):
        LinearMDP(phi, mu_h, theta, 2)


def test_signed_measures_are_allowed_when_phi_mu_is_a_distribution():
    """Only the product phi.mu must be a distribution; mu itself may be signed."""
    phi, mu, theta = _one_step_linear()
    p, q = mu[0], mu[1]
    signed = np.array([p, 2 * q - p])  # 2q - p has a negative entry
    assert np.any(signed < 0)
    lin = LinearMDP(phi, signed, theta, 2)
    P = np.asarray(lin.to_tabular().P)
    np.testing.assert_allclose(P[0, 2, 1], q, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(P[0, 0, 0], p)


@pytest.mark.parametrize("flags", list(itertools.product([False, True], repeat=3)))
def test_per_step_shapes(flags):
    """phi (S,A,d)|(H,S,A,d), mu (d,S)|(H,d,S), theta (d,)|(H,d) in every combination:
    tiled per-step arrays give the same tabular model as the stationary ones, and
    genuinely step-dependent arrays are used at their own step."""
    phi, mu, theta = _one_step_linear()
    H = 3
    base = LinearMDP(phi, mu, theta, H).to_tabular()
    args = [
        np.stack([x] * H) if f else x for x, f in zip((phi, mu, theta), flags, strict=True)
    ]
    lin = LinearMDP(*args, H)
    tab = lin.to_tabular()
    np.testing.assert_array_equal(tab.P, base.P)
    np.testing.assert_array_equal(tab.r, base.r)
    for h in range(H):
        np.testing.assert_array_equal(lin.features(h), phi)
        np.testing.assert_array_equal(lin.measure(h), mu)
        np.testing.assert_array_equal(lin.reward_parameter(h), theta)

    # step-dependent versions: change step 2 only
    g = np.random.default_rng(11)
    phi2 = random_kernel(g, (3, 2, 2))
    mu2 = random_kernel(g, (2, 3))
    theta2 = g.random(2)
    per = [np.stack([x] * H) for x in (phi, mu, theta)]
    for i, (f, new) in enumerate(zip(flags, (phi2, mu2, theta2), strict=True)):
        if f:
            per[i][2] = new
    stationary = (phi, mu, theta)
    args = [per[i] if f else stationary[i] for i, f in enumerate(flags)]
    lin = LinearMDP(*args, H)
    tab = lin.to_tabular()
    for h in range(H):
        ph = phi2 if (flags[0] and h == 2) else phi
        mh = mu2 if (flags[1] and h == 2) else mu
        th = theta2 if (flags[2] and h == 2) else theta
        np.testing.assert_array_equal(lin.features(h), ph)
        np.testing.assert_array_equal(tab.P[h], ph @ mh)
        np.testing.assert_array_equal(tab.r[h], ph @ th)
    assert tab.stationary is False


def test_to_tabular_keeps_rho():
    phi, mu, theta = _one_step_linear()
    lin = LinearMDP(phi, mu, theta, 2, rho=[0.1, 0.0, 0.9])
    np.testing.assert_array_equal(lin.to_tabular().rho, [0.1, 0.0, 0.9])
    np.testing.assert_array_equal(LinearMDP(phi, mu, theta, 2).rho, [1.0, 0.0, 0.0])
