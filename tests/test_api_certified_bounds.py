"""Certified error bounds hold in floating point (issue 8, Sec. 6 "Certified bounds that are not").

Every discounted solver reports ``error_bound`` >= ||V - V*||_inf, where V* is computed here
independently, by policy iteration in 50-digit arithmetic (mpmath) on the stored (P, r, gamma);
and the bound is 0 only when V is exactly V*.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from conftest import discounted_mdps, random_kernel
from hypothesis import given, settings
from hypothesis import strategies as st

import mdplab
from mdplab.models import DiscountedMDP, SparseTransitions
from mdplab.planning import (
    certified_error_bound,
    modified_policy_iteration,
    policy_iteration,
    solve_lp,
    value_iteration,
)
from mdplab.planning.certify import _two_prod, _two_sum

mpmath.mp.dps = 50


def _dense(mdp: DiscountedMDP) -> np.ndarray:
    if mdp.is_sparse:
        S, A = mdp.shape
        return mdp.P_sparse.to_scipy().toarray().reshape(S, A, S)
    return np.asarray(mdp.P)


def mp_optimal_values(mdp: DiscountedMDP) -> list:
    """V* of the stored model by Howard's policy iteration in 50-digit arithmetic."""
    S, A = mdp.shape
    P = _dense(mdp)
    r = np.asarray(mdp.r)
    g = mpmath.mpf(float(mdp.gamma))
    Pm = [[[mpmath.mpf(float(P[s, a, t])) for t in range(S)] for a in range(A)] for s in range(S)]
    rm = [[mpmath.mpf(float(r[s, a])) for a in range(A)] for s in range(S)]
    pi = [0] * S
    for _ in range(1000):
        M = mpmath.matrix(S, S)
        b = mpmath.matrix(S, 1)
        for s in range(S):
            for t in range(S):
                M[s, t] = (1 if s == t else 0) - g * Pm[s][pi[s]][t]
            b[s] = rm[s][pi[s]]
        V = mpmath.lu_solve(M, b)
        V = [V[s] for s in range(S)]
        changed = False
        for s in range(S):
            q = [rm[s][a] + g * mpmath.fsum(Pm[s][a][t] * V[t] for t in range(S)) for a in range(A)]
            best = max(range(A), key=lambda a: q[a])
            if q[best] > q[pi[s]] + mpmath.mpf(10) ** -40 * (1 + abs(q[pi[s]])):
                pi[s] = best
                changed = True
        if not changed:
            return V
    raise AssertionError("mpmath policy iteration did not stop")


def true_error(V: np.ndarray, V_star: list) -> mpmath.mpf:
    return max(abs(mpmath.mpf(float(v)) - w) for v, w in zip(V, V_star, strict=True))


def _check(sol, V_star) -> None:
    err = true_error(sol.V, V_star)
    assert np.isfinite(sol.error_bound)
    assert mpmath.mpf(sol.error_bound) >= err, (sol.method, sol.error_bound, float(err))
    if sol.error_bound == 0.0:
        assert err == 0, sol.method  # 0 only when exact


def _random(seed: int, S: int, A: int, gamma: float, sparsity: float = 0.0, sparse=False):
    rng = np.random.default_rng(seed)
    P = random_kernel(rng, (S, A, S), sparsity)
    r = rng.random((S, A))
    P = SparseTransitions.from_dense(P) if sparse else P
    return DiscountedMDP(P, r, gamma)


# ------------------------------------------------------------------------ random instances
@settings(max_examples=30, deadline=None)
@given(
    discounted_mdps(max_S=4, max_A=3, max_gamma=0.999),
    st.sampled_from([1e-3, 1e-8, 1e-12]),
)
def test_every_solver_bound_covers_the_true_error(mdp, tol):
    V_star = mp_optimal_values(mdp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mdplab.MdplabWarning)
        sols = [
            value_iteration(mdp, tol=tol),
            modified_policy_iteration(mdp, m=3, tol=tol),
            policy_iteration(mdp),
        ]
    for sol in sols:
        _check(sol, V_star)
        if sol.converged and sol.method != "policy_iteration":
            assert sol.error_bound <= tol / 2  # the documented guarantee, when claimed


def test_lp_bound_covers_the_true_error():
    for seed, gamma in [(0, 0.5), (1, 0.9), (2, 0.99)]:
        mdp = _random(seed, S=5, A=3, gamma=gamma, sparsity=0.5)
        _check(solve_lp(mdp), mp_optimal_values(mdp))


