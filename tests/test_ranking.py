"""dsinterview.ranking: RBO from its definition, its properties, and the refusals."""

from __future__ import annotations

import math
import string

import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hs

from dsinterview.ranking import (
    RBO,
    average_overlap,
    kendall_tau,
    persistence_for_depth,
    rbo,
    rbo_ext_matrix,
    top_weight,
)

ALPHABET = list(string.ascii_lowercase)

# Values from William Webber's reference implementation of RBO, as published in the test
# data of the Rust port (github.com/mpetri/rbo, test_data/uneven_abc*.json): the
# alphabet against a shorter list, at persistence p. Columns: other list, p, residual,
# ext. Quoted to six decimals there; agreement is asserted to 1e-6.
WEBBER = [
    ("b", 0.2, 0.107426, 0.092574),
    ("av", 0.2, 0.014852, 0.900000),
    ("pbhqla", 0.2, 0.000011, 0.092631),
    ("bplrs", 0.2, 0.000062, 0.092587),
    ("akdwcjomxrubqitenhspyl", 0.1, 0.000000, 0.948509),
    ("z", 0.1, 0.051755, 0.000000),
    ("ck", 0.1, 0.003511, 0.003245),
]


@pytest.mark.parametrize(("other", "p", "residual", "ext"), WEBBER)
def test_matches_webbers_reference_values(other, p, residual, ext):
    got = rbo(ALPHABET, list(other), p)
    assert got.ext == pytest.approx(ext, abs=1e-6)
    assert got.residual == pytest.approx(residual, abs=1e-6)


# More of the same file's extrapolated values, at the persistences the chapter uses (the
# table above stops at p = 0.2, where the tails beyond the short list barely count).
WEBBER_EXT = [
    ("karfvodcjmwgzlypebunq", 0.9, 0.468431),
    ("zhatsimjpnkvcfxwqgoeryubd", 0.9, 0.364444),
    ("f", 0.9, 0.053090),
    ("zclx", 0.9, 0.233312),
    ("nxqyk", 0.9, 0.049050),
    ("sozxjfdenvqkbgryapc", 0.9, 0.307626),
    ("auzemcwhrtjvbfqxyk", 0.4, 0.772647),
    ("ma", 0.4, 0.200001),
    ("yad", 0.4, 0.187572),
    ("bcxhkur", 0.4, 0.212763),
]


@pytest.mark.parametrize(("other", "p", "ext"), WEBBER_EXT)
def test_matches_webbers_extrapolation_at_higher_persistence(other, p, ext):
    assert rbo(ALPHABET, list(other), p).ext == pytest.approx(ext, abs=1e-6)


def test_identical_lists_of_seven_have_the_published_residual():
    # The residual of two identical seven-item prefixes at p = 0.9 (the Rust port's
    # test).
    got = rbo(list("abcdefg"), list("abcdefg"), 0.9)
    assert got.residual == pytest.approx(0.232860, abs=1e-6)
    assert got.max == pytest.approx(1.0)
    assert got.ext == pytest.approx(1.0)


def _truncated(s, t, p, depth):
    """RBO's defining sum, to a finite depth, of two lists given that far."""
    total, seen_s, seen_t = 0.0, set(), set()
    for d in range(1, depth + 1):
        seen_s.add(s[d - 1])
        seen_t.add(t[d - 1])
        total += (1 - p) * p ** (d - 1) * len(seen_s & seen_t) / d
    return total


def _continue(s, t, depth):
    """Extend two prefixes so that they share nothing more: the lower bound's world."""
    s = list(s) + [("s", i) for i in range(depth)]
    t = list(t) + [("t", i) for i in range(depth)]
    return s[:depth], t[:depth]


def _continue_agreeing(s, t, depth):
    """Extend two prefixes so that they agree as early as possible: the upper
    bound's."""
    s, t = list(s), list(t)
    missing_s = [x for x in t if x not in s]  # what s could still show
    missing_t = [x for x in s if x not in t]
    s, t = s + missing_s, t + missing_t
    shared = [("both", i) for i in range(depth)]
    return (s + shared)[:depth], (t + shared)[:depth]


@settings(max_examples=60, deadline=None)
@given(
    hs.lists(hs.integers(0, 30), min_size=1, max_size=12, unique=True),
    hs.lists(hs.integers(0, 30), min_size=1, max_size=12, unique=True),
    hs.floats(0.3, 0.95),
)
def test_bounds_are_the_rbo_of_the_extreme_continuations(s, t, p):
    got = rbo(s, t, p)
    depth = 600  # p**600 < 1e-13 for p <= 0.95: the tail beyond is negligible
    lo = _truncated(*_continue(s, t, depth), p, depth)
    hi = _truncated(*_continue_agreeing(s, t, depth), p, depth)
    assert got.min == pytest.approx(lo, abs=1e-9)
    assert got.max == pytest.approx(hi, abs=1e-9)
    assert got.min - 1e-12 <= got.ext <= got.max + 1e-12


