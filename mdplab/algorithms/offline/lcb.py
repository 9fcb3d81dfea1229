"""LCB for offline multi-armed and contextual bandits, its baselines, and its bounds.

Source: P. Rashidinejad, B. Zhu, C. Ma, J. Jiao, S. Russell (2021), "Bridging Offline
Reinforcement Learning and Imitation Learning: A Tale of Pessimism", NeurIPS 2021,
arXiv 2103.12021 [RZMJR21].

Algorithms (arrays in, small frozen dataclasses out)
----------------------------------------------------
* LCB for MAB: n[a] = count of arm a, r_hat[a] = mean observed reward (n > 0),
  b[a] = sqrt(L / (2 n[a])) with L = log(2A/delta) (Hoeffding + a union bound over the
  arms), a_hat = argmax_a r_hat[a] - b[a]  (:func:`lcb_mab`, :func:`lcb_mab_counts`).
* LCB for contextual bandits: the same rule in every context with n[s, a],
  L = log(2SA/delta)  (:func:`lcb_cb`, :func:`lcb_cb_counts`).
* Baselines: MPA, the most played arm (behaviour cloning; :func:`mpa`), EBA, the
  empirical best arm (greedy, no penalty; :func:`eba`); per-context MPA (:func:`bc_cb`)
  and greedy plug-in (:func:`greedy_cb`).
* Many datasets at once (the Monte Carlo of the claims): :func:`mab_choices` on counts
  (M, A) and :func:`cb_choices` on counts (M, S, A). The loop over datasets is a numba
  kernel (``_choose_rows``); ``_choose_rows_reference`` is its numpy reference.

Conventions [lib]. ``delta`` defaults to 1/N, N the dataset size.
``unseen="neg_inf"`` (default): an arm with n = 0 is never chosen unless every arm of the
context is unseen (then the tie rule picks among all arms); ``unseen="paper"``:
r_hat = 0 and b = 1 when n = 0 (LCB index -1; EBA index 0). ``tie="lowest"`` (default):
the lowest index among the maximisers; ``tie="uniform"``: uniform among them, drawn
from ``rng`` (required then). Ties are exact float equality. b is not clipped.

What was checked in the source (search of stored copies of arXiv 2103.12021v1/v2):
the abstract and the introduction -- LCB is studied in multi-armed bandits, contextual
bandits and MDPs under a single-policy ("weak") concentrability coefficient; it attains
a 1/N rate on nearly-expert data against the usual 1/sqrt(N); it is adaptively optimal
for contextual bandits and almost adaptively optimal for MDPs; behaviour cloning attains
1/N on expert data (Rajaraman et al. 2020). Unconfirmed (the body of the paper was not
available in text form): the exact penalty (the constant 2 and
the log argument log(2A/delta), resp. log(2SA/delta)); the unseen-arm convention
(recalled: r_hat = 0, b = 1); whether b is clipped; the theorem numbers and the exact
regime statements, in particular the contextual form sqrt(S(C*-1)/N) + S/N and the
threshold of the nearly-expert regime; the paper's lower-bound instances; whether the
paper has simulations. Every log argument is computed by :func:`lcb_log_term`, so a
corrected formula is a one-line change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numba import njit
from numpy.typing import ArrayLike
from scipy import special, stats

from ..._validation import (
    RngLike,
    as_float_array,
    as_int_array,
    as_rng,
    check_bool,
    check_positive_int,
    check_probability_rows,
    check_range,
    check_real,
    check_shape,
)
from ...planning.results import compact_repr
from ..bounds import Bound, BoundArray, as_bound

__all__ = [
    "BanditDecision",
    "ContextualDecision",
    "bc_cb",
    "bc_cb_counts",
    "bernoulli_kl",
    "cb_choices",
    "cb_suboptimality",
    "eba",
    "eba_counts",
    "expert_cb_suboptimality",
    "greedy_cb",
    "greedy_cb_counts",
    "hoeffding_bonus",
    "lcb_cb",
    "lcb_cb_counts",
    "lcb_cb_rate_bound",
    "lcb_log_term",
    "lcb_mab",
    "lcb_mab_counts",
    "lcb_mab_hoeffding_bound",
    "lcb_mab_rate_bound",
    "mab_choices",
    "mab_suboptimality",
    "mpa",
    "mpa_counts",
    "mpa_two_arm_suboptimality",
    "mab_two_point_lower_bound",
    "unseen_context_gap",
]

#: the trivial bound on a bandit suboptimality (rewards in [0, 1])
TRIVIAL_BANDIT = 1.0

RULES = ("lcb", "eba", "mpa")
UNSEEN = ("neg_inf", "paper")
TIES = ("lowest", "uniform")
_RULE_CODE = {"lcb": 0, "eba": 1, "mpa": 2}


# ------------------------------------------------------------------ small checks
def _choice(x: object, name: str, choices: tuple[str, ...]) -> str:
    if not isinstance(x, str) or x not in choices:
        raise ValueError(f"{name} is {x!r}; must be one of {', '.join(map(repr, choices))}")
    return x


def _sample_sizes(N: object, name: str = "N", minimum: float = 1.0) -> np.ndarray:
    """A sample size or an array of them: real, finite, >= minimum (float64 array)."""
    arr = as_float_array(N, name)
    bad = arr < minimum
    if bad.any():
        idx = [int(i) for i in np.argwhere(bad)[0]] if arr.ndim else []
        where = f"{name}{idx}" if arr.ndim else name
        raise ValueError(f"{where} is {arr[tuple(idx)]:g}; must be >= {minimum:g}")
    return arr


def _delta(delta) -> float | None:
    if delta is None:
        return None
    if isinstance(delta, bool) or not isinstance(delta, (int, float, np.floating, np.integer)):
        raise TypeError(f"delta must be a real number in (0, 1], got {delta!r}")
    d = float(delta)
    if not (0.0 < d <= 1.0):
        raise ValueError(f"delta is {d}; must lie in (0, 1]")
    return d


def _counts(n, r_sum, ndim: int, need_rewards: bool):
    n = as_int_array(n, "n", ndim=ndim)
    if n.size and n.min() < 0:
        idx = tuple(int(i) for i in np.argwhere(n < 0)[0])
        raise ValueError(f"n{list(idx)} is {n[idx]}; counts must be >= 0")
    if r_sum is None:
        if need_rewards:
            raise ValueError("r_sum is required for the 'lcb' and 'eba' rules")
        return n, np.zeros(n.shape)
    r_sum = as_float_array(r_sum, "r_sum", ndim=ndim)
    check_shape(r_sum, "r_sum", n.shape)
    bad = (r_sum < 0) | (r_sum > n)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"r_sum{list(idx)} is {r_sum[idx]:.6g} with n = {n[idx]}; rewards "
                         "must lie in [0, 1], so 0 <= r_sum <= n")
    return n, r_sum


def lcb_log_term(*, A: int, delta: float, S: int = 1) -> float:
    """L = log(2 S A / delta), the log term of the LCB bonus.

    [RZMJR21] LCB for MAB (S = 1: log(2A/delta)) and per context for contextual bandits
    (log(2SA/delta)): Hoeffding's inequality for each (s, a) with probability delta/(SA),
    union bound. Unconfirmed in the source: the log argument.
    """
    A = check_positive_int(A, "A")
    S = check_positive_int(S, "S")
    d = _delta(delta)
    if d is None:
        raise ValueError("delta is required")
    return float(math.log(2.0 * S * A / d))


def hoeffding_bonus(n: ArrayLike, *, log_term: float, unseen: str = "neg_inf") -> np.ndarray:
    """b = sqrt(L / (2 n)) elementwise, for counts ``n`` of any shape.

    Hoeffding: for n i.i.d. rewards in [0, 1], ``P(|r_hat - r| > b) <= 2 exp(-2 n b^2)``
    = 2 exp(-L). Where n = 0: +inf with ``unseen="neg_inf"`` (the arm's index is -inf),
    1 with ``unseen="paper"`` (the recalled convention of [RZMJR21], unconfirmed).
    """
    _choice(unseen, "unseen", UNSEEN)
    n = as_int_array(n, "n")
    if n.size and n.min() < 0:
        idx = [int(i) for i in np.argwhere(n < 0)[0]]
        raise ValueError(f"n{idx} is {n[tuple(idx)]}; counts must be >= 0")
    L = check_real(log_term, "log_term", 0.0)
    safe = np.maximum(n, 1)
    b = np.sqrt(L / (2.0 * safe))
    return np.where(n > 0, b, np.inf if unseen == "neg_inf" else 1.0)


# ------------------------------------------------------------------ the kernel
@njit(cache=True)
def _choose_rows(n, r_sum, log_term, rule, unseen, tie, u, out):
    """For every row i of counts n (R, A): the arm chosen by ``rule`` (0 LCB, 1 EBA,
    2 MPA) with unseen convention (0 neg_inf, 1 paper) and tie rule (0 lowest,
    1 uniform: the floor(u[i] k)-th of the k maximisers). Writes out (R,)."""
    R, A = n.shape
    idx = np.empty(A)
    for i in range(R):
        L = log_term[i]
        best = -np.inf
        for a in range(A):
            c = n[i, a]
            if rule == 2:
                v = float(c)
            elif c > 0:
                v = r_sum[i, a] / c
                if rule == 0:
                    v = v - math.sqrt(L / (2.0 * c))
            elif unseen == 1:
                v = -1.0 if rule == 0 else 0.0
            else:
                v = -np.inf
            idx[a] = v
            if v > best:
                best = v
        pick = 0
        if tie == 1:
            k = 0
            for a in range(A):
                if idx[a] == best:
                    k += 1
            pick = int(u[i] * k)
            if pick > k - 1:
                pick = k - 1
        j = 0
        for a in range(A):
            if idx[a] == best:
                if j == pick:
                    out[i] = a
                    break
                j += 1


def _rule_index_reference(n, r_sum, log_term, rule: int, unseen: int) -> np.ndarray:
    """numpy: the index each rule maximises, rows (R, A); same float operations as the
    kernel (so the comparison is exact)."""
    if rule == 2:
        return n.astype(np.float64)
    safe = np.maximum(n, 1)
    v = r_sum / safe
    if rule == 0:
        v = v - np.sqrt(log_term[:, None] / (2.0 * safe))
    fill = (-1.0 if rule == 0 else 0.0) if unseen == 1 else -np.inf
    return np.where(n > 0, v, fill)


def _choose_rows_reference(n, r_sum, log_term, rule, unseen, tie, u, out):
    """numpy reference of :func:`_choose_rows` (same arguments, same output)."""
    idx = _rule_index_reference(n, r_sum, log_term, rule, unseen)
    best = idx.max(axis=1)
    tied = idx == best[:, None]
    if tie == 1:
        k = tied.sum(axis=1)
        pick = np.minimum((u * k).astype(np.int64), k - 1)
    else:
        pick = np.zeros(n.shape[0], dtype=np.int64)
    rank = np.cumsum(tied, axis=1) - 1
    out[:] = np.argmax(tied & (rank == pick[:, None]), axis=1)


def _run(n2, r2, log_term, rule: str, unseen: str, tie: str, rng) -> np.ndarray:
    R = n2.shape[0]
    if tie == "uniform":
        if rng is None:
            raise ValueError("tie='uniform' needs rng (an int seed or a numpy Generator)")
        u = as_rng(rng).random(R)
    else:
        u = np.zeros(R)
    out = np.zeros(R, dtype=np.int64)
    _choose_rows(np.ascontiguousarray(n2), np.ascontiguousarray(r2, dtype=np.float64),
                 np.ascontiguousarray(log_term, dtype=np.float64), _RULE_CODE[rule],
                 UNSEEN.index(unseen), TIES.index(tie), u, out)
    return out


def _log_terms(totals: np.ndarray, delta: float | None, S: int, A: int) -> np.ndarray:
    if delta is not None:
        return np.full(totals.shape, math.log(2.0 * S * A / delta))
    d = 1.0 / np.maximum(totals, 1)
    return np.log(2.0 * S * A / d)


def mab_choices(n: ArrayLike, r_sum: ArrayLike | None = None, *, rule: str = "lcb",
                delta: float | None = None,
                unseen: str = "neg_inf", tie: str = "lowest",
                rng: RngLike | None = None) -> np.ndarray:
    """The arm each rule picks on each of M multi-armed datasets given by counts.

    Parameters
    ----------
    n : (M, A) int counts; r_sum : (M, A) reward sums with 0 <= r_sum <= n (not needed
        for ``rule="mpa"``)
    rule : 'lcb' (argmax r_hat - b, [RZMJR21]), 'eba' (argmax r_hat), 'mpa' (argmax n)
    delta : in (0, 1]; default 1/N per dataset (N = the row sum of n), L = log(2A/delta)
    unseen, tie : conventions (module docstring); ``rng`` is needed for tie='uniform'
        (one uniform per dataset).

    Notes
    -----
    Returns (M,) int64. The loop over datasets runs in the numba kernel ``_choose_rows``.
    """
    _choice(rule, "rule", RULES)
    _choice(unseen, "unseen", UNSEEN)
    _choice(tie, "tie", TIES)
    n, r_sum = _counts(n, r_sum, 2, rule != "mpa")
    d = _delta(delta)
    L = _log_terms(n.sum(axis=1), d, 1, n.shape[1])
    return _run(n, r_sum, L, rule, unseen, tie, rng)


def cb_choices(n: ArrayLike, r_sum: ArrayLike | None = None, *, rule: str = "lcb",
               delta: float | None = None,
               unseen: str = "neg_inf", tie: str = "lowest",
               rng: RngLike | None = None) -> np.ndarray:
    """The policy each rule picks on each of M contextual datasets given by counts.

    Parameters
    ----------
    n : (M, S, A) int counts n[m, s, a]; r_sum : (M, S, A) reward sums (not for 'mpa')
    rule : 'lcb' (per-context LCB, [RZMJR21]), 'eba' (greedy plug-in), 'mpa' (per-context
        most played arm = behaviour cloning)
    delta : in (0, 1]; default 1/N per dataset (N = n[m].sum()), L = log(2SA/delta)
    unseen, tie, rng : as in :func:`mab_choices` (one uniform per (dataset, context)).

    Notes
    -----
    Returns (M, S) int64.
    """
    _choice(rule, "rule", RULES)
    _choice(unseen, "unseen", UNSEEN)
    _choice(tie, "tie", TIES)
    n, r_sum = _counts(n, r_sum, 3, rule != "mpa")
    M, S, A = n.shape
    d = _delta(delta)
    L = np.repeat(_log_terms(n.sum(axis=(1, 2)), d, S, A), S)
    out = _run(n.reshape(M * S, A), r_sum.reshape(M * S, A), L, rule, unseen, tie, rng)
    return out.reshape(M, S)


# ------------------------------------------------------------------ single datasets
@dataclass(frozen=True)
class BanditDecision:
    """The arm a rule picks on one multi-armed dataset.

    Attributes
    ----------
    arm : the chosen arm.
    index : (A,) the score the rule maximises (LCB r_hat - b, EBA r_hat, MPA n), with
        the unseen convention applied (-inf for excluded arms).
    n : (A,) int64 counts; r_hat : (A,) empirical means (0 where n = 0);
    bonus : (A,) the LCB bonus b (zeros for EBA and MPA; inf or 1 where n = 0).
    rule : 'lcb', 'eba' or 'mpa'; params : delta, log_term, unseen, tie, N.
    """

    __repr__ = compact_repr

    arm: int
    index: np.ndarray
    n: np.ndarray
    r_hat: np.ndarray
    bonus: np.ndarray
    rule: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ContextualDecision:
    """The policy a rule picks on one contextual dataset.

    Attributes
    ----------
    policy : (S,) int64 arm per context.
    index, n, r_hat, bonus : (S, A), as in :class:`BanditDecision`.
    rule : 'lcb', 'eba' (greedy) or 'mpa' (behaviour cloning); params : as above.
    """

    __repr__ = compact_repr

    policy: np.ndarray
    index: np.ndarray
    n: np.ndarray
    r_hat: np.ndarray
    bonus: np.ndarray
    rule: str
    params: dict = field(default_factory=dict)


def _decide(n2, r2, *, rule, S, delta, unseen, tie, rng):
    _choice(unseen, "unseen", UNSEEN)
    _choice(tie, "tie", TIES)
    A = n2.shape[1]
    N = int(n2.sum())
    d = _delta(delta)
    d_used = d if d is not None else 1.0 / max(N, 1)
    L = math.log(2.0 * S * A / d_used)
    picks = _run(n2, r2, np.full(n2.shape[0], L), rule, unseen, tie, rng)
    index = _rule_index_reference(n2, r2, np.full(n2.shape[0], L), _RULE_CODE[rule],
                                  UNSEEN.index(unseen))
    r_hat = np.where(n2 > 0, r2 / np.maximum(n2, 1), 0.0)
    bonus = (hoeffding_bonus(n2, log_term=L, unseen=unseen) if rule == "lcb"
             else np.zeros(n2.shape))
    params = {"delta": d_used, "log_term": L, "unseen": unseen, "tie": tie, "N": N}
    return picks, index, r_hat, bonus, params


def _frozen(*arrays):
    for a in arrays:
        a.setflags(write=False)


def _mab_decision(n, r_sum, rule, delta, unseen, tie, rng) -> BanditDecision:
    n, r_sum = _counts(n, r_sum, 1, rule != "mpa")
    picks, index, r_hat, bonus, params = _decide(
        n[None, :], r_sum[None, :], rule=rule, S=1, delta=delta, unseen=unseen, tie=tie,
        rng=rng)
    out = BanditDecision(arm=int(picks[0]), index=index[0], n=n, r_hat=r_hat[0],
                         bonus=bonus[0], rule=rule, params=params)
    _frozen(out.index, out.n, out.r_hat, out.bonus)
    return out


def _cb_decision(n, r_sum, rule, delta, unseen, tie, rng) -> ContextualDecision:
    n, r_sum = _counts(n, r_sum, 2, rule != "mpa")
    picks, index, r_hat, bonus, params = _decide(
        n, r_sum, rule=rule, S=n.shape[0], delta=delta, unseen=unseen, tie=tie, rng=rng)
    out = ContextualDecision(policy=picks, index=index, n=n, r_hat=r_hat, bonus=bonus,
                             rule=rule, params=params)
    _frozen(out.policy, out.index, out.n, out.r_hat, out.bonus)
    return out


def _required(rewards: object) -> None:
    if rewards is None:
        raise TypeError("rewards is None; LCB and the greedy rule need the observed rewards "
                        "(N,) in [0, 1]")


def _mab_data(actions, rewards, A):
    from .bandit_data import bandit_counts

    return bandit_counts(actions, rewards, A=A)


def _cb_data(contexts, actions, rewards, S, A):
    from .bandit_data import contextual_counts

    return contextual_counts(contexts, actions, rewards, S=S, A=A)


def lcb_mab(actions: ArrayLike, rewards: ArrayLike, *, A: int, delta: float | None = None,
            unseen: str = "neg_inf",
            tie: str = "lowest", rng: RngLike | None = None) -> BanditDecision:
    """LCB for offline multi-armed bandits [RZMJR21, Algorithm "LCB" for MAB].

    a_hat = argmax_a r_hat(a) - sqrt(log(2A/delta) / (2 n(a))).

    Parameters
    ----------
    actions : (N,) int arms in {0, ..., A-1}; rewards : (N,) observed rewards in [0, 1]
    A : number of arms
    delta : in (0, 1]; default 1/N (the choice of the paper's theorems, as recalled)
    unseen : 'neg_inf' (default) or 'paper' (r_hat = 0, b = 1 when n = 0)
    tie : 'lowest' (default) or 'uniform' (needs ``rng``)

    Notes
    -----
    Small data: the bonus sqrt(log(2A/delta) / (2 n)) with delta = 1/N is large for arms
    seen a few times, so LCB prefers well-sampled arms (it is never degenerate in the
    sense of PEVI: an arm with data always beats an unseen one). A larger ``delta`` shrinks
    the bonus (closer to EBA) at the price of the bound's failure probability delta.
    """
    _required(rewards)
    n, r_sum = _mab_data(actions, rewards, A)
    return _mab_decision(n, r_sum, "lcb", delta, unseen, tie, rng)


def lcb_mab_counts(n: ArrayLike, r_sum: ArrayLike, *, delta: float | None = None,
                   unseen: str = "neg_inf",
                   tie: str = "lowest", rng: RngLike | None = None) -> BanditDecision:
    """:func:`lcb_mab` from counts ``n`` (A,) and reward sums ``r_sum`` (A,)."""
    return _mab_decision(n, r_sum, "lcb", delta, unseen, tie, rng)


def eba(actions: ArrayLike, rewards: ArrayLike, *, A: int, unseen: str = "neg_inf",
        tie: str = "lowest",
        rng: RngLike | None = None) -> BanditDecision:
    """EBA, the empirical best arm: argmax_a r_hat(a) (greedy, no penalty).
    ``unseen="paper"`` gives unseen arms r_hat = 0."""
    _required(rewards)
    n, r_sum = _mab_data(actions, rewards, A)
    return _mab_decision(n, r_sum, "eba", None, unseen, tie, rng)


def eba_counts(n: ArrayLike, r_sum: ArrayLike, *, unseen: str = "neg_inf", tie: str = "lowest",
               rng: RngLike | None = None) -> BanditDecision:
    """:func:`eba` from counts."""
    return _mab_decision(n, r_sum, "eba", None, unseen, tie, rng)


def mpa(actions: ArrayLike, *, A: int, tie: str = "lowest",
        rng: RngLike | None = None) -> BanditDecision:
    """MPA, the most played arm: argmax_a n(a) (behaviour cloning for bandits)."""
    n, r_sum = _mab_data(actions, None, A)
    return _mab_decision(n, r_sum, "mpa", None, "neg_inf", tie, rng)


def mpa_counts(n: ArrayLike, *, tie: str = "lowest", rng: RngLike | None = None) -> BanditDecision:
    """:func:`mpa` from counts ``n`` (A,)."""
    return _mab_decision(n, None, "mpa", None, "neg_inf", tie, rng)


def lcb_cb(contexts: ArrayLike, actions: ArrayLike, rewards: ArrayLike, *, S: int, A: int,
           delta: float | None = None,
           unseen: str = "neg_inf", tie: str = "lowest",
           rng: RngLike | None = None) -> ContextualDecision:
    """LCB for offline contextual bandits [RZMJR21, contextual LCB]: in every context s,
    pi_hat(s) = argmax_a r_hat(s, a) - sqrt(log(2SA/delta) / (2 n(s, a))).

    Contexts never seen fall back to the tie rule. Inputs: (N,) arrays of contexts in
    {0..S-1}, arms in {0..A-1} and rewards in [0, 1]; delta defaults to 1/N.
    """
    _required(rewards)
    n, r_sum = _cb_data(contexts, actions, rewards, S, A)
    return _cb_decision(n, r_sum, "lcb", delta, unseen, tie, rng)


def lcb_cb_counts(n: ArrayLike, r_sum: ArrayLike, *, delta: float | None = None,
                  unseen: str = "neg_inf",
                  tie: str = "lowest", rng: RngLike | None = None) -> ContextualDecision:
    """:func:`lcb_cb` from counts ``n`` (S, A) and reward sums ``r_sum`` (S, A)."""
    return _cb_decision(n, r_sum, "lcb", delta, unseen, tie, rng)


def greedy_cb(contexts: ArrayLike, actions: ArrayLike, rewards: ArrayLike, *, S: int, A: int,
              unseen: str = "neg_inf",
              tie: str = "lowest", rng: RngLike | None = None) -> ContextualDecision:
    """Greedy plug-in for contextual bandits: pi_hat(s) = argmax_a r_hat(s, a)."""
    _required(rewards)
    n, r_sum = _cb_data(contexts, actions, rewards, S, A)
    return _cb_decision(n, r_sum, "eba", None, unseen, tie, rng)


def greedy_cb_counts(n: ArrayLike, r_sum: ArrayLike, *, unseen: str = "neg_inf",
                     tie: str = "lowest",
                     rng: RngLike | None = None) -> ContextualDecision:
    """:func:`greedy_cb` from counts."""
    return _cb_decision(n, r_sum, "eba", None, unseen, tie, rng)


def bc_cb(contexts: ArrayLike, actions: ArrayLike, *, S: int, A: int, tie: str = "lowest",
          rng: RngLike | None = None) -> ContextualDecision:
    """Behaviour cloning for contextual bandits: the most played arm in every context."""
    n, r_sum = _cb_data(contexts, actions, None, S, A)
    return _cb_decision(n, r_sum, "mpa", None, "neg_inf", tie, rng)


def bc_cb_counts(n: ArrayLike, *, tie: str = "lowest",
                 rng: RngLike | None = None) -> ContextualDecision:
    """:func:`bc_cb` from counts ``n`` (S, A)."""
    return _cb_decision(n, None, "mpa", None, "neg_inf", tie, rng)


# ------------------------------------------------------------------ evaluation
def mab_suboptimality(means: ArrayLike, arms: ArrayLike) -> np.ndarray:
    """r(a*) - r(a) for each chosen arm (any shape), with ``means`` (A,) the true means."""
    means = as_float_array(means, "means", ndim=1)
    arms = as_int_array(arms, "arms")
    if arms.size and (arms.min() < 0 or arms.max() >= means.size):
        raise ValueError(f"arms must lie in {{0, ..., {means.size - 1}}}")
    return means.max() - means[arms]


def cb_suboptimality(means: ArrayLike, rho: ArrayLike, policies: ArrayLike) -> np.ndarray:
    """sum_s rho(s) (max_a r(s, a) - r(s, pi(s))) for policies of shape (..., S)."""
    means = as_float_array(means, "means", ndim=2)
    rho = as_float_array(rho, "rho", ndim=1)
    S, A = means.shape
    check_shape(rho, "rho", (S,))
    policies = as_int_array(policies, "policies")
    if policies.shape[-1:] != (S,):
        raise ValueError(f"policies has shape {policies.shape}; the last axis must be S = {S}")
    if policies.size and (policies.min() < 0 or policies.max() >= A):
        raise ValueError(f"policies must hold arms in {{0, ..., {A - 1}}}")
    gaps = means.max(axis=1)[None, :] - means[np.arange(S)[None, :],
                                              policies.reshape(-1, S)]
    return (gaps @ rho).reshape(policies.shape[:-1])


# ------------------------------------------------------------------ bounds
def _N(N, name: str = "N") -> int:
    return check_positive_int(N, name, minimum=0)


def lcb_mab_rate_bound(N: float | np.ndarray, C_star: float, *, A: int = 2,
                       delta: float | None = None, constant: float = 1.0) -> Bound | BoundArray:
    """constant * min(1, sqrt(C* L / N)), L = log(2A/delta), delta = 1/N by default.

    [RZMJR21] LCB for MAB, upper bound on E_D[r(a*) - r(a_hat)] for every C* >= 1
    ("≲": the absolute constant is hidden in the paper, so it is the
    argument ``constant``; theorem number and log argument unconfirmed). ``N`` may be an
    array (>= 1).
    """
    N_arr = _sample_sizes(N)
    C_star = check_real(C_star, "C_star", 1.0)
    A = check_positive_int(A, "A")
    d = _delta(delta)
    constant = check_real(constant, "constant", 0.0, open_low=True)
    L = np.log(2.0 * A * (N_arr if d is None else 1.0 / d))
    out = float(constant) * np.minimum(1.0, np.sqrt(C_star * L / N_arr))
    return as_bound(out, TRIVIAL_BANDIT)


def lcb_mab_hoeffding_bound(N: int, mu_star: float, *, A: int,
                            delta: float | None = None) -> Bound:
    """delta + E[min{1, 2 b(a*)}], with N(a*) ~ Bin(N, mu(a*)) and min{.} := 1 if N(a*) = 0.

    An explicit-constant bound on E_D[r(a*) - r(a_hat)] for LCB (either unseen convention,
    any tie rule): on the event that ``|r_hat(a) - r(a)| <= b(a)`` for every seen arm (which
    fails with probability <= delta by Hoeffding and a union bound over the A arms,
    conditionally on the counts), r(a_hat) >= r_hat(a_hat) - b(a_hat) >= r_hat(a*) - b(a*)
    >= r(a*) - 2 b(a*); off it the loss is <= 1. This is the Hoeffding argument behind
    the MAB theorem of [RZMJR21] (claim rashidinejad2021.mab_hoeffding_bound), computed exactly
    from the
    binomial law of N(a*), with b(n) = sqrt(log(2A/delta) / (2n)) and delta = 1/N by default.
    """
    N = _N(N)
    mu_star = check_real(mu_star, "mu_star", 0.0, 1.0)
    d = _delta(delta)
    d = d if d is not None else 1.0 / max(N, 1)
    L = lcb_log_term(A=A, delta=d)
    k = np.arange(N + 1)
    pmf = stats.binom.pmf(k, N, mu_star)
    term = np.ones(N + 1)
    term[1:] = np.minimum(1.0, 2.0 * np.sqrt(L / (2.0 * k[1:])))
    return Bound(float(d + pmf @ term), TRIVIAL_BANDIT)


def lcb_cb_rate_bound(N: float | np.ndarray, S: int, C_star: float, *, A: int = 2,
                      delta: float | None = None,
                      constant: float = 1.0) -> Bound | BoundArray:
    """The recalled contextual LCB upper bound of [RZMJR21], with L =
    log(2SA/delta), delta = 1/N by default, and the hidden constant as ``constant``:

    * C* >= 2:       constant * min(1, sqrt(S C* L / N));
    * 1 <= C* < 2:   constant * (min(1, sqrt(S (C* - 1) L / N)) + S L / N).

    Unconfirmed: the exact form of the C* < 2 branch (recalled as sqrt(S(C*-1)/N) + S/N up
    to logs; where the log factors sit is this library's guess) and the theorem number.
    """
    N_arr = _sample_sizes(N)
    S = check_positive_int(S, "S")
    A = check_positive_int(A, "A")
    C_star = check_real(C_star, "C_star", 1.0)
    constant = check_real(constant, "constant", 0.0, open_low=True)
    d = _delta(delta)
    L = np.log(2.0 * S * A * (N_arr if d is None else 1.0 / d))
    if C_star >= 2:
        out = np.minimum(1.0, np.sqrt(S * C_star * L / N_arr))
    else:
        out = np.minimum(1.0, np.sqrt(S * (C_star - 1.0) * L / N_arr)) + S * L / N_arr
    out = float(constant) * out
    return as_bound(out, TRIVIAL_BANDIT)


def mpa_two_arm_suboptimality(N: int, mu_star: float, gap: float, *, best: int = 0,
                              tie: str = "lowest", log: bool = False) -> float:
    """Exact E[r(a*) - r(a_MPA)] for two arms: gap * P(MPA picks the other arm).

    With X = N(a*) ~ Bin(N, mu_star): MPA errs when X < N - X, and on a tie (X = N/2,
    N even) with the tie rule's probability of picking the other arm (``tie="lowest"``:
    1 if ``best`` = 1, 0 if ``best`` = 0; ``"uniform"``: 1/2). Spec Sec. 4.3 / claim 14(b);
    when mu_star > 1/2 this decays exponentially in N (Chernoff), which is why MPA beats
    LCB in the nearly-expert MAB regime [RZMJR21]. ``log=True`` returns the natural log
    (-inf for an exact 0), computed from scipy's log-cdf so that it does not underflow.
    """
    N = _N(N)
    mu_star = check_real(mu_star, "mu_star", 0.0, 1.0)
    gap = check_real(gap, "gap", 0.0, 1.0)
    if isinstance(best, bool) or best not in (0, 1):
        raise ValueError(f"best is {best!r}; must be 0 or 1")
    log = check_bool(log, "log")
    _choice(tie, "tie", TIES)
    q = 0.5 if tie == "uniform" else float(best == 1)
    below = int(math.ceil(N / 2)) - 1  # X <= below  <=>  X < N/2
    # log P(X <= below) as a log-sum-exp of the log-pmf: scipy's logcdf underflows to
    # -inf far in the tail (e.g. N = 30000, mu_star = 2/3)
    log_p = (float(special.logsumexp(stats.binom.logpmf(np.arange(below + 1), N, mu_star)))
             if below >= 0 else -np.inf)
    if N % 2 == 0 and q > 0:
        log_p = np.logaddexp(log_p, math.log(q) + stats.binom.logpmf(N // 2, N, mu_star))
    log_p = float(log_p)
    if log:
        return (math.log(gap) + log_p) if gap > 0 else -math.inf
    return gap * math.exp(log_p)


def bernoulli_kl(p: ArrayLike, q: ArrayLike) -> float | np.ndarray:
    """kl(p || q) = p log(p/q) + (1-p) log((1-p)/(1-q)) (0 log 0 = 0; inf if unbounded)."""
    p = as_float_array(p, "p")
    q = as_float_array(q, "q")
    check_range(p, "p", 0.0, 1.0)
    check_range(q, "q", 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(p > 0, p * np.log(p / q), 0.0)
        t2 = np.where(p < 1, (1 - p) * np.log((1 - p) / (1 - q)), 0.0)
    out = t1 + t2
    return float(out) if out.ndim == 0 else out


def mab_two_point_lower_bound(N: float | ArrayLike, C_star: float, gap: float, *,
                              S: int = 1) -> float | np.ndarray:
    """gap * max{exp(-alpha)/4, (1 - sqrt(alpha/2))/2}, alpha = N kl(1/2+gap || 1/2-gap)/(S C*).

    Lower bound on max over the hypotheses of E[suboptimality] for *every* rule on the
    two-point families ``mab_two_point`` (S = 1; max over sign) and ``cb_two_point``
    (max over sign vectors): alpha is the KL divergence between the data laws of two
    hypotheses that differ in one context (arm 0 there has data mass 1/(S C*)).
    S = 1: Tsybakov (2009), "Introduction to Nonparametric Estimation", Thm 2.2(iii)
    (two hypotheses; every wrong test costs gap). S >= 1: Assouad's lemma, ibid.
    Thm 2.12, with suboptimality = (gap/S) * Hamming distance; it gives the same
    expression. Spec Sec. 4.5 [lib]. ``N`` may be an array.
    """
    S = check_positive_int(S, "S")
    C_star = check_real(C_star, "C_star", 1.0)
    gap = check_real(gap, "gap", 0.0, 0.5, open_low=True)
    N_arr = _sample_sizes(N, minimum=0.0)
    alpha = N_arr * bernoulli_kl(0.5 + gap, 0.5 - gap) / (S * C_star)
    with np.errstate(over="ignore", invalid="ignore"):
        val = gap * np.maximum(0.25 * np.exp(-alpha), 0.5 * (1.0 - np.sqrt(alpha / 2.0)))
    val = np.where(np.isfinite(alpha), val, 0.0)
    return float(val) if val.ndim == 0 else val


def unseen_context_gap(means: ArrayLike, *, tie: str = "lowest") -> np.ndarray:
    """gbar(s): the expected gap paid in a context with no data, under the tie rule.

    ``"lowest"``: max_a r(s, a) - r(s, 0); ``"uniform"``: max_a r(s, a) - mean_a r(s, a).
    ``means`` (S, A); returns (S,).
    """
    means = as_float_array(means, "means", ndim=2)
    _choice(tie, "tie", TIES)
    best = means.max(axis=1)
    return best - (means[:, 0] if tie == "lowest" else means.mean(axis=1))


def expert_cb_suboptimality(rho: ArrayLike, gap_unseen: ArrayLike, N: int) -> float:
    """Exact E[SubOpt] of LCB (``unseen="neg_inf"``) on pure expert data (C* = 1),
    sum_s rho(s) (1 - rho(s))^N gbar(s).

    With mu(s, a) = rho(s) 1{a = pi*(s)}, only pi*(s) is ever seen in context s, so LCB
    picks pi*(s) in every context seen at least once and the tie rule's arm elsewhere
    (claim rashidinejad2021.expert_cb_identity; derived here,
    not a statement of [RZMJR21]). ``rho`` (S,),
    ``gap_unseen`` (S,) from :func:`unseen_context_gap`. Its worst case over rho is about
    (S - 1)/(e N) times the gap (``envs.cb_expert_rho``): the S/N imitation rate.
    """
    rho = as_float_array(rho, "rho", ndim=1)
    check_probability_rows(rho, "rho")
    g = as_float_array(gap_unseen, "gap_unseen", ndim=1)
    check_shape(g, "gap_unseen", rho.shape)
    check_range(g, "gap_unseen", 0.0, 1.0)
    N = _N(N)
    return float(np.sum(rho * (1.0 - rho) ** N * g))
