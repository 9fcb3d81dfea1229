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
