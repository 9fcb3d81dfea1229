"""Planning benchmarks: mdplab against numpy, quantecon, pymdptoolbox and mdpsolver.

    python benchmarks/planning.py [--quick] [--sections 123456] [--rounds 15]

Prints one table per task; every figure in a table is measured in the same run. Times
are medians over repeats (after a warm-up call that also triggers numba compilation).
"x read-P" is the time divided by the same-run time to stream the transition arrays
through the CPU once (a vectorised sum; the memory-bandwidth bound of any backup) with
the same number of threads; "x bound" divides by the faster of the 1- and 2-thread
read times, the machine's bound. numpy's BLAS uses both cores for gemv.
Table 6 repeats the three planning-speed targets of issue 10 (item 9) with mdplab and its
peers run in turn in every round, so that load from other processes hits all alike; its
"x best peer (per round)" is the median over rounds of the within-round ratio.

Needs the bench extra: pip install ".[bench]".
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import fmt_time, machine_line, median_time, print_table, read_time  # noqa: E402

import mdplab  # noqa: E402
from mdplab import planning  # noqa: E402
from mdplab.kernels import bellman  # noqa: E402

try:
    import quantecon.markov as qe
except ImportError:  # pragma: no cover
    qe = None
try:
    import mdptoolbox.mdp as mdptb
except ImportError:  # pragma: no cover
    mdptb = None
try:
    import mdpsolver
except ImportError:  # pragma: no cover
    mdpsolver = None


def ratio(t, base):
    return "n/a" if t is None or base is None else f"{t / base:.2f}x"


def random_dense(S: int, A: int, rng) -> tuple[np.ndarray, np.ndarray]:
    P = rng.random((S, A, S))
    P /= P.sum(axis=2, keepdims=True)
    return P, rng.random((S, A))


def random_csr(S: int, A: int, k: int, rng):
    """S*A rows, k distinct successors each, Dirichlet(1) weights."""
    succ = np.sort(np.argsort(rng.random((S * A, 3 * k)), axis=1)[:, :k], axis=1)
    succ = (succ + rng.integers(0, S, size=(S * A, 1))) % S
    succ = np.sort(succ, axis=1)
    w = rng.dirichlet(np.ones(k), size=S * A)
    indptr = np.arange(0, S * A * k + 1, k, dtype=np.int64)
    return mdplab.SparseTransitions(indptr, succ.reshape(-1).astype(np.int64), w.reshape(-1),
                                    (S, A, S)), rng.random((S, A))


# --------------------------------------------------------------------------- 1. dense
BLAS_THREADS = 2  # numpy's BLAS runs gemv on both cores here (see the 2-thread read row)


def _backup_rows(task, timings, read1, read2):
    """timings: name -> (seconds, threads). Ratios to the read time with the same thread
    count, and to the machine's bound (the faster of the 1- and 2-thread reads)."""
    bound = min(read1, read2)
    rows = [{"task": task, "impl": "read P once", "threads": 1, "median": fmt_time(read1),
             "x read-P (same threads)": "1.00x", "x bound": ratio(read1, bound)},
            {"task": task, "impl": "read P once", "threads": 2, "median": fmt_time(read2),
             "x read-P (same threads)": "1.00x", "x bound": ratio(read2, bound)}]
    for name, (t, threads) in timings.items():
        same = read1 if threads == 1 else read2
        rows.append({"task": task, "impl": name, "threads": threads, "median": fmt_time(t),
                     "x read-P (same threads)": ratio(t, same), "x bound": ratio(t, bound)})
    return rows


