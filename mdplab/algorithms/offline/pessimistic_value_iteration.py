"""Pessimistic value iteration (PEVI): the general form, the tabular presets and linear MDPs.

Source: Ying Jin, Zhuoran Yang, Zhaoran Wang (2021), "Is Pessimism Provably Efficient for
Offline RL?", ICML 2021, arXiv:2012.15085.

What was confirmed against the paper, and what was not
---------------------------------------------------------------------------
- Confirmed (abstract and a reproducibility summary of the ICML version): the algorithm
  names "Algorithm 1 Pessimistic Value Iteration (PEVI): General MDP" and "Algorithm 2
  PEVI: Linear MDP"; PEVI subtracts an uncertainty quantifier (the sign-flipped online
  bonus); the general bound is data-dependent and the linear-MDP bound matches the
  information-theoretic lower bound up to factors of d and H; the paper has no experiments.
- Not confirmed: the corpus available to us holds only the opening of the arXiv text, so
  the parameters lambda = 1, beta = c d H sqrt(zeta), zeta = log(2 d H K / xi), the
  numbering (Lemma 3.1, Definition 4.1, Theorems 4.2 and 4.4, Corollary 4.5) and the
  clipping rule min{., H - h + 1}^+ are as recalled by the library's authors (marked
  unconfirmed). The constant c is not given numerically in the paper, so
  :func:`jyw_beta` takes it as an argument (default 1, a library choice checked by claim 10).

Conventions: steps h = 0..H-1 (the paper's h + 1); Q is clipped to [0, H - h], the number
of rewards left. Every function returns a :class:`PessimisticResult`, so the exact checks
of :mod:`mdplab.algorithms.offline.checks` (event E, decomposition, bound) apply.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..._validation import (
    as_count_array,
    as_real_array,
    check_bool,
    check_choice,
    check_finite_result,
    check_positive_int,
    check_real,
    check_rewards,
    check_sizes,
    check_unit_open,
)
from ...kernels.pessimism import pessimistic_induction
from ...sampling.dataset import OfflineDataset
from ...sampling.trajectories import Episodes
from ..bounds import Bound
from .degeneracy import _start_support, reachable_episodic, reachable_from_counts
from .result import KNOBS, PessimisticResult, flag_degenerate

__all__ = [
    "TABULAR_PENALTIES",
    "jyw_beta",
    "pevi",
    "pevi_linear",
    "pevi_linear_rate",
    "pevi_tabular",
    "tabular_penalty",
]

#: the penalty presets of :func:`pevi_tabular` ("none" is the greedy plug-in)
TABULAR_PENALTIES = ("l1", "hoeffding", "jyw", "none")


# ------------------------------------------------------------------------ general form
def pevi(H: int, S: int, A: int, backup: Callable[[int, np.ndarray], np.ndarray],
         penalty: Callable[[int, np.ndarray], np.ndarray], *, clip: bool = True,
         name: str = "pevi", rho: np.ndarray | None = None) -> PessimisticResult:
    """PEVI for a general MDP with finite S (JYW21 Algorithm 1).

    For h = H-1, ..., 0::

        Qbar_h  = backup(h, V[h+1]) - penalty(h, V[h+1])      # (S, A): B_hat V - Gamma
        Q_h     = min{Qbar_h, H - h}^+   (clip=True)
        pi_h(s) = argmax_a Q_h(s, a)  (lowest index on ties),  V_h(s) = max_a Q_h(s, a)

    Parameters
    ----------
    backup : (h, V_next (S,)) -> (S, A), the empirical Bellman backup (B_hat_h V_next).
    penalty : (h, V_next (S,)) -> (S, A), the uncertainty quantifier Gamma_h >= 0.
    clip : clip Q to [0, H - h] as in the paper; False leaves Q unclipped (for tests).
    rho : (S,) start distribution for the ``degenerate`` flag (default: every state). With
        no empirical model to follow, only the start states at h = 0 are checked for ties.

    Notes
    -----
    Guarantee (JYW21 Theorem 4.2; numbering unconfirmed): on the event E that
    ``|B_hat_h V_hat_{h+1} - B_h V_hat_{h+1}| <= Gamma_h`` everywhere,
    ``SubOpt(pi_hat; x) <= 2 sum_h E_{pi*}[Gamma_h(s_h, a_h) | s_0 = x]`` for every x
    (:func:`mdplab.algorithms.offline.data_dependent_bound`).
    """
    H, S, A = check_sizes(H=H, S=S, A=A)
    for fn, what in ((backup, "backup"), (penalty, "penalty")):
        if not callable(fn):
            raise TypeError(f"{what} must be a function (h, V_next) -> (S, A) array, got {fn!r}")
    clip = check_bool(clip, "clip")
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {name!r}")
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    policy = np.empty((H, S), dtype=np.int64)
    pen = np.empty((H, S, A))
    bk = np.empty((H, S, A))
    for h in range(H - 1, -1, -1):
        b = _returned(backup(h, V[h + 1].copy()), f"backup({h}, V)", S, A)
        g = _returned(penalty(h, V[h + 1].copy()), f"penalty({h}, V)", S, A)
        if np.any(g < 0):
            idx = np.unravel_index(int(np.argmin(g)), g.shape)
            raise ValueError(f"penalty({h}, V)[{idx[0]}, {idx[1]}] is {g[idx]:g}; an "
                             "uncertainty quantifier must be >= 0")
        q = b - g
        if clip:
            q = np.clip(q, 0.0, H - h)
        Q[h], pen[h], bk[h] = q, g, b
        policy[h] = np.argmax(q, axis=1)
        V[h] = q.max(axis=1)
    res = PessimisticResult(policy, Q, V, pen, bk, name, {"clip": clip})
    reach = np.zeros((H, S), dtype=bool)
    reach[0] = np.ones(S, dtype=bool) if rho is None else _start_support(rho, S, np.arange(S))
    return flag_degenerate(res, reach, knob=KNOBS["pevi"])


def _returned(x: object, what: str, S: int, A: int) -> np.ndarray:
    """The (S, A) array a user callback returned: real and finite."""
    arr = np.asarray(x)
    if arr.shape != (S, A):
        raise ValueError(f"{what} returned shape {arr.shape}; expected (S, A) = ({S}, {A})")
    try:
        out = as_real_array(arr, what)
    except ValueError as exc:
        raise ValueError(f"{what} returned a non-finite value: {exc}") from None
    return out


# ------------------------------------------------------------------------ tabular
def jyw_beta(d: int, H: int, K: int, xi: float, c: float = 1.0) -> float:
    """beta = c d H sqrt(zeta), zeta = log(2 d H K / xi) (JYW21 Theorem 4.4, as recalled in
    the library -- unconfirmed against the paper's text). The paper's absolute constant c is not
    given; it is
    an argument here (default 1, a library choice; claim 10 measures the smallest c that
    works)."""
    d, H, K = check_sizes(d=d, H=H, K=K)
    xi = check_unit_open(xi, "xi")
    c = check_real(c, "c", 0.0, open_low=True)
    return float(c * d * H * math.sqrt(math.log(2 * d * H * K / xi)))


def _check_prob(x: object, name: str) -> float:
    return check_unit_open(x, name)


def tabular_penalty(n: np.ndarray, kind: str, *, xi: float = 0.1, K: int | None = None,
                    rewards_known: bool = False, adaptive: bool = False, c: float = 1.0,
                    lam: float = 1.0) -> np.ndarray:
    """Gamma_h(s, a) of a tabular preset from the counts n (H, S, A); shape (H, S, A).

    With R_h = H - h the range of r + V_hat_{h+1} (0-indexed h), S, A, H from n's shape:

    - ``"l1"`` (rigorous for i.i.d. trajectories, a library preset):
      min{R_h, sqrt(L_r / (2n)) + (R_h - 1) sqrt(2 (S log 2 + L_P) / n)},
      L_r = log(4SAH/xi), L_P = log(2SAH/xi); the first term is dropped when rewards are
      known; ``adaptive=True`` adds log K to L_r and L_P (compliant data, random counts).
      The L1 deviation bound is Weissman, Ordentlich, Seroussi, Verdu & Weinberger (2003),
      "Inequalities for the L1 deviation of the empirical distribution", HP Labs tech. rep.
    - ``"hoeffding"``: min{R_h, R_h sqrt(L / (2n))}, L = log(2SAH/xi) -- a union bound over
      (h, s, a) for a *fixed* V; not rigorous for V_hat, which depends on the same data.
    - ``"jyw"``: beta / sqrt(n + lam), beta = jyw_beta(d=SA, H, K, xi, c): linear PEVI with
      one-hot features.
    - ``"none"``: 0 (the greedy plug-in, for comparison).

    Where n = 0 the "l1" and "hoeffding" presets give R_h and "jyw" gives beta/sqrt(lam)
    (>= R_h for the default constants), so Q_hat = 0 there.

    Small data: the "l1" penalty drops below R_h only once n exceeds about
    2 (S log 2 + L_P) visits of (h, s, a), and it must fall below the backup r + P_hat V_hat
    of some action (of order the values themselves) before Q_hat > 0; "jyw" (beta = c S A H
    sqrt(zeta)) needs n of order beta^2 / R_h^2. Below that Q_hat = 0 and the policy is the
    tie rule's (the ``degenerate`` flag of :func:`pevi_tabular`). "hoeffding" (a fixed-V union
    bound, not valid for V_hat), a smaller ``c`` or "none" are informative sooner, but only
    "l1" with the defaults keeps the event E (hence the bound of JYW21 Theorem 4.2) with
    probability >= 1 - xi.
    """
    n = as_count_array(n, "n", ndim=3)
    kind = check_choice(kind, "penalty", TABULAR_PENALTIES)
    H, S, A = check_sizes(H=n.shape[0], S=n.shape[1], A=n.shape[2])
    xi = _check_prob(xi, "xi")
    rewards_known = check_bool(rewards_known, "rewards_known")
    adaptive = check_bool(adaptive, "adaptive")
    c = check_real(c, "c", 0.0, open_low=True)
    lam = check_real(lam, "lam", 0.0, open_low=True)
    if K is not None:
        K = check_positive_int(K, "K")
    R = np.arange(H, 0, -1, dtype=float)[:, None, None]  # H - h
    nf = n.astype(float)
    safe = np.maximum(nf, 1.0)
    if kind == "none":
        return np.zeros((H, S, A))
    if kind == "hoeffding":
        L = math.log(2 * S * A * H / xi)
        g = R * np.sqrt(L / (2 * safe))
    elif kind == "l1":
        L_r = math.log(4 * S * A * H / xi)
        L_P = math.log(2 * S * A * H / xi)
        if adaptive:
            if K is None:
                raise ValueError("adaptive=True needs the number of episodes K")
            L_r += math.log(K)
            L_P += math.log(K)
        g = (R - 1) * np.sqrt(2 * (S * math.log(2) + L_P) / safe)
        if not rewards_known:
            g = g + np.sqrt(L_r / (2 * safe))
    else:  # jyw
        if K is None:
            raise ValueError("penalty='jyw' needs the number of episodes K")
        beta = jyw_beta(S * A, H, K, xi, c)
        # not capped at R: exactly Algorithm 2's Gamma with one-hot features (Q is the same
        # either way, because Q = 0 wherever Gamma >= R)
        return beta / np.sqrt(nf + lam) * np.ones((H, S, A))
    return np.where(nf > 0, np.minimum(g, R), R) * np.ones((H, S, A))


def pevi_tabular(data: OfflineDataset, *, penalty: str = "l1", xi: float = 0.1,
                 r: np.ndarray | None = None, adaptive: bool = False, c: float = 1.0,
                 lam: float = 1.0, rho: np.ndarray | None = None) -> PessimisticResult:
    """Tabular PEVI on K episodes (JYW21 Algorithm 1 with a count penalty).

    Parameters
    ----------
    data : :class:`mdplab.sampling.OfflineDataset` of a finite-horizon MDP (e.g.
        ``OfflineDataset.from_episodes(rollout(...))``); counts n[h,s,a], P_hat[h,s,a,:]
        (zero rows where n = 0) and the mean observed rewards r_hat[h,s,a] (0 where n = 0).
    penalty : one of :data:`TABULAR_PENALTIES` (see :func:`tabular_penalty`).
    xi : the failure probability of the quantifier.
    r : known mean rewards (H, S, A) or (S, A); when given they replace r_hat and the "l1"
        preset drops its reward term.
    adaptive, c, lam : see :func:`tabular_penalty`.

    rho : (S,) start distribution for the ``degenerate`` flag (default: the empirical
        distribution of the first states of the data).

    Notes
    -----
    Returns a :class:`PessimisticResult`; ``degenerate`` says whether the policy is decided by
    tie-breaking on the support of rho (see :func:`tabular_penalty` for which preset or
    constant is informative at small data, and at what cost).

    Backup: (B_hat_h V)(s,a) = r_hat + P_hat V, except for ``"jyw"``, whose ridge estimate
    with one-hot features is n/(n + lam) (r_hat + P_hat V).
    """
    from ...sampling import OfflineDataset

    if not isinstance(data, OfflineDataset):
        raise TypeError(f"data is {type(data).__name__}; expected an OfflineDataset")
    if data.H is None:
        raise ValueError("data is a discounted dataset (H is None); PEVI needs episodic data")
    if data.N < 1:
        raise ValueError("data holds no transition (N = 0); PEVI needs at least one episode")
    penalty = check_choice(penalty, "penalty", TABULAR_PENALTIES)
    lam = check_real(lam, "lam", 0.0, open_low=True)
    H, S, A = data.H, data.S, data.A
    K = data.n_episodes or max(1, data.N // H)
    n = np.asarray(data.n)
    if r is None:
        rewards = np.asarray(data.r_hat, dtype=float)
    else:
        rewards = check_rewards(r, "r", H, S, A, data.reward_range)
    gam = tabular_penalty(n, penalty, xi=xi, K=K, rewards_known=r is not None,
                          adaptive=adaptive, c=c, lam=lam)
    P_hat = np.asarray(data.P_hat, dtype=float)
    if penalty == "jyw":
        shrink = n / (n + lam)
        P_hat = P_hat * shrink[..., None]
        rewards = rewards * shrink
    Q, V, policy, pen, backup = pessimistic_induction(P_hat, rewards, fixed_penalty=gam,
                                                      return_backup=True)
    res = PessimisticResult(policy, Q, V, pen, backup, f"pevi-tabular[{penalty}]",
                             {"penalty": penalty, "xi": xi, "K": K, "c": c, "lam": lam,
                              "rewards_known": r is not None, "adaptive": adaptive,
                              "tie_rule": "lowest"})
    reach = reachable_from_counts(policy, np.asarray(data.nn), rho)
    return flag_degenerate(res, reach, knob=KNOBS["pevi"])


# ------------------------------------------------------------------------ linear MDPs
def pevi_linear(episodes: Episodes, phi: np.ndarray, *, beta: float | None = None,
                c: float = 1.0, xi: float = 0.1, lam: float = 1.0,
                rho: np.ndarray | None = None) -> PessimisticResult:
    """PEVI for a linear MDP with finite S (JYW21 Algorithm 2).

    For h = H-1, ..., 0 with Phi = phi(s_h^k, a_h^k) (K, d), y = r_h^k + V_hat_{h+1}(s_{h+1}^k)::

        Lam_h   = Phi^T Phi + lam I_d
        w_h     = Lam_h^{-1} Phi^T y                           (ridge regression)
        Gamma_h = beta ||phi(s, a)||_{Lam_h^{-1}}              for every (s, a)
        Q_h     = min{phi . w_h - Gamma_h, H - h}^+

    Lam_h is factored by Cholesky and every ||phi||_{Lam^{-1}} comes from one triangular
    solve; Lam^{-1} is never formed.

    Parameters
    ----------
    episodes : :class:`mdplab.sampling.Episodes` (states (K, H+1), actions (K, H),
        rewards (K, H)).
    phi : features (S, A, d) or per step (H, S, A, d).
    beta : the penalty scale; default :func:`jyw_beta` (d, H, K, xi, c) (as recalled,
        unconfirmed; c hidden in the paper).
    rho : (S,) start distribution for the ``degenerate`` flag (default: the empirical
        distribution of the episodes' first states).

    Notes
    -----
    Small data: with c = 1, beta = d H sqrt(zeta) exceeds H - h wherever
    ||phi||_{Lam^{-1}} > 1/(d sqrt(zeta)), so Q_hat = 0 until every direction of phi has
    been seen about d^2 zeta times; then the policy is the tie rule's (``degenerate``).
    A smaller c (claim jin2021.linear_beta_calibration measures the smallest that works) is
    informative sooner, but Theorem 4.4's guarantee is stated for the paper's c only.
    """
    from ...sampling.trajectories import Episodes

    if not isinstance(episodes, Episodes):
        raise TypeError(f"episodes is {type(episodes).__name__}; expected Episodes")
    K, H = episodes.K, episodes.H
    if K < 1:
        raise ValueError("episodes has K = 0 episodes; PEVI needs K >= 1")
    phi = as_real_array(phi, "phi", ndim=(3, 4))
    if phi.ndim == 3:
        phi = np.broadcast_to(phi, (H, *phi.shape))
    if phi.shape[0] != H:
        raise ValueError(f"phi has shape {phi.shape}; expected (S, A, d) or (H, S, A, d) with "
                         f"H = {H}")
    _, S, A, d = phi.shape
    check_sizes(S=S, A=A, d=d)
    states, actions = np.asarray(episodes.states), np.asarray(episodes.actions)
    if states.max() >= S or actions.max() >= A:
        raise ValueError(f"episodes visit a state >= S = {S} or an action >= A = {A}; phi has "
                         f"shape {phi.shape}")
    lam = check_real(lam, "lam", 0.0, open_low=True)
    xi = _check_prob(xi, "xi")
    c = check_real(c, "c", 0.0, open_low=True)
    if beta is None:
        beta = jyw_beta(d, H, K, xi, c)
    else:
        beta = check_real(beta, "beta", 0.0)
    scale = float(np.abs(phi).max())
    if scale * scale * K > _GRAM_LIMIT:
        raise ValueError(f"phi is too large: max |phi| = {scale:g} with K = {K} episodes makes "
                         "Phi^T Phi overflow float64; rescale phi (the linear-MDP assumption of "
                         "Jin, Yang & Wang 2021 has ||phi(s, a)||_2 <= 1) and, to keep the same "
                         "penalty, lam by the square of the factor")
    rewards = np.asarray(episodes.rewards, dtype=float)

    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    policy = np.empty((H, S), dtype=np.int64)
    pen = np.empty((H, S, A))
    bk = np.empty((H, S, A))
    eye = lam * np.eye(d)
    for h in range(H - 1, -1, -1):
        Phi = phi[h][states[:, h], actions[:, h]]                 # (K, d)
        y = rewards[:, h] + V[h + 1][states[:, h + 1]]            # (K,)
        try:
            L = np.linalg.cholesky(Phi.T @ Phi + eye)
        except np.linalg.LinAlgError:
            raise ValueError(f"Lam_h = Phi^T Phi + lam I at step h = {h} is not numerically "
                             f"positive definite (lam = {lam:g}, max |phi| = {scale:g}); "
                             "increase lam or rescale phi") from None
        w = _chol_solve(L, Phi.T @ y)
        feats = phi[h].reshape(S * A, d)
        Z = _lower_solve(L, feats.T)                              # L^{-1} phi: (d, S*A)
        gam = beta * np.sqrt(np.einsum("ij,ij->j", Z, Z)).reshape(S, A)
        b = (feats @ w).reshape(S, A)
        for arr, what in ((b, "backup"), (gam, "penalty")):
            check_finite_result(arr, f"{what}[{h}]", "the ridge regression lost precision; "
                                "rescale phi towards ||phi(s, a)||_2 <= 1 or increase lam")
        q = np.clip(b - gam, 0.0, H - h)
        Q[h], pen[h], bk[h] = q, gam, b
        policy[h] = np.argmax(q, axis=1)
        V[h] = q.max(axis=1)
    res = PessimisticResult(policy, Q, V, pen, bk, "pevi-linear",
                            {"beta": float(beta), "c": c, "xi": xi, "lam": lam, "K": K,
                             "d": d, "tie_rule": "lowest"})
    reach = reachable_episodic(policy, np.tile(np.arange(H), K), states[:, :H].reshape(-1),
                               actions.reshape(-1), states[:, 1:].reshape(-1), rho)
    return flag_degenerate(res, reach, knob=KNOBS["pevi"])


def _lower_solve(L: np.ndarray, B: np.ndarray) -> np.ndarray:
    from scipy.linalg import solve_triangular

    return solve_triangular(L, B, lower=True, check_finite=False)


def _chol_solve(L: np.ndarray, b: np.ndarray) -> np.ndarray:
    from scipy.linalg import solve_triangular

    return solve_triangular(L.T, _lower_solve(L, b), lower=False, check_finite=False)


#: |phi|^2 K above which Phi^T Phi may overflow float64 (max is ~1.8e308)
_GRAM_LIMIT = 1e300


def pevi_linear_rate(d: int, H: int, K: int, xi: float, c_prime: float = 1.0) -> Bound:
    """c' d^{3/2} H^2 sqrt(zeta / K), zeta = log(2dHK/xi): the well-explored-data rate of
    JYW21 Corollary 4.5 (as recalled, unconfirmed). The constant c'
    depends on the coverage constant and on c and is not given: it is an argument."""
    d, H, K = check_sizes(d=d, H=H, K=K)
    xi = _check_prob(xi, "xi")
    c_prime = check_real(c_prime, "c_prime", 0.0, open_low=True)
    return Bound(c_prime * d ** 1.5 * H ** 2 * math.sqrt(math.log(2 * d * H * K / xi) / K), H)
