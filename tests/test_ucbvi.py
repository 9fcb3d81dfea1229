"""UCBVI-CH / UCBVI-BF / rlberry mode: kernel = reference, reproducibility, exact regret,
the papers' formulas recomputed independently, invariants and input validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

import mdplab.algorithms.online.ucb_value_iteration as U
from mdplab.algorithms.online.ucb_value_iteration import (
    ucbvi,
    ucbvi_bf_regret_bound,
    ucbvi_ch_regret_bound,
    ucbvi_log,
)
from mdplab.models import FiniteHorizonMDP
from mdplab.planning import backward_induction, evaluate_policy

FIELDS = ("regret", "pseudo_regret", "returns", "initial_states", "policy", "counts")


def l1s(S=4, A=2, H=3, seed=0, reward_dist="bernoulli", rho=None):
    """Spec §3 L1s(S, A, H, seed): P0[s, a] ~ Dirichlet(1) (s, a lexicographic), then
    r0 ~ U(0, 1)^(S x A), rho = e_0."""
    rng = np.random.default_rng(seed)
    P0 = np.empty((S, A, S))
    for s in range(S):
        for a in range(A):
            P0[s, a] = rng.dirichlet(np.ones(S))
    r0 = rng.uniform(0, 1, (S, A))
    return FiniteHorizonMDP(P0, r0, H=H, rho=rho, reward_dist=reward_dist)


def chain(S=4, H=5):
    """Deterministic chain: action 0 goes left (stays at 0), action 1 goes right (stays at
    S-1); reward 1 at the right end with action 1, 0.1 at state 0 with action 0."""
    P = np.zeros((S, 2, S))
    r = np.zeros((S, 2))
    for s in range(S):
        P[s, 0, max(s - 1, 0)] = 1.0
        P[s, 1, min(s + 1, S - 1)] = 1.0
    r[S - 1, 1] = 1.0
    r[0, 0] = 0.1
    return FiniteHorizonMDP(P, r, H=H, rho=np.full(S, 1.0 / S))


def _same(a, b):
    for f in FIELDS:
        assert np.array_equal(getattr(a, f), getattr(b, f)), f
    for key in ("optimistic_values", "bf_minus_ch", "final_q", "nprime"):
        assert np.array_equal(a.diagnostics[key], b.diagnostics[key], equal_nan=True), key


@pytest.mark.parametrize("bonus", ["ch", "bf", "rlberry"])
@pytest.mark.parametrize("scale", [1.0, 0.05])
@pytest.mark.parametrize("dist,known", [("bernoulli", None), ("deterministic", None),
                                        ("bernoulli", False), ("bernoulli", True)])
def test_kernel_equals_numpy_reference_bit_for_bit(bonus, scale, dist, known):
    m = l1s(seed=3, reward_dist=dist, rho=np.array([0.1, 0.2, 0.3, 0.4]))
    a = ucbvi(m, 150, bonus=bonus, bonus_scale=scale, rng=7, known_rewards=known, record_q=True)
    b = ucbvi(m, 150, bonus=bonus, bonus_scale=scale, rng=7, known_rewards=known, record_q=True,
              backend="numpy")
    _same(a, b)
    for key in ("q_history", "policy_history", "count_history", "nprime_history"):
        assert np.array_equal(a.diagnostics[key], b.diagnostics[key]), key


def test_same_seed_same_run_and_block_size_does_not_matter(monkeypatch):
    m = l1s(seed=1)
    a = ucbvi(m, 500, bonus="bf", rng=11)
    b = ucbvi(m, 500, bonus="bf", rng=np.random.default_rng(11))
    _same(a, b)
    monkeypatch.setattr(U, "_BLOCK", 37)
    c = ucbvi(m, 500, bonus="bf", rng=11)
    _same(a, c)
    d = ucbvi(m, 500, bonus="bf", rng=12)
    assert not np.array_equal(a.initial_states, d.initial_states) or not np.array_equal(
        a.returns, d.returns)


@pytest.mark.parametrize("bonus", ["ch", "bf", "rlberry"])
def test_exact_regret_equals_policy_evaluation(bonus):
    m = l1s(seed=2, rho=np.array([0.4, 0.3, 0.2, 0.1]))
    res = ucbvi(m, 60, bonus=bonus, bonus_scale=0.05, rng=5, record_q=True)
    sol = backward_induction(m)
    assert res.optimal_value == pytest.approx(sol.value, abs=1e-14)
    for k in range(res.K):
        ev = evaluate_policy(m, res.diagnostics["policy_history"][k])
        assert res.regret[k] == pytest.approx(sol.value - ev.value, abs=1e-12)
        s0 = res.initial_states[k]
        assert res.pseudo_regret[k] == pytest.approx(sol.V[0, s0] - ev.V[0, s0], abs=1e-12)
        assert res.regret[k] >= -1e-12
    assert np.array_equal(res.policy, res.diagnostics["policy_history"][-1])
    # the policy played is the greedy (lowest index) policy of the recorded Q
    assert np.array_equal(res.diagnostics["policy_history"],
                          np.argmax(res.diagnostics["q_history"], axis=3))
    # counts: H transitions per episode; Nprime: one state per (episode, t)
    assert res.counts.sum() == res.K * m.H
    assert np.array_equal(res.diagnostics["nprime"].sum(axis=1), np.full(m.H + 1, res.K))
    assert np.array_equal(np.bincount(res.initial_states, minlength=m.S),
                          res.diagnostics["nprime"][0])


def _q_from_formula(bonus, scale, L, H, S, A, r, N, Np, Q_prev):
    """[AOM17] Algorithms 3/4 for one episode, scalar loops, written from the formulas."""
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    for h in reversed(range(H)):
        for s in range(S):
            for a in range(A):
                n = N[s, a].sum()
                if n == 0:
                    Q[h, s, a] = H
                    continue
                p = N[s, a] / n
                pv = float(p @ V[h + 1])
                if bonus == "ch":
                    b = 7 * H * L / math.sqrt(n)
                else:
                    var = float(p @ (V[h + 1] - pv) ** 2)
                    cap = sum(p[y] * (H ** 2 if Np[h + 1, y] == 0 else
                                      min(100 ** 2 * H ** 3 * S ** 2 * A * L ** 2 / Np[h + 1, y],
                                          H ** 2)) for y in range(S))
                    b = (math.sqrt(8 * L * var / n) + 14 * H * L / (3 * n)
                         + math.sqrt(8 * cap / n))
                Q[h, s, a] = min(Q_prev[h, s, a], H, r[s, a] + pv + scale * b)
            V[h, s] = Q[h, s].max()
    return Q


@pytest.mark.parametrize("bonus,scale,delta", [("ch", 0.05, 0.1), ("bf", 0.05, 0.1),
                                               ("bf", 1.0, 0.3), ("ch", 0.01, 0.5)])
def test_q_tables_follow_the_papers_formulas(bonus, scale, delta):
    m = l1s(seed=4)
    K = 120
    res = ucbvi(m, K, bonus=bonus, bonus_scale=scale, delta=delta, rng=3, record_q=True)
    H, S, A = m.shape
    L = math.log(5 * S * A * K * H / delta)
    assert res.diagnostics["L"] == pytest.approx(L, rel=1e-15)
    d = res.diagnostics
    Q_prev = np.full((H, S, A), float(H))
    for k in range(K):
        Q = _q_from_formula(bonus, scale, L, H, S, A, m.r[0], d["count_history"][k],
                            d["nprime_history"][k], Q_prev)
        np.testing.assert_allclose(d["q_history"][k], Q, rtol=0, atol=1e-12)
        Q_prev = Q
    # the recorded counts are the run's counts before each episode
    assert not d["count_history"][0].any() and not d["nprime_history"][0].any()
    assert np.array_equal(d["count_history"][1:].sum(axis=(1, 2, 3)), np.arange(1, K) * H)


def test_bonus_scale_zero_on_a_deterministic_chain_is_greedy_on_the_empirical_model():
    m = chain(S=4, H=5)
    H, S, A = m.shape
    res = ucbvi(m, 200, bonus="ch", bonus_scale=0.0, rng=0, record_q=True)
    d = res.diagnostics
    Qstar = backward_induction(m).Q
    Q_prev = np.full((H, S, A), float(H))
    all_seen = 0
    for k in range(res.K):
        n = d["count_history"][k].sum(axis=2)
        # closed form: deterministic P, so Phat = P on visited pairs; H on unvisited pairs
        Q = np.empty((H, S, A))
        V = np.zeros((H + 1, S))
        for h in reversed(range(H)):
            nxt = m.r[0] + m.P[0] @ V[h + 1]
            Q[h] = np.where(n > 0, np.minimum(Q_prev[h], np.minimum(H, nxt)), H)
            V[h] = Q[h].max(axis=1)
        np.testing.assert_array_equal(d["q_history"][k], Q)
        Q_prev = Q
        if (n > 0).all():
            all_seen += 1
            np.testing.assert_allclose(Q, Qstar, atol=1e-12)
            assert res.regret[k] == pytest.approx(0.0, abs=1e-12)
    assert all_seen > 100, "the chain run never visited every pair"
    # first episode: nothing visited, Q = H everywhere, action 0 everywhere
    assert (d["q_history"][0] == H).all() and not d["policy_history"][0].any()


@pytest.mark.parametrize("bonus", ["ch", "bf"])
@pytest.mark.parametrize("scale", [1.0, 0.05])
def test_structural_invariants_claim9(bonus, scale):
    m = l1s(seed=0)
    res = ucbvi(m, 400, bonus=bonus, bonus_scale=scale, rng=9, record_q=True)
    d = res.diagnostics
    Q, N = d["q_history"], d["count_history"].sum(axis=3)
    H = m.H
    assert (Q <= H).all()
    assert (np.diff(Q, axis=0) <= 0).all()
    unvisited = np.broadcast_to((N == 0)[:, None], Q.shape)
    assert (Q[unvisited] == H).all()
    # optimism with the printed constants is expected on these runs (claim 10)
    sol = backward_induction(m)
    assert (d["optimistic_values"] >= sol.V[0, res.initial_states] - 1e-12).all()
    if bonus == "bf":
        assert res.diagnostics["L"] >= 2.1
        assert (d["bf_minus_ch"] <= 0).all()
    else:
        assert np.isnan(d["bf_minus_ch"]).all()


def _rlberry_transcription(m, K, scale, uniforms):
    """rlberry-scool v0.7.3 UCBVIAgent (simplified_bernstein, stage_dependent=False,
    real_time_dp=False, gamma=1), transcribed as a per-step agent: _update at each step,
    backward_induction_reward_sd after the episode. Driven by the same uniforms."""
    H, S, A = m.shape
    v_max = np.zeros(H)
    v_max[-1] = 1.0
    for hh in reversed(range(H - 1)):
        v_max[hh] = 1.0 + v_max[hh + 1]
    N = np.zeros((S, A))
    B = np.zeros((H, S, A))
    for hh in range(H):
        B[hh] = v_max[hh]
    R_hat, P_hat = np.zeros((S, A)), np.ones((S, A, S)) / S
    Q, V = np.zeros((H, S, A)), np.ones((H, S))
    r, P = m.r[0], m.P[0]
    regrets = []
    sol = backward_induction(m)
    for k in range(K):
        pi = Q.argmax(axis=2)
        regrets.append(sol.value - evaluate_policy(m, pi).value)
        u = uniforms[k]
        s = int(np.searchsorted(np.cumsum(m.rho)[:-1], u[0], side="right"))
        for hh in range(H):
            a = int(Q[hh, s].argmax())
            rew = 1.0 if u[1 + 2 * hh] < r[s, a] else 0.0
            nxt = int(np.searchsorted(np.cumsum(P[s, a])[:-1], u[2 + 2 * hh], side="right"))
            N[s, a] += 1
            nn = N[s, a]
            R_hat[s, a] = (1.0 - 1.0 / nn) * R_hat[s, a] + rew * 1.0 / nn
            P_hat[s, a, :] = (1.0 - 1.0 / nn) * P_hat[s, a, :]
            P_hat[s, a, nxt] += 1.0 / nn
            B[hh, s, a] = min(scale * np.sqrt(1.0 / nn) + v_max[hh] / nn, v_max[hh])
            s = nxt
        Rb = R_hat + B
        for hh in range(H - 1, -1, -1):
            for ss in range(S):
                max_q = -np.inf
                for aa in range(A):
                    q = Rb[hh, ss, aa]
                    if hh < H - 1:
                        for ns in range(S):
                            q += P_hat[ss, aa, ns] * V[hh + 1, ns]
                    max_q = max(max_q, q)
                    Q[hh, ss, aa] = q
                V[hh, ss] = min(max_q, v_max[0])
    return np.array(regrets), N


@pytest.mark.parametrize("scale", [1.0, 0.1])
def test_rlberry_mode_matches_a_transcription_of_rlberry_scool(scale):
    m = l1s(seed=5)
    K = 80
    res = ucbvi(m, K, bonus="rlberry", bonus_scale=scale, rng=21)
    uniforms = np.random.default_rng(21).random((K, 2 * m.H + 1))
    regrets, N = _rlberry_transcription(m, K, scale, uniforms)
    np.testing.assert_allclose(res.regret, regrets, atol=1e-12)
    assert np.array_equal(res.counts.sum(axis=2), N)
    assert res.params["known_rewards"] is False and res.bounds == {}


def test_bounds_are_the_printed_formulas_and_vacuous_at_test_sizes():
    S, A, H, K, delta = 4, 2, 3, 8000, 0.1
    Lp = math.log(5 * H * S * A * K * H / delta)
    ch = ucbvi_ch_regret_bound(S, A, H, K, delta)
    bf = ucbvi_bf_regret_bound(S, A, H, K, delta)
    assert float(ch) == pytest.approx(
        20 * H ** 1.5 * Lp * math.sqrt(S * A * K) + 250 * H ** 2 * S ** 2 * A * Lp ** 2,
        rel=1e-14)
    assert float(bf) == pytest.approx(
        30 * H * Lp * math.sqrt(S * A * K) + 2500 * H ** 2 * S ** 2 * A * Lp ** 2
        + 4 * H ** 1.5 * math.sqrt(K * Lp), rel=1e-14)
    # spec §5.3: the CH bound is 2.2e7 at this size, K H = 2.4e4
    assert 2.1e7 < float(ch) < 2.3e7
    assert ch.vacuous and bf.vacuous and ch.trivial == K * H and bf.trivial == K * H
    assert ucbvi_log(S, A, H, K, delta) == pytest.approx(math.log(5 * S * A * K * H / delta))
    assert ucbvi_log(S, A, H, K, delta, theorem=True) == pytest.approx(Lp)
    # a large K makes the leading term dominate and the bound non-vacuous
    big = ucbvi_ch_regret_bound(2, 2, 2, 10 ** 14, 0.1)
    assert not big.vacuous
    res = ucbvi(l1s(seed=0), 50, bonus="ch", rng=0)
    assert res.bounds["theorem1"] == ucbvi_ch_regret_bound(4, 2, 3, 50, 0.1)
    assert res.bound_ratios()["theorem1"] == pytest.approx(
        res.total_regret / float(res.bounds["theorem1"]))
    assert "theorem2" in ucbvi(l1s(seed=0), 5, bonus="bf", rng=0).bounds


def test_l_uses_t_equal_k_times_h_and_the_ch_coefficient():
    m = l1s(seed=0)
    res = ucbvi(m, 2000, bonus="ch", rng=0)
    L = math.log(5 * 4 * 2 * 6000 / 0.1)
    assert res.diagnostics["L"] == pytest.approx(L, rel=1e-15)
    assert res.diagnostics["T"] == 6000
    # spec §5.3: 7 H L = 338 at K = 8000
    assert 7 * 3 * ucbvi_log(4, 2, 3, 8000, 0.1) == pytest.approx(338, abs=1)


def test_bad_inputs_are_refused_with_the_argument_named():
    m = l1s()
    with pytest.raises(TypeError, match="FiniteHorizonMDP"):
        ucbvi("chain", 10)
    nonstat = FiniteHorizonMDP(np.broadcast_to(m.P[0], (3, 4, 2, 4)).copy(), m.r[0], H=3)
    with pytest.raises(ValueError, match="stationary"):
        ucbvi(nonstat, 10)
    r_h = np.stack([m.r[0], m.r[0], 0.5 * m.r[0]])
    with pytest.raises(ValueError, match=r"r\[2\]"):
        ucbvi(FiniteHorizonMDP(m.P[0], r_h, H=3), 10)
    with pytest.raises(ValueError, match="reward_dist"):
        ucbvi(FiniteHorizonMDP(m.P[0], m.r[0], H=3, reward_dist="beta"), 10)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ucbvi(FiniteHorizonMDP(m.P[0], 2 * m.r[0], H=3, reward_range=(0, 2)), 10)
    with pytest.raises(ValueError, match="K"):
        ucbvi(m, 0)
    with pytest.raises(TypeError, match="K"):
        ucbvi(m, 2.5)
    with pytest.raises(ValueError, match="bonus"):
        ucbvi(m, 10, bonus="hoeffding")
    for bad in (0.0, 1.0, -0.1, float("nan")):
        with pytest.raises(ValueError, match="delta"):
            ucbvi(m, 10, delta=bad)
    with pytest.raises(ValueError, match="bonus_scale"):
        ucbvi(m, 10, bonus_scale=-1.0)
    with pytest.raises(ValueError, match="bonus_scale"):
        ucbvi(m, 10, bonus_scale=float("inf"))
    with pytest.raises(TypeError, match="rng"):
        ucbvi(m, 10, rng="seed")
    with pytest.raises(TypeError, match="record_q"):
        ucbvi(m, 10, record_q=1)
    with pytest.raises(TypeError, match="known_rewards"):
        ucbvi(m, 10, known_rewards="yes")
    with pytest.raises(ValueError, match="backend"):
        ucbvi(m, 10, backend="jax")
    with pytest.raises(ValueError, match="delta"):
        ucbvi_ch_regret_bound(4, 2, 3, 10, 1.5)
    with pytest.raises(ValueError, match="K"):
        ucbvi_bf_regret_bound(4, 2, 3, 0, 0.1)


def test_result_fields_and_record_off():
    m = l1s()
    res = ucbvi(m, 30, bonus="bf", rng=0)
    assert res.algorithm == "ucbvi-bf" and res.K == 30
    assert res.counts.shape == (4, 2, 4) and res.counts.dtype == np.int64
    assert res.policy.shape == (3, 4) and res.initial_states.dtype == np.int64
    assert "q_history" not in res.diagnostics
    assert res.params["bonus"] == "bf" and res.params["delta"] == 0.1
    assert ((res.returns >= 0) & (res.returns <= 3)).all()
    assert np.array_equal(res.returns, np.round(res.returns))  # Bernoulli rewards
    det = ucbvi(l1s(reward_dist="deterministic"), 30, rng=0, record_q=True)
    pol = det.diagnostics["policy_history"]
    # deterministic rewards: the return is the sum of the mean rewards along the path
    assert det.returns[0] <= 3 and pol.shape == (30, 3, 4)


def test_bf_cap_term_with_large_episode_counts():
    """At test sizes 100^2 H^3 S^2 A L^2 / N' exceeds H^2, so the cap term is H^2; plant huge
    N' counts (before each episode) to exercise the other branch and pin its constant."""
    m = l1s(seed=6)
    H, S, A = m.shape
    K = 200
    planted = np.arange(1, (H + 1) * S + 1).reshape(H + 1, S) * 10 ** 10

    def before(state):
        state["Nprime"][:] = planted

    args, kw = U._validated(m, K, "bf", 0.1, 0.05, 4, None, True, "numba")
    res = U._run(*args, **kw, block=1, before=before)
    d = res.diagnostics
    assert (d["q_history"][-1] < H - 0.5).any()
    L = math.log(5 * S * A * K * H / 0.1)
    caps = 100 ** 2 * H ** 3 * S ** 2 * A * L ** 2 / planted[1:]
    assert (caps < H ** 2).all() and (caps > 1e-3).all()
    Q_prev = np.full((H, S, A), float(H))
    Q_other = Q_prev.copy()
    differs = False
    for k in range(K):
        assert np.array_equal(d["nprime_history"][k], planted)
        N = d["count_history"][k]
        Q = _q_from_formula("bf", 0.05, L, H, S, A, m.r[0], N, planted, Q_prev)
        np.testing.assert_allclose(d["q_history"][k], Q, rtol=0, atol=1e-12)
        # with N' = 0 everywhere (cap H^2) the same counts give other Q tables
        Q_other = _q_from_formula("bf", 0.05, L, H, S, A, m.r[0], N, 0 * planted, Q_other)
        differs |= bool(np.abs(Q_other - Q).max() > 1e-6)
        Q_prev = Q
    assert differs
    # the same run on the numpy reference
    args, kw = U._validated(m, K, "bf", 0.1, 0.05, 4, None, True, "numpy")
    ref = U._run(*args, **kw, block=1, before=before)
    assert np.array_equal(ref.diagnostics["q_history"], d["q_history"])


