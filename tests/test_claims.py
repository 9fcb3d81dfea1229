"""The claims machinery and the foundations claims (quick budget), with their planted bugs."""

from __future__ import annotations

import json

import numpy as np
import pytest

import mdplab.claims as claims_pkg
from mdplab.claims import (
    Claim,
    binomial_check,
    discover,
    loglog_slope,
    run_claims,
    run_mutants,
    select,
)
from mdplab.cli import main

ALL = discover()
MUTANTS = [(c, m) for c in ALL for m in c.mutants]


def test_every_claim_has_a_source_and_at_least_one_mutant():
    assert ALL, "no claims discovered"
    for c in ALL:
        assert c.source and c.statement
        assert c.mutants, f"{c.id} has no planted bug, so its check is not shown to be able to fail"


@pytest.mark.parametrize("claim", ALL, ids=lambda c: c.id)
def test_claim_holds_at_quick_budget(claim):
    ev = claim.run("quick")
    assert ev.passed, ev


@pytest.mark.parametrize("claim,mutant", MUTANTS, ids=lambda x: x if isinstance(x, str) else x.id)
def test_every_mutant_is_caught(claim, mutant):
    ev = claim.run("quick", mutant=mutant)
    assert not ev.passed, f"{claim.id} did not catch mutant {mutant}: {ev}"


def test_runs_are_deterministic_and_independent_of_jobs():
    a = run_claims(ALL[:3], "quick", jobs=1)
    b = run_claims(ALL[:3], "quick", jobs=2)
    assert [e.statistic for e in a] == [e.statistic for e in b]


def test_binomial_check_false_alarm_logic():
    # 0 failures in 100 trials is consistent with any delta; 50/100 is not with delta = 0.1
    assert binomial_check(0, 100, 0.1).passed
    bad = binomial_check(50, 100, 0.1, alpha=1e-4)
    assert not bad.passed and bad.p_value < 1e-4
    # p-value is P(Bin(n, delta) >= k): k = 0 gives exactly 1
    assert binomial_check(0, 10, 0.3).p_value == pytest.approx(1.0)
    # at the boundary the rate sits inside the interval
    chk = binomial_check(10, 100, 0.1)
    assert chk.interval[0] < 0.1 < chk.interval[1]
    with pytest.raises(ValueError, match="failures is 11"):
        binomial_check(11, 10, 0.1)


def test_loglog_slope_recovers_a_known_rate():
    rng = np.random.default_rng(0)
    x = np.logspace(1, 4, 12)
    y = 3.0 * x ** -0.5 * np.exp(rng.normal(scale=0.05, size=x.size))
    fit = loglog_slope(x, y)
    assert fit.contains(-0.5) and not fit.contains(-1.0)
    with pytest.raises(ValueError, match="x > 0"):
        loglog_slope([0, 1, 2], [1, 2, 3])


def _dummy_check(budget, rng, impl):
    v = impl.value()
    return {"statistic": v, "bound": 1.0, "passed": v <= 1.0}


def test_claim_validation():
    with pytest.raises(ValueError, match="replaces \\['nope'\\]"):
        Claim("x.y", "x", "s", "src", _dummy_check, {"value": lambda: 0.0},
              mutants={"m": {"nope": lambda: 2.0}})
    c = Claim("x.y", "x", "s", "src", _dummy_check, {"value": lambda: 0.0},
              mutants={"m": {"value": lambda: 2.0}})
    with pytest.raises(ValueError, match="budget is 'long'"):
        c.run("long")
    with pytest.raises(ValueError, match="no mutant 'z'"):
        c.run(mutant="z")
    assert c.run().passed and not c.run(mutant="m").passed
    with pytest.raises(ValueError, match="no paper 'nopaper'"):
        select(ALL, paper="nopaper")


def test_cli_check_writes_reports_and_exit_codes(tmp_path, capsys, monkeypatch):
    assert main(["check", "--paper", "foundations", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "5 passed, 0 failed" in out
    data = json.loads((tmp_path / "claims-quick.json").read_text())
    assert {d["claim_id"] for d in data} == {c.id for c in ALL if c.paper == "foundations"}
    assert "## Sources" in (tmp_path / "claims-quick.md").read_text()

    # every mutant of every paper is run by test_every_mutant_is_caught; here one paper's
    # mutants through the CLI are enough
    n_found = sum(len(c.mutants) for c in ALL if c.paper == "foundations")
    assert main(["check", "--mutants", "--paper", "foundations", "--out", str(tmp_path)]) == 0
    assert f"mutants caught: {n_found}/{n_found}" in capsys.readouterr().out

    assert main(["check", "--claim", "no.such.claim", "--out", str(tmp_path)]) == 2

    failing = Claim("bad.claim", "bad", "fails", "nowhere", _dummy_check, {"value": lambda: 5.0},
                    mutants={"m": {"value": lambda: 7.0}})
    monkeypatch.setattr(claims_pkg, "discover", lambda *a, **k: [failing])
    assert main(["check", "--out", str(tmp_path)]) == 1
    assert "0 passed, 1 failed: bad.claim" in capsys.readouterr().out
    # a mutant that is not caught makes --mutants fail too
    monkeypatch.setattr(claims_pkg, "discover", lambda *a, **k: [
        Claim("ok.claim", "ok", "s", "src", _dummy_check, {"value": lambda: 0.0},
              mutants={"harmless": {"value": lambda: 0.5}})])
    assert main(["check", "--mutants", "--out", str(tmp_path)]) == 1


def test_claim_repr_is_compact():
    for claim in ALL:
        text = repr(claim)
        assert text.startswith(f"Claim({claim.id!r}") and len(text) < 200
        assert "<function" not in text


def test_run_mutants_counts_every_mutant():
    some = [c for c in ALL if c.paper == "foundations"]
    ev = run_mutants(some, "quick")
    assert len(ev) == sum(len(c.mutants) for c in some) and all(e.mutant for e in ev)
