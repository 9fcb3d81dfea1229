"""Feasible reward sets (Metelli, Lazzati & Restelli 2023, arXiv:2304.12966): membership against
the definition and against the LP, the explicit form both ways, samplers, invariances, the
advantage-bound slip, LP operations, the Hausdorff bracket against vertex enumeration, and bad
input."""

from __future__ import annotations

import numpy as np
import pytest

from mdplab import FiniteHorizonMDP
from mdplab.algorithms.irl import (
    FeasibleRewardSet,
    distance,
    hausdorff_bracket,
    hausdorff_exact,
    lipschitz_bound,
    lipschitz_rho,
    project,
    support_value,
)


class Custom(FeasibleRewardSet):
    """Overrides a formula (here by calling the base's), so the kernels must not stand in."""

    def advantage(self, r):
        return super().advantage(r)


def random_problem(H, S, A, seed, stochastic=False):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(S), size=(H, S, A))
    if stochastic:
        pi = rng.random((H, S, A)) * (rng.random((H, S, A)) < 0.6)
        pi[..., 0] += 0.3
        pi /= pi.sum(axis=2, keepdims=True)
    else:
        pi = rng.integers(A, size=(H, S))
    return P, pi


def greedy_expert(P, r):
    """The optimal policy of r (lowest index on ties), and Q*, V*, by backward induction."""
    H, S, A, _ = P.shape
    V = np.zeros((H + 1, S))
    Q = np.zeros((H, S, A))
    for h in range(H - 1, -1, -1):
        Q[h] = r[h] + P[h] @ V[h + 1]
        V[h] = Q[h].max(axis=1)
    return Q.argmax(axis=2), Q, V


# ---------------------------------------------------------------------- membership
@pytest.mark.parametrize("H,S,A", [(2, 2, 2), (3, 3, 2), (5, 2, 3)])
def test_greedy_expert_of_any_reward_makes_it_feasible_and_reconstructs(H, S, A):
    """Completeness: r is in the set of its own greedy policy, and the explicit form with
    V = V^pi, Aplus = -Adv gives r back."""
    rng = np.random.default_rng(H * 100 + S * 10 + A)
    for _ in range(20):
        P = rng.dirichlet(np.ones(S), size=(H, S, A))
        r = rng.uniform(-1, 1, size=(H, S, A))
        pi, Q, V = greedy_expert(P, r)
        R = FeasibleRewardSet(P, pi)
        assert R.contains(r)
        adv = R.advantage(r)
        assert adv.max() <= 1e-12
        np.testing.assert_allclose(adv, Q - V[:H, :, None], atol=1e-12)
        rec = R.explicit_reward(V, -adv)
        np.testing.assert_allclose(rec, r, atol=1e-10)


def test_membership_detects_a_better_unplayed_action():
    P, _ = random_problem(3, 3, 2, 0)
    r = np.random.default_rng(1).uniform(-1, 1, (3, 3, 2))
    pi, Q, V = greedy_expert(P, r)
    R = FeasibleRewardSet(P, pi)
    assert R.contains(r)
    h, s = 1, 2
    a = 1 - pi[h, s]
    bump = r.copy()
    bump[h, s, a] += (Q[h, s, pi[h, s]] - Q[h, s, a]) + 1e-3   # now a beats the expert
    bump = np.clip(bump, -1, 1) if abs(bump[h, s, a]) <= 1 else bump / np.abs(bump).max()
    assert not R.contains(bump)
    assert R.violation(bump) > 1e-4


def test_ties_are_members_and_box_is_enforced():
    P = np.ones((1, 1, 2, 1))
    R = FeasibleRewardSet(P, np.array([[0]]))
    assert R.contains(np.array([[[0.3, 0.3]]]))          # tie: a member
    assert not R.contains(np.array([[[0.3, 0.31]]]))
    assert not R.contains(np.array([[[1.5, 0.0]]]))       # outside the box
    R01 = FeasibleRewardSet(P, np.array([[0]]), box=(0, 1))
    assert not R01.contains(np.array([[[0.5, -0.2]]]))


def test_the_advantage_bound_slip_of_lemma_3_1():
    """One state, H = 1, r = (1, -1), expert a_0: a member whose gap is 2 > H - h + 1 = 1
    (the paper's printed bound, 1-indexed); the library's bound 2 (H - h) holds."""
    R = FeasibleRewardSet(np.ones((1, 1, 2, 1)), np.array([[0]]))
    r = np.array([[[1.0, -1.0]]])
    assert R.contains(r)
    assert -R.advantage(r)[0, 0, 1] == 2.0
    assert R.lp_bounds()[-1] == (0.0, 2.0)


@pytest.mark.parametrize("stochastic", [False, True])
def test_invariances(stochastic):
    P, pi = random_problem(3, 3, 2, 4, stochastic)
    R = FeasibleRewardSet(P, pi)
    rng = np.random.default_rng(5)
    members = R.sample(30, rng=rng).rewards
    assert R.contains(members).all()
    for r in members:
        for c in (0.0, 0.3, 1.0):
            assert R.contains(c * r)
        Phi = rng.uniform(-1, 1, (R.H + 1, R.S))
        Phi[R.H] = 0.0
        shaped = r + Phi[:-1, :, None] - np.einsum("hsat,ht->hsa", P, Phi[1:])
        shaped = shaped / max(1.0, np.abs(shaped).max())
        assert R.contains(shaped)
    R01 = FeasibleRewardSet(P, pi, box=(0, 1))
    assert R01.contains((members + 1) / 2).all()


def test_stochastic_expert_needs_equal_played_advantages():
    P, pi = random_problem(2, 3, 3, 8, stochastic=True)
    R = FeasibleRewardSet(P, pi)
    assert not R.deterministic
    r = R.sample(5, rng=0).rewards
    adv = R.advantage(r)
    assert np.abs(np.where(R.played, adv, 0.0)).max() <= 1e-12
    # a reward where two played actions differ is not a member
    h, s = np.argwhere(R.played.sum(axis=2) >= 2)[0]
    a1, a2 = np.flatnonzero(R.played[h, s])[:2]
    bad = r[0].copy() * 0.5
    bad[h, s, a1] += 0.2
    assert not R.contains(bad)


