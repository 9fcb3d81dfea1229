"""Potential sums over a sequence of occupancies: the engine of every coverability bound.

Sources
-------
[AFJSX24] P. Amortila, D. J. Foster, N. Jiang, A. Sekhari, T. Xie (2024). Harnessing
    Density Ratios for Online Reinforcement Learning. arXiv:2401.09681: Lemma D.5 (the
    per-state elliptic potential, = Lemma 4 of [XFBJK23]) and Lemma E.3 (the coverability
    potential).
[XFBJK23] T. Xie, D. J. Foster, Y. Bai, N. Jiang, S. M. Kakade (2023). The Role of Coverage
    in Online Reinforcement Learning. arXiv:2210.04157 (ICLR 2023).

* Lemma D.5 [AFJSX24]: if d^(t)(z) <= C mu(z) for all t and z, then for every z
  ``sum_{t=1}^T d^(t)(z) / (sum_{i<t} d^(i)(z) + C mu(z)) <= 2 ln(1 + T)``
  (:func:`elliptic_potential`).
* Lemma E.3 [AFJSX24]: ``sum_t E_{d^(t)}[d^(t) / tilde d^(t+1)] <= 5 C log T`` with
  tilde d^(t+1) = sum_{i<=t} d^(i). Its proof (burn-in part <= C, stable part <= 4 C
  ln(1 + T), App. E.1 Eq. (24)) gives ``C (1 + 4 ln(1 + T))``, which is what holds at every
  T: the printed form fails at T = 1, where the left side is 1 and 5 C log 1 = 0
  (:func:`potential_increments`, :func:`coverability_potential_bound`).
* The sequential extrapolation coefficient of [XFBJK23] (recalled, not read: the exact
  normaliser lambda is unconfirmed) as realised along one sequence (:func:`realised_sec_sum`).
  A bound the library derives [D]: with abs(delta) <= 1, lambda = 1, d^(t) <= C mu, Cauchy-Schwarz
  against m_t = sum_{i<t} d^(i) + C mu and Lemma D.5 give a sum <= 2 C (1 + C) ln(1 + T).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from .._validation import as_float_array, check_positive_int, check_real

__all__ = [
    "coverability_potential_bound",
    "elliptic_potential",
    "potential_increments",
    "realised_sec_sum",
]


def _occupancy_sequence(occupancies: ArrayLike) -> np.ndarray:
    d = as_float_array(occupancies, "occupancies", ndim=(2, 3, 4))
    if d.shape[0] < 1:
        raise ValueError("occupancies has no rows; pass a sequence of T >= 1 occupancies")
    if (d < 0).any():
        idx = tuple(int(i) for i in np.argwhere(d < 0)[0])
        raise ValueError(f"occupancies{list(idx)} is {d[idx]:.6g}; occupancies are >= 0")
    return d


def potential_increments(occupancies: ArrayLike) -> np.ndarray:
    """Phi^(t) = sum_z d^(t)(z)^2 / sum_{i<=t} d^(i)(z) (0/0 = 0) for t = 1..T.

    ``occupancies`` (T, ...) with the cells z on the trailing axes: (T, S, A) for one layer
    gives shape (T,); (T, H, S, A) gives (T, H), one column per layer h. Summed over t,
    this is the left side of [AFJSX24] Lemma E.3 for one layer.
    """
    d = _occupancy_sequence(occupancies)
    cum = np.cumsum(d, axis=0)
    ratio = np.divide(d * d, cum, out=np.zeros_like(d), where=cum > 0)
    axes = tuple(range(d.ndim - 2, d.ndim)) if d.ndim >= 3 else (1,)
    return ratio.sum(axis=axes)


def coverability_potential_bound(C: float, T: int) -> float:
    """C (1 + 4 ln(1 + T)): the bound on sum_{t<=T} Phi^(t) that the proof of [AFJSX24]
    Lemma E.3 gives (C = C_h(Pi) for one layer, with d^(t) in the class)."""
    C = check_real(C, "C", 0.0, math.inf)
    T = check_positive_int(T, "T")
    return C * (1.0 + 4.0 * math.log(1.0 + T))


def elliptic_potential(occupancies: ArrayLike, mu: ArrayLike, C: float) -> np.ndarray:
    """sum_{t=1}^T d^(t)(z) / (sum_{i<t} d^(i)(z) + C mu(z)) for every cell z
    ([AFJSX24] Lemma D.5), shape ``occupancies.shape[1:]``; cells with a zero denominator
    contribute 0 (then d^(t)(z) = 0 too when d^(t) <= C mu). Lemma D.5 bounds each entry by
    2 ln(1 + T) when d^(t)(z) <= C mu(z) for every t and z."""
    d = _occupancy_sequence(occupancies)
    mu = as_float_array(mu, "mu")
    if mu.shape != d.shape[1:]:
        raise ValueError(f"mu has shape {mu.shape}; expected {d.shape[1:]} (one occupancy)")
    C = check_real(C, "C", 0.0, math.inf)
    before = np.cumsum(d, axis=0) - d
    den = before + C * mu[None]
    return np.divide(d, den, out=np.zeros_like(d), where=den > 0).sum(axis=0)


def realised_sec_sum(occupancies: ArrayLike, residuals: ArrayLike, lam: float = 1.0) -> float:
    """sum_t (E_{d^(t)}[delta^(t)])^2 / max(lam, sum_{i<t} E_{d^(i)}[(delta^(t))^2]) for one
    layer: occupancies (T, S, A) and residuals delta^(t) (T, S, A) (the SEC of [XFBJK23] as
    recalled, realised along one sequence; see the module docstring)."""
    d = _occupancy_sequence(occupancies)
    delta = as_float_array(residuals, "residuals")
    if delta.shape != d.shape:
        raise ValueError(f"residuals has shape {delta.shape}; expected {d.shape}")
    lam = check_real(lam, "lam", 0.0, math.inf, open_low=True)
    axes = tuple(range(1, d.ndim))
    num = np.sum(d * delta, axis=axes) ** 2                            # (T,)
    sq = delta * delta
    total = 0.0
    for t in range(d.shape[0]):
        past = float(np.sum(d[:t] * sq[t][None])) if t else 0.0
        total += float(num[t]) / max(lam, past)
    return total
