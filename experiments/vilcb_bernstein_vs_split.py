"""Bernstein VI-LCB without splitting vs Hoeffding VI-LCB with splitting (exploratory).

An exploratory study of mdplab (logged and drawn, never a pass/fail claim). On random discounted
MDPs (S = 10, A = 3, gamma in {0.9, 0.99}) with N in {10^3, ..., 10^6} i.i.d. tuples from an
eps-greedy behaviour around pi*, compare the mean suboptimality V*(rho) - V^pi_hat(rho) of

* [LSCCW22] Algorithm 1: VI-LCB with the Bernstein penalty (28), all N samples reused in
  every iteration (:func:`mdplab.algorithms.offline.vi_lcb_bernstein`), and
* the VI-LCB of [RZMJR21] Sec. 5 (as recalled, unconfirmed): T = ceil(log N / (1-gamma))
  iterations, each on a fresh fold of floor(N / (T+1)) tuples, Hoeffding penalty
  V_max sqrt(L / m_t(s, a)) (:func:`mdplab.algorithms.offline.vi_lcb_split_from_folds`).

The planned expectation was a ratio mean SubOpt(Bernstein) / mean SubOpt(splitting) <= 1 at
every N, with the constants at their theory values (c_b = 144, Remark 2 of [LSCCW22]; c_L = 2000
as recalled for [RZMJR21], unconfirmed) and with both scaled by the same 10^-2. The figure also
runs both scaled by 10^-4 (beyond the planned study) to show where the splitting algorithm
starts to learn.

Sources
-------
[LSCCW22] G. Li, L. Shi, Y. Chen, Y. Chi, Y. Wei (2022). Settling the Sample Complexity of
    Model-Based Offline Reinforcement Learning. arXiv:2204.05275; Algorithm 1, eq. (28),
    Theorem 1, Remark 2 (c_b = 144), Table 1 (rates S C* / ((1-gamma)^3 eps^2) vs
    S C* / ((1-gamma)^5 eps^2) for the splitting VI-LCB).
[RZMJR21] P. Rashidinejad, B. Zhu, C. Ma, J. Jiao, S. Russell (2021). Bridging Offline
    Reinforcement Learning and Imitation Learning: A Tale of Pessimism. arXiv:2103.12021;
    Sec. 5, the discounted VI-LCB as recalled, not re-checked (c_L, L, T, fold 0 unused:
    unconfirmed, see :mod:`mdplab.algorithms.offline.vilcb_discounted`).

Choices (library, stated here and stored in every row)
------------------------------------------------------
* Instances: ``garnet(S=10, A=3, b=3, gamma, seed=k)`` for the fixed seeds k = 0..K-1
  (Archibald et al. 1995; every (s, a) has 3 random successors, rewards uniform on [0, 1]),
  with the start distribution replaced by the uniform rho (so that the behaviour covers
  every state). The same K instances are used at every N, gamma and seed.
* Behaviour: (1 - 0.5) pi* + 0.5 uniform (eps-greedy with eps = 0.5, the behaviour the
  library's checks use with ``random_tabular``; the library's choice); the data distribution d^b
  is its normalised discounted occupancy from rho (exact linear solve).
* Data: one set of N i.i.d. tuples per (instance, seed), shared by the two algorithms. It
  is drawn as counts: T + 1 independent folds of m = floor(N/(T+1)) tuples (the law of a
  random split) plus the N - (T+1) m left-over tuples; the splitting algorithm gets the
  folds (fold 0 unused), Algorithm 1 gets the sum of all of them. The counts come from
  :func:`experiments.vilcb_scaling_collapse.iid_counts` (a multinomial over pairs, then
  over next states: the law of ``sample_iid``'s counts).
* Known rewards for both algorithms (the [LSCCW22] setting); delta = 0.05; tau_max is
  Theorem 1's default; ties go to the lowest action index.
* When every penalised Q_hat of a state is 0 (Bernstein) or V_t(s) never increases
  (splitting), the tie rule returns action 0 there. The policy that plays 0 everywhere
  (the "fallback") is evaluated too: a ratio of exactly 1 means both algorithms returned it.
* On a fixed instance SubOpt reaches exactly 0 once the data identify pi* (a gap effect
  of a fixed instance), so the mean can be 0 and the ratio 0 or undefined (0/0); the figure
  draws zeros on a floor line and says so.
"""

