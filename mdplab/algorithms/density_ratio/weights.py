"""Weight classes W for GLOW and HyGLOW, built from exact occupancies.

Source: [AFJSX24] P. Amortila, D. J. Foster, N. Jiang, A. Sekhari, T. Xie (2024),
arXiv:2401.09681: Assumption 2.2 (pure density-ratio realizability, w = d^pi / d^pi'),
Assumption 2.2' (mixture realizability, w = d^pi / ((1/t) sum_{i<=t} d^{pi^(i)})), the
clipping operator clip_gamma[w] = min(w, gamma) of Definition 3.1, and for HyGLOW
(Corollary 4.1) w = d^pi / mu^(t), mu^(t) = (nu + bar d^(t)) / 2. The weight functions are
"given" objects: the library builds them from the occupancies it knows exactly; the
learner only ever sees data.

Ratio convention: 0/0 = 0 and x/0 = +inf for x > 0 (:func:`mdplab.coverage.safe_ratio`);
after clipping at level c, +inf becomes c.
"""

from __future__ import annotations

import numpy as np

from ...coverage.density_ratios import safe_ratio

__all__ = ["clip_weights", "hybrid_weights", "pair_weights", "path_weights"]


def path_weights(D: np.ndarray, dbar: np.ndarray, t: int) -> np.ndarray:
    """W-path at iteration t >= 2 (a library construction), shape (2p, H, S, A):

        { d^pi / bar d^(t) : pi in Pi }  u  { d^pi / (((t-1) bar d^(t) + d^pi) / t) : pi in Pi },

    with D (p, H, S, A) the occupancies of the class's policies Pi and dbar (H, S, A) the
    mean occupancy of the policies played in iterations 1..t-1. The second ("mix") family
    contains d^(t) / bar d^(t+1) for whichever pi^(t) is played next, the member the
    analysis of [AFJSX24] Lemma E.4 uses (its Assumption 2.2' with the realised history).
    """
    mix = ((t - 1) * dbar[None] + D) / t
    return np.concatenate([safe_ratio(D, dbar[None]), safe_ratio(D, mix)])


def pair_weights(D: np.ndarray) -> np.ndarray:
    """W-pair of [AFJSX24] Assumption 2.2 (pure density-ratio realizability):
    {d^pi / d^pi' : pi, pi' in Pi}, shape (p^2, H, S, A), row ``i p + j`` = d^{pi_i} / d^{pi_j}."""
    p = D.shape[0]
    return safe_ratio(D[:, None], D[None, :]).reshape((p * p,) + D.shape[1:])


def hybrid_weights(D: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """W-hybrid of HyGLOW ([AFJSX24] Corollary 4.1): {d^pi / mu : pi in Pi}, (p, H, S, A)."""
    return safe_ratio(D, mu[None])


def clip_weights(W: np.ndarray, level: float) -> np.ndarray:
    """clip_level[w] = min(w, level) ([AFJSX24] Def. 3.1); +inf becomes ``level``."""
    return np.minimum(W, level)
