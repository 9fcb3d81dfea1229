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
