"""Discounted VI-LCB: Li, Shi, Chen, Chi & Wei (2022) and the splitting VI-LCB of
Rashidinejad, Zhu, Ma, Jiao & Russell (2021), as runnable checks.

Claims covered here: the implications on the concentration event (Li et al., proof of
Theorem 1, Steps 2-3), the contraction and monotone convergence of the pessimistic operator
(Lemmas 1-2), C*_clipped on the hard family and on random instances (Definitions 1-2), the
monotonicity of the splitting VI-LCB (Rashidinejad et al.), the frequency of pessimism
(Theorem 1, discounted part) and the two-point lower bound on ``hard_discounted``
(Theorem 2). Each check calls the code only through ``impl``; each claim has planted bugs
that its quick run catches.

Tiers. Tier A: exact identities and implications, checked to round-off (TIER_A = 1e-9,
relative to 1/(1-gamma)). Tier B: probabilistic statements checked by a one-sided binomial
test at false-alarm level ALPHA = 1e-3.

Data: i.i.d. (s, a, s') tuples from :func:`mdplab.sampling.sample_iid` (event implications,
operator facts, monotonicity, and pessimism frequency up to N = 10^5). The two-point lower
bound, and the pessimism frequency at N = 10^6, draw the counts (n, nn) of the N i.i.d.
tuples directly -- a multinomial over (s, a), then
a multinomial over s' per pair -- which has exactly the law of the counts of ``sample_iid``
and costs O(S^2 A) instead of O(N) (N reaches 10^6 there); the same holds for the fold
counts of the splitting algorithm (folds of a random split of i.i.d. tuples are i.i.d.).
A test checks this sampler against ``sample_iid``.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy import stats

from mdplab import DiscountedMDP
from mdplab.algorithms.offline import vilcb_discounted as vd
from mdplab.claims import Claim, binomial_check
from mdplab.coverage import concentrability, concentrability_from_occupancies
from mdplab.envs import hard_discounted_instance
from mdplab.kernels import pessimism_discounted_reference as ref
from mdplab.planning import evaluate_policy, occupancy_measure, policy_iteration
from mdplab.sampling import sample_iid

PAPER = "li2022_discounted"
SRC_LI = ("G. Li, L. Shi, Y. Chen, Y. Chi, Y. Wei (2022), Settling the Sample Complexity of "
          "Model-Based Offline RL, arXiv:2204.05275")
SRC_RZ = ("P. Rashidinejad, B. Zhu, C. Ma, J. Jiao, S. Russell (2021), Bridging Offline RL and "
          "Imitation Learning: A Tale of Pessimism, arXiv:2103.12021")
TIER_A = 1e-9        # tolerance of the deterministic claims, relative to 1/(1-gamma)
ALPHA = 1e-3         # false-alarm level of the tier-B binomial tests


# ============================================================================= instances
def _random_instance(rng, S: int, A: int, gamma: float) -> DiscountedMDP:
    P = rng.dirichlet(0.5 * np.ones(S), size=(S, A))
    return DiscountedMDP(P, rng.random((S, A)), gamma, rho=rng.dirichlet(np.ones(S)))


def _eps_greedy_occupancy(mdp: DiscountedMDP, eps: float = 0.5) -> np.ndarray:
    """d^b = normalised discounted occupancy (from rho) of (1-eps) pi* + eps uniform."""
    S, A = mdp.shape
    beh = np.full((S, A), eps / A)
    beh[np.arange(S), policy_iteration(mdp).policy] += 1.0 - eps
    return occupancy_measure(mdp, beh)


def _sparse_mu(rng, S: int, A: int, zero_frac: float = 0.3) -> np.ndarray:
    """A random (s, a) distribution with about ``zero_frac`` of its pairs at 0."""
    w = rng.random((S, A)) * (rng.random((S, A)) > zero_frac)
    w[0, 0] += 1e-3                                     # never all zero
    return w / w.sum()


def _iid_counts(d_b: np.ndarray, P: np.ndarray, N: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Counts (n (S, A), nn (S, A, S)) of N i.i.d. tuples (s, a) ~ d_b, s' ~ P(.|s, a)."""
    S, A = d_b.shape
    n = rng.multinomial(N, d_b.reshape(-1))
    nn = rng.multinomial(n, P.reshape(S * A, S))
    return n.reshape(S, A), nn.reshape(S, A, S)


