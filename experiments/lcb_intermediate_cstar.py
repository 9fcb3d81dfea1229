"""Contextual LCB between imitation and offline RL: 1 < C* < 2 (nearly expert data).

An exploratory study of mdplab (logged and drawn, never asserted). Source:
P. Rashidinejad, B. Zhu, C. Ma, J. Jiao, S. Russell (2021), "Bridging Offline Reinforcement
Learning and Imitation Learning: A Tale of Pessimism", arXiv 2103.12021, the contextual-bandit
part (Sec. 4): LCB's suboptimality is recalled (not re-checked against the paper) as of order
min(1, sqrt(S (C*-1) / N)) + S / N for C* in [1, 2) (up to logs), against sqrt(S C* / N)
for C* >= 2. Unconfirmed: the exact form, where its logs sit, and the theorem
number -- the stored copies of the paper that the search tool reaches show only its
abstract and introduction (LCB attains 1/N on nearly-expert data, is adaptively optimal for
contextual bandits); :func:`mdplab.algorithms.offline.lcb.lcb_cb_rate_bound` holds the
library's reading of the form.

Family (the library's choice, not the paper's): S = 10 contexts, two arms, Bernoulli rewards
1/2 (the other arm) and 1/2 + gap (the optimal arm a*, index ``best`` in {0, 1}); behaviour
mu(s, a*) = rho(s) / C*, mu(s, other) = rho(s) (C* - 1) / C*, so the non-expert mass is
(C* - 1)/C* and C* = max_s rho(s) / mu(s, a*) exactly (C* = 1: expert data; C* = 2: uniform
actions). Two context laws rho: 'uniform' (1/S each; this is ``cb_two_point`` with sign +1
and the arms relabelled) and 'skewed' (the imitation-learning worst case rho_N of
:func:`mdplab.envs.hard_bandits.cb_expert_rho`: mass 1/(N+1) on S-1 contexts, where the
S/N term lives).

Worst case: for each N, the max over gap in a log grid from 0.05 sqrt(S/N) to 1/2 and over
``best`` in {0, 1} (the tie rule, lowest index, then matters) of the Monte Carlo mean of
sum_s rho(s) (r(s, a*) - r(s, pi_hat(s))) over ``datasets`` datasets of N samples. LCB is
:func:`mdplab.algorithms.offline.lcb.cb_choices` (delta = 1/N, L = log(2SA/delta), unseen arms
never chosen, ties to the lowest index); the greedy plug-in (EBA) and per-context behaviour
cloning (MPA) are logged on the same datasets. Counts are drawn exactly as
(Multinomial(N, mu), Binomial(n, means)) (:mod:`mdplab.algorithms.offline.bandit_data`); the
same action counts serve every gap (common random numbers; only the reward sums are redrawn),
and best = 1 uses the arm-swapped counts (the same law).

``run_cell`` returns ``lcb``, ``eba``, ``mpa`` (worst-case means), ``lcb_se`` (the s.e. of
LCB's worst entry), ``lcb_gap`` (its gap), ``lcb_best`` and ``recalled_form`` =
sqrt(S (C*-1)/N) + S/N (constant 1, logs dropped). :func:`exponent_summary` fits, over
C* in {1.1, 1.25, 1.5}, the exponent of N per C*, the exponent of (C* - 1) per N, and the
joint least-squares model log W = a + alpha log(C* - 1) + beta log N, with 99% t-intervals.
"""

from __future__ import annotations

import numpy as np

from mdplab.experiments.params import Param, Values, resolve_params

NAME = "lcb_intermediate_cstar"
BASE_SEED = 20210323
PARAMS = {"S": Param(int, 10, "number of contexts", low=1, high=100_000)}
DEFAULTS = resolve_params(PARAMS)
S = DEFAULTS.S  # the default, for callers of the helpers below; runs use params.S
C_STARS = (1.0, 1.1, 1.25, 1.5, 2.0)
INTERMEDIATE = (1.1, 1.25, 1.5)
LAWS = ("uniform", "skewed")
RULES = ("lcb", "eba", "mpa")
KEYS = ("lcb", "eba", "mpa", "lcb_se", "lcb_gap", "lcb_best", "recalled_form")


