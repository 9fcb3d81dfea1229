"""LSVI-UCB on a finite-state linear MDP, one compiled loop over K episodes (numba).

Algorithm: least-squares value iteration with an upper-confidence bonus, C. Jin, Z. Yang,
Z. Wang and M. I. Jordan (2020), "Provably efficient reinforcement learning with linear
function approximation", COLT, arXiv:1907.05388, Algorithm 1 (steps renumbered from 0; the
papers' V_{H+1} = 0 is ``V[H] = 0``). Before episode k, for h = H-1, ..., 0::

    Lam[h]   = lam I + sum_{tau<k} phi_tau phi_tau^T            (kept as its inverse)
    w[h]     = Lam[h]^{-1} sum_{tau<k} phi_tau (r_tau + V_{h+1}(s'_tau))
    Q[h,s,a] = min(phi(h,s,a) . w[h] + beta sqrt(phi^T Lam[h]^{-1} phi), H)
    V_h(s)   = max_a Q[h,s,a]   (and pi_k[h,s] = the lowest maximising a)

then plays pi_k for one episode. With a finite state space the regression needs no history:
per step the kernel keeps the d x S matrix ``M[h] = sum_tau phi_tau e_{s'_tau}^T`` and the
reward sums ``u[h] = sum_tau phi_tau r_tau``, so that ``sum_tau phi_tau (r_tau +
V(s'_tau)) = u[h] + M[h] @ V``. One episode costs O(H (S A d^2 + S d + S^2)) whatever k.

``Lam_inv[h]`` is updated by Sherman–Morrison,
``Lam_inv <- Lam_inv - (Lam_inv phi)(Lam_inv phi)^T / (1 + phi^T Lam_inv phi)``; every ``REFRESH`` = 512 updates of a step it is recomputed from
``lam I + Gram[h]`` by Cholesky and compared: the largest absolute difference is recorded
(``drift[0]``), and if it exceeds ``DRIFT_TOL`` = 1e-8 the recomputed inverse replaces the
updated one (``drift[1]`` counts those; ``drift[2]`` counts the refreshes).

Sparse features cost less, with the same result bit for bit: every sum over a feature index
runs over the nonzero entries of phi(h, s, a) only (a zero entry adds an exact zero), and the
rank-one update touches only the rows and columns where ``Lam_inv phi`` is nonzero (elsewhere
it subtracts an exact zero). With the one-hot features of a tabular model (one nonzero, Lam
diagonal) an episode then costs O(H (d^2 + S d + S A)) instead of O(H S A d^2). The update
keeps ``Lam_inv`` exactly symmetric (``x_i x_j`` and ``x_j x_i`` are the same float), so it is
never symmetrised after an update; a recomputed inverse need not be exactly symmetric (from
d of about 100 on, Cholesky's ``L^-T L^-1`` differs from its transpose by ~1e-19), so a
replacement copies ``(fresh + fresh^T) / 2``.

Randomness enters as uniforms drawn by the caller
(:mod:`mdplab.algorithms.online.least_squares_value_iteration`):
``u_start`` (K,), ``u_next`` (K, H), ``u_reward`` (K, H). A start state, a next state is the
first index whose cumulative probability exceeds the uniform (the caller builds the CDFs);
a Bernoulli reward is ``1.0 if u_reward < r_mean else 0.0`` (as
:class:`mdplab.models.rewards.Bernoulli` draws it), a deterministic one is the mean.

Exact scoring inside the loop: the greedy policy of each episode is evaluated on the exact
tabular model (O(H S^2)), giving ``regret[k] = V*_0(rho) - V^{pi_k}_0(rho)`` and
``pseudo[k] = V*_0(s_0^k) - V^{pi_k}_0(s_0^k)``.

The numpy reference is :func:`mdplab.kernels.lsvi_reference.lsvi_ucb_episodes`, and an
O(k)-per-episode implementation from the stored history (Algorithm 1 as printed) is
:func:`mdplab.kernels.lsvi_reference.lsvi_ucb_direct`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["lsvi_ucb_episodes"]

#: Sherman–Morrison updates between two recomputations of Lam^{-1} by Cholesky
REFRESH = 512
#: largest tolerated |updated - recomputed| entry of Lam^{-1} (the library's tolerance)
DRIFT_TOL = 1e-8


@njit(cache=True)
def _first_greater(c, u):
    """First index i with c[i] > u (c non-decreasing with c[-1] = 1 > u)."""
    n = c.shape[0]
    for i in range(n):
        if c[i] > u:
            return i
    return n - 1


@njit(cache=True)
def _recompute_inverse(Gram_h, lam, d):
    Lam = Gram_h.copy()
    for i in range(d):
        Lam[i, i] += lam
    L = np.linalg.cholesky(Lam)
    Linv = np.linalg.inv(L)
    return Linv.T @ Linv


@njit(cache=True)
def lsvi_ucb_episodes(phi, P, P_cdf, r_mean, rho, rho_cdf, V_star0, bernoulli,
                      u_start, u_next, u_reward, lam, beta, clip_below, lemma_b3, record,
                      regret, pseudo, returns, s0, opt_value, bonus, b3, counts, policy,
                      Lam_inv, Gram, M, u, drift, Q_rec, pi_rec, states, actions, rewards):
    """Run K = ``u_start.shape[0]`` episodes of LSVI-UCB; fills the output arrays in place.

    Parameters
    ----------
    phi : (H, S, A, d) float64 features (a stationary map broadcast over h).
    P, P_cdf : (H, S, A, S) exact kernel and its row CDFs (last positive entry onwards = 1).
    r_mean : (H, S, A) mean rewards.
    rho, rho_cdf : (S,) initial law and its CDF.
    V_star0 : (S,) optimal values at step 0.
    bernoulli : bool, observed rewards Bernoulli(r_mean) (else deterministic).
    u_start (K,), u_next (K, H), u_reward (K, H) : uniforms.
    lam, beta : ridge and bonus coefficient. clip_below : clip Q at 0 from below.
    lemma_b3 : compute the self-normalised statistic of Lemma B.3 into ``b3`` (K, H).
    record : store Q (K, H, S, A), policies (K, H, S) and trajectories.

    Outputs (allocated by the caller): regret, pseudo, returns, opt_value (K,); s0 (K,)
    int64; bonus (K, H) = ||phi_h^k||_{(Lam_h^k)^{-1}} at the visited pair before the update;
    b3 (K, H) or (0, 0); counts (H, S, A) int64; policy (H, S) of the last episode; Lam_inv
    (H, d, d) (initialised to I/lam by the caller), Gram (H, d, d), M (H, d, S), u (H, d)
    (zeros); drift (3,) = [max drift, number of replacements, number of
    refreshes]; Q_rec, pi_rec, states (K, H+1),
    actions, rewards: filled when ``record`` (else shape 0 in the first axis).
    """
    K = u_start.shape[0]
    H, S, A, d = phi.shape
    V = np.zeros((H + 1, S))
    Vpi = np.zeros((H + 1, S))
    Q = np.empty((H, S, A))
    pi = np.zeros((H, S), dtype=np.int64)
    g = np.empty(d)
    w = np.empty(d)
    x = np.empty(d)
    n_upd = np.zeros(H, dtype=np.int64)
    # the nonzero entries of each feature vector (sums over the others add exact zeros)
    nnz = np.zeros((H, S, A), dtype=np.int64)
    nz = np.zeros((H, S, A, d), dtype=np.int64)
    for h in range(H):
        for s in range(S):
            for a in range(A):
                n = 0
                for i in range(d):
                    if phi[h, s, a, i] != 0.0:
                        nz[h, s, a, n] = i
                        n += 1
                nnz[h, s, a] = n
    xnz = np.zeros(d, dtype=np.int64)
    PV = np.empty((S, A))
    v3 = np.empty(d)
    Hf = float(H)
    v_star_rho = 0.0
    for t in range(S):
        v_star_rho += rho[t] * V_star0[t]
    for k in range(K):
        # ---------------------------------------------------------- optimistic planning
        for h in range(H - 1, -1, -1):
            Li = Lam_inv[h]
            for i in range(d):
                acc = u[h, i]
                for t in range(S):
                    acc += M[h, i, t] * V[h + 1, t]
                g[i] = acc
            for i in range(d):
                acc = 0.0
                for j in range(d):
                    acc += Li[i, j] * g[j]
                w[i] = acc
            for s in range(S):
                best = -np.inf
                arg = 0
                for a in range(A):
                    lin = 0.0
                    quad = 0.0
                    n = nnz[h, s, a]
                    for ii in range(n):
                        i = nz[h, s, a, ii]
                        fi = phi[h, s, a, i]
                        lin += fi * w[i]
                        acc = 0.0
                        for jj in range(n):
                            j = nz[h, s, a, jj]
                            acc += Li[i, j] * phi[h, s, a, j]
                        quad += fi * acc
                    if quad < 0.0:
                        quad = 0.0
                    q = lin + beta * math.sqrt(quad)
                    if q > Hf:
                        q = Hf
                    if clip_below and q < 0.0:
                        q = 0.0
                    Q[h, s, a] = q
                    if q > best:
                        best = q
                        arg = a
                V[h, s] = best
                pi[h, s] = arg
            if lemma_b3:
                # || sum_tau phi_tau [V_{h+1}(s'_tau) - (P_h V_{h+1})(s_tau, a_tau)] ||_{Lam^-1}
                for s in range(S):
                    for a in range(A):
                        acc = 0.0
                        for t in range(S):
                            acc += P[h, s, a, t] * V[h + 1, t]
                        PV[s, a] = acc
                for i in range(d):
                    acc = 0.0
                    for t in range(S):
                        acc += M[h, i, t] * V[h + 1, t]
                    for s in range(S):
                        for a in range(A):
                            if counts[h, s, a] > 0:
                                acc -= counts[h, s, a] * phi[h, s, a, i] * PV[s, a]
                    v3[i] = acc
                quad = 0.0
                for i in range(d):
                    acc = 0.0
                    for j in range(d):
                        acc += Li[i, j] * v3[j]
                    quad += v3[i] * acc
                b3[k, h] = math.sqrt(quad) if quad > 0.0 else 0.0
        if record:
            for h in range(H):
                for s in range(S):
                    pi_rec[k, h, s] = pi[h, s]
                    for a in range(A):
                        Q_rec[k, h, s, a] = Q[h, s, a]
        # ---------------------------------------------------------- exact evaluation of pi_k
        for h in range(H - 1, -1, -1):
            for s in range(S):
                a = pi[h, s]
                acc = r_mean[h, s, a]
                for t in range(S):
                    acc += P[h, s, a, t] * Vpi[h + 1, t]
                Vpi[h, s] = acc
        st = _first_greater(rho_cdf, u_start[k])
        s0[k] = st
        v_pi_rho = 0.0
        for t in range(S):
            v_pi_rho += rho[t] * Vpi[0, t]
        regret[k] = v_star_rho - v_pi_rho
        pseudo[k] = V_star0[st] - Vpi[0, st]
        opt_value[k] = V[0, st]
        # ---------------------------------------------------------- play the episode
        s = st
        ret = 0.0
        if record:
            states[k, 0] = s
        for h in range(H):
            a = pi[h, s]
            rm = r_mean[h, s, a]
            if bernoulli:
                rew = 1.0 if u_reward[k, h] < rm else 0.0
            else:
                rew = rm
            s_next = _first_greater(P_cdf[h, s, a], u_next[k, h])
            ret += rew
            Li = Lam_inv[h]
            n = nnz[h, s, a]
            quad = 0.0
            nx = 0
            for i in range(d):
                acc = 0.0
                for jj in range(n):
                    j = nz[h, s, a, jj]
                    acc += Li[i, j] * phi[h, s, a, j]
                x[i] = acc
                if acc != 0.0:
                    xnz[nx] = i
                    nx += 1
            for ii in range(n):
                i = nz[h, s, a, ii]
                quad += phi[h, s, a, i] * x[i]
            bonus[k, h] = math.sqrt(quad) if quad > 0.0 else 0.0
            # sufficient statistics
            for ii in range(n):
                i = nz[h, s, a, ii]
                fi = phi[h, s, a, i]
                M[h, i, s_next] += fi
                u[h, i] += fi * rew
                for jj in range(n):
                    j = nz[h, s, a, jj]
                    Gram[h, i, j] += fi * phi[h, s, a, j]
            counts[h, s, a] += 1
            # Sherman–Morrison on the rows and columns where x = Lam_inv phi is nonzero
            den = 1.0 + quad
            for ii in range(nx):
                i = xnz[ii]
                for jj in range(nx):
                    j = xnz[jj]
                    Li[i, j] -= x[i] * x[j] / den
            n_upd[h] += 1
            if n_upd[h] % REFRESH == 0:
                fresh = _recompute_inverse(Gram[h], lam, d)
                drift[2] += 1.0
                dev = 0.0
                for i in range(d):
                    for j in range(d):
                        e = abs(fresh[i, j] - Li[i, j])
                        if e > dev:
                            dev = e
                if dev > drift[0]:
                    drift[0] = dev
                if dev > DRIFT_TOL:
                    drift[1] += 1.0
                    for i in range(d):
                        for j in range(d):
                            Li[i, j] = 0.5 * (fresh[i, j] + fresh[j, i])
            if record:
                actions[k, h] = a
                rewards[k, h] = rew
                states[k, h + 1] = s_next
            s = s_next
        returns[k] = ret
    for h in range(H):
        for s in range(S):
            policy[h, s] = pi[h, s]
