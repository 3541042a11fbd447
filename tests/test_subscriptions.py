"""dsinterview.data.subscriptions: the planted price response and its views."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsinterview.data.subscriptions import (
    PRICE_PARAMS,
    make_cancellation_survey,
    make_price_panel,
    make_price_test,
    make_subscription_markets,
    price_test_truth,
)


@pytest.fixture(scope="module")
def world():
    markets = make_subscription_markets(seed=1)
    return markets, make_price_panel(markets, seed=1)


def test_markets_plant_waves_confounding_and_test_markets(world):
    markets, _ = world
    assert len(markets) == PRICE_PARAMS["n_markets"]
    groups = markets["wave"].value_counts()
    assert groups.nunique() == 1 and set(groups.index) == {-1, 0, 1, 2, 3}
    assert np.corrcoef(markets["p0"], markets["log_h0"])[0, 1] < -0.5
    assert (markets.loc[markets["test_market"], "wave"] == -1).all()
    assert markets["test_market"].sum() == PRICE_PARAMS["n_test_markets"]
    assert (markets["beta_light"] > markets["beta_heavy"]).all()
    pd.testing.assert_frame_equal(markets, make_subscription_markets(seed=1))


def test_panel_prices_and_truth(world):
    markets, panel = world
    T, M = PRICE_PARAMS["n_months"], len(markets)
    assert len(panel) == T * M * 2
    m = markets.set_index("market")
    first = panel[(panel["month"] == 0) & (panel["segment"] == "heavy")]
    never = first["market"].astype(str).map(m["vat_month"] != 0)
    # before any increase or tax, the price is the list price less the promotion
    np.testing.assert_allclose(
        first.loc[never, "price"],
        first.loc[never, "market"].astype(str).map(m["p0"])
        - first.loc[never, "promo_usd"],
    )
    # grandfathering: the full increase is billed grandfather_months after it starts
    g = PRICE_PARAMS["grandfather_months"]
    raised = m[m["increase_month"] >= 0].iloc[0]
    row = panel[(panel["market"] == raised.name) & (panel["segment"] == "light")]
    lp = row.set_index("month")["list_price"]
    s = raised["increase_month"]
    assert lp[s - 1] == pytest.approx(raised["p0"])
    assert lp[s] == pytest.approx(raised["p0"] + raised["increase_usd"] / g)
    assert lp[s + g - 1] == pytest.approx(raised["p0"] + raised["increase_usd"])
    # the truth: no increase, no difference; an increase raises churn by beta * delta
    same = panel["market"].astype(str).map(m["increase_month"] < 0).astype(bool)
    np.testing.assert_allclose(
        panel.loc[same, "true_churn"], panel.loc[same, "true_churn_no_increase"]
    )
    late = panel[(panel["market"] == raised.name) & (panel["month"] == T - 1)]
    ratio = np.log(late["true_churn"] / late["true_churn_no_increase"])
    vat = 1 + (raised["vat_month"] >= 0) * raised["vat_rate"]
    expected = late["beta"] * raised["increase_usd"] * vat
    np.testing.assert_allclose(ratio, expected, rtol=1e-10)
    # promotions answer bad months: price and the demand shock move apart
    assert np.corrcoef(panel["promo_usd"], np.log(panel["true_churn"]))[0, 1] > 0
    rate = panel["churners"] / panel["members"]
    assert abs((rate / panel["true_churn"]).mean() - 1) < 0.01


def test_price_test_is_randomised_and_its_truth_is_the_planted_beta(world):
    markets, _ = world
    test = make_price_test(markets, seed=2, n_per_arm=40_000, delta_usd=2.0)
    assert set(test["market"]) == set(markets.loc[markets["test_market"], "market"])
    assert test["arm"].mean() == pytest.approx(0.5)
    truth = price_test_truth(test, 2.0)
    m = markets.set_index("market")
    light = test["segment"] == "light"
    betas = np.where(
        light,
        test["market"].map(m["beta_light"]),
        test["market"].map(m["beta_heavy"]),
    )
    assert betas.min() < truth < betas.max()
    # one segment of one market: a constant hazard, so the truth is exactly its beta
    one = test[(test["market"] == test["market"].iloc[0]) & ~light]
    assert price_test_truth(one, 2.0) == pytest.approx(
        m.loc[one["market"].iloc[0], "beta_heavy"], rel=1e-9
    )
    # the estimator is unbiased for the truth: its error is within 4 standard errors
    r = test.groupby("arm").agg(c=("churned", "sum"), m=("months", "sum"))
    est = np.log((r.c[1] / r.m[1]) / (r.c[0] / r.m[0])) / 2.0
    se = np.sqrt(1 / r.c[0] + 1 / r.c[1]) / 2.0
    assert abs(est - truth) < 4 * se


def test_survey_overstates_price(world):
    markets, panel = world
    survey = make_cancellation_survey(panel, markets, seed=3, n=20_000)
    assert len(survey) == 20_000
    never = survey[~survey["raised"]]
    assert not never["left_over_increase"].any()
    said = (survey["stated"] == "too expensive").groupby(survey["raised"]).mean()
    truth = survey.groupby("raised")["left_over_increase"].mean()
    assert said[False] > 0.2 and said[True] > truth[True] + 0.1


def test_refusals(world):
    markets, panel = world
    with pytest.raises(TypeError, match="integer"):
        make_subscription_markets(seed=1.5)
    with pytest.raises(ValueError, match="unknown parameter"):
        make_subscription_markets(params={"nope": 1})
    with pytest.raises(TypeError, match="mapping"):
        make_subscription_markets(params=[1])
    with pytest.raises(ValueError, match="one increase per wave"):
        make_subscription_markets(params={"increase_usd": (1.0,)})
    with pytest.raises(ValueError, match="vat_share"):
        make_subscription_markets(params={"vat_share": 2.0})
    with pytest.raises(ValueError, match="missing the column"):
        make_price_panel(markets.drop(columns="p0"))
    with pytest.raises(ValueError, match="no market is flagged"):
        make_price_test(markets.assign(test_market=False))
    with pytest.raises(ValueError, match="greater than 0"):
        make_price_test(markets, delta_usd=0)
    with pytest.raises(ValueError, match="at least 1"):
        make_price_test(markets, n_per_arm=0)
    with pytest.raises(ValueError, match="missing the column"):
        price_test_truth(pd.DataFrame({"hazard_0": [0.1]}), 1.0)
    with pytest.raises(ValueError, match="at least 1"):
        make_cancellation_survey(panel, markets, n=0)
    with pytest.raises(ValueError, match="no cancellations"):
        make_cancellation_survey(panel.assign(churners=0), markets)
