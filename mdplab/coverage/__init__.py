"""Coverage and theory quantities: how well data (or a class of policies) covers an MDP.

- :mod:`.density_ratios`: single-policy C* and clipped C*_clipped (Li et al. 2022),
  all-policy concentrability of a data distribution, squared L2 and clipped CC_h
  concentrability (Amortila et al. 2024).
- :mod:`.reach`: reach[h, s] = max_pi P(s_h = s), exact backward DP.
- :mod:`.coverability_lp`: C_cov for all policies or a finite class (closed form, LP,
  brute force), with the optimal data distribution mu*.
- :mod:`.linear`: feature coverage and relative condition number in linear MDPs.
- :mod:`.potentials`: the potential sums behind every coverability bound (Amortila et al.
  2024, Lemmas D.5 and E.3).
"""

from .coverability_lp import (
    CoverabilityResult,
    class_occupancies,
    coverability,
    coverability_brute_force,
    max_occupancy,
)
from .density_ratios import (
    ConcentrabilityResult,
    clipped_concentrability_cc,
    concentrability,
    concentrability_all_policies,
    concentrability_from_occupancies,
    l2_concentrability_squared,
    safe_ratio,
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
from .potentials import (
    coverability_potential_bound,
    elliptic_potential,
    potential_increments,
    realised_sec_sum,
)
from .reach import max_occupancy_all_policies, reach_to_layer, reachability

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
    "coverability_potential_bound",
    "elliptic_potential",
    "feature_coverage",
    "feature_coverage_of_policy",
    "feature_covariance",
    "l2_concentrability_squared",
    "max_occupancy",
    "max_occupancy_all_policies",
    "potential_increments",
    "realised_sec_sum",
    "reach_to_layer",
    "reachability",
    "relative_condition_from_covariances",
    "relative_condition_number",
    "safe_ratio",
]

# Old module paths (``from mdplab.coverage.concentrability import concentrability``) stay
# importable, as aliases in sys.modules only: the package attributes of those names are the
# functions, and no module file shares a name with an exported function. Import from
# ``mdplab.coverage`` instead.
import sys as _sys

from . import coverability_lp as _coverability_lp
from . import density_ratios as _density_ratios
from . import reach as _reach

for _old, _module in (
    ("concentrability", _density_ratios),
    ("coverability", _coverability_lp),
    ("reachability", _reach),
):
    _sys.modules.setdefault(f"{__name__}.{_old}", _module)
del _old, _module
