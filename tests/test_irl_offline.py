"""Offline sub- and super-feasible sets: the completion dynamic programme against brute force
over every deterministic completion of the uncovered pairs, the sandwich
R_cap <= R_supp <= R_cup, equality under full coverage, monotonicity in coverage."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mdplab.algorithms.irl import FeasibleRewardSet
from mdplab.algorithms.irl.offline import OfflineFeasibleSets, completion_dp


def _instance(seed, extra=0.3, H=2, S=3, A=2):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(S), size=(H, S, A))
    pi = rng.integers(A, size=(H, S))
    rho = np.zeros(S)
    rho[0] = 1.0
    onehot = np.eye(A)[pi].astype(bool)
    covered = onehot | (rng.random((H, S, A)) < extra)
    return P, pi, rho, covered


def _support(P, pi, rho):
    R = FeasibleRewardSet(P, pi, support="expert", rho=rho)
    return R.constrained, R


def _brute(P, pi, rho, covered, r, tol=1e-9):
    """(in every completion's on-support set, in some completion's)."""
    H, S, A, _ = P.shape
    holes = [(h, s, a) for h in range(H - 1) for s in range(S) for a in range(A)
             if not covered[h, s, a]]
    every, some = True, False
    for choice in itertools.product(range(S), repeat=len(holes)):
        Pc = P.copy()
        for (h, s, a), t in zip(holes, choice, strict=True):
            Pc[h, s, a] = 0.0
            Pc[h, s, a, t] = 1.0
        ok = bool(FeasibleRewardSet(Pc, pi, support="expert", rho=rho).contains(r, tol))
        every &= ok
        some |= ok
    return every, some


@pytest.mark.parametrize("seed", range(12))
def test_completion_dp_equals_brute_force(seed):
    P, pi, rho, covered = _instance(seed)
    sup, R = _support(P, pi, rho)
    sets = OfflineFeasibleSets(P, pi, covered, sup)
    rng = np.random.default_rng(100 + seed)
    rewards = np.concatenate([rng.uniform(-1, 1, (8, 2, 3, 2)),
                              R.sample(6, rng=seed).rewards])
    for r in rewards:
        every, some = _brute(P, pi, rho, covered, r)
        assert sets.in_cap(r) == every
        assert sets.in_cup(r) == some


def test_sandwich_full_coverage_and_monotonicity():
    for seed in range(10):
        P, pi, rho, covered = _instance(seed)
        sup, R = _support(P, pi, rho)
        sets = OfflineFeasibleSets(P, pi, covered, sup)
        full = OfflineFeasibleSets(P, pi, np.ones_like(covered), sup)
        more = covered | (np.random.default_rng(seed).random(covered.shape) < 0.5)
        bigger = OfflineFeasibleSets(P, pi, more, sup)
        rng = np.random.default_rng(seed)
        for r in np.concatenate([rng.uniform(-1, 1, (30, 2, 3, 2)),
                                 R.sample(20, rng=seed).rewards]):
            cap, cup, supp = sets.in_cap(r), sets.in_cup(r), bool(R.contains(r))
            assert (not cap or supp) and (not supp or cup)
            assert full.in_cap(r) == supp == full.in_cup(r)
            assert (not cap or bigger.in_cap(r)) and (not bigger.in_cup(r) or cup)


def test_completion_dp_modes_bracket_the_true_values():
    P, pi, rho, covered = _instance(3)
    r = np.random.default_rng(0).uniform(-1, 1, (2, 3, 2))
    _, V_opt = completion_dp(P, r, covered, "opt")
    _, V_pes = completion_dp(P, r, covered, "pes")
    _, V = completion_dp(P, r, np.ones_like(covered), "opt")
    assert np.all(V_pes <= V + 1e-12) and np.all(V <= V_opt + 1e-12)


def test_errors():
    P, pi, rho, covered = _instance(0)
    sup, _ = _support(P, pi, rho)
    bad = covered.copy()
    bad[0, 0, pi[0, 0]] = False
    with pytest.raises(ValueError, match="is not covered"):
        OfflineFeasibleSets(P, pi, bad, sup)
    with pytest.raises(ValueError, match="deterministic expert"):
        OfflineFeasibleSets(P, np.full((2, 3, 2), 0.5), covered, sup)
    with pytest.raises(ValueError, match="covered has shape"):
        OfflineFeasibleSets(P, pi, covered[0], sup)
    with pytest.raises(ValueError, match="mode"):
        completion_dp(P, np.zeros((2, 3, 2)), covered, "mid")


def test_robust_continuation_equals_its_linear_program():
    """max / min of q . W over the simplex with ||q - q0||_1 <= b, against HiGHS (variables
    q and u >= |q - q0|)."""
    from scipy.optimize import linprog

    from mdplab.algorithms.irl.offline import _robust

    rng = np.random.default_rng(0)
    for _ in range(60):
        S = int(rng.integers(2, 6))
        q0 = rng.dirichlet(np.ones(S))
        W = rng.normal(size=S)
        b = float(rng.uniform(0, 2.5))
        for upper in (True, False):
            c = np.concatenate([-W if upper else W, np.zeros(S)])
            I = np.eye(S)
            A_ub = np.block([[I, -I], [-I, -I], [np.zeros((1, S)), np.ones((1, S))]])
            b_ub = np.concatenate([q0, -q0, [b]])
            A_eq = np.concatenate([np.ones(S), np.zeros(S)])[None]
            res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=[1.0],
                          bounds=[(0, None)] * (2 * S), method="highs")
            want = -res.fun if upper else res.fun
            assert abs(_robust(q0, W, b, upper) - want) < 1e-9


def test_robust_rows_equal_the_loop_reference_with_ties():
    from mdplab.algorithms.irl.offline import _robust, _robust_rows

    rng = np.random.default_rng(1)
    for _ in range(300):
        m, S = int(rng.integers(1, 5)), int(rng.integers(1, 7))
        q0 = rng.dirichlet(np.ones(S), size=m)
        W = rng.integers(-2, 3, size=(m, S)).astype(float)      # many ties
        b = rng.uniform(0, 2.5, size=m)
        b[0] = np.inf
        for upper in (True, False):
            got = _robust_rows(q0, W, b, upper)
            want = [_robust(q0[i], W[i], float(b[i]), upper) for i in range(m)]
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def _bounds_loop(pes, r):
    """The per-(s, a) loop the vectorised PessimisticOfflineSets._bounds replaced."""
    from mdplab.algorithms.irl.offline import _robust

    H, S, A = pes.H, pes.S, pes.A
    big = float(np.abs(r).max())
    U, L = np.zeros((H + 1, S)), np.zeros((H + 1, S))
    VElo, VEup = np.zeros((H + 1, S)), np.zeros((H + 1, S))
    Qup, Qlo = np.empty((H, S, A)), np.empty((H, S, A))
    for h in range(H - 1, -1, -1):
        nxt = pes.support[h + 1] if h + 1 < H else True
        Wlo = np.where(nxt, VElo[h + 1], (H - h - 1) * big)
        Wup = np.where(nxt, VEup[h + 1], -(H - h - 1) * big)
        for s in range(S):
            for a in range(A):
                if pes.observed[h, s, a]:
                    b, q0 = float(pes.radius[h, s, a]), pes.P_hat[h, s, a]
                    Qup[h, s, a] = r[h, s, a] + _robust(q0, U[h + 1], b, True)
                    Qlo[h, s, a] = r[h, s, a] + _robust(q0, L[h + 1], b, False)
                else:
                    Qup[h, s, a] = r[h, s, a] + U[h + 1].max()
                    Qlo[h, s, a] = r[h, s, a] + L[h + 1].min()
            if pes.support[h, s]:
                a = pes.expert_action[h, s]
                if pes.observed[h, s, a]:
                    b, q0 = float(pes.radius[h, s, a]), pes.P_hat[h, s, a]
                    VElo[h, s] = r[h, s, a] + _robust(q0, Wlo, b, False)
                    VEup[h, s] = r[h, s, a] + _robust(q0, Wup, b, True)
                else:
                    VElo[h, s] = r[h, s, a] + Wlo.min()
                    VEup[h, s] = r[h, s, a] + Wup.max()
        U[h], L[h] = Qup[h].max(axis=1), Qlo[h].max(axis=1)
    return Qup, Qlo, VElo, VEup


@pytest.mark.parametrize("seed", range(6))
def test_pessimistic_bounds_equal_the_loop_reference(seed):
    from mdplab.algorithms.irl import PessimisticOfflineSets

    g = np.random.default_rng(seed)
    H, S, A = int(g.integers(1, 5)), int(g.integers(1, 6)), int(g.integers(1, 4))
    K = int(g.integers(1, 40))
    behaviour = (g.integers(0, S, (K, H + 1)), g.integers(0, A, (K, H)))
    expert = (g.integers(0, S, (3, H + 1)), g.integers(0, A, (3, H)))
    pes = PessimisticOfflineSets(behaviour, expert, S, A, 0.1)
    rs = g.uniform(-1, 1, (5, H, S, A))
    for i, got in enumerate(zip(*pes._bounds(rs), strict=True)):
        for g_arr, want in zip(got, _bounds_loop(pes, rs[i]), strict=True):
            np.testing.assert_allclose(g_arr, want, rtol=0, atol=1e-12)
    # a batch answers as its members one by one
    pi = g.integers(A, size=(H, S))
    cover = (g.random((H, S, A)) < 0.5) | np.eye(A, dtype=bool)[pi]
    sets = OfflineFeasibleSets(g.dirichlet(np.ones(S), size=(H, S, A)), pi, cover,
                               np.ones((H, S), bool))
    for f in (pes.in_inner, pes.in_outer, sets.in_cap, sets.in_cup):
        batch = f(rs)
        assert batch.shape == (5,) and batch.dtype == bool
        assert [f(r) for r in rs] == list(batch)


def test_pessimistic_sets_from_data_sandwich_the_truth_with_lots_of_data():
    from mdplab import FiniteHorizonMDP
    from mdplab.algorithms.irl import PessimisticOfflineSets, plug_in_offline_sets
    from mdplab.sampling import rollout

    g = np.random.default_rng(4)
    H, S, A = 2, 3, 2
    P = g.dirichlet(np.ones(S), size=(H, S, A))
    pi = g.integers(A, size=(H, S))
    mdp = FiniteHorizonMDP(P, np.zeros((H, S, A)), H=H, rho=np.array([1.0, 0, 0]))
    b = rollout(mdp, 0.7 * np.eye(A)[pi] + 0.3 / A, 5000, rng=0)
    e = rollout(mdp, pi, 5000, rng=1)
    Rs = FeasibleRewardSet(mdp, pi, support="expert")
    truth = OfflineFeasibleSets(P, pi, np.ones((H, S, A), bool), Rs.constrained)
    pes = PessimisticOfflineSets(b, e, S, A, 0.1)
    plug = plug_in_offline_sets(b, e, S, A)
    assert np.array_equal(pes.support, Rs.constrained)
    inner = outer = 0
    for r in np.concatenate([g.uniform(-1, 1, (100, H, S, A)), Rs.sample(100, rng=2).rewards]):
        if pes.in_inner(r):
            inner += 1
            assert truth.in_cap(r)
        if truth.in_cup(r):
            assert pes.in_outer(r)
        outer += pes.in_outer(r)
        assert plug.in_cap(r) in (True, False)
    assert 0 < inner < outer            # neither estimate is trivial
    with pytest.raises(TypeError, match="pair"):
        PessimisticOfflineSets("data", e, S, A, 0.1)
    with pytest.raises(ValueError, match="states must lie"):
        PessimisticOfflineSets((b.states + 5, b.actions), e, S, A, 0.1)


# ---------------------------------------------------------------------- pinned details
def test_counts_and_the_plug_in_estimate_on_hand_made_episodes():
    from mdplab.algorithms.irl import plug_in_offline_sets
    from mdplab.algorithms.irl.offline import _counts

    # H = 2, S = 3, A = 2; three behaviour episodes, two expert episodes
    bs = np.array([[0, 1, 2], [0, 1, 1], [0, 2, 0]])
    ba = np.array([[0, 1], [0, 1], [1, 0]])
    n, nxt = _counts(bs, ba, 3, 2)
    assert n.dtype == np.float64 and n.shape == (2, 3, 2)
    assert n[0, 0, 0] == 2 and n[0, 0, 1] == 1 and n[1, 1, 1] == 2 and n[1, 2, 0] == 1
    assert n.sum() == 6
    assert nxt[0, 0, 0].tolist() == [0, 2, 0] and nxt[1, 1, 1].tolist() == [0, 1, 1]
    es = np.array([[0, 1, 1], [0, 1, 2]])
    ea = np.array([[0, 1], [0, 1]])
    sets = plug_in_offline_sets((bs, ba), (es, ea), 3, 2, box=(0.0, 1.0))
    assert sets.box == (0.0, 1.0)
    np.testing.assert_allclose(sets.P[0, 0, 1], [0, 0, 1])          # one visit is enough
    np.testing.assert_allclose(sets.P[1, 1, 1], [0, 0.5, 0.5])
    np.testing.assert_allclose(sets.P[1, 0, 0], [1 / 3] * 3)         # unvisited: uniform
    assert sets.support.tolist() == [[True, False, False], [False, True, False]]
    assert sets.expert_action[0, 0] == 0 and sets.expert_action[1, 1] == 1
    want = n > 0
    want[0, 0, 0] = want[1, 1, 1] = True                             # the expert's pairs
    assert np.array_equal(sets.covered, want)
    with pytest.raises(ValueError, match=r"states has shape \(3, 2\); expected \(3, 3\) for "
                                         r"actions \(3, 2\)"):
        _counts(bs[:, :2], ba, 3, 2)
    with pytest.raises(ValueError, match=r"states must lie in \[0, 3\) and actions in \[0, 2\)"):
        _counts(bs, ba + 1, 3, 2)
    with pytest.raises(ValueError, match="the behaviour episodes have H = 2, the expert's 1"):
        plug_in_offline_sets((bs, ba), (es[:, :2], ea[:, :1]), 3, 2)
    with pytest.raises(TypeError, match="expert_episodes must be Episodes or a pair"):
        plug_in_offline_sets((bs, ba), (es, ea, es), 3, 2)
    with pytest.raises(ValueError, match="states must have 2 dimensions"):
        _counts(bs[0], ba, 3, 2)


def test_offline_membership_tolerance_and_the_pessimistic_fields():
    from mdplab.algorithms.irl import PessimisticOfflineSets

    P = np.full((1, 2, 2, 2), 0.5)
    sets = OfflineFeasibleSets(P, np.zeros((1, 2), dtype=int), np.ones((1, 2, 2), bool),
                               np.ones((1, 2), bool))
    r = np.array([[[0.0, 1e-6], [0.0, 0.0]]])        # the unplayed action is better by 1e-6
    assert not sets.in_cap(r) and sets.in_cap(r, tol=1e-5)
    with pytest.raises(ValueError, match="tol"):
        sets.in_cap(r, tol=-1.0)
    with pytest.raises(ValueError, match=r"r has shape \(2, 2\); expected \(1, 2, 2\)"):
        sets.in_cap(r[0])
    bs, ba = np.array([[0, 1], [1, 0]]), np.array([[0], [1]])
    pes = PessimisticOfflineSets((bs, ba), (bs[:1], ba[:1]), 2, 2, 0.2, box=(0.0, 1.0))
    assert pes.box == (0.0, 1.0) and pes.delta == 0.2
    assert pes.n.tolist() == [[[1.0, 0.0], [0.0, 1.0]]]
    assert np.isinf(pes.radius[0, 0, 1]) and np.isfinite(pes.radius[0, 0, 0])
    with pytest.raises(ValueError, match="delta is 1"):
        PessimisticOfflineSets((bs, ba), (bs, ba), 2, 2, 1.0)
    with pytest.raises(ValueError, match=r"r has shape \(2, 2\)"):
        pes.in_inner(np.zeros((2, 2)))


def test_pessimistic_estimate_fields_follow_the_documented_construction():
    """P_hat the empirical kernel, observed = visited, support = seen in the expert's episodes,
    and the L1 radius sqrt(2 beta(n, delta/2) / n) with US-IRL's KL level beta."""
    from mdplab.algorithms.irl import PessimisticOfflineSets, us_irl_beta

    bs = np.array([[0, 1, 1], [0, 1, 0], [0, 0, 1], [1, 1, 1]])
    ba = np.array([[0, 1], [0, 1], [1, 0], [0, 0]])
    es, ea = bs[:1], ba[:1]
    pes = PessimisticOfflineSets((bs, ba), (es, ea), 2, 2, 0.1)
    n = pes.n
    assert n[0, 0, 0] == 2 and n[0, 0, 1] == 1 and n[1, 1, 1] == 2 and n[1, 0, 0] == 1
    np.testing.assert_allclose(pes.P_hat[0, 0, 0], [0.0, 1.0])
    np.testing.assert_allclose(pes.P_hat[1, 1, 1], [0.5, 0.5])
    assert np.array_equal(pes.observed, n > 0)
    assert pes.support.tolist() == [[True, False], [False, True]]
    seen = n > 0
    want = np.sqrt(2.0 * us_irl_beta(n[seen], 0.05, 2, 2, 2) / n[seen])
    np.testing.assert_allclose(pes.radius[seen], want, rtol=1e-12)
    assert np.all(np.isinf(pes.radius[~seen]))


