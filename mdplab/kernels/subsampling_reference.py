"""Plain-numpy reference of :mod:`mdplab.kernels.subsampling` (same inputs, same output).

The bucket lists come from a stable ``argsort`` instead of a counting sort; the partial
Fisher-Yates shuffle is the same sequence of swaps, so given the same uniforms the kept
indices agree exactly.
"""

from __future__ import annotations

import numpy as np

#: numpy references that the tests compare the kernels against; not part of the API
__all__: list[str] = []


def select_without_replacement(bucket, n_buckets, keep, u) -> np.ndarray:
    bucket = np.asarray(bucket, dtype=np.int64)
    keep = np.asarray(keep, dtype=np.int64)
    u = np.asarray(u, dtype=np.float64)
    order = np.argsort(bucket, kind="stable")
    starts = np.concatenate([[0], np.cumsum(np.bincount(bucket, minlength=n_buckets))])
    kept = []
    for b in range(int(n_buckets)):
        start, size = int(starts[b]), int(starts[b + 1] - starts[b])
        members = order[start:start + size].copy()
        for i in range(int(keep[b])):
            j = min(i + int(u[start + i] * (size - i)), size - 1)
            members[i], members[j] = members[j], members[i]
        kept.append(members[:int(keep[b])])
    return np.sort(np.concatenate(kept)) if kept else np.zeros(0, dtype=np.int64)