def test_on_support_set_only_constrains_reached_states():
    """support="expert": a state the expert never reaches may have any reward; the set is
    a superset of the support="all" set; membership agrees with J^pi_E = J* (LMM24b)."""
    P, pi = random_problem(3, 4, 2, 11)
    P[:, :, :, 3] = 0.0                                  # state 3 is never entered ...
    P /= P.sum(axis=3, keepdims=True)
    rho = np.array([1.0, 0.0, 0.0, 0.0])                 # ... and never a start state
    R_all = FeasibleRewardSet(P, pi)
    R_exp = FeasibleRewardSet(P, pi, support="expert", rho=rho)
    assert not R_exp.constrained[:, 3].any()
    rng = np.random.default_rng(0)
    inner = R_all.sample(50, rng=rng).rewards
    assert R_exp.contains(inner).all()
    outer = R_exp.sample(200, rng=rng).rewards
    assert R_exp.contains(outer).all()
    assert not R_all.contains(outer).all()               # strictly larger
    # the definition: the expert's value from rho equals the optimal value
    mdp_vals = []
    for r in outer[:40]:
        _, V_star = R_exp.optimal_values(r)
        _, V_e = R_exp.expert_values(r)
        mdp_vals.append(rho @ (V_star[0] - V_e[0]))
    assert max(mdp_vals) <= 1e-10
    box = rng.uniform(-1, 1, (300, 3, 4, 2))
    for r in box:
        _, V_star = R_exp.optimal_values(r)
        _, V_e = R_exp.expert_values(r)
        # J* = J^pi_E from rho is necessary; on-support membership is exactly that
        assert R_exp.contains(r) == (rho @ (V_star[0] - V_e[0]) <= 1e-9)


def test_mdp_input_and_stationary_transitions():
    rng = np.random.default_rng(2)
    P = rng.dirichlet(np.ones(3), size=(3, 2))
    mdp = FiniteHorizonMDP(P, rng.random((3, 2)), H=4)
    R1 = FeasibleRewardSet(mdp, np.zeros((4, 3), dtype=int))
    R2 = FeasibleRewardSet(P, np.zeros(3, dtype=int), H=4)
    np.testing.assert_array_equal(R1.P, R2.P)
    assert R1.rho is not None and R2.rho is None
    # a sparse kernel is densified to the same (H, S, A, S) array
    from mdplab.models.sparse import SparseTransitions

    sparse = FiniteHorizonMDP(SparseTransitions.from_dense(P), rng.random((3, 2)), H=4)
    R3 = FeasibleRewardSet(sparse, np.zeros((4, 3), dtype=int))
    assert R3.P.shape == (4, 3, 2, 3) and R3.P.dtype == np.float64
    np.testing.assert_array_equal(R3.P, R1.P)
    x = np.random.default_rng(0).uniform(-1, 1, (20, 4, 3, 2))
    np.testing.assert_array_equal(R3.contains(x), R1.contains(x))
    with pytest.raises(ValueError, match=r"^P must have 3 or 4 dimensions"):
        FeasibleRewardSet(P[0], np.zeros(3, dtype=int), H=4)


# ---------------------------------------------------------------------- samplers
@pytest.mark.parametrize("H,S,A", [(2, 2, 2), (3, 3, 2), (5, 5, 3)])
def test_explicit_sampler_is_sound(H, S, A):
    for seed in range(15):
        P, pi = random_problem(H, S, A, seed)
        R = FeasibleRewardSet(P, pi)
        r = R.sample(20, rng=seed).rewards
        assert r.shape == (20, H, S, A)
        assert np.abs(r).max() <= 1.0 + 1e-12
        assert R.violation(r).max() <= 1e-9 * H
        _, V_star = R.optimal_values(r)
        _, V_e = R.expert_values(r)
        assert np.abs(V_star - V_e).max() <= 1e-9 * H


def test_hit_and_run_is_sound_and_covers_the_box():
    P, pi = random_problem(3, 3, 2, 0)
    R = FeasibleRewardSet(P, pi)
    s = R.sample(300, method="hit_and_run", rng=1)
    assert s.burn_in == 10 * R.n ** 2 and s.thin == R.n
    assert R.contains(s.rewards, tol=1e-9 * 3).all()
    spread = s.rewards.max(axis=0) - s.rewards.min(axis=0)
    assert spread.min() > 0.5 * 2.0     # every coordinate spans over half the box
    # a chain started at the interior point moves: consecutive samples differ
    assert np.abs(np.diff(s.rewards, axis=0)).max() > 0.1


def test_hit_and_run_stochastic_and_on_support():
    P, pi = random_problem(2, 3, 3, 3, stochastic=True)
    R = FeasibleRewardSet(P, pi)
    s = R.sample(40, method="hit_and_run", rng=2, burn_in=200, thin=5)
    assert R.contains(s.rewards).all()
    P2, pi2 = random_problem(2, 3, 2, 4)
    R2 = FeasibleRewardSet(P2, pi2, support="expert", rho=np.array([1.0, 0, 0]))
    s2 = R2.sample(20, method="hit_and_run", rng=3, burn_in=50, thin=3)
    assert R2.contains(s2.rewards).all()


def test_interior_point_is_interior():
    for seed in range(5):
        P, pi = random_problem(3, 3, 2, seed)
        R = FeasibleRewardSet(P, pi)
        x = R.interior_point()
        adv = R.advantage(x)
        np.testing.assert_allclose(adv[~R.played], -1.0, atol=1e-12)


# ---------------------------------------------------------------------- LPs
def test_lp_membership_agrees_with_dynamic_programming():
    P, pi = random_problem(3, 3, 2, 7)
    R = FeasibleRewardSet(P, pi)
    rng = np.random.default_rng(0)
    agree = 0
    checked = 0
    for _ in range(120):
        r = rng.uniform(-1, 1, (3, 3, 2))
        d = distance(R, r)
        viol = R.violation(r)
        if abs(viol) < 1e-6 and d < 1e-6:
            continue
        checked += 1
        agree += (d <= 1e-7) == R.contains(r)
    members = R.sample(20, rng=1).rewards
    for r in members:
        assert distance(R, r) <= 1e-7
    assert agree == checked and checked > 100


