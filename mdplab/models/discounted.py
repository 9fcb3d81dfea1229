"""Infinite-horizon discounted tabular MDP."""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import aligned_copy, as_float_array, check_range, check_shape, readonly
from .finite_horizon import (
    FiniteHorizonMDP,
    validate_reward_range,
    validate_rho,
    validate_transitions,
)
from .rewards import RewardDistribution, as_reward_distribution
from .sparse import SparseTransitions

__all__ = ["DiscountedMDP"]


def check_gamma(gamma: object) -> float:
    """A discount factor: a real number in [0, 1)."""
    if isinstance(gamma, (bool, np.bool_)) or not isinstance(gamma, numbers.Real):
        raise TypeError(f"gamma must be a real number, got {gamma!r}")
    gamma = float(gamma)
    if not (0.0 <= gamma < 1.0):
        raise ValueError(f"gamma is {gamma}; must lie in [0, 1)")
    return gamma


class DiscountedMDP:
    """A discounted MDP with finite states and actions, known exactly.

    Parameters
    ----------
    P : array (S, A, S) or SparseTransitions of shape (S, A, S)
    r : array (S, A)
        Mean rewards in ``reward_range`` (default [0, 1]).
    gamma : float in [0, 1)
    rho : array (S,), optional
        Initial distribution (default: state 0), used by V(rho) and occupancies.
    reward_dist, reward_range
        As in :class:`FiniteHorizonMDP`.
    """

    def __init__(
        self,
        P: np.ndarray | SparseTransitions,
        r: np.ndarray,
        gamma: float,
        rho: np.ndarray | None = None,
        *,
        reward_dist: str | RewardDistribution = "deterministic",
        reward_range: tuple[float, float] = (0.0, 1.0),
    ) -> None:
        dense, sparse = validate_transitions(P)
        shape = dense.shape if dense is not None else sparse.shape
        if len(shape) != 3:
            raise ValueError(f"P has shape {shape}; a DiscountedMDP needs (S, A, S)")
        S, A = shape[0], shape[1]
        self.gamma = check_gamma(gamma)
        self.reward_dist = as_reward_distribution(reward_dist)
        self.reward_range = validate_reward_range(reward_range, self.reward_dist)
        r = as_float_array(r, "r", ndim=2)
        check_shape(r, "r", (S, A))
        check_range(r, "r", *self.reward_range)
        self.S, self.A = S, A
        self.r = readonly(r)
        self.rho = validate_rho(rho, S)
        self.P_sparse = sparse
        self._P = readonly(aligned_copy(dense)) if dense is not None else None
        self._csr_cache = None

    @property
    def P(self) -> np.ndarray:
        """Dense P (S, A, S); built on first access for a sparse kernel."""
        if self._P is None:
            self._P = readonly(self.P_sparse.to_dense())
        return self._P

    @property
    def is_sparse(self) -> bool:
        return self.P_sparse is not None

    @property
    def shape(self) -> tuple[int, int]:
        """(S, A)."""
        return (self.S, self.A)

    def expected_next(self, V: np.ndarray) -> np.ndarray:
        """(P V)(s, a) for V (S,); returns (S, A)."""
        if self.P_sparse is None:
            return self._P @ V
        if self._csr_cache is None:
            self._csr_cache = self.P_sparse.to_scipy()
        return (self._csr_cache @ V).reshape(self.S, self.A)

    def transition_matrix(self, policy_sa: np.ndarray) -> np.ndarray:
        """P_pi[s, s'] = sum_a pi[s, a] P[s, a, s'] for a stochastic policy (S, A).

        Returns a dense (S, S) array, or a scipy.sparse matrix when the kernel is sparse.
        """
        if self.P_sparse is None:
            return np.einsum("sa,sat->st", policy_sa, self._P)
        if self._csr_cache is None:
            self._csr_cache = self.P_sparse.to_scipy()
        import scipy.sparse as sp

        rows = np.repeat(np.arange(self.S), self.A)
        cols = np.arange(self.S * self.A)
        W = sp.csr_matrix((policy_sa.reshape(-1), (rows, cols)), shape=(self.S, self.S * self.A))
        return W @ self._csr_cache

    def to_finite_horizon(self, H: int) -> FiniteHorizonMDP:  # noqa: F821
        """The H-step truncation (undiscounted), useful for cross-checks."""
        from .finite_horizon import FiniteHorizonMDP

        P = self.P_sparse if self.is_sparse else self._P
        return FiniteHorizonMDP(
            P, self.r, H=H, rho=self.rho, reward_dist=self.reward_dist,
            reward_range=self.reward_range,
        )

    def __repr__(self) -> str:
        kind = "sparse" if self.is_sparse else "dense"
        return f"DiscountedMDP(S={self.S}, A={self.A}, gamma={self.gamma}, {kind} P)"
