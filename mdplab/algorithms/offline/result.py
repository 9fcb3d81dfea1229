"""The result of an episodic pessimistic algorithm (PEVI, VI-LCB), shared by every variant
so that the exact checks of :mod:`mdplab.algorithms.offline.checks` apply to all of them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class PessimisticResult:
    """Output of a pessimistic backward induction on offline data.

    Attributes
    ----------
    policy : (H, S) int64, the greedy policy pi_hat_h(s) = argmax_a Q[h, s, a] (ties to the
        lowest action index).
    Q : (H, S, A) the pessimistic action values Q_hat_h (after clipping).
    V : (H+1, S) V_hat_h(s) = max_a Q[h, s, a]; V[H] = 0.
    penalty : (H, S, A) the penalty Gamma_h(s, a) (PEVI) or b_h(s, a) (VI-LCB) used at step
        h, i.e. evaluated at the algorithm's own V_hat_{h+1}.
    backup : (H, S, A) the empirical Bellman backup (B_hat_h V_hat_{h+1})(s, a) before the
        penalty: r_hat + P_hat V_hat_{h+1} (or the ridge estimate phi.w for linear PEVI).
    algorithm : a short name, e.g. ``"pevi-tabular[l1]"``.
    params : the constants used (for the record next to every number).
    """

    policy: np.ndarray
    Q: np.ndarray
    V: np.ndarray
    penalty: np.ndarray
    backup: np.ndarray
    algorithm: str
    params: dict = field(default_factory=dict)

    @property
    def H(self) -> int:
        return self.Q.shape[0]