def bench_dense_backup(sizes, A, gamma, rng):
    rows = []
    for S in sizes:
        P, r = random_dense(S, A, rng)
        V = rng.random(S)
        read1, read2 = read_time(P), read_time(P, parallel=True)
        Q_out, V_out = np.empty((S, A)), np.empty(S)
        res = {}
        res["mdplab"] = (median_time(
            lambda: bellman.bellman_backup_dense(P, r, gamma, V, Q_out, V_out)), 1)
        res["mdplab parallel=True"] = (median_time(
            lambda: bellman.bellman_backup_dense(P, r, gamma, V, Q_out, V_out, parallel=True)), 2)
        P2 = P.reshape(S * A, S)
        res["numpy matmul + max"] = (median_time(
            lambda: (r + gamma * (P2 @ V).reshape(S, A)).max(axis=1)), BLAS_THREADS)
        if qe is not None:
            ddp = qe.DiscreteDP(r, P, gamma)
            res["quantecon bellman_operator"] = (median_time(
                lambda: ddp.bellman_operator(V)), BLAS_THREADS)
        if mdptb is not None:
            Pt = np.ascontiguousarray(P.transpose(1, 0, 2))
            vi = mdptb.MDP(Pt, r, gamma, None, 10)  # the base class: no iteration-bound set-up
            res["pymdptoolbox _bellmanOperator"] = (median_time(
                lambda: vi._bellmanOperator(V)), BLAS_THREADS)
        task = f"dense backup S={S} A={A}"
        rows += _backup_rows(task, res, read1, read2)
        rows.append({"task": task, "impl": "mdpsolver", "median": "n/a",
                     "x read-P (same threads)": "no single-backup API"})
    return rows


# --------------------------------------------------------------------------- 2. sparse
def bench_sparse_backup(sizes, A, k, gamma, rng):
    import scipy.sparse as sp

    rows = []
    for S in sizes:
        T, r = random_csr(S, A, k, rng)
        V = rng.random(S)
        arrays = (T.data, T.indices, T.indptr)
        read1, read2 = read_time(*arrays), read_time(*arrays, parallel=True)
        Q_out, V_out = np.empty((S, A)), np.empty(S)
        res = {}
        # check=False: a SparseTransitions was validated at construction
        res["mdplab"] = (median_time(lambda: bellman.bellman_backup_csr(
            T.indptr, T.indices, T.data, r, gamma, V, Q_out, V_out, check=False)), 1)
        res["mdplab parallel=True"] = (median_time(lambda: bellman.bellman_backup_csr(
            T.indptr, T.indices, T.data, r, gamma, V, Q_out, V_out, check=False,
            parallel=True)), 2)
        M = T.to_scipy()
        res["scipy csr matvec + max"] = (median_time(
            lambda: (r + gamma * (M @ V).reshape(S, A)).max(axis=1)), 1)
        if qe is not None:
            s_idx = np.repeat(np.arange(S), A)
            a_idx = np.tile(np.arange(A), S)
            ddp = qe.DiscreteDP(r.reshape(-1), M, gamma, s_idx, a_idx)
            res["quantecon (sa-pairs, sparse)"] = (median_time(lambda: ddp.bellman_operator(V)), 1)
        if mdptb is not None:
            import mdptoolbox.util

            Pa = [sp.csr_matrix(M[a::A]) for a in range(A)]
            # its input check computes a dense (S, S) broadcast for sparse input (75 GB at
            # S = 1e5) under numpy 2, so the check is skipped; the kernel is what we time
            check, mdptoolbox.util.check = mdptoolbox.util.check, lambda *a, **k: None
            try:
                # the base class: ValueIteration's set-up slices every sparse column (minutes)
                vi = mdptb.MDP(Pa, r, gamma, None, 10)
            finally:
                mdptoolbox.util.check = check
            res["pymdptoolbox (csr per action)"] = (median_time(
                lambda: vi._bellmanOperator(V)), 1)
        rows += _backup_rows(f"sparse backup S={S:.0e} A={A} {k} succ.", res, read1, read2)
    return rows


# --------------------------------------------------------------------------- 3. solve
def _timed_median(fn, max_runs: int = 3, budget: float = 10.0):
    """Median wall time of up to ``max_runs`` calls (fewer once ``budget`` s are spent),
    after one untimed call (caches, clocks and thread pools warm, the same for every
    solver), and the last call's result."""
    t0 = time.perf_counter()
    fn()
    if time.perf_counter() - t0 > budget:  # a slow solver: one more run is its figure
        max_runs = 1
    times = []
    while True:
        t0 = time.perf_counter()
        res = fn()
        times.append(time.perf_counter() - t0)
        if len(times) >= max_runs or sum(times) > budget:
            return float(np.median(times)), res


