"""Targeted tests for the issue 8 §4 and §6 items of the offline layer: each example of the
issue, and the root cause behind it, is an error that names the argument and the rule."""

from __future__ import annotations

import importlib
import pkgutil
import re
import types
import warnings

import numpy as np
import pytest

import mdplab.algorithms.offline as off
from mdplab import envs, models, sampling
from mdplab.models import Bandit, ContextualBandit, DiscountedMDP, FiniteHorizonMDP, LinearMDP

warnings.simplefilter("ignore")

MDP = envs.make("riverswim", H=3)
H, S, A = MDP.shape
EP = sampling.rollout(MDP, np.full((H, S, A), 1.0 / A), 10, rng=0)
DATA = sampling.OfflineDataset.from_episodes(EP)
PHI = np.eye(S * A).reshape(S, A, S * A)


# ------------------------------------------------------------------ rewards
@pytest.mark.parametrize("fn", [
    lambda r: off.pevi_tabular(DATA, r=r),
    lambda r: off.vi_lcb_episodic(DATA, r),
    lambda r: off.vi_lcb_episodic((DATA.n, DATA.nn), r),
    lambda r: off.vi_lcb_subsampled(DATA, r, rng=0),
])
def test_rewards_outside_the_reward_range_are_refused(fn):
    r = np.zeros((S, A))
    r[2, 1] = 5.0
    with pytest.raises(ValueError, match=re.escape(
            "r[2, 1] is 5; rewards must lie in [0, 1] (reward_range)")):
        fn(r)
    with pytest.raises(ValueError, match=re.escape("r[0, 0] is -3; rewards must lie in [0, 1]")):
        fn(np.full((S, A), -3.0))
    with pytest.raises(TypeError, match="r must be a real numeric array, got dtype complex"):
        fn(np.full((S, A), 0.5 + 0.5j))
    with pytest.raises(ValueError, match=re.escape(
            f"r has shape (3, 2); expected ({S}, {A}) or ({H}, {S}, {A})")):
        fn(np.zeros((3, 2)))


def test_discounted_rewards_are_refused():
    dmdp = envs.make("riverswim", gamma=0.9)
    dd = sampling.sample_iid(dmdp, np.full((S, A), 1 / (S * A)), 50, rng=0)
    with pytest.raises(ValueError, match=r"r\[0, 0\] is 5"):
        off.vi_lcb_bernstein(dd, np.full((S, A), 5.0), 0.9)
    folds = np.stack([np.asarray(dd.nn)] * 3)
    with pytest.raises(ValueError, match=r"r_folds\[0, 0, 0\] is 5"):
        off.vi_lcb_split_from_folds(folds, 0.9, N=150, r_folds=np.full((3, S, A), 5.0))


# ------------------------------------------------------------------ counts
def test_counts_must_be_non_negative_integers():
    n = np.ones((H, S, A), dtype=np.int64)
    n[1, 2, 0] = -1
    with pytest.raises(ValueError, match=re.escape("n[1, 2, 0] is -1; counts must be >= 0")):
        off.tabular_penalty(n, "l1")
    with pytest.raises(TypeError, match=re.escape("n[0, 0, 0] is 0.5; entries must be integers")):
        off.tabular_penalty(np.full((H, S, A), 0.5), "l1")
    with pytest.raises(ValueError, match=r"n_aux\[0\] is -1; counts must be >= 0"):
        off.n_trim(np.array([-1, 3]), 3, 2, 0.1)
    with pytest.raises(ValueError, match="n must have 3 dimensions"):
        off.tabular_penalty(np.ones((S, A)), "l1")


# ------------------------------------------------------------------ linear PEVI
def test_pevi_linear_roots():
    empty = sampling.Episodes(EP.states[:0], EP.actions[:0], EP.rewards[:0], S, A)
    with pytest.raises(ValueError, match="episodes has K = 0 episodes; PEVI needs K >= 1"):
        off.pevi_linear(empty, PHI)
    with pytest.raises(TypeError, match="phi must be a real numeric array, got dtype complex"):
        off.pevi_linear(EP, PHI * (1 + 1j))
    with pytest.raises(ValueError, match="phi is too large.*rescale phi"):
        off.pevi_linear(EP, PHI * 1e200)
    with pytest.raises(ValueError, match=r"Lam_h .* step h = \d .*lam = 1.*rescale phi"):
        off.pevi_linear(EP, np.ones((S, A, 2)) * 1e140)
    with pytest.raises(TypeError, match="lam must be a real number, got 'a'"):
        off.pevi_linear(EP, PHI, lam="a")
    with pytest.raises(ValueError,
                       match=re.escape("lam is 0; must be a finite number in (0, inf)")):
        off.pevi_linear(EP, PHI, lam=0.0)
    res = off.pevi_linear(EP, PHI * 1e100, lam=1e200)  # large but safe: finite values
    assert np.all(np.isfinite(res.Q))


