"""dsinterview.replicate: summaries over seeds, and its refusals."""

from __future__ import annotations

import numpy as np
import pytest

from dsinterview import replicate


def test_bare_numbers_give_one_row_named_value():
    out = replicate(lambda s: float(s), range(1, 6))
    assert list(out.index) == ["value"]
    assert list(out.columns) == ["mean", "se", "low", "high", "min", "max", "n"]
    row = out.loc["value"]
    assert row["mean"] == 3.0
    assert row["se"] == pytest.approx(np.std([1, 2, 3, 4, 5], ddof=1) / np.sqrt(5))
    assert (row["min"], row["max"], row["n"]) == (1.0, 5.0, 5)


def test_interval_is_the_percentile_interval_of_the_replications():
    out = replicate(lambda s: s, range(101), level=0.9)
    assert out.loc["value", "low"] == pytest.approx(5.0)
    assert out.loc["value", "high"] == pytest.approx(95.0)


def test_booleans_give_the_share_that_held():
    out = replicate(lambda s: {"held": s % 4 != 0, "x": s}, range(20))
    assert out.loc["held", "mean"] == pytest.approx(0.75)
    assert list(out.index) == ["held", "x"]


def test_numpy_results_and_a_random_mean_cover_the_truth():
    def draw(seed):
        rng = np.random.default_rng(seed)
        return {"mean": rng.normal(2.0, 1.0, 400).mean()}

    out = replicate(draw, range(200))
    # the mean of 200 means of 400 draws: SE 1/sqrt(80000); 5 SE cannot fail by chance
    assert abs(out.loc["mean", "mean"] - 2.0) < 5 / np.sqrt(80_000)
    # the percentile interval of the replications is about +-1.96/sqrt(400)
    assert out.loc["mean", "high"] - out.loc["mean", "low"] == pytest.approx(
        2 * 1.96 / 20, rel=0.25
    )


def test_one_seed_has_zero_se():
    assert replicate(lambda s: 1.5, [7]).loc["value", "se"] == 0.0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"fn": 3, "seeds": [1]}, TypeError, "fn must be callable"),
        ({"fn": float, "seeds": []}, ValueError, "seeds is empty"),
        ({"fn": float, "seeds": 5}, TypeError, "iterable of integers"),
        ({"fn": float, "seeds": [1.5]}, TypeError, "every seed must be an integer"),
        (
            {"fn": float, "seeds": [1], "level": 1.0},
            ValueError,
            "strictly between 0 and 1",
        ),
        (
            {"fn": float, "seeds": [1], "level": 0},
            ValueError,
            "strictly between 0 and 1",
        ),
        ({"fn": lambda s: "a", "seeds": [1]}, TypeError, "return a number"),
        ({"fn": lambda s: [1, 2], "seeds": [1]}, TypeError, "return a number"),
        ({"fn": lambda s: float("nan"), "seeds": [1]}, ValueError, "must be finite"),
        ({"fn": lambda s: {}, "seeds": [1]}, ValueError, "empty dict"),
        ({"fn": lambda s: {1: 2.0}, "seeds": [1]}, TypeError, "non-string key"),
        (
            {"fn": lambda s: {"a": 1.0} if s == 0 else {"b": 1.0}, "seeds": [0, 1]},
            ValueError,
            "same quantities",
        ),
    ],
)
def test_refuses_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        replicate(**kwargs)
