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
    glow_population_bound,
    golf_population_bound,
    hyglow_population_bound,
    needle_class,
    perturbed_model_class,
)
from mdplab.algorithms.density_ratio import hybrid as _hy_mod
from mdplab.algorithms.density_ratio import local_fitting_optimism as _golf_mod
from mdplab.algorithms.density_ratio import weight_function_optimism as _glow_mod
from mdplab.algorithms.density_ratio.protocol import ClassSetup
from mdplab.algorithms.density_ratio.statistics import TupleStatistics
from mdplab.claims import Claim
from mdplab.coverage import (
    clipped_concentrability_cc,
    concentrability_all_policies,
    coverability,
    coverability_brute_force,
    coverability_potential_bound,
    elliptic_potential,
    l2_concentrability_squared,
    potential_increments,
    realised_sec_sum,
)
from mdplab.envs import block_lock, mixing_de_bruijn, random_tabular, rich_lock
from mdplab.planning import backward_induction, occupancy_measure

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



# ------------------------------------------------------------------ coverage (claims 1-5)
def _random_policy(g, H, S, A):
    return g.dirichlet(np.ones(A), size=(H, S))


def _cov_value(impl, mdp, policies=None, method="closed_form"):
    return float(impl.coverability(mdp, policies, method=method).value)


def _coverability_without_A(mdp, policies=None, method="closed_form"):
    """C_h summed over states only (the factor A of sup_pi d_h^pi(s, a) = reach[h, s] lost)."""
    res = coverability(mdp, policies, method=method)
    if policies is None and method == "closed_form":
        return types_ns(value=float(res.value) / mdp.A, per_layer=res.per_layer / mdp.A)
    return res


def types_ns(**kw):
    import types

    return types.SimpleNamespace(**kw)


