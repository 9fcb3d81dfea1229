"""The command line: mdplab list / mdplab solve."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from mdplab import envs, planning
from mdplab.cli import _parse_params, main


def test_list_names_every_registered_env(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("riverswim", "gridworld", "garnet", "combination_lock"):
        assert name in out


def test_solve_json_matches_the_library(capsys):
    assert main(["solve", "riverswim", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    mdp = envs.make("riverswim")
    if summary["kind"] == "discounted":
        expected = planning.policy_iteration(mdp).value
    else:
        expected = planning.backward_induction(mdp).value
    assert summary["value"] == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert summary["min_gap"] > 0


def test_solve_with_params_changes_the_instance(capsys):
    assert main(["solve", "combination_lock", "--param", "H=4", "--param", "A=3", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["H"] == 4 and s["A"] == 3
    assert s["value"] == pytest.approx(planning.backward_induction(
        envs.make("combination_lock", H=4, A=3)).value)
    assert 3 <= s["C_cov"] <= s["S"] * s["A"]  # A <= C_cov(all) <= S*A


def test_solve_table_output(capsys):
    assert main(["solve", "riverswim"]) == 0
    out = capsys.readouterr().out
    assert "V*(rho)" in out and "smallest gap" in out and "C_cov" in out


def test_unknown_env_is_a_clear_error(capsys):
    assert main(["solve", "no_such_env"]) == 2
    assert "no_such_env" in capsys.readouterr().err


def test_unknown_param_is_a_clear_error(capsys):
    assert main(["solve", "riverswim", "--param", "bogus=1"]) == 2
    assert "bogus" in capsys.readouterr().err


def test_param_parsing():
    assert _parse_params(["a=1", "b=0.5", "c=hello", "d=(1, 2)"]) == {
        "a": 1, "b": 0.5, "c": "hello", "d": (1, 2)}
    with pytest.raises(ValueError, match="expects key=value"):
        _parse_params(["novalue"])
    with pytest.raises(ValueError, match="not a valid name"):
        _parse_params(["1x=3"])


def test_malformed_param_exits_2(capsys):
    assert main(["solve", "riverswim", "--param", "novalue"]) == 2
    assert "--param expects key=value" in capsys.readouterr().err


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "mdplab.cli", "solve", "riverswim", "--json"],
                         capture_output=True, text=True, check=True).stdout
    assert np.isfinite(json.loads(out)["value"])
