"""Issue 10 item 7: any agent stepping an mdplab environment through gymnasium is scored with
exact regret (policy_regret, tabulate_policy, the ExactRegret wrapper)."""

from __future__ import annotations

import math

import gymnasium
import numpy as np
import pytest

import mdplab.envs as E
from mdplab import planning
from mdplab.algorithms.online import policy_regret

E.register_gymnasium()


def _values_by_hand(P, r, pi):
    """V^pi_0 of a stochastic (H, S, A) policy by a loop written here (independent of mdplab)."""
    H, S, A = pi.shape
    V = np.zeros(S)
    for h in range(H - 1, -1, -1):
        Q = r[h] + P[h] @ V
        V = (pi[h] * Q).sum(axis=1)
    return V


def _optimal_by_hand(P, r):
    H = P.shape[0]
    V = np.zeros(P.shape[1])
    for h in range(H - 1, -1, -1):
        V = (r[h] + P[h] @ V).max(axis=1)
    return V


def test_regret_of_a_policy_is_the_value_gap_computed_by_hand():
    mdp = E.make("garnet", H=6)
    rng = np.random.default_rng(0)
    pi = rng.dirichlet(np.ones(mdp.A), size=(mdp.H, mdp.S))
    P, r = np.asarray(mdp.P), np.asarray(mdp.r)
    expected = mdp.rho @ (_optimal_by_hand(P, r) - _values_by_hand(P, r, pi))
    assert policy_regret(mdp, pi) == pytest.approx(expected, abs=1e-12)
    best = planning.backward_induction(mdp).policy
    assert policy_regret(mdp, best) == pytest.approx(0, abs=1e-12)


def test_discounted_and_linear_models_are_scored_exactly():
    mdp = E.make("riverswim", gamma=0.9)
    best = planning.policy_iteration(mdp).policy
    assert policy_regret(mdp, best) == pytest.approx(0.0, abs=1e-10)
    worst = np.zeros(mdp.S, dtype=np.int64)  # always swim left
    v_star = planning.evaluate_policy(mdp, best).value
    assert policy_regret(mdp, worst) == pytest.approx(
        v_star - planning.evaluate_policy(mdp, worst).value, abs=1e-12)
    assert policy_regret(mdp, worst) > 0.01
    lin = E.make("random_linear")
    pi = np.zeros((lin.H, lin.S), dtype=np.int64)
    assert policy_regret(lin, pi) == pytest.approx(policy_regret(lin.to_tabular(), pi), abs=0)
    with pytest.raises(TypeError, match="pass a FiniteHorizonMDP"):
        policy_regret("riverswim", pi)


def test_a_random_agent_through_gymnasium_earns_what_its_exact_regret_says():
    env = gymnasium.make("mdplab/Garnet-v0", H=5)
    A = env.action_space.n
    uniform = E.tabulate_policy(lambda obs: np.full(A, 1.0 / A), env, probabilities=True)
    scored = E.ExactRegret(env, lambda: uniform)
    env.action_space.seed(1)
    returns = []
    for k in range(3000):
        obs, info = scored.reset(seed=7 if k == 0 else None)
        done, total = False, 0.0
        while not done:
            obs, reward, terminated, truncated, info = scored.step(env.action_space.sample())
            total += reward
            done = terminated or truncated
        returns.append(total)
    model = env.unwrapped.model
    v_star = planning.backward_induction(model).value
    assert len(scored.regrets) == 3000 and len(set(scored.regrets)) == 1
    assert info is not None and scored.regrets[0] == pytest.approx(policy_regret(model, uniform))
    # realised shortfall ~ exact regret: Hoeffding on returns in [0, H], false alarm 1e-6
    H, n = model.H, len(returns)
    half_width = H * math.sqrt(math.log(2 / 1e-6) / (2 * n))
    assert abs((v_star - np.mean(returns)) - scored.regrets[0]) <= half_width