from __future__ import annotations

import numpy as np

from mdplab.experiments.params import Param, Values, resolve_params

NAME = "vilcb_bernstein_vs_split"
BASE_SEED = 20220420
GAMMAS = (0.9, 0.99)
PARAMS = {
    "S": Param(int, 10, "garnet states", low=1, high=10_000),
    "A": Param(int, 3, "garnet actions", low=1, high=1_000),
    "branching": Param(int, 3, "garnet successors per (s, a)", low=1, high=10_000),
    "eps_behaviour": Param(float, 0.5, "behaviour = (1 - eps) pi* + eps uniform", low=0.0,
                           high=1.0),
    "delta": Param(float, 0.05, "failure probability of both algorithms", low=1e-12,
                   high=1.0),
    "c_b": Param(float, 144.0, "Bernstein penalty constant before scaling (Remark 2)",
                 low=0.0),
    "c_L": Param(float, 2000.0, "splitting penalty constant before scaling (as recalled)",
                 low=0.0),
}
DEFAULTS = resolve_params(PARAMS)
#: the data are drawn with vilcb_scaling_collapse's helpers: its source enters the fingerprint
FINGERPRINT_MODULES = (".vilcb_scaling_collapse",)
#: scale factor applied to both c_b and c_L; "theory" and "x1e-2" are the two planned runs
SCALES = {"theory": 1.0, "x1e-2": 1e-2, "x1e-4": 1e-4}
FLOOR = 1e-4


def grid(quick: bool, params: Values = DEFAULTS) -> list[dict]:
    Ns = [10**3, 10**4, 10**5, 10**6] if quick else [
        10**3, 3 * 10**3, 10**4, 3 * 10**4, 10**5, 3 * 10**5, 10**6]
    K = 4 if quick else 10
    return [{"gamma": g, "N": N, "instances": K} for g in GAMMAS for N in Ns]


def n_seeds(quick: bool) -> int:
    return 2 if quick else 16


def instance(k: int, gamma: float, params: Values = DEFAULTS):
    """(mdp, optimal value at rho, d^b) of random instance k (module docstring)."""
    from mdplab import DiscountedMDP, envs
    from mdplab.planning import occupancy_measure, policy_iteration

    S, A = params.S, params.A
    base = envs.garnet(S=S, A=A, b=params.branching, gamma=gamma, seed=int(k))
    mdp = DiscountedMDP(np.asarray(base.P), np.asarray(base.r), gamma,
                        rho=np.full(S, 1.0 / S))
    star = policy_iteration(mdp)
    beh = np.full((S, A), params.eps_behaviour / A)
    beh[np.arange(S), star.policy] += 1.0 - params.eps_behaviour
    return mdp, float(star.value), occupancy_measure(mdp, beh)


