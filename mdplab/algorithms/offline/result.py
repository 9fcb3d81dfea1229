"""The result of an episodic pessimistic algorithm (PEVI, VI-LCB), shared by every variant
so that the exact checks of :mod:`mdplab.algorithms.offline.checks` apply to all of them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .degeneracy import summarise, tied_states, warn_degenerate

__all__ = ["PessimisticResult"]


@dataclass(frozen=True, repr=False)
class PessimisticResult:
    """Output of a pessimistic backward induction on offline data.

    Attributes
    ----------
    policy : (H, S) int64, the greedy policy pi_hat_h(s) = argmax_a Q[h, s, a] (ties to the
        lowest action index).
    Q : (H, S, A) the pessimistic action values Q_hat_h (after clipping).
    V : (H+1, S) V_hat_h(s) = max_a Q[h, s, a]; V[H] = 0.
    penalty : (H, S, A) the penalty Gamma_h(s, a) (PEVI) or b_h(s, a) (VI-LCB) used at step
        h, i.e. evaluated at the algorithm's own V_hat_{h+1}.
    backup : (H, S, A) the empirical Bellman backup (B_hat_h V_hat_{h+1})(s, a) before the
        penalty: r_hat + P_hat V_hat_{h+1} (or the ridge estimate phi.w for linear PEVI).
    algorithm : a short name, e.g. ``"pevi-tabular[l1]"``.
    params : the constants used (for the record next to every number).
    degenerate : True when the policy is decided by tie-breaking at some (h, s) the data
        reaches from rho under it (definition: :mod:`mdplab.algorithms.offline.degeneracy`).
    tied : (H, S) bool, where every available action has the same Q_hat (None if not computed).
    reachable : (H, S) bool, the (h, s) reached from supp(rho) in the empirical model under
        ``policy`` (None if not computed).
    degenerate_at : the first tied reachable (h, s), or None.
    """

    policy: np.ndarray
    Q: np.ndarray
    V: np.ndarray
    penalty: np.ndarray
    backup: np.ndarray
    algorithm: str
    params: dict[str, Any] = field(default_factory=dict)
    degenerate: bool = False
    tied: np.ndarray | None = None
    reachable: np.ndarray | None = None
    degenerate_at: tuple[int, int] | None = None

    @property
    def H(self) -> int:
        return self.Q.shape[0]

    def __repr__(self) -> str:
        return headline_repr(self, ("algorithm", "Q", "degenerate"), {
            "V_hat_0 max": lambda r: float(np.max(np.asarray(r.V)[0])),
            "max penalty": lambda r: float(np.max(r.penalty)),
            "tied reachable (h, s)": lambda r: int(np.sum(r.tied & r.reachable)),
        })


def headline_repr(obj: Any, names: tuple[str, ...],
                  headline: dict[str, Callable[[Any], object]]) -> str:
    """ClassName(field=<short>, ..., headline=value, ...): the named fields in the short form
    of :func:`mdplab.planning.results.compact_repr` and a few headline numbers (each skipped
    if it cannot be computed, e.g. for a field left None)."""
    from ...planning.results import _short

    parts = [f"{n}={_short(getattr(obj, n))}" for n in names]
    for label, fn in headline.items():
        try:
            val = fn(obj)
        except Exception:  # noqa: BLE001 - a repr never raises
            continue
        parts.append(f"{label}={val:.4g}" if isinstance(val, float) else f"{label}={val}")
    return f"{type(obj).__name__}({', '.join(parts)})"


#: the knob that makes each algorithm family informative at small data (for the warning)
KNOBS = {"pevi": "c (or the 'hoeffding' or 'none' preset)", "vi-lcb": "c_b",
         "vi-lcb-split": "c_L"}


def flag_degenerate(result: PessimisticResult, reachable: np.ndarray, *,
                    valid: np.ndarray | None = None, knob: str) -> PessimisticResult:
    """``result`` with ``degenerate``, ``tied``, ``reachable`` and ``degenerate_at`` filled
    in, and one :class:`~mdplab.algorithms.offline.degeneracy.DegeneratePolicyWarning` when
    it is degenerate."""
    tied = tied_states(result.Q, valid)
    degenerate, where, n = summarise(tied, reachable)
    if degenerate:
        assert where is not None
        h, s = where
        warn_degenerate(result.algorithm, where, n, int(reachable.sum()),
                        float(np.max(result.Q[h, s])), knob)
    for arr in (tied, reachable):
        arr.setflags(write=False)
    return dataclasses.replace(result, degenerate=degenerate, tied=tied, reachable=reachable,
                               degenerate_at=where)  # type: ignore[arg-type]