def _check_cov_exact(budget, rng, impl):
    """Claim 1: closed form, LP and brute force agree to 1e-8."""
    n = 6 if budget == "quick" else 50
    worst = 0.0
    for seed in range(n):
        S, H = (2, 3)[seed % 2], (2, 3)[(seed // 2) % 2]
        mdp = random_tabular(S=S, A=2, H=H, seed=seed)
        a = _cov_value(impl, mdp)
        b = _cov_value(impl, mdp, method="lp")
        c = float(impl.coverability_brute_force(mdp).value)
        worst = max(worst, abs(a - b), abs(a - c))
    return {"statistic": worst, "bound": 1e-8, "passed": worst <= 1e-8,
            "details": {"instances": n, "S": (2, 3), "A": 2, "H": (2, 3)}}


def _check_cov_inequalities(budget, rng, impl):
    """Claim 2: A <= C_cov(all) <= S A, C_cov(Pi) <= C_cov(all), C_cov <= C_conc(mu) with
    equality at mu*, C_star(d^pi*) = 1, CC_h monotone in gamma and <= min(gamma,
    C^2_conc,2), Lemmas F.4 and F.5."""
    n = 5 if budget == "quick" else 30
    n_mu = 10 if budget == "quick" else 100
    g = np.random.default_rng(12)
    fails = []
    for seed in range(n):
        S, A, H = 3 + seed % 6, 2 + seed % 2, 2 + seed % 3
        mdp = random_tabular(S=S, A=A, H=H, seed=seed)
        res = impl.coverability(mdp)
        C = float(res.value)
        if not A - 1e-9 <= C <= S * A + 1e-9:
            fails.append(("range", seed))
        F = perturbed_model_class(mdp, 5, rng=seed)
        if _cov_value(impl, mdp, list(F.policies)) > C + 1e-9:
            fails.append(("class", seed))
        for _ in range(n_mu):
            mu = g.dirichlet(np.ones(S * A), size=H).reshape(H, S, A)
            if C > float(concentrability_all_policies(mdp, mu).value) + 1e-9:
                fails.append(("conc", seed))
        if abs(float(concentrability_all_policies(mdp, res.mu_star).value) - C) > 1e-9:
            fails.append(("mu_star", seed))
        d_star = occupancy_measure(mdp, backward_induction(mdp).policy)
        c_star = float(np.max(np.divide(d_star, d_star, out=np.zeros_like(d_star),
                                        where=d_star > 0)))
        if abs(c_star - 1.0) > 1e-12:
            fails.append(("c_star", seed))
        d_pi = occupancy_measure(mdp, _random_policy(g, H, S, A))
        mu = g.dirichlet(np.ones(S * A), size=H).reshape(H, S, A)
        l2 = np.asarray(l2_concentrability_squared(d_pi, mu))
        prev = None
        for gamma in (0.1, 0.5, 1.0, 2.0, 5.0, 20.0):
            cc = np.asarray(impl.clipped_cc(d_pi, mu, gamma))
            if prev is not None and np.any(cc < prev - 1e-12):
                fails.append(("monotone", seed))
            if np.any(cc > np.minimum(gamma, l2) + 1e-12):
                fails.append(("cc_range", seed))
            w = np.divide(d_pi, mu, out=np.full_like(d_pi, np.inf), where=mu > 0)
            w = np.where(d_pi > 0, w, 0.0)
            tail = (d_pi * (w > gamma)).sum(axis=(1, 2))          # P^pi[d/mu > gamma]
            if np.any(tail > (2.0 / gamma) * cc + 1e-12):
                fails.append(("F.4", seed))
            l2c = (mu * np.minimum(w, gamma) ** 2).sum(axis=(1, 2))
            if np.any(l2c > 2.0 * cc + 1e-12):
                fails.append(("F.5", seed))
            prev = cc
    return {"statistic": len(fails), "bound": 0.0, "passed": not fails,
            "details": {"instances": n, "mu_per_instance": n_mu, "failures": fails[:10]}}


_MIXING = {0.0: 32.0, 0.1: 23.3696, 0.25: 14.1875, 0.5: 6.0, 0.75: 2.9375, 0.9: 2.2496,
           1.0: 2.0}


def _check_cov_reference(budget, rng, impl):
    """Claim 3: BlockLock C_cov(all) = C_cov(needle policies) = 2k; Lock C_cov = 2A with
    C_0 = A; the mixing de Bruijn table to 1e-4."""
    ks = (1, 2, 4) if budget == "quick" else (1, 2, 4, 8, 16, 32)
    ms = (1, 2) if budget == "quick" else (1, 2, 4)
    worst = 0.0
    for k in ks:
        for m in ms:
            if k * m > 64:
                continue
            lock = block_lock(k=k, m=m, A=2, H=6)
            worst = max(worst, abs(_cov_value(impl, lock) - 2 * k))
            pols = list(needle_class(lock, m).policies[:-1])
            worst = max(worst, abs(_cov_value(impl, lock, pols) - 2 * k))
    for A in (2, 3):
        for H in ((2, 4) if budget == "quick" else (2, 3, 4, 5, 6)):
            for m in (1, 3):
                res = impl.coverability(rich_lock(H=H, A=A, m=m, seed=H))
                worst = max(worst, abs(float(res.value) - 2 * A),
                            abs(float(res.per_layer[0]) - A))
    mix_err = max(abs(_cov_value(impl, mixing_de_bruijn(S=16, A=2, H=6, eta=eta)) - want)
                  for eta, want in _MIXING.items())
    return {"statistic": worst, "bound": 1e-9, "passed": worst <= 1e-9 and mix_err <= 1e-4,
            "details": {"block_lock_k": ks, "m": ms, "mixing_error": mix_err,
                        "mixing_table": _MIXING}}


def _potential_excluding_current(occupancies):
    """Phi with sum_{i<t} in the denominator (the current occupancy left out)."""
    d = np.asarray(occupancies, dtype=float)
    before = np.cumsum(d, axis=0) - d
    r = np.divide(d * d, before, out=np.full_like(d, np.inf), where=before > 0)
    r = np.where(d > 0, r, 0.0)
    return r.sum(axis=(2, 3))


def _check_potentials(budget, rng, impl):
    """Claim 4: per layer sum_t Phi_h^(t) <= C_h (1 + 4 ln(1+T)) and the per-cell elliptic
    sum <= 2 ln(1+T) (C = C_h, mu = mu_h* of all policies), for random stochastic policies
    and for population GLOW's played policies; the printed 5 C log T fails at T = 1."""
    n = 4 if budget == "quick" else 30
    Ts = (5, 50) if budget == "quick" else (5, 50, 300)
    g = np.random.default_rng(4)
    worst_phi, worst_ell = 0.0, 0.0
    for seed in range(n):
        S, A, H = 3 + seed % 4, 2, 2 + seed % 3
        mdp = random_tabular(S=S, A=A, H=H, seed=seed)
        cov = impl.coverability(mdp)
        for T in Ts:
            seqs = [np.stack([occupancy_measure(mdp, _random_policy(g, H, S, A))
                              for _ in range(T)])]
            F = perturbed_model_class(mdp, 7, rng=seed)
            seqs.append(impl.glow_population(mdp, F, T=T, gamma=0.5).occupancies)
            for d in seqs:
                phi = impl.potential_increments(d).sum(axis=0)          # (H,)
                for h in range(H):
                    bound = coverability_potential_bound(float(cov.per_layer[h]), T)
                    worst_phi = max(worst_phi, phi[h] / bound)
                    ell = elliptic_potential(d[:, h], cov.mu_star[h], float(cov.per_layer[h]))
                    worst_ell = max(worst_ell, float(ell.max()) / (2 * math.log(1 + T)))
    one = impl.potential_increments(occupancy_measure(mdp, backward_induction(mdp).policy)[None])
    printed_fails = bool(np.all(one[0] > 5 * float(cov.per_layer.max()) * math.log(1)))
    stat = max(worst_phi, worst_ell)
    return {"statistic": stat, "bound": 1.0, "passed": stat <= 1.0 + 1e-12 and printed_fails,
            "details": {"instances": n, "T": Ts, "phi_ratio_max": worst_phi,
                        "elliptic_ratio_max": worst_ell,
                        "printed_5ClogT_fails_at_T1": printed_fails}}


def _residuals(F, mdp):
    return F.bellman_residuals(mdp)


def _residuals_same_layer(F, mdp):
    backup = np.einsum("hsat,nht->nhsa", mdp.P, F.values.max(axis=3))
    return F.values - F.reward_scale * np.asarray(mdp.r)[None] - backup


def _check_identities(budget, rng, impl):
    """Claim 5: Lemma D.4 (an identity, to 1e-12), Lemma F.2 (performance difference, an
    inequality) and Lemma F.3 for both signs (with 2 Delta_max in place of 2, the form the
    proof gives for |Delta| <= Delta_max), for random f in [0, 1]."""
    n = 5 if budget == "quick" else 30
    g = np.random.default_rng(5)
    d4, f2, f3 = 0.0, 0.0, 0.0
    for seed in range(n):
        S, A, H = 3 + seed % 3, 2, 2 + seed % 3
        mdp = random_tabular(S=S, A=A, H=H, seed=100 + seed)
        scale = 1.0 / H
        F = ValueClass(g.random((6, H, S, A)), reward_scale=scale)
        D = impl.bellman_residuals(F, mdp)
        sol = backward_induction(mdp)
        J_star = scale * sol.value
        d_star = occupancy_measure(mdp, sol.policy)
        for i in range(len(F)):
            pi = F.policies[i]
            d_pi = occupancy_measure(mdp, pi)
            J = scale * float(np.sum(d_pi * mdp.r))
            left = float(F.initial_values(mdp.rho)[i]) - J
            d4 = max(d4, abs(left - float(np.sum(d_pi * D[i]))))
            rhs = float(np.sum(d_star * -D[i]) + np.sum(d_pi * D[i]))
            f2 = max(f2, (J_star - J) - rhs)
            dmax = float(np.abs(D[i]).max())
            mu = g.dirichlet(np.ones(S * A), size=H).reshape(H, S, A)
            w = np.divide(d_pi, mu, out=np.full_like(d_pi, np.inf), where=mu > 0)
            w = np.where(d_pi > 0, w, 0.0)
            for gamma in (0.5, 2.0):
                tail = (d_pi * (w > gamma)).sum(axis=(1, 2))
                for sign in (1.0, -1.0):
                    lhs = (d_pi * sign * D[i]).sum(axis=(1, 2))
                    rhs3 = (mu * sign * D[i] * np.minimum(w, gamma)).sum(axis=(1, 2)) + (
                        2 * dmax * tail)
                    f3 = max(f3, float(np.max(lhs - rhs3)))
    passed = d4 <= 1e-12 and f2 <= 1e-12 and f3 <= 1e-12
    return {"statistic": d4, "bound": 1e-12, "passed": passed,
            "details": {"instances": n, "D4_error": d4, "F2_worst_slack": f2,
                        "F3_worst_slack": f3}}


# ------------------------------------------------------------------ population bounds (6, 7)
def _penalty_times_gamma_t(t, gamma, K, L, kappa):
    g_t, alpha, beta = _glow_mod._constants_unchecked(t, gamma, K, L, kappa)
    return g_t, 8.0 * g_t, beta


_GLOW_PEN_TIMES = _pieces_variant(constants=_penalty_times_gamma_t)


def _check_population_glow(budget, rng, impl):
    """Claim 6: on random models with the perturbed-model class, population GLOW keeps Q*
    in every F^(t), and the library's per-iteration and cumulative bounds hold."""
    n = 6 if budget == "quick" else 30
    gammas = (0.25, 1.0) if budget == "quick" else (0.25, 0.5, 1.0)
    T = 150
    lost, per_bad, worst = 0, 0, 0.0
    for seed in range(n):
        mdp = random_tabular(S=5, A=2, H=3, seed=seed)
        F = perturbed_model_class(mdp, 15, rng=seed)
        for gamma in gammas:
            res = impl.glow_population(mdp, F, T=T, gamma=gamma)
            per, total = glow_population_bound(res)
            lost += not bool(res.truth_alive.all())
            per_bad += int(np.sum(res.regret[1:] > per[1:] + 1e-9))
            worst = max(worst, res.total_regret / total)
    return {"statistic": worst, "bound": 1.0, "passed": lost == 0 and per_bad == 0 and worst <= 1,
            "details": {"instances": n, "gamma": gammas, "T": T, "truth_lost": lost,
                        "per_iteration_violations": per_bad}}


def _golf_rewards_ignored(mdp, F, *, T):
    """Population GOLF whose Bellman backup forgets the reward: T_h f = P_h max f."""

    def residuals(F_, m):
        return F_.values - np.einsum("hsat,nht->nhsa", m.P, F_.next_values())

    return _golf_mod._golf_population(mdp, F, T=T, beta=0.0, order=None, loss=np.square,
                                      residuals=residuals)


def _check_population_golf(budget, rng, impl):
    """Claim 7: Reg(T) <= Delta_max sum_h C_h(Pi) for population GOLF."""
    n = 3 if budget == "quick" else 30
    T = 60 if budget == "quick" else 150
    worst, lost = 0.0, 0
    for seed in range(n):
        mdp = random_tabular(S=5, A=2, H=3, seed=seed)
        F = perturbed_model_class(mdp, 15, rng=seed)
        res = impl.golf_population(mdp, F, T=T)
        lost += not bool(res.truth_alive.all())
        worst = max(worst, res.total_regret / golf_population_bound(res))
    return {"statistic": worst, "bound": 1.0, "passed": worst <= 1.0 and lost == 0,
            "details": {"instances": n, "T": T, "truth_lost": lost}}


# ------------------------------------------------------------------ HyGLOW (15, 16)
def _hyglow_population(mdp, F, *, T, nu, gamma=1.0):
    return _hy_mod.hyglow_population(mdp, F, T=T, nu=nu, gamma=gamma)


def _hyglow_argmax(mdp, F, *, T, nu, gamma=1.0):
    """MABO.CR's argmax instead of its argmin (the worst-fitting hypothesis)."""

    def objective(setup, X, Y, mu, t, g):
        return -_hy_mod._objective(setup, X, Y, mu, t, g)

    return _hy_mod._hyglow_population(mdp, F, T=T, nu=nu, gamma=gamma, order=None,
                                      objective=objective, mixture=_hy_mod._mixture)


def _hyglow_nu_ignored(mdp, F, *, T, nu, gamma=1.0):
    """mu^(t) = bar d^(t): the offline half of the hybrid data forgotten."""
    return _hy_mod._hyglow_population(mdp, F, T=T, nu=nu, gamma=gamma, order=None,
                                      objective=_hy_mod._objective,
                                      mixture=lambda nu_, dbar: dbar)


def _check_hyglow_bound(budget, rng, impl):
    """Claim 15: population HyGLOW's per-iteration bound holds for every t >= 2 with
    nu = lam d^pi* + (1 - lam) d^unif."""
    n = 3 if budget == "quick" else 25
    gammas = (0.5,) if budget == "quick" else (0.25, 0.5, 1.0)
    T = 30 if budget == "quick" else 60
    g = np.random.default_rng(15)
    bad, worst, not_min, vac = 0, -np.inf, 0, []
    for seed in range(n):
        mdp = random_tabular(S=5, A=2, H=3, seed=seed)
        F = perturbed_model_class(mdp, 15, rng=seed)
        d_star = occupancy_measure(mdp, backward_induction(mdp).policy)
        d_unif = occupancy_measure(mdp, np.full((3, 5, 2), 0.5))
        lam = g.random()
        nu = lam * d_star + (1 - lam) * d_unif
        for gamma in gammas:
            res = impl.hyglow_population(mdp, F, T=T, nu=nu, gamma=gamma)
            per = hyglow_population_bound(res, mdp)
            slack = res.regret[1:] - per[1:]
            bad += int(np.sum(slack > 1e-9))
            worst = max(worst, float(slack.max()))
            vac.append(float(np.mean(per[1:] >= 1.0)))
            # the proof's first step: obj(Q*) <= 0, so the chosen member's objective is too
            obj = res.objective[1:]
            picked = obj[np.arange(T - 1), res.chosen[1:]]
            not_min += int(np.sum(obj[:, F.truth] > 1e-12)) + int(
                np.sum(picked > obj[:, F.truth] + 1e-12))
    return {"statistic": worst, "bound": 0.0, "passed": bad == 0 and not_min == 0,
            "details": {"instances": n, "gamma": gammas, "T": T, "violations": bad,
                        "objective_not_below_Q*": not_min,
                        "vacuous_fraction": float(np.mean(vac))}}


def _check_hyglow_offline(budget, rng, impl):
    """Claim 16: with nu = d^pi* population HyGLOW has Reg = 16 and plays pi* from t = 33
    on, for every k; with nu = the uniform policy's occupancy, Reg = 9, 27, 49 (k = 2, 4, 8)."""
    ks = (2, 4) if budget == "quick" else (2, 4, 8)
    ms = (1,) if budget == "quick" else (1, 4)
    want_unif = {2: 9.0, 4: 27.0, 8: 49.0}
    worst, late = 0.0, 0
    for k in ks:
        for m in ms:
            lock = block_lock(k=k, m=m, A=2, H=4, r_star=0.5)
            F = impl.needle_class(lock, m)
            sol = backward_induction(lock)
            d_star = occupancy_measure(lock, sol.policy)
            unif = occupancy_measure(lock, np.full((4, k * m, 2), 0.5))
            a = impl.hyglow_population(lock, F, T=100, nu=d_star)
            b = impl.hyglow_population(lock, F, T=100, nu=unif)
            worst = max(worst, abs(a.total_regret - 16.0), abs(b.total_regret - want_unif[k]))
            late += int(np.any(a.regret[32:] > 1e-12)) + int(np.any(a.regret[31] <= 0))
    return {"statistic": worst, "bound": 1e-9, "passed": worst <= 1e-9 and late == 0,
            "details": {"k": ks, "m": ms, "burn_in_mismatches": late}}


# ------------------------------------------------------------------ sampled safety (18)
def _glow_penalty_added(mdp, F, *, T, K, gamma=1.0, delta=DELTA, w_count=None, kappa=1.0,
                        rng=None):
    """The alpha_t E[wt^2] penalty added to the weighted residual instead of subtracted."""

    def constants(t, g, K_, L, k):
        g_t, alpha, beta = _glow_mod._constants_unchecked(t, g, K_, L, k)
        return g_t, -alpha, beta

    P = _glow_mod.Pieces(constants=constants)
    return _glow_mod._glow_sampled(mdp, F, T=T, K=K, gamma=gamma, delta=delta,
                                   w_count=w_count, kappa=kappa, order=None, rng=rng, pieces=P)


def _check_sampled_safety(budget, rng, impl):
    """Claim 18: sampled GLOW (K = 500, T = 100, gamma = 1, kappa = 1, |F| = 16) on random
    models never eliminates Q* (failure rate <= delta, binomial test at false alarm 1e-4)."""
    insts = range(1000, 1003) if budget == "quick" else range(1000, 1010)
    seeds = range(2) if budget == "quick" else range(10)
    lost, runs = 0, 0
    for inst in insts:
        mdp = random_tabular(S=5, A=2, H=3, seed=inst)
        F = perturbed_model_class(mdp, 15, rng=inst)
        for seed in seeds:
            res = impl.glow(mdp, F, T=100, K=500, gamma=1.0, rng=seed)
            runs += 1
            lost += not bool(res.truth_alive.all())
    ok, p = _binomial_ok(lost, runs, DELTA)
    return {"statistic": lost / runs, "bound": DELTA, "passed": ok,
            "details": {"runs": runs, "truth_lost": lost, "p_value": p}}



def _sec_without_floor(occupancies, residuals, lam=1.0):
    """The SEC ratio with the lambda floor dropped from the denominator."""
    d = np.asarray(occupancies, dtype=float)
    delta = np.asarray(residuals, dtype=float)
    total = 0.0
    for t in range(d.shape[0]):
        past = float(np.sum(d[:t] * delta[t][None] ** 2))
        num = float(np.sum(d[t] * delta[t])) ** 2
        total += num / past if past > 0 else (math.inf if num > 0 else 0.0)
    return total


def _check_sec(budget, rng, impl):
    """Claim 17: the realised SEC sum <= 2 C_h (1 + C_h) ln(1 + T) (lambda = 1, |delta| <= 1,
    random policy sequences and residuals; the library's derived bound)."""
    n = 6 if budget == "quick" else 40
    T = 30 if budget == "quick" else 100
    g = np.random.default_rng(17)
    worst = 0.0
    for seed in range(n):
        S, A, H = 3 + seed % 3, 2, 2 + seed % 2
        mdp = random_tabular(S=S, A=A, H=H, seed=200 + seed)
        cov = coverability(mdp)
        d = np.stack([occupancy_measure(mdp, _random_policy(g, H, S, A)) for _ in range(T)])
        delta = g.uniform(-1, 1, size=d.shape)
        for h in range(H):
            C = float(cov.per_layer[h])
            val = impl.realised_sec_sum(d[:, h], delta[:, h])
            worst = max(worst, val / (2 * C * (1 + C) * math.log(1 + T)))
    return {"statistic": worst, "bound": 1.0, "passed": worst <= 1.0,
            "details": {"instances": n, "T": T, "lambda": 1.0}}


_IMPL = {"glow_population": _glow_population, "glow": _glow, "golf": _golf,
         "golf_population": _golf_population, "needle_class": needle_class,
         "code_class": code_class, "glow_constants": glow_constants,
         "glow_burn_in": glow_burn_in, "constraint": _constraint,
         "coverability": coverability, "coverability_brute_force": coverability_brute_force,
         "clipped_cc": clipped_concentrability_cc, "potential_increments": potential_increments,
         "bellman_residuals": _residuals, "hyglow_population": _hyglow_population,
         "realised_sec_sum": realised_sec_sum}


def _impl(*names):
    return {n: _IMPL[n] for n in names}


CLAIMS = [
    Claim(
        id=f"{PAPER}.coverability_exact",
        paper=PAPER,
        statement="C_cov(all policies) = max_h A sum_s reach[h, s] (closed form) equals the LP "
        "optimum and brute force over all deterministic Markov policies to 1e-8",
        source=f"{SRC}, Def. 2.1 (coverability, from Xie et al. 2023, arXiv:2210.04157; its "
        "cumulative-reachability equivalence); plan claim 1",
        check=_check_cov_exact,
        implementation=_impl("coverability", "coverability_brute_force"),
        mutants={"factor_A_lost": {"coverability": _coverability_without_A}},
    ),
    Claim(
        id=f"{PAPER}.coverage_inequalities",
        paper=PAPER,
        statement="A <= C_cov(all) <= S A; C_cov(Pi) <= C_cov(all); C_cov <= C_conc(mu) with "
        "equality at mu*; C_star(d^pi*) = 1; CC_h nondecreasing in gamma and <= min(gamma, "
        "C^2_conc,2); Lemma F.4: P^pi[d/mu > gamma] <= (2/gamma) CC_h; Lemma F.5: "
        "||clip_gamma[d/mu]||^2_{2,mu} <= 2 CC_h",
        source=f"{SRC}, Sec. 2, Defs. 4.2 and 4.4, Lemmas F.4-F.5; plan claim 2",
        check=_check_cov_inequalities, implementation=_impl("coverability", "clipped_cc"),
        mutants={"cc_unclipped": {"clipped_cc": lambda d, mu, g:
                                  clipped_concentrability_cc(d, mu, math.inf)}},
    ),
    Claim(
        id=f"{PAPER}.coverability_references",
        paper=PAPER,
        statement="BlockLock(k, m): C_cov(all) = C_cov(needle policies) = 2k, independent of m; "
        "rich lock: C_cov = 2A with C_0 = A for every H and m; mixing de Bruijn (S = 16, "
        "H = 6): C_cov = 32, 23.3696, 14.1875, 6, 2.9375, 2.2496, 2 at eta = 0, .1, .25, .5, "
        ".75, .9, 1",
        source=f"{SRC}, Sec. 2 and Ex. C.2 (block MDPs: C_cov of the latent MDP); reference "
        "values computed by the library's plan (claim 3)",
        check=_check_cov_reference, implementation=_impl("coverability"),
        mutants={"factor_A_lost": {"coverability": _coverability_without_A}},
    ),
    Claim(
        id=f"{PAPER}.potential_lemmas",
        paper=PAPER,
        statement="For any sequence of occupancies (random policies, or GLOW's), per layer "
        "sum_t Phi_h^(t) <= C_h (1 + 4 ln(1+T)) and every cell's elliptic sum <= 2 ln(1+T); "
        "the printed form 5 C log T of Lemma E.3 fails at T = 1",
        source=f"{SRC}, Lemma D.5 (= Xie et al. 2023, Lemma 4) and Lemma E.3 (the form its "
        "proof gives, App. E.1 Eq. (24)); plan claim 4",
        check=_check_potentials,
        implementation=_impl("coverability", "potential_increments", "glow_population"),
        mutants={"current_occupancy_left_out": {
            "potential_increments": _potential_excluding_current}},
    ),
    Claim(
        id=f"{PAPER}.identities",
        paper=PAPER,
        statement="Lemma D.4: E_rho[f_0(s, pi_f(s))] - J(pi_f) = sum_h E_{d_h^pi_f}[Delta_h f] "
        "(to 1e-12); Lemma F.2: J* - J(pi_f) <= sum_h (E_{d^pi*}[-Delta_h f] + "
        "E_{d^pi_f}[Delta_h f]); Lemma F.3 for both signs",
        source=f"{SRC}, Lemma D.4 (Jiang et al. 2017, Lemma 1), Lemma F.2 (App. F.3.1), "
        "Lemma F.3; plan claim 5",
        check=_check_identities, implementation=_impl("bellman_residuals"),
        mutants={"residual_with_f_h_in_the_backup": {"bellman_residuals":
                                                     _residuals_same_layer}},
    ),
    Claim(
        id=f"{PAPER}.population_glow_bound",
        paper=PAPER,
        statement="Population GLOW on random models with the perturbed-model class (|F| = 16, "
        "W-path, beta = 0): Q* stays in every F^(t), J* - J(pi^(t)) <= sum_h [(8/gamma + "
        "Delta_max (1 + 1/gamma)) Phi_h^(t)] for t >= 2, and Reg(T) <= 1 + (8/gamma + "
        "Delta_max (1 + 1/gamma)) sum_h C_h(Pi) (1 + 4 ln(1+T))",
        source=f"{SRC}, Lemma E.4's proof with the sampling error removed (the bound is the "
        "library's derivation); plan claim 6",
        check=_check_population_glow, implementation=_impl("glow_population"),
        mutants={"residual_with_f_h_in_the_backup": {"glow_population": _GLOW_SAME_LAYER[0]},
                 "penalty_times_gamma_t": {"glow_population": _GLOW_PEN_TIMES[0]}},
    ),
    Claim(
        id=f"{PAPER}.population_golf_bound",
        paper=PAPER,
        statement="Population GOLF (zero Bellman error on the data's support): Reg(T) <= "
        "Delta_max sum_h C_h(Pi) on random models with the perturbed-model class",
        source="Jin, Liu & Miryoosefi (2021), arXiv:2102.00815 (GOLF); the bound is the "
        f"library's derivation in the spirit of Xie et al. (2023), Thm. 1; {SRC}; plan claim 7",
        check=_check_population_golf, implementation=_impl("golf_population"),
        mutants={"rewards_ignored_in_the_backup": {"golf_population": _golf_rewards_ignored}},
    ),
    Claim(
        id=f"{PAPER}.population_hyglow_bound",
        paper=PAPER,
        statement="Population HyGLOW (MABO.CR inside H2O, W-hybrid) on random models with "
        "nu = lam d^pi* + (1 - lam) d^unif: J* - J(pi^(t)) <= sum_h ((16 + 4 Delta_max)/"
        "(gamma t)) [CC_h(pi*, mu^(t), gamma t) + CC_h(pi^(t), mu^(t), gamma t)] for t >= 2",
        source=f"{SRC}, Algorithms 2-3, Eq. (13), Lemmas F.2-F.5 (the bound is the library's "
        "derivation); plan claim 15",
        check=_check_hyglow_bound, implementation=_impl("hyglow_population"),
        mutants={"argmax_not_argmin": {"hyglow_population": _hyglow_argmax}},
    ),
    Claim(
        id=f"{PAPER}.hyglow_good_offline_data",
        paper=PAPER,
        statement="Population HyGLOW on BlockLock needles (H = 4, gamma = 1, T = 100): with "
        "nu = d^pi* Reg = 16 and pi^(t) = pi* from t = 33 on, for every k (no growth with "
        "C_cov); with nu = the uniform policy's occupancy Reg = 9, 27, 49 for k = 2, 4, 8",
        source=f"{SRC}, Sec. 4 (hybrid RL: C_* + C_cov in place of C_cov); values from the "
        "library's plan (claim 16); the 32-iteration burn-in is alpha_t = 8/(gamma t) against "
        "a wrong needle's weighted error 1/2",
        check=_check_hyglow_offline, implementation=_impl("hyglow_population", "needle_class"),
        mutants={"offline_data_ignored": {"hyglow_population": _hyglow_nu_ignored}},
    ),
    Claim(
        id=f"{PAPER}.realised_sec",
        paper=PAPER,
        statement="Along random policy sequences with random residuals |delta| <= 1, the "
        "realised sequential extrapolation sum (lambda = 1) is <= 2 C_h (1 + C_h) ln(1 + T)",
        source="Xie, Foster, Bai, Jiang & Kakade (2023), arXiv:2210.04157 (the SEC; its "
        f"normaliser recalled, not read); bound derived by the library from {SRC}, Lemma "
        "D.5; plan claim 17 (optional)",
        check=_check_sec, implementation=_impl("realised_sec_sum"),
        mutants={"lambda_floor_dropped": {"realised_sec_sum": _sec_without_floor}},
    ),
    Claim(
        id=f"{PAPER}.sampled_glow_safe_on_random_mdps",
        paper=PAPER,
        statement="Sampled GLOW (K = 500, T = 100, gamma = 1, kappa = 1, |F| = 16, delta = 0.1) "
        "on random models never eliminates Q*: failure rate <= delta (binomial test)",
        source=f"{SRC}, Lemma E.2(a) (Q* in F^(t) for all t w.p. >= 1 - delta); plan claim 18",
        check=_check_sampled_safety, implementation=_impl("glow"),
        mutants={"penalty_added_not_subtracted": {"glow": _glow_penalty_added}},
        false_alarm=ALPHA,
    ),
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
