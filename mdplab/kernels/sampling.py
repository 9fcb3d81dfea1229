"""numba kernels for sampling next states, rolling out episodes and counting transitions.

Sampling tables
---------------
A kernel with R rows (the flattened (h,) s, a index) is stored in CSR form over its
*positive* entries only: ``indptr`` (R+1,), ``indices`` (nnz,) successor states,
``cdf`` (nnz,) the running sum of the row's probabilities and ``guide`` (nnz,) int32.
Within a row of length k (entries ``base = indptr[row] .. base + k - 1``):

* ``cdf[base + j] = min(p_0 + ... + p_j, 1.0)`` summed left to right, and the last
  entry is exactly ``1.0``, so every u in [0, 1) falls in some cell;
* ``guide[base + g]`` is the first offset j with ``cdf[base + j] > g / k``
  (a Chen & Asau 1974 "guide table"; Devroye 1986, *Non-Uniform Random Variate
  Generation*, Sec. III.2.4).

A uniform u is mapped to the first offset j with ``cdf[base + j] > u`` (inverse CDF).
The guide gives a start within a few cells of the answer, and two short walks (up,
then down) make the answer exact whatever the rounding of ``g / k`` or ``u * k``:
the result is *identical* to ``numpy.searchsorted(cdf_row, u, side="right")``, which
is what the references in :mod:`mdplab.kernels.sampling_reference` use.
The expected number of comparisons is below 3 per draw, for any row length.

All randomness enters as arrays of uniforms drawn by the caller from a
``numpy.random.Generator``, so every kernel is a deterministic function of its
inputs and the parallel (``prange``) kernels give the same output for any number
of threads.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange


@njit(cache=True)
def build_cdf_guide(indptr, data, cdf, guide):
    """Fill ``cdf`` (nnz,) float64 and ``guide`` (nnz,) int32 from positive CSR ``data``.

    Every row must be non-empty and its entries positive (the caller drops the rest).
    """
    R = indptr.shape[0] - 1
    for row in range(R):
        base = indptr[row]
        k = indptr[row + 1] - base
        c = 0.0
        for j in range(k):
            c += data[base + j]
            cdf[base + j] = c if c < 1.0 else 1.0
        cdf[base + k - 1] = 1.0
        j = 0
        for g in range(k):
            t = g / k
            while cdf[base + j] <= t:
                j += 1
            guide[base + g] = j


@njit(cache=True, inline="always")
def _inverse_cdf(cdf, guide, base, k, u):
    """Offset j in 0..k-1 of the first entry of the row with ``cdf > u``."""
    g = int(u * k)
    if g >= k:
        g = k - 1
    j = guide[base + g]
    while cdf[base + j] <= u:
        j += 1
    while j > 0 and cdf[base + j - 1] > u:
        j -= 1
    return j


@njit(cache=True, inline="always")
def _first_greater(c, u):
    """Binary search: first index i with ``c[i] > u`` (c nondecreasing, c[-1] > u)."""
    lo = 0
    hi = c.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if c[mid] <= u:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True)
def sample_rows(indptr, indices, cdf, guide, rows, u, out):
    """``out[i]`` = successor drawn from table row ``rows[i]`` with uniform ``u[i]``."""
    for i in range(rows.shape[0]):
        r = rows[i]
        base = indptr[r]
        k = indptr[r + 1] - base
        out[i] = indices[base + _inverse_cdf(cdf, guide, base, k, u[i])]


@njit(cache=True, parallel=True)
def count_entries(indptr, cdf, guide, rows, u, out, out_start):
    """Add per-entry counts: for each i, the ``u.shape[1]`` uniforms ``u[i, :]`` are
    mapped through table row ``rows[i]`` and ``out[out_start[i] + j] += 1`` for each
    draw landing in offset j. The output ranges of different i must not overlap.
    """
    m = u.shape[0]
    n = u.shape[1]
    for i in prange(m):
        r = rows[i]
        base = indptr[r]
        k = indptr[r + 1] - base
        o = out_start[i]
        for t in range(n):
            out[o + _inverse_cdf(cdf, guide, base, k, u[i, t])] += 1


@njit(cache=True, parallel=True)
def rollout_episodes(
    indptr, indices, cdf, guide, h_stride, A, pi_cdf, rho_cdf, u0, u, states, actions
):
    """Roll out K episodes.

    ``pi_cdf`` (H, S, A) and ``rho_cdf`` (S,) are running sums whose entries from the
    last positive probability onwards are exactly 1.0; ``u0`` (K,) picks s_0 and
    ``u[k, h, 0]`` / ``u[k, h, 1]`` pick a_h and s_{h+1}. The transition row of
    (h, s, a) is ``h * h_stride + s * A + a`` (h_stride = 0 for a stationary kernel).
    Fills ``states`` (K, H+1) and ``actions`` (K, H).
    """
    K = u.shape[0]
    H = u.shape[1]
    for k in prange(K):
        s = _first_greater(rho_cdf, u0[k])
        states[k, 0] = s
        for h in range(H):
            a = _first_greater(pi_cdf[h, s], u[k, h, 0])
            actions[k, h] = a
            row = h * h_stride + s * A + a
            base = indptr[row]
            kk = indptr[row + 1] - base
            s = indices[base + _inverse_cdf(cdf, guide, base, kk, u[k, h, 1])]
            states[k, h + 1] = s


@njit(cache=True)
def count_transitions(h, s, a, s_next, r, n, nn, r_sum):
    """Add the transitions (h[i], s[i], a[i], r[i], s_next[i]) to the counts.

    ``n`` (H, S, A) int64, ``nn`` (H, S, A, S) int64 and ``r_sum`` (H, S, A) float64
    are updated in place; rewards are summed in input order.
    """
    for i in range(s.shape[0]):
        hi = h[i]
        si = s[i]
        ai = a[i]
        n[hi, si, ai] += 1
        nn[hi, si, ai, s_next[i]] += 1
        r_sum[hi, si, ai] += r[i]


# ----------------------------------------------------------------------------------------
# exact multinomial counts: one conditional binomial per entry of a row
# ----------------------------------------------------------------------------------------
# Random bits: SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number
# generators", OOPSLA; the finaliser is Stafford's "Mix13"). Row i of a call starts its
# own stream at state mix(key0 ^ mix(key1 + i * golden)), so a row's draws depend only on
# the call's two 64-bit keys (drawn from the caller's Generator) and on i -- not on which
# thread runs it, nor on the other rows.
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0  # 2^-53


@njit(cache=True, inline="always")
def _mix64(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def _next_double(state):
    """Advance the one-word state (a (1,) uint64 array) and return a uniform in [0, 1)."""
    s = state[0] + _GOLDEN
    state[0] = s
    return np.float64(_mix64(s) >> _S11) * _TWO_M53


#: Stirling-series corrections fc(k) = log k! - (k + 1/2) log(k + 1) + (k + 1) - log(2 pi)/2
#: for k = 0..9 (Hoermann 1993, Table; used by BTRD's final acceptance test).
_FC = np.array([
    0.08106146679532726, 0.04134069595540929, 0.02767792568499834, 0.02079067210376509,
    0.01664469118982119, 0.01387612882307075, 0.01189670994589177, 0.01041126526197209,
    0.009255462182712733, 0.008330563433362871,
])


@njit(cache=True, inline="always")
def _fc(k):
    if k < 10:
        return _FC[int(k)]
    r = 1.0 / (k + 1.0)
    r2 = r * r
    return (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 * r2) * r2) * r


@njit(cache=True)
def _binomial_small(state, n, p):
    """Binomial(n, p), p <= 1/2, n p < 10: inversion by sequential search from 0
    (Devroye 1986, Sec. X.4.3). The search is cut at n p + 10 sqrt(n p q + 1) + 10 and
    restarted there (mass beyond < 1e-20), so round-off in the running sum cannot run it
    past n."""
    q = 1.0 - p
    ratio = p / q
    f0 = math.exp(n * math.log1p(-p))
    bound = min(n, int(n * p + 10.0 * math.sqrt(n * p * q + 1.0) + 10.0))
    while True:
        u = _next_double(state)
        x = 0
        f = f0
        while u > f and x < bound:
            u -= f
            x += 1
            f *= ratio * (n - x + 1) / x
        if u <= f:
            return x


@njit(cache=True)
def _binomial_btrd(state, n, p):
    """Binomial(n, p), p <= 1/2, n p >= 10: Hoermann's BTRD (transformed rejection with
    decomposition; W. Hoermann 1993, "The generation of binomial random variates",
    J. Statist. Comput. Simul. 46, 101-110, Algorithm BTRD). Exact: a rejection method
    whose acceptance test evaluates f(k)/f(m) (by the product recursion when |k - m| <= 15,
    else by Stirling's series with the fc corrections)."""
    q = 1.0 - p
    spq = math.sqrt(n * p * q)
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    vr = 0.92 - 4.2 / b
    urvr = 0.86 * vr
    alpha = (2.83 + 5.1 / b) * spq
    ratio = p / q
    nr = (n + 1) * ratio
    m = int(math.floor((n + 1) * p))
    npq = n * p * q
    h = (m + 0.5) * math.log((m + 1.0) / (ratio * (n - m + 1.0))) + _fc(m) + _fc(n - m)
    while True:
        v = _next_double(state)
        if v <= urvr:
            u = v / vr - 0.43
            return int(math.floor((2.0 * a / (0.5 - abs(u)) + b) * u + c))
        if v >= vr:
            u = _next_double(state) - 0.5
        else:
            u = v / vr - 0.93
            u = math.copysign(0.5, u) - u
            v = _next_double(state) * vr
        us = 0.5 - abs(u)
        k = int(math.floor((2.0 * a / us + b) * u + c))
        if k < 0 or k > n:
            continue
        v = v * alpha / (a / (us * us) + b)
        km = abs(k - m)
        if km <= 15:
            # f(k)/f(m) by the recursion f(i)/f(i-1) = (n - i + 1) p / (i q)
            f = 1.0
            if m < k:
                for i in range(m + 1, k + 1):
                    f *= nr / i - ratio
            elif m > k:
                for i in range(k + 1, m + 1):
                    v *= nr / i - ratio
            if v <= f:
                return k
            continue
        v = math.log(v)
        rho = (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6.0) / npq + 0.5)
        t = -km * km / (2.0 * npq)
        if v < t - rho:
            return k
        if v > t + rho:
            continue
        nm = n - m + 1.0
        nk = n - k + 1.0
        if v <= h + (n + 1.0) * math.log(nm / nk) + (k + 0.5) * math.log(
                nk * ratio / (k + 1.0)) - _fc(k) - _fc(n - k):
            return k