def test_offline_sets_membership_edges_masks_and_batches():
    """Box edges and the default tolerance 1e-9 H, batches against single rewards, float masks
    (mutmut survivors)."""
    H, S, A = 2, 2, 2
    P = np.full((H, S, A, S), 0.5)
    expert = np.zeros((H, S), dtype=int)
    cov, sup = np.ones((H, S, A), bool), np.ones((H, S), bool)
    for box in ((0.0, 1.0), (-1.0, 0.0)):                 # r = 0 on either edge, tol = 0
        X = OfflineFeasibleSets(P, expert, cov, sup, box=box)
        assert X.in_cap(np.zeros((H, S, A)), tol=0.0) and X.in_cup(np.zeros((H, S, A)), tol=0.0)
    X = OfflineFeasibleSets(P, expert, cov, sup)
    r = np.zeros((H, S, A))
    r[1, 0, 1] = 1.5e-9                                   # better by 1.5e-9 < 1e-9 H = 2e-9
    assert X.in_cap(r) and X.in_cup(r) and not X.in_cap(r, tol=1e-9)
    out = np.zeros((H, S, A))
    out[0, 0, 0] = 1.5                                    # expert optimal, but off the box
    assert not X.in_cap(out) and not X.in_cup(out)
    bad = np.zeros((H, S, A))
    bad[0, 1, 1] = 0.5                                    # in the box, expert not optimal
    batch = np.stack([r, out, bad, np.zeros((H, S, A))])
    assert X.in_cap(batch).tolist() == [True, False, False, True]
    assert X.in_cup(batch).tolist() == [True, False, False, True]
    assert type(X.in_cap(r)) is bool and type(X.in_cup(bad)) is bool
    with pytest.raises(ValueError, match=r"^r has shape \(4, 2, 2, 3\); expected \(2, 2, 2\)"):
        X.in_cap(np.zeros((4, H, S, A + 1)))
    # masks given as 0/1 floats mean the same as booleans; a wrong shape names the mask
    Y = OfflineFeasibleSets(P, expert, cov.astype(float), sup.astype(float))
    assert Y.covered.dtype == bool and Y.covered.all() and Y.support.all()
    cov2 = cov.astype(float)
    cov2[0, 1, 1] = 0.0
    assert OfflineFeasibleSets(P, expert, cov2, sup).covered.sum() == cov.sum() - 1
    with pytest.raises(ValueError, match=r"^support has shape \(2,\); expected \(2, 2\)"):
        OfflineFeasibleSets(P, expert, cov, np.ones(2))
    with pytest.raises(ValueError, match=r"^covered has shape \(2, 2\); expected"):
        OfflineFeasibleSets(P, expert, np.ones((2, 2)), sup)
    with pytest.raises(ValueError, match="^support.* is nan|^support\\[0, 0\\] is nan"):
        OfflineFeasibleSets(P, expert, cov, np.full((H, S), np.nan))
    with pytest.raises(ValueError, match=r"^expert"):
        OfflineFeasibleSets(P, np.full((H, S), 5), cov, sup)
    with pytest.raises(ValueError, match=r"needs a deterministic expert \(H, S\) int: the "
                                         r"robust sets of a stochastic expert are essentially "
                                         r"empty$"):
        OfflineFeasibleSets(P, np.full((H, S, A), 0.5), cov, sup)
    cov3 = cov.copy()
    cov3[1, 1, 0] = False
    with pytest.raises(ValueError, match=r"the expert's pair \(h=1, s=1, a=0\) is not covered; "
                                         r"the offline sets assume the data cover every "
                                         r"expert pair at the states it reaches$"):
        OfflineFeasibleSets(P, expert, cov3, sup)


