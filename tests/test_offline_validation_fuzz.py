"""Attack test (issue 8 §6): every public function of mdplab.algorithms.offline, mdplab.models,
mdplab.sampling and mdplab.envs.make, called with bad arguments (wrong types, NaN, inf,
complex, negative or zero sizes, wrong shapes, strings, None, huge values), must raise a
ValueError or TypeError whose message names the argument -- never a numpy broadcast message,
a math domain error, an IndexError, a numba typing error, or a silent wrong answer.

Each function has a valid base call; one argument at a time is replaced by a bad value of
its kind. The exhaustive test walks every (function, argument, bad value); the hypothesis
test draws them (and combinations with a second bad argument)."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mdplab.algorithms.offline as off
from mdplab import envs, models, sampling
from mdplab.envs.registry import _REGISTRY

warnings.simplefilter("ignore")

# ------------------------------------------------------------------ a small world
MDP = envs.make("riverswim", H=3)
H, S, A = MDP.shape
EP = sampling.rollout(MDP, np.full((H, S, A), 1.0 / A), 8, rng=0)
DATA = sampling.OfflineDataset.from_episodes(EP)
DMDP = envs.make("riverswim", gamma=0.9)
DDATA = sampling.sample_iid(DMDP, np.full((S, A), 1.0 / (S * A)), 300, rng=0)
PHI = np.eye(S * A).reshape(S, A, S * A)
RES = off.pevi_tabular(DATA)
DRES = off.vi_lcb_bernstein(DDATA, np.asarray(DMDP.r), 0.9, tau_max=5)
GEN = sampling.GenerativeModel(MDP)
N_SA = np.asarray(DDATA.n)
NN_SA = np.asarray(DDATA.nn)
N_HSA = np.asarray(DATA.n)
NN_HSA = np.asarray(DATA.nn)
FOLDS = np.stack([NN_SA, NN_SA, NN_SA])
R_SA = np.asarray(DMDP.r)
PI_HS = np.zeros((H, S), dtype=np.int64)
MEANS = np.array([0.2, 0.7])
MU = np.array([0.5, 0.5])
CB_MEANS = np.array([[0.2, 0.7], [0.5, 0.1]])
CB_MU = np.full((2, 2), 0.25)
N_A = np.array([3, 2])
RS_A = np.array([1.0, 2.0])
N_CB = np.array([[3, 2], [1, 4]])
RS_CB = np.array([[1.0, 2.0], [0.0, 3.0]])
ACTS = np.array([0, 1, 1, 0])
CTXS = np.array([0, 1, 0, 1])
RWD = np.array([1.0, 0.0, 1.0, 1.0])

# ------------------------------------------------------------------ bad values by kind
NAN, INF = float("nan"), float("inf")
HUGE = 10**30
_SCALAR = ["x", NAN, INF, 1j, [1.0, 2.0]]
KINDS: dict[str, list] = {
    "size": _SCALAR + [None, 2.5, 0, -1, True, HUGE],       # int >= 1
    "size0": _SCALAR + [None, 2.5, -1, True, HUGE],         # int >= 0
    "unit": _SCALAR + [None, 0.0, 1.0, -0.5, 1.5, True],    # (0, 1)
    "unit_r": _SCALAR + [0.0, -0.5, 1.5, True],             # (0, 1], None allowed
    "prob": _SCALAR + [None, -0.1, 1.1, True],              # [0, 1]
    "pos": _SCALAR + [None, 0.0, -1.0, True],               # > 0
    "nonneg": _SCALAR + [None, -1.0, True],                 # >= 0
    "opt_nonneg": _SCALAR + [-1.0, True],                   # >= 0 or None
    "real": _SCALAR + [None, True],
    "gamma": _SCALAR + [None, 1.0, -0.1, 2.0, True],
    "choice": [None, 3, "nonsense", 1j],
    "bool": [None, "yes", 2, 1.0],
    "callable": [None, 3, "f"],
    "rng": ["x", 1.5, -1, True, 1j],
    "dataset": [None, "x", 3, np.zeros(3)],
    "mdp": [None, "x", 3, np.zeros((2, 2))],
    "result": [None, "x", 3],
}


def _array_bads(shape, *, optional=False, extra=()):
    z = np.zeros(shape)
    out = [z * NAN, z + INF, z + 1j, np.zeros((7, 1, 1, 1, 1)), "x", [[1.0, 2.0], [3.0]]]
    if not optional:
        out.append(None)
    return out + list(extra)


def arr(shape, **kw):
    return ("array", _array_bads(shape, **kw))


def counts(shape, **kw):
    z = np.zeros(shape, dtype=np.int64)
    return ("array", _array_bads(shape, **kw) + [z - 1, z + 0.5])


def rewards(shape, **kw):
    z = np.zeros(shape)
    return ("array", _array_bads(shape, **kw) + [z + 5.0, z - 3.0])


def ints(shape, high, **kw):
    z = np.zeros(shape, dtype=np.int64)
    return ("array", _array_bads(shape, **kw) + [z - 1, z + high, z + 0.5])


def probs(shape, **kw):
    z = np.zeros(shape)
    return ("array", _array_bads(shape, **kw) + [z - 0.1, z + 2.0])


# (name, function, base kwargs, {argument: kind}); kinds are names of KINDS or tuples above.
SPECS: list[tuple[str, object, dict, dict]] = [
    # ---------------------------------------------------------------- PEVI
    ("pevi", off.pevi, dict(H=H, S=S, A=A, backup=lambda h, V: np.zeros((S, A)),
                            penalty=lambda h, V: np.zeros((S, A))),
     dict(H="size", S="size", A="size", backup="callable", penalty="callable", clip="bool",
          rho=probs((S,), optional=True))),
    ("pevi_tabular", off.pevi_tabular, dict(data=DATA),
     dict(data="dataset", penalty="choice", xi="unit", r=rewards((S, A), optional=True),
          adaptive="bool", c="pos", lam="pos", rho=probs((S,), optional=True))),
    ("pevi_linear", off.pevi_linear, dict(episodes=EP, phi=PHI),
     dict(episodes="dataset", phi=("array", _array_bads(PHI.shape) + [PHI * 1e200]),
          beta="opt_nonneg", c="pos", xi="unit", lam="pos", rho=probs((S,), optional=True))),
    ("tabular_penalty", off.tabular_penalty, dict(n=N_HSA, kind="l1", K=8),
     dict(n=counts(N_HSA.shape), kind="choice", xi="unit", rewards_known="bool",
          adaptive="bool", c="pos", lam="pos")),
    ("jyw_beta", off.jyw_beta, dict(d=4, H=3, K=10, xi=0.1),
     dict(d="size", H="size", K="size", xi="unit", c="pos")),
    ("pevi_linear_rate", off.pevi_linear_rate, dict(d=4, H=3, K=10, xi=0.1),
     dict(d="size", H="size", K="size", xi="unit", c_prime="pos")),
    # ---------------------------------------------------------------- exact checks
    ("event_E", off.event_E, dict(mdp=MDP, result=RES),
     dict(mdp="mdp", result="result", slack="nonneg")),
    ("decomposition", off.decomposition, dict(mdp=MDP, result=RES),
     dict(mdp="mdp", result="result", policy_star=ints((H, S), A, optional=True))),
    ("model_evaluation_error", off.model_evaluation_error, dict(mdp=MDP, result=RES),
     dict(mdp="mdp", result="result")),
    ("data_dependent_bound", off.data_dependent_bound, dict(mdp=MDP, penalty=np.zeros((H, S, A))),
     dict(mdp="mdp", penalty=arr((H, S, A)), policy_star=ints((H, S), A, optional=True))),
    ("suboptimality", off.suboptimality, dict(mdp=MDP, policy=PI_HS),
     dict(mdp="mdp", policy=ints((H, S), A))),
    ("true_backup", off.true_backup, dict(mdp=MDP, V=np.zeros((H + 1, S))),
     dict(mdp="mdp", V=arr((H + 1, S)))),
    # ---------------------------------------------------------------- VI-LCB episodic
    ("vi_lcb_episodic", off.vi_lcb_episodic, dict(data=DATA, r=np.asarray(MDP.r)),
     dict(data="dataset", r=rewards((S, A)), c_b="nonneg", delta="unit", fold_log="bool",
          cap=("array", ["x", None, NAN, -1.0, 0.0, 1j]), arrival=arr((S,), optional=True),
          method="choice", rho=probs((S,), optional=True))),
    ("vi_lcb_episodic[counts]", off.vi_lcb_episodic,
     dict(data=(N_HSA, NN_HSA), r=np.asarray(MDP.r)), dict(r=rewards((S, A)))),
    ("vi_lcb_subsampled", off.vi_lcb_subsampled, dict(data=DATA, r=np.asarray(MDP.r), rng=0),
     dict(data="dataset", r=rewards((S, A)), c_b="nonneg", delta="unit", rng="rng",
          fold_log="bool")),
    ("two_fold_subsample", off.two_fold_subsample, dict(data=DATA, rng=0),
     dict(data="dataset", delta="unit", rng="rng")),
    ("bernstein_log", off.bernstein_log, dict(N=10, H=3, delta=0.1),
     dict(N="size0", H="size", delta="unit")),
    ("trim_log", off.trim_log, dict(H=3, S=2, delta=0.1),
     dict(H="size", S="size", delta="unit")),
    ("n_trim", off.n_trim, dict(n_aux=np.ones((3, 2)), H=3, S=2, delta=0.1),
     dict(n_aux=("array", ["x", None, np.full(2, NAN), np.full(2, 1j), -np.ones(2),
                          np.full(2, 0.5)]), H="size", S="size", delta="unit")),
    ("theorem3_min_episodes", off.theorem3_min_episodes,
     dict(H=3, S=2, C_clipped=2.0, epsilon=0.5, delta=0.1),
     dict(H="size", S="size", C_clipped="nonneg", epsilon="pos", delta="unit", c_k="pos")),
    ("theorem3_epsilon", off.theorem3_epsilon, dict(K=100, H=3, S=2, C_clipped=2.0, delta=0.1),
     dict(K="size", H="size", S="size", C_clipped="nonneg", delta="unit", c_k="pos")),
    ("theorem6_condition", off.theorem6_condition,
     dict(K=100, H=3, S=2, C_clipped=2.0, N=300, delta=0.1),
     dict(K="size", H="size", S="size", C_clipped="nonneg", N="size", delta="unit",
          constant="pos")),
    ("theorem4_lower_bound", off.theorem4_lower_bound,
     dict(H=12, S=8, C_clipped=2.0, epsilon=1e-4),
     dict(H="size", S="size", C_clipped="nonneg", epsilon="pos", c_3="pos", c_4="pos")),
    ("instance_dependent_bound", off.instance_dependent_bound,
     dict(mdp=MDP, d_b=np.full((H, S, A), 1.0 / (S * A)), K=10),
     dict(mdp="mdp", d_b=arr((H, S, A)), K="size", c_leading="nonneg", log_factor="nonneg",
          policy_star=ints((H, S), A, optional=True))),
    ("gambler_run", off.gambler_run, dict(N=2, rng=0),
     dict(N="size", algorithm="choice", c_b="nonneg", faithful_notebook="bool", rng="rng",
          instance=("array", ["x", 3, np.zeros(2)]))),
    # ---------------------------------------------------------------- VI-LCB discounted
    ("vi_lcb_bernstein", off.vi_lcb_bernstein, dict(data=DDATA, r=R_SA, gamma=0.9, tau_max=5),
     dict(data="dataset", r=rewards((S, A)), gamma="gamma", delta="unit", c_b="nonneg",
          tau_max=("array", [b for b in KINDS["size"] if b is not None]), tol="opt_nonneg",
          Q0=arr((S, A), optional=True), keep_history="bool",
          rho=probs((S,), optional=True))),
    ("vi_lcb_bernstein[counts]", off.vi_lcb_bernstein,
     dict(data=(N_SA, NN_SA), r=R_SA, gamma=0.9, tau_max=5),
     dict(data=("array", [(N_SA - 1, NN_SA), (N_SA, NN_SA + 0.5), (N_SA, NN_SA[:, :, :2]),
                          (N_SA + 1, NN_SA), (1j * N_SA, NN_SA)]))),
    ("bernstein_penalty", off.bernstein_penalty, dict(data=DDATA, V=np.zeros(S), gamma=0.9),
     dict(data="dataset", V=arr((S,)), gamma="gamma", delta="unit", c_b="nonneg")),
    ("pessimistic_operator", off.pessimistic_operator,
     dict(Q=np.zeros((S, A)), data=DDATA, r=R_SA, gamma=0.9),
     dict(Q=arr((S, A)), data="dataset", r=rewards((S, A)), gamma="gamma", delta="unit",
          c_b="nonneg")),
    ("discounted_event", off.discounted_event, dict(mdp=DMDP, result=DRES),
     dict(mdp="mdp", result="result", slack="nonneg")),
    ("discounted_data_dependent_bound", off.discounted_data_dependent_bound,
     dict(mdp=DMDP, result=DRES),
     dict(mdp="mdp", result="result", policy_star=ints((S,), A, optional=True),
          factor=("array", ["x", NAN, INF, -1.0, 1j]))),
    ("discounted_suboptimality", off.discounted_suboptimality,
     dict(mdp=DMDP, policy=np.zeros(S, dtype=np.int64)),
     dict(mdp="mdp", policy=ints((S,), A))),
    ("vi_lcb_split", off.vi_lcb_split, dict(data=DDATA, gamma=0.5),
     dict(data="dataset", gamma="gamma", delta="unit", c_L="pos", rng="rng",
          r=rewards((S, A), optional=True))),
    ("vi_lcb_split_from_folds", off.vi_lcb_split_from_folds,
     dict(nn_folds=FOLDS, gamma=0.9, N=900, r=R_SA),
     dict(nn_folds=counts(FOLDS.shape), gamma="gamma", N="size", delta="unit", c_L="pos",
          r=rewards((S, A)))),
    ("split_fold_counts", off.split_fold_counts, dict(data=DDATA, gamma=0.5),
     dict(data="dataset", gamma="gamma", rng="rng")),
    ("li2022_log_term", off.li2022_log_term, dict(N=10, gamma=0.9, delta=0.1),
     dict(N="size", gamma="gamma", delta="unit")),
    ("li2022_tau_max", off.li2022_tau_max, dict(N=10, gamma=0.9),
     dict(N="size", gamma="gamma")),
    ("li2022_sample_size", off.li2022_sample_size,
     dict(N=10, S=2, C=2.0, gamma=0.9, epsilon=0.5, delta=0.1),
     dict(N="size", S="size", C="pos", gamma="gamma", epsilon="pos", delta="unit",
          c_1="pos", log_arg="choice")),
    ("li2022_rate", off.li2022_rate, dict(N=10, S=2, C=2.0, gamma=0.9, delta=0.1),
     dict(N="size", S="size", C="pos", gamma="gamma", delta="unit", c_1="pos",
          log_arg="choice")),
    ("li2022_lower_bound_sample_size", off.li2022_lower_bound_sample_size,
     dict(S=4, C=4.0, gamma=0.9, epsilon=0.1),
     dict(S="size", C="pos", gamma="gamma", epsilon="pos", c_2="pos")),
    ("rzmjr21_iterations", off.rzmjr21_iterations, dict(N=10, gamma=0.9),
     dict(N="size", gamma="gamma")),
    ("rzmjr21_rate", off.rzmjr21_rate, dict(N=10, S=2, C_star=2.0, gamma=0.9),
     dict(N="size", S="size", C_star="pos", gamma="gamma", c="pos")),
    ("discounted_two_point_lower_bound", off.discounted_two_point_lower_bound,
     dict(N=10, kl_per_sample=0.01), dict(N="size0", kl_per_sample="nonneg")),
    ("lemma2_distance_bound", off.lemma2_distance_bound, dict(tau=3, gamma=0.9),
     dict(tau="size0", gamma="gamma")),
    # ---------------------------------------------------------------- bandits
    ("lcb_mab", off.lcb_mab, dict(actions=ACTS, rewards=RWD, A=2),
     dict(actions=ints((4,), 2), rewards=rewards((4,)), A="size", delta="unit_r",
          unseen="choice", tie="choice")),
    ("lcb_mab_counts", off.lcb_mab_counts, dict(n=N_A, r_sum=RS_A),
     dict(n=counts((2,)), r_sum=arr((2,), extra=[np.array([5.0, 0.0])]), delta="unit_r",
          unseen="choice", tie="choice")),
    ("eba", off.eba, dict(actions=ACTS, rewards=RWD, A=2),
     dict(actions=ints((4,), 2), rewards=rewards((4,)), A="size", tie="choice")),
    ("eba_counts", off.eba_counts, dict(n=N_A, r_sum=RS_A),
     dict(n=counts((2,)), r_sum=arr((2,)), unseen="choice")),
    ("mpa", off.mpa, dict(actions=ACTS, A=2), dict(actions=ints((4,), 2), A="size",
                                                  tie="choice")),
    ("mpa_counts", off.mpa_counts, dict(n=N_A), dict(n=counts((2,)), tie="choice")),
    ("lcb_cb", off.lcb_cb, dict(contexts=CTXS, actions=ACTS, rewards=RWD, S=2, A=2),
     dict(contexts=ints((4,), 2), actions=ints((4,), 2), rewards=rewards((4,)), S="size",
          A="size", delta="unit_r")),
    ("lcb_cb_counts", off.lcb_cb_counts, dict(n=N_CB, r_sum=RS_CB),
     dict(n=counts((2, 2)), r_sum=arr((2, 2)), delta="unit_r", tie="choice")),
    ("greedy_cb", off.greedy_cb, dict(contexts=CTXS, actions=ACTS, rewards=RWD, S=2, A=2),
     dict(contexts=ints((4,), 2), S="size")),
    ("greedy_cb_counts", off.greedy_cb_counts, dict(n=N_CB, r_sum=RS_CB),
     dict(n=counts((2, 2)), r_sum=arr((2, 2)))),
    ("bc_cb", off.bc_cb, dict(contexts=CTXS, actions=ACTS, S=2, A=2),
     dict(contexts=ints((4,), 2), actions=ints((4,), 2), S="size", A="size")),
    ("bc_cb_counts", off.bc_cb_counts, dict(n=N_CB), dict(n=counts((2, 2)), tie="choice")),
    ("mab_choices", off.mab_choices, dict(n=N_A[None], r_sum=RS_A[None]),
     dict(n=counts((1, 2)), r_sum=arr((1, 2)), rule="choice", delta="unit_r",
          unseen="choice", tie="choice")),
    ("mab_choices[uniform]", off.mab_choices,
     dict(n=N_A[None], r_sum=RS_A[None], tie="uniform", rng=0), dict(rng="rng")),
    ("cb_choices", off.cb_choices, dict(n=N_CB[None], r_sum=RS_CB[None]),
     dict(n=counts((1, 2, 2)), r_sum=arr((1, 2, 2)), rule="choice", delta="unit_r")),
    ("hoeffding_bonus", off.hoeffding_bonus, dict(n=N_A, log_term=1.0),
     dict(n=("array", ["x", None, np.full(2, NAN), np.full(2, 1j), -np.ones(2, dtype=int),
                       np.full(2, 0.5)]), log_term="nonneg", unseen="choice")),
    ("lcb_log_term", off.lcb_log_term, dict(A=2, delta=0.1),
     dict(A="size", delta="unit_r", S="size")),
    ("lcb_mab_rate_bound", off.lcb_mab_rate_bound, dict(N=10, C_star=2.0),
     dict(N=("array", ["x", None, NAN, INF, 0, -1, 1j, np.array([10, -1])]),
          C_star=("array", ["x", None, NAN, 0.5, 1j]), A="size", delta="unit_r",
          constant="pos")),
    ("lcb_mab_hoeffding_bound", off.lcb_mab_hoeffding_bound, dict(N=10, mu_star=0.5, A=2),
     dict(N="size0", mu_star="prob", A="size", delta="unit_r")),
    ("lcb_cb_rate_bound", off.lcb_cb_rate_bound, dict(N=10, S=2, C_star=2.0),
     dict(N=("array", ["x", None, NAN, INF, 0, 1j]), S="size",
          C_star=("array", ["x", None, NAN, 0.5, 1j]), A="size", delta="unit_r",
          constant="pos")),
    ("mpa_two_arm_suboptimality", off.mpa_two_arm_suboptimality,
     dict(N=10, mu_star=0.6, gap=0.1),
     dict(N="size0", mu_star="prob", gap="prob", best=("array", [2, -1, "x", None, 0.5]),
          tie="choice", log="bool")),
    ("mab_two_point_lower_bound", off.mab_two_point_lower_bound, dict(N=10, C_star=2.0, gap=0.1),
     dict(N=("array", ["x", None, NAN, -1, 1j]), C_star=("array", ["x", None, NAN, 0.5, 1j]),
          gap=("array", ["x", None, NAN, 0.0, 0.6, 1j]), S="size")),
    ("bernoulli_kl", off.bernoulli_kl, dict(p=0.3, q=0.5),
     dict(p=("array", ["x", None, NAN, 1j, -0.1, 1.5]), q=("array", ["x", None, NAN, 2.0]))),
    ("unseen_context_gap", off.unseen_context_gap, dict(means=CB_MEANS),
     dict(means=arr((2, 2)), tie="choice")),
    ("expert_cb_suboptimality", off.expert_cb_suboptimality,
     dict(rho=np.array([0.5, 0.5]), gap_unseen=np.array([0.1, 0.2]), N=10),
     dict(rho=probs((2,)), gap_unseen=arr((2,), extra=[np.array([2.0, 0.0])]), N="size0")),
    ("mab_suboptimality", off.mab_suboptimality, dict(means=MEANS, arms=np.array([0, 1])),
     dict(means=arr((2,)), arms=("array", ["x", None, np.full(2, NAN), np.array([0, 2]),
                                          np.array([-1, 0]), np.full(2, 0.5)]))),
    ("cb_suboptimality", off.cb_suboptimality,
     dict(means=CB_MEANS, rho=np.array([0.5, 0.5]), policies=np.array([0, 1])),
     dict(means=arr((2, 2)), rho=arr((2,)), policies=ints((2,), 2))),
    ("sample_bandit_data", off.sample_bandit_data, dict(means=MEANS, mu=MU, N=5, rng=0),
     dict(means=probs((2,)), mu=probs((2,)), N="size0", rng="rng")),
    ("sample_contextual_data", off.sample_contextual_data,
     dict(means=CB_MEANS, mu=CB_MU, N=5, rng=0),
     dict(means=probs((2, 2)), mu=probs((2, 2)), N="size0", rng="rng")),
    ("sample_bandit_counts", off.sample_bandit_counts, dict(means=MEANS, mu=MU, N=5, M=3, rng=0),
     dict(means=probs((2,)), mu=probs((2,)), N="size0", M="size", rng="rng")),
    ("sample_contextual_counts", off.sample_contextual_counts,
     dict(means=CB_MEANS, mu=CB_MU, N=5, M=3, rng=0),
     dict(means=probs((2, 2)), mu=probs((2, 2)), N="size0", M="size")),
    ("bandit_counts", off.bandit_counts, dict(actions=ACTS, rewards=RWD, A=2),
     dict(actions=ints((4,), 2), rewards=rewards((4,), optional=True), A="size")),
    ("contextual_counts", off.contextual_counts,
     dict(contexts=CTXS, actions=ACTS, rewards=RWD, S=2, A=2),
     dict(contexts=ints((4,), 2), actions=ints((4,), 2), rewards=rewards((4,), optional=True),
          S="size", A="size")),
    ("Bound", off.Bound, dict(value=1.0, trivial=2.0),
     dict(value=("array", ["x", None, 1j]), trivial=("array", ["x", None, 0.0, -1.0, NAN]))),
    # ---------------------------------------------------------------- models
    ("FiniteHorizonMDP", models.FiniteHorizonMDP,
     dict(P=np.full((2, 2, 2), 0.5), r=np.zeros((2, 2)), H=3),
     dict(P=probs((2, 2, 2), extra=[np.zeros((0, 2, 0)), np.zeros((2, 0, 2)),
                                    np.zeros((0, 2, 2, 2)), np.full((2, 2, 2), 0.4)]),
          r=rewards((2, 2), extra=[np.zeros((3, 2))]), H="size",
          rho=probs((2,), optional=True), reward_dist="choice",
          reward_range=("array", ["x", None, (1.0, 0.0), (0.0, INF), (NAN, 1.0), (0, 1, 2),
                                  3.0, ("a", 1.0)]))),
    ("DiscountedMDP", models.DiscountedMDP,
     dict(P=np.full((2, 2, 2), 0.5), r=np.zeros((2, 2)), gamma=0.9),
     dict(P=probs((2, 2, 2), extra=[np.zeros((0, 2, 0))]), r=rewards((2, 2)), gamma="gamma",
          rho=probs((2,), optional=True), reward_dist="choice")),
    ("LinearMDP", models.LinearMDP,
     dict(phi=np.eye(2).reshape(2, 1, 2), mu=np.full((2, 2), 0.5), theta=np.zeros(2), H=2),
     dict(phi=arr((2, 1, 2), extra=[np.zeros((0, 1, 2)), np.zeros((2, 0, 2))]),
          mu=arr((2, 2)), theta=arr((2,), extra=[np.full(2, 5.0)]), H="size",
          rho=probs((2,), optional=True))),
    ("Bandit", models.Bandit, dict(means=MEANS),
     dict(means=probs((2,), extra=[np.zeros(0), []]), reward_dist="choice")),
    ("ContextualBandit", models.ContextualBandit, dict(means=CB_MEANS),
     dict(means=probs((2, 2), extra=[np.zeros((0, 2)), np.zeros((2, 0))]),
          rho=probs((2,), optional=True))),
    ("SparseTransitions", models.SparseTransitions,
     dict(indptr=np.array([0, 1, 2, 3, 4]), indices=np.array([0, 1, 0, 1]),
          data=np.ones(4), shape=(2, 2, 2)),
     dict(indptr=ints((5,), 5), indices=ints((4,), 2), data=probs((4,)),
          shape=("array", [None, "x", (0, 2, 0), (2, 2), (2, 2, 3), (2.5, 2, 2)]))),
    ("validate_policy", models.validate_policy, dict(policy=PI_HS, H=H, S=S, A=A),
     dict(policy=ints((H, S), A))),
    ("greedy", models.greedy, dict(Q=np.zeros((S, A))),
     dict(Q=("array", ["x", None, np.full(2, NAN), np.full(2, INF), np.full(2, 1j), np.zeros(0),
                       [[1.0, 2.0], [3.0]]]))),
    ("deterministic_to_stochastic", models.deterministic_to_stochastic,
     dict(pi=PI_HS, A=A), dict(pi=("array", ["x", None, PI_HS - 1, PI_HS + A, PI_HS + 0.5,
                                              PI_HS * 1j]), A="size")),
    ("Beta", models.Beta, dict(), dict(concentration="pos")),
    # ---------------------------------------------------------------- sampling
    ("rollout", sampling.rollout, dict(mdp=MDP, policy=PI_HS, n_episodes=3, rng=0),
     dict(mdp="mdp", policy=ints((H, S), A), n_episodes="size0", rng="rng",
          rho=probs((S,), optional=True))),
    ("rollout_adaptive", sampling.rollout_adaptive,
     dict(mdp=MDP, choose_policy=lambda k, past: PI_HS, n_episodes=3, rng=0),
     dict(mdp=("array", [None, "x", 3, DMDP]), choose_policy="callable",
          n_episodes="size0", rng="rng", batch="size")),
    ("sample_iid", sampling.sample_iid, dict(mdp=DMDP, mu=np.full((S, A), 1 / (S * A)), N=3),
     dict(mdp="mdp", mu=probs((S, A)), N="size0", rng="rng")),
    ("OfflineDataset", sampling.OfflineDataset,
     dict(s=ACTS, a=ACTS, s_next=ACTS, S=2, A=2, H=2, h=CTXS, r=RWD),
     dict(s=ints((4,), 2), a=ints((4,), 2), s_next=ints((4,), 2), S="size", A="size",
          H=("array", [b for b in KINDS["size"] if b is not None]),
          r=rewards((4,), optional=True),
          h=ints((4,), 2, optional=True), episode=("array", ["x", np.zeros(3), 1j]),
          reward_range=("array", ["x", None, (1.0, 0.0), (0.0, INF)]))),
    ("Episodes", sampling.Episodes,
     dict(states=EP.states, actions=EP.actions, rewards=EP.rewards, S=S, A=A),
     dict(states=ints(EP.states.shape, S), actions=ints(EP.actions.shape, A),
          rewards=rewards(EP.rewards.shape), S="size", A="size")),
    ("GenerativeModel", sampling.GenerativeModel, dict(mdp=MDP), dict(mdp="mdp")),
    ("GenerativeModel.sample", GEN.sample, dict(s=0, a=0, n=3, h=0, rng=0),
     dict(s=("array", KINDS["size0"] + [S]), a=("array", KINDS["size0"] + [A]),
          n="size0", rng="rng")),
    ("GenerativeModel.counts", GEN.counts, dict(n=2, rng=0),
     dict(n="size0", rng="rng", layout="choice")),
    ("GenerativeModel.next_states", GEN.next_states, dict(s=ACTS, a=ACTS, h=0, rng=0),
     dict(s=ints((4,), S), a=ints((4,), A))),
    ("GenerativeModel.reward_sums", GEN.reward_sums, dict(n=2, rng=0),
     dict(n="size0", rng="rng")),
    ("empirical_kernel", sampling.empirical_kernel, dict(nn=NN_SA),
     dict(nn=("array", ["x", None, NN_SA - 1, NN_SA + 0.5, NN_SA * 1j, np.zeros(3)]))),
]

# aliases: an error about an argument may name it by its role
ALIASES = {
    "kind": ("penalty",), "episodes": ("Episodes",),
    "mdp": ("FiniteHorizonMDP", "DiscountedMDP"), "result": ("PessimisticResult",
                                                             "BernsteinVILCBResult"),
    "shape": ("SparseTransitions",), "P": ("P",), "phi": ("phi", "Phi"),
    # a dataset given as counts (n, nn) is named by its part; SparseTransitions' data by P
    "indices": ("P",), "data": ("OfflineDataset", "n", "nn", "P"),
    "nn_folds": ("nn_folds",), "instance": ("GamblerInstance",), "value": ("Bound",),
    "tau_max": ("tau_max",), "policy_star": ("policy_star",),
}


def _names(arg: str) -> tuple[str, ...]:
    return (arg, *ALIASES.get(arg, ()))


def _bads(kind):
    if isinstance(kind, tuple):
        return kind[1]
    return KINDS[kind]


def _mentions(msg: str, arg: str) -> bool:
    return any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", msg)
               for n in _names(arg))


def _attack(name, fn, base, arg, bad):
    """None if ``fn`` refused ``arg=bad`` properly, else a description of the failure."""
    kw = dict(base)
    kw[arg] = bad
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(**kw)
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        if not _mentions(msg, arg):
            return f"{name}({arg}={bad!r:.40}): {type(exc).__name__} not naming {arg}: {msg}"
        return None
    except Exception as exc:  # noqa: BLE001 - any other class is a failure of the API
        return f"{name}({arg}={bad!r:.40}): {type(exc).__name__}: {exc}"
    return f"{name}({arg}={bad!r:.40}): accepted"


CASES = [(name, fn, base, arg, bad) for name, fn, base, kinds in SPECS
         for arg, kind in kinds.items() for bad in _bads(kind)]


def test_every_base_call_is_valid():
    for _name, fn, base, _ in SPECS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(**base)


def test_every_public_function_is_attacked():
    """The attack covers every public callable of the packages (classes of results aside)."""
    covered = {fn for _, fn, _, _ in SPECS}
    results = {"BanditDecision", "ContextualDecision", "PessimisticResult", "GamblerRun",
               "TrimResult", "BernsteinVILCBResult", "SplitVILCBResult", "BoundArray",
               "DegeneratePolicyWarning", "RewardDistribution", "Deterministic", "Bernoulli",
               "SamplingTable", "SparseCounts"}
    for pkg in (off, models, sampling):
        for n in pkg.__all__:
            obj = getattr(pkg, n)
            if callable(obj) and n not in results:
                assert obj in covered, f"{pkg.__name__}.{n} is not attacked"


def test_exhaustive_attack():
    failures = [f for f in (_attack(*c) for c in CASES) if f]
    assert not failures, f"{len(failures)} of {len(CASES)} probes failed:\n" + "\n".join(
        failures[:400])


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_hypothesis_attack(data):
    name, fn, base, kinds = data.draw(st.sampled_from(SPECS), label="function")
    args = sorted(kinds)
    arg = data.draw(st.sampled_from(args), label="argument")
    bad = data.draw(st.sampled_from(_bads(kinds[arg])), label="bad value")
    failure = _attack(name, fn, base, arg, bad)
    assert failure is None, failure


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_hypothesis_two_bad_arguments(data):
    """Two bad arguments at once: the error names one of them."""
    name, fn, base, kinds = data.draw(st.sampled_from([s for s in SPECS if len(s[3]) >= 2]))
    a1, a2 = data.draw(st.lists(st.sampled_from(sorted(kinds)), min_size=2, max_size=2,
                                unique=True))
    kw = dict(base)
    kw[a1] = data.draw(st.sampled_from(_bads(kinds[a1])))
    kw[a2] = data.draw(st.sampled_from(_bads(kinds[a2])))
    with pytest.raises((ValueError, TypeError)) as info:
        fn(**kw)
    assert _mentions(str(info.value), a1) or _mentions(str(info.value), a2), str(info.value)


# ------------------------------------------------------------------ envs.make
def _make_cases():
    out = []
    for name in sorted(_REGISTRY):
        for key, default in _REGISTRY[name].defaults.items():
            if isinstance(default, bool):
                bads = ["x", 2, 1j]
            elif isinstance(default, (int, float)):
                bads = ["x", 1j, NAN, INF, [1, 2]]
                if key in ("S", "A", "H", "n_states", "n_arms", "m", "d", "K", "n"):
                    bads += [0, -1, 2.5]
            else:
                continue
            out += [(name, key, b) for b in bads]
    return out


MAKE_CASES = _make_cases()


def _attack_make(name, key, bad):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            envs.make(name, **{key: bad})
    except (ValueError, TypeError) as exc:
        return None if _mentions(str(exc), key) else f"make({name!r}, {key}={bad!r}): {exc}"
    except Exception as exc:  # noqa: BLE001
        return f"make({name!r}, {key}={bad!r}): {type(exc).__name__}: {exc}"
    return f"make({name!r}, {key}={bad!r}): accepted"


def test_make_refuses_bad_parameters():
    failures = [f for f in (_attack_make(*c) for c in MAKE_CASES) if f]
    assert not failures, "\n".join(failures[:400])


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(MAKE_CASES))
def test_hypothesis_make(case):
    failure = _attack_make(*case)
    assert failure is None, failure


def test_make_unknown_parameter_and_name_are_named():
    with pytest.raises(TypeError, match="no parameter 'S'"):
        envs.make("riverswim", H=3, S=0)
    with pytest.raises(ValueError, match="unknown instance"):
        envs.make("riverswimm")
    with pytest.raises(TypeError, match="instance name"):
        envs.make(3)


def test_huge_values_are_named():
    with pytest.raises(ValueError, match="n_episodes"):
        sampling.rollout(MDP, PI_HS, 2**62)
    with pytest.raises(ValueError, match="H"):
        off.jyw_beta(2, HUGE, 2, 0.1)
    assert math.isfinite(off.jyw_beta(2, 2, 2, 0.1))
