"""Issue 8 §1: results never go stale. A cell's key includes the code fingerprint (module
source, mdplab version, BASE_SEED, parameters); declared parameters are overridden from Python
and from `mdplab run --set`, enter the output names, and reach run_cell and plot."""

from __future__ import annotations

import json
import textwrap
import types

import numpy as np
import pytest

from mdplab.experiments import Param, experiment_params, resolve_params, run_experiment
from mdplab.experiments.params import output_suffix

EXPERIMENT = '''
"""A user experiment with one declared constant."""
from mdplab.experiments import Param, resolve_params

NAME = "user_scale"
BASE_SEED = {base_seed}
PARAMS = {{"scale": Param(float, {scale}, "multiplies the seed", low=0.0)}}
DEFAULTS = resolve_params(PARAMS)


def grid(quick, params=DEFAULTS):
    return [{{"x": x}} for x in (1, 2)]


def n_seeds(quick):
    return 2


def run_cell(config, seed, params=DEFAULTS):
    return {{"y": config["x"] * params.scale, "u": (seed % 1000) / 1000}}


def plot(table, params=DEFAULTS):
    from mdplab.plotting import new_figure
    fig, (ax,) = new_figure()
    ax.plot([r["x"] for r in table], [r["y"] for r in table], "o",
            label=f"scale = {{params.scale:g}}")
    ax.set_title(f"scale = {{params.scale:g}}")
    ax.legend()
    return fig
'''


def _write(path, scale=0.05, base_seed=7):
    path.write_text(textwrap.dedent(EXPERIMENT.format(scale=scale, base_seed=base_seed)))
    return str(path)


def _load(path):
    from mdplab._plugins import load_module

    return load_module(path)


# ------------------------------------------------------------------ Param and resolve_params
def test_params_are_typed_and_validated_with_clear_errors():
    declared = {"c_b": Param(float, 0.05, "penalty"), "H": Param(int, 10, "horizon", low=1,
                                                                 high=1000),
                "mode": Param(str, "a", choices=("a", "b")), "on": Param(bool, False)}
    p = resolve_params(declared, {"c_b": 1, "H": np.int64(20)})  # int for float; numpy scalar
    assert p.c_b == 1.0 and isinstance(p.c_b, float) and p.H == 20 and type(p.H) is int
    assert dict(p) == {"c_b": 1.0, "H": 20, "mode": "a", "on": False}
    with pytest.raises(ValueError, match=r"(?s)unknown parameter .cb.*c_b: float.*H: int"):
        resolve_params(declared, {"cb": 0.5})
    with pytest.raises(TypeError, match=r"parameter 'H' is 2.5 \(float\); must be int"):
        resolve_params(declared, {"H": 2.5})
    with pytest.raises(TypeError, match="parameter 'on' is 1"):
        resolve_params(declared, {"on": 1})
    with pytest.raises(TypeError, match="parameter 'c_b' is 'x'"):
        resolve_params(declared, {"c_b": "x"})
    with pytest.raises(ValueError, match=r"parameter 'H' is 1000000000000000; must be <= 1000"):
        resolve_params(declared, {"H": 10**15})
    with pytest.raises(ValueError, match="must be one of"):
        resolve_params(declared, {"mode": "c"})
    with pytest.raises(ValueError, match="must be finite"):
        resolve_params(declared, {"c_b": float("nan")})
    with pytest.raises(AttributeError):
        p.c_b = 3.0  # frozen
    with pytest.raises(TypeError, match="Param type"):
        Param(list, [])
    with pytest.raises(TypeError):
        Param(int, "ten")  # the default must itself be valid


def test_an_experiment_without_params_refuses_overrides():
    exp = types.SimpleNamespace(NAME="plain", BASE_SEED=1, grid=lambda q: [{"a": 1}],
                                n_seeds=lambda q: 1, run_cell=lambda c, s: {"b": 2})
    with pytest.raises(ValueError, match="declares no PARAMS"):
        experiment_params(exp, {"c_b": 1.0})


def test_bad_parameters_fail_before_the_store_exists(tmp_path):
    exp = types.SimpleNamespace(NAME="plain", BASE_SEED=1, grid=lambda q: [{"a": 1}],
                                n_seeds=lambda q: 1, run_cell=lambda c, s: {"b": 2})
    with pytest.raises(ValueError, match="declares no PARAMS"):
        run_experiment(exp, params={"c_b": 1.0}, out_dir=tmp_path, progress=False)
    assert not (tmp_path / ".cells.sqlite").exists()


