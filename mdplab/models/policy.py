"""Policies: validation and conversion between deterministic and stochastic forms.

Finite horizon: deterministic ``pi[h, s]`` (int, shape (H, S)) or stochastic
``pi[h, s, a]`` (shape (H, S, A), rows are distributions). A stationary policy
of shape (S,) or (S, A) is broadcast over h.
Discounted: deterministic (S,) or stochastic (S, A).
"""

from __future__ import annotations

import numpy as np

from .._validation import (
    as_float_array,
    as_int_array,
    check_int_range,
    check_positive_int,
    check_probability_rows,
)

__all__ = ["deterministic_to_stochastic", "greedy", "validate_policy"]


def _is_integer_like(policy: object) -> bool:
    try:
        arr = np.asarray(policy)
    except Exception:  # ragged: as_float_array names the argument
        return False
    return arr.dtype.kind in "iub"


def validate_policy(policy: np.ndarray, H: int | None, S: int, A: int,
                    name: str = "policy") -> np.ndarray:
    """Return the policy as a stochastic array (H, S, A) (or (S, A) if ``H is None``).

    Integer arrays are read as deterministic action choices, float arrays with one
    more axis as action distributions. Raises ValueError naming the bad index.
    """
    if _is_integer_like(policy):
        pi = as_int_array(policy, name)
        check_int_range(pi, name, 0, A)
        if H is None:
            if pi.shape != (S,):
                raise ValueError(
                    f"{name} has shape {pi.shape}; a deterministic policy is (S,) = ({S},)"
                )
        else:
            if pi.shape == (S,):
                pi = np.broadcast_to(pi, (H, S))
            elif pi.shape != (H, S):
                raise ValueError(
                    f"{name} has shape {pi.shape}; a deterministic policy is (H, S) = ({H}, {S})"
                )
        return deterministic_to_stochastic(pi, A)
    pi = as_float_array(policy, name)
    if H is None:
        if pi.shape != (S, A):
            raise ValueError(
                f"{name} has shape {pi.shape}; a stochastic policy is (S, A) = ({S}, {A})"
            )
    else:
        if pi.shape == (S, A):
            pi = np.broadcast_to(pi, (H, S, A))
        elif pi.shape != (H, S, A):
            raise ValueError(
                f"{name} has shape {pi.shape}; a stochastic policy is (H, S, A) = ({H}, {S}, {A}) "
                "(or pass an integer array (H, S) for a deterministic one)"
            )
    check_probability_rows(pi, name)
    return np.ascontiguousarray(pi)


def deterministic_to_stochastic(pi: np.ndarray, A: int) -> np.ndarray:
    """One-hot encode int actions of shape (..., S) into (..., S, A)."""
    A = check_positive_int(A, "A")
    pi = as_int_array(pi, "pi")
    check_int_range(pi, "pi", 0, A)
    out = np.zeros(pi.shape + (A,))
    np.put_along_axis(out, pi[..., None], 1.0, axis=-1)
    return out


def is_deterministic(pi_stochastic: np.ndarray) -> bool:
    """True if every action distribution is a point mass."""
    return bool(np.all((pi_stochastic == 0.0) | (pi_stochastic == 1.0)))


def greedy(Q: np.ndarray) -> np.ndarray:
    """argmax over the last axis, ties to the lowest action index (int64).

    ``Q`` (..., A) real; -inf marks a removed action, NaN and +inf are refused."""
    if isinstance(Q, (str, bytes)):
        raise TypeError(f"Q must be a numeric array, got {type(Q).__name__}")
    try:
        arr = np.asarray(Q)
    except Exception as exc:
        raise TypeError(f"Q must be a numeric array: {exc}") from exc
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"Q must be a real numeric array, got dtype {arr.dtype}")
    if arr.ndim < 1 or arr.shape[-1] < 1:
        raise ValueError(f"Q has shape {arr.shape}; expected (..., A) with A >= 1")
    bad = np.isnan(arr) | (arr == np.inf)
    if bad.any():
        idx = [int(i) for i in np.argwhere(bad)[0]]
        raise ValueError(f"Q{idx} is {arr[tuple(idx)]}; entries must be finite (or -inf for a "
                         "removed action)")
    return np.argmax(arr, axis=-1).astype(np.int64)
