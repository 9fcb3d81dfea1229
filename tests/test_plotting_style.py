"""Issue 9, Sec. 4: figures fit for a paper.

The eight experiments' figures, made from small tables (the quick grid, one seed, fewer Monte
Carlo datasets per cell), are checked against the house style of :mod:`mdplab.plotting`:

- making and saving them never changes the matplotlib backend or the global rcParams;
- PDF output embeds TrueType fonts (``/FontFile2``; no Type 3 font);
- every drawn text is >= 7 pt (figure size = printed size, so no scaling);
- the figure is 3.3 in or 6.9 in wide; no row of axes holds more than three panels;
- no legend overlaps the data area of any axes; no drawn text runs off the figure;
- every legend handle is drawn like a line of the figure (linestyle, marker, colour);
- labels hold no ASCII-art (``V*``, ``rho``, ``_``, ``^``, ...) outside mathtext;
- a quick-budget run stamps the figure with the quick mark; a full run does not.

The checks are functions (:func:`style_problems` and friends) independent of the library's
code; each is shown to catch a planted defect (a legend on the data, four panels a row, a 6 pt
label, an ASCII label, a text off the figure, a dashed legend entry for a solid line, Type 3
fonts), so that a passing run means something.
"""

from __future__ import annotations

import copy
import importlib
import io
import json
import re
import subprocess
import sys
import types

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")

from mdplab.experiments import run_experiment  # noqa: E402
from mdplab.experiments.figures import save_figure  # noqa: E402
from mdplab.experiments.runner import experiment_params  # noqa: E402

EXPERIMENTS = ("gambler_vilcb", "generative_model_rate", "lcb_bandit_regimes", "online_regret",
               "lcb_intermediate_cstar", "pevi_linear_rate", "vilcb_bernstein_vs_split",
               "vilcb_horizon_dependence", "vilcb_scaling_collapse")
#: Monte Carlo datasets per cell in the small tables (the quick grid uses 20 to 1500)
SMALL_DATASETS = 12
QUICK_GID = "mdplab-quick-mark"

# ASCII stand-ins for mathematical notation; outside $...$ none may appear in a label
ASCII_ART = [r"V\*", r"\bQ\*", r"\bC\*", r"\bpi\*", r"\brho\b", r"\bgamma\b", r"\beps\b",
             r"\bepsilon\b", r"\bkappa\b", r"\btheta\b", r"\bdelta\b", r"\bmu\b", r"\bbeta\b",
             r"\bzeta\b", r"\bGamma\b", r"pi_hat", r"_", r"\^", r"sqrt\(", r"\+-", r"\|\|",
             r"\bE\[", r"!="]


# ----------------------------------------------------------------------------- the checks
def drawn_texts(fig):
    """Draw ``fig`` (in its own style, as save_figure does) and return (renderer, the Text
    artists actually drawn with a visible, non-empty string)."""
    from matplotlib.text import Text

    from mdplab.plotting import house_style_of, style

    drawn = []
    original = Text.draw

    def record(self, renderer):
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
        return original(self, renderer)

    Text.draw = record
    try:
        rc = house_style_of(fig)
        with (style(rc) if rc is not None else matplotlib.rc_context()):
            fig.draw_without_rendering()
    finally:
        Text.draw = original
    return fig._get_renderer(), drawn


def _overlap(a, b, tol=0.5):
    return (a.x0 < b.x1 - tol and b.x0 < a.x1 - tol and a.y0 < b.y1 - tol
            and b.y0 < a.y1 - tol)


def _all_legends(fig):
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    stack = [fig]
    while stack:
        f = stack.pop()
        legends += list(f.legends)
        stack += list(f.subfigs)
    return legends


def _rows_of_panels(fig):
    """Axes that show data (axis on), grouped into rows: axes whose vertical extents overlap
    by more than half the smaller one's height share a row."""
    boxes = [ax.get_position() for ax in fig.axes if ax.get_visible() and ax.axison]
    rows: list[list] = []
    for b in sorted(boxes, key=lambda b: -b.y1):
        for row in rows:
            r = row[0]
            inter = min(r.y1, b.y1) - max(r.y0, b.y0)
            if inter > 0.5 * min(r.height, b.height):
                row.append(b)
                break
        else:
            rows.append([b])
    return rows


def _line_styles(fig):
    """(linestyle, marker, rgba) of every line drawn with data in the figure's axes."""
    from matplotlib.colors import to_rgba

    out = set()
    for ax in fig.axes:
        for line in ax.get_lines():
            if len(line.get_xdata()) and line.get_visible():
                out.add((line.get_linestyle(), line.get_marker(), to_rgba(line.get_color())))
        for coll in ax.collections:  # errorbar and fill colours
            for c in np.atleast_2d(coll.get_facecolor()):
                if len(c):
                    out.add(("fill", "", tuple(np.round(c[:3], 3))))
    return out


