"""Coverage and theory quantities (DESIGN.md layer 5).

- :mod:`.concentrability`: single-policy C* and clipped C*_clipped (Li et al. 2022),
  all-policy concentrability of a data distribution, squared L2 and clipped CC_h
  concentrability (Amortila et al. 2024).
- :mod:`.reachability`: reach[h, s] = max_pi P(s_h = s), exact backward DP.
- :mod:`.coverability`: C_cov for all policies or a finite class (closed form, LP,
  brute force), with the optimal data distribution mu*.
- :mod:`.linear`: feature coverage and relative condition number in linear MDPs.
"""

from .concentrability import (
    ConcentrabilityResult,
    clipped_concentrability_cc,
    concentrability,
    concentrability_all_policies,
    concentrability_from_occupancies,
    l2_concentrability_squared,
    safe_ratio,
)
from .coverability import (
    CoverabilityResult,
    class_occupancies,
    coverability,
    coverability_brute_force,
    max_occupancy,
)
from .linear import (
    FeatureCoverageResult,
    RelativeConditionResult,
    feature_covariance,
    feature_coverage,
    feature_coverage_of_policy,
    relative_condition_from_covariances,
    relative_condition_number,
)
from .reachability import max_occupancy_all_policies, reach_to_layer, reachability

__all__ = [
    "ConcentrabilityResult",
    "CoverabilityResult",
    "FeatureCoverageResult",
    "RelativeConditionResult",
    "class_occupancies",
    "clipped_concentrability_cc",
    "concentrability",
    "concentrability_all_policies",
    "concentrability_from_occupancies",
    "coverability",
    "coverability_brute_force",
    "feature_coverage",
    "feature_coverage_of_policy",
    "feature_covariance",
    "l2_concentrability_squared",
    "max_occupancy",
    "max_occupancy_all_policies",
    "reach_to_layer",
    "reachability",
    "relative_condition_from_covariances",
    "relative_condition_number",
    "safe_ratio",
]
