"""Amortila, Foster, Jiang, Sekhari & Xie (2024): GLOW, density ratios and coverability.

Source: P. Amortila, D. J. Foster, N. Jiang, A. Sekhari, T. Xie (2024). *Harnessing Density
Ratios for Online Reinforcement Learning.* arXiv:2401.09681 (v2, ICLR 2024) [AFJSX24],
Algorithm 1 (GLOW, its constants gamma_t = gamma t, alpha_t = 8/gamma_t,
beta_t = 36 gamma_t L / (K (t-1))), Sec. 3; GOLF (Jin, Liu & Miryoosefi 2021,
arXiv:2102.00815, Algorithm 1) as the coverability baseline.

The paper's finite-sample guarantees are vacuous at every size a machine can run (the
explicit-constant form of Lemma E.4 needs T ~ 1e12 before the risk drops below 1), so these
claims check what can be checked exactly (the library's plan for this family, claims 8-14):
the closed forms of the population runs on the needle and code classes (derived by the
library: a wrong needle played n times has, against its W-path mix weight, the constraint
value (n/(t-1))(t/(n+1))(Delta - 8/(gamma (n+1))), positive iff n + 1 > 8/(gamma Delta)),
regret following the coverability at a fixed number of states, its independence of the
block size, the burn-in that the constants force on the sampled algorithm, and the sampled
algorithms' agreement with those counts in the regime where they are feasible.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps

from mdplab.algorithms.density_ratio import (
    ValueClass,
    code_class,
    glow_burn_in,
    glow_constants,
    glow_log,
    needle_class,
)
from mdplab.algorithms.density_ratio import local_fitting_optimism as _golf_mod
from mdplab.algorithms.density_ratio import weight_function_optimism as _glow_mod
from mdplab.algorithms.density_ratio.protocol import ClassSetup
from mdplab.algorithms.density_ratio.statistics import TupleStatistics
from mdplab.claims import Claim
from mdplab.envs import block_lock, rich_lock

PAPER = "amortila2024"
SRC = "Amortila, Foster, Jiang, Sekhari & Xie (2024), arXiv:2401.09681"
ALPHA = 1e-4          # false-alarm probability of the binomial safety tests
DELTA = 0.1           # the runs' failure probability


# ------------------------------------------------------------------ the implementations
def _glow_population(mdp, F, *, T, gamma=1.0, beta=0.0, order=None):
    return _glow_mod.glow_population(mdp, F, T=T, gamma=gamma, beta=beta, order=order)


def _glow(mdp, F, *, T, K, gamma=1.0, delta=DELTA, w_count=None, kappa=1.0, rng=None):
    return _glow_mod.glow(mdp, F, T=T, K=K, gamma=gamma, delta=delta, w_count=w_count,
                          kappa=kappa, rng=rng)


def _golf(mdp, F, *, T, delta=DELTA, rng=None):
    return _golf_mod.golf(mdp, F, T=T, delta=delta, rng=rng)


def _golf_population(mdp, F, *, T):
    return _golf_mod.golf_population(mdp, F, T=T)


def _constraint(setup, X, Y, W, g_t, alpha):
    return _glow_mod._constraints(setup, X, Y, W, g_t, alpha)


# ------------------------------------------------------------------ planted bugs
def _pieces_variant(**pieces):
    P = _glow_mod.Pieces(**pieces)

    def population(mdp, F, *, T, gamma=1.0, beta=0.0, order=None):
        return _glow_mod._glow_population(mdp, F, T=T, gamma=gamma, beta=beta, order=order,
                                          pieces=P)

    def sampled(mdp, F, *, T, K, gamma=1.0, delta=DELTA, w_count=None, kappa=1.0, rng=None):
        return _glow_mod._glow_sampled(mdp, F, T=T, K=K, gamma=gamma, delta=delta,
                                       w_count=w_count, kappa=kappa, order=None, rng=rng,
                                       pieces=P)

    return population, sampled


def _penalty_halved(t, gamma, K, L, kappa):
    g_t, alpha, beta = _glow_mod._constants_unchecked(t, gamma, K, L, kappa)
    return g_t, alpha / 2.0, beta


def _beta_halved(t, gamma, K, L, kappa):
    g_t, alpha, beta = _glow_mod._constants_unchecked(t, gamma, K, L, kappa)
    return g_t, alpha, beta / 2.0


def _same_layer_next_values(F):
    """The misprint of [AFJSX24] App. E.1: max_a' f_h(s', a') in hatDelta_h f."""
    return F.values.max(axis=3)