def legend_handle_problems(fig):
    """Legend entries drawn unlike every line of the figure.

    A Line2D handle must agree with some drawn line in everything it shows: its linestyle
    (unless it has none), its marker (unless it has none) and its colour (unless it is black:
    a black handle is a key for a style whose colour stands for something else). So a
    factorised legend -- colour = one variable, marker or dashes = another -- passes, and a
    solid entry for a dashed line fails. A handle with neither line nor marker (a text-only
    entry) is skipped; a Patch (a colour key) must have the colour of a drawn line or band.
    """
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    none = ("None", "", " ", None)
    styles = _line_styles(fig)
    black = to_rgba("k")
    out = []
    for leg in _all_legends(fig):
        texts = [t.get_text() for t in leg.get_texts()]
        for handle, text in zip(leg.legend_handles, texts, strict=True):
            if isinstance(handle, Line2D):
                ls, mk = handle.get_linestyle(), handle.get_marker()
                if ls in none and mk in none:
                    continue
                rgba = to_rgba(handle.get_color())
                ok = any((ls in none or s[0] == ls) and (mk in none or s[1] == mk)
                         and (rgba == black or s[2] == rgba) for s in styles)
                if not ok:
                    out.append(f"legend entry {text!r} ({ls!r}, {mk!r}) matches no line")
            elif isinstance(handle, Patch):
                rgba = to_rgba(handle.get_facecolor())
                if not any(s[2] == rgba or s[2] == tuple(np.round(rgba[:3], 3))
                           for s in styles):
                    out.append(f"legend patch {text!r} has the colour of no line")
    return out


def style_problems(fig, quick_mark_allowed=True):
    """Every way ``fig`` breaks the house style, as a list of messages (empty: none)."""
    out = []
    renderer, drawn = drawn_texts(fig)
    w = round(float(fig.get_figwidth()), 6)
    if w not in (3.3, 6.9):
        out.append(f"figure width {w} in; must be 3.3 or 6.9")
    fb = fig.bbox
    for t in drawn:
        size = t.get_fontsize()
        if size < 7.0:
            out.append(f"text {t.get_text()!r} is {size:g} pt (< 7 pt at print size)")
        if t.get_gid() == QUICK_GID:
            if not quick_mark_allowed:
                out.append("quick mark on a full-budget figure")
            continue
        plain = re.sub(r"\$[^$]*\$", "", t.get_text())
        for pat in ASCII_ART:
            if re.search(pat, plain):
                out.append(f"ASCII-art {pat!r} outside math in {t.get_text()!r}")
        b = t.get_window_extent(renderer)
        if b.x0 < fb.x0 - 1 or b.x1 > fb.x1 + 1 or b.y0 < fb.y0 - 1 or b.y1 > fb.y1 + 1:
            out.append(f"text {t.get_text()[:50]!r} runs off the figure")
    for row in _rows_of_panels(fig):
        if len(row) > 3:
            out.append(f"a row of {len(row)} panels (at most 3)")
    for leg in _all_legends(fig):
        lb = leg.get_window_extent(renderer)
        for ax in fig.axes:
            if ax.get_visible() and ax.axison and _overlap(lb, ax.bbox):
                out.append(f"a legend overlaps the data area of {ax.get_title()!r}")
    out += legend_handle_problems(fig)
    return out


def pdf_font_problems(pdf: bytes):
    """Type 3 fonts, or no embedded TrueType font, in a PDF's bytes."""
    out = []
    if re.search(rb"/Subtype\s*/Type3", pdf):
        out.append("a Type 3 font is embedded")
    if b"/FontFile2" not in pdf:
        out.append("no TrueType font program (/FontFile2) is embedded")
    return out


# ----------------------------------------------------------------------------- the tables
def _small(mod):
    """The experiment on its quick grid with one seed and at most SMALL_DATASETS Monte Carlo
    datasets per cell (the figure's shape is the quick figure's; only the noise differs)."""
    def grid(quick, params):
        return [{**c, "datasets": min(c["datasets"], SMALL_DATASETS)} if "datasets" in c
                else c for c in mod.grid(quick, params)]

    return types.SimpleNamespace(NAME=mod.NAME, BASE_SEED=mod.BASE_SEED, PARAMS=mod.PARAMS,
                                 grid=grid, n_seeds=lambda quick: 1, run_cell=mod.run_cell)


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    store = tmp_path_factory.mktemp("cells") / "cells.sqlite"
    out = {}
    for name in EXPERIMENTS:
        mod = importlib.import_module(f"experiments.{name}")
        summary = run_experiment(_small(mod), quick=True, out_dir=None, store=store,
                                 progress=False)
        assert summary.n_failed == 0, summary.first_failure
        out[name] = (mod, summary.table)
    return out