class _GreedyQLearner:
    """A tabular agent that knows nothing of mdplab (Q-learning on (h, s) observations)."""

    def __init__(self, H, S, A, seed):
        self.Q = np.zeros((H + 1, S, A))
        self.n = np.zeros((H, S, A))
        self.rng = np.random.default_rng(seed)

    def greedy(self, obs):
        h, s = obs
        return int(np.argmax(self.Q[h, s]))

    def act(self, obs):
        return int(self.rng.integers(self.Q.shape[2])) if self.rng.random() < 0.3 \
            else self.greedy(obs)

    def learn(self, obs, a, r, nxt):
        (h, s), (h2, s2) = obs, nxt
        self.n[h, s, a] += 1
        target = r + self.Q[h2, s2].max()
        self.Q[h, s, a] += (target - self.Q[h, s, a]) / self.n[h, s, a]


def test_a_learning_agent_is_scored_every_episode_by_its_greedy_policy():
    env = gymnasium.make("mdplab/RiverSwim-v0", H=8, step_in_obs=True)
    H, S, A = env.unwrapped.model.shape
    agent = _GreedyQLearner(H, S, A, seed=0)
    scored = E.ExactRegret(env, lambda: E.tabulate_policy(agent.greedy, env))
    for k in range(300):
        obs, info = scored.reset(seed=0 if k == 0 else None)
        done = False
        while not done:
            a = agent.act(obs)
            nxt, r, terminated, truncated, _ = scored.step(a)
            agent.learn(obs, a, r, nxt)
            obs, done = nxt, terminated or truncated
        assert info["exact_regret"] == scored.regrets[-1]
    final = E.tabulate_policy(agent.greedy, env)
    # the table is the agent's greedy action at every (h, s): check one entry by hand
    assert final[3, 2] == int(np.argmax(agent.Q[3, 2]))
    assert scored.regrets[-1] >= -1e-12
    assert policy_regret(env, final) == pytest.approx(
        planning.backward_induction(env.unwrapped.model).value
        - planning.evaluate_policy(env.unwrapped.model, final).value, abs=1e-12)


def test_observations_match_what_the_env_shows():
    env = E.to_gymnasium(E.make("random_linear"), observe="features", step_in_obs=True)
    obs, _ = env.reset(seed=3)
    h, s = env.unwrapped.h, env.unwrapped.state
    got = E.observation_at(env, h, s)
    assert got[0] == obs[0] and np.array_equal(got[1], obs[1])
    assert env.unwrapped.state == s  # the episode in progress is untouched
    with pytest.raises(ValueError, match="h is 5"):
        E.observation_at(env, 5, 0)
    with pytest.raises(ValueError, match="state is 99"):
        E.observation_at(env, 0, 99)


def test_tabulate_and_wrapper_refuse_what_they_cannot_score():
    env = gymnasium.make("mdplab/Chain-v0", H=4)
    with pytest.raises(ValueError, match=r"act at \(h, s\) = \(0, 0\) returned"):
        E.tabulate_policy(lambda obs: [0.5, 0.6], env, probabilities=True)
    with pytest.raises(ValueError):
        E.tabulate_policy(lambda obs: 7, env)
    with pytest.raises(TypeError, match="act must be a callable"):
        E.tabulate_policy(3, env)
    with pytest.raises(TypeError, match="made by mdplab"):
        E.tabulate_policy(lambda obs: 0, gymnasium.make("CartPole-v1"))
    with pytest.raises(TypeError, match="policy_of_agent must be a callable"):
        E.ExactRegret(env, np.zeros((4, 10), dtype=np.int64))
    discounted = E.to_gymnasium(E.make("riverswim", gamma=0.9), max_episode_steps=50)
    pol = E.tabulate_policy(lambda obs: 1, discounted)
    assert pol.shape == (6,) and policy_regret(discounted, pol) >= -1e-10
