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


# ============================================================================ interop
def _qe_model(n, m, seed, sparse_rows=False):
    rng = np.random.default_rng(seed)
    Q = rng.dirichlet(np.ones(n), size=(n, m))
    if sparse_rows and n > 2:
        Q[Q < 0.2] = 0.0
        Q /= Q.sum(axis=-1, keepdims=True)
    return rng.random((n, m)), Q


def _qe_forms(R, Q, beta):
    """One model in every form quantecon documents: product, pair dense, pair csr, pair
    in shuffled order (quantecon sorts it), pair with a -inf reward."""
    from quantecon.markov import DiscreteDP

    n, m = R.shape
    s_idx, a_idx = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
    Rp, Qp = R.reshape(-1), Q.reshape(n * m, n)
    perm = np.random.default_rng(0).permutation(n * m)
    return {
        "product": DiscreteDP(R, Q, beta),
        "pair_dense": DiscreteDP(Rp, Qp, beta, s_idx, a_idx),
        "pair_csr": DiscreteDP(Rp, sp.csr_matrix(Qp), beta, s_idx, a_idx),
        "pair_csr_array": DiscreteDP(Rp, sp.csr_array(Qp), beta, s_idx, a_idx),
        "pair_shuffled": DiscreteDP(Rp[perm], Qp[perm], beta, s_idx[perm], a_idx[perm]),
    }


def _qe_dense_Q(ddp):
    return ddp.Q.toarray() if sp.issparse(ddp.Q) else np.asarray(ddp.Q)


def _assert_values_match_quantecon(ddp, mdp):
    res = ddp.solve(method="policy_iteration")
    sol = policy_iteration(mdp)
    scale = max(1.0, float(np.abs(res.v).max()))
    np.testing.assert_allclose(sol.V, res.v, rtol=0, atol=1e-9 * scale)
    # quantecon's optimal policy is optimal in the converted model (ties allowed)
    q_sigma = sol.Q[np.arange(mdp.S), res.sigma]
    np.testing.assert_allclose(q_sigma, sol.V, rtol=0, atol=1e-9 * scale)


@pytest.mark.parametrize("n,m,beta", [(5, 3, 0.9), (5, 3, 0.0), (4, 2, 0.999), (1, 3, 0.5),
                                      (4, 1, 0.9), (1, 1, 0.7)])
def test_quantecon_every_documented_form_converts_exactly(n, m, beta):
    R, Q = _qe_model(n, m, seed=n * 10 + m, sparse_rows=True)
    ref = None
    for form, ddp in _qe_forms(R, Q, beta).items():
        mdp = from_quantecon(ddp)
        assert mdp.is_sparse == form.startswith("pair_csr")
        assert mdp.gamma == beta and mdp.shape == (n, m)
        P = mdp.P_sparse.to_dense() if mdp.is_sparse else np.asarray(mdp.P)
        if ref is None:
            ref = (P, np.asarray(mdp.r))
        assert np.array_equal(P, ref[0]) and np.array_equal(mdp.r, ref[1]), form
        _assert_values_match_quantecon(ddp, mdp)
        # round trip from the quantecon side: equal arrays, in the same form
        back = to_quantecon(mdp, sa_pair=form != "product")
        src = ddp
        assert np.array_equal(_qe_dense_Q(back), _qe_dense_Q(src)), form
        assert np.array_equal(back.R, src.R) and back.beta == src.beta
        assert sp.issparse(back.Q) == sp.issparse(src.Q)


def test_quantecon_minus_inf_rewards_in_both_forms():
    from quantecon.markov import DiscreteDP

    R, Q = _qe_model(4, 3, seed=7)
    R[1, 2] = R[3, 0] = -np.inf
    n, m = R.shape
    keep = np.isfinite(R.reshape(-1))
    s_idx, a_idx = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
    forms = {"product": DiscreteDP(R, Q, 0.95),
             "pair_missing": DiscreteDP(R.reshape(-1)[keep], Q.reshape(n * m, n)[keep], 0.95,
                                        s_idx[keep], a_idx[keep]),
             "pair_minus_inf": DiscreteDP(R.reshape(-1), Q.reshape(n * m, n), 0.95, s_idx,
                                          a_idx)}
    for ddp in forms.values():
        with pytest.raises(ValueError, match=r"2 infeasible state-action pair\(s\).*\(s=1, "
                                             r"a=2\), \(s=3, a=0\).*Pass infeasible='penalize'"):
            from_quantecon(ddp)
        mdp = from_quantecon(ddp, infeasible="penalize")
        _assert_values_match_quantecon(ddp, mdp)
        back = to_quantecon(mdp, infeasible=~np.isfinite(R))
        assert np.array_equal(back.R, R)