_GLOW_PEN_HALVED = _pieces_variant(constants=_penalty_halved)
_GLOW_SAME_LAYER = _pieces_variant(next_values=_same_layer_next_values)


def _golf_losses_averaged(mdp, F, *, T, delta=DELTA, rng=None):
    """GOLF comparing mean squared losses (not sums) with beta: nothing is ever eliminated."""

    def excess(stats, values, nxt):
        m = max(float(stats.N[0].sum()), 1.0)
        return _golf_mod.excess_losses(stats, values, nxt) / m

    return _golf_mod._golf_sampled(mdp, F, T=T, K=1, beta=None, c=1.0, delta=delta,
                                   order=None, rng=rng, excess=excess)


def _needles_on_one_observation(mdp, m, *, size=None, scale=None):
    """Needles that target only the first observation of their block (a builder bug that
    makes the class, and hence the regret, depend on the block size m)."""
    F = needle_class(mdp, m, size=size, scale=scale)
    H, S, A = mdp.shape
    from mdplab.planning import backward_induction

    vals = np.array(F.values)
    k = S // m
    for j in range(k * A):
        z, a = divmod(j, A)
        r = np.zeros((H, S, A))
        r[H - 1, z * m, a] = 1.0
        vals[j] = backward_induction(mdp.with_rewards(r)).Q
    return ValueClass(vals, F.names, truth=F.truth, reward_scale=F.reward_scale)


# ------------------------------------------------------------------ checks
def _needle_instance(k, m, H=None):
    b = int(round(math.log2(k)))
    return block_lock(k=k, m=m, A=2, H=max(3, b + 1) if H is None else H, r_star=0.5)


def _check_needles(budget, rng, impl):
    """Claim 8: plays and regret of population GLOW on needles, exactly."""
    gammas = (1.0, 0.5) if budget == "quick" else (1.0, 0.5, 0.25)
    cells = ((1, 1), (2, 2), (4, 1)) if budget == "quick" else tuple(
        (k, m) for k in (1, 2, 4, 8) for m in (1, 2, 4))
    worst, bad, rows = 0.0, 0, []
    for gamma in gammas:
        for k, m in cells:
            mdp = _needle_instance(k, m)
            F = impl.needle_class(mdp, m)
            T = int((8 / gamma) * (2 * k - 1) + 16 / gamma + 1) + 3
            res = impl.glow_population(mdp, F, T=T, gamma=gamma)
            want = (4 / gamma) * (2 * k - 1)
            true_needle = 2 * k - 1
            plays = res.plays
            wrong_ok = all(plays[j] == 8 / gamma for j in range(2 * k) if j != true_needle)
            ok = wrong_ok and plays[true_needle] == 16 / gamma
            dev = abs(res.total_regret - want)
            worst = max(worst, dev)
            bad += (not ok) or dev > 1e-9
            rows.append((gamma, k, m, res.total_regret, want))
    return {"statistic": worst, "bound": 1e-9, "passed": bad == 0,
            "details": {"cells": len(rows), "mismatched_cells": bad,
                        "regret_vs_closed_form": rows[:12]}}


