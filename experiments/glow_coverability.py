"""Density ratios and coverability: regret follows C_cov, not the number of states.

Panels: (a) regret against the coverability C_cov = 2k of BlockLock(k, m) at a fixed number
of states S = k m = 32 (H = 4, |F| = 33 fixed: needles, pads, Q*), for GLOW and GOLF, sampled
and population; (b) regret against S at a fixed C_cov = 8 (k = 4, m = 1..16), the same
algorithms; (c) GLOW against GOLF: cumulative regret against episodes on one instance; (d)
hybrid against online: population HyGLOW with good (d^pi*) and poor (uniform) offline data,
and population GLOW, against iterations; (e) what GLOW weighs: the occupancy of the policy it
plays, the mean occupancy of the past and their clipped ratio, the W-path "mix" weight that
rules the hypothesis out, on a small block lock.

Sources: Amortila, Foster, Jiang, Sekhari & Xie (2024), "Harnessing Density Ratios for Online
Reinforcement Learning", arXiv:2401.09681 (GLOW, Algorithm 1; HyGLOW, Algorithm 3); Jin, Liu &
Miryoosefi (2021), arXiv:2102.00815 (GOLF). Sampled GLOW runs in the regime where it is
feasible (K = 3000 episodes per iteration, gamma = 1): with the paper's gamma and K = 1 nothing
is eliminated before 1152 L tuples per layer (the burn-in claim). Population runs (exact
expectations) are the library's extension; regret is exact and in normalised units.
"""

from __future__ import annotations

import numpy as np

from mdplab.experiments.params import Param, Values, resolve_params

NAME = "glow_coverability"
BASE_SEED = 20240117
PARAMS = {
    "K": Param(int, 3000, "episodes per GLOW iteration (sampled)", low=1, high=100000),
    "T": Param(int, 200, "GLOW iterations (sampled)", low=2, high=5000),
    "gamma": Param(float, 1.0, "GLOW clipping scale gamma", low=1e-3, high=100.0),
    "delta": Param(float, 0.1, "failure probability in GLOW's L and GOLF's beta",
                   low=1e-9, high=0.999),
}
DEFAULTS = resolve_params(PARAMS)
H = 4
SIZE = 33
ALGORITHMS = ("glow", "golf", "glow-population", "golf-population")
LABELS = {"glow": "GLOW (sampled)", "golf": "GOLF (sampled)",
          "glow-population": "GLOW (population)", "golf-population": "GOLF (population)"}
COLORS = {"glow": "C0", "golf": "C1", "glow-population": "C0", "golf-population": "C1"}


def grid(quick: bool, params: Values = DEFAULTS) -> list[dict]:
    cov = [(1, 32), (2, 16), (4, 8)] if quick else [(1, 32), (2, 16), (4, 8), (8, 4)]
    states = [1, 2, 4] if quick else [1, 2, 4, 8]
    cells = [{"panel": "coverability", "k": k, "m": m, "algorithm": a}
             for k, m in cov for a in ALGORITHMS]
    cells += [{"panel": "states", "k": 4, "m": m, "algorithm": a}
              for m in states for a in ALGORITHMS]
    cells += [{"panel": "curves", "k": 4, "m": 2, "algorithm": a} for a in ("glow", "golf")]
    cells += [{"panel": "hybrid", "k": 4, "m": 2, "algorithm": a}
              for a in ("hyglow-good", "hyglow-uniform", "glow-population")]
    cells += [{"panel": "weights", "k": 4, "m": 1, "algorithm": "glow-population"}]
    return cells


def checkpoints(T: int) -> np.ndarray:
    """The iterations (1-based) at which cumulative regret is stored: about 40, log-spaced,
    always including 1 and T (the curves are drawn through them)."""
    return np.unique(np.round(np.geomspace(1, T, 40)).astype(np.int64))


def n_seeds(quick: bool) -> int:
    return 2 if quick else 10


def _instance(k: int, m: int):
    from mdplab.envs import block_lock

    return block_lock(k=k, m=m, A=2, H=H, r_star=0.5)


