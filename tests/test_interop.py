"""Converters (issue 9, Sec. 2): quantecon, gymnasium toy text, pymdptoolbox, scipy.sparse.

Every conversion is checked against an answer that does not come from the converter:
the peer library's own solver (quantecon's and pymdptoolbox's policy iteration), an
independent value iteration written here directly on gymnasium's ``P`` dict, closed forms
(CliffWalking's 13-step path, FrozenLake without slipping), and episodes simulated in the
gymnasium env itself. Each statistical check states its false-alarm probability and has
planted bugs it must catch.
"""

from __future__ import annotations

import math
import re

import gymnasium as gym
import mdptoolbox.example
import mdptoolbox.mdp
import numpy as np
import pytest
import scipy.sparse as sp
from conftest import discounted_mdps, random_kernel
from hypothesis import given
from hypothesis import strategies as st
from quantecon.markov import DiscreteDP

import mdplab
from mdplab import DiscountedMDP, FiniteHorizonMDP, SparseTransitions
from mdplab.interop import (
    from_mdptoolbox,
    from_quantecon,
    from_scipy_sparse,
    from_toy_text,
    to_mdptoolbox,
    to_quantecon,
)
from mdplab.planning import (
    backward_induction,
    evaluate_policy,
    evaluate_policy_discounted,
    policy_iteration,
    value_iteration,
)

TOL = 1e-8


