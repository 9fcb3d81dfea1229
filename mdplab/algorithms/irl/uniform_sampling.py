"""US-IRL: uniform sampling with a generative model until the feasible set is eps-accurate.

Source: Metelli, Lazzati & Restelli (2023), arXiv:2304.12966 [MLR23], Algorithm 1 and
Appendix D.2 (known expert), Theorem 6.1 (sample complexity); the KL confidence level is
Jonsson et al. (2020), "Planning in Markov decision processes with gap-dependent sample
complexity", NeurIPS, Proposition 1.

Per round every (h, s, a) is sampled once (S A H queries), so after n rounds each pair has n
samples. The confidence level (paper text read) is

    beta(n, delta) = log(S A H / delta) + (S - 1) log(e (1 + n / (S - 1)))

(with probability >= 1 - delta, ``n KL(Phat_n || P) <= beta(n, delta)`` for all n and pairs),
and the confidence function, by Pinsker and [MLR23] Theorem 3.2 without its policy term,

    C[h] = 2 c_h sqrt(2 beta(n, delta) / n),

with the factor c_h the range of V[h+1]. **The printed display is not legible** in the copies
of the paper the library could find: ``c_h = H - h - 1`` (0-indexed; ``factor="H-h-1"``, the
default) is the reading under which the stopping time satisfies the paper's own Theorem 6.1 in
every cell of the library's grid (claim ``metelli2023`` on the stopping rule); the end of the
proof of Theorem 6.1 (App. B.4) bounds ``H - h + 1 <= H`` (1-indexed), which hints at
``c_h = H - h`` (``factor="H-h"``). Both are offered; neither is claimed to be the paper's.
The algorithm stops at the first n with ``max_h C[h] <= eps`` (the worst step is h = 0). Since
sampling is uniform that n is deterministic (:func:`us_irl_stopping_n`), and the draws only
decide whether the estimate is accurate; :func:`us_irl` draws the n* samples of each pair as
one multinomial count (the same law as n* sequential draws).

Theorem 6.1 (the constant ``Cc`` read in App. B.4; the leading factor reconstructed):

    tau <= (8 H^3 S A / eps^2) (log(S A H / delta) + (S - 1) Cc),
    Cc = log(e / (S - 1) + 8 e H^2 / ((S - 1) eps^2) (log(S A H / delta) + 4 e)).

With S = 1 the transitions are known: the (S - 1) terms are 0.

Unknown stochastic expert ([MLR23] Appendix D, Algorithm 2; structure read, details
reconstructed): every played action has probability >= pi_min (Assumption D.1, pi_min known);
each round queries the expert once at every (h, s); its support is estimated by the actions
seen, wrong at (h, s) after n queries with probability <= (1 - pi_min)^n (Lemma E.5). delta is
split in halves; the confidence function gains the policy term ``2 (H - h) 1{n < xi(n)}``
with ``xi(n) = log(2 S A H n^2 / delta) / log(1 / (1 - pi_min))`` (the library's reading of
Lemma D.3), so the algorithm also waits until ``n >= xi(n)``
(:func:`us_irl_policy_queries`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..._validation import as_rng, check_choice, check_positive_int, check_real, check_unit_open
from .feasible_set import FeasibleRewardSet

__all__ = ["USIRLResult", "estimated_expert_support", "us_irl", "us_irl_beta", "us_irl_confidence",
           "us_irl_policy_queries", "us_irl_sample_bound", "us_irl_stopping_n"]

_FACTORS = ("H-h-1", "H-h")


def _sizes(S: int, A: int, H: int) -> tuple[int, int, int]:
    return (check_positive_int(S, "S"), check_positive_int(A, "A"), check_positive_int(H, "H"))


def us_irl_beta(n: Any, delta: float, S: int, A: int, H: int) -> Any:
    """``beta(n, delta) = log(S A H / delta) + (S - 1) log(e (1 + n / (S - 1)))`` (module
    docstring; 0 for the second term when S = 1). ``n`` >= 1, scalar or array."""
    S, A, H = _sizes(S, A, H)
    delta = check_unit_open(delta, "delta")
    nn = np.asarray(n, dtype=np.float64)
    if np.any(nn < 1):
        raise ValueError("n must be >= 1 (the number of samples of each pair)")
    out = math.log(S * A * H / delta) + (0.0 if S == 1 else (S - 1) * np.log(
        math.e * (1.0 + nn / (S - 1))))
    return float(out) if np.ndim(out) == 0 else out


def _factor(h: np.ndarray, H: int, factor: str) -> np.ndarray:
    return (H - h - 1.0) if factor == "H-h-1" else (H - h * 1.0)


def us_irl_confidence(n: Any, delta: float, S: int, A: int, H: int, *,
                      factor: str = "H-h-1") -> np.ndarray:
    """C[h] = 2 c_h sqrt(2 beta(n, delta) / n) for h = 0..H-1, shape (H,) (or (len(n), H)
    for an array n); ``factor`` "H-h-1" (default) or "H-h" is c_h (module docstring)."""
    factor = check_choice(factor, "factor", _FACTORS)
    beta = np.asarray(us_irl_beta(n, delta, S, A, H))
    nn = np.asarray(n, dtype=np.float64)
    c = _factor(np.arange(H), H, factor)
    width = np.sqrt(2.0 * beta / nn)
    return 2.0 * np.multiply.outer(width, c) if np.ndim(width) else 2.0 * c * float(width)


def us_irl_stopping_n(S: int, A: int, H: int, eps: float, delta: float, *,
                      factor: str = "H-h-1") -> int:
    """n* = min{n >= 1 : max_h C[h](n) <= eps}: the round at which US-IRL stops (each pair
    then has n* samples, tau = S A H n*). ``max_h C[h](n)`` decreases in n (beta grows like
    log n), so n* is found by doubling and bisection. With factor "H-h-1" and H = 1, n* = 1."""
    S, A, H = _sizes(S, A, H)
    eps = check_real(eps, "eps", 0.0, open_low=True)
    delta = check_unit_open(delta, "delta")
    factor = check_choice(factor, "factor", _FACTORS)

    def ok(n):
        return float(us_irl_confidence(n, delta, S, A, H, factor=factor).max()) <= eps

    if ok(1):
        return 1
    hi = 2
    while not ok(hi):
        hi *= 2
        if hi > 2 ** 62:
            raise ValueError(f"eps = {eps:g} needs more than 2^62 samples per pair")
    lo = hi // 2          # not ok(lo), ok(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def us_irl_sample_bound(S: int, A: int, H: int, eps: float, delta: float) -> float:
    """[MLR23] Theorem 6.1's bound on the number of samples tau (module docstring)."""
    S, A, H = _sizes(S, A, H)
    eps = check_real(eps, "eps", 0.0, open_low=True)
    delta = check_unit_open(delta, "delta")
    L = math.log(S * A * H / delta)
    if S == 1:
        return 8.0 * H ** 3 * S * A / eps ** 2 * L
    Cc = math.log(math.e / (S - 1) + 8.0 * math.e * H ** 2 / ((S - 1) * eps ** 2)
                  * (L + 4.0 * math.e))
    return 8.0 * H ** 3 * S * A / eps ** 2 * (L + (S - 1) * Cc)


