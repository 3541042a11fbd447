"""dsinterview.did: the static TWFE bias under staggered adoption, and its repair."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from dsinterview.did import _cluster_cov, event_study, twfe_cohort, twfe_static


def _panel(seed=0, T=30, growing=True):
    rng = np.random.default_rng(seed)
    start = np.repeat([5, 12, 20, -1], 6)
    R = len(start)
    t = np.arange(T)[:, None]
    since = t - start[None, :]
    treated = (start[None, :] >= 0) & (since >= 0)
    scale = np.where(start == 5, 2.0, 1.0)[None, :]
    effect = np.where(treated, scale * (1 + since if growing else 1.0), 0.0)
    y = rng.normal(0, 1, (1, R)) + rng.normal(0, 1, (T, 1)) + effect
    y = y + rng.normal(0, 0.5, (T, R))
    return y, start, effect[treated].mean()


def test_static_is_biased_and_cohort_recovers_the_att():
    y, start, att = _panel()
    static, _ = twfe_static(y, start)
    cohort, se = twfe_cohort(y, start)
    assert abs(static - att) > 5
    assert abs(cohort - att) < 4 * se


def test_static_matches_statsmodels_with_dummies_and_clusters():
    y, start, _ = _panel(growing=False)
    T, R = y.shape
    t = np.arange(T)[:, None]
    post = ((start[None, :] >= 0) & (t >= start[None, :])).astype(float)
    df = pd.DataFrame(
        {"y": y.ravel(), "post": post.ravel(), "t": np.repeat(np.arange(T), R)}
    )
    df["r"] = np.tile(np.arange(R), T)
    X = pd.get_dummies(df[["t", "r"]].astype(str), drop_first=True).astype(float)
    X.insert(0, "post", df["post"])
    X = sm.add_constant(X)
    fit = sm.OLS(df["y"], X).fit(cov_type="cluster", cov_kwds={"groups": df["r"]})
    est, se = twfe_static(y, start)
    assert est == pytest.approx(fit.params["post"], abs=1e-9)
    # statsmodels' CR1 also scales by (N - 1) / (N - K); ours only by G / (G - 1)
    n, k = X.shape
    assert se == pytest.approx(fit.bse["post"] / np.sqrt((n - 1) / (n - k)), rel=1e-6)


def test_without_never_treated_units():
    y, start, _ = _panel(growing=False)
    keep = start >= 0
    est, se = twfe_cohort(y[:, keep], start[keep])
    assert np.isfinite(est) and se > 0


def test_refusals():
    y, start, _ = _panel()
    with pytest.raises(ValueError, match="panel"):
        twfe_static(y[0], start)
    with pytest.raises(ValueError, match="finite"):
        twfe_static(np.where(y > 1, np.nan, y), start)
    with pytest.raises(ValueError, match="one integer period per unit"):
        twfe_cohort(y, start[:-1])
    with pytest.raises(ValueError, match="one integer period per unit"):
        twfe_cohort(y, start.astype(float))
    with pytest.raises(ValueError, match="-1"):
        twfe_cohort(y, np.where(start == 5, 99, start))
    with pytest.raises(ValueError, match="no unit is ever treated"):
        twfe_static(y, np.full(y.shape[1], -1))
    with pytest.raises(ValueError, match="two adoption cohorts"):
        twfe_static(y, np.full(y.shape[1], 3))


def test_cr3_is_the_leave_one_unit_out_jackknife():
    from dsinterview.did import _demean

    y, start, _ = _panel(growing=False)
    T, R = y.shape
    t = np.arange(T)[:, None]
    post = ((start[None, :] >= 0) & (t >= start[None, :])).astype(float)
    x, yd = _demean(post), _demean(y)
    est, se3 = twfe_static(y, start, se="cr3")
    _, se1 = twfe_static(y, start)
    drops = []
    for r in range(R):
        keep = np.arange(R) != r
        xk, yk = x[:, keep].ravel(), yd[:, keep].ravel()
        drops.append(xk @ yk / (xk @ xk) - est)
    jack = np.sqrt((R - 1) / R * np.sum(np.square(drops)))
    assert se3 == pytest.approx(jack, rel=1e-6)
    assert se3 > se1 * np.sqrt((R - 1) / R) ** 2
    with pytest.raises(ValueError, match="se must be"):
        twfe_static(y, start, se="hc3")


def test_event_study_recovers_the_dynamics_and_flat_leads():
    y, start, _ = _panel(seed=4)
    es = event_study(y, start, leads=3, lags=6)
    assert list(es.index) == list(range(-3, 7))
    assert es.loc[-1, "estimate"] == 0 and es.loc[-1, "se"] == 0
    # planted: scale (2 for the first cohort, 1 for the others) * (1 + k), none before
    sizes = {5: 6, 12: 6, 20: 6}
    mean_scale = (2 * 6 + 6 + 6) / sum(sizes.values())
    for k in range(7):
        assert abs(es.loc[k, "estimate"] - mean_scale * (1 + k)) < 4 * es.loc[k, "se"]
    for k in (-3, -2):
        assert abs(es.loc[k, "estimate"]) < 4 * es.loc[k, "se"]
    assert (es["ci_low"] <= es["estimate"]).all()


def test_event_study_matches_statsmodels_cell_dummies():
    y, start, _ = _panel(seed=2, growing=False)
    T, R = y.shape
    es = event_study(y, start, leads=2, lags=3)
    rows = []
    for t in range(T):
        for r in range(R):
            rows.append(
                {
                    "y": y[t, r],
                    "t": t,
                    "r": r,
                    "k": t - start[r] if start[r] >= 0 else None,
                    "s": start[r],
                }
            )
    df = pd.DataFrame(rows)
    cell = [
        f"c{s}_{t}"
        for s in sorted(set(start[start >= 0]))
        for t in range(max(0, s - 2), T)
        if t - s != -1
    ]
    X = pd.get_dummies(df[["t", "r"]].astype(str), drop_first=True).astype(float)
    for name in cell:
        s, t = map(int, name[1:].split("_"))
        X[name] = ((df["s"] == s) & (df["t"] == t)).astype(float)
    fit = sm.OLS(df["y"], sm.add_constant(X)).fit()
    # event time 0: the average of each cohort's own-start coefficient (equal sizes)
    own = np.mean([fit.params[f"c{s}_{s}"] for s in (5, 12, 20)])
    assert es.loc[0, "estimate"] == pytest.approx(own, abs=1e-8)


def test_event_study_refusals():
    y, start, _ = _panel()
    with pytest.raises(ValueError, match="never-treated"):
        event_study(y[:, start >= 0], start[start >= 0])
    with pytest.raises(ValueError, match="non-negative"):
        event_study(y, start, leads=-1)
    with pytest.raises(ValueError, match="non-negative"):
        event_study(y, start, lags=1.5)
    with pytest.raises(ValueError, match="event time"):
        event_study(y, start, lags=40)


def test_cluster_cov_refusals_and_one_cluster_per_row_is_hc():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(50), rng.normal(size=50)])
    yv = X @ [1.0, 2.0] + rng.normal(size=50)
    inv = np.linalg.inv(X.T @ X)
    u = yv - X @ (inv @ X.T @ yv)
    cov = _cluster_cov(X, u, np.arange(50), inv)
    hc1 = sm.OLS(yv, X).fit(cov_type="HC0").cov_params() * 50 / 49
    np.testing.assert_allclose(cov, hc1, rtol=1e-10)
    with pytest.raises(ValueError, match="at least 2 clusters"):
        _cluster_cov(X, u, np.zeros(50, dtype=int), inv)
    with pytest.raises(ValueError, match="se must be"):
        _cluster_cov(X, u, np.arange(50), inv, se="hc1")