def test_regression_quantecon_sparse_must_be_a_bool_and_float32_says_what_to_do():
    from quantecon.markov import DiscreteDP

    R, Q = _qe_model(3, 2, seed=1)
    # before: sparse="yes" was taken as True
    with pytest.raises(TypeError, match="sparse must be True, False or None"):
        from_quantecon(DiscreteDP(R, Q, 0.9), sparse="yes")
    assert from_quantecon(DiscreteDP(R, Q, 0.9), sparse=np.bool_(True)).is_sparse
    # before: a float32 Q was refused with "fix the source model" and no hint why
    with pytest.raises(ValueError, match=r"ddp.Q\[0, 0, :\] sums to .*the source is float32, "
                                         r"whose rounding .* build it in float64"):
        from_quantecon(DiscreteDP(R.astype(np.float32), Q.astype(np.float32), 0.9))
    # an exactly representable float32 kernel is fine
    Q2 = np.zeros_like(Q, dtype=np.float32)
    Q2[..., 0] = 0.5
    Q2[..., 1] = 0.25
    Q2[..., 2] = 0.25
    assert np.array_equal(from_quantecon(DiscreteDP(R, Q2, 0.9)).P, Q2)


def test_quantecon_bad_input_says_what_to_do():
    from quantecon.markov import DiscreteDP

    R, Q = _qe_model(3, 2, seed=2)
    with pytest.raises(ValueError, match=r"reward_range \(default \[0, 1\]\); pass "
                                         r"reward_range=\(-3, 7\) to accept them"):
        from_quantecon(DiscreteDP(np.array([[-3.0, 1], [2, 7], [0, 0]]), Q, 0.9))
    with pytest.raises(TypeError, match="ddp must be a quantecon.markov.DiscreteDP"):
        from_quantecon({"R": R, "Q": Q})
    with pytest.raises(ValueError, match="infeasible is 'drop'; must be one of"):
        from_quantecon(DiscreteDP(R, Q, 0.9), infeasible="drop")
    with pytest.raises(ValueError, match=r"rho\[:\] sums to 3"):
        from_quantecon(DiscreteDP(R, Q, 0.9), rho=np.ones(3))
    with pytest.raises(TypeError, match="mdp must be a DiscountedMDP, got FiniteHorizonMDP.*"
                                        "backward_induction"):
        to_quantecon(E.make("riverswim"))
    with pytest.raises(TypeError, match="infeasible must be a bool array"):
        to_quantecon(from_quantecon(DiscreteDP(R, Q, 0.9)), infeasible=np.zeros((3, 2)))


def _mdptoolbox_examples():
    import mdptoolbox.example as ex

    P_f, R_f = ex.forest()
    P_fs, R_fs = ex.forest(S=12, r1=3, r2=2, p=0.2, is_sparse=True)
    # pymdptoolbox's rand draws from numpy's legacy global RNG: seed it, then restore it
    rng_state = np.random.get_state()  # noqa: NPY002
    np.random.seed(1)  # noqa: NPY002
    P_r, R_r = ex.rand(6, 3)
    P_rs, R_rs = ex.rand(6, 3, is_sparse=True)
    P_m, R_m = ex.rand(5, 2, mask=np.random.default_rng(1).random((2, 5, 5)) < 0.5)
    np.random.set_state(rng_state)  # noqa: NPY002
    P_s, R_s = ex.small()
    return {"forest": (P_f, R_f, (0, 4)), "forest_sparse": (P_fs, R_fs, (0, 3)),
            "rand": (P_r, R_r, (-1, 1)), "rand_sparse": (P_rs, R_rs, (-1, 1)),
            "rand_mask": (P_m, R_m, (-1, 1)), "small": (P_s, R_s, (-1, 10))}


@pytest.mark.parametrize("name", ["forest", "forest_sparse", "rand", "rand_sparse",
                                  "rand_mask", "small"])
