"""Tests of the simulated event log: determinism, structure, planted truth, refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsinterview.data.event_log import EVENTS, make_event_log
from dsinterview.events import kaplan_meier, sessionize, time_between


@pytest.fixture(scope="module")
def log():
    return make_event_log(4_000, seed=5)


def test_deterministic_and_seeded():
    a, b = make_event_log(300, seed=1), make_event_log(300, seed=1)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.accounts, b.accounts)
    np.testing.assert_array_equal(a.session, b.session)
    assert not a.events.equals(make_event_log(300, seed=2).events)


def test_structure(log):
    ev, acc = log.events, log.accounts
    assert list(ev.columns) == [
        "account_id",
        "profile",
        "device",
        "event",
        "ts",
        "arrival_ts",
    ]
    assert set(ev.event.cat.categories) == set(EVENTS)
    assert ev.ts.dtype == "datetime64[us]" and ev.account_id.dtype == np.int32
    assert (ev.arrival_ts >= ev.ts).all()
    assert ev.arrival_ts.is_monotonic_increasing  # rows come in arrival order
    assert not ev.ts.is_monotonic_increasing  # ... which is not event order
    assert (ev.ts < log.params["window_end"]).all()
    assert len(acc) == 4_000 and acc.account_id.is_unique
    assert len(log.session) == len(ev)
    # one sign-up per account, plus its duplicates
    signups = ev[ev.event == "signup"].drop_duplicates(["account_id", "ts"])
    assert len(signups) == len(acc)
    assert ev.duplicated(["account_id", "event", "ts", "device", "profile"]).mean() > 0


def test_planted_sessions_are_the_thirty_minute_rule(log):
    np.testing.assert_array_equal(sessionize(log.events, gap="30min"), log.session)


def test_planted_first_play_is_what_the_log_shows(log):
    ev = log.events.drop_duplicates()
    first = time_between(ev, start="signup", end="play_start")
    first = first.drop_duplicates("account_id").set_index("account_id")
    planted = log.accounts.set_index("account_id").first_play_ts
    pd.testing.assert_series_equal(first.end_ts, planted, check_names=False)


def test_kaplan_meier_recovers_the_planted_survival():
    log = make_event_log(20_000, seed=9)
    acc = log.accounts
    seen = acc.first_play_ts.notna().to_numpy()
    end = acc.first_play_ts.fillna(log.params["window_end"])
    d = (end - acc.signup_ts).dt.total_seconds().to_numpy()
    km = kaplan_meier(d, seen)
    for hours in (1, 6, 24, 24 * 7):
        i = np.searchsorted(km.index, 3600 * hours, side="right") - 1
        truth = log.first_play_survival(3600 * hours)[0]
        assert abs(km.survival.iloc[i] - truth) < 4 * km.se.iloc[i], hours


def test_planted_quantiles():
    log = make_event_log(10, seed=0)
    t = log.first_play_quantile(0.5)
    np.testing.assert_allclose(log.first_play_survival(t), 0.5, atol=1e-9)
    assert log.first_play_survival(0)[0] == 1.0
    with pytest.raises(ValueError, match="ever play"):
        log.first_play_quantile(0.95)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(n_accounts=0), ValueError),
        (dict(n_accounts=10.5), TypeError),
        (dict(n_accounts=10, window_days=10, signup_days=20), ValueError),
        (dict(n_accounts=10, p_duplicate=1.0), ValueError),
        (dict(n_accounts=10, p_offline=-0.1), ValueError),
        (dict(n_accounts=10, p_never_play="a"), TypeError),
    ],
)
def test_refusals(kwargs, error):
    with pytest.raises(error):
        make_event_log(**kwargs)


def test_planted_survival_matches_direct_integration():
    from scipy import integrate

    from dsinterview.data.event_log import _first_play_density

    log = make_event_log(10, seed=0)
    for t in (60.0, 3600.0, 86400.0, 30 * 86400.0):
        pts = [p for p in (600.0, 3600.0, 86400.0) if p < t] or None
        played, _ = integrate.quad(_first_play_density, 0, t, limit=200, points=pts)
        expected = 1 - (1 - log.params["p_never_play"]) * played
        np.testing.assert_allclose(log.first_play_survival(t), expected, atol=1e-6)


def test_no_login_before_its_sign_up(log):
    ev = log.events
    signup = ev[ev.event == "signup"].groupby("account_id").ts.min()
    first_event = ev.groupby("account_id").ts.min()
    assert (first_event == signup.reindex(first_event.index)).all()
