"""GLOW and GOLF on finite classes (mdplab.algorithms.density_ratio).

Exact answers: the needle family's closed forms (spec glow_coverability.md claims 8, 9, 13,
14, derived there and re-derived in the docstrings below), the kernel against its numpy
reference, the tuple statistics against a per-tuple loop.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mdplab import FiniteHorizonMDP
from mdplab.algorithms.density_ratio import (
    TupleStatistics,
    ValueClass,
    code_class,
    excess_losses,
    glow,
    glow_burn_in,
    glow_constants,
    glow_log,
    glow_population,
    glow_population_bound,
    golf,
    golf_beta,
    golf_population,
    golf_population_bound,
    max_return,
    needle_class,
    optimal_q,
    path_weights,
    perturbed_model_class,
    reward_scale,
)
from mdplab.envs import block_lock, random_tabular, rich_lock
from mdplab.kernels.glow import glow_constraints
from mdplab.kernels.glow_reference import glow_constraints_ref


# ---------------------------------------------------------------------- kernel
@pytest.mark.parametrize("n,m,H,Z", [(1, 1, 1, 1), (5, 7, 3, 4), (33, 66, 4, 64)])
def test_constraint_kernel_matches_numpy(n, m, H, Z):
    g = np.random.default_rng(n + m)
    X = g.normal(size=(n, H, Z))
    Y = g.random((H, Z))
    Wt = np.minimum(g.exponential(size=(m, H, Z)) * (g.random((m, H, Z)) < 0.8), 3.0)
    for alpha in (0.0, 0.5, 8.0):
        np.testing.assert_allclose(glow_constraints(X, Y, Wt, alpha),
                                   glow_constraints_ref(X, Y, Wt, alpha), rtol=1e-12,
                                   atol=1e-12)
    # written out for one entry: max over weights of <X, w> - alpha <Y, w^2>
    i, h = n - 1, H - 1
    want = max(X[i, h] @ Wt[j, h] - 0.5 * (Y[h] @ Wt[j, h] ** 2) for j in range(m))
    assert glow_constraints(X, Y, Wt, 0.5)[i, h] == pytest.approx(want, abs=1e-12)


# ---------------------------------------------------------------------- classes
def test_reward_scale_and_max_return():
    lock = block_lock(k=4, m=2, A=2, H=3)
    assert max_return(lock) == 0.5 and reward_scale(lock) == 1.0
    # two steps of reward 0.8 on a chain: 1.6 > 1, so 1/H
    chain = FiniteHorizonMDP(np.array([[[0.0, 1.0]], [[0.0, 1.0]]]), np.full((2, 1), 0.8), H=2)
    assert max_return(chain) == pytest.approx(1.6) and reward_scale(chain) == 0.5
    np.testing.assert_allclose(optimal_q(chain), 0.5 * np.array([[[1.6], [1.6]], [[0.8], [0.8]]]))


def test_needle_residuals_are_the_closed_form():
    """A wrong needle: Bellman error +1 at its own target cell (layer H-1), -r* at the true
    target cell, 0 elsewhere; Q*: zero everywhere (spec Sec. 7.1)."""
    k, m, A, H = 4, 2, 2, 3
    mdp = block_lock(k=k, m=m, A=A, H=H, r_star=0.5)
    F = needle_class(mdp, m)
    assert len(F) == k * A + 1 and F.truth == k * A and F.names[-1] == "Q*"
    D = F.bellman_residuals(mdp)
    np.testing.assert_allclose(D[F.truth], 0.0, atol=1e-15)
    z_star, a_star = k - 1, A - 1
    for j in range(k * A):
        z, a = divmod(j, A)
        want = np.zeros((H, k * m, A))
        want[H - 1, z * m:(z + 1) * m, a] += 1.0
        want[H - 1, z_star * m:(z_star + 1) * m, a_star] -= 0.5
        np.testing.assert_allclose(D[j], want, atol=1e-15)
    assert np.all(F.initial_values(mdp.rho)[:-1] == 1.0)
    assert F.initial_values(mdp.rho)[-1] == pytest.approx(0.5)
    padded = needle_class(mdp, m, size=20)
    assert len(padded) == 20 and padded.truth == 19
    np.testing.assert_allclose(padded.values[k * A], 0.25 * padded.values[0])
    np.testing.assert_allclose(padded.values[2 * k * A], 0.25 * 0.999 * padded.values[0])


def test_code_class_and_perturbed_class():
    lock = rich_lock(H=3, A=2, m=1, code=np.array([1, 0, 1]))
    F = code_class(lock)
    assert len(F) == 2 ** 3 + 1 and F.names[5] == "code(101)"
    # the true code's member has the truth's greedy policy on the good block
    np.testing.assert_array_equal(F.policies[5][:, 0], F.policies[F.truth][:, 0])
    mdp = random_tabular(S=4, A=2, H=3, seed=2)
    R1 = perturbed_model_class(mdp, 15, rng=0)
    assert len(R1) == 16 and R1.truth == 15 and R1.reward_scale == reward_scale(mdp)
    np.testing.assert_allclose(R1.bellman_residuals(mdp)[15], 0.0, atol=1e-14)
    assert R1.values.min() >= 0 and R1.values.max() <= 1
    again = perturbed_model_class(mdp, 15, rng=0)
    np.testing.assert_array_equal(again.values, R1.values)


def test_value_class_rejects_bad_input():
    good = np.zeros((2, 1, 2, 2))
    with pytest.raises(ValueError, match=r"values must have 4 dimensions"):
        ValueClass(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"values\[1, 0, 1, 0\] is 1.5; members must lie in "
                                         r"\[0, 1\]"):
        bad = good.copy()
        bad[1, 0, 1, 0] = 1.5
        ValueClass(bad)
    with pytest.raises(ValueError, match="names must be 2 strings"):
        ValueClass(good, names=("a",))
    with pytest.raises(ValueError, match="truth is 2; must be <= 1"):
        ValueClass(good, truth=2)
    with pytest.raises(TypeError, match="truth must be an integer"):
        ValueClass(good, truth=0.5)
    with pytest.raises(ValueError, match="reward_scale is 0"):
        ValueClass(good, reward_scale=0.0)
    F = ValueClass(good, truth=0)
    assert F.names == ("f0", "f1") and F.shape == (1, 2, 2)
    with pytest.raises(TypeError, match="needle_class needs a FiniteHorizonMDP"):
        needle_class(np.zeros(3), 1)
    with pytest.raises(ValueError, match="m is 3; it must divide S = 8"):
        needle_class(block_lock(k=4, m=2, A=2, H=3), 3)


def test_distinct_policies_keep_first_appearance():
    v = np.zeros((4, 1, 1, 2))
    v[0, 0, 0] = [0, 1]
    v[1, 0, 0] = [1, 0]
    v[2, 0, 0] = [0, 0.5]
    v[3, 0, 0] = [0.2, 0.1]
    Pi, idx = ValueClass(v).distinct_policies()
    np.testing.assert_array_equal(Pi[:, 0, 0], [1, 0])
    np.testing.assert_array_equal(idx, [0, 1, 0, 1])


# ---------------------------------------------------------------------- statistics
def test_tuple_statistics_against_a_per_tuple_loop():
    mdp = random_tabular(S=3, A=2, H=3, seed=4)
    F = perturbed_model_class(mdp, 4, rng=1)
    g = np.random.default_rng(0)
    K, H, S, A = 7, 3, 3, 2
    states = g.integers(S, size=(K, H + 1))
    actions = g.integers(A, size=(K, H))
    rewards = g.random((K, H))
    st = TupleStatistics(H, S, A, squares=True)
    st.add_episodes(states, actions, rewards, 0.5)
    E = st.residual_sums(F.values, F.next_values())
    want = np.zeros_like(E)
    for i in range(len(F)):
        f = F.values[i]
        for k in range(K):
            for h in range(H):
                s, a, s2 = states[k, h], actions[k, h], states[k, h + 1]
                nxt = f[h + 1, s2].max() if h + 1 < H else 0.0
                want[i, h, s, a] += f[h, s, a] - 0.5 * rewards[k, h] - nxt
    np.testing.assert_allclose(E, want, atol=1e-12)
    # GOLF's excess losses from the sums of squares equal the per-tuple losses
    X = excess_losses(st, F.values, F.next_values())
    for h in range(H):
        loss = np.zeros((len(F), len(F)))
        for gi in range(len(F)):
            for fi in range(len(F)):
                for k in range(K):
                    s, a, s2 = states[k, h], actions[k, h], states[k, h + 1]
                    nxt = F.values[fi, h + 1, s2].max() if h + 1 < H else 0.0
                    loss[gi, fi] += (F.values[gi, h, s, a] - 0.5 * rewards[k, h] - nxt) ** 2
        np.testing.assert_allclose(X[:, h], np.diag(loss) - loss.min(axis=0), atol=1e-10)


# ---------------------------------------------------------------------- constants
def test_glow_constants_are_the_papers():
    L = glow_log(33, 66, 200, 4, 0.1)
    assert L == pytest.approx(math.log(6 * 33 * 66 * 200 * 4 / 0.1))
    assert L == pytest.approx(18.465118593382932, abs=1e-12)   # the spec's claim-13 value
    g_t, alpha, beta = glow_constants(5, 0.5, 3000, L, kappa=2.0)
    assert g_t == 2.5 and alpha == 8 / 2.5
    assert beta == pytest.approx(2.0 * 36 * 2.5 * L / (3000 * 4))
    assert glow_burn_in(3000, L) == 1 + math.floor(1152 * L / 3000) == 8
    assert golf_beta(400, 4, 33, 0.1) == pytest.approx(math.log(400 * 4 * 33 / 0.1))
    for bad, match in (((1, 1.0, 3, L), "t is 1; must be >= 2"),
                       ((3, 0.0, 3, L), "gamma is 0"), ((3, 1.0, 0, L), "K is 0")):
        with pytest.raises(ValueError, match=match):
            glow_constants(*bad)


def test_path_weights_follow_the_ratio_convention():
    D = np.array([[[[0.5, 0.5]]], [[[1.0, 0.0]]]])        # (2, 1, 1, 2)
    dbar = np.array([[[1.0, 0.0]]])
    W = path_weights(D, dbar, 3)
    np.testing.assert_array_equal(W[0], [[[0.5, np.inf]]])         # x/0 = inf
    np.testing.assert_array_equal(W[1], [[[1.0, 0.0]]])            # 0/0 = 0
    np.testing.assert_allclose(W[2], [[[0.5 / (2.5 / 3), 1.0 * 3]]])   # mix: ((t-1) dbar + d)/t
    np.testing.assert_allclose(W[3], [[[1.0, 0.0]]])


# ---------------------------------------------------------------------- closed forms
@pytest.mark.parametrize("gamma", [1.0, 0.5, 0.25])
@pytest.mark.parametrize("k,m", [(1, 1), (2, 2), (4, 1), (4, 4)])
def test_population_glow_needles_closed_form(gamma, k, m):
    """Claim 8: each wrong needle played 8/gamma times, the true-target needle 16/gamma
    (= 8/(gamma (1 - r*))), Reg = r* (8/gamma)(kA - 1) = (4/gamma)(2k - 1), any m.
    Derivation: the mix weight of a needle played n times gives the constraint value
    (n/(t-1))(t/(n+1))(Delta - 8/(gamma (n+1))), positive iff n + 1 > 8/(gamma Delta)."""
    b = int(round(math.log2(k)))
    mdp = block_lock(k=k, m=m, A=2, H=max(3, b + 1), r_star=0.5)
    F = needle_class(mdp, m)
    T = int((8 / gamma) * (2 * k - 1) + 16 / gamma + 1) + 3
    res = glow_population(mdp, F, T=T, gamma=gamma)
    plays = res.plays
    true_needle = (k - 1) * 2 + 1
    wrong = [j for j in range(2 * k) if j != true_needle]
    assert all(plays[j] == 8 / gamma for j in wrong)
    assert plays[true_needle] == 16 / gamma
    assert res.total_regret == pytest.approx((4 / gamma) * (2 * k - 1), abs=1e-9)
    assert res.truth_alive.all() and not res.fallback.any()
    assert res.coverability == pytest.approx(2 * k)
    per, total = glow_population_bound(res)
    assert np.all(res.regret[1:] <= per[1:] + 1e-9) and res.total_regret <= total


def test_equal_states_different_coverability():
    """Claim 9 at S = 32 (two of the six cells): |F| = 129 fixed, GLOW Reg = 4(2k-1),
    GOLF Reg = (2k-1)/2."""
    for k, m in ((2, 16), (8, 4)):
        mdp = block_lock(k=k, m=m, A=2, H=6, r_star=0.5)
        F = needle_class(mdp, m, size=129)
        assert len(F) == 129
        assert glow_population(mdp, F, T=600).total_regret == pytest.approx(4 * (2 * k - 1))
        g = golf_population(mdp, F, T=600)
        assert g.total_regret == pytest.approx((2 * k - 1) / 2)
        assert g.total_regret <= golf_population_bound(g) + 1e-9


def test_population_regret_does_not_depend_on_the_block_size():
    """Claim 10: the per-iteration regret sequence is identical across m."""
    seqs = []
    for m in (1, 2, 4):
        mdp = block_lock(k=4, m=m, A=2, H=3, r_star=0.5)
        seqs.append(glow_population(mdp, needle_class(mdp, m), T=80).regret)
    np.testing.assert_allclose(seqs[1], seqs[0], atol=1e-12)
    np.testing.assert_allclose(seqs[2], seqs[0], atol=1e-12)


def test_sampled_glow_and_golf_on_needles():
    """Claims 13-14 (one seed): GLOW with K = 3000, T = 200, |F| = 33 plays each wrong
    needle 10 times (Reg = 5(2k-1)); nothing is eliminated before the burn-in iteration;
    GOLF with T = 400 single episodes plays each wrong needle floor(beta) + 1 = 14 times."""
    k, m = 2, 2
    mdp = block_lock(k=k, m=m, A=2, H=4, r_star=0.5)
    F = needle_class(mdp, m, size=33)
    res = glow(mdp, F, T=200, K=3000, gamma=1.0, rng=0)
    assert res.params["L"] == pytest.approx(18.465118593382932)
    assert res.total_regret == pytest.approx(5 * (2 * k - 1))
    assert res.truth_alive.all() and not res.fallback.any()
    burn = glow_burn_in(3000, res.params["L"])
    assert res.alive[:burn].all() and not res.alive[burn:].all()
    assert np.all(res.constraint[1:burn] <= res.radius[1:burn, None, None])
    gf = golf(mdp, F, T=400, rng=0)
    beta = gf.params["beta"]
    assert beta == pytest.approx(13.176851562688398)
    wrong = [j for j in range(2 * k) if j != 2 * k - 1]
    assert all(gf.plays[j] == math.floor(beta) + 1 for j in wrong)
    assert gf.total_regret == pytest.approx(7 * (2 * k - 1)) and gf.truth_alive.all()


def test_runs_reject_bad_arguments():
    mdp = block_lock(k=2, m=1, A=2, H=3)
    F = needle_class(mdp, 1)
    with pytest.raises(TypeError, match="F must be a ValueClass"):
        glow_population(mdp, F.values, T=3)
    with pytest.raises(TypeError, match="mdp must be a FiniteHorizonMDP"):
        glow_population(None, F, T=3)
    with pytest.raises(ValueError, match="the model has"):
        glow_population(block_lock(k=4, m=1, A=2, H=3), F, T=3)
    with pytest.raises(ValueError, match=r"order must be a permutation of range\(5\)"):
        glow_population(mdp, F, T=3, order=[0, 1, 2, 3, 3])
    with pytest.raises(ValueError, match="T is 0"):
        glow(mdp, F, T=0, K=1)
    with pytest.raises(ValueError, match="gamma is -1"):
        glow(mdp, F, T=2, K=1, gamma=-1.0)
    with pytest.raises(ValueError, match="delta is 1"):
        glow(mdp, F, T=2, K=1, delta=1.0)
    with pytest.raises(ValueError, match="beta is -1"):
        golf_population(mdp, F, T=2, beta=-1.0)
    with pytest.raises(ValueError, match="glow_population_bound is for glow_population"):
        glow_population_bound(golf_population(mdp, F, T=2))


# ---------------------------------------------------------------------- HyGLOW
def test_mabo_kernel_matches_numpy():
    from mdplab.kernels.glow import mabo_objective
    from mdplab.kernels.glow_reference import mabo_objective_ref

    g = np.random.default_rng(9)
    for n, m, H, Z in ((1, 1, 1, 1), (6, 9, 3, 5), (20, 30, 4, 16)):
        X = g.normal(size=(n, H, Z))
        Y = g.random((H, Z))
        Wt = g.exponential(size=(m, H, Z))
        np.testing.assert_allclose(mabo_objective(X, Y, Wt, 0.3),
                                   mabo_objective_ref(X, Y, Wt, 0.3), rtol=1e-12, atol=1e-12)
    # by hand for one member: g = |x.w| - alpha y.w^2, obj = max(max_w sum_h g, max_{w,h} g)
    X = np.array([[[1.0], [-2.0]]])
    Y = np.ones((2, 1))
    Wt = np.array([[[1.0], [1.0]]])
    # g = (1 - 0.5, 2 - 0.5) = (0.5, 1.5): sum 2.0 beats the single layers
    assert mabo_objective(X, Y, Wt, 0.5)[0] == pytest.approx(2.0)
    Wt2 = np.array([[[1.0], [0.0]]])
    # g = (0.5, 0): single layer 0.5 = sum 0.5
    assert mabo_objective(X, Y, Wt2, 0.5)[0] == pytest.approx(0.5)


def test_hyglow_with_good_offline_data_closed_form():
    """Claim 16 (k = 2, 4; m = 1): nu = d^pi* gives Reg = 16 with pi* from t = 33 on; nu = the
    uniform policy's occupancy gives Reg = 9 (k = 2) and 27 (k = 4)."""
    from mdplab.algorithms.density_ratio import hyglow_population, hyglow_population_bound
    from mdplab.planning import backward_induction, occupancy_measure

    for k, want in ((2, 9.0), (4, 27.0)):
        lock = block_lock(k=k, m=1, A=2, H=4, r_star=0.5)
        F = needle_class(lock, 1)
        d_star = occupancy_measure(lock, backward_induction(lock).policy)
        a = hyglow_population(lock, F, T=100, nu=d_star)
        assert a.total_regret == pytest.approx(16.0)
        assert np.all(a.regret[32:] == 0) and a.regret[31] > 0
        assert np.all(a.objective[1:, F.truth] <= 1e-12)          # obj(Q*) <= 0
        per = hyglow_population_bound(a, lock)
        assert np.isnan(per[0]) and np.all(a.regret[1:] <= per[1:])
        unif = occupancy_measure(lock, np.full((4, k, 2), 0.5))
        assert hyglow_population(lock, F, T=100, nu=unif).total_regret == pytest.approx(want)