def _check_equal_states(budget, rng, impl):
    """Claim 9: S = 32, |F| = 129: GLOW Reg = 4(2k-1), GOLF Reg = (2k-1)/2."""
    cells = ((1, 32), (8, 4)) if budget == "quick" else (
        (1, 32), (2, 16), (4, 8), (8, 4), (16, 2), (32, 1))
    worst, glows, golfs = 0.0, [], []
    for k, m in cells:
        mdp = block_lock(k=k, m=m, A=2, H=6, r_star=0.5)
        F = impl.needle_class(mdp, m, size=129)
        a = impl.glow_population(mdp, F, T=600, gamma=1.0).total_regret
        b = impl.golf_population(mdp, F, T=600).total_regret
        worst = max(worst, abs(a - 4 * (2 * k - 1)), abs(b - (2 * k - 1) / 2))
        glows.append(a)
        golfs.append(b)
    increasing = all(np.diff(glows) > 0) and all(np.diff(golfs) > 0)
    return {"statistic": worst, "bound": 1e-9, "passed": worst <= 1e-9 and increasing,
            "details": {"cells": cells, "glow_regret": glows, "golf_regret": golfs,
                        "C_cov": [2 * k for k, _ in cells]}}


def _check_block_size(budget, rng, impl):
    """Claim 10: the per-iteration regret of population GLOW does not depend on m."""
    ks = (2,) if budget == "quick" else (2, 4)
    ms = (1, 2, 4) if budget == "quick" else (1, 2, 4, 8)
    worst = 0.0
    for k in ks:
        seqs = []
        for m in ms:
            mdp = _needle_instance(k, m, H=4)
            seqs.append(impl.glow_population(mdp, impl.needle_class(mdp, m), T=60).regret)
        worst = max(worst, max(float(np.abs(s - seqs[0]).max()) for s in seqs))
    return {"statistic": worst, "bound": 1e-12, "passed": worst <= 1e-12,
            "details": {"k": ks, "m": ms, "T": 60}}


def _check_lock(budget, rng, impl):
    """Claim 11: on every code, population GLOW Reg <= 4 H (A-1) (attained), GOLF Reg <=
    r* H (A-1) (attained), identical across m."""
    grid = ((2, 3),) if budget == "quick" else ((2, 3), (2, 4), (2, 5), (3, 3))
    ms = (1,) if budget == "quick" else (1, 3)
    worst_glow, worst_golf, attained, across_m = 0.0, 0.0, True, 0.0
    for A, H in grid:
        T = 8 * H * A + 80
        g_max, f_max = 0.0, 0.0
        for code in np.ndindex(*(A,) * H):
            regs = []
            for m in ms:
                lock = rich_lock(H=H, A=A, m=m, code=np.array(code), r_star=0.5)
                F = impl.code_class(lock)
                g = impl.glow_population(lock, F, T=T, gamma=1.0).total_regret
                f = impl.golf_population(lock, F, T=T).total_regret
                regs.append((g, f))
                g_max, f_max = max(g_max, g), max(f_max, f)
                worst_glow = max(worst_glow, g / (4 * H * (A - 1)))
                worst_golf = max(worst_golf, f / (0.5 * H * (A - 1)))
            across_m = max(across_m, max(abs(r[0] - regs[0][0]) + abs(r[1] - regs[0][1])
                                         for r in regs))
        attained &= (abs(g_max - 4 * H * (A - 1)) < 1e-9 and abs(f_max - 0.5 * H * (A - 1))
                     < 1e-9)
    stat = max(worst_glow, worst_golf)
    return {"statistic": stat, "bound": 1.0,
            "passed": stat <= 1.0 + 1e-9 and attained and across_m <= 1e-9,
            "details": {"grid": grid, "m": ms, "glow_ratio_max": worst_glow,
                        "golf_ratio_max": worst_golf, "attained": attained,
                        "across_m": across_m}}


