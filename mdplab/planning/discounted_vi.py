"""Value iteration for discounted MDPs with the MacQueen span stopping rule.

Also holds what the iterative discounted solvers share: input checks, the Bellman
operators bound to one model (dense or CSR numba kernels, validated once) and the
MacQueen (1966) bias correction.
"""

from __future__ import annotations

import math
import numbers
import warnings
import weakref
from typing import Any

import numpy as np

from .._validation import as_float_array, check_positive_int
from ..kernels.bellman import greedy_actions as greedy
from ..models.discounted import DiscountedMDP
from .results import DiscountedSolution

__all__ = ["value_iteration"]


# ----------------------------------------------------------------------------------------
# shared helpers
# ----------------------------------------------------------------------------------------
def require_discounted(mdp: object, fn: str) -> None:
    if not isinstance(mdp, DiscountedMDP):
        raise TypeError(f"{fn}: mdp must be a DiscountedMDP, got {type(mdp).__name__}")


def check_tol(tol) -> float:
    """A finite tolerance > 0."""
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real):
        raise TypeError(f"tol must be a real number, got {tol!r}")
    tol = float(tol)
    if not (math.isfinite(tol) and tol > 0.0):
        raise ValueError(f"tol is {tol}; must be a finite number > 0")
    return tol


def initial_values(V0, S: int, default: float = 0.0) -> np.ndarray:
    """V0 as a fresh float64 (S,) array (``None`` -> constant ``default``)."""
    if V0 is None:
        return np.full(S, float(default))
    V0 = as_float_array(V0, "V0", ndim=1)
    if V0.shape != (S,):
        raise ValueError(f"V0 has shape {V0.shape}; expected (S,) = ({S},)")
    return V0


#: max_{s,a} sum_{s'} |P(s'|s,a)| of each dense model, for its certificates (models are
#: immutable)
_ROW_MASS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class BellmanOperators:
    """The Bellman operators of one discounted MDP, bound to its (dense or CSR) kernel.

    The arrays are prepared once; each call goes straight to a numba kernel of
    :mod:`mdplab.kernels.bellman`.
    """

    def __init__(self, mdp: DiscountedMDP, parallel: bool = False):
        from ..kernels import bellman as kb

        if not isinstance(parallel, (bool, np.bool_)):
            raise TypeError(f"parallel must be True or False, got {parallel!r}")
        self.parallel = bool(parallel)

        self._mdp = mdp
        self.S, self.A = mdp.shape
        self.gamma = mdp.gamma
        self.r = np.ascontiguousarray(mdp.r)
        self._kb = kb
        if mdp.is_sparse:
            T = mdp.P_sparse
            self._csr = (T.indptr, T.indices, T.data)
            self._P2 = None
        else:
            self._csr = None
            self._P2, _ = kb.dense_rows(mdp.P)

    def optimal(self, V: np.ndarray, Q_out: np.ndarray, V_out: np.ndarray) -> None:
        """Q_out = r + gamma P V (S, A), V_out = (T V) = max_a Q_out (S,), in place."""
        kb = self._kb
        if self._csr is None:
            if self.parallel:
                kernel = kb._bellman_backup_dense_parallel
            else:
                kernel = kb._bellman_backup_dense
            kernel(self._P2, self.r, self.gamma, V, Q_out, V_out)
        else:
            kernel = kb._bellman_backup_csr_parallel if self.parallel else kb._bellman_backup_csr
            kernel(*self._csr, self.r, self.gamma, V, Q_out, V_out)

    def policy(self, V: np.ndarray, policy: np.ndarray, V_out: np.ndarray) -> None:
        """V_out = T_pi V for a deterministic int64 policy (S,), in place."""
        if self._csr is None:
            self._kb._policy_backup_dense_det(self._P2, self.r, self.gamma, V, policy, V_out)
        else:
            self._kb._policy_backup_csr_det(*self._csr, self.r, self.gamma, V, policy, V_out)

    def policy_operator(self, policy: np.ndarray):
        """T_pi for a fixed deterministic int64 policy (S,), for many applications.

        Returns ``apply(V, V_out)`` computing V_out = r_pi + gamma P_pi V in place. For a
        dense kernel P_pi (S, S) is gathered once into a contiguous block, so repeated
        applications read S^2 cached floats instead of S scattered rows of P (the rows
        and their dot products are the same, so the values equal :meth:`policy`'s).
        """
        kb = self._kb
        if self._csr is not None:
            csr, r, gamma = self._csr, self.r, self.gamma
            return lambda V, V_out: kb._policy_backup_csr_det(*csr, r, gamma, V, policy, V_out)
        rows = np.arange(self.S) * self.A + policy
        P_pi = np.ascontiguousarray(self._P2[rows])
        r_pi = np.ascontiguousarray(self.r[np.arange(self.S), policy][:, None])
        zeros = np.zeros(self.S, dtype=np.int64)
        gamma = self.gamma
        # serial even with parallel=True: one sweep reads S^2 cached floats (tens of us),
        # less than the cost of waking the threads, and on a loaded machine each parallel
        # region can wait a scheduler time slice for a descheduled thread
        kernel = kb._policy_backup_dense_det
        return lambda V, V_out: kernel(P_pi, r_pi, gamma, V, zeros, V_out)

    def q_values(self, V: np.ndarray) -> np.ndarray:
        """Q = r + gamma P V, shape (S, A)."""
        Q = np.empty((self.S, self.A))
        self.optimal(V, Q, np.empty(self.S))
        return Q

    def certify(self, V: np.ndarray, Q: np.ndarray | None = None) -> tuple[float, float]:
        """(||T V - V||_inf, a certified bound on ||V - V*||_inf, round-off included);
        see :mod:`mdplab.planning.certify`. ``Q`` = :meth:`q_values` (V), if known, lets
        a dense kernel skip the clearly suboptimal actions (the same result, bit for bit)."""
        from .certify import max_row_mass, residual_and_bound

        rho = None
        if Q is not None and self._P2 is not None:
            rho = _ROW_MASS.get(self._mdp)
            if rho is None:
                rho = _ROW_MASS[self._mdp] = max_row_mass(self._P2, self.parallel)
        return residual_and_bound(self._P2, self._csr, self.r, self.gamma, V,
                                  parallel=self.parallel, Q=Q, rho=rho)


