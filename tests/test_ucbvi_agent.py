"""Issue 10 item 7: UCBVI wrapped as a gymnasium agent (UCBVIAgent), scored with exact regret.

(1) Fed the transitions that ``ucbvi(mdp, K, ..., record_q=True)`` drew, the agent plans the
    same Q tables and policies, bit for bit: the gymnasium env is seeded with ucbvi's seed, and
    its draws (s_0, then per step the reward and the next state, each by inverse CDF from one
    uniform of ``np_random``) are ucbvi's (U[k, 0], U[k, 1 + 2h], U[k, 2 + 2h]) once the
    rewards are Bernoulli (a deterministic reward draws nothing, so for RiverSwim a wrapper
    spends the reward's uniform). Planted bugs (bonus halved, counts off by one, ...) break
    the equality.
(2) Through ``gymnasium.make`` and ExactRegret, the agent's exact cumulative regret on
    RiverSwim (known_rewards=False) has the distribution of ucbvi's own runs (two-sample
    Kolmogorov-Smirnov test, false-alarm probability 1e-3, fixed disjoint seeds), and is far
    below a random agent's; the same test rejects the agent with its bonus halved.
(3) Bad inputs of every kind are refused with the argument named.
"""

from __future__ import annotations

import gymnasium
import numpy as np
import pytest
from scipy import stats

import mdplab.algorithms.online.ucbvi_agent as UA
import mdplab.envs as E
from mdplab.algorithms.online import policy_regret, ucbvi
from mdplab.algorithms.online.ucb_value_iteration import ucbvi_log
from mdplab.algorithms.online.ucbvi_agent import UCBVIAgent
from mdplab.models import FiniteHorizonMDP

E.register_gymnasium()


def l1s(S=4, A=2, H=3, seed=3, rho=(0.1, 0.2, 0.3, 0.4)):
    """Spec §3 L1s: P0[s, a] ~ Dirichlet(1), r0 ~ U(0, 1), Bernoulli rewards (stationary)."""
    rng = np.random.default_rng(seed)
    P0 = np.empty((S, A, S))
    for s in range(S):
        for a in range(A):
            P0[s, a] = rng.dirichlet(np.ones(S))
    r0 = rng.uniform(0, 1, (S, A))
    return FiniteHorizonMDP(P0, r0, H=H, rho=None if rho is None else np.asarray(rho),
                            reward_dist="bernoulli")


class SpendRewardDraw(gymnasium.Wrapper):
    """Spends one uniform of the env's ``np_random`` before each step: a deterministic reward
    draws nothing, ucbvi always reserves U[k, 1 + 2h] for it."""

    def step(self, action):
        self.env.unwrapped.np_random.random()
        return self.env.step(action)


def play(agent, env, K, seed, *, actions=None):
    """K episodes of ``agent`` on ``env`` (reset(seed) once, then the stream goes on).

    Returns the per-episode policies (K, H, S) and Q tables (K, H, S, A) the agent planned,
    and the start states and returns. With ``actions`` (K, H, S) the episodes are played
    with those policies and the agent only observes (``update``), never acts."""
    pols, qs, starts, rets = [], [], [], []
    for k in range(K):
        obs, info = env.reset(seed=seed if k == 0 else None)
        pols.append(agent.greedy_policy())
        qs.append(agent.q_values())
        starts.append(int(obs[1] if isinstance(obs, tuple) else obs))
        done, total = False, 0.0
        while not done:
            if actions is None:
                a = agent.act(obs, info)
            else:
                h, s = (obs if isinstance(obs, tuple) else (info["step"], obs))
                a = int(actions[k, h, s])
            nobs, r, terminated, truncated, ninfo = env.step(a)
            agent.update(obs, a, r, nobs, info)
            total += r
            obs, info, done = nobs, ninfo, terminated or truncated
        rets.append(total)
    return np.array(pols), np.array(qs), np.array(starts), np.array(rets)


def agent_for(mdp, K, bonus, scale, known, cls=UCBVIAgent):
    H, S, A = mdp.shape
    return cls(S, A, H, K, bonus=bonus, bonus_scale=scale,
               rewards=np.asarray(mdp.r[0]) if known else None)