def test_mdptoolbox_examples_equal_its_own_solvers(name):
    import mdptoolbox.mdp as mdp_solvers

    P, R, reward_range = _mdptoolbox_examples()[name]
    model = from_mdptoolbox(P, R, gamma=0.9, reward_range=reward_range)
    assert model.is_sparse == name.endswith("_sparse")
    pi = mdp_solvers.PolicyIteration(P, R, 0.9, eval_type=0)
    pi.run()
    sol = policy_iteration(model)
    np.testing.assert_allclose(sol.V, np.asarray(pi.V), rtol=0, atol=1e-9)
    q_pi = sol.Q[np.arange(model.S), np.asarray(pi.policy)]
    np.testing.assert_allclose(q_pi, sol.V, rtol=0, atol=1e-9)
    fh = mdp_solvers.FiniteHorizon(P, R, 1, 4)
    fh.run()
    fin = backward_induction(from_mdptoolbox(P, R, H=4, reward_range=reward_range))
    np.testing.assert_allclose(fin.V[0], np.asarray(fh.V)[:, 0], rtol=0, atol=1e-12)
    # the round trip gives pymdptoolbox's own arrays back
    P_back, R_back = to_mdptoolbox(model)
    dense = [M.toarray() if sp.issparse(M) else np.asarray(M) for M in P]
    assert all(np.array_equal(a.toarray() if sp.issparse(a) else a, b)
               for a, b in zip(P_back, dense, strict=True))
    assert np.array_equal(R_back, model.r)
    if np.ndim(R) == 2:  # R (S, A) comes back as it was
        assert np.array_equal(R_back, R)


def test_mdptoolbox_odd_but_valid_inputs_agree():
    import mdptoolbox.example as ex

    P, R = ex.forest()
    ref = from_mdptoolbox(P, R, gamma=0.9, reward_range=(0, 4))
    variants = {
        "list_csr": [sp.csr_matrix(M) for M in P], "list_csc_array": [sp.csc_array(M)
                                                                      for M in P],
        "list_coo": [sp.coo_matrix(M) for M in P], "tuple_dense": tuple(P),
        "object_array": np.array(list(P) + [None], dtype=object)[:2],
    }
    for name, Pv in variants.items():
        m = from_mdptoolbox(Pv, R, gamma=0.9, reward_range=(0, 4))
        P_m = m.P_sparse.to_dense() if m.is_sparse else np.asarray(m.P)
        assert np.array_equal(P_m, ref.P) and np.array_equal(m.r, ref.r), name
    for name, Rv in {"R (S,)": R[:, 0], "R (A, S, S)": np.repeat(R.T[:, :, None], 3, axis=2),
                     "R list csr": [sp.csr_matrix(np.repeat(R.T[a][:, None], 3, axis=1))
                                    for a in range(2)],
                     "R int": R.astype(np.int64), "R sparse": sp.csr_matrix(R)}.items():
        m = from_mdptoolbox(P, Rv, gamma=0.9, reward_range=(0, 4))
        expect = np.repeat(R[:, :1], 2, axis=1) if name == "R (S,)" else R
        assert np.array_equal(m.r, expect), name
    ints = np.stack([np.eye(3, dtype=np.int64), np.roll(np.eye(3, dtype=np.int64), 1, axis=1)])
    assert np.array_equal(from_mdptoolbox(ints, np.zeros(3, dtype=np.int64), H=2).P[0],
                          ints.transpose(1, 0, 2))


