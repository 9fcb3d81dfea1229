"""Test beds of the PEVI claims: the linear simplex MDP
and the distractor MDP in which greedy planning falls for spurious correlations."""

from __future__ import annotations

import numpy as np

from .._validation import RngLike, as_rng, check_positive_int, check_real
from ..models.finite_horizon import FiniteHorizonMDP
from ..models.linear import LinearMDP
from ..models.rewards import RewardDistribution
from .random_mdps import random_linear
from .registry import register

__all__ = ["distractor_behaviour", "distractor_mdp", "l1", "l2", "linear_simplex"]


@register(tags=("random", "linear"))
def linear_simplex(S: int = 30, A: int = 4, d: int = 4, H: int = 5, seed: RngLike = 0) -> LinearMDP:
    """Exact linear MDP with simplex features: the default linear test bed of the PEVI claims.

    Source: a library instance for the PEVI claims (Jin, Yang & Wang 2021, arXiv 2012.15085),
    built on the linear MDP
    of Jin, Yang, Wang & Jordan (2020), arXiv:1907.05388. phi(s, a) in Delta_d (Dirichlet),
    P_h(.|s,a) = sum_i phi_i(s,a) nu_{h,i}(.) with nu_{h,i} in Delta_S, r_h = phi . theta_h with
    theta_h in [0, 1]^d, so ||phi||_2 <= 1 and the measures sum to one per latent. It is
    :func:`mdplab.envs.random_linear` with the library's sizes (S = 30, A = 4); start: state 0.

    Parameters
    ----------
    S, A, d, H : numbers of states, actions, feature dimension and horizon (ints >= 1)
    seed : int seed, None or a Generator (the random stream of ``random_linear``)
    """
    return random_linear(S=S, A=A, d=d, H=H, seed=seed)


@register(tags=("random", "linear"))
def l1(S: int = 4, A: int = 2, H: int = 3, seed: RngLike = 0,
       reward_dist: str | RewardDistribution = "bernoulli") -> LinearMDP:
    """Instance L1 of the linear-MDP instance bank: a random tabular MDP written as a linear MDP.

    Source: the library's instance bank for the linear-MDP claims (L1), on
    Example 2.1 of C. Jin, Z. Yang, Z. Wang and M. I. Jordan (2020), "Provably efficient
    reinforcement learning with linear function approximation", COLT, arXiv:1907.05388
    (one-hot features, d = S * A). Standard sizes: L1a = ``l1(4, 2, 3)``, L1b = ``l1(3, 2, 2)``.

    Random stream (rng = default_rng(seed)), in this order::

        for h, s, a in lexicographic order: P[h, s, a] = rng.dirichlet(1_S)
        r = rng.uniform(0, 1, (H, S, A))

    ``rho = e_0``; features ``phi[s, a] = e_{s*A + a}``, ``mu[h] = P[h]`` reshaped (S*A, S),
    ``theta[h] = r[h]`` reshaped (:meth:`LinearMDP.from_tabular`). This differs from
    :func:`tabular_as_linear` (whose default draws a random start law and sparse rewards).

    Parameters
    ----------
    S, A, H : ints >= 1
    seed : int seed, None or a Generator
    reward_dist : observed rewards, default ``"bernoulli"`` (the instance bank's default); the mean
        rewards are ``r`` either way
    """
    S = check_positive_int(S, "S")
    A = check_positive_int(A, "A")
    H = check_positive_int(H, "H")
    rng = as_rng(seed, "seed")
    P = np.empty((H, S, A, S))
    ones = np.ones(S)
    for h in range(H):
        for s in range(S):
            for a in range(A):
                P[h, s, a] = rng.dirichlet(ones)
    r = rng.uniform(0.0, 1.0, (H, S, A))
    d = S * A
    return LinearMDP(np.eye(d).reshape(S, A, d), P.reshape(H, d, S), r.reshape(H, d), H,
                     reward_dist=reward_dist)