def first_mismatch(mdp, env, K, bonus, scale, known, seed, cls=UCBVIAgent):
    """The first episode whose policy or Q differs from ucbvi's (None: all equal)."""
    res = ucbvi(mdp, K, bonus=bonus, bonus_scale=scale, rng=seed, known_rewards=known,
                record_q=True)
    agent = agent_for(mdp, K, bonus, scale, known, cls)
    pols, qs, starts, rets = play(agent, env, K, seed)
    d = res.diagnostics
    for k in range(K):
        if not (np.array_equal(pols[k], d["policy_history"][k])
                and np.array_equal(qs[k], d["q_history"][k])):
            return k
    # the same trajectories: the same starts, returns and final counts
    assert np.array_equal(starts, res.initial_states)
    assert np.array_equal(rets, res.returns)
    if not (np.array_equal(agent.counts, res.counts)
            and np.array_equal(agent.nprime, d["nprime"])):
        return K
    return None


CONFIGS = [("ch", 0.05, False), ("ch", 0.05, True), ("ch", 1.0, False),
           ("bf", 0.05, False), ("bf", 0.05, True), ("bf", 1.0, True),
           ("rlberry", 1.0, False), ("rlberry", 0.2, True)]


# ------------------------------------------------------------------ (1) bit for bit
@pytest.mark.parametrize("bonus,scale,known", CONFIGS)
def test_fed_ucbvis_transitions_the_agent_plans_ucbvis_policies_bit_for_bit(bonus, scale,
                                                                            known):
    m = l1s()
    assert first_mismatch(m, E.to_gymnasium(m), 200, bonus, scale, known, seed=11) is None


@pytest.mark.parametrize("bonus", ["ch", "bf", "rlberry"])
def test_bit_for_bit_through_gymnasium_make_with_step_in_obs(bonus):
    """RiverSwim (deterministic rewards, zeros in P), made by gymnasium.make, observations
    (h, s), the reward's uniform spent by the wrapper."""
    env = SpendRewardDraw(gymnasium.make("mdplab/RiverSwim-v0", H=6, step_in_obs=True))
    m = env.unwrapped.model
    assert first_mismatch(m, env, 150, bonus, 0.05 if bonus != "rlberry" else 1.0, False,
                          seed=4) is None


def test_replayed_trajectories_give_ucbvis_q_without_the_agent_acting():
    """Play ucbvi's recorded policies; the agent only observes (update), and its plans are
    still ucbvi's (planning happens at the first transition of an episode)."""
    m = l1s(seed=5)
    K = 120
    res = ucbvi(m, K, bonus="bf", bonus_scale=0.05, rng=2, record_q=True, known_rewards=False)
    agent = agent_for(m, K, "bf", 0.05, False)
    actions = res.diagnostics["policy_history"]
    env = E.to_gymnasium(m)
    for k in range(K):
        obs, info = env.reset(seed=2 if k == 0 else None)
        done = False
        while not done:
            a = int(actions[k, info["step"], obs])
            nobs, r, term, trunc, ninfo = env.step(a)
            agent.update(obs, a, r, nobs, info)
            obs, info, done = nobs, ninfo, term or trunc
        assert agent.episode == k + 1
        # the plan of episode k (made at its first transition) is ucbvi's
        assert np.array_equal(agent._Q, res.diagnostics["q_history"][k]), k
    assert np.array_equal(agent.counts, res.counts)
    assert np.array_equal(agent.nprime, res.diagnostics["nprime"])
    assert np.array_equal(agent._Q, res.diagnostics["final_q"])


def test_exact_regret_of_the_wrapper_equals_ucbvis_regret_per_episode():
    m = l1s(seed=1)
    K = 100
    res = ucbvi(m, K, bonus="bf", bonus_scale=0.05, rng=9, known_rewards=False, record_q=True)
    agent = agent_for(m, K, "bf", 0.05, False)
    env = E.ExactRegret(E.to_gymnasium(m), agent.greedy_policy)
    play(agent, env, K, 9)
    assert len(env.regrets) == K
    np.testing.assert_allclose(env.regrets, res.regret, rtol=0, atol=1e-12)
    assert res.regret.std() > 0  # the policies changed during the run


