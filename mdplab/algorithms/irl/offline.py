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

__all__ = ["OfflineFeasibleSets", "PessimisticOfflineSets", "completion_dp", "plug_in_offline_sets"]


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


# ---------------------------------------------------------------------- estimators
def _robust(q0: np.ndarray, W: np.ndarray, b: float, upper: bool) -> float:
    """max (upper) or min of q . W over the simplex with ``||q - q0||_1 <= b``, exactly: move
    up to b/2 of mass onto the best (worst) entry, taken from the others in increasing
    (decreasing) order of W."""
    order = np.argsort(W) if upper else np.argsort(-W)
    target = order[-1]
    q = q0.astype(np.float64).copy()
    move = min(b / 2.0, 1.0 - q[target])
    left = move
    for i in order[:-1]:
        if left <= 0.0:
            break
        take = min(q[i], left)
        q[i] -= take
        left -= take
    q[target] += move - left
    return float(q @ W)


def _counts(states: Any, actions: Any, S: int, A: int) -> tuple[np.ndarray, np.ndarray]:
    """Visit counts n (H, S, A) and next-state counts (H, S, A, S) from (K, H+1), (K, H)."""
    from ..._validation import as_int_array

    s = as_int_array(states, "states", ndim=2)
    a = as_int_array(actions, "actions", ndim=2)
    K, H = a.shape
    if s.shape != (K, H + 1):
        raise ValueError(f"states has shape {s.shape}; expected ({K}, {H + 1}) for actions "
                         f"{a.shape}")
    if s.size and (s.min() < 0 or s.max() >= S or a.min() < 0 or a.max() >= A):
        raise ValueError(f"states must lie in [0, {S}) and actions in [0, {A})")
    nxt = np.zeros((H, S, A, S))
    for h in range(H):
        np.add.at(nxt[h], (s[:, h], a[:, h], s[:, h + 1]), 1.0)
    return nxt.sum(axis=3), nxt


def plug_in_offline_sets(behaviour: Any, expert_episodes: Any, S: int, A: int, *,
                         box: Any = (-1.0, 1.0)) -> OfflineFeasibleSets:
    """IRLO-style plug-in estimate (derived): covered = pairs the behaviour data visit, P_hat
    their empirical kernel, the expert's support and actions as seen in its episodes.
    ``behaviour`` and ``expert_episodes`` are pairs (states (K, H+1), actions (K, H)), or
    :class:`~mdplab.sampling.Episodes`."""
    bs, ba = _episodes(behaviour, "behaviour")
    es, ea = _episodes(expert_episodes, "expert_episodes")
    n, nxt = _counts(bs, ba, S, A)
    ne, _ = _counts(es, ea, S, A)
    H = n.shape[0]
    if ne.shape[0] != H:
        raise ValueError(f"the behaviour episodes have H = {H}, the expert's {ne.shape[0]}")
    P_hat = np.where(n[..., None] > 0, nxt / np.maximum(n, 1)[..., None], 1.0 / S)
    support = ne.sum(axis=2) > 0
    expert = ne.argmax(axis=2)
    covered = (n > 0) | (ne > 0)
    return OfflineFeasibleSets(P_hat, expert, covered, support, box=box)


def _episodes(ep: Any, name: str) -> tuple[Any, Any]:
    if hasattr(ep, "states") and hasattr(ep, "actions"):
        return ep.states, ep.actions
    if isinstance(ep, (tuple, list)) and len(ep) == 2:
        return ep
    raise TypeError(f"{name} must be Episodes or a pair (states, actions), got "
                    f"{type(ep).__name__}")


