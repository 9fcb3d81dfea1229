"""Offline RL with pessimism: PEVI, LCB, VI-LCB, their bounds and the exact checks.

Sources: Jin, Yang & Wang (2021), "Is Pessimism Provably Efficient for Offline RL?",
arXiv:2012.15085 (PEVI); Rashidinejad, Zhu, Ma, Jiao & Russell (2021), "Bridging Offline
Reinforcement Learning and Imitation Learning: A Tale of Pessimism", arXiv:2103.12021 (LCB,
splitting VI-LCB); Li, Shi, Chen, Chi & Wei (2022), "Settling the Sample Complexity of
Model-Based Offline Reinforcement Learning", arXiv:2204.05275 (Bernstein VI-LCB).

Modules: :mod:`.pessimistic_value_iteration` (PEVI), :mod:`.lcb` (bandits),
:mod:`.vilcb_episodic`, :mod:`.vilcb_discounted`, :mod:`.bandit_data` (offline bandit data),
:mod:`.checks` (exact event, decomposition and data-dependent bound), :mod:`.result`
(:class:`PessimisticResult`), :mod:`.degeneracy` (the tie-breaking flag).
"""

# ruff: noqa: F405 (the names come from the submodules' __all__ by star imports)
from ..bounds import Bound, BoundArray
from .bandit_data import *  # noqa: F403
from .checks import *  # noqa: F403
from .degeneracy import *  # noqa: F403
from .lcb import *  # noqa: F403
from .pessimistic_value_iteration import *  # noqa: F403
from .result import PessimisticResult
from .vilcb_discounted import *  # noqa: F403
from .vilcb_episodic import *  # noqa: F403

__all__ = [
    "BanditDecision",
    "BernsteinVILCBResult",
    "Bound",
    "BoundArray",
    "ContextualDecision",
    "DegeneratePolicyWarning",
    "GamblerRun",
    "PessimisticResult",
    "REMARK2_C1",
    "SplitVILCBResult",
    "TABULAR_PENALTIES",
    "TrimResult",
    "bandit_counts",
    "bc_cb",
    "bc_cb_counts",
    "bernoulli_kl",
    "bernstein_log",
    "bernstein_penalty",
    "cb_choices",
    "cb_suboptimality",
    "contextual_counts",
    "data_dependent_bound",
    "decomposition",
    "discounted_data_dependent_bound",
    "discounted_event",
    "discounted_suboptimality",
    "discounted_two_point_lower_bound",
    "eba",
    "eba_counts",
    "event_E",
    "expert_cb_suboptimality",
    "gambler_run",
    "greedy_cb",
    "greedy_cb_counts",
    "hoeffding_bonus",
    "instance_dependent_bound",
    "jyw_beta",
    "lcb_cb",
    "lcb_cb_counts",
    "lcb_cb_rate_bound",
    "lcb_log_term",
    "lcb_mab",
    "lcb_mab_counts",
    "lcb_mab_hoeffding_bound",
    "lcb_mab_rate_bound",
    "lemma2_distance_bound",
    "li2022_log_term",
    "li2022_lower_bound_sample_size",
    "li2022_rate",
    "li2022_sample_size",
    "li2022_tau_max",
    "mab_choices",
    "mab_suboptimality",
    "mab_two_point_lower_bound",
    "model_evaluation_error",
    "mpa",
    "mpa_counts",
    "mpa_two_arm_suboptimality",
    "n_trim",
    "pessimistic_operator",
    "pevi",
    "pevi_linear",
    "pevi_linear_rate",
    "pevi_tabular",
    "rzmjr21_iterations",
    "rzmjr21_rate",
    "sample_bandit_counts",
    "sample_bandit_data",
    "sample_contextual_counts",
    "sample_contextual_data",
    "split_fold_counts",
    "suboptimality",
    "tabular_penalty",
    "theorem3_epsilon",
    "theorem3_min_episodes",
    "theorem4_lower_bound",
    "theorem6_condition",
    "trim_log",
    "true_backup",
    "two_fold_subsample",
    "unseen_context_gap",
    "vi_lcb_bernstein",
    "vi_lcb_episodic",
    "vi_lcb_split",
    "vi_lcb_split_from_folds",
    "vi_lcb_subsampled",
]
