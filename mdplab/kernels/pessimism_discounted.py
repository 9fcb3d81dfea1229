"""Discounted pessimistic value iteration on an empirical model (numba).

Two kernels of discounted offline RL, both on a discounted empirical model
with S states and A actions:

1. The pessimistic Bellman operator with the Bernstein penalty of Li, Shi, Chen, Chi & Wei
   (2022), arXiv 2204.05275, eqs. (27)-(28), iterated as in their Algorithm 1. For a value
   vector V (S,) and every (s, a), with c = c_b * log(N / ((1 - gamma) delta)) (the caller
   folds the log into ``c_log``) and ``add`` = 5/N::

       m(s,a)   = P_hat[s, a, :] . V                         (0 on an all-zero row)
       var(s,a) = P_hat[s, a, :] . (V - m)^2                  (two passes: never negative)
       b(s,a;V) = min{ max{ sqrt(c var / n), 2 c / ((1 - gamma) n) }, 1/(1 - gamma) } + add
                  (n = n[s, a] > 0);   1/(1 - gamma) + add   where n = 0
       T(Q)(s,a) = max{ r(s,a) + gamma m(s,a) - b(s,a;V), 0 },   V(s) = max_a Q(s, a)

   :func:`pe_iterate` applies T ``tau_max`` times from Q_0 (default 0), optionally stopping
   once ||Q_tau - Q_{tau-1}||_inf <= tol, and returns the final Q, V = max_a Q, the number
   of applications and the last change.

2. The sample-splitting VI-LCB of Rashidinejad, Zhu, Ma, Jiao & Russell (2021),
   arXiv 2103.12021 (its details are unconfirmed against the paper's text): for
   t = 1..T, from fold t's counts m_t, empirical kernel P_t and mean rewards r_t::

       Q_t(s,a) = r_t(s,a) - c_pen / sqrt(m_t(s,a)) + gamma P_t(s,a,:) . V_{t-1}   (m_t > 0)
                = -v_max                                                          (m_t = 0)
       V_t(s), pi_t(s) = max_a Q_t(s, .), argmax   if that max exceeds V_{t-1}(s),
                         V_{t-1}(s), pi_{t-1}(s)  otherwise   (the monotone step)

   with c_pen = v_max sqrt(L) (the caller computes L). :func:`split_iterate` returns the
   whole history V_0..V_T and pi_0..pi_T (V_0 = 0, pi_0 = 0).

Ties go to the lowest action index. The numba kernels walk only the nonzero entries of each
empirical row (compressed once per call), so an (s, a) never seen in the data costs O(1).
The numpy reference is :mod:`mdplab.kernels.pessimism_discounted_reference` (same
functions, same arguments, same results up to round-off). No input validation beyond
shapes: the algorithms in :mod:`mdplab.algorithms.offline.vilcb_discounted` validate.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

__all__ = ["pe_iterate", "pe_operator", "pe_penalty", "split_iterate"]


# ----------------------------------------------------------------------------- helpers
def _compress(P_hat: np.ndarray):
    """Row-compressed form of a dense (S, A, S) kernel: indptr (S*A+1,), indices, data."""
    S, A, _ = P_hat.shape
    flat = P_hat.reshape(S * A, S)
    rows, cols = np.nonzero(flat)
    indptr = np.zeros(S * A + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=S * A), out=indptr[1:])
    return indptr, cols.astype(np.int64), np.ascontiguousarray(flat[rows, cols], dtype=np.float64)


@njit(cache=True)
def _apply(indptr, indices, data, r, n, V, gamma, c_log, add, Q_out, b_out, m_out):
    """One application of the pessimistic operator to V; writes T(Q), b(.;V), P_hat V."""
    S, A = r.shape
    cap = 1.0 / (1.0 - gamma)
    for s in range(S):
        for a in range(A):
            row = s * A + a
            m = 0.0
            for k in range(indptr[row], indptr[row + 1]):
                m += data[k] * V[indices[k]]
            cnt = n[s, a]
            if cnt <= 0:
                b = cap + add
            else:
                var = 0.0
                for k in range(indptr[row], indptr[row + 1]):
                    dev = V[indices[k]] - m
                    var += data[k] * dev * dev
                sq = math.sqrt(c_log * var / cnt)
                lin = 2.0 * c_log / ((1.0 - gamma) * cnt)
                b = sq if sq > lin else lin
                if b > cap:
                    b = cap
                b += add
            q = r[s, a] + gamma * m - b
            if q < 0.0:
                q = 0.0
            Q_out[s, a] = q
            b_out[s, a] = b
            m_out[s, a] = m


@njit(cache=True)
def _row_max(Q, V):
    S, A = Q.shape
    for s in range(S):
        best = Q[s, 0]
        for a in range(1, A):
            if Q[s, a] > best:
                best = Q[s, a]
        V[s] = best


@njit(cache=True)
def _iterate(indptr, indices, data, r, n, gamma, c_log, add, tau_max, tol, Q, V, b, m,
             hist, record):
    S, A = r.shape
    Qn = np.empty((S, A))
    change = np.inf
    it = 0
    _row_max(Q, V)
    if record:
        hist[0] = Q
    while it < tau_max:
        _apply(indptr, indices, data, r, n, V, gamma, c_log, add, Qn, b, m)
        it += 1
        change = 0.0
        for s in range(S):
            for a in range(A):
                d = abs(Qn[s, a] - Q[s, a])
                if d > change:
                    change = d
                Q[s, a] = Qn[s, a]
        _row_max(Q, V)
        if record:
            hist[it] = Q
        if change <= tol:
            break
    return it, change


@njit(cache=True)
def _split(nn, m_cnt, r_f, gamma, c_pen, v_max, V_hist, pi_hist, Q):
    T1, S, A, _ = nn.shape
    for t in range(1, T1):
        for s in range(S):
            best = -np.inf
            arg = 0
            for a in range(A):
                cnt = m_cnt[t, s, a]
                if cnt <= 0:
                    q = -v_max
                else:
                    ev = 0.0
                    for sp in range(S):
                        c = nn[t, s, a, sp]
                        if c > 0:
                            ev += c * V_hist[t - 1, sp]
                    q = r_f[t, s, a] - c_pen / math.sqrt(cnt) + gamma * ev / cnt
                Q[s, a] = q
                if q > best:
                    best = q
                    arg = a
            if best > V_hist[t - 1, s]:
                V_hist[t, s] = best
                pi_hist[t, s] = arg
            else:
                V_hist[t, s] = V_hist[t - 1, s]
                pi_hist[t, s] = pi_hist[t - 1, s]


# ----------------------------------------------------------------------------- public
def _arrays(P_hat, r, n):
    P_hat = np.ascontiguousarray(P_hat, dtype=np.float64)
    S, A, S2 = P_hat.shape
    if S2 != S:
        raise ValueError(f"P_hat has shape {P_hat.shape}; expected (S, A, S)")
    r = np.ascontiguousarray(np.broadcast_to(r, (S, A)), dtype=np.float64)
    n = np.ascontiguousarray(np.broadcast_to(n, (S, A)), dtype=np.float64)
    return P_hat, r, n


def pe_penalty(P_hat: np.ndarray, n: np.ndarray, V: np.ndarray, *, gamma: float, c_log: float,
               add: float) -> np.ndarray:
    """b(s, a; V) of eq. (28) for every (s, a); shape (S, A). See the module docstring."""
    Q, b, _ = pe_operator(np.zeros(np.shape(n)), P_hat, 0.0, n, gamma=gamma, c_log=c_log,
                          add=add, V=V)
    return b


def pe_operator(Q: np.ndarray, P_hat: np.ndarray, r: np.ndarray, n: np.ndarray, *, gamma: float,
                c_log: float, add: float, V: np.ndarray | None = None) -> tuple[np.ndarray,
                np.ndarray, np.ndarray]:
    """T_pe(Q) (eq. (27)) with V = max_a Q (or the given ``V``).

    Returns (T_pe(Q) (S, A), b(.; V) (S, A), P_hat V (S, A)).
    """
    P_hat, r, n = _arrays(P_hat, r, n)
    S, A = r.shape
    if V is None:
        V = np.asarray(Q, dtype=np.float64).max(axis=1)
    V = np.ascontiguousarray(V, dtype=np.float64)
    indptr, indices, data = _compress(P_hat)
    Qo, bo, mo = np.empty((S, A)), np.empty((S, A)), np.empty((S, A))
    _apply(indptr, indices, data, r, n, V, float(gamma), float(c_log), float(add), Qo, bo, mo)
    return Qo, bo, mo


def pe_iterate(P_hat: np.ndarray, r: np.ndarray, n: np.ndarray, *, gamma: float, c_log: float,
               add: float, tau_max: int,
               tol: float = -1.0, Q0: np.ndarray | None = None, record: bool = False) -> tuple[Any,
               ...]:
    """Algorithm 1's loop: Q_tau = T_pe(Q_{tau-1}) for tau = 1..tau_max from Q0 (default 0).

    Stops early when ||Q_tau - Q_{tau-1}||_inf <= tol (tol < 0: never).
    Returns (Q (S, A), V (S,), n_iter, last_change, history (n_iter+1, S, A) or None).
    """
    P_hat, r, n = _arrays(P_hat, r, n)
    S, A = r.shape
    Q = np.zeros((S, A)) if Q0 is None else np.array(Q0, dtype=np.float64, order="C")
    V = np.empty(S)
    b, m = np.empty((S, A)), np.empty((S, A))
    hist = np.empty((tau_max + 1 if record else 0, S, A))
    indptr, indices, data = _compress(P_hat)
    it, change = _iterate(indptr, indices, data, r, n, float(gamma), float(c_log), float(add),
                          int(tau_max), float(tol), Q, V, b, m, hist, bool(record))
    return Q, V, int(it), float(change), (hist[: it + 1].copy() if record else None)


def split_iterate(nn_folds: np.ndarray, r_folds: np.ndarray, *, gamma: float, c_pen: float,
                  v_max: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The monotone Hoeffding iteration of the splitting VI-LCB (module docstring, part 2).

    ``nn_folds`` (T+1, S, A, S) next-state counts of folds 0..T (fold 0 is not read),
    ``r_folds`` (T+1, S, A) fold mean rewards. Returns (V_hist (T+1, S), pi_hist (T+1, S)
    int64, Q_T (S, A)).
    """
    nn = np.ascontiguousarray(nn_folds, dtype=np.float64)
    T1, S, A, _ = nn.shape
    m_cnt = np.ascontiguousarray(nn.sum(axis=3))
    r_f = np.ascontiguousarray(np.broadcast_to(r_folds, (T1, S, A)), dtype=np.float64)
    V_hist = np.zeros((T1, S))
    pi_hist = np.zeros((T1, S), dtype=np.int64)
    Q = np.full((S, A), -float(v_max))
    _split(nn, m_cnt, r_f, float(gamma), float(c_pen), float(v_max), V_hist, pi_hist, Q)
    return V_hist, pi_hist, Q