class PessimisticOfflineSets:
    """PIRLO-style pessimistic estimates of R_cap (inner) and R_cup (outer) from data
    (the library's sound construction for deterministic experts; the paper's exact form was
    not read). On the good event of probability >= 1 - delta and with the expert's support
    and actions seen correctly, ``inner <= R_cap`` and ``R_cup <= outer``.

    Radius on a visited pair ``b = sqrt(2 beta(n, delta/2) / n)`` with the KL level beta of
    :func:`~mdplab.algorithms.irl.us_irl_beta`, so ``||P - P_hat||_1 <= b`` by Pinsker; robust
    continuations over that L1 ball (:func:`_robust`); unvisited pairs are uncovered.
    """

    def __init__(self, behaviour: Any, expert_episodes: Any, S: int, A: int, delta: float,
                 *, box: Any = (-1.0, 1.0)) -> None:
        from ..._validation import check_unit_open
        from .feasible_set import _box
        from .uniform_sampling import us_irl_beta

        bs, ba = _episodes(behaviour, "behaviour")
        es, ea = _episodes(expert_episodes, "expert_episodes")
        n, nxt = _counts(bs, ba, S, A)
        ne, _ = _counts(es, ea, S, A)
        self.delta = check_unit_open(delta, "delta")
        self.box = _box(box)
        self.H, self.S, self.A = n.shape
        self.n = n
        self.P_hat = np.where(n[..., None] > 0, nxt / np.maximum(n, 1)[..., None], 1.0 / S)
        self.support = ne.sum(axis=2) > 0
        self.expert_action = ne.argmax(axis=2)
        self.observed = n > 0
        radius = np.full(n.shape, np.inf)
        seen = n > 0
        radius[seen] = np.sqrt(2.0 * us_irl_beta(n[seen], self.delta / 2.0, S, A, self.H)
                               / n[seen])
        self.radius = radius

    def _bounds(self, r: np.ndarray):
        H, S, A = self.H, self.S, self.A
        big = float(np.abs(r).max())
        U = np.zeros((H + 1, S))
        L = np.zeros((H + 1, S))
        VElo = np.zeros((H + 1, S))
        VEup = np.zeros((H + 1, S))
        Qup = np.empty((H, S, A))
        Qlo = np.empty((H, S, A))
        for h in range(H - 1, -1, -1):
            Wlo = np.where(self.support[h + 1] if h + 1 < H else True, VElo[h + 1],
                           (H - h - 1) * big)
            Wup = np.where(self.support[h + 1] if h + 1 < H else True, VEup[h + 1],
                           -(H - h - 1) * big)
            for s in range(S):
                for a in range(A):
                    if self.observed[h, s, a]:
                        b = float(self.radius[h, s, a])
                        q0 = self.P_hat[h, s, a]
                        Qup[h, s, a] = r[h, s, a] + _robust(q0, U[h + 1], b, True)
                        Qlo[h, s, a] = r[h, s, a] + _robust(q0, L[h + 1], b, False)
                    else:
                        Qup[h, s, a] = r[h, s, a] + U[h + 1].max()
                        Qlo[h, s, a] = r[h, s, a] + L[h + 1].min()
                if self.support[h, s]:
                    a = self.expert_action[h, s]
                    if self.observed[h, s, a]:
                        b = float(self.radius[h, s, a])
                        q0 = self.P_hat[h, s, a]
                        VElo[h, s] = r[h, s, a] + _robust(q0, Wlo, b, False)
                        VEup[h, s] = r[h, s, a] + _robust(q0, Wup, b, True)
                    else:
                        VElo[h, s] = r[h, s, a] + Wlo.min()
                        VEup[h, s] = r[h, s, a] + Wup.max()
            U[h] = Qup[h].max(axis=1)
            L[h] = Qlo[h].max(axis=1)
        return Qup, Qlo, VElo, VEup

    def _check(self, r: Any) -> np.ndarray:
        R = as_float_array(r, "r")
        if R.shape != (self.H, self.S, self.A):
            raise ValueError(f"r has shape {R.shape}; expected {(self.H, self.S, self.A)}")
        return R

    def _others(self) -> np.ndarray:
        mask = np.ones((self.H, self.S, self.A), dtype=bool)
        np.put_along_axis(mask, self.expert_action[..., None], False, axis=2)
        return mask & self.support[..., None]

    def in_inner(self, r: Any, tol: float = 1e-9) -> bool:
        """r in the estimate of R_cap: ``Qup[h,s,a] <= VElo[h,s]`` at every seen expert state
        and every other action."""
        R = self._check(r)
        Qup, _, VElo, _ = self._bounds(R)
        return bool(np.all(np.where(self._others(), Qup <= VElo[:-1, :, None] + tol, True)))

    def in_outer(self, r: Any, tol: float = 1e-9) -> bool:
        """r in the estimate of R_cup: ``Qlo[h,s,a] <= VEup[h,s]`` likewise."""
        R = self._check(r)
        _, Qlo, _, VEup = self._bounds(R)
        return bool(np.all(np.where(self._others(), Qlo <= VEup[:-1, :, None] + tol, True)))
