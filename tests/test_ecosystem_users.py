"""The ecosystem bridges as their users use them, adversarially: gymnasium environments,
the converters of mdplab.interop and the ``to_pandas()`` tables.

Bad input of every kind (each error must name the argument and say what to do), seeding,
pickling and vector envs, gymnasium's own wrappers, an independent sampler compared with the
env by a two-sample chi-square test, the peers' own examples and solvers, and empty tables.
Every test below marked "regression" failed before the fix it names.
"""

from __future__ import annotations

import copy
import json
import math
import pickle
import re
import subprocess
import sys
import types
import warnings
from pathlib import Path

import gymnasium
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from gymnasium import wrappers
from gymnasium.utils.env_checker import check_env
from scipy import stats

import mdplab.envs as E
from mdplab.claims import ClaimReport, run_claims
from mdplab.claims.claim import Claim
from mdplab.experiments import run_experiment
from mdplab.experiments.params import Param
from mdplab.interop import (
    from_mdptoolbox,
    from_quantecon,
    from_scipy_sparse,
    from_toy_text,
    to_mdptoolbox,
    to_quantecon,
)
from mdplab.models import DiscountedMDP, FiniteHorizonMDP, SparseTransitions
from mdplab.planning import backward_induction, policy_iteration
from mdplab.sampling import Episodes, OfflineDataset, rollout, sample_iid

ROOT = Path(__file__).resolve().parents[1]
IDS = E.register_gymnasium()


