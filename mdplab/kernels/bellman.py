"""Bellman backups, backward induction and policy evaluation (numba).

Every public function here is a thin wrapper that checks shapes and makes its
arrays C-contiguous float64/int64, then calls a ``@njit(cache=True)`` kernel
(``_``-prefixed). Solvers that call a backup thousands of times validate once and
call the kernels directly. Each public function has a plain-numpy reference in
:mod:`mdplab.kernels.reference`; ``tests/test_kernels.py`` compares them.

Layout and speed
----------------
A dense kernel ``P`` is read as a 2-d array of rows ``P2[i, :]`` (i = flattened
(h,) s, a), so the innermost loop runs over the next state s' through contiguous
memory. Four rows are dotted with ``V`` at once (``V`` is loaded once per four
rows). The kernels are compiled with ``fastmath={'reassoc', 'contract'}`` so LLVM
may vectorise the sums over s' (and fuse multiply-adds): results agree with the
numpy references to round-off (a few ulps), not bit for bit, and the order of the
partial sums depends on the CPU's vector width. For a given machine the results are
deterministic: they do not depend on the data's memory address or, for the
parallel (``prange``) variants, on the number of threads, because each row is
always summed by the same code in the same order.

A CSR kernel (:class:`mdplab.models.sparse.SparseTransitions`) is the triple
``(indptr, indices, data)``; row ``i`` lists the successors of the flattened
(h,) s, a index ``i``.

Finite-horizon conventions: steps h = 0..H-1, ``V`` has H+1 rows with V[H] = 0.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

#: ``parallel=True`` finite-horizon solves of smaller kernels (S*A*S entries per step) run
#: the serial kernel instead (bit-identical results): below about 1 MB per step the
#: thread start-up per step costs more than it saves (measured on 2 cores)
PARALLEL_MIN_ENTRIES = 1 << 17

#: fastmath flags of the kernels: re-association (vectorised sums) and FMA
#: contraction only -- no nnan/ninf, so -inf sentinels and comparisons stay exact.
FASTMATH = {"reassoc", "contract"}


# ----------------------------------------------------------------------------------------
# row-dot building blocks: out[o + j] = sum_t P2[i + j, t] * v[t]
# ----------------------------------------------------------------------------------------
@njit(cache=True, fastmath=FASTMATH, inline="always")
def _dot4(P2, i, v, out, o):
    """Dot rows i..i+3 of P2 with v into out[o..o+3] (v is read once for four rows)."""
    a0 = 0.0
    a1 = 0.0
    a2 = 0.0
    a3 = 0.0
    for t in range(v.shape[0]):
        vt = v[t]
        a0 += P2[i, t] * vt
        a1 += P2[i + 1, t] * vt
        a2 += P2[i + 2, t] * vt
        a3 += P2[i + 3, t] * vt
    out[o] = a0
    out[o + 1] = a1
    out[o + 2] = a2
    out[o + 3] = a3


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _dot1(P2, i, v):
    acc = 0.0
    for t in range(v.shape[0]):
        acc += P2[i, t] * v[t]
    return acc


@njit(cache=True, fastmath=FASTMATH)
def _dot_rows(P2, row0, n, v, out):
    """out[j] = P2[row0 + j, :] . v for j < n, four rows at a time."""
    n4 = n - n % 4
    for j in range(0, n4, 4):
        _dot4(P2, row0 + j, v, out, j)
    for j in range(n4, n):
        out[j] = _dot1(P2, row0 + j, v)


@njit(cache=True, fastmath=FASTMATH, parallel=True)
def _dot_rows_parallel(P2, n, v, out):
    """Parallel ``_dot_rows(P2, 0, n, v, out)``: blocks of four rows split over threads.

    Each row is summed by the same code whichever thread runs it, so the result does
    not depend on the number of threads.
    """
    nb = (n + 3) // 4
    for b in prange(nb):
        j = 4 * b
        if j + 4 <= n:
            _dot4(P2, j, v, out, j)
        else:
            for k in range(j, n):
                out[k] = _dot1(P2, k, v)


@njit(cache=True, fastmath=FASTMATH)
def _csr_dot_rows(indptr, indices, data, row0, n, v, out):
    """out[j] = sum_k data[k] v[indices[k]] over row row0 + j of a CSR kernel."""
    for j in range(n):
        i = row0 + j
        acc = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            acc += data[k] * v[indices[k]]
        out[j] = acc


@njit(cache=True, fastmath=FASTMATH, parallel=True)
def _csr_dot_rows_parallel(indptr, indices, data, n, v, out):
    for i in prange(n):
        acc = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            acc += data[k] * v[indices[k]]
        out[i] = acc


@njit(cache=True, fastmath=FASTMATH)
def _max_rows(r_h, gamma, q, Q_h, V_h):
    """Q_h[s, a] = r_h[s, a] + gamma q[s*A + a];  V_h[s] = max_a Q_h[s, a]."""
    S, A = r_h.shape
    for s in range(S):
        best = -np.inf
        for a in range(A):
            x = r_h[s, a] + gamma * q[s * A + a]
            Q_h[s, a] = x
            if x > best:
                best = x
        V_h[s] = best


@njit(cache=True, fastmath=FASTMATH)
def _mean_rows(r_h, q, pi_h, Q_h, V_h):
    """Q_h[s, a] = r_h[s, a] + q[s*A + a];  V_h[s] = sum_a pi_h[s, a] Q_h[s, a]."""
    S, A = r_h.shape
    for s in range(S):
        acc = 0.0
        for a in range(A):
            x = r_h[s, a] + q[s * A + a]
            Q_h[s, a] = x
            acc += pi_h[s, a] * x
        V_h[s] = acc


# ----------------------------------------------------------------------------------------
# finite horizon: backward induction and policy evaluation
# ----------------------------------------------------------------------------------------
@njit(cache=True, fastmath=FASTMATH)
def _backward_induction_dense(P2, stationary, r, Q, V):
    """Optimal backward induction; P2 is (S*A, S) if stationary else (H*S*A, S)."""
    H, S, A = r.shape
    _solve_dense(P2, stationary, r, Q, V, np.empty((H, S), dtype=np.int64))


@njit(cache=True, fastmath=FASTMATH)
def _max_rows_arg(r_h, q, Q_h, V_h, pi_h):
    """_max_rows with gamma = 1 that also records the first maximiser in pi_h."""
    S, A = r_h.shape
    for s in range(S):
        best = -np.inf
        arg = 0
        for a in range(A):
            x = r_h[s, a] + q[s * A + a]
            Q_h[s, a] = x
            if x > best:  # strict: ties keep the lowest action
                best = x
                arg = a
        V_h[s] = best
        pi_h[s] = arg


@njit(cache=True, fastmath=FASTMATH)
def _solve_dense(P2, stationary, r, Q, V, policy):
    """_backward_induction_dense that also writes the greedy policy (H, S)."""
    H, S, A = r.shape
    n = S * A
    q = np.empty(n)
    for h in range(H - 1, -1, -1):
        _dot_rows(P2, 0 if stationary else h * n, n, V[h + 1], q)
        _max_rows_arg(r[h], q, Q[h], V[h], policy[h])


@njit(cache=True, fastmath=FASTMATH, parallel=True)
def _solve_dense_parallel(P2, stationary, r, Q, V, policy):
    """:func:`_solve_dense` with each step's states split over numba's threads.

    One parallel region per step: the states are taken in chunks of four (4 A rows, a
    multiple of four), so every chunk's rows fall in the same blocks of four rows as in
    ``_dot_rows`` (rows 4b..4b+3 of the step, and the last n % 4 rows one at a time), each
    dotted by the same ``_dot4`` / ``_dot1`` code; the maximum over actions runs in the same
    order. So Q, V and the policy equal the serial kernel's bit for bit, whatever the
    number of threads. The steps stay sequential (V_h needs V_{h+1}).
    """
    H, S, A = r.shape
    n = S * A
    n4 = n - n % 4
    q = np.empty(n)
    n_chunks = (S + 3) // 4
    for h in range(H - 1, -1, -1):
        row0 = 0 if stationary else h * n
        v = V[h + 1]
        r_h = r[h]
        Q_h = Q[h]
        V_h = V[h]
        pi_h = policy[h]
        for c in prange(n_chunks):
            s0 = 4 * c
            s1 = min(S, s0 + 4)
            j0 = s0 * A
            j1 = s1 * A
            j4 = min(j1, n4)
            for j in range(j0, j4, 4):  # j0 is a multiple of 4 and j4 - j0 too
                _dot4(P2, row0 + j, v, q, j)
            for j in range(max(j0, n4), j1):
                q[j] = _dot1(P2, row0 + j, v)
            for s in range(s0, s1):
                best = -np.inf
                arg = 0
                for a in range(A):
                    x = r_h[s, a] + q[s * A + a]
                    Q_h[s, a] = x
                    if x > best:  # strict: ties keep the lowest action
                        best = x
                        arg = a
                V_h[s] = best
                pi_h[s] = arg


@njit(cache=True, fastmath=FASTMATH, parallel=True)
def _backward_induction_csr_parallel(indptr, indices, data, stationary, r, Q, V):
    """:func:`_backward_induction_csr` with each step's rows and states split over threads
    (every row summed by the same loop in the same order: bit-identical to serial)."""
    H, S, A = r.shape
    n = S * A
    q = np.empty(n)
    for h in range(H - 1, -1, -1):
        row0 = 0 if stationary else h * n
        v = V[h + 1]
        for j in prange(n):
            acc = 0.0
            for k in range(indptr[row0 + j], indptr[row0 + j + 1]):
                acc += data[k] * v[indices[k]]
            q[j] = acc
        r_h = r[h]
        Q_h = Q[h]
        V_h = V[h]
        for s in prange(S):
            best = -np.inf
            for a in range(A):
                x = r_h[s, a] + q[s * A + a]
                Q_h[s, a] = x
                if x > best:
                    best = x
            V_h[s] = best


@njit(cache=True, fastmath=FASTMATH)
def _backward_induction_csr(indptr, indices, data, stationary, r, Q, V):
    H, S, A = r.shape
    n = S * A
    q = np.empty(n)
    for h in range(H - 1, -1, -1):
        _csr_dot_rows(indptr, indices, data, 0 if stationary else h * n, n, V[h + 1], q)
        _max_rows(r[h], 1.0, q, Q[h], V[h])


@njit(cache=True, fastmath=FASTMATH)
def _policy_backward_dense(P2, stationary, r, pi, Q, V):
    H, S, A = r.shape
    n = S * A
    q = np.empty(n)
    for h in range(H - 1, -1, -1):
        _dot_rows(P2, 0 if stationary else h * n, n, V[h + 1], q)
        _mean_rows(r[h], q, pi[h], Q[h], V[h])


@njit(cache=True, fastmath=FASTMATH)
def _policy_backward_csr(indptr, indices, data, stationary, r, pi, Q, V):
    H, S, A = r.shape
    n = S * A
    q = np.empty(n)
    for h in range(H - 1, -1, -1):
        _csr_dot_rows(indptr, indices, data, 0 if stationary else h * n, n, V[h + 1], q)
        _mean_rows(r[h], q, pi[h], Q[h], V[h])


# ----------------------------------------------------------------------------------------
# discounted backups
# ----------------------------------------------------------------------------------------
@njit(cache=True, fastmath=FASTMATH)
def _bellman_backup_dense(P2, r, gamma, V, Q_out, V_out):
    S, A = r.shape
    q = Q_out.reshape(S * A)
    _dot_rows(P2, 0, S * A, V, q)
    _max_rows(r, gamma, q, Q_out, V_out)


@njit(cache=True, fastmath=FASTMATH)
def _bellman_backup_dense_parallel(P2, r, gamma, V, Q_out, V_out):
    S, A = r.shape
    q = Q_out.reshape(S * A)
    _dot_rows_parallel(P2, S * A, V, q)
    _max_rows(r, gamma, q, Q_out, V_out)


@njit(cache=True, fastmath=FASTMATH)
def _bellman_backup_csr(indptr, indices, data, r, gamma, V, Q_out, V_out):
    S, A = r.shape
    q = Q_out.reshape(S * A)
    _csr_dot_rows(indptr, indices, data, 0, S * A, V, q)
    _max_rows(r, gamma, q, Q_out, V_out)


@njit(cache=True, fastmath=FASTMATH)
def _bellman_backup_csr_parallel(indptr, indices, data, r, gamma, V, Q_out, V_out):
    S, A = r.shape
    q = Q_out.reshape(S * A)
    _csr_dot_rows_parallel(indptr, indices, data, S * A, V, q)
    _max_rows(r, gamma, q, Q_out, V_out)


@njit(cache=True, fastmath=FASTMATH)
def _policy_backup_dense_det(P2, r, gamma, V, policy, V_out):
    S, A = r.shape
    for s in range(S):
        a = policy[s]
        V_out[s] = r[s, a] + gamma * _dot1(P2, s * A + a, V)


@njit(cache=True, fastmath=FASTMATH)
def _policy_backup_dense_stoch(P2, r, gamma, V, pi, V_out):
    S, A = r.shape
    for s in range(S):
        acc = 0.0
        for a in range(A):
            w = pi[s, a]
            if w != 0.0:
                acc += w * (r[s, a] + gamma * _dot1(P2, s * A + a, V))
        V_out[s] = acc


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _csr_row(indptr, indices, data, i, v):
    acc = 0.0
    for k in range(indptr[i], indptr[i + 1]):
        acc += data[k] * v[indices[k]]
    return acc


@njit(cache=True, fastmath=FASTMATH)
def _policy_backup_csr_det(indptr, indices, data, r, gamma, V, policy, V_out):
    S, A = r.shape
    for s in range(S):
        a = policy[s]
        V_out[s] = r[s, a] + gamma * _csr_row(indptr, indices, data, s * A + a, V)


@njit(cache=True, fastmath=FASTMATH)
def _policy_backup_csr_stoch(indptr, indices, data, r, gamma, V, pi, V_out):
    S, A = r.shape
    for s in range(S):
        acc = 0.0
        for a in range(A):
            w = pi[s, a]
            if w != 0.0:
                acc += w * (r[s, a] + gamma * _csr_row(indptr, indices, data, s * A + a, V))
        V_out[s] = acc


# ----------------------------------------------------------------------------------------
# input preparation (runs before any kernel sees the data)
# ----------------------------------------------------------------------------------------
def _f64(x, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    return np.ascontiguousarray(arr, dtype=np.float64)


def _i64(x, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an integer array, got dtype {arr.dtype}")
    return np.ascontiguousarray(arr, dtype=np.int64)


def _shape_error(name: str, got, want: str) -> ValueError:
    return ValueError(f"{name} has shape {tuple(got)}; expected {want}")


def dense_rows(P: np.ndarray, H: int | None = None) -> tuple[np.ndarray, bool]:
    """Rows of a dense kernel as a C-contiguous 2-d array, and whether it is stationary.

    ``P`` (S, A, S) -> ((S*A, S), True). ``P`` (H, S, A, S) whose step axis has stride 0
    (a broadcast stationary kernel, as :class:`FiniteHorizonMDP` stores it) or H = 1
    -> its (S*A, S) base, no copy; otherwise ((H*S*A, S), False), copied only if
    ``P`` is not C-contiguous.
    """
    P = np.asarray(P)
    if P.dtype.kind not in "fiub":
        raise TypeError(f"P must be a real numeric array, got dtype {P.dtype}")
    if P.ndim == 3:
        S, A, S2 = P.shape
        if S2 != S:
            raise _shape_error("P", P.shape, "(S, A, S)")
        return np.ascontiguousarray(P, dtype=np.float64).reshape(S * A, S), True
    if P.ndim != 4:
        raise ValueError(f"P must have 3 or 4 dimensions, got shape {P.shape}")
    H_, S, A, S2 = P.shape
    if S2 != S:
        raise _shape_error("P", P.shape, "(H, S, A, S)")
    if H is not None and H_ != H:
        raise _shape_error("P", P.shape, f"(H, S, A, S) with H = {H}")
    if H_ == 1 or P.strides[0] == 0:
        return np.ascontiguousarray(P[0], dtype=np.float64).reshape(S * A, S), True
    return np.ascontiguousarray(P, dtype=np.float64).reshape(H_ * S * A, S), False


def _fh_dense_args(P):
    """(rows, stationary, H or None, S, A) of a dense finite-horizon kernel."""
    P2, stationary = dense_rows(P)
    shape = np.shape(P)
    H = shape[0] if len(shape) == 4 else None
    return P2, stationary, H, shape[-1], shape[-2]


def _fh_rewards(r, H: int | None, S: int, A: int) -> np.ndarray:
    r = _f64(r, "r")
    if r.ndim == 2 and H is not None:
        r = np.ascontiguousarray(np.broadcast_to(r, (H, S, A)))
    if r.ndim != 3 or r.shape[1:] != (S, A) or (H is not None and r.shape[0] != H):
        raise _shape_error("r", r.shape, f"(H, S, A) = ({H}, {S}, {A})")
    return r


def _fh_csr_rewards(r, H) -> tuple[np.ndarray, int, int, int]:
    """Rewards (H, S, A) or (S, A) of a finite-horizon CSR call, and (H, S, A)."""
    r = _f64(r, "r")
    if r.ndim not in (2, 3):
        raise ValueError(f"r must be (H, S, A) or (S, A), got shape {r.shape}")
    S, A = r.shape[-2:]
    H = int(H)
    if H < 1:
        raise ValueError(f"H is {H}; must be >= 1")
    return _fh_rewards(r, H, S, A), H, S, A


def _check_csr(indptr, indices, data, n_rows: int, S: int, check: bool):
    """Types and shapes always (O(1)); with ``check`` also the O(nnz) content rules
    (indptr nondecreasing, successors in 0..S-1)."""
    indptr = _i64(indptr, "indptr")
    indices = _i64(indices, "indices")
    data = _f64(data, "data")
    if indptr.ndim != 1 or indptr.shape[0] != n_rows + 1:
        raise _shape_error("indptr", indptr.shape, f"({n_rows + 1},) (number of rows + 1)")
    if indices.ndim != 1 or data.shape != indices.shape:
        raise ValueError(f"indices {indices.shape} and data {data.shape} must be equal 1-d shapes")
    if indptr[0] != 0 or indptr[-1] != indices.shape[0]:
        raise ValueError("indptr must start at 0 and end at len(indices)")
    if check:
        if np.any(np.diff(indptr) < 0):
            raise ValueError("indptr must be nondecreasing")
        if indices.size and (indices.min() < 0 or indices.max() >= S):
            k = int(np.argmax((indices < 0) | (indices >= S)))
            raise ValueError(f"indices[{k}] is {indices[k]}; must be in {{0, ..., {S - 1}}}")
    return indptr, indices, data


def _check_policy_fh(pi, H: int, S: int, A: int) -> np.ndarray:
    pi = _f64(pi, "pi")
    if pi.shape == (S, A):
        pi = np.ascontiguousarray(np.broadcast_to(pi, (H, S, A)))
    if pi.shape != (H, S, A):
        raise _shape_error("pi", pi.shape, f"(H, S, A) = ({H}, {S}, {A}) or (S, A)")
    return pi


def _check_parallel(parallel) -> bool:
    if not isinstance(parallel, (bool, np.bool_)):
        raise TypeError(f"parallel must be True or False, got {parallel!r}")
    return bool(parallel)


def _check_gamma(gamma) -> float:
    gamma = float(gamma)
    if not (0.0 <= gamma < 1.0):
        raise ValueError(f"gamma is {gamma}; must lie in [0, 1)")
    return gamma


def _check_vec(V, name: str, S: int) -> np.ndarray:
    V = _f64(V, name)
    if V.shape != (S,):
        raise _shape_error(name, V.shape, f"(S,) = ({S},)")
    return V


def _check_out(arr, name: str, shape: tuple[int, ...]) -> None:
    if not isinstance(arr, np.ndarray) or arr.dtype != np.float64:
        raise TypeError(f"{name} must be a float64 numpy array")
    if arr.shape != shape:
        raise _shape_error(name, arr.shape, str(shape))
    if not (arr.flags.c_contiguous and arr.flags.writeable):
        raise ValueError(f"{name} must be C-contiguous and writeable")


# ----------------------------------------------------------------------------------------
# public wrappers: finite horizon
# ----------------------------------------------------------------------------------------
def backward_induction_dense(
    P: np.ndarray, r: np.ndarray, parallel: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Q* (H, S, A) and V* (H+1, S) by backward induction over a dense kernel.

    ``P`` is (H, S, A, S) -- a stride-0 broadcast view of a stationary kernel is
    detected and its (S, A, S) base used without a copy -- or (S, A, S) (stationary);
    ``r`` is (H, S, A) (it fixes H when ``P`` is (S, A, S)).
    Q*_h = r_h + P_h V*_{h+1}, V*_h = max_a Q*_h, V*_H = 0 (Puterman 1994, Sec. 4.5).
    ``parallel=True`` splits each step's rows and states over numba's threads; the result
    is bit-identical to the serial one (see :func:`solve_dense`).

    Reference: :func:`mdplab.kernels.reference.backward_induction_ref`.
    """
    parallel = _check_parallel(parallel)
    P2, stationary, H, S, A = _fh_dense_args(P)
    r = _fh_rewards(r, H, S, A)
    if parallel:
        Q, V, _ = solve_dense(P2, stationary, r, parallel=True)
        return Q, V
    H = r.shape[0]
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    _backward_induction_dense(P2, stationary, r, Q, V)
    return Q, V


