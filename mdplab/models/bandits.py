"""Multi-armed and contextual bandits as horizon-1 MDPs.

A bandit is a :class:`FiniteHorizonMDP` with H = 1 and one state; a contextual
bandit has H = 1, S contexts drawn from ``rho`` and A arms. After the single
step the episode ends, so the kernel is immaterial: it returns to ``rho``.
Rewards are random (Bernoulli by default) so that they can be sampled.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, as_int_array, as_rng, check_int_range, check_range
from .finite_horizon import FiniteHorizonMDP, check_reward_range, validate_rho
from .rewards import RewardDistribution


class ContextualBandit(FiniteHorizonMDP):
    """Contextual bandit with mean rewards ``means[s, a]`` and contexts ``s ~ rho``.

    Parameters
    ----------
    means : array (S, A)
        Mean reward of arm a in context s.
    rho : array (S,), optional
        Context distribution (default uniform).
    reward_dist : default 'bernoulli'
    """

    def __init__(self, means: np.ndarray, rho: np.ndarray | None = None, *,
                 reward_dist: str | RewardDistribution = "bernoulli",
                 reward_range: tuple[float, float] = (0.0, 1.0)) -> None:
        means = as_float_array(means, "means", ndim=2)
        S, A = means.shape
        if S < 1 or A < 1:
            raise ValueError(f"means has shape {means.shape}; a contextual bandit needs at "
                             "least one context and one arm (S, A >= 1)")
        lo, hi = check_reward_range(reward_range)
        check_range(means, "means", lo, hi)
        rho_arr = np.full(S, 1.0 / S) if rho is None else validate_rho(rho, S)
        rho = rho_arr
        P = np.broadcast_to(rho_arr, (S, A, S))
        super().__init__(
            P, means, H=1, rho=rho, reward_dist=reward_dist, reward_range=reward_range
        )

    @property
    def means(self) -> np.ndarray:
        """Mean rewards (S, A)."""
        return self.r[0]

    @property
    def optimal_arms(self) -> np.ndarray:
        """Best arm per context (S,), ties to the lowest index."""
        return np.argmax(self.means, axis=1)

    def sample_rewards(self, contexts: np.ndarray, arms: np.ndarray,
                       rng: int | np.random.Generator | None = None) -> np.ndarray:
        """Draw one reward for each (context, arm) pair; arrays of equal shape."""
        contexts = as_int_array(contexts, "contexts")
        arms = as_int_array(arms, "arms")
        if contexts.shape != arms.shape:
            raise ValueError(f"contexts {contexts.shape} and arms {arms.shape} differ in shape")
        check_int_range(contexts, "contexts", 0, self.S)
        check_int_range(arms, "arms", 0, self.A)
        return self.reward_dist.sample(self.means[contexts, arms], as_rng(rng))


class Bandit(ContextualBandit):
    """Multi-armed bandit with ``A = len(means)`` arms (a contextual bandit with S = 1).

    Parameters
    ----------
    means : array (A,)
        Mean reward of each arm.
    reward_dist : default 'bernoulli'
    """

    def __init__(self, means: np.ndarray, *, reward_dist: str | RewardDistribution = "bernoulli",
                 reward_range: tuple[float, float] = (0.0, 1.0)) -> None:
        means = as_float_array(means, "means", ndim=1)
        if means.size < 1:
            raise ValueError("means is empty; a bandit needs at least one arm (A >= 1)")
        check_range(means, "means", *check_reward_range(reward_range))
        super().__init__(
            means[None, :], rho=None, reward_dist=reward_dist, reward_range=reward_range
        )

    @property
    def arm_means(self) -> np.ndarray:
        """(A,) mean rewards."""
        return self.r[0, 0]

    @property
    def optimal_arm(self) -> int:
        return int(np.argmax(self.arm_means))

    def pull(self, arms: np.ndarray, rng: int | np.random.Generator | None = None) -> np.ndarray:
        """One reward per entry of ``arms``."""
        arms = as_int_array(arms, "arms")
        return self.sample_rewards(np.zeros_like(arms), arms, rng)