def _solve_mdplab_sparse(mdp, tol):
    """mdplab on the CSR form of the same kernel (what a user passes for a sparse MDP)."""
    sparse = mdplab.DiscountedMDP(mdplab.SparseTransitions.from_dense(np.asarray(mdp.P)),
                                  mdp.r, mdp.gamma)
    out = []
    for name, fn in (
        ("value_iteration, sparse P", lambda: planning.value_iteration(sparse, tol=2 * tol)),
        ("policy_iteration, sparse P", lambda: planning.policy_iteration(sparse)),
        ("modified_policy_iteration, sparse P",
         lambda: planning.modified_policy_iteration(sparse, tol=2 * tol)),
    ):
        t, sol = _timed_median(fn)
        out.append((f"mdplab {name}", t, sol.V, sol.n_iter))
    return out


def _solve_peers(mdp, tol):
    """(name, seconds, V, iterations or None) for every solver that applies.

    Every solver is asked for ||V - V*||_inf <= tol by its own documented rule. Policy
    iteration is capped at PI_MAX_ITER improvement steps: quantecon's and pymdptoolbox's
    PI switch between tied actions on round-off and then never stop (seen on the
    gridworld, whose walls make actions tie).
    """
    g = mdp.gamma
    P, r = np.asarray(mdp.P), np.asarray(mdp.r)
    out = []

    timed = _timed_median

    # mdplab: VI and MPI certify ||V - V*|| <= tol/2 for the tol they are given
    for name, fn in (
        ("value_iteration", lambda: planning.value_iteration(mdp, tol=2 * tol)),
        ("policy_iteration", lambda: planning.policy_iteration(mdp)),
        ("modified_policy_iteration", lambda: planning.modified_policy_iteration(mdp, tol=2 * tol)),
        ("value_iteration parallel=True",
         lambda: planning.value_iteration(mdp, tol=2 * tol, parallel=True)),
        ("modified_policy_iteration parallel=True",
         lambda: planning.modified_policy_iteration(mdp, tol=2 * tol, parallel=True)),
    ):
        t, sol = timed(fn)
        out.append((f"mdplab {name}", t, sol.V, sol.n_iter))
    if qe is not None:
        ddp = qe.DiscreteDP(r, P, g)
        # quantecon's epsilon: the returned policy is epsilon-optimal
        for method, cap in (("value_iteration", 10**6), ("policy_iteration", PI_MAX_ITER),
                            ("modified_policy_iteration", 10**6)):
            t, res = timed(lambda m=method, c=cap: ddp.solve(m, epsilon=tol, max_iter=c))
            out.append((f"quantecon {method}", t, res.v, res.num_iter))
    if mdptb is not None:
        Pt = np.ascontiguousarray(P.transpose(1, 0, 2))
        for cls, kw in ((mdptb.ValueIteration, {"epsilon": tol, "max_iter": 10**6}),
                        (mdptb.PolicyIteration, {"eval_type": 0, "max_iter": PI_MAX_ITER}),
                        (mdptb.PolicyIterationModified, {"epsilon": tol, "max_iter": 10**6})):
            def run(cls=cls, kw=kw):
                with contextlib.redirect_stdout(io.StringIO()):
                    m = cls(Pt, r, g, **kw)
                    m.run()
                return m
            t, m = timed(run)
            out.append((f"pymdptoolbox {cls.__name__}", t, np.asarray(m.V), m.iter))
    if mdpsolver is not None:
        rl, Pl = r.tolist(), P.tolist()

        def run_mdpsolver(alg):
            m = mdpsolver.model()
            m.mdp(discount=g, rewards=rl, tranMatWithZeros=Pl)
            t0 = time.perf_counter()
            m.solve(algorithm=alg, tolerance=tol, verbose=False, parallel=False)
            return time.perf_counter() - t0, np.asarray(m.getValueVector())

        for alg in ("vi", "pi", "mpi"):
            runs = [run_mdpsolver(alg) for _ in range(4)][1:]  # the first is the warm-up
            out.append((f"mdpsolver {alg} (solve only)", float(np.median([t for t, _ in runs])),
                        runs[-1][1], None))
    return out