def test_sampled_hyglow_and_offline_tuples():
    from mdplab.algorithms.density_ratio import hyglow, offline_tuples
    from mdplab.planning import backward_induction, occupancy_measure

    lock = block_lock(k=2, m=2, A=2, H=3, r_star=0.5)
    d_star = occupancy_measure(lock, backward_induction(lock).policy)
    off = offline_tuples(lock, d_star, 4000, rng=0)
    assert off["s"].shape == (4000, 3)
    # (s, a) frequencies follow nu; next states follow P; rewards are Bernoulli(r)
    freq = np.zeros((3, 4, 2))
    np.add.at(freq, (np.broadcast_to(np.arange(3), (4000, 3)), off["s"], off["a"]), 1 / 4000)
    assert np.abs(freq - d_star).max() < 0.03
    last = off["r"][:, 2]
    assert set(np.unique(last)) <= {0.0, 1.0} and abs(last.mean() - 0.5) < 0.03
    assert np.all(lock.P[0][off["s"][:, 0], off["a"][:, 0], off["s_next"][:, 0]] > 0)
    F = needle_class(lock, 2)
    res = hyglow(lock, F, T=60, nu=d_star, rng=1)
    assert res.algorithm == "hyglow" and res.T == 60 and res.chosen[0] == 0
    again = hyglow(lock, F, T=60, nu=d_star, rng=1)
    np.testing.assert_array_equal(res.chosen, again.chosen)
    with pytest.raises(ValueError, match=r"nu\[0\] sums to 2.000000"):
        hyglow(lock, F, T=5, nu=2 * d_star)
    with pytest.raises(ValueError, match=r"nu must have 3 dimensions, got shape \(3, 4\)"):
        hyglow(lock, F, T=5, nu=d_star[..., 0])
    with pytest.raises(ValueError, match=r"nu has shape \(2, 4, 2\); expected"):
        hyglow(lock, F, T=5, nu=d_star[:2])


