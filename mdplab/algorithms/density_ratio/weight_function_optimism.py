"""GLOW: global optimism via weight-function realizability, sampled and population versions.

Source: [AFJSX24] P. Amortila, D. J. Foster, N. Jiang, A. Sekhari, T. Xie (2024). *Harnessing
Density Ratios for Online Reinforcement Learning.* arXiv:2401.09681 (v2, ICLR 2024),
Algorithm 1 and Theorems 3.1-3.2. The paper was read in full when the library planned this
family and re-read against a converted copy of arXiv v2; the constants below were found in
its text [G]. [D] marks what the library derived itself.

Algorithm 1, line 3 [G]: at iteration t, clip level gamma_t = gamma t, penalty
alpha_t = 8 / gamma_t and radius

    beta_t = kappa (36 gamma_t / (K (t - 1))) L,    L = ln(6 ``|F|`` ``|W|`` T H / delta)

(kappa = 1 is the paper; ``w_count`` stands for the ``|W|`` in L). f stays in F^(t) iff for
every layer h, ``max_{w in W_t} (E_D[wt_h hatDelta_h f] - alpha_t E_D[wt_h^2]) <= beta_t``
with wt = clip_{gamma_t}[w] (Eq. (4)) and D the K (t - 1) tuples of layer h collected so far;
f^(t) maximises the empirical initial value (1/m) sum_s N_0(s) max_a f_0(s, a) over F^(t).
At t = 1 (no data) every f is in F^(1) and every score is 0 (so the first member in
``order`` is played); an empty F^(t) falls back to the least-violating member. Both are
library conventions: the paper has F^(1) = F and an argmax over an empty average.

Weights: W_t is the W-path class of :func:`.weights.path_weights`, built from the exact
occupancies of the class's greedy policies and of the policies played so far. It is data-
dependent, so the fixed-class union bound of [AFJSX24] Lemma E.1 does not cover it:
``w_count`` (default 2|F|, the size of W-path) is a modelling choice recorded with the run.

Population GLOW (:func:`glow_population`) is the library's extension [D]:
exact expectations under bar d^(t) replace the empirical means, Delta replaces hatDelta, the
score is E_rho[max_a f_0] also at t = 1, and ``beta`` (default 0) replaces beta_t.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from ..._validation import as_rng, check_positive_int, check_real, check_unit_open
from ...coverage.potentials import potential_increments
from ...kernels.glow import glow_constraints
from ...kernels.glow_reference import glow_constraints_ref
from ...sampling.generative import GenerativeModel
from ...sampling.trajectories import rollout
from ..bounds import Bound
from .protocol import POPULATION_TOL, ClassSetup, OptimismResult
from .statistics import TupleStatistics
from .weights import clip_weights, path_weights

__all__ = [
    "glow",
    "glow_burn_in",
    "glow_explicit_regret_bound",
    "glow_theorem_parameters",
    "glow_constants",
    "glow_log",
    "glow_population",
    "glow_population_bound",
]


def glow_log(n_f: int, w_count: int, T: int, H: int, delta: float) -> float:
    """L = ln(6 ``|F|`` ``|W|`` T H / delta) of [AFJSX24] Algorithm 1 / Lemma E.1 [G]."""
    n_f, w_count, T, H = (check_positive_int(x, nm) for x, nm in
                          ((n_f, "n_f"), (w_count, "w_count"), (T, "T"), (H, "H")))
    delta = check_unit_open(delta, "delta")
    return math.log(6.0 * n_f * w_count * T * H / delta)


def glow_constants(t: int, gamma: float, K: int, L: float,
                   kappa: float = 1.0) -> tuple[float, float, float]:
    """(gamma_t, alpha_t, beta_t) at iteration t >= 2 ([AFJSX24] Algorithm 1, line 3 [G]):
    gamma_t = gamma t, alpha_t = 8 / gamma_t, beta_t = kappa 36 gamma_t L / (K (t - 1))."""
    t = check_positive_int(t, "t", minimum=2)
    gamma = check_real(gamma, "gamma", 0.0, math.inf, open_low=True)
    K = check_positive_int(K, "K")
    L = check_real(L, "L", 0.0, math.inf)
    kappa = check_real(kappa, "kappa", 0.0, math.inf)
    g_t = gamma * t
    return g_t, 8.0 / g_t, kappa * 36.0 * g_t * L / (K * (t - 1))


def glow_burn_in(K: int, L: float, kappa: float = 1.0) -> int:
    """The last iteration t at which nothing can be eliminated, whatever the data [D]:
    hatDelta <= 1 and wt >= 0 give a constraint value <= max_c (c - alpha_t c^2) =
    gamma_t / 32 <= beta_t iff K (t - 1) <= 1152 kappa L, so F^(t) = F for
    every t <= 1 + floor(1152 kappa L / K). Returns that t (infinite kappa L not allowed)."""
    K = check_positive_int(K, "K")
    L = check_real(L, "L", 0.0, math.inf)
    kappa = check_real(kappa, "kappa", 0.0, math.inf)
    return 1 + math.floor(1152.0 * kappa * L / K)


def glow_theorem_parameters(C_cov: float, T: int, n_f: int, n_w: int, H: int, delta: float,
                            *, pure: bool = False) -> dict:
    """The hyperparameters of [AFJSX24] Theorem 3.1 (mixture realizability, ``pure=False``):
    K = 1, gamma = sqrt(C_cov / (T log(``|F| |W|``/delta))); or Theorem 3.2 (pure realizability,
    on the enlarged class of Eq. (34)): gamma = sqrt(C_cov / T) and
    K = 2 T ln(6 ``|F| |W|`` H T / delta) (the K its proof uses) [G]. Both set gamma from C_cov,
    i.e. assume it known (the library computes it exactly). The theorems' T = Theta~(...) has
    unstated constants, so T is an argument."""
    C_cov = check_real(C_cov, "C_cov", 0.0, math.inf, open_low=True)
    T, n_f, n_w, H = (check_positive_int(x, nm) for x, nm in
                      ((T, "T"), (n_f, "n_f"), (n_w, "n_w"), (H, "H")))
    delta = check_unit_open(delta, "delta")
    if pure:
        K = math.ceil(2 * T * math.log(6.0 * n_f * n_w * H * T / delta))
        return {"gamma": math.sqrt(C_cov / T), "K": K, "theorem": "AFJSX24 Thm 3.2"}
    return {"gamma": math.sqrt(C_cov / (T * math.log(n_f * n_w / delta))), "K": 1,
            "theorem": "AFJSX24 Thm 3.1"}


def glow_explicit_regret_bound(T: int, K: int, C_cov: float, H: int, n_f: int, n_w: int,
                               delta: float, gamma: float | None = None) -> Bound:
    """The explicit-constant regret bound assembled from [AFJSX24] Eqs. (26), (29) and
    Lemma E.3 (in the form its proof gives) [D], w.p. >= 1 - delta:

        Reg(T) <= 1 + 2 sqrt(8 L T / K) + H [ (81/gamma) C_cov (1 + 4 ln(1+T))
                  + 720 gamma T L / K + gamma (1 + ln T) / 80 ],  L = ln(6 ``|F| |W|`` T H / delta)

    (80/gamma from the paper's term (A) plus 1/gamma from term (B), 10 beta_t per round with
    sum_{t>=2} beta_t <= 72 gamma T L / K, and a gamma/(80 t) term per round). ``gamma=None``
    minimises over gamma: a/gamma + b gamma is smallest at sqrt(a/b), where it is 2 sqrt(ab).
    A :class:`~mdplab.algorithms.bounds.Bound` whose trivial value is T (regret per iteration
    is at most 1 in normalised units): it is vacuous at every size a machine can run."""
    T, K, H, n_f, n_w = (check_positive_int(x, nm) for x, nm in
                         ((T, "T"), (K, "K"), (H, "H"), (n_f, "n_f"), (n_w, "n_w")))
    C_cov = check_real(C_cov, "C_cov", 0.0, math.inf, open_low=True)
    L = glow_log(n_f, n_w, T, H, delta)
    a = 81.0 * C_cov * (1.0 + 4.0 * math.log(1.0 + T))
    b = 720.0 * T * L / K + (1.0 + math.log(T)) / 80.0
    if gamma is None:
        inner = 2.0 * math.sqrt(a * b)
    else:
        gamma = check_real(gamma, "gamma", 0.0, math.inf, open_low=True)
        inner = a / gamma + b * gamma
    return Bound(1.0 + 2.0 * math.sqrt(8.0 * L * T / K) + H * inner, trivial=float(T))


def _glow_args(T, gamma, beta=None):
    T = check_positive_int(T, "T")
    gamma = check_real(gamma, "gamma", 0.0, math.inf, open_low=True)
    if beta is not None:
        beta = check_real(beta, "beta", 0.0, math.inf)
    return T, gamma, beta


class Pieces:
    """The replaceable parts of a GLOW run (the claims plant their bugs here):
    ``constants(t, gamma, K, L, kappa) -> (gamma_t, alpha_t, beta_t)``,
    ``weights(D, dbar, t) -> W (m, H, S, A)`` and ``next_values(F) -> (n, H, S)`` (the
    max_a' f_{h+1}(s', a') of the residual)."""

    def __init__(self, constants=None, weights=None, next_values=None) -> None:
        self.constants = constants or _constants_unchecked
        self.weights = weights or path_weights
        self.next_values = next_values or (lambda F: F.next_values())


#: Above this many multiply-adds per iteration (|F| |W| H S A) the constraint values are one
#: BLAS product per layer (the numpy reference), below it the numba kernel: measured in
#: benchmarks/glow.py (results/glow-2026-12-08.txt), the kernel is 1.5x to 3.5x faster up to
#: 2e6 multiply-adds and BLAS 1.9x to 2.6x faster from 8e6 on, on 2 cores.
BLAS_FROM = 4_000_000


def _constants_unchecked(t, gamma, K, L, kappa):
    g_t = gamma * t
    return g_t, 8.0 / g_t, kappa * 36.0 * g_t * L / (K * (t - 1))


def _constraints(setup: ClassSetup, X: np.ndarray, Y: np.ndarray, W: np.ndarray,
                 g_t: float, alpha: float) -> np.ndarray:
    """C (n, H) of Eq. (4): X = residual mass per cell (n, H, S, A), Y = penalty measure
    (H, S, A), W (m, H, S, A) clipped at g_t, penalty alpha."""
    n, H = setup.n, setup.H
    Z = setup.S * setup.A
    Wt = np.ascontiguousarray(clip_weights(W, g_t).reshape(-1, H, Z))
    Xc, Yc = np.ascontiguousarray(X.reshape(n, H, Z)), np.ascontiguousarray(Y.reshape(H, Z))
    if n * Wt.shape[0] * H * Z > BLAS_FROM:
        return glow_constraints_ref(Xc, Yc, Wt, alpha)
    return glow_constraints(Xc, Yc, Wt, alpha)


def glow(mdp: Any, F: Any, *, T: int, K: int, gamma: float = 1.0, delta: float = 0.1,
         w_count: int | None = None, kappa: float = 1.0, order: Any = None,
         rng: Any = None) -> OptimismResult:
    """GLOW ([AFJSX24] Algorithm 1) on a tabular model with a finite value class.

    Parameters
    ----------
    mdp : FiniteHorizonMDP with mean rewards in [0, 1] (sampled rewards follow its
        ``reward_dist``).
    F : :class:`~mdplab.algorithms.density_ratio.ValueClass`.
    T : iterations; K : episodes per iteration (Theorem 3.1 uses K = 1).
    gamma : clipping scale (gamma_t = gamma t); Theorem 3.1 sets
        gamma = sqrt(C_cov / (T log(``|F| |W|``/delta))).
    delta : failure probability in L.
    w_count : the ``|W|`` in L (default 2 ``|F|``, see the module docstring).
    kappa : multiplier on beta_t (1 = the paper; 0 keeps only the alpha penalty).
    order : tie-breaking order over F (a permutation; default the class's own).
    rng : seed or numpy Generator for the episodes.

    Returns
    -------
    OptimismResult with ``algorithm="glow"``; ``params`` holds L and the arguments.
    """
    return _glow_sampled(mdp, F, T=T, K=K, gamma=gamma, delta=delta, w_count=w_count,
                         kappa=kappa, order=order, rng=rng, pieces=Pieces())


def _glow_sampled(mdp, F, *, T, K, gamma, delta, w_count, kappa, order, rng,
                  pieces: Pieces) -> OptimismResult:
    setup = ClassSetup(mdp, F, order)
    T, gamma, _ = _glow_args(T, gamma)
    K = check_positive_int(K, "K")
    delta = check_unit_open(delta, "delta")
    w_count = 2 * setup.n if w_count is None else check_positive_int(w_count, "w_count")
    kappa = check_real(kappa, "kappa", 0.0, math.inf)
    L = glow_log(setup.n, w_count, T, setup.H, delta)
    gen = as_rng(rng)
    model = GenerativeModel(setup.mdp)
    H, n = setup.H, setup.n
    stats = TupleStatistics(H, setup.S, setup.A)
    values, nxt = F.values, pieces.next_values(F)
    init = F.values[:, 0].max(axis=2)                       # (n, S)
    alive = np.ones((T, n), dtype=bool)
    constraint = np.full((T, n, H), np.nan)
    radius = np.zeros(T)
    fallback = np.zeros(T, dtype=bool)
    chosen = []
    dsum = np.zeros((H, setup.S, setup.A))
    score = np.zeros(n)
    violation = np.zeros(n)
    t0 = time.perf_counter()
    for t in range(1, T + 1):
        if t >= 2:
            m = K * (t - 1)
            g_t, alpha, beta_t = pieces.constants(t, gamma, K, L, kappa)
            E = stats.residual_sums(values, nxt)
            W = pieces.weights(setup.D, dsum / (t - 1), t)
            C = _constraints(setup, E / m, stats.N / m, W, g_t, alpha)
            constraint[t - 1] = C
            radius[t - 1] = beta_t
            alive[t - 1] = (C <= beta_t).all(axis=1)
            score = init @ stats.N[0].sum(axis=1) / m
            violation = (C - beta_t).max(axis=1)
        i, fb = setup.choose(alive[t - 1], score, violation)
        chosen.append(i)
        fallback[t - 1] = fb
        pol = setup.policy_of[i]
        ep = rollout(model, setup.Pi[pol], K, rng=gen)
        stats.add_episodes(ep.states, ep.actions, ep.rewards, F.reward_scale)
        dsum += setup.D[pol]
    params = dict(T=T, K=K, gamma=gamma, delta=delta, w_count=w_count, kappa=kappa, L=L,
                  weights="path", seconds=time.perf_counter() - t0)
    return setup.result("glow", chosen, alive, constraint, radius, fallback,
                        setup.delta_max, params)


def glow_population(mdp: Any, F: Any, *, T: int, gamma: float = 1.0, beta: float = 0.0,
                    order: Any = None) -> OptimismResult:
    """Population GLOW (library extension [D]): Algorithm 1 with exact
    expectations under bar d^(t) (the mean occupancy of the policies played so far) in
    place of empirical means, Delta_h f in place of hatDelta_h f, the exact initial value
    E_rho[max_a f_0(s, a)] as score (also at t = 1), and radius ``beta`` (default 0; a
    value <= beta + 1e-12 is satisfied, for the round-off of Delta Q* = 0). Deterministic
    given F, the W-path weights and ``order``.
    """
    return _glow_population(mdp, F, T=T, gamma=gamma, beta=beta, order=order,
                            pieces=Pieces())


def _glow_population(mdp, F, *, T, gamma, beta, order, pieces: Pieces) -> OptimismResult:
    setup = ClassSetup(mdp, F, order)
    T, gamma, beta = _glow_args(T, gamma, beta)
    H, n = setup.H, setup.n
    Delta = _population_residuals(setup, pieces)
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
            dbar = dsum / (t - 1)
            g_t, alpha, _ = pieces.constants(t, gamma, 1, 0.0, 0.0)
            W = pieces.weights(setup.D, dbar, t)
            C = _constraints(setup, dbar[None] * Delta, dbar, W, g_t, alpha)
            constraint[t - 1] = C
            alive[t - 1] = (C <= beta + POPULATION_TOL).all(axis=1)
            violation = (C - beta).max(axis=1)
        i, fb = setup.choose(alive[t - 1], score, violation)
        chosen.append(i)
        fallback[t - 1] = fb
        dsum += setup.D[setup.policy_of[i]]
    params = dict(T=T, gamma=gamma, beta=beta, weights="path",
                  seconds=time.perf_counter() - t0)
    return setup.result("glow-population", chosen, alive, constraint, radius, fallback,
                        float(np.abs(Delta).max()), params)


def _population_residuals(setup: ClassSetup, pieces: Pieces) -> np.ndarray:
    """Delta_h f = f_h - reward_scale r_h - P_h max_a' f_{h+1} (n, H, S, A), with the
    ``next_values`` piece (the correct one gives :meth:`ValueClass.bellman_residuals`)."""
    F, mdp = setup.F, setup.mdp
    backup = np.einsum("hsat,nht->nhsa", mdp.P, pieces.next_values(F))
    return F.values - F.reward_scale * np.asarray(mdp.r)[None] - backup


def glow_population_bound(result: OptimismResult) -> tuple[np.ndarray, float]:
    """The library's bounds for population GLOW [D], for a run with W-path::

        J* - J(pi^(t)) <= sum_h [(8/gamma + Delta_max (1 + 1/gamma)) Phi_h^(t) + beta]  (t >= 2)
        Reg(T) <= 1 + (8/gamma + Delta_max (1 + 1/gamma)) sum_h C_h(Pi) (1 + 4 ln(1 + T))
                  + (T - 1) H beta

    Returns (per-iteration bounds (T,) with NaN at t = 1, the cumulative bound). Derived
    here from the proof of [AFJSX24] Lemma E.4 with the sampling error removed; not a
    statement of the paper.
    """
    if result.algorithm != "glow-population":
        raise ValueError(f"glow_population_bound is for glow_population runs, got "
                         f"{result.algorithm!r}")
    gamma = result.params["gamma"]
    beta = result.params["beta"]
    c = 8.0 / gamma + result.delta_max * (1.0 + 1.0 / gamma)
    Phi = potential_increments(result.occupancies)
    H = Phi.shape[1]
    per = c * Phi.sum(axis=1) + H * beta
    per[0] = np.nan
    T = result.T
    total = 1.0 + c * result.coverability_layers.sum() * (1.0 + 4.0 * math.log(1.0 + T)) + (
        (T - 1) * H * beta)
    return per, float(total)
