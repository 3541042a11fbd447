"""Tests of dsinterview.data.catalogue: the planted world (tastes, local-language
titles and audience), the logged plays under a shelf bias, and the feedback loop graded
against the truth."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import hypergeom

from dsinterview.data.catalogue import (
    TasteWorld,
    make_logged_plays,
    make_taste_world,
    simulate_feedback_loop,
)


@pytest.fixture(scope="module")
def world():
    return make_taste_world(400, 200, seed=5)


# --- the world ------------------------------------------------------------------------


def test_world_shapes_counts_and_determinism(world):
    assert world.utility.shape == (400, 200)
    assert world.title_local.sum() == 30  # 15% of 200, exactly
    assert world.member_local.sum() == 80  # 20% of 400, exactly
    assert np.all((world.utility > 0) & (world.utility < 1))
    np.testing.assert_allclose(world.member_taste.sum(axis=1), 1.0, rtol=1e-12)
    again = make_taste_world(400, 200, seed=5)
    np.testing.assert_array_equal(again.utility, world.utility)
    assert not np.array_equal(make_taste_world(400, 200, seed=6).utility, world.utility)


def test_utility_without_tastes_or_affinity_is_the_appeal_alone():
    w = make_taste_world(50, 40, taste_weight=0.0, local_affinity=0.0, seed=1)
    expected = 1 / (1 + np.exp(-(-2.5 + w.title_appeal)))
    np.testing.assert_allclose(w.utility, np.broadcast_to(expected, (50, 40)))


def test_local_affinity_raises_only_the_local_audience_on_local_titles():
    base = make_taste_world(300, 100, local_affinity=0.0, seed=2)
    lifted = make_taste_world(300, 100, local_affinity=1.5, seed=2)
    logit = np.log(lifted.utility / (1 - lifted.utility))
    logit0 = np.log(base.utility / (1 - base.utility))
    diff = logit - logit0
    both = np.outer(lifted.member_local, lifted.title_local)
    np.testing.assert_allclose(diff[both], 1.5, rtol=1e-9)
    np.testing.assert_allclose(diff[~both], 0.0, atol=1e-9)


def test_planted_appeal_gap_and_taste_tilt_are_recovered():
    w = make_taste_world(4000, 2000, local_appeal_gap=1.0, local_taste_tilt=2.0, seed=3)
    local, other = w.title_appeal[w.title_local], w.title_appeal[~w.title_local]
    gap = other.mean() - local.mean()
    se = np.sqrt(local.var() / local.size + other.var() / other.size)
    assert abs(gap - 1.0) < 4 * se
    # Dirichlet means: genre 0 has concentration 0.5 * 3 among five others of 0.5
    share0 = w.member_taste[w.member_local, 0]
    se0 = share0.std() / np.sqrt(share0.size)
    assert abs(share0.mean() - 1.5 / (1.5 + 5 * 0.5)) < 4 * se0
    rest = w.member_taste[~w.member_local, 0]
    assert abs(rest.mean() - 1 / 6) < 4 * rest.std() / np.sqrt(rest.size)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n_members=1), ValueError, "n_members"),
        (dict(n_titles=1.5), TypeError, "n_titles"),
        (dict(local_share=1.2), ValueError, "local_share"),
        (dict(local_member_share=-0.1), ValueError, "local_member_share"),
        (dict(taste_concentration=0), ValueError, "taste_concentration"),
        (dict(appeal_sd=0), ValueError, "appeal_sd"),
        (dict(local_taste_tilt=-1), ValueError, "local_taste_tilt"),
        (dict(local_affinity="x"), TypeError, "local_affinity"),
    ],
)
def test_world_refusals(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_taste_world(**kwargs)


# --- logged plays ---------------------------------------------------------------------


def test_logged_plays_follow_the_shelf_bias_and_the_truth(world):
    log = make_logged_plays(world, n_shown=50, local_exposure=0.3, seed=1)
    shown, plays = log.shown.toarray(), log.plays.toarray()
    assert np.all(shown.sum(axis=1) == 50)
    assert np.all(plays <= shown)  # a play needs a showing
    # a local title is shown 0.3 times as often: the first draw's share is
    # 0.3 * 30 / (0.3 * 30 + 170); later draws without replacement are close to it
    share = shown[:, world.title_local].sum() / shown.sum()
    first = 0.3 * 30 / (0.3 * 30 + 170)
    assert abs(share - first) < 0.02
    # plays happen at the true rate of what was shown (binomial s.e.)
    p = world.utility[shown > 0]
    assert abs(plays.sum() - p.sum()) < 4 * np.sqrt(np.sum(p * (1 - p)))


def test_logged_plays_with_a_count_per_member(world):
    counts = np.where(np.arange(400) % 2 == 0, 3, 120)
    log = make_logged_plays(world, n_shown=counts, seed=2)
    np.testing.assert_array_equal(np.asarray(log.shown.sum(axis=1)).ravel(), counts)


def test_no_shelf_bias_shows_local_titles_at_their_catalogue_share(world):
    log = make_logged_plays(world, n_shown=20, local_exposure=1.0, seed=3)
    shown = log.shown.toarray()
    share = shown[:, world.title_local].sum() / shown.sum()
    se = np.sqrt(0.15 * 0.85 / shown.sum())
    assert abs(share - 0.15) < 4 * se


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n_shown=0), ValueError, "n_shown"),
        (dict(n_shown=201), ValueError, "n_shown"),
        (dict(n_shown=np.ones(3, dtype=int)), ValueError, "one per member"),
        (dict(n_shown=np.full(400, 2.5)), ValueError, "one per member"),
        (dict(local_exposure=0), ValueError, "local_exposure"),
    ],
)
def test_logged_plays_refusals(world, kwargs, error, match):
    with pytest.raises(error, match=match):
        make_logged_plays(world, **kwargs)
    with pytest.raises(TypeError, match="TasteWorld"):
        make_logged_plays("world")


# --- the feedback loop ----------------------------------------------------------------


def test_an_oracle_recommender_reaches_the_oracle_utility(world):
    loop = simulate_feedback_loop(world, lambda R: world.utility, rounds=4, seed=1)
    assert list(loop["round"]) == [1, 2, 3, 4]
    np.testing.assert_allclose(loop["utility"], loop["oracle_utility"], rtol=1e-12)
    np.testing.assert_allclose(loop["exploit_utility"], loop["utility"])


def test_a_random_recommender_gets_the_catalogue_mean(world):
    def rnd(R):
        return np.random.default_rng(R.nnz).random(R.shape)

    loop = simulate_feedback_loop(world, rnd, rounds=3, seed=2)
    # each slot is a random unplayed title: about the mean utility (4 s.e.)
    se = world.utility.std() / np.sqrt(400 * 10)
    assert np.all(np.abs(loop["utility"] - world.utility.mean()) < 4 * se + 0.005)
    assert np.all(loop["utility"] < loop["oracle_utility"])


def test_full_exploration_spreads_exposure_and_none_concentrates_it(world):
    def pop(R):
        return np.broadcast_to(np.asarray(R.sum(axis=0)).ravel(), R.shape)

    greedy = simulate_feedback_loop(world, pop, rounds=3, epsilon=0.0, seed=3)
    explore = simulate_feedback_loop(world, pop, rounds=3, epsilon=1.0, seed=3)
    assert np.all(explore["diversity"] > 3 * greedy["diversity"])
    np.testing.assert_allclose(
        explore["local_exposure"], world.title_local.mean(), atol=0.03
    )


def test_homogeneity_is_one_for_identical_rows_and_chance_for_random_ones(world):
    def same(R):  # every member gets the same scores: the same row, unless played
        return np.broadcast_to(np.arange(R.shape[1], dtype=float), R.shape)

    loop = simulate_feedback_loop(world, same, rounds=1, n_start=1, seed=4)
    # identical rows except where a member already played one of the k titles
    assert loop["homogeneity"].iloc[0] > 0.8
    rnd = simulate_feedback_loop(world, same, rounds=1, n_start=1, epsilon=1.0, seed=4)
    # two random 10-title rows of (nearly) all 200 titles: the titles they share are
    # hypergeometric, and the Jaccard index is c / (2k - c)
    c = np.arange(11)
    expected = np.sum(hypergeom(200, 10, 10).pmf(c) * c / (20 - c))
    np.testing.assert_allclose(rnd["homogeneity"], expected, rtol=0.05)


def test_feedback_loop_refusals(world):
    def good(R):
        return world.utility

    with pytest.raises(TypeError, match="TasteWorld"):
        simulate_feedback_loop(world.utility, good)
    with pytest.raises(TypeError, match="callable"):
        simulate_feedback_loop(world, world.utility)
    with pytest.raises(ValueError, match="epsilon"):
        simulate_feedback_loop(world, good, epsilon=1.5)
    with pytest.raises(ValueError, match="too small"):
        simulate_feedback_loop(world, good, rounds=30, k=10)
    with pytest.raises(ValueError, match="shape"):
        simulate_feedback_loop(world, lambda R: np.zeros((3, 3)))
    with pytest.raises(ValueError, match="finite"):
        simulate_feedback_loop(world, lambda R: np.full(R.shape, np.nan))
    assert isinstance(world, TasteWorld)
