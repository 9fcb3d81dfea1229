"""Finite-horizon (episodic) tabular MDP."""

from __future__ import annotations

import numpy as np

from .._validation import (
    aligned_copy,
    as_float_array,
    check_positive_int,
    check_probability_rows,
    check_range,
    check_real,
    check_shape,
    readonly,
)
from .rewards import RewardDistribution, as_reward_distribution
from .sparse import SparseTransitions

__all__ = ["FiniteHorizonMDP"]


def validate_rho(rho: object, S: int) -> np.ndarray:
    """Initial distribution; ``None`` means all mass on state 0."""
    if rho is None:
        out = np.zeros(S)
        out[0] = 1.0
        return readonly(out)
    rho = as_float_array(rho, "rho", ndim=1)
    check_shape(rho, "rho", (S,))
    check_probability_rows(rho, "rho")
    return readonly(rho)


def check_reward_range(reward_range: object) -> tuple[float, float]:
    """A pair (low, high) of finite reals with low <= high."""
    if isinstance(reward_range, (str, bytes)) or not hasattr(reward_range, "__len__") or len(
            reward_range) != 2:  # type: ignore[arg-type]
        raise TypeError(f"reward_range must be a pair (low, high) of real numbers, got "
                        f"{reward_range!r}")
    lo = check_real(reward_range[0], "reward_range[0]")  # type: ignore[index]
    hi = check_real(reward_range[1], "reward_range[1]")  # type: ignore[index]
    if lo > hi:
        raise ValueError(f"reward_range is {(lo, hi)}; need finite low <= high")
    return lo, hi


def validate_reward_range(reward_range: object,
                          reward_dist: RewardDistribution) -> tuple[float, float]:
    """The model's reward range, inside the support of its reward distribution."""
    lo, hi = check_reward_range(reward_range)
    if reward_dist.support is not None:
        slo, shi = reward_dist.support
        if lo < slo or hi > shi:
            raise ValueError(
                f"reward_range {(lo, hi)} is not inside the support {reward_dist.support} "
                f"of the {reward_dist.name} reward distribution"
            )
    return lo, hi


def validate_transitions(P: object, name: str = "P"
                         ) -> tuple[np.ndarray | None, SparseTransitions | None]:
    """Return (dense array or None, SparseTransitions or None).

    Every size must be >= 1: a kernel with no state, no action or no step is refused.
    """
    if isinstance(P, SparseTransitions):
        return None, P
    try:
        import scipy.sparse as sp

        if sp.issparse(P):
            raise TypeError(
                f"{name}: wrap a scipy.sparse matrix as SparseTransitions.from_scipy(M, shape) "
                "so that its (H,) S, A layout is explicit (mdplab.interop.from_scipy_sparse "
                "also reads a list of A (S, S) matrices or an n-d coo_array (S, A, S))"
            )
    except ImportError:  # pragma: no cover - scipy is a dependency
        pass
    P = as_float_array(P, name, ndim=(3, 4))
    sizes = dict(zip(("H", "S", "A") if P.ndim == 4 else ("S", "A"), P.shape, strict=False))
    for key, val in sizes.items():
        if val < 1:
            raise ValueError(f"{name} has shape {P.shape}, so {key} = {val}; must be >= 1 "
                             f"(a model needs at least one "
                             f"{dict(H='step', S='state', A='action')[key]})")
    if P.shape[-1] != P.shape[-3]:
        raise ValueError(
            f"{name} has shape {P.shape}; the last axis (next state) must have the same "
            f"length as the state axis ({P.shape[-3]})"
        )
    check_probability_rows(P, name)
    return P, None