def span_iterate(
    ops: BellmanOperators, V: np.ndarray, m: int, thresh: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray, float, float, np.ndarray, bool, int]:
    """The loop shared by value iteration (m = 0) and modified policy iteration.

    Iteration k: Q = r + gamma P V_k, TV = max_a Q, d_k = TV - V_k; stop when
    span(d_k) <= thresh or after ``max_iter`` backups; otherwise V_{k+1} = T_pi^m TV
    with pi greedy w.r.t. Q (V_{k+1} = TV when m = 0).

    Returns (V_k, TV, max d_k, min d_k, spans (n_iter,), converged, number of T_pi steps);
    V_k, TV and d_k belong to the same, last, iteration.
    """
    S, A = ops.S, ops.A
    V = V.copy()
    Q = np.empty((S, A))
    TV = np.empty(S)
    U = np.empty(S)
    spans = np.empty(max_iter)
    converged = False
    n = n_policy = 0
    while True:
        ops.optimal(V, Q, TV)
        d = TV - V
        d_max, d_min = float(d.max()), float(d.min())
        spans[n] = d_max - d_min
        n += 1
        if d_max - d_min <= thresh:
            converged = True
            break
        if n == max_iter:
            break  # TV = T V_k and (d_max, d_min) still belong together
        V, TV = TV, V  # V <- T V_k; the old buffer is reused
        if m > 0:
            T_pi = ops.policy_operator(greedy(Q))
            for _ in range(m):
                T_pi(V, U)
                V, U = U, V
            n_policy += m
    return V, TV, d_max, d_min, spans[:n].copy(), converged, n_policy


#: at most this many restarts of a span loop from its own corrected values (see
#: :func:`span_solve`)
MAX_RESTARTS = 3


