"""Honest flags (issue 8 §5): pessimistic results say when their policy is decided by
tie-breaking on the support of rho, with one DegeneratePolicyWarning per call; bound functions
say when a bound is vacuous (>= the trivial bound)."""

from __future__ import annotations

import json
import math
import pickle
import warnings

import numpy as np
import pytest

import mdplab
from mdplab import envs, sampling
from mdplab.algorithms import Bound, BoundArray
from mdplab.algorithms import offline as off
from mdplab.algorithms.offline import DegeneratePolicyWarning
from mdplab.algorithms.offline.degeneracy import (
    reachable_discounted,
    reachable_episodic,
    tied_states,
)


def _episodic(K, seed=0, H=3):
    mdp = envs.make("riverswim", H=H)
    Hm, S, A = mdp.shape
    ep = sampling.rollout(mdp, np.full((Hm, S, A), 1.0 / A), K, rng=seed)
    return mdp, ep, sampling.OfflineDataset.from_episodes(ep)


def _calls(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [w for w in rec if issubclass(w.category, DegeneratePolicyWarning)]


# ------------------------------------------------------------------ the warning class
def test_warning_classes():
    assert issubclass(DegeneratePolicyWarning, mdplab.MdplabWarning)
    assert issubclass(mdplab.MdplabWarning, UserWarning)
    from mdplab._warnings import DegeneratePolicyWarning as W

    assert W is DegeneratePolicyWarning


# ------------------------------------------------------------------ PEVI / VI-LCB episodic
def test_small_data_pevi_is_degenerate_and_warns_once():
    _, _, data = _episodic(20)
    res, warned = _calls(off.pevi_tabular, data)
    assert res.degenerate
    assert len(warned) == 1, "exactly one warning per call"
    msg = str(warned[0].message)
    assert "tie-breaking" in msg and "c (or the 'hoeffding' or 'none' preset)" in msg
    h, s = res.degenerate_at
    assert res.tied[h, s] and res.reachable[h, s]
    q = np.asarray(res.Q[h, s])
    assert np.all(q == q[0]), "all actions tie at the reported (h, s)"
    assert res.policy[h, s] == 0, "the lowest-index tie rule decided it"
    # a second call warns again (once per call)
    _, warned2 = _calls(off.pevi_tabular, data)
    assert len(warned2) == 1


def test_informative_data_is_not_degenerate():
    """Plenty of data and no penalty: Q differs between actions wherever the data reach
    (rewards drawn at random, so no two actions are truly equal)."""
    gen = np.random.default_rng(1)
    H, S, A = 3, 4, 3
    mdp = mdplab.models.FiniteHorizonMDP(gen.dirichlet(np.ones(S), size=(S, A)),
                                         gen.uniform(0.1, 0.9, size=(S, A)), H=H)
    ep = sampling.rollout(mdp, np.full((H, S, A), 1.0 / A), 4000, rng=2)
    res, warned = _calls(off.pevi_tabular, sampling.OfflineDataset.from_episodes(ep),
                         penalty="none")
    assert not res.degenerate and res.degenerate_at is None and not warned
    assert res.reachable.any()


def test_flag_definition_matches_brute_force():
    _, ep, data = _episodic(30, seed=3)
    res, _ = _calls(off.pevi_tabular, data, penalty="hoeffding")
    H, S, A = res.Q.shape
    # tied: all actions equal
    Q = np.asarray(res.Q)
    brute_tied = np.array([[np.all(Q[h, s] == Q[h, s, 0]) for s in range(S)] for h in range(H)])
    np.testing.assert_array_equal(res.tied, brute_tied)
    # reachable: breadth-first through the observed transitions that follow the policy
    reach = np.zeros((H, S), dtype=bool)
    reach[0, np.unique(ep.states[:, 0])] = True
    for h in range(H - 1):
        for k in range(ep.K):
            s, a, s2 = ep.states[k, h], ep.actions[k, h], ep.states[k, h + 1]
            if reach[h, s] and a == res.policy[h, s]:
                reach[h + 1, s2] = True
    np.testing.assert_array_equal(res.reachable, reach)
    assert res.degenerate == bool((brute_tied & reach).any())


def test_only_the_support_of_rho_counts():
    """A tie at a state rho never reaches is not degeneracy (and a given rho is used)."""
    S, A = 2, 2

    def backup(h, V):
        b = np.zeros((S, A))
        b[0] = [1.0, 0.5]          # state 0: a clear choice; state 1: all tied at 0
        return b

    none = lambda h, V: np.zeros((S, A))  # noqa: E731
    res0, w0 = _calls(off.pevi, 1, S, A, backup, none, rho=np.array([1.0, 0.0]))
    res1, w1 = _calls(off.pevi, 1, S, A, backup, none, rho=np.array([0.0, 1.0]))
    assert not res0.degenerate and not w0
    assert res1.degenerate and res1.degenerate_at == (0, 1) and len(w1) == 1


def test_valid_mask_ignores_removed_actions():
    Q = np.array([[1.0, -np.inf], [0.0, 0.0]])
    np.testing.assert_array_equal(tied_states(Q), [False, True])
    # state 0 has one available action: no choice, no tie
    np.testing.assert_array_equal(tied_states(Q, np.array([[True, False], [True, True]])),
                                  [False, True])


def test_vi_lcb_episodic_and_subsampled_flags():
    mdp, _, data = _episodic(10)
    r = np.asarray(mdp.r)
    res, warned = _calls(off.vi_lcb_episodic, data, r)
    assert res.degenerate and len(warned) == 1 and "c_b" in str(warned[0].message)
    res_counts, _ = _calls(off.vi_lcb_episodic, (np.asarray(data.n), np.asarray(data.nn)), r)
    assert res_counts.degenerate
    sub, warned = _calls(off.vi_lcb_subsampled, data, r, rng=0)
    assert sub.degenerate and len(warned) == 1 and sub.algorithm == "vi-lcb-subsampled"


def test_discounted_flags():
    dmdp = envs.make("riverswim", gamma=0.9)
    S, A = dmdp.shape
    mu = np.full((S, A), 1.0 / (S * A))
    small = sampling.sample_iid(dmdp, mu, 50, rng=0)
    res, warned = _calls(off.vi_lcb_bernstein, small, np.asarray(dmdp.r), 0.9)
    assert res.degenerate and res.tied.shape == (S,) and len(warned) == 1
    big = sampling.sample_iid(dmdp, mu, 20000, rng=1)
    res2, warned2 = _calls(off.vi_lcb_bernstein, big, np.asarray(dmdp.r), 0.9, c_b=0.0)
    assert not res2.degenerate and not warned2
    split, warned3 = _calls(off.vi_lcb_split, small, 0.5)
    assert split.degenerate and len(warned3) == 1
    # the closure of supp(rho) under the observed transitions
    succ = np.zeros((3, 1, 3))
    succ[0, 0, 1] = succ[1, 0, 1] = 1
    np.testing.assert_array_equal(
        reachable_discounted(np.zeros(3, dtype=np.int64), succ, rho=np.array([1.0, 0, 0])),
        [True, True, False])


def test_reachability_kernel_matches_the_numpy_reference():
    from mdplab.algorithms.offline.degeneracy import reachable_episodic_reference

    gen = np.random.default_rng(5)
    for H, S, A, N in [(1, 3, 2, 10), (4, 6, 3, 500), (7, 20, 4, 3000)]:
        h, s, a, s2 = (gen.integers(0, m, N) for m in (H, S, A, S))
        policy = gen.integers(0, A, (H, S))
        for rho in (None, np.full(S, 1.0 / S)):
            np.testing.assert_array_equal(
                reachable_episodic(policy, h, s, a, s2, rho),
                reachable_episodic_reference(policy, h, s, a, s2, rho))


def test_all_count_paths_give_the_same_flag():
    """Transitions (numba kernel), dense counts and the CSR counts of the fast path agree."""
    mdp, ep, data = _episodic(200, seed=4, H=4)
    r = np.asarray(mdp.r)
    dense, _ = _calls(off.vi_lcb_episodic, data, r, c_b=0.05, fold_log=True, method="dense")
    csr, _ = _calls(off.vi_lcb_episodic, data, r, c_b=0.05, fold_log=True, method="csr")
    assert "_csr" not in csr.params
    np.testing.assert_array_equal(dense.reachable, csr.reachable)
    direct = reachable_episodic(np.asarray(dense.policy), data.h, data.s, data.a, data.s_next)
    np.testing.assert_array_equal(dense.reachable, direct)
    assert dense.degenerate == csr.degenerate


def test_reachable_episodic_follows_only_the_policy():
    policy = np.array([[0, 0], [0, 0]])
    # from state 0 at h = 0: action 0 leads to 1, action 1 leads to 0
    reach = reachable_episodic(policy, np.array([0, 0]), np.array([0, 0]), np.array([0, 1]),
                               np.array([1, 0]))
    np.testing.assert_array_equal(reach, [[True, False], [False, True]])


def test_reprs_show_the_flag():
    _, _, data = _episodic(20)
    res, _ = _calls(off.pevi_tabular, data)
    text = repr(res)
    assert "degenerate=True" in text and len(text) < 300 and "[[" not in text


# ------------------------------------------------------------------ vacuous bounds
def test_bound_is_a_float_with_a_flag():
    b = Bound(7.5, trivial=5.0)
    assert isinstance(b, float) and b.vacuous and b.trivial == 5.0
    assert b + 1 == 8.5 and type(b * 2) is float
    assert f"{b:.1f}" == "7.5" and str(b) == "7.5"
    assert json.loads(json.dumps({"b": b})) == {"b": 7.5}
    c = pickle.loads(pickle.dumps(b))
    assert c == 7.5 and c.trivial == 5.0 and c.vacuous
    assert not Bound(0.1, 1.0).vacuous and Bound(math.inf, 1.0).vacuous
    assert Bound(1.0, 1.0).vacuous, "a bound equal to the trivial bound says nothing"
    assert b.as_dict() == {"value": 7.5, "trivial": 5.0, "vacuous": True}
    with pytest.raises(ValueError, match="trivial"):
        Bound(1.0, 0.0)


def test_bound_array():
    a = BoundArray([0.5, 2.0], trivial=1.0)
    np.testing.assert_array_equal(a.vacuous, [False, True])
    assert type(a * 2) is np.ndarray and a.values.tolist() == [0.5, 2.0]
    assert "vacuous=1/2" in repr(a)
    b = pickle.loads(pickle.dumps(a))
    assert b.trivial == 1.0


@pytest.mark.parametrize("call, trivial, vacuous", [
    (lambda: off.lcb_mab_rate_bound(4, 4.0), 1.0, True),
    (lambda: off.lcb_mab_rate_bound(10**7, 2.0), 1.0, False),
    (lambda: off.lcb_mab_hoeffding_bound(10**6, 0.5, A=2), 1.0, False),
    (lambda: off.lcb_cb_rate_bound(10, 5, 3.0), 1.0, True),
    (lambda: off.pevi_linear_rate(4, 5, 1000, 0.1), 5.0, True),
    (lambda: off.theorem3_epsilon(10**4, 5, 3, 2.0, 0.05), 5.0, True),
    (lambda: off.li2022_rate(10**4, 3, 2.0, 0.9, 0.05), 10.0, True),
    (lambda: off.rzmjr21_rate(10**12, 3, 2.0, 0.5), 2.0, False),
    (lambda: off.lemma2_distance_bound(200, 0.9), 10.0, False),
])
def test_bound_functions_mark_vacuous_bounds(call, trivial, vacuous):
    b = call()
    assert isinstance(b, Bound)
    assert b.trivial == pytest.approx(trivial)
    assert b.vacuous is vacuous


def test_array_bounds_and_data_dependent_bounds():
    arr = off.lcb_mab_rate_bound(np.array([4, 10**7]), 4.0)
    assert isinstance(arr, BoundArray) and arr.vacuous.tolist() == [True, False]
    mdp, _, data = _episodic(20)
    res, _ = _calls(off.pevi_tabular, data)
    ddb = off.data_dependent_bound(mdp, res.penalty)
    assert isinstance(ddb, BoundArray) and ddb.trivial == mdp.H
    assert ddb.vacuous.all(), "small data: 2 sum E[Gamma] >= H everywhere"
    dmdp = envs.make("riverswim", gamma=0.9)
    S, A = dmdp.shape
    dd = sampling.sample_iid(dmdp, np.full((S, A), 1.0 / (S * A)), 100, rng=0)
    dres, _ = _calls(off.vi_lcb_bernstein, dd, np.asarray(dmdp.r), 0.9)
    b = off.discounted_data_dependent_bound(dmdp, dres)
    assert isinstance(b, Bound) and b.trivial == pytest.approx(10.0) and b.vacuous
