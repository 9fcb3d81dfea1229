"""Pessimistic backward induction on an empirical episodic model (numba).

One kernel serves every tabular episodic pessimistic algorithm of
PEVI with a fixed penalty Gamma_h(s, a) (Jin, Yang & Wang
2021, arXiv 2012.15085, Algorithm 1) and VI-LCB with the Bernstein penalty that depends on
the next-step value (Li, Shi, Chen, Chi & Wei 2022, arXiv 2204.05275, Algorithm 2, eq. (55)).
For h = H-1, ..., 0 and every (s, a), with W = V[h+1] + arrival[h] (a reward received on
arriving in s' and folded into the next-state value; zero unless asked)::

    m(s,a)     = P_hat[h, s, a, :] . W                       (0 where the row is all zero)
    var(s,a)   = P_hat[h, s, a, :] . (W - m)^2                (two-pass: no cancellation)
    pen(s,a)   = fixed_penalty[h, s, a]                       mode 0 (fixed)
               = min(sqrt(c_var var / n) + c_lin / n, cap[h]) mode 1 (Bernstein), cap[h] if n = 0
    Q[h, s, a] = max(r[h, s, a] + m - pen, 0), then min(., upper[h]) if clip_upper
    pi[h, s]   = the lowest a attaining max_a Q[h, s, a];  V[h, s] = max_a Q[h, s, a]

``valid[s, a]`` = False removes an action (its Q is -inf and it is never chosen), for
instances whose action set depends on the state (the gambler's problem).

The numpy reference is :func:`mdplab.kernels.pessimism_reference.pessimistic_induction`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["bernstein_induction_csr", "csr_counts", "pessimistic_induction"]

MODE_FIXED = 0
MODE_BERNSTEIN = 1


@njit(cache=True)
def _pessimistic_induction(P_hat, r, arrival, n, fixed_penalty, mode, c_var, c_lin, cap,
                           upper, clip_upper, valid, Q, V, pi, pen, backup):
    H, S, A, _ = P_hat.shape
    W = np.empty(S)
    for h in range(H - 1, -1, -1):
        for t in range(S):
            W[t] = V[h + 1, t] + arrival[h, t]
        for s in range(S):
            best = -np.inf
            arg = 0
            for a in range(A):
                if not valid[s, a]:
                    Q[h, s, a] = -np.inf
                    pen[h, s, a] = 0.0
                    backup[h, s, a] = 0.0
                    continue
                m = 0.0
                for t in range(S):
                    m += P_hat[h, s, a, t] * W[t]
                if mode == MODE_FIXED:
                    b = fixed_penalty[h, s, a]
                else:
                    count = n[h, s, a]
                    if count <= 0:
                        b = cap[h]
                    else:
                        var = 0.0
                        for t in range(S):
                            dev = W[t] - m
                            var += P_hat[h, s, a, t] * dev * dev
                        b = math.sqrt(c_var * var / count) + c_lin / count
                        if b > cap[h]:
                            b = cap[h]
                pen[h, s, a] = b
                backup[h, s, a] = r[h, s, a] + m
                q = r[h, s, a] + m - b
                if q < 0.0:
                    q = 0.0
                if clip_upper and q > upper[h]:
                    q = upper[h]
                Q[h, s, a] = q
                if q > best:
                    best = q
                    arg = a
            V[h, s] = best if best > -np.inf else 0.0
            pi[h, s] = arg


def pessimistic_induction(P_hat: np.ndarray, r: np.ndarray, *, n: np.ndarray | None = None,
                          fixed_penalty: np.ndarray | None = None, c_var: float = 0.0,
                          c_lin: float = 0.0,
                          cap: np.ndarray | float | None = None, clip_upper: bool = True,
                          arrival: np.ndarray | None = None, valid: np.ndarray | None = None,
                          return_backup: bool = False) -> tuple[np.ndarray, ...]:
    """Run the kernel; arguments as in the module docstring. No validation beyond shapes:
    callers (the algorithms) validate their inputs.

    Returns Q (H,S,A), V (H+1,S), pi (H,S) int64, penalty (H,S,A), and with
    ``return_backup`` also the empirical backup r + P_hat W (H,S,A) (0 on removed actions).
    """
    P_hat = np.ascontiguousarray(P_hat, dtype=np.float64)
    H, S, A, S2 = P_hat.shape
    if S2 != S:
        raise ValueError(f"P_hat has shape {P_hat.shape}; expected (H, S, A, S)")
    r = np.ascontiguousarray(np.broadcast_to(r, (H, S, A)), dtype=np.float64)
    mode = MODE_FIXED if fixed_penalty is not None else MODE_BERNSTEIN
    if mode == MODE_BERNSTEIN and n is None:
        raise ValueError("the Bernstein penalty needs the counts n (H, S, A)")
    fixed = np.zeros((H, S, A)) if fixed_penalty is None else np.ascontiguousarray(
        np.broadcast_to(fixed_penalty, (H, S, A)), dtype=np.float64)
    n = np.zeros((H, S, A)) if n is None else np.ascontiguousarray(
        np.broadcast_to(n, (H, S, A)), dtype=np.float64)
    upper = np.arange(H, 0, -1, dtype=np.float64)  # H - h remaining rewards
    cap = upper.copy() if cap is None else np.ascontiguousarray(
        np.broadcast_to(np.asarray(cap, dtype=np.float64), (H,)))
    arrival = np.zeros((H, S)) if arrival is None else np.ascontiguousarray(
        np.broadcast_to(arrival, (H, S)), dtype=np.float64)
    valid = np.ones((S, A), dtype=np.bool_) if valid is None else np.ascontiguousarray(
        valid, dtype=np.bool_)
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    pi = np.empty((H, S), dtype=np.int64)
    pen = np.empty((H, S, A))
    backup = np.empty((H, S, A))
    _pessimistic_induction(P_hat, r, arrival, n, fixed, mode, float(c_var), float(c_lin), cap,
                           upper, bool(clip_upper), valid, Q, V, pi, pen, backup)
    return (Q, V, pi, pen, backup) if return_backup else (Q, V, pi, pen)


# ----------------------------------------------------------------------------------------
# data-sized (CSR) counting and Bernstein backward induction: O(N + H S A) per run
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def _csr_counts(rows, s_next, n_rows, S, indptr, idx, cnt, n):
    N = rows.shape[0]
    start = np.zeros(n_rows + 1, dtype=np.int64)
    for i in range(N):
        start[rows[i] + 1] += 1
    for r in range(n_rows):
        start[r + 1] += start[r]
        n[r] = start[r + 1] - start[r]
    order = np.empty(N, dtype=np.int64)
    pos = start[:-1].copy()
    for i in range(N):
        r = rows[i]
        order[pos[r]] = i
        pos[r] += 1
    last = np.full(S, -1, dtype=np.int64)
    slot = np.zeros(S, dtype=np.int64)
    k = 0
    indptr[0] = 0
    for r in range(n_rows):
        for j in range(start[r], start[r + 1]):
            t = s_next[order[j]]
            if last[t] != r:
                last[t] = r
                slot[t] = k
                idx[k] = t
                cnt[k] = 0
                k += 1
            cnt[slot[t]] += 1
        indptr[r + 1] = k
    return k


def csr_counts(h: np.ndarray, s: np.ndarray, a: np.ndarray, s_next: np.ndarray, H: int, S: int,
               A: int) -> tuple[np.ndarray, ...]:
    """Counts of N transitions as a CSR matrix over rows (h, s, a), in O(N + H S A).

    Returns ``indptr`` (H*S*A + 1,), ``next_states`` (nnz,), ``counts`` (nnz,) (the
    next-state counts nn of row i = (h*S + s)*A + a are ``counts[indptr[i]:indptr[i+1]]`` at
    ``next_states[...]``, in order of first appearance), and ``n`` (H, S, A) int64.
    Inputs are validated by the callers (indices in range); no sort is used.
    """
    rows = (np.asarray(h, np.int64) * S + np.asarray(s, np.int64)) * A + np.asarray(a, np.int64)
    s_next = np.ascontiguousarray(s_next, dtype=np.int64)
    n_rows = H * S * A
    indptr = np.empty(n_rows + 1, dtype=np.int64)
    idx = np.empty(rows.shape[0], dtype=np.int64)
    cnt = np.empty(rows.shape[0], dtype=np.int64)
    n = np.empty(n_rows, dtype=np.int64)
    nnz = _csr_counts(rows, s_next, n_rows, S, indptr, idx, cnt, n)
    return indptr, idx[:nnz].copy(), cnt[:nnz].copy(), n.reshape(H, S, A)


@njit(cache=True)
def _bernstein_induction_csr(indptr, idx, cnt, n, r, c_var, c_lin, cap, H, S, A, Q, V, pi,
                             pen, backup):
    for h in range(H - 1, -1, -1):
        for s in range(S):
            best = -np.inf
            arg = 0
            for a in range(A):
                row = (h * S + s) * A + a
                count = n[row]
                m = 0.0
                if count > 0:
                    for j in range(indptr[row], indptr[row + 1]):
                        m += cnt[j] * V[h + 1, idx[j]]
                    m /= count
                    var = 0.0
                    for j in range(indptr[row], indptr[row + 1]):
                        dev = V[h + 1, idx[j]] - m
                        var += cnt[j] * dev * dev
                    var /= count
                    b = math.sqrt(c_var * var / count) + c_lin / count
                    if b > cap[h]:
                        b = cap[h]
                else:
                    b = cap[h]
                pen[h, s, a] = b
                backup[h, s, a] = r[h, s, a] + m
                q = r[h, s, a] + m - b
                if q < 0.0:
                    q = 0.0
                Q[h, s, a] = q
                if q > best:
                    best = q
                    arg = a
            V[h, s] = best
            pi[h, s] = arg


def bernstein_induction_csr(indptr: np.ndarray, next_states: np.ndarray, counts: np.ndarray,
                            n: np.ndarray, r: np.ndarray, *, c_var: float, c_lin: float,
                            cap: np.ndarray | float | None = None) -> tuple[np.ndarray, ...]:
    """Bernstein-penalised backward induction from CSR counts (:func:`csr_counts`), in
    O(nnz + H S A): the data-sized form of the kernel's mode 1 with ``clip_upper=False``
    (Li et al. 2022, arXiv 2204.05275, Algorithm 2 with penalty (55)); same results as
    :func:`pessimistic_induction` on the dense P_hat = nn / n.

    Returns Q (H,S,A), V (H+1,S), pi (H,S), penalty (H,S,A), backup = r + P_hat V (H,S,A).
    """
    n = np.ascontiguousarray(n, dtype=np.int64)
    H, S, A = n.shape
    r = np.ascontiguousarray(np.broadcast_to(r, (H, S, A)), dtype=np.float64)
    cap = np.arange(H, 0, -1, dtype=np.float64) if cap is None else np.ascontiguousarray(
        np.broadcast_to(np.asarray(cap, dtype=np.float64), (H,)))
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    pi = np.empty((H, S), dtype=np.int64)
    pen = np.empty((H, S, A))
    backup = np.empty((H, S, A))
    _bernstein_induction_csr(indptr, next_states, np.asarray(counts, dtype=np.float64),
                             n.reshape(-1), r, float(c_var), float(c_lin), cap, H, S, A, Q, V,
                             pi, pen, backup)
    return Q, V, pi, pen, backup