def test_cap_term_is_h_squared_when_a_next_state_was_never_seen_at_step_h_plus_1():
    m = l1s(seed=6)
    H, S, A = m.shape
    planted = np.full((H + 1, S), 10 ** 12)
    planted[1:, 2] = 0            # state 2 never seen at steps 1..H: its cap is H^2

    def before(state):
        state["Nprime"][:] = planted

    args, kw = U._validated(m, 200, "bf", 0.1, 0.05, 8, None, True, "numba")
    res = U._run(*args, **kw, block=1, before=before)
    L = math.log(5 * S * A * 200 * H / 0.1)
    Q_prev = np.full((H, S, A), float(H))
    for k in range(200):
        Q = _q_from_formula("bf", 0.05, L, H, S, A, m.r[0], res.diagnostics["count_history"][k],
                            planted, Q_prev)
        np.testing.assert_allclose(res.diagnostics["q_history"][k], Q, rtol=0, atol=1e-12)
        Q_prev = Q


def test_defaults_are_the_papers_settings():
    m = l1s(seed=2)
    a = ucbvi(m, 40, rng=0)
    b = ucbvi(m, 40, bonus="ch", delta=0.1, bonus_scale=1.0, rng=0, known_rewards=True,
              record_q=False, backend="numba")
    _same(a, b)
    assert a.params["bonus"] == "ch" and a.params["bonus_scale"] == 1.0
    assert a.params["delta"] == 0.1 and a.params["known_rewards"] is True
    assert a.params["rng"] == 0 and a.seconds > 0
    assert ucbvi(m, 5, rng=np.random.default_rng(0)).params["rng"] is None