# ---------------------------------------------------------------------- potentials
def test_potential_sums_and_their_bounds():
    from mdplab.coverage import (
        coverability,
        coverability_potential_bound,
        elliptic_potential,
        potential_increments,
    )
    from mdplab.planning import occupancy_measure

    d = np.array([[[0.5, 0.5]], [[1.0, 0.0]], [[0.0, 1.0]]])       # (T=3, S=1, A=2)
    # Phi by hand: t=1: (0.25/0.5)*2 = 1; t=2: 1/1.5; t=3: 1/1.5
    np.testing.assert_allclose(potential_increments(d), [1.0, 1 / 1.5, 1 / 1.5])
    # elliptic with C mu = (1, 1): z=0: 0.5/1 + 1/1.5 + 0 ; z=1: 0.5/1 + 0 + 1/1.5
    np.testing.assert_allclose(elliptic_potential(d, np.array([[0.5, 0.5]]), 2.0),
                               [[0.5 + 1 / 1.5, 0.5 + 1 / 1.5]])
    assert coverability_potential_bound(2.0, 1) == pytest.approx(2.0 * (1 + 4 * math.log(2)))
    # at T = 1 the left side is 1 (a distribution), above the printed 5 C log 1 = 0
    mdp = random_tabular(S=3, A=2, H=2, seed=0)
    cov = coverability(mdp)
    g = np.random.default_rng(0)
    seq = np.stack([occupancy_measure(mdp, g.dirichlet(np.ones(2), size=(2, 3)))
                    for _ in range(40)])
    phi = potential_increments(seq)
    assert phi.shape == (40, 2) and np.allclose(phi[0], 1.0)
    for h in range(2):
        assert phi[:, h].sum() <= coverability_potential_bound(cov.per_layer[h], 40)
        ell = elliptic_potential(seq[:, h], cov.mu_star[h], cov.per_layer[h])
        assert ell.max() <= 2 * math.log(41)
    with pytest.raises(ValueError, match=r"occupancies\[0, 0, 1\] is -1"):
        potential_increments(np.array([[[0.0, -1.0]]]))
    with pytest.raises(ValueError, match="mu has shape"):
        elliptic_potential(d, np.ones(3), 1.0)


