"""The hard instances of Theorems B.3 and D.1 (MLR23) and the explicit lower bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mdplab.algorithms.irl import (
    FeasibleRewardSet,
    balanced_packing,
    hausdorff_bracket,
    irl_lower_bound,
    irl_lower_bound_large_delta,
    irl_lower_bound_small_delta,
    irl_lower_bound_unknown_policy,
    large_delta_instance,
    perturbed_kl,
    unknown_policy_instance,
    us_irl_sample_bound,
)


def test_large_delta_instance_rows_and_perturbation():
    Sbar, A, H, e = 16, 3, 4, 0.25
    V = balanced_packing(Sbar, 2000, rng=0, max_size=8)
    signs = np.zeros((H, Sbar, A, Sbar), dtype=int)
    signs[1, 2, 1] = V[0]
    signs[3, 5, 2] = V[1]
    base = large_delta_instance(Sbar, A, H, e)
    inst = large_delta_instance(Sbar, A, H, e, signs)
    for M in (base, inst):
        assert M.P.shape == (H, 2 * Sbar, A, 2 * Sbar)
        np.testing.assert_allclose(M.P.sum(axis=3), 1.0, atol=1e-12)
        assert np.all(M.P[:, Sbar:, :, :Sbar] == 0)                     # absorbing half
        assert np.all(M.expert[..., 0] == 1.0)
        FeasibleRewardSet(M.P, M.expert)                                 # a valid problem
    assert np.all(base.P[:, :Sbar, :, Sbar:] == 1.0 / Sbar)
    diff = np.abs(inst.P - base.P).sum(axis=3)
    assert set(map(tuple, np.argwhere(diff > 0))) == {(1, 2, 1), (3, 5, 2)}
    np.testing.assert_allclose(inst.P[1, 2, 1, Sbar:], (1 + e * V[0]) / Sbar)
    assert diff[1, 2, 1] == pytest.approx(e)                 # ||(1 + e v)/D - 1/D||_1 = e
    kl = perturbed_kl(e, V[0])
    assert max(kl) <= 2 * e ** 2
    assert inst.params["perturbed_triples"] == 2 and base.params["perturbed_triples"] == 0


def test_large_delta_instance_errors():
    with pytest.raises(ValueError, match="even"):
        large_delta_instance(5, 2, 2, 0.1)
    with pytest.raises(ValueError, match="eps_prime"):
        large_delta_instance(4, 2, 2, 0.6)
    s = np.zeros((2, 4, 2, 4), dtype=int)
    s[0, 0, 0] = [1, -1, 1, -1]
    with pytest.raises(ValueError, match="a_0 is unperturbed"):
        large_delta_instance(4, 2, 2, 0.1, s)
    s[0, 0, 0] = 0
    s[1, 3, 1] = [1, 1, 1, -1]
    with pytest.raises(ValueError, match=r"signs\[1, 3, 1\]"):
        large_delta_instance(4, 2, 2, 0.1, s)
    with pytest.raises(ValueError, match="signs has shape"):
        large_delta_instance(4, 2, 2, 0.1, np.zeros((2, 4, 2, 3)))


@pytest.mark.parametrize("pi_min", [0.05, 0.5])
def test_unknown_policy_instances_are_one_apart(pi_min):
    base, alt = unknown_policy_instance(3, 2, 2, pi_min, s_star=1, h_star=1)
    assert alt.expert[1, 1, 0] == pytest.approx(1 - pi_min)
    assert alt.expert[1, 1, 1] == pytest.approx(pi_min)
    assert np.array_equal(np.delete(alt.expert.reshape(-1, 2), 1 * 4 + 1, axis=0),
                          np.delete(base.expert.reshape(-1, 2), 1 * 4 + 1, axis=0))
    R0, R1 = FeasibleRewardSet(base.P, base.expert), FeasibleRewardSet(alt.P, alt.expert)
    br = hausdorff_bracket(R0, R1, n_directions=10, rng=0)
    assert br.lower == pytest.approx(1.0, abs=1e-7) and br.upper == pytest.approx(1.0)
    r = np.zeros((2, 4, 2))
    r[1, 1] = [1.0, -1.0]
    assert R0.contains(r) and not R1.contains(r)
    with pytest.raises(ValueError, match="pi_min"):
        unknown_policy_instance(3, 2, 2, 0.6)
    with pytest.raises(ValueError, match="a_star"):
        unknown_policy_instance(3, 2, 2, 0.1, a_star=0)


def test_lower_bounds_formulas_and_scaling():
    S, A, H, eps, delta = 20, 4, 40, 0.1, 0.01
    Hb = H // 2
    want_small = (S - 4) * (A - 1) * Hb * (H - Hb - 2) ** 2 * math.log(1 / (4 * delta)) \
        / (32 * eps ** 2)
    assert irl_lower_bound_small_delta(S, A, H, eps, delta) == pytest.approx(want_small)
    Sb = (S - 2) // 2
    want_large = Sb * (A - 1) * Hb * ((1 - delta) * Sb / 5 - 1) * math.log(2) \
        * (H - Hb - 2) ** 2 / (2 * 64 ** 2 * eps ** 2)
    assert irl_lower_bound_large_delta(S, A, H, eps, delta) == pytest.approx(want_large)
    assert irl_lower_bound(S, A, H, eps, delta) == max(want_small, want_large)
    # 1/eps^2, and H^3 (inhomogeneous) against H^2 (homogeneous) for large H
    assert irl_lower_bound(S, A, H, eps / 2, delta) == pytest.approx(
        4 * irl_lower_bound(S, A, H, eps, delta))
    big = 4000
    r_in = irl_lower_bound(S, A, 2 * big, eps, delta) / irl_lower_bound(S, A, big, eps, delta)
    r_ho = (irl_lower_bound(S, A, 2 * big, eps, delta, homogeneous=True)
            / irl_lower_bound(S, A, big, eps, delta, homogeneous=True))
    assert r_in == pytest.approx(8, rel=0.01) and r_ho == pytest.approx(4, rel=0.01)
    # side conditions: no bound without enough states
    assert irl_lower_bound_small_delta(4, 2, 20, 0.1, 0.01) == 0.0
    assert irl_lower_bound_large_delta(10, 2, 20, 0.1, 0.01) == 0.0
    # the unknown-expert bound diverges as pi_min -> 0
    u = [irl_lower_bound_unknown_policy(10, 10, 0.01, p) for p in (0.1, 0.01, 0.001)]
    assert u[0] < u[1] < u[2] and u[2] / u[1] == pytest.approx(10, rel=0.01)


@pytest.mark.parametrize("homogeneous", [False, True])
def test_lower_bound_never_exceeds_the_algorithms_upper_bound(homogeneous):
    """No PAC algorithm beats the lower bound, so US-IRL's Theorem 6.1 bound must exceed it
    wherever both apply (S >= 9, A >= 2, H >= 12, delta <= 1/32)."""
    for S in (9, 16, 40, 100):
        for A in (2, 5):
            for H in (12, 50, 200):
                for eps in (0.01, 0.1, 1.0):
                    for delta in (1e-6, 1e-3, 1 / 32):
                        lo = irl_lower_bound(S, A, H, eps, delta, homogeneous=homogeneous)
                        hi = us_irl_sample_bound(S, A, H, eps, delta)
                        assert 0 < lo < hi, (S, A, H, eps, delta)


def _small(S, A, H, eps, delta, homogeneous=False):
    """Theorem B.2's derived bound written out again, from the module docstring."""
    Hb = 1 if homogeneous else H // 2
    L = H - Hb - 2
    if S - 4 < 1 or A - 1 < 1 or L <= 0 or delta >= 0.25:
        return 0.0
    return (S - 4) * (A - 1) * Hb * L ** 2 * math.log(1 / (4 * delta)) / (32 * eps ** 2)


