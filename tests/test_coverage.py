"""Tests for mdplab.coverage: reachability, coverability, concentrability, linear coverage."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdplab.coverage import (
    class_occupancies,
    clipped_concentrability_cc,
    concentrability,
    concentrability_all_policies,
    concentrability_from_occupancies,
    coverability,
    coverability_brute_force,
    feature_covariance,
    feature_coverage,
    feature_coverage_of_policy,
    l2_concentrability_squared,
    max_occupancy,
    reach_to_layer,
    reachability,
    relative_condition_from_covariances,
    relative_condition_number,
    safe_ratio,
)
from mdplab.coverage.coverability_lp import _all_deterministic_policies
from mdplab.models import DiscountedMDP, FiniteHorizonMDP, LinearMDP, SparseTransitions
from mdplab.planning import occupancy_measure

FAST = settings(max_examples=30, deadline=None)
TOL = 1e-9
#: HiGHS stops at primal/dual feasibility 1e-7 by default, so an LP optimum is
#: only that accurate; exact methods (closed form, brute force) are held to TOL.
LP_TOL = 1e-7


# ---------------------------------------------------------------- instances
def random_mdp(S, A, H, seed, sparse_rows=True, rho_kind="dirichlet"):
    """Random non-stationary MDP; Dirichlet(0.3) rows, some rows made deterministic."""
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(0.3 * np.ones(S), size=(H, S, A))
    if sparse_rows and S > 1:
        det = rng.random((H, S, A)) < 0.3
        targets = rng.integers(0, S, size=(H, S, A))
        P[det] = np.eye(S)[targets[det]]
    rho = rng.dirichlet(np.ones(S)) if rho_kind == "dirichlet" else None
    r = rng.random((H, S, A))
    return FiniteHorizonMDP(P, r, rho=rho)


def random_policy(H, S, A, rng):
    return rng.dirichlet(np.ones(A), size=(H, S))


def random_layers(shape, rng, zeros=0.0):
    """Random (H, S, A) array with each layer a distribution; a fraction of zeros."""
    x = rng.random(shape) * (rng.random(shape) >= zeros)
    flat = x.reshape(shape[0], -1)
    flat[flat.sum(axis=1) == 0, 0] = 1.0
    return (flat / flat.sum(axis=1, keepdims=True)).reshape(shape)


def mixing_de_bruijn(eta, S=16, A=2, H=6):
    P = np.zeros((S, A, S))
    for s in range(S):
        for a in range(A):
            P[s, a, (2 * s + a) % S] += 1.0 - eta
    P += eta / S
    return FiniteHorizonMDP(P, np.zeros((S, A)), H=H)


small_sizes = st.tuples(
    st.integers(1, 3), st.integers(1, 2), st.integers(1, 3), st.integers(0, 10_000)
)


# ---------------------------------------------------------------- reachability
@FAST
@given(small_sizes)
def test_reachability_equals_brute_force_state_max(args):
    S, A, H, seed = args
    mdp = random_mdp(S, A, H, seed)
    reach = reachability(mdp)
    pols = _all_deterministic_policies(H, S, A)
    occ = class_occupancies(mdp, pols)
    brute = occ.sum(axis=3).max(axis=0)
    np.testing.assert_allclose(reach, brute, atol=TOL, rtol=0)
    np.testing.assert_allclose(reach[0], mdp.rho, atol=0)
    assert np.all(reach.sum(axis=1) >= 1 - TOL) and np.all(reach.sum(axis=1) <= S + TOL)


def test_reach_to_layer_identity_and_rows():
    mdp = random_mdp(4, 2, 5, seed=3)
    np.testing.assert_array_equal(reach_to_layer(mdp, 0), np.eye(4))
    W = reach_to_layer(mdp, 3)
    assert W.shape == (4, 4)
    assert np.all(W >= 0) and np.all(W <= 1 + TOL)
    # starting from a point mass at s, reach[3] is row s of W
    for s in range(4):
        rho = np.eye(4)[s]
        np.testing.assert_allclose(reachability(mdp, rho=rho)[3], W[s], atol=1e-12)
    with pytest.raises(ValueError, match="h is 6"):
        reach_to_layer(mdp, 6)


def test_reachability_sparse_equals_dense():
    for seed in range(5):
        dense = random_mdp(6, 3, 4, seed)
        sparse = FiniteHorizonMDP(
            SparseTransitions.from_dense(np.asarray(dense.P)), dense.r, rho=dense.rho
        )
        np.testing.assert_allclose(reachability(sparse), reachability(dense), atol=1e-12)
    # stationary sparse kernel
    P = np.asarray(random_mdp(5, 2, 1, 7).P[0])
    d = FiniteHorizonMDP(P, np.zeros((5, 2)), H=4)
    s = FiniteHorizonMDP(SparseTransitions.from_dense(P), np.zeros((5, 2)), H=4)
    np.testing.assert_allclose(reachability(s), reachability(d), atol=1e-12)


# ---------------------------------------------------------------- coverability
@FAST
@given(small_sizes)
def test_closed_form_equals_lp_equals_brute_force(args):
    S, A, H, seed = args
    mdp = random_mdp(S, A, H, seed)
    cf = coverability(mdp)
    lp = coverability(mdp, method="lp")
    bf = coverability_brute_force(mdp)
    for other, tol in ((lp, LP_TOL), (bf, TOL)):
        assert abs(cf.value - other.value) <= tol
        np.testing.assert_allclose(cf.per_layer, other.per_layer, atol=tol, rtol=0)
        np.testing.assert_allclose(cf.max_occupancy, other.max_occupancy, atol=tol, rtol=0)
    np.testing.assert_allclose(cf.per_layer, A * reachability(mdp).sum(axis=1), atol=1e-12)
    assert (cf.method, lp.method, bf.method) == ("closed_form", "lp", "brute_force")
    np.testing.assert_allclose(cf.mu_star.sum(axis=(1, 2)), 1.0, atol=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_spec_claim1_random_tabular(seed):
    """glow spec Sec. 8 claim 1 (random_tabular, S in {2,3}, A = 2, H in {2,3})."""
    S, H = (2, 3)[seed % 2], (2, 3)[(seed // 2) % 2]
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(0.3 * np.ones(S), size=(H, S, 2))
    mdp = FiniteHorizonMDP(P, np.zeros((H, S, 2)), rho=rng.dirichlet(np.ones(S)))
    cf, lp, bf = coverability(mdp), coverability(mdp, method="lp"), coverability_brute_force(mdp)
    assert abs(cf.value - lp.value) <= 1e-8 and abs(cf.value - bf.value) <= 1e-8


@FAST
@given(st.tuples(st.integers(1, 6), st.integers(1, 3), st.integers(1, 4), st.integers(0, 10_000)))
def test_coverability_bounds_and_class(args):
    S, A, H, seed = args
    rng = np.random.default_rng(seed)
    mdp = random_mdp(S, A, H, seed)
    c_all = coverability(mdp)
    assert A - TOL <= c_all.value <= S * A + TOL
    assert np.all(c_all.per_layer >= A - TOL)
    assert c_all.per_layer[0] == pytest.approx(A)  # layer 0: only rho is reachable
    pols = [random_policy(H, S, A, rng) for _ in range(4)]
    pols.append(rng.integers(0, A, size=(H, S)))
    c_cls = coverability(mdp, pols)
    assert c_cls.policy_class == "finite"
    np.testing.assert_array_equal(c_cls.max_occupancy, max_occupancy(mdp, pols))
    np.testing.assert_array_equal(
        max_occupancy(mdp), np.repeat(reachability(mdp)[:, :, None], A, axis=2)
    )
    assert c_cls.value <= c_all.value + TOL
    assert np.all(c_cls.per_layer <= c_all.per_layer + TOL)
    assert c_cls.value >= 1 - TOL  # each layer of an occupancy sums to 1
    lp = coverability(mdp, pols, method="lp")
    np.testing.assert_allclose(lp.per_layer, c_cls.per_layer, atol=TOL, rtol=0)
    # a single policy has C_h = 1 exactly
    one = coverability(mdp, [pols[0]])
    np.testing.assert_allclose(one.per_layer, 1.0, atol=1e-12)


def test_class_of_all_deterministic_policies_equals_all():
    mdp = random_mdp(3, 2, 3, seed=11)
    pols = _all_deterministic_policies(3, 3, 2)
    assert abs(coverability(mdp, pols).value - coverability(mdp).value) <= TOL


@pytest.mark.parametrize(
    "eta, expected",
    [
        (0.0, 32.0),
        (0.1, 23.3696),
        (0.25, 14.1875),
        (0.5, 6.0),
        (0.75, 2.9375),
        (0.9, 2.2496),
        (1.0, 2.0),
    ],
)
def test_mixing_de_bruijn_reference_values(eta, expected):
    """glow spec Sec. 7.3; values from an independent prototype."""
    mdp = mixing_de_bruijn(eta)
    assert coverability(mdp).value == pytest.approx(expected, abs=1e-4)


def test_mixing_de_bruijn_lp_agrees():
    for eta in (0.1, 0.5):
        mdp = mixing_de_bruijn(eta)
        assert abs(coverability(mdp, method="lp").value - coverability(mdp).value) <= 1e-8


def test_full_reach_gives_SA_and_deterministic_chain():
    # every state reachable w.p. 1 at layer h >= 4: C_cov = S A
    mdp = mixing_de_bruijn(0.0)
    res = coverability(mdp)
    np.testing.assert_allclose(res.per_layer, [2, 4, 8, 16, 32, 32], atol=1e-12)
    np.testing.assert_allclose(res.mu_star[5], 1.0 / 32, atol=1e-15)


def test_brute_force_guard():
    mdp = random_mdp(4, 2, 5, seed=0)  # 2^20 policies
    with pytest.raises(ValueError, match="A\\^\\(S\\*H\\) = 2\\^20"):
        coverability_brute_force(mdp)


def test_coverability_input_errors():
    mdp = random_mdp(3, 2, 2, seed=0)
    with pytest.raises(ValueError, match="method"):
        coverability(mdp, method="simplex")
    with pytest.raises(ValueError, match="empty"):
        coverability(mdp, [])
    with pytest.raises(ValueError, match="wrap a single policy"):
        coverability(mdp, np.zeros((2, 3), dtype=int))
    with pytest.raises(ValueError, match="wrap a single policy"):
        coverability(mdp, np.full((2, 3, 2), 0.5))
    with pytest.raises(ValueError, match=r"policies\[1\]"):
        coverability(mdp, [np.zeros((2, 3), dtype=int), np.full((2, 3), 5)])
    with pytest.raises(TypeError, match="FiniteHorizonMDP"):
        coverability(DiscountedMDP(np.full((2, 1, 2), 0.5), np.zeros((2, 1)), 0.9))


# ---------------------------------------------------------------- planted bug
def _reach_averaging_bug(mdp):
    """A wrong reachability DP that averages over actions instead of maximising."""
    H, S, A = mdp.shape
    P = np.asarray(mdp.P)
    reach = np.empty((H, S))
    reach[0] = mdp.rho
    for h in range(1, H):
        W = np.eye(S)
        for k in range(h - 1, -1, -1):
            W = (P[k].reshape(S * A, S) @ W).reshape(S, A, S).mean(axis=1)
        reach[h] = mdp.rho @ W
    return reach


def test_planted_bug_averaging_dp_is_caught():
    """The closed-form vs brute-force check must reject the averaging DP."""
    caught = 0
    for seed in range(10):
        mdp = random_mdp(3, 2, 3, seed)
        bf = coverability_brute_force(mdp)
        buggy = mdp.A * _reach_averaging_bug(mdp).sum(axis=1)
        correct = coverability(mdp).per_layer
        np.testing.assert_allclose(correct, bf.per_layer, atol=TOL)
        if np.max(np.abs(buggy - bf.per_layer)) > 1e-6:
            caught += 1
    assert caught >= 8


# ---------------------------------------------------------------- concentrability
@FAST
@given(st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 4), st.integers(0, 10_000)))
def test_single_policy_concentrability_facts(args):
    S, A, H, seed = args
    rng = np.random.default_rng(seed)
    mdp = random_mdp(S, A, H, seed)
    pi = random_policy(H, S, A, rng)
    b = random_policy(H, S, A, rng)
    same = concentrability(mdp, pi, pi)
    assert same.value == pytest.approx(1.0, abs=1e-12)
    res = concentrability(mdp, pi, b)
    assert res.value >= 1 - 1e-12
    assert res.clipped_value <= res.value + 1e-15
    assert res.clipped_value >= 1.0 / S - 1e-12
    assert res.clip_level == 1.0 / S
    d_pi, d_b = occupancy_measure(mdp, pi), occupancy_measure(mdp, b)
    assert d_pi[res.argmax] / d_b[res.argmax] == pytest.approx(res.value)
    low = concentrability_from_occupancies(d_pi, d_b)
    assert low.value == res.value and low.argmax == res.argmax
    # deterministic target: support is small, ratio still >= 1
    det = concentrability(mdp, rng.integers(0, A, size=(H, S)), b)
    assert det.value >= 1 - 1e-12


def test_concentrability_uncovered_is_inf_and_clipping():
    d_star = np.array([[0.5, 0.0], [0.5, 0.0]])
    d_b = np.array([[0.5, 0.5], [0.0, 0.0]])
    res = concentrability_from_occupancies(d_star, d_b)
    assert res.value == np.inf and res.argmax == (1, 0)
    assert res.clipped_value == np.inf
    # 0/0 = 0: entries neither visited nor covered do not count
    d_b2 = np.array([[0.25, 0.25], [0.5, 0.0]])
    res2 = concentrability_from_occupancies(d_star, d_b2)
    assert res2.value == pytest.approx(2.0) and res2.argmax == (0, 0)
    # clipping at 1/S = 1/2 leaves 0.5 / 0.25 = 2; at clip=0.1 gives 0.1/0.25
    assert res2.clipped_value == pytest.approx(2.0)
    res3 = concentrability_from_occupancies(d_star, d_b2, clip=0.1)
    assert res3.clipped_value == pytest.approx(0.4) and res3.clip_level == 0.1
    np.testing.assert_array_equal(
        safe_ratio(np.array([0.0, 1.0, 2.0]), np.array([0.0, 0.0, 4.0])), [0.0, np.inf, 0.5]
    )


def test_clipped_concentrability_below_unclipped_when_target_concentrated():
    # target puts all mass on one (s, a) covered with 1/(4S): C* = 4S, clipped = 4
    S = 8
    d_star = np.zeros((S, 1))
    d_star[0, 0] = 1.0
    d_b = np.full((S, 1), (1 - 1 / (4 * S)) / (S - 1))
    d_b[0, 0] = 1 / (4 * S)
    res = concentrability_from_occupancies(d_star, d_b)
    assert res.value == pytest.approx(4 * S)
    assert res.clipped_value == pytest.approx(4.0)


def test_concentrability_discounted():
    rng = np.random.default_rng(5)
    S, A = 4, 2
    P = rng.dirichlet(np.ones(S), size=(S, A))
    mdp = DiscountedMDP(P, rng.random((S, A)), 0.9, rho=rng.dirichlet(np.ones(S)))
    pi, b = rng.dirichlet(np.ones(A), size=S), rng.dirichlet(np.ones(A), size=S)
    res = concentrability(mdp, pi, b)
    d_pi, d_b = occupancy_measure(mdp, pi), occupancy_measure(mdp, b)
    assert len(res.argmax) == 2
    assert res.value == pytest.approx(np.max(d_pi / d_b))
    assert concentrability(mdp, pi, pi).value == pytest.approx(1.0)
    # behaviour never takes action 1 while the target does: uncovered
    assert concentrability(mdp, pi, np.zeros(S, dtype=int)).value == np.inf
    # different behaviour start distribution
    rb = rng.dirichlet(np.ones(S))
    res_b = concentrability(mdp, pi, b, rho_b=rb)
    assert res_b.value == pytest.approx(np.max(d_pi / occupancy_measure(mdp, b, rho=rb)))


@FAST
@given(small_sizes)
def test_conc_of_mu_star_equals_coverability(args):
    S, A, H, seed = args
    rng = np.random.default_rng(seed)
    mdp = random_mdp(S, A, H, seed)
    cov = coverability(mdp)
    at_star = concentrability_all_policies(mdp, cov.mu_star)
    assert at_star.value == pytest.approx(cov.value, rel=1e-12)
    for _ in range(10):
        mu = random_layers((H, S, A), rng, zeros=0.1)
        assert concentrability_all_policies(mdp, mu).value >= cov.value - 1e-9
    # finite class
    pols = [random_policy(H, S, A, rng) for _ in range(3)]
    cls = coverability(mdp, pols)
    assert concentrability_all_policies(mdp, cls.mu_star, pols).value == pytest.approx(cls.value)


def test_all_policy_concentrability_dominates_single_policy():
    rng = np.random.default_rng(0)
    mdp = random_mdp(4, 2, 3, seed=1)
    mu = random_layers((3, 4, 2), rng)
    c_all = concentrability_all_policies(mdp, mu).value
    for _ in range(20):
        d = occupancy_measure(mdp, random_policy(3, 4, 2, rng))
        assert concentrability_from_occupancies(d, mu).value <= c_all + 1e-12


@FAST
@given(st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(0, 10_000)))
def test_clipped_cc_properties(args):
    S, A, seed = args
    rng = np.random.default_rng(seed)
    d = random_layers((2, S, A), rng, zeros=0.3)
    mu = random_layers((2, S, A), rng, zeros=0.3)
    gammas = np.concatenate([[1e-3], np.sort(rng.uniform(0.05, 20, size=8)), [np.inf]])
    vals = np.array([clipped_concentrability_cc(d, mu, g) for g in gammas])  # (G, 2)
    assert np.all(np.diff(vals, axis=0) >= -1e-12)  # nondecreasing in gamma
    assert np.all(vals <= gammas[:, None] + 1e-12)
    l2 = l2_concentrability_squared(d, mu)
    assert np.all(vals <= l2 + 1e-12)
    np.testing.assert_allclose(vals[-1], l2, rtol=1e-12)  # gamma = inf gives the L2 value
    # Lemmas F.4 and F.5 of Amortila et al. 2024 (per layer)
    for g in gammas[1:-1]:
        w = safe_ratio(d, mu)
        cc = clipped_concentrability_cc(d, mu, g)
        tail = np.where(w > g, d, 0.0).sum(axis=(1, 2))
        assert np.all(tail <= 2 / g * cc + 1e-12)
        l2clip = (mu * np.minimum(w, g) ** 2).sum(axis=(1, 2))
        assert np.all(l2clip <= 2 * cc + 1e-12)
    # single layer -> float; d = mu -> CC = min(1, gamma)-ish: exactly 1 for gamma >= 1
    assert isinstance(clipped_concentrability_cc(d[0], mu[0], 1.0), float)
    assert clipped_concentrability_cc(d[0], d[0], 2.0) == pytest.approx(1.0)
    assert l2_concentrability_squared(d[0], d[0]) == pytest.approx(1.0)


def test_l2_concentrability_inf_when_uncovered():
    d = np.array([[0.5, 0.5]])
    mu = np.array([[1.0, 0.0]])
    assert l2_concentrability_squared(d, mu) == np.inf
    assert clipped_concentrability_cc(d, mu, 3.0) == pytest.approx(0.5 * 0.5 + 0.5 * 3.0)


def test_concentrability_validation_errors():
    good = np.full((2, 2), 0.25)
    with pytest.raises(ValueError, match="sums to 0.5"):
        concentrability_from_occupancies(good, np.full((2, 2), 0.125))
    with pytest.raises(ValueError, match="must be >= 0"):
        concentrability_from_occupancies(good, np.array([[0.75, 0.75], [-0.5, 0.0]]))
    with pytest.raises(ValueError, match="shape"):
        concentrability_from_occupancies(good, np.full((1, 4), 0.25))
    with pytest.raises(ValueError, match=r"d_star\[1, :, :\] sums to"):
        concentrability_from_occupancies(np.stack([good, good * 2]), np.stack([good, good]))
    with pytest.raises(ValueError, match="clip"):
        concentrability_from_occupancies(good, good, clip=-1.0)
    with pytest.raises(TypeError, match="clip"):
        concentrability_from_occupancies(good, good, clip="half")
    with pytest.raises(ValueError, match="gamma"):
        clipped_concentrability_cc(good, good, 0.0)
    with pytest.raises(ValueError, match="finite"):
        concentrability_from_occupancies(np.full((2, 2), np.nan), good)
    mdp = random_mdp(3, 2, 2, seed=0)
    with pytest.raises(ValueError, match=r"mu has shape"):
        concentrability_all_policies(mdp, np.full((2, 3, 3), 1 / 9))
    with pytest.raises(ValueError, match=r"mu\[1, :, :\] sums to"):
        mu = np.full((2, 3, 2), 1 / 6)
        mu[1, 0, 0] = 0.5
        concentrability_all_policies(mdp, mu)
    with pytest.raises(ValueError, match="policy"):
        concentrability(mdp, np.full((2, 3), 7), np.zeros((2, 3), dtype=int))
    with pytest.raises(TypeError):
        concentrability("mdp", 0, 0)


# ---------------------------------------------------------------- linear MDPs
def one_hot_lmdp(S, A, H, seed):
    return LinearMDP.from_tabular(random_mdp(S, A, H, seed))


def random_feature_lmdp(S, A, H, d, seed):
    """Linear MDP with d latent factors: phi(s,a) in the simplex, mu_i a distribution."""
    rng = np.random.default_rng(seed)
    phi = rng.dirichlet(0.5 * np.ones(d), size=(S, A))
    mu = rng.dirichlet(0.5 * np.ones(S), size=(H, d))
    theta = rng.random((H, d))
    return LinearMDP(phi, mu, theta, H, rho=rng.dirichlet(np.ones(S)))


@FAST
@given(small_sizes)
def test_feature_coverage_one_hot_is_min_mu(args):
    S, A, H, seed = args
    rng = np.random.default_rng(seed)
    lmdp = one_hot_lmdp(S, A, H, seed)
    mu = random_layers((H, S, A), rng, zeros=0.2)
    res = feature_coverage(lmdp, mu)
    assert res.value == pytest.approx(mu.min(), abs=1e-14)
    np.testing.assert_allclose(res.per_layer, mu.reshape(H, -1).min(axis=1), atol=1e-14)
    np.testing.assert_allclose(res.covariance[0], np.diag(mu[0].reshape(-1)), atol=0)
    # relative condition number with one-hot features = C*
    pi = random_policy(H, S, A, rng)
    full = random_layers((H, S, A), rng)  # full support
    rcn = relative_condition_number(lmdp, pi, full)
    cstar = concentrability_from_occupancies(occupancy_measure(lmdp.to_tabular(), pi), full)
    assert rcn.value == pytest.approx(cstar.value, rel=1e-9)


@FAST
@given(
    st.tuples(
        st.integers(2, 5),
        st.integers(1, 3),
        st.integers(1, 3),
        st.integers(1, 4),
        st.integers(0, 10_000),
    )
)
def test_relative_condition_number_properties(args):
    S, A, H, d, seed = args
    rng = np.random.default_rng(seed)
    lmdp = random_feature_lmdp(S, A, H, d, seed)
    pi, b = random_policy(H, S, A, rng), random_policy(H, S, A, rng)
    same = relative_condition_number(lmdp, pi, behavior_policy=pi)
    np.testing.assert_allclose(same.per_layer, 1.0, rtol=1e-8)
    res = relative_condition_number(lmdp, pi, behavior_policy=b)
    tab = lmdp.to_tabular()
    cstar = concentrability(tab, pi, b).value
    # Sigma^pi <= C* Sigma^b in the PSD order, hence kappa <= C*
    assert res.value <= cstar * (1 + 1e-8)
    # simplex features: x = (1, ..., 1) gives x^T Sigma x = 1 for both, so kappa >= 1
    assert res.value >= 1 - 1e-8
    fc = feature_coverage_of_policy(lmdp, b)
    np.testing.assert_allclose(
        fc.covariance, feature_covariance(lmdp, occupancy_measure(tab, b)), atol=1e-15
    )
    assert fc.value >= -1e-12


def test_relative_condition_inf_when_direction_uncovered():
    T = np.diag([1.0, 1.0])
    D = np.diag([1.0, 0.0])
    assert relative_condition_from_covariances(T, D) == np.inf
    assert relative_condition_from_covariances(np.diag([2.0, 0.0]), D) == pytest.approx(2.0)
    assert relative_condition_from_covariances(np.zeros((2, 2)), np.zeros((2, 2))) == 0.0
    assert relative_condition_from_covariances(T, np.zeros((2, 2))) == np.inf
    # a rotated example: sup_x x^T T x / x^T D x is the top generalised eigenvalue
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    T, D = X @ X.T, Y @ Y.T + 0.1 * np.eye(3)
    L = np.linalg.cholesky(D)
    Li = np.linalg.inv(L)
    expected = np.linalg.eigvalsh(Li @ T @ Li.T)[-1]
    assert relative_condition_from_covariances(T, D) == pytest.approx(expected, rel=1e-10)
    # one-hot LMDP: behaviour never plays an action the target plays -> inf
    lmdp = one_hot_lmdp(3, 2, 2, seed=4)
    pi = np.full((2, 3, 2), 0.5)
    never_1 = np.zeros((2, 3), dtype=int)
    assert relative_condition_number(lmdp, pi, behavior_policy=never_1).value == np.inf


def test_linear_validation_errors():
    lmdp = one_hot_lmdp(3, 2, 2, seed=0)
    with pytest.raises(ValueError, match="mu has shape"):
        feature_coverage(lmdp, np.full((3, 3, 2), 1 / 6))
    with pytest.raises(ValueError, match="sums to"):
        feature_coverage(lmdp, np.full((2, 3, 2), 0.5))
    with pytest.raises(ValueError, match="exactly one"):
        relative_condition_number(lmdp, np.zeros((2, 3), int))
    with pytest.raises(ValueError, match="exactly one"):
        relative_condition_number(
            lmdp, np.zeros((2, 3), int), np.full((2, 3, 2), 1 / 6), behavior_policy=np.zeros(3, int)
        )
    with pytest.raises(TypeError, match="LinearMDP"):
        feature_coverage(random_mdp(3, 2, 2, 0), np.full((2, 3, 2), 1 / 6))
    with pytest.raises(ValueError, match="square"):
        relative_condition_from_covariances(np.eye(2), np.eye(3))
