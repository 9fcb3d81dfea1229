"""Episodic VI-LCB on the hard family: is the H^3 S C / eps^2 episode count the right one?

An exploratory study of mdplab (logged and drawn, never asserted). Source:
G. Li, L. Shi, Y. Chen, Y. Chi, Y. Wei (2022), *Settling the Sample Complexity of Model-Based
Offline Reinforcement Learning*, arXiv 2204.05275, Theorem 3 (with probability >= 1 - 12 delta,
V*(rho) - V^pi_hat(rho) <= eps once K >= c_k H^3 S C*_clipped log(KH/delta) / eps^2; the
displayed condition is reconstructed from the proof, not read; the hypotheses and Remark 4's
c_b >= 16, c_k = 12800 c_b are confirmed) and Theorem 4 (the matching lower bound, whose
mechanism :func:`mdplab.envs.hard_episodic` copies; Appendix C.3 itself is unconfirmed,
see :mod:`mdplab.algorithms.offline.vilcb_episodic`).

Setup. ``hard_episodic(S=4, H, C=2, eps=0.5)``: a wrong action at state 0 at any step
h < H-1 costs exactly 2 eps / H in Q*_h (the per-step gap is set for a total cost of order
eps); C*_clipped = C. Every dataset has K = round(kappa H^3 S C / eps^2) behaviour episodes
(uniform behaviour, start law mu) and its own hypothesis theta ~ uniform on {0, 1}^H (so that
the tie rule -- lowest index -- is a coin flip, not a free correct answer). If the Theorem 3
rate is right, every statistic below is roughly flat in H at fixed kappa; an algorithm that
needed H^4 S C / eps^2 episodes would show E[V* - V^pi_hat] / eps growing like H^{1/2}.

Algorithms (the library's, called on counts):

* Alg. 2 = :func:`mdplab.algorithms.offline.vilcb_episodic.vi_lcb_episodic` on all K episodes;
* Alg. 3 = two-fold subsampling, then Alg. 2 on D_trim. It is run *in law*: the two halves of
  a random split of K i.i.d. episodes are independent samples of K//2 and K - K//2 episodes,
  N_trim is :func:`~mdplab.algorithms.offline.vilcb_episodic.n_trim` of the aux counts (eq. (56),
  delta = 0.05), and a uniform subset without replacement of the main transitions leaving (h, s)
  has multivariate-hypergeometric (a, s') counts; Alg. 2 only reads counts, so this is exactly
  the law of ``vi_lcb_subsampled`` (which needs episode arrays: 3.4 10^6 transitions per
  dataset at H = 32, kappa = 0.1). The library's test suite compares the two.
* c_b = 0.05 with the log folded in (the value of the paper's experiment) is the main run.
  c_b = 16 with L = log(NH/delta) (Remark 4's constant) is the negative control: its
  pessimism exceeds V* at state 0 at these K, every Q_hat_h(0, .) is clipped to 0, and the
  returned action is the tie rule's coin flip ('theory constants make everything fail').

Data are drawn as counts, exactly: K i.i.d. episodes of a Markov chain on the two reachable
states give (N_h(0), N_h(1)) as a chain of binomial splits (action: Bin(N_h(s), 1/2); next
state: Bin(N_h(s, a), P_h(0 | s, a))), O(H) draws per dataset whatever K is.

Per cell (one seed, ``datasets`` datasets) ``run_cell`` returns the means over datasets of:
``subopt_over_eps`` = (V*_0 - V^pi_hat_0)(rho) / eps (exact evaluation; the primary
statistic), ``p_fail_eps`` = P(V* - V^pi_hat > eps) (the event of Theorem 3; on this family
even a coin-flip policy loses only about 0.65-0.85 eps, so it is rare), ``p_fail_half_eps``
= P(V* - V^pi_hat > eps/2), ``step_error`` = fraction of the informative steps h < H-1 with
pi_hat_h(0) != theta_h, ``p_any_step_wrong``, ``tie_fraction`` = fraction of informative
steps with Q_hat_h(0, 0) = Q_hat_h(0, 1) (both clipped to 0), ``two_point_step_bound`` = the
mean over informative steps of the two-point (Le Cam) lower bound on the per-step error of ANY
estimator (:meth:`HardEpisodicInstance.two_point_bound`; it bounds the error averaged over
the two values of theta_h, hence over theta ~ uniform), ``kept_fraction`` = transitions
used / (K H), and ``K``. The figure fits the log-log slope in H with its 99% t-interval
(4 points, 2 degrees of freedom) and :func:`slope_summary` adds a bootstrap interval over
seeds.
"""

