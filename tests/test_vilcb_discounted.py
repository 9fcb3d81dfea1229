"""Discounted VI-LCB (Bernstein, Li et al. 2022; splitting, Rashidinejad et al. 2021), its
numba kernels against the numpy reference, the hard family and the bound functions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mdplab import DiscountedMDP
from mdplab.algorithms.offline import (
    BernsteinVILCBResult,
    bernstein_penalty,
    discounted_data_dependent_bound,
    discounted_event,
    discounted_suboptimality,
    discounted_two_point_lower_bound,
    lemma2_distance_bound,
    li2022_log_term,
    li2022_lower_bound_sample_size,
    li2022_rate,
    li2022_sample_size,
    li2022_tau_max,
    pessimistic_operator,
    rzmjr21_iterations,
    rzmjr21_rate,
    split_fold_counts,
    vi_lcb_bernstein,
    vi_lcb_split,
    vi_lcb_split_from_folds,
)
from mdplab.coverage import concentrability
from mdplab.envs import bernoulli_kl, hard_discounted, hard_discounted_instance, make
from mdplab.kernels import pessimism_discounted as K
from mdplab.kernels import pessimism_discounted_reference as R
from mdplab.planning import evaluate_policy, policy_iteration
from mdplab.sampling import OfflineDataset, sample_iid


def _model(seed=0, S=6, A=3, gamma=0.9):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(0.5 * np.ones(S), size=(S, A))
    return DiscountedMDP(P, rng.random((S, A)), gamma, rho=rng.dirichlet(np.ones(S)))


def _sparse_mu(seed, S, A):
    rng = np.random.default_rng(seed)
    w = rng.random((S, A)) * (rng.random((S, A)) > 0.35)
    w[0, 0] += 0.01
    return w / w.sum()


@pytest.fixture(scope="module")
def setup():
    mdp = _model()
    data = sample_iid(mdp, _sparse_mu(1, 6, 3), 400, 2)
    assert (data.n == 0).any()                      # unseen pairs are exercised
    return mdp, data


# ------------------------------------------------------------------ kernels vs reference
@pytest.mark.parametrize("gamma,c_log", [(0.5, 0.0), (0.9, 3.0), (0.99, 200.0)])
def test_operator_kernel_matches_reference(setup, gamma, c_log):
    mdp, data = setup
    rng = np.random.default_rng(3)
    for _ in range(5):
        Q = rng.random((6, 3)) / (1 - gamma)
        kw = dict(gamma=gamma, c_log=c_log, add=5.0 / data.N)
        a = K.pe_operator(Q, data.P_hat, mdp.r, data.n, **kw)
        b = R.pe_operator(Q, data.P_hat, mdp.r, data.n, **kw)
        for x, y in zip(a, b, strict=True):
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(K.pe_penalty(data.P_hat, data.n, Q.max(1), **kw), b[1],
                                   rtol=1e-12, atol=1e-12)


def test_iterate_kernel_matches_reference(setup):
    mdp, data = setup
    kw = dict(gamma=0.9, c_log=0.5, add=5.0 / data.N, tau_max=500, tol=1e-12, record=True)
    Qk, Vk, itk, chk, hk = K.pe_iterate(data.P_hat, mdp.r, data.n, **kw)
    Qr, Vr, itr, chr_, hr = R.pe_iterate(data.P_hat, mdp.r, data.n, **kw)
    assert itk == itr and 1 < itk < 500
    np.testing.assert_allclose(Qk, Qr, atol=1e-12)
    np.testing.assert_allclose(hk, hr, atol=1e-12)
    np.testing.assert_allclose(Vk, Qk.max(axis=1))
    assert hk.shape == (itk + 1, 6, 3) and np.all(hk[0] == 0)


def test_split_kernel_matches_reference():
    rng = np.random.default_rng(5)
    nn = rng.integers(0, 3, size=(40, 5, 2, 5)) * (rng.random((40, 5, 2, 1)) > 0.3)
    rf = rng.random((40, 5, 2))
    for c_pen in (0.05, 0.5, 5.0):
        a = K.split_iterate(nn, rf, gamma=0.8, c_pen=c_pen, v_max=5.0)
        b = R.split_iterate(nn, rf, gamma=0.8, c_pen=c_pen, v_max=5.0)
        np.testing.assert_allclose(a[0], b[0], atol=1e-12)
        np.testing.assert_array_equal(a[1], b[1])
        np.testing.assert_allclose(a[2], b[2], atol=1e-12)


# ------------------------------------------------------------------ the penalty (28) by hand
def test_penalty_matches_eq_28_in_every_regime():
    S, A, gamma, delta = 3, 4, 0.9, 0.1
    n = np.array([[0, 1, 50, 4000]] * S)
    nn = np.zeros((S, A, S), dtype=int)
    for s in range(S):
        for a in range(A):
            if n[s, a]:
                nn[s, a, 0] = n[s, a] // 2
                nn[s, a, 2] = n[s, a] - n[s, a] // 2
    V = np.array([0.0, 4.0, 9.0])
    N = int(n.sum())
    for c_b in (144.0, 1.0, 0.01):
        b = bernstein_penalty((n, nn), V, gamma, delta=delta, c_b=c_b)
        L = math.log(N / ((1 - gamma) * delta))
        for a in range(A):
            if n[0, a] == 0:
                want = 1 / (1 - gamma)
            else:
                p = nn[0, a] / n[0, a]
                m = p @ V
                var = p @ (V - m) ** 2
                want = min(max(math.sqrt(c_b * L * var / n[0, a]),
                               2 * c_b * L / ((1 - gamma) * n[0, a])), 1 / (1 - gamma))
            assert b[0, a] == pytest.approx(want + 5 / N, rel=1e-12)
    # the three regimes are all visited: cap, linear term, variance term
    b1 = bernstein_penalty((n, nn), V, gamma, delta=delta, c_b=1.0) - 5 / N
    assert b1[0, 1] == pytest.approx(10.0) and b1[0, 3] < 1.0


# ------------------------------------------------------------------ Algorithm 1
def test_vi_lcb_bernstein_defaults_inputs_and_result(setup):
    mdp, data = setup
    res = vi_lcb_bernstein(data, mdp.r, 0.9, c_b=1.0)
    assert isinstance(res, BernsteinVILCBResult)
    assert res.n_iter == li2022_tau_max(data.N, 0.9) == math.ceil(math.log(400 / 0.1) / 0.1)
    assert res.params["c_b"] == 1.0 and not res.stopped_by_tol
    np.testing.assert_array_equal(res.policy, np.argmax(res.Q, axis=1))
    np.testing.assert_allclose(res.V, res.Q.max(axis=1))
    assert np.all(res.Q[np.asarray(data.n) == 0] == 0)          # unseen pairs get Q = 0
    assert np.all(res.Q >= 0) and np.all(res.Q <= 1 / (1 - 0.9))
    # counts give the same result as the dataset
    res2 = vi_lcb_bernstein((data.n, data.nn), mdp.r, 0.9, c_b=1.0)
    np.testing.assert_array_equal(res.Q, res2.Q)
    # the reported penalty is b(.; V_hat) at the returned V_hat
    np.testing.assert_allclose(res.penalty, bernstein_penalty(data, res.V, 0.9, c_b=1.0))
    np.testing.assert_allclose(res.next_value, data.P_hat @ res.V)
    # tol stops early; Lemma 1: from any start in the box the same fixed point
    a = vi_lcb_bernstein(data, mdp.r, 0.9, c_b=1.0, tau_max=10_000, tol=1e-13)
    b = vi_lcb_bernstein(data, mdp.r, 0.9, c_b=1.0, tau_max=10_000, tol=1e-13,
                         Q0=np.full((6, 3), 10.0))
    assert a.stopped_by_tol and a.n_iter < 10_000
    np.testing.assert_allclose(a.Q, b.Q, atol=1e-11)
    np.testing.assert_allclose(pessimistic_operator(a.Q, data, mdp.r, 0.9, c_b=1.0), a.Q,
                               atol=1e-12)


def test_vi_lcb_bernstein_rejects_bad_input(setup):
    mdp, data = setup
    with pytest.raises(ValueError, match="r has shape"):
        vi_lcb_bernstein(data, mdp.r[:, :2], 0.9)
    with pytest.raises(ValueError, match=r"r\[0, 0\] is 2"):
        vi_lcb_bernstein(data, np.full((6, 3), 2.0), 0.9)
    with pytest.raises(ValueError, match="delta is 1"):
        vi_lcb_bernstein(data, mdp.r, 0.9, delta=1.0)
    with pytest.raises(ValueError, match="c_b is -1"):
        vi_lcb_bernstein(data, mdp.r, 0.9, c_b=-1.0)
    with pytest.raises(ValueError, match="gamma is 1"):
        vi_lcb_bernstein(data, mdp.r, 1.0)
    with pytest.raises(ValueError, match=r"nn\[0, 0, :\] sums to"):
        vi_lcb_bernstein((data.n + 1, data.nn), mdp.r, 0.9)
    with pytest.raises(TypeError, match="OfflineDataset or a pair"):
        vi_lcb_bernstein(np.zeros(3), mdp.r, 0.9)
    fh = OfflineDataset(s=[0], a=[0], s_next=[1], S=6, A=3, H=2)
    with pytest.raises(ValueError, match="H = 2"):
        vi_lcb_bernstein(fh, mdp.r, 0.9)
    with pytest.raises(ValueError, match="no sample"):
        vi_lcb_bernstein((np.zeros((6, 3), int), np.zeros((6, 3, 6), int)), mdp.r, 0.9)


def test_event_bound_and_pessimism_on_a_known_model():
    mdp = _model(seed=7, gamma=0.9)
    data = sample_iid(mdp, np.full((6, 3), 1 / 18), 20_000, 8)
    res = vi_lcb_bernstein(data, mdp.r, 0.9, c_b=1.0, tau_max=10_000, tol=1e-13)
    ev = discounted_event(mdp, res)
    assert ev["holds"] and ev["worst_excess"] < 0
    Qpi = evaluate_policy(mdp, res.policy).Q
    assert np.all(res.Q <= Qpi + 1e-9)                              # claim 3(a)
    gap = policy_iteration(mdp).value - mdp.rho @ res.V
    bound = discounted_data_dependent_bound(mdp, res)
    tight = discounted_data_dependent_bound(mdp, res, factor=1.9 / 0.1)
    assert 0 <= discounted_suboptimality(mdp, res.policy) <= gap <= tight <= bound
    # without a penalty the event fails (|(P_hat - P) V| > 5/N somewhere)
    plug = vi_lcb_bernstein(data, mdp.r, 0.9, c_b=0.0, tau_max=10_000, tol=1e-13)
    assert not discounted_event(mdp, plug)["holds"]


# ------------------------------------------------------------------ splitting VI-LCB
def test_vi_lcb_split_structure_and_reproducibility():
    mdp = _model(seed=3, gamma=0.9)
    data = sample_iid(mdp, np.full((6, 3), 1 / 18), 5000, 4)
    res = vi_lcb_split(data, 0.9, c_L=1e-4, rng=11)
    T = rzmjr21_iterations(5000, 0.9)
    assert T == math.ceil(math.log(5000) / 0.1) == res.params["T"]
    assert res.params["m"] == 5000 // (T + 1)
    assert res.params["unused"] == 5000 - (T + 1) * res.params["m"]
    assert res.V_history.shape == (T + 1, 6) and np.all(res.V_history[0] == 0)
    assert np.all(np.diff(res.V_history, axis=0) >= 0) and res.V.max() > 0
    again = vi_lcb_split(data, 0.9, c_L=1e-4, rng=11)
    np.testing.assert_array_equal(res.V_history, again.V_history)
    # deterministic rewards: fold means = known rewards where the pair is present
    known = vi_lcb_split(data, 0.9, c_L=1e-4, rng=11, r=mdp.r)
    np.testing.assert_allclose(known.V_history, res.V_history, atol=1e-12)
    nn, rf, m = split_fold_counts(data, 0.9, 11)
    assert nn.sum() == (T + 1) * m and rf.shape == (T + 1, 6, 3)
    # the paper's c_L = 2000 is so conservative that nothing is learned here
    assert np.all(vi_lcb_split(data, 0.9, rng=1).V == 0)
    with pytest.raises(ValueError, match="needs N >= "):
        vi_lcb_split(sample_iid(mdp, np.full((6, 3), 1 / 18), 30, 0), 0.9)
    with pytest.raises(ValueError, match="exactly one of r"):
        vi_lcb_split_from_folds(nn, 0.9, N=5000)


# ------------------------------------------------------------------ hard family
@pytest.mark.parametrize("S,gamma,C,eps", [(10, 0.9, 2.0, 0.5), (4, 0.9, 1.0, 0.238),
                                           (16, 0.99, 4.0, 2.38)])
def test_hard_discounted_facts(S, gamma, C, eps):
    for theta in (0, 1):
        inst = hard_discounted_instance(S=S, gamma=gamma, C=C, epsilon=eps, theta=theta)
        mdp = inst.mdp
        # mu stationary under the uniform behaviour, to 1e-12
        Pb = np.einsum("sa,sat->st", inst.behaviour, mdp.P)
        assert np.max(np.abs(inst.mu @ Pb - inst.mu)) <= 1e-12
        np.testing.assert_allclose(inst.d_b, np.repeat(inst.mu[:, None] / 2, 2, axis=1))
        sol = policy_iteration(mdp)
        assert sol.policy[0] == theta
        wrong = sol.policy.copy()
        wrong[0] = 1 - theta
        cost = sol.V[0] - evaluate_policy(mdp, wrong).V[0]
        assert cost == pytest.approx(2 * eps, abs=1e-10 / (1 - gamma))
        assert inst.value_gap == pytest.approx(2 * eps, abs=1e-10 / (1 - gamma))
        cc = concentrability(mdp, sol.policy, inst.behaviour, rho_b=inst.mu)
        assert cc.clipped_value == pytest.approx(C, rel=1e-12)
        assert cc.clipped_argmax == (0, theta) and cc.value > 2 * C
        assert inst.p >= gamma and 0 < inst.q < inst.p and 0 < inst.u < 1


def test_hard_discounted_kl_and_registry():
    inst = hard_discounted_instance(S=6, gamma=0.9, C=2.0, epsilon=0.2, theta=0)
    other = hard_discounted_instance(S=6, gamma=0.9, C=2.0, epsilon=0.2, theta=1)
    # KL of one sample (s, a, s') between the two hypotheses, computed from the kernels
    P0, P1 = np.asarray(inst.mdp.P), np.asarray(other.mdp.P)
    kl = sum(inst.d_b[s, a] * sum(P0[s, a, t] * math.log(P0[s, a, t] / P1[s, a, t])
                                  for t in range(6) if P0[s, a, t] > 0)
             for s in range(6) for a in range(2) if inst.d_b[s, a] > 0)
    assert inst.kl_per_sample == pytest.approx(kl, rel=1e-12)
    assert bernoulli_kl(0.5, 0.5) == 0 and bernoulli_kl(0.3, 0.0) == math.inf
    np.testing.assert_array_equal(make("hard_discounted", S=6, gamma=0.9, C=2.0, epsilon=0.2).P,
                                  P0)
    assert hard_discounted().S == 10
    with pytest.raises(ValueError, match="C >= 4/S"):
        hard_discounted_instance(S=4, C=0.5)
    with pytest.raises(ValueError, match="epsilon must be below"):
        hard_discounted_instance(S=4, gamma=0.9, C=1.0, epsilon=100.0)
    with pytest.raises(ValueError, match="theta is 2"):
        hard_discounted_instance(theta=2)


# ------------------------------------------------------------------ bounds
def test_bound_functions():
    assert discounted_two_point_lower_bound(0, 0.3) == 0.5
    vals = [discounted_two_point_lower_bound(N, 1e-3) for N in (10, 100, 1000, 10_000)]
    assert all(a > b > 0 for a, b in zip(vals, vals[1:], strict=False))
    assert discounted_two_point_lower_bound(10_000, 1e-3) == pytest.approx(0.25 * math.exp(-10))
    assert lemma2_distance_bound(0, 0.9) == pytest.approx(10.0)
    assert lemma2_distance_bound(3, 0.5) == pytest.approx(0.25)
    thr = li2022_sample_size(10**6, 5, 2.0, 0.9, 1.0, 0.05)
    L = li2022_log_term(10**6, 0.9, 0.05)
    assert thr == pytest.approx(21000 * 144 * 5 * 2 * L / 0.1**3)
    assert li2022_sample_size(10**6, 5, 2.0, 0.9, 1.0, 0.05, log_arg="proof") > thr
    eps = li2022_rate(10**6, 5, 2.0, 0.9, 0.05, c_1=1.0)
    assert li2022_sample_size(10**6, 5, 2.0, 0.9, eps, 0.05, c_1=1.0) == pytest.approx(10**6)
    assert li2022_lower_bound_sample_size(4, 2.0, 0.9, 0.2) == pytest.approx(
        4 * 2 / (25088 * 0.1**3 * 0.04))
    with pytest.raises(ValueError, match="gamma in \\[2/3, 1\\)"):
        li2022_lower_bound_sample_size(4, 2.0, 0.5, 0.2)
    with pytest.raises(ValueError, match="epsilon is"):
        li2022_lower_bound_sample_size(4, 2.0, 0.9, 1.0)
    assert rzmjr21_rate(400, 4, 1.0, 0.9, c=2.0) == pytest.approx(2 * math.sqrt(4 / (1e-5 * 400)))
    with pytest.raises(ValueError, match="log_arg"):
        li2022_rate(10, 2, 1.0, 0.9, 0.05, log_arg="x")


def test_count_sampler_of_the_claims_has_the_law_of_sample_iid():
    from proofs_checks.li2022_discounted import _iid_counts

    mdp = _model(seed=9, S=3, A=2)
    mu = np.array([[0.3, 0.1], [0.2, 0.2], [0.15, 0.05]])
    rng = np.random.default_rng(0)
    reps, N = 1500, 40
    a = np.array([_iid_counts(mu, np.asarray(mdp.P), N, rng)[1] for _ in range(reps)])
    b = np.array([np.asarray(sample_iid(mdp, mu, N, rng).nn) for _ in range(reps)])
    se = np.sqrt((a.var(0) + b.var(0)) / reps) + 1e-12
    assert np.max(np.abs(a.mean(0) - b.mean(0)) / se) < 5
    np.testing.assert_allclose(a.mean(0), N * mu[..., None] * mdp.P, atol=0.2)
