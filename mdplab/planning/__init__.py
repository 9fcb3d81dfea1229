"""Exact planning (DESIGN.md layer 3)."""

from .finite_horizon import (
    backward_induction,
    evaluate_policy,
    gaps,
    min_positive_gap,
    occupancy_measure,
    state_occupancy,
)
from .certify import certified_error_bound
from .lp import solve_lp
from .policy_iteration import modified_policy_iteration, policy_iteration
from .results import DiscountedSolution, FiniteHorizonSolution, PolicyEvaluation
from .value_iteration import value_iteration

__all__ = [
    "DiscountedSolution",
    "FiniteHorizonSolution",
    "PolicyEvaluation",
    "backward_induction",
    "certified_error_bound",
    "evaluate_policy",
    "gaps",
    "min_positive_gap",
    "modified_policy_iteration",
    "occupancy_measure",
    "policy_iteration",
    "solve_lp",
    "state_occupancy",
    "value_iteration",
]