def span_solve(
    mdp: DiscountedMDP,
    ops: BellmanOperators,
    V: np.ndarray,
    m: int,
    tol: float,
    max_iter: int,
    method: str,
) -> DiscountedSolution:
    """Run the span loop, take MacQueen's midpoint, certify it in floating point.

    The midpoint V_hat is certified by :meth:`BellmanOperators.certify` (a double-double
    Bellman residual: ||V_hat - V*|| <= ||T V_hat - V_hat|| / (1 - gamma) plus bounded
    round-off). When the span rule was met but the certificate exceeds tol/2 because
    the iterates were much larger than V_hat (e.g. V0 = 1e15: round-off in the span
    and in the extrapolation gamma/(1-gamma) (max d + min d)/2 is of order
    eps ||V_k||), the loop restarts from V_hat (at most MAX_RESTARTS times, within the
    ``max_iter`` budget). ``converged`` is True only if the span rule was met and the
    certified bound is <= tol/2; a span rule met with a bound above tol/2 (the
    floating-point floor, of order eps ||V*|| / (1 - gamma)) gives a MdplabWarning.
    """
    gamma = mdp.gamma
    thresh = span_threshold(tol, gamma)
    all_spans: list[np.ndarray] = []
    n_policy = 0
    restarts = 0
    budget = max_iter
    while True:
        Vk, TV, d_max, d_min, spans, span_met, n_pol = span_iterate(ops, V, m, thresh, budget)
        all_spans.append(spans)
        n_policy += n_pol
        budget -= spans.shape[0]
        V_hat, _ = macqueen_midpoint(TV, d_max, d_min, gamma)
        Q = ops.q_values(V_hat)
        residual, bound = ops.certify(V_hat, Q)
        magnitude = max(float(np.max(np.abs(Vk))), float(np.max(np.abs(TV))))
        big = magnitude > 4.0 * max(float(np.max(np.abs(V_hat))), 1e-300)
        if not (span_met and bound > 0.5 * tol and big and budget > 0
                and restarts < MAX_RESTARTS):
            break
        V = V_hat
        restarts += 1
    converged = bool(span_met and bound <= 0.5 * tol)
    if span_met and not converged:
        from .._warnings import MdplabWarning

        warnings.warn(
            f"{method}: the span rule was met, but floating-point round-off limits the "
            f"certified error to {bound:.3g} > tol/2 = {0.5 * tol:.3g} (gamma = {gamma}, "
            f"max|V| = {float(np.max(np.abs(V_hat))):.3g}); converged = False. "
            "Use a larger tol, or rescale r.",
            MdplabWarning,
            stacklevel=3,
        )
    span_history = np.concatenate(all_spans)
    info: dict[str, Any] = {
        "span_history": span_history,
        "threshold": thresh,
        "bellman_residual": residual,
        "restarts": restarts,
    }
    if m > 0:
        info["n_policy_backups"] = n_policy
    return DiscountedSolution(
        V=V_hat,
        Q=Q,
        policy=greedy(Q),
        value=float(mdp.rho @ V_hat),
        n_iter=int(span_history.shape[0]),
        converged=converged,
        method=method,
        error_bound=float(bound),
        info=info,
    )


def span_threshold(tol: float, gamma: float) -> float:
    """tol (1 - gamma) / gamma: the span of T V - V below which MacQueen's midpoint is
    within tol/2 of V* (``inf`` when gamma = 0: one backup is exact)."""
    return math.inf if gamma == 0.0 else tol * (1.0 - gamma) / gamma


def macqueen_midpoint(
    TV: np.ndarray, d_max: float, d_min: float, gamma: float
) -> tuple[np.ndarray, float]:
    """Bias-corrected value and its certified error for d = T V - V.

    MacQueen (1966); Puterman (1994), Thm 6.6.6: for any V,
    TV + gamma/(1-gamma) min d <= V* <= TV + gamma/(1-gamma) max d (componentwise),
    so the midpoint TV + gamma/(1-gamma) (max d + min d)/2 is within
    gamma/(1-gamma) (max d - min d)/2 of V* in sup norm.
    """
    c = gamma / (1.0 - gamma)
    return TV + c * 0.5 * (d_max + d_min), c * 0.5 * (d_max - d_min)


