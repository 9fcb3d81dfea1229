"""Offline datasets of transitions (h, s, a, r, s') and their counts.

Offline data models (Li, Shi, Chen, Chi & Wei 2022, arXiv 2204.05275, Sec. 1.4 and eqs. (17),
(44)-(45)): D-traj (episodes of a behaviour policy,
:meth:`OfflineDataset.from_episodes`) and D-iid (i.i.d. tuples with (s, a) ~ mu,
:func:`sample_iid`; Li, Shi, Chen, Chi & Wei 2022, arXiv 2204.05275, eq. (17);
Rashidinejad, Zhu, Ma, Jiao & Russell 2021, arXiv 2103.12021, for observed rewards).

Counts are per step: ``n[h, s, a]`` = number of transitions at (h, s, a),
``nn[h, s, a, s']`` = number of those that moved to s'. The empirical kernel is
``P_hat = nn / n`` where n > 0 and the ZERO vector where n = 0; the empirical mean
reward is the mean of the observed rewards where n > 0 and 0 where n = 0.
A discounted dataset (``H is None``) has counts (S, A) and (S, A, S).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._validation import (
    PROB_NEG_TOL,
    PROB_SUM_TOL,
    RngLike,
    as_float_array,
    as_int_array,
    as_rng,
    check_int_range,
    check_positive_int,
    check_range,
    fmt_tol,
    readonly,
)
from ..kernels.sampling import count_transitions, sample_rows
from ..models.discounted import DiscountedMDP
from ..models.finite_horizon import FiniteHorizonMDP, validate_rho
from .generative import GenerativeModel, dense_rows_table, empirical_kernel
from .trajectories import Episodes

UNVISITED_RULES = ("self_loop", "uniform", "error")


@dataclass(frozen=True, eq=False)
class OfflineDataset:
    """N transitions (h[i], s[i], a[i], r[i], s_next[i]); arrays are read-only.

    Parameters
    ----------
    s, a, s_next : int (N,)
        State, action and next state of each transition.
    r : float (N,), optional
        Observed rewards (default: zeros), each in ``reward_range``.
    S, A : int
        Numbers of states and actions.
    H : int or None
        Horizon of a finite-horizon dataset; ``None`` for a discounted one.
    h : int (N,), optional
        Step of each transition (finite horizon; default all 0). Must be 0 (or
        omitted) when ``H is None``.
    episode : int (N,), optional
        Episode id of each transition (D-traj); :meth:`split` keeps episodes whole.
    reward_range : (low, high)

    Notes
    -----
    Validation raises ValueError naming the field and index, e.g.
    ``s[12] is 7; must be in {0, ..., 4}``.
    """

    s: np.ndarray
    a: np.ndarray
    s_next: np.ndarray
    S: int
    A: int
    H: int | None = None
    r: np.ndarray | None = None
    h: np.ndarray | None = None
    episode: np.ndarray | None = None
    reward_range: tuple[float, float] = (0.0, 1.0)

    def __post_init__(self):
        S = check_positive_int(self.S, "S")
        A = check_positive_int(self.A, "A")
        H = None if self.H is None else check_positive_int(self.H, "H")
        s = as_int_array(self.s, "s", ndim=1)
        N = s.shape[0]

        def same_len(x, name, conv):
            arr = conv(x, name, ndim=1)
            if arr.shape != (N,):
                raise ValueError(f"{name} has shape {arr.shape}; expected ({N},) like s")
            return arr

        a = same_len(self.a, "a", as_int_array)
        s_next = same_len(self.s_next, "s_next", as_int_array)
        check_int_range(s, "s", 0, S)
        check_int_range(a, "a", 0, A)
        check_int_range(s_next, "s_next", 0, S)
        from ..models.finite_horizon import check_reward_range

        lo, hi = check_reward_range(self.reward_range)
        r = np.zeros(N) if self.r is None else same_len(self.r, "r", as_float_array)
        check_range(r, "r", lo, hi)
        if self.h is None:
            h = np.zeros(N, dtype=np.int64)
        else:
            h = same_len(self.h, "h", as_int_array)
            check_int_range(h, "h", 0, 1 if H is None else H)
        episode = None if self.episode is None else same_len(self.episode, "episode", as_int_array)
        for name, val in [
            ("s", s), ("a", a), ("s_next", s_next), ("r", r), ("h", h), ("episode", episode),
        ]:
            object.__setattr__(self, name, None if val is None else readonly(val))
        object.__setattr__(self, "S", S)
        object.__setattr__(self, "A", A)
        object.__setattr__(self, "H", H)
        object.__setattr__(self, "reward_range", (lo, hi))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_episodes(cls, episodes: Episodes) -> OfflineDataset:
        """The K*H transitions of K episodes, in episode-major order (k, then h).

        ``episode[i]`` is the episode index k, so :meth:`split` keeps episodes whole.
        """
        if not isinstance(episodes, Episodes):
            raise TypeError(f"from_episodes needs Episodes, got {type(episodes).__name__}")
        K, H = episodes.K, episodes.H
        st = episodes.states
        return cls(
            s=st[:, :H].reshape(-1),
            a=episodes.actions.reshape(-1),
            s_next=st[:, 1:].reshape(-1),
            r=episodes.rewards.reshape(-1),
            h=np.tile(np.arange(H, dtype=np.int64), K),
            episode=np.repeat(np.arange(K, dtype=np.int64), H),
            S=episodes.S,
            A=episodes.A,
            H=H,
            reward_range=episodes.reward_range,
        )

    # ------------------------------------------------------------------ sizes
    @property
    def N(self) -> int:
        """Number of transitions."""
        return int(self.s.shape[0])

    def __len__(self) -> int:
        return self.N

    @property
    def discounted(self) -> bool:
        return self.H is None

    @property
    def pair_shape(self) -> tuple[int, ...]:
        """(H, S, A), or (S, A) for a discounted dataset."""
        return (self.S, self.A) if self.H is None else (self.H, self.S, self.A)

    @property
    def n_episodes(self) -> int | None:
        """Number of distinct episodes (None without episode ids)."""
        return None if self.episode is None else int(np.unique(self.episode).size)

    # ------------------------------------------------------------------ counts
    @cached_property
    def _counts(self):
        H = 1 if self.H is None else self.H
        n = np.zeros((H, self.S, self.A), dtype=np.int64)
        nn = np.zeros((H, self.S, self.A, self.S), dtype=np.int64)
        r_sum = np.zeros((H, self.S, self.A))
        count_transitions(self.h, self.s, self.a, self.s_next, self.r, n, nn, r_sum)
        if self.H is None:
            n, nn, r_sum = n[0], nn[0], r_sum[0]
        return readonly(n), readonly(nn), readonly(r_sum)

    @property
    def n(self) -> np.ndarray:
        """Visit counts n[h, s, a] (discounted: n[s, a]), int64."""
        return self._counts[0]

    @property
    def nn(self) -> np.ndarray:
        """Next-state counts nn[h, s, a, s'] (discounted: nn[s, a, s']), int64."""
        return self._counts[1]

    @property
    def reward_sum(self) -> np.ndarray:
        """Sum of observed rewards per pair, float64 (rewards added in data order)."""
        return self._counts[2]

    @property
    def n_s(self) -> np.ndarray:
        """State counts N_h(s) = sum_a n[h, s, a] (discounted: N(s))."""
        return self.n.sum(axis=-1)

    @cached_property
    def P_hat(self) -> np.ndarray:
        """Empirical kernel nn / n, the zero row where n = 0 (Li et al. 2022, Sec. 1.4)."""
        return readonly(empirical_kernel(self.nn)[0])

    @cached_property
    def r_hat(self) -> np.ndarray:
        """Mean observed reward per pair; 0 where n = 0."""
        return readonly(self.reward_sum / np.maximum(self.n, 1))

    # ------------------------------------------------------------------ models
    def empirical_mdp(
        self, unvisited: str = "self_loop", *, r: ArrayLike | None = None,
                      rho: ArrayLike | None = None, gamma: float | None = None
    ) -> FiniteHorizonMDP | DiscountedMDP:
        """A model built from the data: P_hat and the empirical mean rewards.

        Parameters
        ----------
        unvisited : rule for pairs with n = 0 (where P_hat has a zero row):
            'self_loop' — P(.|h,s,a) = e_s and reward 0 (an absorbing, worthless move);
            'uniform' — P(.|h,s,a) uniform over states and reward 0;
            'error' — raise ValueError naming the first unvisited pair.
        r : known mean rewards (pair_shape, or (S, A) broadcast over h) to use instead
            of the empirical ones (the known-reward setting of Li et al. 2022); the rule
            above then changes only the kernel.
        rho : initial distribution; default the empirical distribution of s at step 0
            (finite horizon; uniform if no transition has h = 0) or uniform (discounted).
        gamma : discount factor; required for a discounted dataset.

        Notes
        -----
        Returns a non-stationary :class:`FiniteHorizonMDP` (H, S, A, S) or a
        :class:`DiscountedMDP`, with reward range widened to include 0.
        """
        if unvisited not in UNVISITED_RULES:
            raise ValueError(f"unvisited is {unvisited!r}; must be one of {UNVISITED_RULES}")
        n = self.n
        zero = n == 0
        if unvisited == "error" and zero.any():
            idx = [int(i) for i in np.argwhere(zero)[0]]
            raise ValueError(f"n{idx} is 0 (an unvisited pair) and unvisited='error'")
        P = np.array(self.P_hat)
        if zero.any():
            if unvisited == "self_loop":
                fill = np.broadcast_to(np.eye(self.S)[:, None, :], (self.S, self.A, self.S))
                fill = np.broadcast_to(fill, P.shape)
            else:
                fill = np.full(P.shape, 1.0 / self.S)
            P[zero] = fill[zero]
        rewards = np.where(zero, 0.0, self.r_hat) if r is None else r
        lo, hi = self.reward_range
        rng_range = (min(lo, 0.0), max(hi, 0.0))
        if self.H is None:
            if gamma is None:
                raise ValueError(
                    "gamma is required for the empirical model of a discounted dataset"
                )
            rho = np.full(self.S, 1.0 / self.S) if rho is None else rho
            return DiscountedMDP(P, rewards, gamma, rho=rho, reward_range=rng_range)
        if rho is None:
            first = self.s[self.h == 0]
            rho = (
                np.bincount(first, minlength=self.S) / first.size
                if first.size
                else np.full(self.S, 1.0 / self.S)
            )
        else:
            rho = validate_rho(rho, self.S)
        if r is not None:
            rewards = as_float_array(r, "r", ndim=(2, 3))
            if rewards.ndim == 2:
                rewards = np.broadcast_to(rewards, self.pair_shape)
        return FiniteHorizonMDP(P, rewards, rho=rho, reward_range=rng_range)

    # ------------------------------------------------------------------ subsets
    def subset(self, idx: ArrayLike) -> OfflineDataset:
        """The dataset of transitions ``idx`` (int indices or a boolean mask of length N)."""
        idx = np.asarray(idx)
        if idx.dtype == bool:
            if idx.shape != (self.N,):
                raise ValueError(f"mask has shape {idx.shape}; expected ({self.N},)")
            idx = np.flatnonzero(idx)
        idx = as_int_array(idx, "idx", ndim=1)
        check_int_range(idx, "idx", 0, self.N)
        return OfflineDataset(
            s=self.s[idx], a=self.a[idx], s_next=self.s_next[idx], S=self.S, A=self.A,
            H=self.H, r=self.r[idx], h=self.h[idx],
            episode=None if self.episode is None else self.episode[idx],
            reward_range=self.reward_range,
        )

    def split(self, k: int, rng: RngLike | None = None,
              by: str | None = None) -> tuple[OfflineDataset, ...]:
        """Split into ``k`` disjoint parts whose union is the dataset (a partition).

        ``by='episode'`` (the default when episode ids exist) shuffles the episodes with
        ``rng`` and deals them into k parts of sizes differing by at most one episode,
        keeping each episode whole (the split of Li et al. 2022, Alg. 3, step 1, after a
        seeded shuffle). ``by='transition'`` does the same with single transitions.
        Within a part, transitions keep their original order.
        """
        k = check_positive_int(k, "k")
        if by is None:
            by = "episode" if self.episode is not None else "transition"
        if by not in ("episode", "transition"):
            raise ValueError(f"by is {by!r}; must be 'episode' or 'transition'")
        rng = as_rng(rng)
        if by == "episode":
            if self.episode is None:
                raise ValueError("by='episode' needs episode ids (this dataset has none)")
            units = np.unique(self.episode)
            if k > units.size:
                raise ValueError(f"k is {k}; the dataset has only {units.size} episodes")
            parts = np.array_split(rng.permutation(units), k)
            return tuple(self.subset(np.isin(self.episode, p)) for p in parts)
        if k > self.N:
            raise ValueError(f"k is {k}; the dataset has only {self.N} transitions")
        parts = np.array_split(rng.permutation(self.N), k)
        return tuple(self.subset(np.sort(p)) for p in parts)

    # ------------------------------------------------------------------ tables
    def to_pandas(self, what: str = "transitions") -> Any:
        """The dataset as a tidy ``pandas.DataFrame`` (needs the ``pandas`` extra).

        Parameters
        ----------
        what : {'transitions', 'counts', 'next_counts'}
            - ``'transitions'``: N rows in data order, columns ``h`` (finite horizon only),
              ``s``, ``a``, ``r``, ``s_next`` and ``episode`` (when the dataset has episode
              ids) -- the dataset's own fields.
            - ``'counts'``: one row per pair, every pair of :attr:`pair_shape` in C order
              (``h``, then ``s``, then ``a``; unvisited pairs included with ``n = 0``, so
              coverage holes show), columns ``h`` (finite horizon only), ``s``, ``a``,
              ``n`` (int64), ``reward_sum`` and ``r_hat``.
            - ``'next_counts'``: one row per observed (pair, next state), i.e. where
              ``nn > 0``, columns ``h`` (finite horizon only), ``s``, ``a``, ``s_next``,
              ``count`` (int64) and ``P_hat`` (= count / n).

        ``df.groupby(["h", "s", "a"]).size()`` of the transitions equals the positive
        entries of :attr:`n`.
        """
        from .._pandas import import_pandas

        pd = import_pandas("OfflineDataset.to_pandas")
        finite = self.H is not None
        if what == "transitions":
            cols: dict[str, np.ndarray] = {"h": self.h} if finite else {}
            cols.update(s=self.s, a=self.a, r=self.r, s_next=self.s_next)
            if self.episode is not None:
                cols["episode"] = self.episode
            return pd.DataFrame(cols)
        if what == "counts":
            grid = np.indices(self.pair_shape).reshape(len(self.pair_shape), -1)
            names = ["h", "s", "a"] if finite else ["s", "a"]
            cols = {name: grid[i].astype(np.int64) for i, name in enumerate(names)}
            cols.update(n=self.n.reshape(-1), reward_sum=self.reward_sum.reshape(-1),
                        r_hat=self.r_hat.reshape(-1))
            return pd.DataFrame(cols)
        if what == "next_counts":
            idx = np.nonzero(self.nn)
            names = ["h", "s", "a", "s_next"] if finite else ["s", "a", "s_next"]
            cols = {name: idx[i].astype(np.int64) for i, name in enumerate(names)}
            cols.update(count=self.nn[idx], P_hat=self.P_hat[idx])
            return pd.DataFrame(cols)
        raise ValueError(f"what is {what!r}; must be 'transitions', 'counts' or 'next_counts'")

    def __repr__(self) -> str:
        kind = "discounted" if self.H is None else f"H={self.H}"
        return f"OfflineDataset(N={self.N}, S={self.S}, A={self.A}, {kind})"


# ----------------------------------------------------------------------------- D-iid
def _validate_mu(mu, pair_shape: tuple[int, ...]) -> np.ndarray:
    """mu (S, A) (or (H, S, A); (S, A) is broadcast over h) as (H_eff, S*A)."""
    mu = as_float_array(mu, "mu", ndim=(2, 3))
    if mu.shape != pair_shape:
        if len(pair_shape) == 3 and mu.shape == pair_shape[1:]:
            mu = np.broadcast_to(mu, pair_shape)
        else:
            raise ValueError(f"mu has shape {mu.shape}; expected {pair_shape}")
    neg = mu < -PROB_NEG_TOL
    if neg.any():
        idx = [int(i) for i in np.argwhere(neg)[0]]
        raise ValueError(f"mu{idx} is {mu[tuple(idx)]:.6g}; probabilities must be >= 0")
    flat = mu.reshape(-1, pair_shape[-2] * pair_shape[-1])  # (1 or H, S*A)
    sums = flat.sum(axis=1)
    bad = np.abs(sums - 1.0) > PROB_SUM_TOL
    if bad.any():
        h = int(np.argmax(bad))
        label = "mu" if len(pair_shape) == 2 else f"mu[{h}]"
        raise ValueError(
            f"{label} sums to {sums[h]:.6f}; must sum to 1 over (s, a) (tolerance "
            f"{fmt_tol(PROB_SUM_TOL)})"
        )
    return np.ascontiguousarray(flat)


def sample_iid(mdp: FiniteHorizonMDP | DiscountedMDP | GenerativeModel, mu: ArrayLike, N: int,
               rng: RngLike | None = None) -> OfflineDataset:
    """i.i.d. transitions with (s, a) ~ mu, s' ~ P(.|(h,) s, a), r ~ reward_dist (D-iid).

    Parameters
    ----------
    mdp : DiscountedMDP, FiniteHorizonMDP or a GenerativeModel of either.
    mu : (S, A) for a discounted model; (H, S, A) for a finite-horizon one, drawing
        N pairs at each step h from mu[h] (an (S, A) mu is used at every step).
    N : tuples per step (a finite-horizon dataset has N*H transitions, step-major).
    rng : None, int seed or numpy Generator.

    Notes
    -----
    Randomness, in order: ``rng.random(H*N)`` for the pairs (inverse CDF over the
    flattened (s, a) index), ``rng.random(H*N)`` for the next states, then the rewards.
    Source: Li et al. 2022 (arXiv 2204.05275) eq. (17) with mu = d^b; Rashidinejad et
    al. 2021 (arXiv 2103.12021) for an arbitrary mu with observed rewards.
    """
    gen = mdp if isinstance(mdp, GenerativeModel) else GenerativeModel(mdp)
    model = gen.mdp
    N = check_positive_int(N, "N", minimum=0)
    flat_mu = _validate_mu(mu, gen.pair_shape)
    rng = as_rng(rng)
    S, A = gen.S, gen.A
    steps = flat_mu.shape[0]
    table = dense_rows_table(flat_mu)
    rows = np.repeat(np.arange(steps, dtype=np.int64), N)
    u = rng.random(rows.shape[0])
    pair = np.empty(rows.shape[0], dtype=np.int64)
    sample_rows(table.indptr, table.indices, table.cdf, table.guide, rows, u, pair)
    s, a = pair // A, pair % A
    h = None if gen.discounted else rows
    s_next = gen.next_states(s, a, rng, h=h)
    r_mean = np.asarray(model.r)
    means = r_mean[s, a] if gen.discounted else r_mean[rows, s, a]
    r = np.asarray(model.reward_dist.sample(means, rng), dtype=np.float64)
    return OfflineDataset(
        s=s, a=a, s_next=s_next, S=S, A=A, H=gen.H, r=r,
        h=None if gen.discounted else rows, reward_range=model.reward_range,
    )