def _make(env_id, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gymnasium's passive checker chatter
        return gymnasium.make(env_id, **kwargs)


# =========================================================================== gymnasium
def test_regression_make_refuses_an_instance_keyword_that_swaps_the_model():
    # before: gymnasium.make("mdplab/RiverSwim-v0", instance="chain") silently built a
    # chain under RiverSwim's id (the registered kwargs were overridden)
    with pytest.raises(ValueError, match=r"'instance' names the registered instance.*make "
                                         r"'mdplab/Chain-v0' instead"):
        gymnasium.make("mdplab/RiverSwim-v0", instance="chain")
    with pytest.raises(ValueError, match="unknown instance .no_such_instance.; known"):
        gymnasium.make("mdplab/RiverSwim-v0", instance="no_such_instance")
    env = _make("mdplab/RiverSwim-v0", instance="riverswim")  # the same instance is harmless
    assert env.unwrapped.model.S == 6
    # a user's own id with mdplab's entry point may name any instance
    gymnasium.register(id="myns/MyRiver-v0", entry_point=E.gymnasium_env.ENTRY_POINT,
                       kwargs={"instance": "riverswim"})
    assert _make("myns/MyRiver-v0", instance="chain").unwrapped.model.S == 10


def test_regression_a_registered_discounted_instance_has_episodes_that_end():
    # before: gymnasium.make("mdplab/HardDiscounted-v0") ran forever (a `while not done`
    # loop never ended); now its spec has max_episode_steps = ceil(10 / (1 - 0.9)) = 100
    assert gymnasium.spec("mdplab/HardDiscounted-v0").max_episode_steps == 100
    assert all(gymnasium.spec(i).max_episode_steps is None for i in IDS
               if i != "mdplab/HardDiscounted-v0")
    env = _make("mdplab/HardDiscounted-v0")
    env.reset(seed=0)
    n, done = 0, False
    while not done:
        _, _, terminated, truncated, _ = env.step(0)
        n, done = n + 1, terminated or truncated
    assert (n, terminated, truncated) == (100, False, True)
    assert _make("mdplab/HardDiscounted-v0", max_episode_steps=5).spec.max_episode_steps == 5
    unlimited = _make("mdplab/HardDiscounted-v0", max_episode_steps=-1)
    assert not any(isinstance(w, wrappers.TimeLimit) for w in _wrappers(unlimited))


def _wrappers(env):
    while isinstance(env, gymnasium.Wrapper):
        yield env
        env = env.env


def test_regression_step_in_obs_of_a_discounted_instance_says_how_to_build_it():
    # before: the error asked for max_episode_steps, which gymnasium.make never passes on
    with pytest.raises(ValueError, match=re.escape(
            "build it with mdplab.envs.to_gymnasium(mdplab.envs.make('riverswim', "
            "gamma=0.9), max_episode_steps=N, step_in_obs=True)")):
        gymnasium.make("mdplab/RiverSwim-v0", gamma=0.9, step_in_obs=True, max_episode_steps=9)
    env = E.to_gymnasium(E.make("riverswim", gamma=0.9), max_episode_steps=9, step_in_obs=True)
    check_env(env, skip_render_check=True)


@pytest.mark.parametrize("env_id", IDS)
def test_every_id_runs_to_the_end_with_observations_in_the_space(env_id):
    env = _make(env_id)
    env.action_space.seed(0)
    obs, info = env.reset(seed=0)
    assert env.observation_space.contains(obs) and info["step"] == 0
    for _ in range(2):
        total, steps, done = 0.0, 0, False
        while not done:
            obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
            assert env.observation_space.contains(obs) and isinstance(reward, float)
            assert math.isfinite(reward)
            total, steps, done = total + reward, steps + 1, terminated or truncated
            assert steps <= 1000, "an episode of a registered id must end"
        lo, hi = env.unwrapped.tabular.reward_range
        assert lo * steps - 1e-9 <= total <= hi * steps + 1e-9
        obs, _ = env.reset()
    if env.unwrapped.H is not None:  # finite horizon: the Tuple observation too
        tup = _make(env_id, step_in_obs=True)
        obs, _ = tup.reset(seed=1)
        done = False
        while not done:
            assert tup.observation_space.contains(obs)
            obs, _, terminated, truncated, _ = tup.step(tup.action_space.sample())
            done = terminated or truncated
        assert tup.observation_space.contains(obs) and obs[0] == tup.unwrapped.H


@pytest.mark.parametrize("kwargs,exc,pattern", [
    (dict(foo=1), TypeError, "has no argument 'foo'; the instance 'riverswim' takes n_states, "
     "H, gamma, variant, normalize, rho, the environment takes observe, step_in_obs, "
     "horizon_end, render_mode and gymnasium.make takes max_episode_steps"),
    (dict(H=True), TypeError, "H must be an integer, got True"),
    (dict(H=2.5), TypeError, "H must be an integer, got 2.5"),
    (dict(H=0), ValueError, "H is 0; must be >= 1"),
    (dict(H=-3), ValueError, "H is -3; must be >= 1"),
    (dict(gamma=True), TypeError, "gamma must be a real number, got True"),
    (dict(gamma=1), ValueError, r"gamma is 1.0; must lie in \[0, 1\)"),
    (dict(gamma=-0.1), ValueError, r"gamma is -0.1; must lie in \[0, 1\)"),
    (dict(gamma="0.9"), TypeError, "gamma must be a real number"),
    (dict(observe=1), TypeError, "observe must be a string, one of 'state', 'features'"),
    (dict(observe="features"), ValueError, "observe='features' needs a LinearMDP"),
    (dict(step_in_obs=1), TypeError, "step_in_obs must be True or False, got 1"),
    (dict(step_in_obs="yes"), TypeError, "step_in_obs must be True or False"),
    (dict(horizon_end="never"), ValueError, "horizon_end is 'never'; must be one of "
     "'terminated', 'truncated'"),
    (dict(render_mode="human"), ValueError, "render_mode is 'human'; must be one of 'ansi'"),
])
def test_bad_make_arguments_name_the_argument(kwargs, exc, pattern):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc, match=pattern):
            gymnasium.make("mdplab/RiverSwim-v0", **kwargs)


def test_numpy_scalars_are_accepted_where_python_numbers_are():
    env = _make("mdplab/RiverSwim-v0", H=np.int64(3), gamma=None, step_in_obs=np.bool_(True))
    assert env.unwrapped.H == 3 and env.unwrapped.step_in_obs is True
    d = _make("mdplab/RiverSwim-v0", gamma=np.float32(0.5))
    assert d.unwrapped.model.gamma == pytest.approx(0.5)
    env = E.to_gymnasium(E.make("riverswim", gamma=0.9), max_episode_steps=np.int64(4))
    assert env.H == 4
    with pytest.raises(TypeError, match="max_episode_steps must be an integer, got True"):
        E.to_gymnasium(E.make("riverswim", gamma=0.9), max_episode_steps=True)
    with pytest.raises(ValueError, match="max_episode_steps is -2; must be >= 1"):
        E.to_gymnasium(E.make("riverswim", gamma=0.9), max_episode_steps=-2)


