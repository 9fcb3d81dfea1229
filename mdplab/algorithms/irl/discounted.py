"""The feasible reward set of a discounted IRL problem, and how model errors propagate to it.

Source: A. M. Metelli, G. Ramponi, A. Concetti, M. Restelli (2021). *Provably Efficient
Learning of Transferable Rewards.* ICML 2021, PMLR 139:7665-7676 [MRCR21] (no arXiv listing
could be confirmed; the full text was not found, so the statements below come from the
restatements in Metelli et al. 2023, arXiv:2304.12966, and Lazzati et al. 2024,
arXiv:2406.03812, and are marked as such).

Setting: P (S, A, S), an expert pi_E (S,) or (S, A), discount gamma in [0, 1), rewards r (S, A)
in a box (the papers: [-R_max, R_max]). r is feasible when pi_E is optimal for it; in matrix
form (Lemma 3.2 of [MRCR21], via the restatements) r is feasible iff::

    r = - Bbar zeta + (E - gamma P) V,   zeta in R^{SA}_{>= 0},  V in R^S,

with ``E[(s, a), s'] = 1{s = s'}``, ``P`` the (SA, S) kernel and ``Bbar`` the diagonal of the
actions pi_E does not play (V is then V^{pi_E} = V*, zeta the advantage gaps).

Error propagation (Theorem 3.1 of [MRCR21], via the restatements; signs as derived here): for
a member written as above, ``rhat = - Bbar_hat zeta + (E - gamma Phat) V`` is feasible for
(Phat, pihat_E), and elementwise::

    |r - rhat| <= Bbar B_hat zeta + gamma |(P - Phat) V|

(the first term is nonzero only where the true expert does not play a but the estimated one
does; zeta is zero on the true expert's actions). :func:`propagated_reward` returns rhat and
the bound.

Transfer ([MRCR21] Sec. 4, via the restatements; the exact theorem was not read): a reward
``rhat`` learnt in one problem is used in a known target model P' (S, A, S). The inequality
:func:`transfer_bound` evaluates is derived here (a simulation-lemma argument; Assumption 4.1
of [MRCR21], that the source set lies in the target's, is what makes ``|r - rhat|`` small for
a feasible r, and is not needed for the inequality itself): for pihat optimal for rhat in P',
with d the normalised discounted occupancies from rho in P'::

    V*_{P',r}(rho) - V^{pihat}_{P',r}(rho) <= (1/(1-gamma)) [ d^{pi*} . |r - rhat|
                                                             + d^{pihat} . |r - rhat| ].

Bounds used by the samplers and LPs (derived here for rewards in [lo, hi]):
``abs(V) <= max(abs(lo), abs(hi)) / (1 - gamma)`` and ``0 <= zeta <= (hi - lo) / (1 - gamma)``
(the restatements print R_max / (1 - gamma) for both; for advantages that is a factor 2 short,
as in the finite-horizon case).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..._validation import (
    as_float_array,
    as_rng,
    check_choice,
    check_positive_int,
    check_probability_rows,
    check_real,
    readonly,
)
from ...models.policy import validate_policy
from .feasible_set import SetSamples, _box, _BoxedSet

__all__ = ["DiscountedFeasibleRewardSet", "TransferBound", "propagated_reward", "transfer_bound"]


class DiscountedFeasibleRewardSet(_BoxedSet):
    """The rewards in a box that make an expert optimal in a discounted MDP without reward.

    Parameters
    ----------
    P : array (S, A, S), or a :class:`~mdplab.models.DiscountedMDP` (its kernel and gamma).
    expert : deterministic (S,) int or stochastic (S, A) policy.
    gamma : discount in [0, 1) (taken from the MDP when one is given).
    box : (lo, hi), default (-1, 1).

    Attributes: P, expert (S, A), played (S, A) bool, gamma, box, S, A, n = S A, reward_shape
    (S, A), support = "all".
    """

    support = "all"

    def __init__(self, P: Any, expert: Any, gamma: float | None = None, *,
                 box: Any = (-1.0, 1.0)) -> None:
        from ...models import DiscountedMDP

        if isinstance(P, DiscountedMDP):
            if gamma is not None and float(gamma) != P.gamma:
                raise ValueError(f"gamma is {gamma} but the MDP's is {P.gamma}")
            gamma = P.gamma
            P_arr = np.array(P.P, dtype=np.float64)
        else:
            P_arr = as_float_array(P, "P", ndim=3)
            if P_arr.shape[0] != P_arr.shape[2] or min(P_arr.shape) < 1:
                raise ValueError(f"P has shape {P_arr.shape}; expected (S, A, S)")
            check_probability_rows(P_arr, "P")
        if gamma is None:
            raise ValueError("pass gamma= (the discount, in [0, 1))")
        self.gamma = check_real(gamma, "gamma", 0.0, 1.0, open_high=True)
        S, A, _ = P_arr.shape
        pi = validate_policy(expert, None, S, A, name="expert")
        self.box = _box(box)
        self.S, self.A, self.n = S, A, S * A
        self.P = readonly(P_arr)
        self.expert = readonly(np.ascontiguousarray(pi))
        self.played = readonly(pi > 0.0)
        self.slack = readonly(~self.played)
        self.deterministic = bool(np.all(self.played.sum(axis=1) == 1))

    def __repr__(self) -> str:
        kind = "deterministic" if self.deterministic else "stochastic"
        return (f"DiscountedFeasibleRewardSet(S={self.S}, A={self.A}, gamma={self.gamma}, "
                f"{kind} expert, box={self.box})")

    @property
    def reward_shape(self) -> tuple[int, int]:
        return (self.S, self.A)

    def default_tol(self) -> float:
        """1e-9 / (1 - gamma) (values are solved by LU; conditioning ~ 1 / (1 - gamma))."""
        return 1e-9 / (1.0 - self.gamma)

    def _rewards(self, r: Any, name: str = "r") -> np.ndarray:
        arr = as_float_array(r, name)
        if arr.shape == self.reward_shape or (arr.ndim == 3 and arr.shape[1:] ==
                                              self.reward_shape):
            return arr
        raise ValueError(f"{name} has shape {arr.shape}; expected {self.reward_shape} or "
                         f"(n, *{self.reward_shape})")

    # ------------------------------------------------------------------ values
    def expert_values(self, r: Any) -> tuple[np.ndarray, np.ndarray]:
        """Q^{pi_E} (..., S, A) and V^{pi_E} (..., S): (I - gamma P_pi) V = r_pi by LU."""
        R = self._rewards(r)
        R3 = R if R.ndim == 3 else R[None]
        P_pi = np.einsum("sa,sat->st", self.expert, self.P)
        r_pi = np.einsum("msa,sa->ms", R3, self.expert)
        V = np.linalg.solve(np.eye(self.S) - self.gamma * P_pi, r_pi.T).T
        Q = R3 + self.gamma * np.einsum("sat,mt->msa", self.P, V)
        return (Q, V) if R.ndim == 3 else (Q[0], V[0])

    def advantage(self, r: Any) -> np.ndarray:
        """``Q^{pi_E}(s, a) - V^{pi_E}(s)`` (..., S, A)."""
        Q, V = self.expert_values(r)
        return Q - V[..., None]

    def violation(self, r: Any) -> np.ndarray | float:
        """The largest of the unplayed advantages and of the played ones' absolute values
        (>= 0; 0 inside). Policy iteration from pi_E cannot improve exactly when it is 0."""
        adv = self.advantage(self._rewards(r))
        v = np.maximum(np.where(self.played, -np.inf, adv).max(axis=(-2, -1)),
                       np.where(self.played, np.abs(adv), -np.inf).max(axis=(-2, -1)))
        v = np.maximum(v, 0.0)
        return float(v) if np.ndim(v) == 0 else v

    def contains(self, r: Any, tol: float | None = None) -> bool | np.ndarray:
        """Membership: in the box and :meth:`violation` <= ``tol`` (default 1e-9/(1-gamma))."""
        tol = self.default_tol() if tol is None else check_real(tol, "tol", 0.0)
        R = self._rewards(r)
        lo, hi = self.box
        in_box = (R.min(axis=(-2, -1)) >= lo - tol) & (R.max(axis=(-2, -1)) <= hi + tol)
        ok = in_box & (np.asarray(self.violation(R)) <= tol)
        return bool(ok) if np.ndim(ok) == 0 else ok

    # ------------------------------------------------------------------ explicit form
    def explicit_reward(self, V: Any, zeta: Any) -> np.ndarray:
        """``r = -Bbar zeta + (E - gamma P) V`` (module docstring): V (S,), zeta (S, A) >= 0
        on unplayed actions (other entries ignored)."""
        V_arr = as_float_array(V, "V", ndim=1)
        if V_arr.shape != (self.S,):
            raise ValueError(f"V has shape {V_arr.shape}; expected ({self.S},)")
        z = as_float_array(zeta, "zeta", ndim=2)
        if z.shape != self.reward_shape:
            raise ValueError(f"zeta has shape {z.shape}; expected {self.reward_shape}")
        neg = self.slack & (z < 0)
        if neg.any():
            idx = tuple(int(i) for i in np.argwhere(neg)[0])
            raise ValueError(f"zeta{list(idx)} is {z[idx]:.6g}; advantages must be >= 0")
        return V_arr[:, None] - self.gamma * self.P @ V_arr - np.where(self.slack, z, 0.0)

    def sample(self, n: int, *, rng: Any = None, method: str = "explicit") -> SetSamples:
        """``n`` members from the explicit form: V ~ U[-1, 1]/(1 - gamma), zeta ~ U[0, 2/(1 -
        gamma)] on unplayed actions, then :meth:`to_box` (cheap, not uniform)."""
        k = check_positive_int(n, "n")
        check_choice(method, "method", ("explicit",))
        gen = as_rng(rng)
        c = 1.0 / (1.0 - self.gamma)
        V = gen.uniform(-c, c, size=(k, self.S))
        z = gen.uniform(0.0, 2.0 * c, size=(k, self.S, self.A))
        R = (V[:, :, None] - self.gamma * np.einsum("sat,kt->ksa", self.P, V)
             - np.where(self.slack, z, 0.0))
        return SetSamples(self.to_box(R), "explicit")

    # ------------------------------------------------------------------ lifted LP form
    @cached_property
    def lifted(self) -> tuple[Any, Any]:
        """(K_V, K_A): ``r = K_V V - K_A zeta``, K_V = E - gamma P (SA, S), K_A selects the
        unplayed entries (read-only CSR)."""
        from scipy import sparse

        E = np.kron(np.eye(self.S), np.ones((self.A, 1)))
        K_V = sparse.csr_matrix(E - self.gamma * self.P.reshape(self.n, self.S))
        idx = np.flatnonzero(self.slack.reshape(-1))
        K_A = sparse.csr_matrix((np.ones(idx.size), (idx, np.arange(idx.size))),
                                shape=(self.n, idx.size))
        return K_V, K_A

    def lp_bounds(self) -> list[tuple[float | None, float | None]]:
        """``abs(V) <= max(abs(lo), abs(hi))/(1-gamma)``, ``0 <= zeta <= (hi-lo)/(1-gamma)``."""
        lo, hi = self.box
        c = 1.0 / (1.0 - self.gamma)
        big = max(abs(lo), abs(hi)) * c
        k = int(self.slack.sum())
        return [(-big, big)] * self.S + [(0.0, (hi - lo) * c)] * k


def propagated_reward(R: DiscountedFeasibleRewardSet, R_hat: DiscountedFeasibleRewardSet,
                      V: Any, zeta: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[MRCR21] Theorem 3.1 (module docstring): for the member ``r`` of ``R`` with
    parameters (V, zeta), the reward ``rhat`` of ``R_hat`` with the same parameters, and the
    elementwise bound ``Bbar B_hat zeta + gamma |(P - Phat) V|`` on ``|r - rhat|``.

    Returns (r, rhat, bound), each (S, A). ``rhat`` may leave the box (rescale with
    ``R_hat.to_box`` to put it back; the bound is for the unscaled pair)."""
    for name, X in (("R", R), ("R_hat", R_hat)):
        if not isinstance(X, DiscountedFeasibleRewardSet):
            raise TypeError(f"{name} must be a DiscountedFeasibleRewardSet, got "
                            f"{type(X).__name__}")
    if R.reward_shape != R_hat.reward_shape or R.gamma != R_hat.gamma:
        raise ValueError(f"the problems differ in shape or discount: {R!r}, {R_hat!r}")
    z = np.where(R.slack, as_float_array(zeta, "zeta", ndim=2), 0.0)
    r = R.explicit_reward(V, z)
    rhat = R_hat.explicit_reward(V, np.where(R_hat.slack, z, 0.0))
    V_arr = np.asarray(V, dtype=np.float64)
    bound = (R.slack & ~R_hat.slack) * z + R.gamma * np.abs((R.P - R_hat.P) @ V_arr)
    return r, rhat, bound


