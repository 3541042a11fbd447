"""dsinterview.sizing: intervals to log-normals, the Monte Carlo, the tornado, Bass."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from dsinterview.sizing import (
    bass_adoption,
    bass_peak_time,
    fit_bass,
    lognormal_from_interval,
    simulate,
    tornado,
    variance_shares,
)


@pytest.mark.parametrize("level", [0.5, 0.8, 0.9, 0.95])
def test_lognormal_has_the_interval_as_its_quantiles(level):
    mu, sigma = lognormal_from_interval(2.0, 50.0, level=level)
    dist = stats.lognorm(s=sigma, scale=math.exp(mu))
    assert dist.ppf((1 - level) / 2) == pytest.approx(2.0)
    assert dist.ppf((1 + level) / 2) == pytest.approx(50.0)
    assert dist.median() == pytest.approx(math.sqrt(100.0))


def test_simulate_draws_inputs_on_their_intervals_and_evaluates_the_formula():
    draws = simulate(
        lambda a, b: a * b, {"a": (1.0, 4.0), "b": (10.0, 40.0)}, n=200_000, seed=1
    )
    assert list(draws.columns) == ["a", "b", "output"]
    np.testing.assert_allclose(draws["output"], draws["a"] * draws["b"])
    # 5% of draws fall below each interval's low end; binomial SE of a share of 200,000
    # draws is 0.0005, so 0.005 is ten SEs
    assert (draws["a"] < 1.0).mean() == pytest.approx(0.05, abs=0.005)
    assert (draws["b"] > 40.0).mean() == pytest.approx(0.05, abs=0.005)
    # a product of log-normals: the output's 90% interval is exactly known
    mu = math.log(2.0) + math.log(20.0)
    z = stats.norm.ppf(0.95)
    s = math.hypot(math.log(2.0) / z, math.log(2.0) / z)
    # the sample 95th percentile of log(output) has standard error
    # sqrt(0.95 * 0.05 / n) * s / phi(z); five of those bound the relative error
    se_log = math.sqrt(0.95 * 0.05 / len(draws)) * s / stats.norm.pdf(z)
    assert np.quantile(draws["output"], 0.95) == pytest.approx(
        math.exp(mu + z * s), rel=5 * se_log
    )


def test_simulate_is_reproducible():
    a = simulate(lambda x: x, {"x": (1, 2)}, n=10, seed=3)
    b = simulate(lambda x: x, {"x": (1, 2)}, n=10, seed=3)
    assert a.equals(b)


def test_tornado_sorts_by_swing_and_holds_others_at_medians():
    t = tornado(lambda a, b: a * b, {"a": (1.0, 4.0), "b": (10.0, 1000.0)})
    assert list(t.index) == ["b", "a"]
    assert t.loc["a", "low"] == pytest.approx(1.0 * 100.0)
    assert t.loc["a", "high"] == pytest.approx(4.0 * 100.0)
    assert t.loc["b", "swing"] == pytest.approx(2.0 * 990.0)


def test_variance_shares_are_exact_for_a_product():
    intervals = {"a": (1.0, 4.0), "b": (1.0, 16.0)}
    shares = variance_shares(simulate(lambda a, b: a / b, intervals, n=100_000, seed=2))
    # log-variances are proportional to log(4)^2 and log(16)^2 = 4 log(4)^2: 1/5 and 4/5
    assert shares["b"] == pytest.approx(0.8, abs=0.01)
    assert shares.sum() == pytest.approx(1.0, abs=1e-9)


def test_bass_closed_form_and_peak():
    t = np.linspace(0, 40, 4001)
    p, q, m = 0.03, 0.38, 1000.0
    n = bass_adoption(t, p, q, m)
    assert n[0] == 0 and n[-1] == pytest.approx(m, rel=1e-3)
    # the closed form solves dN/dt = (p + q N/m)(m - N)
    dndt = np.gradient(n, t)
    np.testing.assert_allclose(dndt[1:-1], ((p + q * n / m) * (m - n))[1:-1], rtol=1e-3)
    assert t[np.argmax(dndt)] == pytest.approx(bass_peak_time(p, q), abs=0.02)
    assert bass_peak_time(0.5, 0.1) == 0.0


def test_fit_bass_recovers_noise_free_parameters():
    t = np.arange(0, 20, dtype=float)
    p, q, m = fit_bass(t, bass_adoption(t, 0.02, 0.5, 5e6))
    assert (p, q, m) == pytest.approx((0.02, 0.5, 5e6), rel=1e-4)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: lognormal_from_interval(0, 1), ValueError, "greater than 0"),
        (lambda: lognormal_from_interval(2, 1), ValueError, "below high"),
        (lambda: lognormal_from_interval(1, 2, level=1), ValueError, "between 0 and 1"),
        (lambda: lognormal_from_interval("a", 2), TypeError, "real number"),
        (lambda: simulate(lambda x: x, {}), TypeError, "non-empty mapping"),
        (lambda: simulate(lambda x: x, {"x": 3}), TypeError, "pair"),
        (lambda: simulate(lambda x: x, {"x": (1, 2)}, n=0), ValueError, "at least 1"),
        (lambda: simulate(3, {"x": (1, 2)}), TypeError, "callable"),
        (lambda: simulate(lambda y: y, {"x": (1, 2)}), ValueError, "formula failed"),
        (lambda: simulate(lambda x: x * np.nan, {"x": (1, 2)}), ValueError, "NaN"),
        (lambda: tornado(lambda x: x, {"x": (2, 1)}), ValueError, "below high"),
        (lambda: bass_adoption([1.0], -0.1, 0.3, 10), ValueError, "greater than 0"),
        (lambda: bass_adoption([1.0], 0.1, -0.3, 10), ValueError, "at least 0"),
        (lambda: bass_adoption([-1.0], 0.1, 0.3, 10), ValueError, ">= 0"),
        (lambda: fit_bass([0, 1, 2], [0, 1, 2]), ValueError, "at least four"),
        (lambda: fit_bass([0, 1, 2, 3], [0, 2, 1, 3]), ValueError, "cannot decrease"),
        (lambda: fit_bass([0, 1, 2, 3], [0, 1, 2]), ValueError, "entries"),
        (lambda: variance_shares(None), ValueError, "output"),
    ],
)
def test_refusals(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_variance_shares_of_a_funnel_are_the_squared_log_widths():
    # log(output) is a sum of independent normals whose SDs are proportional to the
    # intervals' log-widths; the shares estimate ln(high/low)^2 over the sum, each
    # log-variance with relative SE sqrt(2 / n): five of those bound the error
    intervals = {"a": (0.1, 0.3), "b": (0.2, 0.5), "c": (3.0, 4.0)}
    n = 100_000
    draws = simulate(lambda a, b, c: a * b / c, intervals, n=n, seed=4)
    shares = variance_shares(draws)
    width2 = {k: math.log(hi / lo) ** 2 for k, (lo, hi) in intervals.items()}
    for name, share in shares.items():
        expected = width2[name] / sum(width2.values())
        assert share == pytest.approx(expected, abs=5 * math.sqrt(2 / n))


def test_fit_bass_runs_to_its_bound_before_the_peak():
    # the first four years of the chapter's planted launch, with 5% noise on each
    # year's new adopters (seed 1): the ceiling is not identified, and the fit returns
    # the documented upper end of its search, a thousand times the last observation
    t = np.arange(0, 5, dtype=float)
    cum = bass_adoption(t, 0.03, 0.38, 2e7)
    rng = np.random.default_rng(1)
    y = np.cumsum(np.diff(cum, prepend=0.0) * rng.lognormal(0.0, 0.05, t.size))
    _, _, m = fit_bass(t, y)
    assert m == pytest.approx(1e3 * y[-1], rel=0.01)
