"""Saving figures reproducibly: the same figure gives the same PNG and PDF bytes every time.

Matplotlib stamps a PDF with its creation date (and a PNG with the software version only);
the date is removed here, so two identical runs write byte-identical files (checked by
tests/test_workflow_provenance.py). The version stamp stays: it is provenance.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["save_figure"]

#: savefig metadata per format: no creation/modification dates
METADATA = {"pdf": {"CreationDate": None, "ModDate": None}, "png": {}, "svg": {"Date": None}}


def save_figure(fig: Any, *paths: Path, dpi: int = 150) -> tuple[Path, ...]:
    """Save ``fig`` to every path (format from the suffix) through a temporary file and an
    atomic rename, with fixed metadata; close it. The paths written."""
    import matplotlib.pyplot as plt

    written = []
    try:
        for path in paths:
            path = Path(path)
            fmt = path.suffix.lstrip(".").lower()
            tmp = path.with_name(path.name + ".tmp")
            fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight",
                        metadata=METADATA.get(fmt, {}))
            tmp.replace(path)
            written.append(path)
    finally:
        plt.close(fig)
    return tuple(written)
