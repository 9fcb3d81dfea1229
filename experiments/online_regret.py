"""Online exploration: exact cumulative regret against K for UCBVI-CH, UCBVI-BF and LSVI-UCB,
with fitted slopes, and how loose the regret theorems are (regret / bound against K).

Instances: RiverSwim (S = 6, A = 2), a 4 x 4 gridworld (S = 16, A = 4), both with H = 10, and
a random linear MDP (S = 10, A = 3, d = 4, H = 10) made stationary (the step-0 measures and
reward parameters of ``random_linear`` at every step, so that UCBVI, which assumes a
stationary kernel, runs on its exact tabular form). LSVI-UCB runs on the tabular instances
through their one-hot features (d = S A, Jin et al. 2020, Example 2.1).

Sources: Azar, Osband & Munos (2017), "Minimax Regret Bounds for Reinforcement Learning",
arXiv:1703.05449, Algorithms 3-4 and Theorems 1-2 (UCBVI-CH / -BF); Jin, Yang, Wang & Jordan
(2020), "Provably Efficient Reinforcement Learning with Linear Function Approximation",
arXiv:1907.05388, Algorithm 1 and Theorem 3.1 (LSVI-UCB). The regret of every episode is exact,
V*_0(rho) - V^{pi_k}_0(rho), from the known model (:mod:`mdplab.algorithms.online.protocol`).

With the papers' constants both algorithms explore almost uniformly at these sizes (their
bonuses exceed H until tens of thousands of visits: Azar et al. 2017's 7 H L / sqrt(n) is
about 338 / sqrt(n) here), so the curves use the scaled constants of the spec's regret-growth claims
(``bonus_scale`` = 0.05 for UCBVI, ``c_beta`` = 0.1 for LSVI-UCB); the bound panels use the
theorems' printed constants (LSVI-UCB's hidden C set to 1), so they show how far a measured
regret is below a bound that holds.
"""

from __future__ import annotations

import numpy as np

from mdplab.experiments.params import Param, Values, resolve_params

NAME = "online_regret"
BASE_SEED = 20170314
PARAMS = {
    "bonus_scale": Param(float, 0.05, "UCBVI bonus multiplier (1 = the paper's)", low=0.0,
                         high=10.0),
    "c_beta": Param(float, 0.1, "LSVI-UCB bonus constant c in beta = c d H sqrt(iota)",
                    low=0.0, high=100.0),
    "delta": Param(float, 0.1, "UCBVI failure probability", low=1e-9, high=0.999),
    "p": Param(float, 0.05, "LSVI-UCB failure probability", low=1e-9, high=0.999),
    "H": Param(int, 10, "horizon of every instance", low=1, high=100),
}
DEFAULTS = resolve_params(PARAMS)
INSTANCES = ("riverswim", "gridworld", "random_linear")
ALGORITHMS = ("ucbvi-ch", "ucbvi-bf", "lsvi-ucb")
LABELS = {"ucbvi-ch": "UCBVI-CH", "ucbvi-bf": "UCBVI-BF", "lsvi-ucb": "LSVI-UCB"}
TITLES = {"riverswim": "RiverSwim ($S = 6$, $A = 2$)",
          "gridworld": r"gridworld $4 \times 4$ ($S = 16$, $A = 4$)",
          "random_linear": "random linear ($S = 10$, $A = 3$, $d = 4$)"}


def checkpoints(K: int) -> np.ndarray:
    """The episode counts at which the cumulative regret is recorded: 10 points, log-spaced
    from K / 32 to K."""
    return np.unique(np.round(np.geomspace(K / 32, K, 10)).astype(np.int64))


def grid(quick: bool, params: Values = DEFAULTS) -> list[dict]:
    K = 400 if quick else 5000
    return [{"instance": name, "algorithm": alg, "K": K}
            for name in INSTANCES for alg in ALGORITHMS]


def n_seeds(quick: bool) -> int:
    return 3 if quick else 8


def instance(name: str, H: int):
    """The model of ``name`` (see the module docstring), a FiniteHorizonMDP or LinearMDP."""
    from mdplab import LinearMDP, envs

    if name == "random_linear":
        m = envs.make("random_linear", S=10, A=3, d=4, H=H, seed=0)
        return LinearMDP(m.phi, m.mu[0], m.theta[0], H=H, rho=m.rho)
    if name == "gridworld":
        return envs.make("gridworld", H=H, rows=4, cols=4)
    return envs.make(name, H=H)


