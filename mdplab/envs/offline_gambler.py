"""The gambler's problem with a finite horizon: the experiment of Li et al. (2022, Fig. 2).

Source: G. Li, L. Shi, Y. Chen, Y. Chi, Y. Wei (2022), *Settling the Sample Complexity of
Model-Based Offline Reinforcement Learning*, arXiv 2204.05275, Sec. 4; the setup was checked
against the authors' notebook (github.com/Laixishi/Model-based-VI-LCB,
``gambler-offline-model-based.ipynb``); the problem itself is Sutton & Barto (2018),
*Reinforcement Learning: An Introduction*, 2nd ed., Example 4.3; the experiment of Li et al.
(2022, arXiv 2204.05275, Sec. 4, Fig. 2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import RngLike, as_rng, check_positive_int, readonly
from ..models.discounted import DiscountedMDP
from ..models.finite_horizon import FiniteHorizonMDP
from ..planning.results import compact_repr
from .registry import check_probability, register

__all__ = ["GamblerInstance", "gambler", "gambler_instance", "gambler_samples"]

#: The sample sizes of Fig. 2(b)-(c): N = floor(e^x), x = 4, 4.5, ..., 10.
FIG2_N = [int(np.floor(np.exp(x))) for x in np.arange(4.0, 10.01, 0.5)]
#: VI-LCB mean gaps stored with the authors' notebook (offline_model_results_10seeds.npz,
#: 10 seeds), at FIG2_N, as printed in the authors' notebook; and VI's stored mean gap at N = 54.
FIG2_STORED_VILCB = [0.029, 0.019, 0.014, 0.012, 0.0086, 0.0083, 0.0070, 0.0062, 0.0051,
                     0.0032, 0.0020, 0.0013, 0.0009]
FIG2_STORED_VI_54 = 0.140


@dataclass(frozen=True, eq=False)
class GamblerInstance:
    """The gambler's MDP and what the algorithms need besides it.

    Attributes
    ----------
    mdp : FiniteHorizonMDP, S = goal + 1 capitals, A = goal // 2 + 1 stakes, stationary.
    valid : (S, A) bool, the valid-action mask: stakes 1..min(s, goal - s) at s = 1..goal-1;
        only the stake 0 at the terminal capitals 0 and goal.
    stake : (S, A) bool, the pairs where a coin is flipped (valid stakes >= 1).
    arrival : (S,) the reward paid on arriving in s' (1 at the goal, 0 elsewhere); the
        model's mean reward is r(s, a) = P(s, a, .) . arrival.
    p_head, goal : the parameters.
    """

    __repr__ = compact_repr

    mdp: FiniteHorizonMDP
    valid: np.ndarray
    stake: np.ndarray
    arrival: np.ndarray
    p_head: float
    goal: int

    @property
    def terminal(self) -> tuple[int, int]:
        return (0, self.goal)


def gambler_instance(p_head: float = 0.45, goal: int = 50, H: int = 100) -> GamblerInstance:
    """Build the gambler's MDP with its action mask and arrival reward (see :func:`gambler`)."""
    p = check_probability(p_head, "p_head")
    goal = check_positive_int(goal, "goal", minimum=2)
    H = check_positive_int(H, "H")
    S, A = goal + 1, goal // 2 + 1
    P = np.zeros((S, A, S))
    P[:, :, 0] = 1.0                      # stake 0, invalid stakes, terminals: to capital 0
    valid = np.zeros((S, A), dtype=bool)
    valid[0, 0] = valid[goal, 0] = True
    for s in range(1, goal):
        for a in range(1, min(s, goal - s) + 1):
            P[s, a, :] = 0.0
            P[s, a, s + a] += p
            P[s, a, s - a] += 1.0 - p
            valid[s, a] = True
    arrival = np.zeros(S)
    arrival[goal] = 1.0
    r = P @ arrival
    mdp = FiniteHorizonMDP(P, r, H=H, rho=np.full(S, 1.0 / S))
    stake = valid.copy()
    stake[:, 0] = False
    return GamblerInstance(mdp=mdp, valid=readonly(valid), stake=readonly(stake),
                           arrival=readonly(arrival), p_head=p, goal=goal)