def test_explicit_regret_bound_is_vacuous_until_1e12():
    """The explicit-constant form of Lemma E.4 (derived) at C_cov = 8, H = 4, |F| = 64,
    |W| = 128, delta = 0.1, K = 1, minimised over gamma: bound / T = 1637, 218, 27, 3.2, 0.37
    for T = 1e4 ... 1e12 (the library's plan's values), written out by hand at T = 1e4."""
    from mdplab.algorithms.density_ratio import (
        glow_explicit_regret_bound,
        glow_theorem_parameters,
    )

    want = {10**4: 1637, 10**6: 218, 10**8: 27.1, 10**10: 3.23, 10**12: 0.375}
    for T, ratio in want.items():
        b = glow_explicit_regret_bound(T, 1, 8.0, 4, 64, 128, 0.1)
        assert float(b) / T == pytest.approx(ratio, rel=2e-3)
        assert b.vacuous == (ratio >= 1)
    T = 10**4
    L = math.log(6 * 64 * 128 * T * 4 / 0.1)
    a = 81 * 8 * (1 + 4 * math.log(1 + T))
    bb = 720 * T * L + (1 + math.log(T)) / 80
    by_hand = 1 + 2 * math.sqrt(8 * L * T) + 4 * 2 * math.sqrt(a * bb)
    assert float(glow_explicit_regret_bound(T, 1, 8.0, 4, 64, 128, 0.1)) == pytest.approx(by_hand)
    g = math.sqrt(a / bb)
    assert float(glow_explicit_regret_bound(T, 1, 8.0, 4, 64, 128, 0.1, gamma=g)) == (
        pytest.approx(by_hand))
    assert float(glow_explicit_regret_bound(T, 1, 8.0, 4, 64, 128, 0.1, gamma=10 * g)) > by_hand
    p = glow_theorem_parameters(8.0, 1000, 64, 128, 4, 0.1)
    assert p["K"] == 1
    assert p["gamma"] == pytest.approx(math.sqrt(8 / (1000 * math.log(64 * 128 / 0.1))))
    q = glow_theorem_parameters(8.0, 1000, 64, 128, 4, 0.1, pure=True)
    assert q["gamma"] == pytest.approx(math.sqrt(8 / 1000))
    assert q["K"] == math.ceil(2 * 1000 * math.log(6 * 64 * 128 * 4 * 1000 / 0.1))


