"""Inverse RL as estimation of the feasible reward set: what a feasible set looks like, how fast
its estimate converges, how many samples US-IRL takes, and whether offline estimates contain
what they should.

Panels: (a) a 2-D slice of a feasible set (H = 1, S = 1, A = 3; the rewards of actions 1 and 2
with action 0's fixed), the true set, an estimate from a noisy expert model, and the
Hausdorff gap; (b) the Hausdorff error between the true set and the set of the empirical model
from N samples per (h, s, a), lower bound (LP search) and Theorem 3.2's upper bound, median
over seeds with fitted slopes; (c) US-IRL's number of samples against eps, with Theorem 6.1's
bound; (d) how often the offline estimates (pessimistic and plug-in) contain, respectively are
contained in, the identifiable sets, against the number of behaviour episodes.

Sources: Metelli, Lazzati & Restelli (2023), arXiv:2304.12966 (the set, Lemma 3.1, Theorem 3.2,
US-IRL and Theorem 6.1); Lazzati, Mutti & Metelli (2024), arXiv:2402.15392 (the offline sets).
The pessimistic offline estimator is the library's construction.
"""

from __future__ import annotations

import numpy as np

from mdplab.experiments.params import Param, Values, resolve_params

NAME = "irl_feasible_sets"
BASE_SEED = 20230425
PARAMS = {
    "delta": Param(float, 0.1, "failure probability of US-IRL and of the offline radius",
                   low=1e-9, high=0.999),
}
DEFAULTS = resolve_params(PARAMS)
RATE_INSTANCE = (3, 2, 2, 3)         # H, S, A, seed of the rate panel (claim metelli2023.rate)


def grid(quick: bool, params: Values = DEFAULTS) -> list[dict]:
    Ns = [100, 400, 1600] if quick else [100, 400, 1600, 6400, 25600]
    Ks = [100, 1000] if quick else [100, 300, 1000, 3000, 10000]
    return ([{"panel": "rate", "N": N} for N in Ns]
            + [{"panel": "offline", "K": K} for K in Ks])


def n_seeds(quick: bool) -> int:
    return 4 if quick else 30


def _rate_problem():
    H, S, A, seed = RATE_INSTANCE
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(S), size=(H, S, A)), rng.integers(A, size=(H, S))


def run_cell(config: dict, seed: int, params: Values = DEFAULTS) -> dict:
    from mdplab import FiniteHorizonMDP
    from mdplab.algorithms.irl import (
        FeasibleRewardSet,
        OfflineFeasibleSets,
        PessimisticOfflineSets,
        hausdorff_bracket,
        lipschitz_bound,
        plug_in_offline_sets,
    )
    from mdplab.sampling import GenerativeModel, rollout

    rng = np.random.default_rng(seed)
    if config["panel"] == "rate":
        P, pi = _rate_problem()
        H, S, A = P.shape[:3]
        N = int(config["N"])
        mdp = FiniteHorizonMDP(P, np.zeros((H, S, A)), H=H)
        P_hat = GenerativeModel(mdp).counts(N, rng, layout="dense") / N
        R, R_hat = FeasibleRewardSet(P, pi), FeasibleRewardSet(P_hat, pi)
        br = hausdorff_bracket(R, R_hat, n_directions=30, rng=rng)
        return {"lower": br.lower, "upper": float(lipschitz_bound(R, R_hat))}
    # offline inclusion frequencies (H = 2, S = 3, A = 2; behaviour 0.7 expert + 0.3 uniform)
    H, S, A = 2, 3, 2
    K = int(config["K"])
    inst = np.random.default_rng(10_000 + seed)
    P = inst.dirichlet(np.ones(S), size=(H, S, A))
    pi = inst.integers(A, size=(H, S))
    mdp = FiniteHorizonMDP(P, np.zeros((H, S, A)), H=H, rho=np.array([1.0, 0.0, 0.0]))
    b = rollout(mdp, 0.7 * np.eye(A)[pi] + 0.3 / A, K, rng=rng)
    e = rollout(mdp, pi, K, rng=rng)
    R_supp = FeasibleRewardSet(mdp, pi, support="expert")
    truth = OfflineFeasibleSets(P, pi, np.ones((H, S, A), bool), R_supp.constrained)
    pes = PessimisticOfflineSets(b, e, S, A, params.delta)
    plug = plug_in_offline_sets(b, e, S, A)
    rewards = np.concatenate([rng.uniform(-1, 1, (100, H, S, A)),
                              R_supp.sample(100, rng=rng).rewards])
    ok_pes = ok_plug = True
    inner_size = 0
    for r in rewards:
        cap, cup = truth.in_cap(r), truth.in_cup(r)
        inner = pes.in_inner(r)
        inner_size += inner
        ok_pes &= (not inner or cap) and (not cup or pes.in_outer(r))
        ok_plug &= (not plug.in_cap(r) or cap) and (not cup or plug.in_cup(r))
    return {"pessimistic_ok": float(ok_pes), "plug_in_ok": float(ok_plug),
            "inner_fraction": inner_size / len(rewards)}


