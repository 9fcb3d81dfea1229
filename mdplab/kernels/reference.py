"""Plain-numpy references for every numba kernel (used by the tests only)."""

from __future__ import annotations

import numpy as np


def backward_induction_ref(P: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q (H,S,A), V (H+1,S) by vectorised numpy backward induction."""
    H, S, A, _ = P.shape
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    for h in range(H - 1, -1, -1):
        Q[h] = r[h] + P[h] @ V[h + 1]
        V[h] = Q[h].max(axis=1)
    return Q, V
