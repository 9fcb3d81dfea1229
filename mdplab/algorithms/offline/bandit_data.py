"""Offline bandit data (D-bandit): sampling datasets and counting them.

Data model (after Rashidinejad, Zhu, Ma, Jiao &
Russell 2021, arXiv 2103.12021): N i.i.d. pairs (a_i, r_i) with a_i ~ mu in Delta(A) and
r_i ~ Bernoulli(means[a_i]); contextual: N i.i.d. triples (s_i, a_i, r_i) with
(s_i, a_i) ~ mu in Delta(S x A) and r_i ~ Bernoulli(means[s_i, a_i]).

Two views of the same data:

* raw arrays (``sample_bandit_data``, ``sample_contextual_data``) and their counts
  (``bandit_counts``, ``contextual_counts``): ``n[a]`` (int64) and ``r_sum[a]`` (float64,
  the sum of the observed rewards of arm a), or ``n[s, a]``, ``r_sum[s, a]``;
* many datasets at once as counts (``sample_bandit_counts``, ``sample_contextual_counts``):
  ``n ~ Multinomial(N, mu)`` and, given ``n``, ``r_sum ~ Binomial(n, means)`` entrywise.
  For Bernoulli rewards this is exactly the law of the counts of N i.i.d. samples (the
  counts are sufficient for every rule in :mod:`mdplab.algorithms.offline.lcb`), at a cost
  of O(A) per dataset instead of O(N). This is what the Monte Carlo of the claims uses.

All randomness comes from an ``rng`` argument (int seed, SeedSequence or Generator).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..._validation import (
    RngLike,
    as_float_array,
    as_int_array,
    as_rng,
    check_int_range,
    check_positive_int,
    check_probability_rows,
    check_range,
    check_shape,
)

__all__ = [
    "bandit_counts",
    "contextual_counts",
    "sample_bandit_counts",
    "sample_bandit_data",
    "sample_contextual_counts",
    "sample_contextual_data",
]


def _means_and_mu(means, mu, ndim: int) -> tuple[np.ndarray, np.ndarray]:
    means = as_float_array(means, "means", ndim=ndim)
    mu = as_float_array(mu, "mu", ndim=ndim)
    check_shape(mu, "mu", means.shape)
    if means.size == 0:
        raise ValueError("means is empty; a bandit needs at least one arm")
    check_range(means, "means", 0.0, 1.0)
    check_probability_rows(mu.reshape(-1), "mu")
    return means, mu


def _flat_distribution(mu: np.ndarray) -> np.ndarray:
    # numpy's samplers reject a vector whose sum exceeds 1 by round-off; mu has passed the
    # 1e-9 sum check, so dividing by the sum changes it by at most that round-off, and
    # entries at -1e-12 (allowed round-off) become 0. Exact zeros stay exact zeros.
    p = np.maximum(mu.reshape(-1), 0.0)
    return p / p.sum()


def sample_bandit_data(means: ArrayLike, mu: ArrayLike, N: int,
                       rng: RngLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One D-bandit dataset: ``actions`` (N,) int64 with a_i ~ mu and ``rewards`` (N,)
    float64 in {0, 1} with r_i ~ Bernoulli(means[a_i]).

    Parameters
    ----------
    means : (A,) Bernoulli means in [0, 1]
    mu : (A,) behaviour distribution (sums to 1 within 1e-9)
    N : number of samples, >= 0
    rng : int seed, SeedSequence or numpy Generator
    """
    means, mu = _means_and_mu(means, mu, 1)
    N = check_positive_int(N, "N", minimum=0)
    gen = as_rng(rng)
    actions = gen.choice(means.size, size=N, p=_flat_distribution(mu)).astype(np.int64)
    rewards = (gen.random(N) < means[actions]).astype(np.float64)
    return actions, rewards