# planted bugs: each one must make the comparison fail
class HalvedBonus(UCBVIAgent):
    """The bonus at half its size (CH/BF: in the plan; rlberry: in its per-step bonus)."""

    def _halved(self, method, *args):
        scale, self.bonus_scale = self.bonus_scale, self.bonus_scale / 2
        try:
            method(*args)
        finally:
            self.bonus_scale = scale

    def _plan(self):
        self._halved(super()._plan)

    def update(self, *args):
        self._halved(super().update, *args)


class PairCountOffByOne(UCBVIAgent):
    def update(self, observation, action, reward, next_observation, info=None):
        first = self._N_sa.sum() == 0
        super().update(observation, action, reward, next_observation, info)
        if first:
            h, s = self._step_and_state(observation, info, "observation")
            self._N_sa[s, action] += 1


class TransitionCountOffByOne(UCBVIAgent):
    def update(self, observation, action, reward, next_observation, info=None):
        super().update(observation, action, reward, next_observation, info)
        if self.episode == 1 and self._at is None:
            self._N_sas[0, 0, 0] += 1


class LastStateNotCounted(UCBVIAgent):
    def update(self, observation, action, reward, next_observation, info=None):
        super().update(observation, action, reward, next_observation, info)
        if self._at is None:
            self._Nprime[self.H] = 0


class NoMinimumWithThePreviousQ(UCBVIAgent):
    def _plan(self):
        if self._planned != self.episode and self.bonus != "rlberry":
            self._Q[:] = self.H
        super()._plan()


class ReplansEveryOtherEpisode(UCBVIAgent):
    def _plan(self):
        if self._planned != self.episode and self.episode % 2 == 1:
            self._planned = self.episode  # keeps the previous episode's Q and policy
            return
        super()._plan()


class HighestIndexOnTies(UCBVIAgent):
    def _plan(self):
        fresh = self._planned != self.episode
        super()._plan()
        if fresh:
            flipped = self._Q[:, :, ::-1]
            self._pi = (self.A - 1 - np.argmax(flipped, axis=2)).astype(np.int64)


class ObservedRewardsIgnored(UCBVIAgent):
    def update(self, observation, action, reward, next_observation, info=None):
        super().update(observation, action, 0.0, next_observation, info)


@pytest.mark.parametrize("bug,bonus,known", [
    (HalvedBonus, "ch", True), (HalvedBonus, "bf", False), (HalvedBonus, "rlberry", False),
    (PairCountOffByOne, "ch", True), (PairCountOffByOne, "rlberry", False),
    (TransitionCountOffByOne, "bf", True), (LastStateNotCounted, "bf", True),
    (NoMinimumWithThePreviousQ, "ch", False), (ReplansEveryOtherEpisode, "bf", False),
    (HighestIndexOnTies, "ch", True), (ObservedRewardsIgnored, "bf", False),
    (ObservedRewardsIgnored, "rlberry", False),
])
def test_the_comparison_catches_planted_bugs(bug, bonus, known):
    m = l1s()
    scale = 1.0 if bonus == "rlberry" else 0.05
    if bug is LastStateNotCounted:
        scale = 1.0  # the cap term (Nprime) weighs most at the paper's scale
    k = first_mismatch(m, E.to_gymnasium(m), 200, bonus, scale, known, seed=11, cls=bug)
    assert k is not None


def test_bonus_scale_and_delta_reach_the_plan():
    """Two agents that differ only in bonus_scale or delta plan different Q tables."""
    m = l1s()
    base = first_mismatch(m, E.to_gymnasium(m), 60, "bf", 0.05, True, seed=3)
    assert base is None
    for kw in ({"bonus_scale": 0.1}, {"delta": 0.5}):
        agent = UCBVIAgent(4, 2, 3, 60, bonus="bf", **{"bonus_scale": 0.05, **kw})
        ref = UCBVIAgent(4, 2, 3, 60, bonus="bf", bonus_scale=0.05)
        env_a, env_b = E.to_gymnasium(m), E.to_gymnasium(m)
        qa = play(agent, env_a, 60, 3)[1]
        qb = play(ref, env_b, 60, 3)[1]
        assert not np.array_equal(qa, qb), kw


# ------------------------------------------------------------------ (2) in distribution
H2, K2, SCALE2 = 10, 300, 0.02


