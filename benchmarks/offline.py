"""Offline-RL benchmarks: counting transitions and pessimistic backward induction (VI-LCB).

    python benchmarks/offline.py [--quick]

Data: K episodes of a uniform behaviour policy in a stationary random MDP with S states,
A actions, horizon H and 5 successors per (s, a) (N = K H transitions). Every figure in a
table is measured in the same run; times are medians over repeats after a warm-up call
(which also compiles the numba kernels).

- "x read" divides by the same-run time to stream the data arrays (h, s, a, s') through the
  CPU once: no counting can beat it.
- "numpy (dense)" is a plain numpy implementation: ``np.bincount`` over the flattened index
  ((h S + s) A + a) S + s' (the spec's suggestion, ../shared/specs/pessimism.md Sec. 10),
  then vectorised backups over dense (S A, S) matrices per step. Its cost grows with
  H S^2 A, not with the data.
- mdplab counts into a CSR matrix (:func:`mdplab.kernels.pessimism.csr_counts`, O(N + HSA),
  no sort) and runs the Bernstein backward induction on it
  (:func:`mdplab.kernels.pessimism.bernstein_induction_csr`, O(nnz + HSA)).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import fmt_time, machine_line, median_time, print_table, read_time  # noqa: E402

from mdplab import FiniteHorizonMDP  # noqa: E402
from mdplab.algorithms.offline import vi_lcb_episodic  # noqa: E402
from mdplab.kernels.pessimism import bernstein_induction_csr, csr_counts  # noqa: E402
from mdplab.sampling import OfflineDataset, rollout  # noqa: E402

# The penalty of the paper's own experiment: c_b = 0.05 with the log factor folded in (Li et
# al. 2022, Sec. 4; spec Sec. 7.7), so that Q is not identically 0 and the two
# implementations are compared on non-trivial values (the theory value c_b = 16 with
# L = log(NH/delta) zeroes every Q at this N).
C_B = 0.05
L = 1.0


def make_data(S, A, H, K, rng):
    P = np.zeros((S, A, S))
    for s in range(S):
        for a in range(A):
            nxt = rng.choice(S, size=5, replace=False)
            P[s, a, nxt] = rng.dirichlet(np.ones(5))
    mdp = FiniteHorizonMDP(P, rng.random((S, A)), H=H)
    ep = rollout(mdp, np.full((H, S, A), 1.0 / A), K, rng)
    h = np.broadcast_to(np.arange(H), (K, H)).reshape(-1).copy()
    return (h, ep.states[:, :H].reshape(-1).copy(), ep.actions.reshape(-1).copy(),
            ep.states[:, 1:].reshape(-1).copy(), np.asarray(mdp.r))


def numpy_counts(h, s, a, sn, H, S, A):
    key = ((h * S + s) * A + a) * S + sn
    nn = np.bincount(key, minlength=H * S * A * S).reshape(H, S, A, S)
    return nn.sum(axis=3), nn


def numpy_vi_lcb(h, s, a, sn, r, H, S, A):
    n, nn = numpy_counts(h, s, a, sn, H, S, A)
    safe = np.maximum(n, 1)
    V = np.zeros((H + 1, S))
    Q = np.empty((H, S, A))
    for t in range(H - 1, -1, -1):
        P = (nn[t] / safe[t][..., None]).reshape(S * A, S)
        m = (P @ V[t + 1]).reshape(S, A)
        var = np.maximum((P @ V[t + 1] ** 2).reshape(S, A) - m ** 2, 0.0)
        b = np.where(n[t] > 0, np.minimum(np.sqrt(C_B * L * var / safe[t])
                                          + C_B * H * L / safe[t], H), H)
        Q[t] = np.maximum(r[t] + m - b, 0.0)
        V[t] = Q[t].max(axis=1)
    return Q, V


def mdplab_vi_lcb(h, s, a, sn, r, H, S, A):
    counts = csr_counts(h, s, a, sn, H, S, A)
    return bernstein_induction_csr(*counts, r, c_var=C_B * L, c_lin=C_B * H * L,
                                   cap=np.full(H, float(H)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(20261121)
    print("mdplab offline benchmarks —", machine_line())
    S, A, H = (100, 10, 20) if args.quick else (500, 10, 20)
    K = 5_000 if args.quick else 50_000
    h, s, a, sn, r = make_data(S, A, H, K, rng)
    N = h.size
    read = read_time(h, s, a, sn)

    rows = []
    t_np = median_time(lambda: numpy_counts(h, s, a, sn, H, S, A), budget=2.0)
    t_ml = median_time(lambda: csr_counts(h, s, a, sn, H, S, A), budget=2.0)
    for impl, t in (("mdplab csr_counts", t_ml), ("numpy bincount (dense)", t_np),
                    ("read the data once", read)):
        rows.append({"task": f"count N={N:.0e} (S={S}, A={A}, H={H})", "impl": impl,
                     "median": fmt_time(t), "transitions/s": f"{N / t:.3g}",
                     "x read": f"{t / read:.1f}", "x numpy": f"{t / t_np:.3f}"})
    print_table(rows, ["task", "impl", "median", "transitions/s", "x read", "x numpy"],
                "1. Counting transitions")

    Q1, V1 = numpy_vi_lcb(h, s, a, sn, r, H, S, A)
    Q2, V2, *_ = mdplab_vi_lcb(h, s, a, sn, r, H, S, A)
    err = float(np.max(np.abs(Q1 - Q2)))
    print(f"\n(mean Q = {Q2.mean():.3f}, fraction of Q > 0: {np.mean(Q2 > 0):.2f})")
    t_np = median_time(lambda: numpy_vi_lcb(h, s, a, sn, r, H, S, A), budget=3.0, min_repeats=3)
    t_ml = median_time(lambda: mdplab_vi_lcb(h, s, a, sn, r, H, S, A), budget=3.0)

    def public():  # the user-facing call: validated dataset, then Algorithm 2
        data = OfflineDataset(s=s, a=a, s_next=sn, S=S, A=A, H=H, h=h)
        return vi_lcb_episodic(data, r, c_b=C_B, fold_log=True, cap=float(H))

    err_pub = float(np.max(np.abs(public().Q - Q1)))
    t_pub = median_time(public, budget=3.0)
    rows = [{"task": f"VI-LCB (Alg. 2) S={S} A={A} H={H} N={N:.0e}", "impl": impl,
             "median": fmt_time(t), "x read": f"{t / read:.1f}", "x numpy": f"{t / t_np:.3f}",
             "max |Q - Q_numpy|": f"{e:.1e}"}
            for impl, t, e in (("mdplab kernels (CSR counts + numba)", t_ml, err),
                               ("mdplab vi_lcb_episodic(OfflineDataset(...))", t_pub, err_pub),
                               ("numpy (dense)", t_np, 0.0))]
    print_table(rows, ["task", "impl", "median", "x read", "x numpy", "max |Q - Q_numpy|"],
                "2. One VI-LCB run from raw transitions (count + Bernstein backward induction)")

    rows = []
    Ks = [K // 10, K, 4 * K] if not args.quick else [K // 10, K]
    for k in Ks:
        hh, ss, aa, nn_, rr = make_data(S, A, H, k, np.random.default_rng(1))
        t = median_time(lambda hh=hh, ss=ss, aa=aa, nn_=nn_, rr=rr:
                        mdplab_vi_lcb(hh, ss, aa, nn_, rr, H, S, A), budget=2.0)
        rows.append({"N": f"{hh.size:.0e}", "median": fmt_time(t),
                     "ns per transition": f"{t / hh.size * 1e9:.1f}"})
    print_table(rows, ["N", "median", "ns per transition"],
                f"3. mdplab VI-LCB cost against the data size (S={S}, A={A}, H={H})")


if __name__ == "__main__":
    main()
