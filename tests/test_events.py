"""Tests of dsinterview.events: pairing starts with ends, sessions, Kaplan-Meier."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.survfunc import SurvfuncRight

from dsinterview.events import kaplan_meier, sessionize, time_between


def random_log(seed: int, n: int = 3_000, n_keys: int = 40) -> pd.DataFrame:
    """A small messy log: ties at the same second, repeated events, rows shuffled."""
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, 6 * 3600, n) // 60 * 60  # whole minutes: many ties
    return pd.DataFrame(
        {
            "account_id": rng.integers(0, n_keys, n),
            "ts": pd.Timestamp("2025-03-01") + pd.to_timedelta(seconds, unit="s"),
            "event": rng.choice(["start", "end", "other"], n, p=[0.3, 0.3, 0.4]),
        }
    )


def pandas_time_between(log, start, end):
    """The same pairing by pandas' merge_asof: the first end at or after each start."""
    starts = log[log.event == start][["account_id", "ts"]].sort_values("ts")
    ends = log[log.event == end][["account_id", "ts"]].sort_values("ts")
    ends = ends.rename(columns={"ts": "end_ts"}).drop_duplicates()
    out = pd.merge_asof(
        starts.rename(columns={"ts": "start_ts"}),
        ends,
        left_on="start_ts",
        right_on="end_ts",
        by="account_id",
        direction="forward",
        allow_exact_matches=True,
    )
    out["seconds"] = (out.end_ts - out.start_ts).dt.total_seconds()
    return out.sort_values(["account_id", "start_ts"]).reset_index(drop=True)


def pandas_sessionize(log, gap):
    s = log.sort_values(["account_id", "ts"], kind="stable")
    new = s.groupby("account_id").ts.diff() > pd.Timedelta(gap)
    return new.astype(int).groupby(s.account_id).cumsum().reindex(log.index)


@pytest.mark.parametrize("seed", range(5))
def test_time_between_equals_pandas_merge_asof(seed):
    log = random_log(seed)
    ours = time_between(log, start="start", end="end")
    ref = pandas_time_between(log, "start", "end")
    assert list(ours.columns) == ["account_id", "start_ts", "end_ts", "seconds"]
    assert len(ours) == (log.event == "start").sum()
    np.testing.assert_array_equal(ours.account_id, ref.account_id)
    np.testing.assert_array_equal(
        ours.start_ts, ref.start_ts.astype(ours.start_ts.dtype)
    )
    np.testing.assert_array_equal(ours.seconds, ref.seconds)
    assert ours.seconds.isna().equals(ours.end_ts.isna())
    assert (ours.seconds.dropna() >= 0).all()


def test_time_between_pairs_ties_and_ignores_row_order():
    t0 = pd.Timestamp("2025-01-01 12:00")
    log = pd.DataFrame(
        {
            "account_id": [1, 1, 1, 2, 2],
            "ts": [t0, t0, t0 + pd.Timedelta("5min"), t0, t0 + pd.Timedelta("1h")],
            "event": ["end", "start", "start", "start", "other"],
        }
    )
    out = time_between(log, start="start", end="end")
    assert out.seconds.iloc[0] == 0.0  # an end at the same second counts
    assert np.isnan(out.seconds.iloc[1]) and pd.isna(out.end_ts.iloc[1])  # censored
    assert np.isnan(out.seconds.iloc[2])
    shuffled = log.sample(frac=1.0, random_state=0)
    pd.testing.assert_frame_equal(time_between(shuffled, start="start", end="end"), out)


def test_time_between_keeps_the_time_zone_and_custom_names():
    log = random_log(7).rename(columns={"account_id": "k", "ts": "t", "event": "e"})
    log["t"] = log.t.dt.tz_localize("America/New_York")
    out = time_between(log, start="start", end="end", by="k", ts="t", event="e")
    assert str(out.start_ts.dt.tz) == "America/New_York"
    naive = random_log(7)
    ref = time_between(naive, start="start", end="end")
    np.testing.assert_array_equal(out.seconds, ref.seconds)


def test_time_between_categorical_events():
    log = random_log(3)
    log["event"] = log.event.astype("category")
    ref = time_between(random_log(3), start="start", end="end")
    pd.testing.assert_frame_equal(time_between(log, start="start", end="end"), ref)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(start="start", end="nope"), ValueError, "never occurs"),
        (dict(start="nope", end="end"), ValueError, "never occurs"),
        (dict(start="start", end="start"), ValueError, "both"),
        (dict(start=1, end="end"), TypeError, "string"),
        (dict(start="start", end="end", by="user"), ValueError, "missing"),
        (dict(start="start", end="end", by="seconds"), ValueError, "output"),
    ],
)
def test_time_between_refusals(kwargs, error, match):
    with pytest.raises(error, match=match):
        time_between(random_log(0), **kwargs)


