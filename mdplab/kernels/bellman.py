"""Bellman backups and backward induction (numba)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _backward_induction_dense(P, r, Q, V):
    H, S, A, _ = P.shape
    for h in range(H - 1, -1, -1):
        for s in range(S):
            best = -np.inf
            for a in range(A):
                acc = r[h, s, a]
                for t in range(S):
                    acc += P[h, s, a, t] * V[h + 1, t]
                Q[h, s, a] = acc
                if acc > best:
                    best = acc
            V[h, s] = best


def backward_induction_dense(P: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q* (H, S, A) and V* (H+1, S) for dense P (H, S, A, S) and r (H, S, A).

    Reference: :func:`mdplab.kernels.reference.backward_induction_ref`.
    """
    H, S, A, _ = P.shape
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    _backward_induction_dense(P, r, Q, V)
    return Q, V