# ------------------------------------------------------------------------ the cases
@pytest.mark.parametrize(
    "name,gamma", [("riverswim", 0.9), ("riverswim", 0.99), ("gridworld", 0.9)]
)
def test_far_initial_values(name, gamma):
    """V0 = 1e15: the span of T V - V and MacQueen's extrapolation lose ~eps * 1e15 to
    round-off. Before the fix: error_bound 0 and converged, with |V - V*| = 0.06 to 3."""
    mdp = mdplab.envs.make(name, gamma=gamma)
    V_star = mp_optimal_values(mdp) if mdp.shape[0] <= 12 else None
    tol = 1e-8
    for solver in (value_iteration, modified_policy_iteration):
        sol = solver(mdp, tol=tol, V0=np.full(mdp.shape[0], 1e15))
        assert sol.error_bound > 0.0
        if V_star is None:
            V_star = mp_optimal_values(mdp)
        err = true_error(sol.V, V_star)
        assert mpmath.mpf(sol.error_bound) >= err
        assert sol.converged  # restarting from the corrected values reaches tol/2
        assert sol.error_bound <= tol / 2 and err <= tol / 2
        assert sol.info["restarts"] >= 0


@pytest.mark.parametrize("gamma", [0.9999, 0.99999])
def test_gamma_close_to_one(gamma):
    """Before the fix PI and MPI reported 0 while the true error was 1e-8 to 1e-7."""
    mdp = _random(5, S=12, A=3, gamma=gamma, sparsity=0.5)
    V_star = mp_optimal_values(mdp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mdplab.MdplabWarning)
        sols = [policy_iteration(mdp), modified_policy_iteration(mdp), value_iteration(mdp)]
    for sol in sols:
        assert sol.error_bound > 0.0
        assert mpmath.mpf(sol.error_bound) >= true_error(sol.V, V_star), sol.method
        if sol.method != "policy_iteration" and not sol.converged:
            assert sol.error_bound > 0.5e-8  # the round-off floor, reported as such


def test_round_off_floor_is_flagged_not_hidden():
    """At gamma = 0.99999 with ||V*|| ~ 1e5 no float64 vector can be certified to 5e-9:
    VI says converged = False and warns, rather than claiming tol/2."""
    mdp = _random(6, S=8, A=2, gamma=0.99999)
    with pytest.warns(mdplab.MdplabWarning, match="round-off"):
        sol = value_iteration(mdp, tol=1e-8)
    assert not sol.converged
    assert sol.error_bound > 0.5e-8


def test_sparse_and_dense_certificates_agree():
    dense = _random(7, S=15, A=3, gamma=0.95, sparsity=0.8)
    sparse = DiscountedMDP(SparseTransitions.from_dense(dense.P), dense.r, dense.gamma)
    V = policy_iteration(dense).V
    # same residual; the allowance differs only through n, the longest row (S vs nnz)
    assert certified_error_bound(dense, V) == pytest.approx(
        certified_error_bound(sparse, V), rel=1e-9)


# ------------------------------------------------------------------------ the certificate
def test_certificate_is_zero_only_when_exact():
    mdp = _random(8, S=6, A=3, gamma=0.0)
    exact = np.asarray(mdp.r).max(axis=1)
    assert certified_error_bound(mdp, exact) == 0.0
    off = exact.copy()
    off[2] = np.nextafter(off[2], np.inf)
    assert certified_error_bound(mdp, off) > 0.0
    # r = 0: V* = 0 exactly
    zero = DiscountedMDP(np.asarray(mdp.P), np.zeros((6, 3)), 0.9)
    assert certified_error_bound(zero, np.zeros(6)) == 0.0
    assert certified_error_bound(zero, np.full(6, 1e-300)) > 0.0


def test_certificate_bounds_a_perturbation():
    mdp = _random(9, S=6, A=2, gamma=0.9)
    V_star = mp_optimal_values(mdp)
    V = np.array([float(v) for v in V_star])
    for delta in (1e-3, 1e-9, 1e-14):
        W = V + delta * np.array([1, -1, 0.5, 0, 0, 0])
        assert mpmath.mpf(certified_error_bound(mdp, W)) >= true_error(W, V_star)
    with pytest.raises(ValueError, match="V"):
        certified_error_bound(mdp, np.zeros(5))
    with pytest.raises(ValueError, match="V"):
        certified_error_bound(mdp, np.full(6, np.nan))
    with pytest.raises(TypeError, match="DiscountedMDP"):
        certified_error_bound(mdplab.envs.make("riverswim", H=3), np.zeros(6))


def test_error_free_transformations_are_exact():
    """TwoSum and TwoProduct return the exact rounding error (no FMA contraction, no
    re-association): a + b = s + e and a * b = p + e exactly, checked with fractions."""
    rng = np.random.default_rng(0)
    for _ in range(2000):
        a, b = rng.standard_normal(2) * 10.0 ** rng.integers(-20, 20, size=2)
        s, e = _two_sum(a, b)
        assert Fraction(a) + Fraction(b) == Fraction(s) + Fraction(e)
        p, e = _two_prod(a, b)
        assert Fraction(a) * Fraction(b) == Fraction(p) + Fraction(e)
