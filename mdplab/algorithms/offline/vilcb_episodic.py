"""Episodic VI-LCB with the Bernstein penalty and two-fold subsampling.

Source: G. Li, L. Shi, Y. Chen, Y. Chi, Y. Wei (2022). *Settling the Sample Complexity of
Model-Based Offline Reinforcement Learning.* arXiv 2204.05275; Ann. Statist. 52(1), 2024.
Sec. 3: Algorithm 2 (VI-LCB on a set of transitions D_0), Algorithm 3 (two-fold
subsampling, then Algorithm 2), Theorem 3 / Remark 4 (upper bound), Theorem 4 / Remark 5
(lower bound), Theorem 6 (independent transitions), eq. (65) (instance-dependent form). Steps are
0-indexed (h = 0..H-1).

What was confirmed, and how
-------------------------------------------------
The paper's full text was not in the search tool's stores (only its abstract, which
confirms the H^4 S C*_clipped / eps^2 rate and "pessimistic variants of value iteration
with Bernstein-style penalties"). What could be checked:

* Penalty (55): an independent public transcription of Algorithm 2 (a third-party
  "subVILCB"/"VILCB" implementation found with the code search; its repository was not
  named by the index) writes b_h(s,a) = min{ sqrt(c_b log(NH/delta) Var_{P_hat}(V_{h+1}) /
  N_h(s,a)) + c_b H log(NH/delta) / N_h(s,a), H } and b = H when N_h(s,a) = 0, i.e. the
  form used here. *Partly confirmed* (a transcription, not the paper).
* Trim count (56): the same transcription writes N_trim_h(s) = max{ N_aux_h(s) -
  10 sqrt(N_aux_h(s) log(HS/delta)), 0 }, the form used here. *Partly confirmed.*
* (57a-b) (the displayed bounds of Lemma 3): *unconfirmed*; only the event of (57a),
  N_trim_h(s) <= N_main_h(s) for all (s, h) with probability >= 1 - 8 delta, is used here
  (claim li2022_episodic.subsampling_lemma); (57b) is reported, never asserted.
* Appendix C.3 (the lower-bound MDPs): *unconfirmed*; :func:`mdplab.envs.hard_episodic`
  is the library's own per-step family.
* The experiment (Sec. 4, Fig. 2): confirmed against the authors' notebook
  (github.com/Laixishi/Model-based-VI-LCB, gambler-offline-model-based.ipynb): the bonus
  ``min(H - h, c_b H / n + sqrt(c_b Var / n))`` with ``c_b = 0.05`` and the variance of
  z = (reward on arrival) + V_hat_{h+1}(s'), 50 + 1 capitals, stakes 1..min(s, 50 - s),
  p_head = 0.45, H = 100, a fresh estimate drawn at every use (also when the greedy policy
  is extracted), the stake-0 index left at value 0, plain VI leaving the last step at 0, the
  exact evaluation of the returned policy, the optimal values it prints (V*_1 = 0.01057309,
  0.45, 0.96455773 at capitals 1, 25, 49; reproduced in tests/test_vilcb_episodic.py) and
  the fitted slope -0.50173631 it prints. Not read (the notebook is mostly embedded images):
  the cell that averages the gap over the 51 capitals (rho uniform here).
  See :func:`gambler_run`.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..._validation import (
    RngLike,
    as_count_array,
    as_float_array,
    as_int_array,
    as_rng,
    check_bool,
    check_choice,
    check_positive_int,
    check_real,
    check_rewards,
    check_sizes,
    readonly,
)
from ...kernels.pessimism import pessimistic_induction
from ...kernels.subsampling import select_without_replacement
from ...models.finite_horizon import FiniteHorizonMDP
from ...planning.results import compact_repr
from ...sampling.dataset import OfflineDataset
from ..bounds import Bound
from .result import KNOBS, PessimisticResult, flag_degenerate

__all__ = [
    "GamblerRun",
    "TrimResult",
    "bernstein_log",
    "gambler_run",
    "instance_dependent_bound",
    "n_trim",
    "theorem3_epsilon",
    "theorem3_min_episodes",
    "theorem4_lower_bound",
    "theorem6_condition",
    "trim_log",
    "two_fold_subsample",
    "vi_lcb_episodic",
    "vi_lcb_subsampled",
]

#: Remark 4 of Li et al. (2022): c_b >= 16 and c_k = 12800 c_b suffice for Theorem 3.
REMARK4_C_B = 16.0
REMARK4_C_K = 12800.0 * REMARK4_C_B
#: Remark 5 of Li et al. (2022): the constants of Theorem 4.
REMARK5_C_3 = 2.0 ** -14
REMARK5_C_4 = 2.0 ** -36
#: Theorem 6 of Li et al. (2022): K >= 3872 H S C*_clipped log(NH/delta).
THEOREM6_CONSTANT = 3872.0


# ------------------------------------------------------------------ logs (one line each)
def bernstein_log(N: int, H: int, delta: float) -> float:
    """L = log(N H / delta), the log factor of the penalty (55) (N = number of
    transitions in D_0, N <= KH). N = 0 is read as N = 1."""
    N = check_positive_int(N, "N", minimum=0)
    (H,) = check_sizes(H=H)
    return math.log(max(N, 1) * H / _check_delta(delta))


def trim_log(H: int, S: int, delta: float) -> float:
    """log(H S / delta), the log factor of the trim count (56)."""
    H, S = check_sizes(H=H, S=S)
    return math.log(H * S / _check_delta(delta))


def n_trim(n_aux: ArrayLike, H: int, S: int, delta: float) -> np.ndarray:
    """N_trim_h(s) = max{ N_aux_h(s) - 10 sqrt(N_aux_h(s) log(HS/delta)), 0 } (eq. (56)).

    Partly confirmed (module docstring). It is 0 exactly when N_aux <= 100 log(HS/delta).
    ``n_aux`` any shape of counts; returns float64 of the same shape.
    """
    n_aux = as_count_array(n_aux, "n_aux").astype(float)
    return np.maximum(n_aux - 10.0 * np.sqrt(n_aux * trim_log(H, S, delta)), 0.0)


# ------------------------------------------------------------------ input checks
def _check_delta(delta) -> float:
    if isinstance(delta, bool) or not isinstance(delta, numbers.Real):
        raise TypeError(f"delta must be a real number, got {delta!r}")
    delta = float(delta)
    if not 0.0 < delta < 1.0:
        raise ValueError(f"delta is {delta}; must lie in (0, 1)")
    return delta


def _check_nonneg(x, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {x!r}")
    x = float(x)
    if not (math.isfinite(x) and x >= 0.0):
        raise ValueError(f"{name} is {x}; must be a finite number >= 0")
    return x


def _counts_from(data) -> tuple[np.ndarray, np.ndarray, int]:
    """(n (H,S,A) float, P_hat (H,S,A,S), N) from an OfflineDataset or a tuple (n, nn)."""
    if isinstance(data, OfflineDataset):
        if data.H is None:
            raise ValueError("data is a discounted dataset (H is None); Algorithm 2 is episodic")
        return data.n.astype(float), np.asarray(data.P_hat), data.N
    if isinstance(data, tuple) and len(data) == 2:
        n = as_int_array(data[0], "n", ndim=3)
        nn = as_int_array(data[1], "nn", ndim=4)
        if nn.shape[:3] != n.shape or nn.shape[3] != n.shape[1]:
            raise ValueError(f"nn has shape {nn.shape}; expected (H, S, A, S) = "
                             f"{n.shape + (n.shape[1],)} to match n {n.shape}")
        for arr, name in ((n, "n"), (nn, "nn")):
            if (arr < 0).any():
                idx = [int(i) for i in np.argwhere(arr < 0)[0]]
                raise ValueError(f"{name}{idx} is {arr[tuple(idx)]}; counts must be >= 0")
        bad = nn.sum(axis=-1) != n
        if bad.any():
            idx = [int(i) for i in np.argwhere(bad)[0]]
            where = ", ".join(map(str, idx))
            raise ValueError(f"nn[{where}, :] sums to {int(nn[tuple(idx)].sum())} but "
                             f"n{idx} is {int(n[tuple(idx)])}; they must agree")
        P_hat = nn / np.maximum(n, 1)[..., None]
        return n.astype(float), P_hat, int(n.sum())
    raise TypeError("data must be an OfflineDataset (finite horizon) or a tuple (n, nn) of "
                    f"counts, got {type(data).__name__}")


def _rewards(r: object, H: int, S: int, A: int,
             reward_range: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """Known mean rewards (S, A) or (H, S, A) in the data's reward range ([0, 1] for counts)."""
    return check_rewards(r, "r", H, S, A, reward_range)


