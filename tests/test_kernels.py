"""Every numba Bellman kernel equals its plain-numpy reference (mdplab.kernels.reference).

Random shapes include S = 1, A = 1 and H = 1. The kernels sum over s' in a vectorised
order (fastmath re-association), so they agree with numpy to round-off: we compare
with rtol = atol = 1e-12 on values of size <= H (rewards in [0, 1]).
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from conftest import SEEDS, finite_horizon_mdps, random_kernel
from hypothesis import given
from hypothesis import strategies as st

from mdplab.kernels import (
    backward_induction_csr,
    backward_induction_dense,
    bellman_backup_csr,
    bellman_backup_dense,
    policy_backup_csr,
    policy_backup_dense,
    policy_backward_csr,
    policy_backward_dense,
)
from mdplab.kernels import reference as ref
from mdplab.models import FiniteHorizonMDP, SparseTransitions
from mdplab.models.policy import validate_policy
from mdplab.planning import backward_induction, evaluate_policy

TOL = dict(rtol=1e-12, atol=1e-12)


@st.composite
def fh_arrays(draw, max_S=6, max_A=4, max_H=4):
    H = draw(st.integers(1, max_H))
    S = draw(st.integers(1, max_S))
    A = draw(st.integers(1, max_A))
    sparsity = draw(st.sampled_from([0.0, 0.5, 0.9]))
    rng = np.random.default_rng(draw(SEEDS))
    return dict(
        H=H, S=S, A=A,
        P=random_kernel(rng, (H, S, A, S), sparsity),
        P_stat=random_kernel(rng, (S, A, S), sparsity),
        r=rng.random((H, S, A)),
        pi=random_kernel(rng, (H, S, A), draw(st.sampled_from([0.0, 0.6]))),
    )


@st.composite
def discounted_arrays(draw, max_S=9, max_A=5):
    S = draw(st.integers(1, max_S))
    A = draw(st.integers(1, max_A))
    rng = np.random.default_rng(draw(SEEDS))
    sparsity = draw(st.sampled_from([0.0, 0.5, 0.9]))
    return dict(
        S=S, A=A,
        P=random_kernel(rng, (S, A, S), sparsity),
        r=rng.random((S, A)) * draw(st.sampled_from([1.0, 100.0])),
        gamma=draw(st.floats(0.0, 0.999)),
        V=rng.normal(size=S) * 10,
        pi_det=rng.integers(0, A, size=S).astype(np.int64),
        pi=random_kernel(rng, (S, A), 0.5),
    )


def _csr(P):
    T = SparseTransitions.from_dense(P)
    return T.indptr, T.indices, T.data


# ------------------------------------------------------------------------ finite horizon
@given(fh_arrays())
def test_backward_induction_dense_matches_reference(d):
    P, r, H = d["P"], d["r"], d["H"]
    Q, V = backward_induction_dense(P, r)
    Q_ref, V_ref = ref.backward_induction_ref(P, r)
    np.testing.assert_allclose(Q, Q_ref, **TOL)
    np.testing.assert_allclose(V, V_ref, **TOL)
    assert np.all(V[H] == 0.0)


@given(fh_arrays())
def test_backward_induction_dense_stationary_views_agree(d):
    """Broadcast view, its (S,A,S) base and a contiguous copy give the same numbers."""
    P0, r, H = d["P_stat"], d["r"], d["H"]
    S, A = P0.shape[:2]
    view = np.broadcast_to(P0, (H, S, A, S))
    Q_ref, V_ref = ref.backward_induction_ref(view, r)
    outs = [backward_induction_dense(x, r) for x in (view, P0, np.ascontiguousarray(view))]
    for Q, V in outs:
        np.testing.assert_allclose(Q, Q_ref, **TOL)
        np.testing.assert_allclose(V, V_ref, **TOL)
    # view and base use the very same kernel call: identical bits
    assert np.array_equal(outs[0][0], outs[1][0])


@given(fh_arrays(), st.booleans())
def test_backward_induction_csr_matches_reference(d, stationary):
    r, H = d["r"], d["H"]
    P = d["P_stat"] if stationary else d["P"]
    indptr, indices, data = _csr(P)
    Q, V = backward_induction_csr(indptr, indices, data, r, H, stationary)
    Q_ref, V_ref = ref.backward_induction_csr_ref(indptr, indices, data, r, H, stationary)
    np.testing.assert_allclose(Q, Q_ref, **TOL)
    np.testing.assert_allclose(V, V_ref, **TOL)
    # and the dense kernel on the same model
    Q_d, V_d = backward_induction_dense(P if not stationary else
                                        np.broadcast_to(P, (H,) + P.shape), r)
    np.testing.assert_allclose(V, V_d, **TOL)


@given(fh_arrays(), st.booleans())
def test_policy_backward_dense_and_csr_match_reference(d, stationary):
    r, H, pi = d["r"], d["H"], d["pi"]
    P = np.broadcast_to(d["P_stat"], d["P"].shape) if stationary else d["P"]
    Q, V = policy_backward_dense(P, r, pi)
    Q_ref, V_ref = ref.policy_backward_ref(P, r, pi)
    np.testing.assert_allclose(Q, Q_ref, **TOL)
    np.testing.assert_allclose(V, V_ref, **TOL)
    Pc = d["P_stat"] if stationary else d["P"]
    indptr, indices, data = _csr(Pc)
    Qc, Vc = policy_backward_csr(indptr, indices, data, r, pi, H, stationary)
    Qc_ref, Vc_ref = ref.policy_backward_csr_ref(indptr, indices, data, r, pi, H, stationary)
    np.testing.assert_allclose(Qc, Qc_ref, **TOL)
    np.testing.assert_allclose(Vc, Vc_ref, **TOL)
    np.testing.assert_allclose(Vc, V, **TOL)


@given(finite_horizon_mdps(max_S=5, max_A=3, max_H=4))
def test_planning_routes_sparse_and_dense_to_same_answer(mdp):
    """backward_induction / evaluate_policy on a sparse model equal the dense model's."""
    P = np.asarray(mdp.P)
    dense = FiniteHorizonMDP(np.array(P[0] if mdp.stationary else P), np.array(mdp.r),
                             H=mdp.H, rho=mdp.rho)
    a, b = backward_induction(mdp), backward_induction(dense)
    np.testing.assert_allclose(a.V, b.V, **TOL)
    np.testing.assert_allclose(a.Q, b.Q, **TOL)
    pi = np.random.default_rng(0).dirichlet(np.ones(mdp.A), size=(mdp.H, mdp.S))
    e1, e2 = evaluate_policy(mdp, pi), evaluate_policy(dense, pi)
    Q_ref, V_ref = ref.policy_backward_ref(P, np.asarray(mdp.r), validate_policy(pi, *mdp.shape))
    np.testing.assert_allclose(e1.V, V_ref, **TOL)
    np.testing.assert_allclose(e2.V, V_ref, **TOL)
    np.testing.assert_allclose(e1.Q, Q_ref, **TOL)


