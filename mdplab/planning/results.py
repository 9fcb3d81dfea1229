"""Result objects of the exact planners (frozen dataclasses, cf. scipy's OptimizeResult)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class FiniteHorizonSolution:
    """Optimal values and a greedy optimal policy of a finite-horizon MDP.

    Attributes
    ----------
    Q : (H, S, A) optimal action values Q*_h(s, a).
    V : (H+1, S) optimal values, V[H] = 0.
    policy : (H, S) int64, argmax_a Q[h, s, a], ties to the lowest action index.
    value : float, V*_0 averaged over rho.
    """

    Q: np.ndarray
    V: np.ndarray
    policy: np.ndarray
    value: float


@dataclass(frozen=True)
class PolicyEvaluation:
    """Exact values of a fixed policy.

    Finite horizon: Q (H, S, A), V (H+1, S), value = rho . V[0].
    Discounted: Q (S, A), V (S,), value = rho . V.
    """

    Q: np.ndarray
    V: np.ndarray
    value: float


@dataclass(frozen=True)
class DiscountedSolution:
    """Result of a discounted solver.

    Attributes
    ----------
    V : (S,) value estimate; Q : (S, A) = r + gamma P V; policy : (S,) greedy w.r.t. Q.
    value : rho . V.
    n_iter : number of iterations (Bellman backups for VI, improvement steps for PI/MPI).
    converged : whether the stopping rule was met within ``max_iter``.
    method : 'value_iteration', 'policy_iteration', 'modified_policy_iteration' or 'lp'.
    error_bound : a certified bound on ||V - V*||_inf (0 when exact, nan if unknown).
    info : solver-specific extras (e.g. span history, LP status).
    """

    V: np.ndarray
    Q: np.ndarray
    policy: np.ndarray
    value: float
    n_iter: int
    converged: bool
    method: str
    error_bound: float = float("nan")
    info: dict = field(default_factory=dict)
