r"""Certified error bounds for approximate discounted values, round-off included.

For any value vector W (S,), the Bellman optimality operator T of a discounted MDP
(P, r, gamma), ``(T W)(s) = max_a r(s, a) + gamma sum_{s'} P(s'|s, a) W(s')``, is a
beta-contraction in the sup norm with ``beta = gamma max_{s,a} sum_{s'} |P(s'|s, a)|``
(beta = gamma for an exactly stochastic P), so its fixed point V* satisfies
(Puterman 1994, Prop. 6.2.4 / Thm 6.3.1)

.. math:: \|W - V^*\|_\infty \le \frac{\|T W - W\|_\infty}{1 - \beta}.

:func:`certified_error_bound` evaluates the right-hand side so that floating-point
round-off cannot make it too small: the residual T W - W is computed in double-double
arithmetic with error-free transformations (TwoSum, Dekker's TwoProduct; Ogita, Rump &
Oishi 2005, "Accurate sum and dot product", SIAM J. Sci. Comput. 26(6), Alg. 5.3), so the
computed residual e_hat satisfies, per state, with u = 2^-53 and n the largest number of
successors of a row,

.. math:: |\hat e(s) - e(s)| \le u |\hat e(s)| + 2\gamma((n+3)u)^2 \rho \|W\|_\infty
          + 6u^2(\|r\|_\infty + \rho\|W\|_\infty + \|W\|_\infty)\,[\gamma > 0],

with ``rho = max_{s,a} sum_{s'} |P(s'|s, a)|`` (computed and rounded upward); every
remaining operation on the bound is rounded upward. The bound is 0 only if T W = W
exactly, i.e. W = V*.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core.extending import intrinsic

from ..models.discounted import DiscountedMDP

__all__ = ["certified_error_bound"]

#: unit round-off of float64
U = 2.0**-53


# Error-free transformations. Compiled without fastmath: no re-association, no FMA
# contraction, so each returns the exact rounding error.
@njit(cache=True, inline="always")
def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


@njit(cache=True, inline="always")
def _fast_two_sum(a, b):  # requires |a| >= |b| or a == 0
    s = a + b
    return s, b - (s - a)


@intrinsic
def _fma(typingctx, a, b, c):
    """a * b + c with a single rounding (LLVM's llvm.fma: the FMA instruction, or the
    correctly rounded libm fma where the CPU has none)."""
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, signature, args):
        d = ir.DoubleType()
        fn = builder.module.declare_intrinsic("llvm.fma", [d], ir.FunctionType(d, [d, d, d]))
        return builder.call(fn, args)

    return sig, codegen


@njit(cache=True, inline="always")
def _two_prod(a, b):
    p = a * b
    return p, _fma(a, b, -p)


@njit(cache=True, inline="always")
def _q_dd(r_sa, gamma, hi, lo):
    """Double-double r + gamma (hi + lo), normalised."""
    gh, gl = _two_prod(gamma, hi)
    gl = gl + gamma * lo
    qh, e = _two_sum(r_sa, gh)
    ql = e + gl
    return _fast_two_sum(qh, ql) if abs(qh) >= abs(ql) else _fast_two_sum(ql, qh)


@njit(cache=True, inline="always")
def _residual_of_state(r, gamma, s, A, his, los, W):
    # max over a of the double-double Q (lexicographic comparison of normalised pairs)
    bh, bl = _q_dd(r[s, 0], gamma, his[0], los[0])
    for a in range(1, A):
        qh, ql = _q_dd(r[s, a], gamma, his[a], los[a])
        if qh > bh or (qh == bh and ql > bl):
            bh, bl = qh, ql
    h, t = _two_sum(bh, -W[s])
    return h + (t + bl)


@njit(cache=True, inline="always")
def _dot2_lane(x, y, hi, lo):
    ph, pl = _two_prod(x, y)
    hi, e = _two_sum(hi, ph)
    return hi, lo + (e + pl)


@njit(cache=True, inline="always")
def _row_dd(P2, i, W, n, n4):
    """Double-double P2[i] . W in four interleaved lanes (independent chains the CPU
    overlaps), merged exactly by TwoSum; returns (hi, lo, sum_j |P2[i, j]|)."""
    h0 = h1 = h2 = h3 = 0.0
    l0 = l1 = l2 = l3 = 0.0
    m0 = m1 = m2 = m3 = 0.0
    for j in range(0, n4, 4):
        p0 = P2[i, j]
        p1 = P2[i, j + 1]
        p2 = P2[i, j + 2]
        p3 = P2[i, j + 3]
        h0, l0 = _dot2_lane(p0, W[j], h0, l0)
        h1, l1 = _dot2_lane(p1, W[j + 1], h1, l1)
        h2, l2 = _dot2_lane(p2, W[j + 2], h2, l2)
        h3, l3 = _dot2_lane(p3, W[j + 3], h3, l3)
        m0 += abs(p0)
        m1 += abs(p1)
        m2 += abs(p2)
        m3 += abs(p3)
    for j in range(n4, n):
        p0 = P2[i, j]
        h0, l0 = _dot2_lane(p0, W[j], h0, l0)
        m0 += abs(p0)
    hi, e1 = _two_sum(h0, h1)
    hi, e2 = _two_sum(hi, h2)
    hi, e3 = _two_sum(hi, h3)
    lo = ((l0 + l1) + (l2 + l3)) + ((e1 + e2) + e3)
    return hi, lo, (m0 + m1) + (m2 + m3)


@njit(cache=True, inline="always")
def _state_dense(P2, r, gamma, W, s, his, los):
    """res(s) of the dense kernel and max_a sum_j |P2[s*A + a, j]|."""
    A = r.shape[1]
    n = P2.shape[1]
    n4 = n - n % 4
    rho = 0.0
    for a in range(A):
        hi, lo, mass = _row_dd(P2, s * A + a, W, n, n4)
        his[a] = hi
        los[a] = lo
        rho = max(rho, mass)
    return _residual_of_state(r, gamma, s, A, his, los, W), rho


@njit(cache=True)
def _residual_dense(P2, r, gamma, W, res):
    """res[s] = (T W - W)(s) in double-double, rounded once; returns max_i sum_j |P2[i, j]|."""
    S, A = r.shape
    his = np.empty(A)
    los = np.empty(A)
    rho = 0.0
    for s in range(S):
        res[s], m = _state_dense(P2, r, gamma, W, s, his, los)
        rho = max(rho, m)
    return rho


@njit(cache=True, parallel=True)
def _residual_dense_parallel(P2, r, gamma, W, res, mass):
    """:func:`_residual_dense` with the states split over numba's threads: each state is
    computed by the same code in the same order, and the maximum of the row masses is
    exact in any order, so the result is bit-identical to the serial one."""
    S, A = r.shape
    for s in prange(S):
        his = np.empty(A)
        los = np.empty(A)
        res[s], mass[s] = _state_dense(P2, r, gamma, W, s, his, los)
    return mass.max()


@njit(cache=True, inline="always")
def _row_mass(P2, i, n, n4):
    """sum_j |P2[i, j]| in the lane order of :func:`_row_dd` (the same float)."""
    m0 = m1 = m2 = m3 = 0.0
    for j in range(0, n4, 4):
        m0 += abs(P2[i, j])
        m1 += abs(P2[i, j + 1])
        m2 += abs(P2[i, j + 2])
        m3 += abs(P2[i, j + 3])
    for j in range(n4, n):
        m0 += abs(P2[i, j])
    return (m0 + m1) + (m2 + m3)


@njit(cache=True, parallel=True)
def _max_row_mass_parallel(P2, mass):
    n = P2.shape[1]
    n4 = n - n % 4
    for i in prange(P2.shape[0]):
        mass[i] = _row_mass(P2, i, n, n4)
    return mass.max()


@njit(cache=True)
def _max_row_mass_serial(P2):
    n = P2.shape[1]
    n4 = n - n % 4
    rho = 0.0
    for i in range(P2.shape[0]):
        rho = max(rho, _row_mass(P2, i, n, n4))
    return rho


def max_row_mass(P2: np.ndarray, parallel: bool = False) -> float:
    """rho = max_i sum_j |P2[i, j]| of a dense (R, S) kernel, summed in the lane order
    the double-double residual uses (so the same float as the one it returns)."""
    if P2.shape[0] == 0:
        return 0.0
    if parallel:
        return float(_max_row_mass_parallel(P2, np.empty(P2.shape[0])))
    return float(_max_row_mass_serial(P2))


@njit(cache=True, inline="always")
def _state_dense_pruned(P2, r, gamma, W, s, Qf, margin, his, los):
    """res(s) as :func:`_state_dense`, with the double-double dot products computed only for
    the actions whose float Q is within ``margin`` of the state's largest float Q. With
    margin >= 4 x a bound on the float Q's error, every skipped action's exact Q (and so
    its double-double Q) is below the kept maximiser's, so the maximum -- and res(s) -- is
    the same float pair as with every action evaluated."""
    A = r.shape[1]
    n = P2.shape[1]
    n4 = n - n % 4
    best = Qf[s, 0]
    for a in range(1, A):
        if Qf[s, a] > best:
            best = Qf[s, a]
    bh = -np.inf
    bl = 0.0
    first = True
    for a in range(A):
        if Qf[s, a] < best - margin:
            continue
        hi, lo, _ = _row_dd(P2, s * A + a, W, n, n4)
        qh, ql = _q_dd(r[s, a], gamma, hi, lo)
        if first or qh > bh or (qh == bh and ql > bl):
            bh, bl = qh, ql
            first = False
    h, t = _two_sum(bh, -W[s])
    return h + (t + bl)


@njit(cache=True)
def _residual_dense_pruned(P2, r, gamma, W, Qf, margin, res):
    """res as :func:`_residual_dense`, by :func:`_state_dense_pruned`."""
    S, A = r.shape
    his = np.empty(A)
    los = np.empty(A)
    for s in range(S):
        res[s] = _state_dense_pruned(P2, r, gamma, W, s, Qf, margin, his, los)


@njit(cache=True, parallel=True)
def _residual_dense_pruned_parallel(P2, r, gamma, W, Qf, margin, res):
    """:func:`_residual_dense_pruned` over numba's threads (bit-identical)."""
    S, A = r.shape
    for s in prange(S):
        his = np.empty(A)
        los = np.empty(A)
        res[s] = _state_dense_pruned(P2, r, gamma, W, s, Qf, margin, his, los)


