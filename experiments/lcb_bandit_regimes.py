"""LCB's regimes in offline bandits, from expert data (C* = 1) to C* = 8.

Rashidinejad, Zhu, Ma, Jiao & Russell (2021), "Bridging Offline Reinforcement Learning and
Imitation Learning: A Tale of Pessimism", NeurIPS 2021, arXiv 2103.12021, Secs. 3-4 (the rates
by regime as recalled; theorem numbers, log arguments and constants not re-checked; the hard
instances are the library's two-point constructions, not the paper's):

* C* = 1, contextual expert data (``cb_expert``, S = 20, A = 3, worst-case context law
  rho_N): LCB attains the 1/N imitation rate (slope -1); on pure expert data LCB, behaviour
  cloning (per-context MPA) and greedy pick the same arm, and the exact value
  sum_s rho(s)(1-rho(s))^N gbar(s) is drawn too.
* 1 < C* < 2, multi-armed (``mab_expert_like``): the most played arm (MPA) errs with
  exponentially small probability (drawn exactly, from the binomial law), while LCB's
  worst case decays only polynomially -- faster than N^{-1/2} but not exponentially.
* C* >= 2 (``mab_two_point``): every rule's worst case is of order sqrt(C*/N); LCB pays a
  log factor (slope a little above -1/2); MPA does not converge in the rate's sense (it
  always picks the frequent arm, an error of order the gap).

Worst case = max over the gap grid gap = kappa sqrt(C*/N), kappa in {0.1, 0.2, 0.5, 1, 2,
4} (gaps above 1/2 skipped), and over the hypothesis (sign or the optimal arm's index) of
the Monte Carlo mean suboptimality over ``DATASETS`` datasets; delta = 1/N; unseen arms
never chosen, ties to the lowest index. The figure shows the mean over seeds of that worst
case with a 25-75% band and the fitted log-log slope with its 99% interval.
"""

from __future__ import annotations

import numpy as np

from mdplab.experiments.params import Param, Values, resolve_params

NAME = "lcb_bandit_regimes"
BASE_SEED = 20210322
KAPPAS = (0.1, 0.2, 0.5, 1.0, 2.0, 4.0)
C_STARS = (1.0, 1.5, 2.0, 4.0, 8.0)
PARAMS = {
    "cb_S": Param(int, 20, "contexts of cb_expert (the C* = 1 panel)", low=1, high=100_000),
    "cb_A": Param(int, 3, "arms of cb_expert (the C* = 1 panel)", low=2, high=1_000),
}
DEFAULTS = resolve_params(PARAMS)


def grid(quick: bool, params: Values = DEFAULTS) -> list[dict]:
    if quick:
        mab_N, cb_N = [100, 300, 1000, 3000, 10000], [20, 50, 100, 200, 500, 1000]
    else:
        mab_N = [100, 300, 1000, 3000, 10000, 30000, 100000]
        cb_N = [20, 50, 100, 200, 500, 1000, 2000, 5000]
    out = []
    for C in C_STARS:
        for N in (cb_N if C == 1.0 else mab_N):
            out.append({"C_star": C, "N": N, "datasets": 1000 if quick else 5000})
    return out


def n_seeds(quick: bool) -> int:
    return 4 if quick else 10


def _mab_cell(C: float, N: int, M: int, rng) -> dict:
    from mdplab.algorithms.offline import (
        mab_choices,
        mab_suboptimality,
        mpa_two_arm_suboptimality,
    )
    from mdplab.algorithms.offline.bandit_data import sample_bandit_counts
    from mdplab.envs import offline_bandit

    worst = {"lcb": 0.0, "eba": 0.0, "mpa": 0.0}
    mpa_exact = 0.0
    for kappa in KAPPAS:
        gap = kappa * np.sqrt(C / N)
        if gap > 0.5:
            continue
        if C < 2:
            problems = [offline_bandit("mab_expert_like", C_star=C, gap=gap, best=b)
                        for b in (0, 1)]
        else:
            problems = [offline_bandit("mab_two_point", C_star=C, gap=gap, sign=s)
                        for s in (1, -1)]
        for ob in problems:
            means = ob.means[0]
            n, r_sum = sample_bandit_counts(means, ob.mu, N, M, rng)
            for rule in worst:
                sub = mab_suboptimality(means, mab_choices(n, r_sum, rule=rule))
                worst[rule] = max(worst[rule], float(sub.mean()))
            if C < 2:
                best = int(ob.optimal[0])
                mpa_exact = max(mpa_exact, mpa_two_arm_suboptimality(
                    N, float(ob.mu[best]), gap, best=best, tie="lowest"))
    worst["mpa_exact"] = mpa_exact if C < 2 else float("nan")
    return worst


