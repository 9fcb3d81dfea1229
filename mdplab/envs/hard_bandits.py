"""Hard offline bandit instances: two-point families, expert-like data, many arms, and the
contextual imitation-learning worst case.

These are the library's versions [lib] of the standard two-point constructions behind
the offline bandit lower bounds of Rashidinejad, Zhu, Ma, Jiao & Russell (2021),
"Bridging Offline Reinforcement Learning and Imitation Learning: A Tale of Pessimism",
arXiv 2103.12021 (the paper's own lower-bound instances were not re-checked; see
:mod:`mdplab.algorithms.offline.lcb`). Rewards are Bernoulli; every instance is a
:class:`~mdplab.Bandit` or :class:`~mdplab.ContextualBandit` (an H = 1 model).

Behaviour distributions
-----------------------
An offline instance is a model *and* the distribution mu the data are drawn from. The
registered builder (``make(name, **params)``) returns the model; the behaviour
distribution comes from the same parameters, in either of two ways:

* ``bandit_behaviour(name, **params)`` -> mu, shape (A,) for a multi-armed bandit and
  (S, A) for a contextual one (the joint law of (context, action); its row sums are the data's
  context law);
* ``offline_bandit(name, **params)`` -> :class:`OfflineBandit` with ``model``, ``mu``,
  the exact single-policy concentrability ``c_star`` and the optimal arm(s).

C* conventions: bandit C* = 1/mu(a*); contextual
C* = max_s rho(s) / mu(s, pi*(s)) with rho the *test* context law (the model's rho),
0/0 = 0 and x/0 = inf.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import check_positive_int
from ..models.bandits import Bandit, ContextualBandit
from ..planning.results import compact_repr
from .registry import check_choice, check_index, check_real, get_spec, register

__all__ = [
    "OfflineBandit",
    "bandit_behaviour",
    "cb_expert",
    "cb_expert_rho",
    "cb_two_point",
    "mab_expert_like",
    "mab_many_arms",
    "mab_two_point",
    "offline_bandit",
]

_BEHAVIOURS: dict[str, Callable[..., np.ndarray]] = {}
_BUILDERS: dict[str, Callable] = {}


def _with_behaviour(behaviour_fn: Callable[..., np.ndarray]):
    """Attach a behaviour function (same keyword parameters) to an instance builder."""

    def deco(builder):
        _BEHAVIOURS[builder.__name__] = behaviour_fn
        _BUILDERS[builder.__name__] = builder
        return builder

    return deco


def _check_sign(sign, name: str = "sign") -> int:
    if isinstance(sign, bool) or not isinstance(sign, numbers.Integral) or int(sign) not in (1, -1):
        raise ValueError(f"{name} is {sign!r}; must be +1 or -1")
    return int(sign)


def _check_c_star(C_star, low: float = 1.0, high: float = np.inf, *, open_high=False) -> float:
    c = check_real(C_star, "C_star", low, high)
    if open_high and c >= high:
        raise ValueError(f"C_star is {c}; must lie in [{low:g}, {high:g})")
    return c


def _check_gap(gap, high: float = 0.5) -> float:
    g = check_real(gap, "gap", 0.0, high)
    if g <= 0.0:
        raise ValueError(f"gap is {g}; must lie in (0, {high:g}] (a unique optimal arm)")
    return g


# ------------------------------------------------------------------ two-point MAB
def _two_point_mu(C_star: float) -> np.ndarray:
    return np.array([1.0 / C_star, 1.0 - 1.0 / C_star])


def _mab_two_point_behaviour(C_star: float = 4.0, gap: float = 0.1, sign: int = 1):
    C_star = _check_c_star(C_star)
    _check_gap(gap)
    _check_sign(sign)
    return _two_point_mu(C_star)


@register(tags=("offline", "bandit", "sum_reward_le_one"))
@_with_behaviour(_mab_two_point_behaviour)
def mab_two_point(C_star: float = 4.0, gap: float = 0.1, sign: int = 1) -> Bandit:
    """Two-arm two-point family: arm 0 rarely played, its mean 1/2 + sign * gap against 1/2.

    Source: library version [lib] of the two-point
    construction behind the offline MAB lower bound of Rashidinejad, Zhu, Ma, Jiao &
    Russell (2021), arXiv 2103.12021 (their instance not re-checked); the information
    limit is Tsybakov (2009), "Introduction to Nonparametric Estimation", Thm 2.2(iii).

    Parameters
    ----------
    C_star : >= 1; the behaviour distribution is mu = (1/C_star, 1 - 1/C_star)
        (``bandit_behaviour("mab_two_point", ...)``)
    gap : in (0, 1/2]; arm 0 has mean 1/2 + sign * gap, arm 1 has mean 1/2 (Bernoulli)
    sign : +1 (a* = 0, the rare arm) or -1 (a* = 1)

    Notes
    -----
    Optimal: arm 0 if sign = +1, arm 1 if sign = -1; the other arm's gap is ``gap``.
    Exact C* = 1/mu(a*): C_star for sign = +1 and C_star / (C_star - 1) for sign = -1,
    which is <= C_star when C_star >= 2, so both hypotheses lie in the C_star class.
    The two signs differ only in arm 0's reward law: with N samples the data's KL
    divergence is N (1/C_star) kl(1/2 + gap || 1/2 - gap).
    """
    C_star = _check_c_star(C_star)
    gap = _check_gap(gap)
    sign = _check_sign(sign)
    return Bandit(np.array([0.5 + sign * gap, 0.5]))


def _mab_expert_like_behaviour(C_star: float = 1.5, gap: float = 0.1, best: int = 0):
    C_star = _check_c_star(C_star, 1.0, 2.0, open_high=True)
    _check_gap(gap)
    best = check_index(best, "best", 2)
    mu = np.empty(2)
    mu[best], mu[1 - best] = 1.0 / C_star, 1.0 - 1.0 / C_star
    return mu


@register(tags=("offline", "bandit", "sum_reward_le_one"))
@_with_behaviour(_mab_expert_like_behaviour)
def mab_expert_like(C_star: float = 1.5, gap: float = 0.1, best: int = 0) -> Bandit:
    """Two arms, nearly expert data: the optimal arm is also the most played (C* < 2).

    Source: library version [lib] of the C* in [1, 2) regime
    of Rashidinejad, Zhu, Ma, Jiao & Russell (2021), arXiv 2103.12021, where the most
    played arm (behaviour cloning) errs with exponentially small probability while LCB's
    worst case decays polynomially.

    Parameters
    ----------
    C_star : in [1, 2); mu(best) = 1/C_star > 1/2, the other arm gets 1 - 1/C_star
    gap : in (0, 1/2]; the best arm has mean 1/2 + gap, the other 1/2 (Bernoulli)
    best : index of the optimal arm, 0 or 1 (matters for the tie rule of MPA)

    Notes
    -----
    Optimal: arm ``best``; exact C* = C_star.
    """
    _mab_expert_like_behaviour(C_star, gap, best)
    gap = float(gap)
    means = np.full(2, 0.5)
    means[int(best)] = 0.5 + gap
    return Bandit(means)


def _mab_many_arms_behaviour(A: int = 1000, eta: float = 0.5, gap: float = 0.1):
    A = check_positive_int(A, "A", minimum=2)
    eta = check_real(eta, "eta", 0.0, 1.0)
    if eta >= 1.0:
        raise ValueError(f"eta is {eta}; must lie in [0, 1) (the optimal arm needs data)")
    _check_gap(gap)
    mu = np.full(A, eta / (A - 1))
    mu[0] = 1.0 - eta
    return mu


@register(tags=("offline", "bandit", "sum_reward_le_one"))
@_with_behaviour(_mab_many_arms_behaviour)
def mab_many_arms(A: int = 1000, eta: float = 0.5, gap: float = 0.1) -> Bandit:
    """Many rarely played arms: greedy (empirical best arm) picks a lucky one.

    Source: library instance [lib] illustrating why the
    penalty of LCB (Rashidinejad, Zhu, Ma, Jiao & Russell (2021), arXiv 2103.12021) is
    needed: the empirical best of many rarely sampled arms overestimates its mean.

    Parameters
    ----------
    A : number of arms, >= 2
    eta : in [0, 1); mu(0) = 1 - eta and the other A - 1 arms share eta uniformly
    gap : in (0, 1/2]; arm 0 has mean 1/2, every other arm 1/2 - gap (Bernoulli)

    Notes
    -----
    Optimal: arm 0; exact C* = 1 / (1 - eta).
    """
    _mab_many_arms_behaviour(A, eta, gap)
    means = np.full(int(A), 0.5 - float(gap))
    means[0] = 0.5
    return Bandit(means)


# ------------------------------------------------------------------ contextual
def _signs(sign, S: int) -> np.ndarray:
    """+1/-1 for every context: an int applies to all, a sequence gives one per context."""
    if isinstance(sign, numbers.Integral) and not isinstance(sign, bool):
        return np.full(S, _check_sign(sign), dtype=np.int64)
    if isinstance(sign, (str, bytes)) or np.ndim(sign) != 1 or len(sign) != S:
        raise ValueError(f"sign must be +1, -1 or a sequence of S = {S} such values, "
                         f"got {sign!r}")
    arr = np.asarray(sign)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"sign must hold integers +1/-1, got dtype {arr.dtype}")
    return np.array([_check_sign(int(x), f"sign[{i}]") for i, x in enumerate(arr)],
                    dtype=np.int64)


def _cb_two_point_behaviour(S: int = 10, C_star: float = 4.0, gap: float = 0.1, sign=1):
    S = check_positive_int(S, "S")
    C_star = _check_c_star(C_star)
    _check_gap(gap)
    _signs(sign, S)
    return np.tile(_two_point_mu(C_star) / S, (S, 1))


@register(tags=("offline", "contextual", "sum_reward_le_one"))
@_with_behaviour(_cb_two_point_behaviour)
def cb_two_point(S: int = 10, C_star: float = 4.0, gap: float = 0.1,
                 sign: int = 1) -> ContextualBandit:
    """S equiprobable contexts, each an independent copy of ``mab_two_point``.

    Source: library version [lib] of the sqrt(S C*/N)
    lower-bound family for offline contextual bandits of Rashidinejad, Zhu, Ma, Jiao &
    Russell (2021), arXiv 2103.12021 (their instance not re-checked); the information
    limit over sign vectors is Assouad's lemma, Tsybakov (2009), Thm 2.12.

    Parameters
    ----------
    S : number of contexts, >= 1; rho (test and data) is uniform
    C_star : >= 1; mu(s, .) = (1/C_star, 1 - 1/C_star) / S
    gap : in (0, 1/2]; in context s arm 0 has mean 1/2 + sign_s * gap, arm 1 has 1/2
    sign : +1, -1, or a sequence of S values in {+1, -1} (one per context)

    Notes
    -----
    Optimal: pi*(s) = 0 where sign_s = +1 and 1 where sign_s = -1. Exact
    C* = C_star if some sign_s = +1, else C_star / (C_star - 1).
    """
    S = check_positive_int(S, "S")
    _check_c_star(C_star)
    gap = _check_gap(gap)
    signs = _signs(sign, S)
    means = np.column_stack([0.5 + signs * gap, np.full(S, 0.5)])
    return ContextualBandit(means, rho=np.full(S, 1.0 / S))


def cb_expert_rho(S: int = 20, N: int = 100, rho: str = "worst") -> np.ndarray:
    """The context law of ``cb_expert``: (S,) array.

    ``"worst"``: rho_N, mass 1/(N+1) on each of the contexts 1..S-1 and the rest on
    context 0; p (1-p)^N is maximised at p = 1/(N+1), so this (nearly) maximises the
    expert-data suboptimality sum_s rho(s) (1 - rho(s))^N gbar(s).
    ``"uniform"``: 1/S each. Requires N >= S - 2 for ``"worst"``.
    """
    S = check_positive_int(S, "S")
    N = check_positive_int(N, "N", minimum=0)
    check_choice(rho, "rho", ("worst", "uniform"))
    if rho == "uniform":
        return np.full(S, 1.0 / S)
    if S - 1 > N + 1:
        raise ValueError(f"N is {N}; rho='worst' needs N >= S - 2 = {S - 2}")
    out = np.full(S, 1.0 / (N + 1))
    out[0] = 1.0 - (S - 1) / (N + 1)
    return out


def _expert_arms(S: int, A: int) -> np.ndarray:
    # never arm 0, so that the lowest-index tie rule pays the gap in unseen contexts, and
    # varying with s, so that a context mix-up changes the policy
    return 1 + np.arange(S) % (A - 1)


def _cb_expert_behaviour(S: int = 20, A: int = 3, N: int = 100, gap: float = 0.5,
                         rho: str = "worst"):
    A = check_positive_int(A, "A", minimum=2)
    _check_gap(gap, 1.0)
    r = cb_expert_rho(S, N, rho)
    mu = np.zeros((r.size, A))
    mu[np.arange(r.size), _expert_arms(r.size, A)] = r
    return mu


@register(tags=("offline", "contextual", "sum_reward_le_one"))
@_with_behaviour(_cb_expert_behaviour)
def cb_expert(S: int = 20, A: int = 3, N: int = 100, gap: float = 0.5,
              rho: str = "worst") -> ContextualBandit:
    """Pure expert data (C* = 1) on S contexts: the imitation-learning S/N worst case.

    Source: library instance [lib] for the expert
    end of the data spectrum of Rashidinejad, Zhu, Ma, Jiao & Russell (2021), arXiv
    2103.12021 (LCB attains a 1/N rate on expert data), with the context law that
    maximises the loss in contexts never seen (cf. Rajaraman, Yang, Jiao & Ramchandran
    (2020), "Toward the fundamental limits of imitation learning", arXiv 2009.05990).

    Parameters
    ----------
    S : contexts, >= 1
    A : arms, >= 2
    N : the sample size the worst-case context law is built for (``rho="worst"``)
    gap : in (0, 1]; pi*(s) has mean (1 + gap)/2, every other arm (1 - gap)/2 (Bernoulli)
    rho : "worst" (``cb_expert_rho``: 1/(N+1) on contexts 1..S-1) or "uniform"

    Notes
    -----
    Optimal: pi*(s) = 1 + (s mod (A - 1)), never arm 0. Behaviour: mu(s, a) =
    rho(s) 1{a = pi*(s)} (the expert's occupancy), so C* = 1 exactly.
    """
    mu = _cb_expert_behaviour(S, A, N, gap, rho)
    S_, A_ = mu.shape
    g = float(gap)
    means = np.full((S_, A_), (1.0 - g) / 2)
    means[np.arange(S_), _expert_arms(S_, A_)] = (1.0 + g) / 2
    return ContextualBandit(means, rho=mu.sum(axis=1))


# ------------------------------------------------------------------ companions
def _spec_defaults(name: str) -> dict:
    return dict(get_spec(name).defaults)


def bandit_behaviour(name: str, **params: Any) -> np.ndarray:
    """The behaviour distribution mu of the offline instance ``name`` with ``params``.

    Shape (A,) for a multi-armed bandit, (S, A) for a contextual bandit (joint law of
    (context, action)). Same parameters and defaults as ``make(name, **params)``.
    """
    if name not in _BEHAVIOURS:
        raise ValueError(f"no behaviour distribution for {name!r}; offline bandit "
                         f"instances: {', '.join(sorted(_BEHAVIOURS))}")
    full = _spec_defaults(name)
    unknown = [k for k in params if k not in full]
    if unknown:
        raise TypeError(f"instance {name!r} has no parameter {unknown[0]!r}; "
                        f"its parameters are: {', '.join(full)}")
    full.update(params)
    return _BEHAVIOURS[name](**full)


@dataclass(frozen=True)
class OfflineBandit:
    """An offline bandit instance: the model, its behaviour distribution, its exact C*.

    Attributes
    ----------
    name, params : the registry name and the full parameters (defaults filled in).
    model : :class:`~mdplab.Bandit` or :class:`~mdplab.ContextualBandit`.
    mu : (A,) or (S, A) behaviour distribution.
    means : (S, A) mean rewards (S = 1 for a multi-armed bandit).
    rho : (S,) test context law (the model's rho).
    optimal : (S,) int64 optimal arm per context (unique on these instances).
    c_star : float, max_s rho(s) / mu(s, pi*(s)) (bandit: 1 / mu(a*)).
    """

    __repr__ = compact_repr

    name: str
    params: dict
    model: ContextualBandit
    mu: np.ndarray
    means: np.ndarray
    rho: np.ndarray
    optimal: np.ndarray
    c_star: float
    contextual: bool = field(default=False)

    @property
    def mu_2d(self) -> np.ndarray:
        """mu as an (S, A) array (S = 1 for a multi-armed bandit)."""
        return self.mu if self.mu.ndim == 2 else self.mu[None, :]


def offline_bandit(name: str, **params: Any) -> OfflineBandit:
    """Build the model and the behaviour distribution of ``name`` from the same params."""
    mu = bandit_behaviour(name, **params)
    full = _spec_defaults(name)
    full.update(params)
    model = _BUILDERS[name](**full)
    means = np.array(model.means)
    rho = np.array(model.rho)
    optimal = np.argmax(means, axis=1).astype(np.int64)
    mu2 = mu if mu.ndim == 2 else mu[None, :]
    target = rho
    cover = mu2[np.arange(means.shape[0]), optimal]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(target > 0, target / cover, 0.0)
    c_star = float(np.max(ratio))
    for arr in (mu, means, rho, optimal):
        arr.setflags(write=False)
    return OfflineBandit(name=name, params=full, model=model, mu=mu, means=means, rho=rho,
                         optimal=optimal, c_star=c_star, contextual=mu.ndim == 2)
