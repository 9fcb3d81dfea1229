"""PEVI on a linear MDP: suboptimality against the number of episodes K, with the
data-dependent bound 2 sum_h E_{pi*}[Gamma_h(s_h, a_h)] drawn alongside.

Jin, Yang & Wang (2021), "Is Pessimism Provably Efficient for Offline RL?", ICML,
arXiv:2012.15085, Sec. 4, Algorithm 2 ("PEVI: Linear MDP") and Theorem 4.4 (numbering,
beta = c d H sqrt(zeta) and zeta = log(2dHK/xi) as recalled, unconfirmed; the paper gives no
value for c). Instance: ``linear_simplex`` (S = 30, A = 4, d = 4, H = 5), data from the
uniform behaviour policy. beta = c d H sqrt(zeta) with the paper's hidden constant set to
c = 1 (the library default) and to c = 0.03 (near the empirical calibration of the claim
``jin2021.linear_beta_calibration`` in :mod:`mdplab.proofs_checks.jin2021`). Both the
suboptimality and the bound are exact (computed on the known model); the bound holds on the
event E, whose frequency is recorded per cell. The instance sizes and both values of c are
parameters (``PARAMS``); the figure draws the trivial bound H (a suboptimality never exceeds
it, so a bound above it is vacuous).
"""

from __future__ import annotations

import numpy as np

from mdplab.experiments.params import Param, Values, resolve_params

NAME = "pevi_linear_rate"
BASE_SEED = 20261122
PARAMS = {
    "S": Param(int, 30, "states of linear_simplex", low=1, high=10_000),
    "A": Param(int, 4, "actions of linear_simplex", low=1, high=1_000),
    "d": Param(int, 4, "feature dimension of linear_simplex", low=1, high=1_000),
    "H": Param(int, 5, "horizon", low=1, high=1_000),
    "instance_seed": Param(int, 0, "seed of the random linear_simplex instance", low=0),
    "c_theory": Param(float, 1.0, "beta's hidden constant c, library default", low=0.0),
    "c_calibrated": Param(float, 0.03, "beta's constant c near the empirical calibration",
                          low=0.0),
}
DEFAULTS = resolve_params(PARAMS)


def instance_kwargs(params: Values = DEFAULTS) -> dict:
    """Keyword arguments of ``envs.make("linear_simplex", ...)``."""
    return {"S": params.S, "A": params.A, "d": params.d, "H": params.H,
            "seed": params.instance_seed}


def grid(quick: bool, params: Values = DEFAULTS) -> list[dict]:
    Ks = [100, 300, 1000, 3000, 10000] if quick else [100, 300, 1000, 3000, 10000, 30000, 100000]
    return [{"c": c, "K": K} for c in (params.c_theory, params.c_calibrated) for K in Ks]


def n_seeds(quick: bool) -> int:
    return 4 if quick else 20


def run_cell(config: dict, seed: int, params: Values = DEFAULTS) -> dict:
    from mdplab import envs
    from mdplab.algorithms.offline import (
        data_dependent_bound,
        event_E,
        pevi_linear,
        suboptimality,
    )
    from mdplab.sampling import rollout

    lin = envs.make("linear_simplex", **instance_kwargs(params))
    mdp = lin.to_tabular()
    episodes = rollout(mdp, np.full(mdp.shape, 1.0 / mdp.A), int(config["K"]),
                       np.random.default_rng(seed))
    res = pevi_linear(episodes, lin.phi, c=float(config["c"]))
    return {
        "suboptimality": float(suboptimality(mdp, res.policy) @ mdp.rho),
        "bound": float(data_dependent_bound(mdp, res.penalty) @ mdp.rho),
        "E_holds": bool(event_E(mdp, res)["holds"]),
        "beta": res.params["beta"],
    }


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

    fig, (ax_b, ax_s) = new_figure(2, "full", height=3.4)
    for c in sorted({r["c"] for r in table}, reverse=True):
        rows = [r for r in table if r["c"] == c]
        Ks = sorted({r["K"] for r in rows})
        width = min(sum(r["K"] == K for r in rows) for K in Ks)
        B = [[r["bound"] for r in rows if r["K"] == K][:width] for K in Ks]
        sub = [[r["suboptimality"] for r in rows if r["K"] == K][:width] for K in Ks]
        e_freq = np.mean([r["E_holds"] for r in rows])
        fit = rate_curve(ax_b, Ks, B, f"bound, $c = {c:g}$")
        color = ax_b.get_lines()[-1].get_color()
        rate_curve(ax_s, Ks, sub, f"SubOpt, $c = {c:g}$ ($\\mathcal{{E}}$ held in "
                   f"{100 * e_freq:.0f}%)", color=color, center="mean", fit=False,
                   zero_below=1e-12)
        ax_s.plot(Ks, np.median(B, axis=1), ":", color=color, lw=1,
                  label=f"bound, $c = {c:g}$" + (
                      "" if fit is None else minus(f" (slope {fit.slope:.2f})")))
    Ks = sorted({r["K"] for r in table})
    first = np.median([r["bound"] for r in table if r["K"] == Ks[0] and r["c"] == params.c_theory])
    reference_slope(ax_b, Ks, -0.5, first)
    ax_b.set(xlabel="episodes $K$",
             ylabel=r"$2\,\Sigma_h\,\mathbb{E}[\Gamma_h(s_h, a_h)]$ under $\pi^\star$",
             title="(a) data-dependent bound (median, 25\N{EN DASH}75%)")
    ax_s.set(xlabel="episodes $K$", ylabel=r"$V^\star_0(\rho) - V^{\hat\pi}_0(\rho)$",
             title="(b) suboptimality (mean) and the bound", yscale="log")
    for ax in (ax_b, ax_s):
        trivial_bound(ax, params.H, f"trivial bound $H = {params.H}$")
        ax.grid(True, which="both")
        legend_below(ax)
    suptitle(fig, f"PEVI on $\\mathtt{{linear\\_simplex}}$ ($S = {params.S}$, $A = {params.A}$, "
                  f"$d = {params.d}$, $H = {params.H}$, seed {params.instance_seed}), "
                  r"$\beta = c\, d H \sqrt{\zeta}$; slopes with 99% interval")
    return fig
