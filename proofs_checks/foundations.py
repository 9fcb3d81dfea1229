"""Foundations: identities and inequalities every later analysis rests on.

Each claim is checked on random MDPs and holds its implementation (the functions named in
``implementation``) to the statement; each has planted bugs that its check must catch.
"""

from __future__ import annotations

import numpy as np

from mdplab import FiniteHorizonMDP
from mdplab.claims import Claim, binomial_check
from mdplab.kernels.bellman import bellman_backup_dense
from mdplab.planning import evaluate_policy, occupancy_measure
from mdplab.sampling import GenerativeModel

PAPER = "foundations"
EXACT_TOL = 1e-10


def _random_mdp(rng, S=None, A=None, H=None) -> FiniteHorizonMDP:
    S = S or int(rng.integers(2, 6))
    A = A or int(rng.integers(2, 4))
    H = H or int(rng.integers(2, 5))
    P = rng.dirichlet(np.ones(S), size=(H, S, A))
    return FiniteHorizonMDP(P, rng.random((H, S, A)), rho=rng.dirichlet(np.ones(S)))


def _random_policy(rng, H, S, A) -> np.ndarray:
    return rng.dirichlet(np.ones(A), size=(H, S))


def _n_instances(budget: str) -> int:
    return 30 if budget == "quick" else 500


# ------------------------------------------------------------------ performance difference
def _check_pdl(budget, rng, impl):
    worst = 0.0
    for _ in range(_n_instances(budget)):
        mdp = _random_mdp(rng)
        pi, pi2 = (_random_policy(rng, mdp.H, mdp.S, mdp.A) for _ in range(2))
        ev, ev2 = impl.evaluate_policy(mdp, pi), impl.evaluate_policy(mdp, pi2)
        d2 = impl.occupancy_measure(mdp, pi2)
        advantage = ev.Q - ev.V[:-1, :, None]
        worst = max(worst, abs((ev2.value - ev.value) - float(np.sum(d2 * advantage))))
    return {"statistic": worst, "bound": EXACT_TOL, "passed": worst <= EXACT_TOL,
            "details": {"instances": _n_instances(budget)}}


# ------------------------------------------------------------------ simulation lemma
def _check_simulation(budget, rng, impl):
    worst = 0.0
    for _ in range(_n_instances(budget)):
        M = _random_mdp(rng)
        M2 = FiniteHorizonMDP(rng.dirichlet(np.ones(M.S), size=(M.H, M.S, M.A)), M.r, rho=M.rho)
        pi = _random_policy(rng, M.H, M.S, M.A)
        V2 = impl.evaluate_policy(M2, pi).V
        d = impl.occupancy_measure(M, pi)
        rhs = sum(float(np.sum(d[h] * ((M.P[h] - M2.P[h]) @ V2[h + 1]))) for h in range(M.H))
        lhs = impl.evaluate_policy(M, pi).value - impl.evaluate_policy(M2, pi).value
        worst = max(worst, abs(lhs - rhs))
    return {"statistic": worst, "bound": EXACT_TOL, "passed": worst <= EXACT_TOL,
            "details": {"instances": _n_instances(budget)}}


# ------------------------------------------------------------------ occupancy flow
def _check_flow(budget, rng, impl):
    worst = 0.0
    for _ in range(_n_instances(budget)):
        mdp = _random_mdp(rng)
        pi = _random_policy(rng, mdp.H, mdp.S, mdp.A)
        d = impl.occupancy_measure(mdp, pi)
        worst = max(worst, float(np.max(np.abs(d[0].sum(axis=1) - mdp.rho))))
        for h in range(mdp.H - 1):
            inflow = np.einsum("sa,sat->t", d[h], mdp.P[h])
            worst = max(worst, float(np.max(np.abs(d[h + 1].sum(axis=1) - inflow))))
        worst = max(worst, float(-d.min()), float(np.max(np.abs(d.sum(axis=(1, 2)) - 1))))
    return {"statistic": worst, "bound": EXACT_TOL, "passed": worst <= EXACT_TOL,
            "details": {"instances": _n_instances(budget)}}


