"""Tests of the sampling layer: generative model, rollouts, offline datasets.

Three kinds of checks:

* exact: every numba kernel equals its plain-numpy reference bit for bit given the
  same uniforms; count conventions (sum_s' nn = n, n sums to K per step, splits are
  partitions, zero rows where n = 0); reproducibility (same seed -> same arrays,
  any number of numba threads);
* statistical, each at a fixed seed with the false-alarm probability stated (the
  probability, over seeds, that a correct sampler fails the check):
  chi-square goodness of fit with a Bonferroni correction to a total alpha = 1e-4,
  and Hoeffding confidence bands with a union bound to a total delta = 1e-4;
* planted bugs: the same statistical checks reject a sampler with an off-by-one in
  the CDF search, a rollout compared with the wrong step, and shifted rewards, so
  the checks can fail.
"""

from __future__ import annotations

import importlib

import numba
import numpy as np
import pytest
from conftest import discounted_mdps, finite_horizon_mdps, random_kernel, random_policy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mdplab.kernels.sampling import (
    binomial,
    build_cdf_guide,
    count_entries,
    count_transitions,
    multinomial_entries,
    rollout_episodes,
    sample_rows,
)
from mdplab.kernels.sampling_reference import (
    build_cdf_guide_ref,
    count_entries_ref,
    count_transitions_ref,
    multinomial_entries_ref,
    rollout_episodes_ref,
    sample_rows_ref,
)
from mdplab.models import DiscountedMDP, FiniteHorizonMDP, SparseTransitions
from mdplab.models.policy import validate_policy
from mdplab.planning import occupancy_measure, state_occupancy
from mdplab.sampling import (
    Episodes,
    GenerativeModel,
    OfflineDataset,
    SparseCounts,
    empirical_kernel,
    rollout,
    sample_iid,
)
from mdplab.sampling.generative import build_sampling_table, transition_table
from mdplab.sampling.trajectories import running_sums_capped

# the package re-exports the function ``rollout``, which shadows the module attribute
generative_module = importlib.import_module("mdplab.sampling.generative")
rollout_module = importlib.import_module("mdplab.sampling.trajectories")

SEEDS = st.integers(0, 2**32 - 1)
ALPHA = 1e-4  # total false-alarm probability of each chi-square check
DELTA = 1e-4  # total false-alarm probability of each Hoeffding check


# ============================================================================ helpers
def well_spread_kernel(rng, shape, sparsity=0.5):
    """Random rows with random supports and every support probability >= 0.5 / S."""
    P = random_kernel(rng, shape, sparsity)
    support = P > 0
    uniform_on_support = support / support.sum(axis=-1, keepdims=True)
    return 0.5 * P + 0.5 * uniform_on_support


