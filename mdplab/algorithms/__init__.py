"""Provable algorithms, one family per subpackage (:mod:`mdplab.algorithms.offline`: PEVI,
LCB, VI-LCB), and :mod:`mdplab.algorithms.bounds` (bounds that flag when they are vacuous)."""

from .bounds import Bound, BoundArray, as_bound

__all__ = ["Bound", "BoundArray", "as_bound"]
