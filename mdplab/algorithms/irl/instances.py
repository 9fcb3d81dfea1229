"""Hard instances of the IRL lower bounds (Metelli, Lazzati & Restelli 2023, arXiv:2304.12966
[MLR23], Appendix B, Theorem B.2), in their generative-model form.

The one-gadget instance of Theorem B.2 (small delta): states ``s* = 0``, ``s+ = 1``,
``s- = 2``, actions ``a_0 = 0`` (the expert's, everywhere) and ``a* = 1``. From s* every action
reaches s+ or s- with probability 1/2, except that in the *biased* model the triple
(h*, s*, a*) reaches s+ with probability 1/2 + eps'; s+ and s- are absorbing. (The paper's
``s_start`` / ``s_root`` front end only routes a forward model to the gadgets and is irrelevant
with a generative model; the full instance has Sbar gadgets sharing s+, s-.)

Separation (derived in the library's spec from the paper's construction, not the paper's
display): with ``L = 2 (H - h* - 1)`` the largest gap ``V_{h*+1}(s+) - V_{h*+1}(s-)``,
``H_{d_G}(R(M_0), R(M_biased)) >= eps' L / (1 + eps' L)``, and [MLR23] Theorem 3.2 gives at most
``2 eps' L / (1 + eps' L)``. The paper relates eps' to the accuracy eps by
``eps' = 2 eps / (H - Hbar - 2)`` (reconstructed from "eps' <= 1/4 whenever H >= Hbar + 10").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_positive_int, check_real

__all__ = ["LowerBoundGadget", "lower_bound_gadget"]


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