def _range_of(data: object) -> tuple[float, float]:
    return data.reward_range if isinstance(data, OfflineDataset) else (0.0, 1.0)


def _arrival(arrival, H: int, S: int) -> np.ndarray:
    if arrival is None:
        return np.zeros((H, S))
    arr = as_float_array(arrival, "arrival", ndim=(1, 2))
    if arr.shape == (S,):
        return np.ascontiguousarray(np.broadcast_to(arr, (H, S)))
    if arr.shape != (H, S):
        raise ValueError(f"arrival has shape {arr.shape}; expected (S,) = ({S},) or "
                         f"(H, S) = {(H, S)}")
    return arr


def _valid(valid, S: int, A: int):
    if valid is None:
        return None
    v = np.asarray(valid)
    if v.dtype != bool:
        raise TypeError(f"valid must be a boolean array (S, A), got dtype {v.dtype}")
    if v.shape != (S, A):
        raise ValueError(f"valid has shape {v.shape}; expected (S, A) = {(S, A)}")
    empty = ~v.any(axis=1)
    if empty.any():
        raise ValueError(f"valid[{int(np.argmax(empty))}, :] is all False; every state needs "
                         "at least one action")
    return v


def _cap(cap, H: int) -> np.ndarray:
    if isinstance(cap, str):
        if cap == "H":
            return np.full(H, float(H))
        if cap == "remaining":
            return np.arange(H, 0, -1, dtype=float)
        raise ValueError(f"cap is {cap!r}; must be 'H', 'remaining' or a positive number")
    c = _check_nonneg(cap, "cap")
    if c <= 0:
        raise ValueError(f"cap is {c}; must be > 0")
    return np.full(H, c)


