"""Tests of mdplab.envs: the registry, every instance's validity and reproducibility,
and the exact analytic facts stated in the instances' docstrings."""

from __future__ import annotations

import itertools
from collections import deque

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdplab import envs
from mdplab.models import (
    Bandit,
    ContextualBandit,
    DiscountedMDP,
    FiniteHorizonMDP,
    LinearMDP,
    SparseTransitions,
)
from mdplab.planning import backward_induction, evaluate_policy

ALL = [e["name"] for e in envs.list_envs()]
RANDOM = [e["name"] for e in envs.list_envs() if "random" in e["tags"]]
DISCOUNTABLE = [e["name"] for e in envs.list_envs() if "discountable" in e["tags"]]


def _arrays(model) -> dict[str, np.ndarray]:
    if isinstance(model, LinearMDP):
        return {"phi": model.phi, "mu": model.mu, "theta": model.theta, "rho": model.rho}
    return {"P": np.asarray(model.P), "r": np.asarray(model.r), "rho": model.rho}


def _total_reward_bound(model) -> float:
    """max over deterministic non-stationary policies of the expected total reward (= V*)."""
    return backward_induction(model).V[0].max()


# ----------------------------------------------------------------------------- registry


def test_registry_lists_the_required_instances():
    required = {
        "riverswim", "chain", "combination_lock", "gridworld", "garnet", "random_tabular",
        "random_linear", "tabular_as_linear", "block_lock", "rich_lock", "mixing_de_bruijn",
        "bernoulli_bandit", "gap_bandit", "contextual_bandit",
    }
    assert required <= set(ALL)
    assert ALL == sorted(ALL)
    for entry in envs.list_envs():
        assert set(entry) == {"name", "summary", "defaults", "tags"}
        assert entry["summary"] and "\n" not in entry["summary"]
        assert isinstance(entry["defaults"], dict)


@pytest.mark.parametrize("name", ALL)
def test_every_instance_builds_with_defaults_and_documents_itself(name):
    model = envs.make(name)
    assert isinstance(model, (FiniteHorizonMDP, DiscountedMDP, LinearMDP))
    spec = envs.get_spec(name)
    assert getattr(envs, name) is spec.builder  # also a plain function of mdplab.envs
    text = envs.describe(name)
    assert text.startswith(f"{name}(")
    for param in spec.defaults:
        assert param in spec.builder.__doc__, f"{name}: parameter {param} not documented"
    assert "Source:" in text, f"{name}: the docstring must name its source"
    # a valid model: rewards inside the declared range, every row a distribution
    if isinstance(model, LinearMDP):
        model = model.to_tabular()
    P = np.asarray(model.P)
    assert np.allclose(P.sum(axis=-1), 1.0, atol=1e-9) and (P >= -1e-12).all()
    lo, hi = model.reward_range
    assert (np.asarray(model.r) >= lo).all() and (np.asarray(model.r) <= hi).all()


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown instance 'riverswimm'") as info:
        envs.make("riverswimm")
    msg = str(info.value)
    assert "did you mean 'riverswim'" in msg
    for name in ALL:
        assert name in msg
    with pytest.raises(ValueError, match="unknown instance"):
        envs.describe("nope")
    with pytest.raises(TypeError):
        envs.make(3)


def test_unknown_parameter_is_named():
    with pytest.raises(TypeError, match="no parameter 'n_state'") as info:
        envs.make("riverswim", n_state=5)
    assert "n_states" in str(info.value)


