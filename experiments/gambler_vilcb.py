"""Fig. 2 of Li, Shi, Chen, Chi & Wei (2022): VI-LCB against plain VI on the gambler's problem.

Source: G. Li, L. Shi, Y. Chen, Y. Chi, Y. Wei (2022), *Settling the Sample Complexity of
Model-Based Offline Reinforcement Learning*, arXiv 2204.05275, Sec. 4, Fig. 2, and the
authors' notebook (github.com/Laixishi/Model-based-VI-LCB, gambler-offline-model-based.ipynb).
Setup (the paper's Sec. 4 text, checked against the notebook): capitals 0..goal = 50,
p_head = 0.45, H = 100, N coin flips at every (h, s, stake) (D-gen), VI-LCB = Algorithm 2 with
c_b = 0.05 (log folded in, cap H - h), VI = value iteration on the same empirical model; the gap
V*_0 - V^pi_hat_0 is exact, rho uniform over the capitals. All four constants are parameters
(``PARAMS``; ``mdplab run gambler_vilcb --set c_b=0.5``); the figure's title and legends print
the values used, and the stored notebook means are drawn only when the instance is the paper's.

Each cell runs both algorithms on the same seed (the same data in the clean version), in the
'faithful' version (the notebook's quirks, :func:`mdplab.algorithms.offline.gambler_run`) or the
'clean' one. Panels: (a) per-state gap at N = 50, mean +- std over seeds; (b) mean +- std of the
rho-averaged gap against N = floor(e^x), x = 4..10 step 0.5; (c) the VI-LCB means on log-log
axes with fitted slopes (99% interval); the stored notebook means (10 seeds) are drawn as
black crosses in (b) and (c).

Tables: ``gambler_vilcb.csv`` holds the scalar results (``gap_vilcb``, ``gap_vi``: the
rho-averaged gaps); at N = 50 the per-state gaps ``state_gap_vilcb`` and ``state_gap_vi`` (one
value per capital) are in ``gambler_vilcb.long.csv``, one row per (cell, quantity, capital).
"""

from __future__ import annotations

import numpy as np

from mdplab.experiments.params import Param, Values, resolve_params

NAME = "gambler_vilcb"
BASE_SEED = 20220411
VERSIONS = ("faithful", "clean")
PARAMS = {
    "c_b": Param(float, 0.05, "VI-LCB penalty constant (Algorithm 2, log folded in)", low=0.0,
                 high=1e6),
    "p_head": Param(float, 0.45, "probability that the coin lands heads", low=0.0, high=1.0),
    "H": Param(int, 100, "horizon (number of bets)", low=1, high=10_000),
    "goal": Param(int, 50, "the capital that wins (states 0..goal)", low=2, high=1_000),
}
DEFAULTS = resolve_params(PARAMS)
#: the instance of the paper's notebook, whose stored means are drawn for comparison
PAPER = {"p_head": 0.45, "H": 100, "goal": 50, "c_b": 0.05}


def grid(quick: bool, params: Values = DEFAULTS) -> list[dict]:
    from mdplab.envs.offline_gambler import FIG2_N

    Ns = [50, 54, 403, 2980, 22026] if quick else [50] + FIG2_N
    return [{"N": N, "version": v} for v in VERSIONS for N in Ns]


def n_seeds(quick: bool) -> int:
    return 3 if quick else 30


def run_cell(config: dict, seed: int, params: Values = DEFAULTS) -> dict:
    """``gap_vilcb``, ``gap_vi`` (rho-averaged gaps) and, at N = 50, the per-state gaps
    ``state_gap_vilcb``, ``state_gap_vi`` (arrays over the capitals 0..goal)."""
    from mdplab.algorithms.offline import gambler_run
    from mdplab.envs.offline_gambler import gambler_instance

    inst = gambler_instance(p_head=params.p_head, goal=params.goal, H=params.H)
    faithful = config["version"] == "faithful"
    N = int(config["N"])
    out = {}
    for alg, key in (("vi-lcb", "vilcb"), ("vi", "vi")):
        run = gambler_run(N, algorithm=alg, c_b=params.c_b, faithful_notebook=faithful,
                          rng=seed, instance=inst)
        out[f"gap_{key}"] = float(run.gap_rho)
        if N == 50:
            out[f"state_gap_{key}"] = np.asarray(run.gap, dtype=float)
    return out


def _by_N(table, version, key):
    rows = [r for r in table if r["version"] == version and r["N"] != 50]
    Ns = sorted({r["N"] for r in rows})
    Y = [[r[key] for r in rows if r["N"] == N] for N in Ns]
    width = min((len(y) for y in Y), default=0)
    return np.array(Ns), np.array([y[:width] for y in Y])