@dataclass(frozen=True)
class TransferBound:
    """The output of :func:`transfer_bound`.

    loss : ``V*_{P',r}(rho) - V^{pihat}_{P',r}(rho)`` (>= 0); bound : the right-hand side of
    the transfer inequality (module docstring); pi_star, pi_hat : (S,) optimal policies of r
    and rhat in P' (lowest index on ties); occupancy_star, occupancy_hat : (S, A) their
    normalised discounted occupancies from rho (each sums to 1).
    """

    loss: float
    bound: float
    pi_star: np.ndarray
    pi_hat: np.ndarray
    occupancy_star: np.ndarray
    occupancy_hat: np.ndarray


def _optimal_policy(P: np.ndarray, r: np.ndarray, gamma: float) -> np.ndarray:
    """A deterministic optimal policy (S,): policy iteration with exact (LU) evaluation,
    improving only where an action beats the current one by more than 1e-12 (relative)."""
    S, A = r.shape
    idx = np.arange(S)
    pi = np.zeros(S, dtype=np.int64)
    for _ in range(10 * S * A + 10):
        V = np.linalg.solve(np.eye(S) - gamma * P[idx, pi], r[idx, pi])
        Q = r + gamma * P @ V
        best = Q.max(axis=1, keepdims=True)
        new = np.argmax(Q >= best - 1e-12 * max(1.0, float(np.abs(best).max())), axis=1)
        if np.all(Q[idx, pi] >= Q[idx, new] - 1e-12 * max(1.0, float(np.abs(best).max()))):
            return pi
        pi = new
    return pi  # pragma: no cover - policy iteration ends in at most A^S steps