def test_bad_parameter_values_are_named():
    with pytest.raises(ValueError, match="slip"):
        envs.make("chain", slip=1.5)
    with pytest.raises(ValueError, match="variant"):
        envs.make("riverswim", variant="nope")
    with pytest.raises(ValueError, match="gamma"):
        envs.make("riverswim", gamma=1.0)
    with pytest.raises(ValueError, match="b is 30"):
        envs.make("garnet", S=10, b=30)
    with pytest.raises(ValueError, match="k is 6"):
        envs.make("block_lock", k=6, A=2)
    with pytest.raises(ValueError, match="code"):
        envs.make("combination_lock", H=3, A=2, code=[0, 2, 1])
    with pytest.raises(ValueError, match="code has length 2"):
        envs.make("combination_lock", H=3, code=[0, 1])
    with pytest.raises(ValueError, match="goal"):
        envs.make("gridworld", rows=2, cols=2, goal=(2, 0))
    with pytest.raises(ValueError, match="start .* is a wall"):
        envs.make("gridworld", walls=[(0, 0)])
    with pytest.raises(ValueError, match="base \\+ gap"):
        envs.make("gap_bandit", base=0.95, gap=0.1)
    with pytest.raises(ValueError, match="z_star is 9"):
        envs.make("block_lock", z_star=9)
    with pytest.raises(TypeError, match="H must be an integer"):
        envs.make("chain", H=2.5)
    with pytest.raises(TypeError, match="mdp must be a FiniteHorizonMDP"):
        envs.make("tabular_as_linear", mdp="not an mdp")


def test_register_rejects_parameters_without_defaults():
    with pytest.raises(TypeError, match="needs a default"):

        @envs.register("bad_instance_for_test")
        def bad(n):  # pragma: no cover - never called
            """Bad."""

    assert "bad_instance_for_test" not in [e["name"] for e in envs.list_envs()]
    with pytest.raises(TypeError, match="docstring"):

        @envs.register("undocumented_instance_for_test")
        def undocumented(n=1):  # pragma: no cover - never called
            return n

    assert "undocumented_instance_for_test" not in [e["name"] for e in envs.list_envs()]


# --------------------------------------------------------------------- reproducibility


@pytest.mark.parametrize("name", RANDOM)
def test_same_seed_same_arrays_different_seed_different(name):
    a, b, c = (_arrays(envs.make(name, seed=s)) for s in (7, 7, 8))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert any(not np.array_equal(a[k], c[k]) for k in a)


def test_random_tabular_follows_the_spec_stream():
    """glow spec Sec. 7.4: P, then rho, then reward values, then the reward mask."""
    S, A, H, seed = 4, 3, 2, 11
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(0.3 * np.ones(S), size=(H, S, A))
    rho = rng.dirichlet(np.ones(S))
    r = rng.random((H, S, A)) * (rng.random((H, S, A)) < 0.3)
    m = envs.random_tabular(S=S, A=A, H=H, seed=seed)
    assert np.array_equal(m.P, P) and np.array_equal(m.rho, rho) and np.array_equal(m.r, r)
    assert not m.stationary


# ------------------------------------------------------------------------------ RiverSwim


@pytest.mark.parametrize("variant", ["strehl_littman", "osband"])
def test_riverswim_swimming_right_is_optimal(variant):
    m = envs.riverswim(variant=variant, H=20)
    sol = backward_induction(m)
    # with >= 6 steps to go (H = 20, h <= 13) RIGHT is optimal in every state
    assert (sol.policy[:14] == 1).all()
    # ... but at the very end the small sure reward at state 0 wins
    assert sol.policy[-1, 0] == 0
    # discounted, gamma = 0.95: "always RIGHT" is greedy w.r.t. its own Q with a strict
    # margin, so it is the (unique) optimal policy (policy-improvement theorem)
    d = envs.riverswim(variant=variant, gamma=0.95)
    ev = evaluate_policy(d, np.ones(d.S, dtype=np.int64))
    assert (ev.Q[:, 1] - ev.Q[:, 0] > 1e-3).all()


