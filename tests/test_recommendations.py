"""dsinterview.data.recommendations: the simulated row, its planted truth, its logs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsinterview.data.recommendations import (
    SEGMENTS,
    make_logged_recommendations,
    make_recommendation_experiment,
)
from dsinterview.interleaving import preference
from dsinterview.offpolicy import ips_value


@pytest.fixture(scope="module")
def exp():
    return make_recommendation_experiment(40_000, seed=3)


def test_deterministic_for_a_seed():
    a = make_recommendation_experiment(2_000, seed=1)
    b = make_recommendation_experiment(2_000, seed=1)
    c = make_recommendation_experiment(2_000, seed=2)
    pd.testing.assert_frame_equal(a.members, b.members)
    pd.testing.assert_frame_equal(a.potential, b.potential)
    assert a.truth == b.truth
    assert not a.members["hours"].equals(c.members["hours"])


def test_shapes_arms_and_segments(exp):
    m, k = exp.members, exp.params["row_length"]
    assert len(m) == 40_000 and len(exp.potential) == 40_000
    share_b = (m["arm"] == "B").mean()
    assert abs(share_b - 0.5) < 4 * np.sqrt(0.25 / len(m))
    assert list(m["segment"].cat.categories) == list(SEGMENTS)
    # terciles of the planted activity
    counts = m["segment"].value_counts(normalize=True)
    assert (abs(counts - 1 / 3) < 4 * np.sqrt(2 / 9 / len(m))).all()
    for name in ("A", "B", "interleaved"):
        rows = exp.rows[name]
        assert rows.shape == (len(m), k)
        assert (np.diff(np.sort(rows, axis=1), axis=1) > 0).all()  # distinct titles
    assert np.allclose(m["hours"], m[[f"hours_w{w}" for w in range(1, 5)]].sum(axis=1))
    assert (m["plays"] == m[[f"plays_w{w}" for w in range(1, 5)]].sum(axis=1)).all()


def test_observed_outcomes_are_the_assigned_arms_potential_outcomes(exp):
    m, p = exp.members, exp.potential
    b = (m["arm"] == "B").to_numpy()
    assert np.array_equal(m["plays"], np.where(b, p["plays_B"], p["plays_A"]))
    assert np.allclose(m["hours"], np.where(b, p["hours_B"], p["hours_A"]))
    assert np.array_equal(m["retained"], np.where(b, p["retained_B"], p["retained_A"]))


def test_interleaved_rows_come_from_both_rankers_with_their_teams(exp):
    rows, teams = exp.rows, exp.teams
    for i in range(500):
        for title, team in zip(rows["interleaved"][i], teams[i]):
            assert title in rows["A" if team == 0 else "B"][i]
        assert abs(int((teams[i] == 0).sum()) - int((teams[i] == 1).sum())) <= 1


def test_preference_matches_the_package_function(exp):
    names = np.array(["A", "B"])
    for i in range(500):
        tm = dict(zip(exp.rows["interleaved"][i].tolist(), names[exp.teams[i]]))
        clicked = exp.rows["interleaved"][i][exp.played[i]].tolist()
        verdict = {None: 0, "A": -1, "B": 1}[preference(tm, clicked)]
        assert verdict == exp.potential["preference"].iat[i]


def test_b_is_better_and_the_effects_are_recovered(exp):
    m, t = exp.members, exp.truth
    b = (m["arm"] == "B").to_numpy()
    assert t["ate_plays"] > 0 and t["ate_hours"] > 0
    for col, key in (("hours", "ate_hours"), ("plays", "ate_plays")):
        y = m[col].to_numpy(float)
        est = y[b].mean() - y[~b].mean()
        se = np.sqrt(y[b].var() / b.sum() + y[~b].var() / (~b).sum())
        assert abs(est - t[key]) < 4 * se
    # the planted hours effect is the row's plays times the kept hours per play
    keep = 1 - exp.params["substitution"]
    assert t["ate_hours"] == pytest.approx(
        keep * exp.params["hours_per_play"] * t["ate_plays"]
    )
    # interleaving prefers the better ranker
    v = exp.potential["preference"].to_numpy()
    assert v.mean() > 4 * v.std() / np.sqrt(v.size)


def test_novelty_fades_and_without_it_weeks_are_alike():
    e = make_recommendation_experiment(5_000, seed=4)
    weeks = np.array(e.truth["ate_plays_week"])
    assert (np.diff(weeks) < 0).all()
    flat = make_recommendation_experiment(5_000, novelty=0.0, seed=4)
    assert np.allclose(flat.truth["ate_plays_week"], flat.truth["ate_plays_week"][0])
    assert flat.truth["lasting_ate_hours"] == pytest.approx(flat.truth["ate_hours"])


def test_full_substitution_leaves_hours_unmoved():
    e = make_recommendation_experiment(3_000, substitution=1.0, seed=5)
    assert e.truth["ate_hours"] == 0.0
    assert np.allclose(e.potential["hours_A"], e.potential["hours_B"])
    assert e.truth["ate_plays"] > 0


def test_heavier_members_gain_more_hours(exp):
    seg = exp.truth["ate_hours_segment"]
    assert seg["light"] < seg["medium"] < seg["heavy"]


def test_logs_plant_position_bias_and_known_propensities():
    logs = make_logged_recommendations(40_000, epsilon=0.3, seed=6)
    eps, C = logs.params["epsilon"], logs.params["n_candidates"]
    assert abs(logs.explored.mean() - eps) < 4 * np.sqrt(eps * (1 - eps) / 40_000)
    served = ~logs.explored
    assert np.array_equal(logs.shown[served], logs.rows["A"][served])
    assert np.allclose(logs.propensity[served], 1 - eps + eps / C)
    # on random rows titles are exchangeable across positions: plays fall as 1 / r
    per_position = logs.plays[logs.explored].mean(axis=0)
    ratio = per_position[0] / per_position[1]
    assert abs(ratio - 2.0) < 0.25
    # IPS by title and position recovers both rankers' planted values
    for arm in ("A", "B"):
        est = ips_value(logs.plays, logs.propensity, logs.shown == logs.rows[arm])
        assert abs(est.value - logs.truth[f"value_{arm}"]) < 4 * est.se


def test_logs_without_exploration():
    logs = make_logged_recommendations(2_000, epsilon=0.0, seed=7)
    assert not logs.explored.any()
    assert np.allclose(logs.propensity, 1.0) and np.allclose(logs.item_propensity, 1.0)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n_members=1), ValueError, "n_members"),
        (dict(treatment_share=1.5), ValueError, "treatment_share"),
        (dict(substitution=2.0), ValueError, "substitution"),
        (dict(novelty=-0.1), ValueError, "novelty"),
        (dict(hours_per_play=0.0), ValueError, "hours_per_play"),
        (dict(n_weeks=1.5), TypeError, "n_weeks"),
        (dict(noise_b=-1.0), ValueError, "noise_b"),
        (dict(row_length=50), ValueError, "row_length"),
        (dict(flavour=1.0), TypeError, "unknown world parameter"),
    ],
)
def test_experiment_refusals(kwargs, error, match):
    kwargs = {"n_members": 100, **kwargs}
    with pytest.raises(error, match=match):
        make_recommendation_experiment(**kwargs)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(epsilon=1.5), ValueError, "epsilon"),
        (dict(epsilon=-0.1), ValueError, "epsilon"),
        (dict(n_members=0), ValueError, "n_members"),
        (dict(sessions_per_week=0.0), ValueError, "sessions_per_week"),
    ],
)
def test_logged_refusals(kwargs, error, match):
    kwargs = {"n_members": 100, **kwargs}
    with pytest.raises(error, match=match):
        make_logged_recommendations(**kwargs)


def test_top_k_is_the_head_of_a_full_descending_sort():
    from dsinterview.data.recommendations import _top_k

    score = np.random.default_rng(0).standard_normal((200, 40))
    for k in (1, 10, 40):
        expected = np.argsort(-score, axis=1, kind="stable")[:, :k]
        assert np.array_equal(_top_k(score, k), expected)
