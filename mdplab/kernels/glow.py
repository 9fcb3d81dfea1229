"""numba kernel for GLOW's confidence set: the weighted-residual constraint of every
hypothesis against every weight function, layer by layer.

[AFJSX24] P. Amortila, D. J. Foster, N. Jiang, A. Sekhari, T. Xie (2024), arXiv:2401.09681,
Algorithm 1, Eq. (4): f stays in the confidence set F^(t) iff for every layer h

    max_{w in W} ( E_D[ wt_h * hatDelta_h f ] - alpha_t E_D[ wt_h^2 ] ) <= beta_t,
    wt = clip_{gamma t}[w].

On tabular data both empirical means are sums over cells z = (s, a) of per-cell statistics,
so the kernel takes X[i, h, z] (the mean residual mass of hypothesis i in cell z), Y[h, z]
(the penalty measure) and the clipped weights Wt[j, h, z] and returns

    C[i, h] = max_j ( sum_z X[i, h, z] Wt[j, h, z] - alpha sum_z Y[h, z] Wt[j, h, z]^2 ),

O(n_F n_W H S A) flops. The reference ``mdplab.kernels.glow_reference.glow_constraints_ref``
computes the same with one BLAS contraction per layer.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

_FAST = {"reassoc", "contract"}  # vectorised dot products; no NaN/inf assumptions


@njit(cache=True, fastmath=_FAST)
def _penalties(Y, Wt, alpha):
    """pen[j, h] = alpha sum_z Y[h, z] Wt[j, h, z]^2, shape (m, H): the penalty of each weight
    per layer, shared by both kernels."""
    m, H, Z = Wt.shape
    pen = np.empty((m, H))
    for j in range(m):
        for h in range(H):
            acc = 0.0
            for z in range(Z):
                acc += Y[h, z] * Wt[j, h, z] * Wt[j, h, z]
            pen[j, h] = alpha * acc
    return pen


@njit(cache=True, parallel=True, fastmath=_FAST)
def glow_constraints(X, Y, Wt, alpha):
    """C (n, H) from X (n, H, Z), Y (H, Z), Wt (m, H, Z) (all float64, C-contiguous) and
    alpha >= 0; m >= 1 weights. Parallel over (i, h) pairs."""
    n, H, Z = X.shape
    m = Wt.shape[0]
    pen = _penalties(Y, Wt, alpha)
    out = np.empty((n, H))
    for ih in prange(n * H):
        i = ih // H
        h = ih - i * H
        best = -np.inf
        for j in range(m):
            acc = 0.0
            for z in range(Z):
                acc += X[i, h, z] * Wt[j, h, z]
            v = acc - pen[j, h]
            if v > best:
                best = v
        out[i, h] = best
    return out


@njit(cache=True, parallel=True, fastmath=_FAST)
def mabo_objective(X, Y, Wt, alpha):
    """obj (n,) of MABO.CR ([AFJSX24] Eq. (13)) over W and its single-layer members:
    with ``g[i, j, h] = |sum_z X[i, h, z] Wt[j, h, z]| - alpha sum_z Y[h, z] Wt[j, h, z]^2``,
    ``obj[i] = max(max_j sum_h g[i, j, h], max_{j, h} g[i, j, h])`` (the absolute value
    makes -W and W alike; the single-layer members W^(h) keep one layer's term).
    Parallel over hypotheses."""
    n, H, Z = X.shape
    m = Wt.shape[0]
    pen = _penalties(Y, Wt, alpha)
    out = np.empty(n)
    for i in prange(n):
        best = -np.inf
        for j in range(m):
            total = 0.0
            for h in range(H):
                acc = 0.0
                for z in range(Z):
                    acc += X[i, h, z] * Wt[j, h, z]
                g = abs(acc) - pen[j, h]
                total += g
                if g > best:
                    best = g
            if total > best:
                best = total
        out[i] = best
    return out
