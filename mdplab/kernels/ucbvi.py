"""UCBVI's online loop on a stationary tabular episodic model (numba).

One call plays a block of episodes of UCBVI (Azar, Osband & Munos 2017, arXiv:1703.05449,
Algorithms 1-4) against an exact model and scores each episode exactly. The statistics of the
run (counts, last Q) live in arrays owned by the caller and are updated in place, so a run of
K episodes is any sequence of blocks (the caller draws the uniforms block by block from one
``numpy.random.Generator``; the result does not depend on the block sizes).

Per episode k (library indexing, steps h = 0..H-1, see
:mod:`mdplab.algorithms.online.ucb_value_iteration` for the sources of the formulas)::

    n = N_sa[s, a] (pooled over steps),  Phat[s, a, t] = N_sas[s, a, t] / n
    modes 0 (CH) and 1 (BF), for h = H-1..0 and every (s, a):
        n == 0:  Q[h, s, a] = H
        else:    m = sum_t Phat[t] V[h+1, t]                      (sequential sum over t)
                 CH:  b = ch_coef / sqrt(n)                        (ch_coef = 7 H L)
                 BF:  var = sum_t Phat[t] (V[h+1, t] - m)^2        (two-pass)
                      cap = sum_t Phat[t] min(cap_coef / Nprime[h+1, t], H^2)  (H^2 if N' = 0)
                      b = sqrt(var_coef var / n) + lin_coef / n + sqrt(8 cap / n)
                 Q[h, s, a] = min(Q_prev[h, s, a], H, rbar[s, a] + m + bonus_scale b)
        V[h, s] = max_a Q[h, s, a]
    mode 2 (rlberry-scool's UCBVIAgent, "simplified_bernstein"): Q = 0 before the first
        episode, afterwards Q[h, s, a] = rbar[s, a] + B[h, s, a] + sum_t Phat_rl[s, a, t] V[h+1, t],
        V[h, s] = min(max_a Q[h, s, a], H); no minimum with the previous Q, no clip of Q.
        B[h, s, a] (initially H - h) is refreshed only when (s, a) is visited at step h:
        B = min(bonus_scale sqrt(1/n) + (H-h)/n, H-h) with the pooled count n after the visit;
        Phat_rl starts uniform (1/S) and is updated incrementally, as rlberry does.
    pi[h, s] = lowest a attaining max_a Q[h, s, a]          (the greedy policy played)
    exact scoring: V^pi by policy evaluation on the true (P, r) (O(H S^2)),
        regret[k] = rho . V*_0 - rho . V^pi_0,  pseudo[k] = V*_0(s_0) - V^pi_0(s_0)
    play: s_0 = F_rho^{-1}(U[k, 0]); at step h the reward is r[s, a] (deterministic) or
        1{U[k, 1+2h] < r[s, a]} (Bernoulli), s_{h+1} = F_{P[s,a]}^{-1}(U[k, 2+2h]),
        where F^{-1}(u) = the first t with u < cum[t] (S-1 if none).
    update N_sas, N_sa, reward sums, Nprime[h, s_h] (h = 0..H), and the rlberry statistics.

``rbar`` is the known mean reward r when ``known_rewards`` else the empirical mean of the
observed rewards (CH/BF: reward sum / n; rlberry: its incremental mean, 0 while unvisited).

The plain-numpy reference :func:`mdplab.kernels.ucbvi_reference.ucbvi_episodes` performs the
same floating-point operations in the same order, so both give the same run bit for bit
(tests/test_ucbvi.py checks equality of every output array).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["ucbvi_episodes"]

MODE_CH = 0
MODE_BF = 1
MODE_RLBERRY = 2

REWARD_DETERMINISTIC = 0
REWARD_BERNOULLI = 1


@njit(cache=True)
def _inverse_cdf(cum, u):
    n = cum.shape[0]
    for t in range(n - 1):
        if u < cum[t]:
            return t
    return n - 1


@njit(cache=True)
def ucbvi_episodes(P, P_cum, r, rho, rho_cum, V_star, U, k0, mode, bonus_scale, ch_coef,
                   var_coef, lin_coef, cap_coef, known_rewards, reward_kind,
                   N_sas, N_sa, Nprime, R_sum, Q, B_rl, Phat_rl, Rhat_rl,
                   regret, pseudo, returns, s0_out, v_opt, bf_minus_ch,
                   record, Q_hist, pi_hist, nsas_hist, np_hist):
    """Play episodes ``k0 .. k0 + U.shape[0] - 1`` of UCBVI; see the module docstring.

    Parameters
    ----------
    P : (S, A, S) float64, the true stationary kernel; P_cum its cumulative sums along t.
    r : (S, A) float64, the true mean rewards; rho (S,), rho_cum (S,) the start law and its
        cumulative sums; V_star (H+1, S) the optimal values of the true model.
    U : (n_block, 2H+1) float64 uniforms in [0, 1): column 0 the start state, columns 1+2h the
        reward and 2+2h the next state at step h.
    k0 : int, global index of the block's first episode (mode 2 plays Q = 0 at k = 0).
    mode : 0 (CH), 1 (BF), 2 (rlberry). bonus_scale, ch_coef, var_coef, lin_coef, cap_coef:
        the bonus constants (module docstring). known_rewards : bool. reward_kind : 0
        deterministic, 1 Bernoulli.
    N_sas (S, A, S) int64, N_sa (S, A) int64, Nprime (H+1, S) int64, R_sum (S, A) float64,
    Q (H, S, A) float64 (Q_prev, overwritten by each episode's Q), B_rl (H, S, A), Phat_rl
        (S, A, S), Rhat_rl (S, A): the run's state, updated in place.
    regret, pseudo, returns, v_opt, bf_minus_ch : (K,) float64; s0_out (K,) int64: outputs at
        index k0 + i. bf_minus_ch[k] = max over (h, s, a) with n > 0 of b_BF - b_CH (unscaled;
        -inf if no pair visited; BF mode only, NaN otherwise).
    record : bool; Q_hist (K, H, S, A), pi_hist (K, H, S), nsas_hist (K, S, A, S), np_hist
        (K, H+1, S): per-episode Q, policy and the counts N_sas, Nprime it was computed from
        (written only when ``record``).
    """
    S, A, _ = P.shape
    H = Q.shape[0]
    n_block = U.shape[0]
    Hf = float(H)
    H2 = Hf * Hf
    V = np.zeros((H + 1, S))
    Vpi = np.zeros((H + 1, S))
    pi = np.zeros((H, S), dtype=np.int64)
    vstar_rho = 0.0
    for s in range(S):
        vstar_rho += rho[s] * V_star[0, s]
    for i in range(n_block):
        k = k0 + i
        gap_max = -np.inf
        # ---------------------------------------------------------------- optimistic Q
        if mode == MODE_RLBERRY:
            if k > 0:
                for h in range(H - 1, -1, -1):
                    for s in range(S):
                        best = -np.inf
                        for a in range(A):
                            if known_rewards:
                                rb = r[s, a]
                            else:
                                rb = Rhat_rl[s, a]
                            q = rb + B_rl[h, s, a]
                            for t in range(S):
                                q += Phat_rl[s, a, t] * V[h + 1, t]
                            Q[h, s, a] = q
                            if q > best:
                                best = q
                        if best > Hf:
                            best = Hf
                        V[h, s] = best
        else:
            for h in range(H - 1, -1, -1):
                for s in range(S):
                    for a in range(A):
                        n = N_sa[s, a]
                        if n == 0:
                            Q[h, s, a] = Hf
                            continue
                        nf = float(n)
                        m = 0.0
                        for t in range(S):
                            m += (N_sas[s, a, t] / nf) * V[h + 1, t]
                        b_ch = ch_coef / math.sqrt(nf)
                        if mode == MODE_CH:
                            b = b_ch
                        else:
                            var = 0.0
                            cap = 0.0
                            for t in range(S):
                                p = N_sas[s, a, t] / nf
                                dev = V[h + 1, t] - m
                                var += p * dev * dev
                                npr = Nprime[h + 1, t]
                                if npr == 0:
                                    c = H2
                                else:
                                    c = cap_coef / float(npr)
                                    if c > H2:
                                        c = H2
                                cap += p * c
                            b = (math.sqrt(var_coef * var / nf) + lin_coef / nf
                                 + math.sqrt(8.0 * cap / nf))
                            if b - b_ch > gap_max:
                                gap_max = b - b_ch
                        if known_rewards:
                            rb = r[s, a]
                        else:
                            rb = R_sum[s, a] / nf
                        q = rb + m + bonus_scale * b
                        if q > Hf:
                            q = Hf
                        if Q[h, s, a] < q:
                            q = Q[h, s, a]
                        Q[h, s, a] = q
                    best = Q[h, s, 0]
                    for a in range(1, A):
                        if Q[h, s, a] > best:
                            best = Q[h, s, a]
                    V[h, s] = best
        # ---------------------------------------------------------------- greedy policy
        for h in range(H):
            for s in range(S):
                best = Q[h, s, 0]
                arg = 0
                for a in range(1, A):
                    if Q[h, s, a] > best:
                        best = Q[h, s, a]
                        arg = a
                pi[h, s] = arg
        # ---------------------------------------------------------------- exact scoring
        for h in range(H - 1, -1, -1):
            for s in range(S):
                a = pi[h, s]
                v = r[s, a]
                for t in range(S):
                    v += P[s, a, t] * Vpi[h + 1, t]
                Vpi[h, s] = v
        vpi_rho = 0.0
        for s in range(S):
            vpi_rho += rho[s] * Vpi[0, s]
        if record:
            for h in range(H):
                for s in range(S):
                    pi_hist[k, h, s] = pi[h, s]
                    for a in range(A):
                        Q_hist[k, h, s, a] = Q[h, s, a]
            for s in range(S):
                for a in range(A):
                    for t in range(S):
                        nsas_hist[k, s, a, t] = N_sas[s, a, t]
            for h in range(H + 1):
                for s in range(S):
                    np_hist[k, h, s] = Nprime[h, s]
        # ---------------------------------------------------------------- play
        s = _inverse_cdf(rho_cum, U[i, 0])
        s0_out[k] = s
        regret[k] = vstar_rho - vpi_rho
        pseudo[k] = V_star[0, s] - Vpi[0, s]
        if mode == MODE_RLBERRY:
            v_opt[k] = V[0, s] if k > 0 else 0.0
        else:
            v_opt[k] = V[0, s]
        if mode == MODE_BF:
            bf_minus_ch[k] = gap_max
        else:
            bf_minus_ch[k] = np.nan
        total = 0.0
        for h in range(H):
            a = pi[h, s]
            if reward_kind == REWARD_BERNOULLI:
                rew = 1.0 if U[i, 1 + 2 * h] < r[s, a] else 0.0
            else:
                rew = r[s, a]
            total += rew
            s_next = _inverse_cdf(P_cum[s, a], U[i, 2 + 2 * h])
            N_sas[s, a, s_next] += 1
            N_sa[s, a] += 1
            R_sum[s, a] += rew
            Nprime[h, s] += 1
            if mode == MODE_RLBERRY:
                nn = float(N_sa[s, a])
                Rhat_rl[s, a] = (1.0 - 1.0 / nn) * Rhat_rl[s, a] + rew * 1.0 / nn
                for t in range(S):
                    Phat_rl[s, a, t] = (1.0 - 1.0 / nn) * Phat_rl[s, a, t]
                Phat_rl[s, a, s_next] += 1.0 / nn
                vmax_h = Hf - h
                bb = bonus_scale * math.sqrt(1.0 / nn) + vmax_h / nn
                if bb > vmax_h:
                    bb = vmax_h
                B_rl[h, s, a] = bb
            s = s_next
        Nprime[H, s] += 1
        returns[k] = total
