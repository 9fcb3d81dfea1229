"""Random instances: Garnet, random tabular (Dirichlet), random linear, tabular-as-linear.

Every builder draws from ``numpy.random.default_rng(seed)`` (via
:func:`mdplab._validation.as_rng`) in a fixed, documented order, so an int seed
fixes the instance bit for bit.
"""

from __future__ import annotations

import numpy as np

from .._validation import RngLike, as_rng, check_positive_int
from ..models.discounted import DiscountedMDP
from ..models.finite_horizon import FiniteHorizonMDP
from ..models.linear import LinearMDP
from ..models.sparse import SparseTransitions
from .registry import check_probability, check_real, finite_or_discounted, register


def _uniform_subsets(rng: np.random.Generator, n_rows: int, S: int, b: int) -> np.ndarray:
    """For each of ``n_rows`` rows, a uniformly random b-subset of {0..S-1}; shape (n_rows, b).

    Small b (b^2 <= 16 S): R. W. Floyd's sampling algorithm (J. Bentley and R. Floyd
    (1987), "Programming pearls: a sample of brilliance", CACM 30(9)), run on all rows at
    once: for j = S-b, ..., S-1 draw t uniform on {0..j} and take t, or j if t was already
    taken; O(n_rows b^2) time, O(n_rows b) memory (S = 1e5 with small b is cheap).
    Large b: the b smallest of S uniform keys per row; O(n_rows S) time and memory, the
    size of the dense kernel anyway. The choice depends on (S, b) only.
    """
    if b * b > 16 * S:
        keys = rng.random((n_rows, S))
        return np.argpartition(keys, b - 1, axis=1)[:, :b].astype(np.int64)
    chosen = np.empty((n_rows, b), dtype=np.int64)
    for k, j in enumerate(range(S - b, S)):
        t = rng.integers(0, j + 1, size=n_rows)
        taken = (chosen[:, :k] == t[:, None]).any(axis=1) if k else np.zeros(n_rows, bool)
        chosen[:, k] = np.where(taken, j, t)
    return chosen


@register(tags=("random", "discountable"))
def garnet(
    S: int = 20,
    A: int = 4,
    b: int = 3,
    H: int = 10,
    gamma: float | None = None,
    seed: RngLike = 0,
    sparse: bool = False,
) -> FiniteHorizonMDP | DiscountedMDP:
    """Garnet(S, A, b): every (s, a) has b random successors with random probabilities.

    Source: T. W. Archibald, K. I. M. McKinnon and L. C. Thomas (1995), "On the generation
    of Markov decision processes", J. Oper. Res. Soc. 46(3):354-361; the name "Garnet"
    (Generic Average Reward Non-stationary Environment Testbed) is from S. Bhatnagar,
    R. S. Sutton, M. Ghavamzadeh and M. Lee (2009), "Natural actor-critic algorithms",
    Automatica 45(11).

    For each (s, a): the successor set is a uniformly random b-subset of the S states
    (without replacement); its probabilities are the b spacings of b-1 independent
    uniform cut points of [0, 1] (a uniform random point of the simplex); the mean
    reward r(s, a) is uniform on [0, 1]. Start: state 0. The kernel is stationary.

    Random stream (rng = default_rng(seed)): successor sets for the S*A rows in (s, a)
    order (Floyd's algorithm, b draws of S*A integers, when b^2 <= 16 S; otherwise the b
    smallest of S uniform keys per row), then the (S*A, b-1) cut points, then the (S, A)
    rewards. The dense and sparse versions of a seed are the same MDP.

    Parameters
    ----------
    S, A : ints >= 1
    b : branching factor, 1 <= b <= S
    H : horizon (ignored when ``gamma`` is given)
    gamma : None -> FiniteHorizonMDP, float in [0, 1) -> DiscountedMDP
    seed : int seed, None or a Generator
    sparse : store the kernel as SparseTransitions (CSR, S*A*b entries; use this for
        large S, e.g. S = 100_000) instead of a dense (S, A, S) array

    Notes
    -----
    Every row of the kernel has exactly b nonzero entries (with probability 1). Optimal
    values: none in closed form; use the exact planners.
    """
    S = check_positive_int(S, "S")
    A = check_positive_int(A, "A")
    b = check_positive_int(b, "b")
    H = check_positive_int(H, "H")
    if b > S:
        raise ValueError(f"b is {b}; the branching factor must be <= S = {S}")
    if not isinstance(sparse, (bool, np.bool_)):
        raise TypeError(f"sparse must be a bool, got {sparse!r}")
    rng = as_rng(seed, "seed")
    n_rows = S * A
    succ = _uniform_subsets(rng, n_rows, S, b)
    cuts = np.sort(rng.random((n_rows, b - 1)), axis=1)
    probs = np.diff(cuts, prepend=0.0, append=1.0)
    r = rng.random((S, A))

    order = np.argsort(succ, axis=1)
    succ = np.take_along_axis(succ, order, axis=1)
    probs = np.take_along_axis(probs, order, axis=1)
    if sparse:
        P = SparseTransitions(
            np.arange(0, n_rows * b + 1, b, dtype=np.int64),
            succ.reshape(-1),
            probs.reshape(-1),
            (S, A, S),
        )
    else:
        P = np.zeros((n_rows, S))
        P[np.arange(n_rows)[:, None], succ] = probs
        P = P.reshape(S, A, S)
    return finite_or_discounted(P, r, H=H, gamma=gamma)