@njit(cache=True, inline="always")
def _state_csr(indptr, indices, data, r, gamma, W, s, his, los):
    A = r.shape[1]
    rho = 0.0
    for a in range(A):
        i = s * A + a
        hi = 0.0
        lo = 0.0
        m = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            p = data[k]
            ph, pl = _two_prod(p, W[indices[k]])
            hi, e = _two_sum(hi, ph)
            lo += e + pl
            m += abs(p)
        his[a] = hi
        los[a] = lo
        rho = max(rho, m)
    return _residual_of_state(r, gamma, s, A, his, los, W), rho


@njit(cache=True)
def _residual_csr(indptr, indices, data, r, gamma, W, res):
    """As :func:`_residual_dense` for a CSR kernel."""
    S, A = r.shape
    his = np.empty(A)
    los = np.empty(A)
    rho = 0.0
    for s in range(S):
        res[s], m = _state_csr(indptr, indices, data, r, gamma, W, s, his, los)
        rho = max(rho, m)
    return rho


@njit(cache=True, parallel=True)
def _residual_csr_parallel(indptr, indices, data, r, gamma, W, res, mass):
    """:func:`_residual_csr` over numba's threads (bit-identical, as the dense one)."""
    S, A = r.shape
    for s in prange(S):
        his = np.empty(A)
        los = np.empty(A)
        res[s], mass[s] = _state_csr(indptr, indices, data, r, gamma, W, s, his, los)
    return mass.max()


