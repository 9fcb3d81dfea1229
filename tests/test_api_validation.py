"""Bad arguments to planning and coverage raise ValueError/TypeError naming the argument
and the rule (issue 8, Sec. 6 "Arguments not named in errors", "Degenerate sizes")."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mdplab
from mdplab import coverage as C
from mdplab import planning as P

d = mdplab.envs.make("riverswim", gamma=0.9)
f = mdplab.envs.make("riverswim", H=4)
S, A = d.S, d.A
U = np.ones((2, 2)) / 4
Z = np.zeros((4, S), int)
I2 = np.eye(2)

CASES = {
 "vi tol str": (lambda: P.value_iteration(d, tol="a"), "tol"),
 "vi tol nan": (lambda: P.value_iteration(d, tol=float("nan")), "tol"),
 "vi max_iter 0": (lambda: P.value_iteration(d, max_iter=0), "max_iter"),
 "vi max_iter 1.5": (lambda: P.value_iteration(d, max_iter=1.5), "max_iter"),
 "vi V0 shape": (lambda: P.value_iteration(d, V0=np.zeros(S+1)), "V0"),
 "vi V0 nan": (lambda: P.value_iteration(d, V0=np.full(S, np.nan)), "V0"),
 "vi V0 complex": (lambda: P.value_iteration(d, V0=np.zeros(S)+1j), "V0"),
 "vi parallel": (lambda: P.value_iteration(d, parallel="yes"), "parallel"),
 "vi mdp": (lambda: P.value_iteration(f), "mdp"),
 "mpi m": (lambda: P.modified_policy_iteration(d, m=-1), "m"),
 "pi policy0 shape": (lambda: P.policy_iteration(d, policy0=np.zeros(S+1, int)), "policy0"),
 "pi policy0 range": (lambda: P.policy_iteration(d, policy0=np.full(S, 7)), "policy0"),
 "pi max_iter": (lambda: P.policy_iteration(d, max_iter=-3), "max_iter"),
 "lp solver": (lambda: P.solve_lp(d, solver=3), "solver"),
 "lp options": (lambda: P.solve_lp(d, solver_options=3), "solver_options"),
 "bi mdp": (lambda: P.backward_induction(d), "mdp"),
 "ev policy shape": (lambda: P.evaluate_policy(f, np.zeros((2, 2), int)), "policy"),
 "ev policy range": (lambda: P.evaluate_policy(f, np.full((4, S), 9)), "policy"),
 "ev policy str": (lambda: P.evaluate_policy(f, "abc"), "policy"),
 "ev mdp": (lambda: P.evaluate_policy("x", [0]), "mdp"),
 "evd policy": (lambda: P.evaluate_policy_discounted(d, np.zeros(S+2, int)), "policy"),
 "occ rho": (lambda: P.occupancy_measure(f, np.zeros((4, S), int), rho=np.ones(S+1)), "rho"),
 "occ rho sum": (lambda: P.occupancy_measure(f, np.zeros((4, S), int), rho=np.ones(S)), "rho"),
 "occd rho": (lambda: P.occupancy_measure_discounted(d, np.zeros(S, int), rho=np.ones(3)), "rho"),
 "so policy": (lambda: P.state_occupancy(f, np.zeros(3)), "policy"),
 "gaps solution": (lambda: P.gaps(f, solution=3), "solution"),
 "mpg gap": (lambda: P.min_positive_gap("a"), "gap"),
 "mpg rel_tol": (lambda: P.min_positive_gap(np.ones(3), rel_tol=-1), "rel_tol"),
 "mpg nan": (lambda: P.min_positive_gap(np.array([np.nan, 1.0])), "gap"),
 "ceb V": (lambda: P.certified_error_bound(d, "a"), "V"),
 "conc policy": (lambda: C.concentrability(f, np.zeros(3), np.zeros(3)), "policy"),
 "conc clip": (lambda: C.concentrability(f, Z, np.full((S, A), 0.5), clip=-1), "clip"),
 "conc mdp": (lambda: C.concentrability("x", np.zeros(3), np.zeros(3)), "mdp"),
 "cfo": (lambda: C.concentrability_from_occupancies(np.ones((2,2))/4, np.ones((3,2))/6), "d_b"),
 "cap mu": (lambda: C.concentrability_all_policies(f, np.ones(3)), "mu"),
 "cov method": (lambda: C.coverability(f, method="foo"), "method"),
 "cov policies": (lambda: C.coverability(f, policies=np.zeros(3)), "policies"),
 "cbf max": (lambda: C.coverability_brute_force(f, max_policies=0), "max_policies"),
 "reach rho": (lambda: C.reachability(f, rho=np.ones(2)), "rho"),
 "reach mdp": (lambda: C.reachability(d), "mdp"),
 "r2l h": (lambda: C.reach_to_layer(f, h=99), "h"),
 "r2l h str": (lambda: C.reach_to_layer(f, h="a"), "h"),
 "l2 shape": (lambda: C.l2_concentrability_squared(np.ones(3)/3, np.ones(4)/4), "mu"),
 "cc gamma": (lambda: C.clipped_concentrability_cc(U, U, gamma=-2.0), "gamma"),
 "cc gamma str": (lambda: C.clipped_concentrability_cc(U, U, gamma="a"), "gamma"),
 "safe_ratio": (lambda: C.safe_ratio(np.ones(3), np.ones(4)), "den"),
 "max_occ rho": (lambda: C.max_occupancy(f, rho=np.ones(2)), "rho"),
 "class_occ": (lambda: C.class_occupancies(f, [np.zeros(3)]), "polic"),
 "rcfc": (lambda: C.relative_condition_from_covariances(np.eye(2), np.eye(3)), "sigma"),
 "rcfc rcond": (lambda: C.relative_condition_from_covariances(I2, I2, rcond=-1), "rcond"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_argument_is_named(case):
    fn, name = CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((ValueError, TypeError), match=name):
            fn()


BAD_SCALARS = st.one_of(
    st.text(max_size=3),
    st.sampled_from([math.nan, math.inf, -math.inf, 1j, None, [1.0], True]),
    st.floats(max_value=-1e-300, allow_nan=False, allow_infinity=False),
)
SCALAR_ARGS = [
    (P.value_iteration, (d,), "tol"),
    (P.value_iteration, (d,), "max_iter"),
    (P.modified_policy_iteration, (d,), "tol"),
    (P.modified_policy_iteration, (d,), "m"),
    (P.modified_policy_iteration, (d,), "max_iter"),
    (P.policy_iteration, (d,), "max_iter"),
    (P.min_positive_gap, (np.ones(3),), "rel_tol"),
    (C.relative_condition_from_covariances, (np.eye(2), np.eye(2)), "rcond"),
    (C.clipped_concentrability_cc, (np.ones((2, 2)) / 4, np.ones((2, 2)) / 4), "gamma"),
    (C.reach_to_layer, (f,), "h"),
    (C.coverability_brute_force, (f,), "max_policies"),
]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SCALAR_ARGS), BAD_SCALARS)
def test_every_scalar_argument_refuses_bad_values_by_name(target, value):
    fn, args, name = target
    if name == "m" and value is None:
        return
    if name == "gamma" and value == math.inf:
        return  # CC_h with gamma = inf is the (valid) unclipped L2 value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fn(*args, **{name: value})
        except (ValueError, TypeError) as exc:
            assert name in str(exc), (fn.__name__, name, value, str(exc))
        else:  # a negative float is fine only where the rule allows it (none here but h/m ints)
            raise AssertionError(f"{fn.__name__}({name}={value!r}) raised nothing")


BAD_ARRAYS = st.sampled_from([
    "abc", np.zeros(S + 1), np.full(S, np.nan), np.zeros(S) + 1j, np.zeros((S, 2)),
    [[1.0], [1.0, 2.0]], np.full(S, np.inf),
])


@settings(max_examples=40, deadline=None)
@given(BAD_ARRAYS, st.sampled_from(["vi", "mpi", "ceb"]))
def test_value_vectors_are_checked(V, which):
    fn = {
        "vi": lambda: P.value_iteration(d, V0=V),
        "mpi": lambda: P.modified_policy_iteration(d, V0=V),
        "ceb": lambda: P.certified_error_bound(d, V),
    }[which]
    with pytest.raises((ValueError, TypeError), match="V"):
        fn()
