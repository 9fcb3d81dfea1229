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
