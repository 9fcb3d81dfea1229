"""Hard instances of the IRL lower bounds (Metelli, Lazzati & Restelli 2023, arXiv:2304.12966
[MLR23], Appendix B, Theorem B.2), in their generative-model form.

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

from dataclasses import dataclass

import numpy as np

from ..._validation import check_positive_int, check_real

__all__ = ["LowerBoundGadget", "balanced_packing", "bernoulli_test_error", "lower_bound_gadget",
           "perturbed_kl"]


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
    h_star = int(check_real(h_star, "h_star", 0, H - 2))
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
    kept = np.empty((0, D), dtype=np.int8)
    need = D / 16.0
    cap = None if max_size is None else check_positive_int(max_size, "max_size")
    for _ in range(n):
        if cap is not None and kept.shape[0] >= cap:
            break
        v = gen.permutation(base)
        if kept.shape[0] == 0 or np.abs(kept - v).sum(axis=1).min() >= need:
            kept = np.vstack([kept, v])
    return kept


def perturbed_kl(eps: float, v: np.ndarray) -> tuple[float, float]:
    """``KL(p || q)`` and ``KL(q || p)`` for the uniform p = 1/D and q = (1 + eps v)/D with balanced
    signs v (Lemma E.4 of [MLR23]: both <= 2 eps^2 for eps <= 1/2)."""
    eps = check_real(eps, "eps", 0.0, 0.5)
    v = np.asarray(v, dtype=np.float64)
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
