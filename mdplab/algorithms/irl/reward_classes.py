"""Feasible sets restricted to a linear reward class ``r = Phi theta``, and their Hausdorff
distance.

Source: Metelli, Lazzati & Restelli (2023), arXiv:2304.12966 [MLR23], Sec. 3.2 and App. C:
restricting the rewards to a smaller class can break the Lipschitz continuity of Theorem 3.2.
Example 3.1 (state-only rewards ``r_h(s)``): two models at L1 distance eps give state-only
feasible sets ``{r(s+) >= r(s-)}`` and ``{r(s+) <= r(s-)}``, at Hausdorff distance at least 1
for every eps > 0 (the paper states ``>= 1``; that it equals 1 is derived here: the box
centre lies in both sets). :func:`example_3_1` builds that instance; its action ``a2``
transition (1/2 to each of s+ and s-) was read off the paper's Fig. 1a.

Restricted set (deterministic expert, ``support="all"``):
``{theta : lo <= Phi theta <= hi, G_u Phi theta <= 0}`` with ``G_u`` the rows of the advantage
matrix on unplayed actions (``FeasibleRewardSet.advantage_matrix``; played rows are zero for a
deterministic expert). Distances are in the max-norm of the rewards ``Phi theta`` ([MLR23]
d_G). :func:`linear_class_hausdorff` is exact: the directed distance ``x -> dist(Phi x, Y)`` is
convex, so its maximum over the polytope X is at a vertex; the vertices are enumerated
(k-subsets of the distinct constraint rows, k = dim theta) and each distance is one HiGHS LP.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from ..._validation import as_float_array, check_positive_int, check_real
from .feasible_set import FeasibleRewardSet

__all__ = ["example_3_1", "linear_class_hausdorff", "state_only_features"]


def state_only_features(H: int, S: int, A: int) -> np.ndarray:
    """Phi (H, S, A, H S) of the state-only class ``r_h(s, a) = theta[h S + s]``."""
    H = check_positive_int(H, "H")
    S = check_positive_int(S, "S")
    A = check_positive_int(A, "A")
    Phi = np.zeros((H, S, A, H * S))
    for h in range(H):
        for s in range(S):
            Phi[h, s, :, h * S + s] = 1.0
    return Phi


def example_3_1(eps: float) -> tuple[FeasibleRewardSet, FeasibleRewardSet]:
    """[MLR23] Example 3.1: H = 2, states (s0, s+, s-) = (0, 1, 2), actions (a1, a2) = (0, 1),
    the expert plays a1. From s0, a1 reaches s+ with probability 1/2 + eps/4 under P and
    1/2 - eps/4 under P_hat (``||P - P_hat||_1 = eps``); a2 reaches s+ and s- with 1/2 each;
    s+ and s- are absorbing (s0 at step 1 too, unreachable). Returns (R(P), R(P_hat)),
    ``support="all"``, box [-1, 1]. ``0 < eps <= 2``."""
    eps = check_real(eps, "eps", 0.0, 2.0, open_low=True)
    sets = []
    for sign in (1.0, -1.0):
        P = np.zeros((2, 3, 2, 3))
        P[:, 0, 0] = [0.0, 0.5 + sign * eps / 4.0, 0.5 - sign * eps / 4.0]
        P[:, 0, 1] = [0.0, 0.5, 0.5]
        for s in (1, 2):
            P[:, s, :, s] = 1.0
        sets.append(FeasibleRewardSet(P, np.zeros((2, 3), dtype=int)))
    return sets[0], sets[1]


def _class_constraints(R: FeasibleRewardSet, Phi: np.ndarray):
    """(A_ub, b_ub) of the restricted set in theta, distinct nonzero rows only."""
    n, k = R.n, Phi.shape[-1]
    F = Phi.reshape(n, k)
    G = R.advantage_matrix()[~R.played.reshape(-1)] @ F
    lo, hi = R.box
    rows = np.vstack([G, F, -F])
    rhs = np.concatenate([np.zeros(G.shape[0]), np.full(n, hi), np.full(n, -lo)])
    keep = np.abs(rows).max(axis=1) > 1e-12
    both = np.unique(np.round(np.column_stack([rows[keep], rhs[keep]]), 12), axis=0)
    return both[:, :-1], both[:, -1]


_BLOCK = 20000  # k-subsets solved per batched call


def _vertices(A_ub, b_ub, k, max_subsets, hint="use a smaller class"):
    """The vertices (v, k) of ``{A_ub theta <= b_ub}``, by solving every k-subset of the rows
    (shared with :func:`~mdplab.algorithms.irl.hausdorff_exact`; ``hint`` ends the error)."""
    m = A_ub.shape[0]
    total = math.comb(m, k)
    if total > max_subsets:
        raise ValueError(f"vertex enumeration needs C({m}, {k}) = {total:,} linear solves; "
                         f"more than max_subsets = {max_subsets:,}: {hint}, or "
                         "raise max_subsets")
    found = []
    combos = itertools.combinations(range(m), k)
    while True:
        block = np.array(list(itertools.islice(combos, _BLOCK)))
        if block.size == 0:
            break
        M = A_ub[block]
        ok = np.abs(np.linalg.det(M)) > 1e-10
        if not ok.any():
            continue
        x = np.linalg.solve(M[ok], b_ub[block[ok]][..., None])[..., 0]
        feas = (A_ub @ x.T <= b_ub[:, None] + 1e-9).all(axis=0)
        found.append(x[feas])
    V = np.vstack(found) if found else np.empty((0, k))
    return np.unique(np.round(V, 10), axis=0)


def _distance(x_r, A_ub, b_ub, F):
    """min over theta in {A_ub theta <= b_ub} of max |F theta - x_r| (one LP)."""
    from scipy.optimize import linprog

    n, k = F.shape
    one = np.ones((n, 1))
    A = np.vstack([np.hstack([F, -one]), np.hstack([-F, -one]),
                   np.hstack([A_ub, np.zeros((A_ub.shape[0], 1))])])
    b = np.concatenate([x_r, -x_r, b_ub])
    c = np.zeros(k + 1)
    c[-1] = 1.0
    res = linprog(c, A_ub=A, b_ub=b, bounds=[(None, None)] * k + [(0.0, None)],
                  method="highs")
    if res.status != 0:
        raise RuntimeError(f"linear_class_hausdorff: HiGHS did not solve a distance LP "
                           f"({res.message}); the restricted set may be empty")
    return float(res.fun)


def linear_class_hausdorff(R1: FeasibleRewardSet, R2: FeasibleRewardSet, features: Any, *,
                           max_subsets: int = 2_000_000) -> float:
    """The exact max-norm Hausdorff distance between R1 and R2 restricted to the rewards
    ``r = Phi theta`` (module docstring), for deterministic experts and ``support="all"``.

    Parameters
    ----------
    R1, R2 : FeasibleRewardSet, same (H, S, A) and box.
    features : Phi (H, S, A, k), full column rank (so that the box bounds theta); e.g.
        :func:`state_only_features`.
    max_subsets : refuse enumerations larger than this many k x k solves.

    A restricted set is never empty: theta = 0 (the zero reward, feasible for every expert)
    is in it, and full rank makes it bounded, so it has vertices.
    """
    from .hausdorff import _compatible

    _compatible(R1, R2)
    for name, R in (("R1", R1), ("R2", R2)):
        if R.support != "all" or not R.deterministic:
            raise ValueError(f"linear_class_hausdorff enumerates vertices of sets with a "
                             f'deterministic expert and support="all"; {name} is {R!r}')
    Phi = as_float_array(features, "features", ndim=4)
    if Phi.shape[:3] != R1.reward_shape:
        raise ValueError(f"features has shape {Phi.shape}; expected (*{R1.reward_shape}, k)")
    k = Phi.shape[3]
    F = Phi.reshape(R1.n, k)
    if np.linalg.matrix_rank(F) < k:
        raise ValueError(f"features has rank {np.linalg.matrix_rank(F)} < k = {k}: drop the "
                         "dependent columns (the box would not bound theta)")
    limit = check_positive_int(max_subsets, "max_subsets")
    cons = [_class_constraints(R, Phi) for R in (R1, R2)]
    best = 0.0
    for (A_x, b_x), (A_y, b_y) in ((cons[0], cons[1]), (cons[1], cons[0])):
        for v in _vertices(A_x, b_x, k, limit):
            best = max(best, _distance(F @ v, A_y, b_y, F))
    return best