def run_cell(config: dict, seed: int, params: Values = DEFAULTS) -> dict:
    from mdplab.algorithms.density_ratio import (
        glow,
        glow_population,
        golf,
        golf_population,
        hyglow_population,
        needle_class,
    )
    from mdplab.planning import backward_induction, occupancy_measure

    k, m, alg = int(config["k"]), int(config["m"]), config["algorithm"]
    mdp = _instance(k, m)
    if config["panel"] == "weights":
        return _weights_cell(mdp, needle_class(mdp, m), params)
    F = needle_class(mdp, m, size=SIZE) if config["panel"] != "hybrid" else needle_class(mdp, m)
    T_pop = 8 * (2 * k) + 40
    if alg == "glow":
        res = glow(mdp, F, T=params.T, K=params.K, gamma=params.gamma, delta=params.delta,
                   rng=seed)
        episodes = params.K
    elif alg == "golf":
        res = golf(mdp, F, T=2 * params.T, delta=params.delta, rng=seed)
        episodes = 1
    elif alg == "glow-population":
        res = glow_population(mdp, F, T=T_pop if config["panel"] != "hybrid" else 100,
                              gamma=params.gamma)
        episodes = 1
    elif alg == "golf-population":
        res = golf_population(mdp, F, T=T_pop)
        episodes = 1
    else:
        if alg == "hyglow-good":
            nu = occupancy_measure(mdp, backward_induction(mdp).policy)
        else:
            nu = occupancy_measure(mdp, np.full((H, k * m, 2), 0.5))
        res = hyglow_population(mdp, F, T=100, nu=nu, gamma=params.gamma)
        episodes = 1
    # the curves are drawn for two panels only; the others keep one number per cell
    ts = checkpoints(res.T) if config["panel"] in ("curves", "hybrid") else np.zeros(0, int)
    return {"regret": res.total_regret, "episode_regret": res.total_regret * episodes,
            "iterations": res.T, "episodes_per_iteration": episodes,
            "t_points": ts.tolist(), "cumulative": res.cumulative_regret[ts - 1].tolist(),
            "C_cov": res.coverability, "S": k * m, "truth_kept": bool(res.truth_alive.all())
            if res.truth_alive is not None else True}


def _weights_cell(mdp, F, params: Values) -> dict:
    """Population GLOW on BlockLock(4, 1, H = 4): at the iteration t where the needle of
    latent 3, action 0 (index 6) is ruled out, the mean occupancy bar d^(t) of the policies
    played before, and the clipped mix weight d^(t-1) / bar d^(t) of the policy played last
    (the W-path member that makes its constraint positive), layer by layer over cells (s, a)."""
    from mdplab.algorithms.density_ratio import glow_population

    res = glow_population(mdp, F, T=60, gamma=params.gamma)
    j = 6
    t = int(np.flatnonzero(~res.alive[:, j])[0]) + 1            # first t with f_j out
    played = res.occupancies[:t - 1]                              # iterations 1..t-1
    d_last = played[-1]
    dbar_before = played[:-1].mean(axis=0)
    mix = played.mean(axis=0)                                     # ((t-2) dbar + d) / (t-1)
    w = np.divide(d_last, mix, out=np.zeros_like(d_last), where=mix > 0)
    return {"t": t, "needle": F.names[j], "d_t": d_last.reshape(-1).tolist(),
            "dbar": dbar_before.reshape(-1).tolist(),
            "weight": np.minimum(w, params.gamma * (t - 1)).reshape(-1).tolist(),
            "regret": res.total_regret, "episode_regret": res.total_regret,
            "iterations": res.T, "episodes_per_iteration": 1, "t_points": [], "cumulative": [],
            "C_cov": res.coverability, "S": mdp.S, "truth_kept": True}


def _median(rows: list[dict], key: str) -> float:
    return float(np.median([r[key] for r in rows])) if rows else float("nan")