def _check_burn_in(budget, rng, impl):
    """Claim 12: no member leaves F^(t) while K (t-1) <= 1152 kappa L, whatever the data;
    on adversarial data (every tuple on one cell, reward 0, a member with hatDelta = 1
    there, constant weights) the bound is attained: eliminated just above the threshold."""
    # (a) adversarial data, H = 1 bandit-like model with one cell carrying all tuples
    mdp = block_lock(k=1, m=1, A=2, H=1, r_star=0.0)
    vals = np.zeros((2, 1, 1, 2))
    vals[0, 0, 0, 0] = 1.0                               # hatDelta = 1 - 0 - 0 at (0, 0)
    F = ValueClass(vals, truth=1)
    setup = ClassSetup(mdp, F, None)
    L = glow_log(2, 4, 50, 1, DELTA)
    below_ok, above_hit, consistent, cases = True, True, True, 0
    for kappa in (1.0, 0.5):
        for K in (1, 7, 100):
            thr = 1152.0 * kappa * L
            t_last = impl.glow_burn_in(K, L, kappa)
            for t, inside in ((t_last, True), (t_last + 1, False)):
                if t < 2:
                    continue
                m = K * (t - 1)
                g_t, alpha, beta = impl.glow_constants(t, 1.0, K, L, kappa)
                st = TupleStatistics(1, 1, 2)
                st.add_episodes(np.zeros((m, 2), dtype=np.int64), np.zeros((m, 1), dtype=np.int64),
                                np.zeros((m, 1)), 1.0)
                E = st.residual_sums(F.values, F.next_values())
                grid = np.linspace(0.0, g_t, 401)                  # includes g_t / 16
                W = np.broadcast_to(grid[:, None, None, None], (grid.size, 1, 1, 2)).copy()
                C = impl.constraint(setup, E / m, st.N / m, W, g_t, alpha)
                cases += 1
                consistent &= (m <= thr) == inside       # glow_burn_in is the threshold
                if inside:
                    below_ok &= bool((C <= beta + 1e-12).all())
                else:
                    above_hit &= bool((C[0] > beta).any())
    # (b) empirical runs on needles: everything alive up to the burn-in iteration
    runs = ((2, 1, 0),) if budget == "quick" else tuple(
        (k, m, s) for k in (1, 2) for m in (1, 2) for s in range(3))
    alive_ok = True
    for k, m, seed in runs:
        lock = block_lock(k=k, m=m, A=2, H=4, r_star=0.5)
        res = impl.glow(lock, impl.needle_class(lock, m, size=33), T=40, K=3000, rng=seed)
        burn = impl.glow_burn_in(3000, res.params["L"])
        alive_ok &= bool(res.alive[:burn].all())
    passed = below_ok and above_hit and alive_ok and consistent
    return {"statistic": float(not passed), "bound": 0.0, "passed": passed,
            "details": {"adversarial_cases": cases, "below_threshold_kept": below_ok,
                        "burn_in_is_the_threshold": consistent,
                        "just_above_eliminated": above_hit, "runs_alive_to_burn_in": alive_ok}}


def _binomial_ok(failures: int, runs: int, delta: float) -> tuple[bool, float]:
    """One-sided binomial test of 'failure probability <= delta': p-value of >= failures."""
    p = float(sps.binom.sf(failures - 1, runs, delta)) if failures else 1.0
    return p >= ALPHA, p


def _check_sampled_glow(budget, rng, impl):
    """Claim 13: sampled GLOW (K = 3000, T = 200, |F| = 33, gamma = 1, kappa = 1): Q* stays
    in F^(t) (failure probability <= delta, binomial test), each wrong needle is played
    10 times (+-1) and the iteration regret is 5 (2k - 1) (+-1 play of 1/2)."""
    cells = ((2, 1),) if budget == "quick" else tuple(
        (k, m) for k in (1, 2, 4, 8) for m in (1, 2, 4, 8) if k * m <= 32)
    seeds = range(2) if budget == "quick" else range(20)
    lost, runs, off = 0, 0, 0
    means = {}
    for k, m in cells:
        lock = block_lock(k=k, m=m, A=2, H=4, r_star=0.5)
        F = impl.needle_class(lock, m, size=33)
        regs = []
        for seed in seeds:
            res = impl.glow(lock, F, T=200, K=3000, gamma=1.0, rng=seed)
            runs += 1
            lost += not bool(res.truth_alive.all())
            wrong = [j for j in range(2 * k) if j != 2 * k - 1]
            off += any(abs(int(res.plays[j]) - 10) > 1 for j in wrong)
            off += abs(res.total_regret - 5 * (2 * k - 1)) > 0.5 * len(wrong) + 1e-9
            regs.append(res.total_regret)
        means[(k, m)] = float(np.mean(regs))
    ok, p = _binomial_ok(lost, runs, DELTA)
    return {"statistic": lost / runs, "bound": DELTA, "passed": ok and off == 0,
            "details": {"runs": runs, "truth_lost": lost, "p_value": p,
                        "count_mismatches": off, "mean_regret": means}}


