"""Scalar and model-type checks shared by planning and coverage (messages name the argument)."""

from __future__ import annotations

import math
import numbers


def require_model(mdp: object, kinds: tuple[type, ...], fn: str, name: str = "mdp") -> None:
    """TypeError naming ``name`` unless ``mdp`` is one of ``kinds``."""
    if not isinstance(mdp, kinds):
        want = " or ".join(k.__name__ for k in kinds)
        raise TypeError(f"{fn}: {name} must be a {want}, got {type(mdp).__name__}")


def check_real(
    x: object,
    name: str,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
) -> float:
    """``x`` as a finite float in [low, high] ((low, high] when ``low_open``)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {x!r}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{name} is {x}; must be finite")
    if x < low or (low_open and x == low) or x > high:
        left = "(" if low_open else "["
        raise ValueError(f"{name} is {x:g}; must lie in {left}{low:g}, {high:g}]")
    return x