@pytest.mark.parametrize("P_fn,R_fn,kw,exc,pattern", [
    (lambda P: P, lambda R: 1.0, {}, ValueError,
     r"R has shape \(\); expected \(S,\) = \(3,\), \(S, A\) = \(3, 2\), \(A, S, S\)"),
    (lambda P: P, lambda R: R.T, {}, ValueError, r"R has shape \(2, 3\) = \(A, S\).*pass R.T"),
    (lambda P: P.astype(np.float32), lambda R: R, {}, ValueError,
     r"P\[0, 0, :\] sums to .*the source is float32"),
    (lambda P: [sp.csr_matrix(M.astype(np.float32)) for M in P], lambda R: R, {}, ValueError,
     r"P\[0\]\[0, :\] sums to .*the source is float32"),
    (lambda P: sp.csr_matrix(P[0]), lambda R: R, {}, TypeError,
     "P is a single scipy.sparse matrix; pymdptoolbox's layout is a list of A"),
    (lambda P: P[0], lambda R: R, {}, ValueError, "P must have 3 dimensions"),
    (lambda P: [P[0], np.eye(2)], lambda R: R, {}, ValueError,
     r"P\[1\] has shape \(2, 2\) but P\[0\] has \(3, 3\)"),
    (lambda P: np.concatenate([P[:, :, :1] + 0.1, P[:, :, 1:] - 0.05], axis=2),
     lambda R: R, {}, ValueError, r"P\[0, 0, :\] has entry -0.05 at column 2; probabilities "
     r"must be >= 0"),
    (lambda P: P, lambda R: R, {"reward_range": None}, ValueError,
     r"pass reward_range=\(0, 4\) to accept them"),
    (lambda P: P, lambda R: R, {"gamma": None}, ValueError, "pass exactly one of H"),
    (lambda P: P, lambda R: R, {"H": 3}, ValueError, "got both"),
])
def test_mdptoolbox_bad_input(P_fn, R_fn, kw, exc, pattern):
    import mdptoolbox.example as ex

    P, R = ex.forest()
    args = {"gamma": 0.9, "reward_range": (0, 4), **kw}
    with pytest.raises(exc, match=pattern):
        from_mdptoolbox(P_fn(P), R_fn(R), **args)


def test_scipy_sparse_every_format_and_low_precision():
    rng = np.random.default_rng(4)
    P = rng.dirichlet(np.ones(4), size=(4, 2))
    P[P < 0.1] = 0
    P /= P.sum(axis=-1, keepdims=True)
    M = P.reshape(8, 4)
    for fmt in ("csr_matrix", "csc_matrix", "coo_matrix", "lil_matrix", "dok_matrix",
                "bsr_matrix", "dia_matrix", "csr_array", "coo_array", "csc_array"):
        assert np.array_equal(from_scipy_sparse(getattr(sp, fmt)(M), A=2).to_dense(), P), fmt
    assert np.array_equal(from_scipy_sparse(sp.coo_array(P)).to_dense(), P)
    with pytest.raises(ValueError, match=r"P\[\d, :\] \(s=\d, a=\d\) sums to .*float32"):
        from_scipy_sparse(sp.csr_matrix(M.astype(np.float32)), A=2)
    with pytest.raises(ValueError, match="pass A= "):
        from_scipy_sparse(sp.csr_matrix(M))
    with pytest.raises(ValueError, match=r"must have S\*A = 4\*3 = 12 rows"):
        from_scipy_sparse(sp.csr_matrix(M), A=3)


# ------------------------------------------------------------------------- toy text
@pytest.mark.parametrize("make_kwargs,reward_range", [
    (dict(id="FrozenLake-v1", map_name="8x8"), None),
    (dict(id="FrozenLake-v1", desc=["SFFH", "FHFF", "FFFG"], is_slippery=True), None),
    (dict(id="FrozenLake-v1", is_slippery=False), None),
    (dict(id="Taxi-v4"), (-10, 20)),
    (dict(id="CliffWalking-v1"), (-100, 0)),
])
def test_toy_text_env_unwrapped_wrapped_and_P_dict_agree(make_kwargs, reward_range):
    kwargs = dict(make_kwargs)
    env = gymnasium.make(kwargs.pop("id"), **kwargs)
    rho = np.asarray(env.unwrapped.initial_state_distrib)
    inputs = {"env": env, "unwrapped": env.unwrapped,
              "wrapped": wrappers.RecordEpisodeStatistics(env)}
    models = {k: from_toy_text(v, gamma=0.95, reward_range=reward_range)
              for k, v in inputs.items()}
    models["P"] = from_toy_text(env.unwrapped.P, gamma=0.95, reward_range=reward_range,
                                rho=rho)
    ref = models["env"]
    for name, m in models.items():
        assert np.array_equal(m.P, ref.P) and np.array_equal(m.r, ref.r), name
        assert np.array_equal(m.rho, rho), name
    S = env.observation_space.n
    assert ref.S == S and ref.A == env.action_space.n
    # values equal value iteration on the P dict itself, on every state an episode can
    # visit (terminal='absorb' is exact there, as documented)
    V = np.zeros(S)
    P = env.unwrapped.P
    for _ in range(2000):
        V_new = np.array([max(sum(p * (r + (0 if t else 0.95 * V[s2])) for p, s2, r, t in
                                  P[s][a]) for a in P[s]) for s in range(S)])
        if np.max(np.abs(V_new - V)) < 1e-12:
            break
        V = V_new
    live = np.zeros(S, dtype=bool)
    stack = list(np.flatnonzero(rho > 0))
    while stack:
        s = stack.pop()
        if not live[s]:
            live[s] = True
            stack += [s2 for a in P[s] for p, s2, _, t in P[s][a] if p > 0 and not t]
    np.testing.assert_allclose(policy_iteration(ref).V[live], V_new[live], atol=1e-8)


