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
    """Q (..., H, S, A) and V (..., H+1, S) of the optimal values when every uncovered pair
    continues to the largest (``mode="opt"``) or smallest (``"pes"``) next-step value, and
    covered pairs follow P. ``P`` (H, S, A, S), ``r`` (H, S, A) or a batch (m, H, S, A),
    ``covered`` (H, S, A) bool."""
    mode = check_choice(mode, "mode", ("opt", "pes"))
    H, S, A, _ = P.shape
    R = np.asarray(r, dtype=np.float64)
    batch = R.ndim == 4
    R4 = R if batch else R[None]
    m = R4.shape[0]
    V = np.zeros((m, H + 1, S))
    Q = np.empty((m, H, S, A))
    for h in range(H - 1, -1, -1):
        ext = V[:, h + 1].max(axis=1) if mode == "opt" else V[:, h + 1].min(axis=1)
        cont = np.einsum("sat,mt->msa", P[h], V[:, h + 1])
        Q[:, h] = R4[:, h] + np.where(covered[h], cont, ext[:, None, None])
        V[:, h] = Q[:, h].max(axis=2)
    return (Q, V) if batch else (Q[0], V[0])


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

    def _rewards(self, r: Any) -> np.ndarray:
        R = as_float_array(r, "r")
        shape = (self.H, self.S, self.A)
        if R.shape != shape and not (R.ndim == 4 and R.shape[1:] == shape):
            raise ValueError(f"r has shape {R.shape}; expected {shape} or (n, *{shape})")
        return R

    def _in(self, r: Any, mode: str, tol: float | None) -> bool | np.ndarray:
        R = self._rewards(r)
        tol = 1e-9 * self.H if tol is None else check_real(tol, "tol", 0.0)
        lo, hi = self.box
        axes = (-3, -2, -1)
        in_box = (R.min(axis=axes) >= lo - tol) & (R.max(axis=axes) <= hi + tol)
        Q, V = completion_dp(self.P, R, self.covered, mode)
        qe = np.take_along_axis(Q, np.broadcast_to(self.expert_action[..., None], Q.shape[:-1]
                                                   + (1,)), axis=-1)[..., 0]
        ok = in_box & np.all(np.where(self.support, qe >= V[..., :-1, :] - tol, True),
                             axis=(-2, -1))
        return bool(ok) if np.ndim(ok) == 0 else ok

    def in_cap(self, r: Any, tol: float | None = None) -> bool | np.ndarray:
        """r in R_cap: the expert is optimal for every completion of the uncovered pairs.
        ``r`` (H, S, A), or a batch (n, H, S, A) giving a bool array (n,)."""
        return self._in(r, "opt", tol)

    def in_cup(self, r: Any, tol: float | None = None) -> bool | np.ndarray:
        """r in R_cup: the expert is optimal for some completion (batches as :meth:`in_cap`)."""
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