def _up(x: float, k: int = 1) -> float:
    """x rounded upward by at least k ulps' worth of relative error (x >= 0)."""
    return x * (1.0 + 4.0 * k * U) + 5e-324 * (x > 0)


def residual_and_bound(P2, csr, r: np.ndarray, gamma: float, W: np.ndarray,
                       parallel: bool = False, Q: np.ndarray | None = None,
                       rho: float | None = None) -> tuple[float, float]:
    """(||T W - W||_inf as computed, the certified bound on ||W - V*||_inf).

    ``P2`` is the dense (S*A, S) kernel or None, ``csr`` = (indptr, indices, data) or None.
    ``parallel`` splits the states over numba's threads (bit-identical results).
    ``Q`` (S, A), optional, dense kernels only: r + gamma P W as computed in float64 by
    any summation order (e.g. :meth:`BellmanOperators.q_values`). Its error is at most
    eps = (n + 4) u (||r|| + gamma rho ||W||) (Higham 2002, Sec. 3.1, any order, with or
    without FMA); actions whose Q is more than 8 eps below their state's best are then
    skipped by the double-double evaluation, which cannot change its maximum (see
    :func:`_state_dense_pruned`): the same residual and bound, bit for bit, at about 1/A
    of the double-double work. ``rho``, optional with ``Q``: :func:`max_row_mass` (P2),
    if the caller keeps it (the kernel is immutable).
    """
    S, A = r.shape
    W = np.ascontiguousarray(W, dtype=np.float64)
    res = np.empty(S)
    if csr is None and Q is not None and S > 0:
        Q = np.ascontiguousarray(Q, dtype=np.float64)
        n = P2.shape[1]
        if rho is None:
            rho = max_row_mass(P2, parallel)
        W_max = float(np.max(np.abs(W)))
        r_max = float(np.max(np.abs(r)))
        eps = _up((n + 4) * U * (r_max + gamma * _up(rho, n + 1) * W_max), 4)
        if Q.shape == (S, A) and math.isfinite(eps) and np.isfinite(Q).all():
            kernel = _residual_dense_pruned_parallel if parallel else _residual_dense_pruned
            kernel(P2, r, gamma, W, Q, 8.0 * eps + 1e-300, res)
            return _bound(res, rho, n, r, gamma, W)
    if csr is None:
        if parallel and S > 0:
            rho = _residual_dense_parallel(P2, r, gamma, W, res, np.empty(S))
        else:
            rho = _residual_dense(P2, r, gamma, W, res)
        n = P2.shape[1]
    else:
        indptr, indices, data = csr
        if parallel and S > 0:
            rho = _residual_csr_parallel(indptr, indices, data, r, gamma, W, res, np.empty(S))
        else:
            rho = _residual_csr(indptr, indices, data, r, gamma, W, res)
        n = int(np.max(np.diff(indptr))) if indptr.shape[0] > 1 else 0
    return _bound(res, rho, n, r, gamma, W)


