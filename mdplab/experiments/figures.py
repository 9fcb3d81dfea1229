"""Saving figures reproducibly: the same figure gives the same PNG and PDF bytes every time.

Matplotlib stamps a PDF with its creation date (and a PNG with the software version only);
the date is removed here, so two identical runs write byte-identical files (checked by
tests/test_workflow_tables.py). The version stamp stays: it is provenance.

A house-style figure (:func:`mdplab.plotting.new_figure`) is saved inside its own style
(:func:`mdplab.plotting.style`) and at its exact size, which is its printed size (no
``bbox_inches="tight"`` cropping or growing). Any other figure is saved with
``bbox_inches="tight"``. Every PDF/PS embeds TrueType (Type 42) fonts. Nothing here changes
the matplotlib backend or the global ``rcParams``, and pyplot is only touched to close a
figure that pyplot itself manages.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

__all__ = ["save_figure"]

#: savefig metadata per format: no creation/modification dates
METADATA = {"pdf": {"CreationDate": None, "ModDate": None}, "png": {}, "svg": {"Date": None}}
#: rcParams used to save a figure that is not in the house style
FONTS = {"pdf.fonttype": 42, "ps.fonttype": 42}


def save_figure(fig: Any, *paths: Path, dpi: int = 150) -> tuple[Path, ...]:
    """Save ``fig`` to every path (format from the suffix) through a temporary file and an
    atomic rename, with fixed metadata; then close it if pyplot manages it (a plain
    :class:`matplotlib.figure.Figure` needs no closing). The paths written."""
    import matplotlib
    from matplotlib.figure import Figure

    from ..plotting import house_style_of, style

    if not isinstance(fig, Figure):
        raise TypeError(f"fig is a {type(fig).__name__}; must be a matplotlib Figure")
    rc = house_style_of(fig)
    written = []
    try:
        with (style(rc) if rc is not None else matplotlib.rc_context(FONTS)):
            for path in paths:
                path = Path(path)
                fmt = path.suffix.lstrip(".").lower()
                tmp = path.with_name(path.name + ".tmp")
                fig.savefig(tmp, format=fmt, dpi=dpi,
                            bbox_inches=None if rc is not None else "tight",
                            metadata=METADATA.get(fmt, {}))
                tmp.replace(path)
                written.append(path)
    finally:
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None and getattr(fig.canvas, "manager", None) is not None:
            plt.close(fig)
    return tuple(written)