def _cb_expert_cell(N: int, M: int, rng, S: int, A: int) -> dict:
    from mdplab.algorithms.offline import (
        cb_choices,
        cb_suboptimality,
        expert_cb_suboptimality,
        unseen_context_gap,
    )
    from mdplab.algorithms.offline.bandit_data import sample_contextual_counts
    from mdplab.envs import offline_bandit

    ob = offline_bandit("cb_expert", S=S, A=A, N=N, rho="worst")
    n, r_sum = sample_contextual_counts(ob.means, ob.mu, N, M, rng)
    out = {}
    for rule in ("lcb", "eba", "mpa"):
        out[rule] = float(cb_suboptimality(ob.means, ob.rho,
                                           cb_choices(n, r_sum, rule=rule)).mean())
    out["lcb_exact"] = expert_cb_suboptimality(ob.rho, unseen_context_gap(ob.means), N)
    return out


def run_cell(config: dict, seed: int, params: Values = DEFAULTS) -> dict:
    rng = np.random.default_rng(seed)
    C, N, M = float(config["C_star"]), int(config["N"]), int(config["datasets"])
    if C == 1.0:
        return _cb_expert_cell(N, M, rng, params.cb_S, params.cb_A)
    return _mab_cell(C, N, M, rng)


LABELS = {"lcb": "LCB", "eba": "EBA", "mpa": "MPA"}
COLORS = {"lcb": "C0", "eba": "C1", "mpa": "C2"}
FLOOR = 1e-12  # exact MPA values below this are not drawn (they reach exp(-600))


def _exp10(x: float) -> str:
    """``1e-12`` as mathtext ``$10^{-12}$`` (a power of ten) or ``$2.5 \times 10^{-3}$``."""
    m, e = f"{x:.1e}".split("e")
    e = int(e)
    return f"$10^{{{e}}}$" if float(m) == 1.0 else f"${float(m):g} \\times 10^{{{e}}}$"


def plot(table: list[dict], params: Values = DEFAULTS):
    from mdplab.plotting import style

    with style():
        return _plot(table, params)


def _plot(table: list[dict], params: Values):
    from mdplab.plotting import (
        legend_below,
        new_figure,
        rate_curve,
        reference_slope,
        suptitle,
    )

    fig, axes = new_figure(len(C_STARS), "full", height=5.6)
    for ax, C in zip(axes, C_STARS, strict=True):
        rows = [r for r in table if r["C_star"] == C]
        Ns = sorted({r["N"] for r in rows})
        nearly_expert = 1.0 < C < 2.0
        for rule in ("lcb", "eba", "mpa"):
            if rule == "mpa" and nearly_expert:
                continue  # Monte Carlo sees no MPA error here: drawn exactly below
            Y = [[r[rule] for r in rows if r["N"] == N] for N in Ns]
            width = min(len(y) for y in Y)
            rate_curve(ax, Ns, [y[:width] for y in Y], LABELS[rule], color=COLORS[rule],
                       center="mean", zero_below=1e-15)
        if C == 1.0:
            exact = [next(r["lcb_exact"] for r in rows if r["N"] == N) for N in Ns]
            ax.loglog(Ns, exact, "k:", lw=1.2, label="LCB, exact identity")
            reference_slope(ax, Ns, -1.0, exact[0] * 1.5, label="slope \N{MINUS SIGN}1")
            ax.set_title(f"(a) $C^\\star = 1$: contextual, $S = {params.cb_S}$, "
                         f"$A = {params.cb_A}$")
        else:
            letter = "abcde"[C_STARS.index(C)]
            if nearly_expert:
                ex = np.array([next(r["mpa_exact"] for r in rows if r["N"] == N) for N in Ns])
                keep = ex >= FLOOR
                last = np.array(Ns)[keep][-1] if keep.any() else Ns[0]
                ax.loglog(np.array(Ns)[keep], ex[keep], "s-", color=COLORS["mpa"],
                          label=f"MPA, exact: $< ${_exp10(FLOOR)} for $N > {last}$")
                ax.set_ylim(bottom=FLOOR / 10)
                ax.set_title(f"({letter}) $C^\\star = {C:g}$: nearly expert (MAB)")
            else:
                ax.set_title(f"({letter}) $C^\\star = {C:g}$: two-point family (MAB)")
            lcb0 = np.mean([r["lcb"] for r in rows if r["N"] == Ns[0]])
            reference_slope(ax, Ns, -0.5, lcb0, label="slope \N{MINUS SIGN}1/2")
        ax.set_xlabel("dataset size $N$")
        ax.grid(True, which="both")
        legend_below(ax, ncols=1)
    for i in (0, 3):
        axes[i].set_ylabel(r"worst-case $\mathbb{E}[\mathrm{SubOpt}]$")
    suptitle(fig, "Offline LCB ($\\delta = 1/N$) against MPA (most played arm: behaviour "
                  "cloning) and EBA (empirical best arm: greedy); worst case over the gaps "
                  "$\\kappa \\sqrt{C^\\star / N}$; mean over seeds, 25\N{EN DASH}75% band, "
                  "slopes with 99% interval")
    return fig
