"""Exact checks of episodic pessimistic algorithms on a known MDP.

Because the environment is exact, the quantities of the pessimism analyses are computed,
not estimated:

- the model-evaluation error iota_h(s,a) = (B_h V_hat_{h+1})(s,a) - Q_hat_h(s,a), with the
  true Bellman operator (B_h V)(s,a) = r_h(s,a) + P_h(.|s,a) . V;
- the event E = ``{ |(B_hat_h V_hat_{h+1}) - (B_h V_hat_{h+1})| <= Gamma_h for all h,s,a }``
  (Jin, Yang & Wang 2021, arXiv 2012.15085, Definition 4.1, the xi-uncertainty quantifier);
- the three terms of the suboptimality decomposition (ibid., Lemma 3.1);
- the data-dependent bound 2 sum_h E_{pi*}[Gamma_h(s_h, a_h) | s_0 = x] (ibid., Theorem 4.2;
  for VI-LCB with Gamma = b: Li, Shi, Chen, Chi & Wei 2022, arXiv 2204.05275, proof of
  Theorem 6, Steps 1-2).

Theorem and lemma numbers of JYW21 as recalled (marked
unconfirmed there; see the docstrings of
:mod:`mdplab.algorithms.offline.pessimistic_value_iteration`).

All functions take the true :class:`~mdplab.FiniteHorizonMDP` and a
:class:`~mdplab.algorithms.offline.PessimisticResult`; vectors indexed by the start
state x have shape (S,).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..._validation import as_real_array, check_real
from ...kernels.bellman import policy_backward_dense
from ...models.finite_horizon import FiniteHorizonMDP
from ...models.policy import validate_policy
from ..bounds import BoundArray
from .result import PessimisticResult

__all__ = [
    "data_dependent_bound",
    "decomposition",
    "event_E",
    "model_evaluation_error",
    "suboptimality",
    "true_backup",
]


def _require(mdp, result) -> tuple[int, int, int]:
    if not isinstance(mdp, FiniteHorizonMDP):
        raise TypeError(f"mdp is {type(mdp).__name__}; these checks need a FiniteHorizonMDP")
    if not isinstance(result, PessimisticResult):
        raise TypeError(f"result is {type(result).__name__}; expected a PessimisticResult")
    if result.Q.shape != mdp.shape:
        raise ValueError(f"result.Q has shape {result.Q.shape}; the MDP is (H, S, A) = "
                         f"{mdp.shape}")
    return mdp.shape


def true_backup(mdp: FiniteHorizonMDP, V: np.ndarray) -> np.ndarray:
    """(B_h V[h+1])(s, a) = r_h(s,a) + P_h(.|s,a) . V[h+1] for h < H; shape (H, S, A)."""
    if not isinstance(mdp, FiniteHorizonMDP):
        raise TypeError(f"mdp is {type(mdp).__name__}; expected a FiniteHorizonMDP")
    H, S, A = mdp.shape
    V = as_real_array(V, "V", shapes=((H + 1, S),))
    r = np.broadcast_to(mdp.r, (H, S, A))
    return np.stack([r[h] + mdp.expected_next(h, V[h + 1]) for h in range(H)])


def _finite(x: np.ndarray) -> np.ndarray:
    """-inf (removed actions) -> 0, so they never count as violations."""
    return np.where(np.isfinite(x), x, 0.0)


def model_evaluation_error(mdp: FiniteHorizonMDP, result: PessimisticResult) -> np.ndarray:
    """iota_h(s,a) = (B_h V_hat_{h+1})(s,a) - Q_hat_h(s,a); shape (H, S, A), 0 on removed
    actions (Q = -inf)."""
    _require(mdp, result)
    valid = np.isfinite(result.Q)
    return np.where(valid, true_backup(mdp, result.V) - _finite(result.Q), 0.0)


def event_E(mdp: FiniteHorizonMDP, result: PessimisticResult, slack: float = 0.0) -> dict:
    """Whether the event E holds for this dataset, computed exactly.

    E: ``|(B_hat_h V_hat_{h+1})(s,a) - (B_h V_hat_{h+1})(s,a)| <= Gamma_h(s,a) + slack`` for
    all (h, s, a), with B_hat V_hat = ``result.backup`` and Gamma = ``result.penalty``.

    Returns ``{"holds": bool, "worst_excess": max(|B_hat - B| - Gamma), "where": (h,s,a)}``.
    """
    _require(mdp, result)
    slack = check_real(slack, "slack", 0.0)
    valid = np.isfinite(result.Q)
    excess = np.where(valid, np.abs(result.backup - true_backup(mdp, result.V)) - result.penalty,
                      -np.inf)
    where = np.unravel_index(int(np.argmax(excess)), excess.shape)
    worst = float(excess[where])
    return {"holds": worst <= slack, "worst_excess": worst,
            "where": tuple(int(i) for i in where)}


def _policy_values(mdp: FiniteHorizonMDP, reward: np.ndarray, policy) -> np.ndarray:
    """V^pi_0(x) for every start x under an arbitrary (H, S, A) reward (any range)."""
    H, S, A = mdp.shape
    pi = validate_policy(policy, H, S, A)
    _, V = policy_backward_dense(mdp.P, np.ascontiguousarray(reward, dtype=float), pi)
    return V[0]


def suboptimality(mdp: FiniteHorizonMDP, policy: ArrayLike) -> np.ndarray:
    """SubOpt(pi; x) = V*_0(x) - V^pi_0(x) for every start state x; shape (S,)."""
    from ...planning import backward_induction

    if not isinstance(mdp, FiniteHorizonMDP):
        raise TypeError(f"mdp is {type(mdp).__name__}; expected a FiniteHorizonMDP")
    H, S, A = mdp.shape
    r = np.broadcast_to(mdp.r, (H, S, A))
    return backward_induction(mdp).V[0] - _policy_values(mdp, r, policy)


def data_dependent_bound(mdp: FiniteHorizonMDP, penalty: np.ndarray,
                         policy_star: np.ndarray | None = None) -> BoundArray:
    """2 sum_h E_{pi*}[Gamma_h(s_h, a_h) | s_0 = x] for every start x; shape (S,).

    Computed exactly as twice the value of pi* in the true MDP with reward Gamma
    (Jin, Yang & Wang 2021, Theorem 4.2; Li et al. 2022, Theorem 6, Steps 1-2).
    ``policy_star`` defaults to the optimal policy of ``mdp`` (ties to the lowest action).
    """
    from ...planning import backward_induction

    if not isinstance(mdp, FiniteHorizonMDP):
        raise TypeError(f"mdp is {type(mdp).__name__}; expected a FiniteHorizonMDP")
    H, S, A = mdp.shape
    penalty = as_real_array(penalty, "penalty", shapes=((H, S, A),))
    if policy_star is not None:
        validate_policy(policy_star, H, S, A, name="policy_star")
    if policy_star is None:
        policy_star = backward_induction(mdp).policy
    lo, hi = mdp.reward_range
    return BoundArray(2.0 * _policy_values(mdp, penalty, policy_star), H * (hi - lo))


def decomposition(mdp: FiniteHorizonMDP, result: PessimisticResult,
                  policy_star: ArrayLike | None = None) -> dict:
    """The three terms of the suboptimality decomposition, for every start x (shape (S,))::

        SubOpt(pi_hat; x) = -sum_h E_{pi_hat}[iota_h | x]           ("spurious")
                            + sum_h E_{pi*}[iota_h | x]             ("intrinsic")
                            + sum_h E_{pi*}[<Q_hat_h, pi*_h - pi_hat_h> | x]   ("optimisation")

    (Jin, Yang & Wang 2021, Lemma 3.1). Returns the terms, their sum and ``suboptimality``
    (computed independently), so that a caller can check the identity.
    """
    from ...planning import backward_induction

    H, S, A = _require(mdp, result)
    if policy_star is None:
        policy_star = backward_induction(mdp).policy
    else:
        validate_policy(policy_star, H, S, A, name="policy_star")
    iota = model_evaluation_error(mdp, result)
    Qf = _finite(result.Q)
    pi_hat = validate_policy(result.policy, H, S, A)
    pi_star = validate_policy(policy_star, H, S, A)
    spurious = -_policy_values(mdp, iota, pi_hat)
    intrinsic = _policy_values(mdp, iota, pi_star)
    # <Q_hat_h(s,.), pi*_h(.|s) - pi_hat_h(.|s)> as a reward that depends on s only
    gain = np.einsum("hsa,hsa->hs", Qf, pi_star - pi_hat)
    optimisation = _policy_values(mdp, np.repeat(gain[:, :, None], A, axis=2), pi_star)
    return {"spurious": spurious, "intrinsic": intrinsic, "optimisation": optimisation,
            "total": spurious + intrinsic + optimisation,
            "suboptimality": suboptimality(mdp, pi_hat)}
