"""Density ratios and coverability: GLOW (Amortila, Foster, Jiang, Sekhari & Xie 2024,
arXiv:2401.09681) and GOLF (Jin, Liu & Miryoosefi 2021, arXiv:2102.00815, analysed under
coverability by Xie, Foster, Bai, Jiang & Kakade 2023, arXiv:2210.04157) on finite value
classes over exact tabular models, sampled (the papers') and population (the library's
extension, with derived bounds) versions.

Modules (under ``mdplab.algorithms.density_ratio``):

- ``value_classes``: finite classes F (needles, codes, perturbed models, pads), the reward
  normalisation;
- ``weights``: weight classes W from exact occupancies (W-path, W-hybrid), clipping;
- ``weight_function_optimism``: GLOW (Global Optimism via Weight function realizability),
  its constants and bounds;
- ``local_fitting_optimism``: GOLF (Global Optimism based on Local Fitting);
- ``hybrid``: HyGLOW (H2O with MABO.CR) for hybrid offline + online data;
- ``statistics``: the tuple statistics they use;
- ``protocol``: the shared iteration protocol and :class:`OptimismResult`.
"""

from .hybrid import (
    h2o_risk_bound,
    hyglow,
    hyglow_population,
    hyglow_population_bound,
    mabo_constants,
    offline_tuples,
)
from .local_fitting_optimism import (
    excess_losses,
    golf,
    golf_beta,
    golf_population,
    golf_population_bound,
)
from .protocol import OptimismResult
from .statistics import TupleStatistics
from .value_classes import (
    ValueClass,
    code_class,
    max_return,
    needle_class,
    optimal_q,
    optimistic_distractor_class,
    perturbed_model_class,
    policy_evaluation_class,
    reward_scale,
)
from .weight_function_optimism import (
    glow,
    glow_burn_in,
    glow_constants,
    glow_explicit_regret_bound,
    glow_log,
    glow_population,
    glow_population_bound,
    glow_theorem_parameters,
)
from .weights import clip_weights, hybrid_weights, pair_weights, path_weights

__all__ = [
    "OptimismResult",
    "TupleStatistics",
    "ValueClass",
    "clip_weights",
    "code_class",
    "excess_losses",
    "glow",
    "glow_burn_in",
    "glow_constants",
    "glow_explicit_regret_bound",
    "glow_log",
    "glow_population",
    "glow_population_bound",
    "glow_theorem_parameters",
    "golf",
    "golf_beta",
    "golf_population",
    "golf_population_bound",
    "h2o_risk_bound",
    "hybrid_weights",
    "hyglow",
    "hyglow_population",
    "hyglow_population_bound",
    "mabo_constants",
    "max_return",
    "needle_class",
    "offline_tuples",
    "optimal_q",
    "optimistic_distractor_class",
    "pair_weights",
    "path_weights",
    "perturbed_model_class",
    "policy_evaluation_class",
    "reward_scale",
]