def test_projection_is_a_member_and_no_member_is_closer():
    P, pi = random_problem(2, 3, 2, 9)
    R = FeasibleRewardSet(P, pi)
    rng = np.random.default_rng(4)
    members = R.sample(400, rng=rng).rewards
    for _ in range(5):
        r0 = rng.uniform(-1, 1, (2, 3, 2))
        for norm, dist in (("inf", lambda x: np.abs(x).max(axis=(1, 2, 3))),
                           ("l1", lambda x: np.abs(x).sum(axis=(1, 2, 3))),
                           ("l2", lambda x: np.sqrt((x ** 2).sum(axis=(1, 2, 3))))):
            pr = project(R, r0, norm)
            assert R.contains(pr.reward, tol=1e-6)
            assert pr.distance <= dist(members - r0).min() + 1e-6
        pr = project(R, r0, "inf")
        w = pr.direction
        assert np.abs(w).sum() <= 1 + 1e-6
        sigma, _ = support_value(R, w)
        # strong duality: dist = w . r0 - sigma_R(w)
        assert abs(pr.distance - (w.ravel() @ r0.ravel() - sigma)) <= 1e-6


def test_support_value_dominates_members():
    P, pi = random_problem(3, 2, 2, 1)
    R = FeasibleRewardSet(P, pi)
    rng = np.random.default_rng(2)
    members = R.sample(300, rng=rng).rewards
    for _ in range(5):
        w = rng.standard_normal((3, 2, 2))
        val, x = support_value(R, w)
        assert R.contains(x, tol=1e-6)
        assert val >= (members.reshape(300, -1) @ w.ravel()).max() - 1e-9
        assert abs(val - w.ravel() @ x.ravel()) < 1e-12


# ---------------------------------------------------------------------- Hausdorff
def _perturbed(P, pi, seed, eta=0.1, flip=True):
    rng = np.random.default_rng(seed)
    H, S, A, _ = P.shape
    Phat = (1 - eta) * P + eta * rng.dirichlet(np.ones(S), size=(H, S, A))
    pihat = pi.copy()
    if flip:
        h, s = rng.integers(H), rng.integers(S)
        pihat[h, s] = (pihat[h, s] + 1) % A
    return Phat, pihat


@pytest.mark.parametrize("H,S,A", [(1, 2, 3), (2, 2, 2)])
def test_lipschitz_bound_holds_against_exact_hausdorff(H, S, A):
    for seed in range(6):
        P, pi = random_problem(H, S, A, seed)
        Phat, pihat = _perturbed(P, pi, seed + 100, eta=0.1 * (seed % 2), flip=seed % 3 != 0)
        R, Rhat = FeasibleRewardSet(P, pi), FeasibleRewardSet(Phat, pihat)
        exact = hausdorff_exact(R, Rhat)
        ub = lipschitz_bound(R, Rhat)
        br = hausdorff_bracket(R, Rhat, n_directions=15, rng=seed)
        assert exact <= ub + 1e-7
        assert br.lower <= exact + 1e-6
        assert exact <= br.upper + 1e-7
        assert exact <= 1.0 + 1e-9                       # saturation (hi - lo)/2


def test_policy_flip_attains_the_lipschitz_bound():
    """One state, H = 1, two actions, the expert's action flipped: rho = 1, the bound is
    2 rho/(1 + rho) = 1, and the exact distance is 1 (the ratio 1 the spec reports)."""
    P = np.ones((1, 1, 2, 1))
    R, Rhat = FeasibleRewardSet(P, np.array([[0]])), FeasibleRewardSet(P, np.array([[1]]))
    assert lipschitz_rho(R, Rhat) == 1.0
    assert float(lipschitz_bound(R, Rhat)) == 1.0
    assert abs(hausdorff_exact(R, Rhat) - 1.0) < 1e-9
    assert abs(hausdorff_bracket(R, Rhat, n_directions=10, rng=0).lower - 1.0) < 1e-7


def test_identical_sets_are_at_distance_zero_and_box_scales():
    P, pi = random_problem(2, 2, 2, 3)
    R = FeasibleRewardSet(P, pi)
    br = hausdorff_bracket(R, FeasibleRewardSet(P, pi), n_directions=5, rng=0)
    assert br.upper == 0.0 and br.lower == 0.0
    Phat, pihat = _perturbed(P, pi, 1, eta=0.2, flip=False)
    e11 = hausdorff_exact(R, FeasibleRewardSet(Phat, pihat))
    e01 = hausdorff_exact(FeasibleRewardSet(P, pi, box=(0, 1)),
                          FeasibleRewardSet(Phat, pihat, box=(0, 1)))
    assert abs(e01 - e11 / 2) < 1e-7


