"""The discounted feasible reward set and the error propagation of Metelli, Ramponi, Concetti
& Restelli (2021, ICML, Theorem 3.1 via its restatements)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mdplab import DiscountedMDP
from mdplab.algorithms.irl import (
    DiscountedFeasibleRewardSet,
    distance,
    hausdorff_bracket,
    project,
    propagated_reward,
)


def _problem(S, A, gamma, seed):
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(S), size=(S, A)), rng.integers(A, size=S), gamma


def _optimal_policy(P, r, gamma):
    S = P.shape[0]
    V = np.zeros(S)
    for _ in range(20000):
        Q = r + gamma * P @ V
        V_new = Q.max(axis=1)
        if np.abs(V_new - V).max() < 1e-13:
            break
        V = V_new
    return Q.argmax(axis=1)


@pytest.mark.parametrize("gamma", [0.5, 0.9, 0.99])
def test_greedy_policy_of_a_reward_makes_it_feasible(gamma):
    rng = np.random.default_rng(int(gamma * 100))
    for _ in range(10):
        P = rng.dirichlet(np.ones(4), size=(4, 3))
        r = rng.uniform(-1, 1, (4, 3))
        pi = _optimal_policy(P, r, gamma)
        R = DiscountedFeasibleRewardSet(P, pi, gamma)
        assert R.contains(r, tol=1e-7 / (1 - gamma))
        adv = R.advantage(r)
        _, V = R.expert_values(r)
        np.testing.assert_allclose(R.explicit_reward(V, -adv), r, atol=1e-9 / (1 - gamma))


@pytest.mark.parametrize("gamma", [0.5, 0.9, 0.99])
def test_explicit_sampler_sound_and_lp_agrees(gamma):
    P, pi, _ = _problem(4, 3, gamma, 1)
    R = DiscountedFeasibleRewardSet(P, pi, gamma)
    members = R.sample(50, rng=0).rewards
    assert R.contains(members).all()
    for r in members[:5]:
        assert distance(R, r) <= 1e-7
    rng = np.random.default_rng(2)
    for _ in range(20):
        r = rng.uniform(-1, 1, (4, 3))
        if R.violation(r) > 1e-6:
            assert distance(R, r) > 1e-7
    pr = project(R, rng.uniform(-1, 1, (4, 3)))
    assert R.contains(pr.reward, tol=1e-6 / (1 - gamma))


@pytest.mark.parametrize("gamma", [0.5, 0.9, 0.99])
def test_error_propagation_theorem_3_1(gamma):
    """rhat is feasible for (Phat, pihat) and |r - rhat| <= Bbar B_hat zeta + gamma
    |(P - Phat) V| elementwise, with and without a flipped expert action."""
    for seed in range(30):
        P, pi, _ = _problem(4, 3, gamma, seed)
        rng = np.random.default_rng(100 + seed)
        Phat = 0.8 * P + 0.2 * rng.dirichlet(np.ones(4), size=(4, 3))
        pihat = pi.copy()
        if seed % 2:
            pihat[rng.integers(4)] = (pihat[0] + 1) % 3
        R = DiscountedFeasibleRewardSet(P, pi, gamma)
        Rh = DiscountedFeasibleRewardSet(Phat, pihat, gamma)
        V = rng.uniform(-1, 1, 4) / (1 - gamma)
        zeta = rng.uniform(0, 2, (4, 3)) / (1 - gamma)
        r, rhat, bound = propagated_reward(R, Rh, V, zeta)
        assert R.violation(r) <= 1e-8 / (1 - gamma)
        assert Rh.violation(rhat) <= 1e-8 / (1 - gamma)
        assert np.all(np.abs(r - rhat) <= bound + 1e-10)
        if seed % 2 == 0:                   # no flip: only the transition term remains
            np.testing.assert_array_equal(bound, gamma * np.abs((P - Phat) @ V))
            np.testing.assert_allclose(r - rhat, -gamma * (P - Phat) @ V, atol=1e-12)


def test_mdp_input_hausdorff_and_errors():
    P, pi, gamma = _problem(3, 2, 0.9, 4)
    mdp = DiscountedMDP(P, np.zeros((3, 2)), gamma=0.9)
    R = DiscountedFeasibleRewardSet(mdp, pi)
    assert R.gamma == 0.9
    Rh = DiscountedFeasibleRewardSet(0.7 * P + 0.3 / 3, pi, 0.9)
    br = hausdorff_bracket(R, Rh, n_directions=5, rng=0)
    assert 0.0 <= br.lower <= br.upper == 1.0 and br.lipschitz is None
    with pytest.raises(ValueError, match="pass gamma"):
        DiscountedFeasibleRewardSet(P, pi)
    with pytest.raises(ValueError, match="gamma"):
        DiscountedFeasibleRewardSet(P, pi, 1.0)
    with pytest.raises(ValueError, match="but the MDP's is"):
        DiscountedFeasibleRewardSet(mdp, pi, 0.5)
    with pytest.raises(ValueError, match="different discounts"):
        hausdorff_bracket(R, DiscountedFeasibleRewardSet(P, pi, 0.5))
    with pytest.raises(ValueError, match=r"zeta\["):
        z = np.zeros((3, 2))
        z[0, 1 - pi[0]] = -1.0
        R.explicit_reward(np.zeros(3), z)
    with pytest.raises(TypeError, match="DiscountedFeasibleRewardSet"):
        propagated_reward(R, "x", np.zeros(3), np.zeros((3, 2)))


def test_propagation_errors_name_the_argument():
    P, pi, gamma = _problem(3, 2, 0.9, 4)
    R = DiscountedFeasibleRewardSet(P, pi, gamma)
    with pytest.raises(TypeError, match=r"^R_hat must be a DiscountedFeasibleRewardSet, got str$"):
        propagated_reward(R, "x", np.zeros(3), np.zeros((3, 2)))
    with pytest.raises(TypeError, match=r"^R must be a DiscountedFeasibleRewardSet, got int$"):
        propagated_reward(3, R, np.zeros(3), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="differ in shape or discount"):
        propagated_reward(R, DiscountedFeasibleRewardSet(P, pi, 0.5), np.zeros(3),
                          np.zeros((3, 2)))


# ---------------------------------------------------------------------- transfer
def test_transfer_bound_against_a_direct_computation():
    from mdplab.algorithms.irl import transfer_bound

    g = np.random.default_rng(0)
    S, A, gamma = 3, 2, 0.8
    P = g.dirichlet(np.ones(S), size=(S, A))
    r = g.uniform(-1, 1, (S, A))
    r_hat = r + 0.3 * g.standard_normal((S, A))
    rho = np.array([0.5, 0.3, 0.2])
    tb = transfer_bound(P, r, r_hat, gamma, rho=rho)
    # brute force over the A^S deterministic policies
    idx = np.arange(S)

    def value(pi, rew):
        return np.linalg.solve(np.eye(S) - gamma * P[idx, pi], rew[idx, pi])

    pols = [np.array(p) for p in itertools.product(range(A), repeat=S)]
    v_best = max(rho @ value(p, r) for p in pols)
    hat_best = max(rho @ value(p, r_hat) for p in pols)
    assert rho @ value(tb.pi_hat, r_hat) == pytest.approx(hat_best, abs=1e-12)
    assert tb.loss == pytest.approx(v_best - rho @ value(tb.pi_hat, r), abs=1e-12)
    for pi, d in ((tb.pi_star, tb.occupancy_star), (tb.pi_hat, tb.occupancy_hat)):
        assert d.sum() == pytest.approx(1.0, abs=1e-12)
        assert (d @ np.ones(A)) @ np.ones(S) == pytest.approx(1.0)
        # V^pi(rho) = d . r / (1 - gamma)
        assert (d * r).sum() / (1 - gamma) == pytest.approx(rho @ value(pi, r), abs=1e-12)
    err = np.abs(r - r_hat)
    want = ((tb.occupancy_star + tb.occupancy_hat) * err).sum() / (1 - gamma)
    assert tb.bound == pytest.approx(want, abs=1e-12)
    assert 0.0 <= tb.loss <= tb.bound


def test_transfer_bound_errors():
    from mdplab.algorithms.irl import transfer_bound

    P = np.full((2, 2, 2), 0.5)
    r = np.zeros((2, 2))
    with pytest.raises(ValueError, match="P_target"):
        transfer_bound(np.full((2, 2, 3), 1 / 3), r, r, 0.9)
    with pytest.raises(ValueError, match="r_hat has shape"):
        transfer_bound(P, r, np.zeros((3, 2)), 0.9)
    with pytest.raises(ValueError, match="gamma"):
        transfer_bound(P, r, r, 1.0)
    with pytest.raises(ValueError, match="rho has shape"):
        transfer_bound(P, r, r, 0.9, rho=np.ones(3) / 3)
    with pytest.raises(ValueError, match="rho"):
        transfer_bound(P, r, r, 0.9, rho=np.array([0.7, 0.7]))


# ---------------------------------------------------------------------- argument checks
def _good(S=3, A=2, seed=0):
    g = np.random.default_rng(seed)
    return g.dirichlet(np.ones(S), size=(S, A)), g.integers(A, size=S)


@pytest.mark.parametrize("make, exc, match", [
    (lambda P, pi: DiscountedFeasibleRewardSet(P[:, :, :2], pi, 0.9), ValueError,
     r"P has shape \(3, 2, 2\); expected \(S, A, S\)"),
    (lambda P, pi: DiscountedFeasibleRewardSet(P[0], pi, 0.9), ValueError,
     "P must have 3 dimensions"),
    (lambda P, pi: DiscountedFeasibleRewardSet(np.zeros((3, 2, 3)), pi, 0.9), ValueError,
     r"P\[0, 0, :\] sums to 0"),
    (lambda P, pi: DiscountedFeasibleRewardSet(P, pi), ValueError,
     r"pass gamma= \(the discount, in \[0, 1\)\)"),
    (lambda P, pi: DiscountedFeasibleRewardSet(P, pi, 1.0), ValueError, "gamma is 1"),
    (lambda P, pi: DiscountedFeasibleRewardSet(P, np.array([0, 5, 0]), 0.9), ValueError,
     "expert"),
    (lambda P, pi: DiscountedFeasibleRewardSet(DiscountedMDP(P, np.zeros((3, 2)), 0.9), pi,
                                               0.5), ValueError,
     "gamma is 0.5 but the MDP's is 0.9"),
])
def test_discounted_set_argument_errors(make, exc, match):
    P, pi = _good()
    with pytest.raises(exc, match=match):
        make(P, pi)


def test_discounted_set_basics_pinned():
    P, pi = _good()
    R = DiscountedFeasibleRewardSet(P, pi, 0.8)
    assert R.P.dtype == np.float64 and R.deterministic is True
    assert R.default_tol() == pytest.approx(1e-9 / 0.2)
    assert "gamma=0.8" in repr(R) and "deterministic expert" in repr(R)
    Rm = DiscountedFeasibleRewardSet(DiscountedMDP(P, np.zeros((3, 2)), 0.8), pi)
    assert Rm.gamma == 0.8 and Rm.P.dtype == np.float64 and np.array_equal(Rm.P, R.P)
    one = DiscountedFeasibleRewardSet(np.ones((1, 1, 1)), np.zeros(1, dtype=int), 0.5)
    assert one.contains(np.array([[0.3]]))                   # S = A = 1 is a valid problem
    stoch = DiscountedFeasibleRewardSet(P, np.full((3, 2), 0.5), 0.8)
    assert stoch.deterministic is False and "stochastic expert" in repr(stoch)
    with pytest.raises(ValueError, match=r"r has shape \(2, 2\); expected \(3, 2\)"):
        R.violation(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"V has shape \(2,\); expected \(3,\)"):
        R.explicit_reward(np.zeros(2), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"zeta has shape \(3, 1\); expected \(3, 2\)"):
        R.explicit_reward(np.zeros(3), np.zeros((3, 1)))
    z = np.zeros((3, 2))
    z[np.arange(3), 1 - pi] = -0.5
    with pytest.raises(ValueError, match=r"zeta\[0, \d\] is -0.5; advantages must be >= 0"):
        R.explicit_reward(np.zeros(3), z)
    r0 = R.explicit_reward(np.ones(3), np.zeros((3, 2)))       # zeta = 0 is allowed: ties
    assert R.violation(r0) <= 1e-12
    with pytest.raises(ValueError, match="method"):
        R.sample(2, method="hit_and_run")
    with pytest.raises(ValueError, match="n is 0"):
        R.sample(0)


def test_discounted_batches_and_shapes():
    P, pi = _good()
    R = DiscountedFeasibleRewardSet(P, pi, 0.7)
    rs = R.sample(4, rng=0).rewards
    Q, V = R.expert_values(rs)
    assert Q.shape == (4, 3, 2) and V.shape == (4, 3)
    for i in range(4):
        Qi, Vi = R.expert_values(rs[i])
        np.testing.assert_allclose(Q[i], Qi, atol=1e-12)
        np.testing.assert_allclose(V[i], Vi, atol=1e-12)
    assert R.contains(rs).shape == (4,) and R.contains(rs).all()
    with pytest.raises(ValueError, match=r"r has shape \(4, 5, 5\)"):
        R.contains(np.zeros((4, 5, 5)))


def test_transfer_bound_default_rho_and_argument_names():
    from mdplab.algorithms.irl import transfer_bound

    g = np.random.default_rng(3)
    P = g.dirichlet(np.ones(3), size=(3, 2))
    r, rh = g.uniform(-1, 1, (3, 2)), g.uniform(-1, 1, (3, 2))
    a = transfer_bound(P, r, rh, 0.9)
    b = transfer_bound(P, r, rh, 0.9, rho=np.full(3, 1 / 3))
    assert (a.loss, a.bound) == pytest.approx((b.loss, b.bound), abs=1e-14)
    assert a.occupancy_star.sum() == pytest.approx(1.0)
    bad = P.copy()
    bad[0, 0] = 0.0
    for args, kw, match in (
            ((P[0], r, rh, 0.9), {}, "P_target must have 3 dimensions"),
            ((bad, r, rh, 0.9), {}, r"P_target\[0, 0, :\] sums to 0"),
            ((P, r, rh, -0.1), {}, "gamma is -0.1"),
            ((P, r[0], rh, 0.9), {}, "r must have 2 dimensions"),
            ((P, r, rh[0], 0.9), {}, "r_hat must have 2 dimensions"),
            ((P, r[:2], rh, 0.9), {}, r"r has shape \(2, 2\); expected \(3, 2\)"),
            ((P, r, rh, 0.9), {"rho": np.ones((3, 1))}, "rho must have 1 dimensions")):
        with pytest.raises(ValueError, match=match):
            transfer_bound(*args, **kw)


@pytest.mark.parametrize("seed", range(8))
def test_optimal_policy_against_brute_force(seed):
    from mdplab.algorithms.irl.discounted import _optimal_policy

    g = np.random.default_rng(100 + seed)
    S, A, gamma = 4, 3, (0.5, 0.9, 0.99)[seed % 3]
    P = g.dirichlet(np.ones(S) * 0.3, size=(S, A))
    r = g.uniform(-1, 1, (S, A))
    idx = np.arange(S)

    def value(pi):
        return np.linalg.solve(np.eye(S) - gamma * P[idx, pi], r[idx, pi])

    best = max((value(np.array(p)) for p in itertools.product(range(A), repeat=S)),
               key=lambda v: v.sum())
    got = value(_optimal_policy(P, r, gamma))
    np.testing.assert_allclose(got, best, atol=1e-9)     # optimal at every state


def test_discounted_violation_and_membership_pinned():
    """Batch against single rewards, a stochastic expert's played advantages, the box and
    tolerance boundaries (mutmut survivors)."""
    S, A, gamma = 3, 3, 0.8
    P, _, _ = _problem(S, A, gamma, 5)
    pi = np.zeros((S, A))
    pi[:, 0] = 1.0
    pi[0] = [0.5, 0.5, 0.0]                   # stochastic at state 0
    X = DiscountedFeasibleRewardSet(P, pi, gamma)
    rng = np.random.default_rng(2)
    R = rng.uniform(-1, 1, (6, S, A))
    v = X.violation(R)
    assert v.shape == (6,) and len(set(np.round(v, 12))) > 1
    for i in range(6):
        single = X.violation(R[i])
        assert type(single) is float and single == pytest.approx(v[i], abs=1e-14)
        adv = X.advantage(R[i])
        want = max(0.0, adv[~X.played].max(), np.abs(adv[X.played]).max())
        assert single == pytest.approx(want, abs=1e-14)
    # played actions of unequal value: only their absolute advantages can show it
    r = np.zeros((S, A))
    r[0, 0], r[0, 1], r[:, 2], r[1:, 1] = 0.3, -0.3, -1.0, -1.0
    adv = X.advantage(r)
    assert adv[~X.played].max() < 0 < np.abs(adv[X.played]).max()
    assert X.violation(r) == pytest.approx(np.abs(adv[X.played]).max()) and not X.contains(r)
    assert type(X.contains(r)) is bool and X.contains(R).shape == (6,)
    # exact boundaries with tol = 0: r = 0 (advantages exactly 0) on either edge of the box
    for box in ((-1.0, 1.0), (0.0, 1.0), (-1.0, 0.0)):
        assert DiscountedFeasibleRewardSet(P, pi, gamma, box=box).contains(np.zeros((S, A)),
                                                                         tol=0.0)
    assert not X.contains(np.full((S, A), 1.0 + 1e-6), tol=0.0)        # feasible, off the box
    assert not X.contains(np.full((S, A), -1.0 - 1e-6), tol=0.0)
    assert X.contains(np.full((S, A), 1.0 + 1e-6), tol=1e-5)            # tol is used
    assert not X.contains(np.full((S, A), 1.5)) and not X.contains(np.full((S, A), -1.5))
    assert X.contains(r, tol=1.0) and not X.contains(r, tol=1e-3)
    with pytest.raises(ValueError, match="^tol is -1; must be a finite number in"):
        X.contains(r, tol=-1.0)
    with pytest.raises(ValueError, match="^V must have 1 dimension"):
        X.explicit_reward(np.zeros((1, S)), np.zeros((S, A)))
    with pytest.raises(ValueError, match="^zeta must have 2 dimensions"):
        X.explicit_reward(np.zeros(S), np.zeros((1, S, A)))
    with pytest.raises(ValueError, match="^zeta must have 2 dimensions"):
        propagated_reward(X, X, np.zeros(S), np.zeros((1, S, A)))


@pytest.mark.parametrize("gamma", [0.3, 0.9])
def test_discounted_sample_follows_its_docstring(gamma):
    """V ~ U[-c, c], zeta ~ U[0, 2c] (c = 1/(1-gamma)) on unplayed actions, then to_box:
    written out again here from the docstring, with the same generator."""
    P, pi, _ = _problem(4, 2, gamma, 9)
    X = DiscountedFeasibleRewardSet(P, pi, gamma, box=(-2.0, 0.5))
    got = X.sample(50, rng=np.random.default_rng(3))
    assert got.method == "explicit"
    gen = np.random.default_rng(3)
    c = 1 / (1 - gamma)
    V = gen.uniform(-c, c, size=(50, 4))
    z = gen.uniform(0.0, 2 * c, size=(50, 4, 2))
    raw = V[:, :, None] - gamma * np.einsum("sat,kt->ksa", P, V) - np.where(X.slack, z, 0.0)
    scale = np.maximum(1.0, np.abs(raw).max(axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(got.rewards, -0.75 + 1.25 * raw / scale, rtol=0, atol=1e-12)
    assert X.contains(got.rewards).all()
    lo, hi = -2.0, 0.5
    k = int(X.slack.sum())
    assert X.lp_bounds() == [(-2 * c, 2 * c)] * 4 + [(0.0, (hi - lo) * c)] * k


def test_discounted_batches_do_not_mix_and_propagation_keeps_zeta():
    S, A, gamma = 3, 3, 0.8
    P, _, _ = _problem(S, A, gamma, 6)
    pi = np.zeros((S, A))
    pi[:, 0] = 1.0
    pi[0] = [0.5, 0.5, 0.0]
    X = DiscountedFeasibleRewardSet(P, pi, gamma)
    r = np.zeros((S, A))
    r[0, 0], r[0, 1], r[:, 2], r[1:, 1] = 0.3, -0.3, -1.0, -1.0     # a played-advantage gap
    zero = np.zeros((S, A))
    np.testing.assert_allclose(X.violation(np.stack([r, zero])), [X.violation(r), 0.0])
    assert X.violation(r) > 0
    for far in (-1.5, 1.5):
        assert X.contains(np.stack([zero, np.full((S, A), far)])).tolist() == [True, False]
        assert X.contains(np.stack([np.full((S, A), far), zero])).tolist() == [False, True]
    with pytest.raises(TypeError, match="^r must be"):
        X.violation("x")
    # propagation: r is R's member with exactly these parameters
    P2, _, _ = _problem(S, A, gamma, 7)
    Xh = DiscountedFeasibleRewardSet(P2, pi, gamma)
    rng = np.random.default_rng(0)
    V, zeta = rng.uniform(-1, 1, S), rng.uniform(0, 1, (S, A))
    got, got_hat, bound = propagated_reward(X, Xh, V, zeta)
    np.testing.assert_allclose(got, X.explicit_reward(V, zeta))
    np.testing.assert_allclose(got_hat, Xh.explicit_reward(V, zeta))
    assert np.all(np.abs(got - got_hat) <= bound + 1e-12)
    with pytest.raises(ValueError, match="^zeta must have 2 dimensions"):
        propagated_reward(X, Xh, V, np.zeros(A))                 # would broadcast