@pytest.mark.parametrize("wrapped", [False, True])
def test_actions_of_every_type(wrapped):
    env = _make("mdplab/RiverSwim-v0") if wrapped else E.to_gymnasium(E.make("riverswim"))
    with pytest.raises(gymnasium.error.ResetNeeded):
        env.step(0)
    env.reset(seed=0)
    for ok in (np.int64(1), np.array(1), np.int32(0), np.uint8(1), 1, 0):
        env.step(ok)
    for bad in (1.0, np.float64(1.0), np.array(1.0), True, np.bool_(False), "1", None,
                np.array([1]), [1]):
        with pytest.raises(TypeError, match=r"action must be an integer in \{0, ..., 1\} "
                                            r"\(the action space Discrete\(2\)\)"):
            env.step(bad)
    for bad in (2, -1, np.int64(7)):
        with pytest.raises(ValueError, match=rf"action is {int(bad)}; must be in \{{0, ..., 1\}}"):
            env.step(bad)
    env.step(1)  # the refused actions did not advance the episode
    assert env.unwrapped.h == 7


@pytest.mark.parametrize("options,exc,pattern", [
    ({"state": 6}, ValueError, r"options\['state'\] is 6; must be in \{0, ..., 5\}"),
    ({"state": -1}, ValueError, r"options\['state'\] is -1; must be >= 0"),
    ({"state": True}, TypeError, r"options\['state'\] must be an integer, got True"),
    ({"state": "3"}, TypeError, r"options\['state'\] must be an integer"),
    ({"state": None}, TypeError, r"options\['state'\] must be an integer"),
    ({"start": 1}, ValueError, "unknown reset option 'start'; the options are: 'state'"),
    ([("state", 1)], TypeError, "options must be a dict or None"),
])
def test_bad_reset_options(options, exc, pattern):
    env = E.to_gymnasium(E.make("riverswim"))
    with pytest.raises(exc, match=pattern):
        env.reset(seed=0, options=options)
    assert env.reset(options={"state": np.int64(5)})[0] == 5
    assert env.reset(options={})[1] == {"step": 0}


def _plain(obs):
    return [_plain(x) for x in obs] if isinstance(obs, tuple) else np.asarray(obs).tolist()


def _trace(env, n, action=1):
    out = []
    for _ in range(n):
        obs, reward, terminated, truncated, _ = env.step(action)
        out.append((_plain(obs), reward, terminated, truncated))
        if terminated or truncated:
            out.append(("reset", _plain(env.reset()[0])))
    return out


@pytest.mark.parametrize("maker", [
    lambda: E.to_gymnasium(E.make("riverswim", H=6)),
    lambda: _make("mdplab/RiverSwim-v0", H=6),
    lambda: _make("mdplab/LinearSimplex-v0", observe="features", step_in_obs=True),
    lambda: E.to_gymnasium(E.make("riverswim", gamma=0.9), max_episode_steps=4),
    lambda: _make("mdplab/ContextualBandit-v0"),
])
def test_seeding_pickle_and_deepcopy_continue_the_same_stream(maker):
    a, b = maker(), maker()
    a.reset(seed=11)
    b.reset(seed=11)
    assert _trace(a, 3) == _trace(b, 3)
    # reset(seed=None) after a seeded reset continues the stream: same in both envs
    a.reset()
    b.reset()
    assert _trace(a, 3) == _trace(b, 3)
    # a copy made mid-episode continues exactly as the original
    c, d = pickle.loads(pickle.dumps(a)), copy.deepcopy(a)
    ref = _trace(a, 12)
    assert _trace(c, 12) == ref and _trace(d, 12) == ref
    # another seed, another episode stream
    b.reset(seed=12)
    a.reset(seed=11)
    assert _trace(a, 12) != _trace(b, 12)


