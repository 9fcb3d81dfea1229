"""Sphinx configuration of the mdplab documentation site.

Build (offline; warnings are errors, so a broken cross-reference or a failing tutorial fails):

    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

# The repository's mdplab comes first, here and in the tutorials' kernels (subprocesses that
# inherit the environment).
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])

import mdplab  # noqa: E402

project = "mdplab"
author = "mdplab developers"
copyright = "2026, mdplab developers"
release = version = mdplab.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    # MathJax 3 copied into _static, so the formulas render without a network (the default
    # loads MathJax from a CDN, and an offline reader sees raw TeX)
    "sphinx-mathjax-offline",
    "myst_nb",
    "mdplab_apigen",
    "mdplab_claims",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints", "_ext"]
root_doc = "index"

# -- autodoc / napoleon ------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
autodoc_inherit_docstrings = False
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
# Parameters, keyword arguments and attributes as plain field lists: their types (shapes such
# as ``(H, S, A) float array``) are text, not cross-references to guess.
napoleon_use_param = False
napoleon_use_keyword = False
# "Returns" as written: mdplab's docstrings describe results in prose (a result object and
# its fields), which napoleon's field parser would cut into one bullet per line
napoleon_custom_sections = [("Attributes", "params_style"), "Returns"]
napoleon_preprocess_types = False

# A broken reference to mdplab's own objects fails the build; references to other libraries'
# types (numpy, typing, the standard library) are not checked (no intersphinx: the build is
# offline).
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(?!mdplab\b).*"),
    # private modules and the kernels' numpy references (not API; named in docstrings as
    # pointers into the source)
    (r"py:.*", r"mdplab(\.\w+)*\._\w+.*"),
    (r"py:.*", r"mdplab\.kernels\.\w*reference\b.*"),
]

# -- MyST / myst-nb ----------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 120
nb_execution_in_temp = True
nb_execution_show_tb = True
nb_merge_streams = True

# -- HTML --------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"mdplab {release}"
html_static_path = ["_static"]
html_css_files = ["mdplab.css"]
html_theme_options = {"navigation_with_keys": True}