def _fold_counts(d_b: np.ndarray, P: np.ndarray, N: int, gamma: float, rng) -> np.ndarray:
    """nn (T+1, S, A, S) of the T+1 folds of m = floor(N/(T+1)) i.i.d. tuples each."""
    S, A = d_b.shape
    T = vd.rzmjr21_iterations(N, gamma)
    m = N // (T + 1)
    n = rng.multinomial(m, d_b.reshape(-1), size=T + 1)               # (T+1, SA)
    nn = rng.multinomial(n, P.reshape(S * A, S))                      # (T+1, SA, S)
    return nn.reshape(T + 1, S, A, S)


# ============================================================================= mutants
def _np_vilcb(variant: str):
    """Algorithm 1 in numpy with one planted bug; returns a BernsteinVILCBResult whose
    reported penalty is the correct b(.; V_hat) (so the checks see a plausible result)."""

    def run(data, r, gamma, *, delta=0.05, c_b=144.0, tau_max=None, tol=None, Q0=None,
            keep_history=False):
        n, nn = vd._counts(data)
        N = int(n.sum())
        P_hat = vd._p_hat(data, n, nn)
        c_log, add = c_b * vd.li2022_log_term(N, gamma, delta), 5.0 / N
        tau = vd.li2022_tau_max(N, gamma) if tau_max is None else tau_max
        r = np.asarray(r, float)
        Q = np.zeros(r.shape) if Q0 is None else np.array(Q0, float)
        hist, change, it = [Q.copy()], np.inf, 0
        while it < tau:
            b, m = ref._penalty_and_mean(P_hat, n.astype(float), Q.max(axis=1), gamma, c_log,
                                         add)
            if variant == "optimistic":
                Qn = np.maximum(r + gamma * m + b, 0.0)
            elif variant == "no_penalty":
                Qn = np.maximum(r + gamma * m, 0.0)
            else:  # pragma: no cover
                raise ValueError(variant)
            it += 1
            change = float(np.max(np.abs(Qn - Q)))
            Q = Qn
            if keep_history:
                hist.append(Q.copy())
            if tol is not None and change <= tol:
                break
        V = Q.max(axis=1)
        b, m = ref._penalty_and_mean(P_hat, n.astype(float), V, gamma, c_log, add)
        return vd.BernsteinVILCBResult(
            policy=np.argmax(Q, axis=1), Q=Q, V=V, penalty=b, next_value=m, n_iter=it,
            last_change=change, stopped_by_tol=bool(tol is not None and change <= tol),
            history=np.array(hist) if keep_history else None, algorithm=f"mutant[{variant}]",
            params={"N": N, "gamma": gamma, "delta": delta, "c_b": c_b})

    return run


def _start_from_top(data, r, gamma, **kw):
    """Bug: Algorithm 1 started from Q_0 = 1/(1-gamma) (optimistic start) instead of 0."""
    n, _ = vd._counts(data)
    kw["Q0"] = np.full(n.shape, 1.0 / (1.0 - gamma))
    return vd.vi_lcb_bernstein(data, r, gamma, **kw)


def _np_operator(variant: str):
    """T_pe with a mis-nested penalty (numpy)."""

    def op(Q, data, r, gamma, *, delta=0.05, c_b=144.0):
        n, nn = vd._counts(data)
        N = int(n.sum())
        P_hat = vd._p_hat(data, n, nn)
        c_log = c_b * vd.li2022_log_term(N, gamma, delta)
        V = np.asarray(Q, float).max(axis=1)
        m = P_hat @ V
        var = np.einsum("sat,sat->sa", P_hat, (V[None, None, :] - m[..., None]) ** 2)
        safe = np.maximum(n, 1.0)
        cap = 1.0 / (1.0 - gamma)
        sq = np.sqrt(c_log * var / safe)
        if variant == "no_max":          # the max with the linear term dropped
            inner = sq
        elif variant == "lin_no_horizon":  # linear term 2 c L / N(s,a), without 1/(1-gamma)
            inner = np.maximum(sq, 2.0 * c_log / safe)
        else:  # pragma: no cover
            raise ValueError(variant)
        b = np.where(n > 0, np.minimum(inner, cap), cap) + 5.0 / N
        return np.maximum(np.asarray(r, float) + gamma * m - b, 0.0)

    return op


