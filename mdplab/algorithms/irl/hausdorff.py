"""Hausdorff distance between feasible reward sets, as a certified bracket [lower, upper].

Source: Metelli, Lazzati & Restelli (2023), arXiv:2304.12966 [MLR23]: Eq. (1) defines
``H_d(X, Y) = max{ sup_{x in X} inf_{y in Y} d(x, y), sup_{y in Y} inf_{x in X} d(x, y) }``
with d the max-norm d_G (Sec. 4); Theorem 3.2 bounds it between the sets of (P, pi_E) and
(Phat, pihat_E) by ``2 rho / (1 + rho)`` with (0-indexed steps)::

    rho = max_{h,s,a} [ (H - h) |1{pi_E[h,s,a] = 0} - 1{pihat_E[h,s,a] = 0}|
                        + (H - h - 1) ||P[h,s,a,:] - Phat[h,s,a,:]||_1 ],

for rewards in [-1, 1] (the display was reconstructed from the proof, which applies Hölder
with ``|V_{h+1}| <= H - h`` and ``|A_h| <= H - h + 1`` in the paper's 1-indexed steps, and
footnote 7's ``2 rho/(1 + rho) <= 2 rho``; only which actions the expert plays matters).
For a box [lo, hi] every distance scales by (hi - lo) / 2.

Computing the distance exactly is the maximum of a convex function over a polytope (NP-hard
in general). :func:`hausdorff_bracket` returns

* a lower bound: for random Gaussian directions w, the support point x_w of one set and its
  L-infinity distance to the other (an LP), improved by ascent (w <- the distance LP's dual
  direction, x <- the support point for w; the distance never decreases), both ways;
* an upper bound: the smaller of Theorem 3.2's bound (sets with ``support="all"``) and the
  saturation value (hi - lo) / 2 (the box centre lies in every feasible set; derived here).

:func:`hausdorff_exact` enumerates the vertices of each set (tiny problems only) and takes the
largest distance from a vertex to the other set, which is the directed distance (a convex
function of x attains its maximum over a polytope at a vertex).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..._validation import as_rng, check_positive_int
from ..bounds import Bound
from .feasible_set import FeasibleRewardSet
from .reward_classes import _vertices as _enumerate_vertices
from .set_operations import _check_set, project, support_value

__all__ = ["HausdorffBracket", "hausdorff_bracket", "hausdorff_exact", "lipschitz_bound",
           "lipschitz_rho"]


def _compatible(R1: FeasibleRewardSet, R2: FeasibleRewardSet) -> None:
    _check_set(R1, "R1")
    _check_set(R2, "R2")
    if type(R1) is not type(R2) or R1.reward_shape != R2.reward_shape:
        raise ValueError(f"the sets live in different spaces: {R1!r} and {R2!r}")
    if getattr(R1, "gamma", None) != getattr(R2, "gamma", None):
        raise ValueError(f"the sets have different discounts {R1.gamma} and {R2.gamma}")
    if R1.box != R2.box:
        raise ValueError(f"the sets have different boxes {R1.box} and {R2.box}; a Hausdorff "
                         "distance compares sets of the same reward box")


def lipschitz_rho(R1: FeasibleRewardSet, R2: FeasibleRewardSet) -> float:
    """rho of [MLR23] Theorem 3.2 (module docstring) between the problems of two sets."""
    _compatible(R1, R2)
    if not isinstance(R1, FeasibleRewardSet):
        raise TypeError("lipschitz_rho is [MLR23] Theorem 3.2, for finite-horizon sets "
                        f"(FeasibleRewardSet); got {type(R1).__name__}")
    H = R1.H
    left = (H - np.arange(H, dtype=float))[:, None, None]
    flip = (R1.played != R2.played).astype(float)
    l1 = np.abs(R1.P - R2.P).sum(axis=3)
    return float((left * flip + (left - 1.0) * l1).max())


def lipschitz_bound(R1: FeasibleRewardSet, R2: FeasibleRewardSet) -> Bound:
    """[MLR23] Theorem 3.2: ``H_{d_G}(R1, R2) <= (hi - lo)/2 * 2 rho / (1 + rho)``, as a
    :class:`~mdplab.algorithms.bounds.Bound` whose trivial value is (hi - lo) / 2 (the
    largest Hausdorff distance two feasible sets can have). Both sets need ``support="all"``
    (the theorem's setting, a generative model)."""
    _compatible(R1, R2)
    if not isinstance(R1, FeasibleRewardSet):
        raise TypeError("lipschitz_bound is [MLR23] Theorem 3.2, for finite-horizon sets "
                        f"(FeasibleRewardSet); got {type(R1).__name__}")
    if R1.support != "all" or R2.support != "all":
        raise ValueError('lipschitz_bound is [MLR23] Theorem 3.2, for support="all" sets; '
                         'the on-support sets have no such bound')
    rho = lipschitz_rho(R1, R2)
    half = R1.half_width
    return Bound(half * 2.0 * rho / (1.0 + rho), trivial=half)


@dataclass(frozen=True)
class HausdorffBracket:
    """``lower <= H_{d_G}(R1, R2) <= upper``.

    lower : max of the two directed lower bounds ``lower_12`` (sup over R1 of the distance to
    R2) and ``lower_21``; upper : min of ``lipschitz`` (None when a set is on-support) and
    ``saturation`` = (hi - lo)/2; n_directions, ascent_steps : the search; lp_solves : LPs run.
    """

    lower: float
    upper: float
    lower_12: float
    lower_21: float
    lipschitz: float | None
    saturation: float
    n_directions: int
    ascent_steps: int
    lp_solves: int

    @property
    def width(self) -> float:
        return self.upper - self.lower


def _directed_lower(X, Y, ws, ascent_steps):
    best, solves = 0.0, 0
    for w in ws:
        _, x = support_value(X, w)
        proj = project(Y, x, "inf")
        solves += 2
        d = proj.distance
        for _ in range(ascent_steps):
            direction = proj.direction
            if direction is None or not np.any(direction):
                break
            _, x = support_value(X, direction)
            proj = project(Y, x, "inf")
            solves += 2
            if proj.distance <= d + 1e-12:
                d = max(d, proj.distance)
                break
            d = proj.distance
        best = max(best, d)
    return best, solves


def hausdorff_bracket(R1: FeasibleRewardSet, R2: FeasibleRewardSet, *, n_directions: int = 50,
                      ascent_steps: int = 3, rng: Any = None) -> HausdorffBracket:
    """A certified bracket on the max-norm Hausdorff distance between two feasible sets.

    Parameters
    ----------
    R1, R2 : FeasibleRewardSet, same (H, S, A) and box.
    n_directions : random Gaussian directions per side (the lower bound's search; more
        directions, a higher lower bound; 50 found the exact value on 7 of 8 random
        H = S = A = 2 instances in the library's tests).
    ascent_steps : ascent steps per direction (0: plain random directions).
    rng : seed or Generator for the directions.

    Cost: about 2 n_directions (1 + ascent_steps) LPs per side.
    """
    _compatible(R1, R2)
    k = check_positive_int(n_directions, "n_directions")
    steps = check_positive_int(ascent_steps, "ascent_steps", 0)
    gen = as_rng(rng)
    shape = R1.reward_shape
    ws1 = gen.standard_normal((k,) + shape)
    ws2 = gen.standard_normal((k,) + shape)
    l12, s12 = _directed_lower(R1, R2, ws1, steps)
    l21, s21 = _directed_lower(R2, R1, ws2, steps)
    sat = R1.half_width
    lip = None
    upper = sat
    if isinstance(R1, FeasibleRewardSet) and R1.support == "all" and R2.support == "all":
        lip = float(lipschitz_bound(R1, R2))
        upper = min(upper, lip)
    lower = min(max(l12, l21), upper)
    return HausdorffBracket(lower=lower, upper=upper, lower_12=l12, lower_21=l21,
                            lipschitz=lip, saturation=sat, n_directions=k, ascent_steps=steps,
                            lp_solves=s12 + s21)


def _vertices(R: FeasibleRewardSet, max_subsets: int) -> np.ndarray:
    """Vertices of {lo <= r <= hi, Adv_unplayed(r) <= 0} (deterministic expert, support
    "all"), by enumerating n-subsets of the constraint rows."""
    n = R.n
    G = R.advantage_matrix()
    rows_u = G[~R.played.reshape(-1)]
    lo, hi = R.box
    A_all = np.vstack([rows_u, np.eye(n), -np.eye(n)])
    b_all = np.concatenate([np.zeros(rows_u.shape[0]), np.full(n, hi), np.full(n, -lo)])
    V = _enumerate_vertices(A_all, b_all, n, max_subsets, hint="use hausdorff_bracket")
    return V.reshape(-1, R.H, R.S, R.A)


def hausdorff_exact(R1: FeasibleRewardSet, R2: FeasibleRewardSet, *,
                    max_subsets: int = 2_000_000) -> float:
    """The exact max-norm Hausdorff distance, by vertex enumeration (deterministic experts,
    ``support="all"``, tiny problems: H S A = 8 with A = 2 takes C(20, 8) = 125,970 solves).

    ``max(max_{x in vert R1} dist(x, R2), max_{y in vert R2} dist(y, R1))``."""
    _compatible(R1, R2)
    for name, R in (("R1", R1), ("R2", R2)):
        if R.support != "all" or not R.deterministic:
            raise ValueError(f"hausdorff_exact enumerates vertices of sets with a "
                             f'deterministic expert and support="all"; {name} is {R!r}')
    best = 0.0
    for X, Y in ((R1, R2), (R2, R1)):
        for v in _vertices(X, max_subsets):
            best = max(best, project(Y, v, "inf").distance)
    return best
