"""Tests of dsinterview.experiments: agreement with statsmodels and SciPy, the planted
truths of the sequential and quantile methods, and every refusal of bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower

from dsinterview import experiments as ex


# -------------------------------------------------------------------------- sample_size
@pytest.mark.parametrize(
    "mde, sd, alpha, power, ratio",
    [
        (0.1, 1.0, 0.05, 0.8, 1.0),
        (0.01, 2.0, 0.01, 0.9, 2.0),
        (1.0, 1.0, 0.05, 0.8, 0.5),
        (0.3, 4.0, 0.1, 0.95, 1.0),
        (0.59, 46.0, 0.05, 0.8, 1.0),
    ],
)
def test_sample_size_agrees_with_statsmodels(mde, sd, alpha, power, ratio):
    n = ex.sample_size(mde, sd, alpha=alpha, power=power, ratio=ratio)
    nobs1 = NormalIndPower().solve_power(
        effect_size=mde / sd, alpha=alpha, power=power, ratio=ratio
    )
    assert n == int(np.ceil(nobs1 * max(1.0, ratio) - 1e-6))
    # and the power at the returned size reaches the target (statsmodels' own power)
    n1 = n / max(1.0, ratio)
    got = NormalIndPower().power(mde / sd, nobs1=n1, alpha=alpha, ratio=ratio)
    assert got >= power - 1e-9


def test_sample_size_is_kohavis_rule_of_thumb():
    # 16 sd^2 / mde^2 is (1.96 + 0.84)^2 * 2 = 15.7, rounded up
    n = ex.sample_size(0.5, 10.0)
    assert abs(n - 16 * 10.0**2 / 0.5**2) / n < 0.02


def test_sample_size_scales_with_variance():
    assert ex.sample_size(1.0, 2.0) > 3.9 * ex.sample_size(1.0, 1.0)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(mde=0.0, sd=1.0), ValueError),
        (dict(mde=-1.0, sd=1.0), ValueError),
        (dict(mde=1.0, sd=0.0), ValueError),
        (dict(mde=1.0, sd=1.0, alpha=0.0), ValueError),
        (dict(mde=1.0, sd=1.0, alpha=1.0), ValueError),
        (dict(mde=1.0, sd=1.0, power=1.2), ValueError),
        (dict(mde=1.0, sd=1.0, ratio=0.0), ValueError),
        (dict(mde=float("nan"), sd=1.0), ValueError),
        (dict(mde="1", sd=1.0), TypeError),
        (dict(mde=1.0, sd=None), TypeError),
    ],
)
def test_sample_size_refuses(kwargs, error):
    with pytest.raises(error):
        ex.sample_size(**kwargs)


# ----------------------------------------------------------------------------- srm_test
@pytest.mark.parametrize(
    "counts, shares",
    [
        ([500_963, 482_664], [0.5, 0.5]),
        ([1000, 1000], [0.5, 0.5]),
        ([300, 330, 370], [0.3, 0.3, 0.4]),
        ([9, 1], [0.9, 0.1]),
    ],
)
def test_srm_agrees_with_scipy(counts, shares):
    stat, p = ex.srm_test(counts, shares)
    ref = stats.chisquare(counts, f_exp=np.sum(counts) * np.asarray(shares))
    np.testing.assert_allclose(stat, ref.statistic, rtol=1e-12)
    np.testing.assert_allclose(p, ref.pvalue, rtol=1e-9, atol=1e-300)


def test_srm_is_calibrated_under_the_design():
    rng = np.random.default_rng(1)
    p = np.array(
        [
            ex.srm_test(rng.multinomial(10_000, [0.5, 0.5]), [0.5, 0.5])[1]
            for _ in range(2000)
        ]
    )
    # share below 0.05 within 4 Monte Carlo standard errors of 0.05
    assert abs((p < 0.05).mean() - 0.05) < 4 * np.sqrt(0.05 * 0.95 / 2000)


@pytest.mark.parametrize(
    "counts, shares, error",
    [
        ([-1, 10], [0.5, 0.5], ValueError),
        ([1.5, 10], [0.5, 0.5], ValueError),
        ([0, 0], [0.5, 0.5], ValueError),
        ([10], [1.0], ValueError),
        ([10, 10], [0.5, 0.4], ValueError),
        ([10, 10], [0.5, 0.25, 0.25], ValueError),
        ([10, 10], [1.0, 0.0], ValueError),
        ([10, np.nan], [0.5, 0.5], ValueError),
        ([], [], ValueError),
        (["a", "b"], [0.5, 0.5], TypeError),
    ],
)
def test_srm_refuses(counts, shares, error):
    with pytest.raises(error):
        ex.srm_test(counts, shares)


# -------------------------------------------------------------------------------- cuped
def test_cuped_matches_the_regression_adjustment():
    rng = np.random.default_rng(3)
    x = rng.gamma(1.5, 4.0, size=5000)
    y = 0.8 * x + rng.normal(0, 3, size=5000)
    adj = ex.cuped(y, x)
    theta = np.cov(x, y)[0, 1] / np.var(x, ddof=1)
    np.testing.assert_allclose(adj, y - theta * (x - x.mean()), rtol=1e-12)
    np.testing.assert_allclose(adj.mean(), y.mean(), rtol=1e-12)
    rho = np.corrcoef(x, y)[0, 1]
    np.testing.assert_allclose(adj.var() / y.var(), 1 - rho**2, rtol=1e-10)
    # the adjusted metric is uncorrelated with the covariate
    assert abs(np.corrcoef(adj, x)[0, 1]) < 1e-10


def test_cuped_with_an_unrelated_covariate_saves_nothing():
    rng = np.random.default_rng(4)
    y, x = rng.normal(size=20_000), rng.normal(size=20_000)
    ratio = ex.cuped(y, x).var() / y.var()
    # 1 - rho^2 with rho ~ N(0, 1/n): within 5 / n of one
    assert 1 - 5 / 20_000 < ratio <= 1.0


@pytest.mark.parametrize(
    "y, x, error",
    [
        ([1.0, 2.0, 3.0], [1.0, 2.0], ValueError),
        ([1.0, 2.0], [3.0, 3.0], ValueError),
        ([], [], ValueError),
        ([1.0], [1.0], ValueError),
        ([1.0, np.nan], [1.0, 2.0], ValueError),
        ([1.0, 2.0], [np.inf, 2.0], ValueError),
        (["a", "b"], [1.0, 2.0], TypeError),
    ],
)
def test_cuped_refuses(y, x, error):
    with pytest.raises(error):
        ex.cuped(y, x)


# ----------------------------------------------------------------- always_valid_pvalues
def test_always_valid_pvalues_closed_form_and_monotone():
    rng = np.random.default_rng(5)
    d = rng.normal(0.2, 1.5, size=400)
    p = ex.always_valid_pvalues(d, sigma=1.5, tau=0.3)
    n = np.arange(1, 401)
    s = np.cumsum(d)
    v = 1.5**2
    lr = np.sqrt(v / (v + n * 0.09)) * np.exp(0.09 * s**2 / (2 * v * (v + n * 0.09)))
    np.testing.assert_allclose(
        p, np.minimum(1, 1 / np.maximum.accumulate(lr)), rtol=1e-10
    )
    assert np.all(np.diff(p) <= 0) and p[0] <= 1


def test_always_valid_pvalues_equal_the_mixture_integral():
    # Lambda_n is the likelihood ratio integrated over theta ~ N(0, tau^2), numerically
    d = np.array([0.3, -0.1, 0.8, 0.5, 1.4, 0.9])
    sigma, tau = 1.2, 0.7
    theta = np.linspace(-8, 8, 200_001)
    lam = []
    for n in range(1, d.size + 1):
        loglik = (
            stats.norm.logpdf(d[:n, None], theta, sigma).sum(0)
            - stats.norm.logpdf(d[:n], 0, sigma).sum()
        )
        prior = stats.norm.pdf(theta, 0, tau)
        lam.append(np.trapezoid(np.exp(loglik) * prior, theta))
    expected = np.minimum(1.0, 1 / np.maximum.accumulate(lam))
    p = ex.always_valid_pvalues(d, sigma=sigma, tau=tau)
    np.testing.assert_allclose(p, expected, rtol=1e-8)
    assert p[-1] < 1


def test_always_valid_pvalues_control_the_false_positive_rate():
    rng = np.random.default_rng(6)
    reps = 4000
    p = ex.always_valid_pvalues(rng.normal(size=(reps, 2000)), sigma=1.0, tau=0.1)
    fpr = (p[:, -1] <= 0.05).mean()
    # Ville's inequality bounds it by 0.05; allow 3 Monte Carlo standard errors
    assert fpr <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / reps)
    assert p.shape == (reps, 2000)


def test_always_valid_pvalues_detect_an_effect():
    rng = np.random.default_rng(7)
    p = ex.always_valid_pvalues(rng.normal(0.3, 1.0, size=2000), sigma=1.0, tau=0.3)
    assert p[-1] < 1e-6


@pytest.mark.parametrize(
    "diffs, kwargs, error",
    [
        ([0.1, 0.2], dict(sigma=0.0, tau=1.0), ValueError),
        ([0.1, 0.2], dict(sigma=1.0, tau=-1.0), ValueError),
        ([0.1, 0.2], dict(sigma=1.0, tau=float("nan")), ValueError),
        ([], dict(sigma=1.0, tau=1.0), ValueError),
        (np.empty((2, 0)), dict(sigma=1.0, tau=1.0), ValueError),
        ([0.1, np.nan], dict(sigma=1.0, tau=1.0), ValueError),
        (np.zeros((2, 2, 2)), dict(sigma=1.0, tau=1.0), ValueError),
        ([[0.1, np.inf]], dict(sigma=1.0, tau=1.0), ValueError),
        (["a"], dict(sigma=1.0, tau=1.0), TypeError),
        ([0.1], dict(sigma="1", tau=1.0), TypeError),
    ],
)
def test_always_valid_pvalues_refuse(diffs, kwargs, error):
    with pytest.raises(error):
        ex.always_valid_pvalues(diffs, **kwargs)


# ---------------------------------------------------------------------- quantile_effect
def test_exact_bootstrap_of_a_quantile_matches_enumeration():
    # all 5^5 resamples of a 5-point sample with ties, against 200,000 draws of the
    # sampler
    x = np.array([1.0, 2.0, 2.0, 5.0, 7.0])
    draws = 200_000
    for q in (0.3, 0.5, 0.9):
        exact: dict[float, float] = {}
        for idx in itertools.product(range(5), repeat=5):
            v = float(np.quantile(x[list(idx)], q, method="inverted_cdf"))
            exact[v] = exact.get(v, 0.0) + 5.0**-5
        boot = ex._bootstrap_quantiles(x, q, draws, np.random.default_rng(1))
        for value, prob in exact.items():
            se = np.sqrt(prob * (1 - prob) / draws)
            assert abs((boot == value).mean() - prob) < 5 * se + 1e-12


def test_exact_bootstrap_matches_resampling_rows():
    rng = np.random.default_rng(8)
    x = np.round(rng.lognormal(7, 0.5, size=300))
    fast = ex._bootstrap_quantiles(x, 0.9, 20_000, np.random.default_rng(2))
    slow = np.quantile(
        x[rng.integers(0, x.size, size=(20_000, x.size))],
        0.9,
        axis=1,
        method="inverted_cdf",
    )
    # same law: the two-sample KS test does not tell them apart
    assert stats.ks_2samp(fast, slow).pvalue > 0.001


def test_rank_matches_numpy_inverted_cdf():
    rng = np.random.default_rng(9)
    for _ in range(3000):
        n = int(rng.integers(1, 400))
        q = float(rng.choice([rng.random(), round(rng.random(), 2)]))
        if not 0 < q < 1:
            continue
        x = np.sort(rng.random(n))
        assert x[ex._rank(q, n) - 1] == np.quantile(x, q, method="inverted_cdf")


def test_quantile_effect_recovers_a_shift_and_covers():
    rng = np.random.default_rng(10)
    hits, reps = 0, 200
    for _ in range(reps):
        c = rng.lognormal(7, 0.5, size=2000)
        t = rng.lognormal(7, 0.5, size=2000) * 1.1
        est, lo, hi = ex.quantile_effect(t, c, 0.9, n_boot=400, seed=rng)
        true = 0.1 * np.exp(7 + 0.5 * stats.norm.ppf(0.9))
        hits += lo <= true <= hi
        assert lo <= est <= hi
    # 95% intervals: coverage within 4 Monte Carlo standard errors
    assert abs(hits / reps - 0.95) < 4 * np.sqrt(0.95 * 0.05 / reps)


def test_quantile_effect_is_deterministic_under_a_seed():
    x, y = np.arange(100.0), np.arange(100.0) + 5
    assert ex.quantile_effect(y, x, 0.5, seed=3) == ex.quantile_effect(
        y, x, 0.5, seed=3
    )
    assert ex.quantile_effect(y, x, 0.5, seed=3)[0] == 5.0


@pytest.mark.parametrize(
    "t, c, q, kwargs, error",
    [
        ([1.0, 2.0], [1.0, 2.0], 0.0, {}, ValueError),
        ([1.0, 2.0], [1.0, 2.0], 1.0, {}, ValueError),
        ([1.0, 2.0], [1.0, 2.0], 1.5, {}, ValueError),
        ([], [1.0, 2.0], 0.5, {}, ValueError),
        ([1.0, 2.0], [], 0.5, {}, ValueError),
        ([1.0, np.nan], [1.0, 2.0], 0.5, {}, ValueError),
        ([1.0, 2.0], [1.0, 2.0], 0.5, dict(n_boot=10), ValueError),
        ([1.0, 2.0], [1.0, 2.0], 0.5, dict(level=1.0), ValueError),
        ([1.0, 2.0], [1.0, 2.0], 0.5, dict(n_boot=100.0), TypeError),
        ([1.0, 2.0], [1.0, 2.0], 0.5, dict(seed="a"), TypeError),
        ([1.0, 2.0], [1.0, 2.0], "0.5", {}, TypeError),
        (["a"], [1.0, 2.0], 0.5, {}, TypeError),
    ],
)
def test_quantile_effect_refuses(t, c, q, kwargs, error):
    with pytest.raises(error):
        ex.quantile_effect(t, c, q, **kwargs)


# ------------------------------------------------------------------- effect_from_sums
def _sums(y, x, t):
    import pandas as pd

    rows = []
    for arm in (0, 1):
        a, b = y[t == arm], x[t == arm]
        rows.append(
            {
                "n": a.size,
                "sy": a.sum(),
                "syy": (a * a).sum(),
                "sx": b.sum(),
                "sxx": (b * b).sum(),
                "sxy": (a * b).sum(),
            }
        )
    return pd.DataFrame(rows)


def test_effect_from_sums_equals_the_member_level_estimates():
    rng = np.random.default_rng(5)
    n = 4000
    t = rng.integers(0, 2, n)
    x = rng.gamma(2.0, 3.0, n)
    y = 0.8 * x + rng.normal(0, 2, n) + 0.5 * t
    out = ex.effect_from_sums(_sums(y, x, t))
    a, b = y[t == 1], y[t == 0]
    welch = stats.ttest_ind(a, b, equal_var=False)
    se = (a.mean() - b.mean()) / welch.statistic  # SciPy's Welch standard error
    np.testing.assert_allclose(out["diff"], a.mean() - b.mean(), rtol=1e-10)
    np.testing.assert_allclose(out["se"], se, rtol=1e-10)
    adj = ex.cuped(y, x)
    adj1, adj0 = adj[t == 1], adj[t == 0]
    np.testing.assert_allclose(out["diff_cuped"], adj1.mean() - adj0.mean(), rtol=1e-9)
    se_cuped = np.sqrt(adj1.var(ddof=1) / adj1.size + adj0.var(ddof=1) / adj0.size)
    np.testing.assert_allclose(out["se_cuped"], se_cuped, rtol=1e-9)
    assert out["se_cuped"] < out["se"]  # x predicts y: CUPED removes variance


def test_effect_from_sums_refuses_bad_input():
    import pandas as pd

    good = _sums(np.arange(6.0), np.array([1.0, 3, 2, 5, 4, 6]), np.array([0, 1] * 3))
    with pytest.raises(TypeError, match="DataFrame"):
        ex.effect_from_sums(good.to_numpy())
    with pytest.raises(ValueError, match="missing"):
        ex.effect_from_sums(good.drop(columns="sxy"))
    with pytest.raises(ValueError, match="two in all"):
        ex.effect_from_sums(pd.concat([good, good]))
    with pytest.raises(ValueError, match="at least two members"):
        ex.effect_from_sums(good.assign(n=[1, 3]))
    with pytest.raises(ValueError, match="finite"):
        ex.effect_from_sums(good.assign(sy=[np.nan, 1.0]))
    const = _sums(np.arange(6.0), np.ones(6), np.array([0, 1] * 3))
    with pytest.raises(ValueError, match="constant"):
        ex.effect_from_sums(const)
