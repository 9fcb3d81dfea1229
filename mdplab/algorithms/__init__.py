"""Provable algorithms, one family per subpackage (:mod:`mdplab.algorithms.offline`: PEVI,
LCB, VI-LCB; :mod:`mdplab.algorithms.online`; :mod:`mdplab.algorithms.irl`;
:mod:`mdplab.algorithms.density_ratio`: GLOW, GOLF), and :mod:`mdplab.algorithms.bounds`
(bounds that flag when they are vacuous)."""

from .bounds import Bound, BoundArray, as_bound

__all__ = ["Bound", "BoundArray", "as_bound"]