def _bound_without_horizon(mdp, result, *, policy_star=None, factor=None):
    """Bug: the factor 2/(1-gamma) of the bound is replaced by 2."""
    return vd.discounted_data_dependent_bound(mdp, result, policy_star=policy_star, factor=2.0)


def _lemma2_squared(tau, gamma):
    """Bug: Lemma 2's bound with gamma^(2 tau) (a wrong power)."""
    return gamma ** (2 * tau) / (1.0 - gamma)


def _split_mutant(variant: str):
    def run(nn_folds, gamma, *, N, r=None, r_folds=None, delta=0.05, c_L=2000.0):
        nn = np.asarray(nn_folds, float)
        T1, S, A, _ = nn.shape
        rf = np.broadcast_to(np.asarray(r if r is not None else r_folds, float), (T1, S, A))
        v_max = 1.0 / (1.0 - gamma)
        c_pen = v_max * math.sqrt(c_L * math.log(2.0 * T1 * S * A / delta))
        V = np.zeros((T1, S))
        pi = np.zeros((T1, S), dtype=np.int64)
        Q = np.full((S, A), -v_max)
        for t in range(1, T1):
            mt = nn[t].sum(axis=2)
            safe = np.maximum(mt, 1.0)
            Q = np.where(mt > 0, rf[t] - c_pen / np.sqrt(safe) + gamma * (nn[t] @ V[t - 1]) / safe,
                         -v_max)
            best, arg = Q.max(axis=1), Q.argmax(axis=1)
            if variant == "no_keep":          # the monotone keep-old-value step dropped
                V[t], pi[t] = best, arg
            elif variant == "policy_always_greedy":
                up = best > V[t - 1]
                V[t] = np.where(up, best, V[t - 1])
                pi[t] = arg                   # policy switched even where V was kept
            else:  # pragma: no cover
                raise ValueError(variant)
        return vd.SplitVILCBResult(policy=pi[-1], V=V[-1], Q=Q, V_history=V,
                                   policy_history=pi, algorithm=f"mutant[{variant}]")

    return run


def _clip_one_over_SA(mdp, policy, behavior_policy, *, rho_b=None, clip=None):
    """Bug: the clipping level 1/(S A) instead of 1/S."""
    return concentrability(mdp, policy, behavior_policy, rho_b=rho_b, clip=1.0 / (mdp.S * mdp.A))


def _clipped_from_occ_one_over_SA(d_star, d_b, clip=None):
    S, A = np.shape(d_star)
    return concentrability_from_occupancies(d_star, d_b, clip=1.0 / (S * A))


def _hard_mu_not_stationary(S=10, gamma=0.9, C=2.0, epsilon=0.5, theta=0):
    """Bug: u computed as m0 (1 - p)/(1 - m0) (ignoring q), so mu is not stationary."""
    inst = hard_discounted_instance(S=S, gamma=gamma, C=C, epsilon=epsilon, theta=theta)
    u = inst.m0 * (1.0 - inst.p) / (1.0 - inst.m0)
    P = np.array(inst.mdp.P)
    P[1, :, 0], P[1, :, 1] = u, 1.0 - u
    return dataclasses.replace(inst, mdp=DiscountedMDP(P, inst.mdp.r, gamma, rho=inst.mdp.rho),
                               u=u)


def _hard_behaviour_favours_theta(S=10, gamma=0.9, C=2.0, epsilon=0.5, theta=0):
    """Bug: the data distribution plays theta at state 0 w.p. 0.9, so the data reveal theta
    (the two hypotheses no longer share d^b, and KL_1 no longer measures their distance)."""
    inst = hard_discounted_instance(S=S, gamma=gamma, C=C, epsilon=epsilon, theta=theta)
    d_b = np.array(inst.d_b)
    d_b[0, theta], d_b[0, 1 - theta] = 0.9 * inst.m0, 0.1 * inst.m0
    return dataclasses.replace(inst, d_b=d_b)


def _two_point_forgot_N(N, kl_per_sample):
    """Bug: the KL of one sample used as the KL of the whole dataset."""
    return vd.discounted_two_point_lower_bound(1, kl_per_sample)


