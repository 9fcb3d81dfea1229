"""Result objects of the exact planners (frozen dataclasses, cf. scipy's OptimizeResult)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

__all__ = ["DiscountedSolution", "FiniteHorizonSolution", "PolicyEvaluation"]


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        shape = "x".join(str(n) for n in value.shape) or "scalar"
        return f"<{value.dtype} {shape}>"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    if isinstance(value, dict):
        return "{" + ", ".join(str(k) for k in value) + "}"
    if isinstance(value, (list, tuple)) and len(value) > 6:
        return f"<{type(value).__name__} of {len(value)}>"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_short(v) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"<list: {inner}>"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def compact_repr(obj: Any) -> str:
    """ClassName(field=value, ...) with arrays as <dtype shape>, floats to 6 digits and
    dicts as their keys: a result object's repr never prints a whole array."""
    parts = [f"{f.name}={_short(getattr(obj, f.name))}" for f in fields(obj) if f.repr]
    return f"{type(obj).__name__}({', '.join(parts)})"


@dataclass(frozen=True, repr=False)
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

    __repr__ = compact_repr


@dataclass(frozen=True, repr=False)
class PolicyEvaluation:
    """Exact values of a fixed policy.

    Finite horizon: Q (H, S, A), V (H+1, S), value = rho . V[0].
    Discounted: Q (S, A), V (S,), value = rho . V.
    """

    Q: np.ndarray
    V: np.ndarray
    value: float

    __repr__ = compact_repr


@dataclass(frozen=True, repr=False)
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
    info: dict[str, Any] = field(default_factory=dict)

    __repr__ = compact_repr
