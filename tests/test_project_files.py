"""LICENSE, CITATION.cff and CHANGELOG.md agree with pyproject.toml (issue 9 §5)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_license_file_is_the_license_pyproject_declares():
    assert PYPROJECT["license"] == {"text": "BSD-3-Clause"}
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("BSD 3-Clause License")
    # the third clause is what makes it BSD-3 rather than BSD-2
    assert "Neither the name of the copyright holder" in text


def test_citation_file_matches_the_package():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == PYPROJECT["version"]
    assert cff["license"] == "BSD-3-Clause"
    assert cff["title"].startswith("mdplab") and cff["authors"]


def test_changelog_has_the_current_version_and_unreleased_changes():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "## Unreleased" in text
    assert f"## {PYPROJECT['version']}" in text
