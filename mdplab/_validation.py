"""Input validation shared by every model, planner and sampler.

Every check raises before any numba kernel sees the data, and every message
names the offending field, the index and the rule, e.g.::

    P[2, 3, 1, :] sums to 0.970000; each row must sum to 1 (tolerance 1e-9)

Nothing here clips or renormalises: a value that breaks a rule is an error.
"""

from __future__ import annotations

import numbers

import numpy as np

#: Absolute tolerance on the sum of a probability vector.
PROB_SUM_TOL = 1e-9
#: Entries of a probability vector may be as low as -PROB_NEG_TOL (round-off).
PROB_NEG_TOL = 1e-12


def fmt_tol(tol: float) -> str:
    """1e-09 -> '1e-9'."""
    mant, exp = f"{tol:.0e}".split("e")
    return f"{mant}e{int(exp)}"


def _fmt_index(idx: tuple[int, ...], trailing_colon: bool = False) -> str:
    parts = [str(int(i)) for i in idx]
    if trailing_colon:
        parts.append(":")
    return "[" + ", ".join(parts) + "]"


def as_float_array(x, name: str, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Convert ``x`` to a float64 array, rejecting non-numeric input and NaN/inf.

    Raises
    ------
    TypeError
        if ``x`` is not numeric (strings, objects, complex).
    ValueError
        if the number of dimensions is not one of ``ndim`` or an entry is NaN/inf.
    """
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be a numeric array: {exc}") from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.floating)
        or np.issubdtype(arr.dtype, np.integer)
        or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    arr = np.array(arr, dtype=np.float64, copy=True)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {want} dimensions, got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(np.argwhere(bad)[0])
        raise ValueError(f"{name}{_fmt_index(idx)} is {arr[idx]}; all entries must be finite")
    return arr


def as_int_array(x, name: str, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Convert ``x`` to an int64 array; floats are accepted only if integral."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be an integer array, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.dtype == object or arr.dtype.kind not in "iub f":
        raise TypeError(f"{name} must be an integer array, got dtype {arr.dtype}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            idx = tuple(np.argwhere(~np.isfinite(arr) | (arr != np.round(arr)))[0])
            raise TypeError(f"{name}{_fmt_index(idx)} is {arr[idx]}; entries must be integers")
    arr = np.array(arr, dtype=np.int64, copy=True)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {want} dimensions, got shape {arr.shape}")
    return arr


def check_int_range(arr: np.ndarray, name: str, low: int, high: int) -> None:
    """Require ``low <= arr < high`` elementwise; name the first offending index."""
    bad = (arr < low) | (arr >= high)
    if bad.any():
        idx = tuple(np.argwhere(bad)[0])
        raise ValueError(
            f"{name}{_fmt_index(idx)} is {arr[idx]}; must be in {{{low}, ..., {high - 1}}}"
        )


def check_positive_int(x, name: str, minimum: int = 1) -> int:
    """Return ``x`` as a Python int, requiring an integer ``>= minimum``."""
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got {x!r}")
    if not isinstance(x, numbers.Integral):
        if isinstance(x, numbers.Real) and float(x).is_integer():
            x = int(x)
        else:
            raise TypeError(f"{name} must be an integer, got {x!r}")
    x = int(x)
    if x < minimum:
        raise ValueError(f"{name} is {x}; must be >= {minimum}")
    return x


def check_probability_rows(arr: np.ndarray, name: str, tol: float = PROB_SUM_TOL) -> None:
    """Require every vector along the last axis of ``arr`` to be a distribution.

    Rules: entries >= -1e-12 and each vector sums to 1 within ``tol``.
    """
    neg = arr < -PROB_NEG_TOL
    if neg.any():
        idx = tuple(np.argwhere(neg)[0])
        raise ValueError(f"{name}{_fmt_index(idx)} is {arr[idx]:.6g}; probabilities must be >= 0")
    sums = arr.sum(axis=-1)
    bad = np.abs(sums - 1.0) > tol
    if bad.any():
        idx = tuple(np.argwhere(bad)[0]) if sums.ndim else ()
        label = _fmt_index(idx, trailing_colon=True) if arr.ndim > 1 else "[:]"
        total = sums[idx] if sums.ndim else float(sums)
        raise ValueError(
            f"{name}{label} sums to {total:.6f}; each row must sum to 1 (tolerance {fmt_tol(tol)})"
        )


def check_range(arr: np.ndarray, name: str, low: float, high: float) -> None:
    """Require ``low <= arr <= high`` elementwise."""
    bad = (arr < low) | (arr > high)
    if bad.any():
        idx = tuple(np.argwhere(bad)[0])
        raise ValueError(
            f"{name}{_fmt_index(idx)} is {arr[idx]:.6g}; must lie in [{low:g}, {high:g}]"
        )


def check_shape(arr: np.ndarray, name: str, shape: tuple[int, ...]) -> None:
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} has shape {arr.shape}; expected {tuple(shape)}")


def aligned_copy(arr: np.ndarray, alignment: int = 64) -> np.ndarray:
    """A C-contiguous float64 copy of ``arr`` whose data starts on an ``alignment``-byte boundary.

    The numba kernels stream P with SIMD loads; a cache-line-aligned start makes
    their speed independent of where the allocator happened to put the array.
    """
    arr = np.asarray(arr, dtype=np.float64)
    buf = np.empty(arr.nbytes + alignment, dtype=np.uint8)
    offset = (-buf.ctypes.data) % alignment
    out = buf[offset : offset + arr.nbytes].view(np.float64).reshape(arr.shape)
    out[...] = arr
    return out


def readonly(arr: np.ndarray) -> np.ndarray:
    """Mark ``arr`` read-only in place and return it."""
    arr.setflags(write=False)
    return arr


def as_rng(rng) -> np.random.Generator:
    """Accept ``None``, an int seed, a ``SeedSequence`` or a ``Generator``.

    ``None`` draws fresh OS entropy; pass a seed for reproducible results.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be None, an int seed, a SeedSequence or a Generator, got {rng!r}")
