"""The small instance helpers of the IRL lower bounds: packings, KLs, the Bernoulli test, and
their argument checks (each error names the argument)."""

from __future__ import annotations

import itertools
import sys

import numpy as np
import pytest

from mdplab.algorithms.irl import (
    FeasibleRewardSet,
    balanced_packing,
    bernoulli_test_error,
    perturbed_kl,
    project,
)


def test_balanced_packing_rows_are_distinct_balanced_sign_vectors():
    for D in (2, 4, 6):
        # few balanced vectors exist: many candidates, so duplicates are proposed often
        K = balanced_packing(D, 500, rng=0)
        assert K.dtype == np.int8
        assert set(np.unique(K)) <= {-1, 1} and np.all(K.sum(axis=1) == 0)
        assert len({tuple(r) for r in K}) == K.shape[0] == len(
            [c for c in itertools.combinations(range(D), D // 2)])   # all of them, once each
    K = balanced_packing(32, 400, rng=1)
    d = np.abs(K[:, None, :].astype(int) - K[None]).sum(axis=2)
    np.fill_diagonal(d, 99)
    assert d.min() >= 32 / 16 and K.shape[0] > 50


def test_balanced_packing_size_cap_and_seeds():
    K = balanced_packing(16, 1000, rng=3, max_size=7)
    assert K.shape == (7, 16)
    assert np.array_equal(K, balanced_packing(16, 1000, rng=3, max_size=7))
    assert not np.array_equal(K, balanced_packing(16, 1000, rng=4, max_size=7))
    assert balanced_packing(2, 10, rng=0).shape == (2, 2)       # D = 2 is allowed


@pytest.mark.parametrize("call, match", [
    (lambda: balanced_packing(1), "D is 1"),
    (lambda: balanced_packing(5), "D is 5; balanced sign vectors need an even D"),
    (lambda: balanced_packing(4, 0), "n_candidates"),
    (lambda: balanced_packing(4, 10, max_size=0), "max_size"),
    (lambda: perturbed_kl(0.6, np.array([1, -1])), "eps is 0.6"),
    (lambda: perturbed_kl(-0.1, np.array([1, -1])), "eps is -0.1"),
    (lambda: bernoulli_test_error(0, 0.1), "n is 0"),
    (lambda: bernoulli_test_error(5, 0.0), "eps_prime is 0"),
    (lambda: bernoulli_test_error(5, 0.5), "eps_prime is 0.5"),
])
def test_instance_helpers_name_the_bad_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_perturbed_kl_accepts_integer_signs_and_eps_half():
    a, b = perturbed_kl(0.5, np.array([1, -1, -1, 1]))
    assert a == pytest.approx(-0.5 * np.log(0.75))
    assert b == pytest.approx(0.5 * (1.5 * np.log(1.5) + 0.5 * np.log(0.5)))


def test_bernoulli_test_error_small_cases():
    # n = 1: the tests are "always 0", "ones", "always 1"; best error sum 1 - eps'
    assert bernoulli_test_error(1, 0.2) == pytest.approx(0.8)
    assert bernoulli_test_error(1, 0.49) == pytest.approx(0.51)


# ---------------------------------------------------------------------- the L2 projection
def test_l2_projection_respects_the_box_and_reports_its_norm():
    g = np.random.default_rng(0)
    P = g.dirichlet(np.ones(2), size=(2, 2, 2))
    R = FeasibleRewardSet(P, g.integers(2, size=(2, 2)))
    far = np.full((2, 2, 2), 3.0)
    far[0, 0, 0] = -3.0
    pr = project(R, far, "l2")
    assert pr.norm == "l2"
    assert pr.reward.min() >= -1 - 1e-7 and pr.reward.max() <= 1 + 1e-7
    assert R.contains(pr.reward, tol=1e-6)
    assert pr.distance >= np.linalg.norm(far - np.clip(far, -1, 1)) - 1e-7


def test_l2_projection_without_cvxpy_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "cvxpy", None)
    R = FeasibleRewardSet(np.full((1, 2, 2, 2), 0.5), np.zeros((1, 2), dtype=int))
    with pytest.raises(ImportError, match=r"the L2 projection needs cvxpy \(pip install cvxpy "
                                          r"clarabel\)"):
        project(R, np.zeros((1, 2, 2)), "l2")


@pytest.mark.parametrize("call, match", [
    (lambda: balanced_packing(1), "^D is 1; must be >= 2$"),
    (lambda: balanced_packing(4, 0), "^n_candidates is 0; must be >= 1$"),
    (lambda: balanced_packing(4, 10, max_size=0), "^max_size is 0; must be >= 1$"),
    (lambda: perturbed_kl(0.1, np.array([1, 1, -1])),
     r"^v must be a balanced sign vector \(entries \+-1 summing to 0\), got 3 entries "
     "summing to 1$"),
    (lambda: perturbed_kl(0.1, np.array([1, 0, -1, 0])), "^v must be a balanced sign"),
    (lambda: perturbed_kl(0.1, np.array([[1, -1]])), "^v must have 1 dimension"),
])
def test_instance_helpers_whole_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_greedy_packing_threshold_is_inclusive():
    from mdplab.algorithms.irl.instances import _greedy_packing

    D = 68                                    # D / 16 = 4.25: a distance of 4 is too close
    u = np.repeat(np.array([1, -1], dtype=np.int8), D // 2)
    w = u.copy()
    w[[0, -1]] = w[[-1, 0]]                   # one swapped pair: L1 distance 4
    x = -u                                    # distance 2 D
    assert _greedy_packing([u, w, x], D, D / 16.0, None).tolist() == [u.tolist(), x.tolist()]
    # at exactly the threshold the candidate is kept (>=, Lemma E.6's "at least D/16")
    assert _greedy_packing([u, w, x], D, 4.0, None).shape == (3, D)
    assert _greedy_packing([u, w, x], D, 4.0, 2).shape == (2, D)


def test_large_delta_instance_whole_messages_and_params():
    from mdplab.algorithms.irl import large_delta_instance

    for args, exc, match in (
            ((0, 2, 2, 0.1), ValueError, "^Sbar is 0; must be >= 2$"),
            ((4, 1, 2, 0.1), ValueError, "^A is 1; must be >= 2$"),
            ((4, 2, 0, 0.1), ValueError, "^H is 0; must be >= 1$"),
            ((4, 2, 2, 0.6), ValueError, r"^eps_prime is 0.6; must be a finite number in "
                                         r"\[0, 0.5\]$")):
        with pytest.raises(exc, match=match):
            large_delta_instance(*args)
    assert large_delta_instance(2, 2, 1, 0.5).P.shape == (1, 4, 2, 4)     # Sbar = 2 allowed
    s = np.zeros((2, 4, 2, 4), dtype=int)
    with pytest.raises(ValueError, match=r"^signs must have 4 dimensions"):
        large_delta_instance(4, 2, 2, 0.1, s[0])
    s[0, 1, 1] = [2, -2, 1, -1]
    with pytest.raises(ValueError, match=r"^signs must have entries in \{-1, 0, 1\}$"):
        large_delta_instance(4, 2, 2, 0.1, s)
    s[0, 1, 1] = [1, 1, 1, -1]                # unbalanced, with a mirror row: the total is 0
    s[1, 2, 1] = [-1, -1, -1, 1]
    with pytest.raises(ValueError, match=r"^signs\[0, 1, 1\] is neither all zero nor a "
                                         r"balanced sign vector \(entries \+-1 summing to "
                                         r"0\)$"):
        large_delta_instance(4, 2, 2, 0.1, s)
    s[:] = 0
    s[0, 0, 0] = [1, -1, 1, -1]
    with pytest.raises(ValueError, match=r"^signs\[:, :, 0\] must be 0: the expert's action "
                                         r"a_0 is unperturbed$"):
        large_delta_instance(4, 2, 2, 0.1, s)
    s[:] = 0
    s[1, 3, 1] = [1, -1, -1, 1]
    M = large_delta_instance(4, 2, 2, 0.25, s)
    assert M.params == {"theorem": "MLR23 B.3", "Sbar": 4, "eps_prime": 0.25,
                        "perturbed_triples": 1}
    assert M.P.dtype == np.float64 and M.P[1, 3, 1, 4:].tolist() == [1.25 / 4, 0.75 / 4,
                                                                       0.75 / 4, 1.25 / 4]


def test_unknown_policy_instance_whole_messages_defaults_and_params():
    from mdplab.algorithms.irl import unknown_policy_instance

    base, alt = unknown_policy_instance(3, 3, 2, 0.2)          # defaults: (h, s, a) = (0, 0, 1)
    want = {"theorem": "MLR23 D.1", "Sbar": 3, "pi_min": 0.2, "triple": (0, 0, 1)}
    assert base.params == want and alt.params == want
    assert alt.expert[0, 0].tolist() == [0.8, 0.2, 0.0]
    _, alt = unknown_policy_instance(3, 3, 2, 0.5, s_star=2, h_star=1, a_star=2)
    assert alt.params["triple"] == (1, 2, 2) and alt.expert[1, 2].tolist() == [0.5, 0.0, 0.5]
    for kwargs, match in (
            (dict(Sbar=0), "^Sbar is 0; must be >= 1$"), (dict(A=1), "^A is 1; must be >= 2$"),
            (dict(H=0), "^H is 0; must be >= 1$"),
            (dict(pi_min=0.0), r"^pi_min is 0; must be a finite number in \(0, 0.5\]$"),
            (dict(pi_min=0.6), r"^pi_min is 0.6; must be a finite number in \(0, 0.5\]$"),
            (dict(s_star=3), "^s_star is 3; must be <= 2$"),
            (dict(s_star=-1), "^s_star is -1; must be >= 0$"),
            (dict(h_star=2), "^h_star is 2; must be <= 1$"),
            (dict(a_star=0), "^a_star is 0; must be >= 1$"),
            (dict(a_star=3), "^a_star is 3; must be <= 2$")):
        args = dict(Sbar=3, A=3, H=2, pi_min=0.2) | kwargs
        with pytest.raises(ValueError, match=match):
            unknown_policy_instance(**args)
    with pytest.raises(TypeError, match="^s_star must be an integer, got 1.5$"):
        unknown_policy_instance(3, 3, 2, 0.2, s_star=1.5)


def test_balanced_packing_asks_for_lemma_e6_distance(monkeypatch):
    """The greedy rule gets min distance D/16 (Lemma E.6) and D/2 ones per candidate."""
    import mdplab.algorithms.irl.instances as inst

    seen = {}

    def spy(candidates, D, min_distance, cap):
        first = next(iter(candidates))
        seen.update(D=D, min_distance=min_distance, cap=cap, first=first)
        return first[None]

    monkeypatch.setattr(inst, "_greedy_packing", spy)
    inst.balanced_packing(48, 10, rng=0, max_size=3)
    assert seen["D"] == 48 and seen["min_distance"] == 3.0 and seen["cap"] == 3
    assert sorted(seen["first"].tolist()) == [-1] * 24 + [1] * 24