# ------------------------------------------------------------------ Algorithm 2
def _alg2_params(c_b, delta, L, N, fold_log, cap, H) -> dict:
    """The constants of one Algorithm 2 run, stored next to its results."""
    return {"c_b": c_b, "delta": delta, "L": L, "N": int(N), "fold_log": bool(fold_log),
            "cap": cap if isinstance(cap, str) else float(cap), "tie_rule": "lowest index",
            "c_var": c_b * L, "c_lin": c_b * H * L}


def _run_alg2(n, P_hat, r, N, *, c_b, delta, fold_log, cap, arrival, valid, algorithm,
              extra=None) -> PessimisticResult:
    H, S, A, _ = P_hat.shape
    L = 1.0 if fold_log else bernstein_log(N, H, delta)
    cap_arr = _cap(cap, H)
    Q, V, pi, pen, backup = pessimistic_induction(
        P_hat, r, n=n, c_var=c_b * L, c_lin=c_b * H * L, cap=cap_arr, clip_upper=False,
        arrival=arrival, valid=valid, return_backup=True)   # backup = r + P_hat (V + arrival)
    params = _alg2_params(c_b, delta, L, N, fold_log, cap, H)
    if extra:
        params.update(extra)
    return PessimisticResult(policy=readonly(pi), Q=readonly(Q), V=readonly(V),
                             penalty=readonly(pen), backup=readonly(backup),
                             algorithm=algorithm, params=params)


#: above this many entries of a dense (H, S, A, S) empirical kernel, ``method="auto"`` counts
#: the transitions into a CSR matrix instead (cost O(N + H S A) rather than O(H S^2 A))
DENSE_LIMIT = 2_000_000


def vi_lcb_episodic(data: OfflineDataset | tuple[np.ndarray, np.ndarray], r: np.ndarray, *,
                    c_b: float = 16.0, delta: float = 0.05, fold_log: bool = False,
                    cap: str | float = "H", arrival: np.ndarray | None = None,
                    valid: np.ndarray | None = None, method: str = "auto",
                    rho: np.ndarray | None = None) -> PessimisticResult:
    """VI-LCB on a set of transitions D_0 (Li et al. 2022, arXiv 2204.05275, Algorithm 2).

    For h = H-1, ..., 0, with W = V_hat_{h+1} + arrival[h] (an optional reward paid on
    arriving in s', folded into the next-state value as in the authors' experiment)::

        b_h(s,a) = min{ sqrt(c_b L Var_{P_hat_h(s,a)}(W) / N_h(s,a)) + c_b H L / N_h(s,a),
                        cap }                                   (eq. (55)),  b = cap if N = 0
        Q_h(s,a) = max{ r_h(s,a) + P_hat_h(s,a) . W - b_h(s,a), 0 }    (eq. (52), no upper clip)
        pi_h(s) = the lowest a maximising Q_h(s, .),  V_h(s) = max_a Q_h(s,a)

    with L = log(N H / delta), N the number of transitions in D_0 (:func:`bernstein_log`).
    The penalty is confirmed only partly (module docstring); ``c_b`` = 16 is the paper's
    example value (Remark 4: c_b >= 16 suffices for Theorem 3).

    Parameters
    ----------
    data : OfflineDataset (finite horizon; e.g. ``OfflineDataset.from_episodes``), or a
        tuple ``(n, nn)`` of counts n (H, S, A) and nn (H, S, A, S).
    r : known mean rewards (H, S, A) or (S, A) (the paper's rewards are known).
    c_b : the penalty constant (>= 0; 0 gives plain value iteration on P_hat).
    delta : in (0, 1).
    fold_log : if True, L = 1 (the log factor is folded into c_b, as in the authors'
        notebook, which uses c_b = 0.05).
    cap : 'H' (the paper: b <= H), 'remaining' (H - h, 0-indexed; the notebook) or a number.
    arrival : optional (S,) or (H, S) reward received on arriving in s' (default 0).
    valid : optional (S, A) boolean mask of available actions (others get Q = -inf).

    Returns
    -------
    PessimisticResult with ``penalty`` = b_h (H, S, A) and ``backup`` = r + P_hat W, so the
    exact checks of :mod:`mdplab.algorithms.offline.checks` apply (with arrival rewards the
    true MDP's mean reward must be r + P . arrival). ``params`` records c_b, delta, L, N.

    method : 'dense' (P_hat as an (H, S, A, S) array), 'csr' (the transitions of an
        OfflineDataset counted into a CSR matrix, :func:`mdplab.kernels.pessimism.csr_counts`;
        cost linear in the data; no ``arrival``/``valid``), or 'auto' (csr for an
        OfflineDataset without arrival/valid when H S A S > :data:`DENSE_LIMIT`). Both give
        the same values up to round-off in the last bits (sums in a different order).
    rho : (S,) start distribution for the ``degenerate`` flag (default: the empirical
        distribution of the data's states at h = 0; see
        :mod:`mdplab.algorithms.offline.degeneracy`).

    Small data: with c_b = 16 the penalty is about sqrt(16 L Var / n) + 16 H L / n, which
    exceeds H until n is in the thousands per (h, s, a); then Q_hat = 0 and the policy is the
    tie rule's (``degenerate``). The authors' experiment uses c_b = 0.05 with ``fold_log``;
    any c_b below Remark 4's 16 voids Theorem 3's guarantee.
    """
    res = _alg2(data, r, c_b=c_b, delta=delta, fold_log=fold_log, cap=cap, arrival=arrival,
                valid=valid, method=method)
    return _flag(res, data, rho, valid)


