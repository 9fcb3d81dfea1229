"""Exact planning (DESIGN.md layer 3)."""

from .finite_horizon import (
    backward_induction,
    evaluate_policy,
    gaps,
    min_positive_gap,
    occupancy_measure,
    state_occupancy,
)
from .results import DiscountedSolution, FiniteHorizonSolution, PolicyEvaluation

__all__ = [
    "DiscountedSolution",
    "FiniteHorizonSolution",
    "PolicyEvaluation",
    "backward_induction",
    "evaluate_policy",
    "gaps",
    "min_positive_gap",
    "occupancy_measure",
    "state_occupancy",
]
