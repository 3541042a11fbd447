"""Tests of dsinterview.weighting.rake: post-stratification, raking, refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsinterview.weighting import rake


def _sample():
    return pd.DataFrame(
        {
            "device": ["tv", "tv", "tv", "mobile", "mobile", "web"],
            "country": ["US", "BR", "US", "BR", "US", "BR"],
        }
    )


def test_one_column_is_post_stratification():
    s = _sample()
    w = rake(s, {"device": {"tv": 600, "mobile": 300, "web": 100}})
    np.testing.assert_allclose(w, [200, 200, 200, 150, 150, 100])


def test_start_weights_are_scaled_within_each_category():
    s = _sample()
    w = rake(
        s,
        {"device": {"tv": 600, "mobile": 300, "web": 100}},
        weights=[1, 2, 3, 1, 1, 5],
    )
    np.testing.assert_allclose(w, [100, 200, 300, 150, 150, 100])


def test_two_margins_are_matched():
    s = _sample()
    margins = {
        "device": pd.Series({"tv": 500, "mobile": 300, "web": 200}),
        "country": {"US": 550, "BR": 450},
    }
    w = rake(s, margins, tol=1e-12)
    for col, m in margins.items():
        m = pd.Series(m, dtype=float)
        got = pd.Series(w).groupby(s[col].to_numpy()).sum()
        np.testing.assert_allclose(got[m.index], m, rtol=1e-10)


def test_raking_recovers_a_multiplicative_selection():
    # units selected with probability a[device] * b[country]: raking on the two margins
    # gives every unit the same weight as the true inverse probability, up to scale
    rng = np.random.default_rng(0)
    dev = rng.integers(0, 3, 200_000)
    ctry = rng.integers(0, 4, 200_000)
    a, b = np.array([0.02, 0.01, 0.005]), np.array([1.0, 2.0, 0.5, 1.5])
    keep = rng.random(dev.size) < a[dev] * b[ctry]
    pop = pd.DataFrame({"d": dev, "c": ctry})
    margins = {k: pop[k].value_counts() for k in ("d", "c")}
    w = rake(pop[keep].reset_index(drop=True), margins)
    inv = 1 / (a[dev[keep]] * b[ctry[keep]])
    ratio = w / inv
    assert ratio.std() / ratio.mean() < 0.05


def test_refusals():
    s = _sample()
    ok = {"device": {"tv": 600, "mobile": 300, "web": 100}}
    with pytest.raises(TypeError, match="margins must map"):
        rake(s, [("device", 1)])
    with pytest.raises(ValueError, match="margins is empty"):
        rake(s, {})
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        rake(s.to_numpy(), ok)
    with pytest.raises(ValueError, match="missing|lacks|has no column|country2"):
        rake(s, {"country2": {"US": 1}})
    with pytest.raises(ValueError, match="no rows"):
        rake(s.iloc[:0], ok)
    with pytest.raises(ValueError, match="positive, finite population totals"):
        rake(s, {"device": {"tv": 600, "mobile": -1, "web": 100}})
    with pytest.raises(ValueError, match="does not list"):
        rake(s, {"device": {"tv": 600, "mobile": 400}})
    with pytest.raises(ValueError, match="no sampled row"):
        rake(s, {"device": {"tv": 600, "mobile": 300, "web": 50, "tablet": 50}})
    with pytest.raises(ValueError, match="same population size"):
        rake(s, {**ok, "country": {"US": 10, "BR": 10}})
    with pytest.raises(ValueError, match="one weight per row"):
        rake(s, ok, weights=[1, 2])
    with pytest.raises(ValueError, match="positive and finite"):
        rake(s, ok, weights=[1, 1, 1, 1, 1, 0])
    with pytest.raises(ValueError, match="tol must be greater"):
        rake(s, ok, tol=0)
    with pytest.raises(TypeError, match="max_iter must be an integer"):
        rake(s, ok, max_iter=1.5)


def test_inconsistent_margins_do_not_converge():
    # every sampled tv row is in US and every US row is tv: the two margins contradict
    s = pd.DataFrame({"d": ["tv", "tv", "m", "m"], "c": ["US", "US", "BR", "BR"]})
    with pytest.raises(ValueError, match="did not match the margins"):
        rake(s, {"d": {"tv": 70, "m": 30}, "c": {"US": 40, "BR": 60}}, max_iter=50)
