"""Coverability C_cov of a finite-horizon MDP, for all policies or a finite class.

Definition (Xie, Foster, Bai, Jiang, Kakade 2023, arXiv 2210.04157; restated as
Def. 2.1 of Amortila, Foster, Jiang, Sekhari, Xie 2024, arXiv 2401.09681):

    C_cov(Pi) = inf_{mu_0, ..., mu_{H-1} in Delta(S x A)} sup_{pi in Pi, h} || d_h^pi / mu_h ||_inf.

Cumulative-reachability identity (the proof is the three lines below): with
M_h(z) = sup_{pi in Pi} d_h^pi(z),

    C_cov(Pi) = max_h C_h(Pi),   C_h(Pi) = sum_z M_h(z),   mu_h*(z) = M_h(z) / C_h(Pi).

(For any mu_h, max_z M_h(z)/mu_h(z) >= sum_z mu_h(z) M_h(z)/mu_h(z) = C_h, and mu_h*
attains equality; the infimum decouples across h.)

Three independent computations are offered, and the tests hold them equal:
``method='closed_form'`` (reachability DP or elementwise max of occupancies),
``method='lp'`` (linear programs solved by HiGHS through scipy), and
:func:`coverability_brute_force` (enumeration of all deterministic Markov policies).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_positive_int
from ..models.finite_horizon import FiniteHorizonMDP
from ..planning.finite_horizon import occupancy_measure
from ..planning.results import compact_repr
from .reach import _require_fh, max_occupancy_all_policies

#: Largest number of deterministic Markov policies :func:`coverability_brute_force`
#: enumerates by default (A ** (S * H)).
BRUTE_FORCE_MAX_POLICIES = 1 << 16


@dataclass(frozen=True, repr=False)
class CoverabilityResult:
    """Coverability of a policy class.

    Attributes
    ----------
    value : float
        C_cov = max_h C_h, in [A, S*A] for all policies (dimensionless).
    per_layer : (H,) array
        C_h = sum_{s,a} sup_{pi} d_h^pi(s, a).
    mu_star : (H, S, A) array
        An optimal data distribution, mu*_h = M_h / C_h (each layer sums to 1).
    max_occupancy : (H, S, A) array
        M_h(s, a) = sup_{pi in class} d_h^pi(s, a) (as computed by ``method``).
    method : str
        'closed_form', 'lp' or 'brute_force'.
    policy_class : str
        'all' or 'finite' (a given list of policies).
    """

    value: float
    per_layer: np.ndarray
    mu_star: np.ndarray
    max_occupancy: np.ndarray
    method: str
    policy_class: str

    __repr__ = compact_repr


# ---------------------------------------------------------------- policy classes
def _policy_list(policies, H: int, S: int, A: int) -> list:
    """Split ``policies`` into a list of single policies (validated later)."""
    if isinstance(policies, (list, tuple)):
        if len(policies) == 0:
            raise ValueError("policies is empty; pass at least one policy (or None for all)")
        return list(policies)
    arr = np.asarray(policies)
    if arr.dtype.kind in "iub":
        if arr.ndim == 3:
            return [arr[i] for i in range(arr.shape[0])]
        raise ValueError(
            f"policies has shape {arr.shape}; a stacked array of deterministic policies is "
            f"(n, H, S) = (n, {H}, {S}) (wrap a single policy in a list)"
        )
    if arr.ndim == 4:
        return [arr[i] for i in range(arr.shape[0])]
    raise ValueError(
        f"policies has shape {arr.shape}; a stacked array of stochastic policies is "
        f"(n, H, S, A) = (n, {H}, {S}, {A}) (wrap a single policy in a list)"
    )


def class_occupancies(
    mdp: FiniteHorizonMDP, policies: Sequence[ArrayLike] | ArrayLike, rho: ArrayLike | None = None
) -> np.ndarray:
    """Occupancies of every policy of a finite class, shape (n, H, S, A).

    ``policies``: a list/tuple of policies (each (H, S) int or (H, S, A) float, or
    stationary (S,) / (S, A)), a stacked int array (n, H, S) or a stacked float
    array (n, H, S, A).
    """
    _require_fh(mdp, "class_occupancies")
    H, S, A = mdp.shape
    plist = _policy_list(policies, H, S, A)
    out = np.empty((len(plist), H, S, A))
    for i, pi in enumerate(plist):
        try:
            out[i] = occupancy_measure(mdp, pi, rho=rho)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"policies[{i}]: {exc}") from exc
    return out


def max_occupancy(
    mdp: FiniteHorizonMDP,
    policies: Sequence[ArrayLike] | ArrayLike | None = None,
    rho: ArrayLike | None = None,
) -> np.ndarray:
    """M[h, s, a] = sup_{pi in Pi} d_h^pi(s, a), shape (H, S, A).

    ``policies=None`` means all policies (reachability DP, see
    :func:`mdplab.coverage.max_occupancy_all_policies`); otherwise the
    elementwise maximum over the occupancies of the given finite class.
    """
    _require_fh(mdp, "max_occupancy")
    if policies is None:
        return max_occupancy_all_policies(mdp, rho=rho)
    return class_occupancies(mdp, policies, rho=rho).max(axis=0)


def _result(M: np.ndarray, method: str, policy_class: str) -> CoverabilityResult:
    C = M.sum(axis=(1, 2))
    mu = M / C[:, None, None]
    return CoverabilityResult(
        value=float(C.max()),
        per_layer=C,
        mu_star=mu,
        max_occupancy=M,
        method=method,
        policy_class=policy_class,
    )


# ---------------------------------------------------------------- LP forms
def _max_occupancy_lp_all(mdp: FiniteHorizonMDP) -> np.ndarray:
    """M[h, s, a] = max d_h(s, a) over the occupancy polytope, one LP per (h, s, a).

    Variables x_k(s, a) >= 0 for k = 0..h, flow constraints
        sum_a x_0(s, a) = rho(s),
        sum_a x_{k+1}(s', a) = sum_{s, a} P[k, s, a, s'] x_k(s, a),   k < h.
    This polytope is exactly the set of occupancy sequences of Markov (randomised)
    policies, and it contains the occupancies of history-dependent policies too
    (their state-action marginals satisfy the same flow equations), so its maximum
    of x_h(s, a) is sup over all policies of d_h^pi(s, a). Its LP dual is backward
    induction with the terminal reward 1{s_h = s}, whose value is reach[h, s]: hence
    the LP value equals the closed form. The coverability LP "min sum_z nu(z) s.t.
    nu >= d_h^pi for all pi" separates over z, so its optimum is sum_z M_h(z).
    """
    from scipy.optimize import linprog

    H, S, A = mdp.shape
    P = mdp.P
    M = np.empty((H, S, A))
    for h in range(H):
        n = (h + 1) * S * A
        A_eq = np.zeros(((h + 1) * S, n))
        b_eq = np.zeros((h + 1) * S)
        for k in range(h + 1):
            for s in range(S):
                A_eq[k * S + s, k * S * A + s * A : k * S * A + (s + 1) * A] = 1.0
            if k == 0:
                b_eq[:S] = mdp.rho
            else:
                # - sum_{s,a} P[k-1, s, a, s'] x_{k-1}(s, a)
                A_eq[k * S : (k + 1) * S, (k - 1) * S * A : k * S * A] = (
                    -P[k - 1].reshape(S * A, S).T
                )
        for s in range(S):
            for a in range(A):
                c = np.zeros(n)
                c[h * S * A + s * A + a] = -1.0
                res = linprog(c, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
                if res.status != 0:
                    raise RuntimeError(
                        f"coverability LP for (h, s, a) = ({h}, {s}, {a}) failed: {res.message}"
                    )
                M[h, s, a] = -res.fun
    return M


def _max_occupancy_lp_class(D: np.ndarray) -> np.ndarray:
    """Per layer h: minimise sum_z nu(z) s.t. nu(z) >= d_h^pi(z) for every pi, nu >= 0.

    ``D`` (n, H, S, A) holds the occupancies of the class. Returns the optimal nu (H, S, A).
    """
    from scipy.optimize import linprog

    n, H, S, A = D.shape
    m = S * A
    out = np.empty((H, S, A))
    A_ub = -np.tile(np.eye(m), (n, 1))
    for h in range(H):
        b_ub = -D[:, h].reshape(n * m)
        res = linprog(np.ones(m), A_ub=A_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        if res.status != 0:
            raise RuntimeError(f"coverability LP for layer h = {h} failed: {res.message}")
        out[h] = res.x.reshape(S, A)
    return out


# ---------------------------------------------------------------- public API
def coverability(
    mdp: FiniteHorizonMDP,
    policies: Sequence[ArrayLike] | ArrayLike | None = None,
    method: str = "closed_form",
) -> CoverabilityResult:
    """Coverability coefficient C_cov(Pi) with per-layer values and the optimal mu*.

    Parameters
    ----------
    mdp : FiniteHorizonMDP
    policies : None, list of policies, int array (n, H, S) or float array (n, H, S, A)
        ``None`` means the class of all policies (history-dependent, randomised).
    method : {'closed_form', 'lp'}
        'closed_form': C_h = A * sum_s reach[h, s] for all policies (reachability
        DP), or sum_z max_pi d_h^pi(z) for a finite class.
        'lp': linear programs with scipy's HiGHS (all policies: one LP per (h, s, a)
        over the occupancy polytope, so only for small MDPs; a finite class: one LP
        per layer in the variables nu >= d_h^pi).

    Returns
    -------
    CoverabilityResult (value, per_layer (H,), mu_star (H, S, A), max_occupancy, method).

    Source: Xie et al. 2023 (arXiv 2210.04157) define C_cov; the identity
    C_cov = max_h sum_z sup_pi d_h^pi(z) is their equivalence with cumulative
    reachability (restated in Amortila et al. 2024, arXiv 2401.09681, Sec. 2); the
    one-line proof is in the module docstring. For all policies A <= C_cov <= S A.
    """
    _require_fh(mdp, "coverability")
    if method not in ("closed_form", "lp"):
        raise ValueError(f"method is {method!r}; must be 'closed_form' or 'lp'")
    klass = "all" if policies is None else "finite"
    if method == "closed_form":
        return _result(max_occupancy(mdp, policies), method, klass)
    if policies is None:
        return _result(_max_occupancy_lp_all(mdp), method, klass)
    return _result(_max_occupancy_lp_class(class_occupancies(mdp, policies)), method, klass)


def _all_deterministic_policies(H: int, S: int, A: int) -> np.ndarray:
    """Every deterministic Markov policy, int array (A**(H*S), H, S), mixed-radix order."""
    n = A ** (H * S)
    digits = np.arange(n, dtype=np.int64)[:, None] // (A ** np.arange(H * S, dtype=np.int64))
    return (digits % A).reshape(n, H, S)


def coverability_brute_force(
    mdp: FiniteHorizonMDP, max_policies: int = BRUTE_FORCE_MAX_POLICIES
) -> CoverabilityResult:
    """C_cov(all policies) by enumerating all A^(S H) deterministic Markov policies.

    Valid because for each (h, s, a) the supremum of d_h^pi(s, a) over all policies
    is attained by a deterministic Markov policy (see :mod:`.reach`). Only
    for tiny MDPs: raises ValueError if A ** (S * H) > ``max_policies``.
    Occupancies are propagated for all policies at once, O(A^(SH) H S^2 A) work.
    """
    _require_fh(mdp, "coverability_brute_force")
    max_policies = check_positive_int(max_policies, "max_policies")
    H, S, A = mdp.shape
    n_pol = A ** (S * H)
    if n_pol > max_policies:
        raise ValueError(
            f"brute force would enumerate A^(S*H) = {A}^{S * H} = {n_pol} policies, more than "
            f"max_policies = {max_policies}; use coverability(mdp) instead"
        )
    pols = _all_deterministic_policies(H, S, A)
    P = mdp.P
    M = np.zeros((H, S, A))
    onehot = np.zeros((n_pol, S, A))
    state = np.broadcast_to(np.asarray(mdp.rho), (n_pol, S)).copy()
    for h in range(H):
        onehot[:] = 0.0
        np.put_along_axis(onehot, pols[:, h, :, None], 1.0, axis=2)
        d = state[:, :, None] * onehot  # (n, S, A)
        M[h] = d.max(axis=0)
        if h + 1 < H:
            state = np.einsum("nsa,sat->nt", d, P[h])
    return _result(M, "brute_force", "all")
