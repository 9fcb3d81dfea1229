"""Exact planning in finite-horizon MDPs: backward induction, policy evaluation,
occupancy measures and gaps.

All quantities are exact up to floating-point round-off: O(H S^2 A) work, no
iteration, no tolerance. Steps are 0-indexed, V[H] = 0.
"""

from __future__ import annotations

import weakref

import numpy as np
from numpy.typing import ArrayLike

from .._validation import as_float_array
from ..kernels.bellman import backward_induction_csr, kernel_arrays_dense, solve_dense
from ..kernels.bellman import greedy_actions as greedy
from ..models.discounted import DiscountedMDP
from ..models.finite_horizon import FiniteHorizonMDP
from ..models.policy import validate_policy
from ._checks import check_real
from .results import FiniteHorizonSolution, PolicyEvaluation

#: kernel-ready arrays of each dense model, built on its first solve (models are immutable)
_DENSE_ARGS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _require_fh(mdp: object, fn: str) -> None:
    if not isinstance(mdp, FiniteHorizonMDP):
        raise TypeError(f"{fn}: mdp must be a FiniteHorizonMDP, got {type(mdp).__name__}")


def backward_induction(mdp: FiniteHorizonMDP, parallel: bool = False) -> FiniteHorizonSolution:
    """Q*, V* and a greedy optimal policy by dynamic programming.

    ``Q*_h(s,a) = r_h(s,a) + sum_{s'} P_h(s'|s,a) V*_{h+1}(s')``, ``V*_h(s) = max_a Q*_h(s,a)``,
    for h = H-1, ..., 0 with V*_H = 0 (Bellman 1957; Puterman 1994, Sec. 4.5).

    Ties: ``policy[h, s]`` is the *lowest* action index attaining the maximum
    (exact floating-point equality).

    Parameters
    ----------
    mdp : FiniteHorizonMDP (dense or sparse kernel).
    parallel : bool, split each step's (s, a) rows and states over numba's threads. The
        result is bit-identical to the serial one (same row blocks, same code, same order
        of every sum; see :func:`mdplab.kernels.solve_dense`); the steps stay sequential.
        It pays off for large kernels on a machine with free cores (measured: S = 2000,
        A = 10, H = 50 on 2 shared cores, 0.75x to 0.8x of the serial time; no gain when
        the other core is busy; benchmarks/planning.py, table 6). Kernels below
        ``mdplab.kernels.bellman.PARALLEL_MIN_ENTRIES`` entries per step run serially.

    Returns
    -------
    FiniteHorizonSolution with Q (H, S, A), V (H+1, S), policy (H, S), value = rho . V[0].
    """
    _require_fh(mdp, "backward_induction")
    if not isinstance(parallel, (bool, np.bool_)):
        raise TypeError(f"parallel must be True or False, got {parallel!r}")
    if mdp.is_sparse:
        Pt = mdp.P_sparse
        Q, V = backward_induction_csr(
            Pt.indptr, Pt.indices, Pt.data, mdp.r, mdp.H, mdp.stationary, check=False,
            parallel=bool(parallel),
        )
        policy = greedy(Q)
    else:
        args = _DENSE_ARGS.get(mdp)
        if args is None:
            args = _DENSE_ARGS[mdp] = kernel_arrays_dense(mdp.P, mdp.r)
        Q, V, policy = solve_dense(*args, parallel=bool(parallel))
    return FiniteHorizonSolution(Q=Q, V=V, policy=policy, value=float(mdp.rho @ V[0]))


