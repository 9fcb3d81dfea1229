"""Hard instances of the IRL lower bounds (Metelli, Lazzati & Restelli 2023, arXiv:2304.12966
[MLR23], Appendix B, Theorems B.2 and B.3, and Appendix D, Theorem D.1), in their
generative-model form: the paper's ``s_start`` / ``s_root`` front end routes a forward model
to the gadgets and is dropped (with a generative model every pair is queried directly).

The one-gadget instance of Theorem B.2 (small delta): states ``s* = 0``, ``s+ = 1``,
``s- = 2``, actions ``a_0 = 0`` (the expert's, everywhere) and ``a* = 1``. From s* every action
reaches s+ or s- with probability 1/2, except that in the *biased* model the triple
(h*, s*, a*) reaches s+ with probability 1/2 + eps'; s+ and s- are absorbing. (The paper's
``s_start`` / ``s_root`` front end only routes a forward model to the gadgets and is irrelevant
with a generative model; the full instance has Sbar gadgets sharing s+, s-.)

Separation (derived by the library from the paper's construction, not the paper's
display): with ``L = 2 (H - h* - 1)`` the largest gap ``V_{h*+1}(s+) - V_{h*+1}(s-)``,
``H_{d_G}(R(M_0), R(M_biased)) >= eps' L / (1 + eps' L)``, and [MLR23] Theorem 3.2 gives at most
``2 eps' L / (1 + eps' L)``. The paper relates eps' to the accuracy eps by
``eps' = 2 eps / (H - Hbar - 2)`` (reconstructed from "eps' <= 1/4 whenever H >= Hbar + 10").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..._validation import as_float_array, check_int_between, check_positive_int, check_real

__all__ = ["HardInstance", "LowerBoundGadget", "balanced_packing", "bernoulli_test_error",
           "large_delta_instance", "lower_bound_gadget", "perturbed_kl", "unknown_policy_instance"]


@dataclass(frozen=True)
class LowerBoundGadget:
    """P_base, P_biased (H, 3, 2, 3); expert (H, 3) int (a_0 everywhere); H, h_star,
    eps_prime; separation = eps' L / (1 + eps' L) with L = 2 (H - h* - 1)."""

    P_base: np.ndarray
    P_biased: np.ndarray
    expert: np.ndarray
    H: int
    h_star: int
    eps_prime: float
    separation: float


def lower_bound_gadget(H: int, h_star: int, eps_prime: float) -> LowerBoundGadget:
    """The one-gadget instance of [MLR23] Theorem B.2 (module docstring).

    H >= 2; h_star in 0..H-2 (a later step leaves no continuation to separate the sets);
    eps_prime in (0, 1/2]."""
    H = check_positive_int(H, "H", minimum=2)
    h_star = check_int_between(h_star, "h_star", 0, H - 2)
    eps_prime = check_real(eps_prime, "eps_prime", 0.0, 0.5, open_low=True)
    P = np.zeros((H, 3, 2, 3))
    P[:, 0, :, 1] = 0.5
    P[:, 0, :, 2] = 0.5
    P[:, 1, :, 1] = 1.0
    P[:, 2, :, 2] = 1.0
    Pb = P.copy()
    Pb[h_star, 0, 1, 1] = 0.5 + eps_prime
    Pb[h_star, 0, 1, 2] = 0.5 - eps_prime
    L = 2.0 * (H - h_star - 1)
    return LowerBoundGadget(P_base=P, P_biased=Pb, expert=np.zeros((H, 3), dtype=np.int64), H=H,
                            h_star=h_star, eps_prime=eps_prime,
                            separation=eps_prime * L / (1.0 + eps_prime * L))


def balanced_packing(D: int, n_candidates: int = 100_000, rng: object = None,
                     max_size: int | None = None) -> np.ndarray:
    """Greedy packing of balanced sign vectors (Lemma E.6 of [MLR23], the large-delta lower
    bound): draw up to ``n_candidates`` random v in {-1, +1}^D with sum v = 0 and keep each one
    whose L1 distance to every kept vector is >= D / 16, stopping at ``max_size`` vectors.
    Returns (m, D) int8; the lemma promises a packing of size >= 2^(D/5). D even, >= 2."""
    from ..._validation import as_rng

    D = check_positive_int(D, "D", minimum=2)
    if D % 2:
        raise ValueError(f"D is {D}; balanced sign vectors need an even D")
    n = check_positive_int(n_candidates, "n_candidates")
    gen = as_rng(rng)
    base = np.repeat(np.array([1, -1], dtype=np.int8), D // 2)
    cap = None if max_size is None else check_positive_int(max_size, "max_size")
    return _greedy_packing((gen.permutation(base) for _ in range(n)), D, D / 16.0, cap)


def _greedy_packing(candidates: Iterable[np.ndarray], D: int, min_distance: float,
                    cap: int | None) -> np.ndarray:
    """Keep each candidate whose L1 distance to every kept one is >= ``min_distance``, in
    order, until ``cap`` are kept. (m, D) int8."""
    kept = np.empty((0, D), dtype=np.int8)
    for v in candidates:
        if cap is not None and kept.shape[0] >= cap:
            break
        if kept.shape[0] == 0 or np.abs(kept - v).sum(axis=1).min() >= min_distance:
            kept = np.vstack([kept, v])
    return kept


def perturbed_kl(eps: float, v: np.ndarray) -> tuple[float, float]:
    """``KL(p || q)`` and ``KL(q || p)`` for the uniform p = 1/D and q = (1 + eps v)/D with balanced
    signs v (Lemma E.4 of [MLR23]: both <= 2 eps^2 for eps <= 1/2). ``v`` (D,) must be a
    balanced sign vector (otherwise q is not a distribution): a ValueError says so."""
    eps = check_real(eps, "eps", 0.0, 0.5)
    v = as_float_array(v, "v", ndim=1)
    if v.size < 2 or not np.all(np.abs(v) == 1) or v.sum() != 0:
        raise ValueError("v must be a balanced sign vector (entries +-1 summing to 0), got "
                         f"{v.size} entries summing to {v.sum():g}")
    D = v.size
    p = np.full(D, 1.0 / D)
    q = (1.0 + eps * v) / D
    return float(np.sum(p * np.log(p / q))), float(np.sum(q * np.log(q / p)))


def bernoulli_test_error(n: int, eps_prime: float) -> float:
    """The smallest sum of the two error probabilities of any test between n draws of
    Ber(1/2) and of Ber(1/2 + eps') (the likelihood-ratio tests, thresholds on the number of
    ones, exactly from the binomial pmf): ``min_t P_0(X >= t) + P_1(X < t)``."""
    from scipy import stats

    n = check_positive_int(n, "n")
    eps_prime = check_real(eps_prime, "eps_prime", 0.0, 0.5, open_low=True, open_high=True)
    k = np.arange(n + 2)
    p0_tail = stats.binom.sf(k - 1, n, 0.5)          # P_0(X >= t)
    p1_head = stats.binom.cdf(k - 1, n, 0.5 + eps_prime)   # P_1(X < t)
    return float((p0_tail + p1_head).min())


@dataclass(frozen=True)
class HardInstance:
    """A lower-bound instance: P (H, S, A, S), the expert (H, S, A) as probabilities, and the
    construction's parameters (``params``: a dict, see the builder)."""

    P: np.ndarray
    expert: np.ndarray
    params: dict


