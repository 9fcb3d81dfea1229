"""One plotting style for every figure, fit for a paper.

The house style
---------------
* Figure sizes are the printed sizes: a single-column figure is 3.3 in wide
  (``width="column"``), a full-width one 6.9 in (``width="full"``); saved without
  cropping, so a figure included at its natural width prints every text at the font
  size it was set in, and no text is set below 7 pt (:data:`MIN_FONT_PT`).
* At most three panels a row (:data:`MAX_PANELS_PER_ROW`); more panels wrap to new rows,
  the last row centred.
* Legends sit outside the data: below a panel (:func:`legend_below`), or below (or to the
  right of) all panels (:func:`figure_legend`). They are built from the lines actually
  drawn, so a legend entry has the dashes, markers and colour of its line.
* Labels are mathtext (``$V^\\star_0(\\rho)$``), TrueType fonts are embedded in PDF and
  PostScript output (``pdf.fonttype`` = ``ps.fonttype`` = 42: editable, searchable text
  and no Type 3 fonts, as publishers ask), and lines are thin.
* A figure made from a quick (CI) budget carries a visible mark (:func:`quick_mark`).

Nothing here changes the user's matplotlib backend or global ``rcParams``: the style is a
context (:func:`style`, a :func:`matplotlib.rc_context`), figures are
:class:`matplotlib.figure.Figure` objects not registered with pyplot (unless asked), and
:func:`mdplab.experiments.figures.save_figure` re-enters the figure's style to save it.
Texts, lines and legends take the style when they are made (inside :func:`style`); tick
sizes, tick-label sizes and grid lines are also set on each axes (:func:`style_axes`), so a
figure drawn later outside the style (a notebook's display) keeps them. Saved through
``save_figure`` (or drawn inside :func:`style`), a figure is exactly in the house style.

The rate helpers (:func:`rate_curve`, :func:`reference_slope`, :func:`trivial_bound`) draw
log-log rates with fitted slopes and their intervals in the legend, and bands over seeds.
Matplotlib: J. D. Hunter (2007), "Matplotlib: A 2D graphics environment", Computing in
Science & Engineering 9(3); its ``rc_context``, constrained layout and ``fig.legend(loc=
"outside ...")`` do the work.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from ._validation import check_choice, check_positive_int, check_real
from .claims.stats import SlopeFit, loglog_slope

__all__ = [
    "MAX_PANELS_PER_ROW",
    "MIN_FONT_PT",
    "QUICK_MARK_GID",
    "WIDTHS",
    "blank_figure",
    "figure_legend",
    "house_rc",
    "house_style_of",
    "legend_below",
    "minus",
    "new_figure",
    "quick_mark",
    "rate_curve",
    "reference_slope",
    "style",
    "style_axes",
    "suptitle",
    "trivial_bound",
]

#: printed widths in inches: a single column and the full text width of a two-column paper
WIDTHS: dict[str, float] = {"column": 3.3, "full": 6.9}
#: panels per row, at most
MAX_PANELS_PER_ROW = 3
#: the smallest font size of the style, in points at the printed size
MIN_FONT_PT = 7.0
#: the ``gid`` of the text :func:`quick_mark` adds (tests and tools look for it)
QUICK_MARK_GID = "mdplab-quick-mark"

_RC: dict[str, Any] = {
    # fonts: TrueType (Type 42) in PDF/PS, the DejaVu family that ships with matplotlib
    # (the same glyphs on every machine), mathtext in the same family
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "mathtext.fontset": "dejavusans",
    "axes.formatter.use_mathtext": True,
    "text.usetex": False,
    # sizes at print size: nothing below 7 pt
    "font.size": 8.0,
    "axes.titlesize": 8.0,
    "axes.labelsize": 8.0,
    "xtick.labelsize": 7.0,
    "ytick.labelsize": 7.0,
    "legend.fontsize": 7.0,
    "legend.title_fontsize": 7.0,
    "figure.titlesize": 8.0,
    "figure.labelsize": 8.0,
    # thin lines
    "lines.linewidth": 1.0,
    "lines.markersize": 3.5,
    "lines.markeredgewidth": 0.8,
    "patch.linewidth": 0.6,
    "hatch.linewidth": 0.5,
    "axes.linewidth": 0.6,
    "grid.linewidth": 0.4,
    "grid.alpha": 0.35,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.minor.width": 0.4,
    "ytick.minor.width": 0.4,
    "xtick.major.size": 3.0,
    "ytick.major.size": 3.0,
    "xtick.minor.size": 1.6,
    "ytick.minor.size": 1.6,
    "xtick.major.pad": 2.0,
    "ytick.major.pad": 2.0,
    "errorbar.capsize": 1.5,
    # compact text spacing
    "axes.titlepad": 3.0,
    "axes.labelpad": 2.0,
    # legends: frameless, handles long enough to show a dash pattern
    "legend.frameon": False,
    "legend.handlelength": 2.8,
    "legend.handletextpad": 0.5,
    "legend.columnspacing": 1.2,
    "legend.labelspacing": 0.25,
    "legend.borderaxespad": 0.2,
    "legend.borderpad": 0.2,
    "legend.markerscale": 1.0,
    # output
    "figure.dpi": 150,
    "savefig.dpi": 150,
    "figure.constrained_layout.w_pad": 2.0 / 72,
    "figure.constrained_layout.h_pad": 2.0 / 72,
    "figure.constrained_layout.wspace": 0.03,
    "figure.constrained_layout.hspace": 0.03,
}

_STYLE_ATTR = "_mdplab_house_rc"  # the rc dict a house-style figure was made with
_FONT_KEYS = ("font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize",
              "ytick.labelsize", "legend.fontsize", "legend.title_fontsize", "figure.titlesize",
              "figure.labelsize")
_ACTIVE: list[dict[str, Any]] = []  # the styles entered (innermost last)


def house_rc(**overrides: Any) -> dict[str, Any]:
    """The house style as an ``rcParams`` dict (a fresh copy), updated with ``overrides``.

    Parameters
    ----------
    **overrides : rcParams to change, e.g. ``house_rc(**{"font.size": 9})`` (every key must be
        an rcParams key; a numeric font size must be >= :data:`MIN_FONT_PT`).

    Returns
    -------
    dict
        ``pdf.fonttype``/``ps.fonttype`` 42, DejaVu Sans text and mathtext, 8 pt labels,
        7 pt ticks and legends, thin lines, frameless legends.

    Raises
    ------
    ValueError
        an override that would set a font size below :data:`MIN_FONT_PT`, or a key that is
        not an rcParams key.
    """
    import matplotlib

    rc = dict(_RC)
    for key, value in overrides.items():
        if key not in matplotlib.rcParams:
            raise ValueError(f"house_rc: {key!r} is not a matplotlib rcParams key")
        if key in _FONT_KEYS and isinstance(value, (int, float)) and value < MIN_FONT_PT:
            raise ValueError(f"house_rc: {key} = {value} is below the style's minimum "
                             f"{MIN_FONT_PT:g} pt; use a size >= {MIN_FONT_PT:g}")
        rc[key] = value
    return rc


@contextmanager
def style(rc: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Context in which figures are made (and saved) in the house style.

    A :func:`matplotlib.rc_context`: ``rcParams`` are the house style inside and exactly what
    they were outside (the backend is never touched).

    Parameters
    ----------
    rc : the rcParams to use (default :func:`house_rc` ()); a figure's own, from
        :func:`house_style_of`, to save it as it was made.

    Yields
    ------
    dict
        the rc dict in force.

    Examples
    --------
    >>> from mdplab.plotting import new_figure, style
    >>> with style():
    ...     fig, (ax,) = new_figure()
    ...     _ = ax.plot([1, 2], [3, 4], label="$V^\\\\star_0$")
    """
    import matplotlib

    if rc is not None and not isinstance(rc, Mapping):
        raise TypeError(f"rc must be a mapping of rcParams, got {type(rc).__name__}")
    params = house_rc() if rc is None else dict(rc)
    with matplotlib.rc_context(params):
        _ACTIVE.append(params)
        try:
            yield params
        finally:
            _ACTIVE.pop()


