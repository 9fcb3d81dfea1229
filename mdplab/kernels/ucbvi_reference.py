"""Plain-numpy reference of :mod:`mdplab.kernels.ucbvi` (same arguments, same results).

The Q computation is vectorised over the (s, a) pairs; every sum over next states is a
Python loop over t (left to right), and every expression is written in the kernel's order,
so the floating-point results agree with the numba kernel bit for bit.

An episode is :func:`ucbvi_plan` (the optimistic Q from the statistics so far), the greedy
policy ``argmax_a Q`` (lowest index on ties), and one :func:`ucbvi_update` per step played.
:class:`mdplab.algorithms.online.UCBVIAgent` runs the same two functions on the
transitions it observes through gymnasium, so it plans exactly as :func:`ucbvi` does.
"""

from __future__ import annotations

import math

import numpy as np

#: numpy references that the tests compare the kernels against; not part of the API
__all__: list[str] = []

MODE_CH, MODE_BF, MODE_RLBERRY = 0, 1, 2
REWARD_BERNOULLI = 1


def _inverse_cdf(cum, u):
    hits = np.nonzero(u < cum[:-1])[0]
    return int(hits[0]) if hits.size else cum.shape[0] - 1


def ucbvi_plan(mode, k, bonus_scale, ch_coef, var_coef, lin_coef, cap_coef, known_rewards,
               r, N_sas, N_sa, Nprime, R_sum, Q, B_rl, Phat_rl, Rhat_rl, V):
    """One episode's optimistic planning (the "optimistic Q" step of
    :func:`mdplab.kernels.ucbvi.ucbvi_episodes`, same floating-point operations).

    Parameters
    ----------
    mode : 0 (CH), 1 (BF), 2 (rlberry); k : int, index of the episode about to be played
        (mode 2 plans nothing at k = 0 and plays the initial Q = 0).
    bonus_scale, ch_coef, var_coef, lin_coef, cap_coef : float, the bonus constants.
    known_rewards : bool; r : (S, A) float64 mean rewards (read only when ``known_rewards``).
    N_sas (S, A, S) int64, N_sa (S, A) int64, Nprime (H+1, S) int64, R_sum (S, A) float64,
    B_rl (H, S, A), Phat_rl (S, A, S), Rhat_rl (S, A): the statistics (read only).
    Q : (H, S, A) float64, the previous episode's Q, overwritten by this episode's.
    V : (H+1, S) float64, overwritten by V[h] = max_a Q[h] (mode 2: min(max_a Q[h], H));
        V[H] must be 0.

    Returns
    -------
    float
        BF: max over the visited (s, a) and every h of b_BF - b_CH (unscaled; -inf if no pair
        was visited); -inf in the other modes.
    """
    S, A = N_sa.shape
    H = Q.shape[0]
    Hf = float(H)
    H2 = Hf * Hf
    gap_max = -np.inf
    if mode == MODE_RLBERRY:
        if k > 0:
            rb = r if known_rewards else Rhat_rl
            for h in range(H - 1, -1, -1):
                q = rb + B_rl[h]
                for t in range(S):
                    q = q + Phat_rl[:, :, t] * V[h + 1, t]
                Q[h] = q
                V[h] = np.minimum(q.max(axis=1), Hf)
        return gap_max
    visited = N_sa > 0
    nf = np.where(visited, N_sa, 1).astype(np.float64)
    phat = [N_sas[:, :, t] / nf for t in range(S)]
    rb = r if known_rewards else R_sum / nf
    b_ch = ch_coef / np.sqrt(nf)
    for h in range(H - 1, -1, -1):
        m = np.zeros((S, A))
        for t in range(S):
            m = m + phat[t] * V[h + 1, t]
        if mode == MODE_CH:
            b = b_ch
        else:
            var = np.zeros((S, A))
            cap = np.zeros((S, A))
            for t in range(S):
                dev = V[h + 1, t] - m
                var = var + phat[t] * dev * dev
                npr = Nprime[h + 1, t]
                c = H2 if npr == 0 else min(cap_coef / float(npr), H2)
                cap = cap + phat[t] * c
            b = np.sqrt(var_coef * var / nf) + lin_coef / nf + np.sqrt(8.0 * cap / nf)
            if visited.any():
                gap_max = max(gap_max, float((b - b_ch)[visited].max()))
        q = np.minimum(rb + m + bonus_scale * b, Hf)
        q = np.minimum(Q[h], q)
        Q[h] = np.where(visited, q, Hf)
        V[h] = Q[h].max(axis=1)
    return gap_max