# ============================================================================ quantecon
def _random_ddp(seed: int, form: str, *, infeasible: float = 0.0, low: float = -3.0,
                high: float = 5.0):
    """A random DiscreteDP: form 'product', 'sa' (dense Q) or 'sa_sparse'; a fraction
    ``infeasible`` of the pairs is infeasible (-inf reward / missing pair), never all of a
    state's actions."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 9)), int(rng.integers(1, 5))
    beta = float(rng.uniform(0.5, 0.98))
    Q = random_kernel(rng, (n, m, n), sparsity=float(rng.choice([0.0, 0.6])))
    R = rng.uniform(low, high, size=(n, m))
    mask = rng.random((n, m)) < infeasible
    mask[np.arange(n), rng.integers(m, size=n)] = False  # one feasible action per state
    if form == "product":
        R = np.where(mask, -np.inf, R)
        return DiscreteDP(R, Q, beta), mask
    s_idx, a_idx = np.nonzero(~mask)
    Q_sa = Q[s_idx, a_idx]
    if form == "sa_sparse":
        Q_sa = sp.csr_matrix(Q_sa)
    return DiscreteDP(R[s_idx, a_idx], Q_sa, beta, s_indices=s_idx, a_indices=a_idx), mask


@pytest.mark.parametrize("form", ["product", "sa", "sa_sparse"])
def test_quantecon_values_and_policies_equal_quantecons_solver(form):
    for seed in range(12):
        ddp, _ = _random_ddp(seed, form)
        mdp = from_quantecon(ddp, reward_range=(-3, 5))
        assert mdp.is_sparse == (form == "sa_sparse")
        ref = ddp.solve(method="policy_iteration")
        pi = policy_iteration(mdp)
        vi = value_iteration(mdp, tol=1e-10)
        np.testing.assert_allclose(pi.V, ref.v, rtol=0, atol=TOL)
        np.testing.assert_allclose(vi.V, ref.v, rtol=0, atol=TOL)
        np.testing.assert_array_equal(pi.policy, ref.sigma)  # continuous rewards: no ties
        np.testing.assert_array_equal(vi.policy, ref.sigma)
        assert mdp.gamma == ddp.beta


@pytest.mark.parametrize("form", ["product", "sa", "sa_sparse"])
def test_quantecon_infeasible_actions_penalized_keep_values_and_policies(form):
    n_checked = 0
    for seed in range(12):
        ddp, mask = _random_ddp(seed, form, infeasible=0.4)
        n_checked += int(mask.sum())
        ref = ddp.solve(method="policy_iteration")
        for c in (None, -7.5):  # default: the low end of reward_range, -4 < every reward
            mdp = from_quantecon(ddp, reward_range=(-8, 5) if c else (-4, 5),
                                 infeasible="penalize", infeasible_reward=c)
            expected = (-7.5 if c else -4.0)
            assert np.all(mdp.r[mask] == expected)
            S = mdp.S
            for s, a in np.argwhere(mask):  # a self-loop
                assert mdp.P[s, a, s] == 1.0 and mdp.P[s, a].sum() == 1.0
            pi = policy_iteration(mdp)
            np.testing.assert_allclose(pi.V, ref.v, rtol=0, atol=TOL)
            np.testing.assert_array_equal(pi.policy, ref.sigma)
            assert not mask[np.arange(S), pi.policy].any()
            # and back, exactly, with the mask
            back = to_quantecon(mdp, infeasible=mask, sa_pair=form != "product")
            np.testing.assert_allclose(back.solve(method="policy_iteration").v, ref.v,
                                       rtol=0, atol=TOL)
    assert n_checked > 20  # the penalization was exercised


def test_quantecon_minus_inf_in_the_pair_form_is_infeasible_too():
    s_idx, a_idx = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    Q = np.array([[0.5, 0.5], [1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    ddp = DiscreteDP(np.array([0.25, -np.inf, 1.0, 0.5]), Q, 0.8, s_idx, a_idx)
    with pytest.raises(ValueError, match=re.escape("1 infeasible state-action pair(s) (R = -inf "
                                                   "or a missing pair): (s=0, a=1)")):
        from_quantecon(ddp)
    mdp = from_quantecon(ddp, infeasible="penalize")
    np.testing.assert_array_equal(mdp.P[0, 1], [1.0, 0.0])
    assert mdp.r[0, 1] == 0.0
    np.testing.assert_allclose(policy_iteration(mdp).V, ddp.solve("policy_iteration").v,
                               rtol=0, atol=TOL)


def test_quantecon_penalty_tie_is_harmless_for_the_values():
    # c equal to the smallest feasible reward is allowed: values unchanged, ties possible
    R = np.array([[0.0, -np.inf], [1.0, 0.5]])
    Q = np.array([[[1.0, 0.0], [0.5, 0.5]], [[0.0, 1.0], [1.0, 0.0]]])
    ddp = DiscreteDP(R, Q, 0.9)
    mdp = from_quantecon(ddp, infeasible="penalize", infeasible_reward=0.0)
    np.testing.assert_allclose(policy_iteration(mdp).V, ddp.solve("policy_iteration").v,
                               atol=TOL)


@pytest.mark.parametrize("form", ["product", "sa", "sa_sparse"])
def test_quantecon_round_trip_from_the_quantecon_side_is_exact(form):
    for seed in range(6):
        ddp, mask = _random_ddp(seed, form, infeasible=0.3 if seed % 2 else 0.0)
        mdp = from_quantecon(ddp, reward_range=(-3, 5), infeasible="penalize")
        back = to_quantecon(mdp, infeasible=mask, sa_pair=form != "product")
        assert back.beta == ddp.beta
        if form == "product":
            np.testing.assert_array_equal(back.R, ddp.R)
            np.testing.assert_array_equal(back.Q[~mask], ddp.Q[~mask])
        else:
            np.testing.assert_array_equal(back.s_indices, ddp.s_indices)
            np.testing.assert_array_equal(back.a_indices, ddp.a_indices)
            np.testing.assert_array_equal(back.R, ddp.R)
            assert sp.issparse(back.Q) == (form == "sa_sparse")
            Qb = back.Q.toarray() if sp.issparse(back.Q) else back.Q
            Qd = ddp.Q.toarray() if sp.issparse(ddp.Q) else ddp.Q
            np.testing.assert_array_equal(Qb, Qd)


@given(discounted_mdps(max_S=5, max_A=3), st.sampled_from([None, True, False]))
def test_quantecon_round_trip_from_the_mdplab_side_is_exact(mdp, sa_pair):
    ddp = to_quantecon(mdp, sa_pair=sa_pair)
    assert ddp.beta == mdp.gamma
    back = from_quantecon(ddp, rho=mdp.rho)
    assert back.is_sparse == (mdp.is_sparse and sa_pair is not False)
    np.testing.assert_array_equal(back.P, mdp.P)
    np.testing.assert_array_equal(back.r, mdp.r)
    np.testing.assert_array_equal(back.rho, mdp.rho)
    assert back.gamma == mdp.gamma


def test_quantecon_reward_range_error_names_the_argument():
    ddp, _ = _random_ddp(0, "product")
    lo, hi = float(ddp.R.min()), float(ddp.R.max())
    msg = (f"ddp.R (feasible rewards) has values in [{lo!r}, {hi!r}]; mdplab models need "
           f"rewards in reward_range (default [0, 1]); pass reward_range=({lo!r}, {hi!r}) "
           "to accept them")
    with pytest.raises(ValueError, match="^" + re.escape(msg) + "$"):
        from_quantecon(ddp)
    with pytest.raises(ValueError, match=re.escape("in reward_range=(0, 2); pass reward_range")):
        from_quantecon(ddp, reward_range=(0, 2))
    # integers print as integers, and the suggestion works as given
    ddp = DiscreteDP(np.array([[-3.0, 5.0]]), np.ones((1, 2, 1)), 0.5)
    with pytest.raises(ValueError, match=re.escape("pass reward_range=(-3, 5) to accept them")):
        from_quantecon(ddp)
    assert from_quantecon(ddp, reward_range=(-3, 5)).reward_range == (-3.0, 5.0)


def test_quantecon_infeasible_refused_by_default_with_the_fix():
    ddp, mask = _random_ddp(1, "sa", infeasible=0.4)
    with pytest.raises(ValueError, match=r"infeasible state-action pair\(s\).*"
                       r"Pass infeasible='penalize'"):
        from_quantecon(ddp, reward_range=(-3, 5))
    R = np.array([[0.5, -np.inf]])
    ddp = DiscreteDP(R, np.ones((1, 2, 1)), 0.5)
    with pytest.raises(ValueError, match=re.escape("(s=0, a=1)")):
        from_quantecon(ddp)
    with pytest.raises(ValueError, match=re.escape(
            "infeasible_reward is 0.75 but the smallest feasible reward is 0.5")):
        from_quantecon(ddp, infeasible="penalize", infeasible_reward=0.75)
    with pytest.raises(ValueError, match=re.escape("pass reward_range=(-2, 1)")):
        from_quantecon(ddp, infeasible="penalize", infeasible_reward=-2)
    with pytest.raises(ValueError, match="only with infeasible='penalize'"):
        from_quantecon(ddp, infeasible_reward=0.0)
    with pytest.raises(ValueError, match="infeasible is 'mask'; must be one of"):
        from_quantecon(ddp, infeasible="mask")


def test_quantecon_bad_input():
    Q = np.array([[[0.5, 0.5], [1.0, 0.0]], [[0.25, 0.75], [0.0, 1.0]]])
    R = np.array([[0.5, 1.0], [0.0, 0.25]])
    with pytest.raises(TypeError, match="ddp must be a quantecon.markov.DiscreteDP"):
        from_quantecon({"R": R, "Q": Q})
    with pytest.warns(UserWarning, match="disabled with beta=1"):  # quantecon's own warning
        undiscounted = DiscreteDP(R, Q, 1.0)
    with pytest.raises(ValueError, match=r"ddp.beta is 1; a DiscountedMDP needs gamma"):
        from_quantecon(undiscounted)
    bad = Q.copy()
    bad[1, 0] = [0.25, 0.72]  # quantecon does not check that rows sum to 1
    with pytest.raises(ValueError, match=re.escape("ddp.Q[1, 0, :] sums to 0.97; each row "
                                                   "must sum to 1 (tolerance 1e-9)")):
        from_quantecon(DiscreteDP(R, bad, 0.9))
    bad = Q.copy()
    bad[0, 1] = [1.5, -0.5]
    with pytest.raises(ValueError, match=re.escape("ddp.Q[0, 1, :] has entry -0.5 at column 1;"
                                                   " probabilities must be >= 0")):
        from_quantecon(DiscreteDP(R, bad, 0.9))
    bad = Q.copy()
    bad[1, 1, 0] = np.nan
    with pytest.raises(ValueError, match=re.escape("ddp.Q[1, 1, :] has entry nan at column 0")):
        from_quantecon(DiscreteDP(R, bad, 0.9))
    ddp = DiscreteDP(R, Q, 0.9)
    ddp.R = np.array([[0.5, np.nan], [0.0, 0.25]])
    with pytest.raises(ValueError, match=re.escape("ddp.R[0, 1] is nan; rewards must be finite")):
        from_quantecon(ddp)
    ddp.R = np.array([[0.5, np.inf], [0.0, 0.25]])
    with pytest.raises(ValueError, match=re.escape("ddp.R[0, 1] is inf")):
        from_quantecon(ddp)
    # the state-action-pair form names the pair
    s_idx, a_idx = np.array([0, 0, 1]), np.array([0, 1, 0])
    Qsa = sp.csr_matrix(np.array([[0.5, 0.5], [0.3, 0.3], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=re.escape(
            "ddp.Q[1, :] (state 0, action 1) sums to 0.6")):
        from_quantecon(DiscreteDP(np.zeros(3), Qsa, 0.9, s_idx, a_idx), infeasible="penalize")


def test_to_quantecon_bad_input():
    mdp = mdplab.envs.make("riverswim", gamma=0.9)
    with pytest.raises(TypeError, match="backward_induction"):
        to_quantecon(mdplab.envs.make("riverswim", H=5))
    with pytest.raises(TypeError, match="infeasible must be a bool array"):
        to_quantecon(mdp, infeasible=np.zeros(mdp.shape))
    with pytest.raises(ValueError, match=re.escape(f"infeasible has shape (2,); expected "
                                                   f"{mdp.shape}")):
        to_quantecon(mdp, infeasible=np.zeros(2, dtype=bool))
    mask = np.zeros(mdp.shape, dtype=bool)
    mask[3] = True
    with pytest.raises(ValueError, match=re.escape("infeasible[3, :] is all True")):
        to_quantecon(mdp, infeasible=mask)
    with pytest.raises(TypeError, match="sa_pair must be True, False or None"):
        to_quantecon(mdp, sa_pair="yes")


# ============================================================================ toy text
def _reference_values(P, *, gamma=None, H=None):
    """Value iteration straight on gymnasium's dict, written independently of the converter:
    Q(s, a) = sum_k p_k (r_k + [not terminated_k] * gamma V(s'_k)), the episode ending at a
    terminated transition. Finite horizon: H undiscounted backups from V = 0."""
    S, A = len(P), len(P[0])
    table = [[list(P[s][a]) for a in range(A)] for s in range(S)]
    V = [0.0] * S
    g = 1.0 if H is not None else gamma
    for _ in range(H if H is not None else 100_000):
        new = [max(sum(p * (r + (0.0 if t else g * V[s2])) for p, s2, r, t in table[s][a])
                   for a in range(A)) for s in range(S)]
        delta = max(abs(x - y) for x, y in zip(new, V, strict=True))
        V = new
        if H is None and delta < 1e-13:
            break
    return np.array(V)


def _terminal_states(P):
    return {s2 for s in P for a in P[s] for p, s2, r, t in P[s][a] if t and p > 0}


def _reachable(P, starts):
    """States an episode can visit (the search stops at terminated transitions)."""
    seen, stack = set(starts), list(starts)
    while stack:
        s = stack.pop()
        for a in P[s]:
            for p, s2, _, t in P[s][a]:
                if p > 0 and not t and s2 not in seen:
                    seen.add(s2)
                    stack.append(s2)
    return sorted(seen)


TOY = [
    ("FrozenLake-v1", {}, None),
    ("FrozenLake-v1", {"is_slippery": False}, None),
    ("FrozenLake-v1", {"map_name": "8x8"}, None),
    ("FrozenLake-v1", {"map_name": "8x8", "is_slippery": False}, None),
    ("Taxi-v4", {}, (-10, 20)),
    ("CliffWalking-v1", {}, (-100, 0)),
    ("CliffWalking-v1", {"is_slippery": True}, (-100, 0)),
]


@pytest.mark.parametrize("name,kwargs,reward_range", TOY,
                         ids=[f"{n}{k}" for n, k, _ in TOY])
def test_toy_text_values_equal_value_iteration_on_the_P_dict(name, kwargs, reward_range):
    env = gym.make(name, **kwargs)
    P = env.unwrapped.P
    terminal = _terminal_states(P)
    rho = env.unwrapped.initial_state_distrib
    reach = _reachable(P, np.flatnonzero(rho))
    live = [s for s in reach if s not in terminal]
    for kw in ({"gamma": 0.95}, {"H": 30}):
        ref = _reference_values(P, **kw)
        for mode in ("absorb", "sink"):
            mdp = from_toy_text(env, reward_range=reward_range, terminal=mode, **kw)
            sol = policy_iteration(mdp) if "gamma" in kw else backward_induction(mdp)
            V = sol.V if "gamma" in kw else sol.V[0]
            np.testing.assert_allclose(V[live], ref[live], rtol=0, atol=TOL)
            if mode == "sink":  # exact in every state, with the sink (index S) at 0
                assert mdp.S == len(P) + 1 and V[-1] == 0.0
                np.testing.assert_allclose(V[:-1], ref, rtol=0, atol=TOL)
            else:  # terminal states are absorbing with value 0
                assert mdp.S == len(P)
                np.testing.assert_allclose(V[sorted(terminal)], 0.0, rtol=0, atol=1e-12)
            expected = float(np.dot(rho, ref))
            assert sol.value == pytest.approx(expected, abs=TOL)
            np.testing.assert_array_equal(mdp.rho[: len(P)], rho)


def test_toy_text_closed_forms():
    # CliffWalking: the shortest safe path from 36 to 47 has 13 steps of reward -1
    env = gym.make("CliffWalking-v1")
    mdp = from_toy_text(env, H=100, reward_range=(-100, 0))
    assert mdp.rho[36] == 1.0
    assert backward_induction(mdp).value == -13.0
    g = 0.9
    mdp = from_toy_text(env, gamma=g, reward_range=(-100, 0))
    assert policy_iteration(mdp).value == pytest.approx(-(1 - g**13) / (1 - g), abs=1e-12)
    # FrozenLake without slipping: 6 steps to the goal, reward 1 on the last one
    mdp = from_toy_text(gym.make("FrozenLake-v1", is_slippery=False), gamma=g)
    assert policy_iteration(mdp).value == pytest.approx(g**5, abs=1e-12)
    mdp = from_toy_text(gym.make("FrozenLake-v1", is_slippery=False), H=6)
    assert backward_induction(mdp).value == 1.0
    assert backward_induction(mdp.with_rho(None)).value == 1.0
    mdp5 = from_toy_text(gym.make("FrozenLake-v1", is_slippery=False), H=5)
    assert backward_induction(mdp5).value == 0.0


def test_toy_text_sums_duplicates_and_takes_mean_rewards():
    P = {
        0: {0: [(0.25, 1, 1.0, False), (0.25, 1, 0.0, False), (0.5, 0, 0.5, False)],
            1: [(1.0, 1, 0.0, True)]},
        1: {0: [(1.0, 1, 0.0, True)], 1: [(1.0, 1, 0.0, True)]},
    }
    mdp = from_toy_text(P, gamma=0.5)
    np.testing.assert_array_equal(mdp.P[0, 0], [0.5, 0.5])
    assert mdp.r[0, 0] == 0.5  # 0.25 * 1 + 0.25 * 0 + 0.5 * 0.5
    np.testing.assert_array_equal(mdp.P[1], [[0.0, 1.0], [0.0, 1.0]])
    # FrozenLake's slippery dict lists a next state twice; the model sums them
    env = gym.make("FrozenLake-v1")
    mdp = from_toy_text(env, gamma=0.9)
    outcomes = env.unwrapped.P[0][0]
    assert len({o[1] for o in outcomes}) < len(outcomes)
    assert mdp.P[0, 0, 0] == math.fsum(p for p, s2, _, _ in outcomes if s2 == 0)
    # Taxi's rewards: the model holds them exactly (deterministic game)
    taxi = from_toy_text(gym.make("Taxi-v4"), gamma=0.9, reward_range=(-10, 20), sparse=True)
    assert taxi.is_sparse and set(np.unique(taxi.r)) == {-10.0, -1.0, 0.0, 20.0}


def _episodes(env, policy, n, seed, *, gamma=None, finite=False):
    """Returns of n episodes of ``policy`` (S,) or (H, S) stepped in the gymnasium env."""
    out = np.empty(n)
    env.reset(seed=seed)
    for i in range(n):
        s, _ = env.reset()
        total, disc, h = 0.0, 1.0, 0
        while True:
            a = int(policy[h, s] if finite else policy[s])
            s, r, term, trunc, _ = env.step(a)
            total += disc * r
            disc *= gamma if gamma is not None else 1.0
            h += 1
            if term or trunc:
                break
        out[i] = total
    return out


#: two-sided z for a false-alarm probability of 1e-4 (normal approximation)
Z = 3.891


def _agrees(returns: np.ndarray, value: float) -> bool:
    """|mean - value| <= Z sd / sqrt(n), with sd = 1/2 (the largest standard deviation of a
    [0, 1]-valued return: success indicators and FrozenLake's discounted returns)."""
    return abs(returns.mean() - value) <= Z * 0.5 / math.sqrt(returns.size)


def _mutant_first_reward(P):
    """Planted bug: the reward of the first listed outcome instead of the mean."""
    return {s: {a: [(p, s2, P[s][a][0][2], t) for p, s2, _, t in P[s][a]] for a in P[s]}
            for s in P}


def _mutant_paying_goal(mdp):
    """Planted bug: absorbing states keep paying the reward that entered them."""
    r = np.array(mdp.r)
    goal = mdp.S - 1
    r[..., goal, :] = 1.0
    if isinstance(mdp, DiscountedMDP):
        return DiscountedMDP(mdp.P, r, mdp.gamma, rho=mdp.rho)
    return FiniteHorizonMDP(mdp.P[0], r[0], H=mdp.H, rho=mdp.rho)


@pytest.mark.parametrize("case", ["4x4 H=100 success rate", "8x8 discounted 0.99"])
def test_toy_text_value_matches_episodes_in_the_env(case):
    """False alarm <= 1e-4 per check (3 checks in this test run against the true model)."""
    if case.startswith("4x4"):
        env = gym.make("FrozenLake-v1")  # its TimeLimit of 100 steps is the model's H
        assert env.spec.max_episode_steps == 100
        kw, n, finite = {"H": 100}, 2000, True
        plan, eval_true = backward_induction, evaluate_policy
    else:
        env = gym.make("FrozenLake-v1", map_name="8x8", max_episode_steps=10_000)
        kw, n, finite = {"gamma": 0.99}, 2000, False  # 0.99**10_000 < 1e-43: no truncation
        plan, eval_true = policy_iteration, evaluate_policy_discounted
    true = from_toy_text(env, **kw)
    sol = plan(true)
    returns = _episodes(env, sol.policy, n, seed=1, gamma=kw.get("gamma"), finite=finite)
    assert _agrees(returns, sol.value), (returns.mean(), sol.value)
    # planted bugs: each gives a valid model whose value its own policy does not achieve
    rho = env.unwrapped.initial_state_distrib
    mutants = {
        "first-outcome reward": from_toy_text(_mutant_first_reward(env.unwrapped.P), rho=rho,
                                              **kw),
        "paying goal": _mutant_paying_goal(true),
    }
    for label, mutant in mutants.items():
        msol = plan(mutant)
        assert not np.isclose(msol.value, eval_true(true, msol.policy).value, atol=0.1), label
        mret = _episodes(env, msol.policy, n, seed=2, gamma=kw.get("gamma"), finite=finite)
        assert not _agrees(mret, msol.value), label


def test_toy_text_taxi_returns_are_exact_from_every_start():
    """Taxi is deterministic: the model's value of each start is the return of the episode,
    to round-off. A converter ignoring ``terminated`` (planted bug) fails."""
    env = gym.make("Taxi-v4")
    g = 0.9
    mdp = from_toy_text(env, gamma=g, reward_range=(-10, 20))
    sol = policy_iteration(mdp)
    P = env.unwrapped.P
    no_term = {s: {a: [(p, s2, r, False) for p, s2, r, _ in P[s][a]] for a in P[s]} for s in P}
    bug = policy_iteration(from_toy_text(no_term, gamma=g, reward_range=(-10, 20)))
    starts = np.flatnonzero(env.unwrapped.initial_state_distrib)
    env.reset(seed=0)
    worst, worst_bug = 0.0, 0.0
    for s0 in starts:
        env.reset()
        env.unwrapped.s = int(s0)
        s, total, disc = int(s0), 0.0, 1.0
        for _ in range(200):
            s, r, term, trunc, _ = env.step(int(sol.policy[s]))
            total += disc * r
            disc *= g
            if term:
                break
        assert term
        worst = max(worst, abs(total - sol.V[s0]))
        worst_bug = max(worst_bug, abs(total - bug.V[s0]))
    assert worst < 1e-9
    assert worst_bug > 1.0


def test_toy_text_reward_range_and_horizon_errors():
    taxi = gym.make("Taxi-v4")
    msg = ("r (the mean rewards of the P dict, 0 in absorbing states) has values in [-10, 20]; "
           "mdplab models need rewards in reward_range (default [0, 1]); pass "
           "reward_range=(-10, 20) to accept them")
    with pytest.raises(ValueError, match="^" + re.escape(msg) + "$"):
        from_toy_text(taxi, gamma=0.9)
    with pytest.raises(ValueError, match=re.escape("pass reward_range=(-100, 0)")):
        from_toy_text(gym.make("CliffWalking-v1"), H=10)
    with pytest.raises(ValueError, match=re.escape(
            "got neither (the env's time limit is max_episode_steps=200: H=200 models it)")):
        from_toy_text(taxi, reward_range=(-10, 20))
    with pytest.raises(ValueError, match="got both$"):
        from_toy_text(taxi, H=3, gamma=0.9, reward_range=(-10, 20))
    with pytest.raises(ValueError, match=r"gamma is 1.0; must lie in \[0, 1\)"):
        from_toy_text(taxi, gamma=1.0, reward_range=(-10, 20))


def test_toy_text_terminal_absorb_refused_where_not_exact():
    # state 1 is entered by a terminated transition from 0 and by a plain one from 2
    P = {
        0: {0: [(1.0, 1, 1.0, True)], 1: [(1.0, 2, 0.0, False)]},
        1: {0: [(1.0, 0, 0.0, False)], 1: [(1.0, 1, 0.0, False)]},
        2: {0: [(1.0, 1, 0.0, False)], 1: [(1.0, 2, 0.0, False)]},
    }
    with pytest.raises(ValueError, match=re.escape(
            "P[2][0] moves to state 1 without terminating, but state 1 is also entered with "
            "terminated=True")):
        from_toy_text(P, gamma=0.5)
    mdp = from_toy_text(P, gamma=0.5, terminal="sink")
    np.testing.assert_allclose(policy_iteration(mdp).V[:3], _reference_values(P, gamma=0.5),
                               atol=TOL)
    with pytest.raises(ValueError, match="rho puts mass on state 1"):
        from_toy_text(P, gamma=0.5, rho=[0.0, 1.0, 0.0])
    with pytest.raises(ValueError, match="terminal is 'keep'; must be one of"):
        from_toy_text(P, gamma=0.5, terminal="keep")


def _ok_dict():
    return {0: {0: [(1.0, 1, 0.5, False)]}, 1: {0: [(0.5, 0, 0.0, False), (0.5, 1, 1.0, False)]}}


@pytest.mark.parametrize("mutate,exc,pattern", [
    (lambda P: P[1][0].__setitem__(1, (0.47, 1, 1.0, False)), ValueError,
     "P[1][0]: the probabilities sum to 0.97; they must sum to 1 (tolerance 1e-9)"),
    (lambda P: P[1][0].__setitem__(0, (-0.5, 0, 0.0, False)), ValueError,
     "P[1][0][0]: prob is -0.5; probabilities must be >= 0"),
    (lambda P: P[1][0].__setitem__(0, (float("nan"), 0, 0.0, False)), ValueError,
     "P[1][0][0]: prob is nan; must be finite"),
    (lambda P: P[0][0].__setitem__(0, (1.0, 1, float("inf"), False)), ValueError,
     "P[0][0][0]: reward is inf; must be finite"),
    (lambda P: P[0][0].__setitem__(0, (1.0, 2, 0.5, False)), ValueError,
     "P[0][0][0]: next_state is 2; must be in {0, ..., 1}"),
    (lambda P: P[0][0].__setitem__(0, (1.0, 1.0, 0.5, False)), TypeError,
     "P[0][0][0]: next_state must be an integer, got 1.0"),
    (lambda P: P[0][0].__setitem__(0, (1.0, 1, "0.5", False)), TypeError,
     "P[0][0][0]: reward must be a real number, got '0.5'"),
    (lambda P: P[0][0].__setitem__(0, (1.0, 1, 0.5, 0)), TypeError,
     "P[0][0][0]: terminated must be True or False, got 0"),
    (lambda P: P[0][0].__setitem__(0, (1.0, 1, 0.5)), ValueError,
     "P[0][0][0] is (1.0, 1, 0.5); expected a tuple (prob, next_state, reward, terminated)"),
    (lambda P: P[0].__setitem__(0, []), ValueError, "P[0][0] must be a non-empty list"),
    (lambda P: P[1].__setitem__(1, [(1.0, 1, 0.0, False)]), ValueError,
     "P[0] has 1 action(s) but P[1] has 2 (1 of 2 states have fewer than 2); mdplab models "
     "have the same actions 0..A-1 in every state: add P[0][1] (or remove the extra actions "
     "of P[1])"),
    (lambda P: P.__setitem__(5, P.pop(1)), ValueError, "P has no P[1], P[2], P[3], P[4] (4 of "
     "the states 0..5 missing); every state needs an entry: add them"),
])
def test_toy_text_bad_dicts(mutate, exc, pattern):
    P = _ok_dict()
    from_toy_text(P, gamma=0.5)  # the unmutated dict converts
    mutate(P)
    with pytest.raises(exc, match="^" + re.escape(pattern)):
        from_toy_text(P, gamma=0.5)


def test_toy_text_bad_envs():
    class NoP:
        unwrapped = object()

    with pytest.raises(TypeError, match="has no P dict"):
        from_toy_text(NoP(), gamma=0.5)

    class NoRho:
        def __init__(self):
            self.unwrapped = self
            self.P = _ok_dict()

    with pytest.raises(ValueError, match="has no initial_state_distrib; pass rho"):
        from_toy_text(NoRho(), gamma=0.5)
    assert from_toy_text(NoRho(), gamma=0.5, rho=[0.0, 1.0]).rho[1] == 1.0
    with pytest.raises(TypeError, match="env_or_P must be a gymnasium env or its P dict"):
        from_toy_text(42, gamma=0.5)
    with pytest.raises(ValueError, match="P is empty"):
        from_toy_text({}, gamma=0.5)
    with pytest.raises(ValueError, match=re.escape("rho[:] sums to 0.500000")):
        from_toy_text(_ok_dict(), gamma=0.5, rho=[0.5, 0.0])
    with pytest.raises(TypeError, match="sparse must be True or False"):
        from_toy_text(_ok_dict(), gamma=0.5, sparse=None)


# ============================================================================ pymdptoolbox
def _toolbox_random(seed, S, A, sparse):
    """mdptoolbox.example.rand with numpy's legacy global seed (how that library draws)."""
    np.random.seed(seed)  # noqa: NPY002
    return mdptoolbox.example.rand(S, A, is_sparse=sparse)


@pytest.mark.filterwarnings("ignore::scipy.sparse.SparseEfficiencyWarning")
def test_mdptoolbox_values_and_policies_equal_its_own_solvers():
    cases = [("forest", *mdptoolbox.example.forest(S=3), (0, 4))]
    cases.append(("forest S=10 r1=2 p=0.3", *mdptoolbox.example.forest(S=10, r1=2, p=0.3),
                  (0, 2)))
    for seed in range(4):
        cases.append((f"rand dense {seed}", *_toolbox_random(seed, 6 + seed, 3, False),
                      (-1, 1)))
        cases.append((f"rand sparse {seed}", *_toolbox_random(seed, 8 + seed, 2, True),
                      (-1, 1)))
    for label, P, R, rr in cases:
        for gamma in (0.5, 0.9, 0.96):
            mdp = from_mdptoolbox(P, R, gamma=gamma, reward_range=rr)
            ours = policy_iteration(mdp)
            pi = mdptoolbox.mdp.PolicyIteration(P, R, gamma)
            pi.run()
            np.testing.assert_allclose(ours.V, np.array(pi.V), rtol=0, atol=TOL,
                                       err_msg=label)
            np.testing.assert_array_equal(ours.policy, np.array(pi.policy), err_msg=label)
            # pymdptoolbox's value iteration: epsilon-optimal policy (its V is an iterate)
            vi = mdptoolbox.mdp.ValueIteration(P, R, gamma, epsilon=1e-6)
            vi.run()
            np.testing.assert_array_equal(value_iteration(mdp, tol=1e-10).policy,
                                          np.array(vi.policy), err_msg=label)
        # finite horizon: pymdptoolbox's backward induction with discount 1
        mdp = from_mdptoolbox(P, R, H=7, reward_range=rr)
        fh = mdptoolbox.mdp.FiniteHorizon(P, R, 1, 7)
        fh.run()
        ours = backward_induction(mdp)
        np.testing.assert_allclose(ours.V, fh.V.T, rtol=0, atol=TOL, err_msg=label)
        gap = np.sort(ours.Q, axis=2)
        clear = gap[..., -1] - gap[..., -2] > 1e-9 if mdp.A > 1 else np.ones((7, mdp.S), bool)
        np.testing.assert_array_equal(ours.policy[clear], fh.policy.T[clear], err_msg=label)


def test_mdptoolbox_layouts_agree_exactly():
    rng = np.random.default_rng(3)
    S, A = 5, 3
    P = random_kernel(rng, (A, S, S), sparsity=0.5)
    R3 = rng.uniform(-2, 2, size=(A, S, S))
    ref = from_mdptoolbox(P, R3, gamma=0.9, reward_range=(-2, 2))
    np.testing.assert_array_equal(ref.P, P.transpose(1, 0, 2))
    np.testing.assert_allclose(ref.r, np.einsum("ast,ast->sa", P, R3), rtol=1e-15, atol=0)
    formats = [list, tuple, lambda x: np.array(list(x) + [None], dtype=object)[:-1]]
    formats += [lambda x, f=f: [f(m) for m in x] for f in (
        sp.csr_array, sp.csc_array, sp.coo_array, sp.csr_matrix, sp.csc_matrix, sp.coo_matrix,
        sp.lil_matrix, sp.dok_array)]
    for fmt in formats:
        for R in (R3, fmt(R3)):
            mdp = from_mdptoolbox(fmt(P), R, gamma=0.9, reward_range=(-2, 2))
            np.testing.assert_array_equal(mdp.P, ref.P)
            np.testing.assert_allclose(mdp.r, ref.r, rtol=1e-15, atol=1e-15)
    mixed = from_mdptoolbox(P, [sp.csr_array(m) for m in R3], gamma=0.9, reward_range=(-2, 2))
    np.testing.assert_allclose(mixed.r, ref.r, rtol=1e-15, atol=1e-15)
    assert from_mdptoolbox([sp.csr_array(m) for m in P], R3, gamma=0.9,
                           reward_range=(-2, 2)).is_sparse
    assert not from_mdptoolbox([sp.csr_array(m) for m in P], R3, gamma=0.9,
                               reward_range=(-2, 2), sparse=False).is_sparse
    assert from_mdptoolbox(P, R3, gamma=0.9, reward_range=(-2, 2), sparse=True).is_sparse
    # R (S,) and (S, A)
    Rs = rng.random(S)
    np.testing.assert_array_equal(from_mdptoolbox(P, Rs, gamma=0.5).r, np.repeat(Rs[:, None],
                                                                                  A, axis=1))
    Rsa = rng.random((S, A))
    np.testing.assert_array_equal(from_mdptoolbox(P, Rsa, H=4).r[2], Rsa)


def test_mdptoolbox_round_trip_is_exact():
    rng = np.random.default_rng(4)
    P = random_kernel(rng, (2, 4, 4), sparsity=0.4)
    R = rng.random((4, 2))
    for kw in ({"gamma": 0.9}, {"H": 3}, {"gamma": 0.9, "sparse": True}):
        mdp = from_mdptoolbox(P, R, **kw)
        P2, R2 = to_mdptoolbox(mdp)
        if mdp.is_sparse:
            assert all(sp.issparse(m) for m in P2)
            P2 = np.stack([m.toarray() for m in P2])
        np.testing.assert_array_equal(P2, P)
        np.testing.assert_array_equal(R2, R)
    nonstat = FiniteHorizonMDP(np.stack([P.transpose(1, 0, 2)] * 2), R, H=2)
    with pytest.raises(ValueError, match="non-stationary kernel"):
        to_mdptoolbox(nonstat)
    with pytest.raises(ValueError, match=re.escape("mdp.r[1] differs from mdp.r[0]")):
        to_mdptoolbox(FiniteHorizonMDP(P.transpose(1, 0, 2), np.stack([R, R / 2]), H=2))
    with pytest.raises(TypeError, match="mdp must be a DiscountedMDP or FiniteHorizonMDP"):
        to_mdptoolbox("mdp")


def test_mdptoolbox_bad_input():
    P, R = mdptoolbox.example.forest(S=3)
    rr = {"reward_range": (0, 4)}
    bad = P.copy()
    bad[1, 2] = [0.5, 0.2, 0.2]
    with pytest.raises(ValueError, match=re.escape("P[1, 2, :] sums to 0.9; each row must "
                                                   "sum to 1 (tolerance 1e-9)")):
        from_mdptoolbox(bad, R, gamma=0.9, **rr)
    with pytest.raises(ValueError, match=re.escape("P[1][2, :] sums to 0.9")):
        from_mdptoolbox([sp.csr_matrix(m) for m in bad], R, gamma=0.9, **rr)
    bad = P.copy()
    bad[0, 1] = [1.25, -0.25, 0.0]
    with pytest.raises(ValueError, match=re.escape("P[0, 1, :] has entry -0.25 at column 1; "
                                                   "probabilities must be >= 0")):
        from_mdptoolbox(bad, R, gamma=0.9, **rr)
    bad = P.copy()
    bad[0, 1, 1] = np.nan
    with pytest.raises(ValueError, match=re.escape("P[0, 1, 1] is nan; all entries must be "
                                                   "finite")):
        from_mdptoolbox(bad, R, gamma=0.9, **rr)
    with pytest.raises(ValueError, match=re.escape("P[0][1, :] has entry nan at column 1")):
        from_mdptoolbox([sp.csr_matrix(m) for m in bad], R, gamma=0.9, **rr)
    with pytest.raises(ValueError, match=re.escape("R has shape (2, 3) = (A, S); pymdptoolbox's"
                                                   " layout is (S, A) = (3, 2): pass R.T")):
        from_mdptoolbox(P, R.T, gamma=0.9, **rr)
    with pytest.raises(ValueError, match=re.escape("R has shape (4,); a state reward vector "
                                                   "must be (3,)")):
        from_mdptoolbox(P, np.zeros(4), gamma=0.9)
    with pytest.raises(ValueError, match="R lists 3 reward matrices; P has A = 2 actions"):
        from_mdptoolbox(P, [np.zeros((3, 3))] * 3, gamma=0.9)
    with pytest.raises(TypeError, match="P is a single scipy.sparse matrix"):
        from_mdptoolbox(sp.csr_matrix(P[0]), R, gamma=0.9, **rr)
    with pytest.raises(ValueError, match=re.escape("pass reward_range=(0, 4) to accept them")):
        from_mdptoolbox(P, R, gamma=0.9)
    with pytest.raises(ValueError, match="pass exactly one of H"):
        from_mdptoolbox(P, R, **rr)
    with pytest.raises(ValueError, match=re.escape("P has shape (2, 3, 4); pymdptoolbox's "
                                                   "layout is (A, S, S)")):
        from_mdptoolbox(np.ones((2, 3, 4)) / 4, R, gamma=0.9, **rr)
    with pytest.raises(ValueError, match=re.escape("P[1] has shape (2, 2) but P[0] has (3, 3)")):
        from_mdptoolbox([P[0], np.eye(2)], R, gamma=0.9, **rr)
    with pytest.raises(ValueError, match=re.escape("P[0] has shape (3, 2); each action's "
                                                   "matrix must be square")):
        from_mdptoolbox([np.ones((3, 2)) / 2], R, gamma=0.9, **rr)
    with pytest.raises(TypeError, match="P must be a numeric array"):
        from_mdptoolbox("P", R, gamma=0.9)
    with pytest.raises(TypeError, match="P must be a real numeric array, got dtype complex"):
        from_mdptoolbox(P.astype(complex), R, gamma=0.9)
    with pytest.raises(ValueError, match="P is empty"):
        from_mdptoolbox([], R, gamma=0.9)
    with pytest.raises(TypeError, match="sparse must be True, False or None"):
        from_mdptoolbox(P, R, gamma=0.9, sparse="yes", **rr)
    with pytest.raises(ValueError, match=re.escape("R[0] has shape (2, 2); expected (3, 3)")):
        from_mdptoolbox(P, [np.zeros((2, 2))] * 2, gamma=0.9)


# ============================================================================ scipy.sparse
ALL_FORMATS = [sp.csr_array, sp.csc_array, sp.coo_array, sp.csr_matrix, sp.csc_matrix,
               sp.coo_matrix, sp.lil_matrix, sp.dok_array, sp.bsr_array, sp.dia_array]


@pytest.mark.parametrize("fmt", ALL_FORMATS, ids=lambda f: f.__name__)
def test_from_scipy_sparse_every_format_and_layout(fmt):
    rng = np.random.default_rng(5)
    S, A, H = 4, 3, 2
    P = random_kernel(rng, (S, A, S), sparsity=0.5)
    st1 = from_scipy_sparse(fmt(P.reshape(S * A, S)), A=A)
    assert isinstance(st1, SparseTransitions) and st1.shape == (S, A, S)
    np.testing.assert_array_equal(st1.to_dense(), P)
    st2 = from_scipy_sparse([fmt(P[:, a]) for a in range(A)])  # per action, (S, S) each
    np.testing.assert_array_equal(st2.to_dense(), P)
    Ph = random_kernel(rng, (H, S, A, S), sparsity=0.5)
    st3 = from_scipy_sparse(fmt(Ph.reshape(H * S * A, S)), A=A, H=H)
    np.testing.assert_array_equal(st3.to_dense(), Ph)
    # the models take them, and their values are the dense models' values
    r = rng.random((S, A))
    dense = DiscountedMDP(P, r, 0.9)
    np.testing.assert_allclose(policy_iteration(DiscountedMDP(st1, r, 0.9)).V,
                               policy_iteration(dense).V, rtol=0, atol=1e-12)
    fh = FiniteHorizonMDP(st3, r, H=H)
    np.testing.assert_allclose(backward_induction(fh).V, backward_induction(
        FiniteHorizonMDP(Ph, r, H=H)).V, rtol=0, atol=1e-12)


def test_from_scipy_sparse_nd_coo_and_duplicates():
    rng = np.random.default_rng(6)
    P = random_kernel(rng, (3, 2, 3), sparsity=0.3)
    np.testing.assert_array_equal(from_scipy_sparse(sp.coo_array(P)).to_dense(), P)
    Ph = random_kernel(rng, (2, 3, 2, 3))
    assert from_scipy_sparse(sp.coo_array(Ph)).shape == (2, 3, 2, 3)
    # coo duplicates are summed (scipy's rule): two halves of one entry
    M = sp.coo_array((np.array([0.5, 0.5, 1.0]), (np.array([0, 0, 1]), np.array([1, 1, 0]))),
                     shape=(2, 2))
    np.testing.assert_array_equal(from_scipy_sparse(M, A=1).to_dense()[:, 0], [[0, 1], [1, 0]])


def test_from_scipy_sparse_bad_input():
    M = sp.csr_array(np.array([[0.5, 0.5], [1.0, 0.0], [0.0, 1.0], [0.3, 0.6]]))
    with pytest.raises(ValueError, match=re.escape("P[3, :] (s=1, a=1) sums to 0.9; each row "
                                                   "must sum to 1 (tolerance 1e-9)")):
        from_scipy_sparse(M, A=2)
    with pytest.raises(ValueError, match="pass A= "):
        from_scipy_sparse(M)
    with pytest.raises(ValueError, match=re.escape("P has shape (4, 2); with S = 2 columns "
                                                   "(next states) it must have S*A = 2*3 = 6")):
        from_scipy_sparse(M, A=3)
    neg = sp.csr_array(np.array([[1.5, -0.5], [1.0, 0.0]]))
    with pytest.raises(ValueError, match=re.escape("P[0, :] (s=0, a=0) has entry -0.5 at "
                                                   "column 1; probabilities must be >= 0")):
        from_scipy_sparse(neg, A=1)
    nan = sp.csr_array(np.array([[np.nan, 1.0], [1.0, 0.0]]))
    with pytest.raises(ValueError, match=re.escape("P[0, :] (s=0, a=0) has entry nan")):
        from_scipy_sparse(nan, A=1)
    with pytest.raises(TypeError, match="P must hold real numbers, got dtype complex"):
        from_scipy_sparse(sp.csr_array(np.eye(2, dtype=complex)), A=1)
    with pytest.raises(TypeError, match=r"P must be a scipy.sparse matrix or array.*dense"):
        from_scipy_sparse(np.eye(2))
    with pytest.raises(ValueError, match="do not pass A or H"):
        from_scipy_sparse([sp.eye(2)], A=1)
    with pytest.raises(ValueError, match="do not pass A or H"):
        from_scipy_sparse(sp.coo_array(np.ones((2, 1, 2)) / 2), A=1)
    with pytest.raises(ValueError, match=re.escape("P[1, 0, :] sums to 0.5")):
        from_scipy_sparse(sp.coo_array(np.array([[[0.5, 0.5]], [[0.5, 0.0]]])))
    with pytest.raises(ValueError, match=re.escape("P has shape (2, 1, 3)")):
        from_scipy_sparse(sp.coo_array(np.ones((2, 1, 3)) / 3))
    with pytest.raises(ValueError, match="A is 0; must be >= 1"):
        from_scipy_sparse(M, A=0)
    # the models refuse a bare scipy matrix, saying how to give its layout
    with pytest.raises(TypeError, match=re.escape("SparseTransitions.from_scipy(M, shape)")):
        DiscountedMDP(M, np.zeros((2, 2)), 0.9)


def test_import_interop_is_lazy():
    import json
    import subprocess
    import sys

    code = ("import json, sys, mdplab.interop as i; names = sorted(i.__all__); "
            "print(json.dumps([sorted(m for m in sys.modules if m.startswith('mdplab.interop.')"
            "), [m for m in ('quantecon', 'gymnasium', 'mdptoolbox', 'scipy') "
            "if m in sys.modules], names]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    submodules, heavy, names = json.loads(out.stdout)
    assert submodules == [] and heavy == []
    assert names == ["from_mdptoolbox", "from_quantecon", "from_scipy_sparse", "from_toy_text",
                     "to_mdptoolbox", "to_quantecon"]
    assert mdplab.interop.from_quantecon is from_quantecon
    with pytest.raises(AttributeError, match="no_such_converter"):
        mdplab.interop.no_such_converter  # noqa: B018