PI_MAX_ITER = 1000


def bench_solve(instances, tol):
    """Each solver first runs once on a tiny MDP (numba compilation, thread-pool start)."""
    P, r = random_dense(10, 3, np.random.default_rng(0))
    _solve_peers(mdplab.DiscountedMDP(P, r, 0.9), tol)
    _solve_mdplab_sparse(mdplab.DiscountedMDP(P, r, 0.9), tol)
    rows = []
    for label, mdp in instances:
        V_star = planning.policy_iteration(mdp).V
        runs = _solve_peers(mdp, tol)
        density = float(np.mean(np.asarray(mdp.P) > 0))
        if density < 0.1:
            runs = _solve_mdplab_sparse(mdp, tol) + runs
            label = f"{label} ({density:.1%} dense)"
        results = [(n, t, float(np.max(np.abs(V - V_star))), it) for n, t, V, it in runs]
        ok = [t for n, t, e, _ in results if not n.startswith("mdplab") and e <= tol]
        best_peer = min(ok) if ok else None
        for name, t, err, it in results:
            note = "" if err <= tol else "  (misses tol)"
            rows.append({"task": f"solve to {tol:g}: {label}", "impl": name, "median": fmt_time(t),
                         "iters": "n/a" if it is None else str(it),
                         "||V-V*||": f"{err:.1e}{note}", "x best peer": ratio(t, best_peer)})
    return rows


# --------------------------------------------------------------------------- 4. backward induction
def bench_backward_induction(configs, rng):
    rows = []
    for S, A, H in configs:
        P, r = random_dense(S, A, rng)
        mdp = mdplab.FiniteHorizonMDP(P, r, H=H)
        base = H * read_time(P)
        res = {"mdplab": median_time(lambda: planning.backward_induction(mdp)),
               "mdplab parallel=True": median_time(
                   lambda: planning.backward_induction(mdp, parallel=True))}
        from mdplab.kernels.reference import backward_induction_ref
        res["numpy reference"] = median_time(lambda: backward_induction_ref(mdp.P, mdp.r))
        if qe is not None:
            ddp = qe.DiscreteDP(r, P, 1.0)
            res["quantecon backward_induction"] = median_time(lambda: qe.backward_induction(ddp, H))
        if mdptb is not None:
            Pt = np.ascontiguousarray(P.transpose(1, 0, 2))

            def fh():
                with contextlib.redirect_stdout(io.StringIO()):  # its undiscounted warning
                    m = mdptb.FiniteHorizon(Pt, r, 1.0, H)
                    m.run()

            res["pymdptoolbox FiniteHorizon"] = median_time(fh)
        task = f"backward induction S={S} A={A} H={H}"
        peers = [t for name, t in res.items() if not name.startswith(("mdplab", "numpy"))]
        best = min(peers) if peers else None
        for name, t in res.items():
            rows.append({"task": task, "impl": name, "median": fmt_time(t), "x read-P": ratio(t, base),
                         "x best peer": ratio(t, best)})
        rows.append({"task": task, "impl": "read P H times", "median": fmt_time(base), "x read-P": "1.00x"})
    return rows


