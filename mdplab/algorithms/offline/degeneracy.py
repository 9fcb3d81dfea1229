"""Is the returned policy decided by tie-breaking? The ``degenerate`` flag of pessimistic results.

Definition (used by every pessimistic algorithm of :mod:`mdplab.algorithms.offline`):

* the policy is *decided by tie-breaking* at (h, s) when s has at least two available
  actions and all of them have exactly the same Q_hat_h(s, .) -- in particular when
  Q_hat_h(s, .) = 0 because the penalty is at least the empirical backup for every action
  (the usual case with the papers' constants and little data). The returned action is then
  the tie rule's (the lowest index), not a choice the data supports;
* the support of rho is followed through the *empirical* model under the returned policy:
  S_0 = supp(rho) and S_{h+1} = {s' : some observed transition (h, s, pi_h(s), s') with
  s in S_h} (discounted: the closure of supp(rho) under the observed transitions
  (s, pi(s), s')). rho defaults to the empirical distribution of the first states of the
  data (the states at h = 0; discounted: every state that appears in the data);
* the result is *degenerate* when the policy is decided by tie-breaking at some reachable
  (h, s). One :class:`DegeneratePolicyWarning` is issued per call.

Whether a tie is harmless (all actions truly equal) cannot be known from the data; the flag
says only that the algorithm did not choose. More data, or a smaller penalty constant (c for
PEVI, c_b for VI-LCB, the "hoeffding" or "none" presets), makes the policy informative; a
constant below the paper's voids the high-probability guarantee (the event E may fail).
"""

from __future__ import annotations

import warnings

import numpy as np

from ..._validation import as_float_array, check_probability_rows, check_shape
from ..._warnings import DegeneratePolicyWarning

# the helpers below are internal (their inputs come from the algorithms, already checked)
__all__ = ["DegeneratePolicyWarning"]