def kernel_arrays_dense(P: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, bool, np.ndarray]:
    """The arrays the dense finite-horizon kernels read: (rows of P, stationary, r (H,S,A)).

    Planners compute them once per (immutable) model and pass them to :func:`solve_dense`.
    """
    P2, stationary, H, S, A = _fh_dense_args(P)
    return P2, stationary, _fh_rewards(r, H, S, A)


def solve_dense(P2: np.ndarray, stationary: bool, r: np.ndarray, parallel: bool = False
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Q* (H,S,A), V* (H+1,S) and the greedy policy (H,S) (ties to the lowest action) from
    the output of :func:`kernel_arrays_dense`, in one compiled call.

    ``parallel=True`` runs each step on all numba threads: the step's rows are dotted with
    V_{h+1} in the same blocks of four rows as the serial kernel, by the same code, and the
    maximum over actions is taken state by state, so Q, V and the policy are bit-identical
    to the serial result for any number of threads. The steps themselves are sequential.
    Kernels with fewer than ``PARALLEL_MIN_ENTRIES`` entries per step (S*A*S) run serially
    (the same result): their steps are too short to pay for waking the threads.
    Backward induction is memory-bound (each step reads P once): measured at S = 2000,
    A = 10, H = 50 on 2 shared cores (benchmarks/planning.py, table 6), 0.75x to 0.8x of
    the serial time with the second core mostly free, no gain when it is busy.

    Reference: :func:`mdplab.kernels.reference.backward_induction_ref` and ``np.argmax``.
    """
    parallel = _check_parallel(parallel) and P2.shape[1] * r.shape[1] * r.shape[2] >= (
        PARALLEL_MIN_ENTRIES)
    H, S, A = r.shape
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    policy = np.empty((H, S), dtype=np.int64)
    (_solve_dense_parallel if parallel else _solve_dense)(P2, stationary, r, Q, V, policy)
    return Q, V, policy


def backward_induction_csr(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    r: np.ndarray,
    H: int,
    stationary: bool,
    check: bool = True,
    parallel: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Q* (H, S, A) and V* (H+1, S) by backward induction over a CSR kernel.

    Rows of the CSR triple are the flattened (s, a) (``stationary``, S*A rows) or
    (h, s, a) (H*S*A rows) indices; ``r`` is (H, S, A) or (S, A).
    ``check=True`` also verifies the O(nnz) content rules (indptr nondecreasing, successors
    in 0..S-1) before the kernel runs; pass ``check=False`` for the arrays of a
    :class:`~mdplab.models.sparse.SparseTransitions`, which were validated at construction
    (the check reads ``indices`` once more: about a third of the backup's time).
    ``parallel=True`` splits each step's rows and states over numba's threads (each row
    summed by the same loop in the same order: bit-identical to the serial result); small
    kernels run serially, as in :func:`solve_dense`.

    Reference: :func:`mdplab.kernels.reference.backward_induction_csr_ref`.
    """
    parallel = _check_parallel(parallel)
    r, H, S, A = _fh_csr_rewards(r, H)
    n_rows = S * A if stationary else H * S * A
    indptr, indices, data = _check_csr(indptr, indices, data, n_rows, S, check)
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    per_step = indices.shape[0] if stationary else indices.shape[0] // H
    if per_step * A < PARALLEL_MIN_ENTRIES // 8:  # ~ the dense rule in bytes read per step
        parallel = False
    kernel = _backward_induction_csr_parallel if parallel else _backward_induction_csr
    kernel(indptr, indices, data, bool(stationary), r, Q, V)
    return Q, V


def policy_backward_dense(
    P: np.ndarray, r: np.ndarray, pi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Q^pi (H, S, A), V^pi (H+1, S) of a stochastic policy ``pi`` (H, S, A) (or (S, A)).

    Q^pi_h = r_h + P_h V^pi_{h+1},  V^pi_h(s) = sum_a pi_h(a|s) Q^pi_h(s, a),  V^pi_H = 0.
    ``P`` and ``r`` as in :func:`backward_induction_dense`.

    Reference: :func:`mdplab.kernels.reference.policy_backward_ref`.
    """
    P2, stationary, H, S, A = _fh_dense_args(P)
    r = _fh_rewards(r, H, S, A)
    H = r.shape[0]
    pi = _check_policy_fh(pi, H, S, A)
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    _policy_backward_dense(P2, stationary, r, pi, Q, V)
    return Q, V


def policy_backward_csr(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    r: np.ndarray,
    pi: np.ndarray,
    H: int,
    stationary: bool,
    check: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`policy_backward_dense` for a CSR kernel (rows as in :func:`backward_induction_csr`).
    ``check`` as in :func:`backward_induction_csr`.

    Reference: :func:`mdplab.kernels.reference.policy_backward_csr_ref`.
    """
    r, H, S, A = _fh_csr_rewards(r, H)
    pi = _check_policy_fh(pi, H, S, A)
    n_rows = S * A if stationary else H * S * A
    indptr, indices, data = _check_csr(indptr, indices, data, n_rows, S, check)
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    _policy_backward_csr(indptr, indices, data, bool(stationary), r, pi, Q, V)
    return Q, V


# ----------------------------------------------------------------------------------------
# public wrappers: discounted
# ----------------------------------------------------------------------------------------
def _discounted_dense_args(P, r, gamma, V):
    P2, _ = dense_rows(P)
    if np.asarray(P).ndim != 3:
        raise ValueError(f"P must be (S, A, S) for a discounted backup, got shape {np.shape(P)}")
    S = P2.shape[1]
    A = P2.shape[0] // S
    r = _f64(r, "r")
    if r.shape != (S, A):
        raise _shape_error("r", r.shape, f"(S, A) = ({S}, {A})")
    return P2, r, _check_gamma(gamma), _check_vec(V, "V", S), S, A


def _discounted_csr_args(indptr, indices, data, r, gamma, V, check):
    r = _f64(r, "r")
    if r.ndim != 2:
        raise ValueError(f"r must be (S, A), got shape {r.shape}")
    S, A = r.shape
    indptr, indices, data = _check_csr(indptr, indices, data, S * A, S, check)
    return indptr, indices, data, r, _check_gamma(gamma), _check_vec(V, "V", S), S, A


def bellman_backup_dense(
    P: np.ndarray,
    r: np.ndarray,
    gamma: float,
    V: np.ndarray,
    Q_out: np.ndarray | None = None,
    V_out: np.ndarray | None = None,
    parallel: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Discounted Bellman optimality backup over a dense kernel.

    Q_out[s, a] = r[s, a] + gamma sum_{s'} P[s, a, s'] V[s'],  V_out[s] = max_a Q_out[s, a].
    ``P`` (S, A, S), ``r`` (S, A), ``V`` (S,); ``Q_out`` (S, A) and ``V_out`` (S,) are
    written in place when given (C-contiguous float64), else allocated. Returns
    (Q_out, V_out). ``parallel=True`` splits the rows over numba's threads (same result
    bit for bit whatever the thread count). The backup is memory-bound (one pass over P);
    measured at S=2000, A=10 on 2 cores: serial 1.03x the time of ``P.sum()``, parallel
    0.5x when the second core is idle but slower than serial when it is busy. The solvers
    use the serial kernels (experiments parallelise over processes instead).

    Reference: :func:`mdplab.kernels.reference.bellman_backup_ref`.
    """
    P2, r, gamma, V, S, A = _discounted_dense_args(P, r, gamma, V)
    Q_out = np.empty((S, A)) if Q_out is None else Q_out
    V_out = np.empty(S) if V_out is None else V_out
    _check_out(Q_out, "Q_out", (S, A))
    _check_out(V_out, "V_out", (S,))
    kernel = _bellman_backup_dense_parallel if parallel else _bellman_backup_dense
    kernel(P2, r, gamma, V, Q_out, V_out)
    return Q_out, V_out


def bellman_backup_csr(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    r: np.ndarray,
    gamma: float,
    V: np.ndarray,
    Q_out: np.ndarray | None = None,
    V_out: np.ndarray | None = None,
    parallel: bool = False,
    check: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`bellman_backup_dense` for a CSR kernel with S*A rows (row = s*A + a).
    ``check=True`` also verifies the O(nnz) content rules (indptr nondecreasing, successors
    in 0..S-1) before the kernel runs; pass ``check=False`` for the arrays of a
    :class:`~mdplab.models.sparse.SparseTransitions`, which were validated at construction
    (the check reads ``indices`` once more: about a third of the backup's time).

    Reference: :func:`mdplab.kernels.reference.bellman_backup_csr_ref`.
    """
    indptr, indices, data, r, gamma, V, S, A = _discounted_csr_args(
        indptr, indices, data, r, gamma, V, check
    )
    Q_out = np.empty((S, A)) if Q_out is None else Q_out
    V_out = np.empty(S) if V_out is None else V_out
    _check_out(Q_out, "Q_out", (S, A))
    _check_out(V_out, "V_out", (S,))
    kernel = _bellman_backup_csr_parallel if parallel else _bellman_backup_csr
    kernel(indptr, indices, data, r, gamma, V, Q_out, V_out)
    return Q_out, V_out


def _check_discounted_policy(policy, S: int, A: int) -> tuple[np.ndarray, bool]:
    pol = np.asarray(policy)
    if pol.dtype.kind in "iu":
        pol = np.ascontiguousarray(pol, dtype=np.int64)
        if pol.shape != (S,):
            raise _shape_error("policy", pol.shape, f"(S,) = ({S},) for a deterministic policy")
        if pol.size and (pol.min() < 0 or pol.max() >= A):
            s = int(np.argmax((pol < 0) | (pol >= A)))
            raise ValueError(f"policy[{s}] is {pol[s]}; must be in {{0, ..., {A - 1}}}")
        return pol, True
    pol = _f64(pol, "policy")
    if pol.shape != (S, A):
        raise _shape_error("policy", pol.shape, f"(S, A) = ({S}, {A}) for a stochastic policy")
    return pol, False


def policy_backup_dense(
    P: np.ndarray,
    r: np.ndarray,
    gamma: float,
    V: np.ndarray,
    policy: np.ndarray,
    V_out: np.ndarray | None = None,
) -> np.ndarray:
    """Policy-restricted backup (T_pi V)(s) = sum_a pi(a|s) (r[s, a] + gamma P[s, a] . V).

    ``policy`` is deterministic (S,) int (one row of P per state is read) or stochastic
    (S, A) float (rows with pi(a|s) = 0 are skipped). Returns ``V_out`` (S,).

    Reference: :func:`mdplab.kernels.reference.policy_backup_ref`.
    """
    P2, r, gamma, V, S, A = _discounted_dense_args(P, r, gamma, V)
    pol, det = _check_discounted_policy(policy, S, A)
    V_out = np.empty(S) if V_out is None else V_out
    _check_out(V_out, "V_out", (S,))
    if det:
        _policy_backup_dense_det(P2, r, gamma, V, pol, V_out)
    else:
        _policy_backup_dense_stoch(P2, r, gamma, V, pol, V_out)
    return V_out


def policy_backup_csr(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    r: np.ndarray,
    gamma: float,
    V: np.ndarray,
    policy: np.ndarray,
    V_out: np.ndarray | None = None,
    check: bool = True,
) -> np.ndarray:
    """:func:`policy_backup_dense` for a CSR kernel with S*A rows (row = s*A + a).
    ``check`` as in :func:`bellman_backup_csr`.

    Reference: :func:`mdplab.kernels.reference.policy_backup_csr_ref`.
    """
    indptr, indices, data, r, gamma, V, S, A = _discounted_csr_args(
        indptr, indices, data, r, gamma, V, check
    )
    pol, det = _check_discounted_policy(policy, S, A)
    V_out = np.empty(S) if V_out is None else V_out
    _check_out(V_out, "V_out", (S,))
    if det:
        _policy_backup_csr_det(indptr, indices, data, r, gamma, V, pol, V_out)
    else:
        _policy_backup_csr_stoch(indptr, indices, data, r, gamma, V, pol, V_out)
    return V_out


# ----------------------------------------------------------------------------------------
# greedy actions
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def _greedy_actions(Q2, out):
    n, A = Q2.shape
    for i in range(n):
        best = Q2[i, 0]
        arg = 0
        for a in range(1, A):
            if Q2[i, a] > best:  # strict: ties keep the lowest index
                best = Q2[i, a]
                arg = a
        out[i] = arg


def greedy_actions(Q: np.ndarray) -> np.ndarray:
    """argmax over the last axis of Q (..., A) as int64 (...), ties to the lowest index.

    Reference: ``np.argmax(Q, axis=-1)`` (:func:`mdplab.kernels.reference.greedy_actions_ref`).
    A NaN in Q is never selected unless it is in column 0 (numpy would return the NaN's index);
    the models reject NaN before any Q is computed.
    """
    Q = np.ascontiguousarray(Q, dtype=np.float64)
    if Q.ndim < 1 or Q.shape[-1] < 1:
        raise ValueError(f"Q must have a non-empty last (action) axis, got shape {Q.shape}")
    out = np.empty(Q.shape[:-1], dtype=np.int64)
    _greedy_actions(Q.reshape(-1, Q.shape[-1]), out.reshape(-1))
    return out