from __future__ import annotations

import numpy as np

from mdplab.experiments.params import Param, Values, resolve_params

NAME = "vilcb_horizon_dependence"
BASE_SEED = 20220412
PARAMS = {
    "S": Param(int, 4, "states of hard_episodic", low=2, high=10_000),
    "C": Param(float, 2.0, "concentrability C of hard_episodic", low=1.0),
    "epsilon": Param(float, 0.5, "target accuracy eps (the instance's total gap)", low=1e-9,
                     high=1.0),
    "delta": Param(float, 0.05, "failure probability (penalty and N_trim)", low=1e-12,
                   high=1.0),
    "c_b_main": Param(float, 0.05, "c_b of the main run (log folded in, as in the paper's "
                                   "experiment)", low=0.0),
    "c_b_remark4": Param(float, 16.0, "c_b of the negative control (Remark 4, with "
                                      "L = log(NH/delta))", low=0.0),
}
DEFAULTS = resolve_params(PARAMS)
S, C, EPSILON, DELTA = DEFAULTS.S, DEFAULTS.C, DEFAULTS.epsilon, DEFAULTS.delta  # defaults
HORIZONS = (4, 8, 16, 32)
#: name -> (algorithm, the parameter holding its c_b, fold_log)
VARIANTS = {
    "alg2_main": ("alg2", "c_b_main", True),
    "alg3_main": ("alg3", "c_b_main", True),
    "alg2_remark4": ("alg2", "c_b_remark4", False),
    "alg3_remark4": ("alg3", "c_b_remark4", False),
}
KEYS = ("K", "subopt_over_eps", "p_fail_eps", "p_fail_half_eps", "step_error",
        "p_any_step_wrong", "tie_fraction", "two_point_step_bound", "kept_fraction")


def grid(quick: bool, params: Values = DEFAULTS) -> list[dict]:
    if quick:
        kappas, variants, M = (0.003, 0.03), ("alg2_main", "alg3_main", "alg2_remark4"), 300
    else:
        kappas, variants, M = (0.003, 0.01, 0.03, 0.1), tuple(VARIANTS), 1000
    return [{"H": H, "kappa": k, "variant": v, "datasets": M}
            for v in variants for k in kappas for H in HORIZONS]


def n_seeds(quick: bool) -> int:
    return 3 if quick else 10


def episodes(H: int, kappa: float, params: Values = DEFAULTS) -> int:
    """K = round(kappa H^3 S C / eps^2), at least 2 (Alg. 3 splits the episodes in two)."""
    return max(2, int(round(kappa * H ** 3 * params.S * params.C / params.epsilon ** 2)))


