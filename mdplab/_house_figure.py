"""The figure class of the house style (imported only when a figure is made: it imports
matplotlib)."""

from __future__ import annotations

import io

from matplotlib.figure import Figure


class HouseFigure(Figure):
    """A :class:`matplotlib.figure.Figure` that shows itself in a notebook.

    The figures of :func:`mdplab.plotting.new_figure` are not registered with pyplot (so
    mdplab never touches the user's backend or pyplot state); IPython's inline display only
    knows pyplot's figures unless pyplot has been imported. ``_repr_png_`` renders the
    figure in the style it was made with, at its printed size, so a figure that is a cell's
    value is displayed in Jupyter whatever the user has imported.
    """

    def _repr_png_(self) -> bytes:
        from .plotting import house_style_of, style

        buffer = io.BytesIO()
        with style(house_style_of(self)):
            self.savefig(buffer, format="png", dpi=150)
        return buffer.getvalue()