def grid(quick: bool, params: Values = DEFAULTS) -> list[dict]:
    if quick:
        Ns, M, gaps = (100, 300, 1000, 3000), 1500, 8
    else:
        Ns, M, gaps = (100, 300, 1000, 3000, 10000, 30000, 100000), 10000, 12
    return [{"law": law, "C_star": C, "N": N, "datasets": M, "gaps": gaps}
            for law in LAWS for C in C_STARS for N in Ns]


def n_seeds(quick: bool) -> int:
    return 3 if quick else 5


def gap_grid(N: int, n_gaps: int, S: int = S) -> np.ndarray:
    """Log grid of gaps from min(0.05 sqrt(S/N), 1/2) to 1/2."""
    lo = min(0.05 * np.sqrt(S / N), 0.5)
    return np.geomspace(lo, 0.5, int(n_gaps))


def context_law(law: str, N: int, S: int = S) -> np.ndarray:
    from mdplab.envs.hard_bandits import cb_expert_rho

    if law not in LAWS:
        raise ValueError(f"law is {law!r}; must be one of {LAWS}")
    return cb_expert_rho(S, N, "uniform" if law == "uniform" else "worst")


def behaviour(rho: np.ndarray, C_star: float, best: int) -> np.ndarray:
    """mu (S, 2): rho(s)/C* on the optimal arm ``best``, rho(s)(C*-1)/C* on the other."""
    w = np.empty(2)
    w[best], w[1 - best] = 1.0 / C_star, 1.0 - 1.0 / C_star
    return rho[:, None] * w[None, :]


def recalled_form(N, C_star: float, S: int = S):
    """sqrt(S (C*-1)/N) + S/N for C* < 2, sqrt(S C*/N) for C* >= 2 (constant 1, logs dropped;
    the contextual rate of Rashidinejad et al. 2021, arXiv 2103.12021, Sec. 4, as recalled;
    unconfirmed)."""
    N = np.asarray(N, dtype=float)
    C = np.asarray(C_star, dtype=float)
    return np.where(C >= 2, np.sqrt(S * C / N),
                    np.sqrt(S * np.maximum(C - 1.0, 0.0) / N) + S / N)


def run_cell(config: dict, seed: int, params: Values = DEFAULTS) -> dict:
    from mdplab.algorithms.offline.bandit_data import sample_contextual_counts
    from mdplab.algorithms.offline.lcb import cb_choices, cb_suboptimality

    rng = np.random.default_rng(seed)
    S = params.S
    C, N, M = float(config["C_star"]), int(config["N"]), int(config["datasets"])
    rho = context_law(config["law"], N, S)
    means0 = np.full((S, 2), 0.5)
    n0, _ = sample_contextual_counts(means0, behaviour(rho, C, 0), N, M, rng)   # best = 0
    worst = dict.fromkeys(RULES, 0.0)
    arg = {"lcb_se": 0.0, "lcb_gap": float("nan"), "lcb_best": float("nan")}
    for gap in gap_grid(N, config["gaps"], S):
        for best in (0, 1):
            n = n0 if best == 0 else np.ascontiguousarray(n0[..., ::-1])
            means = np.full((S, 2), 0.5)
            means[:, best] += gap
            r_sum = rng.binomial(n, means).astype(np.float64)
            for rule in RULES:
                sub = cb_suboptimality(means, rho, cb_choices(n, r_sum, rule=rule))
                m = float(sub.mean())
                if m > worst[rule]:
                    worst[rule] = m
                    if rule == "lcb":
                        arg = {"lcb_se": float(sub.std(ddof=1) / np.sqrt(M)),
                               "lcb_gap": float(gap), "lcb_best": float(best)}
    return {**worst, **arg, "recalled_form": float(recalled_form(N, C, S))}