@njit(cache=True)
def binomial(state, n, p):
    """One Binomial(n, p) draw (n >= 0 int, p in [0, 1]) from the SplitMix64 ``state``
    ((1,) uint64, advanced in place). p > 1/2 draws n - Binomial(n, 1 - p)."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    flip = p > 0.5
    pp = 1.0 - p if flip else p
    x = _binomial_small(state, n, pp) if n * pp < 10.0 else _binomial_btrd(state, n, pp)
    return n - x if flip else x


@njit(cache=True, parallel=True)
def multinomial_entries(indptr, cdf, rows, n, key0, key1, out, out_start):
    """Exact Multinomial(n, row) counts for each table row ``rows[i]``, written to
    ``out[out_start[i] + j]`` (offset j of the row); the output ranges must not overlap.

    Conditional binomials (e.g. Devroye 1986, Sec. XI.1.4): with the row's masses
    p_j = cdf[j] - cdf[j-1] (cdf[-1] = 0, the capped running sums of the sampling table,
    so the distribution is the one the inverse-CDF sampler draws from),
    n_j ~ Binomial(n - n_0 - ... - n_{j-1}, p_j / (1 - cdf[j-1])), and the last entry
    takes what is left. The row's random bits come from its own SplitMix64 stream
    (state mix(key0 ^ mix(key1 + i * golden))): the result does not depend on the number
    of threads. Cost O(row length) per row, whatever n.
    """
    m = rows.shape[0]
    for i in prange(m):
        r = rows[i]
        base = indptr[r]
        k = indptr[r + 1] - base
        o = out_start[i]
        state = np.empty(1, dtype=np.uint64)
        state[0] = _mix64(key0 ^ _mix64(key1 + np.uint64(i) * _GOLDEN))
        left = n
        below = 0.0  # cdf of the entries before j
        for j in range(k - 1):
            if left == 0:
                break
            c = cdf[base + j]
            rest = 1.0 - below
            p = (c - below) / rest if rest > 0.0 else 1.0
            x = binomial(state, left, p if p < 1.0 else 1.0)
            out[o + j] += x
            left -= x
            below = c
        out[o + k - 1] += left
