"""Plain-numpy references for every numba kernel (used by the tests only).

Each function computes the same quantity as its counterpart in
:mod:`mdplab.kernels.bellman` with straightforward vectorised numpy, so that
the two can be compared on random inputs.
"""

from __future__ import annotations

import numpy as np

#: numpy references that the tests compare the kernels against; not part of the API
__all__: list[str] = []


def _csr_matvec(indptr, indices, data, v, rows: slice | None = None) -> np.ndarray:
    """(M v) for the CSR matrix (indptr, indices, data) with len(indptr)-1 rows."""
    indptr = np.asarray(indptr)
    n_rows = indptr.shape[0] - 1
    row_of = np.repeat(np.arange(n_rows), np.diff(indptr))
    out = np.zeros(n_rows)
    np.add.at(out, row_of, np.asarray(data) * np.asarray(v)[np.asarray(indices)])
    return out if rows is None else out[rows]


def backward_induction_ref(P: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q (H,S,A), V (H+1,S) by vectorised numpy backward induction; P (H,S,A,S), r (H,S,A)."""
    H, S, A, _ = P.shape
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    for h in range(H - 1, -1, -1):
        Q[h] = r[h] + P[h] @ V[h + 1]
        V[h] = Q[h].max(axis=1)
    return Q, V


def _csr_backward_ref(indptr, indices, data, r, H: int, stationary: bool, value_of_q):
    """Backward pass over CSR rows: Q_h = r_h + P_h V_{h+1}, V_h = value_of_q(h, Q_h)."""
    r = np.broadcast_to(r, (H,) + np.shape(r)[-2:])
    _, S, A = r.shape
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    n = S * A
    for h in range(H - 1, -1, -1):
        pv = _csr_matvec(indptr, indices, data, V[h + 1])
        pv = pv if stationary else pv[h * n:(h + 1) * n]
        Q[h] = r[h] + pv.reshape(S, A)
        V[h] = value_of_q(h, Q[h])
    return Q, V


def backward_induction_csr_ref(indptr, indices, data, r, H: int, stationary: bool):
    """Backward induction over CSR rows (s,a) (stationary) or (h,s,a); r (H,S,A)."""
    return _csr_backward_ref(indptr, indices, data, r, H, stationary,
                             lambda h, Q_h: Q_h.max(axis=1))


def policy_backward_ref(P: np.ndarray, r: np.ndarray, pi: np.ndarray):
    """Q^pi (H,S,A), V^pi (H+1,S) for P (H,S,A,S), r (H,S,A), stochastic pi (H,S,A)."""
    H, S, A, _ = P.shape
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    for h in range(H - 1, -1, -1):
        Q[h] = r[h] + P[h] @ V[h + 1]
        V[h] = (pi[h] * Q[h]).sum(axis=1)
    return Q, V


def policy_backward_csr_ref(indptr, indices, data, r, pi, H: int, stationary: bool):
    """:func:`policy_backward_ref` over CSR rows."""
    pi = np.broadcast_to(pi, (H,) + np.shape(r)[-2:])
    return _csr_backward_ref(indptr, indices, data, r, H, stationary,
                             lambda h, Q_h: (pi[h] * Q_h).sum(axis=1))


def bellman_backup_ref(P: np.ndarray, r: np.ndarray, gamma: float, V: np.ndarray):
    """Q = r + gamma P V (S,A) and max_a Q (S,) for P (S,A,S)."""
    Q = r + gamma * (P @ V)
    return Q, Q.max(axis=1)


def bellman_backup_csr_ref(indptr, indices, data, r, gamma: float, V: np.ndarray):
    """:func:`bellman_backup_ref` for CSR rows s*A + a."""
    S, A = r.shape
    Q = r + gamma * _csr_matvec(indptr, indices, data, V).reshape(S, A)
    return Q, Q.max(axis=1)


def _as_stochastic(policy, S: int, A: int) -> np.ndarray:
    policy = np.asarray(policy)
    if policy.dtype.kind in "iu":
        out = np.zeros((S, A))
        out[np.arange(S), policy] = 1.0
        return out
    return policy


def policy_backup_ref(P, r, gamma: float, V, policy) -> np.ndarray:
    """(T_pi V)(s) = sum_a pi(a|s) (r + gamma P V)(s, a); policy (S,) int or (S, A)."""
    S, A = r.shape
    Q = r + gamma * (P @ V)
    return (_as_stochastic(policy, S, A) * Q).sum(axis=1)


def policy_backup_csr_ref(indptr, indices, data, r, gamma: float, V, policy) -> np.ndarray:
    """:func:`policy_backup_ref` for CSR rows s*A + a."""
    S, A = r.shape
    Q = r + gamma * _csr_matvec(indptr, indices, data, V).reshape(S, A)
    return (_as_stochastic(policy, S, A) * Q).sum(axis=1)


def greedy_actions_ref(Q: np.ndarray) -> np.ndarray:
    """np.argmax over the last axis (first maximiser), int64."""
    return np.argmax(Q, axis=-1).astype(np.int64)
