"""Shared hypothesis strategies and fixtures: random small exact models.

Every strategy draws the sizes and a numpy seed from hypothesis and builds the
arrays with a seeded ``numpy.random.Generator``; hypothesis therefore shrinks
towards small sizes and seed 0, and every failure is reproducible from the
printed draw.

Strategies (import them as ``from conftest import finite_horizon_mdps`` or use the
fixtures below):

``finite_horizon_arrays(...)``  -> dict(P, r, H, rho) of raw numpy arrays
``finite_horizon_mdps(...)``    -> FiniteHorizonMDP (dense or sparse, stationary or not)
``discounted_mdps(...)``        -> DiscountedMDP (dense or sparse)
``linear_mdps(...)``            -> LinearMDP with simplex features (phi(s,a) in the simplex,
                                   rows of mu distributions, theta in [0,1]^d)
``policies(H, S, A, ...)``      -> a deterministic (H,S) int or stochastic (H,S,A) policy

Helpers: ``random_kernel``, ``random_policy``, ``all_deterministic_policies``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from mdplab.models import (
    DiscountedMDP,
    FiniteHorizonMDP,
    LinearMDP,
    SparseTransitions,
)

# A fast profile for the whole project: few examples, no deadline (numba compiles
# on first call), small sizes everywhere.
settings.register_profile(
    "mdplab",
    max_examples=30,
    deadline=None,
    derandomize=True,  # a fixed base seed: the suite is deterministic
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("mdplab")

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


# ---------------------------------------------------------------- plain helpers
def random_kernel(
    rng: np.random.Generator, shape: tuple[int, ...], sparsity: float = 0.0
) -> np.ndarray:
    """Random probability vectors along the last axis of ``shape``.

    Each vector is Dirichlet(1) restricted to a random support: every entry is
    dropped with probability ``sparsity`` (at least one entry always survives), so
    ``sparsity > 0`` gives exact zeros and, often, point masses. Rows sum to 1
    within a few ulps.
    """
    n = shape[-1]
    x = rng.exponential(size=shape)
    if sparsity > 0:
        keep = rng.random(shape) >= sparsity
        forced = rng.integers(n, size=shape[:-1])
        np.put_along_axis(keep, forced[..., None], True, axis=-1)
        x = np.where(keep, x, 0.0)
    return x / x.sum(axis=-1, keepdims=True)


def random_rewards(
    rng: np.random.Generator, shape: tuple[int, ...], grid: int | None = None
) -> np.ndarray:
    """Mean rewards in [0, 1]; with ``grid`` they are multiples of 1/grid (exact ties)."""
    if grid is None:
        return rng.random(shape)
    return rng.integers(0, grid + 1, size=shape) / grid


def random_policy(
    rng: np.random.Generator, H: int, S: int, A: int, stochastic: bool
) -> np.ndarray:
    """A random deterministic (H, S) int64 or stochastic (H, S, A) policy."""
    if stochastic:
        return random_kernel(rng, (H, S, A), sparsity=0.3)
    return rng.integers(0, A, size=(H, S)).astype(np.int64)


def all_deterministic_policies(H: int, S: int, A: int):
    """Every deterministic Markov policy as an (H, S) int64 array (A**(H*S) of them)."""
    for flat in itertools.product(range(A), repeat=H * S):
        yield np.array(flat, dtype=np.int64).reshape(H, S)


def tile_stationary(mdp: FiniteHorizonMDP) -> FiniteHorizonMDP:
    """The same MDP with P and r given explicitly per step, (H,S,A,S) and (H,S,A)."""
    P = np.ascontiguousarray(np.asarray(mdp.P))
    r = np.ascontiguousarray(np.asarray(mdp.r))
    return FiniteHorizonMDP(
        P, r, rho=mdp.rho, reward_dist=mdp.reward_dist, reward_range=mdp.reward_range
    )


def to_sparse(mdp: FiniteHorizonMDP) -> FiniteHorizonMDP:
    """The same MDP with its kernel stored as SparseTransitions (exact zeros dropped)."""
    P = np.asarray(mdp.P)[0] if mdp.stationary else np.asarray(mdp.P)
    r = np.asarray(mdp.r)
    return FiniteHorizonMDP(
        SparseTransitions.from_dense(P), r, H=mdp.H, rho=mdp.rho,
        reward_dist=mdp.reward_dist, reward_range=mdp.reward_range,
    )


def to_dense(mdp: FiniteHorizonMDP) -> FiniteHorizonMDP:
    """The same MDP with a dense kernel (of the same stationarity)."""
    P = np.asarray(mdp.P)[0] if mdp.stationary else np.asarray(mdp.P)
    r = np.asarray(mdp.r)
    return FiniteHorizonMDP(
        np.array(P), np.array(r), H=mdp.H, rho=mdp.rho,
        reward_dist=mdp.reward_dist, reward_range=mdp.reward_range,
    )


# ---------------------------------------------------------------- strategies
@st.composite
def sizes(draw, max_S: int = 4, max_A: int = 3, max_H: int = 4, max_policies: int | None = None):
    """(H, S, A) with 1 <= S <= max_S, 1 <= A <= max_A, 1 <= H <= max_H.

    With ``max_policies``, only sizes with A**(H*S) <= max_policies (brute force).
    """
    triples = [
        (H, S, A)
        for H in range(1, max_H + 1)
        for S in range(1, max_S + 1)
        for A in range(1, max_A + 1)
        if max_policies is None or A ** (H * S) <= max_policies
    ]
    return draw(st.sampled_from(triples))


@st.composite
def finite_horizon_arrays(
    draw,
    max_S: int = 4,
    max_A: int = 3,
    max_H: int = 4,
    stationary: bool | None = None,
    max_policies: int | None = None,
    min_S: int = 1,
    min_A: int = 1,
):
    """Raw arrays of a random finite-horizon MDP: dict(P, r, H, rho, stationary).

    P is (S, A, S) when stationary else (H, S, A, S); r matches (S, A) or (H, S, A);
    rho is a random distribution (sometimes a point mass).
    """
    H, S, A = draw(sizes(max_S, max_A, max_H, max_policies).filter(
        lambda t: t[1] >= min_S and t[2] >= min_A))
    if stationary is None:
        stationary = draw(st.booleans())
    sparsity = draw(st.sampled_from([0.0, 0.0, 0.5, 0.8]))
    grid = draw(st.sampled_from([None, None, 2, 4]))
    rng = np.random.default_rng(draw(SEEDS))
    lead = () if stationary else (H,)
    P = random_kernel(rng, lead + (S, A, S), sparsity)
    r = random_rewards(rng, lead + (S, A), grid)
    rho = random_kernel(rng, (S,), draw(st.sampled_from([0.0, 0.9])))
    return {"P": P, "r": r, "H": H, "rho": rho, "stationary": stationary}


@st.composite
def finite_horizon_mdps(
    draw,
    max_S: int = 4,
    max_A: int = 3,
    max_H: int = 4,
    stationary: bool | None = None,
    sparse: bool | None = None,
    max_policies: int | None = None,
    min_S: int = 1,
    min_A: int = 1,
):
    """A random FiniteHorizonMDP (dense or sparse kernel, stationary or not).

    Pass ``stationary``/``sparse`` to fix either; ``None`` lets hypothesis choose.
    """
    arr = draw(finite_horizon_arrays(max_S, max_A, max_H, stationary, max_policies, min_S, min_A))
    if sparse is None:
        sparse = draw(st.booleans())
    P = SparseTransitions.from_dense(arr["P"]) if sparse else arr["P"]
    return FiniteHorizonMDP(P, arr["r"], H=arr["H"], rho=arr["rho"])


@st.composite
def discounted_mdps(
    draw,
    max_S: int = 5,
    max_A: int = 3,
    sparse: bool | None = None,
    max_gamma: float = 0.99,
):
    """A random DiscountedMDP with gamma in [0, max_gamma] (dense or sparse kernel)."""
    S = draw(st.integers(1, max_S))
    A = draw(st.integers(1, max_A))
    gamma = draw(st.floats(min_value=0.0, max_value=max_gamma))
    sparsity = draw(st.sampled_from([0.0, 0.5, 0.8]))
    grid = draw(st.sampled_from([None, 2]))
    if sparse is None:
        sparse = draw(st.booleans())
    rng = np.random.default_rng(draw(SEEDS))
    P = random_kernel(rng, (S, A, S), sparsity)
    r = random_rewards(rng, (S, A), grid)
    rho = random_kernel(rng, (S,))
    return DiscountedMDP(SparseTransitions.from_dense(P) if sparse else P, r, gamma, rho=rho)


@st.composite
def linear_mdps(
    draw,
    max_S: int = 4,
    max_A: int = 3,
    max_H: int = 4,
    max_d: int = 4,
    per_step: bool | None = None,
):
    """A random LinearMDP with simplex features.

    phi(s, a) lies in the probability simplex of R^d, every row mu[h, i, :] is a
    distribution over next states and theta in [0, 1]^d, so phi . mu is a
    distribution and phi . theta lies in [0, 1] (Jin et al. 2020, arXiv 1907.05388,
    Assumption A, with the simplex construction of their Example 2.2).
    ``per_step`` chooses (H, ...) arrays for phi, mu and theta independently.
    """
    H, S, A = draw(sizes(max_S, max_A, max_H))
    d = draw(st.integers(1, max_d))
    rng = np.random.default_rng(draw(SEEDS))
    sparsity = draw(st.sampled_from([0.0, 0.5]))
    if per_step is None:
        steps = [draw(st.booleans()) for _ in range(3)]
    else:
        steps = [per_step] * 3
    phi = random_kernel(rng, ((H,) if steps[0] else ()) + (S, A, d), sparsity)
    mu = random_kernel(rng, ((H,) if steps[1] else ()) + (d, S), sparsity)
    theta = rng.random(((H,) if steps[2] else ()) + (d,))
    rho = random_kernel(rng, (S,))
    return LinearMDP(phi, mu, theta, H, rho=rho)


@st.composite
def policies(draw, H: int, S: int, A: int, stochastic: bool | None = None):
    """A random deterministic (H, S) int64 or stochastic (H, S, A) policy."""
    if stochastic is None:
        stochastic = draw(st.booleans())
    rng = np.random.default_rng(draw(SEEDS))
    return random_policy(rng, H, S, A, stochastic)


# ---------------------------------------------------------------- fixtures
@pytest.fixture
def rng() -> np.random.Generator:
    """A fixed-seed generator for example-based tests."""
    return np.random.default_rng(20240531)


@pytest.fixture
def small_mdp() -> FiniteHorizonMDP:
    """A fixed non-stationary dense MDP (H=3, S=4, A=2) with a full-support rho."""
    g = np.random.default_rng(7)
    return FiniteHorizonMDP(
        random_kernel(g, (3, 4, 2, 4)), random_rewards(g, (3, 4, 2)),
        rho=random_kernel(g, (4,)),
    )