# ------------------------------------------------------------------ contraction
def _check_contraction(budget, rng, impl):
    """max ||T V - T W|| / (gamma ||V - W||) over random pairs, including W = V + c 1,
    for which a gamma-contraction is tight."""
    worst = 0.0
    for _ in range(_n_instances(budget)):
        S, A = int(rng.integers(2, 8)), int(rng.integers(1, 4))
        gamma = float(rng.uniform(0.1, 0.99))
        P = rng.dirichlet(np.ones(S), size=(S, A))
        r = rng.random((S, A))
        V = rng.normal(size=S) * 10
        for W in (rng.normal(size=S) * 10, V + rng.normal() * 5):
            TV = impl.bellman_backup(P, r, gamma, V)[1]
            TW = impl.bellman_backup(P, r, gamma, W)[1]
            ratio = np.max(np.abs(TV - TW)) / (gamma * np.max(np.abs(V - W)))
            worst = max(worst, float(ratio))
    bound = 1.0 + 1e-12
    return {"statistic": worst, "bound": bound, "passed": worst <= bound,
            "details": {"instances": _n_instances(budget)}}


# ------------------------------------------------------------------ generative-model concentration
def _concentration_radius(H: int, S: int, A: int, N: int, delta: float) -> float:
    return H * (H - 1) / 2 * np.sqrt(np.log(2 * H * S * A / delta) / (2 * N))


def _concentration_instance() -> FiniteHorizonMDP:
    """A fixed random kernel (S=4, A=2, H=4) that pays 1 only in state 0, so the value
    depends strongly on where transitions lead."""
    gen = np.random.default_rng(11)
    H, S, A = 4, 4, 2
    r = np.zeros((H, S, A))
    r[:, 0, :] = 1.0
    return FiniteHorizonMDP(gen.dirichlet(np.ones(S), size=(H, S, A)), r,
                            rho=np.full(S, 1.0 / S))


def _check_concentration(budget, rng, impl, delta=0.1, alpha=1e-4):
    """Violation frequency of the Hoeffding + union bound radius over independent
    generative datasets, against delta, by a one-sided binomial test at level alpha."""
    mdp = _concentration_instance()
    pi = _random_policy(np.random.default_rng(12), mdp.H, mdp.S, mdp.A)
    N = 2000
    V = evaluate_policy(mdp, pi).value
    eps = _concentration_radius(mdp.H, mdp.S, mdp.A, N, delta)
    trials = 200 if budget == "quick" else 3000
    failures, worst = 0, 0.0
    for seed in np.random.SeedSequence(int(rng.integers(2**32))).spawn(trials):
        nn = impl.generative_counts(mdp, N, np.random.default_rng(seed))
        M_hat = FiniteHorizonMDP(nn / N, mdp.r, rho=mdp.rho)
        err = abs(evaluate_policy(M_hat, pi).value - V)
        worst = max(worst, err)
        failures += err > eps
    test = binomial_check(failures, trials, delta, alpha)
    return {"statistic": test.rate, "bound": delta, "passed": test.passed,
            "interval": test.interval,
            "details": {"trials": trials, "failures": failures, "p_value": test.p_value,
                        "alpha": alpha, "epsilon": eps, "largest_error": worst, "N": N}}


def _generative_counts(mdp, N, rng):
    return GenerativeModel(mdp).counts(N, rng)


# ------------------------------------------------------------------ planted bugs
def _occupancy_shifted_one_step(mdp, policy):
    """Bug: layer h holds the occupancy of layer h-1 (an off-by-one in the step index)."""
    d = occupancy_measure(mdp, policy)
    return np.concatenate([d[:1], d[:-1]])


def _occupancy_from_uniform_start(mdp, policy):
    """Bug: the recursion starts from the uniform distribution instead of rho."""
    return occupancy_measure(mdp, policy, rho=np.full(mdp.S, 1.0 / mdp.S))


def _occupancy_next_step_kernel(mdp, policy):
    """Bug: layer h is pushed forward with P[h+1] instead of P[h]."""
    pi = np.asarray(policy)
    H = mdp.H
    d = np.empty((H, mdp.S, mdp.A))
    d[0] = mdp.rho[:, None] * pi[0]
    for h in range(H - 1):
        k = min(h + 1, H - 1)
        d[h + 1] = np.einsum("sa,sat->t", d[h], mdp.P[k])[:, None] * pi[h + 1]
    return d


def _evaluate_with_max(mdp, policy):
    """Bug: the evaluation backs up max_a Q instead of the policy's average (V* for V^pi)."""
    from mdplab.planning.results import PolicyEvaluation

    H, S, A = mdp.shape
    Q, V = np.empty((H, S, A)), np.zeros((H + 1, S))
    for h in range(H - 1, -1, -1):
        Q[h] = mdp.r[h] + mdp.P[h] @ V[h + 1]
        V[h] = Q[h].max(axis=1)
    return PolicyEvaluation(Q=Q, V=V, value=float(mdp.rho @ V[0]))


