"""Reward distributions: how an observed reward is drawn given its mean r[h, s, a].

The models store the mean reward; a reward distribution turns means into samples.
All supported distributions are supported on [0, 1] except ``deterministic``,
which returns the mean itself (any stated range).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .._validation import RngLike

__all__ = ["Bernoulli", "Beta", "Deterministic", "RewardDistribution"]


@dataclass(frozen=True)
class RewardDistribution:
    """Base class. ``sample(mean, rng)`` returns an array shaped like ``mean``."""

    name: str = "deterministic"

    #: the interval the samples lie in; ``None`` means "the model's reward range"
    support: tuple[float, float] | None = None

    def sample(self, mean: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return np.array(mean, dtype=np.float64, copy=True)


@dataclass(frozen=True)
class Deterministic(RewardDistribution):
    """The reward equals its mean."""

    name: str = "deterministic"


@dataclass(frozen=True)
class Bernoulli(RewardDistribution):
    """Reward ~ Bernoulli(mean); needs means in [0, 1]."""

    name: str = "bernoulli"
    support: tuple[float, float] | None = (0.0, 1.0)

    def sample(self, mean: ArrayLike, rng: RngLike) -> np.ndarray:
        mean = np.asarray(mean, dtype=np.float64)
        return (rng.random(mean.shape) < mean).astype(np.float64)


@dataclass(frozen=True)
class Beta(RewardDistribution):
    """Reward ~ Beta(kappa*mean, kappa*(1-mean)); bounded in [0, 1] with the given mean.

    Means of exactly 0 or 1 give the point mass there. Larger ``concentration``
    (kappa) gives smaller variance: Var = mean(1-mean)/(kappa+1).
    """

    name: str = "beta"
    support: tuple[float, float] | None = (0.0, 1.0)
    concentration: float = 2.0

    def __post_init__(self):
        from .._validation import check_real

        if isinstance(self.concentration, (int, float, np.integer, np.floating)) and not isinstance(
                self.concentration, bool) and (
                not np.isfinite(self.concentration) or self.concentration <= 0):
            raise ValueError(f"Beta concentration is {self.concentration}; must be > 0")
        object.__setattr__(self, "concentration",
                           check_real(self.concentration, "concentration", 0.0, open_low=True))

    def sample(self, mean: ArrayLike, rng: RngLike) -> np.ndarray:
        mean = np.asarray(mean, dtype=np.float64)
        inner = (mean > 0) & (mean < 1)
        out = mean.copy()
        k = self.concentration
        out[inner] = rng.beta(k * mean[inner], k * (1.0 - mean[inner]))
        return out


_BY_NAME = {"deterministic": Deterministic(), "bernoulli": Bernoulli(), "beta": Beta()}


def as_reward_distribution(spec) -> RewardDistribution:
    """Accept a name ('deterministic', 'bernoulli', 'beta') or a RewardDistribution."""
    if isinstance(spec, RewardDistribution):
        return spec
    if isinstance(spec, str):
        try:
            return _BY_NAME[spec.lower()]
        except KeyError:
            raise ValueError(
                f"reward_dist is {spec!r}; must be one of {sorted(_BY_NAME)} "
                "or a RewardDistribution instance"
            ) from None
    raise TypeError(f"reward_dist must be a name or a RewardDistribution, got {spec!r}")
