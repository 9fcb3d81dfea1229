"""Lazzati, Mutti & Metelli (2024): reward compatibility, linear reward classes, offline sets.

Sources: F. Lazzati, M. Mutti, A. M. Metelli (2024). *How to Scale Inverse RL to Large State
Spaces? A Provably Efficient Approach.* NeurIPS 2024, arXiv:2406.03812 [LMM24b] (full text read:
Definitions 4.1 and 4.3, Remarks 4.1-4.2, Proposition 3.1 with Examples B.1-B.2, tabular
CATY-IRL); and *Offline Inverse RL: New Solution Concepts and Provably Efficient Algorithms.*
ICML 2024, arXiv:2402.15392 [LMM24a] (abstract and LMM24b's restatements only: the offline sets
and their completion programme are the library's construction).

Claims (numbered as in the library's IRL plan): 19 compatibility (exact), 20 the classification
sandwich from expert episodes (binomial over seeds), 21 the degenerate linear sets (exact LPs),
22 the offline sets against brute force over completions (exact), 23 the pessimistic offline
estimator's inclusions (binomial over seeds; the plug-in estimator's violation rate reported).
Measured: the pessimistic inclusions fail only where the expert's support was estimated
wrongly (a state it reaches with probability about 1e-3 unseen in the expert episodes), which
the construction's guarantee excludes.
"""

from __future__ import annotations

import itertools

import numpy as np

from mdplab import FiniteHorizonMDP
from mdplab.algorithms.irl import (
    FeasibleRewardSet,
    OfflineFeasibleSets,
    PessimisticOfflineSets,
    caty_expert_episodes,
    empirical_occupancy,
    estimated_noncompatibility,
    linear_reward_range,
    noncompatibility,
    plug_in_offline_sets,
)
from mdplab.claims import Claim, binomial_check
from mdplab.sampling import rollout

PAPER = "lazzati2024"
SRC = "Lazzati, Mutti & Metelli (2024), arXiv:2406.03812"
SRC_OFF = "Lazzati, Mutti & Metelli (2024), arXiv:2402.15392"
ALPHA = 1e-4


def _problem(seed, H=3, S=3, A=2, sparse_rho=True):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(S), size=(H, S, A))
    pi = rng.integers(A, size=(H, S))
    rho = np.zeros(S)
    rho[0] = 1.0
    if not sparse_rho:
        rho = rng.dirichlet(np.ones(S))
    return P, pi, rho


# ------------------------------------------------------------------ planted bugs
def _noncompat_greedy(R, r):
    """J_E computed with the optimal policy instead of the expert's (Cbar == 0)."""
    _, Vs = R.optimal_values(r)
    return (Vs[..., 0, :] - Vs[..., 0, :]) @ R.rho


def _noncompat_uniform_start(R, r):
    _, Vs = R.optimal_values(r)
    _, Ve = R.expert_values(r)
    return (Vs[..., 0, :] - Ve[..., 0, :]).mean(axis=-1)


def _occupancy_per_state_count(states, actions, S, A):
    """The display's slip: counts divided by the state's count (a policy, not an occupancy)."""
    d = empirical_occupancy(states, actions, S, A)
    ns = d.sum(axis=2, keepdims=True)
    return np.divide(d, ns, out=np.zeros_like(d), where=ns > 0)


def _linear_range_last_state_skipped(R, features):
    """The constraint rows of the last state dropped (an off-by-one in the state loop)."""
    import copy

    R2 = copy.copy(R)
    slack = np.array(R.slack)
    slack[:, -1, :] = True                   # every action of the last state left free
    R2.slack = slack
    R2.__dict__.pop("lifted", None)          # rebuild the explicit form from the new slack
    return linear_reward_range(R2, features)


class _OfflineSwapped(OfflineFeasibleSets):
    """R_cap and R_cup computed with each other's completion."""

    def in_cap(self, r, tol=None):
        return self._in(r, "pes", tol)

    def in_cup(self, r, tol=None):
        return self._in(r, "opt", tol)


class _OfflineUncoveredAsCovered(OfflineFeasibleSets):
    """Uncovered pairs continue with the (unidentified) true P: both sets equal R_supp(P)."""

    def _in(self, r, mode, tol):
        saved = self.covered
        self.covered = np.ones_like(saved)
        try:
            return OfflineFeasibleSets._in(self, r, mode, tol)
        finally:
            self.covered = saved