def ucbvi_update(mode, h, s, a, rew, s_next, bonus_scale, N_sas, N_sa, Nprime, R_sum, B_rl,
                 Phat_rl, Rhat_rl):
    """Learn from one transition ``(s, a, rew, s_next)`` at step ``h`` (the "update" step of
    :func:`mdplab.kernels.ucbvi.ucbvi_episodes`): N_sas, N_sa, R_sum and Nprime[h, s], and in
    mode 2 rlberry's incremental Rhat_rl, Phat_rl and its bonus B_rl[h, s, a], in place.
    The count of the state after the last step, ``Nprime[H, s_H]``, is the caller's."""
    H = B_rl.shape[0]
    N_sas[s, a, s_next] += 1
    N_sa[s, a] += 1
    R_sum[s, a] += rew
    Nprime[h, s] += 1
    if mode == MODE_RLBERRY:
        nn = float(N_sa[s, a])
        Rhat_rl[s, a] = (1.0 - 1.0 / nn) * Rhat_rl[s, a] + rew * 1.0 / nn
        Phat_rl[s, a] = (1.0 - 1.0 / nn) * Phat_rl[s, a]
        Phat_rl[s, a, s_next] += 1.0 / nn
        vmax_h = float(H) - h
        B_rl[h, s, a] = min(bonus_scale * math.sqrt(1.0 / nn) + vmax_h / nn, vmax_h)


def ucbvi_episodes(P, P_cum, r, rho, rho_cum, V_star, U, k0, mode, bonus_scale, ch_coef,
                   var_coef, lin_coef, cap_coef, known_rewards, reward_kind,
                   N_sas, N_sa, Nprime, R_sum, Q, B_rl, Phat_rl, Rhat_rl,
                   regret, pseudo, returns, s0_out, v_opt, bf_minus_ch,
                   record, Q_hist, pi_hist, nsas_hist, np_hist):
    """See :func:`mdplab.kernels.ucbvi.ucbvi_episodes` (identical contract)."""
    S, A, _ = P.shape
    H = Q.shape[0]
    V = np.zeros((H + 1, S))
    Vpi = np.zeros((H + 1, S))
    vstar_rho = 0.0
    for s in range(S):
        vstar_rho += rho[s] * V_star[0, s]
    rows = np.arange(S)
    for i in range(U.shape[0]):
        k = k0 + i
        gap_max = ucbvi_plan(mode, k, bonus_scale, ch_coef, var_coef, lin_coef, cap_coef,
                             known_rewards, r, N_sas, N_sa, Nprime, R_sum, Q, B_rl, Phat_rl,
                             Rhat_rl, V)
        pi = np.argmax(Q, axis=2)
        for h in range(H - 1, -1, -1):
            v = r[rows, pi[h]].copy()
            for t in range(S):
                v = v + P[rows, pi[h], t] * Vpi[h + 1, t]
            Vpi[h] = v
        vpi_rho = 0.0
        for s in range(S):
            vpi_rho += rho[s] * Vpi[0, s]
        if record:
            pi_hist[k] = pi
            Q_hist[k] = Q
            nsas_hist[k] = N_sas
            np_hist[k] = Nprime
        s = _inverse_cdf(rho_cum, U[i, 0])
        s0_out[k] = s
        regret[k] = vstar_rho - vpi_rho
        pseudo[k] = V_star[0, s] - Vpi[0, s]
        v_opt[k] = 0.0 if (mode == MODE_RLBERRY and k == 0) else V[0, s]
        bf_minus_ch[k] = gap_max if mode == MODE_BF else np.nan
        total = 0.0
        for h in range(H):
            a = int(pi[h, s])
            if reward_kind == REWARD_BERNOULLI:
                rew = 1.0 if U[i, 1 + 2 * h] < r[s, a] else 0.0
            else:
                rew = float(r[s, a])
            total += rew
            s_next = _inverse_cdf(P_cum[s, a], U[i, 2 + 2 * h])
            ucbvi_update(mode, h, s, a, rew, s_next, bonus_scale, N_sas, N_sa, Nprime, R_sum,
                         B_rl, Phat_rl, Rhat_rl)
            s = s_next
        Nprime[H, s] += 1
        returns[k] = total