def _bound(res, rho, n, r, gamma, W) -> tuple[float, float]:
    """(max |res|, the certified bound) from the double-double residuals ``res``, the
    largest row mass ``rho`` and the largest row length ``n``."""
    e_max = float(np.max(np.abs(res)))
    if not math.isfinite(e_max):
        return e_max, math.inf
    rho_up = _up(rho, n + 1)
    W_max = float(np.max(np.abs(W)))
    r_max = float(np.max(np.abs(r)))
    allowance = U * e_max
    if gamma > 0.0:
        allowance += 2.0 * gamma * ((n + 3) * U) ** 2 * rho_up * W_max
        allowance += 6.0 * U * U * (r_max + rho_up * W_max + W_max)
    beta_up = _up(gamma * rho_up)
    if beta_up >= 1.0:
        return e_max, math.inf
    denominator = (1.0 - beta_up) * (1.0 - 2.0 * U)
    return e_max, _up(_up(e_max + allowance, 2) / denominator, 2)


def certified_error_bound(mdp: DiscountedMDP, V: np.ndarray) -> float:
    r"""A bound on ||V - V*||_inf that holds in floating point, for any values ``V``.

    :math:`\|V - V^*\|_\infty \le \|T V - V\|_\infty / (1 - \beta)` with
    ``beta = gamma max_{s,a} sum_{s'} |P(s'|s, a)|`` (Puterman 1994, Prop. 6.2.4), the
    residual evaluated in double-double arithmetic and every round-off term bounded (see
    the module docstring). 0 only when ``V`` is exactly the fixed point.

    Parameters
    ----------
    mdp : DiscountedMDP (dense or sparse)
    V : (S,) finite values.

    Returns
    -------
    float >= 0 (``inf`` if V is not finite).
    """
    from .._validation import as_float_array, check_shape
    from .discounted_vi import BellmanOperators, require_discounted

    require_discounted(mdp, "certified_error_bound")
    V = as_float_array(V, "V", ndim=1)
    check_shape(V, "V", (mdp.shape[0],))
    ops = BellmanOperators(mdp)
    return ops.certify(V)[1]
