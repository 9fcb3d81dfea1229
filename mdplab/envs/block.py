"""Instances with controllable coverability: block lock, rich-observation lock, mixing de Bruijn.

Source: library instances (built for the
coverability checks of P. Amortila, D. J. Foster, N. Jiang, A. Sekhari and T. Xie (2024),
"Harnessing density ratios for online reinforcement learning", arXiv:2401.09681, and
T. Xie, D. J. Foster, Y. Bai, N. Jiang and S. M. Kakade (2023), "The role of coverage in
online reinforcement learning", arXiv:2210.04157). Block MDPs with rich observations follow
S. S. Du, A. Krishnamurthy, N. Jiang, A. Agarwal, M. Dudik and J. Langford (2019),
"Provably efficient RL with rich observations via latent state decoding", ICML,
arXiv:1901.09018. The coverability facts quoted below are the library's; they are checked by
the coverage tests, not here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._validation import RngLike, check_positive_int
from ..models.finite_horizon import FiniteHorizonMDP
from .classic import _lock_code
from .registry import check_index, check_probability, finite_or_discounted, register


def _de_bruijn_order(k: int, A: int) -> int:
    """b with k = A**b, or ValueError."""
    b, power = 0, 1
    while power < k and A > 1:
        power *= A
        b += 1
    if power != k:
        raise ValueError(
            f"k is {k}; the block lock needs k = A**b latent states (A = {A}) so that its "
            "latent chain is a de Bruijn graph"
        )
    return b


@register(tags=("sum_reward_le_one",))
def block_lock(
    k: int = 8,
    m: int = 4,
    A: int = 2,
    H: int = 5,
    z_star: int | None = None,
    a_star: int | None = None,
    r_star: float = 0.5,
) -> FiniteHorizonMDP:
    """BlockLock(k, m, A, H): rich observations over a de Bruijn latent chain; C_cov = A k.

    Source: a library instance (see the module docstring).

    Latent z in {0..k-1} with k = A**b; deterministic latent dynamics z' = (A z + a) mod k
    from z_0 = 0. Observation x = m z + u with u uniform on {0..m-1}, drawn afresh each
    step, so S = k m and
    P[h, x, a, x'] = 1/m if x' // m == (A (x // m) + a) mod k, else 0 (stationary);
    rho is uniform on block 0 (x in {0..m-1}). Reward: r[H-1, x, a] = r_star for
    x // m == z_star and a == a_star, 0 elsewhere (Bernoulli(r_star) when sampled:
    ``reward_dist='bernoulli'``). Total reward per episode <= 1, so the reward_scale of
    GLOW (Amortila, Foster, Jiang, Sekhari & Xie 2024, arXiv:2401.09681; see
    :func:`mdplab.algorithms.density_ratio.reward_scale`) is 1.

    Parameters
    ----------
    k : number of latent states, a power of A
    m : block size (observations per latent state), >= 1
    A : actions, >= 1
    H : horizon, >= 1
    z_star : target latent state, default k - 1
    a_star : target action, default A - 1
    r_star : reward in [0, 1], default 1/2

    Notes
    -----
    Optimal: J* = r_star when H - 1 >= b (every latent is reachable at layer H-1; reach
    z_star there and play a_star). Coverability (checked by the coverage tests): C_h = A min(A^h,
    k),
    C_cov(all) = A k, independent of m.
    """
    k = check_positive_int(k, "k")
    m = check_positive_int(m, "m")
    A = check_positive_int(A, "A")
    H = check_positive_int(H, "H")
    _de_bruijn_order(k, A)
    z_star = k - 1 if z_star is None else check_index(z_star, "z_star", k)
    a_star = A - 1 if a_star is None else check_index(a_star, "a_star", A)
    r_star = check_probability(r_star, "r_star")

    latent_next = (A * np.arange(k)[:, None] + np.arange(A)[None, :]) % k  # (k, A)
    L = np.zeros((k, A, k))
    np.put_along_axis(L, latent_next[:, :, None], 1.0, axis=2)
    P = np.repeat(np.repeat(L, m, axis=0), m, axis=2) / m  # (k m, A, k m)
    S = k * m
    r = np.zeros((H, S, A))
    r[H - 1, z_star * m : (z_star + 1) * m, a_star] = r_star
    rho = np.zeros(S)
    rho[:m] = 1.0 / m
    return FiniteHorizonMDP(P, r, H=H, rho=rho, reward_dist="bernoulli")


@register(tags=("random", "sum_reward_le_one"))
def rich_lock(H: int = 5, A: int = 2, m: int = 4, code: ArrayLike | None = None,
              r_star: float = 0.5, seed: RngLike = 0) -> FiniteHorizonMDP:
    """Rich-observation combination lock Lock(code, m, A, r*): C_cov = 2A for any H and m.

    Source: a library instance (after the lock of
    A. Krishnamurthy, A. Agarwal and J. Langford (2016), "PAC reinforcement learning with
    rich observations", NeurIPS, arXiv:1602.02722).

    Latent {G, B} per layer, H = len(code). Observations: G block = {0..m-1}, B block =
    {m..2m-1}, so S = 2m; rho uniform on G. At step h, from G the action code[h] leads to
    a uniform observation of G, any other action to a uniform observation of B; B is
    absorbing (uniform over B). Reward r[H-1, x in G, code[H-1]] = r_star (Bernoulli when
    sampled), 0 elsewhere; total reward <= 1 (reward_scale 1).

    Parameters
    ----------
    H : horizon = code length, >= 1
    A : actions, >= 1
    m : block size, >= 1
    code : optional length-H action sequence; default drawn uniformly from ``seed``
    r_star : reward in [0, 1]
    seed : int seed (or None / Generator) for the code when ``code`` is None

    Notes
    -----
    Optimal: J* = r_star (follow the code); the uniform policy earns r_star A^(-H).
    With m = 1 and r_star = 1 this is :func:`mdplab.envs.combination_lock`.
    """
    H = check_positive_int(H, "H")
    A = check_positive_int(A, "A")
    m = check_positive_int(m, "m")
    r_star = check_probability(r_star, "r_star")
    code = _lock_code(code, H, A, seed)
    S = 2 * m
    G, B = slice(0, m), slice(m, 2 * m)
    P = np.zeros((H, S, A, S))
    for h in range(H):
        for a in range(A):
            P[h, G, a, G if a == code[h] else B] = 1.0 / m
        P[h, B, :, B] = 1.0 / m
    r = np.zeros((H, S, A))
    r[H - 1, G, code[H - 1]] = r_star
    rho = np.zeros(S)
    rho[G] = 1.0 / m
    return FiniteHorizonMDP(P, r, H=H, rho=rho, reward_dist="bernoulli")


@register(tags=("discountable",))
def mixing_de_bruijn(
    S: int = 16,
    A: int = 2,
    H: int = 6,
    eta: float = 0.0,
    gamma: float | None = None,
    target: int | None = None,
) -> FiniteHorizonMDP:
    """Mixing de Bruijn chain: (1-eta) e_{(A s + a) mod S} + eta/S; C_cov falls from S A to A.

    Source: a library instance (first stated for A = 2;
    here (A s + a) mod S for general A).

    Equal state count, continuously tunable coverability: with probability 1 - eta the
    de Bruijn move s -> (A s + a) mod S, with probability eta a uniform reset. Stationary
    kernel; rho = delta_0. Rewards: all 0 by default (a reward-free instance for the
    coverage quantities); with ``target`` = t, r(t, a) = 1 for every a (1 per step spent
    in t).

    Parameters
    ----------
    S, A : ints >= 1
    H : horizon (ignored when ``gamma`` is given)
    eta : mixing probability in [0, 1]
    gamma : None -> FiniteHorizonMDP, float in [0, 1) -> DiscountedMDP
    target : optional rewarded state in {0..S-1}

    Notes
    -----
    Reference values (S = 16, A = 2, H = 6): C_cov(all) = 32 at eta = 0, 23.3696 at
    0.1, 14.1875 at 0.25, 6.0 at 0.5, 2.9375 at 0.75, 2.2496 at 0.9, 2.0 at 1.0.
    """
    S = check_positive_int(S, "S")
    A = check_positive_int(A, "A")
    H = check_positive_int(H, "H")
    eta = check_probability(eta, "eta")
    P = np.full((S, A, S), eta / S)
    nxt = (A * np.arange(S)[:, None] + np.arange(A)[None, :]) % S
    P[np.arange(S)[:, None], np.arange(A)[None, :], nxt] += 1.0 - eta
    r = np.zeros((S, A))
    if target is not None:
        r[check_index(target, "target", S), :] = 1.0
    return finite_or_discounted(P, r, H=H, gamma=gamma)
