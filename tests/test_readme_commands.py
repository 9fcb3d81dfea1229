"""The README states exactly two commands; .ci/run runs them verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## The two commands", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_readme_has_exactly_two_commands():
    cmds = _readme_commands()
    assert len(cmds) == 2, cmds
    install_run, install_test = cmds
    assert "pip install ." in install_run and "mdplab " in install_run
    assert '".[test]"' in install_test and "pytest" in install_test


def test_ci_runs_the_readme_commands_verbatim():
    ci_lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()]
    for cmd in _readme_commands():
        assert cmd in ci_lines, f"README command not run by .ci/run: {cmd}"


def test_distribution_name_is_stated():
    readme = (ROOT / "README.md").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'name = "mdplab-theory"' in pyproject
    assert "mdplab-theory" in readme


def test_readme_tour_runs():
    """The README's python tour is executed as written."""
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README has a python tour"
    namespace: dict = {}
    exec(compile(blocks[0], "README tour", "exec"), namespace)
    assert namespace["sol"].value > 0