def test_riverswim_parameters():
    m = envs.riverswim(normalize=False)
    P, r = m.P[0], m.r[0]
    assert np.allclose(P[:, 0], np.eye(6)[[0, 0, 1, 2, 3, 4]])  # LEFT: one step left
    assert np.allclose(P[0, 1, :2], [0.7, 0.3])
    assert np.allclose(P[3, 1, 2:5], [0.1, 0.6, 0.3])
    assert np.allclose(P[5, 1, 4:], [0.7, 0.3])
    assert r[0, 0] == 5.0 and r[5, 1] == 3000.0 and np.count_nonzero(r) == 2
    assert m.reward_range == (0.0, 3000.0)
    assert np.allclose(m.rho, [0, 0.5, 0.5, 0, 0, 0])
    n = envs.riverswim()
    assert np.allclose(n.r[0], r / 3000.0) and n.reward_range == (0.0, 1.0)
    o = envs.riverswim(variant="osband", n_states=8)
    assert np.allclose(o.P[0, 4, 1, 3:6], [0.05, 0.6, 0.35])
    assert np.allclose(o.P[0, 0, 1, :2], [0.4, 0.6]) and np.allclose(o.P[0, 7, 1, 6:], [0.4, 0.6])
    assert o.r[0, 0, 0] == 0.005 and o.r[0, 7, 1] == 1.0 and o.rho[0] == 1.0


def test_gamma_switches_the_model_type_uniformly():
    for name in DISCOUNTABLE:
        fh, disc = envs.make(name), envs.make(name, gamma=0.9)
        assert isinstance(fh, FiniteHorizonMDP) and fh.stationary
        assert isinstance(disc, DiscountedMDP) and disc.gamma == 0.9
        assert np.array_equal(fh.P[0], disc.P) and np.array_equal(fh.r[0], disc.r)
        assert np.array_equal(fh.rho, disc.rho)


# --------------------------------------------------------------------------- chain, lock


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 8), H=st.integers(1, 12))
def test_chain_optimal_value(n, H):
    m = envs.chain(n_states=n, H=H)
    sol = backward_induction(m)
    assert sol.value == pytest.approx(max(0, H - (n - 1)), abs=1e-12)
    d = envs.chain(n_states=n, gamma=0.9)
    ev = evaluate_policy(d, np.ones(n, dtype=np.int64))
    assert ev.V[0] == pytest.approx(0.9 ** (n - 1) / 0.1, rel=1e-10)
    assert (ev.Q[:, 1] >= ev.Q[:, 0] - 1e-12).all()


def test_chain_slip_reverses_moves():
    m = envs.chain(n_states=4, slip=0.25)
    assert np.allclose(m.P[0, 1, 1], [0.25, 0, 0.75, 0])
    assert np.allclose(m.P[0, 1, 0], [0.75, 0, 0.25, 0])
    assert np.allclose(m.P[0, 0, 0], [0.75, 0.25, 0, 0])  # LEFT at the left end


@settings(max_examples=25, deadline=None)
@given(H=st.integers(1, 6), A=st.integers(1, 4), seed=st.integers(0, 10**6))
def test_combination_lock_values(H, A, seed):
    m = envs.combination_lock(H=H, A=A, seed=seed)
    assert backward_induction(m).value == pytest.approx(1.0, abs=1e-12)
    uniform = np.full((H, 2, A), 1.0 / A)
    assert evaluate_policy(m, uniform).value == pytest.approx(A ** (-H), rel=1e-12)


def test_combination_lock_follows_its_code():
    code = [1, 0, 2, 2]
    m = envs.combination_lock(H=4, A=3, code=code)
    assert evaluate_policy(m, np.array([[c, 0] for c in code])).value == 1.0
    wrong = np.array([[c, 0] for c in code])
    wrong[2, 0] = 0
    assert evaluate_policy(m, wrong).value == 0.0


def test_rich_lock_with_one_observation_is_the_combination_lock():
    a = envs.rich_lock(H=4, A=3, m=1, r_star=1.0, seed=5)
    b = envs.combination_lock(H=4, A=3, seed=5)
    assert np.array_equal(a.P, b.P) and np.array_equal(a.r, b.r)


