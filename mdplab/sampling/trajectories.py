"""Episodes of a policy in a finite-horizon MDP (the D-traj data model).

K i.i.d. episodes from a behaviour policy with s_0 ~ rho_b
(Li, Shi, Chen, Chi & Wei 2022, arXiv 2204.05275, eqs. (44)-(45)). Arrays:
``states[k, h]`` (K, H+1), ``actions[k, h]`` (K, H), ``rewards[k, h]`` (K, H).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import (
    as_float_array,
    as_int_array,
    as_rng,
    check_int_range,
    check_positive_int,
    check_range,
    check_sizes,
    readonly,
)
from ..kernels.sampling import rollout_episodes
from ..models.finite_horizon import FiniteHorizonMDP, validate_rho
from ..models.policy import validate_policy
from .generative import CHUNK, GenerativeModel

__all__ = ["Episodes", "rollout", "rollout_adaptive"]


@dataclass(frozen=True, eq=False)
class Episodes:
    """K episodes of length H (read-only arrays).

    states (K, H+1) int64: s_0 .. s_H; actions (K, H) int64; rewards (K, H) float64,
    ``rewards[k, h]`` drawn from the model's reward distribution at
    (h, states[k, h], actions[k, h]). ``S`` and ``A`` are the model's sizes and
    ``reward_range`` its reward range.
    """

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    S: int
    A: int
    reward_range: tuple[float, float] = (0.0, 1.0)

    def __post_init__(self) -> None:
        from ..models.finite_horizon import check_reward_range

        S, A = check_sizes(S=self.S, A=self.A)
        states = as_int_array(self.states, "states", ndim=2)
        actions = as_int_array(self.actions, "actions", ndim=2)
        rewards = as_float_array(self.rewards, "rewards", ndim=2)
        K, H = actions.shape
        if states.shape != (K, H + 1):
            raise ValueError(f"states has shape {states.shape}; expected (K, H+1) = "
                             f"({K}, {H + 1}) for actions of shape (K, H) = {actions.shape}")
        if rewards.shape != (K, H):
            raise ValueError(f"rewards has shape {rewards.shape}; expected (K, H) = {(K, H)}")
        if H < 1:
            raise ValueError("actions has shape (K, 0); episodes need H >= 1 steps")
        check_int_range(states, "states", 0, S)
        check_int_range(actions, "actions", 0, A)
        lo, hi = check_reward_range(self.reward_range)
        check_range(rewards, "rewards", lo, hi)
        for name, val in (("states", states), ("actions", actions), ("rewards", rewards)):
            object.__setattr__(self, name, readonly(val))
        object.__setattr__(self, "S", S)
        object.__setattr__(self, "A", A)
        object.__setattr__(self, "reward_range", (lo, hi))

    def __repr__(self) -> str:
        ret = self.returns
        mean = f"{float(ret.mean()):.4g}" if self.K else "nan"
        return (f"Episodes(K={self.K}, H={self.H}, S={self.S}, A={self.A}, "
                f"mean return={mean})")

    @property
    def K(self) -> int:
        return int(self.actions.shape[0])

    @property
    def H(self) -> int:
        return int(self.actions.shape[1])

    @property
    def returns(self) -> np.ndarray:
        """Sum of rewards of each episode, shape (K,)."""
        return self.rewards.sum(axis=1)

    def to_pandas(self) -> Any:
        """The episodes as a tidy ``pandas.DataFrame``, one row per step.

        K*H rows in episode-major order (episode k, then step h), columns ``episode``
        (int64), ``h`` (int64, 0-indexed), ``state``, ``action``, ``reward`` (float64) and
        ``next_state`` (``states[k, h + 1]``). ``df.groupby("episode").reward.sum()`` equals
        :attr:`returns`. Needs the ``pandas`` extra.
        """
        from .._pandas import import_pandas

        pd = import_pandas("Episodes.to_pandas")
        K, H = self.K, self.H
        return pd.DataFrame({
            "episode": np.repeat(np.arange(K, dtype=np.int64), H),
            "h": np.tile(np.arange(H, dtype=np.int64), K),
            "state": self.states[:, :H].reshape(-1),
            "action": self.actions.reshape(-1),
            "reward": self.rewards.reshape(-1),
            "next_state": self.states[:, 1:].reshape(-1),
        })


def running_sums_capped(p: np.ndarray) -> np.ndarray:
    """Running sums along the last axis, capped at 1.0, and exactly 1.0 from each
    vector's last positive entry onwards (so zero-probability trailing entries are
    never drawn by ``first index with cdf > u``, u in [0, 1))."""
    c = np.minimum(np.cumsum(p, axis=-1), 1.0)
    k = p.shape[-1]
    pos = p > 0
    last = k - 1 - np.argmax(pos[..., ::-1], axis=-1)  # last positive index
    c[np.arange(k) >= last[..., None]] = 1.0
    return np.ascontiguousarray(c)


def _alloc_episodes(K: int, H: int) -> tuple[np.ndarray, np.ndarray]:
    try:
        return np.empty((K, H + 1), dtype=np.int64), np.empty((K, H), dtype=np.int64)
    except (MemoryError, ValueError):  # ValueError: "array is too big"
        raise ValueError(f"n_episodes is {K}: K (H + 1) = {K * (H + 1):.3g} states do not fit "
                         "in memory; draw fewer episodes (or in batches)") from None


def rollout(mdp: FiniteHorizonMDP | GenerativeModel, policy: np.ndarray, n_episodes: int,
            rng: int | np.random.Generator | np.random.SeedSequence | None = None,
            rho: np.ndarray | None = None) -> Episodes:
    """Roll out ``n_episodes`` i.i.d. episodes of ``policy`` in ``mdp``.

    Parameters
    ----------
    mdp : FiniteHorizonMDP (dense or sparse kernel), or a GenerativeModel of one
        (reuses its sampling tables; building them costs O(nnz)).
    policy : deterministic (H, S) int or stochastic (H, S, A) (stationary (S,) or
        (S, A) broadcast over h), validated by :func:`mdplab.models.policy.validate_policy`.
    n_episodes : K >= 0.
    rng : None, int seed or numpy Generator.
    rho : start distribution (S,), default ``mdp.rho`` (it may differ from the test
        distribution, as in D-traj).

    Notes
    -----
    Randomness: the uniforms ``u0 = rng.random(K)`` (start states) and
    ``u = rng.random((K, H, 2))`` (action, next state; drawn in blocks of episodes,
    which leaves the stream unchanged) are drawn first, then the
    rewards by ``mdp.reward_dist.sample`` on the (K, H) array of mean rewards. The
    numba kernel (parallel over episodes) is a deterministic function of them, so
    the same seed gives the same arrays bit for bit for any number of threads.
    Draws use the inverse CDF (first index whose running sum exceeds u).
    """
    gen = mdp if isinstance(mdp, GenerativeModel) else None
    model = gen.mdp if gen is not None else mdp
    if not isinstance(model, FiniteHorizonMDP):
        raise TypeError(f"mdp must be a FiniteHorizonMDP (or a GenerativeModel of one), got "
                        f"{type(model).__name__}")
    if gen is None:
        gen = GenerativeModel(model)
    H, S, A = model.shape
    pi = validate_policy(policy, H, S, A)
    K = check_positive_int(n_episodes, "n_episodes", minimum=0)
    rho = model.rho if rho is None else validate_rho(rho, S)
    rng = as_rng(rng)

    pi_cdf = running_sums_capped(pi)
    rho_cdf = running_sums_capped(np.asarray(rho))
    states, actions = _alloc_episodes(K, H)
    u0 = rng.random(K)
    t = gen.table
    # u = rng.random((K, H, 2)), drawn in blocks of episodes into one buffer: the
    # generator's stream is the same as for a single draw, with bounded memory.
    per = max(1, CHUNK // (2 * H))
    buf = np.empty((min(per, K), H, 2))
    for start in range(0, K, per):
        m = min(per, K - start)
        u = buf[:m]
        rng.random(out=u)
        rollout_episodes(
            t.indptr, t.indices, t.cdf, t.guide, gen.h_stride, A, pi_cdf, rho_cdf,
            u0[start : start + m], u, states[start : start + m], actions[start : start + m],
        )
    means = np.asarray(model.r)[np.arange(H)[None, :], states[:, :H], actions]
    rewards = np.asarray(model.reward_dist.sample(means, rng), dtype=np.float64)
    return Episodes(
        readonly(states), readonly(actions), readonly(rewards), S, A, tuple(model.reward_range)
    )


def rollout_adaptive(mdp: FiniteHorizonMDP | GenerativeModel,
                     choose_policy: Callable[[int, Episodes | None], np.ndarray],
                     n_episodes: int,
                     rng: int | np.random.Generator | np.random.SeedSequence | None = None,
                     rho: np.ndarray | None = None, batch: int = 1) -> Episodes:
    """Compliant (adaptively collected) episodes: the policy may depend on earlier episodes.

    Data model D-compliant (Jin, Yang & Wang 2021, arXiv 2012.15085, the compliance
    assumption): episode k is played with
    ``choose_policy(k, past)``, where ``past`` is the :class:`Episodes` of episodes 0..k-1
    (None for k = 0); given the past and (s_h, a_h), rewards and next states follow the
    true MDP. ``batch > 1`` lets the policy change only every ``batch`` episodes (faster).
    i.i.d. episodes are the special case of a constant policy.
    """
    model = mdp.mdp if isinstance(mdp, GenerativeModel) else mdp
    if not isinstance(model, FiniteHorizonMDP):
        raise TypeError(f"mdp must be a FiniteHorizonMDP (or a GenerativeModel of one), got "
                        f"{type(model).__name__}")
    if not callable(choose_policy):
        raise TypeError(f"choose_policy must be a function (k, past) -> policy, got "
                        f"{choose_policy!r}")
    gen = mdp if isinstance(mdp, GenerativeModel) else GenerativeModel(mdp)
    K = check_positive_int(n_episodes, "n_episodes", minimum=0)
    batch = check_positive_int(batch, "batch")
    rng = as_rng(rng)
    H = gen.mdp.H
    states, actions = _alloc_episodes(K, H)
    rewards = np.empty((K, H))
    model = gen.mdp
    for start in range(0, K, batch):
        past = None if start == 0 else Episodes(
            readonly(states[:start].copy()), readonly(actions[:start].copy()),
            readonly(rewards[:start].copy()), model.S, model.A, tuple(model.reward_range))
        m = min(batch, K - start)
        ep = rollout(gen, choose_policy(start, past), m, rng, rho=rho)
        states[start:start + m], actions[start:start + m] = ep.states, ep.actions
        rewards[start:start + m] = ep.rewards
    return Episodes(readonly(states), readonly(actions), readonly(rewards), model.S, model.A,
                    tuple(model.reward_range))