def _slice_panel(ax):
    """H = 1, one state, three actions, expert action 0 with r_0 = 0.2 fixed: the set is
    {r_1 <= 0.2, r_2 <= 0.2} in the (r_1, r_2) box; a 'noisy' estimate that believes the
    expert's action is 1 (a flipped expert) has {r_0 <= r_1, r_2 <= r_1} at r_0 = 0.2."""
    from matplotlib.patches import Polygon

    fixed = 0.2
    true = np.array([[-1, -1], [fixed, -1], [fixed, fixed], [-1, fixed]])
    est = np.array([[fixed, -1], [1, -1], [1, 1], [fixed, fixed]])   # r_1 >= 0.2, r_2 <= r_1
    ax.add_patch(Polygon(true, closed=True, alpha=0.35, color="C0", lw=0,
                         label="true set (expert plays $a_0$)"))
    ax.add_patch(Polygon(est, closed=True, alpha=0.35, color="C1", lw=0,
                         label="estimate (expert read as $a_1$)"))
    # the slice's Hausdorff gap (max-norm): the farthest true point (-1, -1) from the estimate
    ax.annotate("", xy=(fixed, -1.0), xytext=(-1.0, -1.0),
                arrowprops=dict(arrowstyle="<->", color="0.2", lw=1.0))
    ax.text(-0.38, -0.7, "farthest true point\nfrom the estimate\n(in the slice): 1.2",
            ha="center", fontsize=7)
    ax.set(xlim=(-1, 1), ylim=(-1, 1), xlabel="$r(a_1)$", ylabel="$r(a_2)$",
           title=f"(a) a feasible set, slice at $r(a_0) = {fixed}$")
    ax.set_aspect("equal")


def plot(table: list[dict], params: Values = DEFAULTS):
    from mdplab.algorithms.irl import us_irl_sample_bound, us_irl_stopping_n
    from mdplab.plotting import legend_below, new_figure, rate_curve, style, suptitle

    with style():
        fig, axes = new_figure(4, "full", ncols=2, height=6.2)
        ax_a, ax_b, ax_c, ax_d = axes
        _slice_panel(ax_a)
        legend_below(ax_a, ncols=1)

        rows = [r for r in table if r["panel"] == "rate"]
        Ns = sorted({r["N"] for r in rows})
        for key, label in (("lower", "lower bound (LP search)"),
                           ("upper", "Theorem 3.2 bound")):
            Y = [[r[key] for r in rows if r["N"] == N] for N in Ns]
            width = min(len(y) for y in Y)
            rate_curve(ax_b, Ns, [y[:width] for y in Y], label)
        H, S, A, _ = RATE_INSTANCE
        ax_b.set(xlabel=r"samples per $(h, s, a)$, $N$", ylabel=r"$H_{d_G}(\mathcal{R}, "
                 r"\hat{\mathcal{R}})$ bracket",
                 title=f"(b) Hausdorff error ($H = {H}$, $S = {S}$, $A = {A}$)")
        ax_b.grid(True, which="both")
        legend_below(ax_b, ncols=1)

        eps = np.geomspace(0.05, 1.0, 12)
        for (S_, A_, H_), color in (((2, 2, 3), "C0"), ((4, 2, 5), "C2"), ((8, 4, 10), "C3")):
            tau = [S_ * A_ * H_ * us_irl_stopping_n(S_, A_, H_, e, params.delta) for e in eps]
            bnd = [us_irl_sample_bound(S_, A_, H_, e, params.delta) for e in eps]
            ax_c.loglog(eps, tau, "-o", ms=2.5, color=color,
                        label=f"US-IRL, $S={S_}, A={A_}, H={H_}$")
            ax_c.loglog(eps, bnd, "--", color=color, lw=1.0)
        ax_c.plot([], [], "k--", lw=1.0, label="Theorem 6.1 bound")
        ax_c.set(xlabel=r"accuracy $\varepsilon$", ylabel=r"samples $\tau$",
                 title=rf"(c) US-IRL's samples, $\delta = {params.delta:g}$")
        ax_c.grid(True, which="both")
        legend_below(ax_c, ncols=1)

        rows = [r for r in table if r["panel"] == "offline"]
        Ks = sorted({r["K"] for r in rows})
        for key, label, color in (("pessimistic_ok", "pessimistic estimate", "C0"),
                                  ("plug_in_ok", "plug-in estimate", "C3")):
            m = [np.mean([r[key] for r in rows if r["K"] == K]) for K in Ks]
            ax_d.semilogx(Ks, m, "-o", ms=3, color=color, label=label)
        inner = [np.mean([r["inner_fraction"] for r in rows if r["K"] == K]) for K in Ks]
        ax_d.semilogx(Ks, inner, ":", color="C0",
                      label="share of sampled rewards in the pessimistic inner set")
        ax_d.axhline(1 - params.delta, color="0.5", lw=0.8, ls="--")
        ax_d.set(ylim=(-0.03, 1.03), xlabel="behaviour episodes $K_b$",
                 ylabel="fraction of seeds",
                 title="(d) offline: both inclusions hold")
        ax_d.grid(True, which="both")
        legend_below(ax_d, ncols=1)
        suptitle(fig, "Feasible reward sets (Metelli et al. 2023; Lazzati et al. 2024)")
    return fig
