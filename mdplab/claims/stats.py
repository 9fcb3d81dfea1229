"""Statistics for checking claims: binomial tests on failure frequencies, fitted slopes.

Every test here is stated with its false-alarm probability: the chance that a *true*
claim is reported as failing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats


@dataclass(frozen=True)
class BinomialCheck:
    """One-sided test of H0: P(violation) <= delta, from ``failures`` out of ``trials``.

    ``p_value`` = P(Binomial(trials, delta) >= failures). The claim is rejected when
    ``p_value < alpha``, so a true claim is rejected with probability at most ``alpha``.
    ``interval`` is the Clopper-Pearson two-sided (1 - alpha) interval for the rate.
    """

    failures: int
    trials: int
    delta: float
    alpha: float
    p_value: float
    interval: tuple[float, float]

    @property
    def rate(self) -> float:
        return self.failures / self.trials

    @property
    def passed(self) -> bool:
        return self.p_value >= self.alpha


def binomial_check(failures: int, trials: int, delta: float, alpha: float = 1e-4) -> BinomialCheck:
    """Test an observed violation count against an allowed probability ``delta``."""
    if trials < 1:
        raise ValueError(f"trials is {trials}; must be >= 1")
    if not 0 <= failures <= trials:
        raise ValueError(f"failures is {failures}; must lie in [0, trials = {trials}]")
    if not 0 < delta < 1 or not 0 < alpha < 1:
        raise ValueError(f"delta = {delta} and alpha = {alpha} must lie in (0, 1)")
    p = float(stats.binom.sf(failures - 1, trials, delta))
    ci = stats.binomtest(failures, trials).proportion_ci(1 - alpha, method="exact")
    return BinomialCheck(failures, trials, delta, alpha, p, (float(ci.low), float(ci.high)))


@dataclass(frozen=True)
class SlopeFit:
    """Least-squares fit log y = intercept + slope log x, with a (1 - alpha) t-interval."""

    slope: float
    intercept: float
    interval: tuple[float, float]
    alpha: float

    def contains(self, value: float) -> bool:
        return self.interval[0] <= value <= self.interval[1]


def loglog_slope(x: ArrayLike, y: ArrayLike, alpha: float = 0.01) -> SlopeFit:
    """Slope of log y against log x and its two-sided (1 - alpha) confidence interval.

    Needs at least three points with x, y > 0 (the interval has n - 2 degrees of freedom).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or x.size < 3:
        raise ValueError(f"need two 1-d arrays of equal length >= 3, got {x.shape}, {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("log-log fit needs x > 0 and y > 0")
    res = stats.linregress(np.log(x), np.log(y))
    t = stats.t.ppf(1 - alpha / 2, x.size - 2)
    half = t * res.stderr
    return SlopeFit(float(res.slope), float(res.intercept),
                    (float(res.slope - half), float(res.slope + half)), alpha)
