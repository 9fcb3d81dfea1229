"""Model-based planning with a generative model: error against the number of samples N.

With N next-state samples per (s, a), plan exactly in the empirical MDP. Theory: both
||Q^_* - Q*||_inf and the suboptimality V* - V^{pi^} decay as N^{-1/2} (up to logs and
horizon factors) -- Azar, Munos & Kappen (2013), "Minimax PAC bounds on the sample
complexity of reinforcement learning with a generative model", Mach. Learn. 91(3);
Agarwal, Kakade & Yang (2020), "Model-based RL with a generative model is minimax optimal",
arXiv 1906.03804, Theorems 1-2. The figure fits the log-log slope with its 99% interval.
"""

from __future__ import annotations

import numpy as np

from mdplab.experiments.params import Param, Values, resolve_params

NAME = "generative_model_rate"
BASE_SEED = 20261121
PARAMS = {"gamma": Param(float, 0.9, "discount factor of every instance", low=0.0,
                         high=0.9999)}
DEFAULTS = resolve_params(PARAMS)
INSTANCES = {
    "riverswim": {"n_states": 6, "variant": "osband"},
    "garnet": {"S": 15, "A": 3, "b": 3, "seed": 0},
    "gridworld": {"rows": 4, "cols": 4, "slip": 0.2},
}


def grid(quick: bool, params: Values = DEFAULTS) -> list[dict]:
    Ns = [16, 64, 256, 1024] if quick else [10, 30, 100, 300, 1000, 3000, 10000]
    return [{"instance": name, "N": N} for name in INSTANCES for N in Ns]


def n_seeds(quick: bool) -> int:
    return 8 if quick else 40


def run_cell(config: dict, seed: int, params: Values = DEFAULTS) -> dict:
    from mdplab import DiscountedMDP, envs
    from mdplab.planning import evaluate_policy, policy_iteration
    from mdplab.sampling import GenerativeModel

    mdp = envs.make(config["instance"], gamma=params.gamma, **INSTANCES[config["instance"]])
    N = int(config["N"])
    nn = GenerativeModel(mdp).counts(N, np.random.default_rng(seed))
    M_hat = DiscountedMDP(nn / N, mdp.r, mdp.gamma, rho=mdp.rho)
    star, hat = policy_iteration(mdp), policy_iteration(M_hat)
    V_pi_hat = evaluate_policy(mdp, hat.policy).V
    return {
        "q_error": float(np.max(np.abs(hat.Q - star.Q))),
        "suboptimality": float(np.max(star.V - V_pi_hat)),
    }


def plot(table: list[dict], params: Values = DEFAULTS):
    from mdplab.plotting import (
        legend_below,
        new_figure,
        rate_curve,
        reference_slope,
        style,
        suptitle,
    )

    with style():
        fig, (ax_q, ax_s) = new_figure(2, "full", height=3.0)
        for name in INSTANCES:
            rows = [r for r in table if r["instance"] == name]
            Ns = sorted({r["N"] for r in rows})
            for ax, key in ((ax_q, "q_error"), (ax_s, "suboptimality")):
                Y = [[r[key] for r in rows if r["N"] == N] for N in Ns]
                width = min(len(y) for y in Y)
                Y = [y[:width] for y in Y]
                if key == "q_error":
                    rate_curve(ax, Ns, Y, name)
                else:  # often exactly 0 (the plug-in policy is optimal): mean, no fitted slope
                    rate_curve(ax, Ns, Y, name, center="mean", fit=False, zero_below=1e-12)
        Ns = sorted({r["N"] for r in table})
        first = np.median([r["q_error"] for r in table if r["N"] == Ns[0]])
        reference_slope(ax_q, Ns, -0.5, first)
        ax_q.set(xlabel=r"samples per $(s, a)$, $N$",
                 ylabel=r"$\|\hat Q^\star - Q^\star\|_\infty$",
                 title=r"(a) optimal $Q$ of the empirical MDP")
        ax_s.set(xlabel=r"samples per $(s, a)$, $N$",
                 ylabel=r"mean of $\mathrm{max}_s\,[V^\star(s) - V^{\hat\pi}(s)]$",
                 title="(b) plug-in policy suboptimality (mean)")
        for ax in (ax_q, ax_s):
            ax.grid(True, which="both")
            legend_below(ax, ncols=1)
        suptitle(fig, f"Generative model, $\\gamma = {params.gamma:g}$: median over seeds, "
                      "25\N{EN DASH}75% band, slope with 99% interval")
    return fig
