"""Tests of dsinterview.recsys.fairness: Steck's miscalibration and calibrated
re-ranking, the Gini coefficient and the effective catalogue size, with their boundary
values and every refusal."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.stats import entropy

from dsinterview.recsys import top_k
from dsinterview.recsys.fairness import (
    calibrated_rerank,
    calibration_kl,
    effective_catalog_size,
    exposure_rerank,
    gini,
)

# --- calibration_kl -------------------------------------------------------------------


def test_calibration_kl_is_zero_for_a_calibrated_list():
    p = {"romance": 0.7, "action": 0.3}
    assert calibration_kl(p, dict(p)) == pytest.approx(0.0, abs=1e-15)
    assert calibration_kl([0.2, 0.8], [0.2, 0.8], alpha=0.0) == 0.0


def test_calibration_kl_is_never_negative_from_rounding():
    rng = np.random.default_rng(11)
    for _ in range(200):
        p = rng.dirichlet(np.ones(7))
        assert 0.0 <= calibration_kl(p, p.copy()) < 1e-15


def test_calibration_kl_of_a_one_genre_list_by_hand():
    # 70% romance watched, a list of 100% romance: q~ = (0.99 + 0.007, 0.003)
    p = {"romance": 0.7, "action": 0.3}
    q = {"action": 0.0, "romance": 1.0}  # key order does not matter
    expected = 0.7 * math.log(0.7 / 0.997) + 0.3 * math.log(0.3 / 0.003)
    assert calibration_kl(p, q) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.3, 0.9])
def test_calibration_kl_matches_scipy_entropy(alpha):
    rng = np.random.default_rng(4)
    p = rng.dirichlet(np.ones(6))
    q = rng.dirichlet(np.ones(6))
    q_tilde = (1 - alpha) * q + alpha * p
    assert calibration_kl(p, q, alpha=alpha) == pytest.approx(
        entropy(p, q_tilde), rel=1e-12
    )


def test_calibration_kl_normalises_and_ignores_genres_the_member_skips():
    # counts instead of shares: the same distributions
    assert calibration_kl([7, 3, 0], [2, 2, 6]) == pytest.approx(
        calibration_kl([0.7, 0.3, 0.0], [0.2, 0.2, 0.6]), rel=1e-12
    )
    # a genre with p = 0 adds nothing, however much of the list it takes
    assert calibration_kl([1, 0], [1, 0], alpha=0.0) == 0.0


def test_calibration_kl_is_infinite_without_smoothing_when_a_genre_is_missing():
    assert calibration_kl([0.5, 0.5], [1.0, 0.0], alpha=0.0) == math.inf
    assert math.isfinite(calibration_kl([0.5, 0.5], [1.0, 0.0], alpha=0.01))


@pytest.mark.parametrize(
    "p, q, error, match",
    [
        ([0.5, -0.1, 0.6], [1, 1, 1], ValueError, "non-negative"),
        ([0.5, np.nan], [1, 1], ValueError, "finite"),
        ([1, 1], [np.inf, 1], ValueError, "finite"),
        ([0, 0], [1, 1], ValueError, "positive total"),
        ([1, 1], [0, 0], ValueError, "positive total"),
        ([1, 1], [1, 1, 1], ValueError, "same genres"),
        ({"a": 1, "b": 1}, {"a": 1, "c": 1}, ValueError, "same genres"),
        ({"a": 1}, [1], TypeError, "both be mappings"),
        ([], [], ValueError, "empty"),
        ([[1, 2]], [[1, 2]], ValueError, "1-D"),
        (["x", "y"], [1, 1], TypeError, "numeric"),
    ],
)
def test_calibration_kl_refusals(p, q, error, match):
    with pytest.raises(error, match=match):
        calibration_kl(p, q)


@pytest.mark.parametrize("alpha", [-0.01, 1.0, 1.5, math.nan])
def test_calibration_kl_refuses_alpha_outside_0_1(alpha):
    with pytest.raises(ValueError, match=r"alpha must be in \[0, 1\)"):
        calibration_kl([1, 1], [1, 1], alpha=alpha)
    with pytest.raises(TypeError, match="alpha"):
        calibration_kl([1, 1], [1, 1], alpha="0.1")


# --- calibrated_rerank ----------------------------------------------------------------


@pytest.fixture()
def catalogue():
    """Ten romance titles scored above ten action titles."""
    scores = {f"r{j}": 2.0 - 0.01 * j for j in range(10)}
    scores |= {f"a{j}": 1.0 - 0.01 * j for j in range(10)}
    genres = {i: ["romance" if i.startswith("r") else "action"] for i in scores}
    return scores, genres


def test_lam_zero_is_the_top_k_by_score(catalogue):
    scores, genres = catalogue
    out = calibrated_rerank(scores, genres, {"romance": 0.7, "action": 0.3}, 10, lam=0)
    assert out == sorted(scores, key=scores.get, reverse=True)[:10]
    assert all(i.startswith("r") for i in out)  # the 100% romance row of Steck 2018


def test_ties_go_to_the_item_first_in_scores():
    scores = {"b": 1.0, "a": 1.0, "c": 1.0, "d": 2.0}
    genres = {i: ["x"] for i in scores}
    assert calibrated_rerank(scores, genres, {"x": 1}, 3, lam=0) == ["d", "b", "a"]


def test_lam_one_matches_a_70_30_history(catalogue):
    scores, genres = catalogue
    out = calibrated_rerank(scores, genres, {"romance": 0.7, "action": 0.3}, 10, lam=1)
    assert sum(i.startswith("r") for i in out) == 7
    assert sum(i.startswith("a") for i in out) == 3


def test_calibration_costs_score_and_buys_calibration(catalogue):
    scores, genres = catalogue
    target = {"romance": 0.7, "action": 0.3}

    def mix(items):
        share = sum(i.startswith("r") for i in items) / len(items)
        return {"romance": share, "action": 1 - share}

    lists = {
        lam: calibrated_rerank(scores, genres, target, 10, lam=lam) for lam in (0, 1)
    }
    # the top ten is the best score sum any ten can reach; calibration gives some up
    best = sum(sorted(scores.values(), reverse=True)[:10])
    assert sum(scores[i] for i in lists[0]) == pytest.approx(best)
    assert sum(scores[i] for i in lists[1]) < best
    assert calibration_kl(target, mix(lists[1])) == pytest.approx(0.0, abs=1e-12)
    assert calibration_kl(target, mix(lists[0])) > 1.0


def test_a_multi_genre_item_counts_half_in_each_genre():
    scores = {"comedy": 1.0, "drama": 1.0, "both": 0.5}
    genres = {"comedy": ["comedy"], "drama": ["drama"], "both": ["comedy", "drama"]}
    target = {"comedy": 0.5, "drama": 0.5}
    # one slot: only the comedy-drama matches a half-and-half history exactly
    assert calibrated_rerank(scores, genres, target, 1, lam=1) == ["both"]
    assert calibrated_rerank(scores, genres, target, 1, lam=0) == ["comedy"]


def test_greedy_picks_the_best_next_item_at_every_step():
    """Each step's choice maximises the objective among the one-item extensions, with
    the objective computed from calibration_kl directly."""
    rng = np.random.default_rng(7)
    names = [f"t{j}" for j in range(12)]
    scores = {n: float(s) for n, s in zip(names, rng.random(12), strict=True)}
    pool = ["a", "b", "c", "d"]
    genres = {
        n: list(rng.choice(pool, rng.integers(1, 3), replace=False)) for n in names
    }
    target = {"a": 0.5, "b": 0.3, "c": 0.2, "d": 0.0}
    lam = 0.4

    def objective(items):
        mix = dict.fromkeys(pool, 0.0)
        for i in items:
            for g in genres[i]:
                mix[g] += 1 / len(genres[i]) / len(items)
        return (1 - lam) * sum(scores[i] for i in items) - lam * calibration_kl(
            target, mix
        )

    out = calibrated_rerank(scores, genres, target, 5, lam=lam)
    for n in range(5):
        prefix = out[:n]
        rivals = [i for i in names if i not in prefix]
        best = max(objective([*prefix, i]) for i in rivals)
        assert objective(out[: n + 1]) == pytest.approx(best, rel=1e-12)


def test_an_item_genre_outside_the_target_is_allowed_and_avoided():
    scores = {"horror": 1.0, "comedy": 0.9}
    genres = {"horror": ["horror"], "comedy": ["comedy"]}
    assert calibrated_rerank(scores, genres, {"comedy": 1.0}, 1, lam=0.5) == ["comedy"]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(lam=-0.1), ValueError, r"lam must be in \[0, 1\]"),
        (dict(lam=1.01), ValueError, r"lam must be in \[0, 1\]"),
        (dict(lam="a"), TypeError, "lam"),
        (dict(k=4), ValueError, "larger than the number of items"),
        (dict(k=0), ValueError, "at least 1"),
        (dict(k=1.5), TypeError, "integer"),
        (dict(target={"x": -1, "y": 2}), ValueError, "non-negative"),
        (dict(target={"x": 0, "y": 0}), ValueError, "positive total"),
        (dict(target={"x": math.inf}), ValueError, "finite"),
        (dict(scores={"a": math.nan, "b": 1, "c": 1}), ValueError, "finite"),
        (dict(item_genres={"a": ["x"], "b": ["x"]}), ValueError, "no genres"),
        (dict(item_genres={"a": [], "b": ["x"], "c": ["y"]}), ValueError, "non-empty"),
        (dict(item_genres={"a": "x", "b": ["x"], "c": ["y"]}), ValueError, "non-empty"),
        (dict(scores=[1, 2, 3]), TypeError, "scores must be a mapping"),
    ],
)
def test_calibrated_rerank_refusals(kwargs, error, match):
    args = dict(
        scores={"a": 3.0, "b": 2.0, "c": 1.0},
        item_genres={"a": ["x"], "b": ["x"], "c": ["y"]},
        target={"x": 0.5, "y": 0.5},
        k=2,
        lam=0.5,
    )
    args.update(kwargs)
    with pytest.raises(error, match=match):
        calibrated_rerank(**args)


# --- gini and effective catalogue size ------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 100])
def test_gini_boundaries(n):
    assert gini(np.full(n, 3.0)) == pytest.approx(0.0, abs=1e-15)
    one = np.zeros(n)
    one[n // 2] = 7.0
    assert gini(one) == pytest.approx((n - 1) / n, rel=1e-12)


def test_gini_is_the_relative_mean_absolute_difference():
    x = np.random.default_rng(2).exponential(size=40)
    mad = np.abs(x[:, None] - x[None, :]).sum() / x.size**2
    assert gini(x) == pytest.approx(mad / (2 * x.mean()), rel=1e-12)
    assert gini(x[::-1] * 5) == pytest.approx(gini(x), rel=1e-12)  # order, scale


@pytest.mark.parametrize("n", [1, 3, 50])
def test_effective_catalog_size_boundaries(n):
    assert effective_catalog_size(np.full(n, 0.2)) == pytest.approx(n, rel=1e-12)
    one = np.zeros(n)
    one[-1] = 4.0
    assert effective_catalog_size(one) == pytest.approx(1.0, rel=1e-12)


def test_effective_catalog_size_by_hand():
    # sorted 0.5, 0.3, 0.2: 2 (0.5 + 0.6 + 0.6) - 1
    assert effective_catalog_size([2, 5, 3]) == pytest.approx(2.4, rel=1e-12)
    # two equal titles and a title nobody plays: two titles' worth
    assert effective_catalog_size([0, 1, 1]) == pytest.approx(2.0, rel=1e-12)


def test_concentration_orders_agree():
    """Moving plays from a small title to a big one raises Gini and lowers the
    effective size (a Pigou-Dalton transfer)."""
    x = np.array([10.0, 6.0, 3.0, 1.0])
    y = np.array([11.0, 6.0, 3.0, 0.0])
    assert gini(y) > gini(x)
    assert effective_catalog_size(y) < effective_catalog_size(x)


@pytest.mark.parametrize("fn", [gini, effective_catalog_size])
@pytest.mark.parametrize(
    "values, error, match",
    [
        ([1, -1, 2], ValueError, "non-negative"),
        ([1, np.nan], ValueError, "finite"),
        ([np.inf, 1], ValueError, "finite"),
        ([0, 0, 0], ValueError, "positive total"),
        ([], ValueError, "empty"),
        ([[1, 2], [3, 4]], ValueError, "1-D"),
        (["a"], TypeError, "numeric"),
    ],
)
def test_concentration_refusals(fn, values, error, match):
    with pytest.raises(error, match=match):
        fn(values)


def test_every_ordering_gives_the_same_concentration():
    x = [5.0, 1.0, 3.0, 0.0]
    values = {
        (round(gini(list(p)), 12), round(effective_catalog_size(list(p)), 12))
        for p in itertools.permutations(x)
    }
    assert len(values) == 1


def test_effective_catalog_size_is_the_gini_in_units_of_titles():
    """ECS = N (1 - G): both are linear in the sorted shares, so over a fixed
    catalogue they carry the same information."""
    rng = np.random.default_rng(8)
    for n in (2, 17, 300):
        x = rng.pareto(1.2, n)
        assert effective_catalog_size(x) == pytest.approx(n * (1 - gini(x)), rel=1e-9)


# --- exposure_rerank ------------------------------------------------------------------


def test_exposure_rerank_by_hand():
    # two members, four items; items 2 and 3 form the group
    S = np.array([[4.0, 3.0, 2.0, 1.0], [4.0, 3.0, 2.0, 1.0]])
    group = np.array([False, False, True, True])
    plain = exposure_rerank(S, group, 0.0, 2)
    assert plain.boost == 0.0 and plain.share == 0.0
    np.testing.assert_array_equal(plain.rows, [[0, 1], [0, 1]])
    # half the slots: item 2 must pass item 1, a lift of just over 1 / sd
    half = exposure_rerank(S, group, 0.5, 2, tol=1e-6)
    assert half.share == 0.5
    np.testing.assert_array_equal(half.rows, [[0, 2], [0, 2]])
    sd = S[0].std()
    assert half.boost == pytest.approx(1 / sd, abs=1e-5)
    # all the slots: item 3 must pass item 0, a lift of 3 / sd
    full = exposure_rerank(S, group, 1.0, 2, tol=1e-6)
    np.testing.assert_array_equal(np.sort(full.rows, axis=1), [[2, 3], [2, 3]])
    assert full.boost == pytest.approx(3 / sd, abs=1e-5)


def test_exposure_rerank_finds_the_smallest_boost():
    rng = np.random.default_rng(3)
    S = rng.normal(size=(50, 40)) * rng.uniform(0.1, 10, size=(50, 1))
    group = np.arange(40) < 6
    R = rng.random((50, 40)) < 0.1
    out = exposure_rerank(S, group, 0.3, 5, exclude=R, tol=1e-4)
    assert out.share >= 0.3
    assert not R[np.arange(50)[:, None], out.rows].any()
    # a boost tol below it misses the target: the boost is the smallest that works
    sd = S.std(axis=1, keepdims=True)
    below = top_k(S + (out.boost - 1e-4) * sd * group, 5, exclude=R)
    assert group[below].mean() < 0.3
    # the boost is in units of each member's spread: rescaling a member changes nothing
    S2 = S.copy()
    S2[0] *= 100
    np.testing.assert_array_equal(
        exposure_rerank(S2, group, 0.3, 5, exclude=R, tol=1e-4).rows, out.rows
    )


def test_exposure_rerank_leaves_a_member_without_a_ranking_alone():
    S = np.array([[0.0, 0.0, 0.0, 0.0], [4.0, 3.0, 2.0, 1.0]])
    group = np.array([False, False, True, True])
    out = exposure_rerank(S, group, 0.25, 2, tol=1e-6)
    np.testing.assert_array_equal(out.rows, [[0, 1], [0, 2]])
    assert out.share == 0.25


def test_exposure_rerank_refuses_an_unreachable_share():
    S = np.arange(12.0).reshape(2, 6)
    group = np.array([True, False, False, False, False, False])
    # one group title and rows of three: at most a third of the slots
    with pytest.raises(ValueError, match="short of share"):
        exposure_rerank(S, group, 0.5, 3)
    assert exposure_rerank(S, group, 1 / 3, 3).share == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(scores=np.ones(4)), ValueError, "members x items"),
        (dict(scores=np.full((2, 4), np.nan)), ValueError, "finite"),
        (dict(in_group=np.array([True, False])), ValueError, "one boolean per item"),
        (dict(in_group=np.array([0, 2, 0, 1])), ValueError, "one boolean per item"),
        (dict(share=1.5), ValueError, r"share must be in \[0, 1\]"),
        (dict(share=-0.1), ValueError, "share"),
        (dict(share="half"), TypeError, "share"),
        (dict(k=5), ValueError, "larger than the number of items"),
        (dict(k=0), ValueError, "k"),
        (dict(k=2.0), TypeError, "k"),
        (dict(max_boost=0), ValueError, "max_boost"),
        (dict(tol=-1), ValueError, "tol"),
        (dict(exclude=np.zeros((3, 4), dtype=bool)), ValueError, "shape"),
    ],
)
def test_exposure_rerank_refusals(kwargs, error, match):
    args = dict(
        scores=np.arange(8.0).reshape(2, 4),
        in_group=np.array([True, False, False, True]),
        share=0.5,
        k=2,
    )
    args.update(kwargs)
    with pytest.raises(error, match=match):
        exposure_rerank(**args)
