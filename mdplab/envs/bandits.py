"""Bandit instances (horizon-1 models): Bernoulli arms, the gap instance, contextual bandits."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._validation import RngLike, as_float_array, as_rng, check_positive_int, check_range
from ..models.bandits import Bandit, ContextualBandit
from .registry import check_index, check_probability, register


@register(tags=("random", "sum_reward_le_one"))
def bernoulli_bandit(means: ArrayLike | None = None, A: int = 5, seed: RngLike = 0) -> Bandit:
    """Bernoulli multi-armed bandit with given means, or A means drawn uniformly on [0, 1].

    Source: the stochastic multi-armed bandit (H. Robbins (1952), "Some aspects of the sequential
    design of experiments", Bull. AMS 58(5); T. Lattimore and C. Szepesvari (2020),
    "Bandit Algorithms", Ch. 4) with Bernoulli rewards.

    Parameters
    ----------
    means : optional (A,) arm means in [0, 1]; when given, ``A`` and ``seed`` are ignored
    A : number of arms, >= 1 (when ``means`` is None)
    seed : int seed (or None / Generator); means = default_rng(seed).random(A)

    Notes
    -----
    Optimal: the arm with the largest mean (``model.optimal_arm``, ties to the lowest index);
    V* = max(means).
    """
    if means is None:
        A = check_positive_int(A, "A")
        means = as_rng(seed, "seed").random(A)
    else:
        means = as_float_array(means, "means", ndim=1)
        if means.size == 0:
            raise ValueError("means is empty; a bandit needs at least one arm")
        check_range(means, "means", 0.0, 1.0)
    return Bandit(means)


@register(tags=("sum_reward_le_one",))
def gap_bandit(A: int = 5, gap: float = 0.1, base: float = 0.5, best: int = 0) -> Bandit:
    """Lower-bound Bernoulli bandit: every arm at ``base`` except arm ``best`` at base + gap.

    Source: the instance behind the minimax and sample-complexity lower bounds for bandits:
    S. Mannor and J. N. Tsitsiklis (2004), "The sample complexity of exploration in the
    multi-armed bandit problem", JMLR 5:623-648 (means 1/2 and 1/2 + eps); T. Lattimore
    and C. Szepesvari (2020), "Bandit Algorithms", Ch. 15 (one arm raised by Delta).

    Parameters
    ----------
    A : arms, >= 1
    gap : the best arm's advantage, with 0 <= base + gap <= 1
    base : mean of the other arms, in [0, 1]
    best : index of the best arm

    Notes
    -----
    Optimal: arm ``best``, V* = base + gap; every other arm has gap ``gap``.
    """
    A = check_positive_int(A, "A")
    base = check_probability(base, "base")
    gap = check_probability(gap, "gap")
    if base + gap > 1.0:
        raise ValueError(f"base + gap is {base + gap}; the best arm's mean must be <= 1")
    best = check_index(best, "best", A)
    means = np.full(A, base)
    means[best] = base + gap
    return Bandit(means)


@register(tags=("random", "sum_reward_le_one"))
def contextual_bandit(S: int = 4, A: int = 3, seed: RngLike = 0,
                      rho: ArrayLike | None = None) -> ContextualBandit:
    """Contextual Bernoulli bandit: S contexts (uniform by default), means uniform on [0, 1].

    Source: the tabular contextual bandit (an H = 1 MDP; e.g. Lattimore and Szepesvari (2020),
    "Bandit Algorithms", Ch. 18).

    Parameters
    ----------
    S : contexts, >= 1
    A : arms, >= 1
    seed : int seed (or None / Generator); means = default_rng(seed).random((S, A))
    rho : optional (S,) context distribution (default uniform)

    Notes
    -----
    Optimal: arm argmax_a means[s, a] in context s (``model.optimal_arms``).
    """
    S = check_positive_int(S, "S")
    A = check_positive_int(A, "A")
    means = as_rng(seed, "seed").random((S, A))
    return ContextualBandit(means, rho=rho)