# --------------------------------------------------------------------------- 5. sampling
def bench_sampling(S, A, n, rng):
    from mdplab.sampling import GenerativeModel

    P, r = random_dense(S, A, rng)
    mdp = mdplab.DiscountedMDP(P, r, 0.9)
    gen = GenerativeModel(mdp)
    total = S * A * n
    t = median_time(lambda: gen.counts(n, rng=1))
    rows = [{"task": f"next-state counts, n={n} at every (s,a), S={S} A={A}", "impl": "mdplab",
             "median": fmt_time(t), "samples/s": f"{total / t / 1e6:.1f} M"}]
    g = np.random.default_rng(1)
    Pf = P.reshape(S * A, S)
    t_np = median_time(lambda: g.multinomial(n, Pf))
    rows.append({"task": rows[0]["task"], "impl": "numpy Generator.multinomial",
                 "median": fmt_time(t_np), "samples/s": f"{total / t_np / 1e6:.1f} M"})
    rows[0]["x numpy multinomial"] = ratio(t, t_np)
    rows[1]["x numpy multinomial"] = "1.00x"
    cdf = np.cumsum(Pf, axis=1)
    t = median_time(lambda: [np.searchsorted(cdf[i], g.random(n)) for i in range(S * A)])
    rows.append({"task": rows[0]["task"], "impl": "numpy searchsorted per row", "median": fmt_time(t),
                 "samples/s": f"{total / t / 1e6:.1f} M"})
    return rows


# --------------------------------------------------------------------------- 6. targets
def _interleaved(fns: dict, rounds: int):
    """Median time of each callable over ``rounds`` rounds, the callables run in turn in
    every round (so a burst of load from other processes hits all of them alike), after
    one warm-up call each; and the per-round times."""
    for fn in fns.values():
        fn()
    times = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: float(np.median(t)) for name, t in times.items()}, times