def sample_contextual_data(means: ArrayLike, mu: ArrayLike, N: int,
                           rng: RngLike | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One contextual D-bandit dataset: ``contexts``, ``actions`` (N,) int64 with
    (s_i, a_i) ~ mu and ``rewards`` (N,) float64 in {0, 1}, r_i ~ Bernoulli(means[s_i, a_i]).

    Parameters
    ----------
    means : (S, A) Bernoulli means in [0, 1]
    mu : (S, A) joint distribution of (context, action) (sums to 1 within 1e-9)
    N : number of samples, >= 0
    rng : int seed, SeedSequence or numpy Generator
    """
    means, mu = _means_and_mu(means, mu, 2)
    N = check_positive_int(N, "N", minimum=0)
    gen = as_rng(rng)
    S, A = means.shape
    flat = gen.choice(S * A, size=N, p=_flat_distribution(mu)).astype(np.int64)
    contexts, actions = flat // A, flat % A
    rewards = (gen.random(N) < means[contexts, actions]).astype(np.float64)
    return contexts, actions, rewards


def _rewards(rewards, N: int) -> np.ndarray:
    r = as_float_array(rewards, "rewards", ndim=1)
    if r.shape != (N,):
        raise ValueError(f"rewards has shape {r.shape}; actions has {N} entries")
    check_range(r, "rewards", 0.0, 1.0)
    return r


def bandit_counts(actions: ArrayLike, rewards: ArrayLike | None = None, *,
                  A: int) -> tuple[np.ndarray, np.ndarray]:
    """Counts of a D-bandit dataset: ``n`` (A,) int64 and ``r_sum`` (A,) float64.

    ``n[a]`` is the number of samples of arm a and ``r_sum[a]`` the sum of their rewards
    (zeros when ``rewards`` is None). Rewards must lie in [0, 1], the range the Hoeffding
    bonus of :func:`mdplab.algorithms.offline.lcb_mab` assumes.
    """
    A = check_positive_int(A, "A")
    actions = as_int_array(actions, "actions", ndim=1)
    check_int_range(actions, "actions", 0, A)
    n = np.bincount(actions, minlength=A).astype(np.int64)
    if rewards is None:
        return n, np.zeros(A)
    r = _rewards(rewards, actions.size)
    return n, np.bincount(actions, weights=r, minlength=A).astype(np.float64)


def contextual_counts(contexts: ArrayLike, actions: ArrayLike, rewards: ArrayLike | None = None, *,
                      S: int, A: int) -> tuple[np.ndarray, np.ndarray]:
    """Counts of a contextual dataset: ``n`` (S, A) int64 and ``r_sum`` (S, A) float64.

    Flattened index s * A + a, one ``np.bincount``.
    """
    S = check_positive_int(S, "S")
    A = check_positive_int(A, "A")
    contexts = as_int_array(contexts, "contexts", ndim=1)
    actions = as_int_array(actions, "actions", ndim=1)
    if contexts.shape != actions.shape:
        raise ValueError(f"contexts has shape {contexts.shape} but actions has {actions.shape}")
    check_int_range(contexts, "contexts", 0, S)
    check_int_range(actions, "actions", 0, A)
    flat = contexts * A + actions
    n = np.bincount(flat, minlength=S * A).astype(np.int64).reshape(S, A)
    if rewards is None:
        return n, np.zeros((S, A))
    r = _rewards(rewards, flat.size)
    return n, np.bincount(flat, weights=r, minlength=S * A).reshape(S, A)


def sample_bandit_counts(means: ArrayLike, mu: ArrayLike, N: int, M: int,
                         rng: RngLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Counts of M independent D-bandit datasets of N samples each.

    Returns ``n`` (M, A) int64 ~ Multinomial(N, mu) per row and ``r_sum`` (M, A) float64
    ~ Binomial(n, means) entrywise: the exact law of :func:`bandit_counts` of
    :func:`sample_bandit_data` (Bernoulli rewards). Memory is 16 M A bytes; batch M for
    many arms.
    """
    means, mu = _means_and_mu(means, mu, 1)
    N = check_positive_int(N, "N", minimum=0)
    M = check_positive_int(M, "M")
    gen = as_rng(rng)
    n = gen.multinomial(N, _flat_distribution(mu), size=M).astype(np.int64)
    r_sum = gen.binomial(n, means).astype(np.float64)
    return n, r_sum


def sample_contextual_counts(means: ArrayLike, mu: ArrayLike, N: int, M: int,
                             rng: RngLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Counts of M independent contextual datasets: ``n`` (M, S, A) int64 ~
    Multinomial(N, mu) over the S*A cells and ``r_sum`` (M, S, A) ~ Binomial(n, means)."""
    means, mu = _means_and_mu(means, mu, 2)
    N = check_positive_int(N, "N", minimum=0)
    M = check_positive_int(M, "M")
    gen = as_rng(rng)
    S, A = means.shape
    n = gen.multinomial(N, _flat_distribution(mu), size=M).astype(np.int64).reshape(M, S, A)
    r_sum = gen.binomial(n, means).astype(np.float64)
    return n, r_sum
