"""Tests of dsinterview.data.uplift: the retention campaign and its planted types."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsinterview.data.uplift import (
    CUSTOMER_TYPES,
    RETENTION_FEATURES,
    make_retention_offer,
)


@pytest.fixture(scope="module")
def campaign():
    return make_retention_offer(40_000, seed=3)


def test_columns_and_types(campaign):
    assert list(campaign.columns) == [
        *RETENTION_FEATURES,
        "offer",
        "stayed",
        "p_stay_if_offer",
        "p_stay_if_none",
        "uplift",
        "type",
    ]
    assert len(campaign) == 40_000
    assert set(campaign["offer"].unique()) <= {0, 1}
    assert set(campaign["stayed"].unique()) <= {0, 1}
    assert set(campaign["type"].unique()) == set(CUSTOMER_TYPES)


def test_the_truth_is_consistent(campaign):
    np.testing.assert_allclose(
        campaign["uplift"],
        campaign["p_stay_if_offer"] - campaign["p_stay_if_none"],
        rtol=0,
        atol=1e-12,
    )
    for col in ("p_stay_if_offer", "p_stay_if_none"):
        assert campaign[col].between(0, 1).all()
    assert campaign["uplift"].between(-1, 1).all()


def test_outcomes_follow_the_types(campaign):
    # sure things always stay, lost causes never do; persuadables stay exactly
    # when offered, sleeping dogs exactly when not
    by_type = {t: g for t, g in campaign.groupby("type")}
    assert by_type["sure thing"]["stayed"].eq(1).all()
    assert by_type["lost cause"]["stayed"].eq(0).all()
    pers, dogs = by_type["persuadable"], by_type["sleeping dog"]
    assert (pers["stayed"] == pers["offer"]).all()
    assert (dogs["stayed"] == 1 - dogs["offer"]).all()


def test_a_randomised_campaign_recovers_the_average_uplift(campaign):
    # the difference in stay rates between the arms estimates the mean planted
    # uplift; tolerance 4 SEs
    y, t = campaign["stayed"], campaign["offer"]
    diff = y[t == 1].mean() - y[t == 0].mean()
    se = np.sqrt(y[t == 1].var() / (t == 1).sum() + y[t == 0].var() / (t == 0).sum())
    assert abs(diff - campaign["uplift"].mean()) < 4 * se
    assert abs(t.mean() - 0.5) < 4 * np.sqrt(0.25 / len(t))


def test_a_targeted_campaign_is_confounded():
    # the team offers to hidden-risk members, so the naive difference
    # understates the uplift
    targeted = make_retention_offer(40_000, assignment="targeted", seed=3)
    y, t = targeted["stayed"], targeted["offer"]
    naive = y[t == 1].mean() - y[t == 0].mean()
    assert naive < targeted["uplift"].mean() - 0.05


def test_deterministic_and_seeded():
    a = make_retention_offer(500, seed=11)
    pd.testing.assert_frame_equal(a, make_retention_offer(500, seed=11))
    assert not a.equals(make_retention_offer(500, seed=12))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_customers": 1}, ValueError, "n_customers must be at least 2"),
        ({"n_customers": 10.5}, TypeError, "n_customers must be an integer"),
        ({"assignment": "observational"}, ValueError, "assignment must be one of"),
        ({"offer_share": 0.0}, ValueError, "strictly between 0 and 1"),
        ({"offer_share": 1.2}, ValueError, "strictly between 0 and 1"),
        ({"offer_share": "half"}, TypeError, "offer_share must be a real number"),
        ({"seed": -1}, ValueError, "seed must be at least 0"),
        ({"seed": 1.5}, TypeError, "seed must be an integer"),
    ],
)
def test_refusals(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_retention_offer(**kwargs)
