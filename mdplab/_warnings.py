"""Warnings issued by mdplab."""

from __future__ import annotations

__all__ = ["CellFailureWarning", "MdplabWarning", "StoreWarning"]


class MdplabWarning(UserWarning):
    """Base class of the warnings mdplab issues (degenerate or vacuous results)."""


class CellFailureWarning(MdplabWarning):
    """Some cells of an experiment sweep raised; the table lacks them (they are retried on the
    next run). The message gives the count and the first traceback."""


class StoreWarning(MdplabWarning):
    """The cell store needed repair: a damaged file was moved aside, or rows that did not
    parse were skipped and their cells recomputed."""
