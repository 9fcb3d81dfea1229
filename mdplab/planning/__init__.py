"""Exact planning: Q*, V*, policy values, occupancy measures and gaps.

Finite horizon (exact, no tolerance): :func:`backward_induction`, :func:`evaluate_policy`,
:func:`occupancy_measure`, :func:`state_occupancy`, :func:`gaps`, :func:`min_positive_gap`.

Discounted: :func:`value_iteration` (span stopping rule, MacQueen's bias correction),
:func:`policy_iteration` (Howard), :func:`modified_policy_iteration` (Puterman & Shin),
:func:`solve_lp` (the occupancy-measure LP), :func:`evaluate_policy_discounted`,
:func:`occupancy_measure_discounted`. Every discounted solution carries an ``error_bound``
on ||V - V*||_inf that holds in floating point (:func:`certified_error_bound`).
"""

from .certify import certified_error_bound
from .discounted import evaluate_policy_discounted, occupancy_measure_discounted
from .discounted_pi import modified_policy_iteration, policy_iteration
from .discounted_vi import value_iteration
from .finite_horizon import (
    backward_induction,
    evaluate_policy,
    gaps,
    min_positive_gap,
    occupancy_measure,
    state_occupancy,
)
from .lp import solve_lp
from .results import DiscountedSolution, FiniteHorizonSolution, PolicyEvaluation

__all__ = [
    "DiscountedSolution",
    "FiniteHorizonSolution",
    "PolicyEvaluation",
    "backward_induction",
    "certified_error_bound",
    "evaluate_policy",
    "evaluate_policy_discounted",
    "gaps",
    "min_positive_gap",
    "modified_policy_iteration",
    "occupancy_measure",
    "occupancy_measure_discounted",
    "policy_iteration",
    "solve_lp",
    "state_occupancy",
    "value_iteration",
]
