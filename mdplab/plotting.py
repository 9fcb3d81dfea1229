"""One plotting style for every figure: labelled axes, log-log rates with fitted slopes and
their intervals in the legend, bands over seeds."""

from __future__ import annotations

from typing import Any

import numpy as np

from .claims.stats import SlopeFit, loglog_slope


def new_figure(ncols: int = 1, width: float = 4.2, height: float = 3.4):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), squeeze=False)
    return fig, axes[0]


def rate_curve(ax, x, y_by_seed, label: str, color=None, alpha: float = 0.01,
               band=(25, 75), center: str = "median", fit: bool = True,
               zero_below: float = 0.0) -> SlopeFit | None:
    """Median (or mean) over seeds against x on log-log axes, a percentile band, and the
    fitted slope.

    ``y_by_seed`` is (len(x), n_seeds); values below ``zero_below`` count as exact zeros
    (round-off). The slope is fitted to the centre line (points with a positive centre
    only) when ``fit``; its (1 - alpha) interval is shown in the legend.
    """
    x = np.asarray(x, dtype=float)
    Y = np.asarray(y_by_seed, dtype=float)
    Y = np.where(Y < zero_below, 0.0, Y)
    if center not in ("median", "mean"):
        raise ValueError(f"center is {center!r}; must be 'median' or 'mean'")
    med = np.median(Y, axis=1) if center == "median" else Y.mean(axis=1)
    lo, hi = np.percentile(Y, band, axis=1)
    keep = med > 0
    fit = loglog_slope(x[keep], med[keep], alpha=alpha) if fit and keep.sum() >= 3 else None
    text = label if fit is None else (
        f"{label}: slope {fit.slope:.2f} [{fit.interval[0]:.2f}, {fit.interval[1]:.2f}]")
    if not keep.any():  # nothing positive to draw on log axes: say so in the legend
        ax.plot([], [], "o", color=color, label=f"{label}: 0 at every x")
        return None
    line, = ax.loglog(x[keep], med[keep], "o-", color=color, label=text, ms=4)
    # a band reaching 0 cannot be drawn on log axes; it is cut at a tenth of the centre
    lower = np.maximum(lo[keep], med[keep] / 10)
    ax.fill_between(x[keep], lower, np.maximum(hi[keep], lower), color=line.get_color(),
                    alpha=0.2, lw=0)
    return fit


def reference_slope(ax, x, slope: float, anchor_y: float, label: str | None = None) -> None:
    """A dashed line of the given slope through (x[0], anchor_y)."""
    x = np.asarray(x, dtype=float)
    ax.loglog(x, anchor_y * (x / x[0]) ** slope, "k--", lw=1,
              label=label or f"slope {slope:g} (theory)")


def trivial_bound(ax: Any, value: float, label: str | None = None) -> None:
    """The trivial bound (H - h in finite horizon, 1/(1 - gamma) discounted, 1 for bandits) as
    a grey horizontal line: a drawn bound above it says nothing (it is vacuous)."""
    ax.axhline(float(value), color="0.45", lw=1.0, ls="-.",
               label=label or f"trivial bound {float(value):g}")
