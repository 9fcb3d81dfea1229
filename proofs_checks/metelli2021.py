"""Metelli, Ramponi, Concetti & Restelli (2021): error propagation in discounted feasible sets.

Source: A. M. Metelli, G. Ramponi, A. Concetti, M. Restelli (2021). *Provably Efficient
Learning of Transferable Rewards.* ICML 2021, PMLR 139:7665-7676 [MRCR21]. The full text was
not found; Lemma 3.2 (explicit form) and Theorem 3.1 (error propagation) are taken from their
restatements in Metelli, Lazzati & Restelli (2023, arXiv:2304.12966) and Lazzati, Mutti &
Metelli (2024, arXiv:2406.03812), with the signs derived in
:mod:`mdplab.algorithms.irl.discounted`.

Claims (numbered as in the library's IRL plan): 16, the propagation inequality (exact, to 1e-10)
and the feasibility of both rewards; 18, its consequence for uniform sampling, a deterministic
inequality on optimal action values (exact) and the n^(-1/2) rate of the Q* error (a fitted
log-log slope in [-0.65, -0.35]), with the fitted exponent of 1/(1 - gamma) reported; 17, the
transfer inequality in a target model (exact, to 1e-9).
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np

from mdplab.algorithms.irl import (
    DiscountedFeasibleRewardSet,
    project,
    propagated_reward,
    transfer_bound,
)
from mdplab.claims import Claim, loglog_slope

PAPER = "metelli2021"
SRC = "Metelli, Ramponi, Concetti & Restelli (2021), ICML, PMLR 139:7665-7676"


def _problem(S, A, seed):
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(S), size=(S, A)), rng.integers(A, size=S)


def _optimal_q(P, r, gamma):
    """Q* by policy iteration with exact (LU) evaluation."""
    S, A = r.shape
    pi = np.zeros(S, dtype=np.int64)
    idx = np.arange(S)
    for _ in range(200):
        V = np.linalg.solve(np.eye(S) - gamma * P[idx, pi], r[idx, pi])
        Q = r + gamma * P @ V
        new = Q.argmax(axis=1)
        if np.all(Q[idx, new] <= Q[idx, pi] + 1e-12):
            return Q
        pi = new
    return Q


# ------------------------------------------------------------------ planted bugs
def _propagated_true_support(R, R_hat, V, zeta):
    """rhat built with the true expert's unplayed set (Bbar) instead of the estimate's."""
    z = np.where(R.slack, zeta, 0.0)
    r = R.explicit_reward(V, z)
    rhat = (np.asarray(V)[:, None] - R.gamma * R_hat.P @ np.asarray(V) - z)
    bound = (R.slack & ~R_hat.slack) * z + R.gamma * np.abs((R.P - R_hat.P) @ V)
    return r, rhat, bound


def _propagated_without_policy_term(R, R_hat, V, zeta):
    r, rhat, _ = propagated_reward(R, R_hat, V, zeta)
    return r, rhat, R.gamma * np.abs((R.P - R_hat.P) @ np.asarray(V))


def _estimate(P, n, gen):
    S, A, _ = P.shape
    out = np.empty_like(P)
    for s, a in itertools.product(range(S), range(A)):
        out[s, a] = gen.multinomial(n, P[s, a]) / n
    return out


def _estimate_sqrt_n(P, n, gen):
    """Uses only sqrt(n) of its n samples: the error then falls as n^(-1/4)."""
    return _estimate(P, max(1, int(np.sqrt(n))), gen)


def _transfer_one_term(P_target, r, r_hat, gamma, **kw):
    """The bound with only the optimal policy's occupancy term."""
    tb = transfer_bound(P_target, r, r_hat, gamma, **kw)
    err = np.abs(np.asarray(r) - np.asarray(r_hat))
    return dataclasses.replace(tb, bound=float((tb.occupancy_star * err).sum()) / (1 - gamma))


def _transfer_without_horizon(P_target, r, r_hat, gamma, **kw):
    """The bound without its 1/(1 - gamma) (normalised occupancies used as if unnormalised)."""
    tb = transfer_bound(P_target, r, r_hat, gamma, **kw)
    return dataclasses.replace(tb, bound=tb.bound * (1 - gamma))