def us_irl_policy_queries(S: int, A: int, H: int, delta: float, pi_min: float) -> int:
    """The first n >= 1 with ``n >= xi(n) = log(2 S A H n^2 / delta) / log(1/(1 - pi_min))``
    (module docstring): the expert queries per (h, s) after which the policy term of the
    unknown-expert confidence function vanishes."""
    S, A, H = _sizes(S, A, H)
    delta = check_unit_open(delta, "delta")
    pi_min = check_real(pi_min, "pi_min", 0.0, 1.0, open_low=True, open_high=True)
    rate = -math.log1p(-pi_min)

    def xi(n):
        return math.log(2.0 * S * A * H * n * n / delta) / rate

    n = 1
    while n < xi(n):
        n = max(n + 1, int(math.ceil(xi(n))))
    return n


def estimated_expert_support(expert_counts: Any) -> np.ndarray:
    """The actions the expert was seen playing: ``expert_counts > 0`` (H, S, A) bool, from the
    answers (H, S, A) of the unknown-expert queries ([MLR23] App. D; wrong at (h, s) after n
    queries with probability <= (1 - pi_min)^n, Lemma E.5)."""
    from ..._validation import as_count_array

    return as_count_array(expert_counts, "expert_counts", ndim=3) > 0


@dataclass(frozen=True)
class USIRLResult:
    """The output of :func:`us_irl`.

    estimate : FeasibleRewardSet of (Phat, pi_E) (an oracle: membership and LPs; never
    enumerated); counts : (H, S, A, S) int64 next-state counts; n_per_pair : n*; tau : samples
    used, S A H n*; confidence : (H,) C[h] at stopping (all <= eps); eps, delta, factor;
    bound : Theorem 6.1's bound on tau; P_hat : (H, S, A, S); expert_counts : (H, S, A)
    the expert's answers (unknown-expert mode, else None); support_correct : whether the
    estimated support equals the true one (unknown-expert mode, else None).
    """

    estimate: FeasibleRewardSet
    counts: np.ndarray
    n_per_pair: int
    tau: int
    confidence: np.ndarray
    eps: float
    delta: float
    factor: str
    bound: float
    P_hat: np.ndarray
    expert_counts: np.ndarray | None = None
    support_correct: bool | None = None


