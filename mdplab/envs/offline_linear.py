"""Test beds of the PEVI claims: the linear simplex MDP
and the distractor MDP in which greedy planning falls for spurious correlations."""

from __future__ import annotations

import numpy as np

from .._validation import RngLike, as_rng, check_positive_int, check_real
from ..models.finite_horizon import FiniteHorizonMDP
from ..models.linear import LinearMDP
from .random_mdps import random_linear
from .registry import register

__all__ = ["distractor_behaviour", "distractor_mdp", "linear_simplex"]


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
