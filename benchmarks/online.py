"""Online-RL benchmarks against rlberry 0.7.3 + rlberry-scool: speed and a like-for-like regret run.

    python benchmarks/online.py [speed | regret | all] [--smoke] [--rlberry-venv DIR]

rlberry 0.7.3 pins gymnasium 0.29.1 (mdplab's ``gym`` extra needs gymnasium >= 1.3), so it
cannot share an environment with mdplab: the first run builds a virtual environment for it
(default ``~/.cache/mdplab/rlberry-0.7.3``, or ``$MDPLAB_RLBERRY_VENV``; pinned packages in
``RLBERRY_REQUIREMENTS``, from the package registry) and every rlberry measurement runs there,
in ``benchmarks/_rlberry_worker.py``, on the same model arrays (P, r, rho, H) as mdplab's.

**speed** (issue 10, item 8): episodes per second of UCBVI (rlberry-scool's ``UCBVIAgent``,
simplified Bernstein bonus, against ``ucbvi(..., bonus="rlberry")``, the same algorithm) and
of LSVI-UCB (rlberry-scool's ``LSVIUCBAgent`` with one-hot features, d = S A, reg_factor = 1,
gamma = 1, against ``lsvi_ucb`` on the same tabular model, which it converts with one-hot
features) on Chain(10) and a 5 x 5 gridworld (slip 0.1), H = 10, K in {200, 1000}; mdplab also
at K = 5000 to show that the time per episode is flat in K. Rounds are interleaved (mdplab,
rlberry, mdplab, ...) and every figure is a median over rounds; numba compilation is excluded
(a warm-up call). rlberry's LSVI-UCB re-solves the regression over the whole history in every
episode (``run_lsvi`` loops over all t <= k H transitions, for every step h), so its episode k
costs c(k), growing linearly in k, and fit(1000) takes many minutes: c(k) is measured at
k in ``LSVI_K_GRID`` (real ``run_episode`` + ``_run_lsvi`` calls on a history of k H
transitions) and fit(K) is costed as sum_{k < K} c(k), linearly interpolated; one real fit(200)
on Chain(10) checks that sum.

The two LSVI-UCBs are not the same algorithm (rlberry pools one Gram matrix over the steps and
adds ``v_max ||phi||^2`` to the bonus; Jin et al. keep one per step): the comparison is of the
cost of an episode at equal d, H, K, not of the two regret curves.

**regret** (item 2): rlberry-scool's ``UCBVIAgent`` and ``ucbvi(..., bonus="rlberry")`` with
``bonus_scale = 1``, N_SEEDS seeds each (the same seed schedule 0..N_SEEDS-1; the two libraries
draw from different streams, so equal means equal in distribution), K = 2000, Chain(10) with
slip 0.1 and the gridworld. rlberry's episodes are scored with mdplab's exact regret from the greedy policy each
was played with (rlberry's Q, recorded before each episode). Checks:

1. replay: the transitions of rlberry's seed 0 fed through mdplab's kernel (uniforms placed in
   the inverse-CDF cell of each observed next state) give rlberry's Q tables bit for bit and
   its actions, every episode;
2. distribution: the total regret over K episodes, rlberry against mdplab, by Mann-Whitney U
   and Welch's t, each at level ALPHA / 4 (Bonferroni over 2 tests x 2 instances, so the
   family's false-alarm probability is <= ALPHA): must not reject; and two controls that must
   be rejected at the same level (they show the test can tell a different algorithm): mdplab
   with the bonus doubled, and UCBVI-BF.

Writes ``benchmarks/results/online-rlberry-regret.{png,pdf}``. ``--smoke`` runs everything at
toy sizes (for the test suite: the numbers mean nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _timing import machine_line, median_time, print_table  # noqa: E402

from mdplab import envs  # noqa: E402
from mdplab.algorithms.online import lsvi_ucb, ucbvi  # noqa: E402
from mdplab.algorithms.online.least_squares_value_iteration import lsvi_ucb_beta  # noqa: E402
from mdplab.algorithms.online.ucb_value_iteration import (  # noqa: E402
    _run as _ucbvi_run,
)
from mdplab.algorithms.online.ucb_value_iteration import (  # noqa: E402
    _stationary_arrays,
)
from mdplab.planning import backward_induction  # noqa: E402

WORKER = HERE / "_rlberry_worker.py"
DEFAULT_VENV = Path.home() / ".cache" / "mdplab" / "rlberry-0.7.3"
# rlberry and rlberry-scool without their declared dependencies: rlberry[extras] asks for
# scikit-fda and gymnasium[atari, accept-rom-license] (ROM downloads), none of which the two
# agents use; these are what their import chain needs.
RLBERRY_REQUIREMENTS = ["numpy<2", "scipy", "gymnasium==0.29.1", "pandas", "tqdm", "pyyaml",
                        "dill", "docopt", "matplotlib", "adastop"]
RLBERRY_PACKAGES = ["rlberry==0.7.3", "rlberry-scool==0.7.3"]
H = 10
N_SEEDS = 32
K_REGRET = 2000
ALPHA = 0.01
LSVI_K_GRID = (0, 50, 100, 200, 500, 1000, 5000)


# ------------------------------------------------------------------------------- instances
def instances():
    """name -> FiniteHorizonMDP of the speed table: Chain(10) (S = 10, A = 2) and a 5 x 5
    gridworld with slip 0.1 (S = 25, A = 4), both H = 10."""
    return {"chain10": envs.make("chain", n_states=10, H=H),
            "grid5x5": envs.make("gridworld", rows=5, cols=5, slip=0.1, H=H)}


def regret_instances():
    """The regret comparison's instances: Chain(10) with slip 0.1 (the speed table's chain is
    deterministic, so every seed would give the same run and a distribution test would
    compare constants) and the 5 x 5 gridworld (slip 0.1); H = 10."""
    return {"chain10-slip": envs.make("chain", n_states=10, H=H, slip=0.1),
            "grid5x5": envs.make("gridworld", rows=5, cols=5, slip=0.1, H=H)}


def save_model(mdp, path):
    P, r = _stationary_arrays(mdp)
    np.savez(path, P=P, r=r, rho=np.asarray(mdp.rho, dtype=float), H=mdp.H)


# ------------------------------------------------------------------------------- rlberry venv
def rlberry_python(venv: Path) -> Path:
    """The python of rlberry's venv, built on first use (pip, from the package registry)."""
    py = venv / "bin" / "python"
    probe = [str(py), "-c", "import rlberry, rlberry_scool.agents, rlberry_scool.agents.linear"]
    if py.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return py
    print(f"building rlberry's virtual environment in {venv} (once; about a minute) ...",
          flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    for args in (RLBERRY_REQUIREMENTS, ["--no-deps", *RLBERRY_PACKAGES]):
        done = subprocess.run(pip + args, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"could not install {args} into {venv}:\n{done.stderr[-2000:]}"
                               "\nremove the directory and retry, or pass --rlberry-venv")
    check = subprocess.run(probe, capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"rlberry does not import in {venv}:\n{check.stderr[-2000:]}")
    return py


class Rlberry:
    """Runs tasks of ``_rlberry_worker.py`` in rlberry's venv on saved models."""

    def __init__(self, python: Path, workdir: Path):
        self.python, self.workdir = python, workdir
        self.models: dict[str, str] = {}
        self._n = 0

    def add_model(self, name, mdp):
        path = self.workdir / f"{name}.npz"
        save_model(mdp, path)
        self.models[name] = str(path)

    def __call__(self, task, model, **fields):
        self._n += 1
        out = self.workdir / f"out{self._n}"
        job = self.workdir / f"job{self._n}.json"
        job.write_text(json.dumps({"task": task, "model": self.models[model], "out": str(out),
                                   **fields}))
        done = subprocess.run([str(self.python), str(WORKER), str(job)], capture_output=True,
                              text=True)
        if done.returncode != 0:
            raise RuntimeError(f"rlberry worker failed on {task} ({model}):\n"
                               f"{done.stderr[-3000:]}")
        result = json.loads(out.read_text())
        if Path(str(out) + ".npz").exists():
            with np.load(str(out) + ".npz") as z:
                result["arrays"] = {k: z[k] for k in z.files}
        return result


# ------------------------------------------------------------------------------- scoring
def policy_values(mdp, policies):
    """Exact V^{pi_k}_0(rho) for a batch of deterministic stationary-model policies
    ``policies`` (n, H, S) (backward evaluation, vectorised over the batch)."""
    P, r = _stationary_arrays(mdp)
    n, Hh, S = policies.shape
    V = np.zeros((n, S))
    idx = np.arange(S)
    for h in range(Hh - 1, -1, -1):
        a = policies[:, h, :].astype(np.int64)
        V = r[idx[None, :], a] + np.einsum("nst,nt->ns", P[idx[None, :], a], V)
    return V @ np.asarray(mdp.rho, dtype=float)


def exact_regret(mdp, policies):
    """V*_0(rho) - V^{pi_k}_0(rho) for each policy of ``policies`` (n, H, S)."""
    v_star = float(np.asarray(mdp.rho, dtype=float) @ backward_induction(mdp).V[0])
    return v_star - policy_values(mdp, policies)


class ReplayStream:
    """Stands in for the Generator of :func:`ucbvi`: hands out the uniforms ``U`` (K, 2H+1)
    in the order the run asks for them."""

    def __init__(self, U):
        self.U, self.k = U, 0

    def random(self, shape):
        n = shape[0]
        block = self.U[self.k:self.k + n]
        self.k += n
        return block


def replay_uniforms(mdp, starts, actions, nexts):
    """Uniforms that make mdplab's inverse-CDF draws reproduce an observed trajectory: the
    midpoint of the cell of each observed start state (of rho's CDF) and next state (of
    P(. | s_h, a_h)'s CDF, with the *observed* action); reward uniforms 0.5 (deterministic
    rewards do not read them). Shapes: starts (K,), actions, nexts (K, H); returns (K, 2H+1).
    """
    P, _ = _stationary_arrays(mdp)
    K, Hh = actions.shape
    rho_cum = np.cumsum(np.asarray(mdp.rho, dtype=float))
    P_cum = np.cumsum(P, axis=2)

    def mid(cum, j):
        lo = cum[j - 1] if j > 0 else 0.0
        return 0.5 * (lo + cum[j])

    U = np.full((K, 2 * Hh + 1), 0.5)
    for k in range(K):
        U[k, 0] = mid(rho_cum, int(starts[k]))
        s = int(starts[k])
        for h in range(Hh):
            a, s2 = int(actions[k, h]), int(nexts[k, h])
            U[k, 2 + 2 * h] = mid(P_cum[s, a], s2)
            s = s2
    return U


def replay(mdp, trace, K, scale):
    """mdplab's rlberry-mode kernel driven by rlberry's seed-0 transitions; returns
    (#episodes whose Q equals rlberry's bit for bit, #actions equal, #actions)."""
    arr = trace["arrays"]
    U = replay_uniforms(mdp, arr["starts_0"], arr["actions_0"], arr["nexts_0"])
    P, r = _stationary_arrays(mdp)
    res = _ucbvi_run(mdp, P, r, K, "rlberry", 0.1, scale, ReplayStream(U), False, 0,
                     "deterministic", True, "numba")
    q_mdplab = res.diagnostics["q_history"]
    q_equal = int(sum(np.array_equal(q_mdplab[k], arr["q_0"][k]) for k in range(K)))
    # mdplab's actions along rlberry's trajectory: its policy at the states rlberry visited
    states = np.concatenate([arr["starts_0"][:, None], arr["nexts_0"][:, :-1]], axis=1)
    pol = res.diagnostics["policy_history"]
    acts = pol[np.arange(K)[:, None], np.arange(states.shape[1])[None, :], states]
    return q_equal, int((acts == arr["actions_0"]).sum()), int(arr["actions_0"].size)


# ------------------------------------------------------------------------------- speed
def speed(rl, models, *, rounds, k_list, k_flat, lsvi_grid, lsvi_check_K):
    rows, flat_rows, lsvi_cost_rows = [], [], []
    for name, mdp in models.items():
        S, A = mdp.S, mdp.A
        d = S * A
        beta = lsvi_ucb_beta(d, H, max(k_list), 0.05)
        # warm-up: numba compilation is not an episode cost
        for K in (2, 3):
            ucbvi(mdp, K, bonus="rlberry", rng=0)
            lsvi_ucb(mdp, K, rng=0)
        t_md_u = {K: [] for K in k_flat}
        t_md_l = {K: [] for K in k_flat}
        t_rl_u = {K: [] for K in k_list}
        c_rl = {k: [] for k in lsvi_grid}
        for rnd in range(rounds):
            print(f"  {name}: round {rnd + 1}/{rounds}", flush=True)
            for K in k_flat:
                t_md_u[K].append(median_time(lambda K=K: ucbvi(mdp, K, bonus="rlberry",
                                                                 rng=rnd), budget=0.3,
                                             min_repeats=3))
                t_md_l[K].append(median_time(lambda K=K: lsvi_ucb(mdp, K, rng=rnd),
                                             budget=0.3, min_repeats=3))
            out = rl("ucbvi_time", name, K=list(k_list), seed=rnd, scale=1.0)
            for K in k_list:
                t_rl_u[K].append(out[str(K)])
            out = rl("lsvi_cost", name, k=list(lsvi_grid), repeats=1, seed=rnd, beta=beta)
            for k in lsvi_grid:
                c_rl[k].append(out[str(k)])
        c_med = {k: float(np.median(v)) for k, v in c_rl.items()}
        ks = np.array(sorted(c_med))
        cs = np.array([c_med[k] for k in ks])

        def lsvi_total(K, ks=ks, cs=cs):
            return float(np.interp(np.arange(K), ks, cs).sum())

        for algo, t_md, t_rl in (("UCBVI", t_md_u, t_rl_u), ("LSVI-UCB", t_md_l, None)):
            for K in k_list:
                md = float(np.median(t_md[K]))
                if t_rl is not None:
                    rlt = float(np.median(t_rl[K]))
                    per_round = float(np.median(np.array(t_rl[K]) / np.array(t_md[K])))
                    how = "measured fit(K)"
                else:
                    rlt = lsvi_total(K)
                    per_round = float("nan")
                    how = "sum of c(k)"
                rows.append({"instance": f"{name} (S={S}, A={A})", "algorithm": algo, "K": K,
                             "mdplab": f"{md * 1e3:.2f} ms", "mdplab ep/s": f"{K / md:,.0f}",
                             "rlberry": f"{rlt:.2f} s", "rlberry ep/s": f"{K / rlt:,.1f}",
                             "speed-up": f"{rlt / md:,.0f}x",
                             "per-round": "" if per_round != per_round else f"{per_round:,.0f}x",
                             "rlberry time": how})
            flat_rows.append({"instance": name, "algorithm": algo,
                              **{f"t/K at K={K}": f"{np.median(t_md[K]) / K * 1e6:.1f} us"
                                 for K in k_flat}})
        lsvi_cost_rows.append({"instance": name, **{f"c({k})": f"{c_med[k] * 1e3:.1f} ms"
                                                     for k in lsvi_grid}})
        if lsvi_check_K and name == "chain10":
            fit = rl("lsvi_fit", name, K=lsvi_check_K, seed=0, beta=beta)[str(lsvi_check_K)]
            est = lsvi_total(lsvi_check_K)
            print(f"\n  check of the c(k) sum, {name}: rlberry fit({lsvi_check_K}) measured "
                  f"{fit:.2f} s, sum of c(k) {est:.2f} s (measured / sum = {fit / est:.2f})")
    print_table(rows, ["instance", "algorithm", "K", "mdplab", "mdplab ep/s", "rlberry",
                       "rlberry ep/s", "speed-up", "per-round", "rlberry time"],
                title=f"Episodes per second, H = {H} (medians over {rounds} interleaved rounds; "
                      "per-round = median of the per-round ratios)")
    print_table(flat_rows, ["instance", "algorithm", *[f"t/K at K={K}" for K in k_flat]],
                title="mdplab: time per episode against K (flat = constant cost per episode)")
    print_table(lsvi_cost_rows, ["instance", *[f"c({k})" for k in lsvi_grid]],
                title="rlberry LSVI-UCB: cost c(k) of episode k (median over rounds)")


# ------------------------------------------------------------------------------- regret
def _total_regret_rlberry(mdp, trace, n_seeds):
    arr = trace["arrays"]
    return np.stack([np.cumsum(exact_regret(mdp, arr[f"policies_{i}"]))
                     for i in range(n_seeds)])


def regret(rl, models, *, n_seeds, K, figure_dir):
    from scipy import stats

    from mdplab.algorithms.online import policy_regret

    level = ALPHA / (2 * len(models))
    curves, rows, verdict_ok = {}, [], True
    for name, mdp in models.items():
        t0 = time.perf_counter()
        trace = rl("ucbvi_trace", name, K=K, seeds=list(range(n_seeds)), scale=1.0)
        t_rl = time.perf_counter() - t0
        cum = {"rlberry-scool UCBVIAgent": _total_regret_rlberry(mdp, trace, n_seeds)}
        # the batch scorer against the library's policy_regret on a few of rlberry's policies
        pol0 = trace["arrays"]["policies_0"]
        sample = [0, 1, K // 2, K - 1]
        diff = max(abs(exact_regret(mdp, pol0[[k]])[0] - policy_regret(mdp, pol0[k]))
                   for k in sample)
        variants = {"mdplab ucbvi(bonus='rlberry')": dict(bonus="rlberry", bonus_scale=1.0),
                    "control: mdplab, bonus x2": dict(bonus="rlberry", bonus_scale=2.0),
                    "control: mdplab UCBVI-BF": dict(bonus="bf")}
        for label, kw in variants.items():
            cum[label] = np.stack([ucbvi(mdp, K, rng=seed, **kw).cumulative_regret
                                   for seed in range(n_seeds)])
        q_equal, a_equal, a_total = replay(mdp, trace, K, 1.0)
        print(f"\n{name}: rlberry {n_seeds} seeds x K = {K} in {t_rl:.0f} s; batch scorer vs "
              f"policy_regret max |diff| = {diff:.1e}; replay of rlberry's seed-0 transitions "
              f"through mdplab's kernel: Q identical bit for bit in {q_equal}/{K} episodes, "
              f"actions equal {a_equal}/{a_total}")
        verdict_ok &= q_equal == K and a_equal == a_total
        ref = cum["rlberry-scool UCBVIAgent"][:, -1]
        for label in variants:
            x = cum[label][:, -1]
            p_mw = float(stats.mannwhitneyu(ref, x, alternative="two-sided").pvalue)
            if ref.std() == 0.0 and x.std() == 0.0:     # two constants: equal or not
                p_w = 1.0 if ref[0] == x[0] else 0.0
            else:
                p_w = float(stats.ttest_ind(ref, x, equal_var=False).pvalue)
            control = label.startswith("control")
            rejected = min(p_mw, p_w) < level
            ok = rejected if control else not rejected
            verdict_ok &= ok
            rows.append({"instance": name, "against rlberry": label,
                         "mean regret": f"{x.mean():.1f} (rlberry {ref.mean():.1f})",
                         "Mann-Whitney p": f"{p_mw:.3g}", "Welch p": f"{p_w:.3g}",
                         "expected": "reject" if control else "not reject",
                         "verdict": ("rejected" if rejected else "not rejected")
                         + (" (as expected)" if ok else " (UNEXPECTED)")})
        curves[name] = cum
    print_table(rows, ["instance", "against rlberry", "mean regret", "Mann-Whitney p",
                       "Welch p", "expected", "verdict"],
                title=f"Total regret over K = {K} episodes, {n_seeds} seeds; each test at level "
                      f"{level:g} (family-wise false-alarm probability <= {ALPHA})")
    print(f"\nitem 2 verdict: {'PASS' if verdict_ok else 'FAIL'}")
    if figure_dir is not None:
        out = Path(figure_dir)
        out.mkdir(parents=True, exist_ok=True)
        # the curves, so the figure can be redrawn without the 20-minute rlberry run
        np.savez_compressed(out / "online-rlberry-regret-curves.npz",
                            **{f"{name}|{label}": Y for name, cum in curves.items()
                               for label, Y in cum.items()})
        _figure(curves, models, K, n_seeds, out)
    return verdict_ok


def _figure(curves, models, K, n_seeds, out_dir):
    from mdplab.plotting import figure_legend, new_figure, style, style_axes

    titles = {"chain10": "Chain(10), $H = 10$", "chain10-slip": "Chain(10), slip 0.1, $H = 10$",
              "grid5x5": r"gridworld $5\times5$, slip 0.1, $H = 10$"}
    looks = {"rlberry-scool UCBVIAgent": dict(color="0.15", lw=2.2),
             "mdplab ucbvi(bonus='rlberry')": dict(color="C0", lw=1.2, ls="--"),
             "control: mdplab, bonus x2": dict(color="C3", lw=1.0, ls=":"),
             "control: mdplab UCBVI-BF": dict(color="C2", lw=1.0, ls="-.")}
    with style():
        fig, axes = new_figure(len(curves), width="full", height=3.0)
        axes = np.atleast_1d(axes)
        k = np.arange(1, K + 1)
        for ax, (name, cum) in zip(axes, curves.items(), strict=True):
            for label, Y in cum.items():
                m = Y.mean(axis=0)
                lo, hi = np.percentile(Y, [10, 90], axis=0)
                ax.plot(k, m, label=label, **looks[label])
                ax.fill_between(k, lo, hi, color=looks[label]["color"], alpha=0.15, lw=0)
            ax.set_title(titles.get(name, name))
            ax.set_xlabel("episode $k$")
            style_axes(ax)
        axes[0].set_ylabel("cumulative exact regret")
        figure_legend(fig, list(axes))
        out_dir.mkdir(parents=True, exist_ok=True)
        for ext in ("png", "pdf"):
            fig.savefig(out_dir / f"online-rlberry-regret.{ext}", dpi=150)
    print(f"figure: {out_dir / 'online-rlberry-regret.png'} (mean over {n_seeds} seeds, "
          "10-90% band)")


# ------------------------------------------------------------------------------- main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("section", nargs="?", default="all", choices=("speed", "regret", "all"))
    ap.add_argument("--smoke", action="store_true", help="toy sizes, for the tests")
    ap.add_argument("--rlberry-venv", default=os.environ.get("MDPLAB_RLBERRY_VENV",
                                                             str(DEFAULT_VENV)))
    ap.add_argument("--figure-dir", default=None,
                    help="where the regret figure goes (default benchmarks/results; with "
                         "--smoke a temporary directory)")
    args = ap.parse_args(argv)
    py = rlberry_python(Path(args.rlberry_venv).expanduser())
    print(f"machine: {machine_line()}")
    print(f"rlberry python: {py}; started {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}"
          f", load {os.getloadavg()[0]:.2f}", flush=True)
    models = instances()
    regret_models = regret_instances()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        rl = Rlberry(py, Path(tmp))
        for name, mdp in {**models, **regret_models}.items():
            rl.add_model(name, mdp)
        if args.section in ("speed", "all"):
            if args.smoke:
                speed(rl, models, rounds=1, k_list=(5, 10), k_flat=(5, 10, 20),
                      lsvi_grid=(0, 5), lsvi_check_K=3)
            else:
                speed(rl, models, rounds=5, k_list=(200, 1000), k_flat=(200, 1000, 5000),
                      lsvi_grid=LSVI_K_GRID, lsvi_check_K=200)
        if args.section in ("regret", "all"):
            if args.smoke:
                ok = regret(rl, regret_models, n_seeds=3, K=20,
                            figure_dir=args.figure_dir or Path(tmp) / "figures")
            else:
                ok = regret(rl, regret_models, n_seeds=N_SEEDS, K=K_REGRET,
                            figure_dir=args.figure_dir or HERE / "results")
    print(f"finished {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, "
          f"load {os.getloadavg()[0]:.2f}")
    # the smoke run's statistics mean nothing; only the full run's verdict is an exit code
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    sys.exit(main())