def _flag(res: PessimisticResult, data: object, rho: np.ndarray | None,
          valid: np.ndarray | None, start_data: object = None) -> PessimisticResult:
    """Fill in the degenerate flag from the counts the run already computed: the CSR counts
    (``res.params["_csr"]``, popped here) or the dense nn of the dataset / tuple."""
    from .degeneracy import reachable_from_counts, reachable_from_csr

    H, S, _ = res.Q.shape
    if rho is None and start_data is not None:    # default rho from the untrimmed data
        first = np.asarray(start_data.s)[np.asarray(start_data.h) == 0]
        rho = np.bincount(first, minlength=S) / max(first.size, 1) if first.size else None
    policy = np.asarray(res.policy)
    csr = res.params.get("_csr")
    if csr is not None:
        res = dataclasses.replace(res, params={k: v for k, v in res.params.items()
                                               if k != "_csr"})
        indptr, next_states, _, n = csr
        reach = reachable_from_csr(policy, indptr, next_states, n, rho)
    elif isinstance(data, OfflineDataset):
        reach = reachable_from_counts(policy, np.asarray(data.nn), rho)
    else:
        reach = reachable_from_counts(policy, as_int_array(data[1], "nn"), rho)
    return flag_degenerate(res, reach, valid=None if valid is None else _valid(valid, S,
                           res.Q.shape[2]), knob=KNOBS["vi-lcb"])


def _alg2(data, r, *, c_b, delta, fold_log, cap, arrival, valid, method) -> PessimisticResult:
    c_b = _check_nonneg(c_b, "c_b")
    delta = _check_delta(delta)
    fold_log = check_bool(fold_log, "fold_log")
    method = check_choice(method, "method", ("auto", "dense", "csr"))
    sparse_ok = isinstance(data, OfflineDataset) and arrival is None and valid is None
    if method == "csr" and not sparse_ok:
        raise ValueError("method='csr' needs an OfflineDataset and no arrival or valid")
    if sparse_ok and data.H is not None and (method == "csr" or (
            method == "auto" and data.H * data.S * data.A * data.S > DENSE_LIMIT)):
        return _run_alg2_csr(data, r, c_b=c_b, delta=delta, fold_log=fold_log, cap=cap)
    n, P_hat, N = _counts_from(data)
    H, S, A, _ = P_hat.shape
    return _run_alg2(n, P_hat, _rewards(r, H, S, A, _range_of(data)), N, c_b=c_b, delta=delta,
                     fold_log=fold_log, cap=cap, arrival=_arrival(arrival, H, S),
                     valid=_valid(valid, S, A), algorithm="vi-lcb-episodic")


def _run_alg2_csr(data, r, *, c_b, delta, fold_log, cap) -> PessimisticResult:
    from ...kernels.pessimism import bernstein_induction_csr, csr_counts

    H, S, A, N = data.H, data.S, data.A, data.N
    r = _rewards(r, H, S, A, data.reward_range)
    L = 1.0 if fold_log else bernstein_log(N, H, delta)
    h = np.zeros(N, dtype=np.int64) if data.h is None else data.h
    counts = csr_counts(h, data.s, data.a, data.s_next, H, S, A)
    Q, V, pi, pen, backup = bernstein_induction_csr(*counts, r, c_var=c_b * L,
                                                    c_lin=c_b * H * L, cap=_cap(cap, H))
    params = {**_alg2_params(c_b, delta, L, N, fold_log, cap, H), "method": "csr",
              "_csr": counts}   # for the degenerate flag; removed by _flag
    return PessimisticResult(policy=readonly(pi), Q=readonly(Q), V=readonly(V),
                             penalty=readonly(pen), backup=readonly(backup),
                             algorithm="vi-lcb-episodic", params=params)


