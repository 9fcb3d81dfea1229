"""The two-point hard family for discounted offline RL.

A library construction [lib] with the mechanism of the lower bound of Li, Shi, Chen, Chi &
Wei (2022), "Settling the Sample Complexity of Model-Based Offline Reinforcement Learning",
arXiv 2204.05275, Theorem 2 and its proof in Appendix C.2.

What was checked in the paper (text of the arXiv version; the displayed formulas of
Appendix C.2 were not available in text form): two MDPs M_0, M_1 with S states and 2
actions; a "crucial" state distribution mu supported on {0, 1} that defines the data
(rho_b = mu, and the state occupancy of the data equals mu at every time, their (201));
the test distribution rho is the point mass at state 0 (their (202)); {0, 1} is closed; the
reward is highest at state 0; at state 0 action theta keeps the chain there with
probability p and the other action with q, where p >= q >= 1/2 (their (196)) and
P_theta(0 | 0, theta) >= p >= gamma; a policy's error converts into a test of theta (Le Cam,
Tsybakov 2009 Thm 2.2). The exact p, q, u and rewards of the paper were NOT recovered
(unconfirmed); the family below fixes them so that every quantity is exact and checkable.

The family, for theta in {0, 1}:

- states 0..S-1, actions {0, 1}; states >= 2 are absorbing dummies that no data and no
  policy from rho reach (kept so that S counts states as in the paper);
- p = (4 gamma - 1) / (3 gamma), so 1 - p = (1 - gamma) / (3 gamma) and p >= gamma for
  gamma >= 1/3; q = p - Delta;
- r(0, .) = 1, r = 0 elsewhere;
- from state 0, action theta stays at 0 w.p. p (else moves to 1), action 1 - theta w.p. q;
  from state 1 either action moves to 0 w.p. u (else stays);
- data: mu(0) = m0 = 2/(C S) (needs C >= 4/S, i.e. m0 <= 1/2), mu(1) = 1 - m0, uniform
  behaviour pi_b, and u = m0 (1 - (p + q)/2) / (1 - m0), which makes mu stationary under
  pi_b, so the normalised discounted occupancy from rho_b = mu is d^b(s, a) = mu(s) / 2 in
  both hypotheses (u does not depend on theta);
- rho = e_0; Delta solves V*_theta(0) - V^{wrong}_theta(0) = 2 epsilon exactly (bracketed
  root finding in closed form; the wrong policy plays 1 - theta at state 0), where
  V(0) = 1 / (1 - gamma (x + (1 - x) k)), k = gamma u / (1 - gamma + gamma u), x = p or q.

Facts (checked in tests/test_vilcb_discounted.py): mu is stationary to 1e-12; the wrong
action at state 0 costs exactly 2 epsilon; C*_clipped = C exactly (attained at (0, theta):
min{d*(0), 1/S} / (m0/2) = C since d*(0) >= 1/(1+gamma) >= 1/S), while
C* = d*(0) C S >> C; the per-sample KL divergence between the two hypotheses is
KL_1 = (m0/2) [kl(p || q) + kl(q || p)] (only the rows (0, a) differ), so any estimator of
theta from N samples errs with probability >= max{e^{-N KL_1}/4, (1 - sqrt(N KL_1 / 2))/2}
under one of the two hypotheses (Tsybakov 2009, Thm 2.2(iii)).

How mu and d^b are exposed: :func:`hard_discounted` (registered) returns the
:class:`~mdplab.DiscountedMDP` only; :func:`hard_discounted_instance` (same parameters)
returns a :class:`HardDiscountedInstance` holding the model and every quantity above
(``mu``, ``behaviour``, ``d_b`` (S, A), ``p``, ``q``, ``gap``, ``u``, ``kl_per_sample``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .._validation import check_positive_int, readonly
from ..models.discounted import DiscountedMDP
from ..planning.results import compact_repr
from .registry import check_index, check_real, register

__all__ = [
    "HardDiscountedInstance",
    "bernoulli_kl",
    "hard_discounted",
    "hard_discounted_instance",
]


@dataclass(frozen=True)
class HardDiscountedInstance:
    """One member M_theta of the two-point family, with its data distribution.

    Attributes
    ----------
    mdp : DiscountedMDP (S states, 2 actions), rho = e_0.
    theta : the optimal action at state 0.
    S, gamma, C, epsilon : the parameters.
    p, q : probabilities of staying at state 0 under action theta, resp. 1 - theta.
    gap : Delta = p - q.
    u : probability of moving from state 1 to state 0 (either action).
    m0 : mu(0) = 2 / (C S).
    mu : (S,) the data's state distribution rho_b = mu (stationary under ``behaviour``).
    behaviour : (S, 2) the uniform behaviour policy pi_b.
    d_b : (S, 2) the data distribution d^b(s, a) = mu(s) / 2 (D-iid: (s, a) ~ d_b).
    kl_per_sample : KL_1 = (m0/2) [kl(p||q) + kl(q||p)], the KL divergence of one sample
        (s, a, s') between the two hypotheses (symmetric).
    """

    __repr__ = compact_repr

    mdp: DiscountedMDP
    theta: int
    S: int
    gamma: float
    C: float
    epsilon: float
    p: float
    q: float
    gap: float
    u: float
    m0: float
    mu: np.ndarray
    behaviour: np.ndarray
    d_b: np.ndarray
    kl_per_sample: float

    @property
    def value_gap(self) -> float:
        """V*(0) - V^wrong(0) in closed form (= 2 epsilon up to round-off)."""
        return _state0_value(self.gamma, self.p, self.u) - _state0_value(self.gamma, self.q,
                                                                          self.u)


def bernoulli_kl(a: float, b: float) -> float:
    """kl(a || b) = a log(a/b) + (1-a) log((1-a)/(1-b)) with 0 log 0 = 0 (+inf if a > 0 = b)."""
    out = 0.0
    for x, y in ((a, b), (1.0 - a, 1.0 - b)):
        if x > 0:
            out += math.inf if y <= 0 else x * math.log(x / y)
    return out


def _state0_value(gamma: float, x: float, u: float) -> float:
    k = gamma * u / (1.0 - gamma + gamma * u)
    return 1.0 / (1.0 - gamma * (x + (1.0 - x) * k))


def _u(m0: float, p: float, q: float) -> float:
    return m0 * (1.0 - 0.5 * (p + q)) / (1.0 - m0)


def _validate(S, gamma, C, epsilon, theta):
    S = check_positive_int(S, "S", minimum=2)
    gamma = check_real(gamma, "gamma", 1.0 / 3.0, 1.0)
    if gamma >= 1.0:
        raise ValueError("gamma is 1.0; must lie in [1/3, 1)")
    C = check_real(C, "C", 0.0)
    if C < 4.0 / S:
        raise ValueError(f"C is {C:g}; this family needs C >= 4/S = {4.0 / S:g} (m0 = 2/(CS) "
                         "<= 1/2)")
    epsilon = check_real(epsilon, "epsilon", 0.0)
    if epsilon <= 0:
        raise ValueError("epsilon is 0.0; must be > 0")
    theta = check_index(theta, "theta", 2)
    return S, gamma, C, epsilon, theta


def hard_discounted_instance(S: int = 10, gamma: float = 0.9, C: float = 2.0,
                             epsilon: float = 0.5, theta: int = 0) -> HardDiscountedInstance:
    """M_theta of the two-point family and its data distribution (see the module docstring).

    Parameters
    ----------
    S : int >= 2, number of states (states >= 2 are unreachable dummies).
    gamma : discount in [1/3, 1) (so that p >= gamma).
    C : target C*_clipped, >= 4/S.
    epsilon : half the cost of the wrong action at state 0, > 0 and below the largest value
        the family can encode (the cost at q = 0; a ValueError names it).
    theta : 0 or 1, the optimal action at state 0.
    """
    S, gamma, C, epsilon, theta = _validate(S, gamma, C, epsilon, theta)
    p = (4.0 * gamma - 1.0) / (3.0 * gamma)
    m0 = 2.0 / (C * S)

    def excess(gap):
        q = p - gap
        u = _u(m0, p, q)
        return _state0_value(gamma, p, u) - _state0_value(gamma, q, u) - 2.0 * epsilon

    top = excess(p)
    if not top > 0:
        raise ValueError(f"epsilon is {epsilon:g}; with S={S}, gamma={gamma:g}, C={C:g} the "
                         f"wrong action costs at most {top + 2 * epsilon:.6g} = 2 * "
                         f"{(top + 2 * epsilon) / 2:.6g}, so epsilon must be below "
                         f"{(top + 2 * epsilon) / 2:.6g}")
    gap = brentq(excess, 0.0, p, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    q = p - gap
    u = _u(m0, p, q)

    P = np.zeros((S, 2, S))
    stay = {theta: p, 1 - theta: q}
    for a in (0, 1):
        P[0, a, 0], P[0, a, 1] = stay[a], 1.0 - stay[a]
        P[1, a, 0], P[1, a, 1] = u, 1.0 - u
    for s in range(2, S):
        P[s, :, s] = 1.0
    r = np.zeros((S, 2))
    r[0, :] = 1.0
    rho = np.zeros(S)
    rho[0] = 1.0
    mdp = DiscountedMDP(P, r, gamma, rho=rho)

    mu = np.zeros(S)
    mu[0], mu[1] = m0, 1.0 - m0
    behaviour = np.full((S, 2), 0.5)
    d_b = mu[:, None] * behaviour
    kl = 0.5 * m0 * (bernoulli_kl(p, q) + bernoulli_kl(q, p))
    return HardDiscountedInstance(
        mdp=mdp, theta=theta, S=S, gamma=gamma, C=C, epsilon=epsilon, p=p, q=q, gap=gap, u=u,
        m0=m0, mu=readonly(mu), behaviour=readonly(behaviour), d_b=readonly(d_b),
        kl_per_sample=kl)


@register(tags=("lower_bound", "offline"))
def hard_discounted(S: int = 10, gamma: float = 0.9, C: float = 2.0, epsilon: float = 0.5,
                    theta: int = 0) -> DiscountedMDP:
    """Two-point hard family of discounted offline RL: action theta at state 0 is 2 eps better.

    Source: a library construction with the mechanism of the
    lower bound of G. Li, L. Shi, Y. Chen, Y. Chi and Y. Wei (2022), "Settling the Sample
    Complexity of Model-Based Offline Reinforcement Learning", arXiv:2204.05275, Theorem 2
    and Appendix C.2 (whose exact p, q and state-1 transitions were not recovered). See
    :mod:`mdplab.envs.hard_discounted` for the construction and the facts it satisfies.

    States 0, 1 and S-2 absorbing dummies; actions {0, 1}; reward 1 at state 0 only. From
    state 0 action theta stays with p = (4 gamma - 1)/(3 gamma), the other action with
    q = p - Delta; from state 1 both actions return to 0 with probability u. The data
    distribution d^b(s, a) = mu(s)/2 with mu = (2/(CS), 1 - 2/(CS), 0, ...) is stationary;
    get it (and mu, p, q, Delta, u, the per-sample KL) from
    :func:`mdplab.envs.hard_discounted_instance` with the same parameters.

    Parameters
    ----------
    S : int >= 2
    gamma : discount in [1/3, 1)
    C : C*_clipped of the data, >= 4/S
    epsilon : the wrong action at state 0 costs exactly 2 epsilon in V(0)
    theta : 0 or 1

    Notes
    -----
    Optimal: action theta at state 0 (either action elsewhere); rho = e_0;
    C*_clipped = C exactly and C* = d*(0) C S.
    """
    return hard_discounted_instance(S=S, gamma=gamma, C=C, epsilon=epsilon, theta=theta).mdp