def _paper_instance(params: Values) -> bool:
    return all(params[k] == PAPER[k] for k in ("p_head", "H", "goal"))


def plot(table: list[dict], params: Values = DEFAULTS):
    from mdplab.plotting import style

    with style():
        return _plot(table, params)


def _plot(table: list[dict], params: Values):
    from mdplab.claims.stats import loglog_slope
    from mdplab.envs.offline_gambler import FIG2_N, FIG2_STORED_VI_54, FIG2_STORED_VILCB
    from mdplab.plotting import figure_legend, minus, new_figure, rate_curve, suptitle

    fig, (ax_a, ax_b, ax_c) = new_figure(3, "full", height=3.6)
    style = {"faithful": "-", "clean": "--"}
    colors = {"vilcb": "C3", "vi": "C0"}
    names = {"vilcb": f"VI-LCB $c_b = {params.c_b:g}$", "vi": "VI"}
    paper = _paper_instance(params)
    nb = f"notebook ($c_b = {PAPER['c_b']:g}$)"
    gap_s = r"$V^\star_0(s) - V^{\hat\pi}_0(s)$"
    gap_rho = r"$V^\star_0(\rho) - V^{\hat\pi}_0(\rho)$"
    # (a) per-state gap at N = 50
    for version in VERSIONS:
        rows = [r for r in table if r["version"] == version and r["N"] == 50]
        if not rows:
            continue
        for key in ("vilcb", "vi"):
            G = np.array([r[f"state_gap_{key}"] for r in rows])
            S = G.shape[1]
            m, sd = G.mean(axis=0), G.std(axis=0)
            ax_a.plot(np.arange(S), m, style[version], color=colors[key],
                      label=f"{names[key]} ({version})")
            if version == "faithful":
                ax_a.fill_between(np.arange(S), m - sd, m + sd, color=colors[key], alpha=0.2,
                                  lw=0)
    ax_a.set(xlabel="capital $s$", ylabel=gap_s,
             title="(a) per-state gap, $N = 50$")
    # (b) mean +- std against N
    for version in VERSIONS:
        for key in ("vilcb", "vi"):
            Ns, Y = _by_N(table, version, f"gap_{key}")
            if Ns.size == 0:
                continue
            m, sd = Y.mean(axis=1), Y.std(axis=1)
            ax_b.plot(Ns, m, style[version], color=colors[key],
                      label=f"{names[key]} ({version})")
            if version == "faithful":
                ax_b.fill_between(Ns, np.maximum(m - sd, 0), m + sd, color=colors[key],
                                  alpha=0.2, lw=0)
    if paper:
        ax_b.plot(FIG2_N, FIG2_STORED_VILCB, "kx", ms=5, label=f"{nb}: VI-LCB means")
        ax_b.plot([FIG2_N[0]], [FIG2_STORED_VI_54], "k+", ms=7, label=f"{nb}: VI, $N = 54$")
    ax_b.set_xscale("log")
    ax_b.set(xlabel="flips per $(h, s, \\mathrm{stake})$, $N$", ylabel=gap_rho,
             title="(b) mean $\\pm$ std over seeds")
    # (c) log-log with fitted slopes
    for version, color in (("faithful", "C3"), ("clean", "C1")):
        Ns, Y = _by_N(table, version, "gap_vilcb")
        if Ns.size >= 3:
            rate_curve(ax_c, Ns, Y, f"(c) {version}", color=color, center="mean",
                       band=(0, 100))
    if paper:
        stored = loglog_slope(FIG2_N, FIG2_STORED_VILCB)
        ax_c.loglog(FIG2_N, FIG2_STORED_VILCB, "kx", ms=5,
                    label=minus(f"(c) notebook: slope {stored.slope:.2f} (paper -0.502)"))
    ax_c.set(xlabel="flips per $(h, s, \\mathrm{stake})$, $N$", ylabel=f"mean {gap_rho}",
             title="(c) VI-LCB means, log-log")
    for ax in (ax_a, ax_b, ax_c):
        ax.grid(True, which="both")
    figure_legend(fig, ncols=3)
    n = max((len(_by_N(table, v, "gap_vilcb")[1][0]) for v in VERSIONS
             if _by_N(table, v, "gap_vilcb")[0].size), default=0)
    suptitle(fig, f"Gambler's problem ($p_\\mathrm{{head}} = {params.p_head:g}$, "
                  f"$H = {params.H}$, goal {params.goal}): VI-LCB $c_b = {params.c_b:g}$ vs VI, "
                  f"{n} seeds per point; bands: $\\pm 1$ std (a, b), min to max (c); slopes "
                  "with 99% interval; faithful = the notebook's quirks, clean = one dataset, "
                  "one $\\hat Q$, valid-action mask")
    return fig