def test_output_suffix_is_sorted_and_file_safe():
    assert output_suffix({}) == ""
    assert output_suffix({"c_b": 0.5, "H": 20}) == "[H=20,c_b=0.5]"
    assert output_suffix({"name": "a/b c"}) == "[name=a_b_c]"


# ------------------------------------------------------------------ fingerprints
def test_editing_a_constant_makes_new_cells_and_a_new_title(tmp_path):
    """The gambler scenario on a user experiment: before, editing the module's constant reused
    the old cells and kept the old title; now the edit makes new cells, and the title, the
    table and meta.json show the new value. The old cells stay in the store."""
    path = tmp_path / "user_scale.py"
    out = tmp_path / "out"
    kw = dict(store=tmp_path / "cells.sqlite", out_dir=out, progress=False)
    first = run_experiment(_load(_write(path, scale=0.05)), **kw)
    assert (first.n_run, first.n_skipped) == (4, 0)
    assert {r["y"] for r in first.table} == {0.05, 0.1}
    again = run_experiment(_load(_write(path, scale=0.05)), **kw)
    assert (again.n_run, again.n_skipped) == (0, 4)

    import sys
    for name in [m for m in sys.modules if m.startswith("mdplab_user_user_scale")]:
        del sys.modules[name]  # the "edit and re-run" of a new process
    edited = run_experiment(_load(_write(path, scale=0.5)), **kw)
    assert (edited.n_run, edited.n_skipped) == (4, 0)
    assert edited.fingerprint != first.fingerprint
    assert {r["y"] for r in edited.table} == {0.5, 1.0}  # never mixed with the old cells
    meta = json.loads((out / "user_scale.meta.json").read_text())
    assert meta["parameters"] == {"scale": 0.5} and meta["fingerprint"] == edited.fingerprint
    from mdplab.experiments import CellStore

    store = CellStore(tmp_path / "cells.sqlite")
    assert len(store.rows("user_scale")) == 8  # the old cells are kept
    assert len(store.rows("user_scale", fingerprint=first.fingerprint)) == 4


def test_changing_base_seed_reuses_nothing(tmp_path):
    path = tmp_path / "user_seed.py"
    kw = dict(store=tmp_path / "cells.sqlite", out_dir=None, progress=False)
    a = run_experiment(_load(_write(path, base_seed=7)), **kw)
    import sys
    for name in [m for m in sys.modules if m.startswith("mdplab_user_user_seed")]:
        del sys.modules[name]
    b = run_experiment(_load(_write(path, base_seed=8)), **kw)
    assert b.n_run == 4 and b.n_skipped == 0
    assert [r["seed"] for r in a.table] != [r["seed"] for r in b.table]


