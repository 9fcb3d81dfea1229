"""Plain-numpy references of :mod:`mdplab.kernels.lsvi` (LSVI-UCB, Jin, Yang, Wang & Jordan
2020, arXiv:1907.05388, Algorithm 1).

* :func:`lsvi_ucb_episodes`: the same algorithm as the numba kernel (d x S statistics,
  Sherman–Morrison, Cholesky refresh every 512 updates), written with numpy array operations;
  same arguments, same outputs.
* :func:`lsvi_ucb_direct`: the O(k)-per-episode form of Algorithm 1 as printed: it
  keeps the history ``Phi_hist[h]`` (K, d), ``r_hist[h]``, ``snext[h]`` and recomputes the
  targets ``y = r + V_{h+1}(s')`` every episode; the Gram matrix is rebuilt from the history
  and solved directly (``numpy.linalg.solve``), so neither the d x S statistics nor
  Sherman–Morrison enter it. It returns the Q tables and policies of every episode.

Both take the same pre-drawn uniforms as the kernel, so all three play the same episodes.
"""

from __future__ import annotations

import numpy as np

from .lsvi import DRIFT_TOL, REFRESH

#: numpy references that the tests compare the kernels against; not part of the API
__all__: list[str] = []


def _first_greater(c: np.ndarray, u: float) -> int:
    return int(min(np.searchsorted(c, u, side="right"), c.shape[0] - 1))


def _plan_step(phi_h, Lam_inv_h, target, beta, H, clip_below):
    """Q (S, A) of one step from the regression vector ``target`` = sum phi (r + V')."""
    w = Lam_inv_h @ target
    quad = np.einsum("sai,ij,saj->sa", phi_h, Lam_inv_h, phi_h)
    q = phi_h @ w + beta * np.sqrt(np.maximum(quad, 0.0))
    q = np.minimum(q, float(H))
    if clip_below:
        q = np.maximum(q, 0.0)
    return q


def _sm_update(Lam_inv_h, x, quad):
    """Sherman–Morrison with x = Lam^{-1} phi, quad = phi^T Lam^{-1} phi; symmetrised."""
    Li = Lam_inv_h - np.outer(x, x) / (1.0 + quad)
    return 0.5 * (Li + Li.T)


def _episodes(plan_step, sm_update, v_offset, phi, P, P_cdf, r_mean, rho, rho_cdf, V_star0,
              bernoulli, u_start, u_next, u_reward, lam, beta, clip_below, lemma_b3, record,
              regret, pseudo, returns, s0, opt_value, bonus, b3, counts, policy,
              Lam_inv, Gram, M, u, drift, Q_rec, pi_rec, states, actions, rewards):
    K = u_start.shape[0]
    H, S, A, d = phi.shape
    V = np.zeros((H + 1, S))
    pi = np.zeros((H, S), dtype=np.int64)
    n_upd = np.zeros(H, dtype=np.int64)
    v_star_rho = float(rho @ V_star0)
    for k in range(K):
        for h in range(H - 1, -1, -1):
            q = plan_step(phi[h], Lam_inv[h], u[h] + M[h] @ V[h + v_offset], beta, H,
                          clip_below)
            pi[h] = np.argmax(q, axis=1)
            V[h] = q.max(axis=1)
            if record:
                Q_rec[k, h] = q
            if lemma_b3:
                PV = P[h] @ V[h + 1]                                        # (S, A)
                v3 = M[h] @ V[h + 1] - np.einsum("sa,sai,sa->i", counts[h], phi[h], PV)
                b3[k, h] = np.sqrt(max(float(v3 @ Lam_inv[h] @ v3), 0.0))
        if record:
            pi_rec[k] = pi
        Vpi = np.zeros((H + 1, S))
        idx = np.arange(S)
        for h in range(H - 1, -1, -1):
            Vpi[h] = r_mean[h, idx, pi[h]] + P[h, idx, pi[h]] @ Vpi[h + 1]
        st = _first_greater(rho_cdf, u_start[k])
        s0[k] = st
        regret[k] = v_star_rho - float(rho @ Vpi[0])
        pseudo[k] = V_star0[st] - Vpi[0, st]
        opt_value[k] = V[0, st]
        s = st
        ret = 0.0
        if record:
            states[k, 0] = s
        for h in range(H):
            a = int(pi[h, s])
            rm = r_mean[h, s, a]
            rew = (1.0 if u_reward[k, h] < rm else 0.0) if bernoulli else rm
            s_next = _first_greater(P_cdf[h, s, a], u_next[k, h])
            ret += rew
            f = phi[h, s, a]
            x = Lam_inv[h] @ f
            quad = float(f @ x)
            bonus[k, h] = np.sqrt(quad) if quad > 0.0 else 0.0
            M[h, :, s_next] += f
            u[h] += f * rew
            Gram[h] += np.outer(f, f)
            counts[h, s, a] += 1
            Lam_inv[h] = sm_update(Lam_inv[h], x, quad)
            n_upd[h] += 1
            if n_upd[h] % REFRESH == 0:
                L = np.linalg.cholesky(Gram[h] + lam * np.eye(d))
                Linv = np.linalg.inv(L)
                fresh = Linv.T @ Linv
                drift[2] += 1.0
                dev = float(np.abs(fresh - Lam_inv[h]).max())
                drift[0] = max(drift[0], dev)
                if dev > DRIFT_TOL:
                    drift[1] += 1.0
                    Lam_inv[h] = fresh
            if record:
                actions[k, h] = a
                rewards[k, h] = rew
                states[k, h + 1] = s_next
            s = s_next
        returns[k] = ret
    policy[:] = pi


