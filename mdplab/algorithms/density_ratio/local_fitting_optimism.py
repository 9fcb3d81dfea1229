"""GOLF on a finite value class (G = F), sampled and population versions.

Source: C. Jin, Q. Liu, S. Miryoosefi (2021). *Bellman Eluder Dimension: New Rich Classes of
RL Problems, and Sample-Efficient Algorithms.* arXiv:2102.00815 (NeurIPS 2021) [JLM21],
Algorithm 1 (GOLF); analysed under coverability in T. Xie, D. J. Foster, Y. Bai, N. Jiang,
S. M. Kakade (2023), arXiv:2210.04157 [XFBJK23], Theorem 1. Neither full text could be read
when the library planned this family (the algorithm below is recalled, [R]); that GOLF's
coverability analysis needs Bellman completeness is confirmed in [AFJSX24] (arXiv:2401.09681)
Sec. 3.1 and App. A. The constant c in beta = c ln(T H ``|F|`` / delta) is unspecified in the
papers; the default c = 1 is the library's.

Algorithm ([R]): with L_h(g, f') = sum over the tuples (s, a, r, s') of layer h
of (g(s, a) - r - max_a' f'(s', a'))^2 (sums, not means),

    F^(t) = { f : L_h(f_h, f_{h+1}) - min_{g in F} L_h(g_h, f_{h+1}) <= beta for all h },

F^(1) = F, f^(t) maximises the empirical initial value over F^(t) (every score 0 at t = 1,
so ``order`` decides), pi^(t) = pi_{f^(t)} is played for K episodes (K = 1 in [JLM21]).
On tabular data ``sum_j (g(s_j, a_j) - y_j)^2 = sum_{s,a} N g^2 - 2 g Y1 + Y2`` with
Y1 = Rsum + Ntr V_f', Y2 = R2 + 2 Rtr V_f' + Ntr V_f'^2.

Population GOLF [D] (the library's extension): F^(t) = {f : E_{bar d_h^(t)}
[(Delta_h f)^2] <= beta for all h} (beta = 0 by default: zero Bellman error on the support
of the data), with exact initial values as scores. Its bound Reg(T) <= Delta_max
sum_h C_h(Pi) is the library's (each pair (h, s, a) is "new" at most once, and a
new pair costs at most Delta_max times its largest occupancy).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from ..._validation import as_rng, check_positive_int, check_real, check_unit_open
from ...sampling.generative import GenerativeModel
from ...sampling.trajectories import rollout
from .protocol import POPULATION_TOL, ClassSetup, OptimismResult
from .statistics import TupleStatistics

__all__ = ["excess_losses", "golf", "golf_beta", "golf_population", "golf_population_bound"]


def golf_beta(T: int, H: int, n_f: int, delta: float, c: float = 1.0) -> float:
    """beta = c ln(T H ``|F|`` / delta) ([JLM21] for a finite class with G = F, [R]; c is an
    unspecified absolute constant there, 1 by default here)."""
    T, H, n_f = (check_positive_int(x, nm) for x, nm in ((T, "T"), (H, "H"), (n_f, "n_f")))
    delta = check_unit_open(delta, "delta")
    c = check_real(c, "c", 0.0, math.inf)
    return c * math.log(T * H * n_f / delta)


def excess_losses(stats: TupleStatistics, values: np.ndarray,
                  next_values: np.ndarray) -> np.ndarray:
    """X[f, h] = L_h(f_h, f_{h+1}) - min_g L_h(g_h, f_{h+1}) (n, H) from the statistics."""
    n, H = values.shape[:2]
    out = np.empty((n, H))
    for h in range(H):
        Vn = next_values[:, h]                                   # (n, S): f_{h+1} per f'
        Y1 = stats.Rsum[h][..., None] + stats.Ntr[h] @ Vn.T      # (S, A, n)
        Y2 = (stats.R2[h][..., None] + 2.0 * (stats.Rtr[h] @ Vn.T)
              + stats.Ntr[h] @ (Vn * Vn).T)
        G = values[:, h]                                         # (n, S, A) candidates g
        quad = np.einsum("sa,gsa->g", stats.N[h], G * G)
        cross = np.einsum("gsa,saf->gf", G, Y1)
        loss = quad[:, None] - 2.0 * cross + Y2.sum(axis=(0, 1))[None, :]   # (g, f')
        out[:, h] = np.diag(loss) - loss.min(axis=0)
    return out


def golf(mdp: Any, F: Any, *, T: int, K: int = 1, beta: float | None = None,
         c: float = 1.0, delta: float = 0.1, order: Any = None,
         rng: Any = None) -> OptimismResult:
    """GOLF ([JLM21] Algorithm 1 with G = F; see the module docstring).

    Parameters
    ----------
    mdp, F : as for :func:`~mdplab.algorithms.density_ratio.glow`.
    T : iterations; K : episodes per iteration (default 1).
    beta : the radius; default :func:`golf_beta` (T, H, ``|F|``, delta, c).
    c, delta : the constant and failure probability of the default beta.
    order, rng : tie-breaking order over F; seed or Generator.
    """
    return _golf_sampled(mdp, F, T=T, K=K, beta=beta, c=c, delta=delta, order=order, rng=rng,
                         excess=excess_losses)


def _golf_sampled(mdp, F, *, T, K, beta, c, delta, order, rng, excess) -> OptimismResult:
    """GOLF with a replaceable ``excess(stats, values, next_values)`` (the claims plant
    their bugs there)."""
    setup = ClassSetup(mdp, F, order)
    T = check_positive_int(T, "T")
    K = check_positive_int(K, "K")
    if beta is None:
        beta = golf_beta(T, setup.H, setup.n, delta, c)
    beta = check_real(beta, "beta", 0.0, math.inf)
    gen = as_rng(rng)
    model = GenerativeModel(setup.mdp)
    H, n = setup.H, setup.n
    stats = TupleStatistics(H, setup.S, setup.A, squares=True)
    values, nxt = F.values, F.next_values()
    init = F.values[:, 0].max(axis=2)
    alive = np.ones((T, n), dtype=bool)
    constraint = np.full((T, n, H), np.nan)
    radius = np.zeros(T)
    fallback = np.zeros(T, dtype=bool)
    chosen = []
    score = np.zeros(n)
    violation = np.zeros(n)
    t0 = time.perf_counter()
    for t in range(1, T + 1):
        if t >= 2:
            X = excess(stats, values, nxt)
            constraint[t - 1] = X
            radius[t - 1] = beta
            alive[t - 1] = (X <= beta).all(axis=1)
            score = init @ stats.N[0].sum(axis=1) / (K * (t - 1))
            violation = (X - beta).max(axis=1)
        i, fb = setup.choose(alive[t - 1], score, violation)
        chosen.append(i)
        fallback[t - 1] = fb
        ep = rollout(model, setup.Pi[setup.policy_of[i]], K, rng=gen)
        stats.add_episodes(ep.states, ep.actions, ep.rewards, F.reward_scale)
    params = dict(T=T, K=K, beta=beta, c=c, delta=delta, seconds=time.perf_counter() - t0)
    return setup.result("golf", chosen, alive, constraint, radius, fallback,
                        setup.delta_max, params)


def golf_population(mdp: Any, F: Any, *, T: int, beta: float = 0.0,
                    order: Any = None) -> OptimismResult:
    """Population GOLF [D]: F^(t) = {f : E_{bar d_h^(t)}[(Delta_h f)^2] <= beta + 1e-12 for
    all h}, scores E_rho[max_a f_0] (see the module docstring)."""
    return _golf_population(mdp, F, T=T, beta=beta, order=order, loss=np.square,
                            residuals=lambda F_, m: F_.bellman_residuals(m))


def _golf_population(mdp, F, *, T, beta, order, loss, residuals) -> OptimismResult:
    """Population GOLF with a replaceable pointwise ``loss`` of Delta and ``residuals(F,
    mdp)`` (the claims plant their bugs there)."""
    setup = ClassSetup(mdp, F, order)
    T = check_positive_int(T, "T")
    beta = check_real(beta, "beta", 0.0, math.inf)
    H, n = setup.H, setup.n
    Delta = residuals(F, setup.mdp)
    sq = loss(Delta)
    score = F.initial_values(setup.mdp.rho)
    alive = np.ones((T, n), dtype=bool)
    constraint = np.full((T, n, H), np.nan)
    radius = np.full(T, beta)
    fallback = np.zeros(T, dtype=bool)
    chosen = []
    dsum = np.zeros((H, setup.S, setup.A))
    violation = np.zeros(n)
    t0 = time.perf_counter()
    for t in range(1, T + 1):
        if t >= 2:
            X = np.einsum("nhsa,hsa->nh", sq, dsum / (t - 1))
            constraint[t - 1] = X
            alive[t - 1] = (X <= beta + POPULATION_TOL).all(axis=1)
            violation = (X - beta).max(axis=1)
        i, fb = setup.choose(alive[t - 1], score, violation)
        chosen.append(i)
        fallback[t - 1] = fb
        dsum += setup.D[setup.policy_of[i]]
    params = dict(T=T, beta=beta, seconds=time.perf_counter() - t0)
    return setup.result("golf-population", chosen, alive, constraint, radius, fallback,
                        float(np.abs(Delta).max()), params)


def golf_population_bound(result: OptimismResult) -> float:
    """Reg(T) <= Delta_max sum_h C_h(Pi) for population GOLF with beta = 0 [D] (the
    library's derivation, not a paper's statement)."""
    if result.algorithm != "golf-population":
        raise ValueError(f"golf_population_bound is for golf_population runs, got "
                         f"{result.algorithm!r}")
    return float(result.delta_max * result.coverability_layers.sum())