# ------------------------------------------------------------------ fits
def _means(table, law, C, key="lcb"):
    rows = [r for r in table if r["law"] == law and r["C_star"] == C]
    Ns = sorted({r["N"] for r in rows})
    Y = [[r[key] for r in rows if r["N"] == N] for N in Ns]
    width = min((len(y) for y in Y), default=0)
    return np.array(Ns, dtype=float), np.array([y[:width] for y in Y], dtype=float)


def _ols(X, y, alpha=0.01):
    from scipy import stats

    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    dof = X.shape[0] - X.shape[1]
    s2 = float(resid @ resid) / dof if dof > 0 else np.nan
    cov = s2 * np.linalg.inv(X.T @ X)
    half = stats.t.ppf(1 - alpha / 2, dof) * np.sqrt(np.diag(cov)) if dof > 0 else \
        np.full(beta.size, np.inf)
    r2 = 1.0 - float(resid @ resid) / float(((y - y.mean()) ** 2).sum())
    return beta, half, r2


def exponent_summary(table: list[dict], law: str = "uniform", key: str = "lcb") -> dict:
    """Fitted exponents of N and of (C* - 1) for the worst-case mean (over seeds) of ``key``
    on ``law``, over C* in {1.1, 1.25, 1.5} and the N present (points with mean 0 dropped).

    Returns {"N_exponent": {C*: (slope, (lo, hi))}, "cminus1_exponent": {N: (slope, (lo, hi))},
    "joint": {"alpha": (value, (lo, hi)), "beta": (...), "r2": R^2, "points": n}} with 99%
    t-intervals (the (C* - 1) fits have 3 points, so 1 degree of freedom: wide intervals).
    """
    from mdplab.claims.stats import loglog_slope

    out = {"N_exponent": {}, "cminus1_exponent": {}, "joint": None}
    pts = []
    for C in INTERMEDIATE:
        Ns, Y = _means(table, law, C, key)
        if Y.size == 0:
            continue
        m = Y.mean(axis=1)
        keep = m > 0
        if keep.sum() >= 3:
            fit = loglog_slope(Ns[keep], m[keep])
            out["N_exponent"][C] = (fit.slope, fit.interval)
        pts += [(C - 1.0, N, y) for N, y in zip(Ns[keep], m[keep], strict=True)]
    for N in sorted({p[1] for p in pts}):
        sel = [(c, y) for c, n_, y in pts if n_ == N]
        if len(sel) >= 3:
            fit = loglog_slope([c for c, _ in sel], [y for _, y in sel])
            out["cminus1_exponent"][int(N)] = (fit.slope, fit.interval)
    if len(pts) >= 4:
        P = np.array(pts)
        X = np.column_stack([np.ones(len(P)), np.log(P[:, 0]), np.log(P[:, 1])])
        beta, half, r2 = _ols(X, np.log(P[:, 2]))
        out["joint"] = {"alpha": (float(beta[1]), (float(beta[1] - half[1]),
                                                   float(beta[1] + half[1]))),
                        "beta": (float(beta[2]), (float(beta[2] - half[2]),
                                                  float(beta[2] + half[2]))),
                        "r2": r2, "points": len(P)}
    return out


# ------------------------------------------------------------------ figure
def plot(table: list[dict], params: Values = DEFAULTS):
    from mdplab.plotting import style

    with style():
        return _plot(table, params)


