"""Concentrability coefficients: single-policy, clipped, all-policy, L2 and CC_h.

Ratio convention (library): 0/0 = 0 and x/0 = +inf for x > 0, so a coefficient is
+inf exactly when the data miss a state-action pair that the target visits.

Sources
-------
[LSCCW22] G. Li, L. Shi, Y. Chen, Y. Chi, Y. Wei (2022). Settling the Sample Complexity
    of Model-Based Offline Reinforcement Learning. arXiv 2204.05275; Ann. Statist. 52(1), 2024.
[AFJSX24] P. Amortila, D. J. Foster, N. Jiang, A. Sekhari, T. Xie (2024). Harnessing
    Density Ratios for Online Reinforcement Learning. arXiv 2401.09681.

What was checked for the clipped coefficient of [LSCCW22]: the abstract (arXiv,
Annals of Statistics and index pages) confirms that the paper measures the
distribution shift by a "single-policy clipped concentrability coefficient"
C*_clipped and proves sample complexities H^4 S C*_clipped / eps^2 (finite horizon)
and S C*_clipped / ((1 - gamma)^3 eps^2) (discounted). The displayed definitions
(Defs. 2 and 4, eqs. (19) and (48)) were not available in text form; the formula
used here, C*_clipped = max min{d*(s,a), 1/S} / d^b(s,a) (max over (h, s, a) when
episodic), is rebuilt from the paper's text around those definitions (so it is only
partly checked against the paper) and is consistent with the facts C*_clipped <= C*
and C*_clipped >= 1/S that [LSCCW22] states and that the tests check.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .._validation import PROB_NEG_TOL, PROB_SUM_TOL, as_float_array, fmt_tol
from ..models.discounted import DiscountedMDP
from ..models.finite_horizon import FiniteHorizonMDP, validate_rho
from ..planning.finite_horizon import occupancy_measure
from ..planning.results import compact_repr


@dataclass(frozen=True, repr=False)
class ConcentrabilityResult:
    """A concentrability coefficient and where it is attained.

    Attributes
    ----------
    value : float
        max over entries of d_star / d_b (+inf if some entry with d_star > 0 has d_b = 0).
    clipped_value : float
        max over entries of min{d_star, clip_level} / d_b.
    argmax : tuple of int
        Index (h, s, a) (episodic) or (s, a) (discounted) of the first maximising entry.
    clipped_argmax : tuple of int
        The same for the clipped coefficient.
    clip_level : float
        The clipping level used (1/S by default, [LSCCW22]).
    """

    value: float
    clipped_value: float
    argmax: tuple
    clipped_argmax: tuple
    clip_level: float

    __repr__ = compact_repr


# ---------------------------------------------------------------- helpers
def safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den elementwise with 0/0 = 0 and x/0 = +inf for x > 0 (x <= 0 over 0 gives 0)."""
    num = as_float_array(num, "num")
    den = as_float_array(den, "den")
    try:
        shape = np.broadcast(num, den).shape
    except ValueError:
        raise ValueError(
            f"den has shape {den.shape}; it must broadcast with num's shape {num.shape}"
        ) from None
    out = np.zeros(shape)
    pos = den > 0
    np.divide(num, den, out=out, where=pos)
    out[~pos & (num > 0)] = np.inf
    return out


def _check_distribution_layers(d: np.ndarray, name: str) -> None:
    """Every layer over the last two axes (s, a) is a distribution."""
    neg = d < -PROB_NEG_TOL
    if neg.any():
        idx = tuple(int(i) for i in np.argwhere(neg)[0])
        raise ValueError(f"{name}{list(idx)} is {d[idx]:.6g}; entries must be >= 0")
    sums = d.sum(axis=(-2, -1))
    bad = np.abs(sums - 1.0) > PROB_SUM_TOL
    if bad.any():
        if sums.ndim == 0:
            raise ValueError(
                f"{name} sums to {float(sums):.6f}; it must be a distribution over (s, a) "
                f"(tolerance {fmt_tol(PROB_SUM_TOL)})"
            )
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        label = ", ".join(map(str, idx))
        raise ValueError(
            f"{name}[{label}, :, :] sums to {sums[idx]:.6f}; each layer must be a distribution "
            f"over (s, a) (tolerance {fmt_tol(PROB_SUM_TOL)})"
        )


def _as_occupancy(x, name: str) -> np.ndarray:
    arr = as_float_array(x, name, ndim=(2, 3))
    _check_distribution_layers(arr, name)
    return arr