def _agent_total(seed, scale=SCALE2):
    env = gymnasium.make("mdplab/RiverSwim-v0", H=H2)
    _, S, A = env.unwrapped.model.shape
    agent = UCBVIAgent(S, A, H2, K2, bonus="bf", bonus_scale=scale)
    agent.check_env(env)
    scored = E.ExactRegret(env, agent.greedy_policy)
    for k in range(K2):
        obs, info = scored.reset(seed=seed if k == 0 else None)
        done = False
        while not done:
            a = agent.act(obs, info)
            nobs, r, terminated, truncated, ninfo = scored.step(a)
            agent.update(obs, a, r, nobs, info)
            obs, info, done = nobs, ninfo, terminated or truncated
    assert len(scored.regrets) == K2
    return sum(scored.regrets)


def test_regret_through_gymnasium_has_the_distribution_of_ucbvis_runs():
    """RiverSwim's rewards are deterministic, so the env's draws are not ucbvi's: the two
    samples are independent runs of the same algorithm (seeds 0..19 for ucbvi, 1000..1019
    for the agent). Two-sample Kolmogorov-Smirnov test (exact p-value), rejected at
    p < 1e-3: false-alarm probability <= 1e-3. Totals are rounded to 1e-9 so that the
    round-off between the kernel's policy evaluation and ExactRegret's is not a difference
    (where ties remain the exact KS test is conservative). Measured: mean total regret 39.5
    (ucbvi) and 39.0 (agent), maxima 46.9 and 44.3, p = 0.57; a random agent's is 143.4; the
    agent with its bonus halved (10 runs) has mean 21.7 and p = 7e-8."""
    m = E.make("riverswim", H=H2)
    n = 20
    ours = np.round([ucbvi(m, K2, bonus="bf", bonus_scale=SCALE2, rng=s,
                           known_rewards=False).total_regret for s in range(n)], 9)
    agent = np.round([_agent_total(1000 + s) for s in range(n)], 9)
    assert stats.ks_2samp(ours, agent, method="exact").pvalue >= 1e-3
    # far below a random agent's exact regret (every seed)
    random_total = K2 * policy_regret(m, np.full((H2, m.S, m.A), 1.0 / m.A))
    assert agent.max() < 0.5 * random_total
    assert ours.max() < 0.5 * random_total
    # planted bug: the agent with its bonus halved is told apart by the same test
    halved = np.round([_agent_total(2000 + s, scale=SCALE2 / 2) for s in range(10)], 9)
    assert stats.ks_2samp(ours, halved, method="exact").pvalue < 1e-3


# ------------------------------------------------------------------ protocol details
def test_one_plan_per_episode_and_more_than_k_episodes():
    m = l1s()
    env = E.to_gymnasium(m)
    agent = UCBVIAgent(4, 2, 3, 5, bonus="ch", bonus_scale=0.05)
    assert agent.episode == 0 and agent.L == pytest.approx(ucbvi_log(4, 2, 3, 5, 0.1))
    pols, qs, _, _ = play(agent, env, 8, 0)  # more than K: L stays ln(5 S A K H / delta)
    assert agent.episode == 8
    q = agent.q_values()
    assert np.array_equal(agent.q_values(), q)  # asking again does not replan
    assert np.array_equal(agent.greedy_policy(), np.argmax(q, axis=2))
    assert agent.counts.sum() == 8 * 3 and agent.nprime.sum() == 8 * 4
    assert np.array_equal(agent.nprime.sum(axis=1), np.full(4, 8))
    c = agent.counts
    c[:] = 0  # copies
    assert agent.counts.sum() == 24
    assert "UCBVIAgent(S=4, A=2, H=3, K=5, bonus='ch'" in repr(agent)
    assert "episode=8" in repr(agent) and "known_rewards=False" in repr(agent)


def test_rlberry_mode_plays_action_zero_before_its_first_update():
    agent = UCBVIAgent(3, 2, 2, 10, bonus="rlberry")
    assert not agent.greedy_policy().any() and not agent.q_values().any()
    agent.update(0, 1, 1.0, 2, {"step": 0})
    assert not agent.q_values().any()  # still episode 0's plan
    agent.update(2, 1, 1.0, 1, {"step": 1})
    assert agent.episode == 1
    assert agent.q_values().any()
    assert agent.act(0, {"step": 0}) == 1