def _check_sampled_golf(budget, rng, impl):
    """Claim 14: sampled GOLF (T = 400, one episode per iteration, beta = ln(T H |F| /
    delta) = 13.18): each wrong needle played floor(beta) + 1 = 14 times, episode regret
    7 (2k - 1), Q* never eliminated."""
    ks = (1, 2) if budget == "quick" else (1, 2, 4)
    seeds = range(2) if budget == "quick" else range(5)
    bad, runs, lost = 0, 0, 0
    for k in ks:
        lock = block_lock(k=k, m=2, A=2, H=4, r_star=0.5)
        F = impl.needle_class(lock, 2, size=33)
        for seed in seeds:
            res = impl.golf(lock, F, T=400, rng=seed)
            n = math.floor(res.params["beta"]) + 1
            runs += 1
            lost += not bool(res.truth_alive.all())
            wrong = [j for j in range(2 * k) if j != 2 * k - 1]
            bad += any(int(res.plays[j]) != n for j in wrong)
            bad += abs(res.total_regret - 0.5 * n * len(wrong)) > 1e-9
    return {"statistic": bad + lost, "bound": 0.0, "passed": bad + lost == 0,
            "details": {"runs": runs, "mismatches": bad, "truth_lost": lost}}


_IMPL = {"glow_population": _glow_population, "glow": _glow, "golf": _golf,
         "golf_population": _golf_population, "needle_class": needle_class,
         "code_class": code_class, "glow_constants": glow_constants,
         "glow_burn_in": glow_burn_in, "constraint": _constraint}


def _impl(*names):
    return {n: _IMPL[n] for n in names}


