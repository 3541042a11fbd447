"""dsinterview.resampling.nadeau_bengio: the corrected resampled t, and its refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from dsinterview import replicate
from dsinterview.resampling import nadeau_bengio


def test_matches_the_formula_on_raw_differences():
    d = np.array([0.3, -0.1, 0.5, 0.2, 0.0, 0.4, 0.1, 0.25])
    out = nadeau_bengio(
        d.mean(), d.std(ddof=1) / math.sqrt(d.size), d.size, n_train=300, n_test=100
    )
    se = d.std(ddof=1) * math.sqrt(1 / d.size + 100 / 300)
    q = stats.t.ppf(0.975, df=d.size - 1)
    assert out["se"] == pytest.approx(se)
    assert out["t"] == pytest.approx(d.mean() / se)
    assert out["low"] == pytest.approx(d.mean() - q * se)
    assert out["high"] == pytest.approx(d.mean() + q * se)
    assert out["p"] == pytest.approx(2 * stats.t.sf(abs(d.mean() / se), df=d.size - 1))


def test_corrected_error_is_larger_than_the_naive_one():
    out = nadeau_bengio(1.0, 0.2, 20, n_train=200, n_test=60)
    assert out["se"] > 0.2
    assert out["se"] == pytest.approx(0.2 * math.sqrt(1 + 20 * 60 / 200))


def test_takes_a_row_of_replicate():
    row = replicate(lambda s: float(s % 5), range(20)).loc["value"]
    out = nadeau_bengio(row["mean"], row["se"], row["n"], n_train=10, n_test=5)
    assert out["low"] < row["mean"] < out["high"]


def test_zero_spread():
    assert nadeau_bengio(0.0, 0.0, 5, n_train=10, n_test=5)["t"] == 0.0
    assert nadeau_bengio(1.0, 0.0, 5, n_train=10, n_test=5)["t"] == math.inf


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"se": -1.0}, ValueError, "se must be at least 0"),
        ({"n": 1}, ValueError, "n must be at least 2"),
        ({"n": 2.5}, TypeError, "n must be an integer"),
        ({"n_train": 0}, ValueError, "n_train must be at least 1"),
        ({"n_test": "5"}, TypeError, "n_test must be an integer"),
        ({"mean": float("nan")}, ValueError, "mean must be finite"),
        ({"mean": "1"}, TypeError, "mean must be a real number"),
        ({"level": 1.0}, ValueError, "level must be in"),
        ({"level": 0.0}, ValueError, "level must be greater than 0"),
    ],
)
def test_refusals(kwargs, error, match):
    args = {"mean": 0.1, "se": 0.05, "n": 20, "n_train": 100, "n_test": 30}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        nadeau_bengio(
            args["mean"],
            args["se"],
            args["n"],
            n_train=args["n_train"],
            n_test=args["n_test"],
            level=args.get("level", 0.95),
        )