# ------------------------------------------------------------------ degenerate sizes
@pytest.mark.parametrize("build, msg", [
    (lambda: FiniteHorizonMDP(np.zeros((0, 2, 0)), np.zeros((0, 2)), H=2), "S = 0; must be >= 1"),
    (lambda: FiniteHorizonMDP(np.zeros((2, 0, 2)), np.zeros((2, 0)), H=2), "A = 0; must be >= 1"),
    (lambda: FiniteHorizonMDP(np.zeros((0, 2, 2, 2)), np.zeros((0, 2, 2))),
     "H = 0; must be >= 1"),
    (lambda: FiniteHorizonMDP(np.full((2, 2, 2), 0.5), np.zeros((2, 2)), H=0), "H is 0"),
    (lambda: DiscountedMDP(np.zeros((0, 2, 0)), np.zeros((0, 2)), 0.9), "S = 0"),
    (lambda: LinearMDP(np.zeros((0, 2, 1)), np.zeros((1, 0)), np.zeros(1), 2), "S = 0"),
    (lambda: LinearMDP(np.zeros((2, 2, 0)), np.zeros((0, 2)), np.zeros(0), 2), "d = 0"),
    (lambda: Bandit([]), "a bandit needs at least one arm"),
    (lambda: ContextualBandit(np.zeros((0, 2))), "at least one context and one arm"),
    (lambda: ContextualBandit(np.zeros((2, 0))), "at least one context and one arm"),
    (lambda: envs.make("riverswim", n_states=0, H=3), "n_states"),
    (lambda: envs.make("riverswim", H=0), "H"),
    (lambda: off.pevi(0, 1, 1, lambda h, V: 0, lambda h, V: 0), "H is 0; must be >= 1"),
    (lambda: sampling.OfflineDataset(s=[0], a=[0], s_next=[0], S=0, A=1), "S is 0"),
])
def test_every_model_refuses_empty_sizes(build, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        build()


# ------------------------------------------------------------------ arguments named
@pytest.mark.parametrize("call, pattern", [
    (lambda: off.bernstein_log(10, 2, -1), "delta is -1"),             # was: math domain error
    (lambda: off.trim_log(10, 2, 0), "delta is 0"),                    # was: ZeroDivisionError
    (lambda: off.theorem3_epsilon(10, 2, 2, -1.0, 0.1), "C_clipped is -1"),
    (lambda: off.theorem3_epsilon(10, 2, 2, "a", 0.1), "C_clipped must be a real number"),
    (lambda: off.jyw_beta(2, 2, 2, 0.1, c="a"), "c must be a real number"),   # was: '>' str
    (lambda: off.lcb_mab_rate_bound(10, "a"), "C_star must be a real number"),
    (lambda: off.lcb_cb_rate_bound("a", 2, 2.0), "N must be a numeric array"),
    (lambda: off.n_trim("a", 2, 2, 0.1), "n_aux must be an integer array"),
    (lambda: off.lcb_mab([0, 1], None, A=2), "rewards is None"),
    (lambda: off.tabular_penalty(np.ones((H, S, A), dtype=int), 3), "penalty must be a string"),
    (lambda: sampling.rollout(MDP, np.zeros((H, S), dtype=int), 3, rng=-1), "rng is -1"),
    (lambda: envs.make("garnet", seed=-1), "seed is -1"),
    (lambda: envs.make("distractor_mdp", good_reward="x"), "good_reward must be a real"),
    (lambda: models.Beta(concentration="x"), "concentration must be a real number"),
    (lambda: FiniteHorizonMDP(np.full((2, 2, 2), 0.5), np.zeros((2, 2)), H=2,
                              reward_range="ab"), "reward_range must be a pair"),
    (lambda: models.SparseTransitions([0, 1], [0], [1.0], shape="x"), "shape must be a tuple"),
    (lambda: off.decomposition(MDP, off.pevi_tabular(DATA), policy_star=np.full((H, S), 7)),
     r"policy_star\[0, 0\] is 7"),
])
def test_errors_name_the_argument(call, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern):
        call()


def test_no_numpy_broadcast_message_for_a_wrongly_shaped_r():
    with pytest.raises(ValueError) as info:
        off.pevi_tabular(DATA, r=np.zeros((3, 2)))
    assert "broadcast" not in str(info.value) and str(info.value).startswith("r has shape")


# ------------------------------------------------------------------ public names (§4, §6)
def test_two_point_bounds_have_distinct_names():
    assert "two_point_lower_bound" not in off.__all__
    assert off.mab_two_point_lower_bound(10, 2.0, 0.1) > 0
    assert off.discounted_two_point_lower_bound(0, 0.3) == 0.5
    objs = [getattr(off, n) for n in off.__all__]
    assert len({id(o) for o in objs}) == len(objs), "one object per exported name"


@pytest.mark.parametrize("package", ["mdplab.algorithms.offline", "mdplab.sampling",
                                     "mdplab.envs", "mdplab.models", "mdplab.kernels"])
def test_no_module_named_like_an_exported_function(package):
    pkg = importlib.import_module(package)
    for m in pkgutil.iter_modules(pkg.__path__):
        assert m.name not in pkg.__all__, f"{package}.{m.name} is also an export"
        obj = getattr(pkg, m.name, None)
        assert obj is None or isinstance(obj, types.ModuleType), (package, m.name)


def test_renamed_modules():
    import mdplab.algorithms.offline.pessimistic_value_iteration as pvi
    import mdplab.envs.offline_gambler as og
    import mdplab.sampling.trajectories as tr

    assert pvi.pevi is off.pevi and tr.rollout is sampling.rollout
    assert og.gambler is envs.gambler
    assert callable(off.pevi) and callable(sampling.rollout) and callable(envs.hard_episodic)


def test_result_reprs_are_compact():
    objs = [off.pevi_tabular(DATA), EP, DATA, off.two_fold_subsample(DATA, rng=0),
            off.lcb_mab([0, 1, 1], [1.0, 0.0, 1.0], A=2), sampling.GenerativeModel(MDP),
            MDP, envs.gambler_instance()]
    for o in objs:
        text = repr(o)
        assert len(text) < 300 and "[[" not in text and "array(" not in text, text
