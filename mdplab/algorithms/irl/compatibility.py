"""Reward (non)compatibility and its estimate from expert episodes (tabular CATY-IRL).

Source: F. Lazzati, M. Mutti, A. M. Metelli (2024). *How to Scale Inverse RL to Large State
Spaces? A Provably Efficient Approach.* NeurIPS 2024, arXiv:2406.03812 [LMM24b] (full text
read): Definition 4.1, the (non)compatibility ``Cbar(r) = J*(r) - J^{pi_E}(r) >= 0`` (zero
exactly on the on-support feasible set, Remark 4.1); the IRL classification problem (Def.
4.3: output Chat with ``sup_r abs(Cbar(r) - Chat(r)) <= eps`` w.p. >= 1 - delta, so that
``Rhat_{Delta - eps} <= R_Delta <= Rhat_{Delta + eps}``, Remark 4.2); tabular CATY-IRL
(Algorithms 2-3): ``Jhat_E(r) = sum_h <dhat_E[h], r[h]>`` with the empirical occupancy
``dhat_E[h, s, a] = count_h(s, a) / tau_E`` (the paper's display divides by the state count,
which would give the policy, not the occupancy; the occupancy is what the estimate needs),
and ``sum_h ||d_E[h] - dhat_E[h]||_1 <= sqrt(S A H^3 log(8 S A H / delta) / (2 tau_E))``
(Shani et al. 2022, Lemma 6), so ``tau_E >= 2 S A H^3 log(8 S A H / delta) / eps^2`` episodes
give ``abs(Jhat_E - J_E) <= eps / 2`` for rewards in [-1, 1].
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..._validation import as_float_array, as_int_array, check_positive_int, check_unit_open
from .feasible_set import FeasibleRewardSet

__all__ = ["caty_expert_episodes", "empirical_occupancy", "estimated_noncompatibility",
           "linear_reward_range", "noncompatibility"]


def _problem(R: Any) -> FeasibleRewardSet:
    if not isinstance(R, FeasibleRewardSet) or R.rho is None:
        raise TypeError("pass a FeasibleRewardSet with an initial distribution (rho= or an "
                        f"MDP), got {R!r}")
    return R


def noncompatibility(R: FeasibleRewardSet, r: Any) -> np.ndarray | float:
    """``Cbar(r) = rho . (V*_0(r) - V^{pi_E}_0(r))`` ([LMM24b] Def. 4.1) for r (H, S, A) or a
    batch (n, H, S, A). ``R`` supplies P, the expert and rho."""
    R = _problem(R)
    _, Vs = R.optimal_values(r)
    _, Ve = R.expert_values(r)
    out = (Vs[..., 0, :] - Ve[..., 0, :]) @ R.rho
    return float(out) if np.ndim(out) == 0 else out


def empirical_occupancy(states: Any, actions: Any, S: int, A: int) -> np.ndarray:
    """``dhat[h, s, a] = #{episodes in (s, a) at step h} / tau_E`` from expert episodes:
    ``states`` (tau_E, H+1) or (tau_E, H), ``actions`` (tau_E, H) ints. Returns (H, S, A)."""
    S = check_positive_int(S, "S")
    A = check_positive_int(A, "A")
    a = as_int_array(actions, "actions", ndim=2)
    s = as_int_array(states, "states", ndim=2)[:, :a.shape[1]]
    if s.shape != a.shape:
        raise ValueError(f"states {s.shape} and actions {a.shape} do not match")
    if s.size and (s.min() < 0 or s.max() >= S or a.min() < 0 or a.max() >= A):
        raise ValueError(f"states must lie in [0, {S}) and actions in [0, {A})")
    K, H = a.shape
    d = np.zeros((H, S, A))
    for h in range(H):
        np.add.at(d[h], (s[:, h], a[:, h]), 1.0)
    return d / max(K, 1)


def estimated_noncompatibility(R: FeasibleRewardSet, d_hat: Any, r: Any,
                               V_star: Any = None) -> np.ndarray | float:
    """``Chat(r) = J*(r) - sum_h <dhat[h], r[h]>`` with J* from R's model (a generative-model
    test of CATY-IRL's classifier: the exploration part exact) and ``dhat`` (H, S, A) from
    :func:`empirical_occupancy`. r (H, S, A) or (n, H, S, A)."""
    R = _problem(R)
    d = as_float_array(d_hat, "d_hat")
    if d.shape != (R.H, R.S, R.A):
        raise ValueError(f"d_hat has shape {d.shape}; expected {(R.H, R.S, R.A)}")
    _, Vs = R.optimal_values(r)
    j_star = Vs[..., 0, :] @ R.rho
    j_e = np.einsum("...hsa,hsa->...", np.asarray(r, dtype=float), d)
    out = j_star - j_e
    return float(out) if np.ndim(out) == 0 else out


def caty_expert_episodes(S: int, A: int, H: int, eps: float, delta: float) -> int:
    """``ceil(2 S A H^3 log(8 S A H / delta) / eps^2)`` expert episodes: then
    ``abs(Jhat_E(r) - J_E(r)) <= eps/2`` for all r in [-1, 1] w.p. >= 1 - delta (module
    docstring)."""
    S, A, H = (check_positive_int(x, n) for x, n in ((S, "S"), (A, "A"), (H, "H")))
    if not (isinstance(eps, (int, float)) and eps > 0):
        raise ValueError(f"eps is {eps!r}; must be > 0")
    delta = check_unit_open(delta, "delta")
    return int(math.ceil(2 * S * A * H ** 3 * math.log(8 * S * A * H / delta) / eps ** 2))


def linear_reward_range(R: FeasibleRewardSet, features: Any) -> np.ndarray:
    """For linear rewards ``r = features @ theta`` (features (H, S, A, k), theta in [-1, 1]^k),
    the range [min, max] of each coordinate of theta over the rewards in R: (k, 2), by 2 k LPs
    over the explicit form of :attr:`FeasibleRewardSet.lifted` (``features theta = K_V v -
    K_A ap``, ``ap >= 0``; the box of R is not imposed on the rewards, only on theta). This
    covers every support and stochastic experts (equalities on the played actions).
    [LMM24b] Prop. 3.1 / Example B.2: with linear rewards the feasible set can collapse to
    {0}."""
    from scipy import sparse
    from scipy.optimize import linprog

    if not isinstance(R, FeasibleRewardSet):
        raise TypeError(f"R must be a FeasibleRewardSet, got {type(R).__name__}")
    F = as_float_array(features, "features", ndim=4)
    if F.shape[:3] != (R.H, R.S, R.A):
        raise ValueError(f"features has shape {F.shape}; expected ({R.H}, {R.S}, {R.A}, k)")
    k = F.shape[3]
    K_V, K_A = R.lifted
    A_eq = sparse.hstack([sparse.csr_matrix(F.reshape(R.n, k)), -K_V, K_A]).tocsr()
    b_eq = np.zeros(R.n)
    bounds = [(-1.0, 1.0)] * k + [(None, None)] * K_V.shape[1] + [(0.0, None)] * K_A.shape[1]
    out = np.empty((k, 2))
    for j in range(k):
        for col, sign in ((0, 1.0), (1, -1.0)):
            c = np.zeros(A_eq.shape[1])
            c[j] = sign
            res = linprog(c, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if res.status != 0:
                raise RuntimeError(f"linear_reward_range: HiGHS did not solve the LP for "
                                   f"theta[{j}] ({res.message}); theta = 0 is always "
                                   "feasible, so this is a solver failure: report it with "
                                   "the instance")
            out[j, col] = sign * res.fun
    return out
