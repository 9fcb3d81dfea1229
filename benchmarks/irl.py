"""Inverse-RL benchmarks: membership tests, hit-and-run steps, LP solves, one US-IRL run.

    python benchmarks/irl.py [--quick] [--out FILE]

Instances: random MDPs without reward, P[h, s, a] ~ Dirichlet(1) over all S next states (dense,
the worst case for every operation here), a deterministic expert drawn uniformly, the box
[-1, 1]. Every figure in a table is measured in the same run; times are medians over repeats
after a warm-up call (which also compiles the numba kernels).

1. Membership: ``FeasibleRewardSet.contains`` for one reward and for a batch of 1000, through
   the numba kernel (``mdplab.kernels.irl.expert_violation``) and through the numpy path (the
   set's vectorised einsum backward pass, taken by a subclass that overrides the advantage).
   Both include the validation of the reward (a float64 copy and a finiteness check). A test needs one backward
   pass over P, H S^2 A multiply-adds: "x read(P)" divides the per-reward time by the same-run
   time to stream P through the CPU once (P is cache-resident after the warm-up, so this is
   the cache-bandwidth bound of a pass).
2. Hit-and-run steps per second: the kernel chain against the set's Python chord loop (the
   path a subclass that overrides the chord takes), with the same random numbers.
3. LP solves per second against set size n = H S A: ``support_value`` (one LP) and
   ``project(norm="inf")`` (one LP), HiGHS through scipy; the lifted LP has H S + u variables
   and about 4 n (S + 2) nonzeros.
4. One US-IRL run at S = 20, A = 4, H = 10, eps = 0.1, delta = 0.1 (MLR23 Algorithm 1):
   wall time, the peak memory of the arrays it allocates (tracemalloc) and the peak resident
   memory of a process that runs only it; the samples tau = S A H n* are drawn as exact
   multinomial counts per pair (``GenerativeModel.counts``), so the cost is O(H S A S), not
   O(tau); the line "sample by sample" extrapolates the per-draw time of
   ``GenerativeModel.next_states`` to tau draws, for scale. The run's estimate is checked
   with Theorem 3.2's bound computed with the true P (``lipschitz_bound``).

No other public library computes feasible reward sets (the AceIRL code estimates confidence
widths, see benchmarks/irl_aceirl.py), so the comparisons are with numpy paths and with the
hardware.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing as mp
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import Tee, fmt_time, machine_line, median_time, print_table, read_time  # noqa: E402

from mdplab import FiniteHorizonMDP  # noqa: E402
from mdplab.algorithms.irl import (  # noqa: E402
    FeasibleRewardSet,
    lipschitz_bound,
    project,
    support_value,
    us_irl,
)


def problem(H, S, A, seed=0):
    g = np.random.default_rng(seed)
    P = g.dirichlet(np.ones(S), size=(H, S, A))
    return P, g.integers(A, size=(H, S))


class _NumpyMembership(FeasibleRewardSet):
    """The set's numpy membership path (the kernel is bypassed for subclasses that override
    the advantage; this one only forwards to the base method)."""

    def advantage(self, r):
        return FeasibleRewardSet.advantage(self, r)


class _ChordInPython(FeasibleRewardSet):
    """The set's Python hit-and-run loop (the kernel is bypassed for subclasses that override
    the chord; this one only forwards to the base method)."""

    def _chord_linear(self, x, d):
        return FeasibleRewardSet._chord_linear(self, x, d)


def membership(sizes, budget):
    rows = []
    for H, S, A in sizes:
        P, pi = problem(H, S, A)
        R, Rnp = FeasibleRewardSet(P, pi), _NumpyMembership(P, pi)
        g = np.random.default_rng(1)
        batch = np.concatenate([g.uniform(-1, 1, (500, H, S, A)),
                                R.sample(500, rng=2).rewards])
        one = batch[0]
        t_read = read_time(R._P_c)
        t1 = median_time(lambda: R.contains(one), budget=budget)
        tb = median_time(lambda: R.contains(batch), budget=budget) / batch.shape[0]
        n1 = median_time(lambda: Rnp.contains(one), budget=budget)
        nb = median_time(lambda: Rnp.contains(batch), budget=budget) / batch.shape[0]
        assert np.array_equal(R.contains(batch), Rnp.contains(batch))
        for label, t, tn in (("one reward", t1, n1), ("batch of 1000", tb, nb)):
            rows.append({"H, S, A": f"{H}, {S}, {A}", "call": label,
                         "mdplab (numba)": fmt_time(t), "tests/s": f"{1 / t:,.0f}",
                         "numpy path": fmt_time(tn), "speed-up": f"{tn / t:.1f}x",
                         "x read(P)": f"{t / t_read:.1f}"})
    return rows


def hit_and_run(sizes, budget):
    rows = []
    for H, S, A in sizes:
        P, pi = problem(H, S, A)
        R, Rpy = FeasibleRewardSet(P, pi), _ChordInPython(P, pi)
        steps = 2000

        def fast():
            R.sample(steps, method="hit_and_run", rng=0, burn_in=0, thin=1)

        def slow():
            Rpy.sample(200, method="hit_and_run", rng=0, burn_in=0, thin=1)

        tf = median_time(fast, budget=budget) / steps
        ts = median_time(slow, min_repeats=3, budget=budget) / 200
        rows.append({"H, S, A": f"{H}, {S}, {A}", "n": R.n,
                     "mdplab (numba)": fmt_time(tf), "steps/s": f"{1 / tf:,.0f}",
                     "Python chord loop": fmt_time(ts), "speed-up": f"{ts / tf:.0f}x"})
    return rows


def lp_solves(sizes, budget):
    rows = []
    for H, S, A in sizes:
        P, pi = problem(H, S, A)
        R = FeasibleRewardSet(P, pi)
        g = np.random.default_rng(3)
        w = g.standard_normal((H, S, A))
        r0 = g.uniform(-1, 1, (H, S, A))
        K_V, K_A = R.lifted
        t_sup = median_time(lambda: support_value(R, w), min_repeats=3, budget=budget)
        t_proj = median_time(lambda: project(R, r0, "inf"), min_repeats=3, budget=budget)
        rows.append({"H, S, A": f"{H}, {S}, {A}", "n = HSA": R.n,
                     "LP variables": K_V.shape[1] + K_A.shape[1],
                     "nonzeros": 2 * (K_V.nnz + K_A.nnz),
                     "support_value": fmt_time(t_sup), "LPs/s": f"{1 / t_sup:,.1f}",
                     "project (inf)": fmt_time(t_proj), "LPs/s ": f"{1 / t_proj:,.1f}"})
    return rows


def _us_irl_once(H, S, A, eps, delta):
    P, pi = problem(H, S, A, seed=7)
    mdp = FiniteHorizonMDP(P, np.zeros((H, S, A)), H=H)
    t0 = time.perf_counter()
    res = us_irl(mdp, pi, eps, delta, rng=0)
    wall = time.perf_counter() - t0
    return res, wall, mdp, pi


def _child(H, S, A, eps, delta, queue):
    _us_irl_once(H, S, A, 0.5, delta)             # compile the kernels outside the run
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _us_irl_once(H, S, A, eps, delta)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((before, after))


def us_irl_run(H, S, A, eps, delta):
    _us_irl_once(H, S, A, 0.5, delta)               # warm-up: numba compilation
    tracemalloc.start()
    res, wall, mdp, pi = _us_irl_once(H, S, A, eps, delta)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=_child, args=(H, S, A, eps, delta, q))
    proc.start()
    before, after = q.get(timeout=600)
    proc.join()
    from mdplab.sampling import GenerativeModel

    gm = GenerativeModel(mdp)
    m = 1_000_000
    g = np.random.default_rng(0)
    s, a, h = g.integers(S, size=m), g.integers(A, size=m), g.integers(H, size=m)
    t_draw = median_time(lambda: gm.next_states(s, a, g, h=h), min_repeats=3, budget=2.0) / m
    truth = FeasibleRewardSet(mdp, pi)
    t0 = time.perf_counter()
    ub = float(lipschitz_bound(truth, res.estimate))
    t_ub = time.perf_counter() - t0
    return [
        {"quantity": "S, A, H, eps, delta", "value": f"{S}, {A}, {H}, {eps}, {delta}"},
        {"quantity": "n* per (h, s, a)", "value": f"{res.n_per_pair:,}"},
        {"quantity": "tau = S A H n*", "value": f"{res.tau:,}"},
        {"quantity": "Theorem 6.1 bound on tau", "value": f"{res.bound:,.0f}"},
        {"quantity": "wall time (median of 1, compiled)", "value": fmt_time(wall)},
        {"quantity": "peak array memory (tracemalloc)", "value": f"{peak / 2**20:.1f} MiB"},
        {"quantity": "peak RSS of a process running it",
         "value": f"{after / 1024:.0f} MiB (after warm-up {before / 1024:.0f} MiB)"},
        {"quantity": "sample by sample (extrapolated)",
         "value": f"{fmt_time(t_draw * res.tau)} ({t_draw * 1e9:.1f} ns per draw)"},
        {"quantity": "Thm 3.2 bound on H_dG(R, R_hat), true P",
         "value": f"{ub:.4f} (<= eps: {ub <= eps}; computed in {fmt_time(t_ub)})"},
    ]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    ap.add_argument("--out", type=Path, help="also write the tables to this file")
    args = ap.parse_args(argv)
    if args.quick:
        mem_sizes = [(3, 5, 2)]
        har_sizes = [(3, 3, 2)]
        lp_sizes = [(2, 3, 2)]
        run = (3, 4, 2, 0.5, 0.1)
        budget = 0.1
    else:
        mem_sizes = [(5, 5, 2), (10, 20, 4), (10, 50, 5)]
        har_sizes = [(3, 3, 2), (5, 10, 3), (10, 20, 4)]
        lp_sizes = [(2, 2, 2), (3, 5, 3), (5, 10, 4), (10, 20, 4), (10, 40, 5)]
        run = (10, 20, 4, 0.1, 0.1)
        budget = 1.0
    buf = io.StringIO()
    with contextlib.redirect_stdout(Tee(sys.stdout, buf)):
        print(f"mdplab IRL benchmarks - {time.strftime('%Y-%m-%d')}")
        print(machine_line())
        print_table(membership(mem_sizes, budget),
                    ["H, S, A", "call", "mdplab (numba)", "tests/s", "numpy path", "speed-up",
                     "x read(P)"], "1. Membership tests (per reward)")
        print_table(hit_and_run(har_sizes, budget),
                    ["H, S, A", "n", "mdplab (numba)", "steps/s", "Python chord loop",
                     "speed-up"], "2. Hit-and-run (per step)")
        print_table(lp_solves(lp_sizes, budget),
                    ["H, S, A", "n = HSA", "LP variables", "nonzeros", "support_value",
                     "LPs/s", "project (inf)", "LPs/s "], "3. LP solves (HiGHS)")
        H, S, A, eps, delta = run
        print_table(us_irl_run(H, S, A, eps, delta), ["quantity", "value"],
                    "4. One US-IRL run")
    if args.out:
        args.out.write_text(buf.getvalue())
        print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
