"""The rlberry side of ``benchmarks/online.py``; runs in rlberry's own virtual environment.

rlberry 0.7.3 pins gymnasium 0.29.1 (and numpy < 2 through it), which must not constrain
mdplab's own dependencies, so ``benchmarks/online.py`` builds a separate venv for rlberry and
rlberry-scool and calls this script with that venv's python. This file imports rlberry and
numpy only, never mdplab: the model arrives as an ``.npz`` file (P (S, A, S), r (S, A),
rho (S,), H) written by the parent, and the results go back as ``.npz`` / JSON.

    python _rlberry_worker.py JOB.json

JOB.json: {"task": "ucbvi_time" | "lsvi_cost" | "lsvi_fit" | "ucbvi_trace", "model": path,
"out": path, ...task fields}. Every task prints nothing but errors; the parent reads "out".
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np


def _env(model, seed):
    from rlberry.envs.finite_mdp import FiniteMDP

    env = FiniteMDP(model["r"].copy(), model["P"].copy(),
                    initial_state_distribution=model["rho"].copy())
    env.reseed(seed)
    return env


def _load(path):
    with np.load(path) as z:
        return {"P": z["P"], "r": z["r"], "rho": z["rho"], "H": int(z["H"])}


def _ucbvi(env, H, scale, seed):
    from rlberry_scool.agents import UCBVIAgent

    return UCBVIAgent(env, gamma=1.0, horizon=H, bonus_scale_factor=scale,
                      bonus_type="simplified_bernstein", stage_dependent=False,
                      real_time_dp=False, seeder=seed)


class OneHot:
    """rlberry's feature-map interface: phi(s, a) = e_{s A + a}, d = S A (the features
    mdplab's ``LinearMDP.from_tabular`` gives a tabular model)."""

    def __init__(self, env):
        self.S, self.A = env.observation_space.n, env.action_space.n
        self.shape = (self.S * self.A,)
        self._rows = np.eye(self.S * self.A)

    def map(self, observation, action):
        return self._rows[int(observation) * self.A + int(action)]


def _one_hot(env):
    return OneHot(env)


def _lsvi(env, H, beta, seed):
    from rlberry_scool.agents.linear import LSVIUCBAgent

    # reg_factor = 1 and gamma = 1: the paper's lambda and the episodic setting (rlberry's
    # defaults are 0.1 and 0.99)
    return LSVIUCBAgent(env, horizon=H, feature_map_fn=_one_hot, gamma=1.0,
                        bonus_scale_factor=beta, reg_factor=1.0, seeder=seed)


def ucbvi_time(job, model):
    """Wall time of ``UCBVIAgent.fit(K)`` for each K in job["K"] (a fresh agent each)."""
    out = {}
    for K in job["K"]:
        agent = _ucbvi(_env(model, job["seed"]), model["H"], job["scale"], job["seed"])
        t0 = time.perf_counter()
        agent.fit(int(K))
        out[str(K)] = time.perf_counter() - t0
    return out


def _fill_history(agent, n_steps, rng):
    """Put ``n_steps`` transitions of uniformly random pairs into the agent's history, as
    ``run_episode`` would (its per-episode cost depends on how many there are, not on their
    values: ``run_lsvi`` loops over all of them, every step h)."""
    S, A = agent.feature_map.S, agent.feature_map.A
    s = rng.integers(S, size=n_steps)
    a = rng.integers(A, size=n_steps)
    s2 = rng.integers(S, size=n_steps)
    agent.feat_hist[:n_steps] = agent.feature_map._rows[s * A + a]
    for aa in range(A):
        agent.feat_ns_all_actions[:n_steps, aa, :] = agent.feature_map._rows[s2 * A + aa]
    agent.reward_hist[:n_steps] = rng.random(n_steps)
    counts = np.bincount(s * A + a, minlength=S * A).astype(float)
    agent.lambda_mat = agent.reg_factor * np.eye(S * A) + np.diag(counts)
    agent.lambda_mat_inv = np.linalg.inv(agent.lambda_mat)
    agent.total_time_steps = n_steps
    agent.episode = n_steps // agent.horizon


