"""Offline IRL: the sub- and super-feasible sets a behaviour dataset can identify.

Source: F. Lazzati, M. Mutti, A. M. Metelli (2024). *Offline Inverse RL: New Solution Concepts
and Provably Efficient Algorithms.* ICML 2024, arXiv:2402.15392 [LMM24a]. Only its abstract and
the restatements in Lazzati, Mutti & Metelli (2024, arXiv:2406.03812, App. A and B.2) could be
read: that the offline targets are the tightest learnable subset and superset of the feasible
set, and that the pessimistic estimator (PIRLO) returns sets that are inclusion-monotone. The
constructions below (the completion dynamic programme, the plug-in and the pessimistic
estimators) are the library's own [derived], not the paper's algorithms.

Setting: a finite-horizon MDP without reward, a deterministic expert pi_E, the set Z (H, S, A)
of pairs the behaviour data cover and Sup (H, S) the states the expert reaches. Only the
transitions on Z are identified: with ``[P]_Z`` all kernels equal to P on Z,

    R_cap = intersection over P' in [P]_Z of R_supp(P', pi_E)   (sub-feasible)
    R_cup = union over P' in [P]_Z of R_supp(P', pi_E)          (super-feasible)

so that R_cap <= R_supp(P) <= R_cup, with equality under full coverage (R_supp: the on-support
set of :class:`~mdplab.algorithms.irl.FeasibleRewardSet`). Exact membership by the completion
dynamic programme: an uncovered pair continues to the best (``"opt"``, for R_cap) or worst
(``"pes"``, for R_cup) next-step value, and r is in the set when the expert's action is optimal
at every reached (h, s) of that programme. The assumption throughout: the expert's own pairs
are covered (so its values are identified).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._validation import as_float_array, check_choice, check_real
from ...models.policy import validate_policy
from .feasible_set import _transitions

__all__ = ["OfflineFeasibleSets", "completion_dp"]


def completion_dp(P: np.ndarray, r: np.ndarray, covered: np.ndarray,
                  mode: str) -> tuple[np.ndarray, np.ndarray]:
    """Q (H, S, A) and V (H+1, S) of the optimal values when every uncovered pair continues to
    the largest (``mode="opt"``) or smallest (``"pes"``) next-step value, and covered pairs
    follow P. ``P`` (H, S, A, S), ``r`` (H, S, A), ``covered`` (H, S, A) bool."""
    mode = check_choice(mode, "mode", ("opt", "pes"))
    H, S, A, _ = P.shape
    V = np.zeros((H + 1, S))
    Q = np.empty((H, S, A))
    for h in range(H - 1, -1, -1):
        ext = V[h + 1].max() if mode == "opt" else V[h + 1].min()
        Q[h] = r[h] + np.where(covered[h], P[h] @ V[h + 1], ext)
        V[h] = Q[h].max(axis=1)
    return Q, V


class OfflineFeasibleSets:
    """The sub-feasible set R_cap and the super-feasible set R_cup of a covered region.

    Parameters
    ----------
    P : (H, S, A, S) transitions (only the covered rows are used), or an MDP.
    expert : deterministic (H, S) int policy.
    covered : (H, S, A) bool, the pairs the data cover (must include the expert's pairs at
        the states in ``support``).
    support : (H, S) bool, the states the expert reaches (where optimality is required).
    box : (lo, hi), default (-1, 1).
    """

    def __init__(self, P: Any, expert: Any, covered: Any, support: Any, *,
                 box: Any = (-1.0, 1.0), H: int | None = None) -> None:
        from .feasible_set import _box

        P_arr = _transitions(P, H)
        Hh, S, A, _ = P_arr.shape
        pi = validate_policy(expert, Hh, S, A, name="expert")
        if not np.all((pi == 0.0) | (pi == 1.0)):
            raise ValueError("OfflineFeasibleSets needs a deterministic expert (H, S) int: the "
                             "robust sets of a stochastic expert are essentially empty")
        self.H, self.S, self.A = Hh, S, A
        self.P = P_arr
        self.expert_action = pi.argmax(axis=2)
        self.covered = self._mask(covered, "covered", (Hh, S, A))
        self.support = self._mask(support, "support", (Hh, S))
        self.box = _box(box)
        miss = self.support & ~self.covered[np.arange(Hh)[:, None], np.arange(S)[None, :],
                                            self.expert_action]
        if miss.any():
            h, s = (int(i) for i in np.argwhere(miss)[0])
            raise ValueError(f"the expert's pair (h={h}, s={s}, a={self.expert_action[h, s]}) "
                             "is not covered; the offline sets assume the data cover every "
                             "expert pair at the states it reaches")

    @staticmethod
    def _mask(x, name, shape):
        arr = np.asarray(x)
        if arr.dtype != bool:
            arr = as_float_array(x, name) != 0.0
        if arr.shape != shape:
            raise ValueError(f"{name} has shape {arr.shape}; expected {shape}")
        return arr.copy()

    def _in(self, r: Any, mode: str, tol: float | None) -> bool:
        R = as_float_array(r, "r")
        if R.shape != (self.H, self.S, self.A):
            raise ValueError(f"r has shape {R.shape}; expected {(self.H, self.S, self.A)}")
        tol = 1e-9 * self.H if tol is None else check_real(tol, "tol", 0.0)
        lo, hi = self.box
        if R.min() < lo - tol or R.max() > hi + tol:
            return False
        Q, V = completion_dp(self.P, R, self.covered, mode)
        qe = np.take_along_axis(Q, self.expert_action[..., None], axis=2)[..., 0]
        return bool(np.all(np.where(self.support, qe >= V[:-1] - tol, True)))

    def in_cap(self, r: Any, tol: float | None = None) -> bool:
        """r in R_cap: the expert is optimal for every completion of the uncovered pairs."""
        return self._in(r, "opt", tol)

    def in_cup(self, r: Any, tol: float | None = None) -> bool:
        """r in R_cup: the expert is optimal for some completion."""
        return self._in(r, "pes", tol)
