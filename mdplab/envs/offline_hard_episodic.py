"""Episodic instances for the lower bound and the clipped concentrability of Li et al. (2022).

Source: G. Li, L. Shi, Y. Chen, Y. Chi, Y. Wei (2022), *Settling the Sample Complexity of
Model-Based Offline Reinforcement Learning*, arXiv 2204.05275: Theorem 4 and Appendix C.3
(the lower-bound mechanism), Sec. 3.4 (C*_clipped cannot be estimated from data). Library

Both families are the library's own constructions with the paper's mechanism: the displayed
MDPs of Appendix C.3 could not be read, so the exact p, q, rewards and
state-1 transitions of the paper are *unconfirmed*; every quantity used by a check here is
computed exactly from the instance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .._validation import as_int_array, check_positive_int, readonly
from ..models.finite_horizon import FiniteHorizonMDP
from ..planning.results import compact_repr
from .registry import check_probability, check_real, register

__all__ = [
    "ClippedExample",
    "HardEpisodicInstance",
    "clipped_concentrability_example",
    "clipped_concentrability_instance",
    "hard_episodic",
    "hard_episodic_instance",
]


def _bernoulli_kl(a: float, b: float) -> float:
    """kl(Ber(a) || Ber(b)) in nats (0 log 0 = 0)."""
    out = 0.0
    for x, y in ((a, b), (1.0 - a, 1.0 - b)):
        if x > 0:
            out += x * math.log(x / y)
    return out


@dataclass(frozen=True, eq=False)
class HardEpisodicInstance:
    """One member M_theta of the per-step two-point family and its data distribution.

    Attributes
    ----------
    mdp : FiniteHorizonMDP (H, S, 2, S), rho = e_0 (the test distribution of Theorem 4).
    theta : (H,) int in {0, 1}, the better action at state 0 at each step.
    mu : (S,) the data state distribution: mu(0) = m0 = 2/(C S), mu(1) = 1 - m0; it is
        stationary under the behaviour policy, so d^b_h(s, a) = mu(s)/2 at every step.
    behavior : (H, S, 2) the uniform behaviour policy; rho_b = mu.
    p : the probability of staying at 0 under theta_h (1 - 1/(4H)).
    q : (H,) the probability under 1 - theta_h (q[H-1] = p: the last step is uninformative).
    u : (H,) the probability of returning from state 1 to state 0.
    gap : the loss 2 eps / H of the wrong action at state 0 at any step h < H-1.
    m0, C, epsilon : the parameters.
    """

    __repr__ = compact_repr

    mdp: FiniteHorizonMDP
    theta: np.ndarray
    mu: np.ndarray
    behavior: np.ndarray
    p: float
    q: np.ndarray
    u: np.ndarray
    gap: float
    m0: float
    C: float
    epsilon: float

    def kl(self, h: int, K: int) -> float:
        """KL between the laws of K behaviour episodes under M_theta and under M_theta with
        bit h flipped: K (m0/2) [kl(p || q_h) + kl(q_h || p)] (only the step-h transitions
        out of state 0 differ, and the step-h state law is mu under both)."""
        h = int(h)
        if not 0 <= h < self.mdp.H:
            raise ValueError(f"h is {h}; must be in {{0, ..., {self.mdp.H - 1}}}")
        K = check_positive_int(K, "K", minimum=0)
        p, q = self.p, float(self.q[h])
        return K * self.m0 / 2.0 * (_bernoulli_kl(p, q) + _bernoulli_kl(q, p))

    def two_point_bound(self, h: int, K: int) -> float:
        """Lower bound on max over {theta, theta with bit h flipped} of P(pi_hat_h(0) != theta_h)
        for ANY estimator with deterministic output from K episodes:
        max{ exp(-KL)/4, (1 - sqrt(KL/2))/2 } (Le Cam's two-point method with the
        Bretagnolle-Huber and Pinsker inequalities; Tsybakov 2009, Introduction to
        Nonparametric Estimation, Thm 2.2 and Lemma 2.6)."""
        kl = self.kl(h, K)
        return max(0.25 * math.exp(-kl), 0.5 * (1.0 - math.sqrt(kl / 2.0)))

    def flipped(self, h: int) -> HardEpisodicInstance:
        """The same family member with theta_h flipped."""
        theta = np.array(self.theta)
        theta[int(h)] ^= 1
        return hard_episodic_instance(S=self.mdp.S, H=self.mdp.H, C=self.C,
                                      epsilon=self.epsilon, theta=theta)


def hard_episodic_instance(S: int = 4, H: int = 12, C: float = 2.0, epsilon: float = 0.5,
                           theta: ArrayLike | None = None) -> HardEpisodicInstance:
    """Build M_theta of :func:`hard_episodic` with its data distribution (see there)."""
    S = check_positive_int(S, "S", minimum=2)
    H = check_positive_int(H, "H", minimum=2)
    C = check_real(C, "C", 0.0, np.inf)
    if C < 8.0 / S:
        raise ValueError(f"C is {C}; the family needs C >= 8/S = {8.0 / S:g} (Theorem 4's "
                         "C*_clipped >= 8/S; then mu(1) >= 3/4)")
    epsilon = check_real(epsilon, "epsilon", 0.0, np.inf)
    if epsilon <= 0:
        raise ValueError(f"epsilon is {epsilon}; must be > 0")
    if theta is None:
        theta = np.zeros(H, dtype=np.int64)
    else:
        theta = as_int_array(theta, "theta", ndim=1)
        if theta.shape != (H,):
            raise ValueError(f"theta has shape {theta.shape}; expected (H,) = ({H},)")
        bad = (theta != 0) & (theta != 1)
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"theta[{i}] is {theta[i]}; must be 0 or 1")
    m0 = 2.0 / (C * S)
    p = 1.0 - 1.0 / (4.0 * H)
    gap = 2.0 * epsilon / H
    P = np.zeros((H, S, 2, S))
    for s in range(2, S):
        P[:, s, :, s] = 1.0                                   # unreachable dummies
    r = np.zeros((H, S, 2))
    r[:, 0, :] = 1.0
    q = np.empty(H)
    u = np.empty(H)
    V0 = V1 = 0.0                                              # V*_{h+1}(0), V*_{h+1}(1)
    for h in range(H - 1, -1, -1):
        D = V0 - V1
        if h == H - 1 or D <= 0:
            q[h] = p
        else:
            q[h] = p - gap / D
            if q[h] < 0.5:
                raise ValueError(f"epsilon is {epsilon}; too large for H = {H}: the step-{h} "
                                 f"probability q = {q[h]:.4f} falls below 1/2 (need "
                                 f"2 eps / H <= (p - 1/2) (V*_{h + 1}(0) - V*_{h + 1}(1)))")
        u[h] = m0 * (1.0 - (p + q[h]) / 2.0) / (1.0 - m0)
        good, bad_a = int(theta[h]), 1 - int(theta[h])
        P[h, 0, good, 0], P[h, 0, good, 1] = p, 1.0 - p
        P[h, 0, bad_a, 0], P[h, 0, bad_a, 1] = q[h], 1.0 - q[h]
        P[h, 1, :, 0], P[h, 1, :, 1] = u[h], 1.0 - u[h]
        V0, V1 = 1.0 + p * V0 + (1.0 - p) * V1, u[h] * V0 + (1.0 - u[h]) * V1
    rho = np.zeros(S)
    rho[0] = 1.0
    mu = np.zeros(S)
    mu[0], mu[1] = m0, 1.0 - m0
    mdp = FiniteHorizonMDP(P, r, rho=rho)
    return HardEpisodicInstance(mdp=mdp, theta=readonly(theta), mu=readonly(mu),
                                behavior=readonly(np.full((H, S, 2), 0.5)), p=p,
                                q=readonly(q), u=readonly(u), gap=gap, m0=m0, C=C,
                                epsilon=epsilon)


@register()
def hard_episodic(S: int = 4, H: int = 12, C: float = 2.0, epsilon: float = 0.5,
                  theta: ArrayLike | None = None) -> FiniteHorizonMDP:
    """Per-step two-point family for the episodic offline lower bound (C*_clipped = C exactly).

    Source: the mechanism of Li, Shi, Chen, Chi & Wei (2022), arXiv 2204.05275, Theorem 4 and
    Appendix C.3 (a crucial state 0 with data mass of order 1/(C S), rho = e_0, p >= 1 - 1/(4H)
    and p - q of order eps/H^2 at each step); the parametrisation is the library's; the paper's
    exact MDPs are unconfirmed.

    States 0..S-1 (states >= 2 are unreachable absorbing dummies, so S counts states as in the
    paper), actions {0, 1}, rewards r_h(0, .) = 1 and 0 elsewhere. At step h, from state 0,
    action theta_h stays at 0 with probability p = 1 - 1/(4H) and action 1 - theta_h with
    q_h = p - Delta_h (else both move to state 1); from state 1 either action returns to 0 with
    probability u_h and stays otherwise. Delta_h is set backwards so that the wrong action at
    state 0 costs exactly 2 eps / H in Q*_h (for h < H-1; at the last step both actions are
    equal). Data: uniform behaviour from rho_b = mu with mu(0) = m0 = 2/(C S), mu(1) = 1 - m0,
    u_h = m0 (1 - (p + q_h)/2) / (1 - m0), which makes mu stationary (d^b_h(s, a) = mu(s)/2).
    Then C*_clipped = C exactly (attained at (h, 0, theta_h)) while C* is about C S.
    ``hard_episodic_instance(...)`` also returns mu, the behaviour policy and the per-step
    KL and two-point bound of the check.

    Parameters
    ----------
    S : number of states, >= 2
    H : horizon, >= 2 (Theorem 4 assumes H >= 12)
    C : the clipped concentrability, >= 8/S
    epsilon : > 0; each wrong step costs 2 epsilon / H (too large an epsilon is an error)
    theta : (H,) bits in {0, 1}; default all 0
    """
    return hard_episodic_instance(S=S, H=H, C=C, epsilon=epsilon, theta=theta).mdp


# ----------------------------------------------------------------------------- Sec. 3.4
@dataclass(frozen=True, eq=False)
class ClippedExample:
    """The Sec. 3.4 example of Li et al. (2022) with its exact coefficients.

    Attributes
    ----------
    mdp : FiniteHorizonMDP, H = 2, S = 2, A = 2, rho = e_0.
    behavior : (2, 2, 2) the behaviour policy (action 1 at step 0 with probability 1/K).
    optimal : (2, 2) int, the optimal policy (action 1 at step 0 iff p < 1/2).
    K, p : the parameters.
    c_clipped : the stated C*_clipped: K (p < 1/2) or K/(K-1) = 1 + 1/(K-1) (p > 1/2).
    never_seen : (1 - 1/K)^K, the probability that K behaviour episodes never play action 1
        at step 0 (about 1/e), when the two cases cannot be told apart.
    """

    __repr__ = compact_repr

    mdp: FiniteHorizonMDP
    behavior: np.ndarray
    optimal: np.ndarray
    K: int
    p: float
    c_clipped: float
    never_seen: float


def clipped_concentrability_instance(K: int = 10, p: float = 0.3) -> ClippedExample:
    """Build the Sec. 3.4 example (see :func:`clipped_concentrability_example`)."""
    K = check_positive_int(K, "K", minimum=2)
    p = check_probability(p, "p")
    if p == 0.5:
        raise ValueError("p is 0.5; the example needs p != 1/2 (both actions are then optimal)")
    P = np.zeros((2, 2, 2, 2))
    P[0, 0, 0] = [1.0 - p, p]
    P[0, 0, 1] = [0.5, 0.5]
    P[0, 1, :, 1] = 1.0                                        # state 1 at step 0: unreachable
    P[1, :, :, :] = np.eye(2)[:, None, :]                      # step 1: the state stays
    r = np.zeros((2, 2, 2))
    r[1, 1, :] = 1.0
    mdp = FiniteHorizonMDP(P, r, rho=np.array([1.0, 0.0]))
    behavior = np.zeros((2, 2, 2))
    behavior[0, :, 0], behavior[0, :, 1] = 1.0 - 1.0 / K, 1.0 / K
    behavior[1, :, 0] = 1.0
    optimal = np.zeros((2, 2), dtype=np.int64)
    optimal[0, 0] = 1 if p < 0.5 else 0
    c = float(K) if p < 0.5 else K / (K - 1.0)
    return ClippedExample(mdp=mdp, behavior=readonly(behavior), optimal=readonly(optimal),
                          K=K, p=p, c_clipped=c, never_seen=(1.0 - 1.0 / K) ** K)


@register()
def clipped_concentrability_example(K: int = 10, p: float = 0.3) -> FiniteHorizonMDP:
    """Two-step example where C*_clipped is K or about 1 but the data cannot tell which.

    Source: Li, Shi, Chen, Chi & Wei (2022), arXiv 2204.05275, Sec. 3.4 (the values
    C*_clipped = K for p < 1/2 and 1 + 1/(K-1) for p > 1/2 and the probability
    (1 - d^b_1(0,1))^K of about 1/e are the paper's; the MDP is rebuilt to give them).

    H = 2. Step 0 (the paper's step 1) starts in state 0 with actions {0, 1}: action 0 moves
    to state 1 with probability p, action 1 with probability 1/2. At step 1 the state is kept
    and pays 1 in state 1 (both actions are the same). The behaviour plays action 1 at step 0
    with probability 1/K. With the clipping level ``1/|S_0|`` = 1 (one state exists at step 0),
    C*_clipped = K if p < 1/2 and K/(K-1) if p > 1/2; with the library's single level
    1/S = 1/2 the step-0 entry is halved and the coefficient lies between half that value and
    that value (step-1 entries can dominate when K is small).
    ``clipped_concentrability_instance`` gives the behaviour and optimal policies and the exact
    values.

    Parameters
    ----------
    K : number of episodes (behaviour plays action 1 with probability 1/K), >= 2
    p : probability that action 0 reaches the paying state, in [0, 1], not 1/2
    """
    return clipped_concentrability_instance(K=K, p=p).mdp
