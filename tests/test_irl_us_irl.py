"""US-IRL (Metelli, Lazzati & Restelli 2023, arXiv:2304.12966, Algorithm 1, Theorem 6.1): the
confidence level, the stopping rule against a direct scan and the spec's regression values,
the bound of Theorem 6.1 over the grid of the library's claim, and a run's accuracy."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from mdplab import FiniteHorizonMDP
from mdplab.algorithms.irl import (
    FeasibleRewardSet,
    hausdorff_bracket,
    lipschitz_bound,
    us_irl,
    us_irl_beta,
    us_irl_confidence,
    us_irl_policy_queries,
    us_irl_sample_bound,
    us_irl_stopping_n,
)
from mdplab.sampling import GenerativeModel


def test_beta_formula_and_degenerate_S():
    S, A, H, d = 4, 3, 5, 0.05
    for n in (1, 7, 1000):
        want = math.log(S * A * H / d) + (S - 1) * math.log(math.e * (1 + n / (S - 1)))
        assert us_irl_beta(n, d, S, A, H) == pytest.approx(want, rel=1e-15)
    assert us_irl_beta(10, d, 1, A, H) == pytest.approx(math.log(A * H / d))
    np.testing.assert_allclose(us_irl_beta(np.array([1, 2]), d, S, A, H),
                               [us_irl_beta(1, d, S, A, H), us_irl_beta(2, d, S, A, H)])


def test_confidence_factor_choices():
    c = us_irl_confidence(100, 0.1, 3, 2, 4)
    w = 2 * math.sqrt(2 * us_irl_beta(100, 0.1, 3, 2, 4) / 100)
    np.testing.assert_allclose(c, w * np.array([3, 2, 1, 0]))
    np.testing.assert_allclose(us_irl_confidence(100, 0.1, 3, 2, 4, factor="H-h"),
                               w * np.array([4, 3, 2, 1]))


@pytest.mark.parametrize("S,A,H,eps,delta", [(2, 2, 3, 0.5, 0.1), (3, 2, 2, 1.0, 0.2),
                                              (1, 3, 4, 0.7, 0.1), (5, 2, 2, 2.0, 0.01)])
@pytest.mark.parametrize("factor", ["H-h-1", "H-h"])
def test_stopping_n_is_the_first_n_that_meets_eps(S, A, H, eps, delta, factor):
    n = us_irl_stopping_n(S, A, H, eps, delta, factor=factor)
    assert us_irl_confidence(n, delta, S, A, H, factor=factor).max() <= eps
    if n > 1:
        assert us_irl_confidence(n - 1, delta, S, A, H, factor=factor).max() > eps


def test_stopping_regression_and_one_step_horizon():
    # the spec's regression cell (S = A = 2, H = 3, eps = 0.5, delta = 0.1)
    assert us_irl_stopping_n(2, 2, 3, 0.5, 0.1) == 1693
    assert us_irl_stopping_n(2, 2, 1, 0.01, 0.1) == 1          # H = 1: no transition term
    assert us_irl_stopping_n(2, 2, 1, 0.01, 0.1, factor="H-h") > 1


def test_theorem_6_1_bound_over_the_grid():
    """The default factor's stopping time is within Theorem 6.1's bound in every cell; the
    factor H - h (c_0 = H) exceeds it in most cells (what the spec's claim 11 reports)."""
    within, over, ratios = 0, 0, []
    cells = list(itertools.product([2, 4, 8], [2, 4], [3, 5, 10], [0.1, 0.25, 0.5],
                                   [0.01, 0.1]))
    for S, A, H, eps, d in cells:
        b = us_irl_sample_bound(S, A, H, eps, d)
        tau = S * A * H * us_irl_stopping_n(S, A, H, eps, d)
        within += tau <= b
        ratios.append(tau / b)
        over += S * A * H * us_irl_stopping_n(S, A, H, eps, d, factor="H-h") > b
    assert within == len(cells) == 108
    assert 0.3 < min(ratios) and max(ratios) < 1.0
    assert over >= 90


def test_sample_bound_formula():
    S, A, H, eps, d = 3, 2, 4, 0.3, 0.05
    L = math.log(S * A * H / d)
    Cc = math.log(math.e / (S - 1) + 8 * math.e * H ** 2 / ((S - 1) * eps ** 2)
                  * (L + 4 * math.e))
    assert us_irl_sample_bound(S, A, H, eps, d) == pytest.approx(
        8 * H ** 3 * S * A / eps ** 2 * (L + (S - 1) * Cc), rel=1e-14)


def test_run_is_accurate_and_reproducible():
    rng = np.random.default_rng(0)
    H, S, A = 3, 3, 2
    P = rng.dirichlet(np.ones(S), size=(H, S, A))
    mdp = FiniteHorizonMDP(P, np.zeros((H, S, A)), H=H)
    pi = rng.integers(A, size=(H, S))
    res = us_irl(mdp, pi, eps=0.5, delta=0.1, rng=1)
    assert res.tau == S * A * H * res.n_per_pair
    assert res.counts.sum(axis=3).min() == res.n_per_pair == res.counts.sum(axis=3).max()
    assert res.confidence.max() <= 0.5
    truth = FeasibleRewardSet(mdp, pi)
    ub = float(lipschitz_bound(truth, res.estimate))
    assert ub <= 0.5
    br = hausdorff_bracket(truth, res.estimate, n_directions=5, rng=0)
    assert br.lower <= br.upper <= 0.5
    again = us_irl(GenerativeModel(mdp), pi, eps=0.5, delta=0.1, rng=1)
    np.testing.assert_array_equal(again.counts, res.counts)


def test_bad_input():
    with pytest.raises(ValueError, match="delta"):
        us_irl_beta(3, 1.5, 2, 2, 2)
    with pytest.raises(ValueError, match="n must be >= 1"):
        us_irl_beta(0, 0.1, 2, 2, 2)
    with pytest.raises(ValueError, match="eps"):
        us_irl_stopping_n(2, 2, 2, 0.0, 0.1)
    with pytest.raises(ValueError, match="factor"):
        us_irl_stopping_n(2, 2, 2, 0.1, 0.1, factor="H")
    with pytest.raises(TypeError, match="FiniteHorizonMDP or a GenerativeModel"):
        us_irl(np.ones((2, 2, 2, 2)) / 2, np.zeros((2, 2), dtype=int), 0.5)


def test_unknown_expert_policy_queries_and_support():
    import math as m

    n = us_irl_policy_queries(3, 2, 3, 0.05, 0.2)
    xi = lambda k: m.log(2 * 3 * 2 * 3 * k * k / 0.05) / m.log(1 / 0.8)  # noqa: E731
    assert n >= xi(n) and (n == 1 or n - 1 < xi(n - 1))
    rng = np.random.default_rng(0)
    H, S, A = 3, 3, 2
    P = rng.dirichlet(np.ones(S), size=(H, S, A))
    mdp = FiniteHorizonMDP(P, np.zeros((H, S, A)), H=H)
    pi = np.zeros((H, S, A))
    pi[..., 0] = 0.8
    pi[..., 1] = 0.2
    pi[1, 2] = [1.0, 0.0]                               # one state with a single played action
    res = us_irl(mdp, pi, 0.5, 0.1, pi_min=0.2, rng=3)
    assert res.n_per_pair >= max(n, us_irl_stopping_n(S, A, H, 0.5, 0.05))
    assert res.expert_counts.sum(axis=2).min() == res.n_per_pair
    assert res.support_correct
    np.testing.assert_array_equal(res.estimate.played, pi > 0)
    known = us_irl(mdp, pi, 0.5, 0.1, rng=3)
    assert known.expert_counts is None and known.support_correct is None
    with pytest.raises(ValueError, match="pi_min"):
        us_irl_policy_queries(3, 2, 3, 0.1, 1.0)


def test_lower_bound_gadget_and_its_errors():
    from mdplab.algorithms.irl import lower_bound_gadget

    g = lower_bound_gadget(4, 1, 0.1)
    np.testing.assert_allclose(g.P_base.sum(axis=3), 1.0)
    np.testing.assert_allclose(g.P_biased.sum(axis=3), 1.0)
    diff = np.argwhere(g.P_base != g.P_biased)
    assert {tuple(d[:3]) for d in diff} == {(1, 0, 1)}
    assert g.P_biased[1, 0, 1, 1] == pytest.approx(0.6)
    assert g.separation == pytest.approx(0.1 * 4 / (1 + 0.1 * 4))
    assert (g.expert == 0).all() and g.expert.shape == (4, 3)
    assert g.P_base.shape == g.P_biased.shape == (4, 3, 2, 3)
    assert (g.H, g.h_star, g.eps_prime) == (4, 1, 0.1)
    assert lower_bound_gadget(2, 0, 0.5).P_base.shape == (2, 3, 2, 3)      # H = 2 allowed
    with pytest.raises(ValueError, match="^H is 1; must be >= 2$"):
        lower_bound_gadget(1, 0, 0.1)
    with pytest.raises(ValueError, match="^h_star is 2; must be <= 1$"):
        lower_bound_gadget(3, 2, 0.1)
    with pytest.raises(TypeError, match="^h_star must be an integer, got 0.5$"):
        lower_bound_gadget(3, 0.5, 0.1)
    with pytest.raises(ValueError, match=r"^eps_prime is 0; must be a finite number in \(0, "):
        lower_bound_gadget(3, 0, 0.0)
    with pytest.raises(ValueError, match="^eps_prime is 0.6"):
        lower_bound_gadget(3, 0, 0.6)


# ---------------------------------------------------------------------- pinned details
@pytest.mark.parametrize("S, A, H, delta, pi_min", [
    (1, 1, 1, 0.5, 0.999),       # one query suffices: xi(1) = log 4 / log 1000 < 1
    (2, 2, 3, 0.1, 0.2), (5, 3, 10, 0.01, 0.05), (3, 2, 4, 0.1, 0.5)])
def test_policy_queries_is_the_first_n_above_xi(S, A, H, delta, pi_min):
    def xi(n):
        return math.log(2 * S * A * H * n * n / delta) / math.log(1 / (1 - pi_min))

    n = us_irl_policy_queries(S, A, H, delta, pi_min)
    assert n >= xi(n)
    assert n == 1 or n - 1 < xi(n - 1)


def test_us_irl_helpers_name_their_arguments():
    from mdplab.algorithms.irl import estimated_expert_support

    for bad, match in ((0.0, "pi_min is 0"), (1.0, "pi_min is 1"), (-0.1, "pi_min is -0.1")):
        with pytest.raises(ValueError, match=match):
            us_irl_policy_queries(2, 2, 2, 0.1, bad)
    with pytest.raises(ValueError, match="delta is 1"):
        us_irl_policy_queries(2, 2, 2, 1.0, 0.2)
    with pytest.raises(ValueError, match="expert_counts must have 3 dimensions"):
        estimated_expert_support(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="expert_counts"):
        estimated_expert_support(-np.ones((1, 2, 2)))
    sup = estimated_expert_support(np.array([[[0, 3], [2, 0]]]))
    assert sup.dtype == bool and sup.tolist() == [[[False, True], [True, False]]]


def test_sample_bound_with_one_state_and_the_stopping_rule_edges():
    # S = 1: no covering term, 8 H^3 S A log(S A H / delta) / eps^2
    assert us_irl_sample_bound(1, 3, 4, 0.2, 0.05) == pytest.approx(
        8 * 4 ** 3 * 1 * 3 / 0.2 ** 2 * math.log(1 * 3 * 4 / 0.05))
    assert us_irl_sample_bound(1, 2, 5, 0.1, 0.1) == pytest.approx(
        8 * 125 * 2 / 0.01 * math.log(10 / 0.1))
    # a huge eps stops after one round; H = 1 with factor H-h-1 always does
    assert us_irl_stopping_n(3, 2, 4, 1e9, 0.1) == 1
    assert us_irl_stopping_n(3, 2, 1, 0.01, 0.1) == 1
    # n* is the first n whose confidence is within eps
    n = us_irl_stopping_n(2, 2, 3, 0.3, 0.1)
    assert us_irl_confidence(n, 0.1, 2, 2, 3).max() <= 0.3 < us_irl_confidence(
        n - 1, 0.1, 2, 2, 3).max()
    with pytest.raises(ValueError, match=r"eps = 1e-12 needs more than 2\^62 samples per pair"):
        us_irl_stopping_n(2, 2, 3, 1e-12, 0.1)
    for f in (us_irl_stopping_n, us_irl_sample_bound):
        with pytest.raises(ValueError, match="eps is 0"):
            f(2, 2, 3, 0.0, 0.1)
        with pytest.raises(ValueError, match="delta is 0"):
            f(2, 2, 3, 0.1, 0.0)
    with pytest.raises(ValueError, match="factor"):
        us_irl_stopping_n(2, 2, 3, 0.1, 0.1, factor="H")


def test_confidence_of_an_array_of_n_stacks_the_scalar_calls():
    ns = np.array([10, 100, 1000])
    C = us_irl_confidence(ns, 0.1, 3, 2, 4)
    assert C.shape == (3, 4)
    for i, n in enumerate(ns):
        np.testing.assert_allclose(C[i], us_irl_confidence(int(n), 0.1, 3, 2, 4), rtol=1e-12)
    c1 = us_irl_confidence(50, 0.1, 3, 2, 4, factor="H-h")
    c0 = us_irl_confidence(50, 0.1, 3, 2, 4)
    np.testing.assert_allclose(c1[:-1] / c0[:-1], np.arange(4, 1, -1) / np.arange(3, 0, -1))
    assert c0[-1] == 0.0 and c1[-1] > 0.0


def test_us_irl_arguments_are_named_and_delta_defaults_to_a_tenth():
    from mdplab import DiscountedMDP

    g = np.random.default_rng(0)
    H, S, A = 2, 2, 2
    mdp = FiniteHorizonMDP(g.dirichlet(np.ones(S), size=(H, S, A)), np.zeros((H, S, A)), H=H)
    pi = np.zeros((H, S), dtype=int)
    res = us_irl(mdp, pi, 0.9, rng=0)
    assert res.delta == 0.1 and res.factor == "H-h-1"
    assert res.n_per_pair == us_irl_stopping_n(S, A, H, 0.9, 0.1)
    with pytest.raises(TypeError, match="model must be a FiniteHorizonMDP or a GenerativeModel, "
                                        "got str"):
        us_irl("mdp", pi, 0.5)
    disc = DiscountedMDP(g.dirichlet(np.ones(S), size=(S, A)), np.zeros((S, A)), 0.9)
    with pytest.raises(ValueError, match="us_irl is the finite-horizon algorithm; the model is "
                                         "discounted"):
        us_irl(GenerativeModel(disc), np.zeros(S, dtype=int), 0.5)
    for kw, match in (({"eps": 0.0}, "eps is 0"), ({"eps": 0.5, "delta": 1.0}, "delta is 1"),
                      ({"eps": 0.5, "factor": "H"}, "factor")):
        with pytest.raises(ValueError, match=match):
            us_irl(mdp, pi, **kw)


@pytest.mark.parametrize("factor", ["H-h-1", "H-h"])
def test_stopping_n_is_the_first_n_at_the_boundary(factor):
    """n* is the first n with max_h C_n[h] <= eps, found against a linear scan with eps set
    exactly to C_n's maximum (an equality must stop: <=, not <)."""
    S, A, H, delta = 3, 2, 3, 0.1
    for n in (1, 2, 3, 5, 17, 64, 1000):
        eps = float(us_irl_confidence(n, delta, S, A, H, factor=factor).max())
        got = us_irl_stopping_n(S, A, H, eps, delta, factor=factor)
        assert type(got) is int and got == n
        assert us_irl_stopping_n(S, A, H, eps * (1 - 1e-9), delta, factor=factor) == n + 1


def test_beta_returns_a_float_and_the_S1_bound():
    assert type(us_irl_beta(10, 0.1, 3, 2, 4)) is float
    H, A, eps, delta = 4, 3, 0.2, 0.05
    assert us_irl_sample_bound(1, A, H, eps, delta) == pytest.approx(
        8 * H ** 3 * A / eps ** 2 * math.log(A * H / delta), rel=1e-12)


def test_us_irl_passes_its_arguments_on():
    rng = np.random.default_rng(4)
    H, S, A = 3, 3, 2
    mdp = FiniteHorizonMDP(rng.dirichlet(np.ones(S), size=(H, S, A)), np.zeros((H, S, A)), H=H)
    pi = rng.integers(A, size=(H, S))
    res = us_irl(mdp, pi, 0.9, 0.1, factor="H-h", rng=0, box=(0.0, 2.0))
    assert res.estimate.box == (0.0, 2.0) and res.eps == 0.9 and res.delta == 0.1
    assert res.n_per_pair == us_irl_stopping_n(S, A, H, 0.9, 0.1, factor="H-h")
    np.testing.assert_allclose(res.confidence, us_irl_confidence(res.n_per_pair, 0.1, S, A, H,
                                                                 factor="H-h"))
    assert res.bound == us_irl_sample_bound(S, A, H, 0.9, 0.1)
    np.testing.assert_allclose(res.P_hat, res.counts / res.n_per_pair)
    assert res.counts.dtype == np.int64
    with pytest.raises(ValueError, match=r"^box"):
        us_irl(mdp, pi, 0.9, 0.1, box=(1.0, 0.0))
    with pytest.raises(ValueError, match=r"^eps is 0; must be a finite number in \(0, inf\)"):
        us_irl(mdp, pi, 0.0, 0.1)
    # unknown expert: delta is split in two halves, transitions and policy
    piS = np.zeros((H, S, A))
    piS[..., 0], piS[..., 1] = 0.7, 0.3
    for eps in (0.9, 5.0):                  # the transition term, then the policy term, rules
        res = us_irl(mdp, piS, eps, 0.1, pi_min=0.3, rng=1)
        want = max(us_irl_stopping_n(S, A, H, eps, 0.05),
                   us_irl_policy_queries(S, A, H, 0.05, 0.3))
        assert res.n_per_pair == want
        assert res.bound == us_irl_sample_bound(S, A, H, eps, 0.05)
        np.testing.assert_allclose(res.confidence, us_irl_confidence(want, 0.05, S, A, H))
    assert us_irl_policy_queries(S, A, H, 0.05, 0.3) > us_irl_stopping_n(S, A, H, 5.0, 0.05)
