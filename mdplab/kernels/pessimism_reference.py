"""Plain-numpy reference of :mod:`mdplab.kernels.pessimism` (same arguments, same results)."""

from __future__ import annotations

import numpy as np

#: numpy references that the tests compare the kernels against; not part of the API
__all__: list[str] = []


def pessimistic_induction(P_hat, r, *, n=None, fixed_penalty=None, c_var=0.0, c_lin=0.0,
                          cap=None, clip_upper=True, arrival=None, valid=None,
                          return_backup=False):
    P_hat = np.asarray(P_hat, dtype=float)
    H, S, A, _ = P_hat.shape
    r = np.broadcast_to(np.asarray(r, dtype=float), (H, S, A))
    upper = np.arange(H, 0, -1, dtype=float)
    cap = upper if cap is None else np.broadcast_to(np.asarray(cap, dtype=float), (H,))
    arrival = np.zeros((H, S)) if arrival is None else np.broadcast_to(arrival, (H, S))
    valid = np.ones((S, A), bool) if valid is None else np.asarray(valid, bool)
    Q, V = np.empty((H, S, A)), np.zeros((H + 1, S))
    pi, pen = np.empty((H, S), dtype=np.int64), np.empty((H, S, A))
    backup = np.empty((H, S, A))
    for h in reversed(range(H)):
        W = V[h + 1] + arrival[h]
        m = P_hat[h] @ W                                          # (S, A)
        if fixed_penalty is not None:
            b = np.broadcast_to(fixed_penalty, (H, S, A))[h].astype(float)
        else:
            nh = np.broadcast_to(n, (H, S, A))[h].astype(float)
            var = np.einsum("sat,sat->sa", P_hat[h], (W[None, None, :] - m[..., None]) ** 2)
            safe = np.maximum(nh, 1.0)
            b = np.where(nh > 0, np.minimum(np.sqrt(c_var * var / safe) + c_lin / safe, cap[h]),
                         cap[h])
        q = np.maximum(r[h] + m - b, 0.0)
        if clip_upper:
            q = np.minimum(q, upper[h])
        q = np.where(valid, q, -np.inf)
        pen[h] = np.where(valid, b, 0.0)
        backup[h] = np.where(valid, r[h] + m, 0.0)
        Q[h] = q
        pi[h] = np.argmax(q, axis=1)
        best = q.max(axis=1)
        V[h] = np.where(np.isfinite(best), best, 0.0)
    return (Q, V, pi, pen, backup) if return_backup else (Q, V, pi, pen)