def run_cell(config: dict, seed: int, params: Values = DEFAULTS) -> dict:
    """One dataset for each of the K instances at (gamma, N); means over the instances.

    Returns, for each tag in SCALES ("theory", "x1e-2", "x1e-4"):
    ``bernstein_<tag>``, ``split_<tag>`` : mean over instances of V*(rho) - V^pi_hat(rho);
    ``bernstein_zero_<tag>``, ``split_zero_<tag>`` : mean fraction of states left at value
    0 (decided by the tie rule);
    and ``fallback`` (mean SubOpt of the all-0 policy), ``folds`` (T + 1), ``per_fold`` (m).
    """
    from mdplab.algorithms.offline.vilcb_discounted import (
        rzmjr21_iterations,
        vi_lcb_bernstein,
        vi_lcb_split_from_folds,
    )
    from mdplab.planning import evaluate_policy

    from .vilcb_scaling_collapse import iid_counts, support_of

    S, A, DELTA = params.S, params.A, params.delta
    g, N, K = float(config["gamma"]), int(config["N"]), int(config["instances"])
    if K < 1:
        raise ValueError(f"config['instances'] is {K}; must be >= 1")
    T1 = rzmjr21_iterations(N, g) + 1
    m = N // T1
    if m < 1:
        raise ValueError(f"N is {N}: too small for the T + 1 = {T1} folds")
    rng = np.random.default_rng(seed)
    out = {f"{alg}{z}_{tag}": 0.0 for tag in SCALES for alg in ("bernstein", "split")
           for z in ("", "_zero")}
    fallback = 0.0
    for k in range(K):
        mdp, v_star, d_b = instance(k, g, params)
        r = np.asarray(mdp.r)
        sup = support_of(d_b, mdp.P)
        folds = iid_counts(sup, S, A, m, T1, rng)
        nn = folds.sum(axis=0) + iid_counts(sup, S, A, N - T1 * m, 1, rng)[0]
        n = nn.sum(axis=2)
        fallback += v_star - float(evaluate_policy(mdp, np.zeros(S, np.int64)).value)
        for tag, sc in SCALES.items():
            b = vi_lcb_bernstein((n, nn), r, g, delta=DELTA, c_b=params.c_b * sc)
            s = vi_lcb_split_from_folds(folds, g, N=N, r=r, delta=DELTA, c_L=params.c_L * sc)
            for alg, res in (("bernstein", b), ("split", s)):
                # exact: >= 0 up to round-off (~1e-15), stored as computed
                out[f"{alg}_{tag}"] += v_star - float(evaluate_policy(mdp, res.policy).value)
                out[f"{alg}_zero_{tag}"] += float(np.mean(np.asarray(res.V) <= 0.0))
    out = {key: v / K for key, v in out.items()}
    out.update({"fallback": fallback / K, "folds": T1, "per_fold": m})
    return out


# ============================================================================ summary
def summary(table: list[dict]) -> list[dict]:
    """Per (gamma, N, tag): mean SubOpt of each algorithm over seeds and instances, their
    ratio (nan for 0/0), and a 90% bootstrap interval of the ratio over the seeds."""
    boot = np.random.default_rng(0)
    rows = []
    for g in sorted({r["gamma"] for r in table}):
        for N in sorted({r["N"] for r in table if r["gamma"] == g}):
            cell = [r for r in table if r["gamma"] == g and r["N"] == N]
            for tag in SCALES:
                b = np.array([r[f"bernstein_{tag}"] for r in cell])
                s = np.array([r[f"split_{tag}"] for r in cell])
                ratio = b.mean() / s.mean() if s.mean() > 0 else (
                    np.nan if b.mean() == 0 else np.inf)
                idx = boot.integers(0, len(cell), size=(2000, len(cell)))
                with np.errstate(divide="ignore", invalid="ignore"):
                    rb = b[idx].mean(axis=1) / s[idx].mean(axis=1)
                rb = rb[np.isfinite(rb)]
                lo, hi = (np.percentile(rb, [5, 95]) if rb.size else (np.nan, np.nan))
                rows.append({"gamma": g, "N": N, "tag": tag, "bernstein": float(b.mean()),
                             "split": float(s.mean()), "ratio": float(ratio),
                             "ratio_lo": float(lo), "ratio_hi": float(hi),
                             "fallback": float(np.mean([r["fallback"] for r in cell])),
                             "seeds": len(cell)})
    return rows


_TAG_COLOR = {"theory": "C3", "x1e-2": "C0", "x1e-4": "C2"}


def tag_label(tag: str, params: Values = DEFAULTS) -> str:
    """``x 1e-2 ($c_b = 1.44$, $c_L = 20$)``: the constants a tag of SCALES ran with
    (mathtext)."""
    sc = SCALES[tag]
    name = "theory" if sc == 1.0 else f"$\\times$ {sc:g}"
    return f"{name} ($c_b = {params.c_b * sc:g}$, $c_L = {params.c_L * sc:g}$)"


def plot(table: list[dict], params: Values = DEFAULTS):
    from mdplab.plotting import style

    with style():
        return _plot(table, params)