# ------------------------------------------------------------------ claim 16
def _check_propagation(budget, rng, impl):
    n_seeds = 20 if budget == "quick" else 300
    excess, infeasible, checked = -np.inf, 0.0, 0
    for gamma in (0.5, 0.9, 0.99):
        for seed in range(n_seeds):
            P, pi = _problem(4, 3, seed)
            g = np.random.default_rng(10_000 + seed)
            Phat = 0.8 * P + 0.2 * g.dirichlet(np.ones(4), size=(4, 3))
            pihat = pi.copy()
            if seed % 2:
                s = g.integers(4)
                pihat[s] = (pi[s] + 1) % 3
            R = DiscountedFeasibleRewardSet(P, pi, gamma)
            Rh = DiscountedFeasibleRewardSet(Phat, pihat, gamma)
            V = g.uniform(-1, 1, 4) / (1 - gamma)
            zeta = g.uniform(0, 2, (4, 3)) / (1 - gamma)
            r, rhat, bound = impl.propagated_reward(R, Rh, V, zeta)
            excess = max(excess, float((np.abs(r - rhat) - bound).max()))
            infeasible = max(infeasible, R.violation(r) * (1 - gamma),
                             Rh.violation(rhat) * (1 - gamma))
            checked += 1
    stat = max(excess / 1e-10, infeasible / 1e-9)
    return {"statistic": stat, "bound": 1.0, "passed": stat <= 1.0,
            "details": {"max_excess_over_bound": excess,
                        "max_violation_times_(1-gamma)": infeasible, "pairs": checked,
                        "gammas": (0.5, 0.9, 0.99), "half with a flipped expert action": True}}


# ------------------------------------------------------------------ claim 17
def _check_transfer(budget, rng, impl):
    n_seeds = 20 if budget == "quick" else 300
    S, A = 4, 3
    excess, nontrivial, checked, ratio = -np.inf, 0, 0, 0.0
    for gamma in (0.5, 0.9, 0.99):
        for seed in range(n_seeds):
            P, pi = _problem(S, A, seed)
            g = np.random.default_rng(10_000 + seed)
            Phat = 0.8 * P + 0.2 * g.dirichlet(np.ones(S), size=(S, A))
            pihat = pi.copy()
            if seed % 2:
                s = g.integers(S)
                pihat[s] = (pi[s] + 1) % A
            R = DiscountedFeasibleRewardSet(P, pi, gamma)
            Rh = DiscountedFeasibleRewardSet(Phat, pihat, gamma)
            r = R.sample(1, rng=seed).rewards[0]
            r_hat = project(Rh, r + 0.1 * g.standard_normal((S, A)), "inf").reward
            P_target = g.dirichlet(np.ones(S), size=(S, A))
            tb = impl.transfer_bound(P_target, r, r_hat, gamma)
            excess = max(excess, tb.loss - tb.bound)
            if tb.loss > 1e-9:
                nontrivial += 1
                ratio = max(ratio, tb.loss / tb.bound)
            checked += 1
    return {"statistic": excess, "bound": 1e-9, "passed": excess <= 1e-9,
            "details": {"max_loss_minus_bound": excess, "pairs": checked,
                        "pairs_with_positive_loss": nontrivial,
                        "max_loss_over_bound (report)": ratio, "gammas": (0.5, 0.9, 0.99)}}