def _fresh(m, K, bonus, scale=0.05, seed=3):
    return U._validated(m, K, bonus, 0.1, scale, seed, None, True, "numba")


def test_the_hooks_behind_the_planted_bugs_act():
    """The keywords of ``_run`` that proofs_checks/azar2017.py uses for its planted bugs."""
    m = l1s(seed=2)
    K = 80
    for bonus, keys in (("ch", ("ch",)), ("bf", ("var", "lin", "cap"))):
        args, kw = _fresh(m, K, bonus)
        base = U._run(*args, **kw)
        args, kw = _fresh(m, K, bonus)
        again = U._run(*args, **kw, L=base.diagnostics["L"], coefs={})
        assert np.array_equal(base.diagnostics["q_history"], again.diagnostics["q_history"])
        args, kw = _fresh(m, K, bonus)
        other_L = U._run(*args, **kw, L=1.0)
        assert other_L.diagnostics["L"] == 1.0
        assert not np.array_equal(base.diagnostics["q_history"],
                                  other_L.diagnostics["q_history"])
        for key in keys:
            args, kw = _fresh(m, K, bonus)
            if key == "cap":
                def before(state):
                    state["Nprime"][:] = 10 ** 12
            else:
                before = None
            res = U._run(*args, **kw, coefs={key: 0.0}, block=1, before=before)
            args, kw = _fresh(m, K, bonus)
            ref = U._run(*args, **kw, block=1, before=before)
            assert not np.array_equal(ref.diagnostics["q_history"],
                                      res.diagnostics["q_history"]), key
    # before/after see the run's arrays (Q, N_sas, Nprime) between blocks
    seen = []

    def after(state):
        seen.append((state["Q"].copy(), state["N_sas"].sum(), state["Nprime"][0].sum()))

    def reset(state):
        state["Q"][:] = m.H

    args, kw = _fresh(m, 30, "ch")
    res = U._run(*args, **kw, block=10, after=after)
    assert [s[1] for s in seen] == [10 * m.H, 20 * m.H, 30 * m.H]
    assert [s[2] for s in seen] == [10, 20, 30]
    assert np.array_equal(seen[-1][0], res.diagnostics["final_q"])
    args, kw = _fresh(m, 60, "ch", scale=0.01)
    res = U._run(*args, **kw, block=1, before=reset)
    assert (np.diff(res.diagnostics["q_history"], axis=0) > 0).any()