@pytest.fixture(scope="module")
def figures(tables):
    """name -> (figure, PDF bytes) for the eight experiments, made and saved under a
    non-Agg backend; the backend and the rcParams are checked unchanged."""
    from mdplab.plotting import quick_mark

    previous = matplotlib.get_backend()
    matplotlib.use("pdf")
    try:
        rc_before = copy.deepcopy(dict(matplotlib.rcParams))
        out = {}
        for name, (mod, table) in tables.items():
            fig = mod.plot(table, experiment_params(mod, None))
            buf = io.BytesIO()
            fig.savefig(buf)  # the house rc is not in force here: it must not be needed
            quick_mark(fig)
            out[name] = fig
        assert matplotlib.get_backend() == "pdf"
        assert dict(matplotlib.rcParams) == rc_before
    finally:
        matplotlib.use(previous)
    return out


# ----------------------------------------------------------------------------- the 8 figures
@pytest.mark.parametrize("name", EXPERIMENTS)
def test_each_figure_is_in_the_house_style(figures, name):
    problems = style_problems(figures[name])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_each_pdf_embeds_truetype_fonts_and_keeps_the_backend(figures, name, tmp_path):
    previous = matplotlib.get_backend()
    matplotlib.use("svg")
    try:
        before = copy.deepcopy(dict(matplotlib.rcParams))
        (pdf,) = save_figure(figures[name], tmp_path / f"{name}.pdf")
        assert matplotlib.get_backend() == "svg" and dict(matplotlib.rcParams) == before
    finally:
        matplotlib.use(previous)
    data = pdf.read_bytes()
    assert not pdf_font_problems(data), pdf_font_problems(data)
    # saved at its printed size (no tight-bbox crop): the MediaBox is the figure size in pt
    box = [float(v) for v in re.search(rb"/MediaBox\s*\[([^\]]*)\]", data).group(1).split()]
    assert box[2] - box[0] == pytest.approx(72 * figures[name].get_figwidth(), abs=0.01)
    assert box[2] - box[0] == pytest.approx(72 * 6.9, abs=0.01) or \
        box[2] - box[0] == pytest.approx(72 * 3.3, abs=0.01)


def test_labels_are_mathtext(figures):
    """The notation of the issue: V-star of rho typeset, not spelled."""
    _, drawn = drawn_texts(figures["gambler_vilcb"])
    labels = [t.get_text() for t in drawn]
    assert any(r"V^\star_0(\rho)" in t for t in labels)
    _, drawn = drawn_texts(figures["vilcb_horizon_dependence"])
    assert any(r"\mathrm{SubOpt}" in t.get_text() for t in drawn)


# ----------------------------------------------------------------------------- planted bugs
def _good_figure(**kw):
    from mdplab.plotting import legend_below, new_figure, style

    with style():
        fig, axes = new_figure(kw.get("n", 2), "full")
        for ax in axes:
            ax.plot([1, 2, 3], [1, 2, 4], "o--", color="C0", label=r"$V^\star_0(\rho)$")
            ax.plot([1, 2, 3], [2, 2, 2], "k:", label="reference")
            ax.set(xlabel="$N$", ylabel=r"$\mathrm{SubOpt}$", title="a panel")
            legend_below(ax)
    return fig


def test_the_checks_pass_a_good_figure():
    assert style_problems(_good_figure()) == []


def test_the_checks_catch_a_legend_on_the_data():
    fig = _good_figure()
    fig.axes[0].legend(loc="center")
    assert any("overlaps the data area" in p for p in style_problems(fig))


def test_the_checks_catch_four_panels_a_row_and_a_wrong_width():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.0, 2.5), layout="constrained")
    for ax in fig.subplots(1, 4):
        ax.plot([1, 2], [1, 2])
    problems = style_problems(fig)
    assert any("a row of 4 panels" in p for p in problems)
    assert any("figure width 8.0" in p for p in problems)


