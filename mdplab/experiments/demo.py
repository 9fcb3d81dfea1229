"""A tiny experiment: the template for new ones, and the runner's test subject.

Each cell estimates a Bernoulli mean from ``n`` draws and records the estimate, its error and
whether Hoeffding's interval covers the truth, so the table shows the 1/sqrt(n) rate; a cell
can be asked to sleep (to give a sweep a duration worth interrupting) or to raise (to exercise
the failure path). It lives in the library, not in ``experiments/``, so ``mdplab figs`` does
not run it and Dask workers can import it wherever mdplab is installed.

The shape of an experiment (see :mod:`mdplab.experiments.runner`):

- ``NAME``, ``BASE_SEED``;
- ``PARAMS``: the tunable constants, typed, with defaults and help
  (``mdplab run demo_bernoulli_mean --set delta=0.01``); ``DEFAULTS`` their default values;
- ``grid(quick, params)``, ``n_seeds(quick)``, ``run_cell(config, seed, params)``,
  ``plot(table, params)``: every hook that depends on a constant receives it in ``params``,
  and the figure's title and legends are built from ``params`` (never typed in by hand).

Source of the bound: W. Hoeffding (1963), "Probability inequalities for sums of bounded random
variables", J. Amer. Statist. Assoc. 58(301), Theorem 2: ``P(|p_hat - p| >= t) <= 2 exp(-2 n t^2)``.
"""

from __future__ import annotations

import time

import numpy as np

from .params import Param, Values, resolve_params

NAME = "demo_bernoulli_mean"
BASE_SEED = 20261121
PARAMS = {
    "delta": Param(float, 0.05, "failure probability of Hoeffding's interval", low=1e-12,
                   high=1.0),
    "n_max": Param(int, 10000, "largest number of draws in the full grid", low=10,
                   high=10**8),
}
DEFAULTS = resolve_params(PARAMS)


def hoeffding_width(n, delta: float):
    """Half-width sqrt(log(2/delta) / (2 n)) of Hoeffding's (1 - delta) interval."""
    return np.sqrt(np.log(2.0 / delta) / (2.0 * np.asarray(n, dtype=float)))


def grid(quick: bool, params: Values = DEFAULTS) -> list[dict]:
    """Configurations: the number of draws ``n`` and the true mean ``p``."""
    ns = (10, 100, 1000) if quick else tuple(
        n for n in (10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000) if n <= params.n_max)
    return [{"p": p, "n": n} for p in (0.1, 0.5) for n in ns]


def n_seeds(quick: bool) -> int:
    return 4 if quick else 32


def run_cell(config: dict, seed: int, params: Values = DEFAULTS) -> dict:
    """Config keys: ``p``, ``n``; optional ``sleep`` (seconds) and ``fail`` (bool: raise)."""
    if config.get("fail"):
        raise RuntimeError(f"planted failure in cell {config}")
    if config.get("sleep"):
        time.sleep(float(config["sleep"]))
    rng = np.random.default_rng(seed)
    n, p = int(config["n"]), float(config["p"])
    estimate = float(rng.binomial(n, p) / n)
    error = abs(estimate - p)
    return {"estimate": estimate, "abs_error": error,
            "covered": bool(error <= hoeffding_width(n, params.delta))}


def plot(table: list[dict], params: Values = DEFAULTS):
    """abs_error against n on log-log axes, one curve per p, with its fitted slope, the
    Hoeffding half-width at the ``delta`` used, and the trivial bound 1 -- in the house style
    (:mod:`mdplab.plotting`: single column, mathtext labels, the legend below the panel)."""
    from ..plotting import (
        legend_below,
        new_figure,
        rate_curve,
        reference_slope,
        style,
        trivial_bound,
    )

    with style():
        fig, (ax,) = new_figure(1, "column", height=3.4)
        for p in sorted({row["p"] for row in table}):
            rows = [r for r in table if r["p"] == p]
            ns = sorted({r["n"] for r in rows})
            errors = [[r["abs_error"] for r in rows if r["n"] == n] for n in ns]
            width = min(len(e) for e in errors)
            cover = np.mean([r["covered"] for r in rows])
            rate_curve(ax, ns, [e[:width] for e in errors],
                       f"$p = {p}$ (covered {100 * cover:.0f}%)")
        ns = sorted({r["n"] for r in table})
        reference_slope(ax, ns, -0.5, 0.5 / np.sqrt(ns[0]))
        ax.loglog(ns, hoeffding_width(ns, params.delta), "k:", lw=1,
                  label=f"Hoeffding half-width, $\\delta = {params.delta:g}$")
        trivial_bound(ax, 1.0, r"trivial bound $|\hat p - p| \leq 1$")
        ax.set(xlabel="number of draws $n$", ylabel=r"$|\hat p - p|$",
               title=f"Bernoulli mean, $\\delta = {params.delta:g}$")
        ax.grid(True, which="both")
        legend_below(ax, ncols=1)
    return fig