def _robust_rows(q0: np.ndarray, W: np.ndarray, b: np.ndarray, upper: bool) -> np.ndarray:
    """:func:`_robust` for m rows at once: q0 (m, S), W (S,) or (m, S), b (m,) -> (m,).

    The greedy move in closed form: sorted by W (increasing for the max), the last entry gains
    ``move = min(b/2, 1 - q_last)`` and entry i gives ``clip(move - (mass before i), 0, q_i)``.
    ``_robust`` is its loop reference (the tests compare them)."""
    W2 = np.broadcast_to(W, q0.shape)
    order = np.argsort(W2 if upper else -W2, axis=1, kind="stable")
    qs = np.take_along_axis(q0, order, axis=1)
    ws = np.take_along_axis(W2, order, axis=1)
    others = qs[:, :-1]
    move = np.minimum(np.asarray(b, dtype=np.float64) / 2.0, 1.0 - qs[:, -1])
    before = np.cumsum(others, axis=1) - others
    take = np.clip(move[:, None] - before, 0.0, others)
    gained = qs[:, -1] + take.sum(axis=1)
    return ((others - take) * ws[:, :-1]).sum(axis=1) + gained * ws[:, -1]


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
        return ep[0], ep[1]
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
        """Robust optimal values Qup >= Q* >= Qlo (m, H, S, A) over the L1 balls, and robust
        expert values VElo <= V^{pi_E} <= VEup (m, H+1, S) on the expert's support (an unseen
        next state is bounded by +-(H-h-1) max|r|), for a batch r (m, H, S, A). One
        vectorised pass per step."""
        H, S, A = self.H, self.S, self.A
        m = r.shape[0]
        big = np.abs(r).max(axis=(1, 2, 3))[:, None]
        U, L = np.zeros((m, H + 1, S)), np.zeros((m, H + 1, S))
        VElo, VEup = np.zeros((m, H + 1, S)), np.zeros((m, H + 1, S))
        Qup, Qlo = np.empty((m, H, S, A)), np.empty((m, H, S, A))
        states = np.arange(S)

        def robust(q0, W, rad, upper):
            # rows: every reward of the batch times every row of q0
            k = q0.shape[0]
            qq = np.broadcast_to(q0, (m, k, S)).reshape(m * k, S)
            WW = np.broadcast_to(W[:, None, :], (m, k, S)).reshape(m * k, S)
            bb = np.broadcast_to(rad, (m, k)).reshape(-1)
            return _robust_rows(qq, WW, bb, upper).reshape(m, k)

        for h in range(H - 1, -1, -1):
            if h + 1 < H:
                Wlo = np.where(self.support[h + 1], VElo[:, h + 1], (H - h - 1) * big)
                Wup = np.where(self.support[h + 1], VEup[:, h + 1], -(H - h - 1) * big)
            else:
                Wlo, Wup = VElo[:, h + 1], VEup[:, h + 1]
            obs = self.observed[h].reshape(-1)
            q0 = self.P_hat[h].reshape(S * A, S)
            rad = self.radius[h].reshape(-1)
            up = np.where(obs, robust(q0, U[:, h + 1], rad, True), U[:, h + 1].max(axis=1)[:, None])
            dn = np.where(obs, robust(q0, L[:, h + 1], rad, False),
                          L[:, h + 1].min(axis=1)[:, None])
            Qup[:, h] = r[:, h] + up.reshape(m, S, A)
            Qlo[:, h] = r[:, h] + dn.reshape(m, S, A)
            a = self.expert_action[h]
            re = r[:, h, states, a]
            obs_e = self.observed[h, states, a]
            qe = self.P_hat[h, states, a]
            rad_e = self.radius[h, states, a]
            lo_e = np.where(obs_e, robust(qe, Wlo, rad_e, False), Wlo.min(axis=1)[:, None])
            up_e = np.where(obs_e, robust(qe, Wup, rad_e, True), Wup.max(axis=1)[:, None])
            VElo[:, h] = np.where(self.support[h], re + lo_e, 0.0)
            VEup[:, h] = np.where(self.support[h], re + up_e, 0.0)
            U[:, h] = Qup[:, h].max(axis=2)
            L[:, h] = Qlo[:, h].max(axis=2)
        return Qup, Qlo, VElo, VEup

    def _check(self, r: Any) -> np.ndarray:
        R = as_float_array(r, "r")
        shape = (self.H, self.S, self.A)
        if R.shape != shape and not (R.ndim == 4 and R.shape[1:] == shape):
            raise ValueError(f"r has shape {R.shape}; expected {shape} or (n, *{shape})")
        return R

    def _others(self) -> np.ndarray:
        mask = np.ones((self.H, self.S, self.A), dtype=bool)
        np.put_along_axis(mask, self.expert_action[..., None], False, axis=2)
        return mask & self.support[..., None]

    def _test(self, r: Any, tol: float, inner: bool) -> bool | np.ndarray:
        R = self._check(r)
        R4 = R if R.ndim == 4 else R[None]
        Qup, Qlo, VElo, VEup = self._bounds(R4)
        q, v = (Qup, VElo) if inner else (Qlo, VEup)
        ok = np.all(np.where(self._others(), q <= v[:, :-1, :, None] + tol, True),
                    axis=(1, 2, 3))
        return bool(ok[0]) if R.ndim == 3 else ok

    def in_inner(self, r: Any, tol: float = 1e-9) -> bool | np.ndarray:
        """r in the estimate of R_cap: ``Qup[h,s,a] <= VElo[h,s]`` at every seen expert state
        and every other action. ``r`` (H, S, A), or a batch (n, H, S, A) giving (n,) bools."""
        return self._test(r, tol, True)

    def in_outer(self, r: Any, tol: float = 1e-9) -> bool | np.ndarray:
        """r in the estimate of R_cup: ``Qlo[h,s,a] <= VEup[h,s]`` likewise."""
        return self._test(r, tol, False)