def test_check_env_accepts_the_matching_spaces():
    env = gymnasium.make("mdplab/RiverSwim-v0", H=5)
    UCBVIAgent(6, 2, 5, 10).check_env(env)
    UCBVIAgent(6, 2, 5, 10).check_env(gymnasium.make("mdplab/RiverSwim-v0", H=5,
                                                     step_in_obs=True))


# ------------------------------------------------------------------ (3) bad inputs
@pytest.mark.parametrize("kwargs,exc,pattern", [
    ({"S": 0}, ValueError, r"^S is 0; must be >= 1"),
    ({"A": 1.5}, TypeError, r"^A must be an integer"),
    ({"H": "3"}, TypeError, r"^H must be an integer"),
    ({"K": 0}, ValueError, r"^K is 0; must be >= 1"),
    ({"K": None}, TypeError, r"^K must be an integer"),
    ({"bonus": "ucb"}, ValueError, r"^bonus is 'ucb'; must be one of 'ch', 'bf', 'rlberry'"),
    ({"bonus": 1}, TypeError, r"^bonus must be a string"),
    ({"delta": 0.0}, ValueError, r"^delta is 0; must be a finite number in \(0, 1\)"),
    ({"delta": 1.0}, ValueError, r"^delta is 1"),
    ({"delta": float("nan")}, ValueError, r"^delta is nan"),
    ({"bonus_scale": -0.1}, ValueError, r"^bonus_scale is -0.1"),
    ({"bonus_scale": float("inf")}, ValueError, r"^bonus_scale is inf"),
    ({"bonus_scale": True}, TypeError, r"^bonus_scale must be a real number"),
    ({"rewards": np.zeros((2, 4))}, ValueError, r"^rewards has shape \(2, 4\); expected \(4, 2\)"),
    ({"rewards": np.full((4, 2), 1.5)}, ValueError,
     r"^rewards\[0, 0\] is 1.5; the mean rewards must lie in \[0, 1\] \(UCBVI caps Q at H\)$"),
    ({"rewards": -np.eye(4, 2)}, ValueError, r"^rewards\[0, 0\] is -1"),
    ({"rewards": np.full((4, 2), np.nan)}, ValueError, r"^rewards\[0, 0\] is nan"),
    ({"rewards": "high"}, TypeError, r"^rewards must be a numeric array"),
])
def test_constructor_refuses_bad_arguments(kwargs, exc, pattern):
    args = {"S": 4, "A": 2, "H": 3, "K": 10, **kwargs}
    with pytest.raises(exc, match=pattern):
        UCBVIAgent(args.pop("S"), args.pop("A"), args.pop("H"), args.pop("K"), **args)


def test_defaults_are_ucbvis():
    import inspect

    theirs = inspect.signature(ucbvi).parameters
    ours = inspect.signature(UCBVIAgent).parameters
    for name in ("bonus", "delta", "bonus_scale"):
        assert ours[name].default == theirs[name].default, name
    agent = UCBVIAgent(4, 2, 3, 10)
    assert (agent.bonus, agent.delta, agent.bonus_scale) == ("ch", 0.1, 1.0)


def test_mean_rewards_of_exactly_zero_and_one_are_accepted():
    r = np.eye(4, 2)
    agent = UCBVIAgent(4, 2, 3, 10, rewards=r)
    assert agent.known_rewards and np.array_equal(agent._r, r)


def test_known_rewards_are_copied_and_read_only():
    r = np.full((4, 2), 0.5)
    agent = UCBVIAgent(4, 2, 3, 10, rewards=r)
    r[:] = 0.0
    assert agent.known_rewards and (agent._r == 0.5).all()
    assert not agent._r.flags.writeable
    assert not UCBVIAgent(4, 2, 3, 10).known_rewards