def _frozen_P():
    return copy.deepcopy(gymnasium.make("FrozenLake-v1").unwrapped.P)


def _set(P, s, a, k, i, value):
    o = list(P[s][a][k])
    o[i] = value
    P[s][a][k] = tuple(o)


@pytest.mark.parametrize("mutate,exc,pattern", [
    # regression: a missing state was reported as "P has keys 0, 1, 10, 11...; expected the
    # integers 0..14", naming neither the missing key nor the right range
    (lambda P: P.pop(3), ValueError, r"^P has no P\[3\] \(1 of the states 0..15 missing\); "
     "every state needs an entry"),
    (lambda P: P[5].pop(1), ValueError, r"^P\[5\] has no P\[5\]\[1\] \(1 of the actions 0..3 "
     "missing\\)"),
    # regression: a state 0 with an action fewer blamed P[1] ("P[1] has 4 actions but P[0]
    # has 3")
    (lambda P: P[0].pop(3), ValueError, r"^P\[0\] has 3 action\(s\) but P\[1\] has 4 "
     r"\(1 of 16 states have fewer than 4\).*add P\[0\]\[3\]"),
    (lambda P: _set(P, 1, 2, 0, 0, P[1][2][0][0] - 0.001), ValueError,
     r"^P\[1\]\[2\]: the probabilities sum to 0.999; they must sum to 1 \(tolerance 1e-9\): "
     "fix the P dict"),
    (lambda P: _set(P, 1, 2, 0, 0, -0.1), ValueError,
     r"^P\[1\]\[2\]\[0\]: prob is -0.1; probabilities must be >= 0"),
    (lambda P: _set(P, 1, 2, 0, 0, float("nan")), ValueError,
     r"^P\[1\]\[2\]\[0\]: prob is nan; must be finite"),
    (lambda P: _set(P, 1, 2, 0, 1, 16), ValueError,
     r"^P\[1\]\[2\]\[0\]: next_state is 16; must be in \{0, ..., 15\}"),
    (lambda P: _set(P, 1, 2, 0, 1, -1), ValueError, r"^P\[1\]\[2\]\[0\]: next_state is -1"),
    (lambda P: _set(P, 1, 2, 0, 0, np.float32(P[1][2][0][0])), ValueError,
     r"^P\[1\]\[2\]: the probabilities sum to .*the source is float32"),
    (lambda P: P.__setitem__(1, 5), TypeError, r"^P\[1\] must be a dict keyed 0..n-1"),
    (lambda P: P.__setitem__("x", P.pop(15)), ValueError, r"^P has key\(s\) 'x'; the keys of "
     "P must be the states"),
    (lambda P: P[1].__setitem__(2, []), ValueError, r"^P\[1\]\[2\] must be a non-empty list"),
])
def test_toy_text_bad_P_dicts_name_the_entry(mutate, exc, pattern):
    P = _frozen_P()
    from_toy_text(P, gamma=0.9)
    mutate(P)
    with pytest.raises(exc, match=pattern):
        from_toy_text(P, gamma=0.9)


def test_toy_text_not_a_toy_text_input():
    for bad in (3, "P", None, np.zeros((2, 2))):
        with pytest.raises(TypeError, match="env_or_P must be a gymnasium env or its P dict"):
            from_toy_text(bad, gamma=0.9)
    with pytest.raises(TypeError, match="env BlackjackEnv has no P dict"):
        from_toy_text(gymnasium.make("Blackjack-v1"), gamma=0.9)
    with pytest.raises(ValueError, match=r"got neither \(the env's time limit is "
                                         r"max_episode_steps=100: H=100 models it\)"):
        from_toy_text(gymnasium.make("FrozenLake-v1"))
    with pytest.raises(ValueError, match=r"pass reward_range=\(-10, 20\)"):
        from_toy_text(gymnasium.make("Taxi-v4"), gamma=0.9)


