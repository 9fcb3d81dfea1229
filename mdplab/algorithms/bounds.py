"""Bounds that know when they say nothing: :class:`Bound` and :class:`BoundArray`.

An upper bound on a suboptimality (or on a value error) is *vacuous* when it is at least the
*trivial bound*, the largest value the bounded quantity can take whatever the algorithm does:

* finite horizon, from step h with rewards in [0, 1]: H - h (so H for a bound on
  V*_0 - V^pi_0); with rewards in [lo, hi], (H - h) (hi - lo);
* discounted, rewards in [0, 1]: 1 / (1 - gamma);
* bandits (one step, rewards in [0, 1]): 1.

With the papers' constants and a few thousand samples most of the bounds of
:mod:`mdplab.algorithms.offline` are vacuous; the bound functions return a :class:`Bound`
(a ``float`` subclass) or a :class:`BoundArray` (an ``ndarray`` subclass) so that the result
says so (``.vacuous``) while arithmetic, comparisons, JSON and numpy keep working on the
number. Arithmetic returns plain floats / arrays: a bound scaled by 2 is no longer the
paper's bound, so it carries no flag.

>>> b = Bound(7.5, trivial=5.0)
>>> b.vacuous, b + 1.0, f"{b:.2f}"
(True, 8.5, '7.50')
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["Bound", "BoundArray", "as_bound"]


def _trivial(trivial: object) -> float:
    if isinstance(trivial, bool) or not isinstance(trivial, (int, float, np.integer, np.floating)):
        raise TypeError(f"trivial must be a real number, got {trivial!r}")
    t = float(trivial)
    if math.isnan(t) or t <= 0:
        raise ValueError(f"trivial is {t}; the trivial bound must be > 0")
    return t


class Bound(float):
    """A bound value (a ``float``) with the trivial bound it must beat to say anything.

    Attributes
    ----------
    trivial : the trivial bound (H - h, 1/(1-gamma) or 1; see the module docstring).
    vacuous : ``value >= trivial`` (also True for a NaN or infinite value).
    """

    trivial: float

    def __new__(cls, value: float, trivial: float) -> Bound:
        if isinstance(value, (bool, np.bool_)) or not isinstance(
                value, (int, float, np.integer, np.floating)):
            raise TypeError(f"value must be a real number, got {value!r}")
        obj = super().__new__(cls, float(value))
        obj.trivial = _trivial(trivial)
        return obj

    def __getnewargs__(self) -> tuple[float, float]:  # pickling (joblib workers)
        return (float(self), self.trivial)

    @property
    def vacuous(self) -> bool:
        v = float(self)
        return bool(not math.isfinite(v) or v >= self.trivial)

    @property
    def value(self) -> float:
        """The plain float."""
        return float(self)

    def __repr__(self) -> str:
        flag = ", vacuous" if self.vacuous else ""
        return f"Bound({float(self)!r}, trivial={self.trivial!r}{flag})"

    def __str__(self) -> str:  # format(b, "") and str(b): the number, as for a float
        return float.__repr__(self)

    def as_dict(self) -> dict[str, Any]:
        """``{"value", "trivial", "vacuous"}`` (for reports and JSON)."""
        return {"value": float(self), "trivial": self.trivial, "vacuous": self.vacuous}


class BoundArray(np.ndarray):
    """An array of bound values (e.g. one per start state or per sample size) with its
    trivial bound; ``.vacuous`` is the boolean array ``values >= trivial``. Every numpy
    operation on it returns a plain ``ndarray``."""

    trivial: float

    def __new__(cls, values: object, trivial: float) -> BoundArray:
        obj = np.array(values, dtype=np.float64).view(cls)
        obj.trivial = _trivial(trivial)
        return obj

    def __array_finalize__(self, obj: object) -> None:
        self.trivial = getattr(obj, "trivial", math.inf)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        def plain(x: Any) -> Any:
            return x.view(np.ndarray) if isinstance(x, BoundArray) else x

        inputs = tuple(plain(x) for x in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(plain(x) for x in kwargs["out"])
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __reduce__(self) -> Any:
        return (BoundArray, (self.view(np.ndarray).copy(), self.trivial))

    @property
    def vacuous(self) -> np.ndarray:
        v = self.view(np.ndarray)
        return ~np.isfinite(v) | (v >= self.trivial)

    @property
    def values(self) -> np.ndarray:
        """The plain ndarray."""
        return self.view(np.ndarray)

    def __repr__(self) -> str:
        v = self.view(np.ndarray)
        return (f"BoundArray(shape={v.shape}, min={v.min() if v.size else math.nan:.4g}, "
                f"max={v.max() if v.size else math.nan:.4g}, trivial={self.trivial:g}, "
                f"vacuous={int(self.vacuous.sum())}/{v.size})")


def as_bound(value: float | np.ndarray, trivial: float) -> Bound | BoundArray:
    """A :class:`Bound` for a scalar (a Python float or a 0-d array), else a :class:`BoundArray`."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return Bound(float(arr), trivial)
    return BoundArray(arr, trivial)