@pytest.mark.parametrize("obs,info,exc,pattern", [
    (4, {"step": 0}, ValueError, r"^observation is 4; must be in \{0, \.\.\., 3\} \(S = 4"),
    (-1, {"step": 0}, ValueError, r"^observation is -1; must be >= 0"),
    (1.5, {"step": 0}, TypeError, r"^observation must be an integer"),
    (True, {"step": 0}, TypeError, r"^observation must be an integer"),
    (np.zeros((2, 3)), {"step": 0}, TypeError,
     r"^observation is an array of shape \(2, 3\); UCBVIAgent is tabular and needs the state "
     r"index \(make the env with observe='state'\)$"),
    (np.zeros(3, dtype=np.int64), {"step": 0}, TypeError,
     r"^observation is an array of shape \(3,\); UCBVIAgent is tabular"),
    (np.array(0.5), {"step": 0}, TypeError, r"^observation must be an integer"),
    (1, None, TypeError, r"^observation is the state 1; pass the info dict that came with it "
                         r"\(its 'step' is the step h\), or make the env with step_in_obs=True$"),
    (1, {"phi": 0}, ValueError, r"^info has no 'step'; pass the info of an mdplab environment "
                                r"\(to_gymnasium or gymnasium.make\('mdplab/...'\)\), or make "
                                r"it with step_in_obs=True$"),
    (1, [0], TypeError, r"^info must be the dict returned by reset\(\) or step\(\)"),
    (1, {"step": 3}, ValueError, r"^the step h is 3; an action is taken at h in \{0, \.\.\., 2\}"),
    (1, {"step": -1}, ValueError, r"^info\['step'\] is -1; must be >= 0"),
    ((0, 1, 2), None, ValueError,
     r"^observation is a tuple of length 3; expected the pair \(h, s\) of step_in_obs=True$"),
    ((3, 1), None, ValueError, r"^the step h is 3"),
    ((0, 7), None, ValueError, r"^observation\[1\] \(the state\) is 7; must be in"),
    ((0.5, 1), None, TypeError, r"^observation\[0\] \(the step h\) must be an integer"),
    ((1, 1), {"step": 0}, ValueError, r"^observation is at step h = 1 but info\['step'\] is 0"),
])
def test_act_refuses_bad_observations(obs, info, exc, pattern):
    agent = UCBVIAgent(4, 2, 3, 10)
    with pytest.raises(exc, match=pattern):
        agent.act(obs, info)


def test_act_accepts_both_observation_forms():
    agent = UCBVIAgent(4, 2, 3, 10)
    assert agent.act(np.int64(3), {"step": 2}) == 0
    assert agent.act((np.int64(2), np.int64(3)), None) == 0
    assert agent.act((2, 3), {"step": 2}) == 0
    assert agent.act(np.array(3), {"step": np.int64(2)}) == 0  # a 0-d array is an index


@pytest.mark.parametrize("args,exc,pattern", [
    ((0, 2, 0.0, 1), ValueError, r"^action is 2; must be in \{0, \.\.\., 1\}"),
    ((0, -1, 0.0, 1), ValueError, r"^action is -1; must be >= 0"),
    ((0, True, 0.0, 1), TypeError, r"^action must be an integer"),
    ((0, 0, 1.5, 1), ValueError, r"^reward is 1.5; .*\(UCBVI assumes rewards in \[0, 1\]\)"),
    ((0, 0, -0.5, 1), ValueError, r"^reward is -0.5"),
    ((0, 0, float("nan"), 1), ValueError, r"^reward is nan"),
    ((0, 0, "1", 1), TypeError, r"^reward must be a real number"),
    ((0, 0, 0.0, 4), ValueError, r"^next_observation is 4; must be in \{0, \.\.\., 3\}"),
    ((0, 0, 0.0, (0, 1)), ValueError,
     r"^next_observation is at step 0; the transition from step h = 0 must end at step 1"),
    ((0, 0, 0.0, (1, 9)), ValueError, r"^next_observation\[1\] \(the state\) is 9"),
    ((0, 0, 0.0, (1, 2, 3)), ValueError, r"^next_observation is a tuple of length 3; "
                                         r"expected the pair \(h \+ 1, s'\) of step_in_obs=True$"),
    ((0, 0, 0.0, (0.5, 1)), TypeError, r"^next_observation\[0\] \(the step\) must be an "
                                       r"integer"),
    ((9, 0, 0.0, 1), ValueError, r"^observation is 9"),
])
def test_update_refuses_bad_transitions(args, exc, pattern):
    agent = UCBVIAgent(4, 2, 3, 10)
    with pytest.raises(exc, match=pattern):
        agent.update(*args, {"step": 0})
    assert agent.counts.sum() == 0  # nothing was learnt


