"""GLOW benchmarks: the confidence-set contraction against |F| and |W|, and the claim sizes.

    python benchmarks/glow.py [--quick] [--out FILE] [--plot FILE.png]

1. One iteration's constraint values C[f, h] = max_w (<X_f,h, wt_w,h> - alpha <Y_h, wt_w,h^2>)
   (Amortila et al. 2024, arXiv:2401.09681, Algorithm 1, Eq. (4)) for |F| hypotheses against
   |W| weights, H = 4 layers of S A = 64 cells: the numba kernel
   (``mdplab.kernels.glow_constraints``, parallel over (f, h)) and the numpy reference (one
   BLAS matrix product per layer, ``mdplab.kernels.glow_reference``), in the same run. The
   work is |F| |W| H S A multiply-adds; "x dgemm" divides the time by that of the same number
   of multiply-adds in one large BLAS product (the machine's best rate for this arithmetic,
   measured in this run). Exponents: least-squares slopes of log time against log |F| (|W| =
   2 |F|, so 2 is the cost model's) and against log |W| at fixed |F| (1 expected).
2. The claim sizes of ``proofs_checks/amortila2024.py``: population GLOW at |F| = 129, S = 32,
   H = 6, T = 600; sampled GLOW at |F| = 33, K = 3000, T = 200 (600 000 episodes); sampled GOLF
   at T = 400; population HyGLOW at T = 100. Wall time of one run each (median of 3).

No public implementation of GLOW, GOLF or HyGLOW exists to compare with (the paper ships no
code), so the comparison is with the numpy path and with the machine.
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

from _timing import Tee, fmt_time, machine_line, median_time, print_table  # noqa: E402

from mdplab.kernels.glow import glow_constraints  # noqa: E402
from mdplab.kernels.glow_reference import glow_constraints_ref  # noqa: E402

H, Z = 4, 64


def _arrays(n_f, n_w, seed=0):
    g = np.random.default_rng(seed)
    X = g.normal(size=(n_f, H, Z)) / 100
    Y = g.dirichlet(np.ones(Z), size=H)
    Wt = np.minimum(g.exponential(size=(n_w, H, Z)), 10.0)
    return X, Y, Wt


def _dgemm_rate(budget):
    """Seconds per multiply-add of one large BLAS product (n = 1024)."""
    g = np.random.default_rng(1)
    a, b = g.normal(size=(1024, 1024)), g.normal(size=(1024, 1024))
    return median_time(lambda: a @ b, budget=budget) / 1024 ** 3


def _slope(x, y):
    lx, ly = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    A = np.vstack([lx, np.ones_like(lx)]).T
    coef, res, *_ = np.linalg.lstsq(A, ly, rcond=None)
    n = lx.size
    if n > 2:
        s2 = float(((ly - A @ coef) ** 2).sum()) / (n - 2)
        se = np.sqrt(s2 / float(((lx - lx.mean()) ** 2).sum()))
    else:
        se = float("nan")
    return float(coef[0]), float(se)


def contraction(sizes_f, sizes_w, fixed_f, budget):
    per_madd = _dgemm_rate(budget)
    rows, kern, ref = [], {}, {}
    cases = [(f, 2 * f) for f in sizes_f] + [(fixed_f, w) for w in sizes_w]
    for n_f, n_w in cases:
        if (n_f, n_w) in kern:
            continue
        X, Y, Wt = _arrays(n_f, n_w)
        np.testing.assert_allclose(glow_constraints(X, Y, Wt, 0.5),
                                   glow_constraints_ref(X, Y, Wt, 0.5), rtol=1e-10, atol=1e-10)
        tk = median_time(lambda X=X, Y=Y, Wt=Wt: glow_constraints(X, Y, Wt, 0.5), budget=budget)
        tr = median_time(lambda X=X, Y=Y, Wt=Wt: glow_constraints_ref(X, Y, Wt, 0.5),
                         budget=budget)
        kern[(n_f, n_w)], ref[(n_f, n_w)] = tk, tr
        madds = n_f * n_w * H * Z
        rows.append([f"{n_f}", f"{n_w}", f"{madds:.2e}", fmt_time(tk), fmt_time(tr),
                     f"{tr / tk:.2f}", f"{tk / (madds * per_madd):.1f}",
                     f"{tr / (madds * per_madd):.1f}"])
    fits = []
    for label, xs, keys in (("|F| (|W| = 2|F|)", sizes_f, [(f, 2 * f) for f in sizes_f]),
                            (f"|W| (|F| = {fixed_f})", sizes_w, [(fixed_f, w) for w in sizes_w])):
        for name, table in (("numba kernel", kern), ("numpy (BLAS)", ref)):
            s, se = _slope(xs, [table[k] for k in keys])
            fits.append([label, name, f"{s:.2f} +- {1.96 * se:.2f}"])
    return rows, fits, kern, ref


def claim_sizes():
    from mdplab.algorithms.density_ratio import (
        glow,
        glow_population,
        golf,
        hyglow_population,
        needle_class,
    )
    from mdplab.envs import block_lock
    from mdplab.planning import backward_induction, occupancy_measure

    rows = []
    big = block_lock(k=8, m=4, A=2, H=6, r_star=0.5)
    F129 = needle_class(big, 4, size=129)
    small = block_lock(k=4, m=2, A=2, H=4, r_star=0.5)
    F33 = needle_class(small, 2, size=33)
    d_star = occupancy_measure(small, backward_induction(small).policy)
    F9 = needle_class(small, 2)
    runs = [("population GLOW |F| = 129, S = 32, H = 6, T = 600",
             lambda: glow_population(big, F129, T=600)),
            ("sampled GLOW |F| = 33, K = 3000, T = 200",
             lambda: glow(small, F33, T=200, K=3000, rng=0)),
            ("sampled GOLF |F| = 33, T = 400", lambda: golf(small, F33, T=400, rng=0)),
            ("population HyGLOW |F| = 9, T = 100",
             lambda: hyglow_population(small, F9, T=100, nu=d_star))]
    for label, fn in runs:
        fn()
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        rows.append([label, fmt_time(float(np.median(times)))])
    return rows


def plot(path, sizes_f, sizes_w, fixed_f, kern, ref):
    from mdplab.plotting import legend_below, new_figure, reference_slope, style

    with style():
        fig, axes = new_figure(2, "full", height=2.8)
        for ax, xs, keys, xlabel in (
                (axes[0], sizes_f, [(f, 2 * f) for f in sizes_f], r"$|F|$ ($|W| = 2|F|$)"),
                (axes[1], sizes_w, [(fixed_f, w) for w in sizes_w],
                 rf"$|W|$ ($|F| = {fixed_f}$)")):
            for name, table, color in (("numba kernel", kern, "C0"), ("numpy (BLAS)", ref, "C1")):
                ys = [table[k] for k in keys]
                s, _ = _slope(xs, ys)
                ax.loglog(xs, ys, "o-", color=color, label=f"{name} (slope {s:.2f})")
            want = 2.0 if ax is axes[0] else 1.0
            reference_slope(ax, xs, want, 0.5 * kern[keys[0]], label=f"cost model, slope {want:g}")
            from matplotlib.ticker import NullFormatter

            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel(xlabel)
            ax.set_ylabel("seconds per iteration")
            legend_below(ax, ncols=1)
        fig.savefig(path, dpi=150)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    ap.add_argument("--out", type=Path, help="also write the tables to this file")
    ap.add_argument("--plot", type=Path, help="write the log-log plot to this PNG")
    args = ap.parse_args(argv)
    if args.quick:
        sizes_f, sizes_w, fixed_f, budget = [8, 16, 32], [16, 64], 16, 0.1
    else:
        sizes_f, sizes_w, fixed_f, budget = [16, 32, 64, 128, 256, 512], [32, 128, 512, 2048], \
            64, 1.0
    buf = io.StringIO()
    with contextlib.redirect_stdout(Tee(sys.stdout, buf)):
        print(f"mdplab GLOW benchmarks - {time.strftime('%Y-%m-%d')}")
        print(machine_line())
        rows, fits, kern, ref = contraction(sizes_f, sizes_w, fixed_f, budget)
        _table(rows, ["|F|", "|W|", "mult-adds", "numba kernel", "numpy (BLAS)",
                      "kernel speed-up", "kernel x dgemm", "numpy x dgemm"],
               f"1. Constraint values of one iteration (H = {H}, S A = {Z})")
        _table(fits, ["against", "path", "exponent (95% interval)"],
               "   fitted exponents of time")
        if not args.quick:
            _table(claim_sizes(), ["run", "wall time (median of 3)"], "2. Claim sizes")
    if args.plot:
        plot(args.plot, sizes_f, sizes_w, fixed_f, kern, ref)
        print(f"\nplot: {args.plot}")
    if args.out:
        args.out.write_text(buf.getvalue())
        print(f"written: {args.out}")


def _table(rows, columns, title):
    print_table([dict(zip(columns, r, strict=True)) for r in rows], columns, title)


if __name__ == "__main__":
    main()
