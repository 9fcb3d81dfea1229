"""Which (h, s) the observed transitions reach from the start states under a policy.

One pass to bucket the N transitions by step (a counting sort, O(N + H)), then one pass per
step over that step's transitions: (h, s) -> (h + 1, s') is followed when s is reached at
step h and the transition's action is policy[h, s]. Cost O(N + H S), no sort. Used by the
``degenerate`` flag of the pessimistic algorithms
(:mod:`mdplab.algorithms.offline.degeneracy`, whose ``reachable_episodic`` is the numpy
reference).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["reach_by_transitions"]


@njit(cache=True)
def _reach(h, s, a, s_next, policy, reach):
    H = reach.shape[0]
    N = h.shape[0]
    start = np.zeros(H + 1, dtype=np.int64)
    for i in range(N):
        start[h[i] + 1] += 1
    for k in range(H):
        start[k + 1] += start[k]
    pos = start[:H].copy()
    order = np.empty(N, dtype=np.int64)
    for i in range(N):
        order[pos[h[i]]] = i
        pos[h[i]] += 1
    for step in range(H - 1):
        for j in range(start[step], start[step + 1]):
            i = order[j]
            si = s[i]
            if reach[step, si] and a[i] == policy[step, si]:
                reach[step + 1, s_next[i]] = True


def reach_by_transitions(h: np.ndarray, s: np.ndarray, a: np.ndarray, s_next: np.ndarray,
                         policy: np.ndarray, start: np.ndarray) -> np.ndarray:
    """(H, S) bool: ``start`` (S,) at step 0, then the closure step by step (module docstring).

    ``h, s, a, s_next`` (N,) int64 with h in [0, H), states in [0, S), actions in [0, A);
    ``policy`` (H, S) int64. Inputs are not validated (callers pass checked data).
    """
    H, S = policy.shape
    reach = np.zeros((H, S), dtype=np.bool_)
    reach[0] = start
    _reach(np.ascontiguousarray(h, dtype=np.int64), np.ascontiguousarray(s, dtype=np.int64),
           np.ascontiguousarray(a, dtype=np.int64), np.ascontiguousarray(s_next, dtype=np.int64),
           np.ascontiguousarray(policy, dtype=np.int64), reach)
    return reach