# ---------------------------------------------------------------------- bad input
def test_bad_input_is_named():
    P, pi = random_problem(2, 2, 2, 0)
    with pytest.raises(ValueError, match=r"P\[0, 1, 0, :\] sums to"):
        bad = P.copy()
        bad[0, 1, 0, 0] += 0.1
        FeasibleRewardSet(bad, pi)
    with pytest.raises(ValueError, match="pass H="):
        FeasibleRewardSet(P[0], pi)
    with pytest.raises(ValueError, match="expert"):
        FeasibleRewardSet(P, np.zeros((3, 2), dtype=int))
    with pytest.raises(ValueError, match=r"expert.*must lie in|expert"):
        FeasibleRewardSet(P, np.full((2, 2), 5))
    with pytest.raises(ValueError, match="need lo < hi"):
        FeasibleRewardSet(P, pi, box=(1, 0))
    with pytest.raises(TypeError, match="box must be a pair"):
        FeasibleRewardSet(P, pi, box="01")
    with pytest.raises(ValueError, match="support"):
        FeasibleRewardSet(P, pi, support="some")
    with pytest.raises(ValueError, match=r'^support="expert" needs the initial distribution: '
                                         r"pass rho= \(shape \(S,\)\) or a FiniteHorizonMDP$"):
        FeasibleRewardSet(P, pi, support="expert")
    # every message names its argument (mutation survivors: names and ndim checks)
    with pytest.raises(ValueError, match=r"^rho must have 1 dimensions, got shape \(1, 2\)$"):
        FeasibleRewardSet(P, pi, rho=np.array([[0.5, 0.5]]))
    with pytest.raises(ValueError, match=r"^rho\[:\] sums to 0.900000"):
        FeasibleRewardSet(P, pi, rho=np.array([0.5, 0.4]))
    with pytest.raises(TypeError, match=r"^box must be a pair \(lo, hi\) of real numbers, "
                                        r"got \(-1, 0, 1\)$"):
        FeasibleRewardSet(P, pi, box=(-1, 0, 1))
    with pytest.raises(TypeError, match=r"^box\[1\] must be a real number"):
        FeasibleRewardSet(P, pi, box=(-1, "1"))
    with pytest.raises(TypeError, match=r"^box\[0\] must be a real number"):
        FeasibleRewardSet(P, pi, box=(None, 1))
    with pytest.raises(ValueError, match=r"^P has shape \(2, 2, 2, 3\); expected \(H, S, A, S\)$"):
        FeasibleRewardSet(np.full((2, 2, 2, 3), 1 / 3), pi)
    with pytest.raises(ValueError, match=r"^P has shape \(2, 0, 2, 0\); every axis needs length "
                                         r">= 1$"):
        FeasibleRewardSet(np.zeros((2, 0, 2, 0)), np.zeros((2, 0), dtype=int))
    with pytest.raises(ValueError, match=r"^P has shape \(S, A, S\): pass H= \(the horizon\), "
                                         r"or P shaped \(H, S, A, S\)$"):
        FeasibleRewardSet(P[0], pi)
    # the horizon: checked against a 4-D kernel, required and validated for a 3-D one
    assert FeasibleRewardSet(P, pi, H=2).H == 2
    with pytest.raises(ValueError, match=r"^H is 3 but P has shape \(2, 2, 2, 2\) \(H = 2\)$"):
        FeasibleRewardSet(P, pi, H=3)
    with pytest.raises(ValueError, match=r"^H is 0; must be >= 1$"):
        FeasibleRewardSet(P, pi, H=0)
    with pytest.raises(ValueError, match=r"^H is 0; must be >= 1$"):
        FeasibleRewardSet(P[0], pi[0], H=0)
    with pytest.raises(TypeError, match=r"^H must be an integer, got 1.5$"):
        FeasibleRewardSet(P[0], pi[0], H=1.5)
    with pytest.raises(TypeError, match=r"^H must be an integer, got 2.5$"):
        FeasibleRewardSet(P, pi, H=2.5)
    with pytest.raises(ValueError, match=r"^w\[0, 0, 0\] is nan; all entries must be finite$"):
        support_value(FeasibleRewardSet(P, pi), np.full((2, 2, 2), np.nan))
    R = FeasibleRewardSet(P, pi)
    with pytest.raises(ValueError, match=r"r has shape \(2, 2\)"):
        R.contains(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="finite"):
        R.contains(np.full((2, 2, 2), np.nan))
    a_bad = 1 - int(pi[0, 0])
    Ap = np.zeros((2, 2, 2))
    Ap[0, 0, a_bad] = -1.0
    with pytest.raises(ValueError, match=rf"Aplus\[0, 0, {a_bad}\] is -1"):
        R.explicit_reward(np.zeros((3, 2)), Ap)
    with pytest.raises(ValueError, match="must be 0"):
        R.explicit_reward(np.ones((3, 2)), np.zeros((2, 2, 2)))
    with pytest.raises(TypeError, match="^R must be a FeasibleRewardSet or a "
                                        "DiscountedFeasibleRewardSet, got ndarray$"):
        distance(P, np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="different spaces"):
        hausdorff_bracket(R, FeasibleRewardSet(*random_problem(3, 2, 2, 0)))
    with pytest.raises(ValueError, match="different boxes"):
        hausdorff_bracket(R, FeasibleRewardSet(P, pi, box=(0, 1)))
    with pytest.raises(ValueError, match="method"):
        R.sample(3, method="uniform")
    with pytest.raises(ValueError, match="n"):
        R.sample(0)
    Rs = FeasibleRewardSet(P, random_problem(2, 2, 2, 0, stochastic=True)[1])
    with pytest.raises(ValueError, match="deterministic expert"):
        hausdorff_exact(R, Rs)
    with pytest.raises(ValueError, match="max_subsets"):
        hausdorff_exact(R, R, max_subsets=10)


# ---------------------------------------------------------------------- reward classes
def test_state_only_features_and_example_3_1():
    from mdplab.algorithms.irl import example_3_1, linear_class_hausdorff, state_only_features

    Phi = state_only_features(2, 3, 2)
    theta = np.arange(6.0)
    r = Phi @ theta
    assert r.shape == (2, 3, 2)
    assert np.array_equal(r[1, 2], [5.0, 5.0]) and np.array_equal(r[0, 1], [1.0, 1.0])
    R, Rh = example_3_1(0.2)
    assert np.allclose(R.P[0, 0, 0], [0, 0.55, 0.45]) and np.allclose(Rh.P[0, 0, 0],
                                                                      [0, 0.45, 0.55])
    assert np.abs(R.P - Rh.P).sum(axis=3).max() == pytest.approx(0.2)
    # state-only members: r(s+) >= r(s-) at step 1 in R, <= in Rh
    up = Phi @ np.array([0, 0, 0, 0, 1.0, -1.0])
    assert R.contains(up) and not Rh.contains(up)
    assert linear_class_hausdorff(R, Rh, Phi) == pytest.approx(1.0, abs=1e-7)
    # the full class (identity features) on a 1-step problem equals hausdorff_exact
    P, pi = random_problem(1, 2, 3, 4)
    Ph, pih = random_problem(1, 2, 3, 5)
    X, Y = FeasibleRewardSet(P, pi), FeasibleRewardSet(Ph, pih)
    eye = np.eye(6).reshape(1, 2, 3, 6)
    assert linear_class_hausdorff(X, Y, eye) == pytest.approx(hausdorff_exact(X, Y), abs=1e-7)
    with pytest.raises(ValueError, match="rank"):
        linear_class_hausdorff(X, Y, np.ones((1, 2, 3, 2)))
    with pytest.raises(ValueError, match="features has shape"):
        linear_class_hausdorff(X, Y, np.ones((1, 2, 2, 2)))
    with pytest.raises(ValueError, match="max_subsets"):
        linear_class_hausdorff(X, Y, eye, max_subsets=3)
    with pytest.raises(ValueError, match="eps"):
        example_3_1(0.0)