@register(tags=("random", "linear"))
def l2(S: int = 20, A: int = 3, d: int = 4, H: int = 4, a_phi: float = 0.3, a_mu: float = 0.5,
       seed: RngLike = 0, reward_dist: str | RewardDistribution = "bernoulli") -> LinearMDP:
    """Instance L2 of the linear-MDP instance bank: simplex features (the defaults are L2a).

    Source: the library's instance bank for the linear-MDP claims (L2), on
    Example 2.2 ("simplex feature space") of C. Jin, Z. Yang, Z. Wang and M. I. Jordan (2020),
    arXiv:1907.05388. L2a = ``l2(20, 3, 4, 4, 0.3, 0.5)``; the dimension grid varies d.

    Random stream (rng = default_rng(seed)), in this order (the stream of
    :func:`mdplab.envs.random_linear` with ``feature_concentration = a_phi`` and
    ``measure_concentration = a_mu``, which draws ``size=``-batched Dirichlets row by row, i.e.
    the same numbers)::

        for s, a lexicographic: phi[s, a] = rng.dirichlet(a_phi * 1_d)
        for h, i lexicographic: mu[h, i] = rng.dirichlet(a_mu * 1_S)
        theta = rng.uniform(0, 1, (H, d))

    ``rho = e_0``; stationary features, per-step measures and reward parameters.

    Parameters
    ----------
    S, A, d, H : ints >= 1
    a_phi, a_mu : Dirichlet concentrations > 0 of the features and of the measures
    seed : int seed, None or a Generator
    reward_dist : observed rewards, default ``"bernoulli"`` (the instance bank's default)
    """
    a_phi = check_real(a_phi, "a_phi", 0.0, open_low=True)
    a_mu = check_real(a_mu, "a_mu", 0.0, open_low=True)
    base = random_linear(S=S, A=A, d=d, H=H, seed=seed, feature_concentration=a_phi,
                         measure_concentration=a_mu)
    return LinearMDP(base.phi, base.mu, base.theta, base.H, reward_dist=reward_dist)


@register(tags=("random",))
def distractor_mdp(S: int = 2, H: int = 2, m: int = 10, good_reward: float = 0.5,
                   distractor_reward: float = 0.3, seed: RngLike = 0) -> FiniteHorizonMDP:
    """Distractor MDP: m poorly covered actions with Bernoulli rewards tempt greedy planning.

    Source: a library instance, claim jin2021.spurious_correlation (after the spurious-correlation
    discussion of Jin, Yang & Wang 2021, arXiv 2012.15085, Sec. 3). Every state has m + 1
    actions: the distractors 0..m-1 (mean reward ``distractor_reward``) and the good action m
    (mean ``good_reward``), all Bernoulli. The good action is last, so the lowest-index tie rule
    of an all-zero Q row picks a distractor (the instance does not flatter pessimism). Every
    action moves to the same random next-state distribution (Dirichlet(1), drawn from ``seed``),
    so pi* plays the good action everywhere and a distractor costs exactly good - distractor
    reward per step. Start: uniform. The behaviour policy is :func:`distractor_behaviour`.

    Parameters
    ----------
    S, H : numbers of states and steps (ints >= 1)
    m : number of distractor actions (A = m + 1)
    good_reward, distractor_reward : Bernoulli means, good_reward > distractor_reward
    seed : int seed, None or a Generator (the shared next-state distributions)
    """
    S, H, m = (check_positive_int(v, k) for v, k in ((S, "S"), (H, "H"), (m, "m")))
    good_reward = check_real(good_reward, "good_reward", 0.0, 1.0)
    distractor_reward = check_real(distractor_reward, "distractor_reward", 0.0, 1.0)
    if not good_reward > distractor_reward:
        raise ValueError(f"good_reward ({good_reward}) must exceed distractor_reward "
                         f"({distractor_reward})")
    rng = as_rng(seed, "seed")
    A = m + 1
    row = rng.dirichlet(np.ones(S), size=(H, S))                 # (H, S, S)
    P = np.repeat(row[:, :, None, :], A, axis=2)                  # same for every action
    r = np.full((H, S, A), float(distractor_reward))
    r[:, :, m] = good_reward
    return FiniteHorizonMDP(P, r, H=H, rho=np.full(S, 1.0 / S), reward_dist="bernoulli")


def distractor_behaviour(S: int = 2, H: int = 2, m: int = 10, good_mass: float = 0.8) -> np.ndarray:
    """Behaviour policy of :func:`distractor_mdp`, shape (H, S, m+1): the good action (last)
    with probability ``good_mass`` and each distractor with (1 - good_mass)/m (claim
    jin2021.spurious_correlation:
    0.2/m)."""
    S, H, m = (check_positive_int(v, k) for v, k in ((S, "S"), (H, "H"), (m, "m")))
    if not 0 < good_mass < 1:
        raise ValueError(f"good_mass is {good_mass}; must lie in (0, 1)")
    pi = np.full((H, S, m + 1), (1.0 - good_mass) / m)
    pi[:, :, m] = good_mass
    return pi
