"""mdplab models as gymnasium environments (issue 9, Sec. 1): ``mdplab.envs.to_gymnasium`` and
``gymnasium.make("mdplab/<Name>-v0")``.

Statistical checks and their false-alarm probability
----------------------------------------------------
Every check of a correct sampler below (chi-square goodness of fit of the stepped transition
counts, binomial tests of the reward means, Hoeffding bounds on episode returns) rejects at
level ``LEVEL = ALPHA / N_CHECKS``, so by Bonferroni the probability that any of them fails for
a correct implementation is at most ``ALPHA = 1e-4`` (the seeds are fixed, so a run is
deterministic; the level says how unlucky a seed would have to be). Each check has a planted
bug (an off-by-one next state, the kernel of the wrong step, a kernel mixed with the uniform
distribution, a uniform start, rewards with the wrong mean, the wrong exact value) that the
same check rejects with a p-value far below ``LEVEL``.

The chi-square test pools, within each (h, s, a) row, the cells with expected count < 5
(Cochran's rule) and sums the rows' statistics: given the visit counts, the next states of
the visits to different rows are independent multinomials (Anderson & Goodman 1957, Ann.
Math. Statist. 28(1), "Statistical inference about Markov chains"), so the total is
chi-square with sum(cells - 1) degrees of freedom. A transition into a cell with
P = 0 is an immediate rejection (p = 0).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings

import gymnasium
import numpy as np
import pytest
from gymnasium.error import ResetNeeded
from gymnasium.utils.env_checker import check_env
from scipy import stats

from mdplab import envs
from mdplab.envs.gymnasium_env import MdplabEnv
from mdplab.models import Bandit, DiscountedMDP, FiniteHorizonMDP, LinearMDP
from mdplab.planning import backward_induction, evaluate_policy

envs.register_gymnasium()
NAMES = [e["name"] for e in envs.list_envs()]

#: overall false-alarm probability of the statistical checks of this file (Bonferroni)
ALPHA = 1e-4
#: number of checks of a correct sampler at LEVEL below: 6 chi-square tests of kernels
#: (riverswim, garnet sparse, random_linear, contextual bandit, discounted riverswim, and the
#: helper on numpy's own multinomial draws), 1 chi-square test of rho, 2 reward tests
#: (Bernoulli arms, one Bonferroni-corrected check over the arms; Beta rewards), and 3
#: Hoeffding checks of returns in each of the 2 regret tests
N_CHECKS = 15
LEVEL = ALPHA / N_CHECKS


def _make(gym_id: str, **kwargs) -> gymnasium.Env:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return gymnasium.make(gym_id, **kwargs)


# --------------------------------------------------------------------------- statistics
def chi_square_pvalue(counts: np.ndarray, P: np.ndarray, min_expected: float = 5.0) -> float:
    """p-value of "the rows of ``counts`` are multinomial draws from the rows of ``P``".

    ``counts`` and ``P`` have the same shape (..., S); rows with no visit are skipped. Cells
    with expected count < ``min_expected`` are pooled within their row (smallest first, a
    short last group joins the previous one). 0 when a cell with P <= 0 has a count.
    """
    counts = np.asarray(counts).reshape(-1, P.shape[-1])
    P = np.asarray(P, dtype=np.float64).reshape(-1, P.shape[-1])
    if counts[P <= 0].sum() > 0:
        return 0.0
    obs, exp, rows = [], [], 0
    for c, p in zip(counts, P, strict=True):
        n = c.sum()
        if n == 0:
            continue
        e = n * np.maximum(p, 0.0)
        order = np.argsort(e, kind="stable")
        groups: list[list[int]] = [[]]
        acc = 0.0
        for j in order:
            groups[-1].append(j)
            acc += e[j]
            if acc >= min_expected:
                groups.append([])
                acc = 0.0
        if not groups[-1]:
            groups.pop()
        elif len(groups) > 1:
            short = groups.pop()
            groups[-1] += short
        if len(groups) < 2:
            continue  # one pooled cell: no degree of freedom
        rows += 1
        obs += [c[g].sum() for g in groups]
        exp += [e[g].sum() for g in groups]
    if rows == 0:
        return 1.0
    # one pooled test: k cells in `rows` independent multinomials -> k - rows dof
    return float(stats.chisquare(obs, exp, ddof=rows - 1).pvalue)


def run_uniform(env: gymnasium.Env, n_episodes: int, seed: int):
    """Step ``n_episodes`` with uniformly random actions (an rng of their own).

    Returns (counts (T, S, A, S) of (h, s, a, s'), start counts (S,), rewards (K, T),
    means (K, T) from ``info["mean_reward"]``), T = the episode length.
    """
    u = env.unwrapped
    T, S, A = u.H, u.tabular.S, u.tabular.A
    actions = np.random.default_rng(seed + 1).integers(A, size=(n_episodes, T))
    states = np.empty((n_episodes, T + 1), dtype=np.int64)
    rewards = np.empty((n_episodes, T))
    means = np.empty((n_episodes, T))
    for k in range(n_episodes):
        obs, _ = env.reset(seed=seed) if k == 0 else env.reset()
        states[k, 0] = obs
        for h in range(T):
            obs, rewards[k, h], term, trunc, info = env.step(actions[k, h])
            states[k, h + 1] = obs
            means[k, h] = info["mean_reward"]
            assert (term or trunc) == (h == T - 1)
    counts = np.zeros((T, S, A, S), dtype=np.int64)
    hh = np.broadcast_to(np.arange(T), actions.shape)
    np.add.at(counts, (hh, states[:, :-1], actions, states[:, 1:]), 1)
    start = np.bincount(states[:, 0], minlength=S)
    return counts, start, rewards, means


def _kernel(env: gymnasium.Env) -> np.ndarray:
    """The exact P of what the env steps, shaped (T, S, A, S)."""
    u = env.unwrapped
    P = np.asarray(u.tabular.P)
    return np.broadcast_to(P, (u.H, *P.shape)) if P.ndim == 3 else P


class OffByOne(MdplabEnv):
    """Planted bug: the successor of the sampled next state (mod S)."""

    def _sample_next(self, h, s, a):
        return (super()._sample_next(h, s, a) + 1) % self._S


class WrongStep(MdplabEnv):
    """Planted bug: the kernel of step h + 1 (the last step's at h = H - 1)."""

    def _sample_next(self, h, s, a):
        return super()._sample_next(min(h + 1, self.H - 1), s, a)


class MixedUniform(MdplabEnv):
    """Planted bug: with probability 0.2 a uniform next state instead of one from P."""

    def _sample_next(self, h, s, a):
        nxt = super()._sample_next(h, s, a)
        return int(self.np_random.integers(self._S)) if self.np_random.random() < 0.2 else nxt


class UniformStart(MdplabEnv):
    """Planted bug: s_0 uniform instead of from rho."""

    def _sample_start(self):
        return int(self.np_random.integers(self._S))


class ShiftedReward(MdplabEnv):
    """Planted bug: rewards drawn with mean r + 0.1 (capped at 1)."""

    def _sample_reward(self, mean):
        return super()._sample_reward(min(mean + 0.1, 1.0))


# --------------------------------------------------------------------------- check_env
@pytest.mark.parametrize("name", NAMES)
def test_every_registered_instance_passes_gymnasiums_env_checker(name):
    gym_id = envs.gymnasium_id(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a checker warning fails the test too
        env = gymnasium.make(gym_id)
        check_env(env.unwrapped)
        check_env(env.unwrapped, skip_render_check=True)
        env = gymnasium.make(gym_id, render_mode="ansi")
        check_env(env.unwrapped)
    model = envs.make(name)
    assert type(env.unwrapped.model) is type(model)
    assert env.unwrapped.action_space == gymnasium.spaces.Discrete(model.A)


@pytest.mark.parametrize("kwargs", [
    dict(observe="features"), dict(observe="features", step_in_obs=True),
    dict(step_in_obs=True), dict(horizon_end="truncated")])
def test_env_checker_passes_the_options(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(_make("mdplab/RandomLinear-v0", **kwargs).unwrapped)
        check_env(_make("mdplab/RiverSwim-v0", gamma=0.9, max_episode_steps=5).unwrapped)
        if "observe" not in kwargs and "horizon_end" not in kwargs:
            check_env(envs.to_gymnasium(envs.make("riverswim", gamma=0.9), max_episode_steps=5,
                                        **kwargs), skip_render_check=True)


def test_the_env_checker_can_fail():
    class Broken(MdplabEnv):  # observations outside the observation space
        def _observation(self):
            return np.int64(self._S)

    with pytest.raises(AssertionError):
        check_env(Broken(envs.make("riverswim", H=5)), skip_render_check=True)


# --------------------------------------------------------------------------- registration
def _python(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def test_gymnasium_is_imported_only_when_used():
    loaded = json.loads(_python(
        "import json, sys, mdplab, mdplab.envs; "
        "print(json.dumps([m for m in sys.modules if m.startswith('gymnasium') "
        "or m == 'mdplab.envs.gymnasium_env']))"))
    assert loaded == []
    # first use of a gymnasium name imports it, and registers the ids
    assert _python(
        "import sys, mdplab.envs as E; assert 'gymnasium' not in sys.modules; "
        "f = E.to_gymnasium; import gymnasium; "
        "print(f.__module__, 'mdplab/RiverSwim-v0' in gymnasium.registry)"
    ) == "mdplab.envs.gymnasium_env True"


def test_without_gymnasium_mdplab_envs_works_and_says_what_to_install():
    out = _python(
        "import sys; sys.modules['gymnasium'] = None  # as if it were not installed\n"
        "import mdplab.envs as E\n"
        "print(E.make('chain').S)\n"
        "try:\n    E.to_gymnasium\nexcept ImportError as exc:\n    print(exc)\n")
    assert out == ("10\nmdplab.envs.to_gymnasium needs gymnasium, an optional dependency: "
                   "pip install 'mdplab-theory[gym]'")


def test_vector_envs():
    venv = gymnasium.make_vec("mdplab/RiverSwim-v0", num_envs=3, vectorization_mode="sync", H=4)
    obs, info = venv.reset(seed=0)
    assert obs.shape == (3,) and list(info["step"]) == [0, 0, 0]
    ends = [venv.step(np.array([1, 1, 0]))[2] for _ in range(4)]
    assert [list(e) for e in ends] == [[False] * 3] * 3 + [[True] * 3]
    venv.close()


def test_registration_in_each_import_order():
    # gymnasium first: `import mdplab.envs` registers
    assert _python("import gymnasium, mdplab.envs; "
                   "print(len([i for i in gymnasium.registry if i.startswith('mdplab/')]))") \
        == str(len(NAMES))
    # mdplab.envs first: register_gymnasium(), or the "module:id" form of gymnasium.make
    assert _python(
        "import mdplab.envs, gymnasium; print('mdplab/RiverSwim-v0' in gymnasium.registry); "
        "env = gymnasium.make('mdplab.envs.gymnasium_env:mdplab/RiverSwim-v0', H=7); "
        "print(env.unwrapped.model.H)") == "False\n7"
    assert _python("import mdplab.envs as E, gymnasium; ids = E.register_gymnasium(); "
                   "print(len(ids), gymnasium.make('mdplab/Chain-v0').unwrapped.model.S)") \
        == f"{len(NAMES)} 10"


def test_register_gymnasium_is_idempotent_and_picks_up_new_instances():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Overriding environment" warning
        assert envs.register_gymnasium() == [envs.gymnasium_id(n) for n in NAMES]
    code = (
        "import mdplab.envs as E, gymnasium\n"
        "@E.register('my_small_chain')\n"
        "def my_small_chain(H: int = 3):\n"
        "    '''A user's instance. Source: this test.'''\n"
        "    return E.chain(n_states=4, H=H)\n"
        "E.register_gymnasium()\n"
        "print(gymnasium.make('mdplab/MySmallChain-v0', H=2).unwrapped.model.H)\n"
    )
    assert _python(code) == "2"


def test_the_module_examples_run():
    import doctest

    from mdplab.envs import gymnasium_env

    result = doctest.testmod(gymnasium_env, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 6 and result.failed == 0


def test_gymnasium_ids():
    ids = [envs.gymnasium_id(n) for n in NAMES]
    assert len(set(ids)) == len(NAMES)
    for gym_id in ids:
        ns, name, version = gymnasium.envs.registration.parse_env_id(gym_id)
        assert ns == "mdplab" and version == 0 and name[0].isupper() and "_" not in name
    assert envs.gymnasium_id("riverswim") == "mdplab/RiverSwim-v0"
    assert envs.gymnasium_id("bernoulli_bandit") == "mdplab/BernoulliBandit-v0"
    assert envs.gymnasium_id("mab_many_arms") == "mdplab/MABManyArms-v0"
    assert envs.gymnasium_id("cb_expert") == "mdplab/CBExpert-v0"
    assert envs.gymnasium_id("gridworld") == "mdplab/GridWorld-v0"
    with pytest.raises(ValueError, match="unknown instance 'riverswimm'.*did you mean"):
        envs.gymnasium_id("riverswimm")


def test_make_kwargs_go_to_the_instance_and_to_the_env():
    env = _make("mdplab/Garnet-v0", seed=3, H=4, step_in_obs=True)
    ref = envs.make("garnet", seed=3, H=4)
    assert env.unwrapped.model.H == 4 and env.unwrapped.step_in_obs
    assert np.array_equal(env.unwrapped.model.P, ref.P)
    assert np.array_equal(env.unwrapped.model.r, ref.r)
    assert env.unwrapped.spec.kwargs == {"instance": "garnet", "seed": 3, "H": 4,
                                         "step_in_obs": True}
    # gymnasium.make's max_episode_steps is its TimeLimit: a discounted instance's episodes
    env = _make("mdplab/RiverSwim-v0", gamma=0.9, max_episode_steps=7)
    assert isinstance(env.unwrapped.model, DiscountedMDP) and env.unwrapped.H is None
    env.reset(seed=0)
    ends = [env.step(1)[2:4] for _ in range(7)]
    assert ends == [(False, False)] * 6 + [(False, True)]
    with pytest.raises(TypeError, match="has no argument 'horizon'.*takes n_states, H"):
        gymnasium.make("mdplab/RiverSwim-v0", horizon=3)
    with pytest.raises(TypeError, match="HardEpisodic-v0 has no argument 'gamma'; the instance "
                                        "'hard_episodic' takes S, H, C"):
        gymnasium.make("mdplab/HardEpisodic-v0", gamma=0.5)


# --------------------------------------------------------------------------- episodes
def test_finite_horizon_episode_ends_at_H_and_reports_the_step():
    model = envs.make("riverswim", H=5)
    env = envs.to_gymnasium(model)
    assert env.unwrapped.model is model and env.unwrapped.tabular is model
    assert env.unwrapped.h is None and env.unwrapped.state is None
    obs, info = env.reset(seed=0)
    assert info == {"step": 0} and env.unwrapped.h == 0 and obs == env.unwrapped.state
    for h in range(5):
        s = env.unwrapped.state
        obs, reward, term, trunc, info = env.step(1)
        assert (term, trunc) == ((h == 4), False)
        assert info == {"step": h + 1, "mean_reward": model.r[h, s, 1]}
        assert reward == model.r[h, s, 1]  # deterministic rewards
        assert env.unwrapped.h == h + 1 and env.unwrapped.state == obs
        assert isinstance(obs, np.int64) and env.observation_space.contains(obs)
    with pytest.raises(ResetNeeded, match="episode ended at step h = 5; call reset"):
        env.step(0)
    env = envs.to_gymnasium(model, horizon_end="truncated")
    env.reset(seed=0)
    assert [env.step(0)[2:4] for _ in range(5)][-1] == (False, True)
    with pytest.raises(ResetNeeded, match=r"call reset\(\) before step"):
        envs.to_gymnasium(model).step(0)


def test_bandits_are_one_step_episodes_with_contexts_from_rho():
    bandit = envs.make("gap_bandit")
    env = envs.to_gymnasium(bandit)
    assert isinstance(bandit, Bandit) and env.observation_space == gymnasium.spaces.Discrete(1)
    obs, info = env.reset(seed=0)
    obs, reward, term, trunc, info = env.step(bandit.optimal_arm)
    assert (obs, term, trunc, info["step"]) == (0, True, False, 1)
    assert reward in (0.0, 1.0) and info["mean_reward"] == bandit.arm_means[bandit.optimal_arm]
    cb = envs.make("cb_expert")
    env = envs.to_gymnasium(cb)
    start = np.bincount([env.reset(seed=i)[0] for i in range(200)], minlength=cb.S)
    assert start[0] > 100  # rho puts 0.81 on context 0 (exactly tested below)


def test_discounted_episodes_truncate_at_max_episode_steps_only():
    model = envs.make("riverswim", gamma=0.95)
    env = envs.to_gymnasium(model, max_episode_steps=30)
    env.reset(seed=1)
    ends = [env.step(t % 2)[2:4] for t in range(30)]
    assert ends[:-1] == [(False, False)] * 29 and ends[-1] == (False, True)
    assert env.unwrapped.h == 30
    env = envs.to_gymnasium(model)  # no limit: never ends
    env.reset(seed=1)
    assert not any(any(env.step(1)[2:4]) for _ in range(2000))
    assert env.unwrapped.h == 2000 and env.unwrapped.H is None
    assert env.render() is None


def test_step_in_obs():
    model = envs.make("chain", H=4)
    env = envs.to_gymnasium(model, step_in_obs=True)
    assert env.observation_space == gymnasium.spaces.Tuple(
        (gymnasium.spaces.Discrete(5), gymnasium.spaces.Discrete(model.S)))
    obs, _ = env.reset(seed=0)
    assert obs == (0, 0)
    for h in range(4):
        obs = env.step(1)[0]
        assert obs[0] == h + 1 and env.observation_space.contains(obs)
    env = envs.to_gymnasium(envs.make("chain", gamma=0.9), step_in_obs=True,
                            max_episode_steps=3)
    assert env.observation_space[0] == gymnasium.spaces.Discrete(4)


@pytest.mark.parametrize("name", ["random_linear", "tabular_as_linear"])
def test_linear_mdp_features_in_info_and_as_observation(name):
    model = envs.make(name)
    assert isinstance(model, LinearMDP)
    env = envs.to_gymnasium(model)
    obs, info = env.reset(seed=2)
    assert np.array_equal(info["phi"], model.features(0)[obs]) and info["phi"].shape == (
        model.A, model.d)
    fenv = envs.to_gymnasium(model, observe="features")
    assert fenv.observation_space.shape == (model.A, model.d)
    assert fenv.observation_space.dtype == np.float64
    x, finfo = fenv.reset(seed=2)
    s = fenv.unwrapped.state
    assert s == obs and np.array_equal(x, model.features(0)[s])
    assert fenv.observation_space.contains(x) and np.array_equal(finfo["phi"], x)
    for h in range(model.H):
        o1, r1, *_, i1 = env.step(h % model.A)
        x, r2, term, trunc, i2 = fenv.step(h % model.A)
        assert r1 == r2 and fenv.unwrapped.state == o1  # same seed: the same episode
        want = model.features(h + 1)[o1] if h + 1 < model.H else np.zeros((model.A, model.d))
        assert np.array_equal(x, want) and np.array_equal(i1["phi"], want)
        assert fenv.observation_space.contains(x)
    assert term and not trunc
    # the tabular form is what is stepped: exact, and the mean rewards are phi . theta
    assert np.allclose(env.unwrapped.tabular.r[0], model.features(0) @ model.reward_parameter(0))


def test_reset_options_and_rendering():
    env = envs.to_gymnasium(envs.make("riverswim", H=3), render_mode="ansi")
    assert env.render() == "h=-/3 (call reset())"
    assert env.reset(seed=0, options={"state": 5})[0] == 5
    env.step(1)
    assert env.render().startswith("h=1/3 s=") and "(last: a=1, r=" in env.render()
    with pytest.raises(ValueError, match=r"options\['state'\] is 6; must be in \{0, ..., 5\}"):
        env.reset(options={"state": 6})
    with pytest.raises(ValueError, match="unknown reset option 'start'"):
        env.reset(options={"start": 1})
    with pytest.raises(TypeError, match="options must be a dict"):
        env.reset(options=[("state", 1)])


# --------------------------------------------------------------------------- bad arguments
def test_bad_models_and_options_raise_clear_errors():
    fh = envs.make("riverswim", H=5)
    disc = envs.make("riverswim", gamma=0.9)
    accepted = "FiniteHorizonMDP, DiscountedMDP, LinearMDP, Bandit or ContextualBandit"
    for bad in ("riverswim", np.zeros((2, 2, 2)), None):
        with pytest.raises(TypeError, match=accepted):
            envs.to_gymnasium(bad)
    cases = [
        (dict(observe="pixels"), ValueError, "observe is 'pixels'; must be one of 'state', "),
        (dict(observe=1), TypeError, "observe must be a string"),
        (dict(observe="features"), ValueError, "observe='features' needs a LinearMDP"),
        (dict(step_in_obs="yes"), TypeError, "step_in_obs must be True or False"),
        (dict(horizon_end="end"), ValueError, "horizon_end is 'end'"),
        (dict(render_mode="human"), ValueError, "render_mode is 'human'; must be one of 'ansi'"),
        (dict(max_episode_steps=10), ValueError, "episodes end at its horizon H = 5"),
    ]
    for kwargs, exc, msg in cases:
        with pytest.raises(exc, match=msg):
            envs.to_gymnasium(fh, **kwargs)
    cases = [
        (dict(max_episode_steps=0), ValueError, "max_episode_steps is 0; must be >= 1"),
        (dict(max_episode_steps=2.5), TypeError, "max_episode_steps must be an integer"),
        (dict(step_in_obs=True), ValueError, "step_in_obs=True for a DiscountedMDP needs "
                                             "max_episode_steps"),
        (dict(horizon_end="truncated"), ValueError, "a DiscountedMDP has no horizon"),
    ]
    for kwargs, exc, msg in cases:
        with pytest.raises(exc, match=msg):
            envs.to_gymnasium(disc, **kwargs)


def test_actions_outside_the_action_space_are_refused():
    env = envs.to_gymnasium(envs.make("riverswim", H=5))
    env.reset(seed=0)
    for bad in (2, -1, np.int64(7)):
        with pytest.raises(ValueError, match=r"must be in \{0, ..., 1\} \(the action space "
                                             r"Discrete\(2\)\)"):
            env.step(bad)
    for bad in (1.0, True, "0", None, np.array([1])):
        with pytest.raises(TypeError, match="action must be an integer in"):
            env.step(bad)
    assert env.unwrapped.h == 0  # nothing was stepped
    for good in (1, np.int64(1), np.int32(0), np.array(1)):
        env.step(good)
    assert env.unwrapped.h == 4


# --------------------------------------------------------------------------- seeding
def _trajectory(env, seed, n_episodes=3):
    actions = np.random.default_rng(99).integers(env.action_space.n, size=10_000)
    out, t = [], 0
    for k in range(n_episodes):
        obs, info = env.reset(seed=seed) if k == 0 else env.reset()
        out.append((obs, info))
        for _ in range(50):  # discounted instances: the first 50 steps
            step = env.step(actions[t])
            t += 1
            out.append(step)
            if step[2] or step[3]:
                break
    return out


def _equal(a, b) -> bool:
    return gymnasium.utils.env_checker.data_equivalence(a, b, exact=True)


@pytest.mark.parametrize("name", NAMES)
def test_reset_seed_reproduces_episodes_bit_for_bit(name):
    gym_id = envs.gymnasium_id(name)
    a = _trajectory(_make(gym_id), seed=5)
    b = _trajectory(_make(gym_id), seed=5)
    direct = _trajectory(envs.to_gymnasium(envs.make(name)), seed=5)
    assert _equal(a, b) and _equal(a, direct)
    # a different seed gives a different episode (unless the instance has no randomness)
    model = envs.make(name)
    tab = model.to_tabular() if isinstance(model, LinearMDP) else model
    random_rewards = tab.reward_dist.name != "deterministic"
    random_moves = ((np.asarray(tab.P) > 0).sum(-1) > 1).any() or (tab.rho > 0).sum() > 1
    if random_rewards or random_moves:
        others = [_trajectory(_make(gym_id), seed=s) for s in (6, 7, 8)]
        assert not all(_equal(a, o) for o in others)


# --------------------------------------------------------------------------- transitions
def test_chi_square_helper_accepts_exact_multinomial_draws():
    rng = np.random.default_rng(11)
    P = rng.dirichlet(np.full(6, 0.3), size=(4, 3))
    n = rng.integers(0, 200, size=(4, 3))
    counts = np.array([[rng.multinomial(n[i, j], P[i, j]) for j in range(3)] for i in range(4)])
    assert chi_square_pvalue(counts, P) > LEVEL
    assert chi_square_pvalue(counts, P[::-1]) < 1e-12  # and it rejects the wrong rows


#: (gym id, make kwargs, episodes); sizes keep every row's pooled test informative
GOF_CASES = [
    ("mdplab/RiverSwim-v0", dict(H=20), 1500),
    ("mdplab/Garnet-v0", dict(H=8, sparse=True), 1500),  # the sparse-kernel sampler
    ("mdplab/RandomLinear-v0", dict(), 3000),  # a non-stationary LinearMDP
    ("mdplab/ContextualBandit-v0", dict(), 5000),
    ("mdplab/RiverSwim-v0", dict(gamma=0.9), 1000),  # stepped with max_episode_steps=15
]


@pytest.mark.parametrize("gym_id,kwargs,n", GOF_CASES, ids=[c[0] + str(c[1]) for c in GOF_CASES])
def test_transition_frequencies_match_the_kernel(gym_id, kwargs, n):
    env = _make(gym_id, **kwargs).unwrapped
    if "gamma" in kwargs:  # a discounted instance: episodes of 15 steps
        env = envs.to_gymnasium(env.model, max_episode_steps=15)
    assert getattr(env.model, "is_sparse", False) == kwargs.get("sparse", False)
    counts, _, _, _ = run_uniform(env, n, seed=2024)
    assert counts.sum() == n * env.H
    p = chi_square_pvalue(counts, _kernel(env))
    assert p > LEVEL, f"{gym_id}: chi-square p = {p:.3g}"


def test_start_states_match_rho():
    model = envs.make("cb_expert")  # rho: 0.81 on context 0, the rest spread
    env = envs.to_gymnasium(model)
    start = run_uniform(env, 4000, seed=7)[1]
    assert chi_square_pvalue(start, model.rho) > LEVEL
    bug = run_uniform(UniformStart(model), 4000, seed=7)[1]
    assert chi_square_pvalue(bug, model.rho) < 1e-12


@pytest.mark.parametrize("bug,gym_id,kwargs,n", [
    (OffByOne, "mdplab/RiverSwim-v0", dict(H=20), 1500),
    (WrongStep, "mdplab/RandomLinear-v0", dict(), 3000),
    (MixedUniform, "mdplab/Garnet-v0", dict(H=8, sparse=True), 1500),
], ids=["off_by_one", "wrong_step", "mixed_uniform_sparse"])
def test_chi_square_rejects_a_planted_sampler_bug(bug, gym_id, kwargs, n):
    model = _make(gym_id, **kwargs).unwrapped.model
    env = bug(model)
    counts, *_ = run_uniform(env, n, seed=2024)
    assert chi_square_pvalue(counts, _kernel(env)) < 1e-12


def test_mixed_uniform_is_caught_by_the_statistic_not_only_by_the_support():
    # random_tabular's rows have full support, so the "count in a P = 0 cell" rule cannot
    # fire: the rejection comes from the chi-square statistic
    model = envs.make("random_tabular")
    assert (np.asarray(model.P) > 0).all()
    counts, *_ = run_uniform(MixedUniform(model), 3000, seed=2024)
    assert chi_square_pvalue(counts, np.asarray(model.P)) < 1e-12


# --------------------------------------------------------------------------- rewards
def _arm_pvalue(env, pulls: int, seed: int) -> tuple[float, np.ndarray]:
    """Smallest Bonferroni-corrected binomial p-value over the arms, and the rewards."""
    bandit = env.unwrapped.model
    env.reset(seed=seed)
    rewards = np.empty((bandit.A, pulls))
    for a in range(bandit.A):
        for i in range(pulls):
            env.reset()
            rewards[a, i] = env.step(a)[1]
    p = [stats.binomtest(int(rewards[a].sum()), pulls, bandit.arm_means[a]).pvalue
         for a in range(bandit.A)]
    return min(1.0, bandit.A * min(p)), rewards


def test_sampled_bernoulli_rewards_have_the_models_means():
    bandit = envs.make("gap_bandit", A=5, gap=0.1, base=0.5)
    p, rewards = _arm_pvalue(envs.to_gymnasium(bandit), 4000, seed=3)
    assert set(np.unique(rewards)) <= {0.0, 1.0}
    assert p > LEVEL
    p_bug, _ = _arm_pvalue(ShiftedReward(bandit), 4000, seed=3)
    assert p_bug < 1e-12


def test_sampled_beta_rewards_are_in_range_with_the_models_mean():
    rng = np.random.default_rng(0)
    S, A, H = 3, 2, 4
    r = rng.random((H, S, A))
    mdp = FiniteHorizonMDP(rng.dirichlet(np.ones(S), size=(H, S, A)), r, rho=np.ones(S) / S,
                           reward_dist="beta")
    env = envs.to_gymnasium(mdp)
    _, _, rewards, means = run_uniform(env, 3000, seed=4)
    assert ((rewards >= 0) & (rewards <= 1)).all() and len(np.unique(rewards)) > 1000
    # R - mean lies in [-mean, 1 - mean], an interval of length 1, and given the past it has
    # mean 0 (a martingale difference): Azuma-Hoeffding, two-sided, at LEVEL
    dev = rewards - means
    bound = math.sqrt(math.log(2 / LEVEL) / (2 * dev.size))
    assert abs(dev.mean()) <= bound
    bug = run_uniform(ShiftedReward(mdp), 3000, seed=4)
    assert abs((bug[2] - bug[3]).mean()) > 3 * bound
    assert set(np.unique(means)) <= set(r.ravel())


# --------------------------------------------------------------------------- exact regret
def _returns(env, policy, n_episodes: int, seed: int) -> np.ndarray:
    """Total reward of each episode; ``policy(obs, info, rng) -> action``."""
    rng = np.random.default_rng(seed + 1)
    out = np.zeros(n_episodes)
    for k in range(n_episodes):
        obs, info = env.reset(seed=seed) if k == 0 else env.reset()
        done = False
        while not done:
            obs, reward, term, trunc, info = env.step(policy(obs, info, rng))
            out[k] += reward
            done = term or trunc
    return out


@pytest.mark.parametrize("gym_id,n", [("mdplab/Garnet-v0", 2000),
                                      ("mdplab/ContextualBandit-v0", 20000)])
def test_gymnasium_agents_are_scored_with_exact_regret(gym_id, n):
    env = _make(gym_id)  # with gymnasium's wrappers: .unwrapped.model is the exact model
    model = env.unwrapped.model
    H, A = model.H, model.A
    best = backward_induction(model)
    uniform = np.full((model.S, A), 1.0 / A)
    v_random = evaluate_policy(model, uniform).value

    def random_agent(obs, info, rng):
        return int(rng.integers(A))

    def optimal_agent(obs, info, rng):  # the exact optimal policy, indexed by info["step"]
        return int(best.policy[info["step"], obs])

    # returns lie in [0, H] (rewards in [0, 1]): Hoeffding at LEVEL, two-sided
    bound = H * math.sqrt(math.log(2 / LEVEL) / (2 * n))
    g_random = _returns(env, random_agent, n, seed=10).mean()
    g_best = _returns(env, optimal_agent, n, seed=20).mean()
    assert abs(g_random - v_random) <= bound
    assert abs(g_best - best.value) <= bound
    regret = best.value - v_random  # the random agent's exact regret per episode
    assert regret > 4 * bound
    assert abs((best.value - g_random) - regret) <= bound
    # planted bug: scoring the random agent as if it were optimal is rejected by the same check
    assert abs(g_random - best.value) > bound