@pytest.mark.parametrize("m", [1, 3])
def test_rich_lock_kernel_and_values(m):
    H, A, r_star = 4, 3, 0.5
    lock = envs.rich_lock(H=H, A=A, m=m, r_star=r_star, code=[2, 0, 1, 1])
    P = lock.P
    G, B = slice(0, m), slice(m, 2 * m)
    assert np.allclose(P[1, G, 0, G], 1.0 / m) and np.allclose(P[1, G, 0, B], 0.0)
    assert np.allclose(P[1, G, 2, B], 1.0 / m) and np.allclose(P[1, B, :, B], 1.0 / m)
    assert np.allclose(lock.rho[G], 1.0 / m)
    assert backward_induction(lock).value == pytest.approx(r_star)
    uniform = np.full((H, 2 * m, A), 1.0 / A)
    assert evaluate_policy(lock, uniform).value == pytest.approx(r_star * A ** (-H))
    assert lock.reward_dist.name == "bernoulli"


# ---------------------------------------------------------------------------- gridworld


def _bfs(rows, cols, start, goal, walls):
    dist = {start: 0}
    q = deque([start])
    while q:
        cur = q.popleft()
        for dr, dc in ((-1, 0), (0, 1), (1, 0), (0, -1)):
            nxt = (cur[0] + dr, cur[1] + dc)
            if 0 <= nxt[0] < rows and 0 <= nxt[1] < cols and nxt not in walls and nxt not in dist:
                dist[nxt] = dist[cur] + 1
                q.append(nxt)
    return dist[goal]


@settings(max_examples=30, deadline=None)
@given(
    rows=st.integers(1, 5), cols=st.integers(1, 5), H=st.integers(1, 12),
    data=st.data(),
)
def test_gridworld_without_slip_has_the_shortest_path_value(rows, cols, H, data):
    cells = list(itertools.product(range(rows), range(cols)))
    start = data.draw(st.sampled_from(cells))
    goal = data.draw(st.sampled_from(cells))
    m = envs.gridworld(rows=rows, cols=cols, H=H, start=start, goal=goal)
    D = abs(start[0] - goal[0]) + abs(start[1] - goal[1])
    assert backward_induction(m).value == pytest.approx(max(0, H - D), abs=1e-12)
    disc = envs.gridworld(rows=rows, cols=cols, gamma=0.8, start=start, goal=goal)
    ev = evaluate_policy(disc, _greedy_towards(rows, cols, goal))
    assert ev.value == pytest.approx(0.8**D / 0.2, rel=1e-10)
    # the shortest-path policy is greedy w.r.t. its own Q, hence optimal
    assert np.allclose(ev.Q.max(axis=1), ev.V, atol=1e-10)


def _greedy_towards(rows, cols, goal):
    """Move vertically first, then horizontally, towards the goal (a shortest path)."""
    pi = np.zeros(rows * cols, dtype=np.int64)
    for rr, cc in itertools.product(range(rows), range(cols)):
        if rr < goal[0]:
            a = 2
        elif rr > goal[0]:
            a = 0
        elif cc < goal[1]:
            a = 1
        else:
            a = 3
        pi[rr * cols + cc] = a
    return pi


def test_gridworld_walls_and_slip():
    walls = [(0, 1), (1, 1), (2, 1)]
    m = envs.gridworld(rows=4, cols=3, H=15, walls=walls, start=(0, 0), goal=(0, 2))
    D = _bfs(4, 3, (0, 0), (0, 2), set(walls))
    assert D == 8
    assert backward_induction(m).value == pytest.approx(15 - D)
    s = envs.gridworld(rows=3, cols=3, slip=0.3)
    # from the centre, "up": 0.7 up, 0.1 to each of right, down, left
    centre = 4
    assert np.allclose(s.P[0, centre, 0, [1, 5, 7, 3]], [0.7, 0.1, 0.1, 0.1])
    # from the top-left corner, "up" hits the wall: stays w.p. 0.7 + 0.1 (left also blocked)
    assert s.P[0, 0, 0, 0] == pytest.approx(0.8)
    assert np.allclose(s.P[0, 8, :, 8], 1.0)  # absorbing goal
    free = envs.gridworld(rows=3, cols=3, absorbing_goal=False)
    assert free.P[0, 8, 0, 5] == 1.0


