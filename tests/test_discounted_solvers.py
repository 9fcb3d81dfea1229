"""Discounted solvers: VI = PI = MPI = LP, the Bellman equation, VI's tol/2 guarantee,
cross-checks with quantecon, and input errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import discounted_mdps, random_kernel
from hypothesis import given, settings

from mdplab.models import DiscountedMDP, FiniteHorizonMDP, SparseTransitions
from mdplab.planning import (
    DiscountedSolution,
    backward_induction,
    modified_policy_iteration,
    policy_iteration,
    solve_lp,
    value_iteration,
)

quantecon = pytest.importorskip("quantecon")


def _bellman_residual(mdp, V):
    Q = mdp.r + mdp.gamma * mdp.expected_next(V)
    return float(np.max(np.abs(Q.max(axis=1) - V)))


def _random_mdp(seed, S, A, gamma, sparsity=0.0, sparse=False):
    rng = np.random.default_rng(seed)
    P = random_kernel(rng, (S, A, S), sparsity)
    r = rng.random((S, A))
    P = SparseTransitions.from_dense(P) if sparse else P
    return DiscountedMDP(P, r, gamma, rho=random_kernel(rng, (S,)))


# ------------------------------------------------------------------------ agreement
@settings(max_examples=25)
@given(discounted_mdps(max_S=6, max_A=3, max_gamma=0.95))
def test_all_solvers_agree_and_satisfy_bellman(mdp):
    pi = policy_iteration(mdp)
    vi = value_iteration(mdp, tol=1e-9)
    mpi = modified_policy_iteration(mdp, m=5, tol=1e-9)
    lp = solve_lp(mdp)
    for sol in (pi, vi, mpi, lp):
        assert isinstance(sol, DiscountedSolution)
        assert sol.converged
        assert sol.V.shape == (mdp.S,) and sol.Q.shape == (mdp.S, mdp.A)
        assert sol.policy.shape == (mdp.S,) and sol.policy.dtype == np.int64
        np.testing.assert_allclose(sol.V, pi.V, rtol=0, atol=1e-8)
        assert sol.value == pytest.approx(float(mdp.rho @ sol.V), abs=1e-12)
        assert _bellman_residual(mdp, sol.V) <= 1e-8
        # every solver's policy is optimal: its Q at the chosen action is max_a Q*
        chosen = pi.Q[np.arange(mdp.S), sol.policy]
        np.testing.assert_allclose(chosen, pi.V, rtol=0, atol=1e-7)
    # PI's bound is certified in floating point: tiny, but not 0 unless V is exact
    assert 0.0 <= pi.error_bound <= 1e-12 / (1 - mdp.gamma)
    assert vi.error_bound <= 0.5e-9 and mpi.error_bound <= 0.5e-9
    assert lp.error_bound <= 1e-7  # certified by the Bellman residual
    # PI's policy is exactly self-consistent
    np.testing.assert_allclose(pi.V, pi.Q[np.arange(mdp.S), pi.policy], rtol=0, atol=1e-12)


def test_solvers_agree_on_a_sparse_model():
    dense = _random_mdp(11, S=60, A=4, gamma=0.9, sparsity=0.9)
    sparse = DiscountedMDP(SparseTransitions.from_dense(dense.P), dense.r, dense.gamma, dense.rho)
    V_star = policy_iteration(dense).V
    for solver in (value_iteration, policy_iteration, modified_policy_iteration, solve_lp):
        sol = solver(sparse)
        np.testing.assert_allclose(sol.V, V_star, rtol=0, atol=1e-8, err_msg=solver.__name__)
        assert _bellman_residual(sparse, sol.V) <= 1e-8


@pytest.mark.parametrize("gamma", [0.5, 0.9, 0.99])
@pytest.mark.parametrize("tol", [1e-1, 1e-3, 1e-5, 1e-8])
def test_value_iteration_is_within_tol_over_two(gamma, tol):
    """||V_VI - V*||_inf <= error_bound <= tol/2 (MacQueen 1966 / Puterman Thm 6.6.6)."""
    slack = 1e-12 / (1 - gamma)  # round-off in V*
    for seed in range(3):
        mdp = _random_mdp(seed, S=12, A=3, gamma=gamma, sparsity=0.7)
        V_star = policy_iteration(mdp).V
        for sol in (value_iteration(mdp, tol=tol),
                    modified_policy_iteration(mdp, m=3, tol=tol)):
            err = np.max(np.abs(sol.V - V_star))
            assert sol.converged
            assert sol.error_bound <= tol / 2
            assert err <= sol.error_bound + slack
            spans = sol.info["span_history"]
            assert spans.shape == (sol.n_iter,)
            assert spans[-1] <= tol * (1 - gamma) / gamma


def test_bias_correction_is_what_buys_the_guarantee():
    """Without the correction, the last iterate of VI misses tol/2 (the check can fail)."""
    mdp = _random_mdp(0, S=12, A=3, gamma=0.99, sparsity=0.7)
    V_star = policy_iteration(mdp).V
    tol = 1e-3
    sol = value_iteration(mdp, tol=tol)
    # undo the constant shift: V_{k+1} = V_hat - gamma/(1-gamma) * midrange(d)
    from mdplab.planning.discounted_vi import BellmanOperators
    ops = BellmanOperators(mdp)
    V = np.zeros(mdp.S)
    Q, TV = np.empty((mdp.S, mdp.A)), np.empty(mdp.S)
    for _ in range(sol.n_iter):
        ops.optimal(V, Q, TV)
        V, TV = TV.copy(), V
    assert np.max(np.abs(V - V_star)) > tol / 2
    assert np.max(np.abs(sol.V - V_star)) <= tol / 2


def test_max_iter_cut_still_gives_a_valid_bound():
    mdp = _random_mdp(4, S=10, A=3, gamma=0.95, sparsity=0.8)
    V_star = policy_iteration(mdp).V
    for solver in (value_iteration, modified_policy_iteration):
        for max_iter in (1, 2, 5):
            sol = solver(mdp, tol=1e-12, max_iter=max_iter)
            assert not sol.converged and sol.n_iter == max_iter
            assert np.max(np.abs(sol.V - V_star)) <= sol.error_bound + 1e-12


def test_gamma_zero_gives_max_reward():
    for sparse in (False, True):
        mdp = _random_mdp(2, S=7, A=4, gamma=0.0, sparse=sparse)
        want = np.asarray(mdp.r).max(axis=1)
        for sol in (value_iteration(mdp), policy_iteration(mdp),
                    modified_policy_iteration(mdp), solve_lp(mdp)):
            np.testing.assert_allclose(sol.V, want, rtol=0, atol=1e-9)
            np.testing.assert_array_equal(sol.policy, np.argmax(mdp.r, axis=1))
        vi = value_iteration(mdp)
        assert vi.n_iter == 1 and vi.error_bound == 0.0
        np.testing.assert_array_equal(vi.V, want)


def test_mpi_with_m_zero_is_value_iteration():
    mdp = _random_mdp(8, S=15, A=3, gamma=0.9, sparsity=0.5)
    V0 = np.full(mdp.S, 0.3)
    a = value_iteration(mdp, tol=1e-7, V0=V0)
    b = modified_policy_iteration(mdp, m=0, tol=1e-7, V0=V0)
    assert a.n_iter == b.n_iter
    np.testing.assert_array_equal(a.V, b.V)


def test_mpi_needs_fewer_improvements_than_vi():
    mdp = _random_mdp(9, S=30, A=3, gamma=0.99, sparsity=0.9)
    vi = value_iteration(mdp, tol=1e-8)
    mpi = modified_policy_iteration(mdp, m=20, tol=1e-8)
    assert mpi.n_iter < vi.n_iter
    assert mpi.info["n_policy_backups"] == 20 * (mpi.n_iter - 1)


def test_policy_iteration_does_not_cycle_on_ties():
    """Two copies of every action (exact ties everywhere): PI stops at once."""
    rng = np.random.default_rng(1)
    P = random_kernel(rng, (6, 2, 6))
    r = rng.random((6, 2))
    mdp = DiscountedMDP(np.concatenate([P, P], axis=1), np.concatenate([r, r], axis=1), 0.9)
    start = policy_iteration(mdp).policy
    sol = policy_iteration(mdp, policy0=(start + 2) % 4)  # the tied twin of every action
    assert sol.converged and sol.n_iter == 1
    np.testing.assert_array_equal(sol.policy, (start + 2) % 4)
    assert sol.info["n_switched"].tolist() == [0]


def test_lp_handles_rho_with_zeros():
    """mdp.rho = point mass: the LP is solved with a uniform weighting, V* everywhere."""
    rng = np.random.default_rng(3)
    P = random_kernel(rng, (8, 2, 8), 0.8)
    P[:, :, 0] = 0.0  # state 0 is never re-entered
    P /= P.sum(axis=2, keepdims=True)
    P[:, :, 0] = 0.0
    mdp = DiscountedMDP(P / P.sum(axis=2, keepdims=True), rng.random((8, 2)), 0.9,
                        rho=np.eye(8)[0])
    lp, pi = solve_lp(mdp), policy_iteration(mdp)
    np.testing.assert_allclose(lp.V, pi.V, rtol=0, atol=1e-8)
    assert lp.value == pytest.approx(pi.value, abs=1e-8)
    assert lp.info["occupancy"].sum() == pytest.approx(1.0, abs=1e-7)


# ------------------------------------------------------------------------ quantecon
@settings(max_examples=20)
@given(discounted_mdps(max_S=6, max_A=3, max_gamma=0.95, sparse=False))
def test_matches_quantecon_policy_iteration(mdp):
    ddp = quantecon.markov.DiscreteDP(np.asarray(mdp.r), np.asarray(mdp.P), mdp.gamma)
    res = ddp.solve("policy_iteration")
    np.testing.assert_allclose(policy_iteration(mdp).V, res.v, rtol=0, atol=1e-9)
    np.testing.assert_allclose(value_iteration(mdp).V, res.v, rtol=0, atol=1e-8)


@pytest.mark.parametrize("seed", range(4))
def test_backward_induction_matches_quantecon(seed):
    rng = np.random.default_rng(seed)
    S, A, H = 7, 3, 6
    P = random_kernel(rng, (S, A, S), 0.5)
    r = rng.random((S, A))
    ours = backward_induction(FiniteHorizonMDP(P, r, H=H))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # beta = 1 disables infinite-horizon methods
        ddp = quantecon.markov.DiscreteDP(r, P, 1.0)
    vs, sigmas = quantecon.markov.backward_induction(ddp, H)
    np.testing.assert_allclose(ours.V, vs, rtol=0, atol=1e-12)
    Q_at_qe = np.take_along_axis(ours.Q, sigmas[..., None], axis=2)[..., 0]
    np.testing.assert_allclose(Q_at_qe, ours.V[:-1], rtol=0, atol=1e-12)


# ------------------------------------------------------------------------ errors
@pytest.mark.parametrize("tol", [0.0, -1e-3, float("nan"), float("inf")])
def test_bad_tol_is_a_value_error(tol):
    mdp = _random_mdp(0, 3, 2, 0.9)
    with pytest.raises(ValueError, match="tol"):
        value_iteration(mdp, tol=tol)
    with pytest.raises(ValueError, match="tol"):
        modified_policy_iteration(mdp, tol=tol)


def test_bad_arguments():
    mdp = _random_mdp(0, 3, 2, 0.9)
    with pytest.raises(TypeError, match="tol"):
        value_iteration(mdp, tol="small")
    for solver in (value_iteration, policy_iteration, modified_policy_iteration):
        with pytest.raises(ValueError, match="max_iter"):
            solver(mdp, max_iter=0)
        with pytest.raises(TypeError, match="max_iter"):
            solver(mdp, max_iter=2.5)
        with pytest.raises(TypeError, match="DiscountedMDP"):
            solver(FiniteHorizonMDP(np.asarray(mdp.P), mdp.r, H=2))
    with pytest.raises(ValueError, match="m is -1"):
        modified_policy_iteration(mdp, m=-1)
    with pytest.raises(TypeError, match="m must be an integer"):
        modified_policy_iteration(mdp, m=1.5)
    with pytest.raises(ValueError, match="V0 has shape"):
        value_iteration(mdp, V0=np.zeros(4))
    with pytest.raises(ValueError, match=r"policy0\[1\] is 5"):
        policy_iteration(mdp, policy0=np.array([0, 5, 1]))
    with pytest.raises(ValueError, match="not installed"):
        solve_lp(mdp, solver="NOPE")
    with pytest.raises(TypeError, match="DiscountedMDP"):
        solve_lp(FiniteHorizonMDP(np.asarray(mdp.P), mdp.r, H=2))


def test_parallel_solvers_are_bit_identical_to_serial():
    from mdplab.planning import modified_policy_iteration, value_iteration

    rng = np.random.default_rng(7)
    S, A = 40, 3
    P = rng.dirichlet(np.ones(S), size=(S, A))
    mdp = DiscountedMDP(P, rng.random((S, A)), 0.9)
    sparse = DiscountedMDP(SparseTransitions.from_dense(P), mdp.r, 0.9)
    for m in (mdp, sparse):
        for solve in (value_iteration, modified_policy_iteration):
            a, b = solve(m, tol=1e-9), solve(m, tol=1e-9, parallel=True)
            np.testing.assert_array_equal(a.V, b.V)
            assert a.n_iter == b.n_iter
    with pytest.raises(TypeError, match="parallel must be True or False"):
        value_iteration(mdp, parallel="yes")


def test_pruned_certificate_is_bit_identical_to_the_full_one():
    """certify(V, Q): skipping actions whose float Q is far below the best gives the same
    residual and bound as the full double-double evaluation (serial and parallel), also
    with exactly tied actions and far from the fixed point."""
    from mdplab.planning.certify import residual_and_bound
    from mdplab.planning.discounted_vi import BellmanOperators

    rng = np.random.default_rng(21)
    S, A = 45, 6
    P = rng.dirichlet(np.ones(S), size=(S, A))
    r = rng.random((S, A))
    P[:, 1], r[:, 1] = P[:, 0], r[:, 0]  # exact ties
    mdp = DiscountedMDP(P, r, 0.99)
    V_star = modified_policy_iteration(mdp, tol=1e-10).V
    for parallel in (False, True):
        ops = BellmanOperators(mdp, parallel=parallel)
        for V in (V_star, V_star + 1e-9 * rng.random(S), 10 * rng.random(S)):
            full = residual_and_bound(ops._P2, None, ops.r, 0.99, V)
            assert ops.certify(V, ops.q_values(V)) == full
            assert ops.certify(V) == full
    # a planted bug: a Q that is wrong by more than the error allowance may prune the
    # maximiser, and the residual changes -- so the test can see a bad pruning rule
    ops = BellmanOperators(mdp)
    Q_bad = ops.q_values(V_star)
    Q_bad[np.arange(S), Q_bad.argmax(axis=1)] -= 1.0
    assert ops.certify(V_star, Q_bad) != ops.certify(V_star)
