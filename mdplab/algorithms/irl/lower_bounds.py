"""Sample-complexity lower bounds for IRL with a generative model (Metelli, Lazzati & Restelli
2023, arXiv:2304.12966 [MLR23], Theorem 5.1 with Theorems B.2, B.3 and D.1).

[MLR23] Theorem 5.1 (read): any (eps, delta)-PAC algorithm for d_G-IRL has, on some instance,
for ``delta <= 1/32``, ``S >= 9``, ``A >= 2``, ``H >= 12``::

    E[tau] >= c H^3 S A (log(1/delta) + S) / eps^2    (time-inhomogeneous transitions)
    E[tau] >= c H^2 S A (log(1/delta) + S) / eps^2    (time-homogeneous)

with a constant c that was not legible; it combines the two bounds below through
``max{a, b} >= (a + b) / 2``. The explicit forms here are derived by the library from the
constructions ([P] structure) and the reconstructed eps' ([R]); they are *not* the paper's
displays, and their constants are what the constructions give, not optimised:

* small delta (Theorem B.2; needs ``eps <= 1``, ``delta < 1/16``): ``Sbar = S - 4`` gadgets,
  ``Abar = A - 1`` biased actions, ``Hbar`` biased steps, ``eps' = 2 eps / (H - Hbar - 2)``,
  per-sample KL ``<= 8 eps'^2`` (Lemma E.4), Bretagnolle-Huber::

      E[tau] >= Sbar Abar Hbar (H - Hbar - 2)^2 log(1/(4 delta)) / (32 eps^2);

* large delta (Theorem B.3; needs ``S >= 16`` per half, ``H >= Hbar + 130``): ``Sbar =
  (S - 2) / 2``, packings of size ``2^(Sbar/5)`` (Lemma E.6), ``eps' = 64 eps / (H - Hbar - 2)``,
  per-sample KL ``<= 2 eps'^2``, Fano::

      E[tau] >= Sbar Abar Hbar ((1 - delta) Sbar/5 - 1) log 2 (H - Hbar - 2)^2 / (2 64^2 eps^2);

* unknown expert (Theorem D.1): ``Sbar = S - 3`` states, KL per expert query
  ``log(1/(1 - pi_min))``::

      E[tau] >= Sbar Hbar log(1/(4 delta)) / log(1/(1 - pi_min)).

``Hbar = floor(H / 2)`` for time-inhomogeneous transitions and 1 for time-homogeneous ones
([MLR23] App. B). Where a side condition fails (too few states or steps) the bound is 0.
"""

from __future__ import annotations

import math

from ..._validation import check_positive_int, check_real, check_unit_open

__all__ = ["irl_lower_bound", "irl_lower_bound_large_delta", "irl_lower_bound_small_delta",
           "irl_lower_bound_unknown_policy"]


def _hbar(H: int, homogeneous: bool) -> int:
    return 1 if homogeneous else H // 2


def _args(S, A, H, eps, delta):
    S = check_positive_int(S, "S")
    A = check_positive_int(A, "A")
    H = check_positive_int(H, "H")
    eps = check_real(eps, "eps", 0.0, open_low=True)
    delta = check_unit_open(delta, "delta")
    return S, A, H, eps, delta


def irl_lower_bound_small_delta(S: int, A: int, H: int, eps: float, delta: float, *,
                                homogeneous: bool = False) -> float:
    """The Theorem B.2 construction's bound on E[tau] (module docstring; derived). 0 when
    ``S < 5``, ``A < 2``, ``H - Hbar - 2 <= 0`` or ``delta >= 1/4``."""
    S, A, H, eps, delta = _args(S, A, H, eps, delta)
    Sbar, Abar, Hbar = S - 4, A - 1, _hbar(H, bool(homogeneous))
    L = H - Hbar - 2
    if Sbar < 1 or Abar < 1 or L <= 0 or delta >= 0.25:
        return 0.0
    return Sbar * Abar * Hbar * L ** 2 * math.log(1.0 / (4.0 * delta)) / (32.0 * eps ** 2)


def irl_lower_bound_large_delta(S: int, A: int, H: int, eps: float, delta: float, *,
                                homogeneous: bool = False) -> float:
    """The Theorem B.3 construction's bound on E[tau] (module docstring; derived). 0 when
    ``(1 - delta) Sbar / 5 <= 1``, ``A < 2`` or ``H - Hbar - 2 <= 0``."""
    S, A, H, eps, delta = _args(S, A, H, eps, delta)
    Sbar, Abar, Hbar = (S - 2) // 2, A - 1, _hbar(H, bool(homogeneous))
    L = H - Hbar - 2
    packing = (1.0 - delta) * Sbar / 5.0 - 1.0
    if Sbar < 1 or Abar < 1 or L <= 0 or packing <= 0:
        return 0.0
    return Sbar * Abar * Hbar * packing * math.log(2.0) * L ** 2 / (2.0 * 64.0 ** 2 * eps ** 2)


def irl_lower_bound_unknown_policy(S: int, H: int, delta: float, pi_min: float, *,
                                   homogeneous: bool = False) -> float:
    """The Theorem D.1 construction's bound on E[tau] (module docstring; derived): it grows
    as 1/pi_min when pi_min -> 0. 0 when ``S < 4`` or ``delta >= 1/4``."""
    S = check_positive_int(S, "S")
    H = check_positive_int(H, "H")
    delta = check_unit_open(delta, "delta")
    pi_min = check_real(pi_min, "pi_min", 0.0, 0.5, open_low=True)
    Sbar, Hbar = S - 3, _hbar(H, bool(homogeneous))
    if Sbar < 1 or Hbar < 1 or delta >= 0.25:
        return 0.0
    return Sbar * Hbar * math.log(1.0 / (4.0 * delta)) / -math.log1p(-pi_min)


def irl_lower_bound(S: int, A: int, H: int, eps: float, delta: float, *,
                    homogeneous: bool = False) -> float:
    """The larger of the small- and large-delta bounds, the explicit form of [MLR23]
    Theorem 5.1 that the constructions give (module docstring; derived, constants not the
    paper's): of order ``H^3 S A (log(1/delta) + S) / eps^2`` (``H^2`` when homogeneous)."""
    return max(irl_lower_bound_small_delta(S, A, H, eps, delta, homogeneous=homogeneous),
               irl_lower_bound_large_delta(S, A, H, eps, delta, homogeneous=homogeneous))
