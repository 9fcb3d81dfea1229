"""Degenerate policies inside sweeps and claims are counted and reported, not printed per call."""

from __future__ import annotations

import json
import types
import warnings

import numpy as np

from mdplab import envs, sampling
from mdplab._warnings import DegeneratePolicyWarning
from mdplab.algorithms import offline as off
from mdplab.claims import Claim
from mdplab.experiments import run_experiment


def _pevi_cell(config: dict, seed: int) -> dict:
    mdp = envs.make("riverswim", H=3)
    H, S, A = mdp.shape
    ep = sampling.rollout(mdp, np.full((H, S, A), 1.0 / A), int(config["K"]), rng=seed)
    res = off.pevi_tabular(sampling.OfflineDataset.from_episodes(ep))
    return {"degenerate": bool(res.degenerate)}


EXPERIMENT = types.SimpleNamespace(NAME="tie_demo", BASE_SEED=3, grid=lambda q: [{"K": 20}],
                                   n_seeds=lambda q: 3, run_cell=_pevi_cell)


def test_sweep_counts_tie_broken_cells_and_shows_no_per_call_warning(tmp_path):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        summary = run_experiment(EXPERIMENT, out_dir=tmp_path, progress=False)
    assert not [w for w in rec if issubclass(w.category, DegeneratePolicyWarning)]
    assert all(row["degenerate"] for row in summary.table)  # 20 episodes: Q_hat = 0
    assert summary.n_tie_broken == summary.n_run == 3
    meta = json.loads(summary.meta_path.read_text())
    assert meta["cells"]["run_with_tie_broken_policies"] == 3


def test_claim_counts_tie_broken_runs():
    def check(budget, rng, impl):
        return {"statistic": float(_pevi_cell({"K": 20}, 0)["degenerate"]), "bound": 1.0,
                "passed": True}

    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        ev = Claim("x.tie", "x", "s", "src", check, {}).run()
    assert not [w for w in rec if issubclass(w.category, DegeneratePolicyWarning)]
    assert ev.details["degenerate_calls"] == 1
