"""The market generators: one market in two views, and the MMM's and DiD's failures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsinterview.data.journeys import (
    MEDIA_PARAMS,
    PAID_CHANNELS,
    expected_signups,
    make_daily_media,
    media_truth,
)
from dsinterview.data.market import (
    brand_spend_follows_demand,
    geo_holdout,
    media_params_from_journeys,
    national_series,
    stagger_video_effects,
)


@pytest.fixture(scope="module")
def small():
    return make_daily_media(n_regions=10, n_weeks=30, seed=3, launch_weeks=(5, 10))


def _truth(spend, incremental):
    return pd.DataFrame(
        {"spend": spend, "incremental": incremental}, index=list(PAID_CHANNELS)
    )


class TestMediaParamsFromJourneys:
    def test_shares_and_scale(self):
        spend = np.array([6.0, 1.0, 2.0, 3.0, 1.0, 1.0])
        inc = np.array([5.0, 1.0, 3.0, 3.0, 0.5, 0.5])
        params = media_params_from_journeys(_truth(spend, inc))
        mt, old = media_truth(params), media_truth()
        np.testing.assert_allclose(
            mt["contribution"] / mt["contribution"].sum(), inc / inc.sum()
        )
        np.testing.assert_allclose(mt["spend"] / mt["spend"].sum(), spend / spend.sum())
        assert mt["spend"].sum() == pytest.approx(old["spend"].sum())
        assert mt["contribution"].sum() == pytest.approx(old["contribution"].sum())
        for c in PAID_CHANNELS:  # same point of the saturation curve, same carry-over
            assert params[c]["spend"] / params[c]["kappa"] == pytest.approx(
                MEDIA_PARAMS[c]["spend"] / MEDIA_PARAMS[c]["kappa"]
            )
            assert params[c]["decay"] == MEDIA_PARAMS[c]["decay"]

    def test_refusals(self):
        ok = _truth(np.ones(6), np.ones(6))
        with pytest.raises(TypeError, match="DataFrame"):
            media_params_from_journeys({"spend": 1})
        with pytest.raises(ValueError, match="incremental"):
            media_params_from_journeys(ok.drop(columns="incremental"))
        with pytest.raises(ValueError, match="every paid channel"):
            media_params_from_journeys(ok.drop(index="video"))
        bad = ok.copy()
        bad.loc["video", "incremental"] = -1.0
        with pytest.raises(ValueError, match="positive incremental"):
            media_params_from_journeys(bad)


class TestBrandSpendFollowsDemand:
    def test_spend_tracks_the_shock_and_truth_is_unchanged_in_form(self, small):
        out = brand_spend_follows_demand(small, shock_sd=0.1, seed=2)
        assert list(out.index) == list(small.index)
        per_capita = out["spend_brand_search"] / out["population"]
        demand = out["baseline"] / out["population"]
        assert np.corrcoef(per_capita, demand)[0, 1] > 0.2
        assert per_capita.mean() == pytest.approx(
            (small["spend_brand_search"] / small["population"]).mean(), rel=0.05
        )
        assert (out["brand_queries"] >= 0).all()
        for c in PAID_CHANNELS[:-1]:
            pd.testing.assert_series_equal(out[f"spend_{c}"], small[f"spend_{c}"])

    def test_refusals(self, small):
        with pytest.raises(ValueError, match="rho"):
            brand_spend_follows_demand(small, rho=1.0)
        with pytest.raises(ValueError, match="shock_sd"):
            brand_spend_follows_demand(small, shock_sd=-0.1)
        with pytest.raises(ValueError, match="balanced"):
            brand_spend_follows_demand(small.iloc[1:])


class TestNationalSeries:
    def test_sums_per_capita(self, small):
        nat = national_series(small)
        assert len(nat) == small["date"].nunique()
        day = small[small["date"] == small["date"].min()]
        assert nat["signups"].iloc[0] == pytest.approx(
            day["signups"].sum() / day["population"].sum()
        )

    def test_refusals(self, small):
        with pytest.raises(ValueError, match="signups"):
            national_series(small.drop(columns="signups"))


class TestStaggerVideoEffects:
    def test_effect_scaled_by_wave_and_built_up(self, small):
        base = stagger_video_effects(small, [1.0, 1.0], seed=1)
        out = stagger_video_effects(small, [2.0, 0.5], build_weeks=4, seed=1)
        true = expected_signups(small) - expected_signups(small.assign(spend_video=0.0))
        np.testing.assert_allclose(base["video_effect"], true, atol=1e-9)
        week = (small["date"] - small["date"].min()).dt.days // 7
        late1 = (small["video_launch_week"] == 5) & (week >= 9)
        late2 = (small["video_launch_week"] == 10) & (week >= 14)
        np.testing.assert_allclose(out.loc[late1, "video_effect"], 2 * true[late1])
        np.testing.assert_allclose(out.loc[late2, "video_effect"], 0.5 * true[late2])
        first = (small["video_launch_week"] == 5) & (week == 5)
        np.testing.assert_allclose(out.loc[first, "video_effect"], 0.5 * true[first])
        assert (out.loc[small["video_launch_week"] < 0, "video_effect"] == 0).all()

    def test_refusals(self, small):
        with pytest.raises(ValueError, match="one entry per launch wave"):
            stagger_video_effects(small, [1.0])
        with pytest.raises(ValueError, match="non-negative"):
            stagger_video_effects(small, [1.0, -1.0])
        with pytest.raises(ValueError, match="build_weeks"):
            stagger_video_effects(small, [1.0, 1.0], build_weeks=-1)


class TestGeoHoldout:
    def test_half_the_regions_off_in_the_window(self, small):
        out = geo_holdout(small, ["video", "display"], start_week=12, n_weeks=4, seed=5)
        first = out.groupby("region").first()
        assert first["geo_off_video"].sum() == small["region"].nunique() // 2
        off = out["geo_off_display"] & out["geo_window"]
        assert (out.loc[off, "spend_display"] == 0).all()
        assert (
            out.loc[~off, "spend_display"] == small.loc[~off, "spend_display"]
        ).all()
        before = out["date"] < out.loc[out["geo_window"], "date"].min()
        pd.testing.assert_series_equal(
            out.loc[before, "signups"], small.loc[before, "signups"]
        )

    def test_refusals(self, small):
        with pytest.raises(ValueError, match="distinct paid channels"):
            geo_holdout(small, ["email"], 2)
        with pytest.raises(ValueError, match="distinct paid channels"):
            geo_holdout(small, ["video", "video"], 2)
        with pytest.raises(ValueError, match="must end within"):
            geo_holdout(small, ["video"], 28, n_weeks=4)