def _occupancy(P: np.ndarray, pi: np.ndarray, gamma: float, rho: np.ndarray) -> np.ndarray:
    S, A = P.shape[:2]
    idx = np.arange(S)
    d_S = np.linalg.solve((np.eye(S) - gamma * P[idx, pi]).T, (1.0 - gamma) * rho)
    d = np.zeros((S, A))
    d[idx, pi] = d_S
    return d


def transfer_bound(P_target: Any, r: Any, r_hat: Any, gamma: float, *,
                   rho: Any = None) -> TransferBound:
    """The transfer inequality (module docstring) in the target model ``P_target`` (S, A, S):
    the loss of the policy optimal for ``r_hat`` (S, A) when the true reward is ``r`` (S, A),
    and its bound by the occupancy-weighted reward errors. ``rho`` (S,) defaults to uniform.
    """
    P = as_float_array(P_target, "P_target", ndim=3)
    S, A, S2 = P.shape
    if S2 != S:
        raise ValueError(f"P_target has shape {P.shape}; expected (S, A, S)")
    check_probability_rows(P, "P_target")
    g = check_real(gamma, "gamma", 0.0, 1.0, open_high=True)
    R1 = as_float_array(r, "r", ndim=2)
    R2 = as_float_array(r_hat, "r_hat", ndim=2)
    for name, X in (("r", R1), ("r_hat", R2)):
        if X.shape != (S, A):
            raise ValueError(f"{name} has shape {X.shape}; expected ({S}, {A})")
    if rho is None:
        rho_arr = np.full(S, 1.0 / S)
    else:
        rho_arr = as_float_array(rho, "rho", ndim=1)
        if rho_arr.shape != (S,):
            raise ValueError(f"rho has shape {rho_arr.shape}; expected ({S},)")
        check_probability_rows(rho_arr, "rho")
    pi_star = _optimal_policy(P, R1, g)
    pi_hat = _optimal_policy(P, R2, g)
    d_star = _occupancy(P, pi_star, g, rho_arr)
    d_hat = _occupancy(P, pi_hat, g, rho_arr)
    c = 1.0 / (1.0 - g)
    loss = c * float((d_star * R1).sum() - (d_hat * R1).sum())
    err = np.abs(R1 - R2)
    bound = c * float((d_star * err).sum() + (d_hat * err).sum())
    return TransferBound(loss=loss, bound=bound, pi_star=pi_star, pi_hat=pi_hat,
                         occupancy_star=d_star, occupancy_hat=d_hat)