# ============================================================================= event implications
def _check_event_implications(budget, rng, impl):
    quick = budget == "quick"
    gammas = (0.5, 0.9) if quick else (0.5, 0.9, 0.99)
    Ns = (1000, 10000) if quick else (1000, 10000, 100000)
    cbs = (144.0, 1.0, 0.05)
    per = 1 if quick else 20
    worst_a = worst_b = -np.inf
    held = total = 0
    not_converged = 0
    vacuous = 0  # datasets on E whose data-dependent bound is >= 1/(1-gamma)
    for g in gammas:
        for N in Ns:
            for cb in cbs:
                for _ in range(per):
                    mdp = _random_instance(rng, 8, 3, g)
                    data = sample_iid(mdp, _eps_greedy_occupancy(mdp), N, rng)
                    res = impl.vi_lcb_bernstein(data, mdp.r, g, delta=0.05, c_b=cb,
                                                tau_max=200_000, tol=1e-13)
                    not_converged += not res.stopped_by_tol
                    total += 1
                    if not impl.discounted_event(mdp, res)["holds"]:
                        continue
                    held += 1
                    scale = 1.0 / (1.0 - g)
                    Qpi = evaluate_policy(mdp, res.policy).Q
                    worst_a = max(worst_a, float(np.max(res.Q - Qpi)) / scale)
                    lhs = policy_iteration(mdp).value - float(mdp.rho @ res.V)
                    bound = impl.data_dependent_bound(mdp, res)
                    vacuous += float(bound) >= scale  # the trivial bound 1/(1-gamma)
                    worst_b = max(worst_b, (lhs - bound) / scale)
    stat = max(worst_a, worst_b)
    return {"statistic": stat, "bound": TIER_A, "passed": stat <= TIER_A and not_converged == 0,
            "details": {"datasets": total, "event_held": held, "worst_(a)_Q_minus_Qpi": worst_a,
                        "worst_(b)_excess": worst_b, "not_converged": not_converged,
                        "vacuous_fraction": vacuous / max(held, 1),
                        "units": "fractions of 1/(1-gamma)"}}


# ============================================================================= contraction
def _check_contraction(budget, rng, impl):
    quick = budget == "quick"
    pairs = 120 if quick else 10_000
    gammas = (0.5, 0.7, 0.9, 0.99)
    logged = (0.3,)
    worst, worst_logged = 0.0, 0.0
    for g in gammas + logged:
        cap = 1.0 / (1.0 - g)
        models = []
        for cb in (144.0, 1.0, 0.05):
            mdp = _random_instance(rng, 6, 3, g)
            data = sample_iid(mdp, _sparse_mu(rng, 6, 3), int(rng.integers(30, 400)), rng)
            models.append((data, mdp.r, cb))
        for k in range(pairs):
            data, r, cb = models[k % len(models)]
            Q1 = rng.random(r.shape) * cap
            kind = k % 3
            if kind == 0:
                Q2 = rng.random(r.shape) * cap
            elif kind == 1:                                  # a small local perturbation
                Q2 = np.clip(Q1 + rng.uniform(-1, 1, r.shape) * 1e-3 * cap, 0.0, cap)
            else:                                            # nearly constant values
                Q1 = np.full(r.shape, rng.random() * cap)
                Q2 = np.clip(Q1 + rng.uniform(-1, 1, r.shape) * 1e-2 * cap, 0.0, cap)
            dq = float(np.max(np.abs(Q1 - Q2)))
            if dq == 0.0:
                continue
            T1 = impl.pessimistic_operator(Q1, data, r, g, delta=0.05, c_b=cb)
            T2 = impl.pessimistic_operator(Q2, data, r, g, delta=0.05, c_b=cb)
            ratio = float(np.max(np.abs(T1 - T2))) / (g * dq)
            if g >= 0.5:
                worst = max(worst, ratio)
            else:
                worst_logged = max(worst_logged, ratio)
    bound = 1.0 + 1e-9
    return {"statistic": worst, "bound": bound, "passed": worst <= bound,
            "details": {"pairs_per_gamma": pairs, "gammas": gammas,
                        "statistic": "max ||T Q1 - T Q2|| / (gamma ||Q1 - Q2||)",
                        "logged_gamma_0.3": worst_logged}}


