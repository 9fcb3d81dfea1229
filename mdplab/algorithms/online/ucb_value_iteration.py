"""UCBVI-CH and UCBVI-BF (Azar, Osband & Munos 2017), scored with exact regret.

Source: M. G. Azar, I. Osband, R. Munos (2017). *Minimax Regret Bounds for Reinforcement
Learning.* arXiv:1703.05449 (v2; ICML 2017, PMLR 70:263-272) [AOM17]. Setting: finite S, A,
a stationary transition kernel P(.|x, a), a known deterministic reward R(x, a) in [0, 1],
K episodes of H steps, T = K H.

What the library could check of the paper's text (searched with the ``search`` tool, corpora
``code`` and ``pages``, Dec. 2026): the ar5iv rendering of arXiv:1703.05449 was found, but
only its abstract and introduction (the regret Õ(sqrt(HSAT) + H^2 S^2 A + H sqrt(T)), the
matching condition T >= H^3 S^3 A and SA >= H). The algorithm boxes, the bonuses and the
theorems were *not* found in the paper's own text. They were confirmed against a public Lean
formalization that cites arXiv v2 ("Prove2me" theorems ``MinimaxRegretRL.Bernstein.
ucbvi_bf_regret_bound`` and the definitions ``Def_MinimaxRegretRL_Bernstein_Process``, citing
p. 5 Theorem 2 and pp. 28-29, Appendix C.2, Lemmas 13-14), which states:

* the bonus of Algorithm 4 (UCBVI-BF) with ``L = ln(5 S A T / delta)``::

      b = sqrt(8 L Var_{y ~ Phat(.|x,a)} V_{h+1}(y) / n) + 14 H L / (3 n)
          + sqrt(8 sum_y Phat(y|x,a) min(100^2 H^3 S^2 A L^2 / N'_{h+1}(y), H^2) / n),

  the min being H^2 when N'_{h+1}(y) = 0 (N'_{h+1}(y): number of past episodes in state y at
  step h+1, paper indexing; ``Nprime[h+1, y]`` here);
* Q_{k,h}(x,a) = min(Q_{k-1,h}(x,a), H, R(x,a) + Phat V_{k,h+1}(x,a) + b) for visited pairs,
  H for unvisited ones (the minimum with the previous episode's Q is part of the algorithm);
* Theorem 2: with L' = ln(5 H S A T / delta) (a different logarithm from the bonus's), w.p.
  >= 1 - delta, Regret(K) <= 30 H L' sqrt(SAK) + 2500 H^2 S^2 A L'^2 + 4 H^{3/2} sqrt(K L');
  the formalization notes that Lemmas 13-14 do not reproduce the constant 2500 (the printed
  value is used here).

The Hoeffding bonus of Algorithm 3 (UCBVI-CH), b = 7 H L / sqrt(n) with the same L, and
Theorem 1, Regret(K) <= 20 H^{3/2} L' sqrt(SAK) + 250 H^2 S^2 A L'^2, are taken from the
library's plan for this algorithm, which checked them against the same secondary source
(arXiv v2 pp. 2-5 and 14): they are second-hand.

Bonus comparison (derived here): since Var <= H^2/4, the cap term is <= H^2 and 1/n <= 1/sqrt(n),
b_BF <= (H / sqrt(n)) (sqrt(2L) + sqrt(8) + 14 L / 3), which is <= 7 H L / sqrt(n) = b_CH
whenever sqrt(2L) + sqrt(8) <= 7L/3, i.e. for L >= 2.1 (5SAT/delta >= e^2.1).

Known rewards: [AOM17] assume R known and deterministic, so the algorithm uses the model's
mean reward ``mdp.r`` (``known_rewards=True``, the default for "ch" and "bf"); the observed
rewards (drawn from ``mdp.reward_dist``) only enter the realised return. ``known_rewards=False``
uses the empirical mean of the observed rewards instead (a library option [P], no theorem).

The "rlberry" mode reproduces ``UCBVIAgent`` of rlberry-scool (github.com/rlberry-py/
rlberry-scool, commit eae8e75f649890c57f8ce91aef8b46a370834be7 = v0.7.3, files
``rlberry_scool/agents/ucbvi/ucbvi.py`` and ``rlberry_scool/agents/dynprog/utils.py``,
``bonus_type="simplified_bernstein"``, ``stage_dependent=False``, ``real_time_dp=False``,
gamma = 1, reward range [0, 1]): the bonus of a pair visited at step h with pooled count n is
``min(bonus_scale * sqrt(1/n) + (H - h)/n, H - h)`` (``bonus_scale`` = rlberry's
``bonus_scale_factor``, which multiplies only the sqrt term); it is stored per (h, s, a) and
refreshed only when (s, a) is visited *at step h* (before that it is H - h); the rewards are the
empirical means (``known_rewards=False`` by default in this mode), the transition estimate starts
uniform (1/S) and is updated incrementally; Q = R_hat + B + P_hat V_{h+1} with
V_h = min(max_a Q_h, H) (no minimum with the previous Q, Q itself not clipped); Q = 0 before the
first episode (so episode 0 plays action 0 everywhere). There is no L and no delta in this mode.

Indexing: library steps h = 0..H-1 are the paper's steps h+1; ``Nprime`` has H+1 rows
(t = H is the state after the last action).
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..._validation import (
    as_rng,
    check_bool,
    check_choice,
    check_positive_int,
    check_real,
    check_unit_open,
)
from ..bounds import Bound
from .protocol import OnlineResult

__all__ = [
    "UCBVI_BONUSES",
    "ucbvi",
    "ucbvi_bf_regret_bound",
    "ucbvi_ch_regret_bound",
    "ucbvi_log",
]

#: the bonus names accepted by :func:`ucbvi`
UCBVI_BONUSES = ("ch", "bf", "rlberry")
_MODE = {"ch": 0, "bf": 1, "rlberry": 2}
_BLOCK = 4096          # episodes per kernel call (the result does not depend on it)


def ucbvi_log(S: int, A: int, H: int, K: int, delta: float, *, theorem: bool = False) -> float:
    """The logarithm of [AOM17]: ``L = ln(5 S A T / delta)`` used by the bonuses
    (Algorithms 3-4), or with ``theorem=True`` ``L' = ln(5 H S A T / delta)`` printed in
    Theorems 1-2; ``T = K H``."""
    S, A, H, K = (check_positive_int(x, n) for x, n in ((S, "S"), (A, "A"), (H, "H"), (K, "K")))
    delta = check_unit_open(delta, "delta")
    T = K * H
    inner = 5.0 * S * A * T / delta
    if check_bool(theorem, "theorem"):
        inner *= H
    return math.log(inner)


def ucbvi_ch_regret_bound(S: int, A: int, H: int, K: int, delta: float) -> Bound:
    """[AOM17] Theorem 1 (UCBVI-CH): w.p. >= 1 - delta,
    ``Regret(K) <= 20 H^{3/2} L' sqrt(S A K) + 250 H^2 S^2 A L'^2`` with
    ``L' = ln(5 H S A T / delta)``, T = K H (constants second-hand, see the module docstring).

    Returns a :class:`~mdplab.algorithms.bounds.Bound` whose trivial bound is K H (the largest
    possible regret of K episodes with rewards in [0, 1])."""
    Lp = ucbvi_log(S, A, H, K, delta, theorem=True)
    value = 20.0 * H ** 1.5 * Lp * math.sqrt(S * A * K) + 250.0 * H ** 2 * S ** 2 * A * Lp ** 2
    return Bound(value, trivial=float(K * H))


def ucbvi_bf_regret_bound(S: int, A: int, H: int, K: int, delta: float) -> Bound:
    """[AOM17] Theorem 2 (UCBVI-BF), p. 5 of arXiv v2 (through the formalization cited in the
    module docstring): w.p. >= 1 - delta,
    ``Regret(K) <= 30 H L' sqrt(S A K) + 2500 H^2 S^2 A L'^2 + 4 H^{3/2} sqrt(K L')`` with
    ``L' = ln(5 H S A T / delta)``, T = K H. Trivial bound K H."""
    Lp = ucbvi_log(S, A, H, K, delta, theorem=True)
    value = (30.0 * H * Lp * math.sqrt(S * A * K) + 2500.0 * H ** 2 * S ** 2 * A * Lp ** 2
             + 4.0 * H ** 1.5 * math.sqrt(K * Lp))
    return Bound(value, trivial=float(K * H))


def _stationary_arrays(mdp: object) -> tuple[np.ndarray, np.ndarray]:
    from ...models import FiniteHorizonMDP

    if not isinstance(mdp, FiniteHorizonMDP):
        raise TypeError(f"mdp must be a FiniteHorizonMDP, got {type(mdp).__name__}")
    if not mdp.stationary:
        raise ValueError(
            "ucbvi needs a stationary model (P shaped (S, A, S)), as in Azar et al. (2017); "
            "this model's P depends on h. stage_dependent=True is not implemented: build the "
            "model with a stationary P")
    P = np.ascontiguousarray(mdp.P[0], dtype=np.float64)
    r = np.ascontiguousarray(mdp.r[0], dtype=np.float64)
    if not np.array_equal(np.broadcast_to(r, mdp.r.shape), mdp.r):
        h = int(np.argwhere((mdp.r != r[None]).any(axis=(1, 2)))[0, 0])
        raise ValueError(f"ucbvi needs stationary rewards: r[{h}] differs from r[0]")
    if r.min() < 0.0 or r.max() > 1.0:
        raise ValueError(f"ucbvi needs mean rewards in [0, 1] (Q is capped at H); r lies in "
                         f"[{r.min():g}, {r.max():g}]")
    return P, r


def ucbvi(mdp: object, K: int, *, bonus: str = "ch", delta: float = 0.1,
          bonus_scale: float = 1.0, rng: object = None, known_rewards: bool | None = None,
          record_q: bool = False, backend: str = "numba") -> OnlineResult:
    """Run UCBVI for K episodes on a stationary :class:`~mdplab.models.FiniteHorizonMDP`.

    Parameters
    ----------
    mdp : FiniteHorizonMDP
        Stationary (P shaped (S, A, S)), mean rewards in [0, 1], reward distribution
        ``"deterministic"`` or ``"bernoulli"`` (others are refused).
    K : int >= 1
        Number of episodes.
    bonus : {"ch", "bf", "rlberry"}
        [AOM17] Algorithm 3 (Hoeffding, ``7 H L / sqrt(n)``), Algorithm 4 (Bernstein-Freedman)
        or rlberry-scool's "simplified Bernstein" agent (module docstring).
    delta : float in (0, 1)
        Confidence of the bonuses (``L = ln(5 S A K H / delta)``) and of the bound.
    bonus_scale : float >= 0
        Multiplies the bonus [P] (``bonus_scale = 0``: greedy on the empirical model).
        In the "rlberry" mode it is rlberry's ``bonus_scale_factor`` (multiplies the sqrt term).
    rng : None, int, SeedSequence or Generator
        Source of all randomness (start states, rewards, next states). Same seed, same run,
        bit for bit, for both backends and any block size.
    known_rewards : bool, optional
        Use the model's mean rewards (default for "ch", "bf", as in [AOM17]) or the empirical
        means of the observed rewards (default for "rlberry", as rlberry does).
    record_q : bool
        Keep per episode the Q table (K, H, S, A), the policy (K, H, S) and the counts it was
        computed from, N_sas (K, S, A, S) and Nprime (K, H+1, S), in ``diagnostics``.
    backend : {"numba", "numpy"}
        The compiled kernel or its plain-numpy reference (identical results; for tests).

    Returns
    -------
    OnlineResult
        ``algorithm`` = "ucbvi-ch" / "ucbvi-bf" / "ucbvi-rlberry"; ``regret`` (K,) exact
        ``V*_0(rho) - V^{pi_k}_0(rho)``; ``pseudo_regret`` (K,) at the sampled s_0^k;
        ``returns`` (K,) realised; ``initial_states`` (K,); ``policy`` (H, S) of the last
        episode; ``counts`` = N_sas (S, A, S) int64 after the run; ``bounds`` =
        {"theorem1": ...} (CH) or {"theorem2": ...} (BF), :class:`Bound` objects; diagnostics:
        ``optimistic_values`` (K,) V_{k,0}(s_0^k), ``nprime`` (H+1, S), ``final_q`` (H, S, A),
        ``bf_minus_ch`` (K,) (BF: max over visited (h, s, a) of b_BF - b_CH, unscaled), ``L``,
        ``L_theorem``, and with ``record_q`` ``q_history``, ``policy_history``,
        ``count_history``, ``nprime_history``.
    """
    t0 = time.perf_counter()
    args, kw = _validated(mdp, K, bonus, delta, bonus_scale, rng, known_rewards, record_q,
                          backend)
    return _run(*args, t0=t0, **kw)


def _validated(mdp, K, bonus, delta, bonus_scale, rng, known_rewards, record_q, backend):
    """Every argument of :func:`ucbvi` checked; returns the positional arguments of
    :func:`_run` and its ``seed`` keyword."""
    P, r = _stationary_arrays(mdp)
    K = check_positive_int(K, "K")
    bonus = check_choice(bonus, "bonus", UCBVI_BONUSES)
    delta = check_unit_open(delta, "delta")
    bonus_scale = check_real(bonus_scale, "bonus_scale", 0.0)
    gen = as_rng(rng)
    record_q = check_bool(record_q, "record_q")
    backend = check_choice(backend, "backend", ("numba", "numpy"))
    if known_rewards is None:
        known_rewards = bonus != "rlberry"
    known_rewards = check_bool(known_rewards, "known_rewards")
    dist = mdp.reward_dist.name
    if dist not in ("deterministic", "bernoulli"):
        raise ValueError(f"ucbvi samples deterministic or Bernoulli rewards; this model's "
                         f"reward_dist is {dist!r}: rebuild it with reward_dist='bernoulli' "
                         "or 'deterministic'")
    reward_kind = 1 if dist == "bernoulli" else 0

    seed = int(rng) if isinstance(rng, (int, np.integer)) else None
    return ((mdp, P, r, K, bonus, delta, bonus_scale, gen, known_rewards, reward_kind, dist,
             record_q, backend), {"seed": seed})


def _bonus_coefficients(S: int, A: int, H: int, L: float) -> tuple[float, float, float, float]:
    """The bonus constants of [AOM17] for the logarithm ``L``: ``ch_coef = 7 H L``
    (Algorithm 3), and for Algorithm 4 ``var_coef = 8 L``, ``lin_coef = 14 H L / 3``,
    ``cap_coef = 100^2 H^3 S^2 A L^2`` (module docstring); shared by :func:`ucbvi` and
    :class:`~mdplab.algorithms.online.UCBVIAgent`."""
    return (7.0 * H * L, 8.0 * L, 14.0 * H * L / 3.0, 100.0 ** 2 * H ** 3 * S ** 2 * A * L ** 2)


def _initial_statistics(S: int, A: int, H: int, bonus: str) -> tuple[np.ndarray, ...]:
    """The statistics of a run before its first episode, as the kernels take them:
    ``N_sas`` (S, A, S), ``N_sa`` (S, A), ``Nprime`` (H+1, S) int64 zeros, ``R_sum`` (S, A)
    zeros, ``Q`` (H, S, A) (H everywhere; 0 in the "rlberry" mode), rlberry's bonus ``B_rl``
    (H, S, A) = H - h, its transition estimate ``Phat_rl`` (S, A, S) = 1/S and its reward
    estimate ``Rhat_rl`` (S, A) = 0."""
    N_sas = np.zeros((S, A, S), dtype=np.int64)
    N_sa = np.zeros((S, A), dtype=np.int64)
    Nprime = np.zeros((H + 1, S), dtype=np.int64)
    R_sum = np.zeros((S, A))
    Q = np.full((H, S, A), float(H)) if bonus != "rlberry" else np.zeros((H, S, A))
    B_rl = np.repeat((H - np.arange(H, dtype=np.float64))[:, None, None], S * A, axis=1
                     ).reshape(H, S, A)
    Phat_rl = np.full((S, A, S), 1.0 / S)
    Rhat_rl = np.zeros((S, A))
    return N_sas, N_sa, Nprime, R_sum, Q, B_rl, Phat_rl, Rhat_rl


def _run(mdp, P, r, K, bonus, delta, bonus_scale, gen, known_rewards, reward_kind, dist,
         record_q, backend, *, seed=None, t0=None, L=None, coefs=None, block=None,
         before=None, after=None):
    """The run behind :func:`ucbvi` on validated arguments. The keywords after ``t0`` exist
    for the planted bugs of ``proofs_checks/azar2017.py`` only: ``L`` and ``coefs`` override
    the logarithm and the bonus constants, ``block`` the episodes per kernel call, and
    ``before(state)`` / ``after(state)`` are called around each block with the run's arrays."""
    t0 = time.perf_counter() if t0 is None else t0
    from ...planning import backward_induction

    H, S, A = mdp.shape
    T = K * H
    L = ucbvi_log(S, A, H, K, delta) if L is None else L
    ch_coef, var_coef, lin_coef, cap_coef = _bonus_coefficients(S, A, H, L)
    if coefs:
        ch_coef = coefs.get("ch", ch_coef)
        var_coef = coefs.get("var", var_coef)
        lin_coef = coefs.get("lin", lin_coef)
        cap_coef = coefs.get("cap", cap_coef)
    V_star = np.ascontiguousarray(backward_induction(mdp).V, dtype=np.float64)
    rho = np.ascontiguousarray(mdp.rho, dtype=np.float64)
    rho_cum = np.cumsum(rho)
    P_cum = np.cumsum(P, axis=2)

    N_sas, N_sa, Nprime, R_sum, Q, B_rl, Phat_rl, Rhat_rl = _initial_statistics(S, A, H, bonus)
    regret, pseudo, returns = np.empty(K), np.empty(K), np.empty(K)
    s0, v_opt, gap = np.empty(K, dtype=np.int64), np.empty(K), np.empty(K)
    if record_q:
        Q_hist = np.empty((K, H, S, A))
        pi_hist = np.empty((K, H, S), dtype=np.int64)
        nsas_hist = np.empty((K, S, A, S), dtype=np.int64)
        np_hist = np.empty((K, H + 1, S), dtype=np.int64)
    else:
        Q_hist = np.empty((1, H, S, A))
        pi_hist = np.empty((1, H, S), dtype=np.int64)
        nsas_hist = np.empty((1, S, A, S), dtype=np.int64)
        np_hist = np.empty((1, H + 1, S), dtype=np.int64)
    if backend == "numba":
        from ...kernels.ucbvi import ucbvi_episodes as run_block
    else:
        from ...kernels.ucbvi_reference import ucbvi_episodes as run_block
    block = _BLOCK if block is None else block
    state = {"N_sas": N_sas, "Nprime": Nprime, "Q": Q}
    for k0 in range(0, K, block):
        U = gen.random((min(block, K - k0), 2 * H + 1))
        if before is not None:
            before(state)
        run_block(P, P_cum, r, rho, rho_cum, V_star, U, k0, _MODE[bonus], bonus_scale,
                  ch_coef, var_coef, lin_coef, cap_coef, known_rewards, reward_kind,
                  N_sas, N_sa, Nprime, R_sum, Q, B_rl, Phat_rl, Rhat_rl,
                  regret, pseudo, returns, s0, v_opt, gap, record_q, Q_hist, pi_hist, nsas_hist,
                  np_hist)
        if after is not None:
            after(state)
    policy = np.argmax(Q, axis=2).astype(np.int64)
    bounds: dict = {}
    if bonus == "ch":
        bounds["theorem1"] = ucbvi_ch_regret_bound(S, A, H, K, delta)
    elif bonus == "bf":
        bounds["theorem2"] = ucbvi_bf_regret_bound(S, A, H, K, delta)
    diagnostics = {
        "optimistic_values": v_opt, "nprime": Nprime, "final_q": Q.copy(), "bf_minus_ch": gap,
        "L": L, "L_theorem": ucbvi_log(S, A, H, K, delta, theorem=True), "T": T,
    }
    if record_q:
        diagnostics.update(q_history=Q_hist, policy_history=pi_hist, count_history=nsas_hist,
                           nprime_history=np_hist)
    params = {"K": K, "bonus": bonus, "delta": delta, "bonus_scale": bonus_scale,
              "known_rewards": known_rewards, "reward_dist": dist, "backend": backend,
              "rng": seed, "H": H, "S": S, "A": A}
    return OnlineResult(
        algorithm=f"ucbvi-{bonus}", regret=regret, pseudo_regret=pseudo, returns=returns,
        initial_states=s0, policy=policy, counts=N_sas,
        optimal_value=float(rho @ V_star[0]), params=params, bounds=bounds,
        diagnostics=diagnostics, seconds=time.perf_counter() - t0)