# ============================================================================= pandas
def test_empty_episodes_and_datasets_keep_their_columns_and_dtypes():
    empty = Episodes(np.zeros((0, 4), dtype=np.int64), np.zeros((0, 3), dtype=np.int64),
                     np.zeros((0, 3)), S=2, A=2)
    df = empty.to_pandas()
    assert df.empty and list(df.columns) == ["episode", "h", "state", "action", "reward",
                                             "next_state"]
    assert df.dtypes.astype(str).tolist() == ["int64"] * 4 + ["float64", "int64"]
    ints = ("h", "s", "a", "s_next", "n", "count", "episode")
    for H in (2, None):
        data = OfflineDataset(s=np.zeros(0, dtype=np.int64), a=np.zeros(0, dtype=np.int64),
                              s_next=np.zeros(0, dtype=np.int64), S=3, A=2, H=H)
        frames = {w: data.to_pandas(w) for w in ("transitions", "counts", "next_counts")}
        assert len(frames["transitions"]) == 0 and len(frames["next_counts"]) == 0
        assert len(frames["counts"]) == (3 * 2 if H is None else 2 * 3 * 2)
        assert (frames["counts"]["n"] == 0).all()
        for frame in frames.values():
            assert ("h" in frame.columns) == (H is not None)
            assert "episode" not in frame.columns
            for col in frame.columns:
                want = "int64" if col in ints else "float64"
                assert str(frame[col].dtype) == want, (H, col)


def test_dataset_tables_without_episode_ids_and_discounted():
    mdp = E.make("riverswim", H=3)
    fh = sample_iid(mdp, np.full((6, 2), 1 / 12), 40, rng=0)
    assert list(fh.to_pandas().columns) == ["h", "s", "a", "r", "s_next"]
    disc = sample_iid(E.make("riverswim", gamma=0.9), np.full((6, 2), 1 / 12), 40, rng=0)
    t = disc.to_pandas()
    assert list(t.columns) == ["s", "a", "r", "s_next"] and len(t) == 40
    counts = disc.to_pandas("counts")
    assert counts.n.sum() == 40 and np.array_equal(counts.n.to_numpy().reshape(6, 2), disc.n)
    nxt = disc.to_pandas("next_counts")
    assert np.array_equal(nxt.groupby(["s", "a"])["count"].sum().to_numpy(),
                          disc.n[disc.n > 0])
    with pytest.raises(ValueError, match="what is 'count'; must be 'transitions', 'counts'"):
        disc.to_pandas("count")


def test_frames_do_not_share_memory_with_the_read_only_arrays():
    ep = rollout(E.make("riverswim", H=3), np.ones((3, 6), dtype=np.int64), 5, rng=0)
    data = OfflineDataset.from_episodes(ep)
    before = {k: np.array(getattr(data, k)) for k in ("s", "a", "r", "s_next", "h", "episode")}
    n_before, ep_before = data.n.copy(), ep.states.copy()
    frames = [ep.to_pandas(), *(data.to_pandas(w) for w in ("transitions", "counts",
                                                             "next_counts"))]
    for frame in frames:
        for col in frame.columns:
            frame[col] = frame[col] * 0 + 1  # overwrite every column
            frame.loc[0, col] = 3
    for k, v in before.items():
        assert np.array_equal(getattr(data, k), v), k
        assert not getattr(data, k).flags.writeable
    assert np.array_equal(data.n, n_before) and np.array_equal(ep.states, ep_before)


def _sweep(tmp_path, run_cell, name, params=None, declared=None, out_dir=None):
    exp = types.SimpleNamespace(NAME=name, BASE_SEED=3, run_cell=run_cell,
                                grid=lambda q, *p: [{"mu": 0}, {"mu": 1}],
                                n_seeds=lambda q: 3)
    if declared is not None:
        exp.PARAMS = declared
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the cell-failure warnings
        return run_experiment(exp, params=params, out_dir=out_dir, progress=False,
                              store=tmp_path / f"{name}.sqlite")