# ---------------------------------------------------------------------- pinned details
def test_chord_by_bisection_finds_the_segment_ends():
    P, pi = random_problem(2, 3, 2, 6)
    R = FeasibleRewardSet(P, pi, support="expert", rho=np.array([1.0, 0.0, 0.0]))
    x = R.interior_point().reshape(-1)
    g = np.random.default_rng(0)
    shape = R.reward_shape
    for _ in range(10):
        d = g.standard_normal(R.n)
        d /= np.linalg.norm(d)
        t_lo, t_hi = R._chord_bisect(x, d)
        assert t_lo < 0 < t_hi
        assert R.contains((x + t_hi * d).reshape(shape))
        assert R.contains((x + t_lo * d).reshape(shape))
        assert not R.contains((x + (t_hi + 1e-6) * d).reshape(shape))
        assert not R.contains((x + (t_lo - 1e-6) * d).reshape(shape))
    # a chord longer than the box's half diagonal: the initial bracket must cover it
    e = np.ones(R.n) / np.sqrt(R.n)
    t_lo, t_hi = R._chord_bisect(np.zeros(R.n), e)
    assert t_hi == pytest.approx(np.sqrt(R.n), abs=1e-6) and t_lo == pytest.approx(
        -np.sqrt(R.n), abs=1e-6)
    s = R.sample(40, method="hit_and_run", rng=2, burn_in=20, thin=3)
    assert R.contains(s.rewards).all()
    assert np.abs(np.diff(s.rewards, axis=0)).max() > 0.05


def test_explicit_reward_accepts_V_without_its_last_row_and_zero_advantages():
    P, pi = random_problem(3, 2, 2, 1)
    R = FeasibleRewardSet(P, pi)
    g = np.random.default_rng(1)
    V = np.vstack([g.normal(size=(3, 2)), np.zeros((1, 2))])
    Ap = np.zeros((3, 2, 2))
    full = R.explicit_reward(V, Ap)
    np.testing.assert_array_equal(R.explicit_reward(V[:3], Ap), full)
    assert R.violation(full) <= 1e-12           # Aplus = 0: every action ties
    with pytest.raises(ValueError, match=r"V has shape \(2, 2\); expected \(4, 2\)"):
        R.explicit_reward(V[:2], Ap)
    with pytest.raises(ValueError, match=r"Aplus has shape \(3, 2, 1\); expected \(3, 2, 2\)"):
        R.explicit_reward(V, Ap[..., :1])
    with pytest.raises(ValueError, match=r"V must have 2 dimensions"):
        R.explicit_reward(V[0], Ap)
    with pytest.raises(ValueError, match=r"Aplus must have 3 dimensions"):
        R.explicit_reward(V, Ap[0])


def test_repr_and_the_numpy_violation_of_one_reward():
    P, pi = random_problem(2, 2, 2, 0)
    assert "deterministic expert" in repr(FeasibleRewardSet(P, pi))
    Ps, pis = random_problem(2, 2, 2, 0, stochastic=True)
    Rs = FeasibleRewardSet(Ps, pis)
    assert "stochastic expert" in repr(Rs) and "support='all'" in repr(Rs)
    v = Rs._violation_numpy(np.zeros((2, 2, 2)) + 0.3)
    assert isinstance(v, float) and v <= 1e-12


def test_linear_class_hausdorff_pinned_against_the_library_lps(monkeypatch):
    from mdplab.algorithms.irl import distance, linear_class_hausdorff, state_only_features
    from mdplab.algorithms.irl import reward_classes as rc

    g = np.random.default_rng(7)
    # identity features: the restricted distance LP is the library's distance LP
    P, pi = random_problem(1, 2, 2, 8)
    R = FeasibleRewardSet(P, pi)
    F = np.eye(4)
    A_ub, b_ub = rc._class_constraints(R, F.reshape(1, 2, 2, 4))
    for _ in range(5):
        x = g.uniform(-2, 2, 4)                    # also outside the box
        assert rc._distance(x, A_ub, b_ub, F) == pytest.approx(
            distance(R, x.reshape(1, 2, 2)), abs=1e-7)
    # the whole class equals vertex enumeration on several instances, also when the
    # enumeration runs in blocks of one subset (singular blocks are skipped, not the end)
    for seed in range(3):
        X = FeasibleRewardSet(*random_problem(1, 2, 2, 20 + seed))
        Y = FeasibleRewardSet(*random_problem(1, 2, 2, 30 + seed))
        eye = np.eye(4).reshape(1, 2, 2, 4)
        want = hausdorff_exact(X, Y)
        assert linear_class_hausdorff(X, Y, eye) == pytest.approx(want, abs=1e-7)
        if seed == 0:
            monkeypatch.setattr(rc, "_BLOCK", 1)
            assert linear_class_hausdorff(X, Y, eye) == pytest.approx(want, abs=1e-7)
            monkeypatch.setattr(rc, "_BLOCK", 20000)
    # max_subsets is a limit on C(m, k): exactly m-choose-k is allowed
    R1, R2 = rc.example_3_1(0.3)
    Phi = state_only_features(2, 3, 2)
    m = rc._class_constraints(R1, Phi)[0].shape[0]
    import math

    total = math.comb(m, 6)
    assert linear_class_hausdorff(R1, R2, Phi, max_subsets=total) == pytest.approx(1.0)
    with pytest.raises(ValueError, match=rf"C\({m}, 6\) = {total:,} linear solves; more than "
                                         rf"max_subsets = {total - 1:,}: use a smaller class, "
                                         r"or raise max_subsets$"):
        linear_class_hausdorff(R1, R2, Phi, max_subsets=total - 1)