def test_params_diagnostics_and_timing_are_recorded():
    m = l1s(seed=1)
    res = ucbvi(m, 25, bonus="bf", delta=0.2, bonus_scale=0.5, rng=4)
    assert res.params == {"K": 25, "bonus": "bf", "delta": 0.2, "bonus_scale": 0.5,
                          "known_rewards": True, "reward_dist": "bernoulli", "backend": "numba",
                          "rng": 4, "H": 3, "S": 4, "A": 2}
    assert 0 < res.seconds < 60
    assert res.bounds == {"theorem2": ucbvi_bf_regret_bound(4, 2, 3, 25, 0.2)}
    assert res.diagnostics["L_theorem"] == pytest.approx(math.log(5 * 3 * 4 * 2 * 75 / 0.2))
    assert res.diagnostics["L"] == pytest.approx(math.log(5 * 4 * 2 * 75 / 0.2))
    assert res.policy.dtype == np.int64


def test_reward_sampling_follows_the_model():
    det = ucbvi(l1s(seed=0, reward_dist="deterministic"), 50, rng=0)
    ber = ucbvi(l1s(seed=0), 50, rng=0)
    assert not np.array_equal(det.returns, np.round(det.returns))   # sums of means in (0, 1)
    assert np.array_equal(ber.returns, np.round(ber.returns))       # sums of 0/1 draws
    assert det.params["reward_dist"] == "deterministic"