def _rc(key: str) -> Any:
    """``key`` in the style in force, or in the house style outside :func:`style`."""
    return (_ACTIVE[-1] if _ACTIVE else _RC)[key]


def house_style_of(fig: Any) -> dict[str, Any] | None:
    """The rc dict ``fig`` was made with by :func:`new_figure`, or None for any other figure.

    :func:`mdplab.experiments.figures.save_figure` saves a house-style figure inside this
    style and at its exact size (no ``bbox_inches="tight"``): the printed size.
    """
    rc = getattr(fig, _STYLE_ATTR, None)
    return dict(rc) if rc is not None else None


def _width_inches(width: Any) -> float:
    if isinstance(width, str):
        return WIDTHS[check_choice(width, "width", tuple(WIDTHS))]
    return check_real(width, "width", 0.5, 20.0)


def new_figure(n_panels: int = 1, width: str | float = "column", *, ncols: int | None = None,
               aspect: float = 0.75, height: float | None = None, sharex: bool = False,
               sharey: bool = False, pyplot: bool = False) -> tuple[Any, np.ndarray]:
    """A house-style figure of ``n_panels`` axes, at most three a row.

    Call it inside :func:`style` (``with style(): fig, axes = new_figure(...)``) so that the
    labels and legends made afterwards get the style's fonts; the figure remembers the style
    (:func:`house_style_of`) for saving, and its ticks get the style's sizes whenever drawn.

    Parameters
    ----------
    n_panels : number of axes (>= 1).
    width : ``"column"`` (3.3 in), ``"full"`` (6.9 in) or a width in inches (0.5 to 20): the
        printed width of the whole figure.
    ncols : panels per row, 1 to 3 and at most ``n_panels`` (default ``min(n_panels, 3)``);
        the panels fill rows left to right, a short last row is centred.
    aspect : height / width of one panel's cell (0.2 to 3), used when ``height`` is None.
    height : the figure's printed height in inches (0.5 to 30); default
        ``rows * aspect * width / ncols`` (legends below panels then take room from the
        panels: pass a larger height for long legends).
    sharex, sharey : share the x (y) axis between all panels.
    pyplot : register the figure with pyplot (``plt.show()`` then shows it, in whatever
        backend the user has chosen); default False: a plain
        :class:`matplotlib.figure.Figure` (no pyplot state; a notebook displays it when it
        is the cell's value).

    Returns
    -------
    fig : matplotlib.figure.Figure
        with constrained layout.
    axes : numpy.ndarray of Axes, shape (n_panels,)
        row by row.

    Raises
    ------
    TypeError, ValueError
        an argument of the wrong type or outside its range (the message names it).
    """
    n = check_positive_int(n_panels, "n_panels")
    w = _width_inches(width)
    if ncols is None:
        per_row = min(n, MAX_PANELS_PER_ROW)
    else:
        per_row = check_positive_int(ncols, "ncols")
        if per_row > min(n, MAX_PANELS_PER_ROW):
            raise ValueError(f"ncols is {per_row}; must be <= min(n_panels, "
                             f"{MAX_PANELS_PER_ROW}) = {min(n, MAX_PANELS_PER_ROW)} (the style "
                             "puts at most three panels a row)")
    a = check_real(aspect, "aspect", 0.2, 3.0)
    rows = math.ceil(n / per_row)
    h = rows * a * w / per_row if height is None else check_real(height, "height", 0.5, 30.0)
    for flag, name in ((sharex, "sharex"), (sharey, "sharey"), (pyplot, "pyplot")):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    if not _ACTIVE:  # made outside style(): make it in the house style anyway
        with style():
            return new_figure(n, w, ncols=per_row, aspect=a, height=h, sharex=sharex,
                              sharey=sharey, pyplot=pyplot)
    fig = blank_figure(w, h, pyplot=pyplot)
    gs = fig.add_gridspec(rows, 2 * per_row)
    axes = []
    for i in range(n):
        r, c = divmod(i, per_row)
        in_row = min(per_row, n - r * per_row)
        start = (per_row - in_row) + 2 * c  # a short last row is centred
        share = {"sharex": axes[0] if sharex and axes else None,
                 "sharey": axes[0] if sharey and axes else None}
        ax = fig.add_subplot(gs[r, start:start + 2], **share)
        style_axes(ax)
        axes.append(ax)
    return fig, np.array(axes, dtype=object)


