"""US-IRL in mdplab against the public uniform-sampling IRL code of AceIRL (lasgroup/aceirl).

    python benchmarks/irl_aceirl.py --aceirl PATH/TO/aceirl/src [--seeds 5]

AceIRL (Lindner, Krause & Ramponi 2022, "Active Exploration for Inverse Reinforcement
Learning", NeurIPS, arXiv:2207.08645) ships, besides its active method, a uniform-sampling
baseline with a generative model. It is not on the package registry: fetch the repository
(commit 53dbf41 was read) and pass its ``src`` directory; nothing of it is copied here. The
script needs its dependencies that mdplab already has (numpy, scipy, cvxpy).

Compared, on AceIRL's own random MDP (``envs/random.py``: S = 9, A = 4, H = 10, uniform
entries normalised; the expert is the optimal policy of its random reward):

1. the confidence widths at equal counts n: AceIRL's ``get_hoeffding_ci``,
   ``2 (H - h) sqrt(2 log(24 S A H n^2 / delta) / n)``, against mdplab's
   :func:`~mdplab.algorithms.irl.us_irl_confidence`,
   ``2 (H - h - 1) sqrt(2 beta(n, delta) / n)`` with the KL level beta of Jonsson et al.
   (2020), whose (S - 1) log(e (1 + n/(S - 1))) term pays for an L1 bound on P - Phat, i.e.
   for every value vector at once (what a Hausdorff guarantee over all rewards needs);
2. the estimates at equal sample budgets N S A H: AceIRL's ``ActiveIRL.run("uniform_sampling")``
   (each iteration allocates H samples by a multinomial over all (h, s, a); the transition
   estimate starts from one pseudo-count per next state; the deterministic expert estimate
   needs two equal answers) against mdplab's round-robin N samples per pair: the Lipschitz
   bound (Theorem 3.2 of Metelli et al. 2023) and the LP lower bound on the Hausdorff
   distance between the true feasible set and the estimated one, medians over seeds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import machine_line, print_table  # noqa: E402

from mdplab import FiniteHorizonMDP  # noqa: E402
from mdplab.algorithms.irl import (  # noqa: E402
    FeasibleRewardSet,
    hausdorff_bracket,
    lipschitz_bound,
    us_irl_confidence,
)
from mdplab.sampling import GenerativeModel  # noqa: E402


def _import_aceirl(src: str):
    path = Path(src).expanduser().resolve()
    if not (path / "active_irl").is_dir():
        raise SystemExit(f"{path} has no active_irl package: pass the src/ directory of a "
                         "checkout of github.com/lasgroup/aceirl (commit 53dbf41)")
    sys.path.insert(0, str(path))
    import active_irl.util.helpers as helpers
    from active_irl.aceirl.algorithm import ActiveIRL
    from active_irl.aceirl.mdp import MDP
    from active_irl.envs.random import random_mdp

    return helpers, ActiveIRL, MDP, random_mdp


def widths(helpers, S, A, H, delta):
    rows = []
    for n in (10, 100, 1000, 10_000, 100_000):
        theirs = helpers.get_hoeffding_ci(S, A, H, np.full((H, S, A), n), delta)[:, 0, 0]
        ours = us_irl_confidence(n, delta, S, A, H)
        rows.append({"n": f"{n:,}", "AceIRL C_0": f"{theirs[0]:.4g}",
                     "mdplab C_0": f"{ours[0]:.4g}", "ratio C_0": f"{ours[0] / theirs[0]:.3f}",
                     "AceIRL C_{H-2}": f"{theirs[H - 2]:.3g}",
                     "mdplab C_{H-2}": f"{ours[H - 2]:.3g}"})
    print_table(rows, list(rows[0]), title=f"Confidence widths at equal counts (S = {S}, "
                f"A = {A}, H = {H}, delta = {delta}); the max over h is h = 0")


def estimates(ActiveIRL, MDP, random_mdp, S, A, H, delta, seeds, Ns):
    rows = []
    for N in Ns:
        res = {"aceirl": [], "mdplab": []}
        t_ace = t_md = 0.0
        for seed in range(seeds):
            np.random.seed(seed)                      # AceIRL draws from the global stream
            P, r, rho = random_mdp(S, A, H)
            env = MDP(P, r, rho)
            truth = FeasibleRewardSet(P, env.opt_pi)
            t0 = time.perf_counter()
            agent = ActiveIRL(delta, 0.0, env, run_irl=False)
            agent.run(method="uniform_sampling", n_max=N * S * A * H, n_ep_per_iter=1)
            t_ace += time.perf_counter() - t0
            est_ace = FeasibleRewardSet(agent.P_hat, agent.pi_hat.argmax(axis=2))
            t0 = time.perf_counter()
            mdp = FiniteHorizonMDP(P, np.zeros((H, S, A)), H=H, rho=rho)
            counts = GenerativeModel(mdp).counts(N, np.random.default_rng(seed), layout="dense")
            est_md = FeasibleRewardSet(counts / N, env.opt_pi)
            t_md += time.perf_counter() - t0
            for key, est in (("aceirl", est_ace), ("mdplab", est_md)):
                br = hausdorff_bracket(truth, est, n_directions=8, ascent_steps=2, rng=seed)
                res[key].append((float(lipschitz_bound(truth, est)), br.lower,
                                 int(np.sum(est.played != truth.played))))
        for key, label in (("aceirl", "AceIRL uniform sampling"),
                           ("mdplab", "mdplab round-robin")):
            arr = np.array(res[key])
            rows.append({"N per pair": N, "samples": f"{N * S * A * H:,}", "estimator": label,
                         "Thm 3.2 bound (median)": f"{np.median(arr[:, 0]):.3f}",
                         "LP lower bound (median)": f"{np.median(arr[:, 1]):.4f}",
                         "expert errors (max)": int(arr[:, 2].max()),
                         "seconds": f"{(t_ace if key == 'aceirl' else t_md) / seeds:.2f}"})
    print_table(rows, list(rows[0]), title=f"Hausdorff error of the estimated feasible set "
                f"at equal budgets, AceIRL's random MDP (S = {S}, A = {A}, H = {H}), "
                f"{seeds} seeds")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--aceirl", default=os.environ.get("MDPLAB_ACEIRL"),
                    help="the src/ directory of a lasgroup/aceirl checkout")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args(argv)
    if not args.aceirl:
        raise SystemExit("pass --aceirl PATH (the src/ directory of a checkout of "
                         "github.com/lasgroup/aceirl) or set MDPLAB_ACEIRL")
    helpers, ActiveIRL, MDP, random_mdp = _import_aceirl(args.aceirl)
    print(f"machine: {machine_line()}")
    S, A, H, delta = 9, 4, 10, 0.1
    widths(helpers, S, A, H, delta)
    Ns = (5, 10) if args.smoke else (20, 80, 320)
    estimates(ActiveIRL, MDP, random_mdp, S, A, H, delta, 2 if args.smoke else args.seeds, Ns)
    return 0


if __name__ == "__main__":
    sys.exit(main())
