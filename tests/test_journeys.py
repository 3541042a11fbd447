"""Tests of dsinterview.data.journeys: determinism, the planted truth, the journeys
table and the media view."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsinterview.data.journeys import (
    CHANNELS,
    JOURNEY_PARAMS,
    MEDIA_PARAMS,
    PAID_CHANNELS,
    expected_signups,
    geometric_adstock,
    journey_truth,
    journeys_table,
    make_daily_media,
    make_journeys,
    media_response,
    media_truth,
)

N = 60_000


@pytest.fixture(scope="module")
def journeys():
    return make_journeys(N, seed=11)


@pytest.fixture(scope="module")
def truth():
    return journey_truth(N, seed=11)


class TestMakeJourneys:
    def test_deterministic(self, journeys):
        again = make_journeys(N, seed=11)
        pd.testing.assert_frame_equal(journeys.touches, again.touches)
        pd.testing.assert_frame_equal(journeys.users, again.users)
        other = make_journeys(N, seed=12)
        assert not other.users["converted"].equals(journeys.users["converted"])

    def test_schema_and_order(self, journeys):
        t, u = journeys
        assert list(t.columns) == ["user_id", "timestamp", "channel", "cost"]
        assert list(u.columns) == ["user_id", "end_time", "converted"]
        assert set(t["channel"]) == set(CHANNELS)
        assert t["timestamp"].dtype == "datetime64[s]"
        assert (t["cost"] >= 0).all() and (
            t.loc[t["channel"] == "organic", "cost"] == 0
        ).all()
        ordered = t.sort_values(["user_id", "timestamp"], kind="stable")
        assert (ordered.index == t.index).all()
        end = t["user_id"].map(u.set_index("user_id")["end_time"])
        assert (t["timestamp"] <= end).all()
        assert t.groupby(["user_id", "channel"]).size().max() <= 3

    def test_upper_funnel_comes_first_brand_last(self, journeys):
        t = journeys.touches
        pos = t.groupby("user_id").cumcount()
        length = t.groupby("user_id")["channel"].transform("size")
        multi = length > 1
        first_share = (pos[multi] == 0).groupby(t.loc[multi, "channel"]).mean()
        last_share = (
            (pos[multi] == length[multi] - 1).groupby(t.loc[multi, "channel"]).mean()
        )
        assert first_share.idxmax() == "video"
        assert last_share.idxmax() == "brand_search"

    def test_holdout_suppresses_the_channel_and_nothing_else(self):
        base = make_journeys(20_000, seed=5)
        test = make_journeys(20_000, seed=5, holdout={"display": 0.3})
        held = test.users["holdout_display"]
        assert 0.27 < held.mean() < 0.33
        held_ids = set(test.users.loc[held, "user_id"])
        assert (
            not test.touches["channel"]
            .eq("display")[test.touches["user_id"].isin(held_ids)]
            .any()
        )
        # Display causes no other touches, so dropping it from the baseline reproduces
        # the test's touches.
        expected = base.touches[
            ~(
                base.touches["user_id"].isin(held_ids)
                & base.touches["channel"].eq("display")
            )
        ]
        pd.testing.assert_frame_equal(
            test.touches[["user_id", "timestamp", "channel"]].reset_index(drop=True),
            expected[["user_id", "timestamp", "channel"]].reset_index(drop=True),
        )

    def test_refusals(self):
        with pytest.raises(ValueError, match="n_users must be at least 1"):
            make_journeys(0)
        with pytest.raises(TypeError, match="n_users must be an integer"):
            make_journeys(10.5)
        with pytest.raises(ValueError, match="unknown channel 'tv'"):
            make_journeys(10, lift={"tv": 0.1})
        with pytest.raises(ValueError, match="must be below 1"):
            make_journeys(10, lift={"video": 1.0})
        with pytest.raises(ValueError, match="lift\\['video'\\] must be at least 0"):
            make_journeys(10, lift={"video": -0.1})
        with pytest.raises(TypeError, match="lift must be a mapping"):
            make_journeys(10, lift=0.1)
        with pytest.raises(ValueError, match="unknown channel 'tv'"):
            make_journeys(10, holdout={"tv": 0.5})
        with pytest.raises(ValueError, match="must be below 1"):
            make_journeys(10, holdout={"video": 1.0})
        with pytest.raises(ValueError, match="must be greater than 0"):
            make_journeys(10, holdout={"video": 0.0})
        with pytest.raises(TypeError, match="holdout must be a mapping"):
            make_journeys(10, holdout=["video"])
        with pytest.raises(ValueError, match="max_touches must be at least 1"):
            make_journeys(10, max_touches=0)
        with pytest.raises(ValueError, match="window_days must be greater than 0"):
            make_journeys(10, window_days=0)
        with pytest.raises(ValueError, match="seed must be at least 0"):
            journey_truth(10, seed=-1)


class TestTruth:
    def test_columns_and_parameters(self, truth):
        assert list(truth.index) == list(CHANNELS)
        assert truth["lift"].to_dict() == {
            c: JOURNEY_PARAMS[c]["lift"] for c in CHANNELS
        }
        assert (truth["incremental"] > 0).all()

    def test_zero_lift_means_zero_incremental(self):
        t = journey_truth(5_000, seed=2, lift=dict.fromkeys(CHANNELS, 0.0))
        np.testing.assert_allclose(t["incremental"], 0.0, atol=1e-9)
        assert t.attrs["expected_signups"] == pytest.approx(
            t.attrs["baseline_signups"], rel=1e-12
        )

    def test_single_channel_truth_is_the_noisy_or_by_hand(self):
        # Only display works: each exposed person signs up extra with probability
        # (1 - baseline) * lift. Summed over the exposed that is
        # expected(all on) - expected(all off) = expected - baseline.
        t = journey_truth(
            20_000, seed=3, lift={**dict.fromkeys(CHANNELS, 0.0), "display": 0.05}
        )
        assert t.loc["display", "incremental"] == pytest.approx(
            t.attrs["expected_signups"] - t.attrs["baseline_signups"], rel=1e-12
        )
        assert t.drop("display")["incremental"].abs().max() < 1e-9

    def test_brand_search_reaches_people_who_would_sign_up_anyway(
        self, journeys, truth
    ):
        t, u = journeys
        rate = u.set_index("user_id")["converted"]
        searched = rate.index.isin(t.loc[t["channel"] == "brand_search", "user_id"])
        # Brand searchers convert far more often than others...
        assert rate[searched].mean() > 2.5 * rate[~searched].mean()
        # ...but brand search causes the fewest sign-ups per person it reaches.
        per_exposed = truth["incremental"] / truth["exposed"]
        assert per_exposed.idxmin() == "brand_search"

    def test_video_has_the_largest_effect_and_the_longest_delay(self, truth):
        assert truth["incremental"].idxmax() == "video"
        assert (
            max(JOURNEY_PARAMS, key=lambda c: JOURNEY_PARAMS[c]["lag_days"]) == "video"
        )

    def test_observed_signups_match_the_expectation(self, journeys, truth):
        observed = journeys.users["converted"].sum()
        expected = truth.attrs["expected_signups"]
        assert abs(observed - expected) < 4 * np.sqrt(expected)

    def test_lift_test_recovers_the_video_truth(self, truth):
        test = make_journeys(N, seed=11, holdout={"video": 0.5})
        u = test.users
        diff = (
            u.loc[~u["holdout_video"], "converted"].mean()
            - u.loc[u["holdout_video"], "converted"].mean()
        )
        se = np.sqrt(
            sum(g["converted"].var() / len(g) for _, g in u.groupby("holdout_video"))
        )
        assert abs(diff * N - truth.loc["video", "incremental"]) < 3 * se * N


class TestJourneysTable:
    T0 = np.datetime64("2026-03-01T12:00:00", "s")

    def frames(self):
        m = np.timedelta64(60, "s")
        d = np.timedelta64(86_400, "s")
        touches = pd.DataFrame(
            {
                "user_id": [1, 1, 1, 2, 2, 3, 4],
                "timestamp": [
                    self.T0 - 20 * d,
                    self.T0 - 2 * d,
                    self.T0 - 2 * d + 10 * m,
                    self.T0 - 3 * d,
                    self.T0 - d,
                    self.T0 - d,
                    self.T0 - 10 * d,
                ],
                "channel": [
                    "video",
                    "social",
                    "brand_search",
                    "social",
                    "brand_search",
                    "social",
                    "video",
                ],
            }
        )
        users = pd.DataFrame(
            {
                "user_id": [1, 2, 3, 4, 5],
                "end_time": [self.T0] * 5,
                "converted": [True, False, True, False, True],
            }
        )
        return touches, users

    def test_by_hand(self):
        t, u = self.frames()
        out = journeys_table(t, u)
        got = {" > ".join(p): (c, n) for p, c, n in out.itertuples(index=False)}
        # User 5 has no touch and is not in the table.
        assert got == {
            "video > social > brand_search": (1, 0),
            "social > brand_search": (0, 1),
            "social": (1, 0),
            "video": (0, 1),
        }
        assert out["conversions"].dtype == np.int64

    def test_lookback_and_sessions(self):
        t, u = self.frames()
        week = journeys_table(t, u, lookback_days=7)
        got = {" > ".join(p): (c, n) for p, c, n in week.itertuples(index=False)}
        # The 20- and 10-day-old video touches fall out; user 4 has nothing left.
        assert got == {"social > brand_search": (1, 1), "social": (1, 0)}
        sess = journeys_table(t, u, lookback_days=7, session_gap_minutes=30)
        got = {" > ".join(p): (c, n) for p, c, n in sess.itertuples(index=False)}
        # User 1's brand search 10 minutes after social continues the social session.
        assert got == {"social": (2, 0), "social > brand_search": (0, 1)}

    def test_counts_add_up(self, journeys):
        t, u = journeys
        out = journeys_table(t, u)
        touched = u["user_id"].isin(t["user_id"])
        assert out["conversions"].sum() == u.loc[touched, "converted"].sum()
        assert (out["conversions"] + out["non_conversions"]).sum() == touched.sum()
        assert out["path"].map(len).min() >= 1

    def test_refusals(self):
        t, u = self.frames()
        with pytest.raises(
            ValueError, match=r"touches is missing the column\(s\) \['channel'\]"
        ):
            journeys_table(t.drop(columns="channel"), u)
        with pytest.raises(ValueError, match="belong to no person"):
            journeys_table(t, u[u["user_id"] != 1])
        with pytest.raises(ValueError, match="lookback_days must be greater than 0"):
            journeys_table(t, u, lookback_days=0)
        with pytest.raises(
            ValueError, match="session_gap_minutes must be greater than 0"
        ):
            journeys_table(t, u, session_gap_minutes=-5)
        with pytest.raises(TypeError, match="users must be a pandas DataFrame"):
            journeys_table(t, [1, 2])
        with pytest.raises(ValueError, match="repeated user_id"):
            journeys_table(t, pd.concat([u, u]))
        with pytest.raises(ValueError, match="missing values"):
            journeys_table(t.assign(channel=[None] + list(t["channel"][1:])), u)

    def test_no_touch_left_gives_an_empty_table(self):
        t, u = self.frames()
        out = journeys_table(t, u, lookback_days=1e-6)
        assert len(out) == 0 and list(out.columns) == [
            "path",
            "conversions",
            "non_conversions",
        ]


class TestMedia:
    def test_adstock_by_hand(self):
        np.testing.assert_allclose(
            geometric_adstock([1.0, 0.0, 0.0], 0.5), [0.5, 0.25, 0.125]
        )
        np.testing.assert_allclose(
            geometric_adstock(np.full(400, 7.0), 0.9)[-1], 7.0, rtol=1e-12
        )
        np.testing.assert_allclose(
            geometric_adstock([[1.0, 2.0], [0.0, 0.0]], 0.0), [[1.0, 2.0], [0.0, 0.0]]
        )

    def test_response_by_hand(self):
        assert media_response(np.log(2.0), 2.0, 1.0) == pytest.approx(1.0)
        assert media_response(0.0, 2.0, 1.0) == 0.0

    def test_media_truth(self):
        mt = media_truth()
        p = MEDIA_PARAMS["social"]
        assert mt.loc["social", "contribution"] == pytest.approx(
            p["beta"] * (1 - np.exp(-p["spend"] / p["kappa"]))
        )
        assert mt["contribution"].idxmin() == "brand_search"

    def test_daily_media(self):
        d = make_daily_media(n_regions=10, n_weeks=20, seed=1, launch_weeks=(5, 10))
        pd.testing.assert_frame_equal(
            d, make_daily_media(n_regions=10, n_weeks=20, seed=1, launch_weeks=(5, 10))
        )
        assert len(d) == 10 * 140
        assert set(d["video_launch_week"]) == {5, 10, -1}
        week = (d["date"] - d["date"].min()).dt.days // 7
        before = (d["video_launch_week"] < 0) | (week < d["video_launch_week"])
        assert (d.loc[before, "spend_video"] == 0).all() and (
            d.loc[~before, "spend_video"] > 0
        ).mean() > 0.7
        # The brand search budget follows demand.
        assert (
            np.corrcoef(
                d["spend_brand_search"] / d["population"],
                d["baseline"] / d["population"],
            )[0, 1]
            > 0.1
        )

    def test_expected_signups(self):
        d = make_daily_media(n_regions=6, n_weeks=30, seed=2, launch_weeks=(4,))
        zero = d.copy()
        for c in PAID_CHANNELS:
            zero[f"spend_{c}"] = 0.0
        np.testing.assert_allclose(expected_signups(zero), d["baseline"], rtol=1e-12)
        mu = expected_signups(d)
        # Poisson: the sum of sign-ups is within 4 SD of the sum of means.
        assert abs(d["signups"].sum() - mu.sum()) < 4 * np.sqrt(mu.sum())
        # A constant spend reaches the steady-state contribution of media_truth.
        const = zero.copy()
        const["spend_social"] = MEDIA_PARAMS["social"]["spend"] * const["population"]
        extra = (expected_signups(const) - d["baseline"]) / d["population"]
        assert extra.iloc[-1] == pytest.approx(
            media_truth().loc["social", "contribution"], rel=1e-9
        )

    def test_refusals(self):
        with pytest.raises(ValueError, match="decay must be in"):
            geometric_adstock([1.0], 1.0)
        with pytest.raises(ValueError, match="kappa must be greater than 0"):
            media_response([1.0], 1.0, 0.0)
        with pytest.raises(ValueError, match="below n_weeks"):
            make_daily_media(n_weeks=10, launch_weeks=(12,))
        with pytest.raises(ValueError, match="n_regions must be at least 2"):
            make_daily_media(n_regions=1)
        d = make_daily_media(n_regions=3, n_weeks=4, seed=0, launch_weeks=(1,))
        with pytest.raises(ValueError, match="balanced panel"):
            expected_signups(d.iloc[1:])
        with pytest.raises(ValueError, match=r"missing the column\(s\) \['baseline'\]"):
            expected_signups(d.drop(columns="baseline"))


def test_selection_override_and_its_refusals():
    from dsinterview.data.journeys import CHANNELS, journey_truth, make_journeys

    off = {c: 0.0 for c in CHANNELS}
    t_default = journey_truth(20_000, seed=1)
    t_off = journey_truth(20_000, seed=1, selection=off)
    # without targeting by intent, brand search reaches other people
    assert (
        t_off.loc["brand_search", "exposed"] != t_default.loc["brand_search", "exposed"]
    )
    j = make_journeys(5_000, seed=1, selection=off)
    assert len(j.users) == 5_000
    with pytest.raises(TypeError, match="selection must be a mapping"):
        make_journeys(100, seed=1, selection=[0.0])
    with pytest.raises(ValueError, match="unknown channel"):
        make_journeys(100, seed=1, selection={"tv": 0.0})


class TestJourneySets:
    """journey_sets: the same market as make_journeys, by channel set, and its truth."""

    def test_same_market_as_the_touches(self):
        from dsinterview.attribution import shapley, shapley_incremental
        from dsinterview.data.journeys import journey_sets

        for selection in (None, {c: 0.0 for c in CHANNELS}):
            touches, users = make_journeys(20_000, seed=4, selection=selection)
            m = journey_sets(20_000, seed=4, selection=selection)
            paths = journeys_table(touches, users)
            # the same conversions and journeys in total, and per channel set
            assert m.sets["conversions"].sum() == paths["conversions"].sum()
            assert m.sets["non_conversions"].sum() == paths["non_conversions"].sum()
            key = paths["path"].map(lambda p: tuple(c for c in CHANNELS if c in p))
            by_set = paths.groupby(key)[["conversions", "non_conversions"]].sum()
            mine = m.sets.set_index(m.sets["path"].map(tuple))
            pd.testing.assert_frame_equal(
                mine[["conversions", "non_conversions"]].sort_index(),
                by_set.sort_index(),
                check_names=False,
            )
            touched = np.zeros(len(users), dtype=bool)
            touched[touches["user_id"].unique()] = True
            untouched = users.loc[~touched, "converted"].mean()
            assert m.untouched_rate == pytest.approx(untouched, rel=1e-12)
            pd.testing.assert_frame_equal(
                m.truth, journey_truth(20_000, seed=4, selection=selection)
            )
            a, b = shapley(m.sets), shapley(paths)
            np.testing.assert_allclose(a, b.loc[a.index], rtol=1e-10)
            a = shapley_incremental(m.sets, m.untouched_rate)
            b = shapley_incremental(paths, m.untouched_rate)
            np.testing.assert_allclose(a, b.loc[a.index], rtol=1e-10)

    def test_refusals(self):
        from dsinterview.data.journeys import journey_sets

        with pytest.raises(ValueError, match="n_users"):
            journey_sets(0)
        with pytest.raises(ValueError, match="unknown channel"):
            journey_sets(100, selection={"radio": 0.0})
        with pytest.raises(TypeError, match="lift must be a mapping"):
            journey_sets(100, lift=0.1)
