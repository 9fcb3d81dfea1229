"""Classic small instances: RiverSwim, chain, combination lock, gridworld.

All four have exactly known optimal values (closed forms in the docstrings, checked
in tests/test_envs.py with the exact planners).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._validation import RngLike, as_int_array, as_rng, check_int_range, check_positive_int
from ..models.discounted import DiscountedMDP
from ..models.finite_horizon import FiniteHorizonMDP
from .registry import (
    check_choice,
    check_probability,
    finite_or_discounted,
    register,
)

LEFT, RIGHT = 0, 1
UP, RIGHT_, DOWN, LEFT_ = 0, 1, 2, 3  # gridworld actions

# RiverSwim parameters: action RIGHT (swim against the current) from the left end,
# an interior state and the right end, as (P(move left), P(stay), P(move right)).
_RIVERSWIM = {
    "strehl_littman": {
        "left_end": (0.0, 0.7, 0.3),
        "interior": (0.1, 0.6, 0.3),
        "right_end": (0.7, 0.3, 0.0),
        "r_left": 5.0,  # mean reward of LEFT at the left end
        "r_right": 0.3 * 10000.0,  # 10000 paid on the stay transition, which has prob. 0.3
    },
    "osband": {
        "left_end": (0.0, 0.4, 0.6),
        "interior": (0.05, 0.6, 0.35),
        "right_end": (0.4, 0.6, 0.0),
        "r_left": 5.0 / 1000.0,
        "r_right": 1.0,
    },
}


@register(tags=("discountable",))
def riverswim(
    n_states: int = 6,
    H: int = 20,
    gamma: float | None = None,
    variant: str = "strehl_littman",
    normalize: bool = True,
    rho: ArrayLike | None = None,
) -> FiniteHorizonMDP | DiscountedMDP:
    """RiverSwim (Strehl & Littman 2008): a chain where the far end pays but swimming there is hard.

    Source: A. L. Strehl and M. L. Littman (2008), "An analysis of model-based Interval
    Estimation for Markov Decision Processes", J. Comput. Syst. Sci. 74(8):1309-1331,
    Sec. 6 and its RiverSwim figure. The 0.35/0.6/0.05 variant is from I. Osband,
    D. Russo and B. Van Roy (2013), "(More) efficient reinforcement learning via
    posterior sampling", NeurIPS, arXiv:1306.0940.

    States 0..n_states-1 from left to right; action 0 = LEFT (swim with the current),
    action 1 = RIGHT (swim against it). LEFT moves one state left with probability 1
    (staying put at state 0). RIGHT, as (P(left), P(stay), P(right)):

    ===================  ==================  ==================  ==================
    variant              left end (s = 0)    interior            right end (n-1)
    ===================  ==================  ==================  ==================
    ``strehl_littman``   (0, 0.7, 0.3)       (0.1, 0.6, 0.3)     (0.7, 0.3, 0)
    ``osband``           (0, 0.4, 0.6)       (0.05, 0.6, 0.35)   (0.4, 0.6, 0)
    ===================  ==================  ==================  ==================

    Rewards. ``strehl_littman``: 5 for LEFT at state 0, and 10000 on the transition that
    stays at the right end under RIGHT; the model stores mean rewards r(s, a), so
    r(n-1, RIGHT) = 0.3 * 10000 = 3000. ``osband``: r(0, LEFT) = 5/1000 and
    r(n-1, RIGHT) = 1. All other rewards are 0. With ``normalize=True`` (default) every
    reward is divided by the largest one, so rewards lie in [0, 1] (strehl_littman:
    r(0, LEFT) = 1/600, r(n-1, RIGHT) = 1); with ``normalize=False`` the raw values are
    kept and the model's ``reward_range`` is (0, max reward).

    Initial distribution: ``strehl_littman`` starts uniformly in state 1 or 2 (as in the
    paper's experiments; state 1 only when n_states = 2); ``osband`` starts in state 0.
    Pass ``rho`` (an (S,) distribution) to override.

    Provenance of the numbers: the corpus available when this was written held no copy
    of the 2008 paper; the strehl_littman numbers are the ones implementations of
    "RiverSwim from Strehl & Littman 2008" use (p_right = 0.3, p_left = 0.1, rewards 5
    and 10000, start in {1, 2}), which match our reading of the paper's figure; the
    osband numbers are the widely used Osband et al. (2013) parameters. The right-end
    RIGHT action's reward being paid only on the 0.3 stay edge is our reading of the
    figure's (action, probability, reward) edge labels.

    Parameters
    ----------
    n_states : int >= 2
    H : int >= 1, horizon (ignored when ``gamma`` is given)
    gamma : float in [0, 1) or None; None -> FiniteHorizonMDP, else DiscountedMDP
    variant : 'strehl_littman' (default) or 'osband'
    normalize : divide the rewards by their maximum
    rho : optional (S,) initial distribution

    Notes
    -----
    Optimal behaviour: for both variants, with gamma = 0.95 (or a horizon long enough,
    e.g. H = 20 from h = 0), swimming RIGHT is optimal in every state; at the last few
    steps of a finite horizon LEFT at state 0 can be optimal (the small sure reward).
    """
    n = check_positive_int(n_states, "n_states", minimum=2)
    H = check_positive_int(H, "H")
    variant = check_choice(variant, "variant", tuple(_RIVERSWIM))
    if not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"normalize must be a bool, got {normalize!r}")
    par = _RIVERSWIM[variant]

    P = np.zeros((n, 2, n))
    for s in range(n):
        P[s, LEFT, max(s - 1, 0)] = 1.0
        if s == 0:
            p_left, p_stay, p_right = par["left_end"]
        elif s == n - 1:
            p_left, p_stay, p_right = par["right_end"]
        else:
            p_left, p_stay, p_right = par["interior"]
        P[s, RIGHT, max(s - 1, 0)] += p_left
        P[s, RIGHT, s] += p_stay
        P[s, RIGHT, min(s + 1, n - 1)] += p_right

    r = np.zeros((n, 2))
    r[0, LEFT] = par["r_left"]
    r[n - 1, RIGHT] = par["r_right"]
    r_max = float(r.max())
    if normalize:
        r = r / r_max
        reward_range = (0.0, 1.0)
    else:
        reward_range = (0.0, r_max)

    if rho is None:
        rho = np.zeros(n)
        if variant == "strehl_littman":
            starts = [s for s in (1, 2) if s < n]
            rho[starts] = 1.0 / len(starts)
        else:
            rho[0] = 1.0
    return finite_or_discounted(P, r, H=H, gamma=gamma, rho=rho, reward_range=reward_range)


@register(tags=("discountable",))
def chain(n_states: int = 10, H: int = 20, gamma: float | None = None,
          slip: float = 0.0) -> FiniteHorizonMDP | DiscountedMDP:
    """Chain: walk right along n states; only the far end pays (1 per step spent there).

    Source: a standard hard-exploration chain (cf. the n-chain of M. Strens (2000), "A Bayesian
    framework for reinforcement learning", ICML, and the chains of I. Osband, B. Van Roy
    and Z. Wen (2016), "Generalization and exploration via randomized value functions",
    ICML), here with the simplest reward: r(n-1, a) = 1 for both actions, 0 elsewhere.

    Actions: 0 = LEFT, 1 = RIGHT. The chosen direction is followed with probability
    1 - ``slip`` and reversed with probability ``slip``; a move past either end stays
    put. Start: state 0.

    Parameters
    ----------
    n_states : int >= 2
    H : int >= 1 (ignored when ``gamma`` is given)
    gamma : None -> FiniteHorizonMDP, float in [0, 1) -> DiscountedMDP
    slip : probability in [0, 1] that a move goes the other way

    Notes
    -----
    Optimal: for slip < 1/2, RIGHT everywhere. With slip = 0,
    V*_0(0) = max(0, H - (n-1)) (finite horizon) and V*(0) = gamma^(n-1) / (1 - gamma)
    (discounted).
    """
    n = check_positive_int(n_states, "n_states", minimum=2)
    H = check_positive_int(H, "H")
    slip = check_probability(slip, "slip")
    P = np.zeros((n, 2, n))
    for s in range(n):
        left, right = max(s - 1, 0), min(s + 1, n - 1)
        P[s, LEFT, left] += 1.0 - slip
        P[s, LEFT, right] += slip
        P[s, RIGHT, right] += 1.0 - slip
        P[s, RIGHT, left] += slip
    r = np.zeros((n, 2))
    r[n - 1, :] = 1.0
    return finite_or_discounted(P, r, H=H, gamma=gamma)


@register(tags=("random", "sum_reward_le_one"))
def combination_lock(H: int = 5, A: int = 2, code: ArrayLike | None = None,
                     seed: RngLike = 0) -> FiniteHorizonMDP | DiscountedMDP:
    """Combination lock: H steps, one right action per step; any wrong one is fatal.

    Source: the standard exploration lower-bound construction (e.g. S. Kakade (2003), "On the
    sample complexity of reinforcement learning", PhD thesis, UCL; the "lock" of
    A. Krishnamurthy, A. Agarwal and J. Langford (2016), "PAC reinforcement learning
    with rich observations", NeurIPS, arXiv:1602.02722). This is the single-observation
    case (m = 1) of :func:`mdplab.envs.rich_lock`.

    States: 0 = still on the code, 1 = failed (absorbing). At step h in state 0, action
    ``code[h]`` keeps the state, any other action moves to 1. Reward 1 for action
    ``code[H-1]`` in state 0 at the last step h = H-1; 0 elsewhere. Start: state 0.

    Parameters
    ----------
    H : int >= 1, horizon and length of the code
    A : int >= 1, number of actions
    code : optional length-H sequence of actions; default: drawn uniformly from ``seed``
    seed : int seed (or None / Generator) for the code when ``code`` is None

    Notes
    -----
    Optimal: V* = 1 (follow the code). The uniformly random policy earns A^(-H) (it
    must pick the code's action at each of the H steps).
    """
    H = check_positive_int(H, "H")
    A = check_positive_int(A, "A")
    code = _lock_code(code, H, A, seed)
    P = np.zeros((H, 2, A, 2))
    P[:, 0, :, 1] = 1.0
    P[np.arange(H), 0, code, 1] = 0.0
    P[np.arange(H), 0, code, 0] = 1.0
    P[:, 1, :, 1] = 1.0
    r = np.zeros((H, 2, A))
    r[H - 1, 0, code[H - 1]] = 1.0
    return FiniteHorizonMDP(P, r, H=H)


def _lock_code(code, H: int, A: int, seed) -> np.ndarray:
    """The lock's code as an int64 array of length H (drawn from ``seed`` when None)."""
    if code is None:
        return as_rng(seed, "seed").integers(0, A, size=H).astype(np.int64)
    code = as_int_array(code, "code", ndim=1)
    if code.shape != (H,):
        raise ValueError(f"code has length {code.shape[0]}; it must have length H = {H}")
    check_int_range(code, "code", 0, A)
    return code


_MOVES = {UP: (-1, 0), RIGHT_: (0, 1), DOWN: (1, 0), LEFT_: (0, -1)}


def _cell(x, name: str, rows: int, cols: int) -> tuple[int, int]:
    arr = as_int_array(x, name, ndim=1)
    if arr.shape != (2,):
        raise ValueError(f"{name} must be a (row, col) pair, got {x!r}")
    rr, cc = int(arr[0]), int(arr[1])
    if not (0 <= rr < rows and 0 <= cc < cols):
        raise ValueError(f"{name} is {(rr, cc)}; must lie in a {rows} x {cols} grid")
    return rr, cc


@register(tags=("discountable",))
def gridworld(
    rows: int = 4,
    cols: int = 4,
    slip: float = 0.0,
    H: int = 20,
    gamma: float | None = None,
    start: tuple[int, int] = (0, 0),
    goal: tuple[int, int] | None = None,
    absorbing_goal: bool = True,
    walls: tuple[tuple[int, int], ...] = (),
) -> FiniteHorizonMDP | DiscountedMDP:
    """Gridworld: rows x cols cells, 4 moves that slip, reward 1 per step at the goal.

    Source: a textbook gridworld (cf. R. S. Sutton and A. G. Barto (2018), "Reinforcement
    Learning: An Introduction", 2nd ed., Example 3.5 and Sec. 4.1; S. Russell and
    P. Norvig, "Artificial Intelligence: A Modern Approach", Sec. 17.1, for the slip).

    State s = row * cols + col, row 0 at the top. Actions: 0 = up, 1 = right, 2 = down,
    3 = left. The intended move happens with probability 1 - ``slip``; with probability
    ``slip`` the agent moves in one of the other three directions, each with probability
    slip / 3. A move into the border or into a wall cell leaves the agent where it is.
    Reward: r(goal, a) = 1 for every action a, 0 elsewhere. With ``absorbing_goal``
    (default) every action at the goal stays there. Wall cells are states (so S = rows *
    cols) that are never entered; they are absorbing. Start: ``start``.

    Parameters
    ----------
    rows, cols : ints >= 1
    slip : probability in [0, 1]
    H : horizon (ignored when ``gamma`` is given)
    gamma : None -> FiniteHorizonMDP, float in [0, 1) -> DiscountedMDP
    start : (row, col), default (0, 0)
    goal : (row, col), default (rows-1, cols-1)
    absorbing_goal : bool
    walls : sequence of (row, col) wall cells (not the start or the goal)

    Notes
    -----
    Optimal (slip = 0, absorbing goal): with D the shortest-path length from start to
    goal (the Manhattan distance without walls), V*_0(start) = max(0, H - D) and, with a
    discount, V*(start) = gamma^D / (1 - gamma).
    """
    rows = check_positive_int(rows, "rows")
    cols = check_positive_int(cols, "cols")
    slip = check_probability(slip, "slip")
    H = check_positive_int(H, "H")
    if not isinstance(absorbing_goal, (bool, np.bool_)):
        raise TypeError(f"absorbing_goal must be a bool, got {absorbing_goal!r}")
    start = _cell(start, "start", rows, cols)
    goal = (rows - 1, cols - 1) if goal is None else _cell(goal, "goal", rows, cols)
    wall_cells = {_cell(w, f"walls[{i}]", rows, cols) for i, w in enumerate(walls)}
    for name, c in (("start", start), ("goal", goal)):
        if c in wall_cells:
            raise ValueError(f"{name} {c} is a wall cell")

    S = rows * cols

    def idx(rc):
        return rc[0] * cols + rc[1]

    P = np.zeros((S, 4, S))
    for rr in range(rows):
        for cc in range(cols):
            s = idx((rr, cc))
            if (rr, cc) in wall_cells or ((rr, cc) == goal and absorbing_goal):
                P[s, :, s] = 1.0
                continue
            dest = {}
            for a, (dr, dc) in _MOVES.items():
                nr, nc = rr + dr, cc + dc
                inside = 0 <= nr < rows and 0 <= nc < cols and (nr, nc) not in wall_cells
                dest[a] = idx((nr, nc)) if inside else s
            for a in range(4):
                P[s, a, dest[a]] += 1.0 - slip
                for b in range(4):
                    if b != a:
                        P[s, a, dest[b]] += slip / 3.0
    r = np.zeros((S, 4))
    r[idx(goal), :] = 1.0
    rho = np.zeros(S)
    rho[idx(start)] = 1.0
    return finite_or_discounted(P, r, H=H, gamma=gamma, rho=rho)
