"""Coverage in linear MDPs: feature coverage and the relative condition number.

Sigma_h(mu) := E_{(s,a) ~ mu_h}[phi_h(s,a) phi_h(s,a)^T], a (d, d) PSD matrix per step.

- Feature coverage: min_h lambda_min(Sigma_h(mu)), the "well-explored data" quantity
  of offline linear RL analyses (e.g. Jin, Yang, Wang 2021, arXiv 2012.15085, where
  a lower bound on the smallest eigenvalue of the data covariance gives the
  uniform-coverage corollary of PEVI; numbering not re-checked).
- Relative condition number of a target policy pi against the data:
  kappa = max_h sup_x (x^T Sigma_h(d^pi) x) / (x^T Sigma_h(mu) x),
  the linear analogue of single-policy concentrability (for one-hot features it is
  exactly C* = max d^pi/mu). This form appears in Uehara and Sun 2021 (arXiv
  2107.06226) and Xie, Cheng, Jiang, Mineiro, Agarwal 2021 (arXiv 2106.06926);
  Zanette, Wainwright, Brunskill 2021 (arXiv 2108.08812) state their bound with the
  related quantity sum_h ||E_pi phi_h||_{Sigma_h^{-1}}. Only the abstracts of these
  papers were available for checking; the definition here is the standard one and
  the properties tested (kappa = 1 for target = data, kappa = C* for one-hot
  features) follow from it directly.

Convention: kappa = +inf when Sigma_h(mu) is singular on a direction where
Sigma_h(d^pi) is not (0/0 = 0 as elsewhere in mdplab.coverage).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .._validation import as_float_array
from ..models.linear import LinearMDP
from ..planning._checks import check_real
from ..planning.finite_horizon import occupancy_measure
from ..planning.results import compact_repr
from .density_ratios import _check_distribution_layers

#: Relative eigenvalue threshold below which a direction of Sigma(mu) counts as uncovered.
RCOND = 1e-12


@dataclass(frozen=True, repr=False)
class FeatureCoverageResult:
    """Feature coverage of a data distribution.

    Attributes
    ----------
    value : float
        min_h lambda_min(Sigma_h).
    per_layer : (H,) array
        lambda_min(Sigma_h).
    covariance : (H, d, d) array
        Sigma_h = sum_{s,a} mu_h(s,a) phi_h(s,a) phi_h(s,a)^T.
    """

    value: float
    per_layer: np.ndarray
    covariance: np.ndarray

    __repr__ = compact_repr


@dataclass(frozen=True, repr=False)
class RelativeConditionResult:
    """Relative condition number of a target against data.

    Attributes
    ----------
    value : float
        max_h kappa_h (+inf when some target direction is uncovered).
    per_layer : (H,) array
        kappa_h = sup_x x^T Sigma_h^pi x / x^T Sigma_h^mu x.
    """

    value: float
    per_layer: np.ndarray

    __repr__ = compact_repr


def _require_linear(lmdp, fn: str) -> None:
    if not isinstance(lmdp, LinearMDP):
        raise TypeError(f"{fn}: lmdp must be a LinearMDP, got {type(lmdp).__name__}")


def _as_layer_distribution(lmdp: LinearMDP, mu, name: str) -> np.ndarray:
    mu = as_float_array(mu, name, ndim=3)
    shape = (lmdp.H, lmdp.S, lmdp.A)
    if mu.shape != shape:
        raise ValueError(f"{name} has shape {mu.shape}; expected (H, S, A) = {shape}")
    _check_distribution_layers(mu, name)
    return mu


def feature_covariance(lmdp: LinearMDP, mu: ArrayLike) -> np.ndarray:
    """Sigma_h = sum_{s,a} mu[h,s,a] phi_h(s,a) phi_h(s,a)^T, shape (H, d, d).

    ``mu`` (H, S, A): each layer a distribution over (s, a) (a data distribution or
    the occupancy measure of a behaviour policy).
    """
    _require_linear(lmdp, "feature_covariance")
    mu = _as_layer_distribution(lmdp, mu, "mu")
    return _covariance(lmdp, mu)


def _covariance(lmdp: LinearMDP, mu: np.ndarray) -> np.ndarray:
    out = np.empty((lmdp.H, lmdp.d, lmdp.d))
    for h in range(lmdp.H):
        phi = lmdp.features(h).reshape(lmdp.S * lmdp.A, lmdp.d)
        out[h] = (phi * mu[h].reshape(-1, 1)).T @ phi
        out[h] = 0.5 * (out[h] + out[h].T)
    return out


def feature_coverage(lmdp: LinearMDP, mu: ArrayLike) -> FeatureCoverageResult:
    """min_h lambda_min(E_{mu_h}[phi phi^T]) with per-layer values and the covariances.

    For one-hot features phi(s,a) = e_{(s,a)} the covariance is diag(mu_h) and the
    coverage is min_{h,s,a} mu_h(s,a). Units: those of phi squared.
    """
    Sig = feature_covariance(lmdp, mu)
    lam = np.array([np.linalg.eigvalsh(Sig[h])[0] for h in range(lmdp.H)])
    return FeatureCoverageResult(value=float(lam.min()), per_layer=lam, covariance=Sig)


def feature_coverage_of_policy(
    lmdp: LinearMDP, behavior_policy: ArrayLike, rho: ArrayLike | None = None
) -> FeatureCoverageResult:
    """:func:`feature_coverage` of the occupancy measure of ``behavior_policy``.

    The occupancy is computed exactly on ``lmdp.to_tabular()`` from ``rho``
    (default: the model's initial distribution).
    """
    _require_linear(lmdp, "feature_coverage_of_policy")
    d = occupancy_measure(lmdp.to_tabular(), behavior_policy, rho=rho)
    return feature_coverage(lmdp, d)


def relative_condition_from_covariances(
    sigma_target: ArrayLike, sigma_data: ArrayLike, rcond: float = RCOND
) -> float:
    """sup_x (x^T T x) / (x^T D x) for symmetric PSD (d, d) matrices T, D.

    The largest generalised eigenvalue of (T, D) restricted to range(D), or +inf if T
    is nonzero on null(D). Eigenvalues of D at most ``rcond`` * lambda_max(D) count as
    zero, and T is "nonzero" on null(D) when lambda_max(N^T T N) > ``rcond`` *
    lambda_max(T) (N an orthonormal basis of null(D)). T = D = 0 gives 0 (0/0 = 0).
    """
    rcond = check_real(rcond, "rcond", 0.0, 1.0)
    T = as_float_array(sigma_target, "sigma_target", ndim=2)
    D = as_float_array(sigma_data, "sigma_data", ndim=2)
    if T.shape != D.shape or T.shape[0] != T.shape[1]:
        raise ValueError(
            f"sigma_target has shape {T.shape} and sigma_data {D.shape}; need equal square shapes"
        )
    T = 0.5 * (T + T.T)
    D = 0.5 * (D + D.T)
    t_max = float(np.linalg.eigvalsh(T)[-1]) if T.size else 0.0
    lam, U = np.linalg.eigh(D)
    d_max = float(lam[-1]) if lam.size else 0.0
    keep = lam > rcond * d_max if d_max > 0 else np.zeros(lam.shape, dtype=bool)
    N = U[:, ~keep]
    if N.shape[1] > 0 and t_max > 0:
        leak = float(np.linalg.eigvalsh(N.T @ T @ N)[-1])
        if leak > rcond * t_max:
            return float("inf")
    if not keep.any():
        return 0.0
    R = U[:, keep] / np.sqrt(lam[keep])
    return max(0.0, float(np.linalg.eigvalsh(R.T @ T @ R)[-1]))


def relative_condition_number(
    lmdp: LinearMDP,
    target_policy: ArrayLike,
    mu: ArrayLike | None = None,
    *,
    behavior_policy: ArrayLike | None = None,
    rho_b: ArrayLike | None = None,
) -> RelativeConditionResult:
    """max_h sup_x x^T Sigma_h(d^pi) x / x^T Sigma_h(mu) x for a target policy.

    The target occupancy d^pi starts from the model's rho. The data are either ``mu``
    (H, S, A), each layer a distribution over (s, a), or the occupancy of
    ``behavior_policy`` started from ``rho_b`` (default: the model's rho); give
    exactly one. Equals 1 when the data are the target's own occupancy (and the
    features are not all zero), and equals C* = max d^pi/mu for one-hot features.
    """
    _require_linear(lmdp, "relative_condition_number")
    if (mu is None) == (behavior_policy is None):
        raise ValueError("give exactly one of mu and behavior_policy")
    tab = lmdp.to_tabular()
    d_pi = occupancy_measure(tab, target_policy)
    if mu is None:
        mu = occupancy_measure(tab, behavior_policy, rho=rho_b)
    else:
        mu = _as_layer_distribution(lmdp, mu, "mu")
    St = _covariance(lmdp, d_pi)
    Sm = _covariance(lmdp, mu)
    kap = np.array([relative_condition_from_covariances(St[h], Sm[h]) for h in range(lmdp.H)])
    return RelativeConditionResult(value=float(kap.max()), per_layer=kap)
