"""``import mdplab`` is cheap; its layers load on first attribute access (PEP 562)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import mdplab

LAYERS = ("planning", "envs", "sampling", "coverage", "algorithms", "claims", "experiments",
          "interop")


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout


def test_import_mdplab_imports_no_layer():
    code = (
        "import json, sys, mdplab; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('mdplab'))))"
    )
    loaded = set(json.loads(_run(code)))
    for layer in (*LAYERS, "kernels", "plotting", "cli"):
        assert f"mdplab.{layer}" not in loaded, sorted(loaded)
    # and none of the heavy dependencies the layers pull in
    code = (
        "import json, sys, mdplab; "
        "print(json.dumps([m for m in ('numba', 'scipy', 'cvxpy', 'matplotlib', 'pandas')"
        " if m in sys.modules]))"
    )
    assert json.loads(_run(code)) == []


@pytest.mark.parametrize("layer", LAYERS)
def test_attribute_access_imports_the_layer(layer):
    code = (
        "import sys, mdplab\n"
        f"assert 'mdplab.{layer}' not in sys.modules\n"
        f"mod = mdplab.{layer}\n"
        f"assert mod is sys.modules['mdplab.{layer}']\n"
        f"assert mod.__name__ == 'mdplab.{layer}'\n"
        "print('ok')\n"
    )
    assert _run(code).strip() == "ok"


def test_layers_in_dir_and_lazy_warning_class():
    names = dir(mdplab)
    for layer in LAYERS:
        assert layer in names
    assert "MdplabWarning" in names and "MdplabWarning" in mdplab.__all__
    assert issubclass(mdplab.MdplabWarning, UserWarning)
    from mdplab._warnings import MdplabWarning

    assert mdplab.MdplabWarning is MdplabWarning


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_layer"):
        mdplab.no_such_layer  # noqa: B018
    assert not hasattr(mdplab, "no_such_layer")


def test_help_lists_the_layers_and_where_to_start():
    doc = mdplab.__doc__
    assert doc is not None
    for layer in LAYERS:
        assert f"mdplab.{layer}" in doc
    assert "Where to start" in doc


def test_py_typed_ships_in_the_package():
    assert (Path(mdplab.__file__).parent / "py.typed").is_file()
