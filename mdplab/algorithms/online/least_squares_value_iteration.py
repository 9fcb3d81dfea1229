"""LSVI-UCB: optimistic least-squares value iteration for linear MDPs, with exact regret.

Source: C. Jin, Z. Yang, Z. Wang and M. I. Jordan (2020), "Provably efficient reinforcement
learning with linear function approximation", COLT 2020, arXiv:1907.05388 (v2). Algorithm 1
(LSVI-UCB), Theorem 3.1 (regret), Lemma B.3 (the self-normalised good event), Lemma D.1 and
eqs. (17)-(18) of the proof of Theorem 3.1 (the elliptical potential sums).

What was checked against the paper's text (the library's design notes,
from a full-text transcription of arXiv v2; re-searched for this module, see the notes of
:func:`lsvi_ucb_regret_bound`): lambda = 1, beta = c d H sqrt(iota) with iota = log(2 d T / p),
T = K H; the Q estimate ``min(w^T phi + beta ||phi||_{Lam^{-1}}, H)`` clipped from above only;
Theorem 3.1: with probability >= 1 - p, Regret(K) <= C sqrt(d^3 H^3 T iota^2) with absolute
constants c, C that the paper does not give numerically. Lemma B.3 and eqs. (17)-(18) were
checked only through a secondary formalisation citing arXiv v2 pp. 17, 20.

Steps are numbered from 0 (the paper's step h is step h - 1 here; V_{H+1} = 0 is V[H] = 0).
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..._validation import (
    RngLike,
    as_rng,
    check_bool,
    check_choice,
    check_positive_int,
    check_real,
    check_unit_open,
)
from ...models.finite_horizon import FiniteHorizonMDP
from ...models.linear import LinearMDP
from ...models.rewards import Bernoulli, Deterministic
from ..bounds import Bound
from .protocol import OnlineResult

__all__ = ["lsvi_ucb", "lsvi_ucb_beta", "lsvi_ucb_regret_bound"]

#: largest tolerated feature norm above 1 (round-off of simplex features)
_NORM_TOL = 1e-12


def _iota(d: int, H: int, K: int, p: float) -> float:
    return math.log(2.0 * d * K * H / p)


def lsvi_ucb_beta(d: int, H: int, K: int, p: float = 0.05, c_beta: float = 1.0) -> float:
    """The bonus coefficient of LSVI-UCB, ``beta = c_beta * d * H * sqrt(iota)``.

    ``iota = log(2 d T / p)``, ``T = K H`` (Jin, Yang, Wang & Jordan 2020, arXiv:1907.05388,
    Theorem 3.1, where ``c_beta`` is an unspecified absolute constant "c"; the library's
    default 1.0 keeps the paper's shape).

    Parameters
    ----------
    d, H, K : feature dimension, horizon and number of episodes (ints >= 1)
    p : failure probability in (0, 1)
    c_beta : constant >= 0 (0 gives greedy least-squares value iteration)
    """
    d = check_positive_int(d, "d")
    H = check_positive_int(H, "H")
    K = check_positive_int(K, "K")
    p = check_unit_open(p, "p")
    c_beta = check_real(c_beta, "c_beta", 0.0)
    return c_beta * d * H * math.sqrt(_iota(d, H, K, p))


def lsvi_ucb_regret_bound(d: int, H: int, K: int, p: float = 0.05, C: float = 1.0) -> Bound:
    """Theorem 3.1 of Jin, Yang, Wang & Jordan (2020): ``C sqrt(d^3 H^3 T iota^2)``.

    With lambda = 1 and beta = c d H sqrt(iota), for absolute constants c and C, with
    probability at least ``1 - p`` the regret after K episodes is at most
    ``C * sqrt(d^3 H^3 T iota^2)``, ``T = K H``, ``iota = log(2 d T / p)``
    (arXiv:1907.05388 v2, Theorem 3.1). **C is not given in the paper**: this function takes it
    as an argument (default 1.0, i.e. the bound's shape).

    Returns
    -------
    Bound
        The value, flagged vacuous when it is at least ``K * H`` (the largest regret any
        algorithm can have with rewards in [0, 1]). With C >= 1 it is vacuous whenever
        ``K <= d^3 H iota^2``, e.g. d = H = 4, K = 4000, p = 0.05: 1.19e5 >= 1.6e4.

    Notes
    -----
    Paper text: the library's transcription of arXiv v2 gives Theorem 3.1 as above. A
    search made for this module found no copy of the paper itself, but a public secondary
    formalisation (Lean statements at prove2.me citing arXiv v2) states the same: Theorem 3.1
    (p. 6): lambda = 1, beta = c d H sqrt(iota), iota = log(2dT/p), Regret(K) <=
    C sqrt(d^3 H^3 T iota^2) with probability 1 - p, c and C absolute and unspecified;
    Algorithm 1: Q_h = min{w_h^T phi + beta (phi^T Lam_h^{-1} phi)^{1/2}, H}; Lemma B.3
    (p. 17): the event with chi = log[2 (c_beta + 1) d T / p], probability >= 1 - p/2;
    eqs. (17)-(18) (p. 20): sum_k ||phi_h^k||^2 <= 2 d log(1 + K) <= 2 d iota and
    sum_{k,h} ||phi_h^k|| <= H sqrt(2 d K iota), with Lam_h^k = I + sum_{tau<k} phi phi^T.
    """
    d = check_positive_int(d, "d")
    H = check_positive_int(H, "H")
    K = check_positive_int(K, "K")
    p = check_unit_open(p, "p")
    C = check_real(C, "C", 0.0, open_low=True)
    T = K * H
    iota = _iota(d, H, K, p)
    return Bound(C * math.sqrt(d ** 3 * H ** 3 * T * iota ** 2), trivial=float(K * H))


def _cdf_rows(P: np.ndarray) -> np.ndarray:
    """Row CDFs for inverse-CDF sampling: cumulative sums, set to exactly 1.0 from each row's
    last positive entry on (so a zero-probability state can never be drawn)."""
    cdf = np.cumsum(P, axis=-1)
    pos = P > 0
    last = P.shape[-1] - 1 - np.argmax(pos[..., ::-1], axis=-1)
    cols = np.arange(P.shape[-1])
    cdf[cols >= last[..., None]] = 1.0
    return np.ascontiguousarray(cdf)


def _as_linear(model: object) -> tuple[LinearMDP, bool]:
    if isinstance(model, LinearMDP):
        return model, False
    if isinstance(model, FiniteHorizonMDP):
        return LinearMDP.from_tabular(model), True
    raise TypeError(
        f"model must be a LinearMDP or a FiniteHorizonMDP (converted with one-hot features), "
        f"got {type(model).__name__}"
    )


def _prepare(model, K, c_beta, p):
    """Validated arrays of one run (shared by the numba and numpy backends)."""
    lin, converted = _as_linear(model)
    if isinstance(lin.reward_dist, Bernoulli):
        bernoulli = True
    elif isinstance(lin.reward_dist, Deterministic):
        bernoulli = False
    else:
        raise ValueError(
            f"model.reward_dist is {lin.reward_dist.name!r}; LSVI-UCB samples deterministic or "
            "Bernoulli rewards: rebuild the model with reward_dist='bernoulli' or "
            "'deterministic'"
        )
    H, d = lin.H, lin.d
    phi = np.ascontiguousarray(np.stack([lin.features(h) for h in range(H)]), dtype=np.float64)
    norms = np.sqrt(np.einsum("hsai,hsai->hsa", phi, phi))
    if norms.max() > 1.0 + _NORM_TOL:
        idx = tuple(int(i) for i in np.unravel_index(np.argmax(norms), norms.shape))
        raise ValueError(
            f"phi[h={idx[0]}, s={idx[1]}, a={idx[2]}] has norm {norms[idx]:.6g} > 1; LSVI-UCB "
            "(Jin et al. 2020, Assumption A) needs ||phi(s, a)|| <= 1: rescale the features"
        )
    tab = lin.to_tabular()
    # a LinearMDP's tabular form is always step-indexed: r (H, S, A), P (H, S, A, S)
    r = np.ascontiguousarray(tab.r, dtype=np.float64)
    if r.min() < 0.0 or r.max() > 1.0:
        raise ValueError(
            f"mean rewards lie in [{r.min():.4g}, {r.max():.4g}]; LSVI-UCB needs them in [0, 1]"
        )
    P = np.ascontiguousarray(tab.P, dtype=np.float64)
    from ...planning import backward_induction

    V_star0 = np.ascontiguousarray(backward_induction(tab).V[0], dtype=np.float64)
    rho = np.ascontiguousarray(lin.rho, dtype=np.float64)
    rho_cdf = _cdf_rows(rho)
    beta = lsvi_ucb_beta(d, H, K, p, c_beta)
    return lin, converted, bernoulli, phi, P, _cdf_rows(P), r, rho, rho_cdf, V_star0, beta


def lsvi_ucb(
    model: LinearMDP | FiniteHorizonMDP,
    K: int,
    *,
    c_beta: float = 1.0,
    lam: float = 1.0,
    p: float = 0.05,
    clip_below: bool = False,
    rng: RngLike = None,
    record: bool = False,
    lemma_b3: bool = False,
    backend: str = "numba",
) -> OnlineResult:
    """Run LSVI-UCB (Jin, Yang, Wang & Jordan 2020, Algorithm 1) for K episodes.

    Before each episode, for h = H-1, ..., 0: ``Lam_h = lam I + sum_tau phi_tau phi_tau^T``,
    ``w_h = Lam_h^{-1} sum_tau phi_tau (r_tau + V_{h+1}(s'_tau))``,
    ``Q_h = min(phi^T w_h + beta ||phi||_{Lam_h^{-1}}, H)``, ``V_h = max_a Q_h`` (greedy
    policy: lowest index on ties); then one episode is played and its step-h transition
    added. ``beta = c_beta d H sqrt(iota)``, ``iota = log(2 d T / p)``, ``T = K H``
    (:func:`lsvi_ucb_beta`). The regression is computed from per-step sufficient statistics
    (the d x S matrix ``sum phi e_{s'}^T`` and ``sum phi r``), so an episode costs the same
    at every k; Lam^{-1} by Sherman–Morrison (:mod:`mdplab.kernels.lsvi`).

    Parameters
    ----------
    model : LinearMDP, or a FiniteHorizonMDP, which is converted with one-hot features
        (d = S A, :meth:`LinearMDP.from_tabular`; the run then is the tabular algorithm
        ``Q = min(Y/(lam+N) + beta/sqrt(lam+N), H)`` with step-wise visit counts N and
        target sums Y, ``diagnostics["converted_from_tabular"] = True``). Observed rewards
        follow ``model.reward_dist`` (deterministic or Bernoulli; mean rewards in [0, 1]);
        features need ``||phi|| <= 1``.
    K : number of episodes (>= 1).
    c_beta : bonus constant >= 0 (the paper's absolute constant c; 1.0 keeps its shape).
    lam : ridge > 0 (the paper: 1).
    p : failure probability in (0, 1) inside iota.
    clip_below : also clip Q at 0 from below (not in the paper, whose proof of Lemma B.3
        uses ``|V| <= H``; default False, faithful).
    rng : seed or Generator. Draw order: ``u_start = rng.random(K)``, ``u_next =
        rng.random((K, H))``, ``u_reward = rng.random((K, H))`` (inverse-CDF start and next
        states, ``reward = u < r_mean`` for Bernoulli rewards). Same seed, same run, on either
        backend.
    record : keep ``Q`` (K, H, S, A), ``policies`` (K, H, S) and the trajectories
        (``states`` (K, H+1), ``actions``, ``rewards`` (K, H)) in the diagnostics.
    lemma_b3 : compute, at every (k, h), ``||sum_tau phi_tau [V^k_{h+1}(s'_tau) -
        (P_h V^k_{h+1})(s_tau, a_tau)]||_{(Lam_h^k)^{-1}}`` (Lemma B.3; O(S^2 A) more per step).
    backend : ``"numba"`` (default) or ``"numpy"`` (the reference
        :func:`mdplab.kernels.lsvi_reference.lsvi_ucb_episodes`; slow).

    Returns
    -------
    OnlineResult
        ``algorithm = "lsvi-ucb"``; ``regret`` (K,) exact ``V*_0(rho) - V^{pi_k}_0(rho)``;
        ``pseudo_regret`` at ``s_0^k``; ``returns``; ``counts`` (H, S, A) visit counts;
        ``policy`` (H, S) of the last episode; ``bounds["jin2020_thm3.1(C=1)"]`` the Theorem 3.1
        bound with C = 1 (a :class:`~mdplab.algorithms.bounds.Bound`). ``diagnostics``:

        * ``optimistic_values`` (K,): V^k_0(s_0^k);
        * ``bonus`` (K, H): ``||phi_h^k||_{(Lam_h^k)^{-1}}`` at the visited pair, before it is
          added;
        * ``potential_sq_sums`` (H,): ``sum_k ||phi_h^k||^2`` (eq. (17), bound
          ``eq17_bound = 2 d log(1 + K)`` for lam = 1); ``potential_sum``: ``sum_{k,h}``
          (eq. (18), bound ``eq18_bound = H sqrt(2 d K iota)``);
        * ``lemma_d1`` (H,): ``sum_i phi_i^T Lam_K^{-1} phi_i`` at the end (<= d, Lemma D.1);
        * ``lemma_b3`` (K, H) and ``lemma_b3_ratio`` = its max / (d H sqrt(chi)),
          ``chi = log(2 (c_beta + 1) d T / p)``, when ``lemma_b3``;
        * ``Lam_inv``, ``Gram`` (H, d, d), ``M`` (H, d, S), ``u`` (H, d): final statistics;
        * ``sm_max_drift``, ``sm_replacements``, ``sm_refreshes``: largest
          ``|Sherman–Morrison - Cholesky|`` entry at the refreshes (every 512 updates of a step),
          how many exceeded 1e-8 (then replaced), and how many refreshes ran;
        * with ``record``: ``Q``, ``policies``, ``states``, ``actions``, ``rewards``.
    """
    K = check_positive_int(K, "K")
    c_beta = check_real(c_beta, "c_beta", 0.0)
    lam = check_real(lam, "lam", 0.0, open_low=True)
    p = check_unit_open(p, "p")
    clip_below = check_bool(clip_below, "clip_below")
    record = check_bool(record, "record")
    lemma_b3 = check_bool(lemma_b3, "lemma_b3")
    backend = check_choice(backend, "backend", ("numba", "numpy"))
    gen = as_rng(rng, "rng")
    if backend == "numba":
        from ...kernels.lsvi import lsvi_ucb_episodes as kernel
    else:
        from ...kernels.lsvi_reference import lsvi_ucb_episodes as kernel
    return _run(model, K, c_beta, lam, p, clip_below, gen, rng, record, lemma_b3, backend,
                kernel)


def _run(model, K, c_beta, lam, p, clip_below, gen, rng, record, lemma_b3, backend, kernel,
         beta=None):
    """One validated run with ``kernel`` (the numba kernel or a numpy variant); ``beta``
    overrides the bonus coefficient (used only by the claims' planted bugs)."""
    (lin, converted, bernoulli, phi, P, P_cdf, r, rho, rho_cdf, V_star0,
     beta0) = _prepare(model, K, c_beta, p)
    beta = beta0 if beta is None else beta
    H, S, A, d = phi.shape
    u_start = gen.random(K)
    u_next = gen.random((K, H))
    u_reward = gen.random((K, H))

    regret, pseudo, returns, opt = (np.zeros(K) for _ in range(4))
    s0 = np.zeros(K, dtype=np.int64)
    bonus = np.zeros((K, H))
    b3 = np.zeros((K, H) if lemma_b3 else (0, 0))
    counts = np.zeros((H, S, A), dtype=np.int64)
    policy = np.zeros((H, S), dtype=np.int64)
    # a copy: broadcast_to is a read-only view, and for H = 1 ascontiguousarray would keep it
    Lam_inv = np.array(np.broadcast_to(np.eye(d) / lam, (H, d, d)))
    Gram = np.zeros((H, d, d))
    M = np.zeros((H, d, S))
    u = np.zeros((H, d))
    drift = np.zeros(3)
    Kr = K if record else 0
    Q_rec = np.zeros((Kr, H, S, A))
    pi_rec = np.zeros((Kr, H, S), dtype=np.int64)
    states = np.zeros((Kr, H + 1), dtype=np.int64)
    actions = np.zeros((Kr, H), dtype=np.int64)
    rewards = np.zeros((Kr, H))
    t0 = time.perf_counter()
    kernel(phi, P, P_cdf, r, rho, rho_cdf, V_star0, bernoulli, u_start, u_next, u_reward,
        lam, beta, clip_below, lemma_b3, record, regret, pseudo, returns, s0, opt, bonus, b3,
        counts, policy, Lam_inv, Gram, M, u, drift, Q_rec, pi_rec, states, actions, rewards)
    seconds = time.perf_counter() - t0

    T = K * H
    iota = _iota(d, H, K, p)
    diagnostics = {
        "optimistic_values": opt,
        "bonus": bonus,
        "potential_sq_sums": (bonus ** 2).sum(axis=0),
        "eq17_bound": 2.0 * d * math.log(1.0 + K),
        "potential_sum": float(bonus.sum()),
        "eq18_bound": H * math.sqrt(2.0 * d * K * iota),
        "lemma_d1": np.einsum("hij,hji->h", Lam_inv, Gram),
        "Lam_inv": Lam_inv, "Gram": Gram, "M": M, "u": u,
        "sm_max_drift": float(drift[0]), "sm_replacements": int(drift[1]),
        "sm_refreshes": int(drift[2]),
        "converted_from_tabular": converted,
    }
    if lemma_b3:
        chi = math.log(2.0 * (c_beta + 1.0) * d * T / p)
        diagnostics["lemma_b3"] = b3
        diagnostics["lemma_b3_ratio"] = float(b3.max()) / (d * H * math.sqrt(chi))
    if record:
        diagnostics.update(Q=Q_rec, policies=pi_rec, states=states, actions=actions,
                           rewards=rewards)
    params = {"K": K, "c_beta": c_beta, "lam": lam, "p": p, "beta": beta, "iota": iota, "T": T,
              "clip_below": clip_below, "d": d, "H": H, "S": S, "A": A, "backend": backend,
              "reward_dist": lin.reward_dist.name,
              "seed": rng if isinstance(rng, (int, np.integer)) else None}
    return OnlineResult(
        algorithm="lsvi-ucb",
        regret=regret,
        pseudo_regret=pseudo,
        returns=returns,
        initial_states=s0,
        policy=policy,
        counts=counts,
        optimal_value=float(rho @ V_star0),
        params=params,
        bounds={"jin2020_thm3.1(C=1)": lsvi_ucb_regret_bound(d, H, K, p)},
        diagnostics=diagnostics,
        seconds=seconds,
    )