def test_run_summary_tables_with_failures_params_and_no_out_dir(tmp_path):
    def cell(config, seed):
        if config["mu"] == 1 and seed % 2 == 0:
            raise RuntimeError("planted failure")
        return {"x": float(seed % 7), "k": 2, "ok": True, "path": np.arange(3) + config["mu"]}

    s = _sweep(tmp_path, cell, "partly_failing")
    assert s.csv_path is None and s.n_failed >= 1
    wide, long = s.to_pandas(), s.to_pandas(long=True)
    assert len(wide) == s.n_cells - s.n_failed == len(s.table)
    assert {c: str(t) for c, t in wide.dtypes.items()} == {
        "mu": "int64", "replicate": "int64", "seed": "int64", "x": "float64", "k": "int64",
        "ok": "bool"}
    assert len(long) == 3 * len(wide) and str(long["index"].dtype) == "int64"
    # every cell fails: the id columns are still there, replicate and seed int64
    dead = _sweep(tmp_path, lambda c, s: 1 / 0, "all_failing")
    assert dead.n_failed == dead.n_cells == 6
    for frame in (dead.to_pandas(), dead.to_pandas(long=True)):  # regression: no columns
        assert frame.empty and list(frame.columns)[:3] == ["mu", "replicate", "seed"]
        assert str(frame["replicate"].dtype) == "int64" and str(frame["seed"].dtype) == "int64"
    assert str(dead.to_pandas(long=True)["value"].dtype) == "float64"
    # parameter overrides: the table is the run's, and equals the CSV written for them
    declared = {"scale": Param(float, 1.0, "a factor", low=0.0)}
    p = _sweep(tmp_path, lambda c, seed, params: {"v": c["mu"] * params["scale"]}, "scaled",
               params={"scale": 2.5}, declared=declared, out_dir=tmp_path / "out")
    frame = p.to_pandas()
    assert frame["v"].tolist() == [0.0] * 3 + [2.5] * 3 and p.params["scale"] == 2.5
    pd.testing.assert_frame_equal(frame, pd.read_csv(p.csv_path), check_dtype=False)
    frame.loc[0, "v"] = 99.0
    assert p.table[0]["v"] == 0.0