def make_episodes(plan_step=_plan_step, sm_update=_sm_update, v_offset=1):
    """The reference with its pieces replaceable (the claims' planted bugs use this):
    ``plan_step(phi_h, Lam_inv_h, target, beta, H, clip_below) -> Q_h``,
    ``sm_update(Lam_inv_h, x, quad) -> Lam_inv_h``, and ``v_offset`` (1: the regression at
    step h uses V_{h+1})."""

    def run(*args):
        return _episodes(plan_step, sm_update, v_offset, *args)

    return run


#: the numpy reference of :func:`mdplab.kernels.lsvi.lsvi_ucb_episodes` (same arguments)
lsvi_ucb_episodes = make_episodes()


def lsvi_ucb_direct(phi, P_cdf, r_mean, rho_cdf, bernoulli, u_start, u_next, u_reward,
                    lam, beta, clip_below=False):
    """LSVI-UCB from the stored history, O(k) per episode (the textbook form).

    Parameters
    ----------
    phi : (H, S, A, d); P_cdf : (H, S, A, S); r_mean : (H, S, A); rho_cdf : (S,)
    bernoulli : bool; u_start (K,), u_next (K, H), u_reward (K, H) : the kernel's uniforms
    lam, beta : ridge and bonus coefficient; clip_below : clip Q at 0 from below

    Returns
    -------
    Q (K, H, S, A), pi (K, H, S), states (K, H+1), actions (K, H), rewards (K, H)
    """
    K = u_start.shape[0]
    H, S, A, d = phi.shape
    Phi_hist = np.zeros((H, K, d))
    r_hist = np.zeros((H, K))
    snext = np.zeros((H, K), dtype=np.int64)
    Q_all = np.empty((K, H, S, A))
    pi_all = np.empty((K, H, S), dtype=np.int64)
    states = np.empty((K, H + 1), dtype=np.int64)
    actions = np.empty((K, H), dtype=np.int64)
    rewards = np.empty((K, H))
    for k in range(K):
        V_next = np.zeros(S)
        for h in range(H - 1, -1, -1):
            Phi = Phi_hist[h, :k]
            y = r_hist[h, :k] + V_next[snext[h, :k]]
            Lam = lam * np.eye(d) + Phi.T @ Phi
            w = np.linalg.solve(Lam, Phi.T @ y)
            F = phi[h].reshape(S * A, d)
            sol = np.linalg.solve(Lam, F.T)                                 # (d, S*A)
            bon = np.sqrt(np.maximum(np.einsum("id,di->i", F, sol), 0.0))
            q = np.minimum(F @ w + beta * bon, float(H))
            if clip_below:
                q = np.maximum(q, 0.0)
            Q_all[k, h] = q.reshape(S, A)
            pi_all[k, h] = np.argmax(Q_all[k, h], axis=1)
            V_next = Q_all[k, h].max(axis=1)
        s = _first_greater(rho_cdf, u_start[k])
        states[k, 0] = s
        for h in range(H):
            a = int(pi_all[k, h, s])
            rm = r_mean[h, s, a]
            rew = (1.0 if u_reward[k, h] < rm else 0.0) if bernoulli else rm
            s_next = _first_greater(P_cdf[h, s, a], u_next[k, h])
            Phi_hist[h, k] = phi[h, s, a]
            r_hist[h, k] = rew
            snext[h, k] = s_next
            actions[k, h], rewards[k, h], states[k, h + 1] = a, rew, s_next
            s = s_next
    return Q_all, pi_all, states, actions, rewards