def _large(S, A, H, eps, delta, homogeneous=False):
    Hb = 1 if homogeneous else H // 2
    L, Sb = H - Hb - 2, (S - 2) // 2
    packing = (1 - delta) * Sb / 5 - 1
    if A < 2 or L <= 0 or packing <= 0:
        return 0.0
    return Sb * (A - 1) * Hb * packing * math.log(2) * L ** 2 / (2 * 64 ** 2 * eps ** 2)


@pytest.mark.parametrize("S,A,H,delta", [
    (5, 2, 6, 0.2),      # smallest instance with a bound: Sbar = Abar = L = 1
    (40, 2, 6, 0.01),    # L = 1 with a positive packing term
    (9, 3, 13, 0.01),    # odd H: Hbar = floor(H / 2)
    (33, 2, 40, 0.2),    # odd S: Sbar = floor((S - 2) / 2)
    (400, 2, 41, 0.249),  # delta near 1/4: the large-delta bound dominates
    (3, 3, 20, 0.01),    # too few states: Sbar < 0 must give 0, not a negative number
    (40, 2, 2, 0.01),    # H = 2: L = -1, whose square is positive; the bound is 0
    (40, 1, 20, 0.01),   # one action: no biased action
    (40, 3, 20, 0.3),    # delta > 1/4: log(1/(4 delta)) < 0; the bound is 0
])
@pytest.mark.parametrize("homogeneous", [False, True])
def test_lower_bounds_match_the_written_out_formulas(S, A, H, delta, homogeneous):
    eps = 0.1
    want_s, want_l = _small(S, A, H, eps, delta, homogeneous), _large(S, A, H, eps, delta,
                                                                       homogeneous)
    got_s = irl_lower_bound_small_delta(S, A, H, eps, delta, homogeneous=homogeneous)
    got_l = irl_lower_bound_large_delta(S, A, H, eps, delta, homogeneous=homogeneous)
    assert got_s == pytest.approx(want_s, rel=1e-12) and got_s >= 0.0
    assert got_l == pytest.approx(want_l, rel=1e-12) and got_l >= 0.0
    assert irl_lower_bound(S, A, H, eps, delta, homogeneous=homogeneous) == pytest.approx(
        max(want_s, want_l), rel=1e-12)
    if not homogeneous:
        assert irl_lower_bound_small_delta(S, A, H, eps, delta) == got_s
        assert irl_lower_bound_large_delta(S, A, H, eps, delta) == got_l