# ------------------------------------------------------------------ claim 18
def _check_uniform_sampling(budget, rng, impl):
    ns = np.array([100, 400, 1600, 6400])
    gammas = (0.5, 0.8, 0.9)
    n_seeds, n_rewards = (4, 20) if budget == "quick" else (20, 200)
    worst_excess = -np.inf
    mean_err = {g: np.zeros(len(ns)) for g in gammas}
    for gamma in gammas:
        P, pi = _problem(5, 3, 7)
        R = DiscountedFeasibleRewardSet(P, pi, gamma)
        rewards_rng = np.random.default_rng(11)
        Vs = rewards_rng.uniform(-1, 1, (n_rewards, 5)) / (1 - gamma)
        zs = rewards_rng.uniform(0, 2, (n_rewards, 5, 3)) / (1 - gamma)
        for i, n in enumerate(ns):
            errs = []
            for seed in range(n_seeds):
                Phat = impl.estimate(P, int(n), np.random.default_rng(seed * 31 + i))
                Rh = DiscountedFeasibleRewardSet(Phat, pi, gamma)
                worst_q = 0.0
                for V, z in zip(Vs, zs, strict=True):
                    r, rhat, _ = propagated_reward(R, Rh, V, z)
                    scale = max(1.0, np.abs(r).max())
                    r, rhat, V_s = r / scale, rhat / scale, V / scale
                    dq = float(np.abs(_optimal_q(P, r, gamma) - _optimal_q(P, rhat, gamma)).max())
                    rhs = gamma * float(np.abs((P - Phat) @ V_s).max()) / (1 - gamma)
                    worst_excess = max(worst_excess, dq - rhs)
                    worst_q = max(worst_q, dq)
                errs.append(worst_q)
            mean_err[gamma][i] = float(np.mean(errs))
    fits = {g: loglog_slope(ns, mean_err[g]) for g in gammas}
    slopes_ok = all(-0.65 <= f.slope <= -0.35 for f in fits.values())
    horizon = np.array([1 / (1 - g) for g in gammas])
    expo = float(np.polyfit(np.log(horizon), np.log([mean_err[g][-1] for g in gammas]), 1)[0])
    ok = worst_excess <= 1e-9 and slopes_ok
    return {"statistic": fits[0.9].slope, "bound": -0.5, "relation": "~",
            "interval": fits[0.9].interval, "passed": ok,
            "details": {"max_Q_error_minus_bound": worst_excess,
                        "slopes": {g: f.slope for g, f in fits.items()},
                        "exponent_of_1/(1-gamma) at n = 6400 (report)": expo,
                        "n": ns.tolist(), "seeds": n_seeds, "rewards": n_rewards}}


CLAIMS = [
    Claim(
        id=f"{PAPER}.error_propagation",
        paper=PAPER,
        statement="S = 4, A = 3, gamma in {0.5, 0.9, 0.99}: r and rhat of the same (V, zeta) are "
        "feasible in their problems and |r - rhat| <= Bbar B_hat zeta + gamma |(P - Phat) V| "
        "elementwise (1e-10), half the pairs with a flipped expert action",
        source=f"{SRC}, Theorem 3.1 (via restatements; signs derived); library claim 16",
        check=_check_propagation, implementation={"propagated_reward": propagated_reward},
        mutants={"estimate_with_true_support": {"propagated_reward": _propagated_true_support},
                 "bound_without_policy_term": {
                     "propagated_reward": _propagated_without_policy_term}},
    ),
    Claim(
        id=f"{PAPER}.transfer",
        paper=PAPER,
        statement="Source/target pairs as in claim 16, rhat the L-inf projection of a noisy "
        "feasible r onto R(Phat), a random target P': V*_{P',r} - V^{pihat}_{P',r} <= "
        "(d^{pi*} + d^{pihat}) . |r - rhat| / (1 - gamma) at rho uniform (1e-9)",
        source=f"{SRC}, Sec. 4 (transfer; the inequality derived); library claim 17",
        check=_check_transfer, implementation={"transfer_bound": transfer_bound},
        mutants={"one_occupancy_term": {"transfer_bound": _transfer_one_term},
                 "horizon_factor_lost": {"transfer_bound": _transfer_without_horizon}},
    ),
    Claim(
        id=f"{PAPER}.uniform_sampling",
        paper=PAPER,
        statement="Reference pairs from n samples per (s, a): max |Q*_r - Q*_rhat| <= gamma "
        "max |(P - Phat) V| / (1 - gamma) (1e-9), and it falls as n^(-1/2) (slopes in "
        "[-0.65, -0.35], gamma in {0.5, 0.8, 0.9})",
        source=f"{SRC}, the uniform-sampling analysis (via MLR23's summary; mechanism "
        "derived); library claim 18",
        check=_check_uniform_sampling, implementation={"estimate": _estimate},
        mutants={"uses_sqrt_n_samples": {"estimate": _estimate_sqrt_n}},
    ),
]
