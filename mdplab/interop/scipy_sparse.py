"""scipy.sparse matrices and arrays (csr, csc, coo, and any other format) as transition
kernels: :func:`from_scipy_sparse`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import as_float_array, check_positive_int
from ..models.sparse import SparseTransitions
from ._common import check_rows, is_scipy_sparse

__all__ = ["from_scipy_sparse"]


def _real_dtype(M: Any, name: str) -> None:
    kind = np.dtype(M.dtype).kind
    if kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {M.dtype}")


def per_action_csr(mats: Sequence[Any], name: str) -> tuple[Any, int, int]:
    """A list of A (S, S) kernels, dense or sparse, ``mats[a][s, s']`` -> the (S*A, S) csr
    matrix with row ``s*A + a`` (mdplab's layout), validated; returns (csr, S, A)."""
    import scipy.sparse as sp

    A = len(mats)
    if A == 0:
        raise ValueError(f"{name} is empty; give one (S, S) matrix per action (A >= 1)")
    blocks = []
    S = None
    for a, M in enumerate(mats):
        where = f"{name}[{a}]"
        source_dtype = getattr(M, "dtype", None)
        if is_scipy_sparse(M):
            if M.ndim != 2:
                raise ValueError(f"{where} has shape {M.shape}; expected an (S, S) matrix")
            _real_dtype(M, where)
            block = sp.csr_matrix(M, dtype=np.float64)
        else:
            block = sp.csr_matrix(as_float_array(M, where, ndim=2))
        if block.shape[0] != block.shape[1]:
            raise ValueError(f"{where} has shape {block.shape}; each action's matrix must be "
                             "square (S, S): row = state, column = next state")
        if S is None:
            S = block.shape[0]
            if S < 1:
                raise ValueError(f"{where} has shape {block.shape}; need S >= 1 states")
        elif block.shape[0] != S:
            raise ValueError(f"{where} has shape {block.shape} but {name}[0] has "
                             f"{(S, S)}; every action's matrix must be (S, S) with the same S")
        check_rows(block, where, lambda i, w=where: f"{w}[{i}, :]", source_dtype)
        blocks.append(block)
    stacked = sp.vstack(blocks, format="csr")  # row a*S + s
    perm = (np.arange(S)[:, None] + S * np.arange(A)[None, :]).reshape(-1)
    return stacked[perm], S, A


def from_scipy_sparse(P: Any, *, A: int | None = None, H: int | None = None
                      ) -> SparseTransitions:
    """A :class:`mdplab.SparseTransitions` kernel from scipy.sparse input, exactly.

    Parameters
    ----------
    P : one of
        - a sequence (list, tuple or 1-d object array) of A scipy.sparse (or dense) (S, S)
          matrices, ``P[a][s, s']`` (pymdptoolbox's layout) -> shape (S, A, S);
        - one 2-d scipy.sparse matrix or array of shape (S*A, S) whose row ``s*A + a`` is
          the distribution of the next state after (s, a) (mdplab's and quantecon's
          layout; ``A`` required), or (H*S*A, S) with row ``(h*S + s)*A + a`` (``A`` and
          ``H`` required) -> shape (S, A, S) or (H, S, A, S);
        - an n-d ``scipy.sparse.coo_array`` of shape (S, A, S) or (H, S, A, S).

        Any scipy format is accepted (csr, csc, coo, lil, dok, bsr, dia; arrays and the
        older matrices). Duplicate entries of a coo matrix are summed, as scipy does;
        explicit zeros are kept (they change nothing).
    A : int, optional
        Number of actions (2-d input only).
    H : int, optional
        Horizon of a non-stationary (H*S*A, S) input (2-d input only).

    Returns
    -------
    SparseTransitions of shape (S, A, S) or (H, S, A, S).

    Raises
    ------
    TypeError
        for input that is not scipy.sparse (or a sequence of matrices), or a non-real dtype.
    ValueError
        for a wrong shape, a non-finite or negative entry, or a row not summing to 1 within
        1e-9; the message names the row in the input's own layout. Nothing is renormalised.
    """
    import scipy.sparse as sp

    if is_scipy_sparse(P):
        _real_dtype(P, "P")
        if P.ndim in (3, 4):
            if A is not None or H is not None:
                raise ValueError(f"P is a {P.ndim}-d sparse array of shape {P.shape}, which "
                                 "states its layout; do not pass A or H")
            shape = tuple(int(n) for n in P.shape)
            if any(n < 1 for n in shape) or shape[-1] != shape[-3]:
                raise ValueError(f"P has shape {shape}; expected (S, A, S) or (H, S, A, S) "
                                 "with S, A, H >= 1")
            csr = sp.csr_array(sp.coo_array(P).reshape((-1, shape[-1])), dtype=np.float64)
            check_rows(csr, "P", lambda i: "P[" + ", ".join(
                str(int(k)) for k in np.unravel_index(i, shape[:-1])) + ", :]", P.dtype)
            return SparseTransitions.from_scipy(csr, shape)
        if P.ndim != 2:
            raise ValueError(f"P has shape {P.shape}; expected a 2-d (S*A, S) matrix, a "
                             "list of A (S, S) matrices or an n-d (S, A, S) coo_array")
        if A is None:
            raise ValueError(f"P is a 2-d sparse matrix of shape {P.shape}; pass A= (the "
                             "number of actions) so that its rows read as (s, a) = "
                             "divmod(row, A), or give a list of A (S, S) matrices instead")
        A = check_positive_int(A, "A")
        H = None if H is None else check_positive_int(H, "H")
        n_rows, S = (int(n) for n in P.shape)
        blocks = A * (H or 1)
        if S < 1 or n_rows != S * blocks:
            want = f"H*S*A = {H}*{S}*{A}" if H else f"S*A = {S}*{A}"
            raise ValueError(f"P has shape {P.shape}; with S = {S} columns (next states) it "
                             f"must have {want} = {S * blocks} rows")
        shape = (S, A, S) if H is None else (H, S, A, S)

        def label(i: int) -> str:
            idx = np.unravel_index(i, shape[:-1])
            names = ("s", "a") if H is None else ("h", "s", "a")
            return (f"P[{i}, :] (" + ", ".join(f"{k}={int(v)}" for k, v in zip(names, idx,
                                                                            strict=True)) + ")")

        csr = sp.csr_array(P, dtype=np.float64)
        check_rows(csr, "P", label, P.dtype)
        return SparseTransitions.from_scipy(csr, shape)
    if isinstance(P, (list, tuple)) or (isinstance(P, np.ndarray) and P.dtype == object
                                        and P.ndim == 1):
        if A is not None or H is not None:
            raise ValueError("P is a sequence of per-action (S, S) matrices, which states "
                             "its layout; do not pass A or H")
        csr, S, n_actions = per_action_csr(list(P), "P")
        return SparseTransitions.from_scipy(csr, (S, n_actions, S))
    raise TypeError(
        f"P must be a scipy.sparse matrix or array, or a list of A (S, S) matrices; got "
        f"{type(P).__name__} (a dense (S, A, S) array can be passed to the models directly)"
    )