# ============================================================================= monotone convergence
def _check_monotone_convergence(budget, rng, impl):
    quick = budget == "quick"
    gammas = (0.5, 0.9) if quick else (0.5, 0.7, 0.9, 0.99)
    per = 2 if quick else 30
    worst_mono, worst_dist = 0.0, -np.inf
    logged = {}
    for g in gammas + (0.3,):
        for k in range(per):
            mdp = _random_instance(rng, 6, 3, g)
            N = int(rng.choice([300, 3000, 30000]))
            data = sample_iid(mdp, _sparse_mu(rng, 6, 3, 0.2), N, rng)
            cb = (1.0, 0.05, 144.0)[k % 3]
            res = impl.vi_lcb_bernstein(data, mdp.r, g, delta=0.05, c_b=cb, tau_max=200_000,
                                        tol=1e-13, keep_history=True)
            H = res.history
            q_inf = H[-1]
            scale = 1.0 / (1.0 - g)
            drop = float(np.max(H[:-1] - H[1:])) / scale if len(H) > 1 else 0.0
            taus = np.arange(len(H))
            dist = np.max(np.abs(H - q_inf), axis=(1, 2))
            lemma = np.array([impl.lemma2_distance_bound(int(t), g) for t in taus])
            excess = float(np.max(dist - lemma)) / scale
            if g >= 0.5:
                worst_mono = max(worst_mono, drop)
                worst_dist = max(worst_dist, excess)
            else:
                logged = {"gamma": g, "max_drop": drop, "max_excess": excess}
    stat = max(worst_mono, worst_dist)
    return {"statistic": stat, "bound": TIER_A, "passed": stat <= TIER_A,
            "details": {"max_decrease_of_an_iterate": worst_mono,
                        "max_(dist - gamma^tau/(1-gamma))": worst_dist,
                        "units": "fractions of 1/(1-gamma)", "logged_gamma_0.3": logged}}


# ============================================================================= C*_clipped
def _check_clipped_concentrability(budget, rng, impl):
    quick = budget == "quick"
    grid = [(4, 0.9, 1.0), (10, 0.9, 2.0), (16, 0.99, 4.0)] if quick else [
        (S, g, C) for S in (4, 10, 16) for g in (0.7, 0.9, 0.99) for C in (1.0, 2.0, 4.0)
        if C >= 4.0 / S]
    worst_hard = 0.0
    for S, g, C in grid:
        for theta in (0, 1):
            eps = min(0.2, 1.0 / (42.0 * (1.0 - g)))
            inst = impl.hard_discounted_instance(S=S, gamma=g, C=C, epsilon=eps, theta=theta)
            pi_star = policy_iteration(inst.mdp).policy
            res = impl.concentrability(inst.mdp, pi_star, inst.behaviour, rho_b=inst.mu)
            worst_hard = max(worst_hard, abs(res.clipped_value - C) / C)
    n_random = 20 if quick else 100
    worst_random = 0.0
    for _ in range(n_random):
        S, A = int(rng.integers(2, 9)), int(rng.integers(1, 5))
        mdp = _random_instance(rng, S, A, float(rng.uniform(0.1, 0.99)))
        d_star = occupancy_measure(mdp, policy_iteration(mdp).policy)
        d_b = rng.dirichlet(np.ones(S * A)).reshape(S, A)
        res = impl.concentrability_from_occupancies(d_star, d_b)
        worst_random = max(worst_random, 1.0 / S - res.clipped_value,
                           res.clipped_value - res.value)
    stat = max(worst_hard, worst_random)
    bound = 1e-12
    return {"statistic": stat, "bound": bound, "passed": stat <= bound,
            "details": {"max_rel_dev_|C_clipped - C|/C_on_hard_discounted": worst_hard,
                        "max_violation_of_1/S<=C_clipped<=C*_random": worst_random,
                        "hard_cells": len(grid) * 2, "random_instances": n_random}}


