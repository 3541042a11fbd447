"""Tests for dsinterview.report: natural frequencies and the lift table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dsinterview.report import lift_table, natural_frequencies

# --- natural_frequencies --------------------------------------------------------------


def test_natural_frequencies_of_the_mammography_problem():
    # Gigerenzer & Hoffrage (1995): 1% prevalence, 80% sensitivity, 9.6% false
    # positives; of 1,000 women 10 have cancer, 8 of them test positive, and 95 of the
    # 990 without it also do. Precision (by hand): 0.008 / (0.008 + 0.99 * 0.096),
    # that is 0.008 / 0.10304.
    out = natural_frequencies(0.01, 0.8, 0.096)
    assert out["positive"] == 10
    assert out["true_positive"] == 8
    assert out["false_positive"] == 95
    assert out["flagged"] == 103
    assert out["precision"] == pytest.approx(0.008 / 0.10304, rel=1e-12)
    assert set(out) == {
        "positive",
        "true_positive",
        "false_positive",
        "flagged",
        "precision",
    }


def test_natural_frequencies_match_an_explicit_population():
    # 1,000 people written out: 200 positives of whom 150 are flagged, 80 of the 800
    # negatives flagged. The function, given the rates, must count the same people.
    label = np.r_[np.ones(200), np.zeros(800)]
    flag = np.r_[np.ones(150), np.zeros(50), np.ones(80), np.zeros(720)]
    out = natural_frequencies(
        label.mean(),
        flag[label == 1].mean(),
        flag[label == 0].mean(),
        population=1000,
    )
    assert out["positive"] == int(label.sum())
    assert out["true_positive"] == int((flag * label).sum())
    assert out["false_positive"] == int((flag * (1 - label)).sum())
    assert out["flagged"] == int(flag.sum())
    assert out["precision"] == pytest.approx(150 / 230, rel=1e-12)


def test_natural_frequencies_scale_with_the_population():
    small = natural_frequencies(0.2, 0.5, 0.1, population=100)
    large = natural_frequencies(0.2, 0.5, 0.1, population=100_000)
    assert (small["positive"], small["true_positive"], small["false_positive"]) == (
        20,
        10,
        8,
    )
    assert large["true_positive"] == 1000 * small["true_positive"]
    assert large["precision"] == small["precision"]


def test_counts_add_up_after_rounding():
    rng = np.random.default_rng(0)
    for pi, s, f in rng.uniform(size=(200, 3)):
        out = natural_frequencies(pi, s, f, population=997)
        assert out["flagged"] == out["true_positive"] + out["false_positive"]
        assert 0 <= out["true_positive"] <= out["positive"] <= 997
        assert 0.0 <= out["precision"] <= 1.0


def test_precision_is_nan_when_nobody_is_flagged():
    assert math.isnan(natural_frequencies(0.3, 0.0, 0.0)["precision"])
    assert math.isnan(natural_frequencies(0.0, 0.9, 0.0)["precision"])
    # a test that flags everyone has the base rate as its precision
    assert natural_frequencies(0.3, 1.0, 1.0)["precision"] == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (
            (1.2, 0.5, 0.1),
            {},
            ValueError,
            r"prevalence must be a probability in \[0, 1",
        ),
        ((0.2, -0.1, 0.1), {}, ValueError, "sensitivity must be a probability"),
        ((0.2, 0.5, 1.5), {}, ValueError, "false_positive_rate must be a probability"),
        ((float("nan"), 0.5, 0.1), {}, ValueError, "finite"),
        (("0.2", 0.5, 0.1), {}, TypeError, "prevalence must be a real number"),
        ((True, 0.5, 0.1), {}, TypeError, "real number"),
        ((0.2, 0.5, 0.1), {"population": 0}, ValueError, "population must be at least"),
        ((0.2, 0.5, 0.1), {"population": -10}, ValueError, "at least 1"),
        ((0.2, 0.5, 0.1), {"population": 2.5}, TypeError, "population must be an int"),
    ],
)
def test_natural_frequencies_refusals(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        natural_frequencies(*args, **kwargs)


# --- lift_table -----------------------------------------------------------------------


def test_lift_table_by_hand():
    scores = np.arange(10, 0, -1)  # 10 highest
    labels = [1, 1, 0, 1, 0, 0, 0, 0, 1, 0]  # base rate 4 / 10
    table = lift_table(scores, labels, bins=5)
    assert list(table.columns) == ["count", "positives", "rate", "lift", "cum_capture"]
    assert list(table.index) == [1, 2, 3, 4, 5]
    assert table.index.name == "bin"
    assert table["count"].tolist() == [2, 2, 2, 2, 2]
    assert table["positives"].tolist() == [2, 1, 0, 0, 1]
    np.testing.assert_allclose(table["rate"], [1, 0.5, 0, 0, 0.5])
    np.testing.assert_allclose(table["lift"], [2.5, 1.25, 0, 0, 1.25])
    np.testing.assert_allclose(table["cum_capture"], [0.5, 0.75, 0.75, 0.75, 1.0])


def test_lift_table_does_not_depend_on_row_order():
    rng = np.random.default_rng(1)
    s = rng.normal(size=500)
    y = (rng.uniform(size=500) < 1 / (1 + np.exp(-2 * s))).astype(int)
    perm = rng.permutation(500)
    pd.testing.assert_frame_equal(lift_table(s, y), lift_table(s[perm], y[perm]))


def test_lift_table_agrees_with_pandas_deciles():
    # distinct scores: the bins are pandas' deciles of the score, highest first
    rng = np.random.default_rng(2)
    s = rng.uniform(size=1000)
    y = (rng.uniform(size=1000) < s).astype(int)
    decile = pd.qcut(s, 10, labels=False)  # 0 = lowest
    ref = pd.Series(y).groupby(9 - decile).agg(["size", "sum"])
    table = lift_table(s, y, bins=10)
    assert table["count"].tolist() == ref["size"].tolist()
    assert table["positives"].tolist() == ref["sum"].tolist()
    # every row counted once; the count-weighted lift is 1 by definition of the base
    assert table["count"].sum() == 1000
    assert (table["count"] * table["lift"]).sum() / 1000 == pytest.approx(1.0)
    assert table["cum_capture"].iloc[-1] == pytest.approx(1.0)
    # y ~ Bernoulli(s): the top decile's rate is about 0.95 and the bottom's 0.05
    # (binomial SE about 0.02 with 100 rows each)
    assert table["rate"].iloc[0] > 0.85 and table["rate"].iloc[-1] < 0.15


def test_lift_table_keeps_tied_scores_together():
    table = lift_table([3, 3, 3, 1], [1, 0, 1, 0], bins=2)
    assert table["count"].tolist() == [3, 1]
    assert table["positives"].tolist() == [2, 0]
    # all scores tied: one bin, lift 1
    single = lift_table([0.5] * 6, [1, 0, 0, 1, 0, 0], bins=3)
    assert single["count"].tolist() == [6]
    assert single["lift"].tolist() == [1.0]


def test_lift_table_uneven_bins_differ_by_at_most_one():
    table = lift_table(np.arange(23.0), np.r_[np.ones(5), np.zeros(18)], bins=4)
    assert table["count"].sum() == 23
    assert table["count"].max() - table["count"].min() <= 1


@pytest.mark.parametrize(
    ("scores", "labels", "bins", "error", "message"),
    [
        ([0.1, 0.2], [0, 1, 1], 2, ValueError, "labels has 3 entries but scores has 2"),
        ([0.1, np.nan], [0, 1], 2, ValueError, "NaN"),
        ([0.1, 0.2], [0, 2], 2, ValueError, "0 or 1"),
        ([0.1, 0.2], [0, 0], 2, ValueError, "no positive"),
        ([0.1, 0.2], [0, 1], 0, ValueError, "bins must be at least 1"),
        ([0.1, 0.2], [0, 1], -3, ValueError, "at least 1"),
        ([0.1, 0.2], [0, 1], 1.5, TypeError, "bins must be an integer"),
        ([0.1, 0.2], [0, 1], 3, ValueError, "exceeds the 2 rows"),
        (["a", "b"], [0, 1], 1, TypeError, "scores must be numeric"),
        ([], [], 1, ValueError, "non-empty"),
    ],
)
def test_lift_table_refusals(scores, labels, bins, error, message):
    with pytest.raises(error, match=message):
        lift_table(scores, labels, bins=bins)


def test_half_a_person_rounds_to_even():
    # 2.5 positives out of 10 is shown as 2 (Python's round: halves to even), 3.5 as 4
    assert natural_frequencies(0.25, 1.0, 0.0, population=10)["positive"] == 2
    assert natural_frequencies(0.35, 1.0, 0.0, population=10)["positive"] == 4
