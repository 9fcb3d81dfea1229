"""Finite value classes F for GLOW and GOLF on a tabular MDP.

Source: P. Amortila, D. J. Foster, N. Jiang, A. Sekhari, T. Xie (2024). *Harnessing Density
Ratios for Online Reinforcement Learning.* arXiv:2401.09681 (v2, ICLR 2024) [AFJSX24]:
Assumption 2.1 (realizability, Q* in F), the normalisation sum_h r_h in [0, 1] with value
functions in [0, 1] (Sec. 2), greedy policies pi_f (Sec. 2). The class constructions (needles
over a block lock, codes of a combination lock, perturbed models, pads) are the library's
built so that regret has a closed form.

Units. Every member is an array f[h, s, a] in [0, 1] of *normalised* values: the algorithms
run on the rewards ``reward_scale * r``. :func:`reward_scale` returns 1 when every trajectory
of the model collects at most 1 in total (the block and rich locks) and 1/H otherwise
(rewards in [0, 1] per step). Regret reported by the algorithms is in normalised units;
divide by ``reward_scale`` for the model's units.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..._validation import (
    as_float_array,
    as_rng,
    check_int_between,
    check_positive_int,
    check_real,
    readonly,
)
from ...models.finite_horizon import FiniteHorizonMDP
from ...planning.finite_horizon import backward_induction

__all__ = [
    "ValueClass",
    "code_class",
    "max_return",
    "needle_class",
    "optimal_q",
    "optimistic_distractor_class",
    "perturbed_model_class",
    "policy_evaluation_class",
    "reward_scale",
]

#: Members may exceed [0, 1] by this much (round-off of a backward induction).
RANGE_TOL = 1e-12


def _require_fh(mdp: object, fn: str) -> FiniteHorizonMDP:
    if not isinstance(mdp, FiniteHorizonMDP):
        raise TypeError(f"{fn} needs a FiniteHorizonMDP, got {type(mdp).__name__}")
    lo, hi = mdp.reward_range
    if lo < 0.0 or hi > 1.0:
        raise ValueError(f"{fn} needs mean rewards in [0, 1] ([AFJSX24] Sec. 2); the model's "
                         f"reward_range is ({lo:g}, {hi:g})")
    return mdp


def max_return(mdp: FiniteHorizonMDP) -> float:
    """The largest total mean reward of any trajectory with positive probability, from any
    start state: ``M_h(s) = max_a (r_h(s, a) + max_{s' : P_h(s'|s,a) > 0} M_{h+1}(s'))``,
    ``M_H = 0``, returned as ``max_s M_0(s)`` (from every state, not only rho's support)."""
    mdp = _require_fh(mdp, "max_return")
    H, S, A = mdp.shape
    M = np.zeros(S)
    P = mdp.P
    for h in range(H - 1, -1, -1):
        nxt = np.where(P[h] > 0.0, M[None, None, :], -np.inf).max(axis=2)
        M = (np.asarray(mdp.r[h]) + nxt).max(axis=1)
    return float(M.max())


def reward_scale(mdp: FiniteHorizonMDP) -> float:
    """1 when :func:`max_return` <= 1 (the normalisation of [AFJSX24] Sec. 2 already holds),
    else 1/H (mean rewards in [0, 1] per step, so returns in [0, H])."""
    return 1.0 if max_return(mdp) <= 1.0 + RANGE_TOL else 1.0 / mdp.H


def _scale_arg(mdp: FiniteHorizonMDP, scale: Any) -> float:
    if scale is None:
        return reward_scale(mdp)
    return check_real(scale, "reward_scale", 0.0, 1.0, open_low=True)


def optimal_q(mdp: FiniteHorizonMDP, scale: float | None = None) -> np.ndarray:
    """Q* of the normalised model, ``scale * Q*`` (H, S, A) (Q* is linear in r)."""
    mdp = _require_fh(mdp, "optimal_q")
    return _scale_arg(mdp, scale) * backward_induction(mdp).Q


@dataclass(frozen=True, eq=False)
class ValueClass:
    """A finite value class F = (f_0, ..., f_{n-1}), each f_i[h, s, a] in [0, 1].

    Attributes
    ----------
    values : (n, H, S, A) read-only float64, normalised units.
    names : n labels (default ``"f0", "f1", ...``).
    truth : index of Q* of the normalised model in ``values`` (realizability,
        [AFJSX24] Assumption 2.1), or None when the class is not known to contain it.
    reward_scale : the normalisation the members were built for (see the module docstring).
    """

    values: np.ndarray
    names: tuple[str, ...] = ()
    truth: int | None = None
    reward_scale: float = 1.0
    _policies: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        F = as_float_array(self.values, "values", ndim=4)
        n = F.shape[0]
        if n < 1 or min(F.shape[1:]) < 1:
            raise ValueError(f"values has shape {F.shape}; expected (n, H, S, A) with every "
                             "axis >= 1")
        bad = (F < -RANGE_TOL) | (F > 1.0 + RANGE_TOL)
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(f"values{list(idx)} is {F[idx]:.6g}; members must lie in [0, 1] "
                             "(normalised units; [AFJSX24] Sec. 2)")
        names = tuple(self.names) if self.names else tuple(f"f{i}" for i in range(n))
        if len(names) != n or not all(isinstance(x, str) for x in names):
            raise ValueError(f"names must be {n} strings (one per member), got {len(names)}")
        truth = None if self.truth is None else check_int_between(self.truth, "truth", 0, n - 1)
        scale = check_real(self.reward_scale, "reward_scale", 0.0, 1.0, open_low=True)
        object.__setattr__(self, "values", readonly(np.clip(F, 0.0, 1.0)))
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "truth", truth)
        object.__setattr__(self, "reward_scale", scale)
        # greedy policies pi_f, ties to the lowest action ([AFJSX24]: any consistent rule)
        object.__setattr__(self, "_policies", readonly(F.argmax(axis=3).astype(np.int64)))

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def __repr__(self) -> str:
        n, H, S, A = self.values.shape
        t = "no Q*" if self.truth is None else f"Q* at {self.truth}"
        return (f"ValueClass(n={n}, H={H}, S={S}, A={A}, {t}, "
                f"reward_scale={self.reward_scale:g})")

    @property
    def shape(self) -> tuple[int, int, int]:
        """(H, S, A)."""
        return tuple(int(x) for x in self.values.shape[1:])  # type: ignore[return-value]

    @property
    def policies(self) -> np.ndarray:
        """The greedy policies ``argmax_a f[h, s, a]`` (ties to the lowest a), an int64 array
        of shape (n, H, S)."""
        return self._policies

    def next_values(self) -> np.ndarray:
        """max_a f_{h+1}(s, a) for h = 0..H-1, shape (n, H, S); row H-1 is 0 (f_H = 0)."""
        V = np.zeros(self.values.shape[:3])
        V[:, :-1] = self.values[:, 1:].max(axis=3)
        return V

    def initial_values(self, rho: Any) -> np.ndarray:
        """E_{s ~ rho}[max_a f_0(s, a)] for each member, shape (n,)."""
        rho = as_float_array(rho, "rho", ndim=1)
        return self.values[:, 0].max(axis=2) @ rho

    def bellman_residuals(self, mdp: FiniteHorizonMDP) -> np.ndarray:
        """Population Bellman residuals Delta_h f = f_h - T_h f_{h+1} (n, H, S, A), with
        ``[T_h g](s, a) = reward_scale r_h(s, a) + sum_s' P_h(s'|s, a) max_a' g(s', a')``
        ([AFJSX24] Sec. 2); zero for Q* (the class's truth)."""
        self._check_model(mdp)
        V = self.next_values()                                  # (n, H, S)
        backup = np.einsum("hsat,nht->nhsa", mdp.P, V)
        return self.values - self.reward_scale * np.asarray(mdp.r)[None] - backup

    def distinct_policies(self) -> tuple[np.ndarray, np.ndarray]:
        """(Pi, index): the distinct greedy policies (p, H, S) in order of first appearance,
        and for each member the row of its policy (n,) (Pi = {pi_f : f in F})."""
        flat = self._policies.reshape(len(self), -1)
        _, first, inverse = np.unique(flat, axis=0, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        return self._policies[first[order]], rank[inverse.reshape(-1)]

    def _check_model(self, mdp: Any) -> FiniteHorizonMDP:
        mdp = _require_fh(mdp, "ValueClass")
        if tuple(mdp.shape) != self.shape:
            raise ValueError(f"the model has (H, S, A) = {tuple(mdp.shape)}; the class has "
                             f"{self.shape}")
        return mdp


def _with_truth(mdp: FiniteHorizonMDP, members: list[np.ndarray], names: list[str],
                scale: float) -> ValueClass:
    members = members + [optimal_q(mdp, scale)]
    names = names + ["Q*"]
    return ValueClass(np.stack(members), tuple(names), truth=len(members) - 1,
                      reward_scale=scale)


def _pads(base: list[np.ndarray], base_names: list[str], count: int) -> tuple[list, list]:
    """Pads p_i = 0.25 (1 - 0.001 floor(i / n)) base[i mod n], i = 0..count-1 (a library
    construction): scaled copies whose initial value stays below J* once Q* is in the class."""
    n = len(base)
    out, names = [], []
    for i in range(count):
        c = 0.25 * (1.0 - 0.001 * (i // n))
        out.append(c * base[i % n])
        names.append(f"pad{i}({base_names[i % n]})")
    return out, names


def needle_class(mdp: FiniteHorizonMDP, m: int, *, size: int | None = None,
                 scale: float | None = None) -> ValueClass:
    """The needle class of a block MDP with blocks of ``m`` observations (a library
    construction).

    For latent z = x // m in {0..k-1} (k = S / m) and action a, needle j = z A + a is
    ``f_j = Q*(P, r_j)`` with ``r_j[H-1, x, a'] = 1{x // m == z, a' == a}`` (same dynamics,
    value 1 for reaching block z at the last step and playing a). Then, when ``size`` is
    given, pads (:func:`_pads`) up to ``size - 1`` members, and Q* of the normalised model
    last (``truth = size - 1``; adversarial order: the truth comes last). On
    :func:`mdplab.envs.block_lock` a wrong needle has Bellman error +1 at its own target cell
    and -r* at the true one.
    """
    mdp = _require_fh(mdp, "needle_class")
    H, S, A = mdp.shape
    m = check_positive_int(m, "m")
    if S % m:
        raise ValueError(f"m is {m}; it must divide S = {S} (observation blocks of size m)")
    k = S // m
    scale = _scale_arg(mdp, scale)
    members, names = [], []
    for z in range(k):
        for a in range(A):
            r = np.zeros((H, S, A))
            r[H - 1, z * m:(z + 1) * m, a] = 1.0
            members.append(backward_induction(mdp.with_rewards(r)).Q)
            names.append(f"needle(z={z},a={a})")
    if size is not None:
        size = check_int_between(size, "size", k * A + 1, 10**7)
        pads, pad_names = _pads(members, names, size - 1 - k * A)
        members, names = members + pads, names + pad_names
    return _with_truth(mdp, members, names, scale)


def code_class(mdp: FiniteHorizonMDP, *, scale: float | None = None) -> ValueClass:
    """The code class of a rich-observation combination lock (a library
    construction): for every code
    c in [A]^H (lexicographic order), Q* of the lock with code c and reward 1, then Q* of
    the given lock (normalised) last. ``|F|`` = A^H + 1; the model must be
    :func:`mdplab.envs.rich_lock`-shaped (S = 2m: the good block first)."""
    from ...envs.block import rich_lock

    mdp = _require_fh(mdp, "code_class")
    H, S, A = mdp.shape
    if S % 2:
        raise ValueError(f"S is {S}; a rich lock has S = 2m states (good and bad blocks)")
    if A ** H > 10**6:
        raise ValueError(f"A^H = {A}^{H} codes; more than 10^6 members")
    scale = _scale_arg(mdp, scale)
    members, names = [], []
    for code in itertools.product(range(A), repeat=H):
        lock = rich_lock(H=H, A=A, m=S // 2, code=np.array(code), r_star=1.0)
        members.append(backward_induction(lock).Q)
        names.append("code(" + "".join(map(str, code)) + ")")
    return _with_truth(mdp, members, names, scale)


def perturbed_model_class(mdp: FiniteHorizonMDP, n: int = 15, *, rng: Any = None,
                          scale: float | None = None) -> ValueClass:
    """Perturbed models (a library construction): f_j = Q* of a perturbed model M_j, then Q* last.

    M_j: ``P_j = (1 - eta_j) P + eta_j Dir(0.3 1_S)`` per (h, s, a),
    ``r_j = clip(r + eta_j U(-1, 1), 0, 1)``, ``eta_j ~ U(0.1, 0.6)``; each member is
    scaled by the reward scale. Bellman residuals of members can exceed 1 slightly.
    """
    mdp = _require_fh(mdp, "perturbed_model_class")
    H, S, A = mdp.shape
    n = check_positive_int(n, "n")
    gen = as_rng(rng)
    scale = _scale_arg(mdp, scale)
    P, r = np.asarray(mdp.P), np.asarray(mdp.r)
    members, names = [], []
    for j in range(n):
        eta = gen.uniform(0.1, 0.6)
        Pj = (1.0 - eta) * P + eta * gen.dirichlet(0.3 * np.ones(S), size=(H, S, A))
        Pj /= Pj.sum(axis=3, keepdims=True)
        rj = np.clip(r + eta * gen.uniform(-1.0, 1.0, size=(H, S, A)), 0.0, 1.0)
        Q = backward_induction(FiniteHorizonMDP(Pj, rj, rho=mdp.rho)).Q
        members.append(np.clip(scale * Q, 0.0, 1.0))
        names.append(f"perturbed{j}(eta={eta:.3f})")
    return _with_truth(mdp, members, names, scale)


def optimistic_distractor_class(mdp: FiniteHorizonMDP, n: int = 15, *, bonus: float = 0.2,
                                density: float = 0.2, rng: Any = None,
                                scale: float | None = None) -> ValueClass:
    """Optimistic distractors (a library construction): f_j = min(1, Q* + bonus 1_{B_j}) for
    random cell sets B_j (each (h, s, a) in B_j with probability ``density``), then Q* last.
    Wrong but optimistic: their Bellman residual is +bonus on B_j (less where clipped) and
    can be negative on the cells before B_j."""
    mdp = _require_fh(mdp, "optimistic_distractor_class")
    n = check_positive_int(n, "n")
    bonus = check_real(bonus, "bonus", 0.0, 1.0, open_low=True)
    density = check_real(density, "density", 0.0, 1.0)
    gen = as_rng(rng)
    scale = _scale_arg(mdp, scale)
    Q = optimal_q(mdp, scale)
    members, names = [], []
    for j in range(n):
        B = gen.random(Q.shape) < density
        members.append(np.minimum(1.0, Q + bonus * B))
        names.append(f"distractor{j}(|B|={int(B.sum())})")
    return _with_truth(mdp, members, names, scale)


def policy_evaluation_class(mdp: FiniteHorizonMDP, n: int = 15, *, rng: Any = None,
                            scale: float | None = None) -> ValueClass:
    """Policy-evaluation class (a library construction): Q^{pi_j} (normalised) of random
    deterministic policies pi_j (actions uniform per (h, s)), then Q* last."""
    from ...planning.finite_horizon import evaluate_policy

    mdp = _require_fh(mdp, "policy_evaluation_class")
    H, S, A = mdp.shape
    n = check_positive_int(n, "n")
    gen = as_rng(rng)
    scale = _scale_arg(mdp, scale)
    members, names = [], []
    for j in range(n):
        pi = gen.integers(A, size=(H, S))
        members.append(np.clip(scale * evaluate_policy(mdp, pi).Q, 0.0, 1.0))
        names.append(f"Q^pi{j}")
    return _with_truth(mdp, members, names, scale)