def test_vector_envs_are_reproducible():
    def run(vec):
        obs, _ = vec.reset(seed=5)
        out = [obs.copy()]
        for t in range(25):
            obs, reward, terminated, truncated, _ = vec.step(np.array([t % 2, 1, 0]))
            out += [obs.copy(), reward.copy(), terminated.copy(), truncated.copy()]
        vec.close()
        return out

    def same(x, y):
        return all(np.array_equal(u, v) for u, v in zip(x, y, strict=True))

    mk = [lambda: gymnasium.make_vec("mdplab/RiverSwim-v0", num_envs=3, H=4,
                                     vectorization_mode="sync"),
          lambda: gymnasium.vector.SyncVectorEnv(
              [lambda: E.to_gymnasium(E.make("riverswim", H=4))] * 3)]
    runs = [run(m()) for m in mk for _ in range(2)]
    assert same(runs[0], runs[1]) and same(runs[2], runs[3])
    # the three sub-envs get different seeds (5, 6, 7): not three copies of one stream
    obs = np.array([r for r in runs[0][1::4]])
    assert not (np.array_equal(obs[:, 0], obs[:, 1]) and np.array_equal(obs[:, 1], obs[:, 2]))


def test_gymnasium_wrappers():
    env = _make("mdplab/RiverSwim-v0", H=5, step_in_obs=True)
    flat = wrappers.FlattenObservation(env)
    obs, _ = flat.reset(seed=0, options={"state": 3})
    assert flat.observation_space.shape == (6 + 6,)  # one-hot h in {0..5}, one-hot s
    assert obs.tolist() == [1, 0, 0, 0, 0, 0] + [0, 0, 0, 1, 0, 0]
    assert flat.observation_space.contains(obs)
    stats_env = wrappers.RecordEpisodeStatistics(_make("mdplab/RiverSwim-v0", H=5,
                                                       normalize=False))
    stats_env.reset(seed=0, options={"state": 5})
    rewards = []
    for _ in range(5):
        _, reward, terminated, truncated, info = stats_env.step(1)
        rewards.append(reward)
    assert terminated and not truncated
    assert info["episode"]["l"] == 5 and info["episode"]["r"] == pytest.approx(sum(rewards))
    tl = wrappers.TimeLimit(E.to_gymnasium(E.make("riverswim", H=10)), max_episode_steps=3)
    tl.reset(seed=0)
    assert [tl.step(1)[2:4] for _ in range(3)] == [(False, False)] * 2 + [(False, True)]
    feats = wrappers.FlattenObservation(_make("mdplab/LinearSimplex-v0", observe="features"))
    assert feats.reset(seed=0)[0].shape == (16,)


def test_rendering_spec_and_reward_scale():
    env = E.to_gymnasium(E.make("riverswim", H=3, normalize=False), render_mode="ansi")
    assert env.spec is None and env.render() == "h=-/3 (call reset())"
    env.reset(seed=0, options={"state": 5})
    _, reward, *_ = env.step(1)
    assert env.render() == f"h=1/3 s={env.state} (last: a=1, r={reward:g})"
    assert env.unwrapped.model.reward_range == (0.0, 3000.0)
    assert E.to_gymnasium(E.make("riverswim")).render() is None
    made = _make("mdplab/RiverSwim-v0", H=3)
    assert made.spec.id == "mdplab/RiverSwim-v0" and made.spec.kwargs == {
        "instance": "riverswim", "H": 3}
    assert gymnasium.make(made.spec).unwrapped.model.H == 3  # a spec re-makes the env
    json.loads(made.spec.to_json())


def _models():
    rng = np.random.default_rng(3)
    S, A, H = 4, 3, 3
    P = rng.dirichlet(np.ones(S), size=(H, S, A))
    P[P < 0.15] = 0.0
    P /= P.sum(axis=-1, keepdims=True)
    r = rng.random((H, S, A))
    return {
        "sparse_nonstationary": FiniteHorizonMDP(SparseTransitions.from_dense(P), r, H=H,
                                                 reward_dist="bernoulli"),
        "dense_nonstationary": FiniteHorizonMDP(P, r, H=H, reward_dist="bernoulli"),
        "sparse_discounted": DiscountedMDP(SparseTransitions.from_dense(P[0]), r[0], 0.8,
                                           reward_dist="bernoulli"),
    }