def _backup_undiscounted(P, r, gamma, V):
    """Bug: the backup forgets the discount (gamma replaced by 1)."""
    Q = r + P @ V
    return Q, Q.max(axis=1)


def _backup_discount_squared_root(P, r, gamma, V):
    """Bug: the backup discounts by sqrt(gamma) > gamma."""
    return bellman_backup_dense(P, r, float(np.sqrt(gamma)), V)


def _counts_off_by_one_state(mdp, N, rng):
    """Bug: every sampled next state is shifted by one (an off-by-one in the CDF search)."""
    return np.roll(GenerativeModel(mdp).counts(N, rng), 1, axis=-1)


def _counts_from_first_sample(mdp, N, rng):
    """Bug: one sample is drawn and counted N times (the sample count is ignored)."""
    return GenerativeModel(mdp).counts(1, rng) * N


CLAIMS = [
    Claim(
        id="foundations.performance_difference",
        paper=PAPER,
        statement="V^pi'(rho) - V^pi(rho) = sum_h E_{d^pi'_h}[Q^pi_h(s,a) - V^pi_h(s)] (exact)",
        source="Kakade & Langford (2002), Lemma 6.1, finite-horizon form; "
        "Agarwal, Jiang, Kakade & Sun, RL: Theory and Algorithms (2019-), Lemma 1.16",
        check=_check_pdl,
        implementation={"evaluate_policy": evaluate_policy, "occupancy_measure": occupancy_measure},
        mutants={"occupancy_shifted_one_step": {"occupancy_measure": _occupancy_shifted_one_step},
                 "evaluate_with_max": {"evaluate_policy": _evaluate_with_max}},
    ),
    Claim(
        id="foundations.simulation_lemma",
        paper=PAPER,
        statement="V^pi_M(rho) - V^pi_M'(rho) = sum_h E_{d^pi_h in M}[(P_h - P'_h) V^pi_{M',h+1}]",
        source="Kearns & Singh (2002), simulation lemma, in its exact (telescoping) form; "
        "Agarwal, Jiang, Kakade & Sun, RL: Theory and Algorithms, Lemma 2.2",
        check=_check_simulation,
        implementation={"evaluate_policy": evaluate_policy, "occupancy_measure": occupancy_measure},
        mutants={"occupancy_from_uniform_start":
                     {"occupancy_measure": _occupancy_from_uniform_start},
                 "occupancy_shifted_one_step": {"occupancy_measure": _occupancy_shifted_one_step}},
    ),
    Claim(
        id="foundations.occupancy_flow",
        paper=PAPER,
        statement="d^pi satisfies sum_a d_0(s,a) = rho(s), sum_a d_{h+1}(s',a) = "
        "sum_{s,a} d_h(s,a) P_h(s'|s,a), d >= 0, each layer sums to 1",
        source="Puterman (1994), Sec. 6.9 (occupancy / dual LP constraints), finite-horizon form",
        check=_check_flow,
        implementation={"occupancy_measure": occupancy_measure},
        mutants={"next_step_kernel": {"occupancy_measure": _occupancy_next_step_kernel},
                 "uniform_start": {"occupancy_measure": _occupancy_from_uniform_start}},
    ),
    Claim(
        id="foundations.contraction",
        paper=PAPER,
        statement="||T V - T W||_inf <= gamma ||V - W||_inf for the Bellman optimality operator",
        source="Bellman (1957); Puterman (1994), Prop. 6.2.4 (T is a gamma-contraction)",
        check=_check_contraction,
        implementation={"bellman_backup": bellman_backup_dense},
        mutants={"undiscounted": {"bellman_backup": _backup_undiscounted},
                 "sqrt_gamma": {"bellman_backup": _backup_discount_squared_root}},
    ),
    Claim(
        id="foundations.generative_concentration",
        paper=PAPER,
        statement="With N samples per (h,s,a): P(|V^pi_hat(rho) - V^pi(rho)| > "
        "H(H-1)/2 sqrt(log(2HSA/delta)/(2N))) <= delta  [delta = 0.1]",
        source="Hoeffding's inequality with a union bound over (h,s,a), combined with the "
        "simulation lemma (V_{h+1} in [0, H-h-1]); cf. Azar, Munos & Kappen (2013) and "
        "Agarwal, Kakade & Yang (2020, arXiv 1906.03804)",
        check=_check_concentration,
        implementation={"generative_counts": _generative_counts},
        mutants={"next_state_off_by_one": {"generative_counts": _counts_off_by_one_state},
                 "one_sample_counted_N_times": {"generative_counts": _counts_from_first_sample}},
        false_alarm=1e-4,
    ),
]
