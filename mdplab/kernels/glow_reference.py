"""Plain-numpy reference for :mod:`mdplab.kernels.glow` (used by the tests and by
``benchmarks/glow.py``): the same inputs and outputs, to round-off."""

from __future__ import annotations

import numpy as np

#: numpy references that the tests compare the kernels against; not part of the API
__all__: list[str] = []


def glow_constraints_ref(X: np.ndarray, Y: np.ndarray, Wt: np.ndarray,
                          alpha: float) -> np.ndarray:
    """C[i, h] = max_j (X[i, h] . Wt[j, h] - alpha Y[h] . Wt[j, h]^2), one matmul per layer."""
    n, H, _ = X.shape
    out = np.empty((n, H))
    for h in range(H):
        pen = alpha * (Wt[:, h] ** 2) @ Y[h]                    # (m,)
        out[:, h] = (X[:, h] @ Wt[:, h].T - pen[None, :]).max(axis=1)
    return out


def mabo_objective_ref(X: np.ndarray, Y: np.ndarray, Wt: np.ndarray,
                       alpha: float) -> np.ndarray:
    """obj[i] = max(max_j sum_h g[i, j, h], max_{j, h} g[i, j, h]) with
    g = |X[i, h] . Wt[j, h]| - alpha Y[h] . Wt[j, h]^2."""
    g = np.abs(np.einsum("ihz,jhz->ijh", X, Wt)) - alpha * np.einsum("hz,jhz->jh", Y, Wt ** 2)
    return np.maximum(g.sum(axis=2).max(axis=1), g.max(axis=(1, 2)))
