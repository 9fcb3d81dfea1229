"""Warnings issued by mdplab."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["CellFailureWarning", "DegeneratePolicyWarning", "MdplabWarning", "StoreWarning",
           "counting_degenerate_policies"]


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


@contextmanager
def counting_degenerate_policies() -> Iterator[list[int]]:
    """Count, rather than show, the :class:`DegeneratePolicyWarning` raised inside the block.

    Yields a one-element list whose entry is the count once the block ends. Other warnings
    are re-issued unchanged. Claims and experiment cells run a pessimistic algorithm hundreds
    of times: one line per call would bury their reports, which give the count instead.
    """
    count = [0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DegeneratePolicyWarning)
        yield count
    for w in caught:
        if issubclass(w.category, DegeneratePolicyWarning):
            count[0] += 1
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
