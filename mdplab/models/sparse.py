"""A compressed sparse row (successor-list) transition kernel for large S.

Rows are the flattened (h, s, a) or (s, a) index; row ``i`` lists the successors
``indices[indptr[i]:indptr[i+1]]`` with probabilities ``data[indptr[i]:indptr[i+1]]``.
This is scipy's CSR layout for the (rows, S) matrix, kept as three plain arrays so
numba kernels can loop over it directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import (
    PROB_NEG_TOL,
    PROB_SUM_TOL,
    as_float_array,
    as_int_array,
    check_positive_int,
    fmt_tol,
    readonly,
)


@dataclass(frozen=True, eq=False)
class SparseTransitions:
    """Transition kernel in CSR form.

    Parameters
    ----------
    indptr : int64 array, shape (R + 1,)
        Row pointers; ``R = S*A`` (stationary) or ``R = H*S*A``.
    indices : int64 array, shape (nnz,)
        Successor states, each in ``0..S-1``.
    data : float64 array, shape (nnz,)
        Successor probabilities; every row sums to 1 within 1e-9.
    shape : tuple
        ``(S, A, S)`` or ``(H, S, A, S)``: the dense shape this kernel stands for.
    """

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    shape: tuple[int, ...]

    def __post_init__(self):
        if isinstance(self.shape, (str, bytes)) or not isinstance(self.shape, (tuple, list)):
            raise TypeError(f"shape must be a tuple (S, A, S) or (H, S, A, S) of ints, got "
                            f"{self.shape!r}")
        shape = tuple(check_positive_int(x, f"shape[{i}]", minimum=0)
                      for i, x in enumerate(self.shape))
        if len(shape) not in (3, 4) or any(x < 1 for x in shape):
            raise ValueError(f"SparseTransitions shape must be (S,A,S) or (H,S,A,S), got {shape}")
        if shape[-1] != shape[-3]:
            raise ValueError(f"SparseTransitions shape {shape}: first and last S must agree")
        n_rows = int(np.prod(shape[:-1]))
        indptr = as_int_array(self.indptr, "indptr", ndim=1)
        indices = as_int_array(self.indices, "indices", ndim=1)
        data = as_float_array(self.data, "data", ndim=1)
        if indptr.shape[0] != n_rows + 1:
            raise ValueError(f"indptr has length {indptr.shape[0]}; expected {n_rows + 1}")
        if indptr[0] != 0 or np.any(np.diff(indptr) < 0) or indptr[-1] != indices.shape[0]:
            raise ValueError("indptr must start at 0, be nondecreasing and end at len(indices)")
        if data.shape != indices.shape:
            raise ValueError(f"data has shape {data.shape}; indices has {indices.shape}")
        S = shape[-1]
        bad = (indices < 0) | (indices >= S)
        if bad.any():
            k = int(np.argmax(bad))
            row = int(np.searchsorted(indptr, k, side="right") - 1)
            idx = ", ".join(str(int(i)) for i in np.unravel_index(row, shape[:-1]))
            raise ValueError(
                f"P[{idx}] lists successor {indices[k]}; must be in {{0, ..., {S - 1}}}"
            )
        neg = data < -PROB_NEG_TOL
        if neg.any():
            k = int(np.argmax(neg))
            row = int(np.searchsorted(indptr, k, side="right") - 1)
            idx = ", ".join(str(int(i)) for i in np.unravel_index(row, shape[:-1]))
            raise ValueError(f"P[{idx}, {indices[k]}] is {data[k]:.6g}; probabilities must be >= 0")
        row_of = np.repeat(np.arange(n_rows), np.diff(indptr))
        sums = np.bincount(row_of, weights=data, minlength=n_rows)
        bad = np.abs(sums - 1.0) > PROB_SUM_TOL
        if bad.any():
            row = int(np.argmax(bad))
            idx = ", ".join(str(int(i)) for i in np.unravel_index(row, shape[:-1]))
            raise ValueError(
                f"P[{idx}, :] sums to {sums[row]:.6f}; each row must sum to 1 "
                f"(tolerance {fmt_tol(PROB_SUM_TOL)})"
            )
        object.__setattr__(self, "indptr", readonly(indptr))
        object.__setattr__(self, "indices", readonly(indices))
        object.__setattr__(self, "data", readonly(data))
        object.__setattr__(self, "shape", shape)

    def __repr__(self) -> str:
        return f"SparseTransitions(shape={self.shape}, nnz={self.nnz})"

    @property
    def n_states(self) -> int:
        return self.shape[-1]

    @property
    def nnz(self) -> int:
        return int(self.data.shape[0])

    @classmethod
    def from_dense(cls, P: np.ndarray, tol: float = 0.0) -> SparseTransitions:
        """Build from a dense (S,A,S) or (H,S,A,S) array, dropping entries ``<= tol``."""
        P = np.asarray(P, dtype=np.float64)
        flat = P.reshape(-1, P.shape[-1])
        mask = flat > tol
        indptr = np.concatenate([[0], np.cumsum(mask.sum(axis=1))]).astype(np.int64)
        rows, cols = np.nonzero(mask)
        return cls(indptr, cols.astype(np.int64), flat[rows, cols], P.shape)

    @classmethod
    def from_scipy(cls, matrix, shape: tuple[int, ...]) -> SparseTransitions:
        """Build from a scipy.sparse matrix of shape (prod(shape[:-1]), S)."""
        import scipy.sparse as sp

        csr = sp.csr_matrix(matrix)
        csr.sort_indices()
        return cls(csr.indptr, csr.indices, csr.data, shape)

    def to_dense(self) -> np.ndarray:
        """The dense array of shape ``self.shape`` (memory: prod(shape) floats)."""
        out = np.zeros((int(np.prod(self.shape[:-1])), self.shape[-1]))
        rows = np.repeat(np.arange(out.shape[0]), np.diff(self.indptr))
        np.add.at(out, (rows, self.indices), self.data)
        return out.reshape(self.shape)

    def to_scipy(self) -> Any:
        """The (rows, S) scipy.sparse.csr_matrix."""
        import scipy.sparse as sp

        n_rows = int(np.prod(self.shape[:-1]))
        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=(n_rows, self.shape[-1]))