# ------------------------------------------------------------------------------- garnet


@settings(max_examples=25, deadline=None)
@given(S=st.integers(1, 30), A=st.integers(1, 4), data=st.data(), seed=st.integers(0, 10**6))
def test_garnet_has_exactly_b_successors_and_sparse_equals_dense(S, A, data, seed):
    b = data.draw(st.integers(1, S))
    dense = envs.garnet(S=S, A=A, b=b, seed=seed)
    sparse = envs.garnet(S=S, A=A, b=b, seed=seed, sparse=True)
    P = np.asarray(dense.P[0])
    assert ((P > 0).sum(axis=-1) == b).all()
    assert isinstance(sparse.P_sparse, SparseTransitions) and sparse.is_sparse
    assert np.array_equal(sparse.P_sparse.to_dense(), P)
    assert np.array_equal(sparse.r, dense.r)
    assert ((dense.r[0] >= 0) & (dense.r[0] <= 1)).all()


@pytest.mark.parametrize("S,b", [(10, 3), (20, 19)])  # Floyd's algorithm; random keys
def test_garnet_successor_sets_and_probabilities_are_uniform(S, b):
    """Each state is a successor w.p. b/S (chi-square, false alarm 1e-4); the largest
    probability in a row has the mean of the largest uniform spacing, (1/b) sum_{i<=b} 1/i
    (normal approximation, 4.5 sd of a [0, 1] variable: false alarm < 1e-5)."""
    from scipy import stats

    A = 2000 // S
    m = envs.garnet(S=S, A=A, b=b, seed=3, sparse=True)
    n_rows = S * A
    counts = np.bincount(m.P_sparse.indices, minlength=S)
    expected = np.full(S, n_rows * b / S)
    # rows are b-subsets, so each count has variance n_rows (b/S)(1 - b/S) <= the
    # multinomial one: the chi-square test is conservative
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert stats.chi2.sf(chi2, S - 1) > 1e-4
    largest = m.P_sparse.data.reshape(n_rows, b).max(axis=1)
    mean_max = np.sum(1.0 / np.arange(1, b + 1)) / b
    assert abs(largest.mean() - mean_max) < 4.5 * 0.5 / np.sqrt(n_rows)


def test_large_sparse_garnet_builds_quickly():
    import time

    t0 = time.perf_counter()
    m = envs.garnet(S=100_000, A=2, b=5, seed=0, sparse=True)
    elapsed = time.perf_counter() - t0
    assert m.P_sparse.nnz == 100_000 * 2 * 5
    assert elapsed < 10.0
    sol = backward_induction(envs.garnet(S=100_000, A=2, b=5, H=3, seed=0, sparse=True))
    assert sol.V.shape == (4, 100_000)


# ------------------------------------------------------------------------------- linear


def test_random_linear_structure():
    m = envs.random_linear(S=7, A=3, d=4, H=3, seed=2)
    assert np.allclose(m.phi.sum(axis=-1), 1.0) and (m.phi >= 0).all()
    assert np.allclose(m.mu.sum(axis=-1), 1.0) and (m.mu >= 0).all()
    assert ((m.theta >= 0) & (m.theta <= 1)).all()
    tab = m.to_tabular()
    assert np.allclose(tab.P[1], np.einsum("sad,dt->sat", m.phi, m.mu[1]))
    assert np.allclose(tab.r[2], m.phi @ m.theta[2])