def us_irl(model: Any, expert: Any, eps: float, delta: float = 0.1, *, factor: str = "H-h-1",
           rng: Any = None, box: Any = (-1.0, 1.0),
           pi_min: float | None = None) -> USIRLResult:
    """Run US-IRL ([MLR23] Algorithm 1, known expert) with a generative model of ``model``.

    Parameters
    ----------
    model : FiniteHorizonMDP (its reward is ignored) or a
        :class:`~mdplab.sampling.GenerativeModel` of one.
    expert : the expert policy, deterministic (H, S) or stochastic (H, S, A).
    eps : accuracy > 0 in the max-norm Hausdorff distance (box [-1, 1]).
    delta : failure probability in (0, 1).
    factor : "H-h-1" (default) or "H-h", the confidence function's factor (module docstring).
    rng : seed or Generator (the counts).
    box : the reward box of the returned set.
    pi_min : None (known expert, [MLR23] Algorithm 1) or the smallest probability of a played
        action (unknown expert, Algorithm 2): the expert is then only queried, n times at
        every (h, s), and its estimated support defines the returned set; delta is split in
        halves between transitions and support.

    Returns
    -------
    USIRLResult
        With probability >= 1 - delta, ``H_{d_G}(R, estimate) <= eps``.
    """
    from ...models import FiniteHorizonMDP
    from ...sampling import GenerativeModel

    gm = model if isinstance(model, GenerativeModel) else None
    if gm is None:
        if not isinstance(model, FiniteHorizonMDP):
            raise TypeError(f"model must be a FiniteHorizonMDP or a GenerativeModel, got "
                            f"{type(model).__name__}")
        gm = GenerativeModel(model)
    if gm.discounted:
        raise ValueError("us_irl is the finite-horizon algorithm; the model is discounted")
    eps = check_real(eps, "eps", 0.0, open_low=True)
    delta = check_unit_open(delta, "delta")
    factor = check_choice(factor, "factor", _FACTORS)
    gen = as_rng(rng)
    H, S, A = gm.H, gm.S, gm.A
    truth = FeasibleRewardSet(gm.mdp, expert, box=box)       # validates expert and box
    d_trans = delta if pi_min is None else delta / 2.0
    n_star = us_irl_stopping_n(S, A, H, eps, d_trans, factor=factor)
    expert_counts = None
    if pi_min is not None:
        n_star = max(n_star, us_irl_policy_queries(S, A, H, delta / 2.0, pi_min))
    counts = np.asarray(gm.counts(n_star, gen, layout="dense"), dtype=np.int64)
    P_hat = counts / float(n_star)
    expert_policy = truth.expert
    support_ok = None
    if pi_min is not None:
        expert_counts = np.stack([
            np.stack([gen.multinomial(n_star, truth.expert[h, s]) for s in range(S)])
            for h in range(H)]).astype(np.int64)
        played = estimated_expert_support(expert_counts)
        expert_policy = np.where(played, expert_counts, 0) / float(n_star)
        support_ok = bool(np.array_equal(played, truth.played))
    estimate = FeasibleRewardSet(P_hat, expert_policy, box=box)
    return USIRLResult(
        estimate=estimate, counts=counts, n_per_pair=n_star, tau=S * A * H * n_star,
        confidence=us_irl_confidence(n_star, d_trans, S, A, H, factor=factor), eps=eps,
        delta=delta, factor=factor, bound=us_irl_sample_bound(S, A, H, eps, d_trans),
        P_hat=P_hat, expert_counts=expert_counts, support_correct=support_ok)
