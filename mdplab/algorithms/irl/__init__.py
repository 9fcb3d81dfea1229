"""Inverse RL as estimation of the feasible reward set (Metelli, Lazzati & Restelli 2023,
arXiv:2304.12966; Lazzati, Mutti & Metelli 2024, arXiv:2406.03812): the set of rewards that
make an expert optimal (:class:`FeasibleRewardSet`: membership, explicit form, samplers;
:class:`DiscountedFeasibleRewardSet` and the error propagation of Metelli et al. 2021,
:func:`propagated_reward`, the transfer inequality :func:`transfer_bound`), the
linear programs over it (:func:`support_value`, :func:`project`, :func:`distance`), and the
Hausdorff distance between two sets as a certified bracket (:func:`hausdorff_bracket`,
:func:`lipschitz_bound`, :func:`hausdorff_exact`), and US-IRL with a generative model
(:func:`us_irl`, its stopping rule and the sample-complexity bound of Theorem 6.1), and the
lower bounds' hard instances (:func:`lower_bound_gadget`, :func:`large_delta_instance`,
:func:`unknown_policy_instance`) and their explicit bounds (:func:`irl_lower_bound`);
offline, the sub- and super-feasible sets of a covered region (:class:`OfflineFeasibleSets`,
:func:`completion_dp`); reward
(non)compatibility (Lazzati, Mutti & Metelli 2024, :func:`noncompatibility`, its estimate
from expert episodes) and linear reward classes (:func:`linear_reward_range`,
:func:`linear_class_hausdorff` with Example 3.1 of Metelli et al. 2023); the
identifiability test of two entropy-regularised experts (:func:`shaping_kernel_dimension`)."""

from .compatibility import (
    caty_expert_episodes,
    empirical_occupancy,
    estimated_noncompatibility,
    linear_reward_range,
    noncompatibility,
)
from .discounted import (
    DiscountedFeasibleRewardSet,
    TransferBound,
    propagated_reward,
    transfer_bound,
)
from .feasible_set import FeasibleRewardSet, SetSamples
from .hausdorff import (
    HausdorffBracket,
    hausdorff_bracket,
    hausdorff_exact,
    lipschitz_bound,
    lipschitz_rho,
)
from .identifiability import shaping_kernel_dimension
from .instances import (
    HardInstance,
    LowerBoundGadget,
    balanced_packing,
    bernoulli_test_error,
    large_delta_instance,
    lower_bound_gadget,
    perturbed_kl,
    unknown_policy_instance,
)
from .lower_bounds import (
    irl_lower_bound,
    irl_lower_bound_large_delta,
    irl_lower_bound_small_delta,
    irl_lower_bound_unknown_policy,
)
from .offline import (
    OfflineFeasibleSets,
    PessimisticOfflineSets,
    completion_dp,
    plug_in_offline_sets,
)
from .reward_classes import example_3_1, linear_class_hausdorff, state_only_features
from .set_operations import Projection, distance, project, support_value
from .uniform_sampling import (
    USIRLResult,
    estimated_expert_support,
    us_irl,
    us_irl_beta,
    us_irl_confidence,
    us_irl_policy_queries,
    us_irl_sample_bound,
    us_irl_stopping_n,
)

__all__ = [
    "DiscountedFeasibleRewardSet",
    "FeasibleRewardSet",
    "HardInstance",
    "HausdorffBracket",
    "LowerBoundGadget",
    "OfflineFeasibleSets",
    "PessimisticOfflineSets",
    "Projection",
    "SetSamples",
    "TransferBound",
    "USIRLResult",
    "balanced_packing",
    "bernoulli_test_error",
    "caty_expert_episodes",
    "completion_dp",
    "distance",
    "empirical_occupancy",
    "estimated_expert_support",
    "estimated_noncompatibility",
    "example_3_1",
    "hausdorff_bracket",
    "hausdorff_exact",
    "irl_lower_bound",
    "irl_lower_bound_large_delta",
    "irl_lower_bound_small_delta",
    "irl_lower_bound_unknown_policy",
    "large_delta_instance",
    "linear_class_hausdorff",
    "linear_reward_range",
    "lipschitz_bound",
    "lipschitz_rho",
    "lower_bound_gadget",
    "noncompatibility",
    "perturbed_kl",
    "plug_in_offline_sets",
    "project",
    "propagated_reward",
    "shaping_kernel_dimension",
    "state_only_features",
    "support_value",
    "transfer_bound",
    "unknown_policy_instance",
    "us_irl",
    "us_irl_beta",
    "us_irl_confidence",
    "us_irl_policy_queries",
    "us_irl_sample_bound",
    "us_irl_stopping_n",
]
