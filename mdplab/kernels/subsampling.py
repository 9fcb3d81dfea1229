"""Selection step of the two-fold subsampling of Li, Shi, Chen, Chi & Wei (2022), numba.

Algorithm 3 of Li et al. (arXiv 2204.05275, Sec. 3.2) keeps, for every (h, s), a number
``keep[h*S + s]`` of the D_main transitions that leave state s at step h, drawn uniformly
*without replacement*. This kernel does that selection in O(n + number of buckets):

1. bucket every main transition by b = h*S + s (a stable counting sort: within a bucket the
   transitions keep their input order), which gives per-bucket index lists;
2. in bucket b with members ``order[start : start + len_b]``, run ``keep[b]`` steps of a
   partial Fisher-Yates shuffle (Knuth 1969, TAOCP vol. 2, Algorithm 3.4.2P, stopped early):
   step i swaps position i with position i + floor(u * (len_b - i)), with the uniform
   u = ``u[start + i]``; the first ``keep[b]`` positions are then a uniform sample without
   replacement of size keep[b];
3. return the selected transition indices in increasing order.

All randomness enters as the array ``u`` of uniforms in [0, 1) (one per main transition,
used in bucket order), drawn by the caller from a numpy Generator, so the result is a
deterministic function of the inputs. The numpy reference is
:func:`mdplab.kernels.subsampling_reference.select_without_replacement`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["select_without_replacement"]


@njit(cache=True)
def _select(bucket, n_buckets, keep, u, order, starts, out_mask):
    n = bucket.shape[0]
    counts = np.zeros(n_buckets, dtype=np.int64)
    for i in range(n):
        counts[bucket[i]] += 1
    pos = 0
    for b in range(n_buckets):
        starts[b] = pos
        pos += counts[b]
    starts[n_buckets] = pos
    fill = starts[:n_buckets].copy()
    for i in range(n):  # stable counting sort
        b = bucket[i]
        order[fill[b]] = i
        fill[b] += 1
    for b in range(n_buckets):
        start = starts[b]
        size = starts[b + 1] - start
        m = keep[b]
        for i in range(m):  # partial Fisher-Yates
            j = i + int(u[start + i] * (size - i))
            if j >= size:  # u rounds to 1 only by a bug upstream; stay inside the bucket
                j = size - 1
            tmp = order[start + i]
            order[start + i] = order[start + j]
            order[start + j] = tmp
            out_mask[order[start + i]] = True


def select_without_replacement(bucket: np.ndarray, n_buckets: int, keep: np.ndarray,
                               u: np.ndarray) -> np.ndarray:
    """Indices (sorted, int64) of the transitions kept; see the module docstring.

    Parameters
    ----------
    bucket : int64 (n,), values in {0, ..., n_buckets - 1} (h*S + s of each main transition).
    n_buckets : int.
    keep : int64 (n_buckets,), 0 <= keep[b] <= size of bucket b (checked by the caller).
    u : float64 (n,), uniforms in [0, 1).
    """
    bucket = np.ascontiguousarray(bucket, dtype=np.int64)
    keep = np.ascontiguousarray(keep, dtype=np.int64)
    u = np.ascontiguousarray(u, dtype=np.float64)
    order = np.empty(bucket.shape[0], dtype=np.int64)
    starts = np.empty(int(n_buckets) + 1, dtype=np.int64)
    mask = np.zeros(bucket.shape[0], dtype=np.bool_)
    _select(bucket, int(n_buckets), keep, u, order, starts, mask)
    return np.flatnonzero(mask)
