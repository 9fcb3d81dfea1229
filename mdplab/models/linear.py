"""Linear MDP (Jin, Yang, Wang, Jordan 2020, arXiv 1907.05388, Assumption A).

P_h(s' | s, a) = <phi(s, a), mu_h(s')>,   r_h(s, a) = <phi(s, a), theta_h>.
"""

from __future__ import annotations

import numpy as np

from .._validation import (
    PROB_NEG_TOL,
    PROB_SUM_TOL,
    as_float_array,
    check_positive_int,
    check_range,
    fmt_tol,
    readonly,
)
from .finite_horizon import FiniteHorizonMDP, validate_reward_range, validate_rho
from .rewards import RewardDistribution, as_reward_distribution


class LinearMDP:
    """A linear MDP given by exact features, measures and reward parameters.

    Parameters
    ----------
    phi : array (S, A, d) or (H, S, A, d)
        Feature map.
    mu : array (d, S) or (H, d, S)
        ``mu[h, i, s']``: the i-th signed measure at step h.
    theta : array (d,) or (H, d)
        Reward parameters.
    H : int
        Horizon.
    rho : array (S,), optional
        Initial distribution (default: state 0).
    reward_dist, reward_range
        As in :class:`FiniteHorizonMDP`.

    Notes
    -----
    Construction checks that ``phi[h,s,a] . mu[h,:,s']`` is a distribution over s'
    for every (h, s, a) (entries >= -1e-12, sums within 1e-9) and that the mean
    rewards ``phi . theta`` lie in ``reward_range``.
    """

    def __init__(
        self,
        phi: np.ndarray,
        mu: np.ndarray,
        theta: np.ndarray,
        H: int,
        rho: np.ndarray | None = None,
        *,
        reward_dist: str | RewardDistribution = "deterministic",
        reward_range: tuple[float, float] = (0.0, 1.0),
    ) -> None:
        H = check_positive_int(H, "H")
        phi = as_float_array(phi, "phi", ndim=(3, 4))
        mu = as_float_array(mu, "mu", ndim=(2, 3))
        theta = as_float_array(theta, "theta", ndim=(1, 2))
        d = phi.shape[-1]
        S, A = phi.shape[-3], phi.shape[-2]
        for key, val in (("S", S), ("A", A), ("d", d)):
            if val < 1:
                raise ValueError(f"phi has shape {phi.shape}, so {key} = {val}; must be >= 1")
        if phi.ndim == 4 and phi.shape[0] != H:
            raise ValueError(f"phi has shape {phi.shape}; its first axis must be H = {H}")
        if mu.ndim == 3 and mu.shape[0] != H:
            raise ValueError(f"mu has shape {mu.shape}; its first axis must be H = {H}")
        if theta.ndim == 2 and theta.shape[0] != H:
            raise ValueError(f"theta has shape {theta.shape}; its first axis must be H = {H}")
        if mu.shape[-2:] != (d, S):
            raise ValueError(f"mu has shape {mu.shape}; expected (d, S) = ({d}, {S}) per step")
        if theta.shape[-1] != d:
            raise ValueError(f"theta has shape {theta.shape}; expected last axis d = {d}")

        self.H, self.S, self.A, self.d = H, S, A, d
        self.phi = readonly(phi)
        self.mu = readonly(mu)
        self.theta = readonly(theta)
        self.rho = validate_rho(rho, S)
        self.reward_dist = as_reward_distribution(reward_dist)
        self.reward_range = validate_reward_range(reward_range, self.reward_dist)

        P = self._kernel()
        neg = P < -PROB_NEG_TOL
        if neg.any():
            idx = tuple(int(i) for i in np.argwhere(neg)[0])
            raise ValueError(
                f"phi . mu gives P{list(idx)} = {P[idx]:.6g}; phi[h,s,a] . mu[h,:,s'] must be "
                "a distribution over s' (entries >= 0)"
            )
        sums = P.sum(axis=-1)
        bad = np.abs(sums - 1.0) > PROB_SUM_TOL
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"phi . mu gives P[{', '.join(map(str, idx))}, :] summing to {sums[idx]:.6f}; "
                f"each row must sum to 1 (tolerance {fmt_tol(PROB_SUM_TOL)})"
            )
        r = self._rewards()
        check_range(r, "phi . theta (mean reward r)", *self.reward_range)

    # -------------------------------------------------------------- helpers
    def features(self, h: int) -> np.ndarray:
        """phi at step h, shape (S, A, d)."""
        return self.phi[h] if self.phi.ndim == 4 else self.phi

    def measure(self, h: int) -> np.ndarray:
        """mu at step h, shape (d, S)."""
        return self.mu[h] if self.mu.ndim == 3 else self.mu

    def reward_parameter(self, h: int) -> np.ndarray:
        """theta at step h, shape (d,)."""
        return self.theta[h] if self.theta.ndim == 2 else self.theta

    def _kernel(self) -> np.ndarray:
        return np.stack([self.features(h) @ self.measure(h) for h in range(self.H)])

    def _rewards(self) -> np.ndarray:
        return np.stack([self.features(h) @ self.reward_parameter(h) for h in range(self.H)])

    def to_tabular(self) -> FiniteHorizonMDP:
        """The exact tabular MDP: P[h,s,a,s'] = phi.mu, r[h,s,a] = phi.theta.

        Round-off below 1e-12 in magnitude is passed through unchanged, so the
        tabular kernel may carry entries like -1e-17; it validates as a distribution.
        """
        return FiniteHorizonMDP(
            self._kernel(), self._rewards(), H=self.H, rho=self.rho,
            reward_dist=self.reward_dist, reward_range=self.reward_range,
        )

    @classmethod
    def from_tabular(cls, mdp: FiniteHorizonMDP) -> LinearMDP:
        """One-hot features (d = S*A): phi(s,a) = e_{s*A + a}, mu_h = P_h, theta_h = r_h."""
        H, S, A = mdp.H, mdp.S, mdp.A
        d = S * A
        phi = np.eye(d).reshape(S, A, d)
        P = np.asarray(mdp.P)
        mu = P.reshape(H, d, S).copy()
        theta = np.asarray(mdp.r).reshape(H, d).copy()
        return cls(
            phi, mu, theta, H, rho=mdp.rho, reward_dist=mdp.reward_dist,
            reward_range=mdp.reward_range,
        )

    def __repr__(self) -> str:
        return f"LinearMDP(H={self.H}, S={self.S}, A={self.A}, d={self.d})"