def _plot(table: list[dict], params: Values):
    from mdplab.plotting import (
        legend_below,
        minus,
        new_figure,
        rate_curve,
        reference_slope,
        suptitle,
        trivial_bound,
    )

    fig, axes = new_figure(4, "full", ncols=2, height=7.4)
    colors = {C: f"C{i}" for i, C in enumerate(C_STARS)}
    sub = r"worst-case $\mathbb{E}[\mathrm{SubOpt}]$ of LCB"
    for law, ax_n, ax_c in (("uniform", axes[0], axes[1]), ("skewed", axes[2], axes[3])):
        rows = [r for r in table if r["law"] == law]
        if not rows:
            continue
        Ns_all = np.array(sorted({r["N"] for r in rows}), dtype=float)
        # worst case against N, one curve per C*
        for C in C_STARS:
            Ns, Y = _means(table, law, C)
            if Ns.size == 0 or Y.shape[1] == 0:
                continue
            fit = C != 1.0 or law == "skewed"
            rate_curve(ax_n, Ns, Y, f"$C^\\star = {C:g}$", color=colors[C], center="mean",
                       fit=fit)
            if C > 1.0:
                ax_n.loglog(Ns, recalled_form(Ns, C, params.S), ":", color=colors[C], lw=1)
        ax_n.plot([], [], "k:", lw=1,
                  label=r"recalled $\sqrt{S(C^\star - 1)/N} + S/N$ (constant 1, no logs)")
        reference_slope(ax_n, Ns_all, -0.5, 0.3 * recalled_form(Ns_all[0], 1.5, params.S),
                        label="slope \N{MINUS SIGN}1/2")
        ax_n.set(xlabel="dataset size $N$", ylabel=sub,
                 title=f"({'a' if law == 'uniform' else 'c'}) against $N$, {law} contexts")
        # worst case against C* - 1, one curve per N
        cm1 = np.array(INTERMEDIATE) - 1.0
        summ = exponent_summary(table, law)
        for i, N in enumerate(Ns_all):
            y = []
            for C in INTERMEDIATE:
                vals = [r["lcb"] for r in rows if r["C_star"] == C and r["N"] == N]
                y.append(np.mean(vals) if vals else np.nan)
            y = np.array(y)
            color = f"C{i % 10}"
            e = summ["cminus1_exponent"].get(int(N))
            label = f"$N = {int(N)}$" + (minus(f": exponent {e[0]:.2f}") if e else "")
            keep = y > 0
            ax_c.loglog(cm1[keep], y[keep], "o-", color=color, label=label)
            ax_c.loglog(cm1, recalled_form(N, 1.0 + cm1, params.S), ":", color=color, lw=1)
        ax_c.plot([], [], "k:", lw=1, label="recalled form (slope about 1/2)")
        j = summ["joint"]
        if j:
            ax_c.plot([], [], " ", label=minus(
                f"joint fit: $(C^\\star - 1)^{{{j['alpha'][0]:.2f}}}\\, "
                f"N^{{{j['beta'][0]:.2f}}}$, $R^2 = {j['r2']:.2f}$"))
        ax_c.set_xticks(cm1, [f"{c:g}" for c in cm1])
        ax_c.xaxis.set_minor_formatter("")
        ax_c.set(xlabel=r"$C^\star - 1$ (non-expert mass $(C^\star - 1)/C^\star$)",
                 ylabel=sub,
                 title=(f"({'b' if law == 'uniform' else 'd'}) against $C^\\star - 1$, "
                        f"{law} contexts"))
    for ax in axes:
        trivial_bound(ax, 1.0, "trivial bound 1 (rewards in $[0, 1]$)")
        ax.grid(True, which="both")
        legend_below(ax)
    M = table[0]["datasets"] if table else 0
    n = max((_means(table, lw, C)[1].shape[1] for lw in LAWS for C in C_STARS
             if _means(table, lw, C)[0].size), default=0)
    suptitle(fig, f"Contextual LCB ($S = {params.S}$, 2 arms, $\\delta = 1/N$), non-expert mass "
                  "$(C^\\star - 1)/C^\\star$; worst case over the gap and the optimal arm's "
                  f"index; mean of {n} seeds $\\times$ {M} datasets, slopes with 99% interval "
                  "(exploratory)")
    return fig