@pytest.mark.parametrize("name", ["sparse_nonstationary", "dense_nonstationary",
                                  "sparse_discounted"])
def test_check_env_on_sparse_and_nonstationary_models(name):
    model = _models()[name]
    kw = {"max_episode_steps": 6} if isinstance(model, DiscountedMDP) else {}
    check_env(E.to_gymnasium(model, **kw), skip_render_check=True)
    check_env(E.to_gymnasium(model, step_in_obs=True, **kw), skip_render_check=True)


# ---------------------------------------------------- an independent sampler, chi-square
def _own_episodes(P, r, rho, K, rng, steps, actions):
    """Our own 20-line sampler of episodes (h, s, a, s', reward) with given actions.

    P (H, S, A, S) (or (S, A, S) stationary), r (H, S, A) Bernoulli means, rho (S,).
    Vectorised inverse-CDF draws with ``(u > cdf).sum()``, written independently of
    mdplab.sampling (which uses searchsorted over the positive entries).
    """
    s = (rng.random(K)[:, None] > np.cumsum(rho)[None, :-1]).sum(axis=1)
    out = []
    for h in range(steps):
        a = actions[:, h]
        hp = min(h, P.shape[0] - 1) if P.ndim == 4 else None
        row = P[hp, s, a] if P.ndim == 4 else P[s, a]
        mean = r[hp, s, a] if r.ndim == 3 else r[s, a]
        reward = (rng.random(K) < mean).astype(np.int64)
        cdf = np.cumsum(row, axis=1)[:, :-1]
        s_next = (rng.random(K)[:, None] > cdf).sum(axis=1)
        out.append(np.stack([np.full(K, h), s, a, s_next, reward], axis=1))
        s = s_next
    return np.concatenate(out)


def _env_episodes(env, K, steps, actions, seed):
    rows = []
    env.reset(seed=seed)
    for k in range(K):
        _, info = env.reset()
        s = env.unwrapped.state
        for h in range(steps):
            a = int(actions[k, h])
            obs, reward, *_ = env.step(a)
            rows.append((h, s, a, int(obs), int(reward)))
            s = int(obs)
    return np.array(rows, dtype=np.int64)


def _homogeneity_p(x, y):
    """Two-sample chi-square test of homogeneity over the categories seen (p-value)."""
    keys = np.unique(np.concatenate([x, y]), axis=0)
    cx = np.array([np.sum(np.all(x == k, axis=1)) for k in keys])
    cy = np.array([np.sum(np.all(y == k, axis=1)) for k in keys])
    return stats.chi2_contingency(np.stack([cx, cy]))[1]


ALPHA = 1e-4  # false-alarm probability of each chi-square test (fixed seeds: deterministic)


@pytest.mark.parametrize("name", ["sparse_nonstationary", "sparse_discounted"])
def test_env_transitions_and_rewards_match_an_independent_sampler(name):
    model = _models()[name]
    disc = isinstance(model, DiscountedMDP)
    steps, K = 3, 12_000
    env = E.to_gymnasium(model, max_episode_steps=steps) if disc else E.to_gymnasium(model)
    actions = np.random.default_rng(0).integers(0, model.A, size=(K, steps))
    P = model.P_sparse.to_dense()  # (H, S, A, S), or (S, A, S) when discounted
    r = np.asarray(model.r)
    rho = np.asarray(model.rho)
    ours = _own_episodes(P, r, rho, K, np.random.default_rng(1), steps, actions)
    theirs = _env_episodes(env, K, steps, actions, seed=2)
    # the test can pass: env vs our sampler (same distribution) is not rejected at ALPHA
    assert _homogeneity_p(ours, theirs) > ALPHA
    # ... and fail: planted bugs in our sampler are rejected at ALPHA
    wrong_P = np.roll(P, 1, axis=0)  # the kernel of the wrong step (of the wrong state)
    bug = _own_episodes(wrong_P, r, rho, K, np.random.default_rng(1), steps, actions)
    assert _homogeneity_p(bug, theirs) < ALPHA
    bug = _own_episodes(P, np.clip(r + 0.04, 0, 1), rho, K, np.random.default_rng(1), steps,
                        actions)
    assert _homogeneity_p(bug, theirs) < ALPHA