def test_lower_bound_cases_where_one_term_dominates():
    # the small-delta term at tiny delta, the large-delta (packing) term with many states
    assert _small(9, 3, 13, 0.1, 1e-9) > _large(9, 3, 13, 0.1, 1e-9) == 0.0
    assert _large(400, 2, 41, 0.1, 0.249) > _small(400, 2, 41, 0.1, 0.249) > 0.0
    assert _large(400, 2, 41, 0.1, 0.249, True) > _small(400, 2, 41, 0.1, 0.249, True) > 0.0


@pytest.mark.parametrize("S,H,delta,pi_min", [
    (4, 2, 0.01, 0.1), (4, 3, 0.01, 0.5), (13, 7, 0.2, 0.01),
    (3, 10, 0.01, 0.1), (2, 10, 0.01, 0.1), (10, 10, 0.3, 0.1)])
@pytest.mark.parametrize("homogeneous", [False, True])
def test_unknown_policy_bound_matches_the_written_out_formula(S, H, delta, pi_min,
                                                              homogeneous):
    Hb = 1 if homogeneous else H // 2
    want = 0.0
    if S - 3 >= 1 and Hb >= 1 and delta < 0.25:
        want = (S - 3) * Hb * math.log(1 / (4 * delta)) / math.log(1 / (1 - pi_min))
    got = irl_lower_bound_unknown_policy(S, H, delta, pi_min, homogeneous=homogeneous)
    assert got == pytest.approx(want, rel=1e-12) and got >= 0.0
    if not homogeneous:
        assert irl_lower_bound_unknown_policy(S, H, delta, pi_min) == got


@pytest.mark.parametrize("call,message", [
    (lambda: irl_lower_bound(0, 2, 12, 0.1, 0.01), "^S is 0"),
    (lambda: irl_lower_bound(9, 0, 12, 0.1, 0.01), "^A is 0"),
    (lambda: irl_lower_bound(9, 2, 0, 0.1, 0.01), "^H is 0"),
    (lambda: irl_lower_bound(9, 2, 12, 0.0, 0.01), "^eps "),
    (lambda: irl_lower_bound(9, 2, 12, 0.1, 1.0), "^delta "),
    (lambda: irl_lower_bound_unknown_policy(0, 12, 0.01, 0.1), "^S is 0"),
    (lambda: irl_lower_bound_unknown_policy(9, 0, 0.01, 0.1), "^H is 0"),
    (lambda: irl_lower_bound_unknown_policy(9, 12, 0.0, 0.1), "^delta "),
    (lambda: irl_lower_bound_unknown_policy(9, 12, 0.01, 0.0), "^pi_min "),
    (lambda: irl_lower_bound_unknown_policy(9, 12, 0.01, 0.6), "^pi_min "),
])
def test_lower_bound_errors_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_unknown_policy_bound_accepts_pi_min_one_half():
    assert irl_lower_bound_unknown_policy(9, 12, 0.01, 0.5) == pytest.approx(
        6 * 6 * math.log(25) / math.log(2))