# ------------------------------------------------------------------ claim 19
def _check_compatibility(budget, rng, impl):
    n_seeds, n_r = (3, 200) if budget == "quick" else (10, 1000)
    neg, mismatch, scale_err = 0.0, 0, 0.0
    for seed in range(n_seeds):
        P, pi, rho = _problem(seed)
        R = FeasibleRewardSet(P, pi, support="expert", rho=rho)
        g = np.random.default_rng(seed)
        rewards = np.concatenate([g.uniform(-1, 1, (n_r, 3, 3, 2)),
                                  R.sample(n_r // 4, rng=seed).rewards])
        C = impl.noncompatibility(R, rewards)
        neg = max(neg, float(-C.min()))
        mismatch += int(((C <= 1e-9) != R.contains(rewards)).sum())
        scale_err = max(scale_err, float(np.abs(impl.noncompatibility(R, 0.6 * rewards - 0.3)
                                                - 0.6 * C).max()))
    ok = neg <= 1e-9 and mismatch == 0 and scale_err <= 1e-9
    return {"statistic": mismatch, "bound": 0.0, "passed": ok,
            "details": {"max_negative_Cbar": neg, "iff_mismatches": mismatch,
                        "max_affine_error": scale_err, "seeds": n_seeds}}


# ------------------------------------------------------------------ claim 20
def _check_classification(budget, rng, impl):
    n_seeds, n_r = (10, 100) if budget == "quick" else (100, 500)
    eps, delta = 0.5, 0.1
    H, S, A = 3, 3, 2
    tau = caty_expert_episodes(S, A, H, eps, delta)
    fails, sandwich_fail = 0, 0
    for seed in range(n_seeds):
        P, pi, rho = _problem(seed, sparse_rho=False)
        mdp = FiniteHorizonMDP(P, np.zeros((H, S, A)), H=H, rho=rho)
        R = FeasibleRewardSet(mdp, pi, support="expert")
        ep = rollout(mdp, pi, tau, rng=5000 + seed)
        d_hat = impl.empirical_occupancy(ep.states, ep.actions, S, A)
        rewards = np.random.default_rng(seed).uniform(-1, 1, (n_r, H, S, A))
        C = noncompatibility(R, rewards)
        Ch = estimated_noncompatibility(R, d_hat, rewards)
        err = float(np.abs(C - Ch).max())
        fails += err > eps / 2
        if err <= eps / 2:
            for Delta in (0.5, 1.0, 2.0):
                inner = Ch <= Delta - eps
                outer = Ch <= Delta + eps
                true = C <= Delta
                sandwich_fail += int((inner & ~true).sum() + (true & ~outer).sum())
    chk = binomial_check(fails, n_seeds, delta, ALPHA)
    return {"statistic": chk.rate, "bound": delta, "interval": chk.interval,
            "passed": chk.passed and sandwich_fail == 0,
            "details": {"expert_episodes": tau, "seeds": n_seeds, "rewards": n_r,
                        "seeds_with_error_above_eps/2": fails, "p_value": chk.p_value,
                        "sandwich_violations": sandwich_fail}}


# ------------------------------------------------------------------ claim 21
def _check_linear(budget, rng, impl):
    P = np.full((1, 2, 2, 2), 0.5)
    R = FeasibleRewardSet(P, np.zeros((1, 2), dtype=int))
    F2 = np.zeros((1, 2, 2, 1))
    F2[0, 0, 0, 0] = F2[0, 1, 1, 0] = 1.0
    F1 = np.zeros((1, 2, 2, 1))
    F1[0, :, 0, 0] = 1.0
    b2 = impl.linear_reward_range(R, F2)
    b1 = impl.linear_reward_range(R, F1)
    err = max(float(np.abs(b2 - [[0.0, 0.0]]).max()), float(np.abs(b1 - [[0.0, 1.0]]).max()))
    return {"statistic": err, "bound": 1e-9, "passed": err <= 1e-9,
            "details": {"example_B2_range": b2.tolist(), "example_B1_range": b1.tolist()}}


# ------------------------------------------------------------------ claim 22
def _brute(P, pi, rho, covered, r):
    H, S, A, _ = P.shape
    holes = [(h, s, a) for h in range(H - 1) for s in range(S) for a in range(A)
             if not covered[h, s, a]]
    every, some = True, False
    for choice in itertools.product(range(S), repeat=len(holes)):
        Pc = P.copy()
        for (h, s, a), t in zip(holes, choice, strict=True):
            Pc[h, s, a] = 0.0
            Pc[h, s, a, t] = 1.0
        ok = bool(FeasibleRewardSet(Pc, pi, support="expert", rho=rho).contains(r))
        every &= ok
        some |= ok
    return every, some


def _check_offline(budget, rng, impl):
    n_seeds, n_r = (10, 8) if budget == "quick" else (150, 20)
    mism, sandwich, checked = 0, 0, 0
    for seed in range(n_seeds):
        g = np.random.default_rng(seed)
        P = g.dirichlet(np.ones(3), size=(2, 3, 2))
        pi = g.integers(2, size=(2, 3))
        rho = np.array([1.0, 0.0, 0.0])
        covered = np.eye(2)[pi].astype(bool) | (g.random((2, 3, 2)) < 0.3)
        R = FeasibleRewardSet(P, pi, support="expert", rho=rho)
        sets = impl.offline_sets(P, pi, covered, R.constrained)
        rewards = np.concatenate([g.uniform(-1, 1, (n_r, 2, 3, 2)),
                                  R.sample(n_r // 2, rng=seed).rewards])
        for r in rewards:
            cap, cup = sets.in_cap(r), sets.in_cup(r)
            every, some = _brute(P, pi, rho, covered, r)
            mism += (cap != every) + (cup != some)
            supp = bool(R.contains(r))
            sandwich += (cap and not supp) + (supp and not cup)
            checked += 1
    stat = mism + sandwich
    return {"statistic": stat, "bound": 0.0, "passed": stat == 0,
            "details": {"rewards_checked": checked, "membership_mismatches": mism,
                        "sandwich_violations": sandwich, "seeds": n_seeds}}


class _PessimisticNoRadius(PessimisticOfflineSets):
    """The confidence radius dropped: the plug-in model treated as exact."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.radius = np.where(np.isfinite(self.radius), 0.0, self.radius)


class _PessimisticSwapped(PessimisticOfflineSets):
    """The robust continuations of the two sets swapped (inner uses the outer's)."""

    def in_inner(self, r, tol=1e-9):
        return PessimisticOfflineSets.in_outer(self, r, tol)

    def in_outer(self, r, tol=1e-9):
        return PessimisticOfflineSets.in_inner(self, r, tol)


def _check_pessimistic(budget, rng, impl):
    Ks = (100, 1000) if budget == "quick" else (100, 1000, 10000)
    n_seeds, n_r = (10, 60) if budget == "quick" else (100, 500)
    H, S, A, delta = 2, 3, 2, 0.1
    fails, plug = {}, {}
    for K in Ks:
        fails[K] = plug[K] = 0
        for seed in range(n_seeds):
            g = np.random.default_rng(seed)
            P = g.dirichlet(np.ones(S), size=(H, S, A))
            pi = g.integers(A, size=(H, S))
            mdp = FiniteHorizonMDP(P, np.zeros((H, S, A)), H=H, rho=np.array([1.0, 0, 0]))
            pib = 0.7 * np.eye(A)[pi] + 0.3 / A
            b = rollout(mdp, pib, K, rng=seed)
            e = rollout(mdp, pi, K, rng=1000 + seed)
            Rs = FeasibleRewardSet(mdp, pi, support="expert")
            # the behaviour policy plays every action wherever it goes: every pair is covered
            truth = OfflineFeasibleSets(P, pi, np.ones((H, S, A), bool), Rs.constrained)
            est = impl.pessimistic(b, e, S, A, delta)
            naive = plug_in_offline_sets(b, e, S, A)
            rewards = np.concatenate([g.uniform(-1, 1, (n_r, H, S, A)),
                                      Rs.sample(n_r, rng=seed).rewards])
            cap, cup = truth.in_cap(rewards), truth.in_cup(rewards)
            bad = np.any(est.in_inner(rewards) & ~cap) or np.any(cup & ~est.in_outer(rewards))
            bad_plug = (np.any(naive.in_cap(rewards) & ~cap)
                        or np.any(cup & ~naive.in_cup(rewards)))
            fails[K] += int(bad)
            plug[K] += int(bad_plug)
    checks = {K: binomial_check(fails[K], n_seeds, delta, ALPHA) for K in Ks}
    worst = max(c.rate for c in checks.values())
    return {"statistic": worst, "bound": delta, "passed": all(c.passed for c in checks.values()),
            "details": {"K_b": Ks, "seeds": n_seeds, "rewards_per_seed": 2 * n_r,
                        "pessimistic_failures": fails, "plug_in_failures (report)": plug,
                        "p_values": {K: c.p_value for K, c in checks.items()}}}


CLAIMS = [
    Claim(
        id=f"{PAPER}.compatibility",
        paper=PAPER,
        statement="Cbar(r) = J*(r) - J^{pi_E}(r) >= -1e-9; Cbar(r) <= 1e-9 iff r is in the "
        "on-support feasible set; Cbar(a r + b) = a Cbar(r) (1e-9)",
        source=f"{SRC}, Definition 4.1 and Remark 4.1; library claim 19",
        check=_check_compatibility, implementation={"noncompatibility": noncompatibility},
        mutants={"expert_value_from_greedy_policy": {"noncompatibility": _noncompat_greedy},
                 "rho_ignored": {"noncompatibility": _noncompat_uniform_start}},
    ),
    Claim(
        id=f"{PAPER}.classification",
        paper=PAPER,
        statement="With 2 S A H^3 log(8 S A H/delta)/eps^2 expert episodes, sup_r |Cbar - "
        "Chat| <= eps/2 in a fraction of seeds consistent with >= 1 - delta (binomial), and "
        "Rhat_{Delta-eps} <= R_Delta <= Rhat_{Delta+eps} on the sampled rewards",
        source=f"{SRC}, Def. 4.3, Remark 4.2, Algorithms 2-3 (occupancy by tau_E); claim 20",
        check=_check_classification,
        implementation={"empirical_occupancy": empirical_occupancy},
        mutants={"divided_by_state_count": {"empirical_occupancy": _occupancy_per_state_count}},
        false_alarm=ALPHA,
    ),
    Claim(
        id=f"{PAPER}.linear_degenerate",
        paper=PAPER,
        statement="Example B.2's linear feasible set is {0} and Example B.1's is [0, 1] "
        "(LPs maximising and minimising theta)",
        source=f"{SRC}, Proposition 3.1, Examples B.1-B.2 (B.1 printed as (0, 1]); claim 21",
        check=_check_linear, implementation={"linear_reward_range": linear_reward_range},
        mutants={"last_state_skipped": {"linear_reward_range": _linear_range_last_state_skipped}},
    ),
    Claim(
        id=f"{PAPER}.offline_sets",
        paper=PAPER,
        statement="H = 2, S = 3, A = 2, 30% extra coverage: completion-DP membership of R_cap "
        "and R_cup equals brute force over every deterministic completion, and R_cap <= "
        "R_supp <= R_cup",
        source=f"{SRC_OFF} (the sets [P]; the completion programme [D]); library claim 22",
        check=_check_offline, implementation={"offline_sets": OfflineFeasibleSets},
        mutants={"completions_swapped": {"offline_sets": _OfflineSwapped},
                 "uncovered_as_covered": {"offline_sets": _OfflineUncoveredAsCovered}},
    ),
    Claim(
        id=f"{PAPER}.pessimistic_offline",
        paper=PAPER,
        statement="Pessimistic offline estimates (deterministic expert, H = 2, S = 3, A = 2, "
        "behaviour 0.7 expert + 0.3 uniform): inner <= R_cap and R_cup <= outer on sampled "
        "rewards in a fraction of seeds consistent with >= 1 - delta, at every data size",
        source=f"{SRC_OFF} (inclusion-monotone pessimism [P]; the estimator [D]); claim 23",
        check=_check_pessimistic, implementation={"pessimistic": PessimisticOfflineSets},
        mutants={"no_confidence_radius": {"pessimistic": _PessimisticNoRadius},
                 "continuations_swapped": {"pessimistic": _PessimisticSwapped}},
        false_alarm=ALPHA,
    ),
]