def _cli(*args):
    proc = subprocess.run([sys.executable, "-m", "mdplab", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    return proc


def test_claim_reports_written_by_the_cli_read_back(tmp_path):
    _cli("check", "--paper", "foundations", "--no-progress", "--out", str(tmp_path))
    _cli("check", "--paper", "foundations", "--claim", "foundations.occupancy_flow",
         "--mutants", "--no-progress", "--out", str(tmp_path))
    report = ClaimReport.from_json(tmp_path / "claims-quick.json")
    df = report.to_pandas()
    records = json.loads((tmp_path / "claims-quick.json").read_text())
    assert df["claim_id"].tolist() == [r["claim_id"] for r in records]
    assert len(df) == 5 and df["verdict"].eq("pass").all() and df["mutant"].isna().all()
    assert df["statement"].isna().all()  # statements are not in the file
    row = df.set_index("claim_id").loc["foundations.generative_concentration"]
    rec = next(r for r in records if r["claim_id"] == "foundations.generative_concentration")
    assert (row.interval_low, row.interval_high) == tuple(rec["interval"])
    for col, kind in (("statistic", "float64"), ("bound", "float64"), ("passed", "bool"),
                      ("vacuous", "bool"), ("seconds", "float64")):
        assert str(df[col].dtype) == kind
    mutants = ClaimReport.from_json(tmp_path / "mutants-quick.json").to_pandas()
    assert len(mutants) == 2 and mutants["verdict"].eq("caught").all()
    assert mutants["mutant"].notna().all()
    # regression: a slice was a plain list, without to_pandas
    assert isinstance(report[1:3], ClaimReport) and len(report[1:3].to_pandas()) == 2
    assert report[0].claim_id == df["claim_id"][0]


def test_regression_empty_claim_report_has_typed_columns():
    df = ClaimReport([]).to_pandas()  # before: every column object
    assert df.empty and len(df.columns) == 15
    for col in ("statistic", "bound", "interval_low", "interval_high", "trivial_bound",
                "seconds"):
        assert str(df[col].dtype) == "float64"
    assert str(df["passed"].dtype) == "bool" and str(df["vacuous"].dtype) == "bool"


GOOD = {"claim_id": "toy.ok", "budget": "quick", "passed": True, "statistic": 0.25,
        "bound": 1.0, "relation": "<=", "interval": [0.0, 0.5], "details": {}, "seconds": 0.1,
        "mutant": None, "trivial_bound": None, "vacuous": False}


@pytest.mark.parametrize("text,pattern", [
    # regression (each of these was accepted and crashed later, or raised an unhelpful
    # TypeError / ValueError without the file and record)
    (json.dumps([{k: v for k, v in GOOD.items() if k != "statistic"}]),
     r"record 0 has no 'statistic'"),
    (json.dumps([{**GOOD, "statistic": "abc"}]), r"record 0: statistic is \"abc\"; must be "
                                                 "a number"),
    (json.dumps([{**GOOD, "statistic": None}]), r"record 0: statistic is null"),
    (json.dumps([GOOD, {**GOOD, "passed": "yes"}]), r"record 1: passed is \"yes\"; must be "
                                                    "true or false"),
    (json.dumps([{**GOOD, "interval": [1]}]), r"interval is \[1\]; must be null or a pair"),
    (json.dumps([{**GOOD, "interval": ["a", 1]}]), r"interval is \[\"a\", 1\]"),
    (json.dumps([{**GOOD, "seconds": None}]), r"seconds is null; must be a number"),
    (json.dumps([{**GOOD, "claim_id": 5}]), r"claim_id is 5; must be a string"),
    (json.dumps([{**GOOD, "budget": ["quick"]}]), r"budget is \[\"quick\"\]"),
    (json.dumps([{**GOOD, "mutant": 3}]), r"mutant is 3; must be a string or null"),
    (json.dumps([{**GOOD, "details": [1]}]), r"details is \[1\]; must be a JSON object"),
    (json.dumps([{**GOOD, "bound": True}]), r"bound is true; must be a number"),
    (json.dumps(GOOD), r"holds a dict; a claims report is a JSON list"),
    (json.dumps([1, 2]), r"record 0 is not an evidence record"),
    (json.dumps([GOOD])[:40], r"is not a JSON claims report"),
    ("", r"is not a JSON claims report"),
])
def test_corrupted_claim_reports_are_refused_naming_the_record(tmp_path, text, pattern):
    path = tmp_path / "claims-quick.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=re.escape(str(path)) + ".*" + pattern):
        ClaimReport.from_json(path)


def test_claim_report_file_problems(tmp_path):
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00 not text")
    with pytest.raises(ValueError, match="bin.json is not a JSON claims report .not UTF-8"):
        ClaimReport.from_json(tmp_path / "bin.json")
    with pytest.raises(ValueError, match="is a folder; pass the JSON report inside it"):
        ClaimReport.from_json(tmp_path)
    with pytest.raises(FileNotFoundError, match="`mdplab check` writes"):
        ClaimReport.from_json(tmp_path / "nope.json")
    with pytest.raises(TypeError, match="path must be a str or a path, got int"):
        ClaimReport.from_json(3)
    # what the writer stores for non-finite numbers reads back as floats
    path = tmp_path / "ok.json"
    path.write_text(json.dumps([{**GOOD, "statistic": "nan", "bound": "inf",
                                 "interval": ["-inf", 1], "trivial_bound": 2}]))
    row = ClaimReport.from_json(path).to_pandas().iloc[0]
    assert math.isnan(row.statistic) and row.bound == math.inf
    assert row.interval_low == -math.inf and row.trivial_bound == 2.0


def _user_check(budget, rng, impl):
    v = impl.value()
    return {"statistic": v, "bound": 1.0, "passed": v <= 1.0}


def _half():
    return 0.5


def _two():
    return 2.0


def test_claim_report_of_a_users_claims_with_a_planted_bug():
    claim = Claim("user.toy", "user", "value <= 1", "this test", _user_check,
                  {"value": _half}, mutants={"too_big": {"value": _two}})
    report = run_claims([claim])
    df = report.to_pandas()
    assert df.loc[0, "statement"] == "value <= 1" and df.loc[0, "verdict"] == "pass"
    copied = pickle.loads(pickle.dumps(report[:1]))
    assert isinstance(copied, ClaimReport) and copied.claims.keys() == {"user.toy"}
    assert copied.to_pandas().equals(df)
    from mdplab.claims import run_mutants

    caught = run_mutants([claim]).to_pandas()
    assert caught[["mutant", "verdict"]].values.tolist() == [["too_big", "caught"]]