# ------------------------------------------------------------------ Algorithm 3
@dataclass(frozen=True)
class TrimResult:
    """The outcome of the two-fold subsampling (Li et al. 2022, Algorithm 3, steps 1-3).

    Attributes
    ----------
    data : the kept dataset D_trim (transitions of D_main only).
    n_main, n_aux : (H, S) int64, N_main_h(s) and N_aux_h(s) (transitions leaving s at h).
    n_trim : (H, S) float64, eq. (56).
    kept : (H, S) int64, min{ floor(N_trim_h(s)), N_main_h(s) } transitions kept per (h, s).
    kept_index : int64, the indices (into the input dataset, increasing) of the kept
        transitions: D_trim = ``input.subset(kept_index)``.
    main_episodes, aux_episodes : episode ids of the two halves.
    delta : the delta used in (56).
    """

    __repr__ = compact_repr

    data: OfflineDataset
    n_main: np.ndarray
    n_aux: np.ndarray
    n_trim: np.ndarray
    kept: np.ndarray
    kept_index: np.ndarray
    main_episodes: np.ndarray
    aux_episodes: np.ndarray
    delta: float

    @property
    def trim_exceeds_main(self) -> bool:
        """The failure event of (57a): N_trim_h(s) > N_main_h(s) for some (h, s)."""
        return bool((self.n_trim > self.n_main).any())

    @property
    def n_total(self) -> int:
        return int(self.n_main.sum() + self.n_aux.sum())

    @property
    def fraction_discarded(self) -> float:
        """``1 - |D_trim| / |D|`` (at least about 1/2: the whole D_aux is discarded)."""
        total = self.n_total
        return 1.0 - float(self.kept.sum()) / total if total else 0.0

    def summary(self) -> dict:
        return {"n_trim_total": float(self.n_trim.sum()), "n_main_total": int(self.n_main.sum()),
                "n_aux_total": int(self.n_aux.sum()), "n_kept": int(self.kept.sum()),
                "fraction_discarded": self.fraction_discarded,
                "trim_exceeds_main": self.trim_exceeds_main}