def test_linear_class_hausdorff_takes_both_directed_distances():
    """Nested restricted sets, so the two directed distances differ (0 and 1).

    With state-only rewards and transitions that ignore the action, every action ties, so
    Y's class is the whole box; where action a leads to state a, the expert's action 0 is
    optimal iff theta_1(0) >= theta_1(1), a strict subset X. Then sup_X d(., Y) = 0, while
    theta_1 = (-1, 1) lies in Y at max-norm distance 1 from X (the nearest member moves both
    coordinates to 0), so the Hausdorff distance is 1 in either argument order.
    """
    from mdplab.algorithms.irl import linear_class_hausdorff, state_only_features

    H, S, A = 2, 2, 2
    P_tie = np.full((H, S, A, S), 0.5)
    P_act = np.zeros((H, S, A, S))
    P_act[:, :, 0, 0] = 1.0
    P_act[:, :, 1, 1] = 1.0
    pi = np.zeros((H, S), dtype=int)
    X, Y = FeasibleRewardSet(P_act, pi), FeasibleRewardSet(P_tie, pi)
    Phi = state_only_features(H, S, A)
    far = Phi @ np.array([0.0, 0.0, -1.0, 1.0])
    assert Y.contains(far) and not X.contains(far)
    g = np.random.default_rng(3)
    thetas = g.uniform(-1, 1, size=(50, 4))
    thetas[:, 2] = np.maximum(thetas[:, 2], thetas[:, 3])          # members of X's class
    assert all(X.contains(Phi @ t) and Y.contains(Phi @ t) for t in thetas)
    assert linear_class_hausdorff(X, Y, Phi) == pytest.approx(1.0, abs=1e-7)
    assert linear_class_hausdorff(Y, X, Phi) == pytest.approx(1.0, abs=1e-7)


def test_reward_class_arguments_are_named():
    from mdplab.algorithms.irl import example_3_1, linear_class_hausdorff, state_only_features

    for args, name in (((0, 2, 2), "H"), ((2, 0, 2), "S"), ((2, 2, 0), "A")):
        with pytest.raises(ValueError, match=f"{name} is 0"):
            state_only_features(*args)
    with pytest.raises(ValueError, match="eps is 2.5"):
        example_3_1(2.5)
    R1, R2 = example_3_1(0.5)
    Rs = FeasibleRewardSet(R2.P, np.zeros((2, 3), dtype=int), support="expert",
                           rho=np.array([1.0, 0.0, 0.0]))
    Phi = state_only_features(2, 3, 2)
    with pytest.raises(ValueError, match=r'support="all"; R2 is FeasibleRewardSet'):
        linear_class_hausdorff(R1, Rs, Phi)
    with pytest.raises(ValueError, match=r"features has rank 5 < k = 6: drop the dependent"):
        linear_class_hausdorff(R1, R2, np.concatenate([Phi[..., :5], Phi[..., :1]], axis=3))
    with pytest.raises(ValueError, match="features must have 4 dimensions"):
        linear_class_hausdorff(R1, R2, Phi[0])


def test_membership_edges_tolerance_and_batches_pinned():
    """Box edges at tol = 0, the default tolerance 1e-9 H, batches against single rewards and
    Python return types (mutmut survivors)."""
    H, S, A = 3, 2, 2
    P, pi = random_problem(H, S, A, 11)
    for box in ((0.0, 1.0), (-1.0, 0.0)):                # r = 0 on either edge of the box
        assert FeasibleRewardSet(P, pi, box=box).contains(np.zeros((H, S, A)), tol=0.0)
    X = FeasibleRewardSet(P, pi)
    assert X.default_tol() == pytest.approx(3e-9)
    r = np.zeros((H, S, A))
    r[0, 0, 1 - pi[0, 0]] = 2.5e-9                        # better by 2.5e-9 < 3e-9
    assert X.contains(r) and not X.contains(r, tol=1e-9) and X.contains(r, tol=1e-8)
    assert not X.contains(np.full((H, S, A), 1.5)) and not X.contains(np.full((H, S, A), -1.5))
    bad = np.zeros((H, S, A))
    bad[1, 1, 1 - pi[1, 1]] = 0.5
    batch = np.stack([r, np.full((H, S, A), 1.5), bad, np.zeros((H, S, A))])
    assert X.contains(batch).tolist() == [True, False, False, True]
    for far in (-1.5, 1.5):                               # one far reward does not spoil others
        assert X.contains(np.stack([np.zeros((H, S, A)), np.full((H, S, A), far)])).tolist() \
            == [True, False]
    assert type(X.contains(r)) is bool and type(X.violation(bad)) is float
    np.testing.assert_allclose(X.violation(batch), [X.violation(b) for b in batch])
    with pytest.raises(ValueError, match="^tol is -1; must be a finite number in"):
        X.contains(r, tol=-1.0)
    # the interior point: centre +- a quarter of the width
    Y = FeasibleRewardSet(P, pi, box=(0.0, 4.0))
    x = Y.interior_point()
    assert set(np.unique(x)) == {1.0, 3.0} and np.array_equal(x == 3.0, Y.played)


def test_explicit_sampler_and_to_box_follow_the_docstring():
    """V[h] ~ U[-(H-h), H-h], Aplus[h] ~ U[0, 2 (H-h)] on slack entries, r = V - P V' - Aplus,
    then r / max(1, max abs r) onto the box; written out again with the same generator."""
    H, S, A, k = 3, 2, 3, 40
    P, pi = random_problem(H, S, A, 12)
    X = FeasibleRewardSet(P, pi, box=(-2.0, 1.0))
    got = X.sample(k, rng=np.random.default_rng(5))
    assert got.method == "explicit" and got.steps == 0
    gen = np.random.default_rng(5)
    left = (H - np.arange(H))[:, None]
    V = np.zeros((k, H + 1, S))
    V[:, :H] = gen.uniform(-1, 1, size=(k, H, S)) * left
    Ap = gen.uniform(0, 1, size=(k, H, S, A)) * 2 * left[:, :, None]
    raw = V[:, :H, :, None] - np.einsum("hsat,kht->khsa", P, V[:, 1:]) \
        - np.where(X.slack, Ap, 0.0)
    scale = np.maximum(1.0, np.abs(raw).max(axis=(1, 2, 3), keepdims=True))
    np.testing.assert_allclose(got.rewards, -0.5 + 1.5 * raw / scale, rtol=0, atol=1e-12)
    # to_box per reward, and a small reward is not blown up
    small = np.full((H, S, A), 0.25)
    np.testing.assert_allclose(X.to_box(small), -0.5 + 1.5 * small)
    two = np.stack([small, 4 * np.ones((H, S, A))])
    np.testing.assert_allclose(X.to_box(two)[0], -0.5 + 1.5 * small)
    hr = X.sample(3, method="hit_and_run", rng=0, burn_in=0, thin=2)
    assert (hr.method, hr.steps, hr.burn_in, hr.thin) == ("hit_and_run", 6, 0, 2)
    for kw, match in ((dict(burn_in=-1), "^burn_in is -1"), (dict(thin=0), "^thin is 0")):
        with pytest.raises(ValueError, match=match):
            X.sample(3, method="hit_and_run", rng=0, **kw)


