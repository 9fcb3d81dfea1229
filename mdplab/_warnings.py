"""Warnings issued by mdplab."""

from __future__ import annotations

__all__ = ["MdplabWarning"]


class MdplabWarning(UserWarning):
    """Base class of the warnings mdplab issues (degenerate or vacuous results)."""
