"""Jin, Yang & Wang (2021), "Is Pessimism Provably Efficient for Offline RL?", ICML 2021,
arXiv:2012.15085 -- pessimistic value iteration (PEVI), as checked claims: the suboptimality
decomposition, the implications on the event E, validity of the tabular 'l1' quantifier, the
calibration of the linear beta, the rate of the linear bound, and spurious correlation.

The paper's numbering (Lemma 3.1, Definition 4.1, Theorems 4.2 and 4.4, Corollary 4.5) is as
recalled and could not be confirmed (only the paper's opening could be consulted; see
:mod:`mdplab.algorithms.offline.pessimistic_value_iteration`). The checks do not depend on the
numbering: the decomposition and the implications on E are exact consequences of the
definitions (on E, checking which clip binds gives 0 <= iota <= 2 Gamma; pessimism and the
bound of Theorem 4.2 follow), and the constants the paper hides (c in beta) are arguments.

Tiers. Tier A: exact identities and implications, checked to round-off (tolerance
1e-9 max(1, H) in float64, zero violations). Tier B: probabilistic statements checked by a
one-sided binomial test at false-alarm level ALPHA = 1e-3 (fail if P(Bin(M, p_stated) >=
observed failures) < ALPHA). Rate claims fit log-log slopes and state their tolerance.

Every check calls the algorithms and the exact evaluator through ``impl`` so that a planted
bug (a mutant) can replace them; the mutants are defined at the bottom of this module.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from mdplab import envs
from mdplab.algorithms.offline import (
    PessimisticResult,
    data_dependent_bound,
    decomposition,
    event_E,
    model_evaluation_error,
    pevi,
    pevi_linear,
    pevi_tabular,
    suboptimality,
    vi_lcb_episodic,
    vi_lcb_subsampled,
)
from mdplab.algorithms.offline.checks import _policy_values, true_backup
from mdplab.algorithms.offline.pessimistic_value_iteration import jyw_beta
from mdplab.claims import Claim, binomial_check, loglog_slope
from mdplab.kernels.pessimism import pessimistic_induction
from mdplab.planning import backward_induction, evaluate_policy
from mdplab.sampling import OfflineDataset, rollout

PAPER = "jin2021"
SOURCE = ("Jin, Yang & Wang (2021), Is Pessimism Provably Efficient for Offline RL?, ICML, "
          "arXiv:2012.15085")
ALPHA = 1e-3  # false-alarm probability of each tier-B binomial test


# ------------------------------------------------------------------ shared set-up
def _tol(H: int) -> float:
    return 1e-9 * max(1, H)  # tier-A tolerance (float64 round-off)


def _eps_greedy(mdp, eps: float = 0.5) -> np.ndarray:
    """Behaviour: with probability eps uniform, else pi* (the library's default behaviour)."""
    H, S, A = mdp.shape
    pi = np.full((H, S, A), eps / A)
    star = backward_induction(mdp).policy
    for h in range(H):
        pi[h, np.arange(S), star[h]] += 1 - eps
    return pi


def _tabular_instance(seed: int):
    mdp = envs.make("random_tabular", S=6, A=3, H=5, seed=seed)
    return mdp, _eps_greedy(mdp)


def _linear_instance(seed: int, d: int = 4, H: int = 5):
    lin = envs.make("linear_simplex", d=d, H=H, seed=seed)
    mdp = lin.to_tabular()
    return lin, mdp, np.full(mdp.shape, 1.0 / mdp.A)


def _datasets(budget: str, rng, impl):
    """(mdp, result) for every episodic algorithm on tabular and linear instances."""
    n_seeds = 2 if budget == "quick" else 10
    Ks = (100, 1000) if budget == "quick" else (100, 1000, 10000)
    for i in range(n_seeds):
        mdp, pib = _tabular_instance(i)
        for K in Ks:
            data = OfflineDataset.from_episodes(rollout(mdp, pib, K, rng))
            for pen in ("l1", "hoeffding", "jyw"):
                yield f"tabular[{pen}]", mdp, impl.pevi_tabular(data, penalty=pen)
            # VI-LCB (Li et al. 2022, Algorithms 2 and 3) with Gamma = b: c_b = 16 is the
            # theory value (often Q = 0 at these K), 1 and 0.05 make E fail sometimes.
            for c_b in (16.0, 1.0, 0.05):
                yield f"vi-lcb[c_b={c_b}]", mdp, impl.vi_lcb_episodic(data, mdp.r, c_b=c_b)
            yield "vi-lcb-subsampled[c_b=1]", mdp, impl.vi_lcb_subsampled(data, mdp.r, c_b=1.0,
                                                                          rng=rng)
        lin, lmdp, lb = _linear_instance(i)
        for K in Ks:
            ep = rollout(lmdp, lb, K, rng)
            for c in (1.0, 0.03):
                yield f"linear[c={c}]", lmdp, impl.pevi_linear(ep, lin.phi, c=c)


# ------------------------------------------------------------------ decomposition (tier A)
def _check_decomposition(budget, rng, impl):
    worst, count = 0.0, 0
    for _, mdp, res in _datasets(budget, rng, impl):
        dec = impl.decomposition(mdp, res)
        worst = max(worst, float(np.max(np.abs(dec["total"] - dec["suboptimality"]))))
        count += 1
    tol = _tol(5)
    return {"statistic": worst, "bound": tol, "passed": worst <= tol,
            "details": {"datasets": count}}


# ------------------------------------------------------------------ implications on E (tier A)
def _implication_violations(mdp, res, tol) -> tuple[bool, int, bool]:
    """(E holds, number of violated implications (a), (b), (c) on E, whether the
    data-dependent bound at rho is vacuous, i.e. >= H)."""
    if not event_E(mdp, res)["holds"]:
        return False, 0, False
    iota = model_evaluation_error(mdp, res)
    bad = 0
    bad += bool(np.any(iota < -tol) or np.any(iota > 2 * res.penalty + tol))       # (a)
    bad += bool(np.any(res.V[:-1] > evaluate_policy(mdp, res.policy).V[:-1] + tol))  # (b)
    bound = data_dependent_bound(mdp, res.penalty)
    bad += bool(np.any(suboptimality(mdp, res.policy) > bound + tol))               # (c)
    return True, bad, bool(float(np.asarray(bound) @ mdp.rho) >= mdp.H)


def _check_implications(budget, rng, impl):
    violations, on_E, total, n_vacuous = 0, 0, 0, 0
    by_alg: dict[str, list[int]] = {}
    for name, mdp, res in _datasets(budget, rng, impl):
        holds, bad, vacuous = _implication_violations(mdp, res, _tol(mdp.H))
        n_vacuous += vacuous
        violations += bad
        on_E += holds
        total += 1
        by_alg.setdefault(name, [0, 0])
        by_alg[name][0] += holds
        by_alg[name][1] += 1
    return {"statistic": violations, "bound": 0, "passed": violations == 0 and on_E > 0,
            "details": {"datasets": total, "E_held": on_E,
                        "vacuous_fraction": n_vacuous / max(on_E, 1),
                        "E_fraction_by_algorithm": {k: v[0] / v[1] for k, v in by_alg.items()}}}


# ------------------------------------------------------------------ 'l1' validity (tier B)
def _check_l1_validity(budget, rng, impl):
    M = 60 if budget == "quick" else 500
    Ks = (100, 1000) if budget == "quick" else (100, 1000, 10000)
    xi = 0.1
    mdp, pib = _tabular_instance(0)
    worst_p, freqs, logged = 1.0, {}, {}
    passed = True
    for K in Ks:
        fails = {"l1": 0, "hoeffding": 0, "jyw": 0}
        for _ in range(M):
            data = OfflineDataset.from_episodes(rollout(mdp, pib, K, rng))
            for pen in fails:
                fn = impl.pevi_tabular if pen == "l1" else pevi_tabular
                fails[pen] += not event_E(mdp, fn(data, penalty=pen, xi=xi))["holds"]
        test = binomial_check(fails["l1"], M, xi, alpha=ALPHA)
        passed &= test.passed
        worst_p = min(worst_p, test.p_value)
        freqs[K] = fails["l1"] / M
        logged[K] = {k: v / M for k, v in fails.items()}
    return {"statistic": max(freqs.values()), "bound": xi, "passed": passed,
            "details": {"M": M, "E_failure_frequency_by_K": logged, "min_p_value": worst_p,
                        "alpha": ALPHA}}


# ------------------------------------------------------------------ beta calibration (tier B)
C_GRID = np.logspace(-3, 0, 13)


def _check_beta_calibration(budget, rng, impl):
    if budget == "quick":
        cells, M = [(4, 5, 100), (4, 5, 1000)], 25
    else:
        cells = [(d, H, K) for d in (2, 4, 8, 16) for H in (2, 5, 10) for K in (100, 1000, 10000)]
        M = 40
    xi = 0.1
    fails_at_1, trials, c_emp = 0, 0, {}
    for d, H, K in cells:
        lin, mdp, pib = _linear_instance(0, d=d, H=H)
        smallest = []
        for _ in range(M):
            ep = rollout(mdp, pib, K, rng)
            ok_at = [event_E(mdp, impl.pevi_linear(ep, lin.phi, c=float(c), xi=xi))["holds"]
                     for c in (1.0, *C_GRID[::3])]
            fails_at_1 += not ok_at[0]
            trials += 1
            good = [c for c, ok in zip(C_GRID[::3], ok_at[1:], strict=True) if ok]
            smallest.append(min(good) if good else np.inf)
        # the (1 - xi) quantile by rank (inf, "no c on the grid works", sorts last)
        rank = int(np.ceil((1 - xi) * len(smallest))) - 1
        c_emp[f"d={d},H={H},K={K}"] = float(np.sort(smallest)[rank])
    test = binomial_check(fails_at_1, trials, xi, alpha=ALPHA)
    worst = max(c_emp.values())
    return {"statistic": fails_at_1 / trials, "bound": xi,
            "passed": test.passed and worst <= 1.0,
            "details": {"c_emp": c_emp, "c_emp_times_sqrt_d": {
                k: v * np.sqrt(int(k.split(",")[0][2:])) for k, v in c_emp.items()},
                "p_value": test.p_value, "datasets": trials}}


# ------------------------------------------------------------------ linear bound rate
def _bound_statistic(mdp, res) -> float:
    return float(data_dependent_bound(mdp, res.penalty) @ mdp.rho)


def _check_linear_rate(budget, rng, impl):
    quick = budget == "quick"
    Ks = np.array([100, 300, 1000, 3000, 10000] if quick else
                  np.unique(np.logspace(2, 5, 10).astype(int)))
    reps = 2 if quick else 5
    xi = 0.1
    lin, mdp, pib = _linear_instance(0)
    B = [np.mean([_bound_statistic(mdp, impl.pevi_linear(rollout(mdp, pib, int(K), rng),
                                                           lin.phi, xi=xi))
                  for _ in range(reps)]) for K in Ks]
    # The predicted rate is sqrt(zeta(K) / K) with zeta = log(2dHK/xi) (Corollary 4.5), so
    # the K-exponent is read off B(K)/sqrt(zeta(K)); B(K) itself is shallower by
    # 1/(2 zeta) ~ 0.03-0.05 over this range (measured and reported in details).
    zeta = np.log(2 * lin.d * mdp.H * Ks / xi)
    fit = loglog_slope(Ks, np.asarray(B) / np.sqrt(zeta))
    raw = loglog_slope(Ks, B)
    ok_a = abs(fit.slope + 0.5) <= 0.05
    # (b) B(K) sqrt(K) / (d^1.5 H^2 sqrt(zeta)) across d and H at one K
    cells = ([(2, 2), (8, 2), (2, 5), (8, 5)] if quick else
             [(d, H) for d in (2, 4, 8, 16) for H in (2, 5, 10)])
    K0 = 1000 if quick else 10000
    ratios = {}
    for d, H in cells:
        lin2, mdp2, pib2 = _linear_instance(1, d=d, H=H)
        b = _bound_statistic(mdp2, impl.pevi_linear(rollout(mdp2, pib2, K0, rng), lin2.phi, xi=xi))
        zeta = np.log(2 * d * H * K0 / xi)
        ratios[f"d={d},H={H}"] = b * np.sqrt(K0) / (d ** 1.5 * H ** 2 * np.sqrt(zeta))
    spread = max(ratios.values()) / min(ratios.values())
    return {"statistic": fit.slope, "bound": -0.5, "relation": "within 0.05 of",
            "interval": fit.interval, "passed": bool(ok_a and spread < 4),
            "details": {"K": Ks.tolist(), "B": [float(b) for b in B],
                        "slope_of_B_itself": raw.slope,
                        "collapse_ratio_spread": spread, "collapse_ratios": ratios,
                        "c_lower_coverage": _coverage_constant(lin, mdp, pib)}}


def _coverage_constant(lin, mdp, pib) -> float:
    """c_lower = d min_h lambda_min(Sigma_h), Sigma_h = E_behaviour[phi phi^T]: the coverage
    constant of Corollary 4.5 (as recalled), reported, not asserted."""
    from mdplab.planning import occupancy_measure

    occ = occupancy_measure(mdp, pib)
    phi = np.asarray(lin.phi).reshape(mdp.S * mdp.A, -1)
    lam = min(np.linalg.eigvalsh(phi.T @ (occ[h].reshape(-1)[:, None] * phi))[0]
              for h in range(mdp.H))
    return float(phi.shape[1] * lam)


# ------------------------------------------------------------------ spurious correlation
MS = (1, 3, 10, 30, 100)


def _check_spurious(budget, rng, impl):
    M = 20 if budget == "quick" else 200
    K = 2000
    means = {"pevi": [], "greedy": []}
    ses = {"pevi": [], "greedy": []}
    for m in MS:
        mdp = envs.make("distractor_mdp", m=m)
        pib = envs.distractor_behaviour(m=m)
        sub = {"pevi": [], "greedy": []}
        for _ in range(M):
            data = OfflineDataset.from_episodes(rollout(mdp, pib, K, rng))
            sub["pevi"].append(suboptimality(mdp, impl.pevi_tabular(data, penalty="l1").policy)
                               @ mdp.rho)
            sub["greedy"].append(suboptimality(mdp, pevi_tabular(data, penalty="none").policy)
                                 @ mdp.rho)
        for k in sub:
            means[k].append(float(np.mean(sub[k])))
            ses[k].append(float(np.std(sub[k], ddof=1) / np.sqrt(M)))
    i1, i10, i100 = MS.index(1), MS.index(10), MS.index(100)
    change = max(abs(means["pevi"][j] - means["pevi"][i1]) - 3 * np.hypot(ses["pevi"][j],
                                                                          ses["pevi"][i1])
                 - 0.1 * means["pevi"][i1] for j in (i10, i100))
    rho_s = stats.spearmanr(MS, means["greedy"]).statistic
    return {"statistic": float(change), "bound": 0.0,
            "passed": bool(change <= 0 and rho_s > 0.9),
            "details": {"m": list(MS), "mean_subopt": means, "standard_errors": ses,
                        "greedy_spearman": float(rho_s), "K": K, "M": M}}


# ------------------------------------------------------------------ planted bugs
def _rerun_with_penalty(data, res, factor: float, name: str) -> PessimisticResult:
    """Tabular PEVI re-run with penalty * factor (factor < 0: optimism), reporting the
    original penalty as its quantifier."""
    rewards = np.asarray(data.r_hat, dtype=float)
    P_hat = np.asarray(data.P_hat, dtype=float)
    Q, V, pi, _, backup = pessimistic_induction(P_hat, rewards,
                                                fixed_penalty=res.penalty * factor,
                                                return_backup=True)
    return PessimisticResult(pi, Q, V, res.penalty, backup, name, res.params)


def _optimistic_tabular(data, **kw):
    """Bug: the penalty's sign flipped (an optimistic bonus instead of pessimism)."""
    return _rerun_with_penalty(data, pevi_tabular(data, **kw), -1.0, "optimistic")


def _tiny_penalty_tabular(data, **kw):
    """Bug: a penalty twenty times too small (e.g. a misplaced sqrt/log)."""
    res = pevi_tabular(data, **kw)
    out = _rerun_with_penalty(data, res, 0.05, "tiny-penalty")
    return PessimisticResult(out.policy, out.Q, out.V, res.penalty * 0.05, out.backup,
                             "tiny-penalty", res.params)


def _linear_mutant(sign: float = 1.0, beta_factor: float = 1.0):
    """Linear PEVI with a planted bug: Q = phi.w - sign * beta_factor * Gamma (sign -1 is
    optimism), while the reported quantifier stays beta ||phi||_{Lam^-1}."""
    def run(episodes, phi, *, beta=None, c=1.0, xi=0.1, lam=1.0):
        res = pevi_linear(episodes, phi, beta=beta, c=c, xi=xi, lam=lam)
        H = episodes.H
        phi = np.broadcast_to(np.asarray(phi, dtype=float), (H, *np.shape(phi)[-3:]))
        _, S, A, d = phi.shape
        st, ac, rw = episodes.states, episodes.actions, episodes.rewards
        V = np.zeros((H + 1, S))
        Q, bk = np.empty((H, S, A)), np.empty((H, S, A))
        for h in range(H - 1, -1, -1):
            Phi = phi[h][st[:, h], ac[:, h]]
            lam_h = Phi.T @ Phi + lam * np.eye(d)
            w = np.linalg.solve(lam_h, Phi.T @ (rw[:, h] + V[h + 1][st[:, h + 1]]))
            bk[h] = phi[h] @ w
            gam = res.params["beta"] * np.sqrt(np.einsum("sai,ij,saj->sa", phi[h],
                                                         np.linalg.inv(lam_h), phi[h]))
            Q[h] = np.clip(bk[h] - sign * beta_factor * gam, 0.0, H - h)
            V[h] = Q[h].max(axis=1)
        pen = res.penalty * (beta_factor if sign > 0 else 1.0)
        return PessimisticResult(np.argmax(Q, axis=2), Q, V, pen, bk, "pevi-linear-mutant",
                                 res.params)
    return run


def _linear_squared_norm(episodes, phi, *, beta=None, c=1.0, xi=0.1, lam=1.0):
    """Bug: Gamma = beta phi^T Lam^{-1} phi (the square root forgotten), through the general
    form of PEVI."""
    K, H = episodes.K, episodes.H
    phi = np.broadcast_to(np.asarray(phi, dtype=float), (H, *np.shape(phi)[-3:]))
    _, S, A, d = phi.shape
    beta = jyw_beta(d, H, K, xi, c) if beta is None else beta
    st, ac, rw = episodes.states, episodes.actions, episodes.rewards
    grams = [phi[h][st[:, h], ac[:, h]].T @ phi[h][st[:, h], ac[:, h]] + lam * np.eye(d)
             for h in range(H)]

    def backup(h, V_next):
        Phi = phi[h][st[:, h], ac[:, h]]
        return phi[h] @ np.linalg.solve(grams[h], Phi.T @ (rw[:, h] + V_next[st[:, h + 1]]))

    def penalty(h, V_next):
        return beta * np.einsum("sai,ij,saj->sa", phi[h], np.linalg.inv(grams[h]), phi[h])

    return pevi(H, S, A, backup, penalty, name="pevi-linear-squared-norm")


_linear_optimistic = _linear_mutant(sign=-1.0)             # pessimism flipped to optimism
_linear_beta_in_percent = _linear_mutant(beta_factor=0.01)  # c = 1 entered as 1 %


def _vi_lcb_without_variance(data, r, **kw):
    """Bug: VI-LCB's Bernstein penalty without its variance term (only c_b H L / n), while
    the reported b keeps it: the algorithm is less pessimistic than its own quantifier."""
    res = vi_lcb_episodic(data, r, **kw)
    L = res.params.get("L", 1.0)
    c_b = kw.get("c_b", 16.0)
    n = np.asarray(data.n, dtype=float)
    H = n.shape[0]
    small = np.where(n > 0, np.minimum(c_b * H * L / np.maximum(n, 1), H), H)
    P_hat = np.asarray(data.P_hat, dtype=float)
    rewards = np.broadcast_to(np.asarray(r, dtype=float), n.shape)
    Q, V, pi, _, backup = pessimistic_induction(P_hat, rewards, fixed_penalty=small,
                                                clip_upper=False, return_backup=True)
    # the quantifier the code claims: the full Bernstein b evaluated at this V_hat
    m = np.einsum("hsat,ht->hsa", P_hat, V[1:])
    var = np.einsum("hsat,hsat->hsa", P_hat, (V[1:, None, None, :] - m[..., None]) ** 2)
    safe = np.maximum(n, 1)
    full = np.where(n > 0, np.minimum(np.sqrt(c_b * L * var / safe) + c_b * H * L / safe, H),
                    H)
    return PessimisticResult(pi, Q, V, full, backup, "vi-lcb-no-variance", res.params)


def _decomposition_stale_value(mdp, result, policy_star=None):
    """Bug: iota computed with V_hat_h instead of V_hat_{h+1} (an off-by-one in the step)."""
    dec = decomposition(mdp, result, policy_star)
    H, S, A = mdp.shape
    stale = np.vstack([result.V[1:], np.zeros((1, S))])  # V[h+1] -> V[h+2]
    iota = np.where(np.isfinite(result.Q), true_backup(mdp, stale) - np.where(
        np.isfinite(result.Q), result.Q, 0.0), 0.0)
    pi_star = backward_induction(mdp).policy if policy_star is None else policy_star
    from mdplab.models.policy import validate_policy

    spurious = -_policy_values(mdp, iota, result.policy)
    intrinsic = _policy_values(mdp, iota, validate_policy(pi_star, H, S, A))
    return {**dec, "spurious": spurious, "intrinsic": intrinsic,
            "total": spurious + intrinsic + dec["optimisation"]}


def _decomposition_without_optimisation(mdp, result, policy_star=None):
    """Bug: the optimisation-error term dropped (it is <= 0, not 0, when pi_hat != pi*)."""
    dec = decomposition(mdp, result, policy_star)
    return {**dec, "total": dec["spurious"] + dec["intrinsic"]}


# ------------------------------------------------------------------ the claims
CLAIMS = [
    Claim(
        id="jin2021.decomposition_identity",
        paper=PAPER,
        statement="SubOpt(pi_hat;x) = -sum E_pi_hat[iota] + sum E_pi*[iota] + sum "
                  "E_pi*[<Q_hat, pi* - pi_hat>] exactly, for every PEVI variant and start x",
        source=SOURCE + ", Lemma 3.1, decomposition of suboptimality (numbering unconfirmed); "
               "tier A, exact identity: a failure points at mdplab's evaluator or occupancy code",
        check=_check_decomposition,
        implementation={"decomposition": decomposition, "pevi_tabular": pevi_tabular,
                        "pevi_linear": pevi_linear, "vi_lcb_episodic": vi_lcb_episodic,
                        "vi_lcb_subsampled": vi_lcb_subsampled},
        mutants={"iota_with_stale_value": {"decomposition": _decomposition_stale_value},
                 "optimisation_term_dropped": {
                     "decomposition": _decomposition_without_optimisation}},
    ),
    Claim(
        id="jin2021.implications_on_E",
        paper=PAPER,
        statement="On E: 0 <= iota <= 2 Gamma, V_hat <= V^pi_hat, and SubOpt(pi_hat;x) <= "
                  "2 sum_h E_pi*[Gamma_h | s_0 = x] (zero violations; PEVI and VI-LCB)",
        source=SOURCE + ", Theorem 4.2 and its proof (numbering unconfirmed); Li, Shi, Chen, "
               "Chi & Wei (2022), arXiv:2204.05275, Theorem 6, proof Steps 1-2; tier A (the "
               "implications are deterministic on E, derived from which clip binds)",
        check=_check_implications,
        implementation={"pevi_tabular": pevi_tabular, "pevi_linear": pevi_linear,
                        "vi_lcb_episodic": vi_lcb_episodic,
                        "vi_lcb_subsampled": vi_lcb_subsampled},
        mutants={"optimism_instead_of_pessimism": {"pevi_tabular": _optimistic_tabular},
                 "linear_optimism": {"pevi_linear": _linear_optimistic},
                 "vi_lcb_variance_dropped": {"vi_lcb_episodic": _vi_lcb_without_variance}},
    ),
    Claim(
        id="jin2021.l1_quantifier_validity",
        paper=PAPER,
        statement="Tabular PEVI with the 'l1' preset: P(E fails) <= xi = 0.1 "
                  "(binomial test, alpha 1e-3, at each K)",
        source=SOURCE + ", Definition 4.1 (xi-uncertainty quantifier; numbering unconfirmed); "
               "the 'l1' preset is the library's choice: Hoeffding for rewards plus the L1 "
               "deviation bound of Weissman et al. (2003), Inequalities for the L1 deviation of "
               "the empirical distribution, union bound over (h, s, a); tier B",
        check=_check_l1_validity,
        implementation={"pevi_tabular": pevi_tabular},
        mutants={"penalty_twenty_times_too_small": {"pevi_tabular": _tiny_penalty_tabular}},
        false_alarm=ALPHA * 3,
    ),
    Claim(
        id="jin2021.linear_beta_calibration",
        paper=PAPER,
        statement="Linear PEVI with beta = c d H sqrt(zeta), c = 1: P(E fails) <= xi = 0.1 "
                  "(binomial test) and the empirical c_emp(0.1) <= 1",
        source=SOURCE + ", Theorem 4.4(i) (c not given by the paper; numbering unconfirmed); "
               "tier B; pass/fail applies only to the library's default c = 1",
        check=_check_beta_calibration,
        implementation={"pevi_linear": pevi_linear},
        mutants={"beta_in_percent": {"pevi_linear": _linear_beta_in_percent}},
        false_alarm=ALPHA,
    ),
    Claim(
        id="jin2021.linear_bound_rate",
        paper=PAPER,
        statement="B(K) = 2 beta sum_h E_pi*[||phi||_Lam^-1] decays as sqrt(zeta/K): slope of "
                  "B/sqrt(zeta) is -0.50 +- 0.05, and B sqrt(K)/(d^1.5 H^2 sqrt(zeta)) varies < 4x",
        source=SOURCE + ", Theorem 4.4(ii) and Corollary 4.5 (as recalled; unconfirmed); "
               "planned check: slope of B itself in -0.50 +- 0.05; we divide by the log factor "
               "sqrt(zeta) that the rate states, because B alone is shallower by about "
               "1/(2 zeta) (see details for B's own slope)",
        check=_check_linear_rate,
        implementation={"pevi_linear": pevi_linear},
        mutants={"penalty_without_sqrt": {"pevi_linear": _linear_squared_norm}},
    ),
    Claim(
        id="jin2021.spurious_correlation",
        paper=PAPER,
        statement="With m poorly covered distractor actions, PEVI's mean SubOpt does not change "
                  "from m=1 to 10, 100 (3 s.e. + 10%), while greedy's increases (Spearman > 0.9)",
        source=SOURCE + ", Sec. 3 (spurious correlation) and the coverage-of-pi* corollary; "
               "the distractor instance is mdplab's construction (tabular only; the planned "
               "linear variant is not run)",
        check=_check_spurious,
        implementation={"pevi_tabular": pevi_tabular},
        mutants={"optimism_instead_of_pessimism": {"pevi_tabular": _optimistic_tabular}},
    ),
]