def test_fast_path_only_for_the_base_class():
    P, pi = random_problem(2, 2, 2, 13)

    assert FeasibleRewardSet(P, pi)._fast("advantage", "_chord_linear")
    assert not Custom(P, pi)._fast("advantage", "_chord_linear")
    assert not Custom(P, pi)._fast("_chord_linear", "advantage")


@pytest.mark.parametrize("stochastic", [False, True])
def test_hit_and_run_over_several_blocks_fills_every_row(stochastic):
    """More steps than one block of normals (2^21 / n): every recorded row is a fresh member."""
    H, S, A = 2, 3, 2
    P, pi = random_problem(H, S, A, 14, stochastic=stochastic)
    X = FeasibleRewardSet(P, pi)
    block = (1 << 21) // X.n
    k, thin = 5, block // 2 + 7
    out = X.sample(k, method="hit_and_run", rng=1, burn_in=0, thin=thin)
    assert out.steps == k * thin > 2 * block
    assert X.contains(out.rewards).all()
    assert len({row.tobytes() for row in out.rewards}) == k
    assert not np.any(np.all(out.rewards == 0.0, axis=(1, 2, 3)))


def test_hausdorff_bracket_counts_its_solves_and_the_lipschitz_guards():
    P, pi = random_problem(2, 2, 2, 15)
    P2, _ = random_problem(2, 2, 2, 16)
    R1, R2 = FeasibleRewardSet(P, pi), FeasibleRewardSet(P2, pi)
    plain = hausdorff_bracket(R1, R2, n_directions=4, ascent_steps=0, rng=0)
    assert plain.lp_solves == 2 * 2 * 4                  # a support LP and a projection, both ways
    climb = hausdorff_bracket(R1, R2, n_directions=4, ascent_steps=3, rng=0)
    assert climb.lp_solves > plain.lp_solves and climb.lower >= plain.lower - 1e-9
    on_support = FeasibleRewardSet(P, pi, support="expert", rho=np.array([1.0, 0.0]))
    for a, b in ((R1, on_support), (on_support, R1)):
        with pytest.raises(ValueError, match='^lipschitz_bound is .MLR23. Theorem 3.2, for '
                                             'support="all" sets; the on-support sets have no '
                                             'such bound$'):
            lipschitz_bound(a, b)
    for fn in (lipschitz_bound, lipschitz_rho):
        with pytest.raises(TypeError, match="got int$"):
            fn(3, R1)
    with pytest.raises(ValueError, match="use hausdorff_bracket, or raise max_subsets$"):
        hausdorff_exact(R1, R2, max_subsets=10)


@pytest.mark.parametrize("box", [(-1.0, 1.0), (-5.0, 5.0)])
def test_ratio_test_chord_equals_the_bisection_chord(box):
    """The ratio test on the box and the linear advantages (support "all") against bisection
    on membership, from interior points along random directions."""
    P, pi = random_problem(2, 3, 2, 17)
    X = FeasibleRewardSet(P, pi, box=box)
    g = np.random.default_rng(3)
    x = X.interior_point().reshape(-1)
    for _ in range(8):
        d = g.normal(size=X.n)
        d /= np.linalg.norm(d)
        lin = X._chord_linear(x, d)
        bis = X._chord_bisect(x, d)
        assert lin[0] < 0 < lin[1]
        np.testing.assert_allclose(lin, bis, atol=1e-6 * (box[1] - box[0]))
        x = x + 0.5 * (lin[0] + lin[1]) * d                     # move inside, keep going


@pytest.mark.parametrize("support", ["all", "expert"])
def test_numpy_hit_and_run_path_of_a_subclass_stays_in_the_set(support):
    """A subclass takes the numpy chain (no kernel): with a stochastic expert the directions
    are projected on the equalities, so every sample is a member."""
    P, pi = random_problem(2, 2, 2, 18, stochastic=True)
    kw = dict(support="expert", rho=np.array([1.0, 0.0])) if support == "expert" else {}
    X = Custom(P, pi, **kw)
    out = X.sample(6, method="hit_and_run", rng=2, burn_in=5, thin=3)
    assert X.contains(out.rewards).all()
    assert len({row.tobytes() for row in out.rewards}) == 6
    base = FeasibleRewardSet(P, pi, **kw)
    assert base.contains(out.rewards).all()


@pytest.mark.parametrize("case", ["deterministic", "stochastic", "one-dimensional"])
def test_numpy_chain_follows_the_kernel_chain_step_for_step(case):
    """Same seed, same chain: the numpy chain (a subclass) and the kernel (the base class)
    take the same steps, also where the directions are projected on a one-dimensional
    null space (two played actions of one state, so |d| < 1 before normalising)."""
    if case == "one-dimensional":
        P, pi = np.ones((1, 1, 2, 1)), np.array([[[0.5, 0.5]]])
    else:
        P, pi = random_problem(2, 3, 2, 19, stochastic=case == "stochastic")
    base, sub = FeasibleRewardSet(P, pi), Custom(P, pi)
    assert base._fast("advantage", "_chord_linear") and not sub._fast("advantage")
    a = base.sample(8, method="hit_and_run", rng=4, burn_in=3, thin=2).rewards
    b = sub.sample(8, method="hit_and_run", rng=4, burn_in=3, thin=2).rewards
    assert len({row.tobytes() for row in a}) == 8
    np.testing.assert_allclose(b, a, rtol=0, atol=1e-9)


def test_each_overridden_chord_formula_sends_the_chain_through_python():
    """Overriding either formula the kernel computes (the chord or the advantages) takes the
    chain off the kernel, so the override is the one used."""
    calls = {"advantage": 0, "_chord_linear": 0}

    class Chord(FeasibleRewardSet):
        def _chord_linear(self, x, d):
            calls["_chord_linear"] += 1
            return super()._chord_linear(x, d)

    class Adv(FeasibleRewardSet):
        def advantage(self, r):
            calls["advantage"] += 1
            return super().advantage(r)

    P, pi = random_problem(2, 2, 2, 20)
    Chord(P, pi).sample(4, method="hit_and_run", rng=0, burn_in=2, thin=2)
    assert calls == {"advantage": 0, "_chord_linear": 2 + 4 * 2}
    Adv(P, pi).sample(4, method="hit_and_run", rng=0, burn_in=2, thin=2)
    assert calls["advantage"] >= 2 * (2 + 4 * 2)          # x and d at every step


