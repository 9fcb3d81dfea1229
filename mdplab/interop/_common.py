"""Helpers shared by the converters: reward-range messages, row checks that name the
source library's own indices, and the choice between a discounted and a finite-horizon
model."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._validation import PROB_NEG_TOL, PROB_SUM_TOL, fmt_tol
from ..models.discounted import DiscountedMDP, check_gamma
from ..models.finite_horizon import FiniteHorizonMDP, check_reward_range
from ..models.sparse import SparseTransitions

DEFAULT_REWARD_RANGE = (0.0, 1.0)


def num(x: float) -> str:
    """A number as the shortest text that reads back as the same float (-3.0 -> '-3')."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def resolve_reward_range(reward_range: object) -> tuple[tuple[float, float], bool]:
    """(range, given): ``None`` means mdplab's default [0, 1]."""
    if reward_range is None:
        return DEFAULT_REWARD_RANGE, False
    return check_reward_range(reward_range), True


def require_in_reward_range(values: np.ndarray, what: str, reward_range: tuple[float, float],
                            given: bool, suggest: tuple[float, float] | None = None) -> None:
    """Raise a ValueError naming ``reward_range`` if some of ``values`` lie outside it.

    ``suggest``: the range the message proposes (default: the values' own min and max).
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return
    lo, hi = float(values.min()), float(values.max())
    a, b = reward_range
    if a <= lo and hi <= b:
        return
    s0, s1 = suggest if suggest is not None else (lo, hi)
    have = f"reward_range=({num(a)}, {num(b)})" if given else "reward_range (default [0, 1])"
    raise ValueError(
        f"{what} has values in [{num(lo)}, {num(hi)}]; mdplab models need rewards in "
        f"{have}; pass reward_range=({num(s0)}, {num(s1)}) to accept them"
    )


def low_precision_hint(dtype: object) -> str:
    """The advice for a row-sum error when the source held probabilities in a float type
    coarser than float64 (float32 rounds each entry by ~6e-8, far above the 1e-9
    tolerance), else ''."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        return ""
    if dt.kind == "f" and dt.itemsize < 8:
        return (f"; the source is {dt.name}, whose rounding (~{np.finfo(dt).eps:.0e} per "
                "entry) exceeds the tolerance: build it in float64 (e.g. "
                "P.astype(np.float64), then divide each row by its sum)")
    return ""


def check_rows(M: object, name: str, label: Callable[[int], str],
               source_dtype: object = None) -> None:
    """Every row of ``M`` (a dense (n, S) array or a scipy.sparse matrix) is a distribution.

    ``label(i)`` is the text naming row i in the source's own layout (e.g. ``Q[3, 1, :]``).
    Rules (those of the models): finite entries, each >= -1e-12, each row summing to 1 within
    1e-9. Nothing is renormalised: a row breaking a rule is an error. ``source_dtype``: the
    dtype the caller's data had (default ``M``'s), named in the message when it is a float
    type coarser than float64.
    """
    import scipy.sparse as sp

    if source_dtype is None:
        source_dtype = getattr(M, "dtype", None)
    fix = "fix the source model (mdplab never renormalises)"
    if sp.issparse(M):
        csr = sp.csr_matrix(M)
        rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
        data, cols = np.asarray(csr.data, dtype=np.float64), csr.indices
        bad = ~np.isfinite(data)
        if bad.any():
            k = int(np.argmax(bad))
            raise ValueError(f"{label(int(rows[k]))} has entry {data[k]} at column "
                             f"{int(cols[k])}; probabilities must be finite: {fix}")
        neg = data < -PROB_NEG_TOL
        if neg.any():
            k = int(np.argmax(neg))
            raise ValueError(f"{label(int(rows[k]))} has entry {data[k]:.6g} at column "
                             f"{int(cols[k])}; probabilities must be >= 0: {fix}")
        sums = np.bincount(rows, weights=data, minlength=csr.shape[0])
    else:
        arr = np.asarray(M, dtype=np.float64)
        bad = ~np.isfinite(arr)
        if bad.any():
            i, j = (int(v) for v in np.argwhere(bad)[0])
            raise ValueError(f"{label(i)} has entry {arr[i, j]} at column {j}; probabilities "
                             f"must be finite: {fix}")
        neg = arr < -PROB_NEG_TOL
        if neg.any():
            i, j = (int(v) for v in np.argwhere(neg)[0])
            raise ValueError(f"{label(i)} has entry {arr[i, j]:.6g} at column {j}; "
                             f"probabilities must be >= 0: {fix}")
        sums = arr.sum(axis=1)
    off = np.abs(sums - 1.0) > PROB_SUM_TOL
    if off.any():
        i = int(np.argmax(off))
        raise ValueError(f"{label(i)} sums to {sums[i]:.12g}; each row must sum to 1 "
                         f"(tolerance {fmt_tol(PROB_SUM_TOL)}): {fix}"
                         f"{low_precision_hint(source_dtype)}")


def horizon_or_discount(H: object, gamma: object, hint: str = "") -> tuple[int | None,
                                                                          float | None]:
    """Exactly one of H (finite horizon) and gamma (discounted) must be given."""
    from .._validation import check_positive_int

    if (H is None) == (gamma is None):
        got = "both" if H is not None else "neither" + hint
        raise ValueError(
            f"pass exactly one of H (a FiniteHorizonMDP with horizon H) and gamma (a "
            f"DiscountedMDP with discount gamma); got {got}"
        )
    if H is not None:
        return check_positive_int(H, "H"), None
    return None, check_gamma(gamma)


def build_model(P: np.ndarray | SparseTransitions, r: np.ndarray, H: int | None,
                gamma: float | None, rho: object,
                reward_range: tuple[float, float]) -> FiniteHorizonMDP | DiscountedMDP:
    """A stationary FiniteHorizonMDP (H given) or a DiscountedMDP (gamma given)."""
    if H is not None:
        return FiniteHorizonMDP(P, r, H=H, rho=rho, reward_range=reward_range)
    return DiscountedMDP(P, r, gamma, rho=rho, reward_range=reward_range)


def is_scipy_sparse(x: object) -> bool:
    """True for a scipy.sparse array or matrix (without importing scipy otherwise)."""
    import sys

    sp = sys.modules.get("scipy.sparse")
    return sp is not None and sp.issparse(x)
