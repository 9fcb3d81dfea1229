"""The helpers of benchmarks/online.py that its rlberry comparison rests on: the batch exact
scorer, and the replay of an observed trajectory through mdplab's UCBVI kernel. (The
rlberry side needs rlberry's own virtual environment, which the benchmark builds; the last
test runs the benchmark's smoke mode when that environment exists.)"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from mdplab.algorithms.online import policy_regret, ucbvi

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def online():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_online", BENCH / "online.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        yield mod
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.parametrize("name", ["chain10", "grid5x5"])
def test_batch_scorer_equals_policy_regret(online, name):
    mdp = online.instances()[name]
    rng = np.random.default_rng(0)
    pols = rng.integers(mdp.A, size=(6, mdp.H, mdp.S))
    batch = online.exact_regret(mdp, pols)
    for k in range(6):
        assert abs(batch[k] - policy_regret(mdp, pols[k])) < 1e-12
    optimal = ucbvi(mdp, 1, rng=0).regret  # any run: its regret is V* - V^pi >= 0
    assert np.all(optimal >= -1e-12)


@pytest.mark.parametrize("name", ["chain10", "chain10-slip", "grid5x5"])
def test_replay_reproduces_a_run_bit_for_bit(online, name):
    """Feed the trajectory of an mdplab run back through the replay: same Q tables, same
    actions (what the benchmark checks against rlberry's trajectories)."""
    mdp = {**online.instances(), **online.regret_instances()}[name]
    K = 60
    res = ucbvi(mdp, K, bonus="rlberry", rng=4, record_q=True)
    pol = res.diagnostics["policy_history"]
    # rebuild the trajectories from the recorded policies and the run's own uniforms
    gen = np.random.default_rng(4)
    U = gen.random((K, 2 * mdp.H + 1))
    P = np.asarray(mdp.P[0])
    rho_cum = np.cumsum(np.asarray(mdp.rho, dtype=float))
    starts = np.empty(K, dtype=np.int64)
    actions = np.empty((K, mdp.H), dtype=np.int64)
    nexts = np.empty((K, mdp.H), dtype=np.int64)
    for k in range(K):
        s = int(np.searchsorted(rho_cum, U[k, 0], side="right"))
        starts[k] = s
        for h in range(mdp.H):
            a = int(pol[k, h, s])
            s2 = int(np.searchsorted(np.cumsum(P[s, a]), U[k, 2 + 2 * h], side="right"))
            actions[k, h], nexts[k, h] = a, s2
            s = s2
    np.testing.assert_array_equal(starts, res.initial_states)
    trace = {"arrays": {"starts_0": starts, "actions_0": actions, "nexts_0": nexts,
                        "q_0": res.diagnostics["q_history"]}}
    q_equal, a_equal, a_total = online.replay(mdp, trace, K, 1.0)
    assert (q_equal, a_equal, a_total) == (K, K * mdp.H, K * mdp.H)
    # a different trajectory (one next state changed) is not replayed as the same run
    nexts2 = nexts.copy()
    nexts2[0, 0] = (nexts2[0, 0] + 1) % mdp.S
    trace["arrays"]["nexts_0"] = nexts2
    assert online.replay(mdp, trace, K, 1.0)[0] < K


def test_replay_uniforms_land_in_the_observed_cells(online):
    mdp = online.instances()["grid5x5"]
    P = np.asarray(mdp.P[0])
    starts = np.zeros(3, dtype=np.int64)
    actions = np.array([[1] * mdp.H, [2] * mdp.H, [0] * mdp.H])
    nexts = np.array([[1] * mdp.H, [5] * mdp.H, [0] * mdp.H])
    U = online.replay_uniforms(mdp, starts, actions, nexts)
    assert U.shape == (3, 2 * mdp.H + 1)
    for k in range(3):
        s = 0
        for h in range(mdp.H):
            cum = np.cumsum(P[s, actions[k, h]])
            j = nexts[k, h]
            lo = cum[j - 1] if j else 0.0
            assert lo < U[k, 2 + 2 * h] < cum[j]
            s = j


def test_smoke_run_against_rlberry(online, capsys, tmp_path):
    venv = Path(os.environ.get("MDPLAB_RLBERRY_VENV", str(online.DEFAULT_VENV))).expanduser()
    if not (venv / "bin" / "python").exists():
        pytest.skip(f"rlberry's virtual environment is missing ({venv}); "
                    "`python benchmarks/online.py` builds it")
    assert online.main(["--smoke", "--rlberry-venv", str(venv), "--figure-dir",
                        str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "online-rlberry-regret.png").stat().st_size > 10_000
    assert "Q identical bit for bit in 20/20 episodes" in out
    assert "Episodes per second" in out
