"""Input validation shared by every model, planner and sampler.

Every check raises before any numba kernel sees the data, and every message
names the offending field, the index and the rule, e.g.::

    P[2, 3, 1, :] sums to 0.970000; each row must sum to 1 (tolerance 1e-9)

Nothing here clips or renormalises: a value that breaks a rule is an error.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

#: Absolute tolerance on the sum of a probability vector.
PROB_SUM_TOL = 1e-9
#: Entries of a probability vector may be as low as -PROB_NEG_TOL (round-off).
PROB_NEG_TOL = 1e-12
#: Largest magnitude accepted for an integer argument or an integer array entry (int64 room).
INT_LIMIT = 2**62


def fmt_tol(tol: float) -> str:
    """1e-09 -> '1e-9'."""
    mant, exp = f"{tol:.0e}".split("e")
    return f"{mant}e{int(exp)}"


def _fmt_index(idx: tuple[int, ...], trailing_colon: bool = False) -> str:
    parts = [str(int(i)) for i in idx]
    if trailing_colon:
        parts.append(":")
    return "[" + ", ".join(parts) + "]"


def as_float_array(x: object, name: str, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
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


def as_int_array(x: object, name: str, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Convert ``x`` to an int64 array; floats are accepted only if integral."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be an integer array, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be an integer array: {exc}") from exc
    if arr.dtype == object or arr.dtype.kind not in "iub f":
        raise TypeError(f"{name} must be an integer array, got dtype {arr.dtype}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            idx = tuple(np.argwhere(~np.isfinite(arr) | (arr != np.round(arr)))[0])
            raise TypeError(f"{name}{_fmt_index(idx)} is {arr[idx]}; entries must be integers")
        big = np.abs(arr) > INT_LIMIT
        if big.any():
            idx = tuple(np.argwhere(big)[0])
            raise ValueError(f"{name}{_fmt_index(idx)} is {arr[idx]:g}; entries must be "
                             f"integers of magnitude <= 2**62")
    elif arr.dtype.kind == "u" and arr.size and arr.max() > INT_LIMIT:
        idx = tuple(np.argwhere(arr > INT_LIMIT)[0])
        raise ValueError(f"{name}{_fmt_index(idx)} is {arr[idx]}; entries must be integers of "
                         "magnitude <= 2**62")
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


def check_positive_int(x: object, name: str, minimum: int = 1) -> int:
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
    if x > INT_LIMIT:
        raise ValueError(f"{name} is {x}; must be <= 2**62")
    return x


def check_int_between(x: object, name: str, low: int, high: int) -> int:
    """Return ``x`` as a Python int, requiring an integer in ``{low, ..., high}`` (an index);
    a float such as 1.5 is a TypeError, never truncated."""
    x = check_positive_int(x, name, minimum=low)
    if x > high:
        raise ValueError(f"{name} is {x}; must be <= {high}")
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


def as_rng(rng: object, name: str = "rng") -> np.random.Generator:
    """Accept ``None``, an int seed >= 0, a ``SeedSequence`` or a ``Generator``.

    ``None`` draws fresh OS entropy; pass a seed for reproducible results. ``name`` is the
    argument's name in error messages (``"seed"`` for the instance builders).
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (bool, np.bool_)):
        raise TypeError(f"{name} must be None, an int seed, a SeedSequence or a Generator, "
                        f"got {rng!r}")
    if isinstance(rng, numbers.Integral) and int(rng) < 0:
        raise ValueError(f"{name} is {int(rng)}; an int seed must be >= 0")
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence)):
        return np.random.default_rng(rng)
    raise TypeError(f"{name} must be None, an int seed, a SeedSequence or a Generator, "
                    f"got {rng!r}")


