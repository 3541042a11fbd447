"""dsinterview.interleaving: team-draft interleaving, its credit and its refusals.

The exact sets of outputs below are derived by hand from the rules (a coin per round,
each ranker takes its best title not yet shown), not from the code under test.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from dsinterview.interleaving import preference, team_draft, team_draft_many

N_SEEDS = 2000


def _outcomes(a, b, length):
    return Counter(
        (tuple(row), tuple(sorted(teams.items())))
        for row, teams in (team_draft(a, b, length, seed=s) for s in range(N_SEEDS))
    )


def _assert_uniform(counts, n_outcomes):
    """Each outcome has probability 1 / n_outcomes: its share within 4 binomial SEs."""
    p = 1 / n_outcomes
    se = np.sqrt(p * (1 - p) / N_SEEDS)
    for share in np.array(list(counts.values())) / N_SEEDS:
        assert abs(share - p) < 4 * se


def test_shared_first_choice_gives_exactly_four_outcomes():
    # round 1: the coin's winner takes 1, the other its best unshown title; round 2:
    # one pick left, the coin decides who takes the last title
    expected = {
        ((1, 3, 2), ((1, "A"), (2, "A"), (3, "B"))),  # A first, then A
        ((1, 3, 2), ((1, "A"), (2, "B"), (3, "B"))),  # A first, then B
        ((1, 2, 3), ((1, "B"), (2, "A"), (3, "A"))),  # B first, then A
        ((1, 2, 3), ((1, "B"), (2, "A"), (3, "B"))),  # B first, then B
    }
    counts = _outcomes([1, 2, 3], [1, 3, 2], 3)
    assert set(counts) == expected
    _assert_uniform(counts, 4)


def test_disjoint_rankings_alternate_in_coin_order():
    expected_rows = {(1, 3, 2, 4), (1, 3, 4, 2), (3, 1, 2, 4), (3, 1, 4, 2)}
    counts = _outcomes([1, 2], [3, 4], 4)
    assert {row for row, _ in counts} == expected_rows
    assert {teams for _, teams in counts} == {((1, "A"), (2, "A"), (3, "B"), (4, "B"))}
    _assert_uniform(counts, 4)


def test_identical_rankings_show_the_ranking_and_split_the_credit():
    counts = _outcomes([1, 2, 3], [1, 2, 3], 3)
    assert {row for row, _ in counts} == {(1, 2, 3)}
    teams = {dict(t)[1] + dict(t)[2] + dict(t)[3] for _, t in counts}
    assert teams == {"ABA", "ABB", "BAA", "BAB"}
    _assert_uniform(counts, 4)


def test_each_ranker_gets_half_the_picks_within_one():
    for s in range(500):
        rng = np.random.default_rng(s)
        a, b = list(rng.permutation(30)[:15]), list(rng.permutation(30)[:15])
        length = int(rng.integers(1, 16))
        shown, teams = team_draft(a, b, length, seed=s)
        assert len(shown) == length == len(teams)
        assert len(set(shown)) == length
        n_a = sum(v == "A" for v in teams.values())
        assert abs(n_a - (length - n_a)) <= 1


def test_credit_goes_to_the_ranker_that_picked():
    for s in range(200):
        rng = np.random.default_rng(s)
        a, b = list(rng.permutation(12)), list(rng.permutation(12))
        shown, teams = team_draft(a, b, 8, seed=s)
        # a ranker's picks are its own best titles among those still free, in order
        for team, ranking in (("A", a), ("B", b)):
            picks = [t for t in shown if teams[t] == team]
            for j, t in enumerate(picks):
                before = set(shown[: shown.index(t)])
                assert t == next(x for x in ranking if x not in before), (s, j)


def test_stops_when_both_rankings_are_exhausted():
    shown, teams = team_draft([1, 2], [2], 10, seed=0)
    assert sorted(shown) == [1, 2] and set(teams) == {1, 2}


def test_the_other_ranker_picks_alone_after_one_is_exhausted():
    rows = {tuple(team_draft([1], [2, 3, 4], 4, seed=s)[0]) for s in range(200)}
    assert rows == {(1, 2, 3, 4), (2, 1, 3, 4)}
    assert team_draft([1], [2, 3, 4], 4, seed=0)[1] == {1: "A", 2: "B", 3: "B", 4: "B"}


def test_seed_reproduces_and_generator_is_accepted():
    a, b = list(range(10)), list(range(9, -1, -1))
    assert team_draft(a, b, 6, seed=42) == team_draft(a, b, 6, seed=42)
    shown, _ = team_draft(a, b, 6, seed=np.random.default_rng(1))
    assert len(shown) == 6


def test_equal_rankers_are_preferred_equally_under_position_bias():
    # an A/A test: the same ranking on both sides, plays depend on position only
    rng = np.random.default_rng(0)
    examine = 1 / np.arange(1, 11)
    verdicts = []
    for s in range(4000):
        shown, teams = team_draft(list(range(10)), list(range(10)), 10, seed=s)
        clicked = [t for t, e in zip(shown, examine) if rng.random() < 0.5 * e]
        verdicts.append({None: 0, "A": -1, "B": 1}[preference(teams, clicked)])
    v = np.array(verdicts)
    assert abs(v.mean()) < 4 * v.std() / np.sqrt(v.size)


def test_preference_counts_distinct_clicked_items():
    teams = {"x": "A", "y": "B", "z": "B", "w": "A"}
    assert preference(teams, ["y", "z"]) == "B"
    assert preference(teams, ["x"]) == "A"
    assert preference(teams, ["x", "y"]) is None
    assert preference(teams, []) is None
    assert preference(teams, ["x", "x", "x", "y", "z"]) == "B"  # x counts once
    assert preference(teams, np.array(["w", "x", "y"])) == "A"


@pytest.mark.parametrize(
    "a, b, length, seed, error, match",
    [
        ([1, 2], [2, 1], 0, None, ValueError, "length"),
        ([1, 2], [2, 1], -3, None, ValueError, "length"),
        ([1, 2], [2, 1], 2.5, None, TypeError, "length"),
        ([1, 1, 2], [2, 1], 2, None, ValueError, "more than once"),
        ([1, 2], [3, 3], 2, None, ValueError, "more than once"),
        ("abc", [1, 2], 2, None, TypeError, "list"),
        ([], [1, 2], 2, None, ValueError, "empty"),
        ([1, 2], [2, 1], 2, "seven", TypeError, "seed"),
    ],
)
def test_team_draft_refusals(a, b, length, seed, error, match):
    with pytest.raises(error, match=match):
        team_draft(a, b, length, seed=seed)


@pytest.mark.parametrize(
    "teams, clicked, error, match",
    [
        ({"x": "A"}, ["y"], ValueError, "not shown"),
        ([("x", "A")], ["x"], TypeError, "mapping"),
        ({"x": "C"}, ["x"], ValueError, "'A' or 'B'"),
        ({"x": "A"}, "x", TypeError, "iterable"),
        ({"x": "A"}, 3, TypeError, "iterable"),
    ],
)
def test_preference_refusals(teams, clicked, error, match):
    with pytest.raises(error, match=match):
        preference(teams, clicked)


def test_team_draft_many_has_team_drafts_distribution():
    n = 4000
    shown, team = team_draft_many(
        np.tile([1, 2, 3], (n, 1)), np.tile([1, 3, 2], (n, 1)), 3, seed=0
    )
    names = np.array(["A", "B"])
    counts = Counter(
        (tuple(r), tuple(sorted(zip(r.tolist(), names[t].tolist()))))
        for r, t in zip(shown, team)
    )
    assert set(counts) == set(_outcomes([1, 2, 3], [1, 3, 2], 3))
    p, se = 0.25, np.sqrt(0.25 * 0.75 / n)
    assert all(abs(c / n - p) < 4 * se for c in counts.values())


def test_team_draft_many_rows_follow_the_rules():
    rng = np.random.default_rng(3)
    a = np.argsort(rng.random((300, 20)), axis=1)[:, :8]
    b = np.argsort(rng.random((300, 20)), axis=1)[:, :8]
    shown, team = team_draft_many(a, b, 8, seed=rng)
    for i in range(300):
        n_a = int((team[i] == 0).sum())
        assert abs(n_a - (8 - n_a)) <= 1
        assert len(set(shown[i])) == 8
        for pos in range(8):
            ranking = a[i] if team[i, pos] == 0 else b[i]
            before = set(shown[i, :pos].tolist())
            assert shown[i, pos] == next(x for x in ranking if x not in before)


def test_team_draft_many_pads_when_the_rankings_run_out():
    shown, team = team_draft_many(np.array([[0, 1]]), np.array([[1]]), 4, seed=0)
    assert sorted(shown[0, :2].tolist()) == [0, 1]
    assert shown[0, 2:].tolist() == [-1, -1] and team[0, 2:].tolist() == [-1, -1]


@pytest.mark.parametrize(
    "a, b, length, error, match",
    [
        (np.array([1, 2]), np.array([[1, 2]]), 2, ValueError, "2-D"),
        (np.array([[1.0, 2.0]]), np.array([[1, 2]]), 2, TypeError, "integer"),
        (np.array([[-1, 2]]), np.array([[1, 2]]), 2, ValueError, "non-negative"),
        (np.array([[1, 1]]), np.array([[1, 2]]), 2, ValueError, "twice"),
        (np.array([[1, 2]]), np.array([[1, 2], [2, 1]]), 2, ValueError, "rows"),
        (np.array([[1, 2]]), np.array([[1, 2]]), 0, ValueError, "length"),
    ],
)
def test_team_draft_many_refusals(a, b, length, error, match):
    with pytest.raises(error, match=match):
        team_draft_many(a, b, length, seed=0)


def test_team_draft_many_takes_large_item_ids_and_matches_small_ones():
    # the same rankings, written with huge ids: the same draws, the ids mapped back
    rng = np.random.default_rng(8)
    a = np.argsort(rng.random((200, 12)), axis=1)[:, :6]
    b = np.argsort(rng.random((200, 12)), axis=1)[:, :6]
    ids = 10**15 + 7 * np.arange(12, dtype=np.int64)
    small, team_small = team_draft_many(a, b, 6, seed=1)
    large, team_large = team_draft_many(ids[a], ids[b], 6, seed=1)
    assert np.array_equal(large, ids[small]) and np.array_equal(team_large, team_small)