def plot(table: list[dict], params: Values = DEFAULTS):
    """(a) regret against C_cov at S = 32; (b) regret against S at C_cov = 8; (c) GLOW
    against GOLF, cumulative regret against episodes; (d) hybrid against online; (e) the
    weights GLOW uses."""
    from mdplab.plotting import legend_below, new_figure, style, suptitle

    with style():
        fig, axes = new_figure(6, "full", height=6.4)
        for ax, panel, xkey, xlabel in ((axes[0], "coverability", "C_cov",
                                         r"coverability $C_{\mathrm{cov}} = 2k$ ($S = 32$)"),
                                        (axes[1], "states", "S",
                                         r"states $S = 4m$ ($C_{\mathrm{cov}} = 8$)")):
            for alg in ALGORITHMS:
                rows = [r for r in table if r["panel"] == panel and r["algorithm"] == alg]
                xs = sorted({r[xkey] for r in rows})
                ys = [_median([r for r in rows if r[xkey] == x], "regret") for x in xs]
                style_ = "o-" if "population" not in alg else "s--"
                ax.plot(xs, ys, style_, color=COLORS[alg], label=LABELS[alg], ms=3)
            ax.set_xscale("log", base=2)
            ax.set_xlabel(xlabel)
            ax.set_ylabel("regret (iterations, normalised)")
        axes[0].set_title("(a) regret follows $C_{\\mathrm{cov}}$ ...")
        axes[1].set_title("(b) ... not the number of states")
        legend_below(axes[0], ncols=2)
        ax = axes[2]
        for alg in ("glow", "golf"):
            rows = [r for r in table if r["panel"] == "curves" and r["algorithm"] == alg]
            if not rows:
                continue
            cum = np.median(np.array([r["cumulative"] for r in rows]), axis=0)
            per = rows[0]["episodes_per_iteration"]
            ep = per * np.asarray(rows[0]["t_points"])
            ax.plot(ep, cum * per, "-", color=COLORS[alg], label=LABELS[alg])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("episodes")
        ax.set_ylabel("cumulative regret (episodes)")
        ax.set_title("(c) GLOW vs GOLF, in episodes")
        legend_below(ax, ncols=1)
        ax = axes[3]
        hy = {"hyglow-good": (r"HyGLOW, $\nu = d^{\pi^\star}$", "C2"),
              "hyglow-uniform": (r"HyGLOW, $\nu$ = uniform", "C3"),
              "glow-population": ("GLOW (online)", "C0")}
        for alg, (label, color) in hy.items():
            rows = [r for r in table if r["panel"] == "hybrid" and r["algorithm"] == alg]
            if rows:
                ax.plot(rows[0]["t_points"], rows[0]["cumulative"], "-", color=color, label=label)
        ax.set_xlabel("iteration $t$")
        ax.set_ylabel("cumulative regret (population)")
        ax.set_title("(d) hybrid against online")
        legend_below(ax, ncols=1)
        rows = [r for r in table if r["panel"] == "weights"]
        if rows:
            r = rows[0]
            t = r["t"]
            for ax, key, title in ((axes[4], "dbar",
                                    rf"(e) past data $\overline{{d}}^{{({t - 1})}}$"),
                                   (axes[5], "weight",
                                    rf"(f) weight $d^{{({t - 1})}} / \overline{{d}}^{{({t})}}$")):
                img = np.asarray(r[key]).reshape(H, -1)
                im = ax.imshow(img, aspect="auto", cmap="viridis", interpolation="nearest")
                fig.colorbar(im, ax=ax, shrink=0.8, pad=0.02, format="%.2g")
                S2 = img.shape[1]
                ax.set_xticks(range(0, S2, 2), [f"s{c // 2}" for c in range(0, S2, 2)])
                ax.set_yticks(range(H))
                ax.set_xlabel("state (two actions each)")
                ax.set_ylabel("layer $h$")
                ax.set_title(title)
        suptitle(fig, "GLOW and GOLF on BlockLock needles ($H = 4$, $|F| = 33$, "
                 f"$\\gamma = {params.gamma}$; sampled GLOW $K = {params.K}$, $T = {params.T}$; "
                 "GOLF one episode per iteration); exact regret, medians over seeds")
    return fig
