"""Linear programs over a feasible reward set: support function, distance, projection.

All of them use the lifted form of :attr:`FeasibleRewardSet.lifted`: ``r = K_V v - K_A ap``
with ``ap >= 0`` (the explicit form of Metelli, Lazzati & Restelli 2023, arXiv:2304.12966,
Lemma 3.1), intersected with the box. The L-infinity and L1 problems are linear programs solved
by HiGHS (``scipy.optimize.linprog(method="highs")``), the L2 projection a quadratic program
solved by Clarabel through cvxpy. Sizes: H S + u variables (u slack entries, H S (A - 1) for a
deterministic expert), 4 H S A rows, about 4 H S A (S + 2) nonzeros.

LP results carry HiGHS' tolerances (primal feasibility 1e-7): compare their rewards with
``contains(r, tol=1e-7 * H)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..._validation import as_float_array, check_choice
from .feasible_set import FeasibleRewardSet

__all__ = ["Projection", "distance", "project", "support_value"]


@dataclass(frozen=True)
class Projection:
    """The closest member of a feasible set to a reward, in a norm.

    distance : float, ``min_{r in R} ||r - r0||``; reward : (H, S, A) the minimiser;
    norm : "inf", "l1" or "l2"; direction : (H, S, A) or None, for ``norm="inf"`` the dual
    solution w (``||w||_1 <= 1``) with ``distance = w . r0 - sigma_R(w)`` (a supporting
    direction: the ascent of :func:`~mdplab.algorithms.irl.hausdorff_bracket` follows it).
    """

    distance: float
    reward: np.ndarray
    norm: str
    direction: np.ndarray | None = None


def _check_set(R: Any, name: str = "R") -> Any:
    from .discounted import DiscountedFeasibleRewardSet

    if not isinstance(R, (FeasibleRewardSet, DiscountedFeasibleRewardSet)):
        raise TypeError(f"{name} must be a FeasibleRewardSet or a DiscountedFeasibleRewardSet, "
                        f"got {type(R).__name__}")
    return R


def _linprog(c, A_ub, b_ub, bounds, what):
    from scipy.optimize import linprog

    res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0:
        raise RuntimeError(f"{what}: HiGHS did not solve the LP ({res.message}); the set "
                           "should never be empty (it holds the box centre), so this is a "
                           "solver failure: report it with the instance")
    return res


def support_value(R: FeasibleRewardSet, w: Any) -> tuple[float, np.ndarray]:
    """The support function ``sigma_R(w) = max_{r in R} w . r`` and a maximiser (H, S, A).

    ``w`` (H, S, A) real. One LP (the lifted form plus the two box rows)."""
    from scipy import sparse

    R = _check_set(R)
    W = as_float_array(w, "w")
    if W.shape != R.reward_shape:
        raise ValueError(f"w has shape {W.shape}; expected {R.reward_shape}")
    K_V, K_A = R.lifted
    M = sparse.hstack([K_V, -K_A]).tocsr()
    lo, hi = R.box
    A_ub = sparse.vstack([M, -M]).tocsr()
    b_ub = np.concatenate([np.full(R.n, hi), np.full(R.n, -lo)])
    c = -(M.T @ W.reshape(-1))
    res = _linprog(c, A_ub, b_ub, R.lp_bounds(), "support_value")
    r = (M @ res.x).reshape(R.reward_shape)
    return float(W.reshape(-1) @ r.reshape(-1)), r


def project(R: FeasibleRewardSet, r0: Any, norm: str = "inf") -> Projection:
    """The projection of ``r0`` (H, S, A) onto R in the L-infinity (LP), L1 (LP) or L2 (QP,
    cvxpy + Clarabel) norm. ``r0`` need not lie in the box."""
    R = _check_set(R)
    norm = check_choice(norm, "norm", ("inf", "l1", "l2"))
    x = as_float_array(r0, "r0")
    if x.shape != R.reward_shape:
        raise ValueError(f"r0 has shape {x.shape}; expected {R.reward_shape}")
    if norm == "l2":
        return _project_l2(R, x)
    from scipy import sparse

    K_V, K_A = R.lifted
    M = sparse.hstack([K_V, -K_A]).tocsr()
    nv = M.shape[1]
    n = R.n
    lo, hi = R.box
    flat = x.reshape(-1)
    if norm == "inf":
        col = sparse.csr_matrix(np.ones((n, 1)))
        zero = sparse.csr_matrix((n, 1))
        A_ub = sparse.vstack([sparse.hstack([M, -col]), sparse.hstack([-M, -col]),
                              sparse.hstack([M, zero]), sparse.hstack([-M, zero])]).tocsr()
        c = np.zeros(nv + 1)
        c[-1] = 1.0
        extra = [(0.0, None)]
    else:
        eye = sparse.identity(n, format="csr")
        empty = sparse.csr_matrix((n, n))
        A_ub = sparse.vstack([sparse.hstack([M, -eye]), sparse.hstack([-M, -eye]),
                              sparse.hstack([M, empty]), sparse.hstack([-M, empty])]).tocsr()
        c = np.concatenate([np.zeros(nv), np.ones(n)])
        extra = [(0.0, None)] * n
    b_ub = np.concatenate([flat, -flat, np.full(n, hi), np.full(n, -lo)])
    res = _linprog(c, A_ub, b_ub, R.lp_bounds() + extra, f"project (norm={norm!r})")
    r = (M @ res.x[:nv]).reshape(R.reward_shape)
    direction = None
    if norm == "inf":
        marg = res.ineqlin.marginals
        # d t*/d r0 = (multipliers of r - t <= r0) - (multipliers of -r - t <= -r0)
        direction = (marg[:n] - marg[n:2 * n]).reshape(R.reward_shape)
        dist = float(np.abs(r - x).max())
    else:
        dist = float(np.abs(r - x).sum())
    return Projection(distance=dist, reward=r, norm=norm, direction=direction)


def _project_l2(R: FeasibleRewardSet, x: np.ndarray) -> Projection:
    try:
        import cvxpy as cp
    except ImportError as exc:  # pragma: no cover - cvxpy is a dependency
        raise ImportError("the L2 projection needs cvxpy (pip install cvxpy clarabel)") from exc
    K_V, K_A = R.lifted
    lo, hi = R.box
    v = cp.Variable(K_V.shape[1])
    ap = cp.Variable(K_A.shape[1], nonneg=True)
    r = K_V @ v - K_A @ ap
    prob = cp.Problem(cp.Minimize(cp.sum_squares(r - x.reshape(-1))), [r >= lo, r <= hi])
    prob.solve(solver="CLARABEL")
    if prob.status not in ("optimal", "optimal_inaccurate"):
        raise RuntimeError(f"project (norm='l2'): Clarabel returned {prob.status}")
    rr = np.asarray(K_V @ v.value - K_A @ ap.value).reshape(R.reward_shape)
    return Projection(distance=float(np.linalg.norm(rr - x)), reward=rr, norm="l2")


def distance(R: FeasibleRewardSet, r0: Any) -> float:
    """``dist_inf(r0, R) = min_{r in R} max_{h,s,a} |r - r0|`` (the LP of :func:`project`)."""
    return project(R, r0, "inf").distance
