"""HyGLOW: the H2O reduction with MABO.CR as its offline algorithm (hybrid RL).

Source: [AFJSX24] P. Amortila, D. J. Foster, N. Jiang, A. Sekhari, T. Xie (2024),
arXiv:2401.09681, Sec. 4: Algorithm 2 (H2O), Eq. (13) (MABO.CR), Algorithm 3 (HyGLOW),
Corollary 4.1, Theorems 4.1 / F.1 / F.6 [G].

H2O (Algorithm 2): at iteration t the offline algorithm sees D_hybrid^(t), the first t-1
offline tuples of every layer (drawn from nu_h: (s, a) ~ nu_h, r ~ R_h, s' ~ P_h) and the t-1
online tuples collected so far; the policy it returns is played once. The data distribution
of D_hybrid^(t) is mu^(t) = (nu + bar d^(t)) / 2 with bar d^(t) over the iterations i < t
(the convention of the proof of Theorem F.6; the statement prints i <= t).

MABO.CR inside HyGLOW (Eq. (13)-(14), Algorithm 3):
``hat f in argmin_f max_{w in bar W} sum_h (|hatE_h[wt_h hatDelta_h f]| - alpha_t hatE_h[wt_h^2])``
with wt = clip_{gamma t}[w] and alpha_t = 8/(gamma t) (Algorithm 3 clips at gamma t although
the hybrid data hold 2(t-1) tuples per layer; followed here), bar W = W u -W u the single-layer
members W^(h) u -W^(h) (Eq. (38)). The absolute value makes -W and W alike, so the objective
is ``max(max_w sum_h g_h(f, w), max_{h, w} g_h(f, w))`` (:func:`mdplab.kernels.mabo_objective`).
Ties of the argmin go to the first member in ``order``; at t = 1 (no data) ``order[0]``.
W is W-hybrid: {d^pi / mu^(t) : pi in Pi} ([AFJSX24] Corollary 4.1's realizability).

Population HyGLOW [D] (the library's extension): exact expectations under mu^(t) and Delta in
place of hatDelta. If W_t contains d^pi / mu^(t) for pi in {pi*, pi^(t)} then for t >= 2

    J* - J(pi^(t)) <= sum_h ((16 + 4 Delta_max) / (gamma t)) [CC_h(pi*, mu^(t), gamma t)
                                                            + CC_h(pi^(t), mu^(t), gamma t)]

(:func:`hyglow_population_bound`; derived from Lemmas F.2-F.5, CC_h of Definition 4.2).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from ..._validation import as_float_array, as_rng, check_positive_int, check_real
from ...coverage.density_ratios import clipped_concentrability_cc
from ...kernels.glow import mabo_objective
from ...planning.finite_horizon import backward_induction, occupancy_measure
from ...sampling.generative import GenerativeModel
from ...sampling.trajectories import rollout
from ..bounds import Bound
from .protocol import SCORE_TIE, ClassSetup, OptimismResult
from .statistics import TupleStatistics
from .weights import clip_weights, hybrid_weights

__all__ = [
    "h2o_risk_bound",
    "hyglow",
    "hyglow_population",
    "hyglow_population_bound",
    "mabo_constants",
    "offline_tuples",
]


def _check_nu(nu: Any, shape: tuple[int, int, int]) -> np.ndarray:
    nu = as_float_array(nu, "nu", ndim=3)
    if nu.shape != shape:
        raise ValueError(f"nu has shape {nu.shape}; expected (H, S, A) = {shape}")
    if (nu < 0).any():
        idx = tuple(int(i) for i in np.argwhere(nu < 0)[0])
        raise ValueError(f"nu{list(idx)} is {nu[idx]:.6g}; nu must be >= 0")
    sums = nu.sum(axis=(1, 2))
    bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-9)
    if bad.size:
        raise ValueError(f"nu[{bad[0]}] sums to {sums[bad[0]]:.6f}; each layer of nu must be a "
                         "distribution over (s, a) (tolerance 1e-9)")
    return nu


def offline_tuples(mdp: Any, nu: Any, n: int, rng: Any = None) -> dict[str, np.ndarray]:
    """n i.i.d. tuples per layer from nu (the hybrid protocol's D_off, [AFJSX24] Sec. 4):
    (s, a) ~ nu_h, r from the model's reward distribution, s' ~ P_h(.|s, a). Returns arrays
    ``s, a, r, s_next`` of shape (n, H), drawn layer by layer in that order."""
    from ...models.finite_horizon import FiniteHorizonMDP

    if not isinstance(mdp, FiniteHorizonMDP):
        raise TypeError(f"mdp must be a FiniteHorizonMDP, got {type(mdp).__name__}")
    H, S, A = mdp.shape
    nu = _check_nu(nu, (H, S, A))
    n = check_positive_int(n, "n", minimum=0)
    gen = as_rng(rng)
    model = GenerativeModel(mdp)
    s = np.empty((n, H), dtype=np.int64)
    a = np.empty((n, H), dtype=np.int64)
    r = np.empty((n, H))
    s2 = np.empty((n, H), dtype=np.int64)
    for h in range(H):
        cells = gen.choice(S * A, size=n, p=nu[h].reshape(-1) / nu[h].sum())
        s[:, h], a[:, h] = np.divmod(cells, A)
        r[:, h] = mdp.reward_dist.sample(np.asarray(mdp.r)[h, s[:, h], a[:, h]], gen)
        s2[:, h] = model.next_states(s[:, h], a[:, h], gen, h=h)
    return {"s": s, "a": a, "r": r, "s_next": s2}


def _argmin(setup: ClassSetup, obj: np.ndarray) -> tuple[int, np.ndarray]:
    cand = obj <= obj.min() + SCORE_TIE
    idx = np.flatnonzero(cand)
    return int(idx[np.argmin(setup.rank[idx])]), cand


def _objective(setup: ClassSetup, X: np.ndarray, Y: np.ndarray, mu: np.ndarray,
               t: int, gamma: float) -> np.ndarray:
    n, H = setup.n, setup.H
    Z = setup.S * setup.A
    g_t = gamma * t
    Wt = clip_weights(hybrid_weights(setup.D, mu), g_t)
    return mabo_objective(np.ascontiguousarray(X.reshape(n, H, Z)),
                          np.ascontiguousarray(Y.reshape(H, Z)),
                          np.ascontiguousarray(Wt.reshape(-1, H, Z)), 8.0 / g_t)


def hyglow(mdp: Any, F: Any, *, T: int, nu: Any, gamma: float = 1.0, order: Any = None,
           rng: Any = None) -> OptimismResult:
    """HyGLOW ([AFJSX24] Algorithm 3): H2O with MABO.CR, one online episode per iteration,
    T offline tuples per layer drawn from ``nu`` (H, S, A) up front (see the module
    docstring). ``rng`` drives the offline draws first, then the episodes."""
    setup = ClassSetup(mdp, F, order)
    T = check_positive_int(T, "T")
    gamma = check_real(gamma, "gamma", 0.0, math.inf, open_low=True)
    nu = _check_nu(nu, (setup.H, setup.S, setup.A))
    gen = as_rng(rng)
    off = offline_tuples(setup.mdp, nu, T, gen)
    model = GenerativeModel(setup.mdp)
    H, n = setup.H, setup.n
    stats = TupleStatistics(H, setup.S, setup.A)
    values, nxt = F.values, F.next_values()
    alive = np.zeros((T, n), dtype=bool)
    objective = np.full((T, n), np.nan)
    chosen = []
    dsum = np.zeros((H, setup.S, setup.A))
    layers = np.arange(H)
    t0 = time.perf_counter()
    for t in range(1, T + 1):
        if t == 1:
            i = int(setup.order[0])
            alive[0] = True
        else:
            j = t - 2                                  # the offline tuple joining now
            stats.add_tuples(layers, off["s"][j], off["a"][j], off["r"][j], off["s_next"][j],
                             F.reward_scale)
            m = 2 * (t - 1)
            mu = _mixture(nu, dsum / (t - 1))
            E = stats.residual_sums(values, nxt)
            obj = _objective(setup, E / m, stats.N / m, mu, t, gamma)
            objective[t - 1] = obj
            i, alive[t - 1] = _argmin(setup, obj)
        chosen.append(i)
        pol = setup.policy_of[i]
        ep = rollout(model, setup.Pi[pol], 1, rng=gen)
        stats.add_episodes(ep.states, ep.actions, ep.rewards, F.reward_scale)
        dsum += setup.D[pol]
    params = dict(T=T, gamma=gamma, weights="hybrid", seconds=time.perf_counter() - t0)
    return setup.result("hyglow", chosen, alive, np.full((T, n, H), np.nan), np.zeros(T),
                        np.zeros(T, dtype=bool), setup.delta_max, params,
                        objective=objective)


def hyglow_population(mdp: Any, F: Any, *, T: int, nu: Any, gamma: float = 1.0,
                      order: Any = None) -> OptimismResult:
    """Population HyGLOW [D]: MABO.CR with exact expectations under mu^(t) = (nu + bar
    d^(t)) / 2 and Delta in place of hatDelta; ``order[0]`` at t = 1. Deterministic."""
    return _hyglow_population(mdp, F, T=T, nu=nu, gamma=gamma, order=order,
                              objective=_objective, mixture=_mixture)


def _mixture(nu: np.ndarray, dbar: np.ndarray) -> np.ndarray:
    """mu^(t) = (nu + bar d^(t)) / 2, the data distribution of D_hybrid^(t)."""
    return 0.5 * (nu + dbar)


def _hyglow_population(mdp, F, *, T, nu, gamma, order, objective, mixture) -> OptimismResult:
    """Population HyGLOW with replaceable ``objective`` and ``mixture`` (the claims plant
    their bugs there)."""
    setup = ClassSetup(mdp, F, order)
    T = check_positive_int(T, "T")
    gamma = check_real(gamma, "gamma", 0.0, math.inf, open_low=True)
    nu = _check_nu(nu, (setup.H, setup.S, setup.A))
    H, n = setup.H, setup.n
    Delta = F.bellman_residuals(setup.mdp)
    alive = np.zeros((T, n), dtype=bool)
    table = np.full((T, n), np.nan)
    chosen = []
    dsum = np.zeros((H, setup.S, setup.A))
    t0 = time.perf_counter()
    for t in range(1, T + 1):
        if t == 1:
            i = int(setup.order[0])
            alive[0] = True
        else:
            mu = mixture(nu, dsum / (t - 1))
            obj = objective(setup, mu[None] * Delta, mu, mu, t, gamma)
            table[t - 1] = obj
            i, alive[t - 1] = _argmin(setup, obj)
        chosen.append(i)
        dsum += setup.D[setup.policy_of[i]]
    params = dict(T=T, gamma=gamma, weights="hybrid", seconds=time.perf_counter() - t0)
    res = setup.result("hyglow-population", chosen, alive, np.full((T, n, H), np.nan),
                       np.zeros(T), np.zeros(T, dtype=bool), float(np.abs(Delta).max()),
                       params, objective=table)
    object.__setattr__(res, "params", dict(params, nu=nu))
    return res


def hyglow_population_bound(result: OptimismResult, mdp: Any) -> np.ndarray:
    """The per-iteration bound of population HyGLOW [D] (module docstring), shape (T,), NaN
    at t = 1; ``mdp`` is the model of the run (for d^{pi*})."""
    if result.algorithm != "hyglow-population":
        raise ValueError(f"hyglow_population_bound is for hyglow_population runs, got "
                         f"{result.algorithm!r}")
    nu = result.params["nu"]
    gamma = result.params["gamma"]
    d_star = occupancy_measure(mdp, backward_induction(mdp).policy)
    T = result.T
    out = np.full(T, np.nan)
    dsum = np.cumsum(result.occupancies, axis=0)
    for t in range(2, T + 1):
        mu = _mixture(nu, dsum[t - 2] / (t - 1))
        level = gamma * t
        cc = (clipped_concentrability_cc(d_star, mu, level)
              + clipped_concentrability_cc(result.occupancies[t - 1], mu, level))
        out[t - 1] = float(((16.0 + 4.0 * result.delta_max) / level) * np.sum(cc))
    return out


def mabo_constants(gamma: float, H: int, n_f: int, n_w: int, delta: float) -> tuple[float, float]:
    """(a_gamma, b_gamma) of MABO.CR's CC-boundedness ([AFJSX24] Theorem F.1 = Thm 4.2 [G]):
    a_gamma = 40 / gamma, b_gamma = 56 H^2 gamma log(24 ``|F| |W|`` H^2 / delta)."""
    gamma = check_real(gamma, "gamma", 0.0, math.inf, open_low=True)
    H, n_f, n_w = (check_positive_int(x, nm) for x, nm in ((H, "H"), (n_f, "n_f"), (n_w, "n_w")))
    from ..._validation import check_unit_open

    delta = check_unit_open(delta, "delta")
    return 40.0 / gamma, 56.0 * H * H * gamma * math.log(24.0 * n_f * n_w * H * H / delta)


def h2o_risk_bound(T: int, H: int, C_cov: float, C_star: float, gamma: float, n_f: int,
                   n_w: int, delta: float) -> Bound:
    """H2O with MABO.CR under C_star-single-policy concentrability ([AFJSX24] Theorem F.6 /
    Thm 4.1 [G], with the constants of Theorem F.1), w.p. >= 1 - delta T, for T >= 2:

        Risk <= (H a_gamma / T) (6 C_star log T + 4 C_cov (gamma + 10 log T + 1)) + H b_gamma.

    The proof's step sum_{t<=T} 1/t <= 3 log T fails at T = 1, hence T >= 2 (the paper's
    Corollary F.1 writes 8 log T where Theorem F.6 has 10 log T; F.6's is used). A
    :class:`~mdplab.algorithms.bounds.Bound` whose trivial value is 1 (risk in normalised
    units)."""
    T = check_positive_int(T, "T", minimum=2)
    C_cov = check_real(C_cov, "C_cov", 0.0, math.inf, open_low=True)
    C_star = check_real(C_star, "C_star", 1.0, math.inf)
    a, b = mabo_constants(gamma, H, n_f, n_w, delta)
    L = math.log(T)
    value = (H * a / T) * (6.0 * C_star * L + 4.0 * C_cov * (gamma + 10.0 * L + 1.0)) + H * b
    return Bound(value, trivial=1.0)