# ============================================================================= split monotone
def _check_split_monotone(budget, rng, impl):
    quick = budget == "quick"
    cells = [(0.9, 3000, c) for c in (2000.0, 1e-2, 1e-4)] if quick else [
        (g, N, c) for g in (0.5, 0.9, 0.99) for N in (2000, 20000, 200000)
        for c in (2000.0, 1e-2, 1e-4)]
    per = 1 if quick else 3
    v_viol = pi_viol = increases = 0
    for g, N, cL in cells:
        for _ in range(per):
            mdp = _random_instance(rng, 6, 3, g)
            data = sample_iid(mdp, _eps_greedy_occupancy(mdp), N, rng)
            nn, r_folds, _ = vd.split_fold_counts(data, g, rng)
            res = impl.vi_lcb_split_from_folds(nn, g, N=N, r_folds=r_folds, delta=0.05, c_L=cL)
            Vh, ph = np.asarray(res.V_history), np.asarray(res.policy_history)
            dV = Vh[1:] - Vh[:-1]
            v_viol += int(np.sum(dV < 0))
            pi_viol += int(np.sum((ph[1:] != ph[:-1]) & ~(dV > 0)))
            increases += int(np.sum(dV > 0))
    stat = v_viol + pi_viol
    return {"statistic": stat, "bound": 0.0, "passed": stat == 0,
            "details": {"V_decreases": v_viol, "policy_changes_without_increase": pi_viol,
                        "strict_increases_seen": increases, "cells": len(cells) * per}}


# ============================================================================= pessimism frequency
def _check_pessimism_frequency(budget, rng, impl, delta=0.05):
    quick = budget == "quick"
    M = 60 if quick else 500
    gen = np.random.default_rng(2204)                    # one fixed instance
    mdp = _random_instance(gen, 8, 3, 0.9)
    d_b = _eps_greedy_occupancy(mdp)
    Ns = (1000, 10000) if quick else (10_000, 100_000, 1_000_000)
    viol = 0
    control = 0
    for i in range(M):
        N = Ns[i % len(Ns)]
        # at N = 10^6 (where c_b = 144 first leaves V_hat > 0 on this instance) the counts
        # are drawn directly, with the law of sample_iid's counts (module docstring)
        data = (_iid_counts(d_b, np.asarray(mdp.P), N, rng) if N >= 1_000_000
                else sample_iid(mdp, d_b, N, rng))
        res = impl.vi_lcb_bernstein(data, mdp.r, mdp.gamma, delta=delta, c_b=144.0)
        tol = 1e-9 / (1.0 - mdp.gamma)
        viol += bool(np.any(res.V > evaluate_policy(mdp, res.policy).V + tol))
        if i < (20 if quick else M):                     # negative control, logged only
            c = vd.vi_lcb_bernstein(data, mdp.r, mdp.gamma, delta=delta, c_b=0.05)
            control += bool(np.any(c.V > evaluate_policy(mdp, c.policy).V + tol))
    test = binomial_check(viol, M, 2 * delta, ALPHA)
    return {"statistic": test.rate, "bound": 2 * delta, "passed": test.passed,
            "interval": test.interval,
            "details": {"datasets": M, "violations": viol, "p_value": test.p_value,
                        "alpha": ALPHA, "N": Ns, "c_b": 144.0, "delta": delta,
                        "control_c_b_0.05_violation_rate": control / (20 if quick else M)}}


# ============================================================================= two-point bound
_BERNSTEIN = (144.0, 1.0, 0.0)
_SPLIT = (2000.0, 1e-4)


def _check_two_point(budget, rng, impl):
    """max_theta P_theta(pi_hat(0) != theta) against the two-point bound, per cell and
    algorithm; the test fails if P(Bin(M, bound) <= errors) < ALPHA (errors below the bound
    for every estimator means a bug in the instance, the data or the bound)."""
    quick = budget == "quick"
    if quick:
        cells = [(4, 0.9, 1.0, x) for x in (0.1, 3.0)]
        M = 150
    else:
        cells = [(S, g, C, x) for S in (4, 16) for g in (0.9, 0.99) for C in (1.0, 4.0)
                 for x in (0.1, 0.3, 1.0, 3.0)]
        M = 2000
    worst_p, worst = 1.0, None
    rows = []
    for S, g, C, x in cells:
        eps = 1.0 / (42.0 * (1.0 - g))
        insts = [impl.hard_discounted_instance(S=S, gamma=g, C=C, epsilon=eps, theta=t)
                 for t in (0, 1)]
        kl = insts[0].kl_per_sample
        N = max(1, math.ceil(x / kl))
        bound = impl.two_point_lower_bound(N, kl)
        errors = {}
        for t, inst in enumerate(insts):
            P, r = np.asarray(inst.mdp.P), np.asarray(inst.mdp.r)
            d_b = np.asarray(inst.d_b)
            for _ in range(M):
                counts = _iid_counts(d_b, P, N, rng)
                for cb in _BERNSTEIN:
                    res = impl.vi_lcb_bernstein(counts, r, g, delta=0.05, c_b=cb)
                    errors.setdefault(("bernstein", cb), [0, 0])[t] += res.policy[0] != t
                if S == 4:                                    # the splitting algorithm
                    nn = _fold_counts(d_b, P, N, g, rng)
                    for cL in _SPLIT:
                        res = impl.vi_lcb_split_from_folds(nn, g, N=N, r=r, delta=0.05, c_L=cL)
                        errors.setdefault(("split", cL), [0, 0])[t] += res.policy[0] != t
        for alg, (e0, e1) in errors.items():
            k = max(e0, e1)
            p = float(stats.binom.cdf(k, M, bound)) if bound > 0 else 1.0
            rows.append({"S": S, "gamma": g, "C": C, "N_KL1": x, "N": N,
                         "kappa": N * (1 - g) ** 3 * eps ** 2 / (S * C), "alg": alg,
                         "max_err": k / M, "bound": bound, "p_value": p})
            if p < worst_p:
                worst_p, worst = p, rows[-1]
    return {"statistic": worst_p, "bound": ALPHA, "relation": ">=", "passed": worst_p >= ALPHA,
            "details": {"datasets_per_theta": M, "cells": len(cells), "worst": worst,
                        "min_margin_err_minus_bound": min(r_["max_err"] - r_["bound"]
                                                          for r_ in rows),
                        "test": "p = P(Bin(M, bound) <= max_theta errors); fail if p < alpha"}}


