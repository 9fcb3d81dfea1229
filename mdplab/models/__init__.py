"""Exact models: finite-horizon, discounted and linear MDPs, bandits (layer 1 of mdplab:
immutable, validated at construction; every size >= 1, probabilities and rewards checked)."""

from .bandits import Bandit, ContextualBandit
from .discounted import DiscountedMDP
from .finite_horizon import FiniteHorizonMDP
from .linear import LinearMDP
from .policy import deterministic_to_stochastic, greedy, validate_policy
from .rewards import Bernoulli, Beta, Deterministic, RewardDistribution
from .sparse import SparseTransitions

__all__ = [
    "Bandit",
    "Bernoulli",
    "Beta",
    "ContextualBandit",
    "Deterministic",
    "DiscountedMDP",
    "FiniteHorizonMDP",
    "LinearMDP",
    "RewardDistribution",
    "SparseTransitions",
    "deterministic_to_stochastic",
    "greedy",
    "validate_policy",
]
