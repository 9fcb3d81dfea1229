"""VI-LCB for discounted MDPs from i.i.d. offline data: with sample splitting and a Hoeffding
penalty, and with a Bernstein penalty and no splitting; their bounds and exact checks.

Sources
-------
[RZMJR21] P. Rashidinejad, B. Zhu, C. Ma, J. Jiao, S. Russell (2021). Bridging Offline
    Reinforcement Learning and Imitation Learning: A Tale of Pessimism. NeurIPS 2021; IEEE
    Trans. Inf. Theory 68(12), 2022. arXiv:2103.12021.
[LSCCW22] G. Li, L. Shi, Y. Chen, Y. Chi, Y. Wei (2022). Settling the Sample Complexity of
    Model-Based Offline Reinforcement Learning. Ann. Statist. 52(1), 2024.
    arXiv:2204.05275 (equation numbers of the revised arXiv version).

Data model D-iid: N i.i.d. tuples (s_i, a_i, s'_i) with (s_i, a_i) ~ d^b and
s'_i ~ P(.|s_i, a_i) ([LSCCW22] eq. (17)); draw them with :func:`mdplab.sampling.sample_iid`.
The Bernstein algorithm needs only the counts n[s, a], nn[s, a, s'] (an
:class:`~mdplab.sampling.OfflineDataset` or a pair ``(n, nn)``) and the known reward
r (S, A) in [0, 1] ([LSCCW22] assumes known deterministic rewards).

What was checked in the papers
------------------------------------------------------------
- [LSCCW22] eq. (28), confirmed from a LaTeX transcription of the published paper (the
  PDF-to-text copy of the arXiv version we could read has the prose but not the displayed
  formulas; its prose confirms "c_b = 144" as the example value, the target success
  probability 1 - delta, and Algorithm 1 line by line)::

    b(s,a;V) = min{ max{ sqrt(c_b log(N/((1-gamma)delta)) Var_{P_hat_{s,a}}(V) / N(s,a)),
                         2 c_b log(N/((1-gamma)delta)) / ((1-gamma) N(s,a)) }, 1/(1-gamma) }
               + 5/N.

  So the library's max/min nesting and the +5/N term are right, and so is the log argument.
- [LSCCW22] eq. (25) (same transcription): where N(s,a) = 0 the paper sets
  P_hat(.|s,a) = 1/S (uniform), not the zero row that
  :attr:`mdplab.sampling.OfflineDataset.P_hat` uses ("0/0 = 0", [LSCCW22] Sec. 1.4). This changes
  nothing here: there b = 1/(1-gamma) + 5/N, and with r <= 1 and 0 <= V <= 1/(1-gamma)
  both rows give r + gamma P_hat V - b < 0, so Q_hat(s,a) = 0 either way, and both satisfy
  ``|(P_hat - P) V| <= 1/(1-gamma) < b``. The library keeps the zero row.
- Confirmed from the text: Algorithm 1 (Q_0 = 0; for tau = 1..tau_max: penalty
  b(s,a; V_{tau-1}), Q_tau = max{r + gamma P_hat V_{tau-1} - b, 0}, V_tau = max_a Q_tau;
  output the greedy policy of Q_{tau_max}, eq. (31)); Lemma 1 (gamma-contraction on
  [0, 1/(1-gamma)]^{SA} for gamma in [1/2, 1), unique fixed point in that box); Lemma 2
  (tau_max >= log(N/(1-gamma)) / log(1/gamma) gives ||Q_tau - Q*_pe||_inf <= 1/N);
  Theorem 1's hypotheses (gamma in [1/2, 1), delta in (0, 1), eps in (0, 1/(1-gamma)],
  tau_max >= log(N/(1-gamma)) / (1-gamma), probability >= 1 - 2 delta, C*_clipped may be
  replaced by C*); Remark 2 (c_b >= 144 and c_1 = 21000 c_b suffice); Theorem 2's
  hypotheses (gamma in [2/3, 1), S >= 2, C*_clipped >= 8 gamma / S,
  eps <= 1/(42 (1 - gamma))) and Remark 3 (c_2 = 1/25088); and that [RZMJR21] uses fresh
  samples in each of O~(1/(1-gamma)) iterations with a Hoeffding-style penalty and needs
  O~(S C* / ((1-gamma)^5 eps^2)) samples.
- Not confirmed: the displayed sample-size condition (35) of Theorem 1 (its log argument is
  inferred from the penalty; the proof's eq. (68) uses log(N S / ((1-gamma) delta)), both
  are offered by :func:`li2022_sample_size`); the failure probability 1/8 of Theorem 2
  (inferred from "with probability at least 7/8" in the proof).
- [RZMJR21]: NOT confirmed. Only the abstract and introduction of the
  arXiv text were available to us. The constant c_L (recalled as 2000), the log argument
  log(2 (T+1) S A / delta), T = ceil(log N / (1-gamma)), the role of fold 0 and the value
  -V_max for unseen pairs are as recalled by the library's authors and are arguments or documented
  choices here. Fold 0 is left unused by default;
  we could not check whether the paper uses it (e.g. for an initial estimate).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..._validation import (
    RngLike,
    as_float_array,
    as_int_array,
    as_rng,
    check_bool,
    check_positive_int,
    check_range,
    readonly,
)
from ...kernels.pessimism_discounted import pe_iterate, pe_operator, pe_penalty, split_iterate
from ...models.discounted import DiscountedMDP, check_gamma
from ...sampling.dataset import OfflineDataset
from ..bounds import Bound

__all__ = [
    "REMARK2_C1",
    "BernsteinVILCBResult",
    "SplitVILCBResult",
    "bernstein_penalty",
    "discounted_data_dependent_bound",
    "discounted_event",
    "discounted_suboptimality",
    "li2022_log_term",
    "li2022_lower_bound_sample_size",
    "li2022_rate",
    "li2022_sample_size",
    "li2022_tau_max",
    "lemma2_distance_bound",
    "pessimistic_operator",
    "rzmjr21_iterations",
    "rzmjr21_rate",
    "split_fold_counts",
    "discounted_two_point_lower_bound",
    "vi_lcb_bernstein",
    "vi_lcb_split",
    "vi_lcb_split_from_folds",
]

#: c_1 = 21000 c_b with c_b = 144: Remark 2 of [LSCCW22] (a conservative sufficient choice)
REMARK2_C1 = 21000 * 144


# ====================================================================== input checks
def _check_real(x, name: str, low: float = -math.inf, high: float = math.inf, *,
                open_low: bool = False, open_high: bool = False) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {x!r}")
    x = float(x)
    bad = (not math.isfinite(x)) or x < low or x > high or (open_low and x == low) or (
        open_high and x == high)
    if bad:
        lo, hi = ("(" if open_low else "["), (")" if open_high else "]")
        raise ValueError(f"{name} is {x:g}; must lie in {lo}{low:g}, {high:g}{hi}")
    return x


def _delta(delta) -> float:
    return _check_real(delta, "delta", 0.0, 1.0, open_low=True, open_high=True)


def _counts(data) -> tuple[np.ndarray, np.ndarray]:
    """(n (S, A), nn (S, A, S)) as int64 from an OfflineDataset or a pair (n, nn)."""
    if isinstance(data, OfflineDataset):
        if not data.discounted:
            raise ValueError(f"data has H = {data.H}; a discounted algorithm needs a dataset "
                             "with H = None (e.g. from sample_iid on a DiscountedMDP)")
        return np.asarray(data.n), np.asarray(data.nn)
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError("data must be an OfflineDataset or a pair (n, nn) of counts, got "
                        f"{type(data).__name__}")
    n = as_int_array(data[0], "n", ndim=2)
    nn = as_int_array(data[1], "nn", ndim=3)
    S, A = n.shape
    if nn.shape != (S, A, S):
        raise ValueError(f"nn has shape {nn.shape}; expected (S, A, S) = ({S}, {A}, {S})")
    for arr, name in ((n, "n"), (nn, "nn")):
        if (arr < 0).any():
            idx = [int(i) for i in np.argwhere(arr < 0)[0]]
            raise ValueError(f"{name}{idx} is {arr[tuple(idx)]}; counts must be >= 0")
    bad = nn.sum(axis=2) != n
    if bad.any():
        s, a = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"nn[{s}, {a}, :] sums to {int(nn[s, a].sum())} but n[{s}, {a}] is "
                         f"{int(n[s, a])}; they must agree")
    return n, nn


def _p_hat(data, n, nn) -> np.ndarray:
    if isinstance(data, OfflineDataset):
        return np.asarray(data.P_hat)
    return nn / np.maximum(n, 1)[..., None]


def _reward(r, S: int, A: int) -> np.ndarray:
    r = as_float_array(r, "r", ndim=2)
    if r.shape != (S, A):
        raise ValueError(f"r has shape {r.shape}; expected (S, A) = ({S}, {A})")
    check_range(r, "r", 0.0, 1.0)
    return r


def _c_b(c_b) -> float:
    return _check_real(c_b, "c_b", 0.0)


def _discounted_repr(res: Any, extra: str) -> str:
    from .result import headline_repr

    return headline_repr(res, ("algorithm", "Q", "degenerate"), {
        "V_hat max": lambda r: float(np.max(r.V)),
        "tied reachable s": lambda r: int(np.sum(r.tied & r.reachable)),
        extra: lambda r: "",
    }).replace(f", {extra}=", f", {extra}")


def _flag_discounted(res: Any, succ: np.ndarray, rho: np.ndarray | None, knob: str,
                     tied: np.ndarray | None = None) -> Any:
    """``res`` with the degenerate flag filled in (and one warning when it is set)."""
    from .degeneracy import reachable_discounted, summarise, tied_states, warn_degenerate

    policy = np.asarray(res.policy)
    tied = tied_states(np.asarray(res.Q)) if tied is None else tied
    reach = reachable_discounted(policy, succ, rho)
    degenerate, where, n = summarise(tied, reach)
    if degenerate:
        assert where is not None
        warn_degenerate(res.algorithm, where, n, int(reach.sum()),
                        float(np.max(np.asarray(res.Q)[where[0]])), knob)
    return dataclasses.replace(res, degenerate=degenerate, tied=readonly(tied),
                               reachable=readonly(reach),
                               degenerate_at=None if where is None else where[0])


# ====================================================================== [LSCCW22] Algorithm 1
def li2022_log_term(N: int, gamma: float, delta: float) -> float:
    """log(N / ((1 - gamma) delta)), the log factor of the penalty (28) of [LSCCW22]."""
    N = check_positive_int(N, "N")
    return math.log(N / ((1.0 - check_gamma(gamma)) * _delta(delta)))


def li2022_tau_max(N: int, gamma: float) -> int:
    """ceil(log(N / (1 - gamma)) / (1 - gamma)), at least 1: the iteration count required by
    Theorem 1 of [LSCCW22] (tau_max >= (1/(1-gamma)) log(N/(1-gamma)))."""
    N = check_positive_int(N, "N")
    g = check_gamma(gamma)
    return max(1, math.ceil(math.log(N / (1.0 - g)) / (1.0 - g)))


def bernstein_penalty(data: OfflineDataset | tuple[ArrayLike, ArrayLike], V: ArrayLike,
                      gamma: float, *, delta: float = 0.05,
                      c_b: float = 144.0) -> np.ndarray:
    """b(s, a; V) of [LSCCW22] eq. (28) for every (s, a); shape (S, A).

    b = min{max{sqrt(c_b L Var_{P_hat_{s,a}}(V) / N(s,a)), 2 c_b L / ((1-gamma) N(s,a))},
    1/(1-gamma)} + 5/N with L = log(N/((1-gamma) delta)), N the total sample size; where
    N(s,a) = 0, b = 1/(1-gamma) + 5/N. ``data``: OfflineDataset or (n, nn); V (S,).
    """
    n, nn = _counts(data)
    S, A = n.shape
    N = int(n.sum())
    g = check_gamma(gamma)
    V = as_float_array(V, "V", ndim=1)
    if V.shape != (S,):
        raise ValueError(f"V has shape {V.shape}; expected ({S},)")
    c_log = _c_b(c_b) * li2022_log_term(N, g, delta)
    return pe_penalty(_p_hat(data, n, nn), n, V, gamma=g, c_log=c_log, add=5.0 / N)


def pessimistic_operator(Q: ArrayLike, data: OfflineDataset | tuple[ArrayLike, ArrayLike],
                         r: ArrayLike, gamma: float, *, delta: float = 0.05,
                         c_b: float = 144.0) -> np.ndarray:
    """T_pe(Q)(s,a) = max{r(s,a) + gamma P_hat_{s,a} V - b(s,a;V), 0} with V(s) = max_a Q(s,a)
    and b of eq. (28) ([LSCCW22] eq. (27)); shape (S, A).

    Lemma 1 of [LSCCW22]: for gamma in [1/2, 1) this is a gamma-contraction in the sup norm
    on [0, 1/(1-gamma)]^{S x A} (checked by claim 4a).
    """
    n, nn = _counts(data)
    S, A = n.shape
    Q = as_float_array(Q, "Q", ndim=2)
    if Q.shape != (S, A):
        raise ValueError(f"Q has shape {Q.shape}; expected (S, A) = ({S}, {A})")
    N = int(n.sum())
    g = check_gamma(gamma)
    c_log = _c_b(c_b) * li2022_log_term(N, g, delta)
    return pe_operator(Q, _p_hat(data, n, nn), _reward(r, S, A), n, gamma=g, c_log=c_log,
                       add=5.0 / N)[0]


@dataclass(frozen=True, repr=False)
class BernsteinVILCBResult:
    """Output of :func:`vi_lcb_bernstein` ([LSCCW22] Algorithm 1).

    Attributes
    ----------
    policy : (S,) int64, argmax_a Q[s, a] (ties to the lowest index), eq. (31).
    Q : (S, A) the last iterate Q_hat_{tau}.
    V : (S,) V_hat(s) = max_a Q[s, a].
    penalty : (S, A) b(s, a; V_hat) of eq. (28) evaluated at the returned V_hat (what the
        event of claim 3 and the data-dependent bound use).
    next_value : (S, A) P_hat_{s,a} . V_hat (0 on unseen pairs).
    n_iter : number of applications of the operator.
    last_change : ||Q_tau - Q_{tau-1}||_inf at the last iteration.
    stopped_by_tol : whether the ``tol`` rule stopped the loop before ``tau_max``.
    history : (n_iter + 1, S, A) the iterates Q_0..Q_tau (``keep_history=True``), else None.
    algorithm : "vi-lcb-bernstein".
    params : N, gamma, delta, c_b, log_term, tau_max, tol.
    degenerate, tied (S,), reachable (S,), degenerate_at : the tie-breaking flag of
        :mod:`mdplab.algorithms.offline.degeneracy` (closure of supp(rho) under the observed
        transitions (s, pi(s), s')).
    """

    policy: np.ndarray
    Q: np.ndarray
    V: np.ndarray
    penalty: np.ndarray
    next_value: np.ndarray
    n_iter: int
    last_change: float
    stopped_by_tol: bool
    history: np.ndarray | None = None
    algorithm: str = "vi-lcb-bernstein"
    params: dict[str, Any] = field(default_factory=dict)
    degenerate: bool = False
    tied: np.ndarray | None = None
    reachable: np.ndarray | None = None
    degenerate_at: int | None = None

    def __repr__(self) -> str:
        return _discounted_repr(self, f"n_iter={self.n_iter}, last_change={self.last_change:.3g}")


def vi_lcb_bernstein(data: OfflineDataset | tuple[ArrayLike, ArrayLike], r: ArrayLike,
                     gamma: float, *, delta: float = 0.05, c_b: float = 144.0,
                     tau_max: int | None = None, tol: float | None = None,
                     Q0: np.ndarray | None = None, keep_history: bool = False,
                     rho: np.ndarray | None = None) -> BernsteinVILCBResult:
    """VI-LCB with the Bernstein penalty and no sample splitting ([LSCCW22] Algorithm 1).

    Q_0 = 0 (or ``Q0``); for tau = 1..tau_max: Q_tau = T_pe(Q_{tau-1}) (eq. (27) with the
    penalty (28) at V_{tau-1} = max_a Q_{tau-1}); all N samples are used in every iteration.
    Output: the greedy policy of the last iterate (eq. (31)).

    Parameters
    ----------
    data : OfflineDataset (discounted, e.g. from :func:`mdplab.sampling.sample_iid`) or a
        pair (n (S, A), nn (S, A, S)) of counts; N = n.sum() >= 1.
    r : (S, A) known rewards in [0, 1].
    gamma : discount in [0, 1). Lemmas 1-2 and Theorem 1 need gamma >= 1/2.
    delta : in (0, 1); 1 - delta is the target success probability (the theorem's event has
        probability >= 1 - 2 delta).
    c_b : the penalty constant >= 0; 144 is the paper's example and Remark 2's sufficient
        value. c_b = 0 leaves b = 5/N (the plug-in, for comparisons).
    tau_max : number of iterations; default :func:`li2022_tau_max` (Theorem 1's
        requirement). Lemma 2: ||Q_tau - Q*_pe||_inf <= gamma^tau / (1-gamma).
    tol : stop as soon as ||Q_tau - Q_{tau-1}||_inf <= tol (None: run all tau_max).
    Q0 : (S, A) initial iterate (default 0, the paper's); for tests of Lemma 1.
    keep_history : store every iterate (memory (tau_max + 1) S A).
    rho : (S,) start distribution for the ``degenerate`` flag (default: every state that
        appears in the data).

    Notes
    -----
    Small data: with c_b = 144 the penalty reaches its cap 1/(1-gamma) until n(s, a) is in
    the thousands, so Q_hat = 0 and the policy is the tie rule's (``degenerate``). A smaller
    c_b is informative sooner but voids Theorem 1 (Remark 2 needs c_b >= 144).
    """
    n, nn = _counts(data)
    S, A = n.shape
    N = int(n.sum())
    if N < 1:
        raise ValueError("data holds no sample (n.sum() is 0); need N >= 1")
    g = check_gamma(gamma)
    d = _delta(delta)
    cb = _c_b(c_b)
    rr = _reward(r, S, A)
    tau = li2022_tau_max(N, g) if tau_max is None else check_positive_int(tau_max, "tau_max")
    keep_history = check_bool(keep_history, "keep_history")
    if tol is not None:
        tol = _check_real(tol, "tol", 0.0)
    if Q0 is not None:
        Q0 = as_float_array(Q0, "Q0", ndim=2)
        if Q0.shape != (S, A):
            raise ValueError(f"Q0 has shape {Q0.shape}; expected (S, A) = ({S}, {A})")
    log_term = li2022_log_term(N, g, d)
    c_log, add = cb * log_term, 5.0 / N
    P_hat = _p_hat(data, n, nn)
    Q, V, it, change, hist = pe_iterate(P_hat, rr, n, gamma=g, c_log=c_log, add=add,
                                        tau_max=tau, tol=-1.0 if tol is None else tol, Q0=Q0,
                                        record=bool(keep_history))
    _, b, m = pe_operator(Q, P_hat, rr, n, gamma=g, c_log=c_log, add=add, V=V)
    policy = np.argmax(Q, axis=1).astype(np.int64)
    res = BernsteinVILCBResult(
        policy=readonly(policy), Q=readonly(Q), V=readonly(V), penalty=readonly(b),
        next_value=readonly(m), n_iter=it, last_change=change,
        stopped_by_tol=bool(tol is not None and change <= tol),
        history=None if hist is None else readonly(hist),
        params={"N": N, "gamma": g, "delta": d, "c_b": cb, "log_term": log_term,
                "tau_max": tau, "tol": tol, "tie_rule": "lowest index"})
    return _flag_discounted(res, nn, rho, "c_b")


# ====================================================================== exact checks
def _require(mdp, result):
    if not isinstance(mdp, DiscountedMDP):
        raise TypeError(f"mdp is {type(mdp).__name__}; these checks need a DiscountedMDP")
    if not isinstance(result, BernsteinVILCBResult):
        raise TypeError(f"result is {type(result).__name__}; expected a BernsteinVILCBResult")
    if result.Q.shape != mdp.shape:
        raise ValueError(f"result.Q has shape {result.Q.shape}; the MDP is (S, A) = {mdp.shape}")


def discounted_event(mdp: DiscountedMDP, result: BernsteinVILCBResult,
                     slack: float = 0.0) -> dict:
    """Whether ``|(P_hat_{s,a} - P_{s,a}) V_hat| <= b(s, a; V_hat) + slack`` for all (s, a),
    computed exactly with the true kernel (the event of the proof of Theorem 1 of [LSCCW22],
    Step 3; claim li2022_discounted.event_implications).

    Returns ``{"holds", "worst_excess": max(|(P_hat - P) V_hat| - b), "where": (s, a)}``.
    """
    _require(mdp, result)
    slack = _check_real(slack, "slack", 0.0)
    excess = np.abs(result.next_value - mdp.expected_next(np.asarray(result.V))) - result.penalty
    s, a = np.unravel_index(int(np.argmax(excess)), excess.shape)
    worst = float(excess[s, a])
    return {"holds": worst <= slack, "worst_excess": worst, "where": (int(s), int(a))}


def _optimal(mdp: DiscountedMDP):
    from ...planning import policy_iteration

    return policy_iteration(mdp)


def discounted_data_dependent_bound(mdp: DiscountedMDP, result: BernsteinVILCBResult, *,
                                    policy_star: np.ndarray | None = None,
                                    factor: float | None = None) -> Bound:
    """(2/(1-gamma)) sum_s d*_rho(s) b(s, pi*(s); V_hat): the data-dependent bound on
    V*(rho) - V_hat(rho) (hence on the suboptimality, by pessimism) on the event of
    :func:`discounted_event`.

    Derivation (proof of Theorem 1 of [LSCCW22], Steps 2-3, exact at the fixed point
    Q_hat = T_pe(Q_hat)): Q_hat(s,a) >= r + gamma P_hat V_hat - b, so on the event
    V* - V_hat <= gamma P_{pi*} (V* - V_hat) + (1 + gamma) b*, b*(s) = b(s, pi*(s); V_hat);
    solving, rho.(V* - V_hat) <= ((1+gamma)/(1-gamma)) <d*_rho, b*> with d*_rho the
    normalised discounted state occupancy of pi* from the model's rho. ``factor`` replaces
    2/(1-gamma) (e.g. (1+gamma)/(1-gamma), the exact constant of this derivation).
    ``policy_star`` defaults to an optimal policy (policy iteration, ties to the lowest index).
    """
    _require(mdp, result)
    from ...planning import occupancy_measure

    if policy_star is None:
        policy_star = _optimal(mdp).policy
    pi = as_int_array(policy_star, "policy_star", ndim=1)
    if pi.shape != (mdp.S,):
        raise ValueError(f"policy_star has shape {pi.shape}; expected a deterministic policy "
                         f"(S,) = ({mdp.S},)")
    bad = (pi < 0) | (pi >= mdp.A)
    if bad.any():
        s = int(np.argmax(bad))
        raise ValueError(f"policy_star[{s}] is {pi[s]}; must be in {{0, ..., {mdp.A - 1}}}")
    d_state = occupancy_measure(mdp, pi).sum(axis=1)
    b_star = np.asarray(result.penalty)[np.arange(mdp.S), pi]
    f = 2.0 / (1.0 - mdp.gamma) if factor is None else _check_real(factor, "factor", 0.0)
    lo, hi = mdp.reward_range
    return Bound(float(f * d_state @ b_star), (hi - lo) / (1.0 - mdp.gamma))


def discounted_suboptimality(mdp: DiscountedMDP, policy: ArrayLike) -> float:
    """V*(rho) - V^pi(rho), both exact (policy iteration and a linear solve)."""
    if not isinstance(mdp, DiscountedMDP):
        raise TypeError(f"mdp is {type(mdp).__name__}; expected a DiscountedMDP")
    from ...planning import evaluate_policy

    return float(_optimal(mdp).value - evaluate_policy(mdp, policy).value)


# ====================================================================== [RZMJR21] splitting
def rzmjr21_iterations(N: int, gamma: float) -> int:
    """T = ceil(log(N) / (1 - gamma)), at least 1 ([RZMJR21] VI-LCB, as recalled
    Sec. 5 -- unconfirmed)."""
    N = check_positive_int(N, "N")
    return max(1, math.ceil(math.log(N) / (1.0 - check_gamma(gamma))))


@dataclass(frozen=True, repr=False)
class SplitVILCBResult:
    """Output of :func:`vi_lcb_split` / :func:`vi_lcb_split_from_folds`.

    Attributes
    ----------
    policy : (S,) int64, pi_T.
    V : (S,) V_T (the monotone iterate; V_0 = 0).
    Q : (S, A) Q_T, the last fold's pessimistic Q (-V_max where m_T(s,a) = 0).
    V_history : (T+1, S) V_0..V_T (claim 8: non-decreasing in t).
    policy_history : (T+1, S) int64 pi_0..pi_T (pi_0 = 0; pi_t(s) changes only where V_t(s)
        strictly increased).
    algorithm : "vi-lcb-split".
    params : N, T, m (tuples per fold), gamma, delta, c_L, L, unused tuples, reward source.
    degenerate, tied, reachable, degenerate_at : as in :class:`BernsteinVILCBResult`; a state
        whose V never rose above V_0 = 0 keeps pi_0 = 0 and counts as tied.
    """

    policy: np.ndarray
    V: np.ndarray
    Q: np.ndarray
    V_history: np.ndarray
    policy_history: np.ndarray
    algorithm: str = "vi-lcb-split"
    params: dict[str, Any] = field(default_factory=dict)
    degenerate: bool = False
    tied: np.ndarray | None = None
    reachable: np.ndarray | None = None
    degenerate_at: int | None = None

    def __repr__(self) -> str:
        return _discounted_repr(self, f"T={self.V_history.shape[0] - 1}")


def vi_lcb_split_from_folds(nn_folds: np.ndarray, gamma: float, *, N: int,
                            r: np.ndarray | None = None, r_folds: np.ndarray | None = None,
                            delta: float = 0.05, c_L: float = 2000.0,
                            rho: np.ndarray | None = None) -> SplitVILCBResult:
    """The iteration of the splitting VI-LCB given the per-fold counts ([RZMJR21]).

    For t = 1..T (T = nn_folds.shape[0] - 1; fold 0 is not used, see the module docstring):
    Q_t = r_t - b_t + gamma P_t V_{t-1} with b_t = V_max sqrt(L / m_t(s,a)),
    V_max = 1/(1-gamma), L = c_L log(2 (T+1) S A / delta), and Q_t = -V_max where
    m_t(s,a) = 0; then V_t(s) = max_a Q_t(s,a) and pi_t(s) = argmax only where this
    exceeds V_{t-1}(s), else both are kept (the monotone step). Returns pi_T.

    Parameters
    ----------
    nn_folds : (T+1, S, A, S) next-state counts of each fold (T >= 1).
    gamma : discount in [0, 1).
    N : the total sample size (enters nothing but the record; T is taken from the folds).
    r : (S, A) known rewards in [0, 1]; or
    r_folds : (T+1, S, A) fold mean observed rewards (0 where m_t = 0), the paper's setting.
        Exactly one of ``r`` and ``r_folds`` must be given.
    delta : in (0, 1).
    c_L : the constant in L (recalled as 2000 -- unconfirmed), > 0. Small data: with
        c_L = 2000 the fold penalty V_max sqrt(L / m) exceeds V_max unless a fold holds
        thousands of samples of a pair, so V never rises and pi_T = pi_0 = 0 (``degenerate``);
        a smaller c_L is informative sooner but the recalled guarantee needs c_L as given.
    rho : (S,) start distribution for the ``degenerate`` flag (default: every state seen).

    Notes
    -----
    Any random split of N i.i.d. tuples into folds gives folds that are independent i.i.d.
    samples, so fold counts may also be drawn directly (multinomial) with the same law.
    """
    nn = as_int_array(nn_folds, "nn_folds", ndim=4)
    T1, S, A, S2 = nn.shape
    if S2 != S or T1 < 2:
        raise ValueError(f"nn_folds has shape {nn.shape}; expected (T+1, S, A, S) with T >= 1")
    if (nn < 0).any():
        idx = [int(i) for i in np.argwhere(nn < 0)[0]]
        raise ValueError(f"nn_folds{idx} is negative; counts must be >= 0")
    g = check_gamma(gamma)
    d = _delta(delta)
    cL = _check_real(c_L, "c_L", 0.0, open_low=True)
    N = check_positive_int(N, "N")
    if (r is None) == (r_folds is None):
        raise ValueError("give exactly one of r (known rewards) and r_folds (fold means)")
    if r is not None:
        rf = np.broadcast_to(_reward(r, S, A), (T1, S, A))
    else:
        rf = as_float_array(r_folds, "r_folds", ndim=3)
        if rf.shape != (T1, S, A):
            raise ValueError(f"r_folds has shape {rf.shape}; expected (T+1, S, A) = "
                             f"({T1}, {S}, {A})")
        check_range(rf, "r_folds", 0.0, 1.0)
    T = T1 - 1
    v_max = 1.0 / (1.0 - g)
    L = cL * math.log(2.0 * (T + 1) * S * A / d)
    V_hist, pi_hist, Q = split_iterate(nn, rf, gamma=g, c_pen=v_max * math.sqrt(L), v_max=v_max)
    res = SplitVILCBResult(
        policy=readonly(pi_hist[-1].copy()), V=readonly(V_hist[-1].copy()), Q=readonly(Q),
        V_history=readonly(V_hist), policy_history=readonly(pi_hist),
        params={"N": N, "T": T, "gamma": g, "delta": d, "c_L": cL, "L": L,
                "reward": "known" if r is not None else "fold means", "fold0": "unused",
                "tie_rule": "lowest index"})
    never_rose = ~(V_hist[1:] > V_hist[:-1]).any(axis=0)
    return _flag_discounted(res, nn[1:].sum(axis=0), rho, "c_L", tied=never_rose)


def split_fold_counts(data: OfflineDataset, gamma: float, rng: RngLike = 0) -> tuple[np.ndarray,
                      np.ndarray, int]:
    """The random split of the splitting VI-LCB: T = :func:`rzmjr21_iterations` (N, gamma),
    the N tuples shuffled with ``rng`` and cut into T+1 folds of m = floor(N/(T+1)) tuples
    (folds 0..T in order; the N - (T+1) m left over are unused).

    Returns (nn_folds (T+1, S, A, S) int64, r_folds (T+1, S, A) fold mean observed rewards,
    0 where a pair is absent, m). Raises ValueError when N < T + 1.
    """
    if not isinstance(data, OfflineDataset):
        raise TypeError(f"data must be an OfflineDataset, got {type(data).__name__}")
    if not data.discounted:
        raise ValueError(f"data has H = {data.H}; the split needs a discounted dataset")
    g = check_gamma(gamma)
    N = data.N
    if N < 1:
        raise ValueError("data holds no sample; need N >= 1")
    T = rzmjr21_iterations(N, g)
    m = N // (T + 1)
    if m < 1:
        raise ValueError(f"N is {N}; the split into T+1 = {T + 1} folds (T = ceil(log N/(1-gamma)))"
                         f" needs N >= {T + 1}")
    S, A = data.S, data.A
    perm = as_rng(rng).permutation(N)[: (T + 1) * m]
    fold = np.repeat(np.arange(T + 1), m)
    s, a, sp = (np.asarray(x)[perm] for x in (data.s, data.a, data.s_next))
    pair = (fold * S + s) * A + a
    nn = np.bincount(pair * S + sp, minlength=(T + 1) * S * A * S).reshape(T + 1, S, A, S)
    rsum = np.bincount(pair, weights=np.asarray(data.r)[perm],
                       minlength=(T + 1) * S * A).reshape(T + 1, S, A)
    return nn, rsum / np.maximum(nn.sum(axis=3), 1), m


def vi_lcb_split(data: OfflineDataset, gamma: float, *, delta: float = 0.05,
                 c_L: float = 2000.0,
                 rng: int | np.random.Generator | np.random.SeedSequence | None = 0,
                 r: np.ndarray | None = None,
                 rho: np.ndarray | None = None) -> SplitVILCBResult:
    """VI-LCB with sample splitting and a Hoeffding penalty ([RZMJR21], recalled).

    :func:`split_fold_counts` (T = ceil(log N / (1-gamma)) and T+1 folds of
    m = floor(N/(T+1)) tuples), then :func:`vi_lcb_split_from_folds` with fold t's counts
    m_t, kernel P_t and mean observed rewards r_t (or the known ``r``). Data waste for the
    record: gamma = 0.99 and N = 10^5 give T = 1152 and m = 86.

    Parameters
    ----------
    data : a discounted OfflineDataset (observed rewards ``data.r`` are used unless ``r``).
    gamma, delta, c_L : as in :func:`vi_lcb_split_from_folds`.
    rng : seed or Generator for the split.
    r : optional (S, A) known rewards.

    Notes
    -----
    Raises ValueError when N < T + 1 (a fold would be empty).
    """
    nn, r_folds, m = split_fold_counts(data, gamma, rng)
    kw = {"r_folds": r_folds} if r is None else {"r": r}
    res = vi_lcb_split_from_folds(nn, gamma, N=data.N, delta=delta, c_L=c_L, rho=rho, **kw)
    return dataclasses.replace(res, params={**res.params, "m": m,
                                            "unused": data.N - nn.shape[0] * m})


# ====================================================================== bounds
def li2022_sample_size(N: int, S: int, C: float, gamma: float, epsilon: float, delta: float,
                       *, c_1: float = REMARK2_C1, log_arg: str = "penalty") -> float:
    """Right side of Theorem 1's sample-size condition of [LSCCW22]:
    N >= c_1 S C log(.) / ((1-gamma)^3 eps^2) guarantees V*(rho) - V^pi_hat(rho) <= eps with
    probability >= 1 - 2 delta (C = C*_clipped, or C*).

    ``c_1`` is the paper's unspecified constant (Remark 2: c_1 = 21000 c_b with c_b >= 144
    suffices; default 21000 * 144). ``log_arg``: "penalty" -> log(N/((1-gamma) delta)) (as
    inferred from the penalty), "proof" -> log(N S/((1-gamma) delta)) (eq. (68)); the
    displayed condition (35) was not available to us. Returns the threshold; the condition
    holds when ``N >=`` it. Vacuous in practice: about 3e6 S C / (1-gamma)^3 even for eps = 1.
    """
    N = check_positive_int(N, "N")
    S = check_positive_int(S, "S")
    C = _check_real(C, "C", 0.0, open_low=True)
    g = check_gamma(gamma)
    eps = _check_real(epsilon, "epsilon", 0.0, 1.0 / (1.0 - g), open_low=True)
    d = _delta(delta)
    c1 = _check_real(c_1, "c_1", 0.0, open_low=True)
    if log_arg not in ("penalty", "proof"):
        raise ValueError(f"log_arg is {log_arg!r}; must be 'penalty' or 'proof'")
    L = math.log(N * (S if log_arg == "proof" else 1) / ((1.0 - g) * d))
    return c1 * S * C * L / ((1.0 - g) ** 3 * eps ** 2)


def li2022_rate(N: int, S: int, C: float, gamma: float, delta: float, *,
                c_1: float = REMARK2_C1, log_arg: str = "penalty") -> Bound:
    """The rate form of Theorem 1 of [LSCCW22]: eps(N) = sqrt(c_1 S C L / ((1-gamma)^3 N)),
    L as in :func:`li2022_sample_size`. The theorem says nothing when this exceeds
    1/(1-gamma) (returned as is, not clipped). ``c_1`` hidden constant (Remark 2 default)."""
    N = check_positive_int(N, "N")
    S = check_positive_int(S, "S")
    C = _check_real(C, "C", 0.0, open_low=True)
    g = check_gamma(gamma)
    d = _delta(delta)
    c1 = _check_real(c_1, "c_1", 0.0, open_low=True)
    if log_arg not in ("penalty", "proof"):
        raise ValueError(f"log_arg is {log_arg!r}; must be 'penalty' or 'proof'")
    L = math.log(N * (S if log_arg == "proof" else 1) / ((1.0 - g) * d))
    return Bound(math.sqrt(c1 * S * C * L / ((1.0 - g) ** 3 * N)), 1.0 / (1.0 - g))


def li2022_lower_bound_sample_size(S: int, C: float, gamma: float, epsilon: float, *,
                                   c_2: float = 1.0 / 25088) -> float:
    """c_2 S C / ((1-gamma)^3 eps^2): with at most this many samples every estimator fails
    (V*(rho) - V^pi_hat(rho) > eps) with probability >= 1/8 on one of two MDPs
    (Theorem 2 of [LSCCW22]; c_2 = 1/25088 from Remark 3; the 1/8 is inferred, see the
    module docstring). Raises ValueError outside the theorem's hypotheses: gamma in
    [2/3, 1), S >= 2, C >= 8 gamma / S, eps <= 1/(42 (1 - gamma))."""
    S = check_positive_int(S, "S", minimum=2)
    g = check_gamma(gamma)
    if g < 2.0 / 3.0:
        raise ValueError(f"gamma is {g:g}; Theorem 2 needs gamma in [2/3, 1)")
    C = _check_real(C, "C", 8.0 * g / S)
    eps = _check_real(epsilon, "epsilon", 0.0, 1.0 / (42.0 * (1.0 - g)), open_low=True)
    c2 = _check_real(c_2, "c_2", 0.0, open_low=True)
    return c2 * S * C / ((1.0 - g) ** 3 * eps ** 2)


def rzmjr21_rate(N: int, S: int, C_star: float, gamma: float, *, c: float = 1.0) -> Bound:
    """c sqrt(S C* / ((1-gamma)^5 N)): the suboptimality rate of the splitting VI-LCB
    ([RZMJR21]; the form is confirmed by [LSCCW22] Table 1, up to log factors). ``c`` stands
    for the hidden constant and log factors, which the sources do not give (default 1)."""
    N = check_positive_int(N, "N")
    S = check_positive_int(S, "S")
    C_star = _check_real(C_star, "C_star", 0.0, open_low=True)
    g = check_gamma(gamma)
    c = _check_real(c, "c", 0.0, open_low=True)
    return Bound(c * math.sqrt(S * C_star / ((1.0 - g) ** 5 * N)), 1.0 / (1.0 - g))


def discounted_two_point_lower_bound(N: int, kl_per_sample: float) -> float:
    """max{e^{-N KL_1}/4, (1 - sqrt(N KL_1 / 2))/2}: a lower bound on
    max_theta P_theta(theta_hat != theta) for any estimator theta_hat built from N i.i.d.
    samples of one of two laws whose per-sample KL divergence is KL_1 (Tsybakov 2009,
    "Introduction to Nonparametric Estimation", Thm 2.2(iii), with KL additive over
    independent samples). On :func:`mdplab.envs.hard_discounted` a wrong action at state 0
    costs 2 eps, so this lower-bounds P(SubOpt >= 2 eps) (claim
    li2022_discounted.two_point_lower_bound)."""
    N = check_positive_int(N, "N", minimum=0)
    kl = _check_real(kl_per_sample, "kl_per_sample", 0.0)
    x = N * kl
    return max(0.25 * math.exp(-x), 0.5 * (1.0 - math.sqrt(x / 2.0)))


def lemma2_distance_bound(tau: int, gamma: float) -> Bound:
    """gamma^tau / (1-gamma): Lemma 2 of [LSCCW22] bounds ||Q_tau - Q*_pe||_inf by this for
    the iterates of Algorithm 1 from Q_0 = 0 (gamma in [1/2, 1))."""
    tau = check_positive_int(tau, "tau", minimum=0)
    g = check_gamma(gamma)
    return Bound(g ** tau / (1.0 - g), 1.0 / (1.0 - g))