def test_time_between_refuses_bad_frames():
    log = random_log(0)
    with pytest.raises(ValueError, match="empty"):
        time_between(log.iloc[:0], start="start", end="end")
    with pytest.raises(TypeError, match="datetime64"):
        time_between(log.assign(ts=log.ts.astype(str)), start="start", end="end")
    with pytest.raises(ValueError, match="missing values"):
        bad = log.assign(account_id=log.account_id.astype(float))
        bad.loc[0, "account_id"] = np.nan
        time_between(bad, start="start", end="end")
    with pytest.raises(TypeError, match="DataFrame"):
        time_between([1, 2], start="start", end="end")


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("gap", ["30min", pd.Timedelta("7min"), dt.timedelta(hours=1)])
def test_sessionize_equals_pandas(seed, gap):
    log = random_log(seed)
    ours = sessionize(log, gap=gap)
    assert ours.name == "session" and ours.index.equals(log.index)
    np.testing.assert_array_equal(
        ours.to_numpy(), pandas_sessionize(log, gap).to_numpy()
    )
    assert (ours.groupby(log.account_id).min() == 0).all()


def test_sessionize_boundaries_and_time_zones():
    t0 = pd.Timestamp("2025-03-09 06:00", tz="UTC")
    ts = [t0, t0 + pd.Timedelta("30min"), t0 + pd.Timedelta("61min"), t0]
    log = pd.DataFrame({"account_id": ["a", "a", "a", "b"], "ts": ts})
    # exactly the gap is the same session; one second more is a new one
    assert sessionize(log).tolist() == [0, 0, 1, 0]
    local = log.assign(ts=log.ts.dt.tz_convert("America/New_York"))
    assert sessionize(local).tolist() == [0, 0, 1, 0]


@pytest.mark.parametrize(
    "gap, error",
    [(0, TypeError), (1800, TypeError), ("0min", ValueError), ("-5min", ValueError)]
    + [("soon", ValueError), (True, TypeError)],
)
def test_sessionize_refuses_bad_gaps(gap, error):
    with pytest.raises(error, match="gap"):
        sessionize(random_log(0), gap=gap)


def test_sessionize_refuses_bad_frames():
    log = random_log(0)
    with pytest.raises(ValueError, match="empty"):
        sessionize(log.iloc[:0])
    with pytest.raises(ValueError, match="missing"):
        sessionize(log, by="user")
    with pytest.raises(TypeError, match="datetime64"):
        sessionize(log.assign(ts=np.arange(len(log))))
    with pytest.raises(ValueError, match="missing values"):
        sessionize(log.assign(ts=log.ts.where(log.index > 0)))


@pytest.mark.parametrize("seed", range(4))
def test_kaplan_meier_equals_statsmodels(seed):
    rng = np.random.default_rng(seed)
    n = 500
    t = np.round(rng.exponential(10, n))  # rounded: ties among events and censorings
    c = np.round(rng.exponential(15, n))
    d, e = np.minimum(t, c), t <= c
    km = kaplan_meier(d, e)
    sm = SurvfuncRight(d, e.astype(int))
    np.testing.assert_allclose(km.index, sm.surv_times)
    np.testing.assert_allclose(km.survival, sm.surv_prob, rtol=0, atol=1e-12)
    alive = sm.surv_prob > 0  # where S = 0 statsmodels reports NaN, we report 0
    np.testing.assert_allclose(km.se[alive], sm.surv_prob_se[alive], rtol=0, atol=1e-12)
    assert (km.se[~alive] == 0).all()
    np.testing.assert_array_equal(km.at_risk, sm.n_risk)


def test_kaplan_meier_without_censoring_is_the_empirical_survival():
    d = np.array([3.0, 1.0, 2.0, 2.0])
    km = kaplan_meier(d, np.ones(4, bool))
    np.testing.assert_allclose(km.survival, [0.75, 0.25, 0.0])
    assert km.events.tolist() == [1, 2, 1] and km.at_risk.tolist() == [4, 3, 1]


@pytest.mark.parametrize(
    "d, e, error",
    [
        ([], [], ValueError),
        ([1.0, 2.0], [True], ValueError),
        ([1.0, -2.0], [True, True], ValueError),
        ([1.0, np.nan], [True, True], ValueError),
        ([1.0, 2.0], [1, 0], TypeError),
        ([1.0, 2.0], [False, False], ValueError),
    ],
)
def test_kaplan_meier_refusals(d, e, error):
    with pytest.raises(error):
        kaplan_meier(np.asarray(d, dtype=float), np.asarray(e))


@pytest.mark.parametrize("resolution", ["min", "us", "ns"])
def test_sessionize_sort_paths_agree(resolution):
    """Whole-second logs take the packed-integer sort; nanosecond spans fall back to
    lexsort. Both must give the pandas answer."""
    log = random_log(11)
    rng = np.random.default_rng(0)
    jitter = {"min": 0, "us": 1_000, "ns": 1}[resolution]
    log["ts"] = log.ts + pd.to_timedelta(
        rng.integers(0, 10**9, len(log)) // jitter * jitter if jitter else 0, unit="ns"
    )
    if resolution == "ns":  # a span of centuries in nanoseconds: no room to pack
        log.loc[0, "ts"] = pd.Timestamp("1800-01-01")
    np.testing.assert_array_equal(
        sessionize(log).to_numpy(), pandas_sessionize(log, "30min").to_numpy()
    )
