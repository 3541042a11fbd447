"""Tests of dsinterview.sampling: uniformity, exact sizes, allocation, hashing,
estimators, refusals."""

from __future__ import annotations

import hashlib
from itertools import combinations
from math import comb

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from dsinterview import sampling as smp


# ---------------------------------------------------------------------------- reservoir
@pytest.mark.parametrize("method", ["R", "L"])
def test_reservoir_uniform_over_all_k_subsets(method):
    n, k, T = 6, 3, 8_000
    index = {c: i for i, c in enumerate(combinations(range(n), k))}
    rng = np.random.default_rng(20260)
    hits = np.zeros(comb(n, k), dtype=int)
    for _ in range(T):
        hits[
            index[
                tuple(
                    sorted(smp.reservoir_sample(range(n), k, seed=rng, method=method))
                )
            ]
        ] += 1
    assert stats.chisquare(hits).pvalue > 0.001


@pytest.mark.parametrize("method", ["R", "L"])
def test_reservoir_uniform_on_a_longer_stream(method):
    # every item of a 50-item stream is included with probability k / n (binomial check
    # per item)
    n, k, T = 50, 5, 4_000
    rng = np.random.default_rng(7)
    counts = np.zeros(n)
    for _ in range(T):
        counts[smp.reservoir_sample(iter(range(n)), k, seed=rng, method=method)] += 1
    sd = np.sqrt(T * (k / n) * (1 - k / n))
    assert np.abs(counts - T * k / n).max() < 4.5 * sd


@pytest.mark.parametrize("method", ["R", "L"])
def test_reservoir_deterministic_and_generator_input(method):
    def stream():
        yield from (f"q{i}" for i in range(10_000))

    a = smp.reservoir_sample(stream(), 25, seed=3, method=method)
    b = smp.reservoir_sample(stream(), 25, seed=3, method=method)
    c = smp.reservoir_sample(stream(), 25, seed=4, method=method)
    assert a == b and a != c
    assert len(set(a)) == 25 and all(x.startswith("q") for x in a)


@pytest.mark.parametrize("method", ["R", "L"])
def test_reservoir_short_stream_and_zero(method):
    assert sorted(smp.reservoir_sample(range(4), 10, seed=1, method=method)) == [
        0,
        1,
        2,
        3,
    ]
    assert smp.reservoir_sample(range(4), 0, seed=1, method=method) == []
    assert smp.reservoir_sample([], 3, seed=1, method=method) == []


def test_reservoir_draw_counts():
    _, d_r = smp.reservoir_sample(
        range(100_000), 100, seed=1, method="R", return_draws=True
    )
    assert d_r == 100_000 - 100
    _, d_l = smp.reservoir_sample(
        range(100_000), 100, seed=1, method="L", return_draws=True
    )
    expected = (
        3 * 100 * np.log(100_000 / 100)
    )  # three per replacement, about k ln(n/k) replacements
    assert 0.7 * expected < d_l < 1.3 * expected


def test_reservoir_refusals():
    with pytest.raises(ValueError, match="k must be at least 0"):
        smp.reservoir_sample(range(5), -1)
    with pytest.raises(TypeError, match="k must be an integer"):
        smp.reservoir_sample(range(5), 2.5)
    with pytest.raises(ValueError, match="method must be one of"):
        smp.reservoir_sample(range(5), 2, method="Z")
    with pytest.raises(TypeError, match="iterable must be iterable"):
        smp.reservoir_sample(5, 2)


# --------------------------------------------------------------------------- allocation
def test_allocate_proportional_neyman_equal_by_hand():
    sizes = np.array([600, 300, 100])
    np.testing.assert_array_equal(smp.allocate(sizes, 100), [60, 30, 10])
    # Neyman: n_h ∝ N_h S_h = 600*1, 300*2, 100*6 = 600, 600, 600
    np.testing.assert_array_equal(
        smp.allocate(sizes, 90, allocation="neyman", sds=[1, 2, 6]), [30, 30, 30]
    )
    np.testing.assert_array_equal(
        smp.allocate(sizes, 30, allocation="equal"), [10, 10, 10]
    )
    # rounding by largest remainder: 10 * (0.6, 0.3, 0.1) is exact; 7 * (...) = 4.2,
    # 2.1, 0.7 -> 4, 2, 1
    np.testing.assert_array_equal(smp.allocate(sizes, 7), [4, 2, 1])


