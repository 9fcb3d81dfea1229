"""User claims and experiments as plugins; what the wheel installs (issue: research workflow §3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from mdplab import _plugins
from mdplab.claims import discover
from mdplab.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "plugin_fixtures"
MY_CLAIMS = str(FIXTURES / "my_claims.py")


def _env(**extra: str) -> dict:
    env = dict(os.environ)
    env.update(extra)
    return env


def test_check_runs_a_users_claims_file(tmp_path, capsys):
    assert main(["check", "--module", MY_CLAIMS, "--only-modules", "--no-progress",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "user.value_is_occupancy_times_reward" in out and "1 passed, 0 failed" in out
    # its planted bug is caught through the same command
    assert main(["check", "--module", MY_CLAIMS, "--only-modules", "--mutants",
                 "--no-progress", "--out", str(tmp_path)]) == 0
    assert "mutants caught: 1/1" in capsys.readouterr().out


def test_check_module_by_dotted_name_and_with_the_library(tmp_path, capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(FIXTURES))
    claims = discover(["my_claims"])
    ids = [c.id for c in claims]
    assert "user.value_is_occupancy_times_reward" in ids
    assert any(i.startswith("foundations.") for i in ids)  # the library's claims are kept
    assert main(["check", "--module", "my_claims", "--claim",
                 "user.value_is_occupancy_times_reward", "--no-progress",
                 "--out", str(tmp_path)]) == 0


def test_bad_module_specs_are_clear_errors(tmp_path, capsys):
    assert main(["check", "--module", str(tmp_path / "nope.py"), "--out", str(tmp_path)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["check", "--module", "no_such_module_xyz", "--out", str(tmp_path)]) == 2
    assert "no module 'no_such_module_xyz'" in capsys.readouterr().err
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    assert main(["check", "--module", str(empty), "--out", str(tmp_path)]) == 2
    assert "defines no list CLAIMS" in capsys.readouterr().err
    dup = tmp_path / "dup.py"
    dup.write_text(textwrap.dedent("""
        from mdplab.claims import Claim
        f = lambda b, r, i: {"statistic": 0, "bound": 1, "passed": True}
        CLAIMS = [Claim("foundations.occupancy_flow", "x", "s", "src", f, {})]
    """))
    assert main(["check", "--module", str(dup), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "defined twice" in err and "foundations" in err


def test_user_claims_run_in_worker_processes(tmp_path, capsys):
    """A claims file loaded by path is pickled by value, so joblib workers can run it."""
    assert main(["check", "--module", MY_CLAIMS, "--only-modules", "--mutants", "--jobs", "2",
                 "--no-progress", "--out", str(tmp_path)]) == 0


def test_markdown_report_escapes_pipes_and_json_keeps_numbers(tmp_path):
    assert main(["check", "--module", MY_CLAIMS, "--only-modules", "--no-progress",
                 "--out", str(tmp_path)]) == 0
    md = (tmp_path / "claims-quick.md").read_text()
    row = next(line for line in md.splitlines() if line.startswith("| user."))
    # every | inside a cell is escaped, so the row has exactly 7 unescaped separators
    unescaped = row.replace("\\|", "")
    assert unescaped.count("|") == 7, row
    assert "<d^pi, r> \\| exactly" in row
    data = json.loads((tmp_path / "claims-quick.json").read_text())
    record = data[0]
    assert isinstance(record["statistic"], float) and isinstance(record["bound"], float)
    assert isinstance(record["passed"], bool) and isinstance(record["seconds"], float)
    assert record["vacuous"] is False


def test_json_numbers_are_numbers_in_library_reports(tmp_path):
    assert main(["check", "--claim", "foundations.generative_concentration", "--no-progress",
                 "--out", str(tmp_path)]) == 0
    record = json.loads((tmp_path / "claims-quick.json").read_text())[0]
    assert record["interval"] is not None and all(isinstance(x, float)
                                                  for x in record["interval"])
    strings = [k for k, v in record["details"].items()
               if isinstance(v, str) and v.replace(".", "", 1).replace("e-", "").isdigit()]
    assert not strings, f"numbers stored as strings: {strings}"


def test_check_shows_a_progress_bar(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "mdplab", "check", "--module", MY_CLAIMS,
                           "--only-modules", "--out", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "claims" in proc.stderr and "1/1" in proc.stderr  # tqdm's bar on stderr


def test_python_dash_m_mdplab_is_the_command():
    proc = subprocess.run([sys.executable, "-m", "mdplab", "--help"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0 and "usage: mdplab" in proc.stdout


def _fake_plugin(site: Path) -> None:
    """A tiny installed distribution: a package and a dist-info with two entry points."""
    pkg = site / "mdplab_demo_plugin"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "claims.py").write_text(textwrap.dedent("""
        from mdplab.claims import Claim

        def _check(budget, rng, impl):
            x = impl.value()
            return {"statistic": x, "bound": 1.0, "passed": x <= 1.0}

        CLAIMS = [Claim("demo.half_is_small", "demo", "1/2 <= 1", "arithmetic", _check,
                        {"value": lambda: 0.5}, mutants={"big": {"value": lambda: 2.0}})]
    """))
    (pkg / "sweep.py").write_text((FIXTURES / "my_experiment.py").read_text()
                                  .replace('"user_square"', '"demo_square"'))
    info = site / "mdplab_demo_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: mdplab-demo-plugin\n"
                                   "Version: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[mdplab.claims]\ndemo = mdplab_demo_plugin.claims\n\n"
        "[mdplab.experiments]\ndemo_square = mdplab_demo_plugin.sweep\n")
    (info / "top_level.txt").write_text("mdplab_demo_plugin\n")
    (info / "RECORD").write_text("")


def test_entry_point_plugins_are_discovered(tmp_path):
    site = tmp_path / "site"
    _fake_plugin(site)
    env = _env(PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]))
    listing = subprocess.run([sys.executable, "-m", "mdplab", "list"], capture_output=True,
                             text=True, env=env, cwd=tmp_path, timeout=300)
    assert listing.returncode == 0, listing.stderr
    line = next(ln for ln in listing.stdout.splitlines() if ln.startswith("demo.half_is_small"))
    assert "[plugin mdplab-demo-plugin]" in line
    assert any(ln.startswith("demo_square") for ln in listing.stdout.splitlines())
    check = subprocess.run([sys.executable, "-m", "mdplab", "check", "--claim",
                            "demo.half_is_small", "--no-progress", "--out", str(tmp_path)],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert check.returncode == 0 and "1 passed, 0 failed" in check.stdout, check.stderr
    mutants = subprocess.run([sys.executable, "-m", "mdplab", "check", "--paper", "demo",
                              "--mutants", "--no-progress", "--out", str(tmp_path)],
                             capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert "mutants caught: 1/1" in mutants.stdout, mutants.stderr


def test_a_broken_plugin_is_named(tmp_path, monkeypatch):
    site = tmp_path / "site"
    _fake_plugin(site)
    (site / "mdplab_demo_plugin" / "claims.py").write_text("raise RuntimeError('boom')\n")
    monkeypatch.syspath_prepend(str(site))
    import importlib

    importlib.invalidate_caches()
    with pytest.raises(ImportError, match="plugin 'demo'.*boom"):
        list(_plugins.entry_point_modules(_plugins.CLAIMS_GROUP))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("hatchling", reason="building the wheel needs hatchling (test extra)")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(ROOT)], check=True, capture_output=True,
                   timeout=600)
    (whl,) = out.glob("mdplab_theory-*.whl")
    return whl


def test_wheel_installs_no_top_level_experiments_or_proofs_checks(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/", 1)[0] for n in names}
    assert tops == {"mdplab", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1]
                    + ".dist-info"}, tops
    assert "mdplab/proofs_checks/foundations.py" in names
    assert "mdplab/experiments/library/gambler_vilcb.py" in names
    assert "mdplab/__main__.py" in names


def test_installed_wheel_is_not_shadowed_by_a_users_experiments_folder(wheel, tmp_path):
    target = tmp_path / "target"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=600)
    user = tmp_path / "project"
    for name in ("experiments", "proofs_checks"):
        (user / name).mkdir(parents=True)
        (user / name / "__init__.py").write_text("USER = True\n")
    code = textwrap.dedent("""
        import experiments, proofs_checks, mdplab
        from mdplab import _plugins
        from mdplab.claims import discover
        assert experiments.USER and proofs_checks.USER           # the user's folders
        assert mdplab.__file__.startswith(TARGET), mdplab.__file__  # the installed wheel
        assert "gambler_vilcb" in _plugins.experiments()
        assert any(c.paper == "foundations" for c in discover())
        print("ok")
    """).replace("TARGET", repr(str(target)))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=user, env=_env(PYTHONPATH=str(target)), timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
