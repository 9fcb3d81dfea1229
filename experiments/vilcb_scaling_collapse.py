"""Scaling collapse of discounted VI-LCB on the two-point hard family (exploratory).

An exploratory study of mdplab (logged and drawn, never a pass/fail claim). On
``hard_discounted(S, gamma, C, eps)`` (the library's construction with the two-point mechanism
of Theorem 2 of [LSCCW22], Appendix C.2; the paper's own p, q and state-1 transitions were not
recovered) the only decision that matters is the action at state 0, and a wrong one costs
exactly 2 eps. The failure rate

    f(kappa) = max_{theta in {0, 1}} P_theta(pi_hat(0) != theta),
    kappa    = N (1 - gamma)^3 eps^2 / (S C)          (C = C*_clipped of the data),

is measured for every (S, C, gamma) in {4, 16} x {1, 4} x {0.9, 0.95, 0.99}, and for each
curve the level kappa_{1/4} at which f falls to 1/4 (linear interpolation in log kappa
between the last grid point with f >= 1/4 and the next one).

* [LSCCW22] Theorem 1 (Bernstein VI-LCB, Algorithm 1, no splitting) needs
  N ~ S C*_clipped / ((1-gamma)^3 eps^2) up to logs, and Theorem 2 says no algorithm can do
  with fewer: kappa_{1/4} should be the same for every (S, C, gamma) up to log factors
  (the planned test: it varies by less than a factor 4).
* The sample-splitting Hoeffding VI-LCB of [RZMJR21] (Sec. 5, as recalled) needs
  S C* / ((1-gamma)^5 eps^2) samples (its rate, as restated in [LSCCW22] Table 1), so its
  kappa_{1/4} is expected to grow roughly like (1-gamma)^{-2}. The figure reports the fitted
  exponent of kappa_{1/4} against (1 - gamma) for each algorithm.

Sources
-------
[LSCCW22] G. Li, L. Shi, Y. Chen, Y. Chi, Y. Wei (2022). Settling the Sample Complexity of
    Model-Based Offline Reinforcement Learning. arXiv:2204.05275; Theorem 1 (upper bound,
    penalty eq. (28), Remark 2: c_b = 144), Theorem 2 (lower bound; gamma in [2/3, 1),
    C*_clipped >= 8 gamma / S, eps <= 1/(42 (1-gamma))), Table 1 (rates).
[RZMJR21] P. Rashidinejad, B. Zhu, C. Ma, J. Jiao, S. Russell (2021). Bridging Offline
    Reinforcement Learning and Imitation Learning: A Tale of Pessimism. arXiv:2103.12021;
    Sec. 5, the VI-LCB for discounted MDPs as recalled, not re-checked: c_L = 2000,
    L = c_L log(2 (T+1) S A / delta), T = ceil(log N / (1-gamma)) -- unconfirmed, see
    :mod:`mdplab.algorithms.offline.vilcb_discounted`.

Choices (library, stated here and stored in every row)
------------------------------------------------------
* eps = 1/(42 (1-gamma)), the largest value in Theorem 2's range, as in the claim
  ``li2022_discounted.two_point_lower_bound`` (:mod:`mdplab.proofs_checks.li2022_discounted`).
  Then kappa = N (1-gamma) / (1764 S C). The cells (S, C) = (4, 1) lie below Theorem 2's
  requirement C >= 8 gamma / S (the family itself only needs C >= 4/S); they are kept
  because the library's planned grid lists them.
* Constants. With the theory values (c_b = 144, c_L = 2000) the penalties keep Q_hat(0, .)
  at 0 (Bernstein) or V_t(0) at 0 (splitting) until very large N, and the tie rule (lowest
  index) then picks action 0, which fails for theta = 1. The library's rule for rate
  experiments is to use smaller constants and to say so: the "scaled" runs use the theory
  values times 10^-2, c_b = 1.44 and c_L = 20 (the same factor as experiment
  ``vilcb_bernstein_vs_split``). The full grid also runs the theory values; the data are drawn
  as counts (below), so even the splitting algorithm's N ~ 10^15 is affordable.
  delta = 0.05 everywhere; tau_max is Theorem 1's default; rewards are known to both
  algorithms (r = 1 at state 0).
* The kappa grid of a curve is centred on its *burn-in level* :func:`burn_in_kappa` -- the
  N at which the penalty of a state-0 pair first drops below the one-step reward (Bernstein:
  2 c_b L / ((1-gamma) N(0, a)) = 1, or N KL_1 = 1 if that is later; splitting:
  V_max sqrt(L / m_t(0, a)) = 1 with m_t(0, a) the expected per-fold count) -- and spans
  +-1.25 decades in 11 log-equal steps (quick: 5 steps). A crossing outside the window is
  reported as censored ("<" or ">").
* Data: the counts of N i.i.d. tuples (s, a) ~ d^b, s' ~ P(.|s, a), drawn directly (a
  multinomial over the pairs of the support of d^b, then one over next states per pair), which
  has exactly the law of the counts of :func:`mdplab.sampling.sample_iid` and costs O(support)
  instead of O(N) (the idea of the claim ``li2022_discounted.two_point_lower_bound`` in
  :mod:`mdplab.proofs_checks.li2022_discounted`, written again here). The folds of the splitting
  algorithm are T + 1 independent batches of m = floor(N / (T + 1)) tuples, the law of a random
  split of N i.i.d. tuples (fold 0 and the N - (T+1) m left-over tuples are not used by the
  algorithm, so they are not drawn).
"""