@settings(max_examples=60, deadline=None)
@given(
    hs.lists(hs.integers(0, 40), min_size=1, max_size=15, unique=True),
    hs.lists(hs.integers(0, 40), min_size=1, max_size=15, unique=True),
    hs.floats(0.05, 0.95),
)
def test_properties_symmetric_bounded(s, t, p):
    a, b = rbo(s, t, p), rbo(t, s, p)
    assert a.min == pytest.approx(b.min) and a.ext == pytest.approx(b.ext)
    assert 0 <= a.min <= a.ext <= a.max <= 1 + 1e-12


@settings(max_examples=40, deadline=None)
@given(hs.lists(hs.integers(0, 100), min_size=1, max_size=20, unique=True))
def test_identity_gives_one(s):
    assert rbo(s, s, 0.9).ext == pytest.approx(1.0)
    assert rbo(s, s, 0.9).max == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(hs.integers(1, 15), hs.integers(1, 15), hs.floats(0.05, 0.95))
def test_disjoint_gives_zero(n, m, p):
    got = rbo(list(range(n)), list(range(100, 100 + m)), p)
    assert got.min == 0 and got.ext == 0


def test_top_weighted_a_swap_at_the_top_costs_more():
    base = list(range(10))
    top = [1, 0] + base[2:]
    bottom = base[:8] + [9, 8]
    assert rbo(base, top).ext < rbo(base, bottom).ext
    # Kendall's tau cannot tell the two swaps apart
    assert kendall_tau(base, top) == kendall_tau(base, bottom)


@settings(max_examples=60, deadline=None)
@given(hs.integers(3, 30), hs.data(), hs.floats(0.05, 0.95))
def test_top_weighted_an_adjacent_swap_costs_its_depths_weight(n, data, p):
    # swapping ranks i and i+1 changes the agreement at depth i only, from 1 to
    # (i-1)/i: the cost is that depth's weight over i, and it falls with i
    i = data.draw(hs.integers(1, n - 2))
    j = data.draw(hs.integers(i + 1, n - 1))
    base = list(range(n))

    def swapped(k):
        out = base.copy()
        out[k - 1], out[k] = out[k], out[k - 1]
        return out

    def cost(k):
        return (1 - p) * p ** (k - 1) / k

    at_i, at_j = rbo(base, swapped(i), p).ext, rbo(base, swapped(j), p).ext
    assert at_i == pytest.approx(1 - cost(i), abs=1e-12)
    assert at_j == pytest.approx(1 - cost(j), abs=1e-12)
    assert cost(i) > cost(j) and at_i <= at_j + 1e-15  # equal only below rounding


@settings(max_examples=40, deadline=None)
@given(hs.integers(2, 30), hs.floats(0.05, 0.95))
def test_monotone_as_ever_longer_heads_are_reversed(n, p):
    base = list(range(n))
    values = [rbo(base, base[:k][::-1] + base[k:], p).ext for k in range(n + 1)]
    assert all(a >= b - 1e-12 for a, b in zip(values, values[1:]))


def test_monotone_as_a_list_is_perturbed_further():
    base = list(range(20))
    values = []
    for k in range(0, 20, 2):  # reverse an ever longer head of the list
        values.append(rbo(base, base[:k][::-1] + base[k:]).ext)
    assert all(a >= b for a, b in zip(values, values[1:]))


def test_even_lists_ext_has_the_closed_form():
    rng = np.random.default_rng(3)
    s, t = list(rng.permutation(30)[:10]), list(rng.permutation(30)[:10])
    p, k = 0.8, 10
    x = [len(set(s[:d]) & set(t[:d])) for d in range(1, k + 1)]
    closed = (1 - p) / p * sum(x[d - 1] * p**d / d for d in range(1, k + 1))
    closed += p**k * x[-1] / k
    assert rbo(s, t, p).ext == pytest.approx(closed)


def test_matrix_equals_the_pairwise_rbo():
    rng = np.random.default_rng(5)
    lists = np.array([rng.permutation(40)[:8] for _ in range(12)])
    m = rbo_ext_matrix(lists, p=0.85)
    for i in range(12):
        for j in range(12):
            assert m[i, j] == pytest.approx(
                rbo(lists[i], lists[j], 0.85).ext, abs=1e-12
            )