def test_allocate_caps_and_floor():
    # Neyman wants 1000 * 10 / (10 + 1) of 50 rows from a stratum of 5 rows: capped, the
    # rest re-allocated
    out = smp.allocate([5, 1000], 50, allocation="neyman", sds=[1000.0, 1.0])
    np.testing.assert_array_equal(out, [5, 45])
    out = smp.allocate([1000, 10, 1], 20, min_per_stratum=2)
    np.testing.assert_array_equal(out, [17, 2, 1])
    assert smp.allocate([3, 4], 7).tolist() == [3, 4]


def test_allocate_refusals():
    with pytest.raises(ValueError, match="allocation must be one of"):
        smp.allocate([5, 5], 3, allocation="optimal")
    with pytest.raises(ValueError, match="at most the population size"):
        smp.allocate([5, 5], 11)
    with pytest.raises(ValueError, match="needs sds"):
        smp.allocate([5, 5], 3, allocation="neyman")
    with pytest.raises(ValueError, match="sds must be 2 finite"):
        smp.allocate([5, 5], 3, allocation="neyman", sds=[1.0, -1.0])
    with pytest.raises(ValueError, match="non-negative integers"):
        smp.allocate([5.5, 5], 3)
    with pytest.raises(ValueError, match="too small to give every stratum"):
        smp.allocate([5, 5, 5], 4, min_per_stratum=2)


# --------------------------------------------------------------------------- stratified
def _frame(seed=0, n=20_000):
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b", "c"], size=n, p=[0.7, 0.2, 0.1])
    d = rng.choice(["tv", "web"], size=n)
    y = np.where(
        g == "a",
        rng.normal(0, 1, n),
        np.where(g == "b", rng.normal(0, 5, n), rng.normal(0, 20, n)),
    )
    return pd.DataFrame({"g": pd.Categorical(g), "d": d, "y": y})


@pytest.mark.parametrize("allocation", ["proportional", "neyman", "equal"])
def test_stratified_exact_n_and_determinism(allocation):
    df = _frame()
    s1 = smp.stratified_sample(
        df, ["g", "d"], 997, allocation=allocation, value="y", seed=5
    )
    s2 = smp.stratified_sample(
        df, ["g", "d"], 997, allocation=allocation, value="y", seed=5
    )
    assert len(s1) == 997 and s1.index.is_unique and s1.index.is_monotonic_increasing
    pd.testing.assert_frame_equal(s1, s2)
    assert set(s1.index) <= set(df.index)


def test_stratified_neyman_allocation_on_hand_made_frame():
    # strata of 100, 100, 200 rows with sds 1, 3, 0 (population sd, ddof=1): Neyman
    # gives 100*1 : 100*3 : 0
    y = np.r_[np.tile([-1.0, 1.0], 50), np.tile([-3.0, 3.0], 50), np.zeros(200)]
    y[:100] *= np.sqrt(99 / 100)  # so that the ddof=1 sd is exactly 1 and 3 (see below)
    y[100:200] *= np.sqrt(99 / 100)
    df = pd.DataFrame({"h": np.repeat(["x", "y", "z"], [100, 100, 200]), "v": y})
    assert np.isclose(df.v[:100].std(ddof=1), 1.0) and np.isclose(
        df.v[100:200].std(ddof=1), 3.0
    )
    s = smp.stratified_sample(df, "h", 40, allocation="neyman", value="v", seed=1)
    assert s.h.value_counts().reindex(["x", "y", "z"], fill_value=0).tolist() == [
        10,
        30,
        0,
    ]
    p = smp.stratified_sample(df, "h", 40, seed=1)
    assert p.h.value_counts().reindex(["x", "y", "z"]).tolist() == [10, 10, 20]


def test_stratified_within_stratum_is_uniform():
    # a stratum of 5 rows sampled 2 at a time: all 10 pairs equally likely
    df = pd.DataFrame({"h": ["a"] * 5 + ["b"] * 5, "i": range(10)})
    rng = np.random.default_rng(3)
    pairs = {c: i for i, c in enumerate(combinations(range(5), 2))}
    hits = np.zeros(10, dtype=int)
    for _ in range(3_000):
        s = smp.stratified_sample(df, "h", 4, seed=rng)
        hits[pairs[tuple(s.i[s.h == "a"])]] += 1
    assert stats.chisquare(hits).pvalue > 0.001