from __future__ import annotations

import math

import numpy as np

NAME = "vilcb_scaling_collapse"
BASE_SEED = 20220419
SC_CELLS = ((4, 1.0), (4, 4.0), (16, 1.0), (16, 4.0))
GAMMAS = (0.9, 0.95, 0.99)
QUICK_GAMMAS = (0.9, 0.99)
from mdplab.experiments.params import Param, Values, resolve_params  # noqa: E402

PARAMS = {
    "delta": Param(float, 0.05, "failure probability of both algorithms", low=1e-12, high=1.0),
    "level": Param(float, 0.25, "failure rate whose kappa is reported (kappa_level)", low=0.0,
                   high=1.0),
    "c_b_theory": Param(float, 144.0, "Bernstein c_b, theory value (Remark 2)", low=0.0),
    "c_b_scaled": Param(float, 1.44, "Bernstein c_b of the scaled run", low=0.0),
    "c_L_theory": Param(float, 2000.0, "splitting c_L, theory value (as recalled)", low=0.0),
    "c_L_scaled": Param(float, 20.0, "splitting c_L of the scaled run", low=0.0),
}
DEFAULTS = resolve_params(PARAMS)
DELTA = DEFAULTS.delta  # the defaults, for the helpers below; runs use params
A = 2
LEVEL = DEFAULTS.level


def constants(params: Values = DEFAULTS) -> dict:
    """The penalty constants {alg: {"scaled": c, "theory": c}} of ``params``."""
    return {"bernstein": {"scaled": params.c_b_scaled, "theory": params.c_b_theory},
            "split": {"scaled": params.c_L_scaled, "theory": params.c_L_theory}}


#: the default penalty constants: theory values and the theory values times 10^-2
CONSTANTS = constants(DEFAULTS)
ALG_LABEL = {"bernstein": "Bernstein VI-LCB [LSCCW22 Alg. 1]",
             "split": "splitting Hoeffding VI-LCB [RZMJR21]"}
CONST_NAME = {"bernstein": "c_b", "split": "c_L"}
WINDOW_DECADES = 1.25


