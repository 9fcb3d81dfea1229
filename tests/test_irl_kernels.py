"""The IRL numba kernels against their numpy references, and the set's dispatch to them."""

from __future__ import annotations

import numpy as np
import pytest

from mdplab.algorithms.irl import FeasibleRewardSet
from mdplab.kernels import irl as K
from mdplab.kernels import irl_reference as ref


def problem(H, S, A, seed, stochastic=False):
    g = np.random.default_rng(seed)
    P = g.dirichlet(np.ones(S), size=(H, S, A))
    if stochastic:
        pi = g.random((H, S, A)) * (g.random((H, S, A)) < 0.6)
        pi[..., 0] += 0.3
        pi /= pi.sum(axis=2, keepdims=True)
    else:
        pi = np.eye(A)[g.integers(A, size=(H, S))]
    return P, pi


@pytest.mark.parametrize("seed", range(8))
def test_violation_and_gap_kernels_equal_their_references(seed):
    g = np.random.default_rng(100 + seed)
    H, S, A = int(g.integers(1, 5)), int(g.integers(1, 5)), int(g.integers(1, 4))
    P, pi = problem(H, S, A, seed, stochastic=seed % 2 == 1)
    R = np.concatenate([g.uniform(-1, 1, (20, H, S, A)),
                        FeasibleRewardSet(P, pi).sample(10, rng=seed).rewards])
    played = pi > 0
    np.testing.assert_allclose(K.expert_violation(P, pi, played, R),
                               ref.expert_violation_ref(P, pi, played, R), rtol=0, atol=1e-12)
    constrained = g.random((H, S)) < 0.7
    np.testing.assert_allclose(K.optimal_gap(P, pi, constrained, R),
                               ref.optimal_gap_ref(P, pi, constrained, R), rtol=0, atol=1e-12)


@pytest.mark.parametrize("support", ["all", "expert"])
@pytest.mark.parametrize("stochastic", [False, True])
def test_violation_dispatch_equals_the_numpy_path(support, stochastic):
    P, pi = problem(3, 4, 3, 5, stochastic)
    rho = np.array([1.0, 0.0, 0.0, 0.0])
    R = FeasibleRewardSet(P, pi, support=support, rho=rho)
    rs = np.concatenate([np.random.default_rng(0).uniform(-1, 1, (30, 3, 4, 3)),
                         R.sample(30, rng=1).rewards])
    fast = R.violation(rs)
    slow = R._violation_numpy(rs)
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-12)
    assert isinstance(R.violation(rs[0]), float)
    assert R.violation(rs[0]) == pytest.approx(slow[0], abs=1e-12)
    assert list(R.contains(rs)) == [R.contains(r) for r in rs]
    assert R.contains(rs[30:]).all()


def test_a_subclass_that_overrides_the_advantage_is_not_bypassed():
    class Zero(FeasibleRewardSet):
        def advantage(self, r):
            return np.zeros(self._rewards(r).shape)

    P, pi = problem(2, 3, 2, 0)
    r = np.random.default_rng(0).uniform(-1, 1, (2, 3, 2))
    assert FeasibleRewardSet(P, pi).violation(r) > 0
    assert Zero(P, pi).violation(r) == 0.0


@pytest.mark.parametrize("stochastic", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_hit_and_run_kernel_equals_its_reference(stochastic, seed):
    P, pi = problem(3, 3, 2, seed, stochastic)
    R = FeasibleRewardSet(P, pi)
    n = R.n
    g = np.random.default_rng(seed)
    T = 150      # longer chains drift apart (see the next test)
    normals, uniforms = g.standard_normal((T, n)), g.random(T)
    record = g.random(T) < 0.3
    basis = np.zeros((n, 0)) if R._equality_basis is None else R._equality_basis
    x1 = R.interior_point().reshape(-1).copy()
    x2 = x1.copy()
    out1, out2 = np.empty((T, n)), np.empty((T, n))
    k1 = K.hit_and_run_chain(P, pi, pi > 0, -1.0, 1.0, x1, normals, uniforms,
                             np.ascontiguousarray(basis), record, out1)
    k2 = ref.hit_and_run_chain_ref(P, pi, pi > 0, -1.0, 1.0, x2, normals, uniforms, basis,
                                   record, out2)
    assert k1 == k2 == record.sum()
    np.testing.assert_allclose(out1[:k1], out2[:k2], rtol=0, atol=1e-8)
    np.testing.assert_allclose(x1, x2, rtol=0, atol=1e-8)
    assert R.contains(out1[:k1].reshape(-1, 3, 3, 2), tol=1e-9).all()
    assert np.abs(np.diff(out1[:k1], axis=0)).max() > 1e-3      # it moves


def test_hit_and_run_kernel_and_the_chord_method_agree_over_short_chains():
    """The set's kernel path and its Python path (taken when a subclass overrides the chord)
    consume the same random numbers; over 150 steps they agree to round-off (longer chains
    drift apart: the chord ends amplify differences of 1e-16)."""
    class ViaChord(FeasibleRewardSet):
        def _chord_linear(self, x, d):
            return FeasibleRewardSet._chord_linear(self, x, d)

    P, pi = problem(3, 3, 2, 0)
    a = FeasibleRewardSet(P, pi).sample(150, method="hit_and_run", rng=1, burn_in=0, thin=1)
    b = ViaChord(P, pi).sample(150, method="hit_and_run", rng=1, burn_in=0, thin=1)
    np.testing.assert_allclose(a.rewards, b.rewards, rtol=0, atol=1e-8)
    assert a.steps == b.steps == 150
