"""The online protocol: K episodes against an exact model, scored with exact regret.

In episode k the learner commits to a Markov policy ``pi_k`` (deterministic, (H, S)), plays one
episode from ``s_0 ~ rho`` and observes rewards and next states. Because the model is known
exactly, the per-episode regret is computed, not estimated:

    regret[k] = V*_0(rho) - V^{pi_k}_0(rho)          (expected regret of the policy played),

and the cumulative regret after K episodes is ``regret[:K].sum()`` (Azar, Osband & Munos 2017,
arXiv:1703.05449, Sec. 2; Jin, Yang, Wang & Jordan 2020, arXiv:1907.05388, Sec. 2 define
Regret(K) = sum_k V*_1(s_1^k) - V^{pi_k}_1(s_1^k); with s_0^k ~ rho its expectation over the
start states is the sum above, and ``pseudo_regret`` below is the papers' quantity at the
sampled starts). The realised return of each episode is kept beside it.

Every online algorithm of :mod:`mdplab.algorithms.online` returns an :class:`OnlineResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["OnlineResult"]


@dataclass(frozen=True, repr=False)
class OnlineResult:
    """What one run of an online algorithm did.

    Attributes
    ----------
    algorithm : str
        e.g. ``"ucbvi-ch"``, ``"ucbvi-bf"``, ``"lsvi-ucb"``.
    regret : ndarray (K,)
        Exact expected regret of each episode's policy, ``V*_0(rho) - V^{pi_k}_0(rho)``.
    pseudo_regret : ndarray (K,)
        ``V*_0(s_0^k) - V^{pi_k}_0(s_0^k)`` at the sampled start state (the papers' regret).
    returns : ndarray (K,)
        Realised (sampled) return of each episode.
    initial_states : ndarray (K,) int64
        ``s_0^k``.
    policy : ndarray (H, S) int64
        The policy of the last episode.
    counts : ndarray
        Visit counts at the end of the run (algorithm-specific shape, documented there).
    optimal_value : float
        ``V*_0(rho)``.
    params : dict
        The algorithm's parameters as run (constants, seed, bonus scale, ...).
    bounds : dict
        Regret bound(s) of the paper at K (name -> value), when the algorithm has them.
    diagnostics : dict
        Anything else (per-episode optimistic values, bonus sums, ...).
    seconds : float
        Wall time of the run.
    """

    algorithm: str
    regret: np.ndarray
    pseudo_regret: np.ndarray
    returns: np.ndarray
    initial_states: np.ndarray
    policy: np.ndarray
    counts: np.ndarray
    optimal_value: float
    params: dict = field(default_factory=dict)
    bounds: dict = field(default_factory=dict)
    diagnostics: dict = field(default_factory=dict)
    seconds: float = 0.0

    def __repr__(self) -> str:
        K = int(np.shape(self.regret)[0]) if np.ndim(self.regret) else 0
        total = float(np.sum(self.regret)) if K else 0.0
        return (f"OnlineResult({self.algorithm!r}, K={K}, total regret={total:.4g}, "
                f"V*={float(self.optimal_value):.4g}, {float(self.seconds):.2f} s)")

    @property
    def K(self) -> int:
        """Number of episodes."""
        return int(self.regret.shape[0])

    @property
    def cumulative_regret(self) -> np.ndarray:
        """``regret.cumsum()``, shape (K,)."""
        return np.cumsum(self.regret)

    @property
    def total_regret(self) -> float:
        """``regret.sum()``."""
        return float(self.regret.sum())

    def bound_ratios(self) -> dict[str, float]:
        """Measured total regret divided by each bound in :attr:`bounds` (how loose it is)."""
        return {name: self.total_regret / float(value) for name, value in self.bounds.items()}

    def to_pandas(self) -> Any:
        """One row per episode: ``episode``, ``initial_state``, ``regret``, ``pseudo_regret``,
        ``cumulative_regret``, ``return`` (needs the ``pandas`` extra)."""
        from ..._pandas import import_pandas

        pd = import_pandas("OnlineResult.to_pandas")
        return pd.DataFrame({
            "episode": np.arange(self.K, dtype=np.int64),
            "initial_state": self.initial_states,
            "regret": self.regret,
            "pseudo_regret": self.pseudo_regret,
            "cumulative_regret": self.cumulative_regret,
            "return": self.returns,
        })