def _same_shape(a: np.ndarray, b: np.ndarray, na: str, nb: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{na} has shape {a.shape} but {nb} has shape {b.shape}; they must agree")


def _clip_level(clip, S: int) -> float:
    if clip is None or (isinstance(clip, str) and clip == "1/S"):
        return 1.0 / S
    if isinstance(clip, bool) or not isinstance(clip, numbers.Real):
        raise TypeError(f"clip must be None, '1/S' or a positive number, got {clip!r}")
    c = float(clip)
    if not (c > 0 and np.isfinite(c)):
        raise ValueError(f"clip is {clip}; must be a positive finite number")
    return c


def _max_ratio(num: np.ndarray, den: np.ndarray) -> tuple[float, tuple]:
    ratio = safe_ratio(num, den)
    flat = int(np.argmax(ratio))
    idx = tuple(int(i) for i in np.unravel_index(flat, ratio.shape))
    return float(ratio.reshape(-1)[flat]), idx


def _from_arrays(d_star: np.ndarray, d_b: np.ndarray, clip) -> ConcentrabilityResult:
    level = _clip_level(clip, d_star.shape[-2])
    value, arg = _max_ratio(d_star, d_b)
    cvalue, carg = _max_ratio(np.minimum(d_star, level), d_b)
    return ConcentrabilityResult(
        value=value, clipped_value=cvalue, argmax=arg, clipped_argmax=carg, clip_level=level
    )


# ---------------------------------------------------------------- single policy
def concentrability_from_occupancies(
    d_star: ArrayLike, d_b: ArrayLike, clip: float | str | None = None
) -> ConcentrabilityResult:
    """C* and C*_clipped of a target occupancy against a data distribution.

    C* = max d_star / d_b   ([LSCCW22] Def. 1, eq. (18); episodic Def. 3, eq. (47));
    C*_clipped = max min{d_star, c} / d_b with c = 1/S by default
    ([LSCCW22] Defs. 2 and 4, eqs. (19) and (48); see the module docstring for what
    was checked). The max runs over (s, a), or over (h, s, a) in the episodic case.
    Facts: C* >= 1 (both are distributions), C*_clipped <= C*, C*_clipped >= 1/S.
    With d_b the occupancy of a policy this is also the single-policy concentrability
    of [AFJSX24] Def. 4.4 (max_h || d_h^{pi*} / nu_h ||_inf).

    Parameters
    ----------
    d_star, d_b : arrays (S, A) or (H, S, A) of the same shape; each layer must be a
        distribution over (s, a) (entries >= 0, sum 1 within 1e-9).
    clip : None, '1/S' or a positive float
        Clipping level c for ``clipped_value`` (None and '1/S' mean 1/S, S = d_star.shape[-2]).
    """
    d_star = _as_occupancy(d_star, "d_star")
    d_b = _as_occupancy(d_b, "d_b")
    _same_shape(d_star, d_b, "d_star", "d_b")
    return _from_arrays(d_star, d_b, clip)


def concentrability(
    mdp: FiniteHorizonMDP | DiscountedMDP,
    policy: ArrayLike,
    behavior_policy: ArrayLike,
    *,
    rho_b: ArrayLike | None = None,
    clip: float | str | None = None,
) -> ConcentrabilityResult:
    """Single-policy concentrability of ``policy`` under data from ``behavior_policy``.

    d* is the occupancy of ``policy`` from the model's rho (the test distribution),
    d^b that of ``behavior_policy`` from ``rho_b`` (default: the model's rho)
    ([LSCCW22] Def. 3 allows the two start distributions to differ).
    Finite horizon: occupancies (H, S, A), argmax (h, s, a). Discounted: normalised
    discounted occupancies (S, A), argmax (s, a).

    Returns C* (value), C*_clipped (clipped_value) and their argmax entries; see
    :func:`concentrability_from_occupancies` for the definitions and ``clip``.
    """
    if not isinstance(mdp, (FiniteHorizonMDP, DiscountedMDP)):
        raise TypeError(
            f"concentrability: mdp must be a FiniteHorizonMDP or DiscountedMDP, "
            f"got {type(mdp).__name__}"
        )
    d_star = occupancy_measure(mdp, policy)
    if rho_b is not None:
        rho_b = validate_rho(rho_b, mdp.S)
    d_b = occupancy_measure(mdp, behavior_policy, rho=rho_b)
    return _from_arrays(d_star, d_b, clip)


# ---------------------------------------------------------------- all policies
def concentrability_all_policies(
    mdp: FiniteHorizonMDP,
    mu: ArrayLike,
    policies: Sequence[ArrayLike] | ArrayLike | None = None,
    clip: float | str | None = None,
) -> ConcentrabilityResult:
    """Concentrability of a fixed data distribution mu over a policy class.

    C_conc(mu) = sup_{pi in Pi} max_h || d_h^pi / mu_h ||_inf = max_{h,s,a} M_h(s,a) / mu_h(s,a),
    M_h(s,a) = sup_pi d_h^pi(s,a) ([AFJSX24] Sec. 2). For all policies (``policies=None``)
    M_h(s,a) = reach[h,s]. inf over mu of C_conc(mu) is the coverability C_cov, attained
    at mu* (:func:`mdplab.coverage.coverability`).

    ``mu`` (H, S, A): each layer a distribution over (s, a). ``clipped_value`` is
    max min{M, c}/mu with c = ``clip`` (default 1/S), by analogy with [LSCCW22].
    """
    from .coverability_lp import max_occupancy
    from .reach import _require_fh

    _require_fh(mdp, "concentrability_all_policies")
    mu = as_float_array(mu, "mu", ndim=3)
    if mu.shape != mdp.shape:
        raise ValueError(f"mu has shape {mu.shape}; expected (H, S, A) = {mdp.shape}")
    _check_distribution_layers(mu, "mu")
    M = max_occupancy(mdp, policies)
    return _from_arrays(M, mu, clip)


# ---------------------------------------------------------------- AFJSX24 quantities
def _pair(d_pi, mu) -> tuple[np.ndarray, np.ndarray]:
    d_pi = as_float_array(d_pi, "d_pi", ndim=(2, 3))
    mu = as_float_array(mu, "mu", ndim=(2, 3))
    _same_shape(d_pi, mu, "d_pi", "mu")
    _check_distribution_layers(d_pi, "d_pi")
    _check_distribution_layers(mu, "mu")
    return d_pi, mu


def _out(x: np.ndarray):
    return float(x) if x.ndim == 0 else x


def l2_concentrability_squared(d_pi: ArrayLike, mu: ArrayLike) -> float | np.ndarray:
    """Squared L2 concentrability C^2_{conc,2,h}(pi, mu) = ||d_h^pi / mu_h||^2_{2,mu_h}.

    = sum_z mu(z) (d(z)/mu(z))^2 = E_{z ~ d_h^pi}[d(z)/mu(z)] ([AFJSX24] Sec. 4, before
    Def. 4.2). +inf if d > 0 where mu = 0. Input (S, A) -> float, (H, S, A) -> (H,) array.
    """
    d_pi, mu = _pair(d_pi, mu)
    w = safe_ratio(d_pi, mu)
    terms = np.where(d_pi > 0, d_pi * w, 0.0)
    return _out(terms.sum(axis=(-2, -1)))


def clipped_concentrability_cc(
    d_pi: ArrayLike, mu: ArrayLike, gamma: float
) -> float | np.ndarray:
    """Clipped concentrability CC_h(pi, mu, gamma) of [AFJSX24] Def. 4.2.

    CC_h = || clip_gamma[d_h^pi / mu_h] ||_{1, d_h^pi} = sum_z d(z) min{d(z)/mu(z), gamma},
    with x/0 = +inf clipped to gamma. Nondecreasing in gamma, <= gamma, <= the squared
    L2 concentrability, and equal to it for gamma >= max d/mu. (Not the same object as
    the C*_clipped of [LSCCW22], which clips the target density at 1/S.)

    ``gamma`` > 0. Input (S, A) -> float, (H, S, A) -> (H,) array.
    """
    if isinstance(gamma, bool) or not isinstance(gamma, numbers.Real):
        raise TypeError(f"gamma must be a real number, got {gamma!r}")
    gamma = float(gamma)
    if not gamma > 0:  # also refuses nan; gamma = inf (no clipping) gives the L2 value
        raise ValueError(f"gamma is {gamma}; must be > 0 (inf allowed)")
    d_pi, mu = _pair(d_pi, mu)
    w = np.minimum(safe_ratio(d_pi, mu), gamma)
    return _out((d_pi * w).sum(axis=(-2, -1)))