def lsvi_cost(job, model):
    """c(k): the wall time of episode k of ``LSVIUCBAgent.fit`` (one ``run_episode`` plus the
    ``_run_lsvi`` that follows it, the body of fit's loop) with k episodes already in the
    history, for each k in job["k"]; median of job["repeats"] calls."""
    H = model["H"]
    k_max = max(job["k"]) + job["repeats"] + 2
    rng = np.random.default_rng(job["seed"])
    out = {}
    for k in job["k"]:
        times = []
        for _ in range(job["repeats"]):
            agent = _lsvi(_env(model, job["seed"]), H, job["beta"], job["seed"])
            agent.n_episodes = k_max
            agent.reset()
            _fill_history(agent, k * H, rng)
            t0 = time.perf_counter()
            agent.run_episode()
            agent.w_vec = agent._run_lsvi(agent.bonus_scale_factor)
            times.append(time.perf_counter() - t0)
        out[str(k)] = float(np.median(times))
    return out


def lsvi_fit(job, model):
    """Wall time of one real ``LSVIUCBAgent.fit(K)`` (checks the sum of c(k))."""
    agent = _lsvi(_env(model, job["seed"]), model["H"], job["beta"], job["seed"])
    t0 = time.perf_counter()
    agent.fit(int(job["K"]))
    return {str(job["K"]): time.perf_counter() - t0}


def ucbvi_trace(job, model):
    """Per seed: K episodes of rlberry-scool's UCBVIAgent, exactly as ``fit`` runs them, with
    the greedy policy of each episode (K, H, S) and its trajectory recorded (start states
    (K,), actions (K, H), next states (K, H)); for the first seed also the Q table each
    episode was played with (K, H, S, A), for the replay through mdplab's kernel."""
    H, K = model["H"], int(job["K"])
    S, A = model["r"].shape
    arrays = {}
    for i, seed in enumerate(job["seeds"]):
        env = _env(model, seed)
        agent = _ucbvi(env, H, job["scale"], seed)
        policies = np.empty((K, H, S), dtype=np.int8)
        starts = np.empty(K, dtype=np.int16)
        actions = np.empty((K, H), dtype=np.int8)
        nexts = np.empty((K, H), dtype=np.int16)
        qs = np.empty((K, H, S, A)) if i == 0 else None
        log = []
        agent_env = agent.env
        real_step, real_reset = agent_env.step, agent_env.reset

        def step(action, _step=real_step, _log=log):
            result = _step(action)
            _log.append((int(action), int(result[0])))
            return result

        def reset(*a, _reset=real_reset, _log=log, **kw):
            obs, info = _reset(*a, **kw)
            _log.append((-1, int(obs)))
            return obs, info

        agent_env.step, agent_env.reset = step, reset
        for k in range(K):
            policies[k] = agent.Q.argmax(axis=2)
            if qs is not None:
                qs[k] = agent.Q
            log.clear()
            agent._run_episode()
            starts[k] = log[0][1]
            actions[k] = [a for a, _ in log[1:]]
            nexts[k] = [s for _, s in log[1:]]
            # rlberry's own action choice must be the argmax of the Q it holds
            assert (actions[k][0] == policies[k][0, starts[k]])
        arrays[f"policies_{i}"] = policies
        arrays[f"starts_{i}"] = starts
        arrays[f"actions_{i}"] = actions
        arrays[f"nexts_{i}"] = nexts
        if qs is not None:
            arrays["q_0"] = qs
    np.savez_compressed(job["out"] + ".npz", **arrays)
    return {"n_seeds": len(job["seeds"])}


TASKS = {"ucbvi_time": ucbvi_time, "lsvi_cost": lsvi_cost, "lsvi_fit": lsvi_fit,
         "ucbvi_trace": ucbvi_trace}


def main(path):
    with open(path) as fh:
        job = json.load(fh)
    model = _load(job["model"])
    result = TASKS[job["task"]](job, model)
    import rlberry
    import rlberry_scool

    result["_versions"] = {"rlberry": rlberry.__version__,
                           "rlberry_scool": getattr(rlberry_scool, "__version__", "?"),
                           "numpy": np.__version__}
    with open(job["out"], "w") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    main(sys.argv[1])