def chi_square_pvalues(observed: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Pearson chi-square p-value of each row of counts against its distribution.

    Cells with zero probability must have zero counts (else p = 0). Cells with an
    expected count below 5 are pooled into one cell (and that cell into the largest
    one if it is still below 5), the usual validity rule for the chi-square law.
    """
    observed = np.asarray(observed, dtype=np.float64).reshape(-1, observed.shape[-1])
    probs = np.asarray(probs, dtype=np.float64).reshape(-1, probs.shape[-1])
    pvals = np.empty(observed.shape[0])
    for i, (o, p) in enumerate(zip(observed, probs, strict=True)):
        n = o.sum()
        if np.any(o[p <= 0] > 0):
            pvals[i] = 0.0
            continue
        e = n * p
        keep = e >= 5
        o2, e2 = list(o[keep]), list(e[keep])
        small_o, small_e = o[(~keep) & (p > 0)].sum(), e[(~keep) & (p > 0)].sum()
        if small_e > 0:
            if small_e >= 5 or not e2:
                o2.append(small_o)
                e2.append(small_e)
            else:
                j = int(np.argmax(e2))
                o2[j] += small_o
                e2[j] += small_e
        o2, e2 = np.array(o2), np.array(e2)
        if o2.size <= 1:
            pvals[i] = 1.0
            continue
        stat = np.sum((o2 - e2) ** 2 / e2)
        pvals[i] = stats.chi2.sf(stat, o2.size - 1)
    return pvals


def chi_square_accepts(observed, probs, alpha=ALPHA) -> bool:
    """Bonferroni: accept iff every row's p-value exceeds alpha / (number of rows).

    Under the null the probability of rejecting is at most ``alpha``.
    """
    p = chi_square_pvalues(observed, probs)
    return bool(np.all(p > alpha / p.size))


def hoeffding_radius(n, n_tests: int, delta=DELTA, width=1.0):
    """Two-sided Hoeffding radius for a mean of n variables in an interval of ``width``,
    union-bounded over ``n_tests`` means: P(any |mean - mu| > radius) <= delta."""
    return width * np.sqrt(np.log(2 * n_tests / delta) / (2 * np.maximum(n, 1)))


def dense_counts_from_uniforms(gen: GenerativeModel, u: np.ndarray, search_offset: int = 0):
    """Reference counts (pair_shape + (S,)) from the uniforms u (R_out, n), by
    ``searchsorted`` on each table row; ``search_offset`` plants an off-by-one."""
    t = gen.table
    R_out = u.shape[0]
    nn = np.zeros((R_out, gen.S), dtype=np.int64)
    for i in range(R_out):
        r = i % t.n_rows
        lo, hi = t.indptr[r], t.indptr[r + 1]
        j = np.searchsorted(t.cdf[lo:hi], u[i], side="right") + search_offset
        j = np.minimum(j, hi - lo - 1)
        np.add.at(nn[i], t.indices[lo + j], 1)
    return nn.reshape(gen.counts_shape)


def small_fh(seed=0, H=3, S=4, A=3, stationary=False, sparse=False, reward_dist="bernoulli"):
    rng = np.random.default_rng(seed)
    lead = () if stationary else (H,)
    P = well_spread_kernel(rng, lead + (S, A, S))
    r = rng.random(lead + (S, A))
    rho = well_spread_kernel(rng, (S,), 0.0)
    P_in = SparseTransitions.from_dense(P) if sparse else P
    return FiniteHorizonMDP(P_in, r, H=H, rho=rho, reward_dist=reward_dist)


def two_threads_available() -> bool:
    return numba.config.NUMBA_NUM_THREADS >= 2


# ============================================================================ kernels vs references
@given(finite_horizon_mdps(max_S=6, max_A=3, max_H=3))
def test_tables_match_reference(mdp):
    table, _ = transition_table(mdp)
    cdf, guide = build_cdf_guide_ref(table.indptr, _positive_data(mdp))
    np.testing.assert_array_equal(table.cdf, cdf)
    np.testing.assert_array_equal(table.guide, guide)
    # each row ends at exactly 1.0 and is nondecreasing
    last = table.indptr[1:] - 1
    assert np.all(table.cdf[last] == 1.0)
    assert np.all(np.diff(table.cdf)[np.setdiff1d(np.arange(table.nnz - 1), last)] >= 0)


def _positive_data(mdp):
    if mdp.P_sparse is not None:
        d = mdp.P_sparse.data
        return d[d > 0]
    P = np.asarray(mdp.P[0] if mdp.stationary else mdp.P)
    flat = P.reshape(-1, mdp.S)
    return flat[flat > 0]


def test_table_caps_rows_summing_above_one_and_drops_nonpositive():
    # rows summing to 1 + 5e-10 (inside the models' 1e-9 tolerance) and a -1e-13 entry
    data = np.array([0.6, 0.4 + 5e-10, 0.5, -1e-13, 0.5, 1.0])
    indptr = np.array([0, 2, 5, 6])
    indices = np.array([0, 1, 0, 1, 2, 2])
    t = build_sampling_table(indptr, indices, data)
    np.testing.assert_array_equal(t.indptr, [0, 2, 4, 5])
    np.testing.assert_array_equal(t.indices, [0, 1, 0, 2, 2])
    np.testing.assert_array_equal(t.cdf, [0.6, 1.0, 0.5, 1.0, 1.0])
    cdf, guide = build_cdf_guide_ref(t.indptr, np.array([0.6, 0.4 + 5e-10, 0.5, 0.5, 1.0]))
    np.testing.assert_array_equal(t.cdf, cdf)
    np.testing.assert_array_equal(t.guide, guide)


@given(finite_horizon_mdps(max_S=8, max_A=3, max_H=3), SEEDS, st.integers(1, 40))
def test_count_entries_and_sample_rows_match_reference(mdp, seed, n):
    table, _ = transition_table(mdp)
    rng = np.random.default_rng(seed)
    m = 2 * table.n_rows
    rows = rng.integers(0, table.n_rows, m).astype(np.int64)
    u = rng.random((m, n))
    # edge uniforms: exactly 0, exactly a cdf value, the largest double below 1
    u[0, 0] = 0.0
    u[-1, -1] = np.nextafter(1.0, 0.0)
    inner = table.cdf[table.cdf < 1.0]
    if inner.size:
        u[m // 2, 0] = inner[seed % inner.size]  # u equal to a cell boundary
    sizes = np.diff(table.indptr)[rows]
    out_start = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    out = np.zeros(int(sizes.sum()), dtype=np.int64)
    count_entries(table.indptr, table.cdf, table.guide, rows, u, out, out_start)
    ref = count_entries_ref(table.indptr, table.cdf, rows, u, out.size, out_start)
    np.testing.assert_array_equal(out, ref)
    assert out.sum() == m * n

    flat_rows = np.repeat(rows, n)
    got = np.empty(flat_rows.size, dtype=np.int64)
    sample_rows(table.indptr, table.indices, table.cdf, table.guide, flat_rows, u.reshape(-1), got)
    np.testing.assert_array_equal(
        got, sample_rows_ref(table.indptr, table.indices, table.cdf, flat_rows, u.reshape(-1))
    )


@given(finite_horizon_mdps(max_S=5, max_A=3, max_H=4), SEEDS, st.booleans(), st.integers(0, 30))
def test_rollout_matches_reference(mdp, seed, stochastic, K):
    H, S, A = mdp.shape
    pi = random_policy(np.random.default_rng(seed), H, S, A, stochastic)
    ep = rollout(mdp, pi, K, seed)
    # the same uniforms, drawn as documented: u0 (K,), then u (K, H, 2)
    g = np.random.default_rng(seed)
    u0, u = g.random(K), g.random((K, H, 2))
    table, h_stride = transition_table(mdp)
    states, actions = rollout_episodes_ref(
        table.indptr, table.indices, table.cdf, h_stride, A,
        running_sums_capped(validate_policy(pi, H, S, A)), running_sums_capped(mdp.rho), u0, u,
    )
    np.testing.assert_array_equal(ep.states, states)
    np.testing.assert_array_equal(ep.actions, actions)
    assert ep.states.dtype == np.int64 and ep.actions.dtype == np.int64
    assert ep.states.shape == (K, H + 1) and ep.rewards.shape == (K, H)


def test_rollout_kernel_direct_call_matches_reference():
    mdp = small_fh(1)
    H, S, A = mdp.shape
    table, h_stride = transition_table(mdp)
    rng = np.random.default_rng(3)
    pi_cdf = running_sums_capped(random_kernel(rng, (H, S, A), 0.3))
    rho_cdf = running_sums_capped(mdp.rho)
    u0, u = rng.random(50), rng.random((50, H, 2))
    st_, ac = np.empty((50, H + 1), np.int64), np.empty((50, H), np.int64)
    rollout_episodes(table.indptr, table.indices, table.cdf, table.guide, h_stride, A,
                     pi_cdf, rho_cdf, u0, u, st_, ac)
    ref_s, ref_a = rollout_episodes_ref(
        table.indptr, table.indices, table.cdf, h_stride, A, pi_cdf, rho_cdf, u0, u)
    np.testing.assert_array_equal(st_, ref_s)
    np.testing.assert_array_equal(ac, ref_a)


def test_running_sums_never_draw_zero_probability_trailing_entries():
    p = np.array([[0.3, 0.7, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.1, 0.2, 0.3, 0.4]])
    c = running_sums_capped(p)
    np.testing.assert_array_equal(c[0], [0.3, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(c[1], [0.0, 0.0, 1.0, 1.0])
    assert c[2, -1] == 1.0
    u = np.nextafter(1.0, 0.0)
    assert [int(np.searchsorted(row, u, side="right")) for row in c] == [1, 2, 3]


@given(SEEDS, st.integers(1, 4), st.integers(1, 5), st.integers(1, 3), st.integers(0, 300))
def test_count_transitions_matches_reference(seed, H, S, A, N):
    rng = np.random.default_rng(seed)
    h, s, a, s2 = (rng.integers(0, k, N).astype(np.int64) for k in (H, S, A, S))
    r = rng.random(N)
    n = np.zeros((H, S, A), np.int64)
    nn = np.zeros((H, S, A, S), np.int64)
    r_sum = np.zeros((H, S, A))
    count_transitions(h, s, a, s2, r, n, nn, r_sum)
    n_ref, nn_ref, r_ref = count_transitions_ref(h, s, a, s2, r, H, S, A)
    np.testing.assert_array_equal(n, n_ref)
    np.testing.assert_array_equal(nn, nn_ref)
    np.testing.assert_array_equal(r_sum, r_ref)  # bit for bit: both add in data order


def test_build_cdf_guide_direct_call_matches_reference():
    rng = np.random.default_rng(5)
    lengths = rng.integers(1, 30, 40)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    data = np.concatenate([random_kernel(rng, (k,)) for k in lengths])
    data = np.where(data > 0, data, 1e-3)  # the kernel expects positive entries
    cdf = np.empty(data.size)
    guide = np.empty(data.size, np.int32)
    build_cdf_guide(indptr, data, cdf, guide)
    cdf_ref, guide_ref = build_cdf_guide_ref(indptr, data)
    np.testing.assert_array_equal(cdf, cdf_ref)
    np.testing.assert_array_equal(guide, guide_ref)


# ============================================================================ generative model
def counts_reference(gen: GenerativeModel, n: int, seed) -> np.ndarray:
    """Reference counts (counts_shape) for ``gen.counts(n, seed)``: the same two keys from
    the seed's Generator, the conditional-binomial loop written out in Python."""
    t = gen.table
    R_out = int(np.prod(gen.pair_shape))
    key0, key1 = np.random.default_rng(seed).integers(0, 2**64, size=2, dtype=np.uint64)
    rows = np.arange(R_out) % t.n_rows
    out_start = np.array([(i // t.n_rows) * t.nnz + t.indptr[r] for i, r in enumerate(rows)])
    flat = multinomial_entries_ref(t.indptr, t.cdf, rows, n, key0, key1,
                                   (R_out // t.n_rows) * t.nnz, out_start)
    nn = np.zeros((R_out, gen.S), dtype=np.int64)
    for i, r in enumerate(rows):
        lo, hi = t.indptr[r], t.indptr[r + 1]
        nn[i, t.indices[lo:hi]] = flat[out_start[i] : out_start[i] + hi - lo]
    return nn.reshape(gen.counts_shape)


@settings(max_examples=40)
@given(finite_horizon_mdps(max_S=5, max_A=3, max_H=3), SEEDS,
       st.sampled_from([0, 1, 2, 7, 25, 1000, 10**9]))
def test_counts_equal_reference(mdp, seed, n):
    gen = GenerativeModel(mdp)
    nn = gen.counts(n, seed, layout="dense")
    np.testing.assert_array_equal(nn, counts_reference(gen, n, seed))
    assert nn.shape == (mdp.H, mdp.S, mdp.A, mdp.S)
    assert np.all(nn.sum(axis=-1) == n)
    assert np.all(nn[np.asarray(mdp.P) <= 0] == 0)  # never outside the support


def test_counts_cost_does_not_grow_with_n():
    """Exact multinomial counts: n = 10^15 per pair is as cheap as n = 10 (O(support))."""
    gen = GenerativeModel(small_fh(2, sparse=True))
    nn = gen.counts(10**15, 11, layout="dense")
    assert np.all(nn.sum(axis=-1) == 10**15)
    P = np.asarray(gen.mdp.P)
    # every frequency within 1e-5 of P (the standard deviation is below 2e-8)
    np.testing.assert_allclose(nn / 10**15, P, rtol=0, atol=1e-5)


def test_rollout_does_not_depend_on_chunking(monkeypatch):
    mdp = small_fh(2)
    pi = random_policy(np.random.default_rng(0), mdp.H, mdp.S, mdp.A, True)
    ref = rollout(mdp, pi, 37, 5)
    for chunk in (1, 6, 13):
        monkeypatch.setattr(rollout_module, "CHUNK", chunk)
        ep = rollout(mdp, pi, 37, 5)
        np.testing.assert_array_equal(ep.states, ref.states)
        np.testing.assert_array_equal(ep.actions, ref.actions)
        np.testing.assert_array_equal(ep.rewards, ref.rewards)


@given(st.data(), SEEDS)
def test_dense_sparse_and_stationary_layouts_give_identical_counts(data, seed):
    mdp = data.draw(finite_horizon_mdps(max_S=5, max_A=3, max_H=3, sparse=False))
    P = np.asarray(mdp.P[0] if mdp.stationary else mdp.P)
    sparse = FiniteHorizonMDP(SparseTransitions.from_dense(P), mdp.r, H=mdp.H, rho=mdp.rho)
    tiled = FiniteHorizonMDP(np.array(mdp.P), np.array(mdp.r), rho=mdp.rho)
    a = GenerativeModel(mdp).counts(9, seed)
    b = GenerativeModel(sparse).counts(9, seed)
    c = GenerativeModel(tiled).counts(9, seed)
    assert isinstance(b, SparseCounts)
    np.testing.assert_array_equal(a, b.to_dense())
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(b.n, np.full(mdp.shape, 9))


@given(discounted_mdps(max_S=5, max_A=3), SEEDS)
def test_discounted_counts_and_samples(mdp, seed):
    gen = GenerativeModel(mdp)
    nn = gen.counts(6, seed, layout="dense")
    assert nn.shape == (mdp.S, mdp.A, mdp.S)
    assert np.all(nn.sum(-1) == 6)
    assert np.all(nn[np.asarray(mdp.P) == 0] == 0)  # never outside the support
    x = gen.sample(mdp.S - 1, mdp.A - 1, 20, seed)
    assert x.shape == (20,) and x.dtype == np.int64
    assert np.all(np.asarray(mdp.P)[mdp.S - 1, mdp.A - 1, x] > 0)


def test_sample_is_next_states_with_repeated_pair():
    mdp = small_fh(3)
    gen = GenerativeModel(mdp)
    x = gen.sample(2, 1, 50, 9, h=1)
    y = gen.next_states(np.full(50, 2), np.full(50, 1), 9, h=1)
    np.testing.assert_array_equal(x, y)
    z = gen.next_states(
        np.array([[0, 1], [2, 3]]), np.array([[0, 0], [1, 2]]), 4, h=np.array([0, 2])
    )
    assert z.shape == (2, 2)


def conditional_binomial_counts(P2, n, rng, bug=None):
    """Multinomial counts per row of P2 (R, k) by conditional binomials with numpy's
    binomial, with a planted bug: 'unconditioned' draws n_j ~ Bin(n_left, p_j) (forgets
    to divide by the remaining mass), 'shifted' credits each draw to the next cell."""
    out = np.zeros(P2.shape, dtype=np.int64)
    k = P2.shape[1]
    for i, p in enumerate(P2):
        left, below = n, 0.0
        for j in range(k - 1):
            rest = 1.0 - below
            q = p[j] if bug == "unconditioned" else min(p[j] / rest, 1.0) if rest > 0 else 1.0
            x = rng.binomial(left, min(q, 1.0))
            out[i, (j + 1) % k if bug == "shifted" else j] += x
            left -= x
            below += p[j]
        out[i, 0 if bug == "shifted" else k - 1] += left
    return out


def test_generative_next_state_frequencies_match_P_chi_square():
    """Chi-square per (h, s, a) row, Bonferroni over rows, total alpha = 1e-4 per check,
    seed fixed; the planted bugs of the conditional-binomial scheme are rejected."""
    for mdp in (small_fh(4, S=6), small_fh(5, S=6, stationary=True, sparse=True)):
        gen = GenerativeModel(mdp)
        nn = gen.counts(4000, 20240601)
        nn = nn.to_dense() if isinstance(nn, SparseCounts) else nn
        P = np.broadcast_to(np.asarray(mdp.P), nn.shape)
        assert chi_square_accepts(nn, P)
        P2 = P.reshape(-1, mdp.S)
        rng = np.random.default_rng(7)
        assert chi_square_accepts(conditional_binomial_counts(P2, 4000, rng), P2)
        for bug in ("unconditioned", "shifted"):
            buggy = conditional_binomial_counts(P2, 4000, rng, bug=bug)
            assert not chi_square_accepts(buggy, P2), bug


def test_counts_over_many_seeds_are_multinomial():
    """The law across seeds, not one draw: for one pair and 2000 seeds the first
    successor's count is Binomial(n, p_0) (chi-square, alpha = 1e-4) and the sample
    covariance of two successors' counts is within 5 standard errors of the multinomial
    -n p_0 p_1 (false alarm < 1e-6 by the CLT). A planted bug, independent binomials per
    successor (covariance 0), falls outside the same band."""
    rng = np.random.default_rng(3)
    P = well_spread_kernel(rng, (4, 2, 4), 0.0)
    gen = GenerativeModel(DiscountedMDP(P, rng.random((4, 2)), 0.9))
    n, seeds = 30, 2000
    x = np.array([gen.counts(n, 1000 + k)[1, 0] for k in range(seeds)])
    p = P[1, 0]
    obs = np.bincount(x[:, 0], minlength=n + 1)[None, :]
    assert chi_square_accepts(obs, stats.binom.pmf(np.arange(n + 1), n, p[0])[None, :])

    def within_band(a, b):
        prod = (a - a.mean()) * (b - b.mean())
        return abs(np.cov(a, b)[0, 1] + n * p[0] * p[1]) < 5 * np.std(prod) / np.sqrt(seeds)

    assert within_band(x[:, 0], x[:, 1])
    assert not within_band(rng.binomial(n, p[0], size=seeds), rng.binomial(n, p[1], size=seeds))


@pytest.mark.parametrize("n, p", [(1, 0.3), (12, 0.5), (60, 0.08), (300, 0.04), (45, 0.7),
                                  (5000, 0.013), (10**6, 0.2), (2**40, 1e-11)])
def test_binomial_sampler_matches_exact_pmf_chi_square(n, p):
    """The compiled sampler (inversion below mean 10, BTRD above, p > 1/2 by symmetry)
    against scipy's exact pmf: 20000 draws, chi-square at alpha = 1e-4 per case. A planted
    bug (the same sampler at p * 1.03) is rejected where a 3 % shift of the mean is more
    than 4 standard errors (n p q > 100)."""
    draws = 20000
    state = np.array([2024 + n], dtype=np.uint64)
    x = np.array([binomial(state, n, p) for _ in range(draws)])
    assert x.min() >= 0 and x.max() <= n

    def accepts(x, p_true):
        lo, hi = (int(v) for v in stats.binom.ppf([1e-7, 1 - 1e-7], n, p_true))
        edges = np.unique(np.linspace(lo, hi + 1, min(hi + 2 - lo, 60)).astype(np.int64))
        probs = np.diff(stats.binom.cdf(edges - 1, n, p_true))
        obs = np.histogram(x, bins=edges)[0]
        probs = np.append(probs, 1 - probs.sum())
        obs = np.append(obs, x.size - obs.sum())
        return chi_square_accepts(obs[None, :], probs[None, :])

    assert accepts(x, p)
    if n * p * (1 - p) > 100:
        bad = np.array([binomial(state, n, min(p * 1.03, 1.0)) for _ in range(draws)])
        assert not accepts(bad, p)


def test_multinomial_kernel_edge_cases():
    indptr = np.array([0, 1, 4], dtype=np.int64)
    cdf = np.array([1.0, 0.5, 0.5, 1.0])  # row 1: a zero-mass middle entry (capped sums)
    out = np.zeros(4, dtype=np.int64)
    multinomial_entries(indptr, cdf, np.array([0, 1]), 1000, np.uint64(1), np.uint64(2), out,
                        np.array([0, 1]))
    assert out[0] == 1000 and out[2] == 0 and out[1:].sum() == 1000
    state = np.array([5], dtype=np.uint64)
    assert binomial(state, 0, 0.5) == 0 and binomial(state, 7, 0.0) == 0
    assert binomial(state, 7, 1.0) == 7


def test_discounted_sample_frequencies_match_P_chi_square():
    """One pair, 20,000 draws via sample(); chi-square at alpha = 1e-4."""
    rng = np.random.default_rng(8)
    P = well_spread_kernel(rng, (5, 2, 5), 0.3)
    gen = GenerativeModel(DiscountedMDP(P, rng.random((5, 2)), 0.9))
    x = gen.sample(3, 1, 20000, 77)
    assert chi_square_accepts(np.bincount(x, minlength=5)[None], P[3, 1][None])
    shifted = np.roll(P[3, 1], 1)  # the check rejects a wrong target
    assert not chi_square_accepts(np.bincount(x, minlength=5)[None], shifted[None])


def test_sampled_rewards_match_means_hoeffding():
    """Bernoulli rewards; union bound over all (h, s, a): total delta = 1e-4."""
    mdp = small_fh(6, H=3, S=5, A=3)
    gen = GenerativeModel(mdp)
    n = 4000
    mean = gen.reward_sums(n, 123) / n
    rad = hoeffding_radius(n, mean.size)
    assert np.all(np.abs(mean - mdp.r) <= rad)
    # the check can fail: rewards whose means are off by 0.1
    off = np.clip(np.asarray(mdp.r) + 0.1, 0, 1)
    assert not np.all(np.abs(mean - off) <= rad)
    one = gen.sample_rewards(1, 2, n, 5, h=2)
    assert set(np.unique(one)) <= {0.0, 1.0}
    assert abs(one.mean() - mdp.r[2, 1, 2]) <= hoeffding_radius(n, 1)


def test_reward_sums_deterministic_rewards_are_exact_multiples():
    mdp = small_fh(6, reward_dist="deterministic")
    got = GenerativeModel(mdp).reward_sums(8, 0)
    np.testing.assert_allclose(got, 8 * np.asarray(mdp.r), rtol=1e-15, atol=0)


def test_empirical_kernel_zero_rows_and_models():
    nn = np.array([[[3, 1, 0], [0, 0, 0]], [[0, 0, 2], [1, 1, 1]], [[0, 0, 0], [0, 5, 0]]])
    P_hat, n = empirical_kernel(nn)
    np.testing.assert_array_equal(n, [[4, 0], [2, 3], [0, 5]])
    np.testing.assert_array_equal(P_hat[0, 1], 0.0)
    np.testing.assert_array_equal(P_hat[2, 0], 0.0)
    np.testing.assert_allclose(P_hat[0, 0], [0.75, 0.25, 0.0])
    np.testing.assert_array_equal(P_hat.sum(-1)[n > 0], 1.0)

    rng = np.random.default_rng(1)
    P = well_spread_kernel(rng, (3, 2, 3))
    gen = GenerativeModel(DiscountedMDP(P, rng.random((3, 2)), 0.8))
    with pytest.raises(ValueError, match=r"n\[0, 1\] is 0"):
        gen.empirical_mdp(nn)
    model = gen.empirical_mdp(gen.counts(50, 2))
    assert isinstance(model, DiscountedMDP) and model.gamma == 0.8
    np.testing.assert_array_equal(model.P, gen.counts(50, 2) / 50)

    fh = small_fh(2, sparse=True)
    g2 = GenerativeModel(fh)
    sc = g2.counts(30, 1)
    m2 = g2.empirical_mdp(sc)
    assert m2.is_sparse and m2.P.shape == (fh.H, fh.S, fh.A, fh.S)
    np.testing.assert_allclose(m2.P, sc.to_dense() / 30, rtol=0, atol=1e-15)
    P_sp, n_sp = empirical_kernel(sc)
    np.testing.assert_array_equal(n_sp, 30)
    np.testing.assert_allclose(P_sp.toarray().reshape(m2.P.shape), m2.P, atol=0)


# ============================================================================ rollouts
def test_rollout_state_action_marginals_match_occupancy_chi_square():
    """(s_h, a_h) counts vs K d[h] for h < H, and s_H vs the final state law:
    H+1 chi-square tests, Bonferroni, total alpha = 1e-4, seed fixed. The same check
    rejects the occupancy of the previous step (a planted off-by-one in h)."""
    for mdp in (small_fh(7, H=4, S=4, A=3), small_fh(8, H=4, S=4, A=3, stationary=True,
                                                     sparse=True)):
        H, S, A = mdp.shape
        pi = well_spread_kernel(np.random.default_rng(1), (H, S, A), 0.3)
        K = 20000
        ep = rollout(mdp, pi, K, 20240602)
        d = occupancy_measure(mdp, pi)
        d_last = state_occupancy(mdp, pi)[H]
        obs = [np.bincount(ep.states[:, h] * A + ep.actions[:, h], minlength=S * A)
               for h in range(H)]
        obs_last = np.bincount(ep.states[:, H], minlength=S)
        p = np.concatenate([chi_square_pvalues(np.array(obs), d.reshape(H, S * A)),
                            chi_square_pvalues(obs_last[None], d_last[None])])
        assert np.all(p > ALPHA / (H + 1))
        # planted bug: compare step h+1 data with the step-h occupancy
        p_bug = chi_square_pvalues(np.array(obs[1:]), d[:-1].reshape(H - 1, S * A))
        assert not np.all(p_bug > ALPHA / (H - 1))


def test_rollout_deterministic_policy_follows_policy_and_support():
    mdp = small_fh(9, H=5, S=5, A=3)
    pi = np.random.default_rng(2).integers(0, 3, (5, 5))
    ep = rollout(mdp, pi, 500, 1)
    h = np.arange(5)[None, :]
    np.testing.assert_array_equal(ep.actions, pi[h, ep.states[:, :5]])
    P = np.asarray(mdp.P)
    assert np.all(P[h, ep.states[:, :5], ep.actions, ep.states[:, 1:]] > 0)
    assert np.all(mdp.rho[ep.states[:, 0]] > 0)


def test_rollout_rho_argument_overrides_start():
    mdp = small_fh(9, H=2, S=5, A=3)
    ep = rollout(mdp, np.zeros((2, 5), np.int64), 100, 3, rho=np.eye(5)[4])
    assert np.all(ep.states[:, 0] == 4)


def test_rollout_rewards_match_means_hoeffding():
    """Per visited (h, s, a): |mean reward - r| within the Hoeffding radius for its
    visit count (conditionally on the visits the rewards are independent), union
    bound over the H*S*A pairs, total delta = 1e-4."""
    mdp = small_fh(10, H=3, S=4, A=2)
    pi = well_spread_kernel(np.random.default_rng(3), (3, 4, 2), 0.0)
    data = OfflineDataset.from_episodes(rollout(mdp, pi, 20000, 4))
    seen = data.n > 0
    rad = hoeffding_radius(data.n, data.n.size)
    assert np.all(np.abs(data.r_hat - mdp.r)[seen] <= rad[seen])
    assert seen.sum() >= 20
    off = np.clip(np.asarray(mdp.r) + 0.1, 0, 1)
    assert not np.all(np.abs(data.r_hat - off)[seen] <= rad[seen])


def test_rollout_of_generative_model_reuses_tables_and_matches():
    mdp = small_fh(11)
    pi = np.zeros((mdp.H, mdp.S), np.int64)
    a = rollout(mdp, pi, 40, 8)
    b = rollout(GenerativeModel(mdp), pi, 40, 8)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.rewards, b.rewards)
    assert isinstance(a, Episodes) and a.K == 40 and a.H == mdp.H
    np.testing.assert_array_equal(a.returns, a.rewards.sum(1))
    with pytest.raises(ValueError):
        a.states[0, 0] = 1  # read-only


# ============================================================================ reproducibility
def test_same_seed_same_arrays_different_seed_different_arrays():
    mdp = small_fh(12, S=5)
    gen = GenerativeModel(mdp)
    pi = random_policy(np.random.default_rng(0), mdp.H, mdp.S, mdp.A, True)
    mu = well_spread_kernel(np.random.default_rng(1), (mdp.H, mdp.S * mdp.A), 0.0).reshape(
        mdp.H, mdp.S, mdp.A)
    makers = {
        "counts": lambda seed: gen.counts(200, seed),
        "sample": lambda seed: gen.sample(1, 1, 200, seed, h=0),
        "rewards": lambda seed: gen.reward_sums(200, seed),
        "rollout": lambda seed: np.concatenate(
            [x.ravel() for x in (rollout(mdp, pi, 200, seed).states,
                                 rollout(mdp, pi, 200, seed).rewards)]),
        "iid": lambda seed: sample_iid(mdp, mu, 200, seed).s_next,
        "split": lambda seed: OfflineDataset.from_episodes(rollout(mdp, pi, 200, 0))
        .split(2, seed)[0].s,
    }
    for name, make in makers.items():
        x, y, z = make(1), make(1), make(2)
        np.testing.assert_array_equal(x, y, err_msg=name)
        assert x.shape != z.shape or not np.array_equal(x, z), name
    # a Generator is consumed: successive calls differ, but replay from the same state
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    np.testing.assert_array_equal(gen.counts(50, g1), gen.counts(50, g2))
    assert not np.array_equal(gen.counts(50, g1), gen.counts(50, 5))


@pytest.mark.skipif(not two_threads_available(), reason="numba has fewer than 2 threads")
def test_results_do_not_depend_on_numba_thread_count():
    mdp = small_fh(13, H=4, S=6, A=3)
    gen = GenerativeModel(mdp)
    pi = random_policy(np.random.default_rng(0), 4, 6, 3, True)
    before = numba.get_num_threads()
    try:
        out = {}
        for threads in (1, 2):
            numba.set_num_threads(threads)
            ep = rollout(gen, pi, 3000, 99)
            out[threads] = (gen.counts(500, 99), ep.states, ep.actions, ep.rewards)
        for a, b in zip(out[1], out[2], strict=True):
            np.testing.assert_array_equal(a, b)
    finally:
        numba.set_num_threads(before)


# ============================================================================ offline datasets
def test_episode_counts_conventions():
    mdp = small_fh(14, H=4, S=5, A=3)
    K = 300
    pi = random_policy(np.random.default_rng(0), 4, 5, 3, True)
    ep = rollout(mdp, pi, K, 0)
    data = OfflineDataset.from_episodes(ep)
    assert data.N == K * 4 and data.n_episodes == K and data.pair_shape == (4, 5, 3)
    np.testing.assert_array_equal(data.n.sum(axis=(1, 2)), K)  # K per step
    np.testing.assert_array_equal(data.nn.sum(axis=-1), data.n)
    np.testing.assert_array_equal(data.n_s, data.n.sum(-1))
    # counts agree with a direct count of the episode arrays
    for h in range(4):
        direct = np.zeros((5, 3, 5), np.int64)
        np.add.at(direct, (ep.states[:, h], ep.actions[:, h], ep.states[:, h + 1]), 1)
        np.testing.assert_array_equal(data.nn[h], direct)
    # reward sums
    np.testing.assert_allclose(data.reward_sum.sum(), ep.rewards.sum(), rtol=1e-12)
    # P_hat: distributions where n > 0 and zero rows where n = 0; r_hat = 0 there
    seen = data.n > 0
    np.testing.assert_allclose(data.P_hat.sum(-1)[seen], 1.0, atol=1e-12)
    assert np.all(data.P_hat[~seen] == 0.0) and np.all(data.r_hat[~seen] == 0.0)
    assert (~seen).any()  # the check above is exercised


def test_empirical_mdp_unvisited_rules():
    s = np.array([0, 1, 1])
    a = np.array([0, 1, 1])
    s2 = np.array([1, 0, 2])
    r = np.array([0.5, 1.0, 0.0])
    data = OfflineDataset(s=s, a=a, s_next=s2, r=r, S=3, A=2, H=1)
    m = data.empirical_mdp("self_loop")
    np.testing.assert_array_equal(m.P[0, 0, 0], [0, 1, 0])
    np.testing.assert_array_equal(m.P[0, 1, 1], [0.5, 0, 0.5])
    np.testing.assert_array_equal(m.P[0, 2, 1], [0, 0, 1])  # unvisited -> self loop
    np.testing.assert_array_equal(m.P[0, 0, 1], [1, 0, 0])
    np.testing.assert_array_equal(m.r[0], [[0.5, 0.0], [0.0, 0.5], [0.0, 0.0]])
    np.testing.assert_allclose(m.rho, [1 / 3, 2 / 3, 0])
    u = data.empirical_mdp("uniform")
    np.testing.assert_allclose(u.P[0, 2, 0], 1 / 3)
    with pytest.raises(ValueError, match=r"n\[0, 0, 1\] is 0"):
        data.empirical_mdp("error")
    with pytest.raises(ValueError, match="unvisited"):
        data.empirical_mdp("zero")
    known = data.empirical_mdp(r=np.full((3, 2), 0.25), rho=np.eye(3)[2])
    np.testing.assert_array_equal(known.r, 0.25)
    np.testing.assert_array_equal(known.rho, [0, 0, 1])
    disc = OfflineDataset(s=s, a=a, s_next=s2, r=r, S=3, A=2)
    assert disc.n.shape == (3, 2) and disc.nn.shape == (3, 2, 3)
    dm = disc.empirical_mdp(gamma=0.5)
    assert isinstance(dm, DiscountedMDP)
    np.testing.assert_array_equal(dm.P, m.P[0])
    with pytest.raises(ValueError, match="gamma"):
        disc.empirical_mdp()


@given(SEEDS, st.integers(1, 6), st.sampled_from(["episode", "transition"]))
@settings(max_examples=25)
def test_split_is_a_partition(seed, k, by):
    mdp = small_fh(15, H=3, S=4, A=2)
    ep = rollout(mdp, np.zeros((3, 4), np.int64), 20, seed)
    base = OfflineDataset.from_episodes(ep)
    # tag each transition with a unique reward so the parts can be matched exactly
    tagged = OfflineDataset(s=base.s, a=base.a, s_next=base.s_next, S=4, A=2, H=3,
                            h=base.h, episode=base.episode, r=np.arange(base.N) / base.N)
    parts = tagged.split(k, seed, by=by)
    assert len(parts) == k
    tags = np.concatenate([p.r for p in parts])
    np.testing.assert_array_equal(np.sort(tags), tagged.r)  # union = all, no repeats
    np.testing.assert_array_equal(sum(p.nn for p in parts), tagged.nn)
    sizes = [p.N for p in parts]
    unit = 3 if by == "episode" else 1
    assert max(sizes) - min(sizes) <= unit
    if by == "episode":
        ids = [set(p.episode.tolist()) for p in parts]
        assert sum(len(i) for i in ids) == 20 and set().union(*ids) == set(range(20))
        for p in parts:  # episodes stay whole
            np.testing.assert_array_equal(np.bincount(p.episode)[np.unique(p.episode)], 3)


def test_sample_iid_pairs_and_next_states_chi_square():
    """Finite horizon, N = 6000 per step: (s, a) counts vs N mu[h] (H tests) and
    next-state counts vs P per (h, s, a) (H*S*A tests); Bonferroni within each
    family, total alpha = 1e-4 each. Discounted: the same with one mu."""
    mdp = small_fh(16, H=2, S=4, A=2)
    mu = well_spread_kernel(np.random.default_rng(4), (2, 8), 0.3).reshape(2, 4, 2)
    data = sample_iid(mdp, mu, 6000, 31)
    assert data.N == 12000
    np.testing.assert_array_equal(data.n.sum(axis=(1, 2)), 6000)
    assert chi_square_accepts(data.n.reshape(2, 8), mu.reshape(2, 8))
    # the check can fail: the same counts against a wrong mu (entries moved by one pair)
    assert not chi_square_accepts(data.n.reshape(2, 8), np.roll(mu.reshape(2, 8), 1, axis=1))
    seen = data.n >= 50
    assert chi_square_accepts(data.nn[seen], np.asarray(mdp.P)[seen])
    np.testing.assert_array_equal(data.n[mu == 0], 0)

    rng = np.random.default_rng(5)
    P = well_spread_kernel(rng, (3, 2, 3))
    dm = DiscountedMDP(P, rng.random((3, 2)), 0.7, reward_dist="bernoulli")
    mu2 = np.array([[0.1, 0.2], [0.3, 0.0], [0.25, 0.15]])
    d2 = sample_iid(dm, mu2, 20000, 6)
    assert d2.H is None and d2.n.shape == (3, 2)
    assert chi_square_accepts(d2.n.reshape(1, 6), mu2.reshape(1, 6))
    assert d2.n[1, 1] == 0
    seen = d2.n > 0
    assert chi_square_accepts(d2.nn[seen], P[seen])
    rad = hoeffding_radius(d2.n, 6)
    assert np.all(np.abs(d2.r_hat - dm.r)[seen] <= rad[seen])
    # an (S, A) mu is broadcast over the steps of a finite-horizon model
    d3 = sample_iid(mdp, mu[0], 100, 1)
    np.testing.assert_array_equal(d3.n.sum(axis=(1, 2)), 100)


# ============================================================================ validation
def test_dataset_validation_names_the_index():
    ok = dict(s=[0, 1, 2], a=[0, 1, 0], s_next=[1, 1, 0], S=3, A=2, H=2)
    OfflineDataset(**ok)
    with pytest.raises(ValueError, match=r"s\[2\] is 3"):
        OfflineDataset(**{**ok, "s": [0, 1, 3]})
    with pytest.raises(ValueError, match=r"a\[1\] is 2"):
        OfflineDataset(**{**ok, "a": [0, 2, 0]})
    with pytest.raises(ValueError, match=r"s_next\[0\] is -1"):
        OfflineDataset(**{**ok, "s_next": [-1, 1, 0]})
    with pytest.raises(ValueError, match=r"a has shape \(2,\); expected \(3,\)"):
        OfflineDataset(**{**ok, "a": [0, 1]})
    with pytest.raises(ValueError, match=r"h\[2\] is 2"):
        OfflineDataset(**ok, h=[0, 1, 2])
    with pytest.raises(ValueError, match=r"h\[0\] is 1"):
        OfflineDataset(**{**ok, "H": None}, h=[1, 0, 0])
    with pytest.raises(ValueError, match=r"r\[1\] is 1.5"):
        OfflineDataset(**ok, r=[0.0, 1.5, 0.0])
    with pytest.raises(ValueError, match="r has shape"):
        OfflineDataset(**ok, r=[0.0, 0.5])
    with pytest.raises(TypeError):
        OfflineDataset(**{**ok, "s": [0.5, 1, 2]})
    with pytest.raises(ValueError, match="k is 4"):
        OfflineDataset(**ok).split(4)
    with pytest.raises(ValueError, match="episode ids"):
        OfflineDataset(**ok).split(2, by="episode")
    with pytest.raises(TypeError):
        OfflineDataset.from_episodes("not episodes")


def test_sampler_validation():
    mdp = small_fh(17, H=3, S=4, A=2)
    gen = GenerativeModel(mdp)
    with pytest.raises(ValueError, match="h is required"):
        gen.sample(0, 0, 5, 0)
    with pytest.raises(ValueError, match=r"h\[\] is 3|h is 3"):
        gen.sample(0, 0, 5, 0, h=3)
    with pytest.raises(ValueError, match="s is 4"):
        gen.sample(4, 0, 5, 0, h=0)
    with pytest.raises(ValueError, match=r"a\[1\] is 2"):
        gen.next_states([0, 0], [0, 2], 0, h=0)
    with pytest.raises(ValueError, match="a has shape"):
        gen.next_states([0, 0], [0], 0, h=0)
    with pytest.raises(ValueError, match="n is -1"):
        gen.counts(-1, 0)
    with pytest.raises(ValueError, match="layout"):
        gen.counts(3, 0, layout="csr")
    with pytest.raises(TypeError):
        GenerativeModel(np.eye(3))
    with pytest.raises(TypeError, match="rng"):
        gen.counts(3, "seed")
    stationary = GenerativeModel(small_fh(17, stationary=True))
    assert stationary.sample(0, 0, 3, 0).shape == (3,)  # h not needed when stationary
    disc = GenerativeModel(DiscountedMDP(np.asarray(mdp.P)[0], np.asarray(mdp.r)[0], 0.9))
    with pytest.raises(ValueError, match="DiscountedMDP"):
        disc.sample(0, 0, 3, 0, h=1)
    with pytest.raises(ValueError, match="nn has shape"):
        gen.empirical_mdp(np.ones((2, 4, 2, 4), np.int64))
    with pytest.raises(ValueError, match=r"nn\[0, 0, 0, 0\] is -1"):
        empirical_kernel(-np.ones((1, 1, 1, 2), np.int64))


def test_rollout_and_iid_validation():
    mdp = small_fh(18, H=3, S=4, A=2)
    with pytest.raises(ValueError, match="policy has shape"):
        rollout(mdp, np.zeros((2, 4), np.int64), 5, 0)
    with pytest.raises(ValueError, match=r"policy\[1, 2\] is 2"):
        rollout(mdp, np.array([[0] * 4, [0, 0, 2, 0], [0] * 4]), 5, 0)
    with pytest.raises(ValueError, match="n_episodes is -2"):
        rollout(mdp, np.zeros((3, 4), np.int64), -2, 0)
    with pytest.raises(TypeError, match="FiniteHorizonMDP"):
        rollout(DiscountedMDP(np.asarray(mdp.P)[0], np.asarray(mdp.r)[0], 0.9),
                np.zeros(4, np.int64), 5, 0)
    with pytest.raises(ValueError, match="rho"):
        rollout(mdp, np.zeros((3, 4), np.int64), 5, 0, rho=np.ones(4))
    mu = np.full((3, 4, 2), 1 / 8)
    with pytest.raises(ValueError, match=r"mu\[1\] sums to 1.125"):
        bad = mu.copy()
        bad[1, 0, 0] += 1 / 8
        sample_iid(mdp, bad, 5, 0)
    with pytest.raises(ValueError, match=r"mu\[0, 1, 1\] is -0.1"):
        bad = mu.copy()
        bad[0, 1, 1] = -0.1
        sample_iid(mdp, bad, 5, 0)
    with pytest.raises(ValueError, match="mu has shape"):
        sample_iid(mdp, np.full((4, 3), 1 / 12), 5, 0)
    empty = rollout(mdp, np.zeros((3, 4), np.int64), 0, 0)
    assert empty.states.shape == (0, 4)
    assert OfflineDataset.from_episodes(empty).n.sum() == 0