# ============================================================================= claims
CLAIMS = [
    Claim(
        id="li2022_discounted.event_implications",
        paper=PAPER,
        statement="Alg. 1 run to ||Q_tau - Q_{tau-1}|| <= 1e-13: whenever |(P_hat - P) V_hat| <= "
        "b(.;V_hat) everywhere, (a) Q_hat <= Q^pi_hat and (b) V*(rho) - V_hat(rho) <= "
        "(2/(1-gamma)) sum_s d*_rho(s) b(s, pi*(s); V_hat)  [exact, tol 1e-9/(1-gamma)]",
        source=f"{SRC_LI}, proof of Theorem 1, Steps 2-3 (Step 2: Q_hat <= Q^pi_hat; Step 3: "
        "V* - V_hat <= gamma P*(V* - V_hat) + (1+gamma) b*); tier A, exact at the fixed point",
        check=_check_event_implications,
        implementation={"vi_lcb_bernstein": vd.vi_lcb_bernstein,
                        "discounted_event": vd.discounted_event,
                        "data_dependent_bound": vd.discounted_data_dependent_bound},
        mutants={"optimistic_update": {"vi_lcb_bernstein": _np_vilcb("optimistic")},
                 "penalty_zeroed_in_update": {"vi_lcb_bernstein": _np_vilcb("no_penalty")},
                 "bound_without_horizon_factor": {"data_dependent_bound":
                                                  _bound_without_horizon}},
    ),
    Claim(
        id="li2022_discounted.contraction",
        paper=PAPER,
        statement="For gamma in [1/2, 1), ||T_pe(Q1) - T_pe(Q2)||_inf <= gamma ||Q1 - Q2||_inf "
        "on [0, 1/(1-gamma)]^{SA} (Bernstein penalty (28), models with N(s,a) = 0 cells)",
        source=f"{SRC_LI}, Lemma 1; penalty eq. (28) reconstructed from the proofs of Lemmas 1 "
        "and 5; tier A",
        check=_check_contraction,
        implementation={"pessimistic_operator": vd.pessimistic_operator},
        mutants={"penalty_without_max_nesting": {"pessimistic_operator": _np_operator("no_max")},
                 "linear_term_without_horizon": {"pessimistic_operator":
                                                 _np_operator("lin_no_horizon")}},
    ),
    Claim(
        id="li2022_discounted.monotone_convergence",
        paper=PAPER,
        statement="From Q_0 = 0 the iterates of Alg. 1 are entrywise non-decreasing and "
        "||Q_tau - Q_inf||_inf <= gamma^tau/(1-gamma) (gamma in [1/2, 1); Q_inf iterated to "
        "1e-13)",
        source=f"{SRC_LI}, Lemma 2; tier A",
        check=_check_monotone_convergence,
        implementation={"vi_lcb_bernstein": vd.vi_lcb_bernstein,
                        "lemma2_distance_bound": vd.lemma2_distance_bound},
        mutants={"optimistic_start": {"vi_lcb_bernstein": _start_from_top},
                 "bound_with_gamma_power_2tau": {"lemma2_distance_bound": _lemma2_squared}},
    ),
    Claim(
        id="li2022_discounted.clipped_concentrability",
        paper=PAPER,
        statement="C*_clipped = C exactly on hard_discounted(S, gamma, C, eps) (data "
        "d^b = mu/2 stationary), and 1/S <= C*_clipped <= C* on random instances",
        source=f"{SRC_LI}, Definitions 1-2, eqs. (18)-(19), (21) and the construction of "
        "Appendix C.2 (hard_discounted is mdplab's construction with the same mechanism; the "
        "paper's exact p, q and state-1 transitions were not recovered); tier A",
        check=_check_clipped_concentrability,
        implementation={"hard_discounted_instance": hard_discounted_instance,
                        "concentrability": concentrability,
                        "concentrability_from_occupancies": concentrability_from_occupancies},
        mutants={"clip_at_one_over_SA": {"concentrability": _clip_one_over_SA,
                                         "concentrability_from_occupancies":
                                             _clipped_from_occ_one_over_SA},
                 "mu_not_stationary": {"hard_discounted_instance": _hard_mu_not_stationary}},
    ),
    Claim(
        id="li2022_discounted.split_monotone",
        paper=PAPER,
        statement="Splitting VI-LCB: V_t is entrywise non-decreasing in t and pi_t(s) changes "
        "only where V_t(s) strictly increased",
        source=f"{SRC_RZ}, the VI-LCB algorithm for discounted MDPs (the keep-the-old-value "
        "monotone step is as recalled, unconfirmed); tier A",
        check=_check_split_monotone,
        implementation={"vi_lcb_split_from_folds": vd.vi_lcb_split_from_folds},
        mutants={"no_keep_old_value": {"vi_lcb_split_from_folds": _split_mutant("no_keep")},
                 "policy_always_greedy": {"vi_lcb_split_from_folds":
                                          _split_mutant("policy_always_greedy")}},
    ),
    Claim(
        id="li2022_discounted.pessimism_frequency",
        paper=PAPER,
        statement="With c_b = 144 and delta = 0.05, P(V_hat(s) > V^pi_hat(s) for some s) <= "
        "2 delta  [binomial test, alpha = 1e-3; control c_b = 0.05 logged]",
        source=f"{SRC_LI}, Theorem 1 (probability 1 - 2 delta) and Step 2 of its proof "
        "(pessimism), with c_b = 144 from Remark 2; tier B; the control c_b = 0.05 is the value "
        "of the paper's Sec. 4 experiment",
        check=_check_pessimism_frequency,
        implementation={"vi_lcb_bernstein": vd.vi_lcb_bernstein},
        mutants={"optimistic_update": {"vi_lcb_bernstein": _np_vilcb("optimistic")},
                 "penalty_zeroed": {"vi_lcb_bernstein": _np_vilcb("no_penalty")}},
        false_alarm=ALPHA,
    ),
    Claim(
        id="li2022_discounted.two_point_lower_bound",
        paper=PAPER,
        statement="On hard_discounted, for each algorithm: max_theta P_theta(pi_hat(0) != theta) "
        ">= max{e^{-N KL_1}/4, (1 - sqrt(N KL_1/2))/2}  [exact binomial test, alpha = 1e-3 per "
        "cell]",
        source=f"{SRC_LI}, Theorem 2 mechanism (Appendix C.2, construction reconstructed), on "
        "mdplab's hard_discounted family; Tsybakov (2009), Introduction to Nonparametric "
        "Estimation, Thm 2.2(iii); tier B",
        check=_check_two_point,
        implementation={"hard_discounted_instance": hard_discounted_instance,
                        "vi_lcb_bernstein": vd.vi_lcb_bernstein,
                        "vi_lcb_split_from_folds": vd.vi_lcb_split_from_folds,
                        "two_point_lower_bound": vd.discounted_two_point_lower_bound},
        mutants={"kl_of_one_sample": {"two_point_lower_bound": _two_point_forgot_N},
                 "behaviour_favours_theta": {"hard_discounted_instance":
                                             _hard_behaviour_favours_theta}},
        false_alarm=ALPHA,
    ),
]