def bench_targets(rng, rounds: int, quick: bool = False):
    """The three planning-speed targets of issue 10, item 9, each mdplab row against its
    peers in the same interleaved rounds. "x best peer" = median over rounds of the
    round's mdplab time / the round's fastest-peer time (and the ratio of the medians)."""
    rows = []

    def add(task, med, per, peers):
        best = {k: min(per[p][k] for p in peers) for k in range(len(per[peers[0]]))}
        best_med = min(med[p] for p in peers)
        for name in med:
            r_round = float(np.median([per[name][k] / best[k] for k in best]))
            rows.append({"task": task, "impl": name, "median": fmt_time(med[name]),
                         "x best peer (per round)": f"{r_round:.2f}x",
                         "x best peer (medians)": ratio(med[name], best_med)})

    # (a) backward induction S=2000 A=10 H=50
    S, A, H = (300, 10, 20) if quick else (2000, 10, 50)
    P, r = random_dense(S, A, rng)
    mdp = mdplab.FiniteHorizonMDP(P, r, H=H)
    fns = {"mdplab backward_induction": lambda: planning.backward_induction(mdp),
           "mdplab backward_induction parallel=True":
               lambda: planning.backward_induction(mdp, parallel=True)}
    peers = []
    if qe is not None:
        ddp = qe.DiscreteDP(r, P, 1.0)
        fns["quantecon backward_induction"] = lambda: qe.backward_induction(ddp, H)
        peers.append("quantecon backward_induction")
    if mdptb is not None:
        Pt = np.ascontiguousarray(P.transpose(1, 0, 2))

        def fh():
            with contextlib.redirect_stdout(io.StringIO()):
                m = mdptb.FiniteHorizon(Pt, r, 1.0, H)
                m.run()

        fns["pymdptoolbox FiniteHorizon"] = fh
        peers.append("pymdptoolbox FiniteHorizon")
    if peers:
        med, per = _interleaved(fns, rounds)
        add(f"(a) backward induction S={S} A={A} H={H}", med, per, peers)
    del P, mdp, fns

    # (b) next-state counts: n = 10000 at every pair of S = 100, A = 10
    from mdplab.sampling import GenerativeModel

    S, A, n = 100, 10, (1000 if quick else 10_000)
    P, r = random_dense(S, A, rng)
    gen = GenerativeModel(mdplab.DiscountedMDP(P, r, 0.9))
    g = np.random.default_rng(1)
    Pf = P.reshape(S * A, S)
    seeds = iter(range(10**9))
    fns = {"mdplab GenerativeModel.counts": lambda: gen.counts(n, rng=next(seeds)),
           "numpy Generator.multinomial": lambda: g.multinomial(n, Pf)}
    med, per = _interleaved(fns, 5 * rounds)
    add(f"(b) counts n={n} at every (s,a), S={S} A={A} ({S * A * n / 1e6:.0f} M samples)",
        med, per, ["numpy Generator.multinomial"])

    # (c) solve a random dense MDP S=500 A=10 gamma=0.99 to 1e-6
    S = 200 if quick else 500
    P, r = random_dense(S, 10, rng)
    mdp = mdplab.DiscountedMDP(P, r, 0.99)
    tol = 1e-6
    fns = {"mdplab modified_policy_iteration":
               lambda: planning.modified_policy_iteration(mdp, tol=2 * tol),
           "mdplab modified_policy_iteration parallel=True":
               lambda: planning.modified_policy_iteration(mdp, tol=2 * tol, parallel=True)}
    peers = []
    if qe is not None:
        ddp = qe.DiscreteDP(r, P, 0.99)
        fns["quantecon modified_policy_iteration"] = lambda: ddp.solve(
            "modified_policy_iteration", epsilon=tol, max_iter=10**6)
        peers.append("quantecon modified_policy_iteration")
    if peers:
        med, per = _interleaved(fns, 5 * rounds)
        add(f"(c) solve to {tol:g}: random dense S={S} A=10 gamma=0.99", med, per, peers)
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    ap.add_argument("--sections", default="123456",
                    help="which tables to run, e.g. 6 (default: all six)")
    ap.add_argument("--rounds", type=int, default=15,
                    help="interleaved rounds of table 6 (x5 for its fast rows)")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(20261121)
    print("mdplab planning benchmarks —", machine_line())
    cols = ["task", "impl", "median", "x read-P"]
    bcols = ["task", "impl", "threads", "median", "x read-P (same threads)", "x bound"]

    dense = [200, 500] if args.quick else [500, 2000, 5000]
    if "1" in args.sections:
        print_table(bench_dense_backup(dense, 10, 0.99, rng), bcols, "1. One dense Bellman backup")
    sparse = [10_000] if args.quick else [10_000, 100_000]
    if "2" in args.sections:
        print_table(bench_sparse_backup(sparse, 10, 5, 0.99, rng), bcols,
                    "2. One sparse Bellman backup")

    from mdplab import envs

    S_rand = 200 if args.quick else 500
    side = 15 if args.quick else 30
    P, r = random_dense(S_rand, 10, rng)
    instances = [
        (f"random dense S={S_rand} A=10 gamma=0.99", mdplab.DiscountedMDP(P, r, 0.99)),
        (f"gridworld {side}x{side} slip 0.1 gamma=0.99",
         envs.make("gridworld", rows=side, cols=side, slip=0.1, gamma=0.99)),
    ]
    if "3" in args.sections:
        print_table(bench_solve(instances, 1e-6), ["task", "impl", "median", "iters", "||V-V*||", "x best peer"],
                "3. Solve to ||V - V*||_inf <= 1e-6 (median of up to 3 runs after a warm-up run; error "
                "against mdplab's exact PI;"
                " best peer = fastest peer within tol)")

    bi = [(100, 4, 10)] if args.quick else [(100, 4, 10), (2000, 10, 50)]
    if "4" in args.sections:
        print_table(bench_backward_induction(bi, rng), cols + ["x best peer"],
                    "4. Backward induction (stationary P; best peer = faster of quantecon and "
                    "pymdptoolbox)")
    if "5" in args.sections:
        print_table(bench_sampling(100, 10, 1000 if args.quick else 10_000, rng),
                    ["task", "impl", "median", "samples/s", "x numpy multinomial"],
                    "5. Next-state counts throughput (mdplab: exact multinomial per pair)")
    if "6" in args.sections:
        print_table(bench_targets(np.random.default_rng(20261203), args.rounds, args.quick),
                    ["task", "impl", "median", "x best peer (per round)", "x best peer (medians)"],
                    "6. Issue 10 item 9 targets: mdplab and peers interleaved round by round "
                    f"({args.rounds} rounds; x5 for (b), (c)); medians")


if __name__ == "__main__":
    main()
