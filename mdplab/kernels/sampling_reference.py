"""Plain-numpy references for :mod:`mdplab.kernels.sampling` (used by the tests).

Each function takes the same inputs as its kernel and returns what the kernel
writes; given the same uniforms the outputs agree bit for bit. The references use
``numpy.searchsorted(..., side="right")`` (the inverse CDF by binary search) and
``numpy.bincount`` on flattened indices, and no guide tables.
"""

from __future__ import annotations

import numpy as np

#: numpy references that the tests compare the kernels against; not part of the API
__all__: list[str] = []


def build_cdf_guide_ref(indptr: np.ndarray, data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """cdf (nnz,) and guide (nnz,) int32 of positive CSR ``data``, row by row."""
    cdf = np.empty(data.shape[0])
    guide = np.empty(data.shape[0], dtype=np.int32)
    for row in range(indptr.shape[0] - 1):
        lo, hi = indptr[row], indptr[row + 1]
        k = hi - lo
        c = np.minimum(np.cumsum(data[lo:hi]), 1.0)  # left-to-right running sum
        c[-1] = 1.0
        cdf[lo:hi] = c
        guide[lo:hi] = np.searchsorted(c, np.arange(k) / k, side="right")
    return cdf, guide


def sample_rows_ref(indptr, indices, cdf, rows, u) -> np.ndarray:
    """Successor drawn from table row ``rows[i]`` with uniform ``u[i]``; shape (m,)."""
    out = np.empty(rows.shape[0], dtype=np.int64)
    for i, (r, ui) in enumerate(zip(rows, u, strict=True)):
        lo, hi = indptr[r], indptr[r + 1]
        out[i] = indices[lo + np.searchsorted(cdf[lo:hi], ui, side="right")]
    return out


def count_entries_ref(indptr, cdf, rows, u, out_size, out_start) -> np.ndarray:
    """Per-entry counts, as written by :func:`count_entries` into a zero array."""
    out = np.zeros(out_size, dtype=np.int64)
    for i, r in enumerate(rows):
        lo, hi = indptr[r], indptr[r + 1]
        j = np.searchsorted(cdf[lo:hi], u[i], side="right")
        out[out_start[i] : out_start[i] + (hi - lo)] += np.bincount(j, minlength=hi - lo)
    return out


def rollout_episodes_ref(indptr, indices, cdf, h_stride, A, pi_cdf, rho_cdf, u0, u):
    """states (K, H+1) and actions (K, H), vectorised over episodes step by step."""
    K, H = u.shape[0], u.shape[1]
    states = np.empty((K, H + 1), dtype=np.int64)
    actions = np.empty((K, H), dtype=np.int64)
    states[:, 0] = np.searchsorted(rho_cdf, u0, side="right")
    for h in range(H):
        s = states[:, h]
        a = np.array(
            [
                np.searchsorted(pi_cdf[h, si], ui, side="right")
                for si, ui in zip(s, u[:, h, 0], strict=True)
            ],
            dtype=np.int64,
        )
        actions[:, h] = a
        rows = h * h_stride + s * A + a
        states[:, h + 1] = sample_rows_ref(indptr, indices, cdf, rows, u[:, h, 1])
    return states, actions


def count_transitions_ref(h, s, a, s_next, r, H: int, S: int, A: int):
    """n (H,S,A), nn (H,S,A,S) and r_sum (H,S,A) by ``np.bincount`` on flat indices."""
    flat = (h * S + s) * A + a
    n = np.bincount(flat, minlength=H * S * A).reshape(H, S, A)
    nn = np.bincount(flat * S + s_next, minlength=H * S * A * S).reshape(H, S, A, S)
    r_sum = np.bincount(flat, weights=r, minlength=H * S * A).reshape(H, S, A)
    return n.astype(np.int64), nn.astype(np.int64), r_sum


_MASK64 = (1 << 64) - 1


def _mix64_ref(z: int) -> int:
    """SplitMix64's finaliser in Python integers (mod 2^64)."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def multinomial_entries_ref(indptr, cdf, rows, n, key0, key1, out_size, out_start,
                            binomial=None) -> np.ndarray:
    """What :func:`multinomial_entries` writes into a zero array, row by row in Python.

    The per-row stream seeds are recomputed in Python integers and the conditional
    binomial loop is written out again; the binomial draws themselves come from
    ``binomial(state, n, p)`` (default: the kernel module's compiled sampler, whose law
    the tests check separately against the exact binomial pmf).
    """
    if binomial is None:
        from .sampling import binomial
    golden = 0x9E3779B97F4A7C15
    out = np.zeros(out_size, dtype=np.int64)
    for i, r in enumerate(rows):
        lo, hi = int(indptr[r]), int(indptr[r + 1])
        seed = _mix64_ref(int(key0) ^ _mix64_ref((int(key1) + i * golden) & _MASK64))
        state = np.array([seed], dtype=np.uint64)
        left, below = int(n), 0.0
        for j in range(hi - lo - 1):
            if left == 0:
                break
            c = float(cdf[lo + j])
            rest = 1.0 - below
            p = min((c - below) / rest, 1.0) if rest > 0.0 else 1.0
            x = int(binomial(state, left, p))
            out[out_start[i] + j] += x
            left -= x
            below = c
        out[out_start[i] + hi - lo - 1] += left
    return out
