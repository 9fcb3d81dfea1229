"""Generative model: N next-state samples at any (h,) s, a of an exact tabular MDP.

This is the D-gen (generative-model) data model (Li et al. 2022, arXiv 2204.05275): ``nn[h, s, a,
s']``
next-state counts with ``n[h, s, a] = N`` at every (h, s, a), as in the experiment
of Li, Shi, Chen, Chi & Wei (2022), arXiv 2204.05275, §4.

Sampling method: inverse CDF with guide tables
----------------------------------------------
Each row P(.|h,s,a) is stored over its positive entries as running sums (last entry
exactly 1.0) plus a Chen & Asau (1974) guide table (see :mod:`mdplab.kernels.sampling`).
We chose this over Walker's alias method because

* it is exact and monotone: a draw is ``first j with cdf[j] > u``, the same as
  ``numpy.searchsorted`` — so a plain-numpy reference reproduces every draw bit for
  bit, and the same uniforms give the same samples in the generative model, the
  rollouts and the i.i.d. datasets (a common-random-numbers coupling);
* with the guide table a draw costs O(1) expected comparisons (< 3 on average),
  as fast as the alias method, and the tables take O(nnz) memory
  (20 bytes per positive entry: cdf, successor index, guide);
* building the tables is a single left-to-right pass per row.

Running sums are capped at 1.0 (a row may sum to 1 + 1e-9 within the models'
tolerance); the sampled distribution therefore differs from P by at most that
tolerance in total variation. Entries with probability <= 0 (round-off negatives
down to -1e-12 are accepted by the models) are never sampled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._validation import (
    RngLike,
    as_int_array,
    as_rng,
    check_int_range,
    check_positive_int,
    readonly,
)
from ..kernels.sampling import build_cdf_guide, multinomial_entries, sample_rows
from ..models.discounted import DiscountedMDP
from ..models.finite_horizon import FiniteHorizonMDP
from ..models.sparse import SparseTransitions
from ..planning.results import compact_repr

__all__ = ["GenerativeModel", "SamplingTable", "SparseCounts", "empirical_kernel"]

#: Uniforms drawn per call to a counting kernel (8 MiB of float64).
CHUNK = 1 << 20


# ----------------------------------------------------------------------------- tables
@dataclass(frozen=True, eq=False)
class SamplingTable:
    """Inverse-CDF tables of R distributions over positive entries (CSR layout).

    indptr (R+1,) int64, indices (nnz,) int64 outcomes, cdf (nnz,) float64 running
    sums with each row's last entry exactly 1.0, guide (nnz,) int32 guide table.
    """

    __repr__ = compact_repr

    indptr: np.ndarray
    indices: np.ndarray
    cdf: np.ndarray
    guide: np.ndarray

    @property
    def n_rows(self) -> int:
        return int(self.indptr.shape[0] - 1)

    @property
    def nnz(self) -> int:
        return int(self.cdf.shape[0])

    def row_lengths(self) -> np.ndarray:
        return np.diff(self.indptr)


def build_sampling_table(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray
) -> SamplingTable:
    """Tables for the CSR distributions (indptr, indices, data); entries <= 0 are dropped.

    Every row must keep at least one positive entry (the models guarantee it for
    transition kernels; callers check it for other distributions).
    """
    indptr = np.asarray(indptr, dtype=np.int64)
    data = np.asarray(data, dtype=np.float64)
    indices = np.asarray(indices, dtype=np.int64)
    R = indptr.shape[0] - 1
    keep = data > 0
    if not keep.all():
        row_of = np.repeat(np.arange(R, dtype=np.int64), np.diff(indptr))
        per_row = np.bincount(row_of[keep], minlength=R)
        indptr = np.concatenate([[0], np.cumsum(per_row)]).astype(np.int64)
        data = data[keep]
        indices = indices[keep]
    if np.any(np.diff(indptr) == 0):
        row = int(np.argmax(np.diff(indptr) == 0))
        raise ValueError(f"distribution row {row} has no positive entry")
    data = np.ascontiguousarray(data)
    cdf = np.empty(data.shape[0])
    guide = np.empty(data.shape[0], dtype=np.int32)
    build_cdf_guide(indptr, data, cdf, guide)
    return SamplingTable(
        readonly(indptr), readonly(np.ascontiguousarray(indices)), readonly(cdf), readonly(guide)
    )


def dense_rows_table(p: np.ndarray) -> SamplingTable:
    """Tables for the rows of a dense (R, k) array of distributions."""
    p = np.asarray(p, dtype=np.float64)
    R, k = p.shape
    indptr = np.arange(R + 1, dtype=np.int64) * k
    indices = np.tile(np.arange(k, dtype=np.int64), R)
    return build_sampling_table(indptr, indices, p.reshape(-1))


def transition_table(mdp) -> tuple[SamplingTable, int]:
    """(table, h_stride) for the kernel of ``mdp``.

    The table row of (h, s, a) is ``h * h_stride + s * A + a``; ``h_stride`` is 0 for
    a stationary or discounted kernel (one table of S*A rows) and S*A otherwise.
    """
    S, A = mdp.S, mdp.A
    stationary = isinstance(mdp, DiscountedMDP) or mdp.stationary
    if mdp.P_sparse is not None:
        sp = mdp.P_sparse
        table = build_sampling_table(sp.indptr, sp.indices, sp.data)
    else:
        P = mdp.P[0] if isinstance(mdp, FiniteHorizonMDP) and mdp.stationary else mdp.P
        flat = np.asarray(P).reshape(-1, S)
        mask = flat > 0
        indptr = np.concatenate([[0], np.cumsum(mask.sum(axis=1))]).astype(np.int64)
        _, cols = np.nonzero(mask)
        table = build_sampling_table(indptr, cols.astype(np.int64), flat[mask])
    return table, (0 if stationary else S * A)


# ----------------------------------------------------------------------------- counts
@dataclass(frozen=True, eq=False)
class SparseCounts:
    """Next-state counts stored over the support of P (memory O(nnz)).

    Row ``i`` (the flattened (h,) s, a index) counts ``counts[indptr[i]:indptr[i+1]]``
    visits to the successors ``indices[indptr[i]:indptr[i+1]]``; successors outside
    the support of P are never sampled and have count 0.

    indptr (R+1,) int64, indices (nnz,) int64, counts (nnz,) int64,
    shape (H, S, A, S) or (S, A, S): the dense shape of ``nn``.
    """

    __repr__ = compact_repr

    indptr: np.ndarray
    indices: np.ndarray
    counts: np.ndarray
    shape: tuple[int, ...]

    @property
    def n(self) -> np.ndarray:
        """Row totals n[(h,) s, a], shape ``shape[:-1]``."""
        rows = int(np.prod(self.shape[:-1]))
        row_of = np.repeat(np.arange(rows), np.diff(self.indptr))
        return np.bincount(row_of, weights=self.counts, minlength=rows).astype(np.int64).reshape(
            self.shape[:-1]
        )

    def to_dense(self) -> np.ndarray:
        """The dense int64 array ``nn`` of shape ``shape``."""
        rows, S = int(np.prod(self.shape[:-1])), self.shape[-1]
        row_of = np.repeat(np.arange(rows, dtype=np.int64), np.diff(self.indptr))
        flat = np.bincount(row_of * S + self.indices, weights=self.counts, minlength=rows * S)
        return flat.astype(np.int64).reshape(self.shape)

    def to_scipy(self) -> Any:
        """scipy.sparse.csr_matrix of shape (prod(shape[:-1]), S)."""
        import scipy.sparse as sp

        rows = int(np.prod(self.shape[:-1]))
        return sp.csr_matrix(
            (self.counts, self.indices, self.indptr), shape=(rows, self.shape[-1])
        )


def empirical_kernel(nn: np.ndarray | SparseCounts) -> tuple[Any, np.ndarray]:
    """Empirical kernel ``P_hat = nn / n`` with the zero vector where ``n = 0``.

    Li et al. 2022 (arXiv 2204.05275, Sec. 1.4, "0/0 = 0"): for an
    unvisited (h, s, a) the row of P_hat is 0, so P_hat V = 0 and its variance is 0.
    Such a P_hat is not a transition kernel, so this returns arrays, not a model
    (see :meth:`GenerativeModel.empirical_mdp` and
    :meth:`mdplab.sampling.OfflineDataset.empirical_mdp` for models).

    Parameters
    ----------
    nn : int array (..., S) of next-state counts, or :class:`SparseCounts`.

    Returns
    -------
    (P_hat, n) : P_hat float64 shaped like ``nn`` (a scipy.sparse CSR matrix of shape
    (rows, S) for SparseCounts), and n = nn summed over s' (int64, shape ``nn.shape[:-1]``).
    """
    if isinstance(nn, SparseCounts):
        n = nn.n
        row_n = np.repeat(n.reshape(-1), np.diff(nn.indptr))
        data = nn.counts / np.maximum(row_n, 1)
        import scipy.sparse as sp

        P_hat = sp.csr_matrix(
            (data, nn.indices, nn.indptr), shape=(int(np.prod(nn.shape[:-1])), nn.shape[-1])
        )
        return P_hat, n
    nn = as_int_array(nn, "nn")
    if nn.ndim < 2:
        raise ValueError(f"nn has shape {nn.shape}; expected (..., S)")
    if np.any(nn < 0):
        idx = tuple(int(i) for i in np.argwhere(nn < 0)[0])
        raise ValueError(f"nn{list(idx)} is {nn[idx]}; counts must be >= 0")
    n = nn.sum(axis=-1)
    P_hat = nn / np.maximum(n, 1)[..., None]
    return P_hat, n


# ----------------------------------------------------------------------------- model
class GenerativeModel:
    """Sample next states of an exact MDP at any (h,) s, a (a "simulator").

    Parameters
    ----------
    mdp : FiniteHorizonMDP or DiscountedMDP, with a dense or sparse kernel.

    Notes
    -----
    The sampling tables are built once, here (O(nnz) time and memory); see the
    module docstring for the method. Every method takes ``rng`` (None, an int seed
    or a ``numpy.random.Generator``); the same seed gives the same arrays bit for bit.

    Shapes: for a finite-horizon model the pair index is (h, s, a) and counts are
    (H, S, A, S), also for a stationary kernel (each step gets its own samples); for
    a discounted model it is (s, a) and counts are (S, A, S).
    """

    def __init__(self, mdp: FiniteHorizonMDP | DiscountedMDP) -> None:
        if not isinstance(mdp, (FiniteHorizonMDP, DiscountedMDP)):
            raise TypeError(
                f"mdp must be a FiniteHorizonMDP or DiscountedMDP, got "
                f"{type(mdp).__name__} (use LinearMDP.to_tabular() for a linear MDP)"
            )
        self.mdp = mdp
        self.S, self.A = mdp.S, mdp.A
        self.discounted = isinstance(mdp, DiscountedMDP)
        self.H = None if self.discounted else mdp.H
        self.table, self.h_stride = transition_table(mdp)

    # ------------------------------------------------------------------ shapes
    @property
    def pair_shape(self) -> tuple[int, ...]:
        """(H, S, A) for a finite-horizon model, (S, A) for a discounted one."""
        return (self.S, self.A) if self.discounted else (self.H, self.S, self.A)

    @property
    def counts_shape(self) -> tuple[int, ...]:
        return self.pair_shape + (self.S,)

    def _mean_rewards(self) -> np.ndarray:
        return np.asarray(self.mdp.r)

    def _check_h(self, h) -> np.ndarray | int:
        """Validated step(s); ``None`` means 0 where the kernel does not depend on h."""
        if self.discounted:
            if h is not None and np.any(np.asarray(h) != 0):
                raise ValueError("h must be None (or 0) for a DiscountedMDP")
            return 0
        if h is None:
            if self.h_stride != 0 and self.H > 1:
                raise ValueError(
                    "h is required for a non-stationary FiniteHorizonMDP (P depends on the step)"
                )
            return 0
        h = as_int_array(h, "h")
        check_int_range(h, "h", 0, self.H)
        return h

    def _rows(self, h, s, a) -> np.ndarray:
        return (h * self.h_stride + s * self.A + a).astype(np.int64)

    # ------------------------------------------------------------------ draws
    def next_states(self, s: ArrayLike, a: ArrayLike, rng: RngLike | None = None, *,
                    h: int | ArrayLike | None = None) -> np.ndarray:
        """One next state for each pair: arrays ``s``, ``a`` (and ``h``) of one shape.

        ``h`` is required for a non-stationary finite-horizon kernel and may be a scalar
        or an array broadcast against ``s``. Uses one uniform per draw, in C order.
        Returns int64 next states shaped like ``s``.
        """
        s = as_int_array(s, "s")
        a = as_int_array(a, "a")
        if s.shape != a.shape:
            raise ValueError(f"a has shape {a.shape}; expected {s.shape} (the shape of s)")
        check_int_range(s, "s", 0, self.S)
        check_int_range(a, "a", 0, self.A)
        h = self._check_h(h)
        h = np.broadcast_to(h, s.shape) if np.ndim(h) else h
        rng = as_rng(rng)
        rows = np.ascontiguousarray(self._rows(h, s, a).reshape(-1))
        u = rng.random(rows.shape[0])
        out = np.empty(rows.shape[0], dtype=np.int64)
        t = self.table
        sample_rows(t.indptr, t.indices, t.cdf, t.guide, rows, u, out)
        return out.reshape(s.shape)

    def sample(self, s: int, a: int, n: int, rng: RngLike | None = None, *,
               h: int | None = None) -> np.ndarray:
        """``n`` i.i.d. next states from P(.|h, s, a) (discounted: P(.|s, a)); shape (n,) int64.

        ``h`` is required for a non-stationary finite-horizon kernel.
        """
        n = check_positive_int(n, "n", minimum=0)
        s_arr = np.full(n, self._scalar(s, "s", self.S), dtype=np.int64)
        a_arr = np.full(n, self._scalar(a, "a", self.A), dtype=np.int64)
        return self.next_states(s_arr, a_arr, rng, h=h)

    @staticmethod
    def _scalar(x, name: str, high: int) -> int:
        x = check_positive_int(x, name, minimum=0)
        if x >= high:
            raise ValueError(f"{name} is {x}; must be in {{0, ..., {high - 1}}}")
        return x

    def counts(self, n: int, rng: RngLike | None = None, *,
               layout: str = "auto") -> np.ndarray | SparseCounts:
        """Next-state counts for ``n`` samples at EVERY pair at once.

        Each pair's counts are one exact Multinomial(n, P(.|(h,) s, a)) draw, made by
        conditional binomials over the pair's successors in table order:
        n_j ~ Binomial(n - n_0 - ... - n_{j-1}, p_j / (1 - p_0 - ... - p_{j-1})), the last
        successor taking the rest (``mdplab.kernels.sampling.multinomial_entries``;
        binomials by inversion for a mean below 10, else Hoermann's 1993 BTRD). This has
        the law of counting ``n`` i.i.d. next states, at O(support size) cost per pair
        instead of O(n). ``rng`` supplies two 64-bit keys; each pair draws from its own
        SplitMix64 stream keyed by them and its index, so the counts do not depend on the
        number of threads (numba, parallel over pairs). There are no common random
        numbers with :meth:`next_states`, and the counts for a given seed differ from
        those of mdplab 0.1.0, which counted ``n`` inverse-CDF draws per pair.

        Parameters
        ----------
        n : int >= 0, samples per pair.
        layout : 'auto' (dense for a dense model, sparse for a sparse one), 'dense'
            or 'sparse'.

        Returns
        -------
        nn : int64 array (H, S, A, S) (discounted: (S, A, S)) with ``nn.sum(-1) == n``,
            or :class:`SparseCounts` over the support of P (memory O(H * nnz)).
        """
        n = check_positive_int(n, "n", minimum=0)
        if layout not in ("auto", "dense", "sparse"):
            raise ValueError(f"layout is {layout!r}; must be 'auto', 'dense' or 'sparse'")
        rng = as_rng(rng)
        t = self.table
        R_out = int(np.prod(self.pair_shape))
        reps = R_out // t.n_rows  # H copies of a stationary table, else 1
        table_rows = np.arange(R_out, dtype=np.int64) % t.n_rows
        out_indptr = (
            np.arange(reps, dtype=np.int64)[:, None] * t.nnz + t.indptr[:-1][None, :]
        ).reshape(-1)
        out_indptr = np.concatenate([out_indptr, [reps * t.nnz]]).astype(np.int64)
        out = np.zeros(reps * t.nnz, dtype=np.int64)
        if n > 0:
            key0, key1 = rng.integers(0, 2**64, size=2, dtype=np.uint64, endpoint=False)
            multinomial_entries(
                t.indptr, t.cdf, table_rows, n, key0, key1, out, out_indptr[:-1]
            )
        sparse = SparseCounts(
            out_indptr, np.tile(t.indices, reps), out, self.counts_shape
        )
        want_sparse = layout == "sparse" or (layout == "auto" and self.mdp.P_sparse is not None)
        return sparse if want_sparse else sparse.to_dense()

    # ------------------------------------------------------------------ rewards
    def sample_rewards(
        self, s: int, a: int, n: int, rng: RngLike | None = None, *, h: int | None = None
    ) -> np.ndarray:
        """``n`` i.i.d. rewards at (h, s, a) from ``mdp.reward_dist``; shape (n,) float64."""
        n = check_positive_int(n, "n", minimum=0)
        s = self._scalar(s, "s", self.S)
        a = self._scalar(a, "a", self.A)
        if self.discounted:
            self._check_h(h)
            mean = self.mdp.r[s, a]
        else:
            h = 0 if h is None else self._scalar(h, "h", self.H)
            mean = self.mdp.r[h, s, a]
        return self.mdp.reward_dist.sample(np.full(n, mean), as_rng(rng))

    def reward_sums(self, n: int, rng: RngLike | None = None) -> np.ndarray:
        """Sum of ``n`` i.i.d. sampled rewards at every pair; shape ``pair_shape`` float64.

        Divide by ``n`` for the empirical mean reward. Rewards are drawn in blocks of
        samples (each block one call of ``reward_dist.sample`` on an ``(m, *pair_shape)``
        array of means) and summed block by block.
        """
        n = check_positive_int(n, "n", minimum=0)
        rng = as_rng(rng)
        r = self._mean_rewards()
        total = np.zeros(self.pair_shape)
        per = max(1, CHUNK // max(1, r.size))
        for start in range(0, n, per):
            m = min(per, n - start)
            means = np.broadcast_to(r, (m,) + r.shape)
            total += self.mdp.reward_dist.sample(means, rng).sum(axis=0)
        return total

    # ------------------------------------------------------------------ empirical model
    def empirical_mdp(self, nn: np.ndarray | SparseCounts,
                      r: ArrayLike | None = None) -> FiniteHorizonMDP | DiscountedMDP:
        """The empirical model with kernel ``nn / n``; only when every ``n > 0``.

        With ``n > 0`` everywhere each row of P_hat is a distribution, so a model is
        returned: a non-stationary :class:`FiniteHorizonMDP` (P_hat (H, S, A, S)) or a
        :class:`DiscountedMDP` with the true ``gamma``; sparse counts give a sparse
        kernel. Rewards: ``r`` if given (e.g. ``reward_sums / n``), else the true mean
        rewards (the known-reward setting of Li et al. 2022, arXiv 2204.05275). The
        initial distribution and reward distribution are the true model's.
        Where some ``n = 0`` use :func:`empirical_kernel` (zero rows) or
        :meth:`mdplab.sampling.OfflineDataset.empirical_mdp` (explicit rule).
        """
        P_hat, n = empirical_kernel(nn)
        if n.shape != self.pair_shape:
            raise ValueError(f"nn has shape {n.shape + (self.S,)}; expected {self.counts_shape}")
        if np.any(n == 0):
            idx = [int(i) for i in np.argwhere(n == 0)[0]]
            raise ValueError(
                f"n{idx} is 0: P_hat has a zero row there and is not a kernel; use "
                "empirical_kernel(nn) for arrays"
            )
        if isinstance(nn, SparseCounts):
            P_model = SparseTransitions(nn.indptr, nn.indices, P_hat.data, nn.shape)
        else:
            P_model = P_hat
        r = self._mean_rewards() if r is None else r
        m = self.mdp
        if self.discounted:
            return DiscountedMDP(
                P_model, r, m.gamma, rho=m.rho, reward_dist=m.reward_dist,
                reward_range=m.reward_range,
            )
        return FiniteHorizonMDP(
            P_model, r, rho=m.rho, reward_dist=m.reward_dist, reward_range=m.reward_range
        )

    def __repr__(self) -> str:
        return f"GenerativeModel({self.mdp!r}, nnz={self.table.nnz})"