class FiniteHorizonMDP:
    """An episodic MDP with finite states and actions, known exactly.

    Parameters
    ----------
    P : array (S, A, S) or (H, S, A, S), or SparseTransitions
        ``P[h, s, a, s']`` = probability of moving to ``s'``. A 3-d array (or a
        SparseTransitions of shape (S, A, S)) is stationary; then ``H`` is required.
    r : array (S, A) or (H, S, A)
        Mean rewards, in ``reward_range`` (default [0, 1]).
    H : int, optional
        Horizon; required for a stationary kernel, checked otherwise.
    rho : array (S,), optional
        Initial distribution; default: all mass on state 0.
    reward_dist : {'deterministic', 'bernoulli', 'beta'} or RewardDistribution
        How observed rewards are drawn from their means (only for sampling).
    reward_range : (float, float)
        The interval every mean reward must lie in.

    Notes
    -----
    Steps are 0-indexed (h = 0..H-1); values have H+1 rows with V[H] = 0.

    Attributes
    ----------
    P : read-only array (H, S, A, S)
        A stride-0 broadcast view when stationary (no copies). For a sparse kernel
        this is built on first access (S*S*A*H floats); use ``P_sparse`` instead.
    P_sparse : SparseTransitions or None
    r : read-only array (H, S, A)
    rho : read-only array (S,)
    """

    def __init__(
        self,
        P: np.ndarray | SparseTransitions,
        r: np.ndarray,
        H: int | None = None,
        rho: np.ndarray | None = None,
        *,
        reward_dist: str | RewardDistribution = "deterministic",
        reward_range: tuple[float, float] = (0.0, 1.0),
    ) -> None:
        dense, sparse = validate_transitions(P)
        shape = dense.shape if dense is not None else sparse.shape
        stationary = len(shape) == 3
        if stationary:
            if H is None:
                raise ValueError("H is required when P is stationary (shape (S, A, S))")
            H = check_positive_int(H, "H")
        else:
            if H is not None and check_positive_int(H, "H") != shape[0]:
                raise ValueError(f"H is {H} but P has shape {shape} (H = {shape[0]})")
            H = shape[0]
        S, A = shape[-3], shape[-2]

        self.reward_dist = as_reward_distribution(reward_dist)
        self.reward_range = validate_reward_range(reward_range, self.reward_dist)
        r = as_float_array(r, "r", ndim=(2, 3))
        if r.ndim == 2:
            check_shape(r, "r", (S, A))
            r = np.broadcast_to(r, (H, S, A))
        else:
            check_shape(r, "r", (H, S, A))
        check_range(r, "r", *self.reward_range)

        self.H, self.S, self.A = H, S, A
        self.stationary = stationary
        self.r = readonly(r) if r.flags.writeable else r
        self.rho = validate_rho(rho, S)
        self.P_sparse = sparse
        if dense is not None:
            dense = aligned_copy(dense)
            self._P = (
                readonly(np.broadcast_to(readonly(dense), (H, S, A, S)))
                if stationary
                else readonly(dense)
            )
        else:
            self._P = None

    # ------------------------------------------------------------------ views
    @property
    def P(self) -> np.ndarray:
        if self._P is None:
            dense = self.P_sparse.to_dense()
            if self.stationary:
                dense = np.broadcast_to(dense, (self.H, self.S, self.A, self.S))
            self._P = readonly(dense) if dense.flags.writeable else dense
        return self._P

    @property
    def is_sparse(self) -> bool:
        return self.P_sparse is not None

    @property
    def shape(self) -> tuple[int, int, int]:
        """(H, S, A)."""
        return (self.H, self.S, self.A)

    def P_at(self, h: int) -> np.ndarray:
        """Dense P[h] of shape (S, A, S)."""
        return self.P[h]

    def expected_next(self, h: int, V: np.ndarray) -> np.ndarray:
        """(P_h V)(s, a) = sum_{s'} P[h, s, a, s'] V[s'] for V of shape (S,); returns (S, A).

        Works for dense and sparse kernels without materialising the dense P.
        """
        if self.P_sparse is None:
            return self._P[h] @ V
        M = self._csr()
        if not self.stationary:
            rows = slice(h * self.S * self.A, (h + 1) * self.S * self.A)
            M = M[rows]
        return (M @ V).reshape(self.S, self.A)

    def push_forward(self, h: int, weights: np.ndarray) -> np.ndarray:
        """sum_{s,a} weights[s, a] P[h, s, a, :] for weights (S, A); returns (S,).

        The forward (occupancy) counterpart of :meth:`expected_next`.
        """
        if self.P_sparse is None:
            return np.tensordot(weights, self._P[h], axes=([0, 1], [0, 1]))
        M = self._csr()
        if not self.stationary:
            rows = slice(h * self.S * self.A, (h + 1) * self.S * self.A)
            M = M[rows]
        return M.T @ weights.reshape(-1)

    def _csr(self):
        if getattr(self, "_csr_cache", None) is None:
            self._csr_cache = self.P_sparse.to_scipy()
        return self._csr_cache

    def __repr__(self) -> str:
        kind = "sparse" if self.is_sparse else "dense"
        st = "stationary" if self.stationary else "non-stationary"
        return (
            f"FiniteHorizonMDP(H={self.H}, S={self.S}, A={self.A}, {st} {kind} P, "
            f"reward_dist={self.reward_dist.name!r})"
        )

    def with_rho(self, rho: np.ndarray | None) -> FiniteHorizonMDP:
        """The same MDP with another initial distribution."""
        return self._replace(rho=rho)

    def with_rewards(self, r: np.ndarray) -> FiniteHorizonMDP:
        """The same dynamics with other mean rewards (shape (S,A) or (H,S,A))."""
        return self._replace(r=r)

    def _replace(self, **changes) -> FiniteHorizonMDP:
        kw = dict(
            P=self.P_sparse if self.is_sparse else (self._P[0] if self.stationary else self._P),
            r=self.r,
            H=self.H,
            rho=self.rho,
            reward_dist=self.reward_dist,
            reward_range=self.reward_range,
        )
        kw.update(changes)
        new = type(self).__new__(type(self))
        FiniteHorizonMDP.__init__(new, **kw)
        return new
