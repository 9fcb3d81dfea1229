"""Plain-numpy references for :mod:`mdplab.kernels.irl` (used by the tests).

Same inputs and outputs as the kernels; results agree to round-off (the kernels sum in a
different order).
"""

from __future__ import annotations

import numpy as np

#: numpy references that the tests compare the kernels against; not part of the API
__all__: list[str] = []


def advantage_ref(P: np.ndarray, expert: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Adv (H, S, A) of r (H, S, A) under the expert (H, S, A)."""
    H, S, A, _ = P.shape
    V = np.zeros(S)
    adv = np.empty((H, S, A))
    for h in range(H - 1, -1, -1):
        Q = r[h] + P[h] @ V
        V = (Q * expert[h]).sum(axis=1)
        adv[h] = Q - V[:, None]
    return adv


def expert_violation_ref(P, expert, played, R):
    out = np.empty(R.shape[0])
    for i, r in enumerate(R):
        adv = advantage_ref(P, expert, r)
        out[i] = max(0.0, float(np.where(played, np.abs(adv), adv).max()))
    return out


def optimal_gap_ref(P, expert, constrained, R):
    H, S, A, _ = P.shape
    out = np.empty(R.shape[0])
    for i, r in enumerate(R):
        V = np.zeros(S)
        worst = 0.0
        for h in range(H - 1, -1, -1):
            Q = r[h] + P[h] @ V
            gap = Q.max(axis=1) - (Q * expert[h]).sum(axis=1)
            worst = max(worst, float(np.where(constrained[h], gap, 0.0).max()))
            V = Q.max(axis=1)
        out[i] = worst
    return out


def hit_and_run_chain_ref(P, expert, played, lo, hi, x, normals, uniforms, basis, record, out):
    """The chain of :func:`mdplab.kernels.irl.hit_and_run_chain`, step by step in numpy."""
    H, S, A, _ = P.shape
    shape = (H, S, A)
    unplayed = ~played.reshape(-1)
    g = advantage_ref(P, expert, x.reshape(shape)).reshape(-1)
    k = 0
    for j in range(normals.shape[0]):
        d = basis @ (basis.T @ normals[j]) if basis.shape[1] > 0 else normals[j].copy()
        nrm = np.linalg.norm(d)
        if nrm > 0.0:
            d = d / nrm
            with np.errstate(divide="ignore", invalid="ignore"):
                up = np.where(d > 0, (hi - x) / d, np.where(d < 0, (lo - x) / d, np.inf))
                dn = np.where(d > 0, (lo - x) / d, np.where(d < 0, (hi - x) / d, -np.inf))
            t_hi, t_lo = float(up.min()), float(dn.max())
            gd = advantage_ref(P, expert, d.reshape(shape)).reshape(-1)
            gv, dv = np.minimum(g[unplayed], 0.0), gd[unplayed]
            pos, neg = dv > 1e-15, dv < -1e-15
            if pos.any():
                t_hi = min(t_hi, float((-gv[pos] / dv[pos]).min()))
            if neg.any():
                t_lo = max(t_lo, float((-gv[neg] / dv[neg]).max()))
            if t_hi > t_lo:
                t = t_lo + (t_hi - t_lo) * uniforms[j]
                x += t * d
                g += t * gd
        if record[j]:
            out[k] = x
            k += 1
    return k
