"""The occupancy-measure linear program of a discounted MDP (cvxpy)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..kernels.bellman import greedy_actions as greedy
from ..models.discounted import DiscountedMDP
from .discounted_vi import BellmanOperators, require_discounted
from .results import DiscountedSolution

__all__ = ["solve_lp"]

#: Clarabel's stopping tolerances used unless ``solver_options`` overrides them
#: (its defaults, 1e-8, leave the dual values -- our V -- accurate to only ~1e-7).
CLARABEL_TOLERANCES = {"tol_gap_abs": 1e-11, "tol_gap_rel": 1e-11, "tol_feas": 1e-11}


def _flow_matrix(mdp: DiscountedMDP):
    """M (S, S*A) with (M d)(s') = sum_a d(s', a) - gamma sum_{s,a} P(s'|s,a) d(s, a)."""
    S, A = mdp.shape
    E = sp.csr_matrix(
        (np.ones(S * A), (np.repeat(np.arange(S), A), np.arange(S * A))), shape=(S, S * A)
    )
    if mdp.is_sparse:
        Pt = mdp.P_sparse.to_scipy().T  # (S', S*A)
    else:
        Pt = sp.csr_matrix(np.asarray(mdp.P).reshape(S * A, S).T)
    return (E - mdp.gamma * Pt).tocsr()


def solve_lp(
    mdp: DiscountedMDP,
    solver: str = "CLARABEL",
    solver_options: dict | None = None,
) -> DiscountedSolution:
    r"""V*, Q* and an optimal policy from the occupancy-measure LP (Manne 1960; Puterman 1994,
    Sec. 6.9).

    Primal, over the normalised discounted occupancy d(s, a) >= 0 (shape (S, A)):

    .. math:: \max_d \frac{1}{1-\gamma}\sum_{s,a} d(s,a) r(s,a) \quad\text{s.t.}\quad
              \sum_a d(s',a) = (1-\gamma)\rho_{lp}(s') + \gamma\sum_{s,a}P(s'|s,a)d(s,a)
              \ \ \forall s'.

    Its dual is min_y (1-gamma) rho_lp . y s.t. y(s) >= r(s,a)/(1-gamma) + gamma (P y)(s,a),
    whose solution is y = V*/(1-gamma) on the support of rho_lp; so V = (1-gamma) y, with y
    the dual variables of the flow constraints. A zero rho_lp(s) leaves y(s) free above
    V*(s)/(1-gamma) for states not reached from rho_lp, so the LP is solved with the
    strictly positive uniform weighting rho_lp = 1/S (whatever ``mdp.rho`` is): then V = V*
    everywhere. ``value`` is still mdp.rho . V.

    The policy is greedy w.r.t. Q = r + gamma P V. ``error_bound`` is certified by one
    Bellman residual: ||V - V*||_inf <= ||T V - V||_inf / (1 - beta), beta =
    ``gamma max_{s,a} sum_{s'} |P(s'|s,a)|`` (T is a beta-contraction), with the residual
    evaluated in double-double arithmetic and every round-off term bounded
    (:mod:`mdplab.planning.certify`), so it holds in floating point.
    For small and medium S (the LP has S*A variables and S equality constraints).

    Parameters
    ----------
    mdp : DiscountedMDP (dense or sparse)
    solver : a cvxpy solver name with dual values, e.g. 'CLARABEL' (default) or 'HIGHS'.
    solver_options : extra keyword arguments for ``cvxpy.Problem.solve``; for Clarabel the
        defaults are :data:`CLARABEL_TOLERANCES`.

    Returns
    -------
    DiscountedSolution (method 'lp', n_iter = solver iterations if reported, else 0,
    converged = the solver reported 'optimal'), info = {'status', 'solver',
    'objective' (= uniform-rho value of V*), 'occupancy' (S, A) for rho_lp, 'bellman_residual'}.
    """
    import cvxpy as cp

    require_discounted(mdp, "solve_lp")
    if not isinstance(solver, str):
        raise TypeError(f"solver must be a cvxpy solver name, got {solver!r}")
    if solver.upper() not in cp.installed_solvers():
        raise ValueError(f"solver {solver!r} is not installed; cvxpy has {cp.installed_solvers()}")
    S, A = mdp.shape
    gamma = mdp.gamma
    options = dict(CLARABEL_TOLERANCES) if solver.upper() == "CLARABEL" else {}
    if solver_options is not None and not isinstance(solver_options, dict):
        raise TypeError(
            "solver_options must be a dict of cvxpy solve() keywords or None, "
            f"got {solver_options!r}"
        )
    options.update(solver_options or {})

    rho_lp = np.full(S, 1.0 / S)
    d = cp.Variable(S * A, nonneg=True)
    flow = _flow_matrix(mdp) @ d == (1.0 - gamma) * rho_lp
    r_flat = np.asarray(mdp.r).reshape(-1)
    problem = cp.Problem(cp.Maximize(r_flat @ d / (1.0 - gamma)), [flow])
    problem.solve(solver=solver.upper(), **options)
    if flow.dual_value is None:
        raise RuntimeError(
            f"the LP solver {solver} returned status {problem.status!r} without duals"
        )
    # cvxpy's dual of `M d == b` in a maximisation is y with objective = b . y.
    V = (1.0 - gamma) * np.asarray(flow.dual_value, dtype=np.float64).reshape(S)

    ops = BellmanOperators(mdp)
    Q = ops.q_values(V)
    residual, bound = ops.certify(V)
    stats = problem.solver_stats
    n_iter = int(stats.num_iters) if stats is not None and stats.num_iters is not None else 0
    occupancy = np.clip(np.asarray(d.value).reshape(S, A), 0.0, None)
    return DiscountedSolution(
        V=V,
        Q=Q,
        policy=greedy(Q),
        value=float(mdp.rho @ V),
        n_iter=n_iter,
        converged=problem.status == cp.OPTIMAL,
        method="lp",
        error_bound=float(bound),
        info={
            "status": problem.status,
            "solver": solver.upper(),
            "objective": float(problem.value),
            "occupancy": occupancy,
            "bellman_residual": residual,
        },
    )