@pytest.mark.filterwarnings("ignore:constrained_layout not applied")
def test_the_checks_catch_small_text_ascii_art_and_text_off_the_figure():
    fig = _good_figure()
    fig.axes[0].set_xlabel("V*_0(rho)", fontsize=6)
    fig.axes[1].text(1.5, 2.0, "far right " * 40)
    problems = style_problems(fig)
    assert any("is 6 pt" in p for p in problems)
    assert any("ASCII-art" in p and "V*_0(rho)" in p for p in problems)
    assert any("runs off the figure" in p for p in problems)


def test_the_checks_catch_a_legend_handle_unlike_its_line():
    from matplotlib.lines import Line2D

    from mdplab.plotting import figure_legend

    fig = _good_figure()
    for ax in fig.axes:
        ax.get_legend().remove()
    proxy = Line2D([], [], color="C0", ls="-", marker="o")  # the line is dashed
    figure_legend(fig, handles=[proxy], labels=["a solid proxy"])
    assert any("'a solid proxy'" in p for p in legend_handle_problems(fig))
    fig2 = _good_figure()
    assert legend_handle_problems(fig2) == []  # the real handles match


def test_the_checks_catch_type3_fonts(tmp_path):
    fig = _good_figure()
    with matplotlib.rc_context({"pdf.fonttype": 3}):
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf")
    assert "a Type 3 font is embedded" in pdf_font_problems(buf.getvalue())
    (pdf,) = save_figure(fig, tmp_path / "good.pdf")
    assert pdf_font_problems(pdf.read_bytes()) == []


# ----------------------------------------------------------------------------- quick mark
def _spy_demo():
    from mdplab.experiments import demo

    made = []

    def plot(table, params):
        fig = demo.plot(table, params)
        made.append(fig)
        return fig

    exp = types.SimpleNamespace(NAME=demo.NAME, BASE_SEED=demo.BASE_SEED, PARAMS=demo.PARAMS,
                                grid=lambda q, p: [{"p": 0.5, "n": n} for n in (10, 100)],
                                n_seeds=lambda q: 2, run_cell=demo.run_cell, plot=plot)
    return exp, made


@pytest.mark.parametrize("quick", [True, False])
def test_the_runner_marks_quick_figures_only(tmp_path, quick):
    exp, made = _spy_demo()
    summary = run_experiment(exp, quick=quick, out_dir=tmp_path, store=tmp_path / "s.sqlite",
                             progress=False)
    assert summary.figure_paths
    (fig,) = made
    marks = [t for t in fig.texts if t.get_gid() == QUICK_GID]
    if quick:
        assert len(marks) == 1 and "QUICK BUDGET" in marks[0].get_text()
        _, drawn = drawn_texts(fig)
        assert marks[0] in drawn and marks[0].get_alpha() > 0.1  # drawn, visible
    else:
        assert marks == []
    assert style_problems(fig, quick_mark_allowed=quick) == []


def test_quick_mark_is_idempotent_and_checks_its_input():
    from mdplab.plotting import quick_mark

    fig = _good_figure()
    a, b = quick_mark(fig), quick_mark(fig)
    assert a is b and sum(t.get_gid() == QUICK_GID for t in fig.texts) == 1
    with pytest.raises(TypeError, match="fig"):
        quick_mark("not a figure")
    with pytest.raises(ValueError, match="text"):
        quick_mark(fig, "  ")