@register(tags=("sum_reward_le_one",))
def gambler(p_head: float = 0.45, goal: int = 50, H: int = 100) -> FiniteHorizonMDP | DiscountedMDP:
    """The gambler's problem (finite horizon): stake on coin flips to reach a goal capital.

    Source: Li, Shi, Chen, Chi & Wei (2022), arXiv 2204.05275, Sec. 4 (Fig. 2), checked
    against the authors' notebook; Sutton & Barto (2018), Example 4.3.

    Capitals s = 0..goal (S = goal + 1; the paper: goal = 50, S = 51) and stakes
    a = 0..goal//2 (A = 26). At s = 1..goal-1 the stakes 1..min(s, goal - s) are valid:
    the coin shows heads with probability ``p_head`` (s -> s + a) and tails otherwise
    (s -> s - a). Reaching the goal pays 1 (the model's mean reward is
    r(s, a) = p_head * 1{s + a = goal}); nothing else pays. The capitals 0 and goal are
    terminal with value 0: from either, every action moves to the absorbing capital 0 with
    reward 0 (so the goal reward is paid once). Stake 0 and the stakes above
    min(s, goal - s) are not available; in the model they also move to capital 0 with
    reward 0 (the notebook's "dead" action index 0, whose value is 0), and the mask
    ``gambler_instance(...).valid`` marks them. The text of the paper also allows the stake 0
    ("stay"); the notebook does not, and the library follows the notebook (with p_head < 1/2
    a pause never helps: tests/test_vilcb_episodic.py checks V* is the same either way).

    rho is uniform over all S capitals, terminals included (as in the paper's V*(rho)).

    Parameters
    ----------
    p_head : probability of heads (the paper: 0.45)
    goal : the target capital (the paper: 50)
    H : horizon (the paper: 100)
    """
    return gambler_instance(p_head=p_head, goal=goal, H=H).mdp


def gambler_samples(instance: GamblerInstance, N: int, rng: RngLike | None = None, *,
                    mask_invalid: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """D-gen data for the gambler: N coin flips at every (h, s, stake).

    The heads counts are ``rng.binomial(N, p_head, size=(H, m))``, one draw per triple
    (h, s, stake) over the m coin-flipping pairs ``instance.stake`` in row-major order, so no
    per-flip loop is needed. The empirical
    kernel puts heads/N on s + a and (N - heads)/N on s - a; the deterministic moves (terminals,
    stake 0, invalid stakes) are observed exactly (P_hat = P, n = N).
    ``mask_invalid=True`` (the notebook's layout) gives invalid stakes n = 0 and a zero row of
    P_hat (so every algorithm gives them Q = 0).

    Returns ``(n, P_hat)``: n (H, S, A) float64 counts, P_hat (H, S, A, S) float64.
    """
    if not isinstance(instance, GamblerInstance):
        raise TypeError(f"instance must be a GamblerInstance, got {type(instance).__name__}")
    N = check_positive_int(N, "N")
    rng = as_rng(rng)
    mdp = instance.mdp
    H, S, A = mdp.shape
    s_idx, a_idx = np.nonzero(instance.stake)                          # row-major order
    heads = rng.binomial(N, instance.p_head, size=(H, s_idx.size))
    P_hat = np.zeros((H, S, A, S))
    n = np.full((H, S, A), float(N))
    still = ~instance.stake                       # deterministic moves, all to capital 0
    if mask_invalid:
        still = still & instance.valid
        n[:, ~instance.valid] = 0.0
    P_hat[:, still, 0] = 1.0
    frac = heads / N                                                     # (H, m)
    h_idx = np.arange(H)[:, None]
    P_hat[h_idx, s_idx, a_idx, s_idx + a_idx] = frac
    P_hat[h_idx, s_idx, a_idx, s_idx - a_idx] = 1.0 - frac
    return n, P_hat
