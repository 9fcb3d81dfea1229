"""pymdptoolbox's (A, S, S) layout <-> mdplab's models.

pymdptoolbox (Chadès, Chapron, Cros, Garcia & Sabbadin 2014, "MDPtoolbox: a multi-platform
toolbox to solve stochastic dynamic programming problems", Ecography 37; its Python port
``mdptoolbox``) stores the kernel action-first, ``P[a, s, s']``, as one (A, S, S) array or a
list of A (S, S) dense or scipy.sparse matrices, and the rewards as R (S,) (depending on the
state only), R (S, A), or R (A, S, S) (depending on the next state too). mdplab stores
``P[s, a, s']`` and the mean reward r(s, a).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import as_float_array
from ..models.discounted import DiscountedMDP
from ..models.finite_horizon import FiniteHorizonMDP
from ..models.sparse import SparseTransitions
from ._common import (
    build_model,
    check_rows,
    horizon_or_discount,
    is_scipy_sparse,
    require_in_reward_range,
    resolve_reward_range,
)
from .scipy_sparse import per_action_csr

__all__ = ["from_mdptoolbox", "to_mdptoolbox"]


def _as_sequence(P: object) -> list[Any] | None:
    if isinstance(P, (list, tuple)):
        return list(P)
    if isinstance(P, np.ndarray) and P.dtype == object and P.ndim == 1:
        return list(P)
    return None


def _kernel(P: object, sparse: bool | None) -> tuple[np.ndarray | SparseTransitions, int, int,
                                                     Any]:
    """(P in mdplab's layout, S, A, the per-action kernels for reward expectations)."""
    seq = _as_sequence(P)
    if seq is None:
        if is_scipy_sparse(P):
            raise TypeError("P is a single scipy.sparse matrix; pymdptoolbox's layout is a "
                            "list of A (S, S) matrices, one per action (or use "
                            "mdplab.interop.from_scipy_sparse(P, A=...) for an (S*A, S) one)")
        source_dtype = getattr(P, "dtype", None)
        arr = as_float_array(P, "P", ndim=3)
        A, S, S2 = arr.shape
        if S != S2 or A < 1 or S < 1:
            raise ValueError(f"P has shape {arr.shape}; pymdptoolbox's layout is (A, S, S) "
                             "with A, S >= 1")
        check_rows(arr.reshape(A * S, S), "P", lambda i: f"P[{i // S}, {i % S}, :]",
                   source_dtype)
        if sparse:
            from .scipy_sparse import from_scipy_sparse

            return from_scipy_sparse(list(arr)), S, A, list(arr)
        return np.ascontiguousarray(arr.transpose(1, 0, 2)), S, A, list(arr)
    if sparse is None:
        sparse = any(is_scipy_sparse(M) for M in seq)
    csr, S, A = per_action_csr(seq, "P")  # validates every P[a]
    if sparse:
        return SparseTransitions.from_scipy(csr, (S, A, S)), S, A, [csr[a::A] for a in
                                                                     range(A)]
    dense = csr.toarray().reshape(S, A, S)
    return dense, S, A, list(dense.transpose(1, 0, 2))


def _mean_rewards(R: object, S: int, A: int, per_action: Sequence[Any]) -> np.ndarray:
    """r(s, a) from R (S,), (S, A), or (A, S, S) / a list of A (S, S) matrices."""
    seq = _as_sequence(R)
    if seq is not None or (not is_scipy_sparse(R) and np.ndim(R) == 3):
        items = seq if seq is not None else list(as_float_array(R, "R", ndim=3))
        if len(items) != A:
            raise ValueError(f"R lists {len(items)} reward matrices; P has A = {A} actions")
        r = np.empty((S, A))
        for a, Ra in enumerate(items):
            where = f"R[{a}]"
            if is_scipy_sparse(Ra):
                if Ra.shape != (S, S):
                    raise ValueError(f"{where} has shape {Ra.shape}; expected {(S, S)}")
                if np.dtype(Ra.dtype).kind not in "biuf":
                    raise TypeError(f"{where} must hold real numbers, got dtype {Ra.dtype}")
                import scipy.sparse as sp

                Ra = sp.csr_matrix(Ra, dtype=np.float64)
                as_float_array(Ra.data, f"{where} (stored entries)")
            else:
                Ra = as_float_array(Ra, where, ndim=2)
                if Ra.shape != (S, S):
                    raise ValueError(f"{where} has shape {Ra.shape}; expected {(S, S)}")
            Pa = per_action[a]
            if is_scipy_sparse(Pa):
                prod = Pa.multiply(Ra)
                r[:, a] = np.asarray(prod.sum(axis=1)).reshape(-1)
            elif is_scipy_sparse(Ra):
                r[:, a] = np.asarray(Ra.multiply(Pa).sum(axis=1)).reshape(-1)
            else:
                r[:, a] = np.einsum("st,st->s", Pa, Ra)
        return r
    if is_scipy_sparse(R):
        R = R.toarray()
    if np.ndim(R) not in (1, 2):
        raise ValueError(f"R has shape {np.shape(R)}; expected (S,) = {(S,)}, (S, A) = "
                         f"{(S, A)}, (A, S, S) = {(A, S, S)} or a list of A (S, S) matrices")
    arr = as_float_array(R, "R", ndim=(1, 2))
    if arr.ndim == 1:
        if arr.shape != (S,):
            raise ValueError(f"R has shape {arr.shape}; a state reward vector must be {(S,)}")
        return np.repeat(arr[:, None], A, axis=1)
    if arr.shape == (S, A):
        return arr
    if arr.shape == (A, S):
        raise ValueError(f"R has shape {arr.shape} = (A, S); pymdptoolbox's layout is (S, A) "
                         "= " + str((S, A)) + ": pass R.T")
    raise ValueError(f"R has shape {arr.shape}; expected (S,) = {(S,)}, (S, A) = {(S, A)} or "
                     f"(A, S, S) = {(A, S, S)}")


def from_mdptoolbox(
    P: Any,
    R: Any,
    *,
    gamma: float | None = None,
    H: int | None = None,
    rho: np.ndarray | None = None,
    reward_range: tuple[float, float] | None = None,
    sparse: bool | None = None,
) -> DiscountedMDP | FiniteHorizonMDP:
    r"""An mdplab model from pymdptoolbox's ``(P, R)``, exactly.

    The kernel is copied bit for bit (``P[a, s, s']`` -> ``P[s, a, s']``). Rewards become the
    mean reward mdplab models hold: R (S,) gives r(s, a) = R[s]; R (S, A) is r itself;
    R (A, S, S) (or a list of A (S, S) matrices) gives the expectation
    r(s, a) = sum_{s'} P[a, s, s'] R[a, s, s'], as pymdptoolbox itself computes it; the values
    of every policy are then exactly those of the source model.

    Parameters
    ----------
    P : array (A, S, S), or a list / tuple / 1-d object array of A (S, S) matrices
        Each dense or scipy.sparse (csr, csc, coo, ...; arrays or matrices).
    R : array (S,), (S, A) or (A, S, S), or a list of A (S, S) matrices
    gamma : float in [0, 1), optional
        Discount: returns a :class:`mdplab.DiscountedMDP` (pymdptoolbox's ``discount``).
    H : int, optional
        Horizon: returns a stationary, undiscounted :class:`mdplab.FiniteHorizonMDP`
        (pymdptoolbox's ``FiniteHorizon(P, R, 1, H)``). Exactly one of gamma and H.
    rho : array (S,), optional
        Initial distribution (pymdptoolbox has none); default: state 0.
    reward_range : (float, float), optional
        Default mdplab's [0, 1]; mean rewards outside it are an error saying which
        ``reward_range`` to pass (``mdptoolbox.example.forest()`` needs (0, 4)).
    sparse : bool, optional
        Store P as :class:`mdplab.SparseTransitions`; default: when some P[a] is sparse.

    Returns
    -------
    DiscountedMDP or FiniteHorizonMDP with P (S, A, S), r (S, A).

    Raises
    ------
    TypeError
        for non-numeric input or a single sparse matrix in place of the per-action list.
    ValueError
        for wrong shapes (R (A, S) is named, with the fix R.T), non-finite entries, negative
        probabilities, rows not summing to 1 within 1e-9 (named ``P[a, s, :]`` or
        ``P[a][s, :]``), rewards outside ``reward_range``, or not exactly one of gamma, H.
    """
    H, gamma = horizon_or_discount(H, gamma)
    if sparse is not None and not isinstance(sparse, (bool, np.bool_)):
        raise TypeError(f"sparse must be True, False or None, got {sparse!r}")
    reward_range, given = resolve_reward_range(reward_range)
    kernel, S, A, per_action = _kernel(P, sparse)
    r = _mean_rewards(R, S, A, per_action)
    require_in_reward_range(r, "the mean rewards r(s, a) from R", reward_range, given)
    return build_model(kernel, r, H, gamma, rho, reward_range)


def to_mdptoolbox(mdp: DiscountedMDP | FiniteHorizonMDP) -> tuple[Any, np.ndarray]:
    """``(P, R)`` in pymdptoolbox's layout: P (A, S, S) (a list of A scipy.sparse csr (S, S)
    matrices for a sparse model) and R (S, A), exactly.

    pymdptoolbox holds a stationary kernel and stationary rewards; a FiniteHorizonMDP must
    have both (its ``H`` goes to ``mdptoolbox.mdp.FiniteHorizon(P, R, 1, H)``, a
    DiscountedMDP's ``gamma`` to the solvers' ``discount``). ``rho`` and the reward
    distribution are not carried over.

    Parameters
    ----------
    mdp : DiscountedMDP or stationary FiniteHorizonMDP (dense or sparse)

    Returns
    -------
    (P, R) : P array (A, S, S) or list of A csr (S, S) matrices; R array (S, A).

    Raises
    ------
    TypeError
        for another kind of model.
    ValueError
        for a non-stationary kernel or rewards (named by the step that differs).
    """
    if isinstance(mdp, DiscountedMDP):
        r = np.array(mdp.r, dtype=np.float64, copy=True)
        P_sparse, dense = mdp.P_sparse, (None if mdp.is_sparse else mdp.P)
    elif isinstance(mdp, FiniteHorizonMDP):
        if not mdp.stationary:
            raise ValueError("mdp has a non-stationary kernel (H, S, A, S); pymdptoolbox holds "
                             "one (A, S, S) kernel for every step")
        if np.any(mdp.r != mdp.r[0]):
            h = int(np.argmax(np.any(mdp.r != mdp.r[0], axis=(1, 2))))
            raise ValueError(f"mdp.r[{h}] differs from mdp.r[0]; pymdptoolbox holds one "
                             "(S, A) reward for every step")
        r = np.array(mdp.r[0], dtype=np.float64, copy=True)
        P_sparse, dense = mdp.P_sparse, (None if mdp.is_sparse else mdp.P[0])
    else:
        raise TypeError(f"mdp must be a DiscountedMDP or FiniteHorizonMDP, got "
                        f"{type(mdp).__name__}")
    A = r.shape[1]
    if P_sparse is not None:
        csr = P_sparse.to_scipy()
        return [csr[a::A] for a in range(A)], r
    return np.ascontiguousarray(np.transpose(dense, (1, 0, 2))), r