def large_delta_instance(Sbar: int, A: int, H: int, eps_prime: float,
                         signs: object = None) -> HardInstance:
    """The instance of [MLR23] Theorem B.3 (large delta), generative-model form.

    States ``s_1..s_Sbar`` (0..Sbar-1) and absorbing ``s'_1..s'_Sbar`` (Sbar..2 Sbar-1); from
    ``s_i`` at step h, action ``a_0 = 0`` reaches ``s'_k`` with probability 1/Sbar and action
    ``a_j`` (j >= 1) with ``(1 + eps' v_k) / Sbar``, ``v = signs[h, i, j]`` a balanced sign
    vector (sum 0; all zeros: the unperturbed row). The expert plays a_0 everywhere. The
    paper draws the v's from a packing with pairwise L1 distance >= Sbar/16
    (:func:`balanced_packing`; Lemma E.6) and relates eps' to eps by
    ``eps' = 64 eps / (H - Hbar - 2)`` (reconstructed from "eps' <= 1/2 whenever
    H >= Hbar + 130"); [P] structure, [R] eps'.

    Parameters
    ----------
    Sbar : even, >= 2 (the paper takes it divisible by 16).
    A : >= 2 actions; H >= 1; eps_prime in [0, 1/2].
    signs : int array (H, Sbar, A, Sbar) with entries in {-1, 0, 1}, each row (h, i, j) all
        zero or balanced, and ``signs[:, :, 0] == 0``; None: the base model (all zero).
    """
    from ..._validation import as_int_array

    Sbar = check_positive_int(Sbar, "Sbar", minimum=2)
    if Sbar % 2:
        raise ValueError(f"Sbar is {Sbar}; balanced sign vectors need an even Sbar")
    A = check_positive_int(A, "A", minimum=2)
    H = check_positive_int(H, "H")
    eps_prime = check_real(eps_prime, "eps_prime", 0.0, 0.5)
    shape = (H, Sbar, A, Sbar)
    if signs is None:
        v = np.zeros(shape, dtype=np.int64)
    else:
        v = as_int_array(signs, "signs", ndim=4)
        if v.shape != shape:
            raise ValueError(f"signs has shape {v.shape}; expected {shape}")
        if np.any(np.abs(v) > 1):
            raise ValueError("signs must have entries in {-1, 0, 1}")
        if np.any(v[:, :, 0] != 0):
            raise ValueError("signs[:, :, 0] must be 0: the expert's action a_0 is unperturbed")
        zero = np.all(v == 0, axis=3)
        bad = ~zero & ((v.sum(axis=3) != 0) | np.any(v == 0, axis=3))
        if bad.any():
            h, i, j = (int(x) for x in np.argwhere(bad)[0])
            raise ValueError(f"signs[{h}, {i}, {j}] is neither all zero nor a balanced sign "
                             "vector (entries +-1 summing to 0)")
    S = 2 * Sbar
    P = np.zeros((H, S, A, S))
    P[:, :Sbar, :, Sbar:] = (1.0 + eps_prime * v) / Sbar
    for k in range(Sbar, S):
        P[:, k, :, k] = 1.0
    expert = np.zeros((H, S, A))
    expert[..., 0] = 1.0
    return HardInstance(P=P, expert=expert,
                        params={"theorem": "MLR23 B.3", "Sbar": Sbar, "eps_prime": eps_prime,
                                "perturbed_triples": int(np.any(v != 0, axis=3).sum())})