def _plot(table: list[dict], params: Values):
    from mdplab.plotting import figure_legend, new_figure, suptitle

    rows = summary(table)
    gammas = sorted({r["gamma"] for r in rows})
    fig, axes = new_figure(len(gammas) + 1, "full", height=4.2)
    sub = r"mean $V^\star(\rho) - V^{\hat\pi}(\rho)$"
    for i, (ax, g) in enumerate(zip(axes, gammas, strict=False)):
        sel = [r for r in rows if r["gamma"] == g]
        Ns = np.array(sorted({r["N"] for r in sel}), dtype=float)
        fb = [next(r["fallback"] for r in sel if r["N"] == N) for N in Ns]
        ax.loglog(Ns, fb, color="0.5", lw=3, alpha=0.4, label="all-action-0 fallback policy")
        for tag in SCALES:
            for alg, ls, mk in (("bernstein", "-", "o"), ("split", "--", "s")):
                y = np.array([next(r[alg] for r in sel if r["N"] == N and r["tag"] == tag)
                              for N in Ns])
                ax.loglog(Ns, np.maximum(y, FLOOR), ls=ls, marker=mk,
                          color=_TAG_COLOR[tag], mfc="none" if alg == "split" else None,
                          label=f"{'Bernstein' if alg == 'bernstein' else 'split'}, "
                                f"{tag_label(tag, params)}")
        ax.axhline(FLOOR, color="k", lw=0.6, ls=":")
        ax.text(Ns[-1], FLOOR / 1.5, "exactly 0 (drawn at the floor)", fontsize=7, ha="right",
                va="top")
        ax.set_ylim(bottom=FLOOR / 8)
        ax.set(xlabel="$N$ (i.i.d. tuples)", ylabel=sub,
               title=f"({'abc'[i]}) $\\gamma = {g:g}$: mean SubOpt")
        ax.grid(True, which="both")
    ax = axes[-1]
    for g, ls in zip(gammas, ("-", "--"), strict=False):
        for tag in SCALES:
            sel = [r for r in rows if r["gamma"] == g and r["tag"] == tag]
            Ns = np.array([r["N"] for r in sel], dtype=float)
            ratio = np.array([r["ratio"] for r in sel])
            shown = np.where(ratio > 0, ratio, FLOOR)
            ok = np.isfinite(ratio)
            ax.loglog(Ns[ok], shown[ok], ls=ls, marker="o", color=_TAG_COLOR[tag],
                      label=f"(c) $\\gamma = {g:g}$, {tag_label(tag, params).split(' (')[0]}")
            lo = np.array([r["ratio_lo"] for r in sel])
            hi = np.array([r["ratio_hi"] for r in sel])
            band = ok & np.isfinite(lo) & (hi > 0)
            if band.any():
                ax.fill_between(Ns[band], np.maximum(lo[band], FLOOR), hi[band],
                                color=_TAG_COLOR[tag], alpha=0.12, lw=0)
            if (~ok).any():
                ax.loglog(Ns[~ok], np.ones((~ok).sum()), "x", color=_TAG_COLOR[tag], ms=6)
    ax.axhline(1.0, color="k", lw=0.8, label="(c) equal means (ratio 1)")
    ax.axhline(FLOOR, color="k", lw=0.6, ls=":")
    ax.set_ylim(bottom=FLOOR / 8)
    ax.set(xlabel="$N$ (i.i.d. tuples)", ylabel="SubOpt ratio, Bernstein / split",
           title=f"({'abc'[len(gammas)]}) ratio of the means")
    ax.grid(True, which="both")
    figure_legend(fig, ncols=2)  # left column: (a), (b); right column: (c)
    seeds = max(r["seeds"] for r in rows)
    K = table[0]["instances"]
    suptitle(fig, f"Bernstein VI-LCB, no splitting (solid) vs splitting Hoeffding VI-LCB "
                  f"(dashed): garnet $S = {params.S}$, $A = {params.A}$, "
                  f"$b = {params.branching}$, uniform $\\rho$, "
                  f"$\\varepsilon$-greedy data ($\\varepsilon = {params.eps_behaviour:g}$), "
                  f"$\\delta = {params.delta:g}$; {K} instances $\\times$ {seeds} seeds per "
                  "point; (c): 90% bootstrap band over seeds, $\\times$: 0/0; dotted floor: "
                  "exactly 0")
    return fig