def two_fold_subsample(data: OfflineDataset, *, delta: float = 0.05,
                       rng: RngLike | None = None) -> TrimResult:
    """Steps 1-3 of Algorithm 3 of Li et al. (2022, arXiv 2204.05275).

    1. Shuffle the episode ids with ``rng`` ([lib]: the paper splits the data as given), then
       D_main = the first floor(K/2) episodes, D_aux = the other ceil(K/2).
    2. N_trim_h(s) from the D_aux counts, eq. (56) (:func:`n_trim`).
    3. For every (h, s) keep min{ floor(N_trim_h(s)), N_main_h(s) } of the D_main transitions
       leaving s at step h, uniformly without replacement (numba, O(KH):
       :func:`mdplab.kernels.subsampling.select_without_replacement`). The floor keeps the
       count an integer not above N_trim [lib].

    Randomness, in order: ``rng.permutation(episode ids)``, then one ``rng.random`` uniform per
    D_main transition. ``data`` must hold episode ids (``OfflineDataset.from_episodes``).
    """
    if not isinstance(data, OfflineDataset):
        raise TypeError(f"data must be an OfflineDataset, got {type(data).__name__}")
    if data.H is None:
        raise ValueError("data is a discounted dataset (H is None); Algorithm 3 is episodic")
    if data.episode is None:
        raise ValueError("data has no episode ids; Algorithm 3 splits by trajectory "
                         "(build it with OfflineDataset.from_episodes)")
    delta = _check_delta(delta)
    rng = as_rng(rng)
    H, S = data.H, data.S
    episodes = np.unique(data.episode)
    K = episodes.size
    if K < 2:
        raise ValueError(f"data has {K} episode(s); the two-fold split needs at least 2")
    perm = rng.permutation(episodes)
    main_eps, aux_eps = np.sort(perm[: K // 2]), np.sort(perm[K // 2:])
    is_main = np.isin(data.episode, main_eps)
    main_idx = np.flatnonzero(is_main)
    aux_idx = np.flatnonzero(~is_main)
    bucket_main = data.h[main_idx] * S + data.s[main_idx]
    bucket_aux = data.h[aux_idx] * S + data.s[aux_idx]
    n_main = np.bincount(bucket_main, minlength=H * S).reshape(H, S)
    n_aux = np.bincount(bucket_aux, minlength=H * S).reshape(H, S)
    trim = n_trim(n_aux, H, S, delta)
    kept = np.minimum(np.floor(trim).astype(np.int64), n_main)
    u = rng.random(main_idx.size)
    sel = select_without_replacement(bucket_main, H * S, kept.reshape(-1), u)
    kept_index = main_idx[sel]
    return TrimResult(data=data.subset(kept_index), n_main=readonly(n_main),
                      n_aux=readonly(n_aux), n_trim=readonly(trim), kept=readonly(kept),
                      kept_index=readonly(kept_index),
                      main_episodes=readonly(main_eps), aux_episodes=readonly(aux_eps),
                      delta=delta)


def vi_lcb_subsampled(data: OfflineDataset, r: np.ndarray, *, c_b: float = 16.0,
                      delta: float = 0.05,
                      rng: int | np.random.Generator | np.random.SeedSequence | None = None,
                      fold_log: bool = False, cap: str | float = "H",
                      arrival: np.ndarray | None = None, valid: np.ndarray | None = None,
                      rho: np.ndarray | None = None) -> PessimisticResult:
    """VI-LCB with two-fold subsampling (Li et al. 2022, arXiv 2204.05275, Algorithm 3).

    :func:`two_fold_subsample` (with ``delta`` and ``rng``), then :func:`vi_lcb_episodic` on
    D_trim (same c_b, delta, fold_log, cap, arrival, valid; N in L = log(NH/delta) is
    ``|D_trim|``).
    Theorem 3: with probability >= 1 - 12 delta, V*(rho) - V^pi_hat(rho) <= eps once
    K >= c_k H^3 S C*_clipped log(KH/delta) / eps^2 (:func:`theorem3_min_episodes`).

    Returns the PessimisticResult of Algorithm 2 on D_trim, ``algorithm`` =
    'vi-lcb-subsampled', with the trim statistics (:meth:`TrimResult.summary`: N_trim, N_main,
    kept, fraction discarded, whether N_trim > N_main somewhere) in ``params["trim"]``.
    The ``degenerate`` flag follows D_trim's transitions from ``rho`` (default: the empirical
    distribution of the first states of the whole ``data``).
    """
    c_b = _check_nonneg(c_b, "c_b")
    delta = _check_delta(delta)
    trim = two_fold_subsample(data, delta=delta, rng=rng)
    res = _alg2(trim.data, r, c_b=c_b, delta=delta, fold_log=fold_log, cap=cap,
                arrival=arrival, valid=valid, method="auto")
    params = dict(res.params)
    params["trim"] = trim.summary()
    res = dataclasses.replace(res, algorithm="vi-lcb-subsampled", params=params)
    return _flag(res, trim.data, rho, valid, start_data=data)


# ------------------------------------------------------------------ bounds
def theorem3_min_episodes(H: int, S: int, C_clipped: float, epsilon: float, delta: float,
                          *, c_k: float = REMARK4_C_K) -> int:
    """Smallest K with K >= c_k H^3 S C*_clipped log(KH/delta) / eps^2 (Theorem 3).

    Li et al. (2022, arXiv 2204.05275), Theorem 3 (hypotheses checked; the displayed
    condition is rebuilt); Remark 4: c_b >= 16 and c_k = 12800 c_b
    suffice (the default, 204800). Then V*(rho) - V^pi_hat(rho) <= eps with probability
    >= 1 - 12 delta, for eps in (0, H]. Found by iterating K <- ceil(c_k H^3 S C log(KH/delta)
    / eps^2) from K = 1 (the map is increasing and concave in log K, so this converges to
    the smallest solution).
    """
    H, S = check_positive_int(H, "H"), check_positive_int(S, "S")
    C = _check_nonneg(C_clipped, "C_clipped")
    eps = _check_nonneg(epsilon, "epsilon")
    delta = _check_delta(delta)
    c_k = check_real(c_k, "c_k", 0.0, open_low=True)
    if eps <= 0 or eps > H:
        raise ValueError(f"epsilon is {eps}; Theorem 3 covers epsilon in (0, H = {H}]")
    a = c_k * H ** 3 * S * C / eps ** 2
    K = 1
    for _ in range(200):
        new = max(1, math.ceil(a * math.log(K * H / delta)))
        if new == K:
            break
        K = new
    return int(K)


def theorem3_epsilon(K: int, H: int, S: int, C_clipped: float, delta: float,
                     *, c_k: float = REMARK4_C_K) -> Bound:
    """The accuracy of Theorem 3 at K episodes: sqrt(c_k H^3 S C log(KH/delta) / K).

    Meaningful only when it is <= H (Theorem 3 covers eps in (0, H]); with the Remark 4
    constant it is vacuous unless K is astronomically large, so checks use its shape.
    """
    K = check_positive_int(K, "K")
    H, S = check_positive_int(H, "H"), check_positive_int(S, "S")
    delta = _check_delta(delta)
    C = _check_nonneg(C_clipped, "C_clipped")
    c_k = check_real(c_k, "c_k", 0.0, open_low=True)
    return Bound(math.sqrt(c_k * H ** 3 * S * C * max(math.log(K * H / delta), 0.0) / K), H)


def theorem6_condition(K: int, H: int, S: int, C_clipped: float, N: int, delta: float,
                       *, constant: float = THEOREM6_CONSTANT) -> bool:
    """Whether K >= 3872 H S C*_clipped log(NH/delta) (Li et al. 2022, Theorem 6 [hypotheses
    checked]); with c_b >= 16 the bound then holds with prob. >= 1 - 4 delta
    for independent transitions whose counts satisfy (57b)."""
    K, N = check_positive_int(K, "K"), check_positive_int(N, "N")
    H, S = check_positive_int(H, "H"), check_positive_int(S, "S")
    delta = _check_delta(delta)
    C = _check_nonneg(C_clipped, "C_clipped")
    constant = check_real(constant, "constant", 0.0, open_low=True)
    return K >= constant * H * S * C * math.log(N * H / delta)


def theorem4_lower_bound(H: int, S: int, C_clipped: float, epsilon: float, *,
                         c_3: float = REMARK5_C_3, c_4: float = REMARK5_C_4) -> float:
    """The total sample size c_4 H^4 S C*_clipped / eps^2 below which (KH at most this) every
    estimator fails with constant probability on some MDP of the family (Li et al. 2022,
    Theorem 4, hypotheses H >= 12, C*_clipped >= 8/S, eps <= c_3 H; Remark 5: c_3 = 2^-14,
    c_4 = 2^-36). Raises ValueError when a hypothesis fails."""
    H, S = check_positive_int(H, "H"), check_positive_int(S, "S")
    C = _check_nonneg(C_clipped, "C_clipped")
    eps = _check_nonneg(epsilon, "epsilon")
    c_3 = check_real(c_3, "c_3", 0.0, open_low=True)
    c_4 = check_real(c_4, "c_4", 0.0, open_low=True)
    if H < 12:
        raise ValueError(f"H is {H}; Theorem 4 assumes H >= 12")
    if C < 8.0 / S:
        raise ValueError(f"C_clipped is {C}; Theorem 4 assumes C_clipped >= 8/S = {8.0 / S:g}")
    if not 0 < eps <= c_3 * H:
        raise ValueError(f"epsilon is {eps}; Theorem 4 assumes 0 < epsilon <= c_3 H = "
                         f"{c_3 * H:g}")
    return c_4 * H ** 4 * S * C / eps ** 2


def instance_dependent_bound(mdp: FiniteHorizonMDP, d_b: ArrayLike, K: int, *,
                             c_leading: float = 1.0,
                             log_factor: float = 1.0,
                             policy_star: np.ndarray | None = None) -> Bound:
    """Leading term of the instance-dependent bound, eq. (65) of Li et al. (2022):

        c_leading * sqrt( log_factor * sum_h sum_s d*_h(s) Var_{P_h(.|s, pi*_h(s))}(V*_{h+1})
                          / (K d^b_h(s, pi*_h(s))) )

    (the existence of such a bound for K >= 100 c_b H S C* log(NH/delta) is confirmed; its
    constants and log factor are not, so both are arguments). It matches
    the instance lower bound of Yin & Wang (2021, arXiv 2110.08695, Thm 4.3). ``d_b`` is the
    behaviour occupancy (H, S, A); terms with d*_h(s) = 0 are dropped, and a positive d* over
    d^b = 0 gives +inf.
    """
    from ...models.finite_horizon import FiniteHorizonMDP
    from ...models.policy import validate_policy
    from ...planning import backward_induction, state_occupancy

    if not isinstance(mdp, FiniteHorizonMDP):
        raise TypeError(f"mdp is {type(mdp).__name__}; expected a FiniteHorizonMDP")
    K = check_positive_int(K, "K")
    c_leading = check_real(c_leading, "c_leading", 0.0)
    log_factor = check_real(log_factor, "log_factor", 0.0)
    H, S, A = mdp.shape
    d_b = as_float_array(d_b, "d_b", ndim=3)
    if d_b.shape != (H, S, A):
        raise ValueError(f"d_b has shape {d_b.shape}; expected (H, S, A) = {(H, S, A)}")
    sol = backward_induction(mdp)
    if policy_star is None:
        pi = sol.policy
    else:
        validate_policy(policy_star, H, S, A, name="policy_star")
        pi = as_int_array(policy_star, "policy_star")
        if pi.shape != (H, S):
            raise ValueError(f"policy_star has shape {pi.shape}; expected a deterministic "
                             f"policy (H, S) = {(H, S)}")
    d_star = state_occupancy(mdp, pi)                                    # (H, S)
    total = 0.0
    for h in range(H):
        P = mdp.P[h][np.arange(S), pi[h]]                                 # (S, S)
        V = sol.V[h + 1]
        m = P @ V
        var = P @ (V ** 2) - m ** 2
        var = np.maximum(var, 0.0)
        db = d_b[h, np.arange(S), pi[h]]
        for s in range(S):
            if d_star[h, s] <= 0 or var[s] <= 0:
                continue
            if db[s] <= 0:
                return Bound(math.inf, H)
            total += d_star[h, s] * var[s] / (K * db[s])
    return Bound(float(c_leading) * math.sqrt(float(log_factor) * total), H)


# ------------------------------------------------------------------ the gambler experiment
@dataclass(frozen=True)
class GamblerRun:
    """One run of the Fig. 2 experiment of Li et al. (2022) on one D-gen dataset.

    Attributes
    ----------
    policy : (H, S) the returned policy.
    V_hat : (H+1, S) the algorithm's value estimate (of the backward pass).
    V_pi : (S,) V^pi_hat_0(s) in the true model.
    gap : (S,) V*_0(s) - V^pi_hat_0(s).
    gap_rho : float, the gap averaged over rho (uniform over all capitals).
    params : what was run (N, algorithm, c_b, faithful_notebook, ...).
    """

    __repr__ = compact_repr

    policy: np.ndarray
    V_hat: np.ndarray
    V_pi: np.ndarray
    gap: np.ndarray
    gap_rho: float
    params: dict


def _one_step(P_hat, n, W, *, penalty: bool, c_var, c_lin, cap, zero_last: bool):
    """Q_h for every h from a fixed next-step target W (H, S): the notebook's policy
    extraction, which recomputes Q_h with a fresh estimate (quirk 1). Uses the same kernel,
    one step at a time (each step has its own W[h] folded in as the arrival reward)."""
    H, S, A, _ = P_hat.shape
    Q = np.empty((H, S, A))
    r0 = np.zeros((1, S, A))
    for h in range(H):
        if penalty:
            q, _, _, _ = pessimistic_induction(P_hat[h:h + 1], r0, n=n[h:h + 1], c_var=c_var,
                                               c_lin=c_lin, cap=cap[h:h + 1], clip_upper=False,
                                               arrival=W[h][None])
        else:
            fixed = np.full((1, S, A), float(H) + 1.0 if (zero_last and h == H - 1) else 0.0)
            q, _, _, _ = pessimistic_induction(P_hat[h:h + 1], r0, fixed_penalty=fixed,
                                               clip_upper=False, arrival=W[h][None])
        Q[h] = q[0]
    return Q


def gambler_run(N: int, *, algorithm: str = "vi-lcb", c_b: float = 0.05,
                faithful_notebook: bool = False, rng: RngLike | None = None,
                instance: Any = None) -> GamblerRun:
    """The experiment of Li et al. (2022, arXiv 2204.05275, Sec. 4, Fig. 2) on one dataset.

    D-gen data: N coin flips at every (h, s, stake) (:func:`mdplab.envs.gambler_samples`:
    ``rng.binomial`` per triple). Algorithms: 'vi-lcb' = Algorithm 2 with c_b = 0.05, the
    log factor folded into c_b and the cap H - h (as in the authors' notebook), the reward
    on reaching the goal folded into the next-state value (``arrival``); 'vi' = plain value
    iteration on the same empirical model (no penalty). The policy is evaluated exactly.

    ``faithful_notebook=False`` (default, clean): one dataset, one Q_hat, the valid-action
    mask (ties to the lowest valid stake). ``faithful_notebook=True`` reproduces quirks 1-4
    of the authors' notebook as follows:

    1. the policy is the argmax of an independently resampled Q_hat: a second dataset is
       drawn and Q_h recomputed from it with the first pass's V_hat_{h+1} (reproduced);
    2. the variance is that of z = reward on arrival + V_hat_{h+1}(s') (reproduced; the clean
       version does the same);
    3. plain VI assigns 0 to every action at the last step (reproduced);
    4. no mask: stakes beyond min(s, 50 - s) get Q = 0, and an all-zero row returns the dead
       stake 0, whose true value is 0 (reproduced).

    Not reproduced: the notebook's legacy ``np.random.seed(seed + 10 + n)`` streams and
    per-flip ``np.random.choice`` draws (the law of the counts is the same), and its rounding
    of variances below 1e-6 to 0 (a change of at most sqrt(c_b 1e-6 / N) in the penalty).
    """
    from ...envs.offline_gambler import gambler_instance, gambler_samples
    from ...kernels.bellman import policy_backward_dense
    from ...models.policy import validate_policy
    from ...planning import backward_induction

    N = check_positive_int(N, "N")
    algorithm = check_choice(algorithm, "algorithm", ("vi-lcb", "vi"))
    c_b = _check_nonneg(c_b, "c_b")
    faithful_notebook = check_bool(faithful_notebook, "faithful_notebook")
    rng = as_rng(rng)
    from ...envs.offline_gambler import GamblerInstance

    if instance is not None and not isinstance(instance, GamblerInstance):
        raise TypeError(f"instance must be a GamblerInstance (envs.gambler_instance()), got "
                        f"{type(instance).__name__}")
    inst = gambler_instance() if instance is None else instance
    mdp = inst.mdp
    H, S, A = mdp.shape
    n, P_hat = gambler_samples(inst, N, rng, mask_invalid=faithful_notebook)
    r0 = np.zeros((H, S, A))
    cap = np.arange(H, 0, -1, dtype=float)                     # notebook: min(H - h, .)
    valid = None if faithful_notebook else inst.valid
    arrival = np.broadcast_to(inst.arrival, (H, S))
    if algorithm == "vi-lcb":
        Q, V, pi, _ = pessimistic_induction(P_hat, r0, n=n, c_var=c_b, c_lin=c_b * H, cap=cap,
                                            clip_upper=False, arrival=arrival, valid=valid)
    else:
        fixed = np.zeros((H, S, A))
        if faithful_notebook:
            fixed[H - 1] = H + 1.0                             # quirk 3: Q_{H-1} = 0
        Q, V, pi, _ = pessimistic_induction(P_hat, r0, fixed_penalty=fixed, clip_upper=False,
                                            arrival=arrival, valid=valid)
    if faithful_notebook:                                      # quirk 1: a fresh estimate
        n2, P_hat2 = gambler_samples(inst, N, rng, mask_invalid=True)
        Q2 = _one_step(P_hat2, n2, V[1:] + arrival, penalty=algorithm == "vi-lcb",
                       c_var=c_b, c_lin=c_b * H, cap=cap, zero_last=True)
        pi = np.argmax(Q2, axis=2).astype(np.int64)            # quirk 4: ties -> stake 0
    star = backward_induction(mdp)
    _, V_pi = policy_backward_dense(mdp.P, np.ascontiguousarray(mdp.r, dtype=float),
                                    validate_policy(pi, H, S, A))
    gap = star.V[0] - V_pi[0]
    return GamblerRun(policy=readonly(pi), V_hat=readonly(V), V_pi=readonly(V_pi[0].copy()),
                      gap=readonly(gap), gap_rho=float(mdp.rho @ gap),
                      params={"N": N, "algorithm": algorithm, "c_b": c_b, "fold_log": True,
                              "cap": "remaining", "faithful_notebook": bool(faithful_notebook),
                              "tie_rule": "stake 0 (dead)" if faithful_notebook
                              else "lowest valid stake"})