def stationary_tabular(model):
    """The exact tabular form of ``model`` with a stationary (S, A, S) kernel, for UCBVI (a
    LinearMDP with step-independent phi, mu and theta has the same kernel at every step)."""
    from mdplab import FiniteHorizonMDP, LinearMDP

    if not isinstance(model, LinearMDP):
        return model
    tab = model.to_tabular()
    P, r = np.asarray(tab.P), np.asarray(tab.r)
    if not (np.array_equal(P, np.broadcast_to(P[0], P.shape))
            and np.array_equal(r, np.broadcast_to(r[0], r.shape))):
        raise ValueError("the linear instance is not stationary; UCBVI needs P[h] = P[0]")
    return FiniteHorizonMDP(P[0], r[0], H=tab.H, rho=tab.rho, reward_dist=tab.reward_dist)


def run_cell(config: dict, seed: int, params: Values = DEFAULTS) -> dict:
    from mdplab import LinearMDP
    from mdplab.algorithms.online import (
        lsvi_ucb,
        lsvi_ucb_regret_bound,
        ucbvi,
        ucbvi_bf_regret_bound,
        ucbvi_ch_regret_bound,
    )

    model = instance(config["instance"], params.H)
    K, alg = int(config["K"]), config["algorithm"]
    ks = checkpoints(K)
    if alg == "lsvi-ucb":
        res = lsvi_ucb(model, K, c_beta=params.c_beta, p=params.p, rng=seed)
        d = model.d if isinstance(model, LinearMDP) else model.S * model.A
        bounds = [float(lsvi_ucb_regret_bound(d, params.H, int(k), params.p)) for k in ks]
    else:
        tabular = stationary_tabular(model)
        res = ucbvi(tabular, K, bonus=alg.split("-")[1], delta=params.delta,
                    bonus_scale=params.bonus_scale, rng=seed)
        theorem = ucbvi_ch_regret_bound if alg == "ucbvi-ch" else ucbvi_bf_regret_bound
        bounds = [float(theorem(tabular.S, tabular.A, params.H, int(k), params.delta))
                  for k in ks]
    cumulative = res.cumulative_regret[ks - 1]
    return {"total_regret": float(res.regret.sum()), "final_regret": float(res.regret[-1]),
            "K_checkpoints": ks.tolist(), "cumulative_regret": cumulative.tolist(),
            "bound": bounds}


def plot(table: list[dict], params: Values = DEFAULTS):
    """Row 1: cumulative exact regret against K (median over seeds, band, fitted slope);
    row 2: regret / bound against K, one curve per algorithm, on the same instances."""
    from matplotlib.ticker import NullFormatter

    from mdplab.plotting import legend_below, new_figure, rate_curve, style, suptitle

    colors = {"ucbvi-ch": "C0", "ucbvi-bf": "C1", "lsvi-ucb": "C2"}
    with style():
        fig, axes = new_figure(6, "full", height=6.0)
        for col, name in enumerate(INSTANCES):
            top, bottom = axes[col], axes[3 + col]
            for alg in ALGORITHMS:
                rows = [r for r in table if r["instance"] == name and r["algorithm"] == alg]
                if not rows:
                    continue
                ks = np.asarray(rows[0]["K_checkpoints"], dtype=float)
                regret = np.array([r["cumulative_regret"] for r in rows]).T  # (points, seeds)
                ratio = regret / np.array([r["bound"] for r in rows]).T
                fit_from = len(ks) // 2  # the slope of the later half (after the burn-in)
                fit = rate_curve(top, ks[fit_from:], regret[fit_from:], LABELS[alg],
                                 color=colors[alg])
                top.loglog(ks[:fit_from + 1], np.median(regret[:fit_from + 1], axis=1), "o:",
                           color=colors[alg], ms=2.5, lw=0.8)
                bottom.loglog(ks, np.median(ratio, axis=1), "o-", color=colors[alg], ms=2.5)
                del fit
            for ax in (top, bottom):  # log-spaced K: major decades only, no crowded minor labels
                ax.xaxis.set_minor_formatter(NullFormatter())
            top.set_title(TITLES[name])
            top.set_xlabel("episodes $K$")
            bottom.set_xlabel("episodes $K$")
        axes[0].set_ylabel(r"$\sum_{k<K} V^\star_0(\rho) - V^{\pi_k}_0(\rho)$")
        axes[3].set_ylabel("regret / theorem bound\n(colours as above)")
        for ax in axes[:3]:
            legend_below(ax, ncols=1)
        suptitle(fig, f"Exact regret, $H = {params.H}$; UCBVI bonus $\\times {params.bonus_scale}$"
                 f" ($\\delta = {params.delta}$), LSVI-UCB $c_\\beta = {params.c_beta}$ "
                 f"($p = {params.p}$); bounds: Thm 1-2 of AOM17, Thm 3.1 of JYWJ20 with $C = 1$; "
                 "median over seeds, slopes over the later half with 99% interval")
    return fig
