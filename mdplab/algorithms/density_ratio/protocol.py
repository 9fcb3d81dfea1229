"""What GLOW, GOLF and HyGLOW share: the iteration protocol over a finite class, the exact
scoring of the played policies, the optimistic choice and the result object.

Protocol ([AFJSX24] Sec. 2, Algorithm 1): iteration t = 1..T picks f^(t) from a confidence
set F^(t), plays pi^(t) = pi_{f^(t)} for K episodes and adds the (s, a, r, s') tuples of
every layer to the data. Regret counts iterations, Reg(T) = sum_t J(pi*) - J(pi^(t))
([AFJSX24] Thm. 3.1), in normalised units (rewards ``reward_scale * r``); the PAC output
Unif(pi^(1..T)) has risk Reg(T) / T. The library owns the model, so every J(pi^(t)) is
exact (no estimated regret).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..._validation import as_int_array, readonly
from ...models.finite_horizon import FiniteHorizonMDP
from ...planning.finite_horizon import backward_induction, occupancy_measure
from .value_classes import ValueClass

__all__ = ["OptimismResult"]

#: Scores within this of the best count as ties (resolved by ``order``).
SCORE_TIE = 1e-12
#: Population constraints: a value <= radius + this is satisfied (round-off of Delta Q* = 0).
POPULATION_TOL = 1e-12


@dataclass(frozen=True, eq=False)
class OptimismResult:
    """One run of an optimistic confidence-set algorithm over a finite class.

    Attributes
    ----------
    algorithm : ``"glow"``, ``"glow-population"``, ``"golf"``, ``"golf-population"``,
        ``"hyglow"``, ``"hyglow-population"``.
    chosen : (T,) int64, index in F of f^(t).
    regret : (T,) float64, J(pi*) - J(pi^(t)) exactly, normalised units.
    alive : (T, n) bool, membership of F^(t) (all True at t = 1 for the sampled runs).
    constraint : (T, n, H) float64, the constraint value of each member per layer (GLOW:
        max_w of the weighted residual minus the penalty; GOLF: the excess squared loss);
        NaN where nothing was evaluated (t = 1 of the sampled runs).
    radius : (T,) float64, the confidence radius used (beta_t; beta for GOLF; 0 at t = 1).
    fallback : (T,) bool, F^(t) was empty and the least-violating member was taken.
    occupancies : (T, H, S, A) float64, d^{pi^(t)} of the played policies.
    reward_scale : the normalisation of the run.
    truth : index of Q* in F, or None.
    coverability_layers : (H,) float64, C_h(Pi) = sum_{s,a} max_{pi in Pi} d_h^pi(s,a) for
        Pi = {pi_f : f in F} (so C_cov(Pi) = max_h C_h(Pi), the
        cumulative-reachability form of coverability).
    delta_max : max abs(Delta_h f) over the class (population Bellman residuals).
    params : the arguments as run (T, K, gamma, delta, kappa, L, ...).
    objective : (T, n) float64 or None: MABO.CR's objective of each member (HyGLOW, which
        picks its argmin; ``alive`` then marks the members attaining the minimum).
    """

    algorithm: str
    chosen: np.ndarray
    regret: np.ndarray
    alive: np.ndarray
    constraint: np.ndarray
    radius: np.ndarray
    fallback: np.ndarray
    occupancies: np.ndarray
    reward_scale: float
    truth: int | None
    coverability_layers: np.ndarray
    delta_max: float
    params: dict = field(default_factory=dict)
    objective: np.ndarray | None = None

    def __repr__(self) -> str:
        T, n = self.alive.shape
        return (f"OptimismResult({self.algorithm}, T={T}, |F|={n}, "
                f"Reg={self.total_regret:.6g}, fallbacks={int(self.fallback.sum())})")

    @property
    def T(self) -> int:
        return int(self.chosen.shape[0])

    @property
    def cumulative_regret(self) -> np.ndarray:
        """Reg(t) for t = 1..T, shape (T,)."""
        return np.cumsum(self.regret)

    @property
    def total_regret(self) -> float:
        """Reg(T) (normalised units)."""
        return float(self.regret.sum())

    @property
    def risk(self) -> float:
        """Risk of the PAC output Unif(pi^(1..T)): Reg(T) / T ([AFJSX24] Eq. (1))."""
        return self.total_regret / self.T

    @property
    def plays(self) -> np.ndarray:
        """How often each member was chosen, shape (n,)."""
        return np.bincount(self.chosen, minlength=self.alive.shape[1])

    @property
    def truth_alive(self) -> np.ndarray | None:
        """(T,) bool: Q* in F^(t) (None when the class has no known Q*)."""
        return None if self.truth is None else self.alive[:, self.truth]

    @property
    def coverability(self) -> float:
        """C_cov(Pi) = max_h C_h(Pi) for the class's greedy policies."""
        return float(self.coverability_layers.max())


class ClassSetup:
    """The class's exact quantities on the model: distinct greedy policies Pi, their
    occupancies D (p, H, S, A) and normalised values, J*, and the play order."""

    def __init__(self, mdp: Any, F: Any, order: Any) -> None:
        if not isinstance(F, ValueClass):
            raise TypeError(f"F must be a ValueClass (mdplab.algorithms.density_ratio), got "
                            f"{type(F).__name__}")
        if not isinstance(mdp, FiniteHorizonMDP):
            raise TypeError(f"mdp must be a FiniteHorizonMDP, got {type(mdp).__name__}")
        mdp = F._check_model(mdp)
        self.mdp, self.F = mdp, F
        self.n = len(F)
        self.H, self.S, self.A = mdp.shape
        self.order = _order(order, self.n)
        self.rank = np.empty(self.n, dtype=np.int64)
        self.rank[self.order] = np.arange(self.n)
        self.Pi, self.policy_of = F.distinct_policies()
        self.D = np.stack([occupancy_measure(mdp, pi) for pi in self.Pi])
        r = F.reward_scale * np.asarray(mdp.r)
        self.J = np.einsum("phsa,hsa->p", self.D, r)
        self.J_star = F.reward_scale * backward_induction(mdp).value
        self.regret_of_policy = self.J_star - self.J
        self.coverability_layers = self.D.max(axis=0).sum(axis=(1, 2))

    @property
    def delta_max(self) -> float:
        """max |Delta_h f| over the class (population Bellman residuals on the model)."""
        return float(np.abs(self.F.bellman_residuals(self.mdp)).max())

    def choose(self, alive: np.ndarray, score: np.ndarray,
               violation: np.ndarray) -> tuple[int, bool]:
        """The optimistic choice: the first member in ``order`` among the alive ones whose
        score is within SCORE_TIE of the best alive score. An empty set falls back to the
        least-violating member (smallest ``violation``, ties by ``order``; a library
        convention), reported as a fallback."""
        fallback = not alive.any()
        if fallback:
            cand = violation <= violation.min()
        else:
            best = score[alive].max()
            cand = alive & (score >= best - SCORE_TIE)
        idx = np.flatnonzero(cand)
        return int(idx[np.argmin(self.rank[idx])]), fallback

    def result(self, algorithm: str, chosen: list, alive: np.ndarray, constraint: np.ndarray,
               radius: np.ndarray, fallback: np.ndarray, delta_max: float,
               params: dict, objective: np.ndarray | None = None) -> OptimismResult:
        ch = np.asarray(chosen, dtype=np.int64)
        pol = self.policy_of[ch]
        return OptimismResult(
            algorithm=algorithm, chosen=readonly(ch),
            regret=readonly(self.regret_of_policy[pol].copy()),
            alive=readonly(alive), constraint=readonly(constraint), radius=readonly(radius),
            fallback=readonly(fallback), occupancies=readonly(self.D[pol].copy()),
            reward_scale=self.F.reward_scale, truth=self.F.truth,
            coverability_layers=readonly(self.coverability_layers.copy()),
            delta_max=float(delta_max), params=params,
            objective=None if objective is None else readonly(objective))


def _order(order: Any, n: int) -> np.ndarray:
    """A permutation of range(n) (default: the class's own order)."""
    if order is None:
        return np.arange(n, dtype=np.int64)
    arr = as_int_array(order, "order", ndim=1)
    if arr.shape != (n,) or not np.array_equal(np.sort(arr), np.arange(n)):
        raise ValueError(f"order must be a permutation of range({n}) (one entry per member of "
                         f"F), got {arr.tolist()[:10]}{' ...' if arr.size > 10 else ''}")
    return arr
