"""numba kernels for the hot loops (layer 2 of mdplab).

Each kernel is a plain function over arrays, compiled lazily on first call
(``@njit(cache=True)``, no eager signatures, so ``import mdplab`` compiles nothing).
Each has a pure-numpy reference in :mod:`mdplab.kernels.reference` that the tests
compare it against.
"""

from .bellman import (
    backward_induction_csr,
    backward_induction_dense,
    bellman_backup_csr,
    bellman_backup_dense,
    dense_rows,
    greedy_actions,
    kernel_arrays_dense,
    policy_backup_csr,
    policy_backup_dense,
    policy_backward_csr,
    policy_backward_dense,
    solve_dense,
)
from .glow import glow_constraints, mabo_objective
from .irl import expert_violation, hit_and_run_chain, optimal_gap
from .lsvi import lsvi_ucb_episodes
from .pessimism import bernstein_induction_csr, csr_counts, pessimistic_induction
from .pessimism_discounted import pe_iterate, pe_operator, pe_penalty, split_iterate
from .reachability import reach_by_transitions
from .subsampling import select_without_replacement
from .ucbvi import ucbvi_episodes

__all__ = [
    "backward_induction_csr",
    "bernstein_induction_csr",
    "csr_counts",
    "dense_rows",
    "expert_violation",
    "glow_constraints",
    "mabo_objective",
    "hit_and_run_chain",
    "kernel_arrays_dense",
    "lsvi_ucb_episodes",
    "optimal_gap",
    "pe_iterate",
    "pe_operator",
    "pe_penalty",
    "pessimistic_induction",
    "select_without_replacement",
    "solve_dense",
    "split_iterate",
    "ucbvi_episodes",
    "backward_induction_dense",
    "bellman_backup_csr",
    "bellman_backup_dense",
    "greedy_actions",
    "policy_backup_csr",
    "policy_backup_dense",
    "policy_backward_csr",
    "policy_backward_dense",
    "reach_by_transitions",
]