def tied_states(Q: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """Boolean (..., S): at least two available actions and all of them have equal Q.

    ``Q`` (..., S, A); ``valid`` optional (S, A) mask of available actions (others ignored).
    """
    Q = np.asarray(Q, dtype=np.float64)
    if valid is None:
        valid = np.ones(Q.shape[-2:], dtype=bool)
    valid = np.broadcast_to(np.asarray(valid, dtype=bool), Q.shape)
    best = np.where(valid, Q, -np.inf).max(axis=-1, keepdims=True)
    equal = (Q == best) | ~valid
    return (valid.sum(axis=-1) >= 2) & equal.all(axis=-1)


def _start_support(rho: np.ndarray | None, S: int, observed: np.ndarray) -> np.ndarray:
    if rho is not None:
        r = as_float_array(rho, "rho", ndim=1)
        check_shape(r, "rho", (S,))
        check_probability_rows(r, "rho")
        return r > 0
    start = np.zeros(S, dtype=bool)
    start[np.asarray(observed, dtype=np.int64)] = True
    return start if start.any() else np.ones(S, dtype=bool)


def reachable_episodic(policy: np.ndarray, h: np.ndarray | None, s: np.ndarray, a: np.ndarray,
                       s_next: np.ndarray, rho: np.ndarray | None = None) -> np.ndarray:
    """(H, S) boolean: the (h, s) reached from supp(rho) by the observed transitions that
    follow ``policy`` (H, S). Transitions are arrays (N,) (``h`` None means all at step 0).
    Cost O(N + H S) (numba, :func:`mdplab.kernels.reachability.reach_by_transitions`)."""
    from ...kernels.reachability import reach_by_transitions

    H, S = policy.shape
    h = np.zeros(len(s), dtype=np.int64) if h is None else np.asarray(h, dtype=np.int64)
    start = _start_support(rho, S, np.asarray(s)[h == 0])
    return reach_by_transitions(h, s, a, s_next, np.asarray(policy), start)


def reachable_episodic_reference(policy: np.ndarray, h: np.ndarray | None, s: np.ndarray,
                                 a: np.ndarray, s_next: np.ndarray,
                                 rho: np.ndarray | None = None) -> np.ndarray:
    """numpy reference of :func:`reachable_episodic` (a stable sort by step, O(N log N))."""
    H, S = policy.shape
    h = np.zeros(len(s), dtype=np.int64) if h is None else np.asarray(h, dtype=np.int64)
    s, a, s_next = (np.asarray(x, dtype=np.int64) for x in (s, a, s_next))
    reach = np.zeros((H, S), dtype=bool)
    reach[0] = _start_support(rho, S, s[h == 0])
    order = np.argsort(h, kind="stable")
    bounds = np.searchsorted(h[order], np.arange(H + 1))
    for step in range(H - 1):
        idx = order[bounds[step]:bounds[step + 1]]
        ss, aa = s[idx], a[idx]
        keep = reach[step, ss] & (aa == policy[step, ss])
        reach[step + 1, s_next[idx][keep]] = True
    return reach


def reachable_from_counts(policy: np.ndarray, nn: np.ndarray,
                          rho: np.ndarray | None = None) -> np.ndarray:
    """(H, S) reachability as :func:`reachable_episodic`, from next-state counts (H, S, A, S);
    the default rho is the states with data at h = 0."""
    H, S = policy.shape
    nn = np.asarray(nn)
    seen0 = np.flatnonzero(nn[0].sum(axis=(1, 2)) > 0)
    reach = np.zeros((H, S), dtype=bool)
    reach[0] = _start_support(rho, S, seen0)
    for step in range(H - 1):
        rows = nn[step, np.arange(S), policy[step]]          # (S, S)
        reach[step + 1] = (rows[reach[step]] > 0).any(axis=0)
    return reach


def reachable_from_csr(policy: np.ndarray, indptr: np.ndarray, next_states: np.ndarray,
                        n: np.ndarray, rho: np.ndarray | None = None) -> np.ndarray:
    """(H, S) reachability as :func:`reachable_episodic`, from CSR counts over rows
    (h*S + s)*A + a (:func:`mdplab.kernels.pessimism.csr_counts`); ``n`` (H, S, A) gives the
    default rho (states with data at h = 0). Cost O(H S + the successors followed)."""
    H, S = policy.shape
    A = n.shape[2]
    reach = np.zeros((H, S), dtype=bool)
    reach[0] = _start_support(rho, S, np.flatnonzero(n[0].sum(axis=1) > 0))
    for step in range(H - 1):
        s = np.flatnonzero(reach[step])
        rows = (step * S + s) * A + policy[step, s]
        lo, hi = indptr[rows], indptr[rows + 1]
        lengths = hi - lo
        if lengths.sum() == 0:
            break
        offsets = np.repeat(lo - np.cumsum(lengths) + lengths, lengths)
        idx = offsets + np.arange(int(lengths.sum()))
        reach[step + 1, next_states[idx]] = True
    return reach


def reachable_discounted(policy: np.ndarray, succ: np.ndarray,
                         rho: np.ndarray | None = None,
                         observed: np.ndarray | None = None) -> np.ndarray:
    """(S,) boolean: the closure of supp(rho) under s -> s' whenever ``succ[s, pi(s), s']``
    (a boolean or count array (S, A, S) of observed transitions). Default rho: the states
    in ``observed`` (every state that appears in the data)."""
    S = policy.shape[0]
    succ = np.asarray(succ) > 0
    if observed is None:
        observed = np.flatnonzero(succ.any(axis=(1, 2)) | succ.any(axis=(0, 1)))
    reach = _start_support(rho, S, observed)
    step = succ[np.arange(S), policy]                          # (S, S)
    while True:
        new = reach | step[reach].any(axis=0)
        if (new == reach).all():
            return reach
        reach = new


def summarise(tied: np.ndarray, reach: np.ndarray) -> tuple[bool, tuple[int, ...] | None, int]:
    """(degenerate, the first tied reachable index or None, how many tied reachable)."""
    hit = tied & reach
    n = int(hit.sum())
    if n == 0:
        return False, None, 0
    first = tuple(int(i) for i in np.argwhere(hit)[0])
    return True, first, n


def warn_degenerate(algorithm: str, where: tuple[int, ...], n_tied: int, n_reach: int,
                    Q_value: float, knob: str) -> None:
    """Issue the one :class:`DegeneratePolicyWarning` of a call."""
    label = "(h, s)" if len(where) == 2 else "s"
    at = where if len(where) == 2 else where[0]
    warnings.warn(DegeneratePolicyWarning(
        f"{algorithm}: the returned policy is decided by tie-breaking at {n_tied} of the "
        f"{n_reach} {label} the data reaches from rho under it, e.g. {label} = {at}, where "
        f"every action has Q_hat = {Q_value:g}; the penalty swamps the data. More data, or a "
        f"smaller {knob}, makes it informative, at the price of the paper's guarantee; "
        "see result.degenerate"), stacklevel=4)