def test_top_weight_matches_its_definition_and_the_paper():
    p, depth = 0.9, 10
    # the weight an agreement at rank i carries: sum over depths j >= i of
    # (1-p)p^(j-1)/j
    per_rank = [
        sum((1 - p) * p ** (j - 1) / j for j in range(i, 3000)) for i in range(1, 3000)
    ]
    assert top_weight(depth, p) == pytest.approx(sum(per_rank[:depth]) / sum(per_rank))
    assert top_weight(depth, p) == pytest.approx(0.8556, abs=1e-4)  # "about 86%"
    assert persistence_for_depth(depth, top_weight(depth, p)) == pytest.approx(p)


def test_average_overlap():
    assert average_overlap([1, 2, 3], [1, 2, 3], 3) == 1.0
    assert average_overlap([1, 2], [2, 1], 2) == pytest.approx((0 + 1) / 2)
    assert average_overlap([1], [2], 4) == 0.0


def test_kendall_tau_equals_scipy():
    rng = np.random.default_rng(11)
    for _ in range(20):
        a = list(rng.permutation(15))
        b = list(rng.permutation(15))
        pos_b = [b.index(x) for x in a]
        ref = st.kendalltau(range(15), pos_b).statistic
        assert kendall_tau(a, b) == pytest.approx(ref)


def test_rbo_is_a_dataclass_with_max():
    r = RBO(min=0.2, residual=0.3, ext=0.4)
    assert r.max == 0.5
    assert math.isclose(rbo([1, 2], [2, 1], 0.5).ext, rbo([2, 1], [1, 2], 0.5).ext)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: rbo([1, 1], [1]), ValueError, "more than once"),
        (lambda: rbo([], [1]), ValueError, "is empty"),
        (lambda: rbo("abc", [1]), TypeError, "must be a list"),
        (lambda: rbo([[1]], [1]), TypeError, "hashable"),
        (lambda: rbo([1], [1], p=1.0), ValueError, "strictly between 0 and 1"),
        (lambda: rbo([1], [1], p=0), ValueError, "strictly between 0 and 1"),
        (lambda: rbo([1], [1], p="x"), TypeError, "real number"),
        (lambda: average_overlap([1], [1], 0), ValueError, "at least 1"),
        (lambda: average_overlap([1], [1], 1.5), TypeError, "integer"),
        (lambda: kendall_tau([1, 2], [1, 3]), ValueError, "same items"),
        (lambda: kendall_tau([1], [1]), ValueError, "at least two"),
        (lambda: top_weight(0, 0.9), ValueError, "at least 1"),
        (lambda: persistence_for_depth(10, 1.2), ValueError, "strictly between"),
        (lambda: rbo_ext_matrix(np.array([[1.0, 2.0]])), TypeError, "integer"),
        (lambda: rbo_ext_matrix(np.array([1, 2])), ValueError, r"\(n, k\)"),
        (lambda: rbo_ext_matrix(np.array([[1, 1]])), ValueError, "repeats"),
        (lambda: rbo_ext_matrix(np.array([[-1, 1]])), ValueError, ">= 0"),
    ],
)
def test_refusals(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- the Mallows generator ------------------------------------------------------------


def test_mallows_draws_are_rankings_with_the_planted_mean_distance():
    from dsinterview.data import make_mallows_rankings, mallows_expected_distance

    n_items, phi = 12, 0.7
    draws = make_mallows_rankings(4000, n_items, phi, seed=1)
    assert draws.shape == (4000, n_items)
    assert all(sorted(row) == list(range(n_items)) for row in draws[:50])
    centre = list(range(n_items))
    dist = [
        round((1 - kendall_tau(centre, list(r))) / 2 * n_items * (n_items - 1) / 2)
        for r in draws
    ]
    expected = mallows_expected_distance(n_items, phi)
    se = np.std(dist, ddof=1) / np.sqrt(len(dist))
    assert abs(np.mean(dist) - expected) < 4 * se  # 4 Monte Carlo SEs


def test_mallows_extremes_and_refusals():
    from dsinterview.data import make_mallows_rankings, mallows_expected_distance

    assert mallows_expected_distance(5, 1.0) == pytest.approx(5 * 4 / 4)
    near = make_mallows_rankings(10, 8, 1e-9, seed=2)
    assert (near == np.arange(8)).all()
    with pytest.raises(ValueError, match=r"in \(0, 1\]"):
        make_mallows_rankings(3, 4, 1.5)
    with pytest.raises(ValueError, match="at least 1"):
        make_mallows_rankings(0, 4, 0.5)
    with pytest.raises(TypeError, match="integer"):
        mallows_expected_distance(2.5, 0.5)
