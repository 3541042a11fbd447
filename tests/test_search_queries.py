"""Tests of the simulated search-query log: determinism, structure, planted truth,
refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsinterview.data.search_queries import (
    COUNTRY_SHARE,
    DEVICE_SHARE,
    KINDS,
    PLAY_MODEL,
    make_search_queries,
)

SMALL = dict(n_queries=5_000, n_users=20_000, head_size=50, torso_size=1_000)


@pytest.fixture(scope="module")
def data():
    return make_search_queries(300_000, seed=11, **SMALL)


def test_deterministic_and_seeded():
    a = make_search_queries(2_000, seed=3, **SMALL)
    b = make_search_queries(2_000, seed=3, **SMALL)
    c = make_search_queries(2_000, seed=4, **SMALL)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.queries, b.queries)
    assert not a.events.equals(c.events)


def test_shapes_types_and_vocabulary(data):
    ev, q = data.events, data.queries
    assert len(ev) == 300_000 and len(q) == 5_000
    assert list(ev.columns) == [
        "query_id",
        "user_id",
        "session_id",
        "country",
        "language",
        "device",
        "tier",
        "hour",
        "played",
    ]
    for col in ["country", "language", "device", "tier"]:
        assert isinstance(ev[col].dtype, pd.CategoricalDtype)
    assert ev.query_id.dtype == np.int32 and ev.played.dtype == bool
    assert ev.hour.between(0, 23).all()
    assert q.text.is_unique and (q.text.str.len() > 0).all()
    assert set(q.kind.unique()) == set(KINDS)
    np.testing.assert_allclose(q.popularity.sum(), 1.0)
    # sessions are contiguous runs of one user
    first = ev.groupby("session_id").user_id.nunique()
    assert (first == 1).all()
    assert (np.diff(ev.session_id.to_numpy()) >= 0).all()


def test_tiers_follow_ranks(data):
    q = data.queries
    assert (q.tier[q["rank"] < 50] == "head").all()
    assert (q.tier[(q["rank"] >= 50) & (q["rank"] < 1_000)] == "torso").all()
    assert (q.tier[q["rank"] >= 1_000] == "tail").all()
    assert (
        q.tier.cat.codes.to_numpy()[data.events.query_id]
        == data.events.tier.cat.codes.to_numpy()
    ).all()


def test_popularity_is_planted_zipf(data):
    q = data.queries.sort_values("rank")
    r = np.arange(len(q))
    expected = (r + 1 + 5.0) ** -1.0
    np.testing.assert_allclose(
        q.popularity.to_numpy(), expected / expected.sum(), rtol=1e-12
    )
    # observed frequencies of the top queries match the planted probabilities
    counts = np.bincount(data.events.query_id, minlength=len(data.queries))
    top = q.index[:20]
    p = data.queries.popularity[top].to_numpy()
    sd = np.sqrt(len(data.events) * p * (1 - p))
    assert (np.abs(counts[top] - len(data.events) * p) < 4.5 * sd).all()


def test_country_and_device_shares(data):
    users = data.users
    share = (
        users.country.value_counts(normalize=True)
        .reindex(list(PLAY_MODEL["country"]))
        .to_numpy()
    )
    np.testing.assert_allclose(
        share, COUNTRY_SHARE, atol=4 * np.sqrt(0.25 / len(users))
    )
    dshare = (
        users.device.value_counts(normalize=True)
        .reindex(list(PLAY_MODEL["device"]))
        .to_numpy()
    )
    np.testing.assert_allclose(
        dshare, DEVICE_SHARE, atol=4 * np.sqrt(0.25 / len(users))
    )
    assert (users.language[users.country == "GB"] == "en").all()


def test_play_model_is_honoured():
    # with no user or query noise, the play rate by device follows the planted logit
    # differences
    d = make_search_queries(400_000, seed=5, user_effect_sd=0.0, **SMALL)
    ev = d.events
    rate = ev.groupby("device", observed=True).played.mean()
    logit = np.log(rate / (1 - rate))
    planted = PLAY_MODEL["device"]
    # the other effects are independent of the device, so logit differences shrink
    # toward 0 a little (non-collapsibility) but keep their order and most of their size
    diff = logit["tv"] - logit["mobile"]
    assert (
        0.6 * (planted["tv"] - planted["mobile"])
        < diff
        < 1.0 * (planted["tv"] - planted["mobile"])
    )
    # the daily cycle peaks at 21:00 in volume and in play rate
    by_hour = ev.groupby("hour").played.agg(["size", "mean"])
    assert by_hour["size"].idxmax() in (20, 21, 22)
    assert by_hour["mean"].idxmax() in (19, 20, 21, 22, 23)
    # partial and misspelled queries play less than titles
    kind = d.queries.kind.to_numpy()[ev.query_id]
    assert (
        ev.played[kind == "title"].mean() > ev.played[kind == "misspelled"].mean() + 0.1
    )


def test_user_effect_creates_clustering():
    def icc_proxy(sd):
        ev = make_search_queries(200_000, seed=9, user_effect_sd=sd, **SMALL).events
        g = ev.groupby("user_id").played.agg(["mean", "size"])
        g = g[g["size"] >= 10]
        return g["mean"].var()

    assert icc_proxy(1.0) > 2 * icc_proxy(0.0)


def test_refusals():
    with pytest.raises(ValueError, match="n_events must be at least 1"):
        make_search_queries(0)
    with pytest.raises(TypeError, match="n_events must be an integer"):
        make_search_queries(10.5)
    with pytest.raises(ValueError, match="n_queries must be at most 250000"):
        make_search_queries(10, n_queries=300_000)
    with pytest.raises(ValueError, match="head_size < torso_size < n_queries"):
        make_search_queries(10, n_queries=1_000, head_size=500, torso_size=400)
    with pytest.raises(ValueError, match="zipf_exponent must be greater than 0"):
        make_search_queries(10, zipf_exponent=0.0, **SMALL)
    with pytest.raises(ValueError, match="mean_session_length must be at least 1"):
        make_search_queries(10, mean_session_length=0.5, **SMALL)
    with pytest.raises(ValueError, match="user_effect_sd must be at least 0"):
        make_search_queries(10, user_effect_sd=-1.0, **SMALL)
    with pytest.raises(ValueError, match="seed must be at least 0"):
        make_search_queries(10, seed=-1, **SMALL)
