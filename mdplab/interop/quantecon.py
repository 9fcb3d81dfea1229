"""quantecon's ``DiscreteDP`` <-> :class:`mdplab.DiscountedMDP`, exactly, both ways.

quantecon (Sargent & Stachurski, QuantEcon.py, ``quantecon.markov.DiscreteDP``) holds a
discounted MDP in one of two forms: the *product form*, R (n, m) and Q (n, m, n), and the
*state-action-pair form*, R (L,), Q (L, n) (dense or scipy.sparse) with ``s_indices`` and
``a_indices`` (L,) listing the feasible pairs. Its discount factor ``beta`` is mdplab's
``gamma``. quantecon has no initial distribution; mdplab's ``rho`` is an argument here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_choice, check_real
from ..models.discounted import DiscountedMDP
from ..models.sparse import SparseTransitions
from ._common import (
    check_rows,
    is_scipy_sparse,
    num,
    require_in_reward_range,
    resolve_reward_range,
)

__all__ = ["from_quantecon", "to_quantecon"]


def _check_ddp(ddp: object) -> None:
    missing = [k for k in ("R", "Q", "beta", "s_indices", "a_indices") if not hasattr(ddp, k)]
    if missing:
        raise TypeError(
            f"ddp must be a quantecon.markov.DiscreteDP (with R, Q, beta, s_indices, "
            f"a_indices); got {type(ddp).__name__} without {', '.join(missing)}"
        )


def _rewards(R: object, ndim: int) -> np.ndarray:
    arr = np.asarray(R)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"ddp.R must be a real array, got dtype {arr.dtype}")
    arr = np.array(arr, dtype=np.float64)
    if arr.ndim != ndim:
        raise ValueError(f"ddp.R has shape {arr.shape}; quantecon's "
                         f"{'product' if ndim == 2 else 'state-action-pair'} form has "
                         f"{ndim}-d R")
    bad = np.isnan(arr) | (arr == np.inf)
    if bad.any():
        idx = ", ".join(str(int(i)) for i in np.argwhere(bad)[0])
        raise ValueError(f"ddp.R[{idx}] is {arr[tuple(np.argwhere(bad)[0])]}; rewards must be "
                         "finite (or -inf to mark an infeasible action)")
    return arr


def from_quantecon(
    ddp: Any,
    *,
    rho: np.ndarray | None = None,
    reward_range: tuple[float, float] | None = None,
    infeasible: str = "raise",
    infeasible_reward: float | None = None,
    sparse: bool | None = None,
) -> DiscountedMDP:
    r"""The :class:`mdplab.DiscountedMDP` of a ``quantecon.markov.DiscreteDP``, exactly.

    Both of quantecon's forms are read: the product form (R (n, m), Q (n, m, n)) and the
    state-action-pair form (R (L,), Q (L, n) dense or scipy.sparse, ``s_indices``,
    ``a_indices``); there S = n and A = m = 1 + max(a_indices). Probabilities and rewards
    are copied bit for bit, and ``gamma = beta``.

    Infeasible actions (R = -inf in either form, or a pair missing from the
    state-action-pair form). mdplab's models have every action available in every state
    and hold no action mask, so by default such a model is refused (``infeasible="raise"``).
    With ``infeasible="penalize"`` each infeasible pair (s, a) becomes a self-loop,
    P(s | s, a) = 1, with the finite reward ``c = infeasible_reward`` (default: the low end
    of ``reward_range``), which must satisfy ``c <= min`` of the feasible rewards. Then the
    optimal values are unchanged: every policy earns at least r_min per step, so
    V*(s) >= r_min / (1 - gamma) and Q(s, a_inf) = c + gamma V*(s) <= V*(s) (strictly when
    c < r_min), so the old V* solves the new Bellman equation, and every optimal policy of
    the DiscreteDP is optimal in the model. With c < r_min no infeasible action is ever
    optimal; with c = r_min one can tie (only where V*(s) = r_min / (1 - gamma)). The Q
    rows quantecon stores for infeasible pairs (product form) are ignored.

    Parameters
    ----------
    ddp : quantecon.markov.DiscreteDP
        With 0 <= beta < 1.
    rho : array (S,), optional
        Initial distribution of the model (quantecon has none); default: state 0.
    reward_range : (float, float), optional
        The interval the model's rewards lie in; default mdplab's [0, 1]. Rewards outside
        it are an error that says which ``reward_range`` accepts them.
    infeasible : {'raise', 'penalize'}
        What to do with infeasible actions (above).
    infeasible_reward : float, optional
        The reward c of a penalized infeasible action (``infeasible="penalize"`` only).
    sparse : bool, optional
        Store P as :class:`mdplab.SparseTransitions`; default: when ``ddp.Q`` is sparse.

    Returns
    -------
    DiscountedMDP with P (S, A, S), r (S, A), gamma = beta.

    Raises
    ------
    TypeError
        if ``ddp`` is not a DiscreteDP or holds non-real arrays.
    ValueError
        for beta = 1, NaN or +inf rewards, rewards outside ``reward_range``, rows of Q that
        are not distributions (named by their index in ``ddp.Q``), or infeasible actions
        under ``infeasible="raise"``.
    """
    import scipy.sparse as sp

    _check_ddp(ddp)
    infeasible = check_choice(infeasible, "infeasible", ("raise", "penalize"))
    if sparse is not None and not isinstance(sparse, (bool, np.bool_)):
        raise TypeError(f"sparse must be True, False or None (default: as ddp.Q is), got "
                        f"{sparse!r}")
    if infeasible_reward is not None and infeasible != "penalize":
        raise ValueError("infeasible_reward is used only with infeasible='penalize'")
    beta = check_real(ddp.beta, "ddp.beta", 0.0, 1.0)
    if beta >= 1.0:
        raise ValueError("ddp.beta is 1; a DiscountedMDP needs gamma = beta in [0, 1) "
                         "(for a finite horizon build a FiniteHorizonMDP from R and Q)")
    reward_range, given = resolve_reward_range(reward_range)
    Q = ddp.Q
    q_sparse = is_scipy_sparse(Q)
    if ddp.s_indices is None:  # product form
        R = _rewards(ddp.R, 2)
        S, A = R.shape
        Q = np.asarray(Q)
        if Q.dtype == object or Q.dtype.kind not in "biuf":
            raise TypeError(f"ddp.Q must be a real array, got dtype {Q.dtype}")
        if Q.shape != (S, A, S):
            raise ValueError(f"ddp.Q has shape {Q.shape}; with R of shape {R.shape} it must "
                             f"be {(S, A, S)}")
        feasible = R > -np.inf
        s_idx, a_idx = np.nonzero(feasible)
        rows = Q[s_idx, a_idx]
        check_rows(rows, "ddp.Q",
                   lambda i: f"ddp.Q[{int(s_idx[i])}, {int(a_idx[i])}, :]")
        R_pairs = R[s_idx, a_idx]
    else:  # state-action-pair form
        R_all = _rewards(ddp.R, 1)
        s_all = np.asarray(ddp.s_indices, dtype=np.int64)
        a_all = np.asarray(ddp.a_indices, dtype=np.int64)
        L = R_all.shape[0]
        if Q.ndim != 2 or Q.shape[0] != L or s_all.shape != (L,) or a_all.shape != (L,):
            raise ValueError(f"ddp.Q has shape {Q.shape}, R {R_all.shape}, s_indices "
                             f"{s_all.shape}, a_indices {a_all.shape}; the state-action-pair "
                             "form needs Q (L, n) and R, s_indices, a_indices (L,)")
        S = int(Q.shape[1])
        if L == 0 or S == 0:
            raise ValueError("ddp has no state-action pair; a model needs S, A >= 1")
        if s_all.min() < 0 or s_all.max() >= S or a_all.min() < 0:
            raise ValueError(f"ddp.s_indices must lie in [0, {S}) and a_indices be >= 0")
        A = int(a_all.max()) + 1
        keep = R_all > -np.inf
        if not q_sparse:
            Q = np.asarray(Q)
            if Q.dtype == object or Q.dtype.kind not in "biuf":
                raise TypeError(f"ddp.Q must be a real array, got dtype {Q.dtype}")
        elif np.dtype(Q.dtype).kind not in "biuf":
            raise TypeError(f"ddp.Q must hold real numbers, got dtype {Q.dtype}")
        kept = np.flatnonzero(keep)
        rows = Q[kept] if not q_sparse else sp.csr_matrix(Q)[kept]
        check_rows(rows, "ddp.Q", lambda i: (
            f"ddp.Q[{int(kept[i])}, :] (state {int(s_all[kept[i]])}, action "
            f"{int(a_all[kept[i]])})"), Q.dtype)
        s_idx, a_idx, R_pairs = s_all[kept], a_all[kept], R_all[kept]
        feasible = np.zeros((S, A), dtype=bool)
        feasible[s_idx, a_idx] = True
        if np.count_nonzero(feasible) != kept.size:
            raise ValueError("ddp lists a state-action pair twice in (s_indices, a_indices)")

    require_in_reward_range(R_pairs, "ddp.R (feasible rewards)", reward_range, given)
    r = np.zeros((S, A))
    r[s_idx, a_idx] = R_pairs
    bad = np.argwhere(~feasible)
    if bad.size:
        first = ", ".join(f"(s={int(s)}, a={int(a)})" for s, a in bad[:3])
        if infeasible == "raise":
            raise ValueError(
                f"ddp has {len(bad)} infeasible state-action pair(s) (R = -inf or a missing "
                f"pair): {first}{', ...' if len(bad) > 3 else ''}; mdplab models have every "
                "action in every state and no action mask. Pass infeasible='penalize' to "
                "make each one a self-loop with reward infeasible_reward (<= the smallest "
                "feasible reward; the optimal values stay the same), or remove the actions"
            )
        r_min = float(R_pairs.min())
        c = reward_range[0] if infeasible_reward is None else check_real(
            infeasible_reward, "infeasible_reward")
        if c > r_min:
            raise ValueError(
                f"infeasible_reward is {num(c)} but the smallest feasible reward is "
                f"{num(r_min)}; a penalty above it could make an infeasible action optimal: "
                f"pass infeasible_reward <= {num(r_min)}"
            )
        require_in_reward_range(np.array([c]), "infeasible_reward", reward_range, given,
                                suggest=(min(c, reward_range[0]), reward_range[1]))
        r[bad[:, 0], bad[:, 1]] = c
    if sparse is None:
        sparse = q_sparse
    if sparse:
        coo_rows = s_idx * A + a_idx
        block = sp.coo_matrix(rows)
        all_rows = np.concatenate([coo_rows[block.row], bad[:, 0] * A + bad[:, 1]])
        all_cols = np.concatenate([block.col, bad[:, 0]])
        all_data = np.concatenate([np.asarray(block.data, dtype=np.float64),
                                   np.ones(len(bad))])
        M = sp.csr_matrix((all_data, (all_rows, all_cols)), shape=(S * A, S))
        P: np.ndarray | SparseTransitions = SparseTransitions.from_scipy(M, (S, A, S))
    else:
        P = np.zeros((S, A, S))
        P[s_idx, a_idx] = rows.toarray() if is_scipy_sparse(rows) else rows
        P[bad[:, 0], bad[:, 1], bad[:, 0]] = 1.0
    return DiscountedMDP(P, r, beta, rho=rho, reward_range=reward_range)


def to_quantecon(mdp: DiscountedMDP, *, sa_pair: bool | None = None,
                 infeasible: np.ndarray | None = None) -> Any:
    """A ``quantecon.markov.DiscreteDP(R, Q, beta)`` holding ``mdp`` exactly.

    Parameters
    ----------
    mdp : DiscountedMDP
        Dense or sparse. quantecon holds mean rewards and no initial distribution: ``rho``
        and the reward distribution are not carried over.
    sa_pair : bool, optional
        Build the state-action-pair form (R (L,), Q (L, S), with scipy.sparse Q for a sparse
        model) rather than the product form (R (S, A), Q (S, A, S)); default: the pair form
        exactly when ``mdp`` is sparse.
    infeasible : bool array (S, A), optional
        Pairs to mark infeasible (R = -inf in the product form, left out of the pair form),
        e.g. the pairs :func:`from_quantecon` penalized: with it the round trip is exact.
        Every state must keep one feasible action.

    Returns
    -------
    quantecon.markov.DiscreteDP with beta = mdp.gamma.
    """
    if not isinstance(mdp, DiscountedMDP):
        raise TypeError(
            f"mdp must be a DiscountedMDP, got {type(mdp).__name__}; quantecon's DiscreteDP "
            "is an infinite-horizon discounted model"
            + (" (for a FiniteHorizonMDP use its P and r with quantecon's backward_induction)"
               if type(mdp).__name__ == "FiniteHorizonMDP" else "")
        )
    try:
        from quantecon.markov import DiscreteDP
    except ImportError as exc:  # pragma: no cover - quantecon is in the test extra
        raise ImportError("to_quantecon needs quantecon: pip install quantecon") from exc
    S, A = mdp.shape
    if infeasible is None:
        mask = np.zeros((S, A), dtype=bool)
    else:
        mask = np.asarray(infeasible)
        if mask.dtype != bool:
            raise TypeError(f"infeasible must be a bool array (S, A), got dtype {mask.dtype}")
        if mask.shape != (S, A):
            raise ValueError(f"infeasible has shape {mask.shape}; expected {(S, A)}")
        dead = np.flatnonzero(mask.all(axis=1))
        if dead.size:
            raise ValueError(f"infeasible[{int(dead[0])}, :] is all True; every state needs "
                             "a feasible action")
    if sa_pair is None:
        sa_pair = mdp.is_sparse
    elif not isinstance(sa_pair, (bool, np.bool_)):
        raise TypeError(f"sa_pair must be True, False or None, got {sa_pair!r}")
    if not sa_pair:
        R = np.array(mdp.r, dtype=np.float64, copy=True)
        R[mask] = -np.inf
        return DiscreteDP(R, np.array(mdp.P, dtype=np.float64, copy=True), mdp.gamma)
    s_idx, a_idx = np.nonzero(~mask)
    R = np.array(mdp.r[s_idx, a_idx], dtype=np.float64)
    if mdp.is_sparse:
        Q = mdp.P_sparse.to_scipy()[s_idx * A + a_idx]
    else:
        Q = np.array(mdp.P[s_idx, a_idx], dtype=np.float64)
    return DiscreteDP(R, Q, mdp.gamma, s_indices=s_idx, a_indices=a_idx)