def evaluate_policy(
    mdp: FiniteHorizonMDP | DiscountedMDP, policy: ArrayLike
) -> PolicyEvaluation:
    """Exact values of a policy.

    Finite horizon: ``policy`` is deterministic (H, S) int or stochastic (H, S, A)
    (a stationary (S,) or (S, A) policy is broadcast over h).
    Q^pi_h = r_h + P_h V^pi_{h+1},  V^pi_h(s) = sum_a pi_h(a|s) Q^pi_h(s,a),  V^pi_H = 0.

    Discounted (a :class:`DiscountedMDP`): ``policy`` (S,) int or (S, A); solves
    (I - gamma P_pi) V = r_pi exactly (LU), Q = r + gamma P V.
    """

    if isinstance(mdp, DiscountedMDP):
        from .discounted import evaluate_policy_discounted

        return evaluate_policy_discounted(mdp, policy)
    _require_fh(mdp, "evaluate_policy")
    from ..kernels import policy_backward_csr, policy_backward_dense

    H, S, A = mdp.shape
    pi = validate_policy(policy, H, S, A)
    if mdp.is_sparse:
        Pt = mdp.P_sparse
        Q, V = policy_backward_csr(
            Pt.indptr, Pt.indices, Pt.data, mdp.r, pi, H, mdp.stationary, check=False
        )
    else:
        Q, V = policy_backward_dense(mdp.P, mdp.r, pi)
    return PolicyEvaluation(Q=Q, V=V, value=float(mdp.rho @ V[0]))


def occupancy_measure(
    mdp: FiniteHorizonMDP | DiscountedMDP, policy: ArrayLike, rho: ArrayLike | None = None
) -> np.ndarray:
    """State-action occupancy of a policy.

    Finite horizon: ``d[h, s, a] = P(s_h = s, a_h = a | s_0 ~ rho, pi)``, shape (H, S, A),
    by the forward recursion ``d_0(s,a) = rho(s) pi_0(a|s)``,
    ``d_{h+1}(s',a') = (sum_{s,a} d_h(s,a) P_h(s'|s,a)) pi_{h+1}(a'|s')``.
    Each d[h] sums to 1.

    Discounted: the normalised occupancy d(s,a) = (1-gamma) sum_t gamma^t P(s_t=s, a_t=a),
    shape (S, A), from the linear system (I - gamma P_pi^T) d_S = (1-gamma) rho.

    ``rho`` defaults to the model's initial distribution.
    """

    if isinstance(mdp, DiscountedMDP):
        from .discounted import occupancy_measure_discounted

        return occupancy_measure_discounted(mdp, policy, rho=rho)
    _require_fh(mdp, "occupancy_measure")
    H, S, A = mdp.shape
    pi = validate_policy(policy, H, S, A)
    if rho is None:
        rho = mdp.rho
    else:
        from ..models.finite_horizon import validate_rho

        rho = validate_rho(rho, S)
    d = np.empty((H, S, A))
    d[0] = rho[:, None] * pi[0]
    for h in range(H - 1):
        d[h + 1] = mdp.push_forward(h, d[h])[:, None] * pi[h + 1]
    return d


def state_occupancy(
    mdp: FiniteHorizonMDP, policy: ArrayLike, rho: ArrayLike | None = None
) -> np.ndarray:
    """P(s_h = s) for h = 0..H (shape (H+1, S)); row H is the final-state distribution."""
    d = occupancy_measure(mdp, policy, rho=rho)
    last = mdp.push_forward(mdp.H - 1, d[-1])
    return np.vstack([d.sum(axis=2), last[None, :]])


def gaps(mdp: FiniteHorizonMDP, solution: FiniteHorizonSolution | None = None) -> np.ndarray:
    """Suboptimality gaps gap[h, s, a] = V*_h(s) - Q*_h(s, a) >= 0, shape (H, S, A).

    Pass a precomputed ``solution`` from :func:`backward_induction` to avoid re-solving.
    """
    _require_fh(mdp, "gaps")
    if solution is not None and not isinstance(solution, FiniteHorizonSolution):
        raise TypeError(
            f"solution must be a FiniteHorizonSolution or None, got {type(solution).__name__}"
        )
    sol = backward_induction(mdp) if solution is None else solution
    if sol.Q.shape != mdp.shape:
        raise ValueError(f"solution.Q has shape {sol.Q.shape}; expected (H, S, A) = {mdp.shape}")
    return sol.V[:-1, :, None] - sol.Q


def min_positive_gap(gap: np.ndarray, rel_tol: float = 1e-12) -> float:
    """Smallest gap larger than ``rel_tol * max(1, max gap)`` (inf if every gap is 0)."""
    gap = as_float_array(gap, "gap")
    rel_tol = check_real(rel_tol, "rel_tol", 0.0)
    if gap.size == 0:
        return float("inf")
    thresh = rel_tol * max(1.0, float(np.max(gap)))
    pos = gap[gap > thresh]
    return float(pos.min()) if pos.size else float("inf")
