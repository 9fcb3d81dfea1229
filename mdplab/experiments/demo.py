"""A tiny experiment: the template for new ones, and the runner's test subject.

Each cell estimates a Bernoulli mean from ``n`` draws and records the estimate and its error,
so the table shows the 1/sqrt(n) rate; a cell can be asked to sleep (to give a sweep a
duration worth interrupting) or to raise (to exercise the failure path). It lives in the
library, not in ``experiments/``, so ``mdplab figs`` does not run it and Dask workers can
import it wherever mdplab is installed.
"""

from __future__ import annotations

import time

import numpy as np

NAME = "demo_bernoulli_mean"
BASE_SEED = 20261121


def grid(quick: bool) -> list[dict]:
    """Configurations: the number of draws ``n`` and the true mean ``p``."""
    ns = (10, 100, 1000) if quick else (10, 30, 100, 300, 1000, 3000, 10000)
    return [{"p": p, "n": n} for p in (0.1, 0.5) for n in ns]


def n_seeds(quick: bool) -> int:
    return 4 if quick else 32


def run_cell(config: dict, seed: int) -> dict:
    """Config keys: ``p``, ``n``; optional ``sleep`` (seconds) and ``fail`` (bool: raise)."""
    if config.get("fail"):
        raise RuntimeError(f"planted failure in cell {config}")
    if config.get("sleep"):
        time.sleep(float(config["sleep"]))
    rng = np.random.default_rng(seed)
    estimate = float(rng.binomial(int(config["n"]), float(config["p"])) / int(config["n"]))
    return {"estimate": estimate, "abs_error": abs(estimate - float(config["p"]))}


def plot(table: list[dict]):
    """abs_error against n on log-log axes, one curve per p, with its fitted slope."""
    from ..plotting import new_figure, rate_curve, reference_slope

    fig, (ax,) = new_figure()
    for p in sorted({row["p"] for row in table}):
        rows = [r for r in table if r["p"] == p]
        ns = sorted({r["n"] for r in rows})
        errors = [[r["abs_error"] for r in rows if r["n"] == n] for n in ns]
        width = min(len(e) for e in errors)
        rate_curve(ax, ns, [e[:width] for e in errors], f"p = {p}")
    ns = sorted({r["n"] for r in table})
    reference_slope(ax, ns, -0.5, 0.5 / np.sqrt(ns[0]))
    ax.set(xlabel="number of draws n", ylabel="|p_hat - p| (probability)")
    ax.legend(fontsize=7)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig
