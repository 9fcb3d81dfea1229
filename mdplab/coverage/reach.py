"""Maximal reachability of states in a finite-horizon MDP.

reach[h, s] := max over all policies (history-dependent and randomised included)
of P^pi(s_h = s | s_0 ~ rho).

For a fixed target (h, u) this is the optimal value of the MDP with zero reward
and terminal reward 1{s_h = u}, so a deterministic Markov policy attains it and
backward induction computes it exactly (Puterman 1994, Thm 4.4.2 for the
optimality of deterministic Markov policies). The targets u of one layer share
the dynamics, so all of them are propagated at once as the columns of a matrix
(Amortila, Foster, Jiang, Sekhari, Xie 2024, arXiv 2401.09681, used in their
coverability computation; the DP itself is textbook).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_positive_int
from ..models.finite_horizon import FiniteHorizonMDP, validate_rho


def _require_fh(mdp, fn: str) -> None:
    if not isinstance(mdp, FiniteHorizonMDP):
        raise TypeError(f"{fn}: mdp must be a FiniteHorizonMDP, got {type(mdp).__name__}")


def _layer_matrix(mdp: FiniteHorizonMDP, k: int, csr):
    """The kernel of step k as a (S*A, S) matrix (dense array or scipy CSR)."""
    S, A = mdp.S, mdp.A
    if csr is None:
        return mdp.P[k].reshape(S * A, S)
    if mdp.stationary:
        return csr
    return csr[k * S * A : (k + 1) * S * A]


def reach_to_layer(mdp: FiniteHorizonMDP, h: int) -> np.ndarray:
    """W[s, u] = max over policies of P(s_h = u | s_0 = s), shape (S, S).

    Backward DP with a terminal indicator: W_h = I, and for k = h-1, ..., 0,
    W_k[s, u] = max_a sum_{s'} P[k, s, a, s'] W_{k+1}[s', u]. All S targets u are
    handled in one matrix product per step, O(h S^3 A) in total. ``h = 0`` gives I.
    """
    _require_fh(mdp, "reach_to_layer")
    h = check_positive_int(h, "h", minimum=0)
    if h > mdp.H:
        raise ValueError(f"h is {h}; must be in {{0, ..., {mdp.H}}}")
    csr = mdp.P_sparse.to_scipy() if mdp.is_sparse else None
    return _backward_reach(mdp, h, csr)


def _backward_reach(mdp: FiniteHorizonMDP, h: int, csr) -> np.ndarray:
    S, A = mdp.S, mdp.A
    W = np.eye(S)
    for k in range(h - 1, -1, -1):
        M = _layer_matrix(mdp, k, csr)
        W = np.asarray(M @ W).reshape(S, A, S).max(axis=1)
    return W


def reachability(mdp: FiniteHorizonMDP, rho: ArrayLike | None = None) -> np.ndarray:
    """reach[h, s] = max_pi P^pi(s_h = s | s_0 ~ rho), shape (H, S), h = 0..H-1.

    reach[0] = rho. Each reach[h, s] is a maximum over policies taken separately
    for every (h, s) (different targets may need different policies), so a row
    sums to at least 1 and at most S.

    Exact backward DP (see :func:`reach_to_layer`); cost O(H^2 S^3 A) flops for a
    dense kernel (about 1e9 for S = 256, A = 4, H = 10, done by BLAS). A sparse
    kernel is used through its CSR matrix without densifying P.

    ``rho`` (S,) defaults to the model's initial distribution.
    """
    _require_fh(mdp, "reachability")
    H, S, A = mdp.shape
    rho = mdp.rho if rho is None else validate_rho(rho, S)
    csr = mdp.P_sparse.to_scipy() if mdp.is_sparse else None
    reach = np.empty((H, S))
    reach[0] = rho
    for h in range(1, H):
        reach[h] = rho @ _backward_reach(mdp, h, csr)
    return reach


def max_occupancy_all_policies(
    mdp: FiniteHorizonMDP, rho: ArrayLike | None = None
) -> np.ndarray:
    """M[h, s, a] = max over all policies of d_h^pi(s, a), shape (H, S, A).

    The action at step h is free, so max_pi d_h^pi(s, a) = reach[h, s] for every a
    (Amortila, Foster, Jiang, Sekhari, Xie 2024, arXiv 2401.09681, Sec. 2, as used in the
    coverability computation).
    """
    reach = reachability(mdp, rho=rho)
    return np.repeat(reach[:, :, None], mdp.A, axis=2)
