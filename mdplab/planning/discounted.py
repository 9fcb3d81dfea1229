"""Exact planning in discounted MDPs: policy evaluation and occupancy measures.

The iterative solvers (value iteration, policy iteration, modified policy
iteration) and the LP live in their own modules of this package.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import ArrayLike

from ..models.discounted import DiscountedMDP
from ..models.finite_horizon import validate_rho
from ..models.policy import validate_policy
from .results import PolicyEvaluation


def _solve(M, b: np.ndarray) -> np.ndarray:
    if sp.issparse(M):
        return spla.spsolve(sp.csc_matrix(M), b)
    return scipy.linalg.solve(M, b)


def evaluate_policy_discounted(mdp: DiscountedMDP, policy: ArrayLike) -> PolicyEvaluation:
    """V^pi = (I - gamma P_pi)^{-1} r_pi exactly; Q^pi = r + gamma P V^pi.

    ``policy``: (S,) int or (S, A) stochastic. Returns PolicyEvaluation with
    V (S,), Q (S, A), value = rho . V.
    """
    S, A = mdp.shape
    pi = validate_policy(policy, None, S, A)
    P_pi = mdp.transition_matrix(pi)
    r_pi = np.einsum("sa,sa->s", pi, mdp.r)
    eye = sp.identity(S, format="csr") if sp.issparse(P_pi) else np.eye(S)
    V = _solve(eye - mdp.gamma * P_pi, r_pi)
    Q = mdp.r + mdp.gamma * mdp.expected_next(V)
    return PolicyEvaluation(Q=Q, V=V, value=float(mdp.rho @ V))


def occupancy_measure_discounted(
    mdp: DiscountedMDP, policy: ArrayLike, rho: ArrayLike | None = None
) -> np.ndarray:
    """Normalised discounted occupancy d(s,a) = (1-gamma) sum_t gamma^t P(s_t=s, a_t=a).

    Solves (I - gamma P_pi^T) d_S = (1 - gamma) rho, then d(s,a) = d_S(s) pi(a|s).
    Shape (S, A); sums to 1.
    """
    S, A = mdp.shape
    pi = validate_policy(policy, None, S, A)
    rho = mdp.rho if rho is None else validate_rho(rho, S)
    P_pi = mdp.transition_matrix(pi)
    eye = sp.identity(S, format="csr") if sp.issparse(P_pi) else np.eye(S)
    d_S = _solve((eye - mdp.gamma * P_pi).T, (1.0 - mdp.gamma) * rho)
    return d_S[:, None] * pi
