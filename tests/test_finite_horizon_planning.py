"""Property tests: exact finite-horizon planning against its mathematical identities.

Each test draws small random MDPs (S <= 4, A <= 3, H <= 4; dense and sparse kernels,
stationary and not) and checks an identity that holds exactly, up to float round-off
(tolerance 1e-10 on quantities of size at most H <= 4).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import (
    all_deterministic_policies,
    finite_horizon_mdps,
    random_kernel,
    random_policy,
    tile_stationary,
    to_dense,
    to_sparse,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from mdplab.models import FiniteHorizonMDP, SparseTransitions
from mdplab.models.policy import deterministic_to_stochastic
from mdplab.planning import (
    backward_induction,
    evaluate_policy,
    gaps,
    min_positive_gap,
    occupancy_measure,
    state_occupancy,
)

TOL = 1e-10
SEEDS = st.integers(0, 2**32 - 1)


def _pi_stochastic(mdp, policy):
    pi = np.asarray(policy)
    return deterministic_to_stochastic(pi, mdp.A) if pi.dtype.kind in "iu" else pi


# ------------------------------------------------------------ optimality
@settings(max_examples=25)
@given(mdp=finite_horizon_mdps(max_policies=6561))
def test_backward_induction_equals_brute_force_max(mdp):
    """V*_h(s) = max over all A^(S*H) deterministic Markov policies of V^pi_h(s),
    for every h and s (a single policy attains the max everywhere), and V*[H] = 0."""
    sol = backward_induction(mdp)
    best = np.full((mdp.H + 1, mdp.S), -np.inf)
    for pi in all_deterministic_policies(mdp.H, mdp.S, mdp.A):
        V = evaluate_policy(mdp, pi).V
        assert np.all(V <= sol.V + TOL), "a policy beats the backward-induction value"
        best = np.maximum(best, V)
    np.testing.assert_allclose(best, sol.V, rtol=0, atol=TOL)
    assert np.all(sol.V[mdp.H] == 0.0)
    assert sol.value == pytest.approx(float(mdp.rho @ sol.V[0]), abs=1e-14)


@given(mdp=finite_horizon_mdps())
def test_bellman_optimality_equations(mdp):
    """Q*_h = r_h + P_h V*_{h+1}, V*_h(s) = max_a Q*_h(s, a), V*_H = 0 (Puterman 1994, 4.5)."""
    sol = backward_induction(mdp)
    H = mdp.H
    assert sol.Q.shape == (H, mdp.S, mdp.A) and sol.V.shape == (H + 1, mdp.S)
    assert sol.policy.shape == (H, mdp.S) and sol.policy.dtype == np.int64
    P = np.asarray(mdp.P)
    for h in range(H):
        np.testing.assert_allclose(
            sol.Q[h], mdp.r[h] + P[h] @ sol.V[h + 1], rtol=0, atol=TOL
        )
        np.testing.assert_array_equal(sol.V[h], sol.Q[h].max(axis=1))
    np.testing.assert_array_equal(sol.V[H], np.zeros(mdp.S))
    # greedy ties go to the lowest index
    np.testing.assert_array_equal(sol.policy, np.argmax(sol.Q, axis=-1))
    # values lie in [0, H - h] for rewards in [0, 1]
    steps_left = (H - np.arange(H + 1))[:, None]
    assert np.all(sol.V >= -TOL) and np.all(sol.V <= steps_left + TOL)


@given(mdp=finite_horizon_mdps(), seed=SEEDS, stochastic=st.booleans())
def test_evaluate_policy_bellman_evaluation_equations(mdp, seed, stochastic):
    """Q^pi_h = r_h + P_h V^pi_{h+1}, V^pi_h(s) = sum_a pi_h(a|s) Q^pi_h(s,a), V^pi_H = 0."""
    pi = random_policy(np.random.default_rng(seed), mdp.H, mdp.S, mdp.A, stochastic)
    ev = evaluate_policy(mdp, pi)
    pis = _pi_stochastic(mdp, pi)
    P = np.asarray(mdp.P)
    for h in range(mdp.H):
        np.testing.assert_allclose(ev.Q[h], mdp.r[h] + P[h] @ ev.V[h + 1], rtol=0, atol=TOL)
        np.testing.assert_allclose(ev.V[h], (pis[h] * ev.Q[h]).sum(axis=1), rtol=0, atol=TOL)
    np.testing.assert_array_equal(ev.V[mdp.H], np.zeros(mdp.S))
    assert ev.value == pytest.approx(float(mdp.rho @ ev.V[0]), abs=1e-14)
    # and V^pi <= V*
    assert np.all(ev.V <= backward_induction(mdp).V + TOL)


@given(mdp=finite_horizon_mdps())
def test_greedy_policy_of_Qstar_is_optimal(mdp):
    """The greedy policy of Q* has V^pi = V* and Q^pi = Q* at every step."""
    sol = backward_induction(mdp)
    ev = evaluate_policy(mdp, sol.policy)
    np.testing.assert_allclose(ev.V, sol.V, rtol=0, atol=TOL)
    np.testing.assert_allclose(ev.Q, sol.Q, rtol=0, atol=TOL)
    assert ev.value == pytest.approx(sol.value, abs=TOL)


# ------------------------------------------------------------ occupancy measures
@given(mdp=finite_horizon_mdps(), seed=SEEDS, stochastic=st.booleans())
def test_occupancy_measure_flow_and_value(mdp, seed, stochastic):
    """d_h is a distribution on S x A; sum_a d_0(s,a) = rho(s);
    sum_a d_{h+1}(s',a) = sum_{s,a} d_h(s,a) P_h(s'|s,a); d_h(s,a) = d_h(s) pi_h(a|s);
    V^pi_0(rho) = sum_{h,s,a} d_h(s,a) r_h(s,a)."""
    pi = random_policy(np.random.default_rng(seed), mdp.H, mdp.S, mdp.A, stochastic)
    pis = _pi_stochastic(mdp, pi)
    d = occupancy_measure(mdp, pi)
    P = np.asarray(mdp.P)
    assert d.shape == (mdp.H, mdp.S, mdp.A)
    assert np.all(d >= 0.0)
    np.testing.assert_allclose(d.sum(axis=(1, 2)), np.ones(mdp.H), rtol=0, atol=1e-12)
    np.testing.assert_allclose(d[0].sum(axis=1), mdp.rho, rtol=0, atol=1e-15)
    for h in range(mdp.H - 1):
        inflow = np.einsum("sa,sat->t", d[h], P[h])
        np.testing.assert_allclose(d[h + 1].sum(axis=1), inflow, rtol=0, atol=1e-12)
    for h in range(mdp.H):
        np.testing.assert_allclose(d[h], d[h].sum(axis=1)[:, None] * pis[h], rtol=0, atol=1e-15)
    value = evaluate_policy(mdp, pi).value
    assert float(np.sum(d * mdp.r)) == pytest.approx(value, abs=TOL)

    # state occupancy: rows h < H are the marginals, row H is one more push forward
    ds = state_occupancy(mdp, pi)
    assert ds.shape == (mdp.H + 1, mdp.S)
    np.testing.assert_allclose(ds[:-1], d.sum(axis=2), rtol=0, atol=1e-15)
    np.testing.assert_allclose(ds[-1], np.einsum("sa,sat->t", d[-1], P[-1]), rtol=0, atol=1e-12)
    np.testing.assert_allclose(ds.sum(axis=1), np.ones(mdp.H + 1), rtol=0, atol=1e-12)


@given(mdp=finite_horizon_mdps(), seed=SEEDS)
def test_occupancy_measure_with_explicit_rho(mdp, seed):
    """occupancy_measure(rho=e_s) gives P(s_h, a_h | s_0 = s), and averaging these over
    rho gives the default occupancy (linearity in the initial distribution)."""
    g = np.random.default_rng(seed)
    pi = random_policy(g, mdp.H, mdp.S, mdp.A, stochastic=True)
    per_state = np.stack([occupancy_measure(mdp, pi, rho=np.eye(mdp.S)[s]) for s in range(mdp.S)])
    mixed = np.einsum("s,shxa->hxa", mdp.rho, per_state)
    np.testing.assert_allclose(mixed, occupancy_measure(mdp, pi), rtol=0, atol=1e-12)
    ev = evaluate_policy(mdp, pi)
    for s in range(mdp.S):
        assert float(np.sum(per_state[s] * mdp.r)) == pytest.approx(ev.V[0, s], abs=TOL)


@given(
    mdp=finite_horizon_mdps(),
    seeds=st.tuples(SEEDS, SEEDS),
    kinds=st.tuples(st.booleans(), st.booleans()),
)
def test_performance_difference_lemma(mdp, seeds, kinds):
    """Performance-difference lemma (Kakade & Langford 2002, Lemma 6.1), finite-horizon form:

        V^{pi'}_0(rho) - V^pi_0(rho)
            = sum_{h=0}^{H-1} E_{(s,a) ~ d^{pi'}_h}[Q^pi_h(s,a) - V^pi_h(s)],

    where d^{pi'}_h is the occupancy of pi' from rho. Exact up to round-off (1e-10).
    """
    pi = random_policy(np.random.default_rng(seeds[0]), mdp.H, mdp.S, mdp.A, kinds[0])
    pi2 = random_policy(np.random.default_rng(seeds[1]), mdp.H, mdp.S, mdp.A, kinds[1])
    ev, ev2 = evaluate_policy(mdp, pi), evaluate_policy(mdp, pi2)
    d2 = occupancy_measure(mdp, pi2)
    advantage = ev.Q - ev.V[:-1, :, None]
    rhs = float(np.sum(d2 * advantage))
    assert ev2.value - ev.value == pytest.approx(rhs, abs=1e-10)
    # with pi = pi* every advantage is <= 0, so no policy beats pi* (the lemma again)
    sol = backward_induction(mdp)
    adv_star = sol.Q - sol.V[:-1, :, None]
    assert ev2.value - sol.value == pytest.approx(float(np.sum(d2 * adv_star)), abs=1e-10)
    assert np.all(adv_star <= 0.0)


@given(
    mdp=finite_horizon_mdps(),
    seed=SEEDS,
    stochastic=st.booleans(),
    sparsity=st.sampled_from([0.0, 0.5]),
)
def test_simulation_lemma(mdp, seed, stochastic, sparsity):
    """Simulation lemma (Kearns & Singh 2002, Lemma 4), in its exact telescoping form
    (as in Agarwal, Jiang, Kakade & Sun, "Reinforcement Learning: Theory and
    Algorithms", the simulation lemma of Ch. 2, here for a finite horizon):
    for two MDPs M, M' with the same rewards r and rho and any policy pi,

        V^pi_{M,0}(rho) - V^pi_{M',0}(rho)
            = sum_{h=0}^{H-1} E_{(s,a) ~ d^pi_h in M}[ ((P_h - P'_h) V^pi_{M',h+1})(s,a) ],

    (proof: V_h - V'_h = pi_h[P_h (V_{h+1} - V'_{h+1}) + (P_h - P'_h) V'_{h+1}], unrolled
    under M), hence by the triangle inequality

        |V^pi_M(rho) - V^pi_{M'}(rho)| <= sum_h E_{d^pi_h in M}[ |(P_h - P'_h) V^pi_{M',h+1}| ]
            <= sum_h (H - h - 1) E_{d^pi_h in M}[ ||P_h(.|s,a) - P'_h(.|s,a)||_1 ].

    The identity is checked to 1e-10 and both inequalities are checked.
    """
    g = np.random.default_rng(seed)
    H, S, A = mdp.shape
    P = np.asarray(mdp.P)
    P2 = random_kernel(g, (H, S, A, S), sparsity)
    other = FiniteHorizonMDP(P2, np.asarray(mdp.r), rho=mdp.rho)
    pi = random_policy(g, H, S, A, stochastic)

    V = evaluate_policy(mdp, pi)
    V2 = evaluate_policy(other, pi)
    d = occupancy_measure(mdp, pi)
    terms = np.stack([(P[h] - P2[h]) @ V2.V[h + 1] for h in range(H)])  # (H, S, A)
    identity_rhs = float(np.sum(d * terms))
    assert V.value - V2.value == pytest.approx(identity_rhs, abs=1e-10)

    bound = float(np.sum(d * np.abs(terms)))
    assert abs(V.value - V2.value) <= bound + 1e-12
    l1 = np.abs(P - P2).sum(axis=-1)  # (H, S, A)
    crude = float(sum((H - h - 1) * np.sum(d[h] * l1[h]) for h in range(H)))
    assert bound <= crude + 1e-12


# ------------------------------------------------------------ gaps
@given(mdp=finite_horizon_mdps())
def test_gaps_nonnegative_and_zero_at_greedy(mdp):
    """gap_h(s,a) = V*_h(s) - Q*_h(s,a) >= 0, exactly 0 at the greedy action, and
    min_positive_gap is the smallest gap above the relative threshold."""
    sol = backward_induction(mdp)
    g = gaps(mdp, sol)
    np.testing.assert_array_equal(g, gaps(mdp))
    assert g.shape == (mdp.H, mdp.S, mdp.A)
    assert np.all(g >= 0.0)
    at_greedy = np.take_along_axis(g, sol.policy[..., None], axis=-1)[..., 0]
    np.testing.assert_array_equal(at_greedy, np.zeros((mdp.H, mdp.S)))
    # any zero-gap action is optimal: always taking the highest-index one keeps V^pi = V*
    last_zero = mdp.A - 1 - np.argmax((g == 0.0)[..., ::-1], axis=-1)
    np.testing.assert_allclose(evaluate_policy(mdp, last_zero).V, sol.V, rtol=0, atol=TOL)
    m = min_positive_gap(g)
    thresh = 1e-12 * max(1.0, float(g.max()))
    positive = g[g > thresh]
    if positive.size:
        assert m == positive.min() and m > 0
    else:
        assert m == float("inf")


def test_min_positive_gap_behaviour():
    g = np.zeros((2, 2, 2))
    assert min_positive_gap(g) == float("inf")
    g[0, 1, 1] = 0.25
    g[1, 0, 0] = 0.5
    assert min_positive_gap(g) == 0.25
    # gaps at round-off level are ignored (relative to max(1, max gap))
    g[1, 1, 1] = 1e-13
    assert min_positive_gap(g) == 0.25
    assert min_positive_gap(g, rel_tol=0.0) == 1e-13
    # the threshold scales with the largest gap when it exceeds 1
    big = np.array([[[0.0, 100.0, 5e-11]]])
    assert min_positive_gap(big) == 100.0
    assert min_positive_gap(big, rel_tol=1e-14) == 5e-11


def test_gaps_of_a_planted_instance():
    """One state, H = 2, stationary, arms with rewards 0.9, 0.6, 0.6: gaps 0, 0.3, 0.3."""
    P = np.ones((1, 3, 1))
    mdp = FiniteHorizonMDP(P, np.array([[0.9, 0.6, 0.6]]), H=2)
    sol = backward_induction(mdp)
    np.testing.assert_allclose(sol.V[:, 0], [1.8, 0.9, 0.0], rtol=0, atol=1e-15)
    g = gaps(mdp, sol)
    np.testing.assert_allclose(g[:, 0], [[0.0, 0.3, 0.3]] * 2, rtol=0, atol=1e-15)
    assert min_positive_gap(g) == pytest.approx(0.3, abs=1e-15)
    np.testing.assert_array_equal(sol.policy, [[0], [0]])
    # ties go to the lowest index
    tie = FiniteHorizonMDP(P, np.array([[0.5, 0.7, 0.7]]), H=2)
    np.testing.assert_array_equal(backward_induction(tie).policy, [[1], [1]])
    assert min_positive_gap(gaps(tie)) == pytest.approx(0.2, abs=1e-15)


# ------------------------------------------------------------ representations agree
@given(mdp=finite_horizon_mdps(sparse=False), seed=SEEDS, stochastic=st.booleans())
def test_sparse_kernel_matches_dense(mdp, seed, stochastic):
    """SparseTransitions.from_dense(P) gives the same Q*, V*, evaluation and occupancy."""
    sp_mdp = to_sparse(mdp)
    assert sp_mdp.is_sparse and not mdp.is_sparse
    np.testing.assert_array_equal(sp_mdp.P, mdp.P)
    a, b = backward_induction(mdp), backward_induction(sp_mdp)
    np.testing.assert_allclose(b.Q, a.Q, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.V, a.V, rtol=0, atol=1e-12)
    # the sparse greedy policy is optimal in the dense model (ties may break differently)
    np.testing.assert_allclose(evaluate_policy(mdp, b.policy).V, a.V, rtol=0, atol=TOL)
    pi = random_policy(np.random.default_rng(seed), mdp.H, mdp.S, mdp.A, stochastic)
    ea, eb = evaluate_policy(mdp, pi), evaluate_policy(sp_mdp, pi)
    np.testing.assert_allclose(eb.Q, ea.Q, rtol=0, atol=1e-12)
    np.testing.assert_allclose(eb.V, ea.V, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        occupancy_measure(sp_mdp, pi), occupancy_measure(mdp, pi), rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        state_occupancy(sp_mdp, pi), state_occupancy(mdp, pi), rtol=0, atol=1e-12
    )
    # and back: a dense copy of the sparse model is the original
    back = to_dense(sp_mdp)
    np.testing.assert_array_equal(backward_induction(back).V, a.V)


@given(mdp=finite_horizon_mdps(stationary=True), seed=SEEDS, stochastic=st.booleans())
def test_stationary_matches_tiled(mdp, seed, stochastic):
    """A stationary (S,A,S) kernel gives the same results as the tiled (H,S,A,S) one."""
    tiled = tile_stationary(mdp)
    assert mdp.stationary and not tiled.stationary
    np.testing.assert_array_equal(tiled.P, mdp.P)
    a, b = backward_induction(mdp), backward_induction(tiled)
    np.testing.assert_allclose(b.Q, a.Q, rtol=0, atol=1e-13)
    np.testing.assert_allclose(b.V, a.V, rtol=0, atol=1e-13)
    np.testing.assert_allclose(evaluate_policy(tiled, a.policy).V, b.V, rtol=0, atol=TOL)
    pi = random_policy(np.random.default_rng(seed), mdp.H, mdp.S, mdp.A, stochastic)
    np.testing.assert_allclose(
        evaluate_policy(tiled, pi).V, evaluate_policy(mdp, pi).V, rtol=0, atol=1e-13
    )
    np.testing.assert_allclose(
        occupancy_measure(tiled, pi), occupancy_measure(mdp, pi), rtol=0, atol=1e-13
    )


@given(mdp=finite_horizon_mdps(), seed=SEEDS)
def test_stationary_policy_is_broadcast(mdp, seed):
    """A stationary policy (S,) or (S, A) equals its tiling over h."""
    g = np.random.default_rng(seed)
    det = g.integers(0, mdp.A, size=mdp.S)
    sto = random_kernel(g, (mdp.S, mdp.A))
    np.testing.assert_array_equal(
        evaluate_policy(mdp, det).V, evaluate_policy(mdp, np.tile(det, (mdp.H, 1))).V
    )
    np.testing.assert_array_equal(
        occupancy_measure(mdp, sto), occupancy_measure(mdp, np.tile(sto, (mdp.H, 1, 1)))
    )


@given(mdp=finite_horizon_mdps(), seed=SEEDS)
def test_deterministic_policy_equals_one_hot_stochastic(mdp, seed):
    """An int (H, S) policy and its one-hot float (H, S, A) form give identical results."""
    pi = random_policy(np.random.default_rng(seed), mdp.H, mdp.S, mdp.A, stochastic=False)
    one_hot = np.eye(mdp.A)[pi]
    assert one_hot.dtype == np.float64
    a, b = evaluate_policy(mdp, pi), evaluate_policy(mdp, one_hot)
    np.testing.assert_array_equal(a.Q, b.Q)
    np.testing.assert_array_equal(a.V, b.V)
    assert a.value == b.value
    np.testing.assert_array_equal(occupancy_measure(mdp, pi), occupancy_measure(mdp, one_hot))


@settings(max_examples=10)
@given(mdp=finite_horizon_mdps(sparse=False, stationary=False))
def test_sparse_with_explicit_zero_rows_entries(mdp):
    """A SparseTransitions that stores explicit zeros is the same kernel."""
    P = np.asarray(mdp.P)
    flat = P.reshape(-1, mdp.S)
    n = flat.shape[0]
    indptr = np.arange(0, n * mdp.S + 1, mdp.S)
    indices = np.tile(np.arange(mdp.S), n)
    full = SparseTransitions(indptr, indices, flat.reshape(-1), P.shape)
    m2 = FiniteHorizonMDP(full, mdp.r, rho=mdp.rho)
    np.testing.assert_allclose(
        backward_induction(m2).V, backward_induction(mdp).V, rtol=0, atol=1e-12
    )


# ------------------------------------------------------------ parallel backward induction
@pytest.mark.parametrize("S", [61, 62, 64])  # S*A = 427, 434, 448: 3, 2, 0 tail rows
def test_parallel_backward_induction_is_bit_identical_to_serial_for_any_thread_count(
        S, monkeypatch):
    """parallel=True: same Q, V, policy bit for bit as serial (dense stationary and not,
    sparse), with S*A not a multiple of 4 (the tail rows) and S not a multiple of 4 (the
    last chunk of states), for 1 thread and for all. The size threshold is set to 0 so the
    parallel kernels run at this size."""
    import numba

    from mdplab.kernels import bellman

    monkeypatch.setattr(bellman, "PARALLEL_MIN_ENTRIES", 0)

    rng = np.random.default_rng(11)
    A, H = 7, 5
    P_st = random_kernel(rng, (S, A, S), 0.0)
    P_ns = random_kernel(rng, (H, S, A, S), 0.0)
    r = rng.random((H, S, A))
    # ties across actions so that the policy's tie-breaking is exercised as well
    P_ns[:, :, 1] = P_ns[:, :, 0]
    r[:, :, 1] = r[:, :, 0]
    models = [
        FiniteHorizonMDP(P_st, r, H=H),
        FiniteHorizonMDP(P_ns, r),
        FiniteHorizonMDP(SparseTransitions.from_dense(random_kernel(rng, (S, A, S), 0.9)), r,
                         H=H),
    ]
    before = numba.get_num_threads()
    try:
        for mdp in models:
            serial = backward_induction(mdp)
            for n in sorted({1, numba.config.NUMBA_NUM_THREADS}):
                numba.set_num_threads(n)
                par = backward_induction(mdp, parallel=True)
                assert np.array_equal(par.Q, serial.Q)
                assert np.array_equal(par.V, serial.V)
                assert np.array_equal(par.policy, serial.policy)
                assert par.value == serial.value
            numba.set_num_threads(before)
    finally:
        numba.set_num_threads(before)
    # and the serial result is the brute-force one (an independent answer)
    from mdplab.kernels.reference import backward_induction_ref

    Q_ref, V_ref = backward_induction_ref(models[1].P, models[1].r)
    np.testing.assert_allclose(backward_induction(models[1], parallel=True).V, V_ref,
                               rtol=1e-13, atol=1e-13)
    with pytest.raises(TypeError, match="parallel must be True or False"):
        backward_induction(models[0], parallel="yes")


def test_parallel_kernels_match_serial_kernels(monkeypatch):
    from mdplab.kernels import backward_induction_csr, backward_induction_dense, bellman

    monkeypatch.setattr(bellman, "PARALLEL_MIN_ENTRIES", 0)

    rng = np.random.default_rng(5)
    S, A, H = 23, 3, 4
    P = random_kernel(rng, (H, S, A, S), 0.5)
    r = rng.random((H, S, A))
    serial, par = backward_induction_dense(P, r), backward_induction_dense(P, r, parallel=True)
    for a, b in zip(serial, par, strict=True):
        assert np.array_equal(a, b)
    T = SparseTransitions.from_dense(P)
    args = (T.indptr, T.indices, T.data, r, H, False)
    serial, par = backward_induction_csr(*args), backward_induction_csr(*args, parallel=True)
    for a, b in zip(serial, par, strict=True):
        assert np.array_equal(a, b)
    with pytest.raises(TypeError, match="parallel must be True or False"):
        backward_induction_dense(P, r, parallel=1)