def unknown_policy_instance(Sbar: int, A: int, H: int, pi_min: float, *, s_star: int = 0,
                            h_star: int = 0, a_star: int = 1) -> tuple[HardInstance,
                                                                        HardInstance]:
    """The pair of instances of [MLR23] Theorem D.1 (unknown expert), generative-model form.

    States ``s_1..s_Sbar`` (0..Sbar-1) and an absorbing sink (Sbar); every action from s_i goes
    to the sink. The base expert plays a_0 = 0 everywhere; the alternative plays a_0 with
    probability ``1 - pi_min`` and ``a_star`` with ``pi_min`` at (h_star, s_star). Their
    feasible sets are at Hausdorff distance exactly 1 in [-1, 1] (an inequality
    ``r(a_0) >= r(a*)`` against the equality ``r(a_0) = r(a*)``; derived here, the paper states
    the separation), while one expert query tells them apart with probability pi_min only
    (KL per query ``log(1/(1 - pi_min))``). Returns (base, alternative)."""
    Sbar = check_positive_int(Sbar, "Sbar")
    A = check_positive_int(A, "A", minimum=2)
    H = check_positive_int(H, "H")
    pi_min = check_real(pi_min, "pi_min", 0.0, 0.5, open_low=True)
    s_star = check_int_between(s_star, "s_star", 0, Sbar - 1)
    h_star = check_int_between(h_star, "h_star", 0, H - 1)
    a_star = check_int_between(a_star, "a_star", 1, A - 1)
    S = Sbar + 1
    P = np.zeros((H, S, A, S))
    P[..., Sbar] = 1.0
    base = np.zeros((H, S, A))
    base[..., 0] = 1.0
    alt = base.copy()
    alt[h_star, s_star, 0] = 1.0 - pi_min
    alt[h_star, s_star, a_star] = pi_min
    params = {"theorem": "MLR23 D.1", "Sbar": Sbar, "pi_min": pi_min,
              "triple": (h_star, s_star, a_star)}
    return (HardInstance(P=P, expert=base, params=params),
            HardInstance(P=P.copy(), expert=alt, params=params))
