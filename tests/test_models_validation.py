"""Every validation rule of the models, with the text of its message.

The rules (DESIGN.md, layer 1): bad values raise ValueError, wrong types TypeError,
each naming the field and the offending index; nothing is clipped or renormalised,
and the stored arrays are read-only.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import discounted_mdps, finite_horizon_arrays, linear_mdps, random_kernel
from hypothesis import given

from mdplab.models import (
    Bandit,
    Bernoulli,
    Beta,
    ContextualBandit,
    DiscountedMDP,
    FiniteHorizonMDP,
    LinearMDP,
    SparseTransitions,
)
from mdplab.models.policy import validate_policy
from mdplab.planning import evaluate_policy, occupancy_measure

H, S, A = 3, 4, 2


def kernel(shape=(H, S, A, S), seed=0):
    return random_kernel(np.random.default_rng(seed), shape)


def rewards(shape=(H, S, A), seed=1):
    return np.random.default_rng(seed).random(shape)


def m(s: str) -> str:
    """An exact-text match pattern."""
    return "^" + re.escape(s) + "$"


# ------------------------------------------------------------------ P
def test_row_sum_message_exact_for_nonstationary_P():
    P = kernel()
    P[2, 3, 1] *= 0.97
    with pytest.raises(ValueError, match=m(
        "P[2, 3, 1, :] sums to 0.970000; each row must sum to 1 (tolerance 1e-9)"
    )):
        FiniteHorizonMDP(P, rewards())


def test_row_sum_message_for_stationary_P_and_excess_mass():
    P = kernel((S, A, S))
    P[1, 0, 2] += 0.25
    with pytest.raises(ValueError, match=m(
        "P[1, 0, :] sums to 1.250000; each row must sum to 1 (tolerance 1e-9)"
    )):
        FiniteHorizonMDP(P, rewards((S, A)), H=2)


def test_row_sum_tolerance_is_1e9_and_nothing_is_renormalised():
    P = kernel()
    P[0, 0, 0, 0] += 5e-10  # inside the tolerance: accepted, stored as given
    P[1, 2, 1, 3] -= 4e-10
    r = rewards()
    rho = np.array([0.25, 0.25, 0.5 + 3e-10, 0.0])
    mdp = FiniteHorizonMDP(P, r, rho=rho)
    np.testing.assert_array_equal(mdp.P, P)
    np.testing.assert_array_equal(mdp.r, r)
    np.testing.assert_array_equal(mdp.rho, rho)
    assert mdp.P.dtype == np.float64 and mdp.r.dtype == np.float64
    P[0, 0, 0, 0] += 2e-9  # outside: rejected
    with pytest.raises(ValueError, match=re.escape("P[0, 0, 0, :] sums to 1.000000")):
        FiniteHorizonMDP(P, r)


def test_round_off_negatives_are_kept_not_clipped():
    """Entries down to -1e-12 pass (round-off) and are stored unchanged, not clipped to 0."""
    P = kernel((S, A, S))
    P[2, 0] = [1.0 + 1e-13, -1e-13, 0.0, 0.0]
    mdp = FiniteHorizonMDP(P, rewards((S, A)), H=2)
    np.testing.assert_array_equal(mdp.P[0], P)
    assert mdp.P[1, 2, 0, 1] == -1e-13
    P[2, 0] = [1.0 + 1e-11, -1e-11, 0.0, 0.0]
    with pytest.raises(ValueError, match=m("P[2, 0, 1] is -1e-11; probabilities must be >= 0")):
        FiniteHorizonMDP(P, rewards((S, A)), H=2)


@given(arr=finite_horizon_arrays())
def test_stored_arrays_equal_inputs_bit_for_bit(arr):
    mdp = FiniteHorizonMDP(arr["P"], arr["r"], H=arr["H"], rho=arr["rho"])
    lead = (1,) if arr["stationary"] else ()
    P = np.asarray(mdp.P)
    for h in range(mdp.H):
        np.testing.assert_array_equal(P[h], arr["P"] if lead else arr["P"][h])
        np.testing.assert_array_equal(mdp.r[h], arr["r"] if lead else arr["r"][h])
    np.testing.assert_array_equal(mdp.rho, arr["rho"])
    sparse = FiniteHorizonMDP(SparseTransitions.from_dense(arr["P"]), arr["r"], H=arr["H"])
    np.testing.assert_array_equal(sparse.P, mdp.P)


def test_inputs_are_copied_not_aliased():
    P, r, rho = kernel(), rewards(), np.full(S, 1 / S)
    mdp = FiniteHorizonMDP(P, r, rho=rho)
    P0, r0, rho0 = P.copy(), r.copy(), rho.copy()
    P[:] = 0.0
    r[:] = 0.0
    rho[:] = 0.0
    np.testing.assert_array_equal(mdp.P, P0)
    np.testing.assert_array_equal(mdp.r, r0)
    np.testing.assert_array_equal(mdp.rho, rho0)


def test_P_with_nan_or_inf():
    P = kernel()
    P[1, 2, 0, 3] = np.nan
    with pytest.raises(ValueError, match=m("P[1, 2, 0, 3] is nan; all entries must be finite")):
        FiniteHorizonMDP(P, rewards())
    P[1, 2, 0, 3] = np.inf
    with pytest.raises(ValueError, match=m("P[1, 2, 0, 3] is inf; all entries must be finite")):
        FiniteHorizonMDP(P, rewards())
    P[1, 2, 0, 3] = -np.inf
    with pytest.raises(ValueError, match=re.escape("P[1, 2, 0, 3] is -inf")):
        FiniteHorizonMDP(P, rewards())


def test_P_negative_entry_even_if_row_sums_to_one():
    P = kernel((S, A, S))
    P[3, 1] = [1.1, -0.1, 0.0, 0.0]
    with pytest.raises(ValueError, match=m("P[3, 1, 1] is -0.1; probabilities must be >= 0")):
        FiniteHorizonMDP(P, rewards((S, A)), H=1)


@pytest.mark.parametrize("shape", [(S,), (S, S), (1, H, S, A, S)])
def test_P_wrong_number_of_dims(shape):
    with pytest.raises(ValueError, match=m(
        f"P must have 3 or 4 dimensions, got shape {shape}"
    )):
        FiniteHorizonMDP(np.full(shape, 1.0 / S), rewards((S, A)), H=1)


def test_P_last_axis_mismatch():
    P = np.full((H, S, A, S + 1), 1.0 / (S + 1))
    with pytest.raises(ValueError, match=m(
        f"P has shape {P.shape}; the last axis (next state) must have the same length as "
        f"the state axis ({S})"
    )):
        FiniteHorizonMDP(P, rewards())


@pytest.mark.parametrize(
    "bad, msg",
    [
        ("abc", "P must be a numeric array, got str"),
        (b"abc", "P must be a numeric array, got bytes"),
        (
            np.array([[[0.5, 0.5]]], dtype=object),
            "P must be a real numeric array, got dtype object",
        ),
        (np.full((2, 2, 2), 0.5 + 0j), "P must be a real numeric array, got dtype complex128"),
        (np.full((2, 2, 2), "0.5"), "P must be a real numeric array, got dtype <U3"),
    ],
)
def test_P_wrong_type(bad, msg):
    with pytest.raises(TypeError, match=m(msg)):
        FiniteHorizonMDP(bad, np.zeros((2, 2)), H=1)


def test_P_ragged_list_is_a_type_error():
    with pytest.raises(TypeError, match=r"^P must be a numeric array: "):
        FiniteHorizonMDP([[[0.5, 0.5], [1.0]]], np.zeros((2, 1)), H=1)


def test_scipy_sparse_P_must_be_wrapped():
    M = sp.csr_matrix(kernel((S, A, S)).reshape(S * A, S))
    with pytest.raises(TypeError, match=re.escape(
        "P: wrap a scipy.sparse matrix as SparseTransitions.from_scipy(M, shape)"
    )):
        FiniteHorizonMDP(M, rewards((S, A)), H=2)
    mdp = FiniteHorizonMDP(SparseTransitions.from_scipy(M, (S, A, S)), rewards((S, A)), H=2)
    np.testing.assert_array_equal(mdp.P[1], M.toarray().reshape(S, A, S))


def test_bool_and_int_kernels_are_accepted_as_float():
    P = np.zeros((S, A, S), dtype=bool)
    P[..., 0] = True
    mdp = FiniteHorizonMDP(P, rewards((S, A)), H=2)
    assert mdp.P.dtype == np.float64
    np.testing.assert_array_equal(mdp.P[0], P.astype(float))
    mdp2 = FiniteHorizonMDP(P.astype(np.int32), rewards((S, A)), H=2)
    np.testing.assert_array_equal(mdp2.P, mdp.P)


# ------------------------------------------------------------------ r
def test_r_outside_range():
    r = rewards()
    r[2, 1, 0] = 1.5
    with pytest.raises(ValueError, match=m("r[2, 1, 0] is 1.5; must lie in [0, 1]")):
        FiniteHorizonMDP(kernel(), r)
    r[2, 1, 0] = -0.25
    with pytest.raises(ValueError, match=m("r[2, 1, 0] is -0.25; must lie in [0, 1]")):
        FiniteHorizonMDP(kernel(), r)


def test_r_range_is_configurable():
    r = rewards() * 4 - 2  # in [-2, 2]
    mdp = FiniteHorizonMDP(kernel(), r, reward_range=(-2.0, 2.0))
    np.testing.assert_array_equal(mdp.r, r)
    assert mdp.reward_range == (-2.0, 2.0)
    r[0, 0, 0] = 2.5
    with pytest.raises(ValueError, match=m("r[0, 0, 0] is 2.5; must lie in [-2, 2]")):
        FiniteHorizonMDP(kernel(), r, reward_range=(-2.0, 2.0))


def test_stationary_r_out_of_range_names_step_0():
    r = rewards((S, A))
    r[3, 1] = 7.0
    with pytest.raises(ValueError, match=m("r[0, 3, 1] is 7; must lie in [0, 1]")):
        FiniteHorizonMDP(kernel((S, A, S)), r, H=2)


def test_r_nan_inf_type_and_shape():
    r = rewards()
    r[1, 0, 1] = np.nan
    with pytest.raises(ValueError, match=m("r[1, 0, 1] is nan; all entries must be finite")):
        FiniteHorizonMDP(kernel(), r)
    r[1, 0, 1] = np.inf
    with pytest.raises(ValueError, match=m("r[1, 0, 1] is inf; all entries must be finite")):
        FiniteHorizonMDP(kernel(), r)
    with pytest.raises(ValueError, match=m("r must have 2 or 3 dimensions, got shape (4,)")):
        FiniteHorizonMDP(kernel(), np.zeros(S))
    with pytest.raises(ValueError, match=m("r has shape (4, 3); expected (4, 2)")):
        FiniteHorizonMDP(kernel(), np.zeros((S, 3)))
    with pytest.raises(ValueError, match=m("r has shape (2, 4, 2); expected (3, 4, 2)")):
        FiniteHorizonMDP(kernel(), np.zeros((2, S, A)))
    with pytest.raises(TypeError, match=m("r must be a numeric array, got str")):
        FiniteHorizonMDP(kernel(), "zero")
    with pytest.raises(TypeError, match=m("r must be a real numeric array, got dtype complex128")):
        FiniteHorizonMDP(kernel(), np.zeros((S, A), dtype=complex))


# ------------------------------------------------------------------ rho
def test_rho_not_a_distribution():
    with pytest.raises(ValueError, match=m(
        "rho[:] sums to 0.900000; each row must sum to 1 (tolerance 1e-9)"
    )):
        FiniteHorizonMDP(kernel(), rewards(), rho=[0.3, 0.3, 0.3, 0.0])
    with pytest.raises(ValueError, match=m("rho[1] is -0.5; probabilities must be >= 0")):
        FiniteHorizonMDP(kernel(), rewards(), rho=[1.0, -0.5, 0.5, 0.0])
    with pytest.raises(ValueError, match=m("rho[2] is nan; all entries must be finite")):
        FiniteHorizonMDP(kernel(), rewards(), rho=[0.5, 0.5, np.nan, 0.0])
    with pytest.raises(ValueError, match=m("rho[0] is inf; all entries must be finite")):
        FiniteHorizonMDP(kernel(), rewards(), rho=[np.inf, 0.0, 0.0, 0.0])


def test_rho_wrong_shape_or_type():
    with pytest.raises(ValueError, match=m("rho has shape (3,); expected (4,)")):
        FiniteHorizonMDP(kernel(), rewards(), rho=[0.5, 0.5, 0.0])
    with pytest.raises(ValueError, match=m("rho must have 1 dimensions, got shape (1, 4)")):
        FiniteHorizonMDP(kernel(), rewards(), rho=[[0.25] * 4])
    with pytest.raises(TypeError, match=m("rho must be a numeric array, got str")):
        FiniteHorizonMDP(kernel(), rewards(), rho="uniform")


def test_rho_default_is_state_zero():
    mdp = FiniteHorizonMDP(kernel(), rewards())
    np.testing.assert_array_equal(mdp.rho, [1.0, 0.0, 0.0, 0.0])


def test_with_rho_and_with_rewards_validate():
    mdp = FiniteHorizonMDP(kernel((S, A, S)), rewards((S, A)), H=2)
    with pytest.raises(ValueError, match=re.escape("rho[:] sums to 2.000000")):
        mdp.with_rho(np.ones(S) / 2)
    with pytest.raises(ValueError, match=m("r[0, 0, 0] is 2; must lie in [0, 1]")):
        mdp.with_rewards(np.full((S, A), 2.0))
    other = mdp.with_rho(np.full(S, 0.25))
    np.testing.assert_array_equal(other.P, mdp.P)
    np.testing.assert_array_equal(other.rho, np.full(S, 0.25))


# ------------------------------------------------------------------ H
@pytest.mark.parametrize("bad", [0, -3])
def test_H_below_one(bad):
    with pytest.raises(ValueError, match=m(f"H is {bad}; must be >= 1")):
        FiniteHorizonMDP(kernel((S, A, S)), rewards((S, A)), H=bad)


@pytest.mark.parametrize("bad", [2.5, "3", [3]])
def test_H_wrong_type(bad):
    with pytest.raises(TypeError, match=m(f"H must be an integer, got {bad!r}")):
        FiniteHorizonMDP(kernel((S, A, S)), rewards((S, A)), H=bad)


@pytest.mark.parametrize("bad", [True, np.bool_(True)])
def test_H_bool_is_rejected(bad):
    """A bool is not a horizon.

    Fails (library bug): _validation.check_positive_int tests ``isinstance(x, bool)``
    but then falls into the "integral real" branch (``float(True).is_integer()``), so
    H=True is silently read as H=1.
    """
    with pytest.raises(TypeError, match=m(f"H must be an integer, got {bad!r}")):
        FiniteHorizonMDP(kernel((S, A, S)), rewards((S, A)), H=bad)


def test_H_missing_for_stationary_P():
    with pytest.raises(ValueError, match=m(
        "H is required when P is stationary (shape (S, A, S))"
    )):
        FiniteHorizonMDP(kernel((S, A, S)), rewards((S, A)))
    sparse = SparseTransitions.from_dense(kernel((S, A, S)))
    with pytest.raises(ValueError, match=re.escape("H is required when P is stationary")):
        FiniteHorizonMDP(sparse, rewards((S, A)))


def test_H_mismatching_P():
    with pytest.raises(ValueError, match=m("H is 5 but P has shape (3, 4, 2, 4) (H = 3)")):
        FiniteHorizonMDP(kernel(), rewards(), H=5)
    sparse = SparseTransitions.from_dense(kernel())
    with pytest.raises(ValueError, match=m("H is 2 but P has shape (3, 4, 2, 4) (H = 3)")):
        FiniteHorizonMDP(sparse, rewards(), H=2)
    # a matching H is fine, as is an integral float or numpy integer
    assert FiniteHorizonMDP(kernel(), rewards(), H=np.int64(3)).H == 3
    assert FiniteHorizonMDP(kernel((S, A, S)), rewards((S, A)), H=4.0).H == 4


# ------------------------------------------------------------------ reward distributions
def test_unknown_reward_dist():
    with pytest.raises(ValueError, match=m(
        "reward_dist is 'gauss'; must be one of ['bernoulli', 'beta', 'deterministic'] "
        "or a RewardDistribution instance"
    )):
        FiniteHorizonMDP(kernel(), rewards(), reward_dist="gauss")
    with pytest.raises(TypeError, match=m(
        "reward_dist must be a name or a RewardDistribution, got 3"
    )):
        FiniteHorizonMDP(kernel(), rewards(), reward_dist=3)
    # names are case-insensitive
    assert FiniteHorizonMDP(kernel(), rewards(), reward_dist="Bernoulli").reward_dist == Bernoulli()


@pytest.mark.parametrize("dist", ["bernoulli", "beta", Bernoulli(), Beta(concentration=5.0)])
@pytest.mark.parametrize("rng_", [(-1.0, 1.0), (0.0, 2.0)])
def test_bounded_reward_dist_needs_range_in_unit_interval(dist, rng_):
    name = dist if isinstance(dist, str) else dist.name
    with pytest.raises(ValueError, match=m(
        f"reward_range {rng_} is not inside the support (0.0, 1.0) of the {name} "
        "reward distribution"
    )):
        FiniteHorizonMDP(kernel(), rewards(), reward_dist=dist, reward_range=rng_)
    with pytest.raises(ValueError, match=re.escape(f"reward_range {rng_} is not inside")):
        DiscountedMDP(kernel((S, A, S)), rewards((S, A)), 0.5, reward_dist=dist, reward_range=rng_)
    # the deterministic distribution accepts any range
    FiniteHorizonMDP(kernel(), rewards(), reward_range=rng_)


@pytest.mark.parametrize("bad, msg", [
    ((1.0, 0.0), "reward_range is (1.0, 0.0); need finite low <= high"),
    ((0.0, np.inf), "reward_range[1] is inf; must be a finite number in (-inf, inf)"),
    ((np.nan, 1.0), "reward_range[0] is nan; must be a finite number in (-inf, inf)"),
])
def test_reward_range_must_be_finite_and_ordered(bad, msg):
    with pytest.raises(ValueError, match=m(msg)):
        FiniteHorizonMDP(kernel(), rewards(), reward_range=bad)


@pytest.mark.parametrize("bad", ["ab", None, 3.0, (0.0, 1.0, 2.0)])
def test_reward_range_must_be_a_pair(bad):
    with pytest.raises(TypeError, match="reward_range must be a pair"):
        FiniteHorizonMDP(kernel(), rewards(), reward_range=bad)


def test_beta_concentration_must_be_positive():
    with pytest.raises(ValueError, match=m("Beta concentration is 0.0; must be > 0")):
        Beta(concentration=0.0)
    with pytest.raises(ValueError, match=m("Beta concentration is nan; must be > 0")):
        Beta(concentration=float("nan"))


# ------------------------------------------------------------------ discounted
@pytest.mark.parametrize("gamma", [1.0, -0.1, 1.5, float("nan"), float("inf")])
def test_gamma_outside_unit_interval(gamma):
    with pytest.raises(ValueError, match=m(f"gamma is {gamma}; must lie in [0, 1)")):
        DiscountedMDP(kernel((S, A, S)), rewards((S, A)), gamma)


@pytest.mark.parametrize("gamma", ["0.9", None, True, 0.5 + 0j, [0.9]])
def test_gamma_wrong_type(gamma):
    with pytest.raises(TypeError, match=m(f"gamma must be a real number, got {gamma!r}")):
        DiscountedMDP(kernel((S, A, S)), rewards((S, A)), gamma)


def test_gamma_accepts_zero_and_numpy_floats():
    assert DiscountedMDP(kernel((S, A, S)), rewards((S, A)), 0).gamma == 0.0
    assert DiscountedMDP(kernel((S, A, S)), rewards((S, A)), np.float32(0.5)).gamma == 0.5


def test_discounted_validation_messages():
    P = kernel((S, A, S))
    with pytest.raises(ValueError, match=m(
        "P has shape (3, 4, 2, 4); a DiscountedMDP needs (S, A, S)"
    )):
        DiscountedMDP(kernel(), rewards((S, A)), 0.9)
    Pb = P.copy()
    Pb[0, 1] *= 0.5
    with pytest.raises(ValueError, match=m(
        "P[0, 1, :] sums to 0.500000; each row must sum to 1 (tolerance 1e-9)"
    )):
        DiscountedMDP(Pb, rewards((S, A)), 0.9)
    with pytest.raises(ValueError, match=m("r must have 2 dimensions, got shape (3, 4, 2)")):
        DiscountedMDP(P, rewards(), 0.9)
    with pytest.raises(ValueError, match=m("r[0, 0] is 3; must lie in [0, 1]")):
        DiscountedMDP(P, np.full((S, A), 3.0), 0.9)
    with pytest.raises(ValueError, match=m("rho has shape (2,); expected (4,)")):
        DiscountedMDP(P, rewards((S, A)), 0.9, rho=[0.5, 0.5])


@given(mdp=discounted_mdps())
def test_discounted_strategy_and_readonly(mdp):
    """The shared strategy yields valid models whose arrays are read-only."""
    assert 0.0 <= mdp.gamma < 1.0
    np.testing.assert_allclose(mdp.P.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    for arr in (mdp.P, mdp.r, mdp.rho):
        with pytest.raises(ValueError, match="read-only"):
            arr[(0,) * arr.ndim] = 0.5


# ------------------------------------------------------------------ read-only
@pytest.mark.parametrize("stationary", [True, False])
@pytest.mark.parametrize("sparse", [True, False])
def test_model_arrays_are_read_only(stationary, sparse):
    shape = (S, A, S) if stationary else (H, S, A, S)
    P = kernel(shape)
    r = rewards(shape[:-1])
    mdp = FiniteHorizonMDP(SparseTransitions.from_dense(P) if sparse else P, r, H=H)
    for name in ("P", "r", "rho"):
        arr = getattr(mdp, name)
        assert not arr.flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            arr[(0,) * arr.ndim] = 0.5
    with pytest.raises(ValueError, match="read-only"):
        mdp.P[...] = 0.0
    if sparse:
        for name in ("indptr", "indices", "data"):
            with pytest.raises(ValueError, match="read-only"):
                getattr(mdp.P_sparse, name)[0] = 0
    np.testing.assert_array_equal(mdp.P, np.broadcast_to(P, (H, S, A, S)))


def test_linear_and_bandit_arrays_are_read_only():
    lin = LinearMDP.from_tabular(FiniteHorizonMDP(kernel(), rewards()))
    for arr in (lin.phi, lin.mu, lin.theta, lin.rho):
        with pytest.raises(ValueError, match="read-only"):
            arr[(0,) * arr.ndim] = 0.5
    b = Bandit([0.1, 0.2])
    with pytest.raises(ValueError, match="read-only"):
        b.arm_means[0] = 1.0


# ------------------------------------------------------------------ SparseTransitions
def _csr(shape=(2, 2, 2)):
    """indptr, indices, data of a valid sparse kernel: every row a point mass."""
    n = int(np.prod(shape[:-1]))
    return np.arange(n + 1), np.arange(n) % shape[-1], np.ones(n)


def test_sparse_bad_indptr():
    ip, ix, dt = _csr()
    with pytest.raises(ValueError, match=m("indptr has length 4; expected 5")):
        SparseTransitions(ip[:-1], ix, dt, (2, 2, 2))
    rule = m("indptr must start at 0, be nondecreasing and end at len(indices)")
    with pytest.raises(ValueError, match=rule):
        SparseTransitions([1, 2, 3, 4, 4], ix, dt, (2, 2, 2))
    with pytest.raises(ValueError, match=rule):
        SparseTransitions([0, 2, 1, 3, 4], ix, dt, (2, 2, 2))
    with pytest.raises(ValueError, match=rule):
        SparseTransitions([0, 1, 2, 3, 5], ix, dt, (2, 2, 2))
    with pytest.raises(ValueError, match=m("data has shape (3,); indices has (4,)")):
        SparseTransitions(ip, ix, dt[:3], (2, 2, 2))
    with pytest.raises(TypeError, match=m("indptr[1] is 1.5; entries must be integers")):
        SparseTransitions([0, 1.5, 2, 3, 4], ix, dt, (2, 2, 2))
    with pytest.raises(ValueError, match=m("indptr must have 1 dimensions, got shape (1, 5)")):
        SparseTransitions([ip], ix, dt, (2, 2, 2))


def test_sparse_bad_shape():
    ip, ix, dt = _csr()
    with pytest.raises(ValueError, match=m(
        "SparseTransitions shape must be (S,A,S) or (H,S,A,S), got (2, 2)"
    )):
        SparseTransitions(ip, ix, dt, (2, 2))
    with pytest.raises(ValueError, match=re.escape("got (0, 2, 2)")):
        SparseTransitions(ip, ix, dt, (0, 2, 2))
    with pytest.raises(ValueError, match=m(
        "SparseTransitions shape (2, 2, 3): first and last S must agree"
    )):
        SparseTransitions(ip, ix, dt, (2, 2, 3))


def test_sparse_successor_out_of_range():
    """The message names the (s, a) row with plain integers.

    Fails on numpy >= 2 (library bug): sparse.py formats the row index as
    ``list(np.unravel_index(...))``, whose entries print as ``np.int64(1)``.
    """
    ip, ix, dt = _csr()
    ix = ix.copy()
    ix[3] = 5
    with pytest.raises(ValueError, match=m("P[1, 1] lists successor 5; must be in {0, ..., 1}")):
        SparseTransitions(ip, ix, dt, (2, 2, 2))
    ix[3] = -1
    with pytest.raises(ValueError, match=m("P[1, 1] lists successor -1; must be in {0, ..., 1}")):
        SparseTransitions(ip, ix, dt, (2, 2, 2))


def test_sparse_negative_and_nonfinite_data():
    with pytest.raises(ValueError, match=m("P[0, 0, 1] is -0.2; probabilities must be >= 0")):
        SparseTransitions([0, 2, 3, 4, 5], [0, 1, 0, 1, 0], [1.2, -0.2, 1, 1, 1], (2, 2, 2))
    with pytest.raises(ValueError, match=m("data[3] is nan; all entries must be finite")):
        SparseTransitions([0, 1, 2, 3, 4], [0, 1, 0, 1], [1, 1, 1, np.nan], (2, 2, 2))


def test_sparse_row_sums():
    with pytest.raises(ValueError, match=m(
        "P[1, 1, :] sums to 0.970000; each row must sum to 1 (tolerance 1e-9)"
    )):
        SparseTransitions([0, 1, 2, 3, 4], [0, 1, 0, 1], [1, 1, 1, 0.97], (2, 2, 2))
    with pytest.raises(ValueError, match=m(
        "P[1, 0, 1, :] sums to 1.500000; each row must sum to 1 (tolerance 1e-9)"
    )):
        n = 2 * 2 * 2
        data = np.ones(n)
        data[5] = 1.5
        SparseTransitions(np.arange(n + 1), np.zeros(n), data, (2, 2, 2, 2))
    # an empty row in the middle sums to 0
    with pytest.raises(ValueError, match=m(
        "P[0, 1, :] sums to 0.000000; each row must sum to 1 (tolerance 1e-9)"
    )):
        SparseTransitions([0, 1, 1, 2, 3], [0, 1, 0], [1, 1, 1], (2, 2, 2))


def test_sparse_empty_last_row_is_a_value_error():
    """An empty *last* row must give the row-sum ValueError too.

    Fails (library bug): sparse.py computes the row sums with
    ``np.add.reduceat(data, indptr[:-1])``, which raises IndexError when the last
    row is empty (its start index equals len(data)).
    """
    with pytest.raises(ValueError, match=m(
        "P[1, 1, :] sums to 0.000000; each row must sum to 1 (tolerance 1e-9)"
    )):
        SparseTransitions([0, 1, 2, 3, 3], [0, 1, 0], [1.0, 1.0, 1.0], (2, 2, 2))


def test_sparse_from_dense_roundtrip_and_row_check():
    P = kernel()
    P[0, 0, 0] = [0.5, 0.5, 0.0, 0.0]
    sp_P = SparseTransitions.from_dense(P)
    np.testing.assert_array_equal(sp_P.to_dense(), P)
    np.testing.assert_array_equal(sp_P.to_scipy().toarray(), P.reshape(-1, S))
    assert sp_P.nnz == int(np.count_nonzero(P)) and sp_P.n_states == S
    P[2, 1, 1, 2] += 0.1
    with pytest.raises(ValueError, match=re.escape("P[2, 1, 1, :] sums to 1.100000")):
        SparseTransitions.from_dense(P)


# ------------------------------------------------------------------ policies
@pytest.fixture
def fh():
    return FiniteHorizonMDP(kernel(), rewards())


def test_policy_wrong_shape(fh):
    with pytest.raises(ValueError, match=m(
        "policy has shape (4, 4); a deterministic policy is (H, S) = (3, 4)"
    )):
        evaluate_policy(fh, np.zeros((4, 4), dtype=int))
    with pytest.raises(ValueError, match=m(
        "policy has shape (3, 4, 3); a stochastic policy is (H, S, A) = (3, 4, 2) "
        "(or pass an integer array (H, S) for a deterministic one)"
    )):
        evaluate_policy(fh, np.full((H, S, 3), 1 / 3))
    with pytest.raises(ValueError, match=re.escape("policy has shape (3, 4)")):
        occupancy_measure(fh, np.zeros((H, S)))  # floats: read as stochastic


def test_policy_actions_out_of_range(fh):
    pi = np.zeros((H, S), dtype=np.int64)
    pi[2, 1] = 2
    with pytest.raises(ValueError, match=m("policy[2, 1] is 2; must be in {0, ..., 1}")):
        evaluate_policy(fh, pi)
    pi[2, 1] = -1
    with pytest.raises(ValueError, match=m("policy[2, 1] is -1; must be in {0, ..., 1}")):
        occupancy_measure(fh, pi)
    # a stationary (S,) policy is range-checked before it is broadcast over h
    with pytest.raises(ValueError, match=m("policy[3] is 5; must be in {0, ..., 1}")):
        evaluate_policy(fh, np.array([0, 1, 0, 5]))


def test_stochastic_policy_rows_and_types(fh):
    pi = np.full((H, S, A), 0.5)
    pi[1, 2] = [0.7, 0.2]
    with pytest.raises(ValueError, match=m(
        "policy[1, 2, :] sums to 0.900000; each row must sum to 1 (tolerance 1e-9)"
    )):
        evaluate_policy(fh, pi)
    pi[1, 2] = [1.5, -0.5]
    with pytest.raises(ValueError, match=m("policy[1, 2, 1] is -0.5; probabilities must be >= 0")):
        evaluate_policy(fh, pi)
    pi[1, 2] = [np.nan, 0.5]
    with pytest.raises(ValueError, match=m("policy[1, 2, 0] is nan; all entries must be finite")):
        evaluate_policy(fh, pi)
    with pytest.raises(TypeError, match=m("policy must be a numeric array, got str")):
        evaluate_policy(fh, "greedy")
    with pytest.raises(TypeError, match=re.escape("policy must be a real numeric array")):
        evaluate_policy(fh, np.full((H, S, A), 0.5 + 0j))


def test_discounted_policy_validation():
    mdp = DiscountedMDP(kernel((S, A, S)), rewards((S, A)), 0.9)
    with pytest.raises(ValueError, match=m(
        "policy has shape (3, 4); a deterministic policy is (S,) = (4,)"
    )):
        evaluate_policy(mdp, np.zeros((H, S), dtype=int))
    with pytest.raises(ValueError, match=m(
        "policy has shape (3, 4, 2); a stochastic policy is (S, A) = (4, 2)"
    )):
        evaluate_policy(mdp, np.full((H, S, A), 0.5))
    with pytest.raises(ValueError, match=m("policy[0] is 7; must be in {0, ..., 1}")):
        occupancy_measure(mdp, np.array([7, 0, 0, 0]))


def test_validate_policy_names_the_field():
    with pytest.raises(ValueError, match=m("behaviour[0, 1] is 4; must be in {0, ..., 1}")):
        validate_policy(np.array([[0, 4]]), 1, 2, 2, name="behaviour")


def test_occupancy_rho_override_is_validated(fh):
    with pytest.raises(ValueError, match=m(
        "rho[:] sums to 2.000000; each row must sum to 1 (tolerance 1e-9)"
    )):
        occupancy_measure(fh, np.zeros((H, S), dtype=int), rho=[1.0, 1.0, 0.0, 0.0])


def test_planners_reject_non_models():
    from mdplab.planning import backward_induction, gaps

    with pytest.raises(TypeError, match="backward_induction.*FiniteHorizonMDP, got dict"):
        backward_induction({})
    with pytest.raises(TypeError, match="evaluate_policy.*FiniteHorizonMDP, got str"):
        evaluate_policy("mdp", [0])
    with pytest.raises(TypeError, match="gaps.*FiniteHorizonMDP, got NoneType"):
        gaps(None)


# ------------------------------------------------------------------ bandits
def test_bandit_arms_out_of_range():
    b = Bandit([0.1, 0.5, 0.9])
    with pytest.raises(ValueError, match=m("arms[1] is 3; must be in {0, ..., 2}")):
        b.pull([0, 3], rng=0)
    with pytest.raises(ValueError, match=m("arms[0] is -1; must be in {0, ..., 2}")):
        b.pull([-1], rng=0)
    with pytest.raises(TypeError, match=m("arms[0] is 0.5; entries must be integers")):
        b.pull([0.5], rng=0)
    with pytest.raises(TypeError, match=m("arms must be an integer array, got str")):
        b.pull("0", rng=0)
    assert b.pull([2, 2, 0], rng=0).shape == (3,)


def test_contextual_bandit_validation():
    cb = ContextualBandit(np.full((2, 3), 0.5))
    with pytest.raises(ValueError, match=m("contexts[1] is 2; must be in {0, ..., 1}")):
        cb.sample_rewards([0, 2], [0, 0], rng=0)
    with pytest.raises(ValueError, match=m("arms[0] is 3; must be in {0, ..., 2}")):
        cb.sample_rewards([0], [3], rng=0)
    with pytest.raises(ValueError, match=m("contexts (2,) and arms (1,) differ in shape")):
        cb.sample_rewards([0, 1], [0], rng=0)
    with pytest.raises(ValueError, match=m("rho has shape (3,); expected (2,)")):
        ContextualBandit(np.full((2, 3), 0.5), rho=[1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=m("means must have 2 dimensions, got shape (3,)")):
        ContextualBandit([0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=m("means must have 1 dimensions, got shape (1, 2)")):
        Bandit([[0.1, 0.2]])


def test_bandit_means_validation():
    with pytest.raises(ValueError, match=re.escape("is 1.5; must lie in [0, 1]")):
        Bandit([0.1, 1.5])
    with pytest.raises(ValueError, match=m("means[1] is nan; all entries must be finite")):
        Bandit([0.1, np.nan])
    with pytest.raises(ValueError, match=re.escape(
        "reward_range (0.0, 2.0) is not inside the support (0.0, 1.0) of the bernoulli"
    )):
        Bandit([0.1, 0.5], reward_range=(0, 2))
    b = Bandit([0.1, 0.9, 0.4])
    assert b.H == 1 and b.S == 1 and b.A == 3 and b.optimal_arm == 1
    np.testing.assert_array_equal(b.arm_means, [0.1, 0.9, 0.4])


# ------------------------------------------------------------------ linear MDP
def test_linear_mdp_validation_messages():
    phi = np.zeros((S, A, 2))
    phi[..., 0] = 1.0
    mu = np.array([np.full(S, 1 / S), np.eye(S)[0]])
    th = np.array([0.5, 0.5])
    LinearMDP(phi, mu, th, H)  # valid
    with pytest.raises(ValueError, match=m(
        "phi has shape (4, 4, 2, 2); its first axis must be H = 3"
    )):
        LinearMDP(np.stack([phi] * 4), mu, th, H)
    with pytest.raises(ValueError, match=m("mu has shape (2, 2, 4); its first axis must be H = 3")):
        LinearMDP(phi, np.stack([mu] * 2), th, H)
    with pytest.raises(ValueError, match=m("theta has shape (1, 2); its first axis must be H = 3")):
        LinearMDP(phi, mu, th[None], H)
    with pytest.raises(ValueError, match=m(
        "mu has shape (2, 3); expected (d, S) = (2, 4) per step"
    )):
        LinearMDP(phi, mu[:, :3], th, H)
    with pytest.raises(ValueError, match=m("theta has shape (3,); expected last axis d = 2")):
        LinearMDP(phi, mu, np.zeros(3), H)
    with pytest.raises(ValueError, match=m("phi must have 3 or 4 dimensions, got shape (4, 2)")):
        LinearMDP(phi[..., 0], mu, th, H)
    with pytest.raises(ValueError, match=m("H is 0; must be >= 1")):
        LinearMDP(phi, mu, th, 0)
    with pytest.raises(ValueError, match=m(
        "phi . theta (mean reward r)[0, 0, 0] is 2; must lie in [0, 1]"
    )):
        LinearMDP(phi, mu, [2.0, 0.0], H)
    with pytest.raises(ValueError, match=m("phi[0, 0, 1] is nan; all entries must be finite")):
        bad = phi.copy()
        bad[0, 0, 1] = np.nan
        LinearMDP(bad, mu, th, H)
    with pytest.raises(ValueError, match=re.escape("rho[:] sums to 2.000000")):
        LinearMDP(phi, mu, th, H, rho=np.ones(S) / 2)


def test_linear_mdp_validates_reward_dist_and_range():
    """LinearMDP must validate reward_dist and reward_range as FiniteHorizonMDP does.

    Fails (library bug): linear.py stores ``reward_dist`` and ``reward_range`` without
    calling ``as_reward_distribution`` / ``validate_reward_range``, so an unknown name,
    a reversed range or a Bernoulli range outside [0, 1] is accepted (the error appears
    only later, in ``to_tabular``).
    """
    phi = np.zeros((S, A, 1))
    phi[...] = 1.0
    mu = np.full((1, S), 1 / S)
    th = np.array([0.5])
    with pytest.raises(ValueError, match=re.escape("reward_dist is 'gauss'; must be one of")):
        LinearMDP(phi, mu, th, H, reward_dist="gauss")
    with pytest.raises(ValueError, match=re.escape(
        "reward_range (0.0, 2.0) is not inside the support (0.0, 1.0) of the bernoulli"
    )):
        LinearMDP(phi, mu, th, H, reward_dist="bernoulli", reward_range=(0.0, 2.0))
    with pytest.raises(ValueError, match=m("reward_range is (1.0, 0.0); need finite low <= high")):
        LinearMDP(phi, mu, th, H, reward_range=(1.0, 0.0))


@given(lin=linear_mdps())
def test_linear_strategy_is_valid_and_inputs_are_kept(lin):
    tab = lin.to_tabular()
    assert (tab.H, tab.S, tab.A) == (lin.H, lin.S, lin.A)
    np.testing.assert_array_equal(tab.rho, lin.rho)
    again = LinearMDP(lin.phi, lin.mu, lin.theta, lin.H, rho=lin.rho)
    for name in ("phi", "mu", "theta", "rho"):
        np.testing.assert_array_equal(getattr(again, name), getattr(lin, name))
