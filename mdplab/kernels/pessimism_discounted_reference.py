"""Plain-numpy reference of :mod:`mdplab.kernels.pessimism_discounted` (same functions, same
arguments, same results up to round-off). Formulas and sources: see that module."""

from __future__ import annotations

import numpy as np

#: numpy references that the tests compare the kernels against; not part of the API
__all__: list[str] = []



def _arrays(P_hat, r, n):
    P_hat = np.asarray(P_hat, dtype=float)
    S, A, _ = P_hat.shape
    return P_hat, np.broadcast_to(np.asarray(r, float), (S, A)), np.broadcast_to(
        np.asarray(n, float), (S, A))


def _penalty_and_mean(P_hat, n, V, gamma, c_log, add):
    m = P_hat @ V                                                   # (S, A)
    var = np.einsum("sat,sat->sa", P_hat, (V[None, None, :] - m[..., None]) ** 2)
    cap = 1.0 / (1.0 - gamma)
    safe = np.maximum(n, 1.0)
    inner = np.maximum(np.sqrt(c_log * var / safe), 2.0 * c_log / ((1.0 - gamma) * safe))
    b = np.where(n > 0, np.minimum(inner, cap), cap) + add
    return b, m


def pe_penalty(P_hat, n, V, *, gamma, c_log, add):
    P_hat, _, n = _arrays(P_hat, 0.0, n)
    return _penalty_and_mean(P_hat, n, np.asarray(V, float), gamma, c_log, add)[0]


def pe_operator(Q, P_hat, r, n, *, gamma, c_log, add, V=None):
    P_hat, r, n = _arrays(P_hat, r, n)
    V = np.asarray(Q, float).max(axis=1) if V is None else np.asarray(V, float)
    b, m = _penalty_and_mean(P_hat, n, V, gamma, c_log, add)
    return np.maximum(r + gamma * m - b, 0.0), b, m


def pe_iterate(P_hat, r, n, *, gamma, c_log, add, tau_max, tol=-1.0, Q0=None, record=False):
    P_hat, r, n = _arrays(P_hat, r, n)
    Q = np.zeros(r.shape) if Q0 is None else np.array(Q0, dtype=float)
    hist = [Q.copy()]
    change, it = np.inf, 0
    while it < tau_max:
        Qn = pe_operator(Q, P_hat, r, n, gamma=gamma, c_log=c_log, add=add)[0]
        it += 1
        change = float(np.max(np.abs(Qn - Q)))
        Q = Qn
        if record:
            hist.append(Q.copy())
        if change <= tol:
            break
    return Q, Q.max(axis=1), it, change, (np.array(hist) if record else None)


def split_iterate(nn_folds, r_folds, *, gamma, c_pen, v_max):
    nn = np.asarray(nn_folds, dtype=float)
    T1, S, A, _ = nn.shape
    r_f = np.broadcast_to(np.asarray(r_folds, float), (T1, S, A))
    V = np.zeros((T1, S))
    pi = np.zeros((T1, S), dtype=np.int64)
    Q = np.full((S, A), -float(v_max))
    for t in range(1, T1):
        m = nn[t].sum(axis=2)
        safe = np.maximum(m, 1.0)
        Q = np.where(m > 0, r_f[t] - c_pen / np.sqrt(safe) + gamma * (nn[t] @ V[t - 1]) / safe,
                     -float(v_max))
        best, arg = Q.max(axis=1), Q.argmax(axis=1)
        up = best > V[t - 1]
        V[t] = np.where(up, best, V[t - 1])
        pi[t] = np.where(up, arg, pi[t - 1])
    return V, pi, Q