def test_stratified_refusals():
    df = _frame(n=100)
    with pytest.raises(ValueError, match=r"missing the column\(s\) \['nope'\]"):
        smp.stratified_sample(df, ["g", "nope"], 10)
    with pytest.raises(ValueError, match="allocation must be one of"):
        smp.stratified_sample(df, "g", 10, allocation="optimal")
    with pytest.raises(ValueError, match="needs value="):
        smp.stratified_sample(df, "g", 10, allocation="neyman")
    with pytest.raises(ValueError, match=r"missing the column\(s\) \['w'\]"):
        smp.stratified_sample(df, "g", 10, allocation="neyman", value="w")
    with pytest.raises(ValueError, match="at most the number of rows"):
        smp.stratified_sample(df, "g", 101)
    with pytest.raises(ValueError, match="n must be at least 1"):
        smp.stratified_sample(df, "g", 0)
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        smp.stratified_sample(df.to_numpy(), "g", 10)
    with pytest.raises(ValueError, match="at least one column"):
        smp.stratified_sample(df, [], 10)
    bad = df.assign(g=df.g.astype(object).where(df.index > 0, None))
    with pytest.raises(ValueError, match="missing values"):
        smp.stratified_sample(bad, "g", 10)


# --------------------------------------------------------------------------------- hash
def _reference_hash_unit(key: int | str, salt: str) -> float:
    """The documented hash, in plain Python integers (independent of the numpy
    implementation)."""
    mask = (1 << 64) - 1

    def k64(s: str) -> int:
        return int.from_bytes(hashlib.sha256(s.encode("utf-8")).digest()[:8], "big")

    x = (key & mask) if isinstance(key, int) else k64(key)
    z = ((x ^ k64(salt)) + 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    z ^= z >> 31
    return (z >> 11) / 2**53


def test_hash_unit_matches_documented_arithmetic():
    ints = [0, 1, 2, 12345, -1, -(2**63), 2**62 + 7]
    np.testing.assert_array_equal(
        smp.hash_unit(ints, salt="s"), [_reference_hash_unit(k, "s") for k in ints]
    )
    strs = ["stranger things", "ståle", "", "日本"]
    np.testing.assert_array_equal(
        smp.hash_unit(strs, salt=""), [_reference_hash_unit(k, "") for k in strs]
    )
    # SplitMix64 of 0 with gamma added once is a published constant: 0xE220A8397B1DCDAF
    salt_zero = int.from_bytes(hashlib.sha256(b"x").digest()[:8], "big")
    assert smp.hash_unit([salt_zero], salt="x")[0] == (0xE220A8397B1DCDAF >> 11) / 2**53


def test_hash_sample_stable_fraction_nested_and_salted():
    keys = np.arange(200_000)
    m = smp.hash_sample(keys, 0.1, salt="day")
    np.testing.assert_array_equal(m, smp.hash_sample(pd.Series(keys), 0.1, salt="day"))
    assert abs(m.mean() - 0.1) < 4 * np.sqrt(0.1 * 0.9 / keys.size)
    small = smp.hash_sample(keys, 0.02, salt="day")
    assert not (small & ~m).any()  # nested
    other = smp.hash_sample(keys, 0.1, salt="night")
    both = (m & other).mean()  # independent salts: overlap ~ 0.01
    assert abs(both - 0.01) < 4 * np.sqrt(0.01 * 0.99 / keys.size)
    assert smp.hash_sample(keys, 1.0).all()
    # the decision for a key does not depend on the other keys
    np.testing.assert_array_equal(smp.hash_sample(keys[::7], 0.1, salt="day"), m[::7])


def test_hash_sample_strings_and_categoricals():
    words = pd.Series(["a", "b", "c", "a"], dtype="category")
    m = smp.hash_sample(words, 0.5, salt="x")
    assert m[0] == m[3]
    np.testing.assert_array_equal(
        m, smp.hash_sample(["a", "b", "c", "a"], 0.5, salt="x")
    )


def test_hash_refusals():
    for bad in (0, 0.0, -0.1, 1.5):
        with pytest.raises(ValueError, match=r"fraction must be"):
            smp.hash_sample([1, 2], bad)
    with pytest.raises(TypeError, match="fraction must be a real number"):
        smp.hash_sample([1, 2], "half")
    with pytest.raises(TypeError, match="integers or strings"):
        smp.hash_sample([1.5, 2.5], 0.5)
    with pytest.raises(TypeError, match="booleans"):
        smp.hash_sample([True, False], 0.5)
    with pytest.raises(TypeError, match="all integers or all strings"):
        smp.hash_sample(np.array(["a", 1], dtype=object), 0.5)
    with pytest.raises(TypeError, match="salt must be a string"):
        smp.hash_sample([1, 2], 0.5, salt=3)
    with pytest.raises(TypeError, match="salt must be a string"):
        smp.hash_unit([1, 2], salt=3)
    with pytest.raises(ValueError, match="missing values"):
        smp.hash_sample(pd.Series([1, None], dtype="Int64"), 0.5)
    with pytest.raises(ValueError, match="1-D"):
        smp.hash_sample(np.zeros((2, 2), dtype=int), 0.5)
    with pytest.raises(TypeError, match="sequence or array"):
        smp.hash_sample("abc", 0.5)


# ---------------------------------------------------------------------------------- pps
def test_pps_inclusion_probabilities_and_weighting():
    sizes = np.r_[1000.0, np.ones(99)]
    mask, pi = smp.pps_poisson_sample(sizes, 10, seed=0)
    assert pi[0] == 1.0 and np.isclose(pi.sum(), 10) and np.allclose(pi[1:], 9 / 99)
    rng = np.random.default_rng(1)
    y = rng.random(500)
    s = rng.lognormal(size=500)
    ests = []
    for r in range(400):
        m, p = smp.pps_poisson_sample(s, 50, seed=r)
        ests.append(smp.hajek_mean(y[m], p[m]).value)
    assert abs(np.mean(ests) - y.mean()) < 4 * np.std(ests) / np.sqrt(400) + 0.005


def test_pps_refusals():
    with pytest.raises(ValueError, match="non-negative measures of size"):
        smp.pps_poisson_sample([1.0, -1.0], 1)
    with pytest.raises(ValueError, match="at most the number of units"):
        smp.pps_poisson_sample([1.0, 0.0], 2)
    with pytest.raises(ValueError, match="n_expected must be greater than 0"):
        smp.pps_poisson_sample([1.0, 1.0], 0)


# --------------------------------------------------------------------------- estimators
def test_srs_mean_and_ci():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    est = smp.srs_mean(y, population_size=8)
    assert est.value == 2.5 and np.isclose(est.se, np.sqrt(0.5 * y.var(ddof=1) / 4))
    lo, hi = est.ci(0.95)
    assert np.isclose(hi - est.value, 1.959963984540054 * est.se)
    assert np.isclose(smp.srs_mean(y).se, np.sqrt(y.var(ddof=1) / 4))


def test_stratified_mean_by_hand():
    y = [1.0, 3.0, 10.0, 14.0]
    h = ["a", "a", "b", "b"]
    est = smp.stratified_mean(y, h, {"a": 10, "b": 30})
    assert np.isclose(est.value, 0.25 * 2 + 0.75 * 12)
    var = 0.25**2 * (1 - 2 / 10) * 2.0 / 2 + 0.75**2 * (1 - 2 / 30) * 8.0 / 2
    assert np.isclose(est.se, np.sqrt(var))


def test_hajek_and_cluster_by_hand():
    est = smp.hajek_mean([1.0, 0.0], [0.5, 0.25])
    assert np.isclose(est.value, 2 / 6)
    c = smp.cluster_mean([1.0, 1.0, 0.0, 0.0, 1.0], [1, 1, 2, 2, 3])
    mean = 3 / 5
    resid = np.array([2 - 2 * mean, 0 - 2 * mean, 1 - mean])
    assert np.isclose(c.value, mean) and np.isclose(
        c.se, np.sqrt(3 / 2 * (resid**2).sum()) / 5
    )


def test_estimator_refusals():
    with pytest.raises(ValueError, match="at least 2 values"):
        smp.srs_mean([1.0])
    with pytest.raises(ValueError, match="population_size must be at least 3"):
        smp.srs_mean([1.0, 2.0, 3.0], population_size=2)
    with pytest.raises(ValueError, match="must be finite"):
        smp.srs_mean([1.0, np.nan])
    with pytest.raises(ValueError, match="at least 2 sampled values"):
        smp.stratified_mean([1.0, 2.0, 3.0], ["a", "a", "b"], {"a": 5, "b": 5})
    with pytest.raises(ValueError, match="missing from population_sizes"):
        smp.stratified_mean([1.0, 2.0], ["a", "c"], {"a": 5})
    with pytest.raises(ValueError, match="labels for 2 values"):
        smp.stratified_mean([1.0, 2.0], ["a"], {"a": 5})
    with pytest.raises(ValueError, match=r"pi must be inclusion probabilities"):
        smp.hajek_mean([1.0, 2.0], [0.5, 0.0])
    with pytest.raises(ValueError, match="must match"):
        smp.hajek_mean([1.0, 2.0], [0.5])
    with pytest.raises(ValueError, match="at least 2 clusters"):
        smp.cluster_mean([1.0, 2.0], [7, 7])
    with pytest.raises(ValueError, match="must match"):
        smp.cluster_mean([1.0, 2.0], [7])
    with pytest.raises(ValueError, match=r"level must be in \(0, 1\)"):
        smp.Estimate(0.0, 1.0).ci(1.0)