def test_plug_in_one_expert_visit_counts_and_episode_checks():
    from types import SimpleNamespace

    from mdplab.algorithms.irl import PessimisticOfflineSets, plug_in_offline_sets
    from mdplab.algorithms.irl.offline import _counts

    bs, ba = np.array([[0, 1, 0]]), np.array([[0, 1]])
    es, ea = np.array([[0, 0, 1]]), np.array([[1, 1]])   # a single expert episode
    sets = plug_in_offline_sets((bs, ba), (es, ea), 2, 2)
    assert sets.support.tolist() == [[True, False], [True, False]]
    assert sets.covered[0, 0, 1] and sets.covered[1, 0, 1]       # covered by the expert alone
    assert sets.covered.sum() == 4
    ep = SimpleNamespace(states=bs, actions=ba)
    assert np.array_equal(plug_in_offline_sets(ep, (es, ea), 2, 2).covered, sets.covered)
    with pytest.raises(TypeError, match="^behaviour must be Episodes or a pair "
                                        r"\(states, actions\), got SimpleNamespace$"):
        plug_in_offline_sets(SimpleNamespace(states=bs), (es, ea), 2, 2)
    with pytest.raises(TypeError, match="^behaviour must be Episodes"):
        PessimisticOfflineSets(SimpleNamespace(actions=ba), (es, ea), 2, 2, 0.1)
    with pytest.raises(TypeError, match="^expert_episodes must be Episodes"):
        PessimisticOfflineSets((bs, ba), [es], 2, 2, 0.1)
    with pytest.raises(ValueError, match=r"states must lie in \[0, 2\)"):
        _counts(np.array([[0, 2, 0]]), ba, 2, 2)                  # s == S
    with pytest.raises(ValueError, match="^actions must have 2 dimensions"):
        _counts(bs, ba[0], 2, 2)
    pes = PessimisticOfflineSets((bs, ba), (es, ea), 2, 2, 0.1)
    with pytest.raises(ValueError, match=r"^r has shape \(3, 2, 2, 3\)"):
        pes.in_outer(np.zeros((3, 2, 2, 3)))
    assert type(pes.in_outer(np.zeros((2, 2, 2)))) is bool
    assert type(pes.in_inner(np.zeros((2, 2, 2)))) is bool


def test_pessimistic_unseen_rows_and_exact_ties():
    """Unvisited pairs keep the uniform kernel, a single visit gives its one-hot row, and the
    zero reward (every inequality an equality) is in both estimates at tol = 0."""
    from mdplab.algorithms.irl import PessimisticOfflineSets

    bs = np.array([[0, 1, 1], [0, 1, 0], [0, 0, 1]])
    ba = np.array([[0, 1], [0, 1], [1, 0]])
    pes = PessimisticOfflineSets((bs, ba), (bs[:1], ba[:1]), 3, 2, 0.1)
    np.testing.assert_allclose(pes.P_hat[0, 0, 1], [1.0, 0.0, 0.0])     # n = 1: one-hot
    np.testing.assert_allclose(pes.P_hat[0, 2, 0], [1 / 3] * 3)          # n = 0: uniform
    np.testing.assert_allclose(pes.P_hat[1, 2, 1], [1 / 3] * 3)
    zero = np.zeros((2, 3, 2))
    assert pes.in_inner(zero, tol=0.0) and pes.in_outer(zero, tol=0.0)
    assert pes.in_inner(np.stack([zero, zero]), tol=0.0).tolist() == [True, True]
