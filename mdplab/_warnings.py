"""Warnings issued by mdplab."""

from __future__ import annotations

__all__ = ["CellFailureWarning", "DegeneratePolicyWarning", "MdplabWarning", "StoreWarning"]


class MdplabWarning(UserWarning):
    """Base class of the warnings mdplab issues (degenerate or vacuous results)."""


class DegeneratePolicyWarning(MdplabWarning):
    """A pessimistic algorithm returned a policy decided by tie-breaking: at some (h, s) that
    the data reaches from rho under that policy, every available action has the same Q_hat
    (typically Q_hat = 0, the penalty swamping the data). Issued once per call; the result's
    ``degenerate`` field says the same (definition: :mod:`mdplab.algorithms.offline.degeneracy`).
    """


class CellFailureWarning(MdplabWarning):
    """Some cells of an experiment sweep raised; the table lacks them (they are retried on the
    next run). The message gives the count and the first traceback."""


class StoreWarning(MdplabWarning):
    """The cell store needed repair: a damaged file was moved aside, or rows that did not
    parse were skipped and their cells recomputed."""
