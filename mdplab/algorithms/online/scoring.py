"""Exact regret of any policy, whoever produced it (an mdplab algorithm or an agent trained
through gymnasium, :func:`mdplab.envs.tabulate_policy`).

    regret(pi) = V*_0(rho) - V^pi_0(rho)               (finite horizon)
    regret(pi) = V*(rho)   - V^pi(rho)                 (discounted, gamma < 1)

computed by exact dynamic programming on the model (backward induction and policy evaluation;
for a discounted model policy iteration, whose error bound is certified and reported).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...models.discounted import DiscountedMDP
from ...models.finite_horizon import FiniteHorizonMDP
from ...models.linear import LinearMDP

__all__ = ["policy_regret"]


def _tabular(model: Any) -> FiniteHorizonMDP | DiscountedMDP:
    if isinstance(model, LinearMDP):
        return model.to_tabular()
    if isinstance(model, (FiniteHorizonMDP, DiscountedMDP)):
        return model
    inner = getattr(getattr(model, "unwrapped", None), "model", None)
    if inner is not None and inner is not model:  # a gymnasium env built by mdplab
        return _tabular(inner)
    raise TypeError(f"model is {type(model).__name__}; pass a FiniteHorizonMDP, DiscountedMDP, "
                    "LinearMDP, bandit, or a gymnasium env made by mdplab (env.unwrapped.model)")


def policy_regret(model: Any, policy: Any) -> float:
    """Exact regret ``V*_0(rho) - V^pi_0(rho)`` of ``policy`` in ``model``.

    Parameters
    ----------
    model : FiniteHorizonMDP, DiscountedMDP, LinearMDP (its exact tabular form), a bandit,
        or a gymnasium env made by :func:`mdplab.envs.to_gymnasium` / ``gymnasium.make``
        (its ``unwrapped.model``).
    policy : array
        Finite horizon: deterministic (H, S) int or stochastic (H, S, A) (a stationary
        (S,) or (S, A) policy is broadcast over h). Discounted: (S,) int or (S, A).
        Validated by :func:`mdplab.models.policy.validate_policy` (rows of a stochastic
        policy must sum to 1).

    Returns
    -------
    float
        ``>= 0`` up to round-off; 0 for an optimal policy. For a discounted model the value
        is that of the optimal policy found by policy iteration, evaluated exactly (LU).
    """
    from ...planning import backward_induction, evaluate_policy, policy_iteration

    mdp = _tabular(model)
    if isinstance(mdp, DiscountedMDP):
        optimal = evaluate_policy(mdp, policy_iteration(mdp).policy).value
    else:
        optimal = backward_induction(mdp).value
    return float(optimal - evaluate_policy(mdp, np.asarray(policy)).value)