# ----------------------------------------------------------------------------- no global state
def test_plotting_never_touches_the_backend_pyplot_or_rcparams(tmp_path):
    """In a fresh interpreter with the svg backend chosen: make, mark and save a house-style
    figure through the runner; the backend is still svg, pyplot was never imported, and
    rcParams are unchanged."""
    code = f"""
import copy, json, sys, types
import matplotlib
matplotlib.use("svg")
before = copy.deepcopy(dict(matplotlib.rcParams))
from mdplab.experiments import demo, run_experiment
exp = types.SimpleNamespace(NAME=demo.NAME, BASE_SEED=demo.BASE_SEED, PARAMS=demo.PARAMS,
                            grid=lambda q, p: [{{"p": 0.5, "n": n}} for n in (10, 100)],
                            n_seeds=lambda q: 2, run_cell=demo.run_cell, plot=demo.plot)
s = run_experiment(exp, quick=True, out_dir={str(tmp_path)!r}, progress=False)
changed = sorted(k for k in before if matplotlib.rcParams[k] != before[k])
print(json.dumps([matplotlib.get_backend(), "matplotlib.pyplot" in sys.modules, changed,
                  [p.name for p in s.figure_paths]]))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    backend, pyplot_loaded, changed, paths = json.loads(out.strip().splitlines()[-1])
    assert backend == "svg" and not pyplot_loaded and changed == []
    assert paths == ["demo_bernoulli_mean.png", "demo_bernoulli_mean.pdf"]


def test_style_is_a_context_and_restores_rcparams():
    from mdplab.plotting import MIN_FONT_PT, house_rc, style

    before = copy.deepcopy(dict(matplotlib.rcParams))
    with style() as rc:
        assert matplotlib.rcParams["pdf.fonttype"] == 42 == rc["ps.fonttype"]
        assert min(rc[k] for k in ("font.size", "xtick.labelsize", "legend.fontsize",
                                   "axes.titlesize")) >= MIN_FONT_PT
    assert dict(matplotlib.rcParams) == before
    with pytest.raises(ValueError, match="legend.fontsize"):
        house_rc(**{"legend.fontsize": 6})
    with pytest.raises(ValueError, match="not a matplotlib rcParams key"):
        house_rc(**{"no.such_key": 1})


def test_a_pyplot_figure_is_closed_and_a_plain_one_needs_no_pyplot(tmp_path):
    import matplotlib.pyplot as plt

    from mdplab.plotting import new_figure, style

    with style():
        fig, _ = new_figure(pyplot=True)
    assert plt.fignum_exists(fig.number)
    save_figure(fig, tmp_path / "a.png")
    assert not plt.fignum_exists(fig.number)
    with style():
        plain, _ = new_figure()
    assert plain.canvas.manager is None
    save_figure(plain, tmp_path / "b.png")
    assert (tmp_path / "b.png").stat().st_size > 0


# ----------------------------------------------------------------------------- new_figure
@pytest.mark.parametrize("n, per_row, rows", [(1, 1, [1]), (3, 3, [3]), (4, 3, [3, 1]),
                                              (5, 3, [3, 2]), (7, 3, [3, 3, 1])])
def test_new_figure_wraps_beyond_three_panels(n, per_row, rows):
    from mdplab.plotting import new_figure

    fig, axes = new_figure(n, "full")
    assert axes.shape == (n,) and fig.get_figwidth() == 6.9
    fig.draw_without_rendering()
    assert [len(r) for r in _rows_of_panels(fig)] == rows
    if n == 4:  # the short last row is centred
        box, first = axes[3].get_position(), axes[0].get_position()
        assert box.x0 > first.x1 and abs((box.x0 + box.x1) / 2 - 0.5) < 0.05


def test_new_figure_validates_its_arguments():
    from mdplab.plotting import new_figure

    with pytest.raises(ValueError, match="ncols is 4"):
        new_figure(4, ncols=4)
    with pytest.raises(ValueError, match="ncols is 3"):
        new_figure(2, ncols=3)
    with pytest.raises(ValueError, match="width is 'wide'"):
        new_figure(1, "wide")
    with pytest.raises(ValueError, match="n_panels is 0"):
        new_figure(0)
    with pytest.raises(TypeError, match="n_panels"):
        new_figure(True)
    with pytest.raises(TypeError, match="pyplot"):
        new_figure(1, pyplot="yes")
    fig, axes = new_figure(4, "column", ncols=2)
    assert fig.get_figwidth() == 3.3 and len(axes) == 4


def test_legend_helpers_use_the_real_handles():
    from mdplab.plotting import figure_legend, new_figure, style

    with style():
        fig, (a, b) = new_figure(2, "full")
        la, = a.plot([1, 2], [1, 2], "s-.", color="C2", label="$x$")
        b.plot([1, 2], [2, 1], "s-.", color="C2", label="$x$")  # same label: one entry
        b.plot([1, 2], [1, 1], "^:", color="C4", label="$y$")
        leg = figure_legend(fig, where="right")
    assert [t.get_text() for t in leg.get_texts()] == ["$x$", "$y$"]
    h = leg.legend_handles[0]
    assert (h.get_linestyle(), h.get_marker(), h.get_color()) == ("-.", "s", la.get_color())
    with pytest.raises(ValueError, match="where"):
        figure_legend(fig, where="inside")
    with pytest.raises(ValueError, match="fontsize is 6"):
        figure_legend(fig, fontsize=6)
    assert style_problems(fig) == []


def test_a_house_figure_shows_itself_in_a_notebook_without_pyplot():
    """A house-style figure is not pyplot's, yet IPython displays it as a PNG (the figure
    of the gymnasium tutorial is a cell's value); pyplot is never imported for it."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "from mdplab.plotting import new_figure, style\n"
        "with style():\n"
        "    fig, axes = new_figure(2, width='full')\n"
        "    axes[0].plot([1, 2], [3, 4])\n"
        "data, _ = InteractiveShell.instance().display_formatter.format(fig)\n"
        "assert data['image/png'][:4] == b'\\x89PNG', sorted(data)\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