# ------------------------------------------------------------------------ discounted
@given(discounted_arrays(), st.booleans())
def test_bellman_backup_dense_matches_reference(d, parallel):
    P, r, g, V = d["P"], d["r"], d["gamma"], d["V"]
    Q, Vo = bellman_backup_dense(P, r, g, V, parallel=parallel)
    Q_ref, V_ref = ref.bellman_backup_ref(P, r, g, V)
    np.testing.assert_allclose(Q, Q_ref, rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(Vo, V_ref, rtol=1e-12, atol=1e-10)
    # in-place outputs are used and returned
    Q_out, V_out = np.empty_like(Q), np.empty_like(Vo)
    res = bellman_backup_dense(P, r, g, V, Q_out, V_out, parallel=parallel)
    assert res[0] is Q_out and res[1] is V_out
    assert np.array_equal(Q_out, Q)


@given(discounted_arrays(), st.booleans())
def test_bellman_backup_csr_matches_reference(d, parallel):
    P, r, g, V = d["P"], d["r"], d["gamma"], d["V"]
    indptr, indices, data = _csr(P)
    Q, Vo = bellman_backup_csr(indptr, indices, data, r, g, V, parallel=parallel)
    Q_ref, V_ref = ref.bellman_backup_csr_ref(indptr, indices, data, r, g, V)
    np.testing.assert_allclose(Q, Q_ref, rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(Vo, V_ref, rtol=1e-12, atol=1e-10)


@given(discounted_arrays())
def test_policy_backups_match_reference(d):
    P, r, g, V = d["P"], d["r"], d["gamma"], d["V"]
    indptr, indices, data = _csr(P)
    for pol in (d["pi_det"], d["pi"]):
        want = ref.policy_backup_ref(P, r, g, V, pol)
        np.testing.assert_allclose(policy_backup_dense(P, r, g, V, pol), want,
                                   rtol=1e-12, atol=1e-10)
        np.testing.assert_allclose(policy_backup_csr(indptr, indices, data, r, g, V, pol),
                                   ref.policy_backup_csr_ref(indptr, indices, data, r, g, V, pol),
                                   rtol=1e-12, atol=1e-10)
    # a one-hot stochastic policy is the deterministic one
    one_hot = np.eye(d["A"])[d["pi_det"]]
    np.testing.assert_allclose(policy_backup_dense(P, r, g, V, one_hot),
                               policy_backup_dense(P, r, g, V, d["pi_det"]), rtol=1e-14, atol=0)


def test_parallel_backups_are_bit_identical_for_any_thread_count():
    rng = np.random.default_rng(3)
    S, A = 203, 7  # S*A not a multiple of 4: exercises the tail rows
    P = random_kernel(rng, (S, A, S), 0.0)
    r, V = rng.random((S, A)), rng.normal(size=S)
    indptr, indices, data = _csr(random_kernel(rng, (S, A, S), 0.95))
    serial_dense = bellman_backup_dense(P, r, 0.9, V)
    serial_csr = bellman_backup_csr(indptr, indices, data, r, 0.9, V)
    before = numba.get_num_threads()
    results = []
    try:
        for n in sorted({1, numba.config.NUMBA_NUM_THREADS}):
            numba.set_num_threads(n)
            results.append((bellman_backup_dense(P, r, 0.9, V, parallel=True),
                            bellman_backup_csr(indptr, indices, data, r, 0.9, V, parallel=True)))
    finally:
        numba.set_num_threads(before)
    first_dense, first_csr = results[0]
    for dense, csr in results:  # bit-identical whatever the thread count
        assert np.array_equal(dense[0], first_dense[0]) and np.array_equal(dense[1], first_dense[1])
        assert np.array_equal(csr[0], first_csr[0]) and np.array_equal(csr[1], first_csr[1])
    # and equal to the serial kernels up to round-off
    np.testing.assert_allclose(first_dense[0], serial_dense[0], rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(first_csr[0], serial_csr[0], rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(serial_dense[0], ref.bellman_backup_ref(P, r, 0.9, V)[0],
                               rtol=1e-12, atol=1e-12)


def test_results_do_not_depend_on_memory_alignment():
    """The same P at different addresses gives the same bits (no alignment peeling)."""
    rng = np.random.default_rng(5)
    S, A, H = 37, 3, 3
    P0 = random_kernel(rng, (S, A, S))
    r = rng.random((H, S, A))
    buf = np.empty(P0.size + 8)
    outs = []
    for off in range(4):
        P1 = buf[off:off + P0.size].reshape(P0.shape)
        P1[...] = P0
        outs.append(backward_induction_dense(P1, r)[0])
    assert all(np.array_equal(outs[0], o) for o in outs[1:])


# ------------------------------------------------------------------------ input errors
def test_kernel_wrappers_reject_bad_shapes_before_compiling():
    P = np.full((2, 3, 2, 3), 1 / 3)
    r = np.zeros((2, 3, 2))
    with pytest.raises(ValueError, match="r has shape"):
        backward_induction_dense(P, np.zeros((3, 3, 2)))
    with pytest.raises(ValueError, match="P has shape"):
        backward_induction_dense(np.full((2, 3, 2, 2), 0.5), r)
    with pytest.raises(ValueError, match="pi has shape"):
        policy_backward_dense(P, r, np.full((2, 3, 3), 1 / 3))
    with pytest.raises(ValueError, match="indptr has shape"):
        backward_induction_csr(np.array([0, 1]), np.array([0]), np.array([1.0]), r, 2, True)
    indptr, indices, data = _csr(np.full((3, 2, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"indices\[0\] is 5"):
        bellman_backup_csr(indptr, indices + 5, data, np.zeros((3, 2)), 0.5, np.zeros(3))
    bad_ptr = indptr.copy()
    bad_ptr[2], bad_ptr[3] = bad_ptr[3], bad_ptr[2]
    with pytest.raises(ValueError, match="nondecreasing"):
        policy_backup_csr(bad_ptr, indices, data, np.zeros((3, 2)), 0.5, np.zeros(3),
                          np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="gamma"):
        bellman_backup_dense(np.full((3, 2, 3), 1 / 3), np.zeros((3, 2)), 1.0, np.zeros(3))
    with pytest.raises(ValueError, match="V has shape"):
        bellman_backup_dense(np.full((3, 2, 3), 1 / 3), np.zeros((3, 2)), 0.5, np.zeros(4))
    with pytest.raises(ValueError, match="Q_out has shape"):
        bellman_backup_dense(np.full((3, 2, 3), 1 / 3), np.zeros((3, 2)), 0.5, np.zeros(3),
                             Q_out=np.empty((2, 3)))
    with pytest.raises(ValueError, match=r"policy\[1\] is 2"):
        policy_backup_dense(np.full((3, 2, 3), 1 / 3), np.zeros((3, 2)), 0.5, np.zeros(3),
                            np.array([0, 2, 1]))
    with pytest.raises(TypeError, match="P must be a real numeric array"):
        backward_induction_dense(np.full((1, 1, 1, 1), "x"), np.zeros((1, 1, 1)))


@given(st.integers(1, 6), st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_greedy_actions_equals_numpy_argmax_with_ties(n, A, seed):
    from mdplab.kernels import greedy_actions
    from mdplab.kernels.reference import greedy_actions_ref

    rng = np.random.default_rng(seed)
    Q = rng.integers(0, 3, size=(2, n, A)).astype(float)  # many exact ties
    np.testing.assert_array_equal(greedy_actions(Q), greedy_actions_ref(Q))
    assert greedy_actions(Q).dtype == np.int64


@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.booleans(),
       st.integers(0, 2**31 - 1))
def test_fused_policy_is_first_maximiser_with_ties(S, A, H, stationary, seed):
    """backward_induction's policy (computed inside the kernel) = np.argmax(Q*), i.e. the
    lowest optimal action, also when actions tie exactly (duplicated rows, grid rewards)."""
    rng = np.random.default_rng(seed)
    shape = (S, A) if stationary else (H, S, A)
    P = rng.dirichlet(np.ones(S), size=shape)
    P[..., -1, :] = P[..., 0, :]  # the last action duplicates the first: exact ties
    r = rng.integers(0, 3, size=shape) / 2.0
    r[..., -1] = r[..., 0]
    mdp = FiniteHorizonMDP(P, r, H=H)
    sol = backward_induction(mdp)
    np.testing.assert_array_equal(sol.policy, np.argmax(sol.Q, axis=-1))
    Q_ref, V_ref = ref.backward_induction_ref(np.asarray(mdp.P), np.asarray(mdp.r))
    np.testing.assert_allclose(sol.Q, Q_ref, rtol=0, atol=1e-12)
