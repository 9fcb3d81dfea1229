"""The feasible reward set of a finite-horizon IRL problem: membership, explicit form, sampling.

Sources
-------
[MLR23] A. M. Metelli, F. Lazzati, M. Restelli (2023). *Towards Theoretical Understanding of
Inverse Reinforcement Learning.* ICML 2023, PMLR 202:24555-24591, arXiv:2304.12966.
Section 2 (the set), Lemma 3.1 (explicit form), Theorem 3.2 (Lipschitz continuity).
[LMM24b] F. Lazzati, M. Mutti, A. M. Metelli (2024). *How to Scale Inverse RL to Large State
Spaces? A Provably Efficient Approach.* NeurIPS 2024, arXiv:2406.03812, Lemma B.3 (the
on-support set, restating LMM24a Lemma E.1).

The problem is an MDP without reward, P[h, s, a, s'] (steps h = 0..H-1, the papers' h + 1),
and an expert policy pi_E. A reward r (H, S, A) in the box [lo, hi]^{H x S x A} is *feasible*
when pi_E is optimal for it:

* ``support="all"`` ([MLR23] Sec. 2, generative model: the expert is queried everywhere):
  ``Adv^{pi_E}_h(s, a; r) = Q^{pi_E}_h(s, a) - V^{pi_E}_h(s) <= 0`` for every (h, s, a); for a
  stochastic expert this forces ``Adv = 0`` on the actions it plays.
* ``support="expert"`` ([LMM24b] Lemma B.3): ``J^{pi_E}(r) = J*(r)``, i.e. at every (h, s)
  the expert reaches from rho, ``sum_a pi_E(a|s) Q*_h(s, a) >= max_a Q*_h(s, a)``.

Explicit form ([MLR23] Lemma 3.1, paper text read): r is feasible (``support="all"``) iff
``r[h,s,a] = V[h,s] - sum_s' P[h,s,a,s'] V[h+1,s'] - Aplus[h,s,a]`` for some V (H+1, S) with
V[H] = 0 and ``Aplus >= 0`` zero on played actions. [MLR23] states ``A_h <= H - h + 1``
(1-indexed); for rewards in [-1, 1] the gap can be twice that (one state, H = 1, r = (1, -1):
the gap is 2), so the samplers and the LP bounds here use ``0 <= Aplus[h] <= (H - h) (hi - lo)``
(derived here; the claim ``metelli2023`` documents the slip). The on-support set has the same
form with the slack ``Aplus >= 0`` also allowed on every action of a state the expert does not
reach (V is then an upper solution there, V_h >= max_a (r + P V_{h+1}); derived here: on the
reachable states V equals V^{pi_E} = V*, and the optimal values elsewhere are a valid choice).

Invariances (derived; the claims check them): the set is a convex polytope containing every
constant reward, closed under r -> c r + b (c >= 0) inside the box and under potential
shaping. Its Hausdorff diameter is at most (hi - lo) / 2: the box centre lies in every
feasible set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..._validation import (
    as_float_array,
    as_rng,
    check_choice,
    check_positive_int,
    check_probability_rows,
    check_real,
    readonly,
)
from ...models.policy import validate_policy

__all__ = ["FeasibleRewardSet", "SetSamples"]

_SUPPORTS = ("all", "expert")


def _transitions(P: Any, H: int | None) -> np.ndarray:
    from ...models import FiniteHorizonMDP

    if isinstance(P, FiniteHorizonMDP):
        # P.P is (H, S, A, S) for every model: densified and broadcast when sparse/stationary
        return np.array(P.P, dtype=np.float64)
    arr = as_float_array(P, "P", ndim=(3, 4))
    if arr.ndim == 3:
        if H is None:
            raise ValueError("P has shape (S, A, S): pass H= (the horizon), or P shaped "
                             "(H, S, A, S)")
        H = check_positive_int(H, "H")
        arr = np.ascontiguousarray(np.broadcast_to(arr, (H,) + arr.shape))
    elif H is not None and check_positive_int(H, "H") != arr.shape[0]:
        raise ValueError(f"H is {H} but P has shape {arr.shape} (H = {arr.shape[0]})")
    if arr.shape[1] != arr.shape[3]:
        raise ValueError(f"P has shape {arr.shape}; expected (H, S, A, S)")
    if min(arr.shape) < 1:
        raise ValueError(f"P has shape {arr.shape}; every axis needs length >= 1")
    check_probability_rows(arr, "P")
    return arr


def _box(box: Any) -> tuple[float, float]:
    if isinstance(box, (str, bytes)) or not hasattr(box, "__len__") or len(box) != 2:
        raise TypeError(f"box must be a pair (lo, hi) of real numbers, got {box!r}")
    lo = check_real(box[0], "box[0]")
    hi = check_real(box[1], "box[1]")
    if not lo < hi:
        raise ValueError(f"box is ({lo:g}, {hi:g}); need lo < hi")
    return lo, hi


@dataclass(frozen=True)
class SetSamples:
    """Members of a feasible set drawn by :meth:`FeasibleRewardSet.sample`.

    rewards : (n, H, S, A); method : the sampler; steps : hit-and-run steps taken (0 for the
    explicit sampler); burn_in, thin : the hit-and-run schedule used.
    """

    rewards: np.ndarray
    method: str
    steps: int = 0
    burn_in: int = 0
    thin: int = 0


class _BoxedSet:
    """The reward box of a feasible set (``self.box`` and ``self.reward_shape`` are set by the
    subclass): its centre, half width, and the rescaling of explicit-form members into it."""

    box: tuple[float, float]

    @property
    def midpoint(self) -> float:
        return 0.5 * (self.box[0] + self.box[1])

    @property
    def half_width(self) -> float:
        return 0.5 * (self.box[1] - self.box[0])

    def to_box(self, r: np.ndarray) -> np.ndarray:
        """Rescale members of the unbounded set into the box (never clips):
        ``r / max(1, max abs(r))`` maps into [-1, 1], then the affine map onto [lo, hi] (both
        preserve feasibility)."""
        R = np.asarray(r, dtype=np.float64)
        axes = tuple(range(-len(self.reward_shape), 0))  # type: ignore[attr-defined]
        scale = np.maximum(1.0, np.abs(R).max(axis=axes, keepdims=True))
        return self.midpoint + self.half_width * (R / scale)


class FeasibleRewardSet(_BoxedSet):
    """The rewards in a box that make an expert optimal in a finite-horizon MDP without reward.

    Parameters
    ----------
    P : array (H, S, A, S), or (S, A, S) with ``H``, or a :class:`~mdplab.models.FiniteHorizonMDP`
        (its transitions and rho; its reward is ignored). Rows must be distributions.
    expert : array, deterministic (H, S) int or stochastic (H, S, A) float (a stationary (S,) or
        (S, A) policy is broadcast over h). For a stochastic expert, the actions it plays are
        those with positive probability.
    box : (lo, hi), default (-1, 1) as in the papers (the project's [0, 1] is ``(0, 1)``: the
        set in [0, 1] is the image of the [-1, 1] set under r -> (r + 1) / 2).
    support : "all" (default; the expert is optimal at every (h, s), [MLR23]) or "expert"
        (only where it goes from rho, [LMM24b] Lemma B.3; needs ``rho`` or an MDP).
    rho : array (S,), the initial distribution (``support="expert"``; default the MDP's).
    H : horizon, when ``P`` is (S, A, S).

    Attributes
    ----------
    P (H, S, A, S), expert (H, S, A), played (H, S, A) bool, constrained (H, S) bool (states
    where optimality is required), slack (H, S, A) bool (entries with a free advantage:
    unplayed actions and every action of an unconstrained state), box, support, H, S, A,
    n = H S A. Arrays are read-only.
    """

    def __init__(self, P: Any, expert: Any, *, box: Any = (-1.0, 1.0), support: str = "all",
                 rho: Any = None, H: int | None = None) -> None:
        from ...models import FiniteHorizonMDP

        P_arr = _transitions(P, H)
        Hh, S, A, _ = P_arr.shape
        pi = validate_policy(expert, Hh, S, A, name="expert")
        self.box = _box(box)
        self.support = check_choice(support, "support", _SUPPORTS)
        if rho is None and isinstance(P, FiniteHorizonMDP):
            rho = P.rho
        if rho is not None:
            rho_arr = as_float_array(rho, "rho", ndim=1)
            if rho_arr.shape != (S,):
                raise ValueError(f"rho has shape {rho_arr.shape}; expected ({S},)")
            check_probability_rows(rho_arr, "rho")
        elif self.support == "expert":
            raise ValueError('support="expert" needs the initial distribution: pass rho= '
                             "(shape (S,)) or a FiniteHorizonMDP")
        else:
            rho_arr = None
        self.H, self.S, self.A = Hh, S, A
        self.n = Hh * S * A
        self.P = readonly(P_arr)
        self.expert = readonly(np.ascontiguousarray(pi))
        self.played = readonly(pi > 0.0)
        self.rho = None if rho_arr is None else readonly(rho_arr)
        if self.support == "all":
            constrained = np.ones((Hh, S), dtype=bool)
        else:
            constrained = self._expert_reach() > 0.0
        self.constrained = readonly(constrained)
        self.slack = readonly(~self.played | ~constrained[:, :, None])
        self.deterministic = bool(np.all(self.played.sum(axis=2) == 1))

    # ------------------------------------------------------------------ basics
    def __repr__(self) -> str:
        kind = "deterministic" if self.deterministic else "stochastic"
        return (f"FeasibleRewardSet(H={self.H}, S={self.S}, A={self.A}, {kind} expert, "
                f"box={self.box}, support={self.support!r})")

    def _expert_reach(self) -> np.ndarray:
        """Expert state occupancy d_h(s) from rho, (H, S)."""
        d = np.zeros((self.H, self.S))
        d[0] = self.rho
        for h in range(self.H - 1):
            d[h + 1] = np.einsum("s,sa,sat->t", d[h], self.expert[h], self.P[h])
        return d

    def _rewards(self, r: Any, name: str = "r") -> np.ndarray:
        arr = as_float_array(r, name)
        shape = (self.H, self.S, self.A)
        if arr.shape == shape:
            return arr
        if arr.ndim == 4 and arr.shape[1:] == shape:
            return arr
        raise ValueError(f"{name} has shape {arr.shape}; expected {shape} or (n, *{shape})")

    @property
    def reward_shape(self) -> tuple[int, int, int]:
        """(H, S, A)."""
        return (self.H, self.S, self.A)

    def default_tol(self) -> float:
        """1e-9 H (membership of rewards computed in float64 by dynamic programming)."""
        return 1e-9 * self.H

    # ------------------------------------------------------------------ values
    def _backward(self, r: Any, optimal: bool) -> tuple[np.ndarray, np.ndarray]:
        """Q (..., H, S, A) and V (..., H+1, S) of rewards r (H, S, A) or a batch (n, H, S, A):
        the expert's values, or the optimal ones when ``optimal``."""
        R = self._rewards(r)
        batch = R.ndim == 4
        R4 = R if batch else R[None]
        V = np.zeros((R4.shape[0], self.H + 1, self.S))
        Q = np.empty_like(R4)
        for h in range(self.H - 1, -1, -1):
            Q[:, h] = R4[:, h] + np.einsum("sat,mt->msa", self.P[h], V[:, h + 1])
            V[:, h] = (Q[:, h].max(axis=2) if optimal
                       else np.einsum("msa,sa->ms", Q[:, h], self.expert[h]))
        return (Q, V) if batch else (Q[0], V[0])

    def expert_values(self, r: Any) -> tuple[np.ndarray, np.ndarray]:
        """Q^{pi_E} (..., H, S, A) and V^{pi_E} (..., H+1, S) of rewards r (H, S, A) or a batch
        (n, H, S, A), by backward induction."""
        return self._backward(r, optimal=False)

    def optimal_values(self, r: Any) -> tuple[np.ndarray, np.ndarray]:
        """Q* (..., H, S, A) and V* (..., H+1, S) of rewards r (or a batch)."""
        return self._backward(r, optimal=True)

    def advantage(self, r: Any) -> np.ndarray:
        """The expert's advantage ``Q^{pi_E}_h(s, a) - V^{pi_E}_h(s)`` (..., H, S, A), linear
        in r."""
        Q, V = self.expert_values(r)
        return Q - V[..., :-1, :, None]

    def violation(self, r: Any) -> np.ndarray | float:
        """How far r is from feasibility in its optimality constraints (>= 0; 0 inside):
        ``support="all"``: the largest of ``Adv`` on unplayed and ``|Adv|`` on played actions;
        ``support="expert"``: the largest ``max_a Q* - sum_a pi_E Q*`` over reached states.
        The box is not part of it (see :meth:`contains`). Float, or (n,) for a batch.

        Computed by the numba kernels :func:`mdplab.kernels.irl.expert_violation` and
        ``optimal_gap`` (one backward pass per reward); a subclass that overrides
        :meth:`advantage` or the value methods gets the numpy path through them."""
        return self._violation(self._rewards(r))

    def _violation(self, R: np.ndarray) -> np.ndarray | float:
        batch = R.ndim == 4
        if self._kernel_membership:
            from ...kernels.irl import expert_violation, optimal_gap

            R4 = np.ascontiguousarray(R if batch else R[None], dtype=np.float64)
            if self.support == "all":
                v = expert_violation(self._P_c, self._expert_c, self.played, R4)
            else:
                v = optimal_gap(self._P_c, self._expert_c, self.constrained, R4)
            return v if batch else float(v[0])
        return self._violation_numpy(R)

    def _violation_numpy(self, R: np.ndarray) -> np.ndarray | float:
        """The numpy reference of :meth:`violation` (through :meth:`advantage`)."""
        if self.support == "all":
            adv = self.advantage(R)
            unplayed = np.where(self.played, -np.inf, adv)
            played = np.where(self.played, np.abs(adv), -np.inf)
            v = np.maximum(unplayed.max(axis=(-3, -2, -1)), played.max(axis=(-3, -2, -1)))
        else:
            Q, _ = self.optimal_values(R)
            gap = Q.max(axis=-1) - np.einsum("...hsa,hsa->...hs", Q, self.expert)
            v = np.where(self.constrained, gap, -np.inf).max(axis=(-2, -1))
        v = np.maximum(v, 0.0)
        return float(v) if np.ndim(v) == 0 else v

    @cached_property
    def _kernel_membership(self) -> bool:
        return self._fast("advantage", "expert_values", "_backward", "optimal_values")

    def _fast(self, *methods: str) -> bool:
        """True when none of ``methods`` is overridden below FeasibleRewardSet, so that a
        kernel computing the base class's formulas stands for them."""
        cls = type(self)
        return all(getattr(cls, m) is getattr(FeasibleRewardSet, m) for m in methods)

    @cached_property
    def _P_c(self) -> np.ndarray:
        return np.ascontiguousarray(self.P, dtype=np.float64)

    @cached_property
    def _expert_c(self) -> np.ndarray:
        return np.ascontiguousarray(self.expert, dtype=np.float64)

    def contains(self, r: Any, tol: float | None = None) -> bool | np.ndarray:
        """Membership: r in the box (to ``tol``) and :meth:`violation` <= ``tol``.

        Ties (an unplayed action as good as the expert's) are members. ``tol`` defaults to
        :meth:`default_tol` (1e-9 H); for rewards produced by an LP use about 1e-7 H (HiGHS'
        feasibility tolerance). Returns a bool, or a bool array (n,) for a batch."""
        tol = self.default_tol() if tol is None else check_real(tol, "tol", 0.0)
        R = self._rewards(r)
        lo, hi = self.box
        axes = (-3, -2, -1)
        in_box = (R.min(axis=axes) >= lo - tol) & (R.max(axis=axes) <= hi + tol)
        ok = in_box & (np.asarray(self._violation(R)) <= tol)
        return bool(ok) if np.ndim(ok) == 0 else ok

    # ------------------------------------------------------------------ explicit form
    def explicit_reward(self, V: Any, Aplus: Any) -> np.ndarray:
        """``r[h,s,a] = V[h,s] - P[h,s,a] . V[h+1] - Aplus[h,s,a]`` ([MLR23] Lemma 3.1), with
        Aplus applied on the slack entries only (it must be >= 0 there; other entries are
        ignored). V (H+1, S) with V[H] = 0 (or (H, S)). The result is in the unbounded set;
        it is in the box only if its entries are."""
        V_arr = as_float_array(V, "V", ndim=2)
        if V_arr.shape == (self.H, self.S):
            V_arr = np.vstack([V_arr, np.zeros((1, self.S))])
        if V_arr.shape != (self.H + 1, self.S):
            raise ValueError(f"V has shape {V_arr.shape}; expected ({self.H + 1}, {self.S})")
        if np.any(V_arr[self.H] != 0.0):
            raise ValueError(f"V[{self.H}] must be 0 (the value after the last step)")
        Ap = as_float_array(Aplus, "Aplus", ndim=3)
        if Ap.shape != (self.H, self.S, self.A):
            raise ValueError(f"Aplus has shape {Ap.shape}; expected {(self.H, self.S, self.A)}")
        neg = self.slack & (Ap < 0.0)
        if neg.any():
            idx = tuple(int(i) for i in np.argwhere(neg)[0])
            raise ValueError(f"Aplus{list(idx)} is {Ap[idx]:.6g}; advantages must be >= 0")
        cont = np.einsum("hsat,ht->hsa", self.P, V_arr[1:])
        return V_arr[:-1, :, None] - cont - np.where(self.slack, Ap, 0.0)

    def interior_point(self) -> np.ndarray:
        """A point in the relative interior: centre + quarter width on played actions, centre
        - quarter width elsewhere (every unplayed advantage is then -width/2 when the expert
        is optimal everywhere, since all states have the same continuation value)."""
        q = 0.5 * self.half_width
        return np.where(self.played, self.midpoint + q, self.midpoint - q)

    # ------------------------------------------------------------------ sampling
    def sample(self, n: int, *, method: str = "explicit", rng: Any = None,
               burn_in: int | None = None, thin: int | None = None) -> SetSamples:
        """Draw ``n`` members.

        method "explicit" ([MLR23] Lemma 3.1; cheap, not uniform): V[h] ~ U[-(H-h), H-h],
        Aplus[h] ~ U[0, 2 (H-h)] on the slack entries, r by :meth:`explicit_reward`, then
        :meth:`to_box`.
        method "hit_and_run" (uniform in the limit): from :meth:`interior_point`, direction
        d ~ N(0, I) (projected on the null space of the played-action equalities of a
        stochastic expert), step uniform on the feasible chord; the chord's ends come from a
        ratio test on the box and on the linear advantages (``support="all"``) or from
        bisection on :meth:`contains` (``support="expert"``). ``burn_in`` default 10 n^2 and
        ``thin`` default n, with n = H S A (a heuristic, not a mixing-time bound).
        """
        k = check_positive_int(n, "n")
        method = check_choice(method, "method", ("explicit", "hit_and_run"))
        gen = as_rng(rng)
        if method == "explicit":
            return SetSamples(self._sample_explicit(k, gen), "explicit")
        dim = self.n
        burn = 10 * dim * dim if burn_in is None else check_positive_int(burn_in, "burn_in", 0)
        th = dim if thin is None else check_positive_int(thin, "thin")
        out, steps = self._hit_and_run(k, gen, burn, th)
        return SetSamples(out, "hit_and_run", steps, burn, th)

    def _sample_explicit(self, k: int, gen: np.random.Generator) -> np.ndarray:
        H, S, A = self.H, self.S, self.A
        left = (H - np.arange(H, dtype=float))[:, None]
        V = np.zeros((k, H + 1, S))
        V[:, :H] = gen.uniform(-1.0, 1.0, size=(k, H, S)) * left
        Ap = gen.uniform(0.0, 1.0, size=(k, H, S, A)) * 2.0 * left[:, :, None]
        cont = np.einsum("hsat,kht->khsa", self.P, V[:, 1:])
        R = V[:, :H, :, None] - cont - np.where(self.slack, Ap, 0.0)
        return self.to_box(R)

    @cached_property
    def _equality_basis(self) -> np.ndarray | None:
        """Orthonormal basis (n, m) of the null space of the played-action advantage rows
        (None for a deterministic expert with support "all", where there are none)."""
        if self.support == "all" and self.deterministic:
            return None
        if self.support == "expert":
            return None  # chords by bisection on membership; equalities are respected there
        rows = self.advantage_matrix()[self.played.reshape(-1)]
        _, sv, Vt = np.linalg.svd(rows)
        rank = int((sv > 1e-10 * max(1.0, sv.max(initial=0.0))).sum())
        return Vt[rank:].T

    def advantage_matrix(self) -> np.ndarray:
        """The dense n x n matrix G with ``Adv(r).ravel() = G @ r.ravel()`` (n = H S A; cost
        O(n H S^2 A), memory n^2: for small problems)."""
        eye = np.eye(self.n).reshape(self.n, self.H, self.S, self.A)
        return self.advantage(eye).reshape(self.n, self.n).T

    def _chord_linear(self, x, d):
        """[t_lo, t_hi] with x + t d in the set (support "all")."""
        lo, hi = self.box
        with np.errstate(divide="ignore", invalid="ignore"):
            up = np.where(d > 0, (hi - x) / d, np.where(d < 0, (lo - x) / d, np.inf))
            dn = np.where(d < 0, (hi - x) / d, np.where(d > 0, (lo - x) / d, -np.inf))
        t_hi, t_lo = up.min(), dn.max()
        g = self.advantage(x.reshape(self.H, self.S, self.A))[~self.played]
        gd = self.advantage(d.reshape(self.H, self.S, self.A))[~self.played]
        g = np.minimum(g, 0.0)  # round-off above 0 on the boundary counts as 0
        pos, neg = gd > 1e-15, gd < -1e-15
        if pos.any():
            t_hi = min(t_hi, float((-g[pos] / gd[pos]).min()))
        if neg.any():
            t_lo = max(t_lo, float((-g[neg] / gd[neg]).max()))
        return t_lo, t_hi

    def _chord_bisect(self, x, d, iters=60):
        tol = self.default_tol()

        def end(sign):
            lo_t, hi_t = 0.0, 2.0 * (self.box[1] - self.box[0]) * math.sqrt(self.n)
            for _ in range(iters):
                mid = 0.5 * (lo_t + hi_t)
                if self.contains((x + sign * mid * d).reshape(self.H, self.S, self.A), tol):
                    lo_t = mid
                else:
                    hi_t = mid
            return lo_t

        return -end(-1.0), end(1.0)

    def _hit_and_run(self, k, gen, burn, thin):
        """The chain, in blocks of pre-drawn normals (T, n) and uniforms (T,): through the
        kernel :func:`mdplab.kernels.irl.hit_and_run_chain` for ``support="all"``, through
        the chord methods otherwise (or when a subclass overrides them)."""
        n = self.n
        x = self.interior_point().reshape(-1).copy()
        basis = self._equality_basis
        out = np.empty((k, n))
        total = burn + k * thin
        block = max(1, min(total, (1 << 21) // n))  # at most 16 MB of normals at a time
        kernel = self.support == "all" and self._fast("advantage", "_chord_linear")
        if kernel:
            from ...kernels.irl import hit_and_run_chain

            B = np.zeros((n, 0)) if basis is None else np.ascontiguousarray(basis)
        j = 0
        for start in range(0, total, block):
            T = min(block, total - start)
            normals = gen.standard_normal((T, n))
            uniforms = gen.random(T)
            steps = np.arange(start + 1, start + T + 1)
            record = (steps > burn) & ((steps - burn) % thin == 0)
            if kernel:
                j += hit_and_run_chain(self._P_c, self._expert_c, self.played, self.box[0],
                                       self.box[1], x, normals, uniforms, B, record, out[j:])
            else:
                x, j = self._hit_and_run_block(x, normals, uniforms, basis, record, out, j)
        return out.reshape(k, self.H, self.S, self.A), total

    def _hit_and_run_block(self, x, normals, uniforms, basis, record, out, j):
        chord = self._chord_bisect if self.support == "expert" else self._chord_linear
        for step in range(normals.shape[0]):
            d = normals[step]
            if basis is not None:
                d = basis @ (basis.T @ d)
            nrm = np.linalg.norm(d)
            if nrm > 0.0:
                d = d / nrm
                t_lo, t_hi = chord(x, d)
                if t_hi > t_lo:
                    x = x + (t_lo + (t_hi - t_lo) * uniforms[step]) * d
            if record[step]:
                out[j] = x
                j += 1
        return x, j

    # ------------------------------------------------------------------ lifted LP form
    @cached_property
    def lifted(self) -> tuple[Any, Any]:
        """The sparse matrices (K_V, K_A) with ``r = K_V v - K_A ap`` spanning the unbounded
        set (``ap >= 0``): K_V (n, H S) has +1 at (k(h,s,a), j(h,s)) and -P[h,s,a,s'] at
        (k(h,s,a), j(h+1,s')) for h+1 < H; K_A (n, u) selects the u slack entries. Reward index
        k(h,s,a) = (h S + s) A + a, value index j(h,s) = h S + s. Read-only CSR matrices."""
        from scipy import sparse

        H, S, A = self.H, self.S, self.A
        k = np.arange(self.n)
        h, s = k // (S * A), (k // A) % S
        rows = [k]
        cols = [h * S + s]
        vals = [np.ones(self.n)]
        for hh in range(H - 1):
            block = self.P[hh].reshape(S * A, S)
            rr, tt = np.nonzero(block)
            rows.append(hh * S * A + rr)
            cols.append((hh + 1) * S + tt)
            vals.append(-block[rr, tt])
        K_V = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows),
                                                         np.concatenate(cols))),
                                shape=(self.n, H * S))
        slack_idx = np.flatnonzero(self.slack.reshape(-1))
        K_A = sparse.csr_matrix((np.ones(slack_idx.size), (slack_idx, np.arange(slack_idx.size))),
                                shape=(self.n, slack_idx.size))
        return K_V, K_A

    def lp_bounds(self) -> list[tuple[float | None, float | None]]:
        """Variable bounds of the lifted LPs for (v, ap):
        ``abs(v[j(h,s)]) <= (H-h) max(abs(lo), abs(hi))``, ``0 <= ap[k(h,s,a)] <= (H-h)(hi-lo)``.
        They never cut a member (V^{pi_E} of a member in the box satisfies them, and so do
        its advantages); they help the solver."""
        lo, hi = self.box
        H, S = self.H, self.S
        big = max(abs(lo), abs(hi))
        vb = [(-(H - h) * big, (H - h) * big) for h in range(H) for _ in range(S)]
        slack_idx = np.flatnonzero(self.slack.reshape(-1))
        h_of = slack_idx // (S * self.A)
        ab = [(0.0, float((H - h) * (hi - lo))) for h in h_of]
        return vb + ab