def blank_figure(width: str | float = "column", height: float = 2.5, *,
                 pyplot: bool = False) -> Any:
    """An empty house-style figure (constrained layout) of the printed size ``width`` x
    ``height`` inches, for layouts :func:`new_figure` does not make (subfigures, spanning
    panels); pass every axes added to :func:`style_axes`, and keep at most three panels a row.

    ``width`` is ``"column"``, ``"full"`` or inches (0.5 to 20); ``height`` inches (0.5 to
    30); ``pyplot`` as in :func:`new_figure`. Made inside the style in force (or the house
    style outside :func:`style`), which the figure remembers (:func:`house_style_of`).
    """
    w = _width_inches(width)
    h = check_real(height, "height", 0.5, 30.0)
    if not isinstance(pyplot, (bool, np.bool_)):
        raise TypeError(f"pyplot must be True or False, got {pyplot!r}")
    if not _ACTIVE:
        with style():
            return blank_figure(w, h, pyplot=pyplot)
    if pyplot:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(w, h), layout="constrained")
    else:
        from ._house_figure import HouseFigure

        fig = HouseFigure(figsize=(w, h), layout="constrained")
    setattr(fig, _STYLE_ATTR, dict(_ACTIVE[-1]))
    return fig


def style_axes(ax: Any) -> Any:
    """Set the style in force (or the house style) on ``ax`` itself -- tick lengths, widths,
    label sizes, spine widths -- so that ticks made later at draw time, outside
    :func:`style`, get them too. :func:`new_figure` does it for its panels. Returns ``ax``."""
    import matplotlib

    (ax,) = _check_axes_list(ax, "ax")
    rc = _ACTIVE[-1] if _ACTIVE else house_rc()
    get = {**{k: matplotlib.rcParams[k] for k in _RC}, **rc}
    family = get["font.family"]
    generic = ("serif", "sans-serif", "cursive", "fantasy", "monospace")
    if isinstance(family, str) and family in generic:  # the named font, not the user's choice
        family = get[f"font.{family}"]
    elif isinstance(family, list) and len(family) == 1 and family[0] in generic:
        family = get[f"font.{family[0]}"]
    for axis in ("x", "y"):
        for which in ("major", "minor"):
            kw = {"width": get[f"{axis}tick.{which}.width"],
                  "length": get[f"{axis}tick.{which}.size"],
                  "labelsize": get[f"{axis}tick.labelsize"],
                  "labelfontfamily": family,
                  "grid_linewidth": get["grid.linewidth"], "grid_alpha": get["grid.alpha"]}
            if which == "major":
                kw["pad"] = get[f"{axis}tick.major.pad"]
            ax.tick_params(axis=axis, which=which, **kw)
    for spine in ax.spines.values():
        spine.set_linewidth(get["axes.linewidth"])
    return ax