def test_realised_sec_by_hand():
    from mdplab.coverage import realised_sec_sum

    d = np.array([[[1.0, 0.0]], [[0.5, 0.5]]])              # (T=2, S=1, A=2)
    delta = np.array([[[0.5, -1.0]], [[1.0, 1.0]]])
    # t=1: (0.5)^2 / max(1, 0) = 0.25; t=2: (1)^2 / max(1, 1*1 + 0) = 1
    assert realised_sec_sum(d, delta) == pytest.approx(1.25)
    assert realised_sec_sum(d, delta, lam=4.0) == pytest.approx(0.25 / 4 + 1 / 4)
    with pytest.raises(ValueError, match="residuals has shape"):
        realised_sec_sum(d, delta[:1])


def test_distractor_and_policy_evaluation_classes_and_pair_weights():
    from mdplab.algorithms.density_ratio import (
        optimistic_distractor_class,
        pair_weights,
        policy_evaluation_class,
    )
    from mdplab.planning import evaluate_policy

    mdp = random_tabular(S=4, A=2, H=3, seed=6)
    scale = reward_scale(mdp)
    R2 = optimistic_distractor_class(mdp, 6, bonus=0.2, density=0.3, rng=0)
    Q = optimal_q(mdp)
    assert len(R2) == 7 and R2.truth == 6
    diff = R2.values[:6] - Q[None]
    assert np.all(diff >= -1e-15)                               # optimistic
    raised = diff > 1e-12                                     # + bonus, unless clipped at 1
    assert raised.any()
    assert np.all(np.isclose(diff[raised], 0.2) | np.isclose(R2.values[:6][raised], 1.0))
    assert np.all(R2.values <= 1.0)
    assert np.all(R2.initial_values(mdp.rho)[:6] >= R2.initial_values(mdp.rho)[6] - 1e-15)
    R5 = policy_evaluation_class(mdp, 5, rng=1)
    g = np.random.default_rng(1)
    for j in range(5):
        pi = g.integers(2, size=(3, 4))
        np.testing.assert_allclose(R5.values[j], scale * evaluate_policy(mdp, pi).Q)
    np.testing.assert_allclose(R5.bellman_residuals(mdp)[5], 0.0, atol=1e-14)
    # W-pair: row i p + j is d_i / d_j with the ratio convention
    D = np.array([[[[0.5, 0.5]]], [[[1.0, 0.0]]]])
    W = pair_weights(D)
    assert W.shape == (4, 1, 1, 2)
    np.testing.assert_array_equal(W[0], [[[1.0, 1.0]]])
    np.testing.assert_array_equal(W[1], [[[0.5, np.inf]]])
    np.testing.assert_array_equal(W[2], [[[2.0, 0.0]]])
    np.testing.assert_array_equal(W[3], [[[1.0, 0.0]]])