# ---------------------------------------------------------------------------- scalars
def check_real(x: object, name: str, low: float = -math.inf, high: float = math.inf, *,
               open_low: bool = False, open_high: bool = False) -> float:
    """Return ``x`` as a finite Python float in the stated interval.

    Rejects bools, strings, complex numbers and other non-reals with a TypeError, and
    NaN, inf or a value outside ``[low, high]`` (ends open when asked) with a ValueError
    that names ``name`` and the interval, e.g. ``lam is 0; must lie in (0, inf)``.
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {x!r}")
    v = float(x)
    bad = (not math.isfinite(v)) or v < low or v > high or (open_low and v == low) or (
        open_high and v == high)
    if bad:
        lo, hi = ("(" if open_low or low == -math.inf else "["), (
            ")" if open_high or high == math.inf else "]")
        raise ValueError(f"{name} is {v:g}; must be a finite number in {lo}{low:g}, {high:g}{hi}")
    return v


def check_unit_open(x: object, name: str) -> float:
    """A probability parameter in the open interval (0, 1) (failure probabilities)."""
    return check_real(x, name, 0.0, 1.0, open_low=True, open_high=True)


def check_bool(x: object, name: str) -> bool:
    """Require a bool (or numpy bool); return it as a Python bool."""
    if not isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {x!r}")
    return bool(x)


def check_choice(x: object, name: str, choices: tuple[str, ...]) -> str:
    """Require one of the given strings (TypeError for a non-string)."""
    if not isinstance(x, str):
        raise TypeError(f"{name} must be a string, one of {', '.join(map(repr, choices))}; "
                        f"got {x!r}")
    if x not in choices:
        raise ValueError(f"{name} is {x!r}; must be one of {', '.join(map(repr, choices))}")
    return x


def check_sizes(**sizes: object) -> tuple[int, ...]:
    """Each keyword (``S=..., A=..., H=...``) must be an integer >= 1; returns them in order.

    This is the rule every model states: a model with no state, no action or no step is
    refused, e.g. ``S is 0; must be >= 1 (a model needs at least one state)``.
    """
    what = {"S": "state", "A": "action", "H": "step", "d": "feature", "K": "episode",
            "N": "sample"}
    out = []
    for key, val in sizes.items():
        v = check_positive_int(val, key, minimum=0)
        if v < 1:
            noun = what.get(key, "element")
            raise ValueError(f"{key} is {v}; must be >= 1 (a model needs at least one {noun})")
        out.append(v)
    return tuple(out)


# ---------------------------------------------------------------------------- arrays
def as_real_array(x: object, name: str, shapes: tuple[tuple[int, ...], ...] | None = None,
                  ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """:func:`as_float_array` (real, finite) plus a shape rule.

    ``shapes``: the accepted shapes; a mismatch raises ``ValueError`` naming ``name``, its
    shape and the accepted ones (never a numpy broadcast message).
    """
    arr = as_float_array(x, name, ndim=ndim)
    if shapes is not None and arr.shape not in [tuple(s) for s in shapes]:
        want = " or ".join(str(tuple(s)) for s in shapes)
        raise ValueError(f"{name} has shape {arr.shape}; expected {want}")
    return arr


def as_count_array(x: object, name: str, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Counts: an int64 array of non-negative integers (fractional entries are a TypeError,
    negative ones a ValueError naming the index)."""
    arr = as_int_array(x, name, ndim=ndim)
    neg = arr < 0
    if neg.any():
        idx = tuple(np.argwhere(neg)[0])
        raise ValueError(f"{name}{_fmt_index(idx)} is {arr[idx]}; counts must be >= 0")
    return arr


def check_rewards(r: object, name: str, H: int, S: int, A: int,
                  reward_range: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """Mean rewards of shape (S, A) or (H, S, A), real, finite and in ``reward_range``.

    Returns a C-contiguous (H, S, A) float64 array. Message e.g.
    ``r[2, 1] is 5; rewards must lie in [0, 1] (reward_range)``.
    """
    arr = as_real_array(r, name, shapes=((S, A), (H, S, A)))
    lo, hi = (float(v) for v in reward_range)
    bad = (arr < lo) | (arr > hi)
    if bad.any():
        idx = tuple(np.argwhere(bad)[0])
        raise ValueError(f"{name}{_fmt_index(idx)} is {arr[idx]:.6g}; rewards must lie in "
                         f"[{lo:g}, {hi:g}] (reward_range)")
    if arr.ndim == 2:
        arr = np.broadcast_to(arr, (H, S, A))
    return np.ascontiguousarray(arr)


def check_finite_result(arr: np.ndarray, name: str, hint: str) -> None:
    """Raise ``ValueError`` if a computed array has NaN or inf entries, naming where and
    what to do (``hint``); used where an input in range can still overflow."""
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(np.argwhere(bad)[0])
        raise ValueError(f"{name}{_fmt_index(idx)} is {arr[idx]}; {hint}")


#: what an ``rng`` (or ``seed``) argument accepts: see :func:`as_rng`
RngLike = int | np.integer | np.random.Generator | np.random.SeedSequence | None
