"""The shared pessimistic backward-induction kernel against its numpy reference, and the
exact checks (event E, decomposition) on hand-made results."""

from __future__ import annotations

import numpy as np
import pytest

from mdplab import FiniteHorizonMDP
from mdplab.algorithms.offline import (
    PessimisticResult,
    data_dependent_bound,
    decomposition,
    event_E,
    suboptimality,
)
from mdplab.kernels.pessimism import pessimistic_induction
from mdplab.kernels.pessimism_reference import pessimistic_induction as reference


@pytest.mark.parametrize("seed", range(40))
def test_kernel_matches_reference(seed):
    rng = np.random.default_rng(seed)
    H, S, A = (int(x) for x in rng.integers(1, 6, size=3))
    n = rng.integers(0, 4, size=(H, S, A)).astype(float)
    P = rng.dirichlet(np.ones(S), size=(H, S, A)) * (n > 0)[..., None]  # zero rows where n=0
    r = rng.random((H, S, A))
    valid = rng.random((S, A)) < 0.8
    arrival = rng.random((H, S)) if seed % 2 else None
    for kw in (dict(fixed_penalty=rng.random((H, S, A))),
               dict(n=n, c_var=3 * rng.random(), c_lin=rng.random(), clip_upper=False),
               dict(n=n, c_var=1.0, c_lin=0.5, cap=np.full(H, float(H)))):
        got = pessimistic_induction(P, r, arrival=arrival, valid=valid, return_backup=True,
                                    **kw)
        want = reference(P, r, arrival=arrival, valid=valid, return_backup=True, **kw)
        for g, w in zip(got, want, strict=True):
            np.testing.assert_allclose(g, w, rtol=0, atol=1e-12)


def test_zero_penalty_on_the_true_model_is_backward_induction():
    from mdplab.planning import backward_induction

    rng = np.random.default_rng(1)
    H, S, A = 4, 5, 3
    mdp = FiniteHorizonMDP(rng.dirichlet(np.ones(S), size=(H, S, A)), rng.random((H, S, A)))
    Q, V, pi, _ = pessimistic_induction(mdp.P, mdp.r, fixed_penalty=np.zeros((H, S, A)))
    sol = backward_induction(mdp)
    np.testing.assert_allclose(Q, sol.Q, atol=1e-12)
    np.testing.assert_array_equal(pi, sol.policy)


def _result_on(mdp, P_hat, penalty):
    Q, V, pi, pen = pessimistic_induction(P_hat, mdp.r, fixed_penalty=penalty)
    backup = np.stack([mdp.r[h] + P_hat[h] @ V[h + 1] for h in range(mdp.H)])
    return PessimisticResult(pi, Q, V, pen, backup, "test")


def test_decomposition_identity_and_bound_on_E():
    rng = np.random.default_rng(2)
    H, S, A = 5, 6, 3
    mdp = FiniteHorizonMDP(rng.dirichlet(np.ones(S), size=(H, S, A)), rng.random((H, S, A)))
    for _ in range(20):
        P_hat = rng.dirichlet(np.ones(S) * 5, size=(H, S, A)) * 0.3 + 0.7 * mdp.P
        res = _result_on(mdp, P_hat, penalty=np.full((H, S, A), 0.5 * rng.random()))
        dec = decomposition(mdp, res)
        np.testing.assert_allclose(dec["total"], dec["suboptimality"], atol=1e-10)
        assert np.all(dec["optimisation"] <= 1e-12)  # pi_hat is greedy in Q_hat
        if event_E(mdp, res)["holds"]:
            bound = data_dependent_bound(mdp, res.penalty)
            assert np.all(suboptimality(mdp, res.policy) <= bound + 1e-10)
            assert np.all(res.V[0] <= _v_pi(mdp, res) + 1e-10)  # pessimism


def _v_pi(mdp, res):
    from mdplab.planning import evaluate_policy

    return evaluate_policy(mdp, res.policy).V[0]


def test_event_E_detects_a_too_small_penalty():
    rng = np.random.default_rng(3)
    H, S, A = 3, 4, 2
    mdp = FiniteHorizonMDP(rng.dirichlet(np.ones(S), size=(H, S, A)), rng.random((H, S, A)))
    P_hat = rng.dirichlet(np.ones(S), size=(H, S, A))
    assert event_E(mdp, _result_on(mdp, P_hat, np.full((H, S, A), float(H))))["holds"]
    assert not event_E(mdp, _result_on(mdp, P_hat, np.zeros((H, S, A))))["holds"]


@pytest.mark.parametrize("seed", range(10))
def test_csr_counts_and_bernstein_induction_match_the_dense_path(seed):
    from mdplab.kernels.pessimism import bernstein_induction_csr, csr_counts

    rng = np.random.default_rng(seed)
    H, S, A = (int(x) for x in rng.integers(1, 6, size=3))
    N = int(rng.integers(0, 300))
    h, s, a, sn = (rng.integers(0, m, N) for m in (H, S, A, S))
    indptr, idx, cnt, n = csr_counts(h, s, a, sn, H, S, A)
    nn = np.zeros((H, S, A, S))
    np.add.at(nn, (h, s, a, sn), 1)
    np.testing.assert_array_equal(n, nn.sum(axis=3))
    dense = np.zeros_like(nn)
    for row in range(H * S * A):
        for j in range(indptr[row], indptr[row + 1]):
            dense.reshape(-1, S)[row, idx[j]] += cnt[j]
    np.testing.assert_array_equal(dense, nn)
    r = rng.random((H, S, A))
    Q, V, pi, pen, backup = bernstein_induction_csr(indptr, idx, cnt, n, r, c_var=2.0,
                                                    c_lin=0.3)
    P = nn / np.maximum(n, 1)[..., None]
    want = reference(P, r, n=n, c_var=2.0, c_lin=0.3, clip_upper=False)
    for g, w in zip((Q, V, pi, pen), want, strict=True):
        np.testing.assert_allclose(g, w, atol=1e-12)
    np.testing.assert_allclose(backup, r + np.einsum("hsat,ht->hsa", P, V[1:]), atol=1e-12)