def test_overrides_enter_fingerprint_outputs_run_cell_and_plot(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    path = _write(tmp_path / "user_over.py")
    exp = _load(path)
    kw = dict(store=tmp_path / "cells.sqlite", out_dir=tmp_path, progress=False)
    base = run_experiment(exp, **kw)
    over = run_experiment(exp, params={"scale": 2}, **kw)
    assert over.n_run == 4 and over.fingerprint != base.fingerprint
    assert over.params.scale == 2.0 and {r["y"] for r in over.table} == {2.0, 4.0}
    for suffix in (".csv", ".png", ".pdf", ".meta.json"):
        assert (tmp_path / f"user_scale[scale=2.0]{suffix}").is_file()
        assert (tmp_path / f"user_scale{suffix}").is_file()  # the default run is untouched
    seen = {}
    original = exp.plot

    def spy(table, params):
        seen["params"] = params
        fig = original(table, params)
        seen["title"] = fig.axes[0].get_title()
        return fig

    exp.plot = spy
    try:
        run_experiment(exp, params={"scale": 3.0}, **kw)
    finally:
        exp.plot = original
    assert seen["params"].scale == 3.0 and seen["title"] == "scale = 3"
    with pytest.raises(ValueError, match=r"(?s)unknown parameter .scal.*scale: float"):
        run_experiment(exp, params={"scal": 1.0}, **kw)


def test_cli_set_overrides_and_reports_bad_keys(tmp_path, capsys):
    from mdplab.cli import main

    path = _write(tmp_path / "user_cli.py")
    out = tmp_path / "figs"
    assert main(["run", path, "--set", "scale=0.5", "--out", str(out)]) == 0
    assert "user_scale[scale=0.5].csv" in capsys.readouterr().out
    assert main(["run", path, "--set", "scale=0.5", "--out", str(out)]) == 0
    assert "4 already done, 0 run" in capsys.readouterr().out
    assert main(["run", path, "--set", "nope=1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "unknown parameter 'nope'" in err and "scale: float" in err
    assert main(["run", path, "--set", "scale=abc", "--out", str(out)]) == 2
    assert "parameter 'scale' is 'abc' (str); must be float" in capsys.readouterr().err
    assert main(["run", path, "--params"]) == 0
    assert "scale: float (default 0.05, >= 0): multiplies the seed" in capsys.readouterr().out


def test_cli_huge_value_is_a_clear_error_not_a_memory_error(capsys):
    from mdplab.cli import main

    assert main(["run", "gambler_vilcb", "--set", "H=10**15", "--out", "/nonexistent/x"]) == 2
    err = capsys.readouterr().err
    assert "parameter 'H' is 1000000000000000; must be <= 10000" in err
    assert "Traceback" not in err


# ------------------------------------------------------------------ the library's experiments
LIBRARY = ["gambler_vilcb", "generative_model_rate", "lcb_bandit_regimes",
           "lcb_intermediate_cstar", "pevi_linear_rate", "vilcb_bernstein_vs_split",
           "vilcb_horizon_dependence", "vilcb_scaling_collapse"]


@pytest.mark.parametrize("name", LIBRARY)
def test_every_library_experiment_declares_its_constants(name):
    import importlib

    module = importlib.import_module(f"experiments.{name}")
    assert module.PARAMS and all(isinstance(p, Param) for p in module.PARAMS.values())
    assert module.DEFAULTS == resolve_params(module.PARAMS)
    assert module.grid(True) == module.grid(True, module.DEFAULTS)


def test_gambler_c_b_reaches_the_cell_and_the_title():
    """The §1 scenario on the real experiment: c_b is a parameter; run_cell uses it and the
    figure's title and legend print it (mathtext, issue 9 §4)."""
    import experiments.gambler_vilcb as G

    assert G.PARAMS["c_b"].default == 0.05
    cfg = {"N": 54, "version": "clean"}
    low, high = G.run_cell(cfg, 3), G.run_cell(cfg, 3, resolve_params(G.PARAMS, {"c_b": 5.0}))
    assert low["gap_vi"] == high["gap_vi"] and low["gap_vilcb"] != high["gap_vilcb"]
    table = [{**cfg, "replicate": i, "seed": i, **low} for i in range(2)]
    for c_b in (0.05, 0.5):
        fig = G.plot(table, resolve_params(G.PARAMS, {"c_b": c_b}))
        title = fig._suptitle.get_text().replace("\n", " ")
        assert f"VI-LCB $c_b = {c_b:g}$ vs VI" in title
        labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
        assert any(f"$c_b = {c_b:g}$" in t for t in labels)


def test_pevi_linear_rate_draws_the_trivial_bound():
    import experiments.pevi_linear_rate as E

    rng = np.random.default_rng(0)
    table = [{"c": c, "K": K, "replicate": i, "seed": i, "suboptimality": rng.random(),
              "bound": 10 * rng.random() / np.sqrt(K), "E_holds": True, "beta": 1.0}
             for c in (1.0, 0.03) for K in (100, 1000, 10000) for i in range(3)]
    p = resolve_params(E.PARAMS, {"H": 7})
    fig = E.plot(table, p)
    for ax in fig.axes:
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "trivial bound $H = 7$" in labels
        line = next(li for li in ax.get_lines() if li.get_label() == "trivial bound $H = 7$")
        assert set(line.get_ydata()) == {7.0}
    assert "$H = 7$" in fig._suptitle.get_text()


def test_the_fingerprint_does_not_depend_on_the_import_name(tmp_path):
    """One experiment reached as experiments.x, mdplab.experiments.library.x or a file path
    (whose module name differs per process) has one fingerprint: cells are reused."""
    import importlib

    from mdplab.experiments import fingerprint

    a = importlib.import_module("experiments.generative_model_rate")
    b = importlib.import_module("mdplab.experiments.library.generative_model_rate")
    from mdplab._plugins import load_module

    c = load_module(a.__file__)
    fps = {fingerprint(m, m.DEFAULTS) for m in (a, b, c)}
    assert len(fps) == 1
    code = ("from mdplab._plugins import load_module; from mdplab.experiments import "
            f"fingerprint; m = load_module({a.__file__!r}); print(fingerprint(m, m.DEFAULTS))")
    import subprocess
    import sys

    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert {other} == fps