def test_sampled_runs_are_reproducible_from_the_seed():
    lock = block_lock(k=2, m=2, A=2, H=3, r_star=0.5)
    F = needle_class(lock, 2, size=10)
    a = glow(lock, F, T=30, K=200, rng=3)
    b = glow(lock, F, T=30, K=200, rng=3)
    np.testing.assert_array_equal(a.chosen, b.chosen)
    np.testing.assert_array_equal(a.constraint, b.constraint)
    c = golf(lock, F, T=40, rng=np.random.default_rng(5))
    d = golf(lock, F, T=40, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(c.constraint, d.constraint)
    assert a.params["K"] == 200 and a.params["weights"] == "path"
    assert repr(a).startswith("OptimismResult(glow, T=30, |F|=10")


def test_h2o_risk_bound_written_out():
    from mdplab.algorithms.density_ratio import h2o_risk_bound, mabo_constants

    a, b = mabo_constants(0.5, 4, 33, 66, 0.1)
    assert a == 80.0 and b == pytest.approx(56 * 16 * 0.5 * math.log(24 * 33 * 66 * 16 / 0.1))
    T = 1000
    want = (4 * a / T) * (6 * 2.0 * math.log(T) + 4 * 8.0 * (0.5 + 10 * math.log(T) + 1)) + 4 * b
    bound = h2o_risk_bound(T, 4, 8.0, 2.0, 0.5, 33, 66, 0.1)
    assert float(bound) == pytest.approx(want) and bound.vacuous
    with pytest.raises(ValueError, match="T is 1; must be >= 2"):
        h2o_risk_bound(1, 4, 8.0, 2.0, 0.5, 33, 66, 0.1)
    with pytest.raises(ValueError, match="C_star is 0.5"):
        h2o_risk_bound(10, 4, 8.0, 0.5, 0.5, 33, 66, 0.1)


# ---------------------------------------------------------------------- argument names
def _good_calls():
    from mdplab.algorithms.density_ratio import (
        glow_explicit_regret_bound,
        glow_theorem_parameters,
        h2o_risk_bound,
        hyglow,
        hyglow_population,
        mabo_constants,
        optimistic_distractor_class,
        policy_evaluation_class,
    )
    from mdplab.coverage import coverability_potential_bound, elliptic_potential, realised_sec_sum

    lock = block_lock(k=2, m=1, A=2, H=3)
    F = needle_class(lock, 1)
    nu = np.full((3, 2, 2), 0.25)
    d = np.full((3, 1, 2), 0.5)
    mdp = random_tabular(S=3, A=2, H=2, seed=0)
    return [
        (glow_log, dict(n_f=3, w_count=6, T=10, H=3, delta=0.1)),
        (glow_constants, dict(t=3, gamma=1.0, K=2, L=5.0, kappa=1.0)),
        (glow_burn_in, dict(K=2, L=5.0, kappa=1.0)),
        (glow_theorem_parameters, dict(C_cov=4.0, T=10, n_f=3, n_w=6, H=3, delta=0.1)),
        (glow_explicit_regret_bound, dict(T=10, K=1, C_cov=4.0, H=3, n_f=3, n_w=6, delta=0.1,
                                          gamma=0.5)),
        (golf_beta, dict(T=10, H=3, n_f=3, delta=0.1, c=1.0)),
        (mabo_constants, dict(gamma=1.0, H=3, n_f=3, n_w=6, delta=0.1)),
        (h2o_risk_bound, dict(T=10, H=3, C_cov=4.0, C_star=2.0, gamma=1.0, n_f=3, n_w=6,
                              delta=0.1)),
        (coverability_potential_bound, dict(C=2.0, T=5)),
        (lambda **kw: elliptic_potential(d, np.full((1, 2), 0.5), **kw), dict(C=2.0)),
        (lambda **kw: realised_sec_sum(d, d, **kw), dict(lam=1.0)),
        (lambda **kw: glow(lock, F, **kw), dict(T=2, K=1, gamma=1.0, delta=0.1, w_count=4,
                                                kappa=1.0)),
        (lambda **kw: glow_population(lock, F, **kw), dict(T=2, gamma=1.0, beta=0.0)),
        (lambda **kw: golf(lock, F, **kw), dict(T=2, K=1, beta=1.0)),
        (lambda **kw: golf(lock, F, T=2, **kw), dict(c=1.0, delta=0.1)),
        (lambda **kw: golf_population(lock, F, **kw), dict(T=2, beta=0.0)),
        (lambda **kw: hyglow(lock, F, nu=nu, **kw), dict(T=2, gamma=1.0)),
        (lambda **kw: hyglow_population(lock, F, nu=nu, **kw), dict(T=2, gamma=1.0)),
        (lambda **kw: needle_class(lock, **kw), dict(m=1, size=6)),
        (lambda **kw: perturbed_model_class(mdp, **kw), dict(n=2)),
        (lambda **kw: optimistic_distractor_class(mdp, **kw), dict(n=2, bonus=0.2,
                                                                   density=0.2)),
        (lambda **kw: policy_evaluation_class(mdp, **kw), dict(n=2)),
    ]


_INTS = {"n_f", "w_count", "T", "H", "t", "K", "n_w", "m", "size", "n"}
_BAD_REAL = {"delta": 1.0, "gamma": 0.0, "C_cov": 0.0, "C_star": 0.5, "bonus": 0.0,
             "density": 1.5, "L": -1.0, "kappa": -1.0, "c": -1.0, "C": -1.0, "beta": -1.0,
             "lam": 0.0}


@pytest.mark.parametrize("index", range(22))
def test_every_argument_is_named_in_its_error(index):
    """Each argument of each public function refuses a bad value with a message that starts
    with the argument's name (an int given 0 or 1.5, a real out of its range)."""
    fn, kwargs = _good_calls()[index]
    fn(**kwargs)                                            # the good call works
    for name in kwargs:
        bad_values = [0, 1.5] if name in _INTS else [_BAD_REAL[name]]
        for bad in bad_values:
            with pytest.raises((ValueError, TypeError), match=rf"^{name} (is|must)"):
                fn(**dict(kwargs, **{name: bad}))


def test_potentials_edges_and_the_order_of_hyglow():
    from mdplab.algorithms.density_ratio import hyglow, hyglow_population
    from mdplab.coverage import elliptic_potential, realised_sec_sum

    # a cell with zero denominator (never visited, mu = 0) contributes exactly 0
    d = np.array([[[1.0, 0.0]], [[1.0, 0.0]]])
    np.testing.assert_array_equal(elliptic_potential(d, np.array([[1.0, 0.0]]), 0.5),
                                  [[1 / 0.5 + 1 / 1.5, 0.0]])
    # residuals of size 1/2 at t = 2 and a floor below the past mass
    dd = np.array([[[1.0, 0.0]], [[0.5, 0.5]]])
    delta = np.array([[[0.5, -1.0]], [[0.5, 0.5]]])
    # t=1: 0.25 / max(0.5, 0) ; t=2: (0.5)^2 / max(0.5, 1 * 0.25) = 0.25 / 0.5
    assert realised_sec_sum(dd, delta, lam=0.5) == pytest.approx(0.25 / 0.5 + 0.25 / 0.5)
    # t=2 with the past above the floor: 0.25 / max(0.1, 0.25)
    assert realised_sec_sum(dd, delta, lam=0.1) == pytest.approx(0.25 / 0.1 + 0.25 / 0.25)
    assert glow_constants(3, 1.0, 2, 5.0) == glow_constants(3, 1.0, 2, 5.0, kappa=1.0)
    assert glow_constants(3, 1.0, 2, 0.5)[2] == pytest.approx(36 * 3 * 0.5 / (2 * 2))
    assert elliptic_potential(d, np.array([[1.0, 0.0]]), 0.25).shape == (1, 2)
    # HyGLOW plays order[0] at t = 1 and breaks ties by order
    lock = block_lock(k=2, m=1, A=2, H=3, r_star=0.5)
    F = needle_class(lock, 1)
    nu = np.full((3, 2, 2), 0.25)
    order = np.arange(len(F))[::-1]
    for run in (lambda **kw: hyglow_population(lock, F, T=3, nu=nu, **kw),
                lambda **kw: hyglow(lock, F, T=3, nu=nu, rng=0, **kw)):
        assert run(order=order).chosen[0] == len(F) - 1
        assert run().chosen[0] == 0


def test_code_class_sizes_scale_and_guards():
    lock3 = rich_lock(H=2, A=3, m=1, code=np.array([2, 1]))
    F = code_class(lock3)
    assert len(F) == 3 ** 2 + 1 and F.names[7] == "code(21)"
    # the member of code c plays c on the good block (state 0) at every step
    np.testing.assert_array_equal(F.policies[7][:, 0], [2, 1])
    np.testing.assert_array_equal(F.policies[5][:, 0], [1, 2])
    half = code_class(lock3, scale=0.5)
    np.testing.assert_allclose(half.values[-1], 0.5 * F.values[-1])
    np.testing.assert_array_equal(half.values[:-1], F.values[:-1])   # codes have reward 1
    assert len(code_class(rich_lock(H=6, A=2, m=1, seed=0))) == 65
    with pytest.raises(ValueError, match=r"^A\^H = 2\^20 codes; more than 10\^6 members$"):
        code_class(rich_lock(H=20, A=2, m=1, seed=0))
    odd = FiniteHorizonMDP(np.full((3, 2, 3), 1 / 3), np.zeros((3, 2)), H=2)
    with pytest.raises(ValueError, match=r"^S is 3; a rich lock has S = 2m states"):
        code_class(odd)
    with pytest.raises(TypeError, match=r"^code_class needs a FiniteHorizonMDP, got int$"):
        code_class(3)


def test_offline_tuples_follow_the_model_and_the_seed():
    from mdplab.algorithms.density_ratio import offline_tuples

    mdp = random_tabular(S=3, A=2, H=3, seed=9)                 # non-stationary kernel
    nu = np.full((3, 3, 2), 1 / 6)
    a = offline_tuples(mdp, nu, 500, rng=4)
    b = offline_tuples(mdp, nu, 500, rng=np.random.default_rng(4))
    for key in ("s", "a", "r", "s_next"):
        np.testing.assert_array_equal(a[key], b[key])
    for h in range(3):
        assert np.all(mdp.P[h][a["s"][:, h], a["a"][:, h], a["s_next"][:, h]] > 0)
    # next states follow P_h: the frequencies at one busy pair
    s, act = a["s"][:, 0], a["a"][:, 0]
    pick = (s == 0) & (act == 0)
    freq = np.bincount(a["s_next"][pick, 0], minlength=3) / pick.sum()
    assert np.abs(freq - mdp.P[0, 0, 0]).max() < 0.2
    with pytest.raises(TypeError, match=r"^mdp must be a FiniteHorizonMDP, got NoneType$"):
        offline_tuples(None, nu, 3)
    with pytest.raises(ValueError, match=r"^n is -1; must be >= 0$"):
        offline_tuples(mdp, nu, -1)
    lock = block_lock(k=2, m=1, A=2, H=3)
    res = glow_population(lock, needle_class(lock, 1), T=3)
    with pytest.raises(ValueError, match=r"^golf_population_bound is for golf_population runs, "
                                         r"got 'glow-population'$"):
        golf_population_bound(res)


def test_sampled_hyglow_replayed_from_its_seed():
    """Sampled HyGLOW against a replay written from Algorithm 3 and the module docstring:
    the offline tuples are drawn first from the seed, then one episode per iteration; at
    iteration t the data are the first t-1 offline tuples and the t-1 episodes (m = 2(t-1)
    per layer), mu^(t) = (nu + bar d^(t))/2, W = {d^pi / mu^(t)} clipped at gamma t, and the
    objective is MABO.CR's with alpha = 8/(gamma t)."""
    from mdplab.algorithms.density_ratio import hyglow, offline_tuples
    from mdplab.algorithms.density_ratio.protocol import ClassSetup
    from mdplab.kernels.glow_reference import mabo_objective_ref
    from mdplab.sampling import GenerativeModel, rollout

    lock = block_lock(k=2, m=2, A=2, H=3, r_star=0.5)
    F = needle_class(lock, 2)
    nu = np.full((3, 4, 2), 1 / 8)
    T, gamma = 12, 0.5
    res = hyglow(lock, F, T=T, nu=nu, gamma=gamma, rng=21)
    assert res.alive[0].all() and np.isnan(res.objective[0]).all()
    setup = ClassSetup(lock, F, None)
    gen = np.random.default_rng(21)
    off = offline_tuples(lock, nu, T, gen)
    model = GenerativeModel(lock)
    st = TupleStatistics(3, 4, 2)
    dsum = np.zeros((3, 4, 2))
    for t in range(1, T + 1):
        if t >= 2:
            j = t - 2
            st.add_tuples(np.arange(3), off["s"][j], off["a"][j], off["r"][j],
                          off["s_next"][j], 1.0)
            m = 2 * (t - 1)
            mu = 0.5 * (nu + dsum / (t - 1))
            W = np.minimum(setup.D / mu[None], gamma * t).reshape(-1, 3, 8)
            E = st.residual_sums(F.values, F.next_values())
            want = mabo_objective_ref((E / m).reshape(len(F), 3, 8), (st.N / m).reshape(3, 8),
                                      W, 8.0 / (gamma * t))
            np.testing.assert_allclose(res.objective[t - 1], want, rtol=1e-10, atol=1e-12)
            i = int(np.flatnonzero(want <= want.min() + 1e-12)[0])
            assert res.chosen[t - 1] == i
            assert res.alive[t - 1, i] and res.alive[t - 1].sum() == np.sum(
                want <= want.min() + 1e-12)
        pol = setup.policy_of[res.chosen[t - 1]]
        ep = rollout(model, setup.Pi[pol], 1, rng=gen)
        st.add_episodes(ep.states, ep.actions, ep.rewards, 1.0)
        dsum += setup.D[pol]
    assert res.params["gamma"] == gamma and res.params["T"] == T


def test_hyglow_population_bound_written_out():
    from mdplab.algorithms.density_ratio import hyglow_population, hyglow_population_bound
    from mdplab.coverage import clipped_concentrability_cc
    from mdplab.planning import backward_induction, occupancy_measure

    lock = block_lock(k=2, m=1, A=2, H=3, r_star=0.5)
    F = needle_class(lock, 1)
    nu = np.full((3, 2, 2), 0.25)
    res = hyglow_population(lock, F, T=8, nu=nu, gamma=0.5)
    assert res.alive[0].all() and res.chosen[0] == 0
    per = hyglow_population_bound(res, lock)
    d_star = occupancy_measure(lock, backward_induction(lock).policy)
    t = 6
    mu = 0.5 * (nu + res.occupancies[:t - 1].mean(axis=0))
    cc = clipped_concentrability_cc(d_star, mu, 0.5 * t) + clipped_concentrability_cc(
        res.occupancies[t - 1], mu, 0.5 * t)
    assert per[t - 1] == pytest.approx((16 + 4 * res.delta_max) / (0.5 * t) * cc.sum())
    obj = res.objective
    for s in range(1, 8):
        best = obj[s].min()
        np.testing.assert_array_equal(res.alive[s], obj[s] <= best + 1e-12)
    with pytest.raises(ValueError, match="^hyglow_population_bound is for hyglow_population"):
        hyglow_population_bound(glow_population(lock, F, T=2), lock)


def test_value_class_repr():
    lock = block_lock(k=2, m=1, A=2, H=3)
    assert repr(needle_class(lock, 1)) == ("ValueClass(n=5, H=3, S=2, A=2, Q* at 4, "
                                           "reward_scale=1)")
    assert repr(ValueClass(np.zeros((1, 1, 1, 1)), reward_scale=0.25)) == (
        "ValueClass(n=1, H=1, S=1, A=1, no Q*, reward_scale=0.25)")


def test_potential_inputs_are_named():
    from mdplab.coverage import potential_increments

    np.testing.assert_allclose(potential_increments(np.array([[0.5, 0.5], [1.0, 0.0]])),
                               [1.0, 1 / 1.5])                    # (T, Z): one value per t
    with pytest.raises(ValueError, match=r"^occupancies must have 2 or 3 or 4 dimensions, "
                                         r"got shape \(3,\)$"):
        potential_increments(np.ones(3))
    with pytest.raises(ValueError, match=r"^occupancies\[0, 1\] is nan; all entries must be "
                                         r"finite$"):
        potential_increments(np.array([[0.5, np.nan]]))
    with pytest.raises(ValueError, match=r"^occupancies has no rows; pass a sequence of T >= 1 "
                                         r"occupancies$"):
        potential_increments(np.zeros((0, 2, 2)))