def suptitle(fig: Any, text: str, **kwargs: Any) -> Any:
    """A figure title in the style, wrapped to the figure's width (never inside a mathtext
    ``$...$`` segment); ``kwargs`` go to :meth:`matplotlib.figure.Figure.suptitle`. Returns
    the title's Text."""
    import re

    from matplotlib.figure import FigureBase

    if not isinstance(fig, FigureBase):
        raise TypeError(f"fig is a {type(fig).__name__}; must be a matplotlib Figure")
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    fs = float(kwargs.pop("fontsize", _rc("figure.titlesize")))
    if fs < MIN_FONT_PT:
        raise ValueError(f"fontsize is {fs:g}; must be >= {MIN_FONT_PT:g} pt")
    width_chars = max(20, int(0.97 * fig.get_figwidth() * 72 / (0.56 * fs)))
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for tok in re.findall(r"(?:\$[^$]*\$|[^\s$])+", para):
            cand = f"{line} {tok}" if line else tok
            if line and len(_plain(cand)) > width_chars:
                lines.append(line)
                line = tok
            else:
                line = cand
        lines.append(line)
    return fig.suptitle("\n".join(lines), fontsize=fs, **kwargs)


def minus(text: str) -> str:
    """``text`` with every ASCII hyphen-minus before a digit replaced by the minus sign
    U+2212, as in the tick labels (``slope -0.50`` -> ``slope −0.50``)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    out = []
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else ""
        out.append("\N{MINUS SIGN}" if ch == "-" and (nxt.isdigit() or nxt == ".") else ch)
    return "".join(out)


def _handles_of(axes: Sequence[Any]) -> tuple[list[Any], list[str]]:
    """The labelled artists of ``axes``, in drawing order, one per distinct label."""
    handles, labels = [], []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    return handles, labels


def _check_axes_list(axes: Any, name: str) -> list[Any]:
    from matplotlib.axes import Axes

    items = [axes] if isinstance(axes, Axes) else list(np.ravel(np.asarray(axes, dtype=object)))
    for i, ax in enumerate(items):
        if not isinstance(ax, Axes):
            raise TypeError(f"{name}[{i}] is a {type(ax).__name__}; must be a matplotlib Axes")
    return items


def _check_handles(handles: Any, labels: Any) -> tuple[list[Any], list[str]] | None:
    if handles is None and labels is None:
        return None
    if handles is None or labels is None:
        raise ValueError("pass both handles and labels, or neither (then the labelled lines "
                         "of the axes are used)")
    handles, labels = list(handles), [str(x) for x in labels]
    if len(handles) != len(labels):
        raise ValueError(f"handles has {len(handles)} entries and labels {len(labels)}; they "
                         "must match")
    return handles, labels


def _auto_ncols(labels: Sequence[str], width_in: float, fontsize: float) -> int:
    """Columns for a legend row of ``width_in`` inches: the widest entry (a rough 0.58 em a
    character, plus the handle) must fit."""
    em = fontsize / 72.0
    handle = (_rc("legend.handlelength") + _rc("legend.handletextpad")
              + _rc("legend.columnspacing")) * em
    longest = max((len(_plain(lab)) for lab in labels), default=1)
    per = handle + 0.58 * em * longest
    return int(max(1, min(len(labels), width_in // per)))


def _plain(label: str) -> str:
    """``label`` with mathtext commands shrunk to about their printed width."""
    import re

    s = re.sub(r"\\[a-zA-Z]+", "x", label)
    return re.sub(r"[${}^_]", "", s)


def legend_below(ax: Any, *, ncols: int | None = None, handles: Sequence[Any] | None = None,
                 labels: Sequence[str] | None = None, **kwargs: Any) -> Any:
    """A legend under one panel, below its x-axis label (outside the data area).

    Parameters
    ----------
    ax : the panel.
    ncols : legend columns (default: as many as fit the panel's width, by a size estimate).
    handles, labels : the entries (default: the labelled artists of ``ax``, so every entry
        shows its line's real colour, dashes and markers).
    **kwargs : more :meth:`matplotlib.axes.Axes.legend` arguments (not ``loc``,
        ``bbox_to_anchor`` or ``bbox_transform``).

    Returns
    -------
    matplotlib.legend.Legend or None
        None if there is nothing to show.
    """
    from matplotlib.transforms import ScaledTranslation

    (ax,) = _check_axes_list(ax, "ax")
    for key in ("loc", "bbox_to_anchor", "bbox_transform"):
        if key in kwargs:
            raise ValueError(f"legend_below sets {key} itself; do not pass it")
    given = _check_handles(handles, labels)
    hs, ls = given if given is not None else _handles_of([ax])
    if not hs:
        return None
    fs = float(kwargs.pop("fontsize", _rc("legend.fontsize")))
    if fs < MIN_FONT_PT:
        raise ValueError(f"fontsize is {fs:g}; must be >= {MIN_FONT_PT:g} pt (the style's "
                         "minimum at print size)")
    if ncols is None:
        width_in = ax.get_position().width * ax.figure.get_figwidth()
        ncols = _auto_ncols(ls, width_in, fs)
    ncols = check_positive_int(ncols, "ncols")
    # the legend's top sits below the tick labels and the x label: an offset in points, so
    # it does not depend on the panel's height (which the layout changes)
    xl = ax.xaxis.label
    n_lines = xl.get_text().count("\n") + 1 if xl.get_text() else 0
    drop = (_rc("xtick.major.size") + _rc("xtick.major.pad") + 1.25 * _rc("xtick.labelsize")
            + (_rc("axes.labelpad") + 1.25 * xl.get_fontsize() * n_lines if n_lines else 0)
            + 3.0)
    offset = ScaledTranslation(0.0, -drop / 72.0, ax.figure.dpi_scale_trans)
    return ax.legend(hs, ls, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                     bbox_transform=ax.transAxes + offset, ncols=ncols, fontsize=fs, **kwargs)


def figure_legend(fig: Any, axes: Any = None, *, where: str = "below", ncols: int | None = None,
                  handles: Sequence[Any] | None = None, labels: Sequence[str] | None = None,
                  **kwargs: Any) -> Any:
    """One legend for the whole figure, below every panel (or to their right).

    Parameters
    ----------
    fig : a figure with constrained layout (:func:`new_figure`), which makes room for it.
    axes : the panels whose labelled artists make the entries (default: all of ``fig``'s);
        an entry appears once per distinct label, with the first such artist's real colour,
        dashes and markers.
    where : ``"below"`` or ``"right"``.
    ncols : legend columns (default: as many as fit the figure's width for ``"below"``, 1
        for ``"right"``).
    handles, labels : explicit entries instead.
    **kwargs : more :meth:`matplotlib.figure.Figure.legend` arguments (not ``loc``).

    Returns
    -------
    matplotlib.legend.Legend or None
        None if there is nothing to show.
    """
    from matplotlib.figure import FigureBase

    if not isinstance(fig, FigureBase):
        raise TypeError(f"fig is a {type(fig).__name__}; must be a matplotlib Figure")
    where = check_choice(where, "where", ("below", "right"))
    if "loc" in kwargs:
        raise ValueError("figure_legend sets loc itself (where='below' or 'right')")
    given = _check_handles(handles, labels)
    if given is None:
        hs, ls = _handles_of(_check_axes_list(fig.axes if axes is None else axes, "axes"))
    else:
        hs, ls = given
    if not hs:
        return None
    fs = float(kwargs.pop("fontsize", _rc("legend.fontsize")))
    if fs < MIN_FONT_PT:
        raise ValueError(f"fontsize is {fs:g}; must be >= {MIN_FONT_PT:g} pt (the style's "
                         "minimum at print size)")
    if ncols is None:
        ncols = _auto_ncols(ls, 0.97 * fig.get_figwidth(), fs) if where == "below" else 1
    ncols = check_positive_int(ncols, "ncols")
    loc = "outside lower center" if where == "below" else "outside right upper"
    return fig.legend(hs, ls, loc=loc, ncols=ncols, fontsize=fs, **kwargs)


def quick_mark(fig: Any, text: str = "quick budget") -> Any:
    """Stamp ``fig`` with a visible mark saying its data come from the quick (CI) budget.

    A large grey diagonal text across the figure (light enough to read the data through),
    with ``gid`` :data:`QUICK_MARK_GID`, kept out of the layout. Marking twice adds nothing.

    Returns
    -------
    matplotlib.text.Text
        the mark.
    """
    from matplotlib.figure import FigureBase

    if not isinstance(fig, FigureBase):
        raise TypeError(f"fig is a {type(fig).__name__}; must be a matplotlib Figure")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be a non-empty string")
    for t in fig.texts:
        if t.get_gid() == QUICK_MARK_GID:
            return t
    w, h = fig.get_size_inches()
    size = float(np.clip(0.09 * math.hypot(w, h) * 72.0 / max(len(text), 1) * 1.6, 14, 44))
    angle = math.degrees(math.atan2(h, w))
    mark = fig.text(0.5, 0.5, text.upper(), ha="center", va="center", rotation=angle,
                    rotation_mode="anchor", fontsize=size, color="0.45", alpha=0.22,
                    fontweight="bold", zorder=100, gid=QUICK_MARK_GID)
    mark.set_in_layout(False)
    return mark


# ------------------------------------------------------------------ rates on log-log axes
def rate_curve(ax: Any, x: Any, y_by_seed: Any, label: str, color: Any = None,
               alpha: float = 0.01, band: tuple[float, float] = (25, 75),
               center: str = "median", fit: bool = True,
               zero_below: float = 0.0) -> SlopeFit | None:
    """Median (or mean) over seeds against x on log-log axes, a percentile band, and the
    fitted slope.

    Parameters
    ----------
    ax : the panel.
    x : shape (n,), positive.
    y_by_seed : shape (n, n_seeds); values below ``zero_below`` count as exact zeros
        (round-off).
    label : the legend label; the fitted slope and its (1 - alpha) interval are appended.
    color, alpha, band, center, fit : line colour; the interval's level; the percentile
        band; ``"median"`` or ``"mean"``; whether to fit (the centre line's positive
        points only, at least 3 of them).

    Returns
    -------
    SlopeFit or None
        the fit, when made.
    """
    x = np.asarray(x, dtype=float)
    Y = np.asarray(y_by_seed, dtype=float)
    Y = np.where(Y < zero_below, 0.0, Y)
    if center not in ("median", "mean"):
        raise ValueError(f"center is {center!r}; must be 'median' or 'mean'")
    med = np.median(Y, axis=1) if center == "median" else Y.mean(axis=1)
    lo, hi = np.percentile(Y, band, axis=1)
    keep = med > 0
    fit = loglog_slope(x[keep], med[keep], alpha=alpha) if fit and keep.sum() >= 3 else None
    text = label if fit is None else minus(
        f"{label}: slope {fit.slope:.2f} [{fit.interval[0]:.2f}, {fit.interval[1]:.2f}]")
    if not keep.any():  # nothing positive to draw on log axes: say so in the legend (a text
        # entry: no handle, since no line is drawn)
        ax.plot([], [], " ", color=color, label=f"{label}: 0 at every point (not drawn)")
        return None
    line, = ax.loglog(x[keep], med[keep], "o-", color=color, label=text)
    # a band reaching 0 cannot be drawn on log axes; it is cut at a tenth of the centre
    lower = np.maximum(lo[keep], med[keep] / 10)
    ax.fill_between(x[keep], lower, np.maximum(hi[keep], lower), color=line.get_color(),
                    alpha=0.2, lw=0)
    return fit


def reference_slope(ax: Any, x: Any, slope: float, anchor_y: float,
                    label: str | None = None) -> None:
    """A thin black dashed line of the given slope through (x[0], anchor_y), on log-log axes.

    The default label is ``slope <slope> (theory)``.
    """
    x = np.asarray(x, dtype=float)
    ax.loglog(x, anchor_y * (x / x[0]) ** slope, "k--", lw=0.8,
              label=label or minus(f"slope {slope:g} (theory)"))


def trivial_bound(ax: Any, value: float, label: str | None = None) -> None:
    """The trivial bound (H - h in finite horizon, 1/(1 - gamma) discounted, 1 for bandits) as
    a grey horizontal dash-dotted line: a drawn bound above it says nothing (it is vacuous)."""
    ax.axhline(float(value), color="0.45", lw=0.8, ls="-.",
               label=label or f"trivial bound {float(value):g}")