def test_tabular_as_linear_round_trips():
    base = envs.random_tabular(S=4, A=3, H=3, seed=9)
    lin = envs.tabular_as_linear(mdp=base)
    assert lin.d == 12
    back = lin.to_tabular()
    assert np.allclose(back.P, base.P, atol=0) and np.allclose(back.r, base.r, atol=0)
    assert backward_induction(back).value == pytest.approx(backward_induction(base).value)
    default = envs.tabular_as_linear(S=4, A=3, H=3, seed=9)
    assert np.array_equal(default.mu, lin.mu)
    with pytest.raises(TypeError, match="DiscountedMDP"):
        envs.tabular_as_linear(mdp=envs.chain(gamma=0.9))


# -------------------------------------------------------------------------------- block


@pytest.mark.parametrize("k,m,A", [(8, 4, 2), (9, 2, 3), (4, 1, 2)])
def test_block_lock_kernel_structure(k, m, A):
    H = 5
    lock = envs.block_lock(k=k, m=m, A=A, H=H)
    P = lock.P[0]
    S = k * m
    x = np.arange(S)
    for a in range(A):
        target_block = (A * (x // m) + a) % k
        right = (np.arange(S)[None, :] // m) == target_block[:, None]
        assert np.allclose(P[:, a][right], 1.0 / m)
        assert np.all(P[:, a][~right] == 0.0)
    assert np.allclose(lock.rho[:m], 1.0 / m) and lock.rho[m:].sum() == 0
    r = lock.r
    assert np.count_nonzero(r[: H - 1]) == 0
    assert np.allclose(r[H - 1, (k - 1) * m : k * m, A - 1], 0.5)
    assert np.count_nonzero(r[H - 1]) == m
    # J* = r* once H - 1 >= b (k = A^b)
    b = round(np.log(k) / np.log(A))
    assert H - 1 >= b
    assert backward_induction(lock).value == pytest.approx(0.5)


def test_block_lock_short_horizon_cannot_reach_the_target():
    # k = 8 = 2^3: from z = 0 at h = 0, z = 7 is first reachable at h = 3
    assert backward_induction(envs.block_lock(H=3)).value == 0.0
    assert backward_induction(envs.block_lock(H=4)).value == pytest.approx(0.5)


def test_mixing_de_bruijn_kernel():
    m = envs.mixing_de_bruijn(eta=0.25)
    P = m.P[0]
    assert P[3, 1, 7] == pytest.approx(0.75 + 0.25 / 16)
    assert P[3, 1, 0] == pytest.approx(0.25 / 16)
    assert m.rho[0] == 1.0 and np.count_nonzero(m.r) == 0
    det = envs.mixing_de_bruijn(eta=0.0, A=3, S=9)
    assert det.P[0, 4, 2, (3 * 4 + 2) % 9] == 1.0
    t = envs.mixing_de_bruijn(target=5, gamma=0.5)
    assert isinstance(t, DiscountedMDP) and np.array_equal(t.r[5], [1.0, 1.0])


# ------------------------------------------------------------------------------ bandits


def test_bandits():
    b = envs.bernoulli_bandit(means=[0.2, 0.9, 0.4])
    assert isinstance(b, Bandit) and b.optimal_arm == 1
    assert backward_induction(b).value == pytest.approx(0.9)
    g = envs.gap_bandit(A=4, gap=0.2, base=0.3, best=2)
    assert np.allclose(g.arm_means, [0.3, 0.3, 0.5, 0.3])
    r = envs.bernoulli_bandit(A=6, seed=4)
    assert np.array_equal(r.arm_means, np.random.default_rng(4).random(6))
    c = envs.contextual_bandit(S=3, A=2, seed=1)
    assert isinstance(c, ContextualBandit) and np.allclose(c.rho, 1 / 3)
    assert backward_induction(c).value == pytest.approx(c.means.max(axis=1).mean())
    with pytest.raises(ValueError, match="means"):
        envs.bernoulli_bandit(means=[0.5, 1.5])


@pytest.mark.parametrize("name", [e["name"] for e in envs.list_envs()
                                  if "sum_reward_le_one" in e["tags"]])
def test_sum_reward_le_one_tag_is_true(name):
    model = envs.make(name)
    assert _total_reward_bound(model) <= 1.0 + 1e-12
