"""dsinterview.fraud and the login-month generator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsinterview.data import make_login_month
from dsinterview.fraud import (
    entity_precision_at_k,
    haversine_km,
    impossible_travel,
    linked_accounts,
    precision_at_k,
)


def test_haversine_known_distances():
    # London to Paris is about 344 km; a quarter of the equator is pi/2 R
    assert haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(
        343.5, abs=1
    )
    assert haversine_km(0, 0, 0, 90) == pytest.approx(np.pi / 2 * 6371.0088)
    np.testing.assert_allclose(haversine_km([0, 10], [0, 0], [0, 10], [0, 0]), [0, 0])


def test_impossible_travel_by_hand():
    logins = pd.DataFrame(
        {
            "account_id": [1, 1, 1, 2, 2, 3, 3],
            # account 1: London, Paris an hour later (344 km/h: fine), Tokyo an hour
            # later
            "ts": [0, 3600, 7200, 0, 0, 0, 86_400],
            "lat": [51.5, 48.86, 35.7, 10, 20, 0, 0],
            "lon": [-0.13, 2.35, 139.7, 0, 0, 0, 0],
        }
    )
    flags = impossible_travel(logins)
    assert flags.tolist() == [False, False, True, False, True, False, False]


def test_impossible_travel_handles_unsorted_rows_and_datetimes():
    logins = pd.DataFrame(
        {
            "account_id": [1, 1],
            "ts": pd.to_datetime(["2026-01-01 01:00", "2026-01-01 00:00"]),
            "lat": [35.7, 51.5],
            "lon": [139.7, -0.13],
        },
        index=[10, 11],
    )
    flags = impossible_travel(logins)
    assert flags.loc[10] and not flags.loc[11]


def test_linked_accounts_is_transitive():
    edges = pd.DataFrame(
        {"account_id": [1, 2, 2, 3, 4, 5], "device_id": [10, 10, 11, 11, 12, 13]}
    )
    comp = linked_accounts(edges)
    assert comp.loc[1] == comp.loc[2] == comp.loc[3] == 0
    assert comp.loc[4] == 1 and comp.loc[5] == 2


def test_precision_at_k_by_hand():
    scores = [0.9, 0.8, 0.7, 0.1]
    labels = [1, 0, 1, 1]
    assert precision_at_k(scores, labels, 1) == 1.0
    assert precision_at_k(scores, labels, 2) == 0.5
    assert precision_at_k(scores, labels, 3) == pytest.approx(2 / 3)
    # one account with three flagged rows counts once
    ents = ["a", "a", "a", "b"]
    assert entity_precision_at_k(ents, [0.9, 0.8, 0.7, 0.1], [0, 0, 1, 1], 1) == 1.0
    assert entity_precision_at_k(ents, [0.9, 0.8, 0.7, 0.95], [0, 0, 0, 1], 1) == 1.0


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: haversine_km(91, 0, 0, 0), ValueError, r"\[-90, 90\]"),
        (lambda: haversine_km(np.nan, 0, 0, 0), ValueError, "finite"),
        (lambda: haversine_km("x", 0, 0, 0), TypeError, "numeric"),
        (lambda: impossible_travel([1]), TypeError, "DataFrame"),
        (lambda: impossible_travel(pd.DataFrame({"a": [1]})), ValueError, "missing"),
        (
            lambda: impossible_travel(
                pd.DataFrame({"account_id": [1], "ts": [0], "lat": [0], "lon": [0]}),
                max_kmh=0,
            ),
            ValueError,
            "greater than 0",
        ),
        (
            lambda: linked_accounts(pd.DataFrame({"account_id": []})),
            ValueError,
            "missing",
        ),
        (lambda: precision_at_k([0.1, 0.2], [0, 1], 3), ValueError, "exceeds"),
        (lambda: precision_at_k([0.1, 0.2], [0, 1], 0), ValueError, "at least 1"),
        (lambda: precision_at_k([0.1, 0.2], [0, 1], 1.5), TypeError, "integer"),
        (lambda: precision_at_k([0.1, 0.2], [0, 2], 1), ValueError, "0 or 1"),
        (lambda: precision_at_k([0.1, np.nan], [0, 1], 1), ValueError, "NaN"),
        (lambda: precision_at_k([0.1, 0.2], [0, 1, 1], 1), ValueError, "entries"),
        (
            lambda: entity_precision_at_k(["a"], [0.1, 0.2], [0, 1], 1),
            ValueError,
            "match",
        ),
        (
            lambda: entity_precision_at_k(["a", "a"], [0.1, 0.2], [0, 1], 2),
            ValueError,
            "exceeds",
        ),
        (lambda: make_login_month(10), ValueError, "at least 100"),
        (lambda: make_login_month(1000, takeover_rate=0.5), ValueError, r"\[0, 0.2\]"),
    ],
)
def test_refusals(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_login_month_plants_what_it_says():
    m = make_login_month(20_000, seed=3)
    truth = m.truth
    assert set(truth["kind"]) == {"takeover", "stuffing", "card_testing", "sharing"}
    assert not truth.loc[truth["kind"] == "sharing", "fraud"].any()
    takeovers = truth[truth["kind"] == "takeover"]
    assert len(takeovers) == round(0.002 * 20_000)
    # every takeover is followed by a password reset within fifteen minutes
    resets = m.resets.groupby("account_id")["ts"].min()
    gap = resets.reindex(takeovers["account_id"]).to_numpy() - takeovers["start_ts"]
    assert ((gap > 0) & (gap < 900)).all()
    # fraud is rare: well under one account in a hundred, sharing and stuffing attempts
    # aside
    real = truth[truth["kind"].isin(["takeover", "card_testing"])][
        "account_id"
    ].nunique()
    assert real / 20_000 < 0.01
    # deterministic
    again = make_login_month(20_000, seed=3)
    pd.testing.assert_frame_equal(m.logins, again.logins)