def test_on_support_chain_samples_the_larger_set():
    """support="expert" constrains only the states the expert reaches from rho: its chain
    (bisection on membership) must leave the support="all" set, never the kernel's."""
    P, pi = random_problem(2, 3, 2, 21)
    P[0, 0, :, :] = [1.0, 0.0, 0.0]                     # from state 0 the chain stays in 0
    kw = dict(support="expert", rho=np.array([1.0, 0.0, 0.0]))
    on, sub = FeasibleRewardSet(P, pi, **kw), Custom(P, pi, **kw)
    a = on.sample(30, method="hit_and_run", rng=5, burn_in=10, thin=3).rewards
    b = sub.sample(30, method="hit_and_run", rng=5, burn_in=10, thin=3).rewards
    np.testing.assert_array_equal(a, b)
    assert on.contains(a).all()
    assert not FeasibleRewardSet(P, pi).contains(a).all()


def test_hit_and_run_draws_in_the_documented_schedule():
    """Reproducibility: blocks of at most 2^21 / n steps, each drawing its normals (T, n)
    and then its uniforms (T,); step t (1-based) is recorded iff t > burn_in and
    (t - burn_in) % thin == 0. Replayed from the seed, not from the library."""
    seen = []

    class Recorder(Custom):                      # overrides a formula: the numpy chain
        def _hit_and_run_block(self, x, normals, uniforms, basis, record, out, j):
            seen.append((normals.copy(), uniforms.copy(), record.copy()))
            n_rec = int(record.sum())
            out[j:j + n_rec] = x
            return x, j + n_rec

    P, pi = random_problem(2, 3, 2, 22)
    X = Recorder(P, pi)
    n = X.n
    block = (1 << 21) // n
    k, burn, thin = 3, 7, block // 2 + 5
    total = burn + k * thin
    X.sample(k, method="hit_and_run", rng=6, burn_in=burn, thin=thin)
    g = np.random.default_rng(6)
    sizes = [min(block, total - s) for s in range(0, total, block)]
    assert [len(u) for _, u, _ in seen] == sizes and len(sizes) == 2
    for (normals, uniforms, _), T in zip(seen, sizes, strict=True):
        np.testing.assert_array_equal(normals, g.standard_normal((T, n)))
        np.testing.assert_array_equal(uniforms, g.random(T))
    t = np.arange(1, total + 1)
    want = (t > burn) & ((t - burn) % thin == 0)
    np.testing.assert_array_equal(np.concatenate([r for _, _, r in seen]), want)
    assert want.sum() == k


def _directed_lower_from_the_docstring(X, Y, ws, steps):
    """Support LP of X in direction w, projection of its maximiser on Y (L-infinity); then
    up to ``steps`` ascent steps along the projection's direction, stopping at the first one
    that does not raise the distance by more than 1e-12."""
    best, solves = 0.0, 0
    for w in ws:
        _, x = support_value(X, w)
        proj = project(Y, x, "inf")
        solves += 2
        d = proj.distance
        for _ in range(steps):
            if proj.direction is None or not np.any(proj.direction):
                break
            _, x = support_value(X, proj.direction)
            proj = project(Y, x, "inf")
            solves += 2
            if not proj.distance > d + 1e-12:
                d = max(d, proj.distance)
                break
            d = proj.distance
        best = max(best, d)
    return best, solves


def test_hausdorff_bracket_fields_against_the_docstring():
    """Every field of the bracket, the default search, the seed and the ascent's stopping
    rule, against a re-implementation from the docstrings (mutation survivors)."""
    P, pi = random_problem(2, 2, 2, 31)
    P2, pi2 = _perturbed(P, pi, 5, eta=0.3, flip=True)
    X, Y = FeasibleRewardSet(P, pi), FeasibleRewardSet(P2, pi2)
    for steps in (0, 1, 3):
        br = hausdorff_bracket(X, Y, n_directions=6, ascent_steps=steps, rng=8)
        g = np.random.default_rng(8)
        ws1 = g.standard_normal((6, 2, 2, 2))
        ws2 = g.standard_normal((6, 2, 2, 2))
        l12, s12 = _directed_lower_from_the_docstring(X, Y, ws1, steps)
        l21, s21 = _directed_lower_from_the_docstring(Y, X, ws2, steps)
        assert br.lower_12 == pytest.approx(l12, abs=1e-9)
        assert br.lower_21 == pytest.approx(l21, abs=1e-9)
        assert br.lp_solves == s12 + s21
        assert br.lipschitz == pytest.approx(float(lipschitz_bound(X, Y)))
        assert br.saturation == 1.0
        assert br.upper == min(br.lipschitz, 1.0)
        assert br.lower == pytest.approx(min(max(l12, l21), br.upper))
        assert (br.n_directions, br.ascent_steps) == (6, steps)
    # the defaults are 50 directions and 3 ascent steps; the seed decides the directions
    d = hausdorff_bracket(X, Y, rng=2)
    e = hausdorff_bracket(X, Y, n_directions=50, ascent_steps=3, rng=2)
    assert (d.n_directions, d.ascent_steps, d.lp_solves) == (50, 3, e.lp_solves)
    assert d.lower == e.lower
    a = hausdorff_bracket(X, Y, n_directions=3, ascent_steps=0, rng=11)
    b = hausdorff_bracket(X, Y, n_directions=3, ascent_steps=0, rng=11)
    c = hausdorff_bracket(X, Y, n_directions=3, ascent_steps=0, rng=12)
    assert (a.lower_12, a.lower_21) == (b.lower_12, b.lower_21)
    assert (a.lower_12, a.lower_21) != (c.lower_12, c.lower_21)
    for kw, name in ((dict(n_directions=0), "n_directions is 0"),
                     (dict(ascent_steps=-1), "ascent_steps is -1")):
        with pytest.raises(ValueError, match=f"^{name}; must be >= "):
            hausdorff_bracket(X, Y, **kw)