def test_update_refuses_transitions_that_do_not_continue_the_episode():
    agent = UCBVIAgent(4, 2, 3, 10)
    with pytest.raises(ValueError, match=r"^update at step h = 1, but no episode is in progress: "
                                         r"an episode starts with the transition at h = 0$"):
        agent.update(0, 0, 0.0, 2, {"step": 1})
    agent.update(0, 0, 0.0, 2, {"step": 0})
    with pytest.raises(ValueError, match=r"^update at \(h, s\) = \(1, 1\) does not continue the "
                                         r"episode, which is at \(h, s\) = \(1, 2\): pass the "
                                         r"observation and the info the action was chosen from$"):
        agent.update(1, 0, 0.0, 1, {"step": 1})
    with pytest.raises(ValueError, match=r"^update at \(h, s\) = \(2, 2\) does not continue"):
        agent.update(2, 0, 0.0, 1, {"step": 2})  # a step skipped
    with pytest.raises(ValueError, match=r"^update at step h = 0, but episode 0 stopped at step "
                                         r"h = 1 of H = 3: UCBVIAgent learns from complete "
                                         r"episodes of H steps \(do not truncate them\)$"):
        agent.update(0, 0, 0.0, 1, {"step": 0})
    assert agent.counts.sum() == 1 and agent.episode == 0


def test_passing_the_next_info_is_caught():
    """A common slip: update(obs, a, r, next_obs, next_info) instead of info."""
    env = E.to_gymnasium(l1s())
    agent = UCBVIAgent(4, 2, 3, 10)
    obs, info = env.reset(seed=0)
    nobs, r, _, _, ninfo = env.step(agent.act(obs, info))
    with pytest.raises(ValueError, match="no episode is in progress"):
        agent.update(obs, 0, r, nobs, ninfo)


@pytest.mark.parametrize("make,exc,pattern", [
    (lambda: gymnasium.make("mdplab/RiverSwim-v0", H=5, n_states=7), ValueError,
     r"^env.observation_space is Discrete\(7\); this UCBVIAgent \(S = 6, H = 5\) needs "
     r"Discrete\(6\)"),
    (lambda: gymnasium.make("mdplab/RiverSwim-v0", H=6, step_in_obs=True), ValueError,
     r"Tuple\(\(Discrete\(6\), Discrete\(6\)\)\) \(step_in_obs=True\)"),
    (lambda: gymnasium.make("mdplab/Garnet-v0", S=6, A=3, H=5), ValueError,
     r"^env.action_space is Discrete\(3\); this UCBVIAgent has A = 2 actions"),
    (lambda: gymnasium.make("CartPole-v1"), ValueError, r"^env.action_space|^env.observation"),
    (lambda: E.to_gymnasium(E.make("random_linear"), observe="features"), ValueError,
     r"needs Discrete"),
    (lambda: "env", TypeError, r"^env must be a gymnasium environment \(with action_space "
                               r"and observation_space\), got str$"),
    (lambda: type("HalfEnv", (), {"action_space": gymnasium.spaces.Discrete(2)})(), TypeError,
     r"^env must be a gymnasium environment .*, got HalfEnv$"),
])
def test_check_env_refuses_mismatched_spaces(make, exc, pattern):
    agent = UCBVIAgent(6, 2, 5, 10)
    with pytest.raises(exc, match=pattern):
        agent.check_env(make())


def test_check_env_refuses_shifted_discrete_spaces():
    from gymnasium import spaces

    class Fake:
        action_space = spaces.Discrete(2, start=1)
        observation_space = spaces.Discrete(6)

    with pytest.raises(ValueError, match="needs Discrete"):
        UCBVIAgent(6, 2, 5, 10).check_env(Fake())
    Fake.action_space = spaces.Discrete(2)
    Fake.observation_space = spaces.Discrete(6, start=1)
    with pytest.raises(ValueError, match="observation_space"):
        UCBVIAgent(6, 2, 5, 10).check_env(Fake())
    Fake.observation_space = spaces.Tuple((spaces.Discrete(6), spaces.Discrete(6),
                                           spaces.Discrete(6)))
    with pytest.raises(ValueError, match="observation_space"):
        UCBVIAgent(6, 2, 5, 10).check_env(Fake())


def test_the_module_imports_no_gymnasium():
    import subprocess
    import sys

    code = ("import sys, mdplab.algorithms.online.ucbvi_agent as m; "
            "assert 'gymnasium' not in sys.modules, 'gymnasium imported'; print(m.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == UA.__name__