CLAIMS = [
    Claim(
        id=f"{PAPER}.needle_closed_form",
        paper=PAPER,
        statement="Population GLOW on the needle class of BlockLock(k, m, A=2): each wrong "
        "needle is played exactly 8/gamma times, the true-target needle 16/gamma times, and "
        "Reg = (4/gamma)(2k - 1) = r* (8/gamma)(C_cov - 1), for every block size m",
        source=f"{SRC}, Algorithm 1 constants (alpha_t = 8/gamma_t); closed form derived by "
        "the library (plan claim 8)",
        check=_check_needles, implementation=_impl("glow_population", "needle_class"),
        mutants={"penalty_halved": {"glow_population": _GLOW_PEN_HALVED[0]},
                 "needles_on_one_observation": {"needle_class": _needles_on_one_observation}},
    ),
    Claim(
        id=f"{PAPER}.regret_follows_coverability",
        paper=PAPER,
        statement="At S = 32 and |F| = 129 fixed, population GLOW's regret is 4(2k - 1) and "
        "population GOLF's (2k - 1)/2 for BlockLock k in {1,..,32}: strictly increasing in "
        "C_cov = 2k, not in S",
        source=f"{SRC}, Sec. 2-3 (regret scales with C_cov); GOLF of Jin, Liu & Miryoosefi "
        "(2021), arXiv:2102.00815; closed forms derived by the library (plan claim 9)",
        check=_check_equal_states,
        implementation=_impl("glow_population", "golf_population", "needle_class"),
        mutants={"penalty_halved": {"glow_population": _GLOW_PEN_HALVED[0]},
                 "needles_on_one_observation": {"needle_class": _needles_on_one_observation}},
    ),
    Claim(
        id=f"{PAPER}.independent_of_block_size",
        paper=PAPER,
        statement="Same coverability, more states: population GLOW's per-iteration regret on "
        "BlockLock(k, m) is identical (to 1e-12) for every block size m",
        source=f"{SRC}, Sec. 2 (C_cov of a block MDP is that of its latent MDP, Ex. C.2); "
        "plan claim 10",
        check=_check_block_size, implementation=_impl("glow_population", "needle_class"),
        mutants={"needles_on_one_observation": {"needle_class": _needles_on_one_observation}},
    ),
    Claim(
        id=f"{PAPER}.lock_linear_in_horizon",
        paper=PAPER,
        statement="Rich-observation lock, code class (|F| = A^H + 1): for every code, "
        "population GLOW Reg <= 4 H (A - 1) and population GOLF Reg <= H (A - 1)/2, both "
        "attained, the same for every block size: linear in H although |F| grows as A^H",
        source=f"{SRC}, Sec. 3 (regret ~ sqrt(C_cov) with C_cov = 2A for the lock); closed "
        "forms derived by the library (plan claim 11)",
        check=_check_lock,
        implementation=_impl("glow_population", "golf_population", "code_class"),
        mutants={"penalty_halved": {"glow_population": _GLOW_PEN_HALVED[0]}},
    ),
    Claim(
        id=f"{PAPER}.burn_in",
        paper=PAPER,
        statement="With beta_t = 36 kappa gamma_t L / (K (t-1)) and alpha_t = 8/gamma_t, no "
        "hypothesis can leave GLOW's confidence set while K (t-1) <= 1152 kappa L, whatever "
        "the data; on adversarial data the threshold is attained",
        source=f"{SRC}, Algorithm 1, line 3 (constants); the threshold is derived by the "
        "library: hatDelta <= 1 gives a constraint value <= gamma_t/32 (plan claim 12)",
        check=_check_burn_in,
        implementation=_impl("glow_constants", "glow_burn_in", "constraint", "glow",
                             "needle_class"),
        mutants={"beta_halved": {"glow_constants": lambda t, g, K, L, k=1.0:
                                 _beta_halved(t, g, K, L, k)},
                 "burn_in_off_by_one": {"glow_burn_in": lambda K, L, kappa=1.0:
                                        glow_burn_in(K, L, kappa) + 1}},
    ),
    Claim(
        id=f"{PAPER}.sampled_glow_on_needles",
        paper=PAPER,
        statement="Sampled GLOW (K = 3000, T = 200, |F| = 33, gamma = 1, delta = 0.1, "
        "L = 18.465): Q* stays in every confidence set (failure rate <= delta, binomial "
        "test), each wrong needle is played 10 +- 1 times and Reg = 5 (2k - 1) +- 1/2 a play",
        source=f"{SRC}, Algorithm 1 and Theorem 3.1 (w.p. >= 1 - delta, Q* in F^(t), "
        "Lemma E.2(a)); counts from the library's plan (claim 13)",
        check=_check_sampled_glow, implementation=_impl("glow", "needle_class"),
        mutants={"residual_with_f_h_in_the_backup": {"glow": _GLOW_SAME_LAYER[1]}},
        false_alarm=ALPHA,
    ),
    Claim(
        id=f"{PAPER}.sampled_golf_on_needles",
        paper=PAPER,
        statement="Sampled GOLF (one episode per iteration, T = 400, beta = ln(T H |F| / "
        "delta)): each wrong needle is played floor(beta) + 1 = 14 times, Reg = 7 (2k - 1), "
        "and Q* is never eliminated",
        source="Jin, Liu & Miryoosefi (2021), arXiv:2102.00815, Algorithm 1 (GOLF; beta's "
        f"constant c = 1 is the library's); the coverability baseline of {SRC} (plan "
        "claim 14)",
        check=_check_sampled_golf, implementation=_impl("golf", "needle_class"),
        mutants={"losses_averaged_not_summed": {"golf": _golf_losses_averaged}},
    ),
]