# ----------------------------------------------------------------------------------------
# value iteration
# ----------------------------------------------------------------------------------------
def value_iteration(
    mdp: DiscountedMDP,
    tol: float = 1e-8,
    max_iter: int = 100_000,
    V0: np.ndarray | None = None,
    parallel: bool = False,
) -> DiscountedSolution:
    r"""Value iteration with the span stopping rule and MacQueen's bias correction.

    Iterates V_{k+1} = T V_k, ``(T V)(s) = max_a r(s,a) + gamma sum_{s'} P(s'|s,a) V(s')``,
    from ``V0`` (default 0), with d_k = V_{k+1} - V_k, and stops at the first k with

    .. math:: \operatorname{span}(d_k) = \max_s d_k(s) - \min_s d_k(s)
              \le \mathrm{tol}\,\frac{1-\gamma}{\gamma}.

    It returns the bias-corrected values

    .. math:: \hat V = V_{k+1} + \frac{\gamma}{1-\gamma}\,\frac{\max d_k + \min d_k}{2}.

    Guarantee: :math:`\|\hat V - V^*\|_\infty \le \mathrm{tol}/2`. Derivation (MacQueen 1966;
    Puterman 1994, Thm 6.6.6): for any U, W, with pi_U greedy for U,
    gamma P_{pi_W}(U - W) <= TU - TW <= gamma P_{pi_U}(U - W), so
    gamma min(U - W) <= TU - TW <= gamma max(U - W) componentwise. Applied to U = T^j V_k,
    W = T^{j-1} V_k for j = 1, 2, ... in turn (induction on j):
    gamma^j min d_k <= T^{j+1} V_k - T^j V_k <= gamma^j max d_k, and summing over j >= 1
    (V* = lim_n T^n V_k = V_{k+1} + sum_{j>=1} (T^{j+1} V_k - T^j V_k)):

    .. math:: V_{k+1} + \tfrac{\gamma}{1-\gamma}\min d_k \le V^*
              \le V_{k+1} + \tfrac{\gamma}{1-\gamma}\max d_k.

    The midpoint of this interval is within gamma/(1-gamma) span(d_k)/2 <= tol/2 of V*
    (in exact arithmetic).

    Floating point: ``error_bound`` is not that exact-arithmetic value but a bound that
    holds for the computed :math:`\hat V` itself. With beta = gamma max_{s,a}
    ``sum_{s'} |P(s'|s,a)|`` (the contraction modulus of T; beta = gamma up to round-off),

    .. math:: \|\hat V - V^*\|_\infty \le \frac{\|T\hat V - \hat V\|_\infty}{1-\beta},

    and T V_hat - V_hat = (T^2 V_k - T V_k) - gamma (max d_k + min d_k)/2 lies in
    [-gamma span(d_k)/2, gamma span(d_k)/2], so this is again <= tol/2 in exact
    arithmetic. The residual is evaluated in double-double arithmetic and every
    round-off term is bounded (:mod:`mdplab.planning.certify`), so the reported bound
    is >= the true error, and 0 only when V_hat = V* exactly. Round-off sets a floor:
    a stored V_hat has residual ~ eps ||V*||_inf, hence a certificate ~
    eps ||V*||_inf / (1 - gamma) (about 1e-8 for ||V*|| = 1e4, gamma = 0.9999). If the
    span rule is met but the certificate is above tol/2, the loop restarts from V_hat
    when the iterates were much larger than V_hat (a far-off V0 such as 1e15, whose
    round-off in the span and extrapolation is ~ eps ||V_k||), at most 3 times;
    otherwise (the floor) ``converged`` is False and a :class:`mdplab.MdplabWarning`
    says so. ``converged`` means: span rule met and error_bound <= tol/2.

    gamma = 0: one backup gives V* = max_a r exactly (n_iter = 1, error_bound 0, the only
    case besides an exact fixed point where the bound is 0).

    Parameters
    ----------
    mdp : DiscountedMDP (dense or sparse)
    tol : float > 0, the target sup-norm accuracy is tol / 2.
    max_iter : int >= 1, maximum number of backups (restarts included).
    V0 : (S,) finite initial values, default 0.
    parallel : bool, run each backup on all numba threads (rows split across threads; the
        result is bit-identical to the serial one). Pays off for large kernels
        (S*A*S >~ 1e6 or nnz >~ 1e6) on an otherwise idle machine. OpenBLAS's worker
        threads busy-wait for a while after each numpy linear-algebra call and then
        compete for the cores: measured on 2 cores, S=500, A=10, gamma=0.99, VI took
        2.9 ms with parallel=True when idle, 5.4 ms right after a BLAS call (serial 5.4 ms).
        Limiting OpenBLAS with threadpoolctl around the call does not stop threads that
        are already spinning; with a core busy elsewhere, parallel=True is several times
        slower than serial (see :func:`mdplab.planning.modified_policy_iteration`).

    Returns
    -------
    DiscountedSolution with V (S,) the bias-corrected values, Q = r + gamma P V (S, A),
    policy (S,) greedy w.r.t. Q (ties to the lowest action; it is
    2 gamma error_bound / (1 - gamma)-optimal), value = rho . V, n_iter = number of
    backups, error_bound the certified bound above,
    info = {'span_history': (n_iter,) spans of d_k, 'threshold': the span threshold,
    'bellman_residual': ||T V - V||_inf (double-double), 'restarts': 0 to 3}.
    """
    require_discounted(mdp, "value_iteration")
    tol = check_tol(tol)
    max_iter = check_positive_int(max_iter, "max_iter")
    S, A = mdp.shape
    V = initial_values(V0, S)
    ops = BellmanOperators(mdp, parallel=parallel)
    return span_solve(mdp, ops, V, 0, tol, max_iter, "value_iteration")