# ------------------------------------------------------------------ data, as counts
def sample_counts(inst, K: int, M: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Counts of M datasets of K behaviour episodes of ``inst`` (a HardEpisodicInstance).

    Returns n (M, H, S, A) and nn (M, H, S, A, S), int64: the exact joint law of the counts of
    K i.i.d. episodes from s_0 ~ mu under the uniform behaviour (only states 0 and 1 are
    reachable, so the episode chain is tracked through (N_h(0), N_h(1)) by binomial splits).
    """
    mdp = inst.mdp
    H, S_, A = mdp.shape
    P = np.asarray(mdp.P)
    if A != 2 or not np.allclose(P[:, :2, :, 2:], 0.0):
        raise ValueError("sample_counts expects the hard_episodic family (states 0, 1 closed)")
    n = np.zeros((M, H, S_, A), dtype=np.int64)
    nn = np.zeros((M, H, S_, A, S_), dtype=np.int64)
    N0 = rng.binomial(K, float(inst.mu[0]), size=M)
    for h in range(H):
        at = (N0, K - N0)
        to0 = np.zeros(M, dtype=np.int64)
        for s in (0, 1):
            a0 = rng.binomial(at[s], float(inst.behavior[h, s, 0]))
            for a, na in ((0, a0), (1, at[s] - a0)):
                z = rng.binomial(na, P[h, s, a, 0])
                n[:, h, s, a] = na
                nn[:, h, s, a, 0], nn[:, h, s, a, 1] = z, na - z
                to0 += z
        N0 = to0
    return n, nn


def trimmed_counts(inst, K: int, M: int, rng, delta: float = DELTA):
    """Counts of D_trim of Algorithm 3 for M datasets of K episodes, drawn in law.

    D_main ~ K//2 episodes and D_aux ~ K - K//2 episodes, independent (a uniformly random
    split of i.i.d. episodes); kept_h(s) = min{floor(N_trim_h(s)), N_main_h(s)} with N_trim
    from eq. (56) (:func:`~mdplab.algorithms.offline.vilcb_episodic.n_trim`); the kept
    (a, s') counts at (h, s) are multivariate hypergeometric from the main counts (sequential
    conditional hypergeometric draws). Returns (n, nn) as :func:`sample_counts`.
    """
    from mdplab.algorithms.offline.vilcb_episodic import n_trim

    H, S_, A = inst.mdp.shape
    n_main, nn_main = sample_counts(inst, K // 2, M, rng)
    n_aux, _ = sample_counts(inst, K - K // 2, M, rng)
    main_s = n_main.sum(axis=-1)                                   # (M, H, S)
    trim = n_trim(n_aux.sum(axis=-1), H, S_, delta)
    kept = np.minimum(np.floor(trim).astype(np.int64), main_s)
    colors = nn_main.reshape(M, H, S_, A * S_)
    out = np.zeros_like(colors)
    left, pool = kept.copy(), main_s.copy()
    for j in range(A * S_ - 1):
        pool = pool - colors[..., j]
        draw = rng.hypergeometric(colors[..., j], pool, left)
        out[..., j] = draw
        left = left - draw
    out[..., -1] = left
    nn = out.reshape(M, H, S_, A, S_)
    return nn.sum(axis=-1), nn


# ------------------------------------------------------------------ one cell
def run_cell(config: dict, seed: int, params: Values = DEFAULTS) -> dict:
    from mdplab.algorithms.offline.vilcb_episodic import vi_lcb_episodic
    from mdplab.envs.offline_hard_episodic import hard_episodic_instance
    from mdplab.planning import backward_induction, evaluate_policy

    H, kappa, M = int(config["H"]), float(config["kappa"]), int(config["datasets"])
    alg, c_b_name, fold_log = VARIANTS[config["variant"]]
    c_b = params[c_b_name]
    S, C, EPSILON, DELTA = params.S, params.C, params.epsilon, params.delta
    rng = np.random.default_rng(seed)
    inst = hard_episodic_instance(S=S, H=H, C=C, epsilon=EPSILON)     # theta = 0
    mdp = inst.mdp
    v_star = float(backward_induction(mdp).V[0] @ mdp.rho)
    K = episodes(H, kappa, params)
    if alg == "alg2":
        n, nn = sample_counts(inst, K, M, rng)
    else:
        n, nn = trimmed_counts(inst, K, M, rng, delta=DELTA)
    thetas = rng.integers(0, 2, size=(M, H))
    info = np.arange(H - 1)                                            # informative steps
    sub, wrong, tie = np.empty(M), np.empty(M), np.empty(M)
    any_wrong = np.empty(M, dtype=bool)
    for m in range(M):
        # data of M_theta = data of M_0 with the two actions swapped at the steps theta_h = 1
        flip = thetas[m][:, None, None] == 1
        n_t = np.where(flip, n[m][:, :, ::-1], n[m])
        nn_t = np.where(flip[..., None], nn[m][:, :, ::-1], nn[m])
        res = vi_lcb_episodic((n_t, nn_t), mdp.r, c_b=c_b, delta=DELTA, fold_log=fold_log)
        pi0 = np.asarray(res.policy) ^ thetas[m][:, None]            # back in M_0's labels
        sub[m] = v_star - float(evaluate_policy(mdp, pi0).V[0] @ mdp.rho)
        wrong_steps = pi0[info, 0] != 0
        wrong[m] = wrong_steps.mean()
        tie[m] = np.mean(res.Q[info, 0, 0] == res.Q[info, 0, 1])
        any_wrong[m] = wrong_steps.any()
    sub = np.maximum(sub, 0.0)        # exact evaluation; a -1e-15 round-off is not a gain
    return {
        "K": float(K),
        "subopt_over_eps": float(sub.mean() / EPSILON),
        "p_fail_eps": float(np.mean(sub > EPSILON)),
        "p_fail_half_eps": float(np.mean(sub > EPSILON / 2)),
        "step_error": float(wrong.mean()),
        "p_any_step_wrong": float(any_wrong.mean()),
        "tie_fraction": float(tie.mean()),
        "two_point_step_bound": float(np.mean([inst.two_point_bound(h, K) for h in info])),
        "kept_fraction": float(n.sum(axis=(1, 2, 3)).mean() / (K * H)),
    }


# ------------------------------------------------------------------ slopes and the figure
def _by_H(table, variant, kappa, key):
    rows = [r for r in table if r["variant"] == variant and r["kappa"] == kappa]
    Hs = sorted({r["H"] for r in rows})
    Y = [[r[key] for r in rows if r["H"] == H] for H in Hs]
    width = min((len(y) for y in Y), default=0)
    return np.array(Hs, dtype=float), np.array([y[:width] for y in Y], dtype=float)


def slope_summary(table: list[dict], key: str = "subopt_over_eps", n_boot: int = 2000,
                  seed: int = 0) -> dict:
    """{(variant, kappa): {"slope", "t99" (the 99% t-interval of the log-log fit of the mean
    over seeds against H), "boot95" (2.5-97.5% of the slope over a bootstrap of the seeds at
    every H)}} for ``key``; cells whose mean is 0 at some H are skipped."""
    from mdplab.claims.stats import loglog_slope

    rng = np.random.default_rng(seed)
    out = {}
    for v in dict.fromkeys(r["variant"] for r in table):
        for k in sorted({r["kappa"] for r in table if r["variant"] == v}):
            Hs, Y = _by_H(table, v, k, key)
            if Hs.size < 3 or Y.shape[1] == 0 or np.any(Y.mean(axis=1) <= 0):
                continue
            fit = loglog_slope(Hs, Y.mean(axis=1))
            idx = rng.integers(0, Y.shape[1], size=(n_boot, Y.shape[0], Y.shape[1]))
            means = np.take_along_axis(np.broadcast_to(Y, idx.shape), idx, axis=2).mean(axis=2)
            ok = np.all(means > 0, axis=1)
            lx = np.log(Hs) - np.log(Hs).mean()
            slopes = (np.log(means[ok]) @ lx) / (lx @ lx)
            out[(v, k)] = {"slope": fit.slope, "t99": fit.interval,
                           "boot95": tuple(np.percentile(slopes, [2.5, 97.5]).tolist())}
    return out


def plot(table: list[dict], params: Values = DEFAULTS):
    from mdplab.plotting import style

    with style():
        return _plot(table, params)


def _plot(table: list[dict], params: Values):
    from matplotlib.ticker import NullLocator

    from mdplab.plotting import legend_below, new_figure, rate_curve, suptitle

    fig, (ax_a, ax_b, ax_c, ax_d) = new_figure(4, "full", ncols=2, height=6.6)
    kappas = sorted({r["kappa"] for r in table})
    colors = {k: f"C{i}" for i, k in enumerate(kappas)}
    style = {"alg2": "-", "alg3": "--"}
    name = {"alg2": "Alg. 2", "alg3": "Alg. 3"}
    present = list(dict.fromkeys(r["variant"] for r in table))
    Hs = np.array(HORIZONS, dtype=float)

    def curve(ax, v, k, key, label, **kw):
        x, Y = _by_H(table, v, k, key)
        if x.size < 3 or Y.shape[1] == 0:
            return
        rate_curve(ax, x, Y, label, color=colors[k], center="mean", **kw)
        ax.lines[-1].set_linestyle(style[VARIANTS[v][0]])

    # (a) E[subopt]/eps, c_b = 0.05
    main, r4 = f"$c_b = {params.c_b_main:g}$", f"$c_b = {params.c_b_remark4:g}$"
    for v in ("alg2_main", "alg3_main"):
        if v in present:
            for k in kappas:
                curve(ax_a, v, k, "subopt_over_eps", f"{name[v[:4]]}, $\\kappa = {k:g}$")
    y0 = np.mean([r["subopt_over_eps"] for r in table if r["variant"] == "alg2_main"
                  and r["H"] == Hs[0]] or [0.3])
    ax_a.loglog(Hs, np.full(Hs.size, y0), "k:", lw=1,
                label=r"slope 0 (Theorem 3: $H^3 S C / \varepsilon^2$)")
    ax_a.loglog(Hs, y0 * (Hs / Hs[0]) ** 0.5, "k--", lw=0.8,
                label=r"slope 1/2 (if $H^4 S C / \varepsilon^2$ were needed)")
    ax_a.set(xlabel="horizon $H$",
             ylabel=r"$\mathbb{E}[V^\star_0(\rho) - V^{\hat\pi}_0(\rho)]\, /\, \varepsilon$",
             title=f"(a) expected suboptimality / $\\varepsilon$, {main} (log folded)")
    # (b) per-step error with the two-point bound of any estimator
    for k in kappas:
        curve(ax_b, "alg2_main", k, "step_error", f"Alg. 2, $\\kappa = {k:g}$")
        x, Y = _by_H(table, "alg2_main", k, "two_point_step_bound")
        if x.size:
            ax_b.loglog(x, Y.mean(axis=1), ":", color=colors[k], lw=1.2)
    ax_b.plot([], [], "k:", lw=1.2, label="two-point bound, any estimator")
    ax_b.set(xlabel="horizon $H$",
             ylabel=r"per-step error $P(\hat\pi_h(0) \neq \theta_h)$",
             title=f"(b) per-step error ($h < H - 1$), Alg. 2, {main}")
    # (c) threshold failure rates (linear y: they reach 0)
    for v in ("alg2_main", "alg3_main"):
        if v not in present:
            continue
        for k in kappas:
            for key, marker in (("p_fail_half_eps", "o"), ("p_fail_eps", "^")):
                x, Y = _by_H(table, v, k, key)
                if x.size == 0 or Y.shape[1] == 0:
                    continue
                m = Y.mean(axis=1)
                se = Y.std(axis=1, ddof=1) / np.sqrt(Y.shape[1]) if Y.shape[1] > 1 else 0 * m
                ax_c.errorbar(x, m, yerr=2 * se, fmt=marker + style[VARIANTS[v][0]],
                              color=colors[k], lw=1, elinewidth=0.7)
    for k in kappas:
        ax_c.plot([], [], "-", color=colors[k], label=f"$\\kappa = {k:g}$")
    ax_c.plot([], [], "ko", label=r"$P(\mathrm{SubOpt} > \varepsilon/2)$")
    ax_c.plot([], [], "k^", label=r"$P(\mathrm{SubOpt} > \varepsilon)$")
    ax_c.plot([], [], "k-", label="Alg. 2")
    ax_c.plot([], [], "k--", label="Alg. 3")
    ax_c.set_xscale("log")
    ax_c.set(xlabel="horizon $H$", ylabel=r"failure rate (mean over seeds, $\pm 2$ s.e.)",
             title=f"(c) threshold failures, {main}")
    # (d) the theory constant (Remark 4, with L = log(NH/delta))
    for v in ("alg2_remark4", "alg3_remark4"):
        if v not in present:
            continue
        for k in kappas:
            x, Y = _by_H(table, v, k, "subopt_over_eps")
            _, T = _by_H(table, v, k, "tie_fraction")
            if x.size == 0 or Y.shape[1] == 0:
                continue
            ax_d.plot(x, Y.mean(axis=1), "o" + style[VARIANTS[v][0]], color=colors[k],
                      label=f"{name[v[:4]]}, $\\kappa = {k:g}$")
            ax_d.plot(x, T.mean(axis=1), "x" + style[VARIANTS[v][0]], color=colors[k], ms=4,
                      lw=0.6)
    ax_d.plot([], [], "kx", ms=4, label=r"fraction of steps with $\hat Q_h(0, \cdot) = 0$ (tie)")
    ax_d.set_xscale("log")
    ax_d.set_ylim(-0.03, 1.05)
    ax_d.set(xlabel="horizon $H$",
             ylabel=r"$\mathbb{E}[\mathrm{SubOpt}] / \varepsilon$ (o), tie fraction (x)",
             title=f"(d) negative control: {r4} (Remark 4)")
    for ax in (ax_a, ax_b, ax_c, ax_d):
        ax.set_xticks(Hs, [f"{int(h)}" for h in Hs])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.grid(True, which="both")
        legend_below(ax)
    n = max((_by_H(table, v, k, "K")[1].shape[1] for v in present for k in kappas
             if _by_H(table, v, k, "K")[0].size), default=0)
    M = table[0]["datasets"] if table else 0
    suptitle(fig, f"VI-LCB on $\\mathtt{{hard\\_episodic}}$ ($S = {params.S}$, "
                  f"$C = {params.C:g}$, "
                  f"$\\varepsilon = {params.epsilon:g}$), $\\delta = {params.delta:g}$, with "
                  r"$K = \kappa H^3 S C / \varepsilon^2$ episodes, $\theta$ random; "
                  f"{n} seeds $\\times$ {M} datasets per point; slopes in $H$ with 99% "
                  "interval (exploratory)")
    return fig