def test_one_step_model():
    m = l1s(seed=3, H=1)
    res = ucbvi(m, 40, bonus="bf", bonus_scale=0.05, rng=1, record_q=True)
    sol = backward_induction(m)
    for k in range(res.K):
        ev = evaluate_policy(m, res.diagnostics["policy_history"][k])
        assert res.regret[k] == pytest.approx(sol.value - ev.value, abs=1e-12)


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda m: ucbvi(m, 0), ValueError, r"^K is 0; must be >= 1"),
    (lambda m: ucbvi(m, 10, bonus="x"), ValueError, r"^bonus is 'x'; must be one of 'ch'"),
    (lambda m: ucbvi(m, 10, delta=2.0), ValueError, r"^delta is 2"),
    (lambda m: ucbvi(m, 10, bonus_scale=-1.0), ValueError, r"^bonus_scale is -1"),
    (lambda m: ucbvi(m, 10, record_q="no"), TypeError, r"^record_q must be True or False"),
    (lambda m: ucbvi(m, 10, backend="c"), ValueError, r"^backend is 'c'"),
    (lambda m: ucbvi(m, 10, known_rewards=2), TypeError, r"^known_rewards must be True"),
    (lambda m: ucbvi(3, 10), TypeError, r"^mdp must be a FiniteHorizonMDP, got int$"),
    (lambda m: ucbvi_log(0, 2, 3, 10, 0.1), ValueError, r"^S is 0"),
    (lambda m: ucbvi_log(4, 0, 3, 10, 0.1), ValueError, r"^A is 0"),
    (lambda m: ucbvi_log(4, 2, 0, 10, 0.1), ValueError, r"^H is 0"),
    (lambda m: ucbvi_log(4, 2, 3, 0, 0.1), ValueError, r"^K is 0"),
    (lambda m: ucbvi_log(4, 2, 3, 10, 0.0), ValueError, r"^delta is 0"),
    (lambda m: ucbvi_log(4, 2, 3, 10, 0.1, theorem=1), TypeError, r"^theorem must be True"),
])
def test_error_messages_name_the_argument(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call(l1s())


def test_error_messages_say_what_to_do():
    m = l1s()
    nonstat = FiniteHorizonMDP(np.broadcast_to(m.P[0], (3, 4, 2, 4)).copy(), m.r[0], H=3)
    with pytest.raises(ValueError) as err:
        ucbvi(nonstat, 10)
    assert str(err.value) == (
        "ucbvi needs a stationary model (P shaped (S, A, S)), as in Azar et al. (2017); this "
        "model's P depends on h. stage_dependent=True is not implemented: build the model with "
        "a stationary P")
    with pytest.raises(ValueError) as err:
        ucbvi(FiniteHorizonMDP(m.P[0], m.r[0], H=3, reward_dist="beta"), 10)
    assert str(err.value) == (
        "ucbvi samples deterministic or Bernoulli rewards; this model's reward_dist is 'beta': "
        "rebuild it with reward_dist='bernoulli' or 'deterministic'")


def test_backend_selects_the_kernel(monkeypatch):
    import mdplab.kernels.ucbvi as kern
    import mdplab.kernels.ucbvi_reference as ref

    m = l1s()

    def refuse(*args):
        raise RuntimeError("wrong backend")

    monkeypatch.setattr(ref, "ucbvi_episodes", refuse)
    ucbvi(m, 5, rng=0)
    monkeypatch.undo()
    monkeypatch.setattr(kern, "ucbvi_episodes", refuse)
    ucbvi(m, 5, rng=0, backend="numpy")
    with pytest.raises(RuntimeError, match="wrong backend"):
        ucbvi(m, 5, rng=0)


def test_rlberry_plays_q_equal_zero_before_its_first_update_and_dtypes():
    m = l1s(seed=2)
    one = ucbvi(m, 1, bonus="rlberry", rng=0)
    assert (one.diagnostics["final_q"] == 0).all() and not one.policy.any()
    ch = ucbvi(m, 1, bonus="ch", rng=0)
    assert (ch.diagnostics["final_q"] == m.H).all()
    res = ucbvi(m, 20, bonus="bf", rng=0, record_q=True)
    d = res.diagnostics
    for key in ("nprime", "count_history", "nprime_history", "policy_history"):
        assert d[key].dtype == np.int64, key
    assert res.counts.dtype == np.int64 and res.initial_states.dtype == np.int64