@register(tags=("random",))
def random_tabular(
    S: int = 5,
    A: int = 2,
    H: int = 5,
    seed: RngLike = 0,
    alpha: float = 0.3,
    reward_density: float = 0.3,
) -> FiniteHorizonMDP | DiscountedMDP:
    """Random tabular MDP: Dirichlet(alpha) kernels per (h, s, a), sparse uniform rewards.

    Source: library instances (the random instances used for
    the coverability inequality claims); a library construction, not a paper's.

    Random stream (rng = default_rng(seed)), in this order:
    P = rng.dirichlet(alpha * 1_S, size=(H, S, A)); rho = rng.dirichlet(1_S);
    r = rng.random((H, S, A)) * (rng.random((H, S, A)) < reward_density).
    The kernel is non-stationary (H, S, A, S); rewards lie in [0, 1] per step (the GLOW
    GLOW experiments run on reward_scale = 1/H times these).

    Parameters
    ----------
    S, A, H : ints >= 1
    seed : int seed, None or a Generator
    alpha : Dirichlet concentration > 0 (small alpha: nearly deterministic transitions)
    reward_density : probability in [0, 1] that a reward entry is nonzero
    """
    S = check_positive_int(S, "S")
    A = check_positive_int(A, "A")
    H = check_positive_int(H, "H")
    alpha = check_real(alpha, "alpha", 0.0, np.inf)
    if alpha <= 0:
        raise ValueError("alpha is 0.0; the Dirichlet concentration must be > 0")
    reward_density = check_probability(reward_density, "reward_density")
    rng = as_rng(seed, "seed")
    P = rng.dirichlet(alpha * np.ones(S), size=(H, S, A))
    rho = rng.dirichlet(np.ones(S))
    values = rng.random((H, S, A))
    mask = rng.random((H, S, A)) < reward_density
    r = values * mask
    return FiniteHorizonMDP(P, r, H=H, rho=rho)


@register(tags=("random",))
def random_linear(
    S: int = 10,
    A: int = 3,
    d: int = 4,
    H: int = 5,
    seed: RngLike = 0,
    feature_concentration: float = 1.0,
    measure_concentration: float = 1.0,
) -> LinearMDP:
    """Random linear MDP with simplex features: phi(s, a) in Delta_d, mu_h rows in Delta_S.

    Source: the linear MDP of C. Jin, Z. Yang, Z. Wang and M. I. Jordan (2020), "Provably efficient
    reinforcement learning with linear function approximation", COLT, arXiv:1907.05388,
    Assumption A: ``P_h(s'|s,a) = <phi(s,a), mu_h(s')>``, ``r_h(s,a) = <phi(s,a), theta_h>``.
    Simplex features make this a latent-variable ("soft state aggregation") model: the
    next state is drawn by first drawing a latent i ~ phi(s, a), then s' ~ mu_h[i, :].

    Random stream (rng = default_rng(seed)), in this order::

        phi = rng.dirichlet(feature_concentration * 1_d, size=(S, A))     (S, A, d)
        mu = rng.dirichlet(measure_concentration * 1_S, size=(H, d))      (H, d, S)
        theta = rng.random((H, d))                                        in [0, 1]^d

    so P is a distribution (a mixture of distributions) and r = phi . theta lies in
    [0, 1]. Start: state 0. Features are stationary, measures and rewards per step.

    Parameters
    ----------
    S, A, d, H : ints >= 1
    seed : int seed, None or a Generator
    feature_concentration : Dirichlet concentration > 0 of phi (small: nearly one-hot,
        i.e. nearly a block MDP with d latent states)
    measure_concentration : Dirichlet concentration > 0 of the rows of mu
    """
    S = check_positive_int(S, "S")
    A = check_positive_int(A, "A")
    d = check_positive_int(d, "d")
    H = check_positive_int(H, "H")
    fc = check_real(feature_concentration, "feature_concentration", 0.0, np.inf)
    mc = check_real(measure_concentration, "measure_concentration", 0.0, np.inf)
    for name, v in (("feature_concentration", fc), ("measure_concentration", mc)):
        if v <= 0:
            raise ValueError(f"{name} is 0.0; a Dirichlet concentration must be > 0")
    rng = as_rng(seed, "seed")
    phi = rng.dirichlet(fc * np.ones(d), size=(S, A))
    mu = rng.dirichlet(mc * np.ones(S), size=(H, d))
    theta = rng.random((H, d))
    return LinearMDP(phi, mu, theta, H)


@register(tags=("random",))
def tabular_as_linear(mdp: FiniteHorizonMDP | None = None, S: int = 4, A: int = 2, H: int = 5,
                      seed: RngLike = 0) -> LinearMDP:
    """A tabular MDP written as a linear MDP with one-hot features (d = S * A).

    Source: C. Jin, Z. Yang, Z. Wang and M. I. Jordan (2020), arXiv:1907.05388, Example 2.1
    (every tabular MDP is a linear MDP with one-hot features).

    phi(s, a) = e_{s*A + a}, mu_h = P_h reshaped to (S*A, S), theta_h = r_h reshaped
    (:meth:`LinearMDP.from_tabular`).

    Parameters
    ----------
    mdp : a FiniteHorizonMDP to convert; default None: ``random_tabular(S, A, H, seed)``
        (S, A, H and seed are then used; they are ignored when ``mdp`` is given)
    S, A, H : ints >= 1
    seed : int seed, None or a Generator

    Notes
    -----
    ``result.to_tabular()`` reproduces the tabular kernel and rewards exactly.
    """
    if mdp is None:
        mdp = random_tabular(S=S, A=A, H=H, seed=seed)
    elif isinstance(mdp, DiscountedMDP):
        raise TypeError(
            "mdp is a DiscountedMDP; a LinearMDP is finite-horizon: pass "
            "mdp.to_finite_horizon(H) instead"
        )
    elif not isinstance(mdp, FiniteHorizonMDP):
        raise TypeError(f"mdp must be a FiniteHorizonMDP, got {type(mdp).__name__}")
    return LinearMDP.from_tabular(mdp)
