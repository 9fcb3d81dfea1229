"""numba kernels for feasible reward sets: batch membership and hit-and-run.

The set (Metelli, Lazzati & Restelli 2023, arXiv:2304.12966, Sec. 2) of rewards r (H, S, A)
in a box for which the expert pi_E (H, S, A) is optimal. Its constraints are linear in r
through the expert's advantage

    Adv_h(s, a; r) = r_h(s, a) + P_h(s, a) . V_{h+1} - V_h(s),
    V_h(s) = sum_a pi_E(a|s) (r_h(s, a) + P_h(s, a) . V_{h+1}),   V_H = 0,

one backward pass of O(H S^2 A). The references in :mod:`mdplab.kernels.irl_reference` take
the same inputs (including the random numbers) and return the same outputs, to round-off.

* :func:`expert_violation` - for a batch of rewards, ``max(max Adv on unplayed actions,
  max |Adv| on played ones, 0)`` (the ``support="all"`` membership statistic).
* :func:`optimal_gap` - for a batch, ``max over constrained (h, s) of max_a Q* - pi_E . Q*``
  (the ``support="expert"`` statistic, Lazzati, Mutti & Metelli 2024, arXiv:2406.03812,
  Lemma B.3).
* :func:`hit_and_run_chain` - a hit-and-run chain (Smith 1984) in the polytope ``{lo <= r <=
  hi, Adv_unplayed(r) <= 0}`` (on the affine hull of the played-action equalities when a
  ``basis`` of their null space is given). Per step: a Gaussian direction d, ``Adv(d)`` by one
  backward pass, the chord by a ratio test on the box and on the unplayed advantages (kept as
  ``g = Adv(x)``, updated by linearity: ``Adv(x + t d) = g + t Adv(d)``, recomputed from x at
  the start of every call so round-off does not accumulate), and a uniform point on it.
  All randomness enters as arrays (normals (T, n), uniforms (T,)) drawn by the caller.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_FAST = {"reassoc", "contract"}  # vectorised dot products; no NaN/inf assumptions


@njit(cache=True, fastmath=_FAST)
def _advantage(P, expert, r, V, out):
    """Adv (H, S, A) of reward r (H, S, A) under the expert, into ``out``; V (H+1, S) work."""
    H, S, A, _ = P.shape
    for s in range(S):
        V[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        for s in range(S):
            v = 0.0
            for a in range(A):
                q = r[h, s, a]
                for t in range(S):
                    q += P[h, s, a, t] * V[h + 1, t]
                out[h, s, a] = q
                v += expert[h, s, a] * q
            V[h, s] = v
            for a in range(A):
                out[h, s, a] -= v


@njit(cache=True, fastmath=_FAST)
def expert_violation(P, expert, played, R):
    """(n,) violations of rewards R (n, H, S, A); ``played`` (H, S, A) bool."""
    n = R.shape[0]
    H, S, A, _ = P.shape
    out = np.empty(n)
    V = np.empty((H + 1, S))
    adv = np.empty((H, S, A))
    for i in range(n):
        _advantage(P, expert, R[i], V, adv)
        worst = 0.0
        for h in range(H):
            for s in range(S):
                for a in range(A):
                    x = adv[h, s, a]
                    if played[h, s, a]:
                        x = abs(x)
                    if x > worst:
                        worst = x
        out[i] = worst
    return out


@njit(cache=True, fastmath=_FAST)
def optimal_gap(P, expert, constrained, R):
    """(n,) of ``max(0, max_{constrained (h,s)} max_a Q*_h(s,a) - sum_a pi_E Q*_h(s,a))``."""
    n = R.shape[0]
    H, S, A, _ = P.shape
    out = np.empty(n)
    V = np.empty((H + 1, S))
    Q = np.empty(A)
    for i in range(n):
        for s in range(S):
            V[H, s] = 0.0
        worst = 0.0
        for h in range(H - 1, -1, -1):
            for s in range(S):
                best = -np.inf
                mean = 0.0
                for a in range(A):
                    q = R[i, h, s, a]
                    for t in range(S):
                        q += P[h, s, a, t] * V[h + 1, t]
                    Q[a] = q
                    mean += expert[h, s, a] * q
                    if q > best:
                        best = q
                V[h, s] = best
                if constrained[h, s] and best - mean > worst:
                    worst = best - mean
        out[i] = worst
    return out


@njit(cache=True)
def hit_and_run_chain(P, expert, played, lo, hi, x, normals, uniforms, basis, record, out):
    """Advance the chain from x (n,) (updated in place) by T = ``normals.shape[0]`` steps.

    ``basis`` (n, m): directions are projected on its span (m = 0: no projection). Step j's
    position is written to ``out[k]`` for the k-th True entry of ``record`` (T,). A step whose
    chord is empty or whose direction is zero leaves x where it is. Returns the number of
    recorded positions."""
    H, S, A, _ = P.shape
    n = x.shape[0]
    m = basis.shape[1]
    V = np.empty((H + 1, S))
    g = np.empty((H, S, A))
    gd = np.empty((H, S, A))
    d = np.empty(n)
    coef = np.empty(m)
    _advantage(P, expert, x.reshape((H, S, A)), V, g)
    k = 0
    for j in range(normals.shape[0]):
        if m > 0:
            for c in range(m):
                acc = 0.0
                for i in range(n):
                    acc += basis[i, c] * normals[j, i]
                coef[c] = acc
            for i in range(n):
                acc = 0.0
                for c in range(m):
                    acc += basis[i, c] * coef[c]
                d[i] = acc
        else:
            for i in range(n):
                d[i] = normals[j, i]
        nrm = 0.0
        for i in range(n):
            nrm += d[i] * d[i]
        nrm = np.sqrt(nrm)
        if nrm > 0.0:
            for i in range(n):
                d[i] /= nrm
            t_hi = np.inf
            t_lo = -np.inf
            for i in range(n):
                if d[i] > 0.0:
                    t_hi = min(t_hi, (hi - x[i]) / d[i])
                    t_lo = max(t_lo, (lo - x[i]) / d[i])
                elif d[i] < 0.0:
                    t_hi = min(t_hi, (lo - x[i]) / d[i])
                    t_lo = max(t_lo, (hi - x[i]) / d[i])
            _advantage(P, expert, d.reshape((H, S, A)), V, gd)
            for h in range(H):
                for s in range(S):
                    for a in range(A):
                        if played[h, s, a]:
                            continue
                        gv = min(g[h, s, a], 0.0)  # round-off above 0 on the boundary is 0
                        dv = gd[h, s, a]
                        if dv > 1e-15:
                            t_hi = min(t_hi, -gv / dv)
                        elif dv < -1e-15:
                            t_lo = max(t_lo, -gv / dv)
            if t_hi > t_lo:
                t = t_lo + (t_hi - t_lo) * uniforms[j]
                for i in range(n):
                    x[i] += t * d[i]
                for h in range(H):
                    for s in range(S):
                        for a in range(A):
                            g[h, s, a] += t * gd[h, s, a]
        if record[j]:
            for i in range(n):
                out[k, i] = x[i]
            k += 1
    return k
