"""The documentation site builds, offline, with warnings as errors, and holds what it must.

One build (``python -m sphinx -W --keep-going -b html docs <tmp>``, the tutorials executed)
is shared by the page tests: the landing page, an API page per public package naming every
name of its ``__all__``, the claims table with every registered claim id, and each tutorial
with its executed outputs. The generators behind the API pages and the claims table are
also tested on their own (no Sphinx build), each against a planted omission.
"""

from __future__ import annotations

import fcntl
import html as html_lib
import importlib
import json
import os
import re
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import mdplab_apigen as apigen  # noqa: E402
import mdplab_claims as claims_ext  # noqa: E402

#: the whole build must fit comfortably in the CI budget (20 minutes for everything)
BUILD_BUDGET_SECONDS = 300


def _build(out: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])}
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q",
         str(DOCS), str(out)], cwd=ROOT, env=env, capture_output=True, text=True)
    return {"returncode": done.returncode, "seconds": time.perf_counter() - t0,
            "tail": "\n".join((done.stdout + done.stderr).splitlines()[-80:])}


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The built site; built once per test session, also under pytest-xdist (the workers
    share a folder and a lock, and the first one to get the lock builds)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # each worker has its own basetemp below this
        shared = shared.parent
    out, record = shared / "docs-site", shared / "docs-site.json"
    with open(shared / "docs-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            record.write_text(json.dumps(_build(out)), encoding="utf-8")
        result = json.loads(record.read_text(encoding="utf-8"))
    assert result["returncode"] == 0, (
        f"sphinx -W failed (exit {result['returncode']}):\n{result['tail']}")
    assert result["seconds"] < BUILD_BUDGET_SECONDS, (
        f"the docs build took {result['seconds']:.0f} s; keep it under "
        f"{BUILD_BUDGET_SECONDS} s (the tutorials must stay small)")
    print(f"docs build: {result['seconds']:.1f} s")
    return out


def _text(path: Path) -> str:
    assert path.exists(), f"{path.name} was not built"
    return html_lib.unescape(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the built site
def test_landing_page(site):
    html = _text(site / "index.html")
    text = re.sub(r"<[^>]+>", "", html)  # code is highlighted token by token
    for needle in ("mdplab figs --quick", "mdplab check --budget quick", "pytest -n 2"):
        assert needle in text, needle
    for link in ("tutorials/index.html", "claims.html", "api/index.html", "conventions.html",
                 "families/index.html", "changelog.html"):
        assert f'href="{link}' in html, link


def test_api_page_names_the_models(site):
    html = _text(site / "api" / "mdplab.models.html")
    assert 'id="mdplab.models.FiniteHorizonMDP"' in html
    assert "An episodic MDP with finite states and actions" in html  # its docstring
    top = _text(site / "api" / "mdplab.html")
    assert 'id="mdplab.FiniteHorizonMDP"' in top  # the re-export points to it
    assert 'href="mdplab.models.html#mdplab.models.FiniteHorizonMDP"' in top


def test_every_public_name_has_an_entry(site):
    missing = []
    for package in apigen.public_packages():
        html = _text(site / "api" / f"{package}.html")
        for name in apigen.public_names(importlib.import_module(package)):
            obj = getattr(importlib.import_module(package), name)
            anchor = (f'id="module-{obj.__name__}"' if isinstance(obj, types.ModuleType)
                      else f'id="{package}.{name}"')
            if anchor not in html:
                missing.append(f"{package}.{name}")
    assert not missing, f"public names without an entry on their API page: {missing}"


def test_claims_table_has_every_registered_claim(site):
    from mdplab.claims import discover

    html = _text(site / "claims.html")
    ids = [c.id for c in discover(plugins=False)]
    assert len(ids) >= 30
    text = re.sub(r"<[^>]+>", "", html).replace("\u200b", "")  # ids may wrap at their dots
    absent = [i for i in ids if i not in text]
    assert not absent, f"claims missing from the table: {absent}"
    assert "(quick) /" in text and "Planted bugs:" in text


@pytest.mark.parametrize("page, needles", [
    ("offline_pipeline", ["ConcentrabilityResult(", "PessimisticResult(", "E holds",
                          "Theorem 3 accuracy at K = 30000", "image/png"]),
    ("own_claim", ["Evidence('mine.hoeffding_mean'", "halved_bonus", "caught",
                   "mutants caught: 1/2"]),
    ("experiments", ["30 cells (0 already done, 30 run, 0 failed)", "already done, ",
                     "interrupted with", "exit status 130", "identical tables: True",
                     "RunSummary("]),
    ("gymnasium_agent", ["environments, e.g.", "random agent: mean return",
                         "cumulative exact regret after 3000 episodes", "image/png"]),
])
def test_tutorial_executed(site, page, needles):
    html = _text(site / "tutorials" / f"{page}.html")
    outputs = html.count("cell_output")
    assert outputs >= 3, f"{page}: only {outputs} executed outputs"
    for needle in needles:
        if needle == "image/png":
            assert re.search(r'<img[^>]+src="[^"]+\.png"', html), f"{page}: no figure"
        else:
            assert needle in html, f"{page}: {needle!r} not in the executed page"
    assert "Traceback" not in html, f"{page}: an output holds a traceback"


@pytest.mark.parametrize("source", sorted(
    p.stem for p in (DOCS / "tutorials").glob("*.md") if p.stem != "index"))
def test_every_tutorial_is_built_and_executed(site, source):
    """Every notebook in docs/tutorials/ (also ones added later) is in the site, executed."""
    html = _text(site / "tutorials" / f"{source}.html")
    assert html.count("cell_output") >= 2, f"{source}: no executed outputs"
    assert "Traceback" not in html, f"{source}: an output holds a traceback"
    # a figure that was a cell's value but not displayed leaves only its repr behind
    assert "Figure size" not in html, f"{source}: a figure shown as text, not as an image"
    index = _text(site / "tutorials" / "index.html")
    assert f'href="{source}.html"' in index, f"{source} is not listed on the tutorials page"


def test_family_pages_show_their_figures(site):
    for page, figure in [("pevi", "pevi_linear_rate"), ("lcb", "lcb_bandit_regimes"),
                         ("vilcb", "gambler_vilcb"), ("generative", "generative_model_rate")]:
        html = _text(site / "families" / f"{page}.html")
        assert f"{figure}.png" in html, (page, figure)
        assert (site / "_images" / f"{figure}.png").exists()


def test_landing_page_code_runs():
    """The snippet of the landing page is not executed by the build: run it here."""
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    import warnings

    import mdplab

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mdplab.MdplabWarning)
        for block in blocks:
            exec(compile(block, "docs/index.md", "exec"), {})


# ------------------------------------------------------------------ the API generator
def test_generator_covers_every_package_and_name():
    packages = apigen.public_packages()
    for required in ("mdplab", "mdplab.models", "mdplab.planning", "mdplab.sampling",
                     "mdplab.coverage", "mdplab.envs", "mdplab.algorithms",
                     "mdplab.algorithms.offline", "mdplab.claims", "mdplab.experiments",
                     "mdplab.kernels", "mdplab.plotting"):
        assert required in packages
    assert not any(p.startswith(("mdplab.proofs_checks", "mdplab.experiments.library"))
                   for p in packages)
    entries = apigen.collect(packages)
    for package in packages:
        page = apigen.package_page(package, entries[package], tuple(packages))
        for name in apigen.public_names(importlib.import_module(package)):
            assert re.search(rf"(::|- :\w+:`~{re.escape(package)}\.){re.escape(name)}\b",
                             page), f"{package}.{name} has no entry on its page"


def test_generator_documents_each_object_once():
    entries = apigen.collect(apigen.public_packages())
    top = {e.name: e for e in entries["mdplab"]}
    assert top["FiniteHorizonMDP"].canonical == "mdplab.models.FiniteHorizonMDP"
    assert top["MdplabWarning"].canonical == "mdplab.MdplabWarning"
    algorithms = {e.name: e for e in entries["mdplab.algorithms.offline"]}
    assert algorithms["Bound"].canonical == "mdplab.algorithms.Bound"
    assert algorithms["pevi"].canonical == "mdplab.algorithms.offline.pevi"
    full = [e.canonical for es in entries.values() for e in es
            if e.canonical == e.full and e.kind not in ("data", "module")]
    assert len(full) == len(set(full))


def _fake_package(monkeypatch, source: str, name: str = "mdplab_fake_pkg") -> types.ModuleType:
    path = Path(__import__("tempfile").mkdtemp()) / f"{name}.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.syspath_prepend(str(path.parent))
    sys.modules.pop(name, None)
    return importlib.import_module(name)


def test_generator_page_on_a_planted_package(monkeypatch):
    mod = _fake_package(monkeypatch, '''
        """A fake package."""
        #: the answer
        ANSWER = 42
        class Thing:
            """A thing."""
        def make() -> Thing:
            """Make a thing."""
            return Thing()
        def _private():
            pass
        __all__ = ["ANSWER", "Thing", "make"]
    ''')
    entries = apigen.collect([mod.__name__])[mod.__name__]
    page = apigen.package_page(mod.__name__, entries)
    assert ".. py:data:: ANSWER" in page and "the answer" in page
    assert ".. autoclass:: Thing" in page and ".. autofunction:: make" in page
    assert "_private" not in page
    # a planted omission: a name dropped from the entries is missing from the page
    dropped = apigen.package_page(mod.__name__, [e for e in entries if e.name != "make"])
    assert ".. autofunction:: make" not in dropped


def test_generator_refuses_an_undocumented_constant(monkeypatch):
    mod = _fake_package(monkeypatch, '''
        """A fake package."""
        LIMIT = 7
        __all__ = ["LIMIT"]
    ''', name="mdplab_fake_pkg2")
    entries = apigen.collect([mod.__name__])[mod.__name__]
    with pytest.raises(ValueError, match="no '#:' doc comment"):
        apigen.package_page(mod.__name__, entries)


def test_module_without_all_lists_its_public_definitions():
    import mdplab.plotting

    names = apigen.public_names(mdplab.plotting)
    assert {"new_figure", "rate_curve", "trivial_bound"} <= set(names)
    assert not any(n.startswith("_") for n in names)
    assert "SlopeFit" not in names  # imported, not defined there


# ------------------------------------------------------------------ the claims table
def test_claim_rows_cover_the_registry():
    from mdplab.claims import discover

    rows = claims_ext.claim_rows()
    assert [r["id"] for r in rows] == [c.id for c in discover(plugins=False)]
    by_id = {r["id"]: r for r in rows}
    assert ("M", "60", "500") in by_id["jin2021.l1_quantifier_validity"]["budget"]
    assert ("_n_instances(budget)", "30", "500") in by_id["foundations.contraction"]["budget"]
    assert by_id["jin2021.l1_quantifier_validity"]["false_alarm"] > 0
    assert all(r["mutants"] for r in rows), "every claim has planted bugs"
    assert [r["paper"] for r in claims_ext.claim_rows("jin2021")] == ["jin2021"] * 6


def test_budget_notes_read_from_the_check():
    def _pick(budget, quick, full):
        return quick if budget == "quick" else full

    def _helper(budget):
        reps = 2 if budget == "quick" else 9
        return reps

    def _n_instances(budget):
        return 30 if budget == "quick" else 500

    def check(budget, rng, impl):
        quick = budget == "quick"
        M = 60 if budget == "quick" else 500
        Ks = (10, 100) if quick else (10, 100, 1000)
        trials = _pick(budget, 5, 50)
        if quick:
            cells, n = [1], 3
        else:
            cells, n = [1, 2], 30
        _helper(budget)
        for _ in range(_n_instances(budget)):
            pass
        threshold = 0.5  # not budget-dependent
        return {"statistic": M + len(Ks) + trials + n + len(cells) + threshold}

    check.__globals__.update(_pick=_pick, _helper=_helper, _n_instances=_n_instances)
    notes = claims_ext.budget_notes(check)
    assert ("M", "60", "500") in notes
    assert ("Ks", "(10, 100)", "(10, 100, 1000)") in notes
    assert ("trials", "5", "50") in notes
    assert ("cells", "[1]", "[1, 2]") in notes and ("n", "3", "30") in notes
    assert ("reps", "2", "9") in notes  # from the helper called with the budget
    assert ("_n_instances(budget)", "30", "500") in notes  # a helper returning the choice
    assert not any(name in ("threshold", "quick") for name, _, _ in notes)