# ============================================================================ data
def support_of(d_b, P) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The part of (d_b (S, A), P (S, A, S)) that i.i.d. data can reach.

    Returns (pairs: flat indices s*A + a with d_b > 0, cols: next states reachable from them,
    w: d_b on ``pairs`` (divided by its sum, which must be 1 up to 1e-9 -- round-off only),
    P_sub: (len(pairs), len(cols)) the kernel rows restricted to ``cols``).
    """
    d_b = np.asarray(d_b, dtype=float)
    P = np.asarray(P, dtype=float)
    if d_b.ndim != 2 or P.shape != d_b.shape + (d_b.shape[0],):
        raise ValueError(f"d_b has shape {d_b.shape} and P {P.shape}; expected (S, A) and "
                         "(S, A, S)")
    flat = d_b.reshape(-1)
    if np.any(flat < -1e-12) or abs(flat.sum() - 1.0) > 1e-9:
        raise ValueError(f"d_b must be a distribution over (s, a); min {flat.min():.3g}, "
                         f"sum {flat.sum():.12g}")
    pairs = np.flatnonzero(flat > 0)
    rows = P.reshape(flat.size, -1)[pairs]
    cols = np.flatnonzero(rows.sum(axis=0) > 0)
    return pairs, cols, flat[pairs] / flat[pairs].sum(), rows[:, cols]


def iid_counts(support, S: int, n_actions: int, m: int, batches: int, rng) -> np.ndarray:
    """Next-state counts nn (batches, S, A, S), int64, of ``batches`` independent batches of
    m i.i.d. tuples each, (s, a) ~ d_b and s' ~ P(.|s, a), with ``support`` from
    :func:`support_of`. Exactly the law of the counts of ``sample_iid`` (multinomial over
    pairs, then over next states), in O(batches * |support|) time."""
    pairs, cols, w, P_sub = support
    n = rng.multinomial(int(m), w, size=int(batches))              # (batches, pairs)
    sub = rng.multinomial(n, P_sub)                                 # (batches, pairs, cols)
    nn = np.zeros((int(batches), S * n_actions, S), dtype=np.int64)
    nn[:, pairs[:, None], cols[None, :]] = sub
    return nn.reshape(int(batches), S, n_actions, S)


# ============================================================================ scales
def epsilon(gamma: float) -> float:
    """eps = 1/(42 (1-gamma)): the largest eps allowed by Theorem 2 of [LSCCW22]."""
    return 1.0 / (42.0 * (1.0 - gamma))


def kappa_of(N: int, S: int, C: float, gamma: float) -> float:
    """kappa = N (1-gamma)^3 eps^2 / (S C) with eps = :func:`epsilon` (gamma)."""
    return N * (1.0 - gamma) ** 3 * epsilon(gamma) ** 2 / (S * C)


def samples_for(kappa: float, S: int, C: float, gamma: float) -> int:
    """The smallest N with :func:`kappa_of` (N) >= kappa."""
    return max(1, math.ceil(kappa * S * C / ((1.0 - gamma) ** 3 * epsilon(gamma) ** 2)))


def burn_in_kappa(alg: str, c: float, S: int, C: float, gamma: float,
                  delta: float = DELTA) -> float:
    """The kappa around which a curve's grid is centred (module docstring).

    Bernstein: the N with 2 c L(N) / ((1-gamma) N d0) = 1, L(N) = log(N/((1-gamma) delta))
    (the linear part of the penalty (28) of [LSCCW22] equal to the state-0 reward), or the N
    with N KL_1 = 1, whichever is larger. Splitting: the N with
    V_max sqrt(L / (floor(N/(T+1)) d0)) = 1, T = ceil(log N / (1-gamma)),
    L = c log(2 (T+1) S A / delta) (the recalled [RZMJR21] penalty). d0 = d^b(0, a) =
    1/(C S) on ``hard_discounted``. Solved by fixed-point iteration (log dependence only).
    """
    from mdplab.envs import hard_discounted_instance

    inst = hard_discounted_instance(S=S, gamma=gamma, C=C, epsilon=epsilon(gamma), theta=0)
    d0 = float(inst.d_b[0, 0])
    N = 1e3
    for _ in range(100):
        if alg == "bernstein":
            N = 2.0 * c * math.log(N / ((1.0 - gamma) * delta)) / ((1.0 - gamma) * d0)
        elif alg == "split":
            T = max(1, math.ceil(math.log(N) / (1.0 - gamma)))
            L = c * math.log(2.0 * (T + 1) * S * A / delta)
            N = (T + 1) * L / ((1.0 - gamma) ** 2 * d0)
        else:
            raise ValueError(f"alg is {alg!r}; must be 'bernstein' or 'split'")
        N = max(N, 2.0)
    if alg == "bernstein":
        N = max(N, 1.0 / inst.kl_per_sample)
    return kappa_of(N, S, C, gamma)


# ============================================================================ grid
def grid(quick: bool, params: Values = DEFAULTS) -> list[dict]:
    gammas = QUICK_GAMMAS if quick else GAMMAS
    variants = ("scaled",) if quick else ("scaled", "theory")
    steps = np.linspace(-WINDOW_DECADES, WINDOW_DECADES, 5 if quick else 11)
    out = []
    for alg in ("bernstein", "split"):
        for variant in variants:
            c = constants(params)[alg][variant]
            M = 20 if quick else (100 if alg == "bernstein" else 50)
            for S, C in SC_CELLS:
                for g in gammas:
                    centre = burn_in_kappa(alg, c, S, C, g, delta=params.delta)
                    for k in steps:
                        kappa = float(f"{centre * 10.0 ** k:.4g}")
                        out.append({"alg": alg, "constants": variant, "c": c, "S": S, "C": C,
                                    "gamma": g, "kappa": kappa, "datasets": M})
    return out


def n_seeds(quick: bool) -> int:
    return 1 if quick else 2


# ============================================================================ one cell
def run_cell(config: dict, seed: int, params: Values = DEFAULTS) -> dict:
    """M = config["datasets"] datasets per theta in {0, 1} at N = samples_for(kappa, ...).

    Returns
    -------
    fail_theta0, fail_theta1 : fraction of datasets with pi_hat(0) != theta, per theta.
    fail : their maximum (the two-point failure rate).
    zero_value : fraction of all 2M runs whose value at state 0 stayed 0 (Bernstein:
        V_hat(0) = 0; splitting: V_T(0) = 0, i.e. no fold ever improved state 0) -- the
        runs decided by the tie rule.
    lower_bound : max{e^{-N KL_1}/4, (1 - sqrt(N KL_1/2))/2}, the two-point lower bound on
        ``fail`` valid for every algorithm (Tsybakov 2009, Thm 2.2(iii); checked by the claim
        ``li2022_discounted.two_point_lower_bound``).
    N, N_KL1 (N times the per-sample KL), kappa_exact (kappa of the integer N), epsilon,
    batches (1, or the T + 1 folds of the splitting algorithm), per_batch (tuples per
    batch).
    """
    from mdplab.algorithms.offline.vilcb_discounted import (
        discounted_two_point_lower_bound,
        rzmjr21_iterations,
        vi_lcb_bernstein,
        vi_lcb_split_from_folds,
    )
    from mdplab.envs import hard_discounted_instance

    alg, c = config["alg"], float(config["c"])
    S, C, g = int(config["S"]), float(config["C"]), float(config["gamma"])
    M = int(config["datasets"])
    if alg not in ("bernstein", "split"):
        raise ValueError(f"config['alg'] is {alg!r}; must be 'bernstein' or 'split'")
    if M < 1:
        raise ValueError(f"config['datasets'] is {M}; must be >= 1")
    eps = epsilon(g)
    N = samples_for(float(config["kappa"]), S, C, g)
    if alg == "bernstein":
        batches, m = 1, N
    else:
        batches = rzmjr21_iterations(N, g) + 1
        m = N // batches
        if m < 1:
            raise ValueError(f"N is {N}: too small for the T + 1 = {batches} folds of the "
                             "splitting algorithm")
    rng = np.random.default_rng(seed)
    errors, zero, kl = [0, 0], 0, None
    for theta in (0, 1):
        inst = hard_discounted_instance(S=S, gamma=g, C=C, epsilon=eps, theta=theta)
        kl = inst.kl_per_sample
        r = np.asarray(inst.mdp.r)
        support = support_of(inst.d_b, inst.mdp.P)
        for _ in range(M):
            nn = iid_counts(support, S, A, m, batches, rng)
            if alg == "bernstein":
                res = vi_lcb_bernstein((nn[0].sum(axis=2), nn[0]), r, g, delta=params.delta, c_b=c)
            else:
                res = vi_lcb_split_from_folds(nn, g, N=N, r=r, delta=params.delta, c_L=c)
            errors[theta] += int(res.policy[0] != theta)
            zero += int(res.V[0] <= 0.0)
    return {"N": N, "N_KL1": N * kl, "kappa_exact": kappa_of(N, S, C, g),
            "fail_theta0": errors[0] / M, "fail_theta1": errors[1] / M,
            "fail": max(errors) / M, "zero_value": zero / (2 * M),
            "lower_bound": discounted_two_point_lower_bound(N, kl), "epsilon": eps,
            "batches": batches, "per_batch": m}


# ============================================================================ summary
def kappa_at_level(kappas, fails, level: float = LEVEL) -> tuple[float, str]:
    """kappa at which the failure rate falls to ``level``: linear interpolation in log kappa
    between the last point with fail >= level and the next one.

    Returns (kappa, flag): flag "" for an interpolated value, "<" if every point is already
    below ``level`` (kappa = the smallest grid value, an upper bound), ">" if the last point
    is still >= level (kappa = the largest grid value, a lower bound).
    """
    k = np.asarray(kappas, dtype=float)
    f = np.asarray(fails, dtype=float)
    order = np.argsort(k)
    k, f = k[order], f[order]
    above = np.flatnonzero(f >= level)
    if above.size == 0:
        return float(k[0]), "<"
    i = int(above[-1])
    if i == k.size - 1:
        return float(k[-1]), ">"
    t = (f[i] - level) / (f[i] - f[i + 1])
    return float(np.exp(np.log(k[i]) + t * (np.log(k[i + 1]) - np.log(k[i])))), ""


def curves(table: list[dict]) -> dict:
    """(alg, constants, S, C, gamma) -> dict(kappa, fail, lower_bound, zero_value) arrays,
    pooling the seeds (failure rates per theta first, then the max over theta)."""
    acc: dict = {}
    for row in table:
        key = (row["alg"], row["constants"], int(row["S"]), float(row["C"]),
               float(row["gamma"]))
        a = acc.setdefault(key, {}).setdefault(float(row["kappa"]),
                                               [0.0, 0.0, 0.0, 0.0, row["lower_bound"]])
        M = float(row["datasets"])
        a[0] += row["fail_theta0"] * M
        a[1] += row["fail_theta1"] * M
        a[2] += row["zero_value"] * M
        a[3] += M
    out = {}
    for key, pts in acc.items():
        ks = sorted(pts)
        v = np.array([pts[k] for k in ks], dtype=float)
        out[key] = {"kappa": np.array(ks), "fail": np.maximum(v[:, 0], v[:, 1]) / v[:, 3],
                    "zero_value": v[:, 2] / v[:, 3], "lower_bound": v[:, 4]}
    return out


def summary(table: list[dict], level: float = LEVEL) -> dict:
    """kappa_{1/4} per curve, and per (alg, constants): the spread max/min over the
    (S, C, gamma) cells, whether it is < 4, and the fitted exponent of kappa_{1/4} in
    (1 - gamma) (log-log least squares over the uncensored cells, 99% interval)."""
    from mdplab.claims.stats import loglog_slope

    cells = {}
    for key, cur in curves(table).items():
        cells[key] = kappa_at_level(cur["kappa"], cur["fail"], level)
    variants = {}
    for alg, variant in sorted({k[:2] for k in cells}):
        rows = {k: v for k, v in cells.items() if k[:2] == (alg, variant)}
        vals = np.array([v[0] for v in rows.values()])
        clean = [(1.0 - k[4], v[0]) for k, v in rows.items() if v[1] == ""]
        fit = None
        if len({x for x, _ in clean}) >= 2 and len(clean) >= 3:
            fit = loglog_slope([x for x, _ in clean], [y for _, y in clean], alpha=0.01)
        spread = float(vals.max() / vals.min())
        variants[(alg, variant)] = {
            "spread": spread, "below_4x": spread < 4.0,
            "censored": sum(v[1] != "" for v in rows.values()),
            "slope_vs_1_minus_gamma": None if fit is None else fit.slope,
            "slope_interval": None if fit is None else fit.interval}
    return {"cells": cells, "variants": variants}


# ============================================================================ figure
_GAMMA_COLOR = {0.9: "C0", 0.95: "C1", 0.99: "C3"}
_SC_STYLE = {(4, 1.0): ("o", "-"), (4, 4.0): ("s", "--"), (16, 1.0): ("^", "-."),
             (16, 4.0): ("D", ":")}


def _fmt(v: float, flag: str) -> str:
    """``0.071``, ``4.2e2``, ``>1.0e5``: two significant digits, a power of ten from 100 on."""
    if v < 100:
        return f"{flag}{v:.2g}"
    return f"{flag}{v:.1e}".replace("e+0", "e").replace("e+", "e")


_TEX_CONST = {"bernstein": "c_b", "split": "c_L"}
_SHORT = {"bernstein": "Bernstein", "split": "split"}


def plot(table: list[dict], params: Values = DEFAULTS):
    from mdplab.plotting import style

    with style():
        return _plot(table, params)


def _plot(table: list[dict], params: Values):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from mdplab.plotting import (
        blank_figure,
        figure_legend,
        legend_below,
        minus,
        style_axes,
        suptitle,
    )

    cur = curves(table)
    summ = summary(table, level=params.level)
    LEVEL = params.level
    CONSTANTS = {}  # the constants the rows ran with (their "c" column)
    for row in table:
        CONSTANTS.setdefault(row["alg"], {})[row["constants"]] = row["c"]
    variants = [v for v in ("scaled", "theory") if any(k[1] == v for k in cur)]
    nv = len(variants)
    fig = blank_figure("full", 7.4)
    top, bottom = fig.subfigures(2, 1, height_ratios=[6.0, 0.35 + 0.16 * (4 + 2 * nv)])
    left, right = top.subfigures(1, 2, width_ratios=[nv, 1])
    axes = left.subplots(2, nv, squeeze=False)
    kappa_label = r"$\kappa = N (1-\gamma)^3 \varepsilon^2 / (S C)$"
    letters = iter("abcdefg")
    for i, alg in enumerate(("bernstein", "split")):
        for j, variant in enumerate(variants):
            ax = style_axes(axes[i, j])
            keys = sorted(k for k in cur if k[:2] == (alg, variant))
            for key in keys:
                _, _, S, C, g = key
                marker, ls = _SC_STYLE.get((S, C), ("x", "-"))
                c = cur[key]
                ax.semilogx(c["kappa"], c["fail"], marker=marker, ls=ls, ms=3,
                            color=_GAMMA_COLOR.get(g, "k"))
                if alg == "bernstein":
                    ax.semilogx(c["kappa"], c["lower_bound"], color="0.6", lw=0.7, ls="-",
                                zorder=0, label="two-point lower bound (any algorithm)")
            ax.axhline(LEVEL, color="k", lw=0.8, ls="--", label=f"failure rate {LEVEL:g}")
            const = CONSTANTS[alg][variant]
            v = summ["variants"].get((alg, variant))
            sub = "" if v is None else (f"\n$\\kappa_{{{LEVEL:g}}}$ spread {v['spread']:.3g}"
                                        f"$\\times$ ({'<' if v['below_4x'] else '>='} "
                                        "4$\\times$)")
            ax.set_title(f"({next(letters)}) {_SHORT[alg]}, ${_TEX_CONST[alg]} = {const:g}$ "
                         f"({variant}){sub}")
            ax.set_ylim(-0.03, 1.03)
            ax.set_xlabel(kappa_label)
            ax.set_ylabel(r"$\mathrm{max}_\theta\, P(\hat\pi(0) \neq \theta)$")
            ax.grid(True, which="both")
    # legend of the curves: colour = gamma, marker and line = (S, C)
    gammas = [g for g in _GAMMA_COLOR if any(k[4] == g for k in cur)]
    handles = [Patch(color=_GAMMA_COLOR[g], label=f"$\\gamma = {g:g}$") for g in gammas]
    handles += [Line2D([], [], color="k", marker=m, ls=ls, ms=3, label=f"$S = {S}$, $C = {C:g}$")
                for (S, C), (m, ls) in _SC_STYLE.items()]
    hs, ls_ = [], []
    for ax in axes.ravel():
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in ls_:
                hs.append(h)
                ls_.append(lab)
    handles += hs
    figure_legend(left, handles=handles, labels=[h.get_label() for h in handles[:-len(hs)]]
                  + ls_, ncols=2 if nv == 1 else 3)

    # kappa_{1/4} against 1 - gamma
    ax = style_axes(right.subplots())
    colors = {("bernstein", "scaled"): "C0", ("bernstein", "theory"): "C9",
              ("split", "scaled"): "C3", ("split", "theory"): "C1"}
    for (alg, variant), info in summ["variants"].items():
        pts = sorted((1.0 - k[4], v[0], v[1]) for k, v in summ["cells"].items()
                     if k[:2] == (alg, variant))
        x = np.array([p[0] for p in pts])
        y = np.array([p[1] for p in pts])
        slope = info["slope_vs_1_minus_gamma"]
        lab = f"{_SHORT[alg]}, ${_TEX_CONST[alg]} = {CONSTANTS[alg][variant]:g}$"
        if slope is not None:
            lo, hi = info["slope_interval"]
            lab += minus(f":\nexponent {slope:.2f} [{lo:.2f}, {hi:.2f}]")
        ax.loglog(x, y, "o", color=colors[(alg, variant)], label=lab, alpha=0.8)
        cens = np.array([p[2] != "" for p in pts])
        if cens.any():
            ax.loglog(x[cens], y[cens], "x", ms=6, color="k")
    xs = np.array(sorted({1.0 - k[4] for k in summ["cells"]}))
    if xs.size >= 2:
        anchor = [v[0] for k, v in summ["cells"].items()
                  if k[:2] == ("split", "scaled") and abs(1 - k[4] - xs[-1]) < 1e-12]
        if anchor:
            ax.loglog(xs, np.median(anchor) * (xs / xs[-1]) ** -2.0, "k--", lw=0.8,
                      label=r"$(1-\gamma)^{-2}$ reference")
    ax.set_xlabel(r"$1 - \gamma$")
    ax.set_ylabel(f"$\\kappa_{{{LEVEL:g}}}$ ($\\times$: censored at the grid edge)")
    ax.set_title(f"({next(letters)}) $\\kappa_{{{LEVEL:g}}}$ against $1 - \\gamma$\n"
                 "(fitted exponent, 99% interval)")
    ax.grid(True, which="both")
    legend_below(ax, ncols=1, handlelength=1.5)

    # the table of kappa_{level}
    _kappa_table(bottom, summ, variants, CONSTANTS, LEVEL)
    seeds = max(1, len({r["replicate"] for r in table})) if table and "replicate" in table[0] \
        else 1
    suptitle(fig, "VI-LCB on $\\mathtt{hard\\_discounted}$: "
                  r"$P(\hat\pi(0) \neq \theta)$ against $\kappa$, "
                  r"$\varepsilon = 1/(42(1-\gamma))$, "
                  f"$\\delta = {params.delta:g}$, known rewards; {seeds} seed(s) $\\times$ "
                  "datasets per point, counts drawn directly. Bernstein: [LSCCW22] Alg. 1; "
                  "split: the splitting Hoeffding VI-LCB of [RZMJR21]")
    return fig


def _kappa_table(sfig, summ: dict, variants: list, constants: dict, level: float) -> None:
    """kappa_level per (S, C, gamma) cell (columns) and (algorithm, constants) (rows), with
    the spread and the fitted exponent, as a table of texts on an empty axes of ``sfig``."""
    from mdplab.plotting import minus

    ax = sfig.subplots()
    ax.axis("off")
    cols = [(alg, v) for alg in ("bernstein", "split") for v in variants]
    cells = [(S, C, g) for (S, C) in SC_CELLS for g in sorted({k[4] for k in summ["cells"]})]
    rows = [f"{_SHORT[a]}, ${_TEX_CONST[a]} = {constants[a][v]:g}$" for a, v in cols]
    n_lines = 4 + len(rows)  # heading, S, C, gamma, one per row
    pitch = 1.0 / n_lines
    # columns: row labels, one per cell, then 'spread' and 'exponent' (1.6 cells wide each)
    x0, x1 = 0.17, 0.985
    step = (x1 - x0) / (len(cells) + 3.2)
    right_edge = [x0 + (j + 1) * step for j in range(len(cells))]
    right_edge += [right_edge[-1] + 1.6 * step, right_edge[-1] + 3.2 * step]
    texts = [ax.text(0.0, 1.0,
                     f"$\\kappa_{{{level:g}}}$ per cell ('>' / '<': the crossing lies outside "
                     "the $\\kappa$ window); spread = max / min over the cells; exponent: "
                     f"log-log slope of $\\kappa_{{{level:g}}}$ on $1 - \\gamma$",
                     transform=ax.transAxes, va="top", ha="left")]
    for i, head in enumerate(("$S$", "$C$", "$\\gamma$")):
        ax.text(x0 - 0.05, 1.0 - (i + 2) * pitch, head, transform=ax.transAxes, ha="right",
                va="baseline")
    for j, (S, C, g) in enumerate(cells):
        x = right_edge[j]
        for i, v in enumerate((f"{S}", f"{C:g}", f"{g:g}")):
            ax.text(x, 1.0 - (i + 2) * pitch, v, transform=ax.transAxes, ha="right",
                    va="baseline", family="monospace")
        for r, (a, var) in enumerate(cols):
            kv = summ["cells"].get((a, var, S, C, g))
            ax.text(x, 1.0 - (5 + r) * pitch, "-" if kv is None else _fmt(*kv),
                    transform=ax.transAxes, ha="right", va="baseline", family="monospace")
    for name, x in (("spread", right_edge[-2]), ("exponent", right_edge[-1])):
        ax.text(x, 1.0 - 4 * pitch, name, transform=ax.transAxes, ha="right", va="baseline")
        for r, c in enumerate(cols):
            info = summ["variants"].get(c)
            if info is None:
                val = "-"
            elif name == "spread":
                val = f"{info['spread']:.3g}\N{MULTIPLICATION SIGN}"
            else:
                e = info["slope_vs_1_minus_gamma"]
                val = "-" if e is None else minus(f"{e:.2f}")
            ax.text(x, 1.0 - (5 + r) * pitch, val, transform=ax.transAxes, ha="right",
                    va="baseline", family="monospace")
    for r, label in enumerate(rows):
        ax.text(0.0, 1.0 - (5 + r) * pitch, label, transform=ax.transAxes, ha="left",
                va="baseline")
    for t in [*texts, *ax.texts]:
        t.set_fontsize(7.0)
        t.set_in_layout(False)  # placed by hand inside the axes; the layout keeps it full width
